//! The organisation file: units, departments, alliance units, the roster, admins, policy,
//! calendar, keywords and custom roles, read from TOML and validated as a whole.
//!
//! `parse_org` turns the text into an `Organisation` or into the first problem found, with the
//! line it is on. Nothing here touches the database: storage imports an `Organisation` that is
//! already known to be consistent, so a broken file never writes half of itself.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::ids::{DepartmentId, Lang, Scope, TelegramUserId, UnitId};
use super::parse::KeywordRule;
use super::policy::{Calendar, Durations, Level, LevelPolicy, Policy, Secs};
use super::role::{RoleCatalog, RoleId, RoleNames};

/// The four kinds of unit, top to bottom.
pub type UnitKind = Level;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: UnitId,
    pub kind: UnitKind,
    pub parent: Option<UnitId>,
    pub name: String,
    /// Other names people use for it (e.g. "第一网格"), for whistles that name a grid.
    pub aliases: Vec<String>,
    pub chat_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: DepartmentId,
    pub name: String,
    pub aliases: Vec<String>,
    pub chat_id: Option<i64>,
    /// Keywords that route a whistle to this department.
    pub handles: Vec<String>,
    pub durations: Durations,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alliance {
    pub id: String,
    pub name: String,
    pub chat_id: Option<i64>,
    pub parent: Option<UnitId>,
}

/// One person, with every role they hold in every unit or department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub telegram_id: TelegramUserId,
    pub name: String,
    pub username: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Membership {
    pub telegram_id: TelegramUserId,
    pub scope: Scope,
    pub role: RoleId,
}

/// A validated organisation file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub timezone: chrono_tz::Tz,
    pub default_locale: Lang,
    pub policy: Policy,
    pub calendar: Option<Calendar>,
    pub units: Vec<Unit>,
    pub departments: Vec<Department>,
    pub alliances: Vec<Alliance>,
    pub people: Vec<Person>,
    pub memberships: Vec<Membership>,
    pub admins: Vec<TelegramUserId>,
    pub keywords: Vec<KeywordRule>,
    pub roles: Vec<(RoleId, RoleNames)>,
}

/// What is wrong with an organisation file. Each variant has one message in the locales.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgProblem {
    #[error("syntax: {detail}")]
    Syntax { detail: String },
    #[error("duplicate {what} id {id}")]
    DuplicateId { what: &'static str, id: String },
    #[error("unit {id}: unknown parent {parent}")]
    UnknownParent { id: String, parent: String },
    #[error("unit {id}: parent {parent} is a {parent_kind}, a {kind} needs a {expected}")]
    ParentKind {
        id: String,
        kind: &'static str,
        parent: String,
        parent_kind: &'static str,
        expected: &'static str,
    },
    #[error("unit {id}: a district has no parent")]
    DistrictWithParent { id: String },
    #[error("units form a cycle: {path}")]
    Cycle { path: String },
    #[error("unknown unit kind {value}")]
    UnknownKind { value: String },
    #[error("unknown role {role}")]
    UnknownRole { role: String },
    #[error("unknown unit {id}")]
    UnknownUnit { id: String },
    #[error("unknown department {id}")]
    UnknownDepartment { id: String },
    #[error("a member needs exactly one of unit or department")]
    MemberScope,
    #[error("bad duration {value}")]
    BadDuration { value: String },
    #[error("unknown timezone {value}")]
    BadTimezone { value: String },
    #[error("unknown locale {value}")]
    BadLocale { value: String },
    #[error("bad date {value}")]
    BadDate { value: String },
    #[error("bad working hours {value}")]
    BadHours { value: String },
    #[error("bad weekday {value}")]
    BadWeekday { value: String },
    #[error("a role needs a name in zh-Hans, zh-Hant and en: {id}")]
    RoleNames { id: String },
    #[error("bad department id {id}")]
    BadDepartmentId { id: String },
}

