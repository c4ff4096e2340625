//! A record's audit trail a page at a time, newest first, with the names of the API tokens
//! its changes came through: the history tab of the record pages. Visibility is the
//! record's own (an invisible record is "not found").

use super::{Actor, Services};
use crate::domain::{HistoryEntry, RecordRef, TokenId};
use crate::error::Result;
use std::collections::HashMap;

/// Most entries one page holds.
pub const MAX_HISTORY_PAGE: usize = 100;

/// One page of a record's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPage {
    /// Newest first.
    pub entries: Vec<HistoryEntry>,
    /// The `before` of the next (older) page, if there is one.
    pub next_before: Option<i64>,
    /// The name of each API token the page's changes came through.
    pub tokens: HashMap<TokenId, String>,
}

impl Services {
    /// The entries of `subject` older than sequence number `before` (all when `None`),
    /// newest first, at most `limit` (1 to [`MAX_HISTORY_PAGE`]).
    pub async fn history_page(
        &self,
        actor: &Actor,
        subject: RecordRef,
        before: Option<i64>,
        limit: usize,
    ) -> Result<HistoryPage> {
        // A record's history is small (tens of rows): read it whole, newest first.
        let mut all = self.history(actor, subject).await?;
        all.sort_by(|a, b| b.seq.cmp(&a.seq).then(b.at.cmp(&a.at)));
        let limit = limit.clamp(1, MAX_HISTORY_PAGE);
        let mut older = all
            .into_iter()
            .filter(|h| before.is_none_or(|b| h.seq < b))
            .peekable();
        let entries: Vec<HistoryEntry> = older.by_ref().take(limit).collect();
        let next_before = older
            .peek()
            .and_then(|_| entries.last())
            .map(|last| last.seq);
        let mut tokens = HashMap::new();
        for id in entries.iter().filter_map(|h| h.token_id) {
            if let std::collections::hash_map::Entry::Vacant(slot) = tokens.entry(id)
                && let Some(token) = self.store.get_token(id).await?
            {
                slot.insert(format!("{} ({}…)", token.name, token.prefix));
            }
        }
        Ok(HistoryPage {
            entries,
            next_before,
            tokens,
        })
    }
}
