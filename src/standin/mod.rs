//! A local stand-in for the Telegram Bot API, for tests, the `demo` command and benchmarks.
//! No machine here reaches Telegram, so this HTTP server on 127.0.0.1 answers teloxide the way
//! Telegram would: it validates every request against the Bot API 9.1 spec (see `README.md`),
//! keeps per-chat message state, serves queued updates by long polling or pushes them to a
//! webhook, records everything the bot did, can inject faults, and renders a human-readable
//! transcript.
//!
//! Typical use (the bot under test is any teloxide `Bot` pointed at `api_url()`):
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use gridwhistle::standin::StandIn;
//! use teloxide::prelude::*;
//!
//! let standin = StandIn::start().await;
//! let bot = teloxide::Bot::new(gridwhistle::standin::TOKEN).set_api_url(standin.api_url());
//! bot.send_message(ChatId(-1001), "你好").await.unwrap();
//! assert_eq!(standin.messages(-1001)[0].text, "你好");
//! assert!(standin.violations().is_empty());
//! # });
//! ```

mod html;
mod server;
mod spec;
mod state;
mod transcript;
mod updates;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use tokio::sync::oneshot;

pub use html::{parse_html, utf16_len, Entity, FormattedText};
pub use updates::{TgChat, TgUser};

use state::{InjectedFault, Shared};

/// The token test bots use; the stand-in answers 401 to any other.
pub const TOKEN: &str = "123456:STAND-IN";
/// The bot's user id: Telegram bot ids are the token's number part.
pub const BOT_ID: i64 = 123456;
pub const BOT_USERNAME: &str = "gridwhistle_bot";
pub const BOT_FIRST_NAME: &str = "Gridwhistle";
/// The user Telegram shows as `from` of messages an anonymous group admin sends.
pub const ANONYMOUS_ADMIN_ID: i64 = 1087968824;

/// One request the bot made, in arrival order.
#[derive(Clone, Debug)]
pub struct Call {
    /// The method in its spec spelling ("sendMessage"), or as sent if the spec lacks it.
    pub method: String,
    pub params: Value,
    pub at: SystemTime,
    pub outcome: CallOutcome,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CallOutcome {
    /// Still being answered (a long poll in progress).
    Pending,
    Ok,
    /// Answered with this error description.
    Error(String),
    /// An injected fault answered it; nothing was applied.
    Fault(Fault),
}

/// A request Telegram would reject (or the stand-in cannot answer faithfully): a bot that
/// behaves has none of these in a whole run.
#[derive(Clone, Debug)]
pub struct Violation {
    pub method: String,
    pub params: Value,
    /// The description sent back, "Bad Request: ...".
    pub description: String,
}

/// Faults `StandIn::inject` can make the next matching requests meet.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// HTTP 429 with parameters.retry_after, as Telegram's flood control answers.
    TooManyRequests { retry_after: u32 },
    /// HTTP 502 with an nginx HTML page, as Telegram's front end gives during outages.
    BadGatewayHtml,
    /// Close the connection without any HTTP response.
    DropConnection,
    /// Any API error, e.g. 403 "Forbidden: bot was blocked by the user".
    Api { code: u16, description: String },
}

/// The current state of one of the bot's messages (after edits).
#[derive(Clone, Debug, PartialEq)]
pub struct SentMessage {
    pub chat_id: i64,
    pub message_id: i32,
    /// The text parameter exactly as the bot sent it (HTML when parse_mode was HTML); for a
    /// photo the caption parameter, for a copy the copied text or caption.
    pub html: String,
    /// The text (or caption) a person sees (HTML parsed away).
    pub text: String,
    pub entities: Vec<Entity>,
    /// Users mentioned through tg://user?id= links or text_mention entities.
    pub mentioned_user_ids: Vec<i64>,
    /// Inline keyboard rows of (label, callback_data); for a button of another kind (url, ...)
    /// the second element is empty.
    pub keyboard: Vec<Vec<(String, String)>>,
    pub reply_to: Option<i32>,
    pub edit_count: u32,
    /// For a photo: which photo and how the bot gave it. `html`, `text` and `entities` then
    /// hold the caption.
    pub photo: Option<SentPhoto>,
    /// Set on every message of an album (sendMediaGroup).
    pub media_group_id: Option<String>,
    /// What the message did to the chat's reply keyboard (ReplyKeyboardMarkup,
    /// ReplyKeyboardRemove, ForceReply), if anything.
    pub reply_keyboard: Option<ReplyKeyboardChange>,
    /// For copyMessage: the (chat_id, message_id) the copy was made from.
    pub copied_from: Option<(i64, i32)>,
    /// The Message's content fields as the stand-in answered them (now, after edits): text or
    /// caption with their entities (a mention's user with name and username), photo sizes,
    /// and what a copy carried over (a location, venue, contact ...).
    pub content: Value,
}

