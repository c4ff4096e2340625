//! `sarnakh webhook add|list|remove|rotate|deliveries|replay`: webhook subscriptions, their
//! dead letters and replays at the console, with system rights (the same services as the
//! admin-only API).

use super::explain;
use super::report_table::{Table, print_tables};
use crate::http::webhooks::{WebhookDeliveryJson, WebhookJson};
use clap::Subcommand;
use sarnakh_core::domain::webhook::{DeliveryStatus, WebhookDraft};
use sarnakh_core::domain::{DeliveryId, WebhookId};
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::Store;
use std::sync::Arc;

/// Webhook subcommands.
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Subscribe a URL to events; prints the signing secret, once.
    Add {
        /// An http or https URL (loopback and private addresses are refused unless
        /// webhook_allow_private is set).
        #[arg(long)]
        url: String,
        /// Event types, comma-separated (lead.created,opportunity.won ...) or *.
        #[arg(long, value_delimiter = ',', required = true)]
        events: Vec<String>,
        /// A note for the admins.
        #[arg(long)]
        description: Option<String>,
    },
    /// List the subscriptions.
    List,
    /// Remove a subscription and its deliveries.
    Remove {
        /// Its id.
        id: String,
    },
    /// Replace a subscription's signing secret; prints the new one, once.
    Rotate {
        /// Its id.
        id: String,
    },
    /// List a subscription's deliveries, newest first.
    Deliveries {
        /// The subscription's id.
        id: String,
        /// Only this status: pending, delivering, delivered or dead.
        #[arg(long)]
        status: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Send a dead (or delivered) delivery again.
    Replay {
        /// The delivery's id.
        id: String,
    },
}

/// Runs a webhook subcommand; `allow_private` is the `webhook_allow_private` setting.
pub async fn run(
    store: Arc<dyn Store>,
    cmd: WebhookCommand,
    allow_private: bool,
) -> anyhow::Result<()> {
    let s = Services::new(store).allow_private_webhooks(allow_private);
    let actor = Actor::SYSTEM;
    match cmd {
        WebhookCommand::Add {
            url,
            events,
            description,
        } => {
            let draft = WebhookDraft {
                url: Some(url),
                events: Some(events),
                active: None,
                description,
            };
            let hook = s.create_webhook(&actor, &draft).await.map_err(explain)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&WebhookJson::new(hook, true))?
            );
            println!("The secret is shown once: keep it to verify the Sarnakh-Signature header.");
        }
        WebhookCommand::List => {
            let rows = s
                .list_webhooks(&actor)
                .await
                .map_err(explain)?
                .into_iter()
                .map(|w| {
                    vec![
                        w.id.to_string(),
                        if w.active { "yes" } else { "no" }.into(),
                        w.events.join(","),
                        w.url,
                    ]
                })
                .collect();
            print_tables(&[Table::new(
                "webhooks",
                &["id", "active", "events", "url"],
                rows,
            )]);
        }
        WebhookCommand::Remove { id } => {
            s.delete_webhook(&actor, parse::<WebhookId>(&id, "webhook")?)
                .await
                .map_err(explain)?;
            println!("webhook {id} removed");
        }
        WebhookCommand::Rotate { id } => {
            let hook = s
                .rotate_webhook_secret(&actor, parse::<WebhookId>(&id, "webhook")?)
                .await
                .map_err(explain)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&WebhookJson::new(hook, true))?
            );
        }
        WebhookCommand::Deliveries { id, status, limit } => {
            let status = match status.as_deref() {
                None => None,
                Some(raw) => Some(DeliveryStatus::parse(raw).ok_or_else(|| {
                    anyhow::anyhow!("--status: use one of {}", DeliveryStatus::expected())
                })?),
            };
            let rows = s
                .list_webhook_deliveries(&actor, parse::<WebhookId>(&id, "webhook")?, status, limit)
                .await
                .map_err(explain)?
                .into_iter()
                .map(|d| {
                    vec![
                        d.id.to_string(),
                        d.event_type,
                        d.status.as_str().to_owned(),
                        d.attempts.to_string(),
                        d.response_code.map(|c| c.to_string()).unwrap_or_default(),
                        d.last_error.unwrap_or_default(),
                    ]
                })
                .collect();
            let header = ["id", "event", "status", "attempts", "code", "last error"];
            print_tables(&[Table::new("deliveries", &header, rows)]);
        }
        WebhookCommand::Replay { id } => {
            let d = s
                .replay_webhook_delivery(&actor, parse::<DeliveryId>(&id, "delivery")?)
                .await
                .map_err(explain)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&WebhookDeliveryJson::from(d))?
            );
        }
    }
    Ok(())
}

fn parse<T: std::str::FromStr>(id: &str, what: &str) -> anyhow::Result<T> {
    id.parse()
        .map_err(|_| anyhow::anyhow!("{id:?} is not a {what} id"))
}
