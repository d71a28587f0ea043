//! The bot's commands. Each takes the rest of the line as its argument, so a stray word after a
//! command never turns it into "unknown command".
//!
//! Parsing is two steps. First [`parse_command`] folds the whole message with
//! [`fold_command_text`] (full-width digits and ＃, and the ideographic and other Unicode spaces,
//! become ASCII), teloxide's derive ([`Command::parse`]) finds the command in it and checks the
//! `@botname`, and the rest of the line is handed over as the person typed it. Second, [`Command::typed`] parses that string into a typed
//! argument ([`OrderArg`], [`AssignArg`], [`ListArg`], [`Lang`], …) or a usage error
//! ([`ArgError`], one per kind of mistake). I chose this `typed()` step over teloxide's
//! `#[command(parse_with = path)]`: a custom parser's failure fails the whole `parse` with
//! `ParseError::Custom`/`IncorrectFormat`, which a handler cannot tell apart from an unknown
//! command nor map to that command's own usage text, and the variant payloads stay `String`.

use teloxide::utils::command::BotCommands;

use crate::domain::{Lang, OrderId, ResidentNo};
use crate::i18n::ids;
use crate::tr;

/// Every command, as teloxide parses it: the name, and the rest of the line as a `String`
/// (the unit variants ignore anything after them). [`Command::typed`] parses the arguments.
#[derive(BotCommands, Debug, Clone, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Start(String),
    Help(String),
    Whistle(String),
    Ack(String),
    Done(String),
    Verify(String),
    Reopen(String),
    Cancel(String),
    Escalate(String),
    List(String),
    Show(String),
    Roster(String),
    Assign(String),
    Unassign(String),
    Bind(String),
    Lang(String),
    Report(String),
    My(String),
    Forget(String),
    Block(String),
    Unblock(String),
    Stats(String),
    Rank(String),
}

/// A command with its argument parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// `/start [payload]`: the deep-link payload, if it is one (1–64 of `[A-Za-z0-9_-]`).
    Start(Option<String>),
    Help,
    /// `/whistle <text>`: the text verbatim (the whistle parser reads it; it may be empty).
    Whistle(String),
    /// `/ack [N]`: an order number, or none (then the command replies to a card).
    Ack(OrderArg),
    /// `/done [N] [note]`: `rest` is the note, possibly empty.
    Done(OrderArg),
    /// `/verify [N]`.
    Verify(OrderArg),
    /// `/reopen [N] <reason>`: `rest` is never empty.
    Reopen(OrderArg),
    /// `/cancel [N] <reason>`: `rest` is never empty.
    Cancel(OrderArg),
    /// `/escalate [N] <reason>`: `rest` is never empty.
    Escalate(OrderArg),
    /// `/list [all] [page]`.
    List(ListArg),
    /// `/show [N]`.
    Show(OrderArg),
    Roster,
    /// `/assign <role> [@username]` (or a text mention, or replying to the person).
    Assign(AssignArg),
    /// `/unassign <role> [@username]`.
    Unassign(AssignArg),
    /// `/bind <unit, department or alliance id or name>`: trimmed, never empty.
    Bind(String),
    /// `/lang <code>`.
    Lang(Lang),
    /// `/report` (a private chat): a resident starts a report.
    Report,
    /// `/my` (a private chat): my reports, and for staff the orders I am summoned to.
    My,
    /// `/forget` (a private chat): remove my identity.
    Forget,
    /// `/block [N]` (a group): block the resident of order N (or the card replied to).
    Block(OrderArg),
    /// `/unblock <k>` (a group): lift the block of resident #k.
    Unblock(ResidentNo),
    /// `/stats [period]`: the period as typed, trimmed (empty: this month); `stats::Period`
    /// reads it against the clock and the organisation's time zone.
    Stats(String),
    /// `/rank [period]`.
    Rank(String),
}

