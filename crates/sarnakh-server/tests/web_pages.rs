//! The HTML interface in-process: signing in (and the refusals), the inbox, the leads list
//! and a lead's page in English and Persian, escaping of stored text, and forms that need
//! the session's token.

mod common;
mod web;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;
use http_body_util::BodyExt;
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::service::Actor;
use tower::ServiceExt;
use web::{csrf, deal, form, rep, send, sign_in, user_id};

#[tokio::test]
async fn pages_need_a_session_and_sign_in_refuses_bad_passwords_and_other_sites() {
    let app = TestApp::new().await;
    let away = send(&app, "GET", "/inbox", "", "").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert_eq!(away.location, "/login?next=%2Finbox");
    let (email, password) = rep(&app, "sara@web.example", "en").await;
    let wrong = form(&[("email", &email), ("password", "not it")]);
    let refused = send(&app, "POST", "/login", "", &wrong).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.body.contains("The email or password is wrong."));
    assert!(refused.cookie.is_empty());
    let request = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::HOST, "sarnakh.test")
        .header(header::ORIGIN, "http://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form(&[
            ("email", &email),
            ("password", &password),
        ])))
        .expect("request");
    let cross = app
        .router
        .clone()
        .oneshot(request)
        .await
        .expect("infallible");
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert!(cross.headers().get(header::SET_COOKIE).is_none());
    let open = form(&[
        ("email", &email),
        ("password", &password),
        ("next", "//evil.example"),
    ]);
    let signed = send(&app, "POST", "/login", "", &open).await;
    assert_eq!(signed.location, "/inbox", "never redirects to another site");
}

#[tokio::test]
async fn the_inbox_and_lead_pages_escape_stored_text_and_qualify_needs_the_form_token() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "sara@web.example", "en").await;
    let me = app
        .services
        .find_user(&email)
        .await
        .expect("find")
        .expect("user");
    let draft = LeadDraft {
        first_name: Some("<script>alert(1)</script>".into()),
        email: Some("xss@web.example".into()),
        company: Some("Pars \"Steel\" & Co".into()),
        industry: Some("Retail".into()),
        company_size: Some(50),
        need: Some("A shared pipeline".into()),
        decision_role: Some("decision_maker".into()),
        owner_id: Some(me.id),
        ..LeadDraft::default()
    };
    let lead = app
        .services
        .capture_lead(&Actor::SYSTEM, &draft)
        .await
        .expect("capture");
    let cookie = sign_in(&app, &email, &password).await;
    let inbox = send(&app, "GET", "/inbox", &cookie, "").await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
    assert!(inbox.body.contains("lang=\"en\" dir=\"ltr\""));
    assert!(
        inbox
            .body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{}",
        inbox.body
    );
    assert!(
        !inbox.body.contains("<script>alert"),
        "stored text is escaped"
    );
    assert!(inbox.body.contains("Sara &#60;b&#62;Ahmadi&#60;/b&#62;"));
    assert!(inbox.body.contains("One lead waits for a first contact."));

    let list = send(&app, "GET", "/leads?q=xss%40web.example", &cookie, "").await;
    assert!(
        list.body.contains(&format!("/leads/{}", lead.id)),
        "{}",
        list.body
    );
    let none = send(&app, "GET", "/leads?q=nobody-here", &cookie, "").await;
    assert!(none.body.contains("No leads match."));

    let uri = format!("/leads/{}", lead.id);
    let page = send(&app, "GET", &uri, &cookie, "").await;
    assert!(
        page.body.contains("Pars &#34;Steel&#34; &#38; Co"),
        "{}",
        page.body
    );
    let token = csrf(&page.body);
    let qualify = format!("{uri}/qualify");
    let forged = send(&app, "POST", &qualify, &cookie, &form(&[("_csrf", "0")])).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let still = app
        .services
        .get_lead(&Actor::SYSTEM, lead.id)
        .await
        .expect("lead");
    assert_eq!(
        still.state.stage.as_str(),
        "lead",
        "a forged form changes nothing"
    );
    let done = send(&app, "POST", &qualify, &cookie, &form(&[("_csrf", &token)])).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location, format!("{uri}?done=qualified"));
    let now = app
        .services
        .get_lead(&Actor::SYSTEM, lead.id)
        .await
        .expect("lead");
    assert_eq!(now.state.stage.as_str(), "prospect");
    let shown = send(&app, "GET", &done.location, &cookie, "").await;
    assert!(shown.body.contains("The lead is now a prospect."));

    let out = send(
        &app,
        "POST",
        "/logout",
        &cookie,
        &form(&[("_csrf", &token)]),
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = send(&app, "GET", "/inbox", &cookie, "").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the session ended");
}

