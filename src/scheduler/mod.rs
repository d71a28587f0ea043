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

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};

use crate::acts::{deadlines, Ctx};
use crate::storage::Result;

/// How long a claimed job is ours.
const LEASE_MS: i64 = 60_000;
/// How many jobs one pass takes at most.
const BATCH: i64 = 64;

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

/// Runs until `stop`: works what is due, then sleeps until the next due moment (at most a
/// minute, in case the clock jumped) or until `changed` is notified.
pub async fn run(ctx: Ctx, changed: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    loop {
        crate::metrics::heartbeat();
        if *stop.borrow() {
            return;
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
