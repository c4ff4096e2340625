//! The demo data generator: a year of a small sales team's life, so a fresh installation
//! shows a realistic inbox, pipeline, follow-up lists and history.
//!
//! It walks simulated time from a year ago to now, day by day, with a manual clock set to
//! each moment before it acts. Leads arrive (more on weekdays) from every source, in
//! Persian, Romanian and English; reps call them, qualify about three in ten, convert some
//! prospects into accounts and opportunities, nurture or disqualify the rest; deals move
//! across the stages and close won or lost. Everything goes through the use cases, so the
//! history, timelines and stage records are exactly what real work would have produced.
//! The seed fixes every random choice; as the year ends at the real "now", runs at
//! different times differ in detail.

mod calendar;
mod capture;
mod cards;
mod companies;
mod deals;
mod names;
mod outcomes;
mod pricing;
mod sim;
mod team;
mod work;

use calendar::{capture_time, midnight, spread};
use chrono::{DateTime, Datelike, Duration, NaiveDate, SubsecRound, Utc, Weekday};
use sarnakh_core::Error;
use sarnakh_core::clock::ManualClock;
use sarnakh_core::domain::lifecycle::LeadStatus;
use sarnakh_core::domain::{PageRequest, Role, StageKind};
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::{LeadFilter, Store};
use sim::{Event, Sim};
use std::sync::Arc;

/// How much demo data to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// Leads captured over the simulated year.
    pub leads: usize,
    /// Seed of every random choice.
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            leads: 3000,
            seed: 7,
        }
    }
}

/// A demo user one can sign in as (once authentication exists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    /// Login email.
    pub email: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The generated password, shown once; `None` when the user already existed.
    pub password: Option<String>,
}

/// What the generator created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// The demo users.
    pub users: Vec<DemoLogin>,
    /// Leads captured.
    pub leads: usize,
    /// Leads qualified into prospects (including those later converted).
    pub prospects: usize,
    /// Leads converted.
    pub converted: usize,
    /// Leads disqualified at the end.
    pub disqualified: usize,
    /// Leads in nurture at the end.
    pub nurtured: usize,
    /// Accounts used by conversions (created or reused).
    pub accounts: usize,
    /// Opportunities opened (by conversion or for existing customers).
    pub opportunities: usize,
    /// Opportunities closed won.
    pub won: usize,
    /// Opportunities closed lost.
    pub lost: usize,
    /// Activities logged.
    pub activities: usize,
    /// Follow-up tasks created.
    pub tasks: usize,
    /// Open tasks due before now at the end.
    pub overdue_tasks: usize,
}

/// Fills an empty database with a year of demo data; refuses if any lead exists.
pub async fn generate(store: Arc<dyn Store>, options: &DemoOptions) -> Result<DemoSummary, Error> {
    let existing = store
        .list_leads(&LeadFilter::default(), &PageRequest::new(Some(1), None))
        .await?;
    if !existing.items.is_empty() {
        return Err(Error::Conflict(
            "the database already holds leads; the demo fills only an empty database".into(),
        ));
    }
    let now = Utc::now().trunc_subsecs(6);
    let start = now - Duration::days(365);
    let clock = Arc::new(ManualClock::new(start));
    let services = Services::with_clock(store.clone(), clock.clone());
    let mut sim = Sim::new(services, clock, options.seed, now);
    let users = team::team(&store, &mut sim, start - Duration::days(30)).await?;
    let stages = sim.services.list_stages().await?;
    sim.stages = stages
        .into_iter()
        .filter(|s| s.kind == StageKind::Open)
        .map(|s| s.key)
        .collect();
    if sim.stages.is_empty() {
        return Err(Error::Conflict(
            "the pipeline has no open stage to put demo deals in".into(),
        ));
    }
    let days: Vec<NaiveDate> = start
        .date_naive()
        .iter_days()
        .take_while(|d| *d <= now.date_naive())
        .collect();
    let counts = spread(&mut sim.rng, options.leads, &days, start, now);
    for (day, count) in days.iter().zip(counts) {
        if day.weekday() == Weekday::Mon {
            // What the pipeline promised each Monday at midnight, for forecast accuracy.
            sim.set(midnight(*day));
            sim.services.take_forecast_snapshot(&Actor::SYSTEM).await?;
        }
        for _ in 0..count {
            let at = capture_time(&mut sim.rng, *day, start, now);
            sim.schedule(at, Event::Capture);
        }
        run_until(&mut sim, midnight(*day + Duration::days(1)).min(now)).await?;
    }
    sim.morning_inbox().await?;
    let summary = summary(&sim, users);
    tracing::info!(
        leads = summary.leads,
        opportunities = summary.opportunities,
        tasks = summary.tasks,
        "demo data generated"
    );
    Ok(summary)
}

/// Runs every planned event up to `until`, in time order, with the clock at each one.
async fn run_until(sim: &mut Sim, until: DateTime<Utc>) -> Result<(), Error> {
    while let Some((at, event)) = sim.next_due(until) {
        sim.set(at);
        match event {
            Event::Capture => sim.capture(at).await?,
            Event::Touch { lead, attempt } => sim.touch(lead, attempt).await?,
            Event::Qualify(lead) => sim.qualify(lead).await?,
            Event::Decide(lead) => sim.decide(lead).await?,
            Event::Revisit(lead) => sim.revisit(lead).await?,
            Event::Step(deal) => sim.step(deal).await?,
            Event::Upsell(deal) => sim.upsell(deal).await?,
            Event::Complete(task) => sim.complete(task).await?,
        }
    }
    Ok(())
}

