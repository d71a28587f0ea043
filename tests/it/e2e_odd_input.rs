//! Issue 8, as a careless or hostile chat writes: due times already gone or unreadable, order
//! numbers in full-width digits or too large for an order, invisible and control characters,
//! and a co-holder of a role told they had reported when a colleague had. Each test is named
//! after what broke; the ones that store what people typed run on SQLite and PostgreSQL.

use chrono::Duration;

use crate::e2e::*;

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
