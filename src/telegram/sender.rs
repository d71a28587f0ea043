//! The sender: delivers the outbox to Telegram. Messages of one chat go out class by class
//! (`storage::Priority`), in order within a class; a 429 is waited out, network errors and 5xx are retried with backoff, a group's move to a supergroup
//! is followed, and permanent failures are recorded on the order's timeline instead of being
//! retried forever.

use crate::domain::{ChatId as DomainChatId, MessageId as DomainMessageId};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use teloxide::payloads::{
    CopyMessageSetters, EditMessageTextSetters, SendMediaGroupSetters, SendMessageSetters,
    SendPhotoSetters,
};
use teloxide::prelude::*;
use teloxide::types::{
    ButtonRequest, FileId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, InputMedia,
    InputMediaPhoto, KeyboardButton, KeyboardMarkup, KeyboardRemove, MessageId, ParseMode,
    ReplyMarkup, ReplyParameters,
};
use teloxide::{ApiError, RequestError};
use tokio::sync::{watch, Notify};

use crate::clock::Clock;
use crate::domain::{Event, EventKind, OrderId};
use crate::render;
use crate::storage::{
    album_size, must_pass, Button, Keyboard, OutboxRow, Payload, Priority, Slot, SlotLimits, Store,
};

/// How long a claimed message is ours before another sender may take it.
const LEASE_MS: i64 = 60_000;
/// How many chats are served per round.
const BATCH: i64 = 16;

/// Telegram's limits, as the sender keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// The least time between two messages (sends or edits) in one chat.
    pub chat_gap: Duration,
    /// At most this many messages a `minute` in one group (edits count). Hints (the last class)
    /// may take only three quarters of them: the rest stays free for cards, notices and answers.
    pub group_per_minute: usize,
    /// At most this many messages a `second` in all.
    pub global_per_second: usize,
    /// The length of the group window: a minute, shorter only to replay Telegram's pace faster.
    pub minute: Duration,
    /// The length of the global window: a second, likewise.
    pub second: Duration,
}

impl Pacing {
    /// About 1 message a second per chat, 20 a minute per group, 30 a second in all.
    pub const TELEGRAM: Pacing = Pacing {
        chat_gap: Duration::from_secs(1),
        group_per_minute: 20,
        global_per_second: 30,
        minute: Duration::from_secs(60),
        second: Duration::from_secs(1),
    };
    /// No pacing (tests that are not about it).
    pub const NONE: Pacing = Pacing {
        chat_gap: Duration::ZERO,
        group_per_minute: usize::MAX,
        global_per_second: usize::MAX,
        minute: Duration::from_secs(60),
        second: Duration::from_secs(1),
    };

    /// The same limits with every span `divisor` times shorter: Telegram's pace, replayed faster.
    pub fn faster(self, divisor: u32) -> Pacing {
        let d = divisor.max(1);
        Pacing {
            chat_gap: self.chat_gap / d,
            minute: self.minute / d,
            second: self.second / d,
            ..self
        }
    }

    /// How many messages of class `p` a group may take in one window.
    fn group_cap(&self, p: Priority) -> usize {
        match p {
            Priority::Hint => (self.group_per_minute - self.group_per_minute / 4).max(1),
            Priority::Notice | Priority::Answer => self.group_per_minute,
        }
    }
}

/// Remembers recent sends and says how long the next one to a chat must wait.
#[derive(Debug)]
pub struct Pacer {
    pacing: Pacing,
    chats: HashMap<i64, VecDeque<Instant>>,
    global: VecDeque<Instant>,
    /// Chats Telegram asked to wait (429 `retry_after`), until when: every message to them
    /// waits, not only the one refused (a higher class must not run into the same 429).
    held: HashMap<i64, Instant>,
}

impl Pacer {
    pub fn new(pacing: Pacing) -> Pacer {
        Pacer {
            pacing,
            chats: HashMap::new(),
            global: VecDeque::new(),
            held: HashMap::new(),
        }
    }