/// A command's argument did not fit: the caller answers with the command's usage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgError {
    /// `/ack`, `/verify` or `/show` with words but no order number.
    #[error("/{command} needs an order number, not {got:?}")]
    NeedOrderNumber { command: &'static str, got: String },
    #[error("/reopen needs a reason")]
    ReopenNeedsReason,
    #[error("/cancel needs a reason")]
    CancelNeedsReason,
    #[error("/escalate needs a reason")]
    EscalateNeedsReason,
    /// `/list` with something other than `all` and a page number from 1.
    #[error("/list takes [all] [page], not {0:?}")]
    ListUsage(String),
    #[error("/bind needs a unit id or name")]
    BindUsage,
    /// `/lang` with no language or one `Lang::parse` does not know.
    #[error("/lang: no language {0:?}")]
    LangUsage(String),
    /// `/unblock` without a resident's number.
    #[error("/unblock needs a resident's number, not {0:?}")]
    UnblockUsage(String),
}

impl ArgError {
    /// The message explaining the command's usage, as the handlers answer today; `None` where
    /// there is no such message yet (`/list`).
    pub fn message_id(&self) -> Option<&'static str> {
        Some(match self {
            ArgError::NeedOrderNumber { .. } => ids::NEED_ORDER_NUMBER,
            ArgError::ReopenNeedsReason => ids::REOPEN_USAGE,
            ArgError::CancelNeedsReason => ids::CANCEL_USAGE,
            ArgError::EscalateNeedsReason => ids::ESCALATE_USAGE,
            ArgError::BindUsage => ids::BIND_USAGE,
            ArgError::LangUsage(_) => ids::LANG_USAGE,
            ArgError::UnblockUsage(_) => ids::RES_BLOCK_USAGE,
            ArgError::ListUsage(_) => return None,
        })
    }
}

/// An order number as typed: `42`, `#42`, `＃４２`, `#42,`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderNumber {
    /// A number from 1 to `i64::MAX`.
    Valid(OrderId),
    /// Digits that are no order number (`0`, `000`, `99999999999999999999`), as typed but
    /// without the `#` and with full-width digits folded to ASCII, for "没有 #N".
    Invalid(String),
}

impl OrderNumber {
    /// Reads one word as an order number: optional leading `#`s, ASCII or full-width digits,
    /// optional trailing punctuation (`,` `.` `:` `;` `!` `?` and their full-width forms, `、`).
    /// `None` if the word is not a number at all (`abc`, `-5`, `3.5吨`, `#`).
    pub fn parse_word(word: &str) -> Option<OrderNumber> {
        let folded = fold_command_text(word);
        let digits = folded
            .trim_start_matches('#')
            .trim_end_matches(is_trailing_punctuation);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(match digits.parse::<i64>() {
            Ok(n) if n > 0 => OrderNumber::Valid(OrderId(n)),
            _ => OrderNumber::Invalid(digits.to_string()),
        })
    }
}

fn is_trailing_punctuation(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | ':' | ';' | '!' | '?' | '，' | '。' | '：' | '；' | '！' | '？' | '、'
    )
}

/// `[N] [rest]`: an order number as the first word, if it is one, and the rest of the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderArg {
    /// `None`: no number was given, so the command means the card it replies to.
    pub order: Option<OrderNumber>,
    /// The rest of the line, trimmed (a note or a reason); the whole argument when the first
    /// word is not a number.
    pub rest: String,
}

impl OrderArg {
    /// `"42 rest"`, `"#42 rest"` → (42, `"rest"`); `"rest"` → (none, `"rest"`).
    pub fn parse(arg: &str) -> OrderArg {
        let a = arg.trim();
        let first = a.split_whitespace().next().unwrap_or("");
        match OrderNumber::parse_word(first) {
            Some(n) => OrderArg {
                order: Some(n),
                rest: a[first.len()..].trim().to_string(),
            },
            None => OrderArg {
                order: None,
                rest: a.to_string(),
            },
        }
    }

    /// The note or reason, if there is one.
    pub fn note(&self) -> Option<&str> {
        (!self.rest.is_empty()).then_some(self.rest.as_str())
    }

