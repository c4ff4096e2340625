//! The SQL the two databases spell differently in the report queries (durations, lists,
//! timestamps, index hints, the nil id), and the spans of time a record spent between two of
//! its timestamps. Pure text builders: no query runs here.

/// The SQL the two databases spell differently in the reports; `report_queries!` picks the
/// variant named like the store's sqlx database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite: timestamps are RFC 3339 text in UTC.
    Sqlite,
    /// PostgreSQL: `timestamptz`.
    Postgres,
}

impl Dialect {
    /// Whole seconds from `start` to `end`, each taken to the whole second first (the
    /// figure `end.timestamp() - start.timestamp()` gives in Rust). SQLite reads the first
    /// 19 characters (`YYYY-MM-DDTHH:MM:SS`, UTC): its own date functions round fractions
    /// to the millisecond, which is not the floor.
    pub fn seconds(self, start: &str, end: &str) -> String {
        match self {
            Dialect::Sqlite => {
                format!("(unixepoch(substr({end}, 1, 19)) - unixepoch(substr({start}, 1, 19)))")
            }
            Dialect::Postgres => format!(
                "(cast(extract(epoch from date_trunc('second', {end})) as bigint) \
                 - cast(extract(epoch from date_trunc('second', {start})) as bigint))"
            ),
        }
    }

    /// Every non-null value of an integer expression as one comma-separated text (null
    /// when none): a period's durations come back as one value, not one row each.
    pub fn int_list(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => format!("group_concat({expr}, ',')"),
            Dialect::Postgres => format!("string_agg(cast({expr} as text), ',')"),
        }
    }
}

/// A time a record spent between two of its timestamps, in whole seconds (each time taken to
/// the whole second), null while either is: SQLite keeps each as a generated column in the
/// report indexes (migration `20261129000028_report_spans.sql`), PostgreSQL computes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elapsed {
    /// A lead's creation to its qualification.
    Lead,
    /// A lead's qualification to its conversion.
    Prospect,
    /// A lead's creation to its conversion.
    Convert,
    /// A lead's creation to its first contact.
    Contact,
    /// A deal's creation to its close.
    Cycle,
}

impl Elapsed {
    /// SQLite's column, and the start and end it is computed from.
    const fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Elapsed::Lead => ("l.lead_secs", "l.created_at", "l.qualified_at"),
            Elapsed::Prospect => ("l.prospect_secs", "l.qualified_at", "l.converted_at"),
            Elapsed::Convert => ("l.convert_secs", "l.created_at", "l.converted_at"),
            Elapsed::Contact => ("l.contact_secs", "l.created_at", "l.first_contact_at"),
            Elapsed::Cycle => ("o.cycle_secs", "o.created_at", "o.closed_at"),
        }
    }
}

impl Dialect {
    /// The span's value of a row (`l` is the lead, `o` the deal).
    pub fn elapsed(self, elapsed: Elapsed) -> String {
        let (column, start, end) = elapsed.parts();
        match self {
            Dialect::Sqlite => column.to_owned(),
            Dialect::Postgres => self.seconds(start, end),
        }
    }

    /// A timestamp as RFC 3339 text, to the microsecond (SQLite keeps it so).
    pub fn rfc3339(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => expr.to_owned(),
            Dialect::Postgres => {
                format!("to_char({expr} at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
            }
        }
    }

    /// ` indexed by <index>` on SQLite, nothing on PostgreSQL: where SQLite's planner, without
    /// statistics and not counting an index's generated columns as covered, would pick
    /// another index of the same prefix and read every row from the table.
    pub fn indexed_by(self, index: &str) -> String {
        match self {
            Dialect::Sqlite => format!(" indexed by {index}"),
            Dialect::Postgres => String::new(),
        }
    }

    /// The nil id as a literal, standing for "no owner" where a key column cannot be null.
    pub fn nil_uuid(self) -> &'static str {
        match self {
            Dialect::Sqlite => "zeroblob(16)",
            Dialect::Postgres => "'00000000-0000-0000-0000-000000000000'::uuid",
        }
    }

    /// The group's rows as one JSON text: an array of arrays of the expressions `cols`, in the
    /// order `order` (one row per group, where a row per item would cost a hand-off each
    /// between the database's thread and the caller's).
    pub fn json_rows(self, cols: &str, order: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_group_array(json_array({cols}) order by {order})"),
            Dialect::Postgres => {
                format!("json_agg(json_build_array({cols}) order by {order})::text")
            }
        }
    }

    /// Every non-null value of a text expression as one text, separated by the unit
    /// separator (U+001F, never part of a code); null when none.
    pub fn text_list(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => format!("group_concat({expr}, char(31))"),
            Dialect::Postgres => format!("string_agg({expr}, chr(31))"),
        }
    }
}
