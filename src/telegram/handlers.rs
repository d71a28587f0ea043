//! What the bot does with each message and button press: parse → domain decision → store (with
//! the messages it causes, in one transaction) → the sender delivers. Expected mistakes are a
//! localized answer, never an error.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::domain::access;
use crate::domain::escalation::{self, jobs_for};
use crate::domain::org::{Membership, Organisation};
use crate::domain::parse::{self, DepartmentRef, GridRef, ParseContext, RoleSource};
use crate::domain::policy::due_after;
use crate::domain::policy::Level;
use crate::domain::role::GRID_LEADER;
use crate::domain::{
    DepartmentId, EscalationReason, Event, EventKind, Lang, OrderId, OrderState, Party,
    PartyTarget, ReportOutcome, Scope, TelegramUserId, TransitionError, UnitId, WhistleOrder,
};
use crate::i18n::ids;
use crate::storage::{Button, Commit, Outgoing, Payload, Store, StoreError, StoredOrder};
use crate::tr;

use super::render::{self, escape, View};

/// What every handler needs.
#[derive(Clone)]
pub struct Ctx {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// Wakes the sender after something was queued.
    pub wake: Arc<Notify>,
    /// Tells the scheduler that due moments may have changed.
    pub replan: Arc<Notify>,
    pub bot_username: String,
}

/// A person as Telegram describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub id: TelegramUserId,
    pub name: String,
    pub username: Option<String>,
}

/// The message a message replies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepliedTo {
    pub message_id: i64,
    pub from_bot: bool,
    pub from: Option<Sender>,
}

/// An incoming message, reduced to what the bot acts on (converted from teloxide's types at
/// the edge, in `telegram::mod`).
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub chat_id: i64,
    pub group: bool,
    pub message_id: i64,
    /// `None` for anonymous group admins and channels: not a person.
    pub from: Option<Sender>,
    pub text: String,
    pub reply_to: Option<RepliedTo>,
    /// People named by `text_mention` entities (users without a username).
    pub text_mentions: Vec<Mentioned>,
    pub location: Option<(f64, f64)>,
    pub has_photo: bool,
    pub forwarded: bool,
}

/// A person named by a `text_mention` entity, and the words of the message that name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentioned {
    pub who: Sender,
    pub text: String,
}

/// A button press.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Press {
    pub chat_id: i64,
    pub message_id: i64,
    pub from: Sender,
    pub data: String,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How many times a transition is retried when someone else changed the order meanwhile.
const CONFLICT_RETRIES: usize = 5;

pub(crate) fn send(chat_id: i64, html: String) -> Outgoing {
    Outgoing {
        chat_id,
        payload: Payload::Send {
            html,
            buttons: vec![],
            card: None,
            reply_to_card: None,
            reply_to: None,
        },
    }
}

fn reply(inc: &Incoming, html: String) -> Outgoing {
    Outgoing {
        chat_id: inc.chat_id,
        payload: Payload::Send {
            html,
            buttons: vec![],
            card: None,
            reply_to_card: None,
            reply_to: Some(inc.message_id),
        },
    }
}

pub(crate) fn reply_to_card(
    chat_id: i64,
    order: OrderId,
    html: String,
    buttons: Vec<Vec<Button>>,
) -> Outgoing {
    Outgoing {
        chat_id,
        payload: Payload::Send {
            html,
            buttons,
            card: None,
            reply_to_card: Some(order),
            reply_to: None,
        },
    }
}

/// Where the bot is talking, and in which language.
struct Here {
    chat_id: i64,
    org: Organisation,
    scope: Option<Scope>,
    lang: Lang,
}

impl Ctx {
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    async fn here(&self, chat_id: i64) -> Result<Here> {
        let org = self.store.load_org().await?;
        let binding = self.store.chat(chat_id).await?;
        let lang = binding
            .as_ref()
            .and_then(|b| b.locale)
            .unwrap_or(org.default_locale);
        Ok(Here {
            chat_id,
            scope: binding.and_then(|b| b.scope),
            org,
            lang,
        })
    }

    /// The language of a chat (its own setting, else the organisation's default).
    pub(crate) async fn lang_of(&self, org: &Organisation, chat_id: i64) -> Result<Lang> {
        Ok(self
            .store
            .chat(chat_id)
            .await?
            .and_then(|b| b.locale)
            .unwrap_or(org.default_locale))
    }

    /// An order was saved: its messages wait for the sender, its due moments for the scheduler.
    pub(crate) fn saved(&self) {
        self.wake.notify_one();
        self.replan.notify_one();
    }

    async fn queue(&self, out: Vec<Outgoing>) -> Result<()> {
        if !out.is_empty() {
            self.store.enqueue(&out, self.now()).await?;
            self.wake.notify_one();
        }
        Ok(())
    }

    async fn answer(&self, inc: &Incoming, html: String) -> Result<()> {
        self.queue(vec![reply(inc, html)]).await
    }

    async fn learn(&self, s: &Sender) -> Result<()> {
        self.store
            .learn_person(s.id, &s.name, s.username.as_deref())
            .await
    }
}

// ---- chats the cards of an order live in --------------------------------------------------

/// The chats an order's card belongs in: its unit's chat, and the chat of every summoned
/// party's unit or department, in that order, without repeats.
pub(crate) async fn card_chats(ctx: &Ctx, order: &WhistleOrder) -> Result<Vec<i64>> {
    let mut scopes = vec![Scope::Unit(order.unit.clone())];
    for p in &order.parties {
        scopes.push(match &p.target {
            PartyTarget::Role { unit, .. } | PartyTarget::DutyOfficers { unit } => {
                Scope::Unit(unit.clone())
            }
            PartyTarget::Department { department } => Scope::Department(department.clone()),
        });
    }
    let mut chats = Vec::new();
    for s in scopes {
        if let Some(c) = ctx.store.chat_of(&s).await? {
            if !chats.contains(&c) {
                chats.push(c);
            }
        }
    }
    Ok(chats)
}

/// The messages that bring every card of `order` up to date: edits where a card exists, a new
/// card where none does yet (it mentions everyone, so it notifies them).
pub(crate) async fn refresh_cards(
    ctx: &Ctx,
    org: &Organisation,
    order: &WhistleOrder,
    events: &[Event],
    extra_chat: Option<i64>,
) -> Result<(Vec<Outgoing>, Vec<i64>)> {
    let existing: Vec<i64> = ctx
        .store
        .cards(order.id)
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let mut chats = card_chats(ctx, order).await?;
    if let Some(c) = extra_chat {
        if !chats.contains(&c) {
            chats.insert(0, c);
        }
    }
    for c in &existing {
        if !chats.contains(c) {
            chats.push(*c);
        }
    }
    let mut out = Vec::new();
    // Notices whose buttons no longer apply lose them: 确认/退回 once the order is no longer
    // resolved, 接手 and the department buttons once it is no longer being handled.
    for (chat, message_id, data) in ctx.store.notices_with_buttons(order.id).await? {
        let verify = data
            .iter()
            .any(|d| d.starts_with("v:") || d.starts_with("o:"));
        let stale = if verify {
            order.state != OrderState::Resolved
        } else {
            !order.state.is_active()
        };
        if stale {
            out.push(Outgoing {
                chat_id: chat,
                payload: Payload::ClearButtons {
                    order: order.id,
                    message_id,
                },
            });
        }
    }
    let mut new_cards = Vec::new();
    for chat in chats {
        let lang = ctx.lang_of(org, chat).await?;
        let view = View {
            org,
            lang,
            now: ctx.now(),
        };
        let (html, buttons) = render::card(&view, order, events);
        if existing.contains(&chat) {
            out.push(Outgoing {
                chat_id: chat,
                payload: Payload::EditCard {
                    order: order.id,
                    html,
                    buttons,
                },
            });
        } else {
            new_cards.push(chat);
            out.push(Outgoing {
                chat_id: chat,
                payload: Payload::Send {
                    html,
                    buttons,
                    card: Some(order.id),
                    reply_to_card: None,
                    reply_to: None,
                },
            });
        }
    }
    Ok((out, new_cards))
}

