//! Residents end to end (issue 9): the report dialogue in a private chat, in three languages
//! and in any order, routing, deep links, limits, blocks, /forget and restarts. Each test says
//! what the resident and the grid see.

use chrono::Duration;
use gridwhistle::domain::{OrderId, ResidentNo, TelegramUserId, Who};
use gridwhistle::sandbox::Sandbox;
use gridwhistle::standin::{ReplyKeyboardChange, SentMessage, TgChat, TgUser};

use crate::e2e::*;

/// A fresh world on the PostgreSQL database at `url`, at the same moment as `world()`.
async fn world_on(url: &str) -> Sandbox {
    use chrono::TimeZone;
    let now = chrono::Utc.with_ymd_and_hms(2026, 11, 30, 6, 2, 0).unwrap();
    Sandbox::start(
        include_str!("../../examples/huashan.toml"),
        Some(url.to_string()),
        now,
    )
    .await
    .unwrap()
}

/// The texts of messages, for comparing a whole exchange at once.
fn texts(messages: &[SentMessage]) -> Vec<String> {
    messages.iter().map(|m| m.text.clone()).collect()
}

/// The one order there is, with the resident who reported it.
async fn only_order(w: &Sandbox) -> gridwhistle::domain::WhistleOrder {
    let orders = w.store.all_orders().await.unwrap();
    assert_eq!(orders.len(), 1, "{orders:#?}");
    orders.into_iter().next().unwrap()
}

/// The bot's messages in `chat` that carry a photo.
fn photos_in(w: &Sandbox, chat: &TgChat) -> Vec<SentMessage> {
    w.messages(chat)
        .into_iter()
        .filter(|m| m.photo.is_some())
        .collect()
}

/// Welcome, the report button, a description, the place by the location button, the summary,
/// 确认: the grid sees a card from "居民 #1", the resident sees the number. Nothing in the group
/// names them.
#[tokio::test]
async fn a_resident_reports_a_broken_street_light_in_simplified_chinese() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    let chat = TgChat::private(&r);
    let welcome = private_say(&mut w, &r, "/start").await;
    assert_eq!(welcome.len(), 1, "{welcome:#?}");
    assert_eq!(
        welcome[0].text,
        "您好！在这里可以向社区反映身边的问题：路灯、垃圾、噪音、井盖、违章……\n网格员会接单处理，进展会在这里告诉您。\n⚠️ 紧急情况请直接拨打 110（报警）、119（火警）、120（急救）。"
    );
    assert_eq!(
        welcome[0].keyboard,
        keyboard(&[&[("📝 我要反映问题", "n:r")]])
    );
    let before = newest_bot_message(&w, &chat);
    assert_eq!(
        private_press(&mut w, &r, welcome[0].message_id, "📝 我要反映问题").await,
        None
    );
    assert_eq!(
        texts(&bot_messages_after(&w, &chat, before)),
        vec!["请用一两句话说说是什么问题，也可以发照片（最多 5 张）。"]
    );

    let asked = private_say(&mut w, &r, "路灯坏了，晚上很黑").await;
    assert_eq!(
        texts(&asked),
        vec!["📍 问题在哪里？请点下方「发送位置」，或直接输入地址（例如：华山路 100 弄 3 号）。"]
    );
    let Some(ReplyKeyboardChange::Show(kb)) = &asked[0].reply_keyboard else {
        panic!("a reply keyboard: {:?}", asked[0].reply_keyboard);
    };
    let buttons: Vec<(String, bool)> = kb
        .rows
        .iter()
        .flatten()
        .map(|b| (b.text.clone(), b.request_location))
        .collect();
    assert_eq!(
        buttons,
        vec![
            ("📍 发送位置".to_string(), true),
            ("说不清，我选社区".to_string(), false)
        ]
    );

    let placed = private_at(&mut w, &r, IN_CUIHU_1).await;
    assert_eq!(placed.len(), 2, "{placed:#?}");
    assert_eq!(placed[0].text, "📍 位置已收到。");
    assert!(matches!(
        placed[0].reply_keyboard,
        Some(ReplyKeyboardChange::Remove { .. })
    ));
    let summary = &placed[1];
    assert_eq!(
        summary.text,
        "请确认您的反映\n问题：路灯坏了，晚上很黑\n地点：25.05200, 102.70350\n照片：0 张\n交给：翠湖社区第一网格"
    );
    let labels: Vec<Vec<&str>> = summary
        .keyboard
        .iter()
        .map(|row| row.iter().map(|(l, _)| l.as_str()).collect())
        .collect();
    assert_eq!(
        labels,
        vec![vec!["✅ 确认提交"], vec!["✏️ 修改", "✖️ 取消"]]
    );

    let before = newest_bot_message(&w, &chat);
    let toast = private_press(&mut w, &r, summary.message_id, "✅ 确认提交").await;
    assert_eq!(toast.as_deref(), Some("已提交 #1"));
    let told = bot_messages_after(&w, &chat, before);
    assert_eq!(
        texts(&told),
        vec!["✅ 已提交，编号 #1。网格员会尽快处理，进展会在这里通知您。发 /my 可查看。"]
    );

    let grid = w.chat("cuihu-1");
    let card = card_now(&w, &grid, 1).await;
    assert_eq!(
        card.text,
        "🔔 哨令 #1 · 翠湖社区第一网格\n路灯坏了，晚上很黑\n📍 25.05200, 102.70350 · ⏰ 14:32 前报到 · 限 12-03 09:32 前处置\n吹哨：居民 #1\n\n⏳ 网格监督员  @chenjing 陈静"
    );
    assert_eq!(
        card.keyboard,
        keyboard(&[
            &[("报到", "r:1"), ("已处置", "d:1")],
            &[("💬 问居民", "a:1")]
        ])
    );
    let order = only_order(&w).await;
    assert_eq!(order.whistler, Who::Resident(ResidentNo(1)));
    assert_eq!(order.unit.as_str(), "cuihu-1");
    let at = order.place.expect("the shared point is kept");
    assert!((at.lat - IN_CUIHU_1.0).abs() < 1e-9 && (at.lon - IN_CUIHU_1.1).abs() < 1e-9);
    assert_eq!(group_leaks(&w, &[&r]), Vec::<String>::new());
    assert_no_violations(&w);
    w.stop().await;
}

