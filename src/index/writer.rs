//! The indexer: the only owner of the `IndexWriter`, and the one place that decides what a
//! change touches in search. It tails the change feed (the outbox), fans each changed entity out
//! to the documents it affects (an item: itself; an organisation: its items; a taxonomy term:
//! the taxonomy cache and the items whose text holds its label), re-reads those items and
//! replaces their documents (or removes them when they are no longer public). Applying a change
//! is idempotent, so replaying part of the feed after a crash is harmless; the commit payload
//! records how far it got.

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use tantivy::{IndexWriter, TantivyDocument, Term};
use tokio::sync::{Notify, watch};

use super::{SearchIndex, schema};
use crate::domain::lexicon::LexiconEntry;
use crate::domain::taxonomy::TermKind;
use crate::domain::{Change, Listing, Status, Taxonomy};

/// What the indexer reads: the change feed and the current state of what changed. The store
/// implements it (wired in `app.rs`); the index layer knows nothing of SQL.
pub trait ChangeFeed: Send + Sync + 'static {
    /// Up to `limit` changes after position `seq`, in order.
    fn changes_after(
        &self,
        seq: i64,
        limit: i64,
    ) -> impl Future<Output = anyhow::Result<Vec<(i64, Change)>>> + Send;
    /// The newest position of the feed (0 when empty).
    fn latest_seq(&self) -> impl Future<Output = anyhow::Result<i64>> + Send;
    /// The items with these ids, whatever their status; missing ids are skipped.
    fn listings(&self, ids: &[i64]) -> impl Future<Output = anyhow::Result<Vec<Listing>>> + Send;
    /// Up to `limit` items with id above `after_id`, in id order: the rebuild feed.
    fn listings_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> impl Future<Output = anyhow::Result<Vec<Listing>>> + Send;
    /// Ids of an organisation's items.
    fn listing_ids_of_organisation(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = anyhow::Result<Vec<i64>>> + Send;
    /// Ids of the items linked to a taxonomy term.
    fn listing_ids_with_term(
        &self,
        kind: TermKind,
        key: &str,
    ) -> impl Future<Output = anyhow::Result<Vec<i64>>> + Send;
    /// The whole taxonomy.
    fn taxonomy(&self) -> impl Future<Output = anyhow::Result<Taxonomy>> + Send;
    /// Editors' synonym groups and situations.
    fn lexicon_entries(&self) -> impl Future<Output = anyhow::Result<Vec<LexiconEntry>>> + Send;
}

/// Outbox rows applied per commit.
const BATCH: i64 = 2_000;
/// Listings read per database round trip during a rebuild.
const REBUILD_BATCH: i64 = 5_000;
/// How often the outbox is polled when nobody in this process wakes the indexer (writes by
/// other processes: the CLI, other nodes).
const POLL: Duration = Duration::from_millis(200);
/// Indexing heap for the writer, shared by its threads.
const WRITER_HEAP: usize = 256 * 1024 * 1024;

pub struct Indexer<F> {
    feed: F,
    index: Arc<SearchIndex>,
    writer: Arc<Mutex<IndexWriter>>,
    wake: Arc<Notify>,
    /// False until this indexer has loaded the taxonomy once; afterwards only term changes in
    /// the feed reload it.
    taxonomy_loaded: AtomicBool,
}

