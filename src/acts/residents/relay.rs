//! Between a group and a resident: questions relayed to the resident and their answers back to
//! the card, the resident told at each step (reported for duty, escalated, resolved, closed,
//! cancelled), "is it solved?" and "how satisfied are you?", followers, and blocks. The group
//! only ever sees "居民 #k".

use super::submit::join;
use super::{private, reach, save, Me, Private};
use crate::acts::orders::{reopen_as, visible};
use crate::acts::{apply, may_note, notices, Actor, Ctx, Here, Outcome, Result};
use crate::domain::button::ButtonAction;
use crate::domain::escalation::resolved_at;
use crate::domain::org::Organisation;
use crate::domain::resident::{Satisfaction, Step};
use crate::domain::{
    access, Event, EventKind, Lang, OrderId, OrderState, ResidentNo, TelegramUserId, WhistleOrder,
    Who,
};
use crate::domain::{ChatId, MessageId};
use crate::i18n::{ids, level_name};
use crate::render::{self, escape, Button, View};
use crate::storage::Outgoing;
use crate::tr;

/// How a question to a resident went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AskOutcome {
    /// Relayed to resident #k (the group's confirmation is queued with it).
    Sent(ResidentNo),
    /// The order was not reported by a resident.
    NotResidents,
    /// The resident has left (`/forget`).
    Gone,
    /// Not for this chat or this person.
    NotAllowed,
    NoSuchOrder,
    /// Nothing to ask.
    Empty,
}

/// A member asks the resident of order `id` (a reply to the card starting with 问居民 / ask:).
pub async fn ask(
    ctx: &Ctx,
    here: &Here,
    who: &Actor,
    id: OrderId,
    text: &str,
    reply_to: MessageId,
) -> Result<AskOutcome> {
    let org = &here.org;
    let Some(stored) = ctx.store.order(id).await? else {
        return Ok(AskOutcome::NoSuchOrder);
    };
    let order = &stored.order;
    if !visible(here, order) || !may_note(here, who.id, Some(order)) {
        return Ok(AskOutcome::NotAllowed);
    }
    let Who::Resident(no) = order.whistler else {
        return Ok(AskOutcome::NotResidents);
    };
    let text = text.trim();
    if crate::domain::text::is_visibly_empty(text) {
        return Ok(AskOutcome::Empty);
    }
    let Some((chat, lang)) = reach(ctx, org, no).await? else {
        return Ok(AskOutcome::Gone);
    };
    let now = ctx.now();
    let question = private(
        chat,
        tr!(
            lang,
            ids::RES_QUESTION,
            id = id,
            text = escape(&render::clip(text, 1000))
        ),
        vec![vec![Button::new(
            tr!(lang, ids::RES_ANSWER_BUTTON),
            ButtonAction::AnswerQuestion(id),
        )]],
    )
    .with_priority(crate::storage::Priority::Notice);
    let view = View {
        org,
        lang: here.lang,
        now,
    };
    let sent = notices::reply(
        here.chat_id,
        reply_to,
        tr!(
            here.lang,
            ids::RES_QUESTION_SENT,
            who = view.who(Who::Resident(no))
        ),
    );
    let event = Event {
        order: id,
        at: now,
        actor: Some(who.id.into()),
        kind: EventKind::AskedResident {
            text: render::clip(text, 1000),
        },
    };
    ctx.store
        .add_question(id, here.chat_id, who.id, &[event], &[question, sent], now)
        .await?;
    ctx.wake.notify_one();
    Ok(AskOutcome::Sent(no))
}

