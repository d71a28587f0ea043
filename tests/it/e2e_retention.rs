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
async fn a_button_on_a_pruned_card_works_and_stale_notices_are_still_cleared_on(mut w: Sandbox) {
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
    // A stale button pressed anyway (a client that had not redrawn) is refused, not acted on.
    let zhao = w.user(1100);
    let toast = press_data(&mut w, &community, &zhao, notices[1].1.message_id, "v:1").await;
    assert_eq!(toast, "#1 还没有处置，无法确认或退回。");
    assert_eq!(order_state(&w, 1).await, OrderState::Reported);
    assert_no_violations(&w);
    // (No edit answered "message is not modified": the world checks it as it stops.)
    w.stop().await;
}

#[tokio::test]
async fn a_button_on_a_pruned_card_works_and_stale_notices_are_still_cleared() {
    a_button_on_a_pruned_card_works_and_stale_notices_are_still_cleared_on(world().await).await;
    // And on PostgreSQL when TEST_DATABASE_URL is set.
    if let Some(db) = crate::support::postgres("retention").await {
        let w = Sandbox::start(HUASHAN, Some(db.url.clone()), monday())
            .await
            .unwrap();
        a_button_on_a_pruned_card_works_and_stale_notices_are_still_cleared_on(w).await;
    }
}

/// The harness's own check: an edit that leaves a message as it was ("message is not
/// modified") fails the test whose world it happened in, when the world goes away.
#[tokio::test]
#[should_panic(expected = "message is not modified")]
async fn a_wasted_edit_fails_the_world_it_happened_in() {
    use teloxide::prelude::Requester;
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let before = newest_bot_message(&w, &grid);
    say_as(&mut w, &grid, 1001, "/roster").await;
    let answer = bot_messages_after(&w, &grid, before)
        .pop()
        .expect("an answer");
    assert!(answer.keyboard.is_empty());
    // Taking buttons off a message that has none: Telegram answers "message is not modified".
    let refused = w
        .standin
        .bot()
        .edit_message_reply_markup(
            teloxide::types::ChatId(grid.id),
            teloxide::types::MessageId(answer.message_id),
        )
        .await;
    assert!(refused.is_err());
    assert_eq!(w.standin.not_modified_count(), 1);
    w.stop().await;
}

/// `gridwhistle prune` removes what `[retention]` no longer keeps and says how much, in the
/// operator's language; a `[retention]` value out of range is refused with its line.
#[tokio::test]
async fn prune_on_the_command_line_says_what_it_removed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let url = format!("sqlite://{}", db.display());
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_gridwhistle"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("GRIDWHISTLE_LANG", "en")
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    };
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/huashan.toml");
    assert!(run(&["org", "import", example]).status.success());
    let store = gridwhistle::storage::Store::connect(&url).await.unwrap();
    let now = Utc::now();
    for (id, processed) in [(1, Some(10)), (2, Some(1)), (3, None)] {
        let at = now - Duration::days(processed.unwrap_or(0));
        store
            .record_update(
                id,
                gridwhistle::domain::ChatId(-1),
                None,
                "{\"text\":\"x\"}",
                at,
            )
            .await
            .unwrap();
        if processed.is_some() {
            store.mark_update_processed(id, at).await.unwrap();
        }
    }
    store.close().await;
    let out = run(&["prune"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Pruned: 1 update payloads blanked, 1 old updates, 0 sent messages, 0 done jobs, 0 people removed.\n"
    );
    let again = run(&["--lang", "zh-Hans", "prune"]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "已清理：清空 0 条更新内容，删除 0 条旧更新、0 条已发消息记录、0 个已完成任务、0 位人员。\n"
    );

    let broken = dir.path().join("broken.toml");
    let text = format!("{HUASHAN}\n[retention]\nupdate_ids_days = 0\n");
    std::fs::write(&broken, &text).unwrap();
    let refused = run(&["org", "import", broken.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let line = text
        .lines()
        .position(|l| l == "update_ids_days = 0")
        .unwrap()
        + 1;
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains(&format!(
            "{line}: update_ids_days = 0 in [retention] is out of range (1 to 3650 days)"
        )),
        "{err}"
    );
}
