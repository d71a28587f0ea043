//! The residents' acts on a SQLite store, without the Bot API stand-in: each act is called as
//! `telegram::private` (or a group handler) calls it, and the test reads what was stored (the
//! resident, the dialogue row, the order and its events, followers, blocks) and what was queued
//! for people to see (the outbox rows, drained as the sender would). Every drain checks that no
//! row for a group chat carries a resident's name, username or Telegram id.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};

use gridwhistle::acts::orders;
use gridwhistle::acts::residents::{self, AskOutcome, BlockOutcome, Private};
use gridwhistle::acts::{Actor, Ctx, Here, Outcome};
use gridwhistle::clock::ManualClock;
use gridwhistle::domain::button::{ButtonAction, DialogueStep};
use gridwhistle::domain::geo::Point;
use gridwhistle::domain::org::{parse_org, Organisation};
use gridwhistle::domain::resident::{Input, Place, Satisfaction, Step};
use gridwhistle::domain::{
    EventKind, Lang, OrderId, OrderState, ResidentNo, TelegramUserId, UnitId, WhistleOrder, Who,
};
use gridwhistle::i18n::ids;
use gridwhistle::storage::Payload;
use gridwhistle::tr;

use crate::support::{sqlite, TestDb};

const CUIHU: i64 = -1001000000200;
const WENLIN: i64 = -1001000000202;
const GRID: i64 = -1001000000300;
const GRID2: i64 = -1001000000301;

/// The broken street light on 翠湖北路, inside grid cuihu-1 (the `[resident]` table's point).
const LIGHT: Point = Point {
    lat: 25.0520,
    lon: 102.7035,
};
/// About 20 m east of `LIGHT`, still in cuihu-1.
const NEAR_LIGHT: Point = Point {
    lat: 25.0520,
    lon: 102.7037,
};
/// In cuihu-1 too, some 300 m from `LIGHT`.
const FAR_IN_GRID: Point = Point {
    lat: 25.0530,
    lon: 102.7065,
};
/// Inside grid wenlin-1, which has no chat of its own.
const IN_WENLIN_1: Point = Point {
    lat: 25.0600,
    lon: 102.6950,
};

const LI_MING: i64 = 1001; // cuihu-1 grid leader
const WANG_FANG: i64 = 1002; // cuihu-1 sanitation
const CHEN_JING: i64 = 1005; // cuihu-1 grid supervisor (street lights)
const ZHENG_QIANG: i64 = 1021; // cuihu-2 grid leader

/// Friday 2026-11-27 10:00 in Kunming.
fn friday_ten() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()
}

/// Residents: (Telegram id, first name, username). None is on the roster.
const ZHOU: (i64, &str, &str) = (6_200_417, "周淑芬", "zhou_shufen");
const QIAN: (i64, &str, &str) = (6_200_533, "钱德贵", "qian_degui");
const RESIDENTS: [(i64, &str, &str); 2] = [ZHOU, QIAN];

fn actor((id, name, username): (i64, &str, &str)) -> Actor {
    Actor {
        id: TelegramUserId(id),
        name: name.into(),
        username: Some(username.into()),
    }
}

/// An outbox row as the sender would deliver it, under a message id of its own (its row id).
#[derive(Debug, Clone)]
struct Row {
    chat: i64,
    payload: Payload,
    message_id: i64,
}

impl Row {
    fn html(&self) -> &str {
        match &self.payload {
            Payload::Send { html, .. } | Payload::EditCard { html, .. } => html,
            Payload::Photos { caption, .. } => caption.as_deref().unwrap_or_default(),
            _ => "",
        }
    }

    fn actions(&self) -> Vec<ButtonAction> {
        match &self.payload {
            Payload::Send { buttons, .. } | Payload::EditCard { buttons, .. } => buttons
                .iter()
                .flatten()
                .map(|b| ButtonAction::parse(&b.data).expect("button data parses"))
                .collect(),
            _ => vec![],
        }
    }

    fn labels(&self) -> Vec<String> {
        match &self.payload {
            Payload::Send { buttons, .. } | Payload::EditCard { buttons, .. } => {
                buttons.iter().flatten().map(|b| b.label.clone()).collect()
            }
            _ => vec![],
        }
    }
}

struct World {
    _db: TestDb,
    ctx: Ctx,
    clock: ManualClock,
    org: Organisation,
    next_message: AtomicI64,
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
        next_message: AtomicI64::new(1_000_000),
    }
}

fn text(t: &str) -> Input {
    Input {
        text: Some(t.into()),
        ..Input::default()
    }
}

fn location(p: Point) -> Input {
    Input {
        place: Some(Place::Point { at: p, label: None }),
        ..Input::default()
    }
}

fn photo(file_id: &str, caption: Option<&str>) -> Input {
    Input {
        text: caption.map(String::from),
        photos: vec![file_id.into()],
        ..Input::default()
    }
}

impl World {
    /// A roster person as Telegram describes them.
    fn member(&self, id: i64) -> Actor {
        let p = self.org.person(TelegramUserId(id)).expect("on the roster");
        Actor {
            id: p.telegram_id,
            name: p.name.clone(),
            username: p.username.clone(),
        }
    }

    async fn here(&self, chat: i64) -> Here {
        self.ctx
            .here(gridwhistle::domain::ChatId(chat))
            .await
            .expect("here")
    }

    /// A message from `who` in their private chat (Telegram language zh-hans).
    fn private(&self, who: (i64, &str, &str), input: Input, reply_to: Option<i64>) -> Private {
        Private {
            chat_id: gridwhistle::domain::ChatId(who.0),
            message_id: gridwhistle::domain::MessageId(
                self.next_message.fetch_add(1, Ordering::Relaxed),
            ),
            from: actor(who),
            language: Some("zh-hans".into()),
            input,
            reply_to: reply_to.map(gridwhistle::domain::MessageId),
        }
    }

    async fn start(&self, who: (i64, &str, &str), language: &str, link: Option<&str>) -> Vec<Row> {
        let mut p = self.private(who, text("/start"), None);
        p.language = Some(language.into());
        residents::start(&self.ctx, &p, link).await.expect("start");
        self.drain().await
    }

    async fn begin(&self, who: (i64, &str, &str)) -> Vec<Row> {
        let p = self.private(who, text("/report"), None);
        residents::begin(&self.ctx, &p).await.expect("begin");
        self.drain().await
    }

