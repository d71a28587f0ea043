//! The organisation: units, departments, alliance units, the roster, admins, policy,
//! calendar, keywords and custom roles, and the lookups the bot makes over them.
//!
//! This file is the model. The organisation file that it is read from (TOML) and the checks
//! that give each problem its line are in `schema` and `validate`: `parse_org` turns the text
//! into an `Organisation` or into the first problem found. Nothing here touches the database:
//! storage imports an `Organisation` that is already known to be consistent, so a broken file
//! never writes half of itself.

mod policy_file;
mod retention;
mod schema;
mod validate;

use crate::domain::ids::ChatId;
use serde::{Deserialize, Serialize};

use super::geo::Boundary;
use super::ids::{AllianceId, DepartmentId, Lang, Scope, TelegramUserId, UnitId};
use super::parse::KeywordRule;
use super::policy::{Calendar, Durations, Level, Policy, ResidentPolicy};
use super::role::{RoleCatalog, RoleId, RoleNames};

pub use retention::{JobRetention, PayloadRetention, Retention};
pub use schema::{OrgError, OrgProblem};
pub use validate::{parse_org, parse_org_with};

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
    pub chat_id: Option<ChatId>,
    /// The unit's area, for a resident's location (`boundary` or `boundary_file`).
    pub boundary: Option<Boundary>,
    /// Street names, lane numbers, buildings: a resident's typed address that contains one is
    /// placed in this unit (see `domain::geo::unit_by_address`).
    pub addresses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: DepartmentId,
    pub name: String,
    pub aliases: Vec<String>,
    pub chat_id: Option<ChatId>,
    /// Keywords that route a whistle to this department.
    pub handles: Vec<String>,
    pub durations: Durations,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alliance {
    pub id: AllianceId,
    pub name: String,
    /// Other names people use for it ("云大"), for whistles that name it.
    pub aliases: Vec<String>,
    pub chat_id: Option<ChatId>,
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
    /// Limits and matching for residents' reports (`[resident]`).
    pub resident: ResidentPolicy,
}

/// Lookups over the organisation, as the bot needs them.
impl Organisation {
    pub fn unit(&self, id: &UnitId) -> Option<&Unit> {
        self.units.iter().find(|u| &u.id == id)
    }

    pub fn department(&self, id: &DepartmentId) -> Option<&Department> {
        self.departments.iter().find(|d| &d.id == id)
    }

    pub fn alliance(&self, id: &AllianceId) -> Option<&Alliance> {
        self.alliances.iter().find(|a| &a.id == id)
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

    /// The alliance units a whistle in the chat of `unit` may summon: those of the whole
    /// organisation (no parent), and those whose parent is the unit, above it or below it.
    pub fn alliances_for(&self, unit: &UnitId) -> Vec<&Alliance> {
        self.alliances
            .iter()
            .filter(|a| match &a.parent {
                None => true,
                Some(p) => self.is_within(unit, p) || self.is_within(p, unit),
            })
            .collect()
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
                .unwrap_or_else(|| u.to_string()),
            Scope::Department(d) => self
                .department(d)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| d.to_string()),
            Scope::Alliance(a) => self
                .alliance(a)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| a.to_string()),
        }
    }
}

#[cfg(test)]
mod tests;
