//! Storage: the only module that writes SQL. One `Store` serves SQLite (the embedded default)
//! and PostgreSQL, picked from the URL's scheme at run time; it returns domain types, never rows.
//!
//! Both backends run the same SQL text (`$1` placeholders, `ON CONFLICT`, `RETURNING`), through
//! sqlx's `Any` driver; where the dialects differ (claiming work), `Backend` chooses. Times are
//! UTC unix milliseconds. Every change to an order is written with its audit events and the
//! messages it causes in one transaction, guarded by the order's version so that two people
//! pressing at once cannot overwrite each other.

mod backup;
mod export;
mod history;
mod inbox;
mod jobs;
mod messages;
mod ops;
mod orders;
mod org;
mod outbox;
mod pacing;
mod people;
mod residents;
mod retention;
mod seed;
mod stats;

use crate::domain::ChatId;
use chrono::{DateTime, TimeZone, Utc};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

pub use crate::render::Button;
pub use export::BulkOrder;
pub use history::{drop_postgres_database, fresh_postgres_database, Trace};
pub use inbox::Claimed;
pub use jobs::DueJob;
pub use messages::SentMessage;
pub use ops::OutboxClass;
pub use orders::{Commit, NewOrder, OrderPage, StoredOrder};
pub use org::{ChatBinding, ImportReport};
pub use outbox::{
    album_size, Keyboard, OutboxRow, Outgoing, Payload, Priority, Throttle, ALBUM_MAX,
};
pub use pacing::{must_pass, Slot, SlotLimits};
pub use residents::{Forgotten, Resident, StoredDialogue};
pub use retention::Pruned;

/// Which database a `Store` talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL (use sqlite:// or postgres://)")]
    UnsupportedUrl,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    #[error("the order changed meanwhile; try again")]
    Conflict,
    #[error("this update was processed already")]
    AlreadyProcessed,
}

/// The update a task is processing, and whether this run has marked it yet.
struct Processing {
    update: i64,
    marked: std::cell::Cell<bool>,
}

tokio::task_local! {
    /// The Telegram update being processed by this task, if any. The first transaction of a
    /// run that writes messages marks it processed in the same commit, so a crash between a
    /// state change and the mark cannot make a replayed update act twice.
    static PROCESSING: Processing;
}

/// Runs `f` as the processing of update `update_id` (see `PROCESSING`).
pub async fn processing<F: std::future::Future>(update_id: i64, f: F) -> F::Output {
    let p = Processing {
        update: update_id,
        marked: std::cell::Cell::new(false),
    };
    PROCESSING.scope(p, f).await
}

/// Marks the update this task processes as done, inside `tx`; `AlreadyProcessed` when a
/// previous run of it got that far (the transaction must then be rolled back).
pub(crate) async fn mark_processing_done(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    now: DateTime<Utc>,
) -> Result<()> {
    let Ok((update, marked)) = PROCESSING.try_with(|p| (p.update, p.marked.get())) else {
        return Ok(());
    };
    if marked {
        return Ok(()); // a later transaction of the same run
    }
    let done = sqlx::query(
        "UPDATE updates SET processed_at = $1 WHERE update_id = $2 AND processed_at IS NULL",
    )
    .bind(ms(now))
    .bind(update)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 1 {
        let _ = PROCESSING.try_with(|p| p.marked.set(true));
        Ok(())
    } else {
        // Either processed before (replay after a crash) or not recorded at all (no row): only
        // the first is a refusal.
        let seen = sqlx::query("SELECT COUNT(*) AS n FROM updates WHERE update_id = $1")
            .bind(update)
            .fetch_one(&mut **tx)
            .await?;
        if col::<i64>(&seen, "n")? > 0 {
            Err(StoreError::AlreadyProcessed)
        } else {
            Ok(())
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The organisation last loaded and the version it was loaded at, shared by a store's clones.
type OrgCache = std::sync::Arc<
    std::sync::Mutex<Option<(i64, std::sync::Arc<crate::domain::org::Organisation>)>>,
>;

/// The database behind the bot.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The organisation as last loaded, with the version (`counters.org`) it was loaded at:
    /// reloaded only when a write changed it (in this process or another).
    org_cache: OrgCache,
    /// On SQLite, the process's writers take turns here before `BEGIN IMMEDIATE`: waiting on
    /// this lock wakes the next writer the moment the last commits, where SQLite's busy handler
    /// would sleep in steps of up to 100 ms (the tail of every latency under concurrency).
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// A writer's turn (see `Store::writer`); kept until the transaction is over.
pub(crate) type Turn = Option<tokio::sync::OwnedMutexGuard<()>>;

/// Chat and message ids are stored as BIGINT: they bind and read back as their numbers.
macro_rules! int_column {
    ($($t:ty),*) => {$(
        impl sqlx::Type<sqlx::Any> for $t {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <i64 as sqlx::Type<sqlx::Any>>::type_info()
            }
            fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
                <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
            }
        }
        impl<'q> sqlx::Encode<'q, sqlx::Any> for $t {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> std::result::Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <i64 as sqlx::Encode<'q, sqlx::Any>>::encode_by_ref(&self.0, buf)
            }
        }
        impl<'r> sqlx::Decode<'r, sqlx::Any> for $t {
            fn decode(
                value: <sqlx::Any as sqlx::Database>::ValueRef<'r>,
            ) -> std::result::Result<Self, sqlx::error::BoxDynError> {
                Ok(Self(<i64 as sqlx::Decode<'r, sqlx::Any>>::decode(value)?))
            }
        }
    )*};
}
int_column!(crate::domain::ChatId, crate::domain::MessageId);

/// Unix milliseconds of a UTC time.
pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The UTC time of stored unix milliseconds; a value no time can have is corrupt data, not 1970.
pub(crate) fn from_ms(v: i64) -> Result<DateTime<Utc>> {
    Utc.timestamp_millis_opt(v)
        .single()
        .ok_or_else(|| StoreError::Corrupt(format!("time out of range: {v} ms")))
}

/// A time column.
pub(crate) fn time(row: &AnyRow, name: &str) -> Result<DateTime<Utc>> {
    from_ms(col(row, name)?)
}

pub(crate) fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("domain types always serialize")
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    // The error names where, never the stored text: it may be a resident's words.
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("unreadable JSON: {e}")))
}

