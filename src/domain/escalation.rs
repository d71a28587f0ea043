//! Deadlines in time: which moments matter for an order (reminders, report deadlines, the
//! resolve deadline) and what happens when one passes: a reminder, or one level up the tree.

use chrono::{DateTime, Utc};

use super::ids::{Scope, TelegramUserId, UnitId};
use super::order::Who;
use super::order::{
    EscalationReason, Event, EventKind, OrderState, PartyTarget, TransitionError, WhistleOrder,
};
use super::org::Organisation;
use super::policy::{due_after, Deadlines, Level};
use super::role::{RoleId, DUTY_OFFICER, GRID_LEADER};

/// What a due moment asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobKind {
    /// Mention the parties that have not reported, before their deadline.
    Remind,
    /// The report deadline of some parties: whoever has not reported by now escalates it.
    Ack,
    /// The order's resolve deadline.
    Resolve,
    /// A resolved order has waited `verify_within`: the whistler is reminded to verify it.
    VerifyRemind,
    /// It has waited as long again: the unit's leaders are asked to verify it.
    VerifyAsk,
}

impl JobKind {
    pub const ALL: [JobKind; 5] = [
        JobKind::Remind,
        JobKind::Ack,
        JobKind::Resolve,
        JobKind::VerifyRemind,
        JobKind::VerifyAsk,
    ];

