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
fn alliance_members_are_its_liaisons_and_must_name_a_known_alliance() {
    let alliance = "[[alliance]]\nid = \"ynu\"\nname = \"云南大学\"\naliases = [\"云大\"]\n";
    let member = "[[member]]\ntelegram_id = 3001\nname = \"李明\"\nalliance = \"ynu\"\n";
    let org = parse_org(&format!("{GOOD}{alliance}{member}")).unwrap();
    let ynu = Scope::Alliance(AllianceId::checked("ynu"));
    assert_eq!(org.alliances[0].aliases, vec!["云大".to_string()]);
    assert_eq!(
        org.roles_of(TelegramUserId(3001), &ynu),
        vec![RoleId::new("liaison")]
    );
    assert_eq!(org.scope_name(&ynu), "云南大学");
    let unknown = format!("{GOOD}{alliance}{}", member.replace("\"ynu\"", "\"nku\""));
    let e = problem_of(&unknown);
    assert_eq!(e.problem, OrgProblem::UnknownAlliance { id: "nku".into() });
    assert_eq!(e.line, line_of(&unknown, "alliance = \"nku\""));
    let two = format!(
        "{GOOD}{alliance}{}",
        member.replace("alliance", "unit = \"cuihu\"\nalliance")
    );
    assert_eq!(problem_of(&two).problem, OrgProblem::MemberScope);
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

// ---- Boundaries, addresses and the resident policy ----

/// GOOD with a boundary, addresses and a `[resident]` table on the grid. Lines are found by
/// their text, so the cases below can replace parts of it.
fn with_boundary(boundary: &str) -> String {
    GOOD.replace(
        "aliases = [\"第一网格\"]\n",
        &format!("aliases = [\"第一网格\"]\n{boundary}\naddresses = [\"翠湖北路\", \" \"]\n"),
    )
}

const RING: &str = "boundary = [\n  [102.699, 25.050],\n  [102.708, 25.050],\n  [102.708, 25.054],\n  [102.699, 25.054],\n]";

fn parse_with(text: &str, files: &[(&str, &str)]) -> Result<Organisation, OrgError> {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    parse_org_with(text, &move |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| format!("{name}: not found"))
    })
}

#[test]
fn an_inline_ring_is_closed_and_addresses_kept() {
    let org = parse_org(&with_boundary(RING)).unwrap();
    let grid = org.unit(&UnitId::checked("cuihu-1")).unwrap();
    let b = grid.boundary.as_ref().expect("a boundary");
    let ring = &b.polygons().0[0].exterior().0;
    assert_eq!(ring.len(), 5, "the first corner is repeated at the end");
    assert_eq!(ring[0], ring[4]);
    // The visibly empty keyword is dropped, as aliases are.
    assert_eq!(grid.addresses, vec!["翠湖北路".to_string()]);
    assert!(org
        .unit(&UnitId::checked("cuihu"))
        .unwrap()
        .boundary
        .is_none());
    // A ring already closed is taken as it is.
    let closed = RING.replace("\n]", "\n  [102.699, 25.050],\n]");
    let org2 = parse_org(&with_boundary(&closed)).unwrap();
    assert_eq!(
        org2.unit(&UnitId::checked("cuihu-1")).unwrap().boundary,
        grid.boundary
    );
    // Integers are numbers too.
    let ints = parse_org(&with_boundary(
        "boundary = [[102, 25], [103, 25], [103, 26]]",
    ))
    .unwrap();
    assert!(ints
        .unit(&UnitId::checked("cuihu-1"))
        .unwrap()
        .boundary
        .is_some());
}

