//! The report dialogue: welcome, gathering (description, photos, place, in any order),
//! routing (location → boundary, address → keywords, else the resident picks), "the same
//! problem?", the summary with 确认 / 修改 / 取消, and the order it makes.

use crate::domain::{ChatId, MessageId};
use chrono::Duration;

use super::relay::{answer_question, explain_not_solved};
use super::{me, private, save, with_keyboard_removed, Me, Private};
use crate::acts::{notices, Ctx, Result};
use crate::domain::button::{ButtonAction, DialogueStep};
use crate::domain::duplicate::same_problem;
use crate::domain::geo::{self, Point};
use crate::domain::org::Organisation;
use crate::domain::policy::Level;
use crate::domain::resident::{Added, Dialogue, Input, Place, Step};
use crate::domain::{OrderId, TelegramUserId, UnitId, Who};
use crate::i18n::ids;
use crate::render::{self, escape, Button};
use crate::storage::{Keyboard, Outgoing, StoredDialogue};
use crate::tr;

/// Units offered on one page of the choice.
const PAGE: usize = 8;

/// `/start [unit]`: the welcome, with a button to report; a deep link's unit starts a report
/// for that unit at once.
pub async fn start(ctx: &Ctx, p: &Private, link: Option<&str>) -> Result<()> {
    let Some(me) = me(ctx, p).await? else {
        return Ok(());
    };
    let lang = me.lang;
    let unit = link
        .and_then(|l| UnitId::parse(l).ok())
        .filter(|u| me.org.unit(u).is_some());
    if let Some(unit) = unit {
        let name = me
            .org
            .unit(&unit)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        let welcome = tr!(lang, ids::RES_WELCOME_UNIT, unit = escape(&name));
        return fresh(ctx, &me, Some(p.message_id), Some(unit), Some(welcome)).await;
    }
    let mut html = tr!(lang, ids::RES_WELCOME);
    if link.is_some() {
        html = format!("{html}\n\n{}", tr!(lang, ids::RES_UNKNOWN_LINK));
    }
    let button = Button::new(tr!(lang, ids::RES_START_BUTTON), ButtonAction::StartReport);
    ctx.queue(vec![private(p.chat_id, html, vec![vec![button]])])
        .await
}

/// `/report` or the welcome's button: a new dialogue (an unfinished one is replaced).
pub async fn begin(ctx: &Ctx, p: &Private) -> Result<()> {
    let Some(me) = me(ctx, p).await? else {
        return Ok(());
    };
    fresh(ctx, &me, Some(p.message_id), None, None).await
}

/// A reply to the resident's message, or (for a button press) a new message.
fn answer(me: &Me, reply_to: Option<MessageId>, html: String) -> Outgoing {
    match reply_to {
        Some(m) => notices::reply(me.chat_id, m, html),
        None => private(me.chat_id, html, vec![]),
    }
}

/// Whether the resident may report once more today; else the polite refusal is queued.
pub(super) async fn within_limit(ctx: &Ctx, me: &Me, reply_to: Option<MessageId>) -> Result<bool> {
    let max = i64::from(me.org.resident.reports_per_day);
    let since = ctx.now() - Duration::hours(24);
    if ctx
        .store
        .resident_reports_since(me.resident.no, since)
        .await?
        < max
    {
        return Ok(true);
    }
    let html = tr!(me.lang, ids::RES_LIMIT, max = max);
    ctx.queue(vec![answer(me, reply_to, html)]).await?;
    Ok(false)
}

/// Starts a dialogue (for `link` when a deep link named a unit), replacing any other.
async fn fresh(
    ctx: &Ctx,
    me: &Me,
    reply_to: Option<MessageId>,
    link: Option<UnitId>,
    intro: Option<String>,
) -> Result<()> {
    if !within_limit(ctx, me, reply_to).await? {
        return Ok(());
    }
    let read = ctx.store.dialogue(me.resident.no).await?.map(|d| d.version);
    let d = Dialogue::new(ctx.now(), link);
    let mut html = tr!(
        me.lang,
        ids::RES_ASK_DESCRIPTION,
        max = me.org.resident.max_photos as i64
    );
    if let Some(intro) = intro {
        html = format!("{intro}\n\n{html}");
    }
    let out = answer(me, reply_to, html);
    save(ctx, me, read, Some(&d), vec![out]).await?;
    Ok(())
}

