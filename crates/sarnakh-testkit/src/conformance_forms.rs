//! Conformance behaviours of web forms: a submission makes a lead with the form's campaign,
//! products and queue and the visit's parameters, in one transaction; spam and over-cap
//! submissions are kept apart and can be accepted after review; invalid input stores nothing.

use crate::Fixture;
use chrono::Duration;
use sarnakh_core::Error;
use sarnakh_core::domain::event::EventDraft;
use sarnakh_core::domain::form::{FormDraft, SubmissionStatus};
use sarnakh_core::domain::{LeadSource, Team, TeamId};
use sarnakh_core::service::{Actor, SubmissionInput};
use sarnakh_core::store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;

fn values(pairs: &[(&str, &str)]) -> SubmissionInput {
    SubmissionInput {
        values: pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
        ..SubmissionInput::default()
    }
}

/// A valid form post, shown `shown_ms_ago` milliseconds before `now_ms`.
fn post(f: &Fixture, email: &str, shown_secs_ago: i64) -> SubmissionInput {
    use sarnakh_core::clock::Clock;
    let shown = (f.clock.now() - Duration::seconds(shown_secs_ago)).timestamp_millis();
    let mut input = values(&[
        ("first_name", "Ioana"),
        ("email", email),
        ("company_size", "120"),
        ("utm_source", "newsletter"),
        ("utm_campaign", "autumn"),
        ("landing_page", "https://www.example.ro/ebook"),
        ("_hp", ""),
    ]);
    input.values.insert("_t".into(), shown.to_string());
    input
}

