//! The acts: one room per use case (whistle, the acts on an order, the roster, deadlines). Each
//! takes a typed request — who, where, which order, what text — decides with `domain`, saves
//! with `storage` together with the messages it causes, and returns a typed outcome.
//!
//! Invariant: nothing here names a teloxide type or renders a reply to the person acting. The
//! Telegram layer turns updates into requests and outcomes into replies or toasts; the scheduler
//! calls the deadline acts. The notices an act causes in other chats (cards, escalation notices,
//! reminders) are built here, in `notices`, per chat and language.

pub mod deadlines;
pub mod notices;
pub mod orders;
pub mod residents;
pub mod roster;
pub mod whistle;

use crate::domain::ChatId;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::domain::escalation::jobs_for;
use crate::domain::org::Organisation;
use crate::domain::{
    access, Event, Lang, OrderId, RoleId, Scope, TelegramUserId, TransitionError, WhistleOrder,
};
use crate::i18n::ids;
use crate::storage::{Commit, Outgoing, Store, StoreError, StoredOrder, Throttle};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How many times a change is retried when someone else saved the order meanwhile.
const CONFLICT_RETRIES: usize = 5;

/// What every act needs.
#[derive(Clone)]
pub struct Ctx {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// Wakes the sender after something was queued.
    pub wake: Arc<Notify>,
    /// Tells the scheduler that due moments may have changed.
    pub replan: Arc<Notify>,
    /// Tells the update processor that an update was stored (by the poller or the webhook).
    pub inbox: Arc<Notify>,
}

/// A person acting, as Telegram describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: TelegramUserId,
    pub name: String,
    pub username: Option<String>,
}

/// Where an act happens: the chat, what it is bound to, its language, and the organisation.
pub struct Here {
    pub chat_id: ChatId,
    pub org: Organisation,
    pub scope: Option<Scope>,
    pub lang: Lang,
}

/// Why an act was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Only the people summoned may do this; the roles the person holds near the order.
    NotSummoned { roles: Vec<RoleId> },
    /// Only the whistler, the unit's leaders and admins may verify or reopen.
    NotWhistler,
    /// Only the whistler, the unit's leaders and admins may cancel.
    NotCanceller,
    /// Only the whistler, the unit's leaders and admins may escalate by hand.
    NotEscalator,
    /// Only the whistler, the unit's leaders and admins may change the resolve deadline.
    NotDeadlineSetter,
    /// Only duty officers (and admins) summon departments.
    NotDutyOfficer,
    /// The order belongs to other chats.
    Elsewhere,
    /// The button no longer means anything.
    StaleButton,
    /// The order's state does not allow it.
    Transition(TransitionError),
}

impl Refusal {
    /// The kind of refusal, for keeping repeats of it to one person quiet
    /// (`Ctx::queue_throttled`): the id of the message that says it.
    pub fn kind(&self) -> &'static str {
        match self {
            Refusal::NotSummoned { .. } => ids::REFUSE_NOT_SUMMONED,
            Refusal::NotWhistler => ids::REFUSE_NOT_WHISTLER,
            Refusal::NotCanceller => ids::REFUSE_CANCEL,
            Refusal::NotEscalator => ids::REFUSE_ESCALATE,
            Refusal::NotDeadlineSetter => ids::REFUSE_SET_DUE,
            Refusal::NotDutyOfficer => ids::REFUSE_DEPARTMENT_WHISTLE,
            Refusal::Elsewhere => ids::ORDER_ELSEWHERE,
            Refusal::StaleButton => ids::STALE_BUTTON,
            Refusal::Transition(_) => "transition",
        }
    }
}

/// The outcome of an act on an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T = ()> {
    Done(T),
    Refused(Refusal),
    NoSuchOrder(OrderId),
}

