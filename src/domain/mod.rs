//! The mechanism itself: units, roles, people, whistle orders and their state machine, policy
//! and the parsing of whistle text.
//!
//! Invariant: this module does no I/O. It never imports sqlx, teloxide or tokio and never reads
//! the clock; callers pass `now`. Everything here is tested without a database or a network.

pub mod access;
pub mod button;
pub mod duplicate;
pub mod escalation;
pub mod geo;
pub mod ids;
pub mod order;
pub mod org;
pub mod parse;
pub mod plan;
pub mod policy;
pub mod resident;
pub mod role;
pub mod text;

#[cfg(test)]
mod proptests;

pub use ids::*;
pub use order::*;
pub use role::{RoleCatalog, RoleId, RoleNames};
