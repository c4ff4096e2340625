//! `sarnakh forecast snapshot|snapshots|target|targets|untarget`: forecast snapshots (taken
//! weekly by `sarnakh serve`, or now) and the targets the forecast is measured against,
//! with system rights.

use clap::Subcommand;
use sarnakh_core::service::{Actor, Services, TargetInput};
use sarnakh_core::store::Store;
use std::sync::Arc;

/// Forecast commands.
#[derive(Debug, Subcommand)]
pub enum ForecastCommand {
    /// Take today's forecast snapshot now (replacing one taken earlier today).
    Snapshot,
    /// List the stored snapshots.
    Snapshots,
    /// Set the target of a month or quarter: for the company, or --team or --owner.
    Target {
        /// `month` or `quarter`.
        interval: String,
        /// The period's first day, YYYY-MM-DD (e.g. 2027-01-01).
        starts_on: String,
        /// Decimal amount, e.g. 50000.00.
        amount: String,
        /// ISO code.
        currency: String,
        /// For this team (id).
        #[arg(long)]
        team: Option<String>,
        /// For this owner (user id).
        #[arg(long)]
        owner: Option<String>,
    },
    /// List every target.
    Targets,
    /// Remove a target by its id.
    Untarget {
        /// The target's id.
        id: String,
    },
}

/// Runs a forecast command.
pub async fn run(store: Arc<dyn Store>, cmd: ForecastCommand) -> anyhow::Result<()> {
    let services = Services::new(store);
    let actor = Actor::SYSTEM;
    match cmd {
        ForecastCommand::Snapshot => {
            let s = services
                .take_forecast_snapshot(&actor)
                .await
                .map_err(super::explain)?;
            println!(
                "snapshot {} of {}: {} deals (won since {}, open expected up to {})",
                s.id, s.taken_on, s.deals, s.horizon_from, s.horizon_to
            );
        }
        ForecastCommand::Snapshots => {
            println!("taken_on    deals  horizon");
            for s in services
                .forecast_snapshots()
                .await
                .map_err(super::explain)?
            {
                println!(
                    "{}  {:>5}  {} .. {}",
                    s.taken_on, s.deals, s.horizon_from, s.horizon_to
                );
            }
        }
        ForecastCommand::Target {
            interval,
            starts_on,
            amount,
            currency,
            team,
            owner,
        } => {
            let input = TargetInput {
                interval: Some(interval),
                starts_on: Some(starts_on),
                team_id: team,
                owner_id: owner,
                amount: Some(amount),
                currency: Some(currency),
            };
            let t = services
                .set_forecast_target(&actor, &input)
                .await
                .map_err(super::explain)?;
            println!("target {} set", t.id);
        }
        ForecastCommand::Targets => {
            println!("id                                    period        scope  target");
            for t in services
                .forecast_targets(&actor)
                .await
                .map_err(super::explain)?
            {
                let scope = match (t.team_id, t.owner_id) {
                    (Some(team), _) => format!("team {team}"),
                    (None, Some(owner)) => format!("owner {owner}"),
                    (None, None) => "company".into(),
                };
                println!(
                    "{}  {} {}  {scope}  {} {}",
                    t.id,
                    t.interval,
                    t.starts_on,
                    t.amount.to_decimal(),
                    t.amount.currency()
                );
            }
        }
        ForecastCommand::Untarget { id } => {
            let id: uuid::Uuid = id
                .parse()
                .map_err(|_| anyhow::anyhow!("{id:?} is not a target id (expected a UUID)"))?;
            services
                .delete_forecast_target(&actor, id)
                .await
                .map_err(super::explain)?;
            println!("target {id} removed");
        }
    }
    Ok(())
}