/// Traditional Chinese, the location first: the bot asks for the description, then shows the
/// summary, all in Traditional; the grid's card stays in the group's language.
#[tokio::test]
async fn a_traditional_chinese_resident_sends_the_location_first() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hant");
    let first = private_at(&mut w, &r, IN_CUIHU_1).await;
    assert_eq!(
        texts(&first),
        vec![
            "📍 位置已收到。",
            "請用一兩句話說說是什麼問題，也可以發照片（最多 5 張）。"
        ]
    );
    let summary = private_say(&mut w, &r, "垃圾桶滿了，沒人清運").await;
    assert_eq!(summary.len(), 1, "{summary:#?}");
    assert!(
        summary[0]
            .text
            .starts_with("請確認您的反映\n問題：垃圾桶滿了，沒人清運\n"),
        "{}",
        summary[0].text
    );
    let toast = private_press(&mut w, &r, summary[0].message_id, "✅ 確認提交").await;
    assert_eq!(toast.as_deref(), Some("已提交 #1"));
    let done = w.last(&TgChat::private(&r)).unwrap();
    assert!(
        done.text.starts_with("✅ 已提交，編號 #1。"),
        "{}",
        done.text
    );
    let card = card_now(&w, &w.chat("cuihu-1"), 1).await;
    assert!(card.text.contains("吹哨：居民 #1"), "{}", card.text);
    assert!(card.text.contains("垃圾桶滿了，沒人清運"), "{}", card.text);
    assert_no_violations(&w);
    w.stop().await;
}

/// English, the description then a typed address: the address names 翠湖南路, a street of the
/// second grid, so the report goes there.
#[tokio::test]
async fn an_english_resident_types_the_address_after_the_description() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "en");
    let asked = private_say(&mut w, &r, "A manhole cover is loose").await;
    assert_eq!(
        texts(&asked),
        vec!["📍 Where is it? Tap “Send location” below, or type the address (e.g. Lane 100 Huashan Road, No. 3)."]
    );
    let summary = private_say(&mut w, &r, "翠湖南路 12号 outside the gate").await;
    assert_eq!(summary.len(), 1, "{summary:#?}");
    assert_eq!(
        summary[0].text,
        "Please check your report\nProblem: A manhole cover is loose\nPlace: 翠湖南路 12号 outside the gate\nPhotos: 0\nGoes to: 翠湖社区第二网格"
    );
    assert_eq!(
        private_press(&mut w, &r, summary[0].message_id, "✅ Submit")
            .await
            .as_deref(),
        Some("Submitted #1")
    );
    let done = w.last(&TgChat::private(&r)).unwrap();
    assert_eq!(
        done.text,
        "✅ Submitted as #1. A grid worker will take it on; you will be told here how it goes. /my shows your reports."
    );
    let card = card_now(&w, &w.chat("cuihu-2"), 1).await;
    assert!(
        card.text.contains("📍 翠湖南路 12号 outside the gate"),
        "{}",
        card.text
    );
    assert!(card.text.contains("吹哨：居民 #1"), "{}", card.text);
    assert_eq!(only_order(&w).await.unit.as_str(), "cuihu-2");
    assert_no_violations(&w);
    w.stop().await;
}

