//! The qualification playbook: the one written definition of "qualified" that marketing and
//! sales share. For each transition (lead -> prospect, prospect -> opportunity) it lists the
//! criteria that must hold. Playbooks are data (JSON or TOML, see `docs/PLAYBOOK.md`),
//! versioned, and every transition records the version that allowed it.

use super::lead::Lead;
use super::opportunity::BuyerRole;
use crate::error::{FieldError, UnmetCriterion};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A lead field a criterion can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadField {
    /// Organisation name.
    Company,
    /// Employees.
    CompanySize,
    /// Industry.
    Industry,
    /// Country (ISO alpha-2).
    Country,
    /// Need or pain.
    Need,
    /// Role in the buying decision.
    DecisionRole,
    /// Job title.
    JobTitle,
    /// Email.
    Email,
    /// Phone.
    Phone,
}

/// What must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// The field is recorded.
    Recorded {
        /// Which field.
        field: LeadField,
    },
    /// The field's value is one of `values` (case-insensitive).
    InSet {
        /// Which field.
        field: LeadField,
        /// Accepted values.
        values: Vec<String>,
    },
    /// Company size is within `min..=max`.
    SizeRange {
        /// Smallest accepted, if any.
        min: Option<i32>,
        /// Largest accepted, if any.
        max: Option<i32>,
    },
    /// Every item of a framework checklist has written evidence on the lead.
    Checklist {
        /// The items, e.g. budget, authority, need, timeline.
        items: Vec<String>,
    },
    /// The lead's score is at least `min`.
    MinScore {
        /// Minimum score.
        min: i32,
    },
    /// The person is a decision maker or the economic buyer.
    DecisionMaker,
    /// The email's domain is one of `domains` (free mail, a competitor ...).
    EmailDomainIn {
        /// Domains, lower-case.
        domains: Vec<String>,
    },
    /// The job title contains one of `words` (case-insensitive), e.g. seniority.
    TitleContains {
        /// Words to look for.
        words: Vec<String>,
    },
    /// At least one of the rules holds.
    AnyOf {
        /// The alternatives.
        rules: Vec<Rule>,
    },
}

/// One named criterion. (serde cannot refuse unknown members next to a flattened tagged
/// rule; [`PlaybookRules::check`] refuses rules that lack what they need.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// Stable code, e.g. `need_recorded`.
    pub code: String,
    /// What the rep has to record or do, shown when unmet.
    pub message: String,
    /// The test.
    #[serde(flatten)]
    pub rule: Rule,
}

/// The criteria of both transitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaybookRules {
    /// lead -> prospect.
    pub qualify: Vec<Criterion>,
    /// prospect -> opportunity.
    pub convert: Vec<Criterion>,
}

/// A stored playbook version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playbook {
    /// Version, from 1; every change makes a new one.
    pub version: i64,
    /// The criteria.
    pub rules: PlaybookRules,
    /// When it was saved.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Who saved it (`None`: shipped default or the operator's console).
    pub created_by: Option<super::UserId>,
}

/// One criterion's result on one lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionCheck {
    /// The criterion's code.
    pub code: String,
    /// Its message.
    pub message: String,
    /// Whether it holds.
    pub met: bool,
}

impl PlaybookRules {
    /// The rules Sarnakh ships with: organisation, its size or industry, the need and the
    /// person's decision role to qualify; organisation and need to convert.
    pub fn default_b2b() -> Self {
        let c = |code: &str, message: &str, rule: Rule| Criterion {
            code: code.into(),
            message: message.into(),
            rule,
        };
        let recorded = |field| Rule::Recorded { field };
        Self {
            qualify: vec![
                c(
                    "organisation_recorded",
                    "record the organisation's name",
                    recorded(LeadField::Company),
                ),
                c(
                    "organisation_fit_recorded",
                    "record the organisation's size or industry",
                    Rule::AnyOf {
                        rules: vec![
                            recorded(LeadField::CompanySize),
                            recorded(LeadField::Industry),
                        ],
                    },
                ),
                c(
                    "need_recorded",
                    "record the need or pain to solve",
                    recorded(LeadField::Need),
                ),
                c(
                    "decision_role_recorded",
                    "record the person's role in the buying decision",
                    recorded(LeadField::DecisionRole),
                ),
            ],
            convert: vec![
                c(
                    "organisation_recorded",
                    "record the organisation's name",
                    recorded(LeadField::Company),
                ),
                c(
                    "need_recorded",
                    "record the need or pain to solve",
                    recorded(LeadField::Need),
                ),
            ],
        }
    }

    /// Parses and checks a playbook written as JSON.
    pub fn from_json(text: &str) -> Result<Self, FieldError> {
        let rules: Self = serde_json::from_str(text)
            .map_err(|e| FieldError::new("playbook", "invalid_playbook", e.to_string()))?;
        rules.check()?;
        Ok(rules)
    }

