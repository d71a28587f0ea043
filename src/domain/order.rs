//! The whistle order and its state machine.
//!
//! `open` → `reported` (every summoned party has reported) → `resolved` → `closed` (verified),
//! plus `cancelled`. The escalation level is separate from the state. Every method either
//! changes the order and returns the event to append to the audit log, or refuses with a typed
//! `TransitionError` and leaves the order untouched.

use crate::domain::ids::ChatId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::geo::Point;
use super::ids::{AllianceId, DepartmentId, OrderId, ResidentNo, TelegramUserId, UnitId};
use super::policy::Level;
use super::resident::Satisfaction;
use super::role::RoleId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    Open,
    Reported,
    Resolved,
    Closed,
    Cancelled,
}

impl OrderState {
    pub const ALL: [OrderState; 5] = [
        OrderState::Open,
        OrderState::Reported,
        OrderState::Resolved,
        OrderState::Closed,
        OrderState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Open => "open",
            OrderState::Reported => "reported",
            OrderState::Resolved => "resolved",
            OrderState::Closed => "closed",
            OrderState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<OrderState> {
        OrderState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Open and reported orders are still being handled: they can be reported to, resolved,
    /// joined by new parties and escalated.
    pub fn is_active(self) -> bool {
        matches!(self, OrderState::Open | OrderState::Reported)
    }
}

/// Who is summoned: a role in a unit, a unit's duty officers, a department, or an alliance unit
/// (联盟单位, summoned like a department).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PartyTarget {
    Role { unit: UnitId, role: RoleId },
    DutyOfficers { unit: UnitId },
    Department { department: DepartmentId },
    Alliance { alliance: AllianceId },
}

/// A party's report for duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportMark {
    pub by: TelegramUserId,
    pub at: DateTime<Utc>,
}

/// One summoned party of an order, with its own report deadline and report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub target: PartyTarget,
    pub level: Level,
    pub added_at: DateTime<Utc>,
    pub ack_due: DateTime<Utc>,
    pub report: Option<ReportMark>,
}

/// Who did something: a person in a group chat (a member, a liaison, an admin), or a resident
/// who reported through the private chat and is shown everywhere as "居民 #k", never by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Who {
    Member(TelegramUserId),
    Resident(ResidentNo),
}

impl From<TelegramUserId> for Who {
    fn from(id: TelegramUserId) -> Who {
        Who::Member(id)
    }
}

impl Who {
    /// The member, when it is one.
    pub fn member(self) -> Option<TelegramUserId> {
        match self {
            Who::Member(id) => Some(id),
            Who::Resident(_) => None,
        }
    }

    /// The resident, when it is one.
    pub fn resident(self) -> Option<ResidentNo> {
        match self {
            Who::Resident(no) => Some(no),
            Who::Member(_) => None,
        }
    }
}

/// A whistle order as the domain sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhistleOrder {
    pub id: OrderId,
    pub unit: UnitId,
    pub text: String,
    pub location: Option<String>,
    pub urgent: bool,
    pub state: OrderState,
    pub level: Level,
    pub whistler: Who,
    pub created_at: DateTime<Utc>,
    pub resolve_due: DateTime<Utc>,
    pub parties: Vec<Party>,
    pub reopen_count: u32,
    /// Where, when a resident sent a location.
    pub place: Option<Point>,
    /// The resident's photos (Telegram file ids), shown after the card.
    pub photos: Vec<String>,
}

