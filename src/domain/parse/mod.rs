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
//!   "cops" names the police, "policeman" and "copy" name nobody. A hyphen, underscore or space
//!   in a name matches any run of them or none ("urban_enforcement", "Urban-Enforcement",
//!   "urban enforcement"). Colloquial names (片警, 保洁阿姨) are aliases in the role catalogue.
//!   A named role wins: keywords are only read when no role and no department is named. Grid
//!   names are matched in a separate pass, so "一网格长" is grid 1 *and* its grid leader.
//! - **Keywords.** Like names, and a keyword written in Chinese also matches with one Chinese
//!   character inside it (摆地摊 for 摆摊); an exact match at a position beats such a match.
//! - **Urgency.** 急 anywhere (紧急, 加急, 着急, 急需…) except in 应急 (emergency *management*),
//!   急救/急诊 (service names), 急性, 急弯/急转; 尽快, 立即, 立刻, 马上, 火速; English "urgent",
//!   "urgently", "asap", "immediately", "emergency" (not "emergency management"); a negation
//!   just before (不急, 非紧急, 别着急, "not urgent") cancels it. Exclamation marks count only when
//!   the message *starts* with one ("! 井盖丢了") or has two in a row ("!!", "！！", "‼"), so an
//!   excited sentence ending in one "!" is not urgent. 🚨 is urgent.
//! - **Due.** The earliest time expression in the text wins. A clock time or part of day
//!   without a day ("18点前", "下班前", "by 6pm") that has already passed today means tomorrow.
//!   With an explicit day, a time that has passed ("今天3点前" at 04:00, "今晚" at 23:00, "today
//!   3am") gives no due time but `DueNote::Passed` with the same time tomorrow, for the caller
//!   to offer; a past day ("昨天18点前", "yesterday 6pm", "3月1日前" on 3月14日) gives
//!   `DueNote::InPast`; a time or date that does not exist ("25点前", "18:75", "2月30日",
//!   "by 13pm") gives `DueNote::Unreadable`. So no order ever waits for a time already gone.
//!   A past day or a date with a time but without 前 ("昨晚10点有人打架", "3月5日发现") tells
//!   when something happened and is not a due time; nor is "yesterday at 6pm".
//!   "M月D日" dates (with an optional year) are due at 18:00 unless a time is given; without
//!   a year, a date more than half a year back means next year's. Ends of parts of day: 早上 09:00, 上午 12:00,
//!   中午 14:00, 下午/下班 18:00, 晚上/今晚/tonight 22:00; a bare "明天"/"tomorrow" is 18:00
//!   (end of the working day); "今天内" is 23:59. "今天" or "今天上午" alone is not a due time
//!   (people use it to tell what happened: "今天早上发现…"), "今天下午前" is.
//!   English clock times need "by"/"before"/"until" or a day word and am/pm or minutes
//!   ("by 6pm", "tomorrow 9am", "by 18:00"); a bare "at 6pm" is not taken as a deadline.
//!   "N小时内" and "N小时后" both mean now + N hours, like "within"/"in N hours".
//! - **Order reference.** A leading "#N" (also "＃１１") adds to order N. The number must stand
//!   alone ("#17号楼" is a building). When N is 0 or too large to be an order number, the draft
//!   has no `order_ref` but keeps the digits in `order_ref_text`, so the caller answers "没有
//!   #N" instead of opening a new order.
//! - **Input.** Control and bidi characters are removed first ([`crate::domain::text`]), and
//!   matching sees full-width digits, ＃ and Unicode spaces as ASCII.
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
use super::text;
use fold::{is_punct, Folded};
use names::{
    keyword_pattern, party_patterns, pattern, push_unique, scan, Party, Pattern, KEYWORD_SUFFIXES,
    ROLE_SUFFIXES,
};

pub use ack::is_ack_text;
pub use due::DueNote;
/// Folding for matching, shared with address matching and duplicate detection.
pub(crate) use fold::fold_str;
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

/// An alliance unit (联盟单位) that the chat can whistle, by its name and aliases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllianceRef {
    pub id: String,
    pub names: Vec<String>,
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
    /// The alliance units this chat may whistle (community, sub-district and district chats);
    /// empty elsewhere.
    pub alliances: &'a [AllianceRef],
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
    /// Departments or alliance units were summoned and no role was named.
    None,
}

