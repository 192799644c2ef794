//! Searches with many matches: a word found in a third of a million items.
//!
//! The matches are found word by word: each term's posting list fills a bitmap, and the
//! bitmaps of a concept's alternatives are ORed and those of the query's concepts ANDed. A
//! part that is not a term (a phrase) fills its bitmap from its own matches.
//!
//! The usual pass looks at every matching document: its row, the filters, each facet value it
//! has, its score. That costs tens of nanoseconds a document, so 300,000 matches cost most of
//! ten milliseconds. Above a size a segment is answered the other way round:
//! - the matches become a bitmap, filled straight from the posting lists;
//! - deleted and expired documents and the filters go with whole-word ANDs against bitmaps
//!   prepared at commit time (documents alive today, documents per facet value);
//! - each facet value's count is the popcount of an AND, without the facet's own filter
//!   (disjunctive, as everywhere);
//! - the top of the page comes from block-max pruning (tantivy's block WAND) over every term
//!   the query's score can come from: blocks of documents whose best possible score cannot
//!   reach the current top are skipped unscored. A document that can reach it is scored by the
//!   query itself, so scores, order and totals are those of the full pass. When pruning offers
//!   too many documents (thousands of equal scores), every match is scored instead.
//! - when the filters leave few documents (a frequent word in one theme and wijk), those are
//!   scored one by one, the scorer skipping straight to each: no pruning needed, and the
//!   other matches are never scored.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::any_of::{AnyOf, Scaled};
use super::coverage::Covered;
use super::kinds::KindQuery;
use super::{Candidate, Counts, FacetedTop, Filter, SegmentFruit, candidate_key};
use crate::index::facets::{DocBits, FACETS, ValueBitmaps};
use crate::index::stats::LiveStats;

/// Below this many matches in a segment the usual pass is as fast.
pub const DEFAULT_MIN_HITS: u32 = 2_048;
/// Documents block-max pruning may offer (per 20 results asked for) before scoring every
/// match is cheaper.
pub const DEFAULT_PRUNING_BUDGET: u32 = 1_024;
/// Up to this many documents left after the filters, scoring each one directly costs less
/// than pruning would offer.
pub const DEFAULT_DIRECT_SCORING_MAX: u32 = 4 * DEFAULT_PRUNING_BUDGET;

/// What a search needs to answer a segment the wide way.
pub(crate) struct Wide {
    /// The query's required part, without scores: its matches, for an estimate of their
    /// number.
    matches: Box<dyn Weight>,
    /// The same matches, as the bitmaps of its terms combined.
    sets: MatchSet,
    /// The sum of every term the score can come from, each scaled as in the query: never below
    /// the query's own score, and cheap to prune with. Weighed only when a segment needs it.
    bound_query: BooleanQuery,
    bound: OnceLock<Option<Box<dyn Weight>>>,
    searcher: Searcher,
    stats: Arc<LiveStats>,
    /// Per segment: the documents neither deleted nor expired today.
    alive: Vec<Arc<super::browse::SegmentSummary>>,
    min_hits: u32,
    pruning_budget: u32,
    direct_scoring_max: u32,
    /// Segments answered this way.
    pub(crate) used: AtomicU32,
}

