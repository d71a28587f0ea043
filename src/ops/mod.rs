//! Operations: the HTTP side of a running bot — `/healthz` and `/metrics` (and, in webhook mode,
//! the webhook route from `telegram::webhook`, merged into the same server) — and the Prometheus
//! recorder behind `/metrics`. Names no teloxide type.

pub mod health;

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

pub use health::{Health, Loop};

use crate::storage::Store;

/// How long `/healthz` waits for the database before calling it unreachable.
const PING_LIMIT: Duration = Duration::from_secs(3);

/// Histogram buckets, in seconds, for processing latency and scheduler lag.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// The process's Prometheus recorder, installed on first use (once per process: the `metrics`
/// facade has one global recorder); None when another recorder was installed first.
pub fn prometheus() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = match PrometheusBuilder::new().set_buckets(BUCKETS) {
                Ok(b) => b,
                Err(e) => {
                    tracing::error!(error = %e, "histogram buckets refused");
                    PrometheusBuilder::new()
                }
            };
            match builder.install_recorder() {
                Ok(h) => Some(h),
                Err(e) => {
                    tracing::error!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .clone()
}

#[derive(Clone)]
struct Ops {
    store: Store,
    health: Health,
}

/// `/healthz` and `/metrics` for the bot on `store` whose loops `health` watches.
pub fn router(store: Store, health: Health) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(Ops { store, health })
}

/// Whether the bot is fit to serve: the database answers within `PING_LIMIT` and every loop
/// is alive; else why not. The outbox backlog is not a failure (a flood would take every
/// replica out at once): it is a metric.
pub async fn check(store: &Store, health: &Health) -> Result<(), String> {
    health.loops_at(std::time::Instant::now())?;
    match tokio::time::timeout(PING_LIMIT, store.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("database unreachable: {e}")),
        Err(_) => Err("database unreachable: no answer in time".into()),
    }
}

async fn healthz(State(ops): State<Ops>) -> (StatusCode, String) {
    match check(&ops.store, &ops.health).await {
        Ok(()) => (StatusCode::OK, "ok\n".into()),
        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, format!("{why}\n")),
    }
}

async fn metrics(State(ops): State<Ops>) -> Response {
    let Some(handle) = prometheus() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "no metrics recorder\n").into_response();
    };
    refresh_gauges(&ops.store).await;
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}

/// Sets the gauges read from the database (orders by state and level, the outbox per class).
async fn refresh_gauges(store: &Store) {
    match store.orders_by_state_level().await {
        Ok(rows) => {
            for (state, level, n) in rows {
                crate::metrics::orders(state, level, n);
            }
        }
        Err(e) => tracing::warn!(error = %e, "order counts not read"),
    }
    match store.outbox_by_priority(chrono::Utc::now()).await {
        Ok(classes) => {
            // A class that emptied shows 0, not its last depth.
            for p in 0..=2 {
                let c = classes.iter().find(|c| c.priority == p);
                crate::metrics::outbox(
                    p,
                    c.map_or(0, |c| c.depth),
                    Duration::from_millis(c.map_or(0, |c| c.oldest_ms) as u64),
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "outbox counts not read"),
    }
}

/// Serves `router` on `listener` until `shutdown` completes.
pub fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "HTTP server failed");
        }
    })
}
