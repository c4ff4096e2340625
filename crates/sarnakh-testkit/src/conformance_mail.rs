//! Conformance behaviours of email and the calendar feed: the once-only mail claim (one
//! winner among concurrent claimers, failures retried after their time, expired claims
//! taken over, abandoned after the attempt limit), the daily digest choice, the calendar
//! feed secret (stored as a digest; rotating and revoking make old addresses unknown), and
//! the leads that may have missed their first-contact target.

use crate::Fixture;
use crate::builders::lead;
use crate::conformance_policy::signed_in;
use chrono::Duration;
use sarnakh_core::Error;
use sarnakh_core::clock::Clock;
use sarnakh_core::domain::TokenScope;
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::sla::SlaSettings;
use sarnakh_core::service::{
    ActivityDraft, FinishedMail, MAIL_LOG_KEEP_DAYS, MAX_MAIL_ATTEMPTS, TaskDraft,
};
use sarnakh_core::store::{ClaimRequest, MailKind, MailStatus, Store};
use std::sync::Arc;

async fn status_of(f: &Fixture, kind: MailKind, key: &str) -> (MailStatus, u32) {
    let log = f
        .services
        .mail_log(kind, f.clock.now() - Duration::days(30))
        .await
        .expect("mail log");
    let e = log.iter().find(|e| e.key == key).expect("logged");
    (e.status, e.attempts)
}

/// Every digest row still in the log.
async fn digests(f: &Fixture) -> Vec<sarnakh_core::store::MailLogEntry> {
    let since = f.clock.now() - Duration::days(400);
    f.services
        .mail_log(MailKind::Digest, since)
        .await
        .expect("mail log")
}

/// A mail is claimed once; a failure waits for its retry time, an expired claim is taken
/// over, and the attempt limit ends in `abandoned`.
pub async fn mail_claims_are_once_only_retried_and_abandoned(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let s = &f.services;
    let me = f.rep.id;
    let first = s
        .claim_mail(MailKind::Digest, me, "2026-03-02")
        .await
        .expect("claim")
        .expect("the first claim wins");
    assert_eq!(first.attempt, 1);
    assert_eq!(
        s.claim_mail(MailKind::Digest, me, "2026-03-02")
            .await
            .expect("claim"),
        None,
        "claimed once"
    );
    // The same key of another kind or another day is another mail.
    assert!(
        s.claim_mail(MailKind::SlaBreach, me, "2026-03-02")
            .await
            .expect("claim")
            .is_some()
    );
    s.finish_mail(first, FinishedMail::Failed("421 busy".into()))
        .await
        .expect("finish");
    assert_eq!(
        status_of(&f, MailKind::Digest, "2026-03-02").await,
        (MailStatus::Failed, 1)
    );
    assert_eq!(
        s.claim_mail(MailKind::Digest, me, "2026-03-02")
            .await
            .expect("claim"),
        None,
        "not before its retry time"
    );
    f.advance(Duration::minutes(3));
    let second = s
        .claim_mail(MailKind::Digest, me, "2026-03-02")
        .await
        .expect("claim")
        .expect("retried");
    assert_eq!(second.attempt, 2);
    s.finish_mail(second, FinishedMail::Sent)
        .await
        .expect("finish");
    assert_eq!(
        status_of(&f, MailKind::Digest, "2026-03-02").await,
        (MailStatus::Sent, 2)
    );
    f.advance(Duration::days(1));
    assert_eq!(
        s.claim_mail(MailKind::Digest, me, "2026-03-02")
            .await
            .expect("claim"),
        None,
        "a sent mail is never sent again"
    );

    // A claim whose sender died expires and is taken over, up to the attempt limit.
    let mut last = 0;
    for _ in 0..MAX_MAIL_ATTEMPTS {
        let claim = s
            .claim_mail(MailKind::Digest, me, "lost")
            .await
            .expect("claim")
            .expect("claimable once the lease expired");
        assert!(claim.attempt > last);
        last = claim.attempt;
        assert_eq!(
            s.claim_mail(MailKind::Digest, me, "lost")
                .await
                .expect("claim"),
            None,
            "held while the lease runs"
        );
        f.advance(Duration::minutes(11));
    }
    assert_eq!(last, MAX_MAIL_ATTEMPTS);
    assert_eq!(
        s.claim_mail(MailKind::Digest, me, "lost")
            .await
            .expect("claim"),
        None
    );
    let (status, attempts) = status_of(&f, MailKind::Digest, "lost").await;
    assert_eq!(
        (status, attempts),
        (MailStatus::Abandoned, MAX_MAIL_ATTEMPTS)
    );
    let settled = s.mail_settled(MailKind::Digest).await.expect("settled");
    assert!(settled.contains(&(me, "lost".to_owned())));
    assert!(settled.contains(&(me, "2026-03-02".to_owned())));

    // Housekeeping keeps the log for MAIL_LOG_KEEP_DAYS, then deletes it (the rows were
    // claimed over the last day and an hour).
    f.advance(Duration::days(MAIL_LOG_KEEP_DAYS - 2));
    assert_eq!(
        s.prune_mail_log().await.expect("prune"),
        0,
        "kept inside the window"
    );
    assert_eq!(digests(&f).await.len(), 2);
    f.advance(Duration::days(3));
    assert_eq!(
        s.prune_mail_log().await.expect("prune"),
        3,
        "both digests and the alert"
    );
    assert!(digests(&f).await.is_empty());
}

