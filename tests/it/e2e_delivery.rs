//! Delivery that loses nothing: 429s, 502 pages, dropped connections, permanent failures and a
//! group's move to a supergroup, end to end against the stand-in's injected faults.

use std::collections::HashMap;

use chrono::{TimeZone, Utc};
use gridwhistle::domain::{EventKind, OrderId};
use gridwhistle::sandbox::Sandbox;

use crate::e2e::{assert_no_violations, world_at};
use gridwhistle::standin::{CallOutcome, Fault};

async fn world() -> Sandbox {
    world_at(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()).await
}

/// The order numbers of the cards in a chat, in the order they arrived.
fn card_numbers(w: &Sandbox, chat: i64) -> Vec<i64> {
    numbers(w, chat, |m| m.reply_to.is_none(), "🔔 哨令 #")
}

/// The numbers after `prefix` at the start of the bot's messages in a chat that pass `keep`,
/// in the order they arrived.
fn numbers(
    w: &Sandbox,
    chat: i64,
    keep: impl Fn(&gridwhistle::standin::SentMessage) -> bool,
    prefix: &str,
) -> Vec<i64> {
    let mut messages = w.standin.messages(chat);
    messages.sort_by_key(|m| m.message_id);
    messages
        .iter()
        .filter(|m| keep(m))
        .filter_map(|m| {
            let first = m.text.lines().next()?;
            let rest = first.strip_prefix(prefix)?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// Each class of a chat's messages (cards; answers to `/show`; "unknown command" hints) arrives
/// once and in order, whatever the faults. Chats are processed side by side, so which number
/// each chat's whistles get is not known in advance: cards are checked against the orders each
/// chat made; answers and hints carry the test's own running count.
#[tokio::test]
async fn a_burst_survives_429s_502s_and_dropped_connections_in_order_and_once() {
    let mut w = world().await;
    w.standin.inject(
        Some("sendMessage"),
        Fault::TooManyRequests { retry_after: 1 },
        2,
    );
    w.standin
        .inject(Some("sendMessage"), Fault::BadGatewayHtml, 2);
    w.standin.inject(None, Fault::DropConnection, 3);
    let leaders = [("cuihu-1", 1001), ("cuihu-2", 1021), ("yuanxi-1", 1041)];
    let mut expected: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut grid_of: HashMap<i64, &str> = HashMap::new();
    let mut n = 0;
    for round in 0..4 {
        for (grid, leader) in leaders {
            let chat = w.chat(grid);
            let user = w.user(leader);
            let update =
                w.standin
                    .group_text(&chat, &user, &format!("吹哨 第{round}轮 圆西路垃圾堆积"));
            w.queue(update);
            n += 1;
            expected.entry(chat.id).or_default().push(n);
            grid_of.insert(chat.id, grid);
            // An answer (P1: "no such order #900n") and, from a stranger each time, a hint (P2)
            // about the same number.
            let update = w
                .standin
                .group_text(&chat, &user, &format!("/show {}", 900 + n));
            w.queue(update);
            let stranger = w.user(7000 + n);
            let update = w.standin.group_text(&chat, &stranger, &format!("/x{n}"));
            w.queue(update);
        }
    }
    w.settle().await.unwrap();
    assert_eq!(
        w.store.all_orders().await.unwrap().len(),
        12,
        "every update became one order"
    );
    let orders = w.store.all_orders().await.unwrap();
    for (chat, expected) in &expected {
        let mut made: Vec<i64> = orders
            .iter()
            .filter(|o| o.unit.as_str() == grid_of[chat])
            .map(|o| o.id.0)
            .collect();
        made.sort();
        assert_eq!(
            made.len(),
            4,
            "chat {chat}: its four whistles became orders"
        );
        let seen = card_numbers(&w, *chat);
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(sorted, made, "chat {chat}: every one of its cards once");
        assert_eq!(seen, made, "chat {chat}: its cards in order");
        let classes = [
            (
                "answers",
                numbers(&w, *chat, |m| m.reply_to.is_some(), "没有 #")
                    .into_iter()
                    .map(|k| k - 900)
                    .collect(),
            ),
            (
                "hints",
                numbers(&w, *chat, |m| m.reply_to.is_some(), "不认识的命令 /x"),
            ),
        ];
        for (class, arrival) in classes {
            let mut seen = arrival.clone();
            seen.sort();
            assert_eq!(
                &seen, expected,
                "chat {chat}: every one of the {class} once"
            );
            assert_eq!(arrival, seen, "chat {chat}: the {class} in order");
        }
    }
    let faults = w
        .standin
        .calls()
        .iter()
        .filter(|c| matches!(c.outcome, CallOutcome::Fault(_)))
        .count();
    assert!(faults >= 5, "the faults were met: {faults}");
    let (pending, sent, failed) = w.store.outbox_counts().await.unwrap();
    assert_eq!((pending, failed), (0, 0), "{sent} sent");
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_permanent_failure_is_recorded_on_the_timeline_not_retried_forever() {
    let mut w = world().await;
    let grid = w.chat("cuihu-2");
    w.standin.inject(
        Some("sendMessage"),
        Fault::Api {
            code: 403,
            description: "Forbidden: bot was kicked from the supergroup chat".into(),
        },
        1,
    );
    w.say(&grid, &w.user(1021), "吹哨 垃圾堆积").await.unwrap();
    let (pending, _, failed) = w.store.outbox_counts().await.unwrap();
    assert_eq!((pending, failed), (0, 1));
    let events = w.store.events(OrderId(1)).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::DeliveryFailed { chat, .. } if *chat == gridwhistle::domain::ChatId(grid.id))),
        "{events:?}"
    );
    let sends = w.standin.calls_to("sendMessage").len();
    assert_eq!(sends, 1, "not retried");
    w.say(&grid, &w.user(1021), "/show 1").await.unwrap();
    assert!(
        w.last(&grid).unwrap().text.contains("⚠️ 消息未能送达"),
        "{}",
        w.last(&grid).unwrap().text
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_group_that_became_a_supergroup_is_followed_and_the_message_resent_there() {
    let mut w = world().await;
    let grid = w.chat("yuanxi-1");
    let new_id = -1009999000302;
    w.standin.set_chat_migrated(grid.id, new_id);
    w.say(&grid, &w.user(1041), "吹哨 垃圾堆积").await.unwrap();
    assert!(w.standin.messages(grid.id).is_empty());
    let moved = w.standin.messages(new_id);
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(moved[0].text.starts_with("🔔 哨令 #1"));
    assert_eq!(
        w.chat_of_unit("yuanxi-1").await,
        Some(new_id),
        "the binding followed"
    );
    assert_no_violations(&w);
    w.stop().await;
}
