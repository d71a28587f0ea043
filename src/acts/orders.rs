//! The acts on an existing order: report for duty, resolve, verify, reopen, cancel, escalate by
//! hand, whistle a department from an escalation, set the resolve deadline the bot offered, and
//! progress notes. Each checks who may do it
//! (`domain::access`), changes the order through `apply`, and says in its outcome what happened.

use crate::domain::{ChatId, MessageId};
use chrono::{DateTime, Utc};

use super::notices::{self, reply, reply_to_card};
use super::{
    apply, apply_one, map, not_canceller, not_deadline_setter, not_escalator, not_summoned,
    not_whistler, permitted, Actor, Ctx, Here, Outcome, Refusal, Result,
};
use crate::domain::button::ButtonAction;
use crate::domain::org::Organisation;
use crate::domain::plan;
use crate::domain::policy::Level;
use crate::domain::text;
use crate::domain::{
    access, escalation, DepartmentId, EscalationReason, Event, EventKind, OrderId, PartyTarget,
    ReportOutcome, TelegramUserId, WhistleOrder, Who,
};
use crate::i18n::ids;
use crate::render::{self, escape, View};
use crate::storage::Outgoing;
use crate::tr;

/// How a report for duty went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reported {
    /// Recorded now.
    Now,
    /// Every party the person may report for had reported already: by whom, when.
    Already {
        by: TelegramUserId,
        at: DateTime<Utc>,
    },
}

/// A summoned person reports for duty (for every party of the order they may report for).
pub async fn report(ctx: &Ctx, here: &Here, who: &Actor, id: OrderId) -> Result<Outcome<Reported>> {
    let org = &here.org;
    let now = ctx.now();
    let stored = permitted!(ctx, org, who.id, id, access::may_report, not_summoned);
    let mine = access::reportable_parties(org, who.id, &stored.order);
    let result = apply(
        ctx,
        org,
        id,
        |o, _| {
            let mut events = Vec::new();
            let mut earlier = None;
            for i in &mine {
                match o.report(*i, who.id, now)? {
                    ReportOutcome::Recorded(e) => events.push(e),
                    ReportOutcome::AlreadyReported(m) => earlier = Some((m.by, m.at)),
                }
            }
            if !events.is_empty() {
                earlier = None;
            }
            Ok((events, earlier)) // no events: a harmless repeat, nothing is saved
        },
        |_, _, _| vec![],
    )
    .await?;
    Ok(map(result, |(_, earlier)| match earlier {
        Some((by, at)) => Reported::Already { by, at },
        None => Reported::Now,
    }))
}

/// Marks an order resolved, with a note; the whistler is asked to verify in a reply to the card
/// in the order's chat and the chat it was resolved from.
pub async fn resolve(
    ctx: &Ctx,
    here: &Here,
    who: &Actor,
    id: OrderId,
    note: Option<String>,
) -> Result<Outcome> {
    resolve_with_photos(ctx, here, who, id, note, Vec::new()).await
}

/// `resolve`, with the resolution's photos (a photo captioned `/done`), which the resident
/// of the order is shown.
pub async fn resolve_with_photos(
    ctx: &Ctx,
    here: &Here,
    who: &Actor,
    id: OrderId,
    note: Option<String>,
    photos: Vec<String>,
) -> Result<Outcome> {
    let org = &here.org;
    let now = ctx.now();
    let stored = permitted!(ctx, org, who.id, id, access::can_resolve, not_summoned);
    let chats = notices::notice_chats(ctx, org, here.chat_id, &stored.order).await?;
    let result = apply(
        ctx,
        org,
        id,
        |o, _| {
            let mut e = o.resolve(who.id, note.clone(), now)?;
            if let EventKind::Resolved { photos: p, .. } = &mut e.kind {
                p.clone_from(&photos);
            }
            Ok((vec![e], ()))
        },
        |o, _, _| {
            chats
                .iter()
                .map(|&(chat, lang)| {
                    let view = View { org, lang, now };
                    let note = render::note_suffix(lang, note.as_deref(), 500);
                    let html = match o.whistler {
                        Who::Member(_) => tr!(
                            lang,
                            ids::RESOLVED_NOTICE,
                            id = o.id,
                            name = escape(&who.name),
                            time = view.time(now),
                            note = note,
                            whistler = view.mention_who(o.whistler)
                        ),
                        Who::Resident(_) => tr!(
                            lang,
                            ids::RES_RESOLVED_NOTICE,
                            id = o.id,
                            name = escape(&who.name),
                            time = view.time(now),
                            note = note,
                            who = view.who(o.whistler)
                        ),
                    };
                    reply_to_card(chat, o.id, html, render::card_buttons(lang, o))
                })
                .collect()
        },
    )
    .await?;
    Ok(map(result, |_| ()))
}

