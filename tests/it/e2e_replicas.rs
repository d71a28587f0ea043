//! Several replicas on one PostgreSQL database (issue 12): three bot instances in webhook mode,
//! each with its own lease holder name and its own listener on 127.0.0.1, behind a round-robin
//! forwarder written here (the load balancer). The stand-in is told by `setWebhook` to deliver
//! to the forwarder, which hands each POST, headers and body, to the next replica in turn and
//! answers with that replica's status (502 when it cannot reach it, so the stand-in retries and
//! the next attempt goes to another). Nothing is lost, each chat's cards come in order, no
//! message goes twice, and the three senders together keep Telegram's pace. Then one replica
//! dies without releasing its leases (its tasks and listener aborted, its pool closed) and the
//! other two finish its chats.

use std::net::SocketAddr;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::Router;
use chrono::{TimeZone, Utc};
use gridwhistle::app::{self, Parts, Running};
use gridwhistle::clock::ManualClock;
use gridwhistle::domain::org::parse_org;
use gridwhistle::sandbox::http;
use gridwhistle::scale::{generated_org, grid_chat, grid_leader};
use gridwhistle::standin::{CallOutcome, StandIn, TgChat, TgUser};
use gridwhistle::storage::Store;
use gridwhistle::telegram::sender::Pacing;
use gridwhistle::telegram::{webhook, PollConfig, Telegram};

use crate::e2e_processes::{cards, wait_for};

const CHATS: usize = 50;
const ROUNDS: usize = 20;
/// Telegram's pace, replayed ten times faster (a group's minute is 6 s, the global second 100 ms).
const FASTER: u32 = 10;
/// Request timing as the stand-in sees it differs from the sender's decision by the request's
/// way over loopback; windows are checked this much shorter.
const JITTER: Duration = Duration::from_millis(20);
const HOOK_PATH: &str = "/telegram/webhook";

/// One replica: the bot's loops, and its HTTP server (the webhook route) on its own port.
struct Replica {
    running: Running,
    addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

/// A replica as `gridwhistle run --webhook … --listen 127.0.0.1:0` starts one (processing and
/// sending; no scheduler loop, the clock is manual): its own pool on the database, the shared
/// secret from the database's settings, the webhook route served on a free port.
async fn replica(standin: &StandIn, url: &str, clock: &ManualClock, name: &str) -> Replica {
    let store = Store::connect(url).await.expect("replica database");
    let secret = store
        .webhook_secret(webhook::new_secret)
        .await
        .expect("the shared webhook secret");
    let telegram = Telegram::with_bot(standin.bot()).await.expect("bot start");
    let config = PollConfig {
        pacing: Pacing::TELEGRAM.faster(FASTER),
        instance: Some(name.to_string()),
        ..PollConfig::default()
    };
    let parts = Parts {
        scheduling: false,
        ..Parts::WEBHOOK
    };
    let running = app::start(telegram, store, Arc::new(clock.clone()), config, parts).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("replica listener");
    let addr = listener.local_addr().expect("replica address");
    let routes = running.routes(Some((HOOK_PATH, secret)), true);
    let server = gridwhistle::ops::serve(listener, routes, std::future::pending());
    Replica {
        running,
        addr,
        server,
    }
}

/// The load balancer: each request goes to the next replica in turn.
struct Forwarder {
    targets: Vec<SocketAddr>,
    next: AtomicUsize,
    /// Requests handed to each replica, and how many of those found it unreachable (502).
    forwarded: Vec<AtomicUsize>,
    unreachable: Vec<AtomicUsize>,
}

/// Headers that belong to one connection, not to the request: the forwarder sets its own.
const HOP_BY_HOP: &[&str] = &[
    "host",
    "connection",
    "content-length",
    "transfer-encoding",
    "keep-alive",
];

async fn forward(
    State(f): State<Arc<Forwarder>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let i = f.next.fetch_add(1, Ordering::Relaxed) % f.targets.len();
    f.forwarded[i].fetch_add(1, Ordering::Relaxed);
    let pass: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(k, _)| !HOP_BY_HOP.contains(&k.as_str()))
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
        .collect();
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    match http(f.targets[i], method.as_str(), path, &pass, &body).await {
        Ok((status, _)) => StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
        Err(_) => {
            f.unreachable[i].fetch_add(1, Ordering::Relaxed);
            StatusCode::BAD_GATEWAY
        }
    }
}

