//! The roster acts: bind a chat to a unit or department, assign and unassign roles, set a
//! chat's language, and follow a group's move to a supergroup.

use super::notices::new_card;
use super::{Actor, Ctx, Here, Result};
use crate::domain::org::Membership;
use crate::domain::ChatId;
use crate::domain::{access, Lang, RoleId, Scope, TelegramUserId};
use crate::render::{self, View};
use crate::storage::Outgoing;

/// What became of `/bind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// No unit or department named.
    Usage,
    /// Nothing of that id or name.
    Unknown(String),
    /// Not allowed to bind to `scope` (or to take the chat from the one it serves).
    Refused(Scope),
    Bound(Scope),
}

/// `/bind <unit, department or alliance unit: id or name>`.
pub async fn bind(ctx: &Ctx, here: &Here, who: &Actor, key: &str) -> Result<Bound> {
    let key = key.trim();
    if key.is_empty() {
        return Ok(Bound::Usage);
    }
    let org = &here.org;
    let scope = org
        .units
        .iter()
        .find(|u| u.id.as_str() == key || u.name == key)
        .map(|u| Scope::Unit(u.id.clone()))
        .or_else(|| {
            org.departments
                .iter()
                .find(|d| d.id.as_str() == key || d.name == key)
                .map(|d| Scope::Department(d.id.clone()))
        })
        .or_else(|| {
            org.alliances
                .iter()
                .find(|a| {
                    a.id.as_str() == key || a.name == key || a.aliases.iter().any(|n| n == key)
                })
                .map(|a| Scope::Alliance(a.id.clone()))
        });
    let Some(scope) = scope else {
        return Ok(Bound::Unknown(key.to_string()));
    };
    // Moving a chat away from the unit it serves needs the right to that unit too: otherwise a
    // grid leader could take the community's chat.
    let may_leave = match &here.scope {
        Some(current) if current != &scope => access::can_bind(org, who.id, current),
        _ => true,
    };
    if !access::can_bind(org, who.id, &scope) || !may_leave {
        return Ok(Bound::Refused(scope));
    }
    ctx.store.bind_chat(here.chat_id, &scope).await?;
    Ok(Bound::Bound(scope))
}

/// Who an assignment is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    /// Known by id (a reply to them, or a text mention).
    Person(TelegramUserId),
    /// An `@username` the bot may have seen.
    Username(String),
}

/// `/assign <role> @user` or `/unassign`: the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub add: bool,
    pub role: String,
    pub who: Assignee,
}

/// What became of `/assign` or `/unassign`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assigned {
    /// Only the unit's leaders (a department's liaisons) and admins change its roster.
    Refused,
    /// The bot has not seen that username.
    UnknownUsername(String),
    /// No such role.
    UnknownRole(String),
    /// Done, or nothing to do (`changed` false).
    Done {
        name: String,
        role: RoleId,
        scope: Scope,
        changed: bool,
    },
}

/// Adds or removes a role on the roster of the chat's scope.
pub async fn assign(ctx: &Ctx, here: &Here, who: &Actor, a: Assignment) -> Result<Assigned> {
    let Some(scope) = &here.scope else {
        return Ok(Assigned::Refused);
    };
    if !access::can_manage_roster(&here.org, who.id, scope) {
        return Ok(Assigned::Refused);
    }
    let target = match a.who {
        Assignee::Person(p) => p,
        Assignee::Username(u) => match ctx.store.person_by_username(&u).await? {
            Some(p) => p.telegram_id,
            None => return Ok(Assigned::UnknownUsername(u)),
        },
    };
    let Some(role) = here.org.catalog().lookup(a.role.trim()) else {
        return Ok(Assigned::UnknownRole(a.role.trim().to_string()));
    };
    let m = Membership {
        telegram_id: target,
        scope: scope.clone(),
        role: role.clone(),
    };
    let changed = if a.add {
        ctx.store.assign(&m).await?
    } else {
        ctx.store.unassign(&m).await?
    };
    let name = ctx
        .store
        .person(target)
        .await?
        .map(|p| p.name)
        .unwrap_or_else(|| target.0.to_string());
    Ok(Assigned::Done {
        name,
        role,
        scope: scope.clone(),
        changed,
    })
}

/// What became of `/lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangSet {
    /// In a bound group, only its people change its language.
    Refused,
    Set(Lang),
}

/// `/lang <language>` in a chat (`group`: a group chat, where only its people may change it).
pub async fn set_lang(
    ctx: &Ctx,
    here: &Here,
    who: &Actor,
    group: bool,
    lang: Lang,
) -> Result<LangSet> {
    if group {
        let allowed = match &here.scope {
            Some(s) => access::can_whistle(&here.org, who.id, s),
            None => true,
        };
        if !allowed {
            return Ok(LangSet::Refused);
        }
    }
    ctx.store.set_chat_locale(here.chat_id, lang).await?;
    Ok(LangSet::Set(lang))
}

/// A group became a supergroup: everything bound to the old id moves to the new one, and the
/// live cards (which can no longer be edited there) are posted afresh.
pub async fn migrate_chat(ctx: &Ctx, old: ChatId, new: ChatId) -> Result<()> {
    ctx.store.migrate_chat(old, new).await?;
    tracing::info!(old = old.0, new = new.0, "chat migrated to a supergroup");
    let org = ctx.store.load_org().await?;
    let view = View {
        org: &org,
        lang: ctx.lang_of(&org, new).await?,
        now: ctx.now(),
    };
    let mut out: Vec<Outgoing> = Vec::new();
    for order in ctx.store.orders_with_cards_in(new).await? {
        // Only cards that were shown in the old chat are posted again; one still waiting to be
        // sent moved with the chat's queue and goes out there once.
        if !ctx.store.cards(order.id).await?.contains(&(new, None))
            || ctx.store.card_send_pending(order.id, new).await?
        {
            continue;
        }
        let events = ctx.store.events(order.id).await?;
        let (html, buttons) = render::card(&view, &order, &events);
        out.push(new_card(new, order.id, html, buttons));
    }
    ctx.queue(out).await
}
