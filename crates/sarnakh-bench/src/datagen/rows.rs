//! Rows exactly as the migrations define them, and their values in column order. The
//! derived columns (`sort_name`, `search`) are computed as the adapters compute them
//! (`sarnakh-store-sqlite/src/leads.rs` `sort_name` / `search_text`, `records.rs`).

use super::words::LeadSeed;
use crate::db::Value;
use chrono::{DateTime, NaiveDate, Utc};
use sarnakh_core::domain::text::match_key;
use uuid::Uuid;

/// Columns of `leads` in insert order.
pub const LEAD_COLUMNS: &[&str] = &[
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "company",
    "country",
    "source",
    "campaign",
    "products",
    "notes",
    "company_size",
    "industry",
    "need",
    "decision_role",
    "owner_id",
    "stage",
    "status",
    "disqualify_reason",
    "status_note",
    "nurture_until",
    "score",
    "account_id",
    "contact_id",
    "qualified_at",
    "converted_at",
    "first_contact_at",
    "created_at",
    "updated_at",
    "version",
    "sort_name",
    "search",
];
/// Columns of `accounts`.
pub const ACCOUNT_COLUMNS: &[&str] = &[
    "id",
    "name",
    "name_key",
    "industry",
    "company_size",
    "country",
    "owner_id",
    "customer_since",
    "created_at",
    "updated_at",
    "version",
];
/// Columns of `contacts`.
pub const CONTACT_COLUMNS: &[&str] = &[
    "id",
    "account_id",
    "lead_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "created_at",
    "version",
    "search",
];
/// Columns of `opportunities`.
pub const OPPORTUNITY_COLUMNS: &[&str] = &[
    "id",
    "account_id",
    "contact_id",
    "lead_id",
    "name",
    "product",
    "amount_minor",
    "currency",
    "expected_close_date",
    "stage",
    "status",
    "loss_reason",
    "close_note",
    "closed_at",
    "owner_id",
    "created_at",
    "updated_at",
    "version",
    "search",
    "lead_created_at",
    "lead_source",
    "lead_campaign",
    "lead_country",
    "lead_owner_id",
    "lead_team_id",
];
/// Columns of `activities`.
pub const ACTIVITY_COLUMNS: &[&str] = &[
    "id",
    "subject_type",
    "subject_id",
    "kind",
    "outcome",
    "summary",
    "body",
    "occurred_at",
    "owner_id",
    "created_at",
];
/// Columns of `history` written by the bench (`seq` aside: see [`history_insert_sql`]).
pub const HISTORY_COLUMNS: &[&str] = &[
    "id",
    "subject_type",
    "subject_id",
    "kind",
    "from_state",
    "to_state",
    "reason",
    "note",
    "related_type",
    "related_id",
    "actor_id",
    "at",
    "token_id",
];
/// The same plus the store-wide sequence number (SQLite, which has no sequence object).
pub const HISTORY_COLUMNS_SEQ: &[&str] = &[
    "id",
    "subject_type",
    "subject_id",
    "kind",
    "from_state",
    "to_state",
    "reason",
    "note",
    "related_type",
    "related_id",
    "actor_id",
    "at",
    "token_id",
    "seq",
];

/// One history row as the adapters append it: on SQLite `seq` is one past the largest,
/// on PostgreSQL it comes from the column's default (`history_seq_source`).
pub fn history_insert_sql(sqlite: bool) -> String {
    let columns = HISTORY_COLUMNS.join(", ");
    let values: Vec<String> = (1..=HISTORY_COLUMNS.len())
        .map(|i| format!("${i}"))
        .collect();
    if sqlite {
        format!(
            "insert into history ({columns}, seq) values ({}, (select coalesce(max(seq), 0) + 1 from history))",
            values.join(", ")
        )
    } else {
        format!(
            "insert into history ({columns}) values ({})",
            values.join(", ")
        )
    }
}
/// Columns of `users`.
pub const USER_COLUMNS: &[&str] = &["id", "email", "display_name", "role", "created_at"];