#[tokio::test]
async fn a_persian_user_gets_a_right_to_left_page_in_persian() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "mina@web.example", "fa").await;
    let cookie = sign_in(&app, &email, &password).await;
    let inbox = send(&app, "GET", "/inbox", &cookie, "").await;
    assert!(
        inbox.body.contains("lang=\"fa\" dir=\"rtl\""),
        "{}",
        inbox.body
    );
    assert!(inbox.body.contains("صندوق ورودی"));
    assert!(inbox.body.contains("هیچ سرنخ تازه‌ای در انتظار نیست."));
    let request = Request::builder()
        .uri("/login")
        .header(header::ACCEPT_LANGUAGE, "ro-RO,ro;q=0.9")
        .body(Body::empty())
        .expect("request");
    let login = app
        .router
        .clone()
        .oneshot(request)
        .await
        .expect("infallible");
    let bytes = login.into_body().collect().await.expect("body").to_bytes();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("lang=\"ro\"") && text.contains("Parolă"),
        "{text}"
    );
}

#[tokio::test]
async fn the_board_shows_totals_moves_with_the_seen_version_and_closes_a_deal() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "dan@web.example", "en").await;
    let me = app
        .services
        .find_user(&email)
        .await
        .expect("find")
        .expect("user");
    let id = deal(&app, me.id).await;
    let cookie = sign_in(&app, &email, &password).await;
    let board = send(&app, "GET", "/pipeline", &cookie, "").await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    assert!(board.body.contains("CRM &#60;rollout&#62;"));
    assert!(
        board.body.contains("Total \u{2068}12,000.50 EUR\u{2069}"),
        "{}",
        board.body
    );
    assert!(
        board.body.contains("Weighted \u{2068}1,200.05 EUR\u{2069}"),
        "10 % of the first stage"
    );
    let token = csrf(&board.body);
    let uri = format!("/pipeline/{id}/stage");
    let stale = form(&[("_csrf", &token), ("stage", "demo"), ("version", "0")]);
    let conflict = send(&app, "POST", &uri, &cookie, &stale).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(
        conflict
            .body
            .contains("Someone changed this record meanwhile")
    );
    let oid: sarnakh_core::domain::OpportunityId = id.parse().expect("id");
    let o = app
        .services
        .get_opportunity(&Actor::SYSTEM, oid)
        .await
        .expect("deal");
    assert_eq!(
        o.opportunity.stage, "qualify",
        "a stale move changes nothing"
    );
    let version = o.opportunity.version.to_string();
    let good = form(&[("_csrf", &token), ("stage", "demo"), ("version", &version)]);
    let moved = send(&app, "POST", &uri, &cookie, &good).await;
    assert_eq!(moved.location, "/pipeline?done=moved", "{}", moved.body);
    let o = app
        .services
        .get_opportunity(&Actor::SYSTEM, oid)
        .await
        .expect("deal");
    assert_eq!(o.opportunity.stage, "demo");
    let version = o.opportunity.version.to_string();
    let lost = form(&[
        ("_csrf", &token),
        ("outcome", "lost"),
        ("reason", "price"),
        ("version", &version),
    ]);
    let closed = send(
        &app,
        "POST",
        &format!("/pipeline/{id}/close"),
        &cookie,
        &lost,
    )
    .await;
    assert_eq!(closed.location, "/pipeline?done=lost");
    let o = app
        .services
        .get_opportunity(&Actor::SYSTEM, oid)
        .await
        .expect("deal");
    assert_eq!(o.opportunity.loss_reason.map(|r| r.as_str()), Some("price"));
    let board = send(&app, "GET", "/pipeline?done=lost", &cookie, "").await;
    assert!(board.body.contains("The deal is lost."));
    assert!(
        !board.body.contains("CRM &#60;rollout&#62;"),
        "a closed deal leaves the board"
    );
}

