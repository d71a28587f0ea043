//! What people see: the order card, timelines, lists, rosters and help, as Telegram HTML.
//! Every word comes from the locales; every piece of user text goes through `escape`.

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;

use crate::domain::button::ButtonAction;
use crate::domain::org::Organisation;
use crate::domain::{
    Event, EventKind, Lang, OrderState, PartyTarget, RoleId, Scope, TelegramUserId, WhistleOrder,
    Who,
};
use crate::i18n::ids;
use crate::tr;

/// One inline button under a message: its label and the data it sends back when pressed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Button {
    pub label: String,
    /// `ButtonAction::encode`d: the one format, parsed back with `ButtonAction::parse`.
    pub data: String,
}

impl Button {
    /// A button that sends `action` back when pressed (encoded in Telegram's 64 bytes).
    pub fn new(label: String, action: ButtonAction) -> Button {
        Button {
            label,
            data: action.encode(),
        }
    }

    /// What the button does, if its data still means anything.
    pub fn action(&self) -> Option<ButtonAction> {
        ButtonAction::parse(&self.data).ok()
    }
}

/// Escapes user text for Telegram's HTML parse mode.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Items joined the way the language lists them ("、" or ", ").
pub fn join(lang: Lang, items: &[String]) -> String {
    // Fluent trims a message's surrounding spaces, so English's ", " is rebuilt here.
    let sep = tr!(lang, ids::LIST_SEP);
    let sep = if sep == "," { ", ".to_string() } else { sep };
    items.join(&sep)
}

/// ": note" (or "：note"), escaped and clipped; empty without a note.
pub fn note_suffix(lang: Lang, note: Option<&str>, max: usize) -> String {
    note.map(|n| tr!(lang, ids::NOTE_SUFFIX, note = escape(&clip(n, max))))
        .unwrap_or_default()
}