fn summary(sim: &Sim, users: Vec<DemoLogin>) -> DemoSummary {
    let status = |s: LeadStatus| sim.leads.iter().filter(|l| l.status == s).count();
    DemoSummary {
        users,
        leads: sim.leads.len(),
        prospects: sim.leads.iter().filter(|l| l.prospect).count(),
        converted: status(LeadStatus::Converted),
        disqualified: status(LeadStatus::Disqualified),
        nurtured: status(LeadStatus::Nurture),
        accounts: sim.tally.accounts.len(),
        opportunities: sim.tally.opportunities,
        won: sim.tally.won,
        lost: sim.tally.lost,
        activities: sim.tally.activities,
        tasks: sim.tally.tasks.len(),
        overdue_tasks: sim.overdue(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sarnakh_core::domain::task::DueFilter;
    use sarnakh_core::domain::{OpportunityStatus, RecordRef};
    use sarnakh_core::store::{AccountFilter, OpportunityFilter};
    use sarnakh_store_sqlite::SqliteStore;

    async fn fresh_store() -> (Arc<dyn Store>, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("sarnakh-demo-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        let url = format!("sqlite://{}", dir.join("demo.db").display());
        let store = SqliteStore::open(&url).await.expect("open sqlite store");
        (Arc::new(store), dir)
    }

    async fn any_deal(
        store: &Arc<dyn Store>,
        stage: Option<&str>,
        status: OpportunityStatus,
    ) -> bool {
        let filter = OpportunityFilter {
            stage: stage.map(str::to_owned),
            status: Some(status),
            ..OpportunityFilter::default()
        };
        let page = store
            .list_opportunities(&filter, &PageRequest::new(Some(1), None))
            .await;
        !page.expect("list opportunities").items.is_empty()
    }

    #[tokio::test]
    async fn a_demo_year_fills_every_part_of_the_funnel_once() {
        let (store, dir) = fresh_store().await;
        let options = DemoOptions {
            leads: 300,
            seed: 7,
        };
        let s = generate(store.clone(), &options).await.expect("generate");
        assert_eq!((s.leads, s.users.len()), (300, 6), "{s:?}");
        assert!(
            s.prospects > s.converted && s.converted > 0 && s.activities > s.leads,
            "{s:?}"
        );
        for stage in ["qualify", "discovery", "demo", "proposal", "negotiation"] {
            assert!(
                any_deal(&store, Some(stage), OpportunityStatus::Open).await,
                "no open deal at {stage}"
            );
        }
        assert!(
            s.won > 0 && any_deal(&store, None, OpportunityStatus::Won).await,
            "{s:?}"
        );
        assert!(
            s.lost > 0 && any_deal(&store, None, OpportunityStatus::Lost).await,
            "{s:?}"
        );
        let customers = AccountFilter {
            customer: Some(true),
            ..AccountFilter::default()
        };
        let first = PageRequest::new(Some(1), None);
        let customers = store
            .list_accounts(&customers, &first)
            .await
            .expect("list accounts");
        assert!(!customers.items.is_empty());
        let snapshots = store.forecast_snapshots().await.expect("snapshots");
        assert!((52..=53).contains(&snapshots.len()), "one a week");
        assert!(
            snapshots.iter().any(|s| s.deals > 0),
            "the pipeline was forecast"
        );
        for status in LeadStatus::ALL {
            let filter = LeadFilter {
                status: Some(*status),
                ..LeadFilter::default()
            };
            let leads = store.list_leads(&filter, &first).await.expect("list leads");
            assert!(!leads.items.is_empty(), "no {status} lead");
        }
        // The manager and the four reps are one team: the manager sees the reps' leads.
        let users = store.list_users().await.expect("users");
        let manager = users
            .iter()
            .find(|u| u.role == sarnakh_core::domain::Role::SalesManager)
            .expect("a manager");
        let team = manager.team_id.expect("the manager's team");
        let mut members = store.team_members(team).await.expect("members");
        members.sort();
        let mut sales: Vec<_> = users
            .iter()
            .filter(|u| u.role == sarnakh_core::domain::Role::SalesRep)
            .map(|u| u.id)
            .chain([manager.id])
            .collect();
        sales.sort();
        assert_eq!((members, sales.len()), (sales, 5));
        let many = PageRequest::new(Some(200), None);
        let services = Services::new(store.clone());
        let overdue = services
            .list_tasks(
                &sarnakh_core::service::Actor::SYSTEM,
                DueFilter::Overdue,
                None,
                None,
                &many,
            )
            .await
            .expect("tasks");
        assert!(
            s.overdue_tasks > 0 && overdue.items.len() >= s.overdue_tasks.min(200),
            "{s:?}"
        );
        let now = Utc::now();
        for lead in store
            .list_leads(&LeadFilter::default(), &many)
            .await
            .expect("leads")
            .items
        {
            assert!(
                lead.created_at <= lead.updated_at && lead.updated_at <= now,
                "{lead:?}"
            );
            let history = store
                .history_of(RecordRef::Lead(lead.id))
                .await
                .expect("history");
            assert!(history.windows(2).all(|w| w[0].at <= w[1].at));
            assert!(
                history
                    .iter()
                    .all(|h| h.at >= lead.created_at && h.at <= now)
            );
        }
        let again = generate(store.clone(), &DemoOptions { leads: 10, seed: 1 }).await;
        assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
        std::fs::remove_dir_all(dir).ok();
    }
}