/// A message in a private chat that is not a command: an answer to a question, why an order
/// is not solved, a step of the dialogue, or the start of a new report.
pub async fn message(ctx: &Ctx, p: &Private) -> Result<()> {
    let Some(me) = me(ctx, p).await? else {
        return Ok(());
    };
    // A reply to the bot's question (or resolution) about an order answers it.
    if let Some(mid) = p.reply_to {
        if let Some(order) = replied_order(ctx, p.chat_id, mid).await? {
            return answer_question(ctx, &me, p, order, None).await;
        }
    }
    let stored = ctx.store.dialogue(me.resident.no).await?;
    let now = ctx.now();
    let (read, mut d, lapsed) = match stored {
        Some(s) if s.dialogue.expired(now) => (Some(s.version), None, true),
        Some(s) => (Some(s.version), Some(s.dialogue), false),
        None => (None, None, false),
    };
    match d.as_ref().map(|d| d.step.clone()) {
        Some(Step::Answering { order }) => {
            return answer_question(ctx, &me, p, order, read).await;
        }
        Some(Step::Explaining { order }) => {
            return explain_not_solved(ctx, &me, p, order, read).await;
        }
        _ => {}
    }
    let mut out = Vec::new();
    if lapsed {
        out.push(notices::reply(
            me.chat_id,
            p.message_id,
            tr!(me.lang, ids::RES_EXPIRED),
        ));
    }
    if d.is_none() {
        if p.input == Input::default() {
            return Ok(()); // nothing to report (a sticker, say): the help is one /help away
        }
        if !within_limit(ctx, &me, Some(p.message_id)).await? {
            return Ok(());
        }
        d = Some(Dialogue::new(now, None));
    }
    let Some(mut d) = d else {
        return Ok(());
    };
    let skip = is_skip(&p.input);
    let mut input = p.input.clone();
    if skip {
        input.text = None;
    }
    let added = d.add(input, me.org.resident.max_text, me.org.resident.max_photos);
    d.updated_at = now;
    if d.step != Step::Collecting && !matches!(added.as_slice(), [Added::Nothing]) {
        // Something new after the summary or a choice: gather again, then show it anew.
        d.step = Step::Collecting;
    }
    out.extend(acknowledge(&me, Some(p.message_id), &added));
    if skip && d.text.is_some() && d.place.is_none() {
        // "Skip the place": the resident picks the unit.
        d.step = Step::ChoosingUnit {
            within: None,
            page: 0,
        };
    }
    let version = read.map_or(now.timestamp_millis(), |v| v + 1);
    // The rest of an album says nothing more: its first photo was answered.
    let quiet = added.iter().all(|a| {
        matches!(
            a,
            Added::Photos {
                more_of_album: true
            }
        )
    });
    let next = advance(ctx, &me, &mut d, version, Some(p.message_id)).await?;
    if !quiet {
        out.extend(next);
    }
    save(ctx, &me, read, Some(&d), out).await?;
    Ok(())
}

/// The order a reply in a private chat is about: the bot's message it replies to named it
/// in a button (a question, a resolution).
async fn replied_order(ctx: &Ctx, chat: ChatId, message_id: MessageId) -> Result<Option<OrderId>> {
    let Some(sent) = ctx.store.sent_message(chat, message_id).await? else {
        return Ok(None);
    };
    Ok(sent
        .buttons
        .iter()
        .flatten()
        .filter_map(|b| ButtonAction::parse(&b.data).ok())
        .find_map(|a| match a {
            ButtonAction::AnswerQuestion(o) => Some(o),
            _ => None,
        }))
}

