//! Bad input: unknown commands, missing orders and orders of other units, over-long and
//! HTML-looking text, forwarded and edited messages, stale and garbage button presses.

use gridwhistle::domain::{OrderId, OrderState};
use gridwhistle::standin::TgUser;

use crate::e2e::*;

#[tokio::test]
async fn an_unknown_command_gets_an_answer_and_another_bots_command_is_ignored() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    assert_eq!(
        ask(&mut w, &grid, 1001, "/frobnicate now").await,
        "不认识的命令 /frobnicate。发送 /help 查看可用命令。"
    );
    assert!(
        say_as(&mut w, &grid, 1001, "/frobnicate again")
            .await
            .is_empty(),
        "the same hint to the same person is not repeated within its quiet time"
    );
    after_hint_quiet_time(&w);
    assert_eq!(
        ask(&mut w, &grid, 1001, "/<b>x</b>").await,
        "不认识的命令 /<b>x</b>。发送 /help 查看可用命令。"
    );
    assert!(say_as(&mut w, &grid, 1001, "/whistle@other_bot 垃圾堆积")
        .await
        .is_empty());
    let help = ask(&mut w, &grid, 1001, "/help@gridwhistle_bot").await;
    assert!(
        help.starts_with("翠湖社区第一网格 · 你在本群可以："),
        "{help}"
    );
    assert_eq!(order_count(&w).await, 0);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_missing_order_is_said_to_be_missing() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    assert_eq!(
        ask(&mut w, &grid, 1001, "/show 999").await,
        "没有 #999 这张哨令。"
    );
    assert_eq!(
        ask(&mut w, &grid, 1001, "/ack 999").await,
        "没有 #999 这张哨令。"
    );
    assert_eq!(
        ask(&mut w, &grid, 1001, "/done 999 好了").await,
        "没有 #999 这张哨令。"
    );
    assert_eq!(
        ask(&mut w, &grid, 1001, "/show abc").await,
        "请写上哨令编号，例如 /show 42，或回复哨令卡片。"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn an_order_of_another_unit_is_refused() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let other_grid = w.chat("cuihu-2");
    whistle_as(&mut w, &other_grid, 1021, "吹哨 二网格垃圾堆积").await;
    let elsewhere = "#1 不属于本群的单位，请到它所在的群处理。";
    for text in [
        "/show 1",
        "/ack 1",
        "/done 1 好了",
        "/verify 1",
        "/cancel 1 不对",
        "/reopen 1 不对",
        "吹哨 #1 @城管",
    ] {
        assert_eq!(ask(&mut w, &grid, 1001, text).await, elsewhere, "{text}");
        after_hint_quiet_time(&w);
    }
    let card = card_now(&w, &other_grid, 1).await;
    assert_eq!(card.edit_count, 0);
    assert_eq!(
        w.store
            .order(OrderId(1))
            .await
            .unwrap()
            .unwrap()
            .order
            .parties
            .len(),
        1
    );
    assert_eq!(order_state(&w, 1).await, OrderState::Open);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_very_long_whistle_is_delivered_within_telegrams_limit() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let long = format!("吹哨 圆西路垃圾堆积{}", "很多很多垃圾，".repeat(700));
    assert!(long.chars().count() > 4096);
    let card = whistle_as(&mut w, &grid, 1001, &long).await;
    assert!(
        card.text.chars().count() <= 4096,
        "{}",
        card.text.chars().count()
    );
    let body = card.text.lines().nth(1).unwrap();
    assert!(
        body.ends_with('…') && body.chars().count() <= 1500,
        "the cut is marked: {body}"
    );
    assert!(
        card.text.contains("⏳ 环卫保洁员  @wangfang 王芳 赵桂英"),
        "the checklist survives the cut"
    );
    let show = ask(&mut w, &grid, 1001, "/show 1").await;
    assert!(show.contains("时间线"), "{show}");
    let mut note = "进展".repeat(2100);
    note.insert_str(0, "清理中");
    let before = newest_bot_message(&w, &grid);
    let wang = w.user(1002);
    w.reply(&grid, &wang, card.message_id, &note).await.unwrap();
    assert_eq!(
        bot_messages_after(&w, &grid, before)[0].text,
        "📝 已记入 #1 的进展。"
    );
    let answer = ask(
        &mut w,
        &grid,
        1002,
        &format!("/done 1 {}", "已清理".repeat(1500)),
    )
    .await;
    assert!(answer.starts_with("✅ 已处置 #1 — 王芳"), "{answer}");
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn html_in_user_text_is_shown_literally() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let text = "<b>垃圾</b> & <script>alert(1)</script> 在 A&B 门口";
    let card = whistle_as(&mut w, &grid, 1001, &format!("吹哨 {text}")).await;
    assert_eq!(card.text.lines().nth(1), Some(text), "{}", card.text);
    let bold: Vec<_> = card.entities.iter().filter(|e| e.kind == "bold").collect();
    assert_eq!(bold.len(), 1, "only the title is bold: {:?}", card.entities);
    let answer = ask(&mut w, &grid, 1001, "/cancel 1 <i>重复</i> & 错误").await;
    assert_eq!(answer, "🚫 #1 已撤销。");
    assert!(card_now(&w, &grid, 1)
        .await
        .text
        .ends_with("：<i>重复</i> & 错误"));
    let stranger = TgUser::new(3005, "<i>坏人</i> & Co");
    let answers = say_and_collect(&mut w, &grid, &stranger, "吹哨 <b>垃圾</b>").await;
    assert!(
        answers[0]
            .text
            .starts_with("<i>坏人</i> & Co，你还不在本单位名册上"),
        "{}",
        answers[0].text
    );
    assert_no_violations(&w);
    w.stop().await;
}

