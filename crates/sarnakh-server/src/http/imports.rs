//! `/api/v1/imports`: the CSV import as a background job. Upload the file as the request
//! body (stored in the database in chunks as it streams in), start it with a mapping, then
//! follow its progress and fetch its error file. Sales managers and admins only.

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiError, ApiResult, Problem};
use super::extract::{ApiJson, ApiQuery, parse_id};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use sarnakh_core::import::{ImportTally, write_rejected};
use sarnakh_core::service::{IMPORT_CHUNK_BYTES, MAX_IMPORT_BYTES};
use sarnakh_core::store::ImportJob;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Row counts of an import so far.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportCountsJson {
    /// Data rows read; always created + updated + unchanged + rejected.
    pub read: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

impl From<ImportTally> for ImportCountsJson {
    fn from(t: ImportTally) -> Self {
        Self {
            read: t.read,
            created: t.created,
            updated: t.updated,
            unchanged: t.unchanged,
            rejected: t.rejected,
        }
    }
}

/// An import job and its progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportJobJson {
    pub id: Uuid,
    pub file_name: String,
    /// Size of the uploaded file.
    pub bytes: u64,
    /// `uploaded`, `queued`, `running`, `finished` or `failed`.
    pub status: String,
    /// `leads`, `accounts`, `contacts`, `opportunities` or `activities`, once started.
    pub entity: Option<String>,
    pub batch_size: u32,
    /// Data rows in the file (counted when the job starts running).
    pub rows_total: Option<u64>,
    /// Data rows committed so far.
    pub rows_done: u64,
    /// `rows_done` / `rows_total` in percent, one decimal.
    pub percent: Option<f64>,
    pub counts: ImportCountsJson,
    /// Why it failed.
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<ImportJob> for ImportJobJson {
    fn from(j: ImportJob) -> Self {
        let done = j.run.as_ref().map_or(0, |r| r.rows_done);
        let percent = j.rows_total.map(|total| match total {
            0 => 100.0,
            t => (done.min(t) as f64 * 1000.0 / t as f64).round() / 10.0,
        });
        Self {
            id: j.id,
            file_name: j.file_name,
            bytes: j.bytes,
            status: j.status,
            entity: j.entity,
            batch_size: j.batch_size,
            rows_total: j.rows_total,
            rows_done: done,
            percent,
            counts: j.run.as_ref().map(|r| r.tally).unwrap_or_default().into(),
            error: j.error,
            created_at: j.created_at,
            updated_at: j.updated_at,
            finished_at: j.run.and_then(|r| r.finished_at),
        }
    }
}

/// An upload: the job and the file's header, to write the mapping against.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportUploadJson {
    pub job: ImportJobJson,
    /// The header row, read as comma-separated.
    pub header: Vec<String>,
}

/// The newest import jobs.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportJobsJson {
    pub items: Vec<ImportJobJson>,
}

/// How to start an uploaded import.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StartImportRequest {
    /// The mapping, as TOML or JSON text (see docs/IMPORT.md).
    pub mapping: Option<String>,
    /// Rows committed together, 1-10000 (default 1000).
    pub batch_size: Option<u32>,
}

/// The uploaded file's name.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    pub file_name: Option<String>,
}

/// The import routes.
pub fn router() -> OpenApiRouter<AppState> {
    let limit = usize::try_from(MAX_IMPORT_BYTES).unwrap_or(usize::MAX);
    let upload = OpenApiRouter::new()
        .routes(routes!(upload_import, list_imports))
        .layer(DefaultBodyLimit::max(limit));
    OpenApiRouter::new()
        .routes(routes!(get_import))
        .routes(routes!(start_import))
        .routes(routes!(import_errors))
        .merge(upload)
}

/// Upload a CSV file to import (the request body is the file, up to 1 GiB).
#[utoipa::path(post, path = "/api/v1/imports", tag = "import", params(UploadQuery),
    request_body(content = String, content_type = "text/csv", description = "the file"),
    responses((status = 201, body = ImportUploadJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn upload_import(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Body,
) -> ApiResult<Response> {
    let name = q.file_name.as_deref().unwrap_or("upload.csv");
    let mut job = app.services.begin_import_upload(&actor, name).await?;
    let mut stream = body.into_data_stream();
    let mut buf: Vec<u8> = Vec::with_capacity(IMPORT_CHUNK_BYTES);
    let mut seq = 0_u32;
    loop {
        let piece = match stream.next().await {
            None => None,
            Some(Ok(bytes)) => Some(bytes),
            Some(Err(e)) => {
                app.services
                    .fail_import_job(&mut job, "upload interrupted")
                    .await?;
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "upload_failed",
                    e.to_string(),
                ));
            }
        };
        let last = piece.is_none();
        buf.extend_from_slice(piece.as_deref().unwrap_or_default());
        while buf.len() >= IMPORT_CHUNK_BYTES || (last && !buf.is_empty()) {
            let take = buf.len().min(IMPORT_CHUNK_BYTES);
            let rest = buf.split_off(take);
            if let Err(e) = app.services.add_import_chunk(&mut job, seq, &buf).await {
                app.services
                    .fail_import_job(&mut job, &e.to_string())
                    .await?;
                return Err(e.into());
            }
            buf = rest;
            seq += 1;
        }
        if last {
            break;
        }
    }
    let header = app.services.finish_import_upload(&mut job).await?;
    let location = format!("/api/v1/imports/{}", job.id);
    let body = ImportUploadJson {
        job: job.into(),
        header,
    };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(body),
    )
        .into_response())
}

/// The newest import jobs with their progress.
#[utoipa::path(get, path = "/api/v1/imports", tag = "import",
    responses((status = 200, body = ImportJobsJson), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_imports(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<axum::Json<ImportJobsJson>> {
    let jobs = app.services.list_import_jobs(&actor).await?;
    let items = jobs.into_iter().map(ImportJobJson::from).collect();
    Ok(axum::Json(ImportJobsJson { items }))
}

/// One import job with its progress.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "import", params(("id" = String, Path)),
    responses((status = 200, body = ImportJobJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_import(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ImportJobJson>> {
    let job = app
        .services
        .import_job(&actor, parse_id(&id, "import")?)
        .await?;
    Ok(axum::Json(job.into()))
}

/// Start an uploaded import with its mapping; a background worker runs it.
#[utoipa::path(post, path = "/api/v1/imports/{id}/start", tag = "import", params(("id" = String, Path)), request_body = StartImportRequest,
    responses((status = 202, body = ImportJobJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn start_import(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StartImportRequest>,
) -> ApiResult<Response> {
    let id = parse_id(&id, "import")?;
    let mapping = body.mapping.unwrap_or_default();
    let job = app
        .services
        .start_import_job(&actor, id, &mapping, body.batch_size)
        .await?;
    Ok((StatusCode::ACCEPTED, axum::Json(ImportJobJson::from(job))).into_response())
}

/// The rejected rows so far as CSV: row, line, reasons, then the row's own cells.
#[utoipa::path(get, path = "/api/v1/imports/{id}/errors", tag = "import", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/csv", description = "the error file"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn import_errors(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id: Uuid = parse_id(&id, "import")?;
    let (header, rejected) = app.services.import_job_rejects(&actor, id).await?;
    let csv = write_rejected(Vec::new(), &header, &rejected)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"import-{id}-errors.csv\""),
        ),
    ];
    Ok((headers, csv).into_response())
}
