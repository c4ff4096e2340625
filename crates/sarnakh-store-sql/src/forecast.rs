//! The forecast's queries (deals per period and category, deals outside any period), its
//! snapshots and targets, expanded in each store by `report_queries!`. Periods become one
//! `case` over bound day boundaries, so both databases bucket alike; one aggregate per
//! question (`opportunities_status_expected`, `opportunities_status_closed`).

/// Expands the forecast functions (inside the `reports` module of `report_queries!`).
#[macro_export]
macro_rules! forecast_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident) => {
        use sarnakh_core::domain::forecast::{
            ForecastCategory, ForecastCell, Interval, Slot, Snapshot, SnapshotLine, Span, Target,
        };
        use sarnakh_core::domain::report::Period;
        use sarnakh_core::domain::TeamId;

        /// The open deals' sums per stage, own category, currency and expected close day (the
        /// select's `day` column precedes these), the one read of the open deals that every
        /// slot is taken from. `opportunities_open` leads with these four columns and holds
        /// every column read, so SQLite sums the deals in index order without sorting them; the
        /// slots then regroup the days' sums, a few thousand rows rather than every open deal.
        const OPEN_DAYS: &str = "o.stage as stage, o.forecast_category as own, o.currency as currency, \
            count(*) as n, cast(coalesce(sum(o.amount_minor), 0) as bigint) as amount";
        /// The columns of a day's sums that a slot's select passes on.
        const DAY_SUMS: &str = "d.stage as stage, d.own as own, d.currency as currency, d.n as n, d.amount as amount";
        /// The slot numbers of open deals outside every period (periods are 0 and up).
        const UNDATED: i64 = -1;
        const OVERDUE: i64 = -2;
        /// Won deals: closed, weighted in full.
        const WON_SUMS: &str = "'closed' as category, o.currency as currency, count(*) as n, \
            cast(coalesce(sum(o.amount_minor), 0) as bigint) as amount, \
            cast(coalesce(sum(o.amount_minor * 100), 0) as bigint) as weighted \
            from opportunities o where o.status = 'won'";

        /// The nil id standing for "none" in the targets' scope comparison.
        const NONE_ID: uuid::Uuid = uuid::Uuid::nil();

        fn stored_category(raw: &str) -> Result<ForecastCategory, StoreError> {
            ForecastCategory::parse(raw).ok_or_else(|| {
                StoreError::Backend(format!("stored forecast category {raw:?} is unknown"))
            })
        }

        impl $store {
            /// Open deals expected in each span and deals won in each span, per group,
            /// category and currency, and with `loose_before` the open deals in no span (see
            /// `forecast_open_rows`); the open and the won deals are read at once.
            pub(crate) async fn forecast_rows(
                &self,
                scope: &ReportScope,
                spans: &[Span],
                loose_before: Option<chrono::NaiveDate>,
            ) -> Result<Vec<ForecastCell>, StoreError> {
                let (mut open, won) = $crate::reports::both_at_once(
                    self.forecast_open_rows(scope, spans, loose_before),
                    self.forecast_won_rows(scope, spans),
                )
                .await?;
                open.extend(won);
                Ok(open)
            }

            /// Open deals by the span of their expected close day and, with `loose_before`,
            /// those expected before that day (overdue) or without a date (undated), in one
            /// read: the days' sums (`OPEN_DAYS`) once, each slot's select over them. A deal
            /// expected between a span's first day and `loose_before` is in both. The stage's
            /// default category and probability apply to the sums per slot, one lookup per
            /// stage rather than per deal.
            async fn forecast_open_rows(
                &self,
                scope: &ReportScope,
                spans: &[Span],
                loose_before: Option<chrono::NaiveDate>,
            ) -> Result<Vec<ForecastCell>, StoreError> {
                let bounds = spans.first().zip(spans.last());
                if bounds.is_none() && loose_before.is_none() {
                    return Ok(Vec::new());
                }
                let (grp, _) = group_parts(scope, true);
                let (outer, by) = $crate::reports::outer_group_parts(scope);
                let mut qb: QueryBuilder<'static, sqlx::$db> = QueryBuilder::new(format!("with d as (select {grp}"));
                if $crate::reports::open_days_answer(scope, DIALECT) {
                    // The sums the store keeps per stage, currency, own category and day (and
                    // owner, for a caller who sees a few owners or filters them).
                    let table = $crate::reports::kept_table("open_deal_days", scope, &scope.deal_visibility);
                    qb.push(format!(
                        "nullif(r.day, '') as day, r.stage as stage, nullif(r.category, '') as own, \
                         r.currency as currency, r.deals as n, r.amount_minor as amount from {table} r where 1 = 1"
                    ));
                    $crate::reports::push_kept_owners(&mut qb, scope, "r", &scope.deal_visibility, false);
                } else {
                    let day = if scope.group_by.is_some() {
                        Self::push_day_run(&mut qb, spans, loose_before);
                        "day"
                    } else {
                        qb.push("o.expected_close_date");
                        "o.expected_close_date"
                    };
                    qb.push(format!(" as day, {OPEN_DAYS}"));
                    $crate::reports::push_open_deals(&mut qb, &scope.deal_visibility, DIALECT);
                    push_filter(&mut qb, &scope.filter, "o.owner_id", true);
                    qb.push(format!(" group by {by}o.stage, o.currency, o.forecast_category, {day}"));
                }
                qb.push(format!(
                    ") \
                     select {outer}g.slot as slot, coalesce(g.own, s.forecast_category, 'pipeline') as category, \
                     g.currency as currency, cast(sum(g.n) as bigint) as n, \
                     cast(sum(g.amount) as bigint) as amount, \
                     cast(sum(g.amount * s.probability) as bigint) as weighted from ("
                ));
                let d_grp = if scope.group_by.is_some() { "d.grp as grp, " } else { "" };
                if let Some((first, last)) = bounds {
                    qb.push(format!("select {d_grp}cast(case"));
                    for (i, s) in spans.iter().enumerate() {
                        qb.push(" when d.day <= ").push_bind(s.last_day);
                        qb.push(format!(" then {i}"));
                    }
                    qb.push(format!(" end as bigint) as slot, {DAY_SUMS} from d where d.day >= "))
                        .push_bind(first.first_day);
                    qb.push(" and d.day <= ").push_bind(last.last_day);
                }
                if let Some(before) = loose_before {
                    if bounds.is_some() {
                        qb.push(" union all ");
                    }
                    qb.push(format!(
                        "select {d_grp}cast(case when d.day is null then {UNDATED} else {OVERDUE} end as bigint) as slot, \
                         {DAY_SUMS} from d where d.day is null or d.day < "
                    ))
                    .push_bind(before);
                }
                qb.push(") g join pipeline_stages s on s.key = g.stage");
                self.forecast_cells(qb, scope).await
            }

            /// Won deals by the span of their close time.
            pub(crate) async fn forecast_won_rows(
                &self,
                scope: &ReportScope,
                spans: &[Span],
            ) -> Result<Vec<ForecastCell>, StoreError> {
                let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
                    return Ok(Vec::new());
                };
                let whole = |s: &Span| Period::days(s.first_day, s.last_day);
                if $crate::reports::deal_days_answer(scope, DIALECT) {
                    // From the closed deals' counts per day: the spans are whole days, written
                    // as date literals (ISO dates, never user text).
                    let mut what = String::from("cast(case");
                    for (i, s) in spans.iter().enumerate() {
                        what.push_str(&format!(" when d.day <= '{}' then {i}", s.last_day));
                    }
                    what.push_str(
                        " end as bigint) as slot, 'closed' as category, d.currency as currency, \
                         cast(sum(d.deals) as bigint) as n, cast(sum(d.amount_minor) as bigint) as amount, \
                         cast(sum(d.amount_minor) * 100 as bigint) as weighted",
                    );
                    let days = ReportScope { period: Some(Period::days(first.first_day, last.last_day)), ..scope.clone() };
                    let qb = Self::close_days_query(&days, &what, "d.status = 'won'");
                    return self.forecast_cells(qb, scope).await;
                }
                let mut qb = Self::slot_select(scope);
                qb.push("case");
                for (i, s) in spans.iter().enumerate() {
                    qb.push(" when o.closed_at < ").push_bind(whole(s).to);
                    qb.push(format!(" then {i}"));
                }
                qb.push(" end");
                Self::slot_sums(&mut qb, scope, WON_SUMS);
                qb.push(" and o.closed_at >= ").push_bind(whole(first).from);
                qb.push(" and o.closed_at < ").push_bind(whole(last).to);
                self.forecast_cells(qb, scope).await
            }

            /// A deal's expected close day as the first day of its run between two of the
            /// slots' bounds (null when undated). Grouped (by owner, team, ...), sums per day
            /// would be nearly one per deal; every slot's condition sorts the days of a run
            /// alike, so the groups are few (the deals are sorted once, as a grouping needs
            /// anyway).
            fn push_day_run(
                qb: &mut QueryBuilder<'static, sqlx::$db>,
                spans: &[Span],
                loose_before: Option<chrono::NaiveDate>,
            ) {
                let mut cuts: Vec<chrono::NaiveDate> = spans
                    .iter()
                    .flat_map(|s| [Some(s.first_day), s.last_day.succ_opt()])
                    .chain([loose_before])
                    .flatten()
                    .collect();
                cuts.sort();
                cuts.dedup();
                qb.push("case when o.expected_close_date is null then null");
                let mut below = cuts.first().and_then(|c| c.pred_opt());
                for cut in &cuts {
                    qb.push(" when o.expected_close_date < ").push_bind(*cut).push(" then ");
                    match below {
                        Some(b) => qb.push_bind(b),
                        None => qb.push("null"),
                    };
                    below = Some(*cut);
                }
                qb.push(" else ").push_bind(below).push(" end");
            }

            /// `select [grp, ]cast(` — the slot expression follows.
            fn slot_select(scope: &ReportScope) -> QueryBuilder<'static, sqlx::$db> {
                let (grp, _) = group_parts(scope, true);
                QueryBuilder::new(format!("select {grp}cast("))
            }

            /// Closes the slot expression, adds the sums, tables, filters and visibility.
            fn slot_sums(qb: &mut QueryBuilder<'static, sqlx::$db>, scope: &ReportScope, sums: &str) {
                qb.push(format!(" as bigint) as slot, {sums}"));
                push_filter(qb, &scope.filter, "o.owner_id", true);
                push_visibility(qb, &scope.deal_visibility, "o.owner_id", None);
            }

            async fn forecast_cells(
                &self,
                qb: QueryBuilder<'static, sqlx::$db>,
                scope: &ReportScope,
            ) -> Result<Vec<ForecastCell>, StoreError> {
                let mut out = Vec::new();
                for row in self.grouped(qb, scope, "slot, category, currency").await? {
                    let slot = match row.try_get::<Option<i64>, _>("slot").map_err(backend)? {
                        Some(UNDATED) => Slot::Undated,
                        Some(OVERDUE) => Slot::Overdue,
                        Some(i) => match usize::try_from(i) {
                            Ok(i) => Slot::Period(i),
                            Err(_) => continue,
                        },
                        None => continue,
                    };
                    let category: String = row.try_get("category").map_err(backend)?;
                    out.push(ForecastCell {
                        slot,
                        group: group_of(&row, scope.group_by)?,
                        category: stored_category(&category)?,
                        currency: row.try_get("currency").map_err(backend)?,
                        deals: count(&row, "n")?,
                        amount_minor: row.try_get("amount").map_err(backend)?,
                        weighted_centi_minor: row.try_get("weighted").map_err(backend)?,
                    });
                }
                Ok(out)
            }

            /// Stores a snapshot, replacing the one of the same day: header and lines in
            /// one transaction.
            pub(crate) async fn save_snapshot_rows(
                &self,
                snapshot: &Snapshot,
                lines: &[SnapshotLine],
            ) -> Result<(), StoreError> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                sqlx::query("delete from forecast_snapshot_lines where snapshot_id in (select id from forecast_snapshots where taken_on = $1)")
                    .bind(snapshot.taken_on).execute(&mut *tx).await.map_err(backend)?;
                sqlx::query("delete from forecast_snapshots where taken_on = $1")
                    .bind(snapshot.taken_on).execute(&mut *tx).await.map_err(backend)?;
                sqlx::query("insert into forecast_snapshots (id, taken_on, taken_at, taken_by, horizon_from, horizon_to, deals) values ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(snapshot.id).bind(snapshot.taken_on).bind(snapshot.taken_at)
                    .bind(snapshot.taken_by.map(|u| u.as_uuid())).bind(snapshot.horizon_from)
                    .bind(snapshot.horizon_to).bind(i64::try_from(snapshot.deals).unwrap_or(i64::MAX))
                    .execute(&mut *tx).await.map_err(backend)?;
                for chunk in lines.chunks(500) {
                    let mut qb: QueryBuilder<'_, sqlx::$db> = QueryBuilder::new(
                        "insert into forecast_snapshot_lines (snapshot_id, owner_id, month, category, currency, deals, amount_minor, weighted_centi_minor) ",
                    );
                    qb.push_values(chunk, |mut b, l| {
                        b.push_bind(snapshot.id)
                            .push_bind(l.owner_id.map(|u| u.as_uuid()))
                            .push_bind(l.month)
                            .push_bind(l.category.as_str())
                            .push_bind(l.currency.clone())
                            .push_bind(i64::try_from(l.deals).unwrap_or(i64::MAX))
                            .push_bind(l.amount_minor)
                            .push_bind(l.weighted_centi_minor);
                    });
                    qb.build().persistent(false).execute(&mut *tx).await.map_err(backend)?;
                }
                tx.commit().await.map_err(backend)
            }

            /// Every snapshot's header, oldest first.
            pub(crate) async fn snapshot_rows(&self) -> Result<Vec<Snapshot>, StoreError> {
                type Header = (uuid::Uuid, chrono::NaiveDate, chrono::DateTime<chrono::Utc>, Option<uuid::Uuid>, chrono::NaiveDate, chrono::NaiveDate, i64);
                let rows: Vec<Header> = sqlx::query_as(
                    "select id, taken_on, taken_at, taken_by, horizon_from, horizon_to, deals from forecast_snapshots order by taken_on",
                )
                .fetch_all(&self.$read)
                .await
                .map_err(backend)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, taken_on, taken_at, by, horizon_from, horizon_to, deals)| Snapshot {
                        id,
                        taken_on,
                        taken_at,
                        taken_by: by.map(UserId::from_uuid),
                        horizon_from,
                        horizon_to,
                        deals: u64::try_from(deals).unwrap_or(0),
                    })
                    .collect())
            }

            /// One snapshot's lines.
            pub(crate) async fn snapshot_line_rows(
                &self,
                id: uuid::Uuid,
            ) -> Result<Vec<SnapshotLine>, StoreError> {
                type Line = (Option<uuid::Uuid>, chrono::NaiveDate, String, String, i64, i64, i64);
                let rows: Vec<Line> = sqlx::query_as(
                    "select owner_id, month, category, currency, deals, amount_minor, weighted_centi_minor from forecast_snapshot_lines where snapshot_id = $1 order by month",
                )
                .bind(id)
                .fetch_all(&self.$read)
                .await
                .map_err(backend)?;
                rows.into_iter()
                    .map(|(owner, month, category, currency, deals, amount_minor, weighted_centi_minor)| {
                        Ok(SnapshotLine {
                            owner_id: owner.map(UserId::from_uuid),
                            month,
                            category: stored_category(&category)?,
                            currency,
                            deals: u64::try_from(deals).unwrap_or(0),
                            amount_minor,
                            weighted_centi_minor,
                        })
                    })
                    .collect()
            }

            /// Every target, by period.
            pub(crate) async fn target_rows(&self) -> Result<Vec<Target>, StoreError> {
                type Row = (uuid::Uuid, String, chrono::NaiveDate, Option<uuid::Uuid>, Option<uuid::Uuid>, i64, String, chrono::DateTime<chrono::Utc>, Option<uuid::Uuid>);
                let rows: Vec<Row> = sqlx::query_as(
                    "select id, period_kind, starts_on, team_id, owner_id, amount_minor, currency, set_at, set_by from forecast_targets order by starts_on, period_kind",
                )
                .fetch_all(&self.$read)
                .await
                .map_err(backend)?;
                rows.into_iter()
                    .map(|(id, kind, starts_on, team, owner, minor, currency, set_at, set_by)| {
                        let interval = Interval::parse(&kind).ok_or_else(|| {
                            StoreError::Backend(format!("stored target period {kind:?} is unknown"))
                        })?;
                        let amount = Money::from_minor(minor, stored_currency(&currency)?)
                            .map_err(|e| StoreError::Backend(e.message))?;
                        Ok(Target {
                            id,
                            interval,
                            starts_on,
                            team_id: team.map(TeamId::from_uuid),
                            owner_id: owner.map(UserId::from_uuid),
                            amount,
                            set_at,
                            set_by: set_by.map(UserId::from_uuid),
                        })
                    })
                    .collect()
            }

            /// Sets a target, replacing the one for the same period and scope.
            pub(crate) async fn save_target_row(&self, t: &Target) -> Result<(), StoreError> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                sqlx::query("delete from forecast_targets where period_kind = $1 and starts_on = $2 and coalesce(team_id, $3) = $4 and coalesce(owner_id, $3) = $5")
                    .bind(t.interval.as_str()).bind(t.starts_on).bind(NONE_ID)
                    .bind(t.team_id.map_or(NONE_ID, |x| x.as_uuid()))
                    .bind(t.owner_id.map_or(NONE_ID, |x| x.as_uuid()))
                    .execute(&mut *tx).await.map_err(backend)?;
                sqlx::query("insert into forecast_targets (id, period_kind, starts_on, team_id, owner_id, amount_minor, currency, set_at, set_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .bind(t.id).bind(t.interval.as_str()).bind(t.starts_on)
                    .bind(t.team_id.map(|x| x.as_uuid())).bind(t.owner_id.map(|x| x.as_uuid()))
                    .bind(t.amount.minor()).bind(t.amount.currency().code())
                    .bind(t.set_at).bind(t.set_by.map(|x| x.as_uuid()))
                    .execute(&mut *tx).await.map_err(backend)?;
                tx.commit().await.map_err(backend)
            }

            /// Stores open deals' predicted win probabilities (basis points) with the model
            /// version, in chunks of one statement each, all in one transaction. Closed
            /// deals are left alone.
            pub(crate) async fn set_prediction_rows(
                &self,
                rows: &[(sarnakh_core::domain::OpportunityId, u16)],
                model_version: i64,
            ) -> Result<(), StoreError> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                for chunk in rows.chunks(400) {
                    let mut qb: QueryBuilder<'_, sqlx::$db> =
                        QueryBuilder::new("with v (id, bp) as (");
                    qb.push_values(chunk, |mut b, (id, bp)| {
                        b.push_bind(id.as_uuid()).push_bind(i32::from(*bp));
                    });
                    qb.push(") update opportunities set predicted_win_bp = (select v.bp from v where v.id = opportunities.id), predicted_model_version = ")
                        .push_bind(model_version)
                        .push(" where status = 'open' and id in (select v.id from v)");
                    qb.build().persistent(false).execute(&mut *tx).await.map_err(backend)?;
                }
                tx.commit().await.map_err(backend)
            }

            /// Removes a target; false when there was none with that id.
            pub(crate) async fn delete_target_row(&self, id: uuid::Uuid) -> Result<bool, StoreError> {
                let done = sqlx::query("delete from forecast_targets where id = $1")
                    .bind(id)
                    .execute(&self.$write)
                    .await
                    .map_err(backend)?;
                Ok(done.rows_affected() > 0)
            }
        }
    };
}
