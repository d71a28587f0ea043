//! Turning the text of a whistle message into a draft whistle order (哨令): who is summoned
//! (roles by name, departments by name or handle, or roles guessed from keywords), which grid,
//! whether it is urgent, when it is due and where it is. Users type in Simplified Chinese,
//! Traditional Chinese and English on a phone, so matching folds Traditional to Simplified,
//! full-width to half-width and ASCII to lower case first. The module is pure: no I/O and no
//! clock (callers pass `now`), so every rule below is checked by the table test at the end.
//!
//! Rules that are judgement calls:
//! - **Names.** Role names (full names in three languages, aliases, ids), and department names and
//!   handles when `match_departments`, are found by leftmost-longest matching: the longest name
//!   starting at a position wins and consumes its characters ("纪律监督员" is one discipline
//!   supervisor, not also a grid supervisor). On a tie of length a department beats a role, so a
//!   department handle "城管" routes to the department in a sub-district chat. English names
//!   match case-insensitively on ASCII word boundaries, with an optional plural "s"/"es":
//!   "cops" names the police, "policeman" and "copy" name nobody. Grid names are matched in a
//!   separate pass, so "一网格长" is grid 1 *and* its grid leader.
//! - **Urgency.** 急 anywhere (紧急, 加急, 着急, 急需…) except in 应急 (emergency *management*),
//!   急救/急诊 (service names), 急性, 急弯/急转; 尽快, 立即, 立刻, 马上, 火速; English "urgent",
//!   "urgently", "asap", "immediately", "emergency" (not "emergency management"); a negation
//!   just before (不急, 非紧急, 别着急, "not urgent") cancels it. Exclamation marks count only when
//!   the message *starts* with one ("! 井盖丢了") or has two in a row ("!!", "！！", "‼"), so an
//!   excited sentence ending in one "!" is not urgent. 🚨 is urgent.
//! - **Due.** The earliest time expression in the text wins. A clock time or part of day
//!   without a day ("18点前", "下班前", "by 6pm") that has already passed today means tomorrow;
//!   with an explicit day ("今天18点前", "今晚") it is kept even if past, so the caller can
//!   see the order is already overdue. Ends of parts of day: 早上 09:00, 上午 12:00,
//!   中午 14:00, 下午/下班 18:00, 晚上/今晚/tonight 22:00; a bare "明天"/"tomorrow" is 18:00
//!   (end of the working day); "今天内" is 23:59. "今天" or "今天上午" alone is not a due time
//!   (people use it to tell what happened: "今天早上发现…"), "今天下午前" is.
//!   English clock times need "by"/"before"/"until" or a day word and am/pm or minutes
//!   ("by 6pm", "tomorrow 9am", "by 18:00"); a bare "at 6pm" is not taken as a deadline.
//!   "N小时内" and "N小时后" both mean now + N hours, like "within"/"in N hours".
//! - **Location.** After 地点/地址/位置 followed by a colon, "在" or a space; after English
//!   "location"/"address"/"place"/"loc"/"where"/"at" only when followed by a colon; after 📍.
//!   It runs to the next sentence punctuation, an urgency word, a due time or an @/# mention;
//!   a location written in Chinese also ends at a space followed by a Chinese character
//!   ("地点：圆西路12号 紧急") because phone users separate fields with spaces.

mod ack;
mod due;
mod fold;
mod location;
mod names;
mod t2s;
mod urgency;

use chrono::{DateTime, Utc};

use super::role::{RoleCatalog, RoleId, GRID_LEADER};
use fold::{is_punct, Folded};
use names::{
    party_patterns, pattern, push_unique, scan, Party, Pattern, KEYWORD_SUFFIXES, ROLE_SUFFIXES,
};

pub use ack::is_ack_text;
pub use names::{default_keywords, KeywordRule};

/// A district department that a sub-district can whistle, with the words that route to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentRef {
    pub id: String,
    /// Full and short names in any language ("华山城管中队", "城管中队", "urban management squad").
    pub names: Vec<String>,
    /// Subject words that summon this department ("占道", "油烟", "water").
    pub handles: Vec<String>,
}

/// A grid of the community whose chat the message was written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRef {
    pub id: String,
    pub names: Vec<String>,
}

/// What the parser needs to know about the chat the message was written in.
pub struct ParseContext<'a> {
    pub roles: &'a RoleCatalog,
    pub departments: &'a [DepartmentRef],
    /// True only in sub-district and district chats, where departments are whistled.
    pub match_departments: bool,
    /// Non-empty only in a community chat.
    pub grids: &'a [GridRef],
    pub keywords: &'a [KeywordRule],
    pub tz: chrono_tz::Tz,
    pub now: DateTime<Utc>,
}

/// Where the draft's roles came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleSource {
    /// The message names them.
    Named,
    /// Guessed from the keyword table.
    Keyword,
    /// Nothing matched: the grid leader.
    Default,
    /// Departments were summoned and no role was named.
    None,
}