/// A photo first: it is kept, the bot asks what the problem is; the photo follows the card in
/// the group.
#[tokio::test]
async fn a_photo_first_then_the_words_and_the_place() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    let chat = TgChat::private(&r);
    let photo = w.standin.photo(&chat, &r, None);
    let answer = private_push(&mut w, &r, photo).await;
    assert_eq!(
        texts(&answer),
        vec![
            "📷 照片已收到。",
            "请用一两句话说说是什么问题，也可以发照片（最多 5 张）。"
        ]
    );
    private_say(&mut w, &r, "井盖松动，踩上去会响").await;
    let placed = private_at(&mut w, &r, IN_CUIHU_1).await;
    let summary = placed.last().unwrap();
    assert!(summary.text.contains("照片：1 张"), "{}", summary.text);
    private_press(&mut w, &r, summary.message_id, "✅ 确认提交").await;
    let grid = w.chat("cuihu-1");
    let card = card_now(&w, &grid, 1).await;
    let photos = photos_in(&w, &grid);
    assert_eq!(photos.len(), 1, "{photos:#?}");
    assert!(
        photos[0].message_id > card.message_id,
        "the photo follows the card"
    );
    assert_eq!(only_order(&w).await.photos.len(), 1);
    assert_no_violations(&w);
    w.stop().await;
}

/// An album of three photos with a caption is answered once: one "photos received" and one
/// "where is it?", not one per photo.
#[tokio::test]
async fn an_album_of_three_photos_is_answered_once() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    let chat = TgChat::private(&r);
    let before = newest_bot_message(&w, &chat);
    for update in w.standin.album(&chat, &r, 3, Some("楼下垃圾堆了一周")) {
        w.push(update).await.unwrap();
    }
    let answers = bot_messages_after(&w, &chat, before);
    assert_eq!(
        texts(&answers),
        vec![
            "📷 照片已收到。",
            "📍 问题在哪里？请点下方「发送位置」，或直接输入地址（例如：华山路 100 弄 3 号）。"
        ],
        "one answer for the album"
    );
    assert_no_violations(&w);
    w.stop().await;
}

/// The three photos of an album are all kept, acknowledged once, and reach the group as one
/// album after the card.
#[tokio::test]
async fn an_albums_photos_reach_the_group_as_one_album() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    let chat = TgChat::private(&r);
    let before = newest_bot_message(&w, &chat);
    for update in w.standin.album(&chat, &r, 3, Some("楼下垃圾堆了一周")) {
        w.push(update).await.unwrap();
    }
    let answers = texts(&bot_messages_after(&w, &chat, before));
    assert_eq!(
        answers.iter().filter(|t| *t == "📷 照片已收到。").count(),
        1,
        "{answers:#?}"
    );
    let placed = private_at(&mut w, &r, IN_CUIHU_1).await;
    let summary = placed.last().unwrap();
    assert!(
        summary.text.contains("问题：楼下垃圾堆了一周"),
        "{}",
        summary.text
    );
    assert!(summary.text.contains("照片：3 张"), "{}", summary.text);
    private_press(&mut w, &r, summary.message_id, "✅ 确认提交").await;
    let grid = w.chat("cuihu-1");
    let card = card_now(&w, &grid, 1).await;
    let photos = photos_in(&w, &grid);
    assert_eq!(photos.len(), 3, "{photos:#?}");
    let album = photos[0].media_group_id.clone();
    assert!(album.is_some(), "sent as one album");
    assert!(photos.iter().all(|p| p.media_group_id == album));
    assert!(
        photos[0].message_id > card.message_id,
        "the photos follow the card"
    );
    assert_eq!(only_order(&w).await.photos.len(), 3);
    assert_no_violations(&w);
    w.stop().await;
}

/// A venue picked on the map is the place, with its title and address on the summary and the
/// card; its words are not taken as the description.
#[tokio::test]
async fn a_venue_is_the_place() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    let chat = TgChat::private(&r);
    private_say(&mut w, &r, "长椅坏了").await;
    let venue = w
        .standin
        .venue(&chat, &r, (25.0515, 102.7040), "翠湖公园北门", "翠湖北路");
    let placed = private_push(&mut w, &r, venue).await;
    assert_eq!(placed[0].text, "📍 位置已收到。");
    let summary = placed.last().unwrap();
    assert_eq!(
        summary.text,
        "请确认您的反映\n问题：长椅坏了\n地点：翠湖公园北门, 翠湖北路\n照片：0 张\n交给：翠湖社区第一网格"
    );
    private_press(&mut w, &r, summary.message_id, "✅ 确认提交").await;
    let card = card_now(&w, &w.chat("cuihu-1"), 1).await;
    assert!(
        card.text
            .contains("📍 翠湖公园北门, 翠湖北路 (25.05150, 102.70400)"),
        "{}",
        card.text
    );
    assert_eq!(only_order(&w).await.text, "长椅坏了");
    assert_no_violations(&w);
    w.stop().await;
}

