//! Wire types of the lead endpoints: what clients send and receive. Domain types are never
//! serialised directly; these map to and from them.

use crate::http::extract::double_option;
use crate::http::opportunities::OpportunityJson;
use chrono::{DateTime, NaiveDate, Utc};
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::opportunity::OpportunityDraft;
use sarnakh_core::domain::{Lead, UserId};
use sarnakh_core::service::{ConvertOutcome, LeadPatch};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A lead (or the prospect it became).
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadJson {
    pub id: Uuid,
    /// Optimistic-concurrency version; also sent as the `ETag`.
    pub version: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    /// Normalised: trimmed, domain lower-cased.
    pub email: Option<String>,
    /// E.164 where the country is known, else the dialled digits.
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub company: Option<String>,
    /// ISO 3166 alpha-2.
    pub country: Option<String>,
    pub source: String,
    pub campaign: Option<String>,
    pub products: Vec<String>,
    pub notes: Option<String>,
    pub company_size: Option<i32>,
    pub industry: Option<String>,
    pub need: Option<String>,
    pub decision_role: Option<String>,
    pub owner_id: Option<Uuid>,
    /// Written evidence per qualification checklist item.
    pub evidence: std::collections::BTreeMap<String, String>,
    /// `lead`, `prospect` or `converted`.
    pub stage: String,
    /// `open`, `nurture`, `disqualified` or `converted`.
    pub status: String,
    pub disqualify_reason: Option<String>,
    pub status_note: Option<String>,
    pub nurture_until: Option<NaiveDate>,
    pub score: i32,
    /// `a` (ready for the prospect review) to `d`.
    pub grade: String,
    /// Which scoring rule gave how many points; sums to `score`.
    pub score_breakdown: Vec<ScoreLineJson>,
    /// Account produced by conversion.
    pub account_id: Option<Uuid>,
    /// Contact produced by conversion.
    pub contact_id: Option<Uuid>,
    pub qualified_at: Option<DateTime<Utc>>,
    pub converted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// On capture only, when there are any: people this lead looks like (duplicate policy `warn`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicates: Option<Vec<crate::http::duplicates::DuplicateJson>>,
}

impl From<Lead> for LeadJson {
    fn from(l: Lead) -> Self {
        let f = l.fields;
        let p = f.person;
        Self {
            id: l.id.as_uuid(),
            version: l.version,
            first_name: p.first_name,
            last_name: p.last_name,
            email: p.email.map(|e| e.as_str().to_owned()),
            phone: p.phone.map(|p| p.as_str().to_owned()),
            job_title: p.job_title,
            company: f.company,
            country: f.country,
            source: f.source.as_str().to_owned(),
            campaign: f.campaign,
            products: f.products,
            notes: f.notes,
            company_size: f.company_size,
            industry: f.industry,
            need: f.need,
            decision_role: f.decision_role.map(|r| r.as_str().to_owned()),
            owner_id: f.owner_id.map(|o| o.as_uuid()),
            evidence: f.evidence,
            stage: l.state.stage.as_str().to_owned(),
            status: l.state.status.as_str().to_owned(),
            disqualify_reason: l.disqualify_reason.map(|r| r.as_str().to_owned()),
            status_note: l.status_note,
            nurture_until: l.nurture_until,
            score: l.score,
            grade: l.grade.as_str().to_owned(),
            score_breakdown: l
                .score_lines
                .into_iter()
                .map(|s| ScoreLineJson {
                    rule: s.code,
                    points: s.points,
                })
                .collect(),
            account_id: l.account_id.map(|a| a.as_uuid()),
            contact_id: l.contact_id.map(|c| c.as_uuid()),
            qualified_at: l.qualified_at,
            converted_at: l.converted_at,
            created_at: l.created_at,
            updated_at: l.updated_at,
            duplicates: None,
        }
    }
}

/// One line of a score's breakdown.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreLineJson {
    /// The scoring rule's code.
    pub rule: String,
    pub points: i32,
}

/// A new lead: a first name, an email or a phone, and a sign of interest.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLeadRequest {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub company: Option<String>,
    /// ISO 3166 alpha-2; used to normalise national phone numbers.
    pub country: Option<String>,
    /// Where the lead came from (default `api`).
    pub source: Option<String>,
    pub campaign: Option<String>,
    #[serde(default)]
    pub products: Vec<String>,
    pub notes: Option<String>,
    /// Employees.
    pub company_size: Option<i64>,
    pub industry: Option<String>,
    /// The need or pain to solve.
    pub need: Option<String>,
    /// The person's role in the buying decision.
    pub decision_role: Option<String>,
    pub owner_id: Option<Uuid>,
    /// Written evidence per checklist item, e.g. {"budget": "50k EUR approved"}.
    #[serde(default)]
    pub evidence: std::collections::BTreeMap<String, String>,
    /// Anonymous website visitor id (the value of the tracking cookie): the visitor's earlier
    /// engagement events (sent to `/api/v1/events` with this `visitor_id`) join the new lead.
    pub visitor_id: Option<String>,
}