    /// Telegram asked for no message to `chat` before `until`.
    pub fn hold(&mut self, chat: i64, until: Instant) {
        let t = self.held.entry(chat).or_insert(until);
        *t = (*t).max(until);
    }

    /// How long a message of class `p` to `chat` must wait from `now` (zero: it may go now).
    pub fn wait(&mut self, chat: i64, p: Priority, now: Instant) -> Duration {
        self.wait_for(chat, p, 1, now)
    }

    /// How long `n` messages of class `p` to `chat` at once (an album of `n` photos) must wait
    /// from `now`: each counts against the group's minute and the global second. More than a
    /// whole window's worth wait for an empty window.
    pub fn wait_for(&mut self, chat: i64, p: Priority, n: usize, now: Instant) -> Duration {
        let n = n.max(1);
        let minute = self.pacing.minute;
        let second = self.pacing.second;
        while self
            .global
            .front()
            .is_some_and(|t| now.duration_since(*t) >= second)
        {
            self.global.pop_front();
        }
        let mut ready = now;
        self.held.retain(|_, until| *until > now);
        if let Some(until) = self.held.get(&chat) {
            ready = ready.max(*until);
        }
        if let Some(t) = must_pass(&self.global, n, self.pacing.global_per_second) {
            ready = ready.max(t + second);
        }
        if let Some(sent) = self.chats.get_mut(&chat) {
            while sent
                .front()
                .is_some_and(|t| now.duration_since(*t) >= minute)
            {
                sent.pop_front();
            }
            if let Some(last) = sent.back() {
                ready = ready.max(*last + self.pacing.chat_gap);
            }
            // Groups and supergroups have negative ids; private chats have no per-minute cap.
            let cap = self.pacing.group_cap(p);
            if chat < 0 {
                if let Some(t) = must_pass(sent, n, cap) {
                    ready = ready.max(t + minute);
                }
            }
        }
        ready.saturating_duration_since(now)
    }

    /// A message to `chat` goes at `now`.
    pub fn record(&mut self, chat: i64, now: Instant) {
        self.record_n(chat, 1, now);
    }

    /// `n` messages to `chat` (an album) go at `now`.
    pub fn record_n(&mut self, chat: i64, n: usize, now: Instant) {
        for _ in 0..n.max(1) {
            self.chats.entry(chat).or_default().push_back(now);
            self.global.push_back(now);
        }
    }
}

impl Pacer {
    /// The shared check (see `storage::pacing`): how long `k` messages of `row` must wait for
    /// every sender's recent sends, zero when the slot was taken. Skipped when unpaced.
    async fn shared_wait(
        &self,
        store: &Store,
        row: &OutboxRow,
        k: usize,
    ) -> crate::storage::Result<Duration> {
        let p = self.pacing;
        if p == Pacing::NONE {
            return Ok(Duration::ZERO);
        }
        let span = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        let limits = SlotLimits {
            chat_gap_ms: span(p.chat_gap),
            group_cap: p.group_cap(row.priority),
            minute_ms: span(p.minute),
            global_cap: p.global_per_second,
            second_ms: span(p.second),
        };
        Ok(
            match store
                .take_send_slot(row.chat_id, k, &limits, wall_now())
                .await?
            {
                Slot::Taken => Duration::ZERO,
                Slot::WaitMs(w) => Duration::from_millis(w.max(1) as u64),
            },
        )
    }
}

/// The `reply_markup` of a Send: its reply keyboard if it has one (Telegram takes one markup,
/// and the keyboard wins over inline buttons; see `storage::Keyboard`), else its inline buttons.
fn markup(buttons: &[Vec<Button>], keyboard: Option<&Keyboard>) -> Option<ReplyMarkup> {
    match keyboard {
        Some(Keyboard::RequestLocation { label, skip }) => {
            let mut rows = vec![vec![
                KeyboardButton::new(label.clone()).request(ButtonRequest::Location)
            ]];
            if let Some(skip) = skip {
                rows.push(vec![KeyboardButton::new(skip.clone())]);
            }
            Some(ReplyMarkup::Keyboard(
                KeyboardMarkup::new(rows)
                    .one_time_keyboard()
                    .resize_keyboard(),
            ))
        }
        Some(Keyboard::Remove) => Some(ReplyMarkup::KeyboardRemove(KeyboardRemove::new())),
        None => inline_keyboard(buttons).map(ReplyMarkup::InlineKeyboard),
    }
}

