//! A [`Mapping`] bound to one file's header: where each field's column is, and how a row's
//! cells are read through it (trimmed, translated, errors naming the column).

use super::entity::Entity;
use super::mapping::{DedupeBy, Mapping};
use super::mapping_check::{Checked, err};
use super::reader::Record;
use super::values::fold_key;
use crate::error::FieldError;
use std::collections::HashMap;

/// A mapping checked and bound to one file's header: every mapped column exists exactly
/// once, every option parsed. Row converters read cells through it.
#[derive(Debug, Clone)]
pub struct BoundMapping {
    pub(crate) c: Checked,
    /// Column index and header name of the external id.
    external_id: Option<(usize, String)>,
    /// Sarnakh field -> (column index, header name).
    bound: HashMap<String, (usize, String)>,
}

impl Mapping {
    /// Checks the mapping and binds it to a file's header (names compared after trimming).
    ///
    /// # Errors
    /// Everything [`Mapping::validate`] reports, plus `unknown_column` for a mapped column
    /// the file lacks and `ambiguous_column` for one the header names twice.
    pub fn bind(&self, header: &[String]) -> Result<BoundMapping, Vec<FieldError>> {
        let checked = self.check();
        let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
        let mut locate = |key: String, column: &str| locate(header, key, column, &mut errors);
        let external_id = self
            .external_id_column
            .as_deref()
            .and_then(|c| locate("external_id_column".into(), c));
        let mut bound = HashMap::new();
        for (column, field) in self.columns.iter() {
            if let Some(at) = locate(format!("columns.{column}"), column) {
                bound.insert(field.trim().to_owned(), at);
            }
        }
        match checked {
            Ok(c) if errors.is_empty() => Ok(BoundMapping {
                c,
                external_id,
                bound,
            }),
            _ => Err(errors),
        }
    }
}

/// Where `column` is in `header`, or an error under `key` when it is missing or doubled.
fn locate(
    header: &[String],
    key: String,
    column: &str,
    errors: &mut Vec<FieldError>,
) -> Option<(usize, String)> {
    let column = column.trim();
    let hits: Vec<usize> = (0..header.len())
        .filter(|&i| header[i].trim() == column)
        .collect();
    let (code, message) = match hits.as_slice() {
        [i] => return Some((*i, column.to_owned())),
        [] => (
            "unknown_column",
            format!(
                "column \"{column}\" is not in the file; its columns are: {}",
                list(header)
            ),
        ),
        _ => (
            "ambiguous_column",
            format!("the file has {} columns named \"{column}\"", hits.len()),
        ),
    };
    errors.push(err(key, code, message));
    None
}

fn list(header: &[String]) -> String {
    let shown: Vec<String> = header.iter().take(40).map(|h| format!("\"{h}\"")).collect();
    let more = header.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

impl BoundMapping {
    /// The entity every row becomes.
    pub fn entity(&self) -> Entity {
        self.c.entity
    }

    /// How rows match existing records (`None`: every row creates a record).
    pub fn dedupe_by(&self) -> Option<DedupeBy> {
        self.c.dedupe_by
    }

    /// The header name of the column that feeds `field`, if one does.
    pub fn column_of(&self, field: &str) -> Option<&str> {
        self.bound.get(field).map(|(_, c)| c.as_str())
    }

    /// The (column, field) pairs, in mapping order.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &str)> {
        self.c.columns.iter().map(|(c, f)| (c.as_str(), f.as_str()))
    }

    /// The header name of the external id column, if any.
    pub fn external_id_column(&self) -> Option<&str> {
        self.c.external_id_column.as_deref()
    }

    /// The row's external id, trimmed (`None` when unmapped or empty).
    pub(crate) fn external_id<'r>(&self, record: &'r Record) -> Option<&'r str> {
        self.external_id.as_ref().and_then(|(i, _)| record.cell(*i))
    }

    /// The cell feeding `field`, trimmed and translated; `None` when unmapped, empty, or
    /// translated to empty.
    pub(crate) fn value(&self, record: &Record, field: &str) -> Option<String> {
        let (index, _) = self.bound.get(field)?;
        let raw = record.cell(*index)?;
        let translated = self
            .c
            .translations
            .get(field)
            .and_then(|t| t.get(&fold_key(raw)));
        let out = translated.map_or(raw, String::as_str).trim();
        (!out.is_empty()).then(|| out.to_owned())
    }

    /// The Sarnakh fields bound to a column, e.g. to find `evidence.*` fields.
    pub(crate) fn bound_fields(&self) -> impl Iterator<Item = &str> {
        self.bound.keys().map(String::as_str)
    }

    /// Names the CSV column in each error's message when one feeds the field.
    pub(crate) fn blame(&self, errors: Vec<FieldError>) -> Vec<FieldError> {
        errors
            .into_iter()
            .map(|mut e| {
                // `LeadDraft` addresses evidence items as `evidence..item`; undouble the dot.
                e.field = e.field.replace("..", ".");
                let root = e.field.split(['.', '[']).next().unwrap_or_default();
                let column = self.column_of(&e.field).or_else(|| self.column_of(root));
                if let Some(column) = column {
                    e.message = format!("column \"{column}\": {}", e.message);
                }
                e
            })
            .collect()
    }
}
