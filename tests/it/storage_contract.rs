//! The storage contract: every test here runs on SQLite and on PostgreSQL (`sqlite::…` and
//! `postgres::…` in the output).

use chrono::{DateTime, Duration, TimeZone, Utc};
use gridwhistle::domain::org::{parse_org, Membership};
use gridwhistle::domain::policy::Level;
use gridwhistle::domain::{
    ChatId, EventKind, Lang, OrderId, OrderState, Party, PartyTarget, RoleId, Scope,
    TelegramUserId, UnitId, WhistleOrder,
};
use gridwhistle::storage::{Commit, OutboxRow, Outgoing, Payload, Priority, StoreError, Throttle};

use crate::support::TestDb;

const HUASHAN: &str = include_str!("../../examples/huashan.toml");

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap()
}

/// A message in `chat`: the order's card when `card` names one (first class), else an answer.
fn send(chat: i64, text: &str, card: Option<OrderId>) -> Outgoing {
    Outgoing {
        chat_id: gridwhistle::domain::ChatId(chat),
        payload: Payload::Send {
            html: text.into(),
            buttons: vec![],
            card,
            reply_to_card: None,
            reply_to: None,
            keyboard: None,
        },
        priority: if card.is_some() {
            Priority::Notice
        } else {
            Priority::Answer
        },
    }
}

/// A message of class `p` in `chat`.
fn send_as(chat: i64, text: &str, p: Priority) -> Outgoing {
    send(chat, text, None).with_priority(p)
}

/// A reply to the order's card in `chat` (a notice).
fn reply_to_card(chat: i64, text: &str, order: OrderId) -> Outgoing {
    Outgoing {
        chat_id: gridwhistle::domain::ChatId(chat),
        payload: Payload::Send {
            html: text.into(),
            buttons: vec![],
            card: None,
            reply_to_card: Some(order),
            reply_to: None,
            keyboard: None,
        },
        priority: Priority::Notice,
    }
}

/// An edit of the order's card in `chat`.
fn edit(chat: i64, text: &str, order: OrderId) -> Outgoing {
    Outgoing {
        chat_id: gridwhistle::domain::ChatId(chat),
        payload: Payload::EditCard {
            order,
            html: text.into(),
            buttons: vec![],
        },
        priority: Priority::Answer,
    }
}

/// The text of a claimed row.
fn text_of(row: &OutboxRow) -> &str {
    match &row.payload {
        Payload::Send { html, .. } | Payload::EditCard { html, .. } => html,
        Payload::ClearButtons { .. } => "(clear buttons)",
        Payload::Photos { caption, .. } => caption.as_deref().unwrap_or("(photos)"),
        Payload::Copy { .. } => "(copy)",
        Payload::Upload { caption, .. } => caption.as_deref().unwrap_or("(upload)"),
    }
}

/// Claims and delivers everything due in turn (each claimed row marked sent at once, as message
/// `n`), returning (chat, text) in the order the rows were claimed.
async fn drain(db: &TestDb, now: DateTime<Utc>) -> Vec<(i64, String)> {
    let mut order = Vec::new();
    let mut mid = 1000;
    loop {
        let rows = db.store.claim_outbox(now, 30_000, 10).await.unwrap();
        if rows.is_empty() {
            return order;
        }
        for r in rows {
            mid += 1;
            order.push((r.chat_id.0, text_of(&r).to_string()));
            db.store.outbox_sent(&r, Some(mid)).await.unwrap();
        }
    }
}

/// The texts claimed in one chat, in order.
fn in_chat(order: &[(i64, String)], chat: i64) -> Vec<&str> {
    order
        .iter()
        .filter(|(c, _)| *c == chat)
        .map(|(_, t)| t.as_str())
        .collect()
}

fn commit(events: &[gridwhistle::domain::Event], now: DateTime<Utc>) -> Commit<'_> {
    Commit {
        events,
        out: &[],
        jobs: None,
        finish_job: None,
        now,
    }
}

fn new_order(parties: &[&str]) -> WhistleOrder {
    WhistleOrder {
        id: OrderId(0),
        unit: UnitId::parse("cuihu-1").unwrap(),
        text: "圆西路12号门口垃圾堆积 <b>&".into(),
        location: Some("圆西路12号".into()),
        urgent: true,
        state: OrderState::Open,
        level: Level::Grid,
        whistler: TelegramUserId(1001).into(),
        created_at: t0(),
        resolve_due: t0() + Duration::hours(4),
        parties: parties
            .iter()
            .map(|r| Party {
                target: PartyTarget::Role {
                    unit: UnitId::parse("cuihu-1").unwrap(),
                    role: RoleId::new(*r),
                },
                level: Level::Grid,
                added_at: t0(),
                ack_due: t0() + Duration::minutes(10),
                report: None,
            })
            .collect(),
        reopen_count: 0,
        place: None,
        photos: Vec::new(),
    }
}

async fn import_twice_changes_nothing(db: &TestDb) {
    let org = parse_org(HUASHAN).unwrap();
    let first = db.store.import_org(&org, false).await.unwrap();
    assert!(first.created > 50, "{first:?}");
    assert_eq!(first.updated, 0);
    let second = db.store.import_org(&org, false).await.unwrap();
    assert!(
        !second.changed(),
        "second import changed something: {second:?}"
    );
    assert_eq!(second.unchanged, first.created);
    let loaded = db.store.load_org().await.unwrap();
    let sorted = |mut v: Vec<gridwhistle::domain::org::Unit>| {
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    };
    assert_eq!(sorted(loaded.units), sorted(org.units.clone()));
    let mut depts = org.departments.clone();
    depts.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(loaded.departments, depts);
    assert_eq!(loaded.memberships, org.memberships);
    assert_eq!(loaded.people, org.people);
    assert_eq!(loaded.policy, org.policy);
    assert_eq!(loaded.calendar, org.calendar);
    assert_eq!(loaded.keywords, org.keywords);
    assert_eq!(loaded.roles, org.roles);
    assert_eq!(loaded.timezone, org.timezone);
}

/// An alliance unit's aliases, its chat and its liaisons read back as the file says; a chat
/// bound to it with /bind is its chat after that.
async fn alliances_read_back_with_aliases_chat_and_liaisons(db: &TestDb) {
    let text = HUASHAN.replace(
        "id = \"yunnan-university\"\nname = \"云南大学\"\n",
        "id = \"yunnan-university\"\nname = \"云南大学\"\naliases = [\"云大\", \"YNU\"]\nchat_id = -1009000000001\n",
    ) + "\n[[member]]\ntelegram_id = 3001\nname = \"李明\"\nalliance = \"yunnan-university\"\n";
    let org = parse_org(&text).unwrap();
    db.store.import_org(&org, false).await.unwrap();
    let loaded = db.store.load_org().await.unwrap();
    let ynu = loaded
        .alliances
        .iter()
        .find(|a| a.id.as_str() == "yunnan-university")
        .unwrap();
    assert_eq!(ynu.aliases, vec!["云大".to_string(), "YNU".to_string()]);
    assert_eq!(
        ynu.chat_id,
        Some(gridwhistle::domain::ChatId(-1009000000001))
    );
    let scope = Scope::from_parts("alliance", "yunnan-university").unwrap();
    assert_eq!(
        loaded.holders(&scope, &RoleId::new("liaison")),
        vec![TelegramUserId(3001)]
    );
    db.store
        .bind_chat(gridwhistle::domain::ChatId(-4101), &scope)
        .await
        .unwrap();
    assert_eq!(
        db.store.chat_of(&scope).await.unwrap(),
        Some(gridwhistle::domain::ChatId(-4101))
    );
    let bound = db
        .store
        .chat(gridwhistle::domain::ChatId(-4101))
        .await
        .unwrap();
    assert_eq!(bound.and_then(|b| b.scope), Some(scope));
}

async fn a_changed_row_is_updated_not_duplicated(db: &TestDb) {
    let org = parse_org(HUASHAN).unwrap();
    db.store.import_org(&org, false).await.unwrap();
    let changed = parse_org(&HUASHAN.replace("翠湖社区第一网格\"", "翠湖社区一网格\"")).unwrap();
    let r = db.store.import_org(&changed, false).await.unwrap();
    assert_eq!((r.created, r.updated), (0, 1), "{r:?}");
    let loaded = db.store.load_org().await.unwrap();
    let names: Vec<_> = loaded
        .units
        .iter()
        .filter(|u| u.id.as_str() == "cuihu-1")
        .map(|u| u.name.clone())
        .collect();
    assert_eq!(names, vec!["翠湖社区一网格".to_string()]);
}

async fn chat_made_changes_survive_import_and_prune_removes_only_when_asked(db: &TestDb) {
    let org = parse_org(HUASHAN).unwrap();
    db.store.import_org(&org, false).await.unwrap();
    let extra = Membership {
        telegram_id: TelegramUserId(1011),
        scope: Scope::Unit(UnitId::parse("cuihu-1").unwrap()),
        role: RoleId::new("sanitation"),
    };
    assert!(db.store.assign(&extra).await.unwrap());
    assert!(
        !db.store.assign(&extra).await.unwrap(),
        "assigning twice is a no-op"
    );
    db.store.import_org(&org, false).await.unwrap();
    assert!(db
        .store
        .load_org()
        .await
        .unwrap()
        .memberships
        .contains(&extra));

    let plan = db.store.prune_plan(&org).await.unwrap();
    assert_eq!(
        plan,
        vec!["member 1011 unit:cuihu-1 sanitation".to_string()]
    );
    assert!(
        db.store
            .load_org()
            .await
            .unwrap()
            .memberships
            .contains(&extra),
        "a plan removes nothing"
    );
    let r = db.store.import_org(&org, true).await.unwrap();
    assert_eq!(r.removed, plan);
    assert!(!db
        .store
        .load_org()
        .await
        .unwrap()
        .memberships
        .contains(&extra));

    // a grid dropped from the file goes with --prune, and its chat loses the binding
    db.store
        .bind_chat(
            gridwhistle::domain::ChatId(-555),
            &Scope::Unit(UnitId::parse("yunda-1").unwrap()),
        )
        .await
        .unwrap();
    let smaller = parse_org(&HUASHAN.replace("id = \"yunda-1\"", "id = \"yunda-2\"")).unwrap();
    let plan = db.store.prune_plan(&smaller).await.unwrap();
    assert_eq!(
        plan,
        vec![
            "unit yunda-1".to_string(),
            "chat -555 → unit:yunda-1".to_string()
        ]
    );
    db.store.import_org(&smaller, true).await.unwrap();
    assert_eq!(
        db.store
            .chat(gridwhistle::domain::ChatId(-555))
            .await
            .unwrap()
            .unwrap()
            .scope,
        None
    );
}

