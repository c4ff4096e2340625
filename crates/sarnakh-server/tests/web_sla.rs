//! The speed-to-lead settings page in-process: managers and admins change it, marketing reads
//! it, a rep is refused; the form needs the session's token; refused values come back next to
//! their fields with nothing written; the Persian page names the days in Persian.

mod common;
mod web;

use axum::http::StatusCode;
use common::TestApp;
use sarnakh_core::domain::sla::SlaSettings;
use web::{csrf, form, person, send};

async fn stored(app: &TestApp) -> SlaSettings {
    app.services.sla_settings().await.expect("sla")
}

#[tokio::test]
async fn each_role_gets_its_view_of_the_speed_to_lead_page() {
    let app = TestApp::new().await;
    let rep = person(&app, "rep@sla.example", "sales_rep", "en").await;
    let refused = send(&app, "GET", "/settings/sla", &rep, "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let marketing = person(&app, "mia@sla.example", "marketing", "en").await;
    let read = send(&app, "GET", "/settings/sla", &marketing, "").await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert!(read.body.contains("Speed to lead") && read.body.contains("Monday"));
    assert!(!read.body.contains("name=\"first_contact_minutes\""));
    assert!(!read.body.contains("<script>alert(1)"));
    let token = csrf(&read.body);
    let body = form(&[("_csrf", &token), ("first_contact_minutes", "30")]);
    let posted = send(&app, "POST", "/settings/sla", &marketing, &body).await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&app).await, SlaSettings::default());

    for (email, role) in [
        ("max@sla.example", "sales_manager"),
        ("ada@sla.example", "admin"),
    ] {
        let cookie = person(&app, email, role, "en").await;
        let page = send(&app, "GET", "/settings/sla", &cookie, "").await;
        assert_eq!(page.status, StatusCode::OK, "{role}");
        assert!(
            page.body
                .contains("href=\"/settings/sla\" aria-current=\"page\"")
        );
        assert!(
            page.body
                .contains("name=\"first_contact_minutes\" value=\"15\"")
        );
        assert!(page.body.contains("name=\"days\" value=\"mon\" checked"));
        assert!(!page.body.contains("name=\"days\" value=\"sat\" checked"));
    }
}

#[tokio::test]
async fn a_manager_sets_a_tehran_week_and_the_page_shows_it() {
    let app = TestApp::new().await;
    let cookie = person(&app, "max@sla.example", "sales_manager", "en").await;
    let page = send(&app, "GET", "/settings/sla", &cookie, "").await;
    let token = csrf(&page.body);
    let no_token = form(&[("first_contact_minutes", "45")]);
    let refused = send(&app, "POST", "/settings/sla", &cookie, &no_token).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&app).await, SlaSettings::default());

    let good = form(&[
        ("_csrf", &token),
        ("first_contact_minutes", "45"),
        ("days", "sat"),
        ("days", "sun"),
        ("days", "mon"),
        ("start", "08:00"),
        ("end", "16:30"),
        ("time_zone", "Asia/Tehran"),
    ]);
    let saved = send(&app, "POST", "/settings/sla", &cookie, &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location, "/settings/sla?done=sla");
    let sla = stored(&app).await;
    assert_eq!(sla.first_contact_minutes, 45);
    let hours = sla.working_hours.expect("working hours");
    assert_eq!(hours.days, ["sat", "sun", "mon"]);
    assert_eq!(
        (hours.start.as_str(), hours.end.as_str()),
        ("08:00", "16:30")
    );
    assert_eq!(hours.time_zone, "Asia/Tehran");

    let shown = send(&app, "GET", &saved.location, &cookie, "").await;
    assert!(
        shown
            .body
            .contains("role=\"status\">The speed-to-lead target is saved")
    );
    assert!(shown.body.contains("value=\"Asia/Tehran\""));
    assert!(shown.body.contains("name=\"days\" value=\"sat\" checked"));

    let always = form(&[
        ("_csrf", &token),
        ("first_contact_minutes", "60"),
        ("always", "1"),
    ]);
    let saved = send(&app, "POST", "/settings/sla", &cookie, &always).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(stored(&app).await.working_hours, None);
}

#[tokio::test]
async fn refused_values_are_shown_next_to_their_fields_and_nothing_is_written() {
    let app = TestApp::new().await;
    let cookie = person(&app, "ada@sla.example", "admin", "en").await;
    let token = csrf(&send(&app, "GET", "/settings/sla", &cookie, "").await.body);
    let bad = form(&[
        ("_csrf", &token),
        ("first_contact_minutes", "0"),
        ("days", "funday"),
        ("start", "18:00"),
        ("end", "9 <b>am</b>"),
        ("time_zone", "Mars/<i>Olympus</i>"),
    ]);
    let shown = send(&app, "POST", "/settings/sla", &cookie, &bad).await;
    assert_eq!(
        shown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        shown.body
    );
    let body = &shown.body;
    assert!(body.contains("id=\"sla-minutes-error\">Out of range."));
    assert!(body.contains("Not one of the allowed values."));
    assert!(body.contains("id=\"sla-end-error\">Not a time such as 09:00."));
    assert!(body.contains("id=\"sla-zone-error\">Not one of the allowed values."));
    assert!(body.contains("value=\"Mars/&#60;i&#62;Olympus&#60;/i&#62;\""));
    assert!(!body.contains("<i>Olympus"));
    assert_eq!(stored(&app).await, SlaSettings::default());

    let not_a_number = form(&[("_csrf", &token), ("first_contact_minutes", "soon")]);
    let shown = send(&app, "POST", "/settings/sla", &cookie, &not_a_number).await;
    assert_eq!(shown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(shown.body.contains("value=\"soon\""));
    assert!(
        shown
            .body
            .contains("id=\"sla-minutes-error\">Not a valid value.")
    );
    let no_day = form(&[
        ("_csrf", &token),
        ("first_contact_minutes", "20"),
        ("start", "09:00"),
        ("end", "17:00"),
        ("time_zone", "UTC"),
    ]);
    let shown = send(&app, "POST", "/settings/sla", &cookie, &no_day).await;
    assert_eq!(shown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(shown.body.contains("Required."));
    assert_eq!(stored(&app).await, SlaSettings::default());
}

#[tokio::test]
async fn the_persian_page_is_right_to_left_with_persian_day_names() {
    let app = TestApp::new().await;
    let cookie = person(&app, "dara@sla.example", "sales_manager", "fa").await;
    let page = send(&app, "GET", "/settings/sla", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("dir=\"rtl\""));
    assert!(page.body.contains("سرعت پاسخ به سرنخ") && page.body.contains("دوشنبه"));
    let ro = person(&app, "ioana@sla.example", "admin", "ro").await;
    let page = send(&app, "GET", "/settings/sla", &ro, "").await;
    assert!(page.body.contains("Viteza de răspuns la lead") && page.body.contains("Luni"));
}