/// The whistler (or a leader) confirms the resolution: the order is closed.
pub async fn verify(ctx: &Ctx, here: &Here, who: &Actor, id: OrderId) -> Result<Outcome> {
    let org = &here.org;
    let now = ctx.now();
    permitted!(ctx, org, who.id, id, access::can_verify, not_whistler);
    apply_one(ctx, org, id, |o| o.verify(who.id.into(), now)).await
}

/// The button offered when the time a whistle named had passed: the whistler (or a leader)
/// sets the order's resolve deadline to the time it names (`at_unix_minutes`). Only a button the
/// bot put on that message (`message_id` in this chat) counts, only while its time is ahead;
/// the card shows the new deadline and the button goes (it is stale once the deadline is set).
pub async fn set_resolve_due(
    ctx: &Ctx,
    here: &Here,
    who: &Actor,
    id: OrderId,
    message_id: MessageId,
    at_unix_minutes: i64,
) -> Result<Outcome<DateTime<Utc>>> {
    let org = &here.org;
    let now = ctx.now();
    permitted!(
        ctx,
        org,
        who.id,
        id,
        access::can_verify,
        not_deadline_setter
    );
    let data = ButtonAction::SetResolveDue {
        order: id,
        at_unix_minutes,
    }
    .encode();
    let offered = ctx
        .store
        .notices_with_buttons(id)
        .await?
        .iter()
        .any(|(chat, m, buttons)| {
            *chat == here.chat_id && *m == message_id && buttons.contains(&data)
        });
    let at = at_unix_minutes
        .checked_mul(60)
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .filter(|at| offered && *at > now);
    let Some(at) = at else {
        return Ok(Outcome::Refused(Refusal::StaleButton));
    };
    let result = apply(
        ctx,
        org,
        id,
        |o, _| {
            Ok((
                o.set_resolve_due(who.id, at, now)?.into_iter().collect(),
                (),
            ))
        },
        |_, _, _| vec![],
    )
    .await?;
    Ok(map(result, |_| at))
}

/// The mentions of everyone who worked on an order: who reported for each party, or the
/// party's people where nobody did.
fn workers(view: &View, o: &WhistleOrder) -> String {
    let mut people: Vec<TelegramUserId> = Vec::new();
    for p in &o.parties {
        let who = match &p.report {
            Some(r) => vec![r.by],
            None => access::summoned(view.org, &p.target).people,
        };
        for w in who {
            if !people.contains(&w) {
                people.push(w);
            }
        }
    }
    let mentions: Vec<String> = people.iter().map(|p| view.mention(*p)).collect();
    mentions.join(" ")
}

/// Verification failed: the order is handled again with a fresh resolve deadline, and the
/// people who worked on it are told why. A second reopen raises it one level.
pub async fn reopen(
    ctx: &Ctx,
    here: &Here,
    who: &Actor,
    id: OrderId,
    reason: String,
) -> Result<Outcome> {
    let org = &here.org;
    permitted!(ctx, org, who.id, id, access::can_verify, not_whistler);
    reopen_as(
        ctx,
        org,
        Some(here.chat_id),
        who.id.into(),
        &who.name,
        id,
        reason,
    )
    .await
}

