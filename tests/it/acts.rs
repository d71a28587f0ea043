//! The acts on a SQLite store, without the Bot API stand-in: each act is called as the Telegram
//! layer or the scheduler calls it, and the test reads what it decided (its outcome), what it
//! saved (the order, its events, its jobs, the roster) and what it queued for people to see (the
//! outbox rows, drained in order as the sender would).

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};

use gridwhistle::acts::orders::{self, NoteRequest, Reported};
use gridwhistle::acts::roster::{self, Assigned, Assignee, Assignment, Bound, LangSet};
use gridwhistle::acts::whistle::{self, WhistleRequest, Whistled};
use gridwhistle::acts::{Actor, Ctx, Here, Outcome, Refusal};
use gridwhistle::clock::ManualClock;
use gridwhistle::domain::escalation::JobKind;
use gridwhistle::domain::org::{parse_org, Organisation};
use gridwhistle::domain::plan::PlanRefusal;
use gridwhistle::domain::policy::Level;
use gridwhistle::domain::{
    DepartmentId, EscalationReason, Event, EventKind, Lang, OrderId, OrderState, PartyTarget,
    RoleId, Scope, TelegramUserId, TransitionError, UnitId, WhistleOrder,
};
use gridwhistle::storage::Payload;

use crate::support::{sqlite, TestDb};

const DISTRICT: i64 = -1001000000001;
const SUBDISTRICT: i64 = -1001000000100;
const COMMUNITY: i64 = -1001000000200;
const GRID: i64 = -1001000000300;
const GRID2: i64 = -1001000000301;
const URBAN: i64 = -1001000000900;
const WATER: i64 = -1001000000905;
/// A chat the organisation file binds to nothing.
const LOOSE: i64 = -1009999999999;
/// Someone on no roster.
const STRANGER: i64 = 5555;

/// Friday 2026-11-27 10:00 in Kunming: a working day, inside the calendar's hours, so a
/// non-urgent grid party's report deadline is 10:30 and its reminder 10:20.
fn friday_ten() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()
}

/// An outbox row as a person would meet it.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    chat: i64,
    what: What,
    html: String,
    /// The data of its buttons, row after row.
    data: Vec<String>,
    /// The message id the drain gave it.
    message_id: i64,
}

#[derive(Debug, Clone, PartialEq)]
enum What {
    /// A new card of the order.
    Card(OrderId),
    /// A new message replying to the order's card.
    ReplyToCard(OrderId),
    /// A new message replying to a message.
    ReplyTo(i64),
    /// A plain new message.
    Message,
    /// An edit of the order's card.
    Edit(OrderId),
    /// Buttons taken off a notice.
    Clear { message_id: i64 },
}

struct World {
    _db: TestDb,
    ctx: Ctx,
    clock: ManualClock,
    org: Organisation,
}

async fn world() -> World {
    let db = sqlite().await;
    let org = parse_org(include_str!("../../examples/huashan.toml")).expect("example org");
    db.store.import_org(&org, false).await.expect("import");
    let clock = ManualClock::new(friday_ten());
    let ctx = Ctx::new(db.store.clone(), Arc::new(clock.clone()));
    World {
        _db: db,
        ctx,
        clock,
        org,
    }
}

impl World {
    /// A person as Telegram describes them (the roster's name and username).
    fn who(&self, id: i64) -> Actor {
        match self.org.person(TelegramUserId(id)) {
            Some(p) => Actor {
                id: p.telegram_id,
                name: p.name.clone(),
                username: p.username.clone(),
            },
            None => Actor {
                id: TelegramUserId(id),
                name: "路人".into(),
                username: None,
            },
        }
    }

    async fn here(&self, chat: i64) -> Here {
        self.ctx
            .here(gridwhistle::domain::ChatId(chat))
            .await
            .expect("here")
    }

    async fn whistle(&self, chat: i64, who: i64, text: &str) -> Whistled {
        let here = self.here(chat).await;
        whistle::whistle(
            &self.ctx,
            &here,
            &self.who(who),
            WhistleRequest {
                text: text.into(),
                location: None,
            },
        )
        .await
        .expect("whistle")
    }

    /// Whistles a new order and drains what it queued.
    async fn new_order(&self, chat: i64, who: i64, text: &str) -> OrderId {
        let id = match self.whistle(chat, who, text).await {
            Whistled::Created(id) => id,
            other => panic!("{text}: not created: {other:?}"),
        };
        self.drain().await;
        id
    }

    /// Claims every queued message in order, as the sender would, and marks it delivered under
    /// a message id of its own (its row id).
    async fn drain(&self) -> Vec<Row> {
        let store = &self.ctx.store;
        let mut rows = Vec::new();
        loop {
            let claimed = store
                .claim_outbox(self.ctx.now(), 30_000, 100)
                .await
                .expect("claim");
            if claimed.is_empty() {
                break;
            }
            for r in claimed {
                store.outbox_sent(&r, Some(r.id.0)).await.expect("sent");
                let (what, html, buttons) = match r.payload {
                    Payload::Send {
                        html,
                        buttons,
                        card,
                        reply_to_card,
                        reply_to,
                        keyboard: _,
                    } => {
                        let what = match (card, reply_to_card, reply_to) {
                            (Some(o), None, None) => What::Card(o),
                            (None, Some(o), None) => What::ReplyToCard(o),
                            (None, None, Some(m)) => What::ReplyTo(m.0),
                            (None, None, None) => What::Message,
                            other => panic!("a message of two kinds: {other:?}"),
                        };
                        (what, html, buttons)
                    }
                    Payload::EditCard {
                        order,
                        html,
                        buttons,
                    } => (What::Edit(order), html, buttons),
                    Payload::ClearButtons { message_id, .. } => (
                        What::Clear {
                            message_id: message_id.0,
                        },
                        String::new(),
                        vec![],
                    ),
                    other @ (Payload::Photos { .. }
                    | Payload::Copy { .. }
                    | Payload::Upload { .. }) => {
                        panic!("no act tested here sends {}: {other:?}", other.kind())
                    }
                };
                rows.push(Row {
                    chat: r.chat_id.0,
                    what,
                    html,
                    data: buttons.into_iter().flatten().map(|b| b.data).collect(),
                    message_id: r.id.0,
                });
            }
        }
        rows.sort_by_key(|r| r.message_id);
        rows
    }

    async fn order(&self, id: OrderId) -> WhistleOrder {
        self.ctx
            .store
            .order(id)
            .await
            .expect("read order")
            .expect("the order exists")
            .order
    }

    async fn events(&self, id: OrderId) -> Vec<Event> {
        self.ctx.store.events(id).await.expect("events")
    }

    async fn kinds(&self, id: OrderId) -> Vec<EventKind> {
        self.events(id).await.into_iter().map(|e| e.kind).collect()
    }

    async fn report(&self, chat: i64, who: i64, id: OrderId) -> Outcome<Reported> {
        let here = self.here(chat).await;
        orders::report(&self.ctx, &here, &self.who(who), id)
            .await
            .expect("report")
    }

    async fn resolve(&self, chat: i64, who: i64, id: OrderId, note: Option<&str>) -> Outcome {
        let here = self.here(chat).await;
        orders::resolve(&self.ctx, &here, &self.who(who), id, note.map(String::from))
            .await
            .expect("resolve")
    }

    async fn verify(&self, chat: i64, who: i64, id: OrderId) -> Outcome {
        let here = self.here(chat).await;
        orders::verify(&self.ctx, &here, &self.who(who), id)
            .await
            .expect("verify")
    }

    async fn reopen(&self, chat: i64, who: i64, id: OrderId, reason: &str) -> Outcome {
        let here = self.here(chat).await;
        orders::reopen(&self.ctx, &here, &self.who(who), id, reason.into())
            .await
            .expect("reopen")
    }

    async fn cancel(&self, chat: i64, who: i64, id: OrderId, reason: &str) -> Outcome {
        let here = self.here(chat).await;
        orders::cancel(&self.ctx, &here, &self.who(who), id, reason.into())
            .await
            .expect("cancel")
    }

