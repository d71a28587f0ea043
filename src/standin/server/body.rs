//! Request bodies: JSON, `multipart/form-data` (teloxide sends every method that may carry a
//! file this way, uploads or not: sendPhoto, sendMediaGroup, setWebhook, ...) and
//! `application/x-www-form-urlencoded`. Form text fields become JSON values of the kind the
//! spec names for the method's parameter ("-100123" for chat_id becomes an Integer, a
//! reply_markup becomes an object), so every body meets the same validation. File parts become
//! uploads, referenced from parameters as `attach://name` as Telegram's API does.

use std::collections::HashMap;

use axum::body::Bytes;
use serde_json::{Map, Number, Value};

use super::super::spec::spec;
use super::super::UploadedFile;
use super::ApiFailure;

/// How many leading bytes of an upload are kept for inspection.
const HEAD_LEN: usize = 64;

/// A file part of a multipart request.
#[derive(Clone, Debug)]
pub(crate) struct Upload {
    pub part: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

impl Upload {
    /// What tests get to see of an upload.
    pub fn record(&self) -> UploadedFile {
        UploadedFile {
            part: self.part.clone(),
            file_name: self.file_name.clone(),
            content_type: self.content_type.clone(),
            len: self.data.len(),
            head: self.data[..self.data.len().min(HEAD_LEN)].to_vec(),
        }
    }
}

/// A request's parameters and uploaded files.
#[derive(Default)]
pub(crate) struct RequestBody {
    pub params: Map<String, Value>,
    pub uploads: HashMap<String, Upload>,
}

/// Parses a body according to its Content-Type. `method` is the spec spelling (or as sent).
pub(crate) fn parse(
    method: &str,
    content_type: Option<&str>,
    body: &Bytes,
) -> Result<RequestBody, ApiFailure> {
    let media_type = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match media_type.as_str() {
        "multipart/form-data" => {
            let boundary = content_type.and_then(boundary).ok_or_else(|| {
                ApiFailure::bad_request("can't parse multipart/form-data: no boundary")
            })?;
            let parts = parse_multipart(&boundary, body).map_err(|reason| {
                ApiFailure::bad_request(&format!("can't parse multipart/form-data: {reason}"))
            })?;
            Ok(from_parts(method, parts))
        }
        "application/x-www-form-urlencoded" => {
            let mut request = RequestBody::default();
            for (name, text) in url::form_urlencoded::parse(body) {
                let value = typed_value(method, &name, &text);
                request.params.insert(name.into_owned(), value);
            }
            Ok(request)
        }
        _ => parse_json(body),
    }
}

fn parse_json(body: &[u8]) -> Result<RequestBody, ApiFailure> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(RequestBody::default());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(params)) => Ok(RequestBody {
            params,
            uploads: HashMap::new(),
        }),
        _ => Err(ApiFailure::bad_request(
            "the request body must be a JSON object, multipart/form-data or a urlencoded form",
        )),
    }
}

/// Form parts to parameters: text parts typed by the spec, file parts as uploads. A file
/// sent directly under a parameter's name counts as `attach://` that name, as on Telegram.
fn from_parts(method: &str, parts: Vec<Part>) -> RequestBody {
    let mut request = RequestBody::default();
    for part in parts {
        if part.file_name.is_some() {
            let takes_file = spec()
                .param_types(method, &part.name)
                .is_some_and(|types| types.iter().any(|t| t == "InputFile"));
            if takes_file {
                request.params.insert(
                    part.name.clone(),
                    Value::String(format!("attach://{}", part.name)),
                );
            }
            request.uploads.insert(
                part.name.clone(),
                Upload {
                    part: part.name,
                    file_name: part.file_name,
                    content_type: part.content_type,
                    data: part.data,
                },
            );
        } else {
            let text = String::from_utf8_lossy(&part.data);
            let value = typed_value(method, &part.name, &text);
            request.params.insert(part.name, value);
        }
    }
    request
}

/// A form field's text as the JSON value of the first kind the spec allows that it parses as;
/// a string when none fits, so validation reports the mismatch.
fn typed_value(method: &str, name: &str, text: &str) -> Value {
    let Some(types) = spec().param_types(method, name) else {
        return Value::String(text.to_string());
    };
    for type_name in &types {
        match type_name.as_str() {
            "Integer" => {
                if let Ok(number) = text.trim().parse::<i64>() {
                    return Value::from(number);
                }
            }
            "Float" => {
                if let Some(number) = text.trim().parse::<f64>().ok().and_then(Number::from_f64) {
                    return Value::Number(number);
                }
            }
            "Boolean" => match text.trim() {
                "true" | "True" => return Value::Bool(true),
                "false" | "False" => return Value::Bool(false),
                _ => {}
            },
            "String" | "InputFile" => return Value::String(text.to_string()),
            // An object or array type travels JSON-encoded.
            _ => {
                if let Ok(value @ (Value::Object(_) | Value::Array(_))) =
                    serde_json::from_str::<Value>(text)
                {
                    return value;
                }
            }
        }
    }
    Value::String(text.to_string())
}

/// One part of a multipart body.
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

/// The boundary parameter of a multipart Content-Type.
fn boundary(content_type: &str) -> Option<String> {
    header_params(content_type)
        .into_iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value)
        .filter(|b| !b.is_empty())
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() || needle.is_empty() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|at| from + at)
}