/// The text with its first letter in upper case (Chinese is unchanged).
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Telegram's limit on a message's text, in UTF-16 code units of the visible text (after the
/// HTML is parsed: markup counts nothing, `&lt;` counts one, an emoji outside the BMP two).
pub const TEXT_LIMIT: usize = 4096;
/// Telegram's limit on a caption, measured the same way.
pub const CAPTION_LIMIT: usize = 1024;

/// The longest name or username shown, in UTF-16 units (Telegram's own are at most 64 and 32;
/// the organisation file's may be anything).
pub const NAME_MAX: usize = 64;

/// Length in UTF-16 code units, the unit Telegram measures text in.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Cuts plain text to at most `max` UTF-16 code units, marking the cut with "…". Measured
/// before escaping: escaping does not change what Telegram counts.
pub fn clip(s: &str, max: usize) -> String {
    if utf16_len(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let budget = max - 1; // "…" is one unit
    let mut t = String::new();
    let mut used = 0;
    for c in s.chars() {
        used += c.len_utf16();
        if used > budget {
            break;
        }
        t.push(c);
    }
    // A joiner left dangling at the cut would glue the "…" to half an emoji.
    while t.ends_with('\u{200D}') {
        t.pop();
    }
    t.push('…');
    t
}

/// One piece of our own HTML: a tag, or one visible character (an entity is one).
enum Piece<'a> {
    Open(&'a str),
    Close,
    Text(&'a str, usize),
}

/// Splits HTML as `render` writes it (tags, `&…;` entities, text) into pieces. A `&` that
/// starts no entity and a `<` without its `>` are text, as Telegram would keep them.
fn pieces(html: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = html;
    std::iter::from_fn(move || {
        let c = rest.chars().next()?;
        let (piece, len) = match c {
            '<' if rest.contains('>') => {
                let end = rest.find('>').unwrap_or(0) + 1;
                let tag = &rest[..end];
                if tag.starts_with("</") {
                    (Piece::Close, end)
                } else {
                    let name_end = tag[1..]
                        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                        .map_or(tag.len(), |i| i + 1);
                    (Piece::Open(&tag[1..name_end]), end)
                }
            }
            '&' => match entity_width(rest) {
                Some((len, units)) => (Piece::Text(&rest[..len], units), len),
                None => (Piece::Text("&", 1), 1),
            },
            _ => (
                Piece::Text(&rest[..c.len_utf8()], c.len_utf16()),
                c.len_utf8(),
            ),
        };
        rest = &rest[len..];
        Some(piece)
    })
}

/// The byte length of the entity `s` starts with, and the UTF-16 units it stands for.
fn entity_width(s: &str) -> Option<(usize, usize)> {
    let end = s.char_indices().take(12).find(|(_, c)| *c == ';')?.0;
    let name = &s[1..end];
    let units = match name {
        "amp" | "lt" | "gt" | "quot" => 1,
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)?.len_utf16()
        }
    };
    Some((end + 1, units))
}

/// The length Telegram measures of our HTML: UTF-16 units of its visible text.
pub fn visible_len(html: &str) -> usize {
    pieces(html)
        .map(|p| match p {
            Piece::Text(_, units) => units,
            _ => 0,
        })
        .sum()
}

/// Cuts HTML to at most `max` UTF-16 units of visible text, marking the cut with "…" and
/// closing the tags left open, so the result still parses. The last guard before a message
/// leaves: whatever a text holds, it fits Telegram's limit.
pub fn clip_html(html: &str, max: usize) -> String {
    if visible_len(html) <= max {
        return html.to_string();
    }
    let budget = max.saturating_sub(1);
    let mut out = String::new();
    let mut open: Vec<&str> = Vec::new();
    let mut used = 0;
    let mut rest = html;
    for p in pieces(html) {
        let (piece_len, stop) = match p {
            Piece::Open(name) => {
                open.push(name);
                (rest.find('>').map_or(rest.len(), |i| i + 1), false)
            }
            Piece::Close => {
                open.pop();
                (rest.find('>').map_or(rest.len(), |i| i + 1), false)
            }
            Piece::Text(t, units) => {
                used += units;
                (t.len(), used > budget)
            }
        };
        if stop {
            break;
        }
        out.push_str(&rest[..piece_len]);
        rest = &rest[piece_len..];
    }
    while out.ends_with('\u{200D}') {
        out.pop();
    }
    if max > 0 {
        out.push('…');
    }
    for name in open.iter().rev() {
        out.push_str(&format!("</{name}>"));
    }
    out
}

/// Lines of HTML joined to fit in `max` visible units: all of them when they fit; else the
/// first, "…" for those left out, and as many of the latest as fit (the latest matter most),
/// with a line too long for the room clipped. A line never loses a closing tag.
pub fn fit_lines(lines: &[String], max: usize) -> String {
    let joined = lines.join("\n");
    if visible_len(&joined) <= max {
        return joined;
    }
    let Some((first, later)) = lines.split_first() else {
        return String::new();
    };
    if later.is_empty() {
        return clip_html(first, max);
    }
    // "…" and the newlines around it.
    let room = max.saturating_sub(3);
    let first = clip_html(first, room / 2);
    let mut left = room.saturating_sub(visible_len(&first));
    let mut tail: Vec<String> = Vec::new();
    for line in later.iter().rev() {
        let len = visible_len(line) + usize::from(!tail.is_empty());
        if len <= left {
            left -= len;
            tail.push(line.clone());
        } else {
            if tail.is_empty() && left > 0 {
                tail.push(clip_html(line, left));
            }
            break;
        }
    }
    let all_later = tail.len() == later.len();
    tail.reverse();
    let mut out = first;
    if !all_later {
        out.push_str("\n…"); // lines left out
    }
    if !tail.is_empty() {
        out.push('\n');
        out.push_str(&tail.join("\n"));
    }
    clip_html(&out, max)
}

/// Everything rendering needs besides the order.
pub struct View<'a> {
    pub org: &'a Organisation,
    pub lang: Lang,
    pub now: DateTime<Utc>,
}

