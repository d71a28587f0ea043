//! `gridwhistle demo`: the real bot against an in-process Bot API stand-in, on the example
//! organisation and a temporary SQLite database, playing a scripted scenario and printing the
//! chats as people would read them. No token, no network.

use chrono::{Duration, TimeZone, Utc};

use crate::domain::Lang;
use crate::i18n::ids;
use crate::sandbox::Sandbox;
use crate::tr;

const HUASHAN: &str = include_str!("../examples/huashan.toml");

/// Plays the scenario in `lang` and returns the transcript.
pub async fn run(lang: Lang) -> anyhow::Result<String> {
    // Friday 2026-11-27, 14:02 in Kunming: a working afternoon.
    let start = Utc
        .with_ymd_and_hms(2026, 11, 27, 6, 2, 0)
        .single()
        .expect("valid time");
    let mut w = Sandbox::start(HUASHAN, None, start).await?;
    w.set_language(lang).await?;
    let grid = w.chat("cuihu-1");
    let li_ming = w.user(1001);
    let wang_fang = w.user(1002);
    let liu_yang = w.user(1004);

    // Scene 1: rubbish and street vendors on 圆西路; the sanitation worker and the enforcement
    // officer are summoned, both report, it is resolved and verified.
    w.say(&grid, &li_ming, &tr!(lang, ids::DEMO_WHISTLE))
        .await?;
    let card = w
        .card(&grid, 1)
        .await
        .ok_or_else(|| anyhow::anyhow!("no card"))?;
    w.clock.advance(Duration::minutes(1));
    w.press(
        &grid,
        &wang_fang,
        card.message_id,
        &tr!(lang, ids::BUTTON_REPORT),
    )
    .await?;
    w.clock.advance(Duration::minutes(3));
    w.reply(&grid, &liu_yang, card.message_id, &tr!(lang, ids::DEMO_ACK))
        .await?;
    w.clock.advance(Duration::minutes(35));
    w.reply(
        &grid,
        &liu_yang,
        card.message_id,
        &tr!(lang, ids::DEMO_PROGRESS),
    )
    .await?;
    w.clock.advance(Duration::minutes(30));
    w.say(&grid, &wang_fang, &tr!(lang, ids::DEMO_DONE)).await?;
    let notice = w.last(&grid).ok_or_else(|| anyhow::anyhow!("no notice"))?;
    w.clock.advance(Duration::minutes(5));
    w.press(
        &grid,
        &li_ming,
        notice.message_id,
        &tr!(lang, ids::BUTTON_VERIFY),
    )
    .await?;

    // Scene 2: the enforcement officer does not report; the order rises to the community, whose
    // duty officer does not take it over either, then to the sub-district, which whistles two
    // departments: one reports at once, the other after a reminder.
    w.clock.advance(Duration::minutes(14));
    w.say(&grid, &li_ming, &tr!(lang, ids::DEMO_WHISTLE_2))
        .await?;
    w.advance(Duration::minutes(31)).await?; // grid deadline: up to the community
    w.advance(Duration::minutes(31)).await?; // community deadline: up to the sub-district
    let subdistrict = w.chat("huashan");
    let notice = w.last(&subdistrict).ok_or_else(|| {
        anyhow::anyhow!(
            "no escalation notice:\n{}",
            w.standin.transcript(&w.chat_titles())
        )
    })?;
    let ma = w.user(1200);
    for dept in ["urban", "water"] {
        let name = w
            .org
            .departments
            .iter()
            .find(|d| d.id.as_str() == dept)
            .map(|d| d.name.clone())
            .unwrap_or_default();
        w.press(&subdistrict, &ma, notice.message_id, &format!("📣 {name}"))
            .await?;
    }
    let urban = w.chat("urban");
    let urban_card = w
        .card(&urban, 2)
        .await
        .ok_or_else(|| anyhow::anyhow!("no card for urban"))?;
    w.clock.advance(Duration::minutes(2));
    w.press(
        &urban,
        &w.user(2001),
        urban_card.message_id,
        &tr!(lang, ids::BUTTON_REPORT),
    )
    .await?;
    w.advance(Duration::minutes(49)).await?; // the water department is reminded
    let water = w.chat("water");
    let water_card = w
        .card(&water, 2)
        .await
        .ok_or_else(|| anyhow::anyhow!("no card for water"))?;
    w.clock.advance(Duration::minutes(3));
    w.reply(
        &water,
        &w.user(2006),
        water_card.message_id,
        &tr!(lang, ids::DEMO_ACK),
    )
    .await?;

    let violations = w.standin.violations();
    let transcript = w.standin.transcript(&w.chat_titles());
    w.stop().await;
    if !violations.is_empty() {
        anyhow::bail!(
            "the stand-in rejected {} request(s): {violations:?}",
            violations.len()
        );
    }
    Ok(format!("{}\n\n{transcript}", tr!(lang, ids::DEMO_TITLE)))
}
