//! Identifier newtypes, so that an order number is never mistaken for a chat id, and the rule
//! for the ids the organisation file gives to units and departments.

use serde::{Deserialize, Serialize};

macro_rules! int_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

macro_rules! str_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// The field is private and [`Self::parse`] is the one way to make one from text
        /// (deserializing goes through it too); inside the crate, `checked` takes an id that
        /// was checked already (the organisation file's, at import).
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String")]
        pub struct $name(String);

        impl $name {
            /// An id checked already: read back from the store or taken from a validated
            /// organisation. Text from a person or a file goes through [`Self::parse`].
            pub(crate) fn checked(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            /// The id if it is 1–32 characters of `[A-Za-z0-9_-]`, see [`check_id`].
            pub fn parse(id: &str) -> Result<Self, IdError> {
                check_id(id).map(|()| Self(id.to_string()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(id: String) -> Result<Self, IdError> {
                check_id(&id).map(|()| Self(id))
            }
        }
    };
}

/// Why a text is not a unit, department or alliance id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("an id cannot be empty")]
    Empty,
    #[error("an id has at most {max} characters, this one has {len}")]
    TooLong { len: usize, max: usize },
    #[error("an id may only use A-Z, a-z, 0-9, - and _, not {ch:?}")]
    BadChar { ch: char },
}

/// The longest id: a Telegram `/start` parameter may be 64 characters, and button data (64
/// bytes) must also hold the order number and an action.
pub const ID_MAX_LEN: usize = 32;

/// Checks the id rule: 1–32 characters of `[A-Za-z0-9_-]`, the characters a Telegram `/start`
/// deep link may carry, so every unit and department can have a link that opens the bot on it.
pub fn check_id(id: &str) -> Result<(), IdError> {
    if id.is_empty() {
        return Err(IdError::Empty);
    }
    if let Some(ch) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(IdError::BadChar { ch });
    }
    // All ASCII from here, so bytes are characters.
    if id.len() > ID_MAX_LEN {
        return Err(IdError::TooLong {
            len: id.len(),
            max: ID_MAX_LEN,
        });
    }
    Ok(())
}

int_id!(
    /// A whistle order's number, `#N`, from one sequence per deployment.
    OrderId
);
int_id!(
    /// A Telegram user id (a person).
    TelegramUserId
);
int_id!(
    /// A resident's number, "居民 #k": one per person who reports privately, stable, and never
    /// their Telegram id (which only the `residents` table knows, until they `/forget`).
    ResidentNo
);
int_id!(
    /// A scheduler job (`jobs.id`): a due moment of an order, claimed and done once.
    JobId
);
int_id!(
    /// An outbox row (`outbox.id`): one message (or edit) to deliver.
    OutboxId
);
int_id!(
    /// A Telegram message id within its chat.
    MessageId
);
int_id!(
    /// A Telegram chat id (a group, a supergroup or a private chat).
    ChatId
);
str_id!(
    /// The id of a unit (district, sub-district, community or grid) in the organisation file.
    UnitId
);
str_id!(
    /// The id of a department in the organisation file.
    DepartmentId
);
str_id!(
    /// The id of an alliance unit (联盟单位) in the organisation file.
    AllianceId
);

/// What a group chat, a membership or a summoned party belongs to: a unit or a department.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    Unit(UnitId),
    Department(DepartmentId),
    /// An alliance unit (联盟单位): whistled like a department, its members report as liaisons.
    Alliance(AllianceId),
}

impl Scope {
    /// `("unit", id)`, `("department", id)` or `("alliance", id)`, as stored.
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            Scope::Unit(u) => ("unit", u.as_str()),
            Scope::Department(d) => ("department", d.as_str()),
            Scope::Alliance(a) => ("alliance", a.as_str()),
        }
    }

    pub fn from_parts(kind: &str, id: &str) -> Option<Scope> {
        match kind {
            "unit" => Some(Scope::Unit(UnitId::checked(id))),
            "department" => Some(Scope::Department(DepartmentId::checked(id))),
            "alliance" => Some(Scope::Alliance(AllianceId::checked(id))),
            _ => None,
        }
    }
}

/// The three languages every text exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-Hans")]
    ZhHans,
    #[serde(rename = "zh-Hant")]
    ZhHant,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::ZhHans, Lang::ZhHant, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
            Lang::En => "en",
        }
    }

    /// Accepts the codes people and Telegram use: `zh-Hans`, `zh-CN`, `zh-hant`, `zh-TW`,
    /// `zh-HK`, `en`, `en-US`, and the words 简体, 繁體, English.
    pub fn parse(s: &str) -> Option<Lang> {
        let l = s.trim().to_lowercase().replace('_', "-");
        match l.as_str() {
            "zh-hans" | "zh" | "zh-cn" | "zh-sg" | "cn" | "简体" | "简体中文" | "簡體" | "中文" => {
                Some(Lang::ZhHans)
            }
            "zh-hant" | "zh-tw" | "zh-hk" | "zh-mo" | "tw" | "hk" | "繁體" | "繁体"
            | "繁體中文" | "繁体中文" => Some(Lang::ZhHant),
            _ if l == "en" || l.starts_with("en-") || l == "english" => Some(Lang::En),
            _ => None,
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rustfmt::skip]
    const IDS: &[(&str, Result<(), IdError>)] = &[
        ("cuihu-1", Ok(())),
        ("Wuhua_District", Ok(())),
        ("a", Ok(())),
        ("abcdefghijklmnopqrstuvwxyz012345", Ok(())),
        ("abcdefghijklmnopqrstuvwxyz0123456", Err(IdError::TooLong { len: 33, max: 32 })),
        ("", Err(IdError::Empty)),
        ("cui hu", Err(IdError::BadChar { ch: ' ' })),
        ("翠湖", Err(IdError::BadChar { ch: '翠' })),
        ("cuihu\u{200E}", Err(IdError::BadChar { ch: '\u{200E}' })),
        ("a.b", Err(IdError::BadChar { ch: '.' })),
        ("ｃｕｉｈｕ", Err(IdError::BadChar { ch: 'ｃ' })),
    ];

    #[test]
    fn deserializing_checks_ids_as_parse_does() {
        let ok: UnitId = serde_json::from_str(r#""cuihu-1""#).unwrap();
        assert_eq!(ok, UnitId::parse("cuihu-1").unwrap());
        assert_eq!(serde_json::to_string(&ok).unwrap(), r#""cuihu-1""#);
        for bad in [
            r#""""#,
            r#""翠湖""#,
            r#""a b""#,
            &format!("\"{}\"", "x".repeat(33)),
        ] {
            assert!(serde_json::from_str::<UnitId>(bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<DepartmentId>(bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<AllianceId>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_are_what_a_start_link_can_carry() {
        for (id, want) in IDS {
            assert_eq!(&check_id(id), want, "{id:?}");
            assert_eq!(
                UnitId::parse(id).map(|u| u.0),
                want.clone().map(|()| id.to_string())
            );
            assert_eq!(
                DepartmentId::parse(id).map(|d| d.0),
                want.clone().map(|()| id.to_string())
            );
        }
    }
}
