//! `/api/v1/accounts` and `/api/v1/contacts`: the organisations and people that lead
//! conversion produces, and more deals for an existing customer.

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiResult, Problem};
use super::extract::{ApiJson, ApiQuery, etag, parse_id};
use super::leads::OpportunityRequest;
use super::list::{page_request, page_type};
use super::opportunities::OpportunityJson;
use super::timeline::{HistoryJson, TimelineJson};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use sarnakh_core::domain::{Account, AccountId, Contact, ContactId, RecordRef};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// An organisation; a customer once a deal is won.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountJson {
    pub id: Uuid,
    pub version: i64,
    pub name: String,
    pub industry: Option<String>,
    pub company_size: Option<i32>,
    pub country: Option<String>,
    pub owner_id: Option<Uuid>,
    /// True once a deal is won.
    pub is_customer: bool,
    pub customer_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Account> for AccountJson {
    fn from(a: Account) -> Self {
        Self {
            id: a.id.as_uuid(),
            version: a.version,
            is_customer: a.is_customer(),
            name: a.name,
            industry: a.industry,
            company_size: a.company_size,
            country: a.country,
            owner_id: a.owner_id.map(|o| o.as_uuid()),
            customer_since: a.customer_since,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// A person at an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactJson {
    pub id: Uuid,
    pub version: i64,
    pub account_id: Uuid,
    /// The lead this person came in as.
    pub lead_id: Option<Uuid>,
    pub first_name: String,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Contact> for ContactJson {
    fn from(c: Contact) -> Self {
        Self {
            id: c.id.as_uuid(),
            version: c.version,
            account_id: c.account_id.as_uuid(),
            lead_id: c.lead_id.map(|l| l.as_uuid()),
            first_name: c.first_name,
            last_name: c.last_name,
            email: c.email.map(|e| e.as_str().to_owned()),
            phone: c.phone.map(|p| p.as_str().to_owned()),
            job_title: c.job_title,
            created_at: c.created_at,
        }
    }
}

page_type!(AccountPage, AccountJson);
page_type!(ContactPage, ContactJson);

/// Account list parameters (sorted by name).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountListQuery {
    /// Text search in the name.
    pub q: Option<String>,
    /// Only customers (true) or only non-customers (false).
    pub customer: Option<bool>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
    /// Only accounts of this owner.
    pub owner: Option<Uuid>,
    /// Only accounts in this country (ISO code).
    pub country: Option<String>,
    /// Only accounts of this industry (exactly).
    pub industry: Option<String>,
    /// `name` (default) or `-name`.
    pub sort: Option<String>,
}

/// Contact list parameters (newest first).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactListQuery {
    pub account: Option<Uuid>,
    /// Text search in name, email and phone.
    pub q: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
    /// Only contacts of accounts of this owner.
    pub owner: Option<Uuid>,
    /// `-created_at` (default) or `created_at`.
    pub sort: Option<String>,
}

/// A new deal for an existing account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOpportunityRequest {
    #[serde(flatten)]
    pub opportunity: OpportunityRequest,
    /// Main buyer-side contact; must belong to the account.
    pub contact_id: Option<Uuid>,
}

/// The account and contact routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts))
        .routes(routes!(get_account))
        .routes(routes!(create_account_opportunity))
        .routes(routes!(account_timeline))
        .routes(routes!(account_history))
        .routes(routes!(list_contacts))
        .routes(routes!(get_contact))
        .routes(routes!(contact_timeline))
        .routes(routes!(contact_history))
}

/// List accounts by name.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", params(AccountListQuery), responses((status = 200, body = AccountPage), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn list_accounts(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<AccountListQuery>,
) -> ApiResult<axum::Json<AccountPage>> {
    let filter = super::export::AccountExportQuery {
        q: q.q,
        customer: q.customer,
        owner: q.owner,
        country: q.country,
        industry: q.industry,
        sort: q.sort,
        raw: None,
    }
    .filter()?;
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(AccountPage::from_page(
        app.services.list_accounts(&actor, &filter, &page).await?,
    )))
}

/// Read an account.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts", params(("id" = String, Path)), responses((status = 200, body = AccountJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_account(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let account = app
        .services
        .get_account(&actor, parse_id(&id, "account")?)
        .await?;
    Ok((
        etag(account.version),
        axum::Json(AccountJson::from(account)),
    ))
}

/// Open another deal for an existing account (one customer, many deals).
#[utoipa::path(post, path = "/api/v1/accounts/{id}/opportunities", tag = "accounts", params(("id" = String, Path)), request_body = CreateOpportunityRequest,
    responses((status = 201, body = OpportunityJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_account_opportunity(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateOpportunityRequest>,
) -> ApiResult<impl IntoResponse> {
    let account: AccountId = parse_id(&id, "account")?;
    let contact = body.contact_id.map(ContactId::from_uuid);
    let o = app
        .services
        .create_opportunity(&actor, account, &body.opportunity.into(), contact)
        .await?;
    Ok((
        StatusCode::CREATED,
        etag(o.version),
        axum::Json(OpportunityJson::from(o)),
    ))
}

/// An account's activities, follow-ups and changes in time order.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/timeline", tag = "accounts", params(("id" = String, Path)), responses((status = 200, body = TimelineJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn account_timeline(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<TimelineJson>> {
    let subject = RecordRef::Account(parse_id(&id, "account")?);
    Ok(axum::Json(TimelineJson::from(
        app.services.timeline(&actor, subject).await?,
    )))
}

/// List contacts.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "accounts", params(ContactListQuery), responses((status = 200, body = ContactPage), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn list_contacts(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ContactListQuery>,
) -> ApiResult<axum::Json<ContactPage>> {
    let filter = super::export::ContactExportQuery {
        account: q.account,
        q: q.q,
        owner: q.owner,
        sort: q.sort,
        raw: None,
    }
    .filter()?;
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(ContactPage::from_page(
        app.services.list_contacts(&actor, &filter, &page).await?,
    )))
}

/// Read a contact.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "accounts", params(("id" = String, Path)), responses((status = 200, body = ContactJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_contact(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let contact = app
        .services
        .get_contact(&actor, parse_id(&id, "contact")?)
        .await?;
    Ok((
        etag(contact.version),
        axum::Json(ContactJson::from(contact)),
    ))
}

/// A contact's activities, follow-ups and changes in time order.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/timeline", tag = "accounts", params(("id" = String, Path)), responses((status = 200, body = TimelineJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn contact_timeline(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<TimelineJson>> {
    let subject = RecordRef::Contact(parse_id(&id, "contact")?);
    Ok(axum::Json(TimelineJson::from(
        app.services.timeline(&actor, subject).await?,
    )))
}

/// The account's audit trail: every accepted change with who, when, the token used and the fields changed.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/history", tag = "accounts", params(("id" = String, Path)),
    responses((status = 200, body = HistoryJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn account_history(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<HistoryJson>> {
    let subject = RecordRef::Account(parse_id(&id, "account")?);
    Ok(axum::Json(HistoryJson::from(
        app.services.history(&actor, subject).await?,
    )))
}

/// The contact's audit trail: every accepted change with who, when, the token used and the fields changed.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/history", tag = "accounts", params(("id" = String, Path)),
    responses((status = 200, body = HistoryJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn contact_history(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<HistoryJson>> {
    let subject = RecordRef::Contact(parse_id(&id, "contact")?);
    Ok(axum::Json(HistoryJson::from(
        app.services.history(&actor, subject).await?,
    )))
}
