//! Routing in a private chat: residents (and staff reporting as residents) talk to the bot
//! here. Commands: /start [unit], /report, /my, /lang, /help, /forget, /cancel (no number).
//! Any other message goes to the residents' acts (an answer, a step of the dialogue, or a new
//! report). Nobody's name or username from a private chat is stored among the people the
//! groups mention.

use crate::acts::residents::{self, Private};
use crate::acts::{notices, roster, Ctx, Result};
use crate::domain::button::ButtonAction;
use crate::domain::geo::Point;
use crate::domain::resident::{Input, Place};
use crate::domain::ChatId;
use crate::i18n::ids;
use crate::tr;

use super::commands::{Command, Typed};
use super::handlers::Incoming;
use super::{replies, views};

/// The person and what they sent, for the residents' acts.
fn private_of(inc: &Incoming) -> Option<Private> {
    let from = inc.from.clone()?;
    let place = match (&inc.venue, inc.location) {
        (Some(v), _) => Some(Place::Point {
            at: Point {
                lat: v.lat,
                lon: v.lon,
            },
            label: Some(v.label()).filter(|l| !l.is_empty()),
        }),
        (None, Some((lat, lon))) => Some(Place::Point {
            at: Point { lat, lon },
            label: None,
        }),
        _ => None,
    };
    let text = Some(inc.text.trim().to_string()).filter(|t| !t.is_empty());
    Some(Private {
        chat_id: inc.chat_id,
        message_id: inc.message_id,
        from,
        language: inc.language.clone(),
        input: Input {
            // A venue's title and address come as its place, not as a description.
            text: if inc.venue.is_some() { None } else { text },
            photos: inc.photo.iter().cloned().collect(),
            place,
            media_group: inc.media_group.clone(),
        },
        reply_to: inc
            .reply_to
            .as_ref()
            .filter(|r| r.from_bot)
            .map(|r| r.message_id),
    })
}

/// A message in a private chat.
pub async fn on_message(ctx: &Ctx, inc: &Incoming, cmd: Option<Command>) -> Result<()> {
    let Some(p) = private_of(inc) else {
        return Ok(());
    };
    let Some(cmd) = cmd else {
        return residents::message(ctx, &p).await;
    };
    // `/cancel` without a number ends the dialogue; with one it is a group command.
    if let Command::Cancel(a) = &cmd {
        if a.trim().is_empty() {
            return residents::cancel(ctx, &p).await;
        }
    }
    let here = ctx.here(inc.chat_id).await?;
    let lang = here.lang;
    let typed = match cmd.typed() {
        Ok(t) => t,
        Err(_) => return group_only(ctx, inc, lang).await,
    };
    match typed {
        Typed::Start(link) => {
            let org = &here.org;
            if !org.memberships_of(p.from.id).is_empty() || org.is_admin(p.from.id) {
                // Staff: reminders and verification asks may come here.
                ctx.store.set_private_chat(p.from.id).await?;
            }
            residents::start(ctx, &p, link.as_deref()).await
        }
        Typed::Help => {
            let org = &here.org;
            let mut html = tr!(lang, ids::RES_HELP);
            if !org.memberships_of(p.from.id).is_empty() || org.is_admin(p.from.id) {
                html = format!("{html}\n\n{}", views::help(&here, inc));
            }
            ctx.queue(vec![notices::refusal(inc.chat_id, inc.message_id, html)])
                .await
        }
        Typed::Lang(l) => {
            let set = roster::set_lang(ctx, &here, &p.from, false, l).await?;
            let html = replies::lang_set(&here, set);
            ctx.queue(vec![notices::reply(inc.chat_id, inc.message_id, html)])
                .await
        }
        Typed::Report => residents::begin(ctx, &p).await,
        Typed::My => residents::my(ctx, &p).await,
        Typed::Forget => residents::forget(ctx, &p).await,
        _ => group_only(ctx, inc, lang).await,
    }
}

async fn group_only(ctx: &Ctx, inc: &Incoming, lang: crate::domain::Lang) -> Result<()> {
    let out = notices::refusal(inc.chat_id, inc.message_id, tr!(lang, ids::GROUP_ONLY));
    let person = inc.from.as_ref().map_or(0, |f| f.id.0);
    ctx.queue_throttled(out, person, ids::GROUP_ONLY)
        .await
        .map(|_| ())
}

/// A button press in a private chat: the toast.
pub async fn on_press(
    ctx: &Ctx,
    chat_id: ChatId,
    user: crate::domain::TelegramUserId,
    action: &ButtonAction,
) -> Result<Option<String>> {
    match action {
        ButtonAction::StartReport | ButtonAction::Dialogue { .. } => {
            residents::on_dialogue_press(ctx, chat_id, user, action).await
        }
        ButtonAction::PickUnit { version, unit } => {
            residents::pick_unit(ctx, chat_id, user, *version, unit.clone()).await
        }
        ButtonAction::UnitPage { version, page } => {
            residents::pick_page(ctx, chat_id, user, *version, *page).await
        }
        ButtonAction::JoinDuplicate(_)
        | ButtonAction::Solved(_)
        | ButtonAction::NotSolved(_)
        | ButtonAction::Rate(..)
        | ButtonAction::AnswerQuestion(_)
        | ButtonAction::Forget => residents::on_rating_press(ctx, chat_id, user, action).await,
        _ => {
            let org = ctx.store.load_org().await?;
            Ok(Some(tr!(org.default_locale, ids::STALE_BUTTON)))
        }
    }
}
