//! The pipeline stage settings page and the records' history tab in-process, on SQLite and
//! (when its URL is set) PostgreSQL: who sees and changes what, refused forms write nothing,
//! stored text is escaped, the Persian page is right to left with Persian digits, and another
//! rep's record history is not found.

mod common;
mod web;

use axum::http::StatusCode;
use common::TestApp;
use sarnakh_core::domain::{TokenScope, UserId};
use sarnakh_core::service::{Actor, LeadPatch};
use web::{csrf, deal_of, form, person, send, user_id};

async fn version(app: &TestApp) -> i64 {
    app.services
        .stage_settings(&Actor::SYSTEM)
        .await
        .expect("settings")
        .version
}

/// The form rows of the default stages, with `changes` applied over them.
fn stage_form(token: &str, version: &str, changes: &[(&str, &str)]) -> String {
    let keys = [
        "qualify",
        "discovery",
        "demo",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ];
    let names = [
        "Qualify",
        "Discovery",
        "Demo",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
    ];
    let probabilities = ["10", "20", "40", "60", "80"];
    let mut pairs: Vec<(String, String)> = vec![
        ("_csrf".into(), token.into()),
        ("version".into(), version.into()),
    ];
    for (i, key) in keys.iter().enumerate() {
        let p = |f: &str| format!("s{i}.{f}");
        pairs.push((p("key"), (*key).into()));
        pairs.push((p("existing"), "1".into()));
        pairs.push((p("name"), names[i].into()));
        pairs.push((p("order"), (i + 1).to_string()));
        match probabilities.get(i) {
            Some(prob) => pairs.push((p("probability"), (*prob).into())),
            None => pairs.push((p("terminal"), "1".into())),
        }
    }
    for (k, v) in changes {
        pairs.retain(|(name, _)| name != k);
        pairs.push(((*k).into(), (*v).into()));
    }
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form(&refs)
}

async fn stage_settings_are_read_by_managers_and_changed_by_admins(app: TestApp) {
    let rep = person(&app, "rep@stages.example", "sales_rep", "en").await;
    let refused = send(&app, "GET", "/settings/stages", &rep, "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let manager = person(&app, "m@stages.example", "sales_manager", "en").await;
    let read = send(&app, "GET", "/settings/stages", &manager, "").await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert!(read.body.contains("Negotiation") && read.body.contains("href=\"/settings/stages\""));
    assert!(!read.body.contains("action=\"/settings/stages\""));
    let admin = person(&app, "a@stages.example", "admin", "en").await;
    let page = send(&app, "GET", "/settings/stages", &admin, "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("action=\"/settings/stages\""));
    let token = csrf(&page.body);
    let before = app.services.list_stages().await.expect("stages");

    // A manager's post, a post without the form token, and a refused value write nothing.
    let manager_token = csrf(&read.body);
    let by_manager = stage_form(&manager_token, "0", &[("s2.probability", "45")]);
    let forbidden = send(&app, "POST", "/settings/stages", &manager, &by_manager).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let no_token = stage_form("", "0", &[("s2.probability", "45")]);
    let forbidden = send(&app, "POST", "/settings/stages", &admin, &no_token).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let bad = stage_form(
        &token,
        "0",
        &[
            ("s2.probability", "150"),
            ("s7.key", "legal"),
            ("s7.name", "Legal <script>alert(1)</script>"),
            ("s7.probability", "85"),
            ("s7.order", "5.5"),
        ],
    );
    let shown = send(&app, "POST", "/settings/stages", &admin, &bad).await;
    assert_eq!(
        shown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Out of range."), "{}", shown.body);
    assert!(
        shown
            .body
            .contains("value=\"Legal &#60;script&#62;alert(1)&#60;/script&#62;\"")
    );
    assert!(!shown.body.contains("<script>alert(1)"));
    assert_eq!(app.services.list_stages().await.expect("stages"), before);
    assert_eq!(version(&app).await, 0);

    // A good post: a new probability, a new stage after negotiation, demo retired.
    let good = stage_form(
        &token,
        "0",
        &[
            ("s2.probability", "45"),
            ("s2.retired", "1"),
            ("s7.key", "legal"),
            ("s7.name", "Legal <review>"),
            ("s7.fa", "بررسی حقوقی"),
            ("s7.probability", "85"),
            ("s7.order", "5.5"),
        ],
    );
    let saved = send(&app, "POST", "/settings/stages", &admin, &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location, "/settings/stages?done=stages");
    let stages = app.services.list_stages().await.expect("stages");
    let legal = stages.iter().find(|s| s.key == "legal").expect("added");
    assert_eq!((legal.position, legal.probability), (6, 85));
    assert_eq!(legal.label("fa"), "بررسی حقوقی");
    let demo = stages.iter().find(|s| s.key == "demo").expect("kept");
    assert_eq!(demo.probability, 45);
    assert!(demo.retired_at.is_some());
    assert_eq!(version(&app).await, 1);
    let after = send(&app, "GET", "/settings/stages?done=stages", &admin, "").await;
    assert!(after.body.contains("The pipeline stages are saved."));
    assert!(
        after.body.contains("Legal &#60;review&#62;"),
        "{}",
        after.body
    );
    assert!(
        after
            .body
            .contains("stages.demo.probability: \u{2068}40\u{2069} → \u{2068}45\u{2069}")
    );

    // The same form sent again with the old version is a conflict and writes nothing.
    let stale = send(&app, "POST", "/settings/stages", &admin, &good).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(version(&app).await, 1);

    // A retired stage without deals has no column on the board; the new one has.
    let board = send(&app, "GET", "/pipeline", &admin, "").await;
    assert!(board.body.contains("data-stage=\"legal\""));
    assert!(!board.body.contains("data-stage=\"demo\""));
}

#[tokio::test]
async fn stage_settings_are_read_by_managers_and_changed_by_admins_on_sqlite() {
    stage_settings_are_read_by_managers_and_changed_by_admins(TestApp::new().await).await;
}

#[tokio::test]
async fn stage_settings_are_read_by_managers_and_changed_by_admins_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        stage_settings_are_read_by_managers_and_changed_by_admins(app).await;
    }
}

