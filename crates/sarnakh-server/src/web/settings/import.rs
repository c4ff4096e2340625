//! The import wizard (sales managers, admins): upload a CSV file or paste its text (the upload
//! is in `import_upload`), see its columns and first rows with a proposed target field for
//! each, start it with those choices or a pasted mapping (docs/IMPORT.md), and follow its
//! progress and error file. Uploads and runs go through the same import job services as
//! `/api/v1/imports`; the background worker does the rows.

use super::{Problems, Tab, notice, tabs};
use crate::http::AppState;
use crate::web::session::Refusal;
use crate::web::{Frame, Page, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sarnakh_core::Error;
use sarnakh_core::import::{Entity, ImportReader, Mapping, ReaderOptions, fields, suggest_mapping};
use sarnakh_core::store::ImportJob;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/settings/import",
            get(list).merge(super::import_upload::method()),
        )
        .route("/settings/import/{id}", get(show))
        .route("/settings/import/{id}/start", post(start))
}

/// Rows shown in the preview.
const PREVIEW_ROWS: usize = 5;

/// An import as listed or shown.
pub struct JobRow {
    pub id: String,
    pub file_name: String,
    pub status: String,
    pub created: String,
    pub progress: String,
    pub created_rows: String,
    pub updated_rows: String,
    pub rejected_rows: String,
    pub rejected: bool,
    pub error: String,
}

/// A column of the file with the field proposed for it.
pub struct Column {
    pub index: usize,
    pub name: String,
    pub field: String,
}

#[derive(Template)]
#[template(path = "settings_import.html")]
struct ImportPage {
    frame: Frame,
    tabs: Vec<Tab>,
    notice: Option<String>,
    problems: Problems,
    jobs: Vec<JobRow>,
    /// The import shown, with its preview while it waits for a mapping.
    job: Option<JobRow>,
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
    targets: Vec<String>,
    mapping: String,
    running: bool,
}

fn row_of(user: &WebUser, job: &ImportJob) -> JobRow {
    let tr = user.tr;
    let tally = job.run.as_ref().map(|r| r.tally).unwrap_or_default();
    let done = job.run.as_ref().map_or(0, |r| r.rows_done);
    let progress = match job.rows_total {
        Some(total) => tr.t2(
            "settings-import-progress",
            (
                "done",
                tr.num(i64::try_from(done).unwrap_or(i64::MAX)).into(),
            ),
            (
                "total",
                tr.num(i64::try_from(total).unwrap_or(i64::MAX)).into(),
            ),
        ),
        None => tr.num(i64::try_from(done).unwrap_or(i64::MAX)),
    };
    let n = |v: u64| tr.num(i64::try_from(v).unwrap_or(i64::MAX));
    JobRow {
        id: job.id.to_string(),
        file_name: job.file_name.clone(),
        status: tr.t_or(
            &format!("settings-import-status-{}", job.status),
            &job.status,
        ),
        created: tr.when(job.created_at),
        progress,
        created_rows: n(tally.created),
        updated_rows: n(tally.updated),
        rejected_rows: n(tally.rejected),
        rejected: tally.rejected > 0,
        error: job.error.clone().unwrap_or_default(),
    }
}

/// The import a page shows, with its preview while it waits for a mapping.
#[derive(Default)]
pub(super) struct Shown {
    job: Option<ImportJob>,
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
    mapping: String,
}

