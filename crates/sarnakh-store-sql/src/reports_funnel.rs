//! The funnel's queries (stage counts, disqualification and loss reasons, time in each
//! stage), in cohort and activity mode, expanded in each store by `report_queries!`.

/// Expands the funnel query functions (inside the `reports` module of `report_queries!`).
#[macro_export]
macro_rules! report_funnel_queries {
    ($store:ident, $db:ident, $read:ident) => {
        use sarnakh_core::domain::report::FunnelMode;
        use sarnakh_core::domain::report_figures::{FunnelCounts, ReasonCount, StageDurations};
        use std::collections::BTreeMap;

        /// Cohort: the counts of the leads created in the period (read from leads_created,
        /// which carries every column the cohort queries read).
        const COHORT_COUNTS: &str = "count(*) as leads, \
            cast(coalesce(sum(case when l.qualified_at is not null then 1 else 0 end), 0) as bigint) as prospects, \
            cast(coalesce(sum(case when l.converted_at is not null then 1 else 0 end), 0) as bigint) as opportunities";

        impl $store {
            pub(crate) async fn report_funnel_rows(
                &self,
                scope: &ReportScope,
                mode: FunnelMode,
            ) -> Result<Vec<FunnelCounts>, StoreError> {
                if mode == FunnelMode::Activity {
                    return self.funnel_activity_rows(scope).await;
                }
                let mut qb = Self::lead_query(scope, COHORT_COUNTS, "leads l");
                Self::in_period(&mut qb, scope, "l.created_at");
                let mut by_group: BTreeMap<Option<String>, FunnelCounts> = BTreeMap::new();
                for row in self.grouped(qb, scope, "").await? {
                    by_group.insert(group_of(&row, scope.group_by)?, FunnelCounts {
                        leads: count(&row, "leads")?,
                        prospects: count(&row, "prospects")?,
                        opportunities: count(&row, "opportunities")?,
                        ..FunnelCounts::default()
                    });
                }
                // Won: the cohort's leads with a won deal, from the won deals' side (one
                // lookup per won deal instead of one probe per lead of the cohort).
                let mut qb = Self::cohort_deals(scope, "count(distinct o.lead_id) as n");
                qb.push(" and o.status = 'won'");
                Self::in_period(&mut qb, scope, "l.created_at");
                for row in self.grouped(qb, scope, "").await? {
                    by_group.entry(group_of(&row, scope.group_by)?).or_default().won += count(&row, "n")?;
                }
                Ok(by_group
                    .into_iter()
                    .map(|(group, c)| FunnelCounts { group, ..c })
                    .collect())
            }

            /// Stage entries in the period: one count per stage (created, qualified,
            /// converted: leads_created, leads_qualified, leads_converted; won:
            /// opportunities_status_closed), merged by group.
            async fn funnel_activity_rows(&self, scope: &ReportScope) -> Result<Vec<FunnelCounts>, StoreError> {
                let mut by_group: BTreeMap<Option<String>, FunnelCounts> = BTreeMap::new();
                for (stage, col) in [(0, "l.created_at"), (1, "l.qualified_at"), (2, "l.converted_at")] {
                    let mut qb = Self::lead_query(scope, "count(*) as n", "leads l");
                    Self::in_period(&mut qb, scope, col);
                    for row in self.grouped(qb, scope, "").await? {
                        let c = by_group.entry(group_of(&row, scope.group_by)?).or_default();
                        let n = count(&row, "n")?;
                        *[&mut c.leads, &mut c.prospects, &mut c.opportunities][stage] += n;
                    }
                }
                let from = "opportunities o join leads l on l.id = o.lead_id";
                let mut qb = Self::lead_query(scope, "count(distinct o.lead_id) as n", from);
                qb.push(" and o.status = 'won'");
                Self::in_period(&mut qb, scope, "o.closed_at");
                for row in self.grouped(qb, scope, "").await? {
                    by_group.entry(group_of(&row, scope.group_by)?).or_default().won += count(&row, "n")?;
                }
                Ok(by_group
                    .into_iter()
                    .map(|(group, c)| FunnelCounts { group, ..c })
                    .collect())
            }

            /// Disqualification reasons: of the cohort's leads now disqualified, or of the
            /// disqualifications recorded in the period.
            pub(crate) async fn report_disqualify_rows(
                &self,
                scope: &ReportScope,
                mode: FunnelMode,
            ) -> Result<Vec<ReasonCount>, StoreError> {
                let plain = ReportScope { group_by: None, ..scope.clone() };
                let qb = if mode == FunnelMode::Cohort {
                    let mut qb = Self::lead_query(&plain, "l.disqualify_reason as reason, count(*) as n", "leads l");
                    qb.push(" and l.status = 'disqualified'");
                    Self::in_period(&mut qb, &plain, "l.created_at");
                    qb
                } else {
                    let mut qb = Self::lead_query(
                        &plain,
                        "h.reason as reason, count(*) as n",
                        "history h join leads l on l.id = h.subject_id",
                    );
                    qb.push(" and h.kind = 'disqualified' and h.subject_type = 'lead'");
                    Self::in_period(&mut qb, &plain, "h.at");
                    qb
                };
                self.reasons(qb, &plain).await
            }

            /// Playbook overrides per history kind: of the cohort's leads (by their creation),
            /// or recorded in the period.
            pub(crate) async fn report_override_rows(
                &self,
                scope: &ReportScope,
                mode: FunnelMode,
            ) -> Result<Vec<ReasonCount>, StoreError> {
                let plain = ReportScope { group_by: None, ..scope.clone() };
                let mut qb = Self::lead_query(
                    &plain,
                    "h.kind as reason, count(*) as n",
                    "history h join leads l on l.id = h.subject_id",
                );
                qb.push(" and h.subject_type = 'lead' and h.kind in ('qualified', 'converted') and h.reason = 'override'");
                let col = if mode == FunnelMode::Cohort { "l.created_at" } else { "h.at" };
                Self::in_period(&mut qb, &plain, col);
                // Grouped by the expression: `reason` alone would name history's own column.
                let mut out = Vec::new();
                for row in self.grouped(qb, &plain, "h.kind").await? {
                    out.push(ReasonCount {
                        reason: row.try_get("reason").map_err(backend)?,
                        count: count(&row, "n")?,
                    });
                }
                out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
                Ok(out)
            }

            /// Loss reasons: of the funnel's deals (`Some(mode)`: the cohort's, or lost in
            /// the period, by lead filters) or of the deals lost in the period (`None`: the
            /// win/loss report, by deal filters).
            pub(crate) async fn report_loss_rows(
                &self,
                scope: &ReportScope,
                mode: Option<FunnelMode>,
            ) -> Result<Vec<ReasonCount>, StoreError> {
                let plain = ReportScope { group_by: None, ..scope.clone() };
                let what = "o.loss_reason as reason, count(*) as n";
                let (mut qb, col) = match mode {
                    Some(FunnelMode::Cohort) => (Self::cohort_deals(&plain, what), "l.created_at"),
                    Some(FunnelMode::Activity) => (
                        Self::lead_query(&plain, what, "opportunities o join leads l on l.id = o.lead_id"),
                        "o.closed_at",
                    ),
                    None => (Self::deal_query(&plain, what, "1 = 1"), "o.closed_at"),
                };
                qb.push(" and o.status = 'lost'");
                Self::in_period(&mut qb, &plain, col);
                self.reasons(qb, &plain).await
            }

            /// The deals of the cohort's leads. Over a long period they are read from the
            /// deals' side (every caller narrows them by status, and a year's cohort has far
            /// more leads than such deals: opportunities_status_closed, then each lead in
            /// leads_id_cohort); over up to `$crate::reports::COHORT_FROM_LEADS_DAYS` days from
            /// the leads' side (leads_created, then opportunities_lead_status). `cross join`
            /// fixes the order for SQLite; PostgreSQL plans it as the inner join it is.
            pub(crate) fn cohort_deals(scope: &ReportScope, what: &str) -> QueryBuilder<'static, sqlx::$db> {
                let from = if $crate::reports::cohort_from_leads(scope) {
                    "leads l cross join opportunities o"
                } else {
                    "opportunities o cross join leads l"
                };
                let mut qb = Self::lead_query(scope, what, from);
                qb.push(" and o.lead_id = l.id");
                qb
            }

            async fn reasons(
                &self,
                qb: QueryBuilder<'static, sqlx::$db>,
                plain: &ReportScope,
            ) -> Result<Vec<ReasonCount>, StoreError> {
                let mut out = Vec::new();
                for row in self.grouped(qb, plain, "reason").await? {
                    let reason: Option<String> = row.try_get("reason").map_err(backend)?;
                    out.push(ReasonCount {
                        reason: reason.unwrap_or_else(|| "none".into()),
                        count: count(&row, "n")?,
                    });
                }
                out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
                Ok(out)
            }

            /// Seconds spent in each stage by the records that left it: the cohort's, or
            /// those that left it in the period.
            pub(crate) async fn report_duration_rows(
                &self,
                scope: &ReportScope,
                mode: FunnelMode,
            ) -> Result<StageDurations, StoreError> {
                let plain = ReportScope { group_by: None, ..scope.clone() };
                let cohort = mode == FunnelMode::Cohort;
                let lead_at = |end: &str| if cohort { "l.created_at".to_owned() } else { end.to_owned() };
                let what = durations_of("l.created_at", "l.qualified_at");
                let mut lead = Self::lead_query(&plain, &what, "leads l");
                lead.push(" and l.qualified_at is not null");
                Self::in_period(&mut lead, &plain, &lead_at("l.qualified_at"));
                let what = durations_of("l.qualified_at", "l.converted_at");
                let mut prospect = Self::lead_query(&plain, &what, "leads l");
                prospect.push(" and l.qualified_at is not null and l.converted_at is not null");
                Self::in_period(&mut prospect, &plain, &lead_at("l.converted_at"));
                let mut deal = Self::cohort_deals(&plain, &durations_of("o.created_at", "o.closed_at"));
                // The status names the index (opportunities_status_closed) that holds both times.
                deal.push(" and o.status in ('won', 'lost') and o.closed_at is not null");
                Self::in_period(&mut deal, &plain, &lead_at("o.closed_at"));
                Ok(StageDurations {
                    lead: self.durations(lead).await?,
                    prospect: self.durations(prospect).await?,
                    opportunity: self.durations(deal).await?,
                })
            }
        }
    };
}
