//! Long texts end to end (issue 8, defect 3): Telegram measures a message in UTF-16 code units
//! of its visible text, and the stand-in refuses what Telegram refuses. Orders of emoji and of
//! `<&>` go through every kind of message the bot sends, and every one is accepted.

use chrono::Duration;
use gridwhistle::domain::{OrderId, OrderState};
use gridwhistle::sandbox::Sandbox;
use gridwhistle::standin::{utf16_len, SentMessage, TgChat};

use crate::e2e::*;

/// Every request was accepted and nothing waits or failed in the outbox.
async fn all_accepted(w: &Sandbox) {
    assert_no_violations(w);
    let (pending, _, failed) = w.store.outbox_counts().await.unwrap();
    assert_eq!((pending, failed), (0, 0), "messages pending or failed");
    for (chat, _) in w.chat_titles() {
        for m in w.standin.messages(chat) {
            assert!(utf16_len(&m.text) <= 4096, "{}", m.text.len());
        }
    }
}

/// The end of a long text, for an assertion's message.
fn tail(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    chars[chars.len().saturating_sub(300)..].iter().collect()
}

/// The beginnings of messages, for an assertion's message.
fn heads(ms: &[SentMessage]) -> Vec<String> {
    ms.iter()
        .map(|m| m.text.chars().take(60).collect())
        .collect()
}

/// `who` replies to message `to` in `chat`; the bot's new messages there.
async fn reply_as(w: &mut Sandbox, chat: &TgChat, who: i64, to: i32, text: &str) -> usize {
    let before = newest_bot_message(w, chat);
    let user = w.user(who);
    w.reply(chat, &user, to, text).await.unwrap();
    bot_messages_after(w, chat, before).len()
}

/// The answer to a command, which must come.
async fn answer(w: &mut Sandbox, chat: &TgChat, who: i64, text: &str) -> SentMessage {
    let new = say_as(w, chat, who, text).await;
    assert!(!new.is_empty(), "no answer to {:.40}", text);
    new.last().unwrap().clone()
}

#[tokio::test]
async fn a_card_of_1500_emoji_kept_showing_report_after_done() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let text = format!("吹哨 {} 地点：圆西路12号 @环卫 @城管", "😀".repeat(1500));
    let card = whistle_as(&mut w, &grid, 1001, &text).await;
    assert!(card.text.contains("📍 圆西路12号"), "{}", tail(&card.text));
    let note = "👍".repeat(500);
    say_as(&mut w, &grid, 1002, &format!("/done 1 {note}")).await;
    let now = card_now(&w, &grid, 1).await;
    assert_eq!(now.message_id, card.message_id);
    assert!(now.text.contains("✅ 已处置 — 王芳"), "{}", tail(&now.text));
    assert_eq!(
        now.keyboard,
        keyboard(&[&[("确认", "v:1"), ("退回", "o:1")]]),
        "the card still offered 报到"
    );
    all_accepted(&w).await;
    w.stop().await;
}

#[tokio::test]
async fn show_answered_nothing_for_an_order_of_emoji() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    whistle_as(
        &mut w,
        &grid,
        1001,
        &format!("吹哨 {} @环卫", "😀".repeat(1500)),
    )
    .await;
    say_as(
        &mut w,
        &grid,
        1002,
        &format!("/done 1 {}", "👍".repeat(500)),
    )
    .await;
    let show = ask(&mut w, &grid, 1001, "/show 1").await;
    assert!(show.contains("时间线"), "{}", tail(&show));
    assert!(show.contains("王芳 已处置"), "{}", tail(&show));
    all_accepted(&w).await;
    w.stop().await;
}

#[tokio::test]
async fn show_of_an_order_full_of_angle_brackets_dropped_everything_after_the_title() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let body = "<&>".repeat(450);
    whistle_as(&mut w, &grid, 1001, &format!("吹哨 {body} @环卫")).await;
    let show = ask(&mut w, &grid, 1001, "/show 1").await;
    assert!(show.contains(&body), "the text was cut: {}", tail(&show));
    assert!(show.contains("\n时间线\n"), "{}", tail(&show));
    assert!(show.contains("李明 吹哨"), "{}", tail(&show));
    assert!(show.contains("处置：还剩"), "{}", tail(&show));
    all_accepted(&w).await;
    w.stop().await;
}

