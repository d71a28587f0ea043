//! The whistle plan: what a whistle in a unit's chat summons and at which level the order sits,
//! and the one rule for every deadline an order or a party gets. Pure: callers pass `now`.

use chrono::{DateTime, Utc};

use super::access;
use super::ids::{AllianceId, DepartmentId, TelegramUserId, UnitId};
use super::order::PartyTarget;
use super::org::{Organisation, Unit};
use super::parse::{Draft, RoleSource};
use super::policy::{due_after, Level};

/// Who a whistle summons, and where the order lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The unit the order belongs to (a grid named in a community chat, else the chat's unit).
    pub unit: UnitId,
    pub level: Level,
    pub targets: Vec<PartyTarget>,
}

/// Why a whistle cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanRefusal {
    /// Whistling district departments is the duty officers' (and admins') call.
    DepartmentsNotAllowed,
    /// A whistle at the sub-district or district names no department (nor alliance unit).
    NameADepartment,
}

/// Plans a whistle by `whistler` in the chat of `unit`:
/// - in a grid, the roles the text names (or its keywords point to);
/// - in a community, the roles in the grid the text names (or `grid`, the grid of an order the
///   text refers to), else the community's own duty officers; and the alliance units the text
///   names (then instead of the duty officers);
/// - at the sub-district or district, the departments and alliance units the text names.
pub fn plan_whistle(
    org: &Organisation,
    whistler: TelegramUserId,
    unit: &Unit,
    draft: &Draft,
    referenced_grid: Option<UnitId>,
) -> Result<Plan, PlanRefusal> {
    let roles_in = |grid: &UnitId| -> Vec<PartyTarget> {
        draft
            .roles
            .iter()
            .map(|r| PartyTarget::Role {
                unit: grid.clone(),
                role: r.clone(),
            })
            .collect()
    };
    let alliances: Vec<PartyTarget> = draft
        .alliances
        .iter()
        .map(|a| PartyTarget::Alliance {
            alliance: AllianceId::checked(a.clone()),
        })
        .collect();
    match unit.kind {
        Level::Grid => Ok(Plan {
            unit: unit.id.clone(),
            level: Level::Grid,
            targets: roles_in(&unit.id),
        }),
        Level::Community => {
            let grid = draft.grid.clone().map(UnitId::checked).or(referenced_grid);
            match grid {
                Some(g) if draft.role_source != RoleSource::None => Ok(Plan {
                    targets: roles_in(&g).into_iter().chain(alliances).collect(),
                    unit: g,
                    level: Level::Grid,
                }),
                _ if !alliances.is_empty() => Ok(Plan {
                    unit: unit.id.clone(),
                    level: Level::Community,
                    targets: alliances,
                }),
                _ => Ok(Plan {
                    unit: unit.id.clone(),
                    level: Level::Community,
                    targets: vec![PartyTarget::DutyOfficers {
                        unit: unit.id.clone(),
                    }],
                }),
            }
        }
        Level::Subdistrict | Level::District => {
            if !access::can_whistle_departments(org, whistler, &unit.id) {
                return Err(PlanRefusal::DepartmentsNotAllowed);
            }
            if draft.departments.is_empty() && alliances.is_empty() {
                return Err(PlanRefusal::NameADepartment);
            }
            Ok(Plan {
                unit: unit.id.clone(),
                level: unit.kind,
                targets: draft
                    .departments
                    .iter()
                    .map(|d| PartyTarget::Department {
                        department: DepartmentId::checked(d.clone()),
                    })
                    .chain(alliances)
                    .collect(),
            })
        }
    }
}

/// The report deadline of a party summoned at `level` now: its level's window (a department's
/// own where it has one) counted on the working calendar unless urgent, and no later than the
/// time the whistler named (`named`), which is never before now.
pub fn report_due(
    org: &Organisation,
    target: &PartyTarget,
    level: Level,
    urgent: bool,
    now: DateTime<Utc>,
    named: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let dept = match target {
        PartyTarget::Department { department } => org.department(department).map(|d| d.durations),
        _ => None,
    };
    let d = org.policy.deadlines(level, urgent, dept);
    let due = due_after(
        now,
        d.ack_within,
        urgent,
        org.calendar.as_ref(),
        org.timezone,
    );
    match named {
        Some(limit) if limit < due => limit.max(now),
        _ => due,
    }
}

