//! `gridwhistle demo`: the real bot against an in-process Bot API stand-in, on the example
//! organisation and a temporary SQLite database, playing a scripted scenario and printing the
//! chats as people would read them. No token, no network.

use chrono::{Duration, TimeZone, Utc};

use crate::domain::resident::Satisfaction;
use crate::domain::Lang;
use crate::i18n::ids;
use crate::render;
use crate::sandbox::Sandbox;
use crate::tr;

const HUASHAN: &str = include_str!("../examples/huashan.toml");

/// The resident of scene 3: a Telegram user on no roster.
const RESIDENT_ID: i64 = 6_200_417;
/// The broken street light on 翠湖北路, inside grid cuihu-1 (see the `[resident]` table of
/// examples/huashan.toml): latitude, longitude.
const STREET_LIGHT: (f64, f64) = (25.0520, 102.7035);

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

    // Scene 3: a resident, on no roster, reports a broken street light in a private chat with
    // a photo and a location inside the grid. The grid sees only "居民 #1", asks a question
    // through the bot, the summoned grid supervisor reports and resolves it, and the resident
    // confirms it is solved and rates it.
    w.clock.advance(Duration::minutes(20));
    let resident = w.resident(RESIDENT_ID, "周淑芬", Some("zhou_shufen"), lang);
    w.say_private(&resident, "/start").await?;
    let start = tr!(lang, ids::RES_START_BUTTON);
    let welcome = w
        .last_with_button(&resident, &start)
        .ok_or_else(|| anyhow::anyhow!("no welcome"))?;
    w.press_private(&resident, welcome.message_id, &start)
        .await?;
    w.clock.advance(Duration::minutes(1));
    w.photo_private(&resident, Some(&tr!(lang, ids::DEMO_RES_REPORT)))
        .await?;
    w.clock.advance(Duration::minutes(1));
    let (lat, lon) = STREET_LIGHT;
    w.location_private(&resident, lat, lon).await?;
    let confirm = tr!(lang, ids::RES_CONFIRM_BUTTON);
    let summary = w
        .last_with_button(&resident, &confirm)
        .ok_or_else(|| anyhow::anyhow!("no summary"))?;
    w.press_private(&resident, summary.message_id, &confirm)
        .await?;
    let card = w
        .card(&grid, 3)
        .await
        .ok_or_else(|| anyhow::anyhow!("no card for the resident's report"))?;
    if !card
        .text
        .contains(&tr!(lang, ids::RESIDENT_LABEL, no = 1_i64))
    {
        anyhow::bail!("the card does not name 居民 #1: {}", card.text);
    }
    w.clock.advance(Duration::minutes(4));
    w.reply(
        &grid,
        &li_ming,
        card.message_id,
        &tr!(lang, ids::DEMO_RES_ASK),
    )
    .await?;
    let question = w
        .last_with_button(&resident, &tr!(lang, ids::RES_ANSWER_BUTTON))
        .ok_or_else(|| anyhow::anyhow!("no question for the resident"))?;
    w.clock.advance(Duration::minutes(3));
    w.reply_private(
        &resident,
        question.message_id,
        &tr!(lang, ids::DEMO_RES_ANSWER),
    )
    .await?;
    w.clock.advance(Duration::minutes(5));
    let chen_jing = w.user(1005);
    w.press(
        &grid,
        &chen_jing,
        card.message_id,
        &tr!(lang, ids::BUTTON_REPORT),
    )
    .await?;
    w.clock.advance(Duration::minutes(40));
    w.say(&grid, &chen_jing, &tr!(lang, ids::DEMO_RES_DONE))
        .await?;
    w.clock.advance(Duration::minutes(12));
    let solved = tr!(lang, ids::RES_SOLVED_BUTTON);
    let asked = w
        .last_with_button(&resident, &solved)
        .ok_or_else(|| anyhow::anyhow!("the resident was not asked whether it is solved"))?;
    w.press_private(&resident, asked.message_id, &solved)
        .await?;
    w.clock.advance(Duration::minutes(1));
    let satisfied = render::satisfaction_name(lang, Satisfaction::Satisfied);
    w.press_private(&resident, asked.message_id, &satisfied)
        .await?;
    let leaks = w.group_leaks(&resident);

    let violations = w.standin.violations();
    let transcript = w.standin.transcript(&w.chat_titles());
    w.stop().await;
    if !leaks.is_empty() {
        anyhow::bail!("a group chat names the resident: {leaks:?}");
    }
    if !violations.is_empty() {
        anyhow::bail!(
            "the stand-in rejected {} request(s): {violations:?}",
            violations.len()
        );
    }
    Ok(format!("{}\n\n{transcript}", tr!(lang, ids::DEMO_TITLE)))
}
