//! The outbox: every message the bot must send because of a state change is written here in the
//! same transaction as the change; the sender claims, delivers and marks it.
//!
//! A chat's queue has priority classes (`Priority`), first in, first out within a class; a
//! card's own send goes before its edits and the replies to it whatever their class. Edits that
//! a newer edit supersedes, or that would show what the card shows already, are dropped when
//! claimed, so they spend none of Telegram's pace.

use crate::domain::{ChatId, MessageId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Any;

use super::orders::insert_events;
use super::{col, from_json, from_ms, json, ms, Backend, Result, Store, StoreError};
use crate::domain::{Event, OrderId, OutboxId};
use crate::render::Button;

/// The most photos one album (`sendMediaGroup`) may hold.
pub const ALBUM_MAX: usize = 10;

/// A reply keyboard (the one under a private chat's input field), for a `Send`. Telegram's
/// `reply_markup` is one thing: a message shows either inline buttons or a reply keyboard, so a
/// `Send` with a keyboard carries no inline buttons; the constructors never make one with both,
/// and should a stored row hold both, the keyboard is sent and the buttons are left out (the
/// keyboard asks the person for something, or takes a stale request away).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Keyboard {
    /// A one-time, resized keyboard: a button `label` that shares the person's location
    /// (`request_location`, private chats only), and below it a plain `skip` button whose
    /// label comes back as the person's text.
    RequestLocation { label: String, skip: Option<String> },
    /// Takes the reply keyboard away (`ReplyKeyboardRemove`).
    Remove,
}

/// What to do in a chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Payload {
    /// Send a new message. `card` makes it the order's card in this chat; `reply_to_card`
    /// replies to the order's card there; `reply_to` replies to a message. `keyboard` shows or
    /// removes a reply keyboard (then `buttons` is empty; see `Keyboard`).
    Send {
        html: String,
        buttons: Vec<Vec<Button>>,
        card: Option<OrderId>,
        reply_to_card: Option<OrderId>,
        reply_to: Option<MessageId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keyboard: Option<Keyboard>,
    },
    /// Photos by Telegram `file_id`: one is a photo (`sendPhoto`), 2 to `ALBUM_MAX` an album
    /// (`sendMediaGroup`) with `caption` (HTML) on its first item; more go as several albums in
    /// order, one per delivery (the row keeps the photos still to go; the caption goes with
    /// the first). Each photo counts as a message against a group's pace.
    Photos {
        photos: Vec<String>,
        caption: Option<String>,
        reply_to_card: Option<OrderId>,
        reply_to: Option<MessageId>,
    },
    /// A copy of message `message_id` of chat `from_chat` (`copyMessage`: no forward header,
    /// so the sender is not named).
    Copy {
        from_chat: ChatId,
        message_id: MessageId,
        reply_to_card: Option<OrderId>,
        reply_to: Option<MessageId>,
    },
    /// Edit the order's card in this chat.
    EditCard {
        order: OrderId,
        html: String,
        buttons: Vec<Vec<Button>>,
    },
    /// Take the buttons off a notice about the order whose buttons no longer apply.
    ClearButtons {
        order: OrderId,
        message_id: MessageId,
    },
    /// An uploaded PNG (the statistics chart) as a photo (`sendPhoto`, multipart) with
    /// `caption` (HTML), replying to message `reply_to`. The bytes are kept in the row's
    /// `upload` column, not in its JSON.
    Upload {
        caption: Option<String>,
        reply_to: Option<MessageId>,
        #[serde(skip)]
        png: Vec<u8>,
    },
}

