//! CSV exports over the JSON API: only the rows the caller may see, the list's filters, the
//! import's field names as the header, formula-like cells escaped unless `raw=true`, and
//! the literal `export.csv` segment living beside the `{id}` routes.

mod common;

use axum::http::{StatusCode, header};
use common::{Reply, TestApp};
use serde_json::{Value, json};

const BOM: char = '\u{feff}';

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// The reply's CSV rows (header first), byte order mark dropped.
fn rows(reply: &Reply) -> Vec<Vec<String>> {
    let text = s(&reply.body);
    let text = text.strip_prefix(BOM).unwrap_or(text);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

/// The values of `column` in the data rows.
fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let at = rows[0].iter().position(|h| h == name).expect("a column");
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

/// A lead captured by the admin for `owner`; returns its id.
async fn lead(app: &TestApp, first: &str, company: &str, source: &str, owner: &str) -> String {
    let r = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": first, "email": format!("{}@example.com", first.to_lowercase()),
                "company": company, "source": source, "owner_id": owner }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    s(&r.body["id"]).to_owned()
}

/// A sales rep's token and user id.
async fn rep(app: &TestApp, email: &str) -> (String, String) {
    let token = app.token_for(email, "sales_rep", None, "read").await;
    let me = app.as_user(&token, "GET", "/api/v1/me", None).await;
    (token, s(&me.body["id"]).to_owned())
}

