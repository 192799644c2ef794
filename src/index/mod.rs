//! The search index: a derived view of the database, kept on disk by Tantivy.
//!
//! One [`SearchIndex`] per process holds the index, one long-lived reader (a fresh searcher per
//! request) and the facet-row cache. Exactly one [`writer::Indexer`] owns the `IndexWriter` and
//! records, in each commit's payload, the last outbox sequence it applied.

pub mod adjectives;
pub mod analysis;
pub mod compounds;
pub mod facets;
pub mod schema;
pub mod sound;
pub mod stats;
pub mod vocabulary;
pub mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};
use tokio::sync::watch;

pub use facets::{FacetSpace, Row, RowCache, SegmentRows};
pub use schema::{Fields, HitPayload};

/// What each commit records about itself.
#[derive(Debug, Default, Serialize, Deserialize)]
struct CommitPayload {
    /// Last outbox sequence number whose change is in this commit.
    seq: i64,
    /// The analysis chain the documents were indexed with.
    #[serde(default)]
    analysis: String,
}

/// Which parts of Dutch search competence are on. All on in production; the evaluation harness
/// turns them off to measure a plain baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchFeatures {
    pub synonyms: bool,
    pub compounds: bool,
    pub typos: bool,
    /// Theme feedback on a sentence's first matches ([`crate::search::feedback`]).
    pub theme_feedback: bool,
    /// The fallback weighs how much of a sentence an item covers ([`crate::search::coverage`]).
    pub coverage: bool,
}

impl SearchFeatures {
    pub const ALL: SearchFeatures = SearchFeatures {
        synonyms: true,
        compounds: true,
        typos: true,
        theme_feedback: true,
        coverage: true,
    };
    pub const NONE: SearchFeatures = SearchFeatures {
        synonyms: false,
        compounds: false,
        typos: false,
        theme_feedback: false,
        coverage: false,
    };
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    dir: PathBuf,
    /// Last applied outbox sequence; `None` until the index has been built once.
    applied: watch::Sender<Option<i64>>,
    space: RwLock<Arc<FacetSpace>>,
    rows: Arc<Mutex<RowCache>>,
    vocabulary: RwLock<Arc<vocabulary::Vocabulary>>,
    /// Per-segment word counts behind the vocabulary, kept while a segment is unchanged.
    word_counts: Mutex<vocabulary::SegmentWordCounts>,
    /// Ranking statistics of the current searcher (see [`stats`]).
    stats: Mutex<Option<Arc<stats::LiveStats>>>,
    features: SearchFeatures,
    /// Synonyms and situations, shipped plus editors' (see `search::lexicon`).
    lexicon: RwLock<Arc<crate::search::lexicon::Lexicon>>,
    /// Per-segment answers for browsing without text (see `search::browse`).
    browse: crate::search::browse::BrowseCache,
    /// Matches in a segment from which a search counts with bitmaps (see `search::wide`).
    wide_min_hits: std::sync::atomic::AtomicU32,
    /// Segments answered that way since start.
    wide_segments: std::sync::atomic::AtomicU64,
    /// Documents block-max pruning may offer before scoring every match instead.
    pruning_budget: std::sync::atomic::AtomicU32,
    /// Documents left after the filters up to which each is scored directly, unpruned.
    direct_scoring_max: std::sync::atomic::AtomicU32,
    /// Threads a search spreads its segments over.
    search_threads: usize,
    /// The items' sentence vectors, when search by meaning is on (see `crate::meaning`).
    meaning: RwLock<Option<Arc<crate::meaning::store::VectorStore>>>,
}

/// Opens the index in `directory`, or creates it. Stored documents are kept in 4 KiB blocks
/// instead of tantivy's 16 KiB: showing a result reads and decompresses one block, and a page of
/// results touches one block per hit, so smaller blocks make result pages cheaper for a
/// slightly larger index.
fn open_or_create(
    directory: MmapDirectory,
    schema: &tantivy::schema::Schema,
) -> tantivy::Result<Index> {
    Index::builder()
        .schema(schema.clone())
        .settings(tantivy::IndexSettings {
            docstore_blocksize: 4096,
            ..Default::default()
        })
        .open_or_create(directory)
}

impl SearchIndex {
    /// Opens the index in `dir` with every search feature on.
    pub fn open(dir: &Path) -> anyhow::Result<SearchIndex> {
        Self::open_with(dir, SearchFeatures::ALL)
    }

