//! Lead assignment rules: who gets a new lead nobody was named for. Rules are tried in
//! order; the first whose conditions all hold picks a rep from its people by round robin or
//! by load (fewest open leads). A lead no rule takes waits in its team's queue.

use super::ids::{TeamId, UserId};
use super::lead::LeadFields;
use super::lifecycle::str_enum;
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

str_enum!(
    /// How a rule chooses among its people.
    Pick {
        /// In turn.
        RoundRobin = "round_robin",
        /// The one with the fewest open leads (ties: in turn).
        Load = "load",
    }
);

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRule {
    /// Name, unique; also keys the rule's round-robin position.
    pub name: String,
    /// Lead countries (ISO codes) it takes; empty: any.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Products of interest it takes (any of them); empty: any.
    #[serde(default)]
    pub products: Vec<String>,
    /// Lead sources it takes; empty: any.
    #[serde(default)]
    pub sources: Vec<String>,
    /// How to choose.
    pub pick: String,
    /// The people to choose from ...
    #[serde(default)]
    pub users: Vec<UserId>,
    /// ... or the active sales reps of this team.
    #[serde(default)]
    pub team_id: Option<TeamId>,
}

/// The rules in force, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRules {
    /// Tried in order; the first match wins.
    pub rules: Vec<AssignmentRule>,
}

impl AssignmentRules {
    /// Checks every rule; errors are addressed `rules[i].field`.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for (i, r) in self.rules.iter().enumerate() {
            let at = |f: &str| format!("rules[{i}].{f}");
            if r.name.trim().is_empty() || r.name.len() > 100 {
                errors.push(FieldError::new(
                    at("name"),
                    "required",
                    "1 to 100 characters",
                ));
            }
            if self.rules[..i].iter().any(|o| o.name == r.name) {
                errors.push(FieldError::new(
                    at("name"),
                    "duplicate",
                    "names must differ",
                ));
            }
            if Pick::parse(&r.pick).is_none() {
                errors.push(FieldError::new(
                    at("pick"),
                    "unknown_value",
                    format!("one of {}", Pick::expected()),
                ));
            }
            if r.users.is_empty() == r.team_id.is_none() {
                errors.push(FieldError::new(
                    at("users"),
                    "required",
                    "give either users or team_id",
                ));
            }
            if r.countries.iter().any(|c| c.len() != 2) {
                errors.push(FieldError::new(
                    at("countries"),
                    "invalid_country",
                    "two-letter ISO codes",
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The first rule whose conditions hold for a lead.
    pub fn rule_for(&self, lead: &LeadFields) -> Option<&AssignmentRule> {
        self.rules.iter().find(|r| r.takes(lead))
    }
}

impl AssignmentRule {
    /// Whether every condition holds.
    pub fn takes(&self, lead: &LeadFields) -> bool {
        let country = self.countries.is_empty()
            || lead
                .country
                .as_deref()
                .is_some_and(|c| self.countries.iter().any(|x| x.eq_ignore_ascii_case(c)));
        let product = self.products.is_empty()
            || lead.products.iter().any(|p| {
                self.products
                    .iter()
                    .any(|x| x.trim().eq_ignore_ascii_case(p.trim()))
            });
        let source = self.sources.is_empty()
            || self
                .sources
                .iter()
                .any(|s| s.eq_ignore_ascii_case(lead.source.as_str()));
        country && product && source
    }

    /// The chooser.
    pub fn pick(&self) -> Pick {
        Pick::parse(&self.pick).unwrap_or(Pick::RoundRobin)
    }
}

/// Chooses among `people` (in a stable order): by load, the fewest open leads (ties go to
/// the one whose turn comes first from `turn`); round robin, the one at `turn`.
pub fn choose(pick: Pick, people: &[(UserId, u64)], turn: u64) -> Option<UserId> {
    if people.is_empty() {
        return None;
    }
    let n = people.len() as u64;
    let start = usize::try_from(turn % n).unwrap_or(0);
    let in_turn = people[start..].iter().chain(&people[..start]);
    match pick {
        Pick::RoundRobin => Some(people[start].0),
        Pick::Load => in_turn.min_by_key(|(_, open)| *open).map(|(u, _)| *u),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lead::LeadDraft;

    fn lead(country: &str, products: &[&str]) -> LeadFields {
        LeadDraft {
            first_name: Some("A".into()),
            email: Some("a@b.ro".into()),
            country: Some(country.into()),
            products: products.iter().map(|p| (*p).to_owned()).collect(),
            ..LeadDraft::default()
        }
        .validate()
        .expect("valid")
    }

    fn rule(name: &str, countries: &[&str], products: &[&str]) -> AssignmentRule {
        AssignmentRule {
            name: name.into(),
            countries: countries.iter().map(|c| (*c).to_owned()).collect(),
            products: products.iter().map(|p| (*p).to_owned()).collect(),
            sources: Vec::new(),
            pick: "round_robin".into(),
            users: vec![UserId::new()],
            team_id: None,
        }
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let rules = AssignmentRules {
            rules: vec![
                rule("telephony", &[], &["Telephony"]),
                rule("romania", &["RO"], &[]),
                rule("everyone", &[], &[]),
            ],
        };
        assert!(rules.check().is_ok());
        let name = |l: &LeadFields| rules.rule_for(l).map(|r| r.name.clone());
        assert_eq!(
            name(&lead("RO", &["telephony"])).as_deref(),
            Some("telephony")
        );
        assert_eq!(name(&lead("RO", &["CRM"])).as_deref(), Some("romania"));
        assert_eq!(name(&lead("IR", &[])).as_deref(), Some("everyone"));
    }

    #[test]
    fn round_robin_turns_and_load_prefers_the_least_busy() {
        let (a, b, c) = (UserId::new(), UserId::new(), UserId::new());
        let people = [(a, 5), (b, 2), (c, 2)];
        let turns: Vec<_> = (0..4)
            .map(|t| choose(Pick::RoundRobin, &people, t))
            .collect();
        assert_eq!(turns, [Some(a), Some(b), Some(c), Some(a)]);
        assert_eq!(choose(Pick::Load, &people, 0), Some(b));
        assert_eq!(choose(Pick::Load, &people, 2), Some(c), "ties go in turn");
        assert_eq!(choose(Pick::Load, &[], 0), None);
    }

    #[test]
    fn bad_rules_are_named() {
        let mut bad = rule("x", &["ROU"], &[]);
        bad.pick = "random".into();
        bad.users.clear();
        let errors = AssignmentRules {
            rules: vec![bad.clone(), bad],
        }
        .check()
        .expect_err("refused");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "rules[0].pick",
                "rules[0].users",
                "rules[0].countries",
                "rules[1].name",
                "rules[1].pick",
                "rules[1].users",
                "rules[1].countries"
            ]
        );
    }
}
