//! Processes: a bot killed with SIGKILL in the middle of a burst and restarted loses nothing;
//! two processes on one PostgreSQL database act on each deadline once and send each message once.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use gridwhistle::domain::{EventKind, OrderId};
use gridwhistle::sandbox::Sandbox;
use gridwhistle::standin::{CallOutcome, StandIn, TgChat, TgUser, TOKEN};
use gridwhistle::storage::Store;

const HUASHAN: &str = include_str!("../../examples/huashan.toml");

fn spawn_bot(standin: &StandIn, db: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_gridwhistle"))
        .args([
            "run",
            "--org",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/huashan.toml"),
        ])
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", standin.api_url().as_str())
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start gridwhistle run")
}

pub(crate) async fn wait_for(what: &str, limit: Duration, mut done: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The order numbers of the cards (the first priority class) the stand-in holds, per chat, in
/// arrival order.
pub(crate) fn cards(standin: &StandIn, chats: &[i64]) -> HashMap<i64, Vec<i64>> {
    chats
        .iter()
        .map(|c| {
            let numbers = standin
                .messages(*c)
                .iter()
                .filter_map(|m| {
                    m.text
                        .lines()
                        .next()?
                        .strip_prefix("🔔 哨令 #")?
                        .split_whitespace()
                        .next()?
                        .parse()
                        .ok()
                })
                .collect();
            (*c, numbers)
        })
        .collect()
}

#[tokio::test]
async fn a_bot_killed_mid_burst_and_restarted_loses_nothing() {
    let standin = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("crash.db").display());
    let org = gridwhistle::domain::org::parse_org(HUASHAN).unwrap();
    let senders = [
        ("cuihu-1", 1001),
        ("cuihu-2", 1021),
        ("yuanxi-1", 1041),
        ("cuihu", 1100),
        ("yuanxi", 1101),
    ];
    let chats: Vec<(TgChat, TgUser)> = senders
        .iter()
        .map(|(unit, user)| {
            let u = org.units.iter().find(|u| u.id.as_str() == *unit).unwrap();
            let p = org
                .people
                .iter()
                .find(|p| p.telegram_id.0 == *user)
                .unwrap();
            (
                TgChat::new(u.chat_id.unwrap().0, &u.name),
                TgUser::new(p.telegram_id.0, &p.name),
            )
        })
        .collect();
    let chat_ids: Vec<i64> = chats.iter().map(|(c, _)| c.id).collect();

    let mut bot = spawn_bot(&standin, &db);
    let mut burst = 0;
    for round in 0..6 {
        for (chat, user) in &chats {
            standin.push_update(standin.group_text(
                chat,
                user,
                &format!("吹哨 第{round}轮 垃圾堆积 流动摊贩"),
            ));
            burst += 1;
        }
    }
    // Kill it in the middle: some cards are out, most are not.
    wait_for("the first cards", Duration::from_secs(60), async || {
        standin
            .calls_to("sendMessage")
            .iter()
            .filter(|c| matches!(c.outcome, CallOutcome::Ok))
            .count()
            >= 6
    })
    .await;
    bot.kill().expect("SIGKILL");
    bot.wait().unwrap();
    let sent_before_kill = standin.calls_to("sendMessage").len();

    let mut bot = spawn_bot(&standin, &db);
    let store = Store::connect(&db).await.unwrap();
    wait_for(
        "every order and message",
        Duration::from_secs(120),
        async || {
            let orders = store.all_orders().await.map(|o| o.len()).unwrap_or(0);
            let pending = store.outbox_counts().await.map(|c| c.0).unwrap_or(1);
            orders == burst && pending == 0 && standin.pending_updates().is_empty()
        },
    )
    .await;
    bot.kill().unwrap();
    bot.wait().unwrap();

    // Nothing lost: every update is one order with its creation event and one card per chat.
    let orders = store.all_orders().await.unwrap();
    assert_eq!(orders.len(), burst, "one order per update");
    let mut texts: Vec<&str> = orders.iter().map(|o| o.text.as_str()).collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 6, "six rounds of texts (each in five chats)");
    for o in &orders {
        let created = store
            .events(o.id)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.kind == EventKind::Created)
            .count();
        assert_eq!(created, 1, "order {} has one creation event", o.id);
    }
    assert!(store.unprocessed_updates().await.unwrap().is_empty());
    let got = cards(&standin, &chat_ids);
    let mut doubles = 0;
    for (chat, numbers) in &got {
        let mut unique = numbers.clone();
        unique.dedup();
        // Deliveries to different chats run side by side, so at the kill each chat may have had
        // its one message in flight: accepted by Telegram, not yet recorded as sent.
        assert!(
            numbers.len() - unique.len() <= 1,
            "chat {chat}: only its one message in flight at the kill may be doubled: {numbers:?}"
        );
        doubles += numbers.len() - unique.len();
        let mut sorted = unique.clone();
        sorted.sort();
        // Cards are one priority class: they keep their order among themselves.
        assert_eq!(unique, sorted, "chat {chat}: the cards in order");
        assert_eq!(
            unique.len(),
            burst / chats.len(),
            "chat {chat}: every card arrived: {numbers:?}"
        );
    }
    println!(
        "crash test: {burst} updates, {} orders, {} cards delivered, {doubles} doubled (killed after {sent_before_kill} sendMessage calls)",
        orders.len(),
        got.values().map(|v| v.len()).sum::<usize>()
    );
    assert!(
        doubles <= chats.len(),
        "at most one message per chat in flight at the kill may be doubled: {doubles}"
    );
    assert!(
        standin.violations().is_empty(),
        "{:?}",
        standin.violations()
    );
    standin.shutdown();
}