/// Of many instances claiming the same mail at once, exactly one wins.
pub async fn concurrent_mail_claims_have_one_winner(store: Arc<dyn Store>) {
    let f = Fixture::new(store.clone()).await;
    let now = f.clock.now();
    let user = f.rep.id;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let store = store.clone();
        tasks.spawn(async move {
            store
                .claim_mail(&ClaimRequest {
                    kind: MailKind::SlaBreach,
                    recipient: user,
                    key: "lead-1",
                    now,
                    lease_until: now + Duration::minutes(10),
                    max_attempts: 5,
                })
                .await
                .expect("claim")
        });
    }
    let mut winners = 0;
    while let Some(result) = tasks.join_next().await {
        winners += usize::from(result.expect("task").is_some());
    }
    assert_eq!(winners, 1);
}

/// The digest choice is per user and on by default; a calendar feed secret reads back its
/// owner's open follow-ups only while it is the current one.
pub async fn digest_choice_and_calendar_feed_secrets_are_kept_per_user(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let s = &f.services;
    let (rep, rep_user) = signed_in(&f, "r@m.example", "sales_rep", None, TokenScope::Write).await;
    let (other, other_user) =
        signed_in(&f, "o@m.example", "sales_rep", None, TokenScope::Write).await;
    let (reader, _) = signed_in(&f, "ro@m.example", "sales_rep", None, TokenScope::Read).await;
    assert!(s.email_digest_on(&rep).await.expect("read"));
    s.set_email_digest(&rep, false).await.expect("off");
    assert!(!s.email_digest_on(&rep).await.expect("read"));
    assert!(s.email_digest_on(&other).await.expect("read"));
    assert!(matches!(
        s.set_email_digest(&reader, false).await,
        Err(Error::Forbidden(_))
    ));
    let due = s.digests_due(0).await.expect("due");
    assert!(due.iter().all(|(u, _)| u.id != rep_user.id), "opted out");
    assert!(due.iter().any(|(u, _)| u.id == other_user.id));

    let task = |title: &str| TaskDraft {
        title: Some(title.into()),
        due_at: Some("2026-03-03T09:00:00Z".into()),
        ..TaskDraft::default()
    };
    s.create_task(&rep, &task("Call Arash"))
        .await
        .expect("task");
    s.create_task(&other, &task("Someone else's call"))
        .await
        .expect("task");
    assert!(matches!(
        s.revoke_calendar_token(&rep).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        s.create_calendar_token(&reader).await,
        Err(Error::Forbidden(_))
    ));
    let first = s.create_calendar_token(&rep).await.expect("token");
    assert_eq!(
        s.calendar_token_at(&rep).await.expect("at"),
        Some(f.clock.now())
    );
    let (owner, tasks) = s.calendar_feed(&first).await.expect("feed");
    assert_eq!(owner.id, rep_user.id);
    let titles: Vec<_> = tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["Call Arash"]);
    let second = s.create_calendar_token(&rep).await.expect("rotate");
    assert_ne!(first, second);
    assert!(matches!(
        s.calendar_feed(&first).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        s.calendar_feed("cal_guess").await,
        Err(Error::NotFound { .. })
    ));
    s.revoke_calendar_token(&rep).await.expect("revoke");
    assert!(matches!(
        s.calendar_feed(&second).await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(s.calendar_token_at(&rep).await.expect("at"), None);
    assert!(
        s.email_digest_on(&rep).await.is_ok_and(|on| !on),
        "the feed does not touch the digest choice"
    );
}

/// Only open, owned, uncontacted leads can miss their first-contact target, and an alert
/// goes to the owner and their team's manager once the target has passed.
pub async fn first_contact_breaches_are_found_for_owned_uncontacted_leads(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let s = &f.services;
    let (_, manager) = signed_in(
        &f,
        "m@sla.example",
        "sales_manager",
        Some("North"),
        TokenScope::Write,
    )
    .await;
    let (rep, rep_user) = signed_in(
        &f,
        "r@sla.example",
        "sales_rep",
        Some("North"),
        TokenScope::Write,
    )
    .await;
    let system = sarnakh_core::service::Actor::SYSTEM;
    s.set_sla_settings(
        &system,
        SlaSettings {
            first_contact_minutes: 30,
            working_hours: None,
        },
    )
    .await
    .expect("sla");
    let owned = |first: &str, email: &str| LeadDraft {
        owner_id: Some(rep_user.id),
        ..lead(first, email)
    };
    let waiting = s
        .capture_lead(&system, &owned("Waiting", "w@x.example"))
        .await
        .expect("lead");
    let called = s
        .capture_lead(&system, &owned("Called", "c@x.example"))
        .await
        .expect("lead");
    s.capture_lead(&system, &lead("Unowned", "u@x.example"))
        .await
        .expect("lead");
    s.log_activity(
        &rep,
        &ActivityDraft {
            subject_type: Some("lead".into()),
            subject_id: Some(called.id.to_string()),
            kind: Some("call".into()),
            summary: Some("First call".into()),
            ..ActivityDraft::default()
        },
    )
    .await
    .expect("call");
    assert!(
        s.sla_alerts_due().await.expect("alerts").is_empty(),
        "not yet due"
    );
    f.advance(Duration::minutes(31));
    let alerts = s.sla_alerts_due().await.expect("alerts");
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].lead.id, waiting.id);
    let to: Vec<_> = alerts[0].recipients.iter().map(|u| u.id).collect();
    assert_eq!(to, [rep_user.id, manager.id]);
    f.advance(Duration::days(2));
    assert!(
        s.sla_alerts_due().await.expect("alerts").is_empty(),
        "a breach older than a day gets no alert"
    );
}
