//! `/stats` and `/rank`: the figures of the chat's scope over a period (counted in SQL by
//! `Store::figures`), as a short text table, and the chart of its child units or departments.
//! They read and queue answers; they change nothing.

use super::handlers::Incoming;
use crate::acts::{notices, Actor, Ctx, Here, Result};
use crate::domain::org::Organisation;
use crate::domain::policy::Level;
use crate::domain::{Lang, Scope as Bound, TelegramUserId, UnitId};
use crate::i18n::ids;
use crate::render::escape;
use crate::stats::chart::{self, Bar, ChartModel};
use crate::stats::{
    duration_text, fewer_than_two, in_order, rate_text, Assessment, Breakdown, Figures, Period,
    Scope,
};
use crate::storage::{Outgoing, Payload, Priority, Store};
use crate::tr;
use chrono::{DateTime, Utc};

/// The chat's scope for figures, with its name.
fn figures_scope(org: &Organisation, bound: &Bound) -> (Scope, String) {
    match bound {
        Bound::Unit(u) => (Scope::unit(u.clone()), org.scope_name(bound)),
        Bound::Department(d) => (Scope::department(d.clone()), org.scope_name(bound)),
        Bound::Alliance(a) => (Scope::alliance(a.clone()), org.scope_name(bound)),
    }
}

/// People on the roster of the chat's scope, and admins.
fn may_see(org: &Organisation, person: TelegramUserId, bound: &Bound) -> bool {
    org.is_admin(person) || !org.roles_of(person, bound).is_empty()
}

/// The parts a scope's figures break down into: their ids and names, in the order shown, and
/// the breakdown that counts them all at once.
pub struct Parts {
    pub names: Vec<(String, String)>,
    pub by: Breakdown,
    /// Departments (`true`) or units.
    pub of_departments: bool,
}

/// A unit's child units; a unit without children, the departments' parties on its orders; a
/// department or an alliance unit, its parties per sub-district.
pub fn parts(org: &Organisation, bound: &Bound) -> Parts {
    let units = |list: Vec<&crate::domain::org::Unit>| {
        let names = list
            .iter()
            .map(|u| (u.id.as_str().to_string(), u.name.clone()))
            .collect();
        let ids = list.into_iter().map(|u| u.id.clone()).collect();
        Parts {
            names,
            by: Breakdown::Units(ids),
            of_departments: false,
        }
    };
    match bound {
        Bound::Unit(u) => {
            let children = org.children(u);
            if !children.is_empty() {
                return units(children);
            }
            Parts {
                names: org
                    .departments
                    .iter()
                    .map(|d| (d.id.as_str().to_string(), d.name.clone()))
                    .collect(),
                by: Breakdown::Departments,
                of_departments: true,
            }
        }
        Bound::Department(_) | Bound::Alliance(_) => units(
            org.units
                .iter()
                .filter(|u| u.kind == Level::Subdistrict)
                .collect(),
        ),
    }
}

/// The alliance units that may be summoned in a sub-district's or district's chat (id, name);
/// `None` for any other chat.
fn alliances_of(org: &Organisation, bound: &Bound) -> Option<(UnitId, Vec<(String, String)>)> {
    let Bound::Unit(u) = bound else {
        return None;
    };
    let unit = org.unit(u)?;
    if !matches!(unit.kind, Level::Subdistrict | Level::District) {
        return None;
    }
    let list = org
        .alliances_for(u)
        .into_iter()
        .map(|a| (a.id.as_str().to_string(), a.name.clone()))
        .collect();
    Some((u.clone(), list))
}

/// The alliance units of a sub-district's or district's chat that reported on fewer than two
/// orders (within its subtree) in the calendar year of the period's end: the year and names.
async fn few_alliances(
    store: &Store,
    org: &Organisation,
    bound: &Bound,
    period: &Period,
) -> Result<Option<(String, Vec<String>)>> {
    let (Some((unit, alliances)), Some(year)) =
        (alliances_of(org, bound), period.year_of_end(org.timezone))
    else {
        return Ok(None);
    };
    let reported = store.alliance_orders_reported(Some(&unit), &year).await?;
    Ok(Some((year.label, fewer_than_two(&alliances, &reported))))
}

/// The line naming them, when there are any.
fn few_alliances_line(lang: Lang, few: &Option<(String, Vec<String>)>) -> Option<String> {
    let (year, names) = few.as_ref()?;
    if names.is_empty() {
        return None;
    }
    let names: Vec<String> = names.iter().map(|n| escape(n)).collect();
    Some(tr!(
        lang,
        ids::STATS_FEW_ALLIANCES,
        year = year.clone(),
        names = names.join("、")
    ))
}

