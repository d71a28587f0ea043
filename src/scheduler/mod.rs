//! The scheduler: reminders before report deadlines, and escalation one level up the tree when
//! a summoned party misses its report deadline or the order misses its resolve deadline.
//!
//! Everything it needs is in the database (the `jobs` table, kept in step with each order as it
//! is saved), so it survives restarts; it sleeps until the next due moment or until told that
//! something changed, never polling every row. A job is claimed before it is worked on and
//! marked done in the same transaction as its consequences, so two bot processes on one
//! PostgreSQL database act on each deadline exactly once. It never talks to Telegram and decides
//! nothing itself: it claims jobs and calls the deadline acts (`acts::deadlines`), whose messages
//! go into the outbox like everything else.
//!
//! About once an hour (wall time) it also prunes what `[retention]` no longer keeps
//! (`Store::prune`); `prune` does the same at once, for a test or `gridwhistle prune`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::{watch, Notify};

use crate::acts::{deadlines, Ctx};
use crate::storage::{Pruned, Result, Store};

/// How long a claimed job is ours.
const LEASE_MS: i64 = 60_000;
/// How many jobs one pass takes at most.
const BATCH: i64 = 64;
/// How often the loop prunes (wall time).
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Removes what the organisation's `[retention]` no longer keeps, as of the clock's now.
pub async fn prune(ctx: &Ctx) -> Result<Pruned> {
    prune_at(&ctx.store, ctx.now()).await
}

/// Removes what the organisation's `[retention]` no longer keeps, as of `now`.
pub async fn prune_at(store: &Store, now: DateTime<Utc>) -> Result<Pruned> {
    let retention = store.load_org().await?.policy.retention;
    store.prune(now, &retention).await
}

/// Acts on every job due at the clock's now. Returns how many were worked.
pub async fn tick(ctx: &Ctx) -> Result<usize> {
    let mut done = 0;
    loop {
        let jobs = ctx.store.claim_jobs(ctx.now(), LEASE_MS, BATCH).await?;
        if jobs.is_empty() {
            return Ok(done);
        }
        for job in &jobs {
            let lag = (ctx.now() - job.due).to_std().unwrap_or_default();
            crate::metrics::scheduler_lag(lag);
            if let Err(e) = deadlines::on_due(ctx, job).await {
                tracing::error!(job = job.id.0, order = job.order.0, error = %e, "job failed; it will be retried after its lease");
            }
            done += 1;
        }
    }
}

/// Runs until `stop`: prunes when an hour has passed since it last did, works what is due, then
/// sleeps until the next due moment (at most a minute, in case the clock jumped) or until
/// `changed` is notified.
pub async fn run(ctx: Ctx, changed: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    let mut pruned_at: Option<Instant> = None;
    loop {
        crate::metrics::heartbeat();
        if *stop.borrow() {
            return;
        }
        if pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            pruned_at = Some(Instant::now());
            match prune(&ctx).await {
                Ok(p) if !p.is_empty() => tracing::info!(
                    payloads = p.payloads,
                    updates = p.updates,
                    outbox = p.outbox,
                    jobs = p.jobs,
                    people = p.people,
                    "pruned"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "pruning failed; tried again in an hour"),
            }
        }
        if let Err(e) = tick(&ctx).await {
            tracing::error!(error = %e, "scheduler pass failed");
        }
        let wait = match ctx.store.next_job_due().await {
            Ok(Some(due)) => (due - ctx.now()).num_milliseconds().clamp(0, 60_000),
            _ => 60_000,
        };
        tokio::select! {
            _ = changed.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(wait as u64)) => {}
            _ = stop.changed() => {}
        }
    }
}
