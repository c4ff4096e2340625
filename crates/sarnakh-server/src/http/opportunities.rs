//! `/api/v1/opportunities` and `/api/v1/pipeline/stages`: list and read deals, move them
//! across stages, record buyer roles, close them won or lost.

use super::AppState;
use super::accounts::ContactJson;
use super::auth::Authenticated;
use super::error::{ApiResult, Problem};
use super::extract::{ApiJson, ApiQuery, double_option, etag, if_match, parse_id};
use super::list::{enum_param, page_request, page_type, sort_param};
use super::timeline::{HistoryJson, TimelineJson};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use sarnakh_core::domain::page::SortDir;
use sarnakh_core::domain::{
    AccountId, BuyerRole, LeadId, Opportunity, OpportunityId, OpportunityStatus, PipelineStage,
    RecordRef, UserId,
};
use sarnakh_core::service::{CloseDraft, OpportunityDetail, OpportunityPatch};
use sarnakh_core::store::{OpportunityFilter, OpportunitySortField};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A deal.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityJson {
    pub id: Uuid,
    pub version: i64,
    pub account_id: Uuid,
    pub contact_id: Option<Uuid>,
    /// The lead it came from (attribution).
    pub lead_id: Option<Uuid>,
    pub name: String,
    pub product: Option<String>,
    /// Decimal amount in major units, exactly the currency's decimals.
    pub amount: String,
    /// Amount in minor units.
    pub amount_minor: i64,
    pub currency: String,
    pub expected_close_date: Option<NaiveDate>,
    pub stage: String,
    /// `open`, `won` or `lost`.
    pub status: String,
    pub loss_reason: Option<String>,
    pub close_note: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub owner_id: Option<Uuid>,
    /// The owner's forecast call: `pipeline`, `best_case`, `commit` or `omitted` (null: the
    /// stage's default; won deals count as `closed`).
    pub forecast_category: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Opportunity> for OpportunityJson {
    fn from(o: Opportunity) -> Self {
        Self {
            id: o.id.as_uuid(),
            version: o.version,
            account_id: o.account_id.as_uuid(),
            contact_id: o.contact_id.map(|c| c.as_uuid()),
            lead_id: o.lead_id.map(|l| l.as_uuid()),
            name: o.name,
            product: o.product,
            amount: o.amount.to_decimal(),
            amount_minor: o.amount.minor(),
            currency: o.amount.currency().code().to_owned(),
            expected_close_date: o.expected_close_date,
            stage: o.stage,
            status: o.status.as_str().to_owned(),
            loss_reason: o.loss_reason.map(|r| r.as_str().to_owned()),
            close_note: o.close_note,
            closed_at: o.closed_at,
            owner_id: o.owner_id.map(|u| u.as_uuid()),
            forecast_category: o.forecast_category.map(|c| c.as_str().to_owned()),
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// A buyer-side person on a deal.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerJson {
    pub contact: ContactJson,
    /// decision_maker, champion, influencer, economic_buyer, technical_evaluator or user.
    pub role: String,
}

/// A recorded change of a deal.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageChangeJson {
    /// `created`, `stage_changed`, `won` or `lost`.
    pub kind: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// A deal with its buyer-side people and stage history.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityDetailJson {
    #[serde(flatten)]
    pub opportunity: OpportunityJson,
    pub contacts: Vec<BuyerJson>,
    pub stage_history: Vec<StageChangeJson>,
}

impl From<OpportunityDetail> for OpportunityDetailJson {
    fn from(d: OpportunityDetail) -> Self {
        Self {
            opportunity: d.opportunity.into(),
            contacts: d
                .contacts
                .into_iter()
                .map(|(c, r)| BuyerJson {
                    contact: c.into(),
                    role: r.as_str().to_owned(),
                })
                .collect(),
            stage_history: d
                .stage_history
                .into_iter()
                .map(|h| StageChangeJson {
                    kind: h.kind,
                    from: h.from,
                    to: h.to,
                    reason: h.reason,
                    at: h.at,
                })
                .collect(),
        }
    }
}

/// A pipeline stage.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageJson {
    pub key: String,
    pub name: String,
    /// Win probability in percent.
    pub probability: u8,
    pub position: i32,
    /// `open`, `won` or `lost`.
    pub kind: String,
}

impl From<PipelineStage> for StageJson {
    fn from(s: PipelineStage) -> Self {
        Self {
            key: s.key,
            name: s.name,
            probability: s.probability,
            position: s.position,
            kind: s.kind.as_str().to_owned(),
        }
    }
}

page_type!(OpportunityPage, OpportunityJson);

/// Filters, order and page of an opportunity list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpportunityListQuery {
    /// Stage key.
    pub stage: Option<String>,
    /// `open`, `won` or `lost`.
    pub status: Option<String>,
    pub owner: Option<Uuid>,
    pub account: Option<Uuid>,
    /// Only deals produced by this lead.
    pub lead: Option<Uuid>,
    /// Only deals of this product (exactly).
    pub product: Option<String>,
    /// Text search in name and product.
    pub q: Option<String>,
    /// `created_at`, `updated_at` or `amount`; prefix `-` for descending. Default `-created_at`.
    pub sort: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
    /// Only deals owned by this team's members (team id).
    pub team: Option<String>,
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

/// Move to another open stage.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveStageRequest {
    pub stage: String,
}

