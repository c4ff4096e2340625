//! The built-in qualification rules: what must be known about a lead before it may become
//! a prospect. This is the one place that decides; the configurable playbook will replace
//! the body of [`unmet_criteria`], not its callers.

use super::lead::Lead;
use super::lifecycle::LeadAction;
use crate::error::UnmetCriterion;

/// The criteria for `action` that `lead` does not meet yet; empty means allowed.
pub fn unmet_criteria(action: LeadAction, lead: &Lead) -> Vec<UnmetCriterion> {
    let f = &lead.fields;
    let mut unmet = Vec::new();
    let mut require = |ok: bool, code: &'static str, message: &str| {
        if !ok {
            unmet.push(UnmetCriterion {
                code,
                message: message.to_owned(),
            });
        }
    };
    match action {
        LeadAction::Qualify => {
            require(
                f.company.is_some(),
                "organisation_recorded",
                "record the organisation's name",
            );
            require(
                f.company_size.is_some() || f.industry.is_some(),
                "organisation_fit_recorded",
                "record the organisation's size or industry",
            );
            require(
                f.need.is_some(),
                "need_recorded",
                "record the need or pain to solve",
            );
            require(
                f.decision_role.is_some(),
                "decision_role_recorded",
                "record the person's role in the buying decision",
            );
        }
        LeadAction::Convert => {
            require(
                f.company.is_some(),
                "organisation_recorded",
                "record the organisation's name",
            );
            require(
                f.need.is_some(),
                "need_recorded",
                "record the need or pain to solve",
            );
        }
        LeadAction::Disqualify | LeadAction::Nurture | LeadAction::Reopen => {}
    }
    unmet
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::LeadId;
    use crate::domain::lead::LeadDraft;
    use crate::domain::lifecycle::LeadState;
    use chrono::Utc;

    fn lead(draft: LeadDraft) -> Lead {
        let now = Utc::now();
        Lead {
            id: LeadId::new(),
            fields: draft.validate().expect("valid"),
            team_id: None,
            state: LeadState::NEW,
            disqualify_reason: None,
            status_note: None,
            nurture_until: None,
            score: 0,
            account_id: None,
            contact_id: None,
            qualified_at: None,
            converted_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    fn base() -> LeadDraft {
        LeadDraft {
            first_name: Some("Ioana".into()),
            email: Some("ioana@firma.ro".into()),
            ..LeadDraft::default()
        }
    }

    #[test]
    fn a_bare_lead_lacks_every_fit_fact() {
        let codes: Vec<_> = unmet_criteria(LeadAction::Qualify, &lead(base()))
            .into_iter()
            .map(|c| c.code)
            .collect();
        assert_eq!(
            codes,
            [
                "organisation_recorded",
                "organisation_fit_recorded",
                "need_recorded",
                "decision_role_recorded"
            ]
        );
    }

    #[test]
    fn industry_alone_is_enough_organisation_fit() {
        let d = LeadDraft {
            company: Some("Firma SRL".into()),
            industry: Some("Retail".into()),
            need: Some("Leads are lost in spreadsheets".into()),
            decision_role: Some("decision_maker".into()),
            ..base()
        };
        assert!(unmet_criteria(LeadAction::Qualify, &lead(d)).is_empty());
    }
}