/// Reopens order `id` for `by` (allowed already), told in `from` (else the order's first
/// card chat) and the order's chats; `name` is a member's name (a resident is "居民 #k").
pub(crate) async fn reopen_as(
    ctx: &Ctx,
    org: &Organisation,
    from: Option<ChatId>,
    by: Who,
    name: &str,
    id: OrderId,
    reason: String,
) -> Result<Outcome> {
    let now = ctx.now();
    let Some(stored) = ctx.store.order(id).await? else {
        return Ok(Outcome::NoSuchOrder(id));
    };
    let from = match from {
        Some(c) => c,
        None => match notices::card_chats(ctx, &stored.order).await?.first() {
            Some(c) => *c,
            None => return Ok(Outcome::Refused(Refusal::Elsewhere)),
        },
    };
    let chats = notices::notice_chats(ctx, org, from, &stored.order).await?;
    let up = notices::chat_above(ctx, org, &stored.order).await?;
    let why = EscalationReason::ReopenedTwice;
    let result = apply(
        ctx,
        org,
        id,
        |o, _| {
            let due = plan::resolve_due(org, o.level, o.urgent, now, None);
            let mut events = vec![o.reopen(by, reason.clone(), due, now)?];
            if o.reopen_count >= 2 {
                // Verification failed again: one level up.
                if let Ok(more) = escalation::escalate(org, o, by.member(), why.clone(), now) {
                    events.extend(more);
                }
            }
            let escalated = events
                .iter()
                .any(|e| matches!(e.kind, EventKind::Escalated { .. }));
            Ok((events, escalated))
        },
        |o, history, escalated| {
            let mut out: Vec<Outgoing> = chats
                .iter()
                .map(|&(chat, lang)| {
                    let view = View { org, lang, now };
                    let name = match by {
                        Who::Member(_) => escape(name),
                        Who::Resident(_) => view.who(by),
                    };
                    let html = tr!(
                        lang,
                        ids::REOPENED_NOTICE,
                        id = o.id,
                        name = name,
                        reason = escape(&render::clip(&reason, 300)),
                        people = workers(&view, o)
                    );
                    reply_to_card(chat, o.id, html, vec![])
                })
                .collect();
            if let (true, Some(target)) = (*escalated, up) {
                out.extend(notices::escalation_notice(
                    org, o, history, &why, target, now,
                ));
            }
            out
        },
    )
    .await?;
    Ok(map(result, |_| ()))
}

/// The whistler (or a leader) withdraws an order, with a reason.
pub async fn cancel(
    ctx: &Ctx,
    here: &Here,
    who: &Actor,
    id: OrderId,
    reason: String,
) -> Result<Outcome> {
    let org = &here.org;
    let now = ctx.now();
    permitted!(ctx, org, who.id, id, access::can_cancel, not_canceller);
    apply_one(ctx, org, id, |o| o.cancel(who.id, reason.clone(), now)).await
}

/// `/escalate 42 reason`: one level up by hand, with the escalation notice in the chat above
/// (which is the answer).
pub async fn escalate(
    ctx: &Ctx,
    here: &Here,
    who: &Actor,
    id: OrderId,
    why: EscalationReason,
) -> Result<Outcome> {
    let org = &here.org;
    let now = ctx.now();
    let stored = permitted!(ctx, org, who.id, id, access::can_verify, not_escalator);
    let up = notices::chat_above(ctx, org, &stored.order).await?;
    let result = apply(
        ctx,
        org,
        id,
        |o, _| {
            Ok((
                escalation::escalate(org, o, Some(who.id), why.clone(), now)?,
                (),
            ))
        },
        |o, history, _| {
            up.and_then(|target| notices::escalation_notice(org, o, history, &why, target, now))
                .into_iter()
                .collect()
        },
    )
    .await?;
    Ok(map(result, |_| ()))
}