    /// For /ack, /verify and /show: words but no number is a usage error. (Words after a
    /// number are ignored, as today.)
    fn bare(self, command: &'static str) -> Result<OrderArg, ArgError> {
        if self.order.is_none() && !self.rest.is_empty() {
            return Err(ArgError::NeedOrderNumber {
                command,
                got: self.rest,
            });
        }
        Ok(self)
    }

    /// For /reopen, /cancel and /escalate: the reason must be there.
    fn with_reason(self, missing: ArgError) -> Result<OrderArg, ArgError> {
        if self.rest.is_empty() {
            return Err(missing);
        }
        Ok(self)
    }
}

/// `/assign <role> [@username]`: the role is the words that are not `@…`, the username the
/// first `@word` (without its `@`s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignArg {
    /// The words that do not start with `@`, joined by one space; may be empty (the caller
    /// answers with the usage).
    pub role: String,
    pub username: Option<String>,
}

impl AssignArg {
    pub fn parse(arg: &str) -> AssignArg {
        let words: Vec<&str> = arg.split_whitespace().collect();
        let username = words
            .iter()
            .find(|w| w.starts_with('@') && w.len() > 1)
            .map(|w| w.trim_start_matches('@').to_string());
        let role = words
            .iter()
            .filter(|w| !w.starts_with('@'))
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        AssignArg { role, username }
    }

    /// The role without a text mention's visible name (a text mention is not an `@word`, so its
    /// name is still among the role's words): the first occurrence removed, trimmed.
    pub fn role_without(&self, mention_text: &str) -> String {
        self.role.replacen(mention_text, "", 1).trim().to_string()
    }
}

/// `/list [all] [page]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListArg {
    /// Every order visible here, not only the live ones.
    pub all: bool,
    /// From 1.
    pub page: u32,
}

impl Default for ListArg {
    fn default() -> ListArg {
        ListArg {
            all: false,
            page: 1,
        }
    }
}

impl ListArg {
    /// `""`, `"2"`, `"all"`, `"all 3"` (either order; `all` in any case). Anything else, a
    /// second page or a page of 0 is a usage error.
    pub fn parse(arg: &str) -> Result<ListArg, ArgError> {
        let usage = || ArgError::ListUsage(arg.trim().to_string());
        let mut out = ListArg::default();
        let (mut seen_all, mut seen_page) = (false, false);
        for word in arg.split_whitespace() {
            if word.eq_ignore_ascii_case("all") && !seen_all {
                seen_all = true;
                out.all = true;
                continue;
            }
            let folded = fold_command_text(word);
            let page = (!seen_page && folded.bytes().all(|b| b.is_ascii_digit()))
                .then(|| folded.parse::<u32>().ok())
                .flatten()
                .filter(|&p| p > 0)
                .ok_or_else(usage)?;
            seen_page = true;
            out.page = page;
        }
        Ok(out)
    }
}

/// A Telegram deep-link payload (`t.me/bot?start=PAYLOAD`): 1–64 of `[A-Za-z0-9_-]`.
pub fn start_payload(arg: &str) -> Option<String> {
    let p = arg.trim();
    let ok = (1..=64).contains(&p.len())
        && p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    ok.then(|| p.to_string())
}

/// Folds what phones and Chinese input methods type into what the parsers read: full-width
/// digits → ASCII, `＃` → `#`, and U+3000 (ideographic space), U+00A0, U+2000–U+200A, U+202F,
/// U+205F → an ASCII space; one character for one character ([`crate::domain::text::fold_for_parse`],
/// the same folding the whistle parser uses). [`parse_command`] applies it to the whole message
/// before [`Command::parse`], which splits the command from its argument only at an ASCII space.
pub fn fold_command_text(text: &str) -> String {
    crate::domain::text::fold_for_parse(text)
}

/// A message as a command: the command found in the folded message (so that `/show　42`, with
/// the ideographic space a Chinese input method types, is `/show`), with its argument as the
/// person typed it (a `/whistle` text or a `/done` note keeps its full-width characters; the
/// argument parsers fold what they read themselves).
pub fn parse_command(
    text: &str,
    bot_username: &str,
) -> Result<Command, teloxide::utils::command::ParseError> {
    let folded = fold_command_text(text);
    let mut cmd = Command::parse(&folded, bot_username)?;
    // Folding is one char for one char and the argument is a suffix of the folded text, so
    // the argument as typed is the suffix of the same number of chars.
    let arg = cmd.arg_mut();
    let n = arg.chars().count();
    let total = text.chars().count();
    let start = text
        .char_indices()
        .nth(total - n)
        .map_or(text.len(), |(i, _)| i);
    *arg = text[start..].to_string();
    Ok(cmd)
}

