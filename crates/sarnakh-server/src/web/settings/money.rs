//! Exchange rates and forecast targets (sales managers and admins): the reporting currency
//! and the stored rates with a form to add one, the targets the user may see with a form to
//! set one and a button to remove one. The services check who may do what and every value.

use super::{Problems, Tab, notice, tabs};
use crate::http::AppState;
use crate::web::pipeline::money;
use crate::web::session::Refusal;
use crate::web::{Frame, Page, Tr, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sarnakh_core::domain::forecast::Interval;
use sarnakh_core::service::{RateInput, TargetInput};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/money", get(show))
        .route("/settings/money/rates", post(add_rate))
        .route("/settings/money/targets", post(set_target))
        .route("/settings/money/targets/delete", post(delete_target))
}

/// A rate as listed.
pub struct RateRow {
    pub currency: String,
    pub rate: String,
    pub effective_on: String,
}

/// A target as listed.
pub struct TargetRow {
    pub id: String,
    pub period: String,
    pub scope: String,
    pub amount: String,
}

/// The rate form as sent.
#[derive(Default, Deserialize)]
struct RateForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    rate: String,
    #[serde(default)]
    effective_on: String,
}

/// The target form as sent; `scope` is empty (the company), `team:<id>` or `owner:<id>`.
#[derive(Default, Deserialize)]
struct TargetForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    interval: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    currency: String,
}

#[derive(Template)]
#[template(path = "settings_money.html")]
struct MoneyPage {
    frame: Frame,
    tabs: Vec<Tab>,
    notice: Option<String>,
    base: String,
    rates: Vec<RateRow>,
    targets: Vec<TargetRow>,
    scopes: Vec<(String, String)>,
    intervals: Vec<(String, String)>,
    rate: RateForm,
    target: TargetForm,
    problems: Problems,
    rate_problems: Problems,
    target_problems: Problems,
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

/// A rate times 10^12 in the reader's digits, without trailing zeros.
fn rate_text(tr: Tr, mut e12: i64) -> String {
    let mut exponent = 12;
    while exponent > 0 && e12 % 10 == 0 {
        e12 /= 10;
        exponent -= 1;
    }
    tr.decimal(e12, exponent)
}

#[derive(Default)]
struct Refused {
    status: StatusCode,
    rate: RateForm,
    target: TargetForm,
    rate_problems: Problems,
    target_problems: Problems,
}

async fn page(
    app: &AppState,
    user: &WebUser,
    notice: Option<String>,
    forms: Refused,
) -> Result<Response, Refusal> {
    let tr = user.tr;
    user.actor.require_override().map_err(|e| user.refusal(e))?;
    let s = &app.services;
    let sheet = s.exchange_rates().await.map_err(|e| user.refusal(e))?;
    let targets = s
        .forecast_targets(&user.actor)
        .await
        .map_err(|e| user.refusal(e))?;
    let (users, teams) = s
        .team_directory(&user.actor)
        .await
        .map_err(|e| user.refusal(e))?;
    let company = tr.t("settings-target-company");
    let scope_of = |t: &sarnakh_core::domain::forecast::Target| match (t.team_id, t.owner_id) {
        (Some(team), _) => teams
            .iter()
            .find(|x| x.id == team)
            .map_or_else(|| team.to_string(), |x| x.name.clone()),
        (None, Some(o)) => users
            .iter()
            .find(|u| u.id == o)
            .map_or_else(|| o.to_string(), |u| u.display_name.clone()),
        (None, None) => company.clone(),
    };
    let mut scopes = vec![(String::new(), company.clone())];
    scopes.extend(
        teams
            .iter()
            .map(|t| (format!("team:{}", t.id), t.name.clone())),
    );
    scopes.extend(
        users
            .iter()
            .filter(|u| u.disabled_at.is_none())
            .map(|u| (format!("owner:{}", u.id), u.display_name.clone())),
    );
    let mut target = forms.target;
    if target.currency.is_empty() {
        target.currency = sheet.base.code().to_owned();
    }
    let page = MoneyPage {
        frame: Frame::of(user, "settings"),
        tabs: tabs(user, "/settings/money"),
        notice,
        base: sheet.base.code().to_owned(),
        rates: sheet
            .rates
            .iter()
            .map(|r| RateRow {
                currency: r.currency.code().to_owned(),
                rate: rate_text(tr, r.rate_e12),
                effective_on: tr.day(r.effective_on),
            })
            .collect(),
        targets: targets
            .iter()
            .map(|t| TargetRow {
                id: t.id.to_string(),
                period: tr.t2(
                    "settings-target-period",
                    (
                        "interval",
                        tr.t(&format!("settings-interval-{}", t.interval.as_str()))
                            .into(),
                    ),
                    ("day", tr.day(t.starts_on).into()),
                ),
                scope: scope_of(t),
                amount: money(
                    tr,
                    t.amount.minor(),
                    t.amount.currency().code(),
                    t.amount.currency().exponent(),
                ),
            })
            .collect(),
        scopes,
        intervals: [Interval::Month, Interval::Quarter]
            .iter()
            .map(|i| {
                let key = i.as_str();
                (key.to_owned(), tr.t(&format!("settings-interval-{key}")))
            })
            .collect(),
        rate: forms.rate,
        target,
        problems: Problems::default(),
        rate_problems: forms.rate_problems,
        target_problems: forms.target_problems,
    };
    Ok(Page(forms.status, page).into_response())
}

async fn show(
    State(app): State<AppState>,
    user: WebUser,
    Query(d): Query<Done>,
) -> Result<Response, Refusal> {
    let done = notice(
        user.tr,
        d.done.as_deref(),
        &["rate", "target", "target-removed"],
    );
    page(&app, &user, done, Refused::default()).await
}

fn given(s: &str) -> Option<String> {
    Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned)
}

