//! Search: a validated request becomes a Tantivy query over the text fields; one pass over the
//! matching documents applies the filters, counts every facet disjunctively and keeps the top
//! of the requested page.
//!
//! Disjunctive counting in one pass: for each matching document we compute which facet filters
//! it fails. Passing all of them makes it a hit, counted in every facet. Failing exactly one
//! facet's filter still counts it in that facet alone, because that facet's counts ignore its
//! own filter. Failing two or more filters means it counts nowhere.

mod any_of;
pub mod browse;
mod coverage;
pub mod feedback;
pub mod intent;
pub mod kinds;
pub mod lexicon;
pub mod plan;
pub mod request;
pub mod separable;
pub mod situations;
pub mod snippet;
pub mod suggest;
pub mod synonyms;
pub mod wide;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::Count;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::schema::Value as _;
use tantivy::{
    DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
};

pub use plan::query_words;
pub use request::{Facet, SearchRequest, Sort};

use crate::domain::listing::today;
use crate::domain::{Cost, Kind, TimeCommitment};
use crate::index::analysis;
use crate::index::facets::{NO_COMMITMENT, row_day};
use crate::index::schema::{Fields, epoch_day, names};
use crate::index::{FacetSpace, HitPayload, Row, SearchIndex, SegmentRows};
use crate::meaning::MeaningMatches;
use any_of::Scaled;

/// With fewer items than this matching every word, items matching some words are added after
/// them: a first page (10 results by default) is filled rather than left short. At 3 a query
/// with 3-9 full matches showed nothing else, though items with its rarer word were relevant
/// (nDCG@10 0.787 → 0.794 over the evaluation set, no query class lower).
const RELAX_BELOW: u64 = 10;
/// Lifts items with every word above items with only some of them.
const ALL_WORDS_BONUS: f32 = 10.0;

const F_KIND: u16 = 1 << 0;
const F_THEME: u16 = 1 << 1;
const F_WIJK: u16 = 1 << 2;
const F_AGE_GROUP: u16 = 1 << 3;
const F_COST: u16 = 1 << 4;
const F_TALENT: u16 = 1 << 5;
const F_COMMITMENT: u16 = 1 << 6;
const F_LANGUAGE: u16 = 1 << 7;
const F_ACCESSIBILITY: u16 = 1 << 8;
const ALL_FACETS: u16 = 0x1ff;

/// One result of a search.
#[derive(Debug, Clone)]
pub struct Hit {
    pub payload: HitPayload,
    /// HTML: the matching passage, text escaped, matches in `<mark>`.
    pub snippet: Option<String>,
    pub score: f32,
    /// Kilometres from the request's location, when both are known.
    pub distance_km: Option<f64>,
    /// Why the item matched, when asked for.
    pub explanation: Option<Vec<plan::Explanation>>,
}

/// A facet value and how many results ticking it would give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub key: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub kind: Vec<FacetCount>,
    pub theme: Vec<FacetCount>,
    pub wijk: Vec<FacetCount>,
    pub age_group: Vec<FacetCount>,
    pub cost: Vec<FacetCount>,
    /// Only when vacancies are among the results (under the other filters).
    pub talent: Option<Vec<FacetCount>>,
    pub commitment: Option<Vec<FacetCount>>,
    pub language: Vec<FacetCount>,
    pub accessibility: Vec<FacetCount>,
}

#[derive(Debug, Clone)]
pub struct SearchOutcome {
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// True when too few items had every word, and items with some of the words are added.
    pub relaxed: bool,
    /// The query with typos corrected, when a word was unknown ("bedoelde je …").
    pub corrected: Option<String>,
}

/// The filters of a request, as bit sets over the facet space.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Filter {
    kinds: u8,
    costs: u8,
    commitments: u8,
    themes: u64,
    wijken: u64,
    talents: u64,
    languages: u32,
    accessibility: u16,
    age_groups: u16,
    age: Option<u8>,
    today: u16,
    origin: Option<(f32, f32)>,
    radius_km: Option<f32>,
    /// Relevance multipliers by kind, from the query's intent (see [`intent`]).
    pub(crate) kind_boost: [f32; 4],
    /// An age the query speaks of ("mijn zoon van 8"), when no age filter is set: items for
    /// other ages rank lower, but stay (see [`plan::age_spoken_of`]).
    spoken_age: Option<u8>,
}

