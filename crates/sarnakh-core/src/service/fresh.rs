//! Values every capture reads and people rarely change (the scoring rules in force, the
//! running experiments), kept like the settings for [`SETTINGS_TTL`]: a change made through
//! this process shows at once, one made by another server instance or the CLI within the
//! TTL. Holds nothing that depends on who asks.

use super::SETTINGS_TTL;
use crate::domain::experiment::Experiment;
use crate::domain::scoring::ScoringRules;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// The capture path's cached reads, shared by every clone of the services.
#[derive(Default)]
pub(super) struct HotReads {
    /// The scoring rules in force and their version.
    pub(super) scoring: Fresh<Arc<(i64, ScoringRules)>>,
    /// The experiments that take new leads.
    pub(super) running: Fresh<Arc<Vec<Experiment>>>,
}

/// One value and when it was read.
pub(super) struct Fresh<T>(Mutex<Option<(Instant, T)>>);

impl<T> Default for Fresh<T> {
    fn default() -> Self {
        Self(Mutex::new(None))
    }
}

impl<T: Clone> Fresh<T> {
    /// The value, while it is younger than the TTL.
    pub(super) fn get(&self) -> Option<T> {
        match &*self.0.lock().unwrap_or_else(PoisonError::into_inner) {
            Some((at, value)) if at.elapsed() < SETTINGS_TTL => Some(value.clone()),
            _ => None,
        }
    }

    /// The value while it is younger than the TTL, else what `load` reads (kept from now).
    pub(super) async fn get_or_load<E, Fut>(&self, load: impl FnOnce() -> Fut) -> Result<T, E>
    where
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.get() {
            return Ok(value);
        }
        let value = load().await?;
        self.put(value.clone());
        Ok(value)
    }

    /// Keeps `value` as read (or written) now.
    pub(super) fn put(&self, value: T) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some((Instant::now(), value));
    }

    /// Drops the value: the next read goes to the store.
    pub(super) fn forget(&self) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}
