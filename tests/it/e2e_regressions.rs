//! Regression tests from a review of the whole change: each is named after what broke, and
//! failed before its fix.

use chrono::Duration;
use gridwhistle::domain::{EventKind, OrderId, PartyTarget};
use gridwhistle::standin::TgUser;

use crate::e2e::*;

/// The escalations of an order, as "time from->to why".
async fn escalations(w: &gridwhistle::sandbox::Sandbox, order: i64) -> Vec<String> {
    let events = w.store.events(OrderId(order)).await.unwrap();
    events
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::Escalated { from, to, why } => Some(format!(
                "{} {}->{} {why:?}",
                e.at,
                from.as_str(),
                to.as_str()
            )),
            _ => None,
        })
        .collect()
}

/// A grid leader may bind *their* grid, but not take the community's chat away from it.
#[tokio::test]
async fn a_grid_leader_could_take_the_community_chat_with_bind() {
    let mut w = world().await;
    let community = w.chat("cuihu");
    let before = w.chat_of_unit("cuihu").await;
    assert_eq!(before, Some(community.id));
    let answer = ask(&mut w, &community, 1001, "/bind cuihu-1").await;
    eprintln!("answer: {answer}");
    assert_eq!(
        w.chat_of_unit("cuihu").await,
        Some(community.id),
        "the community lost its chat to a grid leader's /bind (grid chat now {:?})",
        w.chat_of_unit("cuihu-1").await
    );
    w.stop().await;
}

/// The "resolved, please verify" notice goes to the whistler's chat.
#[tokio::test]
async fn the_verify_notice_went_to_the_lowest_chat_id_instead_of_the_whistlers() {
    let mut w = world().await;
    let sub = w.chat("huashan");
    let urban = w.chat("urban");
    whistle_as(&mut w, &sub, 1200, "吹哨 城管中队 水务局 圆西路积水").await;
    let before_sub = newest_bot_message(&w, &sub);
    let before_urban = newest_bot_message(&w, &urban);
    let who = w.user(2001);
    w.say(&urban, &who, "/done 1 已处理").await.unwrap();
    let in_sub: Vec<String> = bot_messages_after(&w, &sub, before_sub)
        .into_iter()
        .map(|m| m.text)
        .collect();
    let in_urban: Vec<String> = bot_messages_after(&w, &urban, before_urban)
        .into_iter()
        .map(|m| m.text)
        .collect();
    eprintln!("sub-district got: {in_sub:#?}\nurban got: {in_urban:#?}");
    let water = w.chat("water");
    eprintln!(
        "water chat {} got: {:#?}",
        water.id,
        w.messages(&water)
            .iter()
            .map(|m| m.text.clone())
            .collect::<Vec<_>>()
    );
    assert!(
        in_sub.iter().any(|t| t.contains("已处置 #1")),
        "the whistler (sub-district duty officer) was not asked to verify in the sub-district chat"
    );
    w.stop().await;
}

/// A long /reopen reason is clipped (the notice stays within 4096 characters).
#[tokio::test]
async fn a_long_reopen_reason_made_the_notice_too_long() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    whistle_as(&mut w, &grid, 1001, "吹哨 垃圾堆积").await;
    say_as(&mut w, &grid, 1002, "/done 1").await;
    let reason = "没".repeat(4080);
    say_as(&mut w, &grid, 1001, &format!("/reopen 1 {reason}")).await;
    assert_no_violations(&w);
    w.stop().await;
}

/// A grid's sanitation worker in the sub-district's chat should not whistle district departments.
#[tokio::test]
async fn a_grid_member_could_whistle_departments_from_the_subdistrict_chat() {
    let mut w = world().await;
    let sub = w.chat("huashan");
    let new = say_as(&mut w, &sub, 1002, "吹哨 城管中队 水务局 圆西路积水").await;
    eprintln!("{:#?}", new.iter().map(|m| &m.text).collect::<Vec<_>>());
    assert_eq!(
        order_count(&w).await,
        0,
        "a grid worker summoned departments"
    );
    assert_eq!(
        new.last().unwrap().text,
        "只有街道值班员或管理员可以吹哨部门。"
    );
    w.stop().await;
}

/// Adding a department by text (`吹哨 #1 水务局`) needs what the 📣 button needs.
#[tokio::test]
async fn adding_a_department_by_text_skipped_the_buttons_check() {
    let mut w = world().await;
    let sub = w.chat("huashan");
    whistle_as(&mut w, &sub, 1200, "吹哨 城管中队 圆西路占道").await;
    let new = say_as(&mut w, &sub, 1002, "吹哨 #1 市场监督管理所").await;
    eprintln!("{:#?}", new.iter().map(|m| &m.text).collect::<Vec<_>>());
    let o = w.store.order(OrderId(1)).await.unwrap().unwrap().order;
    assert_eq!(
        o.parties.len(),
        1,
        "a grid worker added a department: {:?}",
        o.parties
    );
    w.stop().await;
}

