//! The organisation, roster, chat bindings and people: import from the file, chat-made changes
//! (`/bind`, `/assign`), and loading it all back as a domain `Organisation`.

use crate::domain::ChatId;
use std::collections::BTreeSet;

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row};

use super::{col, from_json, json, Result, Store};
use crate::domain::geo::Boundary;
use crate::domain::org::{Alliance, Department, Membership, Organisation, Person, Unit};
use crate::domain::policy::Level;
use crate::domain::{AllianceId, DepartmentId, Lang, RoleId, Scope, TelegramUserId, UnitId};

/// A value of a column, for the generic upsert below.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
}

fn bind<'q>(q: Query<'q, Any, AnyArguments<'q>>, v: &V) -> Query<'q, Any, AnyArguments<'q>> {
    match v.clone() {
        V::Text(s) => q.bind(s),
        V::OptText(s) => q.bind(s),
        V::Int(i) => q.bind(i),
        V::OptInt(i) => q.bind(i),
    }
}

fn read(row: &sqlx::any::AnyRow, name: &str, like: &V) -> Result<V> {
    Ok(match like {
        V::Text(_) => V::Text(col(row, name)?),
        V::OptText(_) => V::OptText(col(row, name)?),
        V::Int(_) => V::Int(col(row, name)?),
        V::OptInt(_) => V::OptInt(col(row, name)?),
    })
}

/// What an import did, per kind of row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: Vec<String>,
}

impl ImportReport {
    pub fn changed(&self) -> bool {
        self.created + self.updated + self.removed.len() > 0
    }
}

/// A group chat's binding and language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatBinding {
    pub chat_id: ChatId,
    pub scope: Option<Scope>,
    pub locale: Option<Lang>,
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// Inserts the row, updates it when its data differs, or leaves it: never a duplicate.
async fn upsert(
    tx: &mut sqlx::Transaction<'_, Any>,
    table: &str,
    keys: &[(&str, V)],
    data: &[(&str, V)],
) -> Result<Outcome> {
    let wher: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, (k, _))| format!("{k} = ${}", i + 1))
        .collect();
    let wher = wher.join(" AND ");
    let select_cols = if data.is_empty() {
        "1 AS present".to_string()
    } else {
        data.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
    };
    let sql = format!("SELECT {select_cols} FROM {table} WHERE {wher}");
    let mut q = sqlx::query(&sql);
    for (_, v) in keys {
        q = bind(q, v);
    }
    let existing = q.fetch_optional(&mut **tx).await?;
    match existing {
        Some(row) => {
            let mut same = true;
            for (c, v) in data {
                if &read(&row, c, v)? != v {
                    same = false;
                }
            }
            if same {
                return Ok(Outcome::Unchanged);
            }
            let sets: Vec<String> = data
                .iter()
                .enumerate()
                .map(|(i, (c, _))| format!("{c} = ${}", keys.len() + i + 1))
                .collect();
            let sql = format!("UPDATE {table} SET {} WHERE {wher}", sets.join(", "));
            let mut q = sqlx::query(&sql);
            for (_, v) in keys.iter().chain(data) {
                q = bind(q, v);
            }
            q.execute(&mut **tx).await?;
            Ok(Outcome::Updated)
        }
        None => {
            let cols: Vec<&str> = keys.iter().chain(data).map(|(c, _)| *c).collect();
            let params: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                cols.join(", "),
                params.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (_, v) in keys.iter().chain(data) {
                q = bind(q, v);
            }
            q.execute(&mut **tx).await?;
            Ok(Outcome::Created)
        }
    }
}

fn t(s: impl Into<String>) -> V {
    V::Text(s.into())
}