/// What `/stats` counts: the scope's figures, its parts' (one grouped query each), and the
/// alliance units under two orders this year in a sub-district's or district's chat.
pub struct StatsFigures {
    pub total: Figures,
    pub parts: Vec<(String, Figures)>,
    pub of_departments: bool,
    pub few_alliances: Option<(String, Vec<String>)>,
}

pub async fn stats_figures(
    store: &Store,
    org: &Organisation,
    bound: &Bound,
    period: &Period,
    now: DateTime<Utc>,
) -> Result<StatsFigures> {
    let (scope, _) = figures_scope(org, bound);
    let p = parts(org, bound);
    // Independent reads, side by side on the pool.
    let (total, by_id, few_alliances) = tokio::try_join!(
        store.figures(&scope, period, now),
        store.figures_by(&scope, &p.by, period, now),
        few_alliances(store, org, bound, period),
    )?;
    Ok(StatsFigures {
        total,
        parts: in_order(&p.names, by_id),
        of_departments: p.of_departments,
        few_alliances,
    })
}

/// What `/rank` counts in a sub-district's or district's chat: its departments', alliance
/// units' and child units' figures (one grouped query each), and the alliance units under two
/// orders this year.
pub struct RankFigures {
    pub departments: Vec<(String, Figures)>,
    pub alliances: Vec<(String, Figures)>,
    pub units: Vec<(String, Figures)>,
    pub few_alliances: Option<(String, Vec<String>)>,
}

pub async fn rank_figures(
    store: &Store,
    org: &Organisation,
    unit: &UnitId,
    period: &Period,
    now: DateTime<Utc>,
) -> Result<RankFigures> {
    let bound = Bound::Unit(unit.clone());
    let scope = Scope::unit(unit.clone());
    let departments: Vec<(String, String)> = org
        .departments
        .iter()
        .map(|d| (d.id.as_str().to_string(), d.name.clone()))
        .collect();
    let alliances = alliances_of(org, &bound)
        .map(|(_, list)| list)
        .unwrap_or_default();
    let p = parts(org, &bound);
    let units = async {
        if p.of_departments {
            Ok(Vec::new())
        } else {
            Ok(in_order(
                &p.names,
                store.figures_by(&scope, &p.by, period, now).await?,
            ))
        }
    };
    // Independent reads, side by side on the pool.
    let (by_department, by_alliance, units, few_alliances) = tokio::try_join!(
        store.figures_by(&scope, &Breakdown::Departments, period, now),
        store.figures_by(&scope, &Breakdown::Alliances, period, now),
        units,
        few_alliances(store, org, &bound, period),
    )?;
    Ok(RankFigures {
        departments: in_order(&departments, by_department),
        alliances: in_order(&alliances, by_alliance),
        units,
        few_alliances,
    })
}

/// The figures as a short text table (HTML, names escaped), with one line per part.
pub fn table(
    lang: Lang,
    name: &str,
    period: &Period,
    a: &Assessment,
    figures: &StatsFigures,
) -> String {
    let rate = |r| rate_text(lang, r);
    let f = &figures.total;
    let mut lines = vec![
        tr!(
            lang,
            ids::STATS_TITLE,
            scope = escape(name),
            period = escape(&period.label)
        ),
        tr!(
            lang,
            ids::STATS_COUNTS,
            whistles = f.whistles,
            resolved = f.resolved,
            closed = f.closed,
            reopened = f.reopened
        ),
        tr!(
            lang,
            ids::STATS_PARTIES,
            parties = f.parties,
            reports = f.reports
        ),
        tr!(
            lang,
            ids::STATS_ESCALATED,
            community = f.escalated[0],
            subdistrict = f.escalated[1],
            district = f.escalated[2]
        ),
        tr!(lang, ids::STATS_RESPONSE, rate = rate(f.response_rate(a))),
        tr!(
            lang,
            ids::STATS_ON_TIME,
            rate = rate(f.on_time_resolution(a))
        ),
        tr!(
            lang,
            ids::STATS_REPORT_TIME,
            median = duration_text(lang, f.time_to_report.median),
            p90 = duration_text(lang, f.time_to_report.p90)
        ),
        tr!(
            lang,
            ids::STATS_RESOLVE_TIME,
            median = duration_text(lang, f.time_to_resolve.median),
            p90 = duration_text(lang, f.time_to_resolve.p90)
        ),
        tr!(
            lang,
            ids::STATS_ESCALATION_RATE,
            rate = rate(f.escalation_rate(0, a))
        ),
        tr!(lang, ids::STATS_REWORK, rate = rate(f.rework_rate(a))),
        tr!(
            lang,
            ids::STATS_RESIDENTS,
            solved = rate(f.resident_resolution_rate(a)),
            satisfaction = rate(f.satisfaction_rate(a)),
            not_rated = f.not_rated
        ),
    ];
    lines.extend(few_alliances_line(lang, &figures.few_alliances));
    let shown: Vec<_> = figures
        .parts
        .iter()
        .filter(|(_, p)| p.whistles > 0)
        .collect();
    if !shown.is_empty() {
        let of = of_text(lang, figures.of_departments);
        lines.push(String::new());
        lines.push(tr!(lang, ids::STATS_BY, of = of));
        for (n, p) in shown {
            lines.push(tr!(
                lang,
                ids::STATS_ROW,
                name = escape(n),
                response = rate(p.response_rate(a)),
                median = duration_text(lang, p.time_to_resolve.median)
            ));
        }
    }
    lines.join("\n")
}