impl<F: ChangeFeed> Indexer<F> {
    /// Takes the index's single writer lock; fails when another process holds it.
    pub fn new(feed: F, index: Arc<SearchIndex>) -> anyhow::Result<Indexer<F>> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get().clamp(1, 4))
            .unwrap_or(1);
        let writer = open_writer(index.tantivy(), threads, WRITER_HEAP)?;
        Ok(Indexer {
            feed,
            index,
            writer: Arc::new(Mutex::new(writer)),
            wake: Arc::new(Notify::new()),
            taxonomy_loaded: AtomicBool::new(false),
        })
    }

    /// A handle that makes the running indexer look at the outbox now.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Reloads the taxonomy into the one cache every request reads.
    async fn refresh_taxonomy(&self) -> anyhow::Result<Taxonomy> {
        let taxonomy = self.feed.taxonomy().await?;
        self.index.set_taxonomy(taxonomy.clone());
        self.taxonomy_loaded.store(true, Ordering::Release);
        Ok(taxonomy)
    }

    /// Rebuilds the query lexicon from the shipped files and editors' entries.
    async fn refresh_lexicon(&self) -> anyhow::Result<()> {
        let entries = self.feed.lexicon_entries().await?;
        self.index
            .set_lexicon(crate::search::lexicon::Lexicon::with_entries(&entries));
        Ok(())
    }

    /// Brings the index up to the newest change. A never-built index is rebuilt from the
    /// database instead of replaying the whole feed.
    pub async fn catch_up(&self) -> anyhow::Result<()> {
        let Some(mut applied) = self.index.applied_seq() else {
            return self.rebuild().await;
        };
        if !self.taxonomy_loaded.load(Ordering::Acquire) {
            // First pass of this process: the caches are loaded whole, since changes before
            // the index's position are not replayed.
            self.refresh_lexicon().await?;
            self.refresh_taxonomy().await?;
        }
        loop {
            let batch = self.feed.changes_after(applied, BATCH).await?;
            let Some(&(last_seq, _)) = batch.last() else {
                return Ok(());
            };
            let taxonomy = if batch.iter().any(|(_, c)| matches!(c, Change::Term(..))) {
                self.refresh_taxonomy().await?
            } else {
                self.index.facet_space().taxonomy.clone()
            };
            if batch.iter().any(|(_, c)| matches!(c, Change::Lexicon)) {
                self.refresh_lexicon().await?;
            }
            let ids = self.affected_listings(&batch).await?;
            let listings = self.feed.listings(&ids).await?;
            self.write(ids, listings, &taxonomy, Some(last_seq)).await?;
            applied = last_seq;
        }
    }

    /// The items whose documents a batch of changes touches, each once, in first-seen order.
    async fn affected_listings(&self, batch: &[(i64, Change)]) -> anyhow::Result<Vec<i64>> {
        let mut seen = HashSet::new();
        let mut ids = Vec::new();
        let mut add = |list: Vec<i64>| {
            ids.extend(list.into_iter().filter(|id| seen.insert(*id)));
        };
        let mut done = HashSet::new();
        for (_, change) in batch {
            if !done.insert(change) {
                continue;
            }
            match change {
                Change::Listing(id) => add(vec![*id]),
                Change::Organisation(id) => add(self.feed.listing_ids_of_organisation(*id).await?),
                // Wijk and age-group labels are not in the text; the facet space picks up their
                // new keys and bounds without touching a document.
                Change::Term(kind, key) if kind.label_is_searchable() => {
                    add(self.feed.listing_ids_with_term(*kind, key).await?)
                }
                Change::Term(..) => {}
                // Applied to queries only: no document changes.
                Change::Lexicon => {}
            }
        }
        Ok(ids)
    }

    /// Replaces the whole index with the database's public listings.
    pub async fn rebuild(&self) -> anyhow::Result<()> {
        self.refresh_lexicon().await?;
        let taxonomy = self.refresh_taxonomy().await?;
        // Read the outbox position first: changes committed while we copy have a higher
        // sequence and are applied again afterwards, which is harmless.
        let seq = self.feed.latest_seq().await?;
        let writer = self.writer.clone();
        tokio::task::spawn_blocking(move || lock(&writer).delete_all_documents().map(|_| ()))
            .await??;
        let mut after = 0;
        loop {
            let listings = self.feed.listings_after(after, REBUILD_BATCH).await?;
            let Some(last) = listings.last() else { break };
            after = last.id;
            self.write(Vec::new(), listings, &taxonomy, None).await?;
        }
        let writer = self.writer.clone();
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || -> tantivy::Result<()> {
            let mut w = lock(&writer);
            // No merges of their own while the new segments are regrouped below.
            w.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
            let committed = commit_with(&mut w, &index, seq);
            let balanced = committed
                .is_ok()
                .then(|| balance_segments(&mut w, index.tantivy(), index.search_threads()));
            w.set_merge_policy(Box::new(tantivy::indexer::LogMergePolicy::default()));
            committed?;
            if let Some(Err(e)) = balanced {
                // Only speed is at stake: the segments stay as they were written.
                tracing::warn!(error = %e, "index: segmenten samenvoegen mislukt");
            }
            drop(w);
            index.reload(seq)
        })
        .await??;
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
            commit_with(&mut w, &index, seq)?;
            drop(w);
            index.reload(seq)
        })
        .await??;
        Ok(())
    }

    /// Tails the feed until `shutdown` turns true; errors (a database outage) are logged and
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

