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

        /// Open deals per stage and own category (`opportunities_open` holds every column
        /// read); the stage's default category and probability are applied to these sums by
        /// `OPEN_CLOSE`, one lookup per stage rather than per deal.
        const OPEN_SUMS: &str = "o.stage as stage, o.forecast_category as own, o.currency as currency, \
            count(*) as n, cast(coalesce(sum(o.amount_minor), 0) as bigint) as amount \
            from opportunities o{open_deals} where o.status = 'open'";
        /// Ends the open deals' sums (see `open_select`): grouped per stage, then the
        /// effective category and the stage-weighted amount per slot.
        const OPEN_CLOSE: &str = " group by {grp}slot, o.stage, o.forecast_category, o.currency) g \
            join pipeline_stages s on s.key = g.stage";
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
            /// category and currency; the two are read at once.
            pub(crate) async fn forecast_rows(
                &self,
                scope: &ReportScope,
                spans: &[Span],
            ) -> Result<Vec<ForecastCell>, StoreError> {
                let (mut open, won) = $crate::reports::both_at_once(
                    self.forecast_open_rows(scope, spans),
                    self.forecast_won_rows(scope, spans),
                )
                .await?;
                open.extend(won);
                Ok(open)
            }

            /// Open deals by the span of their expected close day.
            async fn forecast_open_rows(
                &self,
                scope: &ReportScope,
                spans: &[Span],
            ) -> Result<Vec<ForecastCell>, StoreError> {
                let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
                    return Ok(Vec::new());
                };
                let mut qb = Self::open_select(scope);
                qb.push("case");
                for (i, s) in spans.iter().enumerate() {
                    qb.push(" when o.expected_close_date <= ").push_bind(s.last_day);
                    qb.push(format!(" then {i}"));
                }
                qb.push(" end");
                Self::slot_sums(&mut qb, scope, OPEN_SUMS);
                qb.push(" and o.expected_close_date >= ").push_bind(first.first_day);
                qb.push(" and o.expected_close_date <= ").push_bind(last.last_day);
                Self::open_close(&mut qb, scope);
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

            /// Open deals in no period: expected before `today` (overdue) or without a
            /// date (undated).
            pub(crate) async fn forecast_loose_rows(
                &self,
                scope: &ReportScope,
                today: chrono::NaiveDate,
            ) -> Result<Vec<ForecastCell>, StoreError> {
                let mut qb = Self::open_select(scope);
                qb.push("case when o.expected_close_date is null then 1 else 0 end");
                Self::slot_sums(&mut qb, scope, OPEN_SUMS);
                qb.push(" and (o.expected_close_date is null or o.expected_close_date < ")
                    .push_bind(today)
                    .push(")");
                Self::open_close(&mut qb, scope);
                let mut cells = self.forecast_cells(qb, scope).await?;
                for c in &mut cells {
                    c.slot = if c.slot == Slot::Period(0) { Slot::Overdue } else { Slot::Undated };
                }
                Ok(cells)
            }

            /// `select [grp, ]cast(` — the slot expression follows.
            fn slot_select(scope: &ReportScope) -> QueryBuilder<'static, sqlx::$db> {
                let (grp, _) = group_parts(scope, true);
                QueryBuilder::new(format!("select {grp}cast("))
            }

            /// `select ... from (select [grp, ]cast(` — the open deals' sums per stage, read
            /// by the outer select; the slot expression follows, and `OPEN_CLOSE` (through
            /// `Self::open_close`) ends the inner select.
            fn open_select(scope: &ReportScope) -> QueryBuilder<'static, sqlx::$db> {
                let (grp, _) = group_parts(scope, true);
                let (outer, _) = $crate::reports::outer_group_parts(scope);
                QueryBuilder::new(format!(
                    "select {outer}g.slot as slot, coalesce(g.own, s.forecast_category, 'pipeline') as category, \
                     g.currency as currency, cast(sum(g.n) as bigint) as n, \
                     cast(sum(g.amount) as bigint) as amount, \
                     cast(sum(g.amount * s.probability) as bigint) as weighted \
                     from (select {grp}cast("
                ))
            }

            /// Ends the inner select of `Self::open_select`.
            fn open_close(qb: &mut QueryBuilder<'static, sqlx::$db>, scope: &ReportScope) {
                let (_, by) = $crate::reports::outer_group_parts(scope);
                qb.push(OPEN_CLOSE.replace("{grp}", by));
            }

            /// Closes the slot expression, adds the sums, tables, filters and visibility.
            fn slot_sums(qb: &mut QueryBuilder<'static, sqlx::$db>, scope: &ReportScope, sums: &str) {
                let sums = sums.replace("{open_deals}", &DIALECT.indexed_by("opportunities_open"));
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
                    let slot: Option<i64> = row.try_get("slot").map_err(backend)?;
                    let Some(slot) = slot.and_then(|s| usize::try_from(s).ok()) else {
                        continue;
                    };
                    let category: String = row.try_get("category").map_err(backend)?;
                    out.push(ForecastCell {
                        slot: Slot::Period(slot),
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
