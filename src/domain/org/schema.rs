//! The organisation file's TOML schema, as serde reads it, and the problems a file can have.
//!
//! Every string of the file goes through [`crate::domain::text::normalize`] right after it is
//! read ([`Clean`]), so a control or bidi character pasted into a name never reaches the
//! database or a chat. The `Clean` impls destructure each struct without `..`, so a field added
//! to the schema does not compile until it is cleaned too.

use crate::domain::ids::ChatId;
use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::domain::text::{is_removed_control, normalize};

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
    #[error("a member needs exactly one of unit, department or alliance")]
    MemberScope,
    #[error("unknown alliance {id}")]
    UnknownAlliance { id: String },
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
    /// A unit or alliance id that is not 1–32 characters of `[A-Za-z0-9_-]`, what a Telegram
    /// `/start` link may carry. Departments keep `BadDepartmentId`.
    #[error("bad {what} id {id}")]
    BadId { what: &'static str, id: String },
    /// A boundary ring with fewer than three corners (`points` positions once closed).
    #[error("unit {id}: a boundary ring of {points} points")]
    BoundaryRing { id: String, points: usize },
    /// A boundary position that is not `[longitude, latitude]` in range.
    #[error("unit {id}: position [{lon}, {lat}] out of range")]
    BoundaryCoordinate {
        id: String,
        lon: String,
        lat: String,
    },
    #[error("unit {id}: both boundary and boundary_file")]
    BoundaryTwice { id: String },
    /// A boundary file that cannot be read, is not GeoJSON, or holds no polygon.
    #[error("unit {id}: boundary file {file}: {detail}")]
    BoundaryFile {
        id: String,
        file: String,
        detail: String,
    },
    /// A boundary file's geometry that is not an area.
    #[error("unit {id}: a {kind} is not an area")]
    BoundaryKind { id: String, kind: String },
    /// An `[assessment]` value out of its range: `basic_weight` 0 to 1, `min_cases` 1 to 1000,
    /// `rank_weights` three whole numbers from 0, not all 0.
    #[error("assessment.{key} = {value} is not allowed")]
    AssessmentValue { key: &'static str, value: String },
    /// A `[resident]` number out of its range.
    #[error("resident.{key} = {value}, not within {min}..={max}")]
    ResidentLimit {
        key: &'static str,
        value: i64,
        min: i64,
        max: i64,
    },
    /// A `[retention]` number of days out of its range.
    #[error("retention.{key} = {value}, not within {min}..={max}")]
    RetentionLimit {
        key: &'static str,
        value: i64,
        min: i64,
        max: i64,
    },
    /// A `[retention]` word that is not one of those allowed.
    #[error("retention.{key} = {value}, not one of {allowed}")]
    RetentionWord {
        key: &'static str,
        value: String,
        allowed: String,
    },
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
pub(super) struct RawOrg {
    pub(super) timezone: Option<Spanned<String>>,
    pub(super) default_locale: Option<Spanned<String>>,
    pub(super) policy: Option<RawPolicy>,
    pub(super) calendar: Option<RawCalendar>,
    #[serde(default)]
    pub(super) unit: Vec<RawUnit>,
    #[serde(default)]
    pub(super) department: Vec<RawDepartment>,
    #[serde(default)]
    pub(super) alliance: Vec<RawAlliance>,
    #[serde(default)]
    pub(super) member: Vec<RawMember>,
    #[serde(default)]
    pub(super) admin: Vec<RawAdmin>,
    #[serde(default)]
    pub(super) keyword: Vec<RawKeyword>,
    #[serde(default)]
    pub(super) role: Vec<RawRole>,
    pub(super) resident: Option<RawResident>,
    pub(super) assessment: Option<RawAssessment>,
    pub(super) retention: Option<RawRetention>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRetention {
    pub(super) update_payload: Option<Spanned<String>>,
    pub(super) update_ids_days: Option<Spanned<i64>>,
    pub(super) sent_outbox_days: Option<Spanned<i64>>,
    pub(super) done_jobs: Option<Spanned<String>>,
    pub(super) people_days: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAssessment {
    pub(super) basic_weight: Option<Spanned<f64>>,
    pub(super) min_cases: Option<Spanned<i64>>,
    pub(super) rank_weights: Option<Spanned<Vec<i64>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawResident {
    pub(super) rate_within: Option<Spanned<String>>,
    pub(super) duplicate_within: Option<Spanned<String>>,
    pub(super) duplicate_radius_m: Option<Spanned<i64>>,
    pub(super) reports_per_day: Option<Spanned<i64>>,
    pub(super) max_photos: Option<Spanned<i64>>,
    pub(super) max_text: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDurations {
    pub(super) ack_within: Option<Spanned<String>>,
    pub(super) resolve_within: Option<Spanned<String>>,
    pub(super) remind_before: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLevelPolicy {
    pub(super) ack_within: Option<Spanned<String>>,
    pub(super) resolve_within: Option<Spanned<String>>,
    pub(super) remind_before: Option<Spanned<String>>,
    pub(super) urgent: Option<RawDurations>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicy {
    pub(super) ack_within: Option<Spanned<String>>,
    pub(super) resolve_within: Option<Spanned<String>>,
    pub(super) remind_before: Option<Spanned<String>>,
    /// How long a resolved order waits for verification before the whistler is reminded.
    pub(super) verify_within: Option<Spanned<String>>,
    pub(super) urgent: Option<RawDurations>,
    pub(super) grid: Option<RawLevelPolicy>,
    pub(super) community: Option<RawLevelPolicy>,
    pub(super) subdistrict: Option<RawLevelPolicy>,
    pub(super) district: Option<RawLevelPolicy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCalendar {
    /// Working hours on working days, "09:00-18:00".
    pub(super) hours: Option<Spanned<String>>,
    /// The working week, e.g. ["mon", "tue", "wed", "thu", "fri"].
    pub(super) weekdays: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub(super) days_off: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) workdays: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUnit {
    pub(super) id: Spanned<String>,
    pub(super) kind: Spanned<String>,
    pub(super) parent: Option<Spanned<String>>,
    pub(super) name: String,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    pub(super) chat_id: Option<ChatId>,
    /// One outer ring, `[longitude, latitude]` per corner.
    pub(super) boundary: Option<Spanned<Vec<Spanned<[f64; 2]>>>>,
    /// A GeoJSON file, relative to the organisation file.
    pub(super) boundary_file: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) addresses: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDepartment {
    pub(super) id: Spanned<String>,
    pub(super) name: String,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    pub(super) chat_id: Option<ChatId>,
    #[serde(default)]
    pub(super) handles: Vec<String>,
    pub(super) ack_within: Option<Spanned<String>>,
    pub(super) resolve_within: Option<Spanned<String>>,
    pub(super) remind_before: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAlliance {
    pub(super) id: Spanned<String>,
    pub(super) name: String,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    pub(super) chat_id: Option<ChatId>,
    pub(super) parent: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMember {
    pub(super) telegram_id: Spanned<i64>,
    pub(super) name: String,
    pub(super) username: Option<String>,
    pub(super) unit: Option<Spanned<String>>,
    pub(super) department: Option<Spanned<String>>,
    pub(super) alliance: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) roles: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAdmin {
    pub(super) telegram_id: i64,
    // Read (so the key is allowed) and cleaned, never used: a note for whoever edits the file.
    #[allow(dead_code)]
    pub(super) name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKeyword {
    pub(super) words: Vec<String>,
    pub(super) role: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRole {
    pub(super) id: Spanned<String>,
    /// Required for a custom role; left out, a built-in role's names are kept and `aliases`
    /// add to its own.
    #[serde(default)]
    pub(super) names: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
}

/// Normalises every string in place (see the module doc).
pub(super) trait Clean {
    fn clean(&mut self);
}

impl Clean for String {
    fn clean(&mut self) {
        if self.chars().any(is_removed_control) {
            *self = normalize(self);
        }
    }
}

impl<T: Clean> Clean for Spanned<T> {
    fn clean(&mut self) {
        self.get_mut().clean();
    }
}

impl<T: Clean> Clean for Option<T> {
    fn clean(&mut self) {
        if let Some(v) = self {
            v.clean();
        }
    }
}

impl<T: Clean> Clean for Vec<T> {
    fn clean(&mut self) {
        self.iter_mut().for_each(Clean::clean);
    }
}

impl Clean for BTreeMap<String, String> {
    fn clean(&mut self) {
        *self = std::mem::take(self)
            .into_iter()
            .map(|(mut k, mut v)| {
                k.clean();
                v.clean();
                (k, v)
            })
            .collect();
    }
}

impl Clean for RawOrg {
    fn clean(&mut self) {
        let RawOrg {
            timezone,
            default_locale,
            policy,
            calendar,
            unit,
            department,
            alliance,
            member,
            admin,
            keyword,
            role,
            resident,
            assessment: _,
            retention,
        } = self;
        timezone.clean();
        default_locale.clean();
        policy.clean();
        calendar.clean();
        unit.clean();
        department.clean();
        alliance.clean();
        member.clean();
        admin.clean();
        keyword.clean();
        role.clean();
        resident.clean();
        retention.clean();
    }
}

impl Clean for RawRetention {
    fn clean(&mut self) {
        let RawRetention {
            update_payload,
            update_ids_days: _,
            sent_outbox_days: _,
            done_jobs,
            people_days: _,
        } = self;
        update_payload.clean();
        done_jobs.clean();
    }
}

impl Clean for RawResident {
    fn clean(&mut self) {
        let RawResident {
            rate_within,
            duplicate_within,
            duplicate_radius_m: _,
            reports_per_day: _,
            max_photos: _,
            max_text: _,
        } = self;
        rate_within.clean();
        duplicate_within.clean();
    }
}

impl Clean for RawDurations {
    fn clean(&mut self) {
        let RawDurations {
            ack_within,
            resolve_within,
            remind_before,
        } = self;
        ack_within.clean();
        resolve_within.clean();
        remind_before.clean();
    }
}

impl Clean for RawLevelPolicy {
    fn clean(&mut self) {
        let RawLevelPolicy {
            ack_within,
            resolve_within,
            remind_before,
            urgent,
        } = self;
        ack_within.clean();
        resolve_within.clean();
        remind_before.clean();
        urgent.clean();
    }
}

impl Clean for RawPolicy {
    fn clean(&mut self) {
        let RawPolicy {
            ack_within,
            resolve_within,
            remind_before,
            verify_within,
            urgent,
            grid,
            community,
            subdistrict,
            district,
        } = self;
        ack_within.clean();
        resolve_within.clean();
        remind_before.clean();
        verify_within.clean();
        urgent.clean();
        grid.clean();
        community.clean();
        subdistrict.clean();
        district.clean();
    }
}

impl Clean for RawCalendar {
    fn clean(&mut self) {
        let RawCalendar {
            hours,
            weekdays,
            days_off,
            workdays,
        } = self;
        hours.clean();
        weekdays.clean();
        days_off.clean();
        workdays.clean();
    }
}

impl Clean for RawUnit {
    fn clean(&mut self) {
        let RawUnit {
            id,
            kind,
            parent,
            name,
            aliases,
            chat_id: _,
            boundary: _,
            boundary_file,
            addresses,
        } = self;
        id.clean();
        kind.clean();
        parent.clean();
        name.clean();
        aliases.clean();
        boundary_file.clean();
        addresses.clean();
    }
}

impl Clean for RawDepartment {
    fn clean(&mut self) {
        let RawDepartment {
            id,
            name,
            aliases,
            chat_id: _,
            handles,
            ack_within,
            resolve_within,
            remind_before,
        } = self;
        id.clean();
        name.clean();
        aliases.clean();
        handles.clean();
        ack_within.clean();
        resolve_within.clean();
        remind_before.clean();
    }
}

impl Clean for RawAlliance {
    fn clean(&mut self) {
        let RawAlliance {
            id,
            name,
            aliases,
            chat_id: _,
            parent,
        } = self;
        id.clean();
        name.clean();
        aliases.clean();
        parent.clean();
    }
}

impl Clean for RawMember {
    fn clean(&mut self) {
        let RawMember {
            telegram_id: _,
            name,
            username,
            unit,
            department,
            alliance,
            roles,
        } = self;
        name.clean();
        username.clean();
        unit.clean();
        department.clean();
        alliance.clean();
        roles.clean();
    }
}

impl Clean for RawAdmin {
    fn clean(&mut self) {
        let RawAdmin {
            telegram_id: _,
            name,
        } = self;
        name.clean();
    }
}

impl Clean for RawKeyword {
    fn clean(&mut self) {
        let RawKeyword { words, role } = self;
        words.clean();
        role.clean();
    }
}

impl Clean for RawRole {
    fn clean(&mut self) {
        let RawRole { id, names, aliases } = self;
        id.clean();
        names.clean();
        aliases.clean();
    }
}
