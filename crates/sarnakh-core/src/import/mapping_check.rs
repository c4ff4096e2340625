//! Checking a [`Mapping`] as a whole, with no file at hand: every problem at once, as
//! field errors addressed by mapping key. Binding to a header is in `bound.rs`.

use super::entity::{ACTIVITY_SUBJECTS, Entity, FieldKind, field_spec, fields};
use super::mapping::{DateFormat, DedupeBy, Mapping};
use super::reader::ReaderOptions;
use super::values::{self, fold_key, snake};
use crate::domain::Currency;
use crate::error::FieldError;
use chrono_tz::Tz;
use std::collections::HashMap;

/// How a valid mapping reads cells.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) delimiter: u8,
    pub(crate) date_formats: Vec<DateFormat>,
    pub(crate) timezone: Tz,
    pub(crate) default_country: Option<String>,
    pub(crate) default_currency: Option<String>,
    pub(crate) decimal_separator: char,
    pub(crate) list_separator: String,
}

/// The header-independent part of a valid mapping.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub(crate) entity: Entity,
    pub(crate) opts: Options,
    pub(crate) dedupe_by: Option<DedupeBy>,
    /// (column, field) in file order.
    pub(crate) columns: Vec<(String, String)>,
    pub(crate) external_id_column: Option<String>,
    /// field -> folded their value -> ours.
    pub(crate) translations: HashMap<String, HashMap<String, String>>,
}

pub(crate) fn err(
    field: impl Into<String>,
    code: &'static str,
    message: impl Into<String>,
) -> FieldError {
    FieldError::new(field, code, message)
}

/// Keeps the value of `result`, or records its error under `field`.
fn take<T>(e: &mut Vec<FieldError>, field: &str, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|x| e.push(x.under(field))).ok()
}

