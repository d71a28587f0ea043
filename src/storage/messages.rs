//! The messages the bot sent, kept after their outbox rows are pruned: whose each is (the order
//! its outbox row named), what kind it was, and the inline buttons a notice shows now. Written
//! in the same transaction as the delivery that learned the message id (`Store::outbox_sent`);
//! a button press, a reply to the bot and the clearing of stale buttons read it, never the
//! outbox's history.

use sqlx::Any;

use super::outbox::Payload;
use super::{col, from_json, json, Result, Store};
use crate::domain::{ChatId, MessageId, OrderId};
use crate::render::Button;

/// A message the bot sent, as `messages` keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMessage {
    /// The order it is about (a card, a notice or a reply about the order), if any.
    pub order: Option<OrderId>,
    /// The outbox kind it was sent as: `card`, `send`, `photos`, `copy`, `upload`.
    pub kind: String,
    /// The inline buttons it shows now (a notice's; none for a card, whose buttons are in
    /// `cards.shown`, nor once they were cleared).
    pub buttons: Vec<Vec<Button>>,
}

/// The inline buttons a delivered message shows, as kept: a notice's (not a card's), when it
/// has some and no reply keyboard took their place.
fn shown_buttons(payload: &Payload) -> Option<String> {
    match payload {
        Payload::Send {
            card: None,
            buttons,
            keyboard: None,
            ..
        } if !buttons.is_empty() => Some(json(buttons)),
        _ => None,
    }
}

/// Records what the delivery of `payload` to `chat` did to the kept messages: a new message
/// (`message_id`) is owned as its row says; a `ClearButtons` leaves its notice without buttons.
/// In the transaction that marks the outbox row sent.
pub(crate) async fn record_delivery(
    tx: &mut sqlx::Transaction<'_, Any>,
    chat: ChatId,
    payload: &Payload,
    message_id: Option<i64>,
) -> Result<()> {
    match (payload, message_id) {
        (Payload::ClearButtons { message_id, .. }, _) => {
            sqlx::query(
                "UPDATE messages SET buttons = NULL WHERE chat_id = $1 AND message_id = $2",
            )
            .bind(chat)
            .bind(*message_id)
            .execute(&mut **tx)
            .await?;
        }
        (Payload::EditCard { .. }, _) | (_, None) => {}
        (_, Some(mid)) => {
            // Two deliveries naming one message id: the later one is what the message is.
            sqlx::query(
                "INSERT INTO messages (chat_id, message_id, order_id, kind, buttons)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (chat_id, message_id) DO UPDATE SET order_id = excluded.order_id,
                     kind = excluded.kind, buttons = excluded.buttons",
            )
            .bind(chat)
            .bind(mid)
            .bind(payload.order().map(|o| o.0))
            .bind(payload.kind())
            .bind(shown_buttons(payload))
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// A group moved to a supergroup: its old messages can no longer be edited, so their buttons
/// are no longer cleared (they stay owned, under the old chat id), and clears still queued for
/// them are dropped rather than sent to the new chat, where those message ids mean nothing.
pub(crate) async fn follow_migration(
    tx: &mut sqlx::Transaction<'_, Any>,
    old: ChatId,
) -> Result<()> {
    sqlx::query("UPDATE messages SET buttons = NULL WHERE chat_id = $1 AND buttons IS NOT NULL")
        .bind(old)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE outbox SET status = 'dropped', error = 'migrated'
         WHERE chat_id = $1 AND status = 'pending' AND kind = 'clear_buttons'",
    )
    .bind(old)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// The notices about an order that still show buttons: (chat, message id, button data).
    /// Cards are not notices; a notice whose buttons were cleared, or whose clear is queued,
    /// is left out (a clear that failed leaves them shown, so it is queued again).
    pub async fn notices_with_buttons(
        &self,
        order: OrderId,
    ) -> Result<Vec<(ChatId, MessageId, Vec<String>)>> {
        let rows = sqlx::query(
            "SELECT chat_id, message_id, buttons FROM messages
             WHERE order_id = $1 AND buttons IS NOT NULL ORDER BY chat_id, message_id",
        )
        .bind(order.0)
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let queued = sqlx::query(
            "SELECT chat_id, payload FROM outbox
             WHERE order_id = $1 AND kind = 'clear_buttons' AND status = 'pending'",
        )
        .bind(order.0)
        .fetch_all(&self.pool)
        .await?;
        let mut clearing = Vec::new();
        for r in &queued {
            if let Payload::ClearButtons { message_id, .. } =
                from_json::<Payload>(&col::<String>(r, "payload")?)?
            {
                clearing.push((col::<ChatId>(r, "chat_id")?, message_id));
            }
        }
        let mut notices = Vec::new();
        for r in &rows {
            let chat: ChatId = col(r, "chat_id")?;
            let mid: MessageId = col(r, "message_id")?;
            if clearing.contains(&(chat, mid)) {
                continue;
            }
            let buttons: Vec<Vec<Button>> = from_json(&col::<String>(r, "buttons")?)?;
            let data = buttons.into_iter().flatten().map(|b| b.data).collect();
            notices.push((chat, mid, data));
        }
        Ok(notices)
    }

    /// Whether message `message_id` in `chat_id` is one the bot sent about `order` (its card or
    /// a notice replying to it): a button press must come from one of those.
    pub async fn is_message_of_order(
        &self,
        chat_id: ChatId,
        message_id: MessageId,
        order: OrderId,
    ) -> Result<bool> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS n FROM messages
             WHERE chat_id = $1 AND message_id = $2 AND order_id = $3",
        )
        .bind(chat_id)
        .bind(message_id)
        .bind(order.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(col::<i64>(&r, "n")? > 0)
    }

    /// The bot's message `message_id` in `chat_id`, if it sent one: a reply to it is about the
    /// order it names, or the order its buttons name.
    pub async fn sent_message(
        &self,
        chat_id: ChatId,
        message_id: MessageId,
    ) -> Result<Option<SentMessage>> {
        let Some(r) = sqlx::query(
            "SELECT order_id, kind, buttons FROM messages WHERE chat_id = $1 AND message_id = $2",
        )
        .bind(chat_id)
        .bind(message_id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let buttons = match col::<Option<String>>(&r, "buttons")? {
            Some(b) => from_json(&b)?,
            None => Vec::new(),
        };
        Ok(Some(SentMessage {
            order: col::<Option<i64>>(&r, "order_id")?.map(OrderId),
            kind: col(&r, "kind")?,
            buttons,
        }))
    }
}
