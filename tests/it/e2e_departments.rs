//! Departments: a sub-district whistle summons departments in their own chats; liaisons report
//! there; the sub-district's card shows who reported.

use crate::e2e::*;

#[tokio::test]
async fn a_subdistrict_whistle_posts_the_card_in_each_named_departments_chat() {
    let mut w = world().await;
    let subdistrict = w.chat("huashan");
    let urban = w.chat("urban");
    let water = w.chat("water");
    let card = whistle_as(
        &mut w,
        &subdistrict,
        1200,
        "吹哨 城管中队 水务局 圆西路积水",
    )
    .await;
    assert!(
        card.text.starts_with("🔔 哨令 #1 · 华山街道"),
        "{}",
        card.text
    );
    assert!(
        card.text.contains("⏳ 城管中队  @urban_he 何振宇"),
        "{}",
        card.text
    );
    assert!(
        card.text.contains("⏳ 水务局  @xutao_water 许涛"),
        "{}",
        card.text
    );
    assert!(
        card.text.contains("⏰ 15:02 前报到"),
        "a sub-district order gives an hour: {}",
        card.text
    );
    for chat in [&urban, &water] {
        let there = card_now(&w, chat, 1).await;
        assert_eq!(there.text, card.text);
        assert_eq!(
            there.keyboard,
            keyboard(&[&[("报到", "r:1"), ("已处置", "d:1")]])
        );
        assert!(
            there.mentioned_user_ids.contains(&2001) && there.mentioned_user_ids.contains(&2006),
            "{:?}",
            there.mentioned_user_ids
        );
    }
    for other in ["market", "police", "emergency"] {
        let chat = w.chat(other);
        assert!(w.messages(&chat).is_empty(), "{other} was not summoned");
    }
    let community = w.chat("cuihu");
    assert!(
        w.messages(&community).is_empty(),
        "no community is involved"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_liaison_reports_in_the_department_chat_and_the_subdistrict_card_shows_it() {
    let mut w = world().await;
    let subdistrict = w.chat("huashan");
    let urban = w.chat("urban");
    let water = w.chat("water");
    let urban_liaison = w.user(2001);
    let market_liaison = w.user(2002);
    whistle_as(
        &mut w,
        &subdistrict,
        1200,
        "吹哨 城管中队 水务局 圆西路积水",
    )
    .await;
    w.clock.advance(chrono::Duration::minutes(12));
    let in_urban = card_now(&w, &urban, 1).await;
    let toast = press(&mut w, &urban, &urban_liaison, in_urban.message_id, "报到").await;
    assert_eq!(toast, "✅ 已报到 #1");
    for chat in [&subdistrict, &urban, &water] {
        let card = card_now(&w, chat, 1).await;
        assert!(
            card.text.contains("✅ 城管中队  何振宇 · 14:14 报到"),
            "{}",
            card.text
        );
        assert!(
            card.text.contains("⏳ 水务局  @xutao_water 许涛"),
            "{}",
            card.text
        );
        assert_eq!(
            card.keyboard,
            keyboard(&[&[("报到", "r:1"), ("已处置", "d:1")]])
        );
    }
    // Another department's liaison is not summoned.
    let toast = press(&mut w, &urban, &market_liaison, in_urban.message_id, "报到").await;
    assert_eq!(
        toast,
        "只有被召集的人可以报到或处置。你的角色：部门联络人。"
    );
    // The water liaison replies in their own chat.
    let in_water = card_now(&w, &water, 1).await;
    let liaison = w.user(2006);
    w.reply(&water, &liaison, in_water.message_id, "收到")
        .await
        .unwrap();
    let card = card_now(&w, &subdistrict, 1).await;
    assert!(
        card.text.contains("✅ 水务局  许涛 · 14:14 报到"),
        "{}",
        card.text
    );
    assert_eq!(card.keyboard, keyboard(&[&[("已处置", "d:1")]]));
    // The department cannot see other orders: a grid's order is elsewhere for it.
    let grid = w.chat("cuihu-1");
    whistle_as(&mut w, &grid, 1001, "吹哨 垃圾堆积").await;
    assert_eq!(
        ask(&mut w, &urban, 2001, "/show 2").await,
        "#2 不属于本群的单位，请到它所在的群处理。"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_subdistrict_whistle_naming_no_department_lists_the_departments() {
    let mut w = world().await;
    let subdistrict = w.chat("huashan");
    let answer = ask(&mut w, &subdistrict, 1201, "吹哨 圆西路有问题，大家看看").await;
    assert_eq!(
        answer,
        "街道吹哨请写明要召集的部门，例如 吹哨 城管中队 水务局 圆西路积水。可召集：文化和旅游局、应急管理局、生态环境局、卫生健康局、人社局、市场监督管理所、文林派出所、城管中队、水务局"
    );
    assert_eq!(order_count(&w).await, 0);
    // A department's keyword names it too.
    let card = whistle_as(&mut w, &subdistrict, 1201, "吹哨 圆西路下水道堵了").await;
    assert!(
        card.text.contains("⏳ 水务局  @xutao_water 许涛"),
        "{}",
        card.text
    );
    assert_no_violations(&w);
    w.stop().await;
}
