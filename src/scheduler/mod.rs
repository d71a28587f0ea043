//! The scheduler: reminders before report deadlines, and escalation one level up the tree when
//! a summoned party misses its report deadline or the order misses its resolve deadline.
//!
//! Everything it needs is in the database (the `jobs` table, kept in step with each order as it
//! is saved), so it survives restarts; it sleeps until the next due moment or until told that
//! something changed, never polling every row. A job is claimed before it is worked on and
//! marked done in the same transaction as its consequences, so two bot processes on one
//! PostgreSQL database act on each deadline exactly once. It never talks to Telegram: what it
//! has to say goes into the outbox, like everything else.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{watch, Notify};

use crate::domain::escalation::{self, jobs_for, overdue_parties, JobKind};
use crate::domain::org::Organisation;
use crate::domain::parse::{self, ParseContext};
use crate::domain::policy::Level;
use crate::domain::role::DUTY_OFFICER;
use crate::domain::{
    EscalationReason, Event, EventKind, Lang, PartyTarget, RoleId, Scope, TelegramUserId,
    TransitionError, WhistleOrder,
};
use crate::i18n::ids;
use crate::storage::{Button, Commit, DueJob, Outgoing, Result, StoreError};
use crate::telegram::handlers::{department_refs, refresh_cards, reply_to_card, send, Ctx};
use crate::telegram::render::{self, escape, View};
use crate::tr;

/// How long a claimed job is ours.
const LEASE_MS: i64 = 60_000;
/// How many jobs one pass takes at most.
const BATCH: i64 = 64;

/// The chat of a party's unit or department.
async fn party_chat(ctx: &Ctx, target: &PartyTarget) -> Result<Option<i64>> {
    let scope = match target {
        PartyTarget::Role { unit, .. } | PartyTarget::DutyOfficers { unit } => {
            Scope::Unit(unit.clone())
        }
        PartyTarget::Department { department } => Scope::Department(department.clone()),
    };
    ctx.store.chat_of(&scope).await
}

/// Where an escalation to `level` is announced: that level's unit chat, else the order's own
/// chat; with the chat's language.
pub(crate) async fn escalation_chat(
    ctx: &Ctx,
    org: &Organisation,
    order: &WhistleOrder,
    level: Level,
) -> Result<Option<(i64, Lang)>> {
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

/// The escalation notice: a reply to the card in `chat` with the reason, the timeline so far and
/// the new level's duty officers mentioned; at the sub-district, buttons to whistle the
/// departments the text points to.
pub(crate) fn escalation_notice(
    org: &Organisation,
    order: &WhistleOrder,
    history: &[Event],
    why: &EscalationReason,
    (chat, lang): (i64, Lang),
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
    let mut buttons = vec![vec![Button {
        label: tr!(lang, ids::BUTTON_TAKE_OVER),
        data: format!("r:{}", order.id.0),
    }]];
    if order.level == Level::Subdistrict {
        buttons.extend(department_buttons(org, order, now));
    }
    let html = tr!(
        lang,
        ids::ESCALATION_NOTICE,
        id = order.id.0,
        from = escape(&from),
        to = escape(&to_unit.name),
        reason = render::escalation_reason(&view, order, why),
        timeline = render::clip_html_lines(&timeline.join("\n"), 2500),
        people = people.join(" ")
    );
    Some(reply_to_card(chat, order.id, html, buttons))
}

/// The escalation notice of an order that has just risen (see `escalation_notice`).
pub(crate) async fn escalation_messages(
    ctx: &Ctx,
    org: &Organisation,
    order: &WhistleOrder,
    history: &[Event],
    why: &EscalationReason,
) -> Result<Vec<Outgoing>> {
    let Some(target) = escalation_chat(ctx, org, order, order.level).await? else {
        return Ok(vec![]);
    };
    Ok(
        escalation_notice(org, order, history, why, target, ctx.now())
            .into_iter()
            .collect(),
    )
}

/// Buttons to whistle departments from an escalated order: those its text points to (by name
/// or `handles`), or every department when it points to none. Already summoned ones are left out.
pub(crate) fn department_buttons(
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
        grids: &[],
        keywords: &keywords,
        tz: org.timezone,
        now,
    };
    let routed = parse::parse_whistle(&order.text, &cx).departments;
    let summoned = |id: &str| {
        order
            .parties
            .iter()
            .any(|p| matches!(&p.target, PartyTarget::Department { department } if department.as_str() == id))
    };
    let ids: Vec<String> = if routed.is_empty() {
        org.departments.iter().map(|d| d.id.0.clone()).collect()
    } else {
        routed
    };
    let buttons: Vec<Button> = ids
        .iter()
        .filter(|id| !summoned(id))
        .filter_map(|id| org.departments.iter().find(|d| d.id.as_str() == id))
        .map(|d| Button {
            label: format!("📣 {}", d.name),
            data: format!("w:{}:{}", order.id.0, d.id.0),
        })
        .collect();
    buttons.chunks(3).map(|c| c.to_vec()).collect()
}