/// The reply keyboard's "skip" button sends its label as text, in whichever language.
fn is_skip(input: &Input) -> bool {
    input.text.as_deref().is_some_and(|t| {
        crate::domain::Lang::ALL
            .iter()
            .any(|l| t.trim() == tr!(*l, ids::RES_SKIP_PLACE))
    })
}

/// What the bot says about what a message added.
fn acknowledge(me: &Me, reply_to: Option<MessageId>, added: &[Added]) -> Vec<Outgoing> {
    let lang = me.lang;
    let mut lines = Vec::new();
    let mut place = false;
    for a in added {
        match a {
            Added::Text | Added::Address => {}
            Added::Photos {
                more_of_album: true,
            } => {}
            Added::Photos { .. } => lines.push(tr!(lang, ids::RES_GOT_PHOTOS)),
            Added::Place => place = true,
            Added::TooManyPhotos { max } => {
                lines.push(tr!(lang, ids::RES_TOO_MANY_PHOTOS, max = *max))
            }
            Added::TooLong { max } => lines.push(tr!(lang, ids::RES_TOO_LONG, max = *max)),
            Added::Nothing => {}
        }
    }
    let mut out = Vec::new();
    if place {
        // The location button has done its work: take the keyboard away.
        out.push(with_keyboard_removed(answer(
            me,
            reply_to,
            tr!(lang, ids::RES_GOT_PLACE),
        )));
    }
    if !lines.is_empty() {
        out.push(answer(me, reply_to, lines.join("\n")));
    }
    out
}

/// Moves the dialogue on as far as it can go and says what comes next: ask for what is
/// missing, route, offer a duplicate, or show the summary.
async fn advance(
    ctx: &Ctx,
    me: &Me,
    d: &mut Dialogue,
    version: i64,
    reply_to: Option<MessageId>,
) -> Result<Vec<Outgoing>> {
    let lang = me.lang;
    if d.step == Step::Collecting {
        if d.text.is_none() {
            return Ok(vec![answer(
                me,
                reply_to,
                tr!(
                    lang,
                    ids::RES_ASK_DESCRIPTION,
                    max = me.org.resident.max_photos as i64
                ),
            )]);
        }
        // A unit chosen (from a link, or picked after "not sure where") stands in for a place.
        if d.place.is_none() && d.unit.is_none() {
            let keyboard = Keyboard::RequestLocation {
                label: tr!(lang, ids::RES_LOCATION_BUTTON),
                skip: Some(tr!(lang, ids::RES_SKIP_PLACE)),
            };
            return Ok(vec![notices::send_with_keyboard(
                me.chat_id,
                tr!(lang, ids::RES_ASK_PLACE),
                keyboard,
            )]);
        }
        if d.unit.is_none() {
            d.unit = route(&me.org, d);
        }
        if d.unit.is_none() {
            d.step = Step::ChoosingUnit {
                within: d.link_unit.clone(),
                page: 0,
            };
        } else {
            d.step = Step::Confirming;
            if let Some(dup) = duplicate(ctx, me, d).await? {
                d.step = Step::OfferingDuplicate { order: dup };
            }
        }
    }
    Ok(vec![prompt(ctx, me, d, version).await?])
}

/// The unit of a report: by the place's point (deepest boundary), else by address keywords in
/// the typed address or the description.
fn route(org: &Organisation, d: &Dialogue) -> Option<UnitId> {
    if let Some(p) = d.place.as_ref().and_then(Place::point) {
        if let Some(u) = geo::unit_at(org, p) {
            return Some(u);
        }
    }
    let words = [
        d.place.as_ref().and_then(|p| p.label().map(str::to_string)),
        d.text.clone(),
    ];
    words
        .iter()
        .flatten()
        .find_map(|w| geo::unit_by_address(org, w))
}