#[test]
fn broken_boundaries_name_the_line_and_the_problem() {
    type Check = fn(&OrgProblem) -> bool;
    let cases: Vec<(String, &str, Check)> = vec![
        (
            // Latitude first, as Telegram shows it: out of range as a latitude.
            with_boundary(&RING.replace("[102.708, 25.054]", "[25.054, 102.708]")),
            "[25.054, 102.708]",
            |p| {
                matches!(p, OrgProblem::BoundaryCoordinate { id, lon, lat }
                    if id == "cuihu-1" && lon == "25.054" && lat == "102.708")
            },
        ),
        (
            with_boundary(&RING.replace("[102.699, 25.054]", "[190, 25.054]")),
            "[190, 25.054]",
            |p| matches!(p, OrgProblem::BoundaryCoordinate { lon, .. } if lon == "190"),
        ),
        (
            with_boundary(&RING.replace("[102.699, 25.054]", "[nan, 25.054]")),
            "[nan, 25.054]",
            |p| matches!(p, OrgProblem::BoundaryCoordinate { .. }),
        ),
        (
            // Two corners and the repeat: not an area.
            with_boundary("boundary = [[102.70, 25.05], [102.71, 25.05], [102.70, 25.05]]"),
            "boundary = [[102.70",
            |p| matches!(p, OrgProblem::BoundaryRing { id, points: 3 } if id == "cuihu-1"),
        ),
        (
            with_boundary("boundary = [[102.70, 25.05], [102.71, 25.05]]"),
            "boundary = [[102.70",
            |p| matches!(p, OrgProblem::BoundaryRing { points: 3, .. }),
        ),
        (
            with_boundary(&format!("{RING}\nboundary_file = \"cuihu-1.geojson\"")),
            "boundary = [",
            |p| matches!(p, OrgProblem::BoundaryTwice { id } if id == "cuihu-1"),
        ),
        (
            with_boundary("boundary_file = \"missing.geojson\""),
            "boundary_file",
            |p| {
                matches!(p, OrgProblem::BoundaryFile { id, file, detail }
                    if id == "cuihu-1" && file == "missing.geojson" && detail.contains("not found"))
            },
        ),
        (
            with_boundary("boundary_file = \"broken.geojson\""),
            "boundary_file",
            |p| matches!(p, OrgProblem::BoundaryFile { file, .. } if file == "broken.geojson"),
        ),
        (
            with_boundary("boundary_file = \"point.geojson\""),
            "boundary_file",
            |p| matches!(p, OrgProblem::BoundaryKind { kind, .. } if kind == "Point"),
        ),
        (
            with_boundary("boundary_file = \"empty.geojson\""),
            "boundary_file",
            |p| matches!(p, OrgProblem::BoundaryFile { file, .. } if file == "empty.geojson"),
        ),
        (
            with_boundary("boundary_file = \"far.geojson\""),
            "boundary_file",
            |p| matches!(p, OrgProblem::BoundaryCoordinate { lat, .. } if lat == "95"),
        ),
    ];
    let files = [
        (
            "broken.geojson",
            "{\"type\": \"Polygon\", \"coordinates\": [[[1, 2],",
        ),
        (
            "point.geojson",
            r#"{"type": "Point", "coordinates": [102.7, 25.05]}"#,
        ),
        (
            "empty.geojson",
            r#"{"type": "FeatureCollection", "features": []}"#,
        ),
        (
            "far.geojson",
            r#"{"type": "Polygon", "coordinates": [[[1, 2], [3, 4], [5, 95], [1, 2]]]}"#,
        ),
    ];
    for (i, (text, needle, expected)) in cases.into_iter().enumerate() {
        let e = parse_with(&text, &files).expect_err("refused");
        assert!(expected(&e.problem), "case {i}: got {e:?}");
        assert_eq!(e.line, line_of(&text, needle), "case {i}: {e:?}");
    }
}

#[test]
fn a_boundary_file_is_read_through_the_callers_reader_only() {
    let text = with_boundary("boundary_file = \"cuihu-1.geojson\"");
    let feature = r#"{"type": "Feature", "properties": {"name": "翠湖社区第一网格"},
        "geometry": {"type": "Polygon", "coordinates": [[[102.699, 25.050], [102.708, 25.050],
        [102.708, 25.054], [102.699, 25.054], [102.699, 25.050]]]}}"#;
    let org = parse_with(&text, &[("cuihu-1.geojson", feature)]).unwrap();
    let from_file = org
        .unit(&UnitId::checked("cuihu-1"))
        .unwrap()
        .boundary
        .clone();
    let inline = parse_org(&with_boundary(RING)).unwrap();
    assert_eq!(
        from_file,
        inline.unit(&UnitId::checked("cuihu-1")).unwrap().boundary,
        "the same ring from a file and inline"
    );
    // Without a reader (the sandbox's parse_org) a boundary file is refused, with its line.
    let e = parse_org(&text).unwrap_err();
    assert!(
        matches!(e.problem, OrgProblem::BoundaryFile { .. }),
        "{e:?}"
    );
    assert_eq!(e.line, line_of(&text, "boundary_file"));
}