/// Takes the index's writer lock and removes the files a killed commit left behind: segment
/// or delete files (`<segment>.<opstamp>.del`) that no committed state refers to. Left in
/// place, the next commit with the same opstamp would fail on them once (`FileAlreadyExists`).
pub fn open_writer(
    index: &tantivy::Index,
    threads: usize,
    heap: usize,
) -> anyhow::Result<IndexWriter> {
    let writer = index
        .writer_with_num_threads(threads, heap)
        .context("de index is in gebruik door een ander proces (draait de server nog?)")?;
    match writer.garbage_collect_files().wait() {
        Ok(gc) if !gc.deleted_files.is_empty() => {
            tracing::info!(
                files = gc.deleted_files.len(),
                "index: bestanden van een afgebroken commit opgeruimd"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "index: opruimen bij openen mislukt"),
    }
    Ok(writer)
}

/// Commits what `writer` holds, recording `seq` as applied; the caller reloads the reader.
fn commit_with(writer: &mut IndexWriter, index: &SearchIndex, seq: i64) -> tantivy::Result<()> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&index.commit_payload(seq));
    prepared.commit()?;
    Ok(())
}

/// Merges the index's segments into `groups` segments of about equal size, so that each search
/// thread gets the same share of a search's work. A search pays a fixed cost per segment
/// (opening each term's postings) and waits for its slowest thread: at 1M items the six
/// segments a rebuild writes (four of about 197k, 133k, 78k) become two of about 500k, and one
/// connection's p50 over HTTP for two words went from 3.2 to 2.9-3.0 ms (README, "#14 on
/// 2026-12-05 (second session)"). The merges run one after the other: at once they took as
/// long and doubled the peak memory. Later commits add small segments, which tantivy's merge
/// policy joins among themselves.
fn balance_segments(
    writer: &mut IndexWriter,
    index: &tantivy::Index,
    groups: usize,
) -> tantivy::Result<()> {
    let sizes: Vec<(tantivy::index::SegmentId, u32)> = index
        .searchable_segment_metas()?
        .iter()
        .map(|m| (m.id(), m.num_docs()))
        .collect();
    for group in balanced_groups(&sizes, groups) {
        if group.len() > 1 {
            writer.merge(&group).wait()?;
        }
    }
    Ok(())
}

/// Splits `sizes` into at most `groups` groups whose totals are about equal: the largest first,
/// each into the group with the smallest total so far.
fn balanced_groups<T: Clone>(sizes: &[(T, u32)], groups: usize) -> Vec<Vec<T>> {
    let mut order: Vec<&(T, u32)> = sizes.iter().collect();
    order.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
    let mut out: Vec<(u64, Vec<T>)> = vec![(0, Vec::new()); groups.max(1)];
    for (item, size) in order {
        if let Some(smallest) = out.iter_mut().min_by_key(|(total, _)| *total) {
            smallest.0 += u64::from(*size);
            smallest.1.push(item.clone());
        }
    }
    out.into_iter()
        .map(|(_, group)| group)
        .filter(|group| !group.is_empty())
        .collect()
}