/// Starts the forwarder on 127.0.0.1 (a free port) in front of `targets`.
async fn forwarder(targets: Vec<SocketAddr>) -> (SocketAddr, Arc<Forwarder>) {
    let n = targets.len();
    let f = Arc::new(Forwarder {
        targets,
        next: AtomicUsize::new(0),
        forwarded: (0..n).map(|_| AtomicUsize::new(0)).collect(),
        unreachable: (0..n).map(|_| AtomicUsize::new(0)).collect(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("forwarder listener");
    let addr = listener.local_addr().expect("forwarder address");
    let router = Router::new().fallback(forward).with_state(f.clone());
    gridwhistle::ops::serve(listener, router, std::future::pending());
    (addr, f)
}

/// The most messages in any window of `span` (times sorted).
fn most_in_window(times: &[SystemTime], span: Duration) -> usize {
    (0..times.len())
        .map(|i| {
            times[i..]
                .iter()
                .take_while(|t| t.duration_since(times[i]).unwrap_or_default() < span)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// The chats whose leases `holder` has now.
async fn leases_of(db: &mut sqlx::AnyConnection, holder: &str) -> Vec<i64> {
    sqlx::query_scalar::<_, i64>("SELECT chat_id FROM chat_leases WHERE holder = $1")
        .bind(holder)
        .fetch_all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn three_webhook_replicas_behind_a_round_robin_share_the_chats_keep_the_pace_and_finish_a_dead_ones_work(
) {
    let Some(db) = crate::support::postgres("three_replicas").await else {
        return;
    };
    let org = parse_org(&generated_org(CHATS)).expect("the test organisation");
    db.store.import_org(&org, false).await.unwrap();
    let standin = StandIn::start().await;
    for u in &org.units {
        if let Some(c) = u.chat_id {
            standin.register_chat(&TgChat::new(c.0, &u.name));
        }
    }
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap());
    let names = ["replica-a", "replica-b", "replica-c"];
    let mut replicas = Vec::new();
    for n in names {
        replicas.push(replica(&standin, &db.url, &clock, n).await);
    }
    let (front, lb) = forwarder(replicas.iter().map(|r| r.addr).collect()).await;

    // One replica tells Telegram where to deliver: the forwarder, with the shared secret.
    let secret = db
        .store
        .webhook_secret(webhook::new_secret)
        .await
        .expect("the shared secret");
    let hook_url = url::Url::parse(&format!("http://{front}{HOOK_PATH}")).unwrap();
    Telegram::with_bot(standin.bot())
        .await
        .expect("bot start")
        .prepare_webhook(&hook_url, &secret)
        .await
        .expect("setWebhook");
    assert_eq!(
        standin.webhook().map(|w| w.url),
        Some(hook_url.to_string()),
        "the stand-in delivers to the forwarder"
    );

    // 50 chats × 20 updates, interleaved round by round; every fourth a /list (an answer),
    // the rest whistles. Queued at the stand-in, which POSTs them to the forwarder over its
    // connections, in no promised order.
    let push_round = |r: usize| {
        let mut whistles = 0;
        for c in 0..CHATS {
            let text = if r % 4 == 3 {
                "/list".to_string()
            } else {
                whistles += 1;
                format!("吹哨 垃圾堆积 g{c}r{r}")
            };
            let chat = TgChat::new(grid_chat(c), &format!("网格{c}"));
            let mut u = standin.group_text(
                &chat,
                &TgUser::new(grid_leader(c), &format!("组长{c}")),
                &text,
            );
            u["update_id"] = ((r * CHATS + c + 1) as i64).into();
            standin.push_update(u);
        }
        whistles
    };
    // The test's own look at the lease table, on one connection of its own.
    let mut watch = connect(&db.url).await;
    let started = Instant::now();
    let mut whistles = 0;
    for r in 0..ROUNDS / 2 {
        whistles += push_round(r);
    }

    // Mid-run (a quarter of the updates processed), while replica-c works chats: it dies. Its
    // loops and its listener are aborted, nothing is released, its pool is closed as a killed
    // process's connections drop; the forwarder's connections to it are refused from then on.
    wait_for(
        "a quarter processed, replica-c working a chat",
        Duration::from_secs(30),
        async || {
            db.store.processed_update_count().await.unwrap_or(0) >= (ROUNDS * CHATS / 4) as i64
                && !leases_of(&mut watch, "replica-c").await.is_empty()
        },
    )
    .await;
    let dead = &mut replicas[2];
    dead.server.abort();
    for t in dead.running.tasks.drain(..) {
        t.abort();
        let _ = t.await;
    }
    let _ = (&mut dead.server).await;
    dead.running.ctx.store.close().await;
    let kill_at = Instant::now();
    let before_kill = started.elapsed();
    let processed_at_kill = db.store.processed_update_count().await.unwrap();
    let dead_chats = leases_of(&mut watch, "replica-c").await;
    assert!(
        !dead_chats.is_empty(),
        "replica-c died holding chats it was working"
    );
    for r in ROUNDS / 2..ROUNDS {
        whistles += push_round(r);
    }

    // The dead replica's chats are taken over once its leases run out.
    let mut taken_over = None;
    let mut all_received = None;
    let mut all_processed = None;
    wait_for(
        "every update processed and delivered",
        Duration::from_secs(100),
        async || {
            if taken_over.is_none() && leases_of(&mut watch, "replica-c").await.is_empty() {
                taken_over = Some(kill_at.elapsed());
            }
            if all_received.is_none() && standin.pending_updates().is_empty() {
                all_received = Some(started.elapsed());
            }
            let processed = db.store.processed_update_count().await.unwrap_or(0);
            if all_processed.is_none() && processed == (ROUNDS * CHATS) as i64 {
                all_processed = Some(started.elapsed());
            }
            let pending = db.store.outbox_counts().await.map(|c| c.0).unwrap_or(1);
            processed == (ROUNDS * CHATS) as i64 && pending == 0
        },
    )
    .await;
    let total = started.elapsed();
    let after_kill = kill_at.elapsed();

    // Every update reached a replica through the forwarder; the dead one's refusals were
    // retried elsewhere.
    let hook = standin.webhook_stats();
    assert!(hook.delivered >= ROUNDS * CHATS, "{hook:?}");
    let forwarded: Vec<usize> = lb
        .forwarded
        .iter()
        .map(|n| n.load(Ordering::Relaxed))
        .collect();
    let unreachable: Vec<usize> = lb
        .unreachable
        .iter()
        .map(|n| n.load(Ordering::Relaxed))
        .collect();
    assert!(
        forwarded.iter().all(|n| *n >= ROUNDS * CHATS / 2 / 4),
        "round robin: {forwarded:?}"
    );
    assert_eq!(unreachable[..2], [0, 0], "the living replicas were reached");
    assert!(
        unreachable[2] > 0,
        "after the kill the forwarder found replica-c down"
    );
    assert!(hook.retried >= unreachable[2], "{hook:?}");

    // Each order once.
    let orders = db.store.all_orders().await.unwrap();
    assert_eq!(orders.len(), whistles, "one order per whistle");
    let mut texts: Vec<&str> = orders.iter().map(|o| o.text.as_str()).collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), whistles, "no whistle made two orders");
    assert!(db.store.unprocessed_updates().await.unwrap().is_empty());

    // Each chat's cards in order, all of them; doubles only from the dead replica's deliveries
    // in flight when it died (Telegram took them, nobody recorded it).
    let per_chat = whistles / CHATS;
    let chat_ids: Vec<i64> = (0..CHATS).map(grid_chat).collect();
    let all_cards = cards(&standin, &chat_ids);
    let mut doubles = 0;
    for c in 0..CHATS {
        let got = &all_cards[&grid_chat(c)];
        let mut unique = got.clone();
        unique.dedup();
        doubles += got.len() - unique.len();
        let mut sorted = unique.clone();
        sorted.sort();
        assert_eq!(unique, sorted, "chat {c}: the cards in order: {got:?}");
        assert_eq!(unique.len(), per_chat, "chat {c}: every card: {got:?}");
        let lists = standin
            .messages(grid_chat(c))
            .iter()
            .filter(|m| !m.text.starts_with("🔔 哨令 #"))
            .count();
        assert!(lists >= ROUNDS / 4, "chat {c}: every /list answered");
    }
    assert!(
        doubles <= 32,
        "at most the dead sender's deliveries in flight: {doubles}"
    );

    // The three senders together kept the pace: per group at most 20 in a (scaled) minute,
    // at most 30 in a (scaled) second in all; no 429.
    let pacing = Pacing::TELEGRAM.faster(FASTER);
    let sends: Vec<(i64, SystemTime)> = standin
        .calls()
        .iter()
        .filter(|c| c.method.starts_with("send") || c.method.starts_with("edit"))
        .filter(|c| matches!(c.outcome, CallOutcome::Ok))
        .filter_map(|c| Some((c.params.get("chat_id")?.as_i64()?, c.at)))
        .collect();
    let mut all: Vec<SystemTime> = sends.iter().map(|s| s.1).collect();
    all.sort();
    let global = most_in_window(&all, pacing.second - JITTER);
    assert!(
        global <= pacing.global_per_second,
        "{global} in one second in all"
    );
    let mut busiest = 0;
    for c in 0..CHATS {
        let mut times: Vec<SystemTime> = sends
            .iter()
            .filter(|s| s.0 == grid_chat(c))
            .map(|s| s.1)
            .collect();
        times.sort();
        let most = most_in_window(&times, pacing.minute - JITTER);
        busiest = busiest.max(most);
        assert!(
            most <= pacing.group_per_minute,
            "chat {c}: {most} in one minute"
        );
    }
    let refused = standin
        .calls()
        .iter()
        .filter(|c| matches!(&c.outcome, CallOutcome::Error(e) if e.contains("Too Many")))
        .count();
    assert_eq!(refused, 0, "no 429");
    assert!(
        standin.violations().is_empty(),
        "{:?}",
        standin.violations()
    );
    let secs = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64());
    println!(
        "three webhook replicas behind a round-robin forwarder on one PostgreSQL: {} updates, \
         {whistles} orders, {} messages in {:.1} s (pace ×{FASTER}: at most {global} in a second \
         in all, {busiest} in a group's minute); before the kill {processed_at_kill} updates \
         processed in {:.1} s ({:.0} updates/s with 3 replicas); all received by webhook after \
         {:.1} s, all processed after {:.1} s; forwarded {forwarded:?}, refused by the dead \
         replica {}, stand-in retries {}; replica-c killed holding {} chats: taken over {:.1} s \
         after the kill, all done {:.1} s after it; lost 0, doubled {doubles}",
        ROUNDS * CHATS,
        sends.len(),
        total.as_secs_f64(),
        before_kill.as_secs_f64(),
        processed_at_kill as f64 / before_kill.as_secs_f64(),
        secs(all_received),
        secs(all_processed),
        unreachable[2],
        hook.retried,
        dead_chats.len(),
        secs(taken_over),
        after_kill.as_secs_f64(),
    );
    for r in replicas {
        r.server.abort();
        if !r.running.tasks.is_empty() {
            r.running.shutdown().await;
        }
    }
    standin.shutdown();
    db.store.close().await;
}

async fn connect(url: &str) -> sqlx::AnyConnection {
    <sqlx::AnyConnection as sqlx::Connection>::connect(url)
        .await
        .expect("database")
}

/// sqlx's migrator takes an advisory lock: three processes starting at once on a fresh
/// database all migrate, none fails.
#[tokio::test]
async fn three_processes_migrating_a_fresh_database_at_once_all_succeed() {
    let Some(url) = crate::support::postgres_empty("three_migrate_at_once").await else {
        return;
    };
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                Command::new(env!("CARGO_BIN_EXE_gridwhistle"))
                    .arg("migrate")
                    .env("DATABASE_URL", &url)
                    .env("GRIDWHISTLE_LANG", "en")
                    .output()
                    .expect("run gridwhistle migrate")
            })
        })
        .collect();
    for h in handles {
        let o = h.join().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            "The database schema is up to date.\n"
        );
    }
    let store = Store::connect(&url).await.unwrap();
    assert!(
        store.all_orders().await.unwrap().is_empty(),
        "a usable schema"
    );
    store.close().await;
}
