//! The command line: `run`, `migrate`, `org import|show`, `demo`. Parses flags and environment
//! with clap, prints localized text, and turns every failure into one line and an exit code.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::domain::org::{parse_org_with, OrgError, OrgProblem, Organisation};
use crate::domain::policy::Level;
use crate::domain::{Lang, RoleCatalog, Scope};
use crate::i18n::{ids, level_name};
use crate::storage::Store;
use crate::tr;

/// gridwhistle: the whistle-and-report (吹哨报到) bot for community grid governance.
#[derive(Debug, Parser)]
#[command(name = "gridwhistle", version, about)]
pub struct Cli {
    /// Database URL: sqlite://FILE (created if missing) or postgres://…
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://gridwhistle.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,
    /// Language of this command's output: zh-Hans, zh-Hant or en.
    #[arg(long, env = "GRIDWHISTLE_LANG", default_value = "zh-Hans", global = true, value_parser = parse_lang)]
    pub lang: Lang,
    #[command(subcommand)]
    pub command: Command,
}

/// How `gridwhistle run` writes its logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The bot's token: a secret that is never displayed or logged (`Debug` shows no part of it).
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// The token itself, for the one place that sends it to Telegram.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// Any text is taken here; a blank token counts as none when the bot starts (and gets the
/// localized "no token" answer rather than clap's).
fn parse_token(s: &str) -> Result<Token, std::convert::Infallible> {
    Ok(Token(s.trim().to_string()))
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("{s}: zh-Hans | zh-Hant | en"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the bot (long polling). Reads TELOXIDE_TOKEN and, optionally, TELOXIDE_API_URL.
    Run {
        /// Import this organisation file before starting (upserts; chat-made changes survive).
        #[arg(long)]
        org: Option<PathBuf>,
        /// The bot's token from @BotFather (from the environment, so that it is in no process
        /// list; never printed).
        #[arg(long, env = "TELOXIDE_TOKEN", hide = true, hide_env_values = true, value_parser = parse_token)]
        token: Option<Token>,
        /// A local Bot API server instead of Telegram's.
        #[arg(long, env = "TELOXIDE_API_URL", hide_env_values = true)]
        api_url: Option<String>,
        /// Webhook mode: the public https:// URL (port 443, 80, 88 or 8443) Telegram posts
        /// updates to; its path is served on --listen. Without it the bot long-polls.
        #[arg(long, env = "GRIDWHISTLE_WEBHOOK_URL", value_name = "URL")]
        webhook: Option<String>,
        /// Address the HTTP server listens on (the webhook, /healthz, /metrics), e.g.
        /// 127.0.0.1:8080 behind a reverse proxy that ends TLS.
        #[arg(long, env = "GRIDWHISTLE_LISTEN", value_name = "ADDR")]
        listen: Option<String>,
        /// A separate address for /healthz and /metrics, so that they need not face the internet.
        #[arg(long, env = "GRIDWHISTLE_METRICS_LISTEN", value_name = "ADDR")]
        metrics_listen: Option<String>,
        /// The webhook's secret token (1-256 of A-Z a-z 0-9 _ -); without it one is made once
        /// and kept in the database, shared by replicas. Never printed.
        #[arg(long, env = "GRIDWHISTLE_WEBHOOK_SECRET", hide = true, hide_env_values = true, value_parser = parse_token)]
        webhook_secret: Option<Token>,
        /// Log format: text (for people) or json (one object a line, for log shippers).
        #[arg(long, env = "GRIDWHISTLE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
        log_format: LogFormat,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Remove now what the organisation's [retention] no longer keeps (the running bot does
    /// it hourly) and print how much.
    Prune,
    /// Play a scripted scenario against an in-process Bot API stand-in and print the chats
    /// (no token or network needed). `--lang en` for English.
    Demo,
    /// Measure the bot end to end against the in-process stand-in (throughput, latency,
    /// scheduler, memory) and print the figures.
    Bench {
        /// Whistles queued at once for the throughput run.
        #[arg(long, default_value_t = 300)]
        burst: usize,
        /// Whistles and button presses one at a time for the latency run.
        #[arg(long, default_value_t = 100)]
        sequential: usize,
        /// Instead: seed this many orders in bulk and time /stats, /rank and report --month
        /// (on a temporary SQLite file, or on an empty PostgreSQL database given by
        /// --database-url postgres://…).
        #[arg(long)]
        orders: Option<usize>,
        /// With --orders alone: the years of history they are spread over evenly (a year holds
        /// a tenth of them by default).
        #[arg(long, default_value_t = 10)]
        years: u32,
        /// Instead: the scale benchmark on a generated organisation of this many grids, with an
        /// empty database beside one holding --orders closed orders (default none): /list,
        /// /show, whistle → card, report → toast (--sequential samples each), a sweep of due
        /// jobs, plain chatter, memory, database size and the hot queries' plans.
        #[arg(long)]
        grids: Option<usize>,
    },
    /// The month's figures for every unit and department, one row each (CSV with a UTF-8 BOM
    /// for Excel, or a Markdown table).
    Report {
        /// The month: 2026-11 (also 上月, 11月).
        #[arg(long)]
        month: String,
        /// Only this unit and everything below it (and the departments' work there).
        #[arg(long)]
        unit: Option<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Csv)]
        format: ReportFormat,
        /// The figures as they stood at this moment (RFC 3339, e.g. 2026-12-02T10:00:00+08:00)
        /// rather than now: what was due then, and "this month" then.
        #[arg(long)]
        as_of: Option<chrono::DateTime<chrono::FixedOffset>>,
    },
    /// Every order whistled from one day to another (inclusive, in the organisation's time
    /// zone) with its timeline, one row per event (CSV with a UTF-8 BOM, for Excel). Residents
    /// appear as "居民 #k", never by name or id.
    Export {
        /// The first day: 2026-11-01.
        #[arg(long)]
        from: String,
        /// The last day: 2026-11-30.
        #[arg(long)]
        to: String,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
    /// A consistent copy of the (running) SQLite database to FILE, which must not exist yet;
    /// for PostgreSQL, says how to use pg_dump.
    Backup { file: PathBuf },
    /// Import or show the organisation.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Import an organisation file (TOML). Importing the same file twice changes nothing.
    Import {
        file: PathBuf,
        /// Also remove what the file no longer names (prints the list first).
        #[arg(long)]
        prune: bool,
        /// With --prune: remove without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Print the organisation as a tree.
    Show,
}

/// How `report` writes its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Csv,
    Md,
}

/// How `export` writes its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
}