    /// A message that is not a command.
    async fn send(&self, who: (i64, &str, &str), input: Input) -> Vec<Row> {
        let p = self.private(who, input, None);
        residents::message(&self.ctx, &p).await.expect("message");
        self.drain().await
    }

    /// A text replying to the bot's message `to`.
    async fn reply(&self, who: (i64, &str, &str), to: i64, t: &str) -> Vec<Row> {
        let p = self.private(who, text(t), Some(to));
        residents::message(&self.ctx, &p).await.expect("message");
        self.drain().await
    }

    /// A press in `who`'s private chat, routed as `telegram::private::on_press` routes it:
    /// the toast and what it queued.
    async fn press(
        &self,
        who: (i64, &str, &str),
        action: &ButtonAction,
    ) -> (Option<String>, Vec<Row>) {
        let (ctx, chat, user) = (&self.ctx, who.0, TelegramUserId(who.0));
        let toast = match action {
            ButtonAction::StartReport | ButtonAction::Dialogue { .. } => {
                residents::on_dialogue_press(ctx, gridwhistle::domain::ChatId(chat), user, action)
                    .await
            }
            ButtonAction::PickUnit { version, unit } => {
                residents::pick_unit(
                    ctx,
                    gridwhistle::domain::ChatId(chat),
                    user,
                    *version,
                    unit.clone(),
                )
                .await
            }
            ButtonAction::UnitPage { version, page } => {
                residents::pick_page(
                    ctx,
                    gridwhistle::domain::ChatId(chat),
                    user,
                    *version,
                    *page,
                )
                .await
            }
            _ => {
                residents::on_rating_press(ctx, gridwhistle::domain::ChatId(chat), user, action)
                    .await
            }
        }
        .expect("press");
        (toast, self.drain().await)
    }

    /// Presses the button of the last message in `who`'s chat whose action `pick` chooses.
    async fn press_last(
        &self,
        who: (i64, &str, &str),
        rows: &[Row],
        pick: impl Fn(&ButtonAction) -> bool,
    ) -> (Option<String>, Vec<Row>) {
        let action = rows
            .iter()
            .rev()
            .filter(|r| r.chat == who.0)
            .flat_map(|r| r.actions())
            .find(|a| pick(a))
            .unwrap_or_else(|| panic!("no such button in {rows:#?}"));
        self.press(who, &action).await
    }

    /// The whole report of the demo: description with a photo, the location, 确认.
    async fn report(&self, who: (i64, &str, &str), t: &str, at: Point) -> OrderId {
        let file_id = format!("AgACAgUAAxkBAAIphoto-{}", who.2.len() + t.len());
        self.send(who, photo(&file_id, Some(t))).await;
        let rows = self.send(who, location(at)).await;
        let (toast, rows) = self.press_last(who, &rows, is_confirm).await;
        assert!(toast.is_some(), "a toast with the number: {rows:#?}");
        self.only_order_of(who).await
    }

    async fn only_order_of(&self, who: (i64, &str, &str)) -> OrderId {
        let no = self.no(who).await;
        let ids = self
            .ctx
            .store
            .resident_order_ids(no, 20)
            .await
            .expect("orders");
        *ids.first().expect("an order")
    }

    async fn no(&self, who: (i64, &str, &str)) -> ResidentNo {
        self.ctx
            .store
            .resident_of_user(TelegramUserId(who.0))
            .await
            .expect("read")
            .expect("enrolled")
            .no
    }

    async fn step(&self, who: (i64, &str, &str)) -> Option<Step> {
        let no = self.no(who).await;
        self.ctx
            .store
            .dialogue(no)
            .await
            .expect("dialogue")
            .map(|d| d.dialogue.step)
    }

    async fn order(&self, id: OrderId) -> WhistleOrder {
        self.ctx
            .store
            .order(id)
            .await
            .expect("read")
            .expect("exists")
            .order
    }

    async fn events(&self, id: OrderId) -> Vec<(Option<Who>, EventKind)> {
        self.ctx
            .store
            .events(id)
            .await
            .expect("events")
            .into_iter()
            .map(|e| (e.actor, e.kind))
            .collect()
    }

    /// Claims every queued row in order and marks it delivered under its row id; fails when a
    /// row for a group names a resident.
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
                rows.push(Row {
                    chat: r.chat_id.0,
                    payload: r.payload,
                    message_id: r.id.0,
                });
            }
        }
        rows.sort_by_key(|r| r.message_id);
        for r in rows.iter().filter(|r| r.chat < 0) {
            let all = serde_json::to_string(&r.payload).expect("payload json");
            for (id, name, username) in RESIDENTS {
                assert!(
                    !all.contains(name) && !all.contains(username) && !has_number(&all, id),
                    "a group row names resident {name}: {all}"
                );
            }
        }
        rows
    }

    /// Reports for duty and resolves `id` in the grid as `worker`, with a note.
    async fn resolve(&self, id: OrderId, worker: i64, note: &str) -> Vec<Row> {
        let here = self.here(GRID).await;
        let who = self.member(worker);
        let out = orders::report(&self.ctx, &here, &who, id)
            .await
            .expect("report");
        assert!(matches!(out, Outcome::Done(_)), "{out:?}");
        let mut rows = self.drain().await;
        let out = orders::resolve(&self.ctx, &here, &who, id, Some(note.into()))
            .await
            .expect("resolve");
        assert!(matches!(out, Outcome::Done(_)), "{out:?}");
        rows.extend(self.drain().await);
        rows
    }

    async fn ask(&self, chat: i64, who: i64, id: OrderId, q: &str) -> (AskOutcome, Vec<Row>) {
        let here = self.here(chat).await;
        let out = residents::ask(
            &self.ctx,
            &here,
            &self.member(who),
            id,
            q,
            gridwhistle::domain::MessageId(77),
        )
        .await
        .expect("ask");
        (out, self.drain().await)
    }
}

/// Whether `n` appears in `s` as a number of its own (not inside a longer one).
fn has_number(s: &str, n: i64) -> bool {
    let n = n.to_string();
    s.match_indices(&n).any(|(at, _)| {
        !s[..at].ends_with(|c: char| c.is_ascii_digit())
            && !s[at + n.len()..].starts_with(|c: char| c.is_ascii_digit())
    })
}

