//! When a whistle is due: the earliest time expression in the message, read in the
//! organisation's time zone relative to `now`. The rules are in the module doc of `parse`.
//!
//! An expression that names a time but cannot be a deadline gives a [`DueNote`] instead of a
//! due time, so no order ever waits for a time that has already gone: a time today that has
//! passed (`今天3点前` at 04:00), a time on a past day (`昨天18点前`, "yesterday 6pm") and a
//! time that does not exist (`25点前`, `2月30日前`, "by 13pm").

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use regex::{Captures, Regex};

use super::fold::Folded;
use super::ParseContext;

/// Why a time expression in the message did not become the draft's due time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DueNote {
    /// A time today that has already passed ("今天3点前" at 04:09). `next` is the same clock
    /// time tomorrow, for the caller to offer.
    Passed {
        wanted: DateTime<Utc>,
        next: DateTime<Utc>,
    },
    /// A time or date that does not exist: an hour past 24, minutes past 59, "13pm",
    /// "2月30日". `text` is the expression as the user wrote it.
    Unreadable { text: String },
    /// A time on a day already gone ("昨天18点前", "yesterday 6pm"). `text` as written.
    InPast { text: String },
}

/// What one expression reads as, before it is known which expression wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    At(DateTime<Utc>),
    Passed {
        wanted: DateTime<Utc>,
        next: DateTime<Utc>,
    },
    Unreadable,
    InPast,
}

/// The due time found in a message, or the note saying why there is none, and where the
/// expression is (char range), so that a location stops before it.
pub(super) struct Due {
    pub at: Option<DateTime<Utc>>,
    pub note: Option<DueNote>,
    pub start: usize,
    pub end: usize,
}

struct Res {
    zh_dur: Regex,
    zh_clock: Regex,
    zh_day: Regex,
    zh_date: Regex,
    zh_before: Regex,
    zh_week: Regex,
    en_dur: Regex,
    en_clock: Regex,
    en_named: Regex,
}

const ZH_NUM: &str = "[零〇一二两三四五六七八九十]{1,3}";

/// Day words, past ones included so that "昨天18点前" is recognised and refused rather than
/// read as "18点前".
const ZH_DAY: &str = "今天|今日|今晚|今早|明天|明日|明晚|明早|后天|后日|昨天|昨日|昨晚|前天";
const ZH_PER: &str = "凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间";

