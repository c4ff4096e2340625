//! The HTML record pages and lists added for issue 7 in-process: the prospects view, the
//! contacts list and a contact's page, an opportunity's page with its actions. Each shows
//! only what the user may see, escapes stored text, and refuses forms without the token.

mod common;
mod web;

use axum::http::StatusCode;
use common::TestApp;
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::{OpportunityId, RecordRef};
use sarnakh_core::service::Actor;
use web::{csrf, deal_of, form, prospect, rep, send, sign_in, user_id};

const XSS: &str = "<script>alert(1)</script>";
const XSS_SHOWN: &str = "&#60;script&#62;alert(1)&#60;/script&#62;";

#[tokio::test]
async fn the_prospects_view_lists_only_qualified_leads_the_user_may_see() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "pia@web.example", "en").await;
    let me = user_id(&app, &email).await;
    prospect(&app, me, XSS, "pia-prospect@web.example").await;
    let plain = LeadDraft {
        first_name: Some("Only a lead".into()),
        email: Some("only-lead@web.example".into()),
        owner_id: Some(me),
        ..LeadDraft::default()
    };
    app.services
        .capture_lead(&Actor::SYSTEM, &plain)
        .await
        .expect("capture");
    let (other_email, other_password) = rep(&app, "olaf@web.example", "en").await;
    let cookie = sign_in(&app, &email, &password).await;
    let page = send(&app, "GET", "/prospects", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<h1>Prospects</h1>"));
    assert!(
        page.body
            .contains("href=\"/prospects\" aria-current=\"page\""),
        "the navigation marks the view"
    );
    assert!(page.body.contains(XSS_SHOWN), "{}", page.body);
    assert!(!page.body.contains(XSS), "stored text is escaped");
    assert!(!page.body.contains("Only a lead"), "a lead is no prospect");
    let leads = send(&app, "GET", "/leads", &cookie, "").await;
    assert!(leads.body.contains("Only a lead") && leads.body.contains(XSS_SHOWN));
    let other = sign_in(&app, &other_email, &other_password).await;
    let theirs = send(&app, "GET", "/prospects", &other, "").await;
    assert!(
        !theirs.body.contains(XSS_SHOWN),
        "another rep's prospect is not listed"
    );
}

#[tokio::test]
async fn contacts_are_listed_and_shown_only_to_who_may_see_them() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "cora@web.example", "fa").await;
    let me = user_id(&app, &email).await;
    deal_of(&app, me, XSS, "cora-contact@web.example").await;
    let (other_email, other_password) = rep(&app, "otto@web.example", "en").await;
    let cookie = sign_in(&app, &email, &password).await;
    let list = send(&app, "GET", "/contacts?q=cora-contact", &cookie, "").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("lang=\"fa\" dir=\"rtl\""));
    assert!(list.body.contains(XSS_SHOWN) && !list.body.contains(XSS));
    assert!(list.body.contains("Carpati &#60;Soft&#62;"), "its account");
    let at = list.body.find("href=\"/contacts/").expect("a contact link") + 6;
    let href = list.body[at..at + 46].to_owned();
    let none = send(&app, "GET", "/contacts?q=nobody-here", &cookie, "").await;
    assert!(!none.body.contains("href=\"/contacts/0"));
    let page = send(&app, "GET", &href, &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("cora-contact@web.example"));
    assert!(page.body.contains(XSS_SHOWN) && !page.body.contains(XSS));
    assert!(
        page.body.contains("CRM &#60;rollout&#62;"),
        "the contact's deal: {}",
        page.body
    );
    assert!(page.body.contains("href=\"/accounts/") && page.body.contains("href=\"/leads/"));
    assert!(page.body.contains("href=\"/opportunities/"));

    let other = sign_in(&app, &other_email, &other_password).await;
    let theirs = send(&app, "GET", "/contacts", &other, "").await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains("cora-contact@web.example"));
    let hidden = send(&app, "GET", &href, &other, "").await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let bad = send(&app, "GET", "/contacts/not-an-id", &cookie, "").await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
}

async fn timeline_len(app: &TestApp, id: OpportunityId) -> usize {
    app.services
        .timeline(&Actor::SYSTEM, RecordRef::Opportunity(id))
        .await
        .expect("timeline")
        .len()
}

