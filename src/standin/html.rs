//! Telegram's HTML parse mode, as the stand-in applies it to `text` and `caption`: turns the
//! HTML a bot sends into the plain text and entities Telegram would store, or rejects it with a
//! "can't parse entities" reason. Stricter than Telegram in one respect, on purpose: a bare `&`
//! that does not start an entity is rejected (Telegram keeps it literally), because an
//! unescaped `&` in bot output nearly always means user text was not escaped.

use serde_json::{json, Value};

/// One formatting entity. Offsets and lengths count UTF-16 code units, as Telegram's do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// Telegram's entity type name: "bold", "text_link", "text_mention", ...
    pub kind: String,
    pub offset: usize,
    pub length: usize,
    /// For text_link.
    pub url: Option<String>,
    /// For text_mention (from an `<a href="tg://user?id=N">`).
    pub user_id: Option<i64>,
    /// For pre with a `<code class="language-x">` inside.
    pub language: Option<String>,
    /// For tg-emoji.
    pub custom_emoji_id: Option<String>,
}

impl Entity {
    fn new(kind: &str, offset: usize, length: usize) -> Entity {
        Entity {
            kind: kind.to_string(),
            offset,
            length,
            url: None,
            user_id: None,
            language: None,
            custom_emoji_id: None,
        }
    }

    /// The entity as Telegram's MessageEntity JSON. `user_json` supplies the User object of a
    /// text_mention (Telegram embeds the full user).
    pub fn to_json(&self, user_json: impl Fn(i64) -> Value) -> Value {
        let mut value = json!({"type": self.kind, "offset": self.offset, "length": self.length});
        if let Some(url) = &self.url {
            value["url"] = json!(url);
        }
        if let Some(user_id) = self.user_id {
            value["user"] = user_json(user_id);
        }
        if let Some(language) = &self.language {
            value["language"] = json!(language);
        }
        if let Some(id) = &self.custom_emoji_id {
            value["custom_emoji_id"] = json!(id);
        }
        value
    }

    /// Reads a MessageEntity JSON object (as sent in an `entities` parameter).
    pub fn from_json(value: &Value) -> Option<Entity> {
        let as_usize = |key: &str| value.get(key)?.as_u64().map(|n| n as usize);
        Some(Entity {
            kind: value.get("type")?.as_str()?.to_string(),
            offset: as_usize("offset")?,
            length: as_usize("length")?,
            url: value.get("url").and_then(Value::as_str).map(str::to_string),
            user_id: value.pointer("/user/id").and_then(Value::as_i64),
            language: value
                .get("language")
                .and_then(Value::as_str)
                .map(str::to_string),
            custom_emoji_id: value
                .get("custom_emoji_id")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }
}

/// Plain text plus entities, the result of parsing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormattedText {
    pub text: String,
    pub entities: Vec<Entity>,
}

impl FormattedText {
    /// User ids mentioned through text_mention entities, in order of appearance.
    pub fn mentioned_user_ids(&self) -> Vec<i64> {
        self.entities.iter().filter_map(|e| e.user_id).collect()
    }

    /// The text an entity covers.
    pub fn entity_text(&self, entity: &Entity) -> String {
        let units: Vec<u16> = self.text.encode_utf16().collect();
        let end = (entity.offset + entity.length).min(units.len());
        let start = entity.offset.min(end);
        String::from_utf16_lossy(&units[start..end])
    }
}

/// Length in UTF-16 code units, the unit of entity offsets.
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Tags Telegram accepts in HTML parse mode.
const SUPPORTED_TAGS: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
];

struct OpenTag {
    name: String,
    /// UTF-16 offset in the output text where the tag's content starts.
    start: usize,
    attributes: Vec<(String, String)>,
}

