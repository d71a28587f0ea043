//! `[retention]`: what the bot keeps of what it read and sent, and for how long. The defaults
//! keep as little as the mechanism needs (a privacy default); the audit log (events) is the
//! record and is always kept.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::schema::{OrgError, OrgProblem, RawRetention};
use super::validate::{err, Lines};

/// How long a stored update's payload (the raw message) is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadRetention {
    /// Blanked once the update is processed: nothing reads it again (a resident's open
    /// dialogue keeps what it needs in its own state).
    Processed,
    /// Kept as long as the update's row.
    Kept,
}

/// Which done scheduler jobs are deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobRetention {
    /// Those of closed and cancelled orders (no job of theirs is ever armed again).
    Closed,
    /// None.
    Kept,
}

/// The `[retention]` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Retention {
    /// `update_payload`: "processed" (default) or "kept".
    pub update_payload: PayloadRetention,
    /// `update_ids_days`: a processed update's row (its id refuses a replay) is deleted after
    /// this many days (default 7; Telegram re-sends an update for at most a day).
    pub update_ids_days: u32,
    /// `sent_outbox_days`: sent and dropped outbox rows are deleted after this many days
    /// (default 30). Who owns a message and the buttons it shows are kept apart from them.
    pub sent_outbox_days: u32,
    /// `done_jobs`: "closed" (default) or "kept".
    pub done_jobs: JobRetention,
    /// `people_days`: a person learned from the chats who is on no roster, no admin, no resident
    /// with an open report and no actor of a kept event is forgotten after this many days
    /// (default 180).
    pub people_days: u32,
}

impl Retention {
    /// The range of `update_ids_days`: at least a day, so that Telegram's re-sends are refused.
    pub const UPDATE_IDS_DAYS: (i64, i64) = (1, 3650);
    /// The range of `sent_outbox_days`.
    pub const SENT_OUTBOX_DAYS: (i64, i64) = (1, 3650);
    /// The range of `people_days`.
    pub const PEOPLE_DAYS: (i64, i64) = (1, 36500);
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            update_payload: PayloadRetention::Processed,
            update_ids_days: 7,
            sent_outbox_days: 30,
            done_jobs: JobRetention::Closed,
            people_days: 180,
        }
    }
}

fn days(
    lines: &Lines,
    key: &'static str,
    v: &Option<Spanned<i64>>,
    (min, max): (i64, i64),
    to: &mut u32,
) -> Result<(), OrgError> {
    let Some(n) = v else { return Ok(()) };
    let value = *n.get_ref();
    match u32::try_from(value) {
        Ok(d) if (min..=max).contains(&value) => {
            *to = d;
            Ok(())
        }
        _ => err(
            lines.at(n),
            OrgProblem::RetentionLimit {
                key,
                value,
                min,
                max,
            },
        ),
    }
}

fn word<T: Copy>(
    lines: &Lines,
    key: &'static str,
    v: &Option<Spanned<String>>,
    words: &[(&str, T)],
    to: &mut T,
) -> Result<(), OrgError> {
    let Some(s) = v else { return Ok(()) };
    match words.iter().find(|(w, _)| *w == s.get_ref().trim()) {
        Some((_, t)) => {
            *to = *t;
            Ok(())
        }
        None => err(
            lines.at(s),
            OrgProblem::RetentionWord {
                key,
                value: s.get_ref().clone(),
                allowed: words
                    .iter()
                    .map(|(w, _)| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        ),
    }
}

/// The `[retention]` table with its defaults, each value checked with its line.
pub(super) fn retention(lines: &Lines, raw: Option<RawRetention>) -> Result<Retention, OrgError> {
    let mut r = Retention::default();
    let Some(raw) = raw else { return Ok(r) };
    word(
        lines,
        "update_payload",
        &raw.update_payload,
        &[
            ("processed", PayloadRetention::Processed),
            ("kept", PayloadRetention::Kept),
        ],
        &mut r.update_payload,
    )?;
    word(
        lines,
        "done_jobs",
        &raw.done_jobs,
        &[
            ("closed", JobRetention::Closed),
            ("kept", JobRetention::Kept),
        ],
        &mut r.done_jobs,
    )?;
    for (key, v, range, to) in [
        (
            "update_ids_days",
            &raw.update_ids_days,
            Retention::UPDATE_IDS_DAYS,
            &mut r.update_ids_days,
        ),
        (
            "sent_outbox_days",
            &raw.sent_outbox_days,
            Retention::SENT_OUTBOX_DAYS,
            &mut r.sent_outbox_days,
        ),
        (
            "people_days",
            &raw.people_days,
            Retention::PEOPLE_DAYS,
            &mut r.people_days,
        ),
    ] {
        days(lines, key, v, range, to)?;
    }
    Ok(r)
}
