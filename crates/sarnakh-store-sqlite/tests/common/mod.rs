//! Shared by the plan tests: a tracing layer that records every statement sqlx sends, and a
//! fresh migrated store. Each plan test is a test binary of its own, since the recorder is the
//! process's only subscriber.

use sarnakh_core::store::Store;
use sarnakh_store_sqlite::SqliteStore;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

/// Every statement sqlx sends while it is installed.
#[derive(Clone, Default)]
pub struct Recorder(Arc<Mutex<BTreeSet<String>>>);

impl Recorder {
    /// Installs a recorder as the process's tracing subscriber (once per test binary).
    pub fn install() -> Self {
        let recorder = Recorder::default();
        let subscriber = tracing_subscriber::registry().with(recorder.clone()).with(
            tracing_subscriber::filter::Targets::new()
                .with_target("sqlx::query", tracing::Level::DEBUG),
        );
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        recorder
    }

    /// The distinct statements recorded so far, in text order.
    pub fn statements(&self) -> Vec<String> {
        self.0.lock().expect("recorder").iter().cloned().collect()
    }
}

#[derive(Default)]
struct Statement {
    summary: Option<String>,
    full: Option<String>,
}

impl Visit for Statement {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = Some(value.to_owned()),
            "db.statement" => self.full = Some(value.trim().to_owned()),
            _ => {}
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Recorder {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut s = Statement::default();
        event.record(&mut s);
        // sqlx leaves the full text empty when the summary is the whole statement.
        if let Some(sql) = s.full.filter(|f| !f.is_empty()).or(s.summary) {
            self.0.lock().expect("recorder").insert(sql);
        }
    }
}

/// A fresh migrated store in its own directory.
pub async fn fresh(dir: &std::path::Path, n: usize) -> (String, Arc<dyn Store>) {
    let url = format!("sqlite://{}", dir.join(format!("paths-{n}.db")).display());
    let store = SqliteStore::open(&url).await.expect("open");
    (url, Arc::new(store))
}
