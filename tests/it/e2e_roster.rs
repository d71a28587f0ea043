//! The roster in chat: /roster, /assign and /unassign by @username, by reply and by
//! text_mention, who may change it, and role names in the three languages.

use gridwhistle::standin::TgUser;

use crate::e2e::*;

/// Someone new to the bot, with a username, who has just said hello in the grid's chat (so the
/// bot has seen them).
async fn newcomer_says_hello(w: &mut gridwhistle::sandbox::Sandbox) -> TgUser {
    let qian = TgUser::new(3001, "钱多多").with_username("qianduo");
    let grid = w.chat("cuihu-1");
    assert!(say_and_collect(w, &grid, &qian, "大家好，我是新来的")
        .await
        .is_empty());
    qian
}

#[tokio::test]
async fn roster_lists_the_units_members_by_role() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let roster = ask(&mut w, &grid, 1002, "/roster").await;
    let lines: Vec<&str> = roster.lines().collect();
    assert_eq!(
        lines,
        vec![
            "翠湖社区第一网格 名册",
            "网格长：李明 @liming",
            "网格监督员：陈静 @chenjing",
            "城管执法员：刘洋 @liuyang",
            "社区专干：杨帆",
            "环卫保洁员：王芳 @wangfang、赵桂英",
            "社区民警：张伟 @zhangwei_police",
            "机关联络员：黄磊",
            "纪律监督员：周敏 @zhoumin",
            "街道科室专干：吴刚",
            "志愿者：孙丽",
        ]
    );
    let department = w.chat("urban");
    let roster = ask(&mut w, &department, 2001, "/roster").await;
    assert_eq!(roster, "城管中队 名册\n部门联络人：何振宇 @urban_he");
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn assign_by_username_works_for_someone_the_bot_has_seen() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    newcomer_says_hello(&mut w).await;
    let answer = answer_to(&mut w, &grid, &leader, "/assign 环卫 @qianduo").await;
    assert_eq!(answer, "✅ 钱多多 现为翠湖社区第一网格的环卫保洁员。");
    let again = answer_to(&mut w, &grid, &leader, "/assign 环卫 @qianduo").await;
    assert_eq!(again, "钱多多 已经是翠湖社区第一网格的环卫保洁员。");
    let roster = answer_to(&mut w, &grid, &leader, "/roster").await;
    assert!(
        roster.contains("环卫保洁员：王芳 @wangfang、赵桂英、钱多多 @qianduo"),
        "{roster}"
    );
    // The next rubbish whistle summons the new sanitation worker too, by id.
    let card = whistle(&mut w, &grid, &leader, "吹哨 垃圾堆积").await;
    assert_eq!(card.mentioned_user_ids, vec![1002, 1003, 3001]);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn assign_to_a_username_never_seen_asks_for_a_reply_instead() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let answer = ask(&mut w, &grid, 1001, "/assign 环卫 @nobody_here").await;
    assert_eq!(
        answer,
        "我还不认识 @nobody_here（Telegram 不允许机器人按用户名查人）。请回复此人的一条消息再发送这个命令。"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn assign_as_a_reply_to_the_persons_message() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    // No username: the only way to name them is to reply to them.
    let zhou = TgUser::new(3002, "周小川");
    let hello = w.standin.group_text(&grid, &zhou, "我想当志愿者");
    let hello_id = hello["message"]["message_id"].as_i64().unwrap() as i32;
    w.push(hello).await.unwrap();
    let before = newest_bot_message(&w, &grid);
    w.reply(&grid, &leader, hello_id, "/assign 志愿者")
        .await
        .unwrap();
    let answers = bot_messages_after(&w, &grid, before);
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].text, "✅ 周小川 现为翠湖社区第一网格的志愿者。");
    // The new volunteer may whistle now, and is summoned with the others.
    let card = whistle(&mut w, &grid, &zhou, "吹哨 @志愿者 明天搬运物资").await;
    assert!(
        card.text.contains("吹哨：周小川（志愿者）"),
        "{}",
        card.text
    );
    assert_eq!(card.mentioned_user_ids, vec![1011, 3002]);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn assign_with_a_text_mention() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let xiaozhou = TgUser::new(3003, "小周");
    w.standin.register_user(&xiaozhou);
    let update = w.standin.group_text_with_mentions(
        &grid,
        &leader,
        "/assign 城管 小周",
        &[("小周", &xiaozhou)],
    );
    let answers = push_and_collect(&mut w, &grid, update).await;
    assert_eq!(answers.len(), 1);
    assert_eq!(
        answers[0].text,
        "✅ 小周 现为翠湖社区第一网格的城管执法员。"
    );
    let card = whistle(&mut w, &grid, &leader, "吹哨 有人占道摆摊").await;
    assert_eq!(card.mentioned_user_ids, vec![1004, 3003]);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn unassign_removes_the_role_and_a_vacancy_shows() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let answer = answer_to(&mut w, &grid, &leader, "/unassign 城管 @liuyang").await;
    assert_eq!(answer, "✅ 刘洋 不再担任翠湖社区第一网格的城管执法员。");
    let again = answer_to(&mut w, &grid, &leader, "/unassign 城管 @liuyang").await;
    assert_eq!(again, "刘洋 并不是翠湖社区第一网格的城管执法员。");
    let roster = answer_to(&mut w, &grid, &leader, "/roster").await;
    assert!(roster.contains("城管执法员：（空缺）"), "{roster}");
    // A whistle for the vacant role falls to the grid leader.
    let card = whistle(&mut w, &grid, &leader, "吹哨 有人占道摆摊").await;
    assert!(
        card.text
            .contains("⏳ 城管执法员  （无人担任，请网格长 @liming 李明 代为报到）"),
        "{}",
        card.text
    );
    assert_eq!(card.mentioned_user_ids, vec![1001]);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn roster_changes_are_refused_to_anyone_but_leaders_and_admins() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    newcomer_says_hello(&mut w).await;
    let refusal = "只有网格长、值班员或管理员可以调整名册。";
    for who in [1002, 5555, 1021] {
        let answer = ask(&mut w, &grid, who, "/assign 环卫 @qianduo").await;
        assert_eq!(answer, refusal, "{who}");
        after_hint_quiet_time(&w);
        let answer = ask(&mut w, &grid, who, "/unassign 城管 @liuyang").await;
        assert_eq!(answer, refusal, "{who}");
    }
    let roster = ask(&mut w, &grid, 1001, "/roster").await;
    assert!(!roster.contains("钱多多"), "{roster}");
    assert!(roster.contains("城管执法员：刘洋"), "{roster}");
    // The community's duty officer and the admin may.
    let answer = ask(&mut w, &grid, 1100, "/assign 志愿者 @qianduo").await;
    assert_eq!(answer, "✅ 钱多多 现为翠湖社区第一网格的志愿者。");
    let answer = ask(&mut w, &grid, 1, "/unassign 志愿者 @qianduo").await;
    assert_eq!(answer, "✅ 钱多多 不再担任翠湖社区第一网格的志愿者。");
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn roles_are_named_in_traditional_chinese_and_english_too() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    newcomer_says_hello(&mut w).await;
    let answer = answer_to(&mut w, &grid, &leader, "/assign 環衛 @qianduo").await;
    assert_eq!(answer, "✅ 钱多多 现为翠湖社区第一网格的环卫保洁员。");
    let answer = answer_to(
        &mut w,
        &grid,
        &leader,
        "/assign community police officer @qianduo",
    )
    .await;
    assert_eq!(answer, "✅ 钱多多 现为翠湖社区第一网格的社区民警。");
    let answer = answer_to(&mut w, &grid, &leader, "/unassign sanitation @qianduo").await;
    assert_eq!(answer, "✅ 钱多多 不再担任翠湖社区第一网格的环卫保洁员。");
    let answer = answer_to(&mut w, &grid, &leader, "/assign 義工 @qianduo").await;
    assert_eq!(answer, "✅ 钱多多 现为翠湖社区第一网格的志愿者。");
    let answer = answer_to(&mut w, &grid, &leader, "/assign 厨师 @qianduo").await;
    assert!(answer.starts_with("不认识的角色“厨师”。"), "{answer}");
    let answer = answer_to(&mut w, &grid, &leader, "/assign @qianduo").await;
    assert!(answer.starts_with("用法："), "{answer}");
    assert_no_violations(&w);
    w.stop().await;
}
