//! Contacts: people at an account, created when a lead converts or added directly.

use super::email::Email;
use super::ids::{AccountId, ContactId, LeadId};
use super::phone::Phone;
use chrono::{DateTime, Utc};

/// A contact as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Id.
    pub id: ContactId,
    /// The organisation.
    pub account_id: AccountId,
    /// The lead this person came in as.
    pub lead_id: Option<LeadId>,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: Option<String>,
    /// Email.
    pub email: Option<Email>,
    /// Phone.
    pub phone: Option<Phone>,
    /// Job title.
    pub job_title: Option<String>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}