#[tokio::test]
async fn a_reps_export_holds_only_the_leads_the_rep_may_see() {
    let app = TestApp::new().await;
    let (ana_token, ana) = rep(&app, "ana@test.example").await;
    let (_, ion) = rep(&app, "ion@test.example").await;
    let mine = lead(&app, "Maryam", "Pars Co", "event", &ana).await;
    lead(&app, "Reza", "Firma SRL", "event", &ion).await;
    let reply = app
        .as_user(&ana_token, "GET", "/api/v1/leads/export.csv", None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(column(&rows(&reply), "external_id"), [mine]);
    let everyone = rows(&app.get("/api/v1/leads/export.csv").await);
    assert_eq!(everyone.len(), 3, "the admin sees both leads");
}

#[tokio::test]
async fn the_lists_filters_and_order_apply_to_the_export() {
    let app = TestApp::new().await;
    let (_, ana) = rep(&app, "ana@test.example").await;
    lead(&app, "Maryam", "Pars Co", "event", &ana).await;
    lead(&app, "Reza", "Firma SRL", "webinar", &ana).await;
    lead(&app, "Ion", "Firma SRL", "event", &ana).await;
    let by_source = rows(
        &app.get("/api/v1/leads/export.csv?source=event&sort=name")
            .await,
    );
    assert_eq!(column(&by_source, "first_name"), ["Ion", "Maryam"]);
    let searched = rows(
        &app.get("/api/v1/leads/export.csv?q=firma&source=event")
            .await,
    );
    assert_eq!(column(&searched, "first_name"), ["Ion"]);
    let bad = app.get("/api/v1/leads/export.csv?stage=nope").await;
    assert_eq!(
        (bad.status, bad.fields()),
        (StatusCode::BAD_REQUEST, vec!["stage".to_owned()])
    );
}

#[tokio::test]
async fn a_formula_company_is_escaped_by_default_and_exact_with_raw() {
    let app = TestApp::new().await;
    let (_, ana) = rep(&app, "ana@test.example").await;
    let formula = "=HYPERLINK(\"http://x\")";
    lead(&app, "Maryam", formula, "event", &ana).await;
    let safe = app.get("/api/v1/leads/export.csv").await;
    assert!(s(&safe.body).starts_with(BOM), "a safe export is for Excel");
    assert_eq!(column(&rows(&safe), "company"), [format!("'{formula}")]);
    let raw = app.get("/api/v1/leads/export.csv?raw=true").await;
    assert!(s(&raw.body).starts_with("external_id,"));
    assert_eq!(column(&rows(&raw), "company"), [formula]);
    let explicit = app.get("/api/v1/leads/export.csv?raw=false").await;
    assert_eq!(column(&rows(&explicit), "company"), [format!("'{formula}")]);
}

#[tokio::test]
async fn the_file_is_a_csv_attachment_whose_header_names_the_import_fields() {
    let app = TestApp::new().await;
    let (_, ana) = rep(&app, "ana@test.example").await;
    let id = lead(&app, "Maryam", "Pars Co", "event", &ana).await;
    let patched = app
        .send(
            "PATCH",
            &format!("/api/v1/leads/{id}"),
            json!({ "evidence": { "budget": "50k EUR", "timeline": "Q3" } }),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let reply = app.get("/api/v1/leads/export.csv?raw=true").await;
    let h = |name| {
        reply
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    assert_eq!(h(header::CONTENT_TYPE), "text/csv; charset=utf-8");
    let today = chrono::Utc::now().format("%Y%m%d");
    assert_eq!(
        h(header::CONTENT_DISPOSITION),
        format!("attachment; filename=\"leads-{today}.csv\"")
    );
    let fixed = "external_id,first_name,last_name,email,phone,job_title,company,country,source,\
                 campaign,products,notes,company_size,industry,need,decision_role,owner_id";
    let raw = rows(&reply);
    assert_eq!(
        raw[0].join(","),
        format!("{fixed},evidence.budget,evidence.timeline")
    );
    assert_eq!(column(&raw, "evidence.budget"), ["50k EUR"]);
    assert_eq!(column(&raw, "owner_id"), [ana]);
    let safe = rows(&app.get("/api/v1/leads/export.csv").await);
    assert_eq!(safe[0].join(","), fixed, "evidence columns are raw only");
}

#[tokio::test]
async fn deals_accounts_and_contacts_export_with_their_references() {
    let app = TestApp::new().await;
    let id = s(&app.qualified_lead("Maryam", "Pars Co").await["id"]).to_owned();
    let qualified = app
        .post(&format!("/api/v1/leads/{id}/qualify"), json!({}))
        .await;
    assert_eq!(qualified.status, StatusCode::OK, "{}", qualified.body);
    let converted = app.post(&format!("/api/v1/leads/{id}/convert"), json!({ "opportunities": [
        { "name": "-Pars Co - Team", "amount": "1200.50", "currency": "EUR", "expected_close_date": "2027-01-31" }
    ] })).await;
    assert_eq!(converted.status, StatusCode::CREATED, "{}", converted.body);
    let (account, contact) = (
        s(&converted.body["account_id"]),
        s(&converted.body["contact_id"]),
    );

    let deals = rows(
        &app.get("/api/v1/opportunities/export.csv?status=open")
            .await,
    );
    assert_eq!(column(&deals, "name"), ["'-Pars Co - Team"]);
    assert_eq!(column(&deals, "amount"), ["1200.50"]);
    assert_eq!(column(&deals, "currency"), ["EUR"]);
    assert_eq!(column(&deals, "expected_close_date"), ["2027-01-31"]);
    assert_eq!(column(&deals, "account_external_id"), [account]);
    assert_eq!(column(&deals, "lead_external_id"), [id.as_str()]);
    let accounts = rows(&app.get("/api/v1/accounts/export.csv?customer=false").await);
    assert_eq!(column(&accounts, "external_id"), [account]);
    let contacts = rows(
        &app.get(&format!("/api/v1/contacts/export.csv?account={account}"))
            .await,
    );
    assert_eq!(column(&contacts, "external_id"), [contact]);
    assert_eq!(column(&contacts, "account_external_id"), [account]);
    let none = rows(&app.get("/api/v1/accounts/export.csv?customer=true").await);
    assert_eq!(none.len(), 1, "an empty export is the header alone");
}

#[tokio::test]
async fn export_csv_is_a_route_of_its_own_beside_the_id_routes() {
    let app = TestApp::new().await;
    let (_, ana) = rep(&app, "ana@test.example").await;
    let id = lead(&app, "Maryam", "Pars Co", "event", &ana).await;
    for list in ["leads", "opportunities", "accounts", "contacts"] {
        let reply = app.get(&format!("/api/v1/{list}/export.csv")).await;
        assert_eq!(reply.status, StatusCode::OK, "{list}: {}", reply.body);
        assert_eq!(rows(&reply)[0][0], "external_id");
    }
    let one = app.get(&format!("/api/v1/leads/{id}")).await;
    assert_eq!(
        (one.status, s(&one.body["id"])),
        (StatusCode::OK, id.as_str())
    );
    let other = app.get("/api/v1/leads/export.json").await;
    assert_eq!(
        other.status,
        StatusCode::BAD_REQUEST,
        "still the {{id}} route"
    );
    let doc = app.get("/api/openapi.json").await.body;
    let op = &doc["paths"]["/api/v1/leads/export.csv"]["get"];
    assert_eq!(op["tags"], json!(["leads"]));
    assert!(
        op["responses"]["200"]["content"]["text/csv"].is_object(),
        "{op}"
    );
}

#[tokio::test]
async fn marketing_may_not_export_deals_and_anonymous_callers_nothing() {
    let app = TestApp::new().await;
    let marketing = app
        .token_for("mk@test.example", "marketing", None, "read")
        .await;
    let deals = app
        .as_user(&marketing, "GET", "/api/v1/opportunities/export.csv", None)
        .await;
    assert_eq!(deals.status, StatusCode::FORBIDDEN);
    let leads = app
        .as_user(&marketing, "GET", "/api/v1/leads/export.csv", None)
        .await;
    assert_eq!(leads.status, StatusCode::OK);
    let anonymous = app
        .as_user("", "GET", "/api/v1/leads/export.csv", None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_product_holding_the_list_separator_refuses_a_raw_export_only() {
    let app = TestApp::new().await;
    let r = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Ana", "email": "ana@firma.ro", "products": ["A; B"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let raw = app.get("/api/v1/leads/export.csv?raw=true").await;
    assert_eq!(
        (raw.status, raw.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "not_exportable")
    );
    assert!(s(&raw.body["detail"]).contains("\"A; B\""), "{}", raw.body);
    let safe = app.get("/api/v1/leads/export.csv").await;
    assert_eq!(column(&rows(&safe), "products"), ["A; B"]);
}

#[tokio::test]
async fn a_list_longer_than_a_page_comes_out_whole_with_one_header() {
    use sarnakh_core::domain::lead::LeadDraft;
    use sarnakh_core::service::Actor;
    let app = TestApp::new().await;
    for i in 0..450 {
        let draft = LeadDraft {
            first_name: Some(format!("Lead{i:03}")),
            email: Some(format!("lead{i:03}@example.com")),
            evidence: (i == 449)
                .then(|| ("budget".to_owned(), "approved".to_owned()))
                .into_iter()
                .collect(),
            ..LeadDraft::default()
        };
        app.services
            .capture_lead(&Actor::SYSTEM, &draft)
            .await
            .expect("captured");
    }
    let raw = rows(&app.get("/api/v1/leads/export.csv?raw=true&sort=name").await);
    assert_eq!(raw.len(), 451, "one header and every lead");
    let names = column(&raw, "first_name");
    assert_eq!(
        (names[0].as_str(), names[449].as_str()),
        ("Lead000", "Lead449")
    );
    assert_eq!(
        names
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        450
    );
    assert_eq!(raw[0].last().map(String::as_str), Some("evidence.budget"));
    assert_eq!(
        column(&raw, "evidence.budget")[449],
        "approved",
        "found on the last page"
    );
}