/// A caption as Telegram takes it: at most `CAPTION_LIMIT` visible UTF-16 units (clipped, as
/// the constructors already do), and none when empty.
fn caption_of(caption: Option<&String>) -> Option<String> {
    let caption = caption.filter(|c| !c.trim().is_empty())?;
    if render::visible_len(caption) <= render::CAPTION_LIMIT {
        Some(caption.clone())
    } else {
        Some(render::clip_html(caption, render::CAPTION_LIMIT))
    }
}

fn reply_parameters(reply: Option<DomainMessageId>) -> Option<ReplyParameters> {
    let mid = reply.and_then(|m| i32::try_from(m.0).ok())?;
    Some(ReplyParameters::new(MessageId(mid)).allow_sending_without_reply())
}

/// The message a new message replies to: the order's card in the chat when it replies to the
/// card (none if the card never went out: it stands alone), else `reply_to`.
async fn reply_target(
    store: &Store,
    row: &OutboxRow,
    reply_to_card: Option<OrderId>,
    reply_to: Option<DomainMessageId>,
) -> Result<Option<DomainMessageId>, Outcome> {
    let Some(order) = reply_to_card else {
        return Ok(reply_to);
    };
    store
        .card_message(order, row.chat_id)
        .await
        .map_err(|e| Outcome::Retry {
            after_ms: backoff_ms(row.attempts),
            error: e.to_string(),
        })
}

fn inline_keyboard(rows: &[Vec<Button>]) -> Option<InlineKeyboardMarkup> {
    if rows.is_empty() {
        return None;
    }
    Some(InlineKeyboardMarkup::new(rows.iter().map(|row| {
        row.iter()
            .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.data.clone()))
            .collect::<Vec<_>>()
    })))
}

/// What became of one delivery attempt.
enum Outcome {
    Sent(Option<i64>),
    /// Part went out (the first album of many photos); the row now holds the rest.
    Progress(Payload),
    Retry {
        after_ms: i64,
        error: String,
    },
    Failed(String),
    Migrated(i64),
}

fn backoff_ms(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 7) as u32;
    (500_i64 * 2_i64.pow(exp - 1)).min(60_000)
}

fn classify(e: RequestError, attempts: i64) -> Outcome {
    match e {
        RequestError::RetryAfter(s) => Outcome::Retry {
            after_ms: s.duration().as_millis() as i64,
            error: "429".into(),
        },
        RequestError::MigrateToChatId(new) => Outcome::Migrated(new.0),
        // The description never holds the token (see `describe`).
        e @ (RequestError::Network(_) | RequestError::Io(_)) => Outcome::Retry {
            after_ms: backoff_ms(attempts),
            error: super::describe(&e),
        },
        // An HTML error page from a proxy (502) reaches teloxide as invalid JSON.
        RequestError::InvalidJson { .. } => Outcome::Retry {
            after_ms: backoff_ms(attempts),
            error: "invalid json (5xx page)".into(),
        },
        RequestError::Api(ApiError::MessageNotModified) => Outcome::Sent(None),
        RequestError::Api(e) => Outcome::Failed(e.to_string()),
    }
}

