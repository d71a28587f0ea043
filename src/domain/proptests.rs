//! Property tests over arbitrary text: whatever people paste into a chat (controls, emoji,
//! right-to-left marks, full-width forms, lone combining marks), the parser and the text
//! functions never panic, the normaliser is idempotent and its output carries no control or
//! bidi character, and a draft never has a due time in the past.

use chrono::{DateTime, Utc};
use proptest::prelude::*;

use super::parse::{
    default_keywords, is_ack_text, parse_whistle, strip_trigger, DepartmentRef, DueNote, GridRef,
    ParseContext,
};
use super::role::RoleCatalog;
use super::text::{
    fold_for_parse, is_bidi_control, is_removed_control, is_visibly_empty, normalize,
};

/// Characters the rules react to, plus the ones that make trouble, so that short random
/// strings hit the interesting paths more often than `any::<char>()` alone would.
const SPICY: &str = "0123456789０１２３４５６７８９#＃@＠!！?？:：,，。 \u{3000}\u{00A0}\u{2003}\u{202F}\
\n\t\r\u{0}\u{1B}\u{7F}\u{85}\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}\
\u{200E}\u{200F}\u{061C}\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}\u{FE0F}\u{E0101}\u{0301}\
吹哨点时分前内半个小钟明今昨天晚上下午周五急应紧地址月日号年垃圾城管片警摆地摊收到报到\
👍🏻👩‍🚒🚨📍‼ÄΣİß\u{05D0}\u{0627}\u{0661}amptodayyesterdaybywithin";

fn spicy_char() -> impl Strategy<Value = char> {
    let chars: Vec<char> = SPICY.chars().collect();
    prop_oneof![
        3 => proptest::sample::select(chars),
        1 => any::<char>(),
        1 => proptest::char::range('\u{FF01}', '\u{FF5E}'),
    ]
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(spicy_char(), 0..48).prop_map(|cs| cs.into_iter().collect())
}

fn now() -> DateTime<Utc> {
    "2025-03-13T20:09:00Z".parse().expect("test clock")
}

fn draft_ok(input: &str, match_departments: bool) {
    let roles = RoleCatalog::default();
    let keywords = default_keywords();
    let departments = vec![DepartmentRef {
        id: "chengguan".into(),
        names: vec!["城管中队".into()],
        handles: vec!["占道".into(), "water".into()],
    }];
    let grids = vec![GridRef {
        id: "g1".into(),
        names: vec!["第一网格".into(), "grid 1".into()],
    }];
    let cx = ParseContext {
        roles: &roles,
        departments: &departments,
        match_departments,
        alliances: &[],
        grids: &grids,
        keywords: &keywords,
        tz: chrono_tz::Asia::Shanghai,
        now: now(),
    };
    let d = parse_whistle(input, &cx);
    assert!(!d.roles.is_empty() || !d.departments.is_empty());
    assert!(!d.text.chars().any(is_removed_control), "{:?}", d.text);
    if let Some(t) = d.due {
        assert!(t > now(), "due in the past: {t}");
        assert!(d.due_note.is_none());
    }
    if let Some(DueNote::Passed { wanted, next }) = d.due_note {
        assert!(wanted <= now() && next > now());
    }
    if d.order_ref.is_some() {
        assert!(d.order_ref_text.is_some());
    }
    if let Some(l) = &d.location {
        assert!(!l.chars().any(is_removed_control));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn normalize_is_idempotent_and_clean(s in text()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once.clone());
        prop_assert!(!once.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        prop_assert!(!once.chars().any(is_bidi_control));
        prop_assert_eq!(is_visibly_empty(&once), is_visibly_empty(&s));
    }

    #[test]
    fn fold_is_one_for_one(s in text()) {
        let f = fold_for_parse(&s);
        prop_assert_eq!(f.chars().count(), s.chars().count());
        let wide = |c: char| ('０'..='９').contains(&c) || c == '＃' || c == '\u{3000}';
        prop_assert!(!f.chars().any(wide));
        prop_assert_eq!(fold_for_parse(&f), f.clone());
    }

    #[test]
    fn the_parser_never_panics_and_never_dates_in_the_past(s in text(), depts in any::<bool>()) {
        draft_ok(&s, depts);
        if let Some(rest) = strip_trigger(&s) {
            draft_ok(rest, depts);
        }
        is_ack_text(&s);
    }

    #[test]
    fn any_string_at_all_is_survived(s in any::<String>()) {
        draft_ok(&s, true);
        strip_trigger(&s);
        is_ack_text(&s);
        let n = normalize(&s);
        prop_assert_eq!(normalize(&n), n);
    }
}
