//! Who may do what: the rules behind every refusal. Pure functions over the organisation and
//! the order, so each rule has a table test without a chat.

use super::ids::{Scope, TelegramUserId, UnitId};
use super::order::Who;
use super::order::{PartyTarget, WhistleOrder};
use super::org::Organisation;
use super::role::{RoleId, DUTY_OFFICER, GRID_LEADER, LIAISON};

/// Can `person` report for `party`? Holders of the role report; where nobody holds the role,
/// the unit's grid leader reports for it. Liaisons report for their department, duty officers
/// for their unit.
pub fn can_report_for(org: &Organisation, person: TelegramUserId, party: &PartyTarget) -> bool {
    summoned(org, party).people.contains(&person)
}

/// The people a party summons, and whether they stand in for a vacant role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summoned {
    pub people: Vec<TelegramUserId>,
    /// Nobody holds the role: the grid leaders are summoned in its place.
    pub vacant: bool,
}

/// Who a party summons: the role's holders, or (the one vacancy rule) the unit's grid leaders
/// when nobody holds it; a department's or alliance unit's liaisons; a unit's duty officers.
pub fn summoned(org: &Organisation, party: &PartyTarget) -> Summoned {
    let (people, vacant) = match party {
        PartyTarget::Role { unit, role } => {
            let scope = Scope::Unit(unit.clone());
            let holders = org.holders(&scope, role);
            if holders.is_empty() {
                (org.holders(&scope, &RoleId::new(GRID_LEADER)), true)
            } else {
                (holders, false)
            }
        }
        PartyTarget::DutyOfficers { unit } => (
            org.holders(&Scope::Unit(unit.clone()), &RoleId::new(DUTY_OFFICER)),
            false,
        ),
        PartyTarget::Department { department } => (
            org.holders(
                &Scope::Department(department.clone()),
                &RoleId::new(LIAISON),
            ),
            false,
        ),
        PartyTarget::Alliance { alliance } => (
            org.holders(&Scope::Alliance(alliance.clone()), &RoleId::new(LIAISON)),
            false,
        ),
    };
    Summoned { people, vacant }
}

/// May summon district departments from the chat of `unit` (a sub-district or district), or
/// take an escalated order over with department buttons: its duty officers and admins.
pub fn can_whistle_departments(org: &Organisation, person: TelegramUserId, unit: &UnitId) -> bool {
    org.is_admin(person) || org.holds(person, &Scope::Unit(unit.clone()), DUTY_OFFICER)
}

/// An order is visible in the chat of its unit, of any unit above it, and of every summoned
/// party's unit or department.
pub fn visible_in(org: &Organisation, scope: &Scope, order: &WhistleOrder) -> bool {
    match scope {
        Scope::Unit(u) => {
            org.is_within(&order.unit, u)
                || order.parties.iter().any(|p| match &p.target {
                    PartyTarget::Role { unit, .. } | PartyTarget::DutyOfficers { unit } => {
                        org.is_within(unit, u)
                    }
                    PartyTarget::Department { .. } | PartyTarget::Alliance { .. } => false,
                })
        }
        Scope::Department(d) => order.parties.iter().any(
            |p| matches!(&p.target, PartyTarget::Department { department } if department == d),
        ),
        Scope::Alliance(a) => order
            .parties
            .iter()
            .any(|p| matches!(&p.target, PartyTarget::Alliance { alliance } if alliance == a)),
    }
}

/// The parties of an order `person` may report for, by index.
pub fn reportable_parties(
    org: &Organisation,
    person: TelegramUserId,
    order: &WhistleOrder,
) -> Vec<usize> {
    order
        .parties
        .iter()
        .enumerate()
        .filter(|(_, p)| can_report_for(org, person, &p.target))
        .map(|(i, _)| i)
        .collect()
}

/// May report for duty on the order: summoned to at least one of its parties.
pub fn may_report(org: &Organisation, person: TelegramUserId, order: &WhistleOrder) -> bool {
    !reportable_parties(org, person, order).is_empty()
}