async fn deliver(bot: &Bot, store: &Store, row: &OutboxRow) -> Outcome {
    let chat = ChatId(row.chat_id.0);
    match &row.payload {
        Payload::Send {
            html,
            buttons,
            reply_to_card,
            reply_to,
            keyboard,
            ..
        } => {
            let reply = match reply_target(store, row, *reply_to_card, *reply_to).await {
                Ok(r) => r,
                Err(outcome) => return outcome,
            };
            if keyboard.is_some() && !buttons.is_empty() {
                tracing::warn!(
                    outbox = row.id.0,
                    "a message with a reply keyboard and inline buttons: the buttons are left out"
                );
            }
            let mut req = bot
                .send_message(chat, html.clone())
                .parse_mode(ParseMode::Html);
            if let Some(m) = markup(buttons, keyboard.as_ref()) {
                req = req.reply_markup(m);
            }
            if let Some(r) = reply_parameters(reply) {
                req = req.reply_parameters(r);
            }
            match req.await {
                Ok(m) => Outcome::Sent(Some(m.id.0 as i64)),
                Err(e) => classify(e, row.attempts),
            }
        }
        Payload::Photos {
            photos,
            caption,
            reply_to_card,
            reply_to,
        } => {
            let reply = match reply_target(store, row, *reply_to_card, *reply_to).await {
                Ok(r) => r,
                Err(outcome) => return outcome,
            };
            let n = album_size(photos.len());
            let (now, rest) = photos.split_at(n);
            let caption = caption_of(caption.as_ref());
            let first = match now {
                [] => return Outcome::Failed("a photo message without photos".into()),
                [photo] => {
                    let file = InputFile::file_id(FileId(photo.clone()));
                    let mut req = bot.send_photo(chat, file);
                    if let Some(c) = caption {
                        req = req.caption(c).parse_mode(ParseMode::Html);
                    }
                    if let Some(r) = reply_parameters(reply) {
                        req = req.reply_parameters(r);
                    }
                    req.await.map(|m| m.id.0 as i64)
                }
                several => {
                    let media = several.iter().enumerate().map(|(i, photo)| {
                        let file = InputFile::file_id(FileId(photo.clone()));
                        let mut item = InputMediaPhoto::new(file);
                        if let (0, Some(c)) = (i, &caption) {
                            item = item.caption(c.clone()).parse_mode(ParseMode::Html);
                        }
                        InputMedia::Photo(item)
                    });
                    let mut req = bot.send_media_group(chat, media);
                    if let Some(r) = reply_parameters(reply) {
                        req = req.reply_parameters(r);
                    }
                    req.await.map(|ms| ms.first().map_or(0, |m| m.id.0 as i64))
                }
            };
            match first {
                Ok(_) if !rest.is_empty() => Outcome::Progress(Payload::Photos {
                    photos: rest.to_vec(),
                    caption: None,
                    reply_to_card: *reply_to_card,
                    reply_to: *reply_to,
                }),
                Ok(mid) => Outcome::Sent(Some(mid)),
                Err(e) => classify(e, row.attempts),
            }
        }
        Payload::Upload {
            caption,
            reply_to,
            png,
        } => {
            let reply = match reply_target(store, row, None, *reply_to).await {
                Ok(r) => r,
                Err(outcome) => return outcome,
            };
            if png.is_empty() {
                return Outcome::Failed("an upload without its bytes".into());
            }
            let file = InputFile::memory(png.clone()).file_name("stats.png");
            let mut req = bot.send_photo(chat, file);
            if let Some(c) = caption_of(caption.as_ref()) {
                req = req.caption(c).parse_mode(ParseMode::Html);
            }
            if let Some(r) = reply_parameters(reply) {
                req = req.reply_parameters(r);
            }
            match req.await {
                Ok(m) => Outcome::Sent(Some(m.id.0 as i64)),
                Err(e) => classify(e, row.attempts),
            }
        }
        Payload::Copy {
            from_chat,
            message_id,
            reply_to_card,
            reply_to,
        } => {
            let reply = match reply_target(store, row, *reply_to_card, *reply_to).await {
                Ok(r) => r,
                Err(outcome) => return outcome,
            };
            let Ok(source) = i32::try_from(message_id.0) else {
                return Outcome::Failed("message id out of range".into());
            };
            let mut req = bot.copy_message(chat, ChatId(from_chat.0), MessageId(source));
            if let Some(r) = reply_parameters(reply) {
                req = req.reply_parameters(r);
            }
            match req.await {
                Ok(m) => Outcome::Sent(Some(m.0 as i64)),
                Err(e) => classify(e, row.attempts),
            }
        }
        Payload::EditCard {
            order,
            html,
            buttons,
        } => {
            // Superseded and unchanged edits were dropped when claimed (before the pacer).
            let mid = match store.card_message(*order, row.chat_id).await {
                Ok(Some(m)) => m,
                Ok(None) => return Outcome::Failed("the card was never delivered".into()),
                Err(e) => {
                    return Outcome::Retry {
                        after_ms: backoff_ms(row.attempts),
                        error: e.to_string(),
                    }
                }
            };
            let Ok(mid) = i32::try_from(mid.0) else {
                return Outcome::Failed("message id out of range".into());
            };
            let mut req = bot
                .edit_message_text(chat, MessageId(mid), html.clone())
                .parse_mode(ParseMode::Html);
            if let Some(kb) = inline_keyboard(buttons) {
                req = req.reply_markup(kb);
            }
            match req.await {
                Ok(_) => Outcome::Sent(None),
                Err(e) => classify(e, row.attempts),
            }
        }
        Payload::ClearButtons { message_id, .. } => {
            let Ok(mid) = i32::try_from(message_id.0) else {
                return Outcome::Failed("message id out of range".into());
            };
            // Without reply_markup, Telegram removes the keyboard.
            match bot.edit_message_reply_markup(chat, MessageId(mid)).await {
                Ok(_) => Outcome::Sent(None),
                Err(e) => classify(e, row.attempts),
            }
        }
    }
}

