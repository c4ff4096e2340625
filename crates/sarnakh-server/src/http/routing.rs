//! `/api/v1/settings/assignment` (who gets new unowned leads), `/api/v1/settings/sla` (the
//! speed-to-lead target) and `/api/v1/inbox` (the rep's follow-ups due and new leads by
//! urgency).

use super::AppState;
use super::activities::TaskJson;
use super::auth::Authenticated;
use super::error::{ApiResult, Problem};
use super::extract::ApiJson;
use super::leads::LeadJson;
use axum::extract::State;
use chrono::{DateTime, Utc};
use sarnakh_core::Error;
use sarnakh_core::domain::assignment::AssignmentRules;
use sarnakh_core::domain::sla::SlaSettings;
use sarnakh_core::error::FieldError;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A new lead in the inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxLeadJson {
    pub lead: LeadJson,
    /// When it must be (or had to be) first contacted.
    pub due_at: DateTime<Utc>,
    /// Its first call, email, meeting or demo.
    pub first_contact_at: Option<DateTime<Utc>>,
    /// Contacted late, or still not contacted past `due_at`.
    pub breached: bool,
}

/// The inbox: follow-ups overdue and due today first, then new leads by urgency.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxJson {
    pub tasks: Vec<TaskJson>,
    pub leads: Vec<InboxLeadJson>,
}

/// The routing routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_assignment, set_assignment))
        .routes(routes!(get_sla, set_sla))
        .routes(routes!(inbox))
}

fn parse<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> Result<T, Error> {
    serde_json::from_value(body).map_err(|e| {
        Error::Validation(vec![FieldError::new("", "invalid_settings", e.to_string())])
    })
}

/// The assignment rules in force.
#[utoipa::path(get, path = "/api/v1/settings/assignment", tag = "leads", responses((status = 200, description = "{\"rules\": [rule]}; see docs/ROUTING.md"), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn get_assignment(
    State(app): State<AppState>,
    Authenticated(_actor): Authenticated,
) -> ApiResult<axum::Json<AssignmentRules>> {
    Ok(axum::Json(app.services.assignment_rules().await?))
}

/// Replace the assignment rules (sales managers, admins).
#[utoipa::path(put, path = "/api/v1/settings/assignment", tag = "leads", request_body(content = Object, description = "{\"rules\": [{\"name\", \"countries\", \"products\", \"sources\", \"pick\": \"round_robin\"|\"load\", \"users\" or \"team_id\"}]}; see docs/ROUTING.md"),
    responses((status = 200, description = "the rules saved"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_assignment(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<axum::Json<AssignmentRules>> {
    let rules: AssignmentRules = parse(body)?;
    Ok(axum::Json(
        app.services.set_assignment_rules(&actor, rules).await?,
    ))
}

/// The speed-to-lead target.
#[utoipa::path(get, path = "/api/v1/settings/sla", tag = "leads", responses((status = 200, description = "{\"first_contact_minutes\", \"working_hours\"}; see docs/ROUTING.md"), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn get_sla(
    State(app): State<AppState>,
    Authenticated(_actor): Authenticated,
) -> ApiResult<axum::Json<SlaSettings>> {
    Ok(axum::Json(app.services.sla_settings().await?))
}

/// Replace the speed-to-lead target (sales managers, admins).
#[utoipa::path(put, path = "/api/v1/settings/sla", tag = "leads", request_body(content = Object, description = "{\"first_contact_minutes\": 15, \"working_hours\": {\"days\": [\"mon\"], \"start\": \"09:00\", \"end\": \"18:00\", \"time_zone\": \"Europe/Bucharest\"}}"),
    responses((status = 200, description = "the target saved"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_sla(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<axum::Json<SlaSettings>> {
    let sla: SlaSettings = parse(body)?;
    Ok(axum::Json(
        app.services.set_sla_settings(&actor, sla).await?,
    ))
}

/// Your morning triage: follow-ups overdue and due today, then the open new leads you own
/// or that wait in your team's queue, not-yet-contacted ones past their target first.
#[utoipa::path(get, path = "/api/v1/inbox", tag = "leads", responses((status = 200, body = InboxJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn inbox(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<axum::Json<InboxJson>> {
    let inbox = app.services.inbox(&actor).await?;
    Ok(axum::Json(InboxJson {
        tasks: inbox.tasks.into_iter().map(Into::into).collect(),
        leads: inbox
            .leads
            .into_iter()
            .map(|l| InboxLeadJson {
                lead: l.lead.into(),
                due_at: l.due_at,
                first_contact_at: l.first_contact_at,
                breached: l.breached,
            })
            .collect(),
    }))
}
