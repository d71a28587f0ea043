//! Finding who a whistle summons: role names, department names and handles, grid names, and
//! the keyword table that guesses a role when nobody is named. The rules are in the module doc
//! of `parse`.

use super::fold::{fold_str, is_han, is_word};
use super::ParseContext;
use crate::domain::role::RoleId;

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

pub(super) const ROLE_SUFFIXES: &[&str] = &["s", "es"];
pub(super) const KEYWORD_SUFFIXES: &[&str] = &["s", "es", "ed", "d", "ing"];

/// One element of a name to match: a folded character, or a place where the name has a
/// hyphen, underscore or space and the message may have any run of them or none
/// ("urban_enforcement" matches "urban enforcement", "Urban-Enforcement", "urbanenforcement").
#[derive(Clone, Copy, PartialEq, Eq)]
enum Atom {
    Ch(char),
    Sep,
}

/// Separators inside a name as people type them: after folding, hyphens (ASCII and the
/// Unicode hyphens phones substitute), underscores and spaces.
fn is_sep(c: char) -> bool {
    matches!(c, ' ' | '-' | '_' | '\u{2010}' | '\u{2011}')
}

pub(super) struct Pattern<K> {
    atoms: Vec<Atom>,
    /// The first character, to skip patterns quickly.
    first: char,
    key: K,
    rank: u8,
    /// A keyword written in Chinese may match with one extra character inside it: 摆地摊 for
    /// 摆摊, 违法建设 for 违建 is not (two extra), 漏了水 for 漏水 is.
    gap: bool,
}

pub(super) fn pattern<K>(name: &str, key: K, rank: u8) -> Option<Pattern<K>> {
    let folded = fold_str(name.trim());
    let mut atoms: Vec<Atom> = Vec::new();
    for c in folded.trim_matches(is_sep).chars() {
        match (is_sep(c), atoms.last()) {
            (true, Some(Atom::Sep)) => {}
            (true, _) => atoms.push(Atom::Sep),
            (false, _) => atoms.push(Atom::Ch(c)),
        }
    }
    let first = match atoms.first()? {
        Atom::Ch(c) => *c,
        Atom::Sep => return None,
    };
    Some(Pattern {
        atoms,
        first,
        key,
        rank,
        gap: false,
    })
}

/// A keyword pattern: like [`pattern`], and a Chinese keyword of two or more characters may
/// have one character inside it.
pub(super) fn keyword_pattern<K>(word: &str, key: K) -> Option<Pattern<K>> {
    let mut p = pattern(word, key, 0)?;
    p.gap = p.atoms.len() >= 2
        && p.atoms
            .iter()
            .all(|a| matches!(a, Atom::Ch(c) if is_han(*c)));
    Some(p)
}

/// The end of the atoms matched at `i`, without boundaries; `gap_at` is the atom index before
/// which one extra Chinese character is allowed.
fn match_atoms(hay: &[char], i: usize, atoms: &[Atom], gap_at: Option<usize>) -> Option<usize> {
    let mut j = i;
    for (k, a) in atoms.iter().enumerate() {
        if gap_at == Some(k) {
            let c = *hay.get(j)?;
            if !is_han(c) {
                return None;
            }
            j += 1;
        }
        match a {
            Atom::Sep => {
                while hay.get(j).is_some_and(|c| is_sep(*c)) {
                    j += 1;
                }
            }
            Atom::Ch(c) => {
                if hay.get(j) != Some(c) {
                    return None;
                }
                j += 1;
            }
        }
    }
    Some(j)
}

/// The end of `pat` matched at `i`, honouring ASCII word boundaries for names that begin or
/// end with a letter or digit (Chinese has no word boundaries to honour).
fn match_at<K>(
    hay: &[char],
    i: usize,
    pat: &Pattern<K>,
    gap_at: Option<usize>,
    suffixes: &[&str],
) -> Option<usize> {
    let end = match_atoms(hay, i, &pat.atoms, gap_at)?;
    if is_word(pat.first) && i > 0 && is_word(hay[i - 1]) {
        return None;
    }
    let last = match pat.atoms.last()? {
        Atom::Ch(c) => *c,
        Atom::Sep => return Some(end),
    };
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

/// The best match of `pat` at `i`: exactly, or else with one character inside it. The bool
/// says whether it was exact.
fn best_at<K>(
    hay: &[char],
    i: usize,
    pat: &Pattern<K>,
    suffixes: &[&str],
) -> Option<(bool, usize)> {
    if let Some(end) = match_at(hay, i, pat, None, suffixes) {
        return Some((true, end));
    }
    if !pat.gap {
        return None;
    }
    (1..pat.atoms.len())
        .find_map(|k| match_at(hay, i, pat, Some(k), suffixes))
        .map(|end| (false, end))
}

/// Leftmost-longest, consuming: (start, end, key) in char indices. An exact match beats one
/// with a character inside it; then the longer; on equal length the higher rank.
pub(super) fn scan<K: Clone>(
    hay: &[char],
    pats: &[Pattern<K>],
    suffixes: &[&str],
) -> Vec<(usize, usize, K)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < hay.len() {
        let mut best: Option<((bool, usize, u8), &K)> = None;
        for p in pats.iter().filter(|p| p.first == hay[i]) {
            if let Some((exact, end)) = best_at(hay, i, p, suffixes) {
                let score = (exact, end, p.rank);
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, &p.key));
                }
            }
        }
        match best {
            Some(((_, end, _), key)) => {
                out.push((i, end, key.clone()));
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

#[derive(Clone)]
pub(super) enum Party {
    Role(RoleId),
    Dept(String),
    Alliance(String),
}

pub(super) fn party_patterns(cx: &ParseContext) -> Vec<Pattern<Party>> {
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
    for a in cx.alliances {
        pats.extend(
            a.names
                .iter()
                .filter_map(|w| pattern(w, Party::Alliance(a.id.clone()), 2)),
        );
    }
    pats
}

pub(super) fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}
