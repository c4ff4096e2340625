//! The opportunity, account and contact lists in-process, on SQLite and (when its URL is set)
//! PostgreSQL: filters and sort, another rep's records not listed, bad filters refused with
//! their field, the CSV export of exactly the list shown, saved views of these lists, and the
//! bulk owner change of deals with refused ones counted and left as they were.

mod common;
mod web;

use axum::http::StatusCode;
use common::TestApp;
use sarnakh_core::domain::{OpportunityId, UserId};
use sarnakh_core::service::{Actor, OpportunityPatch};
use web::{csrf, deal_of, form, rep, send, sign_in, user_id};

fn href_of(body: &str, start: &str) -> String {
    let at = body.find(&format!("href=\"{start}")).expect("the link") + 6;
    body[at..]
        .split('"')
        .next()
        .expect("a quoted link")
        .replace("&#38;", "&")
}

/// A deal of `owner` with `amount` EUR closing on `close`; its id.
async fn deal(
    app: &TestApp,
    owner: UserId,
    first: &str,
    amount: &str,
    close: &str,
) -> OpportunityId {
    let id: OpportunityId = deal_of(
        app,
        owner,
        first,
        &format!("{}@lists.example", first.to_lowercase()),
    )
    .await
    .parse()
    .expect("id");
    let patch = OpportunityPatch {
        name: Some(format!("{first} deal")),
        amount: Some(amount.into()),
        expected_close_date: Some(Some(close.into())),
        ..OpportunityPatch::default()
    };
    app.services
        .update_opportunity(&Actor::SYSTEM, id, patch, None)
        .await
        .expect("edit");
    id
}

async fn lists_filter_export_and_hide_other_reps_records(app: TestApp) {
    let (email, password) = rep(&app, "lara@lists.example", "en").await;
    let me = user_id(&app, &email).await;
    let (other_email, _) = rep(&app, "omid@lists.example", "en").await;
    let other = user_id(&app, &other_email).await;
    deal(&app, me, "Small", "500", "2026-03-10").await;
    deal(&app, me, "Large", "9000", "2026-05-20").await;
    deal(&app, other, "Hidden", "5000", "2026-04-01").await;
    let cookie = sign_in(&app, &email, &password).await;

    let all = send(&app, "GET", "/opportunities", &cookie, "").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert!(all.body.contains("Small deal") && all.body.contains("Large deal"));
    assert!(
        !all.body.contains("Hidden deal"),
        "another rep's deal is not listed"
    );

    let q = "/opportunities?amount_min=1000&currency=EUR&close_from=2026-04-01&close_to=2026-06-30&sort=-amount";
    let filtered = send(&app, "GET", q, &cookie, "").await;
    assert_eq!(filtered.status, StatusCode::OK, "{}", filtered.body);
    assert!(filtered.body.contains("Large deal") && !filtered.body.contains("Small deal"));
    assert!(
        filtered
            .body
            .contains("<option value=\"-amount\" selected>")
    );
    let export = href_of(&filtered.body, "/api/v1/opportunities/export.csv");
    assert!(
        export.contains("amount_min=1000") && export.contains("close_from=2026-04-01"),
        "{export}"
    );
    let csv = send(&app, "GET", &export, &cookie, "").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.body.contains("Large deal"), "{}", csv.body);
    assert!(!csv.body.contains("Small deal") && !csv.body.contains("Hidden deal"));

    let bad = send(
        &app,
        "GET",
        "/opportunities?amount_min=1000&close_to=soon",
        &cookie,
        "",
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("amount_min") && bad.body.contains("close_to"),
        "{}",
        bad.body
    );

    let accounts = send(&app, "GET", "/accounts?sort=-name", &cookie, "").await;
    assert_eq!(accounts.status, StatusCode::OK);
    assert!(
        accounts.body.contains("Carpati &#60;Soft&#62;"),
        "{}",
        accounts.body
    );
    let mine = send(
        &app,
        "GET",
        &format!("/accounts?owner={other}"),
        &cookie,
        "",
    )
    .await;
    assert!(
        !mine.body.contains("Carpati"),
        "the other rep's accounts stay hidden"
    );

    let contacts = send(&app, "GET", "/contacts?q=small", &cookie, "").await;
    assert_eq!(contacts.status, StatusCode::OK);
    assert!(contacts.body.contains("small@lists.example"));
    assert!(
        contacts.body.contains("Carpati &#60;Soft&#62;"),
        "the account is named"
    );
    assert!(!contacts.body.contains("hidden@lists.example"));
    let export = href_of(&contacts.body, "/api/v1/contacts/export.csv");
    let csv = send(&app, "GET", &export, &cookie, "").await;
    assert!(csv.body.contains("small@lists.example") && !csv.body.contains("large@lists.example"));

    // A saved view of the opportunity list is the user's own and opens the same filters.
    let token = csrf(&filtered.body);
    let query = "amount_min=1000&currency=EUR";
    let save = form(&[
        ("_csrf", &token),
        ("list", "opportunities"),
        ("name", "Big <b>"),
        ("query", query),
    ]);
    let saved = send(&app, "POST", "/views", &cookie, &save).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location, format!("/opportunities?{query}"));
    let listed = send(&app, "GET", "/opportunities", &cookie, "").await;
    assert!(listed.body.contains(&format!(
        "href=\"/opportunities?{}\"",
        query.replace('&', "&#38;")
    )));
    assert!(listed.body.contains("Big &#60;b&#62;"));
}

