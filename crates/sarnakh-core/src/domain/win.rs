//! What the win model knows of a record: the facts of a lead or opportunity, turned into
//! the categorical features [`super::predict`] learns from. The same function describes a
//! closed record of the history (training) and an open one (prediction), so the model sees
//! both alike.

use super::event::EventKind;
use super::predict::Feature;
use super::{Lead, LeadId, Opportunity};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A lead's engagement: events by kind and its first logged activity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Engagement {
    /// Engagement events by kind.
    pub counts: BTreeMap<EventKind, u32>,
    /// When someone first logged an activity (call, email, meeting ...) on the lead.
    pub first_activity_at: Option<DateTime<Utc>>,
}

/// The facts of one record the model uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFacts {
    /// Lead source name.
    pub source: Option<String>,
    /// Campaign.
    pub campaign: Option<String>,
    /// Industry.
    pub industry: Option<String>,
    /// Employees.
    pub company_size: Option<i32>,
    /// ISO country code.
    pub country: Option<String>,
    /// Product of the deal.
    pub product: Option<String>,
    /// Funnel stage reached: `lead`, `prospect`, or the pipeline stage key of a deal (for a
    /// closed deal, the stage it was closed from).
    pub stage: Option<String>,
    /// Playbook checklist items with written evidence.
    pub evidence_items: usize,
    /// The contact's buying role.
    pub decision_role: Option<String>,
    /// When the lead was captured.
    pub lead_created_at: Option<DateTime<Utc>>,
    /// Events and first activity of the lead.
    pub engagement: Engagement,
}

/// One closed record of the history: won (a won deal) or lost (a lost deal, or a lead
/// disqualified before it converted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedRecord {
    /// The lead behind it, if any (a deal added to an account later has none).
    pub lead_id: Option<LeadId>,
    /// Its facts.
    pub facts: RecordFacts,
    /// Won or not.
    pub won: bool,
    /// When it was closed.
    pub closed_at: DateTime<Utc>,
}

impl ClosedRecord {
    /// The record as it looked at each stage it passed through, oldest stage first: a won
    /// deal closed from `proposal` was also once a lead, a prospect and in every earlier
    /// pipeline stage, and each of those moments ended in a win. Learning from every
    /// moment gives what an open record needs: the chance of winning *from the stage it is
    /// in*, not from the stage closed records happened to stop at. `pipeline` lists the
    /// open pipeline stages in board order. Deal facts (the product) are left out of the
    /// lead and prospect moments, when they were not known yet.
    pub fn snapshots(&self, pipeline: &[String]) -> Vec<RecordFacts> {
        let at = |stage: &str| RecordFacts {
            stage: Some(stage.to_owned()),
            ..self.facts.clone()
        };
        let early = |stage: &str| RecordFacts {
            product: None,
            ..at(stage)
        };
        match self.facts.stage.as_deref() {
            Some("lead") => vec![early("lead")],
            Some("prospect") => vec![early("lead"), early("prospect")],
            Some(stage) => match pipeline.iter().position(|s| s == stage) {
                Some(last) => {
                    let mut out = if self.lead_id.is_some() {
                        vec![early("lead"), early("prospect")]
                    } else {
                        Vec::new()
                    };
                    out.extend(pipeline[..=last].iter().map(|s| at(s)));
                    out
                }
                None => vec![self.facts.clone()],
            },
            None => vec![self.facts.clone()],
        }
    }
}

/// Event kinds the model sees separately (did it happen at all), besides the total.
const SIGNAL_KINDS: [EventKind; 4] = [
    EventKind::DemoRequested,
    EventKind::WebinarAttended,
    EventKind::ContentDownload,
    EventKind::EmailClicked,
];

impl RecordFacts {
    /// The facts of a lead (its stage is `lead` or `prospect`); engagement is left empty for
    /// the caller to fill from the store.
    pub fn of_lead(lead: &Lead) -> Self {
        let f = &lead.fields;
        Self {
            source: Some(f.source.as_str().to_owned()),
            campaign: f.campaign.clone(),
            industry: f.industry.clone(),
            company_size: f.company_size,
            country: f.country.clone(),
            product: None,
            stage: Some(lead.state.stage.as_str().to_owned()),
            evidence_items: f.evidence.values().filter(|v| !v.trim().is_empty()).count(),
            decision_role: f.decision_role.map(|r| r.as_str().to_owned()),
            lead_created_at: Some(lead.created_at),
            engagement: Engagement::default(),
        }
    }

    /// The facts of an open deal: its lead's facts (if it came from one), its product and
    /// its pipeline stage.
    pub fn of_opportunity(opportunity: &Opportunity, lead: Option<&Lead>) -> Self {
        let base = lead.map(Self::of_lead).unwrap_or_default();
        Self {
            product: opportunity.product.clone(),
            stage: Some(opportunity.stage.clone()),
            ..base
        }
    }

