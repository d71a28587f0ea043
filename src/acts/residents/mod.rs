//! Residents: the private chat in which a person reports a problem (the dialogue), is told
//! what happens, answers the grid's questions and rates the result. A resident is an actor
//! known everywhere else by a number ("居民 #k"): nothing here puts their id, name or username
//! into a group chat.
//!
//! Every step saves the dialogue (a versioned row) with the update marked processed and the
//! bot's answer in one transaction (`Store::save_dialogue`), so a redelivered update or a
//! second press makes no second order, and a restart mid-dialogue loses nothing.

mod dialogue;
mod relay;
mod submit;

pub use dialogue::{begin, message, on_dialogue_press, pick_page, pick_unit, start};
pub use relay::{ask, block, on_rating_press, resident_notices, unblock, AskOutcome, BlockOutcome};

use super::{notices, Actor, Ctx, Result};
use crate::domain::button::ButtonAction;
use crate::domain::org::Organisation;
use crate::domain::resident::{Dialogue, Input};
use crate::domain::{access, Lang, OrderState, ResidentNo, TelegramUserId, WhistleOrder};
use crate::domain::{ChatId, MessageId};
use crate::i18n::ids;
use crate::render::{self, escape, Button, View};
use crate::storage::{Forgotten, Outgoing, Payload, Priority, Resident, StoredDialogue};
use crate::tr;

/// A message in a private chat, as the resident acts see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Private {
    pub chat_id: ChatId,
    pub message_id: MessageId,
    pub from: Actor,
    /// Telegram's `language_code` of the sender.
    pub language: Option<String>,
    pub input: Input,
    /// The bot's message this one replies to.
    pub reply_to: Option<MessageId>,
}

/// A resident, their chat and language: what every answer needs.
pub(crate) struct Me {
    pub resident: Resident,
    pub chat_id: ChatId,
    pub lang: Lang,
    pub org: Organisation,
}

/// The language Telegram reports for a person: zh-hant, zh-tw, zh-hk (and zh-mo) read
/// Traditional, any other Chinese Simplified, anything else English.
pub fn lang_of_code(code: Option<&str>) -> Option<Lang> {
    let code = code?.to_ascii_lowercase();
    Some(
        if ["zh-hant", "zh-tw", "zh-hk", "zh-mo"]
            .iter()
            .any(|p| code.starts_with(p))
        {
            Lang::ZhHant
        } else if code.starts_with("zh") {
            Lang::ZhHans
        } else {
            Lang::En
        },
    )
}

/// The resident writing in `p` (numbered now if new), in their language; `None` when they are
/// blocked, after telling them so (politely, once a few minutes).
pub(crate) async fn me(ctx: &Ctx, p: &Private) -> Result<Option<Me>> {
    let org = ctx.store.load_org().await?;
    let told = lang_of_code(p.language.as_deref()).unwrap_or(org.default_locale);
    let resident = ctx
        .store
        .enrol_resident(p.from.id, p.chat_id, told, ctx.now())
        .await?;
    let lang = chat_lang(ctx, &org, &resident, p.chat_id).await?;
    let me = Me {
        resident,
        chat_id: p.chat_id,
        lang,
        org,
    };
    if ctx.store.is_blocked(p.from.id).await? {
        let out = notices::refusal(p.chat_id, p.message_id, tr!(lang, ids::RES_BLOCKED));
        ctx.queue_throttled(out, p.from.id.0, ids::RES_BLOCKED)
            .await?;
        return Ok(None);
    }
    Ok(Some(me))
}

/// A resident's language: what they chose with /lang in their chat, else what Telegram said.
async fn chat_lang(ctx: &Ctx, org: &Organisation, r: &Resident, chat: ChatId) -> Result<Lang> {
    Ok(match ctx.store.chat(chat).await?.and_then(|b| b.locale) {
        Some(l) => l,
        None => r.lang.unwrap_or(org.default_locale),
    })
}

/// The chat and language of resident `no`, when they are still known (not forgotten).
pub(crate) async fn reach(
    ctx: &Ctx,
    org: &Organisation,
    no: ResidentNo,
) -> Result<Option<(ChatId, Lang)>> {
    let Some(r) = ctx.store.resident(no).await? else {
        return Ok(None);
    };
    let Some(chat) = r.chat_id else {
        return Ok(None);
    };
    Ok(Some((chat, chat_lang(ctx, org, &r, chat).await?)))
}

/// A message to a private chat with inline buttons (an answer: class P1).
pub(crate) fn private(chat_id: ChatId, html: String, buttons: Vec<Vec<Button>>) -> Outgoing {
    let mut out = notices::send(chat_id, html).with_priority(Priority::Answer);
    if let Payload::Send { buttons: b, .. } = &mut out.payload {
        *b = buttons;
    }
    out
}

/// How an order stands, in words a resident understands.
pub(crate) fn state_words(lang: Lang, state: OrderState) -> String {
    tr!(
        lang,
        match state {
            OrderState::Open => ids::RES_STATE_OPEN,
            OrderState::Reported => ids::RES_STATE_REPORTED,
            OrderState::Resolved => ids::RES_STATE_RESOLVED,
            OrderState::Closed => ids::RES_STATE_CLOSED,
            OrderState::Cancelled => ids::RES_STATE_CANCELLED,
        }
    )
}

/// One line about an order for its resident: number, state, the start of its text.
pub(crate) fn order_line(lang: Lang, o: &WhistleOrder) -> String {
    tr!(
        lang,
        ids::RES_MY_LINE,
        id = o.id,
        state = state_words(lang, o.state),
        text = escape(&render::clip(&o.text, 40))
    )
}

