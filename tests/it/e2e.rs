//! End to end: the real bot (poller, handlers, sender) against the local Bot API stand-in over
//! HTTP, on the example organisation. Each test asserts what people in the chats see. This
//! module holds the shared helpers; the tests of each part of the issue live in `e2e_*.rs`.

use chrono::{TimeZone, Utc};
use gridwhistle::domain::{OrderId, OrderState};
use gridwhistle::sandbox::Sandbox;
use gridwhistle::standin::{SentMessage, TgChat, TgUser};

const HUASHAN: &str = include_str!("../../examples/huashan.toml");

/// A fresh world on Monday 2026-11-30 at 14:02 in Kunming (06:02 UTC): a working day, so the
/// organisation's calendar does not move a report deadline half an hour away. Tests advance the
/// clock by minutes only, staying before any reminder, so the scheduler says nothing.
pub async fn world() -> Sandbox {
    world_at(Utc.with_ymd_and_hms(2026, 11, 30, 6, 2, 0).unwrap()).await
}

/// A fresh world at `now`.
pub async fn world_at(now: chrono::DateTime<Utc>) -> Sandbox {
    Sandbox::start(HUASHAN, None, now).await.expect("sandbox")
}

/// Lets the quiet time of hints pass on the bot's clock (a refusal or hint of one kind goes to
/// one person in a chat once within `notices::HINT_QUIET`), without running the scheduler: for
/// tests that ask the same person to be refused again.
pub fn after_hint_quiet_time(w: &Sandbox) {
    w.clock.advance(gridwhistle::acts::notices::HINT_QUIET);
}

/// Every request the bot sent was valid by the Bot API's facts.
pub fn assert_no_violations(w: &Sandbox) {
    let v = w.standin.violations();
    assert!(v.is_empty(), "the stand-in rejected requests: {v:#?}");
}

/// The highest message id the bot has used in a chat so far (0 before any).
pub fn newest_bot_message(w: &Sandbox, chat: &TgChat) -> i32 {
    w.messages(chat)
        .iter()
        .map(|m| m.message_id)
        .max()
        .unwrap_or(0)
}

/// The bot's messages in `chat` newer than message `after`.
pub fn bot_messages_after(w: &Sandbox, chat: &TgChat, after: i32) -> Vec<SentMessage> {
    w.messages(chat)
        .into_iter()
        .filter(|m| m.message_id > after)
        .collect()
}

/// Pushes an update and returns the new messages the bot posted in `chat` because of it.
pub async fn push_and_collect(
    w: &mut Sandbox,
    chat: &TgChat,
    update: serde_json::Value,
) -> Vec<SentMessage> {
    let before = newest_bot_message(w, chat);
    w.push(update).await.expect("the bot handled the update");
    bot_messages_after(w, chat, before)
}

/// `who` writes `text` in `chat`; the new messages the bot posted there.
pub async fn say_and_collect(
    w: &mut Sandbox,
    chat: &TgChat,
    who: &TgUser,
    text: &str,
) -> Vec<SentMessage> {
    let update = w.standin.group_text(chat, who, text);
    push_and_collect(w, chat, update).await
}

/// `who` writes `text` in `chat`; the bot answers with exactly one message, a reply: its text.
pub async fn answer_to(w: &mut Sandbox, chat: &TgChat, who: &TgUser, text: &str) -> String {
    let new = say_and_collect(w, chat, who, text).await;
    assert_eq!(
        new.len(),
        1,
        "expected one answer to {text:?}, got {new:#?}"
    );
    assert!(
        new[0].reply_to.is_some(),
        "the answer to {text:?} should reply to it: {:?}",
        new[0]
    );
    new[0].text.clone()
}

/// Like `answer_to`, for the roster person (or stranger) with this Telegram id.
pub async fn ask(w: &mut Sandbox, chat: &TgChat, telegram_id: i64, text: &str) -> String {
    let who = w.user(telegram_id);
    answer_to(w, chat, &who, text).await
}

/// Like `say_and_collect`, for the person with this Telegram id.
pub async fn say_as(
    w: &mut Sandbox,
    chat: &TgChat,
    telegram_id: i64,
    text: &str,
) -> Vec<SentMessage> {
    let who = w.user(telegram_id);
    say_and_collect(w, chat, &who, text).await
}

