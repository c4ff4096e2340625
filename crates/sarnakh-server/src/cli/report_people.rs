//! Console tables of the sources and activity reports (`sarnakh report sources|activity`).

use super::report_table::{Table, pct};
use crate::http::reports::wire::AmountJson;
use crate::http::reports::wire_people::{ActivityReportJson, SourcesJson};

fn money(a: &Option<AmountJson>) -> String {
    a.as_ref().map_or_else(|| "-".into(), |a| a.amount.clone())
}

fn days(s: Option<i64>) -> String {
    s.map_or_else(|| "-".into(), |s| format!("{:.2}", s as f64 / 86_400.0))
}

/// The sources tables: one row per source or campaign, then the rates used.
pub fn sources_tables(r: &SourcesJson) -> Vec<Table> {
    let header = [
        r.group_by.as_str(),
        "leads",
        "prospects",
        "opps",
        "won leads",
        "won deals",
        "lead>prospect",
        "opp>won",
        "revenue",
        "contacted",
        "first contact days",
        "cost",
        "cost/lead",
        "cost/won",
        "roi",
    ];
    let rows = r
        .rows
        .iter()
        .map(|x| {
            vec![
                x.group.clone().unwrap_or_else(|| "-".into()),
                x.leads.to_string(),
                x.prospects.to_string(),
                x.opportunities.to_string(),
                x.won_leads.to_string(),
                x.won_deals.to_string(),
                pct(x.lead_to_prospect),
                pct(x.opportunity_to_won),
                x.revenue_converted.amount.clone(),
                x.contacted.to_string(),
                days(x.median_first_contact_seconds),
                money(&x.cost),
                money(&x.cost_per_lead),
                money(&x.cost_per_won_deal),
                x.roi.map_or_else(|| "-".into(), |v| format!("{v:.2}")),
            ]
        })
        .collect();
    let rates = r
        .rates_used
        .iter()
        .map(|x| {
            vec![
                x.currency.clone(),
                x.rate.clone(),
                x.effective_on.to_string(),
            ]
        })
        .collect();
    vec![
        Table::new(
            &format!(
                "sources: leads created {} to {}, money in {}",
                r.from, r.to, r.currency
            ),
            &header,
            rows,
        ),
        Table::new("rates used", &["currency", "rate", "effective_on"], rates),
    ]
}

/// The activity table: one row per rep.
pub fn activity_tables(r: &ActivityReportJson) -> Vec<Table> {
    let kinds = ["call", "email", "meeting", "demo", "note"];
    let mut header = vec!["owner", "activities"];
    header.extend(kinds);
    header.extend([
        "leads",
        "contacted",
        "first contact days",
        "target missed",
        "overdue tasks",
    ]);
    let rows = r
        .rows
        .iter()
        .map(|x| {
            let mut row = vec![
                x.owner.clone().unwrap_or_else(|| "-".into()),
                x.activities.to_string(),
            ];
            row.extend(
                kinds
                    .iter()
                    .map(|k| x.by_kind.get(*k).copied().unwrap_or(0).to_string()),
            );
            row.extend([
                x.leads.to_string(),
                x.contacted.to_string(),
                days(x.median_first_contact_seconds),
                x.sla_breached.to_string(),
                x.overdue_tasks.to_string(),
            ]);
            row
        })
        .collect();
    let title = format!(
        "activity {} to {} (target: first contact within {} working minutes)",
        r.from, r.to, r.first_contact_target_minutes
    );
    vec![Table::new(&title, &header, rows)]
}