/// RFC 7578 multipart/form-data, as reqwest (and browsers, curl) write it.
fn parse_multipart(boundary: &str, body: &Bytes) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let close = [b"\r\n".as_slice(), &delimiter].concat();
    let first = find(body, &delimiter, 0).ok_or("the boundary does not occur in the body")?;
    let mut position = first + delimiter.len();
    let mut parts = Vec::new();
    loop {
        let rest = &body[position..];
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding after a delimiter, then the line break.
        let padding = rest
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        if !rest[padding..].starts_with(b"\r\n") {
            return Err("a boundary is not followed by a line break".to_string());
        }
        position += padding + 2;
        let (headers, data_start) = if body[position..].starts_with(b"\r\n") {
            ("", position + 2)
        } else {
            let end = find(body, b"\r\n\r\n", position).ok_or("a part's headers do not end")?;
            let headers = std::str::from_utf8(&body[position..end])
                .map_err(|_| "a part's headers are not UTF-8".to_string())?;
            (headers, end + 4)
        };
        let data_end = find(body, &close, data_start).ok_or("the last part is not closed")?;
        parts.push(part(headers, body.slice(data_start..data_end))?);
        position = data_end + close.len();
    }
}

fn part(headers: &str, data: Bytes) -> Result<Part, String> {
    let mut name = None;
    let mut file_name = None;
    let mut content_type = None;
    for line in headers.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("content-disposition") {
            for (param, param_value) in header_params(value) {
                if param.eq_ignore_ascii_case("name") {
                    name = Some(param_value);
                } else if param.eq_ignore_ascii_case("filename") {
                    file_name = Some(param_value);
                }
            }
        } else if key.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_string());
        }
    }
    let name = name.ok_or("a part has no name")?;
    Ok(Part {
        name,
        file_name,
        content_type,
        data,
    })
}

/// The `key=value` parameters after the first `;` of a header value; values may be quoted
/// (with backslash escapes).
fn header_params(value: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let Some((_, rest)) = value.split_once(';') else {
        return params;
    };
    let mut chars = rest.chars().peekable();
    loop {
        while chars.next_if(|c| *c == ';' || c.is_whitespace()).is_some() {}
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ';')).collect();
        if key.trim().is_empty() {
            if chars.peek().is_none() {
                return params;
            }
            chars.next();
            continue;
        }
        let mut param_value = String::new();
        if chars.next_if_eq(&'=').is_some() {
            if chars.next_if_eq(&'"').is_some() {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => param_value.extend(chars.next()),
                        _ => param_value.push(c),
                    }
                }
                // Anything between the closing quote and the next ';' is ignored.
                while chars.next_if(|c| *c != ';').is_some() {}
            } else {
                param_value = std::iter::from_fn(|| chars.next_if(|c| *c != ';')).collect();
                param_value = param_value.trim().to_string();
            }
        }
        params.push((key.trim().to_string(), param_value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn multipart_fields_are_typed_and_files_become_uploads() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n-100123\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nattach://f1\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"reply_markup\"\r\n\r\n{\"remove_keyboard\":true}\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"has_spoiler\"\r\n\r\ntrue\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n12\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"f1\"; filename=\"a \\\"b\\\".png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\r\n--XyZ--\r\n",
        );
        let request = parse(
            "sendPhoto",
            Some("multipart/form-data; boundary=\"XyZ\""),
            &body,
        )
        .unwrap();
        assert_eq!(
            Value::Object(request.params),
            json!({
                "chat_id": -100123,
                "photo": "attach://f1",
                "reply_markup": {"remove_keyboard": true},
                "has_spoiler": true,
                "caption": "12",
            })
        );
        let upload = &request.uploads["f1"];
        assert_eq!(upload.file_name.as_deref(), Some("a \"b\".png"));
        assert_eq!(upload.content_type.as_deref(), Some("image/png"));
        // Bytes that look like line breaks inside a file are kept.
        assert_eq!(&upload.data[..], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn a_file_under_a_parameter_name_is_attached_and_bad_bodies_are_refused() {
        let body = Bytes::from_static(
            b"--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.jpg\"\r\n\r\n\xff\xd8\xff\r\n--b--",
        );
        let request = parse("sendPhoto", Some("multipart/form-data; boundary=b"), &body).unwrap();
        assert_eq!(request.params["photo"], json!("attach://photo"));
        assert_eq!(request.uploads["photo"].data.len(), 3);

        for broken in [
            &b"no boundary here"[..],
            b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nunterminated",
            b"--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--",
            b"--bX",
        ] {
            let error = parse(
                "sendPhoto",
                Some("multipart/form-data; boundary=b"),
                &Bytes::copy_from_slice(broken),
            );
            assert!(error.is_err());
        }
        assert!(parse("sendPhoto", Some("multipart/form-data"), &body).is_err());

        let form = parse(
            "sendMessage",
            Some("application/x-www-form-urlencoded"),
            &Bytes::from_static(b"chat_id=42&text=a%26b+c"),
        )
        .unwrap();
        assert_eq!(
            Value::Object(form.params),
            json!({"chat_id": 42, "text": "a&b c"})
        );
        assert!(parse("sendMessage", None, &Bytes::from_static(b"[1]")).is_err());
    }
}
