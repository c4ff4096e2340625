//! The semantic errors of Sarnakh's use cases. No transport types live here: the JSON API
//! maps them to problem+json, the CLI to a message and a non-zero exit.

use crate::store::StoreError;

/// One problem with one input field, addressed by its dotted path (`opportunities[0].amount`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path of the field as the caller named it.
    pub field: String,
    /// Stable snake_case code (`required`, `invalid_email`, `too_long` ...).
    pub code: &'static str,
    /// Human explanation in English.
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }

    /// The same error, re-addressed under a parent path (`person` + `email` -> `person.email`).
    #[must_use]
    pub fn under(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_owned()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

/// A criterion that must hold before a lifecycle transition is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmetCriterion {
    /// Stable code, e.g. `organisation_fit_recorded`.
    pub code: String,
    /// What the rep has to record or do.
    pub message: String,
}

/// Every way a Sarnakh use case can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is invalid; nothing was written.
    #[error("invalid input: {}", summarize(.0))]
    Validation(Vec<FieldError>),
    /// The addressed record does not exist (or the caller may not know it exists).
    #[error("{entity} {id} not found")]
    NotFound {
        /// Entity kind, e.g. `lead`.
        entity: &'static str,
        /// The id the caller asked for.
        id: String,
    },
    /// The request conflicts with the current state (e.g. a unique value is taken).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The caller may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No valid credential was presented (missing, unknown, revoked, or its user disabled).
    #[error("sign in or send a valid API token")]
    Unauthenticated,
    /// Sign-in refused: the same answer for an unknown email and a wrong password.
    #[error("the email or the password is wrong")]
    InvalidCredentials,
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many attempts; try again in {retry_after} seconds")]
    RateLimited {
        /// Seconds until the next attempt may succeed.
        retry_after: u64,
    },
    /// The lifecycle state machine refuses this transition from the current state.
    #[error("cannot {action} a record that is {from}")]
    IllegalTransition {
        /// Current state, e.g. `lead/disqualified`.
        from: String,
        /// Requested action, e.g. `qualify`.
        action: &'static str,
    },
    /// The transition is legal but qualification criteria are unmet; nothing changed.
    #[error("cannot {action}: {} criteria unmet", .unmet.len())]
    UnmetCriteria {
        /// Requested action.
        action: &'static str,
        /// Each unmet criterion.
        unmet: Vec<UnmetCriterion>,
    },
    /// The caller's version of the record is stale (optimistic concurrency).
    #[error("the record was changed by someone else (current version {current})")]
    PreconditionFailed {
        /// The version stored now.
        current: i64,
    },
    /// The record looks like people already recorded and the duplicate policy blocks it;
    /// nothing was written.
    #[error("this looks like {} record(s) already recorded", .0.len())]
    Duplicate(Vec<crate::domain::duplicate::DuplicateMatch>),
    /// Too little closed history to learn from (or only one outcome in it).
    #[error("cannot train the win model: {0}")]
    InsufficientHistory(String),
    /// The storage backend failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::InvalidCursor => Self::field(
                "cursor",
                "invalid_cursor",
                "the cursor does not belong to this list and sort order; start again without it",
            ),
            other => Self::Store(other),
        }
    }
}

fn summarize(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// A validation error about a single field.
    pub fn field(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    /// A not-found error for an entity id.
    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        Self::NotFound {
            entity,
            id: id.to_string(),
        }
    }
}

/// Result alias for use cases.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Collects field errors while validating a whole input, so the caller sees every problem
/// at once rather than one per round-trip.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one error.
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Keeps the value of `result`, or records its error under `field` and returns `None`.
    pub fn take<T>(&mut self, field: &str, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error.under(field));
                None
            }
        }
    }

    /// Appends errors collected elsewhere.
    pub fn extend(&mut self, other: Errors) {
        self.0.extend(other.0);
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` if nothing was recorded, else [`Error::Validation`] with all of it.
    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.0))
        }
    }
}
