//! The leads and prospects lists in-process: filters, sort, the CSV export of the same list
//! (only what the user may see), and bulk assignment with the assignment rule applied to
//! each lead.

mod common;
mod web;

use axum::http::StatusCode;
use common::TestApp;
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::domain::{LeadId, UserId};
use sarnakh_core::service::Actor;
use web::{csrf, form, prospect, rep, send, sign_in, user_id};

async fn lead(app: &TestApp, first: &str, source: &str, owner: Option<UserId>) -> LeadId {
    let draft = LeadDraft {
        first_name: Some(first.into()),
        email: Some(format!("{}@list.example", first.to_lowercase())),
        source: Some(source.into()),
        owner_id: owner,
        ..LeadDraft::default()
    };
    app.services
        .capture_lead(&Actor::SYSTEM, &draft)
        .await
        .expect("capture")
        .id
}

fn href_of(body: &str, start: &str) -> String {
    let at = body.find(&format!("href=\"{start}")).expect("the link") + 6;
    body[at..]
        .split('"')
        .next()
        .expect("a quoted link")
        .replace("&#38;", "&")
}

#[tokio::test]
async fn lead_lists_filter_sort_and_export_only_what_the_user_may_see() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "lina@web.example", "en").await;
    let me = user_id(&app, &email).await;
    lead(&app, "Evelina", "event", Some(me)).await;
    lead(&app, "Rafael", "referral", Some(me)).await;
    prospect(&app, me, "Petra", "petra@list.example").await;
    let (other_email, other_password) = rep(&app, "oleg@web.example", "en").await;
    let other_id = user_id(&app, &other_email).await;
    lead(&app, "Hidden", "event", Some(other_id)).await;
    let cookie = sign_in(&app, &email, &password).await;

    let events = send(&app, "GET", "/leads?source=event&sort=name", &cookie, "").await;
    assert_eq!(events.status, StatusCode::OK, "{}", events.body);
    assert!(events.body.contains("Evelina") && !events.body.contains("Rafael"));
    assert!(!events.body.contains("Hidden"), "another rep's lead");
    assert!(
        events
            .body
            .contains("<option value=\"event\" selected>Event</option>")
    );
    assert!(
        events
            .body
            .contains("<option value=\"name\" selected>Name</option>")
    );
    let sorted = send(&app, "GET", "/leads?sort=name", &cookie, "").await;
    let (e, p) = (
        sorted.body.find("Evelina").expect("E"),
        sorted.body.find("Petra").expect("P"),
    );
    assert!(e < p, "by name");
    let script = send(&app, "GET", "/leads?q=%3Cscript%3Ex", &cookie, "").await;
    assert!(
        script.body.contains("value=\"&#60;script&#62;x\"") && !script.body.contains("<script>x")
    );

    let export = href_of(&events.body, "/api/v1/leads/export.csv");
    assert!(export.contains("source=event"), "{export}");
    let csv = send(&app, "GET", &export, &cookie, "").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.body.contains("evelina@list.example"));
    assert!(!csv.body.contains("rafael@list.example") && !csv.body.contains("hidden@list.example"));

    let prospects = send(&app, "GET", "/prospects", &cookie, "").await;
    let export = href_of(&prospects.body, "/api/v1/leads/export.csv");
    assert!(export.contains("stage=prospect"), "{export}");
    let csv = send(&app, "GET", &export, &cookie, "").await;
    assert!(csv.body.contains("petra@list.example") && !csv.body.contains("evelina@list.example"));

    let theirs = sign_in(&app, &other_email, &other_password).await;
    let csv = send(&app, "GET", "/api/v1/leads/export.csv", &theirs, "").await;
    assert!(csv.body.contains("hidden@list.example") && !csv.body.contains("evelina@list.example"));
}

async fn owner_of(app: &TestApp, id: LeadId) -> Option<UserId> {
    app.services
        .get_lead(&Actor::SYSTEM, id)
        .await
        .expect("lead")
        .fields
        .owner_id
}