#[tokio::test]
async fn a_rep_logs_a_call_schedules_a_follow_up_disqualifies_and_converts_from_the_pages() {
    use sarnakh_core::domain::RecordRef;
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "eva@web.example", "ro").await;
    let me = app
        .services
        .find_user(&email)
        .await
        .expect("find")
        .expect("user");
    let draft = |first: &str, mail: &str| LeadDraft {
        first_name: Some(first.into()),
        email: Some(mail.into()),
        company: Some(format!("{first} SRL")),
        industry: Some("Retail".into()),
        company_size: Some(30),
        need: Some("Pipeline".into()),
        decision_role: Some("decision_maker".into()),
        owner_id: Some(me.id),
        ..LeadDraft::default()
    };
    let s = &app.services;
    let a = s
        .capture_lead(&Actor::SYSTEM, &draft("Ana", "ana@r.example"))
        .await
        .expect("a");
    let b = s
        .capture_lead(&Actor::SYSTEM, &draft("Dan", "dan@r.example"))
        .await
        .expect("b");
    let cookie = sign_in(&app, &email, &password).await;
    let inbox = send(&app, "GET", "/inbox", &cookie, "").await;
    let token = csrf(&inbox.body);

    let call = form(&[
        ("_csrf", &token),
        ("from", "inbox"),
        ("outcome", "connected"),
    ]);
    let done = send(
        &app,
        "POST",
        &format!("/leads/{}/call", a.id),
        &cookie,
        &call,
    )
    .await;
    assert_eq!(done.location, "/inbox?done=call");
    let calls = app
        .store
        .activities_of(RecordRef::Lead(a.id))
        .await
        .expect("activities");
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].summary, "Apel",
        "the default summary is in the rep's language"
    );
    let shown = send(&app, "GET", &done.location, &cookie, "").await;
    assert!(shown.body.contains("Apelul a fost înregistrat."));

    let later = form(&[("_csrf", &token), ("preset", "month")]);
    let done = send(
        &app,
        "POST",
        &format!("/leads/{}/follow-up", a.id),
        &cookie,
        &later,
    )
    .await;
    assert_eq!(done.location, format!("/leads/{}?done=follow-up", a.id));
    let tasks = app
        .store
        .tasks_of(RecordRef::Lead(a.id))
        .await
        .expect("tasks");
    let month = chrono::Utc::now()
        .date_naive()
        .checked_add_months(chrono::Months::new(1));
    assert_eq!(tasks.len(), 1);
    assert_eq!(Some(tasks[0].due_at.date_naive()), month);

    let unexplained = form(&[("_csrf", &token), ("reason", "other"), ("note", "")]);
    let refused = send(
        &app,
        "POST",
        &format!("/leads/{}/disqualify", b.id),
        &cookie,
        &unexplained,
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("note"), "{}", refused.body);
    let still = s.get_lead(&Actor::SYSTEM, b.id).await.expect("b");
    assert_eq!(
        still.state.status.as_str(),
        "open",
        "a refused form changes nothing"
    );
    let reasoned = form(&[("_csrf", &token), ("reason", "no_budget")]);
    let done = send(
        &app,
        "POST",
        &format!("/leads/{}/disqualify", b.id),
        &cookie,
        &reasoned,
    )
    .await;
    assert_eq!(done.location, format!("/leads/{}?done=disqualified", b.id));
    assert_eq!(
        s.get_lead(&Actor::SYSTEM, b.id)
            .await
            .expect("b")
            .state
            .status
            .as_str(),
        "disqualified"
    );

    let page = send(&app, "GET", &format!("/leads/{}", a.id), &cookie, "").await;
    assert!(
        !page.body.contains("/convert"),
        "a lead converts only once it is a prospect"
    );
    let qualify = form(&[("_csrf", &token)]);
    send(
        &app,
        "POST",
        &format!("/leads/{}/qualify", a.id),
        &cookie,
        &qualify,
    )
    .await;
    let page = send(&app, "GET", &format!("/leads/{}", a.id), &cookie, "").await;
    assert!(page.body.contains(&format!("/leads/{}/convert", a.id)));
    assert!(
        page.body.contains("Apel: Apel"),
        "the timeline in Romanian: {}",
        page.body
    );
    assert!(
        page.body
            .contains("Calificat: \u{2068}lead/open\u{2069} → \u{2068}prospect/open\u{2069}")
    );
    assert!(page.body.contains("Creat: lead/open"));
    let lead = s.get_lead(&Actor::SYSTEM, a.id).await.expect("a");
    let version = lead.version.to_string();
    let deal = form(&[
        ("_csrf", &token),
        ("version", &version),
        ("account_id", ""),
        ("name1", "Ana rollout"),
        ("amount1", "2500"),
        ("currency1", "RON"),
        ("name2", "Ana support"),
        ("amount2", "300"),
        ("currency2", "RON"),
        ("name3", ""),
        ("amount3", ""),
        ("currency3", "EUR"),
    ]);
    let done = send(
        &app,
        "POST",
        &format!("/leads/{}/convert", a.id),
        &cookie,
        &deal,
    )
    .await;
    assert_eq!(done.location, "/pipeline?done=converted", "{}", done.body);
    let board = send(&app, "GET", &done.location, &cookie, "").await;
    assert!(board.body.contains("Ana rollout") && board.body.contains("Ana support"));
    assert!(board.body.contains("2.800,00 RON"), "{}", board.body);
    assert_eq!(
        s.get_lead(&Actor::SYSTEM, a.id)
            .await
            .expect("a")
            .state
            .status
            .as_str(),
        "converted",
        "the empty third row opened no deal"
    );
}