/// The resident's answer to a question about `order`: back to the card in the chat that
/// asked, onto the timeline; the dialogue (if it was waiting for it, at `read`) goes back to
/// the report being gathered, or ends.
pub(crate) async fn answer_question(
    ctx: &Ctx,
    me: &Me,
    p: &Private,
    order: OrderId,
    read: Option<i64>,
) -> Result<()> {
    let lang = me.lang;
    let org = &me.org;
    let now = ctx.now();
    let Some(stored) = ctx.store.order(order).await? else {
        return Ok(());
    };
    let mut out = Vec::new();
    let text = p.input.text.clone().unwrap_or_default();
    let photos = p.input.photos.clone();
    if stored.order.whistler != Who::Resident(me.resident.no)
        || (text.trim().is_empty() && photos.is_empty())
    {
        out.push(notices::reply(
            me.chat_id,
            p.message_id,
            tr!(lang, ids::RES_ANSWER_PROMPT, id = order),
        ));
        ctx.store
            .save_dialogue(me.resident.no, None, None, &[], &out, now)
            .await?;
        ctx.wake.notify_one();
        return Ok(());
    }
    let chats = match ctx.store.question_chat(order).await? {
        Some(c) => vec![c],
        None => notices::card_chats(ctx, &stored.order).await?,
    };
    for chat in chats {
        let glang = ctx.lang_of(org, chat).await?;
        let view = View {
            org,
            lang: glang,
            now,
        };
        out.push(notices::reply_to_card(
            chat,
            order,
            tr!(
                glang,
                ids::RES_RELAY_ANSWER,
                who = view.who(Who::Resident(me.resident.no)),
                id = order,
                text = escape(&render::clip(&text, 1500))
            ),
            vec![],
        ));
        if !photos.is_empty() {
            out.push(notices::photos(chat, photos.clone(), None, Some(order)));
        }
    }
    out.push(notices::reply(
        me.chat_id,
        p.message_id,
        tr!(lang, ids::RES_ANSWER_SENT),
    ));
    let event = Event {
        order,
        at: now,
        actor: Some(Who::Resident(me.resident.no)),
        kind: EventKind::ResidentAnswered {
            text: render::clip(&text, 1500),
            photos,
        },
    };
    let next = match ctx.store.dialogue(me.resident.no).await? {
        Some(s) if Some(s.version) == read => {
            let mut d = s.dialogue;
            d.step = Step::Collecting;
            let has_report = d.text.is_some() || !d.photos.is_empty();
            has_report.then_some(d)
        }
        _ => None,
    };
    ctx.store
        .save_dialogue(me.resident.no, read, next.as_ref(), &[event], &out, now)
        .await?;
    ctx.wake.notify_one();
    Ok(())
}

/// The resident's words after "not solved": the order is reopened with them.
pub(crate) async fn explain_not_solved(
    ctx: &Ctx,
    me: &Me,
    p: &Private,
    order: OrderId,
    read: Option<i64>,
) -> Result<()> {
    let lang = me.lang;
    let reason = p.input.text.clone().unwrap_or_default();
    if reason.trim().is_empty() {
        let out = notices::reply(me.chat_id, p.message_id, tr!(lang, ids::RES_EXPLAIN_PROMPT));
        return ctx.queue(vec![out]).await;
    }
    let label = tr!(lang, ids::RESIDENT_LABEL, no = me.resident.no.0);
    let done = reopen_as(
        ctx,
        &me.org,
        None,
        Who::Resident(me.resident.no),
        &label,
        order,
        render::clip(reason.trim(), 300),
    )
    .await?;
    let html = match done {
        Outcome::Done(()) => tr!(lang, ids::RES_REOPENED, id = order),
        _ => tr!(lang, ids::RES_NOT_RESOLVED_NOW, id = order),
    };
    let out = notices::reply(me.chat_id, p.message_id, html);
    save(ctx, me, read, None, vec![out]).await?;
    Ok(())
}

/// Presses on the buttons of a resident's messages about an order (solved, not solved, a
/// rating, answer, join) and `/forget`'s. Returns the toast.
pub async fn on_rating_press(
    ctx: &Ctx,
    chat_id: ChatId,
    user: TelegramUserId,
    action: &ButtonAction,
) -> Result<Option<String>> {
    if *action == ButtonAction::Forget {
        return super::forget_confirmed(ctx, chat_id, user).await.map(Some);
    }
    let p = Private {
        chat_id,
        message_id: MessageId(0),
        from: Actor {
            id: user,
            name: String::new(),
            username: None,
        },
        language: None,
        input: Default::default(),
        reply_to: None,
    };
    let Some(me) = super::me(ctx, &p).await? else {
        return Ok(None);
    };
    let lang = me.lang;
    let stale = || Ok(Some(tr!(lang, ids::RES_STALE)));
    let Some(id) = action.order() else {
        return stale();
    };
    let Some(stored) = ctx.store.order(id).await? else {
        return stale();
    };
    let order = stored.order;
    let no = me.resident.no;
    let first = order.whistler == Who::Resident(no);
    let follower = ctx.store.followers(id).await?.contains(&no);
    match action {
        ButtonAction::JoinDuplicate(o) => {
            let offered = ctx
                .store
                .dialogue(no)
                .await?
                .is_some_and(|s| s.dialogue.step == Step::OfferingDuplicate { order: *o });
            if !offered {
                return stale();
            }
            join(ctx, &me, *o).await
        }
        _ if !first && !follower => stale(),
        ButtonAction::AnswerQuestion(o) if first => {
            let prompt = tr!(lang, ids::RES_ANSWER_PROMPT, id = *o);
            wait_for(ctx, &me, Step::Answering { order: *o }, prompt).await
        }
        ButtonAction::Solved(_) => rate(ctx, &me, &order, Some(true), None, first).await,
        ButtonAction::NotSolved(o) if first => {
            if order.state != OrderState::Resolved {
                return Ok(Some(tr!(lang, ids::RES_NOT_RESOLVED_NOW, id = *o)));
            }
            let prompt = tr!(lang, ids::RES_EXPLAIN_PROMPT);
            wait_for(ctx, &me, Step::Explaining { order: *o }, prompt).await
        }
        ButtonAction::NotSolved(_) => rate(ctx, &me, &order, Some(false), None, false).await,
        ButtonAction::Rate(_, s) => rate(ctx, &me, &order, None, Some(*s), false).await,
        _ => stale(),
    }
}

