//! The funnel's queries (stage counts, won deals and revenue, disqualification and loss
//! reasons, time in each stage, time to first contact), in cohort and activity mode,
//! expanded in each store by `report_queries!`.
//!
//! A cohort is read in two passes: one over its leads (`leads_created` carries every column
//! the pass reads, the spans included) and one over its closed deals; every figure comes
//! back as a sum or as one list per group, never one row per record. Its disqualification
//! reasons are counted by a read of its disqualified leads alone. Activity mode reads one
//! pass per stage's index (created, qualified, converted, closed) and the history's
//! disqualifications.

use sarnakh_core::domain::report_figures::{FunnelCounts, FunnelFigures};
use std::collections::BTreeMap;

/// One pass's share of a funnel's figures; the passes run at once and are merged.
#[derive(Debug, Default)]
pub struct FunnelPart {
    /// Counts per group.
    pub counts: BTreeMap<Option<String>, FunnelCounts>,
    /// Revenue, durations, contact waits and counted disqualification reasons (loss reasons
    /// are counted per code below).
    pub figures: FunnelFigures,
    /// Lost deals per reason code ('' for none).
    pub lost: BTreeMap<String, u64>,
}

impl FunnelPart {
    /// Adds another part's figures into this one.
    pub fn merge(&mut self, other: FunnelPart) {
        for (group, c) in other.counts {
            self.counts.entry(group).or_default().add(&c);
        }
        let (f, o) = (&mut self.figures, other.figures);
        f.revenue.extend(o.revenue);
        f.durations.lead.extend(o.durations.lead);
        f.durations.prospect.extend(o.durations.prospect);
        f.durations.opportunity.extend(o.durations.opportunity);
        f.contact_waits.extend(o.contact_waits);
        f.disqualify_reasons.extend(o.disqualify_reasons);
        for (code, n) in other.lost {
            *self.lost.entry(code).or_default() += n;
        }
    }
}

