//! Places: a point as Telegram sends it (WGS-84), and where a resident's report belongs.

use serde::{Deserialize, Serialize};

/// A point on the earth, WGS-84 degrees, as Telegram's `Location` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}