/// /assign with a text_mention of someone with a last name (clients insert the first name).
#[tokio::test]
async fn assign_failed_for_a_text_mention_of_someone_with_a_last_name() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let zhou = TgUser::new(3004, "Xiaoming").with_last_name("Zhou");
    w.standin.register_user(&zhou);
    let update = w.standin.group_text_with_mentions(
        &grid,
        &leader,
        "/assign 城管 Xiaoming",
        &[("Xiaoming", &zhou)],
    );
    let answers = push_and_collect(&mut w, &grid, update).await;
    eprintln!("{:#?}", answers.iter().map(|m| &m.text).collect::<Vec<_>>());
    assert!(
        answers[0]
            .text
            .starts_with("✅ Xiaoming Zhou 现为翠湖社区第一网格的城管执法员"),
        "{}",
        answers[0].text
    );
    w.stop().await;
}

/// A whistle due in 10 minutes: both its report and resolve deadlines pass at once. One level.
#[tokio::test]
async fn a_report_and_resolve_deadline_at_once_is_one_level() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    whistle_as(&mut w, &grid, 1001, "吹哨 垃圾堆积 10分钟内").await;
    w.advance(Duration::minutes(11)).await.unwrap();
    let ev = escalations(&w, 1).await;
    assert_eq!(ev.len(), 1, "{ev:?}");
    w.stop().await;
}

/// `吹哨 #1 民警` in the community chat should add the grid's police officer, not the
/// community's duty officers.
#[tokio::test]
async fn adding_a_role_from_the_community_chat_summoned_the_duty_officers() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let community = w.chat("cuihu");
    whistle_as(&mut w, &grid, 1001, "吹哨 垃圾堆积").await;
    say_as(&mut w, &community, 1100, "吹哨 #1 民警").await;
    let o = w.store.order(OrderId(1)).await.unwrap().unwrap().order;
    let added: Vec<&PartyTarget> = o.parties.iter().map(|p| &p.target).collect();
    eprintln!("{added:?}");
    assert!(
        added.iter().any(
            |t| matches!(t, PartyTarget::Role { role, .. } if role.as_str() == "community_police")
        ),
        "{added:?}"
    );
    w.stop().await;
}

/// An unknown command echoing a long word stays within 4096.
#[tokio::test]
async fn a_long_unknown_command_made_the_answer_too_long() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let cmd = format!("/{}", "a".repeat(4090));
    say_as(&mut w, &grid, 1002, &cmd).await;
    assert_no_violations(&w);
    w.stop().await;
}

/// Someone not on any roster replies to a card: their words go on the order's audit log.
#[tokio::test]
async fn a_strangers_reply_became_a_progress_note() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let card = whistle_as(&mut w, &grid, 1001, "吹哨 垃圾堆积").await;
    let stranger = TgUser::new(9999, "路人");
    w.reply(
        &grid,
        &stranger,
        card.message_id,
        "<b>假消息</b> 已经处理好了，不用来了",
    )
    .await
    .unwrap();
    let notes = w
        .store
        .events(OrderId(1))
        .await
        .unwrap()
        .into_iter()
        .filter(|e| matches!(e.kind, EventKind::Note { .. }))
        .count();
    assert_eq!(notes, 0, "a stranger wrote on the order's timeline");
    assert!(w
        .last(&grid)
        .unwrap()
        .text
        .contains("只有本单位名册上的人或被召集的人可以记录进展"));
    assert_no_violations(&w);
    w.stop().await;
}