#[tokio::test]
async fn follow_ups_are_listed_by_window_completed_and_moved_in_place() {
    use sarnakh_core::service::TaskDraft;
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "ion@web.example", "en").await;
    let me = app
        .services
        .find_user(&email)
        .await
        .expect("find")
        .expect("user");
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let task = |title: &str, due: &str| TaskDraft {
        title: Some(title.into()),
        due_at: Some(due.into()),
        owner_id: Some(me.id),
        ..TaskDraft::default()
    };
    let s = &app.services;
    let late = s
        .create_task(&Actor::SYSTEM, &task("Call <back>", &yesterday))
        .await
        .expect("late");
    let other = s
        .create_task(&Actor::SYSTEM, &task("Send offer", &yesterday))
        .await
        .expect("other");
    let cookie = sign_in(&app, &email, &password).await;
    let page = send(&app, "GET", "/follow-ups?due=overdue", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Call &#60;back&#62;") && page.body.contains("Send offer"));
    let token = csrf(&page.body);
    let stale = form(&[("_csrf", &token), ("version", "9"), ("window", "overdue")]);
    let uri = format!("/follow-ups/{}/complete", late.id);
    assert_eq!(
        send(&app, "POST", &uri, &cookie, &stale).await.status,
        StatusCode::CONFLICT
    );
    assert!(
        s.get_task(&Actor::SYSTEM, late.id)
            .await
            .expect("task")
            .completed_at
            .is_none()
    );
    let good = form(&[("_csrf", &token), ("version", "1"), ("window", "overdue")]);
    let done = send(&app, "POST", &uri, &cookie, &good).await;
    assert_eq!(done.location, "/follow-ups?due=overdue&done=completed");
    assert!(
        s.get_task(&Actor::SYSTEM, late.id)
            .await
            .expect("task")
            .completed_at
            .is_some()
    );
    let moved = form(&[
        ("_csrf", &token),
        ("version", "1"),
        ("preset", "week"),
        ("window", "overdue"),
    ]);
    let uri = format!("/follow-ups/{}/reschedule", other.id);
    let done = send(&app, "POST", &uri, &cookie, &moved).await;
    assert_eq!(done.location, "/follow-ups?due=overdue&done=rescheduled");
    let week = chrono::Utc::now().date_naive() + chrono::Duration::days(7);
    let t = s.get_task(&Actor::SYSTEM, other.id).await.expect("task");
    assert_eq!(t.due_at.date_naive(), week);
    let page = send(&app, "GET", &done.location, &cookie, "").await;
    assert!(page.body.contains("The follow-up is moved."));
    assert!(!page.body.contains("Send offer") && !page.body.contains("Call &#60;back&#62;"));
    let nowhere = form(&[("_csrf", &token), ("version", "2"), ("preset", "someday")]);
    let refused = send(&app, "POST", &uri, &cookie, &nowhere).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn opportunity_and_account_lists_show_only_what_the_user_may_see() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "ana@web.example", "ro").await;
    let me = app
        .services
        .find_user(&email)
        .await
        .expect("find")
        .expect("user");
    deal(&app, me.id).await;
    let (other_email, other_password) = rep(&app, "vlad@web.example", "en").await;
    let cookie = sign_in(&app, &email, &password).await;
    let deals = send(&app, "GET", "/opportunities?status=open", &cookie, "").await;
    assert_eq!(deals.status, StatusCode::OK, "{}", deals.body);
    assert!(deals.body.contains("CRM &#60;rollout&#62;"));
    assert!(
        deals.body.contains("12.000,50 EUR"),
        "Romanian grouping: {}",
        deals.body
    );
    let accounts = send(&app, "GET", "/accounts", &cookie, "").await;
    assert!(
        accounts.body.contains("Carpati &#60;Soft&#62;"),
        "{}",
        accounts.body
    );
    let at = accounts
        .body
        .find("href=\"/accounts/")
        .expect("an account link")
        + 6;
    let href = accounts.body[at..at + 46].to_owned();
    let page = send(&app, "GET", &href, &cookie, "").await;
    assert!(
        page.body.contains("ioana@deal.example") && page.body.contains("CRM &#60;rollout&#62;")
    );
    let other = sign_in(&app, &other_email, &other_password).await;
    let theirs = send(&app, "GET", "/opportunities", &other, "").await;
    assert!(
        !theirs.body.contains("CRM &#60;rollout&#62;"),
        "another rep's deal is not listed"
    );
    let hidden = send(&app, "GET", &href, &other, "").await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_dashboard_draws_the_funnel_and_the_pipeline_from_the_reports() {
    use sarnakh_core::service::LifecycleInput;
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "mara@web.example", "en").await;
    let me = app
        .services
        .find_user(&email)
        .await
        .expect("find")
        .expect("user");
    deal(&app, me.id).await;
    let other = LeadDraft {
        first_name: Some("Dorin".into()),
        email: Some("dorin@web.example".into()),
        owner_id: Some(me.id),
        ..LeadDraft::default()
    };
    let other = app
        .services
        .capture_lead(&Actor::SYSTEM, &other)
        .await
        .expect("capture");
    let no_budget = LifecycleInput {
        reason: Some("no_budget".into()),
        ..LifecycleInput::default()
    };
    app.services
        .disqualify_lead(&Actor::SYSTEM, other.id, &no_budget)
        .await
        .expect("disqualify");
    let cookie = sign_in(&app, &email, &password).await;
    let page = send(&app, "GET", "/dashboard", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let text = page.body.replace(['\u{2068}', '\u{2069}'], "");
    assert!(
        text.contains("<span class=\"label\">Lead</span> <span class=\"num\">2</span>"),
        "{text}"
    );
    assert!(text.contains("<span class=\"label\">Prospect</span> <span class=\"num\">1</span> <span class=\"meta\">50 % converted</span>"), "{text}");
    assert!(
        text.contains("<span class=\"label\">Qualify</span> <span class=\"num\">1</span>"),
        "{text}"
    );
    assert!(
        text.contains("No budget <span class=\"num\">1</span>"),
        "{text}"
    );
    assert!(
        text.contains("<rect x=\"0\" y=\"4\" width=\"100\""),
        "the widest bar fills the chart"
    );
    let bad = send(&app, "GET", "/dashboard?from=2026-13-01", &cookie, "").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_profile_changes_language_creates_and_revokes_tokens_and_changes_the_password() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "nora@web.example", "en").await;
    let cookie = sign_in(&app, &email, &password).await;
    let page = send(&app, "GET", "/profile", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let token = csrf(&page.body);
    let bad = form(&[
        ("_csrf", &token),
        ("locale", "fa"),
        ("time_zone", "Mars/Base"),
    ]);
    let refused = send(&app, "POST", "/profile/preferences", &cookie, &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let still = send(&app, "GET", "/inbox", &cookie, "").await;
    assert!(
        still.body.contains("lang=\"en\""),
        "a refused form changes nothing"
    );
    let good = form(&[
        ("_csrf", &token),
        ("locale", "fa"),
        ("time_zone", "Asia/Tehran"),
    ]);
    let saved = send(&app, "POST", "/profile/preferences", &cookie, &good).await;
    assert_eq!(saved.location, "/profile?done=preferences");
    let inbox = send(&app, "GET", "/inbox", &cookie, "").await;
    assert!(inbox.body.contains("lang=\"fa\" dir=\"rtl\""));

    let create = form(&[("_csrf", &token), ("name", "script"), ("scope", "read")]);
    let created = send(&app, "POST", "/profile/tokens", &cookie, &create).await;
    let at = created.body.find("<code>snk_").expect("the secret, once") + 6;
    let secret = created.body[at..]
        .split('<')
        .next()
        .expect("secret")
        .to_owned();
    let me = app.as_user(&secret, "GET", "/api/v1/me", None).await;
    assert_eq!(me.body["email"], email.as_str());
    let again = send(&app, "GET", "/profile", &cookie, "").await;
    assert!(
        !again.body.contains(&secret),
        "the secret is shown only once"
    );
    let at = again
        .body
        .find("name=\"id\" value=\"")
        .expect("a token row")
        + 17;
    let id = again.body[at..at + 36].to_owned();
    let revoke = form(&[("_csrf", &token), ("id", &id)]);
    let done = send(&app, "POST", "/profile/tokens/revoke", &cookie, &revoke).await;
    assert_eq!(done.location, "/profile?done=revoked");
    let gone = app.as_user(&secret, "GET", "/api/v1/me", None).await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED);

    let change = form(&[
        ("_csrf", &token),
        ("current", &password),
        ("new", "a much longer passphrase 42"),
    ]);
    let changed = send(&app, "POST", "/profile/password", &cookie, &change).await;
    assert_eq!(changed.location, "/login", "{}", changed.body);
    let after = send(&app, "GET", "/inbox", &cookie, "").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the old session ended");
    sign_in(&app, &email, "a much longer passphrase 42").await;
}

