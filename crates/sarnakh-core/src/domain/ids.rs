//! Typed identifiers. Every id is a UUIDv7: ids sort by the real time they were minted
//! (which for imported or demo data is not the record's `created_at`).

use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $entity:literal) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize,
            serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps an id read from storage.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The raw UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// The entity name used in messages (`lead`, `account` ...).
            pub const ENTITY: &'static str = $entity;
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    };
}

id_type!(
    /// Identifies a lead (and the prospect it becomes).
    LeadId, "lead"
);
id_type!(
    /// Identifies an account (the buyer's organisation; a customer once a deal is won).
    AccountId, "account"
);
id_type!(
    /// Identifies a contact (a person at an account).
    ContactId, "contact"
);
id_type!(
    /// Identifies an opportunity (one deal being worked).
    OpportunityId, "opportunity"
);
id_type!(
    /// Identifies an activity (call, email, meeting ...).
    ActivityId, "activity"
);
id_type!(
    /// Identifies a follow-up task.
    TaskId, "task"
);
id_type!(
    /// Identifies a user of Sarnakh.
    UserId, "user"
);
id_type!(
    /// Identifies a team (reps grouped under a manager).
    TeamId, "team"
);
id_type!(
    /// Identifies an API token (not the secret itself).
    TokenId, "token"
);
id_type!(
    /// Identifies one entry in a record's history.
    HistoryId, "history entry"
);

/// A reference to any record that activities, tasks and history can hang off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordRef {
    /// A lead or prospect.
    Lead(LeadId),
    /// A contact.
    Contact(ContactId),
    /// An account.
    Account(AccountId),
    /// An opportunity.
    Opportunity(OpportunityId),
}

impl RecordRef {
    /// Builds a reference from its kind name and raw id.
    pub fn from_parts(kind: &str, id: Uuid) -> Option<Self> {
        Some(match kind {
            "lead" => Self::Lead(LeadId::from_uuid(id)),
            "contact" => Self::Contact(ContactId::from_uuid(id)),
            "account" => Self::Account(AccountId::from_uuid(id)),
            "opportunity" => Self::Opportunity(OpportunityId::from_uuid(id)),
            _ => return None,
        })
    }

    /// The kind name: `lead`, `contact`, `account` or `opportunity`.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Lead(_) => "lead",
            Self::Contact(_) => "contact",
            Self::Account(_) => "account",
            Self::Opportunity(_) => "opportunity",
        }
    }

    /// The raw id.
    pub const fn uuid(&self) -> Uuid {
        match self {
            Self::Lead(id) => id.as_uuid(),
            Self::Contact(id) => id.as_uuid(),
            Self::Account(id) => id.as_uuid(),
            Self::Opportunity(id) => id.as_uuid(),
        }
    }
}
id_type!(
    /// Identifies a web-to-lead form.
    FormId, "form"
);
id_type!(
    /// Identifies one submission of a web form.
    SubmissionId, "submission"
);
id_type!(
    /// Identifies an A/B experiment.
    ExperimentId, "experiment"
);
id_type!(
    /// Identifies an item of the nurture content library.
    ContentId, "content"
);
id_type!(
    /// Identifies a webhook subscription.
    WebhookId, "webhook"
);
id_type!(
    /// Identifies one delivery of an event to a webhook (its idempotency key).
    DeliveryId, "delivery"
);
