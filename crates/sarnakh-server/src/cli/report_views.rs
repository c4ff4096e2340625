//! Console tables of the funnel, pipeline and win/loss reports (`sarnakh report`).

use super::report_table::{Table, pct};
use crate::http::reports::wire::{FunnelJson, PipelineJson, ReasonCountJson, WinLossJson};

fn group(g: &Option<String>) -> String {
    g.clone().unwrap_or_else(|| "-".into())
}

fn reason_table(title: &str, reasons: &[ReasonCountJson]) -> Table {
    Table::new(
        title,
        &["reason", "count"],
        reasons
            .iter()
            .map(|r| vec![r.reason.clone(), r.count.to_string()])
            .collect(),
    )
}

pub fn funnel_tables(r: &FunnelJson) -> Vec<Table> {
    let row = |x: &crate::http::reports::wire::FunnelRowJson, name: String| {
        vec![
            name,
            x.leads.to_string(),
            x.prospects.to_string(),
            x.opportunities.to_string(),
            x.won.to_string(),
            pct(x.lead_to_prospect),
            pct(x.prospect_to_opportunity),
            pct(x.opportunity_to_won),
        ]
    };
    let mut rows: Vec<Vec<String>> = r.rows.iter().map(|x| row(x, group(&x.group))).collect();
    if r.group_by.is_some() {
        rows.push(row(&r.total, "total".into()));
    }
    let title = format!("funnel ({} mode) {} to {}", r.mode, r.from, r.to);
    let header = [
        "group",
        "leads",
        "prospects",
        "opportunities",
        "won",
        "lead>prospect",
        "prospect>opp",
        "opp>won",
    ];
    let m = &r.median_seconds_in_stage;
    let days = |s: Option<i64>| s.map_or("-".into(), |s| format!("{:.1}", s as f64 / 86_400.0));
    vec![
        Table::new(&title, &header, rows),
        reason_table("disqualification reasons", &r.disqualify_reasons),
        reason_table("loss reasons", &r.loss_reasons),
        reason_table("playbook overrides", &r.playbook_overrides),
        Table::new(
            "median days in stage",
            &["lead", "prospect", "opportunity"],
            vec![vec![days(m.lead), days(m.prospect), days(m.opportunity)]],
        ),
    ]
}

pub fn pipeline_tables(r: &PipelineJson) -> Vec<Table> {
    let header = [
        "stage",
        "probability",
        "group",
        "currency",
        "deals",
        "amount",
        "weighted",
        "predicted",
        "0-30d",
        "31-60d",
        "61-90d",
        ">90d",
        "stuck",
    ];
    let rows = r
        .rows
        .iter()
        .map(|x| {
            vec![
                x.stage.clone(),
                format!("{}%", x.probability),
                group(&x.group),
                x.amount.currency.clone(),
                x.count.to_string(),
                x.amount.amount.clone(),
                x.weighted.amount.clone(),
                x.predicted_weighted.amount.clone(),
                x.age_days_0_30.to_string(),
                x.age_days_31_60.to_string(),
                x.age_days_61_90.to_string(),
                x.age_days_over_90.to_string(),
                x.stuck.to_string(),
            ]
        })
        .collect();
    let totals = r
        .totals
        .iter()
        .map(|t| {
            vec![
                t.amount.currency.clone(),
                t.count.to_string(),
                t.amount.amount.clone(),
                t.weighted.amount.clone(),
            ]
        })
        .collect();
    let title = format!(
        "open pipeline as of {} (stuck: no activity or change in {} days)",
        r.as_of.format("%Y-%m-%d %H:%M UTC"),
        r.stuck_days
    );
    vec![
        Table::new(&title, &header, rows),
        Table::new(
            "totals per currency",
            &["currency", "deals", "amount", "weighted"],
            totals,
        ),
    ]
}

pub fn win_loss_tables(r: &WinLossJson) -> Vec<Table> {
    let row = |x: &crate::http::reports::wire::WinLossRowJson, name: String| {
        let amounts: Vec<String> = x
            .amounts
            .iter()
            .map(|a| format!("{} {}", a.won_amount.amount, a.won_amount.currency))
            .collect();
        let averages: Vec<String> = x
            .amounts
            .iter()
            .map(|a| format!("{} {}", a.average_deal.amount, a.average_deal.currency))
            .collect();
        vec![
            name,
            x.won.to_string(),
            x.lost.to_string(),
            pct(x.win_rate),
            amounts.join("; "),
            averages.join("; "),
        ]
    };
    let mut rows: Vec<Vec<String>> = r.rows.iter().map(|x| row(x, group(&x.group))).collect();
    if r.group_by.is_some() {
        rows.push(row(&r.total, "total".into()));
    }
    let days = |s: i64| format!("{:.1}", s as f64 / 86_400.0);
    let cycle = r.sales_cycle.as_ref().map_or_else(Vec::new, |c| {
        vec![vec![
            c.deals.to_string(),
            days(c.p25_seconds),
            days(c.median_seconds),
            days(c.p75_seconds),
        ]]
    });
    vec![
        Table::new(
            &format!("deals closed {} to {}", r.from, r.to),
            &[
                "group",
                "won",
                "lost",
                "win rate",
                "won amount",
                "average deal",
            ],
            rows,
        ),
        reason_table("loss reasons", &r.loss_reasons),
        Table::new(
            "sales cycle of won deals (days)",
            &["deals", "p25", "median", "p75"],
            cycle,
        ),
    ]
}