impl Payload {
    /// The payload's kind, stored in its own column (`outbox.kind`). Renaming one needs a
    /// migration of the stored rows, like any serialized variant. A card's send is `card`: its
    /// edits and the replies to it wait for it.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Send { card: Some(_), .. } => "card",
            Payload::Send { .. } => "send",
            Payload::EditCard { .. } => "edit_card",
            Payload::ClearButtons { .. } => "clear_buttons",
            Payload::Photos { .. } => "photos",
            Payload::Copy { .. } => "copy",
            Payload::Upload { .. } => "upload",
        }
    }

    /// The order the row is about (`outbox.order_id`): a card's send, its edits, and anything
    /// replying to the card, which waits for the card's send.
    pub fn order(&self) -> Option<OrderId> {
        match self {
            Payload::Send {
                card,
                reply_to_card,
                ..
            } => card.or(*reply_to_card),
            Payload::EditCard { order, .. } | Payload::ClearButtons { order, .. } => Some(*order),
            Payload::Photos { reply_to_card, .. } | Payload::Copy { reply_to_card, .. } => {
                *reply_to_card
            }
            Payload::Upload { .. } => None,
        }
    }

    /// How many messages the next delivery of this row posts: the photos of its next album
    /// (see `album_size`), else one. The sender paces by it.
    pub fn messages_next(&self) -> usize {
        match self {
            Payload::Photos { photos, .. } => album_size(photos.len()).max(1),
            _ => 1,
        }
    }
}

/// How many of `n` photos go in the next album: all up to `ALBUM_MAX`; of more, `ALBUM_MAX`,
/// except that no lone photo is left for last (11 go as 9 and 2).
pub fn album_size(n: usize) -> usize {
    if n <= ALBUM_MAX {
        n
    } else if n - ALBUM_MAX == 1 {
        ALBUM_MAX - 1
    } else {
        ALBUM_MAX
    }
}

/// A message's class in its chat's queue: a chat's messages go out class by class, first in,
/// first out within one (stored as its rank, `outbox.priority`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// P0: what mentions people: new cards, escalation notices, reminders, "summoned more",
    /// resolved and reopened notices.
    Notice,
    /// P1: the answer to a person's command or reply, and card edits (only the latest goes).
    Answer,
    /// P2: refusals, "unknown command", help and greetings.
    Hint,
}

impl Priority {
    /// The stored rank: 0, 1, 2.
    pub fn rank(self) -> i64 {
        match self {
            Priority::Notice => 0,
            Priority::Answer => 1,
            Priority::Hint => 2,
        }
    }

    /// The class of a stored rank.
    pub fn from_rank(rank: i64) -> Option<Priority> {
        match rank {
            0 => Some(Priority::Notice),
            1 => Some(Priority::Answer),
            2 => Some(Priority::Hint),
            _ => None,
        }
    }
}

/// A message to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub chat_id: ChatId,
    pub payload: Payload,
    pub priority: Priority,
}

impl Outgoing {
    /// The same message in another class.
    pub fn with_priority(self, priority: Priority) -> Outgoing {
        Outgoing { priority, ..self }
    }
}

/// A claimed outbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: OutboxId,
    pub chat_id: ChatId,
    pub payload: Payload,
    pub priority: Priority,
    pub attempts: i64,
}

/// One kind of hint to one person in one chat, kept quiet until `until` once sent
/// (`Store::enqueue_throttled`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle<'a> {
    pub chat_id: ChatId,
    pub person: i64,
    pub kind: &'a str,
    pub until: DateTime<Utc>,
}

/// The condition that outbox row `h` may go in its chat's order: it is not an edit of a card, or
/// a reply to one, whose send is still pending.
const READY: &str = "NOT (h.kind <> 'card' AND h.order_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM outbox c WHERE c.order_id = h.order_id AND c.chat_id = h.chat_id
          AND c.kind = 'card' AND c.status = 'pending'))";

/// The condition that card edit `o` would show what its card shows already, with no older edit
/// or send of the card still on its way.
const UNCHANGED: &str = "o.payload = (SELECT c.shown FROM cards c
        WHERE c.order_id = o.order_id AND c.chat_id = o.chat_id)
    AND NOT EXISTS (SELECT 1 FROM outbox p
        WHERE p.order_id = o.order_id AND p.chat_id = o.chat_id AND p.id < o.id
          AND p.status = 'pending' AND p.kind IN ('edit_card', 'card'))";

