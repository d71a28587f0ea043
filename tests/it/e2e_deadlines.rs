//! Deadlines end to end: reminders, escalation at every level, department whistles and their
//! deadlines, the working calendar, reopen escalation, cancel, and the audit log. Time is moved
//! with the manual clock; nothing sleeps through a deadline.

use chrono::{Duration, TimeZone, Utc};
use gridwhistle::domain::{EventKind, OrderId};
use gridwhistle::sandbox::Sandbox;

use crate::e2e::{assert_no_violations, world_at};

/// Saturday 2026-11-28 14:02 in Kunming (outside the calendar's working days).
async fn world() -> Sandbox {
    world_at(Utc.with_ymd_and_hms(2026, 11, 28, 6, 2, 0).unwrap()).await
}

/// Friday 2026-11-27 10:00 in Kunming (a working day).
async fn weekday_world() -> Sandbox {
    world_at(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()).await
}

async fn escalations(w: &Sandbox, order: i64) -> Vec<(String, String)> {
    w.store
        .events(OrderId(order))
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::Escalated { from, to, .. } => {
                Some((from.as_str().to_string(), to.as_str().to_string()))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_reminder_mentions_who_has_not_reported_before_the_deadline() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    w.say(
        &grid,
        &w.user(1001),
        "吹哨 圆西路垃圾堆积，还有流动摊贩 紧急",
    )
    .await
    .unwrap();
    let card = w.card(&grid, 1).await.unwrap();
    w.press(&grid, &w.user(1002), card.message_id, "报到")
        .await
        .unwrap();
    // urgent: report within 10 minutes, reminder 3 minutes before
    assert_eq!(
        w.advance(Duration::minutes(6)).await.unwrap(),
        0,
        "nothing due yet"
    );
    w.advance(Duration::minutes(1)).await.unwrap();
    let reminder = w.last(&grid).unwrap();
    assert!(reminder.text.starts_with("⏰ #1 提醒"), "{}", reminder.text);
    assert!(reminder.text.contains("城管执法员"), "{}", reminder.text);
    assert_eq!(
        reminder.mentioned_user_ids,
        vec![1004],
        "only the one who has not reported"
    );
    assert_eq!(reminder.reply_to, Some(card.message_id));
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_reminder_also_goes_privately_to_people_who_started_the_bot() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let liu = w.user(1004);
    let start = w.standin.private_text(&liu, "/start");
    w.push(start).await.unwrap();
    w.say(&grid, &w.user(1001), "吹哨 圆西路流动摊贩 紧急")
        .await
        .unwrap();
    w.advance(Duration::minutes(7)).await.unwrap();
    let private: Vec<_> = w.standin.messages(1004);
    let last = private.last().expect("a private reminder");
    assert!(
        last.text.contains("⏰ #1 · 翠湖社区第一网格"),
        "{}",
        last.text
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn an_unanswered_order_climbs_grid_community_subdistrict_district() {
    let mut w = weekday_world().await;
    let grid = w.chat("cuihu-1");
    let community = w.chat("cuihu");
    let subdistrict = w.chat("huashan");
    let district = w.chat("wuhua");
    w.say(&grid, &w.user(1001), "吹哨 圆西路流动摊贩")
        .await
        .unwrap();
    // grid: 30 minutes to report
    w.advance(Duration::minutes(31)).await.unwrap();
    assert_eq!(
        escalations(&w, 1).await,
        vec![("grid".into(), "community".into())]
    );
    let notice = w.last(&community).unwrap();
    assert!(
        notice
            .text
            .starts_with("⬆️ #1 从 翠湖社区第一网格 升级到 翠湖社区"),
        "{}",
        notice.text
    );
    assert!(
        notice.text.contains("原因：城管执法员 未按时报到"),
        "{}",
        notice.text
    );
    assert!(
        notice.text.contains("李明 吹哨"),
        "the timeline so far: {}",
        notice.text
    );
    assert_eq!(
        notice.mentioned_user_ids,
        vec![1100],
        "the community's duty officer"
    );
    assert_eq!(
        notice.keyboard[0][0],
        ("接手".to_string(), "r:1".to_string())
    );
    let child_card = w.card(&grid, 1).await.unwrap();
    assert!(
        child_card.text.contains("⬆️ 已升级到 翠湖社区"),
        "{}",
        child_card.text
    );
    assert!(
        child_card.text.contains("⚠️ 城管执法员"),
        "overdue mark: {}",
        child_card.text
    );

    // community: its duty officer does not take over within 30 minutes either
    w.advance(Duration::minutes(31)).await.unwrap();
    assert_eq!(escalations(&w, 1).await.len(), 2);
    let notice = w.last(&subdistrict).unwrap();
    assert!(notice.text.contains("升级到 华山街道"), "{}", notice.text);
    let department_buttons: Vec<&str> = notice
        .keyboard
        .iter()
        .flatten()
        .map(|(_, d)| d.as_str())
        .collect();
    assert!(
        department_buttons.contains(&"w:1:urban"),
        "routed by handles: {department_buttons:?}"
    );

    // sub-district: one hour
    w.advance(Duration::minutes(61)).await.unwrap();
    assert_eq!(
        escalations(&w, 1).await,
        vec![
            ("grid".into(), "community".into()),
            ("community".into(), "subdistrict".into()),
            ("subdistrict".into(), "district".into())
        ]
    );
    assert!(w.last(&district).unwrap().text.contains("升级到 五华区"));
    // the district is the top: later deadlines change nothing
    w.advance(Duration::hours(48)).await.unwrap();
    assert_eq!(escalations(&w, 1).await.len(), 3);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn taking_over_is_the_duty_officers_report_and_stops_the_climb() {
    let mut w = weekday_world().await;
    let grid = w.chat("cuihu-1");
    let community = w.chat("cuihu");
    w.say(&grid, &w.user(1001), "吹哨 圆西路流动摊贩")
        .await
        .unwrap();
    w.advance(Duration::minutes(31)).await.unwrap();
    let notice = w.last(&community).unwrap();
    w.press(&community, &w.user(1100), notice.message_id, "接手")
        .await
        .unwrap();
    let card = w.card(&community, 1).await.unwrap();
    assert!(
        card.text.contains("✅ 翠湖社区 值班员  何振华"),
        "{}",
        card.text
    );
    w.advance(Duration::minutes(40)).await.unwrap();
    assert_eq!(
        escalations(&w, 1).await.len(),
        1,
        "no second escalation after the take-over"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn the_subdistrict_whistles_departments_and_a_late_department_goes_to_the_district() {
    let mut w = weekday_world().await;
    let subdistrict = w.chat("huashan");
    let urban = w.chat("urban");
    let water = w.chat("water");
    let district = w.chat("wuhua");
    w.say(
        &subdistrict,
        &w.user(1200),
        "吹哨 城管中队 水务局 圆西路积水严重",
    )
    .await
    .unwrap();
    let urban_card = w.card(&urban, 1).await.expect("card in the urban chat");
    assert!(urban_card.mentioned_user_ids.contains(&2001));
    let water_card = w.card(&water, 1).await.expect("card in the water chat");
    assert!(water_card.mentioned_user_ids.contains(&2006));
    w.press(&urban, &w.user(2001), urban_card.message_id, "报到")
        .await
        .unwrap();
    // sub-district policy: one hour; a reminder first, then the district
    w.advance(Duration::minutes(52)).await.unwrap();
    let reminder = w.last(&water).unwrap();
    assert!(
        reminder.text.contains("⏰ #1 提醒：水务局"),
        "{}",
        reminder.text
    );
    w.advance(Duration::minutes(10)).await.unwrap();
    assert_eq!(
        escalations(&w, 1).await,
        vec![("subdistrict".into(), "district".into())]
    );
    let notice = w.last(&district).unwrap();
    assert!(notice.text.contains("水务局 未按时报到"), "{}", notice.text);
    let sub_card = w.card(&subdistrict, 1).await.unwrap();
    assert!(sub_card.text.contains("✅ 城管中队"), "{}", sub_card.text);
    assert!(sub_card.text.contains("⚠️ 水务局"), "{}", sub_card.text);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn an_escalated_order_is_whistled_to_departments_with_a_button_and_by_command() {
    let mut w = weekday_world().await;
    let grid = w.chat("cuihu-1");
    let subdistrict = w.chat("huashan");
    w.say(&grid, &w.user(1001), "吹哨 圆西路流动摊贩占道经营")
        .await
        .unwrap();
    w.advance(Duration::minutes(31)).await.unwrap();
    w.advance(Duration::minutes(31)).await.unwrap();
    let notice = w.last(&subdistrict).unwrap();
    // a grid member may not whistle departments
    w.press(
        &subdistrict,
        &w.user(1004),
        notice.message_id,
        "📣 城管中队",
    )
    .await
    .unwrap();
    let toast = w.standin.toasts().last().unwrap().1.clone().unwrap();
    assert_eq!(toast, "只有街道值班员或管理员可以吹哨部门。");
    w.press(
        &subdistrict,
        &w.user(1200),
        notice.message_id,
        "📣 城管中队",
    )
    .await
    .unwrap();
    assert_eq!(
        w.standin.toasts().last().unwrap().1.as_deref(),
        Some("📣 已吹哨 城管中队")
    );
    let urban = w.chat("urban");
    assert!(w
        .card(&urban, 1)
        .await
        .unwrap()
        .mentioned_user_ids
        .contains(&2001));
    w.say(&subdistrict, &w.user(1200), "/whistle #1 水务局")
        .await
        .unwrap();
    let water = w.chat("water");
    assert!(w
        .card(&water, 1)
        .await
        .unwrap()
        .mentioned_user_ids
        .contains(&2006));
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn the_calendar_pauses_deadlines_outside_working_time_but_not_for_urgent_orders() {
    let mut w = world().await; // Saturday afternoon
    let grid = w.chat("cuihu-1");
    w.say(&grid, &w.user(1001), "吹哨 楼道灯不亮")
        .await
        .unwrap();
    w.say(&grid, &w.user(1001), "吹哨 有人打架 紧急")
        .await
        .unwrap();
    w.advance(Duration::minutes(40)).await.unwrap();
    assert!(
        escalations(&w, 1).await.is_empty(),
        "the weekend does not count"
    );
    assert_eq!(
        escalations(&w, 2).await.len(),
        1,
        "urgent orders ignore the calendar"
    );
    let card = w.card(&grid, 1).await.unwrap();
    assert!(
        card.text.contains("⏰ 11-30 09:00 前报到"),
        "Monday 08:30 + 30 min: {}",
        card.text
    );
    // Monday 09:01
    w.advance(Duration::hours(42) + Duration::minutes(20))
        .await
        .unwrap();
    assert_eq!(escalations(&w, 1).await.len(), 1);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_second_reopen_escalates_and_a_cancelled_order_never_does() {
    let mut w = weekday_world().await;
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    let wang = w.user(1002);
    w.say(&grid, &li, "吹哨 垃圾堆积 @环卫").await.unwrap();
    for round in 1..=2 {
        w.say(&grid, &wang, "/done 1 已清理").await.unwrap();
        w.say(&grid, &li, &format!("/reopen 1 还有垃圾 {round}"))
            .await
            .unwrap();
    }
    assert_eq!(
        escalations(&w, 1).await,
        vec![("grid".into(), "community".into())]
    );
    let community = w.chat("cuihu");
    assert!(
        w.last(&community).unwrap().text.contains("两次退回"),
        "{}",
        w.last(&community).unwrap().text
    );

    w.say(&grid, &li, "吹哨 井盖丢了").await.unwrap();
    w.say(&grid, &li, "/cancel 2 重复").await.unwrap();
    w.advance(Duration::days(3)).await.unwrap();
    assert!(
        escalations(&w, 2).await.is_empty(),
        "a cancelled order never escalates"
    );
    assert!(w.store.pending_jobs(OrderId(2)).await.unwrap().is_empty());
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn escalate_by_hand_and_show_tells_the_whole_story() {
    let mut w = weekday_world().await;
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    w.say(&grid, &li, "吹哨 垃圾堆积 紧急").await.unwrap();
    w.advance(Duration::minutes(8)).await.unwrap(); // reminder
    w.say(&grid, &w.user(1002), "/escalate 1 不归我管")
        .await
        .unwrap();
    assert!(w
        .last(&grid)
        .unwrap()
        .text
        .contains("只有吹哨人、网格长或值班员可以升级 #1"));
    w.say(&grid, &li, "/escalate 1 需要社区协调").await.unwrap();
    assert_eq!(escalations(&w, 1).await.len(), 1);
    w.say(&grid, &li, "/show 1").await.unwrap();
    let show = w.last(&grid).unwrap().text;
    for line in [
        "李明 吹哨",
        "⏰ 提醒 环卫保洁员",
        "⬆️ 升级到社区：需要社区协调",
    ] {
        assert!(show.contains(line), "{line:?} missing from:\n{show}");
    }
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn deadlines_survive_a_restart() {
    let mut w = weekday_world().await;
    let grid = w.chat("cuihu-1");
    w.say(&grid, &w.user(1001), "吹哨 圆西路流动摊贩")
        .await
        .unwrap();
    w.restart().await.unwrap();
    w.clock.advance(Duration::minutes(31));
    w.restart().await.unwrap();
    w.advance(Duration::seconds(1)).await.unwrap();
    assert_eq!(
        escalations(&w, 1).await.len(),
        1,
        "the new process found the deadline in the database"
    );
    assert_eq!(
        w.card(&grid, 1).await.unwrap().edit_count,
        1,
        "the card of the first process was edited"
    );
    assert_no_violations(&w);
    w.stop().await;
}
