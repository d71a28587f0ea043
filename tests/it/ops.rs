//! Operations: the real binary in webhook mode against the stand-in (metrics counters match what
//! the test did, JSON logs, SIGTERM stops cleanly with exit 0), and `/healthz` following the
//! database away and back.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use gridwhistle::sandbox::{http, Sandbox};
use gridwhistle::standin::{StandIn, TgChat, TgUser, TOKEN};

const HUASHAN: &str = include_str!("../../examples/huashan.toml");

/// A free loopback port (bound and let go, for the child process to bind).
fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

async fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "waited in vain for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A counter's value in Prometheus text, by name and labels (0 when absent).
fn counter(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => v,
            _ => 0.0,
        })
        .sum()
}

async fn scrape(addr: SocketAddr) -> prometheus_parse::Scrape {
    let (status, body) = http(addr, "GET", "/metrics", &[], b"").await.unwrap();
    assert_eq!(status, 200, "{body}");
    let lines = body.lines().map(|l| Ok(l.to_string()));
    prometheus_parse::Scrape::parse(lines).expect("Prometheus text")
}

struct Bot {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Bot {
    fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn start_binary(standin: &StandIn, listen: SocketAddr, extra: &[&str]) -> Bot {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org.toml");
    std::fs::write(&org, HUASHAN).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_gridwhistle"))
        .arg("run")
        .arg("--org")
        .arg(&org)
        .args(["--listen", &listen.to_string()])
        .args(extra)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("g.db").display()),
        )
        .env("GRIDWHISTLE_LANG", "en")
        .env("GRIDWHISTLE_INSTANCE", "ops-test")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", standin.api_url().as_str())
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Bot { child, _dir: dir }
}

/// A stand-in that knows the example organisation's chats, and the first grid's chat id.
async fn standin_for_huashan() -> (StandIn, i64) {
    let standin = StandIn::start().await;
    let org = gridwhistle::domain::org::parse_org(HUASHAN).unwrap();
    for u in &org.units {
        if let Some(c) = u.chat_id {
            standin.register_chat(&TgChat::new(c.0, &u.name));
        }
    }
    let grid_id = org
        .units
        .iter()
        .find(|u| u.id.as_str() == "cuihu-1")
        .and_then(|u| u.chat_id)
        .unwrap()
        .0;
    (standin, grid_id)
}

