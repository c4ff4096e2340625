//! Editing an open deal's own fields (name, product, amount, currency, expected close,
//! owner) with the version the caller saw. The whole deal is validated again, so no edit
//! can break it; a new owner passes the same assignment rule as everywhere else.

use super::{Actor, Services};
use crate::domain::history::FieldChange;
use crate::domain::opportunity::OpportunityDraft;
use crate::domain::{HistoryEntry, Opportunity, OpportunityId, RecordRef, UserId};
use crate::error::Result;
use crate::store::OpportunityChange;

/// A partial edit: `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpportunityPatch {
    /// Deal name (cannot be cleared).
    pub name: Option<String>,
    /// Product.
    pub product: Option<Option<String>>,
    /// Decimal amount in major units (`12500.00`), in the currency after the edit.
    pub amount: Option<String>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// `YYYY-MM-DD`.
    pub expected_close_date: Option<Option<String>>,
    /// Owner.
    pub owner_id: Option<Option<UserId>>,
}

impl Services {
    /// Edits an open deal's fields. Refused (nothing written) when the deal is closed, not
    /// visible or not editable by the actor, the version differs (`PreconditionFailed`), a
    /// value is invalid (`Validation`, every field at once) or the owner change breaks the
    /// assignment rule (`Forbidden`).
    pub async fn update_opportunity(
        &self,
        actor: &Actor,
        id: OpportunityId,
        patch: OpportunityPatch,
        expected_version: Option<i64>,
    ) -> Result<Opportunity> {
        let current = self
            .open_opportunity(actor, id, expected_version, "edit")
            .await?;
        let draft = OpportunityDraft {
            name: Some(patch.name.unwrap_or_else(|| current.name.clone())),
            product: patch.product.unwrap_or_else(|| current.product.clone()),
            amount: Some(patch.amount.unwrap_or_else(|| current.amount.to_decimal())),
            currency: Some(
                patch
                    .currency
                    .unwrap_or_else(|| current.amount.currency().code().to_owned()),
            ),
            expected_close_date: patch
                .expected_close_date
                .unwrap_or_else(|| current.expected_close_date.map(|d| d.to_string())),
            stage: None,
            owner_id: patch.owner_id.unwrap_or(current.owner_id),
        };
        let new = draft.validate()?;
        if new.owner_id != current.owner_id {
            actor.check_assign(current.owner_id, new.owner_id)?;
            self.check_owner(new.owner_id).await?;
        }
        let now = self.now();
        let next = Opportunity {
            name: new.name,
            product: new.product,
            amount: new.amount,
            expected_close_date: new.expected_close_date,
            owner_id: new.owner_id,
            updated_at: now,
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
            ..HistoryEntry::new(RecordRef::Opportunity(id), "updated", now)
        };
        self.save_change(OpportunityChange {
            opportunity: next.clone(),
            expected_version: current.version,
            history,
            make_customer: false,
        })
        .await?;
        Ok(next)
    }
}

/// The edited fields with their old and new values.
fn diff(old: &Opportunity, new: &Opportunity) -> Vec<FieldChange> {
    let fields = |o: &Opportunity| {
        [
            ("name", Some(o.name.clone())),
            ("product", o.product.clone()),
            ("amount", Some(o.amount.to_decimal())),
            ("currency", Some(o.amount.currency().code().to_owned())),
            (
                "expected_close_date",
                o.expected_close_date.map(|d| d.to_string()),
            ),
            ("owner_id", o.owner_id.map(|u| u.to_string())),
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
