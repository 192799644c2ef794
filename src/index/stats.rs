//! Ranking statistics that depend on the data only. Tantivy's own BM25 statistics count
//! deleted documents until a merge drops them (`max_doc`, `doc_freq`, token totals), so the
//! same data scored differently from one process or node to the next, depending on when
//! commits and merges happened; near-ties swapped places and pages repeated or skipped items.
//! These count live documents only, the same way whatever the segment layout.

use std::collections::HashMap;
use std::sync::Mutex;

use tantivy::postings::TermInfo;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, TERMINATED};
use tantivy::{Searcher, SegmentReader, Term};

/// Live documents of `segment` that contain the term of `info` in `field`: the stored
/// document frequency when nothing was deleted, a count over the postings otherwise.
pub fn live_doc_freq(
    segment: &SegmentReader,
    field: Field,
    info: &TermInfo,
) -> tantivy::Result<u32> {
    let Some(alive) = segment.alive_bitset() else {
        return Ok(info.doc_freq);
    };
    let inverted = segment.inverted_index(field)?;
    let mut postings = inverted.read_postings_from_terminfo(info, IndexRecordOption::Basic)?;
    let mut n = 0;
    let mut doc = postings.doc();
    while doc != TERMINATED {
        if alive.is_alive(doc) {
            n += 1;
        }
        doc = postings.advance();
    }
    Ok(n)
}

/// BM25 statistics of one searcher over live documents, computed on first use and kept for
/// as long as the searcher (one generation of the index).
pub struct LiveStats {
    searcher: Searcher,
    generation: u64,
    tokens: Mutex<HashMap<Field, u64>>,
    doc_freqs: Mutex<HashMap<Term, u64>>,
}

impl LiveStats {
    pub fn new(searcher: Searcher) -> LiveStats {
        LiveStats {
            generation: searcher.generation().generation_id(),
            searcher,
            tokens: Mutex::new(HashMap::new()),
            doc_freqs: Mutex::new(HashMap::new()),
        }
    }

    /// The index generation these statistics describe.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

impl Bm25StatisticsProvider for LiveStats {
    /// The field lengths of live documents, as their field norms record them.
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(n) = self
            .tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&field)
        {
            return Ok(*n);
        }
        let mut total = 0u64;
        for segment in self.searcher.segment_readers() {
            let norms = segment.get_fieldnorms_reader(field)?;
            for doc in segment.doc_ids_alive() {
                total += u64::from(norms.fieldnorm(doc));
            }
        }
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(field, total);
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(n) = self
            .doc_freqs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(term)
        {
            return Ok(*n);
        }
        let field = term.field();
        let mut total = 0u64;
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            if let Some(info) = inverted.get_term_info(term)? {
                total += u64::from(live_doc_freq(segment, field, &info)?);
            }
        }
        self.doc_freqs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(term.clone(), total);
        Ok(total)
    }
}
