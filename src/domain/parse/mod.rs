//! Turning the text of a whistle message into a draft whistle order (哨令): who is summoned
//! (roles by name, departments by name or handle, or roles guessed from keywords), which grid,
//! whether it is urgent, when it is due and where it is. Users type in Simplified Chinese,
//! Traditional Chinese and English on a phone, so matching folds Traditional to Simplified,
//! full-width to half-width and ASCII to lower case first. The module is pure: no I/O and no
//! clock (callers pass `now`), so every rule below is checked by the table test at the end.
//!
//! Rules that are judgement calls:
//! - **Names.** Role names (full names in three languages, aliases, ids), and department names and
//!   handles when `match_departments`, are found by leftmost-longest matching: the longest name
//!   starting at a position wins and consumes its characters ("纪律监督员" is one discipline
//!   supervisor, not also a grid supervisor). On a tie of length a department beats a role, so a
//!   department handle "城管" routes to the department in a sub-district chat. English names
//!   match case-insensitively on ASCII word boundaries, with an optional plural "s"/"es":
//!   "cops" names the police, "policeman" and "copy" name nobody. Grid names are matched in a
//!   separate pass, so "一网格长" is grid 1 *and* its grid leader.
//! - **Urgency.** 急 anywhere (紧急, 加急, 着急, 急需…) except in 应急 (emergency *management*),
//!   急救/急诊 (service names), 急性, 急弯/急转; 尽快, 立即, 立刻, 马上, 火速; English "urgent",
//!   "urgently", "asap", "immediately", "emergency" (not "emergency management"); a negation
//!   just before (不急, 非紧急, 别着急, "not urgent") cancels it. Exclamation marks count only when
//!   the message *starts* with one ("! 井盖丢了") or has two in a row ("!!", "！！", "‼"), so an
//!   excited sentence ending in one "!" is not urgent. 🚨 is urgent.
//! - **Due.** The earliest time expression in the text wins. A clock time or part of day
//!   without a day ("18点前", "下班前", "by 6pm") that has already passed today means tomorrow;
//!   with an explicit day ("今天18点前", "今晚") it is kept even if past, so the caller can
//!   see the order is already overdue. Ends of parts of day: 早上 09:00, 上午 12:00,
//!   中午 14:00, 下午/下班 18:00, 晚上/今晚/tonight 22:00; a bare "明天"/"tomorrow" is 18:00
//!   (end of the working day); "今天内" is 23:59. "今天" or "今天上午" alone is not a due time
//!   (people use it to tell what happened: "今天早上发现…"), "今天下午前" is.
//!   English clock times need "by"/"before"/"until" or a day word and am/pm or minutes
//!   ("by 6pm", "tomorrow 9am", "by 18:00"); a bare "at 6pm" is not taken as a deadline.
//!   "N小时内" and "N小时后" both mean now + N hours, like "within"/"in N hours".
//! - **Location.** After 地点/地址/位置 followed by a colon, "在" or a space; after English
//!   "location"/"address"/"place"/"loc"/"where"/"at" only when followed by a colon; after 📍.
//!   It runs to the next sentence punctuation, an urgency word, a due time or an @/# mention;
//!   a location written in Chinese also ends at a space followed by a Chinese character
//!   ("地点：圆西路12号 紧急") because phone users separate fields with spaces.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use regex::{Captures, Regex};

use super::role::{RoleCatalog, RoleId, GRID_LEADER};

/// A district department that a sub-district can whistle, with the words that route to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentRef {
    pub id: String,
    /// Full and short names in any language ("华山城管中队", "城管中队", "urban management squad").
    pub names: Vec<String>,
    /// Subject words that summon this department ("占道", "油烟", "water").
    pub handles: Vec<String>,
}

/// A grid of the community whose chat the message was written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRef {
    pub id: String,
    pub names: Vec<String>,
}

/// Words that suggest which standing role should handle a problem when nobody is named.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeywordRule {
    pub words: Vec<String>,
    pub role: RoleId,
}

fn rule(role: &str, words: &str) -> KeywordRule {
    KeywordRule {
        words: words.split('|').map(str::to_string).collect(),
        role: RoleId::new(role),
    }
}

/// The built-in keyword table. Traditional forms are listed for the reader; matching folds
/// them to Simplified anyway. English words also match with -s/-es/-ed/-ing endings.
pub fn default_keywords() -> Vec<KeywordRule> {
    vec![
        rule(
            "sanitation",
            concat!(
                "垃圾|垃圾桶|堆积|堆積|清扫|清掃|清运|清運|脏乱|髒亂|异味|異味|落叶|落葉|粪便|",
                "糞便|rubbish|garbage|trash|litter|bin|dump|dirty",
            ),
        ),
        rule(
            "urban_enforcement",
            concat!(
                "占道|佔道|摆摊|擺攤|流动摊贩|流動攤販|摊贩|攤販|违建|違建|违章搭建|違章搭建|",
                "乱停|亂停|违停|違停|乱搭|亂搭|小广告|小廣告|店外经营|店外經營|vendor|hawker|",
                "stall|illegal construction|illegal parking|illegally parked",
            ),
        ),
        rule(
            "community_police",
            concat!(
                "打架|斗殴|鬥毆|治安|盗窃|盜竊|小偷|被偷|纠纷|糾紛|吵架|诈骗|詐騙|可疑|醉酒|",
                "闹事|鬧事|噪音|噪声|噪聲|扰民|擾民|fight|brawl|theft|thief|stolen|dispute|",
                "suspicious|scam|drunk|noise|noisy",
            ),
        ),
        rule(
            "grid_supervisor",
            concat!(
                "路灯|路燈|井盖|井蓋|窨井|下水道|积水|積水|漏水|坑洼|坑窪|护栏|護欄|破损|破損|",
                "飞线|飛線|消防通道|streetlight|street light|manhole|pothole|leak|flooding|",
                "flooded|broken|fire exit",
            ),
        ),
        rule(
            "community_specialist",
            concat!(
                "独居老人|獨居老人|低保|救助|残疾|殘疾|困难群众|困難群眾|养老|養老|elderly|",
                "welfare|disabled|subsidy",
            ),
        ),
        rule(
            "discipline_supervisor",
            "作风|作風|违纪|違紀|吃拿卡要|不作为|不作為|misconduct|bribe|corruption",
        ),
    ]
}

/// What the parser needs to know about the chat the message was written in.
pub struct ParseContext<'a> {
    pub roles: &'a RoleCatalog,
    pub departments: &'a [DepartmentRef],
    /// True only in sub-district and district chats, where departments are whistled.
    pub match_departments: bool,
    /// Non-empty only in a community chat.
    pub grids: &'a [GridRef],
    pub keywords: &'a [KeywordRule],
    pub tz: chrono_tz::Tz,
    pub now: DateTime<Utc>,
}

/// Where the draft's roles came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleSource {
    /// The message names them.
    Named,
    /// Guessed from the keyword table.
    Keyword,
    /// Nothing matched: the grid leader.
    Default,
    /// Departments were summoned and no role was named.
    None,
}