    async fn escalate(&self, chat: i64, who: i64, id: OrderId, reason: &str) -> Outcome {
        let here = self.here(chat).await;
        let why = EscalationReason::Asked {
            reason: reason.into(),
        };
        orders::escalate(&self.ctx, &here, &self.who(who), id, why)
            .await
            .expect("escalate")
    }

    async fn whistle_department(
        &self,
        chat: i64,
        who: i64,
        id: OrderId,
        dept: &str,
    ) -> Outcome<String> {
        let here = self.here(chat).await;
        orders::whistle_department(
            &self.ctx,
            &here,
            &self.who(who),
            id,
            &DepartmentId::parse(dept).unwrap(),
        )
        .await
        .expect("whistle department")
    }

    async fn note(&self, chat: i64, who: i64, id: OrderId, n: NoteRequest) -> Outcome {
        let here = self.here(chat).await;
        orders::note(&self.ctx, &here, &self.who(who), id, n)
            .await
            .expect("note")
    }

    async fn assign(&self, chat: i64, who: i64, add: bool, role: &str, whom: Assignee) -> Assigned {
        let here = self.here(chat).await;
        let a = Assignment {
            add,
            role: role.into(),
            who: whom,
        };
        roster::assign(&self.ctx, &here, &self.who(who), a)
            .await
            .expect("assign")
    }

    async fn bind(&self, chat: i64, who: i64, key: &str) -> Bound {
        let here = self.here(chat).await;
        roster::bind(&self.ctx, &here, &self.who(who), key)
            .await
            .expect("bind")
    }

    /// Moves the clock on and lets the scheduler work what fell due; how many jobs it worked.
    async fn advance(&self, by: Duration) -> usize {
        self.clock.advance(by);
        gridwhistle::scheduler::tick(&self.ctx).await.expect("tick")
    }
}

fn role(unit: &str, r: &str) -> PartyTarget {
    PartyTarget::Role {
        unit: UnitId::parse(unit).unwrap(),
        role: RoleId::new(r),
    }
}

fn duty_officers(unit: &str) -> PartyTarget {
    PartyTarget::DutyOfficers {
        unit: UnitId::parse(unit).unwrap(),
    }
}

fn department(d: &str) -> PartyTarget {
    PartyTarget::Department {
        department: DepartmentId::parse(d).unwrap(),
    }
}

fn mention(id: i64) -> String {
    format!("tg://user?id={id}\"")
}

fn rows_in(rows: &[Row], chat: i64) -> Vec<&Row> {
    rows.iter().filter(|r| r.chat == chat).collect()
}

fn escalations(events: &[Event]) -> Vec<(Level, Level)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Escalated { from, to, .. } => Some((*from, *to)),
            _ => None,
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// whistle

#[tokio::test]
async fn a_whistle_in_a_grid_chat_creates_an_order_and_queues_its_card_for_the_grid() {
    let w = world().await;
    let now = w.ctx.now();
    assert_eq!(
        w.whistle(GRID, 1002, "翠湖南路垃圾堆积").await,
        Whistled::Created(OrderId(1))
    );
    let o = w.order(OrderId(1)).await;
    assert_eq!(o.unit, UnitId::parse("cuihu-1").unwrap());
    assert_eq!(o.text, "翠湖南路垃圾堆积");
    assert_eq!(o.state, OrderState::Open);
    assert_eq!(o.level, Level::Grid);
    assert_eq!(o.whistler, TelegramUserId(1002).into());
    assert_eq!(o.created_at, now);
    assert!(o.resolve_due > now, "{:?}", o.resolve_due);
    assert_eq!(o.parties.len(), 1, "{:?}", o.parties);
    let p = &o.parties[0];
    assert_eq!(
        p.target,
        role("cuihu-1", "sanitation"),
        "垃圾 is sanitation's"
    );
    assert_eq!(
        p.ack_due,
        now + Duration::minutes(30),
        "the grid's 30 minutes"
    );
    assert_eq!(p.report, None);
    let events = w.events(OrderId(1)).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::Created);
    assert_eq!(events[0].actor, Some(TelegramUserId(1002).into()));

    let rows = w.drain().await;
    assert_eq!(rows.len(), 1, "one card, in the grid's chat: {rows:#?}");
    let card = &rows[0];
    assert_eq!((card.chat, &card.what), (GRID, &What::Card(OrderId(1))));
    assert!(
        card.html
            .starts_with("<b>🔔 哨令 #1 · 翠湖社区第一网格</b>\n翠湖南路垃圾堆积\n"),
        "{}",
        card.html
    );
    assert!(card.html.contains(&mention(1002)), "{}", card.html);
    assert!(card.html.contains(&mention(1003)), "{}", card.html);
    assert!(!card.html.contains(&mention(1004)), "{}", card.html);
    assert_eq!(card.data, vec!["r:1", "d:1"], "报到 and 已处置");
    assert_eq!(
        w.ctx
            .store
            .card_message(OrderId(1), gridwhistle::domain::ChatId(GRID))
            .await
            .unwrap(),
        Some(gridwhistle::domain::MessageId(card.message_id)),
        "the delivered card is where the order's card is"
    );
    let jobs = w.ctx.store.pending_jobs(OrderId(1)).await.unwrap();
    assert!(
        jobs.contains(&(JobKind::Remind, now + Duration::minutes(20))),
        "{jobs:?}"
    );
    assert!(
        jobs.contains(&(JobKind::Ack, now + Duration::minutes(30))),
        "{jobs:?}"
    );
}

#[tokio::test]
async fn a_whistle_naming_an_order_adds_parties_and_mentions_them_in_a_reply_to_its_card() {
    let w = world().await;
    let id = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    // The one party reports: the order stands reported until someone new is summoned.
    assert_eq!(w.report(GRID, 1003, id).await, Outcome::Done(Reported::Now));
    assert_eq!(w.order(id).await.state, OrderState::Reported);
    w.drain().await;

    assert_eq!(
        w.whistle(GRID, 1001, "#1 还有人占道，城管也来").await,
        Whistled::Added {
            order: id,
            outcome: Outcome::Done(())
        }
    );
    let o = w.order(id).await;
    assert_eq!(
        o.parties
            .iter()
            .map(|p| p.target.clone())
            .collect::<Vec<_>>(),
        vec![
            role("cuihu-1", "sanitation"),
            role("cuihu-1", "urban_enforcement")
        ]
    );
    assert_eq!(o.state, OrderState::Open, "back to open until 城管 reports");
    assert_eq!(o.text, "翠湖南路垃圾堆积", "the order's text is kept");
    let last = w.events(id).await.pop().unwrap();
    assert_eq!(
        last.kind,
        EventKind::PartyAdded {
            target: role("cuihu-1", "urban_enforcement")
        }
    );
    assert_eq!(last.actor, Some(TelegramUserId(1001).into()));

    let rows = w.drain().await;
    assert_eq!(
        rows.iter()
            .map(|r| (r.chat, r.what.clone()))
            .collect::<Vec<_>>(),
        vec![(GRID, What::Edit(id)), (GRID, What::ReplyToCard(id))],
        "{rows:#?}"
    );
    let reply = &rows[1];
    assert!(reply.html.starts_with("📣 #1 增派："), "{}", reply.html);
    assert!(reply.html.contains("城管执法员"), "{}", reply.html);
    assert!(reply.html.contains(&mention(1004)), "{}", reply.html);
    assert!(
        !reply.html.contains(&mention(1002)),
        "only the newly summoned are mentioned: {}",
        reply.html
    );
    assert!(rows[0].html.contains(&mention(1004)), "{}", rows[0].html);

    // Naming them again adds nobody.
    assert_eq!(
        w.whistle(GRID, 1001, "#1 城管").await,
        Whistled::Added {
            order: id,
            outcome: Outcome::Refused(Refusal::Transition(TransitionError::NothingToAdd))
        }
    );
    assert!(w.drain().await.is_empty());
    // And an order that does not exist.
    assert_eq!(
        w.whistle(GRID, 1001, "#42 城管").await,
        Whistled::Added {
            order: OrderId(42),
            outcome: Outcome::NoSuchOrder(OrderId(42))
        }
    );
}

