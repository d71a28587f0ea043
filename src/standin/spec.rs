//! The compact Bot API 9.1 spec (`bot_api.json`, made by `extract_spec.py`) and the checks
//! the stand-in runs on every request against it: the method exists, required parameters are
//! present, no unknown parameter is sent, and every value has the JSON kind the spec names,
//! recursing into object types (InlineKeyboardMarkup, ReplyParameters, BotCommand, ...).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Map, Value};

/// The embedded compact spec; embedded so tests pass from a plain clone without `../shared`.
const SPEC_JSON: &str = include_str!("bot_api.json");

/// Parameters Telegram still honours although Bot API 9.1 no longer documents them. teloxide
/// does not send them, but older bot code might, and Telegram would not reject it.
const LEGACY_PARAMS: &[(&str, &str)] = &[
    ("reply_to_message_id", "Integer"),
    ("allow_sending_without_reply", "Boolean"),
    ("disable_web_page_preview", "Boolean"),
];

#[derive(Debug, Deserialize)]
pub struct Spec {
    pub version: String,
    pub methods: HashMap<String, MethodSpec>,
    pub types: HashMap<String, TypeSpec>,
    /// Lower-cased method name to its spec spelling: Telegram matches names case-insensitively.
    #[serde(skip)]
    lower_names: HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub struct MethodSpec {
    pub returns: Vec<String>,
    pub params: Vec<FieldSpec>,
}

#[derive(Debug, Deserialize)]
pub struct TypeSpec {
    pub fields: Option<Vec<FieldSpec>>,
    pub subtypes: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct FieldSpec {
    pub name: String,
    pub types: Vec<String>,
    pub required: bool,
    /// The one value a discriminator field may have ("photo" for InputMediaPhoto.type).
    #[serde(default, rename = "const")]
    pub const_value: Option<String>,
}

/// The parsed spec, built once per process.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        // The file is part of this crate and checked by a test, so failing here is a build
        // defect, not something a request can cause.
        let mut spec: Spec = serde_json::from_str(SPEC_JSON).expect("bot_api.json is valid");
        spec.lower_names = spec
            .methods
            .keys()
            .map(|name| (name.to_lowercase(), name.clone()))
            .collect();
        spec
    })
}

impl Spec {
    /// The spec spelling of a method name given in any letter case.
    pub fn method_name(&self, any_case: &str) -> Option<&str> {
        self.lower_names
            .get(&any_case.to_lowercase())
            .map(String::as_str)
    }