/// `/stats [period]` in a bound chat.
pub async fn stats(ctx: &Ctx, inc: &Incoming, here: &Here, from: &Actor, arg: &str) -> Result<()> {
    let lang = here.lang;
    let Some(bound) = &here.scope else {
        return Ok(());
    };
    if !may_see(&here.org, from.id, bound) {
        let out = notices::refusal(inc.chat_id, inc.message_id, tr!(lang, ids::STATS_REFUSED));
        return ctx
            .queue_throttled(out, from.id.0, ids::STATS_REFUSED)
            .await
            .map(|_| ());
    }
    let now = ctx.now();
    let Some(period) = Period::parse(arg, now, here.org.timezone) else {
        let out = notices::refusal(inc.chat_id, inc.message_id, tr!(lang, ids::STATS_USAGE));
        return ctx
            .queue_throttled(out, from.id.0, ids::STATS_USAGE)
            .await
            .map(|_| ());
    };
    let a = Assessment::from(here.org.policy.assessment);
    let (_, name) = figures_scope(&here.org, bound);
    let figures = stats_figures(&ctx.store, &here.org, bound, &period, now).await?;
    let html = table(lang, &name, &period, &a, &figures);
    let (parts, of_departments) = (&figures.parts, figures.of_departments);
    let mut out = vec![notices::reply(inc.chat_id, inc.message_id, html)];
    let model = chart_model(lang, &name, &period, &a, parts);
    if !model.bars.is_empty() {
        match chart::render_png(&model) {
            Ok(png) => {
                let of = of_text(lang, of_departments);
                let caption = tr!(
                    lang,
                    ids::STATS_CHART_CAPTION,
                    scope = escape(&name),
                    period = escape(&period.label),
                    of = of
                );
                out.push(Outgoing {
                    chat_id: inc.chat_id,
                    payload: Payload::Upload {
                        caption: Some(caption),
                        reply_to: Some(inc.message_id),
                        png,
                    },
                    priority: Priority::Answer,
                });
            }
            // The figures went as text; a chart that cannot be drawn is left out.
            Err(e) => tracing::warn!(error = %e, "statistics chart not drawn"),
        }
    }
    ctx.queue(out).await
}

fn of_text(lang: Lang, of_departments: bool) -> String {
    if of_departments {
        tr!(lang, ids::STATS_OF_DEPARTMENTS)
    } else {
        tr!(lang, ids::STATS_OF_UNITS)
    }
}

/// The chart of the parts that had whistles in the period: response rate in percent (when it
/// has enough cases) and median time to resolve in hours.
pub fn chart_model(
    lang: Lang,
    name: &str,
    period: &Period,
    a: &Assessment,
    parts: &[(String, Figures)],
) -> ChartModel {
    ChartModel {
        title: format!("{name} · {}", period.label),
        response_heading: tr!(lang, ids::STATS_CHART_RESPONSE),
        median_heading: tr!(lang, ids::STATS_CHART_MEDIAN),
        bars: parts
            .iter()
            .filter(|(_, f)| f.whistles > 0)
            .map(|(n, f)| Bar {
                label: n.clone(),
                response_pct: f.response_rate(a).value().map(|v| v * 100.0),
                median_hours: f.time_to_resolve.median.map(|s| s as f64 / 3600.0),
            })
            .collect(),
    }
}

/// Ranks `items` by score, best first; those with no rate over enough cases go unranked.
pub fn ranking(items: &[(String, Figures)], a: &Assessment) -> (Vec<(String, f64)>, Vec<String>) {
    let mut ranked = Vec::new();
    let mut unranked = Vec::new();
    for (n, f) in items {
        match f.score(a) {
            Some(s) => ranked.push((n.clone(), s)),
            None => unranked.push(n.clone()),
        }
    }
    ranked.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    (ranked, unranked)
}