/// A problem and the line (1-based) it is on; 0 when it concerns the whole file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct OrgError {
    pub line: usize,
    pub problem: OrgProblem,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrg {
    timezone: Option<Spanned<String>>,
    default_locale: Option<Spanned<String>>,
    policy: Option<RawPolicy>,
    calendar: Option<RawCalendar>,
    #[serde(default)]
    unit: Vec<RawUnit>,
    #[serde(default)]
    department: Vec<RawDepartment>,
    #[serde(default)]
    alliance: Vec<RawAlliance>,
    #[serde(default)]
    member: Vec<RawMember>,
    #[serde(default)]
    admin: Vec<RawAdmin>,
    #[serde(default)]
    keyword: Vec<RawKeyword>,
    #[serde(default)]
    role: Vec<RawRole>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDurations {
    ack_within: Option<Spanned<String>>,
    resolve_within: Option<Spanned<String>>,
    remind_before: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLevelPolicy {
    ack_within: Option<Spanned<String>>,
    resolve_within: Option<Spanned<String>>,
    remind_before: Option<Spanned<String>>,
    urgent: Option<RawDurations>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    ack_within: Option<Spanned<String>>,
    resolve_within: Option<Spanned<String>>,
    remind_before: Option<Spanned<String>>,
    urgent: Option<RawDurations>,
    grid: Option<RawLevelPolicy>,
    community: Option<RawLevelPolicy>,
    subdistrict: Option<RawLevelPolicy>,
    district: Option<RawLevelPolicy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    /// Working hours on working days, "09:00-18:00".
    hours: Option<Spanned<String>>,
    /// The working week, e.g. ["mon", "tue", "wed", "thu", "fri"].
    weekdays: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    days_off: Vec<Spanned<String>>,
    #[serde(default)]
    workdays: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    id: Spanned<String>,
    kind: Spanned<String>,
    parent: Option<Spanned<String>>,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    chat_id: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDepartment {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    chat_id: Option<i64>,
    #[serde(default)]
    handles: Vec<String>,
    ack_within: Option<Spanned<String>>,
    resolve_within: Option<Spanned<String>>,
    remind_before: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlliance {
    id: Spanned<String>,
    name: String,
    chat_id: Option<i64>,
    parent: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    telegram_id: Spanned<i64>,
    name: String,
    username: Option<String>,
    unit: Option<Spanned<String>>,
    department: Option<Spanned<String>>,
    #[serde(default)]
    roles: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAdmin {
    telegram_id: i64,
    #[allow(dead_code)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyword {
    words: Vec<String>,
    role: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    id: Spanned<String>,
    names: BTreeMap<String, String>,
    #[serde(default)]
    aliases: Vec<String>,
}

/// Maps byte offsets to 1-based line numbers.
struct Lines<'a>(&'a str);

impl Lines<'_> {
    fn of(&self, offset: usize) -> usize {
        let end = offset.min(self.0.len());
        self.0.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }
    fn at<T>(&self, s: &Spanned<T>) -> usize {
        self.of(s.span().start)
    }
}

fn err<T>(line: usize, problem: OrgProblem) -> Result<T, OrgError> {
    Err(OrgError { line, problem })
}

fn duration(lines: &Lines, v: &Option<Spanned<String>>) -> Result<Option<Secs>, OrgError> {
    match v {
        None => Ok(None),
        Some(s) => match Secs::parse(s.get_ref()) {
            Some(d) => Ok(Some(d)),
            None => err(
                lines.at(s),
                OrgProblem::BadDuration {
                    value: s.get_ref().clone(),
                },
            ),
        },
    }
}

fn durations(lines: &Lines, d: &RawDurations) -> Result<Durations, OrgError> {
    Ok(Durations {
        ack_within: duration(lines, &d.ack_within)?,
        resolve_within: duration(lines, &d.resolve_within)?,
        remind_before: duration(lines, &d.remind_before)?,
    })
}

fn policy(lines: &Lines, raw: Option<RawPolicy>) -> Result<Policy, OrgError> {
    let mut p = Policy::default();
    let Some(raw) = raw else { return Ok(p) };
    let top = Durations {
        ack_within: duration(lines, &raw.ack_within)?,
        resolve_within: duration(lines, &raw.resolve_within)?,
        remind_before: duration(lines, &raw.remind_before)?,
    };
    p.normal = top.or(p.normal);
    if let Some(u) = &raw.urgent {
        p.urgent = durations(lines, u)?.or(p.urgent);
    }
    for (level, lp) in [
        (Level::Grid, raw.grid),
        (Level::Community, raw.community),
        (Level::Subdistrict, raw.subdistrict),
        (Level::District, raw.district),
    ] {
        if let Some(lp) = lp {
            let normal = Durations {
                ack_within: duration(lines, &lp.ack_within)?,
                resolve_within: duration(lines, &lp.resolve_within)?,
                remind_before: duration(lines, &lp.remind_before)?,
            };
            let urgent = match &lp.urgent {
                Some(u) => durations(lines, u)?,
                None => Durations::default(),
            };
            p.levels.insert(level, LevelPolicy { normal, urgent });
        }
    }
    Ok(p)
}

fn weekday(s: &str) -> Option<Weekday> {
    match s.trim().to_lowercase().as_str() {
        "mon" | "monday" | "周一" | "週一" => Some(Weekday::Mon),
        "tue" | "tuesday" | "周二" | "週二" => Some(Weekday::Tue),
        "wed" | "wednesday" | "周三" | "週三" => Some(Weekday::Wed),
        "thu" | "thursday" | "周四" | "週四" => Some(Weekday::Thu),
        "fri" | "friday" | "周五" | "週五" => Some(Weekday::Fri),
        "sat" | "saturday" | "周六" | "週六" => Some(Weekday::Sat),
        "sun" | "sunday" | "周日" | "週日" => Some(Weekday::Sun),
        _ => None,
    }
}

fn calendar(lines: &Lines, raw: Option<RawCalendar>) -> Result<Option<Calendar>, OrgError> {
    let Some(raw) = raw else { return Ok(None) };
    let (start, end) = match &raw.hours {
        None => (
            NaiveTime::from_hms_opt(9, 0, 0).expect("valid"),
            NaiveTime::from_hms_opt(18, 0, 0).expect("valid"),
        ),
        Some(h) => {
            let parsed = h.get_ref().split_once('-').and_then(|(a, b)| {
                let a = NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?;
                let b = NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?;
                (a < b).then_some((a, b))
            });
            match parsed {
                Some(p) => p,
                None => {
                    return err(
                        lines.at(h),
                        OrgProblem::BadHours {
                            value: h.get_ref().clone(),
                        },
                    )
                }
            }
        }
    };
    let weekdays = match &raw.weekdays {
        None => vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        Some(ws) => {
            let mut out = Vec::new();
            for w in ws {
                match weekday(w.get_ref()) {
                    Some(d) => out.push(d),
                    None => {
                        return err(
                            lines.at(w),
                            OrgProblem::BadWeekday {
                                value: w.get_ref().clone(),
                            },
                        )
                    }
                }
            }
            out
        }
    };
    let dates = |list: &[Spanned<String>]| -> Result<Vec<NaiveDate>, OrgError> {
        list.iter()
            .map(|d| {
                NaiveDate::parse_from_str(d.get_ref().trim(), "%Y-%m-%d").map_err(|_| OrgError {
                    line: lines.at(d),
                    problem: OrgProblem::BadDate {
                        value: d.get_ref().clone(),
                    },
                })
            })
            .collect()
    };
    Ok(Some(Calendar {
        weekdays,
        start,
        end,
        days_off: dates(&raw.days_off)?,
        workdays: dates(&raw.workdays)?,
    }))
}

fn check_unique<'a>(
    lines: &Lines,
    what: &'static str,
    ids: impl Iterator<Item = &'a Spanned<String>>,
) -> Result<(), OrgError> {
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(id.get_ref().as_str()) {
            return err(
                lines.at(id),
                OrgProblem::DuplicateId {
                    what,
                    id: id.get_ref().clone(),
                },
            );
        }
    }
    Ok(())
}

/// The level a unit of `kind` hangs under.
fn expected_parent(kind: Level) -> Option<Level> {
    match kind {
        Level::District => None,
        Level::Subdistrict => Some(Level::District),
        Level::Community => Some(Level::Subdistrict),
        Level::Grid => Some(Level::Community),
    }
}

fn units(lines: &Lines, raw: &[RawUnit]) -> Result<Vec<Unit>, OrgError> {
    check_unique(lines, "unit", raw.iter().map(|u| &u.id))?;
    let mut out = Vec::new();
    for u in raw {
        let Some(kind) = Level::parse(u.kind.get_ref().trim()) else {
            return err(
                lines.at(&u.kind),
                OrgProblem::UnknownKind {
                    value: u.kind.get_ref().clone(),
                },
            );
        };
        out.push(Unit {
            id: UnitId::new(u.id.get_ref().clone()),
            kind,
            parent: u.parent.as_ref().map(|p| UnitId::new(p.get_ref().clone())),
            name: u.name.clone(),
            aliases: u.aliases.clone(),
            chat_id: u.chat_id,
        });
    }
    let by_id: HashMap<&str, &Unit> = out.iter().map(|u| (u.id.as_str(), u)).collect();
    for (u, r) in out.iter().zip(raw) {
        if let (Some(p), Some(span)) = (&u.parent, &r.parent) {
            if !by_id.contains_key(p.as_str()) {
                return err(
                    lines.at(span),
                    OrgProblem::UnknownParent {
                        id: u.id.0.clone(),
                        parent: p.0.clone(),
                    },
                );
            }
        }
    }
    // Cycles before kinds: a loop is the clearer message when both apply.
    for (u, r) in out.iter().zip(raw) {
        let mut path = vec![u.id.as_str()];
        let mut cur = u;
        while let Some(p) = &cur.parent {
            if p == &u.id {
                path.push(p.as_str());
                return err(
                    lines.at(&r.id),
                    OrgProblem::Cycle {
                        path: path.join(" → "),
                    },
                );
            }
            if path.len() > out.len() {
                break; // a cycle above this unit; reported when its own members are checked
            }
            path.push(p.as_str());
            cur = by_id[p.as_str()];
        }
    }
    for (u, r) in out.iter().zip(raw) {
        match (&u.parent, expected_parent(u.kind)) {
            (Some(_), None) => {
                return err(
                    lines.at(&r.id),
                    OrgProblem::DistrictWithParent { id: u.id.0.clone() },
                )
            }
            (Some(p), Some(expected)) => {
                let parent = by_id[p.as_str()];
                if parent.kind != expected {
                    return err(
                        lines.at(r.parent.as_ref().unwrap_or(&r.id)),
                        OrgProblem::ParentKind {
                            id: u.id.0.clone(),
                            kind: u.kind.as_str(),
                            parent: p.0.clone(),
                            parent_kind: parent.kind.as_str(),
                            expected: expected.as_str(),
                        },
                    );
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn custom_roles(lines: &Lines, raw: &[RawRole]) -> Result<Vec<(RoleId, RoleNames)>, OrgError> {
    check_unique(lines, "role", raw.iter().map(|r| &r.id))?;
    raw.iter()
        .map(|r| {
            let get = |k: &str| r.names.get(k).cloned().filter(|s| !s.trim().is_empty());
            match (get("zh-Hans"), get("zh-Hant"), get("en")) {
                (Some(zh_hans), Some(zh_hant), Some(en)) => Ok((
                    RoleId::new(r.id.get_ref().clone()),
                    RoleNames {
                        zh_hans,
                        zh_hant,
                        en,
                        aliases: r.aliases.clone(),
                    },
                )),
                _ => err(
                    lines.at(&r.id),
                    OrgProblem::RoleNames {
                        id: r.id.get_ref().clone(),
                    },
                ),
            }
        })
        .collect()
}

/// Parses and validates an organisation file. The first problem found is returned with its line.
pub fn parse_org(text: &str) -> Result<Organisation, OrgError> {
    let lines = Lines(text);
    let raw: RawOrg = toml::from_str(text).map_err(|e| OrgError {
        line: e.span().map(|s| lines.of(s.start)).unwrap_or(0),
        problem: OrgProblem::Syntax {
            detail: e.message().to_string(),
        },
    })?;

    let timezone = match &raw.timezone {
        None => chrono_tz::Asia::Shanghai,
        Some(tz) => match tz.get_ref().parse::<chrono_tz::Tz>() {
            Ok(tz) => tz,
            Err(_) => {
                return err(
                    lines.at(tz),
                    OrgProblem::BadTimezone {
                        value: tz.get_ref().clone(),
                    },
                )
            }
        },
    };
    let default_locale = match &raw.default_locale {
        None => Lang::ZhHans,
        Some(l) => match Lang::parse(l.get_ref()) {
            Some(l) => l,
            None => {
                return err(
                    lines.at(l),
                    OrgProblem::BadLocale {
                        value: l.get_ref().clone(),
                    },
                )
            }
        },
    };
    let policy = policy(&lines, raw.policy)?;
    let calendar = calendar(&lines, raw.calendar)?;
    let units = units(&lines, &raw.unit)?;
    let unit_ids: BTreeSet<&str> = units.iter().map(|u| u.id.as_str()).collect();

    check_unique(&lines, "department", raw.department.iter().map(|d| &d.id))?;
    let mut departments = Vec::new();
    for d in &raw.department {
        // A department id travels in button data (at most 64 bytes with the order number).
        let id = d.id.get_ref();
        let id_ok = !id.is_empty()
            && id.len() <= 32
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !id_ok {
            return err(
                lines.at(&d.id),
                OrgProblem::BadDepartmentId { id: id.clone() },
            );
        }
        departments.push(Department {
            id: DepartmentId::new(d.id.get_ref().clone()),
            name: d.name.clone(),
            aliases: d.aliases.clone(),
            chat_id: d.chat_id,
            handles: d.handles.clone(),
            durations: Durations {
                ack_within: duration(&lines, &d.ack_within)?,
                resolve_within: duration(&lines, &d.resolve_within)?,
                remind_before: duration(&lines, &d.remind_before)?,
            },
        });
    }
    let dept_ids: BTreeSet<&str> = departments.iter().map(|d| d.id.as_str()).collect();

    check_unique(&lines, "alliance", raw.alliance.iter().map(|a| &a.id))?;
    let mut alliances = Vec::new();
    for a in &raw.alliance {
        if let Some(p) = &a.parent {
            if !unit_ids.contains(p.get_ref().as_str()) {
                return err(
                    lines.at(p),
                    OrgProblem::UnknownParent {
                        id: a.id.get_ref().clone(),
                        parent: p.get_ref().clone(),
                    },
                );
            }
        }
        alliances.push(Alliance {
            id: a.id.get_ref().clone(),
            name: a.name.clone(),
            chat_id: a.chat_id,
            parent: a.parent.as_ref().map(|p| UnitId::new(p.get_ref().clone())),
        });
    }

    let roles = custom_roles(&lines, &raw.role)?;
    let catalog = RoleCatalog::with_custom(roles.clone());
    let known_role = |r: &Spanned<String>| -> Result<RoleId, OrgError> {
        let id = r.get_ref().trim();
        if catalog.contains(id) {
            Ok(RoleId::new(id))
        } else {
            err(
                lines.at(r),
                OrgProblem::UnknownRole {
                    role: r.get_ref().clone(),
                },
            )
        }
    };

    let mut people: BTreeMap<i64, Person> = BTreeMap::new();
    let mut memberships = BTreeSet::new();
    for m in &raw.member {
        let scope = match (&m.unit, &m.department) {
            (Some(u), None) => {
                if !unit_ids.contains(u.get_ref().as_str()) {
                    return err(
                        lines.at(u),
                        OrgProblem::UnknownUnit {
                            id: u.get_ref().clone(),
                        },
                    );
                }
                Scope::Unit(UnitId::new(u.get_ref().clone()))
            }
            (None, Some(d)) => {
                if !dept_ids.contains(d.get_ref().as_str()) {
                    return err(
                        lines.at(d),
                        OrgProblem::UnknownDepartment {
                            id: d.get_ref().clone(),
                        },
                    );
                }
                Scope::Department(DepartmentId::new(d.get_ref().clone()))
            }
            _ => return err(lines.at(&m.telegram_id), OrgProblem::MemberScope),
        };
        let id = *m.telegram_id.get_ref();
        let username = m
            .username
            .as_ref()
            .map(|u| u.trim_start_matches('@').to_string())
            .filter(|u| !u.is_empty());
        // One person in several tables: the name of the last table wins, a username given
        // in any table is kept.
        let person = people.entry(id).or_insert_with(|| Person {
            telegram_id: TelegramUserId(id),
            name: m.name.clone(),
            username: None,
        });
        person.name = m.name.clone();
        if username.is_some() {
            person.username = username;
        }
        for r in &m.roles {
            memberships.insert(Membership {
                telegram_id: TelegramUserId(id),
                scope: scope.clone(),
                role: known_role(r)?,
            });
        }
    }

    let mut keywords = Vec::new();
    for k in &raw.keyword {
        keywords.push(KeywordRule {
            words: k.words.clone(),
            role: known_role(&k.role)?,
        });
    }

    let mut admins: Vec<TelegramUserId> = raw
        .admin
        .iter()
        .map(|a| TelegramUserId(a.telegram_id))
        .collect();
    admins.sort();
    admins.dedup();

    Ok(Organisation {
        timezone,
        default_locale,
        policy,
        calendar,
        units,
        departments,
        alliances,
        people: people.into_values().collect(),
        memberships: memberships.into_iter().collect(),
        admins,
        keywords,
        roles,
    })
}

/// Lookups over the organisation, as the bot needs them.
impl Organisation {
    pub fn unit(&self, id: &UnitId) -> Option<&Unit> {
        self.units.iter().find(|u| &u.id == id)
    }

    pub fn department(&self, id: &DepartmentId) -> Option<&Department> {
        self.departments.iter().find(|d| &d.id == id)
    }

    pub fn person(&self, id: TelegramUserId) -> Option<&Person> {
        self.people.iter().find(|p| p.telegram_id == id)
    }

    pub fn is_admin(&self, id: TelegramUserId) -> bool {
        self.admins.contains(&id)
    }

    pub fn catalog(&self) -> RoleCatalog {
        RoleCatalog::with_custom(self.roles.clone())
    }

    /// The people holding `role` in `scope`, in roster order.
    pub fn holders(&self, scope: &Scope, role: &RoleId) -> Vec<TelegramUserId> {
        self.memberships
            .iter()
            .filter(|m| &m.scope == scope && &m.role == role)
            .map(|m| m.telegram_id)
            .collect()
    }

    /// The roles a person holds in `scope`.
    pub fn roles_of(&self, person: TelegramUserId, scope: &Scope) -> Vec<RoleId> {
        self.memberships
            .iter()
            .filter(|m| m.telegram_id == person && &m.scope == scope)
            .map(|m| m.role.clone())
            .collect()
    }

    /// Every role a person holds anywhere, with where.
    pub fn memberships_of(&self, person: TelegramUserId) -> Vec<&Membership> {
        self.memberships
            .iter()
            .filter(|m| m.telegram_id == person)
            .collect()
    }

    pub fn holds(&self, person: TelegramUserId, scope: &Scope, role: &str) -> bool {
        self.memberships
            .iter()
            .any(|m| m.telegram_id == person && &m.scope == scope && m.role.as_str() == role)
    }

    /// The unit and its ancestors, nearest first.
    pub fn lineage(&self, id: &UnitId) -> Vec<&Unit> {
        let mut out = Vec::new();
        let mut cur = self.unit(id);
        while let Some(u) = cur {
            if out.iter().any(|seen: &&Unit| seen.id == u.id) {
                break;
            }
            out.push(u);
            cur = u.parent.as_ref().and_then(|p| self.unit(p));
        }
        out
    }

    /// The unit above `id` at `level`, if any.
    pub fn ancestor_at(&self, id: &UnitId, level: Level) -> Option<&Unit> {
        self.lineage(id).into_iter().find(|u| u.kind == level)
    }

    pub fn children(&self, id: &UnitId) -> Vec<&Unit> {
        self.units
            .iter()
            .filter(|u| u.parent.as_ref() == Some(id))
            .collect()
    }

    /// Is `unit` this unit or below it?
    pub fn is_within(&self, unit: &UnitId, ancestor: &UnitId) -> bool {
        self.lineage(unit).iter().any(|u| &u.id == ancestor)
    }

    /// Does the person hold any role in `unit` or in a unit below it?
    pub fn is_member_within(&self, person: TelegramUserId, unit: &UnitId) -> bool {
        self.memberships.iter().any(|m| {
            m.telegram_id == person && matches!(&m.scope, Scope::Unit(u) if self.is_within(u, unit))
        })
    }

    /// The display name of a scope.
    pub fn scope_name(&self, scope: &Scope) -> String {
        match scope {
            Scope::Unit(u) => self
                .unit(u)
                .map(|u| u.name.clone())
                .unwrap_or_else(|| u.0.clone()),
            Scope::Department(d) => self
                .department(d)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| d.0.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
timezone = "Asia/Shanghai"
default_locale = "zh-Hans"
[policy]
ack_within = "30m"
resolve_within = "24h"
[policy.urgent]
ack_within = "10m"
resolve_within = "4h"
[policy.community]
ack_within = "1h"
[calendar]
hours = "09:00-18:00"
days_off = ["2026-10-01"]
workdays = ["2026-09-27"]
[[unit]]
id = "wuhua"
kind = "district"
name = "五华区"
[[unit]]
id = "huashan"
kind = "subdistrict"
parent = "wuhua"
name = "华山街道"
chat_id = -1001000000100
[[unit]]
id = "cuihu"
kind = "community"
parent = "huashan"
name = "翠湖社区"
[[unit]]
id = "cuihu-1"
kind = "grid"
parent = "cuihu"
name = "翠湖社区第一网格"
aliases = ["第一网格"]
[[department]]
id = "urban"
name = "城管中队"
chat_id = -1001000000900
handles = ["占道经营", "违建"]
ack_within = "2h"
[[member]]
telegram_id = 1002
name = "王芳"
username = "wangfang"
unit = "cuihu-1"
roles = ["sanitation"]
[[member]]
telegram_id = 1002
name = "王芳"
unit = "cuihu-1"
roles = ["volunteer"]
[[member]]
telegram_id = 2001
name = "何振华"
department = "urban"
roles = ["liaison"]
[[admin]]
telegram_id = 1
[[keyword]]
words = ["井盖"]
role = "urban_enforcement"
[[role]]
id = "volunteer"
names = { zh-Hans = "志愿者", zh-Hant = "志願者", en = "volunteer" }
aliases = ["义工"]
"#;

    #[test]
    fn a_good_file_yields_the_whole_organisation() {
        let org = parse_org(GOOD).unwrap();
        assert_eq!(org.units.len(), 4);
        assert_eq!(
            org.people.len(),
            2,
            "one person with two memberships is one person"
        );
        assert_eq!(org.memberships.len(), 3);
        assert_eq!(org.departments[0].durations.ack_within, Some(Secs(7200)));
        assert_eq!(
            org.policy
                .deadlines(Level::Community, false, None)
                .ack_within,
            Secs(3600)
        );
        assert_eq!(org.admins, vec![TelegramUserId(1)]);
        assert_eq!(org.keywords[0].role.as_str(), "urban_enforcement");
        let cal = org.calendar.unwrap();
        assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2026, 9, 27).unwrap()));
        assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()));
        assert_eq!(org.people[0].username.as_deref(), Some("wangfang"));
    }

    fn problem_of(text: &str) -> OrgError {
        parse_org(text).expect_err("the file should be refused")
    }

    fn line_of(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.contains(needle)).unwrap() + 1
    }

    #[test]
    fn broken_files_name_the_line_and_the_problem() {
        type Check = fn(&OrgProblem) -> bool;
        let cases: Vec<(String, &str, Check)> = vec![
            (
                GOOD.replace("parent = \"cuihu\"", "parent = \"cuihuu\""),
                "parent = \"cuihuu\"",
                |p| matches!(p, OrgProblem::UnknownParent { parent, .. } if parent == "cuihuu"),
            ),
            (
                GOOD.replace("roles = [\"sanitation\"]", "roles = [\"cook\"]"),
                "roles = [\"cook\"]",
                |p| matches!(p, OrgProblem::UnknownRole { role } if role == "cook"),
            ),
            (
                GOOD.replace("id = \"cuihu-1\"", "id = \"cuihu\" # again"),
                "# again",
                |p| matches!(p, OrgProblem::DuplicateId { what: "unit", id } if id == "cuihu"),
            ),
            (
                GOOD.replace(
                    "kind = \"district\"\n",
                    "kind = \"district\"\nparent = \"cuihu-1\"\n",
                ),
                "id = \"wuhua\"",
                |p| matches!(p, OrgProblem::Cycle { path } if path.starts_with("wuhua")),
            ),
            (
                GOOD.replace("ack_within = \"2h\"", "ack_within = \"2 hours\""),
                "2 hours",
                |p| matches!(p, OrgProblem::BadDuration { value } if value == "2 hours"),
            ),
            (
                GOOD.replace("Asia/Shanghai", "Mars/Olympus"),
                "Mars/Olympus",
                |p| matches!(p, OrgProblem::BadTimezone { .. }),
            ),
            (
                GOOD.replace("kind = \"grid\"", "kind = \"block\""),
                "kind = \"block\"",
                |p| matches!(p, OrgProblem::UnknownKind { .. }),
            ),
            (
                GOOD.replace("department = \"urban\"", "department = \"water\""),
                "department = \"water\"",
                |p| matches!(p, OrgProblem::UnknownDepartment { .. }),
            ),
            (
                GOOD.replace("parent = \"huashan\"", "parent = \"wuhua\" # wrong level"),
                "# wrong level",
                |p| {
                    matches!(
                        p,
                        OrgProblem::ParentKind {
                            expected: "subdistrict",
                            ..
                        }
                    )
                },
            ),
        ];
        for (i, (text, needle, expected)) in cases.into_iter().enumerate() {
            let e = problem_of(&text);
            assert!(expected(&e.problem), "case {i}: got {e:?}");
            let first_line = needle.lines().next().unwrap();
            assert_eq!(e.line, line_of(&text, first_line), "case {i}: {e:?}");
        }
    }

    #[test]
    fn syntax_errors_and_unknown_keys_have_lines_too() {
        let e = problem_of("timezone = \"Asia/Shanghai\"\n[[unit]]\nid = \"x\"\nkind = \n");
        assert_eq!(e.line, 4);
        assert!(matches!(e.problem, OrgProblem::Syntax { .. }));
        let e =
            problem_of("[[unit]]\nid = \"x\"\nkind = \"grid\"\nname = \"x\"\ncolour = \"red\"\n");
        assert!(matches!(e.problem, OrgProblem::Syntax { .. }));
        assert!(e.line >= 1);
    }

    #[test]
    fn a_department_id_must_fit_in_button_data() {
        for bad in ["Urban Squad", "城管", &"x".repeat(33)] {
            let text = GOOD.replacen("id = \"urban\"", &format!("id = \"{bad}\""), 1);
            assert!(
                matches!(
                    problem_of(&text).problem,
                    OrgProblem::BadDepartmentId { .. }
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_member_needs_exactly_one_scope() {
        let text = GOOD.replace(
            "department = \"urban\"",
            "department = \"urban\"\nunit = \"cuihu\"",
        );
        assert_eq!(problem_of(&text).problem, OrgProblem::MemberScope);
    }
}
