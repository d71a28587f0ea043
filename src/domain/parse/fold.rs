//! Folding a message for matching, and the character classes the parser's rules use.
//!
//! Matching looks at a folded twin of the message: ASCII lower case, full-width forms and
//! Unicode spaces to ASCII ([`crate::domain::text::fold_for_parse`]), Traditional to
//! Simplified ([`super::t2s`]). Folding is one character for one character, so a range found in
//! the folded text is the same range of the original, and the draft can quote the user's own
//! words (a location as typed, not folded).

use super::t2s::t2s;
use crate::domain::text::fold_char_for_parse;

/// One character folded: Unicode spaces, full-width digits and ＃ to ASCII, the other
/// full-width ASCII forms to half-width, ASCII to lower case, Traditional to Simplified.
pub(super) fn fold_char(c: char) -> char {
    let c = fold_char_for_parse(c);
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        return char::from_u32(c as u32 - 0xFEE0)
            .map(|h| h.to_ascii_lowercase())
            .unwrap_or(c);
    }
    t2s().get(&c).copied().unwrap_or(c)
}

pub(crate) fn fold_str(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// A text with its folded twin and the offsets to map between them.
pub(super) struct Folded<'a> {
    pub orig: &'a str,
    pub chars: Vec<char>,
    pub text: String,
    /// Byte offset in `orig` of each char, plus the end.
    orig_at: Vec<usize>,
    /// Byte offset in `text` of each char, plus the end.
    fold_at: Vec<usize>,
}

impl<'a> Folded<'a> {
    pub fn new(orig: &'a str) -> Self {
        let mut chars = Vec::new();
        let mut text = String::with_capacity(orig.len());
        let mut orig_at = Vec::new();
        let mut fold_at = Vec::new();
        for (i, c) in orig.char_indices() {
            let f = fold_char(c);
            orig_at.push(i);
            fold_at.push(text.len());
            chars.push(f);
            text.push(f);
        }
        orig_at.push(orig.len());
        fold_at.push(text.len());
        Folded {
            orig,
            chars,
            text,
            orig_at,
            fold_at,
        }
    }

    /// The char index of a byte offset in the folded text (regex offsets are char boundaries).
    pub fn char_idx(&self, byte: usize) -> usize {
        self.fold_at.partition_point(|&b| b < byte)
    }

    pub fn orig_slice(&self, from: usize, to: usize) -> &'a str {
        let (a, b) = (self.orig_at[from], self.orig_at[to.max(from)]);
        &self.orig[a..b]
    }
}

/// A character of an English word, for word boundaries.
pub(super) fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Punctuation in ASCII, general punctuation, CJK symbols and full-width forms.
pub(super) fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x303F | 0xFE30..=0xFE4F | 0xFF00..=0xFF65)
        || matches!(c, '～' | '·')
}

/// A CJK ideograph (the basic block, extension A, compatibility forms and the supplementary
/// planes' extensions).
pub(super) fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}
