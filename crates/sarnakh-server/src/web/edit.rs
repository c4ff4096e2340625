//! Editing a lead, an opportunity or a contact in place: the record's page holds the form
//! (folded), `GET .../edit` shows it alone. The form posts the fields it shows with the
//! version the page showed to the same update services as the API (a partial edit: a field
//! not sent is kept, an emptied one cleared). Refused values come back on the form, each
//! problem next to its field, with status 422; nothing is written then.

use super::edit_form::{EditForm, contact_form, deal_form, lead_form};
use super::session::Refusal;
use super::{Frame, Page, WebUser};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sarnakh_core::Error;
use sarnakh_core::domain::{ContactId, LeadId, OpportunityId};
use sarnakh_core::error::FieldError;
use sarnakh_core::service::{ContactPatch, LeadPatch, OpportunityPatch};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leads/{id}/edit", get(lead_page).post(save_lead))
        .route("/opportunities/{id}/edit", get(deal_page).post(save_deal))
        .route("/contacts/{id}/edit", get(contact_page).post(save_contact))
}

#[derive(Template)]
#[template(path = "edit.html")]
struct EditPage {
    frame: Frame,
    title: String,
    back: String,
    edit: EditForm,
}

fn page(
    user: &WebUser,
    current: &'static str,
    name: &str,
    status: StatusCode,
    edit: EditForm,
) -> Response {
    let back = edit.action.trim_end_matches("/edit").to_owned();
    let page = EditPage {
        frame: Frame::of(user, current),
        title: user.tr.t1("edit-title", "name", name.to_owned()),
        back,
        edit,
    };
    Page(status, page).into_response()
}

/// What an edit form sent: its token, version and values.
struct Sent {
    csrf: String,
    version: i64,
    values: HashMap<String, String>,
}

impl Sent {
    fn read(pairs: Vec<(String, String)>) -> Self {
        let mut values: HashMap<String, String> = pairs.into_iter().collect();
        Self {
            csrf: values.remove("_csrf").unwrap_or_default(),
            version: values
                .remove("version")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            values,
        }
    }

    /// A required field: `None` keeps it.
    fn text(&self, name: &str) -> Option<String> {
        self.values.get(name).map(|v| v.trim().to_owned())
    }

    /// An optional field: `None` keeps it, an empty value clears it.
    fn opt(&self, name: &str) -> Option<Option<String>> {
        self.text(name).map(|v| Some(v).filter(|v| !v.is_empty()))
    }

    /// An optional value parsed by `parse`; a bad one is a problem of field `name`.
    fn parsed<T: std::str::FromStr>(
        &self,
        name: &str,
        problems: &mut Vec<FieldError>,
    ) -> Option<Option<T>> {
        let raw = self.opt(name)?;
        match raw.map(|v| v.parse::<T>()).transpose() {
            Ok(v) => Some(v),
            Err(_) => {
                problems.push(FieldError::new(name, "invalid", "is not valid"));
                None
            }
        }
    }
}

/// The field problems of a refused save; else the answer to send at once: back to the
/// record with a notice when saved, the error page for any other refusal.
fn refused_fields<T>(
    user: &WebUser,
    saved: Result<T, Error>,
    record: &str,
) -> Result<Vec<FieldError>, Refusal> {
    match saved {
        Ok(_) => Err(Redirect::to(&format!("{record}?done=saved"))
            .into_response()
            .into()),
        Err(Error::Validation(errors)) => Ok(errors),
        Err(e) => Err(user.refusal(e)),
    }
}

