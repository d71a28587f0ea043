//! Photos, copies, reply keyboards and menus end to end (issue 9, "what the stand-in and the
//! outbox must learn"): rows queued as the residents' acts will queue them, delivered by the
//! real sender to the stand-in, and what the chats saw.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use gridwhistle::acts::notices;
use gridwhistle::clock::Clock;
use gridwhistle::domain::Lang;
use gridwhistle::i18n::ids;
use gridwhistle::sandbox::Sandbox;
use gridwhistle::standin::{ReplyKeyboardChange, TgChat, TgUser};
use gridwhistle::storage::{Keyboard, Outgoing, Priority};
use gridwhistle::telegram::sender::Pacing;
use gridwhistle::tr;

use crate::e2e::{assert_no_violations, whistle_as, world};

const HUASHAN: &str = include_str!("../../examples/huashan.toml");

fn resident() -> TgUser {
    TgUser::new(777_001, "王小明")
        .with_username("xiaoming_w")
        .with_language("zh-hans")
}

/// Queues `out` as an act would and waits until the sender delivered it.
async fn deliver(w: &Sandbox, out: &[Outgoing]) {
    w.store.enqueue(out, w.clock.now()).await.expect("queued");
    w.ctx().expect("running").wake.notify_one();
    w.settle().await.expect("delivered");
}

/// The resident sends `n` photos to the bot privately; their file ids, as the bot receives them.
async fn residents_photos(w: &mut Sandbox, who: &TgUser, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let update = w
            .standin
            .photo(&TgChat::private(who), who, Some(&format!("照片{i}")));
        let sizes = update["message"]["photo"].as_array().expect("sizes");
        let largest = sizes.last().expect("a size")["file_id"]
            .as_str()
            .expect("id");
        ids.push(largest.to_string());
        w.push(update).await.expect("handled");
    }
    ids
}

/// Neither the resident's name, username nor id appears in anything a chat was shown.
fn assert_resident_unnamed_in(w: &Sandbox, chat: i64, who: &TgUser) {
    let seen = w.standin.everything_shown_in(chat);
    for secret in [
        who.first_name.clone(),
        "xiaoming_w".to_string(),
        who.id.to_string(),
    ] {
        assert!(!seen.contains(&secret), "{secret} shown in {chat}: {seen}");
    }
}