fn res() -> &'static Res {
    static RES: OnceLock<Res> = OnceLock::new();
    RES.get_or_init(|| {
        let re = |s: String| Regex::new(&s).expect("built-in regex");
        let (day, per) = (ZH_DAY, ZH_PER);
        let clock = format!(
            r"(?P<h>[0-9]{{1,2}}|{ZH_NUM})\s*(?:(?:点|时)钟?\s*(?:(?P<halfm>半)|(?P<q>[一三])刻|(?P<m>[0-9]{{1,2}}|{ZH_NUM})\s*分?|整)?|:(?P<mm>[0-9]{{2}}))"
        );
        let before = "(?P<before>之前|以前|前|为止|截止|内)?";
        Res {
            zh_dur: re(format!(
                r"(?P<n>[0-9]{{1,4}}(?:\.[0-9]+)?|{ZH_NUM})?\s*个?\s*(?P<half>半)?\s*个?\s*(?P<unit>小时|钟头|h|分钟|天|日|周|星期|工作日)\s*(?:之内|以内|内|之后|以后|后)"
            )),
            zh_clock: re(format!(r"(?P<day>{day})?\s*(?P<per>{per})?\s*{clock}\s*{before}")),
            zh_day: re(format!(
                r"(?P<day>{day})\s*(?P<per>{per}|下班|上班)?\s*(?P<before>之前|以前|前|之内|以内|内)?"
            )),
            zh_date: re(format!(
                r"(?:(?P<y>[0-9]{{4}})\s*年\s*)?(?P<mo>[0-9]{{1,2}}|{ZH_NUM})\s*月\s*(?P<d>[0-9]{{1,2}}|{ZH_NUM})\s*(?:日|号)\s*(?P<per>{per}|下班)?\s*(?:{clock})?\s*{before}"
            )),
            zh_before: re(r"(?P<what>上班|下班|中午|午饭|天黑|晚饭|收工)\s*(?:之前|以前|前)".into()),
            zh_week: re(r"(?P<next>下个?)?(?:周|星期|礼拜)(?P<d>[一二三四五六日天1-7])\s*(?P<per>上午|中午|下午|晚上|下班)?\s*(?P<before>之前|以前|前|内)?".into()),
            en_dur: re(r"(?-u:\b)(?:within|in|under)\s+(?:(?P<n>[0-9]{1,4}(?:\.[0-9]+)?)|(?P<half>half an?)|(?P<a>an?|one)|(?P<w>two|three|four|five|six|ten|twelve|fifteen|twenty|thirty|forty-five))\s*(?P<unit>hours?|hrs?|h|minutes?|mins?|m|days?|d)(?-u:\b)".into()),
            en_clock: re(r"(?-u:\b)(?:(?P<by>by|before|until|till|no later than)\s+)?(?:(?P<day>today|tomorrow|tmrw|tmr|tonight|yesterday)\s+(?:(?P<at>at\s+)|by\s+|before\s+)?)?(?P<h>[0-9]{1,2})(?:[:.](?P<m>[0-9]{2}))?(?:\s*(?P<ap>a\.m\.|p\.m\.|am|pm))?(?:\s+(?P<day2>today|tomorrow|tmrw|tmr|tonight|yesterday))?".into()),
            en_named: re(r"(?-u:\b)(?:(?P<by>by|before|until|till)\s+)?(?:(?P<tmr>tomorrow|tmrw|tmr)(?:\s+(?P<tper>morning|noon|lunchtime|afternoon|evening|night|eod))?|(?P<tonight>tonight)|(?P<noon>noon|midday|lunchtime)|(?P<eod>end of (?:the )?day|end of today|eod|cob|close of business)|this\s+(?P<this>morning|afternoon|evening)|(?P<today>today)|(?P<yday>yesterday|last night)|(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun))(?-u:\b)".into()),
        }
    })
}

/// A small count in digits or Chinese numerals (一 … 九十九, 两).
fn small_number(s: &str) -> Option<u32> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|d| d as u32)
            .or(match c {
                '〇' => Some(0),
                '两' => Some(2),
                _ => None,
            })
    };
    let cs: Vec<char> = s.chars().collect();
    match cs.as_slice() {
        ['十'] => Some(10),
        [a] => digit(*a),
        ['十', b] => Some(10 + digit(*b)?),
        [a, '十'] => Some(digit(*a)? * 10),
        [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
        _ => None,
    }
}

/// A local wall-clock time in `tz` as UTC; hour 24 is midnight of the next day. In a DST gap
/// the first valid instant after it is used.
fn at_local(cx: &ParseContext, date: NaiveDate, hour: u32, minute: u32) -> Option<DateTime<Utc>> {
    let (date, hour) = if hour == 24 {
        (date.succ_opt()?, 0)
    } else {
        (date, hour)
    };
    let naive = date.and_time(NaiveTime::from_hms_opt(hour, minute, 0)?);
    let local = cx.tz.from_local_datetime(&naive).earliest().or_else(|| {
        cx.tz
            .from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
    })?;
    Some(local.with_timezone(&Utc))
}

fn today(cx: &ParseContext) -> NaiveDate {
    cx.now.with_timezone(&cx.tz).date_naive()
}

/// `date` at `hour:minute`, judged against now: ahead is a due time; today but gone is
/// `Passed` (with the same time tomorrow); an earlier day is `InPast`.
fn on_date(cx: &ParseContext, date: NaiveDate, hour: u32, minute: u32) -> Option<Read> {
    let t = at_local(cx, date, hour, minute)?;
    if t > cx.now {
        return Some(Read::At(t));
    }
    if date == today(cx) {
        let next = at_local(cx, date.succ_opt()?, hour, minute)?;
        return Some(Read::Passed { wanted: t, next });
    }
    Some(Read::InPast)
}

