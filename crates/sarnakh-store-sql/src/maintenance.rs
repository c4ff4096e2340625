//! Cross-record invariants that both SQL stores check in `sarnakh check`: each query counts
//! the rows that break one rule, so a healthy database answers zero for all of them. They
//! use the primary keys and the `history_subject` index; none scans more than once.

/// One invariant: its check name, what a violating row is, and the counting query.
#[derive(Debug, Clone, Copy)]
pub struct Invariant {
    /// Stable snake_case name, reported as the finding's check.
    pub check: &'static str,
    /// What each counted row is, for a person ("converted leads without an account").
    pub what: &'static str,
    /// `select count(*) ...` of the violating rows.
    pub sql: &'static str,
}

/// Every invariant, in the order they are reported.
pub const INVARIANTS: &[Invariant] = &[
    Invariant {
        check: "converted_lead_without_account",
        what: "converted leads without an account",
        sql: "select count(*) from leads where status = 'converted' and account_id is null",
    },
    Invariant {
        check: "closed_deal_without_closed_at",
        what: "won or lost opportunities without a close time",
        sql: "select count(*) from opportunities where status in ('won', 'lost') and closed_at is null",
    },
    Invariant {
        check: "opportunity_stage_missing",
        what: "opportunities whose stage is not a pipeline stage",
        sql: "select count(*) from opportunities o where not exists (select 1 from pipeline_stages s where s.key = o.stage)",
    },
    Invariant {
        check: "lead_without_history",
        what: "leads without any history row (half-written captures)",
        sql: "select count(*) from leads l where not exists (select 1 from history h where h.subject_type = 'lead' and h.subject_id = l.id)",
    },
    Invariant {
        check: "record_version_below_one",
        what: "leads or opportunities with a version below 1",
        sql: "select (select count(*) from leads where version < 1) + (select count(*) from opportunities where version < 1)",
    },
];

/// Describes a broken invariant for a finding.
pub fn describe(invariant: &Invariant, rows: i64) -> sarnakh_core::store::Finding {
    sarnakh_core::store::Finding {
        check: invariant.check.to_owned(),
        detail: format!("{rows} {}", invariant.what),
    }
}

/// Findings about applied migrations: `applied` are (version, success) rows of
/// `_sqlx_migrations`, `known` the versions this build ships.
pub fn migration_findings(
    applied: &[(i64, bool)],
    known: &[i64],
) -> Vec<sarnakh_core::store::Finding> {
    let finding = |detail: String| sarnakh_core::store::Finding {
        check: "migrations".to_owned(),
        detail,
    };
    let mut out = Vec::new();
    for (version, success) in applied {
        if !success {
            out.push(finding(format!("migration {version} failed part-way")));
        } else if !known.contains(version) {
            out.push(finding(format!(
                "migration {version} is unknown to this build (the database is newer than this sarnakh)"
            )));
        }
    }
    for version in known {
        if !applied.iter().any(|(v, ok)| v == version && *ok) {
            out.push(finding(format!("migration {version} is not applied")));
        }
    }
    out
}
