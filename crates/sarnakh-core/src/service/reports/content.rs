//! The content report: per content item, its sendings in the period, the leads that
//! received it, and how many of them qualified, converted and won a deal at or after their
//! first sending in the period — what content preceded conversions.

use super::{Services, Shape};
use crate::domain::content::ContentItem;
use crate::domain::report::{Period, ReportQuery};
use crate::domain::report_figures::rate;
use crate::error::Result;
use crate::service::Actor;
use crate::store::ContentCounts;

/// One item's line.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentRow {
    /// The item.
    pub item: ContentItem,
    /// The counts.
    pub counts: ContentCounts,
    /// qualified / leads, converted / leads, won / leads (none without leads).
    pub rates: [Option<f64>; 3],
}

/// The content report over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentReport {
    /// The period (of the sendings).
    pub period: Period,
    /// Items sent in the period, most leads first, then by title.
    pub rows: Vec<ContentRow>,
}

impl Services {
    /// The content report. Takes the period and the lead filters (owner, team, source,
    /// campaign, country); counts sendings to leads the caller may see (a deal's sending
    /// counts for its lead).
    pub async fn content_report(&self, actor: &Actor, q: &ReportQuery) -> Result<ContentReport> {
        let shape = Shape {
            groups: &[],
            period_required: true,
            products: false,
            lead_filters: true,
        };
        let scope = self.report_scope(actor, q, &shape, Vec::new()).await?;
        let counts = self.store.content_counts(&scope).await?;
        let items = self.store.list_content().await?;
        let mut rows: Vec<ContentRow> = counts
            .into_iter()
            .filter_map(|c| {
                let item = items.iter().find(|i| i.id == c.content_id)?.clone();
                let rates = [c.qualified, c.converted, c.won].map(|x| rate(x, c.leads));
                Some(ContentRow {
                    item,
                    counts: c,
                    rates,
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            b.counts
                .leads
                .cmp(&a.counts.leads)
                .then_with(|| a.item.title.cmp(&b.item.title))
                .then_with(|| a.item.id.cmp(&b.item.id))
        });
        Ok(ContentReport {
            period: scope
                .period
                .expect("the content report always has a period"),
            rows,
        })
    }
}