/// Parses Telegram HTML. The error is the reason after "Bad Request: can't parse entities: ".
pub fn parse_html(html: &str) -> Result<FormattedText, String> {
    let bytes = html.as_bytes();
    let mut text = String::new();
    let mut utf16_pos = 0usize;
    let mut stack: Vec<OpenTag> = Vec::new();
    let mut entities = Vec::new();
    let mut i = 0usize;
    while i < html.len() {
        match bytes[i] {
            b'&' => {
                let (decoded, consumed) = decode_entity(&html[i..]).ok_or_else(|| {
                    format!("Character '&' must be escaped as \"&amp;\" at byte offset {i}")
                })?;
                utf16_pos += decoded.len_utf16();
                text.push(decoded);
                i += consumed;
            }
            b'<' if bytes.get(i + 1) == Some(&b'/') => {
                let close = html[i..]
                    .find('>')
                    .ok_or_else(|| format!("Unclosed end tag at byte offset {i}"))?;
                let name = html[i + 2..i + close].trim().to_ascii_lowercase();
                let Some(open) = stack.pop() else {
                    return Err(format!("Unexpected end tag at byte offset {i}"));
                };
                if open.name != name {
                    return Err(format!(
                        "Unmatched end tag at byte offset {i}, expected \"</{}>\", found \"</{name}>\"",
                        open.name
                    ));
                }
                if let Some(entity) = entity_for(&open, utf16_pos, &stack)? {
                    entities.push(entity);
                }
                i += close + 1;
            }
            b'<' => {
                let (tag, consumed) = parse_start_tag(html, i)?;
                stack.push(OpenTag {
                    name: tag.0,
                    start: utf16_pos,
                    attributes: tag.1,
                });
                i += consumed;
            }
            _ => {
                // Copy one whole UTF-8 character; `i` always sits on a char boundary here.
                let ch = html[i..].chars().next().unwrap_or('\u{FFFD}');
                utf16_pos += ch.len_utf16();
                text.push(ch);
                i += ch.len_utf8().max(1);
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{}\"",
            open.name
        ));
    }
    // A pre's language comes from the code inside it; Telegram reports only the pre then.
    merge_pre_code(&mut entities);
    entities.retain(|e| e.length > 0);
    entities.sort_by(|a, b| a.offset.cmp(&b.offset).then(b.length.cmp(&a.length)));
    Ok(FormattedText { text, entities })
}

/// Parses `<name attr="v" ...>` starting at byte `start`; returns ((name, attributes), bytes).
type StartTag = (String, Vec<(String, String)>);
fn parse_start_tag(html: &str, start: usize) -> Result<(StartTag, usize), String> {
    let rest = &html[start + 1..];
    let name_len = rest
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(rest.len());
    let name = rest[..name_len].to_ascii_lowercase();
    if !SUPPORTED_TAGS.contains(&name.as_str()) {
        return Err(format!(
            "Unsupported start tag \"{name}\" at byte offset {start}"
        ));
    }
    let mut attributes = Vec::new();
    let mut pos = name_len;
    loop {
        let skipped = rest[pos..].len() - rest[pos..].trim_start().len();
        pos += skipped;
        match rest[pos..].chars().next() {
            None => return Err(format!("Unclosed start tag at byte offset {start}")),
            Some('>') => return Ok(((name, attributes), 1 + pos + 1)),
            Some(_) => {}
        }
        let attr_len = rest[pos..]
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
            .unwrap_or(rest.len() - pos);
        if attr_len == 0 {
            return Err(format!(
                "Empty attribute name in the tag \"{name}\" at byte offset {start}"
            ));
        }
        let attr_name = rest[pos..pos + attr_len].to_ascii_lowercase();
        pos += attr_len;
        pos += rest[pos..].len() - rest[pos..].trim_start().len();
        if !rest[pos..].starts_with('=') {
            // A valueless attribute, as in <blockquote expandable>.
            attributes.push((attr_name, String::new()));
            continue;
        }
        pos += 1;
        pos += rest[pos..].len() - rest[pos..].trim_start().len();
        let raw_value = match rest[pos..].chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let end = rest[pos + 1..]
                    .find(quote)
                    .ok_or_else(|| format!("Unclosed start tag at byte offset {start}"))?;
                let value = &rest[pos + 1..pos + 1 + end];
                pos += end + 2;
                value
            }
            _ => {
                let end = rest[pos..]
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(rest.len() - pos);
                let value = &rest[pos..pos + end];
                pos += end;
                value
            }
        };
        let value = decode_attribute(raw_value)
            .ok_or_else(|| format!("Unescaped '&' in an attribute value at byte offset {start}"))?;
        attributes.push((attr_name, value));
    }
}

