//! `gridwhistle bench`: measures the real bot end to end against the in-process stand-in on a
//! temporary SQLite database: a burst of whistles (throughput), one whistle or button press at a
//! time (latency), the scheduler escalating many orders at once, an urgent whistle behind a
//! flood of unknown commands under Telegram's pace, and the process's memory.
//! Figures, not pass/fail: the machine decides the absolute numbers, so compare ratios.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};

use crate::domain::OrderId;
use crate::sandbox::Sandbox;
use crate::storage::Priority;
use crate::telegram::sender::{Pacer, Pacing};

const HUASHAN: &str = include_str!("../examples/huashan.toml");
const GRIDS: [(&str, i64); 3] = [("cuihu-1", 1001), ("cuihu-2", 1021), ("yuanxi-1", 1041)];

pub fn rss_kib() -> Option<u64> {
    status_kib("self", "VmRSS:")
}

/// A figure in kiB from `/proc/<pid>/status` (`pid` may be "self"), e.g. `VmRSS:` or `VmHWM:`.
pub fn status_kib(pid: &str, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// The nearest-rank `p` quantile of `sorted` (zero for none).
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// When each of `n` messages queued at once in one group goes out under `pacing` when they go
/// first in, first out, each as soon as the pacer allows (the outbox before priority classes).
pub fn fifo_schedule(pacing: Pacing, n: usize) -> Vec<Duration> {
    let t0 = std::time::Instant::now();
    let mut pacer = Pacer::new(pacing);
    let mut t = t0;
    (0..n)
        .map(|_| {
            t += pacer.wait(-1, Priority::Answer, t);
            pacer.record(-1, t);
            t - t0
        })
        .collect()
}

/// An urgent whistle right after 60 unknown commands, under Telegram's pace, on a fresh world:
/// once from one stranger (the hint is sent once), once from 60 strangers (60 refusals queue).
/// The report, and how many requests the stand-in rejected.
async fn flood(start: chrono::DateTime<Utc>) -> anyhow::Result<(String, usize)> {
    let mut out = String::new();
    let before = fifo_schedule(Pacing::TELEGRAM, 61)[60];
    out.push_str(&format!(
        "flood, before priority classes (first in, first out at Telegram's pace, computed): the urgent card behind 60 refusals goes after {:.0} s\n",
        before.as_secs_f64()
    ));
    let mut violations = 0;
    for (label, strangers) in [("one stranger", 1), ("60 strangers", 60)] {
        let mut w = Sandbox::start_paced(HUASHAN, None, start, Pacing::TELEGRAM).await?;
        let grid = w.chat("cuihu-1");
        for i in 0..60 {
            let user = w.user(5000 + i % strangers);
            let u = w.standin.group_text(&grid, &user, &format!("/x{i}"));
            w.queue(u);
        }
        let t = Instant::now();
        let u = w
            .standin
            .group_text(&grid, &w.user(1001), "吹哨 圆西路12号门口垃圾堆积 紧急");
        w.queue(u);
        let id = grid.id;
        let is_card = |m: &crate::standin::SentMessage| m.text.starts_with("🔔 哨令 #");
        w.standin
            .wait_until(
                |s| s.messages(id).iter().any(is_card),
                Duration::from_secs(120),
            )
            .await;
        let card_after = t.elapsed();
        let mut messages = w.standin.messages(id);
        messages.sort_by_key(|m| m.message_id);
        let before_card = messages.iter().take_while(|m| !is_card(m)).count();
        let refusals = if strangers == 1 {
            // Let everything go out: what the chat gets in all.
            w.settle().await?;
            let all = w.standin.messages(id);
            format!(
                "; the chat got {} messages in all: {} refusal(s) and the card",
                all.len(),
                all.iter().filter(|m| !is_card(m)).count()
            )
        } else {
            // The card's row is marked sent just after the stand-in holds it.
            while w
                .store
                .card_message(OrderId(1), crate::domain::ChatId(id))
                .await?
                .is_none()
            {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            format!(
                "; {} refusals still queued behind it",
                w.store.outbox_counts().await?.0
            )
        };
        out.push_str(&format!(
            "flood, {label}, 60 unknown commands then an urgent whistle at Telegram's pace: the card went {:.2} s after the whistle, after {before_card} refusal(s){refusals}\n",
            card_after.as_secs_f64()
        ));
        violations += w.standin.violations().len();
        w.stop().await;
    }
    Ok((out, violations))
}

/// Runs the benchmarks and returns the report.
pub async fn run(burst: usize, sequential: usize) -> anyhow::Result<String> {
    let mut out = String::new();
    let rss_start = rss_kib();
    // Friday 10:00 in Kunming: deadlines run.
    let start = Utc
        .with_ymd_and_hms(2026, 11, 27, 2, 0, 0)
        .single()
        .expect("valid time");
    let mut w = Sandbox::start(HUASHAN, None, start).await?;

    // 1. Burst: `burst` whistles queued at once, round-robin over three grid chats.
    let t = Instant::now();
    for i in 0..burst {
        let (grid, leader) = GRIDS[i % GRIDS.len()];
        let chat = w.chat(grid);
        let user = w.user(leader);
        let u = w.standin.group_text(
            &chat,
            &user,
            &format!("吹哨 圆西路{i}号门口垃圾堆积，还有流动摊贩"),
        );
        w.queue(u);
    }
    w.settle().await?;
    let burst_time = t.elapsed();
    let messages = w.standin.calls_to("sendMessage").len();
    out.push_str(&format!(
        "burst: {burst} whistles → {burst} orders, {messages} messages in {:.0} ms: {:.0} whistles/s, {:.2} ms each\n",
        ms(burst_time),
        burst as f64 / burst_time.as_secs_f64(),
        ms(burst_time) / burst as f64
    ));

    // 2. Latency of one whistle (update queued → card delivered) and one button press (→ toast).
    let mut whistle = Vec::new();
    let mut press = Vec::new();
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    let wang = w.user(1002);
    for i in 0..sequential {
        // Timed from the update being queued to the stand-in holding the bot's answer (its
        // wake-ups are notifications, not polling), then the world settles untimed.
        let before = w.standin.messages(grid.id).len();
        let t = Instant::now();
        let u = w
            .standin
            .group_text(&grid, &li, &format!("吹哨 垃圾堆积 {i}"));
        w.queue(u);
        let id = grid.id;
        w.standin
            .wait_until(|s| s.messages(id).len() > before, Duration::from_secs(10))
            .await;
        whistle.push(t.elapsed());
        w.settle().await?;
        let card = w.last(&grid).ok_or_else(|| anyhow::anyhow!("no card"))?;
        let toasts = w.standin.toasts().len();
        let t = Instant::now();
        let u = w
            .standin
            .press_button(grid.id, &wang, card.message_id, "报到")
            .ok_or_else(|| anyhow::anyhow!("no button"))?;
        w.queue(u);
        w.standin
            .wait_until(|s| s.toasts().len() > toasts, Duration::from_secs(10))
            .await;
        press.push(t.elapsed());
        w.settle().await?;
    }
    whistle.sort();
    press.sort();
    out.push_str(&format!(
        "whistle → card: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({sequential} runs)\n",
        ms(percentile(&whistle, 0.5)),
        ms(percentile(&whistle, 0.95)),
        ms(percentile(&whistle, 1.0))
    ));
    out.push_str(&format!(
        "report button → toast: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms\n",
        ms(percentile(&press, 0.5)),
        ms(percentile(&press, 0.95)),
        ms(percentile(&press, 1.0))
    ));

    // 3. The scheduler: every order of the burst misses its report deadline at once.
    let t = Instant::now();
    let worked = w.advance(chrono::Duration::minutes(31)).await?;
    let tick = t.elapsed();
    out.push_str(&format!(
        "scheduler: {worked} due jobs (each order's late reminder skipped, its escalation done, cards edited and notices sent) in {:.0} ms: {:.2} ms a job\n",
        ms(tick),
        ms(tick) / worked.max(1) as f64
    ));
    let mut violations = w.standin.violations().len();
    w.stop().await;

    // 4. A flood under Telegram's pace: 60 unknown commands, then an urgent whistle.
    let (report, v) = flood(start).await?;
    out.push_str(&report);
    violations += v;

    if let (Some(a), Some(b)) = (rss_start, rss_kib()) {
        out.push_str(&format!(
            "memory: resident {:.1} MiB at start, {:.1} MiB at the end\n",
            a as f64 / 1024.0,
            b as f64 / 1024.0
        ));
    }
    out.push_str(&format!("requests the stand-in rejected: {violations}\n"));
    Ok(out)
}

/// A small deterministic generator (xorshift64*), so that every run seeds the same history.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in 0..n.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `percent` in 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// One seeded order: whistled at `at` in `grid`, by a member or a resident, summoning the
/// grid's sanitation role and often a department; most reported, many resolved and closed,
/// some escalated, reopened, rated by their resident.
fn seeded_order(
    rng: &mut Rng,
    grid: &crate::domain::UnitId,
    departments: &[crate::domain::DepartmentId],
    at: chrono::DateTime<Utc>,
    now: chrono::DateTime<Utc>,
    resident: i64,
) -> crate::storage::BulkOrder {
    use crate::domain::policy::Level;
    use crate::domain::{
        OrderState, Party, PartyTarget, ReportMark, ResidentNo, RoleId, TelegramUserId,
        WhistleOrder, Who,
    };
    let urgent = rng.chance(10);
    let ack = chrono::Duration::minutes(if urgent { 10 } else { 30 });
    let resolve_due = at + chrono::Duration::hours(if urgent { 4 } else { 48 });
    let mut targets = vec![PartyTarget::Role {
        unit: grid.clone(),
        role: RoleId::new("sanitation"),
    }];
    if !departments.is_empty() && rng.chance(60) {
        let d = &departments[rng.below(departments.len() as u64) as usize];
        targets.push(PartyTarget::Department {
            department: d.clone(),
        });
    }
    let mut parties = Vec::new();
    let mut party_reports = Vec::new();
    for target in targets {
        // 85 % report; a fifth of those late (up to three times the deadline).
        let secs = if rng.chance(85) {
            let late = rng.chance(20);
            let limit = ack.num_seconds() as u64;
            Some(if late {
                limit + 1 + rng.below(2 * limit)
            } else {
                rng.below(limit)
            } as i64)
        } else {
            None
        };
        let report = secs
            .map(|s| at + chrono::Duration::seconds(s))
            .filter(|t| *t <= now);
        party_reports.push(report.and(secs).map(|s| (s, s <= ack.num_seconds())));
        parties.push(Party {
            target,
            level: Level::Grid,
            added_at: at,
            ack_due: at + ack,
            report: report.map(|t| ReportMark {
                by: TelegramUserId(2001),
                at: t,
            }),
        });
    }
    let escalated = rng.chance(12);
    let top_level = if escalated {
        1 + rng.below(2) as i64
    } else {
        0
    };
    let reported = party_reports.iter().any(Option::is_some);
    let resolve_secs = (rng.below(3 * 48 * 3600 / 2)) as i64;
    let resolved_at = at + chrono::Duration::seconds(resolve_secs);
    let resolved = reported && rng.chance(80) && resolved_at <= now;
    let reopened = resolved && rng.chance(6);
    let cancelled = !resolved && rng.chance(3);
    let by_resident = rng.chance(30);
    let state = if cancelled {
        OrderState::Cancelled
    } else if resolved && !reopened && rng.chance(70) {
        OrderState::Closed
    } else if resolved && !reopened {
        OrderState::Resolved
    } else if reported {
        OrderState::Reported
    } else {
        OrderState::Open
    };
    let rating = (by_resident && resolved && rng.chance(70)).then(|| {
        let s = match rng.below(10) {
            0..=5 => "satisfied",
            6..=8 => "basic",
            _ => "dissatisfied",
        };
        (rng.chance(85), s)
    });
    let level = [Level::Grid, Level::Community, Level::Subdistrict][top_level as usize];
    crate::storage::BulkOrder {
        order: WhistleOrder {
            id: crate::domain::OrderId(0),
            unit: grid.clone(),
            text: "圆西路门口垃圾堆积".into(),
            location: None,
            urgent,
            state,
            level,
            whistler: if by_resident {
                Who::Resident(ResidentNo(resident))
            } else {
                Who::Member(TelegramUserId(1001))
            },
            created_at: at,
            resolve_due,
            parties,
            reopen_count: u32::from(reopened),
            place: None,
            photos: Vec::new(),
        },
        top_level,
        first_resolution: resolved.then(|| (resolved_at, resolve_secs, resolved_at <= resolve_due)),
        rating,
        party_reports,
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// `bench --orders N [--years Y]`: seeds `orders` orders spread over the example's grids and the
/// last `years` years in bulk, then times `/stats` for this month in the sub-district (the `figures` calls
/// its handler makes), `/rank`, and `report --month` on that database. A `postgres://` URL must
/// name an empty database; otherwise a temporary SQLite file is used.
pub async fn statistics(orders: usize, years: u32, database_url: &str) -> anyhow::Result<String> {
    use crate::domain::policy::Level;
    use crate::stats::Period;
    let dir = tempfile::tempdir()?;
    let (url, backend) = if database_url.starts_with("postgres") {
        (database_url.to_string(), "PostgreSQL")
    } else {
        (
            format!("sqlite://{}", dir.path().join("bench.db").display()),
            "SQLite",
        )
    };
    let store = crate::storage::Store::connect(&url).await?;
    if store.order(crate::domain::OrderId(1)).await?.is_some() {
        anyhow::bail!(
            "bench --orders needs an empty database: {}",
            crate::cli::redact_url(&url)
        );
    }
    let org = crate::domain::org::parse_org(HUASHAN)?;
    store.import_org(&org, false).await?;
    let org = store.load_org().await?;
    let grids: Vec<_> = org
        .units
        .iter()
        .filter(|u| u.kind == Level::Grid)
        .map(|u| u.id.clone())
        .collect();
    let departments: Vec<_> = org.departments.iter().map(|d| d.id.clone()).collect();
    anyhow::ensure!(!grids.is_empty(), "the example has no grids");
    let now = Utc::now();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = String::new();
    let t = Instant::now();
    // Spread evenly over the last `years` years and stored in the order they were whistled, as
    // a bot stores them (ids and table pages follow time, so a month's rows lie together as they
    // would in use).
    let span = (years.max(1) as f64 * 365.25 * 86_400_000.0) as u64;
    let mut times: Vec<chrono::DateTime<Utc>> = (0..orders)
        .map(|_| now - chrono::Duration::milliseconds(1 + rng.below(span) as i64))
        .collect();
    times.sort_unstable();
    for chunk in times.chunks(5000) {
        let mut batch: Vec<_> = chunk
            .iter()
            .map(|&at| {
                let grid = &grids[rng.below(grids.len() as u64) as usize];
                let resident = 1 + rng.below(5000) as i64;
                seeded_order(&mut rng, grid, &departments, at, now, resident)
            })
            .collect();
        store.insert_bulk(&mut batch).await?;
    }
    // As autovacuum would after a bulk load: a freshly seeded database is planned blind.
    store.analyze().await?;
    let seeding = t.elapsed();
    out.push_str(&format!(
        "statistics on {backend}: {orders} orders over the last {years} years and {} grids seeded in {:.1} s ({:.0} orders/s)\n",
        grids.len(),
        seeding.as_secs_f64(),
        orders as f64 / seeding.as_secs_f64().max(1e-9)
    ));
    let subdistrict = org
        .units
        .iter()
        .find(|u| u.kind == Level::Subdistrict)
        .map(|u| u.id.clone())
        .ok_or_else(|| anyhow::anyhow!("the example has no sub-district"))?;
    let year = now.with_timezone(&org.timezone).format("%Y").to_string();
    let period_of = |text: &str| {
        Period::parse(text, now, org.timezone)
            .ok_or_else(|| anyhow::anyhow!("no period for {text}"))
    };
    let period = period_of("month")?;
    let bound = crate::domain::Scope::Unit(subdistrict.clone());
    const RUNS: usize = 5;
    // /stats in the sub-district's chat: what its handler counts (its figures, its child
    // communities' in one grouped query, the alliance units under two orders this year). This
    // month, last month (a whole one) and this year: the cost follows the period's orders.
    for (name, text) in [
        ("this month", "month".to_string()),
        ("last month", "last-month".to_string()),
        ("this year", format!("{year}-01-01..{year}-12-31")),
    ] {
        let period = period_of(&text)?;
        let mut times = Vec::new();
        let mut whistles = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let f = crate::telegram::stats_view::stats_figures(&store, &org, &bound, &period, now)
                .await?;
            whistles = f.total.whistles;
            times.push(t.elapsed());
        }
        out.push_str(&format!(
            "/stats {name} in the sub-district ({whistles} whistles): median {:.0} ms of {RUNS}\n",
            ms(median(times))
        ));
    }
    // /rank: its departments, alliance units and child communities, each list one grouped query.
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        crate::telegram::stats_view::rank_figures(&store, &org, &subdistrict, &period, now).await?;
        times.push(t.elapsed());
    }
    out.push_str(&format!(
        "/rank this month in the sub-district: median {:.0} ms of {RUNS}\n",
        ms(median(times))
    ));
    // report --month: every unit, department and alliance unit, this month.
    let month = now.with_timezone(&org.timezone).format("%Y-%m").to_string();
    let t = Instant::now();
    let report = crate::cli::report(
        &store,
        &month,
        None,
        crate::cli::ReportFormat::Csv,
        Some(now),
        crate::domain::Lang::ZhHans,
    )
    .await
    .map_err(|e| anyhow::anyhow!(e.message))?;
    out.push_str(&format!(
        "report --month {month} ({} rows): {:.0} ms\n",
        report.lines().count().saturating_sub(1),
        ms(t.elapsed())
    ));
    store.close().await;
    Ok(out)
}
