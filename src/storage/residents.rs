//! Residents: their pseudonymous numbers, report dialogues, followed orders, questions relayed
//! to them, blocks and `/forget`. A resident's Telegram id and private chat live in `residents`
//! only; everything else names them by number.

use crate::domain::ChatId;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::orders::{create_order_in, insert_events};
use super::outbox::insert_outgoing;
use super::{col, from_json, json, mark_processing_done, ms, Result, Store, StoreError};
use crate::domain::resident::Dialogue;
use crate::domain::{Event, Lang, OrderId, ResidentNo, TelegramUserId, UnitId, WhistleOrder};
use crate::storage::{NewOrder, Outgoing};

/// A resident as stored: the Telegram side is gone once they `/forget`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resident {
    pub no: ResidentNo,
    pub telegram_id: Option<TelegramUserId>,
    pub chat_id: Option<ChatId>,
    pub lang: Option<Lang>,
}

/// A dialogue as read, with the version its next save must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDialogue {
    pub dialogue: Dialogue,
    pub version: i64,
}

/// What `/forget` removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Forgotten {
    pub orders: i64,
    pub updates: i64,
}

fn resident_of(r: &sqlx::any::AnyRow) -> Result<Resident> {
    Ok(Resident {
        no: ResidentNo(col(r, "no")?),
        telegram_id: col::<Option<i64>>(r, "telegram_id")?.map(TelegramUserId),
        chat_id: col(r, "chat_id")?,
        lang: col::<Option<String>>(r, "locale")?
            .as_deref()
            .and_then(Lang::parse),
    })
}