/// A whistle order as read from a message, before anyone confirms it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// A leading "#42" names an existing order: the whistle adds parties to it.
    pub order_ref: Option<i64>,
    /// Deduplicated, in order of first appearance.
    pub roles: Vec<RoleId>,
    pub role_source: RoleSource,
    /// Department ids, deduplicated, in order of first appearance.
    pub departments: Vec<String>,
    /// The grid id named, in a community chat.
    pub grid: Option<String>,
    pub urgent: bool,
    pub due: Option<DateTime<Utc>>,
    /// As the user wrote it (not folded).
    pub location: Option<String>,
    /// The message minus the trigger word and the #N, trimmed, otherwise as written.
    pub text: String,
}

// ---------------------------------------------------------------------------------------------
// Folding

/// Traditional → Simplified pairs for the characters of role names, keywords, time, place,
/// urgency, department and acknowledgement words. A full converter (zhconv, fast2s) would bring
/// a large table for a few hundred characters we care about; characters whose Traditional form
/// is also a different Simplified word (乾, 著, 隻, 髮, 臺) are left out on purpose.
const T2S: &str =
    "網网監监員员執执區区專专幹干環环衛卫衞卫潔洁機机關关聯联絡络紀纪檢检長长門门職职\
積积掃扫佔占擺摆攤摊販贩動动違违亂乱貼贴廣广鬥斗毆殴盜盗竊窃糾纠紛纷詐诈騙骗鬧闹聲声擾扰響响\
燈灯蓋盖溝沟損损壞坏護护欄栏窪洼獨独殘残難难養养業业證证風风敗败貪贪險险隱隐飛飞線线電电車车\
災灾髒脏運运異异葉叶糞粪屍尸體体樹树無无經经營营發发現现處处裡里裏里時时點点個个兩两內内鐘钟\
頭头後后週周禮礼為为號号這这麼么緊紧應应診诊彎弯轉转別别須须馬马華华隊队場场務务態态協协會会\
園园綠绿鎮镇辦办勞劳醫医療疗資资規规劃划設设標标計计學学輸输報报確确認认來来請请儘尽盡尽說说\
話话謝谢還还們们對对問问題题該该據据總总數数鄰邻圓圆東东樓楼棟栋單单廁厕雜杂遲迟夠够滿满淨净\
氣气煙烟壓压條条罰罚圍围擋挡礙碍裝装築筑換换撿捡嗎吗沒没讓让給给從从過过進进幫帮邊边級级層层\
準准備备輛辆遺遗棄弃側侧於于與与搶抢眾众爭争觀观達达嚴严錯错鎖锁庫库橋桥燒烧黃黄紅红視视聽听\
導导當当舊旧價价貨货賣卖買买簡简傷伤";

fn t2s() -> &'static HashMap<char, char> {
    static MAP: OnceLock<HashMap<char, char>> = OnceLock::new();
    MAP.get_or_init(|| {
        let cs: Vec<char> = T2S.chars().collect();
        cs.chunks_exact(2)
            .filter(|p| p[0] != p[1])
            .map(|p| (p[0], p[1]))
            .collect()
    })
}

/// One character folded: ASCII lower case, full-width ASCII to half-width, ideographic space
/// to space, Traditional to Simplified. Always one char for one char, so positions in the
/// folded text are positions in the original.
fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        return char::from_u32(c as u32 - 0xFEE0)
            .map(|h| h.to_ascii_lowercase())
            .unwrap_or(c);
    }
    if c == '\u{3000}' {
        return ' ';
    }
    t2s().get(&c).copied().unwrap_or(c)
}

fn fold_str(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// A text with its folded twin and the offsets to map between them.
struct Folded<'a> {
    orig: &'a str,
    chars: Vec<char>,
    text: String,
    /// Byte offset in `orig` of each char, plus the end.
    orig_at: Vec<usize>,
    /// Byte offset in `text` of each char, plus the end.
    fold_at: Vec<usize>,
}

impl<'a> Folded<'a> {
    fn new(orig: &'a str) -> Self {
        let mut chars = Vec::new();
        let mut text = String::with_capacity(orig.len());
        let mut orig_at = Vec::new();
        let mut fold_at = Vec::new();
        for (i, c) in orig.char_indices() {
            let f = fold_char(c);
            orig_at.push(i);
            fold_at.push(text.len());
            chars.push(f);
            text.push(f);
        }
        orig_at.push(orig.len());
        fold_at.push(text.len());
        Folded {
            orig,
            chars,
            text,
            orig_at,
            fold_at,
        }
    }

    /// The char index of a byte offset in the folded text (regex offsets are char boundaries).
    fn char_idx(&self, byte: usize) -> usize {
        self.fold_at.partition_point(|&b| b < byte)
    }

    fn orig_slice(&self, from: usize, to: usize) -> &'a str {
        let (a, b) = (self.orig_at[from], self.orig_at[to.max(from)]);
        &self.orig[a..b]
    }
}

// ---------------------------------------------------------------------------------------------
// Name matching

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

const ROLE_SUFFIXES: &[&str] = &["s", "es"];
const KEYWORD_SUFFIXES: &[&str] = &["s", "es", "ed", "d", "ing"];

struct Pattern<K> {
    chars: Vec<char>,
    key: K,
    rank: u8,
}

fn pattern<K>(name: &str, key: K, rank: u8) -> Option<Pattern<K>> {
    let chars: Vec<char> = fold_str(name.trim()).chars().collect();
    (!chars.is_empty()).then_some(Pattern { chars, key, rank })
}

/// The end of `pat` matched at `i`, honouring ASCII word boundaries for names that begin or
/// end with a letter or digit (Chinese has no word boundaries to honour).
fn match_at(hay: &[char], i: usize, pat: &[char], suffixes: &[&str]) -> Option<usize> {
    let end = i.checked_add(pat.len())?;
    if end > hay.len() || hay[i..end] != *pat {
        return None;
    }
    if is_word(pat[0]) && i > 0 && is_word(hay[i - 1]) {
        return None;
    }
    let last = pat[pat.len() - 1];
    if !is_word(last) {
        return Some(end);
    }
    let free = |e: usize| e == hay.len() || !is_word(hay[e]);
    if free(end) {
        return Some(end);
    }
    if !last.is_ascii_alphabetic() {
        return None;
    }
    suffixes.iter().find_map(|suf| {
        let e = end + suf.chars().count();
        let fits = e <= hay.len() && hay[end..e].iter().copied().eq(suf.chars());
        (fits && free(e)).then_some(e)
    })
}

