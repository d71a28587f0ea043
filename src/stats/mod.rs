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

use crate::domain::Lang;
use crate::i18n::ids;
use crate::tr;

/// A rate as people read it: "33% (6)", or "too few cases (2)".
pub fn rate_text(lang: Lang, r: Rate) -> String {
    match r {
        Rate::Value { cases, .. } => tr!(
            lang,
            ids::STATS_RATE,
            pct = r.percent().unwrap_or(0),
            cases = cases
        ),
        Rate::TooFew { cases } => tr!(lang, ids::STATS_TOO_FEW, cases = cases),
    }
}

/// A duration in seconds as hours and minutes, or "—" when there is none.
pub fn duration_text(lang: Lang, secs: Option<i64>) -> String {
    match secs {
        Some(s) => tr!(lang, ids::STATS_DURATION, h = s / 3600, m = (s % 3600) / 60),
        None => tr!(lang, ids::STATS_NONE),
    }
}