fn is_confirm(a: &ButtonAction) -> bool {
    matches!(
        a,
        ButtonAction::Dialogue {
            step: DialogueStep::Confirm,
            ..
        }
    )
}

fn in_chat(rows: &[Row], chat: i64) -> Vec<&Row> {
    rows.iter().filter(|r| r.chat == chat).collect()
}

fn texts(rows: &[Row], chat: i64) -> String {
    in_chat(rows, chat)
        .iter()
        .map(|r| r.html())
        .collect::<Vec<_>>()
        .join("\n")
}

const ZH: Lang = Lang::ZhHans;

// ---- start and begin ----

#[tokio::test]
async fn start_welcomes_in_the_telegram_language_with_a_report_button() {
    let w = world().await;
    let rows = w.start(ZHOU, "zh-hk", None).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].chat, ZHOU.0);
    assert_eq!(rows[0].html(), tr!(Lang::ZhHant, ids::RES_WELCOME));
    assert!(rows[0].html().contains("110"));
    assert_eq!(rows[0].actions(), vec![ButtonAction::StartReport]);
    assert_eq!(
        rows[0].labels(),
        vec![tr!(Lang::ZhHant, ids::RES_START_BUTTON)]
    );
    let r = w
        .ctx
        .store
        .resident_of_user(TelegramUserId(ZHOU.0))
        .await
        .unwrap()
        .expect("enrolled");
    assert_eq!(r.no, ResidentNo(1));
    assert_eq!(r.lang, Some(Lang::ZhHant));
    assert_eq!(r.chat_id, Some(gridwhistle::domain::ChatId(ZHOU.0)));
    // /start alone opens no dialogue; the button does.
    assert_eq!(w.step(ZHOU).await, None);
    let (_, rows) = w.press(ZHOU, &ButtonAction::StartReport).await;
    assert_eq!(w.step(ZHOU).await, Some(Step::Collecting));
    assert_eq!(
        texts(&rows, ZHOU.0),
        tr!(Lang::ZhHant, ids::RES_ASK_DESCRIPTION, max = 5_i64)
    );
    // A second person gets a number of their own; English for any other language code.
    let rows = w.start(QIAN, "de", None).await;
    assert_eq!(rows[0].html(), tr!(Lang::En, ids::RES_WELCOME));
    assert_ne!(w.no(QIAN).await, ResidentNo(1));
    assert_eq!(w.no(ZHOU).await, ResidentNo(1), "stable");
}

#[tokio::test]
async fn residents_are_numbered_one_after_another() {
    let w = world().await;
    w.start(ZHOU, "zh-hans", None).await;
    w.press(ZHOU, &ButtonAction::StartReport).await;
    w.send(ZHOU, text("路灯坏了")).await;
    w.start(QIAN, "zh-hans", None).await;
    assert_eq!(w.no(QIAN).await, ResidentNo(2));
}

#[tokio::test]
async fn a_deep_link_preselects_its_unit_and_an_unknown_one_is_said() {
    let w = world().await;
    let rows = w.start(ZHOU, "zh-hans", Some("cuihu-2")).await;
    assert!(
        texts(&rows, ZHOU.0).contains("翠湖社区第二网格"),
        "{rows:#?}"
    );
    let no = w.no(ZHOU).await;
    let d = w.ctx.store.dialogue(no).await.unwrap().expect("dialogue");
    assert_eq!(
        d.dialogue.link_unit,
        Some(UnitId::parse("cuihu-2").unwrap())
    );
    // With the unit known, a description is enough: the summary follows, no place asked.
    let rows = w.send(ZHOU, text("楼下路灯坏了")).await;
    assert_eq!(w.step(ZHOU).await, Some(Step::Confirming));
    assert!(texts(&rows, ZHOU.0).contains("翠湖社区第二网格"));

    let rows = w.start(QIAN, "zh-hans", Some("nowhere")).await;
    assert!(texts(&rows, QIAN.0).contains(&tr!(ZH, ids::RES_UNKNOWN_LINK)));
}

#[tokio::test]
async fn begin_replaces_an_unfinished_dialogue() {
    let w = world().await;
    w.send(ZHOU, text("路灯坏了")).await;
    let no = w.no(ZHOU).await;
    let before = w.ctx.store.dialogue(no).await.unwrap().expect("dialogue");
    assert_eq!(before.dialogue.text.as_deref(), Some("路灯坏了"));
    let rows = w.begin(ZHOU).await;
    let after = w.ctx.store.dialogue(no).await.unwrap().expect("dialogue");
    assert_eq!(after.dialogue.text, None);
    assert_eq!(after.dialogue.step, Step::Collecting);
    assert_ne!(after.version, before.version);
    assert_eq!(
        texts(&rows, ZHOU.0),
        tr!(ZH, ids::RES_ASK_DESCRIPTION, max = 5_i64)
    );
}

// ---- the dialogue, in different orders ----

#[tokio::test]
async fn text_then_location_then_confirm_makes_the_residents_order_in_the_grid() {
    let w = world().await;
    let rows = w.send(ZHOU, text("翠湖北路讲武堂门口的路灯坏了")).await;
    // The place is asked with a request_location keyboard.
    let asked = in_chat(&rows, ZHOU.0);
    assert!(asked.iter().any(|r| matches!(
        &r.payload,
        Payload::Send {
            keyboard: Some(_),
            ..
        }
    )));
    assert!(texts(&rows, ZHOU.0).contains(&tr!(ZH, ids::RES_ASK_PLACE)));
    let rows = w.send(ZHOU, location(LIGHT)).await;
    assert_eq!(w.step(ZHOU).await, Some(Step::Confirming));
    let summary = texts(&rows, ZHOU.0);
    assert!(summary.contains("翠湖社区第一网格"), "{summary}");
    assert!(summary.contains(&tr!(ZH, ids::RES_GOT_PLACE)));
    let (toast, rows) = w.press_last(ZHOU, &rows, is_confirm).await;
    assert_eq!(toast, Some(tr!(ZH, ids::RES_SUBMITTED_TOAST, id = "1")));
    let id = OrderId(1);
    let o = w.order(id).await;
    assert_eq!(o.whistler, Who::Resident(ResidentNo(1)));
    assert_eq!(o.unit, UnitId::parse("cuihu-1").unwrap());
    assert_eq!(o.place, Some(LIGHT));
    assert_eq!(o.text, "翠湖北路讲武堂门口的路灯坏了");
    assert!(!o.urgent);
    assert_eq!(
        w.events(id).await,
        vec![(Some(Who::Resident(ResidentNo(1))), EventKind::Created)]
    );
    // The card is in the grid's chat, from "居民 #1", summoning the street-light role.
    let card = in_chat(&rows, GRID);
    assert!(matches!(card[0].payload, Payload::Send { card: Some(c), .. } if c == id));
    assert!(card[0]
        .html()
        .contains(&tr!(ZH, ids::RESIDENT_LABEL, no = 1_i64)));
    assert!(card[0].html().contains("陈静"), "{}", card[0].html());
    assert!(card[0].actions().contains(&ButtonAction::AskResident(id)));
    // The resident gets the number; the dialogue is over.
    assert!(texts(&rows, ZHOU.0).contains(&tr!(ZH, ids::RES_SUBMITTED, id = "1")));
    assert_eq!(w.step(ZHOU).await, None);
}