/// What an item for other ages than the one spoken of keeps of its score.
const OTHER_AGE: f32 = 0.5;

impl Filter {
    pub(crate) fn new(req: &SearchRequest, space: &FacetSpace, intent: intent::Intent) -> Filter {
        let bits = |keys: &[String], bit: &dyn Fn(&str) -> Option<u8>| {
            keys.iter()
                .filter_map(|k| bit(k))
                .fold(0u64, |m, b| m | (1u64 << b))
        };
        Filter {
            kinds: req.kinds.iter().fold(0, |m, k| m | (1 << k.code())),
            costs: req.costs.iter().fold(0, |m, c| m | (1 << c.code())),
            commitments: req.commitments.iter().fold(0, |m, c| m | (1 << c.code())),
            themes: bits(&req.themes, &|k| space.theme_bit(k)),
            wijken: bits(&req.wijken, &|k| space.wijk_bit(k)),
            talents: bits(&req.talents, &|k| space.talent_bit(k)),
            languages: bits(&req.languages, &|k| space.language_bit(k)) as u32,
            accessibility: bits(&req.accessibility, &|k| space.accessibility_bit(k)) as u16,
            age_groups: req
                .age_groups
                .iter()
                .filter_map(|k| space.taxonomy.age_groups.iter().position(|g| &g.key == k))
                .filter(|i| *i < crate::domain::taxonomy::MAX_AGE_GROUPS)
                .fold(0u16, |m, i| m | (1 << i)),
            age: req.age,
            today: Filter::today(),
            origin: req.origin.map(|(lat, lon)| (lat as f32, lon as f32)),
            radius_km: req.radius_km.map(|r| r as f32),
            kind_boost: intent::kind_boost(intent),
            spoken_age: if req.age.is_none() {
                plan::age_spoken_of(&req.text)
            } else {
                None
            },
        }
    }

    /// What a matching row's score is multiplied by: the intent's weight for its kind, and
    /// less for an item meant for other ages than the one the query speaks of.
    #[inline]
    pub(crate) fn relevance_factor(&self, r: &Row) -> f32 {
        let kind = self.kind_boost[usize::from(r.kind & 3)];
        match self.spoken_age {
            Some(a) if a < r.min_age || a > r.max_age => kind * OTHER_AGE,
            _ => kind,
        }
    }

    /// Today as a row's `end_day`: rows ending before it are expired.
    pub(crate) fn today() -> u16 {
        row_day(epoch_day(today()))
    }

    /// True when nothing but expiry can exclude a document (plain browsing).
    fn only_expiry(&self) -> bool {
        self.kinds == 0
            && self.costs == 0
            && self.commitments == 0
            && self.themes == 0
            && self.wijken == 0
            && self.talents == 0
            && self.languages == 0
            && self.accessibility == 0
            && self.age_groups == 0
            && self.age.is_none()
            && self.radius_km.is_none()
    }

    /// `None` when the row fails a non-facet condition (expired, age); otherwise the set of
    /// facet filters it fails.
    #[inline]
    fn failures(&self, r: &Row) -> Option<u16> {
        if r.end_day < self.today {
            return None;
        }
        if let Some(a) = self.age
            && (a < r.min_age || a > r.max_age)
        {
            return None;
        }
        if let (Some((lat, lon)), Some(radius)) = (self.origin, self.radius_km)
            && !r.whole
            && (r.lat.is_nan() || crate::geo::distance_km(lat, lon, r.lat, r.lon) > radius)
        {
            // Municipality-wide items stay findable from anywhere.
            return None;
        }
        let mut fail = 0u16;
        if self.kinds != 0 && self.kinds & (1 << r.kind) == 0 {
            fail |= F_KIND;
        }
        if self.themes != 0 && self.themes & r.themes == 0 {
            fail |= F_THEME;
        }
        if self.wijken != 0 && !r.whole && self.wijken & r.wijken == 0 {
            fail |= F_WIJK;
        }
        if self.age_groups != 0 && self.age_groups & r.age_groups == 0 {
            fail |= F_AGE_GROUP;
        }
        if self.costs != 0 && self.costs & (1 << r.cost) == 0 {
            fail |= F_COST;
        }
        if self.talents != 0 && self.talents & r.talents == 0 {
            fail |= F_TALENT;
        }
        if self.commitments != 0
            && (r.commitment == NO_COMMITMENT || self.commitments & (1 << r.commitment) == 0)
        {
            fail |= F_COMMITMENT;
        }
        if self.languages != 0 && self.languages & r.languages == 0 {
            fail |= F_LANGUAGE;
        }
        if self.accessibility != 0 && self.accessibility & r.accessibility == 0 {
            fail |= F_ACCESSIBILITY;
        }
        Some(fail)
    }
}