#[test]
fn the_resident_table_has_defaults_and_ranges() {
    let org = parse_org(GOOD).unwrap();
    assert_eq!(org.resident, ResidentPolicy::default());
    assert_eq!(org.resident.rate_within, Secs(72 * 3600));
    assert_eq!(org.resident.duplicate_within, Secs(7 * 86_400));
    assert_eq!(
        (
            org.resident.duplicate_radius_m,
            org.resident.reports_per_day,
            org.resident.max_photos,
            org.resident.max_text
        ),
        (50, 5, 5, 1000)
    );
    let table = "\n[resident]\nrate_within = \"48h\"\nduplicate_within = \"3d\"\nduplicate_radius_m = 80\nreports_per_day = 3\nmax_photos = 10\nmax_text = 500\n";
    let org = parse_org(&format!("{GOOD}{table}")).unwrap();
    assert_eq!(
        org.resident,
        ResidentPolicy {
            rate_within: Secs(48 * 3600),
            duplicate_within: Secs(3 * 86_400),
            duplicate_radius_m: 80,
            reports_per_day: 3,
            max_photos: 10,
            max_text: 500,
        }
    );
    type Check = fn(&OrgProblem) -> bool;
    let cases: [(&str, &str, Check); 5] = [
        ("max_photos = 10", "max_photos = 11", |p| {
            matches!(
                p,
                OrgProblem::ResidentLimit {
                    key: "max_photos",
                    value: 11,
                    min: 0,
                    max: 10
                }
            )
        }),
        ("reports_per_day = 3", "reports_per_day = 0", |p| {
            matches!(
                p,
                OrgProblem::ResidentLimit {
                    key: "reports_per_day",
                    value: 0,
                    ..
                }
            )
        }),
        ("duplicate_radius_m = 80", "duplicate_radius_m = -5", |p| {
            matches!(
                p,
                OrgProblem::ResidentLimit {
                    key: "duplicate_radius_m",
                    value: -5,
                    ..
                }
            )
        }),
        ("max_text = 500", "max_text = 5000", |p| {
            matches!(
                p,
                OrgProblem::ResidentLimit {
                    key: "max_text",
                    max: 4096,
                    ..
                }
            )
        }),
        (
            "rate_within = \"48h\"",
            "rate_within = \"two days\"",
            |p| matches!(p, OrgProblem::BadDuration { value } if value == "two days"),
        ),
    ];
    for (from, to, expected) in cases {
        let text = format!("{GOOD}{}", table.replace(from, to));
        let e = problem_of(&text);
        assert!(expected(&e.problem), "{to}: {e:?}");
        assert_eq!(e.line, line_of(&text, to), "{to}");
    }
    let e = problem_of(&format!("{GOOD}\n[resident]\nmax_fotos = 3\n"));
    assert!(matches!(e.problem, OrgProblem::Syntax { .. }), "{e:?}");
}

#[test]
fn the_retention_table_has_privacy_defaults_values_and_ranges() {
    // Absent: the defaults, kept with the policy.
    let org = parse_org(GOOD).unwrap();
    let r = org.policy.retention;
    assert_eq!(r, Retention::default());
    assert_eq!(
        (r.update_payload, r.done_jobs),
        (PayloadRetention::Processed, JobRetention::Closed)
    );
    assert_eq!(
        (r.update_ids_days, r.sent_outbox_days, r.people_days),
        (7, 30, 180)
    );
    let table = "\n[retention]\nupdate_payload = \"kept\"\nupdate_ids_days = 3\nsent_outbox_days = 90\ndone_jobs = \"kept\"\npeople_days = 365\n";
    let org = parse_org(&format!("{GOOD}{table}")).unwrap();
    assert_eq!(
        org.policy.retention,
        Retention {
            update_payload: PayloadRetention::Kept,
            update_ids_days: 3,
            sent_outbox_days: 90,
            done_jobs: JobRetention::Kept,
            people_days: 365,
        }
    );
    // A policy stored before the table existed reads back with the defaults.
    let mut stored = serde_json::to_value(&org.policy).unwrap();
    stored.as_object_mut().unwrap().remove("retention");
    let read: crate::domain::policy::Policy = serde_json::from_value(stored).unwrap();
    assert_eq!(read.retention, Retention::default());

    type Check = fn(&OrgProblem) -> bool;
    let cases: [(&str, &str, Check); 5] = [
        ("update_ids_days = 3", "update_ids_days = 0", |p| {
            matches!(
                p,
                OrgProblem::RetentionLimit {
                    key: "update_ids_days",
                    value: 0,
                    min: 1,
                    max: 3650
                }
            )
        }),
        ("sent_outbox_days = 90", "sent_outbox_days = -1", |p| {
            matches!(
                p,
                OrgProblem::RetentionLimit {
                    key: "sent_outbox_days",
                    value: -1,
                    ..
                }
            )
        }),
        ("people_days = 365", "people_days = 99999999999", |p| {
            matches!(
                p,
                OrgProblem::RetentionLimit {
                    key: "people_days",
                    max: 36500,
                    ..
                }
            )
        }),
        (
            "update_payload = \"kept\"",
            "update_payload = \"forever\"",
            |p| {
                matches!(p, OrgProblem::RetentionWord { key: "update_payload", value, allowed }
                    if value == "forever" && allowed == "\"processed\", \"kept\"")
            },
        ),
        (
            "done_jobs = \"kept\"",
            "done_jobs = \"all\"",
            |p| matches!(p, OrgProblem::RetentionWord { key: "done_jobs", value, .. } if value == "all"),
        ),
    ];
    for (from, to, expected) in cases {
        let text = format!("{GOOD}{}", table.replace(from, to));
        let e = problem_of(&text);
        assert!(expected(&e.problem), "{to}: {e:?}");
        assert_eq!(e.line, line_of(&text, to), "{to}");
    }
    let e = problem_of(&format!("{GOOD}\n[retention]\nupdates_days = 3\n"));
    assert!(matches!(e.problem, OrgProblem::Syntax { .. }), "{e:?}");
}
