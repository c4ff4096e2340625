//! Seek pagination, visibility and search clauses of list queries, for any sqlx database
//! whose driver binds the column types Sarnakh uses (timestamps, text, integers, UUIDs).

use chrono::{DateTime, Utc};
use sarnakh_core::domain::page::{Cursor, CursorKey, SortDir};
use sarnakh_core::domain::{Page, PageRequest};
use sarnakh_core::policy::Visibility;
use sarnakh_core::store::StoreError;
use sqlx::{Database, Encode, QueryBuilder, Type};

// Every function names the key types it binds; sqlx implements them for both stores.
use uuid::Uuid;

/// Appends `and (col, id) > (key, id)` (or `<` when descending) for the cursor, if any.
pub fn push_seek<DB: Database>(
    qb: &mut QueryBuilder<'_, DB>,
    col: &str,
    dir: SortDir,
    page: &PageRequest,
    expected: fn(&CursorKey) -> bool,
) -> Result<(), StoreError>
where
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
{
    let Some(cursor) = &page.after else {
        return Ok(());
    };
    if !expected(&cursor.key) {
        return Err(StoreError::InvalidCursor);
    }
    let op = if dir == SortDir::Asc { ">" } else { "<" };
    qb.push(format!(" and ({col}, id) {op} ("));
    match &cursor.key {
        CursorKey::Time(t) => qb.push_bind(*t),
        CursorKey::Text(s) => qb.push_bind(s.clone()),
        CursorKey::Int(i) => qb.push_bind(*i),
    };
    qb.push(", ").push_bind(cursor.id).push(")");
    Ok(())
}

/// Appends `order by col dir, id dir limit n+1`.
pub fn push_order<DB: Database>(
    qb: &mut QueryBuilder<'_, DB>,
    col: &str,
    dir: SortDir,
    page: &PageRequest,
) where
    for<'q> i64: Encode<'q, DB> + Type<DB>,
{
    let d = if dir == SortDir::Asc { "asc" } else { "desc" };
    qb.push(format!(" order by {col} {d}, id {d} limit "))
        .push_bind(i64::from(page.limit) + 1);
}

/// Cuts the extra row off and builds the next cursor from the last row kept.
pub fn finish<T>(mut items: Vec<T>, page: &PageRequest, cursor: impl Fn(&T) -> Cursor) -> Page<T> {
    let more = items.len() > page.limit as usize;
    items.truncate(page.limit as usize);
    let next = if more { items.last().map(cursor) } else { None };
    Page { items, next }
}

/// A `like` pattern matching `q` anywhere, with `%`, `_` and `\` escaped.
pub fn contains_pattern(q: &str) -> String {
    let mut pattern = String::from("%");
    for c in q.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

pub fn is_time(k: &CursorKey) -> bool {
    matches!(k, CursorKey::Time(_))
}

pub fn is_text(k: &CursorKey) -> bool {
    matches!(k, CursorKey::Text(_))
}

pub fn is_int(k: &CursorKey) -> bool {
    matches!(k, CursorKey::Int(_))
}

/// Appends the policy's row filter: rows owned by the visible owners, unowned rows, and,
/// when `queue_col` is given (leads), only unowned rows in a visible queue or in none.
pub fn push_visibility<DB: Database>(
    qb: &mut QueryBuilder<'_, DB>,
    v: &Visibility,
    owner_col: &str,
    queue_col: Option<&str>,
) where
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
{
    let Visibility::Scoped { owners, queues } = v else {
        return;
    };
    qb.push(format!(" and ({owner_col} in ("));
    push_ids(qb, owners.iter().map(|o| o.as_uuid()));
    qb.push(format!(") or ({owner_col} is null"));
    if let Some(queue) = queue_col {
        qb.push(format!(" and ({queue} is null or {queue} in ("));
        push_ids(qb, queues.iter().map(|q| q.as_uuid()));
        qb.push("))");
    }
    qb.push("))");
}

/// A comma-separated list of bound ids; `null` when empty (matches nothing).
pub(crate) fn push_ids<DB: Database>(
    qb: &mut QueryBuilder<'_, DB>,
    ids: impl Iterator<Item = uuid::Uuid>,
) where
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
{
    let mut any = false;
    for id in ids {
        if any {
            qb.push(", ");
        }
        qb.push_bind(id);
        any = true;
    }
    if !any {
        qb.push("null");
    }
}

/// Appends the conditions of an account list: search in the name, the reader's visibility,
/// customer or not, owner, country, industry and an id set.
pub fn push_account_filter<DB: Database>(
    qb: &mut QueryBuilder<'_, DB>,
    filter: &sarnakh_core::store::AccountFilter,
) where
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
{
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        qb.push(" and name_key like ")
            .push_bind(contains_pattern(q))
            .push(" escape '\\'");
    }
    push_visibility(qb, &filter.visibility, "owner_id", None);
    match filter.customer {
        Some(true) => qb.push(" and customer_since is not null"),
        Some(false) => qb.push(" and customer_since is null"),
        None => &mut *qb,
    };
    if let Some(owner) = filter.owner {
        qb.push(" and owner_id = ").push_bind(owner.as_uuid());
    }
    if let Some(country) = &filter.country {
        qb.push(" and country = ").push_bind(country.clone());
    }
    if let Some(industry) = &filter.industry {
        qb.push(" and industry = ").push_bind(industry.clone());
    }
    if let Some(ids) = &filter.ids {
        qb.push(" and id in (");
        push_ids(qb, ids.iter().map(|id| id.as_uuid()));
        qb.push(")");
    }
}

/// Appends the conditions of an opportunity list: stage, status, owner, account, lead,
/// product, expected close and amount ranges (in one currency), an owner set and search (the
/// reader's visibility is `list_query`'s).
pub fn push_opportunity_filter<DB: Database>(
    qb: &mut QueryBuilder<'_, DB>,
    filter: &sarnakh_core::store::OpportunityFilter,
) where
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> chrono::NaiveDate: Encode<'q, DB> + Type<DB>,
{
    if let Some(stage) = &filter.stage {
        qb.push(" and stage = ").push_bind(stage.clone());
    }
    if let Some(status) = filter.status {
        qb.push(" and status = ")
            .push_bind(status.as_str().to_owned());
    }
    if let Some(owner) = filter.owner {
        qb.push(" and owner_id = ").push_bind(owner.as_uuid());
    }
    if let Some(account) = filter.account {
        qb.push(" and account_id = ").push_bind(account.as_uuid());
    }
    if let Some(lead) = filter.lead {
        qb.push(" and lead_id = ").push_bind(lead.as_uuid());
    }
    if let Some(product) = &filter.product {
        qb.push(" and product = ").push_bind(product.clone());
    }
    if let Some(from) = filter.close_from {
        qb.push(" and expected_close_date >= ").push_bind(from);
    }
    if let Some(to) = filter.close_to {
        qb.push(" and expected_close_date <= ").push_bind(to);
    }
    if let Some(currency) = &filter.currency {
        qb.push(" and currency = ").push_bind(currency.clone());
    }
    if let Some(min) = filter.amount_min {
        qb.push(" and amount_minor >= ").push_bind(min);
    }
    if let Some(max) = filter.amount_max {
        qb.push(" and amount_minor <= ").push_bind(max);
    }
    if let Some(owners) = &filter.owners {
        qb.push(" and owner_id in (");
        push_ids(qb, owners.iter().map(|o| o.as_uuid()));
        qb.push(")");
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        qb.push(" and search like ")
            .push_bind(contains_pattern(q))
            .push(" escape '\\'");
    }
}
