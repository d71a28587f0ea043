//! History in bulk, for the scale benchmark: what a closed order leaves behind besides its row
//! and parties (`insert_bulk`): its created and verified events, its card in the grid's chat as
//! sent (cards row and sent outbox row), and its done resolve job. Many rows a statement, in one
//! transaction per call.

use chrono::{DateTime, Utc};

use super::{json, ms, Result, Store};
use crate::domain::escalation::JobKind;
use crate::domain::{ChatId, EventKind, OrderId};

/// One closed order's trace: its number, its grid's chat, when it was whistled and the card's
/// message id there.
#[derive(Debug, Clone, Copy)]
pub struct Trace {
    pub order: OrderId,
    pub chat: ChatId,
    pub at: DateTime<Utc>,
    pub message_id: i64,
}

/// Rows a statement: well under both backends' limits on bound parameters.
const ROWS: usize = 500;

fn values(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let marks: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", marks.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Writes the trace of each closed order in `traces` (see the module's note).
    pub async fn insert_history(&self, traces: &[Trace]) -> Result<()> {
        let (_turn, mut tx) = self.begin().await?;
        let created = json(&EventKind::Created);
        let verified = json(&EventKind::Verified);
        for chunk in traces.chunks(ROWS) {
            let sql = format!(
                "INSERT INTO events (order_id, at, actor_id, kind, detail) VALUES {}",
                values(chunk.len() * 2, 5)
            );
            let mut q = sqlx::query(&sql);
            for t in chunk {
                q = q
                    .bind(t.order.0)
                    .bind(ms(t.at))
                    .bind(1001_i64)
                    .bind(EventKind::Created.name())
                    .bind(created.clone())
                    .bind(t.order.0)
                    .bind(ms(t.at) + 3_600_000)
                    .bind(1001_i64)
                    .bind(EventKind::Verified.name())
                    .bind(verified.clone());
            }
            q.execute(&mut *tx).await?;
            let sql = format!(
                "INSERT INTO cards (order_id, chat_id, message_id) VALUES {}",
                values(chunk.len(), 3)
            );
            let mut q = sqlx::query(&sql);
            for t in chunk {
                q = q.bind(t.order.0).bind(t.chat).bind(t.message_id);
            }
            q.execute(&mut *tx).await?;
            let sql = format!(
                "INSERT INTO outbox (chat_id, order_id, payload, created_at, status, attempts,
                     message_id, kind, priority)
                 VALUES {}",
                values(chunk.len(), 9)
            );
            let mut q = sqlx::query(&sql);
            for t in chunk {
                let payload = super::Payload::Send {
                    html: format!("🔔 哨令 #{}", t.order.0),
                    buttons: Vec::new(),
                    card: Some(t.order),
                    reply_to_card: None,
                    reply_to: None,
                    keyboard: None,
                };
                q = q
                    .bind(t.chat)
                    .bind(t.order.0)
                    .bind(json(&payload))
                    .bind(ms(t.at))
                    .bind("sent")
                    .bind(1_i64)
                    .bind(t.message_id)
                    .bind("card")
                    .bind(0_i64);
            }
            q.execute(&mut *tx).await?;
            let sql = format!(
                "INSERT INTO jobs (order_id, kind, anchor, due_at, done_at) VALUES {}",
                values(chunk.len(), 5)
            );
            let mut q = sqlx::query(&sql);
            for t in chunk {
                q = q
                    .bind(t.order.0)
                    .bind(JobKind::Resolve.as_str())
                    .bind(ms(t.at))
                    .bind(ms(t.at) + 86_400_000)
                    .bind(ms(t.at) + 3_600_000);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Refreshes the planner's statistics, as autovacuum (PostgreSQL) or a periodic `ANALYZE`
    /// would after a bulk load: without them a freshly seeded database is planned blind.
    pub async fn analyze(&self) -> Result<()> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    /// The database's size on disk in bytes (SQLite: pages in use; PostgreSQL: the database).
    pub async fn database_bytes(&self) -> Result<i64> {
        let sql = match self.backend {
            super::Backend::Sqlite => {
                "SELECT CAST(page_count * page_size AS BIGINT) AS n
                 FROM pragma_page_count(), pragma_page_size()"
            }
            super::Backend::Postgres => {
                "SELECT CAST(pg_database_size(current_database()) AS BIGINT) AS n"
            }
        };
        let r = sqlx::query(sql).fetch_one(&self.pool).await?;
        super::col(&r, "n")
    }

    /// The query plans of the queries every update, press or sweep runs, in the database's own
    /// words (`EXPLAIN QUERY PLAN` / `EXPLAIN`), with sample arguments.
    pub async fn explain_hot_queries(&self) -> Result<Vec<(String, String)>> {
        let explain = match self.backend {
            super::Backend::Sqlite => "EXPLAIN QUERY PLAN",
            super::Backend::Postgres => "EXPLAIN",
        };
        let queries: [(&str, &str); 8] = [
            (
                "a grid's /list page (orders of its subtree)",
                "SELECT o.id FROM orders o WHERE o.unit_id IN ('g1')
                   AND o.state IN ('open', 'reported', 'resolved') ORDER BY o.id DESC LIMIT 30",
            ),
            (
                "orders summoning a unit (parties by target)",
                "SELECT order_id FROM parties WHERE target_kind = 'role' AND target_id = 'g1'",
            ),
            ("/show: one order", "SELECT id, state FROM orders WHERE id = 1000"),
            (
                "a button press: whose message",
                "SELECT COUNT(*) FROM outbox WHERE chat_id = -1002000000001 AND message_id = 1000",
            ),
            (
                "learning a person by username",
                "SELECT telegram_id FROM people WHERE lower(username) = lower('someone')",
            ),
            (
                "the next update of a chat",
                "SELECT update_id FROM updates WHERE chat_id = -1002000000001
                   AND processed_at IS NULL ORDER BY update_id LIMIT 1",
            ),
            (
                "due jobs",
                "SELECT id FROM jobs WHERE done_at IS NULL AND due_at <= 0 ORDER BY due_at LIMIT 64",
            ),
            (
                "the outbox heads",
                "SELECT id FROM outbox WHERE status = 'pending' ORDER BY priority, id LIMIT 16",
            ),
        ];
        let mut out = Vec::new();
        for (name, sql) in queries {
            let rows = sqlx::query(&format!("{explain} {sql}"))
                .fetch_all(&self.pool)
                .await?;
            let lines: Vec<String> = rows
                .iter()
                .map(|r| {
                    // SQLite: (id, parent, notused, detail); PostgreSQL: one text column.
                    let n = sqlx::Row::columns(r).len();
                    sqlx::Row::try_get::<String, _>(r, n - 1).unwrap_or_default()
                })
                .collect();
            out.push((name.to_string(), lines.join("\n")));
        }
        Ok(out)
    }
}

/// Creates (or empties) database `name` on the PostgreSQL server of `url` and returns its URL:
/// each benchmark column starts from nothing.
pub async fn fresh_postgres_database(url: &str, name: &str) -> Result<String> {
    use sqlx::Connection;
    drop_postgres_database(url, name).await?;
    let mut admin = sqlx::AnyConnection::connect(url).await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    let base = match url.rfind('/') {
        Some(i) if i > "postgres://".len() => &url[..i],
        _ => url,
    };
    let query = url.find('?').map(|i| &url[i..]).unwrap_or("");
    Ok(format!("{base}/{name}{query}"))
}

/// Drops database `name` on the PostgreSQL server of `url` (a benchmark's, when it is done).
pub async fn drop_postgres_database(url: &str, name: &str) -> Result<()> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(url).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    Ok(())
}