/// Loads an order, applies `change`, and saves it with the cards' refresh and whatever else
/// `change` wants said, retrying when someone else saved first.
async fn transition<T>(
    ctx: &Ctx,
    org: &Organisation,
    id: OrderId,
    mut change: impl FnMut(
        &mut WhistleOrder,
        &[Event],
    ) -> std::result::Result<(Vec<Event>, T), TransitionError>,
    mut also: impl FnMut(&WhistleOrder, &T) -> Vec<Outgoing>,
) -> Result<Option<std::result::Result<(WhistleOrder, T), TransitionError>>> {
    for _ in 0..CONFLICT_RETRIES {
        let Some(read) = ctx.store.order(id).await? else {
            return Ok(None);
        };
        let StoredOrder { order, .. } = &read;
        let mut changed = order.clone();
        let mut history = ctx.store.events(id).await?;
        let (events, extra) = match change(&mut changed, &history) {
            Ok(x) => x,
            Err(e) => return Ok(Some(Err(e))),
        };
        if events.is_empty() {
            return Ok(Some(Ok((changed, extra))));
        }
        history.extend(events.iter().cloned());
        let (mut out, _) = refresh_cards(ctx, org, &changed, &history, None).await?;
        out.extend(also(&changed, &extra));
        match ctx
            .store
            .save_order(
                &read,
                &changed,
                Commit {
                    events: &events,
                    out: &out,
                    jobs: Some(&jobs_for(org, &changed)),
                    finish_job: None,
                    now: ctx.now(),
                },
            )
            .await
        {
            Ok(()) => {
                ctx.saved();
                return Ok(Some(Ok((changed, extra))));
            }
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Conflict)
}

// ---- messages -----------------------------------------------------------------------------

/// A message in any chat.
pub async fn on_message(ctx: &Ctx, inc: &Incoming) -> Result<()> {
    if let Some(from) = &inc.from {
        ctx.learn(from).await?;
    }
    for m in &inc.text_mentions {
        ctx.learn(&m.who).await?;
    }
    if let Some(RepliedTo { from: Some(f), .. }) = &inc.reply_to {
        ctx.learn(f).await?;
    }
    if inc.forwarded {
        return Ok(()); // someone else's words: never a whistle, a report or a note
    }
    use teloxide::utils::command::{BotCommands, ParseError};
    let text = inc.text.trim();
    match super::commands::Command::parse(text, &ctx.bot_username) {
        Ok(cmd) => on_command(ctx, inc, cmd).await,
        Err(ParseError::WrongBotName(_)) => Ok(()),
        Err(_) if text.starts_with('/') => {
            let here = ctx.here(inc.chat_id).await?;
            let cmd = text.split_whitespace().next().unwrap_or(text);
            ctx.answer(
                inc,
                tr!(
                    here.lang,
                    ids::UNKNOWN_COMMAND,
                    command = escape(&render::clip(cmd, 60))
                ),
            )
            .await
        }
        Err(_) => on_plain(ctx, inc).await,
    }
}

async fn on_plain(ctx: &Ctx, inc: &Incoming) -> Result<()> {
    if !inc.group {
        let here = ctx.here(inc.chat_id).await?;
        return ctx.answer(inc, help_text(&here, inc)).await;
    }
    if let Some(rest) = parse::strip_trigger(&inc.text) {
        let rest = rest.to_string();
        return with_person(ctx, inc, |ctx, inc, here, from| {
            Box::pin(async move { whistle(ctx, inc, &here, &from, &rest).await })
        })
        .await;
    }
    let Some(replied) = &inc.reply_to else {
        return Ok(());
    };
    if !replied.from_bot {
        return Ok(());
    }
    let Some(order_id) = ctx
        .store
        .order_of_card(inc.chat_id, replied.message_id)
        .await?
    else {
        return Ok(());
    };
    with_person(ctx, inc, move |ctx, inc, here, from| {
        Box::pin(async move {
            if parse::is_ack_text(&inc.text) {
                report(ctx, &here, &from, order_id, Answer::Reply(inc)).await
            } else {
                // Only people of this chat's unit (or summoned to the order) write its timeline.
                let member = here
                    .scope
                    .as_ref()
                    .is_some_and(|s| access::can_whistle(&here.org, from.id, s));
                let summoned = match ctx.store.order(order_id).await? {
                    Some(o) => !access::reportable_parties(&here.org, from.id, &o.order).is_empty(),
                    None => false,
                };
                if !member && !summoned {
                    return ctx.answer(inc, tr!(here.lang, ids::REFUSE_NOTE)).await;
                }
                note(ctx, &here, inc, &from, order_id).await
            }
        })
    })
    .await
}

type BoxFut<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>>;

/// Runs `f` for a real person in a bound group; anonymous admins and unbound chats get their
/// answer instead.
async fn with_person<'a>(
    ctx: &'a Ctx,
    inc: &'a Incoming,
    f: impl FnOnce(&'a Ctx, &'a Incoming, Here, Sender) -> BoxFut<'a>,
) -> Result<()> {
    let here = ctx.here(inc.chat_id).await?;
    let Some(from) = inc.from.clone() else {
        return ctx.answer(inc, tr!(here.lang, ids::ANONYMOUS)).await;
    };
    if here.scope.is_none() {
        return ctx.answer(inc, tr!(here.lang, ids::NOT_BOUND)).await;
    }
    f(ctx, inc, here, from).await
}

async fn on_command(ctx: &Ctx, inc: &Incoming, cmd: super::commands::Command) -> Result<()> {
    use super::commands::Command as C;
    let here = ctx.here(inc.chat_id).await?;
    let Some(from) = inc.from.clone() else {
        return ctx.answer(inc, tr!(here.lang, ids::ANONYMOUS)).await;
    };
    match cmd {
        C::Start(_) | C::Help(_) => {
            if !inc.group {
                ctx.store.set_private_chat(from.id).await?;
            }
            ctx.answer(inc, help_text(&here, inc)).await
        }
        C::Lang(arg) => set_lang(ctx, inc, &here, &from, &arg).await,
        _ if !inc.group => ctx.answer(inc, tr!(here.lang, ids::GROUP_ONLY)).await,
        C::Bind(arg) => bind(ctx, inc, &here, &from, &arg).await,
        _ if here.scope.is_none() => ctx.answer(inc, tr!(here.lang, ids::NOT_BOUND)).await,
        C::Whistle(arg) => whistle(ctx, inc, &here, &from, &arg).await,
        C::Ack(arg) => match order_arg(ctx, inc, &here, &arg, true).await? {
            Some(id) => report(ctx, &here, &from, id, Answer::Reply(inc)).await,
            None => Ok(()),
        },
        C::Done(arg) => {
            let (id, rest) = split_order(&arg);
            match order_or_reply(ctx, inc, &here, id, true).await? {
                Some(id) => {
                    resolve(ctx, &here, &from, id, nonempty(rest), Answer::Reply(inc)).await
                }
                None => Ok(()),
            }
        }
        C::Verify(arg) => match order_arg(ctx, inc, &here, &arg, true).await? {
            Some(id) => verify(ctx, &here, &from, id, Answer::Reply(inc)).await,
            None => Ok(()),
        },
        C::Reopen(arg) => {
            let (id, rest) = split_order(&arg);
            let Some(reason) = nonempty(rest) else {
                return ctx.answer(inc, tr!(here.lang, ids::REOPEN_USAGE)).await;
            };
            match order_or_reply(ctx, inc, &here, id, true).await? {
                Some(id) => reopen(ctx, &here, &from, id, reason, Answer::Reply(inc)).await,
                None => Ok(()),
            }
        }
        C::Cancel(arg) => {
            let (id, rest) = split_order(&arg);
            let Some(reason) = nonempty(rest) else {
                return ctx.answer(inc, tr!(here.lang, ids::CANCEL_USAGE)).await;
            };
            match order_or_reply(ctx, inc, &here, id, true).await? {
                Some(id) => cancel(ctx, inc, &here, &from, id, reason).await,
                None => Ok(()),
            }
        }
        C::Escalate(arg) => {
            let (id, rest) = split_order(&arg);
            let Some(reason) = nonempty(rest) else {
                return ctx.answer(inc, tr!(here.lang, ids::ESCALATE_USAGE)).await;
            };
            match order_or_reply(ctx, inc, &here, id, true).await? {
                Some(id) => {
                    let why = EscalationReason::Asked { reason };
                    escalate_by_hand(ctx, &here, &from, id, why, Answer::Reply(inc)).await
                }
                None => Ok(()),
            }
        }
        C::List(_) => list(ctx, inc, &here).await,
        C::Show(arg) => match order_arg(ctx, inc, &here, &arg, true).await? {
            Some(id) => show(ctx, inc, &here, id).await,
            None => Ok(()),
        },
        C::Roster(_) => roster(ctx, inc, &here).await,
        C::Assign(arg) => assign(ctx, inc, &here, &from, &arg, true).await,
        C::Unassign(arg) => assign(ctx, inc, &here, &from, &arg, false).await,
    }
}

