//! `/api/v1/settings/rates` (the reporting currency and exchange rates; sales managers and
//! admins write) and `/api/v1/settings/campaign-costs` (what campaigns cost; marketing,
//! sales managers and admins write). A refused write changes nothing.

use super::super::AppState;
use super::super::auth::Authenticated;
use super::super::error::{ApiResult, Problem};
use super::super::extract::ApiJson;
use super::wire::{AmountJson, RateJson, amount};
use axum::extract::State;
use chrono::NaiveDate;
use sarnakh_core::domain::report_money::{CampaignCost, format_rate};
use sarnakh_core::service::{CostInput, RateInput, RateSheet};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The reporting currency and every stored rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatesJson {
    /// The base: rates say how many of its units one unit of a currency is worth.
    pub base: String,
    pub rates: Vec<RateJson>,
}

impl From<RateSheet> for RatesJson {
    fn from(s: RateSheet) -> Self {
        Self {
            base: s.base.code().into(),
            rates: s
                .rates
                .into_iter()
                .map(|r| RateJson {
                    currency: r.currency.code().into(),
                    rate: format_rate(r.rate_e12),
                    effective_on: r.effective_on,
                })
                .collect(),
        }
    }
}

/// One rate to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateRequest {
    pub currency: Option<String>,
    /// Units of the base per unit of `currency`, a decimal string such as `"0.2011"`.
    pub rate: Option<String>,
    /// First day it applies (default today).
    pub effective_on: Option<String>,
}

/// Rates to add or replace (by currency and day), and optionally the base currency
/// (only while no rate is stored).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRatesRequest {
    pub base: Option<String>,
    #[serde(default)]
    pub rates: Vec<RateRequest>,
}

/// A campaign's cost over a span of days.
#[derive(Debug, Serialize, ToSchema)]
pub struct CostJson {
    pub campaign: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub cost: AmountJson,
}

impl From<CampaignCost> for CostJson {
    fn from(c: CampaignCost) -> Self {
        Self {
            cost: amount(c.amount.currency().code(), c.amount.minor()),
            campaign: c.campaign,
            from: c.starts_on,
            to: c.ends_on,
        }
    }
}

/// One campaign cost to record (replaces the one with the same campaign and `from`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CostRequest {
    pub campaign: Option<String>,
    /// Decimal amount, e.g. `"1500.00"`.
    pub amount: Option<String>,
    pub currency: Option<String>,
    /// First day of the spend.
    pub from: Option<String>,
    /// Last day (default: `from`).
    pub to: Option<String>,
}

/// Campaign costs to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCostsRequest {
    pub costs: Vec<CostRequest>,
}

/// Every recorded campaign cost.
#[derive(Debug, Serialize, ToSchema)]
pub struct CostsJson {
    pub costs: Vec<CostJson>,
}

/// The rate and cost routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_rates, set_rates))
        .routes(routes!(get_campaign_costs, set_campaign_costs))
}

/// The reporting currency and the exchange rates.
#[utoipa::path(get, path = "/api/v1/settings/rates", tag = "reports", responses((status = 200, body = RatesJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn get_rates(
    State(app): State<AppState>,
    Authenticated(_actor): Authenticated,
) -> ApiResult<axum::Json<RatesJson>> {
    Ok(axum::Json(app.services.exchange_rates().await?.into()))
}

/// Add or replace exchange rates (sales managers, admins).
#[utoipa::path(put, path = "/api/v1/settings/rates", tag = "reports", request_body = SetRatesRequest,
    responses((status = 200, body = RatesJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_rates(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<SetRatesRequest>,
) -> ApiResult<axum::Json<RatesJson>> {
    let rates: Vec<RateInput> = body
        .rates
        .into_iter()
        .map(|r| RateInput {
            currency: r.currency,
            rate: r.rate,
            effective_on: r.effective_on,
        })
        .collect();
    let sheet = app
        .services
        .set_exchange_rates(&actor, body.base.as_deref(), &rates)
        .await?;
    Ok(axum::Json(sheet.into()))
}

/// Every recorded campaign cost.
#[utoipa::path(get, path = "/api/v1/settings/campaign-costs", tag = "reports", responses((status = 200, body = CostsJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn get_campaign_costs(
    State(app): State<AppState>,
    Authenticated(_actor): Authenticated,
) -> ApiResult<axum::Json<CostsJson>> {
    let costs = app.services.campaign_costs().await?;
    Ok(axum::Json(CostsJson {
        costs: costs.into_iter().map(Into::into).collect(),
    }))
}

/// Record what campaigns cost (marketing, sales managers, admins).
#[utoipa::path(put, path = "/api/v1/settings/campaign-costs", tag = "reports", request_body = SetCostsRequest,
    responses((status = 200, body = CostsJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_campaign_costs(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<SetCostsRequest>,
) -> ApiResult<axum::Json<CostsJson>> {
    let input: Vec<CostInput> = body
        .costs
        .into_iter()
        .map(|c| CostInput {
            campaign: c.campaign,
            amount: c.amount,
            currency: c.currency,
            from: c.from,
            to: c.to,
        })
        .collect();
    let costs = app.services.set_campaign_costs(&actor, &input).await?;
    Ok(axum::Json(CostsJson {
        costs: costs.into_iter().map(Into::into).collect(),
    }))
}
