//! The organisation file's policy tables, checked with their lines: durations per level and
//! urgency, the working calendar, `[resident]` limits and `[assessment]` weights.

use chrono::{NaiveDate, NaiveTime, Weekday};
use toml::Spanned;

use super::schema::{
    OrgError, OrgProblem, RawAssessment, RawCalendar, RawDurations, RawPolicy, RawResident,
};
use super::validate::{err, Lines};
use crate::domain::policy::{
    AssessmentPolicy, Calendar, Durations, Level, LevelPolicy, Policy, ResidentPolicy, Secs,
};

pub(super) fn duration(
    lines: &Lines,
    v: &Option<Spanned<String>>,
) -> Result<Option<Secs>, OrgError> {
    match v {
        None => Ok(None),
        Some(s) => match Secs::parse(s.get_ref()) {
            Some(d) => Ok(Some(d)),
            None => err(
                lines.at(s),
                OrgProblem::BadDuration {
                    value: s.get_ref().clone(),
                },
            ),
        },
    }
}

fn durations(lines: &Lines, d: &RawDurations) -> Result<Durations, OrgError> {
    Ok(Durations {
        ack_within: duration(lines, &d.ack_within)?,
        resolve_within: duration(lines, &d.resolve_within)?,
        remind_before: duration(lines, &d.remind_before)?,
    })
}

pub(super) fn policy(lines: &Lines, raw: Option<RawPolicy>) -> Result<Policy, OrgError> {
    let mut p = Policy::default();
    let Some(raw) = raw else { return Ok(p) };
    let top = Durations {
        ack_within: duration(lines, &raw.ack_within)?,
        resolve_within: duration(lines, &raw.resolve_within)?,
        remind_before: duration(lines, &raw.remind_before)?,
    };
    p.normal = top.or(p.normal);
    if let Some(v) = duration(lines, &raw.verify_within)? {
        p.verify_within = v;
    }
    if let Some(u) = &raw.urgent {
        p.urgent = durations(lines, u)?.or(p.urgent);
    }
    for (level, lp) in [
        (Level::Grid, raw.grid),
        (Level::Community, raw.community),
        (Level::Subdistrict, raw.subdistrict),
        (Level::District, raw.district),
    ] {
        if let Some(lp) = lp {
            let normal = Durations {
                ack_within: duration(lines, &lp.ack_within)?,
                resolve_within: duration(lines, &lp.resolve_within)?,
                remind_before: duration(lines, &lp.remind_before)?,
            };
            let urgent = match &lp.urgent {
                Some(u) => durations(lines, u)?,
                None => Durations::default(),
            };
            p.levels.insert(level, LevelPolicy { normal, urgent });
        }
    }
    Ok(p)
}

fn weekday(s: &str) -> Option<Weekday> {
    match s.trim().to_lowercase().as_str() {
        "mon" | "monday" | "周一" | "週一" => Some(Weekday::Mon),
        "tue" | "tuesday" | "周二" | "週二" => Some(Weekday::Tue),
        "wed" | "wednesday" | "周三" | "週三" => Some(Weekday::Wed),
        "thu" | "thursday" | "周四" | "週四" => Some(Weekday::Thu),
        "fri" | "friday" | "周五" | "週五" => Some(Weekday::Fri),
        "sat" | "saturday" | "周六" | "週六" => Some(Weekday::Sat),
        "sun" | "sunday" | "周日" | "週日" => Some(Weekday::Sun),
        _ => None,
    }
}

pub(super) fn calendar(
    lines: &Lines,
    raw: Option<RawCalendar>,
) -> Result<Option<Calendar>, OrgError> {
    let Some(raw) = raw else { return Ok(None) };
    let (start, end) = match &raw.hours {
        None => (
            NaiveTime::from_hms_opt(9, 0, 0).expect("valid"),
            NaiveTime::from_hms_opt(18, 0, 0).expect("valid"),
        ),
        Some(h) => {
            let parsed = h.get_ref().split_once('-').and_then(|(a, b)| {
                let a = NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?;
                let b = NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?;
                (a < b).then_some((a, b))
            });
            match parsed {
                Some(p) => p,
                None => {
                    return err(
                        lines.at(h),
                        OrgProblem::BadHours {
                            value: h.get_ref().clone(),
                        },
                    )
                }
            }
        }
    };
    let weekdays = match &raw.weekdays {
        None => vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        Some(ws) => {
            let mut out = Vec::new();
            for w in ws {
                match weekday(w.get_ref()) {
                    Some(d) => out.push(d),
                    None => {
                        return err(
                            lines.at(w),
                            OrgProblem::BadWeekday {
                                value: w.get_ref().clone(),
                            },
                        )
                    }
                }
            }
            out
        }
    };
    let dates = |list: &[Spanned<String>]| -> Result<Vec<NaiveDate>, OrgError> {
        list.iter()
            .map(|d| {
                NaiveDate::parse_from_str(d.get_ref().trim(), "%Y-%m-%d").map_err(|_| OrgError {
                    line: lines.at(d),
                    problem: OrgProblem::BadDate {
                        value: d.get_ref().clone(),
                    },
                })
            })
            .collect()
    };
    Ok(Some(Calendar {
        weekdays,
        start,
        end,
        days_off: dates(&raw.days_off)?,
        workdays: dates(&raw.workdays)?,
    }))
}

