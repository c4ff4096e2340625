//! Deal values: what each product costs a buyer of a given size, in the currency and
//! magnitude of the buyer's market (whole amounts; IRR, RON, EUR and USD).

use super::companies::{Company, Country};
use super::sim::Sim;
use fastrand::Rng;
use sarnakh_core::domain::opportunity::OpportunityDraft;

/// Yearly deal value in US dollars for a company of about 100 people.
fn usd_range(product: &str) -> (i64, i64) {
    match product {
        "Sarnakh Enterprise" => (15_000, 60_000),
        "Onboarding package" => (1_500, 5_000),
        "Telephony add-on" => (1_000, 6_000),
        "Data migration" => (2_000, 8_000),
        "Training workshop" => (800, 3_000),
        _ => (2_000, 12_000),
    }
}

/// A whole amount and its currency, in the magnitudes each market really uses.
fn amount(
    rng: &mut Rng,
    product: &str,
    company: &Company,
    country: Country,
) -> (String, &'static str) {
    let (lo, hi) = usd_range(product);
    let size = (company.size as f64 / 100.0).powf(0.35).clamp(0.5, 3.0);
    let usd = rng.i64(lo..=hi) as f64 * size;
    let round = |value: f64, step: f64| ((value / step).round().max(1.0) * step) as i64;
    let (value, currency) = match country {
        Country::Ir => (round(usd * 650_000.0, 10_000_000.0), "IRR"),
        Country::Ro if rng.f64() < 0.7 => (round(usd * 4.6, 100.0), "RON"),
        Country::Ro => (round(usd * 0.92, 100.0), "EUR"),
        Country::Gb if rng.f64() < 0.6 => (round(usd * 0.92, 100.0), "EUR"),
        Country::Gb | Country::Us => (round(usd, 100.0), "USD"),
    };
    (value.to_string(), currency)
}

impl Sim {
    /// An opportunity input for `product` sold to `company`.
    pub fn deal_draft(
        &mut self,
        product: &str,
        company: &Company,
        country: Country,
        close: chrono::NaiveDate,
        stage: Option<String>,
    ) -> OpportunityDraft {
        let (value, currency) = amount(&mut self.rng, product, company, country);
        OpportunityDraft {
            name: Some(format!("{} – {product}", company.name)),
            product: Some(product.to_owned()),
            amount: Some(value),
            currency: Some(currency.to_owned()),
            expected_close_date: Some(close.format("%Y-%m-%d").to_string()),
            stage,
            owner_id: None,
        }
    }
}