fn lock(writer: &Mutex<IndexWriter>) -> std::sync::MutexGuard<'_, IndexWriter> {
    writer.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{INDEXED, STORED, Schema};
    use tantivy::{Term, doc};

    use super::{balance_segments, balanced_groups, open_writer};

    /// An index on disk with one field, `id`.
    fn index_of_ids() -> (tempfile::TempDir, tantivy::Index, tantivy::schema::Field) {
        let dir = tempfile::tempdir().unwrap();
        let mut builder = Schema::builder();
        let id = builder.add_u64_field("id", INDEXED | STORED);
        let index = tantivy::Index::create_in_dir(dir.path(), builder.build()).unwrap();
        (dir, index, id)
    }

    #[test]
    fn groups_have_about_equal_totals() {
        let sizes = [
            ("a", 197),
            ("b", 132),
            ("c", 197),
            ("d", 78),
            ("e", 196),
            ("f", 197),
        ];
        let groups = balanced_groups(&sizes, 2);
        let totals: Vec<u32> = groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|n| sizes.iter().find(|(m, _)| m == n).unwrap().1)
                    .sum()
            })
            .collect();
        assert_eq!(totals.iter().sum::<u32>(), 997);
        assert!(totals.iter().all(|t| (470..=530).contains(t)), "{totals:?}");
        // Fewer segments than groups: each stays alone.
        assert_eq!(balanced_groups(&[("a", 5)], 4), vec![vec!["a"]]);
        assert!(balanced_groups::<&str>(&[], 2).is_empty());
    }

    /// Five segments of different sizes become two of about equal size, with every document
    /// still there and later commits still working.
    #[test]
    fn segments_are_merged_into_one_per_search_thread() {
        let (_dir, index, id) = index_of_ids();
        let mut w = open_writer(&index, 1, 15_000_000).unwrap();
        w.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let mut next = 0u64;
        for size in [40, 10, 35, 5, 30] {
            for _ in 0..size {
                w.add_document(doc!(id => next)).unwrap();
                next += 1;
            }
            w.commit().unwrap();
        }
        assert_eq!(index.searchable_segment_metas().unwrap().len(), 5);
        balance_segments(&mut w, &index, 2).unwrap();
        let mut sizes: Vec<u32> = index
            .searchable_segment_metas()
            .unwrap()
            .iter()
            .map(|m| m.num_docs())
            .collect();
        sizes.sort_unstable();
        // Largest first, each into the smaller group: 40 + 10 + 5 and 35 + 30.
        assert_eq!(sizes, vec![55, 65]);
        w.delete_term(Term::from_field_u64(id, 3));
        w.commit().unwrap();
        let reader = index.reader().unwrap();
        reader.reload().unwrap();
        assert_eq!(reader.searcher().num_docs(), 119);
    }

    /// A commit prepared but never finished leaves files behind, as a `kill -9` before
    /// `meta.json` is written does. The next writer removes them, and the next commit (at the
    /// same opstamp) goes through.
    #[test]
    fn a_new_writer_removes_what_a_cut_off_commit_left() {
        let (dir, index, id) = index_of_ids();
        {
            let mut w = open_writer(&index, 1, 15_000_000).unwrap();
            for n in 0..10u64 {
                w.add_document(doc!(id => n)).unwrap();
            }
            w.commit().unwrap();
            for n in 10..20u64 {
                w.add_document(doc!(id => n)).unwrap();
            }
            let prepared = w.prepare_commit().unwrap();
            // Cut off: the files are written, meta.json is not.
            std::mem::forget(prepared);
        }
        let files_before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        let mut w = open_writer(&index, 1, 15_000_000).unwrap();
        let files_after: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(files_after.len() < files_before.len(), "leftovers removed");
        w.delete_term(Term::from_field_u64(id, 3));
        w.commit().unwrap();
        let reader = index.reader().unwrap();
        reader.reload().unwrap();
        assert_eq!(reader.searcher().num_docs(), 9);
    }
}