/// `days` after today (negative: before) at `hour:minute`; with no day named, a time already
/// past means tomorrow, because "18点前" said at 19:00 means tomorrow's 18:00.
fn resolve(cx: &ParseContext, days: Option<i64>, hour: u32, minute: u32) -> Option<Read> {
    let Some(days) = days else {
        let date = today(cx);
        let t = at_local(cx, date, hour, minute)?;
        if t <= cx.now {
            return at_local(cx, date.succ_opt()?, hour, minute).map(Read::At);
        }
        return Some(Read::At(t));
    };
    let date = today(cx).checked_add_signed(Duration::days(days))?;
    on_date(cx, date, hour, minute)
}

fn after(cx: &ParseContext, minutes: f64) -> Option<Read> {
    // Past a year the number is not a deadline but a typo or a house number.
    if !(minutes > 0.0 && minutes <= 366.0 * 24.0 * 60.0) {
        return None;
    }
    cx.now
        .checked_add_signed(Duration::seconds((minutes * 60.0).round() as i64))
        .map(Read::At)
}

/// Days from today of a Chinese day word; past days are negative.
fn zh_day_offset(day: &str) -> i64 {
    match day {
        "明天" | "明日" | "明晚" | "明早" => 1,
        "后天" | "后日" => 2,
        "昨天" | "昨日" | "昨晚" => -1,
        "前天" => -2,
        _ => 0,
    }
}

/// The end of a part of the day, as (hour, minute).
fn part_end(per: &str) -> (u32, u32) {
    match per {
        "凌晨" => (6, 0),
        "早上" | "早晨" | "上班" | "今早" | "明早" => (9, 0),
        // English "morning" is the whole 上午, as in "tomorrow morning" = 明天上午.
        "上午" | "morning" | "noon" | "lunchtime" | "midday" => (12, 0),
        "中午" => (14, 0),
        "傍晚" => (19, 0),
        "晚上" | "夜里" | "夜间" | "今晚" | "明晚" | "evening" | "night" | "tonight" => {
            (22, 0)
        }
        _ => (18, 0),
    }
}

/// The hour on the 24-hour clock of "h点" said in a part of the day.
fn clock_hour(per: Option<&str>, h: u32) -> u32 {
    match per {
        Some("中午") if h <= 3 => h + 12,
        Some("下午" | "傍晚" | "晚上" | "今晚" | "明晚") if h < 12 => h + 12,
        Some("晚上" | "夜里" | "夜间" | "今晚" | "明晚") if h == 12 => 24,
        _ => h,
    }
}

fn weekday_from(c: &str) -> Option<Weekday> {
    Some(match c {
        "一" | "1" | "monday" | "mon" => Weekday::Mon,
        "二" | "2" | "tuesday" | "tue" => Weekday::Tue,
        "三" | "3" | "wednesday" | "wed" => Weekday::Wed,
        "四" | "4" | "thursday" | "thu" => Weekday::Thu,
        "五" | "5" | "friday" | "fri" => Weekday::Fri,
        "六" | "6" | "saturday" | "sat" => Weekday::Sat,
        "日" | "天" | "7" | "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// The next such weekday at `hour` (today if that is still ahead); with `next_week`, that day
/// of the following Monday-to-Sunday week.
fn weekday_due(cx: &ParseContext, wd: Weekday, next_week: bool, hour: u32) -> Option<Read> {
    let today = today(cx);
    let from_mon = today.weekday().num_days_from_monday() as i64;
    let target = wd.num_days_from_monday() as i64;
    let mut ahead = if next_week {
        7 - from_mon + target
    } else {
        (target - from_mon).rem_euclid(7)
    };
    if ahead == 0 && at_local(cx, today, hour, 0)? <= cx.now {
        ahead = 7;
    }
    resolve(cx, Some(ahead), hour, 0)
}

fn cap<'t>(c: &Captures<'t>, name: &str) -> Option<&'t str> {
    c.name(name).map(|m| m.as_str())
}

fn digit_before(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit())
}

