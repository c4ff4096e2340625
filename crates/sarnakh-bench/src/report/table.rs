//! The report as a human-readable table: the generator's line, one row per case (events
//! cases get a second line with their event rates), the probe and the targets.

use super::Report;
use crate::scenario::RatioBasis;
use std::fmt::Write;

/// The report as a human-readable table.
pub fn table(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "sarnakh-bench {} on {:?}, {} cores, {}",
        r.version, r.database, r.cores, r.date
    );
    for run in &r.runs {
        let g = &run.generate;
        let c = &g.counts;
        let _ = writeln!(s, "\n== {} leads ==", run.scale);
        let _ = writeln!(
            s,
            "generated in {:.1} s ({:.0} leads/s): {} prospects, {} converted, {} disqualified, {} nurtured, {} accounts, {} opportunities ({} won, {} lost), {} activities, {} history rows, {} events{}",
            g.seconds,
            g.leads_per_second,
            c.prospects,
            c.converted,
            c.disqualified,
            c.nurtured,
            c.accounts,
            c.opportunities,
            c.won,
            c.lost,
            c.activities,
            c.history,
            c.events,
            run.database_bytes.map_or(String::new(), |b| format!(
                "; {:.1} MiB on disk",
                b as f64 / 1_048_576.0
            )),
        );
        let p = &g.phases;
        let _ = writeln!(
            s,
            "           rows {:.1} s (of which {:.1} s waiting for rows to be built), indexes {:.1} s, derived data {:.1} s",
            p.rows, p.rows_waiting, p.indexes, p.finish
        );
        let _ = writeln!(
            s,
            "\n{:<10} {:<40} {:>7} {:>9} {:>8} {:>8} {:>9} {:>8} {:>8} {:>7}",
            "scenario",
            "case",
            "ok/err",
            "ops/s",
            "p50 ms",
            "p99 ms",
            "limit/s",
            "lim p50",
            "lim p99",
            "ratio"
        );
        for case in &run.cases {
            let (a, l) = (&case.sarnakh, case.limit.as_ref());
            let lim = |f: fn(&crate::measure::Stats) -> f64, p: Option<usize>| {
                l.map_or("-".to_owned(), |l| {
                    let p = p.unwrap_or_else(|| rate_decimals(f(l)));
                    format!("{:.p$}", f(l))
                })
            };
            let ratio = case.ratio.map_or("-".to_owned(), |r| {
                format!(
                    "{r:.2}{}",
                    match case.ratio_basis {
                        RatioBasis::Throughput => "t",
                        RatioBasis::P50 => "m",
                        RatioBasis::P99 => "9",
                    }
                )
            });
            // A one-shot job (import) has no latency of its own to show.
            let own = |ms: f64| match case.import {
                Some(_) => "-".to_owned(),
                None => format!("{ms:.2}"),
            };
            let _ = writeln!(
                s,
                "{:<10} {:<40} {:>7} {:>9.p$} {:>8} {:>8} {:>9} {:>8} {:>8} {:>7}",
                case.scenario,
                case.case,
                format!("{}/{}", a.ok, a.errors),
                a.per_second,
                own(a.p50_ms),
                own(a.p99_ms),
                lim(|l| l.per_second, None),
                lim(|l| l.p50_ms, Some(2)),
                lim(|l| l.p99_ms, Some(2)),
                ratio,
                p = rate_decimals(a.per_second),
            );
            if let Some(e) = &case.events {
                let ceiling = e
                    .ceiling_events_per_second
                    .map(|c| format!(", multi-row ceiling {c:.0}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    s,
                    "{:<10} {:.0} events/s (limit {:.0}{ceiling}), {:.0} score updates/s; {} accepted, {} duplicates",
                    "",
                    e.events_per_second,
                    e.limit_events_per_second,
                    e.score_updates_per_second,
                    e.accepted,
                    e.duplicates
                );
            }
            if let Some(f) = &case.import {
                let _ = writeln!(
                    s,
                    "{:<10} {:.1} s for {} rows ({:.1} MiB of CSV), limit {:.1} s (lim p50/p99: one transaction); peak RSS {:.1} MiB; printed: {}",
                    "", f.seconds, f.rows, f.file_mib, f.limit_seconds, f.peak_rss_mib, f.printed
                );
            }
            if let Some(e) = a
                .first_error
                .as_ref()
                .or(l.and_then(|l| l.first_error.as_ref()))
            {
                let _ = writeln!(s, "{:<10} first error: {e}", "");
            }
        }
        let _ = writeln!(
            s,
            "ratio = Sarnakh cost / limit cost: t = limit ops/s / Sarnakh ops/s, m = p50 / p50, 9 = p99 / p99"
        );
        match (&run.server, &run.server_note) {
            (Some(p), _) => {
                let _ = writeln!(
                    s,
                    "\nserver probe ({}): ready in {:.0} ms; {} list and report requests ({} errors); RSS after the list pages {:.1} MiB, after their text searches {:.1} MiB, after the reports {:.1} MiB; peak {:.1} MiB",
                    p.binary,
                    p.start_to_ready_ms,
                    p.requests,
                    p.errors,
                    p.rss_after_pages_mib,
                    p.rss_after_search_mib,
                    p.rss_mib,
                    p.peak_rss_mib
                );
            }
            (None, Some(note)) => {
                let _ = writeln!(s, "\nserver probe skipped: {note}");
            }
            (None, None) => {}
        }
        for note in &run.notes {
            let _ = writeln!(s, "\n{note}");
        }
        let _ = writeln!(s, "\ntargets:");
        for t in &run.targets {
            let _ = writeln!(
                s,
                "  [{}] {:<55} target {:<22} measured {}",
                if t.met { "met" } else { "MISSED" },
                t.name,
                t.target,
                t.measured
            );
        }
    }
    s
}

/// Decimals for a rate: none from 100/s up, so big batches (a few per second) still show.
fn rate_decimals(per_second: f64) -> usize {
    match per_second {
        r if r >= 100.0 => 0,
        r if r >= 10.0 => 1,
        _ => 2,
    }
}