fn order_of(row: &OutboxRow) -> Option<OrderId> {
    row.payload.order()
}

/// The time delivery waits are counted in (a retry's `not_before`, a chat's pace). Waiting is
/// real time even when the bot's clock is a test's manual one: a 429's `retry_after` passes in
/// the world, not on the clock that decides deadlines. What is shown or kept as a fact (a
/// delivery failure on the timeline) takes the bot's clock instead.
fn wall_now() -> chrono::DateTime<Utc> {
    Utc::now()
}

/// Deliveries in flight at once, across chats (one per chat at most: a chat's head is not
/// claimed while another of its messages is held).
const IN_FLIGHT: usize = 32;

/// A delivery that finished: its chat, and until when Telegram asked that chat to wait (429).
type Finished = (i64, Option<Instant>);

/// Claims what is due (up to `room` chats' heads), paces it, and starts each delivery as its own
/// task: a slow request to one chat never holds back another chat's next message. Returns how
/// many rows it claimed.
async fn start_round(
    bot: &Bot,
    store: &Store,
    clock: &Arc<dyn Clock>,
    pacer: &mut Pacer,
    room: usize,
    inflight: &mut tokio::task::JoinSet<Finished>,
) -> crate::storage::Result<usize> {
    let claimed = store
        .claim_outbox(wall_now(), LEASE_MS, (room as i64).min(BATCH))
        .await?;
    let n = claimed.len();
    let now = Instant::now();
    for row in claimed {
        // An album of k photos is k messages to Telegram's flood control.
        let k = row.payload.messages_next();
        let mut wait = pacer.wait_for(row.chat_id.0, row.priority, k, now);
        if wait.is_zero() {
            // Other senders on the database (replicas) count too: take the slot there.
            wait = pacer.shared_wait(store, &row, k).await?;
        }
        if !wait.is_zero() {
            // Not yet: back to the queue, due when the chat's pace allows.
            let due = wall_now() + chrono::Duration::milliseconds(wait.as_millis() as i64);
            store.outbox_defer(row.id, due).await?;
            continue;
        }
        pacer.record_n(row.chat_id.0, k, now);
        let (bot, store, clock) = (bot.clone(), store.clone(), clock.clone());
        inflight.spawn(async move {
            let outcome = deliver(&bot, &store, &row).await;
            let hold = match &outcome {
                Outcome::Retry { after_ms, error } if error == "429" => {
                    Some(Instant::now() + Duration::from_millis((*after_ms).max(0) as u64))
                }
                _ => None,
            };
            // One row's bookkeeping failing must not strand the others: a message Telegram
            // accepted but not marked sent would go out again when its lease ends.
            if let Err(e) = settle_row(&store, clock.as_ref(), &row, outcome).await {
                tracing::error!(outbox = row.id.0, error = %e, "delivery outcome not recorded");
            }
            (row.chat_id.0, hold)
        });
    }
    Ok(n)
}

