//! Checking an organisation file as a whole and turning it into the model: every reference
//! must resolve, every id must be well formed, units must form a tree of the right levels, and
//! each problem is reported with the line it is on (1-based; 0 when it concerns the whole file).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use toml::Spanned;

use super::policy_file::{assessment, calendar, duration, policy, resident};
use super::schema::{
    Clean, OrgError, OrgProblem, RawAdmin, RawAlliance, RawDepartment, RawKeyword, RawMember,
    RawOrg, RawRole, RawUnit,
};
use super::{Alliance, Department, Membership, Organisation, Person, Unit};
use crate::domain::geo::{Boundary, BoundaryError};
use crate::domain::ids::{AllianceId, DepartmentId, Lang, Scope, TelegramUserId, UnitId};
use crate::domain::parse::KeywordRule;
use crate::domain::policy::{Durations, Level};
use crate::domain::role::{builtin_roles, RoleCatalog, RoleId, RoleNames, LIAISON};
use crate::domain::text::is_visibly_empty;

/// Maps byte offsets to 1-based line numbers.
pub(super) struct Lines<'a>(&'a str);

impl Lines<'_> {
    pub(super) fn of(&self, offset: usize) -> usize {
        let end = offset.min(self.0.len());
        self.0.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }
    pub(super) fn at<T>(&self, s: &Spanned<T>) -> usize {
        self.of(s.span().start)
    }
}

pub(super) fn err<T>(line: usize, problem: OrgProblem) -> Result<T, OrgError> {
    Err(OrgError { line, problem })
}

fn check_unique<'a>(
    lines: &Lines,
    what: &'static str,
    ids: impl Iterator<Item = &'a Spanned<String>>,
) -> Result<(), OrgError> {
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(id.get_ref().as_str()) {
            return err(
                lines.at(id),
                OrgProblem::DuplicateId {
                    what,
                    id: id.get_ref().clone(),
                },
            );
        }
    }
    Ok(())
}

/// The level a unit of `kind` hangs under.
fn expected_parent(kind: Level) -> Option<Level> {
    match kind {
        Level::District => None,
        Level::Subdistrict => Some(Level::District),
        Level::Community => Some(Level::Subdistrict),
        Level::Grid => Some(Level::Community),
    }
}

/// Names, aliases, handles and keywords that show nothing are dropped: an alias of only a
/// zero-width space would otherwise match every message that contains one.
fn visible(words: &[String]) -> Vec<String> {
    words
        .iter()
        .filter(|w| !is_visibly_empty(w))
        .cloned()
        .collect()
}

/// A unit or alliance id must be usable in a Telegram `/start` link.
fn check_id(lines: &Lines, what: &'static str, id: &Spanned<String>) -> Result<(), OrgError> {
    match UnitId::parse(id.get_ref()) {
        Ok(_) => Ok(()),
        Err(_) => err(
            lines.at(id),
            OrgProblem::BadId {
                what,
                id: id.get_ref().clone(),
            },
        ),
    }
}

/// Reads a file the organisation file names (a `boundary_file`), by the name as written there;
/// `Err` says why it cannot. The caller decides where names are relative to: the domain does no
/// I/O.
pub type ReadFile<'a> = &'a dyn Fn(&str) -> Result<String, String>;

fn boundary_problem(id: &str, file: Option<&str>, e: BoundaryError) -> OrgProblem {
    let id = id.to_string();
    match e {
        BoundaryError::Ring { points } => OrgProblem::BoundaryRing { id, points },
        BoundaryError::Coordinate { lon, lat } => OrgProblem::BoundaryCoordinate {
            id,
            lon: lon.to_string(),
            lat: lat.to_string(),
        },
        BoundaryError::Kind { kind } => OrgProblem::BoundaryKind { id, kind },
        BoundaryError::Json { detail } => OrgProblem::BoundaryFile {
            id,
            file: file.unwrap_or_default().to_string(),
            detail,
        },
    }
}

