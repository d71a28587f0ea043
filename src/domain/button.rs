//! What an inline button does, and how that travels in Telegram's callback data (at most 64
//! bytes). `ButtonAction::encode` writes it and `ButtonAction::parse` reads it back; anything
//! that does not parse (an old, foreign, truncated or forged button) is a `ButtonError`, which the
//! caller answers with a "this button is stale" toast.
//!
//! Wire format: a one-letter kind, then `:`-separated fields. Numbers are ASCII decimal without
//! sign or leading zeros and always positive; a department id is 1–32 characters of
//! `[A-Za-z0-9_-]`. The first five kinds are the format buttons already sitting in chats use, so
//! they keep working:
//!
//! | kind | action                                   | example        |
//! |------|------------------------------------------|----------------|
//! | `r`  | report (报到) to an order                | `r:42`         |
//! | `d`  | mark an order resolved (done)            | `d:42`         |
//! | `v`  | verify (确认) a resolved order           | `v:42`         |
//! | `o`  | reopen (退回) a resolved order           | `o:42`         |
//! | `w`  | whistle a department to an order         | `w:42:sanitation` |
//! | `a`  | ask the resident (reporter) about an order | `a:42`       |
//! | `l`  | show page N of the order list            | `l:2`          |
//! | `t`  | set an order's resolve-by time (unix minutes) | `t:42:29000000` |
//! | `n`  | a resident starts a report               | `n:r`          |
//! | `s`  | a step of a resident's dialogue at a version (1 send, 2 confirm, 3 edit, 4 cancel, 5 not the same problem) | `s:2:7` |
//! | `u`  | a resident picks a unit (`~`: not sure)  | `u:7:cuihu-1`  |
//! | `p`  | page N (from 0) of the unit choice       | `p:7:1`        |
//! | `j`  | a resident joins an order as the same problem | `j:42`    |
//! | `y`  | a resident says an order is solved       | `y:42`         |
//! | `x`  | a resident says an order is not solved   | `x:42`         |
//! | `z`  | a resident rates an order (1 满意, 2 基本满意, 3 不满意) | `z:42:1` |
//! | `q`  | a resident answers a question about an order | `q:42`     |
//! | `f`  | a resident confirms `/forget`            | `f:y`          |
//!
//! Parsing is strict and canonical: whenever `parse(s)` succeeds, `parse(s)?.encode() == s`.

use super::resident::Satisfaction;
use super::{DepartmentId, OrderId, UnitId};

/// Telegram's limit on callback data, in bytes.
pub const MAX_CALLBACK_DATA: usize = 64;

/// The longest department id that travels in a button.
pub const MAX_DEPARTMENT_ID: usize = 32;

/// What pressing a button asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ButtonAction {
    /// 报到: the presser reports to the order.
    Report(OrderId),
    /// The presser marks the order resolved.
    Resolve(OrderId),
    /// 确认: the whistler confirms a resolved order.
    Verify(OrderId),
    /// 退回: the whistler sends a resolved order back.
    Reopen(OrderId),
    /// A duty officer whistles one more department to the order.
    WhistleDepartment(OrderId, DepartmentId),
    /// Ask the resident who reported the matter about the order.
    AskResident(OrderId),
    /// Page N (from 1) of the order list.
    ListPage(u32),
    /// Set the order's resolve-by time, in minutes since the Unix epoch.
    SetResolveDue {
        order: OrderId,
        at_unix_minutes: i64,
    },
    /// A resident starts a report (the button under the welcome).
    StartReport,
    /// A step of a resident's dialogue, pressed on the dialogue at `version`: a press on an
    /// older version is stale (a second 确认 makes no second order).
    Dialogue { step: DialogueStep, version: i64 },
    /// A resident picks the unit of their report; `None`: not sure.
    PickUnit { version: i64, unit: Option<UnitId> },
    /// Page `page` (from 0) of the unit choice.
    UnitPage { version: i64, page: u32 },
    /// A resident joins an open order as "the same problem".
    JoinDuplicate(OrderId),
    /// A resident says the order is solved.
    Solved(OrderId),
    /// A resident says the order is not solved.
    NotSolved(OrderId),
    /// A resident rates the order.
    Rate(OrderId, Satisfaction),
    /// A resident answers the question about the order (their next text is the answer).
    AnswerQuestion(OrderId),
    /// A resident confirms `/forget`.
    Forget,
}

