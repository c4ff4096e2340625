//! `GET /api/v1/{leads,opportunities,accounts,contacts}/export.csv`: a whole filtered list
//! as a CSV file, with the filters and order of the JSON list and only the rows the caller
//! may see. `raw=true` writes exactly the stored values for a migration; the default
//! escapes formula-like cells for spreadsheets (see `sarnakh_core::export`).
//!
//! The page-by-page engine behind them, shared with `sarnakh export`, is in `chunks.rs`.

mod chunks;

pub(crate) use chunks::{CsvChunks, ExportList, Failure};

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiResult, Problem};
use super::extract::ApiQuery;
use super::list::{enum_param, sort_param};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sarnakh_core::domain::lifecycle::{LeadStage, LeadStatus};
use sarnakh_core::domain::list_params::{AccountParams, ContactParams, OpportunityParams};
use sarnakh_core::domain::page::SortDir;
use sarnakh_core::domain::scoring::Grade;
use sarnakh_core::domain::{AccountId, LeadId, LeadSource, OpportunityStatus, UserId};
use sarnakh_core::export::ExportMode;
use sarnakh_core::service::Actor;
use sarnakh_core::store::{
    AccountFilter, ContactFilter, LeadFilter, LeadSortField, OpportunityFilter,
    OpportunitySortField,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Safe unless `raw=true`.
fn mode(raw: Option<bool>) -> ExportMode {
    raw.filter(|raw| *raw)
        .map_or(ExportMode::Safe, |_| ExportMode::Raw)
}

/// Which leads to export: the filters and order of `GET /api/v1/leads`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadExportQuery {
    /// `lead`, `prospect` or `converted`.
    pub stage: Option<String>,
    /// `open`, `nurture`, `disqualified` or `converted`.
    pub status: Option<String>,
    /// A lead source name.
    pub source: Option<String>,
    /// Score grade `a`-`d`.
    pub grade: Option<String>,
    /// Owner user id.
    pub owner: Option<Uuid>,
    /// Text search in name, email, phone and company.
    pub q: Option<String>,
    /// `created_at`, `updated_at`, `name` or `score`; prefix `-` for descending. Default `-created_at`.
    pub sort: Option<String>,
    /// `true`: exactly the stored values, with `evidence.ITEM` columns, for a migration.
    /// Default `false`: cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'`.
    pub raw: Option<bool>,
}

impl LeadExportQuery {
    /// The list filter, or a 400 naming the bad parameter.
    pub fn filter(&self) -> ApiResult<LeadFilter> {
        let (sort, dir) = sort_param(
            self.sort.as_deref(),
            LeadSortField::parse,
            (LeadSortField::CreatedAt, SortDir::Desc),
            "created_at, updated_at, name, score",
        )?;
        let (stage, status) = (self.stage.as_deref(), self.status.as_deref());
        let (source, grade) = (self.source.as_deref(), self.grade.as_deref());
        Ok(LeadFilter {
            stage: enum_param("stage", stage, LeadStage::parse, LeadStage::expected)?,
            status: enum_param("status", status, LeadStatus::parse, LeadStatus::expected)?,
            source: enum_param("source", source, LeadSource::parse, LeadSource::expected)?,
            grade: enum_param("grade", grade, Grade::parse, Grade::expected)?,
            owner: self.owner.map(UserId::from_uuid),
            q: self.q.clone(),
            sort,
            dir,
            ..LeadFilter::default()
        })
    }
}

/// Which opportunities to export: the filters and order of `GET /api/v1/opportunities`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpportunityExportQuery {
    /// Stage key.
    pub stage: Option<String>,
    /// `open`, `won` or `lost`.
    pub status: Option<String>,
    pub owner: Option<Uuid>,
    pub account: Option<Uuid>,
    /// Only deals produced by this lead.
    pub lead: Option<Uuid>,
    /// Text search in name and product.
    pub q: Option<String>,
    /// `created_at`, `updated_at` or `amount`; prefix `-` for descending. Default `-created_at`.
    pub sort: Option<String>,
    /// `true`: exactly the stored values, for a migration; default: formula cells escaped.
    pub raw: Option<bool>,
    /// Only deals owned by this team's members (team id).
    pub team: Option<String>,
    /// Only deals of this product (exactly).
    pub product: Option<String>,
    /// Only deals expected to close on or after this day (`YYYY-MM-DD`).
    pub close_from: Option<String>,
    /// Only deals expected to close on or before this day.
    pub close_to: Option<String>,
    /// Only deals of at least this amount (decimal, in `currency`).
    pub amount_min: Option<String>,
    /// Only deals of at most this amount (decimal, in `currency`).
    pub amount_max: Option<String>,
    /// Only deals in this currency (required with an amount range).
    pub currency: Option<String>,
}

