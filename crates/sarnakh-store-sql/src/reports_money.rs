//! Exchange rates and campaign costs (small tables, read whole), expanded in each store by
//! `report_queries!`. Each save is one transaction: every row or none.

/// Expands the rate and cost functions (inside the `reports` module of `report_queries!`).
#[macro_export]
macro_rules! report_money_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident) => {
        use chrono::NaiveDate;
        use sarnakh_core::domain::report_money::{CampaignCost, ExchangeRate};
        use sarnakh_core::domain::{Currency, Money, UserId};

        fn stored_currency(code: &str) -> Result<Currency, StoreError> {
            Currency::parse(code)
                .map_err(|_| StoreError::Backend(format!("stored currency {code:?} is not ISO 4217")))
        }

        impl $store {
            pub(crate) async fn rate_rows(&self) -> Result<Vec<ExchangeRate>, StoreError> {
                let rows: Vec<(String, NaiveDate, i64)> = sqlx::query_as(
                    "select currency, effective_on, rate_e12 from exchange_rates order by currency, effective_on",
                )
                .fetch_all(&self.$read)
                .await
                .map_err(backend)?;
                rows.into_iter()
                    .map(|(c, effective_on, rate_e12)| {
                        Ok(ExchangeRate { currency: stored_currency(&c)?, effective_on, rate_e12 })
                    })
                    .collect()
            }

            pub(crate) async fn save_rate_rows(
                &self,
                rates: &[ExchangeRate],
                at: chrono::DateTime<chrono::Utc>,
                by: Option<UserId>,
            ) -> Result<(), StoreError> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                for r in rates {
                    sqlx::query("insert into exchange_rates (currency, effective_on, rate_e12, set_at, set_by) values ($1, $2, $3, $4, $5) on conflict (currency, effective_on) do update set rate_e12 = excluded.rate_e12, set_at = excluded.set_at, set_by = excluded.set_by")
                        .bind(r.currency.code()).bind(r.effective_on).bind(r.rate_e12).bind(at).bind(by.map(|u| u.as_uuid()))
                        .execute(&mut *tx).await.map_err(backend)?;
                }
                tx.commit().await.map_err(backend)
            }

            pub(crate) async fn cost_rows(&self) -> Result<Vec<CampaignCost>, StoreError> {
                let rows: Vec<(String, NaiveDate, NaiveDate, i64, String)> = sqlx::query_as(
                    "select campaign, starts_on, ends_on, amount_minor, currency from campaign_costs order by campaign, starts_on",
                )
                .fetch_all(&self.$read)
                .await
                .map_err(backend)?;
                rows.into_iter()
                    .map(|(campaign, starts_on, ends_on, minor, c)| {
                        let amount = Money::from_minor(minor, stored_currency(&c)?)
                            .map_err(|e| StoreError::Backend(e.message))?;
                        Ok(CampaignCost { campaign, starts_on, ends_on, amount })
                    })
                    .collect()
            }

            pub(crate) async fn save_cost_rows(
                &self,
                costs: &[CampaignCost],
                at: chrono::DateTime<chrono::Utc>,
                by: Option<UserId>,
            ) -> Result<(), StoreError> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                for c in costs {
                    sqlx::query("insert into campaign_costs (campaign, starts_on, ends_on, amount_minor, currency, set_at, set_by) values ($1, $2, $3, $4, $5, $6, $7) on conflict (campaign, starts_on) do update set ends_on = excluded.ends_on, amount_minor = excluded.amount_minor, currency = excluded.currency, set_at = excluded.set_at, set_by = excluded.set_by")
                        .bind(&c.campaign).bind(c.starts_on).bind(c.ends_on).bind(c.amount.minor()).bind(c.amount.currency().code())
                        .bind(at).bind(by.map(|u| u.as_uuid()))
                        .execute(&mut *tx).await.map_err(backend)?;
                }
                tx.commit().await.map_err(backend)
            }
        }
    };
}
