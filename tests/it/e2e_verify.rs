//! Verification end to end (issue 8, defect 8): a resolved order nobody verifies is not left
//! resolved forever. After `verify_within` the whistler is reminded (a reply to the card that
//! mentions them), after as long again the nearest leaders are asked; nothing is ever closed
//! without a person. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.

use chrono::{DateTime, Duration, Utc};
use gridwhistle::clock::Clock;
use gridwhistle::domain::escalation::JobKind;
use gridwhistle::domain::{EventKind, OrderId, OrderState};
use gridwhistle::sandbox::Sandbox;

use crate::e2e::*;

const HUASHAN: &str = include_str!("../../examples/huashan.toml");

/// Monday 2026-11-30 14:02 in Kunming, as `e2e::world`.
fn monday() -> DateTime<Utc> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(2026, 11, 30, 6, 2, 0).unwrap()
}

/// The pending verification jobs of order 1: (kind, due).
async fn verify_jobs(w: &Sandbox) -> Vec<(JobKind, DateTime<Utc>)> {
    w.store
        .pending_jobs(OrderId(1))
        .await
        .unwrap()
        .into_iter()
        .filter(|(k, _)| matches!(k, JobKind::VerifyRemind | JobKind::VerifyAsk))
        .collect()
}

/// Moves the clock to `t` (from before it), letting the scheduler act.
async fn advance_to(w: &mut Sandbox, t: DateTime<Utc>) -> usize {
    let by = t - w.clock.now();
    assert!(by >= Duration::zero(), "{t} is past");
    w.advance(by).await.unwrap()
}

/// Who was asked to verify order 1, in order, by the timeline.
async fn asked(w: &Sandbox) -> Vec<Vec<i64>> {
    w.store
        .events(OrderId(1))
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::VerifyReminded { people } => Some(people.iter().map(|p| p.0).collect()),
            _ => None,
        })
        .collect()
}

/// 李明, the grid leader, whistles; 王芳 reports and resolves it. Nobody verifies: a day of
/// working time later 李明 is reminded in the grid chat, a day after that the community's duty
/// officer is asked in the community chat, and when he verifies the order is closed and the
/// buttons of both messages go.
async fn a_resolved_order_nobody_verified_stayed_resolved_forever(mut w: Sandbox) {
    let grid = w.chat("cuihu-1");
    let community = w.chat("cuihu");
    let card = whistle_as(&mut w, &grid, 1001, "吹哨 圆西路12号垃圾堆积 @环卫").await;
    let wang = w.user(1002);
    press(&mut w, &grid, &wang, card.message_id, "报到").await;
    say_as(&mut w, &grid, 1002, "/done 1 已清理").await;
    assert_eq!(order_state(&w, 1).await, OrderState::Resolved);
    let jobs = verify_jobs(&w).await;
    assert_eq!(
        jobs.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        vec![JobKind::VerifyRemind, JobKind::VerifyAsk],
        "{jobs:?}"
    );
    let (remind_at, ask_at) = (jobs[0].1, jobs[1].1);
    // 24 hours of working time (08:30-18:00 on weekdays): Thursday 09:32, then Monday 14:32.
    let tz = w.org.timezone;
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%a %H:%M").to_string();
    assert_eq!(
        (local(remind_at), local(ask_at)),
        ("Thu 09:32".into(), "Mon 14:32".into())
    );

    let before = newest_bot_message(&w, &grid);
    assert_eq!(
        advance_to(&mut w, remind_at - Duration::minutes(1)).await,
        0,
        "nothing due yet"
    );
    assert!(bot_messages_after(&w, &grid, before).is_empty());
    advance_to(&mut w, remind_at).await;
    let new = bot_messages_after(&w, &grid, before);
    assert_eq!(new.len(), 1, "{new:#?}");
    let reminder = &new[0];
    assert_eq!(
        reminder.text,
        "⏰ #1 已于 11-30 14:02 处置，还没有人确认。\n请吹哨人 @liming 看看现场：办好了就确认，没办好就退回。"
    );
    assert_eq!(reminder.reply_to, Some(card.message_id));
    assert_eq!(reminder.mentioned_user_ids, vec![1001]);
    assert_eq!(
        reminder.keyboard,
        keyboard(&[&[("确认", "v:1"), ("退回", "o:1")]])
    );
    assert_eq!(order_state(&w, 1).await, OrderState::Resolved);

    let before_community = newest_bot_message(&w, &community);
    let before = newest_bot_message(&w, &grid);
    assert_eq!(
        advance_to(&mut w, ask_at - Duration::minutes(1)).await,
        0,
        "nothing due yet"
    );
    advance_to(&mut w, ask_at).await;
    assert!(
        bot_messages_after(&w, &grid, before).is_empty(),
        "the grid leader whistled: the one above is asked, in his chat"
    );
    let new = bot_messages_after(&w, &community, before_community);
    assert_eq!(new.len(), 1, "{new:#?}");
    let ask = &new[0];
    assert_eq!(
        ask.text,
        "⏰ #1 · 翠湖社区第一网格：圆西路12号垃圾堆积 @环卫\n11-30 14:02 已处置，吹哨人 李明 还没有确认。请 @zhao_duty 何振华 核实后确认办结或退回。"
    );
    assert_eq!(ask.mentioned_user_ids, vec![1100]);
    assert_eq!(
        ask.keyboard,
        keyboard(&[&[("确认", "v:1"), ("退回", "o:1")]])
    );
    // Never closed without a person, and nothing more is due.
    assert_eq!(order_state(&w, 1).await, OrderState::Resolved);
    assert!(verify_jobs(&w).await.is_empty());
    assert_eq!(w.advance(Duration::days(30)).await.unwrap(), 0);
    assert_eq!(order_state(&w, 1).await, OrderState::Resolved);
    assert_eq!(asked(&w).await, vec![vec![1001], vec![1100]]);

    let he = w.user(1100);
    press(&mut w, &community, &he, ask.message_id, "确认").await;
    assert_eq!(order_state(&w, 1).await, OrderState::Closed);
    for (chat, mid) in [(&grid, reminder.message_id), (&community, ask.message_id)] {
        let m = w.standin.message(chat.id, mid).unwrap();
        assert!(m.keyboard.is_empty(), "buttons left on {:?}", m.text);
    }
    let show = ask_show(&mut w).await;
    assert!(show.contains("⏰ 请 李明 确认"), "{show}");
    assert!(show.contains("⏰ 请 何振华 确认"), "{show}");
    assert_no_violations(&w);
    w.stop().await;
}

