//! Subscription validation, matching, the backoff schedule and the payload.

use super::*;
use chrono::TimeZone;

fn draft(url: &str, events: &[&str]) -> WebhookDraft {
    WebhookDraft {
        url: Some(url.into()),
        events: Some(events.iter().map(|e| (*e).to_owned()).collect()),
        ..WebhookDraft::default()
    }
}

fn fields(err: crate::Error) -> Vec<(String, String)> {
    match err {
        crate::Error::Validation(v) => v
            .into_iter()
            .map(|f| (f.field, f.code.to_owned()))
            .collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_valid_subscription_sorts_and_deduplicates_its_events() {
    let f = draft(
        "https://hooks.example.com/in",
        &["lead.qualified", "lead.created", "lead.created"],
    )
    .validate(true, false)
    .expect("valid");
    assert_eq!(
        f.events,
        Some(vec!["lead.created".into(), "lead.qualified".into()])
    );
    assert_eq!(f.url.as_deref(), Some("https://hooks.example.com/in"));
}

#[test]
fn a_star_subscribes_to_everything() {
    let f = draft("https://hooks.example.com/", &["lead.created", "*"])
        .validate(true, false)
        .expect("ok");
    assert_eq!(f.events, Some(vec!["*".into()]));
}

#[test]
fn unknown_events_and_private_urls_are_field_errors() {
    let err = draft("http://10.0.0.5/in", &["lead.exploded"])
        .validate(true, false)
        .expect_err("refused");
    let f = fields(err);
    assert!(f.contains(&("url".into(), "refused_url".into())), "{f:?}");
    assert!(
        f.contains(&("events".into(), "unknown_event_type".into())),
        "{f:?}"
    );
}

#[test]
fn creating_needs_url_and_events_but_a_patch_does_not() {
    let f = fields(
        WebhookDraft::default()
            .validate(true, false)
            .expect_err("refused"),
    );
    assert_eq!(
        f,
        vec![
            ("url".into(), "required".into()),
            ("events".into(), "required".into())
        ]
    );
    assert!(WebhookDraft::default().validate(false, false).is_ok());
    let empty = WebhookDraft {
        events: Some(vec![]),
        ..WebhookDraft::default()
    };
    assert_eq!(
        fields(empty.validate(false, false).expect_err("refused")),
        vec![("events".into(), "required".into())]
    );
}

#[test]
fn a_subscription_wants_its_events_only_while_active() {
    let now = Utc::now();
    let mut w = Webhook {
        id: WebhookId::new(),
        url: "https://x.example/".into(),
        events: vec!["lead.created".into()],
        active: true,
        secret: "s".into(),
        description: None,
        created_by: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    assert!(w.wants("lead.created") && !w.wants("lead.qualified"));
    w.events = vec!["*".into()];
    assert!(w.wants("task.overdue"));
    w.active = false;
    assert!(!w.wants("task.overdue"));
}

#[test]
fn the_backoff_grows_with_jitter_and_ends_after_eight_attempts() {
    let secs = |a, j| retry_delay(a, j).map(|d| d.as_secs());
    assert_eq!(secs(1, 0.5), Some(30));
    assert_eq!(secs(2, 0.5), Some(120));
    assert_eq!(secs(3, 0.5), Some(600));
    assert_eq!(secs(7, 0.5), Some(6 * 3600));
    assert_eq!(secs(1, 0.0), Some(24));
    assert_eq!(secs(1, 1.0), Some(36));
    assert_eq!(retry_delay(8, 0.5), None);
    assert_eq!(retry_delay(0, 0.5), None);
    let mut last = 0;
    for a in 1..MAX_ATTEMPTS {
        let d = secs(a, 0.5).expect("a retry");
        assert!(d > last, "attempt {a} waits longer");
        last = d;
    }
}

#[test]
fn an_attempt_delivers_on_2xx_retries_otherwise_and_dies_at_the_last() {
    let now = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("time");
    let ok = after_attempt(1, Some(204), None, now, 0.5);
    assert_eq!(ok.status, DeliveryStatus::Delivered);
    let retry = after_attempt(1, Some(500), None, now, 0.5);
    assert_eq!(retry.status, DeliveryStatus::Pending);
    assert_eq!(retry.next_attempt_at, now + chrono::Duration::seconds(30));
    assert_eq!(retry.error.as_deref(), Some("the subscriber answered 500"));
    let redirect = after_attempt(2, Some(302), Some("redirect not followed".into()), now, 0.5);
    assert_eq!(redirect.status, DeliveryStatus::Pending);
    assert_eq!(redirect.error.as_deref(), Some("redirect not followed"));
    let dead = after_attempt(MAX_ATTEMPTS, None, Some("timed out".into()), now, 0.5);
    assert_eq!(dead.status, DeliveryStatus::Dead);
}

#[test]
fn the_payload_has_the_documented_shape() {
    let id = Uuid::now_v7();
    let subject = Uuid::now_v7();
    let e = OutboxEvent {
        id,
        event_type: "lead.qualified".into(),
        subject_type: "lead".into(),
        subject_id: subject,
        occurred_at: Utc
            .with_ymd_and_hms(2026, 11, 29, 10, 0, 0)
            .single()
            .expect("time"),
        seq: Some(42),
        actor_id: None,
        data: HistoryData {
            from: Some("lead/open".into()),
            to: Some("prospect/open".into()),
            ..HistoryData::default()
        }
        .to_json(),
    };
    let v: Value = serde_json::from_str(&e.payload()).expect("json");
    assert_eq!(v["id"], id.to_string());
    assert_eq!(v["type"], "lead.qualified");
    assert_eq!(v["seq"], 42);
    assert_eq!(v["occurred_at"], "2026-11-29T10:00:00Z");
    assert_eq!(v["subject"], json!({ "type": "lead", "id": subject }));
    assert_eq!(v["data"]["from"], "lead/open");
    assert_eq!(v["data"]["changes"], json!([]));
    assert!(v["actor_id"].is_null());
}
