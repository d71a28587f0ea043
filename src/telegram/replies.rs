//! Outcomes of acts in words: the reply to a command or the toast on a button, in the chat's
//! language. Every refusal says what to do, from the locales.

use crate::acts::orders::Reported;
use crate::acts::residents::{AskOutcome, BlockOutcome};
use crate::acts::roster::{Assigned, Bound, LangSet};
use crate::acts::whistle::Whistled;
use crate::acts::{Here, Outcome, Refusal};
use crate::domain::plan::PlanRefusal;
use crate::domain::{Lang, OrderId, OrderState, ResidentNo, TelegramUserId, TransitionError};
use crate::i18n::ids;
use crate::render::{self, escape, View};
use crate::tr;

/// The answer to a refused transition.
pub fn transition_refusal(lang: Lang, id: OrderId, e: &TransitionError) -> String {
    match e {
        TransitionError::WrongState(OrderState::Resolved) => {
            tr!(lang, ids::REFUSE_RESOLVED, id = id)
        }
        TransitionError::WrongState(OrderState::Closed) => tr!(lang, ids::REFUSE_CLOSED, id = id),
        TransitionError::WrongState(OrderState::Cancelled) => {
            tr!(lang, ids::REFUSE_CANCELLED, id = id)
        }
        TransitionError::WrongState(_) => tr!(lang, ids::REFUSE_NOT_RESOLVED, id = id),
        TransitionError::NoSuchParty => tr!(lang, ids::REFUSE_NOT_SUMMONED_GENERIC),
        TransitionError::AtTopLevel => tr!(lang, ids::REFUSE_TOP_LEVEL, id = id),
        TransitionError::NothingToAdd => tr!(lang, ids::REFUSE_NOTHING_TO_ADD, id = id),
    }
}

/// Why an act on order `id` was refused.
pub fn refusal(here: &Here, id: OrderId, r: &Refusal) -> String {
    let lang = here.lang;
    match r {
        Refusal::NotSummoned { roles } => {
            let view = View {
                org: &here.org,
                lang,
                now: chrono::DateTime::UNIX_EPOCH, // roles are not times
            };
            let names: Vec<String> = roles.iter().map(|r| view.role(r)).collect();
            let roles = if names.is_empty() {
                tr!(lang, ids::ROLE_NONE)
            } else {
                render::join(lang, &names)
            };
            tr!(lang, ids::REFUSE_NOT_SUMMONED, roles = roles)
        }
        Refusal::NotWhistler => tr!(lang, ids::REFUSE_NOT_WHISTLER, id = id),
        Refusal::NotCanceller => tr!(lang, ids::REFUSE_CANCEL, id = id),
        Refusal::NotEscalator => tr!(lang, ids::REFUSE_ESCALATE, id = id),
        Refusal::NotDeadlineSetter => tr!(lang, ids::REFUSE_SET_DUE, id = id),
        Refusal::NotDutyOfficer => tr!(lang, ids::REFUSE_DEPARTMENT_WHISTLE),
        Refusal::Elsewhere => tr!(lang, ids::ORDER_ELSEWHERE, id = id),
        Refusal::StaleButton => tr!(lang, ids::STALE_BUTTON),
        Refusal::Transition(e) => transition_refusal(lang, id, e),
    }
}

/// The words for an outcome of an act on order `id`: `done` says what happened (None when the
/// act's own notice is the answer).
pub fn outcome<T>(
    here: &Here,
    id: OrderId,
    o: &Outcome<T>,
    done: impl FnOnce(&T) -> Option<String>,
) -> Option<String> {
    match o {
        Outcome::Done(t) => done(t),
        Outcome::Refused(r) => Some(refusal(here, id, r)),
        Outcome::NoSuchOrder(id) => Some(tr!(here.lang, ids::NO_SUCH_ORDER, id = *id)),
    }
}

/// "Reported", or "already reported at …": by you, or by the colleague who did (a co-holder
/// of the role pressing 报到 after them did not report themselves).
pub fn reported(
    here: &Here,
    id: OrderId,
    who: TelegramUserId,
    r: &Reported,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    match r {
        Reported::Now => tr!(here.lang, ids::REPORTED_OK, id = id),
        Reported::Already { by, at } => {
            let view = View {
                org: &here.org,
                lang: here.lang,
                now,
            };
            if *by == who {
                tr!(
                    here.lang,
                    ids::ALREADY_REPORTED,
                    id = id,
                    time = view.time(*at)
                )
            } else {
                tr!(
                    here.lang,
                    ids::ALREADY_REPORTED_BY,
                    id = id,
                    name = view.name(*by),
                    time = view.time(*at)
                )
            }
        }
    }
}

