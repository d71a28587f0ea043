//! The outbox: every message the bot must send because of a state change is written here in the
//! same transaction as the change; the sender claims, delivers and marks it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Any;

use super::orders::insert_events;
use super::{col, from_json, from_ms, json, ms, Backend, Result, Store};
use crate::domain::{Event, OrderId};
use crate::render::Button;

/// What to do in a chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Payload {
    /// Send a new message. `card` makes it the order's card in this chat; `reply_to_card`
    /// replies to the order's card there; `reply_to` replies to a message.
    Send {
        html: String,
        buttons: Vec<Vec<Button>>,
        card: Option<OrderId>,
        reply_to_card: Option<OrderId>,
        reply_to: Option<i64>,
    },
    /// Edit the order's card in this chat.
    EditCard {
        order: OrderId,
        html: String,
        buttons: Vec<Vec<Button>>,
    },
    /// Take the buttons off a notice about the order whose buttons no longer apply.
    ClearButtons { order: OrderId, message_id: i64 },
}

impl Payload {
    /// The payload's kind, stored in its own column (`outbox.kind`). Renaming one needs a
    /// migration of the stored rows, like any serialized variant.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Send { .. } => "send",
            Payload::EditCard { .. } => "edit_card",
            Payload::ClearButtons { .. } => "clear_buttons",
        }
    }
}

/// A message to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub chat_id: i64,
    pub payload: Payload,
}

/// A claimed outbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub chat_id: i64,
    pub payload: Payload,
    pub attempts: i64,
}

