//! Who is signed in to the HTML interface: the session cookie (set by the sign-in page or
//! `POST /api/v1/session`), the user's language, and the session's form token. A request
//! without a valid session is sent to the sign-in page; a form without the right token, or
//! from another site, is refused.

use super::i18n::{Lang, Tr};
use crate::http::AppState;
use crate::http::auth::{SESSION_COOKIE, cookie};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sarnakh_core::domain::User;
use sarnakh_core::service::Actor;
use sha2::{Digest, Sha256};

/// The signed-in user of a page.
pub struct WebUser {
    /// Their rights.
    pub actor: Actor,
    /// Themselves.
    pub user: User,
    /// Texts in their language.
    pub tr: Tr,
    /// The form token every form of theirs carries.
    pub csrf: String,
}

/// The form token of a session: bound to its secret, unguessable without it.
pub fn csrf_token(session_secret: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(b"sarnakh form token\0");
    hash.update(session_secret.as_bytes());
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The language of a visitor who is not signed in: their browser's, else English.
pub fn visitor_lang(parts: &Parts) -> Tr {
    let lang = parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept)
        .unwrap_or(Lang::En);
    Tr::utc(lang)
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let to_login = || {
            let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let next = url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
            Redirect::to(&format!("/login?next={next}")).into_response()
        };
        let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        let Ok(actor) = app.services.authenticate_session(&secret).await else {
            return Err(to_login());
        };
        let Ok(user) = app.services.current_user(&actor).await else {
            return Err(to_login());
        };
        let lang = Lang::parse(user.locale.as_str()).unwrap_or(Lang::En);
        let tz = user.time_zone.parse().unwrap_or(chrono_tz::UTC);
        Ok(Self {
            actor,
            user,
            tr: Tr { lang, tz },
            csrf: csrf_token(&secret),
        })
    }
}

/// A request refused, carrying the page that says why.
pub struct Refusal(Box<Response>);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        *self.0
    }
}

impl From<Response> for Refusal {
    fn from(page: Response) -> Self {
        Self(Box::new(page))
    }
}

impl WebUser {
    /// The record a form acts on: refused unless the form carries this session's token
    /// and `raw` reads as an id of `entity`.
    pub fn target<T: std::str::FromStr>(
        &self,
        token: &str,
        raw: &str,
        entity: &'static str,
    ) -> Result<T, Refusal> {
        if let Some(refused) = self.refuse_form(token) {
            return Err(refused.into());
        }
        raw.parse()
            .map_err(|_| self.refusal(sarnakh_core::Error::not_found(entity, raw)))
    }

    /// A service error as the page that says why, in the user's language.
    pub fn refusal(&self, error: sarnakh_core::Error) -> Refusal {
        super::error_page(self.tr, error).into()
    }

    /// The refusal of a form whose token is not this session's; `None` when it is.
    pub fn refuse_form(&self, token: &str) -> Option<Response> {
        if token.len() == self.csrf.len()
            && token
                .bytes()
                .zip(self.csrf.bytes())
                .fold(0, |acc, (a, b)| acc | (a ^ b))
                == 0
        {
            return None;
        }
        let page = super::ErrorPage {
            tr: self.tr,
            message: "error-csrf",
            details: Vec::new(),
        };
        Some(super::Page(StatusCode::FORBIDDEN, page).into_response())
    }
}
