//! Test-only helpers for Sarnakh: a fixture with a manual clock and a user, builders for
//! valid inputs, and the store conformance suite that every storage adapter must pass.
//!
//! Adapters expand the suite with [`conformance_tests!`], giving a function that returns a
//! fresh, empty store (or `None` when that backend is not available and may be skipped).

pub mod builders;
pub mod conformance;
mod conformance_audit;
mod conformance_captures;
mod conformance_content;
mod conformance_coordination;
mod conformance_duplicates;
mod conformance_edits;
mod conformance_event_scores;
mod conformance_events;
mod conformance_experiments;
mod conformance_first_contact;
mod conformance_forecast;
mod conformance_forms;
mod conformance_import;
mod conformance_lists;
mod conformance_mail;
mod conformance_playbook;
mod conformance_policy;
mod conformance_prediction;
mod conformance_routing;
mod conformance_scoped_lists;
mod conformance_scoped_reports;
mod conformance_sessions;
mod conformance_size_bands;
mod conformance_stages;
mod conformance_users;
mod conformance_webhook_deliveries;
mod conformance_webhooks;
mod experiment_data;
pub mod postgres;
// Reports (insight).
mod conformance_record_lists;
mod conformance_reports;
mod conformance_reports_deals;
mod conformance_reports_money;
mod conformance_reports_people;
mod report_data;

use chrono::{TimeZone, Utc};
use sarnakh_core::clock::ManualClock;
use sarnakh_core::domain::{Role, User};
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::Store;
use std::sync::Arc;

/// Services over a store, with a settable clock and one sales rep.
pub struct Fixture {
    /// The use cases.
    pub services: Services,
    /// The store itself, for direct checks.
    pub store: Arc<dyn Store>,
    /// The clock the services read.
    pub clock: Arc<ManualClock>,
    /// A sales rep who exists in the store.
    pub rep: User,
}

impl Fixture {
    /// A fixture on `store` with the clock at 2026-03-02 10:00 UTC.
    pub async fn new(store: Arc<dyn Store>) -> Self {
        let start = Utc
            .with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
            .single()
            .expect("valid date");
        let clock = Arc::new(ManualClock::new(start));
        let rep = User::new(
            "sara.ahmadi@example.ir",
            "Sara Ahmadi",
            Role::SalesRep,
            start,
        );
        store
            .insert_user(&rep)
            .await
            .expect("insert the fixture user");
        let services = Services::with_clock(store.clone(), clock.clone());
        Self {
            services,
            store,
            clock,
            rep,
        }
    }

    /// System rights, attributed to the rep (storage behaviours, not the policy).
    pub fn actor(&self) -> Actor {
        Actor::on_behalf_of(self.rep.id)
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        use sarnakh_core::clock::Clock;
        self.clock.set(self.clock.now() + by);
    }
}