/// A whistle order as read from a message, before anyone confirms it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// A leading "#42" names an existing order: the whistle adds parties to it.
    pub order_ref: Option<i64>,
    /// Deduplicated, in order of first appearance.
    pub roles: Vec<RoleId>,
    pub role_source: RoleSource,
    /// Department ids, deduplicated, in order of first appearance.
    pub departments: Vec<String>,
    /// The grid id named, in a community chat.
    pub grid: Option<String>,
    pub urgent: bool,
    pub due: Option<DateTime<Utc>>,
    /// As the user wrote it (not folded).
    pub location: Option<String>,
    /// The message minus the trigger word and the #N, trimmed, otherwise as written.
    pub text: String,
}

// ---------------------------------------------------------------------------------------------
// Trigger and order reference

/// Characters that may follow the trigger word and are dropped with it.
fn is_trigger_sep(c: char) -> bool {
    c.is_whitespace() || matches!(c, ':' | '：' | ',' | '，' | '、' | '-' | '—')
}

/// The rest of a whistle message: "吹哨 …", "吹哨：…", "#吹哨 …", "#whistle …" (any case).
/// The trigger must stand alone, so "吹哨报到机制…" or "#whistleblower" is not a whistle. A
/// following "!" or "@" is kept: it belongs to the message ("吹哨！！…" is urgent).
pub fn strip_trigger(text: &str) -> Option<&str> {
    let t = text.trim_start();
    let hashed = t.strip_prefix('#').or_else(|| t.strip_prefix('＃'));
    let after = match hashed {
        Some(h) => h.strip_prefix("吹哨").or_else(|| {
            h.get(..7)
                .filter(|p| p.eq_ignore_ascii_case("whistle"))
                .map(|_| &h[7..])
        }),
        None => t.strip_prefix("吹哨"),
    }?;
    match after.chars().next() {
        None => Some(after),
        Some(c) if is_trigger_sep(c) => Some(after.trim_start_matches(is_trigger_sep)),
        Some('!' | '！' | '@' | '＠' | '#' | '＃') => Some(after),
        Some(_) => None,
    }
}

/// A leading "#42" and the rest of the message, trimmed.
fn split_order_ref(input: &str) -> (Option<i64>, &str) {
    let t = input.trim();
    let Some(body) = t.strip_prefix('#').or_else(|| t.strip_prefix('＃')) else {
        return (None, t);
    };
    let digits = body.len() - body.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let after = &body[digits..];
    // "#17号楼" is building 17, not order 17: the number must stand alone.
    let glued = after
        .chars()
        .next()
        .is_some_and(|c| !is_trigger_sep(c) && !is_punct(c));
    match body[..digits].parse::<i64>() {
        Ok(n) if digits > 0 && !glued => (Some(n), after.trim_start_matches(is_trigger_sep).trim()),
        _ => (None, t),
    }
}

// ---------------------------------------------------------------------------------------------
// The parser

/// Reads a whistle message (the text after the trigger or after "/whistle") into a draft.
pub fn parse_whistle(input: &str, cx: &ParseContext) -> Draft {
    let (order_ref, text) = split_order_ref(input);
    let f = Folded::new(text);

    let mut named = Vec::new();
    let mut departments = Vec::new();
    for (_, _, party) in scan(&f.chars, &party_patterns(cx), ROLE_SUFFIXES) {
        match party {
            Party::Role(r) => push_unique(&mut named, r),
            Party::Dept(d) => push_unique(&mut departments, d),
        }
    }

    let grid_pats: Vec<Pattern<String>> = cx
        .grids
        .iter()
        .flat_map(|g| g.names.iter().filter_map(|n| pattern(n, g.id.clone(), 0)))
        .collect();
    let grid = scan(&f.chars, &grid_pats, &[])
        .into_iter()
        .next()
        .map(|(_, _, id)| id);

    let (roles, role_source) = if !named.is_empty() {
        (named, RoleSource::Named)
    } else if !departments.is_empty() {
        (Vec::new(), RoleSource::None)
    } else {
        let kw_pats: Vec<Pattern<RoleId>> = cx
            .keywords
            .iter()
            .flat_map(|k| k.words.iter().filter_map(|w| pattern(w, k.role.clone(), 0)))
            .collect();
        let mut guessed = Vec::new();
        for (_, _, r) in scan(&f.chars, &kw_pats, KEYWORD_SUFFIXES) {
            push_unique(&mut guessed, r);
        }
        if guessed.is_empty() {
            (vec![RoleId::new(GRID_LEADER)], RoleSource::Default)
        } else {
            (guessed, RoleSource::Keyword)
        }
    };

    let (urgent, mut stops) = urgency::urgency(&f);
    let due = due::due(&f, cx).map(|(at, s, e)| {
        stops.push((s, e));
        at
    });

    Draft {
        order_ref,
        roles,
        role_source,
        departments,
        grid,
        urgent,
        due,
        location: location::location(&f, &stops),
        text: text.to_string(),
    }
}

#[cfg(test)]
mod tests;