#[tokio::test]
async fn two_processes_on_one_postgres_escalate_each_order_once_and_send_each_message_once() {
    let Some(db) = crate::support::postgres("two_processes").await else {
        return;
    };
    let t0 = Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap(); // Friday 10:00
    let mut w = Sandbox::start(HUASHAN, Some(db.url.clone()), t0)
        .await
        .unwrap();
    let second = w.second_process(&db.url).await.unwrap();
    let first = w.ctx().unwrap();
    for (grid, leader) in [("cuihu-1", 1001), ("cuihu-2", 1021), ("yuanxi-1", 1041)] {
        for round in 0..3 {
            let chat = w.chat(grid);
            w.say(&chat, &w.user(leader), &format!("吹哨 流动摊贩 {round}"))
                .await
                .unwrap();
        }
    }
    w.clock.advance(chrono::Duration::minutes(31));
    let (a, b) = tokio::join!(
        gridwhistle::scheduler::tick(&first),
        gridwhistle::scheduler::tick(&second.ctx)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    w.settle().await.unwrap();
    let mut escalated = 0;
    for id in 1..=9 {
        let n = w
            .store
            .events(OrderId(id))
            .await
            .unwrap()
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Escalated { .. }))
            .count();
        assert_eq!(n, 1, "order {id} escalated once");
        escalated += n;
    }
    // Each escalation notice went out once, to the community chats.
    let notices: usize = ["cuihu", "yuanxi"]
        .iter()
        .map(|c| {
            w.messages(&w.chat(c))
                .iter()
                .filter(|m| m.text.starts_with("⬆️ #"))
                .count()
        })
        .sum();
    assert_eq!(notices, escalated);
    let ok_sends = w
        .standin
        .calls_to("sendMessage")
        .iter()
        .filter(|c| matches!(c.outcome, CallOutcome::Ok))
        .count();
    let (pending, sent, failed) = w.store.outbox_counts().await.unwrap();
    assert_eq!((pending, failed), (0, 0));
    assert!(
        ok_sends as i64 <= sent,
        "no message was sent twice: {ok_sends} sends for {sent} outbox rows"
    );
    println!(
        "two processes: {a} + {b} jobs worked, {escalated} escalations, {ok_sends} messages sent"
    );
    assert!(w.standin.violations().is_empty());
    second.shutdown().await;
    w.stop().await;
}

#[tokio::test]
async fn the_logs_never_show_the_token_even_at_trace_level() {
    let standin = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("logs.db").display());
    let log = dir.path().join("bot.log");
    let mut bot = Command::new(env!("CARGO_BIN_EXE_gridwhistle"))
        .args([
            "run",
            "--org",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/huashan.toml"),
        ])
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", standin.api_url().as_str())
        .env("DATABASE_URL", &db)
        .env("RUST_LOG", "trace")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let grid = TgChat::new(-1001000000300, "翠湖社区第一网格");
    standin.push_update(standin.group_text(&grid, &TgUser::new(1001, "李明"), "吹哨 垃圾堆积"));
    wait_for("the card", Duration::from_secs(60), async || {
        !standin.messages(grid.id).is_empty()
    })
    .await;
    bot.kill().unwrap();
    bot.wait().unwrap();
    let logs = std::fs::read_to_string(&log).unwrap();
    assert!(
        logs.len() > 1000,
        "trace logging was on: {} bytes",
        logs.len()
    );
    let secret = TOKEN.split(':').nth(1).unwrap();
    assert!(!logs.contains(secret), "the token is in the logs");
    standin.shutdown();
}
