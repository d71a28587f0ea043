//! Renders the stand-in's timeline as a chat log a person can read (for the `demo` command and
//! for test failure output). The framing uses only symbols, never words: every word a person
//! reads in this product comes from the main crate's locale files, and the texts shown here are
//! the users' and the bot's own.
//!
//! Legend: a `── title ──` line opens each run of entries in one chat; 💬 a user's message,
//! 🤖 the bot's, ✏️ an edit (the lines it changed; 🚫🔘 when it only took the buttons away),
//! 🗑️ a deletion, 🔘 a button press, 💭 a toast (⚠️💭 an alert), ↩️N replies to message N,
//! ↪️ a forward, 📋 a copy, 👥 the bot's membership changed; 🖼️ a photo (🗂️ in an album),
//! 📍 a location or venue, 📡 a live location; ⌨️ a reply keyboard the bot showed (📍 on a
//! button that asks for the location), ⌨️🚫 one it removed, ⌨️↩️ a forced reply.

use std::collections::HashMap;

use serde_json::Value;

use super::updates::TgUser;
use super::{ReplyKeyboardChange, SentMessage, TimelineEntry};

const INDENT: &str = "   ";

pub(crate) fn render(
    timeline: &[TimelineEntry],
    titles: &HashMap<i64, String>,
    users: &HashMap<i64, TgUser>,
) -> String {
    let mut out = String::new();
    let mut current_chat: Option<i64> = None;
    // The last text of each bot message, so an edit shows only the lines it changed.
    let mut last_text: HashMap<(i64, i32), String> = HashMap::new();
    for entry in timeline {
        let chat_id = entry_chat(entry);
        if chat_id.is_some() && chat_id != current_chat {
            let id = chat_id.unwrap_or(0);
            out.push_str(&format!("── {} ──\n", chat_label(id, titles, users)));
            current_chat = chat_id;
        }
        let line = match entry {
            TimelineEntry::Incoming { update } => incoming(update),
            TimelineEntry::BotSent { message } => {
                last_text.insert((message.chat_id, message.message_id), bot_text(message));
                let reply = message
                    .reply_to
                    .map(|id| format!(" ↩️{id}"))
                    .unwrap_or_default();
                format!(
                    "🤖 #{}{reply}: {}{}",
                    message.message_id,
                    media_mark(message),
                    bot_text(message)
                ) + &buttons(message)
                    + &reply_keyboard(message)
            }
            TimelineEntry::BotEdited { message } => {
                let text = bot_text(message);
                let shown = match last_text.get(&(message.chat_id, message.message_id)) {
                    Some(before) => changed_lines(before, &text),
                    None => text.clone(),
                };
                last_text.insert((message.chat_id, message.message_id), text);
                // Only the keyboard changed, and it is gone: say so with a symbol.
                let shown = if shown.is_empty() && message.keyboard.is_empty() {
                    "🚫🔘".to_string()
                } else {
                    shown
                };
                format!("✏️🤖 #{}: {}", message.message_id, shown) + &buttons(message)
            }
            TimelineEntry::BotDeleted { message_id, .. } => format!("🗑️🤖 #{message_id}"),
            TimelineEntry::Toast {
                text, show_alert, ..
            } => {
                let mark = if *show_alert { "⚠️💭" } else { "💭" };
                format!("{INDENT}{mark} {}", indent_lines(text))
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The lines of `after` that `before` did not have (an edit, as a reader notices it).
fn changed_lines(before: &str, after: &str) -> String {
    let old: Vec<&str> = before.lines().map(str::trim).collect();
    let new: Vec<&str> = after
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !old.contains(l))
        .collect();
    new.join(&format!("\n{INDENT}"))
}

fn entry_chat(entry: &TimelineEntry) -> Option<i64> {
    match entry {
        TimelineEntry::Incoming { update } => update_chat(update),
        TimelineEntry::BotSent { message } | TimelineEntry::BotEdited { message } => {
            Some(message.chat_id)
        }
        TimelineEntry::BotDeleted { chat_id, .. } => Some(*chat_id),
        TimelineEntry::Toast { chat_id, .. } => *chat_id,
    }
}

fn update_chat(update: &Value) -> Option<i64> {
    [
        "/message/chat/id",
        "/edited_message/chat/id",
        "/callback_query/message/chat/id",
        "/my_chat_member/chat/id",
        "/chat_member/chat/id",
    ]
    .iter()
    .find_map(|pointer| update.pointer(pointer).and_then(Value::as_i64))
}

fn chat_label(id: i64, titles: &HashMap<i64, String>, users: &HashMap<i64, TgUser>) -> String {
    if let Some(title) = titles.get(&id) {
        return title.clone();
    }
    match users.get(&id) {
        Some(user) => format!("👤 {}", user.display_name()),
        None => id.to_string(),
    }
}

fn user_name(user: &Value) -> String {
    let first = user["first_name"].as_str().unwrap_or("");
    match user["last_name"].as_str() {
        Some(last) => format!("{first} {last}"),
        None => first.to_string(),
    }
}

/// Lines after the first are indented so a multi-line message stays one visual block.
fn indent_lines(text: &str) -> String {
    text.replace('\n', &format!("\n{INDENT}"))
}

fn incoming(update: &Value) -> String {
    if let Some(message) = update.get("message") {
        return format!("💬 {}", message_line(message));
    }
    if let Some(message) = update.get("edited_message") {
        return format!("✏️💬 {}", message_line(message));
    }
    if let Some(query) = update.get("callback_query") {
        let data = query["data"].as_str().unwrap_or("");
        let label = button_label(&query["message"], data).unwrap_or(data);
        let message_id = query["message"]["message_id"].as_i64().unwrap_or(0);
        return format!(
            "🔘 {} → #{message_id} [ {label} ]",
            user_name(&query["from"])
        );
    }
    if let Some(change) = update.get("my_chat_member") {
        let old = status_symbol(change["old_chat_member"]["status"].as_str().unwrap_or(""));
        let new = status_symbol(change["new_chat_member"]["status"].as_str().unwrap_or(""));
        return format!("👥 {}: 🤖 {old} → {new}", user_name(&change["from"]));
    }
    let kind = update
        .as_object()
        .and_then(|o| o.keys().find(|k| *k != "update_id").cloned())
        .unwrap_or_default();
    format!("📨 {kind}")
}

fn status_symbol(status: &str) -> &'static str {
    match status {
        "creator" => "👑",
        "administrator" => "⭐",
        "member" => "👤",
        "restricted" => "🔒",
        "left" => "🚪",
        "kicked" => "⛔",
        _ => "❔",
    }
}

fn button_label<'a>(message: &'a Value, data: &str) -> Option<&'a str> {
    message["reply_markup"]["inline_keyboard"]
        .as_array()?
        .iter()
        .filter_map(Value::as_array)
        .flatten()
        .find(|button| button["callback_data"].as_str() == Some(data))
        .and_then(|button| button["text"].as_str())
}

