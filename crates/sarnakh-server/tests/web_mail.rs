//! The profile's mail and calendar choices in the HTML interface: the daily digest
//! checkbox, a calendar feed address shown once (and working), replaced and turned off;
//! a form without the session's token changes nothing.

mod common;
mod web;

use axum::http::StatusCode;
use common::TestApp;
use web::{csrf, form, rep, send, sign_in, user_id};

fn feed_path(body: &str) -> String {
    let at = body.find("/calendar/cal_").expect("the address, once");
    body[at..].split('<').next().expect("address").to_owned()
}

#[tokio::test]
async fn the_profile_turns_the_digest_off_and_makes_and_revokes_a_calendar_feed() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "sara@mail.example", "fa").await;
    let cookie = sign_in(&app, &email, &password).await;
    let page = send(&app, "GET", "/profile", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("خلاصهٔ روزانهٔ پیگیری‌ها"), "{}", page.body);
    assert!(page.body.contains(r#"name="email_digest" checked"#));
    let token = csrf(&page.body);
    let id = user_id(&app, &email).await;
    let actor = sarnakh_core::service::Actor::on_behalf_of(id);

    let forged = send(
        &app,
        "POST",
        "/profile/email-digest",
        &cookie,
        &form(&[("_csrf", "x")]),
    )
    .await;
    assert!(forged.status.is_client_error(), "{}", forged.status);
    assert!(app.services.email_digest_on(&actor).await.expect("read"));
    let off = send(
        &app,
        "POST",
        "/profile/email-digest",
        &cookie,
        &form(&[("_csrf", &token)]),
    )
    .await;
    assert_eq!(off.location, "/profile?done=mail");
    assert!(!app.services.email_digest_on(&actor).await.expect("read"));
    let page = send(&app, "GET", "/profile?done=mail", &cookie, "").await;
    assert!(!page.body.contains(r#"name="email_digest" checked"#));
    assert!(page.body.contains("ذخیره شد."));
    let on = form(&[("_csrf", &token), ("email_digest", "on")]);
    send(&app, "POST", "/profile/email-digest", &cookie, &on).await;
    assert!(app.services.email_digest_on(&actor).await.expect("read"));

    let made = send(
        &app,
        "POST",
        "/profile/calendar",
        &cookie,
        &form(&[("_csrf", &token)]),
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert!(
        made.body.contains("http://sarnakh.test/calendar/cal_"),
        "{}",
        made.body
    );
    let path = feed_path(&made.body);
    let feed = app
        .raw("GET", &path, None, Vec::new(), &[("authorization", "")])
        .await;
    assert_eq!(feed.status, StatusCode::OK);
    let again = send(&app, "GET", "/profile", &cookie, "").await;
    assert!(!again.body.contains(&path), "the address is shown once");
    assert!(again.body.contains("/profile/calendar/revoke"));
    let off = send(
        &app,
        "POST",
        "/profile/calendar/revoke",
        &cookie,
        &form(&[("_csrf", &token)]),
    )
    .await;
    assert_eq!(off.location, "/profile?done=calendar-off");
    let gone = app
        .raw("GET", &path, None, Vec::new(), &[("authorization", "")])
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}
