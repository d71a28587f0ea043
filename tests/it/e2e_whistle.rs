//! Whistling: the ways to whistle, what the card summons (keywords, the grid leader, vacant
//! roles), who may whistle, `#N` to add parties, and whistles from a community chat.

use gridwhistle::domain::OrderState;
use gridwhistle::standin::TgUser;

use crate::e2e::*;

#[tokio::test]
async fn whistle_by_command_by_trigger_words_and_by_photo_caption() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let wang = w.user(1002);
    let ways = [
        ("/whistle 翠湖南路垃圾堆积", 1, "翠湖南路垃圾堆积"),
        ("吹哨 圆西路垃圾桶满了", 2, "圆西路垃圾桶满了"),
        ("#吹哨 钱局街垃圾没人清", 3, "钱局街垃圾没人清"),
        ("#whistle rubbish on Wenlin St", 4, "rubbish on Wenlin St"),
    ];
    for (text, number, body) in ways {
        let card = whistle(&mut w, &grid, &wang, text).await;
        let first_line = card.text.lines().next().unwrap();
        assert_eq!(first_line, format!("🔔 哨令 #{number} · 翠湖社区第一网格"));
        assert_eq!(card.text.lines().nth(1), Some(body), "{}", card.text);
        assert!(
            card.text.contains("吹哨：王芳（环卫保洁员）"),
            "{}",
            card.text
        );
        assert_eq!(card.mentioned_user_ids, vec![1002, 1003], "{text}");
        assert_eq!(card.reply_to, None, "a card is its own message");
    }
    let photo = w
        .standin
        .photo(&grid, &wang, Some("#吹哨 垃圾桶满了，见照片"));
    push_and_collect(&mut w, &grid, photo).await;
    let card = card_now(&w, &grid, 5).await;
    assert!(
        card.text
            .starts_with("🔔 哨令 #5 · 翠湖社区第一网格\n垃圾桶满了，见照片"),
        "{}",
        card.text
    );
    assert_eq!(card.mentioned_user_ids, vec![1002, 1003]);

    // Words that only look like a trigger, and a photo without one, are not whistles.
    for text in ["吹哨报到机制很好", "#whistleblower news", "今天垃圾很多"] {
        assert!(
            say_and_collect(&mut w, &grid, &wang, text).await.is_empty(),
            "{text}"
        );
    }
    let photo = w.standin.photo(&grid, &wang, Some("今天的垃圾"));
    assert!(push_and_collect(&mut w, &grid, photo).await.is_empty());
    assert_eq!(order_count(&w).await, 5);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_whistle_takes_its_place_from_a_location_marker_or_a_shared_location() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let card = whistle(&mut w, &grid, &leader, "吹哨 垃圾堆积 位置：翠湖南路3号").await;
    assert!(
        card.text.contains("📍 翠湖南路3号 · ⏰ 14:32 前报到"),
        "{}",
        card.text
    );
    let card = whistle(
        &mut w,
        &grid,
        &leader,
        "#whistle rubbish piled up location: No. 12 Yuanxi Rd",
    )
    .await;
    assert!(card.text.contains("📍 No. 12 Yuanxi Rd"), "{}", card.text);

    // A whistle without a place, then the whistler shares their location in reply to the card.
    let card = whistle(&mut w, &grid, &leader, "吹哨 这里垃圾堆积").await;
    assert!(!card.text.contains("📍"), "{}", card.text);
    let mut shared = w.standin.location(&grid, &leader, 25.04321, 102.70123);
    let quoted = w
        .standin
        .reply(&grid, &leader, card.message_id, "")
        .unwrap();
    shared["message"]["reply_to_message"] = quoted["message"]["reply_to_message"].clone();
    let answers = push_and_collect(&mut w, &grid, shared).await;
    assert_eq!(answers.len(), 1, "{answers:#?}");
    assert_eq!(answers[0].text, "📝 已记入 #3 的进展。");
    let card = card_now(&w, &grid, 3).await;
    assert!(
        card.text.contains("📍 25.04321, 102.70123"),
        "{}",
        card.text
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn keywords_route_to_the_role_that_handles_them() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let volunteer = w.user(1011);
    let card = whistle(&mut w, &grid, &volunteer, "吹哨 翠湖南路垃圾没人清").await;
    assert!(
        card.text.contains("⏳ 环卫保洁员  @wangfang 王芳 赵桂英"),
        "{}",
        card.text
    );
    assert_eq!(card.mentioned_user_ids, vec![1002, 1003]);
    let card = whistle(&mut w, &grid, &volunteer, "吹哨 路口有人占道摆摊").await;
    assert!(
        card.text.contains("⏳ 城管执法员  @liuyang 刘洋"),
        "{}",
        card.text
    );
    assert_eq!(card.mentioned_user_ids, vec![1004]);
    let card = whistle(&mut w, &grid, &volunteer, "吹哨 小区门口有人打架").await;
    assert_eq!(card.mentioned_user_ids, vec![1007]);
    // Named roles win over keywords.
    let card = whistle(
        &mut w,
        &grid,
        &volunteer,
        "吹哨 @民警 @城管 垃圾站门口吵起来了",
    )
    .await;
    assert_eq!(
        card.mentioned_user_ids,
        vec![1007, 1004],
        "in the order named"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_whistle_naming_no_role_summons_the_grid_leader() {
    let mut w = world().await;
    let person_1002 = w.user(1002);
    let grid = w.chat("cuihu-1");
    let card = whistle(
        &mut w,
        &grid,
        &person_1002,
        "吹哨 小区门口情况不对，请来看看",
    )
    .await;
    assert!(
        card.text.contains("⏳ 网格长  @liming 李明"),
        "{}",
        card.text
    );
    assert_eq!(card.mentioned_user_ids, vec![1001]);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_stranger_is_told_how_to_get_added() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let answer = ask(&mut w, &grid, 5555, "吹哨 圆西路垃圾堆积").await;
    assert_eq!(
        answer,
        "user5555，你还不在本单位名册上，不能吹哨。请网格长用 /assign 角色 回复你的消息把你加入。"
    );
    // A member of another grid is a stranger here too.
    let answer = ask(&mut w, &grid, 1022, "/whistle 圆西路垃圾堆积").await;
    assert!(answer.starts_with("冯雪，你还不在本单位名册上"), "{answer}");
    assert_eq!(order_count(&w).await, 0);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn hash_number_adds_parties_to_an_existing_order() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let wang = w.user(1002);
    let card = whistle(&mut w, &grid, &leader, "吹哨 圆西路12号垃圾堆积").await;
    press(&mut w, &grid, &wang, card.message_id, "报到").await;
    assert_eq!(order_state(&w, 1).await, OrderState::Reported);
    assert_eq!(
        card_now(&w, &grid, 1).await.keyboard,
        keyboard(&[&[("已处置", "d:1")]])
    );

    let new = say_and_collect(&mut w, &grid, &leader, "吹哨 #1 @城管 还有流动摊贩").await;
    assert_eq!(order_count(&w).await, 1, "no new order");
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(
        new[0].reply_to,
        Some(card.message_id),
        "the newly summoned are told in a reply to the card"
    );
    assert_eq!(
        new[0].text,
        "📣 #1 增派：\n城管执法员  @liuyang 刘洋\n请报到。"
    );
    assert_eq!(new[0].mentioned_user_ids, vec![1004]);

    let card = card_now(&w, &grid, 1).await;
    assert!(
        card.text.contains("✅ 环卫保洁员  王芳 · 14:02 报到"),
        "{}",
        card.text
    );
    assert!(
        card.text.contains("⏳ 城管执法员  @liuyang 刘洋"),
        "{}",
        card.text
    );
    assert_eq!(
        card.keyboard,
        keyboard(&[&[("报到", "r:1"), ("已处置", "d:1")]])
    );
    assert_eq!(
        order_state(&w, 1).await,
        OrderState::Open,
        "waiting for the enforcement officer again"
    );

    let answer = answer_to(&mut w, &grid, &leader, "吹哨 #1 @城管").await;
    assert_eq!(answer, "#1 已召集这些人员，无需重复。");
    let answer = answer_to(&mut w, &grid, &leader, "吹哨 #99 @城管").await;
    assert_eq!(answer, "没有 #99 这张哨令。");
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_community_whistle_naming_a_grid_posts_the_card_in_that_grids_chat_too() {
    let mut w = world().await;
    let person_1003 = w.user(1003);
    let community = w.chat("cuihu");
    let grid = w.chat("cuihu-1");
    let other_grid = w.chat("cuihu-2");
    let duty = w.user(1100);
    let card = whistle(
        &mut w,
        &community,
        &duty,
        "吹哨 第一网格 @环卫 翠湖南路落叶堆积",
    )
    .await;
    assert!(
        card.text.starts_with("🔔 哨令 #1 · 翠湖社区第一网格"),
        "{}",
        card.text
    );
    assert_eq!(card.mentioned_user_ids, vec![1002, 1003]);
    let in_grid = card_now(&w, &grid, 1).await;
    assert_eq!(in_grid.text, card.text);
    assert_eq!(in_grid.mentioned_user_ids, vec![1002, 1003]);
    assert!(w.messages(&other_grid).is_empty());
    // Reporting in the grid's chat updates both cards.
    press(&mut w, &grid, &person_1003, in_grid.message_id, "报到").await;
    for chat in [&community, &grid] {
        assert!(card_now(&w, chat, 1)
            .await
            .text
            .contains("✅ 环卫保洁员  赵桂英 · 14:02 报到"));
    }
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_community_whistle_without_a_grid_summons_its_duty_officers() {
    let mut w = world().await;
    let person_1001 = w.user(1001);
    let person_1100 = w.user(1100);
    let chat_cuihu_1 = w.chat("cuihu-1");
    let community = w.chat("cuihu");
    let card = whistle(&mut w, &community, &person_1001, "吹哨 社区活动室屋顶漏雨").await;
    assert!(
        card.text.starts_with("🔔 哨令 #1 · 翠湖社区"),
        "{}",
        card.text
    );
    assert!(
        card.text.contains("⏳ 翠湖社区 值班员  @zhao_duty 何振华"),
        "{}",
        card.text
    );
    assert_eq!(card.mentioned_user_ids, vec![1100]);
    assert!(w.messages(&chat_cuihu_1).is_empty(), "no grid is involved");
    let toast = press(&mut w, &community, &person_1100, card.message_id, "报到").await;
    assert_eq!(toast, "✅ 已报到 #1");
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_vacant_role_shows_the_vacancy_and_the_grid_leader_reports_for_it() {
    let mut w = world().await;
    let person_1001 = w.user(1001);
    let person_1002 = w.user(1002);
    let grid = w.chat("cuihu-1");
    let volunteer = w.user(1011);
    let card = whistle(
        &mut w,
        &grid,
        &volunteer,
        "吹哨 3栋楼道堆物，消防通道堵了 @物业",
    )
    .await;
    assert!(
        card.text
            .contains("⏳ 物业管理员  （无人担任，请网格长 @liming 李明 代为报到）"),
        "{}",
        card.text
    );
    assert!(
        card.mentioned_user_ids.contains(&1001),
        "{:?}",
        card.mentioned_user_ids
    );
    let toast = press(&mut w, &grid, &person_1002, card.message_id, "报到").await;
    assert_eq!(
        toast,
        "只有被召集的人可以报到或处置。你的角色：环卫保洁员。"
    );
    let toast = press(&mut w, &grid, &person_1001, card.message_id, "报到").await;
    assert_eq!(toast, "✅ 已报到 #1");
    assert!(card_now(&w, &grid, 1)
        .await
        .text
        .contains("✅ 物业管理员  李明 · 14:02 报到"));
    let stranger = TgUser::new(5555, "路人");
    assert!(say_and_collect(&mut w, &grid, &stranger, "谢谢")
        .await
        .is_empty());
    assert_no_violations(&w);
    w.stop().await;
}