/// The answer to a whistle, None when the new card itself is the answer.
pub fn whistled(here: &Here, who_name: &str, w: &Whistled) -> Option<String> {
    let lang = here.lang;
    match w {
        Whistled::Created(_) => None,
        Whistled::Added { order, outcome: o } => outcome(here, *order, o, |_| None),
        Whistled::NotBound => Some(tr!(lang, ids::NOT_BOUND)),
        Whistled::NotMember => Some(tr!(lang, ids::WHISTLE_NOT_MEMBER, name = escape(who_name))),
        Whistled::FromDepartment => Some(tr!(lang, ids::WHISTLE_FROM_DEPARTMENT)),
        Whistled::Empty => Some(tr!(lang, ids::WHISTLE_EMPTY)),
        // The digits as typed: a number no order can have is never rounded or re-read.
        Whistled::NoSuchNumber(digits) => Some(tr!(
            lang,
            ids::NO_SUCH_ORDER,
            id = escape(&render::clip(digits, 30))
        )),
        Whistled::Refused(PlanRefusal::DepartmentsNotAllowed) => {
            Some(tr!(lang, ids::REFUSE_DEPARTMENT_WHISTLE))
        }
        Whistled::Refused(PlanRefusal::NameADepartment) => {
            let names: Vec<String> = here
                .org
                .departments
                .iter()
                .map(|d| escape(&d.name))
                .collect();
            Some(tr!(
                lang,
                ids::WHISTLE_NAME_DEPARTMENT,
                departments = render::join(lang, &names)
            ))
        }
    }
}

/// The answer to `/bind`.
pub fn bound(here: &Here, b: &Bound) -> String {
    let lang = here.lang;
    let org = &here.org;
    match b {
        Bound::Usage => tr!(lang, ids::BIND_USAGE),
        Bound::Unknown(key) => tr!(lang, ids::BIND_UNKNOWN, id = escape(&render::clip(key, 60))),
        Bound::Refused(scope) => tr!(
            lang,
            ids::REFUSE_BIND,
            unit = escape(&org.scope_name(scope))
        ),
        Bound::Bound(scope) => tr!(lang, ids::BOUND, unit = escape(&org.scope_name(scope))),
    }
}

/// The answer to `/assign` and `/unassign`.
pub fn assigned(here: &Here, add: bool, a: &Assigned) -> String {
    let lang = here.lang;
    match a {
        Assigned::Refused => tr!(lang, ids::REFUSE_ROSTER),
        Assigned::UnknownUsername(u) => {
            tr!(
                lang,
                ids::UNKNOWN_USERNAME,
                username = escape(&render::clip(u, 60))
            )
        }
        Assigned::UnknownRole(r) => {
            tr!(lang, ids::UNKNOWN_ROLE, role = escape(&render::clip(r, 60)))
        }
        Assigned::Done {
            name,
            role,
            scope,
            changed,
        } => {
            let view = View {
                org: &here.org,
                lang,
                now: chrono::DateTime::UNIX_EPOCH, // a role is not a time
            };
            let id = match (add, changed) {
                (true, true) => ids::ASSIGNED,
                (true, false) => ids::ALREADY_ASSIGNED,
                (false, true) => ids::UNASSIGNED,
                (false, false) => ids::NOT_ASSIGNED,
            };
            tr!(
                lang,
                id,
                name = escape(name),
                role = view.role(role),
                unit = escape(&here.org.scope_name(scope))
            )
        }
    }
}

/// The answer to `/lang`.
pub fn lang_set(here: &Here, l: LangSet) -> String {
    match l {
        LangSet::Refused => tr!(here.lang, ids::REFUSE_LANG),
        LangSet::Set(lang) => tr!(lang, ids::LANG_SET),
    }
}

/// Plain text for a toast: the same message without markup.
pub fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// What a member is told when asking a resident went wrong (the throttle kind and the text);
/// `None` when it went (the confirmation was queued with the question).
pub fn asked(here: &Here, id: OrderId, done: &AskOutcome) -> Option<(&'static str, String)> {
    let lang = here.lang;
    let (kind, html) = match done {
        AskOutcome::Sent(_) => return None,
        AskOutcome::NotResidents => (
            ids::RES_NOT_RESIDENTS,
            tr!(lang, ids::RES_NOT_RESIDENTS, id = id),
        ),
        AskOutcome::Gone => (ids::RES_GONE, tr!(lang, ids::RES_GONE, id = id)),
        AskOutcome::NotAllowed => (ids::REFUSE_NOTE, tr!(lang, ids::REFUSE_NOTE)),
        AskOutcome::NoSuchOrder => (ids::NO_SUCH_ORDER, tr!(lang, ids::NO_SUCH_ORDER, id = id)),
        AskOutcome::Empty => (ids::RES_ASK_HOW, tr!(lang, ids::RES_ASK_HOW)),
    };
    Some((kind, html))
}

/// The answer to `/block` and `/unblock`: whether it is a success, and its text.
pub fn blocked(here: &Here, id: OrderId, done: &BlockOutcome) -> (bool, String) {
    let lang = here.lang;
    let who = |no: ResidentNo| tr!(lang, ids::RESIDENT_LABEL, no = no.0);
    match done {
        BlockOutcome::Blocked(no) => (true, tr!(lang, ids::RES_BLOCKED_OK, who = who(*no))),
        BlockOutcome::AlreadyBlocked(no) => {
            (true, tr!(lang, ids::RES_ALREADY_BLOCKED, who = who(*no)))
        }
        BlockOutcome::Unblocked(no) => (true, tr!(lang, ids::RES_UNBLOCKED, who = who(*no))),
        BlockOutcome::NotBlocked(no) => (false, tr!(lang, ids::RES_NOT_BLOCKED, who = who(*no))),
        BlockOutcome::NoResident => (false, tr!(lang, ids::RES_NOT_RESIDENTS, id = id)),
        BlockOutcome::Refused => (false, tr!(lang, ids::RES_BLOCK_REFUSED)),
        BlockOutcome::NoSuchOrder => (false, tr!(lang, ids::NO_SUCH_ORDER, id = id)),
    }
}
