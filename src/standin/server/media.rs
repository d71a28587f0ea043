//! Photos and copies: sendPhoto (by file_id, by URL, or uploaded bytes), sendMediaGroup
//! (albums of 2-10 photos sharing a media_group_id) and copyMessage (the content of a message
//! the stand-in holds, without a forward header). Uploads must be real images: the stand-in
//! reads PNG, JPEG, GIF, BMP and WebP headers for the dimensions and makes up the PhotoSize
//! list Telegram would show, with file ids the bot can send again.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::super::html::{Entity, FormattedText};
use super::super::state::State;
use super::super::{PhotoSource, SentPhoto};
use super::body::{RequestBody, Upload};
use super::{check_caption, post_message, set_formatted, ApiFailure, Content, Envelope};

/// Fewest and most items of an album.
const ALBUM_MIN: usize = 2;
const ALBUM_MAX: usize = 10;
/// Telegram's limits on a photo's dimensions.
const PHOTO_MAX_SIDES_SUM: u32 = 10_000;
const PHOTO_MAX_RATIO: u32 = 20;
/// The longest side of each size Telegram makes of a photo (s, m, x, y, w).
const SIZE_LIMITS: &[u32] = &[90, 320, 800, 1280, 2560];
/// Assumed dimensions of a photo whose header does not tell (or that is fetched by URL).
const DEFAULT_DIMENSIONS: (u32, u32) = (1280, 960);

/// Message fields that are content (what copyMessage copies); the rest (sender, reply,
/// forward header, markup, edit date, album) belongs to the original message.
pub(super) const CONTENT_FIELDS: &[&str] = &[
    "text",
    "entities",
    "link_preview_options",
    "photo",
    "caption",
    "caption_entities",
    "show_caption_above_media",
    "has_media_spoiler",
    "location",
    "venue",
    "contact",
    "document",
    "video",
    "video_note",
    "audio",
    "voice",
    "animation",
    "sticker",
    "dice",
    "poll",
];
/// Of those, the ones that make a message copyable (service messages have none).
const COPYABLE: &[&str] = &[
    "text",
    "photo",
    "location",
    "venue",
    "contact",
    "document",
    "video",
    "video_note",
    "audio",
    "voice",
    "animation",
    "sticker",
    "dice",
    "poll",
];
const CAPTIONED: &[&str] = &["photo", "video", "document", "audio", "animation", "voice"];

/// Every `attach://name` in the parameters must name an uploaded file part.
pub(super) fn check_attachments(
    params: &Map<String, Value>,
    uploads: &HashMap<String, Upload>,
) -> Result<(), ApiFailure> {
    fn walk(value: &Value, uploads: &HashMap<String, Upload>) -> Result<(), ApiFailure> {
        match value {
            Value::String(text) => match text.strip_prefix("attach://") {
                Some(name) if !uploads.contains_key(name) => Err(ApiFailure::bad_request(
                    &format!("can't find attached file \"{name}\""),
                )),
                _ => Ok(()),
            },
            Value::Array(items) => items.iter().try_for_each(|item| walk(item, uploads)),
            Value::Object(map) => map.values().try_for_each(|item| walk(item, uploads)),
            _ => Ok(()),
        }
    }
    params.values().try_for_each(|value| walk(value, uploads))
}

pub(super) fn send_photo(state: &mut State, request: &RequestBody) -> Result<Value, ApiFailure> {
    let params = &request.params;
    let envelope = Envelope::from_params(state, params)?;
    let caption = check_caption(params)?;
    let media = params.get("photo").and_then(Value::as_str).unwrap_or("");
    let (sizes, source) = resolve_photo(state, media, &request.uploads)?;
    let content = photo_content(state, params, caption, sizes, source);
    Ok(post_message(state, &envelope, content))
}

