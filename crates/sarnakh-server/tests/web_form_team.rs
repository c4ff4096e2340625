//! A web form's team queue on its settings page in-process: picked from the teams, shown in
//! the list (escaped), kept or cleared on a change, and an unknown team refused next to its
//! field with nothing written.

mod common;
mod web;

use axum::http::StatusCode;
use common::TestApp;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::service::Actor;
use web::{csrf, form, send, signed_in_as};

/// A user of `role` in `team`, signed in; their session cookie.
async fn person(app: &TestApp, email: &str, role: &str, team: Option<&str>) -> String {
    let draft = UserDraft {
        email: Some(email.into()),
        display_name: Some(role.into()),
        role: Some(role.into()),
        team: team.map(Into::into),
        ..UserDraft::default()
    };
    signed_in_as(app, &draft).await
}

fn form_of<'a>(token: &'a str, team: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", token),
        ("version", "1"),
        ("name", "Ghid"),
        ("ask_first_name", "1"),
        ("ask_email", "1"),
        ("daily_cap", "50"),
        ("active", "1"),
        ("team_id", team),
    ]
}

#[tokio::test]
async fn marketing_puts_a_form_in_a_team_queue_and_the_list_shows_it() {
    let app = TestApp::new().await;
    person(
        &app,
        "east@forms.example",
        "sales_rep",
        Some("East <b>Iasi</b>"),
    )
    .await;
    person(&app, "west@forms.example", "sales_rep", Some("West")).await;
    let teams = app.services.teams().await.expect("teams");
    let east = teams
        .iter()
        .find(|t| t.name.starts_with("East"))
        .expect("east");
    let east_id = east.id.to_string();
    let cookie = person(&app, "mara@forms.example", "marketing", None).await;
    let page = send(&app, "GET", "/settings/forms", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<select name=\"team_id\""));
    assert!(page.body.contains(&format!(
        "<option value=\"{east_id}\">East &#60;b&#62;Iasi&#60;/b&#62;</option>"
    )));
    assert!(!page.body.contains("<b>Iasi"));
    let token = csrf(&page.body);

    let created = send(
        &app,
        "POST",
        "/settings/forms",
        &cookie,
        &form(&form_of(&token, &east_id)),
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let forms = app
        .services
        .list_forms(&Actor::SYSTEM)
        .await
        .expect("forms");
    assert_eq!(forms[0].settings.team_id, Some(east.id));
    let shown = send(&app, "GET", &created.location, &cookie, "").await;
    assert!(
        shown
            .body
            .contains("<td>East &#60;b&#62;Iasi&#60;/b&#62;</td>"),
        "{}",
        shown.body
    );
    assert!(
        shown
            .body
            .contains(&format!("<option value=\"{east_id}\" selected>"))
    );

    // Saving without a queue clears it.
    let path = format!("/settings/forms/{}", forms[0].id);
    let cleared = send(&app, "POST", &path, &cookie, &form(&form_of(&token, ""))).await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER, "{}", cleared.body);
    let forms = app
        .services
        .list_forms(&Actor::SYSTEM)
        .await
        .expect("forms");
    assert_eq!(forms[0].settings.team_id, None);
}

#[tokio::test]
async fn an_unknown_team_is_refused_next_to_its_field_and_nothing_is_written() {
    let app = TestApp::new().await;
    let cookie = person(&app, "max@forms.example", "sales_manager", Some("East")).await;
    let token = csrf(&send(&app, "GET", "/settings/forms", &cookie, "").await.body);
    let stranger = uuid::Uuid::now_v7().to_string();
    for team in [stranger.as_str(), "not-a-team"] {
        let shown = send(
            &app,
            "POST",
            "/settings/forms",
            &cookie,
            &form(&form_of(&token, team)),
        )
        .await;
        assert_eq!(
            shown.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            shown.body
        );
        assert!(
            shown
                .body
                .contains("<p class=\"field-error\">No such team.</p>"),
            "{}",
            shown.body
        );
        assert!(shown.body.contains("value=\"Ghid\""));
    }
    assert!(
        app.services
            .list_forms(&Actor::SYSTEM)
            .await
            .expect("forms")
            .is_empty()
    );
}
