//! Multi-row inserts: rows of one table flattened into statements of bounded size.

use super::{Stmt, Value};

/// Rows for one table, flattened, turned into multi-row inserts of bounded size.
#[derive(Debug)]
pub struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    values: Vec<Value>,
}

impl Batch {
    /// An empty batch for `table (columns)`.
    pub fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            table,
            columns,
            values: Vec::new(),
        }
    }

    /// Adds one row; `row` must have one value per column.
    pub fn push(&mut self, row: impl IntoIterator<Item = Value>) {
        let before = self.values.len();
        self.values.extend(row);
        debug_assert_eq!(
            self.values.len() - before,
            self.columns.len(),
            "row width of {}",
            self.table
        );
    }

    /// Number of rows held.
    pub fn rows(&self) -> usize {
        self.values.len() / self.columns.len()
    }

    /// Multi-row `insert` statements of at most `max_params` values (and 1,000 rows) each;
    /// `?` placeholders when not `numbered` (SQLite looks named ones up linearly).
    pub fn into_stmts(self, max_params: usize, numbered: bool) -> Vec<Stmt> {
        let width = self.columns.len();
        let per_stmt = (max_params / width).clamp(1, 1000);
        let mut out = Vec::new();
        let mut rest = self.values;
        while !rest.is_empty() {
            let take = (per_stmt * width).min(rest.len());
            let tail = rest.split_off(take);
            let rows = rest.len() / width;
            let sql = if numbered {
                insert_sql(self.table, self.columns, rows)
            } else {
                anonymous_insert_sql(self.table, self.columns, rows)
            };
            out.push(Stmt { sql, values: rest });
            rest = tail;
        }
        out
    }
}

/// `insert into t (a, b) values ($1, $2), ($3, $4) ...` for `rows` rows.
pub fn insert_sql(table: &str, columns: &[&str], rows: usize) -> String {
    use std::fmt::Write;
    let mut sql = format!("insert into {table} ({}) values ", columns.join(", "));
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns.len() {
            n += 1;
            let sep = if c == 0 { "" } else { ", " };
            let _ = write!(sql, "{sep}${n}");
        }
        sql.push(')');
    }
    sql
}

/// `insert into t (a, b) values (?, ?), (?, ?) ...` for `rows` rows.
pub fn anonymous_insert_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns.len()].join(", "));
    format!(
        "insert into {table} ({}) values {}",
        columns.join(", "),
        vec![row.as_str(); rows].join(", ")
    )
}
