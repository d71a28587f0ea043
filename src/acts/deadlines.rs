//! The deadline acts the scheduler calls for a claimed job: remind the parties that have not
//! reported, raise the order one level when a report or resolve deadline has passed, and ask
//! for the verification of a resolved order nobody has verified (the whistler first, later the
//! unit's leaders; never closing it without a person). The job is marked done in the same
//! transaction as its consequences, so two schedulers on one database act on each deadline
//! once.

use chrono::{DateTime, Utc};

use super::{notices, Ctx, Result};
use crate::domain::escalation::{self, overdue_parties, resolved_at, verify_askees, JobKind};
use crate::domain::org::Organisation;
use crate::domain::{
    EscalationReason, Event, EventKind, OrderState, TelegramUserId, TransitionError, WhistleOrder,
};
use crate::storage::{DueJob, Outgoing, StoreError};

/// What a due job calls for, decided on the order as read.
enum Due {
    /// Nothing (any more): the job is finished without a change.
    Nothing,
    Remind,
    Escalate(EscalationReason),
    /// The resolution the job belongs to still waits: remind the whistler.
    RemindToVerify,
    /// It still waits after that: ask the leaders.
    AskToVerify,
}

/// Decides what job `job` calls for on `order` (its `history` so far) at `now`.
fn decide(order: &WhistleOrder, history: &[Event], job: &DueJob, now: DateTime<Utc>) -> Due {
    match job.kind {
        // Verified, reopened (a later resolution has jobs of its own) or cancelled: nothing.
        JobKind::VerifyRemind | JobKind::VerifyAsk
            if order.state != OrderState::Resolved || resolved_at(history) != Some(job.anchor) =>
        {
            Due::Nothing
        }
        JobKind::VerifyRemind => Due::RemindToVerify,
        JobKind::VerifyAsk => Due::AskToVerify,
        _ if !order.state.is_active() => Due::Nothing, // resolved, closed or cancelled
        JobKind::Remind => {
            // A reminder after its deadline (the bot was down) would only be noise: the
            // deadline's own job escalates.
            if overdue_parties(order, job.anchor).is_empty() || job.anchor <= now {
                Due::Nothing
            } else {
                Due::Remind
            }
        }
        // Deadlines that fall together are one missed moment: one level up, not two.
        JobKind::Ack | JobKind::Resolve
            if history
                .iter()
                .any(|e| matches!(e.kind, EventKind::Escalated { .. }) && e.at >= job.due) =>
        {
            Due::Nothing
        }
        JobKind::Ack => {
            let missed = overdue_parties(order, job.anchor);
            if missed.is_empty() {
                return Due::Nothing;
            }
            Due::Escalate(EscalationReason::NotReported {
                parties: missed
                    .iter()
                    .map(|i| order.parties[*i].target.clone())
                    .collect(),
            })
        }
        JobKind::Resolve if order.resolve_due != job.anchor => Due::Nothing, // the deadline moved
        JobKind::Resolve => Due::Escalate(EscalationReason::NotResolved),
    }
}

/// The event and the message of asking `people` to verify the order.
fn asked_to_verify(
    order: &WhistleOrder,
    people: Vec<TelegramUserId>,
    now: DateTime<Utc>,
    out: Outgoing,
) -> (Vec<Event>, Vec<Outgoing>) {
    let event = Event {
        order: order.id,
        at: now,
        actor: None,
        kind: EventKind::VerifyReminded { people },
    };
    (vec![event], vec![out])
}

/// The events and messages of a reminder, an escalation or a request to verify; None when
/// there is nothing to do (or no chat to say it in).
async fn consequences(
    ctx: &Ctx,
    org: &Organisation,
    order: &mut WhistleOrder,
    history: &[Event],
    job: &DueJob,
) -> Result<Option<(Vec<Event>, Vec<Outgoing>)>> {
    let now = ctx.now();
    match decide(order, history, job, now) {
        Due::Nothing => Ok(None),
        Due::Remind => {
            let events = overdue_parties(order, job.anchor)
                .iter()
                .map(|i| Event {
                    order: order.id,
                    at: now,
                    actor: None,
                    kind: EventKind::Reminded {
                        target: order.parties[*i].target.clone(),
                    },
                })
                .collect();
            let out = notices::reminders(ctx, org, order, job.anchor).await?;
            Ok(Some((events, out)))
        }
        Due::RemindToVerify => {
            let out = notices::verify_reminder(ctx, org, order, job.anchor).await?;
            Ok(out.map(|out| {
                asked_to_verify(
                    order,
                    order.whistler.member().into_iter().collect(),
                    now,
                    out,
                )
            }))
        }
        Due::AskToVerify => {
            let Some((unit, people)) = verify_askees(org, order) else {
                return Ok(None); // nobody in the tree or among the admins to ask
            };
            let out = notices::verify_ask(ctx, org, order, job.anchor, (unit, &people)).await?;
            Ok(out.map(|out| asked_to_verify(order, people, now, out)))
        }
        Due::Escalate(why) => match escalation::escalate(org, order, None, why.clone(), now) {
            Ok(events) => {
                let mut h = history.to_vec();
                h.extend(events.iter().cloned());
                let out = match notices::escalation_chat(ctx, org, order, order.level).await? {
                    Some(chat) => notices::escalation_notice(org, order, &h, &why, chat, now)
                        .into_iter()
                        .collect(),
                    None => vec![],
                };
                Ok(Some((events, out)))
            }
            Err(TransitionError::AtTopLevel) => Ok(None), // nowhere higher to go
            Err(e) => {
                tracing::warn!(order = order.id.0, error = %e, "escalation refused");
                Ok(None)
            }
        },
    }
}

/// Works one claimed job: a reminder or an escalation, saved with the job marked done.
pub async fn on_due(ctx: &Ctx, job: &DueJob) -> Result<()> {
    for _ in 0..super::CONFLICT_RETRIES {
        let now = ctx.now();
        let org = ctx.store.load_org().await?;
        let Some(read) = ctx.store.order(job.order).await? else {
            ctx.store.finish_job(job.id, now).await?;
            return Ok(());
        };
        let mut order = read.order.clone();
        let mut history = ctx.store.events(order.id).await?;
        let Some((events, extra)) = consequences(ctx, &org, &mut order, &history, job).await?
        else {
            ctx.store.finish_job(job.id, now).await?;
            return Ok(());
        };
        history.extend(events.iter().cloned());
        let saved = super::save_change(
            ctx,
            &org,
            &read,
            &order,
            &history,
            &events,
            extra,
            Some(job.id),
        )
        .await;
        match saved {
            Ok(()) => {
                for e in &events {
                    match e.kind {
                        EventKind::Escalated { .. } => {
                            crate::metrics::escalation(order.level.as_str())
                        }
                        EventKind::Reminded { .. } => crate::metrics::reminder("report"),
                        EventKind::VerifyReminded { .. } => crate::metrics::reminder("verify"),
                        _ => {}
                    }
                }
                tracing::info!(
                    order = order.id.0,
                    job = job.kind.as_str(),
                    level = order.level.as_str(),
                    "deadline acted on"
                );
                return Ok(());
            }
            // Someone changed the order, or another scheduler did this job: look again.
            Err(StoreError::Conflict) => {
                if !ctx.store.job_pending(job.id).await? {
                    return Ok(());
                }
                continue;
            }
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Conflict)
}
