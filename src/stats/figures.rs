//! The figures of a scope over a period, as counted in the database, and the rates made of
//! them. Orders count in the period they were whistled, parties in the period they were
//! summoned; cancelled orders count nowhere; items still open and not yet overdue are left out
//! of denominators.

use crate::domain::{AllianceId, DepartmentId, UnitId};

/// Whose figures: a unit with everything below it, a department, or a department's parties on
/// orders within a unit's subtree (both set).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope {
    pub unit: Option<UnitId>,
    pub department: Option<DepartmentId>,
    /// An alliance unit's parties (like a department's), alone or within `unit`'s subtree.
    pub alliance: Option<AllianceId>,
}

impl Scope {
    pub fn unit(id: UnitId) -> Scope {
        Scope {
            unit: Some(id),
            department: None,
            alliance: None,
        }
    }

    pub fn department(id: DepartmentId) -> Scope {
        Scope {
            unit: None,
            department: Some(id),
            alliance: None,
        }
    }

    pub fn alliance(id: AllianceId) -> Scope {
        Scope {
            alliance: Some(id),
            ..Scope::default()
        }
    }
}

/// How a scope's figures break down, each part counted by one grouped query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breakdown {
    /// Per listed unit, each with everything below it (keyed by unit id).
    Units(Vec<UnitId>),
    /// Per department summoned (keyed by department id), like `Scope::department`.
    Departments,
    /// Per alliance unit summoned (keyed by alliance id), like `Scope::alliance`.
    Alliances,
}

/// Nearest-rank median and 90th percentile of durations in seconds (`None` with no cases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Percentiles {
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

/// The counts behind every figure.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figures {
    /// Orders whistled in the period (not cancelled).
    pub whistles: i64,
    /// Of those, resolved at least once; closed (verified); reopened at least once.
    pub resolved: i64,
    pub closed: i64,
    pub reopened: i64,
    /// First resolutions that met the resolve deadline in force then.
    pub resolved_on_time: i64,
    /// Orders never resolved whose resolve deadline has passed.
    pub overdue_unresolved: i64,
    /// For community, sub-district, district: orders that reached the level from below it,
    /// and orders whistled below it.
    pub escalated: [i64; 3],
    pub below: [i64; 3],
    /// Parties summoned in the period; of them reported; due (reported, or past their
    /// deadline); reported on time.
    pub parties: i64,
    pub reports: i64,
    pub parties_due: i64,
    pub reports_on_time: i64,
    pub time_to_report: Percentiles,
    pub time_to_resolve: Percentiles,
    /// Residents' orders resolved: the first reporter's answers on the latest resolution.
    pub answered_solved: i64,
    pub solved: i64,
    pub answered_satisfaction: i64,
    pub satisfied: i64,
    pub basic: i64,
    pub not_rated: i64,
}

/// A rate, or too few cases to say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    Value { rate: f64, cases: i64 },
    TooFew { cases: i64 },
}

impl Rate {
    /// `num ÷ den` when `den` reaches `min_cases` (and is not zero).
    pub fn of(num: f64, den: i64, min_cases: i64) -> Rate {
        if den < min_cases.max(1) {
            Rate::TooFew { cases: den }
        } else {
            Rate::Value {
                rate: num / den as f64,
                cases: den,
            }
        }
    }

    pub fn value(self) -> Option<f64> {
        match self {
            Rate::Value { rate, .. } => Some(rate),
            Rate::TooFew { .. } => None,
        }
    }

    /// As a whole percentage ("87%"), rounded half up.
    pub fn percent(self) -> Option<i64> {
        self.value().map(|r| (r * 100.0 + 0.5).floor() as i64)
    }
}

/// The organisation's assessment settings (`[assessment]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assessment {
    /// How much a 基本满意 counts towards the satisfaction rate (满意 counts 1).
    pub basic_weight: f64,
    /// A rate over fewer cases is shown as "too few cases" and not used in ranking.
    pub min_cases: i64,
    /// Weights of response, on-time resolution and satisfaction in `/rank`.
    pub rank_weights: [f64; 3],
}

impl Default for Assessment {
    fn default() -> Assessment {
        Assessment {
            basic_weight: 0.5,
            min_cases: 5,
            rank_weights: [30.0, 35.0, 35.0],
        }
    }
}

impl From<crate::domain::policy::AssessmentPolicy> for Assessment {
    fn from(p: crate::domain::policy::AssessmentPolicy) -> Assessment {
        Assessment {
            basic_weight: f64::from(p.basic_weight_permille) / 1000.0,
            min_cases: i64::from(p.min_cases),
            rank_weights: p.rank_weights.map(f64::from),
        }
    }
}

impl Figures {
    /// Parties that reported on time ÷ parties summoned and due.
    pub fn response_rate(&self, a: &Assessment) -> Rate {
        Rate::of(self.reports_on_time as f64, self.parties_due, a.min_cases)
    }