#[tokio::test]
async fn a_whistle_from_someone_off_the_unit_roster_is_refused_and_saves_nothing() {
    let w = world().await;
    assert_eq!(
        w.whistle(GRID, STRANGER, "翠湖南路垃圾堆积").await,
        Whistled::NotMember
    );
    // The leader of the neighbouring grid is not on this grid's roster.
    assert_eq!(
        w.whistle(GRID, 1021, "翠湖南路垃圾堆积").await,
        Whistled::NotMember
    );
    assert!(w.ctx.store.order(OrderId(1)).await.unwrap().is_none());
    assert!(w.drain().await.is_empty());
    // The admin may whistle anywhere.
    assert_eq!(
        w.whistle(GRID2, 1, "翠湖北路垃圾堆积").await,
        Whistled::Created(OrderId(1))
    );
}

#[tokio::test]
async fn an_empty_whistle_is_refused() {
    let w = world().await;
    assert_eq!(w.whistle(GRID, 1001, "   ").await, Whistled::Empty);
    assert!(w.ctx.store.order(OrderId(1)).await.unwrap().is_none());
    assert!(w.drain().await.is_empty());
}

#[tokio::test]
async fn a_whistle_in_a_chat_bound_to_nothing_is_refused() {
    let w = world().await;
    assert_eq!(
        w.whistle(LOOSE, 1001, "翠湖南路垃圾堆积").await,
        Whistled::NotBound
    );
    // A department's chat does not whistle either.
    assert_eq!(
        w.whistle(URBAN, 2001, "路口有人占道").await,
        Whistled::FromDepartment
    );
    assert!(w.ctx.store.order(OrderId(1)).await.unwrap().is_none());
    assert!(w.drain().await.is_empty());
}

#[tokio::test]
async fn only_duty_officers_whistle_departments_and_they_must_name_one() {
    let w = world().await;
    // A grid leader is on the sub-district's roster (below it), but departments are not theirs.
    assert_eq!(
        w.whistle(SUBDISTRICT, 1001, "翠湖南路井盖丢失，请水务局处理")
            .await,
        Whistled::Refused(PlanRefusal::DepartmentsNotAllowed)
    );
    assert_eq!(
        w.whistle(SUBDISTRICT, 1200, "明天上午开会").await,
        Whistled::Refused(PlanRefusal::NameADepartment)
    );
    assert!(w.ctx.store.order(OrderId(1)).await.unwrap().is_none());
    assert!(w.drain().await.is_empty());

    assert_eq!(
        w.whistle(SUBDISTRICT, 1200, "翠湖南路井盖丢失，请水务局处理")
            .await,
        Whistled::Created(OrderId(1))
    );
    let o = w.order(OrderId(1)).await;
    assert_eq!(o.level, Level::Subdistrict);
    assert_eq!(o.unit, UnitId::parse("huashan").unwrap());
    assert_eq!(
        o.parties
            .iter()
            .map(|p| p.target.clone())
            .collect::<Vec<_>>(),
        vec![department("water")]
    );
    let rows = w.drain().await;
    assert_eq!(
        rows.iter()
            .map(|r| (r.chat, r.what.clone()))
            .collect::<Vec<_>>(),
        vec![
            (SUBDISTRICT, What::Card(OrderId(1))),
            (WATER, What::Card(OrderId(1)))
        ],
        "the card goes to the sub-district and to the department summoned"
    );
    assert!(rows[1].html.contains(&mention(2006)), "{}", rows[1].html);
}

// ------------------------------------------------------------------------------------------
// report

#[tokio::test]
async fn a_summoned_member_reports_and_a_repeat_says_who_reported_first() {
    let w = world().await;
    let id = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    let at = w.ctx.now() + Duration::minutes(5);
    w.clock.set(at);
    assert_eq!(w.report(GRID, 1003, id).await, Outcome::Done(Reported::Now));
    let o = w.order(id).await;
    assert_eq!(o.state, OrderState::Reported);
    let mark = o.parties[0].report.clone().expect("reported");
    assert_eq!((mark.by, mark.at), (TelegramUserId(1003), at));
    let last = w.events(id).await.pop().unwrap();
    assert_eq!(
        last.kind,
        EventKind::Reported {
            target: role("cuihu-1", "sanitation")
        }
    );
    assert_eq!(last.actor, Some(TelegramUserId(1003).into()));
    let rows = w.drain().await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!((rows[0].chat, &rows[0].what), (GRID, &What::Edit(id)));
    assert!(rows[0].html.contains("报到"), "{}", rows[0].html);
    assert_eq!(rows[0].data, vec!["d:1"], "only 已处置 is left");
    assert!(
        !w.ctx
            .store
            .pending_jobs(id)
            .await
            .unwrap()
            .iter()
            .any(|(k, _)| *k == JobKind::Ack || *k == JobKind::Remind),
        "nobody is waited for any more"
    );

    // The other sanitation worker taps 报到 too: nothing changes, and they learn who did.
    let events_before = w.events(id).await.len();
    w.clock.advance(Duration::minutes(1));
    assert_eq!(
        w.report(GRID, 1002, id).await,
        Outcome::Done(Reported::Already {
            by: TelegramUserId(1003),
            at
        })
    );
    assert_eq!(w.events(id).await.len(), events_before);
    assert!(w.drain().await.is_empty());
}

#[tokio::test]
async fn someone_not_summoned_cannot_report_and_is_told_the_roles_they_hold() {
    let w = world().await;
    let id = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    assert_eq!(
        w.report(GRID, 1004, id).await,
        Outcome::Refused(Refusal::NotSummoned {
            roles: vec![RoleId::new("urban_enforcement")]
        })
    );
    assert_eq!(
        w.report(GRID, STRANGER, id).await,
        Outcome::Refused(Refusal::NotSummoned { roles: vec![] })
    );
    let o = w.order(id).await;
    assert_eq!(o.state, OrderState::Open);
    assert_eq!(o.parties[0].report, None);
    assert_eq!(w.events(id).await.len(), 1);
    assert!(w.drain().await.is_empty());
}

#[tokio::test]
async fn an_act_on_an_unknown_order_says_there_is_no_such_order() {
    let w = world().await;
    let n = OrderId(99);
    assert_eq!(w.report(GRID, 1001, n).await, Outcome::NoSuchOrder(n));
    assert_eq!(
        w.resolve(GRID, 1001, n, None).await,
        Outcome::NoSuchOrder(n)
    );
    assert_eq!(w.verify(GRID, 1001, n).await, Outcome::NoSuchOrder(n));
    assert_eq!(
        w.reopen(GRID, 1001, n, "没有").await,
        Outcome::NoSuchOrder(n)
    );
    assert_eq!(
        w.cancel(GRID, 1001, n, "没有").await,
        Outcome::NoSuchOrder(n)
    );
    assert_eq!(
        w.escalate(GRID, 1001, n, "没有").await,
        Outcome::NoSuchOrder(n)
    );
    assert_eq!(
        w.whistle_department(SUBDISTRICT, 1200, n, "water").await,
        Outcome::NoSuchOrder(n)
    );
    assert!(w.drain().await.is_empty());
}

// ------------------------------------------------------------------------------------------
// resolve, verify, reopen, cancel