/// `/my`: a resident's reports (and the ones they follow); for staff also the active orders
/// they are summoned to.
pub async fn my(ctx: &Ctx, p: &Private) -> Result<()> {
    let Some(me) = me(ctx, p).await? else {
        return Ok(());
    };
    let lang = me.lang;
    let mut lines = Vec::new();
    for id in ctx.store.resident_order_ids(me.resident.no, 20).await? {
        if let Some(o) = ctx.store.order(id).await? {
            lines.push(order_line(lang, &o.order));
        }
    }
    let mut html = if lines.is_empty() {
        tr!(lang, ids::RES_MY_EMPTY)
    } else {
        format!("{}\n{}", tr!(lang, ids::RES_MY_TITLE), lines.join("\n"))
    };
    if !me.org.memberships_of(p.from.id).is_empty() {
        let view = View {
            org: &me.org,
            lang,
            now: ctx.now(),
        };
        // The live orders of each scope the person is on the roster of, newest first.
        let mut seen = Vec::new();
        let mut summoned = Vec::new();
        for m in me.org.memberships_of(p.from.id) {
            let page = ctx.store.orders_page(&m.scope, false, 0, 20).await?;
            for o in page.orders {
                if o.state.is_active()
                    && !seen.contains(&o.id)
                    && !access::reportable_parties(&me.org, p.from.id, &o).is_empty()
                {
                    seen.push(o.id);
                    summoned.push(o);
                }
            }
        }
        summoned.sort_by_key(|o| std::cmp::Reverse(o.id));
        let summoned: Vec<String> = summoned
            .iter()
            .take(20)
            .map(|o| render::order_line(&view, o))
            .collect();
        if !summoned.is_empty() {
            html.push_str(&format!(
                "\n\n{}\n{}",
                tr!(lang, ids::RES_MY_SUMMONED),
                summoned.join("\n")
            ));
        }
    }
    ctx.queue(vec![notices::reply(p.chat_id, p.message_id, html)])
        .await
}

/// `/cancel` without a number in a private chat: ends the dialogue.
pub async fn cancel(ctx: &Ctx, p: &Private) -> Result<()> {
    let Some(me) = me(ctx, p).await? else {
        return Ok(());
    };
    end_dialogue(ctx, &me, p.message_id).await
}

/// Ends the resident's dialogue, saying so (or that there was none).
pub(crate) async fn end_dialogue(ctx: &Ctx, me: &Me, reply_to: MessageId) -> Result<()> {
    let lang = me.lang;
    match ctx.store.dialogue(me.resident.no).await? {
        Some(StoredDialogue { version, .. }) => {
            let out = with_keyboard_removed(notices::reply(
                me.chat_id,
                reply_to,
                tr!(lang, ids::RES_CANCELLED),
            ));
            ctx.store
                .save_dialogue(me.resident.no, Some(version), None, &[], &[out], ctx.now())
                .await?;
            ctx.wake.notify_one();
            Ok(())
        }
        None => {
            ctx.queue(vec![notices::reply(
                me.chat_id,
                reply_to,
                tr!(lang, ids::RES_NOTHING_TO_CANCEL),
            )])
            .await
        }
    }
}

/// `/forget`: asks to confirm, with one button.
pub async fn forget(ctx: &Ctx, p: &Private) -> Result<()> {
    let org = ctx.store.load_org().await?;
    let Some(r) = ctx.store.resident_of_user(p.from.id).await? else {
        let lang = lang_of_code(p.language.as_deref()).unwrap_or(org.default_locale);
        return ctx
            .queue(vec![notices::reply(
                p.chat_id,
                p.message_id,
                tr!(lang, ids::RES_FORGET_NOTHING),
            )])
            .await;
    };
    let lang = chat_lang(ctx, &org, &r, p.chat_id).await?;
    let button = Button::new(tr!(lang, ids::RES_FORGET_BUTTON), ButtonAction::Forget);
    ctx.queue(vec![private(
        p.chat_id,
        tr!(lang, ids::RES_FORGET_CONFIRM),
        vec![vec![button]],
    )])
    .await
}

/// The `/forget` button: the resident's identity is removed; they are told what went.
pub async fn forget_confirmed(ctx: &Ctx, chat_id: ChatId, user: TelegramUserId) -> Result<String> {
    let org = ctx.store.load_org().await?;
    let Some(r) = ctx.store.resident_of_user(user).await? else {
        return Ok(tr!(org.default_locale, ids::RES_FORGET_NOTHING));
    };
    let lang = chat_lang(ctx, &org, &r, chat_id).await?;
    // Told in the language they had, in the same transaction that forgets them.
    let told = |gone: Forgotten| {
        let html = tr!(
            lang,
            ids::RES_FORGOTTEN,
            orders = gone.orders,
            updates = gone.updates
        );
        vec![private(chat_id, html, vec![])]
    };
    ctx.store
        .forget_resident(r.no, user, told, ctx.now())
        .await?;
    ctx.wake.notify_one();
    Ok(tr!(lang, ids::RES_FORGOTTEN_TOAST))
}

/// `Send` with the reply keyboard taken away (after a location was shared, or at the end).
pub(crate) fn with_keyboard_removed(out: Outgoing) -> Outgoing {
    notices::with_keyboard(out, crate::storage::Keyboard::Remove)
}

/// Saves the dialogue and its answers; `Conflict` means another update changed it meanwhile
/// (the caller's update is then retried by the poller's replay, or the press is stale).
pub(crate) async fn save(
    ctx: &Ctx,
    me: &Me,
    read: Option<i64>,
    d: Option<&Dialogue>,
    out: Vec<Outgoing>,
) -> Result<i64> {
    let v = ctx
        .store
        .save_dialogue(me.resident.no, read, d, &[], &out, ctx.now())
        .await?;
    ctx.wake.notify_one();
    Ok(v)
}