impl Ctx {
    /// A context on `store` and `clock` with fresh notifications.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Ctx {
        Ctx {
            store,
            clock,
            wake: Arc::new(Notify::new()),
            replan: Arc::new(Notify::new()),
            inbox: Arc::new(Notify::new()),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The chat's binding, language and the organisation.
    pub async fn here(&self, chat_id: ChatId) -> Result<Here> {
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
    pub async fn lang_of(&self, org: &Organisation, chat_id: ChatId) -> Result<Lang> {
        Ok(self
            .store
            .chat(chat_id)
            .await?
            .and_then(|b| b.locale)
            .unwrap_or(org.default_locale))
    }

    /// An order was saved: its messages wait for the sender, its due moments for the scheduler.
    pub fn saved(&self) {
        self.wake.notify_one();
        self.replan.notify_one();
    }

    /// Queues messages no state change causes (answers, greetings).
    pub async fn queue(&self, out: Vec<Outgoing>) -> Result<()> {
        if !out.is_empty() {
            self.store.enqueue(&out, self.now()).await?;
            self.wake.notify_one();
        }
        Ok(())
    }

    /// Queues a refusal or hint (`notices::refusal`) unless one of the same `kind` went to the
    /// same person in that chat within `notices::HINT_QUIET` (the state is in the database, so
    /// that several processes agree). Returns whether it was queued.
    pub async fn queue_throttled(&self, out: Outgoing, person: i64, kind: &str) -> Result<bool> {
        let now = self.now();
        let throttle = Throttle {
            chat_id: out.chat_id,
            person,
            kind,
            until: now + notices::HINT_QUIET,
        };
        let queued = self.store.enqueue_throttled(&[out], throttle, now).await?;
        if queued {
            self.wake.notify_one();
        }
        Ok(queued)
    }

    /// Remembers a person's name and username (for mentions and `/assign @username`).
    pub async fn learn(&self, a: &Actor) -> Result<()> {
        self.store
            .learn_person(a.id, &a.name, a.username.as_deref())
            .await
    }
}

/// Loads order `id`, applies `change` (which returns the events it made and anything the act
/// wants back), and saves it with its cards brought up to date and the messages `also` wants
/// sent, retrying when someone else saved first. The only load → change → save loop of acts
/// that people start; the scheduler's deadline act has its own claim-aware one.
pub async fn apply<T>(
    ctx: &Ctx,
    org: &Organisation,
    id: OrderId,
    mut change: impl FnMut(
        &mut WhistleOrder,
        &[Event],
    ) -> std::result::Result<(Vec<Event>, T), TransitionError>,
    mut also: impl FnMut(&WhistleOrder, &[Event], &T) -> Vec<Outgoing>,
) -> Result<Outcome<(WhistleOrder, T)>> {
    for _ in 0..CONFLICT_RETRIES {
        let Some(read) = ctx.store.order(id).await? else {
            return Ok(Outcome::NoSuchOrder(id));
        };
        let mut changed = read.order.clone();
        let mut history = ctx.store.events(id).await?;
        let (events, extra) = match change(&mut changed, &history) {
            Ok(x) => x,
            Err(e) => return Ok(Outcome::Refused(Refusal::Transition(e))),
        };
        if events.is_empty() {
            return Ok(Outcome::Done((changed, extra)));
        }
        history.extend(events.iter().cloned());
        let also = also(&changed, &history, &extra);
        match save_change(ctx, org, &read, &changed, &history, &events, also, None).await {
            Ok(()) => return Ok(Outcome::Done((changed, extra))),
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Conflict)
}

/// Saves `changed` (read as `read`) with its new `events`, every card brought up to date from
/// `history`, the messages in `also`, its due moments, and the scheduler job it completes;
/// `StoreError::Conflict` when someone saved the order (or did the job) first.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn save_change(
    ctx: &Ctx,
    org: &Organisation,
    read: &StoredOrder,
    changed: &WhistleOrder,
    history: &[Event],
    events: &[Event],
    also: Vec<Outgoing>,
    finish_job: Option<crate::domain::JobId>,
) -> Result<()> {
    let (mut out, _) = notices::refresh_cards(ctx, org, changed, history, None).await?;
    out.extend(also);
    out.extend(residents::resident_notices(ctx, org, changed, history, events).await?);
    let commit = Commit {
        events,
        out: &out,
        jobs: Some(&jobs_for(org, changed, history)),
        finish_job,
        now: ctx.now(),
    };
    ctx.store.save_order(read, changed, commit).await?;
    ctx.saved();
    Ok(())
}

/// Who may act on an order (a rule of `domain::access`).
pub(crate) type Rule = fn(&Organisation, TelegramUserId, &WhistleOrder) -> bool;
/// What someone the rule refuses is told.
pub(crate) type Refuse = fn(&Organisation, TelegramUserId, &WhistleOrder) -> Refusal;

/// The order `id` when `rule` lets `person` act on it; else why not.
pub(crate) async fn check_permitted(
    ctx: &Ctx,
    org: &Organisation,
    person: TelegramUserId,
    id: OrderId,
    rule: Rule,
    refuse: Refuse,
) -> Result<Outcome<StoredOrder>> {
    let Some(stored) = ctx.store.order(id).await? else {
        return Ok(Outcome::NoSuchOrder(id));
    };
    if !rule(org, person, &stored.order) {
        return Ok(Outcome::Refused(refuse(org, person, &stored.order)));
    }
    Ok(Outcome::Done(stored))
}

/// `permitted`, returning the refusal from the calling act.
macro_rules! permitted {
    ($ctx:expr, $org:expr, $person:expr, $id:expr, $rule:expr, $refuse:expr) => {
        match $crate::acts::check_permitted($ctx, $org, $person, $id, $rule, $refuse).await? {
            $crate::acts::Outcome::Done(stored) => stored,
            $crate::acts::Outcome::Refused(r) => return Ok($crate::acts::Outcome::Refused(r)),
            $crate::acts::Outcome::NoSuchOrder(id) => {
                return Ok($crate::acts::Outcome::NoSuchOrder(id))
            }
        }
    };
}
pub(crate) use permitted;

/// Maps an outcome's value, keeping refusals as they are.
pub(crate) fn map<T, U>(o: Outcome<T>, f: impl FnOnce(T) -> U) -> Outcome<U> {
    match o {
        Outcome::Done(t) => Outcome::Done(f(t)),
        Outcome::Refused(r) => Outcome::Refused(r),
        Outcome::NoSuchOrder(id) => Outcome::NoSuchOrder(id),
    }
}

/// `apply` for a change that makes one event and causes no message besides the cards.
pub(crate) async fn apply_one(
    ctx: &Ctx,
    org: &Organisation,
    id: OrderId,
    mut change: impl FnMut(&mut WhistleOrder) -> std::result::Result<Event, TransitionError>,
) -> Result<Outcome> {
    let result = apply(
        ctx,
        org,
        id,
        |o, _| Ok((vec![change(o)?], ())),
        |_, _, _| vec![],
    )
    .await?;
    Ok(map(result, |_| ()))
}

/// "Only the people summoned …": with the roles the person holds in or around the order's unit.
pub(crate) fn not_summoned(
    org: &Organisation,
    person: TelegramUserId,
    order: &WhistleOrder,
) -> Refusal {
    let roles = org
        .memberships_of(person)
        .iter()
        .filter(|m| match &m.scope {
            Scope::Unit(u) => org.is_within(&order.unit, u) || org.is_within(u, &order.unit),
            Scope::Department(_) | Scope::Alliance(_) => true,
        })
        .map(|m| m.role.clone())
        .collect();
    Refusal::NotSummoned { roles }
}

/// "Only the whistler, the unit's leaders and admins may verify or reopen."
pub(crate) fn not_whistler(_: &Organisation, _: TelegramUserId, _: &WhistleOrder) -> Refusal {
    Refusal::NotWhistler
}

/// "Only the whistler, the unit's leaders and admins may cancel."
pub(crate) fn not_canceller(_: &Organisation, _: TelegramUserId, _: &WhistleOrder) -> Refusal {
    Refusal::NotCanceller
}

/// "Only the whistler, the unit's leaders and admins may escalate."
pub(crate) fn not_escalator(_: &Organisation, _: TelegramUserId, _: &WhistleOrder) -> Refusal {
    Refusal::NotEscalator
}

/// "Only the whistler, the unit's leaders and admins may change the resolve deadline."
pub(crate) fn not_deadline_setter(
    _: &Organisation,
    _: TelegramUserId,
    _: &WhistleOrder,
) -> Refusal {
    Refusal::NotDeadlineSetter
}

/// Whether `person` may write on the timeline of an order from this chat: people of the chat's
/// unit, and anyone summoned to it.
pub fn may_note(here: &Here, person: TelegramUserId, order: Option<&WhistleOrder>) -> bool {
    let member = here
        .scope
        .as_ref()
        .is_some_and(|s| access::can_whistle(&here.org, person, s));
    let summoned =
        order.is_some_and(|o| !access::reportable_parties(&here.org, person, o).is_empty());
    member || summoned
}