fn zh_duration(c: &Captures, text: &str, cx: &ParseContext) -> Option<Read> {
    let n = c.name("n");
    if n.is_some_and(|m| digit_before(text, m.start())) {
        return None;
    }
    let count = match n.map(|m| m.as_str()) {
        Some(s) if s.contains('.') => s.parse::<f64>().ok()?,
        Some(s) => small_number(s)? as f64,
        None => 0.0,
    };
    let count = count + if c.name("half").is_some() { 0.5 } else { 0.0 };
    let per_unit = match cap(c, "unit")? {
        "小时" | "钟头" | "h" => 60.0,
        "分钟" => 1.0,
        "周" | "星期" => 7.0 * 24.0 * 60.0,
        _ => 24.0 * 60.0,
    };
    after(cx, count * per_unit)
}

/// The minutes of a Chinese clock expression: ":30", "30分", "半", "一刻", "三刻" or none.
fn zh_minutes(c: &Captures) -> Option<u32> {
    Some(match (c.name("mm"), c.name("m"), c.name("halfm")) {
        (Some(mm), _, _) | (None, Some(mm), _) => small_number(mm.as_str())?,
        (None, None, Some(_)) => 30,
        _ if c.name("q").is_some_and(|q| q.as_str() == "三") => 45,
        _ if c.name("q").is_some() => 15,
        _ => 0,
    })
}

/// The 24-hour time of a Chinese clock expression said in a part of the day; `Err` when the
/// time does not exist (25点, 18:75, 晚上13点).
fn zh_time(c: &Captures, per: Option<&str>) -> Option<Result<(u32, u32), Read>> {
    let h = small_number(c.name("h")?.as_str())?;
    let m = zh_minutes(c)?;
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return Some(Err(Read::Unreadable));
    }
    let h = clock_hour(per, h);
    if h > 24 || (h == 24 && m > 0) {
        return Some(Err(Read::Unreadable));
    }
    Some(Ok((h, m)))
}

fn zh_clock(c: &Captures, text: &str, cx: &ParseContext) -> Option<Read> {
    let day = cap(c, "day");
    let per = cap(c, "per").or(match day {
        Some(d @ ("今晚" | "明晚" | "今早" | "明早" | "昨晚")) => Some(d),
        _ => None,
    });
    let colon = c.name("mm");
    let before = c.name("before").is_some();
    if day.is_none() && per.is_none() && !before && colon.is_none() {
        return None;
    }
    let offset = day.map(zh_day_offset);
    // "昨晚10点有人打架" tells when something happened; only "昨天18点前" is a deadline.
    if offset.is_some_and(|d| d < 0) && !before {
        return None;
    }
    let h_at = c.name("h")?;
    if day.is_none() && per.is_none() && digit_before(text, h_at.start()) {
        return None;
    }
    match zh_time(c, per)? {
        Ok((h, m)) => resolve(cx, offset, h, m),
        Err(r) => Some(r),
    }
}

fn zh_day(c: &Captures, cx: &ParseContext) -> Option<Read> {
    let day = cap(c, "day")?;
    let before = cap(c, "before");
    let per = cap(c, "per");
    let offset = zh_day_offset(day);
    // "今天早上发现…", "昨天…" tell what happened; with 前/内 they are deadlines.
    let today_or_past = offset < 0 || matches!(day, "今天" | "今日" | "今早");
    if today_or_past && before.is_none() {
        return None;
    }
    let (h, m) = match (per, before) {
        (Some(p), _) => part_end(p),
        (None, Some(b)) if b.ends_with('内') => (23, 59),
        (None, _) => part_end(day),
    };
    resolve(cx, Some(offset), h, m)
}

/// The date of "M月D日" (with an optional year). Without a year, a date earlier in the year
/// is this year's (and so in the past) if it is within half a year, next year's otherwise:
/// "1月5日前" said in December means January.
fn zh_date_day(c: &Captures, cx: &ParseContext) -> Option<Result<NaiveDate, Read>> {
    let mo = small_number(cap(c, "mo")?)?;
    let d = small_number(cap(c, "d")?)?;
    let this_year = today(cx).year();
    let year = match cap(c, "y") {
        Some(y) => y.parse::<i32>().ok()?,
        None => this_year,
    };
    let Some(date) = NaiveDate::from_ymd_opt(year, mo, d) else {
        return Some(Err(Read::Unreadable));
    };
    if c.name("y").is_none() && (today(cx) - date).num_days() > 183 {
        return Some(NaiveDate::from_ymd_opt(year + 1, mo, d).ok_or(Read::Unreadable));
    }
    Some(Ok(date))
}