fn nonempty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// "42 rest", "#42 rest" → (Some(42), "rest"); "rest" → (None, "rest").
fn split_order(arg: &str) -> (Option<i64>, &str) {
    let a = arg.trim();
    let first = a.split_whitespace().next().unwrap_or("");
    match first.trim_start_matches('#').parse::<i64>() {
        Ok(n) if n > 0 => (Some(n), a[first.len()..].trim()),
        _ => (None, a),
    }
}

/// The order a command names, or the one whose card the command replies to.
async fn order_or_reply(
    ctx: &Ctx,
    inc: &Incoming,
    here: &Here,
    id: Option<i64>,
    visible: bool,
) -> Result<Option<OrderId>> {
    let id = match id {
        Some(n) => OrderId(n),
        None => {
            let from_card = match &inc.reply_to {
                Some(r) if r.from_bot => ctx.store.order_of_card(inc.chat_id, r.message_id).await?,
                _ => None,
            };
            match from_card {
                Some(id) => id,
                None => {
                    ctx.answer(inc, tr!(here.lang, ids::NEED_ORDER_NUMBER))
                        .await?;
                    return Ok(None);
                }
            }
        }
    };
    let Some(stored) = ctx.store.order(id).await? else {
        ctx.answer(inc, tr!(here.lang, ids::NO_SUCH_ORDER, id = id.0))
            .await?;
        return Ok(None);
    };
    if visible && !visible_here(here, &stored.order) {
        ctx.answer(inc, tr!(here.lang, ids::ORDER_ELSEWHERE, id = id.0))
            .await?;
        return Ok(None);
    }
    Ok(Some(id))
}

async fn order_arg(
    ctx: &Ctx,
    inc: &Incoming,
    here: &Here,
    arg: &str,
    visible: bool,
) -> Result<Option<OrderId>> {
    let (id, rest) = split_order(arg);
    if id.is_none() && !rest.is_empty() {
        ctx.answer(inc, tr!(here.lang, ids::NEED_ORDER_NUMBER))
            .await?;
        return Ok(None);
    }
    order_or_reply(ctx, inc, here, id, visible).await
}

/// An order is visible in the chat of its unit, of any unit above it, and of every summoned
/// party's unit or department.
fn visible_here(here: &Here, order: &WhistleOrder) -> bool {
    let Some(scope) = &here.scope else {
        return false;
    };
    match scope {
        Scope::Unit(u) => {
            here.org.is_within(&order.unit, u)
                || order.parties.iter().any(|p| match &p.target {
                    PartyTarget::Role { unit, .. } | PartyTarget::DutyOfficers { unit } => {
                        here.org.is_within(unit, u)
                    }
                    PartyTarget::Department { .. } => false,
                })
        }
        Scope::Department(d) => order.parties.iter().any(
            |p| matches!(&p.target, PartyTarget::Department { department } if department == d),
        ),
    }
}

// ---- whistle --------------------------------------------------------------------------------

pub(crate) fn department_refs(org: &Organisation) -> Vec<DepartmentRef> {
    org.departments
        .iter()
        .map(|d| DepartmentRef {
            id: d.id.0.clone(),
            names: std::iter::once(d.name.clone())
                .chain(d.aliases.iter().cloned())
                .collect(),
            handles: d.handles.clone(),
        })
        .collect()
}

fn grid_refs(org: &Organisation, community: &UnitId) -> Vec<GridRef> {
    org.children(community)
        .into_iter()
        .filter(|u| u.kind == Level::Grid)
        .map(|u| GridRef {
            id: u.id.0.clone(),
            names: std::iter::once(u.name.clone())
                .chain(u.aliases.iter().cloned())
                .collect(),
        })
        .collect()
}

/// `/whistle …` or a message starting with 吹哨 / #whistle.
async fn whistle(ctx: &Ctx, inc: &Incoming, here: &Here, from: &Sender, body: &str) -> Result<()> {
    let org = &here.org;
    let lang = here.lang;
    let Some(scope) = &here.scope else {
        return ctx.answer(inc, tr!(lang, ids::NOT_BOUND)).await;
    };
    if !access::can_whistle(org, from.id, scope) {
        return ctx
            .answer(
                inc,
                tr!(lang, ids::WHISTLE_NOT_MEMBER, name = escape(&from.name)),
            )
            .await;
    }
    let Scope::Unit(unit_id) = scope else {
        return ctx
            .answer(inc, tr!(lang, ids::WHISTLE_FROM_DEPARTMENT))
            .await;
    };
    let Some(unit) = org.unit(unit_id) else {
        return ctx.answer(inc, tr!(lang, ids::NOT_BOUND)).await;
    };
    let now = ctx.now();
    let catalog = org.catalog();
    let departments = department_refs(org);
    let grids = if unit.kind == Level::Community {
        grid_refs(org, unit_id)
    } else {
        vec![]
    };
    let keywords = if org.keywords.is_empty() {
        parse::default_keywords()
    } else {
        let mut k = org.keywords.clone();
        k.extend(parse::default_keywords());
        k
    };
    let cx = ParseContext {
        roles: &catalog,
        departments: &departments,
        match_departments: matches!(unit.kind, Level::Subdistrict | Level::District),
        grids: &grids,
        keywords: &keywords,
        tz: org.timezone,
        now,
    };
    let mut draft = parse::parse_whistle(body, &cx);
    if draft.location.is_none() {
        if let Some((lat, lon)) = inc.location {
            draft.location = Some(format!("{lat:.5}, {lon:.5}"));
        }
    }
    if draft.text.trim().is_empty() && draft.order_ref.is_none() {
        return ctx.answer(inc, tr!(lang, ids::WHISTLE_EMPTY)).await;
    }

    // A whistle naming "#N" adds to that order: roles named in a community chat without a grid
    // mean the order's own grid.
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
    let grid = draft.grid.clone().or(referenced_grid.map(|u| u.0));
    // Who is summoned, and at which level the order sits.
    let (order_unit, level, targets): (UnitId, Level, Vec<PartyTarget>) = match unit.kind {
        Level::Grid => (
            unit_id.clone(),
            Level::Grid,
            draft
                .roles
                .iter()
                .map(|r| PartyTarget::Role {
                    unit: unit_id.clone(),
                    role: r.clone(),
                })
                .collect(),
        ),
        Level::Community => match &grid {
            Some(g) if draft.role_source != RoleSource::None => (
                UnitId::new(g.clone()),
                Level::Grid,
                draft
                    .roles
                    .iter()
                    .map(|r| PartyTarget::Role {
                        unit: UnitId::new(g.clone()),
                        role: r.clone(),
                    })
                    .collect(),
            ),
            _ => (
                unit_id.clone(),
                Level::Community,
                vec![PartyTarget::DutyOfficers {
                    unit: unit_id.clone(),
                }],
            ),
        },
        Level::Subdistrict | Level::District => {
            // Summoning district departments is the duty officers' call, as with the buttons.
            let duty = org.holds(
                from.id,
                &Scope::Unit(unit_id.clone()),
                crate::domain::role::DUTY_OFFICER,
            );
            if !duty && !org.is_admin(from.id) {
                return ctx
                    .answer(inc, tr!(lang, ids::REFUSE_DEPARTMENT_WHISTLE))
                    .await;
            }
            if draft.departments.is_empty() {
                let names: Vec<String> = org.departments.iter().map(|d| escape(&d.name)).collect();
                return ctx
                    .answer(
                        inc,
                        tr!(
                            lang,
                            ids::WHISTLE_NAME_DEPARTMENT,
                            departments = render::join(lang, &names)
                        ),
                    )
                    .await;
            }
            (
                unit_id.clone(),
                unit.kind,
                draft
                    .departments
                    .iter()
                    .map(|d| PartyTarget::Department {
                        department: DepartmentId::new(d.clone()),
                    })
                    .collect(),
            )
        }
    };
    let ack_due_of = |target: &PartyTarget, urgent: bool| {
        let dept = match target {
            PartyTarget::Department { department } => {
                org.department(department).map(|d| d.durations)
            }
            _ => None,
        };
        let d = org.policy.deadlines(level, urgent, dept);
        let due = due_after(
            now,
            d.ack_within,
            urgent,
            org.calendar.as_ref(),
            org.timezone,
        );
        match draft.due {
            Some(limit) if limit < due => limit.max(now),
            _ => due,
        }
    };

    if let Some(n) = draft.order_ref {
        return add_to_order(
            ctx,
            inc,
            here,
            from,
            OrderId(n),
            targets,
            &|t: &PartyTarget, u| ack_due_of(t, u),
        )
        .await;
    }

    let deadlines = org.policy.deadlines(level, draft.urgent, None);
    let resolve_due = draft.due.filter(|d| *d > now).unwrap_or_else(|| {
        due_after(
            now,
            deadlines.resolve_within,
            draft.urgent,
            org.calendar.as_ref(),
            org.timezone,
        )
    });
    let order = WhistleOrder {
        id: OrderId(0),
        unit: order_unit,
        text: draft.text.clone(),
        location: draft.location.clone(),
        urgent: draft.urgent,
        state: OrderState::Open,
        level,
        whistler: from.id,
        created_at: now,
        resolve_due,
        parties: targets
            .iter()
            .map(|t| Party {
                target: t.clone(),
                level,
                added_at: now,
                ack_due: ack_due_of(t, draft.urgent),
                report: None,
            })
            .collect(),
        reopen_count: 0,
    };
    // The cards are rendered inside the transaction, once the order has its number.
    let mut langs = std::collections::HashMap::new();
    let probe = WhistleOrder {
        id: OrderId(0),
        ..order.clone()
    };
    let mut chats = vec![inc.chat_id];
    for c in card_chats(ctx, &probe).await? {
        if !chats.contains(&c) {
            chats.push(c);
        }
    }
    for c in &chats {
        langs.insert(*c, ctx.lang_of(org, *c).await?);
    }
    let jobs = jobs_for(org, &order);
    let created = ctx
        .store
        .create_order(order, &jobs, |o| {
            let events = vec![Event {
                order: o.id,
                at: now,
                actor: Some(from.id),
                kind: EventKind::Created,
            }];
            let out = chats
                .iter()
                .map(|c| {
                    let view = View {
                        org,
                        lang: langs[c],
                        now,
                    };
                    let (html, buttons) = render::card(&view, o, &events);
                    Outgoing {
                        chat_id: *c,
                        payload: Payload::Send {
                            html,
                            buttons,
                            card: Some(o.id),
                            reply_to_card: None,
                            reply_to: None,
                        },
                    }
                })
                .collect();
            (events, out)
        })
        .await?;
    tracing::info!(order = created.id.0, unit = %created.unit, parties = created.parties.len(), "whistle");
    ctx.saved();
    Ok(())
}