pub(crate) fn col<'r, T>(row: &'r AnyRow, name: &str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    Ok(row.try_get(name)?)
}

impl Store {
    /// Connects to `url` (`sqlite://path`, created if missing, or `postgres://…`) and brings
    /// the schema up to date.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if url.starts_with("sqlite:") {
            let url = if url.contains("mode=") {
                url.to_string()
            } else if url.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            (Backend::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        // One plain connection first: an unreachable server fails at once, not after the
        // pool's acquire timeout.
        {
            use sqlx::Connection;
            let probe = sqlx::AnyConnection::connect(&url).await?;
            probe.close().await?;
        }
        let pool = AnyPoolOptions::new()
            .acquire_timeout(std::time::Duration::from_secs(10))
            // Sized to the concurrency: 16 chats worked at once, the sender's deliveries
            // recording their outcome, the scheduler. SQLite has one writer at a time anyway
            // (`BEGIN IMMEDIATE` waits its turn); its readers go on beside it under WAL.
            // PostgreSQL's connections are a server-wide budget (100 by default) shared by every
            // replica and tool: 16 each, returned after a minute idle.
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .idle_timeout(std::time::Duration::from_secs(60))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers go on while the sender writes; the busy timeout makes
                        // concurrent writers wait instead of failing.
                        sqlx::query("PRAGMA journal_mode = WAL")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA busy_timeout = 5000")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA synchronous = NORMAL")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        let store = Store {
            pool,
            backend,
            org_cache: Default::default(),
            writer: Default::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies the migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    // ---- updates from Telegram -------------------------------------------------------------

    /// Records an update of `chat` before its offset is confirmed (`barrier`: for a group's
    /// move to a supergroup, the other chat, whose later updates wait for this one). Returns
    /// false when it was seen before.
    pub async fn record_update(
        &self,
        update_id: i64,
        chat: ChatId,
        barrier: Option<ChatId>,
        payload: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO updates (update_id, chat_id, barrier, payload, received_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (update_id) DO NOTHING",
        )
        .bind(update_id)
        .bind(chat)
        .bind(barrier.map(|b| b.0))
        .bind(payload)
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn mark_update_processed(&self, update_id: i64, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE updates SET processed_at = $1 WHERE update_id = $2")
            .bind(ms(now))
            .bind(update_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many updates have been processed, for waiting on the bot in tests and the demo.
    pub async fn processed_update_count(&self) -> Result<i64> {
        let r = sqlx::query("SELECT COUNT(*) AS n FROM updates WHERE processed_at IS NOT NULL")
            .fetch_one(&self.pool)
            .await?;
        col(&r, "n")
    }

    /// Begins a transaction that will write: on SQLite `BEGIN IMMEDIATE`, which takes the write
    /// lock at once, so that a transaction that reads before it writes cannot fail with "database
    /// is locked" when another connection wrote meanwhile (WAL cannot upgrade a stale reader); the
    /// busy timeout makes it wait its turn instead.
    ///
    /// Returns the writer's turn with the transaction: keep it until the transaction ends.
    pub(crate) async fn begin(&self) -> Result<(Turn, sqlx::Transaction<'static, sqlx::Any>)> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let turn = self.writer.clone().lock_owned().await;
                (Some(turn), self.pool.begin_with("BEGIN IMMEDIATE").await?)
            }
            Backend::Postgres => (None, self.pool.begin().await?),
        })
    }

    /// Updates recorded but not processed (a crash between the two), oldest first.
    pub async fn unprocessed_updates(&self) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query(
            "SELECT update_id, payload FROM updates WHERE processed_at IS NULL ORDER BY update_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((col(r, "update_id")?, col(r, "payload")?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_through_milliseconds() {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 9, 30, 0).unwrap();
        assert_eq!(from_ms(ms(t)).unwrap(), t);
        assert!(matches!(from_ms(i64::MAX), Err(StoreError::Corrupt(_))));
    }
}
