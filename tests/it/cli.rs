//! The command line as an operator uses it: import, show, broken files, missing token.

use std::path::Path;
use std::process::{Command, Output};

const HUASHAN: &str = include_str!("../../examples/huashan.toml");

fn gridwhistle(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gridwhistle"))
        .args(args)
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("GRIDWHISTLE_LANG", "en")
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("RUST_LOG")
        .output()
        .expect("run gridwhistle")
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
    let o = Command::new(env!("CARGO_BIN_EXE_gridwhistle"))
        .args(["org", "show"])
        .env("DATABASE_URL", "postgres://nobody:secret@127.0.0.1:1/none")
        .env("GRIDWHISTLE_LANG", "en")
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