/// A whistle that names an existing order (`#42 …`): adds the parties it names.
async fn add_to_order(
    ctx: &Ctx,
    inc: &Incoming,
    here: &Here,
    from: &Sender,
    id: OrderId,
    targets: Vec<PartyTarget>,
    ack_due_of: &(dyn Fn(&PartyTarget, bool) -> DateTime<Utc> + Sync),
) -> Result<()> {
    let lang = here.lang;
    let Some(id) = order_or_reply(ctx, inc, here, Some(id.0), true).await? else {
        return Ok(());
    };
    let now = ctx.now();
    let org = &here.org;
    let result = transition(
        ctx,
        org,
        id,
        |o, _| {
            let with_due = targets
                .iter()
                .map(|t| (t.clone(), ack_due_of(t, o.urgent)))
                .collect();
            let events = o.add_parties(with_due, Some(from.id), now)?;
            let added: Vec<PartyTarget> = events
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::PartyAdded { target } => Some(target.clone()),
                    _ => None,
                })
                .collect();
            Ok((events, added))
        },
        |o, added: &Vec<PartyTarget>| {
            // Edits notify nobody: the newly summoned are mentioned in a reply to the card.
            let view = View { org, lang, now };
            let lines: Vec<String> = added
                .iter()
                .map(|t| format!("{}  {}", view.party_label(o, t), view.party_mentions(t)))
                .collect();
            vec![reply_to_card(
                inc.chat_id,
                o.id,
                tr!(
                    lang,
                    ids::SUMMONED_MORE,
                    id = o.id.0,
                    parties = lines.join("\n")
                ),
                vec![],
            )]
        },
    )
    .await?;
    match result {
        None => {
            ctx.answer(inc, tr!(lang, ids::NO_SUCH_ORDER, id = id.0))
                .await
        }
        Some(Ok(_)) => Ok(()),
        Some(Err(e)) => ctx.answer(inc, refusal(lang, id, &e)).await,
    }
}

/// Where a notice about an order goes: the chat of the order's unit (the whistler's) and the
/// chat the action came from, each with its language.
async fn notice_chats(ctx: &Ctx, here: &Here, order: &WhistleOrder) -> Result<Vec<(i64, Lang)>> {
    let mut chats = Vec::new();
    if let Some(c) = ctx.store.chat_of(&Scope::Unit(order.unit.clone())).await? {
        chats.push(c);
    }
    if !chats.contains(&here.chat_id) {
        chats.push(here.chat_id);
    }
    let mut out = Vec::new();
    for c in chats {
        out.push((c, ctx.lang_of(&here.org, c).await?));
    }
    Ok(out)
}

/// The answer to a refused transition.
fn refusal(lang: Lang, id: OrderId, e: &TransitionError) -> String {
    match e {
        TransitionError::WrongState(OrderState::Resolved) => {
            tr!(lang, ids::REFUSE_RESOLVED, id = id.0)
        }
        TransitionError::WrongState(OrderState::Closed) => tr!(lang, ids::REFUSE_CLOSED, id = id.0),
        TransitionError::WrongState(OrderState::Cancelled) => {
            tr!(lang, ids::REFUSE_CANCELLED, id = id.0)
        }
        TransitionError::WrongState(_) => tr!(lang, ids::REFUSE_NOT_RESOLVED, id = id.0),
        TransitionError::NoSuchParty => tr!(lang, ids::REFUSE_NOT_SUMMONED_GENERIC),
        TransitionError::AtTopLevel => tr!(lang, ids::REFUSE_TOP_LEVEL, id = id.0),
        TransitionError::NothingToAdd => tr!(lang, ids::REFUSE_NOTHING_TO_ADD, id = id.0),
    }
}

// ---- report, resolve, verify, reopen, cancel, note ----------------------------------------

/// Where the outcome of an action is said: a reply to a message, or a toast on a button press.
enum Answer<'a> {
    Reply(&'a Incoming),
    Toast(&'a mut Option<String>),
}

impl Answer<'_> {
    async fn say(&mut self, ctx: &Ctx, html: String, plain: String) -> Result<()> {
        match self {
            Answer::Reply(inc) => ctx.answer(inc, html).await,
            Answer::Toast(slot) => {
                **slot = Some(plain);
                Ok(())
            }
        }
    }
}

/// Plain text for a toast: the same message without markup.
fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

async fn say(ctx: &Ctx, answer: &mut Answer<'_>, html: String) -> Result<()> {
    let p = plain(&html);
    answer.say(ctx, html, p).await
}

/// The order `id` when `allowed` lets the person act on it; otherwise the answer says why (no
/// such order, or `refused`) and there is none.
async fn permitted(
    ctx: &Ctx,
    here: &Here,
    id: OrderId,
    answer: &mut Answer<'_>,
    allowed: impl FnOnce(&WhistleOrder) -> bool,
    refused: impl FnOnce(&WhistleOrder) -> String,
) -> Result<Option<StoredOrder>> {
    let Some(stored) = ctx.store.order(id).await? else {
        say(ctx, answer, tr!(here.lang, ids::NO_SUCH_ORDER, id = id.0)).await?;
        return Ok(None);
    };
    if !allowed(&stored.order) {
        say(ctx, answer, refused(&stored.order)).await?;
        return Ok(None);
    }
    Ok(Some(stored))
}

/// "Only the people summoned can …. Your role: …".
fn not_summoned(here: &Here, person: TelegramUserId, order: &WhistleOrder) -> String {
    tr!(
        here.lang,
        ids::REFUSE_NOT_SUMMONED,
        roles = roles_text(here, person, order)
    )
}