async fn chats_bind_set_language_and_follow_a_supergroup_upgrade(db: &TestDb) {
    let grid = Scope::Unit(UnitId::parse("cuihu-1").unwrap());
    assert_eq!(
        db.store
            .chat(gridwhistle::domain::ChatId(-42))
            .await
            .unwrap(),
        None
    );
    db.store
        .bind_chat(gridwhistle::domain::ChatId(-42), &grid)
        .await
        .unwrap();
    db.store
        .set_chat_locale(gridwhistle::domain::ChatId(-42), Lang::En)
        .await
        .unwrap();
    let b = db
        .store
        .chat(gridwhistle::domain::ChatId(-42))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((b.scope, b.locale), (Some(grid.clone()), Some(Lang::En)));
    db.store
        .migrate_chat(
            gridwhistle::domain::ChatId(-42),
            gridwhistle::domain::ChatId(-1009999),
        )
        .await
        .unwrap();
    assert_eq!(
        db.store
            .chat(gridwhistle::domain::ChatId(-42))
            .await
            .unwrap(),
        None
    );
    let b = db
        .store
        .chat(gridwhistle::domain::ChatId(-1009999))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((b.scope, b.locale), (Some(grid.clone()), Some(Lang::En)));
    assert_eq!(
        db.store.chat_of(&grid).await.unwrap(),
        Some(gridwhistle::domain::ChatId(-1009999))
    );
    // binding another chat to the same unit moves the unit there
    db.store
        .bind_chat(gridwhistle::domain::ChatId(-77), &grid)
        .await
        .unwrap();
    assert_eq!(
        db.store.chat_of(&grid).await.unwrap(),
        Some(gridwhistle::domain::ChatId(-77))
    );
    assert_eq!(
        db.store
            .chat(gridwhistle::domain::ChatId(-1009999))
            .await
            .unwrap()
            .unwrap()
            .scope,
        None
    );
}

async fn people_are_learned_and_found_by_username(db: &TestDb) {
    db.store
        .learn_person(TelegramUserId(5), "王芳", Some("WangFang"))
        .await
        .unwrap();
    let p = db
        .store
        .person_by_username("@wangfang")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.telegram_id, TelegramUserId(5));
    // the username changes hands: it now names the other person only
    db.store
        .learn_person(TelegramUserId(6), "赵桂英", Some("wangfang"))
        .await
        .unwrap();
    assert_eq!(
        db.store
            .person_by_username("wangfang")
            .await
            .unwrap()
            .unwrap()
            .telegram_id,
        TelegramUserId(6)
    );
    assert_eq!(
        db.store
            .person(TelegramUserId(5))
            .await
            .unwrap()
            .unwrap()
            .username,
        None
    );
}

async fn orders_are_numbered_saved_with_events_and_guarded_by_version(db: &TestDb) {
    let a = crate::support::create_order(
        &db.store,
        new_order(&["sanitation", "urban_enforcement"]),
        &[],
        |o| {
            (
                vec![gridwhistle::domain::Event {
                    order: o.id,
                    at: t0(),
                    actor: Some(o.whistler),
                    kind: EventKind::Created,
                }],
                vec![send(-100, &format!("#{}", o.id), Some(o.id))],
            )
        },
    )
    .await;
    let b = crate::support::create_order(&db.store, new_order(&["sanitation"]), &[], |_| {
        (vec![], vec![])
    })
    .await;
    assert_eq!(b.id.0, a.id.0 + 1, "one sequence");

    let read = db.store.order(a.id).await.unwrap().unwrap();
    assert_eq!(read.order, a, "an order reads back as it was written");
    let mut changed = read.order.clone();
    let ev = match changed
        .report(0, TelegramUserId(1002), t0() + Duration::minutes(3))
        .unwrap()
    {
        gridwhistle::domain::ReportOutcome::Recorded(e) => e,
        other => panic!("{other:?}"),
    };
    db.store
        .save_order(&read, &changed, commit(&[ev], t0()))
        .await
        .unwrap();
    // a second writer holding the old version is refused and changes nothing
    let mut stale = read.order.clone();
    stale.resolve(TelegramUserId(1004), None, t0()).unwrap();
    let e = db
        .store
        .save_order(&read, &stale, commit(&[], t0()))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict), "{e:?}");
    let now = db.store.order(a.id).await.unwrap().unwrap();
    assert_eq!(now.order.state, OrderState::Open);
    assert_eq!(
        now.order.parties[0].report.as_ref().unwrap().by,
        TelegramUserId(1002)
    );
    let kinds: Vec<_> = db
        .store
        .events(a.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind.name())
        .collect();
    assert_eq!(kinds, vec!["created", "reported"]);
    let page = db
        .store
        .orders_page(
            &Scope::Unit(UnitId::parse("cuihu-1").unwrap()),
            false,
            0,
            30,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(
        page.orders.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![b.id, a.id]
    );
    // Pages are newest first and the parties come with them.
    let second = db
        .store
        .orders_page(&Scope::Unit(UnitId::parse("cuihu-1").unwrap()), false, 1, 1)
        .await
        .unwrap();
    assert_eq!((second.total, second.orders.len()), (2, 1));
    assert_eq!(second.orders[0].id, a.id);
    assert_eq!(
        second.orders[0].parties,
        db.store.order(a.id).await.unwrap().unwrap().order.parties
    );
    // From the community above (the units' tree from the organisation): the grid's orders
    // too; from another grid: none.
    db.store
        .import_org(&parse_org(HUASHAN).unwrap(), false)
        .await
        .unwrap();
    let above = db
        .store
        .orders_page(&Scope::Unit(UnitId::parse("cuihu").unwrap()), true, 0, 30)
        .await
        .unwrap();
    assert_eq!(above.total, 2);
    let other = db
        .store
        .orders_page(&Scope::Unit(UnitId::parse("cuihu-2").unwrap()), true, 0, 30)
        .await
        .unwrap();
    assert_eq!(other.total, 0);
}