    /// The stored name (`jobs.kind`). Renaming one needs a migration of the stored rows.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Remind => "remind",
            JobKind::Ack => "ack",
            JobKind::Resolve => "resolve",
            JobKind::VerifyRemind => "verify_remind",
            JobKind::VerifyAsk => "verify_ask",
        }
    }

    pub fn parse(s: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One due moment of an order. `anchor` is the moment it belongs to (the report deadline for
/// a reminder and an ack job, the resolve deadline for a resolve job, the resolution for the
/// verify jobs): parties, and the resolution, are matched by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Job {
    pub kind: JobKind,
    pub due: DateTime<Utc>,
    pub anchor: DateTime<Utc>,
}

/// The deadlines of a party: its level's and its department's, for the order's urgency.
pub fn party_deadlines(
    org: &Organisation,
    order: &WhistleOrder,
    target: &PartyTarget,
    level: Level,
) -> Deadlines {
    let dept = match target {
        PartyTarget::Department { department } => org.department(department).map(|d| d.durations),
        _ => None,
    };
    org.policy.deadlines(level, order.urgent, dept)
}

/// Every due moment of an order: an active one's reminders and deadlines; a resolved one's
/// verification reminders (from its latest resolution in `history`); none for a closed or
/// cancelled one.
pub fn jobs_for(org: &Organisation, order: &WhistleOrder, history: &[Event]) -> Vec<Job> {
    if order.state == OrderState::Resolved {
        return verify_jobs(org, order, history);
    }
    if !order.state.is_active() {
        return Vec::new();
    }
    let mut jobs = Vec::new();
    for (_, p) in order.waiting() {
        jobs.push(Job {
            kind: JobKind::Ack,
            due: p.ack_due,
            anchor: p.ack_due,
        });
        let d = party_deadlines(org, order, &p.target, p.level);
        let remind = p.ack_due - d.remind_before.to_chrono();
        if remind > p.added_at {
            jobs.push(Job {
                kind: JobKind::Remind,
                due: remind,
                anchor: p.ack_due,
            });
        }
    }
    jobs.push(Job {
        kind: JobKind::Resolve,
        due: order.resolve_due,
        anchor: order.resolve_due,
    });
    jobs.sort();
    jobs.dedup();
    jobs
}

/// When the order was last resolved, by its history.
pub fn resolved_at(history: &[Event]) -> Option<DateTime<Utc>> {
    history
        .iter()
        .rev()
        .find(|e| matches!(e.kind, EventKind::Resolved { .. }))
        .map(|e| e.at)
}

/// A resolved order's verification reminders: the whistler `verify_within` after the
/// resolution, the leaders as long again after that (working time with a calendar, as every
/// deadline of a non-urgent order).
fn verify_jobs(org: &Organisation, order: &WhistleOrder, history: &[Event]) -> Vec<Job> {
    let Some(resolved) = resolved_at(history) else {
        return Vec::new();
    };
    if let Who::Resident(_) = order.whistler {
        // The resident is asked in their private chat at once; the grid leader's 确认 / 退回
        // prompt comes only once `rate_within` has passed without the resident's answer.
        return vec![Job {
            kind: JobKind::VerifyAsk,
            due: resolved + org.resident.rate_within.to_chrono(),
            anchor: resolved,
        }];
    }
    let after = |t| {
        due_after(
            t,
            org.policy.verify_within,
            order.urgent,
            org.calendar.as_ref(),
            org.timezone,
        )
    };
    let remind = after(resolved);
    vec![
        Job {
            kind: JobKind::VerifyRemind,
            due: remind,
            anchor: resolved,
        },
        Job {
            kind: JobKind::VerifyAsk,
            due: after(remind),
            anchor: resolved,
        },
    ]
}

/// Who is asked to verify a resolved order its whistler has left unverified: the nearest
/// leaders above the whistler who may verify it (`access::can_verify`), with the unit they
/// lead. The order's grid leader, else its unit's duty officers, else the duty officers of the
/// units above, nearest first; the whistler never counts (they were reminded already); the
/// admins when the tree holds nobody.
pub fn verify_askees(
    org: &Organisation,
    order: &WhistleOrder,
) -> Option<(Option<UnitId>, Vec<TelegramUserId>)> {
    let others = |people: Vec<TelegramUserId>| -> Vec<TelegramUserId> {
        people
            .into_iter()
            .filter(|p| Who::Member(*p) != order.whistler)
            .collect()
    };
    for (i, unit) in org.lineage(&order.unit).into_iter().enumerate() {
        let scope = Scope::Unit(unit.id.clone());
        let mut people = Vec::new();
        if i == 0 {
            people.extend(org.holders(&scope, &RoleId::new(GRID_LEADER)));
        }
        for p in org.holders(&scope, &RoleId::new(DUTY_OFFICER)) {
            if !people.contains(&p) {
                people.push(p);
            }
        }
        let people = others(people);
        if !people.is_empty() {
            return Some((Some(unit.id.clone()), people));
        }
    }
    let admins = others(org.admins.clone());
    (!admins.is_empty()).then_some((None, admins))
}

/// The parties a report-deadline job concerns: waiting ones whose deadline it is.
pub fn overdue_parties(order: &WhistleOrder, anchor: DateTime<Utc>) -> Vec<usize> {
    order
        .waiting()
        .filter(|(_, p)| p.ack_due == anchor)
        .map(|(i, _)| i)
        .collect()
}

/// Raises the order one level: the parent unit's duty officers are summoned with that level's
/// report deadline, and the resolve deadline restarts with that level's.
pub fn escalate(
    org: &Organisation,
    order: &mut WhistleOrder,
    by: Option<TelegramUserId>,
    why: EscalationReason,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, TransitionError> {
    let to = order.level.up().ok_or(TransitionError::AtTopLevel)?;
    let parent = org
        .ancestor_at(&order.unit, to)
        .ok_or(TransitionError::AtTopLevel)?
        .id
        .clone();
    let mut events = vec![order.escalate(by, why, now)?];
    let target = PartyTarget::DutyOfficers {
        unit: parent.clone(),
    };
    let d = org.policy.deadlines(to, order.urgent, None);
    let cal = org.calendar.as_ref();
    let ack_due = due_after(now, d.ack_within, order.urgent, cal, org.timezone);
    order.resolve_due = order.resolve_due.max(due_after(
        now,
        d.resolve_within,
        order.urgent,
        cal,
        org.timezone,
    ));
    // The duty officers of that level may already be summoned (a manual whistle): then the
    // escalation stands on its own.
    if order.party_index(&target).is_none()
        && !org
            .holders(&Scope::Unit(parent), &RoleId::new(DUTY_OFFICER))
            .is_empty()
    {
        events.extend(order.add_parties(vec![(target, ack_due)], by, now)?);
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::org::parse_org;
    use crate::domain::policy::Secs;
    use crate::domain::{OrderId, Party, ReportMark};
    use chrono::{Duration, TimeZone};

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap() + Duration::minutes(min)
        // Fri 10:00 Kunming
    }

    fn org() -> Organisation {
        parse_org(include_str!("../../examples/huashan.toml")).unwrap()
    }

    fn order() -> WhistleOrder {
        let party = |role: &str, reported: bool| Party {
            target: PartyTarget::Role {
                unit: UnitId::checked("cuihu-1"),
                role: RoleId::new(role),
            },
            level: Level::Grid,
            added_at: t(0),
            ack_due: t(30),
            report: reported.then(|| ReportMark {
                by: TelegramUserId(1002),
                at: t(2),
            }),
        };
        WhistleOrder {
            id: OrderId(7),
            unit: UnitId::checked("cuihu-1"),
            text: "垃圾".into(),
            location: None,
            urgent: false,
            state: OrderState::Open,
            level: Level::Grid,
            whistler: TelegramUserId(1001).into(),
            created_at: t(0),
            resolve_due: t(24 * 60),
            parties: vec![party("sanitation", true), party("urban_enforcement", false)],
            reopen_count: 0,
            place: None,
            photos: Vec::new(),
        }
    }

    #[test]
    fn an_active_order_has_a_reminder_a_report_deadline_and_a_resolve_deadline() {
        let jobs = jobs_for(&org(), &order(), &[]);
        assert_eq!(
            jobs,
            vec![
                Job {
                    kind: JobKind::Remind,
                    due: t(20),
                    anchor: t(30)
                },
                Job {
                    kind: JobKind::Ack,
                    due: t(30),
                    anchor: t(30)
                },
                Job {
                    kind: JobKind::Resolve,
                    due: t(24 * 60),
                    anchor: t(24 * 60)
                },
            ]
        );
        let mut cancelled = order();
        cancelled.state = OrderState::Cancelled;
        assert!(
            jobs_for(&org(), &cancelled, &[]).is_empty(),
            "a cancelled order never escalates"
        );
        assert_eq!(overdue_parties(&order(), t(30)), vec![1]);
    }

    #[test]
    fn escalation_summons_the_parent_duty_officers_one_level_at_a_time() {
        let org = org();
        let mut o = order();
        let events = escalate(&org, &mut o, None, EscalationReason::NotResolved, t(31)).unwrap();
        assert_eq!(o.level, Level::Community);
        assert_eq!(events.len(), 2, "escalated + party added: {events:?}");
        let last = o.parties.last().unwrap();
        assert_eq!(
            last.target,
            PartyTarget::DutyOfficers {
                unit: UnitId::checked("cuihu")
            }
        );
        assert_eq!(o.state, OrderState::Open);
        escalate(&org, &mut o, None, EscalationReason::NotResolved, t(70)).unwrap();
        assert_eq!(
            o.parties.last().unwrap().target,
            PartyTarget::DutyOfficers {
                unit: UnitId::checked("huashan")
            }
        );
        escalate(&org, &mut o, None, EscalationReason::NotResolved, t(200)).unwrap();
        assert_eq!(o.level, Level::District);
        assert_eq!(
            escalate(&org, &mut o, None, EscalationReason::NotResolved, t(300)),
            Err(TransitionError::AtTopLevel)
        );
    }

    #[test]
    fn job_kinds_round_trip_through_their_stored_names() {
        let mut names = Vec::new();
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse(k.as_str()), Some(k), "{k:?}");
            names.push(k.as_str());
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), JobKind::ALL.len(), "two kinds share a name");
        assert_eq!(JobKind::parse("verify"), None);
        assert_eq!(JobKind::parse(""), None);
    }

    fn resolved(at: DateTime<Utc>, urgent: bool) -> (WhistleOrder, Vec<Event>) {
        let mut o = order();
        o.urgent = urgent;
        let events = vec![
            Event {
                order: o.id,
                at: t(5),
                actor: Some(TelegramUserId(1002).into()),
                kind: EventKind::Resolved {
                    note: None,
                    photos: vec![],
                },
            },
            Event {
                order: o.id,
                at: t(6),
                actor: Some(TelegramUserId(1001).into()),
                kind: EventKind::Reopened {
                    reason: "脏".into(),
                },
            },
            Event {
                order: o.id,
                at,
                actor: Some(TelegramUserId(1002).into()),
                kind: EventKind::Resolved {
                    note: None,
                    photos: vec![],
                },
            },
        ];
        o.state = OrderState::Resolved;
        (o, events)
    }

    #[test]
    fn a_resolved_order_nobody_verified_stayed_resolved_forever() {
        let org = org();
        // Urgent: plain time. The whistler a day after the latest resolution, then the leaders.
        let (o, events) = resolved(t(40), true);
        assert_eq!(
            jobs_for(&org, &o, &events),
            vec![
                Job {
                    kind: JobKind::VerifyRemind,
                    due: t(40 + 24 * 60),
                    anchor: t(40)
                },
                Job {
                    kind: JobKind::VerifyAsk,
                    due: t(40 + 48 * 60),
                    anchor: t(40)
                },
            ]
        );
        // Not urgent: working time, as every deadline with a calendar.
        let (o, events) = resolved(t(40), false);
        let jobs = jobs_for(&org, &o, &events);
        let cal = org.calendar.as_ref();
        let remind = due_after(t(40), Secs(86_400), false, cal, org.timezone);
        assert_eq!(jobs[0].due, remind);
        assert_eq!(
            jobs[1].due,
            due_after(remind, Secs(86_400), false, cal, org.timezone)
        );
        // Closed or cancelled: nothing waits any more. Without a resolution on record: nothing.
        for state in [OrderState::Closed, OrderState::Cancelled] {
            let mut done = o.clone();
            done.state = state;
            assert!(jobs_for(&org, &done, &events).is_empty(), "{state:?}");
        }
        assert!(jobs_for(&org, &o, &[]).is_empty());
    }

    #[test]
    fn a_residents_resolved_order_asks_the_leader_only_after_rate_within() {
        let org = org();
        let (mut o, events) = resolved(t(40), false);
        o.whistler = Who::Resident(crate::domain::ResidentNo(7));
        assert_eq!(
            jobs_for(&org, &o, &events),
            vec![Job {
                kind: JobKind::VerifyAsk,
                due: t(40) + org.resident.rate_within.to_chrono(),
                anchor: t(40)
            }]
        );
        assert_eq!(
            org.resident.rate_within.to_chrono(),
            chrono::Duration::hours(72)
        );
    }

    #[test]
    fn the_leaders_asked_to_verify_are_the_nearest_above_the_whistler() {
        let org = org();
        let ask = |unit: &str, whistler: i64| {
            let mut o = order();
            o.unit = UnitId::checked(unit);
            o.whistler = TelegramUserId(whistler).into();
            verify_askees(&org, &o).map(|(u, p)| {
                (
                    u.map(|u| u.to_string()),
                    p.into_iter().map(|p| p.0).collect::<Vec<_>>(),
                )
            })
        };
        // A grid member whistled: the grid leader.
        assert_eq!(
            ask("cuihu-1", 1002),
            Some((Some("cuihu-1".into()), vec![1001]))
        );
        // The grid leader whistled: the community's duty officer.
        assert_eq!(
            ask("cuihu-1", 1001),
            Some((Some("cuihu".into()), vec![1100]))
        );
        // The community's duty officer whistled: the sub-district's.
        assert_eq!(
            ask("cuihu", 1100),
            Some((Some("huashan".into()), vec![1200, 1201]))
        );
    }
}