/// The roles a person holds in the order's unit, for refusals ("你的角色：…").
fn roles_text(here: &Here, person: TelegramUserId, order: &WhistleOrder) -> String {
    let view = View {
        org: &here.org,
        lang: here.lang,
        now: chrono::Utc::now(),
    };
    let roles: Vec<String> = here
        .org
        .memberships_of(person)
        .iter()
        .filter(|m| match &m.scope {
            Scope::Unit(u) => {
                here.org.is_within(&order.unit, u) || here.org.is_within(u, &order.unit)
            }
            Scope::Department(_) => true,
        })
        .map(|m| view.role(&m.role))
        .collect();
    if roles.is_empty() {
        tr!(here.lang, ids::ROLE_NONE)
    } else {
        render::join(here.lang, &roles)
    }
}

/// A summoned person reports for duty (every party of the order they may report for).
async fn report(
    ctx: &Ctx,
    here: &Here,
    from: &Sender,
    id: OrderId,
    mut answer: Answer<'_>,
) -> Result<()> {
    let lang = here.lang;
    let now = ctx.now();
    let allowed = |o: &WhistleOrder| !access::reportable_parties(&here.org, from.id, o).is_empty();
    let refused = |o: &WhistleOrder| not_summoned(here, from.id, o);
    let Some(stored) = permitted(ctx, here, id, &mut answer, allowed, refused).await? else {
        return Ok(());
    };
    let mine = access::reportable_parties(&here.org, from.id, &stored.order);
    let result = transition(
        ctx,
        &here.org,
        id,
        |o, _| {
            let mut events = Vec::new();
            let mut earlier = None;
            for i in &mine {
                match o.report(*i, from.id, now)? {
                    ReportOutcome::Recorded(e) => events.push(e),
                    ReportOutcome::AlreadyReported(m) => earlier = Some(m.at),
                }
            }
            if events.is_empty() {
                return Ok((events, earlier)); // a harmless repeat: nothing is saved
            }
            Ok((events, None))
        },
        |_, _| vec![],
    )
    .await?;
    match result {
        None => say(ctx, &mut answer, tr!(lang, ids::NO_SUCH_ORDER, id = id.0)).await,
        Some(Ok((_, Some(at)))) => {
            let view = View {
                org: &here.org,
                lang,
                now,
            };
            say(
                ctx,
                &mut answer,
                tr!(lang, ids::ALREADY_REPORTED, id = id.0, time = view.time(at)),
            )
            .await
        }
        Some(Ok((_, None))) => say(ctx, &mut answer, tr!(lang, ids::REPORTED_OK, id = id.0)).await,
        Some(Err(e)) => say(ctx, &mut answer, refusal(lang, id, &e)).await,
    }
}

/// Marks an order resolved, with a note; the whistler is asked to verify in a reply to the card.
async fn resolve(
    ctx: &Ctx,
    here: &Here,
    from: &Sender,
    id: OrderId,
    note: Option<String>,
    mut answer: Answer<'_>,
) -> Result<()> {
    let lang = here.lang;
    let now = ctx.now();
    let allowed = |o: &WhistleOrder| access::can_resolve(&here.org, from.id, o);
    let refused = |o: &WhistleOrder| not_summoned(here, from.id, o);
    let Some(stored) = permitted(ctx, here, id, &mut answer, allowed, refused).await? else {
        return Ok(());
    };
    let org = &here.org;
    let chats = notice_chats(ctx, here, &stored.order).await?;
    let result = transition(
        ctx,
        org,
        id,
        |o, _| Ok((vec![o.resolve(from.id, note.clone(), now)?], ())),
        |o, _| {
            // A new message, so that the whistler is notified: the card edit notifies nobody.
            chats
                .iter()
                .map(|&(chat, lang)| {
                    let view = View { org, lang, now };
                    let note = render::note_suffix(lang, note.as_deref(), 500);
                    reply_to_card(
                        chat,
                        o.id,
                        tr!(
                            lang,
                            ids::RESOLVED_NOTICE,
                            id = o.id.0,
                            name = escape(&from.name),
                            time = view.time(now),
                            note = note,
                            whistler = view.mention(o.whistler)
                        ),
                        render::card_buttons(lang, o),
                    )
                })
                .collect()
        },
    )
    .await?;
    match result {
        None => say(ctx, &mut answer, tr!(lang, ids::NO_SUCH_ORDER, id = id.0)).await,
        Some(Ok(_)) => match answer {
            Answer::Toast(slot) => {
                *slot = Some(plain(&tr!(lang, ids::RESOLVED_OK, id = id.0)));
                Ok(())
            }
            Answer::Reply(_) => Ok(()), // the notice itself is the answer
        },
        Some(Err(e)) => say(ctx, &mut answer, refusal(lang, id, &e)).await,
    }
}

async fn verify(
    ctx: &Ctx,
    here: &Here,
    from: &Sender,
    id: OrderId,
    mut answer: Answer<'_>,
) -> Result<()> {
    let lang = here.lang;
    let now = ctx.now();
    let allowed = |o: &WhistleOrder| access::can_verify(&here.org, from.id, o);
    let refused = |_: &WhistleOrder| tr!(lang, ids::REFUSE_NOT_WHISTLER, id = id.0);
    if permitted(ctx, here, id, &mut answer, allowed, refused)
        .await?
        .is_none()
    {
        return Ok(());
    }
    let result = transition(
        ctx,
        &here.org,
        id,
        |o, _| Ok((vec![o.verify(from.id, now)?], ())),
        |_, _| vec![],
    )
    .await?;
    match result {
        None => say(ctx, &mut answer, tr!(lang, ids::NO_SUCH_ORDER, id = id.0)).await,
        Some(Ok(_)) => say(ctx, &mut answer, tr!(lang, ids::VERIFIED_OK, id = id.0)).await,
        Some(Err(e)) => say(ctx, &mut answer, refusal(lang, id, &e)).await,
    }
}

async fn reopen(
    ctx: &Ctx,
    here: &Here,
    from: &Sender,
    id: OrderId,
    reason: String,
    mut answer: Answer<'_>,
) -> Result<()> {
    let lang = here.lang;
    let now = ctx.now();
    let org = &here.org;
    let allowed = |o: &WhistleOrder| access::can_verify(org, from.id, o);
    let refused = |_: &WhistleOrder| tr!(lang, ids::REFUSE_NOT_WHISTLER, id = id.0);
    let Some(stored) = permitted(ctx, here, id, &mut answer, allowed, refused).await? else {
        return Ok(());
    };
    let chats = notice_chats(ctx, here, &stored.order).await?;
    // A second reopen raises the order in the same transaction: where its notice goes is looked
    // up now, since the transaction's closures cannot wait on the database.
    let up = match stored.order.level.up() {
        Some(level) => crate::scheduler::escalation_chat(ctx, org, &stored.order, level).await?,
        None => None,
    };
    let result = transition(
        ctx,
        org,
        id,
        |o, history| {
            let d = org.policy.deadlines(o.level, o.urgent, None);
            let due = due_after(
                now,
                d.resolve_within,
                o.urgent,
                org.calendar.as_ref(),
                org.timezone,
            );
            let mut events = vec![o.reopen(from.id, reason.clone(), due, now)?];
            if o.reopen_count >= 2 {
                // Verification failed again: one level up.
                let why = EscalationReason::ReopenedTwice;
                if let Ok(more) = escalation::escalate(org, o, Some(from.id), why, now) {
                    events.extend(more);
                }
            }
            let mut h = history.to_vec();
            h.extend(events.iter().cloned());
            Ok((events.clone(), (events, h)))
        },
        |o, (events, history): &(Vec<Event>, Vec<Event>)| {
            let mut out: Vec<Outgoing> = chats
                .iter()
                .map(|&(chat, lang)| {
                    let view = View { org, lang, now };
                    let mut people: Vec<TelegramUserId> = Vec::new();
                    for p in &o.parties {
                        let who = p
                            .report
                            .as_ref()
                            .map(|r| vec![r.by])
                            .unwrap_or_else(|| view.party_people(&p.target).0);
                        for w in who {
                            if !people.contains(&w) {
                                people.push(w);
                            }
                        }
                    }
                    let mentions: Vec<String> = people.iter().map(|p| view.mention(*p)).collect();
                    let html = tr!(
                        lang,
                        ids::REOPENED_NOTICE,
                        id = o.id.0,
                        name = escape(&from.name),
                        reason = escape(&render::clip(&reason, 300)),
                        people = mentions.join(" ")
                    );
                    reply_to_card(chat, o.id, html, vec![])
                })
                .collect();
            let escalated = events
                .iter()
                .any(|e| matches!(e.kind, EventKind::Escalated { .. }));
            if let (true, Some(target)) = (escalated, up) {
                let why = EscalationReason::ReopenedTwice;
                out.extend(crate::scheduler::escalation_notice(
                    org, o, history, &why, target, now,
                ));
            }
            out
        },
    )
    .await?;
    match result {
        None => say(ctx, &mut answer, tr!(lang, ids::NO_SUCH_ORDER, id = id.0)).await,
        Some(Ok(_)) => match answer {
            Answer::Toast(slot) => {
                *slot = Some(plain(&tr!(lang, ids::REOPENED_OK, id = id.0)));
                Ok(())
            }
            Answer::Reply(_) => Ok(()),
        },
        Some(Err(e)) => say(ctx, &mut answer, refusal(lang, id, &e)).await,
    }
}

