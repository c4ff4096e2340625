//! Opportunities: one deal being worked for one product and purchase occasion. One lead
//! may yield many; each moves across the pipeline stages and closes won or lost.

use super::forecast::ForecastCategory;
use super::ids::{AccountId, ContactId, LeadId, OpportunityId, UserId};
use super::lead::{limits, optional_with, parse_enum};
use super::lifecycle::str_enum;
use super::money::{Currency, Money};
use super::text;
use crate::error::{Errors, FieldError, Result};
use chrono::{DateTime, NaiveDate, Utc};

str_enum!(
    /// A buyer-side person's part in the decision.
    BuyerRole {
        /// Makes the decision.
        DecisionMaker = "decision_maker",
        /// Sells for us inside the buyer.
        Champion = "champion",
        /// Shapes the decision.
        Influencer = "influencer",
        /// Holds the budget.
        EconomicBuyer = "economic_buyer",
        /// Judges the technical fit.
        TechnicalEvaluator = "technical_evaluator",
        /// Will use the product.
        User = "user",
    }
);

str_enum!(
    /// Whether a deal is still being worked.
    OpportunityStatus {
        /// In the pipeline.
        Open = "open",
        /// Closed won.
        Won = "won",
        /// Closed lost.
        Lost = "lost",
    }
);

str_enum!(
    /// Why a deal was lost.
    LossReason {
        /// Too expensive.
        Price = "price",
        /// Went with a competitor.
        Competitor = "competitor",
        /// The buyer decided nothing.
        NoDecision = "no_decision",
        /// Not now.
        Timing = "timing",
        /// The product does not fit the need.
        ProductFit = "product_fit",
        /// Contact went silent.
        LostContact = "lost_contact",
        /// Anything else (explain in the note).
        Other = "other",
    }
);

/// An opportunity as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opportunity {
    /// Id.
    pub id: OpportunityId,
    /// The customer-to-be.
    pub account_id: AccountId,
    /// Main contact.
    pub contact_id: Option<ContactId>,
    /// The lead it came from (source attribution).
    pub lead_id: Option<LeadId>,
    /// Deal name.
    pub name: String,
    /// Product or service sold.
    pub product: Option<String>,
    /// Deal value.
    pub amount: Money,
    /// When the rep expects to close.
    pub expected_close_date: Option<NaiveDate>,
    /// Current pipeline stage key.
    pub stage: String,
    /// Open, won or lost.
    pub status: OpportunityStatus,
    /// The owner's forecast call (none: the stage's default).
    pub forecast_category: Option<ForecastCategory>,
    /// Why it was lost.
    pub loss_reason: Option<LossReason>,
    /// Closing note (win or loss story).
    pub close_note: Option<String>,
    /// When it closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Owning user.
    pub owner_id: Option<UserId>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// Raw opportunity input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpportunityDraft {
    /// Deal name.
    pub name: Option<String>,
    /// Product.
    pub product: Option<String>,
    /// Decimal amount in major units ("12500.00").
    pub amount: Option<String>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// `YYYY-MM-DD`.
    pub expected_close_date: Option<String>,
    /// Starting stage key (default: the first open stage).
    pub stage: Option<String>,
    /// Owner.
    pub owner_id: Option<UserId>,
}

/// Validated opportunity input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOpportunity {
    /// Deal name.
    pub name: String,
    /// Product.
    pub product: Option<String>,
    /// Value.
    pub amount: Money,
    /// Expected close.
    pub expected_close_date: Option<NaiveDate>,
    /// Requested starting stage; checked against the pipeline by the service.
    pub stage: Option<String>,
    /// Owner.
    pub owner_id: Option<UserId>,
}

impl OpportunityDraft {
    /// Validates every field at once.
    pub fn validate(&self) -> Result<NewOpportunity> {
        let mut e = Errors::new();
        let name = e.take(
            "name",
            text::required(self.name.as_deref().unwrap_or(""), limits::LABEL),
        );
        let product = e.take(
            "product",
            text::optional(self.product.as_deref(), limits::LABEL),
        );
        let currency = e.take(
            "currency",
            Currency::parse(self.currency.as_deref().unwrap_or("")),
        );
        let amount = match (currency, self.amount.as_deref()) {
            (Some(currency), Some(raw)) => e.take("amount", Money::parse_decimal(raw, currency)),
            (Some(_), None) => e.take(
                "amount",
                Err(FieldError::new(
                    "",
                    "required",
                    "give the deal value, e.g. \"12500.00\"",
                )),
            ),
            (None, _) => None,
        };
        let expected_close_date = e.take(
            "expected_close_date",
            parse_date(self.expected_close_date.as_deref()),
        );
        let stage = e.take("stage", text::optional(self.stage.as_deref(), limits::NAME));
        e.finish()?;
        let checked = "validated above";
        Ok(NewOpportunity {
            name: name.expect(checked),
            product: product.expect(checked),
            amount: amount.expect(checked),
            expected_close_date: expected_close_date.expect(checked),
            stage: stage.expect(checked),
            owner_id: self.owner_id,
        })
    }
}

/// Parses an optional `YYYY-MM-DD` date.
pub fn parse_date(raw: Option<&str>) -> Result<Option<NaiveDate>, FieldError> {
    optional_with(raw, |v| {
        NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
            FieldError::new(
                "",
                "invalid_date",
                format!("{v:?} is not a date in YYYY-MM-DD form"),
            )
        })
    })
}

/// Parses an optional loss reason name.
pub fn parse_loss_reason(raw: Option<&str>) -> Result<Option<LossReason>, FieldError> {
    parse_enum(raw, LossReason::parse, LossReason::expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(d: &OpportunityDraft) -> Vec<(String, &'static str)> {
        match d.validate() {
            Err(crate::Error::Validation(v)) => v.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_draft_keeps_exact_minor_units() {
        let d = OpportunityDraft {
            name: Some("Pars Co - CRM".into()),
            amount: Some("1250000.50".into()),
            currency: Some("irr".into()),
            expected_close_date: Some("2026-12-31".into()),
            ..OpportunityDraft::default()
        };
        let o = d.validate().expect("valid");
        assert_eq!(
            (o.amount.minor(), o.amount.currency().code()),
            (125_000_050, "IRR")
        );
    }

    #[test]
    fn every_problem_is_reported() {
        let d = OpportunityDraft {
            amount: Some("12.345".into()),
            currency: Some("RON".into()),
            expected_close_date: Some("31/12/2026".into()),
            ..OpportunityDraft::default()
        };
        assert_eq!(
            codes(&d),
            vec![
                ("name".into(), "required"),
                ("amount".into(), "invalid_amount"),
                ("expected_close_date".into(), "invalid_date"),
            ]
        );
    }

    #[test]
    fn amount_and_currency_are_required() {
        assert_eq!(
            codes(&OpportunityDraft {
                name: Some("x".into()),
                ..OpportunityDraft::default()
            }),
            vec![("currency".into(), "required")]
        );
    }
}
