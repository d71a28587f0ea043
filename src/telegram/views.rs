//! Read-only answers: `/list`, `/show`, `/roster` and `/help`. They read the store and render;
//! they change nothing.

use super::commands::ListArg;
use super::handlers::Incoming;
use crate::acts::{Ctx, Here, Result};
use crate::domain::policy::Level;
use crate::domain::role::{GRID_LEADER, STANDING_ROLES};
use crate::domain::{access, OrderId, Scope};
use crate::i18n::ids;
use crate::render::{self, escape, View};
use crate::tr;

/// `/list`: the orders in hand that this chat sees, newest first.
pub async fn list(ctx: &Ctx, here: &Here, arg: &ListArg) -> Result<String> {
    const PER_PAGE: u32 = 30;
    let lang = here.lang;
    let view = View {
        org: &here.org,
        lang,
        now: ctx.now(),
    };
    let Some(scope) = &here.scope else {
        return Ok(tr!(lang, ids::LIST_EMPTY));
    };
    let page = arg.page.max(1);
    let found = ctx
        .store
        .orders_page(scope, arg.all, page - 1, PER_PAGE)
        .await?;
    if found.total == 0 {
        return Ok(tr!(lang, ids::LIST_EMPTY));
    }
    let pages = u32::try_from((found.total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
        .unwrap_or(u32::MAX);
    let mut lines: Vec<String> = found
        .orders
        .iter()
        .map(|o| render::order_line(&view, o))
        .collect();
    if page < pages {
        let next = if arg.all {
            format!("all {}", page + 1)
        } else {
            (page + 1).to_string()
        };
        lines.push(tr!(
            lang,
            ids::LIST_PAGE,
            page = i64::from(page),
            pages = i64::from(pages),
            next = next
        ));
    } else if pages > 1 {
        lines.push(tr!(
            lang,
            ids::LIST_PAGE,
            page = i64::from(page),
            pages = i64::from(pages),
            next = "1"
        ));
    }
    let title = if arg.all {
        ids::LIST_TITLE_ALL
    } else {
        ids::LIST_TITLE
    };
    Ok(format!(
        "<b>{}</b>\n{}",
        tr!(lang, title, n = found.total),
        lines.join("\n")
    ))
}

/// `/show N`: the order in detail, with its timeline and time left.
pub async fn show(ctx: &Ctx, here: &Here, id: OrderId) -> Result<String> {
    let Some(stored) = ctx.store.order(id).await? else {
        return Ok(tr!(here.lang, ids::NO_SUCH_ORDER, id = id));
    };
    let events = ctx.store.events(id).await?;
    let view = View {
        org: &here.org,
        lang: here.lang,
        now: ctx.now(),
    };
    Ok(render::details(&view, &stored.order, &events))
}

/// `/roster`: who holds which role in the chat's unit or department; a grid's vacant standing
/// roles are listed as vacant.
pub fn roster(here: &Here, scope: &Scope) -> String {
    let lang = here.lang;
    let org = &here.org;
    let view = View {
        org,
        lang,
        now: chrono::DateTime::UNIX_EPOCH, // a roster shows no times
    };
    let mut lines = vec![format!(
        "<b>{}</b>",
        tr!(
            lang,
            ids::ROSTER_TITLE,
            unit = escape(&org.scope_name(scope))
        )
    )];
    let is_grid =
        matches!(scope, Scope::Unit(u) if org.unit(u).is_some_and(|u| u.kind == Level::Grid));
    for (role, _) in org.catalog().iter() {
        let holders = org.holders(scope, role);
        let standing = STANDING_ROLES.contains(&role.as_str()) || role.as_str() == GRID_LEADER;
        if holders.is_empty() {
            if standing && is_grid {
                lines.push(tr!(
                    lang,
                    ids::SHOW_ROLE_LINE,
                    role = view.role(role),
                    people = tr!(lang, ids::ROSTER_VACANT)
                ));
            }
            continue;
        }
        let names: Vec<String> = holders
            .iter()
            .map(|p| match org.person(*p).and_then(|p| p.username.clone()) {
                Some(u) => format!("{} @{}", view.name(*p), escape(&u)),
                None => view.name(*p),
            })
            .collect();
        lines.push(tr!(
            lang,
            ids::SHOW_ROLE_LINE,
            role = view.role(role),
            people = render::join(lang, &names)
        ));
    }
    if lines.len() == 1 {
        lines.push(tr!(lang, ids::ROSTER_EMPTY));
    }
    lines.join("\n")
}

/// `/help`: what this person can do in this chat, with an example each.
pub fn help(here: &Here, inc: &Incoming) -> String {
    let lang = here.lang;
    if !inc.group {
        return tr!(lang, ids::HELP_PRIVATE);
    }
    let Some(scope) = &here.scope else {
        return tr!(lang, ids::HELP_UNBOUND);
    };
    let org = &here.org;
    let mut parts = vec![tr!(
        lang,
        ids::HELP_HEADER,
        unit = escape(&org.scope_name(scope))
    )];
    let Some(p) = inc.from.as_ref().map(|f| f.id) else {
        return parts.join("\n");
    };
    let summoned_somewhere = org.memberships_of(p).iter().any(|m| &m.scope == scope);
    let member = access::can_whistle(org, p, scope);
    match scope {
        // At the sub-district and district, whistling departments is the duty officers' call.
        Scope::Unit(u)
            if org
                .unit(u)
                .is_some_and(|u| matches!(u.kind, Level::Subdistrict | Level::District)) =>
        {
            if access::can_whistle_departments(org, p, u) {
                parts.push(tr!(lang, ids::HELP_WHISTLE_DEPARTMENTS));
            }
        }
        Scope::Department(_) | Scope::Alliance(_) => {}
        Scope::Unit(_) if member => parts.push(tr!(lang, ids::HELP_WHISTLE)),
        Scope::Unit(_) => {}
    }
    if !member {
        parts.push(tr!(lang, ids::HELP_NOT_MEMBER));
    }
    if summoned_somewhere {
        parts.push(tr!(lang, ids::HELP_REPORT));
    }
    parts.push(tr!(lang, ids::HELP_FOLLOW));
    if member {
        parts.push(tr!(lang, ids::HELP_CLOSE));
    }
    if access::can_manage_roster(org, p, scope) {
        parts.push(tr!(lang, ids::HELP_LEAD));
    }
    parts.push(tr!(lang, ids::HELP_LANG));
    parts.dedup();
    parts.join("\n\n")
}