#[tokio::test]
async fn the_persian_stage_page_is_right_to_left_with_persian_digits() {
    let app = TestApp::new().await;
    let manager = person(&app, "fa@stages.example", "sales_manager", "fa").await;
    let page = send(&app, "GET", "/settings/stages", &manager, "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("lang=\"fa\" dir=\"rtl\""));
    assert!(page.body.contains("مراحل قیف فروش"));
    assert!(
        page.body.contains("<td class=\"num\">۸۰</td>"),
        "{}",
        page.body
    );
}

async fn history_tab_shows_who_changed_what_to_those_who_see_the_record(app: TestApp) {
    let owner_cookie = person(&app, "owner@history.example", "sales_rep", "en").await;
    let owner = user_id(&app, "owner@history.example").await;
    let other = person(&app, "other@history.example", "sales_rep", "en").await;
    let deal = deal_of(&app, owner, "Dana", "dana@history.example").await;
    let detail = app
        .services
        .get_opportunity(&Actor::SYSTEM, deal.parse().expect("id"))
        .await
        .expect("deal");
    let lead = detail.opportunity.lead_id.expect("from a lead");
    // An edit through an API token, with a value to escape.
    let (_, secret) = app
        .services
        .create_token(&Actor::SYSTEM, owner, "Import <script>", TokenScope::Write)
        .await
        .expect("token");
    let by_token = app
        .services
        .authenticate_token(&secret)
        .await
        .expect("sign in");
    let patch = LeadPatch {
        job_title: Some(Some("Head of <b>sales</b>".into())),
        ..LeadPatch::default()
    };
    app.services
        .update_lead(&by_token, lead, patch, None)
        .await
        .expect("edit");
    let page = send(
        &app,
        "GET",
        &format!("/leads/{lead}/history"),
        &owner_cookie,
        "",
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Job title"), "{}", page.body);
    assert!(
        page.body
            .contains("<ins>Head of &#60;b&#62;sales&#60;/b&#62;</ins>")
    );
    assert!(
        page.body
            .contains("through the API token \u{2068}Import &#60;script&#62; ("),
        "{}",
        page.body
    );
    assert!(page.body.contains("Qualified") && page.body.contains("Converted"));
    assert!(
        page.body
            .contains("sales_rep &#60;script&#62;alert(1)&#60;/script&#62;")
    );
    let record = send(&app, "GET", &format!("/leads/{lead}"), &owner_cookie, "").await;
    assert!(
        record
            .body
            .contains(&format!("href=\"/leads/{lead}/history\""))
    );
    let deal_page = send(
        &app,
        "GET",
        &format!("/opportunities/{deal}/history"),
        &owner_cookie,
        "",
    )
    .await;
    assert_eq!(deal_page.status, StatusCode::OK);
    assert!(deal_page.body.contains("CRM &#60;rollout&#62;") && deal_page.body.contains("Created"));
    let account = detail.opportunity.account_id;
    for path in [
        format!("/leads/{lead}/history"),
        format!("/opportunities/{deal}/history"),
        format!("/accounts/{account}/history"),
    ] {
        let hidden = send(&app, "GET", &path, &other, "").await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!hidden.body.contains("Head of"), "{path}");
    }
    let shown = send(
        &app,
        "GET",
        &format!("/accounts/{account}/history"),
        &owner_cookie,
        "",
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK);
    let unknown = send(
        &app,
        "GET",
        &format!("/contacts/{}/history", UserId::new()),
        &owner_cookie,
        "",
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn history_tab_shows_who_changed_what_to_those_who_see_the_record_on_sqlite() {
    history_tab_shows_who_changed_what_to_those_who_see_the_record(TestApp::new().await).await;
}

#[tokio::test]
async fn history_tab_shows_who_changed_what_to_those_who_see_the_record_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        history_tab_shows_who_changed_what_to_those_who_see_the_record(app).await;
    }
}

