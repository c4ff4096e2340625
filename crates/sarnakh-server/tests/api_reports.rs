//! Reports over HTTP: the funnel, pipeline and win/loss documents of a small pipeline built
//! through the API, a rep's view limited to his records, and bad parameters refused with
//! 422 and the field named.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};

async fn user_id(app: &TestApp, token: &str) -> String {
    let me = app.as_user(token, "GET", "/api/v1/me", None).await.body;
    me["id"].as_str().expect("user id").to_owned()
}

/// A lead with every fit fact, owned by `owner`; returns its id.
async fn owned_lead(app: &TestApp, first: &str, company: &str, owner: &str) -> String {
    let lead = app.qualified_lead(first, company).await;
    let id = lead["id"].as_str().expect("id").to_owned();
    let set = app
        .send(
            "PATCH",
            &format!("/api/v1/leads/{id}"),
            json!({ "owner_id": owner }),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    id
}

/// Two leads of another rep (one won for 1200.50 EUR, one disqualified), one of the rep's
/// left as a lead; returns the rep's token.
async fn small_pipeline(app: &TestApp) -> String {
    let rep = app
        .token_for("rep@reports.example", "sales_rep", None, "write")
        .await;
    let rep_id = user_id(app, &rep).await;
    let other = app
        .token_for("other@reports.example", "sales_rep", None, "write")
        .await;
    let other_id = user_id(app, &other).await;
    let id = &owned_lead(app, "Darya", "Kavir", &other_id).await;
    let q = app
        .post(&format!("/api/v1/leads/{id}/qualify"), json!({}))
        .await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.body);
    let converted = app
        .post(
            &format!("/api/v1/leads/{id}/convert"),
            json!({ "opportunities": [
                { "name": "Kavir", "amount": "1200.50", "currency": "EUR", "product": "Team" },
                { "name": "Kavir 2", "amount": "300", "currency": "EUR", "stage": "proposal" }
            ] }),
        )
        .await;
    assert_eq!(converted.status, StatusCode::CREATED, "{}", converted.body);
    let deal = converted.body["opportunities"][0]["id"]
        .as_str()
        .expect("deal");
    let closed = app
        .post(
            &format!("/api/v1/opportunities/{deal}/close"),
            json!({ "outcome": "won" }),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    let id = &owned_lead(app, "Nima", "Alborz", &other_id).await;
    let d = app
        .post(
            &format!("/api/v1/leads/{id}/disqualify"),
            json!({ "reason": "no_budget" }),
        )
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    let mine = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Sahar", "email": "sahar@reports.example", "owner_id": rep_id }),
        )
        .await;
    assert_eq!(mine.status, StatusCode::CREATED, "{}", mine.body);
    rep
}

fn row(report: &Value) -> (u64, u64, u64, u64) {
    let t = &report["total"];
    let n = |k: &str| t[k].as_u64().expect("count");
    (n("leads"), n("prospects"), n("opportunities"), n("won"))
}

