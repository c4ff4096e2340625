//! The settings pages in-process: each shown by role and refused to a rep, every change a
//! form with the session's token (refused without it, nothing written), refused values shown
//! next to their fields with nothing written, and stored text escaped.

mod common;
mod web;

use axum::http::StatusCode;
use common::TestApp;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::service::Actor;
use web::{csrf, form, multipart, rep, send, send_raw, sign_in, signed_in_as, user_id};

/// A user of `role` in `team`, signed in; their session cookie.
async fn person(app: &TestApp, email: &str, role: &str, team: Option<&str>) -> String {
    let draft = UserDraft {
        email: Some(email.into()),
        display_name: Some(format!("{role} <script>alert(1)</script>")),
        role: Some(role.into()),
        team: team.map(Into::into),
        ..UserDraft::default()
    };
    signed_in_as(app, &draft).await
}

const PAGES: [&str; 9] = [
    "/settings",
    "/settings/users",
    "/settings/money",
    "/settings/forms",
    "/settings/playbook",
    "/settings/scoring",
    "/settings/assignment",
    "/settings/import",
    "/settings/sla",
];

#[tokio::test]
async fn a_rep_sees_no_settings_and_is_refused_every_page() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "rita@settings.example", "en").await;
    let cookie = sign_in(&app, &email, &password).await;
    let inbox = send(&app, "GET", "/inbox", &cookie, "").await;
    assert!(!inbox.body.contains("href=\"/settings\""));
    for page in PAGES {
        let refused = send(&app, "GET", page, &cookie, "").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{page}");
    }
}

#[tokio::test]
async fn an_admin_adds_a_user_changes_their_team_and_disables_them() {
    let app = TestApp::new().await;
    let cookie = person(&app, "ada@settings.example", "admin", None).await;
    let inbox = send(&app, "GET", "/inbox", &cookie, "").await;
    assert!(inbox.body.contains("href=\"/settings\""));
    let page = send(&app, "GET", "/settings/users", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("admin &#60;script&#62;alert(1)&#60;/script&#62;")
    );
    assert!(!page.body.contains("<script>alert(1)"));
    let token = csrf(&page.body);
    let before = app.services.list_users().await.expect("users").len();

    let no_token = form(&[
        ("email", "new@settings.example"),
        ("display_name", "New"),
        ("role", "sales_rep"),
    ]);
    let refused = send(&app, "POST", "/settings/users/add", &cookie, &no_token).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        app.services
            .find_user("new@settings.example")
            .await
            .expect("find")
            .is_none()
    );

    let bad = form(&[
        ("_csrf", &token),
        ("email", "not-an-email"),
        ("display_name", "New <b>"),
        ("role", "sales_rep"),
    ]);
    let shown = send(&app, "POST", "/settings/users/add", &cookie, &bad).await;
    assert_eq!(
        shown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains("Not an email address.")
            && shown.body.contains("value=\"New &#60;b&#62;\"")
    );
    assert_eq!(
        app.services.list_users().await.expect("users").len(),
        before
    );

    let good = form(&[
        ("_csrf", &token),
        ("email", "new@settings.example"),
        ("display_name", "Nima"),
        ("role", "sales_rep"),
        ("team", "East"),
        ("locale", "fa"),
    ]);
    let added = send(&app, "POST", "/settings/users/add", &cookie, &good).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert!(added.body.contains("shown this once") && added.body.contains("<code>"));
    let nima = user_id(&app, "new@settings.example").await;

    let access = form(&[
        ("_csrf", &token),
        ("id", &nima.to_string()),
        ("role", "sales_manager"),
        ("team", "West"),
    ]);
    let moved = send(&app, "POST", "/settings/users/access", &cookie, &access).await;
    assert_eq!(
        (moved.status, moved.location.as_str()),
        (StatusCode::SEE_OTHER, "/settings/users?done=access")
    );
    let listed = send(&app, "GET", &moved.location, &cookie, "").await;
    assert!(
        listed.body.contains("The role and team are saved.")
            && listed.body.contains("<td>West</td>")
    );
    let user = app
        .services
        .find_user("new@settings.example")
        .await
        .expect("find")
        .expect("user");
    assert_eq!(user.role.as_str(), "sales_manager");

    let disable = form(&[("_csrf", &token), ("id", &nima.to_string())]);
    let done = send(&app, "POST", "/settings/users/disable", &cookie, &disable).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let user = app
        .services
        .find_user("new@settings.example")
        .await
        .expect("find")
        .expect("user");
    assert!(user.disabled_at.is_some());
}

