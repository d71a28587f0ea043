//! `gridwhistle export`: every order whistled in the days asked (Shanghai time) with its
//! timeline, one CSV row per event; a member by name, a resident only as "居民 #k".

use chrono::{DateTime, TimeZone, Utc};
use gridwhistle::cli;
use gridwhistle::domain::org::parse_org;
use gridwhistle::domain::policy::Level;
use gridwhistle::domain::resident::Satisfaction;
use gridwhistle::domain::{
    ChatId, DepartmentId, Event, EventKind, Lang, OrderId, OrderState, Party, PartyTarget,
    ReportOutcome, TelegramUserId, UnitId, WhistleOrder, Who,
};
use gridwhistle::storage::Commit;

use crate::support::TestDb;

const HUASHAN: &str = include_str!("../../examples/huashan.toml");
/// The resident's Telegram id: it must appear nowhere in the export.
const RESIDENT_USER: i64 = 770_123_456;

fn sh(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

async fn create(db: &TestDb, whistler: Who, at: DateTime<Utc>, text: &str) -> OrderId {
    let order = WhistleOrder {
        id: OrderId(0),
        unit: UnitId::parse("cuihu-1").unwrap(),
        text: text.into(),
        location: None,
        urgent: false,
        state: OrderState::Open,
        level: Level::Grid,
        whistler,
        created_at: at,
        resolve_due: at + chrono::Duration::hours(24),
        parties: vec![Party {
            target: PartyTarget::Department {
                department: DepartmentId::parse("urban").unwrap(),
            },
            level: Level::Grid,
            added_at: at,
            ack_due: at + chrono::Duration::minutes(30),
            report: None,
        }],
        reopen_count: 0,
        place: None,
        photos: Vec::new(),
    };
    crate::support::create_order(&db.store, order, &[], |o| {
        (
            vec![Event {
                order: o.id,
                at,
                actor: Some(whistler),
                kind: EventKind::Created,
            }],
            vec![],
        )
    })
    .await
    .id
}

async fn seed(db: &TestDb) {
    db.store
        .import_org(&parse_org(HUASHAN).unwrap(), false)
        .await
        .unwrap();
    let li = Who::Member(TelegramUserId(1001)); // 李明
                                                // Before the range: 10-31 23:59 in Shanghai.
    create(db, li, sh(10, 31, 23, 59), "范围之前").await;
    // #2: 李明 whistles on 11-26 10:00; 何振宇 reports for urban at 10:10 and resolves at 16:00.
    let a = create(db, li, sh(11, 26, 10, 0), "垃圾堆积").await;
    let read = db.store.order(a).await.unwrap().unwrap();
    let mut o = read.order.clone();
    let mut events = match o
        .report(0, TelegramUserId(2001), sh(11, 26, 10, 10))
        .unwrap()
    {
        ReportOutcome::Recorded(e) => vec![e],
        other => panic!("{other:?}"),
    };
    events.push(
        o.resolve(TelegramUserId(2001), None, sh(11, 26, 16, 0))
            .unwrap(),
    );
    let c = Commit {
        events: &events,
        out: &[],
        jobs: None,
        finish_job: None,
        now: sh(11, 26, 16, 0),
    };
    db.store.save_order(&read, &o, c).await.unwrap();
    // #3: resident #1 reports on 11-30 23:30 (still November in Shanghai) and later rates it.
    let resident = db
        .store
        .enrol_resident(
            TelegramUserId(RESIDENT_USER),
            ChatId(RESIDENT_USER),
            Lang::ZhHans,
            sh(11, 30, 23, 0),
        )
        .await
        .unwrap();
    let me = Who::Resident(resident.no);
    let b = create(db, me, sh(11, 30, 23, 30), "路灯不亮").await;
    let rated = Event {
        order: b,
        at: sh(12, 1, 9, 0),
        actor: Some(me),
        kind: EventKind::Rated {
            solved: Some(true),
            satisfaction: Some(Satisfaction::Satisfied),
        },
    };
    db.store
        .record(&[rated], &[], sh(12, 1, 9, 0))
        .await
        .unwrap();
    // After the range: 12-01 00:00 in Shanghai.
    create(db, li, sh(12, 1, 0, 0), "范围之后").await;
}

async fn export(db: &TestDb, lang: Lang) -> String {
    let mut out = Vec::new();
    cli::export(&db.store, "2026-11-01", "2026-11-30", lang, &mut out)
        .await
        .unwrap();
    String::from_utf8(out).unwrap()
}

async fn check(db: &TestDb) {
    seed(db).await;
    let csv = export(db, Lang::ZhHans).await;
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines,
        [
            "\u{feff}编号,单位,状态,级别,吹哨时间,事件时间,人员,事件",
            // Order #1 (10-31) and #4 (12-01) lie outside the days asked.
            "2,翠湖社区第一网格,已解决待核实,网格,2026-11-26 10:00,2026-11-26 10:00,李明,李明 吹哨",
            "2,翠湖社区第一网格,已解决待核实,网格,2026-11-26 10:00,2026-11-26 10:10,何振宇,何振宇 报到（城管中队）",
            "2,翠湖社区第一网格,已解决待核实,网格,2026-11-26 10:00,2026-11-26 16:00,何振宇,何振宇 已处置",
            "3,翠湖社区第一网格,待报到,网格,2026-11-30 23:30,2026-11-30 23:30,居民 #1,居民 #1 吹哨",
            "3,翠湖社区第一网格,待报到,网格,2026-11-30 23:30,2026-12-01 09:00,居民 #1,居民 #1 评价：已解决、满意",
            "",
        ]
    );
    assert!(!csv.contains(&RESIDENT_USER.to_string()), "{csv}");
    let en = export(db, Lang::En).await;
    assert!(en.contains("Resident #1"), "{en}");
    assert!(!en.contains(&RESIDENT_USER.to_string()), "{en}");
    // A day that is not a date is refused with the localized usage, exit 2.
    let mut sink = Vec::new();
    let err = cli::export(&db.store, "2026-11-31", "2026-12-01", Lang::En, &mut sink)
        .await
        .unwrap_err();
    assert_eq!(err.code, 2);
    assert_eq!(
        err.message,
        "Dates are written like 2026-11-01, not “2026-11-31”."
    );
}

#[tokio::test]
async fn export_writes_each_event_and_names_residents_only_by_number_sqlite() {
    check(&crate::support::sqlite().await).await;
}

#[tokio::test]
async fn export_writes_each_event_and_names_residents_only_by_number_postgres() {
    if let Some(db) = crate::support::postgres("export").await {
        check(&db).await;
    }
}
