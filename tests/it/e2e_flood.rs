//! One person cannot stall a chat (issue 8, defect 2): under Telegram's pace (20 messages a
//! minute per group) a flood of unknown commands is answered once per person, and an urgent
//! card goes before any pile of refusals; the refusals themselves keep their order.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use gridwhistle::sandbox::Sandbox;
use gridwhistle::standin::{Fault, SentMessage, StandIn, TgChat};
use gridwhistle::telegram::sender::Pacing;

use crate::e2e::assert_no_violations;

const HUASHAN: &str = include_str!("../../examples/huashan.toml");
const URGENT: &str = "吹哨 圆西路12号门口垃圾堆积 紧急";
const UNKNOWN: &str = "不认识的命令";

async fn paced_world(pacing: Pacing) -> Sandbox {
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 6, 2, 0).unwrap();
    Sandbox::start_paced(HUASHAN, None, now, pacing)
        .await
        .expect("sandbox")
}

fn is_card(m: &SentMessage) -> bool {
    m.text.starts_with("🔔 哨令 #")
}

/// The first line of each of the bot's messages in `chat`, in the order they arrived.
fn first_lines(w: &Sandbox, chat: &TgChat) -> Vec<String> {
    let mut messages = w.messages(chat);
    messages.sort_by_key(|m| m.message_id);
    messages
        .iter()
        .map(|m| m.text.lines().next().unwrap_or_default().to_string())
        .collect()
}

/// Waits (bounded) for the card in `chat`; how long after `since` it arrived.
async fn card_arrives(standin: &StandIn, chat: i64, since: Instant) -> Duration {
    let arrived = standin
        .wait_until(
            |s| s.messages(chat).iter().any(is_card),
            Duration::from_secs(60),
        )
        .await;
    assert!(arrived, "the card never arrived");
    since.elapsed()
}

#[tokio::test]
async fn a_strangers_sixty_unknown_commands_get_one_hint_and_an_urgent_card_goes_at_once() {
    let mut w = paced_world(Pacing::TELEGRAM).await;
    let grid = w.chat("cuihu-1");
    let stranger = w.user(5555);
    for i in 0..60 {
        let u = w.standin.group_text(&grid, &stranger, &format!("/x{i}"));
        w.queue(u);
    }
    // Regression: a command addressed to another bot is never answered.
    let u = w.standin.group_text(&grid, &stranger, "/x@other_bot");
    w.queue(u);
    let whistled = Instant::now();
    let u = w.standin.group_text(&grid, &w.user(1001), URGENT);
    w.queue(u);
    let card_after = card_arrives(&w.standin, grid.id, whistled).await;
    w.settle().await.unwrap();
    let lines = first_lines(&w, &grid);
    println!(
        "one stranger, 60 unknown commands, then an urgent whistle, Telegram's pace: the chat \
         got {lines:?}; the card {:.2} s after the whistle",
        card_after.as_secs_f64()
    );
    assert_eq!(lines.len(), 2, "one hint and the card: {lines:?}");
    let hint = w
        .messages(&grid)
        .into_iter()
        .find(|m| m.text.starts_with(UNKNOWN))
        .expect("one hint");
    assert!(hint.text.starts_with("不认识的命令 /x0。"), "{}", hint.text);
    assert!(hint.reply_to.is_some());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("🔔 哨令 #1") && l.ends_with("紧急")),
        "{lines:?}"
    );
    // The card waits at most the chat's one-second gap after the hint.
    assert!(
        card_after < Duration::from_secs(5),
        "the card took {card_after:?}"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn an_urgent_card_goes_before_a_pile_of_sixty_strangers_refusals_which_keep_their_order() {
    // Telegram's limits replayed 30 times faster; a 429 on the first answer holds the chat for
    // 3 s, so that all 60 refusals are queued when the whistle comes.
    let mut w = paced_world(Pacing::TELEGRAM.faster(30)).await;
    let grid = w.chat("cuihu-1");
    w.standin.inject(
        Some("sendMessage"),
        Fault::TooManyRequests { retry_after: 3 },
        1,
    );
    let start = Instant::now();
    for i in 0..60 {
        let stranger = w.user(6000 + i);
        let u = w.standin.group_text(&grid, &stranger, &format!("/x{i}"));
        w.queue(u);
    }
    let u = w.standin.group_text(&grid, &w.user(1001), URGENT);
    w.queue(u);
    while w.store.processed_update_count().await.unwrap() < 61 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let processed = start.elapsed();
    assert!(
        processed < Duration::from_secs(3),
        "the test needs the updates handled within the 429's hold: {processed:?}"
    );
    w.settle().await.unwrap();
    let lines = first_lines(&w, &grid);
    assert_eq!(lines.len(), 61, "{lines:?}");
    assert!(
        lines[0].starts_with("🔔 哨令 #1"),
        "the card first: {lines:?}"
    );
    // The refusals (one class) in the order they were asked for.
    let refusals: Vec<&str> = lines[1..].iter().map(|l| l.as_str()).collect();
    let expected: Vec<String> = (0..60)
        .map(|i| format!("{UNKNOWN} /x{i}。发送 /help 查看可用命令。"))
        .collect();
    assert_eq!(refusals, expected);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn edits_that_pile_up_behind_telegrams_pace_go_out_as_one() {
    let mut w = paced_world(Pacing::TELEGRAM).await;
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let card = crate::e2e::whistle(
        &mut w,
        &grid,
        &leader,
        "吹哨 圆西路12号垃圾堆积 @环卫 @城管",
    )
    .await;
    // Within the chat's one-second gap after the card: two reports and the resolution, each an
    // edit of the card; all but the last are dropped before the pacer counts them.
    for (who, label) in [(1002, "报到"), (1004, "报到")] {
        let u = w
            .standin
            .press_button(grid.id, &w.user(who), card.message_id, label)
            .expect("the button");
        w.queue(u);
    }
    let u = w.standin.group_text(&grid, &w.user(1002), "/done 1 已清理");
    w.queue(u);
    w.settle().await.unwrap();
    let edits = w.standin.calls_to("editMessageText").len();
    let now = w.card(&grid, 1).await.expect("the card");
    for seen in [
        "王芳 · 14:02 报到",
        "刘洋 · 14:02 报到",
        "✅ 已处置 — 王芳 14:02：已清理",
    ] {
        assert!(now.text.contains(seen), "{seen}: {}", now.text);
    }
    assert!(
        edits <= 2,
        "three edits queued within the gap went out as {edits}"
    );
    assert_eq!(now.edit_count as usize, edits);
    assert_eq!(
        now.keyboard,
        crate::e2e::keyboard(&[&[("确认", "v:1"), ("退回", "o:1")]])
    );
    assert_no_violations(&w);
    w.stop().await;
}