pub(crate) async fn insert_outgoing(
    tx: &mut sqlx::Transaction<'_, Any>,
    out: &[Outgoing],
    now: DateTime<Utc>,
) -> Result<()> {
    if !out.is_empty() {
        super::mark_processing_done(tx, now).await?;
    }
    // On PostgreSQL two transactions can insert into one chat's queue at once, and the sender
    // cannot see a lower id that is not committed yet: it would send the higher one first. A
    // per-chat lock held to commit makes id order the commit order (taken in ascending chat
    // order, so two transactions never wait on each other in a circle). SQLite writers are
    // serialized already.
    if tx.backend_name().eq_ignore_ascii_case("postgresql") {
        let mut chats: Vec<i64> = out.iter().map(|o| o.chat_id).collect();
        chats.sort_unstable();
        chats.dedup();
        for chat in chats {
            sqlx::query("SELECT 1 AS locked FROM pg_advisory_xact_lock($1)")
                .bind(chat)
                .execute(&mut **tx)
                .await?;
        }
    }
    for o in out {
        let order = match &o.payload {
            Payload::Send {
                card,
                reply_to_card,
                ..
            } => card.or(*reply_to_card),
            Payload::EditCard { order, .. } | Payload::ClearButtons { order, .. } => Some(*order),
        };
        sqlx::query(
            "INSERT INTO outbox (chat_id, order_id, kind, payload, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(o.chat_id)
        .bind(order.map(|o| o.0))
        .bind(o.payload.kind())
        .bind(json(&o.payload))
        .bind(ms(now))
        .execute(&mut **tx)
        .await?;
        if let Payload::Send {
            card: Some(order), ..
        } = &o.payload
        {
            sqlx::query(
                "INSERT INTO cards (order_id, chat_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(order.0)
            .bind(o.chat_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

impl Store {
    /// Queues messages that no state change causes (answers, help).
    pub async fn enqueue(&self, out: &[Outgoing], now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        insert_outgoing(&mut tx, out, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims the head of each chat's queue that is due, for `lease_ms`: messages of one chat
    /// go out in order, and two senders never hold the same message.
    pub async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<OutboxRow>> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1
             WHERE id IN (
                SELECT id FROM outbox o
                WHERE status = 'pending' AND not_before <= $2 AND claimed_until <= $2
                  AND id = (SELECT MIN(id) FROM outbox h WHERE h.chat_id = o.chat_id AND h.status = 'pending')
                ORDER BY id LIMIT $3 {lock})
               AND claimed_until <= $2
             RETURNING id, chat_id, payload, attempts"
        );
        let mut rows: Vec<OutboxRow> = sqlx::query(&sql)
            .bind(ms(now) + lease_ms)
            .bind(ms(now))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                Ok(OutboxRow {
                    id: col(r, "id")?,
                    chat_id: col(r, "chat_id")?,
                    payload: from_json(&col::<String>(r, "payload")?)?,
                    attempts: col(r, "attempts")?,
                })
            })
            .collect::<Result<_>>()?;
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    }

    /// The earliest moment a pending message becomes due, for the sender to sleep until.
    pub async fn next_outbox_due(&self) -> Result<Option<DateTime<Utc>>> {
        let row = sqlx::query(
            "SELECT MIN(CASE WHEN not_before > claimed_until THEN not_before ELSE claimed_until END) AS due
             FROM outbox WHERE status = 'pending'",
        )
        .fetch_one(&self.pool)
        .await?;
        col::<Option<i64>>(&row, "due")?.map(from_ms).transpose()
    }

    /// Delivered: remembers the message id (and, for a card, where the card is).
    pub async fn outbox_sent(&self, row: &OutboxRow, message_id: Option<i64>) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE outbox SET status = 'sent', message_id = $1 WHERE id = $2")
            .bind(message_id)
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
        if let (
            Payload::Send {
                card: Some(order), ..
            },
            Some(mid),
        ) = (&row.payload, message_id)
        {
            sqlx::query("UPDATE cards SET message_id = $1 WHERE order_id = $2 AND chat_id = $3")
                .bind(mid)
                .bind(order.0)
                .bind(row.chat_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Not delivered this time: try again at `not_before` (None: at once).
    pub async fn outbox_retry(
        &self,
        id: i64,
        not_before: Option<DateTime<Utc>>,
        error: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET not_before = $1, claimed_until = 0, error = $2 WHERE id = $3",
        )
        .bind(not_before.map(ms).unwrap_or(0))
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Claimed too early for the chat's pace: back to the queue, due at `not_before`, without
    /// counting as an attempt.
    pub async fn outbox_defer(&self, id: i64, not_before: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET not_before = $1, claimed_until = 0, attempts = attempts - 1 WHERE id = $2",
        )
        .bind(ms(not_before))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Will never be delivered (bot removed, chat gone): recorded, not retried.
    /// `event` (the failure on the order's timeline) is written in the same transaction, so the
    /// failure is never visible without it.
    pub async fn outbox_failed(&self, id: i64, error: &str, event: Option<&Event>) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE outbox SET status = 'failed', error = $1 WHERE id = $2")
            .bind(error)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(e) = event {
            insert_events(&mut tx, std::slice::from_ref(e)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A card's message id in a chat.
    pub async fn card_message(&self, order: OrderId, chat_id: i64) -> Result<Option<i64>> {
        let row = sqlx::query("SELECT message_id FROM cards WHERE order_id = $1 AND chat_id = $2")
            .bind(order.0)
            .bind(chat_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|r| col::<Option<i64>>(&r, "message_id"))
            .transpose()?
            .flatten())
    }

    /// The notices about an order that still show buttons: (chat, message id, button data).
    /// Cards are not notices; a notice whose buttons were cleared (or are queued to be) is left out.
    pub async fn notices_with_buttons(
        &self,
        order: OrderId,
    ) -> Result<Vec<(i64, i64, Vec<String>)>> {
        let rows = sqlx::query(
            "SELECT chat_id, message_id, payload FROM outbox WHERE order_id = $1 AND status <> 'failed' ORDER BY id",
        )
        .bind(order.0)
        .fetch_all(&self.pool)
        .await?;
        let mut notices = Vec::new();
        let mut cleared = Vec::new();
        for r in &rows {
            let chat: i64 = col(r, "chat_id")?;
            match from_json::<Payload>(&col::<String>(r, "payload")?)? {
                Payload::Send {
                    card: None,
                    buttons,
                    ..
                } if !buttons.is_empty() => {
                    if let Some(mid) = col::<Option<i64>>(r, "message_id")? {
                        let data = buttons.iter().flatten().map(|b| b.data.clone()).collect();
                        notices.push((chat, mid, data));
                    }
                }
                Payload::ClearButtons { message_id, .. } => cleared.push((chat, message_id)),
                _ => {}
            }
        }
        notices.retain(|(c, m, _)| !cleared.contains(&(*c, *m)));
        Ok(notices)
    }

    /// Whether message `message_id` in `chat_id` is one the bot sent about `order` (its card or
    /// a notice replying to it): a button press must come from one of those.
    pub async fn is_message_of_order(
        &self,
        chat_id: i64,
        message_id: i64,
        order: OrderId,
    ) -> Result<bool> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS n FROM outbox WHERE chat_id = $1 AND message_id = $2 AND order_id = $3",
        )
        .bind(chat_id)
        .bind(message_id)
        .bind(order.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(col::<i64>(&r, "n")? > 0)
    }

    /// Whether a newer edit of the same card waits behind this one (this one can be skipped).
    pub async fn newer_edit_pending(&self, row: &OutboxRow) -> Result<bool> {
        let Payload::EditCard { order, .. } = &row.payload else {
            return Ok(false);
        };
        let r = sqlx::query(
            "SELECT COUNT(*) AS n FROM outbox WHERE chat_id = $1 AND order_id = $2 AND id > $3
             AND status = 'pending' AND kind = 'edit_card'",
        )
        .bind(row.chat_id)
        .bind(order.0)
        .bind(row.id)
        .fetch_one(&self.pool)
        .await?;
        Ok(col::<i64>(&r, "n")? > 0)
    }

    /// Counts of outbox rows by status, for tests and `/status`.
    pub async fn outbox_counts(&self) -> Result<(i64, i64, i64)> {
        let r = sqlx::query(
            "SELECT SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS p,
                    SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END) AS s,
                    SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS f FROM outbox",
        )
        .fetch_one(&self.pool)
        .await?;
        let get = |n: &str| -> Result<i64> { Ok(col::<Option<i64>>(&r, n)?.unwrap_or(0)) };
        Ok((get("p")?, get("s")?, get("f")?))
    }
}
