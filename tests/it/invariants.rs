//! The architecture's rules that a test can check: which modules may name which crates, that
//! both migration folders hold the same versions, and that every persisted kind reads back as
//! it was written (renaming a serialized variant needs a migration of the stored rows).

use std::path::{Path, PathBuf};

use gridwhistle::domain::escalation::JobKind;
use gridwhistle::domain::policy::Level;
use gridwhistle::domain::{
    DepartmentId, EscalationReason, EventKind, Lang, OrderState, PartyTarget, RoleId, Scope, UnitId,
};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir` (or `dir` itself when it is a file), with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    if dir.is_file() {
        return vec![(dir.to_path_buf(), std::fs::read_to_string(dir).unwrap())];
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(sources(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push((p.clone(), std::fs::read_to_string(&p).unwrap()));
        }
    }
    out
}

/// Code lines naming `needle` (doc and ordinary comments aside).
fn naming(files: &[(PathBuf, String)], needle: &str) -> Vec<String> {
    files
        .iter()
        .flat_map(|(p, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim_start().starts_with("//") && l.contains(needle))
                .map(move |(i, l)| format!("{}:{}: {}", p.display(), i + 1, l.trim()))
        })
        .collect()
}

#[test]
fn only_the_telegram_layer_and_the_stand_in_name_teloxide() {
    for module in [
        "src/domain",
        "src/acts",
        "src/storage",
        "src/scheduler",
        "src/render.rs",
        "src/app.rs",
        "src/i18n.rs",
    ] {
        let found = naming(&sources(&root().join(module)), "teloxide");
        assert!(
            found.is_empty(),
            "{module} names teloxide:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn the_domain_does_no_io_and_reads_no_clock() {
    let domain = sources(&root().join("src/domain"));
    for needle in [
        "sqlx", "tokio", "teloxide", "Utc::now", "std::fs", "reqwest",
    ] {
        let found = naming(&domain, needle);
        assert!(
            found.is_empty(),
            "src/domain names {needle}:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn only_storage_writes_sql() {
    for module in [
        "src/domain",
        "src/acts",
        "src/telegram",
        "src/scheduler",
        "src/render.rs",
    ] {
        let found = naming(&sources(&root().join(module)), "sqlx::query");
        assert!(
            found.is_empty(),
            "{module} writes SQL:\n{}",
            found.join("\n")
        );
    }
}

/// The version numbers of the migrations in a folder (`0003_x.sql` → 3).
fn versions(folder: &str) -> Vec<u32> {
    let mut v: Vec<u32> = std::fs::read_dir(root().join("migrations").join(folder))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".sql"))
        .map(|n| n.split('_').next().unwrap().parse().unwrap())
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn both_backends_have_the_same_migrations() {
    let sqlite = versions("sqlite");
    let postgres = versions("postgres");
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres differ"
    );
    let expected: Vec<u32> = (1..=sqlite.len() as u32).collect();
    assert_eq!(
        sqlite, expected,
        "migration versions are numbered without gaps"
    );
}

#[test]
fn every_persisted_kind_reads_back_as_written() {
    for s in OrderState::ALL {
        assert_eq!(OrderState::parse(s.as_str()), Some(s));
    }
    for l in Level::ALL {
        assert_eq!(Level::parse(l.as_str()), Some(l));
    }
    for k in [JobKind::Remind, JobKind::Ack, JobKind::Resolve] {
        assert_eq!(JobKind::parse(k.as_str()), Some(k));
    }
    for lang in Lang::ALL {
        assert_eq!(Lang::parse(lang.code()), Some(lang));
    }
    let unit = Scope::Unit(UnitId::parse("cuihu-1").unwrap());
    let dept = Scope::Department(DepartmentId::parse("urban").unwrap());
    for scope in [unit, dept] {
        let (kind, id) = scope.parts();
        assert_eq!(Scope::from_parts(kind, id), Some(scope.clone()));
    }
    let role = PartyTarget::Role {
        unit: UnitId::parse("cuihu-1").unwrap(),
        role: RoleId::new("sanitation"),
    };
    let duty = PartyTarget::DutyOfficers {
        unit: UnitId::parse("cuihu").unwrap(),
    };
    let department = PartyTarget::Department {
        department: DepartmentId::parse("urban").unwrap(),
    };
    let events = vec![
        EventKind::Created,
        EventKind::PartyAdded {
            target: role.clone(),
        },
        EventKind::Reported {
            target: duty.clone(),
        },
        EventKind::Note {
            text: "已到场".into(),
            photos: vec![],
        },
        EventKind::Resolved {
            note: Some("清理完毕".into()),
            photos: vec![],
        },
        EventKind::Resolved {
            note: None,
            photos: vec![],
        },
        EventKind::Verified,
        EventKind::Reopened {
            reason: "还有".into(),
        },
        EventKind::Cancelled {
            reason: "重复".into(),
        },
        EventKind::Escalated {
            from: Level::Grid,
            to: Level::Community,
            why: EscalationReason::NotReported {
                parties: vec![role.clone(), department.clone()],
            },
        },
        EventKind::Escalated {
            from: Level::Community,
            to: Level::Subdistrict,
            why: EscalationReason::NotResolved,
        },
        EventKind::Escalated {
            from: Level::Subdistrict,
            to: Level::District,
            why: EscalationReason::ReopenedTwice,
        },
        EventKind::Escalated {
            from: Level::Grid,
            to: Level::Community,
            why: EscalationReason::Asked {
                reason: "需要协调".into(),
            },
        },
        EventKind::Reminded { target: department },
        EventKind::DeliveryFailed {
            chat: gridwhistle::domain::ChatId(-100),
            reason: "Forbidden: bot was kicked".into(),
        },
    ];
    let mut names = std::collections::BTreeSet::new();
    for e in events {
        let json = serde_json::to_string(&e).unwrap();
        let back: EventKind = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e, "{json}");
        names.insert(e.name());
    }
    assert_eq!(names.len(), 11, "every event kind is covered: {names:?}");
}

#[test]
fn an_outbox_row_kind_is_its_payload_op() {
    use gridwhistle::domain::OrderId;
    use gridwhistle::render::Button;
    use gridwhistle::storage::Payload;
    let buttons = vec![vec![Button {
        label: "报到".into(),
        data: "r:1".into(),
    }]];
    for p in [
        Payload::Send {
            html: "x".into(),
            buttons: buttons.clone(),
            card: Some(OrderId(1)),
            reply_to_card: None,
            reply_to: Some(gridwhistle::domain::MessageId(3)),
            keyboard: None,
        },
        Payload::EditCard {
            order: OrderId(1),
            html: "y".into(),
            buttons,
        },
        Payload::ClearButtons {
            order: OrderId(1),
            message_id: gridwhistle::domain::MessageId(7),
        },
    ] {
        let json = serde_json::to_string(&p).unwrap();
        // The kind is the payload's op; a card's send is its own kind ("card"), since a card
        // goes before its edits and replies.
        let op = match p.kind() {
            "card" => "send",
            k => k,
        };
        assert!(json.contains(&format!("\"op\":\"{op}\"")), "{json}");
        assert_eq!(serde_json::from_str::<Payload>(&json).unwrap(), p);
    }
}