/// An open order of the same grid within `duplicate_within` that looks like the same problem.
async fn duplicate(ctx: &Ctx, me: &Me, d: &Dialogue) -> Result<Option<OrderId>> {
    let (Some(unit), Some(text)) = (d.unit.as_ref(), d.text.as_deref()) else {
        return Ok(None);
    };
    let policy = &me.org.resident;
    let since = ctx.now() - policy.duplicate_within.to_chrono();
    let here: Option<Point> = d.place.as_ref().and_then(Place::point);
    for o in ctx.store.open_orders_of_unit_since(unit, since).await? {
        if o.whistler == Who::Resident(me.resident.no) {
            continue;
        }
        if same_problem(
            text,
            here,
            &o.text,
            o.place,
            f64::from(policy.duplicate_radius_m),
        ) {
            return Ok(Some(o.id));
        }
    }
    Ok(None)
}

/// The message for the dialogue's step: the unit choice, "the same problem?", or the summary.
async fn prompt(ctx: &Ctx, me: &Me, d: &Dialogue, version: i64) -> Result<Outgoing> {
    let lang = me.lang;
    let org = &me.org;
    Ok(match &d.step {
        Step::ChoosingUnit { within, page } => {
            let (html, buttons) = unit_choice(me, within.as_ref(), *page, version);
            private(me.chat_id, html, buttons)
        }
        Step::OfferingDuplicate { order } => {
            let (place, state) = match ctx.store.order(*order).await? {
                Some(s) => (
                    s.order
                        .location
                        .clone()
                        .unwrap_or_else(|| unit_name(org, &s.order.unit)),
                    super::state_words(lang, s.order.state),
                ),
                None => (String::new(), String::new()),
            };
            let html = tr!(
                lang,
                ids::RES_DUPLICATE,
                id = *order,
                place = escape(&render::clip(&place, 80)),
                state = state
            );
            let buttons = vec![
                vec![Button::new(
                    tr!(lang, ids::RES_JOIN_BUTTON),
                    ButtonAction::JoinDuplicate(*order),
                )],
                vec![Button::new(
                    tr!(lang, ids::RES_NOT_DUPLICATE_BUTTON),
                    ButtonAction::Dialogue {
                        step: DialogueStep::NotDuplicate,
                        version,
                    },
                )],
            ];
            private(me.chat_id, html, buttons)
        }
        _ => {
            let place = match &d.place {
                Some(Place::Address { text }) => escape(&render::clip(text, 120)),
                Some(Place::Point { at, label }) => match label {
                    Some(l) => escape(&render::clip(l, 120)),
                    None => format!("{:.5}, {:.5}", at.lat, at.lon),
                },
                None => tr!(lang, ids::RES_PLACE_NONE),
            };
            let unit = d
                .unit
                .as_ref()
                .map(|u| unit_name(org, u))
                .unwrap_or_default();
            let html = tr!(
                lang,
                ids::RES_SUMMARY,
                text = escape(&render::clip(d.text.as_deref().unwrap_or_default(), 600)),
                place = place,
                photos = d.photos.len(),
                unit = escape(&unit)
            );
            let step = |s| ButtonAction::Dialogue { step: s, version };
            let buttons = vec![
                vec![Button::new(
                    tr!(lang, ids::RES_CONFIRM_BUTTON),
                    step(DialogueStep::Confirm),
                )],
                vec![
                    Button::new(tr!(lang, ids::RES_EDIT_BUTTON), step(DialogueStep::Edit)),
                    Button::new(
                        tr!(lang, ids::RES_CANCEL_BUTTON),
                        step(DialogueStep::Cancel),
                    ),
                ],
            ];
            private(me.chat_id, html, buttons)
        }
    })
}

fn unit_name(org: &Organisation, unit: &UnitId) -> String {
    org.unit(unit).map(|u| u.name.clone()).unwrap_or_default()
}

