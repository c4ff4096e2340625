//! The activity and speed-to-lead report, per rep: activities logged in the period by kind,
//! the leads created in the period he owns, how many were contacted, the median time to
//! first contact, how many missed the speed-to-lead target, and his overdue follow-ups now.

use super::{Services, Shape};
use crate::domain::report::{GroupBy, Period, ReportQuery, ReportScope};
use crate::domain::report_figures::{FirstContact, median};
use crate::domain::sla::SlaSettings;
use crate::error::Result;
use crate::service::Actor;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// One rep's figures (the row without an owner gathers unowned records).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepActivity {
    /// The rep's user id.
    pub owner: Option<String>,
    /// Activities logged in the period, by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// All activities logged in the period.
    pub activities: u64,
    /// Leads created in the period that he owns.
    pub leads: u64,
    /// Of those, contacted (a call, email, meeting or demo).
    pub contacted: u64,
    /// Median seconds from creation to first contact of the contacted ones.
    pub median_first_contact_seconds: Option<i64>,
    /// Leads contacted after the target, or not contacted and past it now.
    pub sla_breached: u64,
    /// His open follow-ups due before now.
    pub overdue_tasks: u64,
}

/// Activity and speed to lead over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityReport {
    /// The period.
    pub period: Period,
    /// When overdue follow-ups were counted.
    pub as_of: DateTime<Utc>,
    /// The speed-to-lead target applied.
    pub sla: SlaSettings,
    /// One row per owner.
    pub rows: Vec<RepActivity>,
}

impl Services {
    /// The activity report. Filters by owner or team only; refuses other filters and
    /// groupings with field errors. Counts only what the caller may see.
    pub async fn activity_report(&self, actor: &Actor, q: &ReportQuery) -> Result<ActivityReport> {
        let shape = Shape {
            groups: &[GroupBy::Owner],
            period_required: true,
            products: false,
            lead_filters: false,
        };
        let scope = ReportScope {
            group_by: Some(GroupBy::Owner),
            ..self.report_scope(actor, q, &shape, Vec::new()).await?
        };
        let (as_of, sla) = (self.now(), self.sla_settings().await?);
        // Three independent reads, at once (each on a connection of its own).
        let (activities, contacts, overdue) = futures_util::future::try_join3(
            self.store.report_activities(&scope),
            self.store.report_first_contacts(&scope),
            self.store.report_overdue_tasks(&scope, as_of),
        )
        .await?;
        let mut rows: BTreeMap<Option<String>, RepActivity> = BTreeMap::new();
        for a in activities {
            let row = rows.entry(a.owner).or_default();
            row.activities += a.count;
            *row.by_kind.entry(a.kind).or_default() += a.count;
        }
        add_speed_to_lead(&mut rows, contacts, &sla, as_of);
        for (owner, n) in overdue {
            rows.entry(owner).or_default().overdue_tasks += n;
        }
        let rows = rows
            .into_iter()
            .map(|(owner, r)| RepActivity { owner, ..r })
            .collect();
        Ok(ActivityReport {
            period: scope
                .period
                .expect("the activity report always has a period"),
            as_of,
            sla,
            rows,
        })
    }
}

/// Counts each owner's leads, contacted leads and target misses, and the median wait.
fn add_speed_to_lead(
    rows: &mut BTreeMap<Option<String>, RepActivity>,
    contacts: Vec<FirstContact>,
    sla: &SlaSettings,
    as_of: DateTime<Utc>,
) {
    let mut waits: BTreeMap<Option<String>, Vec<i64>> = BTreeMap::new();
    for fc in contacts {
        let row = rows.entry(fc.group.clone()).or_default();
        row.leads += 1;
        let due = sla.due(fc.created_at);
        row.sla_breached += u64::from(fc.first_at.map_or(as_of > due, |at| at > due));
        if let Some(at) = fc.first_at {
            row.contacted += 1;
            let wait = at.timestamp() - fc.created_at.timestamp();
            waits.entry(fc.group).or_default().push(wait);
        }
    }
    for (owner, mut w) in waits {
        if let Some(row) = rows.get_mut(&owner) {
            row.median_first_contact_seconds = median(&mut w);
        }
    }
}