/// Per-facet counters. Wijk counts of municipality-wide items are kept apart and added to every
/// wijk at the end, because such items match every wijk filter.
#[derive(Clone)]
struct Counts {
    kind: [u64; 8],
    cost: [u64; 8],
    commitment: [u64; 8],
    themes: [u64; 64],
    wijken: [u64; 64],
    whole: u64,
    talents: [u64; 64],
    languages: [u64; 32],
    accessibility: [u64; 16],
    age_groups: [u64; 16],
}

impl Default for Counts {
    fn default() -> Self {
        Counts {
            kind: [0; 8],
            cost: [0; 8],
            commitment: [0; 8],
            themes: [0; 64],
            wijken: [0; 64],
            whole: 0,
            talents: [0; 64],
            languages: [0; 32],
            accessibility: [0; 16],
            age_groups: [0; 16],
        }
    }
}

#[inline]
fn add_bits(counts: &mut [u64], mut bits: u64) {
    while bits != 0 {
        let b = bits.trailing_zeros() as usize;
        if let Some(c) = counts.get_mut(b) {
            *c += 1;
        }
        bits &= bits - 1;
    }
}

impl Counts {
    /// Counts `r` in the facets of `facets`.
    #[inline(always)]
    fn add(&mut self, r: &Row, facets: u16) {
        if facets & F_KIND != 0 {
            self.kind[r.kind as usize & 7] += 1;
        }
        if facets & F_THEME != 0 {
            add_bits(&mut self.themes, r.themes);
        }
        if facets & F_WIJK != 0 {
            if r.whole {
                self.whole += 1;
            } else {
                add_bits(&mut self.wijken, r.wijken);
            }
        }
        if facets & F_AGE_GROUP != 0 {
            add_bits(&mut self.age_groups, u64::from(r.age_groups));
        }
        if facets & F_COST != 0 {
            self.cost[r.cost as usize & 7] += 1;
        }
        if facets & F_TALENT != 0 {
            add_bits(&mut self.talents, r.talents);
        }
        if facets & F_COMMITMENT != 0 && r.commitment != NO_COMMITMENT {
            self.commitment[r.commitment as usize & 7] += 1;
        }
        // Most items name no language or accessibility feature: one test skips both.
        if r.languages | u32::from(r.accessibility) != 0 {
            if facets & F_LANGUAGE != 0 {
                add_bits(&mut self.languages, u64::from(r.languages));
            }
            if facets & F_ACCESSIBILITY != 0 {
                add_bits(&mut self.accessibility, u64::from(r.accessibility));
            }
        }
    }

    fn merge(&mut self, o: &Counts) {
        let sum = |a: &mut [u64], b: &[u64]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        sum(&mut self.kind, &o.kind);
        sum(&mut self.cost, &o.cost);
        sum(&mut self.commitment, &o.commitment);
        sum(&mut self.themes[..], &o.themes[..]);
        sum(&mut self.wijken[..], &o.wijken[..]);
        sum(&mut self.talents[..], &o.talents[..]);
        sum(&mut self.languages[..], &o.languages[..]);
        sum(&mut self.accessibility[..], &o.accessibility[..]);
        sum(&mut self.age_groups[..], &o.age_groups[..]);
        self.whole += o.whole;
    }
}

/// A ranked candidate: larger `key` ranks first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Candidate {
    pub(crate) key: (u32, i64, u64),
    pub(crate) segment: SegmentOrdinal,
    pub(crate) doc: DocId,
    title_ord: u32,
}

fn candidate_key(sort: Sort, score: Score, r: &Row, origin: Option<(f32, f32)>) -> (u32, i64, u64) {
    let id_asc = u64::MAX - u64::from(r.id);
    match sort {
        // Scores are non-negative, so their bit patterns order like the numbers.
        Sort::Relevance => (score.max(0.0).to_bits(), i64::from(r.verified), id_asc),
        Sort::Newest => (0, i64::from(r.created), id_asc),
        Sort::Title => (u32::MAX - r.title_ord, 0, id_asc),
        Sort::Distance => {
            // Nearest first (metres); items without coordinates after all located ones.
            let metres = match origin {
                Some((lat, lon)) if !r.lat.is_nan() => {
                    (crate::geo::distance_km(lat, lon, r.lat, r.lon) * 1000.0) as u32
                }
                _ => u32::MAX - 1,
            };
            (u32::MAX - metres, i64::from(r.verified), id_asc)
        }
    }
}

