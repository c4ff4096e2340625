//! Saved views: a user's named filters of a list (the list page's query string, such as
//! `source=event&sort=-score`), shown as links above that list. A view holds no rows: the
//! list it opens is filtered by what its user may see when it is opened.

use super::ids::UserId;
use chrono::{DateTime, Utc};

/// The lists a view may belong to.
pub const VIEW_LISTS: [&str; 5] = [
    "leads",
    "prospects",
    "opportunities",
    "accounts",
    "contacts",
];

/// Most views one user keeps per list.
pub const MAX_VIEWS: usize = 30;

/// Longest query a view stores.
pub const MAX_VIEW_QUERY: usize = 1_000;

/// A saved view as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedView {
    /// Id.
    pub id: uuid::Uuid,
    /// Whose view it is; only they see it.
    pub user_id: UserId,
    /// Which list (`leads`, `prospects`).
    pub list: String,
    /// The name shown; unique per user and list (saving a name again replaces its query).
    pub name: String,
    /// The list's query string, without `?`, cursor or notices.
    pub query: String,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}