/// The steps of a resident's dialogue a button may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DialogueStep {
    /// "That's all": the report is complete, route it.
    Send,
    /// 确认: submit the summary.
    Confirm,
    /// 修改: back to gathering.
    Edit,
    /// 取消: end the dialogue.
    Cancel,
    /// "Not the same problem": go on with a new report.
    NotDuplicate,
}

impl DialogueStep {
    const ALL: [DialogueStep; 5] = [
        DialogueStep::Send,
        DialogueStep::Confirm,
        DialogueStep::Edit,
        DialogueStep::Cancel,
        DialogueStep::NotDuplicate,
    ];

    fn code(self) -> i64 {
        match self {
            DialogueStep::Send => 1,
            DialogueStep::Confirm => 2,
            DialogueStep::Edit => 3,
            DialogueStep::Cancel => 4,
            DialogueStep::NotDuplicate => 5,
        }
    }
}

/// Why callback data is not a button of ours (any more).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ButtonError {
    #[error("empty callback data")]
    Empty,
    #[error("callback data of {0} bytes, over Telegram's 64")]
    TooLong(usize),
    #[error("unknown button kind {0:?}")]
    UnknownKind(String),
    #[error("callback data {0:?} has the wrong shape")]
    Malformed(String),
    #[error("{0:?} is not a positive number")]
    BadNumber(String),
    #[error("{0:?} is not a department id")]
    BadDepartment(String),
}

