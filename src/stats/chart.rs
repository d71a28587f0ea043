//! The `/stats` chart (filled in below).
