//! The messages an act causes in chats other than the one it answers: every card of an order
//! brought up to date, escalation notices, reminders, and the outgoing rows they become. Built
//! per chat, each in that chat's language.

use crate::domain::{ChatId, MessageId};
use chrono::{DateTime, Utc};

use super::{Ctx, Result};
use crate::domain::button::ButtonAction;
use crate::domain::escalation::overdue_parties;
use crate::domain::org::{Organisation, Unit};
use crate::domain::parse::{self, AllianceRef, DepartmentRef, ParseContext};
use crate::domain::policy::Level;
use crate::domain::role::DUTY_OFFICER;
use crate::domain::{
    access, EscalationReason, Event, Lang, OrderId, OrderState, PartyTarget, RoleId, Scope,
    TelegramUserId, WhistleOrder,
};
use crate::i18n::ids;
use crate::render::{self, escape, Button, View};
use crate::storage::{Keyboard, Outgoing, Payload, Priority};
use crate::tr;

/// The last guard before a text is queued: whatever it holds, it fits Telegram's limit on a
/// message (the renderers clip each part; this catches what their sum would exceed).
fn fit(html: String) -> String {
    if render::visible_len(&html) <= render::TEXT_LIMIT {
        html
    } else {
        render::clip_html(&html, render::TEXT_LIMIT)
    }
}

/// How long one kind of refusal or hint to one person in one chat stays quiet after it was
/// sent (a flood of unknown commands is answered once).
pub const HINT_QUIET: chrono::Duration = chrono::Duration::minutes(3);

/// A new message in a chat that the bot posts on its own: a notice (a private reminder), in the
/// first class. Answers are `reply`, refusals `refusal`, greetings `greeting`.
pub fn send(chat_id: ChatId, html: String) -> Outgoing {
    Outgoing {
        chat_id,
        payload: Payload::Send {
            html: fit(html),
            buttons: vec![],
            card: None,
            reply_to_card: None,
            reply_to: None,
            keyboard: None,
        },
        priority: Priority::Notice,
    }
}

/// A reply to message `message_id` of a chat: the answer to a person's command or reply.
pub fn reply(chat_id: ChatId, message_id: MessageId, html: String) -> Outgoing {
    Outgoing {
        chat_id,
        payload: Payload::Send {
            html: fit(html),
            buttons: vec![],
            card: None,
            reply_to_card: None,
            reply_to: Some(message_id),
            keyboard: None,
        },
        priority: Priority::Answer,
    }
}

/// A refusal, "unknown command", a usage hint or help, replying to message `message_id`: the
/// last class, after everything that matters to others.
pub fn refusal(chat_id: ChatId, message_id: MessageId, html: String) -> Outgoing {
    reply(chat_id, message_id, html).with_priority(Priority::Hint)
}

/// A greeting in a chat the bot was added to: the last class.
pub fn greeting(chat_id: ChatId, html: String) -> Outgoing {
    send(chat_id, html).with_priority(Priority::Hint)
}

/// A reply to the order's card in a chat: a new message, so that the people it mentions are
/// notified (a card edit notifies nobody). A notice: the first class, after the card's send.
pub fn reply_to_card(
    chat_id: ChatId,
    order: OrderId,
    html: String,
    buttons: Vec<Vec<Button>>,
) -> Outgoing {
    Outgoing {
        chat_id,
        payload: Payload::Send {
            html: fit(html),
            buttons,
            card: None,
            reply_to_card: Some(order),
            reply_to: None,
            keyboard: None,
        },
        priority: Priority::Notice,
    }
}

/// A new card of the order in a chat: it mentions everyone summoned, the first class.
pub fn new_card(
    chat_id: ChatId,
    order: OrderId,
    html: String,
    buttons: Vec<Vec<Button>>,
) -> Outgoing {
    Outgoing {
        chat_id,
        payload: Payload::Send {
            html: fit(html),
            buttons,
            card: Some(order),
            reply_to_card: None,
            reply_to: None,
            keyboard: None,
        },
        priority: Priority::Notice,
    }
}

/// The order's card in a chat brought up to date: an answer's class (it notifies nobody); only
/// the latest of several queued edits goes out.
pub fn edit_card(
    chat_id: ChatId,
    order: OrderId,
    html: String,
    buttons: Vec<Vec<Button>>,
) -> Outgoing {
    Outgoing {
        chat_id,
        payload: Payload::EditCard {
            order,
            html: fit(html),
            buttons,
        },
        priority: Priority::Answer,
    }
}

