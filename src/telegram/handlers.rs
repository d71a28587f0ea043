//! Routing: a decoded message or button press → the act it asks for → the reply or toast that
//! says how it went. Expected mistakes get a localized answer, never an error. The acts
//! themselves live in `crate::acts`; the read-only answers in `views`.

use crate::acts::orders::{self, NoteRequest};
use crate::acts::roster::{self, Assignee, Assignment};
use crate::acts::whistle::{self, WhistleRequest};
use crate::acts::{may_note, notices, Actor, Ctx, Here, Result};
use crate::domain::parse;
use crate::domain::{DepartmentId, EscalationReason, Lang, OrderId, OrderState, TransitionError};
use crate::i18n::ids;
use crate::render::{self, escape};
use crate::tr;

use super::commands::Command;
use super::{replies, views};

/// The message a message replies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepliedTo {
    pub message_id: i64,
    pub from_bot: bool,
    pub from: Option<Actor>,
}

/// An incoming message, reduced to what the bot acts on (converted from teloxide's types at
/// the edge, in `telegram::mod`).
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub chat_id: i64,
    pub group: bool,
    pub message_id: i64,
    /// `None` for anonymous group admins and channels: not a person.
    pub from: Option<Actor>,
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
    pub who: Actor,
    pub text: String,
}

/// A button press.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Press {
    pub chat_id: i64,
    pub message_id: i64,
    pub from: Actor,
    pub data: String,
}

/// The bot's own username, for commands addressed to it (`/show@gridwhistle_bot`).
#[derive(Debug, Clone)]
pub struct Me {
    pub username: String,
}

/// Replies to `inc` with `html` (a new outbox row).
async fn answer(ctx: &Ctx, inc: &Incoming, html: String) -> Result<()> {
    ctx.queue(vec![notices::reply(inc.chat_id, inc.message_id, html)])
        .await
}

/// Replies when there is something to say.
async fn answer_some(ctx: &Ctx, inc: &Incoming, html: Option<String>) -> Result<()> {
    match html {
        Some(h) => answer(ctx, inc, h).await,
        None => Ok(()),
    }
}

// ---- messages -----------------------------------------------------------------------------

/// A message in any chat.
pub async fn on_message(ctx: &Ctx, me: &Me, inc: &Incoming) -> Result<()> {
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
    match Command::parse(text, &me.username) {
        Ok(cmd) => on_command(ctx, inc, cmd).await,
        Err(ParseError::WrongBotName(_)) => Ok(()),
        Err(_) if text.starts_with('/') => {
            let here = ctx.here(inc.chat_id).await?;
            let cmd = text.split_whitespace().next().unwrap_or(text);
            let html = tr!(
                here.lang,
                ids::UNKNOWN_COMMAND,
                command = escape(&render::clip(cmd, 60))
            );
            answer(ctx, inc, html).await
        }
        Err(_) => on_plain(ctx, inc).await,
    }
}

/// The person of a message in a bound group, with the chat; or the answer why not.
async fn person_here(ctx: &Ctx, inc: &Incoming) -> Result<Option<(Here, Actor)>> {
    let here = ctx.here(inc.chat_id).await?;
    let Some(from) = inc.from.clone() else {
        answer(ctx, inc, tr!(here.lang, ids::ANONYMOUS)).await?;
        return Ok(None);
    };
    if here.scope.is_none() {
        answer(ctx, inc, tr!(here.lang, ids::NOT_BOUND)).await?;
        return Ok(None);
    }
    Ok(Some((here, from)))
}

/// A message that is not a command: a whistle, or a reply to a card (a report or a note).
async fn on_plain(ctx: &Ctx, inc: &Incoming) -> Result<()> {
    if !inc.group {
        let here = ctx.here(inc.chat_id).await?;
        return answer(ctx, inc, views::help(&here, inc)).await;
    }
    if let Some(rest) = parse::strip_trigger(&inc.text) {
        let Some((here, from)) = person_here(ctx, inc).await? else {
            return Ok(());
        };
        return whistle(ctx, inc, &here, &from, rest).await;
    }
    let Some(replied) = inc.reply_to.as_ref().filter(|r| r.from_bot) else {
        return Ok(());
    };
    let Some(id) = ctx
        .store
        .order_of_card(inc.chat_id, replied.message_id)
        .await?
    else {
        return Ok(());
    };
    let Some((here, from)) = person_here(ctx, inc).await? else {
        return Ok(());
    };
    if parse::is_ack_text(&inc.text) {
        return report(ctx, &here, &from, id, Answer::Reply(inc)).await;
    }
    // Only people of this chat's unit (or summoned to the order) write its timeline.
    let order = ctx.store.order(id).await?.map(|s| s.order);
    if !may_note(&here, from.id, order.as_ref()) {
        return answer(ctx, inc, tr!(here.lang, ids::REFUSE_NOTE)).await;
    }
    let note = NoteRequest {
        message_id: inc.message_id,
        text: inc.text.clone(),
        location: inc.location,
        has_photo: inc.has_photo,
    };
    orders::note(ctx, &here, &from, id, note).await
}

