//! The integration tests, in one binary: the storage contract on both backends, the command
//! line, and (later) the bot end to end against the local Bot API stand-in.

mod cli;
mod e2e;
mod e2e_scratch;
mod storage_contract;
mod support;
