//! The calendar feed through the router: a secret address made (shown once), rotated and
//! revoked through `/api/v1/me/calendar-token`, the `.ics` parsed back with the
//! `icalendar` crate and checked line by line (escaping, UTC times, stable UIDs), each
//! user's address showing only their own open follow-ups; and the daily digest choice on
//! `PATCH /api/v1/me`, where a refused request changes nothing.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use icalendar::Component;
use serde_json::json;

const TITLE: &str = "Call Arash, then; send\nthe offer";

async fn task(app: &TestApp, token: &str, title: &str, due: &str) -> String {
    let r = app
        .as_user(
            token,
            "POST",
            "/api/v1/tasks",
            Some(json!({ "title": title, "due_at": due })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_str().expect("id").to_owned()
}

/// The feed at `path`, fetched with no credentials.
async fn feed(app: &TestApp, path: &str) -> common::Reply {
    app.raw("GET", path, None, Vec::new(), &[("authorization", "")])
        .await
}

fn path_of(url: &str) -> String {
    let at = url.find("/calendar/").expect("a feed address");
    url[at..].to_owned()
}

#[tokio::test]
async fn a_calendar_feed_shows_its_owners_open_follow_ups_until_rotated_or_revoked() {
    let app = TestApp::new().await;
    let rep = app
        .token_for("rep@cal.test", "sales_rep", Some("North"), "write")
        .await;
    let other = app
        .token_for("other@cal.test", "sales_rep", Some("North"), "write")
        .await;
    let id = task(&app, &rep, TITLE, "2030-01-02T09:30:00Z").await;
    task(&app, &other, "Someone else's call", "2030-01-03T10:00:00Z").await;

    let made = app
        .as_user(&rep, "POST", "/api/v1/me/calendar-token", None)
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let url = made.body["url"].as_str().expect("url").to_owned();
    assert!(url.ends_with(".ics"), "{url}");
    let reply = feed(&app, &path_of(&url)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.headers["content-type"].to_str().expect("ascii"),
        "text/calendar; charset=utf-8"
    );
    let text = reply.body.as_str().expect("text").to_owned();

    // Line by line: CRLF endings, folded at 75 octets, the title escaped, times in UTC.
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "unfolded line: {line:?}");
        assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
    }
    let unfolded = text.replace("\r\n ", "");
    assert!(
        unfolded.contains("SUMMARY:Call Arash\\, then\\; send\\nthe offer\r\n"),
        "{unfolded}"
    );
    assert!(
        unfolded.contains("DTSTART:20300102T093000Z\r\n"),
        "{unfolded}"
    );
    assert!(
        unfolded.contains(&format!("UID:task-{id}@sarnakh\r\n")),
        "{unfolded}"
    );
    assert!(!unfolded.contains("Someone else"), "{unfolded}");

    // Parsed back by the crate: one event with the original title.
    let calendar: icalendar::Calendar = text.parse().expect("a valid calendar");
    let events: Vec<_> = calendar.events().collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].get_summary(), Some(TITLE));
    assert_eq!(
        events[0].get_uid(),
        Some(format!("task-{id}@sarnakh").as_str())
    );
    assert!(events[0].get_start().is_some() && events[0].get_end().is_some());
    assert!(
        events[0]
            .get_url()
            .is_some_and(|u| u.ends_with("/follow-ups"))
    );

    // Another user's address shows only theirs.
    let theirs = app
        .as_user(&other, "POST", "/api/v1/me/calendar-token", None)
        .await;
    let their_text = feed(&app, &path_of(theirs.body["url"].as_str().expect("url")))
        .await
        .body
        .as_str()
        .expect("text")
        .to_owned();
    let their: icalendar::Calendar = their_text.parse().expect("calendar");
    let titles: Vec<_> = their.events().filter_map(|e| e.get_summary()).collect();
    assert_eq!(titles, ["Someone else's call"]);

    // Rotating: the old address is gone, the new one works.
    let rotated = app
        .as_user(&rep, "POST", "/api/v1/me/calendar-token", None)
        .await;
    let new_url = rotated.body["url"].as_str().expect("url").to_owned();
    assert_ne!(new_url, url);
    assert_eq!(
        feed(&app, &path_of(&url)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(feed(&app, &path_of(&new_url)).await.status, StatusCode::OK);

    // Revoking: 404 from then on; a second revoke has nothing to revoke.
    let revoked = app
        .as_user(&rep, "DELETE", "/api/v1/me/calendar-token", None)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        feed(&app, &path_of(&new_url)).await.status,
        StatusCode::NOT_FOUND
    );
    let again = app
        .as_user(&rep, "DELETE", "/api/v1/me/calendar-token", None)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    for wrong in [
        "/calendar/cal_nothing.ics",
        "/calendar/whatever",
        "/calendar/.ics",
    ] {
        let r = feed(&app, wrong).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{wrong}");
        assert_eq!(r.code(), "not_found");
    }
}

#[tokio::test]
async fn the_daily_digest_is_turned_off_on_patch_me_and_a_refused_patch_changes_nothing() {
    let app = TestApp::new().await;
    let rep = app
        .token_for("rep@digest.test", "sales_rep", None, "write")
        .await;
    let me = app.as_user(&rep, "GET", "/api/v1/me", None).await;
    assert_eq!(me.body["email_digest"], json!(true));
    let off = app
        .as_user(
            &rep,
            "PATCH",
            "/api/v1/me",
            Some(json!({ "email_digest": false })),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert_eq!(off.body["email_digest"], json!(false));
    assert_eq!(off.body["locale"], json!("en"));
    let refused = app
        .as_user(
            &rep,
            "PATCH",
            "/api/v1/me",
            Some(json!({ "email_digest": true, "locale": "xx" })),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields(), ["locale"]);
    let wrong_type = app
        .as_user(
            &rep,
            "PATCH",
            "/api/v1/me",
            Some(json!({ "email_digest": "yes" })),
        )
        .await;
    assert!(wrong_type.status.is_client_error(), "{}", wrong_type.status);
    let me = app.as_user(&rep, "GET", "/api/v1/me", None).await;
    assert_eq!(me.body["email_digest"], json!(false), "nothing was written");
    let reader = app
        .token_for("reader@digest.test", "sales_rep", None, "read")
        .await;
    let forbidden = app
        .as_user(
            &reader,
            "PATCH",
            "/api/v1/me",
            Some(json!({ "email_digest": false })),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
}
