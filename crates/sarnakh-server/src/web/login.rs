//! Signing in and out of the HTML interface. The sign-in form posts email and password to
//! the same service as `POST /api/v1/session` (same throttling, same answer for an unknown
//! email and a wrong password) and only from this site's own page.

use super::session::{WebUser, visitor_lang};
use super::{Page, Tr};
use crate::http::AppState;
use crate::http::auth::{
    CLEARED_SESSION_COOKIE, ClientAddress, SESSION_COOKIE, cookie, same_origin, session_cookie,
};
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Router, extract::FromRequestParts};
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(sign_in))
        .route("/logout", post(sign_out))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    tr: Tr,
    next: String,
    email: String,
    /// The message id of the problem, if the last try failed.
    problem: Option<String>,
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// Where to go after signing in: a path of this site, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/inbox".to_owned(),
    }
}

/// The visitor's language, from the request.
struct Visitor(Tr);

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(visitor_lang(parts)))
    }
}

async fn login_page(Visitor(tr): Visitor, Query(q): Query<Next>) -> impl IntoResponse {
    let page = LoginPage {
        tr,
        next: safe_next(q.next.as_deref()),
        email: String::new(),
        problem: None,
    };
    Page(StatusCode::OK, page)
}

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn sign_in(
    State(app): State<AppState>,
    Visitor(tr): Visitor,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    if !same_origin(&headers) {
        return super::error_page(tr, sarnakh_core::Error::Forbidden("cross-site".into()));
    }
    match app
        .services
        .sign_in(&form.email, &form.password, &address)
        .await
    {
        Ok(signed) => {
            let cookie = session_cookie(&signed.secret, signed.expires_at);
            ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
        }
        Err(e) => {
            let (status, problem) = match e {
                sarnakh_core::Error::RateLimited { retry_after } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    tr.t1("login-throttled", "seconds", retry_after),
                ),
                sarnakh_core::Error::InvalidCredentials => {
                    (StatusCode::UNAUTHORIZED, tr.t("login-failed"))
                }
                other => return super::error_page(tr, other),
            };
            let page = LoginPage {
                tr,
                next,
                email: form.email,
                problem: Some(problem),
            };
            Page(status, page).into_response()
        }
    }
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(rename = "_csrf")]
    csrf: String,
}

async fn sign_out(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    if let Some(refused) = user.refuse_form(&form.csrf) {
        return refused;
    }
    if let Some(secret) = cookie(&headers, SESSION_COOKIE)
        && let Err(e) = app.services.sign_out(&secret).await
    {
        return super::error_page(user.tr, e);
    }
    (
        [(header::SET_COOKIE, CLEARED_SESSION_COOKIE)],
        Redirect::to("/login"),
    )
        .into_response()
}
