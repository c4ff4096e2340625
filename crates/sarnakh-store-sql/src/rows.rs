//! Row structs as both SQL stores return them, and their conversion into domain types. A row that
//! does not convert (an unknown enum name, a bad currency) is reported as a backend error:
//! it means the database was edited outside Sarnakh.

use chrono::{DateTime, NaiveDate, Utc};
use sarnakh_core::domain::activity::ActivityOutcome;
use sarnakh_core::domain::forecast::ForecastCategory;
use sarnakh_core::domain::opportunity::LossReason;
use sarnakh_core::domain::{
    Account, AccountId, Activity, ActivityId, ActivityKind, Contact, ContactId, Currency, Email,
    HistoryEntry, HistoryId, LeadId, Money, Opportunity, OpportunityId, OpportunityStatus, Phone,
    PipelineStage, RecordRef, Role, StageKind, Task, TaskId, User, UserId,
};
use sarnakh_core::domain::{ApiToken, Locale, TeamId, TokenId, TokenScope};
use sarnakh_core::store::StoreError;
use uuid::Uuid;

/// Columns of a lead row, in the order both stores read and write them (the adapters
/// append `sort_name` and `search` when writing). The benchmark's raw queries use it too.
pub const LEAD_COLUMNS: &str = "id, first_name, last_name, email, phone, job_title, company, country, source, campaign, products, notes, company_size, industry, need, decision_role, owner_id, stage, status, disqualify_reason, status_note, nurture_until, score, account_id, contact_id, qualified_at, converted_at, created_at, updated_at, version, team_id, evidence, score_lines, grade";

/// Columns of [`HistoryRow`], in order (`seq` last: the adapters number rows differently).
pub const HISTORY_COLUMNS: &str = "id, subject_type, subject_id, kind, from_state, to_state, reason, note, related_type, related_id, actor_id, at, token_id, playbook_version, seq";

/// Columns of [`OpportunityRow`], in order.
pub const OPPORTUNITY_COLUMNS: &str = "id, account_id, contact_id, lead_id, name, product, amount_minor, currency, expected_close_date, stage, status, loss_reason, close_note, closed_at, owner_id, created_at, updated_at, version, forecast_category";

/// The deal's copies of its lead's report facts (creation time, source, campaign, country,
/// owner and team), which the deal reports group, filter and limit to what the caller sees
/// without reading the lead.
pub const LEAD_FACTS: [(&str, &str); 6] = [
    ("lead_created_at", "created_at"),
    ("lead_source", "source"),
    ("lead_campaign", "campaign"),
    ("lead_country", "country"),
    ("lead_owner_id", "owner_id"),
    ("lead_team_id", "team_id"),
];

/// `set` item: the deal's copies of the facts of the lead bound as `lead` (a merge, an edit);
/// null for a deal without a lead. Triggers follow later edits of the lead (migrations
/// `20261130000033_deal_lead_facts.sql` and `20261130000035_deal_lead_owner.sql`).
pub fn lead_facts_set(lead: &str) -> String {
    let (copies, facts): (Vec<&str>, Vec<String>) = LEAD_FACTS
        .iter()
        .map(|(copy, fact)| (*copy, format!("l.{fact}")))
        .unzip();
    format!(
        "({}) = (select {} from leads l where l.id = {lead})",
        copies.join(", "),
        facts.join(", ")
    )
}

/// The statement that writes a deal: an insert (no `expected` version) or an edit of the
/// version bound as `$21`; the deal's columns are bound in [`OPPORTUNITY_COLUMNS`] order,
/// then `search`, and the lead's facts are copied from the lead `$4`.
pub fn opportunity_write_sql(expected: bool) -> String {
    if expected {
        format!(
            "update opportunities set account_id = $2, contact_id = $3, lead_id = $4, {}, name = $5, product = $6, amount_minor = $7, currency = $8, expected_close_date = $9, stage = $10, status = $11, loss_reason = $12, close_note = $13, closed_at = $14, owner_id = $15, created_at = $16, updated_at = $17, version = $18, forecast_category = $19, search = $20 where id = $1 and version = $21",
            lead_facts_set("$4")
        )
    } else {
        let (copies, facts): (Vec<&str>, Vec<String>) = LEAD_FACTS
            .iter()
            .map(|(copy, fact)| {
                (
                    *copy,
                    format!("(select l.{fact} from leads l where l.id = $4)"),
                )
            })
            .unzip();
        format!(
            "insert into opportunities ({OPPORTUNITY_COLUMNS}, search, {}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, {})",
            copies.join(", "),
            facts.join(", ")
        )
    }
}

