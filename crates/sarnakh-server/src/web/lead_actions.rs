//! What a rep does with a lead from its page or the inbox: log a call, schedule a
//! follow-up (presets: tomorrow, in a week, in a month, in three months), disqualify with a
//! reason, and convert a prospect into an account, a contact and a deal. Each is a form
//! with the session's token, posting to the same service as the API, answered by a redirect
//! back with a notice, or by the error page with the reasons (nothing written).

use super::WebUser;
use super::session::Refusal;
use crate::http::AppState;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use chrono::{Duration, Months, Utc};
use sarnakh_core::domain::LeadId;
use sarnakh_core::domain::opportunity::OpportunityDraft;
use sarnakh_core::service::{ActivityDraft, ConvertDraft, LifecycleInput, TaskDraft};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leads/{id}/call", post(log_call))
        .route("/leads/{id}/follow-up", post(follow_up))
        .route("/leads/{id}/disqualify", post(disqualify))
        .route("/leads/{id}/convert", post(convert))
}

/// The follow-up presets, in the order the menu lists them.
pub const PRESETS: [&str; 4] = ["tomorrow", "week", "month", "quarter"];

/// The due date of a preset, from today.
pub fn due(preset: &str) -> Option<String> {
    let today = Utc::now().date_naive();
    let date = match preset {
        "tomorrow" => today + Duration::days(1),
        "week" => today + Duration::days(7),
        "month" => today.checked_add_months(Months::new(1))?,
        "quarter" => today.checked_add_months(Months::new(3))?,
        _ => return None,
    };
    Some(date.format("%Y-%m-%d").to_string())
}

/// Where to go back to: the inbox when the form came from there, else the lead.
fn back(from: Option<&str>, lead: LeadId, done: &str) -> Response {
    let to = match from {
        Some("inbox") => format!("/inbox?done={done}"),
        _ => format!("/leads/{lead}?done={done}"),
    };
    Redirect::to(&to).into_response()
}

/// The call form of a lead's or a deal's page.
#[derive(Deserialize)]
pub(super) struct CallForm {
    #[serde(rename = "_csrf")]
    pub csrf: String,
    pub outcome: Option<String>,
    pub summary: Option<String>,
    /// The page to return to (lead forms only).
    pub from: Option<String>,
}

/// Logs the call of `form` on a lead or a deal (`subject`), with a default summary when
/// none was typed.
pub(super) async fn record_call(
    app: &AppState,
    user: &WebUser,
    subject: &str,
    id: String,
    form: CallForm,
) -> Result<(), Refusal> {
    let summary = form.summary.filter(|s| !s.trim().is_empty());
    let draft = ActivityDraft {
        subject_type: Some(subject.into()),
        subject_id: Some(id),
        kind: Some("call".into()),
        outcome: form.outcome.filter(|o| !o.is_empty()),
        summary: Some(summary.unwrap_or_else(|| user.tr.t("action-call-summary"))),
        ..ActivityDraft::default()
    };
    app.services
        .log_activity(&user.actor, &draft)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(())
}

async fn log_call(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<CallForm>,
) -> Result<Response, Refusal> {
    let id: LeadId = user.target(&form.csrf, &id, "lead")?;
    let from = form.from.clone();
    record_call(&app, &user, "lead", id.to_string(), form).await?;
    Ok(back(from.as_deref(), id, "call"))
}

/// The follow-up form of a lead's or a deal's page.
#[derive(Deserialize)]
pub(super) struct FollowUpForm {
    #[serde(rename = "_csrf")]
    pub csrf: String,
    pub preset: String,
    pub title: Option<String>,
    /// The page to return to (lead forms only).
    pub from: Option<String>,
}

/// Schedules the follow-up of `form` on a lead or a deal (`subject`), due after its
/// preset, with a default title when none was typed.
pub(super) async fn schedule_follow_up(
    app: &AppState,
    user: &WebUser,
    subject: &str,
    id: String,
    form: FollowUpForm,
) -> Result<(), Refusal> {
    let title = form.title.filter(|t| !t.trim().is_empty());
    let draft = TaskDraft {
        subject_type: Some(subject.into()),
        subject_id: Some(id),
        title: Some(title.unwrap_or_else(|| user.tr.t("action-follow-up-title"))),
        due_at: due(&form.preset),
        ..TaskDraft::default()
    };
    app.services
        .create_task(&user.actor, &draft)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(())
}

async fn follow_up(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, Refusal> {
    let id: LeadId = user.target(&form.csrf, &id, "lead")?;
    let from = form.from.clone();
    schedule_follow_up(&app, &user, "lead", id.to_string(), form).await?;
    Ok(back(from.as_deref(), id, "follow-up"))
}

#[derive(Deserialize)]
struct DisqualifyForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    reason: Option<String>,
    note: Option<String>,
    version: Option<i64>,
}

async fn disqualify(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<DisqualifyForm>,
) -> Result<Response, Refusal> {
    let id: LeadId = user.target(&form.csrf, &id, "lead")?;
    let input = LifecycleInput {
        expected_version: form.version,
        reason: form.reason,
        note: form.note.filter(|n| !n.trim().is_empty()),
        ..LifecycleInput::default()
    };
    app.services
        .disqualify_lead(&user.actor, id, &input)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(back(None, id, "disqualified"))
}

/// Deal rows on the convert form; a row counts when its name or amount is filled.
pub const CONVERT_DEALS: u8 = 3;

async fn convert(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let csrf = field("_csrf").unwrap_or_default();
    let id: LeadId = user.target(&csrf, &id, "lead")?;
    let opportunities = (1..=CONVERT_DEALS)
        .map(|i| OpportunityDraft {
            name: field(&format!("name{i}")),
            product: field(&format!("product{i}")),
            amount: field(&format!("amount{i}")),
            currency: field(&format!("currency{i}")),
            expected_close_date: field(&format!("expected_close_date{i}")),
            ..OpportunityDraft::default()
        })
        .enumerate()
        // The first row always counts (the service names what it lacks); the others when
        // the user began them.
        .filter(|(i, d)| *i == 0 || d.name.is_some() || d.amount.is_some())
        .map(|(_, d)| d)
        .collect();
    let account_id = match field("account_id") {
        None => None,
        Some(raw) => Some(raw.parse().map_err(|_| {
            user.refusal(sarnakh_core::Error::field(
                "account_id",
                "invalid_id",
                "choose one of the accounts listed",
            ))
        })?),
    };
    let draft = ConvertDraft {
        expected_version: field("version").and_then(|v| v.parse().ok()),
        account_id,
        opportunities,
        ..ConvertDraft::default()
    };
    app.services
        .convert_lead(&user.actor, id, &draft)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(Redirect::to("/pipeline?done=converted").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_fall_on_the_expected_days() {
        let today = Utc::now().date_naive();
        let day = |p| chrono::NaiveDate::parse_from_str(&due(p).expect("a preset"), "%Y-%m-%d");
        assert_eq!(day("tomorrow").ok(), Some(today + Duration::days(1)));
        assert_eq!(day("week").ok(), Some(today + Duration::days(7)));
        assert_eq!(day("month").ok(), today.checked_add_months(Months::new(1)));
        assert!(due("someday").is_none());
    }
}