    /// The playbook as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a playbook always serialises")
    }

    /// Refuses empty or duplicate codes, empty sets and inverted ranges.
    pub fn check(&self) -> Result<(), FieldError> {
        for (step, list) in [("qualify", &self.qualify), ("convert", &self.convert)] {
            let mut seen = std::collections::BTreeSet::new();
            for (i, c) in list.iter().enumerate() {
                let at = format!("{step}[{i}]");
                if c.code.trim().is_empty() || !seen.insert(c.code.as_str()) {
                    return Err(FieldError::new(
                        at,
                        "invalid_code",
                        "each criterion needs its own non-empty code",
                    ));
                }
                check_rule(&c.rule).map_err(|why| FieldError::new(at, "invalid_rule", why))?;
            }
        }
        Ok(())
    }
}

pub(crate) fn check_rule(rule: &Rule) -> Result<(), String> {
    match rule {
        Rule::InSet { values, .. } if values.is_empty() => {
            Err("in_set needs at least one value".into())
        }
        Rule::SizeRange {
            min: Some(a),
            max: Some(b),
        } if a > b => Err(format!("size_range min {a} is above max {b}")),
        Rule::SizeRange {
            min: None,
            max: None,
        } => Err("size_range needs min or max".into()),
        Rule::Checklist { items } if items.is_empty() => {
            Err("checklist needs at least one item".into())
        }
        Rule::AnyOf { rules } if rules.is_empty() => Err("any_of needs at least one rule".into()),
        Rule::EmailDomainIn { domains } if domains.is_empty() => {
            Err("email_domain_in needs at least one domain".into())
        }
        Rule::TitleContains { words } if words.is_empty() => {
            Err("title_contains needs at least one word".into())
        }
        Rule::AnyOf { rules } => rules.iter().try_for_each(check_rule),
        _ => Ok(()),
    }
}

/// Evidence recorded for checklist items, by item.
pub type Evidence = BTreeMap<String, String>;

impl Rule {
    /// Whether the rule holds for `lead`.
    pub fn holds(&self, lead: &Lead) -> bool {
        let f = &lead.fields;
        let value = |field: LeadField| -> Option<String> {
            match field {
                LeadField::Company => f.company.clone(),
                LeadField::CompanySize => f.company_size.map(|n| n.to_string()),
                LeadField::Industry => f.industry.clone(),
                LeadField::Country => f.country.clone(),
                LeadField::Need => f.need.clone(),
                LeadField::DecisionRole => f.decision_role.map(|r| r.as_str().to_owned()),
                LeadField::JobTitle => f.person.job_title.clone(),
                LeadField::Email => f.person.email.as_ref().map(|e| e.as_str().to_owned()),
                LeadField::Phone => f.person.phone.as_ref().map(|p| p.as_str().to_owned()),
            }
        };
        match self {
            Self::Recorded { field } => value(*field).is_some(),
            Self::InSet { field, values } => value(*field).is_some_and(|v| {
                values
                    .iter()
                    .any(|x| x.trim().eq_ignore_ascii_case(v.trim()))
            }),
            Self::SizeRange { min, max } => f
                .company_size
                .is_some_and(|n| min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)),
            Self::Checklist { items } => items
                .iter()
                .all(|item| f.evidence.get(item).is_some_and(|e| !e.trim().is_empty())),
            Self::MinScore { min } => lead.score >= *min,
            Self::DecisionMaker => matches!(
                f.decision_role,
                Some(BuyerRole::DecisionMaker | BuyerRole::EconomicBuyer)
            ),
            Self::AnyOf { rules } => rules.iter().any(|r| r.holds(lead)),
            Self::EmailDomainIn { domains } => f.person.email.as_ref().is_some_and(|e| {
                domains
                    .iter()
                    .any(|d| d.trim().eq_ignore_ascii_case(e.domain()))
            }),
            Self::TitleContains { words } => f.person.job_title.as_ref().is_some_and(|t| {
                let title = t.to_lowercase();
                words
                    .iter()
                    .any(|w| !w.trim().is_empty() && title.contains(&w.trim().to_lowercase()))
            }),
        }
    }
}

/// Every criterion of `criteria` checked against `lead`.
pub fn check(criteria: &[Criterion], lead: &Lead) -> Vec<CriterionCheck> {
    criteria
        .iter()
        .map(|c| CriterionCheck {
            code: c.code.clone(),
            message: c.message.clone(),
            met: c.rule.holds(lead),
        })
        .collect()
}

/// The unmet ones, as the lifecycle refusal lists them.
pub fn unmet(criteria: &[Criterion], lead: &Lead) -> Vec<UnmetCriterion> {
    check(criteria, lead)
        .into_iter()
        .filter(|c| !c.met)
        .map(|c| UnmetCriterion {
            code: c.code,
            message: c.message,
        })
        .collect()
}

#[cfg(test)]
#[path = "playbook_tests.rs"]
mod tests;
