//! `sarnakh export leads|opportunities|accounts|contacts`: a whole filtered list as CSV, to
//! standard output or a file, read a page at a time by the engine the API's `export.csv`
//! routes use, as the system actor (every row). With `--raw --mapping-out FILE` it also
//! writes the import mapping that reads the file back.
//!
//! Filters are parsed by the API's query types, so both front doors accept the same values.

use super::lead::explain;
use crate::http::export::{
    AccountExportQuery, ContactExportQuery, CsvChunks, ExportList, Failure, LeadExportQuery,
    OpportunityExportQuery,
};
use anyhow::Context;
use clap::{Args, Subcommand};
use sarnakh_core::export::{ExportMode, Exportable, Layout};
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::Store;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

/// What to export.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Leads, newest first unless --sort says otherwise.
    Leads {
        #[command(flatten)]
        filter: LeadArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Opportunities, newest first unless --sort says otherwise.
    Opportunities {
        #[command(flatten)]
        filter: OpportunityArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Accounts, by name.
    Accounts {
        /// Text search in the name.
        #[arg(long)]
        q: Option<String>,
        /// Only customers (true) or only non-customers (false).
        #[arg(long)]
        customer: Option<bool>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Contacts, newest first.
    Contacts {
        /// Only the contacts of this account (id).
        #[arg(long)]
        account: Option<Uuid>,
        /// Text search in name, email and phone.
        #[arg(long)]
        q: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Where and how to write, for every entity.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Exactly the stored values, for a migration: no formula escaping, and evidence.ITEM
    /// columns for leads. The default escapes cells a spreadsheet would run as a formula.
    #[arg(long)]
    raw: bool,
    /// Also write the import mapping (TOML) that reads the raw file back.
    #[arg(long, value_name = "FILE", requires = "raw")]
    mapping_out: Option<PathBuf>,
    /// Write the CSV to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Lead filters, as `GET /api/v1/leads` takes them.
#[derive(Debug, Args)]
pub struct LeadArgs {
    /// lead, prospect or converted.
    #[arg(long)]
    stage: Option<String>,
    /// open, nurture, disqualified or converted.
    #[arg(long)]
    status: Option<String>,
    /// A lead source (web_form, event, referral ...).
    #[arg(long)]
    source: Option<String>,
    /// Score grade, a to d.
    #[arg(long)]
    grade: Option<String>,
    /// Only this owner (user id).
    #[arg(long)]
    owner: Option<Uuid>,
    /// Text search in name, email, phone and company.
    #[arg(long)]
    q: Option<String>,
    /// created_at, updated_at, name or score; prefix - for descending (default -created_at).
    #[arg(long, allow_hyphen_values = true)]
    sort: Option<String>,
}

/// Opportunity filters, as `GET /api/v1/opportunities` takes them.
#[derive(Debug, Args)]
pub struct OpportunityArgs {
    /// A stage key (proposal, negotiation ...).
    #[arg(long)]
    stage: Option<String>,
    /// open, won or lost.
    #[arg(long)]
    status: Option<String>,
    /// Only this owner (user id).
    #[arg(long)]
    owner: Option<Uuid>,
    /// Only this account (id).
    #[arg(long)]
    account: Option<Uuid>,
    /// Only deals produced by this lead (id).
    #[arg(long)]
    lead: Option<Uuid>,
    /// Text search in name and product.
    #[arg(long)]
    q: Option<String>,
    /// created_at, updated_at or amount; prefix - for descending (default -created_at).
    #[arg(long, allow_hyphen_values = true)]
    sort: Option<String>,
}

impl LeadArgs {
    fn query(self) -> LeadExportQuery {
        LeadExportQuery {
            stage: self.stage,
            status: self.status,
            source: self.source,
            grade: self.grade,
            owner: self.owner,
            q: self.q,
            sort: self.sort,
            raw: None,
        }
    }
}

impl OpportunityArgs {
    fn query(self) -> OpportunityExportQuery {
        OpportunityExportQuery {
            stage: self.stage,
            status: self.status,
            owner: self.owner,
            account: self.account,
            lead: self.lead,
            q: self.q,
            sort: self.sort,
            raw: None,
            ..OpportunityExportQuery::default()
        }
    }
}

/// Runs an export command.
pub async fn run(store: Arc<dyn Store>, cmd: ExportCommand) -> anyhow::Result<()> {
    let services = Services::new(store);
    // The API's parameter errors name the option: "stage: \"x\" is not one of: ...".
    let bad = |e: crate::http::error::ApiError| anyhow::anyhow!("--{}", e.problem().detail);
    match cmd {
        ExportCommand::Leads { filter, output } => {
            let filter = filter.query().filter().map_err(bad)?;
            export(services, filter, output, "leads").await
        }
        ExportCommand::Opportunities { filter, output } => {
            let filter = filter.query().filter().map_err(bad)?;
            export(services, filter, output, "opportunities").await
        }
        ExportCommand::Accounts {
            q,
            customer,
            output,
        } => {
            let query = AccountExportQuery {
                q,
                customer,
                raw: None,
                owner: None,
                country: None,
                industry: None,
                sort: None,
            };
            export(services, query.filter().map_err(bad)?, output, "accounts").await
        }
        ExportCommand::Contacts { account, q, output } => {
            let query = ContactExportQuery {
                account,
                q,
                raw: None,
                owner: None,
                sort: None,
            };
            export(services, query.filter().map_err(bad)?, output, "contacts").await
        }
    }
}

async fn export<F: ExportList>(
    services: Services,
    filter: F,
    out: OutputArgs,
    entity: &str,
) -> anyhow::Result<()> {
    let mode = if out.raw {
        ExportMode::Raw
    } else {
        ExportMode::Safe
    };
    let mut chunks = CsvChunks::start(services, Actor::SYSTEM, filter, mode)
        .await
        .map_err(failure)?;
    let rows = match &out.output {
        None => copy(&mut chunks, &mut BufWriter::new(std::io::stdout())).await?,
        Some(path) => to_file(&mut chunks, path).await?,
    };
    if let Some(path) = &out.mapping_out {
        std::fs::write(path, mapping_toml(chunks.layout(), entity))
            .with_context(|| format!("could not write the mapping to {}", path.display()))?;
    }
    let target = out
        .output
        .as_ref()
        .map_or("standard output".into(), |p| p.display().to_string());
    eprintln!("exported {rows} {entity} to {target}");
    Ok(())
}

/// Writes every chunk to `sink`; returns the number of data rows.
async fn copy<F: ExportList>(
    chunks: &mut CsvChunks<F>,
    sink: &mut impl Write,
) -> anyhow::Result<u64> {
    while let Some(chunk) = chunks.next().await.map_err(failure)? {
        sink.write_all(&chunk).context("could not write the CSV")?;
    }
    sink.flush().context("could not write the CSV")?;
    Ok(chunks.rows())
}

/// Writes to `FILE.part` and renames it to `path` only once complete, so a failed export
/// never leaves a file that looks whole.
async fn to_file<F: ExportList>(chunks: &mut CsvChunks<F>, path: &Path) -> anyhow::Result<u64> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    let file = File::create(&partial)
        .with_context(|| format!("could not create {}", partial.display()))?;
    let written = copy(chunks, &mut BufWriter::new(file)).await;
    let renamed = written.and_then(|rows| {
        std::fs::rename(&partial, path)
            .with_context(|| format!("could not write {}", path.display()))?;
        Ok(rows)
    });
    if renamed.is_err() {
        // Best effort: the error about the export itself is the one to report.
        let _ = std::fs::remove_file(&partial);
    }
    renamed
}

/// The identity mapping as TOML, with a comment saying what it is for.
fn mapping_toml<T: Exportable>(layout: &Layout<T>, entity: &str) -> String {
    format!(
        "# Reads back a raw export made by `sarnakh export {entity} --raw`: every column maps\n\
         # to the Sarnakh field of the same name; external_id holds the record's Sarnakh id.\n\
         {}",
        layout.identity_mapping().to_toml()
    )
}

fn failure(f: Failure) -> anyhow::Error {
    match f {
        Failure::Service(e) => explain(e),
        Failure::Export(e) => anyhow::Error::new(e),
    }
}
