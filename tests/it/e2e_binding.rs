//! Binding group chats to units: unbound chats, /bind, the greeting, supergroup migration and
//! anonymous admins.

use gridwhistle::domain::{Scope, UnitId};
use gridwhistle::standin::TgChat;

use crate::e2e::*;

/// A new basic group nobody has bound yet.
fn new_group() -> TgChat {
    TgChat::new(-4001, "翠湖二网格工作群")
}

#[tokio::test]
async fn an_unbound_chat_answers_commands_with_how_to_bind() {
    let mut w = world().await;
    let group = new_group();
    let leader = w.user(1021);
    for text in ["/list", "/whistle 垃圾满了", "/roster", "吹哨 垃圾满了"] {
        let answer = answer_to(&mut w, &group, &leader, text).await;
        assert!(answer.contains("本群还没有绑定单位"), "{text}: {answer}");
        assert!(answer.contains("/bind cuihu-1"), "{text}: {answer}");
        after_hint_quiet_time(&w);
    }
    let help = answer_to(&mut w, &group, &leader, "/help").await;
    assert!(help.contains("/bind"), "{help}");
    assert_eq!(order_count(&w).await, 0);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn bind_is_refused_to_a_stranger_a_plain_member_and_another_units_leader() {
    let mut w = world().await;
    let group = new_group();
    let stranger = w.user(5555);
    let sanitation_of_cuihu_2 = w.user(1022);
    let leader_of_cuihu_1 = w.user(1001);
    for who in [&stranger, &sanitation_of_cuihu_2, &leader_of_cuihu_1] {
        let answer = answer_to(&mut w, &group, who, "/bind cuihu-2").await;
        assert_eq!(
            answer, "只有管理员或翠湖社区第二网格的网格长、值班员、联络人可以绑定本群。",
            "{}",
            who.id
        );
    }
    assert_eq!(
        w.store
            .chat(gridwhistle::domain::ChatId(group.id))
            .await
            .unwrap()
            .and_then(|b| b.scope),
        None
    );
    assert_eq!(
        w.chat_of_unit("cuihu-2").await,
        Some(-1001000000301),
        "the configured chat stays bound"
    );
    let admin = w.user(1);
    let unknown = answer_to(&mut w, &group, &admin, "/bind nowhere").await;
    assert_eq!(unknown, "没有编号为 nowhere 的单位或部门。");
    let usage = answer_to(&mut w, &group, &admin, "/bind").await;
    assert!(usage.contains("/bind cuihu-1"), "{usage}");
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn bind_by_the_units_grid_leader_or_an_admin_succeeds() {
    let mut w = world().await;
    let group = new_group();
    let leader_of_cuihu_2 = w.user(1021);
    let answer = answer_to(&mut w, &group, &leader_of_cuihu_2, "/bind cuihu-2").await;
    assert_eq!(
        answer,
        "✅ 本群已绑定到 翠湖社区第二网格。发送 /help 查看用法。"
    );
    assert_eq!(w.chat_of_unit("cuihu-2").await, Some(group.id));
    assert_eq!(
        w.store
            .chat(gridwhistle::domain::ChatId(group.id))
            .await
            .unwrap()
            .and_then(|b| b.scope),
        Some(Scope::Unit(UnitId::parse("cuihu-2").unwrap()))
    );
    // The chat now works: a whistle summons cuihu-2's sanitation worker.
    let card = whistle(&mut w, &group, &leader_of_cuihu_2, "吹哨 垃圾桶满了").await;
    assert!(card.text.contains("翠湖社区第二网格"), "{}", card.text);
    assert_eq!(card.mentioned_user_ids, vec![1022]);

    // An admin binds another new group, to a department, by its id.
    let other = TgChat::new(-4002, "水务联络群");
    let admin = w.user(1);
    let answer = answer_to(&mut w, &other, &admin, "/bind water").await;
    assert_eq!(answer, "✅ 本群已绑定到 水务局。发送 /help 查看用法。");
    assert_eq!(
        w.store
            .chat(gridwhistle::domain::ChatId(other.id))
            .await
            .unwrap()
            .and_then(|b| b.scope),
        Some(Scope::Department(
            gridwhistle::domain::DepartmentId::parse("water").unwrap()
        ))
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn the_bot_added_to_a_group_greets_and_explains_bind() {
    let mut w = world().await;
    let group = new_group();
    let leader = w.user(1021);
    let added = w.standin.bot_added(&group, &leader);
    let greeting = push_and_collect(&mut w, &group, added).await;
    assert_eq!(greeting.len(), 1, "{greeting:#?}");
    assert!(
        greeting[0].text.starts_with("👋 大家好"),
        "{}",
        greeting[0].text
    );
    assert!(
        greeting[0].text.contains("/bind cuihu-1"),
        "{}",
        greeting[0].text
    );

    // Added to a group the organisation file already binds: it says whose group it is.
    let grid = w.chat("cuihu-1");
    let added = w.standin.bot_added(&grid, &w.user(1001));
    let greeting = push_and_collect(&mut w, &grid, added).await;
    assert_eq!(greeting.len(), 1);
    assert_eq!(
        greeting[0].text,
        "👋 大家好，本群属于 翠湖社区第一网格。发送 /help 查看用法。"
    );

    // Removed: nothing to say.
    let kicked = w.standin.bot_kicked(&group, &leader);
    assert!(push_and_collect(&mut w, &group, kicked).await.is_empty());
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_group_migrated_to_a_supergroup_keeps_its_binding_and_its_cards() {
    let mut w = world().await;
    let old = new_group();
    let leader = w.user(1021);
    let sanitation = w.user(1022);
    answer_to(&mut w, &old, &leader, "/bind cuihu-2").await;
    whistle(&mut w, &old, &leader, "吹哨 垃圾桶满了").await;

    let new = TgChat::new(-1001000004001, "翠湖二网格工作群");
    let migrated = w.standin.migrate_to_supergroup(&old, new.id, &leader);
    w.standin.set_chat_migrated(old.id, new.id);
    assert!(
        push_and_collect(&mut w, &old, migrated).await.is_empty(),
        "nothing is said in the old group"
    );
    assert_eq!(w.chat_of_unit("cuihu-2").await, Some(new.id));

    // The open order's card lives on in the supergroup, where the old one can no longer be edited.
    let card = card_now(&w, &new, 1).await;
    assert!(card.text.contains("哨令 #1"), "{}", card.text);
    assert_eq!(card.mentioned_user_ids, vec![1022]);
    let toast = press(&mut w, &new, &sanitation, card.message_id, "报到").await;
    assert_eq!(toast, "✅ 已报到 #1");
    assert!(card_now(&w, &new, 1)
        .await
        .text
        .contains("✅ 环卫保洁员  冯雪 · 14:02 报到"));

    // Whistling in the new chat works.
    let card = whistle(&mut w, &new, &leader, "吹哨 又有垃圾").await;
    assert!(
        card.text.contains("哨令 #2 · 翠湖社区第二网格"),
        "{}",
        card.text
    );
    assert_eq!(card.mentioned_user_ids, vec![1022]);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn anonymous_admin_messages_get_a_polite_answer_and_record_nothing() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let polite = "匿名管理员或频道身份无法吹哨或报到。请关闭匿名后用本人账号发送。";
    for text in ["吹哨 圆西路垃圾堆积", "/whistle 圆西路垃圾堆积", "/ack 1"] {
        let update = w.standin.anonymous_admin_text(&grid, text);
        let answers = push_and_collect(&mut w, &grid, update).await;
        assert_eq!(answers.len(), 1, "{text}: {answers:#?}");
        assert_eq!(answers[0].text, polite);
        assert!(answers[0].reply_to.is_some());
        after_hint_quiet_time(&w);
    }
    assert!(
        w.store.all_orders().await.unwrap().is_empty(),
        "no order for an anonymous admin"
    );
    // An anonymous admin's other chatter is not answered.
    let chatter = w.standin.anonymous_admin_text(&grid, "大家辛苦了");
    assert!(push_and_collect(&mut w, &grid, chatter).await.is_empty());
    assert_no_violations(&w);
    w.stop().await;
}