/// The unit choice: the communities (within the deep link's sub-district, if any), or the
/// grids of one community, `PAGE` a page, with "not sure".
fn unit_choice(
    me: &Me,
    within: Option<&UnitId>,
    page: u32,
    version: i64,
) -> (String, Vec<Vec<Button>>) {
    let lang = me.lang;
    let org = &me.org;
    let choosing_grid = within
        .and_then(|u| org.unit(u))
        .is_some_and(|u| u.kind == Level::Community);
    let options: Vec<&crate::domain::org::Unit> = if choosing_grid {
        within.map(|u| org.children(u)).unwrap_or_default()
    } else {
        let top = within.and_then(|u| {
            org.lineage(u)
                .into_iter()
                .find(|x| x.kind == Level::Subdistrict)
        });
        org.units
            .iter()
            .filter(|u| u.kind == Level::Community)
            .filter(|u| top.is_none_or(|t| org.is_within(&u.id, &t.id)))
            .collect()
    };
    let pages = options.len().div_ceil(PAGE).max(1) as u32;
    let page = page.min(pages - 1);
    let mut buttons: Vec<Vec<Button>> = options
        .iter()
        .skip(page as usize * PAGE)
        .take(PAGE)
        .map(|u| {
            vec![Button::new(
                render::clip(&u.name, 40),
                ButtonAction::PickUnit {
                    version,
                    unit: Some(u.id.clone()),
                },
            )]
        })
        .collect();
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(Button::new(
            tr!(lang, ids::RES_PAGE_BACK),
            ButtonAction::UnitPage {
                version,
                page: page - 1,
            },
        ));
    }
    if page + 1 < pages {
        nav.push(Button::new(
            tr!(lang, ids::RES_PAGE_MORE),
            ButtonAction::UnitPage {
                version,
                page: page + 1,
            },
        ));
    }
    if !nav.is_empty() {
        buttons.push(nav);
    }
    buttons.push(vec![Button::new(
        tr!(lang, ids::RES_NOT_SURE),
        ButtonAction::PickUnit {
            version,
            unit: None,
        },
    )]);
    let html = tr!(
        lang,
        if choosing_grid {
            ids::RES_CHOOSE_GRID
        } else {
            ids::RES_CHOOSE_COMMUNITY
        }
    );
    (html, buttons)
}

/// The dialogue at `version` for a press, or the toast saying the button is stale.
async fn pressed(ctx: &Ctx, me: &Me, version: i64) -> Result<Option<StoredDialogue>> {
    Ok(ctx
        .store
        .dialogue(me.resident.no)
        .await?
        .filter(|s| s.version == version && !s.dialogue.expired(ctx.now())))
}

/// The resident behind a press in their private chat.
async fn presser(ctx: &Ctx, chat_id: ChatId, user: TelegramUserId) -> Result<Option<Me>> {
    let p = Private {
        chat_id,
        message_id: MessageId(0),
        from: crate::acts::Actor {
            id: user,
            name: String::new(),
            username: None,
        },
        language: None,
        input: Input::default(),
        reply_to: None,
    };
    me(ctx, &p).await
}

/// A press on a dialogue button (确认, 修改, 取消, not the same problem, start). Returns the
/// toast.
pub async fn on_dialogue_press(
    ctx: &Ctx,
    chat_id: ChatId,
    user: TelegramUserId,
    action: &ButtonAction,
) -> Result<Option<String>> {
    let Some(me) = presser(ctx, chat_id, user).await? else {
        return Ok(None);
    };
    let lang = me.lang;
    let stale = || Ok(Some(tr!(lang, ids::RES_STALE)));
    match action {
        ButtonAction::StartReport => {
            fresh(ctx, &me, None, None, None).await?;
            Ok(None)
        }
        ButtonAction::Dialogue { step, version } => {
            let Some(s) = pressed(ctx, &me, *version).await? else {
                return stale();
            };
            let mut d = s.dialogue;
            match step {
                DialogueStep::Confirm if d.step == Step::Confirming => {
                    super::submit::confirm(ctx, &me, d, s.version).await
                }
                DialogueStep::Edit => {
                    d.text = None;
                    d.place = None;
                    d.unit = d.link_unit.clone();
                    d.step = Step::Collecting;
                    d.updated_at = ctx.now();
                    let html = tr!(lang, ids::RES_EDIT_PROMPT);
                    let out = private(me.chat_id, html, vec![]);
                    save(ctx, &me, Some(s.version), Some(&d), vec![out]).await?;
                    Ok(None)
                }
                DialogueStep::Cancel => {
                    let out = with_keyboard_removed(private(
                        me.chat_id,
                        tr!(lang, ids::RES_CANCELLED),
                        vec![],
                    ));
                    save(ctx, &me, Some(s.version), None, vec![out]).await?;
                    Ok(None)
                }
                DialogueStep::NotDuplicate => {
                    d.step = Step::Confirming;
                    d.updated_at = ctx.now();
                    let out = prompt(ctx, &me, &d, s.version + 1).await?;
                    save(ctx, &me, Some(s.version), Some(&d), vec![out]).await?;
                    Ok(None)
                }
                _ => stale(),
            }
        }
        _ => stale(),
    }
}

