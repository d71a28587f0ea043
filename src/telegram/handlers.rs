//! Routing: a decoded message or button press → the act it asks for → the reply or toast that
//! says how it went. Expected mistakes get a localized answer, never an error. The acts
//! themselves live in `crate::acts`; the read-only answers in `views`.

use crate::acts::orders::{self, NoteRequest};
use crate::acts::residents;
use crate::acts::roster::{self, Assigned, Assignee, Assignment, Bound, LangSet};
use crate::acts::whistle::{self, WhistleRequest, Whistled};
use crate::acts::{may_note, notices, Actor, Ctx, Here, Outcome, Refusal, Result};
use crate::domain::button::ButtonAction;
use crate::domain::parse;
use crate::domain::{ChatId, MessageId};
use crate::domain::{EscalationReason, Lang, OrderId, OrderState, TransitionError};
use crate::i18n::ids;
use crate::render::{self, escape};
use crate::tr;

use super::commands::{
    parse_command, ArgError, AssignArg, Command, ListArg, OrderArg, OrderNumber, Typed,
};
use super::{private, replies, stats_view, views};

/// The message a message replies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepliedTo {
    pub message_id: MessageId,
    pub from_bot: bool,
    pub from: Option<Actor>,
}

/// An incoming message, reduced to what the bot acts on (converted from teloxide's types at
/// the edge, in `telegram::mod`).
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub chat_id: ChatId,
    pub group: bool,
    pub message_id: MessageId,
    /// `None` for anonymous group admins and channels: not a person.
    pub from: Option<Actor>,
    pub text: String,
    pub reply_to: Option<RepliedTo>,
    /// People named by `text_mention` entities (users without a username).
    pub text_mentions: Vec<Mentioned>,
    pub location: Option<(f64, f64)>,
    pub has_photo: bool,
    /// The photo's file id (its largest size), when the message has one.
    pub photo: Option<String>,
    /// The album the message belongs to.
    pub media_group: Option<String>,
    /// A venue (a place picked from the map, with a name): `location` is then None.
    pub venue: Option<Venue>,
    /// Telegram's `language_code` of the sender.
    pub language: Option<String>,
    pub forwarded: bool,
}

/// A venue: a point with a title and an address.
#[derive(Debug, Clone, PartialEq)]
pub struct Venue {
    pub lat: f64,
    pub lon: f64,
    pub title: String,
    pub address: String,
}