/// A unit's area: inline (one outer ring; a position out of range is reported on its own
/// line) or from a GeoJSON file (holes, several polygons). A ring left open is closed (see
/// [`Boundary`]).
fn boundary(lines: &Lines, files: ReadFile, u: &RawUnit) -> Result<Option<Boundary>, OrgError> {
    let id = u.id.get_ref();
    match (&u.boundary, &u.boundary_file) {
        (None, None) => Ok(None),
        (Some(b), Some(_)) => err(lines.at(b), OrgProblem::BoundaryTwice { id: id.clone() }),
        (Some(b), None) => {
            for p in b.get_ref() {
                if let Err(e) = Boundary::check_position(*p.get_ref()) {
                    return err(lines.at(p), boundary_problem(id, None, e));
                }
            }
            let points: Vec<[f64; 2]> = b.get_ref().iter().map(|p| *p.get_ref()).collect();
            Boundary::from_ring(&points)
                .map(Some)
                .map_err(|e| OrgError {
                    line: lines.at(b),
                    problem: boundary_problem(id, None, e),
                })
        }
        (None, Some(f)) => {
            let name = f.get_ref().trim();
            let at = lines.at(f);
            let text = files(name).map_err(|detail| OrgError {
                line: at,
                problem: OrgProblem::BoundaryFile {
                    id: id.clone(),
                    file: name.to_string(),
                    detail,
                },
            })?;
            Boundary::from_geojson(&text)
                .map(Some)
                .map_err(|e| OrgError {
                    line: at,
                    problem: boundary_problem(id, Some(name), e),
                })
        }
    }
}

fn units(lines: &Lines, files: ReadFile, raw: &[RawUnit]) -> Result<Vec<Unit>, OrgError> {
    for u in raw {
        check_id(lines, "unit", &u.id)?;
    }
    check_unique(lines, "unit", raw.iter().map(|u| &u.id))?;
    let mut out = Vec::new();
    for u in raw {
        let Some(kind) = Level::parse(u.kind.get_ref().trim()) else {
            return err(
                lines.at(&u.kind),
                OrgProblem::UnknownKind {
                    value: u.kind.get_ref().clone(),
                },
            );
        };
        out.push(Unit {
            id: UnitId::checked(u.id.get_ref().clone()),
            kind,
            parent: u
                .parent
                .as_ref()
                .map(|p| UnitId::checked(p.get_ref().clone())),
            name: u.name.clone(),
            aliases: visible(&u.aliases),
            chat_id: u.chat_id,
            boundary: boundary(lines, files, u)?,
            addresses: visible(&u.addresses),
        });
    }
    let by_id: HashMap<&str, &Unit> = out.iter().map(|u| (u.id.as_str(), u)).collect();
    check_parents_exist(lines, &out, raw, &by_id)?;
    // Cycles before kinds: a loop is the clearer message when both apply.
    check_cycles(lines, &out, raw, &by_id)?;
    check_parent_kinds(lines, &out, raw, &by_id)?;
    Ok(out)
}

fn check_parents_exist(
    lines: &Lines,
    units: &[Unit],
    raw: &[RawUnit],
    by_id: &HashMap<&str, &Unit>,
) -> Result<(), OrgError> {
    for (u, r) in units.iter().zip(raw) {
        if let (Some(p), Some(span)) = (&u.parent, &r.parent) {
            if !by_id.contains_key(p.as_str()) {
                return err(
                    lines.at(span),
                    OrgProblem::UnknownParent {
                        id: u.id.to_string(),
                        parent: p.to_string(),
                    },
                );
            }
        }
    }
    Ok(())
}

fn check_cycles(
    lines: &Lines,
    units: &[Unit],
    raw: &[RawUnit],
    by_id: &HashMap<&str, &Unit>,
) -> Result<(), OrgError> {
    for (u, r) in units.iter().zip(raw) {
        let mut path = vec![u.id.as_str()];
        let mut cur = u;
        while let Some(p) = &cur.parent {
            if p == &u.id {
                path.push(p.as_str());
                return err(
                    lines.at(&r.id),
                    OrgProblem::Cycle {
                        path: path.join(" → "),
                    },
                );
            }
            if path.len() > units.len() {
                break; // a cycle above this unit; reported when its own members are checked
            }
            path.push(p.as_str());
            cur = by_id[p.as_str()];
        }
    }
    Ok(())
}

