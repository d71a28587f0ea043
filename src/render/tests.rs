//! The measuring and clipping of texts, as Telegram measures them: UTF-16 code units of the
//! visible text, after the HTML is parsed.

use super::*;
use crate::standin::{parse_html, utf16_len as parsed_len};

/// The text Telegram would show for `html`, or why it would refuse it.
fn shown(html: &str) -> String {
    parse_html(html)
        .unwrap_or_else(|e| panic!("{e}: {html}"))
        .text
}

#[test]
fn clip_counted_characters_so_emoji_came_out_twice_as_long() {
    let emoji = "😀".repeat(600);
    let clipped = clip(&emoji, 500);
    assert_eq!(utf16_len(&clipped), 499, "249 emoji and the ellipsis");
    assert!(clipped.ends_with('…'));
    assert_eq!(clip("短", 1), "短");
    assert_eq!(clip("abc", 0), "");
    assert_eq!(clip("abcdef", 4), "abc…");
    // A cut after a zero-width joiner does not leave it hanging.
    let family = "👩\u{200D}👩\u{200D}👧".repeat(10);
    assert!(!clip(&family, 7).contains("\u{200D}…"));
}

#[test]
fn visible_length_counts_what_telegram_counts() {
    let cases = [
        "plain",
        "<b>#1 title</b>\n&lt;&amp;&gt;&quot;",
        "<a href=\"tg://user?id=5\">@li</a> 😀👩‍🚒",
        "&#128512; &#x1F600; &#65;",
        "a & b", // a bare & is text (Telegram keeps it; our stand-in refuses it)
    ];
    for html in cases {
        if let Ok(p) = parse_html(html) {
            assert_eq!(visible_len(html), parsed_len(&p.text), "{html}");
        }
    }
    assert_eq!(visible_len("a & b"), 5);
}

#[test]
fn clip_html_keeps_tags_balanced_and_counts_entities_as_one() {
    let html = format!(
        "<b>{}</b> <a href=\"tg://user?id=7\">{}</a>",
        "&lt;".repeat(50),
        "😀".repeat(50)
    );
    for max in [0, 1, 2, 10, 49, 50, 51, 52, 53, 100, 150, 151, 152, 1000] {
        let c = clip_html(&html, max);
        let text = shown(&c);
        assert!(utf16_len(&text) <= max, "{max}: {c}");
        if max >= 151 {
            assert_eq!(c, html, "it fits whole");
        } else if max > 0 {
            assert!(text.ends_with('…'), "{max}: {text}");
        }
    }
    assert_eq!(shown(&clip_html(&html, 11)), format!("{}…", "<".repeat(10)));
}

#[test]
fn fit_lines_keeps_the_first_and_the_latest_lines() {
    let lines: Vec<String> = (0..100)
        .map(|i| format!("<b>{i:02}</b> {}", "😀".repeat(10)))
        .collect();
    // Each line is 23 units; 100 lines with their newlines are 2,399.
    let all = fit_lines(&lines, 5000);
    assert_eq!(all, lines.join("\n"));
    let some = fit_lines(&lines, 240);
    let text = shown(&some);
    assert!(utf16_len(&text) <= 240, "{text}");
    let shown_lines: Vec<&str> = text.lines().collect();
    assert!(shown_lines[0].starts_with("00 "), "{text}");
    assert_eq!(shown_lines[1], "…");
    assert!(shown_lines.last().unwrap().starts_with("99 "), "{text}");
    // One line longer than the room: clipped, never dropped whole.
    let one = vec![format!("<i>{}</i>", "x".repeat(500))];
    let text = shown(&fit_lines(&one, 100));
    assert_eq!(utf16_len(&text), 100);
}