/// A department button on an escalation notice at the sub-district: the department is
/// summoned (its card goes to its chat, mentioning its liaisons), and the sub-district's duty
/// officers' own summons counts as answered. Returns the department's name.
pub async fn whistle_department(
    ctx: &Ctx,
    here: &Here,
    who: &Actor,
    id: OrderId,
    department: &DepartmentId,
) -> Result<Outcome<String>> {
    let org = &here.org;
    let now = ctx.now();
    let Some(stored) = ctx.store.order(id).await? else {
        return Ok(Outcome::NoSuchOrder(id));
    };
    let Some(dept) = org.department(department) else {
        return Ok(Outcome::Refused(Refusal::StaleButton));
    };
    let allowed = org
        .ancestor_at(&stored.order.unit, Level::Subdistrict)
        .is_some_and(|u| access::can_whistle_departments(org, who.id, &u.id))
        || org.is_admin(who.id);
    if !allowed {
        return Ok(Outcome::Refused(Refusal::NotDutyOfficer));
    }
    let target = PartyTarget::Department {
        department: dept.id.clone(),
    };
    let result = apply(
        ctx,
        org,
        id,
        |o, _| {
            let level = o.level.max(Level::Subdistrict);
            let due = plan::report_due(org, &target, level, o.urgent, now, None);
            let mut events = o.add_parties(vec![(target.clone(), due)], Some(who.id), now)?;
            // Whistling the departments is the sub-district's duty officers taking it over.
            for i in access::reportable_parties(org, who.id, o) {
                if matches!(o.parties[i].target, PartyTarget::DutyOfficers { .. }) {
                    if let ReportOutcome::Recorded(e) = o.report(i, who.id, now)? {
                        events.push(e);
                    }
                }
            }
            Ok((events, ()))
        },
        |_, _, _| vec![],
    )
    .await?;
    Ok(map(result, |_| dept.name.clone()))
}

/// What a note on the timeline carries.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteRequest {
    /// The message it came from, which the confirmation replies to.
    pub message_id: MessageId,
    pub text: String,
    pub location: Option<(f64, f64)>,
    pub has_photo: bool,
    /// The photo's Telegram file id (the largest size), kept for the resident.
    pub photo: Option<String>,
}

/// A reply to a card that is not a report: a progress note (text, photo or place) on the
/// timeline, confirmed by a reply in the same transaction.
pub async fn note(
    ctx: &Ctx,
    here: &Here,
    who: &Actor,
    id: OrderId,
    n: NoteRequest,
) -> Result<Outcome> {
    let lang = here.lang;
    let now = ctx.now();
    let Some(stored) = ctx.store.order(id).await? else {
        return Ok(Outcome::NoSuchOrder(id));
    };
    let confirm = || {
        reply(
            here.chat_id,
            n.message_id,
            tr!(lang, ids::NOTE_RECORDED, id = id),
        )
    };
    let event = |text: String| Event {
        order: id,
        at: now,
        actor: Some(who.id.into()),
        kind: EventKind::Note {
            text,
            photos: n.photo.iter().cloned().collect(),
        },
    };
    if let Some((lat, lon)) = n.location {
        // A location shared in reply to the card (Telegram cannot attach one to a text): it
        // is the order's place when it has none yet, and a note on the timeline either way.
        let place = format!("{lat:.5}, {lon:.5}");
        if stored.order.state.is_active() && stored.order.location.is_none() {
            let done = apply(
                ctx,
                &here.org,
                id,
                |o, _| {
                    o.location.get_or_insert_with(|| place.clone());
                    Ok((vec![event(format!("📍 {place}"))], ()))
                },
                |_, _, _| vec![confirm()],
            )
            .await?;
            return Ok(map(done, |_| ()));
        }
    }
    let text = if let Some((lat, lon)) = n.location {
        format!("📍 {lat:.5}, {lon:.5}")
    } else if text::is_visibly_empty(&n.text) && n.has_photo {
        tr!(lang, ids::NOTE_PHOTO)
    } else if n.has_photo {
        format!("{} {}", tr!(lang, ids::NOTE_PHOTO), n.text.trim())
    } else {
        n.text.trim().to_string()
    };
    // A reply of zero-width characters says nothing.
    if text::is_visibly_empty(&text) {
        return Ok(Outcome::Done(()));
    }
    ctx.store.record(&[event(text)], &[confirm()], now).await?;
    ctx.wake.notify_one();
    Ok(Outcome::Done(()))
}

/// Whether the order is in another chat's care: a check for acts started from a chat.
pub fn visible(here: &Here, order: &WhistleOrder) -> bool {
    here.scope
        .as_ref()
        .is_some_and(|s| access::visible_in(&here.org, s, order))
}
