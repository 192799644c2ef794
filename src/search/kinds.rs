//! Every item of one kind at a constant score: in a query about volunteering, every vacancy
//! meets the word that only says the query is an offer of time ("vrijwilliger", see
//! `plan::Concept::says_intent`).
//!
//! The items come from the segment's kind bitmap, which facet counting prepares when a segment
//! is opened, not from the postings of the kind's term. Those postings hold a third of the
//! index, and an intersection seeks them once for each item the query's other words match;
//! a bit test costs less than a seek in a posting list. A segment without rows (not prepared
//! yet, or prepared for another taxonomy) falls back to the term's postings.

use std::sync::{Arc, Mutex};

use tantivy::query::{
    ConstScoreQuery, EnableScoring, Explanation, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use crate::domain::Kind;
use crate::index::facets::ValueBitmaps;
use crate::index::{FacetSpace, RowCache, SegmentRows};

/// Where the weight finds each segment's rows: the index's cache, for the taxonomy of the day.
#[derive(Clone)]
pub struct RowSource {
    pub(crate) cache: Arc<Mutex<RowCache>>,
    pub(crate) space: Arc<FacetSpace>,
}

impl RowSource {
    /// The segment's rows, when the index prepared them (it does when a segment opens).
    fn rows(&self, reader: &SegmentReader) -> Option<Arc<SegmentRows>> {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.cached(self.space.stamp, reader.segment_id())
    }
}

/// Where the documents of kind `code` are among a segment's kind bitmaps: `Some(None)` when the
/// segment has none of that kind, `None` when the bitmaps are not of a segment of `max_doc`
/// documents.
pub(crate) fn kind_bitmap(bitmaps: &ValueBitmaps, code: u8, max_doc: u32) -> Option<Option<usize>> {
    let kinds = &bitmaps.values[0];
    let words = (max_doc as usize).div_ceil(64);
    if kinds.iter().any(|(_, docs)| docs.len() != words) {
        return None;
    }
    Some(kinds.iter().position(|(c, _)| *c == code))
}

/// The items of `kind`, each scoring `score`.
#[derive(Clone)]
pub struct KindQuery {
    kind: Kind,
    term: Term,
    score: Score,
    rows: RowSource,
}

impl std::fmt::Debug for KindQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Kind({}, score={})", self.kind.as_str(), self.score)
    }
}

impl KindQuery {
    pub fn new(kind_field: Field, kind: Kind, score: Score, rows: RowSource) -> KindQuery {
        KindQuery {
            kind,
            term: Term::from_field_text(kind_field, kind.as_str()),
            score,
            rows,
        }
    }

    /// The kind's code in the facet rows.
    pub(crate) fn code(&self) -> u8 {
        self.kind.code()
    }

    /// The same matches from the term's postings, for a segment without rows.
    fn by_postings(&self) -> ConstScoreQuery {
        ConstScoreQuery::new(
            Box::new(TermQuery::new(self.term.clone(), IndexRecordOption::Basic)),
            self.score,
        )
    }
}

impl Query for KindQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(KindWeight {
            code: self.code(),
            score: self.score,
            rows: self.rows.clone(),
            postings: self.by_postings().weight(enable_scoring)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

struct KindWeight {
    code: u8,
    score: Score,
    rows: RowSource,
    postings: Box<dyn Weight>,
}

impl Weight for KindWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let Some(rows) = self.rows.rows(reader) else {
            return self.postings.scorer(reader, boost);
        };
        let Some(bitmap) = kind_bitmap(rows.bitmaps(), self.code, reader.max_doc()) else {
            return self.postings.scorer(reader, boost);
        };
        Ok(Box::new(KindScorer::new(rows, bitmap, boost * self.score)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} is not of this kind"
            )));
        }
        Ok(Explanation::new("Kind", self.score))
    }
}

/// Steps through the set bits of one kind's bitmap.
struct KindScorer {
    rows: Arc<SegmentRows>,
    /// Position of the kind's bitmap in the rows' kind bitmaps; `None`: no item of that kind.
    bitmap: Option<usize>,
    doc: DocId,
    len: u32,
    score: Score,
}

impl KindScorer {
    fn new(rows: Arc<SegmentRows>, bitmap: Option<usize>, score: Score) -> KindScorer {
        let len = bitmap.map_or(0, |i| {
            rows.bitmaps().values[0][i]
                .1
                .iter()
                .map(|w| w.count_ones())
                .sum()
        });
        let mut scorer = KindScorer {
            rows,
            bitmap,
            doc: 0,
            len,
            score,
        };
        scorer.doc = scorer.first_from(0);
        scorer
    }

    /// The first document of the kind at or after `target`.
    fn first_from(&self, target: DocId) -> DocId {
        let Some(i) = self.bitmap else {
            return TERMINATED;
        };
        let bits = &self.rows.bitmaps().values[0][i].1;
        let mut word = target as usize / 64;
        let Some(first) = bits.get(word) else {
            return TERMINATED;
        };
        let mut w = first & (u64::MAX << (target % 64));
        loop {
            if w != 0 {
                return (word * 64) as DocId + w.trailing_zeros();
            }
            word += 1;
            match bits.get(word) {
                Some(next) => w = *next,
                None => return TERMINATED,
            }
        }
    }
}

impl DocSet for KindScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.first_from(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc != TERMINATED && target > self.doc {
            self.doc = self.first_from(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.len
    }
}

impl Scorer for KindScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}
