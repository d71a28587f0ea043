//! Issue 8, as a careless or hostile chat writes: due times already gone or unreadable, order
//! numbers in full-width digits or too large for an order, invisible and control characters,
//! and a co-holder of a role told they had reported when a colleague had. Each test is named
//! after what broke; the ones that store what people typed run on SQLite and PostgreSQL.

use chrono::{DateTime, Duration, TimeZone, Utc};
use gridwhistle::domain::policy::Level;
use gridwhistle::domain::{EventKind, OrderId, TelegramUserId};
use gridwhistle::sandbox::Sandbox;
use gridwhistle::standin::TgUser;

use crate::e2e::*;

const HUASHAN: &str = include_str!("../../examples/huashan.toml");

/// Monday 2026-11-30 at `h:m` in Kunming (UTC+8).
fn monday(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap()
        + Duration::hours(h as i64 - 8)
        + Duration::minutes(m as i64)
}

async fn events(w: &Sandbox, order: i64) -> Vec<EventKind> {
    w.store
        .events(OrderId(order))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

fn minutes(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(60)
}

// ---- 1. due times already past, or unreadable --------------------------------------------

/// The everyday case: "今天18点前" sent at 18:05. The order is created with the normal
/// windows at once, the whistler is told the time had passed and offered the next 18:00.
#[tokio::test]
async fn a_due_time_already_past_today_escalated_at_once() {
    let mut w = world_at(monday(18, 5)).await;
    let grid = w.chat("cuihu-1");
    let community = w.chat("cuihu");
    let li = w.user(1001);
    let zhao = w.user(1003);
    let new = say_and_collect(
        &mut w,
        &grid,
        &li,
        "吹哨 圆西路12号门口垃圾堆积 @环卫 今天18点前",
    )
    .await;
    assert_eq!(
        new.len(),
        2,
        "the card and the reply about the time: {new:#?}"
    );
    let card = &new[0];
    assert!(
        card.text.starts_with("🔔 哨令 #1 · 翠湖社区第一网格"),
        "{}",
        card.text
    );
    let order = w.store.order(OrderId(1)).await.unwrap().unwrap().order;
    // The normal windows (on the working calendar: after hours, from the next morning).
    let normal_ack = w.org.policy.deadlines(Level::Grid, false, None).ack_within;
    assert!(order.parties[0].ack_due >= monday(18, 5) + Duration::seconds(normal_ack.0));
    assert!(order.resolve_due > monday(18, 5) + Duration::hours(24));
    let default_resolve = order.resolve_due;

    let reply = &new[1];
    assert_eq!(
        reply.reply_to,
        Some(card.message_id),
        "it answers on the card"
    );
    assert_eq!(
        reply.text,
        "⏰ #1：18:00 已经过了，处置时限按默认定为 12-03 13:30。"
    );
    let next = monday(18, 0) + Duration::days(1);
    let data = format!("t:1:{}", minutes(next));
    assert_eq!(
        reply.keyboard,
        keyboard(&[&[("18:00 已过 · 改为明天 18:00", data.as_str())]])
    );

    // Never an instant escalation: minutes later nothing has risen.
    w.advance(Duration::minutes(5)).await.unwrap();
    assert!(
        w.messages(&community).is_empty(),
        "{:#?}",
        w.messages(&community)
    );
    assert!(!events(&w, 1)
        .await
        .iter()
        .any(|e| matches!(e, EventKind::Escalated { .. })));

    // Only the whistler (or a leader) sets the deadline.
    let toast = press(
        &mut w,
        &grid,
        &zhao,
        reply.message_id,
        "18:00 已过 · 改为明天 18:00",
    )
    .await;
    assert_eq!(toast, "只有吹哨人、网格长或值班员可以修改 #1 的处置时限。");
    let o = w.store.order(OrderId(1)).await.unwrap().unwrap().order;
    assert_eq!(o.resolve_due, default_resolve);

    let toast = press(
        &mut w,
        &grid,
        &li,
        reply.message_id,
        "18:00 已过 · 改为明天 18:00",
    )
    .await;
    assert_eq!(toast, "⏰ #1 的处置时限已改为 明天 18:00。");
    let o = w.store.order(OrderId(1)).await.unwrap().unwrap().order;
    assert_eq!(o.resolve_due, next);
    assert!(
        card_now(&w, &grid, 1)
            .await
            .text
            .contains("限 明天 18:00 前处置"),
        "{}",
        card_now(&w, &grid, 1).await.text
    );
    assert_eq!(
        events(&w, 1).await.last(),
        Some(&EventKind::ResolveDueSet {
            from: default_resolve,
            to: next
        })
    );
    // The button did its work and is gone; an old press of it is stale.
    let reply_now = w.standin.message(grid.id, reply.message_id).unwrap();
    assert!(reply_now.keyboard.is_empty(), "{:?}", reply_now.keyboard);
    let toast = press_data(&mut w, &grid, &li, reply.message_id, &data).await;
    assert_eq!(toast, "这个按钮已失效。");
    let shown = answer_to(&mut w, &grid, &li, "/show 1").await;
    assert!(shown.contains("李明 把处置时限改为 明天 18:00"), "{shown}");
    assert_no_violations(&w);
    w.stop().await;
}

/// The issue's own case: at 04:09, "今天3点前". The report deadline used to be the moment of
/// the whistle, and the order rose to the community within seconds.
#[tokio::test]
async fn a_due_time_at_3_oclock_sent_at_4_made_the_report_deadline_now() {
    let mut w = world_at(monday(4, 9)).await;
    let grid = w.chat("cuihu-1");
    let community = w.chat("cuihu");
    let li = w.user(1001);
    let new = say_and_collect(
        &mut w,
        &grid,
        &li,
        "吹哨 圆通街28号门口垃圾堆积 @环卫 今天3点前",
    )
    .await;
    assert_eq!(new.len(), 2, "{new:#?}");
    assert_eq!(
        new[1].keyboard,
        keyboard(&[&[(
            "03:00 已过 · 改为明天 03:00",
            format!("t:1:{}", minutes(monday(3, 0) + Duration::days(1))).as_str()
        )]])
    );
    let order = w.store.order(OrderId(1)).await.unwrap().unwrap().order;
    assert!(order.parties[0].ack_due > monday(4, 39), "{order:?}");
    for _ in 0..3 {
        w.advance(Duration::minutes(1)).await.unwrap();
    }
    assert!(w.messages(&community).is_empty());
    assert_eq!(
        order_state(&w, 1).await,
        gridwhistle::domain::OrderState::Open
    );
    assert_no_violations(&w);
    w.stop().await;
}

/// A time that does not exist, or a day already gone, was dropped without a word: now the
/// reply says which deadline applies (and offers nothing to press).
#[tokio::test]
async fn an_unreadable_or_past_due_time_was_dropped_silently() {
    let mut w = world_at(monday(10, 0)).await;
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    let cases = [
        (
            "吹哨 圆西路路灯不亮 25点前",
            "⏰ #1：看不懂“25点前”这个时间，处置时限按默认定为 12-02 15:00。",
        ),
        (
            "吹哨 垃圾没清 @环卫 2月30日前",
            "⏰ #2：看不懂“2月30日前”这个时间，处置时限按默认定为 12-02 15:00。",
        ),
        (
            "吹哨 垃圾没清 @环卫 昨天18点前",
            "⏰ #3：“昨天18点前”已经过去了，处置时限按默认定为 12-02 15:00。",
        ),
    ];
    for (text, want) in cases {
        let new = say_and_collect(&mut w, &grid, &li, text).await;
        assert_eq!(new.len(), 2, "{text}: {new:#?}");
        assert_eq!(new[1].text, want, "{text}");
        assert!(new[1].keyboard.is_empty(), "{text}");
        assert_eq!(new[1].reply_to, Some(new[0].message_id));
    }
    // In English too.
    w.set_language(gridwhistle::domain::Lang::En).await.unwrap();
    let new = say_and_collect(&mut w, &grid, &li, "#whistle rubbish by the gate by 13pm").await;
    assert_eq!(
        new[1].text,
        "⏰ #4: I could not read the time “by 13pm”, so the usual deadline applies: resolve by 12-02 15:00."
    );
    assert_no_violations(&w);
    w.stop().await;
}

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

// ---- 5. invisible and control characters ----------------------------------------------------

/// "吹哨 " followed only by zero-width characters made an order with no visible text.
#[tokio::test]
async fn a_whistle_of_zero_width_characters_made_an_empty_order() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    for text in [
        "吹哨 \u{200B}",
        "吹哨 \u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}",
        "吹哨 \u{FE0F}\u{202E}\u{0}",
        "/whistle \u{200B}\u{3000}",
    ] {
        let answer = answer_to(&mut w, &grid, &li, text).await;
        assert!(answer.starts_with("请写明问题"), "{text:?}: {answer}");
        after_hint_quiet_time(&w); // the same hint to the same person is not repeated at once
    }
    assert_eq!(order_count(&w).await, 0);
    assert_no_violations(&w);
    w.stop().await;
}