#[tokio::test]
async fn resolving_asks_the_whistler_to_verify_in_a_reply_to_the_card() {
    let w = world().await;
    let id = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    assert_eq!(
        w.resolve(GRID, 1003, id, Some("已清运")).await,
        Outcome::Done(())
    );
    let o = w.order(id).await;
    assert_eq!(o.state, OrderState::Resolved);
    let last = w.events(id).await.pop().unwrap();
    assert_eq!(
        last.kind,
        EventKind::Resolved {
            note: Some("已清运".into()),
            photos: vec![],
        }
    );
    assert_eq!(last.actor, Some(TelegramUserId(1003).into()));
    let waiting: Vec<JobKind> = w
        .ctx
        .store
        .pending_jobs(id)
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        waiting,
        vec![JobKind::VerifyRemind, JobKind::VerifyAsk],
        "a resolved order waits for no report or resolve deadline, only for its verification"
    );

    let rows = w.drain().await;
    assert_eq!(
        rows.iter()
            .map(|r| (r.chat, r.what.clone()))
            .collect::<Vec<_>>(),
        vec![(GRID, What::Edit(id)), (GRID, What::ReplyToCard(id))],
        "{rows:#?}"
    );
    let notice = &rows[1];
    assert!(
        notice.html.starts_with("✅ 已处置 #1 — 赵桂英"),
        "{}",
        notice.html
    );
    assert!(notice.html.contains("已清运"), "{}", notice.html);
    assert!(
        notice.html.contains(&mention(1002)),
        "the whistler is mentioned: {}",
        notice.html
    );
    assert_eq!(notice.data, vec!["v:1", "o:1"], "确认 and 退回");
    assert_eq!(rows[0].data, vec!["v:1", "o:1"], "the card asks the same");

    // A neighbour's grid member may not resolve it.
    let id2 = w.new_order(GRID, 1002, "翠湖南路又有垃圾").await;
    assert_eq!(
        w.resolve(GRID, 1022, id2, None).await,
        Outcome::Refused(Refusal::NotSummoned { roles: vec![] })
    );
    assert_eq!(w.order(id2).await.state, OrderState::Open);
}

#[tokio::test]
async fn resolving_from_a_department_chat_tells_the_order_chat_and_the_department_chat() {
    let w = world().await;
    let id = w
        .new_order(SUBDISTRICT, 1200, "翠湖南路井盖丢失，请水务局处理")
        .await;
    assert_eq!(w.resolve(WATER, 2006, id, None).await, Outcome::Done(()));
    let rows = w.drain().await;
    let notices: Vec<i64> = rows
        .iter()
        .filter(|r| r.what == What::ReplyToCard(id))
        .map(|r| r.chat)
        .collect();
    assert_eq!(notices, vec![SUBDISTRICT, WATER], "{rows:#?}");
    for r in rows.iter().filter(|r| r.what == What::ReplyToCard(id)) {
        assert!(r.html.contains(&mention(1200)), "{}", r.html);
    }
}

#[tokio::test]
async fn the_whistler_verifies_and_the_order_is_closed() {
    let w = world().await;
    let id = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    // Not resolved yet: nothing to verify.
    assert_eq!(
        w.verify(GRID, 1002, id).await,
        Outcome::Refused(Refusal::Transition(TransitionError::WrongState(
            OrderState::Open
        )))
    );
    assert_eq!(w.resolve(GRID, 1003, id, None).await, Outcome::Done(()));
    let resolved = w.drain().await;
    let notice = resolved
        .iter()
        .find(|r| r.what == What::ReplyToCard(id))
        .expect("resolve notice")
        .clone();

    // Someone who neither whistled nor leads the grid may not close it.
    assert_eq!(
        w.verify(GRID, 1004, id).await,
        Outcome::Refused(Refusal::NotWhistler)
    );
    assert_eq!(w.order(id).await.state, OrderState::Resolved);
    assert!(w.drain().await.is_empty());

    assert_eq!(w.verify(GRID, 1002, id).await, Outcome::Done(()));
    let o = w.order(id).await;
    assert_eq!(o.state, OrderState::Closed);
    let last = w.events(id).await.pop().unwrap();
    assert_eq!(
        (last.kind, last.actor),
        (EventKind::Verified, Some(TelegramUserId(1002).into()))
    );
    let rows = w.drain().await;
    assert!(
        rows.iter().any(|r| r.chat == GRID
            && r.what
                == What::Clear {
                    message_id: notice.message_id
                }),
        "确认/退回 come off the resolve notice: {rows:#?}"
    );
    let card = rows
        .iter()
        .find(|r| r.what == What::Edit(id))
        .expect("card edit");
    assert!(card.data.is_empty(), "a closed card has no buttons");
    assert!(card.html.contains("🏁 已办结"), "{}", card.html);
}

#[tokio::test]
async fn a_second_reopen_raises_the_order_to_the_community() {
    let w = world().await;
    let id = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    assert_eq!(w.report(GRID, 1003, id).await, Outcome::Done(Reported::Now));
    assert_eq!(w.resolve(GRID, 1003, id, None).await, Outcome::Done(()));
    w.drain().await;

    // Someone else may not send it back.
    assert_eq!(
        w.reopen(GRID, 1004, id, "没清干净").await,
        Outcome::Refused(Refusal::NotWhistler)
    );

    // First reopen: back to handling at the grid, the people who worked on it told why.
    w.clock.advance(Duration::hours(1));
    assert_eq!(
        w.reopen(GRID, 1002, id, "还有一袋没清").await,
        Outcome::Done(())
    );
    let o = w.order(id).await;
    assert_eq!(o.reopen_count, 1);
    assert_eq!(o.level, Level::Grid);
    assert_eq!(o.state, OrderState::Reported, "the report is kept");
    assert!(o.resolve_due > w.ctx.now());
    let rows = w.drain().await;
    let notice = rows
        .iter()
        .find(|r| r.what == What::ReplyToCard(id))
        .expect("reopen notice");
    assert_eq!(notice.chat, GRID);
    assert!(
        notice.html.starts_with("↩️ #1 被 王芳 退回：还有一袋没清"),
        "{}",
        notice.html
    );
    assert!(
        notice.html.contains(&mention(1003)),
        "who reported is asked to go on: {}",
        notice.html
    );
    assert!(rows_in(&rows, COMMUNITY).is_empty(), "{rows:#?}");
    assert!(escalations(&w.events(id).await).is_empty());

    // Second reopen: one level up.
    assert_eq!(w.resolve(GRID, 1003, id, None).await, Outcome::Done(()));
    w.drain().await;
    assert_eq!(
        w.reopen(GRID, 1002, id, "还是没清").await,
        Outcome::Done(())
    );
    let o = w.order(id).await;
    assert_eq!(o.reopen_count, 2);
    assert_eq!(o.level, Level::Community);
    assert!(o.state.is_active());
    assert!(
        o.parties.iter().any(|p| p.target == duty_officers("cuihu")),
        "{:?}",
        o.parties
    );
    let events = w.events(id).await;
    assert_eq!(escalations(&events), vec![(Level::Grid, Level::Community)]);
    assert!(events.iter().any(|e| matches!(
        &e.kind,
        EventKind::Escalated {
            why: EscalationReason::ReopenedTwice,
            ..
        }
    )));

    let rows = w.drain().await;
    let community = rows_in(&rows, COMMUNITY);
    assert_eq!(
        community.iter().map(|r| r.what.clone()).collect::<Vec<_>>(),
        vec![What::Card(id), What::ReplyToCard(id)],
        "the community gets the card first, then the notice replying to it: {rows:#?}"
    );
    let up = community[1];
    assert!(
        up.html
            .starts_with("⬆️ #1 从 翠湖社区第一网格 升级到 翠湖社区"),
        "{}",
        up.html
    );
    assert!(
        up.html.contains("两次退回"),
        "the reason is given: {}",
        up.html
    );
    assert!(
        up.html.contains(&mention(1100)),
        "the community's duty officer is mentioned: {}",
        up.html
    );
    assert_eq!(up.data, vec!["r:1"], "接手");
}