impl OpportunityExportQuery {
    /// The list filter, or a 400 naming the bad parameter.
    pub fn filter(&self) -> ApiResult<OpportunityFilter> {
        let (sort, dir) = sort_param(
            self.sort.as_deref(),
            OpportunitySortField::parse,
            (OpportunitySortField::CreatedAt, SortDir::Desc),
            "created_at, updated_at, amount",
        )?;
        let status = self.status.as_deref();
        Ok(OpportunityFilter {
            stage: self.stage.clone().filter(|s| !s.trim().is_empty()),
            status: enum_param(
                "status",
                status,
                OpportunityStatus::parse,
                OpportunityStatus::expected,
            )?,
            owner: self.owner.map(UserId::from_uuid),
            account: self.account.map(AccountId::from_uuid),
            lead: self.lead.map(LeadId::from_uuid),
            q: self.q.clone(),
            sort,
            dir,
            ..OpportunityFilter::default()
        })
    }
}

/// Which accounts to export (by name): the filters of `GET /api/v1/accounts`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountExportQuery {
    /// Text search in the name.
    pub q: Option<String>,
    /// Only customers (true) or only non-customers (false).
    pub customer: Option<bool>,
    /// Only accounts of this owner.
    pub owner: Option<Uuid>,
    /// Only accounts in this country (ISO code).
    pub country: Option<String>,
    /// Only accounts of this industry (exactly).
    pub industry: Option<String>,
    /// `name` (default) or `-name`.
    pub sort: Option<String>,
    /// `true`: exactly the stored values, for a migration; default: formula cells escaped.
    pub raw: Option<bool>,
}

/// Which contacts to export (newest first): the filters of `GET /api/v1/contacts`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactExportQuery {
    pub account: Option<Uuid>,
    /// Text search in name, email and phone.
    pub q: Option<String>,
    /// Only contacts of accounts of this owner.
    pub owner: Option<Uuid>,
    /// `-created_at` (default) or `created_at`.
    pub sort: Option<String>,
    /// `true`: exactly the stored values, for a migration; default: formula cells escaped.
    pub raw: Option<bool>,
}

impl AccountExportQuery {
    /// The list filter.
    pub fn filter(&self) -> ApiResult<AccountFilter> {
        let params = AccountParams {
            q: self.q.clone(),
            owner: self.owner.map(|o| o.to_string()),
            customer: self.customer.map(|c| c.to_string()),
            country: self.country.clone(),
            industry: self.industry.clone(),
            sort: self.sort.clone(),
        };
        Ok(params.filter().map_err(sarnakh_core::Error::Validation)?)
    }
}

impl ContactExportQuery {
    /// The list filter.
    pub fn filter(&self) -> ApiResult<ContactFilter> {
        let params = ContactParams {
            q: self.q.clone(),
            account: self.account.map(|a| a.to_string()),
            owner: self.owner.map(|o| o.to_string()),
            sort: self.sort.clone(),
        };
        Ok(params.filter().map_err(sarnakh_core::Error::Validation)?)
    }
}

/// `filter` with the web list's further deal filters (team, product, expected close and
/// amount ranges) taken from `more`, checked by the same core parser as the web list.
pub(crate) async fn with_deal_ranges(
    app: &AppState,
    mut filter: OpportunityFilter,
    more: &OpportunityParams,
) -> ApiResult<OpportunityFilter> {
    let more = app.services.opportunity_list_filter(more).await?;
    filter.owners = more.owners;
    filter.product = more.product.or(filter.product);
    filter.close_from = more.close_from;
    filter.close_to = more.close_to;
    filter.amount_min = more.amount_min;
    filter.amount_max = more.amount_max;
    filter.currency = more.currency;
    Ok(filter)
}

