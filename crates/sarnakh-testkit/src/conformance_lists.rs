//! Conformance behaviours of lists, follow-ups and timelines.

use crate::Fixture;
use crate::builders::{convert, lead, opportunity, qualified_lead};
use chrono::Duration;
use sarnakh_core::Error;
use sarnakh_core::domain::lifecycle::LeadStatus;
use sarnakh_core::domain::page::{Page, PageRequest, SortDir};
use sarnakh_core::domain::task::DueFilter;
use sarnakh_core::domain::{LeadSource, OpportunityStatus, RecordRef};
use sarnakh_core::service::Actor;
use sarnakh_core::service::{ActivityDraft, CloseDraft, LifecycleInput, TaskDraft, TimelineItem};
use sarnakh_core::store::{LeadFilter, LeadSortField, OpportunityFilter, Store};
use std::collections::HashSet;
use std::sync::Arc;

async fn all_pages<T: Clone, F, Fut>(limit: u32, mut fetch: F) -> Vec<T>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, Error>>,
{
    let mut out = Vec::new();
    let mut request = PageRequest::new(Some(limit), None);
    for _ in 0..1000 {
        let page = fetch(request.clone()).await.expect("page");
        assert!(page.items.len() <= limit as usize);
        out.extend(page.items);
        match page.next {
            Some(cursor) => request = PageRequest::new(Some(limit), Some(cursor)),
            None => return out,
        }
    }
    panic!("pagination did not end");
}

/// Every sort order pages through all matching rows once, in order, with no gaps.
pub async fn lead_lists_filter_and_page_without_gaps_or_repeats(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let names = [
        "Zahra", "Ali", "Maria", "Ion", "Darius", "Andrei", "Parisa", "Elena", "Kian", "Bogdan",
        "Roya",
    ];
    for (i, name) in names.iter().enumerate() {
        let mut d = lead(name, &format!("{}{i}@example.com", name.to_lowercase()));
        d.last_name = Some(if i % 2 == 0 {
            "Same".into()
        } else {
            format!("L{}", 20 - i)
        });
        d.source = Some(if i % 3 == 0 { "referral" } else { "web_form" }.into());
        let l = f
            .services
            .capture_lead(&f.actor(), &d)
            .await
            .expect("capture");
        if i % 4 == 0 {
            let input = LifecycleInput {
                reason: Some("spam".into()),
                ..LifecycleInput::default()
            };
            f.services
                .disqualify_lead(&f.actor(), l.id, &input)
                .await
                .expect("disqualify");
        }
        if i % 5 != 4 {
            f.advance(Duration::minutes(1));
        }
    }
    for sort in [
        LeadSortField::CreatedAt,
        LeadSortField::UpdatedAt,
        LeadSortField::Name,
        LeadSortField::Score,
    ] {
        for dir in [SortDir::Asc, SortDir::Desc] {
            let filter = LeadFilter {
                sort,
                dir,
                ..LeadFilter::default()
            };
            let paged = all_pages(3, |p| {
                let s = f.services.clone();
                let flt = filter.clone();
                async move { s.list_leads(&Actor::SYSTEM, &flt, &p).await }
            })
            .await;
            let whole = f
                .services
                .list_leads(&Actor::SYSTEM, &filter, &PageRequest::new(Some(200), None))
                .await
                .expect("one page");
            assert_eq!(
                paged.iter().map(|l| l.id).collect::<Vec<_>>(),
                whole.items.iter().map(|l| l.id).collect::<Vec<_>>(),
                "{sort:?} {dir:?}"
            );
            assert_eq!(
                paged.iter().map(|l| l.id).collect::<HashSet<_>>().len(),
                names.len()
            );
        }
    }
    let filter = LeadFilter {
        status: Some(LeadStatus::Disqualified),
        ..LeadFilter::default()
    };
    let disq = f
        .services
        .list_leads(&Actor::SYSTEM, &filter, &PageRequest::default())
        .await
        .expect("list");
    assert_eq!(disq.items.len(), 3);
    let filter = LeadFilter {
        source: Some(LeadSource::Referral),
        sort: LeadSortField::Name,
        dir: SortDir::Asc,
        ..LeadFilter::default()
    };
    let referred: Vec<String> = f
        .services
        .list_leads(&Actor::SYSTEM, &filter, &PageRequest::default())
        .await
        .expect("list")
        .items
        .into_iter()
        .map(|l| l.fields.person.first_name)
        .collect();
    assert_eq!(referred, ["Bogdan", "Ion", "Parisa", "Zahra"]);
}