/// The buttons taken off a notice about the order (`message_id` in a chat): like an edit.
pub fn clear_buttons(chat_id: ChatId, order: OrderId, message_id: MessageId) -> Outgoing {
    Outgoing {
        chat_id,
        payload: Payload::ClearButtons { order, message_id },
        priority: Priority::Answer,
    }
}

/// The scope whose chat a party is summoned in.
fn party_scope(target: &PartyTarget) -> Scope {
    match target {
        PartyTarget::Role { unit, .. } | PartyTarget::DutyOfficers { unit } => {
            Scope::Unit(unit.clone())
        }
        PartyTarget::Department { department } => Scope::Department(department.clone()),
        PartyTarget::Alliance { alliance } => Scope::Alliance(alliance.clone()),
    }
}

/// The chats an order's card belongs in: its unit's chat, and the chat of every summoned
/// party's unit, department or alliance unit, in that order, without repeats.
pub async fn card_chats(ctx: &Ctx, order: &WhistleOrder) -> Result<Vec<ChatId>> {
    let scopes = std::iter::once(Scope::Unit(order.unit.clone()))
        .chain(order.parties.iter().map(|p| party_scope(&p.target)));
    let mut chats = Vec::new();
    for s in scopes {
        if let Some(c) = ctx.store.chat_of(&s).await? {
            if !chats.contains(&c) {
                chats.push(c);
            }
        }
    }
    Ok(chats)
}

/// The messages that bring every card of `order` up to date: edits where a card exists, a new
/// card where none does yet (it mentions everyone, so it notifies them); and notices whose
/// buttons no longer apply lose them. Returns the chats that get a new card.
pub async fn refresh_cards(
    ctx: &Ctx,
    org: &Organisation,
    order: &WhistleOrder,
    events: &[Event],
    extra_chat: Option<ChatId>,
) -> Result<(Vec<Outgoing>, Vec<ChatId>)> {
    let existing: Vec<ChatId> = ctx
        .store
        .cards(order.id)
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let mut chats = card_chats(ctx, order).await?;
    if let Some(c) = extra_chat {
        if !chats.contains(&c) {
            chats.insert(0, c);
        }
    }
    for c in &existing {
        if !chats.contains(c) {
            chats.push(*c);
        }
    }
    let mut out = Vec::new();
    // 确认/退回 are stale once the order is no longer resolved; 接手, the department buttons and
    // the one setting the resolve deadline once it is no longer being handled.
    for (chat, message_id, data) in ctx.store.notices_with_buttons(order.id).await? {
        let verify = data.iter().any(|d| {
            matches!(
                ButtonAction::parse(d),
                Ok(ButtonAction::Verify(_) | ButtonAction::Reopen(_))
            )
        });
        // The button setting the resolve deadline to a time: done once the deadline is that.
        let set_due = data.iter().find_map(|d| match ButtonAction::parse(d) {
            Ok(ButtonAction::SetResolveDue {
                at_unix_minutes, ..
            }) => Some(at_unix_minutes),
            _ => None,
        });
        let stale = if verify {
            order.state != OrderState::Resolved
        } else if let Some(minutes) = set_due {
            !order.state.is_active() || order.resolve_due.timestamp().div_euclid(60) == minutes
        } else {
            !order.state.is_active()
        };
        if stale {
            out.push(clear_buttons(chat, order.id, message_id));
        }
    }
    let mut new_cards = Vec::new();
    for chat in chats {
        let lang = ctx.lang_of(org, chat).await?;
        let view = View {
            org,
            lang,
            now: ctx.now(),
        };
        let (html, buttons) = render::card(&view, order, events);
        if existing.contains(&chat) {
            out.push(edit_card(chat, order.id, html, buttons));
        } else {
            new_cards.push(chat);
            out.push(new_card(chat, order.id, html, buttons));
        }
    }
    Ok((out, new_cards))
}

