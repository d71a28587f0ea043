//! The command line as an operator uses it: import, show, broken files, missing token.

use std::path::Path;
use std::process::{Command, Output};

const HUASHAN: &str = include_str!("../../examples/huashan.toml");

fn gridwhistle(db: &Path, args: &[&str]) -> Output {
    command_at(&format!("sqlite://{}", db.display()), args)
        .output()
        .expect("run gridwhistle")
}

/// The command on database `url`, its output in English, no token and no log settings.
fn command_at(url: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gridwhistle"));
    c.args(args)
        .env("DATABASE_URL", url)
        .env("GRIDWHISTLE_LANG", "en")
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("RUST_LOG");
    c
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn import_then_show_prints_the_tree_and_a_second_import_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/huashan.toml");
    let first = gridwhistle(&db, &["org", "import", example]);
    assert!(first.status.success(), "{:?}", text(&first));
    assert!(
        text(&first).0.starts_with("Imported: "),
        "{:?}",
        text(&first)
    );
    let second = gridwhistle(&db, &["org", "import", example]);
    assert!(
        text(&second).0.starts_with("No change"),
        "{:?}",
        text(&second)
    );
    let show = gridwhistle(&db, &["org", "show"]);
    let out = text(&show).0;
    assert!(show.status.success());
    for line in [
        "五华区 (wuhua) · district",
        "└─ 华山街道 (huashan) · sub-district",
        "   ├─ 翠湖社区 (cuihu) · community",
        "   │  ├─ 翠湖社区第一网格 (cuihu-1) · grid · chat -1001000000300",
        "sanitation worker: 王芳 @wangfang, 赵桂英",
        "community police officer: 张伟 @zhangwei_police",
        "城管中队 (urban) · chat -1001000000900",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn five_kinds_of_broken_file_each_get_their_error_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let good = dir.path().join("good.toml");
    std::fs::write(&good, HUASHAN).unwrap();
    assert!(gridwhistle(&db, &["org", "import", good.to_str().unwrap()])
        .status
        .success());
    let before = text(&gridwhistle(&db, &["org", "show"])).0;
    let cases = [
        (
            "parent = \"cuihu\"",
            "parent = \"cuihuu\"",
            "the parent cuihuu of cuihu-1 does not exist",
        ),
        (
            "roles = [\"sanitation\"]",
            "roles = [\"cook\"]",
            "unknown role cook",
        ),
        (
            "id = \"cuihu-2\"",
            "id = \"cuihu-1\"",
            "duplicate unit id: cuihu-1",
        ),
        (
            "kind = \"district\"\n",
            "kind = \"district\"\nparent = \"cuihu-1\"\n",
            "the units form a cycle: wuhua → cuihu-1 → cuihu → huashan → wuhua",
        ),
        (
            "ack_within = \"10m\"",
            "ack_within = \"10 minutes\"",
            "bad duration 10 minutes",
        ),
    ];
    for (from, to, expected) in cases {
        let broken = dir.path().join("broken.toml");
        let changed = HUASHAN.replacen(from, to, 1);
        assert_ne!(changed, HUASHAN, "{from} not in the example");
        std::fs::write(&broken, &changed).unwrap();
        let line = changed
            .lines()
            .position(|l| {
                l.contains(to.lines().last().unwrap()) || l.contains(to.lines().next().unwrap())
            })
            .unwrap()
            + 1;
        let o = gridwhistle(&db, &["org", "import", broken.to_str().unwrap()]);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{expected}: {err}");
        assert!(err.contains(expected), "expected {expected:?}, got {err:?}");
        assert!(err.starts_with(&format!("{}:", broken.display())), "{err}");
        assert!(
            err.contains(&format!(":{line}:"))
                || expected.contains("cycle")
                || expected.contains("duplicate"),
            "line {line} not in {err}"
        );
        assert_eq!(
            text(&gridwhistle(&db, &["org", "show"])).0,
            before,
            "a broken file changed the database"
        );
    }
}

#[test]
fn run_without_a_token_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = gridwhistle(&dir.path().join("g.db"), &["run"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o).1.trim(),
        "No bot token: set the environment variable TELOXIDE_TOKEN."
    );
}