pub(crate) struct FacetedTop {
    pub(crate) rows: Vec<Arc<SegmentRows>>,
    pub(crate) filter: Filter,
    pub(crate) keep: usize,
    pub(crate) sort: Sort,
    pub(crate) scoring: bool,
    /// Answers segments with many matches from bitmaps (see [`wide`]).
    pub(crate) wide: Option<wide::Wide>,
}

pub(crate) struct SegmentFruit {
    pub(crate) total: u64,
    counts: Counts,
    pub(crate) top: Vec<Candidate>,
}

pub(crate) struct FacetedTopSegment {
    rows: Arc<SegmentRows>,
    filter: Filter,
    only_expiry: bool,
    keep: usize,
    sort: Sort,
    segment: SegmentOrdinal,
    total: u64,
    counts: Counts,
    heap: BinaryHeap<Reverse<Candidate>>,
    /// Matches not looked at yet (see [`FacetedTopSegment::flush`]).
    docs: [DocId; BATCH],
    scores: [Score; BATCH],
    pending: usize,
}

/// Matches looked at together; their rows fit in the L1 cache.
const BATCH: usize = 64;

impl Collector for FacetedTop {
    type Fruit = SegmentFruit;
    type Child = FacetedTopSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<FacetedTopSegment> {
        let rows =
            self.rows.get(segment as usize).cloned().ok_or_else(|| {
                tantivy::TantivyError::InternalError("facetrijen ontbreken".into())
            })?;
        Ok(FacetedTopSegment {
            rows,
            filter: self.filter,
            only_expiry: self.filter.only_expiry(),
            keep: self.keep,
            sort: self.sort,
            segment,
            total: 0,
            counts: Counts::default(),
            heap: BinaryHeap::with_capacity(self.keep + 1),
            docs: [0; BATCH],
            scores: [0.0; BATCH],
            pending: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFruit> {
        if let Some(wide) = &self.wide
            && let Some(fruit) = wide.segment(self, weight, segment, reader)?
        {
            return Ok(fruit);
        }
        // Tantivy's own loop, for the usual case.
        let mut child = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        if self.scoring {
            weight.for_each(reader, &mut |doc, score| {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    child.collect(doc, score);
                }
            })?;
        } else {
            weight.for_each_no_score(reader, &mut |docs| {
                for &doc in docs {
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        child.collect(doc, 0.0);
                    }
                }
            })?;
        }
        Ok(child.harvest())
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<SegmentFruit> {
        let mut out = SegmentFruit {
            total: 0,
            counts: Counts::default(),
            top: Vec::new(),
        };
        for f in fruits {
            out.total += f.total;
            out.counts.merge(&f.counts);
            out.top.extend(f.top);
        }
        Ok(out)
    }
}

impl FacetedTopSegment {
    /// Looks at a batch of matches. The rows of sparse matches are far apart in memory, so each
    /// is a cache miss; touching them all first lets those misses overlap instead of queueing.
    fn flush(&mut self) {
        let n = self.pending;
        self.pending = 0;
        let rows = Arc::clone(&self.rows);
        let mut touched = 0u16;
        for &doc in &self.docs[..n] {
            if let Some(r) = rows.rows.get(doc as usize) {
                touched ^= r.end_day;
            }
        }
        std::hint::black_box(touched);
        for i in 0..n {
            let (doc, score) = (self.docs[i], self.scores[i]);
            if let Some(r) = rows.rows.get(doc as usize) {
                self.look_at(doc, score, r);
            }
        }
    }

    #[inline(always)]
    fn look_at(&mut self, doc: DocId, score: Score, r: &Row) {
        let fail = if self.only_expiry {
            if r.end_day < self.filter.today {
                return;
            }
            0
        } else {
            match self.filter.failures(r) {
                Some(f) => f,
                None => return,
            }
        };
        if fail == 0 {
            self.total += 1;
            self.counts.add(r, ALL_FACETS);
            if self.keep == 0 {
                return;
            }
            let c = Candidate {
                key: candidate_key(
                    self.sort,
                    score * self.filter.relevance_factor(r),
                    r,
                    self.filter.origin,
                ),
                segment: self.segment,
                doc,
                title_ord: r.title_ord,
            };
            if self.heap.len() < self.keep {
                self.heap.push(Reverse(c));
            } else if let Some(mut worst) = self.heap.peek_mut()
                && c > worst.0
            {
                *worst = Reverse(c);
            }
        } else if fail.is_power_of_two() {
            self.counts.add(r, fail);
        }
    }
}

impl SegmentCollector for FacetedTopSegment {
    type Fruit = SegmentFruit;

    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        self.docs[self.pending] = doc;
        self.scores[self.pending] = score;
        self.pending += 1;
        if self.pending == BATCH {
            self.flush();
        }
    }

    fn harvest(mut self) -> SegmentFruit {
        self.flush();
        SegmentFruit {
            total: self.total,
            counts: self.counts,
            top: self.heap.into_iter().map(|r| r.0).collect(),
        }
    }
}

/// Errors of a search; all internal (the request was validated before).
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("zoekindex: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// Runs a search. Blocking: call it from a blocking thread.
/// True when `word` names a volunteer role: at least half the items whose title holds it are
/// vacancies ("gastvrouw", "chauffeur"), unlike a state ("oud", "eenzaam"). A word no title
/// holds is a role when one of its one-word synonyms is ("buddy" for "maatje"). Read from the
/// index, so it follows the data; asked only for a query that says "worden" or "word".
fn names_vacancy_role(index: &SearchIndex, searcher: &Searcher, word: &str) -> bool {
    let fields = index.fields();
    match vacancy_share(searcher, fields, word) {
        Some(role) => role,
        None => index
            .lexicon()
            .synonyms
            .concepts(&[word.to_string()])
            .iter()
            .flat_map(|c| &c.synonyms)
            .filter(|term| term.len() == 1)
            .any(|term| vacancy_share(searcher, fields, &term[0]) == Some(true)),
    }
}

/// Whether at least half the items whose title holds `word` are vacancies; `None` when no
/// title holds it.
fn vacancy_share(searcher: &Searcher, fields: &Fields, word: &str) -> Option<bool> {
    let in_title = || -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(fields.title, &analysis::stem(word)),
            IndexRecordOption::Basic,
        ))
    };
    let titles = searcher.search(&*in_title(), &Count).unwrap_or(0);
    if titles == 0 {
        return None;
    }
    let vacancy_titles = BooleanQuery::new(vec![
        (Occur::Must, in_title()),
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(fields.kind, Kind::Vacature.as_str()),
                IndexRecordOption::Basic,
            )),
        ),
    ]);
    let vacancies = searcher.search(&vacancy_titles, &Count).unwrap_or(0);
    Some(2 * vacancies >= titles)
}

