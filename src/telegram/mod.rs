//! Telegram: the only module that names teloxide types. It converts updates into the bot's own
//! `Incoming`/`Press` at the edge, runs the poller (every update is stored before its offset is
//! confirmed, and processed in order), and hosts the sender.
//!
//! Why not teloxide's `Dispatcher`: its polling confirms an update's offset as soon as it hands
//! the update to a handler, so a crash could lose it. Our poller stores first, then confirms;
//! the routing is a plain `match` on the update kind, which is all the tree we need.

pub mod commands;
pub mod dispatch;
pub mod handlers;
pub mod intake;
pub mod private;
pub mod replies;
pub mod sender;
pub mod stats_view;
pub mod views;
pub mod webhook;

use crate::domain::{ChatId, MessageId};
use std::time::Duration;

use teloxide::payloads::{AnswerCallbackQuerySetters, GetUpdatesSetters, SetMyCommandsSetters};
use teloxide::prelude::*;
use teloxide::types::{
    AllowedUpdate, BotCommand, BotCommandScope, ChatMemberStatus, MessageEntityKind, Update,
    UpdateKind, User,
};
use tokio::sync::watch;

use crate::acts::{Actor, Ctx};
use crate::domain::{text, Lang, TelegramUserId};
use crate::i18n::ids;
use crate::tr;
use handlers::{Incoming, Me, Press, RepliedTo};

/// A Telegram request error in words that never contain the token: reqwest's own message names
/// the request URL, which holds it, so network errors are reduced to their kind.
pub fn describe(e: &teloxide::RequestError) -> String {
    use teloxide::RequestError;
    match e {
        RequestError::Network(e) => {
            let kind = if e.is_timeout() {
                "timeout"
            } else if e.is_connect() {
                "connect"
            } else if e.is_request() {
                "request"
            } else {
                "other"
            };
            format!("network error ({kind})")
        }
        RequestError::Io(e) => format!("io error ({:?})", e.kind()),
        other => other.to_string(),
    }
}

/// Telegram's id of the "GroupAnonymousBot" that stands in for anonymous admins.
const ANONYMOUS_ADMIN: u64 = 1087968824;

/// A person as the bot keeps them: name and username through the one normaliser (a NUL that
/// PostgreSQL would refuse, a right-to-left override that would turn the lines they appear in
/// around), so both backends store the same. A name that shows nothing is the username, else
/// the id.
fn sender(u: &User) -> Actor {
    let id = TelegramUserId(u.id.0 as i64);
    let username = u
        .username
        .as_deref()
        .map(text::normalize)
        .filter(|n| !text::is_visibly_empty(n));
    let name = Some(text::normalize(&u.full_name()))
        .filter(|n| !text::is_visibly_empty(n))
        .or_else(|| username.clone())
        .unwrap_or_else(|| id.0.to_string());
    Actor { id, name, username }
}

fn is_person(u: &User) -> bool {
    !u.is_bot && u.id.0 != ANONYMOUS_ADMIN
}

