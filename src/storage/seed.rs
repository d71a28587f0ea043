//! Reading back what the demo needs after seeding its history: the chart image a chat was sent.

use crate::domain::ChatId;

use super::{col, Result, Store};

impl Store {
    /// The PNG of the last upload (a statistics chart) queued for `chat`, sent or not.
    pub async fn last_upload(&self, chat: ChatId) -> Result<Option<Vec<u8>>> {
        let row = sqlx::query(
            "SELECT upload FROM outbox WHERE chat_id = $1 AND upload IS NOT NULL
             ORDER BY id DESC LIMIT 1",
        )
        .bind(chat.0)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(col::<Option<Vec<u8>>>(&r, "upload")?),
            None => Ok(None),
        }
    }
}