/// The id of the head of row `o`'s chat queue: its first ready pending row by (priority, id).
fn head_of_chat() -> String {
    format!(
        "(SELECT h.id FROM outbox h WHERE h.chat_id = o.chat_id AND h.status = 'pending' AND {READY}
          ORDER BY h.priority, h.id LIMIT 1)"
    )
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
        let mut chats: Vec<ChatId> = out.iter().map(|o| o.chat_id).collect();
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
        let order = o.payload.order();
        sqlx::query(
            "INSERT INTO outbox (chat_id, order_id, kind, priority, payload, created_at, upload)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(o.chat_id)
        .bind(order.map(|o| o.0))
        .bind(o.payload.kind())
        .bind(o.priority.rank())
        .bind(json(&o.payload))
        .bind(ms(now))
        .bind(match &o.payload {
            Payload::Upload { png, .. } => Some(png.clone()),
            _ => None,
        })
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
    /// Whether the card of `order` in `chat` is still waiting to be sent (its send was queued
    /// and not delivered yet, e.g. when its chat moved to a supergroup).
    pub async fn card_send_pending(&self, order: OrderId, chat_id: ChatId) -> Result<bool> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS n FROM outbox
             WHERE order_id = $1 AND chat_id = $2 AND kind = 'card' AND status = 'pending'",
        )
        .bind(order.0)
        .bind(chat_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(col::<i64>(&r, "n")? > 0)
    }

    /// Queues messages that no state change causes (answers, help).
    pub async fn enqueue(&self, out: &[Outgoing], now: DateTime<Utc>) -> Result<()> {
        let (_turn, mut tx) = self.begin().await?;
        insert_outgoing(&mut tx, out, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Queues `out` unless a message of `throttle.kind` went to the same person in the same chat
    /// and its quiet time has not ended; then the quiet time starts again until `throttle.until`.
    /// Both in one transaction, so that several processes agree. Returns whether it was queued.
    pub async fn enqueue_throttled(
        &self,
        out: &[Outgoing],
        throttle: Throttle<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let (_turn, mut tx) = self.begin().await?;
        // On a conflict the row is updated only when its quiet time is over; PostgreSQL makes a
        // concurrent second writer wait for the first and then re-check, so one of two wins.
        let open = sqlx::query(
            "INSERT INTO throttles (chat_id, person_id, kind, until_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (chat_id, person_id, kind)
             DO UPDATE SET until_at = excluded.until_at WHERE throttles.until_at <= $5",
        )
        .bind(throttle.chat_id)
        .bind(throttle.person)
        .bind(throttle.kind)
        .bind(ms(throttle.until))
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        if open.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        insert_outgoing(&mut tx, out, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Claims the head of each chat's queue that is due, for `lease_ms`: the chat's first
    /// pending row by (priority, id) that does not wait for its card's send, so that a chat's
    /// messages go out class by class and in order within a class; none while another message
    /// of the chat is held, so two senders never hold the same message, nor two of one chat. Edits superseded by a newer one, or identical to
    /// what the card shows, are dropped first: they never reach the pacer.
    pub async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<OutboxRow>> {
        self.drop_needless_edits(now).await?;
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let head = head_of_chat();
        let sql = format!(
            "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1
             WHERE id IN (
                SELECT id FROM outbox o
                WHERE status = 'pending' AND not_before <= $2 AND claimed_until <= $2
                  AND id = {head}
                  AND NOT EXISTS (SELECT 1 FROM outbox f WHERE f.chat_id = o.chat_id
                      AND f.status = 'pending' AND f.claimed_until > $2)
                ORDER BY priority, id LIMIT $3 {lock})
               AND status = 'pending' AND claimed_until <= $2
             RETURNING id, chat_id, payload, priority, attempts, upload"
        );
        let rows: Vec<OutboxRow> = sqlx::query(&sql)
            .bind(ms(now) + lease_ms)
            .bind(ms(now))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                let rank: i64 = col(r, "priority")?;
                let mut payload = from_json(&col::<String>(r, "payload")?)?;
                if let Payload::Upload { png, .. } = &mut payload {
                    *png = col::<Option<Vec<u8>>>(r, "upload")?.unwrap_or_default();
                }
                Ok(OutboxRow {
                    id: OutboxId(col(r, "id")?),
                    chat_id: col(r, "chat_id")?,
                    payload,
                    priority: Priority::from_rank(rank)
                        .ok_or_else(|| StoreError::Corrupt(format!("priority {rank}")))?,
                    attempts: col(r, "attempts")?,
                })
            })
            .collect::<Result<_>>()?;
        // The delivery of an earlier edit may have been recorded between the drop above and
        // this claim (deliveries run side by side): an edit that shows what the card shows
        // now is dropped rather than sent.
        let mut kept = Vec::with_capacity(rows.len());
        for r in rows {
            if matches!(r.payload, Payload::EditCard { .. }) && self.drop_if_unchanged(r.id).await?
            {
                continue;
            }
            kept.push(r);
        }
        kept.sort_by_key(|r| (r.priority, r.id));
        Ok(kept)
    }

    /// Drops claimed card edit `id` if it would show what its card shows already; whether it did.
    async fn drop_if_unchanged(&self, id: OutboxId) -> Result<bool> {
        let done = sqlx::query(&format!(
            "UPDATE outbox SET status = 'dropped', error = 'unchanged', claimed_until = 0
             WHERE id IN (SELECT o.id FROM outbox o WHERE o.id = $1 AND o.status = 'pending'
                              AND {UNCHANGED})"
        ))
        .bind(id.0)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Drops the pending card edits nobody needs: one a newer edit (or a newer send of the card)
    /// supersedes, and one that would show what the card shows already. An edit held by a
    /// sender is left alone; an edit is compared with what the card shows only when no older
    /// edit or send of the card is still on its way. On PostgreSQL rows another sender has
    /// locked are skipped (they are looked at next time), so two senders never wait on each other.
    async fn drop_needless_edits(&self, now: DateTime<Utc>) -> Result<()> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let superseded = "EXISTS (SELECT 1 FROM outbox n
                WHERE n.order_id = o.order_id AND n.chat_id = o.chat_id AND n.id > o.id
                  AND ((n.kind = 'edit_card' AND n.status = 'pending') OR n.kind = 'card'))";
        for (why, condition) in [("superseded", superseded), ("unchanged", UNCHANGED)] {
            sqlx::query(&format!(
                "UPDATE outbox SET status = 'dropped', error = $2
                 WHERE id IN (SELECT o.id FROM outbox o
                     WHERE o.status = 'pending' AND o.kind = 'edit_card' AND o.claimed_until <= $1
                       AND {condition} {lock})
                   AND status = 'pending' AND claimed_until <= $1"
            ))
            .bind(ms(now))
            .bind(why)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// The earliest moment the sender may find work: the head of a chat's queue becoming due,
    /// or a message held by a sender coming free (its chat waits for it). Rows behind a head
    /// wait for the head, not for the clock.
    pub async fn next_outbox_due(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        let head = head_of_chat();
        let row = sqlx::query(&format!(
            "SELECT MIN(CASE WHEN not_before > claimed_until THEN not_before ELSE claimed_until END) AS due
             FROM outbox o WHERE status = 'pending' AND (claimed_until > $1 OR (id = {head}
                 AND NOT EXISTS (SELECT 1 FROM outbox f WHERE f.chat_id = o.chat_id
                     AND f.status = 'pending' AND f.claimed_until > $1)))"
        ))
        .bind(ms(now))
        .fetch_one(&self.pool)
        .await?;
        col::<Option<i64>>(&row, "due")?.map(from_ms).transpose()
    }

    /// Delivered: remembers the message id (and, for a card, where the card is), what a card
    /// shows now, and the message as kept (`messages`: whose it is, a notice's buttons).
    pub async fn outbox_sent(&self, row: &OutboxRow, message_id: Option<i64>) -> Result<()> {
        let (_turn, mut tx) = self.begin().await?;
        sqlx::query("UPDATE outbox SET status = 'sent', message_id = $1 WHERE id = $2")
            .bind(message_id)
            .bind(row.id.0)
            .execute(&mut *tx)
            .await?;
        match (&row.payload, message_id) {
            (
                Payload::Send {
                    card: Some(order),
                    html,
                    buttons,
                    ..
                },
                Some(mid),
            ) => {
                // What the card shows, as the edit that would show it is stored.
                let shown = Payload::EditCard {
                    order: *order,
                    html: html.clone(),
                    buttons: buttons.clone(),
                };
                sqlx::query(
                    "UPDATE cards SET message_id = $1, shown = $2 WHERE order_id = $3 AND chat_id = $4",
                )
                .bind(mid)
                .bind(json(&shown))
                .bind(order.0)
                .bind(row.chat_id)
                .execute(&mut *tx)
                .await?;
            }
            (Payload::EditCard { order, .. }, _) => {
                sqlx::query("UPDATE cards SET shown = $1 WHERE order_id = $2 AND chat_id = $3")
                    .bind(json(&row.payload))
                    .bind(order.0)
                    .bind(row.chat_id)
                    .execute(&mut *tx)
                    .await?;
            }
            _ => {}
        }
        super::messages::record_delivery(&mut tx, row.chat_id, &row.payload, message_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Not delivered this time: try again at `not_before` (None: at once).
    pub async fn outbox_retry(
        &self,
        id: OutboxId,
        not_before: Option<DateTime<Utc>>,
        error: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET not_before = $1, claimed_until = 0, error = $2 WHERE id = $3",
        )
        .bind(not_before.map(ms).unwrap_or(0))
        .bind(error)
        .bind(id.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Claimed too early for the chat's pace: back to the queue, due at `not_before`, without
    /// counting as an attempt.
    pub async fn outbox_defer(&self, id: OutboxId, not_before: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET not_before = $1, claimed_until = 0, attempts = attempts - 1 WHERE id = $2",
        )
        .bind(ms(not_before))
        .bind(id.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Part of the row was delivered (the first album of many photos): the row now holds what
    /// is still to go, `rest`, and is due again at once (the chat's pace decides when), as a
    /// fresh row would be.
    pub async fn outbox_progress(&self, id: OutboxId, rest: &Payload) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET payload = $1, not_before = 0, claimed_until = 0, attempts = 0, error = NULL
             WHERE id = $2 AND status = 'pending'",
        )
        .bind(json(rest))
        .bind(id.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Will never be delivered (bot removed, chat gone): recorded, not retried.
    /// `event` (the failure on the order's timeline) is written in the same transaction, so the
    /// failure is never visible without it.
    pub async fn outbox_failed(
        &self,
        id: OutboxId,
        error: &str,
        event: Option<&Event>,
    ) -> Result<()> {
        let (_turn, mut tx) = self.begin().await?;
        sqlx::query("UPDATE outbox SET status = 'failed', error = $1 WHERE id = $2")
            .bind(error)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        if let Some(e) = event {
            insert_events(&mut tx, std::slice::from_ref(e)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A card's message id in a chat.
    pub async fn card_message(&self, order: OrderId, chat_id: ChatId) -> Result<Option<MessageId>> {
        let row = sqlx::query("SELECT message_id FROM cards WHERE order_id = $1 AND chat_id = $2")
            .bind(order.0)
            .bind(chat_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|r| col::<Option<MessageId>>(&r, "message_id"))
            .transpose()?
            .flatten())
    }

    /// How many messages wait to be sent: an index range, however long the history of sent ones
    /// (for waiting on the bot in tests, the demo and benchmarks).
    pub async fn outbox_pending_count(&self) -> Result<i64> {
        let r = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'")
            .fetch_one(&self.pool)
            .await?;
        col(&r, "n")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_priority_round_trips_through_its_rank_in_class_order() {
        let all = [Priority::Notice, Priority::Answer, Priority::Hint];
        for p in all {
            assert_eq!(Priority::from_rank(p.rank()), Some(p));
        }
        let ranks: Vec<i64> = all.iter().map(|p| p.rank()).collect();
        assert_eq!(
            ranks,
            [0, 1, 2],
            "the stored ranks are the issue's P0, P1, P2"
        );
        assert!(Priority::Notice < Priority::Answer && Priority::Answer < Priority::Hint);
        assert_eq!(Priority::from_rank(3), None);
    }

    #[test]
    fn a_cards_send_has_its_own_kind() {
        let send = |card| Payload::Send {
            html: String::new(),
            buttons: vec![],
            card,
            reply_to_card: None,
            reply_to: None,
            keyboard: None,
        };
        assert_eq!(send(Some(OrderId(1))).kind(), "card");
        assert_eq!(send(None).kind(), "send");
    }
}
