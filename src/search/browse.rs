//! Browsing without text or filters, answered from data prepared once per segment.
//!
//! A plain browse matches every live document, so scanning the matches costs as much as the
//! index is large (a million rows at 1M items). Its answer depends only on the segment, its
//! deletions and the day (expired vacancies drop out at midnight), so each segment's facet
//! counts are computed once per such state, right after the commit that made it, and its
//! documents are kept in the order of every sort. A browse then costs a merge of a few count
//! tables and a walk along the first `keep` documents of each segment.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::{Searcher, SegmentOrdinal, SegmentReader};

use super::{ALL_FACETS, Candidate, Counts, Filter, SegmentFruit, Sort, candidate_key};
use crate::index::SegmentRows;
use crate::index::facets::DocBits;

/// What a browse needs of one segment in one state.
pub(crate) struct SegmentSummary {
    total: u64,
    counts: Counts,
    /// The documents neither deleted nor expired: what a search with many matches intersects
    /// them with (see `search::wide`).
    pub(crate) alive: DocBits,
}

/// The state a summary holds for: the segment, how many of its documents are deleted
/// (deletions only ever grow), the day, and the taxonomy's stamp.
type Key = (SegmentId, u32, u16, u64);

/// Summaries of the segments of recent searchers.
#[derive(Default)]
pub struct BrowseCache {
    summaries: Mutex<HashMap<Key, Arc<SegmentSummary>>>,
}

impl BrowseCache {
    pub(crate) fn summary(
        &self,
        segment: &SegmentReader,
        rows: &SegmentRows,
        today: u16,
        stamp: u64,
    ) -> Arc<SegmentSummary> {
        let key = (
            segment.segment_id(),
            segment.num_deleted_docs(),
            today,
            stamp,
        );
        if let Some(s) = self.lock().get(&key) {
            return s.clone();
        }
        // Built outside the lock: two searches racing on a new state both build it, once.
        let fresh = Arc::new(summarise(segment, rows, today));
        self.lock().insert(key, fresh.clone());
        fresh
    }

    /// Keeps the summaries of `searcher`'s segments in their current state and drops the rest.
    pub fn retain(&self, searcher: &Searcher) {
        let live: Vec<(SegmentId, u32)> = searcher
            .segment_readers()
            .iter()
            .map(|s| (s.segment_id(), s.num_deleted_docs()))
            .collect();
        self.lock()
            .retain(|(id, deleted, _, _), _| live.contains(&(*id, *deleted)));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<SegmentSummary>>> {
        self.summaries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn summarise(segment: &SegmentReader, rows: &SegmentRows, today: u16) -> SegmentSummary {
    let alive = segment.alive_bitset();
    let mut counts = Counts::default();
    let mut total = 0;
    let mut alive_bits = vec![0u64; rows.rows.len().div_ceil(64)];
    for (doc, r) in rows.rows.iter().enumerate() {
        if r.end_day < today || alive.is_some_and(|a| a.is_deleted(doc as u32)) {
            continue;
        }
        total += 1;
        counts.add(r, ALL_FACETS);
        alive_bits[doc / 64] |= 1 << (doc % 64);
    }
    SegmentSummary {
        total,
        counts,
        alive: alive_bits,
    }
}

/// True when `browse` can answer: no text, nothing filtered but expiry, and a sort that does
/// not depend on the request (distance does).
pub(crate) fn applies(has_text: bool, filter: &Filter, sort: Sort) -> bool {
    !has_text && filter.only_expiry() && sort != Sort::Distance
}

/// Prepares the summaries and facet value bitmaps of every segment of `searcher` for today, so
/// no request pays for them.
pub(crate) fn prepare(
    cache: &BrowseCache,
    searcher: &Searcher,
    rows: &[Arc<SegmentRows>],
    stamp: u64,
) {
    let today = Filter::today();
    for (segment, rows) in searcher.segment_readers().iter().zip(rows) {
        cache.summary(segment, rows, today, stamp);
        rows.order(crate::index::facets::RowOrder::Verified);
        rows.bitmaps();
    }
    cache.retain(searcher);
}

/// The same fruit a full scan with `AllQuery` would give, from the prepared summaries.
pub(crate) fn browse(
    cache: &BrowseCache,
    searcher: &Searcher,
    rows: &[Arc<SegmentRows>],
    stamp: u64,
    filter: &Filter,
    keep: usize,
    sort: Sort,
) -> SegmentFruit {
    let mut fruit = SegmentFruit {
        total: 0,
        counts: Counts::default(),
        top: Vec::new(),
    };
    for (ordinal, (segment, rows)) in searcher.segment_readers().iter().zip(rows).enumerate() {
        let summary = cache.summary(segment, rows, filter.today, stamp);
        fruit.total += summary.total;
        fruit.counts.merge(&summary.counts);
        if keep == 0 {
            continue;
        }
        let alive = segment.alive_bitset();
        let order = rows.order(sort_order(sort));
        fruit.top.extend(
            order
                .iter()
                .filter_map(|&doc| {
                    let r = rows.rows.get(doc as usize)?;
                    let gone = r.end_day < filter.today || alive.is_some_and(|a| a.is_deleted(doc));
                    (!gone).then(|| Candidate {
                        key: candidate_key(sort, 0.0, r, filter.origin),
                        segment: ordinal as SegmentOrdinal,
                        doc,
                        title_ord: r.title_ord,
                    })
                })
                .take(keep),
        );
    }
    fruit
}

fn sort_order(sort: Sort) -> crate::index::facets::RowOrder {
    use crate::index::facets::RowOrder;
    match sort {
        Sort::Newest => RowOrder::Newest,
        Sort::Title => RowOrder::Title,
        // Without text every score is zero: the most recently checked first.
        Sort::Relevance | Sort::Distance => RowOrder::Verified,
    }
}