/// A whistle order as read from a message, before anyone confirms it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// A leading "#42" names an existing order: the whistle adds parties to it.
    pub order_ref: Option<i64>,
    /// The digits of a leading "#N" as typed (full-width digits folded), whenever the message
    /// starts with one, also when N is 0 or does not fit an order number and `order_ref` is
    /// None: then the caller answers that there is no order #N instead of opening a new one.
    pub order_ref_text: Option<String>,
    /// Deduplicated, in order of first appearance.
    pub roles: Vec<RoleId>,
    pub role_source: RoleSource,
    /// Department ids, deduplicated, in order of first appearance.
    pub departments: Vec<String>,
    /// Alliance unit ids, deduplicated, in order of first appearance.
    pub alliances: Vec<String>,
    /// The grid id named, in a community chat.
    pub grid: Option<String>,
    pub urgent: bool,
    /// Always in the future when set.
    pub due: Option<DateTime<Utc>>,
    /// Why a time written in the message is not the due time (then `due` is None).
    pub due_note: Option<DueNote>,
    /// As the user wrote it (not folded).
    pub location: Option<String>,
    /// The message minus the trigger word and the #N, trimmed, otherwise as written (but
    /// without control and bidi characters).
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
/// following "!" or "@" is kept: it belongs to the message ("吹哨！！…" is urgent). Leading
/// invisible characters (a bidi mark an RTL keyboard adds, a zero-width space) are skipped.
pub fn strip_trigger(text: &str) -> Option<&str> {
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || text::is_invisible(c));
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

/// The question of a reply to a card that asks the order's resident: "问居民 …", "問居民 …",
/// "ask: …" (any case, full-width colon too). `None` when the reply is something else.
pub fn strip_ask_resident(text: &str) -> Option<&str> {
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || text::is_invisible(c));
    let after = ["问居民", "問居民"]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .or_else(|| {
            t.get(..3)
                .filter(|p| p.eq_ignore_ascii_case("ask"))
                .map(|_| &t[3..])
                .filter(|rest| rest.starts_with([':', '：']))
        })?;
    Some(after.trim_start_matches(|c: char| is_trigger_sep(c) || c == ':' || c == '：'))
}

/// A leading "#N" of a message.
struct OrderRef<'a> {
    /// N, when it is a usable order number (1 ..= i64::MAX).
    number: Option<i64>,
    /// The digits as typed, folded to ASCII.
    digits: Option<String>,
    /// The rest of the message, trimmed.
    rest: &'a str,
}

/// A leading "#42" (or "＃４２") and the rest of the message, trimmed.
fn split_order_ref(input: &str) -> OrderRef<'_> {
    let t = input.trim();
    let none = OrderRef {
        number: None,
        digits: None,
        rest: t,
    };
    // Folding is one char for one char, so a char index in `folded` is one in `t`.
    let folded: Vec<char> = t.chars().map(text::fold_char_for_parse).collect();
    if folded.first() != Some(&'#') {
        return none;
    }
    let n = folded[1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    // "#17号楼" is building 17, not order 17: the number must stand alone.
    let glued = folded
        .get(1 + n)
        .is_some_and(|c| !is_trigger_sep(*c) && !is_punct(*c));
    if n == 0 || glued {
        return none;
    }
    let digits: String = folded[1..1 + n].iter().collect();
    let after = t.char_indices().nth(1 + n).map_or(t.len(), |(b, _)| b);
    OrderRef {
        number: digits.parse::<i64>().ok().filter(|n| *n > 0),
        digits: Some(digits),
        rest: t[after..].trim_start_matches(is_trigger_sep).trim(),
    }
}

// ---------------------------------------------------------------------------------------------
// The parser

/// Reads a whistle message (the text after the trigger or after "/whistle") into a draft.
pub fn parse_whistle(input: &str, cx: &ParseContext) -> Draft {
    let cleaned = text::normalize(input);
    let order_ref = split_order_ref(&cleaned);
    let text = order_ref.rest;
    let f = Folded::new(text);

    let mut named = Vec::new();
    let mut departments = Vec::new();
    let mut alliances = Vec::new();
    for (_, _, party) in scan(&f.chars, &party_patterns(cx), ROLE_SUFFIXES) {
        match party {
            Party::Role(r) => push_unique(&mut named, r),
            Party::Dept(d) => push_unique(&mut departments, d),
            Party::Alliance(a) => push_unique(&mut alliances, a),
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
    } else if !departments.is_empty() || !alliances.is_empty() {
        (Vec::new(), RoleSource::None)
    } else {
        let kw_pats: Vec<Pattern<RoleId>> = cx
            .keywords
            .iter()
            .flat_map(|k| {
                k.words
                    .iter()
                    .filter_map(|w| keyword_pattern(w, k.role.clone()))
            })
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
    let (due, due_note) = match due::due(&f, cx) {
        Some(d) => {
            stops.push((d.start, d.end));
            (d.at, d.note)
        }
        None => (None, None),
    };

    Draft {
        order_ref: order_ref.number,
        order_ref_text: order_ref.digits,
        roles,
        role_source,
        departments,
        alliances,
        grid,
        urgent,
        due,
        due_note,
        location: location::location(&f, &stops),
        text: text.to_string(),
    }
}

#[cfg(test)]
mod tests;
