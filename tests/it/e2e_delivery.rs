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
    w.standin
        .messages(chat)
        .iter()
        .filter_map(|m| {
            let first = m.text.lines().next()?;
            let n = first.strip_prefix("🔔 哨令 #")?.split_whitespace().next()?;
            n.parse().ok()
        })
        .collect()
}

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
        }
    }
    w.settle().await.unwrap();
    assert_eq!(
        w.store.all_orders().await.unwrap().len(),
        12,
        "every update became one order"
    );
    for (chat, numbers) in &expected {
        let mut seen = card_numbers(&w, *chat);
        let arrival = seen.clone();
        seen.sort();
        assert_eq!(&seen, numbers, "chat {chat}: every card once");
        assert_eq!(arrival, seen, "chat {chat}: in order");
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
            .any(|e| matches!(&e.kind, EventKind::DeliveryFailed { chat, .. } if *chat == grid.id)),
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
