//! Property tests of the renderer: whatever text people write (emoji, `<&>`, right-to-left
//! marks, controls, very long), every card, `/show`, `/list` line and escalation notice renders
//! without panicking into HTML that Telegram's parser accepts (the stand-in's parser checks)
//! and whose visible text fits Telegram's limit in UTF-16 code units.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::acts::notices::escalation_notice;
use crate::domain::org::parse_org;
use crate::domain::policy::Level;
use crate::domain::{
    DepartmentId, EscalationReason, Event, EventKind, Lang, OrderId, OrderState, Party,
    PartyTarget, ReportMark, RoleId, TelegramUserId, UnitId, WhistleOrder,
};
use crate::standin::{parse_html, utf16_len as parsed_len};
use crate::storage::Payload;

/// Characters that make trouble: markup, emoji (astral, joined, with modifiers), right-to-left
/// text and overrides, controls, combining marks, wide forms.
const SPICY: &str = "<>&\"';#@/\\ \n\t\r\u{0}\u{1}\u{1B}\u{7F}\u{85}\u{A0}\u{3000}\
\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}\u{200E}\u{200F}\u{061C}\
\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}\u{FE0F}\u{E0101}\u{0301}\u{20DD}\
😀👍🏻👩‍🚒🇨🇳🏳️‍🌈🧑🏿‍🦽𝕏𠀀\u{10FFFD}‼ÄΣİß\u{05D0}\u{05D1}\u{0627}\u{0644}\u{0661}\
吹哨垃圾城管报到｜＜＞＆amp;lt;gt;&#x41;";

fn spicy_char() -> impl Strategy<Value = char> {
    let chars: Vec<char> = SPICY.chars().collect();
    prop_oneof![
        4 => proptest::sample::select(chars),
        1 => any::<char>(),
    ]
}

fn short() -> impl Strategy<Value = String> {
    proptest::collection::vec(spicy_char(), 0..40).prop_map(|cs| cs.into_iter().collect())
}

/// Up to about 8,000 characters: a random piece repeated, so long texts stay cheap to make.
fn long() -> impl Strategy<Value = String> {
    prop_oneof![
        short(),
        (short(), 1..200usize).prop_map(|(s, n)| s.repeat(n)),
        (1..4100usize).prop_map(|n| "😀".repeat(n)),
        (1..4100usize).prop_map(|n| "<&>".repeat(n)),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    text: String,
    location: Option<String>,
    notes: Vec<String>,
    note: String,
    reason: String,
    name: String,
    username: Option<String>,
    unit_name: String,
    state: OrderState,
    level: Level,
    urgent: bool,
    later_minutes: i64,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (
            long(),
            proptest::option::of(long()),
            proptest::collection::vec(long(), 0..10),
        ),
        (
            long(),
            long(),
            short(),
            proptest::option::of(short()),
            short(),
        ),
        (
            proptest::sample::select(OrderState::ALL.to_vec()),
            proptest::sample::select(Level::ALL.to_vec()),
            any::<bool>(),
            -100_000i64..100_000,
        ),
    )
        .prop_map(
            |(
                (text, location, notes),
                (note, reason, name, username, unit_name),
                (state, level, urgent, later_minutes),
            )| Case {
                text,
                location,
                notes,
                note,
                reason,
                name,
                username,
                unit_name,
                state,
                level,
                urgent,
                later_minutes,
            },
        )
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 6, 2, 0).unwrap()
}

/// The example organisation with the whistler's name and the grid's name as `c` has them.
fn org(c: &Case) -> crate::domain::org::Organisation {
    let mut org = parse_org(include_str!("../../examples/huashan.toml")).expect("example");
    if let Some(p) = org.people.iter_mut().find(|p| p.telegram_id.0 == 1001) {
        p.name = c.name.clone();
        p.username = c.username.clone();
    }
    if let Some(u) = org.units.iter_mut().find(|u| u.id.as_str() == "cuihu-1") {
        u.name = c.unit_name.clone();
    }
    org
}

fn order(c: &Case) -> WhistleOrder {
    let party = |target: PartyTarget, reported: bool| Party {
        target,
        level: Level::Grid,
        added_at: t0(),
        ack_due: t0() + Duration::minutes(30),
        report: reported.then(|| ReportMark {
            by: TelegramUserId(1002),
            at: t0() + Duration::minutes(2),
        }),
    };
    let role = |r: &str| PartyTarget::Role {
        unit: UnitId::checked("cuihu-1"),
        role: RoleId::new(r),
    };
    WhistleOrder {
        id: OrderId(i64::MAX),
        unit: UnitId::checked("cuihu-1"),
        text: c.text.clone(),
        location: c.location.clone(),
        urgent: c.urgent,
        state: c.state,
        level: c.level,
        whistler: TelegramUserId(1001).into(),
        created_at: t0(),
        resolve_due: t0() + Duration::hours(24),
        parties: vec![
            party(role("sanitation"), true),
            party(role("urban_enforcement"), false),
            party(role("property_manager"), false), // vacant: the grid leader stands in
            party(
                PartyTarget::Department {
                    department: DepartmentId::checked("urban"),
                },
                false,
            ),
            party(
                PartyTarget::DutyOfficers {
                    unit: UnitId::checked("cuihu"),
                },
                false,
            ),
        ],
        reopen_count: 1,
        place: None,
        photos: Vec::new(),
    }
}

