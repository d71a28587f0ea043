//! Test databases: a fresh SQLite file per test, and a fresh PostgreSQL database per test when
//! `TEST_DATABASE_URL` is set. Without it the PostgreSQL tests say loudly that they skipped.

use std::sync::atomic::{AtomicU64, Ordering};

use gridwhistle::storage::Store;

pub struct TestDb {
    pub store: Store,
    #[allow(dead_code)] // kept for tests that start a second process on the same database
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = Store::connect(&url).await.expect("sqlite store");
    TestDb {
        store,
        url,
        _dir: Some(dir),
    }
}

/// A fresh PostgreSQL database, or `None` (after a loud note) when TEST_DATABASE_URL is unset.
pub async fn postgres(test: &str) -> Option<TestDb> {
    let url = postgres_empty(test).await?;
    let store = Store::connect(&url).await.expect("postgres store");
    Some(TestDb {
        store,
        url,
        _dir: None,
    })
}

/// The URL of a fresh, empty PostgreSQL database (not migrated), or `None` (after a loud note)
/// when TEST_DATABASE_URL is unset.
pub async fn postgres_empty(test: &str) -> Option<String> {
    let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
        // Written to the terminal directly: the test harness captures eprintln! of passing tests.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED (no TEST_DATABASE_URL): PostgreSQL test {test} did not run"
        );
        return None;
    };
    sweep_dead_test_databases(&base).await;
    static N: AtomicU64 = AtomicU64::new(0);
    let name = format!(
        "gw_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros()
    );
    sqlx::any::install_default_drivers();
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
        .await
        .expect("TEST_DATABASE_URL reachable");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let mut url = url::Url::parse(&base).expect("TEST_DATABASE_URL is a URL");
    url.set_path(&name);
    Some(url.to_string())
}

/// Once per test process: drops the test databases of test processes that are no longer
/// running (their names carry the process id), so that runs do not pile databases up.
async fn sweep_dead_test_databases(base: &str) {
    static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    SWEPT
        .get_or_init(|| async {
            sqlx::any::install_default_drivers();
            let Ok(mut admin) = <sqlx::AnyConnection as sqlx::Connection>::connect(base).await
            else {
                return;
            };
            let names: Vec<String> = sqlx::query_scalar(
                "SELECT CAST(datname AS TEXT) FROM pg_database WHERE datname LIKE 'gw\\_test\\_%'",
            )
            .fetch_all(&mut admin)
            .await
            .unwrap_or_default();
            for name in names {
                let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
                let alive = pid.is_none_or(|p| {
                    p == std::process::id() || std::path::Path::new(&format!("/proc/{p}")).exists()
                });
                if !alive {
                    let _ = gridwhistle::storage::drop_postgres_database(base, &name).await;
                }
            }
        })
        .await;
}

/// Runs one contract test on SQLite and on PostgreSQL: `contract!(name)` expects an
/// `async fn name(db: &TestDb)` in scope and makes `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = $crate::support::sqlite().await;
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(db) = $crate::support::postgres(stringify!($name)).await {
                        super::$name(&db).await;
                        db.store.close().await;
                    }
                }
            )*
        }
    };
}

/// Creates `order` as an act does: a reserved number, then the order with what `with` makes
/// of it (its events and messages) and `jobs`, in one transaction. Returns it numbered.
#[allow(dead_code)] // not every test module creates orders
pub async fn create_order(
    store: &Store,
    mut order: gridwhistle::domain::WhistleOrder,
    jobs: &[gridwhistle::domain::escalation::Job],
    with: impl FnOnce(
        &gridwhistle::domain::WhistleOrder,
    ) -> (
        Vec<gridwhistle::domain::Event>,
        Vec<gridwhistle::storage::Outgoing>,
    ),
) -> gridwhistle::domain::WhistleOrder {
    order.id = store.reserve_order_id().await.expect("order number");
    let (events, out) = with(&order);
    store
        .create_order(gridwhistle::storage::NewOrder {
            order: &order,
            events: &events,
            out: &out,
            jobs,
        })
        .await
        .expect("order created");
    order
}