/// Close won or lost.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    /// `won` or `lost`.
    pub outcome: Option<String>,
    /// Required when lost: price, competitor, no_decision, timing, product_fit, lost_contact, other.
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// A buyer role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyerRoleRequest {
    /// decision_maker, champion, influencer, economic_buyer, technical_evaluator or user.
    pub role: String,
}

/// The opportunity and pipeline routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_opportunities))
        .routes(routes!(get_opportunity, update_opportunity))
        .routes(routes!(move_opportunity))
        .routes(routes!(close_opportunity))
        .routes(routes!(set_buyer_role))
        .routes(routes!(opportunity_timeline))
        .routes(routes!(opportunity_history))
        .routes(routes!(list_stages))
}

/// List opportunities.
#[utoipa::path(get, path = "/api/v1/opportunities", tag = "opportunities", params(OpportunityListQuery),
    responses((status = 200, body = OpportunityPage), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn list_opportunities(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<OpportunityListQuery>,
) -> ApiResult<axum::Json<OpportunityPage>> {
    let (sort, dir) = sort_param(
        q.sort.as_deref(),
        OpportunitySortField::parse,
        (OpportunitySortField::CreatedAt, SortDir::Desc),
        "created_at, updated_at, amount",
    )?;
    let more = sarnakh_core::domain::list_params::OpportunityParams {
        team: q.team,
        close_from: q.close_from,
        close_to: q.close_to,
        amount_min: q.amount_min,
        amount_max: q.amount_max,
        currency: q.currency,
        ..Default::default()
    };
    let filter = OpportunityFilter {
        stage: q.stage.filter(|s| !s.trim().is_empty()),
        status: enum_param(
            "status",
            q.status.as_deref(),
            OpportunityStatus::parse,
            OpportunityStatus::expected,
        )?,
        owner: q.owner.map(UserId::from_uuid),
        owners: None,
        account: q.account.map(AccountId::from_uuid),
        lead: q.lead.map(LeadId::from_uuid),
        product: q.product.filter(|p| !p.trim().is_empty()),
        q: q.q,
        sort,
        dir,
        ..OpportunityFilter::default()
    };
    let filter = super::export::with_deal_ranges(&app, filter, &more).await?;
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(OpportunityPage::from_page(
        app.services
            .list_opportunities(&actor, &filter, &page)
            .await?,
    )))
}