#[test]
fn an_unreachable_database_is_one_line_and_exit_2() {
    let o = command_at(
        "postgres://nobody:secret@127.0.0.1:1/none",
        &["org", "show"],
    )
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("Cannot open the database"), "{err}");
    assert!(!err.contains("secret"), "the password leaked: {err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn prune_lists_first_and_removes_only_with_yes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let full = dir.path().join("full.toml");
    std::fs::write(&full, HUASHAN).unwrap();
    gridwhistle(&db, &["org", "import", full.to_str().unwrap()]);
    let smaller = dir.path().join("smaller.toml");
    std::fs::write(
        &smaller,
        HUASHAN.replace("id = \"yunda-1\"", "id = \"yunda-2\""),
    )
    .unwrap();
    let ask = text(&gridwhistle(
        &db,
        &["org", "import", "--prune", smaller.to_str().unwrap()],
    ))
    .0;
    assert!(
        ask.contains("  - unit yunda-1") && ask.contains("Nothing was changed."),
        "{ask}"
    );
    assert!(text(&gridwhistle(&db, &["org", "show"]))
        .0
        .contains("(yunda-1)"));
    let done = text(&gridwhistle(
        &db,
        &[
            "org",
            "import",
            "--prune",
            "--yes",
            smaller.to_str().unwrap(),
        ],
    ))
    .0;
    assert!(done.contains("Removed: unit yunda-1"), "{done}");
    let shown = text(&gridwhistle(&db, &["org", "show"])).0;
    assert!(
        !shown.contains("(yunda-1)") && shown.contains("(yunda-2)"),
        "{shown}"
    );
}

#[test]
fn an_unreachable_telegram_is_one_line_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_gridwhistle"))
        .args(["run"])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("g.db").display()),
        )
        .env("GRIDWHISTLE_LANG", "en")
        .env("TELOXIDE_TOKEN", "123456:SUPERSECRET")
        .env("TELOXIDE_API_URL", "http://127.0.0.1:1/")
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("Telegram: network error (connect)"), "{err}");
    assert!(
        !err.contains("SUPERSECRET") && !out.contains("SUPERSECRET"),
        "the token leaked:\n{err}"
    );
}

#[test]
fn the_database_password_never_reaches_the_terminal() {
    for url in [
        "postgres://gw:s3cretpw@localhost:99999/db",
        "postgres://gw:s3cr#etpw@127.0.0.1:1/db",
    ] {
        for args in [vec!["migrate", "--help"], vec!["migrate"]] {
            let o = Command::new(env!("CARGO_BIN_EXE_gridwhistle"))
                .args(&args)
                .env("DATABASE_URL", url)
                .env("GRIDWHISTLE_LANG", "en")
                .output()
                .unwrap();
            let (out, err) = text(&o);
            assert!(
                !out.contains("s3cr") && !err.contains("s3cr"),
                "{args:?} {url}: {out}{err}"
            );
        }
    }
}

/// Issue 12: one `run` per SQLite file (an OS lock on `<db>.lock`, released even on SIGKILL),
/// while `org import`, `migrate`, `backup` and `report` work beside it; `backup` copies the
/// running database consistently and never overwrites a file.
mod beside_a_running_bot {
    use super::*;
    use std::process::{Child, Stdio};
    use std::time::{Duration, Instant};

    use gridwhistle::standin::{StandIn, TgChat, TgUser, TOKEN};
    use gridwhistle::storage::Store;

    fn command(standin: &StandIn, db: &Path, args: &[&str]) -> Command {
        let mut c = command_at(&format!("sqlite://{}", db.display()), args);
        c.env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", standin.api_url().as_str())
            .env("RUST_LOG", "error");
        c
    }

    fn start_bot(standin: &StandIn, db: &Path) -> Child {
        let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/huashan.toml");
        command(standin, db, &["run", "--org", example])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start gridwhistle run")
    }

    /// Runs a command to its end on a blocking thread (the stand-in answers on this runtime).
    async fn finish(mut c: Command) -> Output {
        tokio::task::spawn_blocking(move || c.output().expect("run gridwhistle"))
            .await
            .unwrap()
    }