/// The dialogue waits for the resident's next text (`step`), keeping a report being written;
/// `prompt` says what to send.
async fn wait_for(ctx: &Ctx, me: &Me, step: Step, prompt: String) -> Result<Option<String>> {
    let now = ctx.now();
    let (read, mut d) = match ctx.store.dialogue(me.resident.no).await? {
        Some(s) if !s.dialogue.expired(now) => (Some(s.version), s.dialogue),
        _ => (None, crate::domain::resident::Dialogue::new(now, None)),
    };
    d.step = step;
    d.updated_at = now;
    let out = private(me.chat_id, prompt, vec![]);
    save(ctx, me, read, Some(&d), vec![out]).await?;
    Ok(None)
}

/// Records a resident's answer on the timeline; the first reporter's "solved" closes a
/// resolved order (a late answer counts while nobody else has closed it).
async fn rate(
    ctx: &Ctx,
    me: &Me,
    order: &WhistleOrder,
    solved: Option<bool>,
    satisfaction: Option<Satisfaction>,
    verifies: bool,
) -> Result<Option<String>> {
    let lang = me.lang;
    let now = ctx.now();
    let who = Who::Resident(me.resident.no);
    if resolved_at_any(ctx, order.id).await?.is_none() {
        return Ok(Some(tr!(lang, ids::RES_NOT_RESOLVED_NOW, id = order.id)));
    }
    let rated = Event {
        order: order.id,
        at: now,
        actor: Some(who),
        kind: EventKind::Rated {
            solved,
            satisfaction,
        },
    };
    if verifies && order.state == OrderState::Resolved {
        let thanks = private(
            me.chat_id,
            tr!(lang, ids::RES_THANKS_SOLVED, id = order.id),
            vec![],
        );
        let done = apply(
            ctx,
            &me.org,
            order.id,
            |o, _| Ok((vec![o.verify(who, now)?, rated.clone()], ())),
            |_, _, _| vec![thanks.clone()],
        )
        .await?;
        if let Outcome::Done(_) = done {
            return Ok(Some(tr!(lang, ids::RES_THANKS)));
        }
    }
    ctx.store.record(&[rated], &[], now).await?;
    Ok(Some(tr!(lang, ids::RES_THANKS)))
}

/// When the order was last resolved, if ever.
async fn resolved_at_any(ctx: &Ctx, id: OrderId) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(resolved_at(&ctx.store.events(id).await?))
}

/// What the resident of an order (and its followers) are told about `events` just saved:
/// reported for duty, escalated, resolved (with the note, the photos and the two questions),
/// closed by someone else, cancelled. Built with the change and saved in its transaction.
pub async fn resident_notices(
    ctx: &Ctx,
    org: &Organisation,
    order: &WhistleOrder,
    history: &[Event],
    events: &[Event],
) -> Result<Vec<Outgoing>> {
    let mut people: Vec<ResidentNo> = order.whistler.resident().into_iter().collect();
    if !events.is_empty() {
        people.extend(ctx.store.followers(order.id).await?);
    }
    let mut out = Vec::new();
    for no in people {
        let Some((chat, lang)) = reach(ctx, org, no).await? else {
            continue;
        };
        let first = order.whistler == Who::Resident(no);
        for e in events {
            if e.actor == Some(Who::Resident(no)) {
                continue; // they know what they did
            }
            out.extend(notice(org, order, history, e, chat, lang, first));
        }
    }
    Ok(out)
}