#[tokio::test]
async fn an_opportunity_page_shows_the_deal_and_moves_logs_and_closes_it() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "opal@web.example", "en").await;
    let me = user_id(&app, &email).await;
    let id = deal_of(&app, me, XSS, "opal-deal@web.example").await;
    let oid: OpportunityId = id.parse().expect("id");
    let cookie = sign_in(&app, &email, &password).await;
    let uri = format!("/opportunities/{id}");
    let page = send(&app, "GET", &uri, &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<h1>CRM &#60;rollout&#62;</h1>"));
    assert!(page.body.contains("12,000.50 EUR"), "{}", page.body);
    assert!(
        page.body.contains("Qualify · 10 %"),
        "stage and probability"
    );
    assert!(
        page.body
            .contains("<strong>10 %</strong> <span class=\"meta\">the stage"),
        "no model yet: the stage probability"
    );
    assert!(page.body.contains(XSS_SHOWN) && !page.body.contains(XSS));
    assert!(page.body.contains("Carpati &#60;Soft&#62;"));
    for link in ["/accounts/", "/contacts/", "/leads/"] {
        assert!(page.body.contains(&format!("href=\"{link}")), "{link}");
    }
    let list = send(&app, "GET", "/opportunities", &cookie, "").await;
    assert!(list.body.contains(&format!("href=\"{uri}\"")));
    let board = send(&app, "GET", "/pipeline", &cookie, "").await;
    assert!(board.body.contains(&format!("href=\"{uri}\"")));

    let token = csrf(&page.body);
    let before = timeline_len(&app, oid).await;
    let move_uri = format!("/pipeline/{id}/stage");
    let forged = form(&[
        ("_csrf", "forged"),
        ("stage", "demo"),
        ("version", "2"),
        ("from", "record"),
    ]);
    let refused = send(&app, "POST", &move_uri, &cookie, &forged).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let call_uri = format!("{uri}/call");
    let refused = send(&app, "POST", &call_uri, &cookie, "_csrf=forged&outcome=won").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(timeline_len(&app, oid).await, before, "nothing written");

    let version = app
        .services
        .get_opportunity(&Actor::SYSTEM, oid)
        .await
        .expect("deal")
        .opportunity
        .version
        .to_string();
    let good = form(&[
        ("_csrf", &token),
        ("stage", "demo"),
        ("version", &version),
        ("from", "record"),
    ]);
    let moved = send(&app, "POST", &move_uri, &cookie, &good).await;
    assert_eq!(
        moved.location,
        format!("{uri}?done=moved"),
        "{}",
        moved.body
    );
    let call = form(&[
        ("_csrf", &token),
        ("outcome", "connected"),
        ("summary", "Asked for <b>terms</b>"),
    ]);
    let called = send(&app, "POST", &call_uri, &cookie, &call).await;
    assert_eq!(called.location, format!("{uri}?done=call"));
    let follow = form(&[("_csrf", &token), ("preset", "week")]);
    let followed = send(&app, "POST", &format!("{uri}/follow-up"), &cookie, &follow).await;
    assert_eq!(followed.location, format!("{uri}?done=follow-up"));
    let page = send(&app, "GET", &format!("{uri}?done=call"), &cookie, "").await;
    assert!(page.body.contains("The call is logged."));
    assert!(page.body.contains("Demo · 40 %"));
    assert!(
        page.body
            .contains("Call: Asked for &#60;b&#62;terms&#60;/b&#62;")
    );

    let (other_email, other_password) = rep(&app, "odin@web.example", "en").await;
    let other = sign_in(&app, &other_email, &other_password).await;
    let hidden = send(&app, "GET", &uri, &other, "").await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let theirs = send(&app, "GET", "/contacts", &other, "").await;
    let other_token = csrf(&theirs.body);
    let before = timeline_len(&app, oid).await;
    let sneak = form(&[("_csrf", &other_token), ("outcome", "connected")]);
    let refused = send(&app, "POST", &call_uri, &other, &sneak).await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    let version = (version.parse::<i64>().expect("a number") + 1).to_string();
    let steal = form(&[
        ("_csrf", &other_token),
        ("outcome", "won"),
        ("version", &version),
        ("from", "record"),
    ]);
    let close_uri = format!("/pipeline/{id}/close");
    let refused = send(&app, "POST", &close_uri, &other, &steal).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(timeline_len(&app, oid).await, before, "nothing written");

    let lost = form(&[
        ("_csrf", &token),
        ("outcome", "lost"),
        ("reason", "price"),
        ("note", "Chose the cheaper <offer>"),
        ("version", &version),
        ("from", "record"),
    ]);
    let closed = send(&app, "POST", &close_uri, &cookie, &lost).await;
    assert_eq!(
        closed.location,
        format!("{uri}?done=lost"),
        "{}",
        closed.body
    );
    let page = send(&app, "GET", &closed.location, &cookie, "").await;
    assert!(page.body.contains("The deal is lost."));
    assert!(page.body.contains("Chose the cheaper &#60;offer&#62;"));
    assert!(
        !page.body.contains("action=\"/pipeline/"),
        "a closed deal offers no moves"
    );
}

