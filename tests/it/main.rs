//! The integration tests, in one binary: the storage contract on both backends, the command
//! line, and the bot end to end against the local Bot API stand-in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod acts;
mod acts_residents;
mod cli;
mod demo_stats;
mod e2e;
mod e2e_alliances;
mod e2e_bad_input;
mod e2e_binding;
mod e2e_close;
mod e2e_concurrency;
mod e2e_deadlines;
mod e2e_delivery;
mod e2e_departments;
mod e2e_flood;
mod e2e_follow;
mod e2e_long_texts;
mod e2e_media;
mod e2e_odd_input;
mod e2e_processes;
mod e2e_regressions;
mod e2e_replicas;
mod e2e_report;
mod e2e_residents;
mod e2e_residents_relay;
mod e2e_roster;
mod e2e_stats;
mod e2e_verify;
mod e2e_whistle;
mod export;
mod invariants;
mod stats;
mod storage_contract;
mod support;
