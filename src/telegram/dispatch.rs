//! Processes stored updates: chats side by side, each chat's updates strictly in order.
//!
//! A chat with updates waiting is claimed in the database (`chat_leases`), so that one process
//! at a time works it, whether one bot runs or several replicas share one PostgreSQL database;
//! the lease is renewed while the chat is worked and runs out when its process dies, and then
//! another takes the chat over. Up to `workers` chats are worked at once. Each update is marked
//! processed in the transaction that writes what it caused (`storage::processing`), so an update
//! replayed after a crash or a takeover cannot act twice.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use teloxide::types::Update;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use super::{handle, Telegram};
use crate::acts::Ctx;
use crate::domain::ChatId;

/// How long a claimed chat is ours without renewal. Leases are kept in wall time (they are
/// about processes being alive, not about the organisation's clock).
const LEASE: Duration = Duration::from_secs(30);
/// How often a worked chat's lease is renewed.
const RENEW: Duration = Duration::from_secs(10);
/// How often waiting chats are looked for without being woken (a dead replica's chats).
const LOOK_AGAIN: Duration = Duration::from_secs(5);

/// This process's name in `chat_leases`: `GRIDWHISTLE_INSTANCE`, else the host's name, so that a
/// restarted bot takes its own leases back at once instead of waiting for them to run out.
/// Replicas on one machine must each be given an instance name.
pub fn instance_name() -> String {
    std::env::var("GRIDWHISTLE_INSTANCE")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "gridwhistle".to_string())
}

fn lease_until() -> chrono::DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(LEASE).unwrap_or_else(|_| chrono::Duration::zero())
}

/// Runs until `stop`: claims waiting chats, works up to `workers` of them at once, and on stop
/// lets the updates in flight finish (each worker stops between updates).
pub async fn run(
    tg: Telegram,
    ctx: Ctx,
    holder: String,
    workers: usize,
    mut stop: watch::Receiver<bool>,
) {
    let workers = workers.max(1);
    let slots = Arc::new(Semaphore::new(workers));
    let busy: Arc<Mutex<HashSet<ChatId>>> = Arc::default();
    let mut running = JoinSet::new();
    loop {
        crate::metrics::heartbeat();
        if *stop.borrow() {
            break;
        }
        let free = slots.available_permits();
        let working: Vec<ChatId> = busy
            .lock()
            .map(|b| b.iter().copied().collect())
            .unwrap_or_default();
        match ctx
            .store
            .claim_chats(&holder, Utc::now(), lease_until(), free, &working)
            .await
        {
            Ok(claimed) => {
                for c in claimed {
                    if c.takeover {
                        tracing::warn!(chat = %super::chat_for_log(c.chat), "chat taken over from a holder whose lease ran out");
                        crate::metrics::chat_lease_takeover();
                    }
                    let Ok(permit) = slots.clone().try_acquire_owned() else {
                        // Cannot happen (we claimed at most `free`); give it back for later.
                        let _ = ctx.store.release_chat(c.chat, &holder).await;
                        continue;
                    };
                    if let Ok(mut b) = busy.lock() {
                        b.insert(c.chat);
                    }
                    let (tg, ctx, holder, busy, stop) = (
                        tg.clone(),
                        ctx.clone(),
                        holder.clone(),
                        busy.clone(),
                        stop.clone(),
                    );
                    running.spawn(async move {
                        work(&tg, &ctx, c.chat, &holder, &stop).await;
                        if let Err(e) = ctx.store.release_chat(c.chat, &holder).await {
                            tracing::warn!(error = %e, "chat lease not released; it runs out");
                        }
                        if let Ok(mut b) = busy.lock() {
                            b.remove(&c.chat);
                        }
                        drop(permit);
                        // Something may have arrived for this chat after its last look.
                        ctx.inbox.notify_one();
                    });
                }
            }
            Err(e) => tracing::error!(error = %e, "could not claim chats"),
        }
        tokio::select! {
            _ = ctx.inbox.notified() => {}
            Some(_) = running.join_next(), if !running.is_empty() => {}
            _ = tokio::time::sleep(LOOK_AGAIN) => {}
            _ = stop.changed() => {}
        }
    }
    // Stopping: the acts in flight finish; no new update is taken.
    while running.join_next().await.is_some() {}
}

/// Works `chat` until it has nothing waiting, the lease is lost, or `stop`.
async fn work(tg: &Telegram, ctx: &Ctx, chat: ChatId, holder: &str, stop: &watch::Receiver<bool>) {
    let mut renewed = Instant::now();
    loop {
        if *stop.borrow() {
            return;
        }
        if renewed.elapsed() >= RENEW {
            match ctx.store.renew_chat(chat, holder, lease_until()).await {
                Ok(true) => renewed = Instant::now(),
                Ok(false) => {
                    tracing::warn!(chat = %super::chat_for_log(chat), "chat lease lost; another process has it");
                    return;
                }
                Err(e) => {
                    tracing::error!(error = %e, "chat lease not renewed");
                    return;
                }
            }
        }
        let next = match ctx.store.next_update_of(chat).await {
            Ok(Some(next)) => next,
            Ok(None) => return,
            Err(e) => {
                tracing::error!(error = %e, "stored updates not read");
                return;
            }
        };
        process(tg, ctx, next).await;
    }
}

/// Processes one stored update and marks it processed (also when it cannot be read: it is
/// skipped, not retried forever).
async fn process(tg: &Telegram, ctx: &Ctx, (id, payload): (i64, String)) {
    let started = Instant::now();
    let kind = match serde_json::from_str::<Update>(&payload) {
        Ok(u) => {
            crate::storage::processing(id, handle(tg, ctx, &u)).await;
            kind_of(&u)
        }
        Err(e) => {
            tracing::error!(update = id, error = %e, "stored update unreadable; skipped");
            "unreadable"
        }
    };
    if let Err(e) = ctx.store.mark_update_processed(id, ctx.now()).await {
        tracing::error!(update = id, error = %e, "update not marked processed");
    }
    crate::metrics::update_processed(kind, started.elapsed());
}

/// The kind of an update, as metrics label it.
pub fn kind_of(u: &Update) -> &'static str {
    use teloxide::types::UpdateKind;
    match &u.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::MyChatMember(_) => "my_chat_member",
        UpdateKind::ChatMember(_) => "chat_member",
        _ => "other",
    }
}
