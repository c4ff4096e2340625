//! Conformance behaviour of a lead's first contact, which the store keeps on the lead for
//! the sources and activity reports: the earliest call, email, meeting or demo wins
//! whatever order they are logged in, a note does not count, and a merge leaves the
//! earlier of the two on the survivor and none on the absorbed lead.

use crate::Fixture;
use crate::builders::lead;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sarnakh_core::domain::LeadId;
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::service::{ActivityDraft, MergeInput};
use sarnakh_core::store::Store;
use std::sync::Arc;

async fn log(f: &Fixture, lead: LeadId, kind: &str, at: DateTime<Utc>) {
    let draft = ActivityDraft {
        subject_type: Some("lead".into()),
        subject_id: Some(lead.to_string()),
        kind: Some(kind.into()),
        summary: Some(format!("{kind} logged")),
        occurred_at: Some(at.to_rfc3339_opts(SecondsFormat::Micros, true)),
        ..ActivityDraft::default()
    };
    f.services
        .log_activity(&f.actor(), &draft)
        .await
        .expect("activity");
}

/// (contacted leads, median seconds to first contact) of the day's sources report.
async fn contacts(f: &Fixture, day: &str) -> (u64, Option<i64>) {
    let q = ReportQuery {
        from: Some(day.into()),
        to: Some(day.into()),
        ..ReportQuery::default()
    };
    let report = f
        .services
        .sources_report(&f.actor(), &q)
        .await
        .expect("sources report");
    let contacted = report.rows.iter().map(|r| r.contacted).sum();
    let medians: Vec<_> = report
        .rows
        .iter()
        .filter_map(|r| r.median_first_contact_seconds)
        .collect();
    assert!(medians.len() <= 1, "one source: {medians:?}");
    (contacted, medians.first().copied())
}

/// Logged out of order, the earliest contact counts; notes never do; a merge moves the
/// earlier first contact to the survivor and clears the absorbed lead's.
pub async fn first_contact_is_the_earliest_and_survives_a_merge(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let a = f
        .services
        .capture_lead(&f.actor(), &lead("Ana", "ana@example.ro"))
        .await
        .expect("a");
    let b = f
        .services
        .capture_lead(&f.actor(), &lead("Radu", "radu@other.example"))
        .await
        .expect("b");
    let day = a.created_at.date_naive().to_string();
    let t0 = a.created_at;
    log(&f, a.id, "note", t0 + Duration::minutes(5)).await;
    assert_eq!(contacts(&f, &day).await, (0, None), "a note is no contact");
    log(&f, a.id, "call", t0 + Duration::minutes(50)).await;
    // An email logged afterwards that happened before the call.
    let email_at = t0 + Duration::minutes(30) + Duration::milliseconds(999);
    log(&f, a.id, "email", email_at).await;
    log(&f, b.id, "demo", b.created_at + Duration::minutes(10)).await;
    let wait_a = email_at.timestamp() - a.created_at.timestamp();
    let wait_b = 600;
    assert_eq!(
        contacts(&f, &day).await,
        (2, Some((wait_a + wait_b).div_euclid(2)))
    );
    f.advance(Duration::hours(2));
    f.services
        .merge_leads(
            &f.actor(),
            a.id,
            &MergeInput {
                other: Some(b.id),
                expected_version: Some(a.version),
                ..MergeInput::default()
            },
        )
        .await
        .expect("merge");
    let demo_wait = (b.created_at + Duration::minutes(10)).timestamp() - a.created_at.timestamp();
    assert_eq!(
        contacts(&f, &day).await,
        (1, Some(demo_wait.min(wait_a))),
        "the survivor keeps the earlier contact, the absorbed lead has none"
    );
}