impl Store {
    /// The resident who is Telegram user `user`, if they have written to the bot.
    pub async fn resident_of_user(&self, user: TelegramUserId) -> Result<Option<Resident>> {
        sqlx::query("SELECT no, telegram_id, chat_id, locale FROM residents WHERE telegram_id = $1")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| resident_of(&r))
            .transpose()
    }

    pub async fn resident(&self, no: ResidentNo) -> Result<Option<Resident>> {
        sqlx::query("SELECT no, telegram_id, chat_id, locale FROM residents WHERE no = $1")
            .bind(no.0)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| resident_of(&r))
            .transpose()
    }

    /// The resident who is `user`, numbered now if they are new (their language from Telegram).
    pub async fn enrol_resident(
        &self,
        user: TelegramUserId,
        chat_id: ChatId,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> Result<Resident> {
        // Read first: an insert that meets the unique id would still take a number from the
        // sequence (PostgreSQL), leaving gaps between residents.
        if let Some(r) = self.resident_of_user(user).await? {
            return Ok(r);
        }
        sqlx::query(
            "INSERT INTO residents (telegram_id, chat_id, locale, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (telegram_id) DO NOTHING",
        )
        .bind(user.0)
        .bind(chat_id)
        .bind(lang.code())
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        self.resident_of_user(user)
            .await?
            .ok_or_else(|| StoreError::Corrupt("resident not enrolled".into()))
    }

    pub async fn set_resident_lang(&self, no: ResidentNo, lang: Lang) -> Result<()> {
        sqlx::query("UPDATE residents SET locale = $1 WHERE no = $2")
            .bind(lang.code())
            .bind(no.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // ---- dialogues --------------------------------------------------------------------------

    pub async fn dialogue(&self, no: ResidentNo) -> Result<Option<StoredDialogue>> {
        sqlx::query("SELECT state, version FROM dialogues WHERE resident_no = $1")
            .bind(no.0)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| {
                Ok(StoredDialogue {
                    dialogue: from_json(&col::<String>(&r, "state")?)?,
                    version: col(&r, "version")?,
                })
            })
            .transpose()
    }

    /// Saves a resident's dialogue (`None` ends it) if it is still at version `read` (`None`:
    /// there was none), with the answers it causes and the update marked processed, in one
    /// transaction. `StoreError::Conflict` when it changed meanwhile. Returns the new version.
    pub async fn save_dialogue(
        &self,
        no: ResidentNo,
        read: Option<i64>,
        dialogue: Option<&Dialogue>,
        events: &[Event],
        out: &[Outgoing],
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let (_turn, mut tx) = self.begin().await?;
        mark_processing_done(&mut tx, now).await?;
        let version = write_dialogue(&mut tx, no, read, dialogue, now).await?;
        insert_events(&mut tx, events).await?;
        insert_outgoing(&mut tx, out, now).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Creates a resident's order from their dialogue at version `read`, ending the dialogue in
    /// the same transaction, so a second 确认 (or a redelivered one) finds no dialogue and makes
    /// no second order: `StoreError::Conflict` then.
    pub async fn create_resident_order(
        &self,
        no: ResidentNo,
        read: i64,
        new: NewOrder<'_>,
    ) -> Result<()> {
        let (_turn, mut tx) = self.begin().await?;
        write_dialogue(&mut tx, no, Some(read), None, new.order.created_at).await?;
        create_order_in(&mut tx, new).await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- orders of residents ----------------------------------------------------------------

    /// How many orders the resident reported since `since`.
    pub async fn resident_reports_since(
        &self,
        no: ResidentNo,
        since: DateTime<Utc>,
    ) -> Result<i64> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS n FROM orders WHERE resident_no = $1 AND created_at >= $2",
        )
        .bind(no.0)
        .bind(ms(since))
        .fetch_one(&self.pool)
        .await?;
        col(&r, "n")
    }

    /// The orders a resident reported or joined, newest first (at most `limit`).
    pub async fn resident_order_ids(&self, no: ResidentNo, limit: i64) -> Result<Vec<OrderId>> {
        sqlx::query(
            "SELECT id FROM orders WHERE resident_no = $1
             UNION SELECT order_id AS id FROM followers WHERE resident_no = $1
             ORDER BY id DESC LIMIT $2",
        )
        .bind(no.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| Ok(OrderId(col(r, "id")?)))
        .collect()
    }

    /// Orders of `unit` created since `since` that are not closed or cancelled, newest first:
    /// the candidates for "the same problem?".
    pub async fn open_orders_of_unit_since(
        &self,
        unit: &UnitId,
        since: DateTime<Utc>,
    ) -> Result<Vec<WhistleOrder>> {
        let ids: Vec<i64> = sqlx::query(
            "SELECT id FROM orders WHERE unit_id = $1 AND created_at >= $2
               AND state IN ('open', 'reported', 'resolved')
             ORDER BY id DESC LIMIT 50",
        )
        .bind(unit.as_str())
        .bind(ms(since))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| col(r, "id"))
        .collect::<Result<_>>()?;
        self.orders_by_ids(&ids).await
    }

    /// Adds a follower; false when they followed (or reported) it already.
    pub async fn add_follower(
        &self,
        order: OrderId,
        no: ResidentNo,
        events: &[Event],
        out: &[Outgoing],
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let (_turn, mut tx) = self.begin().await?;
        mark_processing_done(&mut tx, now).await?;
        let done = sqlx::query(
            "INSERT INTO followers (order_id, resident_no, joined_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(order.0)
        .bind(no.0)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM dialogues WHERE resident_no = $1")
            .bind(no.0)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 1 {
            insert_events(&mut tx, events).await?;
            insert_outgoing(&mut tx, out, now).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn followers(&self, order: OrderId) -> Result<Vec<ResidentNo>> {
        sqlx::query("SELECT resident_no FROM followers WHERE order_id = $1 ORDER BY joined_at")
            .bind(order.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok(ResidentNo(col(r, "resident_no")?)))
            .collect()
    }

    // ---- questions relayed to the resident ---------------------------------------------------

    /// Records that `asked_by` in `chat_id` asked the resident of `order` (with the messages).
    pub async fn add_question(
        &self,
        order: OrderId,
        chat_id: ChatId,
        asked_by: TelegramUserId,
        events: &[Event],
        out: &[Outgoing],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (_turn, mut tx) = self.begin().await?;
        insert_events(&mut tx, events).await?;
        sqlx::query(
            "INSERT INTO questions (order_id, chat_id, asked_by, asked_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(order.0)
        .bind(chat_id)
        .bind(asked_by.0)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        insert_outgoing(&mut tx, out, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The chat the latest question about `order` came from.
    pub async fn question_chat(&self, order: OrderId) -> Result<Option<ChatId>> {
        sqlx::query("SELECT chat_id FROM questions WHERE order_id = $1 ORDER BY id DESC LIMIT 1")
            .bind(order.0)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| col(&r, "chat_id"))
            .transpose()
    }

    // ---- blocks and forgetting --------------------------------------------------------------

    /// A keyed hash of a Telegram id: the key is made once per deployment and kept in
    /// `settings`, so the hash says nothing to someone who has the database without it… and
    /// a block outlives `/forget`.
    pub async fn id_hash(&self, user: TelegramUserId) -> Result<String> {
        let key = match sqlx::query("SELECT value FROM settings WHERE key = 'resident_key'")
            .fetch_optional(&self.pool)
            .await?
        {
            Some(r) => col::<String>(&r, "value")?,
            None => {
                let mut bytes = [0u8; 32];
                getrandom::getrandom(&mut bytes)
                    .map_err(|e| StoreError::Corrupt(format!("no randomness: {e}")))?;
                let key = hex::encode(bytes);
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ('resident_key', $1)
                     ON CONFLICT (key) DO NOTHING",
                )
                .bind(&key)
                .execute(&self.pool)
                .await?;
                // Another process may have won the race: read what is stored.
                let r = sqlx::query("SELECT value FROM settings WHERE key = 'resident_key'")
                    .fetch_one(&self.pool)
                    .await?;
                col::<String>(&r, "value")?
            }
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
            .map_err(|e| StoreError::Corrupt(format!("resident key: {e}")))?;
        mac.update(user.0.to_string().as_bytes());
        Ok(hex::encode(mac.finalize().into_bytes()))
    }

    pub async fn is_blocked(&self, user: TelegramUserId) -> Result<bool> {
        let hash = self.id_hash(user).await?;
        Ok(
            sqlx::query("SELECT 1 AS x FROM resident_blocks WHERE id_hash = $1")
                .bind(hash)
                .fetch_optional(&self.pool)
                .await?
                .is_some(),
        )
    }

    /// Blocks resident `no` (who must still be known); false when they were already blocked
    /// or are forgotten.
    pub async fn block_resident(
        &self,
        no: ResidentNo,
        by: TelegramUserId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let Some(user) = self.resident(no).await?.and_then(|r| r.telegram_id) else {
            return Ok(false);
        };
        let hash = self.id_hash(user).await?;
        let done = sqlx::query(
            "INSERT INTO resident_blocks (id_hash, resident_no, blocked_by, at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (id_hash) DO NOTHING",
        )
        .bind(hash)
        .bind(no.0)
        .bind(by.0)
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Lifts the blocks made under resident number `no`; false when there was none.
    pub async fn unblock_resident(&self, no: ResidentNo) -> Result<bool> {
        let done = sqlx::query("DELETE FROM resident_blocks WHERE resident_no = $1")
            .bind(no.0)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// `/forget`: the resident's Telegram id, chat and language are removed, their dialogue
    /// ended, and the stored updates from their private chat emptied; their orders and
    /// timelines stay, under their number. A block stays (it is keyed by a hash).
    pub async fn forget_resident(
        &self,
        no: ResidentNo,
        user: TelegramUserId,
        told: impl FnOnce(Forgotten) -> Vec<Outgoing>,
        now: DateTime<Utc>,
    ) -> Result<Forgotten> {
        let Some(r) = self.resident(no).await? else {
            return Ok(Forgotten::default());
        };
        let (_turn, mut tx) = self.begin().await?;
        mark_processing_done(&mut tx, now).await?;
        let orders = sqlx::query("SELECT COUNT(*) AS n FROM orders WHERE resident_no = $1")
            .bind(no.0)
            .fetch_one(&mut *tx)
            .await?;
        let mut updates = 0;
        if let (Some(user), Some(chat)) = (r.telegram_id, r.chat_id) {
            // The raw updates are JSON text: each one from this person or in their chat.
            for pattern in [
                format!("%\"from\":{{\"id\":{},%", user.0),
                format!("%\"chat\":{{\"id\":{},%", chat),
            ] {
                let done = sqlx::query(
                    "UPDATE updates SET payload = '{}' WHERE payload LIKE $1 AND payload <> '{}'",
                )
                .bind(pattern)
                .execute(&mut *tx)
                .await?;
                updates += done.rows_affected() as i64;
            }
        }
        sqlx::query(
            "UPDATE residents SET telegram_id = NULL, chat_id = NULL, locale = NULL,
                    forgotten_at = $1 WHERE no = $2",
        )
        .bind(ms(now))
        .bind(no.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM dialogues WHERE resident_no = $1")
            .bind(no.0)
            .execute(&mut *tx)
            .await?;
        // Their name, unless they are on the roster (then it is the organisation's to keep).
        sqlx::query(
            "DELETE FROM people WHERE telegram_id = $1
               AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.telegram_id = $1)
               AND NOT EXISTS (SELECT 1 FROM admins a WHERE a.telegram_id = $1)",
        )
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
        let gone = Forgotten {
            orders: col(&orders, "n")?,
            updates,
        };
        insert_outgoing(&mut tx, &told(gone), now).await?;
        tx.commit().await?;
        Ok(gone)
    }
}

/// Writes (or, with `None`, deletes) a dialogue guarded by its version; returns the new one.
async fn write_dialogue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    no: ResidentNo,
    read: Option<i64>,
    dialogue: Option<&Dialogue>,
    now: DateTime<Utc>,
) -> Result<i64> {
    // A new dialogue starts at the time in milliseconds, so a button of an earlier dialogue
    // of the same person never matches a later one's version.
    let next = read.map_or(ms(now), |v| v + 1);
    let done = match (read, dialogue) {
        (None, None) => return Ok(0),
        (None, Some(d)) => {
            sqlx::query(
                "INSERT INTO dialogues (resident_no, state, version, updated_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (resident_no) DO NOTHING",
            )
            .bind(no.0)
            .bind(json(d))
            .bind(next)
            .bind(ms(now))
            .execute(&mut **tx)
            .await?
        }
        (Some(v), Some(d)) => {
            sqlx::query(
                "UPDATE dialogues SET state = $1, version = $2, updated_at = $3
                 WHERE resident_no = $4 AND version = $5",
            )
            .bind(json(d))
            .bind(next)
            .bind(ms(now))
            .bind(no.0)
            .bind(v)
            .execute(&mut **tx)
            .await?
        }
        (Some(v), None) => {
            sqlx::query("DELETE FROM dialogues WHERE resident_no = $1 AND version = $2")
                .bind(no.0)
                .bind(v)
                .execute(&mut **tx)
                .await?
        }
    };
    if done.rows_affected() == 1 {
        Ok(next)
    } else {
        Err(StoreError::Conflict)
    }
}
