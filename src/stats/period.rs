//! A statistics period: [from, to) in UTC, cut at midnight in the organisation's time zone.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};

/// Half-open [from, to), with what people call it ("2026-11", "2026-11-23..2026-11-29").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub label: String,
}

/// Midnight at the start of `day` in `tz`, as UTC (the earliest, when a clock change repeats it;
/// the first moment after, when midnight does not exist that day).
fn midnight(day: NaiveDate, tz: chrono_tz::Tz) -> DateTime<Utc> {
    let mut t = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..4 {
        if let Some(d) = tz.from_local_datetime(&t).earliest() {
            return d.with_timezone(&Utc);
        }
        t += Duration::minutes(30);
    }
    Utc.from_utc_datetime(&t)
}

fn first_of_next_month(y: i32, m: u32) -> Option<NaiveDate> {
    if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    }
}

impl Period {
    /// The days [first, last] (both included).
    pub fn days(first: NaiveDate, last: NaiveDate, tz: chrono_tz::Tz) -> Option<Period> {
        if last < first || (last - first).num_days() > 366 * 5 {
            return None;
        }
        Some(Period {
            from: midnight(first, tz),
            to: midnight(last.succ_opt()?, tz),
            label: if first == last {
                first.format("%Y-%m-%d").to_string()
            } else {
                format!("{}..{}", first.format("%Y-%m-%d"), last.format("%Y-%m-%d"))
            },
        })
    }

    /// The calendar month `m` of year `y`.
    pub fn month(y: i32, m: u32, tz: chrono_tz::Tz) -> Option<Period> {
        let first = NaiveDate::from_ymd_opt(y, m, 1)?;
        let next = first_of_next_month(y, m)?;
        Some(Period {
            from: midnight(first, tz),
            to: midnight(next, tz),
            label: first.format("%Y-%m").to_string(),
        })
    }

    /// The calendar year that holds this period's last moment, in `tz`.
    pub fn year_of_end(&self, tz: chrono_tz::Tz) -> Option<Period> {
        let last = (self.to - Duration::milliseconds(1)).with_timezone(&tz);
        let first = NaiveDate::from_ymd_opt(last.year(), 1, 1)?;
        let next = NaiveDate::from_ymd_opt(last.year() + 1, 1, 1)?;
        Some(Period {
            from: midnight(first, tz),
            to: midnight(next, tz),
            label: last.year().to_string(),
        })
    }

    /// The week (Monday to Sunday) that holds `day`.
    pub fn week_of(day: NaiveDate, tz: chrono_tz::Tz) -> Option<Period> {
        let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
        Period::days(monday, monday + Duration::days(6), tz)
    }

    /// What `/stats` and `report` accept: empty (this month), `week`/`本周`/`本週`,
    /// `month`/`本月`, `上月`/`last-month`, `11月` (the latest November up to now), `YYYY-MM`,
    /// `YYYY-MM-DD`, `YYYY-MM-DD..YYYY-MM-DD`. `None` for anything else.
    pub fn parse(text: &str, now: DateTime<Utc>, tz: chrono_tz::Tz) -> Option<Period> {
        let today = now.with_timezone(&tz).date_naive();
        let t = text.trim().to_lowercase();
        match t.as_str() {
            "" | "month" | "本月" | "this-month" => {
                return Period::month(today.year(), today.month(), tz)
            }
            "week" | "本周" | "本週" | "this-week" => return Period::week_of(today, tz),
            "上月" | "last-month" => {
                let (y, m) = if today.month() == 1 {
                    (today.year() - 1, 12)
                } else {
                    (today.year(), today.month() - 1)
                };
                return Period::month(y, m, tz);
            }
            _ => {}
        }
        if let Some(m) = t.strip_suffix('月') {
            let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
            let y = if m > today.month() {
                today.year() - 1
            } else {
                today.year()
            };
            return Period::month(y, m, tz);
        }
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        if let Some((a, b)) = t.split_once("..") {
            return Period::days(date(a)?, date(b)?, tz);
        }
        if let Some(d) = date(&t) {
            return Period::days(d, d, tz);
        }
        let (y, m) = t.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        Period::month(y.parse().ok()?, m.parse().ok()?, tz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SH: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

    fn sh(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        SH.with_ymd_and_hms(y, m, d, 0, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn every_form_people_write_is_a_period_at_local_midnight() {
        // Wednesday 2026-12-02 09:00 in Shanghai (01:00 UTC).
        let now = sh(2026, 12, 2) + Duration::hours(9);
        type Case<'a> = (&'a str, Option<(DateTime<Utc>, DateTime<Utc>, &'a str)>);
        let cases: &[Case] = &[
            ("", Some((sh(2026, 12, 1), sh(2027, 1, 1), "2026-12"))),
            ("month", Some((sh(2026, 12, 1), sh(2027, 1, 1), "2026-12"))),
            ("本月", Some((sh(2026, 12, 1), sh(2027, 1, 1), "2026-12"))),
            ("上月", Some((sh(2026, 11, 1), sh(2026, 12, 1), "2026-11"))),
            ("11月", Some((sh(2026, 11, 1), sh(2026, 12, 1), "2026-11"))),
            ("12月", Some((sh(2026, 12, 1), sh(2027, 1, 1), "2026-12"))),
            // A month not reached yet this year is last year's.
            ("3月", Some((sh(2026, 3, 1), sh(2026, 4, 1), "2026-03"))),
            (
                "2026-11",
                Some((sh(2026, 11, 1), sh(2026, 12, 1), "2026-11")),
            ),
            (
                "week",
                Some((sh(2026, 11, 30), sh(2026, 12, 7), "2026-11-30..2026-12-06")),
            ),
            (
                "本週",
                Some((sh(2026, 11, 30), sh(2026, 12, 7), "2026-11-30..2026-12-06")),
            ),
            (
                "本周",
                Some((sh(2026, 11, 30), sh(2026, 12, 7), "2026-11-30..2026-12-06")),
            ),
            (
                "2026-11-01..2026-11-15",
                Some((sh(2026, 11, 1), sh(2026, 11, 16), "2026-11-01..2026-11-15")),
            ),
            (
                "2026-11-15",
                Some((sh(2026, 11, 15), sh(2026, 11, 16), "2026-11-15")),
            ),
            ("2026-13", None),
            ("13月", None),
            ("2026-11-15..2026-11-01", None),
            ("yesterday", None),
            ("2026-1", None),
            ("..", None),
        ];
        for (text, expected) in cases {
            let got = Period::parse(text, now, SH).map(|p| (p.from, p.to, p.label));
            let want = expected.map(|(a, b, l)| (a, b, l.to_string()));
            assert_eq!(got, want, "{text:?}");
        }
        // The year of a period is the year of its last day, cut at local midnight: December
        // 2026 ends 2027-01-01 00:00 in Shanghai (2026-12-31 16:00 UTC).
        let dec = Period::month(2026, 12, SH)
            .unwrap()
            .year_of_end(SH)
            .unwrap();
        assert_eq!(
            (dec.from, dec.to, dec.label.as_str()),
            (sh(2026, 1, 1), sh(2027, 1, 1), "2026")
        );
        let straddle = Period::parse("2026-12-28..2027-01-03", now, SH).unwrap();
        assert_eq!(straddle.year_of_end(SH).unwrap().label, "2027");
        // January's 上月 is last December.
        let jan = sh(2027, 1, 10);
        assert_eq!(Period::parse("上月", jan, SH).unwrap().label, "2026-12");
    }
}