impl From<CreateLeadRequest> for LeadDraft {
    fn from(r: CreateLeadRequest) -> Self {
        Self {
            first_name: r.first_name,
            last_name: r.last_name,
            email: r.email,
            phone: r.phone,
            job_title: r.job_title,
            company: r.company,
            country: r.country,
            source: r.source,
            campaign: r.campaign,
            products: r.products,
            notes: r.notes,
            company_size: r.company_size,
            industry: r.industry,
            need: r.need,
            decision_role: r.decision_role,
            owner_id: r.owner_id.map(UserId::from_uuid),
            evidence: r.evidence,
            visitor_id: r.visitor_id,
        }
    }
}

/// A partial edit: omit a field to keep it, send `null` to clear it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLeadRequest {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub first_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub last_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub job_title: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub company: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub country: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub source: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub campaign: Option<Option<String>>,
    pub products: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub company_size: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub industry: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub need: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub decision_role: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub owner_id: Option<Option<Uuid>>,
    /// Checklist evidence to record (text) or remove (null), item by item; others stay.
    pub evidence: Option<std::collections::BTreeMap<String, Option<String>>>,
}

impl From<UpdateLeadRequest> for LeadPatch {
    fn from(r: UpdateLeadRequest) -> Self {
        Self {
            first_name: r.first_name,
            last_name: r.last_name,
            email: r.email,
            phone: r.phone,
            job_title: r.job_title,
            company: r.company,
            country: r.country,
            source: r.source,
            campaign: r.campaign,
            products: r.products,
            notes: r.notes,
            company_size: r.company_size,
            industry: r.industry,
            need: r.need,
            decision_role: r.decision_role,
            owner_id: r.owner_id.map(|o| o.map(UserId::from_uuid)),
            evidence: r.evidence,
        }
    }
}

/// Filters, order and page of a lead list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadListQuery {
    /// `lead`, `prospect` or `converted`.
    pub stage: Option<String>,
    /// `open`, `nurture`, `disqualified` or `converted`.
    pub status: Option<String>,
    /// A lead source name.
    pub source: Option<String>,
    /// Score grade `a`-`d`; `a` is the prospect review queue.
    pub grade: Option<String>,
    /// Owner user id.
    pub owner: Option<Uuid>,
    /// Text search in name, email, phone and company.
    pub q: Option<String>,
    /// `created_at`, `updated_at`, `name` or `score`; prefix `-` for descending. Default `-created_at`.
    pub sort: Option<String>,
    /// Page size, 1-200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Body of disqualify, nurture, reopen and qualify (all members optional where unused).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// Disqualify reason: not_interested, no_budget, no_authority, no_need, unreachable, wrong_fit, duplicate, spam, other.
    pub reason: Option<String>,
    /// Free text.
    pub note: Option<String>,
    /// Nurture: the date to revisit, YYYY-MM-DD.
    pub until: Option<String>,
    /// Qualify although playbook criteria are unmet (sales managers and admins): the reason.
    pub override_reason: Option<String>,
}

/// One deal to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityRequest {
    pub name: Option<String>,
    pub product: Option<String>,
    /// Decimal amount in major units as a string, e.g. "12500.50".
    pub amount: Option<String>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// YYYY-MM-DD.
    pub expected_close_date: Option<String>,
    /// Starting stage key (default: the first open stage).
    pub stage: Option<String>,
    pub owner_id: Option<Uuid>,
}

impl From<OpportunityRequest> for OpportunityDraft {
    fn from(r: OpportunityRequest) -> Self {
        Self {
            name: r.name,
            product: r.product,
            amount: r.amount,
            currency: r.currency,
            expected_close_date: r.expected_close_date,
            stage: r.stage,
            owner_id: r.owner_id.map(UserId::from_uuid),
        }
    }
}

/// Conversion of a prospect.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertRequest {
    /// Use this existing account instead of matching the company name.
    pub account_id: Option<Uuid>,
    /// The deals to open (1-20).
    #[serde(default)]
    pub opportunities: Vec<OpportunityRequest>,
    pub note: Option<String>,
    /// Convert although playbook criteria are unmet (sales managers and admins): the reason.
    pub override_reason: Option<String>,
}

/// What a conversion produced.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConvertResponse {
    pub lead: LeadJson,
    pub account_id: Uuid,
    /// True when an existing account was used.
    pub account_reused: bool,
    pub contact_id: Uuid,
    pub opportunities: Vec<OpportunityJson>,
}

impl From<ConvertOutcome> for ConvertResponse {
    fn from(o: ConvertOutcome) -> Self {
        Self {
            lead: o.lead.into(),
            account_id: o.account_id.as_uuid(),
            account_reused: o.account_reused,
            contact_id: o.contact_id.as_uuid(),
            opportunities: o
                .opportunities
                .into_iter()
                .map(OpportunityJson::from)
                .collect(),
        }
    }
}
