//! `gridwhistle demo`: the real bot against an in-process Bot API stand-in, on the example
//! organisation and a temporary SQLite database, playing a scripted scenario and printing the
//! chats as people would read them. No token, no network. After three played scenes, a month
//! of history (November 2026) is seeded through storage, and the sub-district's duty officer
//! asks for the figures and the ranking; the chart is written to `chart_path`.

use std::path::PathBuf;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

use crate::domain::escalation;
use crate::domain::org::Organisation;
use crate::domain::plan;
use crate::domain::policy::Level;
use crate::domain::resident::Satisfaction;
use crate::domain::{
    ChatId, DepartmentId, EscalationReason, Event, EventKind, Lang, OrderState, Party, PartyTarget,
    ReportOutcome, ResidentNo, RoleId, TelegramUserId, UnitId, WhistleOrder, Who,
};
use crate::i18n::ids;
use crate::render;
use crate::sandbox::Sandbox;
use crate::storage::{Commit, NewOrder, Store, StoredOrder};
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
    let began = start;
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

    // Scene 4: a month of history is seeded through storage (not played through the bot),
    // then the sub-district's duty officer asks for last month's figures and the ranking.
    let before = w.standin.transcript(&w.chat_titles());
    let orders = seed_history(&w, began).await?;
    w.clock.advance(Duration::minutes(10));
    w.say(&subdistrict, &ma, "/stats 2026-11").await?;
    w.clock.advance(Duration::minutes(1));
    w.say(&subdistrict, &ma, "/rank").await?;
    let chart = w
        .store
        .last_upload(ChatId(subdistrict.id))
        .await?
        .ok_or_else(|| anyhow::anyhow!("/stats sent no chart"))?;
    let path = chart_path(lang);
    std::fs::write(&path, &chart)
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;

    let violations = w.standin.violations();
    let after = w.standin.transcript(&w.chat_titles());
    let history = tr!(lang, ids::DEMO_HISTORY, orders = orders as i64);
    let transcript = match after.strip_prefix(&before) {
        Some(rest) => format!("{before}\n{history}\n{rest}"),
        None => format!("{history}\n\n{after}"),
    };
    let saved = tr!(
        lang,
        ids::DEMO_CHART_FILE,
        path = path.display().to_string()
    );
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
    Ok(format!(
        "{}\n\n{transcript}\n\n{saved}",
        tr!(lang, ids::DEMO_TITLE)
    ))
}

/// Where the demo writes the statistics chart of `lang`'s run.
pub fn chart_path(lang: Lang) -> PathBuf {
    std::env::temp_dir().join(format!("gridwhistle-demo-stats-{}.png", lang.code()))
}

/// A small deterministic generator (xorshift), so that every run seeds the same history.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }

    /// True `pct` times in a hundred.
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    fn minutes(&mut self, from: i64, to: i64) -> Duration {
        Duration::minutes(from + self.below((to - from).max(1) as u64) as i64)
    }
}

/// A grid of the example with rostered people: its id, its leader, and who holds each role.
struct Grid {
    id: &'static str,
    leader: i64,
    roles: [(&'static str, i64); 4],
}

const GRIDS: [Grid; 3] = [
    Grid {
        id: "cuihu-1",
        leader: 1001,
        roles: [
            ("sanitation", 1002),
            ("urban_enforcement", 1004),
            ("grid_supervisor", 1005),
            ("community_police", 1007),
        ],
    },
    Grid {
        id: "cuihu-2",
        leader: 1021,
        roles: [
            ("sanitation", 1022),
            ("urban_enforcement", 1023),
            ("grid_supervisor", 1025),
            ("community_police", 1007),
        ],
    },
    Grid {
        id: "yuanxi-1",
        leader: 1041,
        roles: [
            ("sanitation", 1042),
            ("urban_enforcement", 1043),
            ("grid_supervisor", 1045),
            ("community_police", 1007),
        ],
    },
];

/// Departments the sub-district whistles in the history, with their liaisons.
const DEPARTMENTS: [(&str, i64); 5] = [
    ("urban", 2001),
    ("market", 2002),
    ("police", 2003),
    ("environment", 2005),
    ("water", 2006),
];

/// What seeded orders say (their text is never shown by /stats, but /list and /show read it).
const TEXTS: [&str; 6] = [
    "垃圾堆积",
    "占道经营",
    "井盖破损",
    "路灯不亮",
    "楼道杂物堆放",
    "噪音扰民",
];

/// Residents who report in the history (Telegram ids on no roster), numbered from #2 on.
const HISTORY_RESIDENTS: [i64; 4] = [6_300_001, 6_300_002, 6_300_003, 6_300_004];

/// One order of the history as it is being played: the order as last saved, and its events.
struct Played<'a> {
    store: &'a Store,
    org: &'a Organisation,
    read: StoredOrder,
    history: Vec<Event>,
}

impl Played<'_> {
    /// Saves the change `events` made to `o` at `at`, with the due moments the real path keeps.
    async fn save(
        &mut self,
        o: WhistleOrder,
        events: Vec<Event>,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut history = self.history.clone();
        history.extend(events.iter().cloned());
        let jobs = escalation::jobs_for(self.org, &o, &history);
        let c = Commit {
            events: &events,
            out: &[],
            jobs: Some(&jobs),
            finish_job: None,
            now: at,
        };
        self.store.save_order(&self.read, &o, c).await?;
        self.read = StoredOrder {
            order: o,
            version: self.read.version + 1,
        };
        self.history = history;
        Ok(())
    }

