//! Helpers of the in-process HTML tests: send a request through the router as a browser
//! would (cookie, form body), sign in, read the form token, make a deal.

#![allow(
    dead_code,
    reason = "each test file uses a different subset of the helpers"
)]

use super::common::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::service::Actor;
use tower::ServiceExt;

pub struct Html {
    pub status: StatusCode,
    pub location: String,
    pub cookie: String,
    pub body: String,
}

pub async fn send(app: &TestApp, method: &str, uri: &str, cookie: &str, form: &str) -> Html {
    let content_type = (method == "POST").then_some("application/x-www-form-urlencoded");
    send_raw(
        app,
        method,
        uri,
        cookie,
        content_type,
        form.as_bytes().to_vec(),
    )
    .await
}

/// A `multipart/form-data` body of `parts` (name, file name if a file, content), and its
/// content type.
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "sarnakh-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, file, content) in parts {
        let head = match file {
            Some(f) => format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n"
            ),
            None => {
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
            }
        };
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A request with any body and content type, as a browser would send it.
pub async fn send_raw(
    app: &TestApp,
    method: &str,
    uri: &str,
    cookie: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Html {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "sarnakh.test")
        .header(header::ORIGIN, "http://sarnakh.test");
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    if let Some(content_type) = content_type {
        req = req.header(header::CONTENT_TYPE, content_type);
    }
    let response = app
        .router
        .clone()
        .oneshot(req.body(Body::from(body)).expect("request"))
        .await
        .expect("infallible");
    let get = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let (status, location, set_cookie) = (
        response.status(),
        get(header::LOCATION),
        get(header::SET_COOKIE),
    );
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Html {
        status,
        location,
        cookie: set_cookie.split(';').next().unwrap_or("").to_owned(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A user of `role` speaking `locale`, signed in; their session cookie. The display name
/// carries a script tag, which every page must show escaped.
pub async fn person(app: &TestApp, email: &str, role: &str, locale: &str) -> String {
    let draft = UserDraft {
        email: Some(email.into()),
        display_name: Some(format!("{role} <script>alert(1)</script>")),
        role: Some(role.into()),
        locale: Some(locale.into()),
        ..UserDraft::default()
    };
    signed_in_as(app, &draft).await
}

/// A rep of `locale` with a password; returns (email, password).
pub async fn rep(app: &TestApp, email: &str, locale: &str) -> (String, String) {
    let draft = UserDraft {
        email: Some(email.into()),
        display_name: Some("Sara <b>Ahmadi</b>".into()),
        role: Some("sales_rep".into()),
        locale: Some(locale.into()),
        ..UserDraft::default()
    };
    (email.to_owned(), add_user(app, &draft).await)
}

/// Adds the user of `draft`; their one-time password.
pub async fn add_user(app: &TestApp, draft: &UserDraft) -> String {
    let (_, password) = app
        .services
        .add_user(&Actor::SYSTEM, draft, None)
        .await
        .expect("add user");
    password
}

/// Adds the user of `draft` (its email set) and signs them in; their session cookie.
pub async fn signed_in_as(app: &TestApp, draft: &UserDraft) -> String {
    let password = add_user(app, draft).await;
    let email = draft.email.as_deref().expect("a user's email");
    sign_in(app, email, &password).await
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

pub async fn sign_in(app: &TestApp, email: &str, password: &str) -> String {
    let body = form(&[("email", email), ("password", password), ("next", "/inbox")]);
    let signed = send(app, "POST", "/login", "", &body).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(signed.location, "/inbox");
    assert!(signed.cookie.starts_with("__Host-sarnakh="));
    signed.cookie
}

pub fn csrf(body: &str) -> String {
    let at = body.find("name=\"_csrf\" value=\"").expect("a form token") + 20;
    body[at..at + 64].to_owned()
}

/// A qualified, converted lead of `owner` with one deal of 12,000.50 EUR; the deal's id.
pub async fn deal(app: &TestApp, owner: sarnakh_core::domain::UserId) -> String {
    deal_of(app, owner, "Ioana", "ioana@deal.example").await
}

/// A user's id by email.
pub async fn user_id(app: &TestApp, email: &str) -> sarnakh_core::domain::UserId {
    app.services
        .find_user(email)
        .await
        .expect("find")
        .expect("user")
        .id
}

/// A prospect of `owner` (qualified, not converted) named `first`.
pub async fn prospect(
    app: &TestApp,
    owner: sarnakh_core::domain::UserId,
    first: &str,
    email: &str,
) -> sarnakh_core::domain::LeadId {
    let draft = LeadDraft {
        first_name: Some(first.into()),
        email: Some(email.into()),
        company: Some("Carpati <Soft>".into()),
        industry: Some("Software".into()),
        company_size: Some(40),
        need: Some("A CRM".into()),
        decision_role: Some("decision_maker".into()),
        owner_id: Some(owner),
        ..LeadDraft::default()
    };
    let s = &app.services;
    let lead = s
        .capture_lead(&Actor::SYSTEM, &draft)
        .await
        .expect("capture");
    s.qualify_lead(
        &Actor::SYSTEM,
        lead.id,
        &sarnakh_core::service::LifecycleInput::default(),
    )
    .await
    .expect("qualify");
    lead.id
}

/// [`deal`] with the person's first name and email.
pub async fn deal_of(
    app: &TestApp,
    owner: sarnakh_core::domain::UserId,
    first: &str,
    email: &str,
) -> String {
    use sarnakh_core::domain::opportunity::OpportunityDraft;
    use sarnakh_core::service::ConvertDraft;
    let lead = prospect(app, owner, first, email).await;
    let convert = ConvertDraft {
        opportunities: vec![OpportunityDraft {
            name: Some("CRM <rollout>".into()),
            amount: Some("12000.50".into()),
            currency: Some("EUR".into()),
            ..OpportunityDraft::default()
        }],
        ..ConvertDraft::default()
    };
    let out = app
        .services
        .convert_lead(&Actor::SYSTEM, lead, &convert)
        .await
        .expect("convert");
    out.opportunities[0].id.to_string()
}