#[tokio::test]
async fn a_manager_reads_their_team_and_may_not_change_it() {
    let app = TestApp::new().await;
    let cookie = person(&app, "mona@settings.example", "sales_manager", Some("East")).await;
    rep(&app, "outsider@settings.example", "en").await;
    let draft = UserDraft {
        email: Some("mate@settings.example".into()),
        display_name: Some("Mate".into()),
        role: Some("sales_rep".into()),
        team: Some("East".into()),
        ..UserDraft::default()
    };
    app.services
        .add_user(&Actor::SYSTEM, &draft, None)
        .await
        .expect("add");
    let page = send(&app, "GET", "/settings/users", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("mate@settings.example"));
    assert!(!page.body.contains("outsider@settings.example"));
    assert!(!page.body.contains("/settings/users/add"));
    let mate = user_id(&app, "mate@settings.example").await;
    let token = csrf(&page.body);
    let access = form(&[
        ("_csrf", &token),
        ("id", &mate.to_string()),
        ("role", "admin"),
    ]);
    let refused = send(&app, "POST", "/settings/users/access", &cookie, &access).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let user = app
        .services
        .find_user("mate@settings.example")
        .await
        .expect("find")
        .expect("user");
    assert_eq!(user.role.as_str(), "sales_rep");
}