/// Expands the store conformance suite into `#[tokio::test]`s for one adapter.
///
/// `$make` is an async function returning `Option<Arc<dyn Store>>`: a fresh empty store,
/// or `None` to skip (it must print why).
#[macro_export]
macro_rules! conformance_tests {
    ($make:path) => {
        $crate::conformance_tests!(@each $make;
            readiness_reports_migrated_store,
            forecast_report_matches_a_plain_recount,
            forecast_accuracy_compares_the_snapshot_with_what_closed,
            forecast_targets_and_calls_are_checked,
            win_loss_by_deal_size_counts_each_band,
            user_access_is_changed_by_admins_only_and_teams_are_listed,
            captured_lead_reads_back_equal,
            concurrent_captures_are_stored_once_and_a_refused_one_fails_alone,
            stale_lead_update_is_refused_and_changes_nothing,
            qualify_without_fit_facts_is_refused_with_unmet_criteria_and_changes_nothing,
            qualify_then_convert_creates_account_contact_and_opportunities,
            second_lead_from_same_company_reuses_the_account,
            convert_with_invalid_opportunity_writes_nothing,
            convert_with_stale_version_writes_nothing,
            disqualify_nurture_and_reopen_follow_the_state_machine,
            illegal_transition_is_refused_and_changes_nothing,
            stage_moves_are_recorded_and_first_win_makes_a_customer,
            closed_opportunity_cannot_move_or_close_again,
            more_opportunities_for_an_existing_account,
            buyer_roles_are_recorded_per_opportunity,
            lead_lists_filter_and_page_without_gaps_or_repeats,
            lead_search_matches_persian_and_romanian_text,
            cursor_of_another_sort_is_refused,
            opportunity_lists_filter_by_stage_status_and_account,
            follow_up_lists_split_overdue_today_and_week,
            completing_a_task_twice_is_refused,
            timeline_merges_activities_tasks_and_changes_in_time_order,
            activity_on_unknown_record_is_refused_and_writes_nothing,
            lead_visibility_follows_owner_team_and_role,
            deals_contacts_and_tasks_follow_their_owner,
            scoped_lists_page_like_the_whole_list_filtered,
            scoped_reports_count_what_the_caller_may_see,
            write_rights_are_enforced_and_tokens_can_be_revoked,
            edits_record_changed_fields_and_no_op_edits_write_nothing,
            concurrent_writers_on_one_record_exactly_one_wins,
            audit_rows_match_real_changes_for_random_operation_sequences,
            sign_in_refuses_alike_and_throttles_without_lock_out,
            sessions_end_on_idle_sign_out_password_change_and_disable,
            scheduled_jobs_run_once_per_interval_across_instances,
            shared_rate_buckets_count_exactly,
            saved_playbooks_are_enforced_and_recorded_on_transitions,
            only_managers_override_the_playbook_and_the_reason_is_recorded,
            playbook_overrides_show_in_the_funnel,
            leads_are_scored_and_rescored_when_the_rules_change,
            event_batches_are_idempotent_matched_and_scored,
            scores_after_event_batches_equal_a_rescore_from_every_event,
            events_of_some_kinds_are_read_per_lead_in_time_order,
            concurrent_batches_naming_the_same_leads_all_succeed,
            visitor_events_join_the_lead_the_visitor_becomes,
            win_model_learns_from_each_stores_closed_history,
            web_forms_make_leads_and_keep_spam_and_overflow_apart,
            duplicates_are_found_blocked_listed_and_merged,
            assignment_rules_route_new_leads,
            the_inbox_orders_new_leads_by_the_speed_to_lead_clock,
            every_entity_imports_linked_by_external_ids,
            the_duplicate_policy_blocks_look_alike_imported_people,
            funnel_report_matches_a_plain_recount,
            a_lead_won_in_both_halves_of_a_period_is_won_once,
            deal_reports_match_a_plain_recount,
            rates_and_costs_round_trip_and_convert_the_pipeline,
            sources_and_activity_reports_match_a_plain_recount,
            first_contact_is_the_earliest_and_survives_a_merge,
            experiments_are_run_by_marketing_and_refused_input_writes_nothing,
            experiment_report_matches_a_plain_recount,
            content_is_suggested_sent_and_reported_as_a_plain_recount,
            contact_and_deal_edits_are_stored_with_history_and_bad_ones_write_nothing,
            bulk_assign_applies_the_assignment_rule_to_each_lead,
            saved_views_belong_to_their_user_and_replace_by_name,
            mail_claims_are_once_only_retried_and_abandoned,
            concurrent_mail_claims_have_one_winner,
            digest_choice_and_calendar_feed_secrets_are_kept_per_user,
            first_contact_breaches_are_found_for_owned_uncontacted_leads,
            stage_settings_are_versioned_and_refusals_write_nothing,
            retired_stages_keep_their_deals_and_probabilities_weigh_from_then_on,
            record_list_filters_keep_exactly_the_matching_rows,
            webhook_events_are_written_with_the_change_and_fanned_out,
            webhook_deliveries_are_claimed_once_retried_dead_lettered_and_replayed,
            overdue_tasks_are_announced_once_and_the_outbox_is_pruned
        );
    };
    (@each $make:path; $($name:ident),+ $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                if let Some(store) = $make().await {
                    $crate::conformance::$name(store).await;
                }
            }
        )+
    };
}