/// Orders read from the database at a time by `export`.
const EXPORT_BATCH: i64 = 500;

/// Text of a rendered HTML line: tags dropped, entities `escape` makes turned back.
fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn state_name(lang: Lang, s: crate::domain::OrderState) -> String {
    use crate::domain::OrderState;
    tr!(
        lang,
        match s {
            OrderState::Open => ids::EXPORT_STATE_OPEN,
            OrderState::Reported => ids::EXPORT_STATE_REPORTED,
            OrderState::Resolved => ids::EXPORT_STATE_RESOLVED,
            OrderState::Closed => ids::EXPORT_STATE_CLOSED,
            OrderState::Cancelled => ids::EXPORT_STATE_CANCELLED,
        }
    )
}

/// `export --from D1 --to D2`: every order whistled on D1..=D2 (organisation's time zone), one
/// CSV row per event of its timeline, written to `out` batch by batch (never all orders in
/// memory). Who did it is a member's name or "居民 #k".
pub async fn export(
    store: &Store,
    from: &str,
    to: &str,
    lang: Lang,
    out: &mut impl std::io::Write,
) -> Result<(), Exit> {
    use crate::domain::OrderId;
    let org = store
        .load_org()
        .await
        .map_err(|e| Exit::usage(e.to_string()))?;
    let day = |s: &str| {
        chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| Exit::usage(tr!(lang, ids::CLI_EXPORT_BAD_DATE, got = s)))
    };
    let (first, last) = (day(from)?, day(to)?);
    let period = crate::stats::Period::days(first, last, org.timezone)
        .ok_or_else(|| Exit::usage(tr!(lang, ids::CLI_EXPORT_BAD_RANGE, from = from, to = to)))?;
    let failed = |e: String| Exit {
        message: e,
        code: 1,
    };
    let io = |e: std::io::Error| failed(e.to_string());
    let view = crate::render::View {
        org: &org,
        lang,
        now: chrono::Utc::now(),
    };
    let when = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&org.timezone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let header: Vec<String> = tr!(lang, ids::EXPORT_COLUMNS)
        .split(',')
        .map(|c| csv_field(c.trim()))
        .collect();
    write!(out, "\u{feff}{}\r\n", header.join(",")).map_err(io)?;
    let mut after = OrderId(0);
    loop {
        let batch = store
            .export_batch(period.from, period.to, after, EXPORT_BATCH)
            .await
            .map_err(|e| failed(e.to_string()))?;
        let Some((last, _)) = batch.last() else {
            break;
        };
        after = last.id;
        for (o, events) in &batch {
            let unit = org
                .unit(&o.unit)
                .map_or_else(|| o.unit.as_str().to_owned(), |u| u.name.clone());
            for e in events {
                let who = e
                    .actor
                    .map(|a| plain_text(&view.who(a)))
                    .unwrap_or_else(|| tr!(lang, ids::ACTOR_SYSTEM));
                let line = crate::render::event_line(&view, o, e);
                let prefix = format!("{} ", view.time(e.at));
                let what = plain_text(line.strip_prefix(&prefix).unwrap_or(&line));
                let cells = [
                    o.id.0.to_string(),
                    unit.clone(),
                    state_name(lang, o.state),
                    level_name(lang, o.level),
                    when(o.created_at),
                    when(e.at),
                    who,
                    what,
                ];
                let row: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
                write!(out, "{}\r\n", row.join(",")).map_err(io)?;
            }
        }
        out.flush().map_err(io)?;
    }
    Ok(())
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A Markdown table cell: pipes and line breaks escaped.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// One report row's cells after kind, id and name.
fn report_cells(
    f: &crate::stats::Figures,
    a: &crate::stats::Assessment,
    lang: Lang,
    csv: bool,
) -> Vec<String> {
    use crate::stats::{duration_text, rate_text, Rate};
    let rate = |r: Rate| {
        if csv {
            r.value()
                .map(|v| format!("{:.1}", v * 100.0))
                .unwrap_or_default()
        } else {
            rate_text(lang, r)
        }
    };
    let secs = |v: Option<i64>| {
        if csv {
            v.map(|v| v.to_string()).unwrap_or_default()
        } else {
            duration_text(lang, v)
        }
    };
    vec![
        f.whistles.to_string(),
        f.parties.to_string(),
        f.reports.to_string(),
        f.resolved.to_string(),
        f.closed.to_string(),
        f.escalated[0].to_string(),
        f.escalated[1].to_string(),
        f.escalated[2].to_string(),
        f.reopened.to_string(),
        rate(f.response_rate(a)),
        secs(f.time_to_report.median),
        secs(f.time_to_report.p90),
        secs(f.time_to_resolve.median),
        secs(f.time_to_resolve.p90),
        rate(f.on_time_resolution(a)),
        rate(f.escalation_rate(0, a)),
        rate(f.rework_rate(a)),
        rate(f.resident_resolution_rate(a)),
        rate(f.satisfaction_rate(a)),
        f.not_rated.to_string(),
    ]
}

