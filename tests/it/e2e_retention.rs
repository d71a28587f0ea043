//! Retention end to end (issue 11): once the sent outbox rows are pruned, the buttons on an
//! old card still work and a stale notice's buttons are still taken away, because who owns a
//! message and what buttons it shows are kept apart from the outbox. On SQLite, and on
//! PostgreSQL when TEST_DATABASE_URL is set.

use chrono::{DateTime, Duration, Utc};
use gridwhistle::clock::Clock;
use gridwhistle::domain::escalation::JobKind;
use gridwhistle::domain::{OrderId, OrderState};
use gridwhistle::sandbox::Sandbox;

use crate::e2e::*;

const HUASHAN: &str = include_str!("../../examples/huashan.toml");

/// Monday 2026-11-30 14:02 in Kunming, as `e2e::world`.
fn monday() -> DateTime<Utc> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(2026, 11, 30, 6, 2, 0).unwrap()
}

/// 李明 whistles, 王芳 reports and resolves; nobody verifies, so 李明 is reminded in the grid
/// chat and the community's duty officer is asked (both notices with 确认 / 退回). Forty days
/// later everything sent has been pruned from the outbox; 李明 presses 退回 on the card: the
/// order is reopened, and the reminder's and the question's buttons go.
async fn a_button_on_a_pruned_card_works_and_stale_notices_are_still_cleared(mut w: Sandbox) {
    let grid = w.chat("cuihu-1");
    let community = w.chat("cuihu");
    let card = whistle_as(&mut w, &grid, 1001, "吹哨 圆西路12号垃圾堆积 @环卫").await;
    let wang = w.user(1002);
    press(&mut w, &grid, &wang, card.message_id, "报到").await;
    say_as(&mut w, &grid, 1002, "/done 1 已清理").await;
    assert_eq!(order_state(&w, 1).await, OrderState::Resolved);
    let due: Vec<DateTime<Utc>> = w
        .store
        .pending_jobs(OrderId(1))
        .await
        .unwrap()
        .into_iter()
        .filter(|(k, _)| matches!(k, JobKind::VerifyRemind | JobKind::VerifyAsk))
        .map(|(_, at)| at)
        .collect();
    assert_eq!(due.len(), 2);
    let (before_grid, before_community) = (
        newest_bot_message(&w, &grid),
        newest_bot_message(&w, &community),
    );
    let by = due[1] - w.clock.now();
    w.advance(by).await.unwrap();
    let reminder = bot_messages_after(&w, &grid, before_grid);
    let asked = bot_messages_after(&w, &community, before_community);
    let notices: Vec<_> = reminder
        .iter()
        .map(|m| (&grid, m))
        .chain(asked.iter().map(|m| (&community, m)))
        .filter(|(_, m)| m.text.starts_with("⏰ #1"))
        .collect();
    assert_eq!(notices.len(), 2, "{reminder:#?} {asked:#?}");
    for (_, m) in &notices {
        assert_eq!(m.keyboard, keyboard(&[&[("确认", "v:1"), ("退回", "o:1")]]));
    }

    // Forty days on, the retention default (30 days) prunes every sent row.
    w.clock.advance(Duration::days(40));
    let pruned = w.prune().await.unwrap();
    assert!(pruned.outbox >= 6, "{pruned:?}");
    assert_eq!(w.store.outbox_counts().await.unwrap(), (0, 0, 0));
    assert_eq!(
        card_now(&w, &grid, 1).await.keyboard,
        keyboard(&[&[("确认", "v:1"), ("退回", "o:1")]])
    );

    // The card's button still works: the press is the bot's own message about order 1.
    let li = w.user(1001);
    let toast = press(&mut w, &grid, &li, card.message_id, "退回").await;
    assert_eq!(order_state(&w, 1).await, OrderState::Reported, "{toast}");
    for (chat, m) in &notices {
        let now = w.standin.message(chat.id, m.message_id).unwrap();
        assert!(now.keyboard.is_empty(), "buttons left on {:?}", now.text);
    }
    assert!(
        !card_now(&w, &grid, 1).await.keyboard.is_empty(),
        "the card shows the buttons of a reopened order"
    );
    // A press on a pruned notice's button that is stale now is refused, not acted on.
    let zhao = w.user(1100);
    let toast = press_data(&mut w, &community, &zhao, notices[1].1.message_id, "v:1").await;
    eprintln!("TOAST {toast}");
    assert_eq!(order_state(&w, 1).await, OrderState::Reported);
    assert_no_violations(&w);
    assert_eq!(w.standin.not_modified_count(), 0);
    w.stop().await;
}

#[tokio::test]
async fn sqlite_a_button_on_a_pruned_card_works_and_stale_notices_are_still_cleared() {
    a_button_on_a_pruned_card_works_and_stale_notices_are_still_cleared(world().await).await;
}

#[tokio::test]
async fn postgres_a_button_on_a_pruned_card_works_and_stale_notices_are_still_cleared() {
    let Some(db) = crate::support::postgres("retention").await else {
        return;
    };
    let w = Sandbox::start(HUASHAN, Some(db.url.clone()), monday())
        .await
        .unwrap();
    a_button_on_a_pruned_card_works_and_stale_notices_are_still_cleared(w).await;
}