    /// Opens the index in `dir`, creating an empty one when there is none. An index built with
    /// another analysis chain reports no applied sequence, so the indexer rebuilds it.
    pub fn open_with(dir: &Path, features: SearchFeatures) -> anyhow::Result<SearchIndex> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("kan indexmap {} niet aanmaken", dir.display()))?;
        let (schema, fields) = schema::build_schema();
        let directory = MmapDirectory::open(dir).context("indexmap openen")?;
        let mut index = match open_or_create(directory, &schema) {
            Ok(index) => index,
            // The index is derived data: one from an older schema or a damaged one is thrown
            // away and rebuilt from the database.
            Err(
                e @ (tantivy::TantivyError::SchemaError(_)
                | tantivy::TantivyError::IncompatibleIndex(_)
                | tantivy::TantivyError::DataCorruption(_)
                | tantivy::TantivyError::OpenReadError(_)
                | tantivy::TantivyError::DeserializeError(_)),
            ) => {
                tracing::warn!(error = %e, dir = %dir.display(), "index onbruikbaar; wordt opnieuw opgebouwd");
                std::fs::remove_dir_all(dir).context("oude index verwijderen")?;
                std::fs::create_dir_all(dir).context("indexmap aanmaken")?;
                let directory = MmapDirectory::open(dir).context("indexmap openen")?;
                open_or_create(directory, &schema).context("nieuwe index aanmaken")?
            }
            Err(e) => return Err(e).context("index openen"),
        };
        analysis::register(&index, features.compounds);
        // Search a request's segments on both cores: halves single-request latency on the
        // small VMs this runs on; the search permits still bound the total work.
        let threads = std::thread::available_parallelism()
            .map(|n| n.get().min(4))
            .unwrap_or(1);
        if threads > 1 {
            index
                .set_multithread_executor(threads)
                .context("zoekthreads starten")?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("indexlezer openen")?;
        let applied = read_applied_seq(&index, &analysis::analysis_version(features.compounds))?;
        let this = SearchIndex {
            index,
            reader,
            fields,
            dir: dir.to_path_buf(),
            applied: watch::channel(applied).0,
            space: RwLock::new(Arc::new(FacetSpace::default())),
            rows: Arc::new(Mutex::new(RowCache::default())),
            vocabulary: RwLock::new(Arc::new(vocabulary::Vocabulary::default())),
            word_counts: Mutex::new(vocabulary::SegmentWordCounts::default()),
            stats: Mutex::new(None),
            features,
            lexicon: RwLock::new(Arc::new(crate::search::lexicon::Lexicon::shipped())),
            browse: Default::default(),
            wide_min_hits: crate::search::wide::DEFAULT_MIN_HITS.into(),
            wide_segments: 0.into(),
            pruning_budget: crate::search::wide::DEFAULT_PRUNING_BUDGET.into(),
            direct_scoring_max: crate::search::wide::DEFAULT_DIRECT_SCORING_MAX.into(),
            search_threads: threads,
            meaning: RwLock::new(None),
        };
        if features.compounds {
            // Read the word list now, off the request path (a few hundred ms).
            std::thread::spawn(|| std::sync::LazyLock::force(&compounds::WORD_LIST).len());
        }
        this.refresh_vocabulary()?;
        Ok(this)
    }

    /// Turns on search by meaning with these vectors.
    pub fn set_meaning(&self, store: Arc<crate::meaning::store::VectorStore>) {
        *self.meaning.write().unwrap_or_else(|p| p.into_inner()) = Some(store);
    }

    /// The items' vectors, when search by meaning is on.
    pub fn meaning(&self) -> Option<Arc<crate::meaning::store::VectorStore>> {
        self.meaning
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Threads a search spreads its segments over: after a rebuild the index has as many
    /// segments of about equal size (see `writer::balance_segments`).
    pub fn search_threads(&self) -> usize {
        self.search_threads
    }

    pub fn features(&self) -> SearchFeatures {
        self.features
    }

    /// Matches in a segment from which a search counts with bitmaps and prunes its ranking.
    pub fn wide_min_hits(&self) -> u32 {
        self.wide_min_hits
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Changes [`SearchIndex::wide_min_hits`]: tests use it to take that way on a small index.
    pub fn set_wide_min_hits(&self, hits: u32) {
        self.wide_min_hits
            .store(hits, std::sync::atomic::Ordering::Relaxed);
    }

    /// Documents block-max pruning may offer before a search scores every match instead.
    pub fn pruning_budget(&self) -> u32 {
        self.pruning_budget
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Changes [`SearchIndex::pruning_budget`]: tests use it to take both ways.
    pub fn set_pruning_budget(&self, documents: u32) {
        self.pruning_budget
            .store(documents, std::sync::atomic::Ordering::Relaxed);
    }

    /// Documents left after the filters up to which a segment with many matches scores each
    /// of them directly instead of pruning.
    pub fn direct_scoring_max(&self) -> u32 {
        self.direct_scoring_max
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Changes [`SearchIndex::direct_scoring_max`]: tests use it to take both ways.
    pub fn set_direct_scoring_max(&self, documents: u32) {
        self.direct_scoring_max
            .store(documents, std::sync::atomic::Ordering::Relaxed);
    }

    /// Segments searched with bitmaps since start (see `search::wide`).
    pub fn wide_segments(&self) -> u64 {
        self.wide_segments
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn count_wide(&self, segments: u32) {
        self.wide_segments
            .fetch_add(u64::from(segments), std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn browse_cache(&self) -> &crate::search::browse::BrowseCache {
        &self.browse
    }

    /// The synonyms and situations every query is planned with.
    pub fn lexicon(&self) -> Arc<crate::search::lexicon::Lexicon> {
        self.lexicon
            .read()
            .map(|l| l.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    pub fn set_lexicon(&self, lexicon: crate::search::lexicon::Lexicon) {
        *self.lexicon.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(lexicon);
    }

    /// The index's words, for typo correction and completion.
    pub fn vocabulary(&self) -> Arc<vocabulary::Vocabulary> {
        self.vocabulary
            .read()
            .map(|v| v.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// BM25 statistics over live documents for `searcher`, shared by every search of its
    /// generation.
    pub fn live_stats(&self, searcher: &Searcher) -> Arc<stats::LiveStats> {
        let generation = searcher.generation().generation_id();
        let mut current = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        match current.as_ref() {
            Some(s) if s.generation() == generation => s.clone(),
            _ => {
                let fresh = Arc::new(stats::LiveStats::new(searcher.clone()));
                *current = Some(fresh.clone());
                fresh
            }
        }
    }

    fn refresh_vocabulary(&self) -> tantivy::Result<()> {
        let searcher = self.reader.searcher();
        let mut counts = self.word_counts.lock().unwrap_or_else(|p| p.into_inner());
        let v = vocabulary::Vocabulary::build(
            &searcher,
            &[self.fields.title_exact, self.fields.body_exact],
            self.fields.surface,
            self.fields.labels,
            &mut counts,
        )?;
        *self.vocabulary.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(v);
        Ok(())
    }

    pub(crate) fn commit_payload(&self, seq: i64) -> String {
        serde_json::to_string(&CommitPayload {
            seq,
            analysis: analysis::analysis_version(self.features.compounds),
        })
        .unwrap_or_default()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn tantivy(&self) -> &Index {
        &self.index
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The last outbox sequence the index reflects (`None`: never built).
    pub fn applied_seq(&self) -> Option<i64> {
        *self.applied.borrow()
    }

    /// Waits until the index reflects outbox sequence `seq`, at most `timeout`.
    pub async fn wait_for(&self, seq: i64, timeout: Duration) -> bool {
        let mut rx = self.applied.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|a| a.is_some_and(|a| a >= seq)))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// The taxonomy search currently filters and counts with.
    pub fn facet_space(&self) -> Arc<FacetSpace> {
        self.space
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Installs a new taxonomy when it differs from the current one.
    pub fn set_taxonomy(&self, taxonomy: crate::domain::Taxonomy) {
        let mut space = self.space.write().unwrap_or_else(|p| p.into_inner());
        if space.taxonomy != taxonomy {
            *space = Arc::new(FacetSpace::new(taxonomy));
        }
    }

    /// Where a query finds a segment's facet rows while it is searched
    /// ([`crate::search::kinds::KindQuery`]).
    pub fn row_source(&self) -> crate::search::kinds::RowSource {
        crate::search::kinds::RowSource {
            cache: Arc::clone(&self.rows),
            space: self.facet_space(),
        }
    }

    /// The facet rows of every segment of `searcher`, in segment order.
    pub fn rows(
        &self,
        searcher: &Searcher,
        space: &FacetSpace,
    ) -> tantivy::Result<Vec<Arc<SegmentRows>>> {
        let mut cache = self.rows.lock().unwrap_or_else(|p| p.into_inner());
        searcher
            .segment_readers()
            .iter()
            .map(|seg| cache.rows_for(space, seg))
            .collect()
    }

    /// Reloads the reader after a commit and prepares facet rows for new segments, so that no
    /// search pays for building them.
    pub(crate) fn reload(&self, seq: i64) -> tantivy::Result<()> {
        self.reader.reload()?;
        let searcher = self.reader.searcher();
        let space = self.facet_space();
        let rows = self.rows(&searcher, &space)?;
        crate::search::browse::prepare(&self.browse, &searcher, &rows, space.stamp);
        self.refresh_vocabulary()?;
        let live: Vec<_> = searcher
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        self.rows
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(&live);
        self.applied.send_replace(Some(seq));
        Ok(())
    }

    /// Number of documents (public listings) in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

fn read_applied_seq(index: &Index, analysis: &str) -> anyhow::Result<Option<i64>> {
    let metas = index.load_metas().context("indexmetadata lezen")?;
    Ok(metas
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str::<CommitPayload>(p).ok())
        .filter(|p| p.analysis == analysis)
        .map(|p| p.seq))
}
