//! Residents end to end (issue 9), between the group and the resident: questions and answers
//! both ways, what the resident is told, the rating loop, "not rated", duplicates, and that no
//! group chat ever shows who the resident is.

use chrono::Duration;
use gridwhistle::domain::{OrderState, ResidentNo, TelegramUserId};
use gridwhistle::sandbox::Sandbox;
use gridwhistle::standin::{SentMessage, TgChat, TgUser};

use crate::e2e::*;

fn texts(messages: &[SentMessage]) -> Vec<String> {
    messages.iter().map(|m| m.text.clone()).collect()
}

/// A point about 11 metres north of `IN_CUIHU_1`.
const NEXT_TO_IT: (f64, f64) = (25.0521, 102.7035);

/// `who` replies `text` to the card of order `id` in the grid chat; the bot's new messages
/// there.
async fn reply_to_card(w: &mut Sandbox, who: i64, id: i64, text: &str) -> Vec<SentMessage> {
    let grid = w.chat("cuihu-1");
    let card = card_now(w, &grid, id).await;
    let user = w.user(who);
    let before = newest_bot_message(w, &grid);
    w.reply(&grid, &user, card.message_id, text).await.unwrap();
    bot_messages_after(w, &grid, before)
}

/// The bot's messages in `who`'s private chat after running `f`.
async fn told<F>(w: &mut Sandbox, who: &TgUser, f: F) -> Vec<SentMessage>
where
    F: AsyncFnOnce(&mut Sandbox),
{
    let chat = TgChat::private(who);
    let before = newest_bot_message(w, &chat);
    f(w).await;
    bot_messages_after(w, &chat, before)
}

/// A member asks the resident through the card; the resident answers with the 回复 button,
/// by replying to the question, and with a photo; each answer comes back under the card as
/// "居民 #1", and the timeline keeps the exchange.
#[tokio::test]
async fn questions_go_to_the_resident_and_answers_come_back_to_the_card() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    let chat = TgChat::private(&r);
    resident_reports(&mut w, &r, "路灯坏了，晚上很黑", IN_CUIHU_1).await;
    let grid = w.chat("cuihu-1");
    let card = card_now(&w, &grid, 1).await;

    let before = newest_bot_message(&w, &chat);
    let in_group = reply_to_card(&mut w, 1001, 1, "问居民 具体是哪根灯杆？").await;
    assert_eq!(
        texts(&in_group),
        vec!["已把问题转给 居民 #1，答复会回到这张卡片下。"]
    );
    let question = bot_messages_after(&w, &chat, before);
    assert_eq!(question.len(), 1, "{question:#?}");
    assert_eq!(
        question[0].text,
        "关于您反映的 #1，工作人员问：\n具体是哪根灯杆？\n请点「回复」后发送答复，或直接回复这条消息。"
    );
    assert_eq!(question[0].keyboard, keyboard(&[&[("💬 回复", "q:1")]]));

    let before = newest_bot_message(&w, &chat);
    private_press(&mut w, &r, question[0].message_id, "💬 回复").await;
    assert_eq!(
        texts(&bot_messages_after(&w, &chat, before)),
        vec!["请发送您对 #1 的答复（文字或照片）。"]
    );
    let before_group = newest_bot_message(&w, &grid);
    let thanks = private_say(&mut w, &r, "北门口第三根").await;
    assert_eq!(texts(&thanks), vec!["已转达给工作人员，谢谢！"]);
    let back = bot_messages_after(&w, &grid, before_group);
    assert_eq!(texts(&back), vec!["💬 居民 #1 回复 #1：北门口第三根"]);
    assert_eq!(back[0].reply_to, Some(card.message_id));
    assert_eq!(order_count(&w).await, 1, "an answer is not a new report");

    // A second question, answered by replying to it.
    let before = newest_bot_message(&w, &chat);
    reply_to_card(&mut w, 1005, 1, "问居民 白天也不亮吗？").await;
    let question = bot_messages_after(&w, &chat, before);
    let before_group = newest_bot_message(&w, &grid);
    let update = w
        .standin
        .reply(&chat, &r, question[0].message_id, "白天也不亮")
        .unwrap();
    let thanks = private_push(&mut w, &r, update).await;
    assert_eq!(texts(&thanks), vec!["已转达给工作人员，谢谢！"]);
    let back = bot_messages_after(&w, &grid, before_group);
    assert_eq!(texts(&back), vec!["💬 居民 #1 回复 #1：白天也不亮"]);

    // A third, answered with a photo and a caption: the photo follows the answer.
    let before = newest_bot_message(&w, &chat);
    reply_to_card(&mut w, 1001, 1, "问居民 能拍张照片吗？").await;
    let question = bot_messages_after(&w, &chat, before);
    private_press(&mut w, &r, question[0].message_id, "💬 回复").await;
    let before_group = newest_bot_message(&w, &grid);
    let photo = w.standin.photo(&chat, &r, Some("就是这根"));
    private_push(&mut w, &r, photo).await;
    let back = bot_messages_after(&w, &grid, before_group);
    assert_eq!(back.len(), 2, "{back:#?}");
    assert_eq!(back[0].text, "💬 居民 #1 回复 #1：就是这根");
    assert!(back[1].photo.is_some(), "{:?}", back[1]);

    let show = ask(&mut w, &grid, 1001, "/show 1").await;
    for line in [
        "问居民：具体是哪根灯杆？",
        "居民 #1 答复：北门口第三根",
        "居民 #1 答复：就是这根（1 张照片）",
    ] {
        assert!(show.contains(line), "{line:?} not in {show}");
    }
    assert_eq!(group_leaks(&w, &[&r]), Vec::<String>::new());
    assert_no_violations(&w);
    w.stop().await;
}