/// "Not sure" of the place: the resident picks the community (nine, on two pages), then, not
/// sure of the grid either, the community's chat takes the report.
#[tokio::test]
async fn not_sure_of_the_place_the_resident_picks_the_community() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    private_say(&mut w, &r, "夜里有人唱歌很吵").await;
    let choice = private_say(&mut w, &r, "说不清，我选社区").await;
    let choice = choice.last().unwrap();
    assert_eq!(choice.text, "没能从位置判断所属社区，请选择：");
    let labels: Vec<&str> = choice
        .keyboard
        .iter()
        .flatten()
        .map(|(l, _)| l.as_str())
        .collect();
    assert_eq!(
        labels,
        vec![
            "翠湖社区",
            "华山西路社区",
            "钱局街社区",
            "青云社区",
            "文林社区",
            "武成路社区",
            "先生坡社区",
            "圆西社区",
            "更多 ▸",
            "不清楚"
        ]
    );
    let chat = TgChat::private(&r);
    let before = newest_bot_message(&w, &chat);
    private_press(&mut w, &r, choice.message_id, "更多 ▸").await;
    let page2 = bot_messages_after(&w, &chat, before);
    let labels: Vec<&str> = page2[0]
        .keyboard
        .iter()
        .flatten()
        .map(|(l, _)| l.as_str())
        .collect();
    assert_eq!(labels, vec!["云大社区", "◂ 上一页", "不清楚"]);
    // The first page's buttons are spent once another page is shown.
    assert_eq!(
        private_press(&mut w, &r, choice.message_id, "翠湖社区")
            .await
            .as_deref(),
        Some("这个按钮已过期。")
    );
    let before = newest_bot_message(&w, &chat);
    private_press(&mut w, &r, page2[0].message_id, "◂ 上一页").await;
    let page1 = bot_messages_after(&w, &chat, before);
    assert_eq!(page1[0].keyboard[0][0].0, "翠湖社区");
    let before = newest_bot_message(&w, &chat);
    private_press(&mut w, &r, page1[0].message_id, "翠湖社区").await;
    let grids = bot_messages_after(&w, &chat, before);
    assert_eq!(grids.len(), 1, "{grids:#?}");
    assert_eq!(grids[0].text, "请选择所在网格：");
    assert_eq!(
        grids[0]
            .keyboard
            .iter()
            .flatten()
            .map(|(l, _)| l.as_str())
            .collect::<Vec<_>>(),
        vec!["翠湖社区第一网格", "翠湖社区第二网格", "不清楚"]
    );
    let before = newest_bot_message(&w, &chat);
    private_press(&mut w, &r, grids[0].message_id, "不清楚").await;
    let summary = bot_messages_after(&w, &chat, before);
    assert_eq!(
        summary.last().unwrap().text,
        "请确认您的反映\n问题：夜里有人唱歌很吵\n地点：未提供\n照片：0 张\n交给：翠湖社区"
    );
    private_press(
        &mut w,
        &r,
        summary.last().unwrap().message_id,
        "✅ 确认提交",
    )
    .await;
    let community = w.chat("cuihu");
    let card = card_now(&w, &community, 1).await;
    assert!(
        card.text.starts_with("🔔 哨令 #1 · 翠湖社区\n"),
        "{}",
        card.text
    );
    assert_eq!(only_order(&w).await.unit.as_str(), "cuihu");
    assert_no_violations(&w);
    w.stop().await;
}

/// A location outside every boundary: the resident is asked to pick, picks 圆西社区 and its
/// only grid; the report goes to that grid's chat.
#[tokio::test]
async fn a_location_outside_every_boundary_is_routed_by_the_residents_choice() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    private_say(&mut w, &r, "路面塌了一个坑").await;
    let choice = private_at(&mut w, &r, (25.10, 102.80)).await;
    let choice = choice.last().unwrap();
    assert_eq!(choice.text, "没能从位置判断所属社区，请选择：");
    let chat = TgChat::private(&r);
    let before = newest_bot_message(&w, &chat);
    private_press(&mut w, &r, choice.message_id, "圆西社区").await;
    let grids = bot_messages_after(&w, &chat, before);
    private_press(&mut w, &r, grids[0].message_id, "圆西社区第一网格").await;
    let summary = private_with_button(&w, &r, "✅ 确认提交");
    assert!(
        summary.text.ends_with("交给：圆西社区第一网格"),
        "{}",
        summary.text
    );
    private_press(&mut w, &r, summary.message_id, "✅ 确认提交").await;
    assert!(w.card(&w.chat("yuanxi-1"), 1).await.is_some());
    assert_no_violations(&w);
    w.stop().await;
}