impl Command {
    /// The rest of the line after the command.
    fn arg_mut(&mut self) -> &mut String {
        match self {
            Command::Start(a)
            | Command::Help(a)
            | Command::Whistle(a)
            | Command::Ack(a)
            | Command::Done(a)
            | Command::Verify(a)
            | Command::Reopen(a)
            | Command::Cancel(a)
            | Command::Escalate(a)
            | Command::List(a)
            | Command::Show(a)
            | Command::Roster(a)
            | Command::Assign(a)
            | Command::Unassign(a)
            | Command::Bind(a)
            | Command::Lang(a)
            | Command::Report(a)
            | Command::My(a)
            | Command::Forget(a)
            | Command::Block(a)
            | Command::Unblock(a)
            | Command::Stats(a)
            | Command::Rank(a) => a,
        }
    }

    /// Parses the argument into its type, or says which usage was broken.
    pub fn typed(self) -> Result<Typed, ArgError> {
        Ok(match self {
            Command::Start(a) => Typed::Start(start_payload(&a)),
            Command::Help(_) => Typed::Help,
            Command::Whistle(a) => Typed::Whistle(a),
            Command::Ack(a) => Typed::Ack(OrderArg::parse(&a).bare("ack")?),
            Command::Done(a) => Typed::Done(OrderArg::parse(&a)),
            Command::Verify(a) => Typed::Verify(OrderArg::parse(&a).bare("verify")?),
            Command::Reopen(a) => {
                Typed::Reopen(OrderArg::parse(&a).with_reason(ArgError::ReopenNeedsReason)?)
            }
            Command::Cancel(a) => {
                Typed::Cancel(OrderArg::parse(&a).with_reason(ArgError::CancelNeedsReason)?)
            }
            Command::Escalate(a) => {
                Typed::Escalate(OrderArg::parse(&a).with_reason(ArgError::EscalateNeedsReason)?)
            }
            Command::List(a) => Typed::List(ListArg::parse(&a)?),
            Command::Show(a) => Typed::Show(OrderArg::parse(&a).bare("show")?),
            Command::Roster(_) => Typed::Roster,
            Command::Assign(a) => Typed::Assign(AssignArg::parse(&a)),
            Command::Unassign(a) => Typed::Unassign(AssignArg::parse(&a)),
            Command::Bind(a) => match a.trim() {
                "" => return Err(ArgError::BindUsage),
                key => Typed::Bind(key.to_string()),
            },
            Command::Lang(a) => Typed::Lang(
                Lang::parse(&a).ok_or_else(|| ArgError::LangUsage(a.trim().to_string()))?,
            ),
            Command::Report(_) => Typed::Report,
            Command::My(_) => Typed::My,
            Command::Forget(_) => Typed::Forget,
            Command::Block(a) => Typed::Block(OrderArg::parse(&a).bare("block")?),
            Command::Unblock(a) => Typed::Unblock(resident_number(&a)?),
            Command::Stats(a) => Typed::Stats(fold_command_text(&a).trim().to_string()),
            Command::Rank(a) => Typed::Rank(fold_command_text(&a).trim().to_string()),
        })
    }
}

/// A resident's number as typed after `/unblock`: `7`, `#7`, `居民 #7`, `Resident #7`,
/// `居民7`.
fn resident_number(arg: &str) -> Result<ResidentNo, ArgError> {
    let folded = fold_command_text(arg);
    let digits: String = folded
        .trim()
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let rest_ok = folded
        .trim()
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim()
        .is_empty();
    match digits.parse::<i64>() {
        Ok(n) if n > 0 && rest_ok => Ok(ResidentNo(n)),
        _ => Err(ArgError::UnblockUsage(arg.trim().to_string())),
    }
}