fn check_parent_kinds(
    lines: &Lines,
    units: &[Unit],
    raw: &[RawUnit],
    by_id: &HashMap<&str, &Unit>,
) -> Result<(), OrgError> {
    for (u, r) in units.iter().zip(raw) {
        match (&u.parent, expected_parent(u.kind)) {
            (Some(_), None) => {
                return err(
                    lines.at(&r.id),
                    OrgProblem::DistrictWithParent {
                        id: u.id.to_string(),
                    },
                )
            }
            (Some(p), Some(expected)) => {
                let parent = by_id[p.as_str()];
                if parent.kind != expected {
                    return err(
                        lines.at(r.parent.as_ref().unwrap_or(&r.id)),
                        OrgProblem::ParentKind {
                            id: u.id.to_string(),
                            kind: u.kind.as_str(),
                            parent: p.to_string(),
                            parent_kind: parent.kind.as_str(),
                            expected: expected.as_str(),
                        },
                    );
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Custom roles, and additions to built-in ones. A `[[role]]` with a built-in id and no names
/// only adds its aliases ("片儿警" for the community police); with names it renames the role
/// and still keeps the built-in aliases, which people go on typing.
fn custom_roles(lines: &Lines, raw: &[RawRole]) -> Result<Vec<(RoleId, RoleNames)>, OrgError> {
    check_unique(lines, "role", raw.iter().map(|r| &r.id))?;
    let builtin: BTreeMap<RoleId, RoleNames> = builtin_roles().into_iter().collect();
    raw.iter()
        .map(|r| {
            let id = RoleId::new(r.id.get_ref().clone());
            let base = builtin.get(&id);
            let get = |k: &str| r.names.get(k).cloned().filter(|s| !is_visibly_empty(s));
            let mut names = match (get("zh-Hans"), get("zh-Hant"), get("en"), base) {
                (Some(zh_hans), Some(zh_hant), Some(en), _) => RoleNames {
                    zh_hans,
                    zh_hant,
                    en,
                    aliases: base.map(|b| b.aliases.clone()).unwrap_or_default(),
                },
                (None, None, None, Some(b)) if r.names.is_empty() => b.clone(),
                _ => {
                    return err(
                        lines.at(&r.id),
                        OrgProblem::RoleNames {
                            id: r.id.get_ref().clone(),
                        },
                    )
                }
            };
            for a in visible(&r.aliases) {
                if !names.aliases.contains(&a) {
                    names.aliases.push(a);
                }
            }
            Ok((id, names))
        })
        .collect()
}

fn timezone(lines: &Lines, raw: &Option<Spanned<String>>) -> Result<chrono_tz::Tz, OrgError> {
    match raw {
        None => Ok(chrono_tz::Asia::Shanghai),
        Some(tz) => tz.get_ref().parse::<chrono_tz::Tz>().or_else(|_| {
            err(
                lines.at(tz),
                OrgProblem::BadTimezone {
                    value: tz.get_ref().clone(),
                },
            )
        }),
    }
}

fn locale(lines: &Lines, raw: &Option<Spanned<String>>) -> Result<Lang, OrgError> {
    match raw {
        None => Ok(Lang::ZhHans),
        Some(l) => match Lang::parse(l.get_ref()) {
            Some(l) => Ok(l),
            None => err(
                lines.at(l),
                OrgProblem::BadLocale {
                    value: l.get_ref().clone(),
                },
            ),
        },
    }
}

fn departments(lines: &Lines, raw: &[RawDepartment]) -> Result<Vec<Department>, OrgError> {
    let mut departments = Vec::new();
    for d in raw {
        // A department id travels in button data (at most 64 bytes with the order number) and
        // in /start links: the same rule as unit ids, with the department's own message.
        if DepartmentId::parse(d.id.get_ref()).is_err() {
            return err(
                lines.at(&d.id),
                OrgProblem::BadDepartmentId {
                    id: d.id.get_ref().clone(),
                },
            );
        }
    }
    check_unique(lines, "department", raw.iter().map(|d| &d.id))?;
    for d in raw {
        departments.push(Department {
            id: DepartmentId::checked(d.id.get_ref().clone()),
            name: d.name.clone(),
            aliases: visible(&d.aliases),
            chat_id: d.chat_id,
            handles: visible(&d.handles),
            durations: Durations {
                ack_within: duration(lines, &d.ack_within)?,
                resolve_within: duration(lines, &d.resolve_within)?,
                remind_before: duration(lines, &d.remind_before)?,
            },
        });
    }
    Ok(departments)
}

fn alliances(
    lines: &Lines,
    raw: &[RawAlliance],
    unit_ids: &BTreeSet<&str>,
) -> Result<Vec<Alliance>, OrgError> {
    for a in raw {
        check_id(lines, "alliance", &a.id)?;
    }
    check_unique(lines, "alliance", raw.iter().map(|a| &a.id))?;
    let mut alliances = Vec::new();
    for a in raw {
        if let Some(p) = &a.parent {
            if !unit_ids.contains(p.get_ref().as_str()) {
                return err(
                    lines.at(p),
                    OrgProblem::UnknownParent {
                        id: a.id.get_ref().clone(),
                        parent: p.get_ref().clone(),
                    },
                );
            }
        }
        alliances.push(Alliance {
            id: AllianceId::checked(a.id.get_ref().clone()),
            name: a.name.clone(),
            aliases: a.aliases.clone(),
            chat_id: a.chat_id,
            parent: a
                .parent
                .as_ref()
                .map(|p| UnitId::checked(p.get_ref().clone())),
        });
    }
    Ok(alliances)
}

fn known_role(
    lines: &Lines,
    catalog: &RoleCatalog,
    r: &Spanned<String>,
) -> Result<RoleId, OrgError> {
    let id = r.get_ref().trim();
    if catalog.contains(id) {
        Ok(RoleId::new(id))
    } else {
        err(
            lines.at(r),
            OrgProblem::UnknownRole {
                role: r.get_ref().clone(),
            },
        )
    }
}

/// The ids a `[[member]]` may refer to.
struct Known<'a> {
    units: BTreeSet<&'a str>,
    departments: BTreeSet<&'a str>,
    alliances: BTreeSet<&'a str>,
    roles: RoleCatalog,
}

fn member_scope(lines: &Lines, known: &Known, m: &RawMember) -> Result<Scope, OrgError> {
    match (&m.unit, &m.department, &m.alliance) {
        (Some(u), None, None) => {
            if !known.units.contains(u.get_ref().as_str()) {
                return err(
                    lines.at(u),
                    OrgProblem::UnknownUnit {
                        id: u.get_ref().clone(),
                    },
                );
            }
            Ok(Scope::Unit(UnitId::checked(u.get_ref().clone())))
        }
        (None, Some(d), None) => {
            if !known.departments.contains(d.get_ref().as_str()) {
                return err(
                    lines.at(d),
                    OrgProblem::UnknownDepartment {
                        id: d.get_ref().clone(),
                    },
                );
            }
            Ok(Scope::Department(DepartmentId::checked(
                d.get_ref().clone(),
            )))
        }
        (None, None, Some(a)) => {
            if !known.alliances.contains(a.get_ref().as_str()) {
                return err(
                    lines.at(a),
                    OrgProblem::UnknownAlliance {
                        id: a.get_ref().clone(),
                    },
                );
            }
            Ok(Scope::Alliance(AllianceId::checked(a.get_ref().clone())))
        }
        _ => err(lines.at(&m.telegram_id), OrgProblem::MemberScope),
    }
}

fn members(
    lines: &Lines,
    known: &Known,
    raw: &[RawMember],
) -> Result<(Vec<Person>, Vec<Membership>), OrgError> {
    let mut people: BTreeMap<i64, Person> = BTreeMap::new();
    let mut memberships = BTreeSet::new();
    for m in raw {
        let scope = member_scope(lines, known, m)?;
        let id = *m.telegram_id.get_ref();
        let username = m
            .username
            .as_ref()
            .map(|u| u.trim_start_matches('@').to_string())
            .filter(|u| !is_visibly_empty(u));
        // One person in several tables: the name of the last table wins, a username given
        // in any table is kept.
        let person = people.entry(id).or_insert_with(|| Person {
            telegram_id: TelegramUserId(id),
            name: m.name.clone(),
            username: None,
        });
        person.name = m.name.clone();
        if username.is_some() {
            person.username = username;
        }
        for r in &m.roles {
            memberships.insert(Membership {
                telegram_id: TelegramUserId(id),
                scope: scope.clone(),
                role: known_role(lines, &known.roles, r)?,
            });
        }
        // An alliance unit's people are its liaisons unless the file says otherwise.
        if m.roles.is_empty() && matches!(scope, Scope::Alliance(_)) {
            memberships.insert(Membership {
                telegram_id: TelegramUserId(id),
                scope: scope.clone(),
                role: RoleId::new(LIAISON),
            });
        }
    }
    Ok((
        people.into_values().collect(),
        memberships.into_iter().collect(),
    ))
}

fn keywords(
    lines: &Lines,
    catalog: &RoleCatalog,
    raw: &[RawKeyword],
) -> Result<Vec<KeywordRule>, OrgError> {
    raw.iter()
        .map(|k| {
            Ok(KeywordRule {
                words: visible(&k.words),
                role: known_role(lines, catalog, &k.role)?,
            })
        })
        .collect()
}

fn admins(raw: &[RawAdmin]) -> Vec<TelegramUserId> {
    let mut admins: Vec<TelegramUserId> =
        raw.iter().map(|a| TelegramUserId(a.telegram_id)).collect();
    admins.sort();
    admins.dedup();
    admins
}

/// Parses and validates an organisation file. The first problem found is returned with its line.
/// A `boundary_file` cannot be read this way (it is refused with its line): use
/// [`parse_org_with`] to say where files are.
pub fn parse_org(text: &str) -> Result<Organisation, OrgError> {
    parse_org_with(text, &|_| Err("no directory to read it from".to_string()))
}

/// [`parse_org`], reading each `boundary_file` with `files` (by the name as written; the
/// command line reads it relative to the organisation file's directory).
pub fn parse_org_with(text: &str, files: ReadFile) -> Result<Organisation, OrgError> {
    let lines = Lines(text);
    let mut raw: RawOrg = toml::from_str(text).map_err(|e| OrgError {
        line: e.span().map(|s| lines.of(s.start)).unwrap_or(0),
        problem: OrgProblem::Syntax {
            detail: e.message().to_string(),
        },
    })?;
    raw.clean();

    let timezone = timezone(&lines, &raw.timezone)?;
    let default_locale = locale(&lines, &raw.default_locale)?;
    let mut policy = policy(&lines, raw.policy.take())?;
    policy.assessment = assessment(&lines, raw.assessment.take())?;
    policy.retention = super::retention::retention(&lines, raw.retention.take())?;
    let calendar = calendar(&lines, raw.calendar.take())?;
    let resident = resident(&lines, raw.resident.take())?;
    let units = units(&lines, files, &raw.unit)?;
    let departments = departments(&lines, &raw.department)?;
    let unit_ids: BTreeSet<&str> = units.iter().map(|u| u.id.as_str()).collect();
    let alliances = alliances(&lines, &raw.alliance, &unit_ids)?;
    let roles = custom_roles(&lines, &raw.role)?;
    let known = Known {
        units: unit_ids,
        departments: departments.iter().map(|d| d.id.as_str()).collect(),
        alliances: alliances.iter().map(|a| a.id.as_str()).collect(),
        roles: RoleCatalog::with_custom(roles.clone()),
    };
    let (people, memberships) = members(&lines, &known, &raw.member)?;
    let keywords = keywords(&lines, &known.roles, &raw.keyword)?;
    let admins = admins(&raw.admin);
    drop(known);

    Ok(Organisation {
        timezone,
        default_locale,
        policy,
        calendar,
        units,
        departments,
        alliances,
        people,
        memberships,
        admins,
        keywords,
        roles,
        resident,
    })
}
