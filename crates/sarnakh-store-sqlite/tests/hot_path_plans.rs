//! The everyday paths (capture, forms, duplicates, lists, record pages, lifecycle moves,
//! activities and follow-ups, events) must reach the big tables through indexes: a statement
//! that reads a whole table makes its request as slow as the company is big, and nothing but a
//! benchmark at scale would notice (one such statement once took capture at 100,000 leads
//! from 1,500 to 133 leads a second).
//!
//! The test runs the conformance behaviours of those paths on SQLite, records every statement
//! they send (sqlx traces each one), and asks SQLite for each statement's plan: none may read
//! a big table from end to end. SQLite plans the same on an empty database as on a big one
//! (Sarnakh never runs `analyze`). Text search (`like '%...%'`) and the duplicate pair list
//! scan by design, and are named below.

mod common;

use common::{Recorder, fresh};
use sarnakh_testkit::conformance as c;
use sqlx::{Connection, Row};

/// Tables that grow with the company.
const BIG: &[&str] = &[
    "leads",
    "contacts",
    "accounts",
    "opportunities",
    "activities",
    "tasks",
    "events",
    "history",
    "history_changes",
    "form_submissions",
    "experiment_assignments",
    "external_ids",
];

/// Statements that scan on purpose, by a piece of their text: text search (no index serves
/// a leading wildcard) and the duplicate pair list (a self-join of every lead, run on demand).
const SCANS_BY_DESIGN: &[&str] = &[" like ", "from leads a join leads b"];

/// The tables a statement names after `from` or `join`, by the name its plan uses (the
/// alias when there is one).
fn tables_by_plan_name(sql: &str) -> Vec<(String, String)> {
    const NOT_ALIAS: &[&str] = &[
        "where",
        "on",
        "join",
        "left",
        "inner",
        "cross",
        "order",
        "group",
        "limit",
        "using",
        "indexed",
        "union",
        "set",
        "values",
        "natural",
        "as",
        "having",
        "window",
        "returning",
    ];
    let words: Vec<String> = sql
        .split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if (w == "from" || w == "join" || w == "into" || w == "update")
            && let Some(table) = words.get(i + 1)
        {
            let at = if words.get(i + 2).is_some_and(|a| a == "as") {
                i + 3
            } else {
                i + 2
            };
            let name = words
                .get(at)
                .filter(|a| !NOT_ALIAS.contains(&a.as_str()))
                .unwrap_or(table);
            out.push((name.clone(), table.clone()));
        }
    }
    out
}

#[tokio::test]
async fn everyday_statements_read_the_big_tables_through_indexes() {
    let recorder = Recorder::install();
    let dir = std::env::temp_dir().join(format!("sarnakh-paths-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    macro_rules! run {
        ($($name:ident),+ $(,)?) => {{
            let mut n = 0;
            $(
                n += 1;
                let (_, store) = fresh(&dir, n).await;
                c::$name(store).await;
            )+
        }};
    }
    run!(
        captured_lead_reads_back_equal,
        concurrent_captures_are_stored_once_and_a_refused_one_fails_alone,
        stale_lead_update_is_refused_and_changes_nothing,
        qualify_then_convert_creates_account_contact_and_opportunities,
        second_lead_from_same_company_reuses_the_account,
        disqualify_nurture_and_reopen_follow_the_state_machine,
        stage_moves_are_recorded_and_first_win_makes_a_customer,
        more_opportunities_for_an_existing_account,
        buyer_roles_are_recorded_per_opportunity,
        lead_lists_filter_and_page_without_gaps_or_repeats,
        opportunity_lists_filter_by_stage_status_and_account,
        follow_up_lists_split_overdue_today_and_week,
        timeline_merges_activities_tasks_and_changes_in_time_order,
        lead_visibility_follows_owner_team_and_role,
        deals_contacts_and_tasks_follow_their_owner,
        edits_record_changed_fields_and_no_op_edits_write_nothing,
        event_batches_are_idempotent_matched_and_scored,
        // 505 leads: the score updates carry 500 leads a statement, as at scale.
        scores_after_event_batches_equal_a_rescore_from_every_event,
        visitor_events_join_the_lead_the_visitor_becomes,
        web_forms_make_leads_and_keep_spam_and_overflow_apart,
        duplicates_are_found_blocked_listed_and_merged,
        assignment_rules_route_new_leads,
        the_inbox_orders_new_leads_by_the_speed_to_lead_clock,
        record_list_filters_keep_exactly_the_matching_rows,
        contact_and_deal_edits_are_stored_with_history_and_bad_ones_write_nothing,
        bulk_assign_applies_the_assignment_rule_to_each_lead,
    );

    let statements = recorder.statements();
    let (url, _) = fresh(&dir, 0).await;
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    let mut explained = 0;
    let mut scans = Vec::new();
    for sql in &statements {
        let head = sql.split_whitespace().next().unwrap_or("").to_lowercase();
        if !["select", "insert", "update", "delete", "with"].contains(&head.as_str()) {
            continue;
        }
        let plan = sqlx::query(&format!("explain query plan {sql}"))
            .fetch_all(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("explain {sql}: {e}"));
        explained += 1;
        // An insert of rows (no `select`) reads no table; the scans its plan lists are SQLite's
        // foreign-key checks of child tables, which run only while a violation is pending.
        if head == "insert" && !sql.to_lowercase().contains("select") {
            continue;
        }
        let tables = tables_by_plan_name(sql);
        for step in plan.iter().map(|r| r.get::<String, _>("detail")) {
            let Some(scanned) = step.strip_prefix("SCAN ") else {
                continue;
            };
            // "SCAN x USING INDEX i" walks an index in its order: a page of a list, stopped by
            // its limit. Without a limit it reads the whole index, as "SCAN x" reads the table.
            if scanned.contains(' ') && sql.to_lowercase().contains(" limit ") {
                continue;
            }
            let scanned = scanned.split(' ').next().unwrap_or(scanned);
            let table = tables
                .iter()
                .find(|(name, _)| name == scanned)
                .map_or(scanned, |(_, table)| table.as_str());
            if BIG.contains(&table) && !SCANS_BY_DESIGN.iter().any(|s| sql.contains(s)) {
                scans.push(format!("{step} ({table}) in: {sql}"));
            }
        }
    }
    conn.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        explained > 100,
        "only {explained} statements were recorded: is sqlx still tracing them?"
    );
    assert!(
        scans.is_empty(),
        "{} full scans:\n{}",
        scans.len(),
        scans.join("\n\n")
    );
}
