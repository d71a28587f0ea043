//! Statistics on a fixed, hand-checked data set, on SQLite and PostgreSQL. The expected figures
//! are worked out by hand in the comments, not by the code under test.
//!
//! The organisation is examples/huashan.toml: Asia/Shanghai, a calendar of Monday–Friday
//! 08:30–18:00. 2026-11-26 is a Thursday, 11-27 a Friday, 11-28 a Saturday, 11-30 a Monday.
//! "Now" is Wednesday 2026-12-02 10:00; the period is November 2026.

use chrono::{DateTime, TimeZone, Utc};
use gridwhistle::domain::org::parse_org;
use gridwhistle::domain::policy::Level;
use gridwhistle::domain::resident::Satisfaction;
use gridwhistle::domain::{
    DepartmentId, EscalationReason, Event, EventKind, OrderId, OrderState, Party, PartyTarget,
    ReportOutcome, ResidentNo, RoleId, TelegramUserId, UnitId, WhistleOrder, Who,
};
use gridwhistle::stats::{Assessment, Figures, Percentiles, Period, Rate, Scope};
use gridwhistle::storage::{Commit, Outgoing, Payload, Priority};

use crate::support::TestDb;

const HUASHAN: &str = include_str!("../../examples/huashan.toml");
const SH: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