/// A right-to-left override in a whistle (or a name) turned the rest of the card's line around
/// in every member's client.
#[tokio::test]
async fn a_right_to_left_override_in_a_whistle_reached_the_card() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    let card = whistle(
        &mut w,
        &grid,
        &li,
        "吹哨 \u{202E}圆西路12号垃圾堆积\u{202C} 地点：\u{2067}圆西路12号\u{2069}",
    )
    .await;
    assert_eq!(
        card.text.lines().nth(1),
        Some("圆西路12号垃圾堆积 地点：圆西路12号"),
        "{}",
        card.text
    );
    assert!(card.text.contains("📍 圆西路12号 ·"), "{}", card.text);
    let bidi = |s: &str| {
        s.chars().any(|c| {
            matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
        })
    };
    assert!(!bidi(&card.html), "{:?}", card.html);
    // A stranger whose name carries an override is answered with the name made harmless.
    let stranger = TgUser::new(5555, "\u{202E}张三");
    let answer = answer_to(&mut w, &grid, &stranger, "吹哨 圆西路垃圾").await;
    assert!(
        answer.starts_with("张三，你还不在本单位名册上"),
        "{answer:?}"
    );
    assert!(!bidi(&answer));
    assert_no_violations(&w);
    w.stop().await;
}

