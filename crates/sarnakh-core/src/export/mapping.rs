//! The import mapping that reads a raw export back: every column mapped to the Sarnakh field
//! of the same name, the `external_id` column as the external id, every option at the
//! import's defaults (`,`, dates `%Y-%m-%d` then RFC 3339, UTC, `.` decimals, `;` lists).

use crate::import::{DedupeBy, Entity, Mapping, fields};

/// The header of the column holding each record's Sarnakh id.
pub const EXTERNAL_ID: &str = "external_id";

/// The mapping that re-imports a raw export of `entity` made without evidence columns
/// (accounts, contacts, opportunities, or leads without checklist evidence). For a lead
/// export with evidence, use [`super::Layout::identity_mapping`], which knows its columns.
pub fn identity_mapping(entity: Entity) -> Mapping {
    identity(entity, fields(entity).iter().map(|s| s.name.to_owned()))
}

/// A mapping from each of `columns` to the field of the same name, deduping by external id.
pub(super) fn identity(entity: Entity, columns: impl IntoIterator<Item = String>) -> Mapping {
    let mut mapping = Mapping::new(entity);
    mapping.external_id_column = Some(EXTERNAL_ID.to_owned());
    mapping.dedupe_by = Some(DedupeBy::ExternalId);
    for column in columns {
        mapping.columns.push(column.clone(), column);
    }
    mapping
}
