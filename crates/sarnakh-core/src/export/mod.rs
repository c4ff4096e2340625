//! Exporting a list of leads, opportunities, accounts or contacts as CSV, in one of two
//! modes:
//!
//! - [`ExportMode::Safe`] (the default) is for people and spreadsheets: a cell that would
//!   run as a formula gets a leading `'` (see [`neutralise_formula`]), and the file starts
//!   with a UTF-8 byte order mark so that Excel reads Persian and Romanian text correctly.
//! - [`ExportMode::Raw`] is for migrations: every cell is exactly the stored value, and the
//!   file re-imports with [`Layout::identity_mapping`] (each column mapped to the field of
//!   the same name). Leads also get one `evidence.ITEM` column per checklist item present in
//!   the export, which is why a raw lead export reads the list twice (see [`Layout::scan`]).
//!
//! The header names are the import's field names ([`crate::import::fields`]) after an
//! `external_id` column holding the record's Sarnakh id; references to other records are the
//! `*_external_id` fields holding their Sarnakh ids.
//!
//! Everything here is pure: rows are written one at a time to whatever `Write` the caller
//! hands in, so an export of any length needs the memory of one row. Paging through the
//! records (with the caller's visibility) is the front door's job.

mod escape;
mod mapping;
mod records;

pub use escape::{FORMULA_TRIGGERS, TEXT_PREFIX, is_plain_number, neutralise_formula};
pub use mapping::{EXTERNAL_ID, identity_mapping};
pub use records::LIST_SEPARATOR;

use crate::domain::LeadId;
use crate::import::{Entity, Mapping, fields};
use std::collections::BTreeSet;
use std::io::Write;
use std::iter::once;
use std::marker::PhantomData;

/// The UTF-8 byte order mark that a safe export starts with.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How cells are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExportMode {
    /// For spreadsheets: formula-like cells escaped, byte order mark, no evidence columns.
    #[default]
    Safe,
    /// For migrations: exactly the stored values, re-importable as they are.
    Raw,
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The CSV writer failed.
    #[error("cannot write the CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The output failed.
    #[error("cannot write the CSV: {0}")]
    Io(#[from] std::io::Error),
    /// A raw export cannot write a product whose name contains the list separator: the
    /// import would read it back as two products.
    #[error(
        "lead {lead} has the product {product:?}, which contains the list separator \
         {LIST_SEPARATOR:?}; a raw export could not read it back as one product, so rename it"
    )]
    SeparatorInList {
        /// The lead.
        lead: LeadId,
        /// The product name.
        product: String,
    },
    /// A record gained a checklist item after the header was written (it changed while the
    /// export ran), so a raw export would lose that evidence.
    #[error(
        "record {record} gained evidence for checklist item {item:?} while the export ran; \
         export again"
    )]
    UnlistedEvidence {
        /// The record's id.
        record: String,
        /// The checklist item missing from the header.
        item: String,
    },
}

/// A stored record that can be exported: its values addressed by import field name.
pub trait Exportable {
    /// The import entity the rows re-import as; its fields are the columns.
    const ENTITY: Entity;
    /// Whether records carry checklist evidence (`evidence.ITEM` columns in raw mode).
    const HAS_EVIDENCE: bool = false;

    /// The record's Sarnakh id, written as `external_id`.
    fn id(&self) -> String;

    /// The stored value of one import field of [`Self::ENTITY`] (or `evidence.ITEM`), as
    /// text the import reads back; `None` when absent or not a field.
    fn value(&self, field: &str) -> Option<String>;

    /// The checklist items this record has evidence for.
    fn evidence_items(&self) -> Vec<&str> {
        Vec::new()
    }

    /// Refuses a record whose values a raw export cannot write so that they re-import
    /// exactly.
    ///
    /// # Errors
    /// [`ExportError::SeparatorInList`] for a product containing [`LIST_SEPARATOR`].
    fn check_raw(&self) -> Result<(), ExportError> {
        Ok(())
    }
}

/// The columns of one export and how its cells are written.
#[derive(Debug, Clone)]
pub struct Layout<T> {
    mode: ExportMode,
    /// Checklist items with a column (raw lead exports only), sorted.
    evidence: BTreeSet<String>,
    rows: PhantomData<fn(&T)>,
}

impl<T: Exportable> Layout<T> {
    /// The layout of an export of `T` records in `mode`, with no evidence columns yet.
    pub fn new(mode: ExportMode) -> Self {
        Self {
            mode,
            evidence: BTreeSet::new(),
            rows: PhantomData,
        }
    }