/// Like `whistle`, for the person with this Telegram id.
pub async fn whistle_as(
    w: &mut Sandbox,
    chat: &TgChat,
    telegram_id: i64,
    text: &str,
) -> SentMessage {
    let who = w.user(telegram_id);
    whistle(w, chat, &who, text).await
}

/// `who` whistles `text` in `chat`; the card of the new order there.
pub async fn whistle(w: &mut Sandbox, chat: &TgChat, who: &TgUser, text: &str) -> SentMessage {
    let before = order_count(w).await;
    w.say(chat, who, text)
        .await
        .expect("the bot handled the whistle");
    let orders = w.store.all_orders().await.expect("orders");
    assert_eq!(orders.len(), before + 1, "{text:?} should create one order");
    let id = orders.iter().map(|o| o.id.0).max().expect("an order");
    w.card(chat, id).await.expect("a card in the chat")
}

pub async fn order_count(w: &Sandbox) -> usize {
    w.store.all_orders().await.expect("orders").len()
}

pub async fn order_state(w: &Sandbox, id: i64) -> OrderState {
    w.store
        .order(OrderId(id))
        .await
        .expect("store")
        .expect("the order")
        .order
        .state
}

/// The text of the last button-press toast.
pub fn last_toast(w: &Sandbox) -> String {
    let toasts = w.standin.toasts();
    let (_, text, _) = toasts.last().expect("a toast");
    text.clone().expect("the toast has a text")
}

/// `who` presses the button with `data` on message `message_id` (even one no longer shown);
/// the toast they saw.
pub async fn press_data(
    w: &mut Sandbox,
    chat: &TgChat,
    who: &TgUser,
    message_id: i32,
    data: &str,
) -> String {
    let update = w
        .standin
        .callback(chat.id, who, message_id, data)
        .expect("the message exists");
    let before = w.standin.toasts().len();
    w.push(update).await.expect("the bot handled the press");
    assert_eq!(
        w.standin.toasts().len(),
        before + 1,
        "every press is answered"
    );
    last_toast(w)
}

/// `who` presses the button labelled `label`; the toast they saw.
pub async fn press(
    w: &mut Sandbox,
    chat: &TgChat,
    who: &TgUser,
    message_id: i32,
    label: &str,
) -> String {
    let before = w.standin.toasts().len();
    w.press(chat, who, message_id, label)
        .await
        .expect("the button exists and the press was handled");
    assert_eq!(
        w.standin.toasts().len(),
        before + 1,
        "every press is answered"
    );
    last_toast(w)
}

/// An inline keyboard as the stand-in reports it, from (label, data) rows.
pub fn keyboard(rows: &[&[(&str, &str)]]) -> Vec<Vec<(String, String)>> {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|(l, d)| (l.to_string(), d.to_string()))
                .collect()
        })
        .collect()
}

/// A card as it reads now, by order number.
pub async fn card_now(w: &Sandbox, chat: &TgChat, order: i64) -> SentMessage {
    w.card(chat, order).await.expect("the card")
}

#[tokio::test]
async fn a_whistle_posts_a_card_that_summons_the_roles_by_id() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    w.say(
        &grid,
        &li,
        "吹哨 圆西路12号门口垃圾堆积，还有流动摊贩 地点：圆西路12号 紧急 18点前",
    )
    .await
    .unwrap();
    let card = w.last(&grid).expect("a card");
    assert!(card.text.contains("哨令 #1"), "{}", card.text);
    assert!(card.text.contains("紧急"));
    assert!(card.text.contains("📍 圆西路12号"));
    for id in [1002, 1003, 1004] {
        assert!(
            card.mentioned_user_ids.contains(&id),
            "{id} not mentioned: {:?}",
            card.mentioned_user_ids
        );
    }
    assert_eq!(
        card.keyboard,
        keyboard(&[&[("报到", "r:1"), ("已处置", "d:1")]])
    );
    assert_no_violations(&w);
    w.stop().await;
}

// ---- residents (issue 9) ------------------------------------------------------------------

/// The Telegram id of the first test resident: a number that appears nowhere else, so finding
/// it in a group message means the resident was exposed.
pub const RESIDENT_ID: i64 = 730_000_001;

