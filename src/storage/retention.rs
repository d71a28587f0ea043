//! Retention: what is removed once it is no longer needed (`[retention]`, a privacy default).
//! Processed updates lose their payload and, after a few days, their row (the id refuses a
//! replay until then); sent and dropped outbox rows go after a month (who owns a message and
//! the buttons it shows are in `messages`, which is kept); done jobs of closed and cancelled
//! orders go; people learned from the chats who hold no place in the organisation or in a
//! kept record are forgotten after `people_days`. Events, the audit log, are never removed.

use chrono::{DateTime, Duration, Utc};

use super::{ms, Result, Store};
use crate::domain::org::{JobRetention, PayloadRetention, Retention};

/// How many rows one `prune` changed, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Payloads of processed updates blanked.
    pub payloads: u64,
    /// Processed update rows deleted.
    pub updates: u64,
    /// Sent and dropped outbox rows deleted.
    pub outbox: u64,
    /// Done jobs of closed and cancelled orders deleted.
    pub jobs: u64,
    /// People forgotten.
    pub people: u64,
}

impl Pruned {
    /// Whether nothing was removed.
    pub fn is_empty(&self) -> bool {
        *self == Pruned::default()
    }
}

/// Those whose `people` row is kept whatever its age: on a roster, an admin, the actor of a
/// kept event, whistler of an order, reporter of a party, asker of a question or blocker of a
/// resident (their names are shown on timelines), and residents with a report still open or
/// followed.
const KEPT_PEOPLE: &str = "
    telegram_id NOT IN (SELECT telegram_id FROM memberships)
    AND telegram_id NOT IN (SELECT telegram_id FROM admins)
    AND telegram_id NOT IN (SELECT actor_id FROM events WHERE actor_id IS NOT NULL)
    AND telegram_id NOT IN (SELECT whistler_id FROM orders)
    AND telegram_id NOT IN (SELECT reported_by FROM parties WHERE reported_by IS NOT NULL)
    AND telegram_id NOT IN (SELECT asked_by FROM questions)
    AND telegram_id NOT IN (SELECT blocked_by FROM resident_blocks)
    AND telegram_id NOT IN (
        SELECT r.telegram_id FROM residents r
        WHERE r.telegram_id IS NOT NULL AND (
            EXISTS (SELECT 1 FROM orders o WHERE o.resident_no = r.no
                    AND o.state IN ('open', 'reported', 'resolved'))
            OR EXISTS (SELECT 1 FROM followers f JOIN orders o ON o.id = f.order_id
                       WHERE f.resident_no = r.no AND o.state IN ('open', 'reported', 'resolved'))))";

fn days_before(now: DateTime<Utc>, days: u32) -> i64 {
    ms(now - Duration::days(i64::from(days)))
}

impl Store {
    /// Removes what `r` says is no longer kept, as of `now`. Each kind in its own transaction
    /// (old update rows go before the payloads of those left are blanked); running it again at
    /// once removes nothing more.
    pub async fn prune(&self, now: DateTime<Utc>, r: &Retention) -> Result<Pruned> {
        let updates = self
            .prune_step(
                "DELETE FROM updates WHERE processed_at IS NOT NULL AND processed_at < $1",
                Some(days_before(now, r.update_ids_days)),
            )
            .await?;
        let payloads = match r.update_payload {
            PayloadRetention::Processed => {
                self.prune_step(
                    "UPDATE updates SET payload = ''
                     WHERE processed_at IS NOT NULL AND payload <> ''",
                    None,
                )
                .await?
            }
            PayloadRetention::Kept => 0,
        };
        let outbox = self
            .prune_step(
                "DELETE FROM outbox WHERE status IN ('sent', 'dropped') AND created_at < $1",
                Some(days_before(now, r.sent_outbox_days)),
            )
            .await?;
        // A closed order reopened gets a new resolve deadline after its reopening, so no job it
        // will have is one of those deleted here.
        let jobs = match r.done_jobs {
            JobRetention::Closed => {
                self.prune_step(
                    "DELETE FROM jobs WHERE done_at IS NOT NULL AND order_id IN
                        (SELECT id FROM orders WHERE state IN ('closed', 'cancelled'))",
                    None,
                )
                .await?
            }
            JobRetention::Kept => 0,
        };
        // A person's row is dated when prune first sees it; learning it again (their next
        // message) makes a new one.
        let (_turn, mut tx) = self.begin().await?;
        sqlx::query("UPDATE people SET seen_at = $1 WHERE seen_at IS NULL")
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        let people = sqlx::query(&format!(
            "DELETE FROM people WHERE seen_at < $1 AND {KEPT_PEOPLE}"
        ))
        .bind(days_before(now, r.people_days))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(Pruned {
            payloads,
            updates,
            outbox,
            jobs,
            people,
        })
    }

    /// One statement of `prune` in its own transaction, with the cutoff (unix ms) as `$1`.
    async fn prune_step(&self, sql: &str, cutoff: Option<i64>) -> Result<u64> {
        let (_turn, mut tx) = self.begin().await?;
        let mut q = sqlx::query(sql);
        if let Some(c) = cutoff {
            q = q.bind(c);
        }
        let n = q.execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(n)
    }
}