/// While a job is claimed (by a scheduler that failed on it, or by another process), the next
/// due moment the scheduler sleeps until must not be in the past, or `scheduler::run` spins.
#[tokio::test]
async fn a_claimed_job_made_the_scheduler_spin() {
    use chrono::{TimeZone, Utc};
    use gridwhistle::domain::escalation::{Job, JobKind};
    use gridwhistle::domain::policy::Level;
    use gridwhistle::domain::{OrderState, Party, RoleId, TelegramUserId, UnitId, WhistleOrder};
    let db = crate::support::sqlite().await;
    let t0 = Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
    let at = |m: i64| t0 + Duration::minutes(m);
    let order = WhistleOrder {
        id: OrderId(0),
        unit: UnitId::parse("cuihu-1").unwrap(),
        text: "x".into(),
        location: None,
        urgent: false,
        state: OrderState::Open,
        level: Level::Grid,
        whistler: TelegramUserId(1001).into(),
        created_at: t0,
        resolve_due: at(240),
        parties: vec![Party {
            target: PartyTarget::Role {
                unit: UnitId::parse("cuihu-1").unwrap(),
                role: RoleId::new("sanitation"),
            },
            level: Level::Grid,
            added_at: t0,
            ack_due: at(30),
            report: None,
        }],
        reopen_count: 0,
        place: None,
        photos: Vec::new(),
    };
    let jobs = [Job {
        kind: JobKind::Ack,
        due: at(30),
        anchor: at(30),
    }];
    crate::support::create_order(&db.store, order, &jobs, |_| (vec![], vec![])).await;
    let claimed = db.store.claim_jobs(at(31), 60_000, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    // The worker failed: nothing is finished. The loop asks again at at(31).
    assert!(db
        .store
        .claim_jobs(at(31), 60_000, 10)
        .await
        .unwrap()
        .is_empty());
    let next = db.store.next_job_due().await.unwrap().unwrap();
    assert!(
        next > at(31),
        "scheduler::run would sleep 0 ms until the lease ends: next due {next}"
    );
}

/// Same as r07 but the report deadline that coincides with the resolve deadline comes from a
/// second whistle: now the resolve job (older id) runs first and both escalate.
#[tokio::test]
async fn coinciding_deadlines_escalated_two_levels_by_job_order() {
    let mut w = world().await; // Monday 14:02
    let grid = w.chat("cuihu-1");
    whistle_as(&mut w, &grid, 1001, "吹哨 垃圾堆积 18点前").await;
    say_as(&mut w, &grid, 1002, "/ack 1").await;
    w.advance(Duration::minutes(223)).await.unwrap(); // 17:45
    say_as(&mut w, &grid, 1001, "吹哨 #1 城管 18点前").await;
    w.advance(Duration::minutes(16)).await.unwrap(); // 18:01
    let ev = escalations(&w, 1).await;
    assert_eq!(ev.len(), 1, "{ev:?}");
    w.stop().await;
}

/// A press whose data names another order than the message it is on (a forged callback) acts
/// on nothing.
#[tokio::test]
async fn a_button_press_could_name_an_order_its_message_is_not_about() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let first = whistle_as(&mut w, &grid, 1001, "吹哨 垃圾堆积").await;
    whistle_as(&mut w, &grid, 1001, "吹哨 垃圾满了").await;
    let wang = w.user(1002);
    let forged = w
        .standin
        .callback(grid.id, &wang, first.message_id, "r:2")
        .unwrap();
    w.push(forged).await.unwrap();
    assert_eq!(last_toast(&w), "这个按钮已失效。");
    let second = w.store.order(OrderId(2)).await.unwrap().unwrap().order;
    assert!(
        second.parties.iter().all(|p| p.report.is_none()),
        "nothing was reported"
    );
    assert_no_violations(&w);
    w.stop().await;
}

/// The "please verify" notice kept 确认/退回 after the order was closed; the escalation notice
/// kept 接手 after the order was cancelled.
#[tokio::test]
async fn notices_kept_their_buttons_after_the_order_moved_on() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    whistle_as(&mut w, &grid, 1001, "吹哨 垃圾堆积").await;
    say_as(&mut w, &grid, 1002, "/done 1 已清理").await;
    let notice = w.last(&grid).unwrap();
    assert_eq!(
        notice.keyboard.len(),
        1,
        "the notice offers 确认/退回: {:?}",
        notice.keyboard
    );
    say_as(&mut w, &grid, 1001, "/verify 1").await;
    let notice = w.standin.message(grid.id, notice.message_id).unwrap();
    assert!(
        notice.keyboard.is_empty(),
        "stale buttons: {:?}",
        notice.keyboard
    );

    whistle_as(&mut w, &grid, 1001, "吹哨 流动摊贩").await;
    w.advance(Duration::minutes(31)).await.unwrap();
    let community = w.chat("cuihu");
    let escalation = w.last(&community).unwrap();
    assert_eq!(escalation.keyboard[0][0].0, "接手");
    say_as(&mut w, &grid, 1001, "/cancel 2 重复").await;
    let escalation = w
        .standin
        .message(community.id, escalation.message_id)
        .unwrap();
    assert!(
        escalation.keyboard.is_empty(),
        "stale buttons: {:?}",
        escalation.keyboard
    );
    assert_no_violations(&w);
    w.stop().await;
}