async fn cancel(
    ctx: &Ctx,
    inc: &Incoming,
    here: &Here,
    from: &Sender,
    id: OrderId,
    reason: String,
) -> Result<()> {
    let lang = here.lang;
    let now = ctx.now();
    let Some(stored) = ctx.store.order(id).await? else {
        return ctx
            .answer(inc, tr!(lang, ids::NO_SUCH_ORDER, id = id.0))
            .await;
    };
    if !access::can_cancel(&here.org, from.id, &stored.order) {
        return ctx
            .answer(inc, tr!(lang, ids::REFUSE_CANCEL, id = id.0))
            .await;
    }
    let result = transition(
        ctx,
        &here.org,
        id,
        |o, _| Ok((vec![o.cancel(from.id, reason.clone(), now)?], ())),
        |_, _| vec![],
    )
    .await?;
    match result {
        None => {
            ctx.answer(inc, tr!(lang, ids::NO_SUCH_ORDER, id = id.0))
                .await
        }
        Some(Ok(_)) => {
            ctx.answer(inc, tr!(lang, ids::CANCELLED_OK, id = id.0))
                .await
        }
        Some(Err(e)) => ctx.answer(inc, refusal(lang, id, &e)).await,
    }
}

/// A reply to a card that is not a report: a progress note (text or photo) on the timeline.
async fn note(ctx: &Ctx, here: &Here, inc: &Incoming, from: &Sender, id: OrderId) -> Result<()> {
    let lang = here.lang;
    if let Some((lat, lon)) = inc.location {
        // A location shared in reply to the card (Telegram cannot attach one to a text): it
        // is the order's place when it has none yet, and a note on the timeline either way.
        let place = format!("{lat:.5}, {lon:.5}");
        let active = ctx
            .store
            .order(id)
            .await?
            .is_some_and(|s| s.order.state.is_active() && s.order.location.is_none());
        if active {
            let now = ctx.now();
            let actor = Some(from.id);
            transition(
                ctx,
                &here.org,
                id,
                |o, _| {
                    o.location.get_or_insert_with(|| place.clone());
                    let kind = EventKind::Note {
                        text: format!("📍 {place}"),
                    };
                    Ok((
                        vec![Event {
                            order: id,
                            at: now,
                            actor,
                            kind,
                        }],
                        (),
                    ))
                },
                |_, _| vec![reply(inc, tr!(lang, ids::NOTE_RECORDED, id = id.0))],
            )
            .await?;
            return Ok(());
        }
    }
    let text = if let Some((lat, lon)) = inc.location {
        format!("📍 {lat:.5}, {lon:.5}")
    } else if inc.text.trim().is_empty() && inc.has_photo {
        tr!(lang, ids::NOTE_PHOTO)
    } else if inc.has_photo {
        format!("{} {}", tr!(lang, ids::NOTE_PHOTO), inc.text.trim())
    } else {
        inc.text.trim().to_string()
    };
    if text.is_empty() {
        return Ok(());
    }
    let now = ctx.now();
    let event = Event {
        order: id,
        at: now,
        actor: Some(from.id),
        kind: EventKind::Note { text },
    };
    ctx.store
        .record(
            &[event],
            &[reply(inc, tr!(lang, ids::NOTE_RECORDED, id = id.0))],
            now,
        )
        .await?;
    ctx.wake.notify_one();
    Ok(())
}

// ---- lists, rosters, settings ---------------------------------------------------------------

async fn list(ctx: &Ctx, inc: &Incoming, here: &Here) -> Result<()> {
    let lang = here.lang;
    let now = ctx.now();
    let view = View {
        org: &here.org,
        lang,
        now,
    };
    let orders: Vec<WhistleOrder> = ctx
        .store
        .all_orders()
        .await?
        .into_iter()
        .filter(|o| o.state.is_active() || o.state == OrderState::Resolved)
        .filter(|o| visible_here(here, o))
        .collect();
    if orders.is_empty() {
        return ctx.answer(inc, tr!(lang, ids::LIST_EMPTY)).await;
    }
    const SHOWN: usize = 30;
    let mut lines: Vec<String> = orders
        .iter()
        .rev()
        .take(SHOWN)
        .map(|o| render::order_line(&view, o))
        .collect();
    if orders.len() > SHOWN {
        lines.push(tr!(lang, ids::LIST_MORE, n = orders.len() - SHOWN));
    }
    ctx.answer(
        inc,
        format!(
            "<b>{}</b>\n{}",
            tr!(lang, ids::LIST_TITLE, n = orders.len()),
            lines.join("\n")
        ),
    )
    .await
}

async fn show(ctx: &Ctx, inc: &Incoming, here: &Here, id: OrderId) -> Result<()> {
    let Some(stored) = ctx.store.order(id).await? else {
        return ctx
            .answer(inc, tr!(here.lang, ids::NO_SUCH_ORDER, id = id.0))
            .await;
    };
    let events = ctx.store.events(id).await?;
    let view = View {
        org: &here.org,
        lang: here.lang,
        now: ctx.now(),
    };
    ctx.answer(inc, render::details(&view, &stored.order, &events))
        .await
}

async fn roster(ctx: &Ctx, inc: &Incoming, here: &Here) -> Result<()> {
    let lang = here.lang;
    let Some(scope) = &here.scope else {
        return Ok(());
    };
    let view = View {
        org: &here.org,
        lang,
        now: ctx.now(),
    };
    let mut lines = vec![format!(
        "<b>{}</b>",
        tr!(
            lang,
            ids::ROSTER_TITLE,
            unit = escape(&here.org.scope_name(scope))
        )
    )];
    let catalog = here.org.catalog();
    for (role, _) in catalog.iter() {
        let holders = here.org.holders(scope, role);
        let standing = crate::domain::role::STANDING_ROLES.contains(&role.as_str())
            || role.as_str() == GRID_LEADER;
        let is_grid = matches!(scope, Scope::Unit(u) if here.org.unit(u).is_some_and(|u| u.kind == Level::Grid));
        if holders.is_empty() {
            if standing && is_grid {
                lines.push(tr!(
                    lang,
                    ids::SHOW_ROLE_LINE,
                    role = view.role(role),
                    people = tr!(lang, ids::ROSTER_VACANT)
                ));
            }
            continue;
        }
        let names: Vec<String> = holders
            .iter()
            .map(
                |p| match here.org.person(*p).and_then(|p| p.username.clone()) {
                    Some(u) => format!("{} @{}", view.name(*p), escape(&u)),
                    None => view.name(*p),
                },
            )
            .collect();
        lines.push(tr!(
            lang,
            ids::SHOW_ROLE_LINE,
            role = view.role(role),
            people = render::join(lang, &names)
        ));
    }
    if lines.len() == 1 {
        lines.push(tr!(lang, ids::ROSTER_EMPTY));
    }
    ctx.answer(inc, lines.join("\n")).await
}