/// Asking is for replies to a resident's card: a member's own order is not a resident's.
#[tokio::test]
async fn asking_about_a_members_order_is_refused() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    whistle_as(&mut w, &grid, 1001, "吹哨 圆西路12号垃圾堆积 @环卫").await;
    let answer = reply_to_card(&mut w, 1002, 1, "问居民 在哪？").await;
    assert_eq!(texts(&answer), vec!["#1 不是居民反映的。"]);
    assert_no_violations(&w);
    w.stop().await;
}

/// The rating loop: reported for duty → told; resolved with a note → told, asked; ❌ 没解决
/// and why → reopened (the card says so); resolved again → ✅ 已解决 closes it; 满意 is
/// recorded on the timeline.
async fn resolved_not_solved_reopened_resolved_solved_and_rated(mut w: Sandbox) {
    let r = resident(RESIDENT_ID, "zh-hans");
    resident_reports(&mut w, &r, "路灯坏了，晚上很黑", IN_CUIHU_1).await;
    let grid = w.chat("cuihu-1");
    let card = card_now(&w, &grid, 1).await;
    let chen = w.user(1005);

    let reported = told(&mut w, &r, async |w| {
        press(w, &grid, &chen, card.message_id, "报到").await;
    })
    .await;
    assert_eq!(texts(&reported), vec!["#1：网格监督员 已报到，正在处理。"]);

    let resolved = told(&mut w, &r, async |w| {
        say_as(w, &grid, 1005, "/done 1 已更换灯泡").await;
    })
    .await;
    assert_eq!(resolved.len(), 2, "{resolved:#?}");
    assert!(
        resolved[0].text.starts_with("✅ #1 已处理完毕"),
        "{}",
        resolved[0].text
    );
    assert!(
        resolved[0].text.contains("已更换灯泡"),
        "{}",
        resolved[0].text
    );
    assert_eq!(resolved[1].text, "#1 的问题解决了吗？您满意吗？");
    assert_eq!(
        resolved[1].keyboard,
        keyboard(&[
            &[("✅ 已解决", "y:1"), ("❌ 没解决", "x:1")],
            &[
                ("满意", "z:1:1"),
                ("基本满意", "z:1:2"),
                ("不满意", "z:1:3")
            ]
        ])
    );
    assert_eq!(order_state(&w, 1).await, OrderState::Resolved);

    let why = told(&mut w, &r, async |w| {
        let r = resident(RESIDENT_ID, "zh-hans");
        private_press(w, &r, resolved[1].message_id, "❌ 没解决").await;
    })
    .await;
    assert_eq!(
        texts(&why),
        vec!["请说说哪里还没解决，我们会退回重新处理。"]
    );
    let before_group = newest_bot_message(&w, &grid);
    let reopened = private_say(&mut w, &r, "还是不亮，换的灯泡也坏了").await;
    assert_eq!(
        texts(&reopened),
        vec!["已退回 #1 重新处理，有进展会告诉您。"]
    );
    assert!(order_state(&w, 1).await.is_active());
    assert_eq!(order_count(&w).await, 1, "the reason is not a new report");
    let card_text = card_now(&w, &grid, 1).await.text;
    assert!(
        card_text.contains("↩️ 已退回：还是不亮，换的灯泡也坏了"),
        "{card_text}"
    );
    let in_group = texts(&bot_messages_after(&w, &grid, before_group));
    assert!(
        in_group.iter().any(|t| t.contains("居民 #1")),
        "the group is told who reopened it: {in_group:#?}"
    );

    let resolved = told(&mut w, &r, async |w| {
        say_as(w, &grid, 1005, "/done 1 换了整套灯具").await;
    })
    .await;
    let question = resolved.last().unwrap().clone();
    assert_eq!(question.text, "#1 的问题解决了吗？您满意吗？");
    let chat = TgChat::private(&r);
    let before = newest_bot_message(&w, &chat);
    let toast = private_press(&mut w, &r, question.message_id, "✅ 已解决").await;
    assert_eq!(toast.as_deref(), Some("谢谢您的评价！"));
    assert_eq!(
        texts(&bot_messages_after(&w, &chat, before)),
        vec!["谢谢确认，#1 已办结。"]
    );
    assert_eq!(order_state(&w, 1).await, OrderState::Closed);
    let toast = private_press(&mut w, &r, question.message_id, "满意").await;
    assert_eq!(toast.as_deref(), Some("谢谢您的评价！"));

    let show = ask(&mut w, &grid, 1001, "/show 1").await;
    for line in [
        "居民 #1 退回：还是不亮，换的灯泡也坏了",
        "居民 #1 评价：满意",
    ] {
        assert!(show.contains(line), "{line:?} not in {show}");
    }
    assert_eq!(group_leaks(&w, &[&r]), Vec::<String>::new());
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn sqlite_resolved_not_solved_reopened_resolved_solved_and_rated() {
    resolved_not_solved_reopened_resolved_solved_and_rated(world().await).await;
}

#[tokio::test]
async fn postgres_resolved_not_solved_reopened_resolved_solved_and_rated() {
    let Some(db) = crate::support::postgres("resident_rating").await else {
        return;
    };
    use chrono::TimeZone;
    let now = chrono::Utc.with_ymd_and_hms(2026, 11, 30, 6, 2, 0).unwrap();
    let w = Sandbox::start(
        include_str!("../../examples/huashan.toml"),
        Some(db.url.clone()),
        now,
    )
    .await
    .unwrap();
    resolved_not_solved_reopened_resolved_solved_and_rated(w).await;
}

/// Resolved and never rated: nothing before `rate_within` (72 h); then the grid leader is
/// asked in the grid chat with 确认 / 退回. Nothing closes by itself.
#[tokio::test]
async fn not_rated_in_time_the_grid_leader_is_asked() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    resident_reports(&mut w, &r, "路灯坏了，晚上很黑", IN_CUIHU_1).await;
    let grid = w.chat("cuihu-1");
    let card = card_now(&w, &grid, 1).await;
    say_as(&mut w, &grid, 1005, "/done 1 已更换灯泡").await;
    let before = newest_bot_message(&w, &grid);
    w.advance(Duration::hours(71)).await.unwrap();
    assert_eq!(
        texts(&bot_messages_after(&w, &grid, before)),
        Vec::<String>::new()
    );
    w.advance(Duration::hours(1)).await.unwrap();
    let asked = bot_messages_after(&w, &grid, before);
    assert_eq!(asked.len(), 1, "{asked:#?}");
    assert!(asked[0].text.starts_with("⏰ #1"), "{}", asked[0].text);
    assert!(asked[0].text.contains("居民 #1"), "{}", asked[0].text);
    assert_eq!(asked[0].mentioned_user_ids, vec![1001]);
    assert_eq!(asked[0].reply_to, Some(card.message_id));
    assert_eq!(
        asked[0].keyboard,
        keyboard(&[&[("确认", "v:1"), ("退回", "o:1")]])
    );
    assert_eq!(order_state(&w, 1).await, OrderState::Resolved);
    let li = w.user(1001);
    press(&mut w, &grid, &li, asked[0].message_id, "确认").await;
    assert_eq!(order_state(&w, 1).await, OrderState::Closed);
    assert_eq!(group_leaks(&w, &[&r]), Vec::<String>::new());
    assert_no_violations(&w);
    w.stop().await;
}

