//! Reply keyboards (ReplyKeyboardMarkup, ReplyKeyboardRemove, ForceReply): the checks the
//! spec's structure cannot express, and what a `reply_markup` does to the chat's reply
//! keyboard. The spec checker has already made sure the markup is one of the union's types.

use serde_json::Value;

use super::super::html::utf16_len;
use super::super::{ReplyButton, ReplyKeyboard, ReplyKeyboardChange};
use super::ApiFailure;

/// KeyboardButton fields that make a button request something; a button does one thing.
const REQUESTS: &[&str] = &[
    "request_users",
    "request_chat",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
];

/// Longest input_field_placeholder, in UTF-16 code units.
const PLACEHOLDER_LIMIT: usize = 64;

fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn unparsable() -> ApiFailure {
    ApiFailure::bad_request("can't parse reply keyboard markup JSON object")
}

/// Checks a reply keyboard, a keyboard removal or a force-reply; an inline keyboard passes.
/// `chat_id` is the request's chat: location and contact requests work in private chats only.
pub(super) fn check_reply_keyboard(
    markup: &Value,
    chat_id: Option<&Value>,
) -> Result<(), ApiFailure> {
    if markup.get("remove_keyboard").is_some() && !flag(markup, "remove_keyboard") {
        return Err(unparsable());
    }
    if markup.get("force_reply").is_some() && !flag(markup, "force_reply") {
        return Err(unparsable());
    }
    if let Some(placeholder) = markup
        .get("input_field_placeholder")
        .and_then(Value::as_str)
    {
        if utf16_len(placeholder) > PLACEHOLDER_LIMIT {
            return Err(ApiFailure::bad_request(
                "input field placeholder is too long",
            ));
        }
    }
    let Some(rows) = markup.get("keyboard").and_then(Value::as_array) else {
        return Ok(());
    };
    let private = chat_id.and_then(Value::as_i64).is_some_and(|id| id > 0);
    for button in rows.iter().filter_map(Value::as_array).flatten() {
        let text = button
            .as_str()
            .or_else(|| button.get("text").and_then(Value::as_str))
            .unwrap_or("");
        if text.trim().is_empty() {
            return Err(ApiFailure::bad_request("BUTTON_TEXT_INVALID"));
        }
        let requests: Vec<&str> = REQUESTS
            .iter()
            .copied()
            .filter(|key| button.get(*key).is_some_and(|v| v != &Value::Bool(false)))
            .collect();
        if requests.len() > 1 {
            return Err(ApiFailure::bad_request(&format!(
                "can't parse keyboard button: it has both {} and {}",
                requests[0], requests[1]
            )));
        }
        let private_only = flag(button, "request_location") || flag(button, "request_contact");
        if private_only && !private {
            return Err(ApiFailure::bad_request("BUTTON_TYPE_INVALID"));
        }
    }
    Ok(())
}

/// What a valid `reply_markup` does to the chat's reply keyboard; None for an inline keyboard.
pub(super) fn reply_keyboard_change(markup: &Value) -> Option<ReplyKeyboardChange> {
    let selective = flag(markup, "selective");
    let placeholder = markup
        .get("input_field_placeholder")
        .and_then(Value::as_str)
        .map(str::to_string);
    if flag(markup, "remove_keyboard") {
        return Some(ReplyKeyboardChange::Remove { selective });
    }
    if flag(markup, "force_reply") {
        return Some(ReplyKeyboardChange::ForceReply {
            placeholder,
            selective,
        });
    }
    let rows = markup.get("keyboard")?.as_array()?;
    let rows = rows
        .iter()
        .filter_map(Value::as_array)
        .map(|row| {
            row.iter()
                .map(|button| ReplyButton {
                    text: button
                        .as_str()
                        .or_else(|| button.get("text").and_then(Value::as_str))
                        .unwrap_or("")
                        .to_string(),
                    request_location: flag(button, "request_location"),
                    request_contact: flag(button, "request_contact"),
                })
                .collect()
        })
        .collect();
    Some(ReplyKeyboardChange::Show(ReplyKeyboard {
        rows,
        one_time: flag(markup, "one_time_keyboard"),
        resize: flag(markup, "resize_keyboard"),
        persistent: flag(markup, "is_persistent"),
        selective,
        placeholder,
    }))
}