/// The export routes. Their literal `export.csv` segment wins over the `{id}` routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_leads))
        .routes(routes!(export_opportunities))
        .routes(routes!(export_accounts))
        .routes(routes!(export_contacts))
}

/// The CSV file of `filter`'s whole list as `actor` sees it, named `{name}-YYYYMMDD.csv`.
async fn csv_file<F: ExportList + 'static>(
    app: AppState,
    actor: Actor,
    filter: F,
    mode: ExportMode,
    name: &str,
) -> ApiResult<Response> {
    let mut chunks = CsvChunks::start(app.services, actor, filter, mode).await?;
    // The first page is read before answering, so a refusal still gets its status; the rest
    // streams page by page as the client reads. A failure after that ends the transfer early
    // (the client sees an incomplete download, not a short file passed off as whole).
    let first = chunks.next().await?;
    let rest = futures_util::stream::unfold(Some(chunks), |state| async move {
        let mut chunks = state?;
        match chunks.next().await {
            Ok(Some(bytes)) => Some((Ok(axum::body::Bytes::from(bytes)), Some(chunks))),
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = ?e, "export failed while streaming");
                Some((Err(std::io::Error::other("the export failed")), None))
            }
        }
    });
    let head = futures_util::stream::iter(
        first
            .into_iter()
            .map(|b| Ok::<_, std::io::Error>(axum::body::Bytes::from(b))),
    );
    let body = axum::body::Body::from_stream(futures_util::StreamExt::chain(head, rest));
    let today = chrono::Utc::now().format("%Y%m%d");
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}-{today}.csv\""),
        ),
        (header::CACHE_CONTROL, "no-store".to_owned()),
    ];
    Ok((headers, body).into_response())
}

/// Export leads as CSV, with the filters and order of the lead list.
#[utoipa::path(get, path = "/api/v1/leads/export.csv", tag = "leads", params(LeadExportQuery),
    responses((status = 200, description = "The CSV file (`text/csv; charset=utf-8`, as an attachment)", content_type = "text/csv", body = String), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn export_leads(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<LeadExportQuery>,
) -> ApiResult<Response> {
    csv_file(app, actor, q.filter()?, mode(q.raw), "leads").await
}

/// Export opportunities as CSV, with the filters and order of the opportunity list.
#[utoipa::path(get, path = "/api/v1/opportunities/export.csv", tag = "opportunities", params(OpportunityExportQuery),
    responses((status = 200, description = "The CSV file (`text/csv; charset=utf-8`, as an attachment)", content_type = "text/csv", body = String), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn export_opportunities(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<OpportunityExportQuery>,
) -> ApiResult<Response> {
    let more = OpportunityParams {
        team: q.team.clone(),
        product: q.product.clone(),
        close_from: q.close_from.clone(),
        close_to: q.close_to.clone(),
        amount_min: q.amount_min.clone(),
        amount_max: q.amount_max.clone(),
        currency: q.currency.clone(),
        ..OpportunityParams::default()
    };
    let filter = with_deal_ranges(&app, q.filter()?, &more).await?;
    csv_file(app, actor, filter, mode(q.raw), "opportunities").await
}

/// Export accounts as CSV, by name, with the filters of the account list.
#[utoipa::path(get, path = "/api/v1/accounts/export.csv", tag = "accounts", params(AccountExportQuery),
    responses((status = 200, description = "The CSV file (`text/csv; charset=utf-8`, as an attachment)", content_type = "text/csv", body = String), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn export_accounts(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<AccountExportQuery>,
) -> ApiResult<Response> {
    csv_file(app, actor, q.filter()?, mode(q.raw), "accounts").await
}

/// Export contacts as CSV, newest first, with the filters of the contact list.
#[utoipa::path(get, path = "/api/v1/contacts/export.csv", tag = "accounts", params(ContactExportQuery),
    responses((status = 200, description = "The CSV file (`text/csv; charset=utf-8`, as an attachment)", content_type = "text/csv", body = String), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn export_contacts(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ContactExportQuery>,
) -> ApiResult<Response> {
    csv_file(app, actor, q.filter()?, mode(q.raw), "contacts").await
}
