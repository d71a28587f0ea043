//! Statistics in SQL: the figures of a unit subtree and/or a department over a period, added up
//! by the database on indexed columns (`orders(unit_id, created_at)`, `parties(target_kind,
//! target_id, added_at)`), never by loading orders. A breakdown (per child unit, per department,
//! per alliance) is the same four queries grouped by the part, whatever the number of parts.
//! Every aggregate is cast to BIGINT: sqlx's `Any` driver cannot decode PostgreSQL's NUMERIC,
//! which `SUM` returns.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use super::{col, ms, Result, Store};
use crate::domain::UnitId;
use crate::stats::{Breakdown, Figures, Percentiles, Period, Scope};

/// The scope's conditions: on `o` (orders), and on `p` (parties) for a department, with the
/// values to bind after `$1` from, `$2` to, `$3` now, in order.
struct Filter {
    ctes: Vec<String>,
    orders: String,
    parties: String,
    binds: Vec<String>,
}

fn filter(scope: &Scope) -> Filter {
    let mut binds = Vec::new();
    let mut ctes = Vec::new();
    let mut orders = String::from("o.state <> 'cancelled'");
    // A party row carries its order's unit and cancellation (migration 0013): no join.
    let mut parties = String::from("p.order_cancelled = 0");
    if let Some(unit) = &scope.unit {
        binds.push(unit.as_str().to_owned());
        let n = 3 + binds.len();
        ctes.push(format!(
            "sub (id) AS (
                 SELECT id FROM units WHERE id = ${n}
                 UNION ALL SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)"
        ));
        orders.push_str(" AND o.unit_id IN (SELECT id FROM sub)");
        parties.push_str(" AND p.unit_id IN (SELECT id FROM sub)");
    }
    let target = match (&scope.department, &scope.alliance) {
        (Some(d), _) => Some(("department", d.as_str())),
        (None, Some(a)) => Some(("alliance", a.as_str())),
        (None, None) => None,
    };
    if let Some((kind, id)) = target {
        binds.push(id.to_owned());
        let n = 3 + binds.len();
        orders.push_str(&format!(
            // The orders that summoned it, from the parties' (target_kind, target_id) index
            // once: a correlated EXISTS made SQLite probe parties for every order in range.
            " AND o.id IN (SELECT d.order_id FROM parties d
                 WHERE d.target_kind = '{kind}' AND d.target_id = ${n})"
        ));
        parties.push_str(&format!(
            " AND p.target_kind = '{kind}' AND p.target_id = ${n}"
        ));
    }
    Filter {
        ctes,
        orders,
        parties,
        binds,
    }
}

/// Where a (possibly grouped) query reads: the part's key and the `FROM … WHERE …` of orders in
/// the period and of parties summoned in it, each row once per part it counts in.
struct Source {
    ctes: Vec<String>,
    binds: Vec<String>,
    orders_key: String,
    orders: String,
    parties_key: String,
    parties: String,
}

fn source(scope: &Scope, by: Option<&Breakdown>) -> Source {
    let f = filter(scope);
    let in_period = |col: &str| format!("{col} >= $1 AND {col} < $2");
    let orders = format!("WHERE {} AND {}", in_period("o.created_at"), f.orders);
    // The period's parties by `added_at`: what a period costs does not grow with the scope's
    // history.
    let parties = format!("WHERE {} AND {}", in_period("p.added_at"), f.parties);
    let mut s = Source {
        ctes: f.ctes,
        binds: f.binds,
        orders_key: "CAST('' AS TEXT)".into(),
        orders: format!("FROM orders o {orders}"),
        parties_key: "CAST('' AS TEXT)".into(),
        parties: format!("FROM parties p {parties}"),
    };
    let kind = match by {
        None => return s,
        Some(Breakdown::Units(roots)) => {
            // Each listed unit with every unit below it: (unit, part) once per pair.
            let first = 4 + s.binds.len();
            let marks: Vec<String> = (first..first + roots.len())
                .map(|n| format!("${n}"))
                .collect();
            s.binds.extend(roots.iter().map(|r| r.as_str().to_owned()));
            s.ctes.push(format!(
                "parts (id, part) AS (
                     SELECT id, id FROM units WHERE id IN ({})
                     UNION ALL SELECT u.id, g.part FROM units u JOIN parts g ON u.parent_id = g.id)",
                marks.join(", ")
            ));
            s.orders_key = "g.part".into();
            s.orders = format!("FROM parts g JOIN orders o ON o.unit_id = g.id {orders}");
            s.parties_key = "g.part".into();
            s.parties = format!("FROM parties p JOIN parts g ON g.id = p.unit_id {parties}");
            return s;
        }
        Some(Breakdown::Departments) => "department",
        Some(Breakdown::Alliances) => "alliance",
    };
    // An order counts once for each department (alliance) it summoned, whenever; its parties
    // each for their own target.
    s.orders_key = "g.part".into();
    s.orders = format!(
        "FROM (SELECT DISTINCT d.order_id, d.target_id AS part
               FROM orders o CROSS JOIN parties d
               {orders} AND d.order_id = o.id AND d.target_kind = '{kind}') g
         JOIN orders o ON o.id = g.order_id WHERE 1 = 1"
    );
    s.parties_key = "p.target_id".into();
    s.parties = format!("{} AND p.target_kind = '{kind}'", s.parties);
    s
}