impl View<'_> {
    fn tz(&self) -> Tz {
        self.org.timezone
    }

    /// A person's name, escaped (and clipped: a name is not a place for a story).
    pub fn name(&self, id: TelegramUserId) -> String {
        match self.org.person(id) {
            Some(p) => escape(&clip(&p.name, NAME_MAX)),
            None => id.0.to_string(),
        }
    }

    /// Who did something: a member's name, or "居民 #k" for a resident (never their name).
    pub fn who(&self, who: Who) -> String {
        match who {
            Who::Member(id) => self.name(id),
            Who::Resident(no) => tr!(self.lang, ids::RESIDENT_LABEL, no = no.0),
        }
    }

    /// A mention of a member; a resident is never mentioned in a group, only named "居民 #k".
    pub fn mention_who(&self, who: Who) -> String {
        match who {
            Who::Member(id) => self.mention(id),
            Who::Resident(_) => self.who(who),
        }
    }

    /// A mention that notifies the person by id: `@username` as its text when known.
    pub fn mention(&self, id: TelegramUserId) -> String {
        let text = match self.org.person(id) {
            Some(p) => match &p.username {
                Some(u) => format!("@{}", escape(&clip(u, NAME_MAX))),
                None => escape(&clip(&p.name, NAME_MAX)),
            },
            None => id.0.to_string(),
        };
        format!("<a href=\"tg://user?id={}\">{text}</a>", id.0)
    }

    /// A mention followed by the person's name, when the link text is a username.
    pub fn mention_named(&self, id: TelegramUserId) -> String {
        match self.org.person(id) {
            Some(p) if p.username.is_some() => format!("{} {}", self.mention(id), self.name(id)),
            _ => self.mention(id),
        }
    }

    pub fn role(&self, role: &RoleId) -> String {
        escape(self.org.catalog().display(role, self.lang.code()))
    }

    /// Local time, short: "14:32", "明天 09:00", "11-30 14:32".
    pub fn time(&self, t: DateTime<Utc>) -> String {
        let local = self.tz().from_utc_datetime(&t.naive_utc());
        let today = self
            .tz()
            .from_utc_datetime(&self.now.naive_utc())
            .date_naive();
        let hm = local.format("%H:%M").to_string();
        let day = local.date_naive();
        if day == today {
            tr!(self.lang, ids::TIME_TODAY, hm = hm)
        } else if Some(day) == today.succ_opt() {
            tr!(self.lang, ids::TIME_TOMORROW, hm = hm)
        } else {
            tr!(
                self.lang,
                ids::TIME_DATE,
                md = local.format("%m-%d").to_string(),
                hm = hm
            )
        }
    }

    /// "25 分钟" / "3 小时 10 分钟" / "2 天".
    pub fn span(&self, d: Duration) -> String {
        let mins = d.num_minutes().abs().max(1);
        if mins < 60 {
            tr!(self.lang, ids::SPAN_MINUTES, n = mins)
        } else if mins < 48 * 60 {
            tr!(self.lang, ids::SPAN_HOURS, h = mins / 60, m = mins % 60)
        } else {
            tr!(self.lang, ids::SPAN_DAYS, n = mins / (24 * 60))
        }
    }

    /// "还剩 25 分钟" or "已超时 5 分钟".
    pub fn left(&self, due: DateTime<Utc>) -> String {
        let d = due - self.now;
        if d >= Duration::zero() {
            tr!(self.lang, ids::LEFT, span = self.span(d))
        } else {
            tr!(self.lang, ids::OVERDUE_BY, span = self.span(d))
        }
    }

    /// The name of what a party is: a role (with its unit when not the order's own), a unit's
    /// duty officers, or a department.
    pub fn party_label(&self, order: &WhistleOrder, target: &PartyTarget) -> String {
        match target {
            PartyTarget::Role { unit, role } if unit == &order.unit => self.role(role),
            PartyTarget::Role { unit, role } => format!(
                "{} · {}",
                escape(&self.org.scope_name(&Scope::Unit(unit.clone()))),
                self.role(role)
            ),
            PartyTarget::DutyOfficers { unit } => tr!(
                self.lang,
                ids::PARTY_DUTY_OFFICERS,
                unit = escape(&self.org.scope_name(&Scope::Unit(unit.clone())))
            ),
            PartyTarget::Department { department } => {
                escape(&self.org.scope_name(&Scope::Department(department.clone())))
            }
            PartyTarget::Alliance { alliance } => {
                escape(&self.org.scope_name(&Scope::Alliance(alliance.clone())))
            }
        }
    }

    /// The people a party summons, and whether they stand in for a vacant role
    /// (`access::summoned`, the one vacancy rule).
    pub fn party_people(&self, target: &PartyTarget) -> (Vec<TelegramUserId>, bool) {
        let s = crate::domain::access::summoned(self.org, target);
        (s.people, s.vacant)
    }

    /// Mentions of everyone a party summons, with the "nobody holds it" note when so.
    pub fn party_mentions(&self, target: &PartyTarget) -> String {
        let (people, vacant) = self.party_people(target);
        let mentions: Vec<String> = people.iter().map(|p| self.mention_named(*p)).collect();
        let mentions = mentions.join(" ");
        if vacant {
            tr!(self.lang, ids::PARTY_VACANT, leaders = mentions)
        } else if people.is_empty() {
            tr!(self.lang, ids::PARTY_NOBODY)
        } else {
            mentions
        }
    }
}