#[tokio::test]
async fn the_whistler_cancels_with_a_reason_and_others_may_not() {
    let w = world().await;
    let id = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    assert_eq!(
        w.cancel(GRID, 1004, id, "重复").await,
        Outcome::Refused(Refusal::NotCanceller)
    );
    assert_eq!(w.order(id).await.state, OrderState::Open);

    assert_eq!(
        w.cancel(GRID, 1002, id, "与 #0 重复").await,
        Outcome::Done(())
    );
    let o = w.order(id).await;
    assert_eq!(o.state, OrderState::Cancelled);
    let last = w.events(id).await.pop().unwrap();
    assert_eq!(
        last.kind,
        EventKind::Cancelled {
            reason: "与 #0 重复".into()
        }
    );
    assert!(
        w.ctx.store.pending_jobs(id).await.unwrap().is_empty(),
        "no reminder or escalation for a cancelled order"
    );
    let rows = w.drain().await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].what, What::Edit(id));
    assert!(rows[0].html.contains("🚫 已撤销"), "{}", rows[0].html);
    assert!(rows[0].html.contains("与 #0 重复"), "{}", rows[0].html);
    assert!(rows[0].data.is_empty());

    // Twice is refused, and a deadline passing does nothing.
    assert_eq!(
        w.cancel(GRID, 1002, id, "再撤").await,
        Outcome::Refused(Refusal::Transition(TransitionError::WrongState(
            OrderState::Cancelled
        )))
    );
    w.advance(Duration::hours(2)).await;
    assert_eq!(w.order(id).await.level, Level::Grid);
    assert!(w.drain().await.is_empty());
}

// ------------------------------------------------------------------------------------------
// escalate, whistle_department

#[tokio::test]
async fn escalating_by_hand_raises_one_level_and_tells_the_chat_above() {
    let w = world().await;
    let id = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    assert_eq!(
        w.escalate(GRID, 1004, id, "想升级").await,
        Outcome::Refused(Refusal::NotEscalator)
    );
    assert_eq!(w.order(id).await.level, Level::Grid);

    assert_eq!(
        w.escalate(GRID, 1001, id, "需要社区协调").await,
        Outcome::Done(())
    );
    let o = w.order(id).await;
    assert_eq!(o.level, Level::Community);
    let officers = o
        .parties
        .iter()
        .find(|p| p.target == duty_officers("cuihu"))
        .expect("the community's duty officers are summoned");
    assert_eq!(officers.ack_due, w.ctx.now() + Duration::minutes(30));
    let events = w.events(id).await;
    assert_eq!(escalations(&events), vec![(Level::Grid, Level::Community)]);
    let esc = events
        .iter()
        .find(|e| matches!(e.kind, EventKind::Escalated { .. }))
        .unwrap();
    assert_eq!(esc.actor, Some(TelegramUserId(1001).into()));

    let rows = w.drain().await;
    let community = rows_in(&rows, COMMUNITY);
    assert_eq!(
        community.iter().map(|r| r.what.clone()).collect::<Vec<_>>(),
        vec![What::Card(id), What::ReplyToCard(id)],
        "{rows:#?}"
    );
    assert!(
        community[1]
            .html
            .starts_with("⬆️ #1 从 翠湖社区第一网格 升级到 翠湖社区"),
        "{}",
        community[1].html
    );
    assert!(
        community[1].html.contains("需要社区协调"),
        "{}",
        community[1].html
    );
    assert!(
        community[1].html.contains(&mention(1100)),
        "{}",
        community[1].html
    );
    assert!(
        rows_in(&rows, GRID)
            .iter()
            .all(|r| r.what == What::Edit(id)),
        "the grid's card is brought up to date: {rows:#?}"
    );
}

#[tokio::test]
async fn an_order_at_the_district_cannot_be_escalated_further() {
    let w = world().await;
    let id = w
        .new_order(DISTRICT, 1300, "翠湖南路井盖丢失，请水务局处理")
        .await;
    assert_eq!(w.order(id).await.level, Level::District);
    assert_eq!(
        w.escalate(DISTRICT, 1300, id, "再往上").await,
        Outcome::Refused(Refusal::Transition(TransitionError::AtTopLevel))
    );
    assert_eq!(w.order(id).await.level, Level::District);
    assert!(escalations(&w.events(id).await).is_empty());
    assert!(w.drain().await.is_empty());
}

#[tokio::test]
async fn a_subdistrict_duty_officer_whistles_a_department_from_an_escalated_order() {
    let w = world().await;
    let id = w.new_order(GRID, 1001, "翠湖南路井盖丢失").await;
    assert_eq!(
        w.escalate(GRID, 1001, id, "社区处理不了").await,
        Outcome::Done(())
    );
    assert_eq!(
        w.escalate(COMMUNITY, 1100, id, "需要街道协调部门").await,
        Outcome::Done(())
    );
    assert_eq!(w.order(id).await.level, Level::Subdistrict);
    let rows = w.drain().await;
    let notice = rows_in(&rows, SUBDISTRICT)
        .into_iter()
        .find(|r| r.what == What::ReplyToCard(id))
        .expect("an escalation notice at the sub-district")
        .clone();
    assert!(
        notice.data.contains(&"w:1:water".to_string()),
        "井盖 points to 水务局: {:?}",
        notice.data
    );

    // A grid leader may not summon departments; a button for a department that is gone is stale.
    assert_eq!(
        w.whistle_department(SUBDISTRICT, 1001, id, "water").await,
        Outcome::Refused(Refusal::NotDutyOfficer)
    );
    assert_eq!(
        w.whistle_department(SUBDISTRICT, 1200, id, "gone").await,
        Outcome::Refused(Refusal::StaleButton)
    );
    assert!(w.drain().await.is_empty());

    assert_eq!(
        w.whistle_department(SUBDISTRICT, 1200, id, "water").await,
        Outcome::Done("水务局".to_string())
    );
    let o = w.order(id).await;
    let water = o
        .parties
        .iter()
        .find(|p| p.target == department("water"))
        .expect("水务局 is summoned");
    assert_eq!(water.report, None);
    assert_eq!(
        water.ack_due,
        w.ctx.now() + Duration::hours(1),
        "the sub-district's hour"
    );
    let huashan = o
        .parties
        .iter()
        .find(|p| p.target == duty_officers("huashan"))
        .expect("the sub-district's duty officers were summoned by the escalation");
    assert_eq!(
        huashan.report.as_ref().map(|r| r.by),
        Some(TelegramUserId(1200)),
        "whistling the department is the duty officer taking it over"
    );
    let kinds = w.kinds(id).await;
    assert!(kinds.contains(&EventKind::PartyAdded {
        target: department("water")
    }));
    assert!(kinds.contains(&EventKind::Reported {
        target: duty_officers("huashan")
    }));

    let rows = w.drain().await;
    let water_rows = rows_in(&rows, WATER);
    assert_eq!(water_rows.len(), 1, "{rows:#?}");
    assert_eq!(water_rows[0].what, What::Card(id));
    assert!(
        water_rows[0].html.contains(&mention(2006)),
        "the liaison is mentioned: {}",
        water_rows[0].html
    );

    // Twice adds nothing.
    assert_eq!(
        w.whistle_department(SUBDISTRICT, 1200, id, "water").await,
        Outcome::Refused(Refusal::Transition(TransitionError::NothingToAdd))
    );
}

// ------------------------------------------------------------------------------------------
// note

#[tokio::test]
async fn a_note_goes_on_the_timeline_and_is_confirmed_in_a_reply() {
    let w = world().await;
    let id = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    w.note(
        GRID,
        1003,
        id,
        NoteRequest {
            message_id: gridwhistle::domain::MessageId(777),
            text: "  已到现场，正在清理  ".into(),
            location: None,
            has_photo: false,
            photo: None,
        },
    )
    .await;
    let last = w.events(id).await.pop().unwrap();
    assert_eq!(
        last.kind,
        EventKind::Note {
            text: "已到现场，正在清理".into(),
            photos: vec![],
        }
    );
    assert_eq!(last.actor, Some(TelegramUserId(1003).into()));
    let rows = w.drain().await;
    assert_eq!(
        rows.iter()
            .map(|r| (r.chat, r.what.clone(), r.html.as_str()))
            .collect::<Vec<_>>(),
        vec![(GRID, What::ReplyTo(777), "📝 已记入 #1 的进展。")]
    );

    // A photo without words is recorded as a photo.
    w.note(
        GRID,
        1003,
        id,
        NoteRequest {
            message_id: gridwhistle::domain::MessageId(778),
            text: String::new(),
            location: None,
            has_photo: true,
            photo: None,
        },
    )
    .await;
    assert_eq!(
        w.events(id).await.pop().unwrap().kind,
        EventKind::Note {
            text: "[照片]".into(),
            photos: vec![],
        }
    );
    assert_eq!(w.drain().await[0].what, What::ReplyTo(778));

    // Nothing said: nothing recorded, nothing answered.
    let n = w.events(id).await.len();
    w.note(
        GRID,
        1003,
        id,
        NoteRequest {
            message_id: gridwhistle::domain::MessageId(779),
            text: "   ".into(),
            location: None,
            has_photo: false,
            photo: None,
        },
    )
    .await;
    assert_eq!(w.events(id).await.len(), n);
    assert!(w.drain().await.is_empty());
}