/// A location outside every boundary, and the resident is not sure of the community either:
/// the organisation's top unit takes the report; not sure of the grid within a community: the
/// community's chat does.
#[tokio::test]
async fn not_sure_sends_the_report_up_to_a_unit_with_a_chat() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    let chat = TgChat::private(&r);
    private_say(&mut w, &r, "河边有人钓鱼").await;
    let choice = private_at(&mut w, &r, (25.10, 102.80)).await;
    private_press(&mut w, &r, choice.last().unwrap().message_id, "不清楚").await;
    let summary = private_with_button(&w, &r, "✅ 确认提交");
    assert!(summary.text.ends_with("交给：五华区"), "{}", summary.text);
    private_press(&mut w, &r, summary.message_id, "✅ 确认提交").await;
    assert!(w.card(&w.chat("wuhua"), 1).await.is_some());

    private_say(&mut w, &r, "路边井盖丢了").await;
    let choice = private_at(&mut w, &r, (25.10, 102.80)).await;
    let before = newest_bot_message(&w, &chat);
    private_press(&mut w, &r, choice.last().unwrap().message_id, "翠湖社区").await;
    let grids = bot_messages_after(&w, &chat, before);
    assert_eq!(grids[0].text, "请选择所在网格：");
    private_press(&mut w, &r, grids[0].message_id, "不清楚").await;
    let summary = private_with_button(&w, &r, "✅ 确认提交");
    assert!(summary.text.ends_with("交给：翠湖社区"), "{}", summary.text);
    private_press(&mut w, &r, summary.message_id, "✅ 确认提交").await;
    let card = card_now(&w, &w.chat("cuihu"), 2).await;
    assert!(
        card.text.starts_with("🔔 哨令 #2 · 翠湖社区\n"),
        "{}",
        card.text
    );
    assert_no_violations(&w);
    w.stop().await;
}

/// A deep link names the grid: the welcome names it, the description alone completes the
/// report (no place asked), and the card goes to that grid. An unknown link still welcomes.
#[tokio::test]
async fn a_deep_link_starts_a_report_for_its_grid() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    let hello = private_say(&mut w, &r, "/start cuihu-2").await;
    assert_eq!(
        texts(&hello),
        vec!["您好！您正在向「翠湖社区第二网格」反映问题。⚠️ 紧急情况请直接拨打 110 / 119 / 120。\n\n请用一两句话说说是什么问题，也可以发照片（最多 5 张）。"]
    );
    let summary = private_say(&mut w, &r, "宾馆门口的树枝快断了").await;
    assert_eq!(summary.len(), 1, "{summary:#?}");
    assert_eq!(
        summary[0].text,
        "请确认您的反映\n问题：宾馆门口的树枝快断了\n地点：未提供\n照片：0 张\n交给：翠湖社区第二网格"
    );
    private_press(&mut w, &r, summary[0].message_id, "✅ 确认提交").await;
    assert!(w.card(&w.chat("cuihu-2"), 1).await.is_some());

    let other = resident(RESIDENT_ID + 1, "zh-hans");
    let hello = private_say(&mut w, &other, "/start nowhere-9").await;
    assert_eq!(hello.len(), 1);
    assert!(
        hello[0]
            .text
            .ends_with("\n\n这个链接对应的网格没有找到，您仍可以直接反映问题。"),
        "{}",
        hello[0].text
    );
    assert_eq!(
        hello[0].keyboard,
        keyboard(&[&[("📝 我要反映问题", "n:r")]])
    );
    assert_no_violations(&w);
    w.stop().await;
}

