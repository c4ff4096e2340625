use super::*;
use crate::domain::lead::LeadDraft;
use proptest::prelude::*;

fn lead(draft: LeadDraft) -> Lead {
    crate::domain::test_support::lead_with_score(draft, 0)
}

#[test]
fn a_senior_buyer_at_a_fitting_company_scores_a_and_free_mail_costs_points() {
    let rules = ScoringRules::default_b2b();
    let strong = LeadDraft {
        first_name: Some("Mihai".into()),
        email: Some("mihai@alfa.ro".into()),
        job_title: Some("Director vânzări".into()),
        company_size: Some(300),
        industry: Some("Retail".into()),
        need: Some("Lost follow-ups".into()),
        decision_role: Some("decision_maker".into()),
        ..LeadDraft::default()
    };
    let s = rules.score(&lead(strong));
    assert_eq!((s.total, s.grade), (65, Grade::A));
    let weak = LeadDraft {
        first_name: Some("Ali".into()),
        email: Some("ali@gmail.com".into()),
        ..LeadDraft::default()
    };
    let s = rules.score(&lead(weak));
    assert_eq!(
        (
            s.total,
            s.grade,
            s.lines.iter().map(|l| l.code.as_str()).collect::<Vec<_>>()
        ),
        (-10, Grade::D, vec!["free_mail"])
    );
}

#[test]
fn bad_scoring_rules_are_refused() {
    let mut rules = ScoringRules::default_b2b();
    rules.fit[0].points = 0;
    assert_eq!(rules.check().map_err(|e| e.code), Err("invalid_points"));
    let mut rules = ScoringRules::default_b2b();
    rules.fit[0].rule = Rule::MinScore { min: 5 };
    assert_eq!(rules.check().map_err(|e| e.code), Err("invalid_rule"));
    let mut rules = ScoringRules::default_b2b();
    rules.grades = Grades { a: 10, b: 20, c: 5 };
    assert_eq!(rules.check().map_err(|e| e.code), Err("invalid_grades"));
    assert_eq!(
        ScoringRules::from_json(&ScoringRules::default_b2b().to_json()),
        Ok(ScoringRules::default_b2b())
    );
}

proptest! {
    #[test]
    fn the_breakdown_always_sums_to_the_score(
        size in prop::option::of(1_i64..20_000),
        title in prop::option::of(prop::sample::select(vec!["CEO", "Intern", "Head of Sales", "مدیر فروش", ""])),
        domain in prop::sample::select(vec!["gmail.com", "firma.ro", "pars.ir"]),
        need in any::<bool>(),
        role in prop::option::of(prop::sample::select(vec!["decision_maker", "user", "champion"])),
    ) {
        let d = LeadDraft {
            first_name: Some("P".into()),
            email: Some(format!("p@{domain}")),
            job_title: title.map(Into::into),
            company_size: size,
            need: need.then(|| "a need".to_owned()),
            decision_role: role.map(Into::into),
            ..LeadDraft::default()
        };
        let rules = ScoringRules::default_b2b();
        let s = rules.score(&lead(d));
        prop_assert_eq!(s.total, s.lines.iter().map(|l| l.points).sum::<i32>());
        prop_assert_eq!(s.grade, rules.grade(s.total));
    }
}

#[test]
fn behaviour_points_decay_and_stop_at_the_cap() {
    use crate::domain::event::{EngagementEvent, EventKind};
    let rules = ScoringRules::default_b2b();
    let l = lead(LeadDraft {
        first_name: Some("E".into()),
        email: Some("e@firma.ro".into()),
        ..LeadDraft::default()
    });
    let now = Utc::now();
    let event = |kind, url: Option<&str>, days: i64| EngagementEvent {
        id: format!("{kind:?}{days}{url:?}"),
        lead_id: l.id,
        kind,
        url: url.map(Into::into),
        occurred_at: now - chrono::Duration::days(days),
    };
    let pricing = rules
        .behaviour
        .iter()
        .find(|b| b.code == "pricing_page")
        .expect("default rule");
    assert_eq!(
        pricing.points_for(
            &[event(EventKind::PageView, Some("https://x.ro/pricing"), 0)],
            now
        ),
        10
    );
    assert_eq!(
        pricing.points_for(
            &[event(EventKind::PageView, Some("https://x.ro/pricing"), 30)],
            now
        ),
        5,
        "one half-life later"
    );
    assert_eq!(
        pricing.points_for(
            &[event(EventKind::PageView, Some("https://x.ro/blog"), 0)],
            now
        ),
        0,
        "other pages do not count"
    );
    let many: Vec<_> = (0..5)
        .map(|_| event(EventKind::PageView, Some("/pricing"), 0))
        .collect();
    assert_eq!(pricing.points_for(&many, now), 20, "capped");
    let s = rules.score_with(&l, &[event(EventKind::DemoRequested, None, 400)], now);
    assert_eq!(
        s.lines
            .iter()
            .map(|x| (x.code.as_str(), x.points))
            .collect::<Vec<_>>(),
        [("demo_requested", 25)],
        "no half-life: no decay"
    );
}

#[test]
fn behaviour_rules_must_name_a_known_event() {
    let mut rules = ScoringRules::default_b2b();
    rules.behaviour[0].event = "page_visit".into();
    assert_eq!(rules.check().map_err(|e| e.code), Err("invalid_rule"));
}