    /// The types a method's parameter may have (a legacy parameter's too), if it has it.
    pub fn param_types(&self, method: &str, name: &str) -> Option<Vec<String>> {
        let documented = self
            .methods
            .get(method)?
            .params
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.types.clone());
        documented.or_else(|| {
            LEGACY_PARAMS
                .iter()
                .find(|(legacy, _)| *legacy == name)
                .map(|(_, kind)| vec![kind.to_string()])
        })
    }

    /// Whether the method's documented return type is a plain Boolean (`True` on success).
    pub fn returns_boolean(&self, method: &str) -> bool {
        self.methods
            .get(method)
            .is_some_and(|m| m.returns == ["Boolean"])
    }

    /// Checks a request's parameters; the error is the part after "Bad Request: ".
    pub fn check_params(&self, method: &str, params: &Map<String, Value>) -> Result<(), String> {
        let Some(method_spec) = self.methods.get(method) else {
            return Err(format!("method {method} not found"));
        };
        for field in &method_spec.params {
            match params.get(&field.name) {
                None | Some(Value::Null) if field.required => {
                    return Err(format!("parameter \"{}\" is required", field.name));
                }
                None | Some(Value::Null) => {}
                Some(value) => self.check_value(value, &field.types, &field.name)?,
            }
        }
        for (name, value) in params {
            if method_spec.params.iter().any(|f| &f.name == name) {
                continue;
            }
            match LEGACY_PARAMS.iter().find(|(legacy, _)| legacy == name) {
                Some((_, kind)) => self.check_value(value, &[kind.to_string()], name)?,
                None => return Err(format!("unknown parameter \"{name}\" for method {method}")),
            }
        }
        Ok(())
    }

    /// Checks one value against a list of alternative spec types ("Integer", "Array of X",
    /// an object type name). `path` names the value in error messages.
    fn check_value(&self, value: &Value, types: &[String], path: &str) -> Result<(), String> {
        let mut errors = Vec::new();
        for type_name in types {
            match self.check_one(value, type_name, path) {
                Ok(()) => return Ok(()),
                Err(error) => errors.push((type_name, error)),
            }
        }
        // Several object types may be allowed (reply_markup, media); report the error of the
        // one the sender meant: the one whose discriminator matches, else the one whose field
        // names overlap most with the keys sent. The first of equals wins.
        let mut best: Option<(usize, &String)> = None;
        for (type_name, error) in &errors {
            let score = self.key_overlap(value, type_name);
            if best.is_none_or(|(top, _)| score > top) {
                best = Some((score, error));
            }
        }
        match best {
            Some((_, error)) => Err(error.clone()),
            None => Ok(()),
        }
    }

    /// How well a value fits a type: a matching discriminator counts far more than a key
    /// name; an array is judged by its first element.
    fn key_overlap(&self, value: &Value, type_name: &str) -> usize {
        if let Some(element_type) = type_name.strip_prefix("Array of ") {
            return value
                .as_array()
                .and_then(|items| items.first())
                .map_or(0, |first| self.key_overlap(first, element_type));
        }
        let Some(type_spec) = self.types.get(type_name) else {
            return 0;
        };
        if let Some(subtypes) = &type_spec.subtypes {
            return subtypes
                .iter()
                .map(|subtype| self.key_overlap(value, subtype))
                .max()
                .unwrap_or(0);
        }
        let (Some(object), Some(fields)) = (value.as_object(), type_spec.fields.as_ref()) else {
            return 0;
        };
        fields
            .iter()
            .map(|f| match (object.get(&f.name), &f.const_value) {
                (Some(Value::String(sent)), Some(fixed)) if sent == fixed => 1000,
                (Some(_), _) => 1,
                (None, _) => 0,
            })
            .sum()
    }

    fn check_one(&self, value: &Value, type_name: &str, path: &str) -> Result<(), String> {
        if let Some(element_type) = type_name.strip_prefix("Array of ") {
            let Some(items) = value.as_array() else {
                return Err(format!("field \"{path}\" must be an Array"));
            };
            for (index, item) in items.iter().enumerate() {
                self.check_one(item, element_type, &format!("{path}[{index}]"))?;
            }
            return Ok(());
        }
        let kind_ok = match type_name {
            "Integer" => value.is_i64() || value.is_u64(),
            "Float" => value.is_number(),
            "String" => value.is_string(),
            "Boolean" => value.is_boolean(),
            // A file to upload travels as multipart; in JSON it can only be a file_id or URL.
            "InputFile" => value.is_string(),
            _ => return self.check_object(value, type_name, path),
        };
        if kind_ok {
            Ok(())
        } else {
            Err(format!("field \"{path}\" must be of type {type_name}"))
        }
    }

    fn check_object(&self, value: &Value, type_name: &str, path: &str) -> Result<(), String> {
        let Some(type_spec) = self.types.get(type_name) else {
            return Err(format!("field \"{path}\" has unknown type {type_name}"));
        };
        let Some(object) = value.as_object() else {
            return Err(format!("field \"{path}\" must be an Object ({type_name})"));
        };
        if let Some(subtypes) = &type_spec.subtypes {
            return self.check_value(value, subtypes, path);
        }
        // Types without fields (CallbackGame, empty service objects) are opaque objects.
        let Some(fields) = &type_spec.fields else {
            return Ok(());
        };
        for field in fields {
            let field_path = format!("{path}.{}", field.name);
            match object.get(&field.name) {
                None | Some(Value::Null) if field.required => {
                    return Err(format!("field \"{field_path}\" is required in {type_name}"));
                }
                None | Some(Value::Null) => {}
                Some(inner) => {
                    self.check_value(inner, &field.types, &field_path)?;
                    if let Some(fixed) = &field.const_value {
                        if inner.as_str() != Some(fixed.as_str()) {
                            return Err(format!("field \"{field_path}\" must be \"{fixed}\""));
                        }
                    }
                }
            }
        }
        if let Some(unknown) = object
            .keys()
            .find(|k| !fields.iter().any(|f| &f.name == *k))
        {
            return Err(format!(
                "field \"{path}.{unknown}\" is not a field of {type_name}"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn embedded_spec_parses_and_knows_core_methods() {
        let spec = spec();
        assert_eq!(spec.version, "Bot API 9.1");
        assert_eq!(spec.method_name("SENDMESSAGE"), Some("sendMessage"));
        assert!(spec.returns_boolean("setMyCommands"));
        assert!(!spec.returns_boolean("sendMessage"));
    }

    #[test]
    fn nested_objects_are_checked() {
        let spec = spec();
        let good = json!({"chat_id": 1, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}});
        assert_eq!(spec.check_params("sendMessage", &params(good)), Ok(()));
        let typo = json!({"chat_id": 1, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a", "callback": "b"}]]}});
        let error = spec.check_params("sendMessage", &params(typo)).unwrap_err();
        assert!(error.contains("callback"), "{error}");
        let missing = json!({"chat_id": 1, "text": "x", "reply_parameters": {"chat_id": 1}});
        let error = spec
            .check_params("sendMessage", &params(missing))
            .unwrap_err();
        assert!(error.contains("message_id"), "{error}");
        let wrong_kind = json!({"chat_id": "1", "text": 5});
        assert!(spec
            .check_params("sendMessage", &params(wrong_kind))
            .is_err());
        let scope = json!({"commands": [{"command": "a", "description": "b"}], "scope": {"type": "all_group_chats"}});
        assert_eq!(spec.check_params("setMyCommands", &params(scope)), Ok(()));
        let typo = json!({"commands": [], "scope": {"type": "all_group_chat"}});
        let error = spec
            .check_params("setMyCommands", &params(typo))
            .unwrap_err();
        assert!(error.contains("scope.type"), "{error}");
    }

    #[test]
    fn discriminators_pick_the_union_member() {
        let spec = spec();
        let photos = json!({"chat_id": 1, "media": [
            {"type": "photo", "media": "a"}, {"type": "photo", "media": "b", "caption": "c"}
        ]});
        assert_eq!(spec.check_params("sendMediaGroup", &params(photos)), Ok(()));
        // A typo in a photo item is reported against InputMediaPhoto, not the last member.
        let typo =
            json!({"chat_id": 1, "media": [{"type": "photo", "media": "a", "captoin": "c"}]});
        let error = spec
            .check_params("sendMediaGroup", &params(typo))
            .unwrap_err();
        assert!(error.contains("InputMediaPhoto"), "{error}");
        let unknown = json!({"chat_id": 1, "media": [{"type": "picture", "media": "a"}]});
        assert!(spec
            .check_params("sendMediaGroup", &params(unknown))
            .is_err());
        let keyboard = json!({"chat_id": 1, "text": "x", "reply_markup": {"keyboard": [[{"text": "a", "request_location": true}]], "resize_keyboard": true}});
        assert_eq!(spec.check_params("sendMessage", &params(keyboard)), Ok(()));
        let remove = json!({"chat_id": 1, "text": "x", "reply_markup": {"remove_keyboard": true}});
        assert_eq!(spec.check_params("sendMessage", &params(remove)), Ok(()));
        let mixed = json!({"chat_id": 1, "text": "x", "reply_markup": {"keyboard": [], "remove_keyboard": true}});
        assert!(spec.check_params("sendMessage", &params(mixed)).is_err());
        let bad_button = json!({"chat_id": 1, "text": "x", "reply_markup": {"keyboard": [[{"text": "a", "request_location": "yes"}]]}});
        let error = spec
            .check_params("sendMessage", &params(bad_button))
            .unwrap_err();
        assert!(error.contains("request_location"), "{error}");
        assert_eq!(
            spec.param_types("sendPhoto", "photo"),
            Some(vec!["InputFile".to_string(), "String".to_string()])
        );
        assert_eq!(
            spec.param_types("sendPhoto", "reply_to_message_id"),
            Some(vec!["Integer".to_string()])
        );
        assert_eq!(spec.param_types("sendPhoto", "colour"), None);
    }
}
