//! Whistling: a message in a unit's chat becomes a whistle order (or adds parties to one it
//! names), planned by `domain::plan`, numbered by storage, its cards rendered here and saved
//! with the order in one transaction; so is the reply on the card saying which deadline applies
//! when the time the whistle names has passed or cannot be read.

use crate::domain::ChatId;
use chrono::{DateTime, Utc};

use super::notices::{self, department_refs, reply_to_card};
use super::{apply, Actor, Ctx, Here, Outcome, Refusal, Result};
use crate::domain::button::ButtonAction;
use crate::domain::escalation::jobs_for;
use crate::domain::org::Organisation;
use crate::domain::parse::{self, Draft, DueNote, GridRef, ParseContext};
use crate::domain::plan::{self, Plan, PlanRefusal};
use crate::domain::policy::Level;
use crate::domain::text;
use crate::domain::{
    access, Event, EventKind, OrderId, OrderState, Party, PartyTarget, Scope, UnitId, WhistleOrder,
    Who,
};
use crate::i18n::ids;
use crate::render::{self, Button, View};
use crate::storage::{NewOrder, Outgoing};
use crate::tr;

/// A whistle as a person sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct WhistleRequest {
    /// The text after the trigger word (or `/whistle`).
    pub text: String,
    /// A location sent with it.
    pub location: Option<(f64, f64)>,
}

/// What became of a whistle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whistled {
    /// A new order, its cards queued.
    Created(OrderId),
    /// The text named order `#N`: parties were added to it (the reply to its card mentioning
    /// them is the answer), or why not.
    Added { order: OrderId, outcome: Outcome },
    /// The chat is bound to no unit.
    NotBound,
    /// Only people on this unit's roster (or below it) whistle here.
    NotMember,
    /// A department's chat cannot whistle.
    FromDepartment,
    /// The text says nothing (visibly: zero-width characters alone are nothing).
    Empty,
    /// The text starts with `#N` where N cannot be an order number (0, or too large): the
    /// digits as typed (full-width ones folded), for "没有 #N".
    NoSuchNumber(String),
    /// The plan was refused.
    Refused(PlanRefusal),
}

fn grid_refs(org: &Organisation, community: &UnitId) -> Vec<GridRef> {
    org.children(community)
        .into_iter()
        .filter(|u| u.kind == Level::Grid)
        .map(|u| GridRef {
            id: u.id.to_string(),
            names: std::iter::once(u.name.clone())
                .chain(u.aliases.iter().cloned())
                .collect(),
        })
        .collect()
}

