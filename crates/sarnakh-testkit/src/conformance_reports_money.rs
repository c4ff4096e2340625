//! Conformance behaviours of exchange rates and campaign costs: they round-trip through
//! each store, a refused batch writes nothing, and the pipeline's converted total equals a
//! plain integer recount with the rate in force.

use crate::Fixture;
use crate::report_data::build;
use sarnakh_core::Error;
use sarnakh_core::domain::OpportunityStatus;
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::service::{Actor, CostInput, RateInput};
use sarnakh_core::store::Store;
use std::sync::Arc;

fn rate(currency: &str, rate: &str, on: &str) -> RateInput {
    RateInput {
        currency: Some(currency.into()),
        rate: Some(rate.into()),
        effective_on: Some(on.into()),
    }
}

fn cost(campaign: &str, amount: &str, from: &str, to: Option<&str>) -> CostInput {
    CostInput {
        campaign: Some(campaign.into()),
        amount: Some(amount.into()),
        currency: Some("EUR".into()),
        from: Some(from.into()),
        to: to.map(Into::into),
    }
}

/// Rates and costs read back as written, are replaced by day, refused batches write
/// nothing, and the pipeline converts RON deals with the latest rate in force.
pub async fn rates_and_costs_round_trip_and_convert_the_pipeline(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let d = build(&f).await;
    let s = &f.services;
    let sys = Actor::SYSTEM;
    let first = [
        rate("RON", "0.2", "2026-01-01"),
        rate("USD", "0.9", "2026-01-01"),
    ];
    s.set_exchange_rates(&sys, None, &first)
        .await
        .expect("rates");
    s.set_exchange_rates(&sys, None, &[rate("RON", "0.25", "2026-03-01")])
        .await
        .expect("newer");
    let sheet = s.exchange_rates().await.expect("sheet");
    let listed: Vec<(&str, String, i64)> = sheet
        .rates
        .iter()
        .map(|r| (r.currency.code(), r.effective_on.to_string(), r.rate_e12))
        .collect();
    let e12 = 1_000_000_000_000_i64;
    let want = [
        ("RON", "2026-01-01".to_owned(), e12 / 5),
        ("RON", "2026-03-01".to_owned(), e12 / 4),
        ("USD", "2026-01-01".to_owned(), e12 / 10 * 9),
    ];
    assert_eq!(listed, want);
    let refused = s
        .set_exchange_rates(
            &sys,
            None,
            &[
                rate("GBP", "1.1", "2026-01-01"),
                rate("RON", "0", "2026-01-01"),
            ],
        )
        .await;
    assert!(matches!(refused, Err(Error::Validation(_))), "{refused:?}");
    assert_eq!(
        s.exchange_rates().await.expect("sheet").rates,
        sheet.rates,
        "nothing written"
    );

    s.set_campaign_costs(
        &sys,
        &[cost("spring", "1500", "2026-03-01", Some("2026-03-31"))],
    )
    .await
    .expect("cost");
    let replaced = s
        .set_campaign_costs(&sys, &[cost("spring", "1750.50", "2026-03-01", None)])
        .await
        .expect("replace");
    assert_eq!(replaced.len(), 1);
    assert_eq!(
        (replaced[0].amount.minor(), replaced[0].ends_on.to_string()),
        (175_050, "2026-03-01".into())
    );
    let bad = s
        .set_campaign_costs(
            &sys,
            &[
                cost("autumn", "10", "2026-09-01", None),
                cost("x", "10", "2026-09-02", Some("2026-09-01")),
            ],
        )
        .await;
    assert!(matches!(bad, Err(Error::Validation(_))), "{bad:?}");
    assert_eq!(
        s.campaign_costs().await.expect("costs"),
        replaced,
        "nothing written"
    );

    let report = s
        .pipeline_report(&sys, &ReportQuery::default())
        .await
        .expect("pipeline");
    let (mut eur, mut ron) = (0_i64, 0_i64);
    for o in d
        .recs
        .iter()
        .flat_map(|r| &r.deals)
        .filter(|o| o.status == OpportunityStatus::Open)
    {
        match o.amount.currency().code() {
            "EUR" => eur += o.amount.minor(),
            "RON" => ron += o.amount.minor(),
            other => panic!("unexpected currency {other}"),
        }
    }
    assert!(eur > 0 && ron > 0);
    // RON and EUR both have two decimals; 0.25 EUR per RON, rounded half up once.
    assert_eq!(report.converted_amount.minor, eur + (ron + 2) / 4);
    assert!(report.converted_amount.unconverted.is_empty());
    let in_usd = s
        .pipeline_report(
            &sys,
            &ReportQuery {
                currency: Some("USD".into()),
                ..ReportQuery::default()
            },
        )
        .await
        .expect("in USD");
    // x EUR is x / 0.9 USD; x RON is x * 0.25 / 0.9 = 5x / 18 USD; round(n / d) = (2n + d) / 2d.
    let round = |n: i64, d: i64| (2 * n + d) / (2 * d);
    assert_eq!(
        in_usd.converted_amount.minor,
        round(10 * eur, 9) + round(5 * ron, 18)
    );
    let used: Vec<&str> = in_usd
        .converter
        .used(["EUR", "RON"])
        .iter()
        .map(|r| r.currency.code())
        .collect();
    assert_eq!(used, ["RON", "USD"]);
}
