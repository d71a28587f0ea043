//! Statistics in SQL: the figures of a unit subtree and/or a department over a period, added up
//! by the database on indexed columns (`orders(unit_id, created_at)`, `parties(target_kind,
//! target_id, added_at)`), never by loading orders. Every aggregate is cast to BIGINT: sqlx's
//! `Any` driver cannot decode PostgreSQL's NUMERIC, which `SUM` returns.

use chrono::{DateTime, Utc};

use super::{col, ms, Result, Store};
use crate::stats::{Figures, Percentiles, Period, Scope};

/// The scope's conditions: on `o` (orders), and on `p` (parties) for a department, with the
/// values to bind after `$1` from, `$2` to, `$3` now, in order.
struct Filter {
    cte: String,
    orders: String,
    parties: String,
    binds: Vec<String>,
}

fn filter(scope: &Scope) -> Filter {
    let mut binds = Vec::new();
    let mut cte = String::new();
    let mut orders = String::from("o.state <> 'cancelled'");
    let mut parties = orders.clone();
    if let Some(unit) = &scope.unit {
        binds.push(unit.as_str().to_owned());
        let n = 3 + binds.len();
        cte = format!(
            "WITH RECURSIVE sub (id) AS (
                 SELECT id FROM units WHERE id = ${n}
                 UNION ALL SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)"
        );
        let c = " AND o.unit_id IN (SELECT id FROM sub)";
        orders.push_str(c);
        parties.push_str(c);
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
        cte,
        orders,
        parties,
        binds,
    }
}

/// Nearest-rank median and 90th percentile of the column `v` of `rows` (a subquery), with
/// window functions (SQLite has no `percentile_disc`): rank ⌈p·n⌉ = (p·n + 99) div 100.
fn percentiles_sql(rows: &str) -> String {
    format!(
        "SELECT CAST(MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN v END) AS BIGINT) AS p50,
                CAST(MAX(CASE WHEN rn = (n * 90 + 99) / 100 THEN v END) AS BIGINT) AS p90
         FROM (SELECT v, ROW_NUMBER() OVER (ORDER BY v) AS rn, COUNT(*) OVER () AS n
               FROM ({rows}) r) ranked"
    )
}

impl Store {
    /// The figures of `scope` over `period`, as they stand at `now` (what is not yet due is
    /// left out of denominators).
    pub async fn figures(
        &self,
        scope: &Scope,
        period: &Period,
        now: DateTime<Utc>,
    ) -> Result<Figures> {
        let f = filter(scope);
        let fetch = |sql: String| {
            let binds = f.binds.clone();
            let pool = self.pool.clone();
            async move {
                let mut q = sqlx::query(&sql)
                    .bind(ms(period.from))
                    .bind(ms(period.to))
                    .bind(ms(now));
                for b in binds {
                    q = q.bind(b);
                }
                q.fetch_one(&pool).await
            }
        };
        let in_orders = format!(
            "FROM orders o WHERE o.created_at >= $1 AND o.created_at < $2 AND {}",
            f.orders
        );
        let in_parties = format!(
            "FROM parties p JOIN orders o ON o.id = p.order_id
             WHERE p.added_at >= $1 AND p.added_at < $2 AND {}",
            f.parties
        );
        let count = |cond: &str| {
            format!("CAST(COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS BIGINT)")
        };
        let resident_resolved = "o.resident_no IS NOT NULL AND o.first_resolved_at IS NOT NULL";
        let orders_sql = format!(
            "{cte} SELECT CAST(COUNT(*) AS BIGINT) AS whistles,
                    {resolved} AS resolved, {closed} AS closed, {reopened} AS reopened,
                    {on_time} AS on_time, {overdue} AS overdue,
                    {e1} AS e1, {e2} AS e2, {e3} AS e3, {b1} AS b1, {b2} AS b2, {b3} AS b3,
                    {ans_solved} AS ans_solved, {solved} AS solved, {ans_sat} AS ans_sat,
                    {satisfied} AS satisfied, {basic} AS basic, {not_rated} AS not_rated
             {in_orders}",
            cte = f.cte,
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
        let r = fetch(orders_sql).await?;
        let mut fig = Figures {
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
        let parties_sql = format!(
            "{cte} SELECT CAST(COUNT(*) AS BIGINT) AS parties, {reports} AS reports,
                    {due} AS due, {on_time} AS on_time
             {in_parties}",
            cte = f.cte,
            reports = count("p.reported_at IS NOT NULL"),
            due = count("(p.reported_at IS NOT NULL OR p.ack_due <= $3)"),
            on_time = count("p.report_on_time = 1"),
        );
        let r = fetch(parties_sql).await?;
        fig.parties = col(&r, "parties")?;
        fig.reports = col(&r, "reports")?;
        fig.parties_due = col(&r, "due")?;
        fig.reports_on_time = col(&r, "on_time")?;
        // `$3` is bound to every query; these two use it only to keep the numbering.
        let report = format!(
            "{cte} {p} ",
            cte = f.cte,
            p = percentiles_sql(&format!(
                "SELECT p.report_secs AS v {in_parties} AND p.report_secs IS NOT NULL
                 AND $3 >= 0"
            ))
        );
        let r = fetch(report).await?;
        fig.time_to_report = Percentiles {
            median: col(&r, "p50")?,
            p90: col(&r, "p90")?,
        };
        let resolve = format!(
            "{cte} {p}",
            cte = f.cte,
            p = percentiles_sql(&format!(
                "SELECT o.first_resolve_secs AS v {in_orders}
                 AND o.first_resolve_secs IS NOT NULL AND $3 >= 0"
            ))
        );
        let r = fetch(resolve).await?;
        fig.time_to_resolve = Percentiles {
            median: col(&r, "p50")?,
            p90: col(&r, "p90")?,
        };
        Ok(fig)
    }
}
