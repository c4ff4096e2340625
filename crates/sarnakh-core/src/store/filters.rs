//! Filters and sort orders for list queries. Each filter a list view uses has an index
//! in both adapters' migrations.

use crate::domain::lifecycle::{LeadStage, LeadStatus};
use crate::domain::page::SortDir;
use crate::domain::task::DueFilter;
use crate::domain::{AccountId, LeadId, LeadSource, OpportunityStatus, RecordRef, UserId};
use crate::policy::Visibility;
use chrono::{DateTime, NaiveDate, Utc};

/// Columns leads can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeadSortField {
    /// Capture time.
    #[default]
    CreatedAt,
    /// Last change.
    UpdatedAt,
    /// Family name, then given name (case-insensitive).
    Name,
    /// Lead score.
    Score,
}

impl LeadSortField {
    /// Parses a field name.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "created_at" => Self::CreatedAt,
            "updated_at" => Self::UpdatedAt,
            "name" => Self::Name,
            "score" => Self::Score,
            _ => return None,
        })
    }
}

/// Which leads to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadFilter {
    /// Only this stage.
    pub stage: Option<LeadStage>,
    /// Only this status.
    pub status: Option<LeadStatus>,
    /// Only this source.
    pub source: Option<LeadSource>,
    /// Only this score grade (`a` is the prospect review queue).
    pub grade: Option<crate::domain::scoring::Grade>,
    /// Only this owner.
    pub owner: Option<UserId>,
    /// Text search over name, email, phone and company.
    pub q: Option<String>,
    /// Only this exact (normalised) email; the service turns a `q` that is a whole email
    /// address into this, which an index serves.
    pub email: Option<String>,
    /// Rows the caller may see (set by the service from the policy).
    pub visibility: Visibility,
    /// Sort column.
    pub sort: LeadSortField,
    /// Sort direction.
    pub dir: SortDir,
}

impl Default for LeadFilter {
    fn default() -> Self {
        Self {
            stage: None,
            status: None,
            source: None,
            grade: None,
            owner: None,
            q: None,
            email: None,
            visibility: Visibility::All,
            sort: LeadSortField::CreatedAt,
            dir: SortDir::Desc,
        }
    }
}

/// Columns opportunities can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpportunitySortField {
    /// Creation time.
    #[default]
    CreatedAt,
    /// Last change.
    UpdatedAt,
    /// Amount in minor units (mixing currencies sorts by raw number).
    Amount,
}

impl OpportunitySortField {
    /// Parses a field name.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "created_at" => Self::CreatedAt,
            "updated_at" => Self::UpdatedAt,
            "amount" => Self::Amount,
            _ => return None,
        })
    }
}

/// Which opportunities to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpportunityFilter {
    /// Only this stage key.
    pub stage: Option<String>,
    /// Only this status.
    pub status: Option<OpportunityStatus>,
    /// Only this owner.
    pub owner: Option<UserId>,
    /// Only these owners (a team's members; empty: none).
    pub owners: Option<Vec<UserId>>,
    /// Only this account.
    pub account: Option<AccountId>,
    /// Only those produced by this lead.
    pub lead: Option<LeadId>,
    /// Only deals of this product (exactly).
    pub product: Option<String>,
    /// Text search over name and product.
    pub q: Option<String>,
    /// Only deals expected to close on or after this day.
    pub close_from: Option<NaiveDate>,
    /// Only deals expected to close on or before this day.
    pub close_to: Option<NaiveDate>,
    /// Only deals in this currency (required by the amount range).
    pub currency: Option<String>,
    /// Only deals of at least this amount, in minor units of `currency`.
    pub amount_min: Option<i64>,
    /// Only deals of at most this amount, in minor units of `currency`.
    pub amount_max: Option<i64>,
    /// Rows the caller may see (set by the service from the policy).
    pub visibility: Visibility,
    /// Sort column.
    pub sort: OpportunitySortField,
    /// Sort direction.
    pub dir: SortDir,
}

impl Default for OpportunityFilter {
    fn default() -> Self {
        Self {
            stage: None,
            status: None,
            owner: None,
            owners: None,
            account: None,
            lead: None,
            product: None,
            q: None,
            close_from: None,
            close_to: None,
            currency: None,
            amount_min: None,
            amount_max: None,
            visibility: Visibility::All,
            sort: OpportunitySortField::CreatedAt,
            dir: SortDir::Desc,
        }
    }
}

/// Which accounts to list (by name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFilter {
    /// Text search over the name.
    pub q: Option<String>,
    /// Only customers (`true`) or only non-customers (`false`).
    pub customer: Option<bool>,
    /// Only this owner.
    pub owner: Option<UserId>,
    /// Only this country (ISO code, as stored).
    pub country: Option<String>,
    /// Only this industry (exactly, as stored).
    pub industry: Option<String>,
    /// Only these accounts (a page's worth, read in one query).
    pub ids: Option<Vec<AccountId>>,
    /// Z to A instead of A to Z.
    pub name_desc: bool,
    /// Rows the caller may see (by account owner).
    pub visibility: Visibility,
}

/// Which contacts to list (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactFilter {
    /// Only this account.
    pub account: Option<AccountId>,
    /// Text search over name and email.
    pub q: Option<String>,
    /// Only contacts of accounts of this owner.
    pub owner: Option<UserId>,
    /// Oldest first (`Asc`) instead of newest first.
    pub oldest_first: bool,
    /// Rows the caller may see (by the owner of the contact's account).
    pub visibility: Visibility,
}

/// Which tasks to list (soonest due first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFilter {
    /// Due window.
    pub due: DueFilter,
    /// "Now" for the window, from the service's clock.
    pub now: DateTime<Utc>,
    /// Only this owner.
    pub owner: Option<UserId>,
    /// Only about this record.
    pub subject: Option<RecordRef>,
    /// Rows the caller may see (by task owner).
    pub visibility: Visibility,
}