/// Leftmost-longest, consuming: (start, end, key) in char indices. On equal length the higher
/// rank wins.
fn scan<K: Clone>(hay: &[char], pats: &[Pattern<K>], suffixes: &[&str]) -> Vec<(usize, usize, K)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < hay.len() {
        let mut best: Option<(usize, u8, &K)> = None;
        for p in pats.iter().filter(|p| p.chars[0] == hay[i]) {
            if let Some(end) = match_at(hay, i, &p.chars, suffixes) {
                if best.is_none_or(|(e, r, _)| (end, p.rank) > (e, r)) {
                    best = Some((end, p.rank, &p.key));
                }
            }
        }
        match best {
            Some((end, _, key)) => {
                out.push((i, end, key.clone()));
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

#[derive(Clone)]
enum Party {
    Role(RoleId),
    Dept(String),
}

fn party_patterns(cx: &ParseContext) -> Vec<Pattern<Party>> {
    let mut pats = Vec::new();
    for (id, names) in cx.roles.iter() {
        let forms = names.all_forms().chain(std::iter::once(id.as_str()));
        pats.extend(forms.filter_map(|f| pattern(f, Party::Role(id.clone()), 1)));
    }
    if cx.match_departments {
        for d in cx.departments {
            let words = d.names.iter().chain(&d.handles);
            pats.extend(words.filter_map(|w| pattern(w, Party::Dept(d.id.clone()), 2)));
        }
    }
    pats
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

// ---------------------------------------------------------------------------------------------
// Trigger, order reference, acknowledgements

/// Characters that may follow the trigger word and are dropped with it.
fn is_trigger_sep(c: char) -> bool {
    c.is_whitespace() || matches!(c, ':' | '：' | ',' | '，' | '、' | '-' | '—')
}

/// The rest of a whistle message: "吹哨 …", "吹哨：…", "#吹哨 …", "#whistle …" (any case).
/// The trigger must stand alone, so "吹哨报到机制…" or "#whistleblower" is not a whistle. A
/// following "!" or "@" is kept: it belongs to the message ("吹哨！！…" is urgent).
pub fn strip_trigger(text: &str) -> Option<&str> {
    let t = text.trim_start();
    let hashed = t.strip_prefix('#').or_else(|| t.strip_prefix('＃'));
    let after = match hashed {
        Some(h) => h.strip_prefix("吹哨").or_else(|| {
            h.get(..7)
                .filter(|p| p.eq_ignore_ascii_case("whistle"))
                .map(|_| &h[7..])
        }),
        None => t.strip_prefix("吹哨"),
    }?;
    match after.chars().next() {
        None => Some(after),
        Some(c) if is_trigger_sep(c) => Some(after.trim_start_matches(is_trigger_sep)),
        Some('!' | '！' | '@' | '＠' | '#' | '＃') => Some(after),
        Some(_) => None,
    }
}

/// A leading "#42" and the rest of the message, trimmed.
fn split_order_ref(input: &str) -> (Option<i64>, &str) {
    let t = input.trim();
    let Some(body) = t.strip_prefix('#').or_else(|| t.strip_prefix('＃')) else {
        return (None, t);
    };
    let digits = body.len() - body.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let after = &body[digits..];
    // "#17号楼" is building 17, not order 17: the number must stand alone.
    let glued = after
        .chars()
        .next()
        .is_some_and(|c| !is_trigger_sep(c) && !is_punct(c));
    match body[..digits].parse::<i64>() {
        Ok(n) if digits > 0 && !glued => (Some(n), after.trim_start_matches(is_trigger_sep).trim()),
        _ => (None, t),
    }
}

/// Acknowledgement words, folded (Simplified, lower case), separated by "|".
const ACK_WORDS: &str = concat!(
    "收到|收到了|已收到|收到收到|好的收到|收到马上到|收到马上去|收到马上处理|收到立即处理|收悉|",
    "收|报到|已报到|报到了|报道|已报道|到|已到|到了|我到|马上到|马上去|马上处理|立即处理|在路上|",
    "正在路上|明白|明白了|了解|知道了|好的|好|好嘞|是|是的|没问题|我来|我去|我来处理|我去处理|",
    "ack|acked|ok|okay|on it|received|roger|roger that|copy|copy that|got it|will do|on my way|",
    "omw|coming|reporting|reporting for duty|present|noted|yes",
);

const ACK_EMOJI: &[char] = &['👍', '👌', '✅', '✔', '🫡', '🙋', '💪', '🆗'];

fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2300..=0x23FF | 0x2B00..=0x2BFF
        | 0xFE00..=0xFE0F | 0x200D | 0x20E3 | 0xE0020..=0xE007F)
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x303F | 0xFE30..=0xFE4F | 0xFF00..=0xFF65)
        || matches!(c, '～' | '·')
}

/// Whether a reply means "reporting for duty": the whole message, without punctuation, spaces
/// and emoji, is one of the acknowledgement words, or it is only approving emoji (👍). A
/// question mark anywhere makes it a question ("收到？", "received?"), never an ack.
pub fn is_ack_text(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 40 || t.contains(['?', '？']) {
        return false;
    }
    let mut words = String::new();
    let mut only_ack_emoji = true;
    for c in t.chars() {
        if ACK_EMOJI.contains(&c) {
            continue;
        }
        if is_emoji(c) {
            // Modifiers and variation selectors ride along with an approving emoji.
            only_ack_emoji &= matches!(c as u32, 0x1F3FB..=0x1F3FF | 0xFE00..=0xFE0F | 0x200D);
            continue;
        }
        let f = fold_char(c);
        if f.is_whitespace() || is_punct(f) {
            words.push(' ');
        } else {
            words.push(f);
        }
    }
    let spaced = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if spaced.is_empty() {
        return only_ack_emoji;
    }
    let tight: String = spaced.chars().filter(|c| *c != ' ').collect();
    ACK_WORDS.split('|').any(|w| w == spaced || w == tight)
}

// ---------------------------------------------------------------------------------------------
// Urgency

/// Characters that, just before an urgency word, negate it (不急, 非紧急, 别着急, 没那么急).
fn negated_zh(chars: &[char], at: usize) -> bool {
    chars[..at]
        .iter()
        .rev()
        .take(3)
        .take_while(|c| !c.is_whitespace() && !is_punct(**c))
        .any(|c| matches!(c, '不' | '别' | '勿' | '莫' | '非' | '无' | '没'))
}

/// Whether the message is urgent, and where the urgency markers are (char ranges), so the
/// location can stop before them.
fn urgency(f: &Folded) -> (bool, Vec<(usize, usize)>) {
    let cs = &f.chars;
    let mut spans = Vec::new();
    if let Some(i) = cs.iter().position(|c| !c.is_whitespace()) {
        if cs[i] == '!' {
            spans.push((i, i + 1));
        }
    }
    for i in 0..cs.len() {
        let next = cs.get(i + 1).copied();
        match cs[i] {
            '!' if next == Some('!') => spans.push((i, i + 2)),
            '‼' | '🚨' => spans.push((i, i + 1)),
            '急' => {
                let prev = i.checked_sub(1).map(|p| cs[p]);
                let service =
                    prev == Some('应') || matches!(next, Some('救' | '诊' | '性' | '弯' | '转'));
                if !service && !negated_zh(cs, i) {
                    let start = if prev == Some('紧') { i - 1 } else { i };
                    spans.push((start, i + 1));
                }
            }
            _ => {}
        }
    }
    for w in ["尽快", "立即", "立刻", "马上", "火速"] {
        for (b, _) in f.text.match_indices(w) {
            let i = f.char_idx(b);
            if !negated_zh(cs, i) {
                spans.push((i, i + 2));
            }
        }
    }
    for m in res().en_urgent.find_iter(&f.text) {
        let before = &f.text[..m.start()];
        let after = &f.text[m.end()..];
        let negated = ["not ", "non-", "non ", "no "]
            .iter()
            .any(|n| before.ends_with(n));
        let agency = m.as_str() == "emergency" && after.trim_start().starts_with("manage");
        if !negated && !agency {
            spans.push((f.char_idx(m.start()), f.char_idx(m.end())));
        }
    }
    (!spans.is_empty(), spans)
}

// ---------------------------------------------------------------------------------------------
// Due time

struct Res {
    zh_dur: Regex,
    zh_clock: Regex,
    zh_day: Regex,
    zh_before: Regex,
    zh_week: Regex,
    en_dur: Regex,
    en_clock: Regex,
    en_named: Regex,
    en_urgent: Regex,
    location: Regex,
}

const ZH_NUM: &str = "[零〇一二两三四五六七八九十]{1,3}";

fn res() -> &'static Res {
    static RES: OnceLock<Res> = OnceLock::new();
    RES.get_or_init(|| {
        let re = |s: String| Regex::new(&s).expect("built-in regex");
        let day = "今天|今日|今晚|今早|明天|明日|明晚|明早|后天|后日";
        let per = "凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间";
        Res {
            zh_dur: re(format!(
                r"(?P<n>[0-9]{{1,4}}(?:\.[0-9]+)?|{ZH_NUM})?\s*个?\s*(?P<half>半)?\s*个?\s*(?P<unit>小时|钟头|h|分钟|天|日|周|星期|工作日)\s*(?:之内|以内|内|之后|以后|后)"
            )),
            zh_clock: re(format!(
                r"(?P<day>{day})?\s*(?P<per>{per})?\s*(?P<h>[0-9]{{1,2}}|{ZH_NUM})\s*(?:(?:点|时)钟?\s*(?:(?P<halfm>半)|(?P<q>[一三])刻|(?P<m>[0-9]{{1,2}}|{ZH_NUM})\s*分?|整)?|:(?P<mm>[0-9]{{2}}))\s*(?P<before>之前|以前|前|为止|截止|内)?"
            )),
            zh_day: re(format!(
                r"(?P<day>{day})\s*(?P<per>{per}|下班|上班)?\s*(?P<before>之前|以前|前|之内|以内|内)?"
            )),
            zh_before: re(r"(?P<what>上班|下班|中午|午饭|天黑|晚饭|收工)\s*(?:之前|以前|前)".into()),
            zh_week: re(r"(?P<next>下个?)?(?:周|星期|礼拜)(?P<d>[一二三四五六日天1-7])\s*(?P<per>上午|中午|下午|晚上|下班)?\s*(?P<before>之前|以前|前|内)?".into()),
            en_dur: re(r"(?-u:\b)(?:within|in|under)\s+(?:(?P<n>[0-9]{1,4}(?:\.[0-9]+)?)|(?P<half>half an?)|(?P<a>an?|one)|(?P<w>two|three|four|five|six|ten|twelve|fifteen|twenty|thirty|forty-five))\s*(?P<unit>hours?|hrs?|h|minutes?|mins?|m|days?|d)(?-u:\b)".into()),
            en_clock: re(r"(?-u:\b)(?:(?P<by>by|before|until|till|no later than)\s+)?(?:(?P<day>today|tomorrow|tmrw|tmr|tonight)\s+(?:at\s+|by\s+|before\s+)?)?(?P<h>[0-9]{1,2})(?:[:.](?P<m>[0-9]{2}))?(?:\s*(?P<ap>a\.m\.|p\.m\.|am|pm))?(?:\s+(?P<day2>today|tomorrow|tmrw|tmr|tonight))?".into()),
            en_named: re(r"(?-u:\b)(?:(?P<by>by|before|until|till)\s+)?(?:(?P<tmr>tomorrow|tmrw|tmr)(?:\s+(?P<tper>morning|noon|lunchtime|afternoon|evening|night|eod))?|(?P<tonight>tonight)|(?P<noon>noon|midday|lunchtime)|(?P<eod>end of (?:the )?day|end of today|eod|cob|close of business)|this\s+(?P<this>morning|afternoon|evening)|(?P<today>today)|(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun))(?-u:\b)".into()),
            en_urgent: re(r"(?-u:\b)(?:urgent|urgently|asap|immediately|emergency)(?-u:\b)".into()),
            location: re(r"(?:具体位置|地点|地址|位置)(?:\s*:\s*|\s*在\s*|\s+)|(?-u:\b)(?:location|address|place|loc|where|at)\s*:\s*|📍\s*".into()),
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

/// `days` after today at `hour:minute`; with no explicit day, a time already past means
/// tomorrow.
fn resolve(cx: &ParseContext, days: Option<u64>, hour: u32, minute: u32) -> Option<DateTime<Utc>> {
    let date = today(cx).checked_add_days(chrono::Days::new(days.unwrap_or(0)))?;
    let t = at_local(cx, date, hour, minute)?;
    if days.is_none() && t <= cx.now {
        return at_local(cx, date.succ_opt()?, hour, minute);
    }
    Some(t)
}

fn after(cx: &ParseContext, minutes: f64) -> Option<DateTime<Utc>> {
    // Past a year the number is not a deadline but a typo or a house number.
    if !(minutes > 0.0 && minutes <= 366.0 * 24.0 * 60.0) {
        return None;
    }
    cx.now
        .checked_add_signed(Duration::seconds((minutes * 60.0).round() as i64))
}

fn zh_day_offset(day: &str) -> u64 {
    match day {
        "明天" | "明日" | "明晚" | "明早" => 1,
        "后天" | "后日" => 2,
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
fn weekday_due(
    cx: &ParseContext,
    wd: Weekday,
    next_week: bool,
    hour: u32,
) -> Option<DateTime<Utc>> {
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
    resolve(cx, Some(ahead as u64), hour, 0)
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

fn zh_duration(c: &Captures, text: &str, cx: &ParseContext) -> Option<DateTime<Utc>> {
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

fn zh_clock(c: &Captures, text: &str, cx: &ParseContext) -> Option<DateTime<Utc>> {
    let day = cap(c, "day");
    let per = cap(c, "per").or(match day {
        Some(d @ ("今晚" | "明晚" | "今早" | "明早")) => Some(d),
        _ => None,
    });
    let colon = c.name("mm");
    if day.is_none() && per.is_none() && c.name("before").is_none() && colon.is_none() {
        return None;
    }
    let h_at = c.name("h")?;
    if day.is_none() && per.is_none() && digit_before(text, h_at.start()) {
        return None;
    }
    let h = small_number(h_at.as_str())?;
    let m = match (colon, c.name("m"), c.name("halfm")) {
        (Some(mm), _, _) | (None, Some(mm), _) => small_number(mm.as_str())?,
        (None, None, Some(_)) => 30,
        _ if c.name("q").is_some_and(|q| q.as_str() == "三") => 45,
        _ if c.name("q").is_some() => 15,
        _ => 0,
    };
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return None;
    }
    let h = clock_hour(per, h);
    if h > 24 {
        return None;
    }
    resolve(cx, day.map(zh_day_offset), h, m)
}

fn zh_day(c: &Captures, cx: &ParseContext) -> Option<DateTime<Utc>> {
    let day = cap(c, "day")?;
    let before = cap(c, "before");
    let per = cap(c, "per");
    let is_today = matches!(day, "今天" | "今日" | "今早");
    if is_today && before.is_none() {
        return None;
    }
    let (h, m) = match (per, before) {
        (Some(p), _) => part_end(p),
        (None, Some(b)) if b.ends_with('内') => (23, 59),
        (None, _) => part_end(day),
    };
    resolve(cx, Some(zh_day_offset(day)), h, m)
}

fn zh_week(c: &Captures, cx: &ParseContext) -> Option<DateTime<Utc>> {
    let next = c.name("next").is_some();
    if !next && c.name("before").is_none() {
        return None;
    }
    let wd = weekday_from(cap(c, "d")?)?;
    let (h, _) = part_end(cap(c, "per").unwrap_or("下班"));
    weekday_due(cx, wd, next, h)
}

fn en_duration(c: &Captures, cx: &ParseContext) -> Option<DateTime<Utc>> {
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

fn en_day_offset(day: &str) -> Option<u64> {
    match day {
        "today" | "tonight" => Some(0),
        "tomorrow" | "tmrw" | "tmr" => Some(1),
        _ => None,
    }
}

fn en_clock(c: &Captures, text: &str, cx: &ParseContext) -> Option<DateTime<Utc>> {
    let day = cap(c, "day").or(cap(c, "day2"));
    if c.name("by").is_none() && day.is_none() {
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
    let m = cap(c, "m").map_or(Some(0), small_number)?;
    if h > 24 || m > 59 {
        return None;
    }
    let h = match ap.map(|a| a.starts_with('p')) {
        Some(true) if h < 12 => h + 12,
        Some(false) if h == 12 => 0,
        Some(_) if h > 12 => return None,
        _ => h,
    };
    resolve(cx, day.and_then(en_day_offset), h, m)
}

fn en_named(c: &Captures, cx: &ParseContext) -> Option<DateTime<Utc>> {
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
    weekday_due(cx, weekday_from(cap(c, "wd")?)?, false, 18)
}

/// The due time and where it was written (char range): the earliest expression, the longest
/// of those starting there.
fn due(f: &Folded, cx: &ParseContext) -> Option<(DateTime<Utc>, usize, usize)> {
    let r = res();
    let t = f.text.as_str();
    let mut found: Vec<(usize, usize, DateTime<Utc>)> = Vec::new();
    let mut take = |re: &Regex, read: &dyn Fn(&Captures) -> Option<DateTime<Utc>>| {
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
    take(&r.zh_before, &|c| {
        let (h, m) = match cap(c, "what")? {
            "上班" => (9, 0),
            "中午" | "午饭" => (12, 0),
            _ => (18, 0),
        };
        resolve(cx, None, h, m)
    });
    take(&r.zh_week, &|c| zh_week(c, cx));
    take(&r.en_dur, &|c| en_duration(c, cx));
    take(&r.en_clock, &|c| en_clock(c, t, cx));
    take(&r.en_named, &|c| en_named(c, cx));
    let (s, e, at) = found
        .into_iter()
        .min_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)))?;
    Some((at, f.char_idx(s), f.char_idx(e)))
}

// ---------------------------------------------------------------------------------------------
// Location

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn location(f: &Folded, stops: &[(usize, usize)]) -> Option<String> {
    let cs = &f.chars;
    for m in res().location.find_iter(&f.text) {
        let start = f.char_idx(m.end());
        let chinese = cs.get(start).copied().is_some_and(is_han);
        let mut end = start;
        while end < cs.len() {
            let c = cs[end];
            let mention = matches!(c, '@' | '#') && (end == 0 || cs[end - 1].is_whitespace());
            let sentence_end = matches!(c, ',' | '。' | ';' | '\n' | '!' | '?' | '｡');
            let field_end = chinese
                && c.is_whitespace()
                && cs[end..]
                    .iter()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(|c| is_han(*c));
            let token = stops.iter().any(|&(s, _)| s == end);
            if mention || sentence_end || field_end || (token && end > start) {
                break;
            }
            end += 1;
        }
        let value = f
            .orig_slice(start, end)
            .trim()
            .trim_end_matches(['.', '-', '—', ':', '：']);
        if !value.is_empty() {
            return Some(value.trim().to_string());
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// The parser

/// Reads a whistle message (the text after the trigger or after "/whistle") into a draft.
pub fn parse_whistle(input: &str, cx: &ParseContext) -> Draft {
    let (order_ref, text) = split_order_ref(input);
    let f = Folded::new(text);

    let mut named = Vec::new();
    let mut departments = Vec::new();
    for (_, _, party) in scan(&f.chars, &party_patterns(cx), ROLE_SUFFIXES) {
        match party {
            Party::Role(r) => push_unique(&mut named, r),
            Party::Dept(d) => push_unique(&mut departments, d),
        }
    }

    let grid_pats: Vec<Pattern<String>> = cx
        .grids
        .iter()
        .flat_map(|g| g.names.iter().filter_map(|n| pattern(n, g.id.clone(), 0)))
        .collect();
    let grid = scan(&f.chars, &grid_pats, &[])
        .into_iter()
        .next()
        .map(|(_, _, id)| id);

    let (roles, role_source) = if !named.is_empty() {
        (named, RoleSource::Named)
    } else if !departments.is_empty() {
        (Vec::new(), RoleSource::None)
    } else {
        let kw_pats: Vec<Pattern<RoleId>> = cx
            .keywords
            .iter()
            .flat_map(|k| k.words.iter().filter_map(|w| pattern(w, k.role.clone(), 0)))
            .collect();
        let mut guessed = Vec::new();
        for (_, _, r) in scan(&f.chars, &kw_pats, KEYWORD_SUFFIXES) {
            push_unique(&mut guessed, r);
        }
        if guessed.is_empty() {
            (vec![RoleId::new(GRID_LEADER)], RoleSource::Default)
        } else {
            (guessed, RoleSource::Keyword)
        }
    };

    let (urgent, mut stops) = urgency(&f);
    let due = due(&f, cx).map(|(at, s, e)| {
        stops.push((s, e));
        at
    });

    Draft {
        order_ref,
        roles,
        role_source,
        departments,
        grid,
        urgent,
        due,
        location: location(&f, &stops),
        text: text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    /// Fri 10:30 in Shanghai.
    const MORNING: &str = "2025-03-14T02:30:00Z";
    /// Fri 19:00 in Shanghai, after work.
    const EVENING: &str = "2025-03-14T11:00:00Z";
    /// Fri 23:30 in Shanghai, half an hour before midnight.
    const LATE: &str = "2025-03-14T15:30:00Z";
    /// Sat 04:00 in Shanghai but still Fri 20:00 in UTC.
    const SPLIT: &str = "2025-03-14T20:00:00Z";

    #[derive(Clone, Copy)]
    enum Chat {
        /// A grid's chat in Kunming.
        Grid,
        /// The same with the organisation's clock set to UTC.
        GridUtc,
        /// A community's chat: grids can be named.
        Community,
        /// A sub-district's chat: departments are whistled.
        SubDistrict,
    }
    use Chat::*;

    fn departments() -> Vec<DepartmentRef> {
        let d = |id: &str, names: &[&str], handles: &[&str]| DepartmentRef {
            id: id.into(),
            names: names.iter().map(|s| s.to_string()).collect(),
            handles: handles.iter().map(|s| s.to_string()).collect(),
        };
        vec![
            d(
                "chengguan",
                &["华山城管中队", "城管中队", "urban management squad"],
                &["城管", "占道", "违建", "chengguan"],
            ),
            d(
                "market",
                &["市场监督管理所", "市场监管所", "market supervision"],
                &["市场监管", "食品安全", "food safety"],
            ),
            d(
                "police",
                &["文林派出所", "派出所", "police station"],
                &["盗窃", "诈骗"],
            ),
            d(
                "emergency",
                &["应急管理局", "应急管理", "emergency management"],
                &["安全生产", "消防"],
            ),
            d("environment", &["生态环境分局", "环保"], &["油烟", "污水"]),
            d("water", &["水务局", "水务"], &["停水", "水管", "water"]),
        ]
    }

    fn grids() -> Vec<GridRef> {
        let g = |id: &str, names: &[&str]| GridRef {
            id: id.into(),
            names: names.iter().map(|s| s.to_string()).collect(),
        };
        vec![
            g(
                "cuihu-1",
                &[
                    "翠湖社区第一网格",
                    "第一网格",
                    "一网格",
                    "Cuihu Grid 1",
                    "grid 1",
                ],
            ),
            g(
                "cuihu-2",
                &[
                    "翠湖社区第二网格",
                    "第二网格",
                    "二网格",
                    "Cuihu Grid 2",
                    "grid 2",
                ],
            ),
            g(
                "cuihu-3",
                &[
                    "翠湖社区第三网格",
                    "第三网格",
                    "三网格",
                    "Cuihu Grid 3",
                    "grid 3",
                ],
            ),
        ]
    }

    fn run(chat: Chat, now: &str, input: &str) -> (Draft, Tz) {
        let roles = RoleCatalog::default();
        let depts = departments();
        let grids = grids();
        let keywords = default_keywords();
        let tz = match chat {
            GridUtc => chrono_tz::UTC,
            _ => chrono_tz::Asia::Shanghai,
        };
        let cx = ParseContext {
            roles: &roles,
            departments: &depts,
            match_departments: matches!(chat, SubDistrict),
            grids: if matches!(chat, Community) {
                &grids
            } else {
                &[]
            },
            keywords: &keywords,
            tz,
            now: now.parse().expect("test clock"),
        };
        (parse_whistle(input, &cx), tz)
    }

    /// One line per draft: "#ref ; R:roles/source ; D:depts ; G:grid ; ! ; due:MM-DD HH:MM
    /// (local) ; loc:… ; text:…", leaving out what is empty, and the text when it is the
    /// trimmed input.
    fn render(d: &Draft, tz: Tz, input: &str) -> String {
        let mut out = Vec::new();
        if let Some(n) = d.order_ref {
            out.push(format!("#{n}"));
        }
        let ids: Vec<&str> = d.roles.iter().map(RoleId::as_str).collect();
        out.push(match d.role_source {
            RoleSource::Named => format!("R:{}/named", ids.join(",")),
            RoleSource::Keyword => format!("R:{}/kw", ids.join(",")),
            RoleSource::Default => format!("R:{}/default", ids.join(",")),
            RoleSource::None => format!("R:-{}", ids.join(",")),
        });
        if !d.departments.is_empty() {
            out.push(format!("D:{}", d.departments.join(",")));
        }
        if let Some(g) = &d.grid {
            out.push(format!("G:{g}"));
        }
        if d.urgent {
            out.push("!".into());
        }
        if let Some(t) = d.due {
            out.push(format!(
                "due:{}",
                t.with_timezone(&tz).format("%m-%d %H:%M")
            ));
        }
        if let Some(l) = &d.location {
            out.push(format!("loc:{l}"));
        }
        if d.text != input.trim() {
            out.push(format!("text:{}", d.text));
        }
        out.join(" ; ")
    }

    #[rustfmt::skip]
    const CASES: &[(Chat, &str, &str, &str)] = &[
        // --- zh-Hans, grid chat ---
        (Grid, MORNING, "圆西路12号门口垃圾堆积，还有流动摊贩 地点：圆西路12号 紧急 18:00前",
            "R:sanitation,urban_enforcement/kw ; ! ; due:03-14 18:00 ; loc:圆西路12号"),
        (Grid, MORNING, "@城管 @环卫 翠湖北路有人占道经营", "R:urban_enforcement,sanitation/named"),
        (Grid, MORNING, "请纪律监督员到场核实", "R:discipline_supervisor/named"),
        (Grid, MORNING, "城管执法员 圆西路店外经营", "R:urban_enforcement/named"),
        (Grid, MORNING, "网格监督员和监督员都来一下", "R:grid_supervisor/named"),
        (Grid, MORNING, "街道科室专干、社区专干请报到", "R:subdistrict_specialist,community_specialist/named"),
        (Grid, MORNING, "纪检 网格长 社区民警 都来", "R:discipline_supervisor,grid_leader,community_police/named"),
        (Grid, MORNING, "应急演练物资已到位，请网格长确认", "R:grid_leader/named"),
        (Grid, MORNING, "三栋楼道应急灯不亮了，麻烦看一下", "R:grid_leader/default"),
        (Grid, MORNING, "三栋楼道应急灯不亮了，急", "R:grid_leader/default ; !"),
        (Grid, MORNING, "急救车进不来，小区门口乱停车", "R:urban_enforcement/kw"),
        (Grid, MORNING, "急救车进不来，小区门口乱停车 急急急", "R:urban_enforcement/kw ; !"),
        (Grid, MORNING, "不急，明天处理一下小广告", "R:urban_enforcement/kw ; due:03-15 18:00"),
        (Grid, MORNING, "非紧急：楼道堆放杂物", "R:grid_leader/default"),
        (Grid, MORNING, "井盖丢了!", "R:grid_supervisor/kw"),
        (Grid, MORNING, "！井盖丢了", "R:grid_supervisor/kw ; !"),
        (Grid, MORNING, "井盖丢了!!", "R:grid_supervisor/kw ; !"),
        (Grid, MORNING, "尽快处理，有居民反映漏水", "R:grid_supervisor/kw ; !"),
        (Grid, MORNING, "两小时内清理完毕 垃圾桶满了", "R:sanitation/kw ; due:03-14 12:30"),
        (Grid, MORNING, "半小时内到场，有人打架", "R:community_police/kw ; due:03-14 11:00"),
        (Grid, MORNING, "一个半小时内处理", "R:grid_leader/default ; due:03-14 12:00"),
        (Grid, MORNING, "30分钟内到现场 @民警", "R:community_police/named ; due:03-14 11:00"),
        (Grid, MORNING, "1小时后到场 @民警", "R:community_police/named ; due:03-14 11:30"),
        (Grid, MORNING, "下午3点一刻前 清运垃圾", "R:sanitation/kw ; due:03-14 15:15"),
        (Grid, MORNING, "24小时内拆除违建", "R:urban_enforcement/kw ; due:03-15 10:30"),
        (Grid, MORNING, "三天内整改到位 违章搭建", "R:urban_enforcement/kw ; due:03-17 10:30"),
        (Grid, MORNING, "今天18点前清运", "R:sanitation/kw ; due:03-14 18:00"),
        (Grid, MORNING, "9点前处理", "R:grid_leader/default ; due:03-15 09:00"),
        (Grid, MORNING, "十一点半前处理", "R:grid_leader/default ; due:03-14 11:30"),
        (Grid, MORNING, "今晚之前把违建拆除", "R:urban_enforcement/kw ; due:03-14 22:00"),
        (Grid, MORNING, "晚上8点前 广场舞噪音", "R:community_police/kw ; due:03-14 20:00"),
        (Grid, MORNING, "明天上午 环卫 清扫落叶", "R:sanitation/named ; due:03-15 12:00"),
        (Grid, MORNING, "明天下午前 @专干 走访独居老人", "R:community_specialist/named ; due:03-15 18:00"),
        (Grid, MORNING, "明早8点 保洁 到菜市场", "R:sanitation/named ; due:03-15 08:00"),
        (Grid, MORNING, "请城管执法员和环卫保洁员于明天9点前到圆西路", "R:urban_enforcement,sanitation/named ; due:03-15 09:00"),
        (Grid, MORNING, "下班前反馈 小区门口乱停车", "R:urban_enforcement/kw ; due:03-14 18:00"),
        (Grid, EVENING, "下班前反馈 小区门口乱停车", "R:urban_enforcement/kw ; due:03-15 18:00"),
        (Grid, LATE, "18点前处理完路灯", "R:grid_supervisor/kw ; due:03-15 18:00"),
        (Grid, LATE, "2小时内处理 噪音扰民", "R:community_police/kw ; due:03-15 01:30"),
        (Grid, MORNING, "今天早上发现井盖松动", "R:grid_supervisor/kw"),
        (Grid, MORNING, "周五前 @城管 处理违建", "R:urban_enforcement/named ; due:03-14 18:00"),
        (Grid, MORNING, "下周一 社区专干 报送低保材料", "R:community_specialist/named ; due:03-17 18:00"),
        (Grid, MORNING, "地址：文林街88号，油烟扰民", "R:community_police/kw ; loc:文林街88号"),
        (Grid, MORNING, "📍翠湖南路与圆西路交叉口 路灯不亮", "R:grid_supervisor/kw ; loc:翠湖南路与圆西路交叉口"),
        (Grid, MORNING, "位置在五华区圆西路12号门口；垃圾没人清", "R:sanitation/kw ; loc:五华区圆西路12号门口"),
        (Grid, MORNING, "<b>紧急</b> 有人打架", "R:community_police/kw ; !"),
        (Grid, MORNING, "#17 补充：加派环卫", "#17 ; R:sanitation/named ; text:补充：加派环卫"),
        (Grid, MORNING, "#17", "#17 ; R:grid_leader/default ; text:"),
        (Grid, MORNING, "#17号楼垃圾满了", "R:sanitation/kw"),
        (Grid, MORNING, "2小时内 @cleaner garbage at east gate", "R:sanitation/named ; due:03-14 12:30"),
        // --- zh-Hans, community and sub-district chats ---
        (Community, MORNING, "一网格长 请到翠湖社区第一网格东门", "R:grid_leader/named ; G:cuihu-1"),
        (Community, MORNING, "第二网格 垃圾堆积 明天", "R:sanitation/kw ; G:cuihu-2 ; due:03-15 18:00"),
        (Community, MORNING, "Cuihu Grid 3: broken streetlight", "R:grid_supervisor/kw ; G:cuihu-3"),
        (Community, MORNING, "grid 10 noise at night", "R:community_police/kw"),
        (SubDistrict, MORNING, "城管中队 市场监管所 请到华山西路报到", "R:- ; D:chengguan,market"),
        (SubDistrict, MORNING, "@城管 翠湖周边占道经营", "R:- ; D:chengguan"),
        (Grid, MORNING, "@城管 翠湖周边占道经营", "R:urban_enforcement/named"),
        (SubDistrict, MORNING, "油烟扰民 地点：华山南路5号", "R:- ; D:environment ; loc:华山南路5号"),
        (SubDistrict, MORNING, "应急管理 派出所 联合检查，紧急", "R:- ; D:emergency,police ; !"),
        (SubDistrict, MORNING, "社区民警 和 派出所 一起到场", "R:community_police/named ; D:police"),
        (SubDistrict, MORNING, "有人盗窃电动车", "R:- ; D:police"),
        (SubDistrict, MORNING, "路灯坏了好几天", "R:grid_supervisor/kw"),
        (Grid, MORNING, "", "R:grid_leader/default"),
        // --- zh-Hant ---
        (Grid, MORNING, "圓西路12號門口垃圾堆積，還有流動攤販 地點：圓西路12號 緊急 18:00前",
            "R:sanitation,urban_enforcement/kw ; ! ; due:03-14 18:00 ; loc:圓西路12號"),
        (Grid, MORNING, "@城管執法員 @環衛保潔員 兩小時內到場", "R:urban_enforcement,sanitation/named ; due:03-14 12:30"),
        (Grid, MORNING, "紀律監督員請到場", "R:discipline_supervisor/named"),
        (Grid, MORNING, "應急管理演練，請網格長配合", "R:grid_leader/named"),
        (Grid, MORNING, "社區民警請注意，有人打架鬥毆，緊急！", "R:community_police/named ; !"),
        (Grid, MORNING, "明天下午 社區專幹 走訪獨居老人", "R:community_specialist/named ; due:03-15 18:00"),
        (Grid, MORNING, "半個小時內處理 井蓋丟失", "R:grid_supervisor/kw ; due:03-14 11:00"),
        (Grid, MORNING, "路燈不亮 地址：華山南路3號", "R:grid_supervisor/kw ; loc:華山南路3號"),
        (Grid, MORNING, "#42 加派監督員", "#42 ; R:grid_supervisor/named ; text:加派監督員"),
        (Grid, MORNING, "今晚8點前清運垃圾", "R:sanitation/kw ; due:03-14 20:00"),
        (Grid, MORNING, "不緊急，下週三前處理違停", "R:urban_enforcement/kw ; due:03-19 18:00"),
        (Grid, MORNING, "聯絡員 機關聯絡員 報到", "R:agency_liaison/named"),
        (Grid, LATE, "明天上午10點前 環衛 清掃", "R:sanitation/named ; due:03-15 10:00"),
        (GridUtc, SPLIT, "18點前 清掃", "R:sanitation/kw ; due:03-15 18:00"),
        (SubDistrict, MORNING, "華山城管中隊 請處理佔道經營", "R:- ; D:chengguan"),
        (Community, MORNING, "第一網格 噪音擾民 急", "R:community_police/kw ; G:cuihu-1 ; !"),
        // --- English ---
        (Grid, MORNING, "@sanitation garbage piling up at the east gate, urgent", "R:sanitation/named ; !"),
        (Grid, MORNING, "URGENT: fight outside Block 3, police needed", "R:community_police/named ; !"),
        (Grid, MORNING, "Street vendors blocking the road. Location: Yuanxi Rd 12, by 6pm",
            "R:urban_enforcement/kw ; due:03-14 18:00 ; loc:Yuanxi Rd 12"),
        (Grid, MORNING, "policeman seen near gate", "R:grid_leader/default"),
        (Grid, MORNING, "need cops and cleaners within 2h", "R:community_police,sanitation/named ; due:03-14 12:30"),
        (Grid, MORNING, "Broken streetlight on Cuihu Rd, within 30 min please", "R:grid_supervisor/kw ; due:03-14 11:00"),
        (Grid, MORNING, "Grid leader please check the manhole in 2 hours", "R:grid_leader/named ; due:03-14 12:30"),
        (Grid, MORNING, "by tomorrow: clear the rubbish", "R:sanitation/kw ; due:03-15 18:00"),
        (Grid, MORNING, "tomorrow morning, discipline supervisor to review", "R:discipline_supervisor/named ; due:03-15 12:00"),
        (Grid, MORNING, "Noise complaint, not urgent, by 18:00", "R:community_police/kw ; due:03-14 18:00"),
        (Grid, MORNING, "!! Water leak in basement ASAP", "R:grid_supervisor/kw ; !"),
        (Grid, MORNING, "Great job everyone!", "R:grid_leader/default"),
        (Grid, MORNING, "#7 add the community specialist", "#7 ; R:community_specialist/named ; text:add the community specialist"),
        (Grid, MORNING, "Theft reported. 📍 Block 5, Huashan Nanlu", "R:community_police/kw ; loc:Block 5"),
        (Grid, MORNING, "Huge pothole near the copy shop", "R:grid_supervisor/kw"),
        (Grid, MORNING, "cleaner at: North Gate; asap", "R:sanitation/named ; ! ; loc:North Gate"),
        (Grid, LATE, "Tonight: garbage by the bins", "R:sanitation/kw ; due:03-14 22:00"),
        (Grid, MORNING, "by friday, illegal parking at the school gate", "R:urban_enforcement/kw ; due:03-14 18:00"),
        (Grid, SPLIT, "by 11pm", "R:grid_leader/default ; due:03-15 23:00"),
        (GridUtc, SPLIT, "by 11pm", "R:grid_leader/default ; due:03-14 23:00"),
        (SubDistrict, MORNING, "Emergency management and water dept: pipe burst at Wenlin St, urgent",
            "R:- ; D:emergency,water ; !"),
        (SubDistrict, MORNING, "Market supervision: food safety check at noon", "R:- ; D:market"),
    ];

    fn failures() -> Vec<String> {
        CASES
            .iter()
            .filter_map(|&(chat, now, input, want)| {
                let (d, tz) = run(chat, now, input);
                let got = render(&d, tz, input);
                (got != want).then(|| format!("{input}\n   want: {want}\n    got: {got}"))
            })
            .collect()
    }

    #[test]
    fn table() {
        let failed = failures();
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    #[rustfmt::skip]
    const ACKS: &[(&str, bool)] = &[
        ("收到", true), ("收到！", true), ("收到👍", true), ("  收到。 ", true), ("报到", true),
        ("報到", true), ("到", true), ("已报到", true), ("已報到", true), ("好的收到", true),
        ("好的，收到", true), ("收到收到", true), ("👍", true), ("👍🏻👍🏻", true), ("✅", true),
        ("马上到", true), ("馬上到", true), ("明白", true), ("ack", true), ("ACK", true),
        ("On it!", true), ("received.", true), ("Roger", true), ("roger that", true),
        ("copy that", true), ("OK", true),
        ("做不到", false), ("不到", false), ("收到了吗?", false), ("收到了吗", false),
        ("收到？", false), ("没收到", false), ("收不到", false), ("received?", false),
        ("not received", false), ("😂", false), ("", false), ("   ", false),
        ("收到，但今天做不到", false), ("报到时间几点", false), ("到底谁负责", false),
        ("不好", false), ("👍😂", false),
    ];

    #[test]
    fn ack_texts() {
        let wrong: Vec<_> = ACKS
            .iter()
            .filter(|(t, want)| is_ack_text(t) != *want)
            .collect();
        assert!(wrong.is_empty(), "{wrong:?}");
    }

    #[test]
    fn counts() {
        let failed = failures().len();
        let ack_ok = ACKS
            .iter()
            .filter(|(t, want)| is_ack_text(t) == *want)
            .count();
        println!(
            "parse cases: {}, passed: {}; ack cases: {}, passed: {}",
            CASES.len(),
            CASES.len() - failed,
            ACKS.len(),
            ack_ok
        );
        assert_eq!(failed, 0);
        assert_eq!(ack_ok, ACKS.len());
    }

    #[test]
    fn triggers() {
        let cases = [
            ("吹哨 圆西路垃圾", Some("圆西路垃圾")),
            ("吹哨：圆西路垃圾", Some("圆西路垃圾")),
            ("  吹哨,@城管", Some("@城管")),
            ("#吹哨 @环卫", Some("@环卫")),
            ("＃吹哨 @环卫", Some("@环卫")),
            ("#whistle fight at gate", Some("fight at gate")),
            ("#WHISTLE: fight", Some("fight")),
            ("吹哨！！井盖丢了", Some("！！井盖丢了")),
            ("吹哨", Some("")),
            ("吹哨报到机制很好", None),
            ("#whistleblower", None),
            ("whistle fight", None),
            ("请大家吹哨", None),
            ("#吹", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(strip_trigger(text), want, "{text}");
        }
    }

    #[test]
    fn folding_table_is_pairs_of_distinct_characters() {
        let cs: Vec<char> = T2S.chars().collect();
        assert_eq!(cs.len() % 2, 0);
        assert_eq!(
            t2s().len(),
            cs.len() / 2,
            "a Traditional character is listed twice"
        );
        assert!(t2s().iter().all(|(t, s)| t != s));
    }

    #[test]
    fn never_panics() {
        let mut inputs: Vec<String> = [
            "",
            " ",
            "🚨",
            "👍👍👍",
            "#",
            "#9999999999999999999999 test",
            "＃",
            "!",
            "！！",
            "<b>吹哨</b><i>&amp;</i>",
            "地点：",
            "📍",
            "at:",
            "24:00前",
            "25点前",
            "99:99",
            "晚上12点前",
            "0点前",
            "十九点前",
            "一百小时内",
            "9999小时内",
            "1.5小时内",
            "within 9999 days",
            "by 12am",
            "by 0:00",
            "by 24:00",
            "by 13pm",
            "tomorrow 99pm",
            "下周日前",
            "星期天前",
            "周7前",
            "Ǆ ß ΣΑΣ İ",
            "\u{200D}\u{FE0F}",
            "\u{0}\u{1}",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        inputs.push("圆西路12号垃圾堆积 紧急 18:00前 @城管 ".repeat(200));
        inputs.push("a".repeat(5000));
        // A deterministic soup of the characters the parser reacts to.
        let alphabet: Vec<char> = "0123456789:：#＃!！@ 点时分前内半个小钟明今天晚上下午周五急应紧地址：📍,，。\nbyatin pm am h min".chars().collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..2000 {
            let len = (seed % 40) as usize;
            let s: String = (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    alphabet[(seed >> 33) as usize % alphabet.len()]
                })
                .collect();
            inputs.push(s);
        }
        for s in &inputs {
            for chat in [Grid, GridUtc, Community, SubDistrict] {
                let (d, _) = run(chat, LATE, s);
                assert!(!d.roles.is_empty() || !d.departments.is_empty());
            }
            is_ack_text(s);
            strip_trigger(s);
        }
    }
}
