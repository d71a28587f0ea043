//! Every text a person reads, looked up per call in the reader's language from the Fluent files
//! in `locales/` (zh-Hans default, zh-Hant, en). Message ids are constants in `ids`, so a typo
//! fails to compile; a test checks that every id exists in every locale.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, LanguageIdentifier, Loader};

use crate::domain::Lang;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "zh-Hans",
        // Unicode isolation marks show up when people copy text from Telegram.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn langid(lang: Lang) -> LanguageIdentifier {
    lang.code().parse().expect("the three language codes parse")
}

/// An argument value: text or a number (numbers select plural forms).
pub enum Arg {
    Str(String),
    Num(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Str(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Str(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Str(s.clone())
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Num(n)
    }
}
/// Order numbers reach Fluent as text: its numbers are `f64`, which would print a number
/// above 2^53 wrong.
impl From<crate::domain::OrderId> for Arg {
    fn from(n: crate::domain::OrderId) -> Arg {
        Arg::Str(n.0.to_string())
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Num(n as i64)
    }
}

/// The text of `id` in `lang` with named arguments.
pub fn text(lang: Lang, id: &str, args: Vec<(&'static str, Arg)>) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                Arg::Str(s) => FluentValue::from(s),
                Arg::Num(n) => FluentValue::from(n),
            };
            (Cow::Borrowed(k), v)
        })
        .collect();
    LOCALES
        .try_lookup_complete(
            &langid(lang),
            id,
            if args.is_empty() { None } else { Some(&args) },
        )
        .unwrap_or_else(|| id.to_string())
}

/// `tr!(lang, ids::X)` or `tr!(lang, ids::X, name = value, …)`.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:expr) => {
        $crate::i18n::text($lang, $id, Vec::new())
    };
    ($lang:expr, $id:expr, $($k:ident = $v:expr),+ $(,)?) => {
        $crate::i18n::text($lang, $id, vec![$((stringify!($k), $crate::i18n::Arg::from($v))),+])
    };
}

/// Whether `id` exists in `lang` (without falling back).
pub fn has(lang: Lang, id: &str) -> bool {
    let files = match lang {
        Lang::ZhHans => ZH_HANS,
        Lang::ZhHant => ZH_HANT,
        Lang::En => EN,
    };
    files.iter().any(|f| ftl_ids(f).iter().any(|k| k == id))
}

/// Each language's files: `main.ftl` (groups, commands, the command line), `residents.ftl`
/// (the private chat with residents) and `stats.ftl` (statistics).
const ZH_HANS: &[&str] = &[
    include_str!("../locales/zh-Hans/main.ftl"),
    include_str!("../locales/zh-Hans/residents.ftl"),
    include_str!("../locales/zh-Hans/stats.ftl"),
];
const ZH_HANT: &[&str] = &[
    include_str!("../locales/zh-Hant/main.ftl"),
    include_str!("../locales/zh-Hant/residents.ftl"),
    include_str!("../locales/zh-Hant/stats.ftl"),
];
const EN: &[&str] = &[
    include_str!("../locales/en/main.ftl"),
    include_str!("../locales/en/residents.ftl"),
    include_str!("../locales/en/stats.ftl"),
];

/// The message ids defined in an .ftl file.
fn ftl_ids(file: &str) -> Vec<String> {
    file.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
        .collect()
}

macro_rules! ids {
    ($($name:ident = $id:literal),* $(,)?) => {
        /// Message ids: one constant per message in `locales/*/main.ftl`.
        pub mod ids {
            $(pub const $name: &str = $id;)*
            /// Every id, for the locale parity test.
            pub const ALL: &[&str] = &[$($id),*];
        }
    };
}

