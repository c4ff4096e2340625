//! Rule-based lead scoring: points for fit (size, industry, seniority, country ...) and
//! negative points (free-mail or competitor domains), written as data like the playbook and
//! sharing its rule language. Every score comes with its breakdown, which always sums to the
//! score, and a grade (A-D); grade A flags the lead for the prospect review.

use super::lead::Lead;
use super::lifecycle::str_enum;
use super::playbook::{Rule, check_rule};
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

str_enum!(
    /// A lead's grade from its score.
    Grade {
        /// Ready for the prospect review.
        A = "a",
        /// Good fit.
        B = "b",
        /// Weak fit.
        C = "c",
        /// No fit yet.
        D = "d",
    }
);

/// Points given when a rule holds (negative points penalise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsRule {
    /// Stable code, shown in the breakdown.
    pub code: String,
    /// Points, positive or negative, never 0.
    pub points: i32,
    /// The condition.
    #[serde(flatten)]
    pub rule: Rule,
}

/// The lowest score of each grade; below `c` is D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grades {
    /// Lowest A score.
    pub a: i32,
    /// Lowest B score.
    pub b: i32,
    /// Lowest C score.
    pub c: i32,
}

/// The scoring rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringRules {
    /// Fit and penalty rules.
    pub fit: Vec<PointsRule>,
    /// Grade thresholds.
    pub grades: Grades,
}

/// One line of a score's breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreLine {
    /// The rule's code.
    pub code: String,
    /// The points it gave.
    pub points: i32,
}

/// A lead's score, its breakdown and its grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadScore {
    /// Sum of the breakdown.
    pub total: i32,
    /// Which rule gave how many points.
    pub lines: Vec<ScoreLine>,
    /// Grade from the thresholds.
    pub grade: Grade,
}

impl ScoringRules {
    /// The rules Sarnakh ships with, for B2B software sold to 50-5000-employee companies.
    pub fn default_b2b() -> Self {
        use super::playbook::LeadField;
        let r = |code: &str, points, rule| PointsRule {
            code: code.into(),
            points,
            rule,
        };
        let free_mail = [
            "gmail.com",
            "yahoo.com",
            "hotmail.com",
            "outlook.com",
            "live.com",
            "icloud.com",
            "mail.ru",
            "yandex.ru",
            "yahoo.ro",
            "chmail.ir",
        ];
        let senior = [
            "ceo",
            "cfo",
            "coo",
            "cto",
            "owner",
            "founder",
            "director",
            "head",
            "vp",
            "manager",
            "مدیر",
            "director general",
            "manager vânzări",
        ];
        Self {
            fit: vec![
                r(
                    "size_in_range",
                    20,
                    Rule::SizeRange {
                        min: Some(50),
                        max: Some(5000),
                    },
                ),
                r(
                    "industry_recorded",
                    5,
                    Rule::Recorded {
                        field: LeadField::Industry,
                    },
                ),
                r(
                    "need_recorded",
                    15,
                    Rule::Recorded {
                        field: LeadField::Need,
                    },
                ),
                r("decision_maker", 15, Rule::DecisionMaker),
                r(
                    "senior_title",
                    10,
                    Rule::TitleContains {
                        words: senior.iter().map(|w| (*w).to_owned()).collect(),
                    },
                ),
                r(
                    "phone_known",
                    5,
                    Rule::Recorded {
                        field: LeadField::Phone,
                    },
                ),
                r(
                    "free_mail",
                    -10,
                    Rule::EmailDomainIn {
                        domains: free_mail.iter().map(|d| (*d).to_owned()).collect(),
                    },
                ),
            ],
            grades: Grades {
                a: 50,
                b: 30,
                c: 10,
            },
        }
    }

    /// Parses and checks rules written as JSON.
    pub fn from_json(text: &str) -> Result<Self, FieldError> {
        let rules: Self = serde_json::from_str(text)
            .map_err(|e| FieldError::new("scoring", "invalid_scoring", e.to_string()))?;
        rules.check()?;
        Ok(rules)
    }

    /// The rules as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("scoring rules always serialise")
    }

    /// Refuses empty or repeated codes, zero points, score-based conditions (a score cannot
    /// depend on itself) and thresholds out of order.
    pub fn check(&self) -> Result<(), FieldError> {
        let mut seen = std::collections::BTreeSet::new();
        for (i, r) in self.fit.iter().enumerate() {
            let at = format!("fit[{i}]");
            if r.code.trim().is_empty() || !seen.insert(r.code.as_str()) {
                return Err(FieldError::new(
                    at,
                    "invalid_code",
                    "each rule needs its own non-empty code",
                ));
            }
            if r.points == 0 || r.points.abs() > 1000 {
                return Err(FieldError::new(
                    at,
                    "invalid_points",
                    "points must be between -1000 and 1000, not 0",
                ));
            }
            if mentions_score(&r.rule) {
                return Err(FieldError::new(
                    at,
                    "invalid_rule",
                    "a score rule cannot depend on the score",
                ));
            }
            check_rule(&r.rule).map_err(|why| FieldError::new(at, "invalid_rule", why))?;
        }
        let g = self.grades;
        if !(g.a > g.b && g.b > g.c) {
            return Err(FieldError::new(
                "grades",
                "invalid_grades",
                "thresholds must fall: a > b > c",
            ));
        }
        Ok(())
    }

    /// Scores a lead: one breakdown line per rule that holds.
    pub fn score(&self, lead: &Lead) -> LeadScore {
        let lines: Vec<ScoreLine> = self
            .fit
            .iter()
            .filter(|r| r.rule.holds(lead))
            .map(|r| ScoreLine {
                code: r.code.clone(),
                points: r.points,
            })
            .collect();
        let total = lines.iter().map(|l| l.points).sum();
        LeadScore {
            total,
            lines,
            grade: self.grade(total),
        }
    }

    /// The grade of a score.
    pub fn grade(&self, score: i32) -> Grade {
        match score {
            s if s >= self.grades.a => Grade::A,
            s if s >= self.grades.b => Grade::B,
            s if s >= self.grades.c => Grade::C,
            _ => Grade::D,
        }
    }
}

fn mentions_score(rule: &Rule) -> bool {
    match rule {
        Rule::MinScore { .. } => true,
        Rule::AnyOf { rules } => rules.iter().any(mentions_score),
        _ => false,
    }
}

#[cfg(test)]
#[path = "scoring_tests.rs"]
mod tests;