#[tokio::test]
async fn a_location_shared_on_an_order_without_a_place_becomes_its_place() {
    let w = world().await;
    let id = w.new_order(GRID, 1002, "这里垃圾堆积").await;
    assert_eq!(w.order(id).await.location, None);
    w.note(
        GRID,
        1002,
        id,
        NoteRequest {
            message_id: gridwhistle::domain::MessageId(900),
            text: String::new(),
            location: Some((25.043214, 102.701234)),
            has_photo: false,
            photo: None,
        },
    )
    .await;
    assert_eq!(
        w.order(id).await.location.as_deref(),
        Some("25.04321, 102.70123")
    );
    assert_eq!(
        w.events(id).await.pop().unwrap().kind,
        EventKind::Note {
            text: "📍 25.04321, 102.70123".into(),
            photos: vec![],
        }
    );
    let rows = w.drain().await;
    assert_eq!(
        rows.iter().map(|r| r.what.clone()).collect::<Vec<_>>(),
        vec![What::Edit(id), What::ReplyTo(900)],
        "{rows:#?}"
    );
    assert!(
        rows[0].html.contains("📍 25.04321, 102.70123"),
        "the card shows the place: {}",
        rows[0].html
    );

    // A second place is only a note: the order keeps its first.
    w.note(
        GRID,
        1002,
        id,
        NoteRequest {
            message_id: gridwhistle::domain::MessageId(901),
            text: String::new(),
            location: Some((25.1, 102.8)),
            has_photo: false,
            photo: None,
        },
    )
    .await;
    assert_eq!(
        w.order(id).await.location.as_deref(),
        Some("25.04321, 102.70123")
    );
    assert_eq!(
        w.events(id).await.pop().unwrap().kind,
        EventKind::Note {
            text: "📍 25.10000, 102.80000".into(),
            photos: vec![],
        }
    );
}

// ------------------------------------------------------------------------------------------
// roster

#[tokio::test]
async fn binding_a_chat_needs_the_right_to_the_unit_it_serves() {
    let w = world().await;
    const NEW: i64 = -1002000000042;
    assert_eq!(w.bind(NEW, 1001, "  ").await, Bound::Usage);
    assert_eq!(
        w.bind(NEW, 1001, "nowhere").await,
        Bound::Unknown("nowhere".into())
    );
    let grid = Scope::Unit(UnitId::parse("cuihu-1").unwrap());
    // A sanitation worker is not the grid's leader.
    assert_eq!(
        w.bind(NEW, 1002, "cuihu-1").await,
        Bound::Refused(grid.clone())
    );
    // A grid leader may not take the community's chat for the grid.
    assert_eq!(
        w.bind(COMMUNITY, 1001, "cuihu-1").await,
        Bound::Refused(grid.clone())
    );
    assert_eq!(
        w.ctx
            .store
            .chat_of(&Scope::Unit(UnitId::parse("cuihu").unwrap()))
            .await
            .unwrap(),
        Some(gridwhistle::domain::ChatId(COMMUNITY))
    );
    assert_eq!(
        w.ctx.store.chat_of(&grid).await.unwrap(),
        Some(gridwhistle::domain::ChatId(GRID))
    );

    // By name, by its leader: the grid's chat is now NEW, the old one serves nothing.
    assert_eq!(
        w.bind(NEW, 1001, "翠湖社区第一网格").await,
        Bound::Bound(grid.clone())
    );
    assert_eq!(
        w.ctx.store.chat_of(&grid).await.unwrap(),
        Some(gridwhistle::domain::ChatId(NEW))
    );
    assert_eq!(w.here(NEW).await.scope, Some(grid.clone()));
    assert_eq!(w.here(GRID).await.scope, None);
    assert_eq!(
        w.whistle(NEW, 1002, "翠湖南路垃圾堆积").await,
        Whistled::Created(OrderId(1))
    );
    assert_eq!(
        w.drain()
            .await
            .iter()
            .map(|r| (r.chat, r.what.clone()))
            .collect::<Vec<_>>(),
        vec![(NEW, What::Card(OrderId(1)))]
    );
    // A department's liaison binds their department.
    assert_eq!(
        w.bind(-1002000000043, 2006, "water").await,
        Bound::Bound(Scope::Department(DepartmentId::parse("water").unwrap()))
    );
}

#[tokio::test]
async fn a_grid_leader_assigns_and_unassigns_a_role_by_username() {
    let w = world().await;
    let newcomer = TelegramUserId(3001);
    w.ctx
        .learn(&Actor {
            id: newcomer,
            name: "新人".into(),
            username: Some("newbie".into()),
        })
        .await
        .unwrap();
    let grid = Scope::Unit(UnitId::parse("cuihu-1").unwrap());
    assert_eq!(
        w.whistle(GRID, 3001, "翠湖南路垃圾堆积").await,
        Whistled::NotMember
    );

    // Not the leader; an unknown username; an unknown role.
    assert_eq!(
        w.assign(
            GRID,
            1002,
            true,
            "志愿者",
            Assignee::Username("newbie".into())
        )
        .await,
        Assigned::Refused
    );
    assert_eq!(
        w.assign(
            GRID,
            1001,
            true,
            "志愿者",
            Assignee::Username("nobody".into())
        )
        .await,
        Assigned::UnknownUsername("nobody".into())
    );
    assert_eq!(
        w.assign(
            GRID,
            1001,
            true,
            "宇航员",
            Assignee::Username("newbie".into())
        )
        .await,
        Assigned::UnknownRole("宇航员".into())
    );
    // In a chat bound to nothing there is no roster to change.
    assert_eq!(
        w.assign(LOOSE, 1, true, "志愿者", Assignee::Person(newcomer))
            .await,
        Assigned::Refused
    );

    let done = Assigned::Done {
        name: "新人".into(),
        role: RoleId::new("volunteer"),
        scope: grid.clone(),
        changed: true,
    };
    assert_eq!(
        w.assign(
            GRID,
            1001,
            true,
            "志愿者",
            Assignee::Username("@newbie".into())
        )
        .await,
        done
    );
    let org = w.ctx.store.load_org().await.unwrap();
    assert_eq!(
        org.roles_of(newcomer, &grid),
        vec![RoleId::new("volunteer")]
    );
    assert_eq!(
        w.whistle(GRID, 3001, "翠湖南路垃圾堆积").await,
        Whistled::Created(OrderId(1)),
        "on the roster, the newcomer whistles"
    );
    // Again: nothing to do.
    assert_eq!(
        w.assign(GRID, 1001, true, "volunteer", Assignee::Person(newcomer))
            .await,
        Assigned::Done {
            name: "新人".into(),
            role: RoleId::new("volunteer"),
            scope: grid.clone(),
            changed: false,
        }
    );
    // Taken away by the community's duty officer (a leader of the grid too).
    assert_eq!(
        w.assign(GRID, 1100, false, "志愿者", Assignee::Person(newcomer))
            .await,
        Assigned::Done {
            name: "新人".into(),
            role: RoleId::new("volunteer"),
            scope: grid.clone(),
            changed: true,
        }
    );
    assert!(w
        .ctx
        .store
        .load_org()
        .await
        .unwrap()
        .roles_of(newcomer, &grid)
        .is_empty());
    assert_eq!(
        w.whistle(GRID, 3001, "翠湖南路又有垃圾").await,
        Whistled::NotMember
    );
}

