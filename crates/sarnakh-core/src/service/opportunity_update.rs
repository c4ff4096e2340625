//! Editing an open deal's facts: name, product, amount and currency, expected close date,
//! owner and the owner's forecast call. Stage moves and closing have their own use cases.

use super::{Actor, Services};
use crate::domain::forecast::ForecastCategory;
use crate::domain::opportunity::OpportunityDraft;
use crate::domain::{FieldChange, HistoryEntry, Opportunity, OpportunityId, RecordRef, UserId};
use crate::error::{Error, Result};
use crate::store::OpportunityChange;

/// A partial change of a deal: `None` leaves a field alone; `Some(None)` clears it where
/// it may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpportunityPatch {
    /// Deal name (cannot be cleared).
    pub name: Option<String>,
    /// Product.
    pub product: Option<Option<String>>,
    /// Decimal amount in major units.
    pub amount: Option<String>,
    /// ISO 4217 code (the amount is read in it).
    pub currency: Option<String>,
    /// `YYYY-MM-DD`.
    pub expected_close_date: Option<Option<String>>,
    /// Owner.
    pub owner_id: Option<Option<UserId>>,
    /// The owner's forecast call; `Some(None)` returns to the stage's default.
    pub forecast_category: Option<Option<String>>,
}

impl Services {
    /// Changes an open deal's facts, recording which fields changed. Nothing is written
    /// when a field is refused or nothing changes.
    pub async fn update_opportunity(
        &self,
        actor: &Actor,
        id: OpportunityId,
        patch: OpportunityPatch,
        expected_version: Option<i64>,
    ) -> Result<Opportunity> {
        let current = self
            .open_opportunity(actor, id, expected_version, "update")
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
            expected_close_date: patch.expected_close_date.unwrap_or_else(|| {
                current
                    .expected_close_date
                    .map(|d| d.format("%Y-%m-%d").to_string())
            }),
            stage: None,
            owner_id: patch.owner_id.unwrap_or(current.owner_id),
        };
        let category = match patch.forecast_category {
            None => Ok(current.forecast_category),
            Some(None) => Ok(None),
            Some(Some(raw)) if raw.trim().is_empty() => Ok(None),
            Some(Some(raw)) => {
                ForecastCategory::parse_settable("forecast_category", &raw).map(Some)
            }
        };
        let (new, category) = match (draft.validate(), category) {
            (Ok(new), Ok(category)) => (new, category),
            (Err(Error::Validation(mut errors)), Err(e)) => {
                errors.push(e);
                return Err(Error::Validation(errors));
            }
            (Err(e), _) => return Err(e),
            (Ok(_), Err(e)) => return Err(Error::Validation(vec![e])),
        };
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
            forecast_category: category,
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

/// The fields that differ, as the API names them.
fn diff(old: &Opportunity, new: &Opportunity) -> Vec<FieldChange> {
    let money =
        |o: &Opportunity| Some(format!("{} {}", o.amount.to_decimal(), o.amount.currency()));
    let date = |o: &Opportunity| o.expected_close_date.map(|d| d.to_string());
    let owner = |o: &Opportunity| o.owner_id.map(|u| u.to_string());
    let category = |o: &Opportunity| o.forecast_category.map(|c| c.as_str().to_owned());
    [
        ("name", Some(old.name.clone()), Some(new.name.clone())),
        ("product", old.product.clone(), new.product.clone()),
        ("amount", money(old), money(new)),
        ("expected_close_date", date(old), date(new)),
        ("owner_id", owner(old), owner(new)),
        ("forecast_category", category(old), category(new)),
    ]
    .into_iter()
    .filter(|(_, a, b)| a != b)
    .map(|(field, old, new)| FieldChange {
        field: field.to_owned(),
        old,
        new,
    })
    .collect()
}