#[tokio::test]
async fn lists_filter_export_and_hide_other_reps_records_on_sqlite() {
    lists_filter_export_and_hide_other_reps_records(TestApp::new().await).await;
}

#[tokio::test]
async fn lists_filter_export_and_hide_other_reps_records_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        lists_filter_export_and_hide_other_reps_records(app).await;
    }
}

async fn bulk_owner_change_does_what_it_may_and_counts_the_rest(app: TestApp) {
    let manager_draft = sarnakh_core::domain::user::UserDraft {
        email: Some("mona@lists.example".into()),
        display_name: Some("Mona".into()),
        role: Some("sales_manager".into()),
        team: Some("North".into()),
        ..Default::default()
    };
    let (manager, password) = app
        .services
        .add_user(&Actor::SYSTEM, &manager_draft, None)
        .await
        .expect("manager");
    let in_team = sarnakh_core::domain::user::UserDraft {
        email: Some("nika@lists.example".into()),
        display_name: Some("Nika".into()),
        role: Some("sales_rep".into()),
        team: Some("North".into()),
        ..Default::default()
    };
    let (nika, _) = app
        .services
        .add_user(&Actor::SYSTEM, &in_team, None)
        .await
        .expect("rep");
    let (outsider_email, _) = rep(&app, "otto@lists.example", "en").await;
    let outsider = user_id(&app, &outsider_email).await;
    let ours = deal(&app, manager.id, "Ours", "100", "2026-06-01").await;
    let theirs = deal(&app, outsider, "Theirs", "100", "2026-06-01").await;
    let cookie = sign_in(&app, "mona@lists.example", &password).await;
    let page = send(&app, "GET", "/opportunities", &cookie, "").await;
    assert!(
        page.body
            .contains(&format!("name=\"pick\" value=\"{ours}\""))
    );
    let token = csrf(&page.body);
    let (nika_s, ours_s, theirs_s) = (nika.id.to_string(), ours.to_string(), theirs.to_string());
    let back = "/opportunities?sort=-amount";
    let give = form(&[
        ("_csrf", &token),
        ("back", back),
        ("owner", &nika_s),
        ("pick", &ours_s),
        ("pick", &theirs_s),
        ("pick", "not-an-id"),
    ]);
    let forged = send(
        &app,
        "POST",
        "/opportunities/assign",
        &cookie,
        &give.replace(&token, "forged"),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let owner_of = |id| {
        let app = &app;
        async move {
            app.services
                .get_opportunity(&Actor::SYSTEM, id)
                .await
                .expect("deal")
                .opportunity
                .owner_id
        }
    };
    assert_eq!(
        owner_of(ours).await,
        Some(manager.id),
        "a forged form writes nothing"
    );
    let done = send(&app, "POST", "/opportunities/assign", &cookie, &give).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location, format!("{back}&assigned=1&failed=2"));
    assert_eq!(owner_of(ours).await, Some(nika.id));
    assert_eq!(
        owner_of(theirs).await,
        Some(outsider),
        "the refused deal is left as it was"
    );
    let shown = send(&app, "GET", &done.location, &cookie, "").await;
    assert!(
        shown.body.contains("One assigned.") && shown.body.contains("could not be assigned"),
        "{}",
        shown.body
    );
}