ids! {
    // residents (locales/*/residents.ftl)
    RESIDENT_LABEL = "resident-label",
    RES_CARD_WAIT = "res-card-wait",
    RES_PHOTOS_CAPTION = "res-photos-caption",
    RES_RESOLVED_NOTICE = "res-resolved-notice",
    BUTTON_ASK_RESIDENT = "button-ask-resident",
    EV_ASKED_RESIDENT = "ev-asked-resident",
    EV_RESIDENT_ANSWERED = "ev-resident-answered",
    EV_RATED = "ev-rated",
    EV_FOLLOWED = "ev-followed",
    RATE_SOLVED = "rate-solved",
    RATE_NOT_SOLVED = "rate-not-solved",
    RATE_SATISFIED = "rate-satisfied",
    RATE_BASIC = "rate-basic",
    RATE_DISSATISFIED = "rate-dissatisfied",
    RES_WELCOME = "res-welcome",
    RES_WELCOME_UNIT = "res-welcome-unit",
    RES_UNKNOWN_LINK = "res-unknown-link",
    RES_START_BUTTON = "res-start-button",
    RES_ASK_DESCRIPTION = "res-ask-description",
    RES_ASK_PLACE = "res-ask-place",
    RES_LOCATION_BUTTON = "res-location-button",
    RES_SKIP_PLACE = "res-skip-place",
    RES_PLACE_NONE = "res-place-none",
    RES_GOT_PHOTOS = "res-got-photos",
    RES_GOT_PLACE = "res-got-place",
    RES_TOO_MANY_PHOTOS = "res-too-many-photos",
    RES_TOO_LONG = "res-too-long",
    RES_SUMMARY = "res-summary",
    RES_CONFIRM_BUTTON = "res-confirm-button",
    RES_EDIT_BUTTON = "res-edit-button",
    RES_CANCEL_BUTTON = "res-cancel-button",
    RES_EDIT_PROMPT = "res-edit-prompt",
    RES_CANCELLED = "res-cancelled",
    RES_NOTHING_TO_CANCEL = "res-nothing-to-cancel",
    RES_SUBMITTED = "res-submitted",
    RES_SUBMITTED_TOAST = "res-submitted-toast",
    RES_CHOOSE_COMMUNITY = "res-choose-community",
    RES_CHOOSE_GRID = "res-choose-grid",
    RES_NOT_SURE = "res-not-sure",
    RES_PAGE_MORE = "res-page-more",
    RES_PAGE_BACK = "res-page-back",
    RES_DUPLICATE = "res-duplicate",
    RES_JOIN_BUTTON = "res-join-button",
    RES_NOT_DUPLICATE_BUTTON = "res-not-duplicate-button",
    RES_JOINED = "res-joined",
    RES_EXPIRED = "res-expired",
    RES_LIMIT = "res-limit",
    RES_BLOCKED = "res-blocked",
    RES_NO_UNIT_CHAT = "res-no-unit-chat",
    RES_STALE = "res-stale",
    RES_QUESTION = "res-question",
    RES_ANSWER_BUTTON = "res-answer-button",
    RES_ANSWER_PROMPT = "res-answer-prompt",
    RES_ANSWER_SENT = "res-answer-sent",
    RES_RELAY_ANSWER = "res-relay-answer",
    RES_QUESTION_SENT = "res-question-sent",
    RES_ASK_HOW = "res-ask-how",
    RES_NOT_RESIDENTS = "res-not-residents",
    RES_GONE = "res-gone",
    RES_NOTICE_REPORTED = "res-notice-reported",
    RES_NOTICE_ESCALATED = "res-notice-escalated",
    RES_NOTICE_RESOLVED = "res-notice-resolved",
    RES_NOTICE_CLOSED = "res-notice-closed",
    RES_NOTICE_CANCELLED = "res-notice-cancelled",
    RES_ASK_SOLVED = "res-ask-solved",
    RES_SOLVED_BUTTON = "res-solved-button",
    RES_NOT_SOLVED_BUTTON = "res-not-solved-button",
    RES_THANKS = "res-thanks",
    RES_THANKS_SOLVED = "res-thanks-solved",
    RES_EXPLAIN_PROMPT = "res-explain-prompt",
    RES_REOPENED = "res-reopened",
    RES_NOT_RESOLVED_NOW = "res-not-resolved-now",
    RES_STATE_OPEN = "res-state-open",
    RES_STATE_REPORTED = "res-state-reported",
    RES_STATE_RESOLVED = "res-state-resolved",
    RES_STATE_CLOSED = "res-state-closed",
    RES_STATE_CANCELLED = "res-state-cancelled",
    RES_MY_TITLE = "res-my-title",
    RES_MY_LINE = "res-my-line",
    RES_MY_EMPTY = "res-my-empty",
    RES_MY_SUMMONED = "res-my-summoned",
    RES_FORGET_CONFIRM = "res-forget-confirm",
    RES_FORGET_BUTTON = "res-forget-button",
    RES_FORGOTTEN = "res-forgotten",
    RES_FORGOTTEN_TOAST = "res-forgotten-toast",
    RES_FORGET_NOTHING = "res-forget-nothing",
    RES_HELP = "res-help",
    RES_PRIVATE_ONLY = "res-private-only",
    RES_BLOCKED_OK = "res-blocked-ok",
    RES_ALREADY_BLOCKED = "res-already-blocked",
    RES_UNBLOCKED = "res-unblocked",
    RES_NOT_BLOCKED = "res-not-blocked",
    RES_BLOCK_REFUSED = "res-block-refused",
    RES_BLOCK_USAGE = "res-block-usage",
    // statistics (locales/*/stats.ftl)
    MENU_STATS = "menu-stats",
    STATS_USAGE = "stats-usage",
    STATS_REFUSED = "stats-refused",
    STATS_TITLE = "stats-title",
    STATS_COUNTS = "stats-counts",
    STATS_PARTIES = "stats-parties",
    STATS_ESCALATED = "stats-escalated",
    STATS_RESPONSE = "stats-response",
    STATS_ON_TIME = "stats-on-time",
    STATS_REPORT_TIME = "stats-report-time",
    STATS_RESOLVE_TIME = "stats-resolve-time",
    STATS_ESCALATION_RATE = "stats-escalation-rate",
    STATS_REWORK = "stats-rework",
    STATS_RESIDENTS = "stats-residents",
    STATS_RATE = "stats-rate",
    STATS_TOO_FEW = "stats-too-few",
    STATS_NONE = "stats-none",
    STATS_DURATION = "stats-duration",
    STATS_BY = "stats-by",
    STATS_ROW = "stats-row",
    STATS_OF_UNITS = "stats-of-units",
    STATS_OF_DEPARTMENTS = "stats-of-departments",
    STATS_CHART_CAPTION = "stats-chart-caption",
    STATS_CHART_RESPONSE = "stats-chart-response",
    STATS_CHART_MEDIAN = "stats-chart-median",
    RANK_TITLE = "rank-title",
    RANK_DEPARTMENTS = "rank-departments",
    RANK_UNITS = "rank-units",
    RANK_ROW = "rank-row",
    RANK_UNRANKED = "rank-unranked",
    RANK_REFUSED = "rank-refused",
    REPORT_COLUMNS = "report-columns",
    REPORT_KIND_UNIT = "report-kind-unit",
    REPORT_KIND_DEPARTMENT = "report-kind-department",
    CLI_REPORT_BAD_MONTH = "cli-report-bad-month",
    CLI_REPORT_UNKNOWN_UNIT = "cli-report-unknown-unit",
    CLI_EXPORT_BAD_DATE = "cli-export-bad-date",
    CLI_EXPORT_BAD_RANGE = "cli-export-bad-range",
    EXPORT_COLUMNS = "export-columns",
    EXPORT_STATE_OPEN = "export-state-open",
    EXPORT_STATE_REPORTED = "export-state-reported",
    EXPORT_STATE_RESOLVED = "export-state-resolved",
    EXPORT_STATE_CLOSED = "export-state-closed",
    EXPORT_STATE_CANCELLED = "export-state-cancelled",
    ORG_ASSESSMENT_VALUE = "org-assessment-value",
    STATS_FEW_ALLIANCES = "stats-few-alliances",
    RANK_ALLIANCES = "rank-alliances",
    REPORT_KIND_ALLIANCE = "report-kind-alliance",
    // command line
    CLI_IMPORTED = "cli-imported",
    CLI_UNCHANGED = "cli-unchanged",
    CLI_PRUNE_PLAN = "cli-prune-plan",
    CLI_PRUNE_NOTHING = "cli-prune-nothing",
    CLI_PRUNE_CONFIRM = "cli-prune-confirm",
    CLI_PRUNE_ABORTED = "cli-prune-aborted",
    CLI_REMOVED = "cli-removed",
    CLI_MIGRATED = "cli-migrated",
    CLI_NO_TOKEN = "cli-no-token",
    CLI_BAD_DATABASE = "cli-bad-database",
    CLI_CANNOT_READ = "cli-cannot-read",
    CLI_FILE_ERROR = "cli-file-error",
    CLI_EMPTY_ORG = "cli-empty-org",
    CLI_STARTED = "cli-started",
    CLI_STOPPED = "cli-stopped",
    CLI_WEBHOOK_URL = "cli-webhook-url",
    CLI_WEBHOOK_SECRET = "cli-webhook-secret",
    CLI_WEBHOOK_NO_LISTEN = "cli-webhook-no-listen",
    CLI_BAD_LISTEN = "cli-bad-listen",
    CLI_WEBHOOK_REFUSED = "cli-webhook-refused",
    SHOW_TITLE = "show-title",
    SHOW_UNIT = "show-unit",
    SHOW_CHAT = "show-chat",
    SHOW_NO_CHAT = "show-no-chat",
    SHOW_ROLE_LINE = "show-role-line",
    SHOW_DEPARTMENTS = "show-departments",
    SHOW_DEPARTMENT = "show-department",
    SHOW_HANDLES = "show-handles",
    SHOW_ALLIANCES = "show-alliances",
    SHOW_ADMINS = "show-admins",
    SHOW_POLICY = "show-policy",
    SHOW_POLICY_URGENT = "show-policy-urgent",
    LEVEL_GRID = "level-grid",
    LEVEL_COMMUNITY = "level-community",
    LEVEL_SUBDISTRICT = "level-subdistrict",
    LEVEL_DISTRICT = "level-district",
    // organisation file problems
    ORG_SYNTAX = "org-syntax",
    ORG_DUPLICATE_ID = "org-duplicate-id",
    ORG_UNKNOWN_PARENT = "org-unknown-parent",
    ORG_PARENT_KIND = "org-parent-kind",
    ORG_DISTRICT_PARENT = "org-district-parent",
    ORG_CYCLE = "org-cycle",
    ORG_UNKNOWN_KIND = "org-unknown-kind",
    ORG_UNKNOWN_ROLE = "org-unknown-role",
    ORG_UNKNOWN_UNIT = "org-unknown-unit",
    ORG_UNKNOWN_DEPARTMENT = "org-unknown-department",
    ORG_MEMBER_SCOPE = "org-member-scope",
    ORG_UNKNOWN_ALLIANCE = "org-unknown-alliance",
    ORG_BAD_DURATION = "org-bad-duration",
    ORG_BAD_TIMEZONE = "org-bad-timezone",
    ORG_BAD_LOCALE = "org-bad-locale",
    ORG_BAD_DATE = "org-bad-date",
    ORG_BAD_HOURS = "org-bad-hours",
    ORG_BAD_WEEKDAY = "org-bad-weekday",
    ORG_ROLE_NAMES = "org-role-names",
    ORG_BAD_ID = "org-bad-id",
    // bot
    MENU_HELP = "menu-help",
    MENU_WHISTLE = "menu-whistle",
    MENU_ACK = "menu-ack",
    MENU_DONE = "menu-done",
    MENU_VERIFY = "menu-verify",
    MENU_REOPEN = "menu-reopen",
    MENU_CANCEL = "menu-cancel",
    MENU_LIST = "menu-list",
    MENU_SHOW = "menu-show",
    MENU_ROSTER = "menu-roster",
    MENU_ASSIGN = "menu-assign",
    MENU_UNASSIGN = "menu-unassign",
    MENU_BIND = "menu-bind",
    MENU_LANG = "menu-lang",
    UNKNOWN_COMMAND = "unknown-command",
    ANONYMOUS = "anonymous",
    NOT_BOUND = "not-bound",
    GROUP_ONLY = "group-only",
    NEED_ORDER_NUMBER = "need-order-number",
    NO_SUCH_ORDER = "no-such-order",
    ORDER_ELSEWHERE = "order-elsewhere",
    WHISTLE_NOT_MEMBER = "whistle-not-member",
    WHISTLE_FROM_DEPARTMENT = "whistle-from-department",
    WHISTLE_EMPTY = "whistle-empty",
    DUE_PASSED = "due-passed",
    DUE_UNREADABLE = "due-unreadable",
    DUE_IN_PAST = "due-in-past",
    BUTTON_SET_DUE = "button-set-due",
    DUE_SET_OK = "due-set-ok",
    REFUSE_SET_DUE = "refuse-set-due",
    WHISTLE_NAME_DEPARTMENT = "whistle-name-department",
    SUMMONED_MORE = "summoned-more",
    CARD_TITLE = "card-title",
    CARD_TITLE_URGENT = "card-title-urgent",
    CARD_ACK_BY = "card-ack-by",
    CARD_RESOLVE_BY = "card-resolve-by",
    CARD_WHISTLER = "card-whistler",
    CARD_WHISTLER_ROLE = "card-whistler-role",
    CARD_REPORTED = "card-reported",
    CARD_RESOLVED = "card-resolved",
    CARD_PLEASE_VERIFY = "card-please-verify",
    CARD_CLOSED = "card-closed",
    CARD_CANCELLED = "card-cancelled",
    CARD_REOPENED = "card-reopened",
    PARTY_DUTY_OFFICERS = "party-duty-officers",
    PARTY_VACANT = "party-vacant",
    PARTY_NOBODY = "party-nobody",
    BUTTON_REPORT = "button-report",
    BUTTON_RESOLVE = "button-resolve",
    BUTTON_VERIFY = "button-verify",
    BUTTON_REOPEN = "button-reopen",
    TIME_TODAY = "time-today",
    TIME_TOMORROW = "time-tomorrow",
    TIME_DATE = "time-date",
    SPAN_MINUTES = "span-minutes",
    SPAN_HOURS = "span-hours",
    SPAN_DAYS = "span-days",
    LEFT = "left",
    OVERDUE_BY = "overdue-by",
    REFUSE_NOT_SUMMONED = "refuse-not-summoned",
    REFUSE_NOT_SUMMONED_GENERIC = "refuse-not-summoned-generic",
    ROLE_NONE = "role-none",
    REFUSE_RESOLVED = "refuse-resolved",
    REFUSE_CLOSED = "refuse-closed",
    REFUSE_CANCELLED = "refuse-cancelled",
    REFUSE_NOT_RESOLVED = "refuse-not-resolved",
    REFUSE_TOP_LEVEL = "refuse-top-level",
    REFUSE_NOTHING_TO_ADD = "refuse-nothing-to-add",
    REFUSE_NOT_WHISTLER = "refuse-not-whistler",
    REFUSE_CANCEL = "refuse-cancel",
    REFUSE_ROSTER = "refuse-roster",
    REFUSE_BIND = "refuse-bind",
    REFUSE_LANG = "refuse-lang",
    REPORTED_OK = "reported-ok",
    ALREADY_REPORTED = "already-reported",
    ALREADY_REPORTED_BY = "already-reported-by",
    RESOLVED_OK = "resolved-ok",
    RESOLVED_NOTICE = "resolved-notice",
    VERIFIED_OK = "verified-ok",
    REOPEN_DEFAULT_REASON = "reopen-default-reason",
    REOPENED_OK = "reopened-ok",
    REOPENED_NOTICE = "reopened-notice",
    REOPEN_USAGE = "reopen-usage",
    CANCEL_USAGE = "cancel-usage",
    CANCELLED_OK = "cancelled-ok",
    NOTE_PHOTO = "note-photo",
    NOTE_RECORDED = "note-recorded",
    LIST_EMPTY = "list-empty",
    LIST_TITLE = "list-title",
    LIST_MORE = "list-more",
    LIST_PAGE = "list-page",
    LIST_TITLE_ALL = "list-title-all",
    SHOW_TIMELINE = "order-timeline",
    SHOW_ACK_LEFT = "order-ack-left",
    SHOW_RESOLVE_LEFT = "order-resolve-left",
    ACTOR_SYSTEM = "actor-system",
    EV_CREATED = "ev-created",
    EV_PARTY_ADDED = "ev-party-added",
    EV_REPORTED = "ev-reported",
    EV_NOTE = "ev-note",
    EV_RESOLVED = "ev-resolved",
    EV_VERIFIED = "ev-verified",
    EV_REOPENED = "ev-reopened",
    EV_CANCELLED = "ev-cancelled",
    EV_ESCALATED = "ev-escalated",
    EV_REMINDED = "ev-reminded",
    EV_VERIFY_REMINDED = "ev-verify-reminded",
    EV_DELIVERY_FAILED = "ev-delivery-failed",
    EV_RESOLVE_DUE_SET = "ev-resolve-due-set",
    ROSTER_TITLE = "roster-title",
    ROSTER_VACANT = "roster-vacant",
    ROSTER_EMPTY = "roster-empty",
    ASSIGN_USAGE = "assign-usage",
    UNASSIGN_USAGE = "unassign-usage",
    UNKNOWN_USERNAME = "unknown-username",
    UNKNOWN_ROLE = "unknown-role",
    ASSIGNED = "assigned",
    ALREADY_ASSIGNED = "already-assigned",
    UNASSIGNED = "unassigned",
    NOT_ASSIGNED = "not-assigned",
    BIND_USAGE = "bind-usage",
    BIND_UNKNOWN = "bind-unknown",
    BOUND = "bound",
    LANG_USAGE = "lang-usage",
    LANG_SET = "lang-set",
    GREETING = "greeting",
    GREETING_BOUND = "greeting-bound",
    HELP_PRIVATE = "help-private",
    HELP_UNBOUND = "help-unbound",
    HELP_HEADER = "help-header",
    HELP_WHISTLE = "help-whistle",
    HELP_WHISTLE_DEPARTMENTS = "help-whistle-departments",
    HELP_REPORT = "help-report",
    HELP_FOLLOW = "help-follow",
    HELP_CLOSE = "help-close",
    HELP_LEAD = "help-lead",
    HELP_NOT_MEMBER = "help-not-member",
    HELP_LANG = "help-lang",
    STALE_BUTTON = "stale-button",
    INTERNAL_ERROR = "internal-error",
    DEMO_TITLE = "demo-title",
    DEMO_WHISTLE = "demo-whistle",
    DEMO_ACK = "demo-ack",
    DEMO_PROGRESS = "demo-progress",
    DEMO_DONE = "demo-done",
    DEMO_RES_REPORT = "demo-res-report",
    DEMO_RES_ASK = "demo-res-ask",
    DEMO_RES_ANSWER = "demo-res-answer",
    DEMO_RES_DONE = "demo-res-done",
    DEMO_HISTORY = "demo-history",
    DEMO_CHART_FILE = "demo-chart-file",
    LIST_SEP = "list-sep",
    NOTE_SUFFIX = "note-suffix",
    WHY_NOT_REPORTED = "why-not-reported",
    WHY_NOT_RESOLVED = "why-not-resolved",
    WHY_REOPENED_TWICE = "why-reopened-twice",
    ESCALATION_NOTICE = "escalation-notice",
    ESCALATED_AT_TOP = "escalated-at-top",
    BUTTON_TAKE_OVER = "button-take-over",
    CARD_ESCALATED = "card-escalated",
    REMINDER = "reminder",
    REMINDER_PRIVATE = "reminder-private",
    VERIFY_REMINDER = "verify-reminder",
    VERIFY_ASK = "verify-ask",
    ESCALATE_USAGE = "escalate-usage",
    MENU_ESCALATE = "menu-escalate",
    REFUSE_ESCALATE = "refuse-escalate",
    REFUSE_DEPARTMENT_WHISTLE = "refuse-department-whistle",
    DEPARTMENT_WHISTLED = "department-whistled",
    DEMO_WHISTLE_2 = "demo-whistle-2",
    REFUSE_NOTE = "refuse-note",
    ORG_BAD_DEPARTMENT_ID = "org-bad-department-id",
    ORG_BOUNDARY_RING = "org-boundary-ring",
    ORG_BOUNDARY_COORDINATE = "org-boundary-coordinate",
    ORG_BOUNDARY_TWICE = "org-boundary-twice",
    ORG_BOUNDARY_FILE = "org-boundary-file",
    ORG_BOUNDARY_KIND = "org-boundary-kind",
    ORG_RESIDENT_LIMIT = "org-resident-limit",
    // private menu
    MENU_REPORT = "menu-report",
    MENU_MY = "menu-my",
    MENU_FORGET = "menu-forget",
    // retention
    ORG_RETENTION_LIMIT = "org-retention-limit",
    ORG_RETENTION_WORD = "org-retention-word",
    CLI_PRUNED = "cli-pruned",
    // run lock and backup
    CLI_ALREADY_RUNNING = "cli-already-running",
    CLI_LOCK_FAILED = "cli-lock-failed",
    CLI_BACKUP_DONE = "cli-backup-done",
    CLI_BACKUP_EXISTS = "cli-backup-exists",
    CLI_BACKUP_POSTGRES = "cli-backup-postgres",
    CLI_BACKUP_FAILED = "cli-backup-failed",
}