/// What happened to an order: one row of its append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    Created,
    PartyAdded {
        target: PartyTarget,
    },
    Reported {
        target: PartyTarget,
    },
    Note {
        text: String,
        /// Photos sent with it (Telegram file ids).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        photos: Vec<String>,
    },
    Resolved {
        note: Option<String>,
        /// The resolution's photos (a photo captioned `/done`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        photos: Vec<String>,
    },
    Verified,
    Reopened {
        reason: String,
    },
    Cancelled {
        reason: String,
    },
    Escalated {
        from: Level,
        to: Level,
        why: EscalationReason,
    },
    Reminded {
        target: PartyTarget,
    },
    /// A resolved order was waiting for verification: these people were asked to verify it
    /// (the whistler first, later the unit's leaders).
    VerifyReminded {
        people: Vec<TelegramUserId>,
    },
    DeliveryFailed {
        chat: ChatId,
        reason: String,
    },
    /// A member asked the order's resident a question (relayed to their private chat).
    AskedResident {
        text: String,
    },
    /// The resident answered (the actor is the resident).
    ResidentAnswered {
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        photos: Vec<String>,
    },
    /// A resident said whether the latest resolution solved it, and how satisfied they are
    /// (the actor is the resident; only the first reporter's "solved" verifies).
    Rated {
        solved: Option<bool>,
        satisfaction: Option<Satisfaction>,
    },
    /// A resident joined the order as the same problem (the actor is the resident).
    Followed,
    /// The resolve deadline was set by hand (the time a whistle named had passed, and the
    /// whistler took the one the bot offered instead of the default).
    ResolveDueSet {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
}

impl EventKind {
    /// The stored name of the event kind.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::PartyAdded { .. } => "party_added",
            EventKind::Reported { .. } => "reported",
            EventKind::Note { .. } => "note",
            EventKind::Resolved { .. } => "resolved",
            EventKind::Verified => "verified",
            EventKind::Reopened { .. } => "reopened",
            EventKind::Cancelled { .. } => "cancelled",
            EventKind::Escalated { .. } => "escalated",
            EventKind::Reminded { .. } => "reminded",
            EventKind::VerifyReminded { .. } => "verify_reminded",
            EventKind::DeliveryFailed { .. } => "delivery_failed",
            EventKind::ResolveDueSet { .. } => "resolve_due_set",
            EventKind::AskedResident { .. } => "asked_resident",
            EventKind::ResidentAnswered { .. } => "resident_answered",
            EventKind::Rated { .. } => "rated",
            EventKind::Followed => "followed",
        }
    }
}

/// Why an order rose one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EscalationReason {
    /// These parties did not report in time.
    NotReported { parties: Vec<PartyTarget> },
    /// The order was not resolved in time.
    NotResolved,
    /// Verification failed a second time.
    ReopenedTwice,
    /// Someone asked, with their reason.
    Asked { reason: String },
}

/// An event with who and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub order: OrderId,
    pub at: DateTime<Utc>,
    pub actor: Option<Who>,
    pub kind: EventKind,
}

/// Why a transition was refused. Each variant has one message in the locales.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("order is {0:?}; that is not possible now")]
    WrongState(OrderState),
    #[error("this party was not summoned")]
    NoSuchParty,
    #[error("already at the top level")]
    AtTopLevel,
    #[error("nothing to add: every party named is already summoned")]
    NothingToAdd,
}

/// The result of a report: recorded now, or harmlessly repeated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportOutcome {
    Recorded(Event),
    AlreadyReported(ReportMark),
}

impl WhistleOrder {
    fn event(&self, at: DateTime<Utc>, actor: Option<Who>, kind: EventKind) -> Event {
        Event {
            order: self.id,
            at,
            actor,
            kind,
        }
    }

    fn require_active(&self) -> Result<(), TransitionError> {
        if self.state.is_active() {
            Ok(())
        } else {
            Err(TransitionError::WrongState(self.state))
        }
    }

    /// The state an active order is in given its reports.
    fn settle_active_state(&mut self) {
        self.state = if self.parties.iter().all(|p| p.report.is_some()) {
            OrderState::Reported
        } else {
            OrderState::Open
        };
    }

    /// Parties still waiting to report.
    pub fn waiting(&self) -> impl Iterator<Item = (usize, &Party)> {
        self.parties
            .iter()
            .enumerate()
            .filter(|(_, p)| p.report.is_none())
    }

    pub fn party_index(&self, target: &PartyTarget) -> Option<usize> {
        self.parties.iter().position(|p| &p.target == target)
    }

