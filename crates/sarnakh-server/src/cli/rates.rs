//! `sarnakh rates set|list` (exchange rates the reports convert with) and `sarnakh costs
//! set|list` (what campaigns cost, for the sources report), with system rights.

use clap::Subcommand;
use sarnakh_core::domain::report_money::format_rate;
use sarnakh_core::service::{Actor, CostInput, RateInput, RateSheet, Services};
use sarnakh_core::store::Store;
use std::sync::Arc;

/// Exchange rate commands.
#[derive(Debug, Subcommand)]
pub enum RatesCommand {
    /// Record a rate: one CURRENCY is worth RATE units of the base currency from --date.
    Set {
        /// ISO code, e.g. RON.
        currency: String,
        /// Units of the base currency per unit, e.g. 0.2011.
        rate: String,
        /// First day the rate applies, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
        /// Change the base (reporting) currency first; only while no rate is stored.
        #[arg(long)]
        base: Option<String>,
    },
    /// Print the base currency and every rate.
    List,
}

/// Campaign cost commands.
#[derive(Debug, Subcommand)]
pub enum CostsCommand {
    /// Record what CAMPAIGN cost (replaces the cost with the same campaign and --from).
    Set {
        /// The campaign, as leads carry it.
        campaign: String,
        /// Decimal amount, e.g. 1500.00.
        amount: String,
        /// ISO code.
        currency: String,
        /// First day of the spend, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day of the spend (default: --from).
        #[arg(long)]
        to: Option<String>,
    },
    /// Print every recorded cost.
    List,
}

fn print_sheet(sheet: &RateSheet) {
    println!("base currency {}", sheet.base);
    println!("currency  effective_on  rate");
    for r in &sheet.rates {
        println!(
            "{:<8}  {}    {}",
            r.currency.code(),
            r.effective_on,
            format_rate(r.rate_e12)
        );
    }
}

/// Runs a rates command.
pub async fn run_rates(store: Arc<dyn Store>, cmd: RatesCommand) -> anyhow::Result<()> {
    let services = Services::new(store);
    let sheet = match cmd {
        RatesCommand::Set {
            currency,
            rate,
            date,
            base,
        } => {
            let input = RateInput {
                currency: Some(currency),
                rate: Some(rate),
                effective_on: date,
            };
            services
                .set_exchange_rates(&Actor::SYSTEM, base.as_deref(), &[input])
                .await
                .map_err(super::explain)?
        }
        RatesCommand::List => services.exchange_rates().await.map_err(super::explain)?,
    };
    print_sheet(&sheet);
    Ok(())
}

/// Runs a costs command.
pub async fn run_costs(store: Arc<dyn Store>, cmd: CostsCommand) -> anyhow::Result<()> {
    let services = Services::new(store);
    let costs = match cmd {
        CostsCommand::Set {
            campaign,
            amount,
            currency,
            from,
            to,
        } => {
            let input = CostInput {
                campaign: Some(campaign),
                amount: Some(amount),
                currency: Some(currency),
                from: Some(from),
                to,
            };
            services
                .set_campaign_costs(&Actor::SYSTEM, &[input])
                .await
                .map_err(super::explain)?
        }
        CostsCommand::List => services.campaign_costs().await.map_err(super::explain)?,
    };
    println!("campaign  from        to          cost");
    for c in costs {
        println!(
            "{}  {}  {}  {}",
            c.campaign, c.starts_on, c.ends_on, c.amount
        );
    }
    Ok(())
}