impl Wide {
    /// `None` when the query's score cannot be bounded by a sum of terms (a query type this
    /// module does not know).
    pub(crate) fn new(
        query: &dyn Query,
        filter: &Filter,
        searcher: &Searcher,
        stats: Arc<LiveStats>,
        alive: impl FnOnce() -> Vec<Arc<super::browse::SegmentSummary>>,
        (min_hits, pruning_budget, direct_scoring_max): (u32, u32, u32),
    ) -> tantivy::Result<Option<Wide>> {
        let matches = required_part(query);
        let unscored = EnableScoring::disabled_from_searcher(searcher);
        let sets = MatchSet::of(&*matches, unscored)?;
        if sets.intersects() && filter.only_expiry() {
            // Unfiltered, every match of an intersection is a result: ranking them costs as
            // much as the usual pass, which steps through the intersection anyway. With a
            // filter, the bitmaps leave few documents to rank.
            return Ok(None);
        }
        let mut terms = BTreeMap::new();
        let mut constants = Vec::new();
        if !score_terms(query, 1.0, &mut terms, &mut constants) || terms.is_empty() {
            return Ok(None);
        }
        let bound_query = BooleanQuery::new(
            terms
                .into_iter()
                .map(|(term, factor)| {
                    let q: Box<dyn Query> = Box::new(Scaled::new(
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                        factor,
                    ));
                    (Occur::Should, q)
                })
                .chain(constants.into_iter().map(|q| (Occur::Should, q)))
                .collect(),
        );
        Ok(Some(Wide {
            matches: matches.weight(unscored)?,
            sets,
            bound_query,
            bound: OnceLock::new(),
            searcher: searcher.clone(),
            stats,
            alive: alive(),
            min_hits,
            pruning_budget,
            direct_scoring_max,
            used: AtomicU32::new(0),
        }))
    }