fn message_line(message: &Value) -> String {
    // An anonymous admin speaks as the group (sender_chat), not as GroupAnonymousBot.
    let speaker = match message.get("sender_chat") {
        Some(chat) => format!("🎭 {}", chat["title"].as_str().unwrap_or("")),
        None => user_name(&message["from"]),
    };
    let id = message["message_id"].as_i64().unwrap_or(0);
    let mut head = format!("{speaker} #{id}");
    if let Some(replied) = message.pointer("/reply_to_message/message_id") {
        head.push_str(&format!(" ↩️{replied}"));
    }
    if let Some(origin) = message.get("forward_origin") {
        let name = origin
            .get("sender_user")
            .map(user_name)
            .or_else(|| origin["sender_user_name"].as_str().map(str::to_string))
            .unwrap_or_default();
        head.push_str(&format!(" ↪️ {name}"));
    }
    let body = if let Some(text) = message["text"].as_str() {
        text.to_string()
    } else if message.get("photo").is_some() {
        let album = if message.get("media_group_id").is_some() {
            "🗂️"
        } else {
            ""
        };
        format!("🖼️{album} {}", message["caption"].as_str().unwrap_or(""))
    } else if let Some(venue) = message.get("venue") {
        format!(
            "📍 {}, {}",
            venue["title"].as_str().unwrap_or(""),
            venue["address"].as_str().unwrap_or("")
        )
    } else if let Some(location) = message.get("location") {
        let mark = if location.get("live_period").is_some() {
            "📡"
        } else {
            "📍"
        };
        format!(
            "{mark} {}, {}",
            location["latitude"].as_f64().unwrap_or(0.0),
            location["longitude"].as_f64().unwrap_or(0.0)
        )
    } else if let Some(members) = message["new_chat_members"].as_array() {
        let names: Vec<String> = members.iter().map(user_name).collect();
        format!("➕ {}", names.join(", "))
    } else if let Some(new_id) = message["migrate_to_chat_id"].as_i64() {
        format!("⤴️ {new_id}")
    } else if let Some(old_id) = message["migrate_from_chat_id"].as_i64() {
        format!("⤵️ {old_id}")
    } else {
        "…".to_string()
    };
    format!("{head}: {}", indent_lines(&body))
}