/// The message as the bot acts on it: its text (or caption) and the names in it through the
/// one normaliser ([`crate::domain::text::normalize`]), so that nothing downstream meets a NUL,
/// another control character or a bidi override, and SQLite and PostgreSQL store the same.
pub fn incoming(m: &Message, bot_id: u64) -> Incoming {
    let from = match (m.sender_chat.as_ref(), m.from.as_ref()) {
        (Some(_), _) => None,
        (None, Some(u)) if is_person(u) => Some(sender(u)),
        _ => None,
    };
    let raw = m.text().or(m.caption()).unwrap_or_default();
    let entities = m.entities().or(m.caption_entities()).unwrap_or_default();
    // Entity offsets count UTF-16 code units of the text as Telegram has it, before it is
    // normalised.
    let units: Vec<u16> = raw.encode_utf16().collect();
    let text_mentions = entities
        .iter()
        .filter_map(|e| match &e.kind {
            MessageEntityKind::TextMention { user } if is_person(user) => {
                Some(handlers::Mentioned {
                    who: sender(user),
                    text: units
                        .get(e.offset..e.offset.saturating_add(e.length))
                        .map(|u| text::normalize(&String::from_utf16_lossy(u)))
                        .unwrap_or_default(),
                })
            }
            _ => None,
        })
        .collect();
    let text = text::normalize(raw);
    let reply_to = m.reply_to_message().map(|r| RepliedTo {
        message_id: MessageId(i64::from(r.id.0)),
        from_bot: r.from.as_ref().is_some_and(|u| u.id.0 == bot_id),
        from: r.from.as_ref().filter(|u| is_person(u)).map(sender),
    });
    Incoming {
        chat_id: ChatId(m.chat.id.0),
        group: !m.chat.is_private(),
        message_id: MessageId(i64::from(m.id.0)),
        from,
        text,
        reply_to,
        text_mentions,
        location: m.location().map(|l| (l.latitude, l.longitude)),
        has_photo: m.photo().is_some(),
        // The largest size is the last; file ids are Telegram's machine text, kept as sent.
        photo: m
            .photo()
            .and_then(|sizes| sizes.iter().max_by_key(|s| s.width * s.height))
            .map(|s| s.file.id.to_string()),
        media_group: m.media_group_id().map(|g| g.to_string()),
        venue: m.venue().map(|v| handlers::Venue {
            lat: v.location.latitude,
            lon: v.location.longitude,
            title: text::normalize(&v.title),
            address: text::normalize(&v.address),
        }),
        language: m.from.as_ref().and_then(|u| u.language_code.clone()),
        forwarded: m.forward_origin().is_some(),
    }
}

/// A chat id as logs show it: a group's id, but "private" for a private chat (a private
/// chat's id is the person's Telegram id, which logs above debug never carry).
pub fn chat_for_log(chat_id: ChatId) -> String {
    if chat_id.0 > 0 {
        "private".to_string()
    } else {
        chat_id.to_string()
    }
}

/// Acts on one update. Errors are logged and, where a person waits, apologised for.
pub async fn handle(tg: &Telegram, ctx: &Ctx, update: &Update) {
    match &update.kind {
        UpdateKind::Message(m) => on_message(tg, ctx, m).await,
        UpdateKind::CallbackQuery(q) => on_callback(tg, ctx, q).await,
        UpdateKind::MyChatMember(m) => {
            let present = |s: ChatMemberStatus| {
                matches!(
                    s,
                    ChatMemberStatus::Member
                        | ChatMemberStatus::Administrator
                        | ChatMemberStatus::Owner
                )
            };
            let joined =
                !present(m.old_chat_member.status()) && present(m.new_chat_member.status());
            if !m.chat.is_private() && joined {
                if let Err(e) = handlers::on_added(ctx, crate::domain::ChatId(m.chat.id.0)).await {
                    tracing::error!(error = %e, "greeting not queued");
                }
            }
        }
        _ => {} // edits, channel posts, polls…: safely ignored
    }
}

async fn on_message(tg: &Telegram, ctx: &Ctx, m: &Message) {
    if let Some(new) = m.migrate_to_chat_id() {
        if let Err(e) = crate::acts::roster::migrate_chat(
            ctx,
            crate::domain::ChatId(m.chat.id.0),
            crate::domain::ChatId(new.0),
        )
        .await
        {
            tracing::error!(error = %e, "migration not recorded");
        }
        return;
    }
    if m.text().is_none()
        && m.caption().is_none()
        && m.photo().is_none()
        && m.location().is_none()
        && m.venue().is_none()
    {
        return; // service messages and stickers: nothing to do
    }
    let inc = incoming(m, tg.id);
    let me = Me {
        username: tg.username.clone(),
    };
    match handlers::on_message(ctx, &me, &inc).await {
        Ok(()) => {}
        Err(crate::storage::StoreError::AlreadyProcessed) => {
            tracing::info!(
                chat = %chat_for_log(inc.chat_id),
                "update replayed after a restart: done before"
            );
        }
        Err(e) => {
            tracing::error!(error = %e, chat = %chat_for_log(inc.chat_id), "message not handled");
            handlers::on_failure(ctx, inc.chat_id, Some(inc.message_id)).await;
        }
    }
}

