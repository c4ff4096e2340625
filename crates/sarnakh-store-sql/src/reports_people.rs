//! The sources and activity reports' queries (won revenue of a cohort, each cohort lead's
//! first contact, activities per owner and kind, overdue follow-ups per owner), expanded in
//! each store by `report_queries!`.

/// Expands the sources and activity query functions (inside `report_queries!`).
#[macro_export]
macro_rules! report_people_queries {
    ($store:ident, $db:ident, $read:ident) => {
        use sarnakh_core::domain::report_figures::{ActivityCell, FirstContact, GroupSeconds, RevenueCell};

        /// A cohort lead's first call, email, meeting or demo, kept on the lead.
        const FIRST_CONTACT: &str = "l.created_at as created_at, l.first_contact_at as first_at";

        impl $store {
            /// Won deals of the leads created in the period, per group and currency.
            pub(crate) async fn report_revenue_rows(&self, scope: &ReportScope) -> Result<Vec<RevenueCell>, StoreError> {
                let what = "o.currency as currency, count(*) as n, cast(coalesce(sum(o.amount_minor), 0) as bigint) as amount";
                let mut qb = Self::cohort_deals(scope, what);
                qb.push(" and o.status = 'won'");
                Self::in_period(&mut qb, scope, "l.created_at");
                let mut out = Vec::new();
                for row in self.grouped(qb, scope, "o.currency").await? {
                    out.push(RevenueCell {
                        group: group_of(&row, scope.group_by)?,
                        currency: row.try_get("currency").map_err(backend)?,
                        won: count(&row, "n")?,
                        amount_minor: row.try_get("amount").map_err(backend)?,
                    });
                }
                Ok(out)
            }

            /// Each lead created in the period with its first contact, if any.
            pub(crate) async fn report_first_contact_rows(&self, scope: &ReportScope) -> Result<Vec<FirstContact>, StoreError> {
                let mut qb = Self::lead_query(scope, FIRST_CONTACT, "leads l");
                Self::in_period(&mut qb, scope, "l.created_at");
                let rows = qb.build().fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter()
                    .map(|row| {
                        Ok(FirstContact {
                            group: group_of(row, scope.group_by)?,
                            created_at: row.try_get("created_at").map_err(backend)?,
                            first_at: row.try_get("first_at").map_err(backend)?,
                        })
                    })
                    .collect()
            }

            /// Per group, the seconds from creation to first contact of the period's
            /// contacted leads (leads_created holds both times).
            pub(crate) async fn report_contact_wait_rows(&self, scope: &ReportScope) -> Result<Vec<GroupSeconds>, StoreError> {
                let what = durations_of("l.created_at", "l.first_contact_at");
                let mut qb = Self::lead_query(scope, &what, "leads l");
                qb.push(" and l.first_contact_at is not null");
                Self::in_period(&mut qb, scope, "l.created_at");
                let mut out = Vec::new();
                for row in self.grouped(qb, scope, "").await? {
                    let list: Option<String> = row.try_get("d").map_err(backend)?;
                    out.push(GroupSeconds {
                        group: group_of(&row, scope.group_by)?,
                        seconds: int_list(list.as_deref())?,
                    });
                }
                Ok(out)
            }

            /// Activities that happened in the period, per owner and kind.
            pub(crate) async fn report_activity_rows(&self, scope: &ReportScope) -> Result<Vec<ActivityCell>, StoreError> {
                let mut qb: QueryBuilder<'static, sqlx::$db> = QueryBuilder::new(
                    "select a.owner_id as grp, a.kind as kind, count(*) as n from activities a where 1 = 1",
                );
                $crate::reports::push_filter(&mut qb, &scope.filter, "a.owner_id", false);
                push_visibility(&mut qb, &scope.deal_visibility, "a.owner_id", None);
                Self::in_period(&mut qb, scope, "a.occurred_at");
                qb.push(" group by a.owner_id, a.kind");
                let rows = qb.build().fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter()
                    .map(|row| {
                        Ok(ActivityCell {
                            owner: group_of(row, Some(GroupBy::Owner))?,
                            kind: row.try_get("kind").map_err(backend)?,
                            count: count(row, "n")?,
                        })
                    })
                    .collect()
            }

            /// Open follow-ups due before `now`, per owner.
            pub(crate) async fn report_overdue_rows(
                &self,
                scope: &ReportScope,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<(Option<String>, u64)>, StoreError> {
                let mut qb: QueryBuilder<'static, sqlx::$db> = QueryBuilder::new(
                    "select t.owner_id as grp, count(*) as n from tasks t where t.completed_at is null and t.due_at < ",
                );
                qb.push_bind(now);
                $crate::reports::push_filter(&mut qb, &scope.filter, "t.owner_id", false);
                push_visibility(&mut qb, &scope.deal_visibility, "t.owner_id", None);
                qb.push(" group by t.owner_id");
                let rows = qb.build().fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter()
                    .map(|row| Ok((group_of(row, Some(GroupBy::Owner))?, count(row, "n")?)))
                    .collect()
            }
        }
    };
}
