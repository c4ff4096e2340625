//! `sarnakh content add|list|show|activate|deactivate` and the content report's tables:
//! the nurture content library at the console, with system rights.

use super::explain;
use super::report_table::{Table, pct, print_tables};
use crate::http::content::{ContentJson, ContentReportJson};
use clap::Subcommand;
use sarnakh_core::domain::ContentId;
use sarnakh_core::domain::content::{ContentDraft, ContentStage};
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::Store;
use std::sync::Arc;

/// Content subcommands.
#[derive(Debug, Subcommand)]
pub enum ContentCommand {
    /// Add an item to the library.
    Add {
        /// Title.
        #[arg(long)]
        title: String,
        /// An http or https URL.
        #[arg(long)]
        url: String,
        /// lead, prospect or opportunity.
        #[arg(long)]
        stage: String,
        /// A product it is about (repeat for several; none: any product).
        #[arg(long = "product")]
        products: Vec<String>,
        /// ISO 639-1 language code (default en).
        #[arg(long)]
        language: Option<String>,
    },
    /// List the library.
    List {
        /// Only this stage's items.
        #[arg(long)]
        stage: Option<String>,
    },
    /// Show one item as JSON.
    Show {
        /// Its id.
        id: String,
    },
    /// Suggest and allow sending an item again.
    Activate {
        /// Its id.
        id: String,
    },
    /// Stop suggesting and sending an item.
    Deactivate {
        /// Its id.
        id: String,
    },
}

/// Runs a content subcommand.
pub async fn run(store: Arc<dyn Store>, cmd: ContentCommand) -> anyhow::Result<()> {
    let s = Services::new(store);
    let actor = Actor::SYSTEM;
    let show = |c| -> anyhow::Result<()> {
        println!("{}", serde_json::to_string_pretty(&ContentJson::from(c))?);
        Ok(())
    };
    match cmd {
        ContentCommand::Add {
            title,
            url,
            stage,
            products,
            language,
        } => {
            let draft = ContentDraft {
                title: Some(title),
                url: Some(url),
                stage: Some(stage),
                products,
                language,
                active: None,
            };
            show(s.create_content(&actor, &draft).await.map_err(explain)?)
        }
        ContentCommand::List { stage } => {
            let stage = match stage.as_deref() {
                None => None,
                Some(raw) => Some(ContentStage::parse(raw).ok_or_else(|| {
                    anyhow::anyhow!("--stage: use one of {}", ContentStage::expected())
                })?),
            };
            let rows = s
                .list_content(&actor, stage, false)
                .await
                .map_err(explain)?
                .into_iter()
                .map(|c| {
                    vec![
                        c.id.to_string(),
                        c.stage.as_str().to_owned(),
                        c.language,
                        if c.active { "yes" } else { "no" }.into(),
                        c.products.join("; "),
                        c.title,
                        c.url,
                    ]
                })
                .collect();
            let header = [
                "id", "stage", "language", "active", "products", "title", "url",
            ];
            print_tables(&[Table::new("content", &header, rows)]);
            Ok(())
        }
        ContentCommand::Show { id } => {
            show(s.get_content(&actor, parse(&id)?).await.map_err(explain)?)
        }
        ContentCommand::Activate { id } => show(set_active(&s, &id, true).await?),
        ContentCommand::Deactivate { id } => show(set_active(&s, &id, false).await?),
    }
}

fn parse(id: &str) -> anyhow::Result<ContentId> {
    id.parse()
        .map_err(|_| anyhow::anyhow!("{id:?} is not a content id"))
}

async fn set_active(
    s: &Services,
    id: &str,
    active: bool,
) -> anyhow::Result<sarnakh_core::domain::content::ContentItem> {
    let actor = Actor::SYSTEM;
    let c = s.get_content(&actor, parse(id)?).await.map_err(explain)?;
    let draft = ContentDraft {
        title: Some(c.title),
        url: Some(c.url),
        stage: Some(c.stage.as_str().to_owned()),
        products: c.products,
        language: Some(c.language),
        active: Some(active),
    };
    s.update_content(&actor, c.id, &draft, Some(c.version))
        .await
        .map_err(explain)
}

/// The content report as JSON text and its table.
pub async fn report(
    s: &Services,
    q: &ReportQuery,
) -> Result<(String, Vec<Table>), sarnakh_core::Error> {
    let r: ContentReportJson = s.content_report(&Actor::SYSTEM, q).await?.into();
    let rows = r
        .rows
        .iter()
        .map(|x| {
            vec![
                x.content.title.clone(),
                x.content.stage.clone(),
                x.sends.to_string(),
                x.leads.to_string(),
                x.qualified.to_string(),
                x.converted.to_string(),
                x.won.to_string(),
                pct(x.qualified_rate),
                pct(x.converted_rate),
                pct(x.won_rate),
            ]
        })
        .collect();
    let header = [
        "content",
        "stage",
        "sends",
        "leads",
        "qualified",
        "converted",
        "won",
        "qualified%",
        "converted%",
        "won%",
    ];
    let title = format!("content sent {} to {}", r.from, r.to);
    let json = serde_json::to_string_pretty(&r).unwrap_or_default();
    Ok((json, vec![Table::new(&title, &header, rows)]))
}