/// 2026-`m`-`d` `h`:`min` in Shanghai.
fn sh(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    SH.with_ymd_and_hms(2026, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn sanitation(unit: &str) -> PartyTarget {
    PartyTarget::Role {
        unit: UnitId::parse(unit).unwrap(),
        role: RoleId::new("sanitation"),
    }
}

fn urban() -> PartyTarget {
    PartyTarget::Department {
        department: DepartmentId::parse("urban").unwrap(),
    }
}

struct Spec {
    unit: &'static str,
    urgent: bool,
    whistler: Who,
    at: DateTime<Utc>,
    resolve_due: DateTime<Utc>,
    parties: Vec<(PartyTarget, DateTime<Utc>)>,
}

async fn create(db: &TestDb, s: Spec) -> OrderId {
    let order = WhistleOrder {
        id: OrderId(0),
        unit: UnitId::parse(s.unit).unwrap(),
        text: "垃圾".into(),
        location: None,
        urgent: s.urgent,
        state: OrderState::Open,
        level: Level::Grid,
        whistler: s.whistler,
        created_at: s.at,
        resolve_due: s.resolve_due,
        parties: s
            .parties
            .into_iter()
            .map(|(target, ack_due)| Party {
                target,
                level: Level::Grid,
                added_at: s.at,
                ack_due,
                report: None,
            })
            .collect(),
        reopen_count: 0,
        place: None,
        photos: Vec::new(),
    };
    crate::support::create_order(&db.store, order, &[], |o| {
        (
            vec![Event {
                order: o.id,
                at: o.created_at,
                actor: Some(o.whistler),
                kind: EventKind::Created,
            }],
            vec![],
        )
    })
    .await
    .id
}

/// Loads the order, changes it, saves it with the events the change made.
async fn step(
    db: &TestDb,
    id: OrderId,
    at: DateTime<Utc>,
    change: impl FnOnce(&mut WhistleOrder) -> Vec<Event>,
) {
    let read = db.store.order(id).await.unwrap().unwrap();
    let mut o = read.order.clone();
    let events = change(&mut o);
    let c = Commit {
        events: &events,
        out: &[],
        jobs: None,
        finish_job: None,
        now: at,
    };
    db.store.save_order(&read, &o, c).await.unwrap();
}

fn report(o: &mut WhistleOrder, party: usize, at: DateTime<Utc>) -> Vec<Event> {
    match o.report(party, TelegramUserId(2001), at).unwrap() {
        ReportOutcome::Recorded(e) => vec![e],
        other => panic!("{other:?}"),
    }
}

fn resolve(o: &mut WhistleOrder, at: DateTime<Utc>) -> Vec<Event> {
    vec![o.resolve(TelegramUserId(2001), None, at).unwrap()]
}

/// Seeds the data set; returns nothing: the figures below are what it must add up to.
async fn seed(db: &TestDb) {
    db.store
        .import_org(&parse_org(HUASHAN).unwrap(), false)
        .await
        .unwrap();
    let member = Who::Member(TelegramUserId(1001));

    // A — cuihu-1, normal, whistled by resident #4 Thu 11-26 10:00. Sanitation (due 10:30)
    // reports 10:10: 600 s, on time. Urban (due 10:30) reports 11:00: 3600 s, late. Resolved
    // 16:00: 6 working hours = 21600 s, before its deadline Fri 12:00: on time. Verified: closed.
    // Never rated: "not rated".
    let a = create(
        db,
        Spec {
            unit: "cuihu-1",
            urgent: false,
            whistler: Who::Resident(ResidentNo(4)),
            at: sh(11, 26, 10, 0),
            resolve_due: sh(11, 27, 12, 0),
            parties: vec![
                (sanitation("cuihu-1"), sh(11, 26, 10, 30)),
                (urban(), sh(11, 26, 10, 30)),
            ],
        },
    )
    .await;
    step(db, a, sh(11, 26, 10, 10), |o| {
        report(o, 0, sh(11, 26, 10, 10))
    })
    .await;
    step(db, a, sh(11, 26, 11, 0), |o| {
        report(o, 1, sh(11, 26, 11, 0))
    })
    .await;
    step(db, a, sh(11, 26, 16, 0), |o| resolve(o, sh(11, 26, 16, 0))).await;
    step(db, a, sh(11, 26, 17, 0), |o| {
        vec![o.verify(member, sh(11, 26, 17, 0)).unwrap()]
    })
    .await;

    // B — cuihu-2, normal, by a member, Fri 11-27 17:00. Sanitation due 17:30, not reported:
    // at 17:30 the order escalates to community and the cuihu duty officers are summoned (due
    // Mon 09:00; they never report, and it has passed: due, not on time). Sanitation reports
    // Mon 11-30 09:00: working time Fri 17:00–18:00 + Mon 08:30–09:00 = 5400 s (wall time would
    // be 64 h), late. Resolved Mon 12:00: 1 h + 3.5 h = 16200 s, after its deadline Mon 10:00:
    // late. Reopened (new deadline Tue 12:00), resolved again Tue 10:00 — the first
    // resolution is the one that counts.
    let b = create(
        db,
        Spec {
            unit: "cuihu-2",
            urgent: false,
            whistler: member,
            at: sh(11, 27, 17, 0),
            resolve_due: sh(11, 30, 10, 0),
            parties: vec![(sanitation("cuihu-2"), sh(11, 27, 17, 30))],
        },
    )
    .await;
    step(db, b, sh(11, 27, 17, 30), |o| {
        let t = sh(11, 27, 17, 30);
        let mut ev = vec![o.escalate(None, EscalationReason::NotResolved, t).unwrap()];
        let duty = PartyTarget::DutyOfficers {
            unit: UnitId::parse("cuihu").unwrap(),
        };
        ev.extend(
            o.add_parties(vec![(duty, sh(11, 30, 9, 0))], None, t)
                .unwrap(),
        );
        ev
    })
    .await;
    step(db, b, sh(11, 30, 9, 0), |o| report(o, 0, sh(11, 30, 9, 0))).await;
    step(db, b, sh(11, 30, 12, 0), |o| resolve(o, sh(11, 30, 12, 0))).await;
    step(db, b, sh(11, 30, 14, 0), |o| {
        vec![o
            .reopen(member, "还没清".into(), sh(12, 1, 12, 0), sh(11, 30, 14, 0))
            .unwrap()]
    })
    .await;
    step(db, b, sh(12, 1, 10, 0), |o| resolve(o, sh(12, 1, 10, 0))).await;

    // C — yuanxi-1, URGENT (the calendar does not apply), by resident #1, Sat 11-28 14:00.
    // Sanitation (due 14:10) reports 14:05: 300 s, on time. Resolved 16:00: 7200 s wall time,
    // before 18:00: on time. The resident answers: solved, 基本满意.
    let c = create(
        db,
        Spec {
            unit: "yuanxi-1",
            urgent: true,
            whistler: Who::Resident(ResidentNo(1)),
            at: sh(11, 28, 14, 0),
            resolve_due: sh(11, 28, 18, 0),
            parties: vec![(sanitation("yuanxi-1"), sh(11, 28, 14, 10))],
        },
    )
    .await;
    step(db, c, sh(11, 28, 14, 5), |o| {
        report(o, 0, sh(11, 28, 14, 5))
    })
    .await;
    step(db, c, sh(11, 28, 16, 0), |o| resolve(o, sh(11, 28, 16, 0))).await;
    let rated = |solved, satisfaction, no| Event {
        order: c,
        at: sh(11, 28, 17, 0),
        actor: Some(Who::Resident(ResidentNo(no))),
        kind: EventKind::Rated {
            solved,
            satisfaction,
        },
    };
    db.store
        .record(
            &[
                rated(Some(true), None, 1),
                rated(None, Some(Satisfaction::Basic), 1),
                // A follower's answer is not the first reporter's: it does not count.
                rated(Some(false), Some(Satisfaction::Dissatisfied), 9),
            ],
            &[],
            sh(11, 28, 17, 0),
        )
        .await
        .unwrap();

    // D — cuihu-1, by resident #2, Mon 11-30 09:00. Sanitation due 09:30 never reports (due,
    // not on time). Resolve deadline Tue 12-01 09:00 has passed: overdue, unresolved.
    create(
        db,
        Spec {
            unit: "cuihu-1",
            urgent: false,
            whistler: Who::Resident(ResidentNo(2)),
            at: sh(11, 30, 9, 0),
            resolve_due: sh(12, 1, 9, 0),
            parties: vec![(sanitation("cuihu-1"), sh(11, 30, 9, 30))],
        },
    )
    .await;

    // E — cuihu-1, Mon 11-30 10:00, reported then cancelled: counts nowhere.
    let e = create(
        db,
        Spec {
            unit: "cuihu-1",
            urgent: false,
            whistler: member,
            at: sh(11, 30, 10, 0),
            resolve_due: sh(12, 1, 10, 0),
            parties: vec![(urban(), sh(11, 30, 10, 30))],
        },
    )
    .await;
    step(db, e, sh(11, 30, 10, 5), |o| {
        report(o, 0, sh(11, 30, 10, 5))
    })
    .await;
    step(db, e, sh(11, 30, 10, 6), |o| {
        vec![o
            .cancel(TelegramUserId(1001), "重复".into(), sh(11, 30, 10, 6))
            .unwrap()]
    })
    .await;

    // F — cuihu-1, Tue 12-01 09:00: December, outside the period.
    create(
        db,
        Spec {
            unit: "cuihu-1",
            urgent: false,
            whistler: member,
            at: sh(12, 1, 9, 0),
            resolve_due: sh(12, 2, 9, 0),
            parties: vec![(sanitation("cuihu-1"), sh(12, 1, 9, 30))],
        },
    )
    .await;

    // G — cuihu-1, by resident #3, Mon 11-30 11:00, its party due only 12-03 and its resolve
    // deadline 12-05: still open and not yet overdue, so in no denominator.
    create(
        db,
        Spec {
            unit: "cuihu-1",
            urgent: false,
            whistler: Who::Resident(ResidentNo(3)),
            at: sh(11, 30, 11, 0),
            resolve_due: sh(12, 5, 9, 0),
            parties: vec![(sanitation("cuihu-1"), sh(12, 3, 9, 0))],
        },
    )
    .await;
}

fn november() -> Period {
    Period::month(2026, 11, SH).unwrap()
}

fn now() -> DateTime<Utc> {
    sh(12, 2, 10, 0)
}

async fn the_sub_district_adds_up_to_the_hand_worked_figures(db: &TestDb) {
    seed(db).await;
    let f = db
        .store
        .figures(
            &Scope::unit(UnitId::parse("huashan").unwrap()),
            &november(),
            now(),
        )
        .await
        .unwrap();
    let expected = Figures {
        // A, B, C, D, G (E cancelled, F in December)
        whistles: 5,
        // A, B, C resolved at least once; A closed; B reopened
        resolved: 3,
        closed: 1,
        reopened: 1,
        // first resolutions on time: A, C (B's was late)
        resolved_on_time: 2,
        // D's deadline (12-01 09:00) has passed unresolved; G's (12-05) has not
        overdue_unresolved: 1,
        // B reached community; all five were whistled at grid level
        escalated: [1, 0, 0],
        below: [5, 5, 5],
        // A 2, B 2 (sanitation, cuihu duty officers), C 1, D 1, G 1
        parties: 7,
        // A sanitation, A urban, B sanitation, C
        reports: 4,
        // the 4 reported + B's duty officers and D's sanitation (past due); not G's
        parties_due: 6,
        // A sanitation, C
        reports_on_time: 2,
        // 300, 600, 3600, 5400: rank ⌈0.5·4⌉ = 2 → 600; rank ⌈0.9·4⌉ = 4 → 5400
        time_to_report: Percentiles {
            median: Some(600),
            p90: Some(5400),
        },
        // 7200 (C), 16200 (B), 21600 (A): rank 2 → 16200; rank ⌈2.7⌉ = 3 → 21600
        time_to_resolve: Percentiles {
            median: Some(16200),
            p90: Some(21600),
        },
        // residents' resolved orders: A (no answer) and C (solved, 基本满意)
        answered_solved: 1,
        solved: 1,
        answered_satisfaction: 1,
        satisfied: 0,
        basic: 1,
        not_rated: 1,
    };
    assert_eq!(f, expected);

    let one = Assessment {
        min_cases: 1,
        ..Assessment::default()
    };
    // response 2/6 = 33%; on time 2/(3+1) = 50%; to community 1/5 = 20%; rework 1/3 = 33%;
    // residents: solved 1/1 = 100%; satisfaction (0 + 0.5·1)/1 = 50%
    assert_eq!(f.response_rate(&one).percent(), Some(33));
    assert_eq!(f.on_time_resolution(&one).percent(), Some(50));
    assert_eq!(f.escalation_rate(0, &one).percent(), Some(20));
    assert_eq!(f.rework_rate(&one).percent(), Some(33));
    assert_eq!(f.resident_resolution_rate(&one).percent(), Some(100));
    assert_eq!(f.satisfaction_rate(&one).percent(), Some(50));
    // with the default five cases, one answer is too few
    assert_eq!(
        f.satisfaction_rate(&Assessment::default()),
        Rate::TooFew { cases: 1 }
    );
}

async fn subtrees_departments_and_periods_count_only_their_own(db: &TestDb) {
    seed(db).await;
    let get = |scope: Scope, period: Period| {
        let store = db.store.clone();
        async move { store.figures(&scope, &period, now()).await.unwrap() }
    };
    // cuihu: A, B, D, G; parties A 2, B 2, D 1, G 1
    let cuihu = get(Scope::unit(UnitId::parse("cuihu").unwrap()), november()).await;
    assert_eq!((cuihu.whistles, cuihu.parties, cuihu.reports), (4, 6, 3));
    // yuanxi-1 alone: C
    let yuanxi = get(Scope::unit(UnitId::parse("yuanxi-1").unwrap()), november()).await;
    assert_eq!((yuanxi.whistles, yuanxi.reports_on_time), (1, 1));
    // urban within huashan: its party on A (late, 3600 s); E was cancelled
    let urban_here = get(
        Scope {
            unit: Some(UnitId::parse("huashan").unwrap()),
            department: Some(DepartmentId::parse("urban").unwrap()),
            alliance: None,
        },
        november(),
    )
    .await;
    assert_eq!(
        (urban_here.whistles, urban_here.parties, urban_here.reports),
        (1, 1, 1)
    );
    assert_eq!(urban_here.reports_on_time, 0);
    assert_eq!(urban_here.time_to_report.median, Some(3600));
    // urban anywhere, and within a community it never worked in
    let urban_all = get(
        Scope::department(DepartmentId::parse("urban").unwrap()),
        november(),
    )
    .await;
    assert_eq!(urban_all.parties, 1);
    let urban_yuanxi = get(
        Scope {
            unit: Some(UnitId::parse("yuanxi").unwrap()),
            department: Some(DepartmentId::parse("urban").unwrap()),
            alliance: None,
        },
        november(),
    )
    .await;
    assert_eq!(urban_yuanxi, Figures::default());
    // December: F only, its party due 12-01 09:30 and unreported
    let december = Period::month(2026, 12, SH).unwrap();
    let dec = get(Scope::unit(UnitId::parse("huashan").unwrap()), december).await;
    assert_eq!(
        (dec.whistles, dec.parties, dec.parties_due, dec.reports),
        (1, 1, 1, 0)
    );
    assert_eq!(dec.time_to_report, Percentiles::default());
}

/// The chart's bytes go through the outbox in their own column (BLOB / bytea), whole.
async fn an_uploaded_chart_is_claimed_with_its_bytes(db: &TestDb) {
    let png: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let out = Outgoing {
        chat_id: gridwhistle::domain::ChatId(-100),
        payload: Payload::Upload {
            caption: Some("📊 <b>华山街道</b>".into()),
            reply_to: Some(gridwhistle::domain::MessageId(7)),
            png: png.clone(),
        },
        priority: Priority::Answer,
    };
    db.store
        .enqueue(std::slice::from_ref(&out), now())
        .await
        .unwrap();
    let claimed = db.store.claim_outbox(now(), 60_000, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].payload, out.payload);
    assert_eq!(claimed[0].payload.kind(), "upload");
}

crate::contract!(
    the_sub_district_adds_up_to_the_hand_worked_figures,
    subtrees_departments_and_periods_count_only_their_own,
    an_uploaded_chart_is_claimed_with_its_bytes,
);

/// `gridwhistle report` on the same data set: one CSV row per unit and department, with a BOM
/// for Excel; rates over fewer than five cases are left blank.
#[tokio::test]
async fn the_monthly_report_writes_the_same_figures_as_csv_and_markdown() {
    let db = crate::support::sqlite().await;
    seed(&db).await;
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_gridwhistle"))
            .args(args)
            .env("DATABASE_URL", &db.url)
            .env("GRIDWHISTLE_LANG", "en")
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    };
    let out = run(&["report", "--month", "2026-11", "--unit", "huashan"]);
    assert!(out.status.success(), "{out:?}");
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with('\u{feff}'), "a UTF-8 BOM first");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert!(
        lines[0].starts_with("kind,id,name,whistles,parties summoned,"),
        "{}",
        lines[0]
    );
    // huashan: 5 whistles, 7 parties, 4 reports, 3 resolved, 1 closed, 1 escalated to
    // community, 1 reopened; response 2/6 = 33.3%; report 600/5400 s; resolve 16200/21600 s;
    // on-time resolution over 4 cases: blank; escalation 1/5 = 20.0%; rework over 3: blank;
    // residents over 1 answer: blank; 1 not rated.
    assert!(
        lines.contains(
            &"unit,huashan,华山街道,5,7,4,3,1,1,0,0,1,33.3,600,5400,16200,21600,,20.0,,,,1"
        ),
        "{csv}"
    );
    // urban: its one party, on order A (3600 s, late); A resolved in 21600 s, never rated.
    assert!(
        lines
            .contains(&"department,urban,城管中队,1,1,1,1,1,0,0,0,0,,3600,3600,21600,21600,,,,,,1"),
        "{csv}"
    );
    // wuhua is above huashan: not in its report; cuihu-1 is.
    assert!(!csv.contains(",wuhua,"));
    assert!(csv.contains("unit,cuihu-1,"));

    let md = run(&["report", "--month", "2026-11", "--format", "md"]);
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.starts_with("| kind | id | name |"), "{md}");
    assert!(md.contains("| unit | wuhua | 五华区 | 5 | 7 |"), "{md}");
    assert!(md.contains("| 33% (6) |"), "{md}");
    assert!(md.contains("| too few cases (4) |"), "{md}");

    let bad = run(&["report", "--month", "November"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr).trim(),
        "--month takes a month such as 2026-11, not “November”."
    );
    let unknown = run(&["report", "--month", "2026-11", "--unit", "atlantis"]);
    assert_eq!(
        String::from_utf8_lossy(&unknown.stderr).trim(),
        "There is no unit “atlantis” in the organisation."
    );
}
