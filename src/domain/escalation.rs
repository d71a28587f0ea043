//! Deadlines in time: which moments matter for an order (reminders, report deadlines, the
//! resolve deadline) and what happens when one passes: a reminder, or one level up the tree.

use chrono::{DateTime, Utc};

use super::ids::{Scope, TelegramUserId};
use super::order::{EscalationReason, Event, PartyTarget, TransitionError, WhistleOrder};
use super::org::Organisation;
use super::policy::{due_after, Deadlines, Level};

/// What a due moment asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobKind {
    /// Mention the parties that have not reported, before their deadline.
    Remind,
    /// The report deadline of some parties: whoever has not reported by now escalates it.
    Ack,
    /// The order's resolve deadline.
    Resolve,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Remind => "remind",
            JobKind::Ack => "ack",
            JobKind::Resolve => "resolve",
        }
    }

    pub fn parse(s: &str) -> Option<JobKind> {
        [JobKind::Remind, JobKind::Ack, JobKind::Resolve]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One due moment of an order. `anchor` is the deadline it belongs to (the report deadline for
/// a reminder and an ack job, the resolve deadline for a resolve job): parties are matched by it.
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

/// Every due moment of an active order; none for a resolved, closed or cancelled one.
pub fn jobs_for(org: &Organisation, order: &WhistleOrder) -> Vec<Job> {
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
            .holders(
                &Scope::Unit(parent),
                &crate::domain::RoleId::new(crate::domain::role::DUTY_OFFICER),
            )
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
    use crate::domain::{OrderId, OrderState, Party, ReportMark, RoleId, UnitId};
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
                unit: UnitId::new("cuihu-1"),
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
            unit: UnitId::new("cuihu-1"),
            text: "垃圾".into(),
            location: None,
            urgent: false,
            state: OrderState::Open,
            level: Level::Grid,
            whistler: TelegramUserId(1001),
            created_at: t(0),
            resolve_due: t(24 * 60),
            parties: vec![party("sanitation", true), party("urban_enforcement", false)],
            reopen_count: 0,
        }
    }

    #[test]
    fn an_active_order_has_a_reminder_a_report_deadline_and_a_resolve_deadline() {
        let jobs = jobs_for(&org(), &order());
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
            jobs_for(&org(), &cancelled).is_empty(),
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
                unit: UnitId::new("cuihu")
            }
        );
        assert_eq!(o.state, OrderState::Open);
        escalate(&org, &mut o, None, EscalationReason::NotResolved, t(70)).unwrap();
        assert_eq!(
            o.parties.last().unwrap().target,
            PartyTarget::DutyOfficers {
                unit: UnitId::new("huashan")
            }
        );
        escalate(&org, &mut o, None, EscalationReason::NotResolved, t(200)).unwrap();
        assert_eq!(o.level, Level::District);
        assert_eq!(
            escalate(&org, &mut o, None, EscalationReason::NotResolved, t(300)),
            Err(TransitionError::AtTopLevel)
        );
    }
}
