//! `sarnakh lead add|list|show`: the lead use cases from a terminal.

use crate::http::leads::LeadJson;
use anyhow::Context;
use clap::{Args, Subcommand};
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::lifecycle::{LeadStage, LeadStatus};
use sarnakh_core::domain::page::PageRequest;
use sarnakh_core::domain::{Lead, LeadId, LeadSource};
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::{LeadFilter, Store};
use sarnakh_core::{Error, FieldError};
use std::sync::Arc;

/// Lead commands.
#[derive(Debug, Subcommand)]
pub enum LeadCommand {
    /// Capture a lead (a first name and an email or phone at least).
    Add(AddArgs),
    /// List leads, newest first.
    List(ListArgs),
    /// Show one lead.
    Show {
        /// The lead id.
        id: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Options of `sarnakh lead add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    first_name: String,
    #[arg(long)]
    last_name: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    company: Option<String>,
    #[arg(long)]
    job_title: Option<String>,
    /// ISO 3166 alpha-2 country (used to normalise phone numbers).
    #[arg(long)]
    country: Option<String>,
    /// web_form, content_download, webinar, event, inbound_call, cold_outreach, referral, partner, import, api or other.
    #[arg(long, default_value = "other")]
    source: String,
    #[arg(long)]
    campaign: Option<String>,
    /// A product of interest (repeatable).
    #[arg(long = "product")]
    products: Vec<String>,
    #[arg(long)]
    notes: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Options of `sarnakh lead list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// lead, prospect or converted.
    #[arg(long)]
    stage: Option<String>,
    /// open, nurture, disqualified or converted.
    #[arg(long)]
    status: Option<String>,
    /// A lead source.
    #[arg(long)]
    source: Option<String>,
    /// Text search in name, email, phone and company.
    #[arg(long)]
    q: Option<String>,
    /// Rows to show (1-200).
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Runs a lead command.
pub async fn run(store: Arc<dyn Store>, cmd: LeadCommand) -> anyhow::Result<()> {
    let services = Services::new(store);
    match cmd {
        LeadCommand::Add(a) => {
            let draft = LeadDraft {
                first_name: Some(a.first_name),
                last_name: a.last_name,
                email: a.email,
                phone: a.phone,
                job_title: a.job_title,
                company: a.company,
                country: a.country,
                source: Some(a.source),
                campaign: a.campaign,
                products: a.products,
                notes: a.notes,
                ..LeadDraft::default()
            };
            let (lead, look_alikes) = services
                .capture_lead_checked(&Actor::SYSTEM, &draft)
                .await
                .map_err(explain)?;
            for m in look_alikes
                .iter()
                .filter_map(|m| m.person.as_ref().map(|p| (m, p)))
            {
                eprintln!(
                    "warning: looks like {} {} ({}, {}, confidence {:.2})",
                    m.1.record.kind(),
                    m.1.record.uuid(),
                    m.1.name(),
                    m.0.reason.as_str(),
                    m.0.confidence
                );
            }
            print_lead(lead, a.json)
        }
        LeadCommand::List(a) => {
            let filter = LeadFilter {
                stage: parse_opt(
                    "--stage",
                    a.stage.as_deref(),
                    LeadStage::parse,
                    LeadStage::expected,
                )?,
                status: parse_opt(
                    "--status",
                    a.status.as_deref(),
                    LeadStatus::parse,
                    LeadStatus::expected,
                )?,
                source: parse_opt(
                    "--source",
                    a.source.as_deref(),
                    LeadSource::parse,
                    LeadSource::expected,
                )?,
                q: a.q,
                ..LeadFilter::default()
            };
            let page = services
                .list_leads(
                    &Actor::SYSTEM,
                    &filter,
                    &PageRequest::new(Some(a.limit), None),
                )
                .await
                .map_err(explain)?;
            if a.json {
                let rows: Vec<LeadJson> = page.items.into_iter().map(LeadJson::from).collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rows).context("serialise")?
                );
            } else {
                println!(
                    "{:<36}  {:<28}  {:<30}  {:<9}  {:<12}  source",
                    "id", "name", "email / phone", "stage", "status"
                );
                for l in page.items {
                    let f = &l.fields;
                    let channel = f
                        .person
                        .email
                        .as_ref()
                        .map(|e| e.to_string())
                        .or_else(|| f.person.phone.as_ref().map(|p| p.to_string()))
                        .unwrap_or_default();
                    println!(
                        "{:<36}  {:<28}  {:<30}  {:<9}  {:<12}  {}",
                        l.id,
                        f.person.full_name(),
                        channel,
                        l.state.stage,
                        l.state.status,
                        f.source
                    );
                }
            }
            Ok(())
        }
        LeadCommand::Show { id, json } => {
            let id: LeadId = id
                .parse()
                .map_err(|_| anyhow::anyhow!("{id:?} is not a lead id (expected a UUID)"))?;
            let lead = services
                .get_lead(&Actor::SYSTEM, id)
                .await
                .map_err(explain)?;
            print_lead(lead, json)
        }
    }
}

fn print_lead(lead: Lead, json: bool) -> anyhow::Result<()> {
    let j = LeadJson::from(lead);
    if json {
        println!("{}", serde_json::to_string_pretty(&j).context("serialise")?);
        return Ok(());
    }
    let value = serde_json::to_value(&j).context("serialise")?;
    if let Some(map) = value.as_object() {
        for (k, v) in map
            .iter()
            .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
        {
            println!(
                "{k:>18}: {}",
                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
            );
        }
    }
    Ok(())
}

fn parse_opt<T>(
    flag: &str,
    raw: Option<&str>,
    parse: fn(&str) -> Option<T>,
    expected: fn() -> String,
) -> anyhow::Result<Option<T>> {
    raw.map(|v| {
        parse(v).ok_or_else(|| anyhow::anyhow!("{flag} {v:?} is not one of: {}", expected()))
    })
    .transpose()
}

/// Turns a use-case error into a message a person can act on, one line per bad field.
pub(super) fn explain(e: Error) -> anyhow::Error {
    match e {
        Error::Validation(errors) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|FieldError { field, message, .. }| {
                    format!("  --{}: {message}", field.replace('_', "-"))
                })
                .collect();
            anyhow::anyhow!("nothing was saved:\n{}", lines.join("\n"))
        }
        Error::Duplicate(matches) => {
            let lines: Vec<String> = matches
                .iter()
                .map(|m| match &m.person {
                    Some(p) => format!(
                        "  {} {} ({}): {}",
                        p.record.kind(),
                        p.record.uuid(),
                        p.name(),
                        m.reason.as_str()
                    ),
                    None => format!("  a record you may not see: {}", m.reason.as_str()),
                })
                .collect();
            anyhow::anyhow!(
                "nothing was saved: the duplicate policy blocks look-alikes of\n{}",
                lines.join("\n")
            )
        }
        other => anyhow::Error::new(other),
    }
}
