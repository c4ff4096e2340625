//! The storage port. Adapters (SQLite, PostgreSQL) implement [`Store`]; use cases call it.
//!
//! One method is one atomic unit: the adapter owns the transaction, so a method either
//! writes everything it was given or nothing. No SQL or driver type crosses this boundary.

mod accounts;
mod content;
mod coordination;
mod experiments;
mod filters;
mod mail;
mod maintenance;
mod stages;
mod webhooks;

pub use accounts::AccountStore;
pub use content::{ContentCounts, ContentStore};
pub use coordination::{CoordinationStore, JobClaim, JobRun, RateDecision};
pub use experiments::{CandidateWindow, ExperimentStore, VariantCounts};
pub use filters::*;
pub use mail::{
    ClaimRequest, MailClaim, MailKind, MailLogEntry, MailOutcome, MailStatus, MailStore,
    SlaCandidate,
};
pub use maintenance::{Finding, MaintenanceError, MaintenanceStore};
pub use stages::{StageStore, StageVersion};
pub use webhooks::{FanOut, StreamEvent, WebhookStore};

use crate::domain::Session;
use crate::domain::duplicate::PersonRecord;
use crate::domain::event::{AnonymousEvent, EngagementEvent, EventKind};
use crate::domain::form::{Submission, SubmissionStatus, WebForm};
use crate::domain::history::HistoryEntry;
use crate::domain::opportunity::BuyerRole;
use crate::domain::playbook::Playbook;
use crate::domain::predict::{Metrics, Model};
use crate::domain::scoring::{LeadScore, ScoringRules};
use crate::domain::win::{ClosedRecord, Engagement};
use crate::domain::{
    Account, AccountId, Activity, ApiToken, Contact, ContactId, Lead, LeadId, Opportunity,
    OpportunityId, Page, PageRequest, PipelineStage, RecordRef, Task, TaskId, Team, TeamId,
    TokenId, User, UserId,
};
use crate::domain::{FormId, SubmissionId};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row to change does not exist.
    #[error("not found")]
    NotFound,
    /// A unique or foreign-key constraint refused the write.
    #[error("constraint {constraint} refused the write")]
    Conflict {
        /// Name of the constraint.
        constraint: String,
    },
    /// The row's version is not the one the caller read (someone else changed it).
    #[error("the row was changed concurrently")]
    StaleVersion,
    /// The page cursor does not belong to this list's sort order.
    #[error("the cursor does not belong to this sort order")]
    InvalidCursor,
    /// The database failed or is unreachable.
    #[error("storage backend error: {0}")]
    Backend(String),
}

/// Whether the store can serve requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    /// The database answered a query.
    pub reachable: bool,
    /// Every migration this binary knows is applied.
    pub migrations_applied: bool,
}

/// Everything a lead conversion writes, in one transaction.
#[derive(Debug, Clone)]
pub struct Conversion {
    /// The lead in its converted state (version already bumped).
    pub lead: Lead,
    /// The version the lead must still have in storage.
    pub expected_version: i64,
    /// The account; created unless one with the same `name_key` exists, which is reused.
    pub account: Account,
    /// The contact created from the lead's person.
    pub contact: Contact,
    /// The opportunities created.
    pub opportunities: Vec<Opportunity>,
    /// History rows (lead converted, opportunities created ...).
    pub history: Vec<HistoryEntry>,
}

/// A change to an opportunity (stage move or close), written with its history row.
#[derive(Debug, Clone)]
pub struct OpportunityChange {
    /// The opportunity after the change (version already bumped).
    pub opportunity: Opportunity,
    /// The version it must still have in storage.
    pub expected_version: i64,
    /// The history row describing the change.
    pub history: HistoryEntry,
    /// Set when closing won: the account becomes a customer if it is not one yet.
    pub make_customer: bool,
}

/// A trained win model as stored: the newest one is in force on every server instance.
#[derive(Debug, Clone, PartialEq)]
pub struct WinModel {
    /// 1, 2, 3 ... in training order.
    pub version: i64,
    /// The chosen model.
    pub model: Model,
    /// Held-out figures of naive Bayes.
    pub naive_bayes: Metrics,
    /// Held-out figures of logistic regression.
    pub logistic: Metrics,
    /// Closed records it learnt from.
    pub examples: usize,
    /// How many of them were won.
    pub won: usize,
    /// When it was trained.
    pub trained_at: DateTime<Utc>,
    /// Who asked for it (none: the scheduled job).
    pub trained_by: Option<UserId>,
}