/// Nearest-rank median and 90th percentile of `column` (not null) per part, over the rows of
/// `from` (a `FROM … WHERE …`), with window functions (SQLite has no `percentile_disc`): rank
/// ⌈p·n⌉ = (p·n + 99) div 100. `$3` is bound to every query; here it only keeps the numbering.
fn percentiles_sql(with: &str, key: &str, column: &str, from: &str) -> String {
    format!(
        "{with} SELECT part,
                CAST(MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN v END) AS BIGINT) AS p50,
                CAST(MAX(CASE WHEN rn = (n * 90 + 99) / 100 THEN v END) AS BIGINT) AS p90
         FROM (SELECT part, v, ROW_NUMBER() OVER (PARTITION BY part ORDER BY v) AS rn,
                      COUNT(*) OVER (PARTITION BY part) AS n
               FROM (SELECT {key} AS part, {column} AS v {from}
                     AND {column} IS NOT NULL AND $3 >= 0) r) ranked
         GROUP BY part"
    )
}

fn percentiles(r: &AnyRow) -> Result<Percentiles> {
    Ok(Percentiles {
        median: col(r, "p50")?,
        p90: col(r, "p90")?,
    })
}

fn with_clause(ctes: &[String]) -> String {
    if ctes.is_empty() {
        String::new()
    } else {
        format!("WITH RECURSIVE {}", ctes.join(", "))
    }
}

fn count(cond: &str) -> String {
    format!("CAST(COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS BIGINT)")
}

