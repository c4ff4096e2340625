//! The authorization matrix (`docs/authorization.csv`: method, path, role, ownership,
//! expected outcome) run against a world of users and records, on SQLite and PostgreSQL.
//! Every route of the OpenAPI document must have rows for every role, so a new route
//! without a written rule fails this test.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::opportunity::OpportunityDraft;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::domain::{TokenScope, UserId};
use sarnakh_core::service::{Actor, ConvertDraft, LifecycleInput, TaskDraft};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

const ROLES: [&str; 6] = [
    "admin",
    "sales_manager",
    "sales_rep",
    "marketing",
    "reader",
    "anonymous",
];

#[derive(Debug, serde::Deserialize)]
struct Row {
    method: String,
    path: String,
    role: String,
    ownership: String,
    expect: String,
}

/// One user's records, one of each kind the routes address.
struct Owned {
    lead: String,
    opportunity: String,
    account: String,
    contact: String,
    task: String,
    token: String,
    form: String,
    /// A second lead of the same owner (to merge, to dismiss as a pair).
    spare_lead: String,
    /// A submission held over its form's daily cap (to accept).
    submission: String,
    /// A user who may be disabled without disturbing the rest of the run.
    victim: String,
    /// An uploaded import (to read, to start).
    import: String,
    /// A forecast target for this owner (to remove).
    target: String,
    /// A draft A/B experiment (to start, assign, stop).
    experiment: String,
    /// An active content item (to read, replace, send).
    content: String,
    /// A webhook subscription (to read, change, rotate, remove) and one of its deliveries.
    webhook: String,
    delivery: String,
}

struct World {
    /// Role name -> (that actor's API token, owner user per ownership class).
    actors: HashMap<&'static str, (String, HashMap<&'static str, UserId>)>,
    records: HashMap<UserId, Owned>,
}

async fn user(app: &TestApp, email: &str, role: &str, team: Option<&str>) -> UserId {
    let draft = UserDraft {
        email: Some(email.into()),
        display_name: Some(email.into()),
        role: Some(role.into()),
        team: team.map(Into::into),
        ..UserDraft::default()
    };
    app.services
        .add_user(&Actor::SYSTEM, &draft, None)
        .await
        .expect("add user")
        .0
        .id
}

async fn token(app: &TestApp, user: UserId, scope: TokenScope) -> String {
    app.services
        .create_token(&Actor::SYSTEM, user, "matrix", scope)
        .await
        .expect("token")
        .1
}

