//! Reading orders in batches for `gridwhistle export` (an order's timeline with it), and
//! writing many orders at once for `gridwhistle bench` (multi-row inserts in one transaction).

use chrono::{DateTime, Utc};

use super::orders::level_rank;
use super::{col, from_json, ms, time, Result, Store};
use crate::domain::{Event, EventKind, OrderId, ResidentNo, TelegramUserId, WhistleOrder, Who};

/// One order of a bulk insert, with its parties' figure columns filled in as a save would.
#[derive(Debug, Clone)]
pub struct BulkOrder {
    pub order: WhistleOrder,
    /// The highest level it reached (0 grid … 3 district).
    pub top_level: i64,
    /// First resolution: when, its duration in seconds, whether on time.
    pub first_resolution: Option<(DateTime<Utc>, i64, bool)>,
    /// The first reporter's answer: solved, and the satisfaction's stored name.
    pub rating: Option<(bool, &'static str)>,
    /// Per party (same order as `order.parties`): report duration in seconds and on time.
    pub party_reports: Vec<Option<(i64, bool)>>,
}

/// A party to insert: its order, its place, the party, its report's seconds and on-time.
type PartyRow<'a> = (
    &'a crate::domain::WhistleOrder,
    usize,
    &'a crate::domain::Party,
    Option<(i64, bool)>,
);

/// Orders per multi-row INSERT: 18 values each stays under SQLite's 32,766 parameters.
const ORDER_ROWS: usize = 500;
const PARTY_ROWS: usize = 1000;

impl Store {
    /// Up to `limit` orders whistled in [`from`, `to`) with a number above `after`, by number,
    /// each with its audit log oldest first. Three queries per batch.
    pub async fn export_batch(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: OrderId,
        limit: i64,
    ) -> Result<Vec<(WhistleOrder, Vec<Event>)>> {
        let ids: Vec<i64> = sqlx::query(
            "SELECT id FROM orders WHERE id > $1 AND created_at >= $2 AND created_at < $3
             ORDER BY id LIMIT $4",
        )
        .bind(after.0)
        .bind(ms(from))
        .bind(ms(to))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| col(r, "id"))
        .collect::<Result<_>>()?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let orders = self.orders_by_ids(&ids).await?;
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT order_id, at, actor_id, resident_no, detail FROM events
             WHERE order_id IN ({}) ORDER BY order_id, id",
            marks.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for id in &ids {
            query = query.bind(*id);
        }
        let mut events: std::collections::HashMap<i64, Vec<Event>> = Default::default();
        for r in query.fetch_all(&self.pool).await? {
            let order: i64 = col(&r, "order_id")?;
            let actor = match col::<Option<i64>>(&r, "resident_no")? {
                Some(no) => Some(Who::Resident(ResidentNo(no))),
                None => col::<Option<i64>>(&r, "actor_id")?.map(|a| Who::Member(TelegramUserId(a))),
            };
            events.entry(order).or_default().push(Event {
                order: OrderId(order),
                at: time(&r, "at")?,
                actor,
                kind: from_json::<EventKind>(&col::<String>(&r, "detail")?)?,
            });
        }
        Ok(orders
            .into_iter()
            .map(|o| {
                let e = events.remove(&o.id.0).unwrap_or_default();
                (o, e)
            })
            .collect())
    }

    /// Inserts orders (numbered here, after the highest number so far) and their parties in one
    /// transaction with multi-row INSERTs, for seeding a benchmark; no events, messages or jobs.
    pub async fn insert_bulk(&self, orders: &mut [BulkOrder]) -> Result<()> {
        let (_turn, mut tx) = self.begin().await?;
        let row = sqlx::query("UPDATE counters SET n = n + $1 WHERE name = 'order' RETURNING n")
            .bind(orders.len() as i64)
            .fetch_one(&mut *tx)
            .await?;
        let last: i64 = col(&row, "n")?;
        let first = last - orders.len() as i64 + 1;
        for (i, b) in orders.iter_mut().enumerate() {
            b.order.id = OrderId(first + i as i64);
        }
        for chunk in orders.chunks(ORDER_ROWS) {
            const N: usize = 18;
            let values: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let marks: Vec<String> = (1..=N).map(|c| format!("${}", r * N + c)).collect();
                    format!("({})", marks.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO orders (id, unit_id, body, urgent, state, level, whistler_id,
                     resident_no, created_at, resolve_due, reopen_count, start_level, top_level,
                     first_resolved_at, first_resolve_secs, first_resolve_on_time,
                     rating_solved, rating_satisfaction)
                 VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for b in chunk {
                let o = &b.order;
                let fr = b.first_resolution;
                q = q
                    .bind(o.id.0)
                    .bind(o.unit.as_str().to_owned())
                    .bind(o.text.clone())
                    .bind(i64::from(o.urgent))
                    .bind(o.state.as_str())
                    .bind(o.level.as_str())
                    .bind(o.whistler.member().map_or(0, |m| m.0))
                    .bind(o.whistler.resident().map(|r| r.0))
                    .bind(ms(o.created_at))
                    .bind(ms(o.resolve_due))
                    .bind(i64::from(o.reopen_count))
                    .bind(level_rank(o.parties.first().map_or(o.level, |p| p.level)))
                    .bind(b.top_level)
                    .bind(fr.map(|f| ms(f.0)))
                    .bind(fr.map(|f| f.1))
                    .bind(fr.map(|f| i64::from(f.2)))
                    .bind(b.rating.map(|r| i64::from(r.0)))
                    .bind(b.rating.map(|r| r.1));
            }
            q.execute(&mut *tx).await?;
        }
        let parties: Vec<PartyRow<'_>> = orders
            .iter()
            .flat_map(|b| {
                b.order.parties.iter().enumerate().map(move |(seq, p)| {
                    (
                        &b.order,
                        seq,
                        p,
                        b.party_reports.get(seq).copied().flatten(),
                    )
                })
            })
            .collect();
        for chunk in parties.chunks(PARTY_ROWS) {
            const N: usize = 14;
            let values: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let marks: Vec<String> = (1..=N).map(|c| format!("${}", r * N + c)).collect();
                    format!("({})", marks.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO parties (order_id, seq, target, level, added_at, ack_due,
                     reported_by, reported_at, target_kind, target_id, report_secs,
                     report_on_time, unit_id, order_cancelled)
                 VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (order, seq, p, rep) in chunk {
                let (kind, id) = super::orders::target_columns(&p.target);
                q = q
                    .bind(order.id.0)
                    .bind(*seq as i64)
                    .bind(super::json(&p.target))
                    .bind(p.level.as_str())
                    .bind(ms(p.added_at))
                    .bind(ms(p.ack_due))
                    .bind(p.report.as_ref().map(|r| r.by.0))
                    .bind(p.report.as_ref().map(|r| ms(r.at)))
                    .bind(kind)
                    .bind(id)
                    .bind(rep.map(|r| r.0))
                    .bind(rep.map(|r| i64::from(r.1)))
                    .bind(order.unit.as_str().to_owned())
                    .bind(i64::from(
                        order.state == crate::domain::OrderState::Cancelled,
                    ));
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
