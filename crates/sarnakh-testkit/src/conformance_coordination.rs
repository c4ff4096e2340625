//! Conformance behaviours of the coordination port: scheduled job claims (one instance per
//! interval, leases that run out, requested runs, the run log) and shared rate buckets.

use chrono::{DateTime, Duration, TimeZone, Utc};
use sarnakh_core::store::{RateDecision, Store};
use std::sync::Arc;
use uuid::Uuid;

const SECOND: i64 = 1_000_000;

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0)
        .single()
        .expect("valid time")
        + Duration::seconds(seconds)
}

/// Of many instances claiming one job at once exactly one gets it; nobody gets it again
/// before the interval has passed, a finished run releases it, a dead holder's lease runs
/// out, a request makes it due at once, and the log shows every run.
pub async fn scheduled_jobs_run_once_per_interval_across_instances(store: Arc<dyn Store>) {
    let every = 60 * SECOND;
    let lease = 300 * SECOND;
    let instances: Vec<Uuid> = (0..8).map(|_| Uuid::now_v7()).collect();
    let tasks: Vec<_> = instances
        .iter()
        .map(|&holder| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .claim_job("rescore", holder, at(0), every, lease)
                    .await
            })
        })
        .collect();
    let mut claims = Vec::new();
    for task in tasks {
        claims.push(task.await.expect("task").expect("claim"));
    }
    let won: Vec<_> = claims
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.as_ref().map(|c| (i, c.clone())))
        .collect();
    assert_eq!(
        won.len(),
        1,
        "exactly one of 8 concurrent claimers runs the job"
    );
    let (winner, claim) = won[0].clone();
    let holder = instances[winner];

    // Held and not due: nobody claims, not even the holder.
    for h in &instances {
        assert!(
            store
                .claim_job("rescore", *h, at(10), every, lease)
                .await
                .expect("claim")
                .is_none()
        );
    }
    store
        .finish_job(&claim, holder, at(20), "success", Some("12 leads rescored"))
        .await
        .expect("finish");
    // Released but not due until 60 s after the start.
    assert!(
        store
            .claim_job("rescore", instances[1], at(59), every, lease)
            .await
            .expect("claim")
            .is_none()
    );
    let second = store
        .claim_job("rescore", instances[1], at(60), every, lease)
        .await
        .expect("claim");
    let second = second.expect("due once the interval has passed since the last start");

    // Its holder dies: the lease runs out 300 s after the claim, then another takes over.
    assert!(
        store
            .claim_job("rescore", instances[2], at(359), every, lease)
            .await
            .expect("claim")
            .is_none()
    );
    let third = store
        .claim_job("rescore", instances[2], at(360), every, lease)
        .await
        .expect("claim");
    let third = third.expect("a dead holder's lease runs out");
    // The late finish of the dead run is logged but does not release the new holder's lease.
    store
        .finish_job(
            &second,
            instances[1],
            at(361),
            "failure",
            Some("instance stopped"),
        )
        .await
        .expect("finish");
    assert!(
        store
            .claim_job("rescore", instances[3], at(500), every, lease)
            .await
            .expect("claim")
            .is_none()
    );
    store
        .finish_job(&third, instances[2], at(501), "success", None)
        .await
        .expect("finish");

    // A request makes it due at once, once.
    store
        .request_job("rescore", at(502))
        .await
        .expect("request");
    let requested = store
        .claim_job("rescore", instances[4], at(503), every, lease)
        .await
        .expect("claim");
    let requested = requested.expect("a requested run is due at once");
    store
        .finish_job(&requested, instances[4], at(504), "skipped", None)
        .await
        .expect("finish");
    assert!(
        store
            .claim_job("rescore", instances[5], at(505), every, lease)
            .await
            .expect("claim")
            .is_none()
    );
    // Requesting a job never run creates it due.
    store
        .request_job("snapshot", at(0))
        .await
        .expect("request new");
    assert!(
        store
            .claim_job("snapshot", instances[0], at(1), 3600 * SECOND, lease)
            .await
            .expect("claim")
            .is_some()
    );

    let runs = store.job_runs(Some("rescore"), 10).await.expect("runs");
    let summary: Vec<_> = runs
        .iter()
        .map(|r| (r.started_at, r.holder, r.outcome.clone(), r.finished_at))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                at(503),
                instances[4],
                Some("skipped".to_owned()),
                Some(at(504))
            ),
            (
                at(360),
                instances[2],
                Some("success".to_owned()),
                Some(at(501))
            ),
            (
                at(60),
                instances[1],
                Some("failure".to_owned()),
                Some(at(361))
            ),
            (at(0), holder, Some("success".to_owned()), Some(at(20))),
        ]
    );
    assert_eq!(runs[3].detail.as_deref(), Some("12 leads rescored"));
    assert_eq!(store.job_runs(None, 10).await.expect("all runs").len(), 5);
    assert_eq!(store.job_runs(None, 2).await.expect("limited").len(), 2);

    // Pruning drops finished runs started before the cut, never running ones.
    let pruned = store
        .prune_coordination(at(600), at(100))
        .await
        .expect("prune");
    assert!(pruned >= 1);
    let left: Vec<_> = store
        .job_runs(None, 10)
        .await
        .expect("runs")
        .iter()
        .map(|r| r.started_at)
        .collect();
    assert_eq!(
        left,
        vec![at(503), at(360), at(1)],
        "finished runs before the cut are gone; the running snapshot stays"
    );
}