async fn owned(app: &TestApp, owner: UserId, n: usize) -> Owned {
    let s = &app.services;
    let sys = Actor::SYSTEM;
    let prospect = |company: String, email: String| LeadDraft {
        first_name: Some("Matrix".into()),
        email: Some(email),
        company: Some(company),
        industry: Some("Retail".into()),
        need: Some("Pipeline visibility".into()),
        decision_role: Some("decision_maker".into()),
        owner_id: Some(owner),
        ..LeadDraft::default()
    };
    let lead = s
        .capture_lead(
            &sys,
            &prospect(format!("Lead Co {n}"), format!("lead{n}@matrix.example")),
        )
        .await
        .expect("lead");
    s.qualify_lead(&sys, lead.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let other = s
        .capture_lead(
            &sys,
            &prospect(format!("Account Co {n}"), format!("acct{n}@matrix.example")),
        )
        .await
        .expect("lead");
    s.qualify_lead(&sys, other.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let deal = OpportunityDraft {
        name: Some(format!("Deal {n}")),
        amount: Some("100".into()),
        currency: Some("EUR".into()),
        ..OpportunityDraft::default()
    };
    let out = s
        .convert_lead(
            &sys,
            other.id,
            &ConvertDraft {
                opportunities: vec![deal],
                ..ConvertDraft::default()
            },
        )
        .await
        .expect("convert");
    let task = TaskDraft {
        title: Some("Matrix task".into()),
        due_at: Some("2030-01-01".into()),
        owner_id: Some(owner),
        ..TaskDraft::default()
    };
    let task = s.create_task(&sys, &task).await.expect("task");
    let (tok, _) = s
        .create_token(&sys, owner, "owned", TokenScope::Read)
        .await
        .expect("token");
    let victim = user(app, &format!("victim{n}@matrix.example"), "sales_rep", None).await;
    let form = s
        .create_form(
            &sys,
            &sarnakh_core::domain::form::FormDraft {
                name: Some(format!("Matrix form {n}")),
                fields: vec![("first_name".into(), true), ("email".into(), true)],
                daily_cap: Some(1),
                min_fill_seconds: Some(0),
                ..Default::default()
            },
        )
        .await
        .expect("form");
    let spare = s
        .capture_lead(
            &sys,
            &prospect(format!("Spare Co {n}"), format!("spare{n}@matrix.example")),
        )
        .await
        .expect("spare lead");
    let mut held = None;
    for i in 0..2 {
        let input = sarnakh_core::service::SubmissionInput {
            values: [
                ("first_name".to_owned(), "Web".to_owned()),
                ("email".to_owned(), format!("web{n}-{i}@matrix.example")),
            ]
            .into(),
            ..Default::default()
        };
        held = Some(s.submit_form(&form.key, &input).await.expect("submit"));
    }
    let mut job = s
        .begin_import_upload(&sys, "matrix.csv")
        .await
        .expect("upload");
    s.add_import_chunk(&mut job, 0, b"First\nMatrix\n")
        .await
        .expect("chunk");
    s.finish_import_upload(&mut job).await.expect("upload ends");
    let target = s
        .set_forecast_target(
            &sys,
            &sarnakh_core::service::TargetInput {
                interval: Some("month".into()),
                starts_on: Some("2030-01-01".into()),
                owner_id: Some(owner.to_string()),
                amount: Some("1000".into()),
                currency: Some("EUR".into()),
                ..Default::default()
            },
        )
        .await
        .expect("target");
    let (experiment, content) = insight(app, n).await;
    let (webhook, delivery) = subscription(app, n).await;
    Owned {
        webhook,
        delivery,
        target: target.id.to_string(),
        experiment,
        content,
        import: job.id.to_string(),
        lead: lead.id.to_string(),
        opportunity: out.opportunities[0].id.to_string(),
        account: out.account_id.to_string(),
        contact: out.contact_id.to_string(),
        task: task.id.to_string(),
        token: tok.id.to_string(),
        form: form.id.to_string(),
        spare_lead: spare.id.to_string(),
        submission: held.expect("held").submission.to_string(),
        victim: victim.to_string(),
    }
}

/// A draft experiment and an active content item (issue 6), as their ids.
async fn insight(app: &TestApp, n: usize) -> (String, String) {
    let s = &app.services;
    let variants = ["a", "b"]
        .iter()
        .map(|k| sarnakh_core::domain::experiment::VariantDraft {
            key: Some((*k).into()),
            name: Some((*k).into()),
            ..Default::default()
        })
        .collect();
    let draft = sarnakh_core::domain::experiment::ExperimentDraft {
        key: Some(format!("matrix-{n}")),
        name: Some("Matrix".into()),
        kind: Some("offer".into()),
        method: Some("random".into()),
        variants,
        ..Default::default()
    };
    let x = s
        .create_experiment(&Actor::SYSTEM, &draft)
        .await
        .expect("experiment");
    let item = sarnakh_core::domain::content::ContentDraft {
        title: Some("Matrix guide".into()),
        url: Some("https://example.com/guide".into()),
        stage: Some("lead".into()),
        ..Default::default()
    };
    let c = s
        .create_content(&Actor::SYSTEM, &item)
        .await
        .expect("content");
    (x.id.to_string(), c.id.to_string())
}

/// A webhook subscription with one pending delivery (issue 9), as their ids.
async fn subscription(app: &TestApp, n: usize) -> (String, String) {
    let hook = app
        .services
        .create_webhook(
            &Actor::SYSTEM,
            &sarnakh_core::domain::webhook::WebhookDraft {
                url: Some(format!("https://hooks.example.com/{n}")),
                events: Some(vec!["lead.created".into()]),
                ..Default::default()
            },
        )
        .await
        .expect("webhook");
    let draft = LeadDraft {
        first_name: Some("Hooked".into()),
        email: Some(format!("hooked{n}@matrix.example")),
        ..LeadDraft::default()
    };
    app.services
        .capture_lead(&Actor::SYSTEM, &draft)
        .await
        .expect("lead");
    app.store
        .fan_out_events(chrono::Utc::now(), 1000)
        .await
        .expect("fan out");
    let delivery = app
        .store
        .list_deliveries(hook.id, None, 1)
        .await
        .expect("deliveries")
        .pop()
        .expect("a delivery");
    (hook.id.to_string(), delivery.id.to_string())
}

/// Bodies of the webhook routes (issue 9), before the generic ones.
fn hooks_body(row: &Row) -> Option<Option<Value>> {
    if row.path.split('/').nth(3) != Some("webhooks") {
        return None;
    }
    match (
        row.method.as_str(),
        row.path.rsplit('/').next().unwrap_or(""),
    ) {
        ("POST", "webhooks") => Some(Some(
            json!({ "url": "https://hooks.example.com/matrix", "events": ["lead.created"] }),
        )),
        ("PATCH", _) => Some(Some(json!({ "description": "matrix" }))),
        _ => Some(None),
    }
}

/// Bodies of the experiment and content routes (issue 6), before the generic ones.
fn insight_body(row: &Row) -> Option<Option<Value>> {
    let segment = row.path.split('/').nth(3).unwrap_or("");
    let last = row.path.rsplit('/').next().unwrap_or("");
    let experiment = json!({ "key": format!("m{}", uuid::Uuid::now_v7().simple()), "name": "M", "kind": "offer", "method": "random",
        "variants": [{ "key": "a", "name": "A" }, { "key": "b", "name": "B" }] });
    let content = json!({ "title": "Guide", "url": "https://example.com/g", "stage": "lead" });
    match (row.method.as_str(), segment, last) {
        ("GET", _, _) => None,
        ("POST", "experiments", "experiments") => Some(Some(experiment)),
        ("PUT", "experiments", _) => Some(Some(
            json!({ "key": format!("n{}", uuid::Uuid::now_v7().simple()), "name": "M2", "kind": "offer",
            "method": "random", "variants": [{ "key": "a", "name": "A" }, { "key": "b", "name": "B" }] }),
        )),
        (_, "experiments", "start" | "stop") => Some(None),
        (_, "experiments", "assign") => Some(Some(json!({ "since_start": true }))),
        ("POST" | "PUT", "content", _) => Some(Some(content)),
        (_, _, "send") => Some(None),
        _ => None,
    }
}

async fn world(app: &TestApp) -> World {
    let admin = user(app, "x@matrix.example", "admin", None).await;
    let reader = user(app, "r@matrix.example", "admin", None).await;
    let manager = user(app, "m@matrix.example", "sales_manager", Some("North")).await;
    let rep_a = user(app, "a@matrix.example", "sales_rep", Some("North")).await;
    let rep_b = user(app, "b@matrix.example", "sales_rep", Some("North")).await;
    let rep_c = user(app, "c@matrix.example", "sales_rep", Some("South")).await;
    let marketing = user(app, "k@matrix.example", "marketing", None).await;
    let classes = |own, team, other| {
        HashMap::from([("own", own), ("team", team), ("other", other), ("-", own)])
    };
    let actors = HashMap::from([
        (
            "admin",
            (
                token(app, admin, TokenScope::Write).await,
                classes(admin, rep_b, rep_c),
            ),
        ),
        (
            "reader",
            (
                token(app, reader, TokenScope::Read).await,
                classes(reader, rep_b, rep_c),
            ),
        ),
        (
            "sales_manager",
            (
                token(app, manager, TokenScope::Write).await,
                classes(manager, rep_a, rep_c),
            ),
        ),
        (
            "sales_rep",
            (
                token(app, rep_a, TokenScope::Write).await,
                classes(rep_a, rep_b, rep_c),
            ),
        ),
        (
            "marketing",
            (
                token(app, marketing, TokenScope::Write).await,
                classes(marketing, rep_b, rep_c),
            ),
        ),
        ("anonymous", (String::new(), classes(admin, rep_b, rep_c))),
    ]);
    let mut records = HashMap::new();
    for (n, u) in [admin, reader, manager, rep_a, rep_b, rep_c, marketing]
        .into_iter()
        .enumerate()
    {
        records.insert(u, owned(app, u, n).await);
    }
    World { actors, records }
}

fn request(row: &Row, r: &Owned) -> (String, Option<Value>) {
    let id = match row.path.split('/').nth(3).unwrap_or("") {
        "leads" => &r.lead,
        "opportunities" => &r.opportunity,
        "accounts" => &r.account,
        "contacts" => &r.contact,
        "tasks" => &r.task,
        "users" => &r.victim,
        "settings" if row.path.contains("forecast-targets") => &r.target,
        "settings" => &r.lead,
        "forms" => &r.form,
        "form-submissions" => &r.submission,
        "imports" => &r.import,
        "experiments" => &r.experiment,
        "content" => &r.content,
        "webhooks" if row.path.contains("/deliveries/") => &r.delivery,
        "webhooks" => &r.webhook,
        _ => &r.token,
    };
    let uri = row
        .path
        .replace("{id}", id)
        .replace("{contact_id}", &r.contact)
        .replace("{content_id}", &r.content);
    if let Some(body) = insight_body(row).or_else(|| hooks_body(row)) {
        return (uri, body);
    }
    let until = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let body = match (
        row.method.as_str(),
        row.path.rsplit('/').next().unwrap_or(""),
    ) {
        ("GET" | "DELETE", _) => None,
        ("POST", "leads") => Some(json!({ "first_name": "New", "email": "new@matrix.example" })),
        ("PATCH", "me") => {
            Some(json!({ "locale": "en", "time_zone": "Asia/Tehran", "email_digest": true }))
        }
        (_, "calendar-token") => None,
        ("PATCH", _) if row.path.starts_with("/api/v1/opportunities") => {
            Some(json!({ "expected_close_date": "2030-01-31" }))
        }
        ("PATCH", _) => Some(json!({ "notes": "checked" })),
        (_, "disqualify") => Some(json!({ "reason": "no_need" })),
        (_, "nurture") => Some(json!({ "until": until })),
        (_, "convert") => {
            Some(json!({ "opportunities": [{ "name": "D", "amount": "1", "currency": "EUR" }] }))
        }
        (_, "stage") => Some(json!({ "stage": "demo" })),
        (_, "close") => Some(json!({ "outcome": "lost", "reason": "price" })),
        (_, "{contact_id}") => Some(json!({ "role": "champion" })),
        (_, "opportunities") => Some(json!({ "name": "More", "amount": "5", "currency": "EUR" })),
        (_, "activities") => Some(
            json!({ "subject_type": "lead", "subject_id": r.lead, "kind": "note", "summary": "matrix" }),
        ),
        (_, "tasks") => Some(json!({ "title": "t", "due_at": "2030-01-01" })),
        (_, "reschedule") => Some(json!({ "due_at": "2031-01-01" })),
        (_, "start") => {
            Some(json!({ "mapping": "entity = \"leads\"\n[columns]\nFirst = \"first_name\"\n" }))
        }
        (_, "tokens") => Some(json!({ "name": "matrix", "scope": "read" })),
        ("POST", "users") => Some(
            json!({ "email": format!("new{}@matrix.example", uuid::Uuid::now_v7().simple()), "display_name": "New", "role": "sales_rep" }),
        ),
        (_, "password") => Some(
            json!({ "current_password": "not the current one", "new_password": "a brand new kettle lantern" }),
        ),
        (_, "disable") => None,
        ("POST", "events") => Some(
            json!({ "events": [{ "id": uuid::Uuid::now_v7().to_string(), "kind": "page_view", "lead_id": r.lead, "url": "/pricing" }] }),
        ),
        ("PUT", "scoring") => Some(
            json!({ "fit": [{ "code": "need", "points": 10, "kind": "recorded", "field": "need" }], "grades": { "a": 30, "b": 20, "c": 5 } }),
        ),
        ("POST", "forms") | ("PUT", "{id}") => Some(
            json!({ "name": "Matrix", "fields": [{ "field": "first_name", "required": true }, { "field": "email", "required": true }] }),
        ),
        (_, "merge") => Some(json!({ "other_id": r.spare_lead })),
        (_, "dismiss") => Some(json!({ "first_id": r.lead, "second_id": r.spare_lead })),
        ("PUT", "assignment") => Some(json!({ "rules": [] })),
        ("PUT", "sla") => Some(json!({ "first_contact_minutes": 20 })),
        ("PUT", "forecast-targets") => Some(
            json!({ "interval": "month", "starts_on": "2030-02-01", "amount": "1000", "currency": "EUR" }),
        ),
        ("PUT", "rates") => Some(json!({ "rates": [{ "currency": "RON", "rate": "0.2" }] })),
        ("PUT", "campaign-costs") => Some(
            json!({ "costs": [{ "campaign": "spring", "amount": "100", "currency": "EUR", "from": "2026-01-01" }] }),
        ),
        ("PUT", "duplicates") => Some(json!({ "action": "warn", "name_similarity": 0.9 })),
        ("PUT", "stages") => Some(json!({ "stages": [
            { "key": "qualify", "name": "Qualify", "probability": 10 },
            { "key": "discovery", "name": "Discovery", "probability": 20 },
            { "key": "demo", "name": "Demo", "probability": 40 },
            { "key": "proposal", "name": "Proposal", "probability": 60 },
            { "key": "negotiation", "name": "Negotiation", "probability": 80 },
            { "key": "won", "name": "Won" },
            { "key": "lost", "name": "Lost" }
        ] })),
        ("PUT", "playbook") => Some(
            json!({ "qualify": [{ "code": "need_recorded", "message": "record the need", "kind": "recorded", "field": "need" }], "convert": [] }),
        ),
        _ => Some(json!({})),
    };
    (uri, body)
}

fn outcome_matches(expect: &str, status: StatusCode) -> bool {
    match expect {
        "allow" => !matches!(status.as_u16(), 401 | 403 | 404) && !status.is_server_error(),
        "hidden" => status == StatusCode::NOT_FOUND,
        "forbidden" => status == StatusCode::FORBIDDEN,
        "invalid" => status == StatusCode::UNPROCESSABLE_ENTITY,
        "unauthenticated" => status == StatusCode::UNAUTHORIZED,
        other => panic!("unknown expectation {other:?} in the matrix"),
    }
}

fn rows() -> Vec<Row> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/authorization.csv");
    csv::Reader::from_path(path)
        .expect("docs/authorization.csv")
        .deserialize()
        .map(|r| r.expect("a well-formed row"))
        .collect()
}

async fn every_route_obeys_the_matrix(app: TestApp) {
    let rows = rows();
    let doc = app.get("/api/openapi.json").await.body;
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("methods").keys() {
            let method = method.to_uppercase();
            let covered: BTreeSet<&str> = rows
                .iter()
                .filter(|r| r.method == method && &r.path == path)
                .map(|r| r.role.as_str())
                .collect();
            if !covered.contains("anyone") && ROLES.iter().any(|role| !covered.contains(role)) {
                missing.push(format!("{method} {path}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes without complete rows in docs/authorization.csv: {missing:?}"
    );
    let world = world(&app).await;
    let mut wrong = Vec::new();
    for row in rows
        .iter()
        .filter(|r| !matches!(r.expect.as_str(), "public" | "operator"))
    {
        let (token, owners) = &world.actors[row.role.as_str()];
        let records = &world.records[&owners[row.ownership.as_str()]];
        let (uri, body) = request(row, records);
        let reply = app.as_user(token, &row.method, &uri, body).await;
        if !outcome_matches(&row.expect, reply.status) {
            wrong.push(format!(
                "{} {} as {} on {}: expected {}, got {} {}",
                row.method, row.path, row.role, row.ownership, row.expect, reply.status, reply.body
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} rows disagree:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn every_route_obeys_the_matrix_on_sqlite() {
    every_route_obeys_the_matrix(TestApp::new().await).await;
}

#[tokio::test]
async fn every_route_obeys_the_matrix_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        every_route_obeys_the_matrix(app).await;
    }
}
