//! The OpenAPI 3.1 document, generated from the handlers and wire types, served at
//! `/api/openapi.json`, and a browsable page at `/api/docs` whose script is embedded in
//! the binary. Enumerations are filled in from the domain's own value lists, so the
//! document cannot drift from what the API accepts.

use super::AppState;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use sarnakh_core::domain::activity::ActivityOutcome;
use sarnakh_core::domain::lifecycle::DisqualifyReason;
use sarnakh_core::domain::opportunity::LossReason;
use sarnakh_core::domain::{ActivityKind, BuyerRole, LeadSource};
use utoipa::OpenApi;
use utoipa::openapi::schema::{Object, Schema};
use utoipa::openapi::{OpenApi as Doc, RefOr};

#[derive(OpenApi)]
#[openapi(
    info(title = "Sarnakh API", description = "Sales-pipeline CRM: leads, prospects, opportunities, customers. Errors are RFC 9457 problem+json with a stable `code`. Lists use cursor pagination. Send `If-Match` with the `ETag` to refuse lost updates."),
    tags(
        (name = "leads", description = "Capture, read, edit and list leads"),
        (name = "lifecycle", description = "Qualify, convert, disqualify, nurture, reopen"),
        (name = "opportunities", description = "Deals and the pipeline"),
        (name = "accounts", description = "Accounts and contacts"),
        (name = "follow-ups", description = "Activities, tasks and users"),
        (name = "playbook", description = "The shared qualification criteria and lead readiness"),
        (name = "access", description = "Sign-in, tokens and users"),
        (name = "import", description = "CSV imports from another CRM, run as background jobs"),
        (name = "reports", description = "Funnel, pipeline and win/loss over a period (see docs/REPORTS.md)"),
        (name = "experiments", description = "A/B experiments: variants, assignment, start and stop"),
        (name = "content", description = "The nurture content library, next suggestions and sending"),
        (name = "webhooks", description = "Webhook subscriptions (admins), their deliveries, dead letters and replay"),
    )
)]
struct ApiDoc;

/// The document before the routes are added.
pub fn base() -> Doc {
    ApiDoc::openapi()
}

/// Fills enumerations from the domain's value lists.
pub fn finish(mut doc: Doc) -> Doc {
    use utoipa::openapi::security::{
        HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
    };
    if let Some(components) = doc.components.as_mut() {
        let bearer = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("An API token: Authorization: Bearer snk_..."))
            .build();
        components.add_security_scheme("token", SecurityScheme::Http(bearer));
    }
    doc.security = Some(vec![SecurityRequirement::new(
        "token",
        Vec::<String>::new(),
    )]);
    let names = |all: &[&'static str]| all.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let sources = names(
        &LeadSource::ALL
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>(),
    );
    let roles = names(
        &BuyerRole::ALL
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>(),
    );
    set_enum(&mut doc, "CreateLeadRequest", "source", &sources);
    set_enum(&mut doc, "UpdateLeadRequest", "source", &sources);
    set_enum(&mut doc, "CreateLeadRequest", "decision_role", &roles);
    set_enum(&mut doc, "UpdateLeadRequest", "decision_role", &roles);
    set_enum(&mut doc, "BuyerRoleRequest", "role", &roles);
    set_enum(
        &mut doc,
        "TransitionRequest",
        "reason",
        &DisqualifyReason::ALL
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect::<Vec<_>>(),
    );
    set_enum(
        &mut doc,
        "CloseRequest",
        "reason",
        &LossReason::ALL
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect::<Vec<_>>(),
    );
    set_enum(
        &mut doc,
        "CloseRequest",
        "outcome",
        &["won".to_owned(), "lost".to_owned()],
    );
    set_enum(
        &mut doc,
        "CreateActivityRequest",
        "kind",
        &ActivityKind::ALL
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect::<Vec<_>>(),
    );
    set_enum(
        &mut doc,
        "CreateActivityRequest",
        "outcome",
        &ActivityOutcome::ALL
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect::<Vec<_>>(),
    );
    doc
}

fn set_enum(doc: &mut Doc, schema: &str, property: &str, values: &[String]) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(schema) else {
        return;
    };
    if let Some(RefOr::T(Schema::Object(prop))) = object.properties.get_mut(property) {
        set_values(prop, values);
    }
}

fn set_values(prop: &mut Object, values: &[String]) {
    prop.enum_values = Some(
        values
            .iter()
            .map(|v| serde_json::Value::String(v.clone()))
            .collect(),
    );
}

/// `/api/openapi.json` and `/api/docs`.
pub fn router(doc: Doc) -> Router<AppState> {
    let json = doc.to_pretty_json().unwrap_or_else(|_| "{}".to_owned());
    Router::new()
        .route(
            "/api/openapi.json",
            get(
                move || async move { ([(header::CONTENT_TYPE, "application/json")], json.clone()) },
            ),
        )
        .route("/api/docs", get(docs_page))
        .route("/api/docs/docs.js", get(docs_script))
}

async fn docs_page() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("docs/index.html"),
    )
}

async fn docs_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("docs/docs.js"),
    )
}