/// Where a notice about an order goes: the chat of the order's unit (the whistler's) and the
/// chat the act came from, each with its language.
pub async fn notice_chats(
    ctx: &Ctx,
    org: &Organisation,
    from_chat: ChatId,
    order: &WhistleOrder,
) -> Result<Vec<(ChatId, Lang)>> {
    let mut chats = Vec::new();
    if let Some(c) = ctx.store.chat_of(&Scope::Unit(order.unit.clone())).await? {
        chats.push(c);
    }
    if !chats.contains(&from_chat) {
        chats.push(from_chat);
    }
    let mut out = Vec::new();
    for c in chats {
        out.push((c, ctx.lang_of(org, c).await?));
    }
    Ok(out)
}

/// Where an escalation to `level` is announced: that level's unit chat, else the order's own
/// chat; with the chat's language.
pub async fn escalation_chat(
    ctx: &Ctx,
    org: &Organisation,
    order: &WhistleOrder,
    level: Level,
) -> Result<Option<(ChatId, Lang)>> {
    let Some(to_unit) = org.ancestor_at(&order.unit, level) else {
        return Ok(None);
    };
    let chat = match ctx.store.chat_of(&Scope::Unit(to_unit.id.clone())).await? {
        Some(c) => c,
        None => match ctx.store.chat_of(&Scope::Unit(order.unit.clone())).await? {
            Some(c) => c,
            None => return Ok(None),
        },
    };
    Ok(Some((chat, ctx.lang_of(org, chat).await?)))
}

/// The chat an escalation of `order` one level up would be announced in, looked up before the
/// change (the change's closures cannot wait on the database).
pub async fn chat_above(
    ctx: &Ctx,
    org: &Organisation,
    order: &WhistleOrder,
) -> Result<Option<(ChatId, Lang)>> {
    match order.level.up() {
        Some(level) => escalation_chat(ctx, org, order, level).await,
        None => Ok(None),
    }
}

/// The escalation notice: a reply to the card in `chat` with the reason, the timeline so far and
/// the new level's duty officers mentioned; at the sub-district, buttons to whistle the
/// departments the text points to.
pub fn escalation_notice(
    org: &Organisation,
    order: &WhistleOrder,
    history: &[Event],
    why: &EscalationReason,
    (chat, lang): (ChatId, Lang),
    now: DateTime<Utc>,
) -> Option<Outgoing> {
    let to_unit = org.ancestor_at(&order.unit, order.level)?;
    let scope = Scope::Unit(to_unit.id.clone());
    let view = View { org, lang, now };
    let from = org.scope_name(&Scope::Unit(order.unit.clone()));
    let timeline: Vec<String> = history
        .iter()
        .map(|e| render::event_line(&view, order, e))
        .collect();
    let officers = org.holders(&scope, &RoleId::new(DUTY_OFFICER));
    let people: Vec<String> = officers.iter().map(|p| view.mention_named(*p)).collect();
    let mut buttons = vec![vec![Button::new(
        tr!(lang, ids::BUTTON_TAKE_OVER),
        ButtonAction::Report(order.id),
    )]];
    if order.level == Level::Subdistrict {
        buttons.extend(department_buttons(org, order, now));
    }
    let html = tr!(
        lang,
        ids::ESCALATION_NOTICE,
        id = order.id,
        from = escape(&from),
        to = escape(&to_unit.name),
        reason = render::escalation_reason(&view, order, why),
        timeline = render::fit_lines(&timeline, 2500),
        people = people.join(" ")
    );
    Some(reply_to_card(chat, order.id, html, buttons))
}

/// The departments as the whistle parser matches them.
pub fn department_refs(org: &Organisation) -> Vec<DepartmentRef> {
    org.departments
        .iter()
        .map(|d| DepartmentRef {
            id: d.id.to_string(),
            names: std::iter::once(d.name.clone())
                .chain(d.aliases.iter().cloned())
                .collect(),
            handles: d.handles.clone(),
        })
        .collect()
}

/// The alliance units a whistle in the chat of `unit` may name (community, sub-district and
/// district chats; none in a grid's), as the whistle parser matches them.
pub fn alliance_refs(org: &Organisation, unit: &Unit) -> Vec<AllianceRef> {
    if unit.kind == Level::Grid {
        return Vec::new();
    }
    org.alliances_for(&unit.id)
        .into_iter()
        .map(|a| AllianceRef {
            id: a.id.to_string(),
            names: std::iter::once(a.name.clone())
                .chain(a.aliases.iter().cloned())
                .collect(),
        })
        .collect()
}