#[tokio::test]
async fn a_member_sets_the_chat_language_and_the_cards_follow_it() {
    let w = world().await;
    let set = |chat: i64, who: i64, group: bool, lang: Lang| {
        let w = &w;
        async move {
            let here = w.here(chat).await;
            roster::set_lang(&w.ctx, &here, &w.who(who), group, lang)
                .await
                .expect("set_lang")
        }
    };
    assert_eq!(w.here(GRID).await.lang, Lang::ZhHans, "the org's default");
    assert_eq!(set(GRID, STRANGER, true, Lang::En).await, LangSet::Refused);
    assert_eq!(w.here(GRID).await.lang, Lang::ZhHans);

    assert_eq!(
        set(GRID, 1002, true, Lang::En).await,
        LangSet::Set(Lang::En)
    );
    let here = w.here(GRID).await;
    assert_eq!(here.lang, Lang::En);
    assert_eq!(
        here.scope,
        Some(Scope::Unit(UnitId::parse("cuihu-1").unwrap())),
        "the binding stays"
    );
    assert_eq!(
        w.here(GRID2).await.lang,
        Lang::ZhHans,
        "other chats keep theirs"
    );
    let id = w.new_order(GRID2, 1021, "翠湖北路垃圾堆积").await;
    assert_eq!(id, OrderId(1));
    assert_eq!(
        w.whistle(GRID, 1002, "rubbish piled up on Cuihu South Rd")
            .await,
        Whistled::Created(OrderId(2))
    );
    let rows = w.drain().await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert!(
        rows[0]
            .html
            .starts_with("<b>🔔 Whistle #2 · 翠湖社区第一网格</b>"),
        "{}",
        rows[0].html
    );

    // In a private chat anyone sets their own language.
    assert_eq!(
        set(STRANGER, STRANGER, false, Lang::ZhHant).await,
        LangSet::Set(Lang::ZhHant)
    );
    assert_eq!(w.here(STRANGER).await.lang, Lang::ZhHant);
}

#[tokio::test]
async fn a_chat_that_becomes_a_supergroup_keeps_its_binding_and_gets_its_live_cards_again() {
    let w = world().await;
    const SUPER: i64 = -1002000000300;
    let live = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    let gone = w.new_order(GRID, 1002, "翠湖北路垃圾堆积").await;
    assert_eq!(w.cancel(GRID, 1002, gone, "重复").await, Outcome::Done(()));
    w.drain().await;

    roster::migrate_chat(
        &w.ctx,
        gridwhistle::domain::ChatId(GRID),
        gridwhistle::domain::ChatId(SUPER),
    )
    .await
    .unwrap();
    let grid = Scope::Unit(UnitId::parse("cuihu-1").unwrap());
    assert_eq!(
        w.ctx.store.chat_of(&grid).await.unwrap(),
        Some(gridwhistle::domain::ChatId(SUPER))
    );
    assert_eq!(w.here(SUPER).await.scope, Some(grid));
    assert_eq!(w.here(GRID).await.scope, None);

    let rows = w.drain().await;
    assert_eq!(
        rows.iter()
            .map(|r| (r.chat, r.what.clone()))
            .collect::<Vec<_>>(),
        vec![(SUPER, What::Card(live))],
        "only the live order's card is posted again, in the new chat: {rows:#?}"
    );
    assert!(
        rows[0]
            .html
            .starts_with("<b>🔔 哨令 #1 · 翠湖社区第一网格</b>"),
        "{}",
        rows[0].html
    );
    assert_eq!(
        w.ctx
            .store
            .card_message(live, gridwhistle::domain::ChatId(SUPER))
            .await
            .unwrap(),
        Some(gridwhistle::domain::MessageId(rows[0].message_id)),
        "later edits go to the new card"
    );
    // And they do.
    assert_eq!(
        w.report(SUPER, 1003, live).await,
        Outcome::Done(Reported::Now)
    );
    assert_eq!(
        w.drain()
            .await
            .iter()
            .map(|r| (r.chat, r.what.clone()))
            .collect::<Vec<_>>(),
        vec![(SUPER, What::Edit(live))]
    );
}

// ------------------------------------------------------------------------------------------
// deadlines

#[tokio::test]
async fn a_report_deadline_first_reminds_who_has_not_reported_then_raises_the_order() {
    let w = world().await;
    w.ctx
        .store
        .set_private_chat(TelegramUserId(1003))
        .await
        .unwrap();
    let id = w.new_order(GRID, 1001, "翠湖南路垃圾堆积").await;

    // 10:19: nothing due yet.
    assert_eq!(w.advance(Duration::minutes(19)).await, 0);
    assert!(w.drain().await.is_empty());

    // 10:20: ten minutes before the deadline, a reminder.
    assert_eq!(w.advance(Duration::minutes(1)).await, 1);
    let events = w.events(id).await;
    let last = events.last().unwrap();
    assert_eq!(
        (last.kind.clone(), last.actor),
        (
            EventKind::Reminded {
                target: role("cuihu-1", "sanitation")
            },
            None
        )
    );
    assert_eq!(w.order(id).await.level, Level::Grid);
    let rows = w.drain().await;
    let reminder = rows
        .iter()
        .find(|r| r.what == What::ReplyToCard(id))
        .expect("a reminder replying to the card");
    assert_eq!(reminder.chat, GRID);
    assert!(
        reminder.html.starts_with("⏰ #1 提醒：环卫保洁员"),
        "{}",
        reminder.html
    );
    assert!(reminder.html.contains(&mention(1002)), "{}", reminder.html);
    assert!(reminder.html.contains(&mention(1003)), "{}", reminder.html);
    assert!(
        !reminder.html.contains(&mention(1001)),
        "the whistler is not reminded: {}",
        reminder.html
    );
    let private: Vec<&Row> = rows_in(&rows, 1003);
    assert_eq!(private.len(), 1, "{rows:#?}");
    assert_eq!(private[0].what, What::Message);
    assert!(
        private[0]
            .html
            .starts_with("⏰ #1 · 翠湖社区第一网格：翠湖南路垃圾堆积"),
        "{}",
        private[0].html
    );
    assert!(
        rows_in(&rows, 1002).is_empty(),
        "1002 never started the bot"
    );

    // 10:30: nobody reported; the community takes it.
    assert_eq!(w.advance(Duration::minutes(10)).await, 1);
    let o = w.order(id).await;
    assert_eq!(o.level, Level::Community);
    let events = w.events(id).await;
    assert_eq!(escalations(&events), vec![(Level::Grid, Level::Community)]);
    let esc = events
        .iter()
        .find(|e| matches!(e.kind, EventKind::Escalated { .. }))
        .unwrap();
    assert_eq!(esc.actor, None, "the scheduler did it");
    assert_eq!(
        esc.kind,
        EventKind::Escalated {
            from: Level::Grid,
            to: Level::Community,
            why: EscalationReason::NotReported {
                parties: vec![role("cuihu-1", "sanitation")]
            }
        }
    );
    let officers = o
        .parties
        .iter()
        .find(|p| p.target == duty_officers("cuihu"))
        .expect("the community's duty officers summoned");
    assert_eq!(officers.ack_due, w.ctx.now() + Duration::minutes(30));

    let rows = w.drain().await;
    let community = rows_in(&rows, COMMUNITY);
    assert_eq!(
        community.iter().map(|r| r.what.clone()).collect::<Vec<_>>(),
        vec![What::Card(id), What::ReplyToCard(id)],
        "{rows:#?}"
    );
    assert!(
        community[1]
            .html
            .starts_with("⬆️ #1 从 翠湖社区第一网格 升级到 翠湖社区"),
        "{}",
        community[1].html
    );
    assert!(
        community[1].html.contains("环卫保洁员 未按时报到"),
        "{}",
        community[1].html
    );
    assert!(
        community[1].html.contains(&mention(1100)),
        "{}",
        community[1].html
    );

    // The same moment does not raise it twice.
    assert_eq!(w.advance(Duration::seconds(1)).await, 0);
    assert_eq!(w.order(id).await.level, Level::Community);
    assert!(w.drain().await.is_empty());
}

