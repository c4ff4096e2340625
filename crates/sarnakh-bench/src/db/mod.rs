//! The raw database path shared by the scale generator and the limit loops: one value
//! type bound exactly as the adapters bind it (UUID blobs or `uuid`, chrono timestamps,
//! products as JSON text or `text[]`), statements written once with `$n` placeholders
//! (SQLite and PostgreSQL both accept them), and one pool type over either database.

mod batch;
mod indexes;
mod pool;

pub use batch::{Batch, anonymous_insert_sql, insert_sql};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use uuid::Uuid;

/// One bound value.
#[derive(Debug, Clone)]
pub enum Value {
    /// An id.
    Uuid(Uuid),
    /// An optional id.
    OptUuid(Option<Uuid>),
    /// Owned text.
    Text(String),
    /// Optional owned text.
    OptText(Option<String>),
    /// A constant (enum name, stage key).
    Str(&'static str),
    /// An optional constant.
    OptStr(Option<&'static str>),
    /// An `integer` column.
    I32(Option<i32>),
    /// A `bigint` column.
    I64(i64),
    /// A timestamp.
    Time(DateTime<Utc>),
    /// An optional timestamp.
    OptTime(Option<DateTime<Utc>>),
    /// An optional date.
    OptDate(Option<NaiveDate>),
    /// Products of interest: JSON text on SQLite, `text[]` on PostgreSQL.
    Products(Vec<String>),
}

/// A statement and its values.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// SQL with `$1 ...` placeholders.
    pub sql: String,
    /// Values in placeholder order.
    pub values: Vec<Value>,
}

impl Stmt {
    /// A statement with values.
    pub fn new(sql: impl Into<String>, values: Vec<Value>) -> Self {
        Self {
            sql: sql.into(),
            values,
        }
    }
}
/// Which sort key a cursor row carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A timestamp column.
    Time,
    /// A text column.
    Text,
    /// An integer column (select it `cast(... as bigint)`).
    Int,
}
/// A pool on the benchmark database, outside the application.
#[derive(Clone, Debug)]
pub enum RawDb {
    /// SQLite, opened with the adapter's durability settings.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// How a SQLite pool is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqliteMode {
    /// Exactly as the adapter: WAL, synchronous=NORMAL, foreign keys on.
    Adapter,
    /// The bulk loader, alone on the database: synchronous=OFF, a 1 GiB page cache, the
    /// rollback journal in memory (the generator sets WAL again at the end) and foreign keys
    /// not checked.
    Bulk,
}