fn zh_date(c: &Captures, text: &str, cx: &ParseContext) -> Option<Read> {
    if digit_before(text, c.get(0)?.start()) {
        return None;
    }
    let date = match zh_date_day(c, cx)? {
        Ok(date) => date,
        // A date that does not exist is worth a note even without 前: it is a typo.
        Err(r) => return Some(r),
    };
    let per = cap(c, "per");
    let before = cap(c, "before");
    let (h, m) = if c.name("h").is_some() {
        match zh_time(c, per)? {
            Ok(hm) => hm,
            Err(r) => return Some(r),
        }
    } else if before.is_none() {
        // "3月5日发现井盖松动" tells when; "3月5日前" and "3月5日下午3点" are deadlines.
        return None;
    } else {
        match (per, before) {
            (Some(p), _) => part_end(p),
            (None, Some(b)) if b.ends_with('内') => (23, 59),
            _ => (18, 0),
        }
    };
    on_date(cx, date, h, m)
}

fn zh_before(c: &Captures, cx: &ParseContext) -> Option<Read> {
    let (h, m) = match cap(c, "what")? {
        "上班" => (9, 0),
        "中午" | "午饭" => (12, 0),
        _ => (18, 0),
    };
    resolve(cx, None, h, m)
}

fn zh_week(c: &Captures, cx: &ParseContext) -> Option<Read> {
    let next = c.name("next").is_some();
    if !next && c.name("before").is_none() {
        return None;
    }
    let wd = weekday_from(cap(c, "d")?)?;
    let (h, _) = part_end(cap(c, "per").unwrap_or("下班"));
    weekday_due(cx, wd, next, h)
}

fn en_duration(c: &Captures, cx: &ParseContext) -> Option<Read> {
    let count = if let Some(n) = cap(c, "n") {
        n.parse::<f64>().ok()?
    } else if c.name("half").is_some() {
        0.5
    } else if c.name("a").is_some() {
        1.0
    } else {
        match cap(c, "w")? {
            "two" => 2.0,
            "three" => 3.0,
            "four" => 4.0,
            "five" => 5.0,
            "six" => 6.0,
            "ten" => 10.0,
            "twelve" => 12.0,
            "fifteen" => 15.0,
            "twenty" => 20.0,
            "thirty" => 30.0,
            _ => 45.0,
        }
    };
    let unit = cap(c, "unit")?;
    let per_unit = if unit.starts_with('h') {
        60.0
    } else if unit.starts_with('m') {
        1.0
    } else {
        24.0 * 60.0
    };
    after(cx, count * per_unit)
}

fn en_day_offset(day: &str) -> Option<i64> {
    match day {
        "today" | "tonight" => Some(0),
        "tomorrow" | "tmrw" | "tmr" => Some(1),
        "yesterday" => Some(-1),
        _ => None,
    }
}

/// The 24-hour time of an English clock expression; `Err` when it cannot exist ("13pm",
/// "25:00"). `None` when the number is not a time at all ("by 30 residents").
fn en_time(c: &Captures) -> Option<Result<(u32, u32), Read>> {
    let h = small_number(cap(c, "h")?)?;
    let ap = cap(c, "ap");
    let written_as_time = ap.is_some() || c.name("m").is_some();
    let m = cap(c, "m").map_or(Some(0), small_number)?;
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return written_as_time.then_some(Err(Read::Unreadable));
    }
    Some(Ok(match ap.map(|a| a.starts_with('p')) {
        Some(true) if h < 12 => (h + 12, m),
        Some(false) if h == 12 => (0, m),
        Some(_) if h > 12 => return Some(Err(Read::Unreadable)),
        _ => (h, m),
    }))
}

