//! The lead and opportunity list queries, for any sqlx database whose driver binds the column
//! types Sarnakh uses. A caller who sees only some owners' rows (a rep, a team's manager) gets
//! one ordered part per visible owner and one for the unowned rows, each the first page of
//! its own index range, merged in the list's order: a single filter `owner in (...) or owner
//! is null` makes both databases collect and sort every row the caller may see (75,000 of a
//! rep's leads at a million, half a second) before a page of 50 is cut.

use crate::list::{
    contains_pattern, is_int, is_text, is_time, push_ids, push_order, push_seek, push_visibility,
};
use crate::reports::Dialect;
use chrono::{DateTime, Utc};
use sarnakh_core::domain::PageRequest;
use sarnakh_core::domain::page::{CursorKey, SortDir};
use sarnakh_core::policy::Visibility;
use sarnakh_core::store::{
    LeadFilter, LeadSortField, OpportunityFilter, OpportunitySortField, StoreError,
};
use sqlx::{Database, Encode, QueryBuilder, Type};
use uuid::Uuid;

/// Most visible owners read as parts of their own; a wider scope is read as one filter.
pub const MAX_PARTS: usize = 64;

/// A list's order: the column, its direction, and the cursor key it pages by.
#[derive(Debug, Clone, Copy)]
pub struct Order {
    /// Sort column (the row id breaks ties).
    pub col: &'static str,
    /// Direction.
    pub dir: SortDir,
    /// Whether a cursor's key is of the column's kind.
    pub expected: fn(&CursorKey) -> bool,
}

/// The table a list reads and what it selects.
#[derive(Debug, Clone, Copy)]
pub struct Listed<'c> {
    /// Table name.
    pub table: &'static str,
    /// Selected columns.
    pub columns: &'c str,
    /// The column of an unowned row's team queue, if rows wait in queues (leads).
    pub queue_col: Option<&'static str>,
}

/// One part of a scoped list.
enum Part<'v> {
    /// One visible owner's rows.
    Owner(Uuid),
    /// Unowned rows; for leads, only those in a visible queue or in none.
    Unowned(&'v [sarnakh_core::domain::TeamId]),
}

/// `select columns from table where 1 = 1 <filters> <visibility> <seek> order by ... limit`,
/// the page's rows plus one. `filters` appends the list's own conditions (` and ...`); it is
/// called once per part. A scoped caller's parts are `union all`ed, each selecting its sort
/// value as `sort_key`, and merged by it.
pub fn list_query<'a, DB: Database>(
    dialect: Dialect,
    listed: Listed<'_>,
    visibility: &'a Visibility,
    order: Order,
    page: &PageRequest,
    filters: impl Fn(&mut QueryBuilder<'a, DB>),
) -> Result<QueryBuilder<'a, DB>, StoreError>
where
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> Option<Uuid>: Encode<'q, DB> + Type<DB>,
{
    let Listed {
        table,
        columns,
        queue_col,
    } = listed;
    let mut qb = QueryBuilder::new("");
    let parts = match visibility {
        Visibility::Scoped { owners, queues } if owners.len() <= MAX_PARTS => {
            let mut parts: Vec<Part> = owners.iter().map(|o| Part::Owner(o.as_uuid())).collect();
            parts.push(Part::Unowned(queues));
            parts
        }
        _ => {
            qb.push(format!("select {columns} from {table} where 1 = 1"));
            filters(&mut qb);
            push_visibility(&mut qb, visibility, "owner_id", queue_col);
            push_seek(&mut qb, order.col, order.dir, page, order.expected)?;
            push_order(&mut qb, order.col, order.dir, page);
            return Ok(qb);
        }
    };
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            qb.push(" union all ");
        }
        qb.push(format!(
            "select * from (select {columns}, {} as sort_key from {table} where 1 = 1",
            order.col
        ));
        filters(&mut qb);
        match part {
            Part::Owner(owner) => {
                qb.push(" and owner_id = ").push_bind(*owner);
            }
            Part::Unowned(queues) => {
                if dialect == Dialect::Sqlite {
                    // `is ?` (bound to null): SQLite, without statistics, plans an `is null`
                    // as matching many rows and would walk another index of the whole table
                    // when the unowned rows are few; an `is ?` it plans as an equality.
                    qb.push(" and owner_id is ").push_bind(None::<Uuid>);
                } else {
                    qb.push(" and owner_id is null");
                }
                if let Some(queue) = queue_col {
                    qb.push(format!(" and ({queue} is null or {queue} in ("));
                    push_ids(&mut qb, queues.iter().map(|q| q.as_uuid()));
                    qb.push("))");
                }
            }
        }
        push_seek(&mut qb, order.col, order.dir, page, order.expected)?;
        push_order(&mut qb, order.col, order.dir, page);
        qb.push(format!(") part{i}"));
    }
    push_order(&mut qb, "sort_key", order.dir, page);
    Ok(qb)
}