impl Store {
    /// Runs `sql` with `$1` from, `$2` to, `$3` now and then `binds`.
    async fn stats_rows(
        &self,
        sql: &str,
        period: &Period,
        now: DateTime<Utc>,
        binds: &[String],
    ) -> Result<Vec<AnyRow>> {
        let mut q = sqlx::query(sql)
            .bind(ms(period.from))
            .bind(ms(period.to))
            .bind(ms(now));
        for b in binds {
            q = q.bind(b.as_str());
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// The figures of `scope` over `period`, as they stand at `now` (what is not yet due is
    /// left out of denominators).
    pub async fn figures(
        &self,
        scope: &Scope,
        period: &Period,
        now: DateTime<Utc>,
    ) -> Result<Figures> {
        let mut all = self.grouped_figures(scope, None, period, now).await?;
        Ok(all.remove("").unwrap_or_default())
    }

    /// The figures of `scope` over `period` broken down `by` parts, keyed by the part's id; a
    /// part with nothing in the period is absent. Four queries, whatever the number of parts.
    pub async fn figures_by(
        &self,
        scope: &Scope,
        by: &Breakdown,
        period: &Period,
        now: DateTime<Utc>,
    ) -> Result<HashMap<String, Figures>> {
        if matches!(by, Breakdown::Units(roots) if roots.is_empty()) {
            return Ok(HashMap::new());
        }
        self.grouped_figures(scope, Some(by), period, now).await
    }

    async fn grouped_figures(
        &self,
        scope: &Scope,
        by: Option<&Breakdown>,
        period: &Period,
        now: DateTime<Utc>,
    ) -> Result<HashMap<String, Figures>> {
        let s = source(scope, by);
        let with = with_clause(&s.ctes);
        let resident_resolved = "o.resident_no IS NOT NULL AND o.first_resolved_at IS NOT NULL";
        let orders_sql = format!(
            "{with} SELECT {key} AS part, CAST(COUNT(*) AS BIGINT) AS whistles,
                    {resolved} AS resolved, {closed} AS closed, {reopened} AS reopened,
                    {on_time} AS on_time, {overdue} AS overdue,
                    {e1} AS e1, {e2} AS e2, {e3} AS e3, {b1} AS b1, {b2} AS b2, {b3} AS b3,
                    {ans_solved} AS ans_solved, {solved} AS solved, {ans_sat} AS ans_sat,
                    {satisfied} AS satisfied, {basic} AS basic, {not_rated} AS not_rated
             {from} GROUP BY {key}",
            key = s.orders_key,
            from = s.orders,
            resolved = count("o.first_resolved_at IS NOT NULL"),
            closed = count("o.state = 'closed'"),
            reopened = count("o.reopen_count > 0"),
            on_time = count("o.first_resolve_on_time = 1"),
            overdue = count("o.first_resolved_at IS NULL AND o.resolve_due <= $3"),
            e1 = count("o.start_level < 1 AND o.top_level >= 1"),
            e2 = count("o.start_level < 2 AND o.top_level >= 2"),
            e3 = count("o.start_level < 3 AND o.top_level >= 3"),
            b1 = count("o.start_level < 1"),
            b2 = count("o.start_level < 2"),
            b3 = count("o.start_level < 3"),
            ans_solved = count(&format!(
                "{resident_resolved} AND o.rating_solved IS NOT NULL"
            )),
            solved = count(&format!("{resident_resolved} AND o.rating_solved = 1")),
            ans_sat = count(&format!(
                "{resident_resolved} AND o.rating_satisfaction IS NOT NULL"
            )),
            satisfied = count(&format!(
                "{resident_resolved} AND o.rating_satisfaction = 'satisfied'"
            )),
            basic = count(&format!(
                "{resident_resolved} AND o.rating_satisfaction = 'basic'"
            )),
            not_rated = count(&format!(
                "{resident_resolved} AND o.rating_solved IS NULL AND o.rating_satisfaction IS NULL"
            )),
        );
        let parties_sql = format!(
            "{with} SELECT {key} AS part, CAST(COUNT(*) AS BIGINT) AS parties,
                    {reports} AS reports, {due} AS due, {on_time} AS on_time
             {from} GROUP BY {key}",
            key = s.parties_key,
            from = s.parties,
            reports = count("p.reported_at IS NOT NULL"),
            due = count("(p.reported_at IS NOT NULL OR p.ack_due <= $3)"),
            on_time = count("p.report_on_time = 1"),
        );
        // Nearest-rank percentiles of report and resolve durations, per part.
        let report_sql = percentiles_sql(&with, &s.parties_key, "p.report_secs", &s.parties);
        let resolve_sql = percentiles_sql(&with, &s.orders_key, "o.first_resolve_secs", &s.orders);
        // The four read the same period side by side, each on a connection of its own.
        let (order_rows, party_rows, report_rows, resolve_rows) = tokio::try_join!(
            self.stats_rows(&orders_sql, period, now, &s.binds),
            self.stats_rows(&parties_sql, period, now, &s.binds),
            self.stats_rows(&report_sql, period, now, &s.binds),
            self.stats_rows(&resolve_sql, period, now, &s.binds),
        )?;
        let mut out = HashMap::new();
        for r in order_rows {
            let fig = Figures {
                whistles: col(&r, "whistles")?,
                resolved: col(&r, "resolved")?,
                closed: col(&r, "closed")?,
                reopened: col(&r, "reopened")?,
                resolved_on_time: col(&r, "on_time")?,
                overdue_unresolved: col(&r, "overdue")?,
                escalated: [col(&r, "e1")?, col(&r, "e2")?, col(&r, "e3")?],
                below: [col(&r, "b1")?, col(&r, "b2")?, col(&r, "b3")?],
                answered_solved: col(&r, "ans_solved")?,
                solved: col(&r, "solved")?,
                answered_satisfaction: col(&r, "ans_sat")?,
                satisfied: col(&r, "satisfied")?,
                basic: col(&r, "basic")?,
                not_rated: col(&r, "not_rated")?,
                ..Figures::default()
            };
            out.insert(col::<String>(&r, "part")?, fig);
        }
        for r in party_rows {
            let fig: &mut Figures = out.entry(col(&r, "part")?).or_default();
            fig.parties = col(&r, "parties")?;
            fig.reports = col(&r, "reports")?;
            fig.parties_due = col(&r, "due")?;
            fig.reports_on_time = col(&r, "on_time")?;
        }
        for r in report_rows {
            let p = percentiles(&r)?;
            out.entry(col(&r, "part")?).or_default().time_to_report = p;
        }
        for r in resolve_rows {
            let p = percentiles(&r)?;
            out.entry(col(&r, "part")?).or_default().time_to_resolve = p;
        }
        Ok(out)
    }

    /// Per alliance unit, the distinct orders (not cancelled; within `unit`'s subtree when
    /// given) on which it reported for duty within `year`; an alliance with none is absent.
    pub async fn alliance_orders_reported(
        &self,
        unit: Option<&UnitId>,
        year: &Period,
    ) -> Result<HashMap<String, i64>> {
        let f = filter(&Scope {
            unit: unit.cloned(),
            ..Scope::default()
        });
        let with = with_clause(&f.ctes);
        // `$3` (now) is not needed: bound for the numbering only.
        let sql = format!(
            "{with} SELECT p.target_id AS part, CAST(COUNT(DISTINCT p.order_id) AS BIGINT) AS n
             FROM parties p
             WHERE p.target_kind = 'alliance' AND p.reported_at >= $1 AND p.reported_at < $2
               AND $3 >= 0 AND {}
             GROUP BY p.target_id",
            f.parties
        );
        let mut out = HashMap::new();
        for r in self.stats_rows(&sql, year, year.to, &f.binds).await? {
            out.insert(col::<String>(&r, "part")?, col::<i64>(&r, "n")?);
        }
        Ok(out)
    }
}
