//! The import wizard's upload: a `multipart/form-data` body with the session's token as its
//! first part, then the CSV file (or its pasted text), streamed in chunks into the same import
//! job services as `POST /api/v1/imports`, never held whole in memory. The route has its own
//! body limit, [`UPLOAD_LIMIT`] (docs/IMPORT.md); larger files go through the API or the CLI.

use super::Problems;
use super::import::{Shown, page};
use crate::http::AppState;
use crate::web::WebUser;
use crate::web::session::Refusal;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, post};
use sarnakh_core::Error;
use sarnakh_core::error::FieldError;
use sarnakh_core::service::IMPORT_CHUNK_BYTES;
use sarnakh_core::store::ImportJob;

/// Largest upload body the wizard takes (200 MiB).
pub const UPLOAD_LIMIT: usize = 200 * 1024 * 1024;

/// `POST /settings/import` with its body limit.
pub fn method() -> MethodRouter<AppState> {
    post(upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT))
}

/// Why an upload stopped: the service refused it, or the body broke off.
enum Stop {
    Refused(Error),
    Body(MultipartError),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Self::Refused(e)
    }
}

impl From<MultipartError> for Stop {
    fn from(e: MultipartError) -> Self {
        Self::Body(e)
    }
}

/// The next part with content (its first bytes), or `None` when the part is empty.
async fn first_bytes(field: &mut Field<'_>) -> Result<Option<axum::body::Bytes>, MultipartError> {
    while let Some(chunk) = field.chunk().await? {
        if !chunk.is_empty() {
            return Ok(Some(chunk));
        }
    }
    Ok(None)
}

/// Streams the rest of `field` into `job`, one stored chunk per [`IMPORT_CHUNK_BYTES`].
async fn stream(
    app: &AppState,
    job: &mut ImportJob,
    first: axum::body::Bytes,
    field: &mut Field<'_>,
) -> Result<(), Stop> {
    let s = &app.services;
    let mut buffer = Vec::with_capacity(IMPORT_CHUNK_BYTES);
    let mut seq = 0_u32;
    let mut next = Some(first);
    while let Some(chunk) = next {
        buffer.extend_from_slice(&chunk);
        while buffer.len() >= IMPORT_CHUNK_BYTES {
            let rest = buffer.split_off(IMPORT_CHUNK_BYTES);
            s.add_import_chunk(job, seq, &buffer).await?;
            buffer = rest;
            seq += 1;
        }
        next = field.chunk().await?;
    }
    if !buffer.is_empty() {
        s.add_import_chunk(job, seq, &buffer).await?;
    }
    Ok(())
}

/// Reads the parts after the token: the first `file` or `csv` part with content becomes the
/// import; the others are skipped. `None` when no part had content.
async fn receive(
    app: &AppState,
    user: &WebUser,
    multipart: &mut Multipart,
) -> Result<Option<ImportJob>, Stop> {
    while let Some(mut field) = multipart.next_field().await? {
        let name = match field.name() {
            Some("file") => field.file_name().unwrap_or("").trim().to_owned(),
            Some("csv") => "upload.csv".to_owned(),
            _ => continue,
        };
        if name.is_empty() {
            continue;
        }
        let Some(first) = first_bytes(&mut field).await? else {
            continue;
        };
        let mut job = app.services.begin_import_upload(&user.actor, &name).await?;
        let streamed = stream(app, &mut job, first, &mut field).await;
        let finished = match streamed {
            Ok(()) => app
                .services
                .finish_import_upload(&mut job)
                .await
                .map(|_| ()),
            Err(Stop::Refused(e)) => Err(e),
            Err(Stop::Body(e)) => {
                let why = e.body_text();
                app.services.fail_import_job(&mut job, &why).await?;
                return Err(Stop::Body(e));
            }
        };
        if let Err(e) = finished {
            // The job shows why it failed; its page says so.
            app.services
                .fail_import_job(&mut job, &e.to_string())
                .await?;
        }
        return Ok(Some(job));
    }
    Ok(None)
}

async fn upload(
    State(app): State<AppState>,
    user: WebUser,
    mut multipart: Multipart,
) -> Result<Response, Refusal> {
    // The token is the first part: nothing of the file is read before it is checked.
    let token = match multipart.next_field().await {
        Ok(Some(field)) if field.name() == Some("_csrf") => field.text().await.unwrap_or_default(),
        _ => String::new(),
    };
    if let Some(refused) = user.refuse_form(&token) {
        return Err(refused.into());
    }
    let problems = match receive(&app, &user, &mut multipart).await {
        Ok(Some(job)) => {
            return Ok(Redirect::to(&format!("/settings/import/{}", job.id)).into_response());
        }
        Ok(None) => {
            let missing = FieldError::new("file", "required", "pick a CSV file or paste its text");
            (StatusCode::UNPROCESSABLE_ENTITY, vec![missing])
        }
        Err(Stop::Refused(Error::Validation(errors))) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(Stop::Refused(e)) => return Err(user.refusal(e)),
        Err(Stop::Body(e)) => {
            let why = FieldError::new("file", "upload_broken", e.body_text());
            (e.status(), vec![why])
        }
    };
    let (status, errors) = problems;
    let problems = Problems::of(user.tr, &errors, &["file"]);
    page(&app, &user, status, None, Shown::default(), problems).await
}