#[tokio::test]
async fn reports_answer_with_the_figures_and_a_rep_sees_only_his_records() {
    let app = TestApp::new().await;
    let rep = small_pipeline(&app).await;
    let funnel = app.get("/api/v1/reports/funnel").await;
    assert_eq!(funnel.status, StatusCode::OK, "{}", funnel.body);
    assert_eq!(funnel.body["mode"], "cohort");
    assert_eq!(row(&funnel.body), (3, 1, 1, 1));
    assert_eq!(funnel.body["total"]["opportunity_to_won"], 1.0);
    assert_eq!(
        funnel.body["disqualify_reasons"],
        json!([{ "reason": "no_budget", "count": 1 }])
    );
    let by_source = app
        .get("/api/v1/reports/funnel?group_by=source&mode=activity")
        .await;
    assert_eq!(by_source.status, StatusCode::OK, "{}", by_source.body);
    assert_eq!(by_source.body["rows"].as_array().map(Vec::len), Some(2));
    let theirs = app
        .as_user(&rep, "GET", "/api/v1/reports/funnel", None)
        .await;
    assert_eq!(row(&theirs.body), (1, 0, 0, 0), "{}", theirs.body);

    let pipeline = app.get("/api/v1/reports/pipeline").await;
    assert_eq!(pipeline.status, StatusCode::OK, "{}", pipeline.body);
    assert_eq!(pipeline.body["rows"][0]["stage"], "proposal");
    assert_eq!(pipeline.body["rows"][0]["amount"]["amount"], "300.00");
    assert_eq!(pipeline.body["rows"][0]["weighted"]["amount"], "180.00");
    assert_eq!(pipeline.body["weighting"], "stage");

    let win_loss = app.get("/api/v1/reports/win-loss?group_by=product").await;
    assert_eq!(win_loss.status, StatusCode::OK, "{}", win_loss.body);
    let team = &win_loss.body["rows"][0];
    assert_eq!(
        (team["group"].as_str(), team["won"].as_u64()),
        (Some("Team"), Some(1))
    );
    assert_eq!(team["amounts"][0]["won_amount"]["amount"], "1200.50");
    let theirs = app
        .as_user(&rep, "GET", "/api/v1/reports/win-loss", None)
        .await;
    assert_eq!(theirs.body["total"]["won"], 0, "{}", theirs.body);
}

