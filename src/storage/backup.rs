//! A consistent copy of a running SQLite database (`VACUUM INTO`: one read transaction, so the
//! copy is the database as of one moment while the bot goes on writing).

use super::{Backend, Result, Store, StoreError};

impl Store {
    /// Copies the SQLite database to `path`, which must not exist (SQLite refuses to overwrite
    /// a file that is not empty). PostgreSQL has `pg_dump` for this: `UnsupportedUrl` there.
    pub async fn backup_into(&self, path: &str) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::UnsupportedUrl);
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