/// One event told to a resident in `chat`.
fn notice(
    org: &Organisation,
    order: &WhistleOrder,
    history: &[Event],
    e: &Event,
    chat: ChatId,
    lang: Lang,
    first: bool,
) -> Vec<Outgoing> {
    let view = View {
        org,
        lang,
        now: e.at,
    };
    let id = order.id;
    let plain = |html: String| {
        vec![private(chat, html, vec![]).with_priority(crate::storage::Priority::Notice)]
    };
    match &e.kind {
        EventKind::Reported { target } => plain(tr!(
            lang,
            ids::RES_NOTICE_REPORTED,
            id = id,
            party = view.party_label(order, target)
        )),
        EventKind::Escalated { to, .. } => plain(tr!(
            lang,
            ids::RES_NOTICE_ESCALATED,
            id = id,
            level = level_name(lang, *to)
        )),
        EventKind::Resolved { note, photos } => {
            let mut all = resolution_photos(history);
            for p in photos {
                if !all.contains(p) {
                    all.push(p.clone());
                }
            }
            let mut msgs = plain(tr!(
                lang,
                ids::RES_NOTICE_RESOLVED,
                id = id,
                note = render::note_suffix(lang, note.as_deref(), 500)
            ));
            if !all.is_empty() {
                msgs.push(notices::photos(chat, all, None, None));
            }
            msgs.push(rating_question(chat, lang, id, first));
            msgs
        }
        EventKind::Verified => plain(tr!(lang, ids::RES_NOTICE_CLOSED, id = id)),
        EventKind::Cancelled { reason } => plain(tr!(
            lang,
            ids::RES_NOTICE_CANCELLED,
            id = id,
            reason = escape(&render::clip(reason, 300))
        )),
        _ => vec![],
    }
}

/// The photos of the current resolution: those sent to the card (notes) since the order was
/// last resolved or reopened.
fn resolution_photos(history: &[Event]) -> Vec<String> {
    let since = history
        .iter()
        .rposition(|e| matches!(e.kind, EventKind::Reopened { .. } | EventKind::Created))
        .unwrap_or(0);
    let mut photos = Vec::new();
    for e in &history[since..] {
        if let EventKind::Note { photos: p, .. } | EventKind::Resolved { photos: p, .. } = &e.kind {
            for x in p {
                if !photos.contains(x) {
                    photos.push(x.clone());
                }
            }
        }
    }
    photos
}

/// "Is it solved? How satisfied are you?" with their buttons.
fn rating_question(chat: ChatId, lang: Lang, id: OrderId, _first: bool) -> Outgoing {
    let buttons = vec![
        vec![
            Button::new(tr!(lang, ids::RES_SOLVED_BUTTON), ButtonAction::Solved(id)),
            Button::new(
                tr!(lang, ids::RES_NOT_SOLVED_BUTTON),
                ButtonAction::NotSolved(id),
            ),
        ],
        Satisfaction::ALL
            .iter()
            .map(|s| {
                Button::new(
                    render::satisfaction_name(lang, *s),
                    ButtonAction::Rate(id, *s),
                )
            })
            .collect(),
    ];
    private(chat, tr!(lang, ids::RES_ASK_SOLVED, id = id), buttons)
        .with_priority(crate::storage::Priority::Notice)
}

/// How `/block` went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockOutcome {
    Blocked(ResidentNo),
    AlreadyBlocked(ResidentNo),
    Unblocked(ResidentNo),
    NotBlocked(ResidentNo),
    /// The order was not reported by a resident (or they are forgotten and cannot be found).
    NoResident,
    /// Only the grid leader, duty officers and admins block.
    Refused,
    NoSuchOrder,
}

/// Whether `person` may block residents of orders of `order`'s unit.
fn may_block(org: &Organisation, person: TelegramUserId, order: &WhistleOrder) -> bool {
    org.is_admin(person) || access::leads(org, person, &order.unit)
}

/// `/block` in reply to a resident's order card (or their relayed answer).
pub async fn block(ctx: &Ctx, here: &Here, who: &Actor, id: OrderId) -> Result<BlockOutcome> {
    let Some(stored) = ctx.store.order(id).await? else {
        return Ok(BlockOutcome::NoSuchOrder);
    };
    if !visible(here, &stored.order) || !may_block(&here.org, who.id, &stored.order) {
        return Ok(BlockOutcome::Refused);
    }
    let Who::Resident(no) = stored.order.whistler else {
        return Ok(BlockOutcome::NoResident);
    };
    if ctx
        .store
        .resident(no)
        .await?
        .and_then(|r| r.telegram_id)
        .is_none()
    {
        return Ok(BlockOutcome::NoResident);
    }
    Ok(if ctx.store.block_resident(no, who.id, ctx.now()).await? {
        tracing::info!(resident = no.0, "resident blocked");
        BlockOutcome::Blocked(no)
    } else {
        BlockOutcome::AlreadyBlocked(no)
    })
}

/// `/unblock k`: for admins and the people who lead any unit.
pub async fn unblock(ctx: &Ctx, here: &Here, who: &Actor, no: ResidentNo) -> Result<BlockOutcome> {
    let org = &here.org;
    let leads_somewhere =
        org.is_admin(who.id) || org.units.iter().any(|u| access::leads(org, who.id, &u.id));
    if !leads_somewhere {
        return Ok(BlockOutcome::Refused);
    }
    Ok(if ctx.store.unblock_resident(no).await? {
        BlockOutcome::Unblocked(no)
    } else {
        BlockOutcome::NotBlocked(no)
    })
}
