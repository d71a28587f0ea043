//! People: who a person is (learned from the updates they send), their roles, and whether
//! they have a private chat with the bot.

use super::org::org_changed;
use super::{col, Result, Store};
use crate::domain::org::{Membership, Person};
use crate::domain::TelegramUserId;

impl Store {
    /// Remembers who a person is (from any update), keeping roster names the file gave.
    pub async fn learn_person(
        &self,
        id: TelegramUserId,
        name: &str,
        username: Option<&str>,
    ) -> Result<()> {
        // Most messages come from people already known as they are: one read, no write.
        let known = sqlx::query("SELECT username FROM people WHERE telegram_id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        if let Some(r) = known {
            if col::<Option<String>>(&r, "username")?.as_deref() == username {
                return Ok(());
            }
        }
        let (_turn, mut tx) = self.begin().await?;
        sqlx::query(
            "INSERT INTO people (telegram_id, name, username) VALUES ($1, $2, $3)
             ON CONFLICT (telegram_id) DO UPDATE SET username = $3",
        )
        .bind(id.0)
        .bind(name)
        .bind(username.map(str::to_string))
        .execute(&mut *tx)
        .await?;
        if let Some(u) = username {
            // A username belongs to one person at a time.
            sqlx::query("UPDATE people SET username = NULL WHERE lower(username) = lower($1) AND telegram_id <> $2")
                .bind(u)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        org_changed(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn person(&self, id: TelegramUserId) -> Result<Option<Person>> {
        let row =
            sqlx::query("SELECT telegram_id, name, username FROM people WHERE telegram_id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| person_of(&r)).transpose()
    }

    pub async fn person_by_username(&self, username: &str) -> Result<Option<Person>> {
        let row = sqlx::query(
            "SELECT telegram_id, name, username FROM people WHERE lower(username) = lower($1)",
        )
        .bind(username.trim_start_matches('@'))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| person_of(&r)).transpose()
    }

    /// Gives a person a role in a unit or department. False when they held it already.
    pub async fn assign(&self, m: &Membership) -> Result<bool> {
        let (kind, id) = m.scope.parts();
        let (_turn, mut tx) = self.begin().await?;
        let done = sqlx::query(
            "INSERT INTO memberships (telegram_id, scope_kind, scope_id, role) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(m.telegram_id.0)
        .bind(kind)
        .bind(id)
        .bind(m.role.as_str())
        .execute(&mut *tx)
        .await?;
        org_changed(&mut tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes a role away. False when they did not hold it.
    pub async fn unassign(&self, m: &Membership) -> Result<bool> {
        let (kind, id) = m.scope.parts();
        let (_turn, mut tx) = self.begin().await?;
        let done = sqlx::query(
            "DELETE FROM memberships WHERE telegram_id = $1 AND scope_kind = $2 AND scope_id = $3 AND role = $4",
        )
        .bind(m.telegram_id.0)
        .bind(kind)
        .bind(id)
        .bind(m.role.as_str())
        .execute(&mut *tx)
        .await?;
        org_changed(&mut tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// The person has started a private chat with the bot: it may write to them.
    pub async fn set_private_chat(&self, id: TelegramUserId) -> Result<()> {
        sqlx::query("UPDATE people SET private_chat = 1 WHERE telegram_id = $1")
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether the person has started a private chat with the bot.
    pub async fn has_private_chat(&self, id: TelegramUserId) -> Result<bool> {
        let r = sqlx::query("SELECT private_chat FROM people WHERE telegram_id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match r {
            Some(r) => col::<i64>(&r, "private_chat")? != 0,
            None => false,
        })
    }

    /// Everyone's names and usernames, for rendering mentions.
    pub async fn people(&self) -> Result<Vec<Person>> {
        sqlx::query("SELECT telegram_id, name, username FROM people ORDER BY telegram_id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(person_of)
            .collect()
    }
}

fn person_of(r: &sqlx::any::AnyRow) -> Result<Person> {
    Ok(Person {
        telegram_id: TelegramUserId(col(r, "telegram_id")?),
        name: col(r, "name")?,
        username: col(r, "username")?,
    })
}
