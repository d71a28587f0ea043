//! Builders for the updates tests push to the bot, in the exact shapes of real Telegram
//! payloads (see ../shared/telegram/updates/ and the README): messages in groups and private
//! chats, replies that embed the replied message, photos and albums, locations, venues and
//! live locations (with their edits), callback queries, membership changes, migrations, edits,
//! forwards, anonymous admins. They are methods on
//! StandIn because message ids come from the same per-chat counter as the bot's messages and
//! replies embed messages the stand-in holds. Builders only build; `push_update` queues.

use serde_json::{json, Value};

use super::html::utf16_len;
use super::state::unix_now;
use super::{StandIn, ANONYMOUS_ADMIN_ID, BOT_FIRST_NAME, BOT_ID, BOT_USERNAME};

/// A Telegram user as the tests describe one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TgUser {
    pub id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
}

impl TgUser {
    pub fn new(id: i64, first_name: &str) -> TgUser {
        TgUser {
            id,
            first_name: first_name.to_string(),
            last_name: None,
            username: None,
            language_code: None,
        }
    }

    pub fn with_username(mut self, username: &str) -> TgUser {
        self.username = Some(username.to_string());
        self
    }

    pub fn with_last_name(mut self, last_name: &str) -> TgUser {
        self.last_name = Some(last_name.to_string());
        self
    }

    pub fn with_language(mut self, language_code: &str) -> TgUser {
        self.language_code = Some(language_code.to_string());
        self
    }

    /// The bot itself, e.g. for new_chat_members when it is added to a group.
    pub fn bot() -> TgUser {
        TgUser::new(BOT_ID, BOT_FIRST_NAME).with_username(BOT_USERNAME)
    }

    /// First and last name, as Telegram clients show a user.
    pub fn display_name(&self) -> String {
        match &self.last_name {
            Some(last) => format!("{} {last}", self.first_name),
            None => self.first_name.clone(),
        }
    }

    /// Telegram's User JSON.
    pub fn to_json(&self) -> Value {
        let is_bot = self.id == BOT_ID || self.id == ANONYMOUS_ADMIN_ID;
        let mut user = json!({"id": self.id, "is_bot": is_bot, "first_name": self.first_name});
        if let Some(last) = &self.last_name {
            user["last_name"] = json!(last);
        }
        if let Some(username) = &self.username {
            user["username"] = json!(username);
        }
        if let Some(language) = &self.language_code {
            user["language_code"] = json!(language);
        }
        user
    }
}

/// A chat: a group (negative id; ids starting -100 are supergroups) or a user's private chat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TgChat {
    pub id: i64,
    pub title: String,
}

impl TgChat {
    pub fn new(id: i64, title: &str) -> TgChat {
        TgChat {
            id,
            title: title.to_string(),
        }
    }

    /// The private chat between `user` and the bot (its id is the user's id).
    pub fn private(user: &TgUser) -> TgChat {
        TgChat {
            id: user.id,
            title: user.display_name(),
        }
    }
}

/// Entities Telegram detects in text a user types: a leading bot_command and @mentions.
pub fn detected_entities(text: &str) -> Vec<Value> {
    let mut entities = Vec::new();
    if text.starts_with('/') {
        let end = text.find(char::is_whitespace).unwrap_or(text.len());
        entities
            .push(json!({"offset": 0, "length": utf16_len(&text[..end]), "type": "bot_command"}));
    }
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut search_from = 0;
    while let Some(found) = text[search_from..].find('@') {
        let at = search_from + found;
        let before_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_name_char(c) && c != '/');
        let name_len = text[at + 1..]
            .find(|c: char| !is_name_char(c))
            .unwrap_or(text.len() - at - 1);
        // Telegram usernames have at least 4 characters after the '@' here; shorter ones are
        // left as plain text, as the clients do.
        let in_command = text.starts_with('/') && !text[..at].contains(char::is_whitespace);
        if before_ok && name_len >= 4 && !in_command {
            entities.push(json!({
                "offset": utf16_len(&text[..at]),
                "length": 1 + name_len,
                "type": "mention",
            }));
        }
        search_from = at + 1 + name_len;
    }
    entities
}

fn with_text(mut message: Value, text: &str, entities: Vec<Value>) -> Value {
    message["text"] = json!(text);
    if !entities.is_empty() {
        message["entities"] = Value::Array(entities);
    }
    message
}