pub(super) fn send_media_group(
    state: &mut State,
    request: &RequestBody,
) -> Result<Value, ApiFailure> {
    let params = &request.params;
    let items: Vec<&Map<String, Value>> = params
        .get("media")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    if items.len() > ALBUM_MAX {
        return Err(ApiFailure::bad_request(
            "Too much messages to send as an album",
        ));
    }
    if items.len() < ALBUM_MIN {
        return Err(ApiFailure::bad_request("media must include 2-10 items"));
    }
    if let Some(other) = items.iter().find(|item| item["type"] != "photo") {
        return Err(ApiFailure::bad_request(&format!(
            "the Bot API stand-in sends only photos in an album, not {}",
            other["type"]
        )));
    }
    let envelope = Envelope::from_params(state, params)?;
    // Every item is resolved before any is posted: a bad one fails the whole album.
    let mut resolved = Vec::with_capacity(items.len());
    for item in &items {
        let caption = check_caption(item)?;
        let media = item.get("media").and_then(Value::as_str).unwrap_or("");
        let (sizes, source) = resolve_photo(state, media, &request.uploads)?;
        resolved.push((caption, sizes, source));
    }
    let group_id = format!("{}", 13_800_000_000_000_000u64 + state.next_number());
    let mut messages = Vec::with_capacity(items.len());
    for (item, (caption, sizes, source)) in items.iter().zip(resolved) {
        let mut content = photo_content(state, item, caption, sizes, source);
        content
            .fields
            .insert("media_group_id".to_string(), json!(group_id));
        content.media_group_id = Some(group_id.clone());
        messages.push(post_message(state, &envelope, content));
    }
    Ok(Value::Array(messages))
}

pub(super) fn copy_message(
    state: &mut State,
    params: &Map<String, Value>,
) -> Result<Value, ApiFailure> {
    let from_chat_id = params
        .get("from_chat_id")
        .and_then(Value::as_i64)
        .ok_or_else(|| ApiFailure::bad_request("chat not found"))?;
    let source_id = params
        .get("message_id")
        .and_then(Value::as_i64)
        .unwrap_or(0) as i32;
    let Some(source) = state
        .message(from_chat_id, source_id)
        .map(|m| m.json.clone())
    else {
        return Err(ApiFailure::bad_request("message to copy not found"));
    };
    if !COPYABLE.iter().any(|key| source.get(key).is_some()) {
        return Err(ApiFailure::bad_request("message can't be copied"));
    }
    let envelope = Envelope::from_params(state, params)?;
    let mut fields: Map<String, Value> = CONTENT_FIELDS
        .iter()
        .filter_map(|key| Some((key.to_string(), source.get(key)?.clone())))
        .collect();
    let captioned = CAPTIONED.iter().any(|key| source.get(key).is_some());
    let (html, formatted) = if captioned && params.contains_key("caption") {
        let caption = check_caption(params)?;
        set_formatted(state, &mut fields, "caption", "caption_entities", &caption);
        let html = params.get("caption").and_then(Value::as_str).unwrap_or("");
        (html.to_string(), caption)
    } else {
        let (key, entities_key) = if captioned {
            ("caption", "caption_entities")
        } else {
            ("text", "entities")
        };
        let text = source.get(key).and_then(Value::as_str).unwrap_or("");
        let entities = source
            .get(entities_key)
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Entity::from_json).collect())
            .unwrap_or_default();
        let formatted = FormattedText {
            text: text.to_string(),
            entities,
        };
        (text.to_string(), formatted)
    };
    if captioned {
        if let Some(above) = params.get("show_caption_above_media") {
            fields.insert("show_caption_above_media".to_string(), above.clone());
        }
    }
    let mut content = Content::new(&html, formatted);
    content.photo = source.get("photo").and_then(|sizes| {
        let largest = sizes.as_array()?.last()?["file_id"].as_str()?.to_string();
        Some(SentPhoto {
            file_id: largest.clone(),
            sizes: sizes.as_array().map_or(0, Vec::len),
            source: PhotoSource::FileId(largest),
        })
    });
    content.fields = fields;
    content.copied_from = Some((from_chat_id, source_id));
    let message = post_message(state, &envelope, content);
    Ok(json!({"message_id": message["message_id"]}))
}

