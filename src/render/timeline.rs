//! Timelines and lists: one line per event (`/show`), the order in detail, one line per
//! order (`/list`), and the words for why an order rose.

use super::{
    card, clip, clip_html, escape, fit_lines, join, note_suffix, visible_len, View, TEXT_LIMIT,
};
use crate::domain::resident::Satisfaction;
use crate::domain::{EscalationReason, Event, EventKind, Lang, OrderState, WhistleOrder};
use crate::i18n::ids;
use crate::i18n::level_name;
use crate::tr;

/// Why an order rose, in words.
pub fn escalation_reason(v: &View, order: &WhistleOrder, why: &EscalationReason) -> String {
    match why {
        EscalationReason::NotReported { parties } => {
            let labels: Vec<String> = parties.iter().map(|p| v.party_label(order, p)).collect();
            tr!(
                v.lang,
                ids::WHY_NOT_REPORTED,
                parties = join(v.lang, &labels)
            )
        }
        EscalationReason::NotResolved => tr!(v.lang, ids::WHY_NOT_RESOLVED),
        EscalationReason::ReopenedTwice => tr!(v.lang, ids::WHY_REOPENED_TWICE),
        EscalationReason::Asked { reason } => escape(&clip(reason, 300)),
    }
}

/// One line of an order's timeline.
pub fn event_line(v: &View, order: &WhistleOrder, e: &Event) -> String {
    let lang = v.lang;
    let who = e
        .actor
        .map(|a| v.who(a))
        .unwrap_or_else(|| tr!(lang, ids::ACTOR_SYSTEM));
    let what = match &e.kind {
        EventKind::Created => tr!(lang, ids::EV_CREATED, name = who),
        EventKind::PartyAdded { target } => {
            tr!(
                lang,
                ids::EV_PARTY_ADDED,
                party = v.party_label(order, target)
            )
        }
        EventKind::Reported { target } => {
            tr!(
                lang,
                ids::EV_REPORTED,
                name = who,
                party = v.party_label(order, target)
            )
        }
        EventKind::Note { text, .. } => tr!(
            lang,
            ids::EV_NOTE,
            name = who,
            text = escape(&clip(text, 300))
        ),
        EventKind::Resolved { note, .. } => tr!(
            lang,
            ids::EV_RESOLVED,
            name = who,
            note = note_suffix(lang, note.as_deref(), 300)
        ),
        EventKind::Verified => tr!(lang, ids::EV_VERIFIED, name = who),
        EventKind::Reopened { reason } => {
            tr!(
                lang,
                ids::EV_REOPENED,
                name = who,
                reason = escape(&clip(reason, 300))
            )
        }
        EventKind::Cancelled { reason } => {
            tr!(
                lang,
                ids::EV_CANCELLED,
                name = who,
                reason = escape(&clip(reason, 300))
            )
        }
        EventKind::Escalated { to, why, .. } => tr!(
            lang,
            ids::EV_ESCALATED,
            level = level_name(lang, *to),
            reason = escalation_reason(v, order, why)
        ),
        EventKind::Reminded { target } => {
            tr!(lang, ids::EV_REMINDED, party = v.party_label(order, target))
        }
        EventKind::VerifyReminded { people } => {
            let names: Vec<String> = people.iter().map(|p| v.name(*p)).collect();
            tr!(lang, ids::EV_VERIFY_REMINDED, names = join(lang, &names))
        }
        EventKind::DeliveryFailed { reason, .. } => {
            tr!(
                lang,
                ids::EV_DELIVERY_FAILED,
                reason = escape(&clip(reason, 300))
            )
        }
        EventKind::ResolveDueSet { to, .. } => {
            tr!(
                lang,
                ids::EV_RESOLVE_DUE_SET,
                name = who,
                time = v.time(*to)
            )
        }
        EventKind::AskedResident { text } => tr!(
            lang,
            ids::EV_ASKED_RESIDENT,
            name = who,
            text = escape(&clip(text, 300))
        ),
        EventKind::ResidentAnswered { text, photos } => tr!(
            lang,
            ids::EV_RESIDENT_ANSWERED,
            name = who,
            text = escape(&clip(text, 300)),
            photos = photos.len()
        ),
        EventKind::Rated {
            solved,
            satisfaction,
        } => {
            let mut parts = Vec::new();
            if let Some(s) = solved {
                parts.push(tr!(
                    lang,
                    if *s {
                        ids::RATE_SOLVED
                    } else {
                        ids::RATE_NOT_SOLVED
                    }
                ));
            }
            if let Some(s) = satisfaction {
                parts.push(satisfaction_name(lang, *s));
            }
            tr!(lang, ids::EV_RATED, name = who, answer = join(lang, &parts))
        }
        EventKind::Followed => tr!(lang, ids::EV_FOLLOWED, name = who),
    };
    format!("{} {what}", v.time(e.at))
}