/// Records what became of one delivery.
async fn settle_row(
    store: &Store,
    clock: &dyn Clock,
    row: &OutboxRow,
    outcome: Outcome,
) -> crate::storage::Result<()> {
    match outcome {
        Outcome::Sent(mid) => {
            crate::metrics::send("ok");
            store.outbox_sent(row, mid).await?
        }
        Outcome::Progress(rest) => {
            crate::metrics::send("ok");
            store.outbox_progress(row.id, &rest).await?
        }
        Outcome::Retry { after_ms, error } => {
            crate::metrics::send(if error == "429" { "429" } else { "retried" });
            tracing::warn!(outbox = row.id.0, chat = %super::chat_for_log(row.chat_id), attempts = row.attempts, %error, "delivery will be retried");
            store
                .outbox_retry(
                    row.id,
                    Some(wall_now() + chrono::Duration::milliseconds(after_ms)),
                    &error,
                )
                .await?;
        }
        Outcome::Migrated(new) => {
            crate::metrics::send("retried");
            tracing::info!(
                old = row.chat_id.0,
                new,
                "chat moved to a supergroup; resending there"
            );
            store.migrate_chat(row.chat_id, DomainChatId(new)).await?;
            store.outbox_retry(row.id, None, "migrated").await?;
        }
        Outcome::Failed(error) => {
            crate::metrics::send("failed");
            crate::metrics::delivery_failed(super::chat_for_log(row.chat_id));
            tracing::error!(outbox = row.id.0, chat = %super::chat_for_log(row.chat_id), %error, "message cannot be delivered");
            let event = order_of(row).map(|order| Event {
                order,
                at: clock.now(),
                actor: None,
                kind: EventKind::DeliveryFailed {
                    chat: row.chat_id,
                    reason: error.clone(),
                },
            });
            store.outbox_failed(row.id, &error, event.as_ref()).await?;
        }
    }
    Ok(())
}

/// Runs until `stop` turns true: delivers what is due, each delivery on its own, then sleeps
/// until the next due moment, a delivery finishing, or new work. On stop, the deliveries in
/// flight finish and are recorded.
pub async fn run(
    bot: Bot,
    store: Store,
    clock: Arc<dyn Clock>,
    wake: Arc<Notify>,
    pacing: Pacing,
    mut stop: watch::Receiver<bool>,
) {
    let mut pacer = Pacer::new(pacing);
    let mut inflight = tokio::task::JoinSet::new();
    loop {
        crate::metrics::heartbeat();
        while let Some(done) = inflight.try_join_next() {
            note_finished(&mut pacer, done);
        }
        if *stop.borrow() {
            break;
        }
        let room = IN_FLIGHT.saturating_sub(inflight.len());
        let claimed = if room == 0 {
            0
        } else {
            match start_round(&bot, &store, &clock, &mut pacer, room, &mut inflight).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = %e, "outbox round failed");
                    0
                }
            }
        };
        if claimed > 0 && inflight.len() < IN_FLIGHT {
            continue;
        }
        let sleep_ms = match store.next_outbox_due(wall_now()).await {
            Ok(Some(due)) => (due - wall_now()).num_milliseconds().clamp(0, 30_000),
            _ => 30_000,
        };
        tokio::select! {
            _ = wake.notified() => {}
            Some(done) = inflight.join_next(), if !inflight.is_empty() => note_finished(&mut pacer, done),
            _ = tokio::time::sleep(Duration::from_millis(sleep_ms as u64)) => {}
            _ = stop.changed() => {}
        }
    }
    while inflight.join_next().await.is_some() {}
}