/// Waits for the child to exit after SIGTERM (bounded) and returns its exit code.
async fn exit_code_after_sigterm(bot: &mut Bot) -> Option<i32> {
    bot.sigterm();
    let start = Instant::now();
    loop {
        if let Some(st) = bot.child.try_wait().unwrap() {
            return st.code();
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "still running after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn in_polling_mode_listen_serves_healthz_and_metrics_and_the_poller_counts_updates() {
    let (standin, grid_id) = standin_for_huashan().await;
    let grid = TgChat::new(grid_id, "grid");
    let listen = free_addr();
    let mut bot = start_binary(&standin, listen, &[]);
    let leader = TgUser::new(1001, "李明");
    standin.push_update(standin.group_text(&grid, &leader, "吹哨 圆西路12号垃圾堆积 @环卫"));
    wait_for("the card", || !standin.messages(grid_id).is_empty()).await;
    assert!(standin.webhook().is_none(), "polling sets no webhook");
    let (status, body) = http(listen, "GET", "/healthz", &[], b"").await.unwrap();
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    let s = scrape(listen).await;
    let received = "gridwhistle_updates_received_total";
    assert_eq!(counter(&s, received, &[("kind", "message")]), 1.0);
    // No webhook route in polling mode.
    let (status, _) = http(listen, "POST", "/tg/hook", &[], b"{}").await.unwrap();
    assert_eq!(status, 404);
    assert_eq!(exit_code_after_sigterm(&mut bot).await, Some(0));
    standin.shutdown();
}

#[tokio::test]
async fn the_binary_in_webhook_mode_counts_what_it_did_logs_json_and_stops_on_sigterm() {
    let (standin, grid_id) = standin_for_huashan().await;
    let grid = TgChat::new(grid_id, "grid");
    let listen = free_addr();
    let url = format!("http://{listen}/tg/hook");
    let mut bot = start_binary(
        &standin,
        listen,
        &["--webhook", &url, "--log-format", "json"],
    );
    wait_for("setWebhook", || standin.webhook().is_some()).await;
    assert_eq!(standin.webhook().unwrap().url, url);
    let (status, body) = http(listen, "GET", "/healthz", &[], b"").await.unwrap();
    assert_eq!((status, body.as_str()), (200, "ok\n"));

    let leader = TgUser::new(1001, "李明");
    let wang = TgUser::new(1002, "王芳");
    standin.push_update(standin.group_text(&grid, &leader, "吹哨 圆西路12号垃圾堆积 @环卫"));
    wait_for("the card", || !standin.messages(grid_id).is_empty()).await;
    let card = standin.messages(grid_id)[0].clone();
    let press = standin
        .press_button(grid_id, &wang, card.message_id, "报到")
        .unwrap();
    standin.push_update(press);
    wait_for("the toast", || !standin.toasts().is_empty()).await;
    wait_for("the card edit", || {
        standin
            .message(grid_id, card.message_id)
            .is_some_and(|m| m.edit_count == 1)
    })
    .await;

    let s = scrape(listen).await;
    let received = "gridwhistle_updates_received_total";
    let processed = "gridwhistle_updates_processed_total";
    assert_eq!(counter(&s, received, &[("kind", "message")]), 1.0);
    assert_eq!(counter(&s, received, &[("kind", "callback_query")]), 1.0);
    assert_eq!(counter(&s, processed, &[("kind", "message")]), 1.0);
    assert_eq!(counter(&s, processed, &[("kind", "callback_query")]), 1.0);
    assert_eq!(
        counter(&s, "gridwhistle_updates_out_of_order_total", &[]),
        0.0
    );
    // The card went out and was edited once: two sends that Telegram took.
    let sends_ok = counter(&s, "gridwhistle_sends_total", &[("result", "ok")]);
    assert!(sends_ok >= 2.0, "sends ok: {sends_ok}");
    assert_eq!(
        counter(&s, "gridwhistle_sends_total", &[("result", "failed")]),
        0.0
    );
    assert_eq!(
        counter(
            &s,
            "gridwhistle_orders",
            &[("state", "reported"), ("level", "grid")]
        ),
        1.0,
        "one order at the grid, its one party reported"
    );
    assert_eq!(counter(&s, "gridwhistle_orders", &[]), 1.0, "and no other");
    assert_eq!(
        counter(&s, "gridwhistle_outbox_depth", &[("priority", "0")]),
        0.0
    );
    assert!(
        s.samples
            .iter()
            .any(|x| x.metric == "gridwhistle_update_processing_seconds_count"),
        "the latency histogram is there"
    );

    assert_eq!(
        exit_code_after_sigterm(&mut bot).await,
        Some(0),
        "a clean stop"
    );
    let mut err = String::new();
    use std::io::Read;
    bot.child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let json_lines: Vec<serde_json::Value> = err
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("a JSON log line"))
        .collect();
    assert!(
        json_lines.iter().any(|l| l["fields"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("stopping"))),
        "{err}"
    );
    assert!(!err.contains(TOKEN), "the token leaked:\n{err}");
    standin.shutdown();
}

#[test]
fn a_bad_webhook_url_or_secret_or_no_listen_is_one_localized_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gridwhistle"));
        c.arg("run")
            .args(args)
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.path().join("g.db").display()),
            )
            .env("GRIDWHISTLE_LANG", "en")
            .env("TELOXIDE_TOKEN", "123456:SUPERSECRET")
            .env_remove("TELOXIDE_API_URL")
            .env_remove("GRIDWHISTLE_WEBHOOK_SECRET");
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let (code, err) = run(
        &[
            "--webhook",
            "http://bot.example.org/tg",
            "--listen",
            "127.0.0.1:0",
        ],
        &[],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("The webhook URL http://bot.example.org/tg cannot be used"),
        "{err}"
    );
    let (code, err) = run(
        &[
            "--webhook",
            "https://bot.example.org:8080/tg",
            "--listen",
            "127.0.0.1:0",
        ],
        &[],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("port 443, 80, 88 or 8443"), "{err}");
    let (code, err) = run(&["--webhook", "https://bot.example.org/tg"], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--webhook needs --listen"), "{err}");
    let (code, err) = run(
        &[
            "--webhook",
            "https://bot.example.org/tg",
            "--listen",
            "127.0.0.1:0",
        ],
        &[("GRIDWHISTLE_WEBHOOK_SECRET", "has spaces")],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("GRIDWHISTLE_WEBHOOK_SECRET must be 1 to 256"),
        "{err}"
    );
    assert!(
        !err.contains("has spaces"),
        "the secret is not echoed: {err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[tokio::test]
async fn healthz_turns_503_when_the_database_goes_away_and_200_when_it_returns() {
    let Some(db) = crate::support::postgres("healthz_follows_the_database").await else {
        return;
    };
    db.store.close().await;
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 6, 2, 0).unwrap();
    let w = Sandbox::start_webhook(HUASHAN, Some(db.url.clone()), now)
        .await
        .unwrap();
    let addr = w.webhook().unwrap().addr;
    let health = || async { http(addr, "GET", "/healthz", &[], b"").await.unwrap() };
    assert_eq!(health().await, (200, "ok\n".to_string()));

    let base = std::env::var("TEST_DATABASE_URL").unwrap();
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
        .await
        .unwrap();
    let name = url::Url::parse(&db.url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_string();
    let away = format!("{name}_away");
    // The database is taken away: its connections ended and its name gone. The pool may
    // reconnect between the two, so try until the rename holds.
    let start = Instant::now();
    loop {
        sqlx::query(&format!(
            "SELECT CAST(COUNT(pg_terminate_backend(pid)) AS BIGINT) AS n FROM pg_stat_activity WHERE datname = '{name}'"
        ))
        .execute(&mut admin)
        .await
        .unwrap();
        if sqlx::query(&format!("ALTER DATABASE {name} RENAME TO {away}"))
            .execute(&mut admin)
            .await
            .is_ok()
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "could not take the database away"
        );
    }
    let (status, why) = health().await;
    assert_eq!(status, 503, "{why}");
    assert!(why.starts_with("database unreachable"), "{why}");

    sqlx::query(&format!("ALTER DATABASE {away} RENAME TO {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let start = Instant::now();
    loop {
        let (status, body) = health().await;
        if status == 200 {
            assert_eq!(body, "ok\n");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "still {status}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    w.stop().await;
}
