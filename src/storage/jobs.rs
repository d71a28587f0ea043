//! Scheduler jobs: the due moments of active orders, kept in step with each order as it is
//! saved, claimed by one scheduler at a time, and done exactly once.

use chrono::{DateTime, Utc};
use sqlx::Any;

use super::{col, from_ms, ms, time, Backend, Result, Store};
use crate::domain::escalation::{Job, JobKind};
use crate::domain::{JobId, OrderId};

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueJob {
    pub id: JobId,
    pub order: OrderId,
    pub kind: JobKind,
    pub anchor: DateTime<Utc>,
    pub due: DateTime<Utc>,
}

/// Makes the order's pending jobs exactly `jobs`: stale pending ones go, new ones come, done
/// ones stay done (so a deadline is never acted on twice).
pub(crate) async fn sync_jobs(
    tx: &mut sqlx::Transaction<'_, Any>,
    order: OrderId,
    jobs: &[Job],
) -> Result<()> {
    let existing =
        sqlx::query("SELECT id, kind, anchor FROM jobs WHERE order_id = $1 AND done_at IS NULL")
            .bind(order.0)
            .fetch_all(&mut **tx)
            .await?;
    for r in existing {
        let kind: String = col(&r, "kind")?;
        let anchor: i64 = col(&r, "anchor")?;
        let wanted = jobs
            .iter()
            .any(|j| j.kind.as_str() == kind && ms(j.anchor) == anchor);
        if !wanted {
            sqlx::query("DELETE FROM jobs WHERE id = $1")
                .bind(col::<i64>(&r, "id")?)
                .execute(&mut **tx)
                .await?;
        }
    }
    for j in jobs {
        sqlx::query(
            "INSERT INTO jobs (order_id, kind, anchor, due_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (order_id, kind, anchor) DO NOTHING",
        )
        .bind(order.0)
        .bind(j.kind.as_str())
        .bind(ms(j.anchor))
        .bind(ms(j.due))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Marks a job done inside a transaction; false when another scheduler did it first.
pub(crate) async fn finish_in(
    tx: &mut sqlx::Transaction<'_, Any>,
    job: JobId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query("UPDATE jobs SET done_at = $1 WHERE id = $2 AND done_at IS NULL")
        .bind(ms(now))
        .bind(job.0)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

impl Store {
    /// Claims due jobs for `lease_ms`: two schedulers never hold the same job.
    pub async fn claim_jobs(
        &self,
        now: DateTime<Utc>,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<DueJob>> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET claimed_until = $1
             WHERE id IN (SELECT id FROM jobs WHERE done_at IS NULL AND due_at <= $2 AND claimed_until <= $2
                          ORDER BY due_at, id LIMIT $3 {lock})
               AND done_at IS NULL AND claimed_until <= $2
             RETURNING id, order_id, kind, anchor, due_at"
        );
        let mut jobs = Vec::new();
        for r in sqlx::query(&sql)
            .bind(ms(now) + lease_ms)
            .bind(ms(now))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
        {
            let kind: String = col(&r, "kind")?;
            let Some(kind) = JobKind::parse(&kind) else {
                continue;
            };
            jobs.push(DueJob {
                id: JobId(col(&r, "id")?),
                order: OrderId(col(&r, "order_id")?),
                kind,
                anchor: time(&r, "anchor")?,
                due: time(&r, "due_at")?,
            });
        }
        jobs.sort_by_key(|j| (j.due, j.id));
        Ok(jobs)
    }

    /// A job that needs no action (its order moved on): done.
    pub async fn finish_job(&self, job: JobId, now: DateTime<Utc>) -> Result<bool> {
        let (_turn, mut tx) = self.begin().await?;
        let ok = finish_in(&mut tx, job, now).await?;
        tx.commit().await?;
        Ok(ok)
    }

    /// Whether a job still waits to be done.
    pub async fn job_pending(&self, job: JobId) -> Result<bool> {
        let r = sqlx::query("SELECT COUNT(*) AS n FROM jobs WHERE id = $1 AND done_at IS NULL")
            .bind(job.0)
            .fetch_one(&self.pool)
            .await?;
        Ok(col::<i64>(&r, "n")? > 0)
    }

    /// The next moment a job falls due, for the scheduler to sleep until.
    pub async fn next_job_due(&self) -> Result<Option<DateTime<Utc>>> {
        // A claimed job is due again only when its lease runs out.
        let r = sqlx::query(
            "SELECT MIN(CASE WHEN claimed_until > due_at THEN claimed_until ELSE due_at END) AS due
             FROM jobs WHERE done_at IS NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        col::<Option<i64>>(&r, "due")?.map(from_ms).transpose()
    }

    /// Pending jobs of an order (for tests and /show).
    pub async fn pending_jobs(&self, order: OrderId) -> Result<Vec<(JobKind, DateTime<Utc>)>> {
        let mut out = Vec::new();
        for r in sqlx::query("SELECT kind, due_at FROM jobs WHERE order_id = $1 AND done_at IS NULL ORDER BY due_at, id")
            .bind(order.0)
            .fetch_all(&self.pool)
            .await?
        {
            if let Some(k) = JobKind::parse(&col::<String>(&r, "kind")?) {
                out.push((k, time(&r, "due_at")?));
            }
        }
        Ok(out)
    }
}