/// Buttons to whistle departments from an escalated order: those its text points to (by name
/// or `handles`), or every department when it points to none. Already summoned ones are left out.
pub fn department_buttons(
    org: &Organisation,
    order: &WhistleOrder,
    now: DateTime<Utc>,
) -> Vec<Vec<Button>> {
    let catalog = org.catalog();
    let departments = department_refs(org);
    let keywords = parse::default_keywords();
    let cx = ParseContext {
        roles: &catalog,
        departments: &departments,
        match_departments: true,
        alliances: &[],
        grids: &[],
        keywords: &keywords,
        tz: org.timezone,
        now,
    };
    let routed = parse::parse_whistle(&order.text, &cx).departments;
    let summoned = |id: &str| {
        order.parties.iter().any(
            |p| matches!(&p.target, PartyTarget::Department { department } if department.as_str() == id),
        )
    };
    let ids: Vec<String> = if routed.is_empty() {
        org.departments.iter().map(|d| d.id.to_string()).collect()
    } else {
        routed
    };
    let buttons: Vec<Button> = ids
        .iter()
        .filter(|id| !summoned(id))
        .filter_map(|id| org.departments.iter().find(|d| d.id.as_str() == id))
        .map(|d| {
            let action = ButtonAction::WhistleDepartment(order.id, d.id.clone());
            Button::new(format!("📣 {}", d.name), action)
        })
        .collect();
    buttons.chunks(3).map(|c| c.to_vec()).collect()
}

/// Reminders for the parties waiting on the deadline `anchor`: a reply to the card in each
/// party's chat, and a private message to each person who has started the bot.
pub async fn reminders(
    ctx: &Ctx,
    org: &Organisation,
    order: &WhistleOrder,
    anchor: DateTime<Utc>,
) -> Result<Vec<Outgoing>> {
    let now = ctx.now();
    let mut out = Vec::new();
    let mut private_done: Vec<TelegramUserId> = Vec::new();
    for i in overdue_parties(order, anchor) {
        let target = &order.parties[i].target;
        let chat = match ctx.store.chat_of(&party_scope(target)).await? {
            Some(c) => Some(c),
            None => ctx.store.chat_of(&Scope::Unit(order.unit.clone())).await?,
        };
        if let Some(chat) = chat {
            let lang = ctx.lang_of(org, chat).await?;
            let view = View { org, lang, now };
            out.push(reply_to_card(
                chat,
                order.id,
                tr!(
                    lang,
                    ids::REMINDER,
                    id = order.id,
                    party = view.party_label(order, target),
                    people = view.party_mentions(target),
                    time = view.time(anchor),
                    left = view.left(anchor)
                ),
                vec![],
            ));
        }
        for person in access::summoned(org, target).people {
            if private_done.contains(&person) || !ctx.store.has_private_chat(person).await? {
                continue;
            }
            private_done.push(person);
            let lang = ctx.lang_of(org, ChatId(person.0)).await?;
            let view = View { org, lang, now };
            out.push(send(
                ChatId(person.0),
                tr!(
                    lang,
                    ids::REMINDER_PRIVATE,
                    id = order.id,
                    unit = escape(&org.scope_name(&Scope::Unit(order.unit.clone()))),
                    text = escape(&render::clip(&order.text, 200)),
                    time = view.time(anchor),
                    left = view.left(anchor)
                ),
            ));
        }
    }
    Ok(out)
}

/// The whistler of a resolved order nobody has verified is reminded: a reply to the card in
/// the order's chat, mentioning them, with the buttons to verify or reopen. None without a chat.
pub async fn verify_reminder(
    ctx: &Ctx,
    org: &Organisation,
    order: &WhistleOrder,
    resolved: DateTime<Utc>,
) -> Result<Option<Outgoing>> {
    let Some(chat) = ctx.store.chat_of(&Scope::Unit(order.unit.clone())).await? else {
        return Ok(None);
    };
    let lang = ctx.lang_of(org, chat).await?;
    let view = View {
        org,
        lang,
        now: ctx.now(),
    };
    let html = tr!(
        lang,
        ids::VERIFY_REMINDER,
        id = order.id,
        time = view.time(resolved),
        whistler = view.mention_who(order.whistler)
    );
    Ok(Some(reply_to_card(
        chat,
        order.id,
        html,
        render::card_buttons(lang, order),
    )))
}

