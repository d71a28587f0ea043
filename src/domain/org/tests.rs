//! Tests of reading the organisation file: a good file yields the whole organisation, and each
//! kind of broken file is refused with the line of the problem.

use super::*;
use crate::domain::policy::Secs;
use chrono::NaiveDate;

const GOOD: &str = r#"
timezone = "Asia/Shanghai"
default_locale = "zh-Hans"
[policy]
ack_within = "30m"
resolve_within = "24h"
[policy.urgent]
ack_within = "10m"
resolve_within = "4h"
[policy.community]
ack_within = "1h"
[calendar]
hours = "09:00-18:00"
days_off = ["2026-10-01"]
workdays = ["2026-09-27"]
[[unit]]
id = "wuhua"
kind = "district"
name = "五华区"
[[unit]]
id = "huashan"
kind = "subdistrict"
parent = "wuhua"
name = "华山街道"
chat_id = -1001000000100
[[unit]]
id = "cuihu"
kind = "community"
parent = "huashan"
name = "翠湖社区"
[[unit]]
id = "cuihu-1"
kind = "grid"
parent = "cuihu"
name = "翠湖社区第一网格"
aliases = ["第一网格"]
[[department]]
id = "urban"
name = "城管中队"
chat_id = -1001000000900
handles = ["占道经营", "违建"]
ack_within = "2h"
[[member]]
telegram_id = 1002
name = "王芳"
username = "wangfang"
unit = "cuihu-1"
roles = ["sanitation"]
[[member]]
telegram_id = 1002
name = "王芳"
unit = "cuihu-1"
roles = ["volunteer"]
[[member]]
telegram_id = 2001
name = "何振华"
department = "urban"
roles = ["liaison"]
[[admin]]
telegram_id = 1
[[keyword]]
words = ["井盖"]
role = "urban_enforcement"
[[role]]
id = "volunteer"
names = { zh-Hans = "志愿者", zh-Hant = "志願者", en = "volunteer" }
aliases = ["义工"]
"#;

#[test]
fn a_good_file_yields_the_whole_organisation() {
    let org = parse_org(GOOD).unwrap();
    assert_eq!(org.units.len(), 4);
    assert_eq!(
        org.people.len(),
        2,
        "one person with two memberships is one person"
    );
    assert_eq!(org.memberships.len(), 3);
    assert_eq!(org.departments[0].durations.ack_within, Some(Secs(7200)));
    assert_eq!(
        org.policy
            .deadlines(Level::Community, false, None)
            .ack_within,
        Secs(3600)
    );
    assert_eq!(org.admins, vec![TelegramUserId(1)]);
    assert_eq!(org.keywords[0].role.as_str(), "urban_enforcement");
    let cal = org.calendar.unwrap();
    assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2026, 9, 27).unwrap()));
    assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()));
    assert_eq!(org.people[0].username.as_deref(), Some("wangfang"));
}