    fn order(&self) -> WhistleOrder {
        self.read.order.clone()
    }

    /// Party `i` reports at `at` (by `by`).
    async fn report(&mut self, i: usize, by: i64, at: DateTime<Utc>) -> anyhow::Result<()> {
        let mut o = self.order();
        if let ReportOutcome::Recorded(e) = o.report(i, TelegramUserId(by), at)? {
            self.save(o, vec![e], at).await?;
        }
        Ok(())
    }
}

/// Seeds November 2026 through storage, as the bot would have saved it: orders in three grids
/// on working days from the 2nd to the 25th, their reports (most on time), escalations to the
/// community and the sub-district (which whistles departments), resolutions, verifications,
/// reopened orders, residents' reports with their answers, a few cancelled. Everything happens
/// before `until`. Returns how many orders it made.
async fn seed_history(w: &Sandbox, until: DateTime<Utc>) -> anyhow::Result<usize> {
    let org = &w.org;
    let store = &w.store;
    let tz = org.timezone;
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let mut residents = Vec::new();
    for id in HISTORY_RESIDENTS {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 1, 2, 0, 0)
            .single()
            .ok_or_else(|| anyhow::anyhow!("bad date"))?;
        let r = store
            .enrol_resident(TelegramUserId(id), ChatId(id), Lang::ZhHans, at)
            .await?;
        residents.push(r.no);
    }
    let mut made = 0;
    for day in 2..=25 {
        let date =
            NaiveDate::from_ymd_opt(2026, 11, day).ok_or_else(|| anyhow::anyhow!("bad date"))?;
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        for _ in 0..3 + dice.below(2) {
            let local = date
                .and_hms_opt(8, 40, 0)
                .ok_or_else(|| anyhow::anyhow!("bad time"))?;
            let at = tz
                .from_local_datetime(&local)
                .single()
                .ok_or_else(|| anyhow::anyhow!("bad local time"))?
                .with_timezone(&Utc)
                + dice.minutes(0, 8 * 60);
            if dice.chance(30) {
                seed_subdistrict_order(w, &mut dice, at).await?;
            } else {
                seed_order(w, &mut dice, &residents, at, until).await?;
            }
            made += 1;
        }
    }
    Ok(made)
}

