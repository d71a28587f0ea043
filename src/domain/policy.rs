//! Deadlines: how long summoned parties have to report and an order has to be resolved, per
//! urgency, per escalation level and per department, and the working calendar.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// How far up the tree an order has risen. Separate from its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Grid,
    Community,
    Subdistrict,
    District,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Grid,
        Level::Community,
        Level::Subdistrict,
        Level::District,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Grid => "grid",
            Level::Community => "community",
            Level::Subdistrict => "subdistrict",
            Level::District => "district",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The level above, or `None` at the top.
    pub fn up(self) -> Option<Level> {
        match self {
            Level::Grid => Some(Level::Community),
            Level::Community => Some(Level::Subdistrict),
            Level::Subdistrict => Some(Level::District),
            Level::District => None,
        }
    }
}

/// A duration in whole seconds, written in the organisation file as "45s", "30m", "2h", "1d".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secs(pub i64);

impl Secs {
    /// Parses "45s", "30m", "2h", "1d" (also "1h30m"). Zero and negative durations are refused.
    pub fn parse(s: &str) -> Option<Secs> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let mut total: i64 = 0;
        let mut digits = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let unit = match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86_400,
                _ => return None,
            };
            let n: i64 = digits.parse().ok()?;
            digits.clear();
            total = total.checked_add(n.checked_mul(unit)?)?;
        }
        if !digits.is_empty() || total <= 0 {
            return None;
        }
        Some(Secs(total))
    }

    pub fn to_chrono(self) -> chrono::Duration {
        chrono::Duration::seconds(self.0)
    }
}

impl std::fmt::Display for Secs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0;
        if s % 86_400 == 0 {
            write!(f, "{}d", s / 86_400)
        } else if s % 3600 == 0 {
            write!(f, "{}h", s / 3600)
        } else if s % 60 == 0 {
            write!(f, "{}m", s / 60)
        } else {
            write!(f, "{s}s")
        }
    }
}

/// Some or all of the three durations; a policy table in the organisation file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Durations {
    pub ack_within: Option<Secs>,
    pub resolve_within: Option<Secs>,
    pub remind_before: Option<Secs>,
}

impl Durations {
    /// `self` where set, else `base`.
    pub fn or(self, base: Durations) -> Durations {
        Durations {
            ack_within: self.ack_within.or(base.ack_within),
            resolve_within: self.resolve_within.or(base.resolve_within),
            remind_before: self.remind_before.or(base.remind_before),
        }
    }
}

/// A level's override: its durations and its urgent durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LevelPolicy {
    pub normal: Durations,
    pub urgent: Durations,
}

/// The deadlines that apply to one summoned party or order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub ack_within: Secs,
    pub resolve_within: Secs,
    pub remind_before: Secs,
}

/// The organisation's policy: defaults, urgent defaults, per-level overrides, and how long a
/// resolved order waits for its whistler's verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub normal: Durations,
    pub urgent: Durations,
    pub levels: BTreeMap<Level, LevelPolicy>,
    /// A resolved order nobody has verified: after this the whistler is reminded, and after as
    /// long again the unit's leaders are asked. Nothing is ever closed without a person.
    #[serde(default = "default_verify_within")]
    pub verify_within: Secs,
    /// How figures are weighed (`[assessment]`); a policy stored before it existed has the
    /// defaults.
    #[serde(default)]
    pub assessment: AssessmentPolicy,
    /// What is kept and for how long (`[retention]`); a policy stored before it existed has
    /// the defaults.
    #[serde(default)]
    pub retention: crate::domain::org::Retention,
}

/// The `[assessment]` table: how much a 基本满意 counts (in thousandths: 500 is 0.5), how few
/// cases make a rate "too few cases", and the weights of response, on-time resolution and
/// satisfaction rates in `/rank`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssessmentPolicy {
    pub basic_weight_permille: u32,
    pub min_cases: u32,
    pub rank_weights: [u32; 3],
}

impl AssessmentPolicy {
    pub const MIN_CASES: (i64, i64) = (1, 1000);
}

impl Default for AssessmentPolicy {
    fn default() -> Self {
        AssessmentPolicy {
            basic_weight_permille: 500,
            min_cases: 5,
            rank_weights: [30, 35, 35],
        }
    }
}