/// 确认 pressed twice (a double tap, a slow network): one order, one card; the second press is
/// told the button is spent.
async fn a_double_confirm_makes_one_order(mut w: Sandbox) {
    let r = resident(RESIDENT_ID, "zh-hans");
    private_say(&mut w, &r, "路灯坏了").await;
    let placed = private_at(&mut w, &r, IN_CUIHU_1).await;
    let summary = placed.last().unwrap().message_id;
    let data = w
        .standin
        .message(r.id, summary)
        .unwrap()
        .button_data("✅ 确认提交")
        .unwrap()
        .to_string();
    // Both presses queued before the bot sees either.
    for _ in 0..2 {
        let u = w.standin.callback(r.id, &r, summary, &data).unwrap();
        w.queue(u);
    }
    w.settle().await.unwrap();
    let toasts: Vec<Option<String>> = w.standin.toasts().into_iter().map(|(_, t, _)| t).collect();
    assert_eq!(
        toasts,
        vec![
            Some("已提交 #1".to_string()),
            Some("这个按钮已过期。".to_string())
        ]
    );
    assert_eq!(order_count(&w).await, 1);
    let grid = w.chat("cuihu-1");
    let cards: Vec<_> = w
        .messages(&grid)
        .into_iter()
        .filter(|m| m.text.starts_with("🔔 哨令"))
        .collect();
    assert_eq!(cards.len(), 1, "{cards:#?}");
    // And once more, later: still one.
    private_press(&mut w, &r, summary, "✅ 确认提交").await;
    assert_eq!(order_count(&w).await, 1);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn sqlite_a_double_confirm_makes_one_order() {
    a_double_confirm_makes_one_order(world().await).await;
}

#[tokio::test]
async fn postgres_a_double_confirm_makes_one_order() {
    let Some(db) = crate::support::postgres("resident_double_confirm").await else {
        return;
    };
    a_double_confirm_makes_one_order(world_on(&db.url).await).await;
}

/// A dialogue left for 25 hours lapses: the next message says so and starts afresh; the old
/// summary's 确认 makes nothing.
#[tokio::test]
async fn a_dialogue_left_for_a_day_lapses() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    private_say(&mut w, &r, "路灯坏了").await;
    let placed = private_at(&mut w, &r, IN_CUIHU_1).await;
    let old_summary = placed.last().unwrap().message_id;
    w.clock.advance(Duration::hours(25));
    let toast = private_press(&mut w, &r, old_summary, "✅ 确认提交").await;
    assert_eq!(toast.as_deref(), Some("这个按钮已过期。"));
    assert_eq!(order_count(&w).await, 0);
    let again = private_say(&mut w, &r, "垃圾没人收").await;
    assert_eq!(
        texts(&again),
        vec![
            "您之前未完成的反映已超过 24 小时，已作废。",
            "📍 问题在哪里？请点下方「发送位置」，或直接输入地址（例如：华山路 100 弄 3 号）。"
        ]
    );
    let placed = private_at(&mut w, &r, IN_CUIHU_1).await;
    assert!(
        placed.last().unwrap().text.contains("问题：垃圾没人收"),
        "a fresh report: {}",
        placed.last().unwrap().text
    );
    assert_no_violations(&w);
    w.stop().await;
}

/// `/cancel` ends a dialogue and takes the keyboard away; with nothing going on it says so.
/// 修改 starts the words and place over, keeping the photos.
#[tokio::test]
async fn cancel_and_edit() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    private_say(&mut w, &r, "路灯坏了").await;
    let cancelled = private_say(&mut w, &r, "/cancel").await;
    assert_eq!(
        texts(&cancelled),
        vec!["已取消，这次反映没有提交。需要时发 /report 重新开始。"]
    );
    assert!(matches!(
        cancelled[0].reply_keyboard,
        Some(ReplyKeyboardChange::Remove { .. })
    ));
    assert_eq!(
        texts(&private_say(&mut w, &r, "/cancel").await),
        vec!["现在没有进行中的反映。"]
    );

    let chat = TgChat::private(&r);
    let photo = w.standin.photo(&chat, &r, Some("路灯坏了"));
    private_push(&mut w, &r, photo).await;
    let placed = private_at(&mut w, &r, IN_CUIHU_1).await;
    let summary = placed.last().unwrap().message_id;
    let before = newest_bot_message(&w, &chat);
    private_press(&mut w, &r, summary, "✏️ 修改").await;
    assert_eq!(
        texts(&bot_messages_after(&w, &chat, before)),
        vec!["好的，请重新发送问题描述和位置；已发的照片会保留。"]
    );
    private_say(&mut w, &r, "是翠湖南路的路灯").await;
    let summary = private_say(&mut w, &r, "翠湖南路 8 号").await;
    let summary = summary.last().unwrap();
    assert_eq!(
        summary.text,
        "请确认您的反映\n问题：是翠湖南路的路灯\n地点：翠湖南路 8 号\n照片：1 张\n交给：翠湖社区第二网格"
    );
    let before = newest_bot_message(&w, &chat);
    private_press(&mut w, &r, summary.message_id, "✖️ 取消").await;
    assert_eq!(
        texts(&bot_messages_after(&w, &chat, before)),
        vec!["已取消，这次反映没有提交。需要时发 /report 重新开始。"]
    );
    assert_eq!(order_count(&w).await, 0);
    assert_no_violations(&w);
    w.stop().await;
}

