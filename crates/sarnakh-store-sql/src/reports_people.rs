//! The activity report's queries (each cohort lead's first contact, activities per owner and
//! kind, overdue follow-ups per owner), expanded in each store by `report_queries!`.

/// Expands the activity query functions (inside `report_queries!`).
#[macro_export]
macro_rules! report_people_queries {
    ($store:ident, $db:ident, $read:ident) => {
        use sarnakh_core::domain::report_figures::{ActivityCell, FirstContact};

        impl $store {
            /// Each lead created in the period with its first contact, if any; a long period
            /// is read in parts at once.
            pub(crate) async fn report_first_contact_rows(&self, scope: &ReportScope) -> Result<Vec<FirstContact>, StoreError> {
                let parts = $crate::reports::slices(scope);
                let read = $crate::reports::all_at_once(parts.iter().map(|part| self.first_contacts_of(part))).await?;
                Ok(read.into_iter().flatten().collect())
            }

            /// The first contacts of one part of the period: per group one list of
            /// `created|first` pairs (RFC 3339, exact to the microsecond), not one row per
            /// lead.
            async fn first_contacts_of(&self, scope: &ReportScope) -> Result<Vec<FirstContact>, StoreError> {
                let pair = format!(
                    "{} || '|' || coalesce({}, '')",
                    DIALECT.rfc3339("l.created_at"),
                    DIALECT.rfc3339("l.first_contact_at")
                );
                let what = format!("{} as c", DIALECT.text_list(&pair));
                let rows = self.lead_rows(scope, &what, Self::cohort_reads(scope), "l.created_at").await?;
                let instant = |text: &str| {
                    $crate::reports::parse_instant(text).map_err(|e| backend(sqlx::Error::Decode(Box::new(e))))
                };
                let mut out = Vec::new();
                for row in rows {
                    let group = group_of(&row, scope.group_by)?;
                    let list: Option<String> = row.try_get("c").map_err(backend)?;
                    for pair in $crate::reports::parse_text_list(list.as_deref()) {
                        let (created, first) = pair.split_once('|').unwrap_or((pair, ""));
                        out.push(FirstContact {
                            group: group.clone(),
                            created_at: instant(created)?,
                            first_at: if first.is_empty() { None } else { Some(instant(first)?) },
                        });
                    }
                }
                Ok(out)
            }

            /// Activities that happened in the period, per owner and kind, summed from the
            /// counts the store keeps per UTC day (a report's period is whole UTC days).
            pub(crate) async fn report_activity_rows(&self, scope: &ReportScope) -> Result<Vec<ActivityCell>, StoreError> {
                let owner = format!("nullif(a.owner_key, {})", DIALECT.nil_uuid());
                let mut qb: QueryBuilder<'static, sqlx::$db> = QueryBuilder::new(format!(
                    "select {owner} as grp, a.kind as kind, cast(sum(a.n) as bigint) as n from activity_days a where 1 = 1"
                ));
                $crate::reports::push_filter(&mut qb, &scope.filter, &owner, false);
                push_visibility(&mut qb, &scope.deal_visibility, &owner, None);
                if let Some(p) = &scope.period {
                    $crate::reports::push_days(&mut qb, "a.day", p);
                }
                qb.push(" group by a.owner_key, a.kind");
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