/// A chat's queue in one class (a card, then an answer after it): in order, each once.
async fn the_outbox_delivers_each_chat_in_order_and_never_twice(db: &TestDb) {
    let o = crate::support::create_order(&db.store, new_order(&["sanitation"]), &[], |o| {
        (
            vec![],
            vec![
                send(-1, "card", Some(o.id)),
                send(-1, "second", None),
                send(-2, "other chat", None),
            ],
        )
    })
    .await;
    let first = db.store.claim_outbox(t0(), 30_000, 10).await.unwrap();
    assert_eq!(first.len(), 2, "the head of each chat: {first:?}");
    assert!(
        db.store
            .claim_outbox(t0(), 30_000, 10)
            .await
            .unwrap()
            .is_empty(),
        "claimed rows are not handed out twice"
    );
    db.store.outbox_sent(&first[0], Some(55)).await.unwrap();
    assert_eq!(
        db.store
            .order_of_card(
                gridwhistle::domain::ChatId(-1),
                gridwhistle::domain::MessageId(55)
            )
            .await
            .unwrap(),
        Some(o.id)
    );
    assert_eq!(
        db.store
            .card_message(o.id, gridwhistle::domain::ChatId(-1))
            .await
            .unwrap(),
        Some(gridwhistle::domain::MessageId(55))
    );
    db.store
        .outbox_retry(first[1].id, Some(t0() + Duration::seconds(5)), "429")
        .await
        .unwrap();
    let next = db.store.claim_outbox(t0(), 30_000, 10).await.unwrap();
    assert_eq!(next.len(), 1);
    assert!(matches!(&next[0].payload, Payload::Send { html, .. } if html == "second"));
    assert_eq!(
        db.store.next_outbox_due(t0()).await.unwrap(),
        Some(t0() + Duration::seconds(5)),
        "the retry is due first"
    );
    db.store
        .outbox_failed(next[0].id, "Forbidden: bot was kicked", None)
        .await
        .unwrap();
    let later = db
        .store
        .claim_outbox(t0() + Duration::seconds(6), 30_000, 10)
        .await
        .unwrap();
    assert_eq!(later.len(), 1);
    db.store.outbox_sent(&later[0], Some(1)).await.unwrap();
    assert_eq!(db.store.outbox_counts().await.unwrap(), (0, 2, 1));
    // a lease that ran out (a sender died) is claimed again
    db.store
        .enqueue(&[send(-3, "x", None)], t0())
        .await
        .unwrap();
    assert_eq!(
        db.store.claim_outbox(t0(), 1_000, 10).await.unwrap().len(),
        1
    );
    assert_eq!(
        db.store
            .claim_outbox(t0() + Duration::seconds(2), 1_000, 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn updates_are_recorded_once_and_remembered_until_processed(db: &TestDb) {
    assert!(db
        .store
        .record_update(10, ChatId(-1), None, "{}", t0())
        .await
        .unwrap());
    assert!(
        !db.store
            .record_update(10, ChatId(-1), None, "{}", t0())
            .await
            .unwrap(),
        "a redelivered update is not new"
    );
    assert!(db
        .store
        .record_update(900, ChatId(-1), None, "{\"x\":1}", t0())
        .await
        .unwrap());
    db.store.mark_update_processed(10, t0()).await.unwrap();
    assert_eq!(
        db.store.unprocessed_updates().await.unwrap(),
        vec![(900, "{\"x\":1}".to_string())]
    );
}

async fn jobs_are_claimed_by_one_scheduler_and_done_once(db: &TestDb) {
    use gridwhistle::domain::escalation::{Job, JobKind};
    let at = |m: i64| t0() + Duration::minutes(m);
    let jobs = [
        Job {
            kind: JobKind::Remind,
            due: at(20),
            anchor: at(30),
        },
        Job {
            kind: JobKind::Ack,
            due: at(30),
            anchor: at(30),
        },
    ];
    let o = crate::support::create_order(&db.store, new_order(&["sanitation"]), &jobs, |_| {
        (vec![], vec![])
    })
    .await;
    assert_eq!(db.store.next_job_due().await.unwrap(), Some(at(20)));
    assert!(
        db.store
            .claim_jobs(at(10), 60_000, 10)
            .await
            .unwrap()
            .is_empty(),
        "nothing due yet"
    );
    let (a, b) = tokio::join!(
        db.store.claim_jobs(at(31), 60_000, 10),
        db.store.claim_jobs(at(31), 60_000, 10)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a.len() + b.len(),
        2,
        "each due job claimed by exactly one of two schedulers: {a:?} {b:?}"
    );
    let remind = a
        .iter()
        .chain(&b)
        .find(|j| j.kind == JobKind::Remind)
        .unwrap()
        .clone();
    assert!(db.store.finish_job(remind.id, at(31)).await.unwrap());
    assert!(
        !db.store.finish_job(remind.id, at(31)).await.unwrap(),
        "a job is done once"
    );
    // Saving the order with the same jobs does not re-arm the done one; a new deadline is added.
    let read = db.store.order(o.id).await.unwrap().unwrap();
    let more = [
        jobs[0],
        jobs[1],
        Job {
            kind: JobKind::Resolve,
            due: at(600),
            anchor: at(600),
        },
    ];
    let c = Commit {
        events: &[],
        out: &[],
        jobs: Some(&more),
        finish_job: None,
        now: at(31),
    };
    db.store.save_order(&read, &read.order, c).await.unwrap();
    let pending: Vec<_> = db
        .store
        .pending_jobs(o.id)
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(pending, vec![JobKind::Ack, JobKind::Resolve]);
    // A save that completes a job another scheduler already did is refused whole.
    let ack = a
        .iter()
        .chain(&b)
        .find(|j| j.kind == JobKind::Ack)
        .unwrap()
        .clone();
    assert!(db.store.finish_job(ack.id, at(32)).await.unwrap());
    let read = db.store.order(o.id).await.unwrap().unwrap();
    let c = Commit {
        events: &[],
        out: &[],
        jobs: None,
        finish_job: Some(ack.id),
        now: at(32),
    };
    assert!(matches!(
        db.store.save_order(&read, &read.order, c).await,
        Err(StoreError::Conflict)
    ));
    // Stale pending jobs go when the order no longer has them.
    let read = db.store.order(o.id).await.unwrap().unwrap();
    let c = Commit {
        events: &[],
        out: &[],
        jobs: Some(&[]),
        finish_job: None,
        now: at(33),
    };
    db.store.save_order(&read, &read.order, c).await.unwrap();
    assert!(db.store.pending_jobs(o.id).await.unwrap().is_empty());
}

async fn a_replayed_update_cannot_write_its_messages_twice(db: &TestDb) {
    use gridwhistle::storage::processing;
    assert!(db
        .store
        .record_update(77, ChatId(-1), None, "{}", t0())
        .await
        .unwrap());
    processing(77, db.store.enqueue(&[send(-5, "first run", None)], t0()))
        .await
        .unwrap();
    // The process died before marking the update in the log; the replay finds it marked.
    let again = processing(77, db.store.enqueue(&[send(-5, "second run", None)], t0())).await;
    assert!(
        matches!(again, Err(StoreError::AlreadyProcessed)),
        "{again:?}"
    );
    assert_eq!(
        db.store.outbox_counts().await.unwrap().0,
        1,
        "only the first run's message"
    );
    assert!(db.store.unprocessed_updates().await.unwrap().is_empty());
    // Within one run, later transactions go through.
    assert!(db
        .store
        .record_update(78, ChatId(-1), None, "{}", t0())
        .await
        .unwrap());
    processing(78, async {
        db.store
            .enqueue(&[send(-5, "a", None)], t0())
            .await
            .unwrap();
        db.store
            .enqueue(&[send(-5, "b", None)], t0())
            .await
            .unwrap();
    })
    .await;
    assert_eq!(db.store.outbox_counts().await.unwrap().0, 3);
}

async fn the_outbox_goes_class_by_class_and_in_order_within_a_class(db: &TestDb) {
    use Priority::{Answer, Hint, Notice};
    let queued = [
        send_as(-1, "hint 1", Hint),
        send_as(-1, "answer 1", Answer),
        send_as(-1, "hint 2", Hint),
        send_as(-1, "notice 1", Notice),
        send_as(-2, "other chat hint", Hint),
        send_as(-1, "answer 2", Answer),
        send_as(-1, "notice 2", Notice),
        send_as(-2, "other chat notice", Notice),
    ];
    db.store.enqueue(&queued, t0()).await.unwrap();
    // Each class is stored and read back as it was queued.
    let first = db.store.claim_outbox(t0(), 30_000, 10).await.unwrap();
    let got: Vec<(i64, &str, Priority)> = first
        .iter()
        .map(|r| (r.chat_id.0, text_of(r), r.priority))
        .collect();
    assert_eq!(
        got,
        vec![(-1, "notice 1", Notice), (-2, "other chat notice", Notice)],
        "the head of each chat is its first row of the first class"
    );
    // A later notice does not overtake one of its chat's messages on its way (one held per chat).
    db.store
        .enqueue(&[send_as(-1, "notice 3", Notice)], t0())
        .await
        .unwrap();
    assert!(db
        .store
        .claim_outbox(t0(), 30_000, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        db.store.next_outbox_due(t0()).await.unwrap(),
        Some(t0() + Duration::seconds(30)),
        "nothing is due before a held message comes free"
    );
    for r in &first {
        db.store.outbox_sent(r, Some(r.id.0)).await.unwrap();
    }
    let rest = drain(db, t0()).await;
    assert_eq!(
        in_chat(&rest, -1),
        ["notice 2", "notice 3", "answer 1", "answer 2", "hint 1", "hint 2"]
    );
    assert_eq!(in_chat(&rest, -2), ["other chat hint"]);
    // The class of a row waiting for a retry still holds its chat's order: nothing overtakes
    // the head while it waits, except a higher class.
    db.store
        .enqueue(&[send_as(-3, "answer", Answer)], t0())
        .await
        .unwrap();
    let held = db.store.claim_outbox(t0(), 30_000, 10).await.unwrap();
    db.store
        .outbox_retry(held[0].id, Some(t0() + Duration::seconds(5)), "429")
        .await
        .unwrap();
    db.store
        .enqueue(
            &[send_as(-3, "hint", Hint), send_as(-3, "notice", Notice)],
            t0(),
        )
        .await
        .unwrap();
    assert_eq!(in_chat(&drain(db, t0()).await, -3), ["notice"]);
    assert_eq!(
        db.store.next_outbox_due(t0()).await.unwrap(),
        Some(t0() + Duration::seconds(5)),
        "the chat waits for its head, not for the rows behind it"
    );
    assert_eq!(
        in_chat(&drain(db, t0() + Duration::seconds(5)).await, -3),
        ["answer", "hint"]
    );
    assert_eq!(db.store.outbox_counts().await.unwrap(), (0, 12, 0));
}

async fn an_edit_or_a_reply_never_goes_before_its_cards_send(db: &TestDb) {
    let o = crate::support::create_order(&db.store, new_order(&["sanitation"]), &[], |o| {
        (vec![], vec![send(-1, "card", Some(o.id))])
    })
    .await;
    // The card waits out a 429; its notice and edit, and an answer, wait behind it.
    let card = db.store.claim_outbox(t0(), 30_000, 10).await.unwrap();
    assert_eq!(card.len(), 1);
    assert_eq!(card[0].payload.kind(), "card");
    db.store
        .outbox_retry(card[0].id, Some(t0() + Duration::seconds(3)), "429")
        .await
        .unwrap();
    db.store
        .enqueue(
            &[
                reply_to_card(-1, "notice", o.id),
                edit(-1, "edit", o.id),
                send(-1, "answer", None),
            ],
            t0(),
        )
        .await
        .unwrap();
    assert!(db
        .store
        .claim_outbox(t0(), 30_000, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        in_chat(&drain(db, t0() + Duration::seconds(3)).await, -1),
        ["card", "notice", "edit", "answer"]
    );
    // A chat that moved to a supergroup: the queued notice about the order (older than the
    // card posted afresh there) waits for the new card; the edit of the old card is dropped.
    let o2 = crate::support::create_order(&db.store, new_order(&["sanitation"]), &[], |o| {
        (
            vec![],
            vec![
                reply_to_card(-4, "old notice", o.id),
                edit(-4, "old edit", o.id),
            ],
        )
    })
    .await;
    db.store
        .enqueue(&[send(-4, "card posted afresh", Some(o2.id))], t0())
        .await
        .unwrap();
    assert_eq!(
        in_chat(&drain(db, t0() + Duration::seconds(3)).await, -4),
        ["card posted afresh", "old notice"]
    );
    assert_eq!(db.store.outbox_counts().await.unwrap(), (0, 6, 0));
}

async fn superseded_and_unchanged_edits_are_dropped_before_they_are_claimed(db: &TestDb) {
    let o = crate::support::create_order(&db.store, new_order(&["sanitation"]), &[], |o| {
        (vec![], vec![send(-1, "as posted", Some(o.id))])
    })
    .await;
    assert_eq!(in_chat(&drain(db, t0()).await, -1), ["as posted"]);
    // Three edits queued before the sender came round: only the last goes.
    db.store
        .enqueue(
            &[
                edit(-1, "edit 1", o.id),
                edit(-1, "edit 2", o.id),
                edit(-1, "edit 3", o.id),
            ],
            t0(),
        )
        .await
        .unwrap();
    assert_eq!(in_chat(&drain(db, t0()).await, -1), ["edit 3"]);
    assert_eq!(
        db.store.outbox_counts().await.unwrap(),
        (0, 2, 0),
        "the superseded edits are neither pending, sent nor failed"
    );
    // An edit showing what the card shows goes nowhere; one that changes it back goes.
    db.store
        .enqueue(&[edit(-1, "edit 3", o.id)], t0())
        .await
        .unwrap();
    assert!(db
        .store
        .claim_outbox(t0(), 30_000, 10)
        .await
        .unwrap()
        .is_empty());
    db.store
        .enqueue(&[edit(-1, "as posted", o.id)], t0())
        .await
        .unwrap();
    assert_eq!(in_chat(&drain(db, t0()).await, -1), ["as posted"]);
    // Right after the card's own send, an edit to what it posted is dropped too.
    let o2 = crate::support::create_order(&db.store, new_order(&["sanitation"]), &[], |o| {
        (vec![], vec![send(-2, "card 2", Some(o.id))])
    })
    .await;
    db.store
        .enqueue(&[edit(-2, "card 2", o2.id)], t0())
        .await
        .unwrap();
    assert_eq!(in_chat(&drain(db, t0()).await, -2), ["card 2"]);
    // An edit held by a sender is not dropped under it; the newer one waits its turn.
    db.store
        .enqueue(&[edit(-2, "held", o2.id)], t0())
        .await
        .unwrap();
    let held = db.store.claim_outbox(t0(), 30_000, 10).await.unwrap();
    assert_eq!(held.len(), 1);
    db.store
        .enqueue(&[edit(-2, "card 2", o2.id)], t0())
        .await
        .unwrap();
    assert!(db
        .store
        .claim_outbox(t0(), 30_000, 10)
        .await
        .unwrap()
        .is_empty());
    db.store.outbox_sent(&held[0], None).await.unwrap();
    assert_eq!(
        in_chat(&drain(db, t0()).await, -2),
        ["card 2"],
        "changing the card back is needed after the held edit went"
    );
    assert_eq!(db.store.outbox_counts().await.unwrap(), (0, 6, 0));
}

async fn a_hint_goes_once_per_person_chat_and_kind_until_its_quiet_time_ends(db: &TestDb) {
    let hint = |chat| [send_as(chat, "不认识的命令", Priority::Hint)];
    let quiet = |chat, person, kind, now: DateTime<Utc>| Throttle {
        chat_id: chat,
        person,
        kind,
        until: now + Duration::minutes(3),
    };
    let at = |m| t0() + Duration::minutes(m);
    let s = &db.store;
    assert!(s
        .enqueue_throttled(
            &hint(-1),
            quiet(gridwhistle::domain::ChatId(-1), 7, "unknown-command", at(0)),
            at(0)
        )
        .await
        .unwrap());
    for (chat, person, kind, m, expected, why) in [
        (-1, 7, "unknown-command", 1, false, "the same again"),
        (-1, 7, "not-bound", 1, true, "another kind"),
        (-1, 8, "unknown-command", 1, true, "another person"),
        (-2, 7, "unknown-command", 1, true, "another chat"),
        (-1, 7, "unknown-command", 2, false, "still quiet"),
        (-1, 7, "unknown-command", 3, true, "the quiet time is over"),
        (
            -1,
            7,
            "unknown-command",
            4,
            false,
            "quiet again from the last one",
        ),
    ] {
        let queued = s
            .enqueue_throttled(
                &hint(chat),
                quiet(gridwhistle::domain::ChatId(chat), person, kind, at(m)),
                at(m),
            )
            .await
            .unwrap();
        assert_eq!(queued, expected, "{why}");
    }
    assert_eq!(
        s.outbox_counts().await.unwrap().0,
        5,
        "only what was queued"
    );
    // Two processes answering the same person at once: one hint.
    let key = quiet(
        gridwhistle::domain::ChatId(-3),
        9,
        "unknown-command",
        at(10),
    );
    let (one, other) = (hint(-3), hint(-3));
    let (a, b) = tokio::join!(
        s.enqueue_throttled(&one, key, at(10)),
        s.enqueue_throttled(&other, key, at(10))
    );
    assert_eq!(
        [a.unwrap(), b.unwrap()].iter().filter(|q| **q).count(),
        1,
        "exactly one of two at once"
    );
    assert_eq!(s.outbox_counts().await.unwrap().0, 6);
}

/// The verification jobs of a resolved order (issue 8, defect 8) are stored by kind, claimed
/// when due and read back as the same kinds; the event asking for verification and the policy's
/// `verify_within` read back as written.
async fn verify_jobs_events_and_the_policy_read_back_as_written(db: &TestDb) {
    use gridwhistle::domain::escalation::{jobs_for, JobKind};
    use gridwhistle::domain::policy::Secs;
    let mut org = parse_org(HUASHAN).unwrap();
    org.policy.verify_within = Secs(5400);
    db.store.import_org(&org, false).await.unwrap();
    assert_eq!(
        db.store.load_org().await.unwrap().policy.verify_within,
        Secs(5400)
    );

    let mut order = new_order(&["sanitation"]);
    let resolved_at = t0() + Duration::minutes(5);
    let resolved = order
        .resolve(TelegramUserId(1002), None, resolved_at)
        .unwrap();
    let jobs = jobs_for(&org, &order, std::slice::from_ref(&resolved));
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    let o = crate::support::create_order(&db.store, order, &jobs, |o| {
        let mut e = resolved.clone();
        e.order = o.id;
        (vec![e], vec![])
    })
    .await;
    let pending = db.store.pending_jobs(o.id).await.unwrap();
    assert_eq!(
        pending,
        vec![
            (JobKind::VerifyRemind, resolved_at + Duration::minutes(90)),
            (JobKind::VerifyAsk, resolved_at + Duration::minutes(180)),
        ],
        "urgent: plain time"
    );
    let claimed = db
        .store
        .claim_jobs(resolved_at + Duration::hours(4), 60_000, 10)
        .await
        .unwrap();
    let kinds: Vec<_> = claimed.iter().map(|j| (j.kind, j.anchor)).collect();
    assert_eq!(
        kinds,
        vec![
            (JobKind::VerifyRemind, resolved_at),
            (JobKind::VerifyAsk, resolved_at)
        ]
    );
    let asked = gridwhistle::domain::Event {
        order: o.id,
        at: resolved_at + Duration::minutes(90),
        actor: None,
        kind: EventKind::VerifyReminded {
            people: vec![TelegramUserId(1001), TelegramUserId(1100)],
        },
    };
    let read = db.store.order(o.id).await.unwrap().unwrap();
    let c = Commit {
        events: std::slice::from_ref(&asked),
        out: &[],
        jobs: Some(&jobs),
        finish_job: Some(claimed[0].id),
        now: asked.at,
    };
    db.store.save_order(&read, &read.order, c).await.unwrap();
    let events = db.store.events(o.id).await.unwrap();
    assert_eq!(events.last(), Some(&asked));
    assert_eq!(
        db.store.pending_jobs(o.id).await.unwrap(),
        vec![(JobKind::VerifyAsk, resolved_at + Duration::minutes(180))],
        "the done job is not re-armed by a save with the same jobs"
    );
}

crate::contract!(
    the_outbox_goes_class_by_class_and_in_order_within_a_class,
    an_edit_or_a_reply_never_goes_before_its_cards_send,
    superseded_and_unchanged_edits_are_dropped_before_they_are_claimed,
    a_hint_goes_once_per_person_chat_and_kind_until_its_quiet_time_ends,
    jobs_are_claimed_by_one_scheduler_and_done_once,
    verify_jobs_events_and_the_policy_read_back_as_written,
    a_replayed_update_cannot_write_its_messages_twice,
    import_twice_changes_nothing,
    a_changed_row_is_updated_not_duplicated,
    alliances_read_back_with_aliases_chat_and_liaisons,
    chat_made_changes_survive_import_and_prune_removes_only_when_asked,
    chats_bind_set_language_and_follow_a_supergroup_upgrade,
    people_are_learned_and_found_by_username,
    orders_are_numbered_saved_with_events_and_guarded_by_version,
    the_outbox_delivers_each_chat_in_order_and_never_twice,
    updates_are_recorded_once_and_remembered_until_processed,
);

/// Residents (issue 9): unit boundaries, address keywords and the resident policy are stored by
/// `org import` and read back as the file gave them, on both backends.
mod resident_places {
    use super::*;
    use gridwhistle::domain::geo::{unit_at, Boundary, Point};
    use gridwhistle::domain::policy::{ResidentPolicy, Secs};

    async fn boundaries_addresses_and_the_resident_policy_read_back_as_written(db: &TestDb) {
        let mut org = parse_org(HUASHAN).unwrap();
        // A grid with a hole and a second polygon, as a boundary file can give it.
        let wenlin = org
            .units
            .iter_mut()
            .find(|u| u.id.as_str() == "wenlin-1")
            .unwrap();
        wenlin.boundary = Some(
            Boundary::from_geojson(
                r#"{"type": "MultiPolygon", "coordinates": [
                [[[102.690, 25.058], [102.699, 25.058], [102.699, 25.062], [102.690, 25.062],
                  [102.690, 25.058]],
                 [[102.693, 25.059], [102.695, 25.059], [102.695, 25.061], [102.693, 25.061],
                  [102.693, 25.059]]],
                [[[102.6901, 25.0541], [102.6912, 25.0541], [102.6912, 25.0552],
                  [102.6901, 25.0541]]]]}"#,
            )
            .unwrap(),
        );
        wenlin.addresses = vec!["文林街".into(), "文化巷 3 号".into(), "\"引号\"".into()];
        org.resident = ResidentPolicy {
            rate_within: Secs(3600),
            duplicate_within: Secs(2 * 86_400),
            duplicate_radius_m: 120,
            reports_per_day: 2,
            max_photos: 10,
            max_text: 300,
        };
        db.store.import_org(&org, false).await.unwrap();
        let loaded = db.store.load_org().await.unwrap();
        assert_eq!(loaded.resident, org.resident);
        for u in &org.units {
            let l = loaded.unit(&u.id).unwrap();
            assert_eq!(l.boundary, u.boundary, "{}", u.id);
            assert_eq!(l.addresses, u.addresses, "{}", u.id);
        }
        assert!(loaded
            .unit(&UnitId::parse("wuhua").unwrap())
            .unwrap()
            .boundary
            .is_none());
        // What the bot does with them: the demo's street light, and the hole.
        let at = |lon, lat| unit_at(&loaded, Point { lat, lon }).map(|u| u.to_string());
        assert_eq!(at(102.7035, 25.0520).as_deref(), Some("cuihu-1"));
        assert_eq!(
            at(102.694, 25.060).as_deref(),
            Some("wenlin"),
            "in the hole"
        );
        assert_eq!(at(102.6909, 25.0543).as_deref(), Some("wenlin-1"));

        let again = db.store.import_org(&org, false).await.unwrap();
        assert!(!again.changed(), "{again:?}");
        // Moving one boundary updates that unit's row only.
        let mut moved = org.clone();
        let c2 = moved
            .units
            .iter_mut()
            .find(|u| u.id.as_str() == "cuihu-2")
            .unwrap();
        c2.boundary = Some(
            Boundary::from_ring(&[[102.699, 25.046], [102.708, 25.046], [102.708, 25.0495]])
                .unwrap(),
        );
        let r = db.store.import_org(&moved, false).await.unwrap();
        assert_eq!((r.created, r.updated), (0, 1), "{r:?}");
        let reloaded = db.store.load_org().await.unwrap();
        assert_eq!(
            reloaded
                .unit(&UnitId::parse("cuihu-2").unwrap())
                .unwrap()
                .boundary,
            moved
                .unit(&UnitId::parse("cuihu-2").unwrap())
                .unwrap()
                .boundary
        );
    }

    async fn a_corrupt_boundary_is_a_corrupt_store_not_a_panic(db: &TestDb) {
        let org = parse_org(HUASHAN).unwrap();
        db.store.import_org(&org, false).await.unwrap();
        // Broken by hand, as a bad restore might leave it.
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        sqlx::query("UPDATE units SET boundary = '{\"type\": \"Point\"' WHERE id = 'cuihu-1'")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let e = db.store.load_org().await.unwrap_err();
        assert!(
            matches!(e, StoreError::Corrupt(ref m) if m.contains("boundary")),
            "{e:?}"
        );
    }

    crate::contract!(
        boundaries_addresses_and_the_resident_policy_read_back_as_written,
        a_corrupt_boundary_is_a_corrupt_store_not_a_panic,
    );
}

/// The residents' payloads: photos, copies and reply keyboards (issue 9).
mod media {
    use super::*;
    use gridwhistle::acts::notices;
    use gridwhistle::storage::Keyboard;

    /// Each new payload kind reads back as written, with its kind; photos and a copy replying
    /// to a card wait for the card's send like any reply; a keyboard-less Send stored before
    /// keyboards existed still reads.
    async fn photos_copies_and_keyboards_round_trip_and_wait_for_their_card(db: &TestDb) {
        let o = crate::support::create_order(&db.store, new_order(&["sanitation"]), &[], |o| {
            (vec![], vec![send(-1, "card", Some(o.id))])
        })
        .await;
        let card = db.store.claim_outbox(t0(), 30_000, 10).await.unwrap();
        assert_eq!(card[0].payload.kind(), "card");
        db.store
            .outbox_retry(card[0].id, Some(t0() + Duration::seconds(3)), "429")
            .await
            .unwrap();
        let photos = notices::photos(
            gridwhistle::domain::ChatId(-1),
            vec!["AgAC-1".into(), "AgAC-2".into(), "AgAC-3".into()],
            Some("<b>现场</b> &amp; 照片".into()),
            Some(o.id),
        );
        let copy = notices::copy(
            gridwhistle::domain::ChatId(-1),
            gridwhistle::domain::ChatId(501),
            gridwhistle::domain::MessageId(12),
            Some(o.id),
        );
        let ask = notices::send_with_keyboard(
            gridwhistle::domain::ChatId(501),
            "请发送位置".into(),
            Keyboard::RequestLocation {
                label: "📍 发送位置".into(),
                skip: Some("跳过".into()),
            },
        );
        let remove = notices::send_with_keyboard(
            gridwhistle::domain::ChatId(501),
            "收到".into(),
            Keyboard::Remove,
        );
        let private_photo = notices::photos(
            gridwhistle::domain::ChatId(501),
            vec!["AgAC-9".into()],
            None,
            None,
        );
        let written = [photos, copy, ask, remove, private_photo];
        db.store.enqueue(&written, t0()).await.unwrap();
        assert_eq!(
            [&written[0], &written[1]].map(|o| o.priority),
            [Priority::Notice; 2],
            "about an order in a group: notices"
        );
        assert_eq!(
            [&written[2], &written[3], &written[4]].map(|o| o.priority),
            [Priority::Answer; 3],
            "private answers"
        );
        // The group's photos and copy wait for the card; the private chat's rows go in order.
        let mut seen = Vec::new();
        for at in [t0(), t0() + Duration::seconds(3)] {
            loop {
                let rows = db.store.claim_outbox(at, 30_000, 10).await.unwrap();
                if rows.is_empty() {
                    break;
                }
                for r in rows {
                    db.store.outbox_sent(&r, Some(r.id.0)).await.unwrap();
                    seen.push((r.chat_id, r.payload));
                }
            }
        }
        let group: Vec<&Payload> = seen
            .iter()
            .filter(|(c, _)| *c == gridwhistle::domain::ChatId(-1))
            .map(|(_, p)| p)
            .collect();
        assert_eq!(group.len(), 3);
        assert_eq!(group[0].kind(), "card");
        assert_eq!(group[1], &written[0].payload);
        assert_eq!(group[2], &written[1].payload);
        assert_eq!(group[1].kind(), "photos");
        assert_eq!(group[2].kind(), "copy");
        assert_eq!(group[1].order(), Some(o.id));
        let private: Vec<&Payload> = seen
            .iter()
            .filter(|(c, _)| *c == gridwhistle::domain::ChatId(501))
            .map(|(_, p)| p)
            .collect();
        assert_eq!(
            private,
            [
                &written[2].payload,
                &written[3].payload,
                &written[4].payload
            ]
        );
        assert!(matches!(
            private[0],
            Payload::Send { keyboard: Some(Keyboard::RequestLocation { skip: Some(s), .. }), buttons, .. }
                if s == "跳过" && buttons.is_empty()
        ));
        // A Send stored before keyboards existed has none.
        let old = r#"{"op":"send","html":"x","buttons":[],"card":null,"reply_to_card":null,"reply_to":null}"#;
        let p: Payload = serde_json::from_str(old).unwrap();
        assert!(matches!(p, Payload::Send { keyboard: None, .. }));
        assert_eq!(serde_json::to_string(&p).unwrap(), old, "stored unchanged");
        assert_eq!(db.store.outbox_counts().await.unwrap(), (0, 6, 0));
    }

    /// Twenty-three photos go as albums of 10, 10 and 3, one per delivery: the row keeps what
    /// is still to go (the caption went with the first), and is delivered only at the end.
    async fn many_photos_go_album_by_album_keeping_the_rest_in_the_row(db: &TestDb) {
        let ids: Vec<String> = (1..=23).map(|i| format!("AgAC-{i}")).collect();
        db.store
            .enqueue(
                &[notices::photos(
                    gridwhistle::domain::ChatId(-2),
                    ids.clone(),
                    Some("说明".into()),
                    None,
                )],
                t0(),
            )
            .await
            .unwrap();
        let mut albums = Vec::new();
        loop {
            let rows = db.store.claim_outbox(t0(), 30_000, 10).await.unwrap();
            let Some(row) = rows.into_iter().next() else {
                break;
            };
            let Payload::Photos {
                photos, caption, ..
            } = &row.payload
            else {
                panic!("photos: {:?}", row.payload)
            };
            let n = row.payload.messages_next();
            albums.push((photos[..n].to_vec(), caption.clone()));
            if n < photos.len() {
                let rest = Payload::Photos {
                    photos: photos[n..].to_vec(),
                    caption: None,
                    reply_to_card: None,
                    reply_to: None,
                };
                db.store.outbox_progress(row.id, &rest).await.unwrap();
                assert_eq!(db.store.outbox_counts().await.unwrap(), (1, 0, 0));
            } else {
                db.store.outbox_sent(&row, Some(99)).await.unwrap();
            }
        }
        let sizes: Vec<usize> = albums.iter().map(|(a, _)| a.len()).collect();
        assert_eq!(sizes, [10, 10, 3]);
        let all: Vec<String> = albums.iter().flat_map(|(a, _)| a.clone()).collect();
        assert_eq!(all, ids, "every photo once, in order");
        let captions: Vec<Option<String>> = albums.iter().map(|(_, c)| c.clone()).collect();
        assert_eq!(captions, [Some("说明".to_string()), None, None]);
        assert_eq!(db.store.outbox_counts().await.unwrap(), (0, 1, 0));
        // Eleven go as 9 and 2: never a lone photo at the end.
        assert_eq!(gridwhistle::storage::album_size(11), 9);
        assert_eq!(gridwhistle::storage::album_size(21), 10);
        assert_eq!(gridwhistle::storage::album_size(1), 1);
    }

    crate::contract!(
        photos_copies_and_keyboards_round_trip_and_wait_for_their_card,
        many_photos_go_album_by_album_keeping_the_rest_in_the_row,
    );
}

/// The organisation is cached and reloaded only when it changed (issue 11): every write that
/// changes what `load_org` reads is seen at once, by this store and by another process's.
mod org_cache {
    use super::*;
    use gridwhistle::storage::Store;

    async fn every_change_is_seen_at_once_by_every_process(db: &TestDb) {
        let org = parse_org(HUASHAN).unwrap();
        db.store.import_org(&org, false).await.unwrap();
        let other = Store::connect(&db.url).await.unwrap();
        let before = other.load_org().await.unwrap();
        assert_eq!(db.store.load_org().await.unwrap(), before);
        let m = Membership {
            telegram_id: TelegramUserId(4242),
            scope: Scope::Unit(UnitId::parse("cuihu-1").unwrap()),
            role: RoleId::new("sanitation"),
        };
        assert!(db.store.assign(&m).await.unwrap());
        // Another process sees the new member on its next read, not a stale copy.
        assert!(other.load_org().await.unwrap().memberships.contains(&m));
        db.store
            .bind_chat(
                gridwhistle::domain::ChatId(-777),
                &Scope::Unit(UnitId::parse("cuihu-2").unwrap()),
            )
            .await
            .unwrap();
        let seen = other.load_org().await.unwrap();
        let unit = seen
            .units
            .iter()
            .find(|u| u.id.as_str() == "cuihu-2")
            .unwrap();
        assert_eq!(unit.chat_id, Some(gridwhistle::domain::ChatId(-777)));
        assert!(other.unassign(&m).await.unwrap());
        assert!(!db.store.load_org().await.unwrap().memberships.contains(&m));
        // A person already known as they are costs no write: the version stays.
        db.store
            .learn_person(TelegramUserId(1001), "李明", Some("liming"))
            .await
            .unwrap();
        let a = db.store.load_org().await.unwrap();
        db.store
            .learn_person(TelegramUserId(1001), "李明", Some("liming"))
            .await
            .unwrap();
        assert_eq!(db.store.load_org().await.unwrap(), a);
        other.close().await;
    }

    crate::contract!(every_change_is_seen_at_once_by_every_process,);
}

/// Message ownership is kept apart from the outbox, and retention removes exactly what
/// `[retention]` says (issue 11).
mod retention {
    use super::*;
    use gridwhistle::acts::notices;
    use gridwhistle::domain::button::ButtonAction;
    use gridwhistle::domain::escalation::{Job, JobKind};
    use gridwhistle::domain::org::{PayloadRetention, Retention};
    use gridwhistle::domain::{MessageId, Who};
    use gridwhistle::render::Button;
    use gridwhistle::storage::Pruned;

    /// One number read with a query of our own (the store has no reader for it).
    async fn number(db: &TestDb, sql: &str) -> i64 {
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        let row = sqlx::query(sql).fetch_one(&pool).await.unwrap();
        let n: i64 = sqlx::Row::try_get(&row, 0).unwrap();
        pool.close().await;
        n
    }

    /// Delivers every due row at `at`, each as message `1000 + outbox id`.
    async fn deliver_all(db: &TestDb, at: DateTime<Utc>) -> Vec<OutboxRow> {
        let mut sent = Vec::new();
        loop {
            let rows = db.store.claim_outbox(at, 30_000, 10).await.unwrap();
            if rows.is_empty() {
                return sent;
            }
            for r in rows {
                let mid = match r.payload {
                    Payload::EditCard { .. } | Payload::ClearButtons { .. } => None,
                    _ => Some(1000 + r.id.0),
                };
                db.store.outbox_sent(&r, mid).await.unwrap();
                sent.push(r);
            }
        }
    }

    fn notice_with_buttons(chat: i64, order: OrderId) -> Outgoing {
        Outgoing {
            chat_id: ChatId(chat),
            payload: Payload::Send {
                html: "请确认".into(),
                buttons: vec![vec![
                    Button::new("确认".into(), ButtonAction::Verify(order)),
                    Button::new("退回".into(), ButtonAction::Reopen(order)),
                ]],
                card: None,
                reply_to_card: Some(order),
                reply_to: None,
                keyboard: None,
            },
            priority: Priority::Notice,
        }
    }

    /// The message id a delivered row got.
    fn mid_of(sent: &[OutboxRow], pick: impl Fn(&Payload) -> bool) -> MessageId {
        MessageId(1000 + sent.iter().find(|r| pick(&r.payload)).unwrap().id.0)
    }

    async fn message_ownership_and_buttons_survive_pruning_the_outbox(db: &TestDb) {
        let o = crate::support::create_order(&db.store, new_order(&["sanitation"]), &[], |o| {
            (
                vec![],
                vec![
                    send(-1, "card", Some(o.id)),
                    notice_with_buttons(-1, o.id),
                    notice_with_buttons(-2, o.id),
                ],
            )
        })
        .await;
        let question = Outgoing {
            chat_id: ChatId(501),
            payload: Payload::Send {
                html: "问题".into(),
                buttons: vec![vec![Button::new(
                    "回答".into(),
                    ButtonAction::AnswerQuestion(o.id),
                )]],
                card: None,
                reply_to_card: None,
                reply_to: None,
                keyboard: None,
            },
            priority: Priority::Answer,
        };
        db.store.enqueue(&[question], t0()).await.unwrap();
        let sent = deliver_all(db, t0()).await;
        assert_eq!(sent.len(), 4);
        let card = mid_of(&sent, |p| p.kind() == "card");
        let in_chat = |c: i64| {
            let c = ChatId(c);
            sent.iter()
                .find(|r| r.chat_id == c && r.payload.kind() == "send")
                .map(|r| MessageId(1000 + r.id.0))
                .unwrap()
        };
        let (n1, n2, q) = (in_chat(-1), in_chat(-2), in_chat(501));

        // A month later the sent rows are pruned; who owns each message is not.
        let later = t0() + Duration::days(31);
        let p = db.store.prune(later, &Retention::default()).await.unwrap();
        assert_eq!(p.outbox, 4, "{p:?}");
        assert_eq!(db.store.outbox_counts().await.unwrap(), (0, 0, 0));
        for m in [card, n1] {
            assert!(db
                .store
                .is_message_of_order(ChatId(-1), m, o.id)
                .await
                .unwrap());
        }
        assert!(db
            .store
            .is_message_of_order(ChatId(-2), n2, o.id)
            .await
            .unwrap());
        assert!(
            !db.store
                .is_message_of_order(ChatId(-2), n1, o.id)
                .await
                .unwrap(),
            "another chat's message id"
        );
        assert!(!db
            .store
            .is_message_of_order(ChatId(-1), card, OrderId(o.id.0 + 1))
            .await
            .unwrap());
        // The notices still show their buttons, so they can still be cleared.
        let verify = ButtonAction::Verify(o.id).encode();
        let reopen = ButtonAction::Reopen(o.id).encode();
        assert_eq!(
            db.store.notices_with_buttons(o.id).await.unwrap(),
            vec![
                (ChatId(-2), n2, vec![verify.clone(), reopen.clone()]),
                (ChatId(-1), n1, vec![verify.clone(), reopen.clone()]),
            ],
            "cards are not notices"
        );
        // A reply to the question in the private chat still names its order.
        let asked = db
            .store
            .sent_message(ChatId(501), q)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(asked.order, None);
        assert_eq!(
            asked.buttons[0][0].data,
            ButtonAction::AnswerQuestion(o.id).encode()
        );
        let c = db
            .store
            .sent_message(ChatId(-1), card)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((c.order, c.kind.as_str()), (Some(o.id), "card"));
        assert!(c.buttons.is_empty(), "a card's buttons are in its card row");

        // Clearing: queued, the notice is left out; sent, its buttons are gone for good.
        db.store
            .enqueue(&[notices::clear_buttons(ChatId(-1), o.id, n1)], later)
            .await
            .unwrap();
        let left = db.store.notices_with_buttons(o.id).await.unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].0, ChatId(-2));
        deliver_all(db, later).await;
        db.store
            .prune(later + Duration::days(31), &Retention::default())
            .await
            .unwrap();
        let left = db.store.notices_with_buttons(o.id).await.unwrap();
        assert_eq!(
            left.len(),
            1,
            "cleared stays cleared after pruning: {left:?}"
        );
        assert_eq!(left[0].0, ChatId(-2));
        let n1_now = db
            .store
            .sent_message(ChatId(-1), n1)
            .await
            .unwrap()
            .unwrap();
        assert!(n1_now.buttons.is_empty());
        assert!(db
            .store
            .is_message_of_order(ChatId(-1), n1, o.id)
            .await
            .unwrap());

        // A group that moved to a supergroup: its old notices cannot be edited any more, and a
        // clear queued for one is not sent to the new chat.
        db.store
            .enqueue(&[notices::clear_buttons(ChatId(-2), o.id, n2)], later)
            .await
            .unwrap();
        db.store
            .migrate_chat(ChatId(-2), ChatId(-1002))
            .await
            .unwrap();
        assert!(db
            .store
            .notices_with_buttons(o.id)
            .await
            .unwrap()
            .is_empty());
        assert!(
            deliver_all(db, later).await.is_empty(),
            "nothing left to send"
        );
        assert!(db
            .store
            .is_message_of_order(ChatId(-2), n2, o.id)
            .await
            .unwrap());
    }

    /// Statuses of the outbox rows left, sorted.
    async fn outbox_left(db: &TestDb) -> Vec<String> {
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        let rows = sqlx::query("SELECT status FROM outbox ORDER BY status, id")
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
        rows.iter()
            .map(|r| sqlx::Row::try_get::<String, _>(r, 0).unwrap())
            .collect()
    }

    async fn prune_removes_exactly_what_retention_says_and_nothing_else(db: &TestDb) {
        let org = parse_org(HUASHAN).unwrap();
        db.store.import_org(&org, false).await.unwrap();
        let now = t0() + Duration::days(60);
        let ago = |d: i64| now - Duration::days(d);

        // Updates: processed 10 days ago (its id no longer needed), processed yesterday (id
        // kept, payload blanked), unprocessed since 20 days (kept whole: it is still to do).
        for (id, at) in [(1, ago(10)), (2, ago(1)), (3, ago(20))] {
            assert!(db
                .store
                .record_update(id, ChatId(-1), None, "{\"text\":\"秘密\"}", at)
                .await
                .unwrap());
        }
        db.store.mark_update_processed(1, ago(10)).await.unwrap();
        db.store.mark_update_processed(2, ago(1)).await.unwrap();

        // Outbox: sent 40 and 5 days ago, an edit dropped 40 days ago, one failed 40 days ago,
        // one still pending since 40 days.
        let o = crate::support::create_order(&db.store, new_order(&["sanitation"]), &[], |o| {
            (vec![], vec![send(-7, "card", Some(o.id))])
        })
        .await;
        deliver_all(db, ago(40)).await;
        db.store
            .enqueue(&[edit(-7, "v1", o.id), edit(-7, "v2", o.id)], ago(40))
            .await
            .unwrap();
        let rows = db.store.claim_outbox(ago(40), 30_000, 10).await.unwrap();
        assert_eq!(rows.len(), 1, "v1 dropped as superseded");
        db.store
            .outbox_failed(rows[0].id, "gone", None)
            .await
            .unwrap();
        db.store
            .enqueue(&[send(-8, "recent", None)], ago(5))
            .await
            .unwrap();
        deliver_all(db, ago(5)).await;
        db.store
            .enqueue(&[send(-9, "waiting", None)], ago(40))
            .await
            .unwrap();
        assert_eq!(
            outbox_left(db).await,
            ["dropped", "failed", "pending", "sent", "sent"]
        );

        // Jobs: a closed and a cancelled order's done jobs go; an open order's stay, done or not.
        let at = |m: i64| ago(50) + Duration::minutes(m);
        let jobs = [
            Job {
                kind: JobKind::Ack,
                due: at(10),
                anchor: at(10),
            },
            Job {
                kind: JobKind::Resolve,
                due: at(600),
                anchor: at(600),
            },
        ];
        let mut ids = Vec::new();
        for state in [OrderState::Closed, OrderState::Cancelled, OrderState::Open] {
            let mut order = new_order(&["sanitation"]);
            order.state = state;
            let made =
                crate::support::create_order(&db.store, order, &jobs, |_| (vec![], vec![])).await;
            ids.push(made.id);
        }
        for j in db.store.claim_jobs(at(11), 60_000, 10).await.unwrap() {
            assert_eq!(j.kind, JobKind::Ack);
            assert!(db.store.finish_job(j.id, at(11)).await.unwrap());
        }
        let jobs_of = |id: OrderId, done: bool| {
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM jobs WHERE order_id = {} AND done_at IS {}",
                id.0,
                if done { "NOT NULL" } else { "NULL" }
            )
        };

        // People: a stranger learned from a group, a roster member, the actor of an event, a
        // resident with an open report and one whose report is closed.
        let stranger = TelegramUserId(9001);
        let actor = TelegramUserId(9002);
        let open_resident = TelegramUserId(9003);
        let closed_resident = TelegramUserId(9004);
        let member = org.memberships[0].telegram_id;
        for (p, name) in [
            (stranger, "路人"),
            (actor, "张三"),
            (open_resident, "居民甲"),
            (closed_resident, "居民乙"),
        ] {
            db.store.learn_person(p, name, None).await.unwrap();
        }
        db.store
            .record(
                &[gridwhistle::domain::Event {
                    order: o.id,
                    at: ago(40),
                    actor: Some(actor.into()),
                    kind: EventKind::Created,
                }],
                &[],
                ago(40),
            )
            .await
            .unwrap();
        for (p, state) in [
            (open_resident, OrderState::Open),
            (closed_resident, OrderState::Closed),
        ] {
            let r = db
                .store
                .enrol_resident(p, ChatId(p.0), Lang::ZhHans, ago(50))
                .await
                .unwrap();
            let mut order = new_order(&["sanitation"]);
            order.whistler = Who::Resident(r.no);
            order.state = state;
            crate::support::create_order(&db.store, order, &[], |_| (vec![], vec![])).await;
        }

        let p = db.store.prune(now, &Retention::default()).await.unwrap();
        assert_eq!(
            p,
            Pruned {
                payloads: 1,
                updates: 1,
                outbox: 2,
                jobs: 2,
                people: 0
            },
            "people are dated when first seen, not removed at once"
        );
        assert_eq!(outbox_left(db).await, ["failed", "pending", "sent"]);
        for (id, done, left, why) in [
            (ids[0], true, 0, "closed: its done job goes"),
            (ids[0], false, 1, "closed: a job not done is no done job"),
            (ids[1], true, 0, "cancelled: its done job goes"),
            (ids[2], true, 1, "open: its done job stays"),
            (ids[2], false, 1, "open: its pending job stays"),
        ] {
            assert_eq!(number(db, &jobs_of(id, done)).await, left, "{why}");
        }
        assert_eq!(
            number(
                db,
                "SELECT CAST(COUNT(*) AS BIGINT) FROM updates WHERE payload = ''"
            )
            .await,
            1,
            "the processed update kept has no payload"
        );
        // Within 7 days a replayed update is refused; the unprocessed one is still to do, whole.
        assert!(!db
            .store
            .record_update(2, ChatId(-1), None, "{}", now)
            .await
            .unwrap());
        assert_eq!(
            db.store.unprocessed_updates().await.unwrap(),
            vec![(3, "{\"text\":\"秘密\"}".to_string())]
        );
        assert_eq!(
            db.store.prune(now, &Retention::default()).await.unwrap(),
            Pruned::default(),
            "again at once: nothing more"
        );

        // 180 days after they were first seen, only the stranger and the resident whose report
        // is closed are forgotten.
        let p = db
            .store
            .prune(now + Duration::days(179), &Retention::default())
            .await
            .unwrap();
        assert_eq!(p.people, 0);
        let p = db
            .store
            .prune(now + Duration::days(181), &Retention::default())
            .await
            .unwrap();
        assert_eq!(p.people, 2, "{p:?}");
        assert!(db.store.person(stranger).await.unwrap().is_none());
        assert!(db.store.person(closed_resident).await.unwrap().is_none());
        for kept in [actor, open_resident, member] {
            assert!(db.store.person(kept).await.unwrap().is_some(), "{kept:?}");
        }
        // Events are never removed.
        assert_eq!(db.store.events(o.id).await.unwrap().len(), 1);
        // The pending row is still pending, however old.
        assert_eq!(db.store.outbox_counts().await.unwrap().0, 1);
        // An update id processed more than 7 days ago is no longer remembered.
        assert!(db
            .store
            .record_update(1, ChatId(-1), None, "{}", now)
            .await
            .unwrap());
    }

    async fn payloads_can_be_kept_when_the_organisation_says_so(db: &TestDb) {
        assert!(db
            .store
            .record_update(5, ChatId(-1), None, "{\"x\":1}", t0())
            .await
            .unwrap());
        db.store.mark_update_processed(5, t0()).await.unwrap();
        let keep = Retention {
            update_payload: PayloadRetention::Kept,
            ..Retention::default()
        };
        let p = db.store.prune(t0(), &keep).await.unwrap();
        assert_eq!(p.payloads, 0);
        assert_eq!(
            number(
                db,
                "SELECT CAST(COUNT(*) AS BIGINT) FROM updates WHERE payload = '{\"x\":1}'"
            )
            .await,
            1
        );
        assert_eq!(
            db.store
                .prune(t0(), &Retention::default())
                .await
                .unwrap()
                .payloads,
            1
        );
    }

    /// Migration 0010 fills `messages` from the sent outbox rows already there: a card, a
    /// notice whose buttons still show, one whose buttons were cleared, a message with a reply
    /// keyboard; not a pending row. (The database is taken back to before 0010 by hand.)
    async fn the_migration_keeps_the_messages_already_sent(db: &TestDb) {
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        for sql in [
            "DROP TABLE messages",
            "DROP INDEX updates_processed",
            "DROP INDEX updates_unblanked",
            "DROP INDEX outbox_done",
            "ALTER TABLE people DROP COLUMN seen_at",
            "DELETE FROM _sqlx_migrations WHERE version = 10",
            r#"INSERT INTO outbox (chat_id, order_id, payload, created_at, status, message_id, kind) VALUES
             (-1, 5, '{"op":"send","html":"c","buttons":[[{"label":"报到","data":"r:5"}]],"card":5,"reply_to_card":null,"reply_to":null}', 1, 'sent', 10, 'card'),
             (-1, 5, '{"op":"send","html":"n","buttons":[[{"label":"确认","data":"v:5"}]],"card":null,"reply_to_card":5,"reply_to":null}', 1, 'sent', 11, 'send'),
             (-1, 5, '{"op":"send","html":"n2","buttons":[[{"label":"退回","data":"o:5"}]],"card":null,"reply_to_card":5,"reply_to":null}', 1, 'sent', 12, 'send'),
             (-1, 5, '{"op":"clear_buttons","order":5,"message_id":12}', 2, 'sent', NULL, 'clear_buttons'),
             (7, NULL, '{"op":"send","html":"k","buttons":[],"card":null,"reply_to_card":null,"reply_to":null,"keyboard":{"kind":"remove"}}', 1, 'sent', 13, 'send'),
             (-1, 5, '{"op":"send","html":"p","buttons":[],"card":null,"reply_to_card":5,"reply_to":null}', 1, 'pending', NULL, 'send')"#,
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;
        let store = gridwhistle::storage::Store::connect(&db.url).await.unwrap();
        let o = OrderId(5);
        let (card, kept, cleared) = (MessageId(10), MessageId(11), MessageId(12));
        for m in [card, kept, cleared] {
            assert!(store.is_message_of_order(ChatId(-1), m, o).await.unwrap());
        }
        assert_eq!(
            store.notices_with_buttons(o).await.unwrap(),
            vec![(ChatId(-1), kept, vec!["v:5".to_string()])]
        );
        let k = store
            .sent_message(ChatId(7), MessageId(13))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((k.order, k.buttons.len()), (None, 0));
        assert_eq!(
            number(db, "SELECT CAST(COUNT(*) AS BIGINT) FROM messages").await,
            4
        );
        store.close().await;
    }

    crate::contract!(
        message_ownership_and_buttons_survive_pruning_the_outbox,
        the_migration_keeps_the_messages_already_sent,
        prune_removes_exactly_what_retention_says_and_nothing_else,
        payloads_can_be_kept_when_the_organisation_says_so,
    );
}

/// Shared pacing (issue 12): three stores on one database (three replicas) taking send slots
/// at the same moments never exceed a chat's gap, a group's cap per minute or the cap per
/// second in all.
mod shared_pacing {
    use super::*;
    use gridwhistle::storage::{Slot, SlotLimits, Store};

    const LIMITS: SlotLimits = SlotLimits {
        chat_gap_ms: 100,
        group_cap: 4,
        minute_ms: 1_000,
        global_cap: 6,
        second_ms: 100,
    };

    /// The most sends in any window of `span` ms (times sorted).
    fn most_in_window(times: &[i64], span: i64) -> usize {
        (0..times.len())
            .map(|i| {
                times[i..]
                    .iter()
                    .take_while(|t| **t < times[i] + span)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    async fn three_stores_taking_slots_at_once_never_exceed_the_limits(db: &TestDb) {
        let others = [
            Store::connect(&db.url).await.unwrap(),
            Store::connect(&db.url).await.unwrap(),
        ];
        let stores = [&db.store, &others[0], &others[1]];
        // Four groups and two private chats; every 20 ms (simulated), each store asks for each
        // chat at once: 18 requests a moment against 6 a 100 ms in all.
        let chats = [-1_i64, -2, -3, -4, 7, 8];
        let mut granted: Vec<(i64, i64)> = Vec::new();
        let mut refused = 0;
        for step in 0..100_i64 {
            let now = t0() + Duration::milliseconds(step * 20);
            let asks = stores.iter().flat_map(|s| {
                chats.iter().map(move |c| async move {
                    let slot = s.take_send_slot(ChatId(*c), 1, &LIMITS, now).await.unwrap();
                    (*c, slot)
                })
            });
            for (chat, slot) in futures::future::join_all(asks).await {
                match slot {
                    Slot::Taken => granted.push((chat, now.timestamp_millis())),
                    Slot::WaitMs(w) => {
                        assert!(w > 0, "a refusal says how long to wait");
                        refused += 1;
                    }
                }
            }
        }
        let mut all: Vec<i64> = granted.iter().map(|g| g.1).collect();
        all.sort();
        assert!(
            most_in_window(&all, LIMITS.second_ms) <= LIMITS.global_cap,
            "at most {} in any {} ms in all",
            LIMITS.global_cap,
            LIMITS.second_ms
        );
        for chat in chats {
            let times: Vec<i64> = granted
                .iter()
                .filter(|g| g.0 == chat)
                .map(|g| g.1)
                .collect();
            assert!(
                times.windows(2).all(|w| w[1] - w[0] >= LIMITS.chat_gap_ms),
                "chat {chat}: a gap between two sends: {times:?}"
            );
            if chat < 0 {
                assert!(
                    most_in_window(&times, LIMITS.minute_ms) <= LIMITS.group_cap,
                    "group {chat}: at most {} a minute: {times:?}",
                    LIMITS.group_cap
                );
            }
        }
        // Not vacuous: the limits were reached and slots went to every chat.
        assert!(
            refused > granted.len(),
            "{refused} refused, {} granted",
            granted.len()
        );
        assert_eq!(
            most_in_window(&all, LIMITS.second_ms),
            LIMITS.global_cap,
            "the global cap was reached"
        );
        for chat in chats {
            assert!(
                granted.iter().any(|g| g.0 == chat),
                "chat {chat} got a slot"
            );
        }
        // An album counts as its photos: 4 at once fill a group's minute.
        let later = t0() + Duration::seconds(60);
        assert_eq!(
            db.store
                .take_send_slot(ChatId(-9), 4, &LIMITS, later)
                .await
                .unwrap(),
            Slot::Taken
        );
        assert_eq!(
            db.store
                .take_send_slot(ChatId(-9), 1, &LIMITS, later + Duration::milliseconds(500))
                .await
                .unwrap(),
            Slot::WaitMs(500),
            "the group's minute is full until the album is a minute old"
        );
        for s in others {
            s.close().await;
        }
    }

    crate::contract!(three_stores_taking_slots_at_once_never_exceed_the_limits);
}

mod chat_leases {
    use super::*;
    use gridwhistle::storage::Store;

    fn ids(claimed: &[gridwhistle::storage::Claimed]) -> Vec<i64> {
        claimed.iter().map(|c| c.chat.0).collect()
    }

    /// Chats with updates waiting are claimed oldest first, by one holder at a time; a lease
    /// that ran out is taken over (and said to be); each chat gives its updates in order.
    async fn chats_are_leased_to_one_holder_and_taken_over_when_the_lease_runs_out(db: &TestDb) {
        let other = Store::connect(&db.url).await.unwrap();
        let (a, b, c) = (ChatId(-1), ChatId(-2), ChatId(-3));
        for (id, chat) in [(5, b), (3, a), (4, a), (6, c), (7, b)] {
            db.store
                .record_update(id, chat, None, &format!("{{\"u\":{id}}}"), t0())
                .await
                .unwrap();
        }
        let until = t0() + Duration::seconds(30);
        let mine = db
            .store
            .claim_chats("one", t0(), until, 2, &[])
            .await
            .unwrap();
        assert_eq!(
            ids(&mine),
            vec![-1, -2],
            "the chats whose updates wait longest"
        );
        assert!(mine.iter().all(|c| !c.takeover));
        let theirs = other.claim_chats("two", t0(), until, 5, &[]).await.unwrap();
        assert_eq!(ids(&theirs), vec![-3], "a leased chat is nobody else's");
        // Each chat's updates in order, and only its own.
        assert_eq!(
            db.store.next_update_of(a).await.unwrap().map(|u| u.0),
            Some(3)
        );
        db.store.mark_update_processed(3, t0()).await.unwrap();
        assert_eq!(
            db.store.next_update_of(a).await.unwrap().map(|u| u.0),
            Some(4)
        );
        db.store.mark_update_processed(4, t0()).await.unwrap();
        assert_eq!(db.store.next_update_of(a).await.unwrap(), None);
        db.store.release_chat(a, "one").await.unwrap();
        // Renewed while worked; a lease that ran out is taken over by another holder.
        let later = t0() + Duration::seconds(20);
        assert!(db
            .store
            .renew_chat(b, "one", later + Duration::seconds(30))
            .await
            .unwrap());
        assert!(
            !other.renew_chat(b, "two", later).await.unwrap(),
            "not theirs"
        );
        let after = t0() + Duration::seconds(31);
        let taken = other
            .claim_chats("two", after, after + Duration::seconds(30), 5, &[c])
            .await
            .unwrap();
        assert!(taken.is_empty(), "b is still renewed, c is busy: {taken:?}");
        let dead = t0() + Duration::seconds(51);
        let taken = other
            .claim_chats("two", dead, dead + Duration::seconds(30), 5, &[c])
            .await
            .unwrap();
        assert_eq!(ids(&taken), vec![-2]);
        assert!(taken[0].takeover, "taken from a holder whose lease ran out");
        assert!(
            !db.store.renew_chat(b, "one", dead).await.unwrap(),
            "the old holder learns it lost the chat"
        );
        // The same holder (a restarted process) takes its own lease back at once.
        let back = other
            .claim_chats("two", dead, dead + Duration::seconds(30), 5, &[])
            .await
            .unwrap();
        assert_eq!(ids(&back), vec![-2, -3]);
        other.close().await;
    }

    /// A group's move to a supergroup is a barrier: the new chat's later updates wait until the
    /// move (an update of the old chat) is processed.
    async fn a_supergroup_move_holds_the_new_chats_updates_until_it_is_processed(db: &TestDb) {
        let (old, new) = (ChatId(-10), ChatId(-10010));
        db.store
            .record_update(20, old, Some(new), "{}", t0())
            .await
            .unwrap();
        db.store
            .record_update(21, new, Some(old), "{}", t0())
            .await
            .unwrap();
        db.store
            .record_update(22, new, None, "{}", t0())
            .await
            .unwrap();
        let until = t0() + Duration::seconds(30);
        let claimed = db
            .store
            .claim_chats("one", t0(), until, 5, &[])
            .await
            .unwrap();
        assert_eq!(ids(&claimed), vec![-10], "the new chat waits");
        assert_eq!(db.store.next_update_of(new).await.unwrap(), None);
        db.store.mark_update_processed(20, t0()).await.unwrap();
        db.store.release_chat(old, "one").await.unwrap();
        let claimed = db
            .store
            .claim_chats("one", t0(), until, 5, &[])
            .await
            .unwrap();
        assert_eq!(ids(&claimed), vec![-10010]);
        assert_eq!(
            db.store.next_update_of(new).await.unwrap().map(|u| u.0),
            Some(21)
        );
        assert!(!db.store.arrived_late(new, 20).await.unwrap());
        db.store.mark_update_processed(22, t0()).await.unwrap();
        assert!(
            db.store.arrived_late(new, 21).await.unwrap(),
            "a later update of the chat was processed before 21"
        );
    }

    crate::contract!(
        chats_are_leased_to_one_holder_and_taken_over_when_the_lease_runs_out,
        a_supergroup_move_holds_the_new_chats_updates_until_it_is_processed,
    );
}
