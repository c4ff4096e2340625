//! Editing a contact's own fields (names, email, phone, job title) with the version the
//! caller saw. Whoever sees the contact (through its account) and may write may edit it;
//! every field is checked at once and nothing is written on error.

use super::{Actor, Services, check_version, stale_to_precondition};
use crate::domain::history::FieldChange;
use crate::domain::lead::limits;
use crate::domain::{Contact, ContactId, Email, HistoryEntry, Phone, RecordRef, text};
use crate::error::{Errors, Result};

/// A partial edit: `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactPatch {
    /// Given name (cannot be cleared).
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<Option<String>>,
    /// Email.
    pub email: Option<Option<String>>,
    /// Phone (national numbers read in the account's country).
    pub phone: Option<Option<String>>,
    /// Job title.
    pub job_title: Option<Option<String>>,
}

impl Services {
    /// Edits a contact. Refused (nothing written) when it is not visible (`NotFound`), the
    /// version differs (`PreconditionFailed`) or a value is invalid (`Validation`).
    pub async fn edit_contact(
        &self,
        actor: &Actor,
        id: ContactId,
        patch: ContactPatch,
        expected_version: Option<i64>,
    ) -> Result<Contact> {
        actor.require_write()?;
        let current = self.get_contact(actor, id).await?;
        check_version(expected_version, current.version)?;
        let country = self
            .store
            .get_account(current.account_id)
            .await?
            .and_then(|a| a.country);
        let keep = |v: &Option<String>| v.clone();
        let email = patch
            .email
            .unwrap_or_else(|| current.email.as_ref().map(|e| e.as_str().to_owned()));
        let phone = patch
            .phone
            .unwrap_or_else(|| current.phone.as_ref().map(|p| p.as_str().to_owned()));
        let mut e = Errors::new();
        let first_name = e.take(
            "first_name",
            text::required(
                patch.first_name.as_deref().unwrap_or(&current.first_name),
                limits::NAME,
            ),
        );
        let last_name = e.take(
            "last_name",
            text::optional(
                patch
                    .last_name
                    .unwrap_or_else(|| keep(&current.last_name))
                    .as_deref(),
                limits::NAME,
            ),
        );
        let email = e.take("email", optional(email.as_deref(), Email::parse));
        let phone = e.take(
            "phone",
            optional(phone.as_deref(), |p| Phone::parse(p, country.as_deref())),
        );
        let job_title = e.take(
            "job_title",
            text::optional(
                patch
                    .job_title
                    .unwrap_or_else(|| keep(&current.job_title))
                    .as_deref(),
                limits::LABEL,
            ),
        );
        e.finish()?;
        let checked = "validated above";
        let next = Contact {
            first_name: first_name.expect(checked),
            last_name: last_name.expect(checked),
            email: email.expect(checked),
            phone: phone.expect(checked),
            job_title: job_title.expect(checked),
            version: current.version + 1,
            ..current.clone()
        };
        let changes = diff(&current, &next);
        if changes.is_empty() {
            return Ok(current);
        }
        let history = HistoryEntry {
            changes,
            actor_id: actor.user_id,
            token_id: actor.token_id(),
            ..HistoryEntry::new(RecordRef::Contact(id), "updated", self.now())
        };
        if let Err(e) = self
            .store
            .change_contact(&next, current.version, &history)
            .await
        {
            return Err(stale_to_precondition(e, || async {
                self.store
                    .get_contact(id)
                    .await
                    .ok()
                    .flatten()
                    .map(|c| c.version)
            })
            .await);
        }
        Ok(next)
    }
}

fn optional<T>(
    raw: Option<&str>,
    parse: impl FnOnce(&str) -> std::result::Result<T, crate::error::FieldError>,
) -> std::result::Result<Option<T>, crate::error::FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse(v).map(Some),
    }
}

/// The edited fields with their old and new values.
fn diff(old: &Contact, new: &Contact) -> Vec<FieldChange> {
    let fields = |c: &Contact| {
        [
            ("first_name", Some(c.first_name.clone())),
            ("last_name", c.last_name.clone()),
            ("email", c.email.as_ref().map(|e| e.as_str().to_owned())),
            ("phone", c.phone.as_ref().map(|p| p.as_str().to_owned())),
            ("job_title", c.job_title.clone()),
        ]
    };
    fields(old)
        .into_iter()
        .zip(fields(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, old), (_, new))| FieldChange {
            field: field.to_owned(),
            old,
            new,
        })
        .collect()
}