/// The leaders asked to verify a resolved order its whistler left unverified: a message in the
/// chat of the unit they lead (a reply to the card where the order has one there, else the
/// order's own chat), naming the order and mentioning them, with the buttons to verify or
/// reopen. None when there is nobody to ask or no chat to ask in.
pub async fn verify_ask(
    ctx: &Ctx,
    org: &Organisation,
    order: &WhistleOrder,
    resolved: DateTime<Utc>,
    (unit, people): (Option<crate::domain::UnitId>, &[TelegramUserId]),
) -> Result<Option<Outgoing>> {
    let own = Scope::Unit(order.unit.clone());
    let theirs = match unit {
        Some(u) => ctx.store.chat_of(&Scope::Unit(u)).await?,
        None => None,
    };
    let chat = match theirs {
        Some(c) => c,
        None => match ctx.store.chat_of(&own).await? {
            Some(c) => c,
            None => return Ok(None),
        },
    };
    let lang = ctx.lang_of(org, chat).await?;
    let view = View {
        org,
        lang,
        now: ctx.now(),
    };
    let mentions: Vec<String> = people.iter().map(|p| view.mention_named(*p)).collect();
    let html = tr!(
        lang,
        ids::VERIFY_ASK,
        id = order.id,
        unit = escape(&org.scope_name(&own)),
        text = escape(&render::clip(&order.text, 200)),
        time = view.time(resolved),
        whistler = view.who(order.whistler),
        people = mentions.join(" ")
    );
    Ok(Some(reply_to_card(
        chat,
        order.id,
        html,
        render::verify_buttons(lang, order),
    )))
}

/// A caption that fits Telegram's limit on one (`render::CAPTION_LIMIT`); an empty one is none.
fn fit_caption(html: Option<String>) -> Option<String> {
    let html = html.filter(|h| !h.trim().is_empty())?;
    if render::visible_len(&html) <= render::CAPTION_LIMIT {
        Some(html)
    } else {
        Some(render::clip_html(&html, render::CAPTION_LIMIT))
    }
}

/// Photos (Telegram `file_id`s) in a chat: one as a photo, 2–10 as an album, more as several
/// albums in order; `caption` (HTML, escaped by the caller) on the first, clipped to a
/// caption's length. With `reply_to_card` they reply to the order's card there and wait for
/// its send: a notice about the order (the first class); without, an answer (a private one).
pub fn photos(
    chat_id: ChatId,
    photos: Vec<String>,
    caption: Option<String>,
    reply_to_card: Option<OrderId>,
) -> Outgoing {
    Outgoing {
        chat_id,
        payload: Payload::Photos {
            photos,
            caption: fit_caption(caption),
            reply_to_card,
            reply_to: None,
        },
        priority: if reply_to_card.is_some() {
            Priority::Notice
        } else {
            Priority::Answer
        },
    }
}

/// A copy of message `message_id` of chat `from_chat` in a chat (`copyMessage`: the copy names
/// nobody, unlike a forward). With `reply_to_card` it replies to the order's card there and
/// waits for its send: a notice about the order; without, an answer (a private one).
pub fn copy(
    chat_id: ChatId,
    from_chat: ChatId,
    message_id: MessageId,
    reply_to_card: Option<OrderId>,
) -> Outgoing {
    Outgoing {
        chat_id,
        payload: Payload::Copy {
            from_chat,
            message_id,
            reply_to_card,
            reply_to: None,
        },
        priority: if reply_to_card.is_some() {
            Priority::Notice
        } else {
            Priority::Answer
        },
    }
}

/// A private answer that shows a reply keyboard (asking for a location) or takes it away. Reply
/// keyboards carry no inline buttons (see `storage::Keyboard`); a location button works in
/// private chats only.
pub fn send_with_keyboard(chat_id: ChatId, html: String, keyboard: Keyboard) -> Outgoing {
    with_keyboard(
        send(chat_id, html).with_priority(Priority::Answer),
        keyboard,
    )
}

/// The same message showing `keyboard` (or, with `Keyboard::Remove`, taking one away); only a
/// `Send` carries a reply keyboard.
pub fn with_keyboard(mut out: Outgoing, keyboard: Keyboard) -> Outgoing {
    if let Payload::Send { keyboard: k, .. } = &mut out.payload {
        *k = Some(keyboard);
    }
    out
}
