//! How `import_csv` reads its fuzz input:
//!
//! ```text
//! byte 0  mode:    bits 0-2 entity (value % 5: leads, accounts, contacts,
//!                  opportunities, activities); bit 3 first column is the external id;
//!                  bits 6-7 both set: the mapping comes from the input
//! byte 1  options: bits 0-1 delimiter (, ; tab |); bit 2 decimal comma;
//!                  bits 3-7 read chunk size minus one (1..=32 bytes per read)
//! rest    the CSV file, or (fuzzed mapping) mapping text, one NUL byte, the CSV file
//! ```

use crate::positional::Knobs;
use sarnakh_core::import::Entity;

const ENTITIES: [Entity; 5] = [
    Entity::Leads,
    Entity::Accounts,
    Entity::Contacts,
    Entity::Opportunities,
    Entity::Activities,
];
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Where the mapping comes from.
#[derive(Debug, Clone, Copy)]
pub enum MappingSource<'a> {
    /// Made up for the header by [`crate::positional::positional`].
    Positional(Entity, Knobs),
    /// Mapping text from the input (TOML or JSON, not necessarily valid).
    Text(&'a str),
}

/// One decoded input.
#[derive(Debug)]
pub struct Input<'a> {
    /// The mapping to bind.
    pub mapping: MappingSource<'a>,
    /// The entity asked for by the mode byte (for a suggested mapping).
    pub entity: Entity,
    /// Bytes handed out per `read` by the chunked source.
    pub chunk: usize,
    /// The CSV file.
    pub csv: &'a [u8],
}

impl<'a> Input<'a> {
    /// Splits the input; `None` when it is too short or its mapping text is not UTF-8.
    pub fn decode(data: &'a [u8]) -> Option<Self> {
        let [mode, options, rest @ ..] = data else {
            return None;
        };
        let entity = ENTITIES[usize::from(mode & 0x07) % ENTITIES.len()];
        let chunk = 1 + usize::from(options >> 3);
        let (mapping, csv) = if mode & 0xC0 == 0xC0 {
            let nul = rest.iter().position(|&b| b == 0)?;
            let text = std::str::from_utf8(&rest[..nul]).ok()?;
            (MappingSource::Text(text), &rest[nul + 1..])
        } else {
            let knobs = Knobs {
                delimiter: DELIMITERS[usize::from(options & 0x03)],
                decimal_comma: options & 0x04 != 0,
                external_id: mode & 0x08 != 0,
            };
            (MappingSource::Positional(entity, knobs), rest)
        };
        Some(Self {
            mapping,
            entity,
            chunk,
            csv,
        })
    }
}