impl Mapping {
    /// Checks the whole mapping without a file: every problem at once.
    ///
    /// # Errors
    /// Field errors addressed by mapping key (`columns.E-mail`, `date_format[1]`,
    /// `values.source`, `default_country` ...): unknown Sarnakh field for the entity, a
    /// column or field mapped twice, a required field left unmapped, a bad delimiter, date
    /// format, time zone, country or currency, a translation to a value Sarnakh lacks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        self.check().map(|_| ())
    }

    /// The reader options this mapping asks for (the delimiter).
    ///
    /// # Errors
    /// As [`Mapping::validate`].
    pub fn reader_options(&self) -> Result<ReaderOptions, Vec<FieldError>> {
        let c = self.check()?;
        Ok(ReaderOptions {
            delimiter: c.opts.delimiter,
            ..ReaderOptions::default()
        })
    }

    pub(crate) fn check(&self) -> Result<Checked, Vec<FieldError>> {
        let mut e = Vec::new();
        let opts = self.check_options(&mut e);
        let columns = self.check_columns(&mut e);
        let mapped = |f: &str| columns.iter().any(|(_, field)| field == f);
        let dedupe_by = self.check_dedupe(&mapped, &mut e);
        self.check_required(&mapped, &mut e);
        let translations = self.check_values(&mapped, &mut e);
        match opts {
            Some(opts) if e.is_empty() => Ok(Checked {
                entity: self.entity,
                opts,
                dedupe_by,
                columns,
                external_id_column: self
                    .external_id_column
                    .as_ref()
                    .map(|c| c.trim().to_owned()),
                translations,
            }),
            _ => Err(e),
        }
    }

    fn check_options(&self, e: &mut Vec<FieldError>) -> Option<Options> {
        let delimiter = take(e, "delimiter", delimiter(&self.delimiter));
        if self.date_format.is_empty() {
            e.push(err(
                "date_format",
                "required",
                "list at least one date format",
            ));
        }
        let date_formats: Vec<DateFormat> = (self.date_format.iter().enumerate())
            .filter_map(|(i, raw)| take(e, &format!("date_format[{i}]"), values::date_format(raw)))
            .collect();
        let timezone = take(e, "timezone", timezone(&self.timezone));
        let country = self.default_country.as_deref().map(values::country);
        let default_country = take(e, "default_country", country.transpose());
        let currency = self.default_currency.as_deref().map(Currency::parse);
        let default_currency = take(e, "default_currency", currency.transpose());
        let decimal_separator = take(e, "decimal_separator", decimal(&self.decimal_separator));
        if self.list_separator.is_empty() {
            e.push(err(
                "list_separator",
                "required",
                "give the text between list items, e.g. \";\"",
            ));
        }
        Some(Options {
            delimiter: delimiter?,
            date_formats,
            timezone: timezone?,
            default_country: default_country?,
            default_currency: default_currency?.map(|c| c.code().to_owned()),
            decimal_separator: decimal_separator?,
            list_separator: self.list_separator.clone(),
        })
    }

    fn check_columns(&self, e: &mut Vec<FieldError>) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        if self
            .external_id_column
            .as_deref()
            .is_some_and(|c| c.trim().is_empty())
        {
            e.push(err(
                "external_id_column",
                "required",
                "name the column, or leave the key out",
            ));
        }
        for (column, field) in self.columns.iter() {
            let (column, field) = (column.trim(), field.trim());
            match self.column_problem(column, field, &out) {
                Some((code, message)) => e.push(err(format!("columns.{column}"), code, message)),
                None => out.push((column.to_owned(), field.to_owned())),
            }
        }
        out
    }

    /// What is wrong with mapping `column` to `field`, given the pairs accepted so far.
    fn column_problem(
        &self,
        column: &str,
        field: &str,
        accepted: &[(String, String)],
    ) -> Option<(&'static str, String)> {
        let names = || {
            fields(self.entity)
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        Some(if column.is_empty() {
            ("empty_column", "a column name must not be empty".to_owned())
        } else if field == "external_id" {
            let why = "the external id is named by external_id_column, not under [columns]";
            ("unknown_field", why.to_owned())
        } else if field_spec(self.entity, field).is_none() {
            let why = format!(
                "{field:?} is not a field of {}; the fields are: {}",
                self.entity,
                names()
            );
            ("unknown_field", why)
        } else if accepted.iter().any(|(c, _)| c == column) {
            (
                "duplicate_column",
                format!("column \"{column}\" is mapped twice"),
            )
        } else if let Some((other, _)) = accepted.iter().find(|(_, f)| f == field) {
            let why = format!(
                "field {field} is already fed by column \"{other}\"; map only one column to it"
            );
            ("duplicate_field", why)
        } else {
            return None;
        })
    }

    fn check_dedupe(
        &self,
        mapped: &dyn Fn(&str) -> bool,
        e: &mut Vec<FieldError>,
    ) -> Option<DedupeBy> {
        let has_id = self.external_id_column.is_some();
        let by = self.dedupe_by.or(match self.entity {
            _ if has_id => Some(DedupeBy::ExternalId),
            Entity::Leads | Entity::Contacts if mapped("email") => Some(DedupeBy::Email),
            Entity::Accounts => Some(DedupeBy::Name),
            _ => None,
        })?;
        let allowed = match (by, self.entity) {
            (DedupeBy::ExternalId, _) => has_id,
            (DedupeBy::Email, Entity::Leads | Entity::Contacts) => mapped("email"),
            (DedupeBy::Name, Entity::Accounts) => mapped("name"),
            _ => false,
        };
        if !allowed {
            e.push(err(
                "dedupe_by",
                "invalid_dedupe",
                format!(
                    "{} cannot dedupe by {}: {}",
                    self.entity,
                    by.as_str(),
                    match by {
                        DedupeBy::ExternalId => "set external_id_column",
                        DedupeBy::Email => "only leads and contacts with a mapped email column can",
                        DedupeBy::Name => "only accounts with a mapped name column can",
                    }
                ),
            ));
        }
        Some(by)
    }

    fn check_required(&self, mapped: &dyn Fn(&str) -> bool, e: &mut Vec<FieldError>) {
        let mut need = |ok: bool, what: String| {
            if !ok {
                e.push(err(
                    "columns",
                    "required_field_unmapped",
                    format!("{what} (required for {})", self.entity),
                ));
            }
        };
        for spec in fields(self.entity).iter().filter(|s| s.required) {
            need(mapped(spec.name), format!("map a column to {}", spec.name));
        }
        match self.entity {
            Entity::Leads => need(
                mapped("email") || mapped("phone"),
                "map a column to email or phone".into(),
            ),
            Entity::Opportunities => need(
                mapped("currency") || self.default_currency.is_some(),
                "map a column to currency or set default_currency".into(),
            ),
            Entity::Activities => need(
                ACTIVITY_SUBJECTS.iter().any(|f| mapped(f)),
                format!("map a column to one of {}", ACTIVITY_SUBJECTS.join(", ")),
            ),
            Entity::Accounts | Entity::Contacts => {}
        }
    }

    fn check_values(
        &self,
        mapped: &dyn Fn(&str) -> bool,
        e: &mut Vec<FieldError>,
    ) -> HashMap<String, HashMap<String, String>> {
        let mut out: HashMap<String, HashMap<String, String>> = HashMap::new();
        let mut tables = std::collections::HashSet::new();
        for (field, table) in self.values.iter() {
            let key = format!("values.{field}");
            if !tables.insert(field.trim()) {
                e.push(err(
                    key,
                    "duplicate_field",
                    format!("[values.{field}] is given twice; put its translations in one table"),
                ));
                continue;
            }
            let Some(spec) = field_spec(self.entity, field.trim()) else {
                e.push(err(
                    key,
                    "unknown_field",
                    format!("{field:?} is not a field of {}", self.entity),
                ));
                continue;
            };
            if !mapped(field.trim()) {
                e.push(err(
                    key,
                    "unmapped_field",
                    format!("translations for {field}, but no column is mapped to it"),
                ));
                continue;
            }
            let entry = out.entry(field.trim().to_owned()).or_default();
            for (theirs, ours) in table.iter() {
                let ours = ours.trim();
                let target = target_ok(spec.kind, ours).map_err(|m| {
                    e.push(err(
                        key.clone(),
                        "unknown_value",
                        format!("{theirs:?} -> {ours:?}: {m}"),
                    ))
                });
                let Ok(ours) = target else { continue };
                match entry.insert(fold_key(theirs), ours.clone()) {
                    Some(previous) if previous != ours => e.push(err(
                        key.clone(),
                        "conflicting_value",
                        format!("{theirs:?} is translated twice (to {previous:?} and {ours:?})"),
                    )),
                    Some(_) => e.push(err(
                        key.clone(),
                        "duplicate_value",
                        format!("{theirs:?} is listed twice"),
                    )),
                    None => {}
                }
            }
        }
        out
    }
}