/// A photo the bot sent.
#[derive(Clone, Debug, PartialEq)]
pub struct SentPhoto {
    /// The file_id of the largest size in the Message the stand-in answered with.
    pub file_id: String,
    /// How many sizes (PhotoSize) the Message lists.
    pub sizes: usize,
    pub source: PhotoSource,
}

/// How the bot gave a photo.
#[derive(Clone, Debug, PartialEq)]
pub enum PhotoSource {
    /// A file_id of a photo the stand-in knows (sent before, or in a pushed update).
    FileId(String),
    /// An HTTP URL for Telegram to download (not fetched by the stand-in).
    Url(String),
    /// Bytes uploaded with multipart/form-data.
    Upload(UploadedFile),
}

/// A file the bot uploaded with multipart/form-data.
#[derive(Clone, Debug, PartialEq)]
pub struct UploadedFile {
    /// The form part's name (what `attach://` named).
    pub part: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    /// The number of bytes uploaded.
    pub len: usize,
    /// The first bytes (up to 64), e.g. to check a PNG signature.
    pub head: Vec<u8>,
}

/// One button of a reply keyboard.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplyButton {
    pub text: String,
    /// Pressing it shares the user's location (private chats only).
    pub request_location: bool,
    /// Pressing it shares the user's phone number (private chats only).
    pub request_contact: bool,
}

/// A reply keyboard as the bot set it (ReplyKeyboardMarkup).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplyKeyboard {
    pub rows: Vec<Vec<ReplyButton>>,
    pub one_time: bool,
    pub resize: bool,
    pub persistent: bool,
    pub selective: bool,
    pub placeholder: Option<String>,
}

/// What a message's `reply_markup` did to the chat's reply keyboard.
#[derive(Clone, Debug, PartialEq)]
pub enum ReplyKeyboardChange {
    Show(ReplyKeyboard),
    /// ReplyKeyboardRemove.
    Remove {
        selective: bool,
    },
    /// ForceReply.
    ForceReply {
        placeholder: Option<String>,
        selective: bool,
    },
}

impl SentMessage {
    /// The callback_data of the first button with this label.
    pub fn button_data(&self, label: &str) -> Option<&str> {
        self.keyboard
            .iter()
            .flatten()
            .find(|(text, _)| text == label)
            .map(|(_, data)| data.as_str())
    }
}

/// One thing a person watching the chats would have seen, in order.
#[derive(Clone, Debug)]
pub enum TimelineEntry {
    /// An update pushed to the bot (as queued, with update_id).
    Incoming { update: Value },
    /// The bot sent a message.
    BotSent { message: SentMessage },
    /// The bot edited a message; `message` is its new state.
    BotEdited { message: SentMessage },
    /// The bot deleted one of the messages in a chat.
    BotDeleted { chat_id: i64, message_id: i32 },
    /// answerCallbackQuery with a text: the popup the pressing user saw.
    Toast {
        chat_id: Option<i64>,
        text: String,
        show_alert: bool,
    },
}

/// The webhook setWebhook set (see `StandIn::webhook`).
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookConfig {
    pub url: String,
    /// Sent as the X-Telegram-Bot-Api-Secret-Token header of every delivery.
    pub secret_token: Option<String>,
    /// Deliveries in flight at most (Telegram's default is 40).
    pub max_connections: usize,
    pub ip_address: Option<String>,
    pub has_custom_certificate: bool,
}