/// An account of `owner` named `company` (through a converted lead); its id.
async fn account_of(
    app: &TestApp,
    owner: UserId,
    company: &str,
) -> sarnakh_core::domain::AccountId {
    use sarnakh_core::service::{ConvertDraft, LifecycleInput};
    let draft = sarnakh_core::domain::lead::LeadDraft {
        first_name: Some(company.into()),
        email: Some(format!("{}@accounts.example", company.to_lowercase())),
        company: Some(company.into()),
        industry: Some("Software".into()),
        company_size: Some(40),
        need: Some("A CRM".into()),
        decision_role: Some("decision_maker".into()),
        owner_id: Some(owner),
        ..Default::default()
    };
    let s = &app.services;
    let lead = s
        .capture_lead(&Actor::SYSTEM, &draft)
        .await
        .expect("capture");
    s.qualify_lead(&Actor::SYSTEM, lead.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let convert = ConvertDraft {
        opportunities: vec![sarnakh_core::domain::opportunity::OpportunityDraft {
            name: Some(format!("{company} deal")),
            amount: Some("10".into()),
            currency: Some("EUR".into()),
            ..Default::default()
        }],
        ..ConvertDraft::default()
    };
    s.convert_lead(&Actor::SYSTEM, lead.id, &convert)
        .await
        .expect("convert")
        .account_id
}

async fn accounts_change_owner_in_bulk_within_the_rules(app: TestApp) {
    let (email, password) = rep(&app, "rhea@lists.example", "en").await;
    let me = user_id(&app, &email).await;
    let (other_email, _) = rep(&app, "sami@lists.example", "en").await;
    let other = user_id(&app, &other_email).await;
    let mine = account_of(&app, me, "Mineral").await;
    let theirs = account_of(&app, other, "Theirsoft").await;
    let cookie = sign_in(&app, &email, &password).await;
    let page = send(&app, "GET", "/accounts", &cookie, "").await;
    assert!(
        page.body
            .contains(&format!("name=\"pick\" value=\"{mine}\"")),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("Theirsoft"),
        "another rep's account is not listed"
    );
    let token = csrf(&page.body);
    let (mine_s, theirs_s, other_s) = (mine.to_string(), theirs.to_string(), other.to_string());
    // A rep may not give an account away, nor take someone else's: both refused.
    let give = form(&[
        ("_csrf", &token),
        ("back", "/accounts"),
        ("owner", &other_s),
        ("pick", &mine_s),
        ("pick", &theirs_s),
    ]);
    let done = send(&app, "POST", "/accounts/assign", &cookie, &give).await;
    assert_eq!(
        done.location, "/accounts?assigned=0&failed=2",
        "{}",
        done.body
    );
    let owner = |id| {
        let app = &app;
        async move {
            app.services
                .get_account(&Actor::SYSTEM, id)
                .await
                .expect("account")
                .owner_id
        }
    };
    assert_eq!(owner(mine).await, Some(me));
    assert_eq!(owner(theirs).await, Some(other));
    let history = app
        .services
        .history(
            &Actor::SYSTEM,
            sarnakh_core::domain::RecordRef::Account(mine),
        )
        .await
        .expect("history");
    assert!(
        history.iter().all(|h| h.kind != "updated"),
        "a refusal writes no history"
    );
    // An admin gives it; the change is one history row with the old and new owner.
    let admin = sarnakh_core::domain::user::UserDraft {
        email: Some("ada@lists.example".into()),
        display_name: Some("Ada".into()),
        role: Some("admin".into()),
        ..Default::default()
    };
    let (_, admin_password) = app
        .services
        .add_user(&Actor::SYSTEM, &admin, None)
        .await
        .expect("admin");
    let admin_cookie = sign_in(&app, "ada@lists.example", &admin_password).await;
    let page = send(&app, "GET", "/accounts", &admin_cookie, "").await;
    let give = form(&[
        ("_csrf", &csrf(&page.body)),
        ("owner", &other_s),
        ("pick", &mine_s),
    ]);
    let done = send(&app, "POST", "/accounts/assign", &admin_cookie, &give).await;
    assert_eq!(done.location, "/accounts?assigned=1&failed=0");
    assert_eq!(owner(mine).await, Some(other));
    let history = app
        .services
        .history(
            &Actor::SYSTEM,
            sarnakh_core::domain::RecordRef::Account(mine),
        )
        .await
        .expect("history");
    let change = history
        .iter()
        .find(|h| h.kind == "updated")
        .expect("recorded");
    assert_eq!(change.changes[0].field, "owner_id");
    assert_eq!(change.changes[0].new, Some(other.to_string()));
}

#[tokio::test]
async fn accounts_change_owner_in_bulk_within_the_rules_on_sqlite() {
    accounts_change_owner_in_bulk_within_the_rules(TestApp::new().await).await;
}

#[tokio::test]
async fn accounts_change_owner_in_bulk_within_the_rules_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        accounts_change_owner_in_bulk_within_the_rules(app).await;
    }
}

#[tokio::test]
async fn bulk_owner_change_does_what_it_may_and_counts_the_rest_on_sqlite() {
    bulk_owner_change_does_what_it_may_and_counts_the_rest(TestApp::new().await).await;
}

#[tokio::test]
async fn bulk_owner_change_does_what_it_may_and_counts_the_rest_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        bulk_owner_change_does_what_it_may_and_counts_the_rest(app).await;
    }
}

#[tokio::test]
async fn the_persian_opportunity_list_is_right_to_left_with_persian_digits_and_stage_labels() {
    let app = TestApp::new().await;
    let (email, password) = rep(&app, "parisa@lists.example", "fa").await;
    let me = user_id(&app, &email).await;
    deal(&app, me, "Arya", "12000.50", "2026-05-20").await;
    let mut stages = sarnakh_core::domain::stage_settings::StageFile::of(
        &app.services.list_stages().await.expect("stages"),
    )
    .stages;
    stages[0].labels.insert("fa".into(), "ارزیابی".into());
    app.services
        .set_stages(&Actor::SYSTEM, &stages, None)
        .await
        .expect("label");
    let cookie = sign_in(&app, &email, &password).await;
    let page = send(&app, "GET", "/opportunities", &cookie, "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("lang=\"fa\" dir=\"rtl\""));
    assert!(page.body.contains("۱۲٬۰۰۰٫۵۰"), "{}", page.body);
    assert!(
        page.body.contains("<td>ارزیابی</td>"),
        "the stage in Persian"
    );
}