/// A photo message's content: the sizes, the caption and the display flags.
fn photo_content(
    state: &State,
    options: &Map<String, Value>,
    caption: FormattedText,
    sizes: Value,
    source: PhotoSource,
) -> Content {
    let html = options.get("caption").and_then(Value::as_str).unwrap_or("");
    let mut content = Content::new(html, caption);
    let largest = sizes
        .as_array()
        .and_then(|list| list.last())
        .and_then(|size| size["file_id"].as_str())
        .unwrap_or("")
        .to_string();
    content.photo = Some(SentPhoto {
        file_id: largest,
        sizes: sizes.as_array().map_or(0, Vec::len),
        source,
    });
    content.fields.insert("photo".to_string(), sizes);
    set_formatted(
        state,
        &mut content.fields,
        "caption",
        "caption_entities",
        &content.formatted,
    );
    for (param, field) in [
        ("show_caption_above_media", "show_caption_above_media"),
        ("has_spoiler", "has_media_spoiler"),
    ] {
        if options.get(param).and_then(Value::as_bool) == Some(true) {
            content.fields.insert(field.to_string(), json!(true));
        }
    }
    content
}

/// The PhotoSize list for a photo given as a file_id, an HTTP URL or `attach://` an upload.
fn resolve_photo(
    state: &mut State,
    media: &str,
    uploads: &HashMap<String, Upload>,
) -> Result<(Value, PhotoSource), ApiFailure> {
    if let Some(name) = media.strip_prefix("attach://") {
        let Some(upload) = uploads.get(name) else {
            return Err(ApiFailure::bad_request(&format!(
                "can't find attached file \"{name}\""
            )));
        };
        if upload.data.is_empty() {
            return Err(ApiFailure::bad_request("file must be non-empty"));
        }
        let Some((width, height)) = image_dimensions(&upload.data) else {
            return Err(ApiFailure::bad_request("IMAGE_PROCESS_FAILED"));
        };
        let (short, long) = (u64::from(width.min(height)), u64::from(width.max(height)));
        let too_big = short + long > u64::from(PHOTO_MAX_SIDES_SUM);
        if short == 0 || too_big || long > short * u64::from(PHOTO_MAX_RATIO) {
            return Err(ApiFailure::bad_request("PHOTO_INVALID_DIMENSIONS"));
        }
        let sizes = new_photo(state, width, height, upload.data.len());
        return Ok((sizes, PhotoSource::Upload(upload.record())));
    }
    if media.starts_with("http://") || media.starts_with("https://") {
        if url::Url::parse(media).is_err() {
            return Err(ApiFailure::bad_request("wrong HTTP URL"));
        }
        let (width, height) = DEFAULT_DIMENSIONS;
        let sizes = new_photo(state, width, height, 150_000);
        return Ok((sizes, PhotoSource::Url(media.to_string())));
    }
    match state.photos.get(media) {
        Some(sizes) => Ok((sizes.clone(), PhotoSource::FileId(media.to_string()))),
        None => Err(ApiFailure::bad_request(
            "wrong file identifier/HTTP URL specified",
        )),
    }
}

/// Makes up the sizes Telegram stores of a new photo (each side limit it exceeds, then the
/// photo itself), with fresh file ids the stand-in will recognise later.
fn new_photo(state: &mut State, width: u32, height: u32, bytes: usize) -> Value {
    let number = state.next_number();
    let long = width.max(height).max(1);
    let mut sizes = Vec::new();
    for (index, limit) in SIZE_LIMITS.iter().enumerate() {
        let (w, h, last) = if long > *limit {
            let scale =
                |side: u32| ((u64::from(side) * u64::from(*limit)) / u64::from(long)) as u32;
            (
                scale(width).max(1),
                scale(height).max(1),
                index + 1 == SIZE_LIMITS.len(),
            )
        } else {
            (width, height, true)
        };
        let share = (u64::from(w) * u64::from(h)) as f64
            / (u64::from(width) * u64::from(height)).max(1) as f64;
        let file_size = if last {
            bytes as u64
        } else {
            ((bytes as f64 * share) as u64).max(300)
        };
        sizes.push(json!({
            "file_id": format!("AgACAgIAAxkDAAI{number:010X}{index}StandInPhoto"),
            "file_unique_id": format!("AQAD{number:08X}{index}"),
            "file_size": file_size,
            "width": w,
            "height": h,
        }));
        if last {
            break;
        }
    }
    let sizes = Value::Array(sizes);
    state.remember_photo(Some(&sizes));
    sizes
}