/// One order of the history, whistled at `at`.
async fn seed_order(
    w: &Sandbox,
    dice: &mut Dice,
    residents: &[ResidentNo],
    at: DateTime<Utc>,
    until: DateTime<Utc>,
) -> anyhow::Result<()> {
    let org = &w.org;
    let grid = &GRIDS[[0, 0, 0, 1, 1, 2, 2][dice.below(7) as usize]];
    let urgent = dice.chance(12);
    let by_resident = dice.chance(30);
    let whistler = if by_resident {
        Who::Resident(residents[dice.below(residents.len() as u64) as usize])
    } else {
        Who::Member(TelegramUserId(grid.leader))
    };
    // One or two of the grid's roles.
    let first = dice.below(4) as usize;
    let mut roles = vec![grid.roles[first]];
    if dice.chance(35) {
        roles.push(grid.roles[(first + 1 + dice.below(3) as usize) % 4]);
    }
    let parties = roles
        .iter()
        .map(|(role, _)| {
            let target = PartyTarget::Role {
                unit: UnitId::checked(grid.id),
                role: RoleId::new(*role),
            };
            let due = plan::report_due(org, &target, Level::Grid, urgent, at, None);
            Party {
                target,
                level: Level::Grid,
                added_at: at,
                ack_due: due,
                report: None,
            }
        })
        .collect();
    let order = WhistleOrder {
        id: w.store.reserve_order_id().await?,
        unit: UnitId::checked(grid.id),
        text: TEXTS[dice.below(TEXTS.len() as u64) as usize].to_owned(),
        location: None,
        urgent,
        state: OrderState::Open,
        level: Level::Grid,
        whistler,
        created_at: at,
        resolve_due: plan::resolve_due(org, Level::Grid, urgent, at, None),
        parties,
        reopen_count: 0,
        place: None,
        photos: Vec::new(),
    };
    let created = vec![Event {
        order: order.id,
        at,
        actor: Some(whistler),
        kind: EventKind::Created,
    }];
    let jobs = escalation::jobs_for(org, &order, &created);
    w.store
        .create_order(NewOrder {
            order: &order,
            events: &created,
            out: &[],
            jobs: &jobs,
        })
        .await?;
    let mut p = Played {
        store: &w.store,
        org,
        read: StoredOrder { order, version: 0 },
        history: created,
    };
    let mut now = at;

    // A mistaken whistle, withdrawn within the hour: it counts nowhere.
    if dice.chance(4) {
        now += dice.minutes(5, 50);
        let mut o = p.order();
        let e = o.cancel(TelegramUserId(grid.leader), "重复".into(), now)?;
        return p.save(o, vec![e], now).await;
    }

    // Reports: most well within the deadline; a late party lets the order rise to the
    // community at its deadline, whose duty officer reports; sometimes it rises on to the
    // sub-district, which whistles one or two departments.
    let mut late = Vec::new();
    let mut last = now;
    for (i, (_, person)) in roles.iter().enumerate() {
        let due = p.read.order.parties[i].ack_due;
        if dice.chance(12) {
            late.push((i, *person, due + dice.minutes(5, 90)));
        } else {
            let t = at + dice.minutes(1, if urgent { 9 } else { 28 });
            let t = t.min(due);
            p.report(i, *person, t).await?;
            last = last.max(t);
        }
    }
    if let Some(due) = late
        .iter()
        .map(|(i, _, _)| p.read.order.parties[*i].ack_due)
        .min()
    {
        let waiting: Vec<PartyTarget> = p
            .read
            .order
            .waiting()
            .map(|(_, x)| x.target.clone())
            .collect();
        let mut o = p.order();
        let events = escalation::escalate(
            org,
            &mut o,
            None,
            EscalationReason::NotReported { parties: waiting },
            due,
        )?;
        p.save(o, events, due).await?;
        let community = p.read.order.parties.len() - 1;
        let officer = if grid.id.starts_with("cuihu") {
            1100
        } else {
            1101
        };
        let rises = dice.chance(45);
        if !rises {
            let t = due + dice.minutes(3, 25);
            p.report(community, officer, t).await?;
            last = last.max(t);
        } else {
            let c_due = p.read.order.parties[community].ack_due;
            let mut o = p.order();
            let waiting = vec![o.parties[community].target.clone()];
            let events = escalation::escalate(
                org,
                &mut o,
                None,
                EscalationReason::NotReported { parties: waiting },
                c_due,
            )?;
            p.save(o, events, c_due).await?;
            // The community's duty officer reports late; the sub-district's whistles departments.
            p.report(community, officer, c_due + dice.minutes(5, 60))
                .await?;
            let t = c_due + dice.minutes(5, 40);
            let first = dice.below(DEPARTMENTS.len() as u64) as usize;
            let mut depts = vec![DEPARTMENTS[first]];
            if dice.chance(40) {
                depts.push(DEPARTMENTS[(first + 1) % DEPARTMENTS.len()]);
            }
            for (dept, liaison) in depts {
                let target = PartyTarget::Department {
                    department: DepartmentId::checked(dept),
                };
                let due = plan::report_due(org, &target, Level::Subdistrict, urgent, t, None);
                let mut o = p.order();
                let events = o.add_parties(vec![(target, due)], Some(TelegramUserId(1200)), t)?;
                p.save(o, events, t).await?;
                let i = p.read.order.parties.len() - 1;
                let r = if dice.chance(25) {
                    due + dice.minutes(5, 120)
                } else {
                    t + dice.minutes(2, 50)
                };
                p.report(i, liaison, r).await?;
                last = last.max(r);
            }
        }
        for (i, person, t) in late {
            p.report(i, person, t).await?;
            last = last.max(t);
        }
    }

    // Resolved: mostly within the deadline, some late; never after the demo begins.
    let resolver = roles[0].1;
    let due = p.read.order.resolve_due;
    let mut resolved = if dice.chance(15) {
        due + dice.minutes(60, 36 * 60)
    } else {
        let span = (due - last).num_minutes().max(20);
        last + dice.minutes(15, span.min(if urgent { 200 } else { 26 * 60 }))
    };
    resolved = resolved.max(last + Duration::minutes(5));
    if resolved > until - Duration::hours(6) {
        resolved = (last + Duration::minutes(30)).min(until - Duration::hours(5));
    }
    let mut o = p.order();
    let e = o.resolve(TelegramUserId(resolver), None, resolved)?;
    p.save(o, vec![e], resolved).await?;

    // Verified by the whistler; a resident answers whether it is solved and how satisfied they
    // are. Now and then it is not solved and is done again.
    let mut t = resolved + dice.minutes(20, 180);
    if dice.chance(10) {
        let mut o = p.order();
        let due = plan::resolve_due(org, o.level, o.urgent, t, None);
        let mut events = Vec::new();
        if let Who::Resident(_) = whistler {
            events.push(Event {
                order: o.id,
                at: t,
                actor: Some(whistler),
                kind: EventKind::Rated {
                    solved: Some(false),
                    satisfaction: None,
                },
            });
        }
        events.push(o.reopen(whistler, "没有解决".into(), due, t)?);
        p.save(o, events, t).await?;
        let again = (t + dice.minutes(60, 10 * 60)).min(until - Duration::hours(3));
        let mut o = p.order();
        let e = o.resolve(TelegramUserId(resolver), None, again)?;
        p.save(o, vec![e], again).await?;
        t = again + dice.minutes(20, 100);
    }
    let t = t.min(until - Duration::hours(1));
    let mut o = p.order();
    let mut events = Vec::new();
    if let Who::Resident(_) = whistler {
        let satisfaction = [
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Basic,
            Satisfaction::Dissatisfied,
        ][dice.below(5) as usize];
        events.push(Event {
            order: o.id,
            at: t,
            actor: Some(whistler),
            kind: EventKind::Rated {
                solved: Some(true),
                satisfaction: Some(satisfaction),
            },
        });
    }
    events.push(o.verify(whistler, t)?);
    p.save(o, events, t).await
}