/// `/assign <role> @user` (or replying to the person, or with a text mention) and `/unassign`.
async fn assign(
    ctx: &Ctx,
    inc: &Incoming,
    here: &Here,
    from: &Sender,
    arg: &str,
    add: bool,
) -> Result<()> {
    let lang = here.lang;
    let Some(scope) = &here.scope else {
        return Ok(());
    };
    if !access::can_manage_roster(&here.org, from.id, scope) {
        return ctx.answer(inc, tr!(lang, ids::REFUSE_ROSTER)).await;
    }
    let usage = if add {
        ids::ASSIGN_USAGE
    } else {
        ids::UNASSIGN_USAGE
    };
    let words: Vec<&str> = arg.split_whitespace().collect();
    let username = words
        .iter()
        .find(|w| w.starts_with('@') && w.len() > 1)
        .map(|w| w.trim_start_matches('@'));
    // The role is the argument without the @username (and without a text mention's name).
    let mut role_text: String = words
        .iter()
        .filter(|w| !w.starts_with('@'))
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let mut target: Option<TelegramUserId> = None;
    if let Some(m) = inc.text_mentions.first() {
        target = Some(m.who.id);
        role_text = role_text.replacen(&m.text, "", 1).trim().to_string();
    } else if let Some(u) = username {
        match ctx.store.person_by_username(u).await? {
            Some(p) => target = Some(p.telegram_id),
            None => {
                return ctx
                    .answer(
                        inc,
                        tr!(
                            lang,
                            ids::UNKNOWN_USERNAME,
                            username = escape(&render::clip(u, 60))
                        ),
                    )
                    .await
            }
        }
    } else if let Some(RepliedTo {
        from: Some(f),
        from_bot: false,
        ..
    }) = &inc.reply_to
    {
        target = Some(f.id);
    }
    let Some(target) = target else {
        return ctx.answer(inc, tr!(lang, usage)).await;
    };
    if role_text.trim().is_empty() {
        return ctx.answer(inc, tr!(lang, usage)).await;
    }
    let catalog = here.org.catalog();
    let Some(role) = catalog.lookup(role_text.trim()) else {
        return ctx
            .answer(
                inc,
                tr!(
                    lang,
                    ids::UNKNOWN_ROLE,
                    role = escape(&render::clip(role_text.trim(), 60))
                ),
            )
            .await;
    };
    let m = Membership {
        telegram_id: target,
        scope: scope.clone(),
        role: role.clone(),
    };
    let changed = if add {
        ctx.store.assign(&m).await?
    } else {
        ctx.store.unassign(&m).await?
    };
    let person = ctx.store.person(target).await?;
    let name = person
        .map(|p| p.name)
        .unwrap_or_else(|| target.0.to_string());
    let view = View {
        org: &here.org,
        lang,
        now: ctx.now(),
    };
    let id = match (add, changed) {
        (true, true) => ids::ASSIGNED,
        (true, false) => ids::ALREADY_ASSIGNED,
        (false, true) => ids::UNASSIGNED,
        (false, false) => ids::NOT_ASSIGNED,
    };
    ctx.answer(
        inc,
        tr!(
            lang,
            id,
            name = escape(&name),
            role = view.role(&role),
            unit = escape(&here.org.scope_name(scope))
        ),
    )
    .await
}

/// `/bind <unit-or-department-id>`.
async fn bind(ctx: &Ctx, inc: &Incoming, here: &Here, from: &Sender, arg: &str) -> Result<()> {
    let lang = here.lang;
    let key = arg.trim();
    if key.is_empty() {
        return ctx.answer(inc, tr!(lang, ids::BIND_USAGE)).await;
    }
    let org = &here.org;
    let scope = org
        .units
        .iter()
        .find(|u| u.id.as_str() == key || u.name == key)
        .map(|u| Scope::Unit(u.id.clone()))
        .or_else(|| {
            org.departments
                .iter()
                .find(|d| d.id.as_str() == key || d.name == key)
                .map(|d| Scope::Department(d.id.clone()))
        });
    let Some(scope) = scope else {
        return ctx
            .answer(
                inc,
                tr!(lang, ids::BIND_UNKNOWN, id = escape(&render::clip(key, 60))),
            )
            .await;
    };
    // Moving a chat away from the unit it serves needs the right to that unit too: otherwise a
    // grid leader could take the community's chat.
    let may_leave = match &here.scope {
        Some(current) if current != &scope => access::can_bind(org, from.id, current),
        _ => true,
    };
    if !access::can_bind(org, from.id, &scope) || !may_leave {
        return ctx
            .answer(
                inc,
                tr!(
                    lang,
                    ids::REFUSE_BIND,
                    unit = escape(&org.scope_name(&scope))
                ),
            )
            .await;
    }
    ctx.store.bind_chat(inc.chat_id, &scope).await?;
    ctx.answer(
        inc,
        tr!(lang, ids::BOUND, unit = escape(&org.scope_name(&scope))),
    )
    .await
}

async fn set_lang(ctx: &Ctx, inc: &Incoming, here: &Here, from: &Sender, arg: &str) -> Result<()> {
    let Some(lang) = Lang::parse(arg) else {
        return ctx.answer(inc, tr!(here.lang, ids::LANG_USAGE)).await;
    };
    if inc.group {
        let allowed = match &here.scope {
            Some(s) => access::can_whistle(&here.org, from.id, s),
            None => true,
        };
        if !allowed {
            return ctx.answer(inc, tr!(here.lang, ids::REFUSE_LANG)).await;
        }
    }
    ctx.store.set_chat_locale(inc.chat_id, lang).await?;
    ctx.answer(inc, tr!(lang, ids::LANG_SET)).await
}

/// `/help`: what this person can do in this chat, with an example each.
fn help_text(here: &Here, inc: &Incoming) -> String {
    let lang = here.lang;
    if !inc.group {
        return tr!(lang, ids::HELP_PRIVATE);
    }
    let Some(scope) = &here.scope else {
        return tr!(lang, ids::HELP_UNBOUND);
    };
    let person = inc.from.as_ref().map(|f| f.id);
    let org = &here.org;
    let mut parts = vec![tr!(
        lang,
        ids::HELP_HEADER,
        unit = escape(&org.scope_name(scope))
    )];
    let Some(p) = person else {
        return parts.join("\n");
    };
    let summoned_somewhere = org.memberships_of(p).iter().any(|m| &m.scope == scope);
    let member = access::can_whistle(org, p, scope);
    let high = matches!(scope, Scope::Unit(u)
        if org.unit(u).is_some_and(|u| matches!(u.kind, Level::Subdistrict | Level::District)));
    match scope {
        // At the sub-district and district, whistling departments is the duty officers' call.
        Scope::Unit(u) if high => {
            let duty = org.holds(
                p,
                &Scope::Unit(u.clone()),
                crate::domain::role::DUTY_OFFICER,
            );
            if duty || org.is_admin(p) {
                parts.push(tr!(lang, ids::HELP_WHISTLE_DEPARTMENTS));
            }
        }
        Scope::Department(_) => {}
        Scope::Unit(_) if member => parts.push(tr!(lang, ids::HELP_WHISTLE)),
        Scope::Unit(_) => {}
    }
    if !member {
        parts.push(tr!(lang, ids::HELP_NOT_MEMBER));
    }
    if summoned_somewhere {
        parts.push(tr!(lang, ids::HELP_REPORT));
    }
    parts.push(tr!(lang, ids::HELP_FOLLOW));
    if member {
        parts.push(tr!(lang, ids::HELP_CLOSE));
    }
    if access::can_manage_roster(org, p, scope) {
        parts.push(tr!(lang, ids::HELP_LEAD));
    }
    parts.push(tr!(lang, ids::HELP_LANG));
    parts.dedup();
    parts.join("\n\n")
}

// ---- buttons, membership, migration --------------------------------------------------------