/// Search is case-insensitive beyond ASCII and treats `%` literally.
pub async fn lead_search_matches_persian_and_romanian_text(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    for (first, company) in [
        ("مریم", "شرکت پارس"),
        ("Ştefan", "Ţara SRL"),
        ("John", "100% Growth"),
    ] {
        let mut d = lead(first, &format!("x{}@example.com", first.len()));
        d.company = Some(company.into());
        f.services
            .capture_lead(&f.actor(), &d)
            .await
            .expect("capture");
    }
    let search = |q: &str| {
        let filter = LeadFilter {
            q: Some(q.into()),
            ..LeadFilter::default()
        };
        let s = f.services.clone();
        async move {
            s.list_leads(&Actor::SYSTEM, &filter, &PageRequest::default())
                .await
                .expect("search")
                .items
                .into_iter()
                .map(|l| l.fields.person.first_name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("پارس").await, ["مریم"]);
    assert_eq!(search("ŞTEFAN").await, ["Ştefan"]);
    assert_eq!(search("ţara").await, ["Ştefan"]);
    assert_eq!(search("0%").await, ["John"]);
    assert!(search("%%%").await.is_empty());
    let mut d = lead("Exact", "Exact.Person@Example.COM");
    d.company = Some("Exact Co".into());
    f.services
        .capture_lead(&f.actor(), &d)
        .await
        .expect("capture");
    f.services
        .capture_lead(&f.actor(), &lead("Other", "xexact.person@example.com"))
        .await
        .expect("capture");
    assert_eq!(
        search("exact.person@EXAMPLE.com").await,
        ["Exact"],
        "a whole address is an exact, case-insensitive lookup"
    );
}

/// A cursor made for one sort order is refused by another with a clear field error.
pub async fn cursor_of_another_sort_is_refused(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    for i in 0..3 {
        f.services
            .capture_lead(&f.actor(), &lead("A", &format!("a{i}@example.com")))
            .await
            .expect("capture");
    }
    let first = f
        .services
        .list_leads(
            &Actor::SYSTEM,
            &LeadFilter::default(),
            &PageRequest::new(Some(1), None),
        )
        .await
        .expect("page");
    let by_name = LeadFilter {
        sort: LeadSortField::Name,
        ..LeadFilter::default()
    };
    let refused = f
        .services
        .list_leads(
            &Actor::SYSTEM,
            &by_name,
            &PageRequest::new(Some(1), first.next),
        )
        .await;
    assert!(
        matches!(refused, Err(Error::Validation(ref e)) if e[0].field == "cursor"),
        "{refused:?}"
    );
}

/// Opportunity lists filter by stage, status and account.
pub async fn opportunity_lists_filter_by_stage_status_and_account(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &qualified_lead("Arash", "arash@nu.ir", "Nu"))
        .await
        .expect("capture");
    f.services
        .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let deals = (0..5)
        .map(|i| opportunity(&format!("Nu {i}"), &format!("{}", (i + 1) * 100)))
        .collect();
    let out = f
        .services
        .convert_lead(&f.actor(), l.id, &convert(deals))
        .await
        .expect("convert");
    f.services
        .move_opportunity(&f.actor(), out.opportunities[1].id, "demo", None)
        .await
        .expect("move");
    f.services
        .move_opportunity(&f.actor(), out.opportunities[2].id, "demo", None)
        .await
        .expect("move");
    let close = CloseDraft {
        outcome: Some("lost".into()),
        reason: Some("price".into()),
        ..CloseDraft::default()
    };
    f.services
        .close_opportunity(&f.actor(), out.opportunities[3].id, &close)
        .await
        .expect("close");
    let count = |filter: OpportunityFilter| {
        let s = f.services.clone();
        async move {
            s.list_opportunities(&Actor::SYSTEM, &filter, &PageRequest::default())
                .await
                .expect("list")
                .items
                .len()
        }
    };
    assert_eq!(
        count(OpportunityFilter {
            stage: Some("demo".into()),
            ..OpportunityFilter::default()
        })
        .await,
        2
    );
    assert_eq!(
        count(OpportunityFilter {
            status: Some(OpportunityStatus::Open),
            ..OpportunityFilter::default()
        })
        .await,
        4
    );
    assert_eq!(
        count(OpportunityFilter {
            account: Some(out.account_id),
            ..OpportunityFilter::default()
        })
        .await,
        5
    );
    assert_eq!(
        count(OpportunityFilter {
            lead: Some(l.id),
            q: Some("nu 4".into()),
            ..OpportunityFilter::default()
        })
        .await,
        1
    );
}

/// Overdue, today and this week hold the right open tasks; done holds completed ones.
pub async fn follow_up_lists_split_overdue_today_and_week(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &lead("Kaveh", "kaveh@example.ir"))
        .await
        .expect("capture");
    // The fixture clock stands at 2026-03-02 10:00 UTC.
    for (title, due) in [
        ("yesterday", "2026-03-01T15:00:00Z"),
        ("this morning", "2026-03-02T08:00:00Z"),
        ("tonight", "2026-03-02T20:00:00Z"),
        ("in five days", "2026-03-07"),
        ("in a month", "2026-04-02"),
    ] {
        let draft = TaskDraft {
            subject_type: Some("lead".into()),
            subject_id: Some(l.id.to_string()),
            title: Some(title.into()),
            due_at: Some(due.into()),
            ..TaskDraft::default()
        };
        f.services
            .create_task(&f.actor(), &draft)
            .await
            .expect("task");
    }
    let titles = |due: DueFilter| {
        let s = f.services.clone();
        async move {
            s.list_tasks(&Actor::SYSTEM, due, None, None, &PageRequest::default())
                .await
                .expect("tasks")
                .items
                .into_iter()
                .map(|t| t.title)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        titles(DueFilter::Overdue).await,
        ["yesterday", "this morning"]
    );
    assert_eq!(titles(DueFilter::Today).await, ["this morning", "tonight"]);
    assert_eq!(
        titles(DueFilter::Week).await,
        ["yesterday", "this morning", "tonight", "in five days"]
    );
    assert_eq!(titles(DueFilter::Open).await.len(), 5);
    let first = f
        .services
        .list_tasks(
            &Actor::SYSTEM,
            DueFilter::Overdue,
            Some(f.rep.id),
            None,
            &PageRequest::default(),
        )
        .await
        .expect("tasks")
        .items[0]
        .id;
    f.services
        .complete_task(&Actor::SYSTEM, first, Some(1))
        .await
        .expect("complete");
    assert_eq!(titles(DueFilter::Overdue).await, ["this morning"]);
    assert_eq!(titles(DueFilter::Done).await, ["yesterday"]);
    let missing_owner = f
        .services
        .create_task(
            &sarnakh_core::service::Actor::SYSTEM,
            &TaskDraft {
                title: Some("x".into()),
                due_at: Some("2026-03-03".into()),
                ..TaskDraft::default()
            },
        )
        .await;
    assert!(
        matches!(missing_owner, Err(Error::Validation(ref e)) if e[0].field == "owner_id"),
        "{missing_owner:?}"
    );
}

/// Completing a completed task is refused and does not move its completion time.
pub async fn completing_a_task_twice_is_refused(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let draft = TaskDraft {
        title: Some("Send the offer".into()),
        due_at: Some("2026-03-05".into()),
        ..TaskDraft::default()
    };
    let t = f
        .services
        .create_task(&f.actor(), &draft)
        .await
        .expect("task");
    let done = f
        .services
        .complete_task(&Actor::SYSTEM, t.id, None)
        .await
        .expect("complete");
    f.advance(Duration::hours(1));
    assert!(matches!(
        f.services.complete_task(&Actor::SYSTEM, t.id, None).await,
        Err(Error::IllegalTransition { .. })
    ));
    assert_eq!(
        f.services
            .get_task(&Actor::SYSTEM, t.id)
            .await
            .expect("read")
            .completed_at,
        done.completed_at
    );
}

/// A lead's timeline holds its changes, activities and tasks in time order.
pub async fn timeline_merges_activities_tasks_and_changes_in_time_order(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &qualified_lead("Ahmad", "ahmad@xi.ir", "Xi"))
        .await
        .expect("capture");
    f.advance(Duration::hours(1));
    let call = ActivityDraft {
        subject_type: Some("lead".into()),
        subject_id: Some(l.id.to_string()),
        kind: Some("call".into()),
        outcome: Some("connected".into()),
        summary: Some("Discussed needs".into()),
        ..ActivityDraft::default()
    };
    f.services
        .log_activity(&f.actor(), &call)
        .await
        .expect("activity");
    f.advance(Duration::hours(1));
    f.services
        .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let task = TaskDraft {
        subject_type: Some("lead".into()),
        subject_id: Some(l.id.to_string()),
        title: Some("Call again".into()),
        due_at: Some("2026-04-01".into()),
        ..TaskDraft::default()
    };
    f.services
        .create_task(&f.actor(), &task)
        .await
        .expect("task");
    let kinds: Vec<String> = f
        .services
        .timeline(&Actor::SYSTEM, RecordRef::Lead(l.id))
        .await
        .expect("timeline")
        .into_iter()
        .map(|e| match e.item {
            TimelineItem::Activity(a) => format!("activity:{}", a.kind),
            TimelineItem::Task(t) => format!("task:{}", t.title),
            TimelineItem::Change(h) => format!("change:{}", h.kind),
            TimelineItem::Event(e) => format!("event:{}", e.kind),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "change:created",
            "activity:call",
            "change:qualified",
            "task:Call again"
        ]
    );
}
