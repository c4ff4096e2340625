//! Console tables of the forecast and forecast accuracy reports
//! (`sarnakh report forecast|forecast-accuracy`).

use super::report_table::{Table, pct};
use crate::http::reports::wire_forecast::{
    AccuracyJson, AccuracyRowJson, ForecastJson, ForecastRowJson, ReportingAmountJson,
};

/// The amount, marked `+` when some sums had no rate (listed in the JSON).
fn money(a: &ReportingAmountJson) -> String {
    if a.unconverted.is_empty() {
        a.total.amount.clone()
    } else {
        format!("{}+", a.total.amount)
    }
}

fn forecast_cells(label: String, r: &ForecastRowJson) -> Vec<String> {
    vec![
        label,
        r.closed.deals.to_string(),
        money(&r.closed.amount),
        money(&r.commit.amount),
        money(&r.best_case.amount),
        money(&r.pipeline.amount),
        money(&r.forecast_commit),
        money(&r.forecast_best_case),
        money(&r.forecast_weighted),
        r.target.as_ref().map_or_else(|| "-".into(), money),
    ]
}

/// The forecast tables: one row per period (and group), then the loose deals.
pub fn forecast_tables(r: &ForecastJson) -> Vec<Table> {
    let header = [
        "period",
        "won deals",
        "closed",
        "commit",
        "best case",
        "pipeline",
        "forecast commit",
        "forecast best case",
        "forecast weighted",
        "target",
    ];
    let mut rows = Vec::new();
    for p in &r.periods {
        rows.push(forecast_cells(
            format!("{} {}", r.interval, p.from),
            &p.total,
        ));
        for g in &p.rows {
            let label = format!("  {}", g.group.as_deref().unwrap_or("-"));
            rows.push(forecast_cells(label, g));
        }
    }
    rows.push(forecast_cells("total".into(), &r.total));
    let title = format!(
        "Forecast by {} in {} (open deals by expected close date; closed = won)",
        r.interval, r.conversion.currency
    );
    let loose = vec![
        forecast_cells(format!("overdue (before {})", r.today), &r.overdue),
        forecast_cells("undated".into(), &r.undated),
    ];
    vec![
        Table::new(&title, &header, rows),
        Table::new("Open deals in no period", &header, loose),
    ]
}

fn accuracy_cells(label: String, r: &AccuracyRowJson) -> Vec<String> {
    vec![
        label,
        money(&r.forecast_commit),
        money(&r.forecast_best_case),
        money(&r.forecast_weighted),
        money(&r.actual),
        r.won_deals.to_string(),
        pct(r.attainment),
        pct(r.abs_pct_error),
    ]
}

/// The accuracy table: one row per period (and group), with the snapshot it used.
pub fn accuracy_tables(r: &AccuracyJson) -> Vec<Table> {
    let header = [
        "period",
        "forecast commit",
        "forecast best case",
        "forecast weighted",
        "won",
        "won deals",
        "attainment",
        "abs error",
    ];
    let mut rows = Vec::new();
    for p in &r.periods {
        let basis = p.snapshot.as_ref().map_or_else(
            || "no snapshot".to_owned(),
            |s| format!("snapshot {}", s.taken_on),
        );
        rows.push(accuracy_cells(
            format!("{} {} ({basis})", r.interval, p.from),
            &p.total,
        ));
        for g in &p.rows {
            rows.push(accuracy_cells(
                format!("  {}", g.group.as_deref().unwrap_or("-")),
                g,
            ));
        }
    }
    let title = format!("Forecast accuracy in {}", r.conversion.currency);
    vec![Table::new(&title, &header, rows)]
}