#[tokio::test]
async fn a_manager_adds_a_rate_and_a_refused_rate_shows_its_errors_and_writes_nothing() {
    let app = TestApp::new().await;
    let cookie = person(&app, "mira@settings.example", "sales_manager", Some("East")).await;
    let page = send(&app, "GET", "/settings/money", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("No rates yet"));
    let token = csrf(&page.body);

    let bad = form(&[("_csrf", &token), ("currency", "<script>"), ("rate", "-2")]);
    let shown = send(&app, "POST", "/settings/money/rates", &cookie, &bad).await;
    assert_eq!(
        shown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Not a currency code"), "{}", shown.body);
    assert!(
        shown.body.contains("value=\"&#60;script&#62;\"") && !shown.body.contains("<script>\"")
    );
    assert_eq!(
        shown.body.matches("class=\"field-error\"").count(),
        2,
        "{}",
        shown.body
    );
    assert!(
        app.services
            .exchange_rates()
            .await
            .expect("rates")
            .rates
            .is_empty()
    );

    let no_token = form(&[("currency", "USD"), ("rate", "0.9")]);
    let refused = send(&app, "POST", "/settings/money/rates", &cookie, &no_token).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        app.services
            .exchange_rates()
            .await
            .expect("rates")
            .rates
            .is_empty()
    );

    let good = form(&[
        ("_csrf", &token),
        ("currency", "USD"),
        ("rate", "0.92"),
        ("effective_on", "2026-01-01"),
    ]);
    let saved = send(&app, "POST", "/settings/money/rates", &cookie, &good).await;
    assert_eq!(
        (saved.status, saved.location.as_str()),
        (StatusCode::SEE_OTHER, "/settings/money?done=rate")
    );
    let listed = send(&app, "GET", &saved.location, &cookie, "").await;
    assert!(
        listed.body.contains("The rate is saved.")
            && listed.body.contains("<td class=\"num\">0.92</td>"),
        "{}",
        listed.body
    );

    let target = form(&[
        ("_csrf", &token),
        ("interval", "month"),
        ("starts_on", "2026-03-02"),
        ("amount", "5000"),
        ("currency", "EUR"),
    ]);
    let shown = send(&app, "POST", "/settings/money/targets", &cookie, &target).await;
    assert_eq!(
        shown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Not the first day of the period."));
    let mira = user_id(&app, "mira@settings.example").await;
    let scope = format!("owner:{mira}");
    let target = form(&[
        ("_csrf", &token),
        ("interval", "month"),
        ("starts_on", "2026-03-01"),
        ("scope", &scope),
        ("amount", "5000"),
        ("currency", "EUR"),
    ]);
    let set = send(&app, "POST", "/settings/money/targets", &cookie, &target).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let listed = send(&app, "GET", "/settings/money", &cookie, "").await;
    assert!(listed.body.contains("5,000.00 EUR"), "{}", listed.body);
    let targets = app
        .services
        .forecast_targets(&Actor::SYSTEM)
        .await
        .expect("targets");
    let remove = form(&[("_csrf", &token), ("id", &targets[0].id.to_string())]);
    let removed = send(
        &app,
        "POST",
        "/settings/money/targets/delete",
        &cookie,
        &remove,
    )
    .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(
        app.services
            .forecast_targets(&Actor::SYSTEM)
            .await
            .expect("targets")
            .is_empty()
    );
}

#[tokio::test]
async fn marketing_creates_a_form_and_sees_its_snippet_escaped_as_text() {
    let app = TestApp::new().await;
    let cookie = person(&app, "mara@settings.example", "marketing", None).await;
    let inbox = send(&app, "GET", "/inbox", &cookie, "").await;
    assert!(inbox.body.contains("href=\"/settings\""));
    let first = send(&app, "GET", "/settings", &cookie, "").await;
    assert_eq!(first.location, "/settings/forms");
    let page = send(&app, "GET", "/settings/forms", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("/settings/users") && page.body.contains("/settings/scoring"));
    let token = csrf(&page.body);

    let bad = form(&[
        ("_csrf", &token),
        ("name", "Ghid <script>x</script>"),
        ("ask_email", "1"),
        ("daily_cap", "lots"),
    ]);
    let shown = send(&app, "POST", "/settings/forms", &cookie, &bad).await;
    assert_eq!(
        shown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        shown.body
    );
    assert!(shown.body.contains("value=\"lots\"") && shown.body.contains("Ghid &#60;script&#62;x"));
    assert!(shown.body.contains("class=\"field-error\""));
    assert!(
        app.services
            .list_forms(&Actor::SYSTEM)
            .await
            .expect("forms")
            .is_empty()
    );
    let no_token = form(&[
        ("name", "Ghid"),
        ("ask_first_name", "1"),
        ("ask_email", "1"),
    ]);
    let refused = send(&app, "POST", "/settings/forms", &cookie, &no_token).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        app.services
            .list_forms(&Actor::SYSTEM)
            .await
            .expect("forms")
            .is_empty()
    );

    let good = form(&[
        ("_csrf", &token),
        ("name", "Ghid <script>x</script>"),
        ("ask_first_name", "1"),
        ("required_first_name", "1"),
        ("ask_email", "1"),
        ("required_email", "1"),
        ("thank_you_message", "Mulțumim <b>!</b>"),
        ("daily_cap", "50"),
        ("min_fill_seconds", "3"),
        ("active", "1"),
    ]);
    let created = send(&app, "POST", "/settings/forms", &cookie, &good).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let shown = send(&app, "GET", &created.location, &cookie, "").await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains("The form is created"));
    assert!(
        shown
            .body
            .contains("<pre class=\"snippet\"><code>&#60;form id="),
        "{}",
        shown.body
    );
    assert!(!shown.body.contains("<script>x"));
    let forms = app
        .services
        .list_forms(&Actor::SYSTEM)
        .await
        .expect("forms");
    assert_eq!(forms[0].settings.daily_cap, 50);
    let fa = send(
        &app,
        "GET",
        &format!("/settings/forms/{}?lang=fa", forms[0].id),
        &cookie,
        "",
    )
    .await;
    assert!(fa.body.contains("dir=&#34;rtl&#34;"), "{}", fa.body);

    let change = form(&[
        ("_csrf", &token),
        ("version", "1"),
        ("name", "Ghid"),
        ("ask_first_name", "1"),
        ("ask_email", "1"),
        ("daily_cap", "20"),
    ]);
    let saved = send(
        &app,
        "POST",
        &format!("/settings/forms/{}", forms[0].id),
        &cookie,
        &change,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let forms = app
        .services
        .list_forms(&Actor::SYSTEM)
        .await
        .expect("forms");
    assert_eq!(
        (forms[0].settings.daily_cap, forms[0].settings.active),
        (20, false)
    );
}

