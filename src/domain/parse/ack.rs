//! Telling a reply that means "reporting for duty" (报到, 收到, 👍, "on it") from one that
//! asks or refuses ("收到？", "做不到"). The whole reply must be an acknowledgement: a word
//! list, not a classifier, so a sentence that merely contains 收到 is never taken as one.

use super::fold::{fold_char, is_punct};
use crate::domain::text;

/// Acknowledgement words, folded (Simplified, lower case), separated by "|".
const ACK_WORDS: &str = concat!(
    "收到|收到了|已收到|收到收到|好的收到|收到马上到|收到马上去|收到马上处理|收到立即处理|收悉|",
    "收|报到|已报到|报到了|报道|已报道|到|已到|到了|我到|马上到|马上去|马上处理|立即处理|在路上|",
    "正在路上|明白|明白了|了解|知道了|好的|好|好嘞|是|是的|没问题|我来|我去|我来处理|我去处理|",
    "ack|acked|ok|okay|on it|received|roger|roger that|copy|copy that|got it|will do|on my way|",
    "omw|coming|reporting|reporting for duty|present|noted|yes",
);

const ACK_EMOJI: &[char] = &['👍', '👌', '✅', '✔', '🫡', '🙋', '💪', '🆗'];

fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2300..=0x23FF | 0x2B00..=0x2BFF
        | 0xFE00..=0xFE0F | 0x200D | 0x20E3 | 0xE0020..=0xE007F)
}

/// Whether a reply means "reporting for duty": the whole message, without punctuation, spaces
/// and emoji, is one of the acknowledgement words, or it is only approving emoji (👍). A
/// question mark anywhere makes it a question ("收到？", "received?"), never an ack.
pub fn is_ack_text(text: &str) -> bool {
    // Controls and bidi marks are noise a client may add; they never change the meaning.
    let cleaned = text::normalize(text);
    let t = cleaned.trim();
    if t.is_empty() || t.chars().count() > 40 || t.contains(['?', '？']) {
        return false;
    }
    let mut words = String::new();
    let mut only_ack_emoji = true;
    for c in t.chars() {
        if ACK_EMOJI.contains(&c) {
            continue;
        }
        if is_emoji(c) {
            // Modifiers and variation selectors ride along with an approving emoji.
            only_ack_emoji &= matches!(c as u32, 0x1F3FB..=0x1F3FF | 0xFE00..=0xFE0F | 0x200D);
            continue;
        }
        let f = fold_char(c);
        if f.is_whitespace() || is_punct(f) {
            words.push(' ');
        } else {
            words.push(f);
        }
    }
    let spaced = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if spaced.is_empty() {
        return only_ack_emoji;
    }
    let tight: String = spaced.chars().filter(|c| *c != ' ').collect();
    ACK_WORDS.split('|').any(|w| w == spaced || w == tight)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    #[rustfmt::skip]
    pub(in crate::domain::parse) const ACKS: &[(&str, bool)] = &[
        ("收到", true), ("收到！", true), ("收到👍", true), ("  收到。 ", true), ("报到", true),
        ("報到", true), ("到", true), ("已报到", true), ("已報到", true), ("好的收到", true),
        ("好的，收到", true), ("收到收到", true), ("👍", true), ("👍🏻👍🏻", true), ("✅", true),
        ("马上到", true), ("馬上到", true), ("明白", true), ("ack", true), ("ACK", true),
        ("On it!", true), ("received.", true), ("Roger", true), ("roger that", true),
        ("copy that", true), ("OK", true),
        ("做不到", false), ("不到", false), ("收到了吗?", false), ("收到了吗", false),
        ("收到？", false), ("没收到", false), ("收不到", false), ("received?", false),
        ("not received", false), ("😂", false), ("", false), ("   ", false),
        ("收到，但今天做不到", false), ("报到时间几点", false), ("到底谁负责", false),
        ("不好", false), ("👍😂", false),
    ];

    #[test]
    fn ack_texts() {
        let wrong: Vec<_> = ACKS
            .iter()
            .filter(|(t, want)| is_ack_text(t) != *want)
            .collect();
        assert!(wrong.is_empty(), "{wrong:?}");
    }
}
