//! The inbox's door: an update from Telegram (the poller's batch or the webhook's body) is
//! stored with the chat it belongs to before Telegram is told it arrived, then the processor is
//! woken. Both ways in go through here, so they store the same.

use teloxide::types::{Update, UpdateKind};

use crate::acts::Ctx;
use crate::domain::ChatId;

/// Which chat's queue an update joins, and for a group's move to a supergroup the other chat,
/// whose updates wait until the move is processed.
pub fn chat_of(update: &Update) -> (ChatId, Option<ChatId>) {
    match &update.kind {
        UpdateKind::Message(m)
        | UpdateKind::EditedMessage(m)
        | UpdateKind::ChannelPost(m)
        | UpdateKind::EditedChannelPost(m) => {
            let other = m
                .migrate_to_chat_id()
                .or(m.migrate_from_chat_id())
                .map(|c| ChatId(c.0));
            (ChatId(m.chat.id.0), other)
        }
        UpdateKind::CallbackQuery(q) => match &q.message {
            Some(m) => (ChatId(m.chat().id.0), None),
            None => (ChatId(q.from.id.0 as i64), None),
        },
        UpdateKind::MyChatMember(m) | UpdateKind::ChatMember(m) => (ChatId(m.chat.id.0), None),
        _ => match update.from() {
            Some(u) => (ChatId(u.id.0 as i64), None),
            None => (ChatId(0), None),
        },
    }
}

/// Stores `update` (refusing an update id seen before: returns false) and wakes the processor.
pub async fn accept(ctx: &Ctx, update: &Update) -> crate::storage::Result<bool> {
    let payload = serde_json::to_string(update).unwrap_or_default();
    let (chat, barrier) = chat_of(update);
    let fresh = ctx
        .store
        .record_update(update.id.0 as i64, chat, barrier, &payload, ctx.now())
        .await?;
    if fresh {
        crate::metrics::update_received(super::dispatch::kind_of(update));
    }
    ctx.inbox.notify_one();
    Ok(fresh)
}
