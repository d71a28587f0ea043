//! 确认: the order a resident's report makes, in the grid's chat (or the nearest unit above with
//! a chat), and joining an open order as "the same problem".

use super::dialogue::within_limit;
use super::{private, save, with_keyboard_removed, Me};
use crate::acts::whistle::{new_cards, new_order, read};
use crate::acts::{notices, Ctx, Result};
use crate::domain::escalation::jobs_for;
use crate::domain::geo;
use crate::domain::plan::{self, Plan};
use crate::domain::resident::{Dialogue, Place};
use crate::domain::{ChatId, Event, EventKind, OrderId, PartyTarget, TelegramUserId, Who};
use crate::i18n::ids;
use crate::storage::{NewOrder, StoreError};
use crate::tr;

/// 确认: the order is made in the grid's chat (or the nearest unit above with a chat), the
/// dialogue ends in the same transaction, and the resident gets the number.
pub(super) async fn confirm(
    ctx: &Ctx,
    me: &Me,
    d: Dialogue,
    version: i64,
) -> Result<Option<String>> {
    let lang = me.lang;
    let org = &me.org;
    if !within_limit(ctx, me, None).await? {
        return Ok(None);
    }
    let Some(unit) = d
        .unit
        .as_ref()
        .and_then(|u| geo::unit_with_chat(org, u))
        .and_then(|u| org.unit(&u).cloned())
    else {
        let out = private(me.chat_id, tr!(lang, ids::RES_NO_UNIT_CHAT), vec![]);
        save(ctx, me, Some(version), None, vec![out]).await?;
        return Ok(None);
    };
    let now = ctx.now();
    let text = d.text.clone().unwrap_or_default();
    // The same keyword table as a group whistle picks the roles; a resident's words never
    // make an order urgent or set its deadline.
    let mut draft = read(org, &unit, &text, now);
    draft.text = text.clone();
    draft.urgent = false;
    draft.due = None;
    draft.due_note = None;
    draft.location = d.place.as_ref().map(|p| match p {
        Place::Address { text } => text.clone(),
        Place::Point { at, label } => match label {
            Some(l) => format!("{l} ({:.5}, {:.5})", at.lat, at.lon),
            None => format!("{:.5}, {:.5}", at.lat, at.lon),
        },
    });
    let plan =
        plan::plan_whistle(org, TelegramUserId(0), &unit, &draft, None).unwrap_or_else(|_| Plan {
            unit: unit.id.clone(),
            level: unit.kind,
            targets: vec![PartyTarget::DutyOfficers {
                unit: unit.id.clone(),
            }],
        });
    let id = ctx.store.reserve_order_id().await?;
    let who = Who::Resident(me.resident.no);
    let mut order = new_order(org, id, plan, &draft, who, now);
    order.place = d.place.as_ref().and_then(Place::point);
    order.photos = d.photos.clone();
    let events = vec![Event {
        order: id,
        at: now,
        actor: Some(who),
        kind: EventKind::Created,
    }];
    let mut out = new_cards(ctx, org, &order, &events, None).await?;
    // The photos follow the card in every chat that shows it.
    if !order.photos.is_empty() {
        let chats: Vec<ChatId> = out.iter().map(|o| o.chat_id).collect();
        for chat in chats {
            let glang = ctx.lang_of(org, chat).await?;
            let view = crate::render::View {
                org,
                lang: glang,
                now,
            };
            let caption = tr!(glang, ids::RES_PHOTOS_CAPTION, id = id, who = view.who(who));
            out.push(notices::photos(
                chat,
                order.photos.clone(),
                Some(caption),
                Some(order.id),
            ));
        }
    }
    out.push(with_keyboard_removed(private(
        me.chat_id,
        tr!(lang, ids::RES_SUBMITTED, id = id),
        vec![],
    )));
    let jobs = jobs_for(org, &order, &events);
    let new = NewOrder {
        order: &order,
        events: &events,
        out: &out,
        jobs: &jobs,
    };
    match ctx
        .store
        .create_resident_order(me.resident.no, version, new)
        .await
    {
        Ok(()) => {}
        // Confirmed twice at once: the other press made the order.
        Err(StoreError::Conflict) => return Ok(Some(tr!(lang, ids::RES_STALE))),
        Err(e) => return Err(e),
    }
    tracing::info!(order = id.0, unit = %order.unit, "resident report");
    ctx.saved();
    Ok(Some(tr!(lang, ids::RES_SUBMITTED_TOAST, id = id)))
}

/// A resident joins an order as the same problem: a follower, told of it from now on.
pub(crate) async fn join(ctx: &Ctx, me: &Me, order: OrderId) -> Result<Option<String>> {
    let lang = me.lang;
    let now = ctx.now();
    let event = Event {
        order,
        at: now,
        actor: Some(Who::Resident(me.resident.no)),
        kind: EventKind::Followed,
    };
    let out = private(me.chat_id, tr!(lang, ids::RES_JOINED, id = order), vec![]);
    let joined = ctx
        .store
        .add_follower(order, me.resident.no, &[event], &[out], now)
        .await?;
    ctx.wake.notify_one();
    Ok((!joined).then(|| tr!(lang, ids::RES_JOINED, id = order)))
}