/// Is `id` a department id that may travel in callback data?
pub fn is_button_department_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_DEPARTMENT_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl ButtonAction {
    /// The callback data for this button: never more than 64 bytes.
    ///
    /// Total: a department id that could not travel (longer than 32 characters or outside
    /// `[A-Za-z0-9_-]`; the organisation file never has one) is written as `w:N:!`, which `parse`
    /// rejects, so the button reads as stale instead of naming some other department. Ids and
    /// numbers that are zero or negative are written as they are, and `parse` rejects them too.
    pub fn encode(&self) -> String {
        let s = match self {
            ButtonAction::Report(o) => format!("r:{}", o.0),
            ButtonAction::Resolve(o) => format!("d:{}", o.0),
            ButtonAction::Verify(o) => format!("v:{}", o.0),
            ButtonAction::Reopen(o) => format!("o:{}", o.0),
            ButtonAction::WhistleDepartment(o, d) if is_button_department_id(d.as_str()) => {
                format!("w:{}:{}", o.0, d.as_str())
            }
            ButtonAction::WhistleDepartment(o, _) => format!("w:{}:!", o.0),
            ButtonAction::AskResident(o) => format!("a:{}", o.0),
            ButtonAction::ListPage(p) => format!("l:{p}"),
            ButtonAction::SetResolveDue {
                order,
                at_unix_minutes,
            } => format!("t:{}:{}", order.0, at_unix_minutes),
            ButtonAction::StartReport => "n:r".to_string(),
            ButtonAction::Dialogue { step, version } => format!("s:{}:{version}", step.code()),
            ButtonAction::PickUnit { version, unit } => match unit {
                Some(u) if is_button_department_id(u.as_str()) => format!("u:{version}:{u}"),
                Some(_) => format!("u:{version}:!"),
                None => format!("u:{version}:~"),
            },
            ButtonAction::UnitPage { version, page } => format!("p:{version}:{page}"),
            ButtonAction::JoinDuplicate(o) => format!("j:{}", o.0),
            ButtonAction::Solved(o) => format!("y:{}", o.0),
            ButtonAction::NotSolved(o) => format!("x:{}", o.0),
            ButtonAction::Rate(o, s) => format!("z:{}:{}", o.0, s.code()),
            ButtonAction::AnswerQuestion(o) => format!("q:{}", o.0),
            ButtonAction::Forget => "f:y".to_string(),
        };
        // Longest case: "w:" + 20 (i64::MIN) + ":" + 32 = 55 bytes.
        debug_assert!(s.len() <= MAX_CALLBACK_DATA);
        s
    }

    /// Reads callback data back. Never panics.
    pub fn parse(data: &str) -> Result<ButtonAction, ButtonError> {
        if data.is_empty() {
            return Err(ButtonError::Empty);
        }
        if data.len() > MAX_CALLBACK_DATA {
            return Err(ButtonError::TooLong(data.len()));
        }
        let malformed = || ButtonError::Malformed(data.to_string());
        let (kind, rest) = data.split_once(':').ok_or_else(malformed)?;
        let fields: Vec<&str> = rest.split(':').collect();
        let one = |f: &[&str]| -> Result<i64, ButtonError> {
            match f {
                [n] => positive(n),
                _ => Err(malformed()),
            }
        };
        Ok(match kind {
            "r" => ButtonAction::Report(OrderId(one(&fields)?)),
            "d" => ButtonAction::Resolve(OrderId(one(&fields)?)),
            "v" => ButtonAction::Verify(OrderId(one(&fields)?)),
            "o" => ButtonAction::Reopen(OrderId(one(&fields)?)),
            "a" => ButtonAction::AskResident(OrderId(one(&fields)?)),
            "l" => {
                let n = one(&fields)?;
                let page = u32::try_from(n).map_err(|_| ButtonError::BadNumber(rest.into()))?;
                ButtonAction::ListPage(page)
            }
            "w" => match fields.as_slice() {
                [n, d] => {
                    let order = OrderId(positive(n)?);
                    if !is_button_department_id(d) {
                        return Err(ButtonError::BadDepartment(d.to_string()));
                    }
                    ButtonAction::WhistleDepartment(order, DepartmentId::checked(*d))
                }
                _ => return Err(malformed()),
            },
            "t" => match fields.as_slice() {
                [n, m] => ButtonAction::SetResolveDue {
                    order: OrderId(positive(n)?),
                    at_unix_minutes: positive(m)?,
                },
                _ => return Err(malformed()),
            },
            "n" if rest == "r" => ButtonAction::StartReport,
            "f" if rest == "y" => ButtonAction::Forget,
            "s" => match fields.as_slice() {
                [c, v] => {
                    let code = positive(c)?;
                    let step = DialogueStep::ALL
                        .into_iter()
                        .find(|s| s.code() == code)
                        .ok_or_else(malformed)?;
                    ButtonAction::Dialogue {
                        step,
                        version: positive(v)?,
                    }
                }
                _ => return Err(malformed()),
            },
            "u" => match fields.as_slice() {
                [v, u] => ButtonAction::PickUnit {
                    version: positive(v)?,
                    unit: match *u {
                        "~" => None,
                        u if is_button_department_id(u) => Some(UnitId::checked(u)),
                        _ => return Err(malformed()),
                    },
                },
                _ => return Err(malformed()),
            },
            "p" => match fields.as_slice() {
                [v, p] => ButtonAction::UnitPage {
                    version: positive(v)?,
                    page: match *p {
                        "0" => 0,
                        p => u32::try_from(positive(p)?).map_err(|_| malformed())?,
                    },
                },
                _ => return Err(malformed()),
            },
            "j" => ButtonAction::JoinDuplicate(OrderId(one(&fields)?)),
            "y" => ButtonAction::Solved(OrderId(one(&fields)?)),
            "x" => ButtonAction::NotSolved(OrderId(one(&fields)?)),
            "q" => ButtonAction::AnswerQuestion(OrderId(one(&fields)?)),
            "z" => match fields.as_slice() {
                [n, k] => ButtonAction::Rate(
                    OrderId(positive(n)?),
                    Satisfaction::from_code(positive(k)?).ok_or_else(malformed)?,
                ),
                _ => return Err(malformed()),
            },
            _ => return Err(ButtonError::UnknownKind(kind.to_string())),
        })
    }

    /// The order the button acts on, if any (a list page has none).
    pub fn order(&self) -> Option<OrderId> {
        match self {
            ButtonAction::Report(o)
            | ButtonAction::Resolve(o)
            | ButtonAction::Verify(o)
            | ButtonAction::Reopen(o)
            | ButtonAction::WhistleDepartment(o, _)
            | ButtonAction::AskResident(o)
            | ButtonAction::SetResolveDue { order: o, .. }
            | ButtonAction::JoinDuplicate(o)
            | ButtonAction::Solved(o)
            | ButtonAction::NotSolved(o)
            | ButtonAction::Rate(o, _)
            | ButtonAction::AnswerQuestion(o) => Some(*o),
            ButtonAction::ListPage(_)
            | ButtonAction::StartReport
            | ButtonAction::Dialogue { .. }
            | ButtonAction::PickUnit { .. }
            | ButtonAction::UnitPage { .. }
            | ButtonAction::Forget => None,
        }
    }
}