impl ImportReport {
    fn count(&mut self, o: Outcome) {
        match o {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
}

/// The rows an organisation consists of, as (table, key columns, data columns).
type Rows = Vec<(&'static str, Vec<(&'static str, V)>, Vec<(&'static str, V)>)>;

fn rows_of(org: &Organisation) -> Rows {
    let mut rows: Rows = Vec::new();
    let settings = [
        ("timezone", json(&org.timezone)),
        ("default_locale", json(&org.default_locale)),
        ("policy", json(&org.policy)),
        ("calendar", json(&org.calendar)),
        ("keywords", json(&org.keywords)),
        ("roles", json(&org.roles)),
        ("resident", json(&org.resident)),
    ];
    for (k, v) in settings {
        rows.push(("settings", vec![("key", t(k))], vec![("value", t(v))]));
    }
    for u in &org.units {
        rows.push((
            "units",
            vec![("id", t(u.id.as_str()))],
            vec![
                ("kind", t(u.kind.as_str())),
                (
                    "parent_id",
                    V::OptText(u.parent.as_ref().map(|p| p.to_string())),
                ),
                ("name", t(&u.name)),
                ("aliases", t(json(&u.aliases))),
                (
                    "boundary",
                    V::OptText(u.boundary.as_ref().map(Boundary::to_geojson)),
                ),
                ("addresses", t(json(&u.addresses))),
            ],
        ));
    }
    for d in &org.departments {
        rows.push((
            "departments",
            vec![("id", t(d.id.as_str()))],
            vec![
                ("name", t(&d.name)),
                ("aliases", t(json(&d.aliases))),
                ("handles", t(json(&d.handles))),
                ("durations", t(json(&d.durations))),
            ],
        ));
    }
    for a in &org.alliances {
        rows.push((
            "alliances",
            vec![("id", t(a.id.as_str()))],
            vec![
                ("name", t(&a.name)),
                ("aliases", t(json(&a.aliases))),
                ("chat_id", V::OptInt(a.chat_id.map(|c| c.0))),
                (
                    "parent_id",
                    V::OptText(a.parent.as_ref().map(|p| p.to_string())),
                ),
            ],
        ));
    }
    rows.extend(people_rows(org));
    rows
}

/// The rows of the people, their memberships, the admins and the chats the file binds.
fn people_rows(org: &Organisation) -> Rows {
    let mut rows: Rows = Vec::new();
    for p in &org.people {
        rows.push((
            "people",
            vec![("telegram_id", V::Int(p.telegram_id.0))],
            vec![
                ("name", t(&p.name)),
                ("username", V::OptText(p.username.clone())),
            ],
        ));
    }
    for m in &org.memberships {
        let (kind, id) = m.scope.parts();
        rows.push((
            "memberships",
            vec![
                ("telegram_id", V::Int(m.telegram_id.0)),
                ("scope_kind", t(kind)),
                ("scope_id", t(id)),
                ("role", t(m.role.as_str())),
            ],
            vec![],
        ));
    }
    for a in &org.admins {
        rows.push(("admins", vec![("telegram_id", V::Int(a.0))], vec![]));
    }
    let bindings = org
        .units
        .iter()
        .filter_map(|u| u.chat_id.map(|c| (c, "unit", u.id.as_str())))
        .chain(
            org.departments
                .iter()
                .filter_map(|d| d.chat_id.map(|c| (c, "department", d.id.as_str()))),
        )
        .chain(
            org.alliances
                .iter()
                .filter_map(|a| a.chat_id.map(|c| (c, "alliance", a.id.as_str()))),
        );
    for (chat, kind, id) in bindings {
        rows.push((
            "chats",
            vec![("chat_id", V::Int(chat.0))],
            vec![
                ("scope_kind", V::OptText(Some(kind.into()))),
                ("scope_id", V::OptText(Some(id.into()))),
            ],
        ));
    }
    rows
}

impl Store {
    /// Imports an organisation: upserts what it names, deletes nothing unless `prune`, in one
    /// transaction. Importing the same file twice reports no change the second time.
    pub async fn import_org(&self, org: &Organisation, prune: bool) -> Result<ImportReport> {
        let (_turn, mut tx) = self.begin().await?;
        let mut report = ImportReport::default();
        for (table, keys, data) in rows_of(org) {
            let o = upsert(&mut tx, table, &keys, &data).await?;
            report.count(o);
        }
        if prune {
            report.removed = self.prune_in(&mut tx, org, true).await?;
        }
        org_changed(&mut tx).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// What `import_org(org, prune = true)` would remove, without removing it.
    pub async fn prune_plan(&self, org: &Organisation) -> Result<Vec<String>> {
        let (_turn, mut tx) = self.begin().await?;
        let plan = self.prune_in(&mut tx, org, false).await?;
        tx.rollback().await?;
        Ok(plan)
    }

    async fn prune_in(
        &self,
        tx: &mut sqlx::Transaction<'_, Any>,
        org: &Organisation,
        apply: bool,
    ) -> Result<Vec<String>> {
        let mut removed = Vec::new();
        let keep_units: BTreeSet<&str> = org.units.iter().map(|u| u.id.as_str()).collect();
        let keep_depts: BTreeSet<&str> = org.departments.iter().map(|d| d.id.as_str()).collect();
        let keep_alliances: BTreeSet<&str> = org.alliances.iter().map(|a| a.id.as_str()).collect();
        for (table, keep, label) in [
            ("units", &keep_units, "unit"),
            ("departments", &keep_depts, "department"),
            ("alliances", &keep_alliances, "alliance"),
        ] {
            let rows = sqlx::query(&format!("SELECT id FROM {table} ORDER BY id"))
                .fetch_all(&mut **tx)
                .await?;
            for r in rows {
                let id: String = col(&r, "id")?;
                if !keep.contains(id.as_str()) {
                    removed.push(format!("{label} {id}"));
                    if apply {
                        sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
                            .bind(id)
                            .execute(&mut **tx)
                            .await?;
                    }
                }
            }
        }
        prune_memberships(tx, org, apply, &mut removed).await?;
        let keep_admins: BTreeSet<i64> = org.admins.iter().map(|a| a.0).collect();
        for r in sqlx::query("SELECT telegram_id FROM admins ORDER BY telegram_id")
            .fetch_all(&mut **tx)
            .await?
        {
            let id: i64 = col(&r, "telegram_id")?;
            if !keep_admins.contains(&id) {
                removed.push(format!("admin {id}"));
                if apply {
                    sqlx::query("DELETE FROM admins WHERE telegram_id = $1")
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                }
            }
        }
        prune_chats(tx, &keep_units, &keep_depts, apply, &mut removed).await?;
        Ok(removed)
    }

    /// The organisation as stored: the file's content plus chat-made changes.
    pub async fn load_org(&self) -> Result<Organisation> {
        // One indexed read per call; the tables only when the organisation changed.
        let version = self.org_version().await?;
        if let Ok(cache) = self.org_cache.lock() {
            if let Some((v, org)) = cache.as_ref() {
                if *v == version {
                    return Ok(Organisation::clone(org));
                }
            }
        }
        let org = self.load_org_tables().await?;
        if let Ok(mut cache) = self.org_cache.lock() {
            *cache = Some((version, std::sync::Arc::new(org.clone())));
        }
        Ok(org)
    }

    /// The organisation's version: bumped by every write that changes what `load_org` reads.
    async fn org_version(&self) -> Result<i64> {
        Ok(
            match sqlx::query("SELECT n FROM counters WHERE name = 'org'")
                .fetch_optional(&self.pool)
                .await?
            {
                Some(r) => col(&r, "n")?,
                None => 0,
            },
        )
    }

    async fn load_org_tables(&self) -> Result<Organisation> {
        let mut conn = self.pool.acquire().await?;
        let mut org = Organisation {
            timezone: chrono_tz::Asia::Shanghai,
            default_locale: Lang::ZhHans,
            policy: Default::default(),
            calendar: None,
            units: Vec::new(),
            departments: Vec::new(),
            alliances: Vec::new(),
            people: Vec::new(),
            memberships: Vec::new(),
            admins: Vec::new(),
            keywords: Vec::new(),
            roles: Vec::new(),
            resident: Default::default(),
        };
        load_settings(&mut conn, &mut org).await?;
        load_structure(&mut conn, &mut org).await?;
        load_people(&mut conn, &mut org).await?;
        Ok(org)
    }

    /// Binds a chat to a unit, department or alliance unit. The scope's previous chat, if any, is unbound:
    /// a unit has one group chat.
    pub async fn bind_chat(&self, chat_id: ChatId, scope: &Scope) -> Result<()> {
        let (kind, id) = scope.parts();
        let (_turn, mut tx) = self.begin().await?;
        sqlx::query(
            "UPDATE chats SET scope_kind = NULL, scope_id = NULL
             WHERE scope_kind = $1 AND scope_id = $2 AND chat_id <> $3",
        )
        .bind(kind)
        .bind(id)
        .bind(chat_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO chats (chat_id, scope_kind, scope_id) VALUES ($1, $2, $3)
             ON CONFLICT (chat_id) DO UPDATE SET scope_kind = $2, scope_id = $3",
        )
        .bind(chat_id)
        .bind(kind)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        org_changed(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn chat(&self, chat_id: ChatId) -> Result<Option<ChatBinding>> {
        let row = sqlx::query(
            "SELECT chat_id, scope_kind, scope_id, locale FROM chats WHERE chat_id = $1",
        )
        .bind(chat_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let kind: Option<String> = col(&r, "scope_kind")?;
        let id: Option<String> = col(&r, "scope_id")?;
        let locale: Option<String> = col(&r, "locale")?;
        Ok(Some(ChatBinding {
            chat_id,
            scope: kind.zip(id).and_then(|(k, i)| Scope::from_parts(&k, &i)),
            locale: locale.and_then(|l| Lang::parse(&l)),
        }))
    }

    /// The chat a unit or department is bound to.
    pub async fn chat_of(&self, scope: &Scope) -> Result<Option<ChatId>> {
        let (kind, id) = scope.parts();
        let row = sqlx::query("SELECT chat_id FROM chats WHERE scope_kind = $1 AND scope_id = $2")
            .bind(kind)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| col(&r, "chat_id")).transpose()
    }

    pub async fn set_chat_locale(&self, chat_id: ChatId, lang: Lang) -> Result<()> {
        let (_turn, mut tx) = self.begin().await?;
        sqlx::query(
            "INSERT INTO chats (chat_id, locale) VALUES ($1, $2)
             ON CONFLICT (chat_id) DO UPDATE SET locale = $2",
        )
        .bind(chat_id)
        .bind(lang.code())
        .execute(&mut *tx)
        .await?;
        org_changed(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A group became a supergroup: its binding, language and cards move to the new id.
    pub async fn migrate_chat(&self, old: ChatId, new: ChatId) -> Result<()> {
        let (_turn, mut tx) = self.begin().await?;
        sqlx::query("DELETE FROM chats WHERE chat_id = $1 AND scope_kind IS NULL")
            .bind(new)
            .execute(&mut *tx)
            .await?;
        super::messages::follow_migration(&mut tx, old).await?;
        for sql in [
            "UPDATE chats SET chat_id = $1 WHERE chat_id = $2",
            "UPDATE cards SET chat_id = $1, message_id = NULL, shown = NULL WHERE chat_id = $2",
            "UPDATE outbox SET chat_id = $1 WHERE chat_id = $2 AND status = 'pending'",
        ] {
            sqlx::query(sql)
                .bind(new)
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        org_changed(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The organisation's settings: time zone, language, policy, calendar, keywords, roles, the
/// resident policy.
async fn load_settings(conn: &mut sqlx::AnyConnection, org: &mut Organisation) -> Result<()> {
    for r in sqlx::query("SELECT key, value FROM settings")
        .fetch_all(&mut *conn)
        .await?
    {
        let key: String = col(&r, "key")?;
        let value: String = col(&r, "value")?;
        match key.as_str() {
            "timezone" => org.timezone = from_json(&value)?,
            "default_locale" => org.default_locale = from_json(&value)?,
            "policy" => org.policy = from_json(&value)?,
            "calendar" => org.calendar = from_json(&value)?,
            "keywords" => org.keywords = from_json(&value)?,
            "roles" => org.roles = from_json(&value)?,
            "resident" => org.resident = from_json(&value)?,
            _ => {}
        }
    }
    Ok(())
}

/// Units, departments and alliances, each with the chat bound to it.
async fn load_structure(conn: &mut sqlx::AnyConnection, org: &mut Organisation) -> Result<()> {
    let chats =
        sqlx::query("SELECT chat_id, scope_kind, scope_id FROM chats WHERE scope_kind IS NOT NULL")
            .fetch_all(&mut *conn)
            .await?;
    let chat_of = |kind: &str, id: &str| -> Option<ChatId> {
        chats.iter().find_map(|r| {
            let k: String = r.try_get("scope_kind").ok()?;
            let i: String = r.try_get("scope_id").ok()?;
            (k == kind && i == id).then(|| r.try_get("chat_id").ok())?
        })
    };
    for r in sqlx::query(
        "SELECT id, kind, parent_id, name, aliases, boundary, addresses FROM units ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let id: String = col(&r, "id")?;
        let kind: String = col(&r, "kind")?;
        org.units.push(Unit {
            chat_id: chat_of("unit", &id),
            id: UnitId::checked(id),
            kind: Level::parse(&kind).ok_or_else(|| super::StoreError::Corrupt(kind))?,
            parent: col::<Option<String>>(&r, "parent_id")?.map(UnitId::checked),
            name: col(&r, "name")?,
            aliases: from_json(&col::<String>(&r, "aliases")?)?,
            boundary: col::<Option<String>>(&r, "boundary")?
                .map(|b| {
                    Boundary::from_geojson(&b)
                        .map_err(|e| super::StoreError::Corrupt(format!("unit boundary: {e}")))
                })
                .transpose()?,
            addresses: from_json(&col::<String>(&r, "addresses")?)?,
        });
    }
    for r in
        sqlx::query("SELECT id, name, aliases, handles, durations FROM departments ORDER BY id")
            .fetch_all(&mut *conn)
            .await?
    {
        let id: String = col(&r, "id")?;
        org.departments.push(Department {
            chat_id: chat_of("department", &id),
            id: DepartmentId::checked(id),
            name: col(&r, "name")?,
            aliases: from_json(&col::<String>(&r, "aliases")?)?,
            handles: from_json(&col::<String>(&r, "handles")?)?,
            durations: from_json(&col::<String>(&r, "durations")?)?,
        });
    }
    for r in sqlx::query("SELECT id, name, aliases, parent_id FROM alliances ORDER BY id")
        .fetch_all(&mut *conn)
        .await?
    {
        let id: String = col(&r, "id")?;
        // Its chat is the one bound (by the file's chat_id on import, or by /bind), as for
        // units and departments.
        org.alliances.push(Alliance {
            chat_id: chat_of("alliance", &id),
            id: AllianceId::checked(id),
            name: col(&r, "name")?,
            aliases: from_json(&col::<String>(&r, "aliases")?)?,
            parent: col::<Option<String>>(&r, "parent_id")?.map(UnitId::checked),
        });
    }
    Ok(())
}

/// The people on a roster or admins, their memberships, and the admins.
async fn load_people(conn: &mut sqlx::AnyConnection, org: &mut Organisation) -> Result<()> {
    for r in sqlx::query(
        "SELECT telegram_id, name, username FROM people
         WHERE telegram_id IN (SELECT telegram_id FROM memberships)
            OR telegram_id IN (SELECT telegram_id FROM admins)
         ORDER BY telegram_id",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        org.people.push(Person {
            telegram_id: TelegramUserId(col(&r, "telegram_id")?),
            name: col(&r, "name")?,
            username: col(&r, "username")?,
        });
    }
    for r in sqlx::query(
        "SELECT telegram_id, scope_kind, scope_id, role FROM memberships
         ORDER BY telegram_id, scope_kind, scope_id, role",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let kind: String = col(&r, "scope_kind")?;
        let id: String = col(&r, "scope_id")?;
        org.memberships.push(Membership {
            telegram_id: TelegramUserId(col(&r, "telegram_id")?),
            scope: Scope::from_parts(&kind, &id)
                .ok_or_else(|| super::StoreError::Corrupt(kind.clone()))?,
            role: RoleId::new(col::<String>(&r, "role")?),
        });
    }
    for r in sqlx::query("SELECT telegram_id FROM admins ORDER BY telegram_id")
        .fetch_all(&mut *conn)
        .await?
    {
        org.admins.push(TelegramUserId(col(&r, "telegram_id")?));
    }
    Ok(())
}

/// Memberships the file no longer names (listed in `removed`; deleted when `apply`).
async fn prune_memberships(
    tx: &mut sqlx::Transaction<'_, Any>,
    org: &Organisation,
    apply: bool,
    removed: &mut Vec<String>,
) -> Result<()> {
    let keep_members: BTreeSet<(i64, String, String, String)> = org
        .memberships
        .iter()
        .map(|m| {
            let (k, id) = m.scope.parts();
            (
                m.telegram_id.0,
                k.to_string(),
                id.to_string(),
                m.role.0.clone(),
            )
        })
        .collect();
    let rows = sqlx::query(
        "SELECT telegram_id, scope_kind, scope_id, role FROM memberships
         ORDER BY telegram_id, scope_kind, scope_id, role",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in rows {
        let key: (i64, String, String, String) = (
            col(&r, "telegram_id")?,
            col(&r, "scope_kind")?,
            col(&r, "scope_id")?,
            col(&r, "role")?,
        );
        if !keep_members.contains(&key) {
            removed.push(format!("member {} {}:{} {}", key.0, key.1, key.2, key.3));
            if apply {
                sqlx::query(
                    "DELETE FROM memberships WHERE telegram_id = $1 AND scope_kind = $2
                     AND scope_id = $3 AND role = $4",
                )
                .bind(key.0)
                .bind(key.1)
                .bind(key.2)
                .bind(key.3)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    Ok(())
}

/// Chats bound to something the file no longer names lose their binding (not their language).
async fn prune_chats(
    tx: &mut sqlx::Transaction<'_, Any>,
    keep_units: &BTreeSet<&str>,
    keep_depts: &BTreeSet<&str>,
    apply: bool,
    removed: &mut Vec<String>,
) -> Result<()> {
    // A chat bound to something the file no longer names loses its binding (not its language).
    for r in sqlx::query(
        "SELECT chat_id, scope_kind, scope_id FROM chats WHERE scope_kind IS NOT NULL ORDER BY chat_id",
    )
    .fetch_all(&mut **tx)
    .await?
    {
        let chat: ChatId = col(&r, "chat_id")?;
        let kind: String = col(&r, "scope_kind")?;
        let id: String = col(&r, "scope_id")?;
        let exists = match kind.as_str() {
            "unit" => keep_units.contains(id.as_str()),
            _ => keep_depts.contains(id.as_str()),
        };
        if !exists {
            removed.push(format!("chat {chat} → {kind}:{id}"));
            if apply {
                sqlx::query("UPDATE chats SET scope_kind = NULL, scope_id = NULL WHERE chat_id = $1")
                    .bind(chat)
                    .execute(&mut **tx)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Marks the organisation changed, in the transaction that changes it: every process's
/// `load_org` reloads it on its next call.
pub(crate) async fn org_changed(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<()> {
    sqlx::query(
        "INSERT INTO counters (name, n) VALUES ('org', 1)
         ON CONFLICT (name) DO UPDATE SET n = counters.n + 1",
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
