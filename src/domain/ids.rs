//! Identifier newtypes, so that an order number is never mistaken for a chat id.

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
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
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
    };
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

/// What a group chat, a membership or a summoned party belongs to: a unit or a department.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    Unit(UnitId),
    Department(DepartmentId),
}

impl Scope {
    /// `("unit", id)` or `("department", id)`, as stored.
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            Scope::Unit(u) => ("unit", u.as_str()),
            Scope::Department(d) => ("department", d.as_str()),
        }
    }

    pub fn from_parts(kind: &str, id: &str) -> Option<Scope> {
        match kind {
            "unit" => Some(Scope::Unit(UnitId::new(id))),
            "department" => Some(Scope::Department(DepartmentId::new(id))),
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
