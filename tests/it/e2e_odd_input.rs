//! Issue 8, as a careless or hostile chat writes: due times already gone or unreadable, order
//! numbers in full-width digits or too large for an order, invisible and control characters,
//! and a co-holder of a role told they had reported when a colleague had. Each test is named
//! after what broke; the ones that store what people typed run on SQLite and PostgreSQL.

use chrono::Duration;

use crate::e2e::*;

// ---- 4. order numbers ---------------------------------------------------------------------

/// `＃１１` and `#１１` as a Chinese input method types them in full-width mode opened a new
/// order instead of adding to #11.
#[tokio::test]
async fn a_full_width_order_number_opened_a_new_order() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    for i in 1..=11 {
        whistle(&mut w, &grid, &li, &format!("吹哨 圆西路{i}号垃圾堆积")).await;
    }
    let card = card_now(&w, &grid, 11).await;
    let new = say_and_collect(&mut w, &grid, &li, "吹哨 #１１ @城管 还有流动摊贩").await;
    assert_eq!(order_count(&w).await, 11, "no new order");
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0].reply_to, Some(card.message_id));
    assert_eq!(
        new[0].text,
        "📣 #11 增派：\n城管执法员  @liuyang 刘洋\n请报到。"
    );
    let new = say_and_collect(&mut w, &grid, &li, "吹哨 ＃１１　@民警 有人吵架").await;
    assert_eq!(order_count(&w).await, 11, "no new order");
    assert_eq!(new.len(), 1, "{new:#?}");
    assert!(new[0].text.starts_with("📣 #11 增派："), "{}", new[0].text);
    assert_no_violations(&w);
    w.stop().await;
}

/// `#99999999999999999999` (or `#0`) cannot be an order number: the whistle opened a new order.
#[tokio::test]
async fn an_order_number_that_cannot_be_one_opened_a_new_order() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    let cases = [
        (
            "吹哨 #99999999999999999999 @城管 还有流动摊贩",
            "没有 #99999999999999999999 这张哨令。",
        ),
        ("吹哨 #0 @城管 还有流动摊贩", "没有 #0 这张哨令。"),
        ("吹哨 ＃０００ 还有流动摊贩", "没有 #000 这张哨令。"),
        (
            "吹哨 #9223372036854775808",
            "没有 #9223372036854775808 这张哨令。",
        ),
        (
            "吹哨 #9223372036854775807 @城管",
            "没有 #9223372036854775807 这张哨令。",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(answer_to(&mut w, &grid, &li, text).await, want, "{text}");
    }
    assert_eq!(order_count(&w).await, 0);
    assert_no_violations(&w);
    w.stop().await;
}

/// `/show　42` (U+3000, the space of a Chinese input method in full-width mode) and `/show ４２`
/// were "不认识的命令"; the largest order number came back rounded through a float.
#[tokio::test]
async fn a_command_with_an_ideographic_space_or_full_width_digits_was_not_understood() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    whistle(&mut w, &grid, &li, "吹哨 圆西路12号垃圾堆积").await;
    let shown = answer_to(&mut w, &grid, &li, "/show　1").await;
    assert!(
        shown.starts_with("🔔 哨令 #1 · 翠湖社区第一网格"),
        "{shown}"
    );
    let shown = answer_to(&mut w, &grid, &li, "/show　＃１").await;
    assert!(
        shown.starts_with("🔔 哨令 #1 · 翠湖社区第一网格"),
        "{shown}"
    );
    for text in ["/show　42", "/show ４２", "/show\u{3000}４２"] {
        assert_eq!(
            answer_to(&mut w, &grid, &li, text).await,
            "没有 #42 这张哨令。",
            "{text:?}"
        );
    }
    assert_eq!(
        answer_to(&mut w, &grid, &li, "/show 9223372036854775807").await,
        "没有 #9223372036854775807 这张哨令。"
    );
    assert_eq!(
        answer_to(&mut w, &grid, &li, "/show 99999999999999999999").await,
        "没有 #99999999999999999999 这张哨令。"
    );
    // A /whistle with an ideographic space keeps its text as typed.
    let card = whistle(&mut w, &grid, &li, "/whistle　２号楼　楼道堆物").await;
    assert_eq!(
        card.text.lines().nth(1),
        Some("２号楼　楼道堆物"),
        "{}",
        card.text
    );
    assert_no_violations(&w);
    w.stop().await;
}
// ---- 7. wording -----------------------------------------------------------------------------

/// A co-holder of a role pressing 报到 after a colleague did was told "你已于 14:02 报到" although
/// they had not: they are told who did.
#[tokio::test]
async fn a_colleague_was_told_they_had_reported_themselves() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    let (wang, zhao) = (w.user(1002), w.user(1003));
    let card = whistle(&mut w, &grid, &li, "吹哨 圆西路垃圾堆积 @环卫").await;
    assert_eq!(
        press(&mut w, &grid, &wang, card.message_id, "报到").await,
        "✅ 已报到 #1"
    );
    w.clock.advance(Duration::minutes(2));
    // The card now offers 已处置 only; the 报到 button of an older view is pressed by data.
    let toast = press_data(&mut w, &grid, &zhao, card.message_id, "r:1").await;
    assert_eq!(toast, "王芳已于 14:02 报到 #1。");
    let answer = {
        let u = w
            .standin
            .reply(&grid, &zhao, card.message_id, "收到")
            .unwrap();
        let new = push_and_collect(&mut w, &grid, u).await;
        assert_eq!(new.len(), 1, "{new:#?}");
        new[0].text.clone()
    };
    assert_eq!(answer, "王芳已于 14:02 报到 #1。");
    // The one who did report still hears "you".
    let toast = press_data(&mut w, &grid, &wang, card.message_id, "r:1").await;
    assert_eq!(toast, "你已于 14:02 报到 #1。");
    w.set_language(gridwhistle::domain::Lang::En).await.unwrap();
    let toast = press_data(&mut w, &grid, &zhao, card.message_id, "r:1").await;
    assert_eq!(toast, "王芳 reported for #1 at 14:02 already.");
    assert_no_violations(&w);
    w.stop().await;
}
