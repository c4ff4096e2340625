//! Builders for valid inputs, so each test states only what it is about.

use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::opportunity::OpportunityDraft;
use sarnakh_core::service::ConvertDraft;

/// A minimal valid lead: a name and an email.
pub fn lead(first: &str, email: &str) -> LeadDraft {
    LeadDraft {
        first_name: Some(first.into()),
        email: Some(email.into()),
        ..LeadDraft::default()
    }
}

/// A lead whose fit facts satisfy the default qualification rules.
pub fn qualified_lead(first: &str, email: &str, company: &str) -> LeadDraft {
    LeadDraft {
        last_name: Some("Tester".into()),
        company: Some(company.into()),
        company_size: Some(120),
        industry: Some("Retail".into()),
        need: Some("Follow-ups are forgotten".into()),
        decision_role: Some("decision_maker".into()),
        source: Some("webinar".into()),
        ..lead(first, email)
    }
}

/// An opportunity draft in RON.
pub fn opportunity(name: &str, amount: &str) -> OpportunityDraft {
    OpportunityDraft {
        name: Some(name.into()),
        product: Some("Sarnakh Team".into()),
        amount: Some(amount.into()),
        currency: Some("RON".into()),
        expected_close_date: Some("2026-06-30".into()),
        ..OpportunityDraft::default()
    }
}

/// A conversion opening the given opportunities.
pub fn convert(opportunities: Vec<OpportunityDraft>) -> ConvertDraft {
    ConvertDraft {
        opportunities,
        ..ConvertDraft::default()
    }
}