fn en_clock(c: &Captures, text: &str, cx: &ParseContext) -> Option<Read> {
    let day = cap(c, "day").or(cap(c, "day2"));
    let by = c.name("by").is_some();
    if !by && day.is_none() {
        return None;
    }
    let offset = day.and_then(en_day_offset);
    // "yesterday at 6pm there was a fight" tells when; "yesterday 6pm" is a (past) deadline.
    if offset.is_some_and(|d| d < 0) && !by && c.name("at").is_some() {
        return None;
    }
    let h = small_number(cap(c, "h")?)?;
    let ap = cap(c, "ap");
    if ap.is_none() && c.name("m").is_none() && h < 13 {
        return None;
    }
    let clock_end = ["ap", "m", "h"]
        .iter()
        .find_map(|n| c.name(n))
        .map(|m| m.end())?;
    if ap.is_none_or(|a| !a.ends_with('.'))
        && text[clock_end..]
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_alphanumeric())
    {
        return None;
    }
    match en_time(c)? {
        Ok((h, m)) => resolve(cx, offset, h, m),
        Err(r) => Some(r),
    }
}

fn en_named(c: &Captures, cx: &ParseContext) -> Option<Read> {
    let by = c.name("by").is_some();
    if c.name("tmr").is_some() {
        let (h, m) = cap(c, "tper").map_or((18, 0), part_end);
        return resolve(cx, Some(1), h, m);
    }
    if c.name("tonight").is_some() {
        return resolve(cx, Some(0), 22, 0);
    }
    if c.name("eod").is_some() {
        return resolve(cx, None, 18, 0);
    }
    if !by {
        return None;
    }
    if let Some(p) = cap(c, "noon") {
        let (h, m) = part_end(p);
        return resolve(cx, None, h, m);
    }
    if let Some(p) = cap(c, "this") {
        let (h, m) = part_end(p);
        return resolve(cx, Some(0), h, m);
    }
    if c.name("today").is_some() {
        return resolve(cx, Some(0), 18, 0);
    }
    if c.name("yday").is_some() {
        return Some(Read::InPast);
    }
    weekday_due(cx, weekday_from(cap(c, "wd")?)?, false, 18)
}

/// Every time expression in the text: (start byte, end byte, reading).
fn expressions(t: &str, cx: &ParseContext) -> Vec<(usize, usize, Read)> {
    let r = res();
    let mut found = Vec::new();
    let mut take = |re: &Regex, read: &dyn Fn(&Captures) -> Option<Read>| {
        for c in re.captures_iter(t) {
            let m = c.get(0).expect("group 0 always matches");
            if let Some(at) = read(&c) {
                found.push((m.start(), m.end(), at));
            }
        }
    };
    take(&r.zh_dur, &|c| zh_duration(c, t, cx));
    take(&r.zh_clock, &|c| zh_clock(c, t, cx));
    take(&r.zh_day, &|c| zh_day(c, cx));
    take(&r.zh_date, &|c| zh_date(c, t, cx));
    take(&r.zh_before, &|c| zh_before(c, cx));
    take(&r.zh_week, &|c| zh_week(c, cx));
    take(&r.en_dur, &|c| en_duration(c, cx));
    take(&r.en_clock, &|c| en_clock(c, t, cx));
    take(&r.en_named, &|c| en_named(c, cx));
    found
}

/// The due time and where it was written: the earliest expression, the longest of those
/// starting there. If that expression cannot be a deadline, there is no due time and the note
/// says why (a later, readable expression does not stand in for it: the user meant the first).
pub(super) fn due(f: &Folded, cx: &ParseContext) -> Option<Due> {
    let (s, e, read) = expressions(&f.text, cx)
        .into_iter()
        .min_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)))?;
    let (start, end) = (f.char_idx(s), f.char_idx(e));
    let written = || f.orig_slice(start, end).trim().to_string();
    let (at, note) = match read {
        Read::At(t) => (Some(t), None),
        Read::Passed { wanted, next } => (None, Some(DueNote::Passed { wanted, next })),
        Read::Unreadable => (None, Some(DueNote::Unreadable { text: written() })),
        Read::InPast => (None, Some(DueNote::InPast { text: written() })),
    };
    Some(Due {
        at,
        note,
        start,
        end,
    })
}
