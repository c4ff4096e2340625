//! The activity report's queries (each cohort lead's first contact, activities per owner and
//! kind, overdue follow-ups per owner), expanded in each store by `report_queries!`.

/// Expands the activity query functions (inside `report_queries!`).
#[macro_export]
macro_rules! report_people_queries {
    ($store:ident, $db:ident, $read:ident) => {
        use sarnakh_core::domain::report_figures::{ActivityCell, FirstContact};

        /// A cohort lead's first call, email, meeting or demo, kept on the lead.
        const FIRST_CONTACT: &str = "l.created_at as created_at, l.first_contact_at as first_at";

        impl $store {
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