/// A button press: the toast text to answer it with (answered at once by the caller).
pub async fn on_press(ctx: &Ctx, press: &Press) -> Result<Option<String>> {
    ctx.learn(&press.from).await?;
    let here = ctx.here(press.chat_id).await?;
    let lang = here.lang;
    let Some((kind, id)) = press.data.split_once(':') else {
        return Ok(Some(tr!(lang, ids::STALE_BUTTON)));
    };
    let Ok(n) = id.split(':').next().unwrap_or_default().parse::<i64>() else {
        return Ok(Some(tr!(lang, ids::STALE_BUTTON)));
    };
    let id = OrderId(n);
    // The button must be on one of this order's messages in this chat.
    let state = match ctx.store.order(id).await? {
        Some(o) if here.scope.is_some() && visible_here(&here, &o.order) => o.order.state,
        _ => return Ok(Some(tr!(lang, ids::STALE_BUTTON))),
    };
    if !ctx
        .store
        .is_message_of_order(press.chat_id, press.message_id, id)
        .await?
    {
        return Ok(Some(tr!(lang, ids::STALE_BUTTON)));
    }
    // 确认 / 退回 answer "please verify": on an order no longer resolved they are stale (a
    // closed order is reopened only by /reopen with a reason, never by an old button).
    if matches!(kind, "v" | "o") && state != OrderState::Resolved {
        let e = TransitionError::WrongState(state);
        return Ok(Some(plain(&refusal(lang, id, &e))));
    }
    let mut toast = None;
    let from = press.from.clone();
    match kind {
        "r" => report(ctx, &here, &from, id, Answer::Toast(&mut toast)).await?,
        "d" => resolve(ctx, &here, &from, id, None, Answer::Toast(&mut toast)).await?,
        "v" => verify(ctx, &here, &from, id, Answer::Toast(&mut toast)).await?,
        "w" => {
            let dept = press
                .data
                .splitn(3, ':')
                .nth(2)
                .unwrap_or_default()
                .to_string();
            whistle_department(ctx, &here, &from, id, dept, Answer::Toast(&mut toast)).await?
        }
        "o" => {
            reopen(
                ctx,
                &here,
                &from,
                id,
                tr!(lang, ids::REOPEN_DEFAULT_REASON),
                Answer::Toast(&mut toast),
            )
            .await?
        }
        _ => toast = Some(tr!(lang, ids::STALE_BUTTON)),
    }
    Ok(toast.map(|t| render::clip(&t, 190)))
}

/// The bot was added to a group: greet and explain /bind.
pub async fn on_added(ctx: &Ctx, chat_id: i64) -> Result<()> {
    let here = ctx.here(chat_id).await?;
    let text = match &here.scope {
        Some(s) => tr!(
            here.lang,
            ids::GREETING_BOUND,
            unit = escape(&here.org.scope_name(s))
        ),
        None => tr!(here.lang, ids::GREETING),
    };
    ctx.queue(vec![send(chat_id, text)]).await
}

/// A group became a supergroup: everything bound to the old id moves to the new one.
pub async fn on_migrated(ctx: &Ctx, old: i64, new: i64) -> Result<()> {
    ctx.store.migrate_chat(old, new).await?;
    tracing::info!(old, new, "chat migrated to a supergroup");
    // The old group's cards can no longer be edited: post the live ones afresh in the new chat.
    let org = ctx.store.load_org().await?;
    let view = View {
        org: &org,
        lang: ctx.lang_of(&org, new).await?,
        now: ctx.now(),
    };
    let mut out = Vec::new();
    for order in ctx.store.all_orders().await? {
        if !(order.state.is_active() || order.state == OrderState::Resolved) {
            continue;
        }
        if !ctx.store.cards(order.id).await?.contains(&(new, None)) {
            continue;
        }
        let events = ctx.store.events(order.id).await?;
        let (html, buttons) = render::card(&view, &order, &events);
        out.push(Outgoing {
            chat_id: new,
            payload: Payload::Send {
                html,
                buttons,
                card: Some(order.id),
                reply_to_card: None,
                reply_to: None,
            },
        });
    }
    ctx.queue(out).await
}

/// Something went wrong that is not the person's fault: say so, politely.
pub async fn on_failure(ctx: &Ctx, chat_id: i64, reply_to: Option<i64>) {
    let lang = match ctx.store.load_org().await {
        Ok(org) => ctx
            .lang_of(&org, chat_id)
            .await
            .unwrap_or(org.default_locale),
        Err(_) => Lang::default(),
    };
    let out = Outgoing {
        chat_id,
        payload: Payload::Send {
            html: tr!(lang, ids::INTERNAL_ERROR),
            buttons: vec![],
            card: None,
            reply_to_card: None,
            reply_to,
        },
    };
    if ctx.queue(vec![out]).await.is_err() {
        tracing::error!(chat_id, "could not even queue the apology");
    }
}

/// `/escalate 42 reason`: one level up, with the escalation notice.
async fn escalate_by_hand(
    ctx: &Ctx,
    here: &Here,
    from: &Sender,
    id: OrderId,
    why: EscalationReason,
    mut answer: Answer<'_>,
) -> Result<()> {
    let lang = here.lang;
    let now = ctx.now();
    let org = &here.org;
    let allowed = |o: &WhistleOrder| access::can_verify(org, from.id, o);
    let refused = |_: &WhistleOrder| tr!(lang, ids::REFUSE_ESCALATE, id = id.0);
    let Some(stored) = permitted(ctx, here, id, &mut answer, allowed, refused).await? else {
        return Ok(());
    };
    // Where the notice goes is looked up now: the transaction's closures cannot wait on the
    // database.
    let up = match stored.order.level.up() {
        Some(level) => crate::scheduler::escalation_chat(ctx, org, &stored.order, level).await?,
        None => None,
    };
    let result = transition(
        ctx,
        org,
        id,
        |o, history| {
            let events = escalation::escalate(org, o, Some(from.id), why.clone(), now)?;
            let mut h = history.to_vec();
            h.extend(events.iter().cloned());
            Ok((events, h))
        },
        |o, history: &Vec<Event>| {
            up.and_then(|target| {
                crate::scheduler::escalation_notice(org, o, history, &why, target, now)
            })
            .into_iter()
            .collect()
        },
    )
    .await?;
    match result {
        None => say(ctx, &mut answer, tr!(lang, ids::NO_SUCH_ORDER, id = id.0)).await,
        Some(Ok(_)) => Ok(()), // the notice in the chat above is the answer
        Some(Err(e)) => say(ctx, &mut answer, refusal(lang, id, &e)).await,
    }
}

/// A department button on an escalation notice at the sub-district: the department is
/// summoned (its card goes to its chat, mentioning its liaisons).
async fn whistle_department(
    ctx: &Ctx,
    here: &Here,
    from: &Sender,
    id: OrderId,
    department: String,
    mut answer: Answer<'_>,
) -> Result<()> {
    let lang = here.lang;
    let now = ctx.now();
    let org = &here.org;
    let Some(stored) = ctx.store.order(id).await? else {
        return say(ctx, &mut answer, tr!(lang, ids::NO_SUCH_ORDER, id = id.0)).await;
    };
    let Some(dept) = org.department(&DepartmentId::new(department.clone())) else {
        return say(ctx, &mut answer, tr!(lang, ids::STALE_BUTTON)).await;
    };
    let subdistrict = org
        .ancestor_at(&stored.order.unit, Level::Subdistrict)
        .map(|u| u.id.clone());
    let allowed = org.is_admin(from.id)
        || subdistrict.is_some_and(|u| {
            org.holds(from.id, &Scope::Unit(u), crate::domain::role::DUTY_OFFICER)
        });
    if !allowed {
        return say(ctx, &mut answer, tr!(lang, ids::REFUSE_DEPARTMENT_WHISTLE)).await;
    }
    let target = PartyTarget::Department {
        department: dept.id.clone(),
    };
    let name = escape(&dept.name);
    let result = transition(
        ctx,
        org,
        id,
        |o, _| {
            let d = org.policy.deadlines(
                o.level.max(Level::Subdistrict),
                o.urgent,
                Some(dept.durations),
            );
            let due = due_after(
                now,
                d.ack_within,
                o.urgent,
                org.calendar.as_ref(),
                org.timezone,
            );
            let mut events = o.add_parties(vec![(target.clone(), due)], Some(from.id), now)?;
            // Whistling the departments is the sub-district's duty officers taking it over.
            for i in access::reportable_parties(org, from.id, o) {
                if matches!(o.parties[i].target, PartyTarget::DutyOfficers { .. }) {
                    if let ReportOutcome::Recorded(e) = o.report(i, from.id, now)? {
                        events.push(e);
                    }
                }
            }
            Ok((events, ()))
        },
        |_, _| vec![],
    )
    .await?;
    match result {
        None => say(ctx, &mut answer, tr!(lang, ids::NO_SUCH_ORDER, id = id.0)).await,
        Some(Ok(_)) => {
            say(
                ctx,
                &mut answer,
                tr!(lang, ids::DEPARTMENT_WHISTLED, department = name),
            )
            .await
        }
        Some(Err(e)) => say(ctx, &mut answer, refusal(lang, id, &e)).await,
    }
}