impl Venue {
    /// "title, address", or whichever is there.
    pub fn label(&self) -> String {
        [self.title.trim(), self.address.trim()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    }
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
    pub chat_id: ChatId,
    pub message_id: MessageId,
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

/// Refuses, or answers with a hint (unknown command, usage): a reply in the last class, and at
/// most one of a `kind` to the same person in this chat within `notices::HINT_QUIET`.
async fn refuse(ctx: &Ctx, inc: &Incoming, kind: &str, html: String) -> Result<()> {
    let out = notices::refusal(inc.chat_id, inc.message_id, html);
    // Anonymous admins all write as the chat: one sender.
    let person = inc.from.as_ref().map_or(0, |f| f.id.0);
    ctx.queue_throttled(out, person, kind).await.map(|_| ())
}

/// Help, in the last class: in a group once a few minutes per person (`refuse`), in a
/// private chat every time.
async fn help(ctx: &Ctx, inc: &Incoming, html: String) -> Result<()> {
    if inc.group {
        return refuse(ctx, inc, "help", html).await;
    }
    let out = notices::refusal(inc.chat_id, inc.message_id, html);
    ctx.queue(vec![out]).await
}

/// Says how an act on order `id` went: a refusal as `refuse`, anything else as an answer.
async fn answer_outcome<T>(
    ctx: &Ctx,
    inc: &Incoming,
    id: OrderId,
    o: &Outcome<T>,
    html: Option<String>,
) -> Result<()> {
    match (o, html) {
        (_, None) => Ok(()),
        (Outcome::Refused(r), Some(h)) => refuse(ctx, inc, &refusal_kind(id, r), h).await,
        (_, Some(h)) => answer(ctx, inc, h).await,
    }
}

/// The throttle kind of a refusal: a refused transition names its order (each says something
/// else), a refusal of who the person is does not.
fn refusal_kind(id: OrderId, r: &Refusal) -> String {
    match r {
        Refusal::Transition(_) => format!("{}-{}", r.kind(), id.0),
        _ => r.kind().to_string(),
    }
}

/// The throttle kind of a whistle that was refused, None when it was not.
fn whistle_refusal_kind(w: &Whistled) -> Option<String> {
    match w {
        Whistled::Added {
            order,
            outcome: Outcome::Refused(r),
        } => Some(refusal_kind(*order, r)),
        Whistled::NotBound => Some(ids::NOT_BOUND.into()),
        Whistled::NotMember => Some(ids::WHISTLE_NOT_MEMBER.into()),
        Whistled::FromDepartment => Some(ids::WHISTLE_FROM_DEPARTMENT.into()),
        Whistled::Empty => Some(ids::WHISTLE_EMPTY.into()),
        Whistled::Refused(_) => Some("whistle-refused".into()),
        _ => None,
    }
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
    // A private chat: residents (and staff reporting as residents). Names met there are not
    // learned for mentions, and someone else's words (a forward) are never a report.
    if inc.group {
        if let Some(from) = &inc.from {
            ctx.learn(from).await?;
        }
        for m in &inc.text_mentions {
            ctx.learn(&m.who).await?;
        }
        if let Some(RepliedTo { from: Some(f), .. }) = &inc.reply_to {
            ctx.learn(f).await?;
        }
    }
    if inc.forwarded {
        return Ok(()); // someone else's words: never a whistle, a report or a note
    }
    use teloxide::utils::command::ParseError;
    let text = inc.text.trim();
    match parse_command(text, &me.username) {
        Ok(cmd) if inc.group => on_command(ctx, inc, cmd).await,
        Ok(cmd) => private::on_message(ctx, inc, Some(cmd)).await,
        Err(ParseError::WrongBotName(_)) => Ok(()),
        Err(_) if text.starts_with('/') => {
            let here = ctx.here(inc.chat_id).await?;
            let cmd = text.split_whitespace().next().unwrap_or(text);
            let html = tr!(
                here.lang,
                ids::UNKNOWN_COMMAND,
                command = escape(&render::clip(cmd, 60))
            );
            refuse(ctx, inc, ids::UNKNOWN_COMMAND, html).await
        }
        Err(_) if inc.group => on_plain(ctx, inc).await,
        Err(_) => private::on_message(ctx, inc, None).await,
    }
}

/// The person of a message in a bound group, with the chat; or the answer why not.
async fn person_here(ctx: &Ctx, inc: &Incoming) -> Result<Option<(Here, Actor)>> {
    let here = ctx.here(inc.chat_id).await?;
    let Some(from) = inc.from.clone() else {
        refuse(ctx, inc, ids::ANONYMOUS, tr!(here.lang, ids::ANONYMOUS)).await?;
        return Ok(None);
    };
    if here.scope.is_none() {
        refuse(ctx, inc, ids::NOT_BOUND, tr!(here.lang, ids::NOT_BOUND)).await?;
        return Ok(None);
    }
    Ok(Some((here, from)))
}

/// A message that is not a command: a whistle, or a reply to a card (a report or a note).
async fn on_plain(ctx: &Ctx, inc: &Incoming) -> Result<()> {
    if !inc.group {
        let here = ctx.here(inc.chat_id).await?;
        return help(ctx, inc, views::help(&here, inc)).await;
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
    if let Some(question) = parse::strip_ask_resident(&inc.text) {
        let done = residents::ask(ctx, &here, &from, id, question, inc.message_id).await?;
        return match replies::asked(&here, id, &done) {
            Some((kind, html)) => refuse(ctx, inc, kind, html).await,
            None => Ok(()),
        };
    }
    // Only people of this chat's unit (or summoned to the order) write its timeline.
    let order = ctx.store.order(id).await?.map(|s| s.order);
    if !may_note(&here, from.id, order.as_ref()) {
        return refuse(ctx, inc, ids::REFUSE_NOTE, tr!(here.lang, ids::REFUSE_NOTE)).await;
    }
    let note = NoteRequest {
        message_id: inc.message_id,
        text: inc.text.clone(),
        location: inc.location,
        has_photo: inc.has_photo,
        photo: inc.photo.clone(),
    };
    let done = orders::note(ctx, &here, &from, id, note).await?;
    let html = replies::outcome(&here, id, &done, |_| None);
    answer_outcome(ctx, inc, id, &done, html).await
}

async fn whistle(ctx: &Ctx, inc: &Incoming, here: &Here, from: &Actor, text: &str) -> Result<()> {
    let req = WhistleRequest {
        text: text.to_string(),
        location: inc.location,
    };
    let done = whistle::whistle(ctx, here, from, req).await?;
    let html = replies::whistled(here, &from.name, &done);
    match (whistle_refusal_kind(&done), html) {
        (Some(kind), Some(h)) => refuse(ctx, inc, &kind, h).await,
        (_, html) => answer_some(ctx, inc, html).await,
    }
}

async fn on_command(ctx: &Ctx, inc: &Incoming, cmd: Command) -> Result<()> {
    let here = ctx.here(inc.chat_id).await?;
    let lang = here.lang;
    let Some(from) = inc.from.clone() else {
        return refuse(ctx, inc, ids::ANONYMOUS, tr!(lang, ids::ANONYMOUS)).await;
    };
    // Where a command may be used is checked before its arguments.
    let anywhere = matches!(cmd, Command::Start(_) | Command::Help(_) | Command::Lang(_));
    if !anywhere && !inc.group {
        return refuse(ctx, inc, ids::GROUP_ONLY, tr!(lang, ids::GROUP_ONLY)).await;
    }
    if !anywhere && !matches!(cmd, Command::Bind(_)) && here.scope.is_none() {
        return refuse(ctx, inc, ids::NOT_BOUND, tr!(lang, ids::NOT_BOUND)).await;
    }
    let typed = match cmd.typed() {
        Ok(t) => t,
        // `/list` has no usage of its own yet: whatever follows it, the list is shown.
        Err(ArgError::ListUsage(_)) => Typed::List(ListArg::default()),
        Err(e) => {
            let id = e.message_id().unwrap_or(ids::NEED_ORDER_NUMBER);
            return refuse(ctx, inc, id, tr!(lang, id)).await;
        }
    };
    on_typed(ctx, inc, &here, &from, typed).await
}

async fn on_typed(ctx: &Ctx, inc: &Incoming, here: &Here, from: &Actor, cmd: Typed) -> Result<()> {
    let reply = Answer::Reply(inc);
    match cmd {
        Typed::Start(_) | Typed::Help => {
            if !inc.group {
                ctx.store.set_private_chat(from.id).await?;
            }
            help(ctx, inc, views::help(here, inc)).await
        }
        Typed::Lang(l) => {
            let set = roster::set_lang(ctx, here, from, inc.group, l).await?;
            match set {
                LangSet::Refused => {
                    refuse(ctx, inc, ids::REFUSE_LANG, replies::lang_set(here, set)).await
                }
                LangSet::Set(_) => answer(ctx, inc, replies::lang_set(here, set)).await,
            }
        }
        Typed::Bind(key) => {
            let b = roster::bind(ctx, here, from, &key).await?;
            let html = replies::bound(here, &b);
            match &b {
                Bound::Bound(_) => answer(ctx, inc, html).await,
                Bound::Usage => refuse(ctx, inc, ids::BIND_USAGE, html).await,
                Bound::Unknown(_) => refuse(ctx, inc, ids::BIND_UNKNOWN, html).await,
                Bound::Refused(_) => refuse(ctx, inc, ids::REFUSE_BIND, html).await,
            }
        }
        Typed::Whistle(text) => whistle(ctx, inc, here, from, &text).await,
        Typed::Ack(arg) => match order_of(ctx, inc, here, &arg).await? {
            Some(id) => report(ctx, here, from, id, reply).await,
            None => Ok(()),
        },
        Typed::Done(arg) => match order_of(ctx, inc, here, &arg).await? {
            Some(id) => {
                let note = arg.note().map(str::to_string);
                let photos: Vec<String> = inc.photo.iter().cloned().collect();
                let done = orders::resolve_with_photos(ctx, here, from, id, note, photos).await?;
                let html = replies::outcome(here, id, &done, |_| None);
                reply.say_outcome(ctx, id, &done, html).await
            }
            None => Ok(()),
        },
        Typed::Verify(arg) => match order_of(ctx, inc, here, &arg).await? {
            Some(id) => verify(ctx, here, from, id, reply).await,
            None => Ok(()),
        },
        Typed::Reopen(arg) => match order_of(ctx, inc, here, &arg).await? {
            Some(id) => reopen(ctx, here, from, id, arg.rest.clone(), reply).await,
            None => Ok(()),
        },
        Typed::Cancel(arg) => cancel(ctx, inc, here, from, &arg).await,
        Typed::Escalate(arg) => escalate(ctx, inc, here, from, &arg).await,
        Typed::List(arg) => answer(ctx, inc, views::list(ctx, here, &arg).await?).await,
        Typed::Show(arg) => match order_of(ctx, inc, here, &arg).await? {
            Some(id) => answer(ctx, inc, views::show(ctx, here, id).await?).await,
            None => Ok(()),
        },
        Typed::Roster => match &here.scope {
            Some(scope) => answer(ctx, inc, views::roster(here, scope)).await,
            None => Ok(()),
        },
        Typed::Assign(arg) => assign(ctx, inc, here, from, arg, true).await,
        Typed::Unassign(arg) => assign(ctx, inc, here, from, arg, false).await,
        Typed::Block(arg) => match order_of(ctx, inc, here, &arg).await? {
            Some(id) => {
                let done = residents::block(ctx, here, from, id).await?;
                say_blocked(ctx, inc, here, id, &done).await
            }
            None => Ok(()),
        },
        Typed::Unblock(no) => {
            let done = residents::unblock(ctx, here, from, no).await?;
            say_blocked(ctx, inc, here, OrderId(0), &done).await
        }
        Typed::Stats(period) => stats_view::stats(ctx, inc, here, from, &period).await,
        Typed::Rank(period) => stats_view::rank(ctx, inc, here, from, &period).await,
        Typed::Report | Typed::My | Typed::Forget => {
            let html = tr!(here.lang, ids::RES_PRIVATE_ONLY);
            refuse(ctx, inc, ids::RES_PRIVATE_ONLY, html).await
        }
    }
}

/// The answer to `/block` or `/unblock`.
async fn say_blocked(
    ctx: &Ctx,
    inc: &Incoming,
    here: &Here,
    id: OrderId,
    done: &residents::BlockOutcome,
) -> Result<()> {
    match replies::blocked(here, id, done) {
        (true, html) => answer(ctx, inc, html).await,
        (false, html) => refuse(ctx, inc, "block", html).await,
    }
}

/// `/cancel N why`: the order is withdrawn, and the whistler is told so.
async fn cancel(
    ctx: &Ctx,
    inc: &Incoming,
    here: &Here,
    from: &Actor,
    arg: &OrderArg,
) -> Result<()> {
    let Some(id) = order_of(ctx, inc, here, arg).await? else {
        return Ok(());
    };
    let done = orders::cancel(ctx, here, from, id, arg.rest.clone()).await?;
    let html = replies::outcome(here, id, &done, |_| {
        Some(tr!(here.lang, ids::CANCELLED_OK, id = id))
    });
    answer_outcome(ctx, inc, id, &done, html).await
}

/// `/escalate N why`: the notice in the chat above is the answer.
async fn escalate(
    ctx: &Ctx,
    inc: &Incoming,
    here: &Here,
    from: &Actor,
    arg: &OrderArg,
) -> Result<()> {
    let Some(id) = order_of(ctx, inc, here, arg).await? else {
        return Ok(());
    };
    let why = EscalationReason::Asked {
        reason: arg.rest.clone(),
    };
    let done = orders::escalate(ctx, here, from, id, why).await?;
    let html = replies::outcome(here, id, &done, |_| None);
    answer_outcome(ctx, inc, id, &done, html).await
}

/// The order a command names, or the one whose card the command replies to, when it exists
/// and this chat sees it; otherwise the answer says why and there is none.
async fn order_of(
    ctx: &Ctx,
    inc: &Incoming,
    here: &Here,
    arg: &OrderArg,
) -> Result<Option<OrderId>> {
    let lang = here.lang;
    let id = match &arg.order {
        Some(OrderNumber::Valid(id)) => *id,
        // A number no order can have is answered with the digits as typed.
        Some(OrderNumber::Invalid(digits)) => {
            let digits = render::clip(digits, 30);
            answer(ctx, inc, tr!(lang, ids::NO_SUCH_ORDER, id = digits)).await?;
            return Ok(None);
        }
        None => {
            let from_card = match &inc.reply_to {
                Some(r) if r.from_bot => {
                    match ctx.store.order_of_card(inc.chat_id, r.message_id).await? {
                        Some(id) => Some(id),
                        // A reply to the bot's message about an order (a relayed answer).
                        None => ctx
                            .store
                            .sent_message(inc.chat_id, r.message_id)
                            .await?
                            .and_then(|m| m.order),
                    }
                }
                _ => None,
            };
            let Some(id) = from_card else {
                let html = tr!(lang, ids::NEED_ORDER_NUMBER);
                refuse(ctx, inc, ids::NEED_ORDER_NUMBER, html).await?;
                return Ok(None);
            };
            id
        }
    };
    let Some(stored) = ctx.store.order(id).await? else {
        answer(ctx, inc, tr!(lang, ids::NO_SUCH_ORDER, id = id)).await?;
        return Ok(None);
    };
    if !orders::visible(here, &stored.order) {
        let html = tr!(lang, ids::ORDER_ELSEWHERE, id = id);
        refuse(ctx, inc, ids::ORDER_ELSEWHERE, html).await?;
        return Ok(None);
    }
    Ok(Some(id))
}

/// `/assign <role> @user` (or replying to the person, or with a text mention) and `/unassign`.
async fn assign(
    ctx: &Ctx,
    inc: &Incoming,
    here: &Here,
    from: &Actor,
    arg: AssignArg,
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
        return refuse(
            ctx,
            inc,
            ids::REFUSE_ROSTER,
            tr!(here.lang, ids::REFUSE_ROSTER),
        )
        .await;
    }
    // The person: a text mention (whose words are not part of the role), an @username, or the
    // author of the message replied to.
    let (who, role) = if let Some(m) = inc.text_mentions.first() {
        (Some(Assignee::Person(m.who.id)), arg.role_without(&m.text))
    } else if let Some(u) = arg.username.clone() {
        (Some(Assignee::Username(u)), arg.role.clone())
    } else if let Some(RepliedTo {
        from: Some(f),
        from_bot: false,
        ..
    }) = &inc.reply_to
    {
        (Some(Assignee::Person(f.id)), arg.role.clone())
    } else {
        (None, arg.role.clone())
    };
    let Some(who) = who.filter(|_| !role.trim().is_empty()) else {
        return refuse(ctx, inc, usage, tr!(here.lang, usage)).await;
    };
    let done = roster::assign(ctx, here, from, Assignment { add, role, who }).await?;
    let html = replies::assigned(here, add, &done);
    match done {
        Assigned::Refused => refuse(ctx, inc, ids::REFUSE_ROSTER, html).await,
        _ => answer(ctx, inc, html).await,
    }
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

    /// Says how an act on order `id` went: in a chat, a refusal as `refuse`.
    async fn say_outcome<T>(
        self,
        ctx: &Ctx,
        id: OrderId,
        o: &Outcome<T>,
        html: Option<String>,
    ) -> Result<()> {
        match self {
            Answer::Reply(inc) => answer_outcome(ctx, inc, id, o, html).await,
            toast => toast.say(ctx, html).await,
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
        Some(replies::reported(here, id, from.id, r, now))
    });
    a.say_outcome(ctx, id, &done, html).await
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
        toast.then(|| tr!(here.lang, ids::RESOLVED_OK, id = id))
    });
    a.say_outcome(ctx, id, &done, html).await
}

