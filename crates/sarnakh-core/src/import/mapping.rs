//! The mapping file, as written by a person (TOML) or a program (JSON): which CSV column
//! feeds which Sarnakh field, how values translate, how dates and numbers are written.
//!
//! [`Mapping`] is raw input, trusted only after [`Mapping::validate`] or [`Mapping::bind`]
//! (in `mapping_check.rs`). It must not know anything about a particular file's rows.

use super::entity::Entity;
use crate::error::FieldError;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// How rows are matched to records that already exist, so a re-run updates instead of
/// duplicating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DedupeBy {
    /// By the other CRM's id (`external_id_column`); unique per entity.
    ExternalId,
    /// By normalised email (leads and contacts).
    Email,
    /// By the case- and space-insensitive name (accounts).
    Name,
}

impl DedupeBy {
    /// The snake_case name used in mapping files.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::ExternalId => "external_id",
            Self::Email => "email",
            Self::Name => "name",
        }
    }
}

/// A date format: a chrono strftime pattern, or `rfc3339` for RFC 3339 instants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DateFormat {
    /// `2026-03-01T09:30:00+03:30`.
    Rfc3339,
    /// A chrono strftime pattern such as `%d.%m.%Y`.
    Pattern(String),
}

impl fmt::Display for DateFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rfc3339 => f.write_str("rfc3339"),
            Self::Pattern(p) => f.write_str(p),
        }
    }
}

/// A string-keyed table that keeps its entries in file order and keeps duplicate keys, so
/// that validation can report "mapped twice" instead of silently keeping the last one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table<V>(pub Vec<(String, V)>);

impl<V> Table<V> {
    /// The entries in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The first value under `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Appends an entry.
    pub fn push(&mut self, key: impl Into<String>, value: V) {
        self.0.push((key.into(), value));
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V: Serialize> Serialize for Table<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Table<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Entries<V> {
            type Value = Table<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of names")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(Table(out))
            }
        }
        deserializer.deserialize_map(Entries(PhantomData))
    }
}

/// Which CSV columns feed which Sarnakh fields of one entity, and how to read their cells.
/// See `docs/IMPORT.md` for the file format with a complete example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The entity every row becomes.
    pub entity: Entity,
    /// The column holding the other CRM's id of the record (unique per entity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id_column: Option<String>,
    /// How rows match existing records; default `external_id` when `external_id_column`
    /// is set, else `email` for leads and contacts, `name` for accounts, none otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dedupe_by: Option<DedupeBy>,
    /// The cell separator: one ASCII character (`,` `;` `|` or `\t`; `tab` also works).
    #[serde(default = "default_delimiter")]
    pub delimiter: String,
    /// Date formats tried in order: chrono strftime patterns, or `rfc3339`.
    #[serde(default = "default_date_formats")]
    pub date_format: Vec<String>,
    /// IANA time zone of date-times written without an offset (default `UTC`).
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// ISO 3166 alpha-2 country used when a row has none (and to read national phones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_country: Option<String>,
    /// ISO 4217 currency used when a row has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_currency: Option<String>,
    /// The decimal separator of amounts: `.` (default) or `,`.
    #[serde(default = "default_decimal_separator")]
    pub decimal_separator: String,
    /// What separates items in a list cell (lead products); default `;`.
    #[serde(default = "default_list_separator")]
    pub list_separator: String,
    /// CSV header name -> Sarnakh field name.
    #[serde(default)]
    pub columns: Table<String>,
    /// Per Sarnakh field: their value -> ours, matched case-insensitively after trimming.
    #[serde(default)]
    pub values: Table<Table<String>>,
}

fn default_delimiter() -> String {
    ",".to_owned()
}
pub(crate) fn default_date_formats() -> Vec<String> {
    vec!["%Y-%m-%d".to_owned(), "rfc3339".to_owned()]
}
fn default_timezone() -> String {
    "UTC".to_owned()
}
fn default_decimal_separator() -> String {
    ".".to_owned()
}
fn default_list_separator() -> String {
    ";".to_owned()
}

impl Mapping {
    /// An empty mapping for `entity` with every option at its default.
    pub fn new(entity: Entity) -> Self {
        Self {
            entity,
            external_id_column: None,
            dedupe_by: None,
            delimiter: default_delimiter(),
            date_format: default_date_formats(),
            timezone: default_timezone(),
            default_country: None,
            default_currency: None,
            decimal_separator: default_decimal_separator(),
            list_separator: default_list_separator(),
            columns: Table::default(),
            values: Table::default(),
        }
    }

    /// Reads a mapping written as JSON (text starting with `{`) or else TOML.
    ///
    /// # Errors
    /// One `invalid_mapping` error with the parser's message (it names the line and the
    /// unknown or malformed key). The content is not checked here: see [`Mapping::validate`].
    pub fn parse(text: &str) -> Result<Self, Vec<FieldError>> {
        if text.trim_start().starts_with('{') {
            Self::from_json(text)
        } else {
            Self::from_toml(text)
        }
    }

    /// Reads a TOML mapping. See [`Mapping::parse`].
    pub fn from_toml(text: &str) -> Result<Self, Vec<FieldError>> {
        toml::from_str(text).map_err(|e| vec![invalid("TOML", &e.to_string())])
    }

    /// Reads a JSON mapping. See [`Mapping::parse`].
    pub fn from_json(text: &str) -> Result<Self, Vec<FieldError>> {
        serde_json::from_str(text).map_err(|e| vec![invalid("JSON", &e.to_string())])
    }

    /// The mapping as TOML, for a person to read and edit.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a mapping is a table of strings and always serialises")
    }

    /// The mapping as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a mapping always serialises as JSON")
    }
}

fn invalid(format: &str, message: &str) -> FieldError {
    FieldError::new(
        "",
        "invalid_mapping",
        format!("the mapping is not valid {format}: {}", message.trim()),
    )
}