    async fn cards_in(standin: &StandIn, chat: i64, n: usize) {
        let start = Instant::now();
        while standin.messages(chat).len() < n {
            assert!(start.elapsed() < Duration::from_secs(60), "no cards came");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    #[tokio::test]
    async fn a_second_run_is_refused_the_other_commands_work_and_sigkill_frees_the_file() {
        let standin = StandIn::start().await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("g.db");
        let grid = TgChat::new(-1001000000300, "翠湖社区第一网格");
        let mut bot = start_bot(&standin, &db);
        standin.push_update(standin.group_text(&grid, &TgUser::new(1001, "李明"), "吹哨 垃圾堆积"));
        cards_in(&standin, grid.id, 1).await;

        let second = finish(command(&standin, &db, &["run"])).await;
        assert_eq!(second.status.code(), Some(3), "{:?}", text(&second));
        let (_, err) = text(&second);
        assert!(
            err.starts_with("Another gridwhistle run is using this database already")
                && err.contains("g.db.lock"),
            "{err}"
        );
        assert!(bot.try_wait().unwrap().is_none(), "the first bot runs on");

        let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/huashan.toml");
        for args in [
            vec!["org", "import", example],
            vec!["migrate"],
            vec!["report", "--month", "2026-11", "--format", "md"],
        ] {
            let o = finish(command(&standin, &db, &args)).await;
            assert!(
                o.status.success(),
                "{args:?} beside the bot: {:?}",
                text(&o)
            );
        }
        let copy = dir.path().join("copy.db");
        let o = finish(command(&standin, &db, &["backup", copy.to_str().unwrap()])).await;
        assert!(o.status.success(), "backup beside the bot: {:?}", text(&o));

        // SIGKILL: no chance to unlock; the OS frees the lock with the process.
        bot.kill().unwrap();
        bot.wait().unwrap();
        let mut again = start_bot(&standin, &db);
        standin.push_update(standin.group_text(&grid, &TgUser::new(1001, "李明"), "吹哨 流动摊贩"));
        cards_in(&standin, grid.id, 2).await;
        assert!(
            again.try_wait().unwrap().is_none(),
            "the restarted bot runs"
        );
        again.kill().unwrap();
        again.wait().unwrap();
        standin.shutdown();
    }

    #[tokio::test]
    async fn a_backup_taken_while_the_bot_writes_holds_the_orders_and_is_never_overwritten() {
        let standin = StandIn::start().await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("g.db");
        let grid = TgChat::new(-1001000000300, "翠湖社区第一网格");
        let leader = TgUser::new(1001, "李明");
        let mut bot = start_bot(&standin, &db);
        for i in 0..5 {
            standin.push_update(standin.group_text(&grid, &leader, &format!("吹哨 垃圾堆积 {i}")));
        }
        cards_in(&standin, grid.id, 5).await;
        // More whistles arrive while the copy is made.
        for i in 5..40 {
            standin.push_update(standin.group_text(&grid, &leader, &format!("吹哨 垃圾堆积 {i}")));
        }
        let copy = dir.path().join("backup.db");
        let o = finish(command(&standin, &db, &["backup", copy.to_str().unwrap()])).await;
        assert!(o.status.success(), "{:?}", text(&o));
        assert!(text(&o).0.starts_with("Backed up to "), "{:?}", text(&o));

        // The copy is a database of its own with (at least) the orders carded before it.
        let store = Store::connect(&format!("sqlite://{}", copy.display()))
            .await
            .unwrap();
        let orders = store.all_orders().await.unwrap();
        assert!(orders.len() >= 5, "{} orders in the copy", orders.len());
        let mut ids: Vec<i64> = orders.iter().map(|o| o.id.0).collect();
        ids.sort();
        assert_eq!(
            ids,
            (1..=ids.len() as i64).collect::<Vec<_>>(),
            "no gap, no half order"
        );
        for o in &orders {
            assert!(
                !store.events(o.id).await.unwrap().is_empty(),
                "#{} has its events",
                o.id
            );
        }
        store.close().await;

        let before = std::fs::metadata(&copy).unwrap().len();
        let again = finish(command(&standin, &db, &["backup", copy.to_str().unwrap()])).await;
        assert_eq!(again.status.code(), Some(2), "{:?}", text(&again));
        assert!(
            text(&again).1.contains("exists already"),
            "{:?}",
            text(&again)
        );
        assert_eq!(
            std::fs::metadata(&copy).unwrap().len(),
            before,
            "the copy untouched"
        );
        bot.kill().unwrap();
        bot.wait().unwrap();

        let pg = command_at(
            "postgres://nobody@127.0.0.1:1/none",
            &["backup", "/tmp/never-written.db"],
        )
        .output()
        .unwrap();
        assert_eq!(pg.status.code(), Some(2));
        assert!(text(&pg).1.contains("pg_dump"), "{:?}", text(&pg));
        assert!(!Path::new("/tmp/never-written.db").exists());
        standin.shutdown();
    }
}