#[tokio::test]
async fn bulk_assign_gives_the_chosen_leads_and_counts_the_refused_ones() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "bea@web.example", "en").await;
    let me = user_id(&app, &email).await;
    let (other_email, _) = rep(&app, "bo@web.example", "en").await;
    let other = user_id(&app, &other_email).await;
    let mine = lead(&app, "Mine", "event", Some(me)).await;
    let theirs = lead(&app, "Theirs", "event", Some(other)).await;
    let free = lead(&app, "Free", "event", None).await;
    let cookie = sign_in(&app, &email, &password).await;
    let page = send(&app, "GET", "/leads?source=event", &cookie, "").await;
    assert!(
        page.body
            .contains(&format!("name=\"lead\" value=\"{mine}\""))
    );
    let token = csrf(&page.body);
    let back = "/leads?source=event&sort=-created_at";
    let ids = [mine, theirs, free].map(|id| id.to_string());
    let other_s = other.to_string();
    let give = form(&[
        ("_csrf", &token),
        ("back", back),
        ("owner", &other_s),
        ("lead", &ids[0]),
        ("lead", &ids[1]),
        ("lead", &ids[2]),
    ]);
    let forged = give.replace(&token, "forged");
    let refused = send(&app, "POST", "/leads/assign", &cookie, &forged).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let done = send(&app, "POST", "/leads/assign", &cookie, &give).await;
    assert_eq!(
        done.location,
        format!("{back}&assigned=0&failed=3"),
        "{}",
        done.body
    );
    assert_eq!(
        (
            owner_of(&app, mine).await,
            owner_of(&app, theirs).await,
            owner_of(&app, free).await
        ),
        (Some(me), Some(other), None),
        "a rep gives nothing away and takes nothing of others"
    );
    let me_s = me.to_string();
    let claim = form(&[
        ("_csrf", &token),
        ("back", "//evil.example"),
        ("owner", &me_s),
        ("lead", &ids[2]),
    ]);
    let done = send(&app, "POST", "/leads/assign", &cookie, &claim).await;
    assert_eq!(done.location, "/leads?assigned=1&failed=0");
    assert_eq!(
        owner_of(&app, free).await,
        Some(me),
        "a rep claims an unassigned lead"
    );
    let shown = send(&app, "GET", &done.location, &cookie, "").await;
    assert!(shown.body.contains("One lead assigned."), "{}", shown.body);

    let admin = UserDraft {
        email: Some("ada@web.example".into()),
        display_name: Some("Ada".into()),
        role: Some("admin".into()),
        ..UserDraft::default()
    };
    let (_, admin_password) = app
        .services
        .add_user(&Actor::SYSTEM, &admin, None)
        .await
        .expect("admin");
    let cookie = sign_in(&app, "ada@web.example", &admin_password).await;
    let token = csrf(&send(&app, "GET", "/prospects", &cookie, "").await.body);
    let give = form(&[
        ("_csrf", &token),
        ("back", "/prospects"),
        ("owner", &other_s),
        ("lead", &ids[0]),
        ("lead", &ids[2]),
        ("lead", "not-an-id"),
    ]);
    let done = send(&app, "POST", "/leads/assign", &cookie, &give).await;
    assert_eq!(done.location, "/prospects?assigned=2&failed=1");
    assert_eq!(owner_of(&app, mine).await, Some(other));
    let shown = send(&app, "GET", &done.location, &cookie, "").await;
    assert!(
        shown
            .body
            .contains("\u{2068}2\u{2069} leads assigned. One could not be assigned."),
        "{}",
        shown.body
    );
    let none = form(&[("_csrf", &token), ("owner", &other_s)]);
    let refused = send(&app, "POST", "/leads/assign", &cookie, &none).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn saved_views_are_the_users_own_filters_shown_above_the_list() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "vera@web.example", "en").await;
    let me = user_id(&app, &email).await;
    lead(&app, "Evita", "event", Some(me)).await;
    let cookie = sign_in(&app, &email, &password).await;
    let page = send(&app, "GET", "/leads?source=event&sort=name", &cookie, "").await;
    assert!(
        page.body
            .contains("name=\"query\" value=\"source=event&#38;sort=name\""),
        "{}",
        page.body
    );
    let token = csrf(&page.body);
    let save = |token: &str, name: &str| {
        form(&[
            ("_csrf", token),
            ("list", "leads"),
            ("name", name),
            ("query", "source=event&sort=name"),
        ])
    };
    let refused = send(&app, "POST", "/views", &cookie, &save("forged", "Events")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = send(&app, "POST", "/views", &cookie, &save(&token, " ")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = send(&app, "POST", "/views", &cookie, &save(&token, "Events <b>")).await;
    assert_eq!(
        saved.location, "/leads?source=event&sort=name",
        "{}",
        saved.body
    );
    let list = send(&app, "GET", "/leads", &cookie, "").await;
    assert!(
        list.body
            .contains("<a href=\"/leads?source=event&#38;sort=name\">Events &#60;b&#62;</a>"),
        "{}",
        list.body
    );
    let prospects = send(&app, "GET", "/prospects", &cookie, "").await;
    assert!(
        !prospects.body.contains("Events &#60;b&#62;"),
        "a view belongs to its list"
    );

    let (other_email, other_password) = rep(&app, "vlad2@web.example", "en").await;
    let other = sign_in(&app, &other_email, &other_password).await;
    let theirs = send(&app, "GET", "/leads", &other, "").await;
    assert!(
        !theirs.body.contains("Events &#60;b&#62;"),
        "views are their user's own"
    );
    let at = list.body.find("action=\"/views/").expect("a delete form") + 8;
    let delete = list.body[at..].split('"').next().expect("path").to_owned();
    let other_token = csrf(&theirs.body);
    let refused = send(
        &app,
        "POST",
        &delete,
        &other,
        &form(&[("_csrf", &other_token), ("list", "leads")]),
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let deleted = send(
        &app,
        "POST",
        &delete,
        &cookie,
        &form(&[("_csrf", &token), ("list", "leads")]),
    )
    .await;
    assert_eq!(deleted.location, "/leads");
    let list = send(&app, "GET", "/leads", &cookie, "").await;
    assert!(!list.body.contains("Events &#60;b&#62;"));
}

#[tokio::test]
async fn the_board_filters_by_product_and_totals_every_deal_it_keeps() {
    use sarnakh_core::domain::OpportunityId;
    use sarnakh_core::service::OpportunityPatch;
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "bora@board.example", "en").await;
    let me = user_id(&app, &email).await;
    for (i, product) in ["Seats", "Seats", "Support"].iter().enumerate() {
        let id: OpportunityId =
            web::deal_of(&app, me, &format!("B{i}"), &format!("b{i}@board.example"))
                .await
                .parse()
                .expect("id");
        let patch = OpportunityPatch {
            product: Some(Some((*product).into())),
            ..OpportunityPatch::default()
        };
        app.services
            .update_opportunity(&Actor::SYSTEM, id, patch, None)
            .await
            .expect("product");
    }
    let cookie = sign_in(&app, &email, &password).await;
    let all = send(&app, "GET", "/pipeline", &cookie, "").await;
    assert_eq!(all.status, StatusCode::OK);
    let text = all.body.replace(['\u{2068}', '\u{2069}'], "");
    assert!(
        text.contains("36,001.50 EUR"),
        "three deals of 12,000.50: {text}"
    );
    let seats = send(&app, "GET", "/pipeline?product=Seats", &cookie, "").await;
    let text = seats.body.replace(['\u{2068}', '\u{2069}'], "");
    assert!(text.contains("24,001.00 EUR"), "two deals of Seats: {text}");
    assert!(!text.contains("36,001.50"), "{text}");
    assert!(
        text.contains("name=\"product\" value=\"Seats\""),
        "the filter is kept"
    );
    assert_eq!(text.matches("class=\"card deal\"").count(), 2, "{text}");
}

#[tokio::test]
async fn the_board_filters_by_team() {
    let app = TestApp::new().await;
    let add = |email: &str, role: &str, team: Option<&str>| UserDraft {
        email: Some(email.into()),
        display_name: Some(email.into()),
        role: Some(role.into()),
        team: team.map(Into::into),
        locale: Some("en".into()),
        ..UserDraft::default()
    };
    let s = &app.services;
    let (_, password) = s
        .add_user(
            &Actor::SYSTEM,
            &add("boss@teams.example", "admin", None),
            None,
        )
        .await
        .expect("admin");
    let mut north = None;
    for (email, team) in [("n@teams.example", "North"), ("s@teams.example", "South")] {
        let (u, _) = s
            .add_user(&Actor::SYSTEM, &add(email, "sales_rep", Some(team)), None)
            .await
            .expect("rep");
        web::deal_of(&app, u.id, team, &format!("deal-{email}")).await;
        if team == "North" {
            north = u.team_id;
        }
    }
    let north = north.expect("a team").to_string();
    let cookie = sign_in(&app, "boss@teams.example", &password).await;
    let all = send(&app, "GET", "/pipeline", &cookie, "").await;
    let text = all.body.replace(['\u{2068}', '\u{2069}'], "");
    assert!(text.contains("24,001.00 EUR"), "both teams: {text}");
    assert!(text.contains(">North</option>") && text.contains(">South</option>"));
    let page = send(&app, "GET", &format!("/pipeline?team={north}"), &cookie, "").await;
    let text = page.body.replace(['\u{2068}', '\u{2069}'], "");
    assert!(
        text.contains("12,000.50 EUR") && !text.contains("24,001.00"),
        "{text}"
    );
    assert_eq!(text.matches("class=\"card deal\"").count(), 1, "{text}");
    assert!(
        text.contains(&format!("value=\"{north}\" selected")),
        "the filter is kept"
    );
}
