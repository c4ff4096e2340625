//! Importing records exported from another CRM: reading CSV, mapping its columns onto
//! Sarnakh fields, and converting each row into a validated domain input.
//!
//! The flow for one file is:
//! 1. [`Mapping::parse`] (or [`suggest_mapping`] from the header) and [`Mapping::validate`];
//! 2. [`ImportReader::new`] reads the header; [`Mapping::bind`] checks the mapping against it;
//! 3. every row from the reader is either a [`Record`] or a [`RejectedRow`]; a record goes
//!    through [`convert`] (or `convert_lead` ...) into an [`Imported`] value or field errors;
//! 4. the caller stores what converted, counts every row in an [`ImportTally`] and writes
//!    rejected rows with a [`RejectWriter`].
//!
//! This module must not write anywhere but the `Write` it is handed, nor touch storage or
//! the clock: it only reads from the `Read` it is given, and it streams, so a file of any
//! length is read in bounded memory.

mod bound;
mod convert;
mod convert_other;
mod entity;
mod mapping;
mod mapping_check;
mod reader;
mod row;
mod suggest;
mod synonyms;
mod tally;
mod values;

pub use bound::BoundMapping;
pub use convert::{ImportedLead, ImportedOpportunity, convert_lead, convert_opportunity};
pub use convert_other::{
    ImportedAccount, ImportedActivity, ImportedContact, SubjectRef, convert_account,
    convert_activity, convert_contact,
};
pub use entity::{Entity, FieldKind, FieldSpec, field_spec, fields};
pub use mapping::{DedupeBy, Mapping, Table};
pub use reader::{DEFAULT_MAX_RECORD_BYTES, ImportReader, ReadRow, ReaderOptions, Record};
pub use suggest::{Suggestion, normalise_header, suggest_mapping};
pub use tally::{ImportTally, RejectWriter, RejectedRow, RowOutcome, write_rejected};

use crate::error::FieldError;

/// A fatal problem with a whole file: reading stops. Problems with one row are not
/// fatal; they come back as [`RejectedRow`]s.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading the source failed.
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// The file has no header row.
    #[error("the file is empty; expected a header row naming the columns")]
    EmptyFile,
    /// The header row is not UTF-8 text.
    #[error("the header row is not UTF-8 text (column {column}); save the file as UTF-8")]
    HeaderNotUtf8 {
        /// 1-based position of the offending header cell.
        column: usize,
    },
    /// One row grew past the size limit, nearly always because a quote was never closed.
    #[error(
        "row {row} (line {line}) is longer than {limit} bytes; a quote is probably never \
         closed, so the rest of the file cannot be read reliably"
    )]
    RecordTooLarge {
        /// Data row number (1-based).
        row: u64,
        /// Physical line where the row starts (1-based).
        line: u64,
        /// The limit in bytes.
        limit: usize,
    },
    /// Writing the error CSV failed.
    #[error("cannot write the rejected rows: {0}")]
    Write(#[from] csv::Error),
}

/// A converted row, whichever the entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// A lead.
    Lead(Box<ImportedLead>),
    /// An account.
    Account(Box<ImportedAccount>),
    /// A contact.
    Contact(Box<ImportedContact>),
    /// An opportunity.
    Opportunity(Box<ImportedOpportunity>),
    /// An activity.
    Activity(Box<ImportedActivity>),
}

impl Imported {
    /// The record's id in the other CRM, if the mapping names one.
    pub fn external_id(&self) -> Option<&str> {
        match self {
            Self::Lead(x) => x.external_id.as_deref(),
            Self::Account(x) => x.external_id.as_deref(),
            Self::Contact(x) => x.external_id.as_deref(),
            Self::Opportunity(x) => x.external_id.as_deref(),
            Self::Activity(x) => x.external_id.as_deref(),
        }
    }
}

/// Converts one record with the converter for the mapping's entity.
///
/// # Errors
/// Every problem with the row, each addressed by its Sarnakh field and naming the CSV column.
pub fn convert(mapping: &BoundMapping, record: &Record) -> Result<Imported, Vec<FieldError>> {
    Ok(match mapping.entity() {
        Entity::Leads => Imported::Lead(Box::new(convert_lead(mapping, record)?)),
        Entity::Accounts => Imported::Account(Box::new(convert_account(mapping, record)?)),
        Entity::Contacts => Imported::Contact(Box::new(convert_contact(mapping, record)?)),
        Entity::Opportunities => {
            Imported::Opportunity(Box::new(convert_opportunity(mapping, record)?))
        }
        Entity::Activities => Imported::Activity(Box::new(convert_activity(mapping, record)?)),
    })
}

#[cfg(test)]
mod convert_tests;
#[cfg(test)]
mod mapping_tests;
#[cfg(test)]
mod reader_tests;
#[cfg(test)]
mod stream_tests;
#[cfg(test)]
mod suggest_tests;
#[cfg(test)]
mod tally_tests;
#[cfg(test)]
mod test_support;