/// Webhook delivery counters (see `StandIn::webhook_stats`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WebhookStats {
    /// Updates the webhook accepted (answered 2xx).
    pub delivered: usize,
    /// Failed attempts (a non-2xx answer, no connection, a timeout) that were tried again.
    pub retried: usize,
    /// All failed attempts, including ones not retried because the webhook changed.
    pub failed: usize,
    /// The most deliveries that were in flight at once.
    pub max_in_flight: usize,
}

/// The Bot API version the embedded spec describes ("Bot API 9.1").
pub fn spec_version() -> &'static str {
    &spec::spec().version
}

/// The running stand-in. Dropping it (or `shutdown`) stops the server.
pub struct StandIn {
    shared: Arc<Shared>,
    address: SocketAddr,
    stop: Mutex<Option<oneshot::Sender<()>>>,
}

impl StandIn {
    /// Binds 127.0.0.1 on a free port and starts serving.
    pub async fn start() -> StandIn {
        let shared = Arc::new(Shared::new());
        // Binding loopback port 0 fails only when the machine has no usable network stack,
        // where nothing in the test suite could work anyway.
        let (address, stop) = server::start(shared.clone())
            .await
            .expect("bind 127.0.0.1:0 for the Bot API stand-in");
        StandIn {
            shared,
            address,
            stop: Mutex::new(Some(stop)),
        }
    }

    /// The URL to give `Bot::set_api_url`.
    pub fn api_url(&self) -> url::Url {
        let text = format!("http://{}/", self.address);
        url::Url::parse(&text).expect("a socket address forms a valid URL")
    }

    /// A teloxide Bot pointed at this stand-in.
    pub fn bot(&self) -> teloxide::Bot {
        teloxide::Bot::new(TOKEN).set_api_url(self.api_url())
    }

    /// Stops accepting connections and ends waiting long polls. Idempotent.
    pub fn shutdown(&self) {
        self.shared.update(|state| state.shut_down = true);
        let stop = self
            .stop
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(stop) = stop {
            let _ = stop.send(());
        }
    }