/// The order card: one message per order and chat, edited in place. Head (title, text, place
/// and deadlines, whistler), the checklist of parties, and how the order stands.
pub fn card(v: &View, order: &WhistleOrder, events: &[Event]) -> (String, Vec<Vec<Button>>) {
    let mut out = card_head(v, order);
    out.push_str("\n\n");
    out.push_str(&checklist(v, order));
    out.push_str(&card_state(v, order, events));
    (
        clip_html(out.trim_end(), TEXT_LIMIT),
        card_buttons(v.lang, order),
    )
}

/// The card's title, text, place and deadlines, whistler, and the level it was raised to.
fn card_head(v: &View, order: &WhistleOrder) -> String {
    let lang = v.lang;
    let unit = escape(&v.org.scope_name(&Scope::Unit(order.unit.clone())));
    let mut out = String::new();
    let title = if order.urgent {
        tr!(lang, ids::CARD_TITLE_URGENT, id = order.id, unit = unit)
    } else {
        tr!(lang, ids::CARD_TITLE, id = order.id, unit = unit)
    };
    out.push_str(&format!("<b>{title}</b>\n"));
    out.push_str(&escape(&clip(&order.text, 1500)));
    out.push('\n');
    let facts = card_facts(v, order);
    if !facts.is_empty() {
        out.push_str(&facts.join(" · "));
        out.push('\n');
    }
    let whistler_roles: Vec<String> = match order.whistler {
        Who::Member(id) => v
            .org
            .roles_of(id, &Scope::Unit(order.unit.clone()))
            .iter()
            .map(|r| v.role(r))
            .collect(),
        Who::Resident(_) => Vec::new(),
    };
    out.push_str(&if whistler_roles.is_empty() {
        tr!(lang, ids::CARD_WHISTLER, name = v.who(order.whistler))
    } else {
        tr!(
            lang,
            ids::CARD_WHISTLER_ROLE,
            name = v.who(order.whistler),
            role = join(lang, &whistler_roles)
        )
    });
    let own_level = v.org.unit(&order.unit).map(|u| u.kind);
    if own_level.is_some_and(|l| order.level > l) {
        if let Some(to) = v.org.ancestor_at(&order.unit, order.level) {
            out.push('\n');
            out.push_str(&tr!(lang, ids::CARD_ESCALATED, unit = escape(&to.name)));
        }
    }
    out
}

/// 📍 place · ⏰ the next report deadline still ahead · the resolve deadline.
fn card_facts(v: &View, order: &WhistleOrder) -> Vec<String> {
    let lang = v.lang;
    let mut facts = Vec::new();
    if let Some(loc) = &order.location {
        facts.push(format!("📍 {}", escape(&clip(loc, 200))));
    }
    if order.state.is_active() {
        // Overdue parties carry ⚠️ instead.
        let next_due = order
            .waiting()
            .map(|(_, p)| p.ack_due)
            .filter(|d| *d >= v.now)
            .min();
        if let Some(first_due) = next_due {
            facts.push(format!(
                "⏰ {}",
                tr!(lang, ids::CARD_ACK_BY, time = v.time(first_due))
            ));
        }
        facts.push(tr!(
            lang,
            ids::CARD_RESOLVE_BY,
            time = v.time(order.resolve_due)
        ));
    }
    facts
}

/// One line per party: ✅ reported (who, when), ⚠️ overdue, ⏳ waiting, with mentions.
fn checklist(v: &View, order: &WhistleOrder) -> String {
    let mut out = String::new();
    for p in &order.parties {
        // A checklist line starts with the role: capitalised where the script has capitals.
        let label = capitalise(&v.party_label(order, &p.target));
        match &p.report {
            Some(r) => out.push_str(&format!(
                "✅ {label}  {}\n",
                tr!(
                    v.lang,
                    ids::CARD_REPORTED,
                    name = v.name(r.by),
                    time = v.time(r.at)
                )
            )),
            None if order.state.is_active() && p.ack_due < v.now => {
                out.push_str(&format!("⚠️ {label}  {}\n", v.party_mentions(&p.target)))
            }
            None => out.push_str(&format!("⏳ {label}  {}\n", v.party_mentions(&p.target))),
        }
    }
    out
}