    /// The mode.
    pub fn mode(&self) -> ExportMode {
        self.mode
    }

    /// True when every record must be passed to [`Layout::scan`] before the header is
    /// written: raw exports of records with evidence, whose columns depend on the data.
    pub fn needs_scan(&self) -> bool {
        self.mode == ExportMode::Raw && T::HAS_EVIDENCE
    }

    /// Adds a column for each checklist item `record` has evidence for, and refuses early a
    /// record the raw export could not write. Does nothing in safe mode.
    ///
    /// # Errors
    /// As [`Exportable::check_raw`].
    pub fn scan(&mut self, record: &T) -> Result<(), ExportError> {
        if self.mode == ExportMode::Raw {
            record.check_raw()?;
            if T::HAS_EVIDENCE {
                let items = record.evidence_items().into_iter().map(str::to_owned);
                self.evidence.extend(items);
            }
        }
        Ok(())
    }

    /// The header row: `external_id`, the entity's import fields, then `evidence.ITEM`s.
    pub fn header(&self) -> Vec<String> {
        once(EXTERNAL_ID.to_owned())
            .chain(fields(T::ENTITY).iter().map(|s| s.name.to_owned()))
            .chain(self.evidence.iter().map(|item| format!("evidence.{item}")))
            .collect()
    }

    /// One record's cells, in header order: empty for an absent value, escaped in safe mode.
    ///
    /// # Errors
    /// In raw mode, [`Exportable::check_raw`]'s errors, and
    /// [`ExportError::UnlistedEvidence`] for evidence without a column.
    pub fn cells(&self, record: &T) -> Result<Vec<String>, ExportError> {
        if self.mode == ExportMode::Raw {
            record.check_raw()?;
            if let Some(item) =
                (record.evidence_items().into_iter()).find(|item| !self.evidence.contains(*item))
            {
                return Err(ExportError::UnlistedEvidence {
                    record: record.id(),
                    item: item.to_owned(),
                });
            }
        }
        let values = once(Some(record.id()))
            .chain(fields(T::ENTITY).iter().map(|s| record.value(s.name)))
            .chain((self.evidence.iter()).map(|item| record.value(&format!("evidence.{item}"))));
        Ok(values
            .map(|value| {
                let value = value.unwrap_or_default();
                match self.mode {
                    ExportMode::Safe => neutralise_formula(&value).into_owned(),
                    ExportMode::Raw => value,
                }
            })
            .collect())
    }

    /// The import mapping that reads a file with this layout's header back: every column
    /// mapped to the field of the same name, `external_id` as the external id column.
    pub fn identity_mapping(&self) -> Mapping {
        let header = self.header();
        mapping::identity(T::ENTITY, header.into_iter().skip(1))
    }
}

/// Writes an export's rows as CSV to `W`, one record at a time (RFC 4180: `,`, CRLF,
/// quotes only where needed).
pub struct ExportWriter<'a, W: Write, T> {
    csv: csv::Writer<W>,
    layout: &'a Layout<T>,
}

impl<'a, W: Write, T: Exportable> ExportWriter<'a, W, T> {
    /// Starts a file: the byte order mark (safe mode) and the header row.
    ///
    /// # Errors
    /// When the output fails.
    pub fn new(mut out: W, layout: &'a Layout<T>) -> Result<Self, ExportError> {
        if layout.mode == ExportMode::Safe {
            out.write_all(UTF8_BOM)?;
        }
        let mut writer = Self::continuing(out, layout);
        writer.csv.write_record(layout.header())?;
        Ok(writer)
    }

    /// Continues a file begun by [`ExportWriter::new`] (e.g. the next chunk of a response):
    /// rows only, no header.
    pub fn continuing(out: W, layout: &'a Layout<T>) -> Self {
        let csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        Self { csv, layout }
    }

    /// Writes one record's row.
    ///
    /// # Errors
    /// As [`Layout::cells`], or when the output fails.
    pub fn write(&mut self, record: &T) -> Result<(), ExportError> {
        self.csv.write_record(self.layout.cells(record)?)?;
        Ok(())
    }

    /// Flushes and hands back the output.
    ///
    /// # Errors
    /// When the output fails.
    pub fn finish(self) -> Result<W, ExportError> {
        self.csv.into_inner().map_err(|e| e.into_error().into())
    }
}

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod round_trip_tests;
#[cfg(test)]
mod tests;