    /// The segment's fruit, or `None` when it has too few matches for this to pay.
    pub(crate) fn segment(
        &self,
        top: &FacetedTop,
        weight: &dyn Weight,
        ordinal: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Option<SegmentFruit>> {
        let max_doc = reader.max_doc();
        let estimate = self.matches.scorer(reader, 1.0)?.size_hint();
        if estimate < self.min_hits.max(max_doc / 64) {
            return Ok(None);
        }
        let bound = self.bound.get_or_init(|| {
            let scoring =
                EnableScoring::enabled_from_statistics_provider(&*self.stats, &self.searcher);
            self.bound_query.weight(scoring).ok()
        });
        let (Some(alive), Some(rows), Some(bound)) = (
            self.alive.get(ordinal as usize),
            top.rows.get(ordinal as usize),
            bound,
        ) else {
            return Ok(None);
        };
        self.used.fetch_add(1, Ordering::Relaxed);
        let bitmaps = rows.bitmaps();
        let mut hits = self.sets.fill(reader, bitmaps)?;
        and_in_place(&mut hits, &alive.alive);
        let matched = popcount(&hits);

        let filter = &top.filter;
        let masks = masks(filter, bitmaps);
        let mut all = hits.clone();
        for m in masks.iter().flatten() {
            and_in_place(&mut all, m);
        }
        let total = popcount(&all);
        let mut counts = Counts::default();
        for facet in 0..FACETS {
            let own_filter = masks[facet].is_some();
            let set = if own_filter {
                // This facet's counts ignore its own filter.
                let mut set = hits.clone();
                for (other, m) in masks.iter().enumerate() {
                    if let (true, Some(m)) = (other != facet, m) {
                        and_in_place(&mut set, m);
                    }
                }
                std::borrow::Cow::Owned(set)
            } else {
                std::borrow::Cow::Borrowed(&all)
            };
            count_facet(&mut counts, facet, &set, bitmaps);
        }

        let top_k = if top.keep == 0 || total == 0 {
            Vec::new()
        } else {
            best(
                top,
                weight,
                &**bound,
                (self.pruning_budget, self.direct_scoring_max),
                ordinal,
                reader,
                (&all, total, matched),
                rows,
            )?
        };
        Ok(Some(SegmentFruit {
            total,
            counts,
            top: top_k,
        }))
    }
}

/// The segment's best `keep` documents of `all`, by the query's own scores.
///
/// When the filters left few (`total` of the `matched`), each is scored directly. Otherwise
/// block-max pruning over `bound` finds them while skipping most documents, and each document
/// that can still enter is scored by the query itself. Pruning pays when few documents come
/// near the top; when many do (a bound far above the real scores, or thousands of equal
/// scores that only the tie-break orders) it costs more than scoring every match, so past a
/// budget it gives up and every document in `all` is scored: skipping to each when the filters
/// left a small part of the matches, else walking all matches.
#[allow(
    clippy::too_many_arguments,
    reason = "one segment's whole context, in one place"
)]
fn best(
    top: &FacetedTop,
    weight: &dyn Weight,
    bound: &dyn Weight,
    (budget, direct_scoring_max): (u32, u32),
    ordinal: SegmentOrdinal,
    reader: &SegmentReader,
    (all, total, matched): (&[u64], u64, u64),
    rows: &crate::index::SegmentRows,
) -> tantivy::Result<Vec<Candidate>> {
    let filter = &top.filter;
    let most = filter.kind_boost.iter().copied().fold(0.0f32, f32::max);
    let member = |doc: DocId| {
        all.get(doc as usize / 64)
            .is_some_and(|w| w & (1 << (doc % 64)) != 0)
    };
    let mut heap: BinaryHeap<Reverse<Candidate>> = BinaryHeap::with_capacity(top.keep + 1);
    let offer = |heap: &mut BinaryHeap<Reverse<Candidate>>, doc: DocId, score: Score| {
        // A document's row is a cache miss: look only when the score can reach the top.
        if heap.len() >= top.keep
            && heap
                .peek()
                .is_some_and(|w| score * most < f32::from_bits(w.0.key.0))
        {
            return;
        }
        let Some(r) = rows.rows.get(doc as usize) else {
            return;
        };
        let score = score * filter.relevance_factor(r);
        let c = Candidate {
            key: candidate_key(top.sort, score, r, filter.origin),
            segment: ordinal,
            doc,
            title_ord: r.title_ord,
        };
        if heap.len() < top.keep {
            heap.push(Reverse(c));
        } else if let Some(mut worst) = heap.peek_mut()
            && c > worst.0
        {
            *worst = Reverse(c);
        }
    };

    // Scores each document of `all`, the scorer skipping straight to it.
    let score_each = |heap: &mut BinaryHeap<Reverse<Candidate>>| -> tantivy::Result<()> {
        let mut scorer = weight.scorer(reader, 1.0)?;
        for (word, &bits) in all.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let doc = (word * 64) as DocId + bits.trailing_zeros();
                bits &= bits - 1;
                if scorer.doc() < doc {
                    scorer.seek(doc);
                }
                if scorer.doc() != doc {
                    return Err(not_a_match(doc));
                }
                offer(heap, doc, scorer.score());
            }
        }
        Ok(())
    };
    if total <= u64::from(direct_scoring_max) {
        // Few documents are left: scoring them is cheaper than pruning.
        score_each(&mut heap)?;
        return Ok(heap.into_iter().map(|r| r.0).collect());
    }
    let mut scorer = weight.scorer(reader, 1.0)?;
    let budget = budget as usize * top.keep.div_ceil(20);
    let mut looked_at = 0usize;
    let mut failed = None;
    bound.for_each_pruning(-1.0, reader, &mut |doc, _bound| {
        looked_at += 1;
        if looked_at > budget {
            // Nothing passes an infinite threshold: the rest is skipped block by block.
            return f32::INFINITY;
        }
        if member(doc) {
            if scorer.doc() < doc {
                scorer.seek(doc);
            }
            if scorer.doc() == doc {
                offer(&mut heap, doc, scorer.score());
            } else {
                failed = Some(doc);
            }
        }
        match heap.peek() {
            Some(worst) if heap.len() >= top.keep && most > 0.0 => {
                // Below this no document can enter, whatever its kind's boost; the margin
                // covers sums taken in another order. Ties stay in (the tie-breaks decide).
                f32::from_bits(worst.0.key.0) / most * (1.0 - 1e-4)
            }
            _ => -1.0,
        }
    })?;
    if let Some(doc) = failed {
        return Err(not_a_match(doc));
    }
    if looked_at > budget {
        heap.clear();
        if total.saturating_mul(4) < matched {
            // The filters left a small part of the matches: skip to each of those.
            score_each(&mut heap)?;
        } else {
            weight.for_each(reader, &mut |doc, score| {
                if member(doc) {
                    offer(&mut heap, doc, score);
                }
            })?;
        }
    }
    Ok(heap.into_iter().map(|r| r.0).collect())
}

