//! Use cases: one function per thing a user does, called by every front door (JSON API,
//! CLI, demo generator, later the web UI and importers). Each one validates, applies the
//! domain rules and persists through the [`Store`] port in one atomic store call.

mod accounts;
mod activities;
mod assign;
mod auth;
mod calendar;
mod contact_edit;
mod content;
mod convert;
mod coordination;
mod duplicates;
mod events;
mod experiments;
mod forms;
mod fresh;
mod history_page;
mod import;
mod leads;
mod mail;
mod opportunities;
mod opportunity_update;
mod playbook;
mod prediction;
mod prediction_batch;
mod record_lists;
mod reports;
mod routing;
mod scoring;
mod sessions;
mod stages;
mod timeline;
mod users;
mod views;
mod webhooks;

pub use activities::{ActivityDraft, TaskDraft};
pub use assign::{BulkAssignOutcome, MAX_BULK_ASSIGN};
pub use contact_edit::ContactPatch;
pub use content::NextContent;
pub use convert::{ConvertDraft, ConvertOutcome};
pub use coordination::MAX_JOB_RUNS;
pub use duplicates::{DuplicatePair, MAX_PAIRS, MergeInput};
pub use events::{IngestReport, RejectedEvent};
pub use experiments::{AssignInput, AssignOutcome, MAX_ASSIGN_IDS};
pub use forms::{
    HONEYPOT_FIELD, SHOWN_AT_FIELD, SubmissionInput, SubmissionOutcome, VISITOR_FIELD,
};
pub use history_page::{HistoryPage, MAX_HISTORY_PAGE};
pub use import::{
    DEFAULT_BATCH, IMPORT_CHUNK_BYTES, ImportOutcome, ImportSource, LEASE, MAX_IMPORT_BYTES,
    job_digest,
};
pub use leads::{LeadPatch, LifecycleInput};
pub use mail::{
    Digest, FinishedMail, MAIL_LOG_KEEP_DAYS, MAX_MAIL_ATTEMPTS, Settled, SlaAlert, zone_of,
};
pub use opportunities::{CloseDraft, OpportunityDetail};
pub use opportunity_update::OpportunityPatch;
pub use playbook::LeadReadiness;
pub use prediction::{HISTORY_LIMIT, Method, WinPrediction};
pub use prediction_batch::basis_points;
pub use record_lists::BulkOwnerOutcome;
pub use reports::{
    AccuracyGroup, AccuracyPeriod, AccuracyReport, AccuracyRow, ActivityReport, CategoryFigures,
    CohortSummary, Comparison, ContentReport, ContentRow, CostInput, CurrencyTotal,
    ExperimentReport, ForecastPeriod, ForecastReport, ForecastRow, FunnelReport, MAX_PERIODS,
    PipelineReport, RateInput, RateSheet, RepActivity, STEPS, SourceRow, SourcesReport, StepTest,
    TargetInput, VariantResult, WinLossAmount, WinLossReport, WinLossRow,
};
pub use routing::{Inbox, InboxLead};
pub use scoring::RESCORE_BATCH;
pub use sessions::SignedIn;
pub use stages::{MAX_STAGE_VERSIONS, StageSettings};
pub use timeline::{TimelineEntry, TimelineItem};
pub use webhooks::MAX_DELIVERIES;

pub use crate::policy::{Actor, Principal, Rights};

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::store::{Store, StoreError};
use std::sync::Arc;

/// The use cases over one store and one clock. Cheap to clone (clones share the settings
/// cache).
#[derive(Clone)]
pub struct Services {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: Arc<std::sync::Mutex<SettingsCache>>,
    /// The scoring rules and running experiments, cached like the settings.
    hot: Arc<fresh::HotReads>,
    /// Whether webhook URLs may point at loopback and private addresses (testing, intranets).
    webhook_allow_private: bool,
}

/// Instance-wide settings read on every capture (duplicate policy, assignment rules ...),
/// kept for [`SETTINGS_TTL`]: a change made through this process shows at once, one made by
/// another server instance within the TTL.
type SettingsCache = std::collections::HashMap<String, (std::time::Instant, Option<String>)>;

/// How long a cached setting is trusted.
const SETTINGS_TTL: std::time::Duration = std::time::Duration::from_secs(5);

impl Services {
    /// A setting's stored JSON, from the cache while it is fresh.
    async fn cached_setting(&self, key: &str) -> Result<Option<String>> {
        if let Some((at, value)) = self.settings_lock().get(key)
            && at.elapsed() < SETTINGS_TTL
        {
            return Ok(value.clone());
        }
        let value = self.store.setting(key).await?;
        self.settings_lock()
            .insert(key.to_owned(), (std::time::Instant::now(), value.clone()));
        Ok(value)
    }

    /// Remembers a setting just written by this process.
    fn remember_setting(&self, key: &str, value: String) {
        self.settings_lock()
            .insert(key.to_owned(), (std::time::Instant::now(), Some(value)));
    }

    fn settings_lock(&self) -> std::sync::MutexGuard<'_, SettingsCache> {
        self.settings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Use cases on `store` with the wall clock.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_clock(store, Arc::new(SystemClock))
    }

    /// Use cases on `store` with a given clock (tests, demo data).
    pub fn with_clock(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            settings: Arc::default(),
            hot: Arc::default(),
            webhook_allow_private: false,
        }
    }

    /// Lets webhook subscriptions point at loopback and private addresses (the
    /// `webhook_allow_private` setting: testing and on-premises intranets only).
    pub fn allow_private_webhooks(mut self, allow: bool) -> Self {
        self.webhook_allow_private = allow;
        self
    }

    /// Whether webhook URLs may point at loopback and private addresses.
    pub fn webhooks_allow_private(&self) -> bool {
        self.webhook_allow_private
    }

    /// The store, for readiness checks.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

/// `Some(value)` or a not-found error naming the entity and id.
fn found<T>(value: Option<T>, entity: &'static str, id: impl ToString) -> Result<T> {
    value.ok_or_else(|| Error::not_found(entity, id))
}

/// Maps a stale-version write to a precondition failure carrying the current version.
async fn stale_to_precondition<F, Fut>(error: StoreError, current: F) -> Error
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Option<i64>>,
{
    match error {
        StoreError::StaleVersion => Error::PreconditionFailed {
            current: current().await.unwrap_or_default(),
        },
        other => other.into(),
    }
}

/// Refuses a write when the caller's `If-Match` version differs from the stored one.
fn check_version(expected: Option<i64>, stored: i64) -> Result<()> {
    match expected {
        Some(v) if v != stored => Err(Error::PreconditionFailed { current: stored }),
        _ => Ok(()),
    }
}