async fn on_callback(tg: &Telegram, ctx: &Ctx, q: &teloxide::types::CallbackQuery) {
    let bot = &tg.bot;
    let (Some(data), Some(msg)) = (q.data.as_ref(), q.message.as_ref()) else {
        if let Err(e) = bot.answer_callback_query(q.id.clone()).await {
            tracing::warn!(error = %describe(&e), "button press answer failed");
        }
        return;
    };
    // The presser's name is normalised (`sender`); the data is not: it is our own machine text,
    // parsed strictly (`ButtonAction::parse`), stored nowhere, and cleaning it up could only
    // turn garbage into a button.
    let press = Press {
        chat_id: ChatId(msg.chat().id.0),
        message_id: MessageId(i64::from(msg.id().0)),
        from: sender(&q.from),
        data: data.clone(),
    };
    let toast = match handlers::on_press(ctx, &press).await {
        Ok(t) => t,
        Err(crate::storage::StoreError::AlreadyProcessed) => None,
        Err(e) => {
            tracing::error!(error = %e, "button press not handled");
            Some(crate::tr!(
                Lang::default(),
                crate::i18n::ids::INTERNAL_ERROR
            ))
        }
    };
    // Answered at once, never through the outbox: Telegram expires button presses.
    let mut answer = bot.answer_callback_query(q.id.clone());
    if let Some(t) = toast {
        answer = answer.text(t);
    }
    if let Err(e) = answer.await {
        tracing::warn!(error = %describe(&e), "button press answer failed");
    }
}

/// The private-chat menu for a language: what a resident (or anyone, as one) does with the bot.
pub fn private_menu(lang: Lang) -> Vec<(&'static str, String)> {
    vec![
        ("report", tr!(lang, ids::MENU_REPORT)),
        ("my", tr!(lang, ids::MENU_MY)),
        ("lang", tr!(lang, ids::MENU_LANG)),
        ("help", tr!(lang, ids::MENU_HELP)),
        ("forget", tr!(lang, ids::MENU_FORGET)),
    ]
}

/// Sets the command menus: for each language, one for private chats (`private_menu`) and one
/// for groups (`commands::menu`). Telegram keys a menu by scope and two-letter language code,
/// so "zh" (and no code, the fallback) get Simplified Chinese; Traditional has no code of its
/// own.
pub async fn set_menus(bot: &Bot) -> Result<(), teloxide::RequestError> {
    for (code, lang) in [
        (None, Lang::ZhHans),
        (Some("zh"), Lang::ZhHans),
        (Some("en"), Lang::En),
    ] {
        let menus = [
            (BotCommandScope::AllPrivateChats, private_menu(lang)),
            (BotCommandScope::AllGroupChats, commands::menu(lang, true)),
        ];
        for (scope, items) in menus {
            let commands: Vec<BotCommand> = items
                .into_iter()
                .map(|(c, d)| BotCommand::new(c, d))
                .collect();
            let mut req = bot.set_my_commands(commands).scope(scope);
            if let Some(code) = code {
                req = req.language_code(code);
            }
            req.await?;
        }
    }
    Ok(())
}

/// How the poller waits for updates and the sender paces messages.
#[derive(Debug, Clone)]
pub struct PollConfig {
    /// Long-poll timeout asked of Telegram, in seconds.
    pub timeout_secs: u32,
    /// How many chats are worked at once (each chat's updates stay in order).
    pub workers: usize,
    pub pacing: sender::Pacing,
    /// This process's name in the chat leases; None: `GRIDWHISTLE_INSTANCE` or the host's name
    /// (`dispatch::instance_name`). Replicas in one test process are told apart by it.
    pub instance: Option<String>,
}

/// The long poll Telegram is asked to hold: it must end, answered, before the HTTP client gives
/// up. At 25 seconds every quiet poll ended in a client timeout and the poller backed off for up
/// to 30 seconds, so a whistle after a quiet spell could wait that long before being fetched.
const POLL_TIMEOUT_SECS: u32 = 10;

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            timeout_secs: POLL_TIMEOUT_SECS,
            workers: 16,
            pacing: sender::Pacing::TELEGRAM,
            instance: None,
        }
    }
}

fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![
        AllowedUpdate::Message,
        AllowedUpdate::CallbackQuery,
        AllowedUpdate::MyChatMember,
    ]
}