/// Rules with and without decay, caps and a penalty, all over the kinds the proptest draws.
fn mixed_rules() -> ScoringRules {
    let mut rules = ScoringRules::default_b2b();
    rules.behaviour.push(BehaviourRule {
        code: "unsubscribed_like".into(),
        event: "custom".into(),
        url_contains: Some("/unsubscribe".into()),
        points: -7,
        cap: Some(30),
        half_life_days: None,
    });
    rules.behaviour.push(BehaviourRule {
        code: "forms".into(),
        event: "form_submitted".into(),
        url_contains: None,
        points: 3,
        cap: None,
        half_life_days: None,
    });
    rules
}

fn drawn_event(
    lead: &Lead,
    now: DateTime<Utc>,
    n: usize,
    (kind, url, minutes): (usize, usize, i64),
) -> EngagementEvent {
    let kinds = [
        EventKind::PageView,
        EventKind::DemoRequested,
        EventKind::ContentDownload,
        EventKind::WebinarAttended,
        EventKind::EmailClicked,
        EventKind::FormSubmitted,
        EventKind::Custom,
        EventKind::EmailOpened,
    ];
    let urls = [None, Some("/pricing"), Some("/blog"), Some("/unsubscribe")];
    EngagementEvent {
        id: format!("e{n:04}"),
        lead_id: lead.id,
        kind: kinds[kind % kinds.len()],
        url: urls[url % urls.len()].map(Into::into),
        occurred_at: now - chrono::Duration::minutes(minutes),
    }
}

proptest! {
    #[test]
    fn an_incremental_rescore_equals_a_full_rescore_of_the_same_events(
        old in prop::collection::vec((0_usize..8, 0_usize..4, -5_i64..400_000), 0..40),
        new in prop::collection::vec((0_usize..8, 0_usize..4, -5_i64..400_000), 1..40),
        scored_minutes_ago in 0_i64..200_000,
        default_rules in any::<bool>(),
    ) {
        let rules = if default_rules { ScoringRules::default_b2b() } else { mixed_rules() };
        let now = Utc::now();
        let mut l = lead(LeadDraft {
            first_name: Some("I".into()),
            email: Some("i@firma.ro".into()),
            company_size: Some(120),
            ..LeadDraft::default()
        });
        let old: Vec<_> = old.into_iter().enumerate().map(|(n, e)| drawn_event(&l, now, n, e)).collect();
        let new: Vec<_> = new
            .into_iter()
            .enumerate()
            .map(|(n, e)| drawn_event(&l, now, 1000 + n, e))
            .collect();
        // The lead was last scored a while ago, over the old events only.
        let previous = rules.score_with(&l, &old, now - chrono::Duration::minutes(scored_minutes_ago));
        l.score_lines = previous.lines;
        let mut all: Vec<_> = old.iter().chain(&new).cloned().collect();
        all.sort_by(|a, b| (a.occurred_at, &a.id).cmp(&(b.occurred_at, &b.id)));
        let kinds = rules.decaying_kinds();
        let decaying: Vec<_> = all.iter().filter(|e| kinds.contains(&e.kind)).cloned().collect();
        let full = rules.score_with(&l, &all, now);
        let incremental = rules.score_after(&l, &new, &decaying, now);
        prop_assert_eq!(incremental.as_ref(), Some(&full));
        let s = incremental.expect("checked");
        prop_assert_eq!(s.total, s.lines.iter().map(|l| l.points).sum::<i32>());
    }
}

#[test]
fn a_breakdown_these_rules_cannot_give_asks_for_a_full_rescore() {
    let rules = ScoringRules::default_b2b();
    let mut l = lead(LeadDraft {
        first_name: Some("O".into()),
        email: Some("o@firma.ro".into()),
        ..LeadDraft::default()
    });
    let now = Utc::now();
    let demo = EngagementEvent {
        id: "d".into(),
        lead_id: l.id,
        kind: EventKind::DemoRequested,
        url: None,
        occurred_at: now,
    };
    // 25 points a demo request, capped at 25: 10 is no count of requests (old rules).
    l.score_lines = vec![ScoreLine {
        code: "demo_requested".into(),
        points: 10,
    }];
    assert_eq!(
        rules.score_after(&l, std::slice::from_ref(&demo), &[], now),
        None
    );
    l.score_lines = vec![];
    let s = rules
        .score_after(&l, std::slice::from_ref(&demo), &[], now)
        .expect("a lead without behaviour points is consistent");
    assert_eq!(s, rules.score_with(&l, &[demo], now));
}

#[test]
fn a_score_is_held_only_by_a_lead_with_the_same_total_breakdown_and_grade() {
    let rules = ScoringRules::default_b2b();
    let mut held = lead(LeadDraft {
        first_name: Some("Sara".into()),
        email: Some("sara@beta.ro".into()),
        company_size: Some(300),
        ..LeadDraft::default()
    });
    let s = rules.score(&held);
    (held.score, held.score_lines, held.grade) = (s.total, s.lines.clone(), s.grade);
    assert!(s.is_held_by(&held));
    let mut other = held.clone();
    other.score += 1;
    assert!(!s.is_held_by(&other), "another total");
    let mut other = held.clone();
    other.grade = if s.grade == Grade::A {
        Grade::B
    } else {
        Grade::A
    };
    assert!(!s.is_held_by(&other), "another grade");
    // Same total, the points under another rule.
    let mut other = held;
    let first = other.score_lines.first_mut().expect("a fit line");
    first.code.push_str("_renamed");
    assert!(!s.is_held_by(&other), "another breakdown");
}
