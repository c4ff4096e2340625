//! Group commit for captured leads.
//!
//! SQLite has one writer, and a commit costs far more than the two rows of a capture: every
//! commit writes the touched pages of the lead table, its indexes and the history to the
//! log. Captures that arrive while a batch is being written therefore wait in a queue, and
//! one task, the queue's leader, stores every waiting capture in one transaction (many rows
//! per statement) and answers each of them after the commit, then takes the next batch, until
//! the queue is empty. A capture is answered only once its rows are durable, exactly as with
//! a transaction of its own; at low load the queue holds one capture and nothing changes.
//!
//! Only the leader asks the pool for the writer, once per batch: a capture that waits does
//! not take the writer's connection in turn just to find its row already written (each such
//! turn is two round trips to the connection's thread, one behind the other, while the next
//! batch waits). The leader gives the connection back after each batch, so other writes take
//! their turns between batches.
//!
//! If the shared transaction fails (a lead whose owner was deleted meanwhile, say), each
//! capture of the batch is stored again in a transaction of its own, so one bad capture
//! fails alone and the others are kept.

use crate::history::{insert_histories, insert_history};
use crate::leads::write_lead;
use crate::{SqliteStore, backend};
use sarnakh_core::domain::{HistoryEntry, Lead};
use sarnakh_core::store::StoreError;
use sqlx::pool::PoolConnection;
use sqlx::{Connection, Sqlite};
use std::sync::Mutex;
use tokio::sync::oneshot;

/// A capture waiting for the writer, and where its answer goes.
struct Waiting {
    row: (Lead, HistoryEntry),
    answer: oneshot::Sender<Result<(), StoreError>>,
}

/// The captures waiting for the writer, and whether a leader is writing them.
#[derive(Default)]
pub(crate) struct CaptureQueue {
    state: Mutex<Queue>,
}

#[derive(Default)]
struct Queue {
    waiting: Vec<Waiting>,
    /// A leader task is running: it will take whatever is queued.
    leading: bool,
}

impl CaptureQueue {
    /// Queues a capture; `true` when no leader is running and the caller must start one.
    fn push(&self, w: Waiting) -> bool {
        let mut q = self.state.lock().expect("capture queue");
        q.waiting.push(w);
        !std::mem::replace(&mut q.leading, true)
    }

    /// `true` when nothing waits, and the leader stands down (under the same lock as
    /// [`Self::push`], so a capture queued just after finds no leader and starts one).
    fn stand_down_if_empty(&self) -> bool {
        let mut q = self.state.lock().expect("capture queue");
        if q.waiting.is_empty() {
            q.leading = false;
        }
        !q.leading
    }

    /// The leader's next batch: every waiting capture (only the leader takes them, so what
    /// it saw waiting is still there).
    fn take(&self) -> Vec<Waiting> {
        std::mem::take(&mut self.state.lock().expect("capture queue").waiting)
    }

    #[cfg(test)]
    fn queued(&self) -> usize {
        self.state.lock().expect("capture queue").waiting.len()
    }
}

impl SqliteStore {
    /// Stores a captured lead and its "created" history row, committed together with the
    /// other captures waiting for the writer; returns once they are committed.
    pub(crate) async fn insert_lead_tx(
        &self,
        lead: &Lead,
        history: &HistoryEntry,
    ) -> Result<(), StoreError> {
        let (answer, answered) = oneshot::channel();
        let lead_the_queue = self.captures.push(Waiting {
            row: (lead.clone(), history.clone()),
            answer,
        });
        if lead_the_queue {
            // A task of its own, so a caller that goes away cannot stop a batch that other
            // callers wait for half way.
            tokio::spawn(self.clone().lead_captures());
        }
        answered.await.unwrap_or_else(|_| {
            Err(StoreError::Backend(
                "the capture's transaction was abandoned".into(),
            ))
        })
    }