async fn whistle(ctx: &Ctx, inc: &Incoming, here: &Here, from: &Actor, text: &str) -> Result<()> {
    let req = WhistleRequest {
        text: text.to_string(),
        location: inc.location,
    };
    let done = whistle::whistle(ctx, here, from, req).await?;
    answer_some(ctx, inc, replies::whistled(here, &from.name, &done)).await
}

async fn on_command(ctx: &Ctx, inc: &Incoming, cmd: Command) -> Result<()> {
    use Command as C;
    let here = ctx.here(inc.chat_id).await?;
    let lang = here.lang;
    let Some(from) = inc.from.clone() else {
        return answer(ctx, inc, tr!(lang, ids::ANONYMOUS)).await;
    };
    let reply = Answer::Reply(inc);
    match cmd {
        C::Start(_) | C::Help(_) => {
            if !inc.group {
                ctx.store.set_private_chat(from.id).await?;
            }
            answer(ctx, inc, views::help(&here, inc)).await
        }
        C::Lang(arg) => {
            let set = roster::set_lang(ctx, &here, &from, inc.group, &arg).await?;
            answer(ctx, inc, replies::lang_set(&here, set)).await
        }
        _ if !inc.group => answer(ctx, inc, tr!(lang, ids::GROUP_ONLY)).await,
        C::Bind(arg) => {
            let b = roster::bind(ctx, &here, &from, &arg).await?;
            answer(ctx, inc, replies::bound(&here, &b)).await
        }
        _ if here.scope.is_none() => answer(ctx, inc, tr!(lang, ids::NOT_BOUND)).await,
        C::Whistle(arg) => whistle(ctx, inc, &here, &from, &arg).await,
        C::Ack(arg) => match order_arg(ctx, inc, &here, &arg).await? {
            Some(id) => report(ctx, &here, &from, id, reply).await,
            None => Ok(()),
        },
        C::Done(arg) => {
            let (id, rest) = split_order(&arg);
            match order_or_reply(ctx, inc, &here, id).await? {
                Some(id) => resolve(ctx, &here, &from, id, nonempty(rest), reply).await,
                None => Ok(()),
            }
        }
        C::Verify(arg) => match order_arg(ctx, inc, &here, &arg).await? {
            Some(id) => verify(ctx, &here, &from, id, reply).await,
            None => Ok(()),
        },
        C::Reopen(arg) => {
            let (id, rest) = split_order(&arg);
            let Some(reason) = nonempty(rest) else {
                return answer(ctx, inc, tr!(lang, ids::REOPEN_USAGE)).await;
            };
            match order_or_reply(ctx, inc, &here, id).await? {
                Some(id) => reopen(ctx, &here, &from, id, reason, reply).await,
                None => Ok(()),
            }
        }
        C::Cancel(arg) => {
            let (id, rest) = split_order(&arg);
            let Some(reason) = nonempty(rest) else {
                return answer(ctx, inc, tr!(lang, ids::CANCEL_USAGE)).await;
            };
            let Some(id) = order_or_reply(ctx, inc, &here, id).await? else {
                return Ok(());
            };
            let done = orders::cancel(ctx, &here, &from, id, reason).await?;
            let html = replies::outcome(&here, id, &done, |_| {
                Some(tr!(lang, ids::CANCELLED_OK, id = id.0))
            });
            answer_some(ctx, inc, html).await
        }
        C::Escalate(arg) => {
            let (id, rest) = split_order(&arg);
            let Some(reason) = nonempty(rest) else {
                return answer(ctx, inc, tr!(lang, ids::ESCALATE_USAGE)).await;
            };
            let Some(id) = order_or_reply(ctx, inc, &here, id).await? else {
                return Ok(());
            };
            let why = EscalationReason::Asked { reason };
            let done = orders::escalate(ctx, &here, &from, id, why).await?;
            // The notice in the chat above is the answer.
            answer_some(ctx, inc, replies::outcome(&here, id, &done, |_| None)).await
        }
        C::List(_) => answer(ctx, inc, views::list(ctx, &here).await?).await,
        C::Show(arg) => match order_arg(ctx, inc, &here, &arg).await? {
            Some(id) => answer(ctx, inc, views::show(ctx, &here, id).await?).await,
            None => Ok(()),
        },
        C::Roster(_) => match &here.scope {
            Some(scope) => answer(ctx, inc, views::roster(&here, scope)).await,
            None => Ok(()),
        },
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

/// The order a command names, or the one whose card the command replies to, when it exists
/// and this chat sees it; otherwise the answer says why and there is none.
async fn order_or_reply(
    ctx: &Ctx,
    inc: &Incoming,
    here: &Here,
    id: Option<i64>,
) -> Result<Option<OrderId>> {
    let lang = here.lang;
    let id = match id {
        Some(n) => OrderId(n),
        None => {
            let from_card = match &inc.reply_to {
                Some(r) if r.from_bot => ctx.store.order_of_card(inc.chat_id, r.message_id).await?,
                _ => None,
            };
            let Some(id) = from_card else {
                answer(ctx, inc, tr!(lang, ids::NEED_ORDER_NUMBER)).await?;
                return Ok(None);
            };
            id
        }
    };
    let Some(stored) = ctx.store.order(id).await? else {
        answer(ctx, inc, tr!(lang, ids::NO_SUCH_ORDER, id = id.0)).await?;
        return Ok(None);
    };
    if !orders::visible(here, &stored.order) {
        answer(ctx, inc, tr!(lang, ids::ORDER_ELSEWHERE, id = id.0)).await?;
        return Ok(None);
    }
    Ok(Some(id))
}

/// An argument that is only an order number (or nothing, replying to a card).
async fn order_arg(ctx: &Ctx, inc: &Incoming, here: &Here, arg: &str) -> Result<Option<OrderId>> {
    let (id, rest) = split_order(arg);
    if id.is_none() && !rest.is_empty() {
        answer(ctx, inc, tr!(here.lang, ids::NEED_ORDER_NUMBER)).await?;
        return Ok(None);
    }
    order_or_reply(ctx, inc, here, id).await
}

/// `/assign <role> @user` (or replying to the person, or with a text mention) and `/unassign`.
async fn assign(
    ctx: &Ctx,
    inc: &Incoming,
    here: &Here,
    from: &Actor,
    arg: &str,
    add: bool,
) -> Result<()> {
    let usage = if add {
        ids::ASSIGN_USAGE
    } else {
        ids::UNASSIGN_USAGE
    };
    if !here
        .scope
        .as_ref()
        .is_some_and(|s| crate::domain::access::can_manage_roster(&here.org, from.id, s))
    {
        return answer(ctx, inc, tr!(here.lang, ids::REFUSE_ROSTER)).await;
    }
    let words: Vec<&str> = arg.split_whitespace().collect();
    let username = words
        .iter()
        .find(|w| w.starts_with('@') && w.len() > 1)
        .map(|w| w.trim_start_matches('@').to_string());
    // The role is the argument without the @username (and without a text mention's name).
    let mut role: String = words
        .iter()
        .filter(|w| !w.starts_with('@'))
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let who = if let Some(m) = inc.text_mentions.first() {
        role = role.replacen(&m.text, "", 1).trim().to_string();
        Some(Assignee::Person(m.who.id))
    } else if let Some(u) = username {
        Some(Assignee::Username(u))
    } else if let Some(RepliedTo {
        from: Some(f),
        from_bot: false,
        ..
    }) = &inc.reply_to
    {
        Some(Assignee::Person(f.id))
    } else {
        None
    };
    let Some(who) = who.filter(|_| !role.trim().is_empty()) else {
        return answer(ctx, inc, tr!(here.lang, usage)).await;
    };
    let done = roster::assign(ctx, here, from, Assignment { add, role, who }).await?;
    answer(ctx, inc, replies::assigned(here, add, &done)).await
}

// ---- acts answered by a reply or a toast ---------------------------------------------------

/// Where the outcome of an act is said: a reply to a message, or a toast on a button press.
enum Answer<'a> {
    Reply(&'a Incoming),
    Toast(&'a mut Option<String>),
}

impl Answer<'_> {
    async fn say(self, ctx: &Ctx, html: Option<String>) -> Result<()> {
        match (self, html) {
            (_, None) => Ok(()),
            (Answer::Reply(inc), Some(h)) => answer(ctx, inc, h).await,
            (Answer::Toast(slot), Some(h)) => {
                *slot = Some(replies::plain(&h));
                Ok(())
            }
        }
    }

    fn is_toast(&self) -> bool {
        matches!(self, Answer::Toast(_))
    }
}

async fn report(ctx: &Ctx, here: &Here, from: &Actor, id: OrderId, a: Answer<'_>) -> Result<()> {
    let now = ctx.now();
    let done = orders::report(ctx, here, from, id).await?;
    let html = replies::outcome(here, id, &done, |r| {
        Some(replies::reported(here, id, r, now))
    });
    a.say(ctx, html).await
}

async fn resolve(
    ctx: &Ctx,
    here: &Here,
    from: &Actor,
    id: OrderId,
    note: Option<String>,
    a: Answer<'_>,
) -> Result<()> {
    let done = orders::resolve(ctx, here, from, id, note).await?;
    // In a chat the notice itself is the answer; a button press gets a toast.
    let toast = a.is_toast();
    let html = replies::outcome(here, id, &done, |_| {
        toast.then(|| tr!(here.lang, ids::RESOLVED_OK, id = id.0))
    });
    a.say(ctx, html).await
}

async fn verify(ctx: &Ctx, here: &Here, from: &Actor, id: OrderId, a: Answer<'_>) -> Result<()> {
    let done = orders::verify(ctx, here, from, id).await?;
    let html = replies::outcome(here, id, &done, |_| {
        Some(tr!(here.lang, ids::VERIFIED_OK, id = id.0))
    });
    a.say(ctx, html).await
}

async fn reopen(
    ctx: &Ctx,
    here: &Here,
    from: &Actor,
    id: OrderId,
    reason: String,
    a: Answer<'_>,
) -> Result<()> {
    let done = orders::reopen(ctx, here, from, id, reason).await?;
    let toast = a.is_toast();
    let html = replies::outcome(here, id, &done, |_| {
        toast.then(|| tr!(here.lang, ids::REOPENED_OK, id = id.0))
    });
    a.say(ctx, html).await
}

// ---- buttons, membership, failures ---------------------------------------------------------

/// A button press: the toast text to answer it with (answered at once by the caller).
pub async fn on_press(ctx: &Ctx, press: &Press) -> Result<Option<String>> {
    ctx.learn(&press.from).await?;
    let here = ctx.here(press.chat_id).await?;
    let lang = here.lang;
    let stale = || Ok(Some(tr!(lang, ids::STALE_BUTTON)));
    let Some((kind, id)) = press.data.split_once(':') else {
        return stale();
    };
    let Ok(n) = id.split(':').next().unwrap_or_default().parse::<i64>() else {
        return stale();
    };
    let id = OrderId(n);
    // The button must be on one of this order's messages in this chat.
    let state = match ctx.store.order(id).await? {
        Some(o) if orders::visible(&here, &o.order) => o.order.state,
        _ => return stale(),
    };
    if !ctx
        .store
        .is_message_of_order(press.chat_id, press.message_id, id)
        .await?
    {
        return stale();
    }
    // 确认 / 退回 answer "please verify": on an order no longer resolved they are stale (a
    // closed order is reopened only by /reopen with a reason, never by an old button).
    if matches!(kind, "v" | "o") && state != OrderState::Resolved {
        let e = TransitionError::WrongState(state);
        return Ok(Some(replies::plain(&replies::transition_refusal(
            lang, id, &e,
        ))));
    }
    let mut toast = None;
    let from = press.from.clone();
    let a = Answer::Toast(&mut toast);
    match kind {
        "r" => report(ctx, &here, &from, id, a).await?,
        "d" => resolve(ctx, &here, &from, id, None, a).await?,
        "v" => verify(ctx, &here, &from, id, a).await?,
        "w" => {
            let dept = DepartmentId::new(press.data.splitn(3, ':').nth(2).unwrap_or_default());
            let done = orders::whistle_department(ctx, &here, &from, id, &dept).await?;
            let html = replies::outcome(&here, id, &done, |name| {
                Some(tr!(
                    lang,
                    ids::DEPARTMENT_WHISTLED,
                    department = escape(name)
                ))
            });
            a.say(ctx, html).await?
        }
        "o" => {
            let reason = tr!(lang, ids::REOPEN_DEFAULT_REASON);
            reopen(ctx, &here, &from, id, reason, a).await?
        }
        _ => return stale(),
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
    ctx.queue(vec![notices::send(chat_id, text)]).await
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
    let html = tr!(lang, ids::INTERNAL_ERROR);
    let out = match reply_to {
        Some(m) => notices::reply(chat_id, m, html),
        None => notices::send(chat_id, html),
    };
    if ctx.queue(vec![out]).await.is_err() {
        tracing::error!(chat_id, "could not even queue the apology");
    }
}