/// A match of the required part is a match of the query; anything else is a bug here.
fn not_a_match(doc: DocId) -> tantivy::TantivyError {
    tantivy::TantivyError::InternalError(format!(
        "document {doc} matches the required part but not the query"
    ))
}

/// True when the search may take this way: ranked by relevance on text, and no filter that
/// only a row can answer (age, distance).
pub(crate) fn applies(filter: &Filter, scoring: bool) -> bool {
    scoring && filter.age.is_none() && filter.radius_km.is_none()
}

/// Adds every term `query`'s score can come from to `out`, with the factor it is scaled by;
/// a term found twice adds up. A part with a constant score (every vacancy meeting
/// "vrijwilliger", see `plan::Concept::says_intent`) goes to `constants` as it is, scaled: it
/// bounds itself. False for a query type it cannot see into.
///
/// Each part's score is at most its terms' summed BM25 scores: a union sums (or takes the best
/// of) its parts, an intersection sums them, and a phrase scores its terms' summed weights
/// with the phrase's frequency, which is at most each term's own.
fn score_terms(
    query: &dyn Query,
    factor: Score,
    out: &mut BTreeMap<Term, Score>,
    constants: &mut Vec<Box<dyn Query>>,
) -> bool {
    if let Some(t) = query.downcast_ref::<TermQuery>() {
        *out.entry(t.term().clone()).or_default() += factor;
        true
    } else if query.downcast_ref::<ConstScoreQuery>().is_some()
        || query.downcast_ref::<KindQuery>().is_some()
    {
        constants.push(Box::new(Scaled::new(query.box_clone(), factor)));
        true
    } else if let Some(s) = query.downcast_ref::<Scaled>() {
        score_terms(&*s.inner, factor * s.factor, out, constants)
    } else if let Some(c) = query.downcast_ref::<Covered>() {
        // Coverage scales a score by at most 1: the inner bound holds.
        score_terms(c.inner(), factor, out, constants)
    } else if let Some(a) = query.downcast_ref::<AnyOf>() {
        a.parts()
            .iter()
            .all(|p| score_terms(&**p, factor, out, constants))
    } else if let Some(b) = query.downcast_ref::<BooleanQuery>() {
        b.clauses()
            .iter()
            .filter(|(occur, _)| *occur != Occur::MustNot)
            .all(|(_, q)| score_terms(&**q, factor, out, constants))
    } else if let Some(p) = query.downcast_ref::<PhraseQuery>() {
        for t in p.phrase_terms() {
            *out.entry(t).or_default() += factor;
        }
        true
    } else {
        false
    }
}

/// A query's matches as set operations on the matches of its terms (or of parts that are not
/// made of terms, such as a phrase).
enum MatchSet {
    /// A term's postings.
    Term(Box<dyn Weight>),
    /// The documents of one kind (its code): the segment's kind bitmap, prepared for the facet
    /// counts, instead of the postings of the kind, which are a third of the index ("every
    /// vacancy" in a query about volunteering). The weight is for a segment without bitmaps.
    Kind(u8, Box<dyn Weight>),
    /// The matches of a part this module does not open (a phrase: terms together).
    Other(Box<dyn Weight>),
    Any(Vec<MatchSet>),
    /// The documents in every one of the first, and in none of the second.
    All(Vec<MatchSet>, Vec<MatchSet>),
}