/// The key leads sort by when sorted by name.
pub fn lead_sort_name(lead: &sarnakh_core::domain::Lead) -> String {
    let p = &lead.fields.person;
    sarnakh_core::domain::text::match_key(&format!(
        "{} {}",
        p.last_name.as_deref().unwrap_or(""),
        p.first_name
    ))
}

/// The lower-cased text a lead is found by (names, email, phone, company).
pub fn lead_search(lead: &sarnakh_core::domain::Lead) -> String {
    let f = &lead.fields;
    let p = &f.person;
    [
        Some(p.first_name.as_str()),
        p.last_name.as_deref(),
        p.email.as_ref().map(|e| e.as_str()),
        p.phone.as_ref().map(|p| p.as_str()),
        f.company.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase()
}

/// The lower-cased text a contact is found by (names, email, phone).
pub fn contact_search(c: &sarnakh_core::domain::Contact) -> String {
    [
        Some(c.first_name.as_str()),
        c.last_name.as_deref(),
        c.email.as_ref().map(|e| e.as_str()),
        c.phone.as_ref().map(|p| p.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase()
}

pub fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Backend(format!("stored {what} {value:?} is not valid"))
}

pub fn parse<T>(what: &str, value: &str, f: fn(&str) -> Option<T>) -> Result<T, StoreError> {
    f(value).ok_or_else(|| corrupt(what, value))
}

pub fn parse_opt<T>(
    what: &str,
    value: Option<&str>,
    f: fn(&str) -> Option<T>,
) -> Result<Option<T>, StoreError> {
    value.map(|v| parse(what, v, f)).transpose()
}

pub fn email(value: Option<String>) -> Result<Option<Email>, StoreError> {
    value
        .map(|v| Email::parse(&v).map_err(|_| corrupt("email", &v)))
        .transpose()
}

fn subject(kind: Option<&str>, id: Option<Uuid>) -> Result<Option<RecordRef>, StoreError> {
    match (kind, id) {
        (Some(k), Some(id)) => RecordRef::from_parts(k, id)
            .map(Some)
            .ok_or_else(|| corrupt("record type", k)),
        _ => Ok(None),
    }
}

#[derive(sqlx::FromRow)]
pub struct UserRow {
    id: Uuid,
    email: String,
    display_name: String,
    role: String,
    team_id: Option<Uuid>,
    locale: String,
    time_zone: String,
    disabled_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    version: i64,
}

/// Columns of [`UserRow`], in order.
pub const USER_COLUMNS: &str =
    "id, email, display_name, role, team_id, locale, time_zone, disabled_at, created_at, version";

#[derive(sqlx::FromRow)]
pub struct TokenRow {
    id: Uuid,
    user_id: Uuid,
    name: String,
    prefix: String,
    scope: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

/// Columns of [`TokenRow`], in order.
pub const TOKEN_COLUMNS: &str =
    "id, user_id, name, prefix, scope, created_at, last_used_at, revoked_at";

/// An API token and its user, read together by the token's digest (every API request).
#[derive(sqlx::FromRow)]
pub struct TokenUserRow {
    token_id: Uuid,
    name: String,
    prefix: String,
    scope: String,
    token_created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    user: UserRow,
}

/// Columns of [`TokenUserRow`] from `api_tokens t join users u`.
pub const TOKEN_USER_COLUMNS: &str = "t.id as token_id, t.name, t.prefix, t.scope, \
     t.created_at as token_created_at, t.last_used_at, t.revoked_at, u.id, u.email, \
     u.display_name, u.role, u.team_id, u.locale, u.time_zone, u.disabled_at, u.created_at, \
     u.version";

impl TryFrom<TokenUserRow> for (ApiToken, User) {
    type Error = StoreError;
    fn try_from(r: TokenUserRow) -> Result<Self, StoreError> {
        let token = TokenRow {
            id: r.token_id,
            user_id: r.user.id,
            name: r.name,
            prefix: r.prefix,
            scope: r.scope,
            created_at: r.token_created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        };
        Ok((ApiToken::try_from(token)?, User::try_from(r.user)?))
    }
}

impl TryFrom<TokenRow> for ApiToken {
    type Error = StoreError;
    fn try_from(r: TokenRow) -> Result<Self, StoreError> {
        Ok(ApiToken {
            id: TokenId::from_uuid(r.id),
            user_id: UserId::from_uuid(r.user_id),
            scope: parse("token scope", &r.scope, TokenScope::parse)?,
            name: r.name,
            prefix: r.prefix,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        })
    }
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        Ok(User {
            id: UserId::from_uuid(r.id),
            role: parse("role", &r.role, Role::parse)?,
            locale: parse("locale", &r.locale, Locale::parse)?,
            team_id: r.team_id.map(TeamId::from_uuid),
            email: r.email,
            display_name: r.display_name,
            time_zone: r.time_zone,
            disabled_at: r.disabled_at,
            created_at: r.created_at,
            version: r.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct AccountRow {
    id: Uuid,
    name: String,
    name_key: String,
    industry: Option<String>,
    company_size: Option<i32>,
    country: Option<String>,
    owner_id: Option<Uuid>,
    customer_since: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl From<AccountRow> for Account {
    fn from(r: AccountRow) -> Self {
        Account {
            id: AccountId::from_uuid(r.id),
            name: r.name,
            name_key: r.name_key,
            industry: r.industry,
            company_size: r.company_size,
            country: r.country,
            owner_id: r.owner_id.map(UserId::from_uuid),
            customer_since: r.customer_since,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct ContactRow {
    id: Uuid,
    account_id: Uuid,
    lead_id: Option<Uuid>,
    first_name: String,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    job_title: Option<String>,
    created_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<ContactRow> for Contact {
    type Error = StoreError;
    fn try_from(r: ContactRow) -> Result<Self, StoreError> {
        Ok(Contact {
            id: ContactId::from_uuid(r.id),
            account_id: AccountId::from_uuid(r.account_id),
            lead_id: r.lead_id.map(LeadId::from_uuid),
            first_name: r.first_name,
            last_name: r.last_name,
            email: email(r.email)?,
            phone: r.phone.map(Phone::from_stored),
            job_title: r.job_title,
            created_at: r.created_at,
            version: r.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct OpportunityRow {
    id: Uuid,
    account_id: Uuid,
    contact_id: Option<Uuid>,
    lead_id: Option<Uuid>,
    name: String,
    product: Option<String>,
    amount_minor: i64,
    currency: String,
    expected_close_date: Option<NaiveDate>,
    stage: String,
    status: String,
    loss_reason: Option<String>,
    close_note: Option<String>,
    closed_at: Option<DateTime<Utc>>,
    owner_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    forecast_category: Option<String>,
}

impl TryFrom<OpportunityRow> for Opportunity {
    type Error = StoreError;
    fn try_from(r: OpportunityRow) -> Result<Self, StoreError> {
        let currency =
            Currency::parse(&r.currency).map_err(|_| corrupt("currency", &r.currency))?;
        Ok(Opportunity {
            id: OpportunityId::from_uuid(r.id),
            account_id: AccountId::from_uuid(r.account_id),
            contact_id: r.contact_id.map(ContactId::from_uuid),
            lead_id: r.lead_id.map(LeadId::from_uuid),
            name: r.name,
            product: r.product,
            amount: Money::from_minor(r.amount_minor, currency)
                .map_err(|_| corrupt("amount", &r.amount_minor.to_string()))?,
            expected_close_date: r.expected_close_date,
            stage: r.stage,
            status: parse("status", &r.status, OpportunityStatus::parse)?,
            forecast_category: parse_opt(
                "forecast category",
                r.forecast_category.as_deref(),
                ForecastCategory::parse,
            )?,
            loss_reason: parse_opt("loss reason", r.loss_reason.as_deref(), LossReason::parse)?,
            close_note: r.close_note,
            closed_at: r.closed_at,
            owner_id: r.owner_id.map(UserId::from_uuid),
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct StageRow {
    key: String,
    name: String,
    probability: i32,
    position: i32,
    kind: String,
    forecast_category: Option<String>,
    labels: String,
    retired_at: Option<DateTime<Utc>>,
}

impl TryFrom<StageRow> for PipelineStage {
    type Error = StoreError;
    fn try_from(r: StageRow) -> Result<Self, StoreError> {
        let probability = u8::try_from(r.probability)
            .map_err(|_| corrupt("probability", &r.probability.to_string()))?;
        let kind = parse("stage kind", &r.kind, StageKind::parse)?;
        let forecast_category = match r.forecast_category.as_deref() {
            Some(c) => parse("forecast category", c, ForecastCategory::parse)?,
            None => match kind {
                StageKind::Won => ForecastCategory::Closed,
                StageKind::Lost => ForecastCategory::Omitted,
                StageKind::Open => ForecastCategory::default_for_probability(probability),
            },
        };
        Ok(PipelineStage {
            probability,
            kind,
            forecast_category,
            labels: crate::stages::labels_from(&r.labels)?,
            retired_at: r.retired_at,
            key: r.key,
            name: r.name,
            position: r.position,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct ActivityRow {
    id: Uuid,
    subject_type: String,
    subject_id: Uuid,
    kind: String,
    outcome: Option<String>,
    summary: String,
    body: Option<String>,
    occurred_at: DateTime<Utc>,
    owner_id: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl TryFrom<ActivityRow> for Activity {
    type Error = StoreError;
    fn try_from(r: ActivityRow) -> Result<Self, StoreError> {
        Ok(Activity {
            id: ActivityId::from_uuid(r.id),
            subject: subject(Some(&r.subject_type), Some(r.subject_id))?
                .ok_or_else(|| corrupt("subject", &r.subject_type))?,
            kind: parse("activity kind", &r.kind, ActivityKind::parse)?,
            outcome: parse_opt("outcome", r.outcome.as_deref(), ActivityOutcome::parse)?,
            summary: r.summary,
            body: r.body,
            occurred_at: r.occurred_at,
            owner_id: r.owner_id.map(UserId::from_uuid),
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct TaskRow {
    id: Uuid,
    subject_type: Option<String>,
    subject_id: Option<Uuid>,
    title: String,
    notes: Option<String>,
    due_at: DateTime<Utc>,
    owner_id: Uuid,
    completed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<TaskRow> for Task {
    type Error = StoreError;
    fn try_from(r: TaskRow) -> Result<Self, StoreError> {
        Ok(Task {
            id: TaskId::from_uuid(r.id),
            subject: subject(r.subject_type.as_deref(), r.subject_id)?,
            title: r.title,
            notes: r.notes,
            due_at: r.due_at,
            owner_id: UserId::from_uuid(r.owner_id),
            completed_at: r.completed_at,
            created_at: r.created_at,
            version: r.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct HistoryRow {
    id: Uuid,
    subject_type: String,
    subject_id: Uuid,
    kind: String,
    from_state: Option<String>,
    to_state: Option<String>,
    reason: Option<String>,
    note: Option<String>,
    related_type: Option<String>,
    related_id: Option<Uuid>,
    actor_id: Option<Uuid>,
    at: DateTime<Utc>,
    token_id: Option<Uuid>,
    seq: i64,
    playbook_version: Option<i64>,
}

impl TryFrom<HistoryRow> for HistoryEntry {
    type Error = StoreError;
    fn try_from(r: HistoryRow) -> Result<Self, StoreError> {
        Ok(HistoryEntry {
            id: HistoryId::from_uuid(r.id),
            subject: subject(Some(&r.subject_type), Some(r.subject_id))?
                .ok_or_else(|| corrupt("subject", &r.subject_type))?,
            kind: r.kind,
            from: r.from_state,
            to: r.to_state,
            reason: r.reason,
            note: r.note,
            related: subject(r.related_type.as_deref(), r.related_id)?,
            actor_id: r.actor_id.map(UserId::from_uuid),
            token_id: r.token_id.map(TokenId::from_uuid),
            at: r.at,
            changes: Vec::new(),
            seq: r.seq,
            playbook_version: r.playbook_version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct EventRow {
    id: String,
    lead_id: Uuid,
    kind: String,
    url: Option<String>,
    occurred_at: DateTime<Utc>,
}

impl EventRow {
    /// The events of one lead from a `Dialect::json_rows` array of `[id, kind, url,
    /// occurred_at]` (RFC 3339), in its order.
    pub fn from_json(
        lead_id: Uuid,
        json: &str,
    ) -> Result<Vec<sarnakh_core::domain::event::EngagementEvent>, StoreError> {
        type Item = (String, String, Option<String>, String);
        let items: Vec<Item> =
            serde_json::from_str(json).map_err(|e| corrupt("event list", &e.to_string()))?;
        items
            .into_iter()
            .map(|(id, kind, url, at)| {
                let occurred_at =
                    crate::reports::parse_instant(&at).map_err(|_| corrupt("event time", &at))?;
                Self {
                    id,
                    lead_id,
                    kind,
                    url,
                    occurred_at,
                }
                .try_into()
            })
            .collect()
    }
}

impl TryFrom<EventRow> for sarnakh_core::domain::event::EngagementEvent {
    type Error = StoreError;
    fn try_from(r: EventRow) -> Result<Self, StoreError> {
        Ok(Self {
            kind: parse(
                "event kind",
                &r.kind,
                sarnakh_core::domain::event::EventKind::parse,
            )?,
            id: r.id,
            lead_id: LeadId::from_uuid(r.lead_id),
            url: r.url,
            occurred_at: r.occurred_at,
        })
    }
}