/// The command menu for a language: (command, description).
pub fn menu(lang: Lang, group: bool) -> Vec<(&'static str, String)> {
    let mut items = vec![("help", tr!(lang, ids::MENU_HELP))];
    if group {
        items.extend([
            ("whistle", tr!(lang, ids::MENU_WHISTLE)),
            ("ack", tr!(lang, ids::MENU_ACK)),
            ("done", tr!(lang, ids::MENU_DONE)),
            ("verify", tr!(lang, ids::MENU_VERIFY)),
            ("reopen", tr!(lang, ids::MENU_REOPEN)),
            ("cancel", tr!(lang, ids::MENU_CANCEL)),
            ("escalate", tr!(lang, ids::MENU_ESCALATE)),
            ("list", tr!(lang, ids::MENU_LIST)),
            ("show", tr!(lang, ids::MENU_SHOW)),
            ("roster", tr!(lang, ids::MENU_ROSTER)),
            ("assign", tr!(lang, ids::MENU_ASSIGN)),
            ("unassign", tr!(lang, ids::MENU_UNASSIGN)),
            ("bind", tr!(lang, ids::MENU_BIND)),
            ("stats", tr!(lang, ids::MENU_STATS)),
        ]);
    }
    items.push(("lang", tr!(lang, ids::MENU_LANG)));
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use teloxide::utils::command::ParseError;

    const BOT: &str = "gridwhistle_bot";

    /// Folds, parses and types a message as the handler will.
    fn typed(text: &str) -> Result<Typed, ArgError> {
        let cmd =
            parse_command(text, BOT).unwrap_or_else(|e| panic!("{text:?} does not parse: {e}"));
        cmd.typed()
    }

    fn valid(n: i64) -> Option<OrderNumber> {
        Some(OrderNumber::Valid(OrderId(n)))
    }

    fn invalid(s: &str) -> Option<OrderNumber> {
        Some(OrderNumber::Invalid(s.to_string()))
    }

    fn oa(order: Option<OrderNumber>, rest: &str) -> OrderArg {
        OrderArg {
            order,
            rest: rest.to_string(),
        }
    }

    fn aa(role: &str, username: Option<&str>) -> AssignArg {
        AssignArg {
            role: role.to_string(),
            username: username.map(str::to_string),
        }
    }

    #[test]
    fn commands_and_their_arguments() {
        use Typed as T;
        let table: Vec<(&str, Result<Typed, ArgError>)> = vec![
            ("/done #42 清理完毕", Ok(T::Done(oa(valid(42), "清理完毕")))),
            ("/done 清理完毕", Ok(T::Done(oa(None, "清理完毕")))),
            ("/done", Ok(T::Done(oa(None, "")))),
            ("/done 42", Ok(T::Done(oa(valid(42), "")))),
            (
                "/done 3.5吨垃圾已清运",
                Ok(T::Done(oa(None, "3.5吨垃圾已清运"))),
            ),
            ("/done #42, 已清理", Ok(T::Done(oa(valid(42), "已清理")))),
            ("/done ＃４２　已清理", Ok(T::Done(oa(valid(42), "已清理")))),
            (
                "/done 42 第一行\n第二行",
                Ok(T::Done(oa(valid(42), "第一行\n第二行"))),
            ),
            ("/reopen 42", Err(ArgError::ReopenNeedsReason)),
            ("/reopen", Err(ArgError::ReopenNeedsReason)),
            ("/reopen 0", Err(ArgError::ReopenNeedsReason)),
            (
                "/reopen 42 还没清理",
                Ok(T::Reopen(oa(valid(42), "还没清理"))),
            ),
            ("/reopen 还没清理", Ok(T::Reopen(oa(None, "还没清理")))),
            ("/cancel #7 重复", Ok(T::Cancel(oa(valid(7), "重复")))),
            ("/cancel #7", Err(ArgError::CancelNeedsReason)),
            ("/cancel 0 重复", Ok(T::Cancel(oa(invalid("0"), "重复")))),
            ("/escalate 7", Err(ArgError::EscalateNeedsReason)),
            (
                "/escalate 7 三天没人管",
                Ok(T::Escalate(oa(valid(7), "三天没人管"))),
            ),
            ("/show ４２", Ok(T::Show(oa(valid(42), "")))),
            ("/show\u{3000}42", Ok(T::Show(oa(valid(42), "")))),
            ("/show\u{00A0}#42", Ok(T::Show(oa(valid(42), "")))),
            ("/show 42", Ok(T::Show(oa(valid(42), "")))),
            ("/show #42", Ok(T::Show(oa(valid(42), "")))),
            ("/show ##42", Ok(T::Show(oa(valid(42), "")))),
            ("/show #42。", Ok(T::Show(oa(valid(42), "")))),
            ("/show 042", Ok(T::Show(oa(valid(42), "")))),
            ("/show", Ok(T::Show(oa(None, "")))),
            // Words after the number are ignored, as order_arg does today.
            ("/show 42 please", Ok(T::Show(oa(valid(42), "please")))),
            (
                "/show abc",
                Err(ArgError::NeedOrderNumber {
                    command: "show",
                    got: "abc".into(),
                }),
            ),
            (
                "/show -5",
                Err(ArgError::NeedOrderNumber {
                    command: "show",
                    got: "-5".into(),
                }),
            ),
            (
                "/show 99999999999999999999",
                Ok(T::Show(oa(invalid("99999999999999999999"), ""))),
            ),
            (
                "/show #99999999999999999999",
                Ok(T::Show(oa(invalid("99999999999999999999"), ""))),
            ),
            (
                "/show 9223372036854775808",
                Ok(T::Show(oa(invalid("9223372036854775808"), ""))),
            ),
            (
                "/show 9223372036854775807",
                Ok(T::Show(oa(valid(i64::MAX), ""))),
            ),
            ("/show 0", Ok(T::Show(oa(invalid("0"), "")))),
            ("/show #000", Ok(T::Show(oa(invalid("000"), "")))),
            ("/ack", Ok(T::Ack(oa(None, "")))),
            ("/ack #5", Ok(T::Ack(oa(valid(5), "")))),
            (
                "/ack 收到",
                Err(ArgError::NeedOrderNumber {
                    command: "ack",
                    got: "收到".into(),
                }),
            ),
            ("/verify 5", Ok(T::Verify(oa(valid(5), "")))),
            (
                "/verify 好",
                Err(ArgError::NeedOrderNumber {
                    command: "verify",
                    got: "好".into(),
                }),
            ),
            (
                "/assign 环卫 @wang",
                Ok(T::Assign(aa("环卫", Some("wang")))),
            ),
            (
                "/assign @wang grid leader",
                Ok(T::Assign(aa("grid leader", Some("wang")))),
            ),
            ("/assign 网格员", Ok(T::Assign(aa("网格员", None)))),
            ("/assign", Ok(T::Assign(aa("", None)))),
            ("/assign @ 网格员", Ok(T::Assign(aa("网格员", None)))),
            (
                "/assign @@wang 网格员 @li",
                Ok(T::Assign(aa("网格员", Some("wang")))),
            ),
            (
                "/unassign 环卫 @wang",
                Ok(T::Unassign(aa("环卫", Some("wang")))),
            ),
            ("/list", Ok(T::List(ListArg::default()))),
            (
                "/list 2",
                Ok(T::List(ListArg {
                    all: false,
                    page: 2,
                })),
            ),
            ("/list all", Ok(T::List(ListArg { all: true, page: 1 }))),
            ("/list all 2", Ok(T::List(ListArg { all: true, page: 2 }))),
            ("/list ALL ３", Ok(T::List(ListArg { all: true, page: 3 }))),
            ("/list 0", Err(ArgError::ListUsage("0".into()))),
            ("/list foo", Err(ArgError::ListUsage("foo".into()))),
            ("/list 2 3", Err(ArgError::ListUsage("2 3".into()))),
            ("/list all all", Err(ArgError::ListUsage("all all".into()))),
            ("/list -1", Err(ArgError::ListUsage("-1".into()))),
            (
                "/list 4294967296",
                Err(ArgError::ListUsage("4294967296".into())),
            ),
            ("/bind grid-3", Ok(T::Bind("grid-3".into()))),
            ("/bind  第三网格 ", Ok(T::Bind("第三网格".into()))),
            ("/bind", Err(ArgError::BindUsage)),
            ("/lang en", Ok(T::Lang(Lang::En))),
            ("/lang 繁體", Ok(T::Lang(Lang::ZhHant))),
            ("/lang", Err(ArgError::LangUsage(String::new()))),
            ("/lang klingon", Err(ArgError::LangUsage("klingon".into()))),
            ("/start", Ok(T::Start(None))),
            ("/report", Ok(T::Report)),
            ("/my", Ok(T::My)),
            ("/forget", Ok(T::Forget)),
            ("/unblock 7", Ok(T::Unblock(ResidentNo(7)))),
            ("/unblock 居民 #7", Ok(T::Unblock(ResidentNo(7)))),
            ("/unblock Resident #７", Ok(T::Unblock(ResidentNo(7)))),
            ("/unblock", Err(ArgError::UnblockUsage(String::new()))),
            ("/unblock 0", Err(ArgError::UnblockUsage("0".into()))),
            ("/unblock 7 8", Err(ArgError::UnblockUsage("7 8".into()))),
            ("/start order-42_x", Ok(T::Start(Some("order-42_x".into())))),
            ("/start 不是", Ok(T::Start(None))),
            ("/start a b", Ok(T::Start(None))),
            ("/help me", Ok(T::Help)),
            ("/roster now", Ok(T::Roster)),
            ("/stats", Ok(T::Stats(String::new()))),
            ("/stats 上月", Ok(T::Stats("上月".into()))),
            ("/stats　２０２６-１１ ", Ok(T::Stats("2026-11".into()))),
            ("/rank week", Ok(T::Rank("week".into()))),
            (
                "/whistle 3号楼 楼道堵塞 @环卫",
                Ok(T::Whistle("3号楼 楼道堵塞 @环卫".into())),
            ),
            ("/whistle", Ok(T::Whistle(String::new()))),
            // The command is found in the folded text; its argument stays as typed.
            (
                "/whistle　２号楼　漏水",
                Ok(T::Whistle("２号楼　漏水".into())),
            ),
            ("/show　42", Ok(T::Show(oa(valid(42), "")))),
            (
                "/show 9223372036854775807",
                Ok(T::Show(oa(valid(i64::MAX), ""))),
            ),
            ("/show@GridWhistle_Bot 42", Ok(T::Show(oa(valid(42), "")))),
        ];
        for (text, want) in table {
            assert_eq!(typed(text), want, "{text:?}");
        }
    }

    #[test]
    fn another_bots_command_is_wrong_bot_name() {
        for text in [
            "/show@otherbot 42",
            "/report@otherbot",
            "/list@otherbot all",
        ] {
            let got = parse_command(text, BOT);
            assert!(
                matches!(&got, Err(ParseError::WrongBotName(n)) if n == "otherbot"),
                "{text:?} → {got:?}"
            );
            let legacy = Command::parse(text, BOT);
            assert!(matches!(legacy, Err(ParseError::WrongBotName(_))));
        }
    }

    #[test]
    fn not_commands() {
        for text in ["/nosuch 42", "show 42", "/Show 42", "吹哨 3号楼"] {
            assert!(
                matches!(
                    Command::parse(text, BOT),
                    Err(ParseError::UnknownCommand(_))
                ),
                "{text:?}"
            );
        }
        // Without folding, an ideographic space glues the argument to the command.
        assert!(Command::parse("/show\u{3000}42", BOT).is_err());
    }

    #[test]
    fn folding() {
        let table = [
            ("/show　42", "/show 42"),
            ("＃０１２３４５６７８９", "#0123456789"),
            (
                "a\u{00A0}b\u{2000}c\u{2005}d\u{200A}e\u{202F}f\u{205F}g",
                "a b c d e f g",
            ),
            // Left alone: other full-width forms, zero-width space, newlines, letters.
            (
                "／ｓｈｏｗ，\u{200B}\n中文 ok",
                "／ｓｈｏｗ，\u{200B}\n中文 ok",
            ),
            ("", ""),
        ];
        for (raw, want) in table {
            assert_eq!(fold_command_text(raw), want, "{raw:?}");
        }
        for c in ['\u{2001}', '\u{2006}', '\u{2009}'] {
            assert_eq!(fold_command_text(&c.to_string()), " ");
        }
    }

    #[test]
    fn order_words() {
        let table: Vec<(&str, Option<OrderNumber>)> = vec![
            ("42", valid(42)),
            ("#42", valid(42)),
            ("＃４２", valid(42)),
            ("#42,", valid(42)),
            ("42，", valid(42)),
            ("#42：", valid(42)),
            ("42!?", valid(42)),
            ("#0", invalid("0")),
            ("99999999999999999999", invalid("99999999999999999999")),
            ("#", None),
            ("", None),
            (",", None),
            ("abc", None),
            ("-5", None),
            ("+5", None),
            ("4 2", None),
            ("42号", None),
            ("3.5", None),
            ("#42#", None),
            ("٤٢", None), // Arabic-Indic digits are not order numbers
        ];
        for (word, want) in table {
            assert_eq!(OrderNumber::parse_word(word), want, "{word:?}");
        }
    }

    #[test]
    fn order_arg_notes() {
        assert_eq!(OrderArg::parse("42 ok").note(), Some("ok"));
        assert_eq!(OrderArg::parse(" 42 ").note(), None);
        assert_eq!(OrderArg::parse("").note(), None);
    }

    #[test]
    fn role_without_a_text_mention() {
        let table = [
            ("环卫 王小明", "王小明", "环卫"),
            ("王小明 网格员", "王小明", "网格员"),
            ("网格员", "王小明", "网格员"),
            ("王 王 网格员", "王", "王 网格员"),
            ("网格员", "", "网格员"),
        ];
        for (arg, mention, want) in table {
            assert_eq!(AssignArg::parse(arg).role_without(mention), want, "{arg:?}");
        }
    }

    #[test]
    fn start_payloads() {
        let long = "a".repeat(64);
        let too_long = "a".repeat(65);
        let table = [
            ("", None),
            ("   ", None),
            ("abc", Some("abc")),
            (" A-b_9 ", Some("A-b_9")),
            (long.as_str(), Some(long.as_str())),
            (too_long.as_str(), None),
            ("a.b", None),
            ("a=b", None),
            ("中文", None),
        ];
        for (arg, want) in table {
            assert_eq!(start_payload(arg).as_deref(), want, "{arg:?}");
        }
    }

    #[test]
    fn usage_messages() {
        assert_eq!(
            ArgError::ReopenNeedsReason.message_id(),
            Some(ids::REOPEN_USAGE)
        );
        assert_eq!(
            ArgError::NeedOrderNumber {
                command: "show",
                got: "x".into()
            }
            .message_id(),
            Some(ids::NEED_ORDER_NUMBER)
        );
        assert_eq!(
            ArgError::CancelNeedsReason.message_id(),
            Some(ids::CANCEL_USAGE)
        );
        assert_eq!(
            ArgError::EscalateNeedsReason.message_id(),
            Some(ids::ESCALATE_USAGE)
        );
        assert_eq!(ArgError::BindUsage.message_id(), Some(ids::BIND_USAGE));
        assert_eq!(
            ArgError::LangUsage("x".into()).message_id(),
            Some(ids::LANG_USAGE)
        );
        assert_eq!(ArgError::ListUsage("x".into()).message_id(), None);
    }

    #[test]
    fn every_menu_command_parses() {
        for group in [false, true] {
            for lang in Lang::ALL {
                let items = menu(lang, group);
                for (name, description) in &items {
                    assert!(!description.is_empty());
                    let cmd = Command::parse(&format!("/{name}"), BOT);
                    assert!(cmd.is_ok(), "/{name}");
                }
            }
        }
    }
}