    /// The categorical features: text facts as they are (trimmed, lower case), numbers in
    /// bands. A missing fact gives no feature, except engagement, which is always known.
    pub fn features(&self) -> Vec<Feature> {
        let mut out = Vec::with_capacity(16);
        let mut text = |name: &str, value: &Option<String>| {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                out.push(Feature::new(name, v.to_lowercase()));
            }
        };
        text("source", &self.source);
        text("campaign", &self.campaign);
        text("industry", &self.industry);
        text("country", &self.country);
        text("product", &self.product);
        text("stage", &self.stage);
        text("decision_role", &self.decision_role);
        if let Some(size) = self.company_size {
            out.push(Feature::new("company_size", size_band(size)));
        }
        out.push(Feature::new(
            "playbook_evidence",
            match self.evidence_items {
                0 => "none",
                1 | 2 => "1-2",
                _ => "3+",
            },
        ));
        let total: u32 = self.engagement.counts.values().sum();
        out.push(Feature::new("engagement", count_band(total)));
        for kind in SIGNAL_KINDS {
            let seen = self.engagement.counts.get(&kind).is_some_and(|n| *n > 0);
            out.push(Feature::new(kind.as_str(), if seen { "yes" } else { "no" }));
        }
        if let Some(created) = self.lead_created_at {
            out.push(Feature::new(
                "first_response",
                response_band(self.engagement.first_activity_at.map(|at| at - created)),
            ));
        }
        out
    }
}

/// Company size bands as sales teams speak of them.
fn size_band(employees: i32) -> &'static str {
    match employees {
        ..=9 => "1-9",
        10..=49 => "10-49",
        50..=249 => "50-249",
        250..=999 => "250-999",
        _ => "1000+",
    }
}

fn count_band(events: u32) -> &'static str {
    match events {
        0 => "0",
        1..=3 => "1-3",
        4..=9 => "4-9",
        _ => "10+",
    }
}

/// How fast the lead was first contacted (speed to lead).
fn response_band(after: Option<chrono::Duration>) -> &'static str {
    match after.map(|d| d.num_minutes()) {
        None => "never",
        Some(..60) => "within 1h",
        Some(60..1440) => "within 1d",
        Some(1440..10080) => "within 1w",
        Some(_) => "after 1w",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lead::LeadDraft;
    use crate::domain::test_support::lead_with_score;

    fn value<'a>(features: &'a [Feature], name: &str) -> Option<&'a str> {
        features
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }

    fn closed(stage: &str, lead: bool) -> ClosedRecord {
        ClosedRecord {
            lead_id: lead.then(LeadId::new),
            facts: RecordFacts {
                stage: Some(stage.into()),
                product: Some("crm".into()),
                ..RecordFacts::default()
            },
            won: true,
            closed_at: Utc::now(),
        }
    }

    #[test]
    fn a_closed_record_counts_at_every_stage_it_passed() {
        let pipeline: Vec<String> = ["discovery", "demo", "proposal"].map(String::from).to_vec();
        let stages = |r: &ClosedRecord| {
            r.snapshots(&pipeline)
                .into_iter()
                .map(|f| (f.stage.unwrap_or_default(), f.product.is_some()))
                .collect::<Vec<_>>()
        };
        let s = |v: &str, product: bool| (v.to_owned(), product);
        assert_eq!(stages(&closed("lead", true)), [s("lead", false)]);
        assert_eq!(
            stages(&closed("prospect", true)),
            [s("lead", false), s("prospect", false)]
        );
        assert_eq!(
            stages(&closed("demo", true)),
            [
                s("lead", false),
                s("prospect", false),
                s("discovery", true),
                s("demo", true)
            ]
        );
        assert_eq!(
            stages(&closed("discovery", false)),
            [s("discovery", true)],
            "a deal added to an account later was never a lead"
        );
        assert_eq!(
            stages(&closed("retired_stage", true)),
            [s("retired_stage", true)]
        );
    }

    #[test]
    fn bands_cover_their_edges() {
        assert_eq!(size_band(0), "1-9");
        assert_eq!(size_band(9), "1-9");
        assert_eq!(size_band(10), "10-49");
        assert_eq!(size_band(249), "50-249");
        assert_eq!(size_band(250), "250-999");
        assert_eq!(size_band(1000), "1000+");
        assert_eq!(count_band(0), "0");
        assert_eq!(count_band(3), "1-3");
        assert_eq!(count_band(4), "4-9");
        assert_eq!(count_band(10), "10+");
        let m = chrono::Duration::minutes;
        assert_eq!(response_band(None), "never");
        assert_eq!(response_band(Some(m(59))), "within 1h");
        assert_eq!(response_band(Some(m(60))), "within 1d");
        assert_eq!(response_band(Some(m(60 * 24 * 7 - 1))), "within 1w");
        assert_eq!(response_band(Some(m(60 * 24 * 7))), "after 1w");
    }

    #[test]
    fn a_lead_gives_its_facts_as_features() {
        let mut l = lead_with_score(
            LeadDraft {
                first_name: Some("Sara".into()),
                email: Some("sara@firma.ro".into()),
                source: Some("webinar".into()),
                ..LeadDraft::default()
            },
            0,
        );
        l.fields.industry = Some("  Software ".into());
        l.fields.company_size = Some(120);
        l.fields.campaign = None;
        let mut facts = RecordFacts::of_lead(&l);
        facts.engagement.counts.insert(EventKind::DemoRequested, 1);
        facts.engagement.counts.insert(EventKind::PageView, 4);
        facts.engagement.first_activity_at = Some(l.created_at + chrono::Duration::minutes(30));
        let f = facts.features();
        assert_eq!(value(&f, "industry"), Some("software"));
        assert_eq!(value(&f, "company_size"), Some("50-249"));
        assert_eq!(value(&f, "stage"), Some("lead"));
        assert_eq!(
            value(&f, "campaign"),
            None,
            "a missing fact gives no feature"
        );
        assert_eq!(value(&f, "engagement"), Some("4-9"));
        assert_eq!(value(&f, "demo_requested"), Some("yes"));
        assert_eq!(value(&f, "webinar_attended"), Some("no"));
        assert_eq!(value(&f, "first_response"), Some("within 1h"));
        assert_eq!(value(&f, "source"), Some("webinar"));
    }
}