/// A NUL in a message or a display name was stored on SQLite and refused by PostgreSQL ("invalid
/// byte sequence … 0x00"): the two backends disagreed. Both now store the same, cleaned text.
async fn a_nul_in_a_message_or_a_name_was_refused_by_postgres(url: Option<String>) {
    let mut w = Sandbox::start(HUASHAN, url, monday(14, 2))
        .await
        .expect("sandbox");
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    let card = whistle(&mut w, &grid, &li, "吹哨 圆西路\u{0}12号垃圾\u{1B}堆积").await;
    assert_eq!(card.text.lines().nth(1), Some("圆西路12号垃圾堆积"));
    assert_eq!(
        w.store.order(OrderId(1)).await.unwrap().unwrap().order.text,
        "圆西路12号垃圾堆积"
    );
    // A stranger with a NUL in their name is learned (and answered) under the clean name.
    let stranger = TgUser::new(5555, "路\u{0}人").with_username("lu\u{0}ren");
    let answer = answer_to(&mut w, &grid, &stranger, "吹哨 圆西路垃圾").await;
    assert!(
        answer.starts_with("路人，你还不在本单位名册上"),
        "{answer:?}"
    );
    let learned = w
        .store
        .person(TelegramUserId(5555))
        .await
        .unwrap()
        .expect("learned");
    assert_eq!(
        (learned.name.as_str(), learned.username.as_deref()),
        ("路人", Some("luren"))
    );
    // A note with a NUL, replying to the card.
    let wang = w.user(1002);
    let new = {
        let u = w
            .standin
            .reply(&grid, &wang, card.message_id, "已到\u{0}现场")
            .unwrap();
        push_and_collect(&mut w, &grid, u).await
    };
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0].text, "📝 已记入 #1 的进展。");
    assert!(events(&w, 1).await.contains(&EventKind::Note {
        text: "已到现场".into(),
        photos: vec![],
    }));
    // A display name that is nothing visible is the username.
    let ghost = TgUser::new(5556, "\u{200B}\u{0}").with_username("ghost");
    answer_to(&mut w, &grid, &ghost, "/help").await;
    let learned = w
        .store
        .person(TelegramUserId(5556))
        .await
        .unwrap()
        .expect("learned");
    assert_eq!(learned.name, "ghost");
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

/// Runs a test on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(None).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(db) = crate::support::postgres(stringify!($name)).await {
                        super::$name(Some(db.url.clone())).await;
                        db.store.close().await;
                    }
                }
            )*
        }
    };
}

on_both_backends!(a_nul_in_a_message_or_a_name_was_refused_by_postgres);