/// The localized name of a level (unit kind).
pub fn level_name(lang: Lang, level: crate::domain::policy::Level) -> String {
    use crate::domain::policy::Level;
    let id = match level {
        Level::Grid => ids::LEVEL_GRID,
        Level::Community => ids::LEVEL_COMMUNITY,
        Level::Subdistrict => ids::LEVEL_SUBDISTRICT,
        Level::District => ids::LEVEL_DISTRICT,
    };
    tr!(lang, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_id_exists_in_every_locale() {
        for lang in Lang::ALL {
            let missing: Vec<_> = ids::ALL.iter().filter(|id| !has(lang, id)).collect();
            assert!(missing.is_empty(), "{lang}: missing {missing:?}");
        }
    }

    #[test]
    fn the_locales_define_the_same_messages() {
        let mut sets: Vec<Vec<String>> = [ZH_HANS, ZH_HANT, EN]
            .iter()
            .map(|files| files.iter().flat_map(|f| ftl_ids(f)).collect())
            .collect();
        for s in &mut sets {
            s.sort();
        }
        assert_eq!(sets[0], sets[1], "zh-Hans and zh-Hant differ");
        assert_eq!(sets[0], sets[2], "zh-Hans and en differ");
        let unused: Vec<_> = sets[0]
            .iter()
            .filter(|k| !ids::ALL.contains(&k.as_str()))
            .collect();
        assert!(
            unused.is_empty(),
            "messages without an id constant: {unused:?}"
        );
    }

    #[test]
    fn arguments_are_filled_in_without_isolation_marks() {
        let s = tr!(
            Lang::En,
            ids::ORG_UNKNOWN_PARENT,
            id = "cuihu-1",
            parent = "nowhere"
        );
        assert!(s.contains("cuihu-1") && s.contains("nowhere"), "{s}");
        assert!(!s.contains('\u{2068}'), "isolation marks: {s:?}");
    }
}
