//! The stand-in's shared state: chats and their messages, the update queue, recorded calls,
//! violations, toasts, the timeline, injected faults. One std Mutex guards it (requests are
//! short and never hold it across an await); a tokio Notify wakes long polls and test waiters
//! whenever anything changes.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use tokio::sync::Notify;

use super::html::FormattedText;
use super::updates::{TgChat, TgUser};
use super::{
    Call, Fault, ReplyKeyboard, SentMessage, TimelineEntry, Violation, WebhookConfig, WebhookStats,
    BOT_FIRST_NAME, BOT_ID, BOT_USERNAME,
};

/// Everything the server and the inspection methods share.
pub(crate) struct Shared {
    pub state: Mutex<State>,
    /// Woken (notify_waiters) after every change of `state`.
    pub changed: Notify,
}

impl Shared {
    pub fn new() -> Shared {
        Shared {
            state: Mutex::new(State::default()),
            changed: Notify::new(),
        }
    }

    /// Locks the state. A panic elsewhere while holding the lock must not make every later
    /// test assertion panic too, so poisoning is ignored.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `change` under the lock, then wakes waiters.
    pub fn update<T>(&self, change: impl FnOnce(&mut State) -> T) -> T {
        let result = change(&mut self.lock());
        self.changed.notify_waiters();
        result
    }
}

/// A message the stand-in knows: the bot's own (with `sent`) or an incoming one.
#[derive(Clone, Debug)]
pub(crate) struct StoredMessage {
    /// The full Message JSON as Telegram would show it (used to embed in replies/callbacks).
    pub json: Value,
    pub sent: Option<SentMessage>,
    /// The bot's message as parsed, for not-modified comparisons.
    pub formatted: Option<FormattedText>,
    pub reply_markup: Option<Value>,
}

#[derive(Default)]
pub(crate) struct ChatState {
    pub next_message_id: i32,
    pub messages: BTreeMap<i32, StoredMessage>,
    /// The reply keyboard the bot's last ReplyKeyboardMarkup set (None after a remove).
    pub reply_keyboard: Option<ReplyKeyboard>,
}

/// The webhook as setWebhook set it.
#[derive(Clone, Debug)]
pub(crate) struct Webhook {
    pub config: WebhookConfig,
    /// Bumped by every setWebhook/deleteWebhook, so deliveries for an old one stop.
    pub generation: u64,
}

/// Delivery bookkeeping of the webhook driver.
#[derive(Default)]
pub(crate) struct WebhookDelivery {
    pub driver_started: bool,
    /// update_ids being posted right now (each holds one connection).
    pub in_flight: HashSet<i64>,
    pub stats: WebhookStats,
    pub last_error: Option<(i64, String)>,
}

pub(crate) struct InjectedFault {
    /// Lower-cased method name, or None for any method.
    pub method: Option<String>,
    pub fault: Fault,
    pub remaining: usize,
}

#[derive(Default)]
pub(crate) struct State {
    pub next_update_id: i64,
    /// Updates not yet confirmed, in update_id order.
    pub queue: VecDeque<Value>,
    pub confirmed_offset: i64,
    pub offsets_seen: Vec<i64>,
    /// Bumped by each getUpdates so an older, still waiting poll ends with 409 like Telegram.
    pub poll_generation: u64,
    /// allowed_updates from the last getUpdates that gave it (Telegram remembers it).
    pub allowed_updates: Option<Vec<String>>,
    pub calls: Vec<Call>,
    pub violations: Vec<Violation>,
    pub not_modified_count: usize,
    pub chats: HashMap<i64, ChatState>,
    pub toasts: Vec<(String, Option<String>, bool)>,
    pub timeline: Vec<TimelineEntry>,
    pub faults: Vec<InjectedFault>,
    pub migrated: HashMap<i64, i64>,
    pub users: HashMap<i64, TgUser>,
    pub chat_titles: HashMap<i64, String>,
    /// Callback query ids handed out and not yet answered.
    pub open_callback_queries: HashMap<String, i64>,
    pub next_callback_id: u64,
    /// setMyCommands by (scope JSON, language_code).
    pub commands: HashMap<(String, String), Value>,
    pub shut_down: bool,
    /// Photos by file_id (of any of their sizes): the PhotoSize array Telegram would show.
    pub photos: HashMap<String, Value>,
    /// Numbers for file ids and media group ids the stand-in makes up.
    pub next_file_number: u64,
    pub webhook: Option<Webhook>,
    pub webhook_generation: u64,
    pub delivery: WebhookDelivery,
}

pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub(crate) fn bot_user_json() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME})
}

impl State {
    /// The next message id in a chat; bot and incoming messages share the counter.
    pub fn allocate_message_id(&mut self, chat_id: i64) -> i32 {
        let chat = self.chats.entry(chat_id).or_default();
        chat.next_message_id = chat.next_message_id.max(1);
        let id = chat.next_message_id;
        chat.next_message_id += 1;
        id
    }

    pub fn remember_user(&mut self, user: &TgUser) {
        self.users.insert(user.id, user.clone());
    }

    pub fn remember_chat(&mut self, chat: &TgChat) {
        self.chat_titles.insert(chat.id, chat.title.clone());
    }

    pub fn user_json(&self, user_id: i64) -> Value {
        if user_id == BOT_ID {
            return bot_user_json();
        }
        match self.users.get(&user_id) {
            Some(user) => user.to_json(),
            None => json!({"id": user_id, "is_bot": false, "first_name": user_id.to_string()}),
        }
    }

    /// Chat JSON as in a Message: type from the id's shape, title for groups, name for users.
    pub fn chat_json(&self, chat_id: i64) -> Value {
        if chat_id > 0 {
            let mut chat = json!({"id": chat_id, "type": "private"});
            let user = self.user_json(chat_id);
            for key in ["first_name", "last_name", "username"] {
                if let Some(value) = user.get(key) {
                    chat[key] = value.clone();
                }
            }
            return chat;
        }
        let kind = if chat_id.to_string().starts_with("-100") {
            "supergroup"
        } else {
            "group"
        };
        let title = self
            .chat_titles
            .get(&chat_id)
            .cloned()
            .unwrap_or_else(|| chat_id.to_string());
        json!({"id": chat_id, "title": title, "type": kind})
    }

    pub fn message(&self, chat_id: i64, message_id: i32) -> Option<&StoredMessage> {
        self.chats.get(&chat_id)?.messages.get(&message_id)
    }

    /// A stored message as it appears embedded in another (reply_to_message, callback):
    /// Telegram does not nest reply_to_message further.
    pub fn embedded_message(&self, chat_id: i64, message_id: i32) -> Option<Value> {
        let mut json = self.message(chat_id, message_id)?.json.clone();
        if let Some(object) = json.as_object_mut() {
            object.remove("reply_to_message");
        }
        Some(json)
    }

    /// Stores an incoming message found in a pushed update so replies can reference it.
    pub fn store_incoming(&mut self, message: &Value) {
        let (Some(chat_id), Some(message_id)) = (
            message.pointer("/chat/id").and_then(Value::as_i64),
            message.get("message_id").and_then(Value::as_i64),
        ) else {
            return;
        };
        let message_id = message_id as i32;
        self.remember_photo(message.get("photo"));
        let chat = self.chats.entry(chat_id).or_default();
        chat.next_message_id = chat.next_message_id.max(message_id + 1);
        chat.messages.insert(
            message_id,
            StoredMessage {
                json: message.clone(),
                sent: None,
                formatted: None,
                reply_markup: None,
            },
        );
    }

    /// Makes every size of a photo (a PhotoSize array) known by its file_id, so the bot can
    /// send it again by file_id.
    pub fn remember_photo(&mut self, sizes: Option<&Value>) {
        let Some(list) = sizes.and_then(Value::as_array) else {
            return;
        };
        for size in list {
            if let Some(file_id) = size.get("file_id").and_then(Value::as_str) {
                self.photos
                    .insert(file_id.to_string(), Value::Array(list.clone()));
            }
        }
    }

    /// A fresh number for a made-up file id or media group id.
    pub fn next_number(&mut self) -> u64 {
        self.next_file_number += 1;
        self.next_file_number
    }

    pub fn record_violation(&mut self, method: &str, params: &Value, description: &str) {
        self.violations.push(Violation {
            method: method.to_string(),
            params: params.clone(),
            description: description.to_string(),
        });
    }
}