fn ranking_lines(
    lang: Lang,
    head: &str,
    items: &[(String, Figures)],
    a: &Assessment,
) -> Vec<String> {
    let (ranked, unranked) = ranking(items, a);
    let mut lines = vec![String::new(), head.to_string()];
    for (i, (n, s)) in ranked.iter().enumerate() {
        lines.push(tr!(
            lang,
            ids::RANK_ROW,
            n = i + 1,
            name = escape(n),
            score = format!("{:.1}", s * 100.0)
        ));
    }
    if !unranked.is_empty() {
        let names: Vec<String> = unranked.iter().map(|n| escape(n)).collect();
        lines.push(tr!(lang, ids::RANK_UNRANKED, names = names.join("、")));
    }
    lines
}

/// `/rank [period]` in a sub-district or district chat, for its duty officers and admins:
/// its departments, its alliance units and, separately, its child units, by Σ wᵢ·rateᵢ ÷ Σ wᵢ.
pub async fn rank(ctx: &Ctx, inc: &Incoming, here: &Here, from: &Actor, arg: &str) -> Result<()> {
    let lang = here.lang;
    let org = &here.org;
    let unit = match &here.scope {
        Some(Bound::Unit(u))
            if org
                .unit(u)
                .is_some_and(|x| matches!(x.kind, Level::Subdistrict | Level::District)) =>
        {
            u.clone()
        }
        _ => {
            let out = notices::refusal(inc.chat_id, inc.message_id, tr!(lang, ids::RANK_REFUSED));
            return ctx
                .queue_throttled(out, from.id.0, ids::RANK_REFUSED)
                .await
                .map(|_| ());
        }
    };
    let bound = Bound::Unit(unit.clone());
    let duty = org.holds(from.id, &bound, crate::domain::role::DUTY_OFFICER);
    if !(duty || org.is_admin(from.id)) {
        let out = notices::refusal(inc.chat_id, inc.message_id, tr!(lang, ids::RANK_REFUSED));
        return ctx
            .queue_throttled(out, from.id.0, ids::RANK_REFUSED)
            .await
            .map(|_| ());
    }
    let now = ctx.now();
    let Some(period) = Period::parse(arg, now, org.timezone) else {
        let out = notices::refusal(inc.chat_id, inc.message_id, tr!(lang, ids::STATS_USAGE));
        return ctx
            .queue_throttled(out, from.id.0, ids::STATS_USAGE)
            .await
            .map(|_| ());
    };
    let a = Assessment::from(here.org.policy.assessment);
    let f = rank_figures(&ctx.store, org, &unit, &period, now).await?;
    let mut lines = vec![tr!(
        lang,
        ids::RANK_TITLE,
        scope = escape(&org.scope_name(&bound)),
        period = escape(&period.label)
    )];
    lines.extend(ranking_lines(
        lang,
        &tr!(lang, ids::RANK_DEPARTMENTS),
        &f.departments,
        &a,
    ));
    if !f.alliances.is_empty() {
        lines.extend(ranking_lines(
            lang,
            &tr!(lang, ids::RANK_ALLIANCES),
            &f.alliances,
            &a,
        ));
    }
    lines.extend(few_alliances_line(lang, &f.few_alliances));
    lines.extend(ranking_lines(
        lang,
        &tr!(lang, ids::RANK_UNITS),
        &f.units,
        &a,
    ));
    ctx.queue(vec![notices::reply(
        inc.chat_id,
        inc.message_id,
        lines.join("\n"),
    )])
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scope with very many parts: the answer is clipped to a message's 4,096 UTF-16 units.
    #[test]
    fn a_long_table_is_clipped_to_one_message() {
        let period = Period::month(2026, 11, chrono_tz::Asia::Shanghai).unwrap();
        let f = Figures {
            whistles: 3,
            ..Figures::default()
        };
        let parts: Vec<(String, Figures)> = (0..400)
            .map(|i| (format!("翠湖社区第{i}网格 <&>"), f.clone()))
            .collect();
        let figures = StatsFigures {
            total: f,
            parts,
            of_departments: false,
            few_alliances: Some((
                "2026".into(),
                vec!["云南大学 <x>".into(), "昆明第一中学".into()],
            )),
        };
        let html = table(
            Lang::ZhHans,
            "华山街道",
            &period,
            &Assessment::default(),
            &figures,
        );
        assert!(crate::render::visible_len(&html) > 4096);
        assert!(
            html.contains("翠湖社区第0网格 &lt;&amp;&gt;"),
            "names are escaped"
        );
        let out = notices::reply(crate::domain::ChatId(-1), crate::domain::MessageId(1), html);
        let Payload::Send { html, .. } = out.payload else {
            panic!("{out:?}")
        };
        assert!(crate::render::visible_len(&html) <= 4096);
        assert!(html.starts_with("📊 <b>华山街道</b> · 2026-11"));
        // The alliance units under two orders come before the parts, so clipping keeps them.
        assert!(
            html.contains("\n2026 年报到不足两单的联盟单位：云南大学 &lt;x&gt;、昆明第一中学\n"),
            "{html}"
        );
    }
}