/// Leaders of a unit: its grid leader and duty officers, and duty officers of units above it.
pub fn leads(org: &Organisation, person: TelegramUserId, unit: &UnitId) -> bool {
    let own = Scope::Unit(unit.clone());
    org.holds(person, &own, GRID_LEADER)
        || org
            .lineage(unit)
            .iter()
            .any(|u| org.holds(person, &Scope::Unit(u.id.clone()), DUTY_OFFICER))
}

/// May whistle in a chat bound to `scope`: admins, people on that unit's roster or below it,
/// and a department's liaisons in its chat.
pub fn can_whistle(org: &Organisation, person: TelegramUserId, scope: &Scope) -> bool {
    org.is_admin(person)
        || match scope {
            Scope::Unit(u) => org.is_member_within(person, u),
            Scope::Department(_) | Scope::Alliance(_) => org.holds(person, scope, LIAISON),
        }
}

/// May resolve: anyone who may report for one of its parties, the unit's leaders, admins.
pub fn can_resolve(org: &Organisation, person: TelegramUserId, order: &WhistleOrder) -> bool {
    org.is_admin(person)
        || !reportable_parties(org, person, order).is_empty()
        || leads(org, person, &order.unit)
}

/// May verify or reopen: the whistler, the unit's leaders, admins.
pub fn can_verify(org: &Organisation, person: TelegramUserId, order: &WhistleOrder) -> bool {
    order.whistler == Who::Member(person) || org.is_admin(person) || leads(org, person, &order.unit)
}

/// May cancel: the whistler, the grid leader, a duty officer, admins.
pub fn can_cancel(org: &Organisation, person: TelegramUserId, order: &WhistleOrder) -> bool {
    can_verify(org, person, order)
}

/// May change a unit's roster: its leaders and admins; a department's: its liaisons and admins.
pub fn can_manage_roster(org: &Organisation, person: TelegramUserId, scope: &Scope) -> bool {
    org.is_admin(person)
        || match scope {
            Scope::Unit(u) => leads(org, person, u),
            Scope::Department(_) | Scope::Alliance(_) => org.holds(person, scope, LIAISON),
        }
}

