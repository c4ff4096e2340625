//! Rule-based lead scoring: points for fit (size, industry, seniority, country ...) and
//! negative points (free-mail or competitor domains), written as data like the playbook and
//! sharing its rule language. Every score comes with its breakdown, which always sums to the
//! score, and a grade (A-D); grade A flags the lead for the prospect review.

use super::event::{EngagementEvent, EventKind};
use super::lead::Lead;
use super::lifecycle::str_enum;
use super::playbook::{Rule, check_rule};
use crate::error::FieldError;
use chrono::{DateTime, Utc};
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

/// Points for engagement events of one kind, optionally only for URLs containing a text,
/// capped, and halved every `half_life_days`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BehaviourRule {
    /// Stable code, shown in the breakdown.
    pub code: String,
    /// Event kind name (`page_view`, `demo_requested` ...).
    pub event: String,
    /// Only events whose URL contains this (e.g. `/pricing`).
    #[serde(default)]
    pub url_contains: Option<String>,
    /// Points per event (before decay), never 0.
    pub points: i32,
    /// Most points this rule may give one lead.
    #[serde(default)]
    pub cap: Option<i32>,
    /// An event's points halve every this many days.
    #[serde(default)]
    pub half_life_days: Option<u32>,
}

/// The scoring rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringRules {
    /// Fit and penalty rules.
    pub fit: Vec<PointsRule>,
    /// Engagement rules.
    #[serde(default)]
    pub behaviour: Vec<BehaviourRule>,
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

impl LeadScore {
    /// True when `lead` already carries exactly this score, breakdown and grade, so writing
    /// it would change nothing.
    pub fn is_held_by(&self, lead: &Lead) -> bool {
        lead.score == self.total && lead.grade == self.grade && lead.score_lines == self.lines
    }
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
            behaviour: vec![
                behaviour(
                    "pricing_page",
                    EventKind::PageView,
                    Some("/pricing"),
                    10,
                    Some(20),
                    Some(30),
                ),
                behaviour(
                    "demo_requested",
                    EventKind::DemoRequested,
                    None,
                    25,
                    Some(25),
                    None,
                ),
                behaviour(
                    "content_download",
                    EventKind::ContentDownload,
                    None,
                    5,
                    Some(15),
                    Some(60),
                ),
                behaviour(
                    "webinar_attended",
                    EventKind::WebinarAttended,
                    None,
                    10,
                    Some(20),
                    Some(90),
                ),
                behaviour(
                    "email_clicked",
                    EventKind::EmailClicked,
                    None,
                    2,
                    Some(10),
                    Some(14),
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
        for (i, b) in self.behaviour.iter().enumerate() {
            let at = format!("behaviour[{i}]");
            if b.code.trim().is_empty() || !seen.insert(b.code.as_str()) {
                return Err(FieldError::new(
                    at,
                    "invalid_code",
                    "each rule needs its own non-empty code",
                ));
            }
            if EventKind::parse(&b.event).is_none() {
                return Err(FieldError::new(
                    at,
                    "invalid_rule",
                    format!("{:?} is not one of: {}", b.event, EventKind::expected()),
                ));
            }
            if b.points == 0
                || b.points.abs() > 1000
                || b.cap.is_some_and(|c| c <= 0)
                || b.half_life_days == Some(0)
            {
                return Err(FieldError::new(
                    at,
                    "invalid_points",
                    "points between -1000 and 1000 (not 0), a positive cap and half-life",
                ));
            }
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

    /// Scores a lead without engagement (fit rules only).
    pub fn score(&self, lead: &Lead) -> LeadScore {
        self.score_with(lead, &[], lead.updated_at)
    }

    /// Scores a lead and its engagement events as of `now`: one breakdown line per fit rule
    /// that holds and per behaviour rule that gives points.
    pub fn score_with(
        &self,
        lead: &Lead,
        events: &[EngagementEvent],
        now: DateTime<Utc>,
    ) -> LeadScore {
        self.assemble(
            lead,
            self.behaviour.iter().map(|r| r.points_for(events, now)),
        )
    }

    /// A score from the fit rules that hold for `lead` and the points of each behaviour rule
    /// (in rule order): one line per rule that gives points.
    fn assemble(&self, lead: &Lead, behaviour: impl Iterator<Item = i32>) -> LeadScore {
        let mut lines: Vec<ScoreLine> = self
            .fit
            .iter()
            .filter(|r| r.rule.holds(lead))
            .map(|r| ScoreLine {
                code: r.code.clone(),
                points: r.points,
            })
            .collect();
        for (rule, points) in self.behaviour.iter().zip(behaviour) {
            if points != 0 {
                lines.push(ScoreLine {
                    code: rule.code.clone(),
                    points,
                });
            }
        }
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

fn behaviour(
    code: &str,
    event: EventKind,
    url: Option<&str>,
    points: i32,
    cap: Option<i32>,
    half_life_days: Option<u32>,
) -> BehaviourRule {
    BehaviourRule {
        code: code.into(),
        event: event.as_str().into(),
        url_contains: url.map(Into::into),
        points,
        cap,
        half_life_days,
    }
}

impl BehaviourRule {
    /// True when `event` earns this rule's points (its kind, and its URL if the rule names one).
    pub fn matches(&self, event: &EngagementEvent) -> bool {
        self.matcher()(event)
    }

    /// [`Self::matches`] with the rule's kind parsed once.
    fn matcher(&self) -> impl Fn(&EngagementEvent) -> bool + '_ {
        let kind = EventKind::parse(&self.event);
        move |e| {
            Some(e.kind) == kind
                && self
                    .url_contains
                    .as_deref()
                    .is_none_or(|u| e.url.as_deref().is_some_and(|url| url.contains(u)))
        }
    }

    /// The points this rule gives for `events` as of `now`, decayed, rounded and capped.
    pub fn points_for(&self, events: &[EngagementEvent], now: DateTime<Utc>) -> i32 {
        let matches = self.matcher();
        let matching = events.iter().filter(|e| matches(e));
        let raw: f64 = matching
            .map(|e| {
                let age_days = (now - e.occurred_at).num_seconds().max(0) as f64 / 86_400.0;
                let decay = self
                    .half_life_days
                    .map_or(1.0, |h| 0.5_f64.powf(age_days / f64::from(h)));
                f64::from(self.points) * decay
            })
            .sum();
        let points = raw.round() as i32;
        match self.cap {
            Some(cap) if points > cap => cap,
            Some(cap) if points < -cap => -cap,
            _ => points,
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

#[path = "scoring_incremental.rs"]
mod incremental;

#[cfg(test)]
#[path = "scoring_tests.rs"]
mod tests;
