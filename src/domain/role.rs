//! Roles people hold in a unit: the grid leader, the eight standing duty roles of the
//! "1 + 8 + X" roster, department liaisons, duty officers of higher units and custom "X" roles.
//!
//! A role has a stable id (used in the organisation file, the database and callback data) and
//! names in the three languages plus the short forms people type. `RoleCatalog` holds the
//! built-in roles and the custom ones declared in the organisation file and answers "which role
//! does this word name?".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The id of a role: one of the built-in ids or a custom one declared in the organisation file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RoleId(pub String);

impl RoleId {
    pub fn new(id: impl Into<String>) -> Self {
        RoleId(id.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is(&self, id: &str) -> bool {
        self.0 == id
    }
}

impl std::fmt::Display for RoleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub const GRID_LEADER: &str = "grid_leader";
pub const LIAISON: &str = "liaison";
pub const DUTY_OFFICER: &str = "duty_officer";

/// The eight standing duty roles of a grid, in the order of DOMAIN.md.
pub const STANDING_ROLES: [&str; 8] = [
    "grid_supervisor",
    "urban_enforcement",
    "community_specialist",
    "sanitation",
    "community_police",
    "agency_liaison",
    "discipline_supervisor",
    "subdistrict_specialist",
];

/// A role's names: what the bot prints in each language, and every form a person may type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleNames {
    pub zh_hans: String,
    pub zh_hant: String,
    pub en: String,
    /// Short forms and other names people type (any language), matched like the full names.
    pub aliases: Vec<String>,
}

impl RoleNames {
    /// The name to print in a language ("zh-Hans", "zh-Hant" or "en").
    pub fn in_lang(&self, lang: &str) -> &str {
        match lang {
            "zh-Hant" => &self.zh_hant,
            "en" => &self.en,
            _ => &self.zh_hans,
        }
    }