/// Reminders for the parties waiting on the deadline `anchor`: a reply to the card in each
/// party's chat, and a private message to each person who has started the bot.
async fn reminder_messages(
    ctx: &Ctx,
    org: &Organisation,
    order: &WhistleOrder,
    parties: &[usize],
    anchor: DateTime<Utc>,
) -> Result<Vec<Outgoing>> {
    let now = ctx.now();
    let mut out = Vec::new();
    let mut private_done: Vec<TelegramUserId> = Vec::new();
    for i in parties {
        let target = &order.parties[*i].target;
        let chat = match party_chat(ctx, target).await? {
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
                    id = order.id.0,
                    party = view.party_label(order, target),
                    people = view.party_mentions(target),
                    time = view.time(anchor),
                    left = view.left(anchor)
                ),
                vec![],
            ));
        }
        let view = View {
            org,
            lang: org.default_locale,
            now,
        };
        for person in view.party_people(target).0 {
            if private_done.contains(&person) || !ctx.store.has_private_chat(person).await? {
                continue;
            }
            private_done.push(person);
            let lang = ctx.lang_of(org, person.0).await?;
            let view = View { org, lang, now };
            out.push(send(
                person.0,
                tr!(
                    lang,
                    ids::REMINDER_PRIVATE,
                    id = order.id.0,
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

/// Works one claimed job: a reminder or an escalation, saved with the job marked done.
async fn work(ctx: &Ctx, job: &DueJob) -> Result<()> {
    for _ in 0..5 {
        let now = ctx.now();
        let org = ctx.store.load_org().await?;
        let Some(read) = ctx.store.order(job.order).await? else {
            ctx.store.finish_job(job.id, now).await?;
            return Ok(());
        };
        let mut order = read.order.clone();
        if !order.state.is_active() {
            ctx.store.finish_job(job.id, now).await?; // resolved, closed or cancelled: nothing to do
            return Ok(());
        }
        let mut history = ctx.store.events(order.id).await?;
        let (events, extra): (Vec<Event>, Vec<Outgoing>) = match job.kind {
            JobKind::Remind => {
                let waiting = overdue_parties(&order, job.anchor);
                // A reminder after its deadline (the bot was down) would only be noise: the
                // deadline's own job escalates.
                if waiting.is_empty() || job.anchor <= now {
                    ctx.store.finish_job(job.id, now).await?;
                    return Ok(());
                }
                let events = waiting
                    .iter()
                    .map(|i| Event {
                        order: order.id,
                        at: now,
                        actor: None,
                        kind: EventKind::Reminded {
                            target: order.parties[*i].target.clone(),
                        },
                    })
                    .collect();
                let out = reminder_messages(ctx, &org, &order, &waiting, job.anchor).await?;
                (events, out)
            }
            // Deadlines that fall together are one missed moment: one level up, not two.
            JobKind::Ack | JobKind::Resolve
                if history
                    .iter()
                    .any(|e| matches!(e.kind, EventKind::Escalated { .. }) && e.at >= job.due) =>
            {
                ctx.store.finish_job(job.id, now).await?;
                return Ok(());
            }
            JobKind::Ack | JobKind::Resolve => {
                let why = if job.kind == JobKind::Ack {
                    let missed = overdue_parties(&order, job.anchor);
                    if missed.is_empty() {
                        ctx.store.finish_job(job.id, now).await?;
                        return Ok(());
                    }
                    EscalationReason::NotReported {
                        parties: missed
                            .iter()
                            .map(|i| order.parties[*i].target.clone())
                            .collect(),
                    }
                } else {
                    if order.resolve_due != job.anchor {
                        ctx.store.finish_job(job.id, now).await?; // the deadline moved (reopen, escalation)
                        return Ok(());
                    }
                    EscalationReason::NotResolved
                };
                match escalation::escalate(&org, &mut order, None, why.clone(), now) {
                    Ok(events) => {
                        let mut h = history.clone();
                        h.extend(events.iter().cloned());
                        let out = escalation_messages(ctx, &org, &order, &h, &why).await?;
                        (events, out)
                    }
                    Err(TransitionError::AtTopLevel) => {
                        ctx.store.finish_job(job.id, now).await?; // nowhere higher to go
                        return Ok(());
                    }
                    Err(e) => {
                        tracing::warn!(order = order.id.0, error = %e, "escalation refused");
                        ctx.store.finish_job(job.id, now).await?;
                        return Ok(());
                    }
                }
            }
        };
        history.extend(events.iter().cloned());
        let (mut out, _) = refresh_cards(ctx, &org, &order, &history, None).await?;
        out.extend(extra);
        let jobs = jobs_for(&org, &order);
        let commit = Commit {
            events: &events,
            out: &out,
            jobs: Some(&jobs),
            finish_job: Some(job.id),
            now,
        };
        match ctx.store.save_order(&read, &order, commit).await {
            Ok(()) => {
                tracing::info!(
                    order = order.id.0,
                    job = job.kind.as_str(),
                    level = order.level.as_str(),
                    "deadline acted on"
                );
                ctx.wake.notify_one();
                return Ok(());
            }
            // Someone changed the order, or another scheduler did this job: look again.
            Err(StoreError::Conflict) => {
                if !ctx.store.job_pending(job.id).await? {
                    return Ok(());
                }
                continue;
            }
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Conflict)
}

/// Acts on every job due at the clock's now. Returns how many were worked.
pub async fn tick(ctx: &Ctx) -> Result<usize> {
    let mut done = 0;
    loop {
        let jobs = ctx.store.claim_jobs(ctx.now(), LEASE_MS, BATCH).await?;
        if jobs.is_empty() {
            return Ok(done);
        }
        for job in &jobs {
            if let Err(e) = work(ctx, job).await {
                tracing::error!(job = job.id, order = job.order.0, error = %e, "job failed; it will be retried after its lease");
            }
            done += 1;
        }
    }
}

/// Runs until `stop`: works what is due, then sleeps until the next due moment (at most a
/// minute, in case the clock jumped) or until `changed` is notified.
pub async fn run(ctx: Ctx, changed: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        if let Err(e) = tick(&ctx).await {
            tracing::error!(error = %e, "scheduler pass failed");
        }
        let wait = match ctx.store.next_job_due().await {
            Ok(Some(due)) => (due - ctx.now()).num_milliseconds().clamp(0, 60_000),
            _ => 60_000,
        };
        tokio::select! {
            _ = changed.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(wait as u64)) => {}
            _ = stop.changed() => {}
        }
    }
}
