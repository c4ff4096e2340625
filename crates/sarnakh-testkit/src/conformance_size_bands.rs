//! Conformance behaviour of win/loss by deal size: each closed deal falls in the band of
//! its amount converted into the reporting currency, recounted with plain loops.

use crate::conformance_forecast::{close_some, reread, world};
use chrono::Duration;
use sarnakh_core::domain::OpportunityStatus;
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::service::{Actor, CloseDraft};
use sarnakh_core::store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Band limits in EUR, as the report uses them.
const LIMITS: [i64; 4] = [1_000, 5_000, 20_000, 100_000];

fn band(eur_minor: i64) -> String {
    let major_cents = |l: i64| l * 100;
    let i = LIMITS
        .iter()
        .position(|l| eur_minor < major_cents(*l))
        .unwrap_or(LIMITS.len());
    let low = if i == 0 { 0 } else { LIMITS[i - 1] };
    match LIMITS.get(i) {
        Some(high) => format!("{low}-{high}"),
        None => format!("{low}+"),
    }
}

/// Win/loss grouped by size counts each closed deal in the band of its converted amount.
pub async fn win_loss_by_deal_size_counts_each_band(store: Arc<dyn Store>) {
    let mut w = world(store).await;
    w.f.advance(Duration::days(2));
    close_some(&mut w).await;
    let lose = CloseDraft {
        outcome: Some("lost".into()),
        reason: Some("timing".into()),
        ..CloseDraft::default()
    };
    for i in [7, 9] {
        w.f.services
            .close_opportunity(&Actor::SYSTEM, w.deals[i].id, &lose)
            .await
            .expect("lose");
    }
    reread(&mut w).await;
    let q = ReportQuery {
        group_by: Some("size".into()),
        ..ReportQuery::default()
    };
    let r =
        w.f.services
            .win_loss_report(&Actor::SYSTEM, &q)
            .await
            .expect("win/loss by size");
    let mut want: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for o in w
        .deals
        .iter()
        .filter(|o| o.status != OpportunityStatus::Open)
    {
        let minor = o.amount.minor();
        let eur = if o.amount.currency().code() == "RON" {
            (minor + 2) / 5
        } else {
            minor
        };
        let e = want.entry(band(eur)).or_default();
        if o.status == OpportunityStatus::Won {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    let got: BTreeMap<String, (u64, u64)> = r
        .rows
        .iter()
        .map(|row| {
            (
                row.group.clone().expect("every currency has a rate"),
                (row.won, row.lost),
            )
        })
        .collect();
    assert_eq!(got, want);
    assert!(got.len() >= 2, "the deals span bands: {got:?}");
    let order: Vec<String> = r.rows.iter().filter_map(|x| x.group.clone()).collect();
    let mut sorted = order.clone();
    sorted.sort_by_key(|g| {
        g.split(['-', '+'])
            .next()
            .and_then(|n| n.parse::<i64>().ok())
    });
    assert_eq!(order, sorted, "bands come in size order");
    let refused = ReportQuery {
        group_by: Some("size".into()),
        ..ReportQuery::default()
    };
    assert!(
        w.f.services
            .pipeline_report(&Actor::SYSTEM, &refused)
            .await
            .is_err(),
        "the pipeline does not group by size"
    );
}