/// Whether a search asks for items close in meaning ([`crate::meaning`]): a sentence of at
/// least [`crate::meaning::MIN_WORDS`] searchable words, ranked by relevance. Decided on the
/// words the search itself looks for, so that a sentence of stop words ("ik wil een") asks
/// for nothing.
pub fn wants_meaning(req: &SearchRequest) -> bool {
    req.sort == Sort::Relevance && query_words(&req.text).len() >= crate::meaning::MIN_WORDS
}

pub fn search(index: &SearchIndex, req: &SearchRequest) -> Result<SearchOutcome, SearchError> {
    let searcher = index.searcher();
    let space = index.facet_space();
    let rows = index.rows(&searcher, &space)?;
    // Scores from live documents only: the same data ranks the same on every node.
    let stats = index.live_stats(&searcher);
    let intent = intent::intent(&req.text, space.age_group_words(), &|word| {
        names_vacancy_role(index, &searcher, word)
    });
    let filter = Filter::new(req, &space, intent);
    let words = query_words(&req.text);
    let has_text = !req.text.trim().is_empty();
    let scoring = has_text && req.sort == Sort::Relevance;
    // Items close in meaning to a sentence (see `crate::meaning`).
    let meaning = match (&req.meaning, index.meaning()) {
        (Some(vector), Some(vectors)) if wants_meaning(req) => {
            let m = MeaningMatches::new(&vectors.nearest(vector, crate::meaning::NEAREST));
            (!m.is_empty()).then_some(m)
        }
        _ => None,
    };
    let keep = req.offset() + req.page_size as usize;
    // The head that meaning re-ranks is collected whole, whatever the page.
    let keep = if meaning.is_some() {
        keep.max(crate::meaning::HEAD)
    } else {
        keep
    };
    // So is the head that theme feedback re-ranks.
    let theme_feedback =
        scoring && words.len() >= feedback::MIN_WORDS && index.features().theme_feedback;
    let keep = if theme_feedback {
        keep.max(feedback::HEAD)
    } else {
        keep
    };
    let run = |query: &dyn Query| {
        let wide = if wide::applies(&filter, scoring) {
            let alive = || {
                searcher
                    .segment_readers()
                    .iter()
                    .zip(&rows)
                    .map(|(segment, rows)| {
                        index
                            .browse_cache()
                            .summary(segment, rows, filter.today, space.stamp)
                    })
                    .collect()
            };
            wide::Wide::new(
                query,
                &filter,
                &searcher,
                stats.clone(),
                alive,
                (
                    index.wide_min_hits(),
                    index.pruning_budget(),
                    index.direct_scoring_max(),
                ),
            )?
        } else {
            None
        };
        let collector = FacetedTop {
            rows: rows.clone(),
            filter,
            keep,
            sort: req.sort,
            scoring,
            wide,
        };
        let fruit = searcher.search_with_statistics_provider(query, &collector, &*stats);
        if let Some(w) = &collector.wide {
            index.count_wide(w.used.load(std::sync::atomic::Ordering::Relaxed));
        }
        fruit
    };

    let mut corrected = None;
    let mut used_plan: Option<plan::QueryPlan> = None;
    let (query, fruit, relaxed): (Box<dyn Query>, SegmentFruit, bool) =
        if browse::applies(has_text, &filter, req.sort) {
            let fruit = browse::browse(
                index.browse_cache(),
                &searcher,
                &rows,
                space.stamp,
                &filter,
                keep,
                req.sort,
            );
            (Box::new(AllQuery), fruit, false)
        } else if !has_text {
            let q: Box<dyn Query> = Box::new(AllQuery);
            let fruit = run(&*q)?;
            (q, fruit, false)
        } else if words.is_empty() {
            // Only stop words or punctuation: nothing to match on.
            (
                Box::new(AllQuery),
                SegmentFruit {
                    total: 0,
                    counts: Counts::default(),
                    top: Vec::new(),
                },
                false,
            )
        } else {
            // Separable verbs joined again ("ik kom niet rond" → rondkomen), when the texts or
            // the lexicon know the whole verb.
            let (words, joins) = separable::joined_words(&req.text, &|verb: &str| {
                plan::knows_verb(index, &searcher, verb)
            })
            .unwrap_or_else(|| (words.clone(), Vec::new()));
            let plan = plan::plan(
                index,
                &searcher,
                &words,
                &plan::people_spoken_of(&req.text),
                &joins,
                intent,
            );
            corrected = plan.corrected.clone();
            used_plan = Some(plan.clone());
            let strict = plan::build(index, &plan, true);
            let fruit = run(&*strict)?;
            if fruit.total < RELAX_BELOW && plan.can_relax() {
                // Too few items have every word: add those with some of them, after the ones with
                // all of them (a resident typing a sentence should not get an empty page).
                let loose: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Should,
                        Box::new(Scaled::new(strict, ALL_WORDS_BONUS)),
                    ),
                    (Occur::Should, plan::build(index, &plan, false)),
                ]));
                let strict_total = fruit.total;
                let fruit = run(&*loose)?;
                // Only says so when partial matches were in fact added.
                let relaxed = fruit.total > strict_total;
                (loose, fruit, relaxed)
            } else {
                (strict, fruit, false)
            }
        };

    let mut fruit = fruit;
    // Items close in meaning that have none of the words but pass the filters; counted in the
    // total and the facets like any match.
    let near_only = match (&meaning, &used_plan) {
        (Some(m), Some(_)) => {
            let fields = index.fields();
            let near: Box<dyn Query> = Box::new(BooleanQuery::new(
                m.ids()
                    .map(|id| {
                        let q: Box<dyn Query> = Box::new(ConstScoreQuery::new(
                            Box::new(TermQuery::new(
                                Term::from_field_u64(fields.id, id as u64),
                                IndexRecordOption::Basic,
                            )),
                            1.0,
                        ));
                        (Occur::Should, q)
                    })
                    .collect(),
            ));
            let without_words = BooleanQuery::new(vec![
                (Occur::Must, near),
                (Occur::MustNot, query.box_clone()),
            ]);
            let extra = run(&without_words)?;
            fruit.total += extra.total;
            fruit.counts.merge(&extra.counts);
            let mut top = extra.top;
            top.sort_by_key(|c| Reverse(c.key));
            Some(top)
        }
        _ => None,
    };

    let mut top = fruit.top;
    if req.sort == Sort::Title {
        // Title ordinals are per segment; compare the titles themselves.
        let mut keyed = Vec::with_capacity(top.len());
        for c in top {
            let seg = searcher.segment_reader(c.segment);
            let mut title = String::new();
            if let Some(col) = seg.fast_fields().str(names::TITLE_SORT)? {
                col.ord_to_str(u64::from(c.title_ord), &mut title)
                    .map_err(|e| tantivy::TantivyError::InternalError(e.to_string()))?;
            }
            keyed.push((title, c));
        }
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.key.2.cmp(&a.1.key.2)));
        top = keyed.into_iter().map(|(_, c)| c).collect();
    } else {
        top.sort_by_key(|c| Reverse(c.key));
    }
    let mut close_in_meaning = std::collections::HashSet::new();
    if let (Some(m), Some(near_only)) = (&meaning, near_only) {
        let id = |c: &Candidate| (u64::MAX - c.key.2) as i64;
        let word_ids: Vec<i64> = top.iter().map(id).collect();
        let near_ids: Vec<i64> = near_only.iter().map(id).collect();
        close_in_meaning = word_ids
            .iter()
            .chain(&near_ids)
            .copied()
            .filter(|i| m.rank(*i).is_some())
            .collect();
        let order = crate::meaning::fuse(&word_ids, &near_ids, m);
        let mut words: Vec<Option<Candidate>> = top.into_iter().map(Some).collect();
        top = order
            .into_iter()
            .filter_map(|pos| match pos {
                Ok(i) => words[i].take(),
                Err(j) => near_only.get(j).copied(),
            })
            .collect();
    }

    if theme_feedback && used_plan.is_some() {
        let themes: Vec<u64> = top
            .iter()
            .map(|c| rows[c.segment as usize].rows[c.doc as usize].themes)
            .collect();
        let mut ranked: Vec<Option<Candidate>> = top.into_iter().map(Some).collect();
        top = feedback::reorder(&themes)
            .into_iter()
            .filter_map(|i| ranked[i].take())
            .collect();
    }

    let mut highlighter = if has_text && !words.is_empty() && !req.without_snippets {
        Some(snippet::Highlighter::for_query(index, &searcher, &*query)?)
    } else {
        None
    };
    let mut hits = Vec::with_capacity(req.page_size as usize);
    for c in top.iter().skip(req.offset()).take(req.page_size as usize) {
        let doc: TantivyDocument = searcher.doc(DocAddress::new(c.segment, c.doc))?;
        let Some(json) = doc
            .get_first(index.fields().payload)
            .and_then(|v| v.as_str())
        else {
            continue;
        };
        let payload: HitPayload = serde_json::from_str(json)
            .map_err(|e| tantivy::TantivyError::InternalError(e.to_string()))?;
        let snippet = highlighter.as_mut().and_then(|h| {
            h.snippet(&payload.description)
                .or_else(|| h.snippet(&payload.summary))
        });
        let score = if req.sort == Sort::Relevance {
            f32::from_bits(c.key.0)
        } else {
            0.0
        };
        let distance_km = req.origin.zip(payload.latitude.zip(payload.longitude)).map(
            |((la, lo), (pla, plo))| {
                let d = crate::geo::distance_km(la as f32, lo as f32, pla as f32, plo as f32);
                (f64::from(d) * 10.0).round() / 10.0
            },
        );
        let explanation = match (&used_plan, req.explain) {
            (Some(p), true) => {
                let mut why = plan::explain(p, &payload, &space.taxonomy);
                if close_in_meaning.contains(&payload.id) {
                    why.push(plan::Explanation {
                        query: req.text.trim().to_lowercase(),
                        matched: payload.title.clone(),
                        kind: plan::MatchKind::Meaning,
                        fields: vec!["titel", "samenvatting", "beschrijving"],
                    });
                }
                Some(why)
            }
            (None, true) => Some(Vec::new()),
            _ => None,
        };
        hits.push(Hit {
            payload,
            snippet,
            score,
            distance_km,
            explanation,
        });
    }

    Ok(SearchOutcome {
        total: fruit.total,
        hits,
        facets: facet_counts(&fruit.counts, &space, req),
        relaxed,
        corrected,
    })
}

