//! Cleaning text that comes from people (messages, names) or from the organisation file before
//! anything else looks at it.
//!
//! Three functions, each with one job:
//! - [`normalize`] removes what can hurt when the text is stored and shown to others: NUL and
//!   the other C0/C1 control characters (a NUL breaks Postgres text columns, a stray escape or
//!   carriage return garbles a transcript) and the bidirectional formatting characters (an
//!   U+202E "right-to-left override" can make `#12 已处理` display as something else in every
//!   other member's client). It only removes characters, so it is idempotent and never adds
//!   anything a person did not type.
//! - [`is_visibly_empty`] says whether a text would look empty on a phone: zero-width
//!   characters, variation selectors and whitespace alone do not make a name or a reply.
//! - [`fold_for_parse`] maps the digits, `#` and spaces that phone keyboards produce in
//!   full-width or typographic forms to their ASCII forms, one character for one character, so
//!   the parser can use positions in the folded text as positions in the original.

/// Bidirectional formatting characters: embeddings and overrides (U+202A–U+202E), isolates
/// (U+2066–U+2069), the left-to-right and right-to-left marks (U+200E, U+200F) and the Arabic
/// letter mark (U+061C).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Control characters that `normalize` removes: C0 except tab and newline, DEL, and C1.
/// Carriage returns go too, so "\r\n" becomes "\n" and a line count is the same everywhere.
pub fn is_removed_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// The one normaliser for text from people and from the organisation file: removes NUL and the
/// other control characters (keeping `\n` and `\t`) and the bidirectional formatting
/// characters. Everything else, including zero-width joiners inside emoji, is kept as typed.
pub fn normalize(s: &str) -> String {
    s.chars().filter(|c| !is_removed_control(*c)).collect()
}

/// Characters that take no room on screen: zero-width space, non-joiner and joiner
/// (U+200B–U+200D), word joiner (U+2060), the byte-order mark (U+FEFF), variation selectors
/// (U+FE00–U+FE0F and U+E0100–U+E01EF), soft hyphen, and the controls `normalize` removes.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{E0100}'..='\u{E01EF}'
            | '\u{00AD}'
            | '\u{180E}'
    ) || is_removed_control(c)
}

/// Whether the text shows nothing: only whitespace and invisible characters. "\u{200B}" is
/// not a name and "\u{FE0F}\n" is not a reply.
pub fn is_visibly_empty(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// One character of [`fold_for_parse`].
pub fn fold_char_for_parse(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '＃' => '#',
        '\u{3000}' | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => ' ',
        _ => c,
    }
}

/// Full-width digits ０–９ to 0–9, ＃ to #, and the ideographic space and other Unicode spaces
/// (no-break, en/em/thin/hair, narrow no-break, medium mathematical) to ' '. Exactly one
/// character out for each character in, so char positions carry over to the original.
pub fn fold_for_parse(s: &str) -> String {
    s.chars().map(fold_char_for_parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rustfmt::skip]
    const NORMALIZE: &[(&str, &str)] = &[
        ("收到", "收到"),
        ("a\u{0}b", "ab"),
        ("line1\r\nline2", "line1\nline2"),
        ("tab\there", "tab\there"),
        ("\u{1B}[31mred", "[31mred"),
        ("\u{7F}\u{85}x", "x"),
        ("#12 \u{202E}已处理\u{202C}", "#12 已处理"),
        ("\u{2066}iso\u{2069}\u{200E}\u{200F}\u{061C}", "iso"),
        // Joiners and variation selectors belong to emoji: kept.
        ("👩\u{200D}🚒\u{FE0F}", "👩\u{200D}🚒\u{FE0F}"),
        ("", ""),
    ];

    #[test]
    fn normalize_removes_controls_and_bidi_only() {
        for (input, want) in NORMALIZE {
            assert_eq!(normalize(input), *want, "{input:?}");
            assert_eq!(normalize(want), *want, "idempotent on {want:?}");
        }
    }

    #[rustfmt::skip]
    const EMPTY: &[(&str, bool)] = &[
        ("", true), ("   ", true), ("\u{3000}", true), ("\u{200B}", true),
        ("\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}", true), ("\u{FE0F}\n", true),
        ("\u{202E}", true), ("\u{0}", true), ("\u{E0101}", true),
        ("a", false), ("收到", false), ("👍", false), ("\u{200B}x", false), (".", false),
    ];

    #[test]
    fn visibly_empty_ignores_invisible_characters() {
        for (input, want) in EMPTY {
            assert_eq!(is_visibly_empty(input), *want, "{input:?}");
        }
    }

    #[rustfmt::skip]
    const FOLD: &[(&str, &str)] = &[
        ("＃１１", "#11"),
        ("吹哨\u{3000}#０９", "吹哨 #09"),
        ("a\u{00A0}b\u{2003}c\u{202F}d\u{205F}e\u{2009}f", "a b c d e f"),
        ("１２３４５６７８９０", "1234567890"),
        // Only digits, # and spaces: other full-width forms are the parser's business.
        ("ＡＢ！", "ＡＢ！"),
    ];

    #[test]
    fn fold_for_parse_maps_digits_hash_and_spaces() {
        for (input, want) in FOLD {
            let got = fold_for_parse(input);
            assert_eq!(got, *want, "{input:?}");
            assert_eq!(got.chars().count(), input.chars().count(), "one for one");
        }
    }
}