async fn verify(ctx: &Ctx, here: &Here, from: &Actor, id: OrderId, a: Answer<'_>) -> Result<()> {
    let done = orders::verify(ctx, here, from, id).await?;
    let html = replies::outcome(here, id, &done, |_| {
        Some(tr!(here.lang, ids::VERIFIED_OK, id = id))
    });
    a.say_outcome(ctx, id, &done, html).await
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
        toast.then(|| tr!(here.lang, ids::REOPENED_OK, id = id))
    });
    a.say_outcome(ctx, id, &done, html).await
}

// ---- buttons, membership, failures ---------------------------------------------------------

/// A button press: the toast text to answer it with (answered at once by the caller).
pub async fn on_press(ctx: &Ctx, press: &Press) -> Result<Option<String>> {
    // Private chats have positive ids, the same as the person's: a resident's buttons.
    if press.chat_id.0 > 0 {
        let toast = match ButtonAction::parse(&press.data) {
            Ok(a) => private::on_press(ctx, press.chat_id, press.from.id, &a).await?,
            Err(e) => {
                tracing::debug!(error = %e, "button data not understood");
                let org = ctx.store.load_org().await?;
                let lang = ctx.lang_of(&org, press.chat_id).await?;
                Some(tr!(lang, ids::STALE_BUTTON))
            }
        };
        return Ok(toast.map(|t| render::clip(&t, 190)));
    }
    ctx.learn(&press.from).await?;
    let here = ctx.here(press.chat_id).await?;
    let lang = here.lang;
    let stale = || Ok(Some(tr!(lang, ids::STALE_BUTTON)));
    let action = match ButtonAction::parse(&press.data) {
        Ok(a) => a,
        Err(e) => {
            tracing::debug!(error = %e, "button data not understood");
            return stale();
        }
    };
    let Some(id) = action.order() else {
        return stale(); // no button without an order is offered yet
    };
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
    let mut toast = None;
    let from = press.from.clone();
    let a = Answer::Toast(&mut toast);
    match action {
        // 确认 / 退回 answer "please verify": on an order no longer resolved they are stale (a
        // closed order is reopened only by /reopen with a reason, never by an old button).
        ButtonAction::Verify(_) | ButtonAction::Reopen(_) if state != OrderState::Resolved => {
            let e = TransitionError::WrongState(state);
            let html = replies::transition_refusal(lang, id, &e);
            return Ok(Some(replies::plain(&html)));
        }
        ButtonAction::Report(_) => report(ctx, &here, &from, id, a).await?,
        ButtonAction::Resolve(_) => resolve(ctx, &here, &from, id, None, a).await?,
        ButtonAction::Verify(_) => verify(ctx, &here, &from, id, a).await?,
        ButtonAction::Reopen(_) => {
            let reason = tr!(lang, ids::REOPEN_DEFAULT_REASON);
            reopen(ctx, &here, &from, id, reason, a).await?
        }
        ButtonAction::WhistleDepartment(_, dept) => {
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
        ButtonAction::SetResolveDue {
            at_unix_minutes, ..
        } => {
            let done =
                orders::set_resolve_due(ctx, &here, &from, id, press.message_id, at_unix_minutes)
                    .await?;
            let now = ctx.now();
            let html = replies::outcome(&here, id, &done, |at| {
                let view = render::View {
                    org: &here.org,
                    lang,
                    now,
                };
                Some(tr!(lang, ids::DUE_SET_OK, id = id, time = view.time(*at)))
            });
            a.say(ctx, html).await?
        }
        // Asking takes words: the toast says how.
        ButtonAction::AskResident(_) => return Ok(Some(tr!(lang, ids::RES_ASK_HOW))),
        ButtonAction::ListPage(_)
        | ButtonAction::StartReport
        | ButtonAction::Dialogue { .. }
        | ButtonAction::PickUnit { .. }
        | ButtonAction::UnitPage { .. }
        | ButtonAction::JoinDuplicate(_)
        | ButtonAction::Solved(_)
        | ButtonAction::NotSolved(_)
        | ButtonAction::Rate(..)
        | ButtonAction::AnswerQuestion(_)
        | ButtonAction::Forget => return stale(), // not a group's buttons
    }
    Ok(toast.map(|t| render::clip(&t, 190)))
}

/// The bot was added to a group: greet and explain /bind.
pub async fn on_added(ctx: &Ctx, chat_id: ChatId) -> Result<()> {
    let here = ctx.here(chat_id).await?;
    let text = match &here.scope {
        Some(s) => tr!(
            here.lang,
            ids::GREETING_BOUND,
            unit = escape(&here.org.scope_name(s))
        ),
        None => tr!(here.lang, ids::GREETING),
    };
    ctx.queue(vec![notices::greeting(chat_id, text)]).await
}

/// Something went wrong that is not the person's fault: say so, politely.
pub async fn on_failure(ctx: &Ctx, chat_id: ChatId, reply_to: Option<MessageId>) {
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
        tracing::error!(
            chat = %super::chat_for_log(chat_id),
            "could not even queue the apology"
        );
    }
}
