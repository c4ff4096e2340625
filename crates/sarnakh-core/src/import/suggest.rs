//! Proposing a mapping from a file's header alone, for a person to check and edit. Header
//! names are normalised (case, accents, spacing, Arabic letter forms, camelCase) and matched
//! against known names in English, Romanian and Persian. It never maps two columns to one
//! field and never guesses at a column it does not know: those are listed as unmapped.

use super::entity::{Entity, field_spec};
use super::mapping::Mapping;
use super::synonyms::{EXTERNAL_ID, SYNONYMS, own_prefixes};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A proposed mapping and the columns it could not place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The proposal (defaults for every option).
    pub mapping: Mapping,
    /// Header names left out, in file order.
    pub unmapped: Vec<String>,
}

impl Suggestion {
    /// The proposal as TOML, headed by comments naming the unmapped columns, for the CLI to
    /// print and the user to edit.
    pub fn to_toml(&self) -> String {
        let mut out = format!(
            "# Suggested mapping for {}: check every line before importing.\n",
            self.mapping.entity
        );
        if !self.unmapped.is_empty() {
            out.push_str("# Columns not mapped (add them under [columns] if they hold a field):\n");
            for column in &self.unmapped {
                // A TOML comment may hold no control character but tab.
                let printable: String = column
                    .chars()
                    .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
                    .collect();
                out.push_str(&format!("#   {printable}\n"));
            }
        }
        out.push_str(&self.mapping.to_toml());
        out
    }
}

/// Normalises a header name for matching: compatibility-decomposed, accents dropped,
/// Arabic yeh/kaf written the Persian way, camelCase split, lower-case, every run of
/// punctuation or space (and the zero-width non-joiner) one space.
/// `"Adresă de E-mail"` -> `"adresa de e mail"`.
pub fn normalise_header(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut prev_lower = false;
    let mut pending_space = false;
    for c in raw.nfkd() {
        if is_combining_mark(c) || c == '\u{640}' {
            continue;
        }
        let c = match c {
            '\u{64A}' | '\u{649}' => '\u{6CC}',
            '\u{643}' => '\u{6A9}',
            c => c,
        };
        if !c.is_alphanumeric() {
            pending_space = true;
            prev_lower = false;
            continue;
        }
        if (pending_space || (c.is_uppercase() && prev_lower)) && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        prev_lower = c.is_lowercase();
        out.extend(c.to_lowercase());
    }
    out
}

/// The comparison key: normalised and without spaces, so "E-mail", "Email" and "e_mail"
/// meet, as do "First Name" and "FirstName".
fn key(raw: &str) -> String {
    normalise_header(raw).replace(' ', "")
}

/// The field (or [`EXTERNAL_ID`]) a normalised header names for `entity`, if any.
fn lookup(entity: Entity, normalised: &str) -> Option<&'static str> {
    let k = normalised.replace(' ', "");
    if let Some(spec) = super::entity::fields(entity)
        .iter()
        .find(|s| key(s.name) == k)
    {
        return Some(spec.name);
    }
    SYNONYMS
        .iter()
        .filter(|s| s.only.is_none_or(|e| e == entity))
        .filter(|s| s.field == EXTERNAL_ID || field_spec(entity, s.field).is_some())
        .find(|s| s.names.iter().any(|n| key(n) == k))
        .map(|s| s.field)
}

/// Proposes a mapping for `entity` from a header. Exact names are placed first, then names
/// led by the entity's own word ("Lead Source", "Deal Name"); the first column to claim a
/// field keeps it.
pub fn suggest_mapping(entity: Entity, header: &[String]) -> Suggestion {
    let mut chosen: Vec<Option<&'static str>> = vec![None; header.len()];
    let taken = |chosen: &[Option<&str>], f: &str| chosen.contains(&Some(f));
    for pass in 0..2 {
        for (i, name) in header.iter().enumerate() {
            if chosen[i].is_some() {
                continue;
            }
            let normalised = normalise_header(name);
            let candidate = if pass == 0 {
                lookup(entity, &normalised)
            } else {
                own_prefixes(entity).iter().find_map(|p| {
                    let rest = normalised.strip_prefix(&format!("{} ", key(p)))?;
                    lookup(entity, rest)
                })
            };
            if let Some(field) = candidate.filter(|f| !taken(&chosen, f)) {
                chosen[i] = Some(field);
            }
        }
    }
    let mut mapping = Mapping::new(entity);
    let mut unmapped = Vec::new();
    for (name, field) in header.iter().zip(chosen) {
        match field {
            Some(EXTERNAL_ID) => mapping.external_id_column = Some(name.clone()),
            Some(field) => mapping.columns.push(name.clone(), field.to_owned()),
            None => unmapped.push(name.clone()),
        }
    }
    Suggestion { mapping, unmapped }
}