fn events(c: &Case, o: &WhistleOrder) -> Vec<Event> {
    let ev = |min: i64, actor: Option<i64>, kind: EventKind| Event {
        order: o.id,
        at: t0() + Duration::minutes(min),
        actor: actor.map(|a| TelegramUserId(a).into()),
        kind,
    };
    let mut out = vec![ev(0, Some(1001), EventKind::Created)];
    out.extend(c.notes.iter().enumerate().map(|(i, n)| {
        ev(
            i as i64,
            Some(1001),
            EventKind::Note {
                text: n.clone(),
                photos: vec![],
            },
        )
    }));
    let asked = EscalationReason::Asked {
        reason: c.reason.clone(),
    };
    out.extend([
        ev(
            20,
            None,
            EventKind::Reminded {
                target: o.parties[1].target.clone(),
            },
        ),
        ev(
            31,
            Some(1001),
            EventKind::Escalated {
                from: Level::Grid,
                to: Level::Community,
                why: asked,
            },
        ),
        ev(
            40,
            Some(1002),
            EventKind::Resolved {
                note: Some(c.note.clone()),
                photos: vec![],
            },
        ),
        ev(
            50,
            Some(1001),
            EventKind::Reopened {
                reason: c.reason.clone(),
            },
        ),
        ev(
            60,
            None,
            EventKind::DeliveryFailed {
                chat: crate::domain::ChatId(-1),
                reason: c.reason.clone(),
            },
        ),
        ev(
            65,
            None,
            EventKind::VerifyReminded {
                people: vec![
                    TelegramUserId(1001),
                    TelegramUserId(1100),
                    TelegramUserId(9),
                ],
            },
        ),
        ev(70, Some(1001), EventKind::Verified),
        ev(
            80,
            Some(1001),
            EventKind::Cancelled {
                reason: c.reason.clone(),
            },
        ),
    ]);
    out
}

/// The text Telegram would show for `html`: it parses, its length is what `visible_len`
/// says, it is not empty and it fits `limit`.
fn accepted(what: &str, html: &str, limit: usize) -> Result<String, TestCaseError> {
    let parsed =
        parse_html(html).map_err(|e| TestCaseError::fail(format!("{what}: {e}\n{html}")))?;
    let len = parsed_len(&parsed.text);
    prop_assert_eq!(visible_len(html), len, "{}: measured wrong", what);
    prop_assert!(len <= limit, "{}: {} units > {}", what, len, limit);
    prop_assert!(!parsed.text.trim().is_empty(), "{}: empty", what);
    Ok(parsed.text)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_rendered_text_parses_and_fits_telegrams_limit(c in case()) {
        let org = org(&c);
        let order = order(&c);
        let events = events(&c, &order);
        let now = t0() + Duration::minutes(c.later_minutes);
        for lang in Lang::ALL {
            let v = View { org: &org, lang, now };
            let (card_html, _) = card(&v, &order, &events);
            accepted("card", &card_html, TEXT_LIMIT)?;
            accepted("details", &details(&v, &order, &events), TEXT_LIMIT)?;
            // `/list` shows 30 of these and a title: each must leave room for the others.
            accepted("order line", &order_line(&v, &order), 130)?;
            for e in &events {
                accepted("timeline line", &event_line(&v, &order, e), 800)?;
            }
            let reasons = [
                EscalationReason::Asked { reason: c.reason.clone() },
                EscalationReason::NotReported {
                    parties: order.parties.iter().map(|p| p.target.clone()).collect(),
                },
                EscalationReason::NotResolved,
            ];
            for why in &reasons {
                let mut up = order.clone();
                up.level = c.level.max(Level::Community);
                if let Some(out) = escalation_notice(&org, &up, &events, why, (crate::domain::ChatId(-1), lang), now) {
                    match out.payload {
                        Payload::Send { html, .. } => {
                            accepted("escalation notice", &html, TEXT_LIMIT)?;
                        }
                        other => prop_assert!(false, "not a message: {:?}", other),
                    }
                }
            }
        }
    }

    #[test]
    fn clipping_any_escaped_text_keeps_valid_html_within_the_limit(
        s in long(),
        max in 0..5000usize,
    ) {
        let html = format!("<b>{}</b>\n<a href=\"tg://user?id=1\">{}</a>", escape(&s), escape(&s));
        let c = clip_html(&html, max);
        let parsed = parse_html(&c).map_err(|e| TestCaseError::fail(format!("{e}\n{c}")))?;
        prop_assert!(parsed_len(&parsed.text) <= max);
        prop_assert_eq!(visible_len(&c), parsed_len(&parsed.text));
        let plain = clip(&s, max);
        prop_assert!(utf16_len(&plain) <= max);
        prop_assert!(plain == s || plain.ends_with('…') || max == 0);
    }
}