#[tokio::test]
async fn records_are_edited_in_place_with_field_errors_and_nothing_written_on_error() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "edda@web.example", "en").await;
    let me = user_id(&app, &email).await;
    let lead = prospect(&app, me, "Edda", "edda-lead@web.example").await;
    let deal: OpportunityId = deal_of(&app, me, "Erik", "erik@web.example")
        .await
        .parse()
        .expect("id");
    let s = &app.services;
    let contact = s
        .get_opportunity(&Actor::SYSTEM, deal)
        .await
        .expect("deal")
        .opportunity
        .contact_id
        .expect("a contact");
    let cookie = sign_in(&app, &email, &password).await;
    let page = send(&app, "GET", &format!("/leads/{lead}"), &cookie, "").await;
    let token = csrf(&page.body);
    let edit = format!("/leads/{lead}/edit");
    assert!(page.body.contains(&format!("action=\"{edit}\"")));

    let bad = form(&[
        ("_csrf", &token),
        ("version", "2"),
        ("first_name", ""),
        ("email", "not <an> email"),
        ("company", "Changed Co"),
    ]);
    let refused = send(&app, "POST", &edit, &cookie, &bad).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("id=\"error-email\">Not an email address.</p>")
    );
    assert!(
        refused
            .body
            .contains("id=\"error-first_name\">Required.</p>")
    );
    assert!(
        refused.body.contains("value=\"not &#60;an&#62; email\""),
        "the sent value comes back, escaped"
    );
    let forged = bad.replace(&token, "forged");
    let refused = send(&app, "POST", &edit, &cookie, &forged).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let stale = form(&[("_csrf", &token), ("version", "1"), ("company", "Late Co")]);
    let refused = send(&app, "POST", &edit, &cookie, &stale).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let now = s.get_lead(&Actor::SYSTEM, lead).await.expect("lead");
    assert_eq!(
        now.fields.company.as_deref(),
        Some("Carpati <Soft>"),
        "nothing written"
    );
    assert_eq!(now.version, 2);

    let good = form(&[
        ("_csrf", &token),
        ("version", "2"),
        ("first_name", "Edda"),
        ("company", XSS),
        ("company_size", "55"),
    ]);
    let saved = send(&app, "POST", &edit, &cookie, &good).await;
    assert_eq!(
        saved.location,
        format!("/leads/{lead}?done=saved"),
        "{}",
        saved.body
    );
    let page = send(&app, "GET", &saved.location, &cookie, "").await;
    assert!(page.body.contains("The changes are saved."));
    assert!(page.body.contains(XSS_SHOWN) && !page.body.contains(XSS));
    let now = s.get_lead(&Actor::SYSTEM, lead).await.expect("lead");
    assert_eq!(now.fields.company_size, Some(55));
    assert_eq!(
        now.fields.person.email.as_ref().map(|e| e.as_str()),
        Some("edda-lead@web.example"),
        "a field not sent is kept"
    );

    let edit = format!("/opportunities/{deal}/edit");
    let shown = send(&app, "GET", &edit, &cookie, "").await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("value=\"12000.50\""));
    let version = s
        .get_opportunity(&Actor::SYSTEM, deal)
        .await
        .expect("deal")
        .opportunity
        .version
        .to_string();
    let bad = form(&[
        ("_csrf", &token),
        ("version", &version),
        ("amount", "12.345"),
    ]);
    let refused = send(&app, "POST", &edit, &cookie, &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("id=\"error-amount\">Not an amount in this currency.</p>")
    );
    let good = form(&[
        ("_csrf", &token),
        ("version", &version),
        ("amount", "500"),
        ("product", "Seats"),
    ]);
    let saved = send(&app, "POST", &edit, &cookie, &good).await;
    assert_eq!(saved.location, format!("/opportunities/{deal}?done=saved"));
    let page = send(&app, "GET", &saved.location, &cookie, "").await;
    assert!(page.body.contains("500.00 EUR") && page.body.contains("Seats"));
    assert!(page.body.contains("Edited"), "the edit is on the timeline");

    let edit = format!("/contacts/{contact}/edit");
    let bad = form(&[("_csrf", &token), ("version", "1"), ("email", "nope")]);
    let refused = send(&app, "POST", &edit, &cookie, &bad).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"error-email\""));
    let good = form(&[("_csrf", &token), ("version", "1"), ("job_title", "CTO")]);
    let saved = send(&app, "POST", &edit, &cookie, &good).await;
    assert_eq!(saved.location, format!("/contacts/{contact}?done=saved"));
    let page = send(&app, "GET", &saved.location, &cookie, "").await;
    assert!(page.body.contains("CTO") && page.body.contains("The changes are saved."));

    let (other_email, other_password) = rep(&app, "egon@web.example", "en").await;
    let other = sign_in(&app, &other_email, &other_password).await;
    let other_token = csrf(&send(&app, "GET", "/contacts", &other, "").await.body);
    let sneak = form(&[
        ("_csrf", &other_token),
        ("version", "3"),
        ("company", "Mine"),
    ]);
    let refused = send(&app, "POST", &format!("/leads/{lead}/edit"), &other, &sneak).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let hidden = send(
        &app,
        "GET",
        &format!("/contacts/{contact}/edit"),
        &other,
        "",
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let now = s.get_lead(&Actor::SYSTEM, lead).await.expect("lead");
    assert_eq!(now.version, 3, "nothing written");
}
