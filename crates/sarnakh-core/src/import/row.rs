//! One row being converted: typed reads of its cells through the [`BoundMapping`], with
//! every problem collected (not just the first) and finally blamed on its CSV column.

use super::bound::BoundMapping;
use super::entity::Entity;
use super::mapping::DedupeBy;
use super::reader::Record;
use super::values::{self, snake};
use crate::domain::{UserId, text};
use crate::error::{Error, FieldError};
use chrono::{DateTime, NaiveDate, Utc};

/// Longest external id kept, in characters.
const MAX_EXTERNAL_ID: usize = 255;

/// One row being read: values come out typed, problems collect in `errors`.
pub(crate) struct Row<'a> {
    pub(crate) m: &'a BoundMapping,
    record: &'a Record,
    pub(crate) errors: Vec<FieldError>,
}

impl<'a> Row<'a> {
    pub(crate) fn new(m: &'a BoundMapping, record: &'a Record, entity: Entity) -> Self {
        let mut errors = Vec::new();
        if m.entity() != entity {
            errors.push(FieldError::new(
                "entity",
                "wrong_entity",
                format!("this mapping imports {}, not {entity}", m.entity()),
            ));
        }
        Self { m, record, errors }
    }

    pub(crate) fn fail(&mut self, field: &str, error: FieldError) {
        self.errors.push(error.under(field));
    }

    /// The translated, trimmed value of `field`.
    pub(crate) fn text(&self, field: &str) -> Option<String> {
        self.m.value(self.record, field)
    }

    /// Reads `field` with `parse`; a failure is recorded and gives `None`.
    pub(crate) fn parse<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, FieldError>,
    ) -> Option<T> {
        let value = self.text(field)?;
        parse(&value).map_err(|e| self.fail(field, e)).ok()
    }

    /// Free text that must be present.
    pub(crate) fn required_text(&mut self, field: &str, max: usize) -> Option<String> {
        let value = self.text(field).unwrap_or_default();
        text::required(&value, max)
            .map_err(|e| self.fail(field, e))
            .ok()
    }

    /// Free text that may be absent.
    pub(crate) fn optional_text(&mut self, field: &str, max: usize) -> Option<String> {
        self.parse(field, |v| text::required(v, max))
    }

    /// One of a fixed set of names, read loosely ("Web Form" is `web_form`).
    pub(crate) fn choice<T>(
        &mut self,
        field: &str,
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Option<T> {
        self.parse(field, |v| {
            parse(&snake(v)).ok_or_else(|| {
                FieldError::new(
                    "",
                    "unknown_value",
                    format!(
                        "{v:?} is not one of: {}; translate it under [values.{field}]",
                        expected()
                    ),
                )
            })
        })
    }

    pub(crate) fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let opts = &self.m.c.opts;
        self.parse(field, |v| values::parse_date(v, &opts.date_formats))
    }

    pub(crate) fn datetime(&mut self, field: &str) -> Option<DateTime<Utc>> {
        let opts = &self.m.c.opts;
        self.parse(field, |v| {
            values::parse_datetime(v, &opts.date_formats, opts.timezone)
        })
    }

    pub(crate) fn integer(&mut self, field: &str) -> Option<i64> {
        let decimal = self.m.c.opts.decimal_separator;
        self.parse(field, |v| values::parse_integer(v, decimal))
    }

    pub(crate) fn user(&mut self, field: &str) -> Option<UserId> {
        self.parse(field, values::parse_user_id)
    }

    /// The external id of another record; `required` ones must be present.
    pub(crate) fn reference(&mut self, field: &str, required: bool) -> Option<String> {
        let value = self.text(field);
        if value.is_none() && required {
            self.fail(
                field,
                FieldError::new(
                    "",
                    "required",
                    "the referenced record's external id is missing",
                ),
            );
        }
        let value = value?;
        text::required(&value, MAX_EXTERNAL_ID)
            .map_err(|e| self.fail(field, e))
            .ok()
    }

    /// The row's own external id; required when the mapping dedupes by it.
    pub(crate) fn external_id(&mut self) -> Option<String> {
        let value = self.m.external_id(self.record).map(str::to_owned);
        if value.is_none() && self.m.dedupe_by() == Some(DedupeBy::ExternalId) {
            self.fail(
                "external_id",
                FieldError::new(
                    "",
                    "required",
                    format!(
                        "column \"{}\" is empty, but this mapping matches rows by external id",
                        self.m.external_id_column().unwrap_or_default()
                    ),
                ),
            );
        }
        let value = value?;
        text::required(&value, MAX_EXTERNAL_ID)
            .map_err(|e| self.fail("external_id", e))
            .ok()
    }

    /// Refuses a row without an email when the mapping matches rows by email.
    pub(crate) fn require_email_key(&mut self, has_email: bool) {
        if !has_email && self.m.dedupe_by() == Some(DedupeBy::Email) {
            self.fail(
                "email",
                FieldError::new(
                    "",
                    "required",
                    "the row has no email, but this mapping matches rows by email",
                ),
            );
        }
    }

    /// Adds a domain validation error's field errors.
    pub(crate) fn absorb(&mut self, error: Error) {
        match error {
            Error::Validation(errors) => self.errors.extend(errors),
            other => self
                .errors
                .push(FieldError::new("", "invalid", other.to_string())),
        }
    }

    /// The value, or every error with the CSV column named.
    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ => Err(self.m.blame(self.errors)),
        }
    }
}