fn attribute<'a>(tag: &'a OpenTag, name: &str) -> Option<&'a str> {
    tag.attributes
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The entity a closed tag produces, if any.
fn entity_for(tag: &OpenTag, end: usize, outer: &[OpenTag]) -> Result<Option<Entity>, String> {
    let length = end - tag.start;
    let simple = |kind: &str| Ok(Some(Entity::new(kind, tag.start, length)));
    match tag.name.as_str() {
        "b" | "strong" => simple("bold"),
        "i" | "em" => simple("italic"),
        "u" | "ins" => simple("underline"),
        "s" | "strike" | "del" => simple("strikethrough"),
        "tg-spoiler" => simple("spoiler"),
        "span" => match attribute(tag, "class") {
            Some("tg-spoiler") => simple("spoiler"),
            _ => Err("Tag \"span\" must have class \"tg-spoiler\"".to_string()),
        },
        "code" => {
            // Inside <pre>, the code's class only names the pre's language.
            let in_pre = outer.last().is_some_and(|t| t.name == "pre");
            let mut entity = Entity::new("code", tag.start, length);
            if in_pre {
                entity.language = attribute(tag, "class")
                    .and_then(|c| c.strip_prefix("language-"))
                    .map(str::to_string);
            }
            Ok(Some(entity))
        }
        "pre" => simple("pre"),
        "blockquote" => match attribute(tag, "expandable") {
            Some(_) => simple("expandable_blockquote"),
            None => simple("blockquote"),
        },
        "tg-emoji" => {
            let id = attribute(tag, "emoji-id")
                .ok_or_else(|| "Custom emoji entity must contain a tg://emoji URL".to_string())?;
            let mut entity = Entity::new("custom_emoji", tag.start, length);
            entity.custom_emoji_id = Some(id.to_string());
            Ok(Some(entity))
        }
        "a" => {
            let href = attribute(tag, "href").unwrap_or("").trim();
            if href.is_empty() {
                return Ok(None);
            }
            // Telegram turns tg://user?id= links into text_mention entities carrying the user.
            if let Some(id) = href.strip_prefix("tg://user?id=") {
                let user_id = id
                    .parse::<i64>()
                    .map_err(|_| format!("Wrong user identifier in \"{href}\""))?;
                let mut entity = Entity::new("text_mention", tag.start, length);
                entity.user_id = Some(user_id);
                return Ok(Some(entity));
            }
            let mut entity = Entity::new("text_link", tag.start, length);
            entity.url = Some(href.to_string());
            Ok(Some(entity))
        }
        _ => Ok(None),
    }
}

/// Folds a `code` entity with a language that exactly covers a `pre` into the pre.
fn merge_pre_code(entities: &mut Vec<Entity>) {
    let codes: Vec<Entity> = entities
        .iter()
        .filter(|e| e.kind == "code" && e.language.is_some())
        .cloned()
        .collect();
    for code in codes {
        if let Some(pre) = entities
            .iter_mut()
            .find(|e| e.kind == "pre" && e.offset == code.offset && e.length == code.length)
        {
            pre.language = code.language.clone();
        }
        entities.retain(|e| !(e.kind == "code" && *e == code));
    }
}

/// Decodes an entity at the start of `input` (which begins with '&'): the four named ones
/// Telegram supports and numeric ones. Returns the character and the bytes consumed.
fn decode_entity(input: &str) -> Option<(char, usize)> {
    let end = input.find(';')?;
    let body = &input[1..end];
    let ch = match body {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        _ => {
            let number = body.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse::<u32>().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((ch, end + 1))
}

fn decode_attribute(raw: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let (ch, consumed) = decode_entity(&rest[amp..])?;
        out.push(ch);
        rest = &rest[amp + consumed..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mentions_links_and_utf16_offsets() {
        let parsed = parse_html(
            "🚨 <b>吹哨</b> <a href=\"tg://user?id=42\">张三</a> &amp; <a href='https://e.x/?a=1&amp;b=2'>链接</a>",
        )
        .unwrap();
        assert_eq!(parsed.text, "🚨 吹哨 张三 & 链接");
        assert_eq!(parsed.mentioned_user_ids(), vec![42]);
        let bold = &parsed.entities[0];
        // The emoji is two UTF-16 units, then a space.
        assert_eq!(
            (bold.kind.as_str(), bold.offset, bold.length),
            ("bold", 3, 2)
        );
        let mention = &parsed.entities[1];
        assert_eq!((mention.offset, mention.length), (6, 2));
        assert_eq!(parsed.entity_text(mention), "张三");
        assert_eq!(
            parsed.entities[2].url.as_deref(),
            Some("https://e.x/?a=1&b=2")
        );
    }

    #[test]
    fn rejects_invalid_html() {
        for bad in [
            "a < b",
            "a & b",
            "<b>x",
            "<b>x</i>",
            "x</b>",
            "<div>x</div>",
            "<span>x</span>",
            "<a href=\"x\">y",
        ] {
            assert!(parse_html(bad).is_err(), "{bad} should be rejected");
        }
        assert!(parse_html("a &gt; b &#60; &#x3C; &quot;").is_ok());
        // Truncated and odd input must give an error or a result, never a panic.
        for odd in [
            "<",
            "</",
            "<a",
            "<a href=",
            "<a href=\"",
            "<a href='x",
            "&",
            "&#",
            "&#xZZ;",
            "&#1114112;",
            "&#55296;",
            "< b>",
            "<b/>",
            "<b >x</b >",
            "<a href=x>y</a>",
            "<blockquote expandable>q</blockquote>",
            "<tg-emoji>x</tg-emoji>",
            "</>",
            "<<>>",
            "é<b>ü</b>",
            "<a href=\"tg://user?id=x\">n</a>",
            "<pre><code>x</code></pre>",
        ] {
            let _ = parse_html(odd);
        }
        let pre = parse_html("<pre><code class=\"language-rust\">fn</code></pre>").unwrap();
        assert_eq!(pre.entities.len(), 1);
        assert_eq!(pre.entities[0].language.as_deref(), Some("rust"));
    }
}