/// `reports_per_day`: the sixth report within a day is refused politely; a day later the
/// resident may report again.
#[tokio::test]
async fn the_daily_limit_of_reports() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    let places = [
        (25.0520, 102.7035),
        (25.0480, 102.7035),
        (25.0600, 102.7100),
        (25.0520, 102.7010),
        (25.0480, 102.7010),
    ];
    for (i, at) in places.iter().enumerate() {
        resident_reports(&mut w, &r, &format!("第{}个问题", i + 1), *at).await;
        w.clock.advance(Duration::minutes(1));
    }
    let refused = private_say(&mut w, &r, "第六个问题").await;
    assert_eq!(
        texts(&refused),
        vec!["24 小时内已提交 5 次反映，请稍后再来。紧急情况请拨打 110 / 119 / 120。"]
    );
    assert_eq!(order_count(&w).await, 5);
    w.clock.advance(Duration::hours(24));
    resident_reports(&mut w, &r, "第六个问题", IN_CUIHU_1).await;
    assert_eq!(order_count(&w).await, 6);
    assert_no_violations(&w);
    w.stop().await;
}

/// Too long a description is refused with the limit; too many photos: the first five are kept
/// and the resident is told once.
#[tokio::test]
async fn too_long_a_text_and_too_many_photos() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    let long = "很".repeat(1001);
    let answer = private_say(&mut w, &r, &long).await;
    assert_eq!(
        answer[0].text, "描述太长了（最多 1000 字），请简短些再发。",
        "{answer:#?}"
    );
    let chat = TgChat::private(&r);
    let before = newest_bot_message(&w, &chat);
    for update in w.standin.album(&chat, &r, 7, None) {
        w.push(update).await.unwrap();
    }
    let answers = texts(&bot_messages_after(&w, &chat, before));
    assert_eq!(
        answers
            .iter()
            .filter(|t| t.contains("最多附 5 张照片，多出的没有收下。"))
            .count(),
        1,
        "{answers:#?}"
    );
    private_say(&mut w, &r, "楼道灯不亮").await;
    let placed = private_at(&mut w, &r, IN_CUIHU_1).await;
    let summary = placed.last().unwrap();
    assert!(
        summary.text.contains("问题：楼道灯不亮"),
        "{}",
        summary.text
    );
    assert!(summary.text.contains("照片：5 张"), "{}", summary.text);
    assert_no_violations(&w);
    w.stop().await;
}

/// `/block` by the grid leader: the resident is politely refused; a sanitation worker may not
/// block; `/unblock 1` lets them report again. The group only ever reads "居民 #1".
#[tokio::test]
async fn a_blocked_resident_is_refused_until_unblocked() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    resident_reports(&mut w, &r, "垃圾没人收", IN_CUIHU_1).await;
    let grid = w.chat("cuihu-1");
    let card = card_now(&w, &grid, 1).await;
    let wang = w.user(1002);
    let before = newest_bot_message(&w, &grid);
    w.reply(&grid, &wang, card.message_id, "/block")
        .await
        .unwrap();
    let refused = bot_messages_after(&w, &grid, before);
    assert_eq!(
        texts(&refused),
        vec!["只有网格长、值班员和管理员可以屏蔽居民。"]
    );
    let li = w.user(1001);
    let before = newest_bot_message(&w, &grid);
    w.reply(&grid, &li, card.message_id, "/block")
        .await
        .unwrap();
    assert_eq!(
        texts(&bot_messages_after(&w, &grid, before)),
        vec!["已屏蔽 居民 #1，其之后的反映将被礼貌拒绝。"]
    );
    let told = private_say(&mut w, &r, "又有垃圾了").await;
    assert_eq!(
        texts(&told),
        vec!["抱歉，您暂时不能通过本机器人反映问题。如有需要，请联系社区居委会。"]
    );
    assert_eq!(order_count(&w).await, 1);
    assert_eq!(
        ask(&mut w, &grid, 1001, "/unblock 1").await,
        "已解除对 居民 #1 的屏蔽。"
    );
    resident_reports(&mut w, &r, "又有垃圾了", (25.0480, 102.7035)).await;
    assert_eq!(order_count(&w).await, 2);
    assert_eq!(group_leaks(&w, &[&r]), Vec::<String>::new());
    assert_no_violations(&w);
    w.stop().await;
}

