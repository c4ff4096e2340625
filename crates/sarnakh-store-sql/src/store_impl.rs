//! The [`sarnakh_core::store::Store`] port implemented once for both SQL stores by
//! delegating to their row functions (which have the same names in both adapters): each
//! store expands `sarnakh_store_sql::store_impl!(TheStore);` in its `store_impl` module.

/// Expands `impl Store for $store` in the calling store crate.
#[macro_export]
macro_rules! store_impl {
    ($store:ident) => {
        use super::$store;
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::{
            Account, AccountId, Activity, BuyerRole, Contact, ContactId, HistoryEntry, Lead, LeadId,
            Opportunity, OpportunityId, Page, PageRequest, PipelineStage, RecordRef, Task, TaskId, User,
            UserId,
        };
        use sarnakh_core::domain::{ApiToken, Session, Team, TeamId, TokenId};
        use sarnakh_core::store::{
            AccountFilter, ContactFilter, Conversion, LeadFilter, OpportunityChange, OpportunityFilter,
            Readiness, Store, StoreResult, TaskFilter,
        };

        #[async_trait]
        impl Store for $store {
            async fn readiness(&self) -> Readiness {
                self.readiness_check().await
            }
            async fn insert_user(&self, user: &User) -> StoreResult<()> {
                self.insert_user_row(user).await
            }
            async fn get_user(&self, id: UserId) -> StoreResult<Option<User>> {
                self.get_user_row(id).await
            }
            async fn list_users(&self) -> StoreResult<Vec<User>> {
                self.list_user_rows().await
            }
            async fn get_user_by_email(&self, email: &str) -> StoreResult<Option<(User, Option<String>)>> {
                self.user_by_email(email).await
            }
            async fn set_preferences(
                &self,
                user: UserId,
                locale: &str,
                time_zone: &str,
            ) -> StoreResult<()> {
                self.set_preferences_row(user, locale, time_zone).await
            }
            async fn set_password_hash(&self, user: UserId, hash: &str) -> StoreResult<()> {
                self.set_password_row(user, hash).await
            }
            async fn team_members(&self, team: TeamId) -> StoreResult<Vec<UserId>> {
                self.team_member_rows(team).await
            }
            async fn ensure_team(&self, team: &Team) -> StoreResult<Team> {
                self.ensure_team_row(team).await
            }
            async fn list_teams(&self) -> StoreResult<Vec<Team>> {
                self.team_rows().await
            }
            async fn set_user_access(
                &self,
                user: UserId,
                role: &str,
                team: Option<TeamId>,
            ) -> StoreResult<()> {
                self.set_user_access_row(user, role, team).await
            }
            async fn insert_token(&self, token: &ApiToken, digest: &[u8]) -> StoreResult<()> {
                self.insert_token_row(token, digest).await
            }
            async fn find_token(&self, digest: &[u8]) -> StoreResult<Option<(ApiToken, User)>> {
                self.find_token_row(digest).await
            }
            async fn get_token(&self, id: TokenId) -> StoreResult<Option<ApiToken>> {
                self.get_token_row(id).await
            }
            async fn list_tokens(&self, user: UserId) -> StoreResult<Vec<ApiToken>> {
                self.list_token_rows(user).await
            }
            async fn touch_token(&self, id: TokenId, at: DateTime<Utc>) -> StoreResult<()> {
                self.touch_token_row(id, at).await
            }
            async fn revoke_token(&self, id: TokenId, at: DateTime<Utc>) -> StoreResult<()> {
                self.revoke_token_row(id, at).await
            }
            async fn disable_user(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<()> {
                self.disable_user_row(user, at).await
            }
            async fn insert_session(&self, digest: &[u8], session: &Session) -> StoreResult<()> {
                self.insert_session_row(digest, session).await
            }
            async fn find_session(&self, digest: &[u8]) -> StoreResult<Option<(Session, User)>> {
                self.find_session_row(digest).await
            }
            async fn touch_session(&self, digest: &[u8], at: DateTime<Utc>) -> StoreResult<()> {
                self.touch_session_row(digest, at).await
            }
            async fn revoke_session(&self, digest: &[u8], at: DateTime<Utc>) -> StoreResult<()> {
                self.revoke_session_row(digest, at).await
            }
            async fn revoke_user_sessions(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<()> {
                self.revoke_user_session_rows(user, at).await
            }
            async fn record_login_failure(
                &self,
                keys: &[String],
                at: DateTime<Utc>,
                forget_before: DateTime<Utc>,
            ) -> StoreResult<()> {
                self.record_login_failure_rows(keys, at, forget_before)
                    .await
            }
            async fn count_login_failures(&self, key: &str, since: DateTime<Utc>) -> StoreResult<i64> {
                self.count_login_failure_rows(key, since).await
            }
            async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
                self.clear_login_failure_rows(key).await
            }
            async fn insert_lead(&self, lead: &Lead, history: &HistoryEntry) -> StoreResult<()> {
                self.insert_lead_tx(lead, history).await
            }
            async fn get_lead(&self, id: LeadId) -> StoreResult<Option<Lead>> {
                self.get_lead_row(id).await
            }
            async fn update_lead(
                &self,
                lead: &Lead,
                expected_version: i64,
                history: Option<&HistoryEntry>,
            ) -> StoreResult<()> {
                self.update_lead_tx(lead, expected_version, history).await
            }
            async fn list_leads(&self, filter: &LeadFilter, page: &PageRequest) -> StoreResult<Page<Lead>> {
                self.list_lead_rows(filter, page).await
            }
            async fn convert_lead(&self, conversion: &Conversion) -> StoreResult<AccountId> {
                self.convert_lead_tx(conversion).await
            }
            async fn get_account(&self, id: AccountId) -> StoreResult<Option<Account>> {
                self.get_account_row(id).await
            }
            async fn list_accounts(
                &self,
                filter: &AccountFilter,
                page: &PageRequest,
            ) -> StoreResult<Page<Account>> {
                self.list_account_rows(filter, page).await
            }
            async fn get_contact(&self, id: ContactId) -> StoreResult<Option<Contact>> {
                self.get_contact_row(id).await
            }
            async fn save_view(
                &self,
                view: &sarnakh_core::domain::saved_view::SavedView,
            ) -> StoreResult<()> {
                self.save_view_row(view).await
            }
            async fn saved_views(
                &self,
                user: UserId,
                list: &str,
            ) -> StoreResult<Vec<sarnakh_core::domain::saved_view::SavedView>> {
                self.saved_view_rows(user, list).await
            }
            async fn delete_view(&self, user: UserId, id: uuid::Uuid) -> StoreResult<bool> {
                self.delete_view_row(user, id).await
            }
            async fn change_contact(
                &self,
                contact: &Contact,
                expected: i64,
                history: &HistoryEntry,
            ) -> StoreResult<()> {
                self.change_contact_tx(contact, expected, history).await
            }
            async fn list_contacts(
                &self,
                filter: &ContactFilter,
                page: &PageRequest,
            ) -> StoreResult<Page<Contact>> {
                self.list_contact_rows(filter, page).await
            }
            async fn insert_opportunity(
                &self,
                opportunity: &Opportunity,
                history: &HistoryEntry,
            ) -> StoreResult<()> {
                self.insert_opportunity_tx(opportunity, history).await
            }
            async fn get_opportunity(&self, id: OpportunityId) -> StoreResult<Option<Opportunity>> {
                self.get_opportunity_row(id).await
            }
            async fn list_opportunities(
                &self,
                filter: &OpportunityFilter,
                page: &PageRequest,
            ) -> StoreResult<Page<Opportunity>> {
                self.list_opportunity_rows(filter, page).await
            }
            async fn change_opportunity(&self, change: &OpportunityChange) -> StoreResult<()> {
                self.change_opportunity_tx(change).await
            }
            async fn set_opportunity_contact(
                &self,
                opportunity: OpportunityId,
                contact: ContactId,
                role: BuyerRole,
                history: &HistoryEntry,
            ) -> StoreResult<()> {
                self.set_opportunity_contact_row(opportunity, contact, role, history)
                    .await
            }
            async fn opportunity_contacts(
                &self,
                opportunity: OpportunityId,
            ) -> StoreResult<Vec<(Contact, BuyerRole)>> {
                self.opportunity_contact_rows(opportunity).await
            }
            async fn list_stages(&self) -> StoreResult<Vec<PipelineStage>> {
                self.list_stage_rows().await
            }
            async fn insert_activity(&self, activity: &Activity) -> StoreResult<()> {
                self.insert_activity_row(activity).await
            }
            async fn activities_of(&self, subject: RecordRef) -> StoreResult<Vec<Activity>> {
                self.activity_rows_of(subject).await
            }
            async fn insert_task(&self, task: &Task) -> StoreResult<()> {
                self.write_task(task, None).await
            }
            async fn get_task(&self, id: TaskId) -> StoreResult<Option<Task>> {
                self.get_task_row(id).await
            }
            async fn update_task(&self, task: &Task, expected_version: i64) -> StoreResult<()> {
                self.write_task(task, Some(expected_version)).await
            }
            async fn list_tasks(&self, filter: &TaskFilter, page: &PageRequest) -> StoreResult<Page<Task>> {
                self.list_task_rows(filter, page).await
            }
            async fn tasks_of(&self, subject: RecordRef) -> StoreResult<Vec<Task>> {
                self.task_rows_of(subject).await
            }
            async fn current_playbook(
                &self,
            ) -> StoreResult<Option<sarnakh_core::domain::playbook::Playbook>> {
                self.current_playbook_row().await
            }
            async fn save_playbook(
                &self,
                playbook: &sarnakh_core::domain::playbook::Playbook,
            ) -> StoreResult<()> {
                self.save_playbook_row(playbook).await
            }
            async fn current_scoring(
                &self,
            ) -> StoreResult<Option<(i64, sarnakh_core::domain::scoring::ScoringRules)>> {
                self.current_scoring_row().await
            }
            async fn save_scoring(
                &self,
                version: i64,
                rules: &sarnakh_core::domain::scoring::ScoringRules,
                at: DateTime<Utc>,
                by: Option<UserId>,
            ) -> StoreResult<()> {
                self.save_scoring_row(version, rules, at, by).await
            }
            async fn set_lead_scores(
                &self,
                scores: &[(LeadId, sarnakh_core::domain::scoring::LeadScore)],
            ) -> StoreResult<()> {
                self.set_lead_score_rows(scores).await
            }
            async fn insert_events(
            &self,
            events: &[sarnakh_core::domain::event::EngagementEvent],
            received_at: DateTime<Utc>,
        ) -> StoreResult<Vec<usize>> {
            self.insert_event_rows(events, received_at).await
        }
        async fn events_of_leads(
            &self,
            leads: &[LeadId],
        ) -> StoreResult<
            std::collections::HashMap<LeadId, Vec<sarnakh_core::domain::event::EngagementEvent>>,
        > {
            self.events_of_lead_rows(leads, None).await
        }
        async fn events_of_leads_of_kinds(
            &self,
            leads: &[LeadId],
            kinds: &[sarnakh_core::domain::event::EventKind],
        ) -> StoreResult<
            std::collections::HashMap<LeadId, Vec<sarnakh_core::domain::event::EngagementEvent>>,
        > {
            self.events_of_lead_rows(leads, Some(kinds)).await
        }
        async fn get_leads(&self, ids: &[LeadId]) -> StoreResult<Vec<Lead>> {
            self.lead_rows_by_ids(ids).await
        }
        async fn events_of(
                &self,
                lead: LeadId,
            ) -> StoreResult<Vec<sarnakh_core::domain::event::EngagementEvent>> {
                self.event_rows_of(lead).await
            }
            async fn find_lead_by_email(&self, email: &str) -> StoreResult<Option<LeadId>> {
                self.lead_id_by_email(email).await
            }
            async fn insert_anonymous_events(
                &self,
                events: &[sarnakh_core::domain::event::AnonymousEvent],
                received_at: DateTime<Utc>,
            ) -> StoreResult<usize> {
                self.insert_anonymous_event_rows(events, received_at).await
            }
            async fn visitor_leads(
                &self,
                visitor_ids: &[String],
            ) -> StoreResult<std::collections::HashMap<String, LeadId>> {
                self.visitor_lead_rows(visitor_ids).await
            }
            async fn link_visitor(
                &self,
                visitor_id: &str,
                lead: LeadId,
                at: DateTime<Utc>,
            ) -> StoreResult<usize> {
                self.link_visitor_tx(visitor_id, lead, at).await
            }
            async fn closed_history(
                &self,
                limit: u32,
            ) -> StoreResult<Vec<sarnakh_core::domain::win::ClosedRecord>> {
                self.closed_history_rows(limit).await
            }
            async fn engagement(
                &self,
                leads: &[LeadId],
            ) -> StoreResult<std::collections::HashMap<LeadId, sarnakh_core::domain::win::Engagement>> {
                self.engagement_rows(leads).await
            }
            async fn current_win_model(&self) -> StoreResult<Option<sarnakh_core::store::WinModel>> {
                self.current_win_model_row().await
            }
            async fn save_win_model(&self, model: &sarnakh_core::store::WinModel) -> StoreResult<()> {
                self.save_win_model_row(model).await
            }
            async fn insert_form(&self, form: &sarnakh_core::domain::form::WebForm) -> StoreResult<()> {
                self.insert_form_row(form).await
            }
            async fn update_form(
                &self,
                form: &sarnakh_core::domain::form::WebForm,
                expected_version: i64,
            ) -> StoreResult<()> {
                self.update_form_row(form, expected_version).await
            }
            async fn get_form(
                &self,
                id: sarnakh_core::domain::FormId,
            ) -> StoreResult<Option<sarnakh_core::domain::form::WebForm>> {
                self.form_by_id_row(id).await
            }
            async fn form_by_key(
                &self,
                key: &str,
            ) -> StoreResult<Option<sarnakh_core::domain::form::WebForm>> {
                self.form_by_key_row(key).await
            }
            async fn list_forms(&self) -> StoreResult<Vec<sarnakh_core::domain::form::WebForm>> {
                self.form_rows().await
            }
            async fn insert_submission(
                &self,
                submission: &sarnakh_core::domain::form::Submission,
                lead: Option<(&Lead, &HistoryEntry)>,
            ) -> StoreResult<()> {
                self.insert_submission_tx(submission, lead).await
            }
            async fn count_accepted_submissions(
                &self,
                form: sarnakh_core::domain::FormId,
                since: DateTime<Utc>,
            ) -> StoreResult<i64> {
                self.count_accepted_rows(form, since).await
            }
            async fn list_submissions(
                &self,
                form: sarnakh_core::domain::FormId,
                status: sarnakh_core::domain::form::SubmissionStatus,
                limit: u32,
            ) -> StoreResult<Vec<sarnakh_core::domain::form::Submission>> {
                self.submission_rows(form, status, limit).await
            }
            async fn get_submission(
                &self,
                id: sarnakh_core::domain::SubmissionId,
            ) -> StoreResult<Option<sarnakh_core::domain::form::Submission>> {
                self.submission_where("id", id.as_uuid()).await
            }
            async fn accept_submission(
                &self,
                id: sarnakh_core::domain::SubmissionId,
                lead: &Lead,
                history: &HistoryEntry,
                by: Option<UserId>,
                at: DateTime<Utc>,
            ) -> StoreResult<()> {
                self.accept_submission_tx(id, lead, history, by, at).await
            }
            async fn submission_of_lead(
                &self,
                lead: LeadId,
            ) -> StoreResult<Option<sarnakh_core::domain::form::Submission>> {
                self.submission_where("lead_id", lead.as_uuid()).await
            }
            async fn people_like(
                &self,
                probe: &sarnakh_core::domain::duplicate::PersonRecord,
                limit: u32,
            ) -> StoreResult<Vec<sarnakh_core::domain::duplicate::PersonRecord>> {
                self.people_like_rows(probe, limit).await
            }
            async fn lead_pairs(
                &self,
                limit: u32,
            ) -> StoreResult<
                Vec<(
                    sarnakh_core::domain::duplicate::PersonRecord,
                    sarnakh_core::domain::duplicate::PersonRecord,
                )>,
            > {
                self.lead_pair_rows(limit).await
            }
            async fn dismissed_pairs(
                &self,
            ) -> StoreResult<std::collections::HashSet<(uuid::Uuid, uuid::Uuid)>> {
                self.dismissed_rows().await
            }
            async fn dismiss_pair(
                &self,
                pair: (uuid::Uuid, uuid::Uuid),
                at: DateTime<Utc>,
                by: Option<UserId>,
            ) -> StoreResult<()> {
                self.dismiss_row(pair, at, by).await
            }
            async fn merge_leads(&self, merge: &sarnakh_core::store::LeadMerge) -> StoreResult<()> {
                self.merge_leads_tx(merge).await
            }
            async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
                self.setting_row(key).await
            }
            async fn save_setting(
                &self,
                key: &str,
                value: &str,
                at: DateTime<Utc>,
                by: Option<UserId>,
            ) -> StoreResult<()> {
                self.save_setting_row(key, value, at, by).await
            }
            async fn open_import_run(
                &self,
                entity: &str,
                source_digest: &str,
                file_name: &str,
                at: DateTime<Utc>,
                by: Option<UserId>,
            ) -> StoreResult<sarnakh_core::store::ImportRun> {
                self.open_import_run_row(entity, source_digest, file_name, at, by)
                    .await
            }
            async fn external_records(
                &self,
                entity: &str,
                external_ids: &[String],
            ) -> StoreResult<std::collections::HashMap<String, uuid::Uuid>> {
                self.external_record_rows(entity, external_ids).await
            }
            async fn leads_by_emails(
                &self,
                emails: &[String],
            ) -> StoreResult<std::collections::HashMap<String, LeadId>> {
                self.leads_by_email_rows(emails).await
            }
            async fn accounts_by_name_keys(
                &self,
                keys: &[String],
            ) -> StoreResult<std::collections::HashMap<String, AccountId>> {
                self.accounts_by_name_key_rows(keys).await
            }
            async fn contacts_by_emails(
                &self,
                emails: &[String],
            ) -> StoreResult<std::collections::HashMap<String, ContactId>> {
                self.contacts_by_email_rows(emails).await
            }
            async fn write_import_batch(
                &self,
                batch: &sarnakh_core::store::ImportBatch,
            ) -> StoreResult<()> {
                self.write_import_batch_tx(batch).await
            }
            async fn import_rejects(
                &self,
                run: uuid::Uuid,
            ) -> StoreResult<Vec<sarnakh_core::import::RejectedRow>> {
                self.import_reject_rows(run).await
            }
            async fn save_import_job(&self, job: &sarnakh_core::store::ImportJob) -> StoreResult<()> {
                self.save_import_job_row(job).await
            }
            async fn append_import_chunk(&self, job: uuid::Uuid, seq: u32, data: &[u8]) -> StoreResult<()> {
                self.append_import_chunk_row(job, seq, data).await
            }
            async fn import_chunk(&self, job: uuid::Uuid, seq: u32) -> StoreResult<Option<Vec<u8>>> {
                self.import_chunk_row(job, seq).await
            }
            async fn trim_import_chunks(&self, job: uuid::Uuid) -> StoreResult<()> {
                self.trim_import_chunk_rows(job).await
            }
            async fn import_jobs(
                &self,
                id: Option<uuid::Uuid>,
                limit: u32,
            ) -> StoreResult<Vec<sarnakh_core::store::ImportJob>> {
                self.import_job_rows(id, limit).await
            }
            async fn claim_import_job(
                &self,
                worker: uuid::Uuid,
                now: DateTime<Utc>,
                stale_before: DateTime<Utc>,
            ) -> StoreResult<Option<sarnakh_core::store::ImportJob>> {
                self.claim_import_job_row(worker, now, stale_before).await
            }
            async fn beat_import_job(
                &self,
                job: uuid::Uuid,
                worker: uuid::Uuid,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                self.beat_import_job_row(job, worker, now).await
            }
            async fn next_turn(&self, rule: &str) -> StoreResult<u64> {
                self.next_turn_row(rule).await
            }
            async fn open_lead_counts(
                &self,
                users: &[UserId],
            ) -> StoreResult<std::collections::HashMap<UserId, u64>> {
                self.open_lead_count_rows(users).await
            }
            async fn first_contacts(
                &self,
                leads: &[LeadId],
            ) -> StoreResult<std::collections::HashMap<LeadId, DateTime<Utc>>> {
                self.first_contact_rows(leads).await
            }
            async fn history_of(&self, subject: RecordRef) -> StoreResult<Vec<HistoryEntry>> {
                self.history_rows_of(subject).await
            }

            // Reports (insight); keep this block last.
            async fn report_funnel_figures(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
                mode: sarnakh_core::domain::report::FunnelMode,
                wants: sarnakh_core::domain::report_figures::FunnelWants,
            ) -> StoreResult<sarnakh_core::domain::report_figures::FunnelFigures> {
                self.report_funnel_figures_rows(scope, mode, wants).await
            }
            async fn report_overrides(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
                mode: sarnakh_core::domain::report::FunnelMode,
            ) -> StoreResult<Vec<sarnakh_core::domain::report_figures::ReasonCount>> {
                self.report_override_rows(scope, mode).await
            }
            async fn report_loss_reasons(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
            ) -> StoreResult<Vec<sarnakh_core::domain::report_figures::ReasonCount>> {
                self.report_loss_rows(scope).await
            }
            async fn report_stage_counts(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
                stuck_since: DateTime<Utc>,
            ) -> StoreResult<Vec<sarnakh_core::domain::report_figures::StageCount>> {
                self.report_stage_count_rows(scope, stuck_since).await
            }
            async fn report_stage_totals(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
            ) -> StoreResult<Vec<sarnakh_core::domain::report_figures::StageTotal>> {
                self.report_stage_total_rows(scope).await
            }
            async fn report_pipeline(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
                now: DateTime<Utc>,
                stuck_since: DateTime<Utc>,
            ) -> StoreResult<Vec<sarnakh_core::domain::report_figures::PipelineCell>> {
                self.report_pipeline_rows(scope, now, stuck_since).await
            }
            async fn report_win_loss(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
            ) -> StoreResult<Vec<sarnakh_core::domain::report_figures::WinLossCell>> {
                self.report_win_loss_rows(scope).await
            }
            async fn report_cycle_seconds(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
            ) -> StoreResult<Vec<i64>> {
                self.report_cycle_rows(scope).await
            }
            async fn report_first_contacts(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
            ) -> StoreResult<Vec<sarnakh_core::domain::report_figures::FirstContact>> {
                self.report_first_contact_rows(scope).await
            }
            async fn report_activities(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
            ) -> StoreResult<Vec<sarnakh_core::domain::report_figures::ActivityCell>> {
                self.report_activity_rows(scope).await
            }
            async fn report_overdue_tasks(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
                now: DateTime<Utc>,
            ) -> StoreResult<Vec<(Option<String>, u64)>> {
                self.report_overdue_rows(scope, now).await
            }
            async fn exchange_rates(&self) -> StoreResult<Vec<sarnakh_core::domain::report_money::ExchangeRate>> {
                self.rate_rows().await
            }
            async fn save_exchange_rates(
                &self,
                rates: &[sarnakh_core::domain::report_money::ExchangeRate],
                at: DateTime<Utc>,
                by: Option<UserId>,
            ) -> StoreResult<()> {
                self.save_rate_rows(rates, at, by).await
            }
            async fn campaign_costs(&self) -> StoreResult<Vec<sarnakh_core::domain::report_money::CampaignCost>> {
                self.cost_rows().await
            }
            async fn save_campaign_costs(
                &self,
                costs: &[sarnakh_core::domain::report_money::CampaignCost],
                at: DateTime<Utc>,
                by: Option<UserId>,
            ) -> StoreResult<()> {
                self.save_cost_rows(costs, at, by).await
            }
            async fn report_forecast(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
                spans: &[sarnakh_core::domain::forecast::Span],
                loose_before: Option<chrono::NaiveDate>,
            ) -> StoreResult<Vec<sarnakh_core::domain::forecast::ForecastCell>> {
                self.forecast_rows(scope, spans, loose_before).await
            }
            async fn report_forecast_won(
                &self,
                scope: &sarnakh_core::domain::report::ReportScope,
                spans: &[sarnakh_core::domain::forecast::Span],
            ) -> StoreResult<Vec<sarnakh_core::domain::forecast::ForecastCell>> {
                self.forecast_won_rows(scope, spans).await
            }
            async fn save_forecast_snapshot(
                &self,
                snapshot: &sarnakh_core::domain::forecast::Snapshot,
                lines: &[sarnakh_core::domain::forecast::SnapshotLine],
            ) -> StoreResult<()> {
                self.save_snapshot_rows(snapshot, lines).await
            }
            async fn forecast_snapshots(&self) -> StoreResult<Vec<sarnakh_core::domain::forecast::Snapshot>> {
                self.snapshot_rows().await
            }
            async fn forecast_snapshot_lines(
                &self,
                id: uuid::Uuid,
            ) -> StoreResult<Vec<sarnakh_core::domain::forecast::SnapshotLine>> {
                self.snapshot_line_rows(id).await
            }
            async fn forecast_targets(&self) -> StoreResult<Vec<sarnakh_core::domain::forecast::Target>> {
                self.target_rows().await
            }
            async fn save_forecast_target(&self, target: &sarnakh_core::domain::forecast::Target) -> StoreResult<()> {
                self.save_target_row(target).await
            }
            async fn delete_forecast_target(&self, id: uuid::Uuid) -> StoreResult<bool> {
                self.delete_target_row(id).await
            }
            async fn set_win_predictions(
                &self,
                predictions: &[(sarnakh_core::domain::OpportunityId, u16)],
                model_version: i64,
            ) -> StoreResult<()> {
                self.set_prediction_rows(predictions, model_version).await
            }
        }
    };
}