/// A canonical positive decimal: ASCII digits, no sign, no leading zero, fits an i64.
fn positive(s: &str) -> Result<i64, ButtonError> {
    let bad = || ButtonError::BadNumber(s.to_string());
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.starts_with('0') {
        return Err(bad());
    }
    s.parse::<i64>().map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(s: &str) -> DepartmentId {
        DepartmentId::checked(s)
    }

    const DEPT32: &str = "abcdefghijklmnopqrstuvwxyz_-0129";

    #[test]
    fn round_trip_every_variant() {
        let max = OrderId(i64::MAX);
        let table: Vec<(ButtonAction, &str)> = vec![
            (ButtonAction::Report(OrderId(42)), "r:42"),
            (ButtonAction::Resolve(OrderId(42)), "d:42"),
            (ButtonAction::Verify(OrderId(42)), "v:42"),
            (ButtonAction::Reopen(OrderId(42)), "o:42"),
            (
                ButtonAction::WhistleDepartment(OrderId(42), dept("sanitation")),
                "w:42:sanitation",
            ),
            (ButtonAction::AskResident(OrderId(42)), "a:42"),
            (ButtonAction::ListPage(2), "l:2"),
            (ButtonAction::StartReport, "n:r"),
            (ButtonAction::Forget, "f:y"),
            (
                ButtonAction::Dialogue {
                    step: DialogueStep::Confirm,
                    version: 7,
                },
                "s:2:7",
            ),
            (
                ButtonAction::PickUnit {
                    version: 7,
                    unit: Some(UnitId::checked("cuihu-1")),
                },
                "u:7:cuihu-1",
            ),
            (
                ButtonAction::PickUnit {
                    version: 7,
                    unit: None,
                },
                "u:7:~",
            ),
            (
                ButtonAction::UnitPage {
                    version: 7,
                    page: 0,
                },
                "p:7:0",
            ),
            (
                ButtonAction::UnitPage {
                    version: 7,
                    page: 3,
                },
                "p:7:3",
            ),
            (ButtonAction::JoinDuplicate(OrderId(42)), "j:42"),
            (ButtonAction::Solved(OrderId(42)), "y:42"),
            (ButtonAction::NotSolved(OrderId(42)), "x:42"),
            (
                ButtonAction::Rate(OrderId(42), Satisfaction::Basic),
                "z:42:2",
            ),
            (ButtonAction::AnswerQuestion(OrderId(42)), "q:42"),
            (
                ButtonAction::SetResolveDue {
                    order: OrderId(42),
                    at_unix_minutes: 29_000_000,
                },
                "t:42:29000000",
            ),
            (ButtonAction::Report(OrderId(1)), "r:1"),
            (ButtonAction::Report(max), "r:9223372036854775807"),
            (ButtonAction::Resolve(max), "d:9223372036854775807"),
            (ButtonAction::Verify(max), "v:9223372036854775807"),
            (ButtonAction::Reopen(max), "o:9223372036854775807"),
            (ButtonAction::AskResident(max), "a:9223372036854775807"),
            (ButtonAction::ListPage(u32::MAX), "l:4294967295"),
            (
                ButtonAction::WhistleDepartment(max, dept(DEPT32)),
                "w:9223372036854775807:abcdefghijklmnopqrstuvwxyz_-0129",
            ),
            (
                ButtonAction::WhistleDepartment(OrderId(7), dept("Road-Works_2")),
                "w:7:Road-Works_2",
            ),
            (
                ButtonAction::SetResolveDue {
                    order: max,
                    at_unix_minutes: i64::MAX,
                },
                "t:9223372036854775807:9223372036854775807",
            ),
        ];
        for (action, wire) in table {
            assert_eq!(action.encode(), wire, "{action:?}");
            assert_eq!(ButtonAction::parse(wire), Ok(action.clone()), "{wire}");
            assert!(wire.len() <= MAX_CALLBACK_DATA);
        }
    }

    #[test]
    fn todays_buttons_still_parse() {
        // As render.rs and the scheduler write them today.
        let id = 42;
        let d = "sanitation";
        for (wire, want) in [
            (format!("r:{id}"), ButtonAction::Report(OrderId(42))),
            (format!("d:{id}"), ButtonAction::Resolve(OrderId(42))),
            (format!("v:{id}"), ButtonAction::Verify(OrderId(42))),
            (format!("o:{id}"), ButtonAction::Reopen(OrderId(42))),
            (
                format!("w:{}:{}", id, d),
                ButtonAction::WhistleDepartment(OrderId(42), dept(d)),
            ),
        ] {
            assert_eq!(ButtonAction::parse(&wire), Ok(want));
        }
    }

    #[test]
    fn order_of_each_action() {
        assert_eq!(ButtonAction::ListPage(3).order(), None);
        assert_eq!(
            ButtonAction::WhistleDepartment(OrderId(5), dept("x")).order(),
            Some(OrderId(5))
        );
        assert_eq!(
            ButtonAction::SetResolveDue {
                order: OrderId(6),
                at_unix_minutes: 1
            }
            .order(),
            Some(OrderId(6))
        );
        assert_eq!(ButtonAction::Verify(OrderId(9)).order(), Some(OrderId(9)));
    }

    #[test]
    fn garbage_is_an_error() {
        use ButtonError as E;
        let long = format!("w:1:{}", "a".repeat(61));
        let table: Vec<(&str, ButtonError)> = vec![
            ("", E::Empty),
            (long.as_str(), E::TooLong(65)),
            ("r", E::Malformed("r".into())),
            ("r42", E::Malformed("r42".into())),
            ("r:", E::BadNumber("".into())),
            ("r:0", E::BadNumber("0".into())),
            ("r:-1", E::BadNumber("-1".into())),
            ("r:+1", E::BadNumber("+1".into())),
            ("r:042", E::BadNumber("042".into())),
            ("r: 42", E::BadNumber(" 42".into())),
            ("r:42 ", E::BadNumber("42 ".into())),
            ("r:４２", E::BadNumber("４２".into())),
            (
                "r:9223372036854775808",
                E::BadNumber("9223372036854775808".into()),
            ),
            (
                "r:99999999999999999999",
                E::BadNumber("99999999999999999999".into()),
            ),
            ("r:42:x", E::Malformed("r:42:x".into())),
            ("d:42:", E::Malformed("d:42:".into())),
            ("v:abc", E::BadNumber("abc".into())),
            ("o:1.5", E::BadNumber("1.5".into())),
            ("a:0x10", E::BadNumber("0x10".into())),
            ("l:0", E::BadNumber("0".into())),
            ("l:4294967296", E::BadNumber("4294967296".into())),
            ("l:1:2", E::Malformed("l:1:2".into())),
            ("w:42", E::Malformed("w:42".into())),
            ("w:42:", E::BadDepartment("".into())),
            ("w:0:dept", E::BadNumber("0".into())),
            ("w:42:dept:x", E::Malformed("w:42:dept:x".into())),
            ("w:42:dé", E::BadDepartment("dé".into())),
            ("w:42:a b", E::BadDepartment("a b".into())),
            ("w:42:!", E::BadDepartment("!".into())),
            (
                "w:1:abcdefghijklmnopqrstuvwxyz0123456",
                E::BadDepartment("abcdefghijklmnopqrstuvwxyz0123456".into()),
            ),
            ("t:42", E::Malformed("t:42".into())),
            ("t:42:0", E::BadNumber("0".into())),
            ("t:42:-5", E::BadNumber("-5".into())),
            ("t:0:5", E::BadNumber("0".into())),
            ("t:1:2:3", E::Malformed("t:1:2:3".into())),
            ("k:42", E::UnknownKind("k".into())),
            ("n:x", E::UnknownKind("n".into())),
            ("s:9:7", E::Malformed("s:9:7".into())),
            ("s:2", E::Malformed("s:2".into())),
            ("u:7:a b", E::Malformed("u:7:a b".into())),
            ("z:42:4", E::Malformed("z:42:4".into())),
            ("p:7:01", E::BadNumber("01".into())),
            ("R:42", E::UnknownKind("R".into())),
            ("rr:42", E::UnknownKind("rr".into())),
            (":42", E::UnknownKind("".into())),
            ("🙂:1", E::UnknownKind("🙂".into())),
            ("report:42", E::UnknownKind("report".into())),
        ];
        for (wire, want) in table {
            assert_eq!(ButtonAction::parse(wire), Err(want), "{wire:?}");
        }
    }

    #[test]
    fn encode_is_bounded_and_total() {
        let extremes = [i64::MIN, -1, 0, 1, i64::MAX];
        let depts = [
            String::new(),
            "x".into(),
            DEPT32.into(),
            "a".repeat(33),
            "a".repeat(1000),
            "路政".into(),
            "a:b".into(),
        ];
        for &o in &extremes {
            let o = OrderId(o);
            let mut all = vec![
                ButtonAction::Report(o),
                ButtonAction::Resolve(o),
                ButtonAction::Verify(o),
                ButtonAction::Reopen(o),
                ButtonAction::AskResident(o),
            ];
            all.extend(extremes.iter().map(|&m| ButtonAction::SetResolveDue {
                order: o,
                at_unix_minutes: m,
            }));
            all.extend(
                depts
                    .iter()
                    .map(|d| ButtonAction::WhistleDepartment(o, dept(d))),
            );
            for a in all {
                let s = a.encode();
                assert!(s.len() <= MAX_CALLBACK_DATA, "{a:?} → {s} ({})", s.len());
                // Whatever is encoded parses back to itself or is refused: never another action.
                match ButtonAction::parse(&s) {
                    Ok(b) => assert_eq!(a, b),
                    Err(_) => {
                        let valid_dept = match &a {
                            ButtonAction::WhistleDepartment(_, d) => {
                                is_button_department_id(d.as_str())
                            }
                            _ => true,
                        };
                        let valid_numbers = o.0 > 0
                            && !matches!(a, ButtonAction::SetResolveDue { at_unix_minutes, .. } if at_unix_minutes <= 0);
                        assert!(!(valid_dept && valid_numbers), "{a:?} → {s} refused");
                    }
                }
            }
        }
        for p in [0, 1, u32::MAX] {
            let s = ButtonAction::ListPage(p).encode();
            assert!(s.len() <= MAX_CALLBACK_DATA);
        }
        // A department that cannot travel never turns into another department.
        let s = ButtonAction::WhistleDepartment(OrderId(1), dept(&"a".repeat(40))).encode();
        assert_eq!(s, "w:1:!");
        assert!(ButtonAction::parse(&s).is_err());
    }

    /// splitmix64: a tiny deterministic generator, so the fuzz needs no crate and never flakes.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Characters button data is made of, plus near misses and multi-byte ones.
    const ALPHABET: &[char] = &[
        'r', 'd', 'v', 'o', 'w', 'a', 'l', 't', 'x', 'R', ':', ':', ':', '0', '1', '2', '4', '7',
        '9', '9', '-', '_', '+', ' ', '#', 'é', '中', '🙂', '\0', '\n', '４', '.',
    ];

    fn random_string(rng: &mut Rng) -> String {
        let len = rng.below(72);
        (0..len)
            .map(|_| ALPHABET[rng.below(ALPHABET.len())])
            .collect()
    }

    /// A valid encoding with one character inserted, deleted or replaced.
    fn mutated(rng: &mut Rng) -> String {
        let o = OrderId((rng.next() >> rng.below(64)) as i64);
        let base = match rng.below(8) {
            0 => ButtonAction::Report(o),
            1 => ButtonAction::Resolve(o),
            2 => ButtonAction::Verify(o),
            3 => ButtonAction::Reopen(o),
            4 => ButtonAction::AskResident(o),
            5 => ButtonAction::ListPage(rng.next() as u32),
            6 => ButtonAction::WhistleDepartment(o, dept(&DEPT32[..1 + rng.below(32)])),
            _ => ButtonAction::SetResolveDue {
                order: o,
                at_unix_minutes: (rng.next() >> 1) as i64,
            },
        };
        let mut chars: Vec<char> = base.encode().chars().collect();
        let at = rng.below(chars.len() + 1);
        let c = ALPHABET[rng.below(ALPHABET.len())];
        match rng.below(3) {
            0 => chars.insert(at, c),
            1 if at < chars.len() => {
                chars.remove(at);
            }
            _ if at < chars.len() => chars[at] = c,
            _ => chars.push(c),
        }
        chars.into_iter().collect()
    }

    #[test]
    fn fuzz_parse_never_panics_and_is_canonical() {
        let mut rng = Rng(0x0005_EED0_FB07_70E5);
        let mut accepted = 0;
        for i in 0..60_000 {
            let s = if i % 2 == 0 {
                random_string(&mut rng)
            } else {
                mutated(&mut rng)
            };
            if let Ok(a) = ButtonAction::parse(&s) {
                accepted += 1;
                assert_eq!(a.encode(), s, "parse({s:?}) = {a:?} is not canonical");
                assert!(s.len() <= MAX_CALLBACK_DATA);
            }
        }
        // The mutations keep plenty of inputs valid, so both branches are exercised.
        assert!(accepted > 1_000, "only {accepted} accepted");
    }
}