fn facet_counts(c: &Counts, space: &FacetSpace, req: &SearchRequest) -> Facets {
    let t = &space.taxonomy;
    let terms = |terms: &[crate::domain::Term], counts: &[u64], extra: u64, selected: &[String]| {
        terms
            .iter()
            .take(counts.len())
            .enumerate()
            .map(|(i, term)| {
                let facet = FacetCount {
                    key: term.key.to_string(),
                    label: term.label.clone(),
                    count: counts[i] + extra,
                    selected: selected.iter().any(|s| term.key == *s),
                };
                (term.retired, facet)
            })
            // A retired term is no longer offered as a filter, unless items still have it.
            .filter(|(retired, f)| !retired || f.count > 0 || f.selected)
            .map(|(_, f)| f)
            .collect::<Vec<_>>()
    };
    let kind = Kind::ALL
        .iter()
        .map(|k| FacetCount {
            key: k.as_str().into(),
            label: k.label().into(),
            count: c.kind[k.code() as usize],
            selected: req.kinds.contains(k),
        })
        .collect();
    let cost = Cost::ALL
        .iter()
        .map(|k| FacetCount {
            key: k.as_str().into(),
            label: k.label().into(),
            count: c.cost[k.code() as usize],
            selected: req.costs.contains(k),
        })
        .collect();
    let commitment: Vec<FacetCount> = TimeCommitment::ALL
        .iter()
        .map(|k| FacetCount {
            key: k.as_str().into(),
            label: k.label().into(),
            count: c.commitment[k.code() as usize],
            selected: req.commitments.contains(k),
        })
        .collect();
    let age_group = t
        .age_groups
        .iter()
        .take(crate::domain::taxonomy::MAX_AGE_GROUPS)
        .enumerate()
        .map(|(i, g)| FacetCount {
            key: g.key.to_string(),
            label: g.label.clone(),
            count: c.age_groups[i],
            selected: req.age_groups.iter().any(|s| g.key == *s),
        })
        .collect();
    // Vacancy facets show when vacancies are in view: the kind facet (computed without the kind
    // filter) must have some, and the kind filter must not exclude them.
    let vacancies_in_view = c.kind[Kind::Vacature.code() as usize] > 0
        && (req.kinds.is_empty() || req.kinds.contains(&Kind::Vacature));
    // A facet the request left out (`facetten`) stays empty: its labels are not copied.
    let wanted = |facet: Facet, build: &dyn Fn() -> Vec<FacetCount>| {
        if req.counts_facet(facet) {
            build()
        } else {
            Vec::new()
        }
    };
    Facets {
        kind,
        theme: wanted(Facet::Theme, &|| {
            terms(&t.themes, &c.themes[..], 0, &req.themes)
        }),
        wijk: wanted(Facet::Wijk, &|| {
            terms(&t.wijken, &c.wijken[..], c.whole, &req.wijken)
        }),
        age_group,
        cost,
        talent: vacancies_in_view.then(|| {
            wanted(Facet::Talent, &|| {
                terms(&t.talents, &c.talents[..], 0, &req.talents)
            })
        }),
        commitment: vacancies_in_view.then_some(commitment),
        language: wanted(Facet::Language, &|| {
            terms(&t.languages, &c.languages[..], 0, &req.languages)
        }),
        accessibility: wanted(Facet::Accessibility, &|| {
            terms(
                &t.accessibility,
                &c.accessibility[..],
                0,
                &req.accessibility,
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sentences_sorted_by_relevance_ask_for_meaning() {
        let asks = |text: &str, sort: Sort| {
            wants_meaning(&SearchRequest {
                text: text.into(),
                sort,
                ..SearchRequest::default()
            })
        };
        assert!(asks("ik lig wakker te malen", Sort::Relevance));
        assert!(!asks("zwemles", Sort::Relevance));
        assert!(!asks("hulp huishouden", Sort::Relevance));
        assert!(
            !asks("hulp bij 12", Sort::Relevance),
            "two words and a number"
        );
        assert!(!asks("ik wil een", Sort::Relevance), "stop words only");
        assert!(!asks("ik lig wakker te malen", Sort::Title));
    }
}
