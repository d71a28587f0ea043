//! Several replicas on one PostgreSQL database (issue 12): three bot instances, each with its own
//! lease holder name, process and send; updates go straight into the inbox through any of them
//! (as the webhook behind a load balancer stores them). Nothing is lost, each chat's cards come
//! in order, no message goes twice, and the three senders together keep Telegram's pace. Then
//! one instance dies without releasing its leases and the other two finish its chats.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use chrono::{TimeZone, Utc};
use gridwhistle::app::{self, Parts, Running};
use gridwhistle::clock::ManualClock;
use gridwhistle::domain::org::parse_org;
use gridwhistle::scale::{generated_org, grid_chat, grid_leader};
use gridwhistle::standin::{CallOutcome, StandIn, TgChat, TgUser};
use gridwhistle::storage::Store;
use gridwhistle::telegram::sender::Pacing;
use gridwhistle::telegram::{intake, PollConfig, Telegram};

use crate::e2e_processes::{cards, wait_for};

const CHATS: usize = 50;
const ROUNDS: usize = 20;
/// Telegram's pace, replayed ten times faster (a group's minute is 6 s, the global second 100 ms).
const FASTER: u32 = 10;
/// Request timing as the stand-in sees it differs from the sender's decision by the request's
/// way over loopback; windows are checked this much shorter.
const JITTER: Duration = Duration::from_millis(20);

async fn replica(standin: &StandIn, url: &str, clock: &ManualClock, name: &str) -> Running {
    let store = Store::connect(url).await.expect("replica database");
    let telegram = Telegram::with_bot(standin.bot()).await.expect("bot start");
    let config = PollConfig {
        pacing: Pacing::TELEGRAM.faster(FASTER),
        instance: Some(name.to_string()),
        ..PollConfig::default()
    };
    let parts = Parts {
        polling: false,
        processing: true,
        scheduling: false,
    };
    app::start(telegram, store, Arc::new(clock.clone()), config, parts).await
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

#[tokio::test]
async fn three_replicas_share_the_chats_keep_the_pace_and_finish_a_dead_ones_work() {
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

    // 50 chats × 20 updates, interleaved round by round; every fourth a /list (an answer),
    // the rest whistles. Stored round-robin through the three replicas.
    let started = Instant::now();
    let mut whistles = 0;
    let mut kill_at = None;
    let mut dead_chats: Vec<i64> = Vec::new();
    for r in 0..ROUNDS {
        for c in 0..CHATS {
            let id = r * CHATS + c + 1;
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
            u["update_id"] = (id as i64).into();
            // As the webhook gets it: text (teloxide's Update does not read from a `Value`).
            let update = serde_json::from_str(&u.to_string()).expect("a Telegram update");
            let alive: Vec<&Running> = replicas.iter().filter(|r| !r.tasks.is_empty()).collect();
            let through = alive[id % alive.len()];
            assert!(intake::accept(&through.ctx, &update).await.unwrap());
        }
        // Halfway: replica-c dies (its tasks aborted, nothing released, its connections
        // dropped as a killed process's are).
        if r == ROUNDS / 2 {
            let rows = sqlx::query_scalar::<_, i64>(
                "SELECT chat_id FROM chat_leases WHERE holder = 'replica-c'",
            )
            .fetch_all(&mut connect(&db.url).await)
            .await
            .unwrap();
            dead_chats = rows;
            let dead = &mut replicas[2];
            for t in dead.tasks.drain(..) {
                t.abort();
                let _ = t.await;
            }
            dead.ctx.store.close().await;
            kill_at = Some(Instant::now());
        }
    }
    let kill_at = kill_at.unwrap();

    // The dead replica's chats are taken over once its leases run out.
    let mut taken_over = None;
    wait_for(
        "every update processed and delivered",
        Duration::from_secs(240),
        async || {
            if taken_over.is_none() && !dead_chats.is_empty() {
                let left = sqlx::query_scalar::<_, i64>(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM chat_leases WHERE holder = 'replica-c'",
                )
                .fetch_one(&mut connect(&db.url).await)
                .await
                .unwrap_or(1);
                if left == 0 {
                    taken_over = Some(kill_at.elapsed());
                }
            }
            let processed = db.store.processed_update_count().await.unwrap_or(0);
            let pending = db.store.outbox_counts().await.map(|c| c.0).unwrap_or(1);
            processed == (ROUNDS * CHATS) as i64 && pending == 0
        },
    )
    .await;
    let total = started.elapsed();
    let after_kill = kill_at.elapsed();

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
    println!(
        "three replicas on one PostgreSQL: {} updates, {whistles} orders, {} messages in {:.1} s \
         (pace ×{FASTER}: at most {global} in a second in all, {busiest} in a group's minute); \
         replica-c killed after round {}, holding {} chats: taken over {:.1} s after the kill, \
         all done {:.1} s after it; lost 0, doubled {doubles}",
        ROUNDS * CHATS,
        sends.len(),
        total.as_secs_f64(),
        ROUNDS / 2,
        dead_chats.len(),
        taken_over.map_or(f64::NAN, |d| d.as_secs_f64()),
        after_kill.as_secs_f64(),
    );
    for r in replicas {
        if !r.tasks.is_empty() {
            r.shutdown().await;
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