#[tokio::test]
async fn bad_report_parameters_are_refused_with_the_field_named() {
    let app = TestApp::new().await;
    for (uri, field) in [
        ("/api/v1/reports/funnel?group_by=colour", "group_by"),
        ("/api/v1/reports/funnel?from=2026-03-10&to=2026-03-01", "to"),
        ("/api/v1/reports/funnel?from=yesterday", "from"),
        ("/api/v1/reports/funnel?mode=both", "mode"),
        ("/api/v1/reports/funnel?product=Team", "product"),
        ("/api/v1/reports/funnel?owner=nobody", "owner"),
        ("/api/v1/reports/pipeline?stuck_days=0", "stuck_days"),
        ("/api/v1/reports/win-loss?group_by=stage", "group_by"),
    ] {
        let reply = app.get(uri).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{uri}: {}",
            reply.body
        );
        assert_eq!(reply.fields(), [field], "{uri}");
    }
    let anonymous = app.as_user("", "GET", "/api/v1/reports/funnel", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn rates_convert_report_totals_and_refused_rates_write_nothing() {
    let app = TestApp::new().await;
    small_pipeline(&app).await;
    let set = app
        .send(
            "PUT",
            "/api/v1/settings/rates",
            json!({ "rates": [{ "currency": "RON", "rate": "0.2", "effective_on": "2026-01-01" }] }),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let sheet = json!({ "base": "EUR", "rates": [{ "currency": "RON", "rate": "0.2", "effective_on": "2026-01-01" }] });
    assert_eq!(set.body, sheet);
    for (body, field) in [
        (
            json!({ "rates": [{ "currency": "USD", "rate": "0.9" }, { "currency": "RON", "rate": "-1" }] }),
            "rates[1].rate",
        ),
        (
            json!({ "rates": [{ "currency": "EUR", "rate": "1" }] }),
            "rates[0].currency",
        ),
        (
            json!({ "rates": [{ "currency": "XYZ", "rate": "1" }] }),
            "rates[0].currency",
        ),
        (json!({ "base": "USD", "rates": [] }), "base"),
    ] {
        let refused = app.send("PUT", "/api/v1/settings/rates", body).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        assert_eq!(refused.fields(), [field]);
    }
    let rep = app
        .token_for("r2@reports.example", "sales_rep", None, "write")
        .await;
    let forbidden = app
        .as_user(
            &rep,
            "PUT",
            "/api/v1/settings/rates",
            Some(json!({ "rates": [{ "currency": "USD", "rate": "0.9" }] })),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/api/v1/settings/rates").await.body,
        sheet,
        "nothing was written"
    );

    let in_ron = app.get("/api/v1/reports/pipeline?currency=RON").await;
    assert_eq!(in_ron.status, StatusCode::OK, "{}", in_ron.body);
    let converted = &in_ron.body["converted_amount"];
    assert_eq!(
        converted["total"]["amount"], "1500.00",
        "300 EUR at 0.2 EUR per RON"
    );
    assert_eq!(converted["rates_used"][0]["currency"], "RON");
    assert_eq!(
        in_ron.body["converted_weighted"]["total"]["amount"],
        "900.00"
    );
    let won = app.get("/api/v1/reports/win-loss?currency=RON").await;
    assert_eq!(
        won.body["converted_won"]["total"]["amount"], "6002.50",
        "{}",
        won.body
    );
    for (currency, code) in [("USD", "no_rate"), ("XYZ", "invalid_currency")] {
        let refused = app
            .get(&format!("/api/v1/reports/win-loss?currency={currency}"))
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        assert_eq!(refused.fields(), ["currency"]);
        assert_eq!(refused.body["errors"][0]["code"], code);
    }
}

#[tokio::test]
async fn campaign_costs_are_recorded_by_marketing_and_refused_rows_write_nothing() {
    let app = TestApp::new().await;
    let marketing = app
        .token_for("m@reports.example", "marketing", None, "write")
        .await;
    let spring = json!({ "campaign": "spring", "amount": "1500", "currency": "EUR", "from": "2026-03-01", "to": "2026-03-31" });
    let set = app
        .as_user(
            &marketing,
            "PUT",
            "/api/v1/settings/campaign-costs",
            Some(json!({ "costs": [spring] })),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(set.body["costs"][0]["cost"]["amount"], "1500.00");
    let bad = json!({ "costs": [
        { "campaign": "autumn", "amount": "10", "currency": "EUR", "from": "2026-09-01" },
        { "campaign": "winter", "amount": "10", "currency": "EUR", "from": "2026-12-31", "to": "2026-12-01" },
        { "campaign": "", "amount": "ten", "currency": "EUR", "from": "2026-12-01" }
    ] });
    let refused = app
        .send("PUT", "/api/v1/settings/campaign-costs", bad)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(
        refused.fields(),
        ["costs[1].to", "costs[2].campaign", "costs[2].amount"]
    );
    let rep = app
        .token_for("r3@reports.example", "sales_rep", None, "write")
        .await;
    let forbidden = app
        .as_user(
            &rep,
            "PUT",
            "/api/v1/settings/campaign-costs",
            Some(json!({ "costs": [] })),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let listed = app.get("/api/v1/settings/campaign-costs").await.body;
    assert_eq!(
        listed["costs"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
}

#[tokio::test]
async fn sources_and_activity_answer_and_refuse_what_does_not_apply() {
    let app = TestApp::new().await;
    small_pipeline(&app).await;
    let sources = app.get("/api/v1/reports/sources").await;
    assert_eq!(sources.status, StatusCode::OK, "{}", sources.body);
    let webinar = &sources.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["group"] == "webinar")
        .cloned()
        .expect("webinar row");
    assert_eq!(
        (webinar["leads"].as_u64(), webinar["won_deals"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(webinar["revenue_converted"]["amount"], "1200.50");
    let activity = app.get("/api/v1/reports/activity").await;
    assert_eq!(activity.status, StatusCode::OK, "{}", activity.body);
    let leads: u64 = activity.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["leads"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(leads, 3);
    for (uri, field) in [
        ("/api/v1/reports/activity?source=webinar", "source"),
        ("/api/v1/reports/activity?group_by=source", "group_by"),
        ("/api/v1/reports/sources?group_by=owner", "group_by"),
        ("/api/v1/reports/sources?currency=usd", "currency"),
    ] {
        let reply = app.get(uri).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{uri}: {}",
            reply.body
        );
        assert_eq!(reply.fields(), [field], "{uri}");
    }
}
