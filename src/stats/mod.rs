//! Statistics and assessment (issue 10): periods in the organisation's time zone, the figures
//! of a unit subtree or a department over a period (counted in SQL by `storage::stats`), the
//! rates derived from them, and the bar chart sent with `/stats`.
//!
//! Nothing here does I/O: the figures are plain counts, the rates plain arithmetic on them.

pub mod chart;
pub mod figures;
pub mod period;

pub use figures::{Assessment, Breakdown, Figures, Percentiles, Rate, Scope};
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

/// The parts' figures in the order of `names` (id, name), from a breakdown keyed by id; a part
/// with nothing counted has zero figures.
pub fn in_order(
    names: &[(String, String)],
    mut by_id: std::collections::HashMap<String, Figures>,
) -> Vec<(String, Figures)> {
    names
        .iter()
        .map(|(id, name)| (name.clone(), by_id.remove(id).unwrap_or_default()))
        .collect()
}

/// The names of the alliance units (id, name) that reported on fewer than two orders, given
/// the distinct orders each reported on (an alliance absent from `reported` reported on none).
pub fn fewer_than_two(
    alliances: &[(String, String)],
    reported: &std::collections::HashMap<String, i64>,
) -> Vec<String> {
    alliances
        .iter()
        .filter(|(id, _)| reported.get(id).copied().unwrap_or(0) < 2)
        .map(|(_, name)| name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_keep_their_order_and_alliances_under_two_orders_are_named() {
        let names = vec![
            ("b".to_string(), "乙".to_string()),
            ("a".to_string(), "甲".to_string()),
        ];
        let mut by_id = std::collections::HashMap::new();
        let a = Figures {
            whistles: 3,
            ..Figures::default()
        };
        by_id.insert("a".to_string(), a.clone());
        by_id.insert("elsewhere".to_string(), a.clone());
        assert_eq!(
            in_order(&names, by_id),
            vec![
                ("乙".to_string(), Figures::default()),
                ("甲".to_string(), a)
            ]
        );
        let reported = [("a".to_string(), 2), ("b".to_string(), 1)].into();
        let mut three = names.clone();
        three.push(("c".to_string(), "丙".to_string()));
        // b reported on one order, c on none; a on two is enough.
        assert_eq!(fewer_than_two(&three, &reported), vec!["乙", "丙"]);
    }
}