/// 24 hours: a day to go and look.
fn default_verify_within() -> Secs {
    Secs(24 * 3600)
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            normal: Durations {
                ack_within: Some(Secs(30 * 60)),
                resolve_within: Some(Secs(24 * 3600)),
                remind_before: Some(Secs(10 * 60)),
            },
            urgent: Durations {
                ack_within: Some(Secs(10 * 60)),
                resolve_within: Some(Secs(4 * 3600)),
                remind_before: Some(Secs(3 * 60)),
            },
            levels: BTreeMap::new(),
            verify_within: default_verify_within(),
            assessment: AssessmentPolicy::default(),
            retention: crate::domain::org::Retention::default(),
        }
    }
}

/// What residents may do and how their reports are matched, from the `[resident]` table.
/// Stored as the `resident` setting; a field missing from a stored value takes its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResidentPolicy {
    /// A resolved report the resident has not rated this long is "not rated", and the grid
    /// leader is asked to verify it instead. Default 72 h.
    pub rate_within: Secs,
    /// A new report is compared with the grid's orders that are not closed and were created
    /// this recently. Default 7 days.
    pub duplicate_within: Secs,
    /// Two reports whose places are this close (metres) are offered as the same problem.
    /// Default 50; at most 10 000.
    pub duplicate_radius_m: u32,
    /// Reports one resident may confirm per day. Default 5.
    pub reports_per_day: u32,
    /// Photos in one report. Default 5; 0 to 10 (a Telegram album holds at most 10).
    pub max_photos: usize,
    /// Characters (Unicode scalar values) of a report's description. Default 1000; at most 4096.
    pub max_text: usize,
}

impl ResidentPolicy {
    /// The bounds the organisation file check enforces: (min, max) per field.
    pub const RADIUS_M: (i64, i64) = (0, 10_000);
    pub const REPORTS_PER_DAY: (i64, i64) = (1, 1_000);
    pub const MAX_PHOTOS: (i64, i64) = (0, 10);
    pub const MAX_TEXT: (i64, i64) = (1, 4_096);
}

impl Default for ResidentPolicy {
    fn default() -> Self {
        ResidentPolicy {
            rate_within: Secs(72 * 3600),
            duplicate_within: Secs(7 * 86_400),
            duplicate_radius_m: 50,
            reports_per_day: 5,
            max_photos: 5,
            max_text: 1000,
        }
    }
}

impl Policy {
    /// The deadlines at `level` for an order of this urgency, with a department's own
    /// durations (if any) taking precedence. Lookup order: department, level urgent, level,
    /// urgent, normal, built-in default.
    pub fn deadlines(
        &self,
        level: Level,
        urgent: bool,
        department: Option<Durations>,
    ) -> Deadlines {
        let builtin = Policy::default();
        let lp = self.levels.get(&level).copied().unwrap_or_default();
        let mut d = department.unwrap_or_default();
        if urgent {
            d = d.or(lp.urgent).or(self.urgent).or(builtin.urgent);
        }
        d = d.or(lp.normal).or(self.normal).or(builtin.normal);
        let ack = d.ack_within.unwrap_or(Secs(30 * 60));
        Deadlines {
            ack_within: ack,
            resolve_within: d.resolve_within.unwrap_or(Secs(24 * 3600)),
            // A reminder at or after the deadline would be no reminder.
            remind_before: d
                .remind_before
                .filter(|r| r.0 < ack.0)
                .unwrap_or(Secs(ack.0 / 3)),
        }
    }
}

/// Working hours and holidays. When set, deadlines of non-urgent orders count only working time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    pub weekdays: Vec<Weekday>,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub days_off: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
}