    /// A summoned party reports for duty. The first report is recorded; a repeat is harmless.
    pub fn report(
        &mut self,
        party: usize,
        by: TelegramUserId,
        now: DateTime<Utc>,
    ) -> Result<ReportOutcome, TransitionError> {
        self.require_active()?;
        let p = self
            .parties
            .get_mut(party)
            .ok_or(TransitionError::NoSuchParty)?;
        if let Some(mark) = &p.report {
            return Ok(ReportOutcome::AlreadyReported(mark.clone()));
        }
        p.report = Some(ReportMark { by, at: now });
        let target = p.target.clone();
        self.settle_active_state();
        Ok(ReportOutcome::Recorded(self.event(
            now,
            Some(by.into()),
            EventKind::Reported { target },
        )))
    }

    /// Adds parties (a second whistle or an escalation). A reported order goes back to open
    /// until the new parties report. Parties already summoned are skipped.
    pub fn add_parties(
        &mut self,
        targets: Vec<(PartyTarget, DateTime<Utc>)>,
        by: Option<TelegramUserId>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, TransitionError> {
        self.require_active()?;
        let mut events = Vec::new();
        for (target, ack_due) in targets {
            if self.party_index(&target).is_some() {
                continue;
            }
            self.parties.push(Party {
                target: target.clone(),
                level: self.level,
                added_at: now,
                ack_due,
                report: None,
            });
            events.push(self.event(now, by.map(Who::from), EventKind::PartyAdded { target }));
        }
        if events.is_empty() {
            return Err(TransitionError::NothingToAdd);
        }
        self.settle_active_state();
        Ok(events)
    }

    /// Marks the order resolved. Allowed from open or reported.
    pub fn resolve(
        &mut self,
        by: TelegramUserId,
        note: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Event, TransitionError> {
        self.require_active()?;
        self.state = OrderState::Resolved;
        Ok(self.event(
            now,
            Some(by.into()),
            EventKind::Resolved {
                note,
                photos: Vec::new(),
            },
        ))
    }

    /// The whistler (or grid leader) confirms the resolution: the order is closed.
    pub fn verify(&mut self, by: Who, now: DateTime<Utc>) -> Result<Event, TransitionError> {
        if self.state != OrderState::Resolved {
            return Err(TransitionError::WrongState(self.state));
        }
        self.state = OrderState::Closed;
        Ok(self.event(now, Some(by), EventKind::Verified))
    }

    /// Verification failed: back to handling. Reports are kept; the resolve deadline restarts.
    pub fn reopen(
        &mut self,
        by: Who,
        reason: String,
        resolve_due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Event, TransitionError> {
        if !matches!(self.state, OrderState::Resolved | OrderState::Closed) {
            return Err(TransitionError::WrongState(self.state));
        }
        self.reopen_count += 1;
        self.resolve_due = resolve_due;
        self.settle_active_state();
        Ok(self.event(now, Some(by), EventKind::Reopened { reason }))
    }

    /// Sets the resolve deadline by hand. Only while the order is being handled; `None` when it
    /// is that already (a repeated press changes nothing).
    pub fn set_resolve_due(
        &mut self,
        by: TelegramUserId,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<Event>, TransitionError> {
        self.require_active()?;
        if self.resolve_due == due {
            return Ok(None);
        }
        let from = std::mem::replace(&mut self.resolve_due, due);
        Ok(Some(self.event(
            now,
            Some(by.into()),
            EventKind::ResolveDueSet { from, to: due },
        )))
    }

    /// Withdraws a mistaken or duplicate order. A closed or cancelled order cannot be cancelled.
    pub fn cancel(
        &mut self,
        by: TelegramUserId,
        reason: String,
        now: DateTime<Utc>,
    ) -> Result<Event, TransitionError> {
        if matches!(self.state, OrderState::Closed | OrderState::Cancelled) {
            return Err(TransitionError::WrongState(self.state));
        }
        self.state = OrderState::Cancelled;
        Ok(self.event(now, Some(by.into()), EventKind::Cancelled { reason }))
    }

    /// Rises one level. Only active orders escalate (a cancelled order never does).
    pub fn escalate(
        &mut self,
        by: Option<TelegramUserId>,
        why: EscalationReason,
        now: DateTime<Utc>,
    ) -> Result<Event, TransitionError> {
        self.require_active()?;
        let from = self.level;
        let to = from.up().ok_or(TransitionError::AtTopLevel)?;
        self.level = to;
        Ok(self.event(
            now,
            by.map(Who::from),
            EventKind::Escalated { from, to, why },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap() + chrono::Duration::minutes(min)
    }

    fn role(r: &str) -> PartyTarget {
        PartyTarget::Role {
            unit: UnitId::checked("cuihu-1"),
            role: RoleId::new(r),
        }
    }

    fn order(state: OrderState, reported: &[bool]) -> WhistleOrder {
        let parties = reported
            .iter()
            .enumerate()
            .map(|(i, r)| Party {
                target: role(["sanitation", "urban_enforcement", "community_police"][i]),
                level: Level::Grid,
                added_at: t(0),
                ack_due: t(30),
                report: r.then(|| ReportMark {
                    by: TelegramUserId(1000 + i as i64),
                    at: t(5),
                }),
            })
            .collect();
        WhistleOrder {
            id: OrderId(42),
            unit: UnitId::checked("cuihu-1"),
            text: "垃圾".into(),
            location: None,
            urgent: false,
            state,
            level: Level::Grid,
            whistler: TelegramUserId(1).into(),
            created_at: t(0),
            resolve_due: t(24 * 60),
            parties,
            reopen_count: 0,
            place: None,
            photos: Vec::new(),
        }
    }

    #[derive(Debug, Clone, Copy)]
    enum Act {
        ReportFirstWaiting,
        AddParty,
        Resolve,
        Verify,
        Reopen,
        Cancel,
        Escalate,
    }

    fn apply(o: &mut WhistleOrder, act: Act) -> Result<(), TransitionError> {
        let by = TelegramUserId(7);
        match act {
            Act::ReportFirstWaiting => {
                let i = o.waiting().next().map(|(i, _)| i).unwrap_or(0);
                o.report(i, by, t(10)).map(|_| ())
            }
            Act::AddParty => o
                .add_parties(vec![(role("grid_supervisor"), t(40))], Some(by), t(10))
                .map(|_| ()),
            Act::Resolve => o.resolve(by, None, t(10)).map(|_| ()),
            Act::Verify => o.verify(by.into(), t(10)).map(|_| ()),
            Act::Reopen => o
                .reopen(by.into(), "not clean".into(), t(100), t(10))
                .map(|_| ()),
            Act::Cancel => o.cancel(by, "duplicate".into(), t(10)).map(|_| ()),
            Act::Escalate => o
                .escalate(None, EscalationReason::NotResolved, t(10))
                .map(|_| ()),
        }
    }

    use Act::*;
    use OrderState::*;

    /// Every (state, action) pair: the state after it, or `None` when it is refused.
    #[test]
    fn every_transition_allowed_and_refused() {
        // (start state, parties' reports, action, expected state or None for refused)
        let table: &[(OrderState, &[bool], Act, Option<OrderState>)] = &[
            (Open, &[false, false], ReportFirstWaiting, Some(Open)),
            (Open, &[true, false], ReportFirstWaiting, Some(Reported)),
            (Reported, &[true, true], ReportFirstWaiting, Some(Reported)), // repeat: harmless
            (Resolved, &[true, false], ReportFirstWaiting, None),
            (Closed, &[true, true], ReportFirstWaiting, None),
            (Cancelled, &[false], ReportFirstWaiting, None),
            (Open, &[true], AddParty, Some(Open)),
            (Reported, &[true, true], AddParty, Some(Open)),
            (Resolved, &[true], AddParty, None),
            (Closed, &[true], AddParty, None),
            (Cancelled, &[false], AddParty, None),
            (Open, &[false], Resolve, Some(Resolved)),
            (Reported, &[true], Resolve, Some(Resolved)),
            (Resolved, &[true], Resolve, None),
            (Closed, &[true], Resolve, None),
            (Cancelled, &[false], Resolve, None),
            (Open, &[false], Verify, None),
            (Reported, &[true], Verify, None),
            (Resolved, &[true], Verify, Some(Closed)),
            (Closed, &[true], Verify, None),
            (Cancelled, &[true], Verify, None),
            (Open, &[false], Reopen, None),
            (Reported, &[true], Reopen, None),
            (Resolved, &[true, true], Reopen, Some(Reported)),
            (Resolved, &[true, false], Reopen, Some(Open)),
            (Closed, &[true], Reopen, Some(Reported)),
            (Cancelled, &[true], Reopen, None),
            (Open, &[false], Cancel, Some(Cancelled)),
            (Reported, &[true], Cancel, Some(Cancelled)),
            (Resolved, &[true], Cancel, Some(Cancelled)),
            (Closed, &[true], Cancel, None),
            (Cancelled, &[true], Cancel, None),
            (Open, &[false], Escalate, Some(Open)),
            (Reported, &[true], Escalate, Some(Reported)),
            (Resolved, &[true], Escalate, None),
            (Closed, &[true], Escalate, None),
            (Cancelled, &[false], Escalate, None),
        ];
        for (i, (state, reports, act, expected)) in table.iter().enumerate() {
            let mut o = order(*state, reports);
            let before = o.clone();
            let result = apply(&mut o, *act);
            match expected {
                Some(after) => {
                    assert!(
                        result.is_ok(),
                        "row {i}: {state:?} {act:?} refused: {result:?}"
                    );
                    assert_eq!(o.state, *after, "row {i}: {state:?} {act:?}");
                }
                None => {
                    assert!(result.is_err(), "row {i}: {state:?} {act:?} was allowed");
                    assert_eq!(o, before, "row {i}: a refused transition changed the order");
                }
            }
        }
    }

    #[test]
    fn the_first_report_is_kept_and_a_repeat_changes_nothing() {
        let mut o = order(Open, &[false, false]);
        let first = o.report(0, TelegramUserId(5), t(3)).unwrap();
        assert!(matches!(first, ReportOutcome::Recorded(_)));
        let again = o.report(0, TelegramUserId(6), t(9)).unwrap();
        assert_eq!(
            again,
            ReportOutcome::AlreadyReported(ReportMark {
                by: TelegramUserId(5),
                at: t(3)
            })
        );
        assert_eq!(o.state, Open);
        assert_eq!(
            o.report(9, TelegramUserId(5), t(3)),
            Err(TransitionError::NoSuchParty)
        );
    }

    #[test]
    fn reopen_keeps_reports_and_restarts_the_resolve_deadline() {
        let mut o = order(Closed, &[true, true]);
        o.reopen(
            TelegramUserId(1).into(),
            "still dirty".into(),
            t(500),
            t(400),
        )
        .unwrap();
        assert_eq!(o.reopen_count, 1);
        assert_eq!(o.resolve_due, t(500));
        assert!(o.parties.iter().all(|p| p.report.is_some()));
    }

    #[test]
    fn escalation_climbs_one_level_at_a_time_and_stops_at_the_district() {
        let mut o = order(Open, &[false]);
        let mut seen = vec![o.level];
        while o
            .escalate(None, EscalationReason::NotResolved, t(1))
            .is_ok()
        {
            seen.push(o.level);
        }
        assert_eq!(
            seen,
            vec![
                Level::Grid,
                Level::Community,
                Level::Subdistrict,
                Level::District
            ]
        );
        assert_eq!(
            o.escalate(None, EscalationReason::NotResolved, t(1)),
            Err(TransitionError::AtTopLevel)
        );
    }

    #[test]
    fn the_resolve_deadline_is_set_by_hand_only_while_the_order_is_handled() {
        let mut o = order(Open, &[false]);
        let e = o.set_resolve_due(TelegramUserId(1), t(600), t(5)).unwrap();
        assert_eq!(
            e.map(|e| e.kind),
            Some(EventKind::ResolveDueSet {
                from: t(24 * 60),
                to: t(600)
            })
        );
        assert_eq!(o.resolve_due, t(600));
        assert_eq!(o.set_resolve_due(TelegramUserId(1), t(600), t(6)), Ok(None));
        for state in [Resolved, Closed, Cancelled] {
            let mut o = order(state, &[true]);
            let before = o.clone();
            assert_eq!(
                o.set_resolve_due(TelegramUserId(1), t(600), t(5)),
                Err(TransitionError::WrongState(state))
            );
            assert_eq!(o, before);
        }
    }

    /// Events are stored as JSON (`events.detail`): every kind reads back as written, and the
    /// stored form of the newest is pinned, because rows already written must keep reading.
    #[test]
    fn every_event_kind_round_trips_through_its_stored_json() {
        let kinds = vec![
            EventKind::Created,
            EventKind::PartyAdded {
                target: role("sanitation"),
            },
            EventKind::Reported {
                target: role("sanitation"),
            },
            EventKind::Note {
                text: "a\"b\n".into(),
                photos: vec![],
            },
            EventKind::Resolved {
                note: None,
                photos: vec![],
            },
            EventKind::Verified,
            EventKind::Reopened { reason: "r".into() },
            EventKind::Cancelled { reason: "c".into() },
            EventKind::Escalated {
                from: Level::Grid,
                to: Level::Community,
                why: EscalationReason::NotResolved,
            },
            EventKind::Reminded {
                target: role("sanitation"),
            },
            EventKind::DeliveryFailed {
                chat: crate::domain::ChatId(-5),
                reason: "kicked".into(),
            },
            EventKind::VerifyReminded {
                people: vec![TelegramUserId(1001)],
            },
            EventKind::ResolveDueSet {
                from: t(24 * 60),
                to: t(600),
            },
            EventKind::Note {
                text: "照片".into(),
                photos: vec!["AgAD1".into()],
            },
            EventKind::AskedResident {
                text: "几号楼？".into(),
            },
            EventKind::ResidentAnswered {
                text: "3号楼".into(),
                photos: vec!["AgAD2".into()],
            },
            EventKind::Rated {
                solved: Some(true),
                satisfaction: Some(Satisfaction::Basic),
            },
            EventKind::Followed,
        ];
        for kind in &kinds {
            // A new kind must be added to the list above.
            match kind {
                EventKind::Created
                | EventKind::PartyAdded { .. }
                | EventKind::Reported { .. }
                | EventKind::Note { .. }
                | EventKind::Resolved { .. }
                | EventKind::Verified
                | EventKind::Reopened { .. }
                | EventKind::Cancelled { .. }
                | EventKind::Escalated { .. }
                | EventKind::Reminded { .. }
                | EventKind::VerifyReminded { .. }
                | EventKind::DeliveryFailed { .. }
                | EventKind::ResolveDueSet { .. }
                | EventKind::AskedResident { .. }
                | EventKind::ResidentAnswered { .. }
                | EventKind::Rated { .. }
                | EventKind::Followed => {}
            }
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(&serde_json::from_str::<EventKind>(&json).unwrap(), kind);
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(v["kind"], kind.name(), "{json}");
        }
        // A note written before notes carried photos still reads, with none.
        assert_eq!(
            serde_json::from_str::<EventKind>(r#"{"kind":"note","text":"x"}"#).unwrap(),
            EventKind::Note {
                text: "x".into(),
                photos: vec![]
            }
        );
        let pinned = r#"{"kind":"resolve_due_set","from":"2026-11-29T06:00:00Z","to":"2026-11-28T16:00:00Z"}"#;
        assert_eq!(
            serde_json::from_str::<EventKind>(pinned).unwrap(),
            EventKind::ResolveDueSet {
                from: t(24 * 60),
                to: t(600)
            }
        );
    }

    #[test]
    fn adding_only_known_parties_is_refused() {
        let mut o = order(Open, &[false]);
        assert_eq!(
            o.add_parties(vec![(role("sanitation"), t(5))], None, t(1)),
            Err(TransitionError::NothingToAdd)
        );
    }
}
