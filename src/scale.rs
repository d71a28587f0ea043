//! Organisations of any size, generated, for the concurrency tests and `bench --grids N`: one
//! district, sub-districts of ten communities, communities of ten grids, every unit with its
//! chat, every grid with a leader and two duty-role holders, and the departments of the example.

use std::fmt::Write;

/// The chat id of grid number `g` (0-based) in a generated organisation.
pub fn grid_chat(g: usize) -> i64 {
    -1002000000000 - g as i64
}

/// The Telegram id of grid `g`'s leader; `+1` and `+2` hold sanitation and community police.
pub fn grid_leader(g: usize) -> i64 {
    10_000_000 + 10 * g as i64
}

/// The id of grid `g`.
pub fn grid_id(g: usize) -> String {
    format!("g{g}")
}

/// An organisation file with `grids` grids.
pub fn generated_org(grids: usize) -> String {
    let communities = grids.div_ceil(10).max(1);
    let subdistricts = communities.div_ceil(10).max(1);
    let mut t = String::from(
        "timezone = \"Asia/Shanghai\"\ndefault_locale = \"zh-Hans\"\n\n\
         [[admin]]\ntelegram_id = 1\nname = \"管理员\"\n\n\
         [[unit]]\nid = \"district\"\nkind = \"district\"\nname = \"测试区\"\nchat_id = -1002100000000\n\n",
    );
    for s in 0..subdistricts {
        let _ = write!(
            t,
            "[[unit]]\nid = \"s{s}\"\nkind = \"subdistrict\"\nparent = \"district\"\nname = \"第{s}街道\"\nchat_id = {}\n\n",
            -1002200000000 - s as i64
        );
    }
    for c in 0..communities {
        let _ = write!(
            t,
            "[[unit]]\nid = \"c{c}\"\nkind = \"community\"\nparent = \"s{}\"\nname = \"第{c}社区\"\nchat_id = {}\n\n",
            c / 10,
            -1002300000000 - c as i64
        );
    }
    for g in 0..grids {
        let _ = write!(
            t,
            "[[unit]]\nid = \"{}\"\nkind = \"grid\"\nparent = \"c{}\"\nname = \"第{g}网格\"\nchat_id = {}\n\n",
            grid_id(g),
            g / 10,
            grid_chat(g)
        );
    }
    t.push_str(
        "[[department]]\nid = \"urban\"\nname = \"城管中队\"\naliases = [\"城管\"]\nchat_id = -1002400000000\nhandles = [\"占道经营\", \"流动摊贩\"]\n\n",
    );
    for g in 0..grids {
        for (k, role) in ["grid_leader", "sanitation", "community_police"]
            .iter()
            .enumerate()
        {
            let _ = write!(
                t,
                "[[member]]\ntelegram_id = {}\nname = \"网格{g}成员{k}\"\nunit = \"{}\"\nroles = [\"{role}\"]\n\n",
                grid_leader(g) + k as i64,
                grid_id(g)
            );
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_organisation_is_valid_and_as_large_as_asked() {
        let org = crate::domain::org::parse_org(&generated_org(123)).expect("valid");
        let grids = org
            .units
            .iter()
            .filter(|u| u.kind == crate::domain::org::UnitKind::Grid)
            .count();
        assert_eq!(grids, 123);
        assert_eq!(org.units.len(), 1 + 2 + 13 + 123);
        assert!(org.units.iter().all(|u| u.chat_id.is_some()));
    }
}

/// `bench --orders N --grids G`: the scale figures (issue 11), for an empty database and one
/// holding `orders` closed orders of history, side by side; see `bench::scale`.
pub mod bench {
    use std::time::{Duration, Instant};

    use anyhow::Context;
    use chrono::Utc;

    use super::{generated_org, grid_chat, grid_id, grid_leader};
    use crate::domain::policy::Level;
    use crate::domain::{
        ChatId, OrderId, OrderState, Party, PartyTarget, ReportMark, RoleId, TelegramUserId,
        UnitId, WhistleOrder, Who,
    };
    use crate::sandbox::Sandbox;
    use crate::storage::{BulkOrder, Store, Trace};

    /// One column of the results.
    #[derive(Debug, Default)]
    struct Column {
        list: Vec<Duration>,
        show: Vec<Duration>,
        whistle: Vec<Duration>,
        report: Vec<Duration>,
        sweep: (usize, Duration),
        chatter: f64,
        neighbour: Duration,
        rss_mib: f64,
        /// The first whistle, 报到, `/list` and `/show` after the bot started.
        cold: [Duration; 4],
        db_bytes: i64,
        plans: Vec<(String, String)>,
    }

    /// The `p` quantile of `v` in milliseconds.
    fn pct(v: &[Duration], p: f64) -> f64 {
        let mut v = v.to_vec();
        v.sort();
        crate::bench::ms(crate::bench::percentile(&v, p))
    }

    /// Seeds `orders` closed orders over the grids, in batches through the storage layer.
    async fn seed(store: &Store, orders: usize, grids: usize) -> anyhow::Result<()> {
        let start = Utc::now() - chrono::Duration::days(3 * 365);
        let step = (3 * 365 * 86_400_000_i64) / orders.max(1) as i64;
        let mut done = 0;
        while done < orders {
            let n = (orders - done).min(5000);
            let mut batch: Vec<BulkOrder> = (done..done + n)
                .map(|i| {
                    let g = i % grids;
                    let at = start + chrono::Duration::milliseconds(step * i as i64);
                    let unit = UnitId::checked(grid_id(g));
                    BulkOrder {
                        order: WhistleOrder {
                            id: OrderId(0),
                            unit: unit.clone(),
                            text: "圆西路门口垃圾堆积".into(),
                            location: None,
                            urgent: false,
                            state: OrderState::Closed,
                            level: Level::Grid,
                            whistler: Who::Member(TelegramUserId(grid_leader(g))),
                            created_at: at,
                            resolve_due: at + chrono::Duration::hours(24),
                            parties: vec![Party {
                                target: PartyTarget::Role {
                                    unit,
                                    role: RoleId::new("sanitation"),
                                },
                                level: Level::Grid,
                                added_at: at,
                                ack_due: at + chrono::Duration::minutes(30),
                                report: Some(ReportMark {
                                    by: TelegramUserId(grid_leader(g) + 1),
                                    at: at + chrono::Duration::minutes(5),
                                }),
                            }],
                            reopen_count: 0,
                            place: None,
                            photos: Vec::new(),
                        },
                        top_level: 0,
                        first_resolution: Some((at + chrono::Duration::hours(2), 7200, true)),
                        rating: None,
                        party_reports: vec![Some((300, true))],
                    }
                })
                .collect();
            store.insert_bulk(&mut batch).await?;
            let traces: Vec<Trace> = batch
                .iter()
                .enumerate()
                .map(|(k, b)| Trace {
                    order: b.order.id,
                    chat: ChatId(grid_chat((done + k) % grids)),
                    at: b.order.created_at,
                    message_id: b.order.id.0,
                })
                .collect();
            store.insert_history(&traces).await?;
            done += n;
        }
        Ok(())
    }

    /// Waits until a bot message in `chat` passes `found`, up to a minute.
    async fn wait_for(w: &Sandbox, chat: i64, found: impl Fn(&str) -> bool) -> anyhow::Result<()> {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(60) {
            if w.standin.messages(chat).iter().any(|m| found(&m.text)) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        anyhow::bail!("no such message in chat {chat} within a minute")
    }

    async fn timed(w: &mut Sandbox, update: serde_json::Value) -> anyhow::Result<Duration> {
        let t = Instant::now();
        w.push(update).await?;
        Ok(t.elapsed())
    }

    /// Runs the measurements on a world over `url` (already seeded or empty).
    async fn measure(url: &str, grids: usize, samples: usize) -> anyhow::Result<Column> {
        let org = generated_org(grids);
        let now = Utc::now();
        let mut w = Sandbox::start(&org, Some(url.to_string()), now).await?;
        let mut c = Column::default();
        // One round more than sampled: the first, on a bot just started (its pool connecting,
        // its patterns compiling), is reported apart as the cold start.
        for i in 0..=samples {
            let g = (i * 7919) % grids;
            let chat = w.chat(&grid_id(g));
            let (boss, member) = (w.user(grid_leader(g)), w.user(grid_leader(g) + 1));
            let u = w
                .standin
                .group_text(&chat, &boss, "吹哨 路灯不亮 @网格成员");
            c.whistle.push(timed(&mut w, u).await?);
            let card = w.last(&chat).context("the whistle's card")?.message_id;
            let u = w
                .standin
                .press_button(chat.id, &member, card, "报到")
                .context("the report button")?;
            c.report.push(timed(&mut w, u).await?);
            let u = w.standin.group_text(&chat, &boss, "/list");
            c.list.push(timed(&mut w, u).await?);
            let old = 1 + (i as i64 * 104_729) % 1000;
            let u = w.standin.group_text(&chat, &boss, &format!("/show {old}"));
            c.show.push(timed(&mut w, u).await?);
            if i == 0 {
                c.cold = [&mut c.whistle, &mut c.report, &mut c.list, &mut c.show]
                    .map(|v| v.pop().unwrap_or_default());
            }
        }
        // A sweep: a thousand whistles, then their report deadlines pass at once.
        for i in 0..1000 {
            let g = i % grids;
            let chat = w.chat(&grid_id(g));
            let boss = w.user(grid_leader(g));
            let u = w
                .standin
                .group_text(&chat, &boss, &format!("吹哨 第{i}处 井盖缺失"));
            w.queue(u);
        }
        w.settle().await?;
        let t = Instant::now();
        let worked = w.advance(chrono::Duration::minutes(31)).await?;
        c.sweep = (worked, t.elapsed());
        // Plain chatter: members talking, nothing for the bot to do.
        let n = 2000;
        let t = Instant::now();
        for i in 0..n {
            let g = (i * 31) % grids;
            let chat = w.chat(&grid_id(g));
            let member = w.user(grid_leader(g) + 2);
            let u = w.standin.group_text(&chat, &member, "收到，我这就过去看看");
            w.queue(u);
        }
        w.settle().await?;
        c.chatter = n as f64 / t.elapsed().as_secs_f64().max(1e-9);
        // A slow neighbour: 100 /list in one chat, then a whistle in another.
        let busy = w.chat(&grid_id(0));
        let other = w.chat(&grid_id(1 % grids));
        let (boss0, boss1) = (w.user(grid_leader(0)), w.user(grid_leader(1 % grids)));
        for _ in 0..100 {
            let u = w.standin.group_text(&busy, &boss0, "/list");
            w.queue(u);
        }
        let t = Instant::now();
        let u = w
            .standin
            .group_text(&other, &boss1, "吹哨 邻居群很忙 消防通道堵塞");
        w.queue(u);
        wait_for(&w, other.id, |t| t.contains("消防通道堵塞")).await?;
        c.neighbour = t.elapsed();
        w.settle().await?;
        c.rss_mib = crate::bench::rss_kib().unwrap_or(0) as f64 / 1024.0;
        c.db_bytes = w.store.database_bytes().await.unwrap_or(-1);
        c.plans = w.store.explain_hot_queries().await?;
        w.stop().await;
        Ok(c)
    }

    /// Waits up to five minutes for `done`.
    async fn until(what: &str, done: impl Fn() -> bool) -> anyhow::Result<()> {
        let t = Instant::now();
        while !done() {
            if t.elapsed() > Duration::from_secs(300) {
                anyhow::bail!("the bot process: no {what} within five minutes");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(())
    }

    /// The bot as deployed, in a process of its own: `gridwhistle run` on `url` against a
    /// stand-in on loopback, given `samples` whistles with their 报到, `/list` and `/show`, then
    /// 2,000 lines of chatter; its resident set (now, and at its peak) once all is answered, in
    /// MiB. The bench's own RSS holds the stand-in, the seeding and the in-process worlds too.
    /// When not every chat was answered in time, the RSS is still read, with the shortfall.
    async fn process_rss(
        url: &str,
        grids: usize,
        samples: usize,
    ) -> anyhow::Result<(f64, f64, Option<String>)> {
        use crate::standin::{StandIn, TgChat, TgUser, TOKEN};
        let standin = StandIn::start().await;
        let dir = tempfile::tempdir()?;
        let org_file = dir.path().join("org.toml");
        std::fs::write(&org_file, generated_org(grids))?;
        let mut bot = std::process::Command::new(std::env::current_exe()?)
            .arg("run")
            .arg("--org")
            .arg(&org_file)
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", standin.api_url().as_str())
            .env("DATABASE_URL", url)
            // Its own name in the chat leases: never "the same holder" as another bot on the
            // database (an earlier bench's orphaned child took its chats as its own).
            .env(
                "GRIDWHISTLE_INSTANCE",
                format!("bench-process-{}", std::process::id()),
            )
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("bot.log"))?)
            .spawn()
            .context("start gridwhistle run")?;
        let result: anyhow::Result<(f64, f64, Option<String>)> = async {
            let card = |chat: i64| {
                standin
                    .messages(chat)
                    .iter()
                    .rev()
                    .find(|m| m.text.starts_with("🔔"))
                    .map(|m| m.message_id)
            };
            let mut chats = Vec::new();
            for i in 0..samples {
                let g = (i * 7919) % grids;
                let chat = TgChat::new(grid_chat(g), &format!("第{g}网格"));
                let boss = TgUser::new(grid_leader(g), "网格长");
                let member = TgUser::new(grid_leader(g) + 1, "保洁员");
                let mut whistle = standin.group_text(&chat, &boss, "吹哨 路灯不亮 @网格成员");
                if i == 0 {
                    // Past every update id the database has seen (its offset), as Telegram's
                    // ids only grow; later ones follow on.
                    whistle["update_id"] = serde_json::Value::from(1_000_000_000_i64);
                }
                standin.push_update(whistle);
                until("card", || card(chat.id).is_some()).await?;
                let card = card(chat.id).context("the whistle's card")?;
                let press = standin
                    .press_button(chat.id, &member, card, "报到")
                    .context("the report button")?;
                standin.push_update(press);
                standin.push_update(standin.group_text(&chat, &boss, "/list"));
                let old = 1 + (i as i64 * 104_729) % 1000;
                standin.push_update(standin.group_text(&chat, &boss, &format!("/show {old}")));
                chats.push(chat.id);
            }
            for i in 0..2000 {
                let g = (i * 31) % grids;
                let chat = TgChat::new(grid_chat(g), &format!("第{g}网格"));
                let member = TgUser::new(grid_leader(g) + 2, "社区民警");
                standin.push_update(standin.group_text(&chat, &member, "收到，我这就过去看看"));
            }
            // Every sampled chat has its card, its list and its order; the chatter is read.
            let answered = || {
                chats
                    .iter()
                    .filter(|c| standin.messages(**c).len() >= 3)
                    .count()
            };
            let shortfall = until("answers", || {
                answered() == chats.len() && standin.pending_updates().is_empty()
            })
            .await
            .err()
            .map(|_| {
                format!(
                    "{} of {} chats answered within five minutes, {} updates not fetched",
                    answered(),
                    chats.len(),
                    standin.pending_updates().len()
                )
            });
            tokio::time::sleep(Duration::from_secs(1)).await;
            let pid = bot.id().to_string();
            let mib = |key| crate::bench::status_kib(&pid, key).unwrap_or(0) as f64 / 1024.0;
            Ok((mib("VmRSS:"), mib("VmHWM:"), shortfall))
        }
        .await;
        let _ = bot.kill();
        let _ = bot.wait();
        standin.shutdown();
        result.with_context(|| {
            let log = std::fs::read_to_string(dir.path().join("bot.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            format!(
                "the bot's last words:\n{}",
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            )
        })
    }

    /// The benchmark's databases (files, or PostgreSQL databases dropped when it is done).
    const DB_EMPTY: &str = "gw_bench_empty";
    const DB_PROCESS: &str = "gw_bench_process";
    const DB_SMALL: &str = "gw_bench_small";
    const DB_FULL: &str = "gw_bench_full";

    /// A fresh database for one column: a temporary SQLite file, or a new PostgreSQL database
    /// on the server of `database_url`.
    async fn fresh(
        database_url: &str,
        name: &str,
        dir: &std::path::Path,
    ) -> anyhow::Result<String> {
        if database_url.starts_with("postgres") {
            let url = crate::storage::fresh_postgres_database(database_url, name).await?;
            Ok(url)
        } else {
            Ok(format!(
                "sqlite://{}",
                dir.join(format!("{name}.db")).display()
            ))
        }
    }

    /// The scale benchmark: see the module's note. `samples` operations of each kind.
    pub async fn run(
        orders: usize,
        grids: usize,
        database_url: &str,
        samples: usize,
    ) -> anyhow::Result<String> {
        let grids = grids.max(2);
        let dir = tempfile::tempdir()?;
        let backend = if database_url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        let empty_url = fresh(database_url, DB_EMPTY, dir.path()).await?;
        let empty = measure(&empty_url, grids, samples).await?;
        let process_url = fresh(database_url, DB_PROCESS, dir.path()).await?;
        let empty_process = process_rss(&process_url, grids, samples).await?;
        let small_url = fresh(database_url, DB_SMALL, dir.path()).await?;
        let small = measure(&small_url, 50, samples.min(10)).await?;
        let full_url = fresh(database_url, DB_FULL, dir.path()).await?;
        let t = Instant::now();
        {
            let store = Store::connect(&full_url).await?;
            let org = crate::domain::org::parse_org(&generated_org(grids))
                .map_err(|e| anyhow::anyhow!("organisation: {e}"))?;
            store.import_org(&org, false).await?;
            seed(&store, orders, grids).await?;
            store.analyze().await?;
            store.close().await;
        }
        let seeding = t.elapsed();
        let full = measure(&full_url, grids, samples).await?;
        let full_process = process_rss(&full_url, grids, samples).await?;
        let mut out = format!(
            "scale on {backend}: {grids} grids; {orders} closed orders of history seeded in {:.1} s \
             (each with its party, two events, a card, a sent message and a done job)\n\n\
             | | empty database | {orders} orders | ratio |\n|---|---|---|---|\n",
            seeding.as_secs_f64()
        );
        let row = |name: &str, a: f64, b: f64, unit: &str| {
            format!(
                "| {name} | {a:.1} {unit} | {b:.1} {unit} | {:.2}× |\n",
                b / a.max(1e-9)
            )
        };
        type Samples = fn(&Column) -> &[Duration];
        let sampled: [(&str, Samples); 4] = [
            ("/list", |c| &c.list),
            ("/show", |c| &c.show),
            ("whistle → card", |c| &c.whistle),
            ("report → toast", |c| &c.report),
        ];
        for (name, samples) in sampled {
            for (q, p) in [("p50", 0.5), ("p99", 0.99)] {
                let (a, b) = (pct(samples(&empty), p), pct(samples(&full), p));
                out.push_str(&row(&format!("{name} {q}"), a, b, "ms"));
            }
        }
        let cold = |c: &Column| c.cold.iter().map(Duration::as_secs_f64).sum::<f64>() * 1000.0;
        out.push_str(&row(
            "cold start: the first whistle, 报到, /list and /show together (not sampled)",
            cold(&empty),
            cold(&full),
            "ms",
        ));
        out.push_str(&row(
            &format!("sweep of due jobs ({} / {})", empty.sweep.0, full.sweep.0),
            empty.sweep.1.as_secs_f64() * 1000.0,
            full.sweep.1.as_secs_f64() * 1000.0,
            "ms",
        ));
        out.push_str(&row(
            "whistle → card beside 100 /list in another chat",
            empty.neighbour.as_secs_f64() * 1000.0,
            full.neighbour.as_secs_f64() * 1000.0,
            "ms",
        ));
        out.push_str(&row(
            "plain chatter",
            empty.chatter,
            full.chatter,
            "updates/s",
        ));
        out.push_str(&row(
            "bot RSS, `gridwhistle run` in its own process, after the workload",
            empty_process.0,
            full_process.0,
            "MiB",
        ));
        out.push_str(&row(
            "bot peak RSS (VmHWM), its own process",
            empty_process.1,
            full_process.1,
            "MiB",
        ));
        for (column, p) in [("empty", &empty_process), ("full", &full_process)] {
            if let Some(short) = &p.2 {
                out.push_str(&format!("| the bot process ({column}): {short} | | | |\n"));
            }
        }
        out.push_str(&row(
            "this bench process's RSS (bot, stand-in and seeding together)",
            empty.rss_mib,
            full.rss_mib,
            "MiB",
        ));
        out.push_str(&row(
            "database size",
            empty.db_bytes as f64 / 1048576.0,
            full.db_bytes as f64 / 1048576.0,
            "MiB",
        ));
        out.push_str(&format!(
            "\nplain chatter with 50 grids (empty database): {:.0} updates/s; with {grids}: {:.0} ({:.0} %)\n",
            small.chatter,
            empty.chatter,
            100.0 * empty.chatter / small.chatter.max(1e-9)
        ));
        out.push_str(&format!("\nquery plans on the {orders}-order database:\n"));
        for (name, plan) in &full.plans {
            out.push_str(&format!("\n{name}:\n{plan}\n"));
        }
        if database_url.starts_with("postgres") {
            for name in [DB_EMPTY, DB_PROCESS, DB_SMALL, DB_FULL] {
                crate::storage::drop_postgres_database(database_url, name).await?;
            }
        }
        Ok(out)
    }
}