#[tokio::test]
async fn location_first_then_photos_then_text_gathers_everything() {
    let w = world().await;
    let rows = w.send(ZHOU, location(LIGHT)).await;
    assert!(texts(&rows, ZHOU.0).contains(&tr!(ZH, ids::RES_ASK_DESCRIPTION, max = 5_i64)));
    let rows = w.send(ZHOU, photo("p1", None)).await;
    assert!(texts(&rows, ZHOU.0).contains(&tr!(ZH, ids::RES_GOT_PHOTOS)));
    w.send(ZHOU, photo("p2", None)).await;
    let rows = w.send(ZHOU, text("路灯一直闪，晚上看不清路")).await;
    assert_eq!(w.step(ZHOU).await, Some(Step::Confirming));
    let (_, rows) = w.press_last(ZHOU, &rows, is_confirm).await;
    let o = w.order(OrderId(1)).await;
    assert_eq!(o.photos, vec!["p1".to_string(), "p2".to_string()]);
    assert_eq!(o.place, Some(LIGHT));
    // The photos follow the card in the grid, by file id.
    let photos: Vec<&Row> = in_chat(&rows, GRID)
        .into_iter()
        .filter(|r| matches!(r.payload, Payload::Photos { .. }))
        .collect();
    assert_eq!(photos.len(), 1, "{rows:#?}");
    assert!(matches!(
        &photos[0].payload,
        Payload::Photos { photos, reply_to_card: Some(OrderId(1)), .. } if photos.len() == 2
    ));
}

#[tokio::test]
async fn a_typed_address_routes_by_its_keyword() {
    let w = world().await;
    w.send(ZHOU, photo("p1", Some("井盖松了，踩上去会晃")))
        .await;
    // Asked for the place, a text is the address.
    let rows = w.send(ZHOU, text("洪化桥公交站旁")).await;
    assert_eq!(w.step(ZHOU).await, Some(Step::Confirming));
    assert!(texts(&rows, ZHOU.0).contains("翠湖社区第二网格"));
    w.press_last(ZHOU, &rows, is_confirm).await;
    let o = w.order(OrderId(1)).await;
    assert_eq!(o.unit, UnitId::parse("cuihu-2").unwrap());
    assert_eq!(o.place, None);
    assert_eq!(o.location.as_deref(), Some("洪化桥公交站旁"));
}

#[tokio::test]
async fn a_residents_urgent_words_are_just_text() {
    let w = world().await;
    let id = w
        .report(ZHOU, "紧急！路灯坏了，今天18点前必须修好", LIGHT)
        .await;
    let o = w.order(id).await;
    assert!(!o.urgent);
    assert_eq!(o.text, "紧急！路灯坏了，今天18点前必须修好");
}

// ---- routing ----