fn limit(
    lines: &Lines,
    key: &'static str,
    v: &Option<Spanned<i64>>,
    (min, max): (i64, i64),
) -> Result<Option<i64>, OrgError> {
    match v {
        None => Ok(None),
        Some(n) if (min..=max).contains(n.get_ref()) => Ok(Some(*n.get_ref())),
        Some(n) => err(
            lines.at(n),
            OrgProblem::ResidentLimit {
                key,
                value: *n.get_ref(),
                min,
                max,
            },
        ),
    }
}

pub(super) fn resident(
    lines: &Lines,
    raw: Option<RawResident>,
) -> Result<ResidentPolicy, OrgError> {
    let mut p = ResidentPolicy::default();
    let Some(raw) = raw else { return Ok(p) };
    if let Some(d) = duration(lines, &raw.rate_within)? {
        p.rate_within = d;
    }
    if let Some(d) = duration(lines, &raw.duplicate_within)? {
        p.duplicate_within = d;
    }
    // The ranges are small and non-negative, so the conversions below cannot fail.
    let r = ResidentPolicy::RADIUS_M;
    if let Some(n) = limit(lines, "duplicate_radius_m", &raw.duplicate_radius_m, r)? {
        p.duplicate_radius_m = u32::try_from(n).unwrap_or(p.duplicate_radius_m);
    }
    let r = ResidentPolicy::REPORTS_PER_DAY;
    if let Some(n) = limit(lines, "reports_per_day", &raw.reports_per_day, r)? {
        p.reports_per_day = u32::try_from(n).unwrap_or(p.reports_per_day);
    }
    if let Some(n) = limit(
        lines,
        "max_photos",
        &raw.max_photos,
        ResidentPolicy::MAX_PHOTOS,
    )? {
        p.max_photos = usize::try_from(n).unwrap_or(p.max_photos);
    }
    if let Some(n) = limit(lines, "max_text", &raw.max_text, ResidentPolicy::MAX_TEXT)? {
        p.max_text = usize::try_from(n).unwrap_or(p.max_text);
    }
    Ok(p)
}

pub(super) fn assessment(
    lines: &Lines,
    raw: Option<RawAssessment>,
) -> Result<AssessmentPolicy, OrgError> {
    let mut a = AssessmentPolicy::default();
    let Some(raw) = raw else { return Ok(a) };
    if let Some(w) = &raw.basic_weight {
        let v = *w.get_ref();
        if !(0.0..=1.0).contains(&v) {
            return err(
                lines.at(w),
                OrgProblem::AssessmentValue {
                    key: "basic_weight",
                    value: v.to_string(),
                },
            );
        }
        a.basic_weight_permille = (v * 1000.0).round() as u32;
    }
    if let Some(n) = &raw.min_cases {
        let (min, max) = AssessmentPolicy::MIN_CASES;
        let v = *n.get_ref();
        if !(min..=max).contains(&v) {
            return err(
                lines.at(n),
                OrgProblem::AssessmentValue {
                    key: "min_cases",
                    value: v.to_string(),
                },
            );
        }
        a.min_cases = u32::try_from(v).unwrap_or(a.min_cases);
    }
    if let Some(ws) = &raw.rank_weights {
        let v = ws.get_ref();
        let ok =
            v.len() == 3 && v.iter().all(|w| (0..=1000).contains(w)) && v.iter().any(|w| *w > 0);
        if !ok {
            return err(
                lines.at(ws),
                OrgProblem::AssessmentValue {
                    key: "rank_weights",
                    value: format!("{v:?}"),
                },
            );
        }
        for (slot, w) in a.rank_weights.iter_mut().zip(v) {
            *slot = u32::try_from(*w).unwrap_or(0);
        }
    }
    Ok(a)
}