#[tokio::test]
async fn the_board_filters_by_owner() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "lia@web.example", "en").await;
    let me = app
        .services
        .find_user(&email)
        .await
        .expect("find")
        .expect("user");
    deal(&app, me.id).await;
    let manager = UserDraft {
        email: Some("boss@web.example".into()),
        display_name: Some("Boss".into()),
        role: Some("admin".into()),
        ..UserDraft::default()
    };
    let (boss, boss_password) = app
        .services
        .add_user(&Actor::SYSTEM, &manager, None)
        .await
        .expect("manager");
    let cookie = sign_in(&app, "boss@web.example", &boss_password).await;
    let all = send(&app, "GET", "/pipeline", &cookie, "").await;
    assert!(all.body.contains("CRM &#60;rollout&#62;"), "{}", all.body);
    let mine = send(
        &app,
        "GET",
        &format!("/pipeline?owner={}", boss.id),
        &cookie,
        "",
    )
    .await;
    assert!(
        !mine.body.contains("CRM &#60;rollout&#62;"),
        "the manager owns none"
    );
    let hers = send(
        &app,
        "GET",
        &format!("/pipeline?owner={}", me.id),
        &cookie,
        "",
    )
    .await;
    assert!(hers.body.contains("CRM &#60;rollout&#62;"));
    assert!(
        hers.body
            .contains(&format!("<option value=\"{}\" selected>", me.id))
    );
    let _ = password;
}