    /// Every request so far.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// The requests to one method (any letter case).
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|call| call.method.eq_ignore_ascii_case(method))
            .collect()
    }

    pub fn violations(&self) -> Vec<Violation> {
        self.shared.lock().violations.clone()
    }

    /// Edits answered "message is not modified" (allowed, but worth watching).
    pub fn not_modified_count(&self) -> usize {
        self.shared.lock().not_modified_count
    }

    /// The bot's messages in a chat, in message id order, as they are now.
    pub fn messages(&self, chat_id: i64) -> Vec<SentMessage> {
        let state = self.shared.lock();
        state
            .chats
            .get(&chat_id)
            .map(|chat| {
                chat.messages
                    .values()
                    .filter_map(|m| m.sent.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every version of every message the bot posted in a chat, in the order people saw them:
    /// each send and each edit (deleted messages included), with what each showed then.
    pub fn shown_in(&self, chat_id: i64) -> Vec<SentMessage> {
        self.shared
            .lock()
            .timeline
            .iter()
            .filter_map(|entry| match entry {
                TimelineEntry::BotSent { message } | TimelineEntry::BotEdited { message }
                    if message.chat_id == chat_id =>
                {
                    Some(message.clone())
                }
                _ => None,
            })
            .collect()
    }

    /// Everything the bot ever showed in a chat, as one text to search: each version of each
    /// message (`shown_in`) with its HTML, its visible text, its content JSON (mentions with
    /// names, captions, copied locations, venues, contacts), its inline buttons' labels and
    /// data, its reply keyboard's labels, and the toasts of presses there. A test asserts that
    /// a name or an id is absent from it.
    pub fn everything_shown_in(&self, chat_id: i64) -> String {
        let mut out = String::new();
        for m in self.shown_in(chat_id) {
            out.push_str(&m.html);
            out.push('\n');
            out.push_str(&m.text);
            out.push('\n');
            out.push_str(&m.content.to_string());
            out.push('\n');
            for (label, data) in m.keyboard.iter().flatten() {
                out.push_str(&format!("{label}\t{data}\n"));
            }
            for id in &m.mentioned_user_ids {
                out.push_str(&format!("{id}\n"));
            }
            match &m.reply_keyboard {
                Some(ReplyKeyboardChange::Show(keyboard)) => {
                    for button in keyboard.rows.iter().flatten() {
                        out.push_str(&button.text);
                        out.push('\n');
                    }
                    if let Some(p) = &keyboard.placeholder {
                        out.push_str(p);
                        out.push('\n');
                    }
                }
                Some(ReplyKeyboardChange::ForceReply {
                    placeholder: Some(p),
                    ..
                }) => {
                    out.push_str(p);
                    out.push('\n');
                }
                _ => {}
            }
        }
        for entry in self.timeline() {
            if let TimelineEntry::Toast {
                chat_id: Some(c),
                text,
                ..
            } = entry
            {
                if c == chat_id {
                    out.push_str(&text);
                    out.push('\n');
                }
            }
        }
        out
    }

    /// The chats the bot posted anything in, ascending (groups have negative ids).
    pub fn chats_posted_in(&self) -> Vec<i64> {
        let mut chats: Vec<i64> = self
            .shared
            .lock()
            .timeline
            .iter()
            .filter_map(|entry| match entry {
                TimelineEntry::BotSent { message } => Some(message.chat_id),
                _ => None,
            })
            .collect();
        chats.sort_unstable();
        chats.dedup();
        chats
    }

    /// One of the bot's messages.
    pub fn message(&self, chat_id: i64, message_id: i32) -> Option<SentMessage> {
        self.shared
            .lock()
            .message(chat_id, message_id)?
            .sent
            .clone()
    }

    /// The reply keyboard the bot's messages left in a chat: the last ReplyKeyboardMarkup
    /// sent there (selective or not), until a ReplyKeyboardRemove. None if there is none.
    pub fn reply_keyboard(&self, chat_id: i64) -> Option<ReplyKeyboard> {
        self.shared
            .lock()
            .chats
            .get(&chat_id)
            .and_then(|chat| chat.reply_keyboard.clone())
    }

    /// The webhook setWebhook set, if one is set.
    pub fn webhook(&self) -> Option<WebhookConfig> {
        self.shared
            .lock()
            .webhook
            .as_ref()
            .map(|webhook| webhook.config.clone())
    }

    /// Webhook delivery counters since the stand-in started.
    pub fn webhook_stats(&self) -> WebhookStats {
        self.shared.lock().delivery.stats
    }

    /// answerCallbackQuery calls: (callback_query_id, text, show_alert).
    pub fn toasts(&self) -> Vec<(String, Option<String>, bool)> {
        self.shared.lock().toasts.clone()
    }

    pub fn timeline(&self) -> Vec<TimelineEntry> {
        self.shared.lock().timeline.clone()
    }

    /// Waits until `predicate` holds, re-checking after every change; false on timeout.
    /// The predicate gets the stand-in, so it can use any inspection method.
    pub async fn wait_until(
        &self,
        predicate: impl Fn(&StandIn) -> bool,
        timeout: Duration,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let changed = self.shared.changed.notified();
            tokio::pin!(changed);
            // Registered before checking, so a change between check and await still wakes us.
            changed.as_mut().enable();
            if predicate(self) {
                return true;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return predicate(self);
            }
        }
    }

    /// Waits until at least `count` calls to `method` have been answered (not pending).
    pub async fn wait_for_calls(&self, method: &str, count: usize, timeout: Duration) -> bool {
        self.wait_until(
            |s| {
                s.calls_to(method)
                    .iter()
                    .filter(|c| c.outcome != CallOutcome::Pending)
                    .count()
                    >= count
            },
            timeout,
        )
        .await
    }

    /// Queues an update for getUpdates and appends it to the timeline. An `update_id` already
    /// in the value is kept (real ids can jump); otherwise the next id is assigned. Messages in
    /// it are remembered so replies and callbacks can embed them. Returns the update_id.
    pub fn push_update(&self, mut update: Value) -> i64 {
        self.shared.update(|state| {
            let id = match update.get("update_id").and_then(Value::as_i64) {
                Some(id) => id,
                None => state.next_update_id.max(1),
            };
            state.next_update_id = state.next_update_id.max(id + 1);
            // A non-object is queued as given, so the bot's parse failure shows the mistake.
            if let Some(object) = update.as_object_mut() {
                object.insert("update_id".to_string(), Value::from(id));
            }
            for key in ["message", "edited_message", "channel_post"] {
                if let Some(message) = update.get(key) {
                    state.store_incoming(message);
                }
            }
            if let Some(query) = update.get("callback_query") {
                if let Some(query_id) = query.get("id").and_then(Value::as_str) {
                    let chat_id = query
                        .pointer("/message/chat/id")
                        .and_then(Value::as_i64)
                        .unwrap_or(0);
                    state
                        .open_callback_queries
                        .insert(query_id.to_string(), chat_id);
                }
            }
            let position = state
                .queue
                .iter()
                .position(|queued| queued["update_id"].as_i64().unwrap_or(0) > id)
                .unwrap_or(state.queue.len());
            state.queue.insert(position, update.clone());
            state.timeline.push(TimelineEntry::Incoming { update });
            id
        })
    }

    /// Updates queued and not yet confirmed by an offset.
    pub fn pending_updates(&self) -> Vec<Value> {
        self.shared.lock().queue.iter().cloned().collect()
    }

    /// The highest offset a getUpdates call has confirmed (0 before any).
    pub fn confirmed_offset(&self) -> i64 {
        self.shared.lock().confirmed_offset
    }

    /// Every offset getUpdates was called with, in order.
    pub fn offsets_seen(&self) -> Vec<i64> {
        self.shared.lock().offsets_seen.clone()
    }

    /// Makes the next `times` requests to `method` (any case; None = any method) meet `fault`.
    pub fn inject(&self, method: Option<&str>, fault: Fault, times: usize) {
        self.shared.update(|state| {
            state.faults.push(InjectedFault {
                method: method.map(str::to_lowercase),
                fault,
                remaining: times,
            })
        });
    }

    /// From now on, requests naming `old_id` get Telegram's "group chat was upgraded to a
    /// supergroup chat" with parameters.migrate_to_chat_id = `new_id`.
    pub fn set_chat_migrated(&self, old_id: i64, new_id: i64) {
        self.shared
            .update(|state| state.migrated.insert(old_id, new_id));
    }

    /// Makes a user known, so text_mention entities and private chats carry their name.
    pub fn register_user(&self, user: &TgUser) {
        self.shared.update(|state| state.remember_user(user));
    }

    /// Makes a group's title known, for chat JSON and the transcript.
    pub fn register_chat(&self, chat: &TgChat) {
        self.shared.update(|state| state.remember_chat(chat));
    }

    /// The commands last set with setMyCommands for a scope type ("default", "all_group_chats",
    /// ...) and language code ("" for none), as BotCommand JSON.
    pub fn my_commands(&self, scope_type: &str, language_code: &str) -> Vec<Value> {
        let state = self.shared.lock();
        state
            .commands
            .iter()
            .find(|((scope, language), _)| {
                language == language_code
                    && serde_json::from_str::<Value>(scope)
                        .ok()
                        .and_then(|s| s["type"].as_str().map(str::to_string))
                        .as_deref()
                        == Some(scope_type)
            })
            .and_then(|(_, commands)| commands.as_array().cloned())
            .unwrap_or_default()
    }

    /// The timeline as a readable chat log; `chat_titles` overrides known titles.
    pub fn transcript(&self, chat_titles: &HashMap<i64, String>) -> String {
        let (timeline, known_titles, users) = {
            let state = self.shared.lock();
            (
                state.timeline.clone(),
                state.chat_titles.clone(),
                state.users.clone(),
            )
        };
        let mut titles = known_titles;
        titles.extend(chat_titles.iter().map(|(id, title)| (*id, title.clone())));
        transcript::render(&timeline, &titles, &users)
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.shutdown();
    }
}