/// A unit picked (or "not sure"): a community leads to its grids; a grid, or "not sure" in a
/// community, settles the unit; "not sure" among communities leaves it to the link's unit.
pub async fn pick_unit(
    ctx: &Ctx,
    chat_id: ChatId,
    user: TelegramUserId,
    version: i64,
    unit: Option<UnitId>,
) -> Result<Option<String>> {
    let Some(me) = presser(ctx, chat_id, user).await? else {
        return Ok(None);
    };
    let lang = me.lang;
    let Some(s) = pressed(ctx, &me, version).await? else {
        return Ok(Some(tr!(lang, ids::RES_STALE)));
    };
    let mut d = s.dialogue;
    let Step::ChoosingUnit { within, .. } = d.step.clone() else {
        return Ok(Some(tr!(lang, ids::RES_STALE)));
    };
    let picked = unit.as_ref().and_then(|u| me.org.unit(u));
    match (picked, within) {
        (Some(u), _) if u.kind == Level::Community && !me.org.children(&u.id).is_empty() => {
            d.step = Step::ChoosingUnit {
                within: Some(u.id.clone()),
                page: 0,
            };
        }
        (Some(u), _) => {
            d.unit = Some(u.id.clone());
            d.step = Step::Collecting;
        }
        // Not sure of the grid: the community's chat takes it.
        (None, Some(w)) => {
            d.unit = Some(w);
            d.step = Step::Collecting;
        }
        // Not sure of the community either: the top unit of the organisation.
        (None, None) => {
            d.unit = me
                .org
                .units
                .iter()
                .find(|u| u.parent.is_none())
                .map(|u| u.id.clone());
            d.step = Step::Collecting;
        }
    }
    d.updated_at = ctx.now();
    let next = s.version + 1;
    let out = advance(ctx, &me, &mut d, next, None).await?;
    save(ctx, &me, Some(s.version), Some(&d), out).await?;
    Ok(None)
}

/// Another page of the unit choice.
pub async fn pick_page(
    ctx: &Ctx,
    chat_id: ChatId,
    user: TelegramUserId,
    version: i64,
    page: u32,
) -> Result<Option<String>> {
    let Some(me) = presser(ctx, chat_id, user).await? else {
        return Ok(None);
    };
    let Some(s) = pressed(ctx, &me, version).await? else {
        return Ok(Some(tr!(me.lang, ids::RES_STALE)));
    };
    let mut d = s.dialogue;
    let Step::ChoosingUnit { within, .. } = d.step.clone() else {
        return Ok(Some(tr!(me.lang, ids::RES_STALE)));
    };
    d.step = Step::ChoosingUnit { within, page };
    let out = prompt(ctx, &me, &d, s.version + 1).await?;
    save(ctx, &me, Some(s.version), Some(&d), vec![out]).await?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skip_button_is_recognised_in_every_language() {
        for l in crate::domain::Lang::ALL {
            let input = Input {
                text: Some(tr!(l, ids::RES_SKIP_PLACE)),
                ..Input::default()
            };
            assert!(is_skip(&input), "{l}");
        }
        let input = Input {
            text: Some("路灯坏了".into()),
            ..Input::default()
        };
        assert!(!is_skip(&input));
    }
}