#[tokio::test]
async fn the_dashboard_shows_the_forecast_against_its_target_and_the_sources() {
    use sarnakh_core::service::{OpportunityPatch, TargetInput};
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "tara@web.example", "fa").await;
    let me = app
        .services
        .find_user(&email)
        .await
        .expect("find")
        .expect("user");
    let id: sarnakh_core::domain::OpportunityId = deal(&app, me.id).await.parse().expect("id");
    let today = chrono::Utc::now().date_naive();
    let patch = OpportunityPatch {
        expected_close_date: Some(Some(today.to_string())),
        forecast_category: Some(Some("commit".into())),
        ..OpportunityPatch::default()
    };
    app.services
        .update_opportunity(&Actor::SYSTEM, id, patch, None)
        .await
        .expect("this month, committed");
    let month = today.format("%Y-%m-01").to_string();
    let target = TargetInput {
        interval: Some("month".into()),
        starts_on: Some(month),
        amount: Some("20000".into()),
        currency: Some("EUR".into()),
        ..TargetInput::default()
    };
    app.services
        .set_forecast_target(&Actor::SYSTEM, &target)
        .await
        .expect("target");
    let cookie = sign_in(&app, &email, &password).await;
    let page = send(&app, "GET", "/dashboard", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let text = page.body.replace(['\u{2068}', '\u{2069}'], "");
    assert!(text.contains("پیش‌بینی فروش به EUR"), "{text}");
    let title =
        &text[text.find("<title>").expect("a title")..text.find("</title>").expect("closed")];
    assert!(!title[7..].contains('<'), "the title is text only: {title}");
    assert_eq!(
        text.matches("id=\"forecast\"").count(),
        1,
        "one forecast section"
    );
    // 12,000.50 committed and a 20,000 target, in Persian digits.
    assert!(text.contains("۱۲٬۰۰۰٫۵۰"), "{text}");
    assert!(text.contains("۲۰٬۰۰۰٫۰۰"), "{text}");
    assert!(
        text.contains("<line class=\"target\""),
        "the target is drawn"
    );
    assert!(
        text.contains("class=\"commit\" x=\"0\" y=\"4\" width=\"60\""),
        "12000.50 of 20000: {text}"
    );
    assert!(text.contains("دقت پیش‌بینی"), "accuracy section");
    assert!(text.contains("منابع سرنخ"), "sources section");
}