/// `report --month M [--unit U] [--format csv|md]`: the month's figures of every unit (in U's
/// subtree), every department and every alliance unit (their parties within U's subtree),
/// counted in the database; alliance units also with the orders they reported on that year.
pub async fn report(
    store: &Store,
    month: &str,
    unit: Option<&str>,
    format: ReportFormat,
    as_of: Option<chrono::DateTime<chrono::Utc>>,
    lang: Lang,
) -> Result<String, Exit> {
    use crate::stats::{Assessment, Breakdown, Figures, Period, Scope};
    let org = store
        .load_org()
        .await
        .map_err(|e| Exit::usage(e.to_string()))?;
    let now = as_of.unwrap_or_else(chrono::Utc::now);
    let period = Period::parse(month, now, org.timezone)
        .filter(|_| !month.trim().is_empty())
        .ok_or_else(|| Exit::usage(tr!(lang, ids::CLI_REPORT_BAD_MONTH, got = month)))?;
    let root = match unit {
        Some(u) => Some(
            org.units
                .iter()
                .find(|x| x.id.as_str() == u)
                .map(|x| x.id.clone())
                .ok_or_else(|| Exit::usage(tr!(lang, ids::CLI_REPORT_UNKNOWN_UNIT, id = u)))?,
        ),
        None => None,
    };
    let a = Assessment::from(org.policy.assessment);
    let failed = |e: crate::storage::StoreError| Exit {
        message: e.to_string(),
        code: 1,
    };
    // Every unit with its subtree, every department and every alliance unit (within U's
    // subtree): one grouped query each, whatever their number.
    let units: Vec<_> = org
        .units
        .iter()
        .filter(|u| root.as_ref().is_none_or(|r| org.is_within(&u.id, r)))
        .collect();
    let unit_ids = units.iter().map(|u| u.id.clone()).collect();
    let mut by_unit = store
        .figures_by(&Scope::default(), &Breakdown::Units(unit_ids), &period, now)
        .await
        .map_err(failed)?;
    let within = Scope {
        unit: root.clone(),
        ..Scope::default()
    };
    let mut by_department = store
        .figures_by(&within, &Breakdown::Departments, &period, now)
        .await
        .map_err(failed)?;
    let mut by_alliance = store
        .figures_by(&within, &Breakdown::Alliances, &period, now)
        .await
        .map_err(failed)?;
    // Alliance units: the distinct orders each reported on in the calendar year of the month.
    let year = period
        .year_of_end(org.timezone)
        .ok_or_else(|| Exit::usage(tr!(lang, ids::CLI_REPORT_BAD_MONTH, got = month)))?;
    let reported = store
        .alliance_orders_reported(root.as_ref(), &year)
        .await
        .map_err(failed)?;
    let alliances = match &root {
        Some(r) => org.alliances_for(r),
        None => org.alliances.iter().collect(),
    };
    let mut rows: Vec<(String, String, String, Figures, Option<i64>)> = Vec::new();
    for u in units {
        let id = u.id.as_str().to_string();
        let f = by_unit.remove(&id).unwrap_or_default();
        rows.push((
            tr!(lang, ids::REPORT_KIND_UNIT),
            id,
            u.name.clone(),
            f,
            None,
        ));
    }
    for d in &org.departments {
        let id = d.id.as_str().to_string();
        let f = by_department.remove(&id).unwrap_or_default();
        rows.push((
            tr!(lang, ids::REPORT_KIND_DEPARTMENT),
            id,
            d.name.clone(),
            f,
            None,
        ));
    }
    for al in alliances {
        let id = al.id.as_str().to_string();
        let f = by_alliance.remove(&id).unwrap_or_default();
        let n = reported.get(&id).copied().unwrap_or(0);
        rows.push((
            tr!(lang, ids::REPORT_KIND_ALLIANCE),
            id,
            al.name.clone(),
            f,
            Some(n),
        ));
    }
    let header: Vec<String> = tr!(lang, ids::REPORT_COLUMNS)
        .split(',')
        .map(|c| c.trim().to_string())
        .collect();
    let csv = format == ReportFormat::Csv;
    let mut out = String::new();
    if csv {
        out.push('\u{feff}');
        out.push_str(
            &header
                .iter()
                .map(|h| csv_field(h))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    } else {
        out.push_str(&format!("| {} |\n", header.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    }
    for (kind, id, name, f, reported) in rows {
        let mut cells = vec![kind, id, name];
        cells.extend(report_cells(&f, &a, lang, csv));
        cells.push(reported.map(|n| n.to_string()).unwrap_or_default());
        if csv {
            out.push_str(
                &cells
                    .iter()
                    .map(|c| csv_field(c))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            out.push_str("\r\n");
        } else {
            let cells: Vec<String> = cells.iter().map(|c| md_cell(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
    Ok(out)
}

/// A failure that ends the command: the text to print and the exit code.
#[derive(Debug)]
pub struct Exit {
    pub message: String,
    pub code: i32,
}

impl Exit {
    fn usage(message: String) -> Exit {
        Exit { message, code: 2 }
    }
}

pub async fn open_store(url: &str, lang: Lang) -> Result<Store, Exit> {
    Store::connect(url).await.map_err(|e| {
        Exit::usage(tr!(
            lang,
            ids::CLI_BAD_DATABASE,
            url = redact_url(url),
            error = e.to_string()
        ))
    })
}

/// The URL without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        // Unparseable: mask all between the scheme and the last '@', where a password would be.
        Err(_) => match (url.find("://"), url.rfind('@')) {
            (Some(s), Some(at)) if at > s + 3 => format!("{}***{}", &url[..s + 3], &url[at..]),
            _ => url.to_string(),
        },
    }
}

/// The localized text of an organisation file problem.
pub fn org_problem_text(lang: Lang, p: &OrgProblem) -> String {
    match p {
        OrgProblem::Syntax { detail } => tr!(lang, ids::ORG_SYNTAX, detail = detail.trim()),
        OrgProblem::DuplicateId { what, id } => {
            tr!(lang, ids::ORG_DUPLICATE_ID, what = *what, id = id)
        }
        OrgProblem::UnknownParent { id, parent } => {
            tr!(lang, ids::ORG_UNKNOWN_PARENT, id = id, parent = parent)
        }
        OrgProblem::ParentKind {
            id,
            kind,
            parent,
            parent_kind,
            expected,
        } => tr!(
            lang,
            ids::ORG_PARENT_KIND,
            id = id,
            kind = level_name(lang, Level::parse(kind).unwrap_or(Level::Grid)),
            parent = parent,
            parent_kind = level_name(lang, Level::parse(parent_kind).unwrap_or(Level::Grid)),
            expected = level_name(lang, Level::parse(expected).unwrap_or(Level::Grid)),
        ),
        OrgProblem::DistrictWithParent { id } => tr!(lang, ids::ORG_DISTRICT_PARENT, id = id),
        OrgProblem::Cycle { path } => tr!(lang, ids::ORG_CYCLE, path = path),
        OrgProblem::UnknownKind { value } => tr!(lang, ids::ORG_UNKNOWN_KIND, value = value),
        OrgProblem::UnknownRole { role } => tr!(lang, ids::ORG_UNKNOWN_ROLE, role = role),
        OrgProblem::UnknownUnit { id } => tr!(lang, ids::ORG_UNKNOWN_UNIT, id = id),
        OrgProblem::UnknownDepartment { id } => tr!(lang, ids::ORG_UNKNOWN_DEPARTMENT, id = id),
        OrgProblem::MemberScope => tr!(lang, ids::ORG_MEMBER_SCOPE),
        OrgProblem::UnknownAlliance { id } => tr!(lang, ids::ORG_UNKNOWN_ALLIANCE, id = id),
        OrgProblem::BadDuration { value } => tr!(lang, ids::ORG_BAD_DURATION, value = value),
        OrgProblem::BadTimezone { value } => tr!(lang, ids::ORG_BAD_TIMEZONE, value = value),
        OrgProblem::BadLocale { value } => tr!(lang, ids::ORG_BAD_LOCALE, value = value),
        OrgProblem::BadDate { value } => tr!(lang, ids::ORG_BAD_DATE, value = value),
        OrgProblem::BadHours { value } => tr!(lang, ids::ORG_BAD_HOURS, value = value),
        OrgProblem::BadWeekday { value } => tr!(lang, ids::ORG_BAD_WEEKDAY, value = value),
        OrgProblem::RoleNames { id } => tr!(lang, ids::ORG_ROLE_NAMES, id = id),
        OrgProblem::BadDepartmentId { id } => tr!(lang, ids::ORG_BAD_DEPARTMENT_ID, id = id),
        OrgProblem::BadId { what, id } => tr!(lang, ids::ORG_BAD_ID, what = *what, id = id),
        OrgProblem::BoundaryRing { id, points } => {
            tr!(
                lang,
                ids::ORG_BOUNDARY_RING,
                id = id,
                points = *points as i64
            )
        }
        OrgProblem::BoundaryCoordinate { id, lon, lat } => {
            tr!(
                lang,
                ids::ORG_BOUNDARY_COORDINATE,
                id = id,
                lon = lon,
                lat = lat
            )
        }
        OrgProblem::BoundaryTwice { id } => tr!(lang, ids::ORG_BOUNDARY_TWICE, id = id),
        OrgProblem::BoundaryFile { id, file, detail } => {
            tr!(
                lang,
                ids::ORG_BOUNDARY_FILE,
                id = id,
                file = file,
                detail = detail
            )
        }
        OrgProblem::BoundaryKind { id, kind } => {
            tr!(lang, ids::ORG_BOUNDARY_KIND, id = id, kind = kind)
        }
        OrgProblem::AssessmentValue { key, value } => tr!(
            lang,
            ids::ORG_ASSESSMENT_VALUE,
            key = *key,
            value = value.as_str()
        ),
        OrgProblem::ResidentLimit {
            key,
            value,
            min,
            max,
        }
        | OrgProblem::RetentionLimit {
            key,
            value,
            min,
            max,
        } => tr!(
            lang,
            match p {
                OrgProblem::ResidentLimit { .. } => ids::ORG_RESIDENT_LIMIT,
                _ => ids::ORG_RETENTION_LIMIT,
            },
            key = *key,
            value = *value,
            min = *min,
            max = *max
        ),
        OrgProblem::RetentionWord {
            key,
            value,
            allowed,
        } => tr!(
            lang,
            ids::ORG_RETENTION_WORD,
            key = *key,
            value = value.as_str(),
            allowed = allowed.as_str()
        ),
    }
}

/// `prune`: removes what `[retention]` no longer keeps, as of now, and says how much.
pub async fn prune(store: &Store, lang: Lang) -> Result<String, Exit> {
    let failed = |e: crate::storage::StoreError| Exit {
        message: e.to_string(),
        code: 1,
    };
    let p = crate::scheduler::prune_at(store, chrono::Utc::now())
        .await
        .map_err(failed)?;
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    Ok(format!(
        "{}\n",
        tr!(
            lang,
            ids::CLI_PRUNED,
            payloads = n(p.payloads),
            updates = n(p.updates),
            outbox = n(p.outbox),
            jobs = n(p.jobs),
            people = n(p.people)
        )
    ))
}

/// Reads and validates an organisation file; a problem becomes `file:line: what` and exit 2.
pub fn read_org(path: &std::path::Path, lang: Lang) -> Result<Organisation, Exit> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Exit::usage(tr!(
            lang,
            ids::CLI_CANNOT_READ,
            file = &file,
            error = e.to_string()
        ))
    })?;
    // A `boundary_file` is relative to the organisation file.
    let dir = path.parent().unwrap_or(std::path::Path::new(""));
    let files = |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| e.to_string());
    parse_org_with(&text, &files).map_err(|OrgError { line, problem }| {
        Exit::usage(tr!(
            lang,
            ids::CLI_FILE_ERROR,
            file = &file,
            line = line as i64,
            problem = org_problem_text(lang, &problem)
        ))
    })
}

/// `org import`: validates the whole file first, so a broken file writes nothing.
pub async fn org_import(
    store: &Store,
    path: &std::path::Path,
    prune: bool,
    yes: bool,
    lang: Lang,
) -> Result<String, Exit> {
    let org = read_org(path, lang)?;
    let mut out = String::new();
    if prune {
        let plan = store
            .prune_plan(&org)
            .await
            .map_err(|e| Exit::usage(e.to_string()))?;
        if plan.is_empty() {
            out.push_str(&tr!(lang, ids::CLI_PRUNE_NOTHING));
            out.push('\n');
        } else {
            out.push_str(&tr!(lang, ids::CLI_PRUNE_PLAN));
            out.push('\n');
            for p in &plan {
                out.push_str(&format!("  - {p}\n"));
            }
            if !yes {
                out.push_str(&tr!(lang, ids::CLI_PRUNE_CONFIRM));
                out.push('\n');
                out.push_str(&tr!(lang, ids::CLI_PRUNE_ABORTED));
                out.push('\n');
                return Ok(out);
            }
        }
    }
    let report = store
        .import_org(&org, prune && yes)
        .await
        .map_err(|e| Exit::usage(e.to_string()))?;
    for r in &report.removed {
        out.push_str(&tr!(lang, ids::CLI_REMOVED, what = r));
        out.push('\n');
    }
    if report.created + report.updated == 0 {
        out.push_str(&tr!(lang, ids::CLI_UNCHANGED, unchanged = report.unchanged));
    } else {
        out.push_str(&tr!(
            lang,
            ids::CLI_IMPORTED,
            created = report.created,
            updated = report.updated,
            unchanged = report.unchanged
        ));
    }
    out.push('\n');
    Ok(out)
}

/// `org show`: the organisation as a tree, with each unit's roster by role.
pub fn org_tree(org: &Organisation, lang: Lang) -> String {
    let tree = OrgTree {
        org,
        lang,
        catalog: RoleCatalog::with_custom(org.roles.clone()),
    };
    let mut out = tree.header();
    tree.units(None, "", &mut out);
    tree.departments(&mut out);
    tree.alliances_and_admins(&mut out);
    out
}

/// `org show`'s pieces: the header with the policy, the unit tree with rosters, departments,
/// alliances and admins.
struct OrgTree<'a> {
    org: &'a Organisation,
    lang: Lang,
    catalog: RoleCatalog,
}

impl OrgTree<'_> {
    fn header(&self) -> String {
        let (org, lang) = (self.org, self.lang);
        let normal = org.policy.deadlines(Level::Grid, false, None);
        let urgent = org.policy.deadlines(Level::Grid, true, None);
        let lines = [
            tr!(
                lang,
                ids::SHOW_TITLE,
                tz = org.timezone.name(),
                lang = org.default_locale.code()
            ),
            tr!(
                lang,
                ids::SHOW_POLICY,
                ack = normal.ack_within.to_string(),
                resolve = normal.resolve_within.to_string(),
                verify = org.policy.verify_within.to_string()
            ),
            tr!(
                lang,
                ids::SHOW_POLICY_URGENT,
                ack = urgent.ack_within.to_string(),
                resolve = urgent.resolve_within.to_string()
            ),
        ];
        format!("{}\n\n", lines.join("\n"))
    }

    /// A person as "name @username", or the id when unknown.
    fn name_of(&self, id: i64) -> String {
        self.org
            .people
            .iter()
            .find(|p| p.telegram_id.0 == id)
            .map(|p| match &p.username {
                Some(u) => format!("{} @{u}", p.name),
                None => p.name.clone(),
            })
            .unwrap_or_else(|| id.to_string())
    }

    /// One line per role held in `scope`, with its holders.
    fn roster(&self, scope: &Scope) -> Vec<String> {
        self.catalog
            .iter()
            .filter_map(|(role, names)| {
                let people: Vec<String> = self
                    .org
                    .memberships
                    .iter()
                    .filter(|m| &m.scope == scope && &m.role == role)
                    .map(|m| self.name_of(m.telegram_id.0))
                    .collect();
                (!people.is_empty()).then(|| {
                    tr!(
                        self.lang,
                        ids::SHOW_ROLE_LINE,
                        role = names.in_lang(self.lang.code()),
                        people = crate::render::join(self.lang, &people)
                    )
                })
            })
            .collect()
    }

    fn chat(&self, c: Option<crate::domain::ChatId>) -> String {
        match c {
            Some(c) => tr!(self.lang, ids::SHOW_CHAT, chat = c.0.to_string()),
            None => tr!(self.lang, ids::SHOW_NO_CHAT),
        }
    }

    /// The units under `parent`, drawn as a tree with their rosters.
    fn units(&self, parent: Option<&crate::domain::UnitId>, prefix: &str, out: &mut String) {
        let children: Vec<_> = self
            .org
            .units
            .iter()
            .filter(|u| u.parent.as_ref() == parent)
            .collect();
        for (i, u) in children.iter().enumerate() {
            let last = i + 1 == children.len();
            let (branch, cont) = match (parent.is_some(), last) {
                (false, _) => ("", ""),
                (true, true) => ("└─ ", "   "),
                (true, false) => ("├─ ", "│  "),
            };
            let head = tr!(
                self.lang,
                ids::SHOW_UNIT,
                name = &u.name,
                id = u.id.as_str(),
                kind = level_name(self.lang, u.kind)
            );
            out.push_str(&format!(
                "{prefix}{branch}{head} · {}\n",
                self.chat(u.chat_id)
            ));
            let inner = format!("{prefix}{cont}");
            for r in self.roster(&Scope::Unit(u.id.clone())) {
                out.push_str(&format!("{inner}    · {r}\n"));
            }
            self.units(Some(&u.id), &inner, out);
        }
    }

    fn departments(&self, out: &mut String) {
        let lang = self.lang;
        if self.org.departments.is_empty() {
            return;
        }
        out.push('\n');
        out.push_str(&tr!(lang, ids::SHOW_DEPARTMENTS));
        out.push('\n');
        for d in &self.org.departments {
            let head = tr!(
                lang,
                ids::SHOW_DEPARTMENT,
                name = &d.name,
                id = d.id.as_str()
            );
            out.push_str(&format!("  {head} · {}\n", self.chat(d.chat_id)));
            if !d.handles.is_empty() {
                let words = crate::render::join(lang, &d.handles);
                out.push_str(&format!(
                    "    · {}\n",
                    tr!(lang, ids::SHOW_HANDLES, words = words)
                ));
            }
            for r in self.roster(&Scope::Department(d.id.clone())) {
                out.push_str(&format!("    · {r}\n"));
            }
        }
    }

    fn alliances_and_admins(&self, out: &mut String) {
        let (org, lang) = (self.org, self.lang);
        if !org.alliances.is_empty() {
            out.push('\n');
            out.push_str(&tr!(lang, ids::SHOW_ALLIANCES));
            out.push('\n');
            for a in &org.alliances {
                out.push_str(&format!("  {} ({})\n", a.name, a.id));
            }
        }
        if !org.admins.is_empty() {
            out.push('\n');
            let admins: Vec<String> = org.admins.iter().map(|a| self.name_of(a.0)).collect();
            let ids = crate::render::join(lang, &admins);
            out.push_str(&tr!(lang, ids::SHOW_ADMINS, ids = ids));
            out.push('\n');
        }
    }
}