fn problem_of(text: &str) -> OrgError {
    parse_org(text).expect_err("the file should be refused")
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn broken_files_name_the_line_and_the_problem() {
    type Check = fn(&OrgProblem) -> bool;
    let cases: Vec<(String, &str, Check)> = vec![
        (
            GOOD.replace("parent = \"cuihu\"", "parent = \"cuihuu\""),
            "parent = \"cuihuu\"",
            |p| matches!(p, OrgProblem::UnknownParent { parent, .. } if parent == "cuihuu"),
        ),
        (
            GOOD.replace("roles = [\"sanitation\"]", "roles = [\"cook\"]"),
            "roles = [\"cook\"]",
            |p| matches!(p, OrgProblem::UnknownRole { role } if role == "cook"),
        ),
        (
            GOOD.replace("id = \"cuihu-1\"", "id = \"cuihu\" # again"),
            "# again",
            |p| matches!(p, OrgProblem::DuplicateId { what: "unit", id } if id == "cuihu"),
        ),
        (
            GOOD.replace(
                "kind = \"district\"\n",
                "kind = \"district\"\nparent = \"cuihu-1\"\n",
            ),
            "id = \"wuhua\"",
            |p| matches!(p, OrgProblem::Cycle { path } if path.starts_with("wuhua")),
        ),
        (
            GOOD.replace("ack_within = \"2h\"", "ack_within = \"2 hours\""),
            "2 hours",
            |p| matches!(p, OrgProblem::BadDuration { value } if value == "2 hours"),
        ),
        (
            GOOD.replace("Asia/Shanghai", "Mars/Olympus"),
            "Mars/Olympus",
            |p| matches!(p, OrgProblem::BadTimezone { .. }),
        ),
        (
            GOOD.replace("kind = \"grid\"", "kind = \"block\""),
            "kind = \"block\"",
            |p| matches!(p, OrgProblem::UnknownKind { .. }),
        ),
        (
            GOOD.replace("department = \"urban\"", "department = \"water\""),
            "department = \"water\"",
            |p| matches!(p, OrgProblem::UnknownDepartment { .. }),
        ),
        (
            GOOD.replace("parent = \"huashan\"", "parent = \"wuhua\" # wrong level"),
            "# wrong level",
            |p| {
                matches!(
                    p,
                    OrgProblem::ParentKind {
                        expected: "subdistrict",
                        ..
                    }
                )
            },
        ),
    ];
    for (i, (text, needle, expected)) in cases.into_iter().enumerate() {
        let e = problem_of(&text);
        assert!(expected(&e.problem), "case {i}: got {e:?}");
        let first_line = needle.lines().next().unwrap();
        assert_eq!(e.line, line_of(&text, first_line), "case {i}: {e:?}");
    }
}

#[test]
fn syntax_errors_and_unknown_keys_have_lines_too() {
    let e = problem_of("timezone = \"Asia/Shanghai\"\n[[unit]]\nid = \"x\"\nkind = \n");
    assert_eq!(e.line, 4);
    assert!(matches!(e.problem, OrgProblem::Syntax { .. }));
    let e = problem_of("[[unit]]\nid = \"x\"\nkind = \"grid\"\nname = \"x\"\ncolour = \"red\"\n");
    assert!(matches!(e.problem, OrgProblem::Syntax { .. }));
    assert!(e.line >= 1);
}

#[test]
fn a_department_id_must_fit_in_button_data() {
    for bad in ["Urban Squad", "城管", &"x".repeat(33)] {
        let text = GOOD.replacen("id = \"urban\"", &format!("id = \"{bad}\""), 1);
        assert!(
            matches!(
                problem_of(&text).problem,
                OrgProblem::BadDepartmentId { .. }
            ),
            "{bad}"
        );
    }
}

#[test]
fn a_member_needs_exactly_one_scope() {
    let text = GOOD.replace(
        "department = \"urban\"",
        "department = \"urban\"\nunit = \"cuihu\"",
    );
    assert_eq!(problem_of(&text).problem, OrgProblem::MemberScope);
}

#[test]
fn unit_and_alliance_ids_must_fit_in_a_start_link() {
    let alliance = "[[alliance]]\nid = \"yunnan-university\"\nname = \"云南大学\"\n";
    let base = format!("{GOOD}{alliance}");
    assert!(parse_org(&base).is_ok());
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str)] = &[
        ("id = \"cuihu-1\"", "id = \"cuihu 1\"", "unit"),
        ("id = \"cuihu-1\"", "id = \"翠湖一\"", "unit"),
        ("id = \"cuihu-1\"", "id = \"\"", "unit"),
        ("id = \"wuhua\"", "id = \"wuhua-district-of-kunming-yunnan-1\"", "unit"),
        ("id = \"yunnan-university\"", "id = \"yunnan.university\"", "alliance"),
    ];
    for (from, to, what) in cases {
        let text = base.replacen(from, to, 1);
        let e = problem_of(&text);
        assert!(
            matches!(&e.problem, OrgProblem::BadId { what: w, .. } if w == what),
            "{to}: {e:?}"
        );
        assert_eq!(e.line, line_of(&text, to), "{to}");
    }
    // Upper case is allowed now (a /start link carries it), for departments too.
    let upper = base.replace("\"urban\"", "\"Urban_Squad\"");
    assert!(parse_org(&upper).is_ok());
}