/// `/forget`: asked to confirm, then the resident's identity is gone: no people row holds
/// their name, the resident row has no Telegram id, the card and `/show` still say "居民 #1",
/// and nothing more reaches them.
#[tokio::test]
async fn forget_removes_the_residents_identity() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    resident_reports(&mut w, &r, "垃圾没人收", IN_CUIHU_1).await;
    let asked = private_say(&mut w, &r, "/forget").await;
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0].text.starts_with("将删除您的 Telegram 身份"),
        "{}",
        asked[0].text
    );
    let toast = private_press(&mut w, &r, asked[0].message_id, "确认删除").await;
    assert_eq!(toast.as_deref(), Some("已删除"));
    let last = w.last(&TgChat::private(&r)).unwrap();
    assert!(
        last.text.starts_with("已删除：您的身份已从 1 条反映中移除"),
        "{}",
        last.text
    );

    assert_eq!(w.store.person(TelegramUserId(r.id)).await.unwrap(), None);
    for p in w.store.people().await.unwrap() {
        let row = format!("{p:?}");
        for mark in [
            &r.first_name,
            r.last_name.as_ref().unwrap(),
            r.username.as_ref().unwrap(),
        ] {
            assert!(!row.contains(mark.as_str()), "{row}");
        }
    }
    let stored = w.store.resident(ResidentNo(1)).await.unwrap().unwrap();
    assert_eq!((stored.telegram_id, stored.chat_id), (None, None));
    assert_eq!(
        w.store
            .resident_of_user(TelegramUserId(r.id))
            .await
            .unwrap(),
        None
    );

    let grid = w.chat("cuihu-1");
    let card = card_now(&w, &grid, 1).await;
    assert!(card.text.contains("吹哨：居民 #1"), "{}", card.text);
    let show = ask(&mut w, &grid, 1001, "/show 1").await;
    assert!(show.contains("居民 #1"), "{show}");
    // Resolved now: nobody is left to tell.
    let chat = TgChat::private(&r);
    let before = newest_bot_message(&w, &chat);
    say_as(&mut w, &grid, 1005, "/done 1 已清运").await;
    assert!(bot_messages_after(&w, &chat, before).is_empty());
    // Asking them is refused in words.
    let card = card_now(&w, &grid, 1).await;
    let li = w.user(1001);
    let before = newest_bot_message(&w, &grid);
    w.reply(&grid, &li, card.message_id, "问居民 在哪个门口？")
        .await
        .unwrap();
    assert_eq!(
        texts(&bot_messages_after(&w, &grid, before)),
        vec!["#1 的居民已注销，无法转达。"]
    );
    assert_eq!(group_leaks(&w, &[&r]), Vec::<String>::new());
    assert_no_violations(&w);
    w.stop().await;
}

/// The bot restarted in the middle of a dialogue, twice: what the resident sent before is kept
/// and the report completes.
#[tokio::test]
async fn a_restart_mid_dialogue_loses_nothing() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    let chat = TgChat::private(&r);
    let photo = w.standin.photo(&chat, &r, Some("井盖松动"));
    private_push(&mut w, &r, photo).await;
    w.restart().await.unwrap();
    let placed = private_at(&mut w, &r, IN_CUIHU_1).await;
    let summary = placed.last().unwrap();
    assert_eq!(
        summary.text,
        "请确认您的反映\n问题：井盖松动\n地点：25.05200, 102.70350\n照片：1 张\n交给：翠湖社区第一网格"
    );
    w.restart().await.unwrap();
    let toast = private_press(&mut w, &r, summary.message_id, "✅ 确认提交").await;
    assert_eq!(toast.as_deref(), Some("已提交 #1"));
    assert_eq!(only_order(&w).await.photos.len(), 1);
    assert_eq!(photos_in(&w, &w.chat("cuihu-1")).len(), 1);
    assert_no_violations(&w);
    w.stop().await;
}

/// `/my` lists the resident's reports with how they stand.
#[tokio::test]
async fn my_lists_the_residents_reports() {
    let mut w = world().await;
    let r = resident(RESIDENT_ID, "zh-hans");
    assert_eq!(
        texts(&private_say(&mut w, &r, "/my").await),
        vec!["您还没有反映过问题。发 /report 开始。"]
    );
    resident_reports(&mut w, &r, "路灯坏了", IN_CUIHU_1).await;
    assert_eq!(
        texts(&private_say(&mut w, &r, "/my").await),
        vec!["我的反映\n#1 · 待处理 · 路灯坏了"]
    );
    let _ = OrderId(1);
    let _: Option<&TgUser> = None;
    assert_no_violations(&w);
    w.stop().await;
}
