//! Test-only builders shared by the domain's unit tests.

use super::ids::LeadId;
use super::lead::{Lead, LeadDraft};
use super::lifecycle::LeadState;
use super::scoring::Grade;
use chrono::Utc;

/// A new, open lead from a valid draft, with the given score.
pub fn lead_with_score(draft: LeadDraft, score: i32) -> Lead {
    let now = Utc::now();
    Lead {
        id: LeadId::new(),
        fields: draft.validate().expect("a valid test draft"),
        team_id: None,
        state: LeadState::NEW,
        disqualify_reason: None,
        status_note: None,
        nurture_until: None,
        score,
        score_lines: Vec::new(),
        grade: Grade::D,
        account_id: None,
        contact_id: None,
        qualified_at: None,
        converted_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
    }
}