#[tokio::test]
async fn a_residents_photos_and_words_reach_the_grid_as_an_album_and_a_copy_replying_to_the_card() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let card = whistle_as(&mut w, &grid, 1001, "吹哨 圆西路12号路灯不亮").await;
    let order = gridwhistle::domain::OrderId(1);
    let who = resident();
    let photos = residents_photos(&mut w, &who, 3).await;
    let said = w.standin.private_text(&who, "路灯坏了三天了");
    let said_id = said["message"]["message_id"].as_i64().unwrap();
    w.push(said).await.unwrap();
    let before = w.messages(&grid).len();

    deliver(
        &w,
        &[
            notices::photos(
                gridwhistle::domain::ChatId(grid.id),
                photos.clone(),
                Some("📷 居民 #1 · <b>现场</b>".into()),
                Some(order),
            ),
            notices::copy(
                gridwhistle::domain::ChatId(grid.id),
                gridwhistle::domain::ChatId(who.id),
                gridwhistle::domain::MessageId(said_id),
                Some(order),
            ),
            notices::photos(
                gridwhistle::domain::ChatId(grid.id),
                vec![photos[0].clone()],
                None,
                Some(order),
            ),
        ],
    )
    .await;

    let new: Vec<_> = w.messages(&grid).into_iter().skip(before).collect();
    assert_eq!(new.len(), 5, "an album of 3, a copy, a photo: {new:#?}");
    let album = &new[..3];
    let group_id = album[0].media_group_id.clone().expect("an album");
    for (m, id) in album.iter().zip(&photos) {
        assert_eq!(m.media_group_id.as_ref(), Some(&group_id));
        assert_eq!(m.reply_to, Some(card.message_id), "replies to the card");
        assert_eq!(m.photo.as_ref().map(|p| &p.file_id), Some(id), "by file_id");
    }
    assert_eq!(
        album[0].text, "📷 居民 #1 · 现场",
        "the caption is on the first"
    );
    assert!(album[1].text.is_empty() && album[2].text.is_empty());
    assert_eq!(new[3].text, "路灯坏了三天了");
    assert_eq!(new[3].copied_from, Some((who.id, said_id as i32)));
    assert_eq!(new[3].reply_to, Some(card.message_id));
    assert!(new[4].photo.is_some() && new[4].media_group_id.is_none());
    assert_eq!(w.standin.calls_to("sendMediaGroup").len(), 1);
    assert_eq!(w.standin.calls_to("sendPhoto").len(), 1);
    assert!(w.standin.calls_to("forwardMessage").is_empty());
    assert_resident_unnamed_in(&w, grid.id, &who);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn twelve_photos_go_as_an_album_of_ten_then_one_of_two_and_a_long_caption_is_clipped() {
    let mut w = world().await;
    let who = resident();
    let photos = residents_photos(&mut w, &who, 4).await;
    let twelve: Vec<String> = photos.iter().cycle().take(12).cloned().collect();
    let grid = w.chat("cuihu-2");
    let long = "井盖".repeat(800);
    deliver(
        &w,
        &[notices::photos(
            gridwhistle::domain::ChatId(grid.id),
            twelve.clone(),
            Some(long),
            None,
        )],
    )
    .await;
    let sent = w.messages(&grid);
    assert_eq!(sent.len(), 12);
    let groups: Vec<_> = sent.iter().map(|m| m.media_group_id.clone()).collect();
    assert!(groups[..10].iter().all(|g| g.is_some() && *g == groups[0]));
    assert!(groups[10..].iter().all(|g| g.is_some() && *g == groups[10]));
    assert_ne!(groups[0], groups[10], "two albums");
    let shown: Vec<String> = sent
        .iter()
        .map(|m| m.photo.as_ref().unwrap().file_id.clone())
        .collect();
    assert_eq!(shown, twelve, "every photo once, in order");
    assert!(sent[0].text.starts_with("井盖井盖"));
    assert!(gridwhistle::standin::utf16_len(&sent[0].text) <= 1024);
    assert!(sent[1..].iter().all(|m| m.text.is_empty()), "one caption");
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn an_album_of_three_in_a_group_counts_three_against_its_minute() {
    // A group may take 4 messages a "minute" of 2 s: an album of 3 and one text go at once;
    // a second text waits for the album to leave the window.
    let pacing = Pacing {
        chat_gap: Duration::ZERO,
        group_per_minute: 4,
        minute: Duration::from_secs(2),
        ..Pacing::TELEGRAM
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 6, 2, 0).unwrap();
    let mut w = Sandbox::start_paced(HUASHAN, None, now, pacing)
        .await
        .unwrap();
    let who = resident();
    let photos = residents_photos(&mut w, &who, 3).await;
    let grid = w.chat("cuihu-1");
    deliver(
        &w,
        &[
            notices::photos(gridwhistle::domain::ChatId(grid.id), photos, None, None)
                .with_priority(Priority::Notice),
            notices::send(gridwhistle::domain::ChatId(grid.id), "第一条".into()),
            notices::send(gridwhistle::domain::ChatId(grid.id), "第二条".into()),
        ],
    )
    .await;
    let album_at = w.standin.calls_to("sendMediaGroup")[0].at;
    let texts: Vec<_> = w
        .standin
        .calls_to("sendMessage")
        .into_iter()
        .filter(|c| c.params["chat_id"] == grid.id)
        .map(|c| c.at.duration_since(album_at).unwrap_or_default())
        .collect();
    assert_eq!(texts.len(), 2);
    assert!(texts[0] < Duration::from_millis(1500), "{texts:?}");
    assert!(
        texts[1] >= Duration::from_millis(1900),
        "the fifth message waits for the album's three to leave the minute: {texts:?}"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_location_keyboard_is_shown_once_and_then_removed() {
    let mut w = world().await;
    let who = resident();
    let chat = TgChat::private(&who);
    let hello = w.standin.private_text(&who, "你好");
    w.push(hello).await.unwrap();
    deliver(
        &w,
        &[notices::send_with_keyboard(
            gridwhistle::domain::ChatId(chat.id),
            "请发送位置，或输入地址".into(),
            Keyboard::RequestLocation {
                label: "📍 发送位置".into(),
                skip: Some("跳过".into()),
            },
        )],
    )
    .await;
    let shown = w.standin.reply_keyboard(chat.id).expect("a reply keyboard");
    assert!(shown.one_time && shown.resize);
    assert_eq!(shown.rows.len(), 2);
    assert_eq!(shown.rows[0][0].text, "📍 发送位置");
    assert!(shown.rows[0][0].request_location);
    assert_eq!(shown.rows[1][0].text, "跳过");
    assert!(!shown.rows[1][0].request_location);
    let asked = w.last(&chat).unwrap();
    assert_eq!(asked.text, "请发送位置，或输入地址");
    assert!(asked.keyboard.is_empty(), "no inline buttons with it");

    deliver(
        &w,
        &[notices::send_with_keyboard(
            gridwhistle::domain::ChatId(chat.id),
            "收到位置".into(),
            Keyboard::Remove,
        )],
    )
    .await;
    assert_eq!(w.standin.reply_keyboard(chat.id), None);
    assert_eq!(
        w.last(&chat).unwrap().reply_keyboard,
        Some(ReplyKeyboardChange::Remove { selective: false })
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn a_location_keyboard_in_a_group_is_refused_and_recorded_not_retried() {
    let w = world().await;
    let grid = w.chat("cuihu-1");
    deliver(
        &w,
        &[notices::send_with_keyboard(
            gridwhistle::domain::ChatId(grid.id),
            "x".into(),
            Keyboard::RequestLocation {
                label: "📍".into(),
                skip: None,
            },
        )],
    )
    .await;
    assert_eq!(w.store.outbox_counts().await.unwrap().2, 1, "failed once");
    assert_eq!(
        w.standin.violations().len(),
        1,
        "Telegram's clients would show a dead button"
    );
    w.stop().await;
}

#[tokio::test]
async fn menus_are_set_per_scope_and_language() {
    let w = world().await;
    let menu = |scope: &str, lang: &str| -> Vec<(String, String)> {
        w.standin
            .my_commands(scope, lang)
            .iter()
            .map(|c| {
                (
                    c["command"].as_str().unwrap().to_string(),
                    c["description"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    for (code, lang) in [("", Lang::ZhHans), ("zh", Lang::ZhHans), ("en", Lang::En)] {
        let private = menu("all_private_chats", code);
        let names: Vec<&str> = private.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(names, ["report", "my", "lang", "help", "forget"], "{code}");
        assert_eq!(private[0].1, tr!(lang, ids::MENU_REPORT));
        assert_eq!(private[1].1, tr!(lang, ids::MENU_MY));
        assert_eq!(private[4].1, tr!(lang, ids::MENU_FORGET));
        let group = menu("all_group_chats", code);
        let names: Vec<&str> = group.iter().map(|(c, _)| c.as_str()).collect();
        assert!(
            names.contains(&"whistle") && names.contains(&"help"),
            "{names:?}"
        );
        assert!(!names.contains(&"forget") && !names.contains(&"report"));
    }
    assert_ne!(
        menu("all_private_chats", "zh")[0].1,
        menu("all_private_chats", "en")[0].1
    );
    assert!(
        menu("default", "").is_empty(),
        "no menu outside the two scopes"
    );
    assert_no_violations(&w);
    w.stop().await;
}