/// May bind a chat to `scope`: admins, or the scope's own grid leader, duty officer or liaison
/// (being a Telegram chat admin is not enough: anyone can create a group).
pub fn can_bind(org: &Organisation, person: TelegramUserId, scope: &Scope) -> bool {
    org.is_admin(person)
        || [GRID_LEADER, DUTY_OFFICER, LIAISON]
            .iter()
            .any(|r| org.holds(person, scope, r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::org::parse_org;
    use crate::domain::{DepartmentId, RoleId, UnitId};

    fn org() -> Organisation {
        parse_org(include_str!("../../examples/huashan.toml")).unwrap()
    }

    fn role(unit: &str, r: &str) -> PartyTarget {
        PartyTarget::Role {
            unit: UnitId::checked(unit),
            role: RoleId::new(r),
        }
    }

    #[test]
    fn who_reports_for_what() {
        let org = org();
        let p = TelegramUserId;
        let cases = [
            (p(1002), role("cuihu-1", "sanitation"), true),
            (p(1003), role("cuihu-1", "sanitation"), true),
            (p(1004), role("cuihu-1", "sanitation"), false),
            (p(1007), role("cuihu-2", "community_police"), true), // one officer, three grids
            (p(1007), role("yuanxi-1", "community_police"), true),
            (p(1002), role("cuihu-2", "sanitation"), false),
            (p(1001), role("cuihu-1", "volunteer"), false), // held by 孙丽: the leader may not
            (p(1001), role("cuihu-1", "property_manager"), true), // held by nobody: the leader may
            (p(1021), role("cuihu-1", "property_manager"), false), // another grid's leader
            (
                p(2001),
                PartyTarget::Department {
                    department: DepartmentId::checked("urban"),
                },
                true,
            ),
            (
                p(2006),
                PartyTarget::Department {
                    department: DepartmentId::checked("urban"),
                },
                false,
            ),
            (
                p(1100),
                PartyTarget::DutyOfficers {
                    unit: UnitId::checked("cuihu"),
                },
                true,
            ),
            (
                p(1001),
                PartyTarget::DutyOfficers {
                    unit: UnitId::checked("cuihu"),
                },
                false,
            ),
            (p(1), role("cuihu-1", "sanitation"), false), // admins do not report for others
        ];
        for (person, party, expected) in cases {
            assert_eq!(
                can_report_for(&org, person, &party),
                expected,
                "{person:?} for {party:?}"
            );
        }
    }

    #[test]
    fn who_whistles_binds_and_manages_rosters() {
        let org = org();
        let p = TelegramUserId;
        let grid = Scope::Unit(UnitId::checked("cuihu-1"));
        let community = Scope::Unit(UnitId::checked("cuihu"));
        let urban = Scope::Department(DepartmentId::checked("urban"));
        let cases: [(&str, bool, bool); 9] = [
            // (case, actual, expected)
            (
                "member whistles in own grid",
                can_whistle(&org, p(1002), &grid),
                true,
            ),
            (
                "other grid's member may not",
                can_whistle(&org, p(1022), &grid),
                false,
            ),
            (
                "grid member whistles in its community",
                can_whistle(&org, p(1002), &community),
                true,
            ),
            ("stranger may not", can_whistle(&org, p(999), &grid), false),
            ("admin binds anything", can_bind(&org, p(1), &urban), true),
            (
                "grid leader binds own grid",
                can_bind(&org, p(1001), &grid),
                true,
            ),
            (
                "sanitation worker may not bind",
                can_bind(&org, p(1002), &grid),
                false,
            ),
            (
                "community duty officer manages grid roster",
                can_manage_roster(&org, p(1100), &grid),
                true,
            ),
            (
                "grid member may not manage roster",
                can_manage_roster(&org, p(1004), &grid),
                false,
            ),
        ];
        for (case, actual, expected) in cases {
            assert_eq!(actual, expected, "{case}");
        }
    }

    #[test]
    fn the_vacancy_rule_and_department_whistles() {
        let org = org();
        let p = TelegramUserId;
        // 物业 in cuihu-1 is held by nobody: its grid leader is summoned in its place.
        let vacant = summoned(&org, &role("cuihu-1", "property_manager"));
        assert_eq!(
            vacant,
            Summoned {
                people: vec![p(1001)],
                vacant: true
            }
        );
        let held = summoned(&org, &role("cuihu-1", "sanitation"));
        assert!(!held.vacant && held.people.contains(&p(1002)) && !held.people.contains(&p(1001)));
        let huashan = UnitId::checked("huashan");
        let cases = [
            ("admin", p(1), true),
            ("grid member", p(1002), false),
            ("community duty officer", p(1100), false),
        ];
        for (case, person, expected) in cases {
            assert_eq!(
                can_whistle_departments(&org, person, &huashan),
                expected,
                "{case}"
            );
        }
    }

    #[test]
    fn where_an_order_is_visible() {
        use crate::domain::{OrderId, OrderState, Party, WhistleOrder};
        use chrono::TimeZone;
        let org = org();
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap();
        let party = |t: PartyTarget| Party {
            target: t,
            level: crate::domain::policy::Level::Grid,
            added_at: now,
            ack_due: now,
            report: None,
        };
        let order = WhistleOrder {
            id: OrderId(1),
            unit: UnitId::checked("cuihu-1"),
            text: "x".into(),
            location: None,
            urgent: false,
            state: OrderState::Open,
            level: crate::domain::policy::Level::Grid,
            whistler: TelegramUserId(1001).into(),
            created_at: now,
            resolve_due: now,
            parties: vec![
                party(role("cuihu-1", "sanitation")),
                party(PartyTarget::Department {
                    department: DepartmentId::checked("urban"),
                }),
            ],
            reopen_count: 0,
            place: None,
            photos: Vec::new(),
        };
        let unit = |u: &str| Scope::Unit(UnitId::checked(u));
        let dept = |d: &str| Scope::Department(DepartmentId::checked(d));
        let cases = [
            ("its grid", unit("cuihu-1"), true),
            ("its community", unit("cuihu"), true),
            ("its sub-district", unit("huashan"), true),
            ("a sibling grid", unit("cuihu-2"), false),
            ("another community", unit("yuanxi"), false),
            ("a summoned department", dept("urban"), true),
            ("another department", dept("police"), false),
        ];
        for (case, scope, expected) in cases {
            assert_eq!(visible_in(&org, &scope, &order), expected, "{case}");
        }
    }
}
