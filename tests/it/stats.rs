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
    AllianceId, DepartmentId, EscalationReason, Event, EventKind, OrderId, OrderState, Party,
    PartyTarget, ReportOutcome, ResidentNo, RoleId, TelegramUserId, UnitId, WhistleOrder, Who,
};
use gridwhistle::stats::{
    fewer_than_two, Assessment, Breakdown, Figures, Percentiles, Period, Rate, Scope,
};
use gridwhistle::storage::{Commit, Outgoing, Payload, Priority};

use crate::support::TestDb;

const HUASHAN: &str = include_str!("../../examples/huashan.toml");
const SH: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

/// 2026-`m`-`d` `h`:`min` in Shanghai.
fn sh(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    sh_in(2026, m, d, h, min)
}

/// `y`-`m`-`d` `h`:`min` in Shanghai.
fn sh_in(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    SH.with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn sanitation(unit: &str) -> PartyTarget {
    PartyTarget::Role {
        unit: UnitId::parse(unit).unwrap(),
        role: RoleId::new("sanitation"),
    }
}

fn alliance(id: &str) -> PartyTarget {
    PartyTarget::Alliance {
        alliance: AllianceId::parse(id).unwrap(),
    }
}

const YU: &str = "yunnan-university";
const K1: &str = "kunming-no1-middle-school";
/// An alliance unit added to the example for these tests, never summoned.
const ARTS: &str = "yunnan-arts";

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

/// The data set with alliance units: `seed`, then the example with a third alliance unit
/// (云南艺术学院, never summoned) and these orders, all urgent (wall time, no calendar), all
/// whistled by a member at grid level:
///
/// H — cuihu-1, Tue 11-03 09:00, resolve due 12:00. 云南大学 (YU, due 09:30) reports 09:10: 600 s,
///   on time; 昆明第一中学 (K1, due 09:30) reports 10:00: 3600 s, late. Resolved 11:00: 7200 s,
///   on time.
/// I — yuanxi-1, Wed 11-04 09:00, resolve due 12:00. YU (due 09:20) reports 09:05: 300 s, on
///   time. Resolved 13:00: 14400 s, late.
/// J — cuihu-2, Thu 11-05 09:00, resolve due 12:00. YU (due 09:20) never reports: due, not on
///   time. Never resolved: overdue.
/// K — cuihu-1, Tue 10-20 09:00: October. YU reports 09:05 (outside November, inside 2026).
/// L — cuihu-1, Fri 11-06 09:00. K1 reports 09:05, then the order is cancelled: counts nowhere.
/// N — cuihu-1, 2025-12-31 23:00. K1 reports 23:30 (2025 in Shanghai); YU reports 2026-01-01
///   00:30 in Shanghai, still 2025-12-31 16:30 in UTC: 2026 in the organisation's time zone.
async fn seed_alliances(db: &TestDb) {
    seed(db).await;
    let org = format!(
        "{HUASHAN}\n[[alliance]]\nid = \"{ARTS}\"\nname = \"云南艺术学院\"\nparent = \"huashan\"\n"
    );
    db.store
        .import_org(&parse_org(&org).unwrap(), false)
        .await
        .unwrap();
    let member = Who::Member(TelegramUserId(1001));
    let urgent = |unit, at, resolve_due, parties| Spec {
        unit,
        urgent: true,
        whistler: member,
        at,
        resolve_due,
        parties,
    };
    let h = create(
        db,
        urgent(
            "cuihu-1",
            sh(11, 3, 9, 0),
            sh(11, 3, 12, 0),
            vec![
                (alliance(YU), sh(11, 3, 9, 30)),
                (alliance(K1), sh(11, 3, 9, 30)),
            ],
        ),
    )
    .await;
    step(db, h, sh(11, 3, 9, 10), |o| report(o, 0, sh(11, 3, 9, 10))).await;
    step(db, h, sh(11, 3, 10, 0), |o| report(o, 1, sh(11, 3, 10, 0))).await;
    step(db, h, sh(11, 3, 11, 0), |o| resolve(o, sh(11, 3, 11, 0))).await;
    let i = create(
        db,
        urgent(
            "yuanxi-1",
            sh(11, 4, 9, 0),
            sh(11, 4, 12, 0),
            vec![(alliance(YU), sh(11, 4, 9, 20))],
        ),
    )
    .await;
    step(db, i, sh(11, 4, 9, 5), |o| report(o, 0, sh(11, 4, 9, 5))).await;
    step(db, i, sh(11, 4, 13, 0), |o| resolve(o, sh(11, 4, 13, 0))).await;
    create(
        db,
        urgent(
            "cuihu-2",
            sh(11, 5, 9, 0),
            sh(11, 5, 12, 0),
            vec![(alliance(YU), sh(11, 5, 9, 20))],
        ),
    )
    .await;
    let k = create(
        db,
        urgent(
            "cuihu-1",
            sh(10, 20, 9, 0),
            sh(10, 20, 12, 0),
            vec![(alliance(YU), sh(10, 20, 9, 20))],
        ),
    )
    .await;
    step(db, k, sh(10, 20, 9, 5), |o| report(o, 0, sh(10, 20, 9, 5))).await;
    let l = create(
        db,
        urgent(
            "cuihu-1",
            sh(11, 6, 9, 0),
            sh(11, 6, 12, 0),
            vec![(alliance(K1), sh(11, 6, 9, 20))],
        ),
    )
    .await;
    step(db, l, sh(11, 6, 9, 5), |o| report(o, 0, sh(11, 6, 9, 5))).await;
    step(db, l, sh(11, 6, 9, 6), |o| {
        vec![o
            .cancel(TelegramUserId(1001), "重复".into(), sh(11, 6, 9, 6))
            .unwrap()]
    })
    .await;
    let n = create(
        db,
        urgent(
            "cuihu-1",
            sh_in(2025, 12, 31, 23, 0),
            sh_in(2026, 1, 1, 2, 0),
            vec![
                (alliance(K1), sh_in(2026, 1, 1, 1, 0)),
                (alliance(YU), sh_in(2026, 1, 1, 1, 0)),
            ],
        ),
    )
    .await;
    step(db, n, sh_in(2025, 12, 31, 23, 30), |o| {
        report(o, 0, sh_in(2025, 12, 31, 23, 30))
    })
    .await;
    step(db, n, sh_in(2026, 1, 1, 0, 30), |o| {
        report(o, 1, sh_in(2026, 1, 1, 0, 30))
    })
    .await;
}

fn huashan() -> UnitId {
    UnitId::parse("huashan").unwrap()
}

async fn alliance_units_add_up_rank_and_are_listed_under_two_orders(db: &TestDb) {
    seed_alliances(db).await;
    let within = |id: &str| Scope {
        unit: Some(huashan()),
        alliance: Some(AllianceId::parse(id).unwrap()),
        ..Scope::default()
    };
    let yu = Figures {
        // H, I, J (K in October; none of them cancelled)
        whistles: 3,
        // H, I; none verified or reopened
        resolved: 2,
        closed: 0,
        reopened: 0,
        // H on time, I late; J unresolved past 11-05 12:00
        resolved_on_time: 1,
        overdue_unresolved: 1,
        escalated: [0, 0, 0],
        below: [3, 3, 3],
        // YU's parties on H, I, J: H and I reported, on time; J past due
        parties: 3,
        reports: 2,
        parties_due: 3,
        reports_on_time: 2,
        // 300, 600: rank ⌈0.5·2⌉ = 1 → 300; ⌈0.9·2⌉ = 2 → 600
        time_to_report: Percentiles {
            median: Some(300),
            p90: Some(600),
        },
        // 7200 (H), 14400 (I): rank 1 → 7200; rank 2 → 14400
        time_to_resolve: Percentiles {
            median: Some(7200),
            p90: Some(14400),
        },
        ..Figures::default()
    };
    let k1 = Figures {
        // H only (L cancelled)
        whistles: 1,
        resolved: 1,
        resolved_on_time: 1,
        below: [1, 1, 1],
        // its party on H: reported late
        parties: 1,
        reports: 1,
        parties_due: 1,
        reports_on_time: 0,
        time_to_report: Percentiles {
            median: Some(3600),
            p90: Some(3600),
        },
        time_to_resolve: Percentiles {
            median: Some(7200),
            p90: Some(7200),
        },
        ..Figures::default()
    };
    let fig = |scope: Scope| {
        let store = db.store.clone();
        async move { store.figures(&scope, &november(), now()).await.unwrap() }
    };
    assert_eq!(fig(within(YU)).await, yu);
    assert_eq!(fig(within(K1)).await, k1);
    assert_eq!(fig(within(ARTS)).await, Figures::default());
    // In the alliance's own chat: all its parties, the same here (all in huashan).
    assert_eq!(
        fig(Scope::alliance(AllianceId::parse(YU).unwrap())).await,
        yu
    );
    // None of it in yuanxi's subtree but I.
    let yuanxi = Scope {
        unit: Some(UnitId::parse("yuanxi").unwrap()),
        ..within(YU)
    };
    assert_eq!(fig(yuanxi).await.whistles, 1);

    // One grouped query gives every alliance's figures, the same as one by one.
    let by = db
        .store
        .figures_by(
            &Scope::unit(huashan()),
            &Breakdown::Alliances,
            &november(),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(by.len(), 2, "{by:?}");
    assert_eq!(by[YU], yu);
    assert_eq!(by[K1], k1);

    // Ranking with one case enough (no resident answers: satisfaction has none):
    // YU (30·2/3 + 35·1/3) / 65 = 31.67 / 65 = 48.7%; K1 (30·0 + 35·1) / 65 = 53.8%;
    // 云南艺术学院 has no rate: unranked.
    let one = Assessment {
        min_cases: 1,
        ..Assessment::default()
    };
    let items = vec![
        ("云南大学".to_string(), yu.clone()),
        ("昆明第一中学".to_string(), k1.clone()),
        ("云南艺术学院".to_string(), Figures::default()),
    ];
    let (ranked, unranked) = gridwhistle::telegram::stats_view::ranking(&items, &one);
    let ranked: Vec<(String, i64)> = ranked
        .into_iter()
        .map(|(n, s)| (n, (s * 1000.0).round() as i64))
        .collect();
    assert_eq!(
        ranked,
        vec![
            ("昆明第一中学".to_string(), 538),
            ("云南大学".to_string(), 487)
        ]
    );
    assert_eq!(unranked, vec!["云南艺术学院".to_string()]);

    // Distinct orders each reported on in 2026 (Shanghai): YU H, I, K, N (its 00:30 on
    // 2026-01-01 local); K1 H only (L cancelled, N's report on 2025-12-31 23:30 local).
    let year = november().year_of_end(SH).unwrap();
    assert_eq!(year.label, "2026");
    let reported = db
        .store
        .alliance_orders_reported(Some(&huashan()), &year)
        .await
        .unwrap();
    assert_eq!(reported.len(), 2, "{reported:?}");
    assert_eq!((reported[YU], reported[K1]), (4, 1));
    // Within yuanxi, YU reported only on I.
    let yuanxi = db
        .store
        .alliance_orders_reported(Some(&UnitId::parse("yuanxi").unwrap()), &year)
        .await
        .unwrap();
    assert_eq!(yuanxi.get(YU), Some(&1));
    // Fewer than two: K1 (one) and 云南艺术学院 (none), in the organisation's order.
    let org = db.store.load_org().await.unwrap();
    let alliances: Vec<(String, String)> = org
        .alliances_for(&huashan())
        .into_iter()
        .map(|a| (a.id.as_str().to_string(), a.name.clone()))
        .collect();
    assert_eq!(alliances.len(), 3);
    assert_eq!(
        fewer_than_two(&alliances, &reported),
        vec!["昆明第一中学", "云南艺术学院"]
    );
}

/// A breakdown's one grouped query gives each part what that part's own figures say: per
/// community of the sub-district, per department within it, per sub-district for a department.
async fn breakdowns_equal_each_parts_own_figures(db: &TestDb) {
    seed(db).await;
    let fig = |scope: Scope| {
        let store = db.store.clone();
        async move { store.figures(&scope, &november(), now()).await.unwrap() }
    };
    let by = |scope: Scope, b: Breakdown| {
        let store = db.store.clone();
        async move {
            store
                .figures_by(&scope, &b, &november(), now())
                .await
                .unwrap()
        }
    };
    let cuihu = UnitId::parse("cuihu").unwrap();
    let yuanxi = UnitId::parse("yuanxi").unwrap();
    let communities = by(
        Scope::unit(huashan()),
        Breakdown::Units(vec![cuihu.clone(), yuanxi.clone()]),
    )
    .await;
    // cuihu: A, B, D, G with 6 parties, 3 reports; yuanxi: C
    assert_eq!(
        (
            communities["cuihu"].whistles,
            communities["cuihu"].parties,
            communities["cuihu"].reports
        ),
        (4, 6, 3)
    );
    assert_eq!(communities["cuihu"], fig(Scope::unit(cuihu)).await);
    assert_eq!(communities["yuanxi"].whistles, 1);
    assert_eq!(communities["yuanxi"], fig(Scope::unit(yuanxi)).await);
    // Departments within huashan: urban only (its party on A; E cancelled).
    let departments = by(Scope::unit(huashan()), Breakdown::Departments).await;
    assert_eq!(departments.keys().collect::<Vec<_>>(), vec!["urban"]);
    let urban = DepartmentId::parse("urban").unwrap();
    let urban_here = fig(Scope {
        unit: Some(huashan()),
        department: Some(urban.clone()),
        alliance: None,
    })
    .await;
    assert_eq!(departments["urban"], urban_here);
    assert_eq!(urban_here.time_to_report.median, Some(3600));
    // The department's chat, per sub-district: huashan holds all of it.
    let subdistricts = by(
        Scope::department(urban.clone()),
        Breakdown::Units(vec![huashan()]),
    )
    .await;
    assert_eq!(subdistricts["huashan"], urban_here);
    // Every unit at once (the report): each with its subtree; a unit with nothing is absent.
    let org = db.store.load_org().await.unwrap();
    let all = by(
        Scope::default(),
        Breakdown::Units(org.units.iter().map(|u| u.id.clone()).collect()),
    )
    .await;
    for u in &org.units {
        let own = fig(Scope::unit(u.id.clone())).await;
        assert_eq!(
            all.get(u.id.as_str()).cloned().unwrap_or_default(),
            own,
            "{}",
            u.id.as_str()
        );
    }
    assert_eq!(all["wuhua"].whistles, 5);
    assert_eq!(all["cuihu-1"].whistles, 3);
    // No parts, no query.
    assert!(by(Scope::default(), Breakdown::Units(Vec::new()))
        .await
        .is_empty());
}

crate::contract!(
    the_sub_district_adds_up_to_the_hand_worked_figures,
    subtrees_departments_and_periods_count_only_their_own,
    an_uploaded_chart_is_claimed_with_its_bytes,
    alliance_units_add_up_rank_and_are_listed_under_two_orders,
    breakdowns_equal_each_parts_own_figures,
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
    // As the figures stood at the tests' "now", Wednesday 2026-12-02 10:00 in Shanghai.
    const AS_OF: &str = "2026-12-02T10:00:00+08:00";
    let out = run(&[
        "report", "--month", "2026-11", "--unit", "huashan", "--as-of", AS_OF,
    ]);
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
            &"unit,huashan,华山街道,5,7,4,3,1,1,0,0,1,33.3,600,5400,16200,21600,,20.0,,,,1,"
        ),
        "{csv}"
    );
    // urban: its one party, on order A (3600 s, late); A resolved in 21600 s, never rated.
    assert!(
        lines.contains(
            &"department,urban,城管中队,1,1,1,1,1,0,0,0,0,,3600,3600,21600,21600,,,,,,1,"
        ),
        "{csv}"
    );
    // wuhua is above huashan: not in its report; cuihu-1 is.
    assert!(!csv.contains(",wuhua,"));
    assert!(csv.contains("unit,cuihu-1,"));

    let md = run(&[
        "report", "--month", "2026-11", "--format", "md", "--as-of", AS_OF,
    ]);
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

/// `gridwhistle report` writes one row per alliance unit too, with the distinct orders it
/// reported on in the month's calendar year (the last column; blank for units and departments).
#[tokio::test]
async fn the_monthly_report_has_a_row_per_alliance_unit_with_its_orders_this_year() {
    let db = crate::support::sqlite().await;
    seed_alliances(&db).await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gridwhistle"))
        .args([
            "report",
            "--month",
            "2026-11",
            "--unit",
            "huashan",
            "--as-of",
            "2026-12-02T10:00:00+08:00",
        ])
        .env("DATABASE_URL", &db.url)
        .env("GRIDWHISTLE_LANG", "en")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert!(
        lines[0].ends_with(",not rated,alliance units: orders reported on in the year"),
        "{}",
        lines[0]
    );
    // As worked out in `alliance_units_add_up_rank_and_are_listed_under_two_orders`; every rate
    // has fewer than the example's five cases (blank); 2026: YU 4 orders, K1 1, arts none.
    for row in [
        "alliance,kunming-no1-middle-school,昆明第一中学,1,1,1,1,0,0,0,0,0,,3600,3600,7200,7200,,,,,,0,1",
        "alliance,yunnan-arts,云南艺术学院,0,0,0,0,0,0,0,0,0,,,,,,,,,,,0,0",
        "alliance,yunnan-university,云南大学,3,3,2,2,0,0,0,0,0,,300,600,7200,14400,,,,,,0,4",
    ] {
        assert!(lines.contains(&row), "{row}\n{csv}");
    }
    // huashan now counts H, I, J too: 8 whistles; its yearly column is blank.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("unit,huashan,华山街道,8,") && l.ends_with(',')),
        "{csv}"
    );
}