/// `org show` from the database.
pub async fn org_show(store: &Store, lang: Lang) -> Result<String, Exit> {
    let org = store
        .load_org()
        .await
        .map_err(|e| Exit::usage(e.to_string()))?;
    if org.units.is_empty() {
        return Ok(format!("{}\n", tr!(lang, ids::CLI_EMPTY_ORG)));
    }
    Ok(org_tree(&org, lang))
}

/// Held while `run` works a SQLite file: an OS lock on `<database>.lock`, so that a second `run`
/// on the same file is refused (two pollers would fight over Telegram's updates). The OS
/// releases it when the process ends in any way, SIGKILL included. The other commands take no
/// lock and work beside a running bot.
#[derive(Debug)]
pub struct RunLock {
    _file: std::fs::File,
}

/// The file of a `sqlite:` URL (None for PostgreSQL and in-memory databases).
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Takes the run lock of `database_url` (nothing to lock for PostgreSQL, where replicas share
/// the work through chat leases): exit code 3 when another `run` holds it.
pub fn run_lock(database_url: &str, lang: Lang) -> Result<Option<RunLock>, Exit> {
    let Some(db) = sqlite_file(database_url) else {
        return Ok(None);
    };
    let lock = format!("{db}.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
        .map_err(|e| {
            Exit::usage(tr!(
                lang,
                ids::CLI_LOCK_FAILED,
                lock = lock.clone(),
                error = e.to_string()
            ))
        })?;
    match file.try_lock() {
        Ok(()) => Ok(Some(RunLock { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => Err(Exit {
            message: tr!(lang, ids::CLI_ALREADY_RUNNING, lock = lock),
            code: 3,
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(Exit::usage(tr!(
            lang,
            ids::CLI_LOCK_FAILED,
            lock = lock,
            error = e.to_string()
        ))),
    }
}

/// `backup FILE`: a consistent copy of the SQLite database, beside a running bot; never over an
/// existing file. For PostgreSQL, how to use `pg_dump` instead (exit code 2).
pub async fn backup(
    database_url: &str,
    file: &std::path::Path,
    lang: Lang,
) -> Result<String, Exit> {
    let shown = file.display().to_string();
    if sqlite_file(database_url).is_none() {
        return Err(Exit::usage(tr!(lang, ids::CLI_BACKUP_POSTGRES)));
    }
    if file.exists() {
        return Err(Exit::usage(tr!(lang, ids::CLI_BACKUP_EXISTS, file = shown)));
    }
    let store = open_store(database_url, lang).await?;
    let done = store.backup_into(&file.to_string_lossy()).await;
    store.close().await;
    done.map_err(|e| Exit {
        message: tr!(
            lang,
            ids::CLI_BACKUP_FAILED,
            file = shown.clone(),
            error = e.to_string()
        ),
        code: 1,
    })?;
    Ok(format!(
        "{}\n",
        tr!(lang, ids::CLI_BACKUP_DONE, file = shown)
    ))
}