/// A lead row: the seed plus its lifecycle position.
#[derive(Debug, Clone)]
pub struct LeadRow {
    /// Id (UUIDv7 of `created_at`).
    pub id: Uuid,
    /// Captured fields.
    pub seed: LeadSeed,
    /// Owner.
    pub owner_id: Option<Uuid>,
    /// `lead`, `prospect`, `converted`.
    pub stage: &'static str,
    /// `open`, `nurture`, `disqualified`, `converted`.
    pub status: &'static str,
    /// While disqualified.
    pub disqualify_reason: Option<&'static str>,
    /// While nurtured.
    pub nurture_until: Option<NaiveDate>,
    /// Score.
    pub score: i32,
    /// After conversion.
    pub account_id: Option<Uuid>,
    /// After conversion.
    pub contact_id: Option<Uuid>,
    /// When qualified.
    pub qualified_at: Option<DateTime<Utc>>,
    /// When converted.
    pub converted_at: Option<DateTime<Utc>>,
    /// Its first call, email, meeting or demo.
    pub first_contact_at: Option<DateTime<Utc>>,
    /// Captured at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Version (1 + changes).
    pub version: i64,
}

impl LeadRow {
    /// A just-captured lead (what `POST /api/v1/leads` writes).
    pub fn captured(id: Uuid, seed: LeadSeed, at: DateTime<Utc>) -> Self {
        Self {
            id,
            seed,
            owner_id: None,
            stage: "lead",
            status: "open",
            disqualify_reason: None,
            nurture_until: None,
            score: 0,
            account_id: None,
            contact_id: None,
            qualified_at: None,
            converted_at: None,
            first_contact_at: None,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    /// `match_key("{last} {first}")`, as the adapters.
    pub fn sort_name(&self) -> String {
        match_key(&format!(
            "{} {}",
            self.seed.last_name.as_deref().unwrap_or(""),
            self.seed.first_name
        ))
    }

    /// Lower-cased name, email, phone and company, as the adapters.
    pub fn search(&self) -> String {
        let s = &self.seed;
        [
            Some(s.first_name.as_str()),
            s.last_name.as_deref(),
            s.email.as_deref(),
            s.phone.as_deref(),
            s.company.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
    }

    /// Values in [`LEAD_COLUMNS`] order; `contact_id` is left null when `defer_contact`.
    pub fn values(&self, defer_contact: bool) -> Vec<Value> {
        let s = &self.seed;
        vec![
            Value::Uuid(self.id),
            Value::Text(s.first_name.clone()),
            Value::OptText(s.last_name.clone()),
            Value::OptText(s.email.clone()),
            Value::OptText(s.phone.clone()),
            Value::OptText(s.job_title.clone()),
            Value::OptText(s.company.clone()),
            Value::OptStr(s.country),
            Value::Str(s.source),
            Value::OptStr(s.campaign),
            Value::Products(s.products.clone()),
            Value::OptText(None),
            Value::I32(s.company_size),
            Value::OptStr(s.industry),
            Value::OptStr(s.need),
            Value::OptStr(s.decision_role),
            Value::OptUuid(self.owner_id),
            Value::Str(self.stage),
            Value::Str(self.status),
            Value::OptStr(self.disqualify_reason),
            Value::OptText(None),
            Value::OptDate(self.nurture_until),
            Value::I32(Some(self.score)),
            Value::OptUuid(self.account_id),
            Value::OptUuid(if defer_contact { None } else { self.contact_id }),
            Value::OptTime(self.qualified_at),
            Value::OptTime(self.converted_at),
            Value::OptTime(self.first_contact_at),
            Value::Time(self.created_at),
            Value::Time(self.updated_at),
            Value::I64(self.version),
            Value::Text(self.sort_name()),
            Value::Text(self.search()),
        ]
    }
}
