//! Whistle orders: create, load, save a transition with its events and messages, list, and the
//! audit log.

use crate::domain::{ChatId, MessageId};
use chrono::{DateTime, Utc};
use sqlx::{Any, Row};

use super::jobs::{finish_in, sync_jobs};
use super::outbox::{insert_outgoing, Outgoing};
use super::{col, from_json, from_ms, json, ms, time, Result, Store, StoreError};
use crate::domain::escalation::Job;
use crate::domain::geo::Point;
use crate::domain::policy::{elapsed_secs, Calendar, Level};
use crate::domain::resident::Satisfaction;
use crate::domain::JobId;
use crate::domain::{
    Event, EventKind, OrderId, OrderState, Party, PartyTarget, ReportMark, ResidentNo, Scope,
    TelegramUserId, UnitId, WhistleOrder, Who,
};

/// What a save writes besides the order: its events, the messages they cause, the order's
/// due moments (None: leave them), and the scheduler job this save completes.
#[derive(Debug, Clone, Copy)]
pub struct Commit<'a> {
    pub events: &'a [Event],
    pub out: &'a [Outgoing],
    pub jobs: Option<&'a [Job]>,
    pub finish_job: Option<JobId>,
    pub now: DateTime<Utc>,
}

/// A new order (numbered by `Store::reserve_order_id`) and everything saved with it.
#[derive(Debug, Clone, Copy)]
pub struct NewOrder<'a> {
    pub order: &'a WhistleOrder,
    pub events: &'a [Event],
    pub out: &'a [Outgoing],
    pub jobs: &'a [Job],
}

/// An order as read, with the version its next save must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOrder {
    pub order: WhistleOrder,
    pub version: i64,
}