/// A second resident reports the same thing a few metres away: offered the open order, joins
/// it, and is told when it is resolved. A third says it is not the same: their own order.
#[tokio::test]
async fn the_same_problem_nearby_is_joined_not_reported_twice() {
    let mut w = world().await;
    let a = resident(RESIDENT_ID, "zh-hans");
    let b = resident(RESIDENT_ID + 1, "zh-hans");
    let c = resident(RESIDENT_ID + 2, "zh-hans");
    resident_reports(&mut w, &a, "路灯坏了，晚上很黑", IN_CUIHU_1).await;

    private_say(&mut w, &b, "这里的路灯坏了").await;
    let offer = private_at(&mut w, &b, NEXT_TO_IT).await;
    let offer = offer.last().unwrap().clone();
    assert_eq!(
        offer.text,
        "附近已有一个相似的问题正在处理：\n#1 · 25.05200, 102.70350 · 待处理\n是同一个问题吗？"
    );
    assert_eq!(
        offer.keyboard[0],
        vec![("是，关注它".to_string(), "j:1".to_string())]
    );
    assert_eq!(offer.keyboard[1][0].0, "不是，继续提交");
    let joined = told(&mut w, &b, async |w| {
        let b = resident(RESIDENT_ID + 1, "zh-hans");
        private_press(w, &b, offer.message_id, "是，关注它").await;
    })
    .await;
    assert_eq!(texts(&joined), vec!["好的，#1 有进展时会通知您。"]);
    assert_eq!(order_count(&w).await, 1);

    private_say(&mut w, &c, "路灯坏了").await;
    let offer = private_at(&mut w, &c, NEXT_TO_IT).await;
    let offer = offer.last().unwrap().clone();
    assert!(
        offer.text.starts_with("附近已有一个相似的问题"),
        "{}",
        offer.text
    );
    let summary = told(&mut w, &c, async |w| {
        let c = resident(RESIDENT_ID + 2, "zh-hans");
        private_press(w, &c, offer.message_id, "不是，继续提交").await;
    })
    .await;
    assert!(
        summary[0].text.starts_with("请确认您的反映"),
        "{summary:#?}"
    );
    private_press(&mut w, &c, summary[0].message_id, "✅ 确认提交").await;
    assert_eq!(order_count(&w).await, 2);

    let grid = w.chat("cuihu-1");
    let show = ask(&mut w, &grid, 1001, "/show 1").await;
    let no_b = w
        .store
        .resident_of_user(TelegramUserId(b.id))
        .await
        .unwrap()
        .unwrap()
        .no;
    assert!(
        show.contains(&format!("居民 #{} 反映了同一问题", no_b.0)),
        "{show}"
    );

    let chat_a = TgChat::private(&a);
    let chat_b = TgChat::private(&b);
    let (before_a, before_b) = (
        newest_bot_message(&w, &chat_a),
        newest_bot_message(&w, &chat_b),
    );
    say_as(&mut w, &grid, 1005, "/done 1 已更换灯泡").await;
    for (chat, before) in [(&chat_a, before_a), (&chat_b, before_b)] {
        let got = texts(&bot_messages_after(&w, chat, before));
        assert!(
            got.iter().any(|t| t.starts_with("✅ #1 已处理完毕")),
            "{got:#?}"
        );
    }
    // A follower's "solved" is their opinion; only the first reporter's closes the order.
    let question = private_with_button(&w, &b, "✅ 已解决");
    private_press(&mut w, &b, question.message_id, "✅ 已解决").await;
    assert_eq!(order_state(&w, 1).await, OrderState::Resolved);
    let question = private_with_button(&w, &a, "✅ 已解决");
    private_press(&mut w, &a, question.message_id, "✅ 已解决").await;
    assert_eq!(order_state(&w, 1).await, OrderState::Closed);
    assert_eq!(group_leaks(&w, &[&a, &b, &c]), Vec::<String>::new());
    assert_no_violations(&w);
    w.stop().await;
}