/// A bucket lets `burst` requests through at once and then one per interval, says how long
/// to wait, is exact under concurrency, keeps keys apart, and pruning only removes full
/// buckets.
pub async fn shared_rate_buckets_count_exactly(store: Arc<dyn Store>) {
    let interval = SECOND / 2; // 2 a second
    for i in 0..5 {
        assert_eq!(
            store
                .take_rate("token:a", at(0), interval, 5)
                .await
                .expect("take"),
            RateDecision::Allowed,
            "request {i} of the burst"
        );
    }
    match store
        .take_rate("token:a", at(0), interval, 5)
        .await
        .expect("take")
    {
        RateDecision::Limited { retry_after_micros } => assert_eq!(retry_after_micros, interval),
        RateDecision::Allowed => panic!("the sixth request of a burst of 5 must be refused"),
    }
    // A refused request does not use up capacity: after one interval exactly one more.
    assert_eq!(
        store
            .take_rate("token:a", at(0) + Duration::milliseconds(500), interval, 5)
            .await
            .expect("take"),
        RateDecision::Allowed
    );
    assert!(matches!(
        store
            .take_rate("token:a", at(0) + Duration::milliseconds(500), interval, 5)
            .await
            .expect("take"),
        RateDecision::Limited { .. }
    ));
    // Another key is untouched.
    assert_eq!(
        store
            .take_rate("token:b", at(0), interval, 5)
            .await
            .expect("take"),
        RateDecision::Allowed
    );
    // After a long pause the whole burst is back, no more.
    let later = at(100);
    let mut allowed = 0;
    for _ in 0..8 {
        if store
            .take_rate("token:a", later, interval, 5)
            .await
            .expect("take")
            == RateDecision::Allowed
        {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 5);

    // Concurrent requests from several instances share one bucket exactly.
    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.take_rate("token:c", at(0), 60 * SECOND, 7).await })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task").expect("take"));
    }
    assert_eq!(
        results
            .iter()
            .filter(|r| **r == RateDecision::Allowed)
            .count(),
        7
    );

    // Pruning at a time when "token:b" is full again removes it (and nothing else); the
    // busy "token:a" keeps its state: its next request is at 102.5 s.
    assert_eq!(
        store.prune_coordination(at(1), at(0)).await.expect("prune"),
        1
    );
    assert_eq!(
        store
            .take_rate("token:a", at(1), interval, 1)
            .await
            .expect("take"),
        RateDecision::Limited {
            retry_after_micros: 101 * SECOND + SECOND / 2
        }
    );
}