/// A bijective 64-bit mix (splitmix64's finaliser): file ids are opaque on Telegram, so a made-up
/// one must not spell the chat or user id it came from (a test searching a group chat for a
/// resident's id would find it in a photo's file_id).
fn opaque(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Adds three photo sizes (file ids unique per chat and message, opaque) and a caption.
fn with_photo(mut message: Value, caption: Option<&str>) -> Value {
    let id = message["message_id"].as_i64().unwrap_or(0);
    let chat = opaque(message["chat"]["id"].as_i64().unwrap_or(0) as u64);
    // Unique per (chat, message): the chat's mix with the message id beside it.
    let chat = format!("{chat:016X}");
    let sizes: Vec<Value> = [(90, 67, 1_301), (320, 240, 15_873), (800, 600, 62_123)]
        .iter()
        .enumerate()
        .map(|(index, (width, height, size))| {
            json!({
                "file_id": format!("AgACAgUAAxkBAAI{chat}{id:06X}{index}StandInPhoto"),
                "file_unique_id": format!("AQAD{chat}{id:06X}{index}"),
                "file_size": size,
                "width": width,
                "height": height,
            })
        })
        .collect();
    message["photo"] = Value::Array(sizes);
    if let Some(caption) = caption {
        message["caption"] = json!(caption);
        let entities = detected_entities(caption);
        if !entities.is_empty() {
            message["caption_entities"] = Value::Array(entities);
        }
    }
    message
}

fn chat_member(status: &str) -> Value {
    let mut member = json!({"user": TgUser::bot().to_json(), "status": status});
    match status {
        "kicked" => member["until_date"] = json!(0),
        "administrator" => {
            // The rights a group owner grants by default when promoting a bot.
            for (right, value) in [
                ("can_be_edited", false),
                ("can_manage_chat", true),
                ("can_change_info", true),
                ("can_delete_messages", true),
                ("can_invite_users", true),
                ("can_restrict_members", true),
                ("can_pin_messages", true),
                ("can_promote_members", false),
                ("can_manage_video_chats", true),
                ("is_anonymous", false),
            ] {
                member[right] = json!(value);
            }
        }
        _ => {}
    }
    member
}

impl StandIn {
    /// A message skeleton: next id in the chat, sender, chat, date. Remembers user and chat.
    fn new_message(&self, chat: &TgChat, from: &TgUser) -> Value {
        self.shared.update(|state| {
            state.remember_user(from);
            if chat.id < 0 {
                state.remember_chat(chat);
            }
            let message_id = state.allocate_message_id(chat.id);
            json!({
                "message_id": message_id,
                "from": from.to_json(),
                "chat": state.chat_json(chat.id),
                "date": unix_now(),
            })
        })
    }

    /// A text message in a group, with bot_command and mention entities as Telegram adds them.
    pub fn group_text(&self, chat: &TgChat, from: &TgUser, text: &str) -> Value {
        let message = self.new_message(chat, from);
        json!({"message": with_text(message, text, detected_entities(text))})
    }

    /// A text message in a group that mentions users without usernames: each (name, user)
    /// marks the first occurrence of `name` as a text_mention of `user`.
    pub fn group_text_with_mentions(
        &self,
        chat: &TgChat,
        from: &TgUser,
        text: &str,
        mentions: &[(&str, &TgUser)],
    ) -> Value {
        let mut entities = detected_entities(text);
        for (name, user) in mentions {
            if let Some(at) = text.find(name) {
                entities.push(json!({
                    "offset": utf16_len(&text[..at]),
                    "length": utf16_len(name),
                    "type": "text_mention",
                    "user": user.to_json(),
                }));
            }
        }
        entities.sort_by_key(|e| e["offset"].as_u64().unwrap_or(0));
        let message = self.new_message(chat, from);
        json!({"message": with_text(message, text, entities)})
    }

    /// A text message in the user's private chat with the bot.
    pub fn private_text(&self, from: &TgUser, text: &str) -> Value {
        self.register_user(from);
        let message = self.new_message(&TgChat::private(from), from);
        json!({"message": with_text(message, text, detected_entities(text))})
    }

    /// A reply to a message the stand-in holds (the bot's or one pushed earlier), embedded in
    /// full as reply_to_message like Telegram does. None if there is no such message.
    pub fn reply(
        &self,
        chat: &TgChat,
        from: &TgUser,
        to_message_id: i32,
        text: &str,
    ) -> Option<Value> {
        let replied = self
            .shared
            .lock()
            .embedded_message(chat.id, to_message_id)?;
        let mut message = with_text(self.new_message(chat, from), text, detected_entities(text));
        message["reply_to_message"] = replied;
        Some(json!({"message": message}))
    }

    /// A photo (three sizes) with an optional caption and its detected entities.
    pub fn photo(&self, chat: &TgChat, from: &TgUser, caption: Option<&str>) -> Value {
        let message = self.new_message(chat, from);
        json!({"message": with_photo(message, caption)})
    }

    /// An album: `count` photos sent together, as Telegram delivers them: one update per
    /// photo, all sharing a media_group_id, the caption (if any) on the first. Push each.
    pub fn album(
        &self,
        chat: &TgChat,
        from: &TgUser,
        count: usize,
        caption: Option<&str>,
    ) -> Vec<Value> {
        let group_id = self
            .shared
            .update(|state| format!("{}", 13_600_000_000_000_000u64 + state.next_number()));
        (0..count)
            .map(|index| {
                let caption = caption.filter(|_| index == 0);
                let mut message = with_photo(self.new_message(chat, from), caption);
                message["media_group_id"] = json!(group_id);
                json!({"message": message})
            })
            .collect()
    }

    /// A shared location.
    pub fn location(&self, chat: &TgChat, from: &TgUser, latitude: f64, longitude: f64) -> Value {
        let mut message = self.new_message(chat, from);
        message["location"] = json!({"latitude": latitude, "longitude": longitude});
        json!({"message": message})
    }

    /// A location the user shared in their private chat with the bot (e.g. by a
    /// request_location button).
    pub fn private_location(&self, from: &TgUser, latitude: f64, longitude: f64) -> Value {
        self.register_user(from);
        self.location(&TgChat::private(from), from, latitude, longitude)
    }

    /// A venue (a place picked on the map). Telegram sends `venue` and, for older clients,
    /// the same point as `location`; teloxide reads it as MediaKind::Venue.
    pub fn venue(
        &self,
        chat: &TgChat,
        from: &TgUser,
        (latitude, longitude): (f64, f64),
        title: &str,
        address: &str,
    ) -> Value {
        let mut message = self.new_message(chat, from);
        let point = json!({"latitude": latitude, "longitude": longitude});
        message["location"] = point.clone();
        message["venue"] = json!({"location": point, "title": title, "address": address});
        json!({"message": message})
    }

    /// A live location the user started sharing for `live_period` seconds.
    pub fn live_location(
        &self,
        chat: &TgChat,
        from: &TgUser,
        (latitude, longitude): (f64, f64),
        live_period: u32,
    ) -> Value {
        let mut message = self.new_message(chat, from);
        message["location"] = json!({
            "latitude": latitude,
            "longitude": longitude,
            "live_period": live_period,
            "horizontal_accuracy": 12.5,
        });
        json!({"message": message})
    }

    /// A live location moving: Telegram sends each new position as an edited_message of
    /// the live location message, with its original date and live_period.
    pub fn live_location_edit(
        &self,
        chat: &TgChat,
        from: &TgUser,
        message_id: i32,
        (latitude, longitude): (f64, f64),
    ) -> Value {
        let (chat_json, date, live_period) = {
            let state = self.shared.lock();
            let original = state.message(chat.id, message_id).map(|m| &m.json);
            let date = original
                .and_then(|m| m["date"].as_i64())
                .unwrap_or_else(unix_now);
            let live_period = original
                .and_then(|m| m.pointer("/location/live_period"))
                .and_then(Value::as_i64)
                .unwrap_or(900);
            (state.chat_json(chat.id), date, live_period)
        };
        json!({
            "edited_message": {
                "message_id": message_id,
                "from": from.to_json(),
                "chat": chat_json,
                "date": date,
                "edit_date": unix_now(),
                "location": {
                    "latitude": latitude,
                    "longitude": longitude,
                    "live_period": live_period,
                    "horizontal_accuracy": 8.0,
                },
            }
        })
    }

    /// A press on a button of the bot's message, with that message embedded. None if the
    /// stand-in holds no such message.
    pub fn callback(
        &self,
        chat_id: i64,
        from: &TgUser,
        message_id: i32,
        data: &str,
    ) -> Option<Value> {
        let (message, query_id) = self.shared.update(|state| {
            state.remember_user(from);
            let message = state.embedded_message(chat_id, message_id)?;
            state.next_callback_id += 1;
            let query_id = format!("{}", 4_382_000_000_000_000_000u64 + state.next_callback_id);
            Some((message, query_id))
        })?;
        // chat_instance is a stable opaque number per chat in real payloads.
        let chat_instance = format!("{}", -(chat_id.unsigned_abs() as i128 * 7919 + 17));
        Some(json!({
            "callback_query": {
                "id": query_id,
                "from": from.to_json(),
                "message": message,
                "chat_instance": chat_instance,
                "data": data,
            }
        }))
    }

    /// A press on the button labelled `label` of the bot's message. None if no such button.
    pub fn press_button(
        &self,
        chat_id: i64,
        from: &TgUser,
        message_id: i32,
        label: &str,
    ) -> Option<Value> {
        let message = self.message(chat_id, message_id)?;
        let data = message.button_data(label)?.to_string();
        self.callback(chat_id, from, message_id, &data)
    }

    /// The bot's membership in a chat changed from `old_status` to `new_status` ("left",
    /// "member", "administrator", "kicked"), done by `by`.
    pub fn my_chat_member(
        &self,
        chat: &TgChat,
        by: &TgUser,
        old_status: &str,
        new_status: &str,
    ) -> Value {
        let chat_json = self.shared.update(|state| {
            state.remember_user(by);
            if chat.id < 0 {
                state.remember_chat(chat);
            }
            state.chat_json(chat.id)
        });
        json!({
            "my_chat_member": {
                "chat": chat_json,
                "from": by.to_json(),
                "date": unix_now(),
                "old_chat_member": chat_member(old_status),
                "new_chat_member": chat_member(new_status),
            }
        })
    }

    /// The bot was added to a group (left -> member).
    pub fn bot_added(&self, chat: &TgChat, by: &TgUser) -> Value {
        self.my_chat_member(chat, by, "left", "member")
    }

    /// The bot was removed from a group (member -> kicked).
    pub fn bot_kicked(&self, chat: &TgChat, by: &TgUser) -> Value {
        self.my_chat_member(chat, by, "member", "kicked")
    }

    /// The user blocked the bot in their private chat (member -> kicked).
    pub fn bot_blocked(&self, user: &TgUser) -> Value {
        self.register_user(user);
        self.my_chat_member(&TgChat::private(user), user, "member", "kicked")
    }

    /// The service message for members joining (added by `by`), with the legacy
    /// new_chat_participant / new_chat_member fields Telegram still sends.
    pub fn new_chat_members(&self, chat: &TgChat, by: &TgUser, members: &[TgUser]) -> Value {
        let mut message = self.new_message(chat, by);
        let list: Vec<Value> = members.iter().map(TgUser::to_json).collect();
        if let Some(first) = list.first() {
            message["new_chat_participant"] = first.clone();
            message["new_chat_member"] = first.clone();
        }
        message["new_chat_members"] = Value::Array(list);
        json!({"message": message})
    }

    /// The service message in the old group when it becomes the supergroup `new_id`.
    pub fn migrate_to_supergroup(&self, old_group: &TgChat, new_id: i64, by: &TgUser) -> Value {
        let mut message = self.new_message(old_group, by);
        message["migrate_to_chat_id"] = json!(new_id);
        json!({"message": message})
    }

    /// The service message in the new supergroup naming the group it came from.
    pub fn migrate_from_group(&self, supergroup: &TgChat, old_id: i64, by: &TgUser) -> Value {
        let mut message = self.new_message(supergroup, by);
        message["migrate_from_chat_id"] = json!(old_id);
        json!({"message": message})
    }

    /// A user's message edited to `new_text` (edited_message, with edit_date).
    pub fn edited(&self, chat: &TgChat, from: &TgUser, message_id: i32, new_text: &str) -> Value {
        let (chat_json, date) = {
            let state = self.shared.lock();
            let date = state
                .message(chat.id, message_id)
                .and_then(|m| m.json["date"].as_i64())
                .unwrap_or_else(unix_now);
            (state.chat_json(chat.id), date)
        };
        let message = json!({
            "message_id": message_id,
            "from": from.to_json(),
            "chat": chat_json,
            "date": date,
            "edit_date": unix_now(),
        });
        json!({"edited_message": with_text(message, new_text, detected_entities(new_text))})
    }

    /// A message `from` forwarded into the chat, originally written by `origin`.
    pub fn forwarded(&self, chat: &TgChat, from: &TgUser, origin: &TgUser, text: &str) -> Value {
        let mut message = with_text(self.new_message(chat, from), text, detected_entities(text));
        message["forward_origin"] = json!({
            "type": "user",
            "sender_user": origin.to_json(),
            "date": unix_now() - 60,
        });
        json!({"message": message})
    }

    /// A message an anonymous admin sent on behalf of the group: `from` is
    /// GroupAnonymousBot and `sender_chat` the group itself.
    pub fn anonymous_admin_text(&self, chat: &TgChat, text: &str) -> Value {
        let anonymous = TgUser::new(ANONYMOUS_ADMIN_ID, "Group").with_username("GroupAnonymousBot");
        let mut message = with_text(
            self.new_message(chat, &anonymous),
            text,
            detected_entities(text),
        );
        message["sender_chat"] = message["chat"].clone();
        json!({"message": message})
    }
}
