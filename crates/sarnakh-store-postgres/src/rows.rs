//! The lead row as PostgreSQL returns it (its `products` column type is this store's own), and
//! its conversion into a [`Lead`]. The other rows are shared: [`sarnakh_store_sql::rows`].

pub(crate) use sarnakh_store_sql::rows::*;

use chrono::{DateTime, NaiveDate, Utc};
use sarnakh_core::domain::lead::{LeadFields, Person};
use sarnakh_core::domain::lifecycle::{DisqualifyReason, LeadStage, LeadState, LeadStatus};
use sarnakh_core::domain::{
    AccountId, BuyerRole, ContactId, Lead, LeadId, LeadSource, Phone, TeamId, UserId,
};
use sarnakh_core::store::StoreError;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub(crate) struct LeadRow {
    id: Uuid,
    first_name: String,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    job_title: Option<String>,
    company: Option<String>,
    country: Option<String>,
    source: String,
    campaign: Option<String>,
    products: Vec<String>,
    notes: Option<String>,
    company_size: Option<i32>,
    industry: Option<String>,
    need: Option<String>,
    decision_role: Option<String>,
    owner_id: Option<Uuid>,
    stage: String,
    status: String,
    disqualify_reason: Option<String>,
    status_note: Option<String>,
    nurture_until: Option<NaiveDate>,
    score: i32,
    account_id: Option<Uuid>,
    contact_id: Option<Uuid>,
    qualified_at: Option<DateTime<Utc>>,
    converted_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    team_id: Option<Uuid>,
    evidence: String,
    score_lines: String,
    grade: String,
}

impl TryFrom<LeadRow> for Lead {
    type Error = StoreError;
    fn try_from(r: LeadRow) -> Result<Self, StoreError> {
        Ok(Lead {
            id: LeadId::from_uuid(r.id),
            fields: LeadFields {
                person: Person {
                    first_name: r.first_name,
                    last_name: r.last_name,
                    email: email(r.email)?,
                    phone: r.phone.map(Phone::from_stored),
                    job_title: r.job_title,
                },
                company: r.company,
                country: r.country,
                source: parse("source", &r.source, LeadSource::parse)?,
                campaign: r.campaign,
                products: r.products,
                notes: r.notes,
                company_size: r.company_size,
                industry: r.industry,
                need: r.need,
                decision_role: parse_opt(
                    "decision role",
                    r.decision_role.as_deref(),
                    BuyerRole::parse,
                )?,
                owner_id: r.owner_id.map(UserId::from_uuid),
                evidence: serde_json::from_str(&r.evidence)
                    .map_err(|_| corrupt("evidence", &r.evidence))?,
            },
            team_id: r.team_id.map(TeamId::from_uuid),
            state: LeadState {
                stage: parse("stage", &r.stage, LeadStage::parse)?,
                status: parse("status", &r.status, LeadStatus::parse)?,
            },
            disqualify_reason: parse_opt(
                "reason",
                r.disqualify_reason.as_deref(),
                DisqualifyReason::parse,
            )?,
            status_note: r.status_note,
            nurture_until: r.nurture_until,
            score: r.score,
            score_lines: serde_json::from_str(&r.score_lines)
                .map_err(|_| corrupt("score breakdown", &r.score_lines))?,
            grade: parse(
                "grade",
                &r.grade,
                sarnakh_core::domain::scoring::Grade::parse,
            )?,
            account_id: r.account_id.map(AccountId::from_uuid),
            contact_id: r.contact_id.map(ContactId::from_uuid),
            qualified_at: r.qualified_at,
            converted_at: r.converted_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}