/// Unanswered past the report deadline, the order rises to the community: the resident is
/// told, and neither the grid nor the community chat (card, notice, timeline, photos) ever
/// shows the resident's id, names or username.
#[tokio::test]
async fn no_group_ever_shows_who_the_resident_is() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    let chat = TgChat::private(&r);
    for update in w.standin.album(&chat, &r, 2, Some("井盖松动，踩上去会响")) {
        w.push(update).await.unwrap();
    }
    let venue = w
        .standin
        .venue(&chat, &r, IN_CUIHU_1, "翠湖北路", "翠湖北路 5 号");
    private_push(&mut w, &r, venue).await;
    let summary = private_with_button(&w, &r, "✅ 确认提交");
    private_press(&mut w, &r, summary.message_id, "✅ 确认提交").await;
    let escalated = told(&mut w, &r, async |w| {
        w.advance(Duration::minutes(31)).await.unwrap();
    })
    .await;
    assert_eq!(texts(&escalated), vec!["#1 已提交社区协调处理。"]);
    let community = w.chat("cuihu");
    assert!(
        !w.messages(&community).is_empty(),
        "the community chat was told"
    );
    reply_to_card(&mut w, 1001, 1, "问居民 几号门？").await;
    let question = private_with_button(&w, &r, "💬 回复");
    let update = w
        .standin
        .reply(&chat, &r, question.message_id, "我是 Meiling，住 5 号")
        .unwrap();
    private_push(&mut w, &r, update).await;
    let grid = w.chat("cuihu-1");
    ask(&mut w, &grid, 1001, "/show 1").await;
    ask(&mut w, &grid, 1001, "/list").await;
    // What the resident chose to write ("我是 Meiling") is theirs to share; their account's
    // id, names and username never are.
    assert_eq!(group_leaks(&w, &[&r]), Vec::<String>::new());
    assert_no_violations(&w);
    w.stop().await;
}

/// Residents are numbered in the order they first write: the second is "居民 #2", however many
/// messages the first one sent.
#[tokio::test]
async fn residents_are_numbered_one_after_another() {
    let mut w = world().await;
    let a = resident(RESIDENT_ID, "zh-hans");
    let b = resident(RESIDENT_ID + 1, "zh-hans");
    resident_reports(&mut w, &a, "路灯坏了，晚上很黑", IN_CUIHU_1).await;
    resident_reports(&mut w, &b, "垃圾没人收", (25.0480, 102.7035)).await;
    let no = |u: &TgUser| TelegramUserId(u.id);
    let (ra, rb) = (
        w.store.resident_of_user(no(&a)).await.unwrap().unwrap(),
        w.store.resident_of_user(no(&b)).await.unwrap().unwrap(),
    );
    assert_eq!((ra.no, rb.no), (ResidentNo(1), ResidentNo(2)));
    let card = card_now(&w, &w.chat("cuihu-2"), 2).await;
    assert!(card.text.contains("吹哨：居民 #2"), "{}", card.text);
    w.stop().await;
}