#[tokio::test]
async fn a_retired_stage_keeps_its_column_while_deals_are_in_it_and_takes_no_new_ones() {
    let app = TestApp::new().await;
    let admin = person(&app, "ada@board.example", "admin", "en").await;
    let owner = user_id(&app, "ada@board.example").await;
    let deal: sarnakh_core::domain::OpportunityId =
        deal_of(&app, owner, "Bita", "bita@board.example")
            .await
            .parse()
            .expect("id");
    app.services
        .move_opportunity(&Actor::SYSTEM, deal, "demo", None)
        .await
        .expect("move");
    let mut stages = sarnakh_core::domain::stage_settings::StageFile::of(
        &app.services.list_stages().await.expect("stages"),
    )
    .stages;
    stages[2].retired = true;
    app.services
        .set_stages(&Actor::SYSTEM, &stages, Some(0))
        .await
        .expect("retire");
    let board = send(&app, "GET", "/pipeline", &admin, "").await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(
        board.body.contains("data-stage=\"demo\" data-retired"),
        "{}",
        board.body
    );
    assert!(board.body.contains("\u{2068}Demo\u{2069} (retired)"));
    assert!(
        !board.body.contains("<option value=\"demo\""),
        "no move into it"
    );
}

#[tokio::test]
async fn the_history_tab_pages_older_changes() {
    let app = TestApp::new().await;
    let cookie = person(&app, "pia@history.example", "sales_rep", "en").await;
    let owner = user_id(&app, "pia@history.example").await;
    let lead = web::prospect(&app, owner, "Pia", "pia.lead@history.example").await;
    for i in 0..30 {
        let patch = LeadPatch {
            job_title: Some(Some(format!("Title {i}"))),
            ..LeadPatch::default()
        };
        app.services
            .update_lead(&Actor::SYSTEM, lead, patch, None)
            .await
            .expect("edit");
    }
    let first = send(&app, "GET", &format!("/leads/{lead}/history"), &cookie, "").await;
    assert_eq!(first.body.matches("<li>\n  <p><strong>").count(), 25);
    assert!(
        first.body.contains("<ins>Title 29</ins>") && !first.body.contains("<ins>Title 4</ins>")
    );
    let at = first
        .body
        .find("rel=\"next\" href=\"")
        .expect("an older page")
        + 17;
    let next = first.body[at..].split('"').next().expect("link").to_owned();
    let second = send(&app, "GET", &next, &cookie, "").await;
    assert_eq!(second.status, StatusCode::OK);
    // 30 edits, the capture and the qualification: 7 older entries.
    assert_eq!(second.body.matches("<li>\n  <p><strong>").count(), 7);
    assert!(
        second.body.contains("<ins>Title 0</ins>") && !second.body.contains("<ins>Title 29</ins>")
    );
    assert!(!second.body.contains("rel=\"next\""));
}
