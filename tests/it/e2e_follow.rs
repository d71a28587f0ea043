//! Following orders and settings: /list, /show (timeline and time left), /lang, /help per
//! person, and the command menus per language.

use crate::e2e::*;

#[tokio::test]
async fn list_shows_the_units_open_orders_only() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let other_grid = w.chat("cuihu-2");
    assert_eq!(
        ask(&mut w, &grid, 1001, "/list").await,
        "本群没有未办结的哨令。"
    );
    whistle_as(&mut w, &grid, 1001, "吹哨 圆西路12号垃圾堆积").await;
    whistle_as(&mut w, &other_grid, 1021, "吹哨 二网格垃圾堆积").await;
    whistle_as(&mut w, &grid, 1011, "吹哨 路口有人占道摆摊").await;
    whistle_as(&mut w, &grid, 1001, "吹哨 发错了").await;
    ask(&mut w, &grid, 1001, "/cancel 4 发错了").await;
    ask(&mut w, &grid, 1004, "/ack 3").await;
    let list = ask(&mut w, &grid, 1002, "/list").await;
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 3, "{list}");
    assert_eq!(lines[0], "未办结的哨令（2）");
    assert!(
        lines[1].starts_with("🛠 #3 1/1 · 路口有人占道摆摊 · 还剩 "),
        "{list}"
    );
    assert!(
        lines[2].starts_with("⏳ #1 0/1 · 圆西路12号垃圾堆积 · 还剩 "),
        "{list}"
    );
    // The community above sees its grids' orders.
    let community = w.chat("cuihu");
    let list = ask(&mut w, &community, 1100, "/list").await;
    assert!(list.starts_with("未办结的哨令（3）"), "{list}");
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn show_gives_the_timeline_and_how_long_is_left() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    // Urgent: 10 minutes to report, 4 hours to resolve, whatever the calendar says.
    whistle_as(
        &mut w,
        &grid,
        1001,
        "吹哨 圆西路12号垃圾堆积 @环卫 @城管 紧急 地点：圆西路12号",
    )
    .await;
    w.clock.advance(chrono::Duration::minutes(5));
    ask(&mut w, &grid, 1002, "/ack 1").await;
    let show = ask(&mut w, &grid, 1004, "/show 1").await;
    assert!(
        show.starts_with("🔔 哨令 #1 · 翠湖社区第一网格 · 紧急\n"),
        "{show}"
    );
    assert!(
        show.contains("📍 圆西路12号 · ⏰ 14:12 前报到 · 限 18:02 前处置"),
        "{show}"
    );
    assert!(show.contains("✅ 环卫保洁员  王芳 · 14:07 报到"), "{show}");
    assert!(show.contains("⏳ 城管执法员  @liuyang 刘洋"), "{show}");
    let timeline: Vec<&str> = show.lines().skip_while(|l| *l != "时间线").collect();
    assert_eq!(
        timeline,
        vec![
            "时间线",
            "14:02 李明 吹哨",
            "14:07 王芳 报到（环卫保洁员）",
            "⏰ 报到：还剩 5 分钟",
            "⏳ 处置：还剩 3 小时 55 分钟",
        ],
        "{show}"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn lang_en_makes_the_next_card_english() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    assert_eq!(
        ask(&mut w, &grid, 5555, "/lang en").await,
        "只有本单位名册上的人可以更改本群语言。"
    );
    assert_eq!(
        ask(&mut w, &grid, 1001, "/lang en").await,
        "OK, this chat is in English from now on."
    );
    let card = whistle_as(&mut w, &grid, 1001, "吹哨 圆西路12号垃圾堆积 紧急").await;
    assert!(
        card.text
            .starts_with("🔔 Whistle #1 · 翠湖社区第一网格 · urgent"),
        "{}",
        card.text
    );
    assert!(
        card.text.contains("Whistled by 李明 (grid leader)"),
        "{}",
        card.text
    );
    assert_eq!(
        card.keyboard,
        keyboard(&[&[("Report", "r:1"), ("Resolved", "d:1")]])
    );
    assert_eq!(
        ask(&mut w, &grid, 1002, "/ack 1").await,
        "✅ Reported for #1"
    );
    // Other chats keep the organisation's default.
    let other = w.chat("cuihu-2");
    let card = whistle_as(&mut w, &other, 1021, "吹哨 垃圾堆积").await;
    assert!(card.text.starts_with("🔔 哨令 #2"), "{}", card.text);
    assert_eq!(
        ask(&mut w, &grid, 1001, "/lang klingon").await,
        "Usage: /lang zh-Hans, /lang zh-Hant or /lang en"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn help_differs_for_a_grid_leader_a_sanitation_worker_and_a_stranger() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let leader = ask(&mut w, &grid, 1001, "/help").await;
    let worker = ask(&mut w, &grid, 1002, "/help").await;
    let stranger = ask(&mut w, &grid, 5555, "/help").await;
    for help in [&leader, &worker, &stranger] {
        assert!(
            help.starts_with("翠湖社区第一网格 · 你在本群可以："),
            "{help}"
        );
    }
    let whistle_example = "吹哨 圆西路12号垃圾堆积 @环卫 @城管 紧急 18点前";
    let report = "点卡片上的「报到」";
    let roster = "/assign 环卫 @用户";
    let not_member = "你还不在本单位名册上";
    assert!(
        leader.contains(whistle_example) && leader.contains(report) && leader.contains(roster),
        "{leader}"
    );
    assert!(
        worker.contains(whistle_example) && worker.contains(report),
        "{worker}"
    );
    assert!(!worker.contains(roster), "{worker}");
    assert!(stranger.contains(not_member), "{stranger}");
    assert!(
        !stranger.contains(whistle_example)
            && !stranger.contains(report)
            && !stranger.contains(roster),
        "{stranger}"
    );
    assert!(leader != worker && worker != stranger);
    // Closing commands are for people on the roster; everyone may follow.
    assert!(
        leader.contains("/verify 42") && !stranger.contains("/verify 42"),
        "{stranger}"
    );
    assert!(stranger.contains("/list"), "{stranger}");
    // In the sub-district chat only its duty officers are told how to whistle departments.
    let subdistrict = w.chat("huashan");
    let officer = ask(&mut w, &subdistrict, 1200, "/help").await;
    let grid_member = ask(&mut w, &subdistrict, 1002, "/help").await;
    assert!(officer.contains("吹哨 城管中队 水务局"), "{officer}");
    assert!(
        !grid_member.contains("吹哨 城管中队 水务局"),
        "{grid_member}"
    );
    // A liaison in the department's chat is told how to report, not how to whistle.
    let department = w.chat("urban");
    let liaison = ask(&mut w, &department, 2001, "/help").await;
    assert!(
        liaison.contains(report) && !liaison.contains(whistle_example),
        "{liaison}"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn command_menus_are_set_for_chinese_and_english() {
    let w = world().await;
    let names = |lang: &str| -> Vec<(String, String)> {
        w.standin
            .my_commands("all_group_chats", lang)
            .iter()
            .map(|c| {
                (
                    c["command"].as_str().unwrap().to_string(),
                    c["description"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let zh = names("zh");
    let en = names("en");
    let fallback = names("");
    let commands: Vec<&str> = zh.iter().map(|(c, _)| c.as_str()).collect();
    for command in [
        "help", "whistle", "ack", "done", "verify", "reopen", "cancel", "list", "show", "roster",
        "assign", "unassign", "bind", "lang",
    ] {
        assert!(
            commands.contains(&command),
            "{command} missing from {commands:?}"
        );
    }
    let valid = |c: &str| {
        !c.is_empty()
            && c.len() <= 32
            && c.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
    };
    assert!(commands.iter().all(|c| valid(c)), "{commands:?}");
    assert!(zh.contains(&("whistle".to_string(), "吹哨：发起哨令".to_string())));
    assert!(en.contains(&("whistle".to_string(), "Whistle: start an order".to_string())));
    assert_eq!(en.len(), zh.len());
    assert_eq!(
        fallback, zh,
        "without a language, the organisation's default"
    );
    assert_no_violations(&w);
    w.stop().await;
}
