//! Statistics and assessment (issue 10): periods in the organisation's time zone, the figures
//! of a unit subtree or a department over a period (counted in SQL by `storage::stats`), the
//! rates derived from them, and the bar chart sent with `/stats`.
//!
//! Nothing here does I/O: the figures are plain counts, the rates plain arithmetic on them.

pub mod chart;
pub mod figures;
pub mod period;

pub use figures::{Assessment, Figures, Percentiles, Rate, Scope};
pub use period::Period;