/// A resident with a first name, last name and username the groups must never see, speaking
/// `language_code` (as their Telegram app reports it).
pub fn resident(id: i64, language_code: &str) -> TgUser {
    TgUser::new(id, &format!("Meiling{id}"))
        .with_last_name(&format!("Secretname{id}"))
        .with_username(&format!("hidden_res_{id}"))
        .with_language(language_code)
}

/// Pushes an update from `who`'s private chat; the bot's new messages in that chat.
pub async fn private_push(
    w: &mut Sandbox,
    who: &TgUser,
    update: serde_json::Value,
) -> Vec<SentMessage> {
    push_and_collect(w, &TgChat::private(who), update).await
}

/// `who` writes `text` to the bot in their private chat; the bot's new messages there.
pub async fn private_say(w: &mut Sandbox, who: &TgUser, text: &str) -> Vec<SentMessage> {
    let update = w.standin.private_text(who, text);
    private_push(w, who, update).await
}

/// `who` shares a location in their private chat; the bot's new messages there.
pub async fn private_at(w: &mut Sandbox, who: &TgUser, (lat, lon): (f64, f64)) -> Vec<SentMessage> {
    let update = w.standin.private_location(who, lat, lon);
    private_push(w, who, update).await
}

/// `who` presses the button labelled `label` on message `message_id` of their private chat;
/// the toast text, if the bot gave one.
pub async fn private_press(
    w: &mut Sandbox,
    who: &TgUser,
    message_id: i32,
    label: &str,
) -> Option<String> {
    let chat = TgChat::private(who);
    let before = w.standin.toasts().len();
    w.press(&chat, who, message_id, label)
        .await
        .unwrap_or_else(|e| panic!("{e}: {:#?}", w.standin.message(chat.id, message_id)));
    let toasts = w.standin.toasts();
    assert_eq!(toasts.len(), before + 1, "every press is answered");
    toasts.last().and_then(|(_, text, _)| text.clone())
}

/// The newest bot message in `who`'s private chat with a button labelled `label`.
pub fn private_with_button(w: &Sandbox, who: &TgUser, label: &str) -> SentMessage {
    w.messages(&TgChat::private(who))
        .into_iter()
        .rev()
        .find(|m| m.button_data(label).is_some())
        .unwrap_or_else(|| panic!("no message with {label:?} in the private chat"))
}

/// A point inside grid cuihu-1 (翠湖北路), the demo's broken street light.
pub const IN_CUIHU_1: (f64, f64) = (25.0520, 102.7035);

/// `who` reports `text` at `at` and presses 确认 (labels in zh-Hans): the new order's number.
pub async fn resident_reports(w: &mut Sandbox, who: &TgUser, text: &str, at: (f64, f64)) -> i64 {
    let before = order_count(w).await;
    private_say(w, who, text).await;
    private_at(w, who, at).await;
    let summary = private_with_button(w, who, "✅ 确认提交");
    private_press(w, who, summary.message_id, "✅ 确认提交").await;
    let orders = w.store.all_orders().await.expect("orders");
    assert_eq!(orders.len(), before + 1, "{text:?} should make one order");
    orders.iter().map(|o| o.id.0).max().expect("an order")
}

/// Everything the bot showed in group chats (every message and caption as sent and as edited,
/// with its buttons and mentions) that names one of `who` by id, first or last name, or
/// username.
pub fn group_leaks(w: &Sandbox, who: &[&TgUser]) -> Vec<String> {
    use gridwhistle::standin::TimelineEntry;
    let mut leaks = Vec::new();
    for entry in w.standin.timeline() {
        let m = match entry {
            TimelineEntry::BotSent { message } | TimelineEntry::BotEdited { message } => message,
            _ => continue,
        };
        if m.chat_id > 0 {
            continue;
        }
        let seen = format!(
            "{}\n{}\n{:?}\n{:?}\n{:?}",
            m.html, m.text, m.keyboard, m.mentioned_user_ids, m.entities
        );
        for u in who {
            let mut marks = vec![u.id.to_string(), u.first_name.clone()];
            marks.extend(u.last_name.clone());
            marks.extend(u.username.clone());
            for mark in marks {
                if seen.contains(&mark) {
                    leaks.push(format!("{mark:?} in chat {}: {seen}", m.chat_id));
                }
            }
        }
    }
    leaks
}
