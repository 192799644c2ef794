//! The indexer: the only owner of the `IndexWriter`. It tails the outbox, re-reads each changed
//! listing from the database and replaces its document (or removes it when it is no longer
//! public). Applying a change is idempotent, so replaying part of the outbox after a crash is
//! harmless; the commit payload records how far it got.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use tantivy::{IndexWriter, TantivyDocument, Term};
use tokio::sync::{Notify, watch};

use super::{SearchIndex, schema};
use crate::domain::{Listing, Status, Taxonomy};
use crate::store::Store;

/// Outbox rows applied per commit.
const BATCH: i64 = 2_000;
/// Listings read per database round trip during a rebuild.
const REBUILD_BATCH: i64 = 5_000;
/// How often the outbox is polled when nobody in this process wakes the indexer (writes by
/// other processes: the CLI, other nodes).
const POLL: Duration = Duration::from_millis(200);
/// Indexing heap for the writer, shared by its threads.
const WRITER_HEAP: usize = 256 * 1024 * 1024;

pub struct Indexer {
    store: Store,
    index: Arc<SearchIndex>,
    writer: Arc<Mutex<IndexWriter>>,
    wake: Arc<Notify>,
}

impl Indexer {
    /// Takes the index's single writer lock; fails when another process holds it.
    pub fn new(store: Store, index: Arc<SearchIndex>) -> anyhow::Result<Indexer> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get().clamp(1, 4))
            .unwrap_or(1);
        let writer = index
            .tantivy()
            .writer_with_num_threads(threads, WRITER_HEAP)
            .context("de index is in gebruik door een ander proces (draait de server nog?)")?;
        Ok(Indexer {
            store,
            index,
            writer: Arc::new(Mutex::new(writer)),
            wake: Arc::new(Notify::new()),
        })
    }

    /// A handle that makes the running indexer look at the outbox now.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    async fn refresh_taxonomy(&self) -> anyhow::Result<Taxonomy> {
        let taxonomy = self.store.load_taxonomy().await?;
        self.index.set_taxonomy(taxonomy.clone());
        Ok(taxonomy)
    }

    /// Brings the index up to the newest outbox entry. A never-built index is rebuilt from the
    /// database instead of replaying the whole outbox.
    pub async fn catch_up(&self) -> anyhow::Result<()> {
        let taxonomy = self.refresh_taxonomy().await?;
        let Some(mut applied) = self.index.applied_seq() else {
            return self.rebuild().await;
        };
        loop {
            let batch = self.store.outbox_after(applied, BATCH).await?;
            let Some(last) = batch.last() else {
                return Ok(());
            };
            let last_seq = last.seq;
            let mut seen = HashSet::new();
            let ids: Vec<i64> = batch
                .iter()
                .map(|e| e.listing_id)
                .filter(|id| seen.insert(*id))
                .collect();
            let listings = self.store.find_listings(&ids).await?;
            self.write(ids, listings, &taxonomy, Some(last_seq)).await?;
            applied = last_seq;
        }
    }

    /// Replaces the whole index with the database's public listings.
    pub async fn rebuild(&self) -> anyhow::Result<()> {
        let taxonomy = self.refresh_taxonomy().await?;
        // Read the outbox position first: changes committed while we copy have a higher
        // sequence and are applied again afterwards, which is harmless.
        let seq = self.store.latest_outbox_seq().await?;
        let writer = self.writer.clone();
        tokio::task::spawn_blocking(move || lock(&writer).delete_all_documents().map(|_| ()))
            .await??;
        let mut after = 0;
        loop {
            let listings = self.store.listings_after(after, REBUILD_BATCH).await?;
            let Some(last) = listings.last() else { break };
            after = last.id;
            self.write(Vec::new(), listings, &taxonomy, None).await?;
        }
        self.commit(seq).await?;
        tracing::info!(seq, docs = self.index.num_docs(), "index opnieuw opgebouwd");
        Ok(())
    }

    /// Deletes the documents of `deleted` and adds the public ones among `listings`; commits
    /// when `commit_seq` is given.
    async fn write(
        &self,
        deleted: Vec<i64>,
        listings: Vec<Listing>,
        taxonomy: &Taxonomy,
        commit_seq: Option<i64>,
    ) -> anyhow::Result<()> {
        let fields = *self.index.fields();
        let docs: Vec<TantivyDocument> = listings
            .iter()
            .filter(|l| l.status == Status::Gepubliceerd)
            .map(|l| schema::listing_document(&fields, l, taxonomy))
            .collect();
        let writer = self.writer.clone();
        tokio::task::spawn_blocking(move || -> tantivy::Result<()> {
            let w = lock(&writer);
            for id in deleted {
                w.delete_term(Term::from_field_u64(fields.id, id as u64));
            }
            for doc in docs {
                w.add_document(doc)?;
            }
            Ok(())
        })
        .await??;
        if let Some(seq) = commit_seq {
            self.commit(seq).await?;
        }
        Ok(())
    }

    async fn commit(&self, seq: i64) -> anyhow::Result<()> {
        let writer = self.writer.clone();
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || -> tantivy::Result<()> {
            let mut w = lock(&writer);
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&index.commit_payload(seq));
            prepared.commit()?;
            drop(w);
            index.reload(seq)
        })
        .await??;
        Ok(())
    }

    /// Tails the outbox until `shutdown` turns true; errors (a database outage) are logged and
    /// retried with a back-off, never fatal.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut failures = 0u32;
        loop {
            match self.catch_up().await {
                Ok(()) => failures = 0,
                Err(e) => {
                    failures = failures.saturating_add(1);
                    tracing::warn!(error = %format!("{e:#}"), failures, "indexeren mislukt");
                }
            }
            let pause = if failures == 0 {
                POLL
            } else {
                Duration::from_millis(200 * u64::from(failures.min(25)))
            };
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.wait_for(|stop| *stop) => break,
            }
        }
        // Wait for merges so the last commit is fully on disk before the process exits.
        let writer = self.writer.clone();
        let _ = tokio::task::spawn_blocking(move || {
            let w = match Arc::try_unwrap(writer) {
                Ok(m) => m.into_inner().unwrap_or_else(|p| p.into_inner()),
                Err(_) => return,
            };
            let _ = w.wait_merging_threads();
        })
        .await;
    }
}

fn lock(writer: &Mutex<IndexWriter>) -> std::sync::MutexGuard<'_, IndexWriter> {
    writer.lock().unwrap_or_else(|p| p.into_inner())
}
