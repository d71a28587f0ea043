//! Reporting for duty: the button, a reply, /ack; what is not a report; refusals; repeats; the
//! report button going away once everyone has reported.

use gridwhistle::domain::{EventKind, OrderId, OrderState};
use gridwhistle::sandbox::Sandbox;
use gridwhistle::standin::SentMessage;

use crate::e2e::*;

/// 李明 whistles rubbish and street vendors: sanitation (王芳, 赵桂英) and enforcement (刘洋).
async fn rubbish_and_vendors(w: &mut Sandbox) -> SentMessage {
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let card = whistle(w, &grid, &leader, "吹哨 圆西路12号垃圾堆积 @环卫 @城管").await;
    assert_eq!(card.mentioned_user_ids, vec![1002, 1003, 1004]);
    card
}

async fn reports_recorded(w: &Sandbox, order: i64) -> usize {
    let events = w.store.events(OrderId(order)).await.unwrap();
    events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Reported { .. }))
        .count()
}

#[tokio::test]
async fn the_report_button_puts_who_and_when_on_the_card() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let wang = w.user(1002);
    let card = rubbish_and_vendors(&mut w).await;
    let toast = press(&mut w, &grid, &wang, card.message_id, "报到").await;
    assert_eq!(toast, "✅ 已报到 #1");
    let now = card_now(&w, &grid, 1).await;
    assert_eq!(
        now.message_id, card.message_id,
        "edited in place, not reposted"
    );
    assert_eq!(now.edit_count, 1);
    assert!(
        now.text.contains("✅ 环卫保洁员  王芳 · 14:02 报到"),
        "{}",
        now.text
    );
    assert!(
        now.text.contains("⏳ 城管执法员  @liuyang 刘洋"),
        "{}",
        now.text
    );
    assert_eq!(
        now.keyboard,
        keyboard(&[&[("报到", "r:1"), ("已处置", "d:1")]]),
        "still waiting for 城管"
    );
    assert_eq!(
        bot_messages_after(&w, &grid, card.message_id).len(),
        0,
        "a toast, no chat message"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn when_everyone_has_reported_the_report_button_disappears() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let wang = w.user(1002);
    let liu = w.user(1004);
    let card = rubbish_and_vendors(&mut w).await;
    press(&mut w, &grid, &wang, card.message_id, "报到").await;
    w.clock.advance(chrono::Duration::minutes(5));
    press(&mut w, &grid, &liu, card.message_id, "报到").await;
    let now = card_now(&w, &grid, 1).await;
    assert!(
        now.text.contains("✅ 环卫保洁员  王芳 · 14:02 报到"),
        "{}",
        now.text
    );
    assert!(
        now.text.contains("✅ 城管执法员  刘洋 · 14:07 报到"),
        "{}",
        now.text
    );
    assert!(!now.text.contains("⏳"), "{}", now.text);
    assert!(
        !now.text.contains("前报到"),
        "no report deadline left: {}",
        now.text
    );
    assert_eq!(now.keyboard, keyboard(&[&[("已处置", "d:1")]]));
    assert_eq!(order_state(&w, 1).await, OrderState::Reported);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_reply_saying_received_reports_for_duty() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let liu = w.user(1004);
    let card = rubbish_and_vendors(&mut w).await;
    let before = newest_bot_message(&w, &grid);
    w.reply(&grid, &liu, card.message_id, "收到！")
        .await
        .unwrap();
    let answers = bot_messages_after(&w, &grid, before);
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].text, "✅ 已报到 #1");
    assert!(card_now(&w, &grid, 1)
        .await
        .text
        .contains("✅ 城管执法员  刘洋 · 14:02 报到"));
    assert_eq!(reports_recorded(&w, 1).await, 1);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn the_ack_command_reports_for_duty() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    rubbish_and_vendors(&mut w).await;
    let answer = ask(&mut w, &grid, 1003, "/ack 1").await;
    assert_eq!(answer, "✅ 已报到 #1");
    assert!(card_now(&w, &grid, 1)
        .await
        .text
        .contains("✅ 环卫保洁员  赵桂英 · 14:02 报到"));
    let answer = ask(&mut w, &grid, 1004, "/ack #1").await;
    assert_eq!(answer, "✅ 已报到 #1");
    assert_eq!(order_state(&w, 1).await, OrderState::Reported);
    let answer = ask(&mut w, &grid, 1004, "/ack").await;
    assert_eq!(answer, "请写上哨令编号，例如 /show 42，或回复哨令卡片。");
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_reply_saying_cannot_do_it_is_a_progress_note_not_a_report() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let wang = w.user(1002);
    let card = rubbish_and_vendors(&mut w).await;
    for text in ["做不到", "收到？"] {
        let before = newest_bot_message(&w, &grid);
        w.reply(&grid, &wang, card.message_id, text).await.unwrap();
        let answers = bot_messages_after(&w, &grid, before);
        assert_eq!(answers.len(), 1, "{text}");
        assert_eq!(answers[0].text, "📝 已记入 #1 的进展。", "{text}");
    }
    let now = card_now(&w, &grid, 1).await;
    assert_eq!(now.edit_count, 0, "the card did not change");
    assert!(now.text.contains("⏳ 环卫保洁员"), "{}", now.text);
    assert_eq!(reports_recorded(&w, 1).await, 0);
    let show = ask(&mut w, &grid, 1001, "/show 1").await;
    assert!(show.contains("14:02 王芳：做不到"), "{show}");
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn someone_not_summoned_is_refused_with_their_role() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let police = w.user(1007);
    let card = rubbish_and_vendors(&mut w).await;
    let toast = press(&mut w, &grid, &police, card.message_id, "报到").await;
    assert_eq!(toast, "只有被召集的人可以报到或处置。你的角色：社区民警。");
    let answer = ask(&mut w, &grid, 5555, "/ack 1").await;
    assert_eq!(
        answer,
        "只有被召集的人可以报到或处置。你的角色：不在本单位名册上。"
    );
    let before = newest_bot_message(&w, &grid);
    w.reply(&grid, &police, card.message_id, "收到")
        .await
        .unwrap();
    let answers = bot_messages_after(&w, &grid, before);
    assert_eq!(answers.len(), 1);
    assert_eq!(
        answers[0].text,
        "只有被召集的人可以报到或处置。你的角色：社区民警。"
    );
    assert_eq!(card_now(&w, &grid, 1).await.edit_count, 0);
    assert_eq!(reports_recorded(&w, 1).await, 0);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn repeated_reports_are_harmless() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let wang = w.user(1002);
    let card = rubbish_and_vendors(&mut w).await;
    press(&mut w, &grid, &wang, card.message_id, "报到").await;
    let after_first = card_now(&w, &grid, 1).await;
    w.clock.advance(chrono::Duration::minutes(3));
    let toast = press(&mut w, &grid, &wang, card.message_id, "报到").await;
    assert_eq!(toast, "你已于 14:02 报到 #1。");
    let answer = ask(&mut w, &grid, 1002, "/ack 1").await;
    assert_eq!(answer, "你已于 14:02 报到 #1。");
    // 赵桂英 holds the same role: the party has reported already, by her colleague.
    let answer = ask(&mut w, &grid, 1003, "/ack 1").await;
    assert_eq!(answer, "王芳已于 14:02 报到 #1。");
    let now = card_now(&w, &grid, 1).await;
    assert_eq!(now.edit_count, after_first.edit_count, "no extra edit");
    assert_eq!(now.text, after_first.text);
    assert_eq!(reports_recorded(&w, 1).await, 1);
    assert_eq!(w.standin.not_modified_count(), 0);
    assert_no_violations(&w);
    w.stop().await;
}