impl MatchSet {
    fn of(query: &dyn Query, unscored: EnableScoring<'_>) -> tantivy::Result<MatchSet> {
        let each = |parts: &mut dyn Iterator<Item = &Box<dyn Query>>| {
            parts
                .map(|p| MatchSet::of(&**p, unscored))
                .collect::<tantivy::Result<Vec<_>>>()
        };
        if let Some(k) = query.downcast_ref::<KindQuery>() {
            return Ok(MatchSet::Kind(k.code(), query.weight(unscored)?));
        }
        if query.downcast_ref::<TermQuery>().is_some() {
            return Ok(MatchSet::Term(query.weight(unscored)?));
        }
        if let Some(s) = query.downcast_ref::<Scaled>() {
            return MatchSet::of(&*s.inner, unscored);
        }
        if let Some(c) = query.downcast_ref::<Covered>() {
            return MatchSet::of(c.inner(), unscored);
        }
        if let Some(a) = query.downcast_ref::<AnyOf>() {
            return Ok(MatchSet::Any(each(&mut a.parts().iter())?));
        }
        if let Some(b) = query.downcast_ref::<BooleanQuery>() {
            let with = |occur: Occur| {
                b.clauses()
                    .iter()
                    .filter(move |(o, _)| *o == occur)
                    .map(|(_, q)| q)
            };
            let required = each(&mut with(Occur::Must))?;
            // Optional clauses only add to the score, unless nothing is required.
            if !required.is_empty() {
                return Ok(MatchSet::All(required, each(&mut with(Occur::MustNot))?));
            }
            if with(Occur::MustNot).next().is_none() {
                return Ok(MatchSet::Any(each(&mut with(Occur::Should))?));
            }
        }
        Ok(MatchSet::Other(query.weight(unscored)?))
    }

    /// True when some documents must match several parts.
    fn intersects(&self) -> bool {
        match self {
            MatchSet::Term(_) | MatchSet::Kind(..) => false,
            MatchSet::Other(_) => true,
            MatchSet::Any(parts) => parts.iter().any(MatchSet::intersects),
            MatchSet::All(required, excluded) => {
                required.len() + excluded.len() > 1 || required.iter().any(MatchSet::intersects)
            }
        }
    }

    /// The segment's matching documents, deleted ones included.
    fn fill(&self, reader: &SegmentReader, bitmaps: &ValueBitmaps) -> tantivy::Result<DocBits> {
        match self {
            MatchSet::Term(_) | MatchSet::Kind(..) | MatchSet::Other(_) | MatchSet::Any(_) => {
                let mut bits: DocBits = vec![0; (reader.max_doc() as usize).div_ceil(64)];
                self.add_to(reader, bitmaps, &mut bits)?;
                Ok(bits)
            }
            MatchSet::All(required, excluded) => {
                let mut parts = required.iter();
                let mut bits = match parts.next() {
                    Some(first) => first.fill(reader, bitmaps)?,
                    None => vec![0; (reader.max_doc() as usize).div_ceil(64)],
                };
                for p in parts {
                    and_in_place(&mut bits, &p.fill(reader, bitmaps)?);
                }
                for p in excluded {
                    let out = p.fill(reader, bitmaps)?;
                    bits.iter_mut().zip(&out).for_each(|(x, y)| *x &= !y);
                }
                Ok(bits)
            }
        }
    }

    /// Sets the bits of the segment's matching documents in `bits`: the alternatives of a
    /// concept go straight into one bitmap, without one of their own each.
    fn add_to(
        &self,
        reader: &SegmentReader,
        bitmaps: &ValueBitmaps,
        bits: &mut DocBits,
    ) -> tantivy::Result<()> {
        if let MatchSet::Kind(code, _) = self
            && let Some(found) = super::kinds::kind_bitmap(bitmaps, *code, reader.max_doc())
        {
            if let Some(i) = found {
                or_in_place(bits, &bitmaps.values[0][i].1);
            }
            return Ok(());
        }
        match self {
            MatchSet::Term(weight) | MatchSet::Kind(_, weight) | MatchSet::Other(weight) => weight
                .for_each_no_score(reader, &mut |docs| {
                    for &d in docs {
                        bits[d as usize / 64] |= 1 << (d % 64);
                    }
                }),
            MatchSet::Any(parts) => parts
                .iter()
                .try_for_each(|p| p.add_to(reader, bitmaps, bits)),
            MatchSet::All(..) => {
                or_in_place(bits, &self.fill(reader, bitmaps)?);
                Ok(())
            }
        }
    }
}

