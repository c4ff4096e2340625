//! Pure helpers of the webhook queries (`webhooks.rs`): event lists as stored and the
//! `data` of an outbox event.

use sarnakh_core::domain::FieldChange;
use sarnakh_core::domain::webhook::HistoryData;
use sarnakh_core::store::StoreError;
use serde_json::Value;
use uuid::Uuid;

/// Event types as stored: a JSON array of strings.
pub fn events_json(events: &[String]) -> String {
    Value::from(events.to_vec()).to_string()
}

/// Event types from their stored JSON.
pub fn events_from(text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|_| crate::rows::corrupt("webhook events", text))
}

/// The `data` of an event: its stored JSON (accounts, tasks) or its history row's fields.
pub fn event_data(stored: Option<&str>, history: Option<HistoryData>) -> Result<Value, StoreError> {
    match (stored, history) {
        (Some(text), _) => {
            serde_json::from_str(text).map_err(|_| crate::rows::corrupt("outbox data", text))
        }
        (None, Some(h)) => Ok(h.to_json()),
        (None, None) => Ok(Value::Object(serde_json::Map::new())),
    }
}

/// The history fields of a row, if it has them.
#[expect(clippy::too_many_arguments, reason = "one argument per history column")]
pub fn history_data(
    id: Option<Uuid>,
    from: Option<String>,
    to: Option<String>,
    reason: Option<String>,
    note: Option<String>,
    related_type: Option<String>,
    related_id: Option<Uuid>,
    changes: Vec<FieldChange>,
) -> Option<HistoryData> {
    id.map(|_| HistoryData {
        from,
        to,
        reason,
        note,
        related: related_type.zip(related_id),
        changes,
    })
}