/// Reads a whistle's text in the chat of `unit`.
pub(crate) fn read(
    org: &Organisation,
    unit: &crate::domain::org::Unit,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Draft {
    let catalog = org.catalog();
    let departments = department_refs(org);
    let grids = if unit.kind == Level::Community {
        grid_refs(org, &unit.id)
    } else {
        vec![]
    };
    let mut keywords = org.keywords.clone();
    keywords.extend(parse::default_keywords());
    let cx = ParseContext {
        roles: &catalog,
        departments: &departments,
        match_departments: matches!(unit.kind, Level::Subdistrict | Level::District),
        alliances: &super::notices::alliance_refs(org, unit),
        grids: &grids,
        keywords: &keywords,
        tz: org.timezone,
        now,
    };
    parse::parse_whistle(text, &cx)
}

/// `/whistle …` or a message starting with 吹哨 / #whistle, by `who` in the chat `here`.
pub async fn whistle(ctx: &Ctx, here: &Here, who: &Actor, req: WhistleRequest) -> Result<Whistled> {
    let org = &here.org;
    let Some(scope) = &here.scope else {
        return Ok(Whistled::NotBound);
    };
    if !access::can_whistle(org, who.id, scope) {
        return Ok(Whistled::NotMember);
    }
    let Scope::Unit(unit_id) = scope else {
        return Ok(Whistled::FromDepartment);
    };
    let Some(unit) = org.unit(unit_id) else {
        return Ok(Whistled::NotBound);
    };
    let now = ctx.now();
    let mut draft = read(org, unit, &req.text, now);
    if draft.location.is_none() {
        if let Some((lat, lon)) = req.location {
            draft.location = Some(format!("{lat:.5}, {lon:.5}"));
        }
    }
    // "#0 …" or "#99999999999999999999 …" names an order that cannot exist: not a new one.
    if let (None, Some(digits)) = (draft.order_ref, &draft.order_ref_text) {
        return Ok(Whistled::NoSuchNumber(digits.clone()));
    }
    // "#42" alone names an order but nobody to add: as empty as a whistle with no text.
    if text::is_visibly_empty(&draft.text)
        && (draft.order_ref.is_none() || draft.role_source == parse::RoleSource::Default)
    {
        return Ok(Whistled::Empty);
    }
    // A whistle naming "#N" in a community chat without a grid means the order's own grid.
    let referenced_grid = match draft.order_ref {
        Some(n) if unit.kind == Level::Community && draft.grid.is_none() => ctx
            .store
            .order(OrderId(n))
            .await?
            .map(|s| s.order.unit)
            .filter(|u| {
                org.unit(u).is_some_and(|u| u.kind == Level::Grid) && org.is_within(u, unit_id)
            }),
        _ => None,
    };
    let plan = match plan::plan_whistle(org, who.id, unit, &draft, referenced_grid) {
        Ok(p) => p,
        Err(r) => return Ok(Whistled::Refused(r)),
    };
    match draft.order_ref {
        Some(n) => Ok(Whistled::Added {
            order: OrderId(n),
            outcome: add_parties(ctx, here, who, OrderId(n), &plan, &draft).await?,
        }),
        None => Ok(Whistled::Created(
            create(ctx, here, who, plan, draft).await?,
        )),
    }
}

/// Creates the order: storage reserves its number, the cards are rendered here (outside any
/// transaction), then the order, its event, cards and due moments are saved in one.
async fn create(ctx: &Ctx, here: &Here, who: &Actor, plan: Plan, draft: Draft) -> Result<OrderId> {
    let org = &here.org;
    let now = ctx.now();
    let id = ctx.store.reserve_order_id().await?;
    let order = new_order(org, id, plan, &draft, who.id.into(), now);
    let events = vec![Event {
        order: id,
        at: now,
        actor: Some(who.id.into()),
        kind: EventKind::Created,
    }];
    let mut out = new_cards(ctx, org, &order, &events, Some(here.chat_id)).await?;
    if let Some(note) = &draft.due_note {
        let view = View {
            org,
            lang: here.lang,
            now,
        };
        out.push(due_note_reply(&view, here.chat_id, &order, note));
    }
    let jobs = jobs_for(org, &order, &events);
    ctx.store
        .create_order(NewOrder {
            order: &order,
            events: &events,
            out: &out,
            jobs: &jobs,
        })
        .await?;
    tracing::info!(order = id.0, unit = %order.unit, parties = order.parties.len(), "whistle");
    ctx.saved();
    Ok(id)
}

/// A new order numbered `id` from a plan and the words it was read from.
pub(crate) fn new_order(
    org: &Organisation,
    id: OrderId,
    plan: Plan,
    draft: &Draft,
    whistler: Who,
    now: DateTime<Utc>,
) -> WhistleOrder {
    let Plan {
        unit,
        level,
        targets,
    } = plan;
    WhistleOrder {
        id,
        unit,
        text: draft.text.clone(),
        location: draft.location.clone(),
        urgent: draft.urgent,
        state: OrderState::Open,
        level,
        whistler,
        created_at: now,
        resolve_due: plan::resolve_due(org, level, draft.urgent, now, draft.due),
        parties: targets
            .iter()
            .map(|t| Party {
                target: t.clone(),
                level,
                added_at: now,
                ack_due: plan::report_due(org, t, level, draft.urgent, now, draft.due),
                report: None,
            })
            .collect(),
        reopen_count: 0,
        place: None,
        photos: Vec::new(),
    }
}

/// A new order's cards: in `first` (the chat it was whistled in), then in every chat that
/// shows it, each in its chat's language.
pub(crate) async fn new_cards(
    ctx: &Ctx,
    org: &Organisation,
    order: &WhistleOrder,
    events: &[Event],
    first: Option<ChatId>,
) -> Result<Vec<Outgoing>> {
    let mut chats: Vec<ChatId> = first.into_iter().collect();
    for c in notices::card_chats(ctx, order).await? {
        if !chats.contains(&c) {
            chats.push(c);
        }
    }
    let mut out = Vec::new();
    for chat in chats {
        let lang = ctx.lang_of(org, chat).await?;
        let view = View {
            org,
            lang,
            now: order.created_at,
        };
        let (html, buttons) = render::card(&view, order, events);
        out.push(notices::new_card(chat, order.id, html, buttons));
    }
    Ok(out)
}

/// The reply to a new card whose whistle named a time that cannot be its deadline: the order
/// went ahead with the default deadlines (it never waits for an answer), and this says so.
/// When the time had passed today, one button offers the same time on the next day as the
/// resolve deadline ("18:00 已过 · 改为明天 18:00").
fn due_note_reply(view: &View, chat: ChatId, order: &WhistleOrder, note: &DueNote) -> Outgoing {
    let lang = view.lang;
    let (id, resolve) = (order.id, view.time(order.resolve_due));
    let quoted = |t: &str| render::escape(&render::clip(t, 60));
    let (html, buttons) = match note {
        DueNote::Passed { wanted, next } => {
            let (wanted, next_at) = (view.time(*wanted), *next);
            let label = tr!(
                lang,
                ids::BUTTON_SET_DUE,
                wanted = wanted.clone(),
                next = view.time(next_at)
            );
            let action = ButtonAction::SetResolveDue {
                order: id,
                at_unix_minutes: next_at.timestamp().div_euclid(60),
            };
            (
                tr!(
                    lang,
                    ids::DUE_PASSED,
                    id = id,
                    wanted = wanted,
                    resolve = resolve
                ),
                vec![vec![Button::new(label, action)]],
            )
        }
        DueNote::Unreadable { text } => (
            tr!(
                lang,
                ids::DUE_UNREADABLE,
                id = id,
                text = quoted(text),
                resolve = resolve
            ),
            vec![],
        ),
        DueNote::InPast { text } => (
            tr!(
                lang,
                ids::DUE_IN_PAST,
                id = id,
                text = quoted(text),
                resolve = resolve
            ),
            vec![],
        ),
    };
    reply_to_card(chat, id, html, buttons)
}

/// A whistle that names an existing order (`#42 …`): adds the parties it names, and mentions the
/// newly summoned in a reply to the card (edits notify nobody).
async fn add_parties(
    ctx: &Ctx,
    here: &Here,
    who: &Actor,
    id: OrderId,
    plan: &Plan,
    draft: &Draft,
) -> Result<Outcome> {
    let org = &here.org;
    let (lang, now) = (here.lang, ctx.now());
    match ctx.store.order(id).await? {
        None => return Ok(Outcome::NoSuchOrder(id)),
        Some(s) if !super::orders::visible(here, &s.order) => {
            return Ok(Outcome::Refused(Refusal::Elsewhere))
        }
        Some(_) => {}
    }
    let result = apply(
        ctx,
        org,
        id,
        |o, _| {
            let with_due = plan
                .targets
                .iter()
                .map(|t| {
                    let due = plan::report_due(org, t, plan.level, o.urgent, now, draft.due);
                    (t.clone(), due)
                })
                .collect();
            let events = o.add_parties(with_due, Some(who.id), now)?;
            let added: Vec<PartyTarget> = events
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::PartyAdded { target } => Some(target.clone()),
                    _ => None,
                })
                .collect();
            Ok((events, added))
        },
        |o, _, added| {
            let view = View { org, lang, now };
            let lines: Vec<String> = added
                .iter()
                .map(|t| format!("{}  {}", view.party_label(o, t), view.party_mentions(t)))
                .collect();
            let html = tr!(
                lang,
                ids::SUMMONED_MORE,
                id = o.id,
                parties = lines.join("\n")
            );
            vec![reply_to_card(here.chat_id, o.id, html, vec![])]
        },
    )
    .await?;
    Ok(super::map(result, |_| ()))
}