    /// First resolutions on time ÷ (orders resolved + orders unresolved past their deadline).
    pub fn on_time_resolution(&self, a: &Assessment) -> Rate {
        Rate::of(
            self.resolved_on_time as f64,
            self.resolved + self.overdue_unresolved,
            a.min_cases,
        )
    }

    /// Orders that reached level `i` (0 community, 1 sub-district, 2 district) ÷ orders
    /// whistled below it.
    pub fn escalation_rate(&self, i: usize, a: &Assessment) -> Rate {
        Rate::of(
            self.escalated.get(i).copied().unwrap_or(0) as f64,
            self.below.get(i).copied().unwrap_or(0),
            a.min_cases,
        )
    }

    /// Reopened ÷ resolved.
    pub fn rework_rate(&self, a: &Assessment) -> Rate {
        Rate::of(self.reopened as f64, self.resolved, a.min_cases)
    }

    /// Residents' "solved" ÷ answered.
    pub fn resident_resolution_rate(&self, a: &Assessment) -> Rate {
        Rate::of(self.solved as f64, self.answered_solved, a.min_cases)
    }

    /// (满意 + w × 基本满意) ÷ answered.
    pub fn satisfaction_rate(&self, a: &Assessment) -> Rate {
        Rate::of(
            self.satisfied as f64 + a.basic_weight * self.basic as f64,
            self.answered_satisfaction,
            a.min_cases,
        )
    }

    /// Σ wᵢ·rateᵢ ÷ Σ wᵢ over response, on-time resolution and satisfaction, counting only the
    /// rates with enough cases; `None` when none has.
    pub fn score(&self, a: &Assessment) -> Option<f64> {
        let rates = [
            self.response_rate(a),
            self.on_time_resolution(a),
            self.satisfaction_rate(a),
        ];
        let (mut sum, mut weights) = (0.0, 0.0);
        for (r, w) in rates.iter().zip(a.rank_weights) {
            if let Some(v) = r.value() {
                sum += w * v;
                weights += w;
            }
        }
        (weights > 0.0).then(|| sum / weights)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_need_min_cases_and_weigh_basic_satisfaction() {
        let a = Assessment {
            min_cases: 3,
            ..Assessment::default()
        };
        let f = Figures {
            parties_due: 4,
            reports_on_time: 3,
            answered_satisfaction: 4,
            satisfied: 2,
            basic: 1,
            resolved: 2,
            overdue_unresolved: 0,
            resolved_on_time: 2,
            ..Figures::default()
        };
        // 3 / 4
        assert_eq!(f.response_rate(&a).percent(), Some(75));
        // (2 + 0.5 × 1) / 4 = 62.5% → 63%
        assert_eq!(f.satisfaction_rate(&a).percent(), Some(63));
        // 2 cases < 3
        assert_eq!(f.on_time_resolution(&a), Rate::TooFew { cases: 2 });
        // Only response (30) and satisfaction (35) count: (30×0.75 + 35×0.625) / 65
        let s = f.score(&a).unwrap();
        assert!((s - (22.5 + 21.875) / 65.0).abs() < 1e-9, "{s}");
        assert_eq!(Figures::default().score(&a), None);
        assert_eq!(Rate::of(0.0, 0, 0), Rate::TooFew { cases: 0 });
    }

    #[test]
    fn the_assessment_table_is_read_checked_and_defaults_when_absent() {
        use crate::domain::org::{parse_org, OrgProblem};
        let example = include_str!("../../examples/huashan.toml");
        // The example states the defaults.
        let org = parse_org(example).unwrap();
        assert_eq!(
            Assessment::from(org.policy.assessment),
            Assessment::default()
        );
        // Without the table: the defaults too.
        let start = example.find("[assessment]").unwrap();
        let end = start + example[start..].find("\n\n").unwrap();
        let base = format!("{}{}", &example[..start], &example[end..]);
        let base = base.as_str();
        let org = parse_org(base).unwrap();
        assert_eq!(
            Assessment::from(org.policy.assessment),
            Assessment::default()
        );
        let text = format!(
            "{base}\n[assessment]\nbasic_weight = 0.6\nmin_cases = 3\nrank_weights = [40, 30, 30]\n"
        );
        let a = Assessment::from(parse_org(&text).unwrap().policy.assessment);
        assert_eq!(
            a,
            Assessment {
                basic_weight: 0.6,
                min_cases: 3,
                rank_weights: [40.0, 30.0, 30.0]
            }
        );
        for (bad, key) in [
            ("basic_weight = 1.5", "basic_weight"),
            ("min_cases = 0", "min_cases"),
            ("rank_weights = [0, 0, 0]", "rank_weights"),
            ("rank_weights = [50, 50]", "rank_weights"),
        ] {
            let text = format!("{base}\n[assessment]\n{bad}\n");
            let e = parse_org(&text).unwrap_err();
            assert!(
                matches!(&e.problem, OrgProblem::AssessmentValue { key: k, .. } if *k == key),
                "{bad}: {e:?}"
            );
            assert_eq!(e.line, base.lines().count() + 3, "{bad}");
        }
    }
}