async fn add_rate(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<RateForm>,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(&form.csrf) {
        return Err(refused.into());
    }
    let input = RateInput {
        currency: given(&form.currency),
        rate: given(&form.rate),
        effective_on: given(&form.effective_on),
    };
    match app
        .services
        .set_exchange_rates(&user.actor, None, &[input])
        .await
    {
        Ok(_) => Ok(Redirect::to("/settings/money?done=rate").into_response()),
        Err(sarnakh_core::Error::Validation(errors)) => {
            let fields = ["currency", "rate", "effective_on"];
            let refused = Refused {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                rate_problems: Problems::of(user.tr, &errors, &fields),
                rate: form,
                ..Refused::default()
            };
            page(&app, &user, None, refused).await
        }
        Err(e) => Err(user.refusal(e)),
    }
}

async fn set_target(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<TargetForm>,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(&form.csrf) {
        return Err(refused.into());
    }
    let (kind, id) = form.scope.split_once(':').unwrap_or(("", ""));
    let input = TargetInput {
        interval: given(&form.interval),
        starts_on: given(&form.starts_on),
        team_id: (kind == "team").then(|| id.to_owned()),
        owner_id: (kind == "owner").then(|| id.to_owned()),
        amount: given(&form.amount),
        currency: given(&form.currency),
    };
    match app.services.set_forecast_target(&user.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/settings/money?done=target").into_response()),
        Err(sarnakh_core::Error::Validation(errors)) => {
            let fields = ["interval", "starts_on", "scope", "amount", "currency"];
            let errors: Vec<_> = errors
                .into_iter()
                .map(|mut e| {
                    if e.field == "team_id" || e.field == "owner_id" {
                        e.field = "scope".into();
                    }
                    e
                })
                .collect();
            let refused = Refused {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                target_problems: Problems::of(user.tr, &errors, &fields),
                target: form,
                ..Refused::default()
            };
            page(&app, &user, None, refused).await
        }
        Err(e) => Err(user.refusal(e)),
    }
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    id: String,
}

async fn delete_target(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<DeleteForm>,
) -> Result<Response, Refusal> {
    let id: uuid::Uuid = user.target(&form.csrf, &form.id, "forecast_target")?;
    app.services
        .delete_forecast_target(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(Redirect::to("/settings/money?done=target-removed").into_response())
}