/// Width and height from an image header; None if the bytes are no image Telegram takes
/// as a photo. A recognised format whose header hides the size gets DEFAULT_DIMENSIONS.
pub(crate) fn image_dimensions(data: &[u8]) -> Option<(u32, u32)> {
    let be16 = |at: usize| {
        Some(u32::from(u16::from_be_bytes([
            *data.get(at)?,
            *data.get(at + 1)?,
        ])))
    };
    let le16 = |at: usize| {
        Some(u32::from(u16::from_le_bytes([
            *data.get(at)?,
            *data.get(at + 1)?,
        ])))
    };
    let be32 = |at: usize| Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?));
    let le32 = |at: usize| Some(i32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?));
    let le24 = |at: usize| {
        let b = data.get(at..at + 3)?;
        Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
    };
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some((be32(16)?, be32(20)?));
    }
    if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        return Some((le16(6)?, le16(8)?));
    }
    if data.starts_with(b"BM") {
        let (w, h) = (le32(18)?, le32(22)?);
        return Some((w.unsigned_abs(), h.unsigned_abs()));
    }
    if data.starts_with(b"RIFF") && data.get(8..12) == Some(b"WEBP") {
        return match data.get(12..16)? {
            b"VP8X" => Some((le24(24)? + 1, le24(27)? + 1)),
            b"VP8 " => Some((le16(26)? & 0x3fff, le16(28)? & 0x3fff)),
            _ => Some(DEFAULT_DIMENSIONS),
        };
    }
    if data.starts_with(&[0xff, 0xd8, 0xff]) {
        // Walk the segments to a start-of-frame marker (C0-CF except C4, C8, CC).
        let mut at = 2;
        while at + 4 <= data.len() {
            if data[at] != 0xff {
                break;
            }
            let marker = data[at + 1];
            let length = be16(at + 2)? as usize;
            if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
                return Some((be16(at + 7)?, be16(at + 5)?));
            }
            at += 2 + length;
        }
        return Some(DEFAULT_DIMENSIONS);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_headers_give_dimensions() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(640u32.to_be_bytes());
        png.extend(480u32.to_be_bytes());
        assert_eq!(image_dimensions(&png), Some((640, 480)));
        let jpeg = [
            0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01,
            0xe0, 0x02, 0x80,
        ];
        assert_eq!(image_dimensions(&jpeg), Some((640, 480)));
        assert_eq!(
            image_dimensions(b"GIF89a\x80\x02\xe0\x01"),
            Some((640, 480))
        );
        assert_eq!(image_dimensions(b"%PDF-1.4"), None);
        let mut huge = png[..16].to_vec();
        huge.extend(u32::MAX.to_be_bytes());
        huge.extend(u32::MAX.to_be_bytes());
        assert_eq!(image_dimensions(&huge), Some((u32::MAX, u32::MAX)));
        assert_eq!(image_dimensions(b"\x89PNG\r\n\x1a\n"), None);
    }

    #[test]
    fn sizes_stop_at_the_photo_itself() {
        let mut state = State::default();
        let sizes = new_photo(&mut state, 1000, 750, 90_000);
        let dims: Vec<(u64, u64)> = sizes
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["width"].as_u64().unwrap(), s["height"].as_u64().unwrap()))
            .collect();
        assert_eq!(dims, vec![(90, 67), (320, 240), (800, 600), (1000, 750)]);
        assert_eq!(sizes[3]["file_size"], 90_000);
        for size in sizes.as_array().unwrap() {
            assert!(state.photos.contains_key(size["file_id"].as_str().unwrap()));
        }
        let tiny = new_photo(&mut state, 50, 40, 900);
        assert_eq!(tiny.as_array().unwrap().len(), 1);
    }
}