const PLAYBOOK: &str = r#"{ "qualify": [ { "code": "need_recorded", "message": "record the need <b>", "kind": "recorded", "field": "need" } ],
  "convert": [ { "code": "decision_maker", "message": "the person decides", "kind": "decision_maker" } ] }"#;

#[tokio::test]
async fn a_refused_playbook_lists_its_problem_keeps_the_text_and_writes_nothing() {
    let app = TestApp::new().await;
    let cookie = person(&app, "max@settings.example", "sales_manager", Some("East")).await;
    let page = send(&app, "GET", "/settings/playbook", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<textarea") && page.body.contains("&#34;qualify&#34;"));
    let token = csrf(&page.body);

    let typed = r#"{ "qualify": [ { "code": "", "message": "<script>alert(2)</script>", "kind": "in_set", "field": "industry", "values": [] } ], "convert": [] }"#;
    let bad = form(&[("_csrf", &token), ("rules", typed)]);
    let shown = send(&app, "POST", "/settings/playbook", &cookie, &bad).await;
    assert_eq!(
        shown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        shown.body
    );
    assert!(shown.body.contains("class=\"problems\""), "{}", shown.body);
    assert!(
        shown.body.contains("&#60;script&#62;alert(2)") && !shown.body.contains("<script>alert(2)")
    );
    assert_eq!(app.services.playbook().await.expect("playbook").version, 0);
    let toml = send(
        &app,
        "POST",
        "/settings/playbook",
        &cookie,
        &form(&[("_csrf", &token), ("rules", "not = [valid")]),
    )
    .await;
    assert_eq!(toml.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(toml.body.contains("neither JSON nor TOML"));

    let no_token = form(&[("rules", PLAYBOOK)]);
    let refused = send(&app, "POST", "/settings/playbook", &cookie, &no_token).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(app.services.playbook().await.expect("playbook").version, 0);

    let good = form(&[("_csrf", &token), ("rules", PLAYBOOK)]);
    let saved = send(&app, "POST", "/settings/playbook", &cookie, &good).await;
    assert_eq!(
        (saved.status, saved.location.as_str()),
        (StatusCode::SEE_OTHER, "/settings/playbook?done=saved"),
        "{}",
        saved.body
    );
    assert_eq!(app.services.playbook().await.expect("playbook").version, 1);
    let shown = send(&app, "GET", &saved.location, &cookie, "").await;
    assert!(
        shown.body.contains("1\u{2069} is in force")
            && shown.body.contains("record the need &#60;b&#62;")
    );

    let scoring = send(&app, "GET", "/settings/scoring", &cookie, "").await;
    assert_eq!(scoring.status, StatusCode::OK);
    let rules = send(&app, "POST", "/settings/assignment", &cookie, &form(&[("_csrf", &token), ("rules", r#"{ "rules": [ { "name": "x", "pick": "round_robin", "users": ["0190b0b0-0000-7000-8000-000000000000"] } ] }"#)])).await;
    assert_eq!(
        rules.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        rules.body
    );
    assert!(rules.body.contains("no active user"), "{}", rules.body);
    assert!(
        app.services
            .assignment_rules()
            .await
            .expect("rules")
            .rules
            .is_empty()
    );
}

#[tokio::test]
async fn marketing_edits_scoring_but_not_the_playbook() {
    let app = TestApp::new().await;
    let cookie = person(&app, "mina@settings.example", "marketing", None).await;
    let scoring = send(&app, "GET", "/settings/scoring", &cookie, "").await;
    assert_eq!(scoring.status, StatusCode::OK, "{}", scoring.body);
    for page in [
        "/settings/playbook",
        "/settings/assignment",
        "/settings/users",
        "/settings/money",
    ] {
        let refused = send(&app, "GET", page, &cookie, "").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{page}");
    }
    let token = csrf(&scoring.body);
    let refused = send(
        &app,
        "POST",
        "/settings/playbook",
        &cookie,
        &form(&[("_csrf", &token), ("rules", PLAYBOOK)]),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(app.services.playbook().await.expect("playbook").version, 0);
    let (_, rules) = app.services.scoring().await.expect("scoring");
    let saved = send(
        &app,
        "POST",
        "/settings/scoring",
        &cookie,
        &form(&[("_csrf", &token), ("rules", &rules.to_json())]),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
}

#[tokio::test]
async fn the_import_wizard_uploads_previews_maps_runs_and_links_the_error_file() {
    let app = TestApp::new().await;
    let cookie = person(&app, "ion@settings.example", "admin", None).await;
    let page = send(&app, "GET", "/settings/import", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("No imports yet."));
    let token = csrf(&page.body);
    let csv = "Prenume,Adresă de email,Companie\nIoana,ioana@import.example,<script>alert(3)</script>\nNobody,,\nDan,dan@import.example,Carpati\n";

    let (kind, no_token) = multipart(&[("file", Some("crm.csv"), csv.as_bytes())]);
    let refused = send_raw(
        &app,
        "POST",
        "/settings/import",
        &cookie,
        Some(&kind),
        no_token,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        app.services
            .list_import_jobs(&Actor::SYSTEM)
            .await
            .expect("jobs")
            .is_empty()
    );

    let (kind, upload) = multipart(&[
        ("_csrf", None, token.as_bytes()),
        ("file", Some("crm.csv"), csv.as_bytes()),
        ("csv", None, b""),
    ]);
    let uploaded = send_raw(
        &app,
        "POST",
        "/settings/import",
        &cookie,
        Some(&kind),
        upload,
    )
    .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let preview = send(&app, "GET", &uploaded.location, &cookie, "").await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview
            .body
            .contains("<th scope=\"col\">Adresă de email</th>")
    );
    assert!(
        preview.body.contains("&#60;script&#62;alert(3)")
            && !preview.body.contains("<script>alert(3)")
    );
    assert!(
        preview.body.contains("<option value=\"email\" selected>"),
        "the suggestion picks email"
    );

    let start = format!("{}/start", uploaded.location);
    let bad = form(&[("_csrf", &token), ("mapping", "entity = \"nothing\"")]);
    let shown = send(&app, "POST", &start, &cookie, &bad).await;
    assert_eq!(
        shown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains("class=\"problems\"")
            && shown.body.contains("entity = &#34;nothing&#34;")
    );
    let jobs = app
        .services
        .list_import_jobs(&Actor::SYSTEM)
        .await
        .expect("jobs");
    assert_eq!(jobs[0].status, "uploaded");

    let choices = form(&[
        ("_csrf", &token),
        ("column_0", "first_name"),
        ("column_1", "email"),
        ("column_2", "company"),
    ]);
    let started = send(&app, "POST", &start, &cookie, &choices).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let queued = send(&app, "GET", &started.location, &cookie, "").await;
    assert!(queued.body.contains("The import has started") && queued.body.contains("data-refresh"));
    sarnakh_server::import_worker::run_all(&app.services, uuid::Uuid::now_v7()).await;
    let done = send(&app, "GET", &uploaded.location, &cookie, "").await;
    assert!(
        done.body.contains("<dd class=\"import-status\">Done</dd>"),
        "{}",
        done.body
    );
    assert!(
        done.body.contains("/errors\">The error file (CSV)</a>"),
        "{}",
        done.body
    );
    assert!(!done.body.contains("data-refresh"));
    let job = &app
        .services
        .list_import_jobs(&Actor::SYSTEM)
        .await
        .expect("jobs")[0];
    let tally = job.run.as_ref().expect("run").tally;
    assert_eq!((tally.created, tally.rejected), (2, 1));
}
