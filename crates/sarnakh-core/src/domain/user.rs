//! Users of Sarnakh and their roles. Authentication and the visibility policy build on
//! these; a record's owner is always a user.

use super::ids::UserId;
use super::lifecycle::str_enum;
use chrono::{DateTime, Utc};

str_enum!(
    /// What a user is for.
    Role {
        /// Installs and runs Sarnakh; sees everything.
        Admin = "admin",
        /// Owns the playbook and the pipeline; sees the team's records.
        SalesManager = "sales_manager",
        /// Works leads and deals.
        SalesRep = "sales_rep",
        /// Runs campaigns and forms.
        Marketing = "marketing",
    }
);

/// A user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Login email, normalised.
    pub email: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Created at.
    pub created_at: DateTime<Utc>,
}