/// Expands the funnel query functions (inside the `reports` module of `report_queries!`).
#[macro_export]
macro_rules! report_funnel_queries {
    ($store:ident, $db:ident, $read:ident) => {
        use sarnakh_core::domain::report::FunnelMode;
        use sarnakh_core::domain::report_figures::{
            FunnelCounts, FunnelFigures, FunnelWants, GroupSeconds, ReasonCount, RevenueCell, sort_reasons,
        };
        use $crate::reports::{Elapsed, all_at_once, parse_text_list, slices};
        use $crate::reports_funnel::FunnelPart;

        /// A pass of the funnel, run at once with the others.
        type Pass<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<FunnelPart, StoreError>> + Send + 'a>>;

        /// A lost deal's reason code ('' for none); null for other deals.
        const LOSS_REASON: &str = "case when o.status = 'lost' then coalesce(o.loss_reason, '') end";

        /// `, <list> as <name>` when `asked`.
        fn list_item(asked: bool, list: String, name: &str) -> String {
            if asked { format!(", {list} as {name}") } else { String::new() }
        }

        /// The integers of list column `name` (none when not asked).
        fn ints(row: &<sqlx::$db as sqlx::Database>::Row, asked: bool, name: &str) -> Result<Vec<i64>, StoreError> {
            if !asked {
                return Ok(Vec::new());
            }
            let list: Option<String> = row.try_get(name).map_err(backend)?;
            int_list(list.as_deref())
        }

        /// Counts the reason codes of list column `name` (when asked).
        fn codes(
            row: &<sqlx::$db as sqlx::Database>::Row,
            asked: bool,
            name: &str,
            into: &mut std::collections::BTreeMap<String, u64>,
        ) -> Result<(), StoreError> {
            if asked {
                let list: Option<String> = row.try_get(name).map_err(backend)?;
                for code in parse_text_list(list.as_deref()) {
                    *into.entry(code.to_owned()).or_default() += 1;
                }
            }
            Ok(())
        }

        /// The counted reason codes, '' read as `none`, most frequent first.
        fn reasons_of(codes: std::collections::BTreeMap<String, u64>) -> Vec<ReasonCount> {
            let mut named: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
            for (code, n) in codes {
                *named.entry(if code.is_empty() { "none".to_owned() } else { code }).or_default() += n;
            }
            let mut out: Vec<ReasonCount> =
                named.into_iter().map(|(reason, count)| ReasonCount { reason, count }).collect();
            sort_reasons(&mut out);
            out
        }

        impl $store {
            pub(crate) async fn report_funnel_figures_rows(
                &self,
                scope: &ReportScope,
                mode: FunnelMode,
                wants: FunnelWants,
            ) -> Result<FunnelFigures, StoreError> {
                let mut passes: Vec<Pass<'_>> = Vec::new();
                let cohort = mode == FunnelMode::Cohort;
                // The cohort from its counts per day, when those answer (a few rows per day,
                // read whole rather than in parts).
                let lists = wants.durations || wants.contact_waits;
                let by_days = cohort && $crate::reports::lead_days_answer(scope, DIALECT, lists);
                if by_days {
                    passes.push(Box::pin(self.cohort_lead_days(scope.clone())));
                    passes.push(Box::pin(self.cohort_deal_days(scope.clone(), wants)));
                }
                let parts = if by_days { Vec::new() } else { slices(scope) };
                for part in parts {
                    // Each part counts a lead at its first won deal of the whole period, which
                    // falls in one part: in activity mode the first is looked for in the whole
                    // period; in cohort mode a lead's deals all share its creation time.
                    passes.push(Box::pin(self.deal_pass(part.clone(), scope.period, mode, wants)));
                    if cohort {
                        passes.push(Box::pin(self.cohort_lead_pass(part, wants)));
                    } else {
                        for stage in 0..3 {
                            passes.push(Box::pin(self.activity_lead_pass(part.clone(), wants, stage)));
                        }
                    }
                }
                if wants.reasons {
                    passes.push(if cohort {
                        Box::pin(self.cohort_disqualified(scope.clone()))
                    } else {
                        Box::pin(self.disqualified_in_period(scope.clone()))
                    });
                }
                let mut all = FunnelPart::default();
                for part in all_at_once(passes).await? {
                    all.merge(part);
                }
                let mut figures = all.figures;
                if wants.reasons {
                    figures.loss_reasons = reasons_of(all.lost);
                }
                figures.rows = all
                    .counts
                    .into_iter()
                    .map(|(group, c)| FunnelCounts { group, ..c })
                    .collect();
                Ok(figures)
            }

            /// The statements (`from` and extra condition) that read the leads created in the
            /// scope's period: one range per group of an index that leads with the group where
            /// one serves (`leads_by_group_index`), else `leads_created`.
            pub(crate) fn cohort_reads(scope: &ReportScope) -> Vec<(&'static str, String)> {
                let reads = $crate::reports::leads_by_group_index(scope, DIALECT);
                if reads.is_empty() { vec![("leads l", String::new())] } else { reads }
            }

            /// The grouped rows of `what` over the leads whose `col` falls in the scope's
            /// period, one statement per read of `reads` (see `cohort_reads`).
            pub(crate) async fn lead_rows(
                &self,
                scope: &ReportScope,
                what: &str,
                reads: Vec<(&'static str, String)>,
                col: &str,
            ) -> Result<Rows, StoreError> {
                let mut rows = Vec::new();
                for (from, only) in reads {
                    let mut qb = Self::lead_query(scope, what, from);
                    qb.push(only);
                    Self::in_period(&mut qb, scope, col);
                    rows.extend(self.grouped(qb, scope, "").await?);
                }
                Ok(rows)
            }

            /// The cohort's leads in one pass: counts per group, and the asked lists.
            async fn cohort_lead_pass(&self, scope: ReportScope, wants: FunnelWants) -> Result<FunnelPart, StoreError> {
                let scope = &scope;
                let mut part = FunnelPart::default();
                let (figures, by_group) = (&mut part.figures, &mut part.counts);
                let span = |s| DIALECT.elapsed(s);
                let what = format!(
                    "count(*) as leads, count({}) as prospects, count({}) as opportunities{}{}{}",
                    span(Elapsed::Lead),
                    span(Elapsed::Convert),
                    list_item(wants.durations, DIALECT.int_list(&span(Elapsed::Lead)), "d_lead"),
                    list_item(wants.durations, DIALECT.int_list(&span(Elapsed::Prospect)), "d_prospect"),
                    list_item(wants.contact_waits, DIALECT.int_list(&span(Elapsed::Contact)), "d_contact"),
                );
                for row in self.lead_rows(scope, &what, Self::cohort_reads(scope), "l.created_at").await? {
                    let group = group_of(&row, scope.group_by)?;
                    figures.durations.lead.extend(ints(&row, wants.durations, "d_lead")?);
                    figures.durations.prospect.extend(ints(&row, wants.durations, "d_prospect")?);
                    if wants.contact_waits {
                        figures.contact_waits.push(GroupSeconds {
                            group: group.clone(),
                            seconds: ints(&row, true, "d_contact")?,
                        });
                    }
                    by_group.insert(group, FunnelCounts {
                        leads: count(&row, "leads")?,
                        prospects: count(&row, "prospects")?,
                        opportunities: count(&row, "opportunities")?,
                        ..FunnelCounts::default()
                    });
                }
                Ok(part)
            }

            /// Entries into stage `stage` (0 lead, 1 prospect, 2 opportunity) in the period,
            /// from the stage's index (leads_created, leads_qualified, leads_converted), with
            /// the time spent in the stage left.
            async fn activity_lead_pass(
                &self,
                scope: ReportScope,
                wants: FunnelWants,
                stage: usize,
            ) -> Result<FunnelPart, StoreError> {
                let scope = &scope;
                let (col, left) = [
                    ("l.created_at", None),
                    ("l.qualified_at", Some(Elapsed::Lead)),
                    ("l.converted_at", Some(Elapsed::Prospect)),
                ][stage];
                let list = left.filter(|_| wants.durations).map(|s| DIALECT.int_list(&DIALECT.elapsed(s)));
                let what = format!("count(*) as n{}", list_item(list.is_some(), list.clone().unwrap_or_default(), "d"));
                let reads = if stage == 0 { Self::cohort_reads(scope) } else { vec![("leads l", String::new())] };
                let mut part = FunnelPart::default();
                for row in self.lead_rows(scope, &what, reads, col).await? {
                    let c = part.counts.entry(group_of(&row, scope.group_by)?).or_default();
                    *[&mut c.leads, &mut c.prospects, &mut c.opportunities][stage] += count(&row, "n")?;
                    let seconds = ints(&row, list.is_some(), "d")?;
                    match left {
                        Some(Elapsed::Lead) => part.figures.durations.lead.extend(seconds),
                        Some(_) => part.figures.durations.prospect.extend(seconds),
                        None => {}
                    }
                }
                Ok(part)
            }

            /// The funnel's closed deals in one pass, per group and currency: the cohort's
            /// (by their leads' creation) or those closed in the scope's period. A lead with
            /// several won deals is counted once, at its first won deal by id (in activity
            /// mode, its first of those closed in `whole`, the period the scope is a part of).
            async fn deal_pass(
                &self,
                scope: ReportScope,
                whole: Option<Period>,
                mode: FunnelMode,
                wants: FunnelWants,
            ) -> Result<FunnelPart, StoreError> {
                let scope = &scope;
                let cohort = mode == FunnelMode::Cohort;
                let grp = $crate::reports::funnel_deal_group(scope);
                let mut qb: QueryBuilder<'static, sqlx::$db> = QueryBuilder::new(format!(
                    "select {grp}o.currency as currency, \
                     cast(coalesce(sum(case when o.status = 'won' then 1 else 0 end), 0) as bigint) as won_deals, \
                     cast(coalesce(sum(case when o.status = 'won' then o.amount_minor else 0 end), 0) as bigint) as won_amount, \
                     cast(coalesce(sum(case when o.status = 'won' and not exists (select 1 from opportunities o2 \
                     where o2.lead_id = o.lead_id and o2.status = 'won' and o2.id < o.id"
                ));
                if let (false, Some(whole)) = (cohort, &whole) {
                    push_period(&mut qb, "o2.closed_at", whole);
                }
                // The deals' copies of their leads' creation time, source, campaign, country,
                // owner and team serve every grouping, filter and visibility: no lead is read.
                let index = if cohort { "opportunities_cohort" } else { "opportunities_status_closed" };
                qb.push(format!(
                    ") then 1 else 0 end), 0) as bigint) as won_leads{}{} from opportunities o{} \
                     where o.lead_id is not null and o.status in ('won', 'lost')",
                    list_item(wants.durations, DIALECT.int_list(&DIALECT.elapsed(Elapsed::Cycle)), "d_deal"),
                    list_item(wants.reasons, DIALECT.text_list(LOSS_REASON), "r_loss"),
                    DIALECT.indexed_by(index),
                ));
                // The funnel has no product filter.
                let filter = sarnakh_core::domain::report::ReportFilter { product: None, ..scope.filter.clone() };
                push_filter(&mut qb, &filter, "o.lead_owner_id", true);
                push_visibility(&mut qb, &scope.lead_visibility, "o.lead_owner_id", Some("o.lead_team_id"));
                Self::in_period(&mut qb, scope, if cohort { "o.lead_created_at" } else { "o.closed_at" });
                let mut part = FunnelPart::default();
                for row in self.grouped(qb, scope, "o.currency").await? {
                    let group = group_of(&row, scope.group_by)?;
                    part.figures.durations.opportunity.extend(ints(&row, wants.durations, "d_deal")?);
                    codes(&row, wants.reasons, "r_loss", &mut part.lost)?;
                    part.counts.entry(group.clone()).or_default().won += count(&row, "won_leads")?;
                    let won = count(&row, "won_deals")?;
                    if won > 0 {
                        part.figures.revenue.push(RevenueCell {
                            group,
                            currency: row.try_get("currency").map_err(backend)?,
                            won,
                            amount_minor: row.try_get("won_amount").map_err(backend)?,
                        });
                    }
                }
                Ok(part)
            }

            /// Starts `select [grp, ]<what> from lead_days l where 1 = 1` (or the table per
            /// owner; the cohort's counts per day, see `lead_days_answer`) with the scope's
            /// period, source and owners and the caller's visibility.
            fn lead_days_query(scope: &ReportScope, what: &str) -> QueryBuilder<'static, sqlx::$db> {
                let grp = if scope.group_by.is_some() { "l.source as grp, " } else { "" };
                let table = $crate::reports::kept_table("lead_days", scope, &scope.lead_visibility);
                let mut qb = QueryBuilder::new(format!("select {grp}{what} from {table} l where 1 = 1"));
                $crate::reports::push_kept_conditions(&mut qb, scope, "l", &scope.lead_visibility, true);
                qb
            }

            /// The cohort's leads, prospects, opportunities and won leads per group, summed
            /// from the counts per day.
            async fn cohort_lead_days(&self, scope: ReportScope) -> Result<FunnelPart, StoreError> {
                let qb = Self::lead_days_query(
                    &scope,
                    "cast(sum(l.leads) as bigint) as leads, cast(sum(l.prospects) as bigint) as prospects, \
                     cast(sum(l.opportunities) as bigint) as opportunities, cast(sum(l.won) as bigint) as won",
                );
                let mut part = FunnelPart::default();
                for row in self.grouped(qb, &scope, "").await? {
                    part.counts.insert(group_of(&row, scope.group_by)?, FunnelCounts {
                        leads: count(&row, "leads")?,
                        prospects: count(&row, "prospects")?,
                        opportunities: count(&row, "opportunities")?,
                        won: count(&row, "won")?,
                        ..FunnelCounts::default()
                    });
                }
                Ok(part)
            }

            /// The cohort's won deals and revenue per group and currency, and its loss reasons
            /// (when asked), summed from the deals' counts per day of their lead's creation
            /// (the won leads come with the leads' counts).
            async fn cohort_deal_days(&self, scope: ReportScope, wants: FunnelWants) -> Result<FunnelPart, StoreError> {
                let grp = if scope.group_by.is_some() { "nullif(d.source, '') as grp, " } else { "" };
                let table = $crate::reports::kept_table("deal_cohort_days", &scope, &scope.lead_visibility);
                let mut qb: QueryBuilder<'static, sqlx::$db> = QueryBuilder::new(format!(
                    "select {grp}d.status as status, d.currency as currency, d.reason as reason, \
                     cast(sum(d.deals) as bigint) as n, cast(sum(d.amount_minor) as bigint) as amount \
                     from {table} d where 1 = 1"
                ));
                // Kept by the lead's owner and queue: the funnel counts a deal as its lead.
                $crate::reports::push_kept_conditions(&mut qb, &scope, "d", &scope.lead_visibility, true);
                let mut part = FunnelPart::default();
                for row in self.grouped(qb, &scope, "d.status, d.currency, d.reason").await? {
                    let status: String = row.try_get("status").map_err(backend)?;
                    let n = count(&row, "n")?;
                    if status == "lost" {
                        if wants.reasons {
                            let reason: String = row.try_get("reason").map_err(backend)?;
                            *part.lost.entry(reason).or_default() += n;
                        }
                        continue;
                    }
                    part.figures.revenue.push(RevenueCell {
                        group: group_of(&row, scope.group_by)?,
                        currency: row.try_get("currency").map_err(backend)?,
                        won: n,
                        amount_minor: row.try_get("amount").map_err(backend)?,
                    });
                }
                Ok(part)
            }

            /// The cohort's disqualified leads (created in the period, disqualified now), by
            /// reason: summed from the counts per day where those answer, else one read of
            /// `leads_status_created`, which holds the reason and every column a lead filter or
            /// the caller's visibility reads.
            async fn cohort_disqualified(&self, scope: ReportScope) -> Result<FunnelPart, StoreError> {
                let plain = ReportScope { group_by: None, ..scope };
                if $crate::reports::lead_days_answer(&plain, DIALECT, false) {
                    let mut qb = Self::lead_days_query(&plain, "nullif(l.reason, '') as reason, cast(sum(l.leads) as bigint) as n");
                    qb.push(" and l.disqualified = 1");
                    let mut part = FunnelPart::default();
                    part.figures.disqualify_reasons = self.reasons(qb, &plain).await?;
                    return Ok(part);
                }
                let from = format!("leads l{}", DIALECT.indexed_by("leads_status_created"));
                let what = "nullif(l.disqualify_reason, '') as reason, count(*) as n";
                self.disqualify_part(&plain, what, &from, " and l.status = 'disqualified'", "l.created_at").await
            }

            /// Disqualifications recorded in the period, by reason.
            async fn disqualified_in_period(&self, scope: ReportScope) -> Result<FunnelPart, StoreError> {
                let plain = ReportScope { group_by: None, ..scope };
                // Leads are never deleted, so without a lead filter, for a caller who sees
                // every lead, the history alone counts them (its index holds the reason).
                let every_lead = plain.filter == Default::default()
                    && plain.lead_visibility == sarnakh_core::policy::Visibility::All;
                let from = if every_lead {
                    "history h".to_owned()
                } else {
                    format!("history h join leads l{} on l.id = h.subject_id", DIALECT.indexed_by("leads_id_cohort"))
                };
                let only = " and h.kind = 'disqualified' and h.subject_type = 'lead'";
                self.disqualify_part(&plain, "h.reason as reason, count(*) as n", &from, only, "h.at").await
            }

            /// The disqualification reasons counted by `what` (a reason and its count) over
            /// `from`, the rows of condition `only` whose `col` falls in the period.
            async fn disqualify_part(
                &self,
                plain: &ReportScope,
                what: &str,
                from: &str,
                only: &str,
                col: &str,
            ) -> Result<FunnelPart, StoreError> {
                let mut qb = Self::lead_query(plain, what, from);
                qb.push(only);
                Self::in_period(&mut qb, plain, col);
                let mut part = FunnelPart::default();
                part.figures.disqualify_reasons = self.reasons(qb, plain).await?;
                Ok(part)
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
                sort_reasons(&mut out);
                Ok(out)
            }

            /// Loss reasons of the deals lost in the period (the win/loss report, by deal
            /// filters).
            pub(crate) async fn report_loss_rows(&self, scope: &ReportScope) -> Result<Vec<ReasonCount>, StoreError> {
                let plain = ReportScope { group_by: None, ..scope.clone() };
                let mut qb = Self::deal_query(&plain, "o.loss_reason as reason, count(*) as n", "1 = 1");
                qb.push(" and o.status = 'lost'");
                Self::in_period(&mut qb, &plain, "o.closed_at");
                self.reasons(qb, &plain).await
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
                sort_reasons(&mut out);
                Ok(out)
            }
        }
    };
}
