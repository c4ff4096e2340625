//! Exact accounting of an import (every row read ends up created, updated, unchanged or
//! rejected) and the error file that lists each rejected row with its reasons and cells.

use super::ImportError;
use serde::{Deserialize, Serialize};
use std::io::Write;

/// What became of one data row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// A new record was written.
    Created,
    /// An existing record (matched by the dedupe key) was changed.
    Updated,
    /// An existing record already held these values.
    Unchanged,
    /// The row was refused; see its [`RejectedRow`].
    Rejected,
}

/// The counts of one import. Holds `read == created + updated + unchanged + rejected`
/// when every row read was counted exactly once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportTally {
    /// Data rows read (the header and blank lines are not rows).
    pub read: u64,
    /// Rows that created a record.
    pub created: u64,
    /// Rows that updated a record.
    pub updated: u64,
    /// Rows that matched a record holding the same values.
    pub unchanged: u64,
    /// Rows refused.
    pub rejected: u64,
}

impl ImportTally {
    /// Counts one row read with its outcome.
    pub fn count(&mut self, outcome: RowOutcome) {
        self.read += 1;
        match outcome {
            RowOutcome::Created => self.created += 1,
            RowOutcome::Updated => self.updated += 1,
            RowOutcome::Unchanged => self.unchanged += 1,
            RowOutcome::Rejected => self.rejected += 1,
        }
    }

    /// True when every row read has exactly one outcome.
    pub fn invariant_holds(&self) -> bool {
        [self.created, self.updated, self.unchanged, self.rejected]
            .into_iter()
            .try_fold(0_u64, u64::checked_add)
            == Some(self.read)
    }
}

/// A row that was not imported, with where it is in the file and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    /// Data row number, 1-based (the header is not a data row).
    pub row: u64,
    /// Physical line where the row starts, 1-based; differs from `row + 1` when quoted
    /// cells above it span lines.
    pub line: u64,
    /// Every reason, in English, one per problem.
    pub reasons: Vec<String>,
    /// The row's cells as read (bytes that were not UTF-8 shown as U+FFFD).
    pub cells: Vec<String>,
}

/// Writes rejected rows as CSV: `row,line,reason,<the file's header...>`, one line per
/// rejected row, its reasons joined by `; `, then its original cells. Streams: each row is
/// written when handed over.
pub struct RejectWriter<W: Write> {
    out: csv::Writer<W>,
}

impl<W: Write> RejectWriter<W> {
    /// Starts the error file with its header row.
    ///
    /// # Errors
    /// [`ImportError::Write`] when the output fails.
    pub fn new(out: W, header: &[String]) -> Result<Self, ImportError> {
        let mut out = csv::WriterBuilder::new()
            // Rejected rows may have more or fewer cells than the header.
            .flexible(true)
            .from_writer(out);
        let columns = ["row", "line", "reason"]
            .into_iter()
            .chain(header.iter().map(String::as_str));
        out.write_record(columns)?;
        Ok(Self { out })
    }

    /// Appends one rejected row.
    ///
    /// # Errors
    /// [`ImportError::Write`] when the output fails.
    pub fn write(&mut self, rejected: &RejectedRow) -> Result<(), ImportError> {
        let (row, line) = (rejected.row.to_string(), rejected.line.to_string());
        let reason = rejected.reasons.join("; ");
        let fields = [row.as_str(), line.as_str(), reason.as_str()]
            .into_iter()
            .chain(rejected.cells.iter().map(String::as_str));
        self.out.write_record(fields)?;
        Ok(())
    }

    /// Flushes and returns the output.
    ///
    /// # Errors
    /// [`ImportError::Io`] when the final flush fails.
    pub fn finish(self) -> Result<W, ImportError> {
        self.out
            .into_inner()
            .map_err(|e| ImportError::Io(e.into_error()))
    }
}

/// Writes a whole list of rejected rows as an error file (see [`RejectWriter`]).
///
/// # Errors
/// [`ImportError`] when the output fails.
pub fn write_rejected<'a, W: Write>(
    out: W,
    header: &[String],
    rows: impl IntoIterator<Item = &'a RejectedRow>,
) -> Result<W, ImportError> {
    let mut writer = RejectWriter::new(out, header)?;
    for row in rows {
        writer.write(row)?;
    }
    writer.finish()
}
