//! What operations read: a cheap probe that the database answers, the grouped counts the
//! `/metrics` gauges show, and the webhook's secret (made once, shared by replicas).

use chrono::{DateTime, Utc};

use super::{col, ms, Result, Store, StoreError};

/// The pending messages of one priority class and the age of the oldest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxClass {
    pub priority: i64,
    pub depth: i64,
    pub oldest_ms: i64,
}

const SECRET_KEY: &str = "webhook_secret";

impl Store {
    /// The database answers (`SELECT 1`).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1 AS one").fetch_one(&self.pool).await?;
        Ok(())
    }

    /// How many orders are in each (state, level).
    pub async fn orders_by_state_level(&self) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query(
            "SELECT state, level, CAST(COUNT(*) AS BIGINT) AS n FROM orders GROUP BY state, level",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((col(r, "state")?, col(r, "level")?, col(r, "n")?)))
            .collect()
    }

    /// The outbox's pending messages per priority class, with the age at `now` of the oldest.
    pub async fn outbox_by_priority(&self, now: DateTime<Utc>) -> Result<Vec<OutboxClass>> {
        let rows = sqlx::query(
            "SELECT priority, CAST(COUNT(*) AS BIGINT) AS n,
                    CAST(MIN(created_at) AS BIGINT) AS oldest
             FROM outbox WHERE status = 'pending' GROUP BY priority ORDER BY priority",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let oldest: i64 = col(r, "oldest")?;
                Ok(OutboxClass {
                    priority: col(r, "priority")?,
                    depth: col(r, "n")?,
                    oldest_ms: (ms(now) - oldest).max(0),
                })
            })
            .collect()
    }

    /// The webhook's secret token: made on first use (`make` gives it) and kept in `settings`,
    /// so that every replica answers Telegram with the same one; whoever stores first wins.
    pub async fn webhook_secret(&self, make: impl FnOnce() -> String) -> Result<String> {
        let read = |pool| async move {
            sqlx::query("SELECT value FROM settings WHERE key = $1")
                .bind(SECRET_KEY)
                .fetch_optional(pool)
                .await
        };
        if let Some(r) = read(&self.pool).await? {
            return col(&r, "value");
        }
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(SECRET_KEY)
        .bind(make())
        .execute(&self.pool)
        .await?;
        match read(&self.pool).await? {
            Some(r) => col(&r, "value"),
            None => Err(StoreError::Corrupt("webhook secret not kept".into())),
        }
    }
}
