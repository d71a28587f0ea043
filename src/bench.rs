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

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
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