/// Appends a lead list's own conditions: stage, status, source, grade, owner, email, search.
pub fn push_lead_filter<'a, DB: Database>(qb: &mut QueryBuilder<'a, DB>, filter: &'a LeadFilter)
where
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
{
    if let Some(stage) = filter.stage {
        qb.push(" and stage = ").push_bind(stage.as_str());
    }
    if let Some(status) = filter.status {
        qb.push(" and status = ").push_bind(status.as_str());
    }
    if let Some(source) = filter.source {
        qb.push(" and source = ").push_bind(source.as_str());
    }
    if let Some(grade) = filter.grade {
        qb.push(" and grade = ").push_bind(grade.as_str());
    }
    if let Some(owner) = filter.owner {
        qb.push(" and owner_id = ").push_bind(owner.as_uuid());
    }
    if let Some(email) = &filter.email {
        qb.push(" and lower(email) = lower(")
            .push_bind(email.clone())
            .push(")");
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        qb.push(" and search like ")
            .push_bind(contains_pattern(q))
            .push(" escape '\\'");
    }
}

/// The lead list's query for `filter` and `page`, in the filter's order.
pub fn lead_list_query<'a, DB: Database>(
    dialect: Dialect,
    columns: &str,
    filter: &'a LeadFilter,
    page: &PageRequest,
) -> Result<QueryBuilder<'a, DB>, StoreError>
where
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> Option<Uuid>: Encode<'q, DB> + Type<DB>,
{
    let (col, expected): (&'static str, fn(&CursorKey) -> bool) = match filter.sort {
        LeadSortField::CreatedAt => ("created_at", is_time),
        LeadSortField::UpdatedAt => ("updated_at", is_time),
        LeadSortField::Name => ("sort_name", is_text),
        LeadSortField::Score => ("score", is_int),
    };
    let order = Order {
        col,
        dir: filter.dir,
        expected,
    };
    let listed = Listed {
        table: "leads",
        columns,
        queue_col: Some("team_id"),
    };
    list_query(dialect, listed, &filter.visibility, order, page, |qb| {
        push_lead_filter(qb, filter)
    })
}

/// The opportunity list's query for `filter` and `page`, in the filter's order.
pub fn opportunity_list_query<'a, DB: Database>(
    dialect: Dialect,
    columns: &str,
    filter: &'a OpportunityFilter,
    page: &PageRequest,
) -> Result<QueryBuilder<'a, DB>, StoreError>
where
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> chrono::NaiveDate: Encode<'q, DB> + Type<DB>,
    for<'q> Option<Uuid>: Encode<'q, DB> + Type<DB>,
{
    let (col, expected): (&'static str, fn(&CursorKey) -> bool) = match filter.sort {
        OpportunitySortField::CreatedAt => ("created_at", is_time),
        OpportunitySortField::UpdatedAt => ("updated_at", is_time),
        OpportunitySortField::Amount => ("amount_minor", is_int),
    };
    let order = Order {
        col,
        dir: filter.dir,
        expected,
    };
    let listed = Listed {
        table: "opportunities",
        columns,
        queue_col: None,
    };
    list_query(dialect, listed, &filter.visibility, order, page, |qb| {
        crate::list::push_opportunity_filter(qb, filter)
    })
}