#[test]
fn every_string_of_the_file_is_normalised() {
    // Bidi overrides and controls pasted into names, aliases, handles, keywords, role names,
    // usernames and even durations: all come out clean, and a keyword that shows nothing is
    // dropped rather than matching every zero-width space.
    let dirty = GOOD
        .replace("name = \"翠湖社区\"", "name = \"翠湖\\u202E社区\\u0000\"")
        .replace(
            "aliases = [\"第一网格\"]",
            "aliases = [\"第一\\u200E网格\", \"\\u200B\"]",
        )
        .replace(
            "handles = [\"占道经营\", \"违建\"]",
            "handles = [\"占道\\u2066经营\", \"违建\\r\"]",
        )
        .replace(
            "name = \"王芳\"\nusername",
            "name = \"王\\u001B芳\"\nusername",
        )
        .replace(
            "words = [\"井盖\"]",
            "words = [\"井\\u202D盖\", \"\\uFEFF \"]",
        )
        .replace("en = \"volunteer\"", "en = \"volun\\u2067teer\"")
        .replace("ack_within = \"2h\"", "ack_within = \"2h\\u200F\"");
    let org = parse_org(&dirty).unwrap();
    let all = format!("{org:?}");
    let bad = crate::domain::text::is_removed_control;
    assert!(!all.contains(['\u{202E}', '\u{0}', '\u{200E}', '\u{2066}', '\u{1B}']));
    let clean = parse_org(GOOD).unwrap();
    assert_eq!(org.units, clean.units);
    assert_eq!(org.departments, clean.departments);
    assert_eq!(org.people, clean.people);
    assert_eq!(org.keywords, clean.keywords);
    assert_eq!(org.roles, clean.roles);
    for r in &org.roles {
        assert!(!r.1.all_forms().any(|f| f.chars().any(bad)));
    }
}

#[test]
fn a_role_entry_with_a_builtin_id_and_no_names_adds_aliases() {
    let text = format!(
        "{GOOD}[[role]]\nid = \"community_police\"\naliases = [\"片儿警\", \"阿sir\"]\n\
         [[keyword]]\nwords = [\"遛狗不牵绳\"]\nrole = \"community_police\"\n"
    );
    let org = parse_org(&text).unwrap();
    let catalog = org.catalog();
    let police = RoleId::new("community_police");
    assert_eq!(catalog.lookup("阿sir"), Some(police.clone()));
    assert_eq!(
        catalog.lookup("民警"),
        Some(police.clone()),
        "built-in aliases kept"
    );
    assert_eq!(catalog.display(&police, "zh-Hans"), "社区民警");
    // A custom role still needs its three names.
    let text = format!("{GOOD}[[role]]\nid = \"cook\"\naliases = [\"厨师\"]\n");
    assert!(matches!(
        problem_of(&text).problem,
        OrgProblem::RoleNames { .. }
    ));
}

#[test]
fn verify_within_defaults_to_a_day_and_is_read_from_the_policy() {
    assert_eq!(parse_org(GOOD).unwrap().policy.verify_within, Secs(86_400));
    let set = GOOD.replace("[policy]\n", "[policy]\nverify_within = \"2h\"\n");
    assert_eq!(parse_org(&set).unwrap().policy.verify_within, Secs(7200));
    let bad = GOOD.replace("[policy]\n", "[policy]\nverify_within = \"soon\"\n");
    let e = problem_of(&bad);
    assert_eq!(e.line, line_of(&bad, "soon"));
    assert!(matches!(e.problem, OrgProblem::BadDuration { value } if value == "soon"));
    // A policy stored before the key existed still loads, with the default.
    let mut stored = serde_json::to_value(&parse_org(GOOD).unwrap().policy).unwrap();
    stored.as_object_mut().unwrap().remove("verify_within");
    let p: crate::domain::policy::Policy = serde_json::from_value(stored).unwrap();
    assert_eq!(p.verify_within, Secs(86_400));
}