#[tokio::test]
async fn a_point_routes_to_the_deepest_unit_and_a_grid_without_chat_to_its_community() {
    let w = world().await;
    let id = w.report(ZHOU, "路灯坏了", LIGHT).await;
    assert_eq!(w.order(id).await.unit, UnitId::parse("cuihu-1").unwrap());

    let id2 = w.report(QIAN, "文林街的垃圾桶满了", IN_WENLIN_1).await;
    let o = w.order(id2).await;
    assert_eq!(
        o.unit,
        UnitId::parse("wenlin").unwrap(),
        "wenlin-1 has no chat"
    );
    assert!(w
        .ctx
        .store
        .card_message(id2, gridwhistle::domain::ChatId(WENLIN))
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn no_match_asks_for_the_community_then_the_grid_with_pages() {
    let w = world().await;
    w.send(ZHOU, text("小区门口有个大坑")).await;
    let rows = w.send(ZHOU, text("不知道叫什么的小巷子")).await;
    assert!(matches!(
        w.step(ZHOU).await,
        Some(Step::ChoosingUnit {
            within: None,
            page: 0
        })
    ));
    assert!(texts(&rows, ZHOU.0).contains(&tr!(ZH, ids::RES_CHOOSE_COMMUNITY)));
    let picks = |rows: &[Row]| -> Vec<Option<UnitId>> {
        rows.iter()
            .filter(|r| r.chat == ZHOU.0)
            .flat_map(|r| r.actions())
            .filter_map(|a| match a {
                ButtonAction::PickUnit { unit, .. } => Some(unit),
                _ => None,
            })
            .collect()
    };
    // Nine communities: eight on the first page, then "not sure".
    let first = picks(&rows);
    assert_eq!(first.len(), 9, "{first:?}");
    assert_eq!(first.last(), Some(&None));
    let (_, rows) = w
        .press_last(ZHOU, &rows, |a| {
            matches!(a, ButtonAction::UnitPage { page: 1, .. })
        })
        .await;
    assert_eq!(picks(&rows).len(), 2, "the ninth and 'not sure'");
    assert!(matches!(
        w.step(ZHOU).await,
        Some(Step::ChoosingUnit { page: 1, .. })
    ));
    let (_, rows) = w
        .press_last(ZHOU, &rows, |a| {
            matches!(a, ButtonAction::UnitPage { page: 0, .. })
        })
        .await;
    let cuihu = Some(UnitId::parse("cuihu").unwrap());
    let (_, rows) = w
        .press_last(
            ZHOU,
            &rows,
            |a| matches!(a, ButtonAction::PickUnit { unit, .. } if *unit == cuihu),
        )
        .await;
    assert!(texts(&rows, ZHOU.0).contains(&tr!(ZH, ids::RES_CHOOSE_GRID)));
    assert_eq!(
        picks(&rows),
        vec![
            Some(UnitId::parse("cuihu-1").unwrap()),
            Some(UnitId::parse("cuihu-2").unwrap()),
            None
        ]
    );
    let grid2 = Some(UnitId::parse("cuihu-2").unwrap());
    let (_, rows) = w
        .press_last(
            ZHOU,
            &rows,
            |a| matches!(a, ButtonAction::PickUnit { unit, .. } if *unit == grid2),
        )
        .await;
    assert_eq!(w.step(ZHOU).await, Some(Step::Confirming));
    w.press_last(ZHOU, &rows, is_confirm).await;
    assert_eq!(
        w.order(OrderId(1)).await.unit,
        UnitId::parse("cuihu-2").unwrap()
    );
}

/// Presses the unit choice's button for `unit` (None: not sure) in the last rows.
async fn pick(w: &World, rows: &[Row], unit: Option<&str>) -> Vec<Row> {
    let unit = unit.map(|u| UnitId::parse(u).unwrap());
    w.press_last(
        ZHOU,
        rows,
        |a| matches!(a, ButtonAction::PickUnit { unit: u, .. } if *u == unit),
    )
    .await
    .1
}

#[tokio::test]
async fn not_sure_of_the_grid_gives_the_community() {
    let w = world().await;
    w.send(ZHOU, text("小区门口有个大坑")).await;
    let rows = w.send(ZHOU, text("不知道叫什么的小巷子")).await;
    let rows = pick(&w, &rows, Some("cuihu")).await;
    let rows = pick(&w, &rows, None).await;
    assert_eq!(w.step(ZHOU).await, Some(Step::Confirming));
    w.press_last(ZHOU, &rows, is_confirm).await;
    let o = w.order(OrderId(1)).await;
    assert_eq!(o.unit, UnitId::parse("cuihu").unwrap());
    assert!(w
        .ctx
        .store
        .card_message(o.id, gridwhistle::domain::ChatId(CUIHU))
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn skipping_the_place_and_picking_a_grid_shows_the_summary() {
    let w = world().await;
    w.send(ZHOU, text("小区门口有个大坑")).await;
    let rows = w.send(ZHOU, text(&tr!(ZH, ids::RES_SKIP_PLACE))).await;
    assert!(matches!(
        w.step(ZHOU).await,
        Some(Step::ChoosingUnit { .. })
    ));
    let rows = pick(&w, &rows, Some("cuihu")).await;
    let rows = pick(&w, &rows, Some("cuihu-1")).await;
    assert!(
        !texts(&rows, ZHOU.0).contains(&tr!(ZH, ids::RES_ASK_PLACE)),
        "the place is asked again: {rows:#?}"
    );
    assert_eq!(w.step(ZHOU).await, Some(Step::Confirming));
    w.press_last(ZHOU, &rows, is_confirm).await;
    assert_eq!(
        w.order(OrderId(1)).await.unit,
        UnitId::parse("cuihu-1").unwrap()
    );
}

// ---- confirm, edit, cancel ----

#[tokio::test]
async fn a_second_confirm_makes_no_second_order() {
    let w = world().await;
    w.send(ZHOU, text("路灯坏了")).await;
    let rows = w.send(ZHOU, location(LIGHT)).await;
    let confirm = rows
        .iter()
        .flat_map(|r| r.actions())
        .find(is_confirm)
        .expect("confirm button");
    let (first, _) = w.press(ZHOU, &confirm).await;
    let (second, rows) = w.press(ZHOU, &confirm).await;
    assert_eq!(first, Some(tr!(ZH, ids::RES_SUBMITTED_TOAST, id = "1")));
    assert_eq!(second, Some(tr!(ZH, ids::RES_STALE)));
    assert!(rows.is_empty(), "{rows:#?}");
    assert_eq!(w.ctx.store.all_orders().await.unwrap().len(), 1);
}

#[tokio::test]
async fn edit_keeps_the_photos_and_cancel_ends_the_dialogue() {
    let w = world().await;
    w.send(ZHOU, photo("p1", Some("路灯坏了"))).await;
    let rows = w.send(ZHOU, location(LIGHT)).await;
    let (_, rows) = w
        .press_last(ZHOU, &rows, |a| {
            matches!(
                a,
                ButtonAction::Dialogue {
                    step: DialogueStep::Edit,
                    ..
                }
            )
        })
        .await;
    assert_eq!(texts(&rows, ZHOU.0), tr!(ZH, ids::RES_EDIT_PROMPT));
    let no = w.no(ZHOU).await;
    let d = w.ctx.store.dialogue(no).await.unwrap().expect("dialogue");
    assert_eq!(d.dialogue.text, None);
    assert_eq!(d.dialogue.place, None);
    assert_eq!(d.dialogue.photos, vec!["p1".to_string()]);
    w.send(ZHOU, text("路灯不亮")).await;
    let rows = w.send(ZHOU, location(LIGHT)).await;
    let (_, rows) = w
        .press_last(ZHOU, &rows, |a| {
            matches!(
                a,
                ButtonAction::Dialogue {
                    step: DialogueStep::Cancel,
                    ..
                }
            )
        })
        .await;
    assert_eq!(texts(&rows, ZHOU.0), tr!(ZH, ids::RES_CANCELLED));
    assert_eq!(w.step(ZHOU).await, None);
    assert!(w.ctx.store.all_orders().await.unwrap().is_empty());
}

// ---- duplicates ----

#[tokio::test]
async fn a_report_near_an_open_order_is_offered_as_the_same_and_joining_follows_it() {
    let w = world().await;
    let first = w.report(ZHOU, "翠湖北路的路灯坏了", LIGHT).await;
    w.send(QIAN, text("这里有盏灯不亮")).await;
    let rows = w.send(QIAN, location(NEAR_LIGHT)).await;
    assert_eq!(
        w.step(QIAN).await,
        Some(Step::OfferingDuplicate { order: first })
    );
    let offer = texts(&rows, QIAN.0);
    assert!(offer.contains("#1"), "{offer}");
    // Never the other resident's text.
    assert!(!offer.contains("翠湖北路的路灯坏了"), "{offer}");
    let (_, rows) = w
        .press_last(QIAN, &rows, |a| *a == ButtonAction::JoinDuplicate(first))
        .await;
    assert!(texts(&rows, QIAN.0).contains(&tr!(ZH, ids::RES_JOINED, id = "1")));
    let qian = w.no(QIAN).await;
    assert_eq!(w.ctx.store.followers(first).await.unwrap(), vec![qian]);
    assert!(w
        .events(first)
        .await
        .contains(&(Some(Who::Resident(qian)), EventKind::Followed)));
    assert_eq!(w.ctx.store.all_orders().await.unwrap().len(), 1);
    // The follower is told when it is resolved, and asked too.
    let rows = w.resolve(first, CHEN_JING, "已更换灯头").await;
    assert!(texts(&rows, QIAN.0).contains(&tr!(ZH, ids::RES_ASK_SOLVED, id = "1")));
    // Only the first reporter's answer verifies.
    let (_, _) = w.press(QIAN, &ButtonAction::Solved(first)).await;
    assert_eq!(w.order(first).await.state, OrderState::Resolved);
    assert!(w.events(first).await.contains(&(
        Some(Who::Resident(qian)),
        EventKind::Rated {
            solved: Some(true),
            satisfaction: None
        }
    )));
}

#[tokio::test]
async fn not_the_same_problem_goes_on_to_the_summary() {
    let w = world().await;
    w.report(ZHOU, "路灯坏了", LIGHT).await;
    w.send(QIAN, text("路灯坏了好几天")).await;
    // Far from it, but sharing most of the words: still offered.
    let rows = w.send(QIAN, location(FAR_IN_GRID)).await;
    assert!(matches!(
        w.step(QIAN).await,
        Some(Step::OfferingDuplicate { .. })
    ));
    let (_, rows) = w
        .press_last(QIAN, &rows, |a| {
            matches!(
                a,
                ButtonAction::Dialogue {
                    step: DialogueStep::NotDuplicate,
                    ..
                }
            )
        })
        .await;
    assert_eq!(w.step(QIAN).await, Some(Step::Confirming));
    w.press_last(QIAN, &rows, is_confirm).await;
    assert_eq!(w.ctx.store.all_orders().await.unwrap().len(), 2);
}

#[tokio::test]
async fn different_words_far_away_or_another_grid_or_long_ago_are_not_offered() {
    let w = world().await;
    w.report(ZHOU, "路灯坏了", LIGHT).await;
    // Far in the same grid, different words.
    w.send(QIAN, text("垃圾桶满了没人清")).await;
    w.send(QIAN, location(FAR_IN_GRID)).await;
    assert_eq!(w.step(QIAN).await, Some(Step::Confirming));
    w.begin(QIAN).await;
    // The same words in another grid.
    w.send(QIAN, text("路灯坏了")).await;
    w.send(QIAN, text("洪化桥")).await;
    assert_eq!(w.step(QIAN).await, Some(Step::Confirming));
    w.begin(QIAN).await;
    // The same words at the same spot, eight days later (duplicate_within is 7d).
    w.clock.advance(Duration::days(8));
    w.send(QIAN, text("路灯坏了")).await;
    w.send(QIAN, location(LIGHT)).await;
    assert_eq!(w.step(QIAN).await, Some(Step::Confirming));
}

// ---- relay ----

#[tokio::test]
async fn a_question_reaches_the_resident_and_the_answer_comes_back_to_the_card() {
    let w = world().await;
    let id = w.report(ZHOU, "路灯坏了", LIGHT).await;
    let (out, rows) = w.ask(GRID, LI_MING, id, "灯杆上有编号吗？").await;
    assert_eq!(out, AskOutcome::Sent(ResidentNo(1)));
    let question = in_chat(&rows, ZHOU.0);
    assert_eq!(question.len(), 1, "{rows:#?}");
    assert!(question[0].html().contains("灯杆上有编号吗？"));
    assert_eq!(
        question[0].actions(),
        vec![ButtonAction::AnswerQuestion(id)]
    );
    assert!(texts(&rows, GRID).contains(&tr!(ZH, ids::RESIDENT_LABEL, no = 1_i64)));
    assert!(w.events(id).await.contains(&(
        Some(Who::Member(TelegramUserId(LI_MING))),
        EventKind::AskedResident {
            text: "灯杆上有编号吗？".into()
        }
    )));
    // Replying to the question answers it.
    let rows = w.reply(ZHOU, question[0].message_id, "有，CH-017").await;
    let back = in_chat(&rows, GRID);
    assert_eq!(back.len(), 1, "{rows:#?}");
    assert!(matches!(back[0].payload, Payload::Send { reply_to_card: Some(o), .. } if o == id));
    assert!(back[0].html().contains("CH-017"));
    assert!(back[0]
        .html()
        .contains(&tr!(ZH, ids::RESIDENT_LABEL, no = 1_i64)));
    assert!(texts(&rows, ZHOU.0).contains(&tr!(ZH, ids::RES_ANSWER_SENT)));
    assert!(w.events(id).await.contains(&(
        Some(Who::Resident(ResidentNo(1))),
        EventKind::ResidentAnswered {
            text: "有，CH-017".into(),
            photos: vec![]
        }
    )));
    // No new report came of the answer.
    assert_eq!(w.step(ZHOU).await, None);
    assert_eq!(w.ctx.store.all_orders().await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_answer_button_makes_the_next_text_the_answer() {
    let w = world().await;
    let id = w.report(ZHOU, "路灯坏了", LIGHT).await;
    w.ask(GRID, LI_MING, id, "几点开始不亮的？").await;
    let (_, rows) = w.press(ZHOU, &ButtonAction::AnswerQuestion(id)).await;
    assert_eq!(
        texts(&rows, ZHOU.0),
        tr!(ZH, ids::RES_ANSWER_PROMPT, id = "1")
    );
    assert_eq!(w.step(ZHOU).await, Some(Step::Answering { order: id }));
    let rows = w.send(ZHOU, text("昨晚八点左右")).await;
    assert!(texts(&rows, GRID).contains("昨晚八点左右"));
    assert_eq!(w.step(ZHOU).await, None);
}

#[tokio::test]
async fn asking_is_refused_for_another_grid_a_members_order_and_empty_text() {
    let w = world().await;
    let id = w.report(ZHOU, "路灯坏了", LIGHT).await;
    let (out, rows) = w.ask(GRID2, ZHENG_QIANG, id, "在哪？").await;
    assert_eq!(out, AskOutcome::NotAllowed);
    assert!(rows.is_empty());
    let (out, _) = w.ask(GRID, LI_MING, id, "   ").await;
    assert_eq!(out, AskOutcome::Empty);
    let here = w.here(GRID).await;
    let whistled = gridwhistle::acts::whistle::whistle(
        &w.ctx,
        &here,
        &w.member(LI_MING),
        gridwhistle::acts::whistle::WhistleRequest {
            text: "圆西路垃圾堆积".into(),
            location: None,
        },
    )
    .await
    .expect("whistle");
    let gridwhistle::acts::whistle::Whistled::Created(members) = whistled else {
        panic!("{whistled:?}")
    };
    w.drain().await;
    let (out, _) = w.ask(GRID, LI_MING, members, "在哪？").await;
    assert_eq!(out, AskOutcome::NotResidents);
}

// ---- closing the loop ----

#[tokio::test]
async fn solved_closes_the_order_and_the_rating_is_recorded() {
    let w = world().await;
    let id = w.report(ZHOU, "路灯坏了", LIGHT).await;
    let rows = w.resolve(id, CHEN_JING, "已更换灯头").await;
    let told = texts(&rows, ZHOU.0);
    assert!(told.contains("已更换灯头"), "{told}");
    assert!(
        told.contains(&tr!(ZH, ids::RES_ASK_SOLVED, id = "1")),
        "{told}"
    );
    let (toast, rows) = w.press(ZHOU, &ButtonAction::Solved(id)).await;
    assert_eq!(toast, Some(tr!(ZH, ids::RES_THANKS)));
    assert!(texts(&rows, ZHOU.0).contains(&tr!(ZH, ids::RES_THANKS_SOLVED, id = "1")));
    assert_eq!(w.order(id).await.state, OrderState::Closed);
    let me = Some(Who::Resident(ResidentNo(1)));
    let events = w.events(id).await;
    assert!(events.contains(&(me, EventKind::Verified)), "{events:?}");
    assert!(events.contains(&(
        me,
        EventKind::Rated {
            solved: Some(true),
            satisfaction: None
        }
    )));
    // The card in the grid shows it closed by "居民 #1".
    let card = in_chat(&rows, GRID)
        .into_iter()
        .find(|r| matches!(r.payload, Payload::EditCard { .. }))
        .expect("card edited");
    assert!(card
        .html()
        .contains(&tr!(ZH, ids::RESIDENT_LABEL, no = 1_i64)));

    let (toast, _) = w
        .press(ZHOU, &ButtonAction::Rate(id, Satisfaction::Satisfied))
        .await;
    assert_eq!(toast, Some(tr!(ZH, ids::RES_THANKS)));
    assert!(w.events(id).await.contains(&(
        me,
        EventKind::Rated {
            solved: None,
            satisfaction: Some(Satisfaction::Satisfied)
        }
    )));
}

#[tokio::test]
async fn the_group_is_not_asked_to_verify_a_residents_order_at_once() {
    let w = world().await;
    let id = w.report(ZHOU, "路灯坏了", LIGHT).await;
    let rows = w.resolve(id, CHEN_JING, "已更换灯头").await;
    let asked: Vec<&Row> = in_chat(&rows, GRID)
        .into_iter()
        .filter(|r| {
            r.actions()
                .iter()
                .any(|a| matches!(a, ButtonAction::Verify(_) | ButtonAction::Reopen(_)))
        })
        .collect();
    assert!(asked.is_empty(), "{asked:#?}");
}

#[tokio::test]
async fn a_rating_alone_changes_nothing_and_before_resolution_is_refused() {
    let w = world().await;
    let id = w.report(ZHOU, "路灯坏了", LIGHT).await;
    let (toast, _) = w
        .press(ZHOU, &ButtonAction::Rate(id, Satisfaction::Basic))
        .await;
    assert_eq!(toast, Some(tr!(ZH, ids::RES_NOT_RESOLVED_NOW, id = "1")));
    w.resolve(id, CHEN_JING, "修好了").await;
    w.press(ZHOU, &ButtonAction::Rate(id, Satisfaction::Dissatisfied))
        .await;
    assert_eq!(w.order(id).await.state, OrderState::Resolved);
}

#[tokio::test]
async fn not_solved_reopens_with_the_residents_words() {
    let w = world().await;
    let id = w.report(ZHOU, "路灯坏了", LIGHT).await;
    w.resolve(id, CHEN_JING, "已更换灯头").await;
    let (_, rows) = w.press(ZHOU, &ButtonAction::NotSolved(id)).await;
    assert_eq!(texts(&rows, ZHOU.0), tr!(ZH, ids::RES_EXPLAIN_PROMPT));
    assert_eq!(w.step(ZHOU).await, Some(Step::Explaining { order: id }));
    let rows = w.send(ZHOU, text("晚上还是不亮")).await;
    assert!(texts(&rows, ZHOU.0).contains(&tr!(ZH, ids::RES_REOPENED, id = "1")));
    let o = w.order(id).await;
    assert!(o.state.is_active(), "{:?}", o.state);
    assert_eq!(o.reopen_count, 1);
    assert!(w.events(id).await.contains(&(
        Some(Who::Resident(ResidentNo(1))),
        EventKind::Reopened {
            reason: "晚上还是不亮".into()
        }
    )));
    assert!(texts(&rows, GRID).contains("晚上还是不亮"));
    assert_eq!(w.step(ZHOU).await, None);
}

// ---- abuse: block and unblock ----

#[tokio::test]
async fn the_grid_leader_blocks_a_resident_who_is_then_refused_politely() {
    let w = world().await;
    let id = w.report(ZHOU, "路灯坏了", LIGHT).await;
    let here = w.here(GRID).await;
    let out = residents::block(&w.ctx, &here, &w.member(WANG_FANG), id)
        .await
        .unwrap();
    assert_eq!(out, BlockOutcome::Refused);
    let out = residents::block(&w.ctx, &here, &w.member(LI_MING), id)
        .await
        .unwrap();
    assert_eq!(out, BlockOutcome::Blocked(ResidentNo(1)));
    let out = residents::block(&w.ctx, &here, &w.member(LI_MING), id)
        .await
        .unwrap();
    assert_eq!(out, BlockOutcome::AlreadyBlocked(ResidentNo(1)));
    assert!(w
        .ctx
        .store
        .is_blocked(TelegramUserId(ZHOU.0))
        .await
        .unwrap());
    let rows = w.send(ZHOU, text("又有一盏路灯坏了")).await;
    assert_eq!(texts(&rows, ZHOU.0), tr!(ZH, ids::RES_BLOCKED));
    assert_eq!(w.step(ZHOU).await, None);

    let out = residents::unblock(&w.ctx, &here, &w.member(LI_MING), ResidentNo(1))
        .await
        .unwrap();
    assert_eq!(out, BlockOutcome::Unblocked(ResidentNo(1)));
    let out = residents::unblock(&w.ctx, &here, &w.member(LI_MING), ResidentNo(1))
        .await
        .unwrap();
    assert_eq!(out, BlockOutcome::NotBlocked(ResidentNo(1)));
    w.send(ZHOU, text("又有一盏路灯坏了")).await;
    assert_eq!(w.step(ZHOU).await, Some(Step::Collecting));
}

// ---- /forget and /my ----

#[tokio::test]
async fn forget_removes_the_identity_and_keeps_the_order_anonymous() {
    let w = world().await;
    let id = w.report(ZHOU, "路灯坏了", LIGHT).await;
    let p = w.private(ZHOU, text("/forget"), None);
    residents::forget(&w.ctx, &p).await.unwrap();
    let rows = w.drain().await;
    assert_eq!(texts(&rows, ZHOU.0), tr!(ZH, ids::RES_FORGET_CONFIRM));
    let (toast, rows) = w
        .press_last(ZHOU, &rows, |a| *a == ButtonAction::Forget)
        .await;
    assert_eq!(toast, Some(tr!(ZH, ids::RES_FORGOTTEN_TOAST)));
    assert_eq!(
        texts(&rows, ZHOU.0),
        tr!(ZH, ids::RES_FORGOTTEN, orders = 1_i64, updates = 0_i64)
    );
    assert_eq!(
        w.ctx
            .store
            .resident_of_user(TelegramUserId(ZHOU.0))
            .await
            .unwrap(),
        None
    );
    let r = w.ctx.store.resident(ResidentNo(1)).await.unwrap();
    assert!(r.is_none_or(|r| r.telegram_id.is_none() && r.chat_id.is_none()));
    // The order stays, still from "居民 #1"; the grid can no longer reach them.
    assert_eq!(w.order(id).await.whistler, Who::Resident(ResidentNo(1)));
    let (out, _) = w.ask(GRID, LI_MING, id, "还在吗？").await;
    assert_eq!(out, AskOutcome::Gone);
}

#[tokio::test]
async fn my_lists_the_residents_reports_and_their_states() {
    let w = world().await;
    let p = w.private(ZHOU, text("/my"), None);
    residents::my(&w.ctx, &p).await.unwrap();
    assert_eq!(texts(&w.drain().await, ZHOU.0), tr!(ZH, ids::RES_MY_EMPTY));
    let id = w.report(ZHOU, "路灯坏了", LIGHT).await;
    w.resolve(id, CHEN_JING, "修好了").await;
    let p = w.private(ZHOU, text("/my"), None);
    residents::my(&w.ctx, &p).await.unwrap();
    let html = texts(&w.drain().await, ZHOU.0);
    assert!(html.starts_with(&tr!(ZH, ids::RES_MY_TITLE)), "{html}");
    assert!(html.contains("#1"), "{html}");
    assert!(html.contains(&tr!(ZH, ids::RES_STATE_RESOLVED)), "{html}");
    assert!(html.contains("路灯坏了"), "{html}");
    // Nothing about staff for a resident.
    assert!(!html.contains(&tr!(ZH, ids::RES_MY_SUMMONED)), "{html}");
}

// ---- privacy across the whole loop ----

#[tokio::test]
async fn the_whole_loop_names_the_resident_in_no_group_row() {
    // The drain checks every group row; this walks every act that writes to groups.
    let w = world().await;
    let id = w.report(ZHOU, "讲武堂门口路灯坏了", LIGHT).await;
    w.ask(GRID, LI_MING, id, "灯杆编号？").await;
    w.send(ZHOU, text("x")).await; // a new report, not an answer
    w.begin(ZHOU).await;
    w.press(ZHOU, &ButtonAction::AnswerQuestion(id)).await;
    w.send(ZHOU, text("CH-017")).await;
    w.resolve(id, CHEN_JING, "已更换").await;
    w.press(ZHOU, &ButtonAction::NotSolved(id)).await;
    w.send(ZHOU, text("还是不亮")).await;
    let here = w.here(GRID).await;
    orders::resolve(
        &w.ctx,
        &here,
        &w.member(CHEN_JING),
        id,
        Some("再次更换".into()),
    )
    .await
    .unwrap();
    w.drain().await;
    w.press(ZHOU, &ButtonAction::Solved(id)).await;
    w.press(ZHOU, &ButtonAction::Rate(id, Satisfaction::Basic))
        .await;
    assert_eq!(w.order(id).await.state, OrderState::Closed);
}

// ---- the demo's scene 3 ----

#[tokio::test]
async fn the_demo_plays_the_residents_scene_in_every_language() {
    for lang in Lang::ALL {
        let transcript = gridwhistle::demo::run(lang).await.expect("demo");
        let label = tr!(lang, ids::RESIDENT_LABEL, no = 1_i64);
        assert!(transcript.contains(&label), "{lang}: {transcript}");
        assert!(
            transcript.contains(&tr!(lang, ids::DEMO_RES_ANSWER)),
            "{lang}"
        );
        assert!(
            transcript.contains(&tr!(lang, ids::RES_THANKS_SOLVED, id = "3")),
            "{lang}: {transcript}"
        );
    }
}