/// One order the sub-district's duty officer whistled to one or two departments at `at`: they
/// report (a few late), the first resolves it, and the duty officer verifies it.
async fn seed_subdistrict_order(
    w: &Sandbox,
    dice: &mut Dice,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let org = &w.org;
    let urgent = dice.chance(10);
    let first = dice.below(DEPARTMENTS.len() as u64) as usize;
    let mut depts = vec![DEPARTMENTS[first]];
    if dice.chance(40) {
        depts.push(DEPARTMENTS[(first + 2) % DEPARTMENTS.len()]);
    }
    let parties = depts
        .iter()
        .map(|(dept, _)| {
            let target = PartyTarget::Department {
                department: DepartmentId::checked(*dept),
            };
            let due = plan::report_due(org, &target, Level::Subdistrict, urgent, at, None);
            Party {
                target,
                level: Level::Subdistrict,
                added_at: at,
                ack_due: due,
                report: None,
            }
        })
        .collect();
    let officer = Who::Member(TelegramUserId(1200));
    let order = WhistleOrder {
        id: w.store.reserve_order_id().await?,
        unit: UnitId::checked("huashan"),
        text: TEXTS[dice.below(TEXTS.len() as u64) as usize].to_owned(),
        location: None,
        urgent,
        state: OrderState::Open,
        level: Level::Subdistrict,
        whistler: officer,
        created_at: at,
        resolve_due: plan::resolve_due(org, Level::Subdistrict, urgent, at, None),
        parties,
        reopen_count: 0,
        place: None,
        photos: Vec::new(),
    };
    let created = vec![Event {
        order: order.id,
        at,
        actor: Some(officer),
        kind: EventKind::Created,
    }];
    let jobs = escalation::jobs_for(org, &order, &created);
    w.store
        .create_order(NewOrder {
            order: &order,
            events: &created,
            out: &[],
            jobs: &jobs,
        })
        .await?;
    let mut p = Played {
        store: &w.store,
        org,
        read: StoredOrder { order, version: 0 },
        history: created,
    };
    let mut last = at;
    for (i, (_, liaison)) in depts.iter().enumerate() {
        let due = p.read.order.parties[i].ack_due;
        let t = if dice.chance(15) {
            due + dice.minutes(5, 120)
        } else {
            (at + dice.minutes(2, if urgent { 9 } else { 55 })).min(due)
        };
        p.report(i, *liaison, t).await?;
        last = last.max(t);
    }
    let resolved = last + dice.minutes(40, if urgent { 200 } else { 20 * 60 });
    let mut o = p.order();
    let e = o.resolve(TelegramUserId(depts[0].1), None, resolved)?;
    p.save(o, vec![e], resolved).await?;
    let t = resolved + dice.minutes(20, 240);
    let mut o = p.order();
    let e = o.verify(officer, t)?;
    p.save(o, vec![e], t).await
}