/// The resolve deadline of an order at `level` from now: the time the whistler named when it is
/// still ahead, else the level's window on the working calendar unless urgent.
pub fn resolve_due(
    org: &Organisation,
    level: Level,
    urgent: bool,
    now: DateTime<Utc>,
    named: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    named.filter(|d| *d > now).unwrap_or_else(|| {
        let d = org.policy.deadlines(level, urgent, None);
        due_after(
            now,
            d.resolve_within,
            urgent,
            org.calendar.as_ref(),
            org.timezone,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::org::parse_org;
    use crate::domain::RoleId;
    use chrono::TimeZone;

    fn org() -> Organisation {
        parse_org(include_str!("../../examples/huashan.toml")).unwrap()
    }

    fn draft(roles: &[&str], source: RoleSource, departments: &[&str]) -> Draft {
        Draft {
            order_ref: None,
            roles: roles.iter().map(|r| RoleId::new(*r)).collect(),
            role_source: source,
            departments: departments.iter().map(|d| d.to_string()).collect(),
            alliances: Vec::new(),
            grid: None,
            urgent: false,
            due: None,
            location: None,
            text: "垃圾".into(),
            order_ref_text: None,
            due_note: None,
        }
    }

    fn alliance(id: &str) -> PartyTarget {
        PartyTarget::Alliance {
            alliance: AllianceId::checked(id),
        }
    }

    #[test]
    fn alliance_units_are_whistled_like_departments() {
        let org = org();
        let unit = |id: &str| org.unit(&UnitId::checked(id)).unwrap().clone();
        let p = TelegramUserId;
        let with = |d: Draft, alliances: &[&str]| Draft {
            alliances: alliances.iter().map(|a| a.to_string()).collect(),
            ..d
        };
        let mut grid_and_alliance = with(
            draft(&["sanitation"], RoleSource::Named, &[]),
            &["yunnan-university"],
        );
        grid_and_alliance.grid = Some("cuihu-2".into());
        type Case = (
            &'static str,
            Result<Plan, PlanRefusal>,
            Result<Plan, PlanRefusal>,
        );
        let cases: Vec<Case> = vec![
            (
                "community naming an alliance: the alliance instead of the duty officers",
                plan_whistle(
                    &org,
                    p(1100),
                    &unit("cuihu"),
                    &with(draft(&[], RoleSource::None, &[]), &["yunnan-university"]),
                    None,
                ),
                Ok(Plan {
                    unit: UnitId::checked("cuihu"),
                    level: Level::Community,
                    targets: vec![alliance("yunnan-university")],
                }),
            ),
            (
                "community naming a grid's role and an alliance: both, at grid level",
                plan_whistle(&org, p(1100), &unit("cuihu"), &grid_and_alliance, None),
                Ok(Plan {
                    unit: UnitId::checked("cuihu-2"),
                    level: Level::Grid,
                    targets: vec![role("cuihu-2", "sanitation"), alliance("yunnan-university")],
                }),
            ),
            (
                "sub-district: an alliance alone is enough",
                plan_whistle(
                    &org,
                    p(1),
                    &unit("huashan"),
                    &with(
                        draft(&[], RoleSource::None, &[]),
                        &["kunming-no1-middle-school"],
                    ),
                    None,
                ),
                Ok(Plan {
                    unit: UnitId::checked("huashan"),
                    level: Level::Subdistrict,
                    targets: vec![alliance("kunming-no1-middle-school")],
                }),
            ),
            (
                "sub-district: departments first, then alliances",
                plan_whistle(
                    &org,
                    p(1),
                    &unit("huashan"),
                    &with(
                        draft(&[], RoleSource::None, &["urban"]),
                        &["yunnan-university"],
                    ),
                    None,
                ),
                Ok(Plan {
                    unit: UnitId::checked("huashan"),
                    level: Level::Subdistrict,
                    targets: vec![
                        PartyTarget::Department {
                            department: DepartmentId::checked("urban"),
                        },
                        alliance("yunnan-university"),
                    ],
                }),
            ),
            (
                "sub-district: a grid member may not whistle alliances either",
                plan_whistle(
                    &org,
                    p(1002),
                    &unit("huashan"),
                    &with(draft(&[], RoleSource::None, &[]), &["yunnan-university"]),
                    None,
                ),
                Err(PlanRefusal::DepartmentsNotAllowed),
            ),
        ];
        for (case, actual, expected) in cases {
            assert_eq!(actual, expected, "{case}");
        }
        // Alliance parties get the level's (department default) deadlines.
        let now = Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap();
        let a = alliance("yunnan-university");
        let d = org.policy.deadlines(Level::Subdistrict, true, None);
        assert_eq!(
            report_due(&org, &a, Level::Subdistrict, true, now, None),
            now + d.ack_within.to_chrono()
        );
    }

    fn role(unit: &str, r: &str) -> PartyTarget {
        PartyTarget::Role {
            unit: UnitId::checked(unit),
            role: RoleId::new(r),
        }
    }

    #[test]
    fn the_plan_per_kind_of_unit() {
        let org = org();
        let unit = |id: &str| org.unit(&UnitId::checked(id)).unwrap().clone();
        let p = TelegramUserId;
        let mut in_grid2 = draft(&["sanitation"], RoleSource::Named, &[]);
        in_grid2.grid = Some("cuihu-2".into());
        type Case = (
            &'static str,
            Result<Plan, PlanRefusal>,
            Result<Plan, PlanRefusal>,
        );
        let cases: Vec<Case> = vec![
            (
                "grid: the named roles of the grid",
                plan_whistle(
                    &org,
                    p(1001),
                    &unit("cuihu-1"),
                    &draft(&["sanitation"], RoleSource::Named, &[]),
                    None,
                ),
                Ok(Plan {
                    unit: UnitId::checked("cuihu-1"),
                    level: Level::Grid,
                    targets: vec![role("cuihu-1", "sanitation")],
                }),
            ),
            (
                "community naming a grid: that grid's roles, at grid level",
                plan_whistle(&org, p(1100), &unit("cuihu"), &in_grid2, None),
                Ok(Plan {
                    unit: UnitId::checked("cuihu-2"),
                    level: Level::Grid,
                    targets: vec![role("cuihu-2", "sanitation")],
                }),
            ),
            (
                "community adding to an order of a grid: that grid",
                plan_whistle(
                    &org,
                    p(1100),
                    &unit("cuihu"),
                    &draft(&["sanitation"], RoleSource::Named, &[]),
                    Some(UnitId::checked("cuihu-1")),
                ),
                Ok(Plan {
                    unit: UnitId::checked("cuihu-1"),
                    level: Level::Grid,
                    targets: vec![role("cuihu-1", "sanitation")],
                }),
            ),
            (
                "community without a grid: its own duty officers",
                plan_whistle(
                    &org,
                    p(1100),
                    &unit("cuihu"),
                    &draft(&[], RoleSource::None, &[]),
                    None,
                ),
                Ok(Plan {
                    unit: UnitId::checked("cuihu"),
                    level: Level::Community,
                    targets: vec![PartyTarget::DutyOfficers {
                        unit: UnitId::checked("cuihu"),
                    }],
                }),
            ),
            (
                "sub-district: a grid member may not whistle departments",
                plan_whistle(
                    &org,
                    p(1002),
                    &unit("huashan"),
                    &draft(&[], RoleSource::None, &["urban"]),
                    None,
                ),
                Err(PlanRefusal::DepartmentsNotAllowed),
            ),
            (
                "sub-district: an admin must name a department",
                plan_whistle(
                    &org,
                    p(1),
                    &unit("huashan"),
                    &draft(&[], RoleSource::None, &[]),
                    None,
                ),
                Err(PlanRefusal::NameADepartment),
            ),
            (
                "sub-district: the named departments",
                plan_whistle(
                    &org,
                    p(1),
                    &unit("huashan"),
                    &draft(&[], RoleSource::None, &["urban"]),
                    None,
                ),
                Ok(Plan {
                    unit: UnitId::checked("huashan"),
                    level: Level::Subdistrict,
                    targets: vec![PartyTarget::Department {
                        department: DepartmentId::checked("urban"),
                    }],
                }),
            ),
        ];
        for (case, actual, expected) in cases {
            assert_eq!(actual, expected, "{case}");
        }
    }

    #[test]
    fn one_rule_for_report_and_resolve_deadlines() {
        let org = org();
        let now = Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap(); // Monday 10:00 local
        let grid = role("cuihu-1", "sanitation");
        let normal = org.policy.deadlines(Level::Grid, false, None);
        let urgent = org.policy.deadlines(Level::Grid, true, None);
        let plain = due_after(
            now,
            normal.ack_within,
            false,
            org.calendar.as_ref(),
            org.timezone,
        );
        let soon = now + chrono::Duration::minutes(5);
        let past = now - chrono::Duration::minutes(5);
        let cases = [
            (
                "the level's window",
                report_due(&org, &grid, Level::Grid, false, now, None),
                plain,
            ),
            (
                "an earlier named time wins",
                report_due(&org, &grid, Level::Grid, false, now, Some(soon)),
                soon,
            ),
            (
                "a later named time does not stretch it",
                report_due(
                    &org,
                    &grid,
                    Level::Grid,
                    false,
                    now,
                    Some(now + chrono::Duration::days(9)),
                ),
                plain,
            ),
            (
                "never before now",
                report_due(&org, &grid, Level::Grid, false, now, Some(past)),
                now,
            ),
            (
                "urgent: the urgent window",
                report_due(&org, &grid, Level::Grid, true, now, None),
                now + urgent.ack_within.to_chrono(),
            ),
        ];
        for (case, actual, expected) in cases {
            assert_eq!(actual, expected, "{case}");
        }
        let resolve = due_after(
            now,
            normal.resolve_within,
            false,
            org.calendar.as_ref(),
            org.timezone,
        );
        assert_eq!(resolve_due(&org, Level::Grid, false, now, None), resolve);
        assert_eq!(resolve_due(&org, Level::Grid, false, now, Some(soon)), soon);
        assert_eq!(
            resolve_due(&org, Level::Grid, false, now, Some(past)),
            resolve
        );
    }
}