#[tokio::test]
async fn the_dashboard_shows_win_loss_by_source() {
    use sarnakh_core::service::CloseDraft;
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "wina@web.example", "en").await;
    let me = user_id(&app, &email).await;
    let s = &app.services;
    for (i, outcome) in ["won", "lost", "won"].iter().enumerate() {
        let id: sarnakh_core::domain::OpportunityId =
            web::deal_of(&app, me, &format!("W{i}"), &format!("w{i}@win.example"))
                .await
                .parse()
                .expect("id");
        let close = CloseDraft {
            outcome: Some((*outcome).into()),
            reason: (*outcome == "lost").then(|| "price".into()),
            ..CloseDraft::default()
        };
        s.close_opportunity(&Actor::SYSTEM, id, &close)
            .await
            .expect("close");
    }
    let cookie = sign_in(&app, &email, &password).await;
    let page = send(&app, "GET", "/dashboard", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let text = page.body.replace(['\u{2068}', '\u{2069}'], "");
    assert!(
        text.contains("Deals closed in the period, by lead source"),
        "{text}"
    );
    assert!(
        text.contains("<th scope=\"row\">All</th><td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">67 %</td>"),
        "two won, one lost: {text}"
    );
    assert!(text.contains("Average won deal 12,000.50 EUR"), "{text}");
}