impl Calendar {
    /// Is `date` a working day: a listed make-up workday, or a working weekday not listed off.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        use chrono::Datelike;
        if self.workdays.contains(&date) {
            return true;
        }
        !self.days_off.contains(&date) && self.weekdays.contains(&date.weekday())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_as_the_organisation_file_writes_them() {
        let cases = [
            ("45s", Some(45)),
            ("30m", Some(1800)),
            ("2h", Some(7200)),
            ("1d", Some(86_400)),
            ("1h30m", Some(5400)),
            (" 10m ", Some(600)),
            ("0m", None),
            ("", None),
            ("10", None),
            ("m", None),
            ("5w", None),
            ("-5m", None),
            ("99999999999999999999d", None),
        ];
        for (input, expected) in cases {
            assert_eq!(Secs::parse(input).map(|s| s.0), expected, "{input:?}");
        }
        assert_eq!(Secs(5400).to_string(), "90m");
        assert_eq!(Secs(7200).to_string(), "2h");
    }

    #[test]
    fn deadlines_take_department_then_level_then_urgency_then_defaults() {
        let mut p = Policy::default();
        p.levels.insert(
            Level::Community,
            LevelPolicy {
                normal: Durations {
                    ack_within: Some(Secs(3600)),
                    ..Default::default()
                },
                urgent: Durations::default(),
            },
        );
        let grid = p.deadlines(Level::Grid, false, None);
        assert_eq!((grid.ack_within.0, grid.resolve_within.0), (1800, 86_400));
        let urgent = p.deadlines(Level::Grid, true, None);
        assert_eq!(
            (urgent.ack_within.0, urgent.resolve_within.0),
            (600, 14_400)
        );
        assert_eq!(
            p.deadlines(Level::Community, false, None).ack_within.0,
            3600
        );
        // urgent at community: the level has no urgent ack, so the global urgent one applies
        assert_eq!(p.deadlines(Level::Community, true, None).ack_within.0, 600);
        let dept = Durations {
            ack_within: Some(Secs(7200)),
            ..Default::default()
        };
        assert_eq!(
            p.deadlines(Level::Subdistrict, true, Some(dept))
                .ack_within
                .0,
            7200
        );
    }

    #[test]
    fn a_reminder_never_falls_at_or_after_its_deadline() {
        let p = Policy {
            normal: Durations {
                ack_within: Some(Secs(300)),
                resolve_within: None,
                remind_before: Some(Secs(600)),
            },
            urgent: Durations::default(),
            levels: BTreeMap::new(),
            verify_within: Secs(3600),
            assessment: AssessmentPolicy::default(),
            retention: crate::domain::org::Retention::default(),
        };
        assert_eq!(p.deadlines(Level::Grid, false, None).remind_before.0, 100);
    }
}

/// The moment `duration` of working time after `start`: with a calendar and a non-urgent order
/// the clock runs only inside working hours on working days; otherwise it is plain time.
pub fn due_after(
    start: chrono::DateTime<chrono::Utc>,
    duration: Secs,
    urgent: bool,
    calendar: Option<&Calendar>,
    tz: chrono_tz::Tz,
) -> chrono::DateTime<chrono::Utc> {
    use chrono::{Duration, TimeZone};
    let Some(cal) = calendar.filter(|_| !urgent) else {
        return start + duration.to_chrono();
    };
    if cal.weekdays.is_empty() && cal.workdays.is_empty() {
        return start + duration.to_chrono(); // a calendar with no working time would never end
    }
    let mut left = duration.to_chrono();
    let mut t = start.with_timezone(&tz).naive_local();
    // A deadline is at most a few weeks of working time away; two years bounds any calendar.
    for _ in 0..(366 * 2) {
        let day = t.date();
        let open = day.and_time(cal.start);
        let close = day.and_time(cal.end);
        if cal.is_working_day(day) && t < close {
            let from = t.max(open);
            let room = close - from;
            if left <= room {
                let end = from + left;
                return tz
                    .from_local_datetime(&end)
                    .earliest()
                    .map(|d| d.with_timezone(&chrono::Utc))
                    .unwrap_or(start + duration.to_chrono());
            }
            left -= room;
        }
        t = (day + Duration::days(1)).and_time(cal.start);
    }
    start + duration.to_chrono()
}