/// The wizard's page: the import `shown` (or the upload form) and the earlier imports.
pub(super) async fn page(
    app: &AppState,
    user: &WebUser,
    status: StatusCode,
    notice: Option<String>,
    shown: Shown,
    problems: Problems,
) -> Result<Response, Refusal> {
    let jobs = app
        .services
        .list_import_jobs(&user.actor)
        .await
        .map_err(|e| user.refusal(e))?;
    let running = shown
        .job
        .as_ref()
        .is_some_and(|j| j.status == "queued" || j.status == "running");
    let page = ImportPage {
        frame: Frame::of(user, "settings"),
        tabs: tabs(user, "/settings/import"),
        notice,
        problems,
        jobs: jobs.iter().map(|j| row_of(user, j)).collect(),
        job: shown.job.as_ref().map(|j| row_of(user, j)),
        columns: shown.columns,
        rows: shown.rows,
        targets: fields(Entity::Leads)
            .iter()
            .map(|f| f.name.to_owned())
            .collect(),
        mapping: shown.mapping,
        running,
    };
    Ok(Page(status, page).into_response())
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn list(State(app): State<AppState>, user: WebUser) -> Result<Response, Refusal> {
    let (shown, problems) = (Shown::default(), Problems::default());
    page(&app, &user, StatusCode::OK, None, shown, problems).await
}

/// The file's header and first rows, read from its first chunk.
async fn preview(app: &AppState, job: &ImportJob) -> (Vec<String>, Vec<Vec<String>>) {
    let first = app
        .services
        .import_chunk(job.id, 0)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let Ok(reader) = ImportReader::new(first.as_slice(), ReaderOptions::default()) else {
        return (Vec::new(), Vec::new());
    };
    let header = reader.header().to_vec();
    let rows = reader
        .filter_map(|r| r.ok().and_then(Result::ok))
        .take(PREVIEW_ROWS)
        .map(|rec| rec.cells().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

async fn shown(app: &AppState, user: &WebUser, id: &str) -> Result<Shown, Refusal> {
    let id: uuid::Uuid = id
        .parse()
        .map_err(|_| user.refusal(Error::not_found("import", id)))?;
    let job = app
        .services
        .import_job(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    if job.status != "uploaded" {
        return Ok(Shown {
            job: Some(job),
            ..Shown::default()
        });
    }
    let (header, rows) = preview(app, &job).await;
    let suggestion = suggest_mapping(Entity::Leads, &header);
    let columns = header
        .iter()
        .enumerate()
        .map(|(index, name)| Column {
            index,
            name: name.clone(),
            field: suggestion
                .mapping
                .columns
                .get(name)
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    Ok(Shown {
        job: Some(job),
        columns,
        rows,
        mapping: String::new(),
    })
}

async fn show(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(d): Query<Done>,
) -> Result<Response, Refusal> {
    let shown = shown(&app, &user, &id).await?;
    let done = notice(user.tr, d.done.as_deref(), &["import-started"]);
    let problems = Problems::default();
    page(&app, &user, StatusCode::OK, done, shown, problems).await
}

/// The mapping of the column choices (`column_<i>` = field, empty to leave a column out).
fn mapping_of(sent: &[(String, String)], header: &[Column]) -> String {
    let mut mapping = Mapping::new(Entity::Leads);
    for c in header {
        let key = format!("column_{}", c.index);
        if let Some((_, field)) = sent.iter().find(|(k, v)| *k == key && !v.is_empty()) {
            mapping.columns.push(c.name.clone(), field.clone());
        }
    }
    mapping.to_toml()
}

async fn start(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(sent): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    let value = |name: &str| {
        sent.iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let job_id: uuid::Uuid = user.target(value("_csrf"), &id, "import")?;
    let mut shown = shown(&app, &user, &id).await?;
    let pasted = value("mapping").trim();
    let mapping = if pasted.is_empty() {
        mapping_of(&sent, &shown.columns)
    } else {
        pasted.to_owned()
    };
    match app
        .services
        .start_import_job(&user.actor, job_id, &mapping, None)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/settings/import/{id}?done=import-started")).into_response())
        }
        Err(Error::Validation(errors)) => {
            for c in &mut shown.columns {
                c.field = value(&format!("column_{}", c.index)).to_owned();
            }
            shown.mapping = pasted.to_owned();
            let problems = Problems::of(user.tr, &errors, &[]);
            page(
                &app,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                shown,
                problems,
            )
            .await
        }
        Err(e) => Err(user.refusal(e)),
    }
}