/// Polls Telegram until `stop`: each batch is stored (skipping update ids seen before) and handed
/// to the processor (`dispatch`), then the next `getUpdates` confirms it.
pub async fn poll(tg: Telegram, ctx: Ctx, config: PollConfig, mut stop: watch::Receiver<bool>) {
    let bot = tg.bot.clone();
    let mut offset: i32 = 0;
    let mut failures: u32 = 0;
    loop {
        crate::metrics::heartbeat();
        if *stop.borrow() {
            return;
        }
        let req = bot
            .get_updates()
            .offset(offset)
            .timeout(config.timeout_secs)
            .allowed_updates(allowed_updates());
        let batch = tokio::select! {
            r = req.send() => r,
            _ = stop.changed() => return,
        };
        let updates = match batch {
            Ok(u) => {
                failures = 0;
                u
            }
            Err(e) => {
                failures += 1;
                let wait = Duration::from_millis((250u64 << failures.min(7)).min(30_000));
                tracing::warn!(error = %describe(&e), ?wait, "getUpdates failed");
                tokio::select! {
                    _ = tokio::time::sleep(wait) => continue,
                    _ = stop.changed() => return,
                }
            }
        };
        for u in &updates {
            match intake::accept(&ctx, u).await {
                Ok(_) => offset = offset.max(u.id.0 as i32 + 1),
                Err(e) => {
                    // Not stored, so not confirmed: Telegram will hand it to us again.
                    tracing::error!(error = %e, "update not stored");
                    break;
                }
            }
        }
    }
}

/// The bot's connection to Telegram and who it is there. The rest of the program holds this
/// handle and never names teloxide's types.
#[derive(Clone)]
pub struct Telegram {
    bot: Bot,
    id: u64,
    username: String,
}

/// Telegram could not be reached or refused the token; in words that never contain it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TelegramError(String);

impl Telegram {
    /// Connects with `token` (at `api_url`, a local Bot API server, when given) and asks
    /// Telegram who the bot is.
    pub async fn connect(
        token: &str,
        api_url: Option<url::Url>,
    ) -> Result<Telegram, TelegramError> {
        let mut bot = Bot::new(token);
        if let Some(u) = api_url {
            bot = bot.set_api_url(u);
        }
        Self::with_bot(bot).await
    }

    /// The same, for a `Bot` made elsewhere (the stand-in's, in tests and the demo).
    pub async fn with_bot(bot: Bot) -> Result<Telegram, TelegramError> {
        let me = bot
            .get_me()
            .await
            .map_err(|e| TelegramError(describe(&e)))?;
        Ok(Telegram {
            bot,
            id: me.id.0,
            username: me.username.clone().unwrap_or_default(),
        })
    }

    /// Prepares polling: no webhook in the way, and the command menus set.
    pub async fn prepare_polling(&self) {
        if let Err(e) = self.bot.delete_webhook().await {
            tracing::warn!(error = %describe(&e), "webhook not deleted");
        }
        if let Err(e) = set_menus(&self.bot).await {
            tracing::warn!(error = %describe(&e), "command menus not set");
        }
    }

    /// The poller, until `stop`.
    pub async fn poll(self, ctx: Ctx, config: PollConfig, stop: watch::Receiver<bool>) {
        poll(self, ctx, config, stop).await
    }

    /// The update processor (`dispatch`), until `stop`, as `holder` in the chat leases.
    pub async fn process(
        self,
        ctx: Ctx,
        holder: String,
        workers: usize,
        stop: watch::Receiver<bool>,
    ) {
        dispatch::run(self, ctx, holder, workers, stop).await
    }

    /// The sender, until `stop`.
    pub async fn send(self, ctx: Ctx, pacing: sender::Pacing, stop: watch::Receiver<bool>) {
        sender::run(self.bot, ctx.store, ctx.clock, ctx.wake, pacing, stop).await
    }
}

#[cfg(test)]
mod poll_tests {
    use super::*;

    /// teloxide's HTTP client gives up on a request after 17 seconds
    /// (`teloxide::net::default_reqwest_settings`).
    const CLIENT_TIMEOUT_SECS: u32 = 17;

    #[test]
    fn a_quiet_long_poll_is_answered_before_the_http_client_gives_up() {
        let poll = PollConfig::default().timeout_secs;
        // Telegram answers an empty poll at its timeout; a few seconds for the round trip.
        assert!(
            poll + 5 <= CLIENT_TIMEOUT_SECS,
            "poll {poll} s, client {CLIENT_TIMEOUT_SECS} s"
        );
    }
}
