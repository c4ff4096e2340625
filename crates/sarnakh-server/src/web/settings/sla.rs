//! The speed-to-lead target (`/settings/sla`): how many working minutes a new lead may wait
//! for its first contact, and the working week the clock runs in. Sales managers and admins
//! change it through the same service as `PUT /api/v1/settings/sla`; marketing reads it. A
//! refused form comes back as typed with each problem next to its field and writes nothing.

use super::{Problems, Tab, tabs};
use crate::http::AppState;
use crate::web::session::Refusal;
use crate::web::{Frame, Page, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sarnakh_core::Error;
use sarnakh_core::domain::sla::{SlaSettings, WorkingHours};
use sarnakh_core::error::FieldError;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/sla", get(show).post(save))
}

/// The days of the week, as the settings name them.
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The fields the form shows, for [`Problems::of`].
const FIELDS: [&str; 5] = ["first_contact_minutes", "days", "start", "end", "time_zone"];

/// The form's values, as stored or as typed.
#[derive(Default)]
pub struct SlaForm {
    pub minutes: String,
    /// The clock runs around the clock: no working week.
    pub always: bool,
    pub days: Vec<String>,
    pub start: String,
    pub end: String,
    pub time_zone: String,
}

impl SlaForm {
    fn of(sla: &SlaSettings) -> Self {
        let hours = sla.working_hours.clone();
        let week = hours.clone().unwrap_or_else(|| {
            SlaSettings::default()
                .working_hours
                .expect("the default target has working hours")
        });
        Self {
            minutes: sla.first_contact_minutes.to_string(),
            always: hours.is_none(),
            days: week.days,
            start: week.start,
            end: week.end,
            time_zone: week.time_zone,
        }
    }

    /// Whether `day` is ticked.
    pub fn has(&self, day: &str) -> bool {
        self.days.iter().any(|d| d == day)
    }

    /// The settings the form asks for; a minutes value that is not a number is refused here.
    fn settings(&self) -> Result<SlaSettings, Error> {
        let minutes = self.minutes.trim().parse::<u32>().map_err(|_| {
            Error::Validation(vec![FieldError::new(
                "first_contact_minutes",
                "invalid",
                "a whole number of minutes",
            )])
        })?;
        Ok(SlaSettings {
            first_contact_minutes: minutes,
            working_hours: (!self.always).then(|| WorkingHours {
                days: self.days.clone(),
                start: self.start.trim().to_owned(),
                end: self.end.trim().to_owned(),
                time_zone: self.time_zone.trim().to_owned(),
            }),
        })
    }
}

#[derive(Template)]
#[template(path = "settings_sla.html")]
struct SlaPage {
    frame: Frame,
    tabs: Vec<Tab>,
    notice: Option<String>,
    problems: Problems,
    /// Sales managers and admins get the form; marketing reads.
    editable: bool,
    form: SlaForm,
    /// Each day's value and name in the reader's language.
    days: Vec<(&'static str, String)>,
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn page(
    app: &AppState,
    user: &WebUser,
    status: StatusCode,
    done: Option<String>,
    typed: Option<(SlaForm, Vec<FieldError>)>,
) -> Result<Response, Refusal> {
    let tr = user.tr;
    // Settings pages are for managers, marketing and admins; changing is checked again by
    // the service.
    user.actor
        .require_marketing("read the speed-to-lead target")
        .map_err(|e| user.refusal(e))?;
    let (form, errors) = match typed {
        Some(t) => t,
        None => {
            let sla = app.services.sla_settings().await;
            (SlaForm::of(&sla.map_err(|e| user.refusal(e))?), Vec::new())
        }
    };
    let page = SlaPage {
        frame: Frame::of(user, "settings"),
        tabs: tabs(user, "/settings/sla"),
        notice: super::notice(tr, done.as_deref(), &["sla"]),
        problems: Problems::of(tr, &errors, &FIELDS),
        editable: user.actor.require_override().is_ok(),
        form,
        days: DAYS
            .iter()
            .map(|d| (*d, tr.t(&format!("settings-sla-day-{d}"))))
            .collect(),
    };
    Ok(Page(status, page).into_response())
}

async fn show(
    State(app): State<AppState>,
    user: WebUser,
    Query(d): Query<Done>,
) -> Result<Response, Refusal> {
    page(&app, &user, StatusCode::OK, d.done, None).await
}

/// The form as posted: `days` repeats, one per ticked day.
fn typed(pairs: &[(String, String)]) -> SlaForm {
    let mut form = SlaForm::default();
    for (name, value) in pairs {
        match name.as_str() {
            "first_contact_minutes" => form.minutes.clone_from(value),
            "always" => form.always = true,
            "days" if !form.days.contains(value) => form.days.push(value.clone()),
            "start" => form.start.clone_from(value),
            "end" => form.end.clone_from(value),
            "time_zone" => form.time_zone.clone_from(value),
            _ => {}
        }
    }
    form
}

async fn save(
    State(app): State<AppState>,
    user: WebUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    let token = pairs
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map_or("", |(_, v)| v.as_str());
    if let Some(refused) = user.refuse_form(token) {
        return Err(refused.into());
    }
    let form = typed(&pairs);
    let saved = match form.settings() {
        Ok(sla) => app.services.set_sla_settings(&user.actor, sla).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(Redirect::to("/settings/sla?done=sla").into_response()),
        Err(Error::Validation(errors)) => {
            let typed = Some((form, errors));
            page(&app, &user, StatusCode::UNPROCESSABLE_ENTITY, None, typed).await
        }
        Err(e) => Err(user.refusal(e)),
    }
}
