//! Whether a whistle is urgent, and where the words that say so are (so that a location
//! written before them ends there). The rules are in the module doc of `parse`.

use std::sync::OnceLock;

use regex::Regex;

use super::fold::{is_punct, Folded};

fn en_urgent() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?-u:\b)(?:urgent|urgently|asap|immediately|emergency)(?-u:\b)")
            .expect("built-in regex")
    })
}

/// Characters that, just before an urgency word, negate it (不急, 非紧急, 别着急, 没那么急).
fn negated_zh(chars: &[char], at: usize) -> bool {
    chars[..at]
        .iter()
        .rev()
        .take(3)
        .take_while(|c| !c.is_whitespace() && !is_punct(**c))
        .any(|c| matches!(c, '不' | '别' | '勿' | '莫' | '非' | '无' | '没'))
}

/// Whether the message is urgent, and where the urgency markers are (char ranges), so the
/// location can stop before them.
pub(super) fn urgency(f: &Folded) -> (bool, Vec<(usize, usize)>) {
    let cs = &f.chars;
    let mut spans = Vec::new();
    if let Some(i) = cs.iter().position(|c| !c.is_whitespace()) {
        if cs[i] == '!' {
            spans.push((i, i + 1));
        }
    }
    for i in 0..cs.len() {
        let next = cs.get(i + 1).copied();
        match cs[i] {
            '!' if next == Some('!') => spans.push((i, i + 2)),
            '‼' | '🚨' => spans.push((i, i + 1)),
            '急' => {
                let prev = i.checked_sub(1).map(|p| cs[p]);
                let service =
                    prev == Some('应') || matches!(next, Some('救' | '诊' | '性' | '弯' | '转'));
                if !service && !negated_zh(cs, i) {
                    let start = if prev == Some('紧') { i - 1 } else { i };
                    spans.push((start, i + 1));
                }
            }
            _ => {}
        }
    }
    for w in ["尽快", "立即", "立刻", "马上", "火速"] {
        for (b, _) in f.text.match_indices(w) {
            let i = f.char_idx(b);
            if !negated_zh(cs, i) {
                spans.push((i, i + 2));
            }
        }
    }
    for m in en_urgent().find_iter(&f.text) {
        let before = &f.text[..m.start()];
        let after = &f.text[m.end()..];
        let negated = ["not ", "non-", "non ", "no "]
            .iter()
            .any(|n| before.ends_with(n));
        let agency = m.as_str() == "emergency" && after.trim_start().starts_with("manage");
        if !negated && !agency {
            spans.push((f.char_idx(m.start()), f.char_idx(m.end())));
        }
    }
    (!spans.is_empty(), spans)
}