async fn ask_show(w: &mut Sandbox) -> String {
    let grid = w.chat("cuihu-1");
    ask(w, &grid, 1001, "/show 1").await
}

#[tokio::test]
async fn sqlite_a_resolved_order_nobody_verified_stayed_resolved_forever() {
    a_resolved_order_nobody_verified_stayed_resolved_forever(world().await).await;
}

#[tokio::test]
async fn postgres_a_resolved_order_nobody_verified_stayed_resolved_forever() {
    let Some(db) = crate::support::postgres("verify").await else {
        return;
    };
    let w = Sandbox::start(HUASHAN, Some(db.url.clone()), monday())
        .await
        .unwrap();
    a_resolved_order_nobody_verified_stayed_resolved_forever(w).await;
}

/// A member whistled: the grid leader is the one asked, in the grid chat. An order verified in
/// time, or reopened and resolved again, is reminded about only from its latest resolution.
#[tokio::test]
async fn the_grid_leader_is_asked_and_a_later_resolution_starts_over() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let card = whistle_as(&mut w, &grid, 1002, "吹哨 楼道灯坏了 @城管").await;
    say_as(&mut w, &grid, 1004, "/done 1 换好了").await;
    let first = verify_jobs(&w).await;
    w.clock.advance(Duration::hours(1));
    say_as(&mut w, &grid, 1002, "/reopen 1 还是不亮").await;
    assert!(
        verify_jobs(&w).await.is_empty(),
        "reopened: nothing to verify"
    );
    w.clock.advance(Duration::hours(1));
    say_as(&mut w, &grid, 1004, "/done 1 这次换好了").await;
    let second = verify_jobs(&w).await;
    assert_eq!(second.len(), 2);
    assert!(second[0].1 > first[0].1, "{first:?} {second:?}");
    let before = newest_bot_message(&w, &grid);
    advance_to(&mut w, second[1].1).await;
    let new: Vec<_> = bot_messages_after(&w, &grid, before)
        .into_iter()
        .filter(|m| m.text.starts_with("⏰ #1"))
        .collect();
    assert_eq!(new.len(), 2, "one reminder, one ask: {new:#?}");
    assert_eq!(new[0].mentioned_user_ids, vec![1002], "the whistler");
    assert_eq!(new[1].mentioned_user_ids, vec![1001], "the grid leader");
    assert_eq!(new[1].reply_to, Some(card.message_id));
    assert_eq!(asked(&w).await, vec![vec![1002], vec![1001]]);
    assert_eq!(order_state(&w, 1).await, OrderState::Resolved);

    // Verified in time: nothing is due any more.
    let mut w2 = world().await;
    let grid = w2.chat("cuihu-1");
    whistle_as(&mut w2, &grid, 1002, "吹哨 楼道灯坏了 @城管").await;
    say_as(&mut w2, &grid, 1004, "/done 1 换好了").await;
    ask(&mut w2, &grid, 1002, "/verify 1").await;
    assert!(verify_jobs(&w2).await.is_empty());
    let before = newest_bot_message(&w2, &grid);
    w2.advance(Duration::days(10)).await.unwrap();
    assert!(bot_messages_after(&w2, &grid, before).is_empty());
    assert!(asked(&w2).await.is_empty());
    assert_no_violations(&w);
    assert_no_violations(&w2);
    w.stop().await;
    w2.stop().await;
}
