//! The deal reports' queries (pipeline of open deals, win/loss of closed ones, sales cycle
//! lengths), expanded in each store by `report_queries!`.

/// Expands the deal report query functions (inside the `reports` module of `report_queries!`).
#[macro_export]
macro_rules! report_deal_queries {
    ($store:ident, $db:ident, $read:ident) => {
        use sarnakh_core::domain::report_figures::{PipelineCell, StageCount, StageTotal, WinLossCell};

        /// Closed deals per group and currency: won, lost, won amount.
        const WIN_LOSS: &str = "o.currency as currency, \
            cast(coalesce(sum(case when o.status = 'won' then 1 else 0 end), 0) as bigint) as won, \
            cast(coalesce(sum(case when o.status = 'lost' then 1 else 0 end), 0) as bigint) as lost, \
            cast(coalesce(sum(case when o.status = 'won' then o.amount_minor else 0 end), 0) as bigint) as won_amount";

        /// `WIN_LOSS` from the closed deals' counts per day.
        const CLOSE_DAYS_WIN_LOSS: &str = "d.currency as currency, \
            cast(coalesce(sum(case when d.status = 'won' then d.deals else 0 end), 0) as bigint) as won, \
            cast(coalesce(sum(case when d.status = 'lost' then d.deals else 0 end), 0) as bigint) as lost, \
            cast(coalesce(sum(case when d.status = 'won' then d.amount_minor else 0 end), 0) as bigint) as won_amount";

        impl $store {
            /// Open deals per stage, group and currency: count, sums, age buckets (by the
            /// 30, 60 and 90 days before `now`) and deals stuck since `stuck_since`.
            pub(crate) async fn report_pipeline_rows(
                &self,
                scope: &ReportScope,
                now: chrono::DateTime<chrono::Utc>,
                stuck_since: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<PipelineCell>, StoreError> {
                let mut qb = Self::pipeline_query(scope, now, stuck_since);
                $crate::reports::push_filter(&mut qb, &scope.filter, "o.owner_id", true);
                if let Some(p) = &scope.period {
                    $crate::reports::push_days(&mut qb, "o.expected_close_date", p);
                }
                let (_, by) = $crate::reports::outer_group_parts(scope);
                // The stage's probability is applied to each group's sums, after the grouping:
                // one lookup per group, not per deal.
                qb.push(format!(
                    " group by {by}o.stage, o.currency) g join pipeline_stages s on s.key = g.stage"
                ));
                let mut out = Vec::new();
                for row in qb.build().fetch_all(&self.$read).await.map_err(backend)? {
                    // Deals created since each cut, newest cut first: the buckets are their
                    // differences.
                    let n = count(&row, "n")?;
                    let since = [count(&row, "since0")?, count(&row, "since1")?, count(&row, "since2")?];
                    let ages = [since[0], since[1] - since[0], since[2] - since[1], n - since[2]];
                    out.push(PipelineCell {
                        stage: row.try_get("stage").map_err(backend)?,
                        group: group_of(&row, scope.group_by)?,
                        currency: row.try_get("currency").map_err(backend)?,
                        count: n,
                        amount_minor: row.try_get("amount").map_err(backend)?,
                        weighted_centi_minor: row.try_get("weighted").map_err(backend)?,
                        ages,
                        stuck: count(&row, "stuck")?,
                        predicted: count(&row, "predicted")?,
                        predicted_centi_minor: row.try_get("predicted_weighted").map_err(backend)?,
                    });
                }
                Ok(out)
            }

            /// Open deals per stage and those stuck since `stuck_since`: two sums per deal
            /// where the pipeline takes eleven, grouped in the order of `opportunities_open`.
            pub(crate) async fn report_stage_count_rows(
                &self,
                scope: &ReportScope,
                stuck_since: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<StageCount>, StoreError> {
                let mut qb: QueryBuilder<'static, sqlx::$db> =
                    QueryBuilder::new("select o.stage as stage, count(*) as n, ");
                Self::push_stuck(&mut qb, stuck_since);
                $crate::reports::push_open_deals(&mut qb, &scope.deal_visibility, DIALECT);
                $crate::reports::push_filter(&mut qb, &scope.filter, "o.owner_id", true);
                if let Some(p) = &scope.period {
                    $crate::reports::push_days(&mut qb, "o.expected_close_date", p);
                }
                qb.push(" group by o.stage");
                let mut out = Vec::new();
                for row in qb.build().fetch_all(&self.$read).await.map_err(backend)? {
                    out.push(StageCount {
                        stage: row.try_get("stage").map_err(backend)?,
                        count: count(&row, "n")?,
                        stuck: count(&row, "stuck")?,
                    });
                }
                Ok(out)
            }

            /// Open deals per stage and currency with their amount and weighted amount, the
            /// stage's probability applied per sum. Without a filter but the owners, the sums
            /// the store keeps per stage, currency, category and day are read (SQLite; see
            /// `open_days_answer`): the company's `open_deal_days`, about 11,000 rows at a
            /// million leads where the deals are 61,000, or the ranges of the owners the caller
            /// sees in `open_deal_days_by_owner`.
            pub(crate) async fn report_stage_total_rows(
                &self,
                scope: &ReportScope,
            ) -> Result<Vec<StageTotal>, StoreError> {
                let mut qb: QueryBuilder<'static, sqlx::$db> = QueryBuilder::new(
                    "select g.stage as stage, g.currency as currency, g.n as n, g.amount as amount, \
                     g.amount * s.probability as weighted from (",
                );
                let kept = $crate::reports::open_days_answer(scope, DIALECT) && scope.period.is_none();
                if kept {
                    let table = $crate::reports::kept_table("open_deal_days", scope, &scope.deal_visibility);
                    qb.push(format!(
                        "select r.stage as stage, r.currency as currency, \
                         cast(sum(r.deals) as bigint) as n, cast(sum(r.amount_minor) as bigint) as amount \
                         from {table} r where 1 = 1"
                    ));
                    $crate::reports::push_kept_owners(&mut qb, scope, "r", &scope.deal_visibility, false);
                    qb.push(" group by r.stage, r.currency");
                } else {
                    qb.push(
                        "select o.stage as stage, o.currency as currency, count(*) as n, \
                         cast(coalesce(sum(o.amount_minor), 0) as bigint) as amount",
                    );
                    $crate::reports::push_open_deals(&mut qb, &scope.deal_visibility, DIALECT);
                    $crate::reports::push_filter(&mut qb, &scope.filter, "o.owner_id", true);
                    if let Some(p) = &scope.period {
                        $crate::reports::push_days(&mut qb, "o.expected_close_date", p);
                    }
                    qb.push(" group by o.stage, o.currency");
                }
                qb.push(") g join pipeline_stages s on s.key = g.stage");
                let mut out = Vec::new();
                for row in qb.build().fetch_all(&self.$read).await.map_err(backend)? {
                    out.push(StageTotal {
                        stage: row.try_get("stage").map_err(backend)?,
                        currency: row.try_get("currency").map_err(backend)?,
                        count: count(&row, "n")?,
                        amount_minor: row.try_get("amount").map_err(backend)?,
                        weighted_centi_minor: row.try_get("weighted").map_err(backend)?,
                    });
                }
                Ok(out)
            }

            /// The count of open deals stuck since `stuck_since`, as `stuck`: no change and
            /// no activity since then (the deal's latest activity, kept on the deal).
            fn push_stuck(qb: &mut QueryBuilder<'static, sqlx::$db>, stuck_since: chrono::DateTime<chrono::Utc>) {
                qb.push("cast(coalesce(sum(case when o.updated_at < ").push_bind(stuck_since);
                qb.push(" and (o.last_activity_at is null or o.last_activity_at < ")
                    .push_bind(stuck_since);
                qb.push(") then 1 else 0 end), 0) as bigint) as stuck");
            }

            /// The pipeline query up to its conditions: open deals' counts and sums per stage
            /// and currency (and group) in `g`, the deals created since the 30, 60 and 90 days
            /// before `now`, and those stuck since `stuck_since`. The weighted sums take the
            /// stage's probability per group: a deal's predicted weight is
            /// `amount * predicted_win_bp / 100` (whole minor units, rounded down), or
            /// `amount * probability` without a prediction.
            fn pipeline_query(
                scope: &ReportScope,
                now: chrono::DateTime<chrono::Utc>,
                stuck_since: chrono::DateTime<chrono::Utc>,
            ) -> QueryBuilder<'static, sqlx::$db> {
                let (grp, _) = $crate::reports::group_parts(scope, true);
                let (outer_grp, _) = $crate::reports::outer_group_parts(scope);
                let mut qb: QueryBuilder<'static, sqlx::$db> = QueryBuilder::new(format!(
                    "select g.stage as stage, {outer_grp}g.currency as currency, g.n as n, g.amount as amount, \
                     g.amount * s.probability as weighted, g.predicted as predicted, \
                     g.unpredicted * s.probability + g.predicted_part as predicted_weighted, \
                     g.since0 as since0, g.since1 as since1, g.since2 as since2, g.stuck as stuck \
                     from (select o.stage as stage, {grp}o.currency as currency, count(*) as n, \
                     cast(coalesce(sum(o.amount_minor), 0) as bigint) as amount, \
                     cast(coalesce(sum(case when o.predicted_win_bp is null then 0 else 1 end), 0) as bigint) as predicted, \
                     cast(coalesce(sum(case when o.predicted_win_bp is null then o.amount_minor else 0 end), 0) as bigint) as unpredicted, \
                     cast(coalesce(sum(o.amount_minor * o.predicted_win_bp / 100), 0) as bigint) as predicted_part"
                ));
                let day = chrono::Duration::days(1);
                for (i, cut) in [now - day * 30, now - day * 60, now - day * 90].into_iter().enumerate() {
                    qb.push(", cast(coalesce(sum(case when o.created_at >= ").push_bind(cut);
                    qb.push(format!(" then 1 else 0 end), 0) as bigint) as since{i}"));
                }
                qb.push(", ");
                Self::push_stuck(&mut qb, stuck_since);
                $crate::reports::push_open_deals(&mut qb, &scope.deal_visibility, DIALECT);
                qb
            }

            /// Deals closed in the period, per group and currency.
            pub(crate) async fn report_win_loss_rows(
                &self,
                scope: &ReportScope,
            ) -> Result<Vec<WinLossCell>, StoreError> {
                let by_days = $crate::reports::deal_days_answer(scope, DIALECT)
                    && $crate::reports::whole_days(scope.period.as_ref());
                let (qb, currency) = if by_days {
                    (Self::close_days_query(scope, CLOSE_DAYS_WIN_LOSS, "1 = 1"), "d.currency")
                } else {
                    let mut qb = Self::deal_query(scope, WIN_LOSS, "o.status in ('won', 'lost')");
                    Self::in_period(&mut qb, scope, "o.closed_at");
                    (qb, "o.currency")
                };
                let mut out = Vec::new();
                for row in self.grouped(qb, scope, currency).await? {
                    out.push(WinLossCell {
                        group: group_of(&row, scope.group_by)?,
                        currency: row.try_get("currency").map_err(backend)?,
                        won: count(&row, "won")?,
                        lost: count(&row, "lost")?,
                        won_amount_minor: row.try_get("won_amount").map_err(backend)?,
                    });
                }
                Ok(out)
            }

            /// Starts `select [grp, ]<what> from deal_close_days d where <cond>` (or the table
            /// per owner; the closed deals' counts per day, see `deal_days_answer`) with the
            /// scope's source, owners and days and the caller's visibility.
            pub(crate) fn close_days_query(
                scope: &ReportScope,
                what: &str,
                cond: &str,
            ) -> QueryBuilder<'static, sqlx::$db> {
                let grp = if scope.group_by.is_some() { "nullif(d.source, '') as grp, " } else { "" };
                let table = $crate::reports::kept_table("deal_close_days", scope, &scope.deal_visibility);
                let mut qb = QueryBuilder::new(format!("select {grp}{what} from {table} d where {cond}"));
                $crate::reports::push_kept_conditions(&mut qb, scope, "d", &scope.deal_visibility, false);
                qb
            }

            /// Seconds from creation to close of the deals won in the period.
            pub(crate) async fn report_cycle_rows(&self, scope: &ReportScope) -> Result<Vec<i64>, StoreError> {
                let plain = ReportScope { group_by: None, ..scope.clone() };
                let what = format!("{} as d", DIALECT.int_list(&DIALECT.elapsed($crate::reports::Elapsed::Cycle)));
                let mut qb = Self::deal_query(&plain, &what, "o.status = 'won'");
                Self::in_period(&mut qb, &plain, "o.closed_at");
                self.durations(qb).await
            }
        }
    };
}