#[tokio::test]
async fn a_report_before_the_reminder_leaves_the_deadline_with_nothing_to_do() {
    let w = world().await;
    let id = w.new_order(GRID, 1001, "翠湖南路垃圾堆积").await;
    w.clock.advance(Duration::minutes(5));
    assert_eq!(w.report(GRID, 1002, id).await, Outcome::Done(Reported::Now));
    w.drain().await;
    w.advance(Duration::minutes(40)).await;
    assert_eq!(w.order(id).await.level, Level::Grid);
    assert!(
        !w.kinds(id)
            .await
            .iter()
            .any(|k| matches!(k, EventKind::Reminded { .. } | EventKind::Escalated { .. })),
        "{:?}",
        w.kinds(id).await
    );
    assert!(w.drain().await.is_empty());
}

#[tokio::test]
async fn a_note_on_an_order_that_does_not_exist_is_refused_and_records_nothing() {
    let w = world().await;
    let outcome = w
        .note(
            GRID,
            1003,
            OrderId(99),
            NoteRequest {
                message_id: gridwhistle::domain::MessageId(5),
                text: "现场已清理".into(),
                location: None,
                has_photo: false,
                photo: None,
            },
        )
        .await;
    assert_eq!(outcome, Outcome::NoSuchOrder(OrderId(99)));
    assert!(w.ctx.store.events(OrderId(99)).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_whistle_of_an_order_number_alone_adds_nobody() {
    let w = world().await;
    let id = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    let done = w.whistle(GRID, 1002, &format!("#{}", id.0)).await;
    assert_eq!(done, Whistled::Empty);
}

/// At 10:00 "今天3点前" has passed: the order goes ahead with the normal windows, and a reply
/// to its card offers tomorrow's 03:00 as the resolve deadline, which only the whistler (or a
/// leader) may take, once, through the button the bot offered.
#[tokio::test]
async fn a_whistle_whose_time_had_passed_keeps_the_default_deadlines_and_offers_the_next() {
    let w = world().await;
    let id = match w.whistle(GRID, 1011, "今天3点前 翠湖南路垃圾堆积").await {
        Whistled::Created(id) => id,
        other => panic!("not created: {other:?}"),
    };
    let o = w.order(id).await;
    let ten = friday_ten();
    assert_eq!(
        o.parties[0].ack_due,
        ten + Duration::minutes(30),
        "the normal window"
    );
    let default_resolve = o.resolve_due;
    assert!(
        default_resolve > ten + Duration::hours(24),
        "{default_resolve}"
    );
    let rows = w.drain().await;
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert_eq!((rows[0].chat, &rows[0].what), (GRID, &What::Card(id)));
    let reply = &rows[1];
    assert_eq!((reply.chat, &reply.what), (GRID, &What::ReplyToCard(id)));
    assert!(
        reply.html.starts_with("⏰ #1：03:00 已经过了"),
        "{}",
        reply.html
    );
    // Tomorrow (Saturday) 03:00 in Kunming is Friday 19:00 UTC.
    let next = ten + Duration::hours(17);
    let data = format!("t:1:{}", next.timestamp() / 60);
    assert_eq!(reply.data, vec![data.clone()]);

    let set = |who: i64, message_id: i64, minutes: i64| {
        let w = &w;
        async move {
            let here = w.here(GRID).await;
            orders::set_resolve_due(
                &w.ctx,
                &here,
                &w.who(who),
                id,
                gridwhistle::domain::MessageId(message_id),
                minutes,
            )
            .await
            .expect("set resolve due")
        }
    };
    let m = next.timestamp() / 60;
    // A summoned worker may not; a time the bot did not offer, or on another message, is stale.
    assert_eq!(
        set(1002, reply.message_id, m).await,
        Outcome::Refused(Refusal::NotDeadlineSetter)
    );
    assert_eq!(
        set(1011, reply.message_id, m + 60).await,
        Outcome::Refused(Refusal::StaleButton)
    );
    assert_eq!(
        set(1011, rows[0].message_id, m).await,
        Outcome::Refused(Refusal::StaleButton)
    );
    assert_eq!(w.order(id).await.resolve_due, default_resolve);
    assert!(w.drain().await.is_empty());

    assert_eq!(set(1011, reply.message_id, m).await, Outcome::Done(next));
    assert_eq!(w.order(id).await.resolve_due, next);
    let last = w.events(id).await.pop().unwrap();
    assert_eq!(last.actor, Some(TelegramUserId(1011).into()));
    assert_eq!(
        last.kind,
        EventKind::ResolveDueSet {
            from: default_resolve,
            to: next
        }
    );
    assert!(
        w.ctx
            .store
            .pending_jobs(id)
            .await
            .unwrap()
            .iter()
            .any(|(k, due)| *k == JobKind::Resolve && *due == next),
        "the resolve deadline's job follows"
    );
    let rows = w.drain().await;
    let kinds: Vec<&What> = rows.iter().map(|r| &r.what).collect();
    assert_eq!(
        kinds,
        vec![
            &What::Clear {
                message_id: reply.message_id
            },
            &What::Edit(id)
        ],
        "{rows:#?}"
    );
    assert!(
        rows[1].html.contains("限 明天 03:00 前处置"),
        "{}",
        rows[1].html
    );
    // Pressed again: the button is gone.
    assert_eq!(
        set(1011, reply.message_id, m).await,
        Outcome::Refused(Refusal::StaleButton)
    );
}

#[tokio::test]
async fn a_whistle_naming_a_number_no_order_can_have_creates_nothing() {
    let w = world().await;
    for (text, digits) in [
        ("#0 @城管 还有流动摊贩", "0"),
        (
            "＃９９９９９９９９９９９９９９９９９９９９ @城管",
            "99999999999999999999",
        ),
        ("#9223372036854775808 垃圾", "9223372036854775808"),
    ] {
        assert_eq!(
            w.whistle(GRID, 1002, text).await,
            Whistled::NoSuchNumber(digits.into()),
            "{text}"
        );
    }
    assert!(w.ctx.store.all_orders().await.unwrap().is_empty());
    assert!(w.drain().await.is_empty());
}

#[tokio::test]
async fn a_whistle_of_invisible_characters_alone_is_empty() {
    let w = world().await;
    for text in [
        "\u{200B}",
        "\u{200B}\u{FEFF}\u{2060} \u{3000}",
        "\u{FE0F}\u{0}\u{202E}",
    ] {
        assert_eq!(
            w.whistle(GRID, 1002, text).await,
            Whistled::Empty,
            "{text:?}"
        );
    }
    assert!(w.ctx.store.all_orders().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_note_of_invisible_characters_records_nothing() {
    let w = world().await;
    let id = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    let before = w.events(id).await.len();
    let n = NoteRequest {
        message_id: gridwhistle::domain::MessageId(5),
        text: "\u{200B}\u{FE0F}".into(),
        location: None,
        has_photo: false,
        photo: None,
    };
    assert_eq!(w.note(GRID, 1003, id, n).await, Outcome::Done(()));
    assert_eq!(w.events(id).await.len(), before);
    assert!(w.drain().await.is_empty(), "no confirmation of nothing");
}

#[tokio::test]
async fn a_card_not_yet_sent_when_its_chat_becomes_a_supergroup_goes_out_once() {
    let w = world().await;
    const SUPER: i64 = -1002000000300;
    let live = w.new_order(GRID, 1002, "翠湖南路垃圾堆积").await;
    // The group moves before the sender delivered the card.
    roster::migrate_chat(
        &w.ctx,
        gridwhistle::domain::ChatId(GRID),
        gridwhistle::domain::ChatId(SUPER),
    )
    .await
    .unwrap();
    let cards: Vec<_> = w
        .drain()
        .await
        .into_iter()
        .filter(|r| r.what == What::Card(live))
        .map(|r| r.chat)
        .collect();
    assert_eq!(cards, vec![SUPER], "one card, in the new chat");
}