/// What decides whether a document matches: a boolean query's required clauses (its optional
/// ones only add to the score), or the whole query.
fn required_part(query: &dyn Query) -> Box<dyn Query> {
    let Some(b) = query.downcast_ref::<BooleanQuery>() else {
        return query.box_clone();
    };
    let must: Vec<Box<dyn Query>> = b
        .clauses()
        .iter()
        .filter(|(o, _)| *o == Occur::Must)
        .map(|(_, q)| q.box_clone())
        .collect();
    let excluded = b.clauses().iter().any(|(o, _)| *o == Occur::MustNot);
    match must.len() {
        0 => query.box_clone(),
        1 if !excluded => must.into_iter().next().unwrap_or_else(|| query.box_clone()),
        _ => Box::new(BooleanQuery::new(
            b.clauses()
                .iter()
                .filter(|(o, _)| *o != Occur::Should)
                .map(|(o, q)| (*o, q.box_clone()))
                .collect(),
        )),
    }
}

/// Per facet with a filter: the documents that pass it.
fn masks(filter: &Filter, bitmaps: &ValueBitmaps) -> [Option<DocBits>; FACETS] {
    let selected: [u64; FACETS] = [
        u64::from(filter.kinds),
        filter.themes,
        filter.wijken,
        u64::from(filter.age_groups),
        u64::from(filter.costs),
        filter.talents,
        u64::from(filter.commitments),
        u64::from(filter.languages),
        u64::from(filter.accessibility),
    ];
    std::array::from_fn(|facet| {
        let chosen = selected[facet];
        if chosen == 0 {
            return None;
        }
        let mut mask = if facet == 2 {
            // Municipality-wide items pass every wijk filter.
            bitmaps.whole.clone()
        } else {
            vec![0; bitmaps.whole.len()]
        };
        for (value, docs) in &bitmaps.values[facet] {
            if chosen & (1 << value) != 0 {
                or_in_place(&mut mask, docs);
            }
        }
        Some(mask)
    })
}

fn count_facet(counts: &mut Counts, facet: usize, set: &[u64], bitmaps: &ValueBitmaps) {
    let slots: &mut [u64] = match facet {
        0 => &mut counts.kind,
        1 => &mut counts.themes,
        2 => &mut counts.wijken,
        3 => &mut counts.age_groups,
        4 => &mut counts.cost,
        5 => &mut counts.talents,
        6 => &mut counts.commitment,
        7 => &mut counts.languages,
        _ => &mut counts.accessibility,
    };
    for (value, docs) in &bitmaps.values[facet] {
        if let Some(slot) = slots.get_mut(usize::from(*value)) {
            *slot += and_popcount(set, docs);
        }
    }
    if facet == 2 {
        counts.whole += and_popcount(set, &bitmaps.whole);
    }
}

fn and_in_place(a: &mut [u64], b: &[u64]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x &= y);
}

fn or_in_place(a: &mut [u64], b: &[u64]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x |= y);
}

fn popcount(a: &[u64]) -> u64 {
    a.iter().map(|w| u64::from(w.count_ones())).sum()
}

fn and_popcount(a: &[u64], b: &[u64]) -> u64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| u64::from((x & y).count_ones()))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_and_scaled_unions_list_each_term_with_its_factor() {
        let f = tantivy::schema::Field::from_field_id(0);
        let t = |w: &str| Term::from_field_text(f, w);
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(t(w), IndexRecordOption::WithFreqs))
        };
        let q = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(AnyOf::new(vec![term("a"), term("b")])),
            ),
            (
                Occur::Should,
                Box::new(Scaled::new(
                    Box::new(AnyOf::best(vec![
                        term("a"),
                        Box::new(PhraseQuery::new(vec![t("a"), t("c")])),
                    ])),
                    2.0,
                )),
            ),
        ]);
        let mut out = BTreeMap::new();
        assert!(score_terms(&q, 1.0, &mut out, &mut Vec::new()));
        assert_eq!(out.get(&t("a")), Some(&5.0));
        assert_eq!(out.get(&t("b")), Some(&1.0));
        assert_eq!(out.get(&t("c")), Some(&2.0));
        let mut none = BTreeMap::new();
        assert!(!score_terms(
            &tantivy::query::AllQuery,
            1.0,
            &mut none,
            &mut Vec::new()
        ));
    }
}
