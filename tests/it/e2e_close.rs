//! Progress and closing: notes on the timeline, resolve (command and button), verify, reopen,
//! cancel, and who may do which.

use gridwhistle::domain::OrderState;
use gridwhistle::sandbox::Sandbox;
use gridwhistle::standin::SentMessage;

use crate::e2e::*;

/// 李明 whistles rubbish (summoning sanitation) and 王芳 reports: the card.
async fn reported_rubbish(w: &mut Sandbox) -> SentMessage {
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let wang = w.user(1002);
    let card = whistle(w, &grid, &leader, "吹哨 圆西路12号垃圾堆积").await;
    press(w, &grid, &wang, card.message_id, "报到").await;
    card
}

#[tokio::test]
async fn replies_with_text_or_a_photo_are_progress_notes_on_the_timeline() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let wang = w.user(1002);
    let card = reported_rubbish(&mut w).await;
    w.clock.advance(chrono::Duration::minutes(10));
    let before = newest_bot_message(&w, &grid);
    w.reply(&grid, &wang, card.message_id, "已到现场，正在清理")
        .await
        .unwrap();
    let answers = bot_messages_after(&w, &grid, before);
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].text, "📝 已记入 #1 的进展。");

    w.clock.advance(chrono::Duration::minutes(20));
    let mut photo = w.standin.photo(&grid, &wang, Some("清理后"));
    let quoted = w.standin.reply(&grid, &wang, card.message_id, "").unwrap();
    photo["message"]["reply_to_message"] = quoted["message"]["reply_to_message"].clone();
    let answers = push_and_collect(&mut w, &grid, photo).await;
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].text, "📝 已记入 #1 的进展。");

    let show = ask(&mut w, &grid, 1001, "/show 1").await;
    let timeline: Vec<&str> = show
        .lines()
        .skip_while(|l| *l != "时间线")
        .take(5)
        .collect();
    assert_eq!(
        timeline,
        vec![
            "时间线",
            "14:02 李明 吹哨",
            "14:02 王芳 报到（环卫保洁员）",
            "14:12 王芳：已到现场，正在清理",
            "14:32 王芳：[照片] 清理后",
        ],
        "{show}"
    );
    assert!(
        show.ends_with("14:32 王芳：[照片] 清理后\n⏳ 处置：还剩")
            || show.lines().last().unwrap().starts_with("⏳ 处置：还剩 "),
        "{show}"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn done_resolves_and_asks_the_whistler_to_verify_then_verify_closes() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let card = reported_rubbish(&mut w).await;
    w.clock.advance(chrono::Duration::minutes(30));
    let new = say_as(&mut w, &grid, 1002, "/done 1 已清理完毕").await;
    assert_eq!(new.len(), 1, "{new:#?}");
    let notice = &new[0];
    assert_eq!(
        notice.reply_to,
        Some(card.message_id),
        "the notice replies to the card"
    );
    assert_eq!(
        notice.text,
        "✅ 已处置 #1 — 王芳 14:32：已清理完毕\n请吹哨人 @liming 确认："
    );
    assert_eq!(notice.mentioned_user_ids, vec![1001]);
    assert_eq!(
        notice.keyboard,
        keyboard(&[&[("确认", "v:1"), ("退回", "o:1")]])
    );
    let resolved = card_now(&w, &grid, 1).await;
    assert!(
        resolved
            .text
            .contains("✅ 已处置 — 王芳 14:32：已清理完毕\n请吹哨人 @liming 确认。"),
        "{}",
        resolved.text
    );
    assert_eq!(
        resolved.keyboard,
        keyboard(&[&[("确认", "v:1"), ("退回", "o:1")]])
    );
    assert_eq!(order_state(&w, 1).await, OrderState::Resolved);

    let answer = ask(&mut w, &grid, 1001, "/verify 1").await;
    assert_eq!(answer, "🏁 #1 已确认办结，谢谢大家！");
    let closed = card_now(&w, &grid, 1).await;
    assert!(
        closed.text.ends_with("🏁 已办结 — 李明 14:32 确认"),
        "{}",
        closed.text
    );
    assert!(
        closed.keyboard.is_empty(),
        "no buttons on a closed card: {:?}",
        closed.keyboard
    );
    assert_eq!(order_state(&w, 1).await, OrderState::Closed);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn resolve_and_verify_by_buttons() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let wang = w.user(1002);
    let card = reported_rubbish(&mut w).await;
    let toast = press(&mut w, &grid, &wang, card.message_id, "已处置").await;
    assert_eq!(toast, "✅ #1 已标记为已处置，等待吹哨人确认。");
    let notice = w.last(&grid).unwrap();
    assert_eq!(notice.reply_to, Some(card.message_id));
    assert_eq!(
        notice.text,
        "✅ 已处置 #1 — 王芳 14:02\n请吹哨人 @liming 确认："
    );
    // Only the whistler (or a leader) verifies.
    let toast = press(&mut w, &grid, &wang, notice.message_id, "确认").await;
    assert_eq!(toast, "只有吹哨人、网格长或值班员可以确认或退回 #1。");
    assert_eq!(order_state(&w, 1).await, OrderState::Resolved);
    let toast = press(&mut w, &grid, &leader, notice.message_id, "确认").await;
    assert_eq!(toast, "🏁 #1 已确认办结，谢谢大家！");
    let closed = card_now(&w, &grid, 1).await;
    assert!(
        closed.text.contains("🏁 已办结 — 李明 14:02 确认"),
        "{}",
        closed.text
    );
    assert!(closed.keyboard.is_empty());
    // The notice's buttons are gone now; a press from a client still showing them (its old
    // callback data) changes nothing.
    assert!(w
        .standin
        .message(grid.id, notice.message_id)
        .unwrap()
        .keyboard
        .is_empty());
    let edits = closed.edit_count;
    let stale = w
        .standin
        .callback(grid.id, &leader, notice.message_id, "o:1")
        .unwrap();
    w.push(stale).await.unwrap();
    assert_eq!(last_toast(&w), "#1 已办结。");
    assert_eq!(card_now(&w, &grid, 1).await.edit_count, edits);
    assert_eq!(order_state(&w, 1).await, OrderState::Closed);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn reopen_keeps_the_reports_and_asks_the_reporters_to_continue() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let card = reported_rubbish(&mut w).await;
    ask(&mut w, &grid, 1002, "/done 1 已清理").await;
    let answer = ask(&mut w, &grid, 1001, "/reopen 1").await;
    assert_eq!(answer, "请写明退回原因，例如 /reopen 42 垃圾还没清完");
    let new = say_as(&mut w, &grid, 1001, "/reopen 1 垃圾还没清完").await;
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0].reply_to, Some(card.message_id));
    assert_eq!(
        new[0].text,
        "↩️ #1 被 李明 退回：垃圾还没清完\n@wangfang 请继续处置。"
    );
    assert_eq!(
        new[0].mentioned_user_ids,
        vec![1002],
        "the one who reported is asked to continue"
    );
    let reopened = card_now(&w, &grid, 1).await;
    assert!(
        reopened.text.contains("✅ 环卫保洁员  王芳 · 14:02 报到"),
        "reports are kept: {}",
        reopened.text
    );
    assert!(
        reopened.text.ends_with("↩️ 已退回：垃圾还没清完"),
        "{}",
        reopened.text
    );
    assert_eq!(reopened.keyboard, keyboard(&[&[("已处置", "d:1")]]));
    assert!(order_state(&w, 1).await.is_active());
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn cancel_by_the_whistler_works_and_by_a_sanitation_worker_is_refused() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let volunteer = w.user(1011);
    let card = whistle(&mut w, &grid, &volunteer, "吹哨 圆西路12号垃圾堆积").await;
    let answer = ask(&mut w, &grid, 1002, "/cancel 1 重复了").await;
    assert_eq!(answer, "只有吹哨人、网格长或值班员可以撤销 #1。");
    assert_eq!(order_state(&w, 1).await, OrderState::Open);
    let answer = ask(&mut w, &grid, 1011, "/cancel 1 与 #41 重复").await;
    assert_eq!(answer, "🚫 #1 已撤销。");
    let cancelled = card_now(&w, &grid, 1).await;
    assert_eq!(cancelled.message_id, card.message_id);
    assert!(
        cancelled
            .text
            .ends_with("🚫 已撤销 — 孙丽 14:02：与 #41 重复"),
        "{}",
        cancelled.text
    );
    assert!(cancelled.keyboard.is_empty());
    assert_eq!(order_state(&w, 1).await, OrderState::Cancelled);
    let answer = ask(&mut w, &grid, 1011, "/cancel 1 再撤一次").await;
    assert_eq!(answer, "#1 已撤销。");
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn cancel_without_a_reason_answers_with_the_usage() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    whistle_as(&mut w, &grid, 1001, "吹哨 圆西路12号垃圾堆积").await;
    for text in ["/cancel 1", "/cancel"] {
        let answer = ask(&mut w, &grid, 1001, text).await;
        assert_eq!(
            answer, "请写明撤销原因，例如 /cancel 42 与 #41 重复",
            "{text}"
        );
        after_hint_quiet_time(&w);
    }
    assert_eq!(order_state(&w, 1).await, OrderState::Open);
    assert_no_violations(&w);
    w.stop().await;
}
