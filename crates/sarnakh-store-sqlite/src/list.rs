//! Seek pagination helpers shared by the list queries.

use sarnakh_core::domain::page::{Cursor, CursorKey, SortDir};
use sarnakh_core::domain::{Page, PageRequest};
use sarnakh_core::store::StoreError;
use sqlx::{QueryBuilder, Sqlite};

/// Appends `and (col, id) > (key, id)` (or `<` when descending) for the cursor, if any.
pub(crate) fn push_seek(
    qb: &mut QueryBuilder<'_, Sqlite>,
    col: &str,
    dir: SortDir,
    page: &PageRequest,
    expected: fn(&CursorKey) -> bool,
) -> Result<(), StoreError> {
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
pub(crate) fn push_order(
    qb: &mut QueryBuilder<'_, Sqlite>,
    col: &str,
    dir: SortDir,
    page: &PageRequest,
) {
    let d = if dir == SortDir::Asc { "asc" } else { "desc" };
    qb.push(format!(" order by {col} {d}, id {d} limit "))
        .push_bind(i64::from(page.limit) + 1);
}

/// Cuts the extra row off and builds the next cursor from the last row kept.
pub(crate) fn finish<T>(
    mut items: Vec<T>,
    page: &PageRequest,
    cursor: impl Fn(&T) -> Cursor,
) -> Page<T> {
    let more = items.len() > page.limit as usize;
    items.truncate(page.limit as usize);
    let next = if more { items.last().map(cursor) } else { None };
    Page { items, next }
}

/// A `like` pattern matching `q` anywhere, with `%`, `_` and `\` escaped.
pub(crate) fn contains_pattern(q: &str) -> String {
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

pub(crate) fn is_time(k: &CursorKey) -> bool {
    matches!(k, CursorKey::Time(_))
}

pub(crate) fn is_text(k: &CursorKey) -> bool {
    matches!(k, CursorKey::Text(_))
}

pub(crate) fn is_int(k: &CursorKey) -> bool {
    matches!(k, CursorKey::Int(_))
}
