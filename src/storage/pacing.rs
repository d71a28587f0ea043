//! Shared pacing: several senders (replicas on one PostgreSQL database, or a second process on
//! one SQLite file) keep Telegram's limits together. Each message a sender may post is a row in
//! `send_slots` (chat, time); a sender checks the chat's gap and per-minute cap and the global
//! per-second cap against those rows and takes its slot in the same transaction. The check and
//! the take are serialized across processes (an advisory transaction lock on PostgreSQL,
//! `BEGIN IMMEDIATE` on SQLite), so two senders can never both take the last slot of a window.
//!
//! Times are the senders' wall clocks in unix milliseconds: replicas on several machines need
//! their clocks kept in step (NTP), as they do for chat leases.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use super::{col, ms, Backend, Result, Store};
use crate::domain::ChatId;

/// Telegram's limits as the shared check applies them to one message class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotLimits {
    /// The least time between two messages in one chat, in ms.
    pub chat_gap_ms: i64,
    /// At most this many messages in `minute_ms` in one group (negative chat id); private
    /// chats have no such cap.
    pub group_cap: usize,
    pub minute_ms: i64,
    /// At most this many messages in `second_ms` in all.
    pub global_cap: usize,
    pub second_ms: i64,
}

/// What the shared check decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The messages are counted as sent now: post them.
    Taken,
    /// Not before this many milliseconds from now.
    WaitMs(i64),
}

/// Of the sends in a window (oldest first), the one whose leaving the window makes room for
/// `n` more under `cap`; None if there is room. When `n` exceeds the cap, the window must empty.
/// (The in-memory `Pacer` of one sender and the shared check use this one rule.)
pub fn must_pass<T: Copy>(window: &VecDeque<T>, n: usize, cap: usize) -> Option<T> {
    let over = (window.len() + n).checked_sub(cap)?;
    if over == 0 {
        return None;
    }
    let idx = (over - 1).min(window.len().checked_sub(1)?);
    window.get(idx).copied()
}

/// An advisory lock key of the two-integer kind, a key space apart from the per-chat locks
/// (single bigint keys) that order the outbox.
const PACING_LOCK: &str = "SELECT 1 AS locked FROM pg_advisory_xact_lock(1735, 1)";

impl Store {
    /// Checks whether `n` messages to `chat` may go at `now` under `limits` given every
    /// sender's recent sends, and if so counts them as sent in the same transaction.
    pub async fn take_send_slot(
        &self,
        chat: ChatId,
        n: usize,
        limits: &SlotLimits,
        now: DateTime<Utc>,
    ) -> Result<Slot> {
        let n = n.max(1);
        let now = ms(now);
        let (_turn, mut tx) = self.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query(PACING_LOCK).execute(&mut *tx).await?;
        }
        let times = |rows: Vec<sqlx::any::AnyRow>| -> Result<VecDeque<i64>> {
            rows.iter().map(|r| col::<i64>(r, "at_ms")).collect()
        };
        let global = times(
            sqlx::query("SELECT at_ms FROM send_slots WHERE at_ms > $1 ORDER BY at_ms")
                .bind(now - limits.second_ms)
                .fetch_all(&mut *tx)
                .await?,
        )?;
        let chat_window = limits.minute_ms.max(limits.chat_gap_ms);
        let recent = times(
            sqlx::query(
                "SELECT at_ms FROM send_slots WHERE chat_id = $1 AND at_ms > $2 ORDER BY at_ms",
            )
            .bind(chat)
            .bind(now - chat_window)
            .fetch_all(&mut *tx)
            .await?,
        )?;
        let mut ready = now;
        if let Some(last) = recent.back() {
            ready = ready.max(last + limits.chat_gap_ms);
        }
        if chat.0 < 0 {
            let in_minute: VecDeque<i64> = recent
                .iter()
                .copied()
                .filter(|t| *t > now - limits.minute_ms)
                .collect();
            if let Some(t) = must_pass(&in_minute, n, limits.group_cap) {
                ready = ready.max(t + limits.minute_ms);
            }
        }
        if let Some(t) = must_pass(&global, n, limits.global_cap) {
            ready = ready.max(t + limits.second_ms);
        }
        if ready > now {
            tx.rollback().await?;
            return Ok(Slot::WaitMs(ready - now));
        }
        for _ in 0..n {
            sqlx::query("INSERT INTO send_slots (chat_id, at_ms) VALUES ($1, $2)")
                .bind(chat)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        // What no window can count any more goes.
        sqlx::query("DELETE FROM send_slots WHERE at_ms <= $1")
            .bind(now - chat_window.max(limits.second_ms))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Slot::Taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_send_that_must_leave_the_window_is_the_one_that_makes_room() {
        let w: VecDeque<i64> = [10, 20, 30].into_iter().collect();
        assert_eq!(must_pass(&w, 1, 4), None, "room for one more");
        assert_eq!(must_pass(&w, 1, 3), Some(10), "the oldest must leave");
        assert_eq!(must_pass(&w, 2, 3), Some(20), "two must leave for two more");
        assert_eq!(
            must_pass(&w, 9, 3),
            Some(30),
            "more than a window: it must empty"
        );
        assert_eq!(must_pass(&VecDeque::<i64>::new(), 5, 3), None);
    }
}