/// Checks a translation target against what the field accepts; returns it normalised.
fn target_ok(kind: FieldKind, ours: &str) -> Result<String, String> {
    if ours.is_empty() {
        return Ok(String::new());
    }
    match kind {
        FieldKind::Choice(names) => {
            let name = snake(ours);
            let names = names();
            if names.contains(&name.as_str()) {
                Ok(name)
            } else {
                Err(format!("not one of: {}", names.join(", ")))
            }
        }
        FieldKind::Country => values::country(ours).map_err(|x| x.message),
        FieldKind::Currency => Currency::parse(ours)
            .map(|c| c.code().to_owned())
            .map_err(|x| x.message),
        _ => Ok(ours.to_owned()),
    }
}

fn timezone(raw: &str) -> Result<Tz, FieldError> {
    raw.trim().parse::<Tz>().map_err(|_| {
        err(
            "",
            "unknown_timezone",
            format!("{raw:?} is not an IANA time zone such as Asia/Tehran or Europe/Bucharest"),
        )
    })
}

fn decimal(raw: &str) -> Result<char, FieldError> {
    match raw {
        "." => Ok('.'),
        "," => Ok(','),
        other => Err(err(
            "",
            "invalid_separator",
            format!("{other:?} must be \".\" or \",\""),
        )),
    }
}

fn delimiter(raw: &str) -> Result<u8, FieldError> {
    let d = if raw.eq_ignore_ascii_case("tab") {
        "\t"
    } else {
        raw
    };
    match d.as_bytes() {
        [b] if b.is_ascii() && !matches!(b, b'"' | b'\r' | b'\n') => Ok(*b),
        _ => Err(err(
            "",
            "invalid_delimiter",
            format!(
                "{raw:?} must be one ASCII character such as \",\" \";\" \"|\" or \"tab\", not a quote or a line break"
            ),
        )),
    }
}