/// Two leads merged into one, written in one transaction: the survivor with the chosen
/// values, the absorbed lead closed as a duplicate, everything that pointed at the absorbed
/// lead (activities, follow-ups, events, deals, contacts, form submissions, visitor links)
/// re-pointed at the survivor, and the history rows of both.
#[derive(Debug, Clone)]
pub struct LeadMerge {
    /// The lead that stays (version already bumped).
    pub survivor: Lead,
    /// Its version in storage.
    pub survivor_expected: i64,
    /// The lead merged away (closed, version already bumped).
    pub absorbed: Lead,
    /// Its version in storage.
    pub absorbed_expected: i64,
    /// History rows for both.
    pub history: Vec<HistoryEntry>,
}

/// One import of one file: how far it got and what it counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRun {
    /// Id.
    pub id: uuid::Uuid,
    /// Entity imported (`leads` ...).
    pub entity: String,
    /// SHA-256 of the file and the mapping: the same pair resumes the same run.
    pub source_digest: String,
    /// The file's name as given.
    pub file_name: String,
    /// Data rows whose outcome is committed; a resumed run skips them.
    pub rows_done: u64,
    /// The counts so far.
    pub tally: crate::import::ImportTally,
    /// When it finished (`None`: running or killed).
    pub finished_at: Option<DateTime<Utc>>,
    /// When it started.
    pub started_at: DateTime<Utc>,
}

/// A batch of imported rows, committed in one transaction with the run's progress.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    /// The run.
    pub run: uuid::Uuid,
    /// Data rows done after this batch.
    pub rows_done: u64,
    /// The run's counts after this batch.
    pub tally: crate::import::ImportTally,
    /// Set on the last batch.
    pub finished_at: Option<DateTime<Utc>>,
    /// New leads with their history rows.
    pub new_leads: Vec<(Lead, HistoryEntry)>,
    /// Changed leads, each with the version it must still have and its history row.
    pub changed_leads: Vec<(Lead, i64, HistoryEntry)>,
    /// Accounts to insert (`None`) or to update from the version they must still have.
    pub accounts: Vec<(Account, Option<i64>)>,
    /// Contacts to insert (`None`) or to update from the version they must still have.
    pub contacts: Vec<(Contact, Option<i64>)>,
    /// Opportunities to insert (`None`) or update, each with its history row. A won one
    /// also makes its account a customer, as a won close does.
    pub opportunities: Vec<(Opportunity, Option<i64>, HistoryEntry)>,
    /// Activities to insert (imported activities are history: never rewritten).
    pub activities: Vec<Activity>,
    /// External ids to record: entity, the other CRM's id, Sarnakh's id.
    pub external_ids: Vec<(String, String, uuid::Uuid)>,
    /// Rows refused in this batch.
    pub rejects: Vec<crate::import::RejectedRow>,
}

/// An import started through the API: the uploaded file, the mapping, and where the job is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportJob {
    /// Id (also the import run's source: `job:<id>`).
    pub id: uuid::Uuid,
    /// The uploaded file's name.
    pub file_name: String,
    /// Its size.
    pub bytes: u64,
    /// `uploaded`, `queued`, `running`, `finished` or `failed`.
    pub status: String,
    /// The entity, once started.
    pub entity: Option<String>,
    /// The mapping text (TOML or JSON), once started.
    pub mapping: Option<String>,
    /// Rows per committed batch.
    pub batch_size: u32,
    /// Data rows in the file, counted when the job starts.
    pub rows_total: Option<u64>,
    /// Why it failed.
    pub error: Option<String>,
    /// Who uploaded it.
    pub created_by: Option<UserId>,
    /// Uploaded at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// The import run's progress and counts, once it has begun.
    pub run: Option<ImportRun>,
}

/// Result alias for store calls.
pub type StoreResult<T> = Result<T, StoreError>;