/// The bot's text with each mentioned user's link text prefixed by '@', as the clients
/// highlight it.
fn bot_text(message: &SentMessage) -> String {
    let units: Vec<u16> = message.text.encode_utf16().collect();
    let mut starts: Vec<usize> = message
        .entities
        .iter()
        .filter(|e| e.kind == "text_mention")
        .map(|e| e.offset)
        .collect();
    starts.sort_unstable();
    let mut out: Vec<u16> = Vec::with_capacity(units.len() + starts.len());
    for (index, unit) in units.iter().enumerate() {
        // A link whose text is already "@username" keeps its one '@'.
        if starts.binary_search(&index).is_ok() && *unit != u16::from(b'@') {
            out.push(u16::from(b'@'));
        }
        out.push(*unit);
    }
    indent_lines(&String::from_utf16_lossy(&out))
}

/// Symbols in front of a bot message's text: a copy, a photo, an album item.
fn media_mark(message: &SentMessage) -> String {
    let mut mark = String::new();
    if message.copied_from.is_some() {
        mark.push_str("📋 ");
    }
    if message.photo.is_some() {
        mark.push_str("🖼️");
        if message.media_group_id.is_some() {
            mark.push_str("🗂️");
        }
        mark.push(' ');
    }
    mark
}

/// The reply keyboard a message showed, removed or forced, on lines of its own.
fn reply_keyboard(message: &SentMessage) -> String {
    match &message.reply_keyboard {
        None => String::new(),
        Some(ReplyKeyboardChange::Remove { .. }) => format!("\n{INDENT}⌨️🚫"),
        Some(ReplyKeyboardChange::ForceReply { .. }) => format!("\n{INDENT}⌨️↩️"),
        Some(ReplyKeyboardChange::Show(keyboard)) => keyboard
            .rows
            .iter()
            .map(|row| {
                let cells: Vec<String> = row
                    .iter()
                    .map(|button| {
                        let pin = if button.request_location { "📍 " } else { "" };
                        format!("[ {pin}{} ]", button.text)
                    })
                    .collect();
                format!("\n{INDENT}⌨️ {}", cells.join(" "))
            })
            .collect(),
    }
}

fn buttons(message: &SentMessage) -> String {
    message
        .keyboard
        .iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .map(|(label, _)| format!("[ {label} ]"))
                .collect();
            format!("\n{INDENT}{}", cells.join(" "))
        })
        .collect()
}
