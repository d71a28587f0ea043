//! The inbox's chat queues: which chats have updates waiting, who processes each chat now (a
//! lease row, renewed while working and taken over when it runs out), and each chat's next
//! update in order. Several processes on one PostgreSQL database share the work through these
//! rows; one process uses them the same way.

use chrono::{DateTime, Utc};

use super::{col, ms, Result, Store};
use crate::domain::ChatId;

/// A chat claimed for processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claimed {
    pub chat: ChatId,
    /// The lease was another holder's and had run out (a process died or stalled).
    pub takeover: bool,
}

impl Store {
    /// Claims up to `limit` chats that have updates waiting, are not leased (or their lease ran
    /// out) and wait for no earlier move to a supergroup, oldest waiting update first; skips the
    /// chats in `busy` (those this process is already working). A chat is ours until `until`.
    pub async fn claim_chats(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
        busy: &[ChatId],
    ) -> Result<Vec<Claimed>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT f.chat_id, l.holder
             FROM (SELECT chat_id, MIN(update_id) AS first FROM updates
                   WHERE processed_at IS NULL GROUP BY chat_id) f
             LEFT JOIN chat_leases l ON l.chat_id = f.chat_id
             WHERE (l.chat_id IS NULL OR l.until_ms < $1 OR l.holder = $2)
               AND NOT EXISTS (SELECT 1 FROM updates b
                               WHERE b.processed_at IS NULL AND b.barrier = f.chat_id
                                 AND b.update_id < f.first)
             ORDER BY f.first
             LIMIT $3",
        )
        .bind(ms(now))
        .bind(holder)
        .bind((limit + busy.len()) as i64)
        .fetch_all(&self.pool)
        .await?;
        let mut candidates: Vec<(ChatId, Option<String>)> = Vec::new();
        for r in &rows {
            let chat: ChatId = col(r, "chat_id")?;
            if !busy.contains(&chat) && candidates.len() < limit {
                candidates.push((chat, col(r, "holder")?));
            }
        }
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        // One statement for all of them: a chat is won when its lease row was inserted or
        // taken (free, run out, or already ours); another holder's live lease is left alone.
        let marks: Vec<String> = (0..candidates.len())
            .map(|i| format!("(${}, $1, $2)", i + 4))
            .collect();
        let sql = format!(
            "INSERT INTO chat_leases (chat_id, holder, until_ms) VALUES {}
             ON CONFLICT (chat_id) DO UPDATE SET holder = excluded.holder,
                 until_ms = excluded.until_ms
             WHERE chat_leases.until_ms < $3 OR chat_leases.holder = excluded.holder
             RETURNING chat_id",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(holder).bind(ms(until)).bind(ms(now));
        for (chat, _) in &candidates {
            q = q.bind(*chat);
        }
        let won = q
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| col::<ChatId>(r, "chat_id"))
            .collect::<Result<std::collections::HashSet<_>>>()?;
        Ok(candidates
            .into_iter()
            .filter(|(chat, _)| won.contains(chat))
            .map(|(chat, before)| Claimed {
                chat,
                takeover: before.is_some_and(|h| h != holder),
            })
            .collect())
    }

    /// Keeps `chat` ours until `until`; false when the lease was lost (it ran out and another
    /// holder took the chat).
    pub async fn renew_chat(
        &self,
        chat: ChatId,
        holder: &str,
        until: DateTime<Utc>,
    ) -> Result<bool> {
        let done =
            sqlx::query("UPDATE chat_leases SET until_ms = $3 WHERE chat_id = $1 AND holder = $2")
                .bind(chat)
                .bind(holder)
                .bind(ms(until))
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives `chat` up (only if it is still ours).
    pub async fn release_chat(&self, chat: ChatId, holder: &str) -> Result<()> {
        sqlx::query("DELETE FROM chat_leases WHERE chat_id = $1 AND holder = $2")
            .bind(chat)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The oldest unprocessed update of `chat`, unless it must wait for an earlier move to a
    /// supergroup in another chat.
    pub async fn next_update_of(&self, chat: ChatId) -> Result<Option<(i64, String)>> {
        let row = sqlx::query(
            "SELECT u.update_id, u.payload FROM updates u
             WHERE u.chat_id = $1 AND u.processed_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM updates b
                               WHERE b.processed_at IS NULL AND b.barrier = u.chat_id
                                 AND b.update_id < u.update_id)
             ORDER BY u.update_id
             LIMIT 1",
        )
        .bind(chat)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((col(&r, "update_id")?, col(&r, "payload")?)))
            .transpose()
    }

    /// Whether a later update of `chat` than `update_id` was processed already: Telegram does
    /// not promise order across webhook connections, and such an update is counted.
    pub async fn arrived_late(&self, chat: ChatId, update_id: i64) -> Result<bool> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM updates
             WHERE chat_id = $1 AND update_id > $2 AND processed_at IS NOT NULL LIMIT 1) x",
        )
        .bind(chat)
        .bind(update_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(col::<i64>(&row, "n")? > 0)
    }
}
