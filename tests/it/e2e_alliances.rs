//! Alliance units (联盟单位): a community whistle naming one summons it in its own chat (bound
//! with /bind); its liaison reports there; the community's card shows who reported.

use chrono::{TimeZone, Utc};
use gridwhistle::sandbox::Sandbox;
use gridwhistle::standin::TgChat;

use crate::e2e::*;

/// The example organisation with a liaison for 云南大学, known also as 云大.
fn org_with_alliance_liaison() -> String {
    let base = include_str!("../../examples/huashan.toml").replace(
        "id = \"yunnan-university\"\nname = \"云南大学\"\n",
        "id = \"yunnan-university\"\nname = \"云南大学\"\naliases = [\"云大\"]\n",
    );
    format!(
        "{base}\n[[member]]\ntelegram_id = 3001\nname = \"李明\"\nusername = \"liming_ynu\"\nalliance = \"yunnan-university\"\n"
    )
}

#[tokio::test]
async fn a_community_whistle_naming_an_alliance_reaches_its_chat_and_its_report_shows_on_the_card()
{
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 6, 2, 0).unwrap();
    let mut w = Sandbox::start(&org_with_alliance_liaison(), None, now)
        .await
        .expect("sandbox");
    // The university's liaison binds its group by the alliance's name.
    let ynu = TgChat::new(-4101, "云南大学联络群");
    let liaison = w.user(3001);
    let bound = answer_to(&mut w, &ynu, &liaison, "/bind 云南大学").await;
    assert!(bound.contains("云南大学"), "{bound}");

    // A community duty officer whistles the university by its alias.
    let community = w.chat("cuihu");
    let card = whistle_as(
        &mut w,
        &community,
        1100,
        "吹哨 @云大 周末请派志愿者清理翠湖边垃圾",
    )
    .await;
    assert!(card.text.contains("#1"), "{}", card.text);
    assert!(
        card.text.contains("⏳ 云南大学  @liming_ynu 李明"),
        "{}",
        card.text
    );
    // The same card in the university's chat, with the buttons to report.
    let there = card_now(&w, &ynu, 1).await;
    assert_eq!(there.text, card.text);
    assert_eq!(
        there.keyboard,
        keyboard(&[&[("报到", "r:1"), ("已处置", "d:1")]])
    );
    assert!(there.mentioned_user_ids.contains(&3001));

    // The liaison reports in the university's chat; the community's card shows it.
    w.clock.advance(chrono::Duration::minutes(5));
    let toast = press(&mut w, &ynu, &liaison, there.message_id, "报到").await;
    assert_eq!(toast, "✅ 已报到 #1");
    let card = card_now(&w, &community, 1).await;
    assert!(
        card.text.contains("✅ 云南大学  李明 · 14:07 报到"),
        "{}",
        card.text
    );
    // The liaison's /stats in the university's chat counts the university's parties.
    let new = say_and_collect(&mut w, &ynu, &liaison, "/stats").await;
    let table = &new.first().expect("the figures").text;
    assert!(
        table.starts_with("📊 云南大学 · 2026-11\n吹哨 1 ·"),
        "{table}"
    );
    assert!(table.contains("召集 1 方 · 已报到 1"), "{table}");
    // Somebody not in the alliance is not summoned by it.
    let grid_member = w.user(1001);
    let toast = press(&mut w, &ynu, &grid_member, there.message_id, "已处置").await;
    assert!(!toast.starts_with('✅'), "{toast}");
    assert_no_violations(&w);
    w.stop().await;
}