/// How long from `start` to `end` on the clock `due_after` counts deadlines with: whole seconds
/// of working time for a non-urgent order under a calendar, wall time otherwise. Kept with a
/// report or resolution so that figures add up the time the deadline measured (`0` when `end`
/// is not after `start`).
pub fn elapsed_secs(
    start: chrono::DateTime<chrono::Utc>,
    end: chrono::DateTime<chrono::Utc>,
    urgent: bool,
    calendar: Option<&Calendar>,
    tz: chrono_tz::Tz,
) -> i64 {
    use chrono::Duration;
    if end <= start {
        return 0;
    }
    let wall = (end - start).num_seconds();
    let Some(cal) = calendar.filter(|_| !urgent) else {
        return wall;
    };
    if cal.weekdays.is_empty() && cal.workdays.is_empty() {
        return wall; // as `due_after`: a calendar with no working time counts plain time
    }
    let (from, to) = (
        start.with_timezone(&tz).naive_local(),
        end.with_timezone(&tz).naive_local(),
    );
    let mut total = Duration::zero();
    let mut day = from.date();
    // Bounded like `due_after`: two years of days at most.
    for _ in 0..(366 * 2) {
        if day > to.date() {
            break;
        }
        if cal.is_working_day(day) {
            let open = day.and_time(cal.start).max(from);
            let close = day.and_time(cal.end).min(to);
            if close > open {
                total += close - open;
            }
        }
        day += Duration::days(1);
    }
    total.num_seconds()
}

#[cfg(test)]
mod calendar_tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn cal() -> Calendar {
        Calendar {
            weekdays: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            days_off: vec![NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()],
            workdays: vec![NaiveDate::from_ymd_opt(2027, 1, 2).unwrap()],
        }
    }

    /// Local Shanghai time → UTC.
    fn sh(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<Utc> {
        chrono_tz::Asia::Shanghai
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn working_time_pauses_outside_hours_weekends_and_days_off() {
        let tz = chrono_tz::Asia::Shanghai;
        let c = cal();
        let cases = [
            // (start, duration, urgent, expected due) — 2026-11-27 is a Friday
            (
                sh(2026, 11, 27, 10, 0),
                Secs(1800),
                false,
                sh(2026, 11, 27, 10, 30),
            ),
            (
                sh(2026, 11, 27, 17, 45),
                Secs(1800),
                false,
                sh(2026, 11, 30, 9, 15),
            ), // over the weekend
            (
                sh(2026, 11, 28, 14, 0),
                Secs(1800),
                false,
                sh(2026, 11, 30, 9, 30),
            ), // Saturday
            (
                sh(2026, 11, 28, 14, 0),
                Secs(1800),
                true,
                sh(2026, 11, 28, 14, 30),
            ), // urgent ignores it
            (
                sh(2026, 11, 30, 7, 0),
                Secs(3600),
                false,
                sh(2026, 11, 30, 10, 0),
            ), // before opening
            (
                sh(2026, 12, 30, 17, 0),
                Secs(7200),
                false,
                sh(2027, 1, 1, 10, 0),
            ), // 31st off; Jan 1 is a Friday
            (
                sh(2027, 1, 1, 17, 30),
                Secs(3600),
                false,
                sh(2027, 1, 2, 9, 30),
            ), // make-up Saturday
            (
                sh(2026, 11, 27, 10, 0),
                Secs(86_400),
                false,
                sh(2026, 12, 1, 16, 0),
            ), // 8h Fri + 9h Mon + 7h Tue
        ];
        for (i, (start, d, urgent, expected)) in cases.into_iter().enumerate() {
            assert_eq!(
                due_after(start, d, urgent, Some(&c), tz),
                expected,
                "case {i}"
            );
            // The time a report took is measured on the same clock: the inverse.
            assert_eq!(
                elapsed_secs(start, expected, urgent, Some(&c), tz),
                d.0,
                "elapsed, case {i}"
            );
        }
        // Friday 17:00 to Saturday noon is one working hour; without a calendar, 19 hours.
        let (fri, sat) = (sh(2026, 11, 27, 17, 0), sh(2026, 11, 28, 12, 0));
        assert_eq!(elapsed_secs(fri, sat, false, Some(&c), tz), 3600);
        assert_eq!(elapsed_secs(fri, sat, false, None, tz), 19 * 3600);
        assert_eq!(elapsed_secs(sat, fri, false, Some(&c), tz), 0);
        assert_eq!(
            due_after(sh(2026, 11, 28, 14, 0), Secs(60), false, None, tz),
            sh(2026, 11, 28, 14, 1)
        );
    }
}
