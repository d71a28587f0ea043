//! gridwhistle: a Telegram bot for the "whistle and report" (吹哨报到) mechanism of community
//! grid governance. `main.rs` is a thin shell over this library; see ARCHITECTURE.md for the map.

pub mod acts;
pub mod app;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod metrics;
pub mod render;
pub mod sandbox;
pub mod scale;
pub mod scheduler;
pub mod standin;
pub mod stats;
pub mod storage;
pub mod telegram;