/// A finished delivery's 429 holds every message of its chat.
fn note_finished(pacer: &mut Pacer, done: Result<Finished, tokio::task::JoinError>) {
    match done {
        Ok((chat, Some(until))) => pacer.hold(chat, until),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "a delivery task failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_pacer_keeps_a_gap_per_chat_a_cap_per_group_and_a_global_cap() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Pacing {
            chat_gap: ms(1000),
            group_per_minute: 3,
            global_per_second: 4,
            ..Pacing::TELEGRAM
        });
        let a = Priority::Answer;
        assert_eq!(p.wait(-1, a, t0), Duration::ZERO);
        p.record(-1, t0);
        assert_eq!(
            p.wait(-1, a, t0 + ms(300)),
            ms(700),
            "one message a second per chat"
        );
        assert_eq!(
            p.wait(-2, a, t0 + ms(300)),
            Duration::ZERO,
            "another chat is free"
        );
        p.record(-1, t0 + ms(1000));
        p.record(-1, t0 + ms(2000));
        // three in the last minute: the fourth waits until the first is a minute old
        assert_eq!(p.wait(-1, a, t0 + ms(3000)), ms(57_000));
        assert_eq!(p.wait(-1, a, t0 + ms(60_000)), Duration::ZERO);
        // private chats have no per-minute cap
        for i in 0..3 {
            p.record(7, t0 + ms(10_000 + i * 1000));
        }
        assert_eq!(p.wait(7, a, t0 + ms(13_000)), Duration::ZERO);
        // four in the last second in all: the fifth waits
        let t1 = t0 + ms(100_000);
        for c in 1..=4 {
            p.record(100 + c, t1);
        }
        assert_eq!(p.wait(200, a, t1 + ms(10)), ms(990));
        assert_eq!(
            Pacer::new(Pacing::NONE).wait(-1, Priority::Hint, t1),
            Duration::ZERO
        );
    }

    #[test]
    fn hints_leave_a_quarter_of_a_groups_minute_to_cards_notices_and_answers() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Pacing::TELEGRAM);
        for i in 0..15 {
            assert_eq!(
                p.wait(-1, Priority::Hint, t0 + ms(i * 1000)),
                Duration::ZERO
            );
            p.record(-1, t0 + ms(i * 1000));
        }
        let now = t0 + ms(15_000);
        assert_eq!(
            p.wait(-1, Priority::Hint, now),
            ms(45_000),
            "the sixteenth hint waits until the first is a minute old"
        );
        assert_eq!(p.wait(-1, Priority::Notice, now), Duration::ZERO);
        assert_eq!(p.wait(-1, Priority::Answer, now), Duration::ZERO);
    }

    #[test]
    fn a_429_holds_every_message_to_the_chat_not_only_the_one_refused() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Pacing::NONE);
        p.hold(-1, t0 + ms(3000));
        assert_eq!(p.wait(-1, Priority::Notice, t0 + ms(1000)), ms(2000));
        assert_eq!(p.wait(-2, Priority::Notice, t0 + ms(1000)), Duration::ZERO);
        assert_eq!(p.wait(-1, Priority::Hint, t0 + ms(3000)), Duration::ZERO);
    }

    #[test]
    fn faster_pacing_keeps_the_limits_and_shortens_the_spans() {
        let f = Pacing::TELEGRAM.faster(100);
        assert_eq!(f.chat_gap, ms(10));
        assert_eq!(f.minute, ms(600));
        assert_eq!(f.second, ms(10));
        assert_eq!(f.group_per_minute, 20);
        let t0 = Instant::now();
        let mut p = Pacer::new(f);
        for i in 0..20 {
            p.record(-1, t0 + ms(i * 10));
        }
        assert_eq!(p.wait(-1, Priority::Notice, t0 + ms(200)), ms(400));
    }

    #[test]
    fn an_album_of_k_photos_counts_k_against_a_groups_minute() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Pacing {
            chat_gap: Duration::ZERO,
            ..Pacing::TELEGRAM
        });
        for i in 0..17 {
            p.record(-1, t0 + ms(i * 100));
        }
        let now = t0 + ms(2000);
        assert_eq!(p.wait_for(-1, Priority::Notice, 3, now), Duration::ZERO);
        assert_eq!(
            p.wait_for(-1, Priority::Notice, 4, now),
            ms(58_000),
            "a fourth photo needs the first message to leave the minute"
        );
        p.record_n(-1, 3, now);
        assert_eq!(
            p.wait(-1, Priority::Notice, now),
            ms(58_000),
            "the album of 3 filled the group's 20"
        );
        // A private chat has no per-minute cap, albums or not.
        assert_eq!(p.wait_for(7, Priority::Answer, 10, now), Duration::ZERO);
        // More than a whole minute's worth waits for an empty window, then goes.
        let mut q = Pacer::new(Pacing {
            group_per_minute: 3,
            chat_gap: Duration::ZERO,
            ..Pacing::TELEGRAM
        });
        q.record(-1, t0);
        q.record(-1, t0 + ms(500));
        assert_eq!(
            q.wait_for(-1, Priority::Notice, 5, t0 + ms(1000)),
            ms(59_500)
        );
        assert_eq!(
            Pacer::new(Pacing::TELEGRAM).wait_for(-1, Priority::Notice, 25, t0),
            Duration::ZERO
        );
    }

    #[test]
    fn an_album_counts_against_the_global_second_too() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Pacing::TELEGRAM);
        p.record_n(-5, 28, t0);
        assert_eq!(p.wait_for(-6, Priority::Notice, 2, t0), Duration::ZERO);
        assert_eq!(p.wait_for(-6, Priority::Notice, 3, t0), ms(1000));
    }

    #[test]
    fn a_reply_keyboard_asks_for_the_location_once_and_wins_over_inline_buttons() {
        let buttons = vec![vec![Button {
            label: "确认".into(),
            data: "c:1".into(),
        }]];
        let ask = Keyboard::RequestLocation {
            label: "📍 发送位置".into(),
            skip: Some("跳过".into()),
        };
        let Some(ReplyMarkup::Keyboard(k)) = markup(&buttons, Some(&ask)) else {
            panic!("a reply keyboard")
        };
        assert!(k.one_time_keyboard);
        assert!(k.resize_keyboard);
        assert_eq!(k.keyboard.len(), 2);
        assert_eq!(k.keyboard[0][0].text, "📍 发送位置");
        assert_eq!(k.keyboard[0][0].request, Some(ButtonRequest::Location));
        assert_eq!(k.keyboard[1][0].text, "跳过");
        assert_eq!(k.keyboard[1][0].request, None);
        assert!(matches!(
            markup(&buttons, Some(&Keyboard::Remove)),
            Some(ReplyMarkup::KeyboardRemove(_))
        ));
        assert!(matches!(
            markup(&buttons, None),
            Some(ReplyMarkup::InlineKeyboard(_))
        ));
        assert_eq!(markup(&[], None), None);
    }

    #[test]
    fn a_long_caption_is_clipped_to_a_captions_length_and_an_empty_one_dropped() {
        let long = "井".repeat(3000);
        let c = caption_of(Some(&long)).expect("a caption");
        assert!(render::visible_len(&c) <= render::CAPTION_LIMIT);
        assert_eq!(caption_of(Some(&" ".to_string())), None);
        assert_eq!(caption_of(None), None);
    }
}