async fn lead_page(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let id: LeadId = id
        .parse()
        .map_err(|_| user.refusal(Error::not_found("lead", id)))?;
    let s = &app.services;
    let lead = s
        .get_lead(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    let users = s.list_users().await.map_err(|e| user.refusal(e))?;
    let name = super::leads::person_name(&lead);
    Ok(page(
        &user,
        "leads",
        &name,
        StatusCode::OK,
        lead_form(user.tr, &lead, &users),
    ))
}

async fn save_lead(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    let sent = Sent::read(pairs);
    let id: LeadId = user.target(&sent.csrf, &id, "lead")?;
    let s = &app.services;
    let mut problems = Vec::new();
    let patch = LeadPatch {
        first_name: sent.opt("first_name"),
        last_name: sent.opt("last_name"),
        email: sent.opt("email"),
        phone: sent.opt("phone"),
        job_title: sent.opt("job_title"),
        company: sent.opt("company"),
        country: sent.opt("country"),
        industry: sent.opt("industry"),
        company_size: sent.parsed("company_size", &mut problems),
        need: sent.opt("need"),
        owner_id: sent.parsed("owner_id", &mut problems),
        ..LeadPatch::default()
    };
    let saved = if problems.is_empty() {
        s.update_lead(&user.actor, id, patch, Some(sent.version))
            .await
    } else {
        Err(Error::Validation(problems))
    };
    let errors = refused_fields(&user, saved, &format!("/leads/{id}"))?;
    let lead = s
        .get_lead(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    let users = s.list_users().await.map_err(|e| user.refusal(e))?;
    let form =
        lead_form(user.tr, &lead, &users).refused(user.tr, sent.version, &sent.values, &errors);
    let name = super::leads::person_name(&lead);
    Ok(page(
        &user,
        "leads",
        &name,
        StatusCode::UNPROCESSABLE_ENTITY,
        form,
    ))
}

async fn deal_page(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let id: OpportunityId = id
        .parse()
        .map_err(|_| user.refusal(Error::not_found("opportunity", id)))?;
    let s = &app.services;
    let o = s
        .get_opportunity(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    let users = s.list_users().await.map_err(|e| user.refusal(e))?;
    let o = o.opportunity;
    Ok(page(
        &user,
        "opportunities",
        &o.name,
        StatusCode::OK,
        deal_form(user.tr, &o, &users),
    ))
}

async fn save_deal(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    let sent = Sent::read(pairs);
    let id: OpportunityId = user.target(&sent.csrf, &id, "opportunity")?;
    let s = &app.services;
    let mut problems = Vec::new();
    let patch = OpportunityPatch {
        name: sent.text("name"),
        product: sent.opt("product"),
        amount: sent.text("amount"),
        currency: sent.text("currency"),
        expected_close_date: sent.opt("expected_close_date"),
        owner_id: sent.parsed("owner_id", &mut problems),
        forecast_category: sent.opt("forecast_category"),
    };
    let saved = if problems.is_empty() {
        s.update_opportunity(&user.actor, id, patch, Some(sent.version))
            .await
    } else {
        Err(Error::Validation(problems))
    };
    let errors = refused_fields(&user, saved, &format!("/opportunities/{id}"))?;
    let o = s
        .get_opportunity(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    let users = s.list_users().await.map_err(|e| user.refusal(e))?;
    let o = &o.opportunity;
    let form = deal_form(user.tr, o, &users).refused(user.tr, sent.version, &sent.values, &errors);
    Ok(page(
        &user,
        "opportunities",
        &o.name,
        StatusCode::UNPROCESSABLE_ENTITY,
        form,
    ))
}

async fn contact_page(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let id: ContactId = id
        .parse()
        .map_err(|_| user.refusal(Error::not_found("contact", id)))?;
    let c = app
        .services
        .get_contact(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    let name = super::contacts::contact_name(&c);
    Ok(page(
        &user,
        "contacts",
        &name,
        StatusCode::OK,
        contact_form(user.tr, &c),
    ))
}

async fn save_contact(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    let sent = Sent::read(pairs);
    let id: ContactId = user.target(&sent.csrf, &id, "contact")?;
    let s = &app.services;
    let patch = ContactPatch {
        first_name: sent.text("first_name"),
        last_name: sent.opt("last_name"),
        email: sent.opt("email"),
        phone: sent.opt("phone"),
        job_title: sent.opt("job_title"),
    };
    let saved = s
        .edit_contact(&user.actor, id, patch, Some(sent.version))
        .await;
    let errors = refused_fields(&user, saved, &format!("/contacts/{id}"))?;
    let c = s
        .get_contact(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    let form = contact_form(user.tr, &c).refused(user.tr, sent.version, &sent.values, &errors);
    let name = super::contacts::contact_name(&c);
    Ok(page(
        &user,
        "contacts",
        &name,
        StatusCode::UNPROCESSABLE_ENTITY,
        form,
    ))
}