/// Submissions make leads with the form's settings; spam and over-cap ones wait apart.
pub async fn web_forms_make_leads_and_keep_spam_and_overflow_apart(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let team = f
        .store
        .ensure_team(&Team {
            id: TeamId::new(),
            name: "Inbound".into(),
            created_at: f.rep.created_at,
        })
        .await
        .expect("team");
    let draft = FormDraft {
        name: Some("E-book".into()),
        fields: vec![
            ("first_name".into(), true),
            ("email".into(), true),
            ("company_size".into(), false),
        ],
        campaign: Some("E-book: 7 mistakes".into()),
        products: vec!["Sarnakh Team".into()],
        daily_cap: Some(2),
        team_id: Some(team.id),
        ..FormDraft::default()
    };
    let form = f
        .services
        .create_form(&f.actor(), &draft)
        .await
        .expect("create form");
    assert_eq!(form.key.len(), 22, "128 random bits, base64url");

    let visit = EventDraft {
        id: Some("pv-1".into()),
        kind: Some("page_view".into()),
        visitor_id: Some("vid-9".into()),
        url: Some("https://www.example.ro/pricing".into()),
        ..EventDraft::default()
    };
    f.services
        .ingest_events(&f.actor(), &[visit])
        .await
        .expect("anonymous visit");
    let mut first = post(&f, "ioana@firma.ro", 20);
    first.values.insert("_vid".into(), "vid-9".into());
    let out = f
        .services
        .submit_form(&form.key, &first)
        .await
        .expect("submit");
    assert_eq!(out.status, SubmissionStatus::Accepted);
    let lead = f
        .services
        .get_lead(&Actor::SYSTEM, out.lead_id.expect("a lead"))
        .await
        .expect("read lead");
    assert_eq!(lead.fields.source, LeadSource::WebForm);
    assert_eq!(lead.fields.campaign.as_deref(), Some("E-book: 7 mistakes"));
    assert_eq!(lead.fields.products, ["Sarnakh Team"]);
    assert_eq!(lead.fields.company_size, Some(120));
    assert_eq!(
        lead.team_id,
        Some(team.id),
        "the lead waits in the form's team queue"
    );
    assert_eq!(
        f.store.events_of(lead.id).await.expect("events").len(),
        1,
        "the visitor's earlier page view joined the lead"
    );
    let origin = f
        .services
        .lead_origin(&Actor::SYSTEM, lead.id)
        .await
        .expect("origin")
        .expect("from a form");
    assert_eq!(
        (
            origin.context.utm_source.as_deref(),
            origin.context.landing_page.as_deref()
        ),
        (Some("newsletter"), Some("https://www.example.ro/ebook"))
    );

    let trap = {
        let mut p = post(&f, "bot@spam.example", 20);
        p.values.insert("_hp".into(), "http://spam".into());
        p
    };
    let fast = post(&f, "fast@spam.example", 1);
    let untimed = values(&[("first_name", "X"), ("email", "x@spam.example")]);
    for (input, reason) in [
        (trap, "honeypot"),
        (fast, "too_fast"),
        (untimed, "no_timing"),
    ] {
        let out = f
            .services
            .submit_form(&form.key, &input)
            .await
            .expect("spam is answered like success");
        assert_eq!((out.status, out.lead_id), (SubmissionStatus::Spam, None));
        let spam = f
            .services
            .form_submissions(&f.actor(), form.id, SubmissionStatus::Spam)
            .await
            .expect("spam list");
        assert_eq!(spam[0].reason.as_deref(), Some(reason));
    }

    let before = f
        .services
        .form_submissions(&f.actor(), form.id, SubmissionStatus::Accepted)
        .await
        .expect("accepted")
        .len();
    let bad = values(&[
        ("first_name", ""),
        ("email", "not-an-email"),
        ("company_size", "many"),
    ]);
    let mut bad = bad;
    bad.values
        .insert("_t".into(), post(&f, "", 20).values["_t"].clone());
    let refused = f.services.submit_form(&form.key, &bad).await;
    let Err(Error::Validation(errors)) = refused else {
        panic!("invalid input must be refused: {refused:?}");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["first_name", "email", "company_size"],
        "{errors:?}"
    );
    assert_eq!(
        f.services
            .form_submissions(&f.actor(), form.id, SubmissionStatus::Accepted)
            .await
            .expect("accepted")
            .len(),
        before,
        "a refused submission stores nothing"
    );

    f.services
        .submit_form(&form.key, &post(&f, "second@firma.ro", 20))
        .await
        .expect("second of the day");
    let third = f
        .services
        .submit_form(&form.key, &post(&f, "third@firma.ro", 20))
        .await
        .expect("over the cap");
    assert_eq!(
        (third.status, third.lead_id),
        (SubmissionStatus::Held, None)
    );
    let held = f
        .services
        .form_submissions(&f.actor(), form.id, SubmissionStatus::Held)
        .await
        .expect("held");
    assert_eq!(held.len(), 1);
    let accepted = f
        .services
        .accept_submission(&f.actor(), held[0].id)
        .await
        .expect("accept after review");
    assert_eq!(
        accepted.fields.person.email.as_ref().map(|e| e.as_str()),
        Some("third@firma.ro")
    );
    let again = f.services.accept_submission(&f.actor(), held[0].id).await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    f.advance(Duration::days(1));
    let next_day = f
        .services
        .submit_form(&form.key, &post(&f, "fourth@firma.ro", 20))
        .await
        .expect("a new day");
    assert_eq!(next_day.status, SubmissionStatus::Accepted);

    let closed = FormDraft {
        active: Some(false),
        ..form.settings.to_draft()
    };
    f.services
        .update_form(&f.actor(), form.id, &closed, Some(1))
        .await
        .expect("deactivate");
    let gone = f
        .services
        .submit_form(&form.key, &post(&f, "late@firma.ro", 20))
        .await;
    assert!(matches!(gone, Err(Error::NotFound { .. })), "{gone:?}");
    let stale = f
        .services
        .update_form(&f.actor(), form.id, &closed, Some(1))
        .await;
    assert!(
        matches!(stale, Err(Error::PreconditionFailed { current: 2 })),
        "{stale:?}"
    );
}