pub(crate) async fn insert_events(
    tx: &mut sqlx::Transaction<'_, Any>,
    events: &[Event],
) -> Result<()> {
    for e in events {
        sqlx::query(
            "INSERT INTO events (order_id, at, actor_id, resident_no, kind, detail)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(e.order.0)
        .bind(ms(e.at))
        .bind(e.actor.and_then(Who::member).map(|a| a.0))
        .bind(e.actor.and_then(Who::resident).map(|a| a.0))
        .bind(e.kind.name())
        .bind(json(&e.kind))
        .execute(&mut **tx)
        .await?;
        record_rating(tx, e).await?;
    }
    Ok(())
}

/// Keeps the first reporter's answer on the latest resolution in `orders` (for figures): a new
/// resolution clears it; the order's own resident's answer sets what it says.
async fn record_rating(tx: &mut sqlx::Transaction<'_, Any>, e: &Event) -> Result<()> {
    match &e.kind {
        EventKind::Resolved { .. } => {
            sqlx::query(
                "UPDATE orders SET rating_solved = NULL, rating_satisfaction = NULL WHERE id = $1",
            )
            .bind(e.order.0)
            .execute(&mut **tx)
            .await?;
        }
        EventKind::Rated {
            solved,
            satisfaction,
        } => {
            let Some(no) = e.actor.and_then(Who::resident) else {
                return Ok(());
            };
            sqlx::query(
                "UPDATE orders SET rating_solved = COALESCE($1, rating_solved),
                        rating_satisfaction = COALESCE($2, rating_satisfaction)
                 WHERE id = $3 AND resident_no = $4",
            )
            .bind(solved.map(i64::from))
            .bind(satisfaction.map(satisfaction_name))
            .bind(e.order.0)
            .bind(no.0)
            .execute(&mut **tx)
            .await?;
        }
        _ => {}
    }
    Ok(())
}

/// A satisfaction's stored name (its serde name: `satisfied`, `basic`, `dissatisfied`).
pub(crate) fn satisfaction_name(s: Satisfaction) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A level as the figures count it: 0 grid, 1 community, 2 sub-district, 3 district.
pub(crate) fn level_rank(l: Level) -> i64 {
    Level::ALL.iter().position(|x| *x == l).unwrap_or(0) as i64
}

/// A party's target as two plain columns: its kind and the unit, department or alliance it names (the
/// same as the migration derives from the stored JSON).
pub(super) fn target_columns(t: &PartyTarget) -> (String, String) {
    let v = serde_json::to_value(t).unwrap_or_default();
    let kind = v["kind"].as_str().unwrap_or_default().to_owned();
    let id = ["department", "unit", "alliance"]
        .iter()
        .find_map(|k| v[*k].as_str())
        .unwrap_or_default()
        .to_owned();
    (kind, id)
}

/// The clock deadlines are counted on: the organisation's time zone and calendar.
async fn deadline_clock(
    tx: &mut sqlx::Transaction<'_, Any>,
) -> Result<(chrono_tz::Tz, Option<Calendar>)> {
    let mut tz = chrono_tz::Asia::Shanghai;
    let mut calendar = None;
    for r in sqlx::query("SELECT key, value FROM settings WHERE key IN ('timezone', 'calendar')")
        .fetch_all(&mut **tx)
        .await?
    {
        let key: String = col(&r, "key")?;
        let value: String = col(&r, "value")?;
        match key.as_str() {
            "timezone" => tz = from_json(&value)?,
            _ => calendar = from_json(&value)?,
        }
    }
    Ok((tz, calendar))
}

/// Writes an order's parties. A report's duration (on its deadline's clock) and whether it met
/// its deadline are kept as first stored: a later save does not recompute them.
async fn write_parties(tx: &mut sqlx::Transaction<'_, Any>, o: &WhistleOrder) -> Result<()> {
    let clock = if o.parties.iter().any(|p| p.report.is_some()) {
        Some(deadline_clock(tx).await?)
    } else {
        None
    };
    for (seq, p) in o.parties.iter().enumerate() {
        let (kind, id) = target_columns(&p.target);
        let (secs, on_time) = match (&p.report, &clock) {
            (Some(r), Some((tz, cal))) => (
                Some(elapsed_secs(p.added_at, r.at, o.urgent, cal.as_ref(), *tz)),
                Some(i64::from(r.at <= p.ack_due)),
            ),
            _ => (None, None),
        };
        sqlx::query(
            "INSERT INTO parties (order_id, seq, target, level, added_at, ack_due, reported_by,
                                  reported_at, target_kind, target_id, report_secs, report_on_time,
                                  unit_id, order_cancelled)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             ON CONFLICT (order_id, seq) DO UPDATE SET
                unit_id = excluded.unit_id, order_cancelled = excluded.order_cancelled,
                target = excluded.target, level = excluded.level, added_at = excluded.added_at,
                ack_due = excluded.ack_due, reported_by = excluded.reported_by,
                reported_at = excluded.reported_at, target_kind = excluded.target_kind,
                target_id = excluded.target_id,
                report_secs = CASE WHEN excluded.reported_at IS NULL THEN NULL
                                   ELSE COALESCE(parties.report_secs, excluded.report_secs) END,
                report_on_time = CASE WHEN excluded.reported_at IS NULL THEN NULL
                                   ELSE COALESCE(parties.report_on_time, excluded.report_on_time) END",
        )
        .bind(o.id.0)
        .bind(seq as i64)
        .bind(json(&p.target))
        .bind(p.level.as_str())
        .bind(ms(p.added_at))
        .bind(ms(p.ack_due))
        .bind(p.report.as_ref().map(|r| r.by.0))
        .bind(p.report.as_ref().map(|r| ms(r.at)))
        .bind(kind)
        .bind(id)
        .bind(secs)
        .bind(on_time)
        .bind(o.unit.as_str())
        .bind(i64::from(o.state == OrderState::Cancelled))
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("DELETE FROM parties WHERE order_id = $1 AND seq >= $2")
        .bind(o.id.0)
        .bind(o.parties.len() as i64)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Keeps the order's first resolution, when `events` hold one: its time, its duration since
/// the whistle on the resolve deadline's clock, and whether it met the deadline in force now.
async fn record_first_resolution(
    tx: &mut sqlx::Transaction<'_, Any>,
    o: &WhistleOrder,
    events: &[Event],
) -> Result<()> {
    let Some(at) = events
        .iter()
        .find(|e| matches!(e.kind, EventKind::Resolved { .. }))
        .map(|e| e.at)
    else {
        return Ok(());
    };
    let (tz, cal) = deadline_clock(tx).await?;
    sqlx::query(
        "UPDATE orders SET first_resolved_at = $1, first_resolve_secs = $2,
                first_resolve_on_time = $3
         WHERE id = $4 AND first_resolved_at IS NULL",
    )
    .bind(ms(at))
    .bind(elapsed_secs(o.created_at, at, o.urgent, cal.as_ref(), tz))
    .bind(i64::from(at <= o.resolve_due))
    .bind(o.id.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Creates an order (see `Store::create_order`) inside a transaction.
pub(crate) async fn create_order_in(
    tx: &mut sqlx::Transaction<'_, Any>,
    new: NewOrder<'_>,
) -> Result<()> {
    let NewOrder {
        order,
        events,
        out,
        jobs,
    } = new;
    sqlx::query(
        "INSERT INTO orders (id, unit_id, body, location, urgent, state, level, whistler_id,
                                 resident_no, created_at, resolve_due, reopen_count, version,
                                 lat, lon, photos, start_level, top_level)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13, $14, $15,
                     $16, $16)",
    )
    .bind(order.id.0)
    .bind(order.unit.as_str())
    .bind(&order.text)
    .bind(order.location.clone())
    .bind(order.urgent as i64)
    .bind(order.state.as_str())
    .bind(order.level.as_str())
    // A resident's order has no member as whistler: 0, and its number in `resident_no`.
    .bind(order.whistler.member().map_or(0, |m| m.0))
    .bind(order.whistler.resident().map(|r| r.0))
    .bind(ms(order.created_at))
    .bind(ms(order.resolve_due))
    .bind(order.reopen_count as i64)
    .bind(order.place.map(|p| p.lat))
    .bind(order.place.map(|p| p.lon))
    .bind(json(&order.photos))
    .bind(level_rank(order.level))
    .execute(&mut **tx)
    .await?;
    write_parties(tx, order).await?;
    insert_events(tx, events).await?;
    insert_outgoing(tx, out, order.created_at).await?;
    sync_jobs(tx, order.id, jobs).await?;
    Ok(())
}

/// A page of orders and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderPage {
    pub total: i64,
    pub orders: Vec<WhistleOrder>,
}

const PARTY_COLUMNS: &str = "target, level, added_at, ack_due, reported_by, reported_at";

/// A party from its row (`PARTY_COLUMNS`).
fn party_of(p: &sqlx::any::AnyRow) -> Result<Party> {
    let plevel: String = col(p, "level")?;
    let by: Option<i64> = col(p, "reported_by")?;
    let at: Option<i64> = col(p, "reported_at")?;
    Ok(Party {
        target: from_json::<PartyTarget>(&col::<String>(p, "target")?)?,
        level: Level::parse(&plevel).ok_or_else(|| StoreError::Corrupt(plevel.clone()))?,
        added_at: time(p, "added_at")?,
        ack_due: time(p, "ack_due")?,
        report: match by.zip(at) {
            Some((by, at)) => Some(ReportMark {
                by: TelegramUserId(by),
                at: from_ms(at)?,
            }),
            None => None,
        },
    })
}

/// An order from its row (`ORDER_COLUMNS`) and its parties.
fn order_from_row(r: &sqlx::any::AnyRow, parties: Vec<Party>) -> Result<StoredOrder> {
    let id: i64 = col(r, "id")?;
    let state: String = col(r, "state")?;
    let level: String = col(r, "level")?;
    Ok(StoredOrder {
        order: WhistleOrder {
            id: OrderId(id),
            unit: UnitId::checked(col::<String>(r, "unit_id")?),
            text: col(r, "body")?,
            location: col(r, "location")?,
            urgent: col::<i64>(r, "urgent")? != 0,
            state: OrderState::parse(&state).ok_or_else(|| StoreError::Corrupt(state.clone()))?,
            level: Level::parse(&level).ok_or_else(|| StoreError::Corrupt(level.clone()))?,
            whistler: match col::<Option<i64>>(r, "resident_no")? {
                Some(no) => Who::Resident(ResidentNo(no)),
                None => Who::Member(TelegramUserId(col(r, "whistler_id")?)),
            },
            created_at: time(r, "created_at")?,
            resolve_due: time(r, "resolve_due")?,
            parties,
            reopen_count: col::<i64>(r, "reopen_count")? as u32,
            place: match (col::<Option<f64>>(r, "lat")?, col::<Option<f64>>(r, "lon")?) {
                (Some(lat), Some(lon)) => Some(Point { lat, lon }),
                _ => None,
            },
            photos: from_json(&col::<String>(r, "photos")?)?,
        },
        version: col(r, "version")?,
    })
}

const ORDER_COLUMNS: &str =
    "id, unit_id, body, location, urgent, state, level, whistler_id, resident_no, created_at,
    resolve_due, reopen_count, version, lat, lon, photos";

impl Store {
    /// Reserves the next order number. A number reserved and never used leaves a gap, which
    /// is harmless: numbers are names, not counts.
    pub async fn reserve_order_id(&self) -> Result<OrderId> {
        let row = sqlx::query("UPDATE counters SET n = n + 1 WHERE name = 'order' RETURNING n")
            .fetch_one(&self.pool)
            .await?;
        Ok(OrderId(col(&row, "n")?))
    }

    /// Creates an order under a number from `reserve_order_id`, with its parties, events,
    /// messages and due moments, in one transaction.
    pub async fn create_order(&self, new: NewOrder<'_>) -> Result<()> {
        let (_turn, mut tx) = self.begin().await?;
        create_order_in(&mut tx, new).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves a changed order if nobody saved it since it was read, with its events and the
    /// messages the change causes; `StoreError::Conflict` otherwise (read again and retry).
    pub async fn save_order(
        &self,
        read: &StoredOrder,
        order: &WhistleOrder,
        c: Commit<'_>,
    ) -> Result<()> {
        let Commit {
            events,
            out,
            jobs,
            finish_job,
            now,
        } = c;
        let (_turn, mut tx) = self.begin().await?;
        if let Some(job) = finish_job {
            if !finish_in(&mut tx, job, now).await? {
                return Err(StoreError::Conflict); // another scheduler acted on it
            }
        }
        let done = sqlx::query(
            "UPDATE orders SET body = $1, location = $2, urgent = $3, state = $4, level = $5,
                    resolve_due = $6, reopen_count = $7, version = version + 1,
                    top_level = CASE WHEN top_level < $10 THEN $10 ELSE top_level END
             WHERE id = $8 AND version = $9",
        )
        .bind(&order.text)
        .bind(order.location.clone())
        .bind(order.urgent as i64)
        .bind(order.state.as_str())
        .bind(order.level.as_str())
        .bind(ms(order.resolve_due))
        .bind(order.reopen_count as i64)
        .bind(order.id.0)
        .bind(read.version)
        .bind(level_rank(order.level))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        write_parties(&mut tx, order).await?;
        record_first_resolution(&mut tx, order, events).await?;
        insert_events(&mut tx, events).await?;
        insert_outgoing(&mut tx, out, now).await?;
        if let Some(jobs) = jobs {
            sync_jobs(&mut tx, order.id, jobs).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Appends events and messages that change no order state (a progress note).
    pub async fn record(
        &self,
        events: &[Event],
        out: &[Outgoing],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (_turn, mut tx) = self.begin().await?;
        insert_events(&mut tx, events).await?;
        insert_outgoing(&mut tx, out, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn order(&self, id: OrderId) -> Result<Option<StoredOrder>> {
        let row = sqlx::query(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some(self.order_of(&r).await?)),
        }
    }

    async fn order_of(&self, r: &sqlx::any::AnyRow) -> Result<StoredOrder> {
        let id: i64 = col(r, "id")?;
        let rows = sqlx::query(&format!(
            "SELECT {PARTY_COLUMNS} FROM parties WHERE order_id = $1 ORDER BY seq"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let parties = rows.iter().map(party_of).collect::<Result<_>>()?;
        order_from_row(r, parties)
    }

    /// A page of the orders a chat's `/list` shows, newest first: those of the unit and the
    /// units below it or summoning one of them, or summoning the department; live and resolved
    /// ones, or with `all` every one. Three queries whatever the history: the count, the page,
    /// and the page's parties.
    pub async fn orders_page(
        &self,
        scope: &Scope,
        all: bool,
        page: u32,
        per_page: u32,
    ) -> Result<OrderPage> {
        let states = if all {
            ""
        } else {
            "AND o.state IN ('open', 'reported', 'resolved')"
        };
        // A unit's subtree comes from the cached organisation and is bound as a list, so the
        // planner knows how few units it is (a recursive CTE's estimate made PostgreSQL scan
        // every party ever summoned). Orders of those units, or summoning one of them: two
        // indexed lookups joined by UNION, not an OR across tables. `$1` and `$2` are the page
        // size and offset; the scope's keys follow from `$3`.
        let keys: Vec<String> = match scope {
            Scope::Unit(root) => {
                let org = self.load_org().await?;
                let mut stack = vec![root.clone()];
                let mut units = Vec::new();
                while let Some(u) = stack.pop() {
                    stack.extend(org.children(&u).into_iter().map(|c| c.id.clone()));
                    units.push(u.as_str().to_owned());
                }
                units
            }
            _ => vec![scope.parts().1.to_owned()],
        };
        let list = (0..keys.len())
            .map(|i| format!("${}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let hit = match scope {
            Scope::Unit(_) => format!(
                "SELECT o.id FROM orders o WHERE o.unit_id IN ({list}) {states}
                 UNION SELECT p.order_id FROM parties p
                 WHERE p.target_kind IN ('role', 'duty_officers') AND p.target_id IN ({list})"
            ),
            Scope::Department(_) => format!(
                "SELECT p.order_id FROM parties p
                 WHERE p.target_kind = 'department' AND p.target_id = {list}"
            ),
            Scope::Alliance(_) => format!(
                "SELECT p.order_id FROM parties p
                 WHERE p.target_kind = 'alliance' AND p.target_id = {list}"
            ),
        };
        let columns = ORDER_COLUMNS
            .split(',')
            .map(|c| format!("o.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "WITH hit(id) AS ({hit})
             SELECT {columns}, CAST(COUNT(*) OVER () AS BIGINT) AS total
             FROM orders o WHERE o.id IN (SELECT id FROM hit) {states}
             ORDER BY o.id DESC LIMIT $1 OFFSET $2"
        );
        let mut query = sqlx::query(&sql)
            .bind(i64::from(per_page))
            .bind(i64::from(page) * i64::from(per_page));
        for k in &keys {
            query = query.bind(k.clone());
        }
        let rows = query.fetch_all(&self.pool).await?;
        // The total rides on every row of the page; a page past the end has none, and is asked
        // for only when the list shrank meanwhile: then the count is taken on its own.
        let total: i64 = match rows.first() {
            Some(r) => col(r, "total")?,
            None if page == 0 => 0,
            None => {
                let sql = format!(
                    "WITH hit(id) AS ({hit}) SELECT CAST(COUNT(*) AS BIGINT) AS n
                     FROM orders o WHERE o.id IN (SELECT id FROM hit) {states} AND $1 = $1 AND $2 = $2"
                );
                let mut query = sqlx::query(&sql).bind(0_i64).bind(0_i64);
                for k in &keys {
                    query = query.bind(k.clone());
                }
                col(&query.fetch_one(&self.pool).await?, "n")?
            }
        };
        let ids: Vec<i64> = rows.iter().map(|r| col(r, "id")).collect::<Result<_>>()?;
        let mut parties: std::collections::HashMap<i64, Vec<Party>> = Default::default();
        if !ids.is_empty() {
            let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT order_id, {PARTY_COLUMNS} FROM parties WHERE order_id IN ({})
                 ORDER BY order_id, seq",
                marks.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for id in &ids {
                query = query.bind(*id);
            }
            for p in query.fetch_all(&self.pool).await? {
                let order: i64 = col(&p, "order_id")?;
                parties.entry(order).or_default().push(party_of(&p)?);
            }
        }
        let orders = rows
            .iter()
            .map(|r| {
                let id: i64 = col(r, "id")?;
                Ok(order_from_row(r, parties.remove(&id).unwrap_or_default())?.order)
            })
            .collect::<Result<_>>()?;
        Ok(OrderPage { total, orders })
    }

    /// The live and resolved orders with a card in `chat_id` (a group that became a supergroup
    /// shows them again there).
    pub async fn orders_with_cards_in(&self, chat_id: ChatId) -> Result<Vec<WhistleOrder>> {
        let ids: Vec<i64> = sqlx::query(
            "SELECT c.order_id FROM cards c JOIN orders o ON o.id = c.order_id
             WHERE c.chat_id = $1 AND o.state IN ('open', 'reported', 'resolved')
             ORDER BY c.order_id",
        )
        .bind(chat_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| col(r, "order_id"))
        .collect::<Result<_>>()?;
        self.orders_by_ids(&ids).await
    }

    /// The orders with these numbers, in that order (a number with no order is skipped): for
    /// short lists a query found.
    pub(crate) async fn orders_by_ids(&self, ids: &[i64]) -> Result<Vec<WhistleOrder>> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(o) = self.order(OrderId(*id)).await? {
                out.push(o.order);
            }
        }
        Ok(out)
    }

    /// Every order, for reports and the order list of a department.
    pub async fn all_orders(&self) -> Result<Vec<WhistleOrder>> {
        let mut out = Vec::new();
        for r in sqlx::query(&format!("SELECT {ORDER_COLUMNS} FROM orders ORDER BY id"))
            .fetch_all(&self.pool)
            .await?
        {
            out.push(self.order_of(&r).await?.order);
        }
        Ok(out)
    }

    /// An order's audit log, oldest first.
    pub async fn events(&self, id: OrderId) -> Result<Vec<Event>> {
        sqlx::query(
            "SELECT order_id, at, actor_id, resident_no, detail FROM events
             WHERE order_id = $1 ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Event {
                order: OrderId(col(r, "order_id")?),
                at: time(r, "at")?,
                actor: match col::<Option<i64>>(r, "resident_no")? {
                    Some(no) => Some(Who::Resident(ResidentNo(no))),
                    None => {
                        col::<Option<i64>>(r, "actor_id")?.map(|a| Who::Member(TelegramUserId(a)))
                    }
                },
                kind: from_json::<EventKind>(&col::<String>(r, "detail")?)?,
            })
        })
        .collect()
    }

    /// The order whose card is message `message_id` in `chat_id`.
    pub async fn order_of_card(
        &self,
        chat_id: ChatId,
        message_id: MessageId,
    ) -> Result<Option<OrderId>> {
        let row = sqlx::query("SELECT order_id FROM cards WHERE chat_id = $1 AND message_id = $2")
            .bind(chat_id)
            .bind(message_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|r| r.try_get::<i64, _>("order_id"))
            .transpose()?
            .map(OrderId))
    }

    /// The chats an order's card is in, with its message id once sent.
    pub async fn cards(&self, id: OrderId) -> Result<Vec<(ChatId, Option<MessageId>)>> {
        sqlx::query("SELECT chat_id, message_id FROM cards WHERE order_id = $1 ORDER BY chat_id")
            .bind(id.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((col(r, "chat_id")?, col(r, "message_id")?)))
            .collect()
    }
}
