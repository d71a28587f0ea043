//! Is a resident's new report the same problem as an order already open? Two reports are the
//! same when both places are known and close, or when most of the new text's character pairs
//! occur in the old one. The caller picks the candidates (same grid, not closed, created within
//! `duplicate_within`); this module only compares two of them.

use std::collections::HashSet;

use super::geo::{distance_m, Point};
use super::parse::fold_str;

/// The pairs of adjacent characters of the text once folded (Traditional → Simplified,
/// full-width → half-width, case) and with everything but letters and digits removed (spaces,
/// punctuation, symbols, emoji). "路灯坏了！" gives {路灯, 灯坏, 坏了}; a text of one character
/// gives none.
pub fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = fold_str(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Whether the new report is the same problem as the old one: both places known and at most
/// `radius_m` apart, or at least half of the new text's bigrams found in the old text's
/// (|B(new) ∩ B(old)| ≥ ½·|B(new)|; a new text without bigrams matches by place only).
pub fn same_problem(
    new_text: &str,
    new_place: Option<Point>,
    old_text: &str,
    old_place: Option<Point>,
    radius_m: f64,
) -> bool {
    if let (Some(a), Some(b)) = (new_place, old_place) {
        if distance_m(a, b) <= radius_m {
            return true;
        }
    }
    let new = bigrams(new_text);
    if new.is_empty() {
        return false;
    }
    let shared = new.intersection(&bigrams(old_text)).count();
    2 * shared >= new.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[&str]) -> HashSet<(char, char)> {
        pairs
            .iter()
            .map(|p| {
                let mut c = p.chars();
                (c.next().unwrap(), c.next().unwrap())
            })
            .collect()
    }

    #[test]
    fn bigrams_fold_and_drop_spaces_and_punctuation() {
        assert_eq!(bigrams("路灯坏了！"), set(&["路灯", "灯坏", "坏了"]));
        // Traditional, spaces and full-width letters fold to the same pairs.
        assert_eq!(bigrams("路燈 壞了"), set(&["路灯", "灯坏", "坏了"]));
        assert_eq!(bigrams("ＡＢ，c"), set(&["ab", "bc"]));
        assert!(bigrams("灯").is_empty());
        assert!(bigrams("！？ 🙂").is_empty());
    }

    const HERE: Point = Point {
        lat: 25.0480,
        lon: 102.7010,
    };
    // About 33 m north of HERE (0.0003° of latitude).
    const NEAR: Point = Point {
        lat: 25.0483,
        lon: 102.7010,
    };
    // About 220 m north.
    const FAR: Point = Point {
        lat: 25.0500,
        lon: 102.7010,
    };

    #[test]
    fn close_places_are_the_same_problem_whatever_the_text() {
        assert!(same_problem(
            "井盖不见了",
            Some(HERE),
            "路灯坏了",
            Some(NEAR),
            50.0
        ));
        assert!(!same_problem(
            "井盖不见了",
            Some(HERE),
            "路灯坏了",
            Some(FAR),
            50.0
        ));
        // A place known on one side only does not count.
        assert!(!same_problem(
            "井盖不见了",
            Some(HERE),
            "路灯坏了",
            None,
            50.0
        ));
        assert!(!same_problem(
            "井盖不见了",
            None,
            "路灯坏了",
            Some(HERE),
            50.0
        ));
    }

    #[test]
    fn half_the_new_bigrams_in_the_old_text_is_the_same_problem() {
        // New: 路灯, 灯坏, 坏了 — all three in the old text.
        assert!(same_problem(
            "路灯坏了",
            None,
            "翠湖南路12号门口的路灯坏了",
            None,
            50.0
        ));
        // Traditional against Simplified, far apart: the text still decides.
        assert!(same_problem(
            "路燈壞了",
            Some(HERE),
            "路灯坏了好几天",
            Some(FAR),
            50.0
        ));
        // New: 门口, 口路, 路灯, 灯不, 不亮 (5); old shares 路灯 and 门口 (2 < 2.5).
        assert!(!same_problem(
            "门口路灯不亮",
            None,
            "门口的路灯坏了",
            None,
            50.0
        ));
        // Exactly half: 路灯, 灯坏, 坏掉, 掉了 (4); old shares 路灯 and 灯坏 (2 = 2).
        assert!(same_problem("路灯坏掉了", None, "路灯坏", None, 50.0));
    }

    #[test]
    fn a_text_without_bigrams_matches_by_place_only() {
        assert!(!same_problem("灯", None, "灯", None, 50.0));
        assert!(!same_problem("！！", None, "！！", None, 50.0));
        assert!(same_problem("灯", Some(HERE), "别的事", Some(NEAR), 50.0));
    }
}