/// Read a deal with its buyer-side people and stage history.
#[utoipa::path(get, path = "/api/v1/opportunities/{id}", tag = "opportunities", params(("id" = String, Path)),
    responses((status = 200, body = OpportunityDetailJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_opportunity(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let detail = app
        .services
        .get_opportunity(&actor, parse_id(&id, "opportunity")?)
        .await?;
    Ok((
        etag(detail.opportunity.version),
        axum::Json(OpportunityDetailJson::from(detail)),
    ))
}

/// A partial edit of an open deal: omit a field to keep it, send `null` to clear it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOpportunityRequest {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub product: Option<Option<String>>,
    /// Decimal amount in major units, e.g. `"12500.00"` (in `currency`, else the deal's).
    pub amount: Option<String>,
    pub currency: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub expected_close_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub owner_id: Option<Option<Uuid>>,
    /// `pipeline`, `best_case`, `commit` or `omitted`; null returns to the stage's default.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub forecast_category: Option<Option<String>>,
}

impl From<UpdateOpportunityRequest> for OpportunityPatch {
    fn from(r: UpdateOpportunityRequest) -> Self {
        Self {
            name: r.name,
            product: r.product,
            amount: r.amount,
            currency: r.currency,
            expected_close_date: r.expected_close_date,
            owner_id: r.owner_id.map(|o| o.map(UserId::from_uuid)),
            forecast_category: r.forecast_category,
        }
    }
}

/// Edit an open deal's name, product, amount, expected close date, owner or forecast
/// category (recorded in its history). Send `If-Match` to refuse lost updates.
#[utoipa::path(patch, path = "/api/v1/opportunities/{id}", tag = "opportunities", params(("id" = String, Path)), request_body = UpdateOpportunityRequest,
    responses((status = 200, body = OpportunityJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_opportunity(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UpdateOpportunityRequest>,
) -> ApiResult<impl IntoResponse> {
    let id: OpportunityId = parse_id(&id, "opportunity")?;
    let o = app
        .services
        .update_opportunity(&actor, id, body.into(), if_match(&headers)?)
        .await?;
    Ok((etag(o.version), axum::Json(OpportunityJson::from(o))))
}

/// Move a deal to another open stage (recorded in its stage history).
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/stage", tag = "opportunities", params(("id" = String, Path)), request_body = MoveStageRequest,
    responses((status = 200, body = OpportunityJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn move_opportunity(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MoveStageRequest>,
) -> ApiResult<impl IntoResponse> {
    let id: OpportunityId = parse_id(&id, "opportunity")?;
    let o = app
        .services
        .move_opportunity(&actor, id, &body.stage, if_match(&headers)?)
        .await?;
    Ok((etag(o.version), axum::Json(OpportunityJson::from(o))))
}

/// Close a deal won or lost; the first won deal makes the account a customer.
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/close", tag = "opportunities", params(("id" = String, Path)), request_body = CloseRequest,
    responses((status = 200, body = OpportunityJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn close_opportunity(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CloseRequest>,
) -> ApiResult<impl IntoResponse> {
    let id: OpportunityId = parse_id(&id, "opportunity")?;
    let draft = CloseDraft {
        outcome: body.outcome,
        reason: body.reason,
        note: body.note,
        expected_version: if_match(&headers)?,
    };
    let o = app.services.close_opportunity(&actor, id, &draft).await?;
    Ok((etag(o.version), axum::Json(OpportunityJson::from(o))))
}

/// Record a buyer-side person's role on a deal.
#[utoipa::path(put, path = "/api/v1/opportunities/{id}/contacts/{contact_id}", tag = "opportunities",
    params(("id" = String, Path), ("contact_id" = String, Path)), request_body = BuyerRoleRequest,
    responses((status = 200, body = OpportunityDetailJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_buyer_role(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path((id, contact_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<BuyerRoleRequest>,
) -> ApiResult<axum::Json<OpportunityDetailJson>> {
    let role = BuyerRole::parse(body.role.trim()).ok_or_else(|| {
        sarnakh_core::Error::field(
            "role",
            "unknown_value",
            format!("{:?} is not one of: {}", body.role, BuyerRole::expected()),
        )
    })?;
    let detail = app
        .services
        .set_buyer_role(
            &actor,
            parse_id(&id, "opportunity")?,
            parse_id(&contact_id, "contact")?,
            role,
        )
        .await?;
    Ok(axum::Json(detail.into()))
}

/// A deal's activities, follow-ups and changes in time order.
#[utoipa::path(get, path = "/api/v1/opportunities/{id}/timeline", tag = "opportunities", params(("id" = String, Path)),
    responses((status = 200, body = TimelineJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn opportunity_timeline(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<TimelineJson>> {
    let subject = RecordRef::Opportunity(parse_id(&id, "opportunity")?);
    Ok(axum::Json(TimelineJson::from(
        app.services.timeline(&actor, subject).await?,
    )))
}

/// The pipeline stages in board order, with win probabilities.
#[utoipa::path(get, path = "/api/v1/pipeline/stages", tag = "opportunities", responses((status = 200, body = Vec<StageJson>)))]
pub async fn list_stages(
    State(app): State<AppState>,
    Authenticated(_actor): Authenticated,
) -> ApiResult<axum::Json<Vec<StageJson>>> {
    Ok(axum::Json(
        app.services
            .list_stages()
            .await?
            .into_iter()
            .map(StageJson::from)
            .collect(),
    ))
}

/// The opportunity's audit trail: every accepted change with who, when, the token used and the fields changed.
#[utoipa::path(get, path = "/api/v1/opportunities/{id}/history", tag = "opportunities", params(("id" = String, Path)),
    responses((status = 200, body = HistoryJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn opportunity_history(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<HistoryJson>> {
    let subject = RecordRef::Opportunity(parse_id(&id, "opportunity")?);
    Ok(axum::Json(HistoryJson::from(
        app.services.history(&actor, subject).await?,
    )))
}