/// How the order stands, from its latest event of that kind: resolved (and please verify),
/// closed, cancelled, or reopened.
fn card_state(v: &View, order: &WhistleOrder, events: &[Event]) -> String {
    let lang = v.lang;
    let last = |f: &dyn Fn(&EventKind) -> bool| events.iter().rev().find(|e| f(&e.kind));
    let who = |e: &Event| e.actor.map(|a| v.who(a)).unwrap_or_default();
    let line = match order.state {
        OrderState::Resolved => last(&|k| matches!(k, EventKind::Resolved { .. })).map(|e| {
            let note = match &e.kind {
                EventKind::Resolved { note, .. } => note_suffix(lang, note.as_deref(), 500),
                _ => String::new(),
            };
            format!(
                "{}\n{}",
                tr!(
                    lang,
                    ids::CARD_RESOLVED,
                    name = who(e),
                    time = v.time(e.at),
                    note = note
                ),
                match order.whistler {
                    Who::Member(_) => tr!(
                        lang,
                        ids::CARD_PLEASE_VERIFY,
                        whistler = v.mention_who(order.whistler)
                    ),
                    Who::Resident(_) => {
                        tr!(lang, ids::RES_CARD_WAIT, who = v.who(order.whistler))
                    }
                }
            )
        }),
        OrderState::Closed => last(&|k| matches!(k, EventKind::Verified))
            .map(|e| tr!(lang, ids::CARD_CLOSED, name = who(e), time = v.time(e.at))),
        OrderState::Cancelled => last(&|k| matches!(k, EventKind::Cancelled { .. })).map(|e| {
            let reason = match &e.kind {
                EventKind::Cancelled { reason } => escape(&clip(reason, 300)),
                _ => String::new(),
            };
            tr!(
                lang,
                ids::CARD_CANCELLED,
                name = who(e),
                time = v.time(e.at),
                reason = reason
            )
        }),
        OrderState::Open | OrderState::Reported if order.reopen_count > 0 => {
            match last(&|k| matches!(k, EventKind::Reopened { .. })).map(|e| &e.kind) {
                Some(EventKind::Reopened { reason }) => Some(tr!(
                    lang,
                    ids::CARD_REOPENED,
                    reason = escape(&clip(reason, 300))
                )),
                _ => None,
            }
        }
        OrderState::Open | OrderState::Reported => None,
    };
    line.map(|l| format!("\n{l}")).unwrap_or_default()
}

/// The buttons a card offers in its state.
pub fn card_buttons(lang: Lang, order: &WhistleOrder) -> Vec<Vec<Button>> {
    let id = order.id;
    let resident = matches!(order.whistler, Who::Resident(_));
    // A resident's resolved order waits for the resident's answer in their private chat; the
    // leader's 确认 / 退回 come with the ask after `rate_within` (`verify_buttons`).
    let mut rows = if resident && order.state == OrderState::Resolved {
        Vec::new()
    } else {
        state_buttons(lang, order)
    };
    // A resident's order can be asked about (the toast says how) while it is not closed.
    if matches!(order.whistler, Who::Resident(_))
        && !matches!(order.state, OrderState::Closed | OrderState::Cancelled)
    {
        rows.push(vec![Button::new(
            tr!(lang, ids::BUTTON_ASK_RESIDENT),
            ButtonAction::AskResident(id),
        )]);
    }
    rows
}

/// 确认 / 退回, for asking someone to verify a resolved order.
pub fn verify_buttons(lang: Lang, order: &WhistleOrder) -> Vec<Vec<Button>> {
    vec![vec![
        Button::new(
            tr!(lang, ids::BUTTON_VERIFY),
            ButtonAction::Verify(order.id),
        ),
        Button::new(
            tr!(lang, ids::BUTTON_REOPEN),
            ButtonAction::Reopen(order.id),
        ),
    ]]
}

/// The buttons for what can be done in the order's state.
fn state_buttons(lang: Lang, order: &WhistleOrder) -> Vec<Vec<Button>> {
    let id = order.id;
    match order.state {
        OrderState::Open => vec![vec![
            Button::new(tr!(lang, ids::BUTTON_REPORT), ButtonAction::Report(id)),
            Button::new(tr!(lang, ids::BUTTON_RESOLVE), ButtonAction::Resolve(id)),
        ]],
        OrderState::Reported => vec![vec![Button::new(
            tr!(lang, ids::BUTTON_RESOLVE),
            ButtonAction::Resolve(id),
        )]],
        OrderState::Resolved => vec![vec![
            Button::new(tr!(lang, ids::BUTTON_VERIFY), ButtonAction::Verify(id)),
            Button::new(tr!(lang, ids::BUTTON_REOPEN), ButtonAction::Reopen(id)),
        ]],
        OrderState::Closed | OrderState::Cancelled => vec![],
    }
}

mod timeline;
pub use timeline::{details, escalation_reason, event_line, order_line, satisfaction_name};

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