    /// Every name a person may type for this role: the three full names and the aliases.
    pub fn all_forms(&self) -> impl Iterator<Item = &str> {
        [
            self.zh_hans.as_str(),
            self.zh_hant.as_str(),
            self.en.as_str(),
        ]
        .into_iter()
        .chain(self.aliases.iter().map(String::as_str))
        .filter(|s| !s.is_empty())
    }
}

fn names(zh_hans: &str, zh_hant: &str, en: &str, aliases: &[&str]) -> RoleNames {
    RoleNames {
        zh_hans: zh_hans.into(),
        zh_hant: zh_hant.into(),
        en: en.into(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
    }
}

/// What people call the built-in roles in chats, beyond the official names and short forms:
/// neighbourhood words (片警 is the officer whose beat it is, 保洁阿姨 the cleaner), team words
/// (城管队员) and plain English. Each list has zh-Hans, zh-Hant and English forms; an
/// organisation adds its own with `[[role]] id = "…" aliases = […]`. Left out on purpose:
/// words that name more than one role ("supervisor", "officer") and "policeman", which the
/// parser's table keeps as naming nobody.
#[rustfmt::skip]
pub const COLLOQUIAL_ALIASES: &[(&str, &[&str])] = &[
    (GRID_LEADER, &["网格负责人", "網格負責人", "格长", "格長", "grid head", "grid chief"]),
    ("grid_supervisor", &["网格监督", "網格監督", "巡查员", "巡查員", "grid inspector"]),
    ("urban_enforcement", &[
        "城管队员", "城管隊員", "城管执法", "城管執法", "执法队员", "執法隊員", "城管大哥",
        "urban enforcement", "city management", "city inspector",
    ]),
    ("community_specialist", &[
        "社区工作者", "社區工作者", "社工", "社区干部", "社區幹部", "community worker",
        "social worker",
    ]),
    ("sanitation", &[
        "保洁阿姨", "保潔阿姨", "清洁工", "清潔工", "环卫工人", "環衛工人", "扫地的", "掃地的",
        "street cleaner", "street sweeper", "sweeper", "janitor",
    ]),
    ("community_police", &[
        "片警", "片儿警", "片兒警", "管片民警", "户籍警", "戶籍警", "社区警察", "社區警察",
        "beat cop", "community police", "police officers",
    ]),
    ("agency_liaison", &["下沉干部", "下沉幹部", "机关干部", "機關幹部", "liaison officer"]),
    ("discipline_supervisor", &[
        "纪委", "紀委", "纪律委员", "紀律委員", "discipline inspector", "discipline officer",
    ]),
    ("subdistrict_specialist", &[
        "街道专干", "街道專干", "街道專幹", "subdistrict specialist", "street office specialist",
    ]),
    (LIAISON, &["部门联系人", "部門聯繫人", "对接人", "對接人", "department contact"]),
    (DUTY_OFFICER, &["值班人", "值班干部", "值班幹部", "duty staff"]),
];

/// The key two names are compared by: lower case, full-width forms and Unicode spaces to
/// ASCII, and hyphens, underscores and spaces removed, so "Grid-Leader", "grid_leader",
/// "ｇｒｉｄ ｌｅａｄｅｒ" and "gridleader" are one name.
pub fn name_key(name: &str) -> String {
    name.chars()
        .map(crate::domain::text::fold_char_for_parse)
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{2010}' | '\u{2011}' => '-',
            _ => c,
        })
        .filter(|c| !matches!(c, '-' | '_') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The built-in roles with their names (DOMAIN.md's table), the short forms people type and
/// the colloquial words of [`COLLOQUIAL_ALIASES`].
pub fn builtin_roles() -> Vec<(RoleId, RoleNames)> {
    let table = [
        (
            GRID_LEADER,
            names("网格长", "網格長", "grid leader", &["gridleader"]),
        ),
        (
            "grid_supervisor",
            names(
                "网格监督员",
                "網格監督員",
                "grid supervisor",
                &["监督员", "監督員"],
            ),
        ),
        (
            "urban_enforcement",
            names(
                "城管执法员",
                "城管執法員",
                "urban-management enforcement officer",
                &[
                    "城管",
                    "执法员",
                    "執法員",
                    "enforcement officer",
                    "urban management",
                    "chengguan",
                ],
            ),
        ),
        (
            "community_specialist",
            names(
                "社区专干",
                "社區專干",
                "community specialist",
                &["专干", "專干", "社区专职"],
            ),
        ),
        (
            "sanitation",
            names(
                "环卫保洁员",
                "環衛保潔員",
                "sanitation worker",
                &[
                    "环卫",
                    "環衛",
                    "保洁",
                    "保潔",
                    "保洁员",
                    "保潔員",
                    "环卫工",
                    "環衛工",
                    "sanitation",
                    "cleaner",
                ],
            ),
        ),
        (
            "community_police",
            names(
                "社区民警",
                "社區民警",
                "community police officer",
                &["民警", "警察", "police officer", "police", "cop"],
            ),
        ),
        (
            "agency_liaison",
            names(
                "机关联络员",
                "機關聯絡員",
                "agency liaison",
                &["联络员", "聯絡員", "agency liaison officer"],
            ),
        ),
        (
            "discipline_supervisor",
            names(
                "纪律监督员",
                "紀律監督員",
                "discipline supervisor",
                &["纪检", "紀檢", "纪检员", "紀檢員"],
            ),
        ),
        (
            "subdistrict_specialist",
            names(
                "街道科室专干",
                "街道科室專干",
                "sub-district section specialist",
                &["科室专干", "科室專干", "section specialist"],
            ),
        ),
        (
            LIAISON,
            names(
                "部门联络人",
                "部門聯絡人",
                "department liaison",
                &["联络人", "聯絡人", "liaison"],
            ),
        ),
        (
            DUTY_OFFICER,
            names(
                "值班员",
                "值班員",
                "duty officer",
                &["值班人员", "值班人員", "值班员"],
            ),
        ),
    ];
    table
        .into_iter()
        .map(|(id, mut n)| {
            let extra = COLLOQUIAL_ALIASES.iter().filter(|(r, _)| *r == id);
            for a in extra.flat_map(|(_, a)| a.iter()) {
                n.aliases.push(a.to_string());
            }
            (RoleId::new(id), n)
        })
        .collect()
}

/// Built-in roles plus the custom roles of one organisation, looked up by id or by any name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleCatalog {
    roles: BTreeMap<RoleId, RoleNames>,
    order: Vec<RoleId>,
}

impl Default for RoleCatalog {
    fn default() -> Self {
        Self::with_custom(Vec::new())
    }
}

impl RoleCatalog {
    /// The built-in roles followed by `custom` ones (a custom role with a built-in id replaces
    /// its names).
    pub fn with_custom(custom: Vec<(RoleId, RoleNames)>) -> Self {
        let mut roles = BTreeMap::new();
        let mut order = Vec::new();
        for (id, n) in builtin_roles().into_iter().chain(custom) {
            if roles.insert(id.clone(), n).is_none() {
                order.push(id);
            }
        }
        RoleCatalog { roles, order }
    }

    pub fn get(&self, id: &RoleId) -> Option<&RoleNames> {
        self.roles.get(id)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.roles.contains_key(&RoleId::new(id))
    }

    /// Roles in catalogue order: built-in first (grid leader, the eight, liaison, duty officer),
    /// then custom ones.
    pub fn iter(&self) -> impl Iterator<Item = (&RoleId, &RoleNames)> {
        self.order.iter().map(|id| (id, &self.roles[id]))
    }

    /// The role's printable name in `lang`, or its id when unknown.
    pub fn display<'a>(&'a self, id: &'a RoleId, lang: &str) -> &'a str {
        self.roles
            .get(id)
            .map(|n| n.in_lang(lang))
            .unwrap_or(id.as_str())
    }

    /// The role a word names: an id, a full name in any language, a short form or a
    /// colloquial alias. Compared by [`name_key`] (case, full-width forms, hyphens,
    /// underscores and spaces do not matter); a leading `@`/`#` is ignored.
    pub fn lookup(&self, word: &str) -> Option<RoleId> {
        let w = name_key(word.trim().trim_start_matches(['@', '#', '＠', '＃']));
        if w.is_empty() {
            return None;
        }
        self.iter()
            .find(|(id, n)| name_key(id.as_str()) == w || n.all_forms().any(|f| name_key(f) == w))
            .map(|(id, _)| id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_finds_roles_by_id_name_and_short_form_in_three_languages() {
        let c = RoleCatalog::default();
        let cases = [
            ("sanitation", "sanitation"),
            ("环卫", "sanitation"),
            ("環衛", "sanitation"),
            ("@保洁", "sanitation"),
            ("城管", "urban_enforcement"),
            ("#城管執法員", "urban_enforcement"),
            ("Community Police Officer", "community_police"),
            ("纪检", "discipline_supervisor"),
            ("监督员", "grid_supervisor"),
            ("网格长", GRID_LEADER),
            ("liaison", LIAISON),
        ];
        for (word, id) in cases {
            assert_eq!(c.lookup(word), Some(RoleId::new(id)), "{word}");
        }
        assert_eq!(c.lookup("厨师"), None);
        assert_eq!(c.lookup(""), None);
    }

    #[rustfmt::skip]
    const TYPED: &[(&str, Option<&str>)] = &[
        ("@urban-enforcement", Some("urban_enforcement")),
        ("urban enforcement", Some("urban_enforcement")),
        ("Urban_Enforcement", Some("urban_enforcement")),
        ("grid-leader", Some(GRID_LEADER)),
        ("Grid Leader", Some(GRID_LEADER)),
        ("ＧＲＩＤ　ＬＥＡＤＥＲ", Some(GRID_LEADER)),
        ("＠片警", Some("community_police")),
        ("片兒警", Some("community_police")),
        ("保洁阿姨", Some("sanitation")),
        ("保潔阿姨", Some("sanitation")),
        ("street-sweeper", Some("sanitation")),
        ("城管队员", Some("urban_enforcement")),
        ("城管隊員", Some("urban_enforcement")),
        ("Sub-District Section Specialist", Some("subdistrict_specialist")),
        ("subdistrict specialist", Some("subdistrict_specialist")),
        ("下沉干部", Some("agency_liaison")),
        ("Duty-Officer", Some(DUTY_OFFICER)),
        ("policeman", None),
        ("supervisor", None),
        ("-", None),
    ];

    #[test]
    fn lookup_ignores_case_hyphens_spaces_and_full_width_and_knows_colloquial_names() {
        let c = RoleCatalog::default();
        for (word, want) in TYPED {
            assert_eq!(c.lookup(word), want.map(RoleId::new), "{word}");
        }
    }

    #[test]
    fn every_colloquial_alias_names_a_builtin_role_and_only_one() {
        let c = RoleCatalog::default();
        for (role, aliases) in COLLOQUIAL_ALIASES {
            assert!(c.contains(role), "{role}");
            for a in *aliases {
                assert_eq!(c.lookup(a), Some(RoleId::new(*role)), "{a}");
            }
        }
    }

    #[test]
    fn custom_roles_are_listed_after_builtins_and_found_by_alias() {
        let custom = vec![(
            RoleId::new("volunteer"),
            names("志愿者", "志願者", "volunteer", &["义工"]),
        )];
        let c = RoleCatalog::with_custom(custom);
        assert_eq!(c.lookup("义工"), Some(RoleId::new("volunteer")));
        assert_eq!(c.iter().last().unwrap().0.as_str(), "volunteer");
        assert_eq!(c.display(&RoleId::new("volunteer"), "en"), "volunteer");
    }
}