/// Persistence for every Sarnakh record (experiments and content: their own port traits).
#[async_trait]
pub trait Store:
    ExperimentStore
    + ContentStore
    + MailStore
    + MaintenanceStore
    + CoordinationStore
    + StageStore
    + AccountStore
    + WebhookStore
    + Send
    + Sync
    + 'static
{
    /// Whether the database is reachable and fully migrated.
    async fn readiness(&self) -> Readiness;

    /// Inserts a user.
    async fn insert_user(&self, user: &User) -> StoreResult<()>;
    /// Reads a user.
    async fn get_user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// Every user, by display name.
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    /// A user by lower-cased email, with their password hash if one is set.
    async fn get_user_by_email(&self, email: &str) -> StoreResult<Option<(User, Option<String>)>>;
    /// Sets a user's language and time zone and bumps the version.
    async fn set_preferences(&self, user: UserId, locale: &str, time_zone: &str)
    -> StoreResult<()>;
    /// Sets (replaces) a user's password hash and bumps the version.
    async fn set_password_hash(&self, user: UserId, hash: &str) -> StoreResult<()>;
    /// The ids of a team's members.
    async fn team_members(&self, team: TeamId) -> StoreResult<Vec<UserId>>;
    /// The team with this name, created from `team` if there is none.
    async fn ensure_team(&self, team: &Team) -> StoreResult<Team>;
    /// Every team, by name.
    async fn list_teams(&self) -> StoreResult<Vec<Team>>;
    /// Sets a user's role and team and bumps the version.
    async fn set_user_access(
        &self,
        user: UserId,
        role: &str,
        team: Option<TeamId>,
    ) -> StoreResult<()>;

    /// Stores a new API token by the digest of its secret.
    async fn insert_token(&self, token: &ApiToken, digest: &[u8]) -> StoreResult<()>;
    /// The token with this digest and its user, revoked or not.
    async fn find_token(&self, digest: &[u8]) -> StoreResult<Option<(ApiToken, User)>>;
    /// Reads a token.
    async fn get_token(&self, id: TokenId) -> StoreResult<Option<ApiToken>>;
    /// A user's tokens, newest first.
    async fn list_tokens(&self, user: UserId) -> StoreResult<Vec<ApiToken>>;
    /// Records a use of a token.
    async fn touch_token(&self, id: TokenId, at: DateTime<Utc>) -> StoreResult<()>;
    /// Revokes a token (idempotent: an already revoked token keeps its first time).
    async fn revoke_token(&self, id: TokenId, at: DateTime<Utc>) -> StoreResult<()>;
    /// Disables a user (idempotent) and revokes their sessions, in one transaction.
    async fn disable_user(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<()>;

    /// Stores a new session by the digest of its secret.
    async fn insert_session(&self, digest: &[u8], session: &Session) -> StoreResult<()>;
    /// The session with this digest and its user.
    async fn find_session(&self, digest: &[u8]) -> StoreResult<Option<(Session, User)>>;
    /// Records activity on a session.
    async fn touch_session(&self, digest: &[u8], at: DateTime<Utc>) -> StoreResult<()>;
    /// Revokes one session (sign-out).
    async fn revoke_session(&self, digest: &[u8], at: DateTime<Utc>) -> StoreResult<()>;
    /// Revokes every open session of a user (password change).
    async fn revoke_user_sessions(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<()>;

    /// Records a failed sign-in under each key, and forgets failures older than `forget_before`.
    async fn record_login_failure(
        &self,
        keys: &[String],
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Failed sign-ins under `key` since `since`.
    async fn count_login_failures(&self, key: &str, since: DateTime<Utc>) -> StoreResult<i64>;
    /// Forgets the failures under `key` (after a successful sign-in).
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;

    /// Inserts a lead with its history row.
    async fn insert_lead(&self, lead: &Lead, history: &HistoryEntry) -> StoreResult<()>;
    /// Reads a lead.
    async fn get_lead(&self, id: LeadId) -> StoreResult<Option<Lead>>;
    /// Replaces a lead if its stored version is `expected_version`; adds the history row.
    async fn update_lead(
        &self,
        lead: &Lead,
        expected_version: i64,
        history: Option<&HistoryEntry>,
    ) -> StoreResult<()>;
    /// A filtered, sorted page of leads.
    async fn list_leads(&self, filter: &LeadFilter, page: &PageRequest) -> StoreResult<Page<Lead>>;
    /// Writes a conversion atomically; returns the account actually used.
    async fn convert_lead(&self, conversion: &Conversion) -> StoreResult<AccountId>;

    /// Reads an account.
    async fn get_account(&self, id: AccountId) -> StoreResult<Option<Account>>;
    /// A filtered page of accounts.
    async fn list_accounts(
        &self,
        filter: &AccountFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Account>>;
    /// Reads a contact.
    async fn get_contact(&self, id: ContactId) -> StoreResult<Option<Contact>>;
    /// A filtered page of contacts.
    async fn list_contacts(
        &self,
        filter: &ContactFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Contact>>;
    /// Saves a user's view; one of the same user, list and name is replaced.
    async fn save_view(&self, view: &crate::domain::saved_view::SavedView) -> StoreResult<()>;
    /// A user's views of one list, by name.
    async fn saved_views(
        &self,
        user: UserId,
        list: &str,
    ) -> StoreResult<Vec<crate::domain::saved_view::SavedView>>;
    /// Deletes a user's view; `false` when they have no such view.
    async fn delete_view(&self, user: UserId, id: uuid::Uuid) -> StoreResult<bool>;
    /// Rewrites a contact that must still have version `expected`, with its history row, in
    /// one transaction (`StaleVersion` when it changed meanwhile).
    async fn change_contact(
        &self,
        contact: &Contact,
        expected: i64,
        history: &HistoryEntry,
    ) -> StoreResult<()>;

    /// Inserts an opportunity with its history row.
    async fn insert_opportunity(
        &self,
        opportunity: &Opportunity,
        history: &HistoryEntry,
    ) -> StoreResult<()>;
    /// Reads an opportunity.
    async fn get_opportunity(&self, id: OpportunityId) -> StoreResult<Option<Opportunity>>;
    /// A filtered, sorted page of opportunities.
    async fn list_opportunities(
        &self,
        filter: &OpportunityFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Opportunity>>;
    /// Applies a stage move or close atomically.
    async fn change_opportunity(&self, change: &OpportunityChange) -> StoreResult<()>;
    /// Records (or changes) a buyer-side person's role on an opportunity, with its history row.
    async fn set_opportunity_contact(
        &self,
        opportunity: OpportunityId,
        contact: ContactId,
        role: BuyerRole,
        history: &HistoryEntry,
    ) -> StoreResult<()>;
    /// The buyer-side people on an opportunity.
    async fn opportunity_contacts(
        &self,
        opportunity: OpportunityId,
    ) -> StoreResult<Vec<(Contact, BuyerRole)>>;

    /// The pipeline stages in board order.
    async fn list_stages(&self) -> StoreResult<Vec<PipelineStage>>;

    /// Inserts an activity with its history row.
    async fn insert_activity(&self, activity: &Activity) -> StoreResult<()>;
    /// A record's activities, newest first.
    async fn activities_of(&self, subject: RecordRef) -> StoreResult<Vec<Activity>>;

    /// Inserts a task.
    async fn insert_task(&self, task: &Task) -> StoreResult<()>;
    /// Reads a task.
    async fn get_task(&self, id: TaskId) -> StoreResult<Option<Task>>;
    /// Replaces a task if its stored version is `expected_version`.
    async fn update_task(&self, task: &Task, expected_version: i64) -> StoreResult<()>;
    /// A filtered page of tasks, soonest due first.
    async fn list_tasks(&self, filter: &TaskFilter, page: &PageRequest) -> StoreResult<Page<Task>>;
    /// A record's tasks, soonest due first.
    async fn tasks_of(&self, subject: RecordRef) -> StoreResult<Vec<Task>>;

    /// The playbook in force (the highest version), if one was ever saved.
    async fn current_playbook(&self) -> StoreResult<Option<Playbook>>;
    /// Saves a new playbook version; `Conflict` if that version exists (a concurrent save).
    async fn save_playbook(&self, playbook: &Playbook) -> StoreResult<()>;

    /// The scoring rules in force (the highest version), if any were saved.
    async fn current_scoring(&self) -> StoreResult<Option<(i64, ScoringRules)>>;
    /// Saves a new scoring rules version; `Conflict` if that version exists.
    async fn save_scoring(
        &self,
        version: i64,
        rules: &ScoringRules,
        at: DateTime<Utc>,
        by: Option<UserId>,
    ) -> StoreResult<()>;
    /// Stores recomputed scores (derived data: no version change, no history row).
    async fn set_lead_scores(&self, scores: &[(LeadId, LeadScore)]) -> StoreResult<()>;

    /// Records engagement events in one transaction; an event whose id is already stored
    /// (or comes earlier in the same batch) is skipped. Returns the positions of the events
    /// recorded now.
    async fn insert_events(
        &self,
        events: &[EngagementEvent],
        received_at: DateTime<Utc>,
    ) -> StoreResult<Vec<usize>>;
    /// The engagement events of each of `leads`, oldest first (by time, then id); leads
    /// without any are left out.
    async fn events_of_leads(
        &self,
        leads: &[LeadId],
    ) -> StoreResult<std::collections::HashMap<LeadId, Vec<EngagementEvent>>>;
    /// The engagement events of `kinds` only of each of `leads`, oldest first (by time, then
    /// id); leads without any are left out. What a rescore after new events reads when only
    /// some rules need the lead's past events.
    async fn events_of_leads_of_kinds(
        &self,
        leads: &[LeadId],
        kinds: &[EventKind],
    ) -> StoreResult<std::collections::HashMap<LeadId, Vec<EngagementEvent>>>;
    /// The leads with these ids (those that exist), in no particular order.
    async fn get_leads(&self, ids: &[LeadId]) -> StoreResult<Vec<Lead>>;
    /// A lead's engagement events, oldest first.
    async fn events_of(&self, lead: LeadId) -> StoreResult<Vec<EngagementEvent>>;
    /// The newest lead with this email (case-insensitive).
    async fn find_lead_by_email(&self, email: &str) -> StoreResult<Option<LeadId>>;

    /// Records events of visitors not yet known as leads; an event whose id is already
    /// stored (as a lead's event or a visitor's) is skipped. Returns how many were new.
    async fn insert_anonymous_events(
        &self,
        events: &[AnonymousEvent],
        received_at: DateTime<Utc>,
    ) -> StoreResult<usize>;
    /// The leads the visitor ids are linked to, by visitor id (ids not linked are absent).
    async fn visitor_leads(
        &self,
        visitor_ids: &[String],
    ) -> StoreResult<std::collections::HashMap<String, LeadId>>;
    /// Links a visitor id to a lead (a later link replaces an earlier one) and moves the
    /// visitor's waiting events to the lead, in one transaction; returns how many moved.
    async fn link_visitor(
        &self,
        visitor_id: &str,
        lead: LeadId,
        at: DateTime<Utc>,
    ) -> StoreResult<usize>;

    /// The closed history the win model learns from, newest first, at most `limit` of each
    /// kind: closed opportunities (with their lead's facts and the stage they were closed
    /// from) and disqualified leads that never converted.
    async fn closed_history(&self, limit: u32) -> StoreResult<Vec<ClosedRecord>>;
    /// The engagement of each lead (event counts by kind, first activity); leads without
    /// any are left out.
    async fn engagement(
        &self,
        leads: &[LeadId],
    ) -> StoreResult<std::collections::HashMap<LeadId, Engagement>>;
    /// The newest trained win model.
    async fn current_win_model(&self) -> StoreResult<Option<WinModel>>;
    /// Saves a trained model; `Conflict` if its version exists (a concurrent training).
    async fn save_win_model(&self, model: &WinModel) -> StoreResult<()>;

    /// Inserts a web form.
    async fn insert_form(&self, form: &WebForm) -> StoreResult<()>;
    /// Replaces a form if its stored version is `expected_version`.
    async fn update_form(&self, form: &WebForm, expected_version: i64) -> StoreResult<()>;
    /// Reads a form.
    async fn get_form(&self, id: FormId) -> StoreResult<Option<WebForm>>;
    /// The form with this public key.
    async fn form_by_key(&self, key: &str) -> StoreResult<Option<WebForm>>;
    /// Every form, newest first.
    async fn list_forms(&self) -> StoreResult<Vec<WebForm>>;
    /// Records a submission together with the lead it made (and the lead's history row), in
    /// one transaction.
    async fn insert_submission(
        &self,
        submission: &Submission,
        lead: Option<(&Lead, &HistoryEntry)>,
    ) -> StoreResult<()>;
    /// Accepted submissions of a form received since `since`.
    async fn count_accepted_submissions(
        &self,
        form: FormId,
        since: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// A form's submissions with `status`, newest first, at most `limit`.
    async fn list_submissions(
        &self,
        form: FormId,
        status: SubmissionStatus,
        limit: u32,
    ) -> StoreResult<Vec<Submission>>;
    /// Reads a submission.
    async fn get_submission(&self, id: SubmissionId) -> StoreResult<Option<Submission>>;
    /// Accepts a held or spam submission: inserts the lead made from it with its history
    /// row and marks the submission accepted, in one transaction. `NotFound` if it is no
    /// longer held or spam (someone accepted it first).
    async fn accept_submission(
        &self,
        id: SubmissionId,
        lead: &Lead,
        history: &HistoryEntry,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The submission that made a lead, if it came from a form.
    async fn submission_of_lead(&self, lead: LeadId) -> StoreResult<Option<Submission>>;

    /// Leads and contacts that may be the person `probe` describes: the same email, the
    /// same phone or the same company (case-insensitive), at most `limit` of each kind.
    /// Leads merged away as duplicates are left out.
    async fn people_like(&self, probe: &PersonRecord, limit: u32)
    -> StoreResult<Vec<PersonRecord>>;
    /// Lead pairs (smaller id first) sharing an email, a phone or a company
    /// (case-insensitive), at most `limit` per rule; leads merged away are left out.
    async fn lead_pairs(&self, limit: u32) -> StoreResult<Vec<(PersonRecord, PersonRecord)>>;
    /// Pairs someone marked "not the same person" (smaller id first).
    async fn dismissed_pairs(
        &self,
    ) -> StoreResult<std::collections::HashSet<(uuid::Uuid, uuid::Uuid)>>;
    /// Marks a pair "not the same person" (idempotent); the smaller id goes first.
    async fn dismiss_pair(
        &self,
        pair: (uuid::Uuid, uuid::Uuid),
        at: DateTime<Utc>,
        by: Option<UserId>,
    ) -> StoreResult<()>;
    /// Writes a lead merge atomically; `StaleVersion` if either lead changed meanwhile.
    async fn merge_leads(&self, merge: &LeadMerge) -> StoreResult<()>;
    /// An instance-wide setting (JSON text) by key.
    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    /// Saves an instance-wide setting.
    async fn save_setting(
        &self,
        key: &str,
        value: &str,
        at: DateTime<Utc>,
        by: Option<UserId>,
    ) -> StoreResult<()>;

    /// The unfinished run of this source (to resume), or a new one.
    async fn open_import_run(
        &self,
        entity: &str,
        source_digest: &str,
        file_name: &str,
        at: DateTime<Utc>,
        by: Option<UserId>,
    ) -> StoreResult<ImportRun>;
    /// Sarnakh ids of the records with these external ids, by external id.
    async fn external_records(
        &self,
        entity: &str,
        external_ids: &[String],
    ) -> StoreResult<std::collections::HashMap<String, uuid::Uuid>>;
    /// Live leads by lower-cased email (the newest when several share one).
    async fn leads_by_emails(
        &self,
        emails: &[String],
    ) -> StoreResult<std::collections::HashMap<String, LeadId>>;
    /// Accounts by name match key (names are unique by it).
    async fn accounts_by_name_keys(
        &self,
        keys: &[String],
    ) -> StoreResult<std::collections::HashMap<String, AccountId>>;
    /// Contacts by lower-cased email (the oldest when several share one).
    async fn contacts_by_emails(
        &self,
        emails: &[String],
    ) -> StoreResult<std::collections::HashMap<String, ContactId>>;
    /// Writes a batch of imported rows and the run's progress in one transaction.
    async fn write_import_batch(&self, batch: &ImportBatch) -> StoreResult<()>;
    /// A run's rejected rows, by row number.
    async fn import_rejects(&self, run: uuid::Uuid)
    -> StoreResult<Vec<crate::import::RejectedRow>>;

    /// Inserts or replaces an import job (everything but its run and chunks).
    async fn save_import_job(&self, job: &ImportJob) -> StoreResult<()>;
    /// Appends one chunk of an uploaded file.
    async fn append_import_chunk(&self, job: uuid::Uuid, seq: u32, data: &[u8]) -> StoreResult<()>;
    /// One chunk of an uploaded file, if there is one at `seq`.
    async fn import_chunk(&self, job: uuid::Uuid, seq: u32) -> StoreResult<Option<Vec<u8>>>;
    /// Deletes an uploaded file's chunks but the first, which holds the header the error
    /// file repeats (the job row stays).
    async fn trim_import_chunks(&self, job: uuid::Uuid) -> StoreResult<()>;
    /// One job (`Some(id)`) or the newest `limit` jobs, each with its run.
    async fn import_jobs(&self, id: Option<uuid::Uuid>, limit: u32) -> StoreResult<Vec<ImportJob>>;
    /// Leases the oldest queued job, or a running one whose worker has not beaten since
    /// `stale_before`, to `worker`; `None` when there is none. Two workers never get one job.
    async fn claim_import_job(
        &self,
        worker: uuid::Uuid,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<Option<ImportJob>>;
    /// Renews `worker`'s lease of a job; false when the job is no longer its.
    async fn beat_import_job(
        &self,
        job: uuid::Uuid,
        worker: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Takes the next round-robin turn of an assignment rule (0, 1, 2 ...), atomically.
    async fn next_turn(&self, rule: &str) -> StoreResult<u64>;
    /// Open leads (not converted, not closed) owned by each of `users`; users with none are
    /// left out.
    async fn open_lead_counts(
        &self,
        users: &[UserId],
    ) -> StoreResult<std::collections::HashMap<UserId, u64>>;
    /// When each lead was first contacted: its earliest call, email, meeting or demo.
    async fn first_contacts(
        &self,
        leads: &[LeadId],
    ) -> StoreResult<std::collections::HashMap<LeadId, DateTime<Utc>>>;

    /// A record's history, oldest first.
    async fn history_of(&self, subject: RecordRef) -> StoreResult<Vec<HistoryEntry>>;

    // Reports (insight): aggregate reads over the scope's period, filters, grouping and
    // visibility; see docs/REPORTS.md for each figure. Keep this block last.

    /// The funnel's figures over the scope's period: counts per group (cohort: of the leads
    /// created in the period, one pass over them and one over their closed deals; activity:
    /// the stage entries in the period), won revenue per group and currency, and the parts
    /// `wants` asks for.
    async fn report_funnel_figures(
        &self,
        scope: &crate::domain::report::ReportScope,
        mode: crate::domain::report::FunnelMode,
        wants: crate::domain::report_figures::FunnelWants,
    ) -> StoreResult<crate::domain::report_figures::FunnelFigures>;
    /// Qualifications and conversions let through by a manager's playbook override, per
    /// history kind (`qualified`, `converted`): of the cohort's leads, or recorded in the
    /// period.
    async fn report_overrides(
        &self,
        scope: &crate::domain::report::ReportScope,
        mode: crate::domain::report::FunnelMode,
    ) -> StoreResult<Vec<crate::domain::report_figures::ReasonCount>>;
    /// Loss reasons of the deals lost in the period (deal filters and visibility).
    async fn report_loss_reasons(
        &self,
        scope: &crate::domain::report::ReportScope,
    ) -> StoreResult<Vec<crate::domain::report_figures::ReasonCount>>;
    /// Open deals per stage: how many, and how many stuck since `stuck_since` (deal filters
    /// and visibility; period: expected close date). The counts of
    /// [`Store::report_pipeline`] without its sums, for a view that shows no more.
    async fn report_stage_counts(
        &self,
        scope: &crate::domain::report::ReportScope,
        stuck_since: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::domain::report_figures::StageCount>>;
    /// Open deals per stage and currency: count, amount and weighted amount (deal filters
    /// and visibility; period: expected close date). The sums of [`Store::report_pipeline`]
    /// without its ages, stuck deals and predictions, for a view that shows no more.
    async fn report_stage_totals(
        &self,
        scope: &crate::domain::report::ReportScope,
    ) -> StoreResult<Vec<crate::domain::report_figures::StageTotal>>;
    /// Open deals per stage, group and currency (period: expected close date).
    async fn report_pipeline(
        &self,
        scope: &crate::domain::report::ReportScope,
        now: DateTime<Utc>,
        stuck_since: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::domain::report_figures::PipelineCell>>;
    /// Deals closed in the period per group and currency.
    async fn report_win_loss(
        &self,
        scope: &crate::domain::report::ReportScope,
    ) -> StoreResult<Vec<crate::domain::report_figures::WinLossCell>>;
    /// Seconds from creation to close of each deal won in the period.
    async fn report_cycle_seconds(
        &self,
        scope: &crate::domain::report::ReportScope,
    ) -> StoreResult<Vec<i64>>;
    /// Each lead created in the period with its group and first contact.
    async fn report_first_contacts(
        &self,
        scope: &crate::domain::report::ReportScope,
    ) -> StoreResult<Vec<crate::domain::report_figures::FirstContact>>;
    /// Activities in the period per owner and kind (owners filter, deal visibility).
    async fn report_activities(
        &self,
        scope: &crate::domain::report::ReportScope,
    ) -> StoreResult<Vec<crate::domain::report_figures::ActivityCell>>;
    /// Open follow-ups due before `now` per owner (owners filter, deal visibility).
    async fn report_overdue_tasks(
        &self,
        scope: &crate::domain::report::ReportScope,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<(Option<String>, u64)>>;
    /// Every stored exchange rate.
    async fn exchange_rates(&self) -> StoreResult<Vec<crate::domain::report_money::ExchangeRate>>;
    /// Adds or replaces rates (by currency and effective day), all or none.
    async fn save_exchange_rates(
        &self,
        rates: &[crate::domain::report_money::ExchangeRate],
        at: DateTime<Utc>,
        by: Option<UserId>,
    ) -> StoreResult<()>;
    /// Every recorded campaign cost.
    async fn campaign_costs(&self) -> StoreResult<Vec<crate::domain::report_money::CampaignCost>>;
    /// Adds or replaces campaign costs (by campaign and first day), all or none.
    async fn save_campaign_costs(
        &self,
        costs: &[crate::domain::report_money::CampaignCost],
        at: DateTime<Utc>,
        by: Option<UserId>,
    ) -> StoreResult<()>;
    /// Open deals expected in each span and deals won in each span (category `closed`),
    /// per group, category and currency (deal filters and visibility). With `loose_before`,
    /// also the open deals expected before that day (slot overdue) or without a date (slot
    /// undated), from the same read of the open deals.
    async fn report_forecast(
        &self,
        scope: &crate::domain::report::ReportScope,
        spans: &[crate::domain::forecast::Span],
        loose_before: Option<NaiveDate>,
    ) -> StoreResult<Vec<crate::domain::forecast::ForecastCell>>;
    /// Only the deals won in each span (category `closed`) of [`Store::report_forecast`]:
    /// what forecast accuracy compares a snapshot with.
    async fn report_forecast_won(
        &self,
        scope: &crate::domain::report::ReportScope,
        spans: &[crate::domain::forecast::Span],
    ) -> StoreResult<Vec<crate::domain::forecast::ForecastCell>>;
    /// Stores a forecast snapshot with its lines, replacing the same day's, all or none.
    async fn save_forecast_snapshot(
        &self,
        snapshot: &crate::domain::forecast::Snapshot,
        lines: &[crate::domain::forecast::SnapshotLine],
    ) -> StoreResult<()>;
    /// Every forecast snapshot's header, oldest first.
    async fn forecast_snapshots(&self) -> StoreResult<Vec<crate::domain::forecast::Snapshot>>;
    /// One snapshot's lines.
    async fn forecast_snapshot_lines(
        &self,
        id: uuid::Uuid,
    ) -> StoreResult<Vec<crate::domain::forecast::SnapshotLine>>;
    /// Every forecast target.
    async fn forecast_targets(&self) -> StoreResult<Vec<crate::domain::forecast::Target>>;
    /// Sets a target, replacing the one of the same period and scope.
    async fn save_forecast_target(
        &self,
        target: &crate::domain::forecast::Target,
    ) -> StoreResult<()>;
    /// Removes a target; false when none has that id.
    async fn delete_forecast_target(&self, id: uuid::Uuid) -> StoreResult<bool>;
    /// Stores open deals' predicted win probabilities in basis points (a derived value: no
    /// version change, no history), with the model version; all or none.
    async fn set_win_predictions(
        &self,
        predictions: &[(OpportunityId, u16)],
        model_version: i64,
    ) -> StoreResult<()>;
}