    /// The queue's leader: takes the writer and writes the waiting captures, batch after
    /// batch, until none is left. It looks at the queue before asking for the writer, so an
    /// empty queue costs no turn of the writer.
    async fn lead_captures(self) {
        while !self.captures.stand_down_if_empty() {
            let conn = self.write.acquire().await;
            // Taken once the writer is ours: captures that queued meanwhile join the batch.
            let batch = self.captures.take();
            match conn {
                Ok(conn) => commit(conn, batch).await,
                Err(e) => {
                    let message = e.to_string();
                    for w in batch {
                        let _ = w.answer.send(Err(StoreError::Backend(message.clone())));
                    }
                }
            }
        }
    }
}

/// Stores a batch in one transaction and answers each capture; when that fails, stores each
/// capture in a transaction of its own. A caller that went away has dropped its receiver; its
/// capture is stored all the same.
async fn commit(mut conn: PoolConnection<Sqlite>, batch: Vec<Waiting>) {
    let (rows, answers): (Vec<_>, Vec<_>) = batch.into_iter().map(|w| (w.row, w.answer)).unzip();
    if rows.len() > 1 && write_together(&mut conn, &rows).await.is_ok() {
        for answer in answers {
            let _ = answer.send(Ok(()));
        }
        return;
    }
    for ((lead, history), answer) in rows.iter().zip(answers) {
        let _ = answer.send(write_alone(&mut conn, lead, history).await);
    }
}

async fn write_together(
    conn: &mut PoolConnection<Sqlite>,
    rows: &[(Lead, HistoryEntry)],
) -> Result<(), StoreError> {
    let mut tx = conn.begin().await.map_err(backend)?;
    crate::imports::insert_leads(&mut tx, rows).await?;
    let histories: Vec<&HistoryEntry> = rows.iter().map(|(_, h)| h).collect();
    insert_histories(&mut tx, &histories).await?;
    tx.commit().await.map_err(backend)
}

async fn write_alone(
    conn: &mut PoolConnection<Sqlite>,
    lead: &Lead,
    history: &HistoryEntry,
) -> Result<(), StoreError> {
    let mut tx = conn.begin().await.map_err(backend)?;
    write_lead(&mut tx, lead, None).await?;
    insert_history(&mut tx, history).await?;
    tx.commit().await.map_err(backend)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sarnakh_testkit::Fixture;
    use sarnakh_testkit::conformance::{capture_template, check_captures, start_captures};
    use std::sync::Arc;
    use std::time::Duration;

    /// The linked SQLite keeps a statement's undo record in memory up to 8 MiB (set in the
    /// workspace's `.cargo/config.toml`): a batch of captures would otherwise write it to a
    /// temporary file, a system call per page (docs/ARCHITECTURE.md, "SQLite as built").
    #[tokio::test]
    async fn statement_journals_stay_in_memory_up_to_8_mib() {
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .expect("connect");
        let options: Vec<String> = sqlx::query_scalar("pragma compile_options")
            .fetch_all(&mut conn)
            .await
            .expect("compile options");
        assert!(
            options.iter().any(|o| o == "STMTJRNL_SPILL=8388608"),
            "SQLite was built without LIBSQLITE3_FLAGS from .cargo/config.toml: {options:?}"
        );
    }

    /// Captures that queue behind a busy writer are all taken by the next one to get it and
    /// committed in one transaction; with a refused capture among them, the batch falls back
    /// to one transaction each, and only the refused one fails.
    #[tokio::test]
    async fn captures_waiting_for_the_writer_are_committed_together() {
        for bad in [false, true] {
            let path = std::env::temp_dir()
                .join(format!("sarnakh-captures-{}-{bad}.db", std::process::id()));
            let store = SqliteStore::open(&format!("sqlite://{}", path.display()))
                .await
                .expect("open");
            let f = Fixture::new(Arc::new(store.clone())).await;
            let template = capture_template(&f).await;
            let held = store.write.acquire().await.expect("hold the writer");
            let round = start_captures(&f.store, &template, 30, bad);
            let expected = 30 + usize::from(bad);
            let mut waited = Duration::ZERO;
            while store.captures.queued() < expected {
                assert!(
                    waited < Duration::from_secs(10),
                    "the captures never queued"
                );
                tokio::time::sleep(Duration::from_millis(2)).await;
                waited += Duration::from_millis(2);
            }
            drop(held);
            check_captures(&f.store, round).await;
            assert_eq!(store.captures.queued(), 0);
            store.write.close().await;
            store.read.close().await;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
}