/// 满意 / 基本满意 / 不满意 in `lang`.
pub fn satisfaction_name(lang: Lang, s: Satisfaction) -> String {
    tr!(
        lang,
        match s {
            Satisfaction::Satisfied => ids::RATE_SATISFIED,
            Satisfaction::Basic => ids::RATE_BASIC,
            Satisfaction::Dissatisfied => ids::RATE_DISSATISFIED,
        }
    )
}

/// `/show`: the card's text, then the timeline and how long is left; within Telegram's limit,
/// leaving out lines in the middle of a long timeline (and cutting the card's text when even
/// the room for a few lines is missing).
pub fn details(v: &View, order: &WhistleOrder, events: &[Event]) -> String {
    /// The room the timeline gets at least (when it needs it), taken from the card.
    const TIMELINE_ROOM: usize = 1000;
    let (card_text, _) = card(v, order, events);
    let header = format!("<b>{}</b>", tr!(v.lang, ids::SHOW_TIMELINE));
    let lines: Vec<String> = events.iter().map(|e| event_line(v, order, e)).collect();
    let mut tail = Vec::new();
    if order.state.is_active() {
        if let Some(first_due) = order.waiting().map(|(_, p)| p.ack_due).min() {
            tail.push(tr!(v.lang, ids::SHOW_ACK_LEFT, left = v.left(first_due)));
        }
        tail.push(tr!(
            v.lang,
            ids::SHOW_RESOLVE_LEFT,
            left = v.left(order.resolve_due)
        ));
    }
    let tail = tail.join("\n");
    // "\n\n" after the card, "\n" after the header and before the tail.
    let fixed = visible_len(&header) + visible_len(&tail) + 4;
    let wanted = visible_len(&lines.join("\n")).min(TIMELINE_ROOM);
    let card_room = TEXT_LIMIT.saturating_sub(fixed + wanted);
    let card_text = clip_html(&card_text, card_room);
    let room = TEXT_LIMIT.saturating_sub(fixed + visible_len(&card_text));
    let timeline = fit_lines(&lines, room);
    let mut out = format!("{card_text}\n\n{header}");
    for part in [timeline, tail] {
        if !part.is_empty() {
            out.push('\n');
            out.push_str(&part);
        }
    }
    clip_html(out.trim_end(), TEXT_LIMIT)
}

/// `/list`: one line per order.
pub fn order_line(v: &View, order: &WhistleOrder) -> String {
    let reported = order.parties.iter().filter(|p| p.report.is_some()).count();
    let state = match order.state {
        OrderState::Open => "⏳",
        OrderState::Reported => "🛠",
        OrderState::Resolved => "☑️",
        OrderState::Closed => "✅",
        OrderState::Cancelled => "🚫",
    };
    format!(
        "{state} #{} {}/{} · {} · {}",
        order.id.0,
        reported,
        order.parties.len(),
        escape(&clip(&order.text, 40)),
        v.left(order.resolve_due)
    )
}