#[tokio::test]
async fn eight_long_emoji_notes_made_the_escalation_notice_too_long() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let community = w.chat("cuihu");
    let card = whistle_as(&mut w, &grid, 1001, "吹哨 圆西路垃圾堆积 @环卫").await;
    for i in 0..8 {
        let note = format!("{i} {}", "🗑".repeat(300));
        assert_eq!(
            reply_as(&mut w, &grid, 1002, card.message_id, &note).await,
            1
        );
    }
    let before = newest_bot_message(&w, &community);
    say_as(
        &mut w,
        &grid,
        1001,
        &format!("/escalate 1 {}", "🆘".repeat(300)),
    )
    .await;
    let notices = bot_messages_after(&w, &community, before);
    let notice = notices
        .iter()
        .find(|m| m.text.starts_with("⬆️ #1"))
        .unwrap_or_else(|| panic!("no escalation notice: {:#?}", heads(&notices)));
    assert!(
        notice.text.contains("王芳：7 "),
        "the latest note is kept: {}",
        notice.text
    );
    all_accepted(&w).await;
    w.stop().await;
}

/// The longest order people can make goes through every kind of message: its card and its
/// edits, progress notes, a reminder in the chat and in private, an escalation notice, /show,
/// /list, resolved, reopened and closed.
async fn every_message_kind(body: &str) {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let community = w.chat("cuihu");
    let liu = w.user(1004);
    let start = w.standin.private_text(&liu, "/start");
    w.push(start).await.unwrap();

    let card = whistle_as(&mut w, &grid, 1001, &format!("吹哨 {body} @环卫 @城管")).await;
    let long_note = body.chars().take(2000).collect::<String>();
    for _ in 0..8 {
        assert_eq!(
            reply_as(&mut w, &grid, 1002, card.message_id, &long_note).await,
            1
        );
    }
    // 20 minutes on, 刘洋 (城管) has not reported: reminded in the chat and privately.
    let before = newest_bot_message(&w, &grid);
    w.advance(Duration::minutes(20)).await.unwrap();
    let reminders = bot_messages_after(&w, &grid, before);
    assert!(
        reminders.iter().any(|m| m.text.starts_with("⏰ #1")),
        "{:#?}",
        heads(&reminders)
    );
    assert!(
        w.standin
            .messages(1004)
            .iter()
            .any(|m| m.text.starts_with("⏰ #1")),
        "no private reminder"
    );

    let before = newest_bot_message(&w, &community);
    say_as(&mut w, &grid, 1001, &format!("/escalate 1 {long_note}")).await;
    assert!(
        bot_messages_after(&w, &community, before)
            .iter()
            .any(|m| m.text.starts_with("⬆️ #1")),
        "no escalation notice"
    );
    for (chat, who) in [(&grid, 1001), (&community, 1100)] {
        let show = answer(&mut w, chat, who, "/show 1").await;
        assert!(show.text.contains("时间线"), "{}", tail(&show.text));
        let list = answer(&mut w, chat, who, "/list").await;
        assert!(list.text.contains("#1 "), "{}", tail(&list.text));
    }

    let notices = say_as(&mut w, &grid, 1002, &format!("/done 1 {long_note}")).await;
    assert!(
        notices.iter().any(|m| m.text.starts_with("✅ 已处置 #1")),
        "{:#?}",
        heads(&notices)
    );
    assert!(card_now(&w, &grid, 1)
        .await
        .text
        .contains("✅ 已处置 — 王芳"));
    say_as(&mut w, &grid, 1001, &format!("/reopen 1 {long_note}")).await;
    assert_eq!(order_state(&w, 1).await, OrderState::Open);
    say_as(&mut w, &grid, 1002, &format!("/done 1 {long_note}")).await;
    answer(&mut w, &grid, 1001, "/show 1").await;
    answer(&mut w, &grid, 1001, "/verify 1").await;
    assert_eq!(order_state(&w, 1).await, OrderState::Closed);
    assert!(card_now(&w, &grid, 1).await.text.contains("🏁 已办结"));
    answer(&mut w, &grid, 1001, "/show 1").await;
    let events = w.store.events(OrderId(1)).await.unwrap();
    assert!(events.len() >= 15, "{}", events.len());
    all_accepted(&w).await;
    w.stop().await;
}

#[tokio::test]
async fn the_longest_order_of_emoji_goes_through_every_message_kind() {
    every_message_kind(&"😀".repeat(4000)).await;
}

#[tokio::test]
async fn the_longest_order_of_angle_brackets_goes_through_every_message_kind() {
    every_message_kind(&"<&>".repeat(1365)).await;
}