/// Pushes an edit. The bot asks only for messages, button presses and its membership
/// (allowed_updates), so Telegram, like the stand-in, never hands it the edit; a harmless
/// message after it shows, once handled, that nothing came of it. The bot's new messages.
async fn push_edit(
    w: &mut gridwhistle::sandbox::Sandbox,
    edit: serde_json::Value,
) -> Vec<gridwhistle::standin::SentMessage> {
    let grid = w.chat("cuihu-1");
    let before = newest_bot_message(w, &grid);
    w.standin.push_update(edit);
    let probe = w
        .standin
        .group_text(&grid, &TgUser::new(5556, "路人"), "嗯嗯");
    w.push(probe)
        .await
        .expect("the message after the edit was handled");
    bot_messages_after(w, &grid, before)
}

#[tokio::test]
async fn forwarded_and_edited_messages_are_ignored() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let wang = w.user(1002);
    let forwarded = w
        .standin
        .forwarded(&grid, &leader, &wang, "吹哨 圆西路垃圾堆积");
    assert!(push_and_collect(&mut w, &grid, forwarded).await.is_empty());
    let forwarded = w
        .standin
        .forwarded(&grid, &leader, &wang, "/whistle 圆西路垃圾堆积");
    assert!(push_and_collect(&mut w, &grid, forwarded).await.is_empty());

    let hello = w.standin.group_text(&grid, &leader, "大家好");
    let hello_id = hello["message"]["message_id"].as_i64().unwrap() as i32;
    w.push(hello).await.unwrap();
    let edited = w
        .standin
        .edited(&grid, &leader, hello_id, "吹哨 圆西路垃圾堆积");
    assert!(push_edit(&mut w, edited).await.is_empty());
    assert_eq!(order_count(&w).await, 0);

    // Editing a whistle does not whistle twice; editing a reply to the card is no report.
    let card = whistle(&mut w, &grid, &leader, "吹哨 圆西路垃圾堆积").await;
    let edited = w.standin.edited(
        &grid,
        &leader,
        card.message_id - 1,
        "吹哨 圆西路垃圾堆积 紧急",
    );
    assert!(push_edit(&mut w, edited).await.is_empty());
    let objection = w
        .standin
        .reply(&grid, &wang, card.message_id, "这不归我管")
        .unwrap();
    let objection_id = objection["message"]["message_id"].as_i64().unwrap() as i32;
    push_and_collect(&mut w, &grid, objection).await;
    let edited = w.standin.edited(&grid, &wang, objection_id, "收到");
    assert!(push_edit(&mut w, edited).await.is_empty());
    assert_eq!(order_count(&w).await, 1);
    assert_eq!(card_now(&w, &grid, 1).await.edit_count, 0);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_stale_or_garbage_button_gets_a_toast_and_changes_nothing() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let wang = w.user(1002);
    let card = whistle_as(&mut w, &grid, 1001, "吹哨 圆西路垃圾堆积").await;
    ask(&mut w, &grid, 1001, "/cancel 1 发错了").await;
    let cancelled = card_now(&w, &grid, 1).await;
    let events = w.store.events(OrderId(1)).await.unwrap().len();
    assert_eq!(
        press_data(&mut w, &grid, &wang, card.message_id, "r:1").await,
        "#1 已撤销。"
    );
    assert_eq!(
        press_data(&mut w, &grid, &wang, card.message_id, "d:1").await,
        "#1 已撤销。"
    );
    let leader = w.user(1001);
    assert_eq!(
        press_data(&mut w, &grid, &leader, card.message_id, "v:1").await,
        "#1 已撤销。"
    );
    for garbage in ["", "zzz", "r:", "r:abc", "x:1", "r:999", "r:-1"] {
        let toast = press_data(&mut w, &grid, &wang, card.message_id, garbage).await;
        assert_eq!(toast, "这个按钮已失效。", "{garbage:?}");
    }
    assert_eq!(
        card_now(&w, &grid, 1).await,
        cancelled,
        "the card did not change"
    );
    assert_eq!(w.store.events(OrderId(1)).await.unwrap().len(), events);
    assert_eq!(order_state(&w, 1).await, OrderState::Cancelled);
    assert_no_violations(&w);
    w.stop().await;
}
