//! Where the problem is: the words after 地点/地址/位置, "location:" or 📍, as the user wrote
//! them. The rules are in the module doc of `parse`.

use std::sync::OnceLock;

use regex::Regex;

use super::fold::{is_han, Folded};

fn location_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:具体位置|地点|地址|位置)(?:\s*:\s*|\s*在\s*|\s+)|(?-u:\b)(?:location|address|place|loc|where|at)\s*:\s*|📍\s*")
            .expect("built-in regex")
    })
}

/// The location written in the message, if any; `stops` are char ranges (urgency words, the
/// due time) where a location ends.
pub(super) fn location(f: &Folded, stops: &[(usize, usize)]) -> Option<String> {
    let cs = &f.chars;
    for m in location_re().find_iter(&f.text) {
        let start = f.char_idx(m.end());
        let chinese = cs.get(start).copied().is_some_and(is_han);
        let mut end = start;
        while end < cs.len() {
            let c = cs[end];
            let mention = matches!(c, '@' | '#') && (end == 0 || cs[end - 1].is_whitespace());
            let sentence_end = matches!(c, ',' | '。' | ';' | '\n' | '!' | '?' | '｡');
            let field_end = chinese
                && c.is_whitespace()
                && cs[end..]
                    .iter()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(|c| is_han(*c));
            let token = stops.iter().any(|&(s, _)| s == end);
            if mention || sentence_end || field_end || (token && end > start) {
                break;
            }
            end += 1;
        }
        let value = f
            .orig_slice(start, end)
            .trim()
            .trim_end_matches(['.', '-', '—', ':', '：']);
        if !value.is_empty() {
            return Some(value.trim().to_string());
        }
    }
    None
}
