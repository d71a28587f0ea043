//! What people see: the order card, timelines, lists, rosters and help, as Telegram HTML.
//! Every word comes from the locales; every piece of user text goes through `escape`.

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;

use crate::domain::button::ButtonAction;
use crate::domain::org::Organisation;
use crate::domain::{
    EscalationReason, Event, EventKind, Lang, OrderState, PartyTarget, RoleId, Scope,
    TelegramUserId, WhistleOrder,
};
use crate::i18n::{ids, level_name};
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

/// Cuts text to at most `max` characters, marking the cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
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

    /// A person's name, escaped.
    pub fn name(&self, id: TelegramUserId) -> String {
        escape(
            &self
                .org
                .person(id)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| id.0.to_string()),
        )
    }

    /// A mention that notifies the person by id: `@username` as its text when known.
    pub fn mention(&self, id: TelegramUserId) -> String {
        let text = match self.org.person(id) {
            Some(p) => match &p.username {
                Some(u) => format!("@{}", escape(u)),
                None => escape(&p.name),
            },
            None => id.0.to_string(),
        };
        format!("<a href=\"tg://user?id={}\">{text}</a>", id.0)
    }

    /// A mention followed by the person's name, when the link text is a username.
    pub fn mention_named(&self, id: TelegramUserId) -> String {
        match self.org.person(id) {
            Some(p) if p.username.is_some() => format!("{} {}", self.mention(id), escape(&p.name)),
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
    (out.trim_end().to_string(), card_buttons(v.lang, order))
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
    let whistler_roles: Vec<String> = v
        .org
        .roles_of(order.whistler, &Scope::Unit(order.unit.clone()))
        .iter()
        .map(|r| v.role(r))
        .collect();
    out.push_str(&if whistler_roles.is_empty() {
        tr!(lang, ids::CARD_WHISTLER, name = v.name(order.whistler))
    } else {
        tr!(
            lang,
            ids::CARD_WHISTLER_ROLE,
            name = v.name(order.whistler),
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
    let who = |e: &Event| e.actor.map(|a| v.name(a)).unwrap_or_default();
    let line = match order.state {
        OrderState::Resolved => last(&|k| matches!(k, EventKind::Resolved { .. })).map(|e| {
            let note = match &e.kind {
                EventKind::Resolved { note } => note_suffix(lang, note.as_deref(), 500),
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
                tr!(
                    lang,
                    ids::CARD_PLEASE_VERIFY,
                    whistler = v.mention(order.whistler)
                )
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

/// Why an order rose, in words.
pub fn escalation_reason(v: &View, order: &WhistleOrder, why: &EscalationReason) -> String {
    match why {
        EscalationReason::NotReported { parties } => {
            let labels: Vec<String> = parties.iter().map(|p| v.party_label(order, p)).collect();
            tr!(
                v.lang,
                ids::WHY_NOT_REPORTED,
                parties = join(v.lang, &labels)
            )
        }
        EscalationReason::NotResolved => tr!(v.lang, ids::WHY_NOT_RESOLVED),
        EscalationReason::ReopenedTwice => tr!(v.lang, ids::WHY_REOPENED_TWICE),
        EscalationReason::Asked { reason } => escape(&clip(reason, 300)),
    }
}

/// One line of an order's timeline.
pub fn event_line(v: &View, order: &WhistleOrder, e: &Event) -> String {
    let lang = v.lang;
    let who = e
        .actor
        .map(|a| v.name(a))
        .unwrap_or_else(|| tr!(lang, ids::ACTOR_SYSTEM));
    let what = match &e.kind {
        EventKind::Created => tr!(lang, ids::EV_CREATED, name = who),
        EventKind::PartyAdded { target } => {
            tr!(
                lang,
                ids::EV_PARTY_ADDED,
                party = v.party_label(order, target)
            )
        }
        EventKind::Reported { target } => {
            tr!(
                lang,
                ids::EV_REPORTED,
                name = who,
                party = v.party_label(order, target)
            )
        }
        EventKind::Note { text } => tr!(
            lang,
            ids::EV_NOTE,
            name = who,
            text = escape(&clip(text, 300))
        ),
        EventKind::Resolved { note } => tr!(
            lang,
            ids::EV_RESOLVED,
            name = who,
            note = note_suffix(lang, note.as_deref(), 300)
        ),
        EventKind::Verified => tr!(lang, ids::EV_VERIFIED, name = who),
        EventKind::Reopened { reason } => {
            tr!(
                lang,
                ids::EV_REOPENED,
                name = who,
                reason = escape(&clip(reason, 300))
            )
        }
        EventKind::Cancelled { reason } => {
            tr!(
                lang,
                ids::EV_CANCELLED,
                name = who,
                reason = escape(&clip(reason, 300))
            )
        }
        EventKind::Escalated { to, why, .. } => tr!(
            lang,
            ids::EV_ESCALATED,
            level = level_name(lang, *to),
            reason = escalation_reason(v, order, why)
        ),
        EventKind::Reminded { target } => {
            tr!(lang, ids::EV_REMINDED, party = v.party_label(order, target))
        }
        EventKind::DeliveryFailed { reason, .. } => {
            tr!(lang, ids::EV_DELIVERY_FAILED, reason = escape(reason))
        }
        EventKind::ResolveDueSet { to, .. } => {
            tr!(
                lang,
                ids::EV_RESOLVE_DUE_SET,
                name = who,
                time = v.time(*to)
            )
        }
    };
    format!("{} {what}", v.time(e.at))
}

/// `/show`: the card's text, then the timeline and how long is left.
pub fn details(v: &View, order: &WhistleOrder, events: &[Event]) -> String {
    let (card_text, _) = card(v, order, events);
    let mut out = card_text;
    out.push_str(&format!("\n\n<b>{}</b>\n", tr!(v.lang, ids::SHOW_TIMELINE)));
    for e in events {
        out.push_str(&event_line(v, order, e));
        out.push('\n');
    }
    if order.state.is_active() {
        if let Some(first_due) = order.waiting().map(|(_, p)| p.ack_due).min() {
            out.push_str(&tr!(v.lang, ids::SHOW_ACK_LEFT, left = v.left(first_due)));
            out.push('\n');
        }
        out.push_str(&tr!(
            v.lang,
            ids::SHOW_RESOLVE_LEFT,
            left = v.left(order.resolve_due)
        ));
    }
    clip_html_lines(out.trim_end(), 4000)
}

/// Keeps whole lines up to `max` characters, so a long timeline never breaks a tag.
pub fn clip_html_lines(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for line in s.lines() {
        if out.chars().count() + line.chars().count() + 2 > max {
            out.push('…');
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `/list`: one line per order.
pub fn order_line(v: &View, order: &WhistleOrder) -> String {
    let reported = order.parties.iter().filter(|p| p.report.is_some()).count();
    let state = match order.state {
        OrderState::Open => "⏳",
        OrderState::Reported => "🛠",
        OrderState::Resolved => "☑️",
        OrderState::Closed => "✅",
        OrderState::Cancelled => "🚫",
    };
    format!(
        "{state} #{} {}/{} · {} · {}",
        order.id.0,
        reported,
        order.parties.len(),
        escape(&clip(&order.text, 40)),
        v.left(order.resolve_due)
    )
}
