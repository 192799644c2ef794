//! `AnyOf`: a union of queries that scores lazily.
//!
//! Tantivy's union for `Should` clauses fills a window of 4,096 documents from every part and
//! scores every posting in it, whether or not the document survives the rest of the query.
//! Inside an intersection ("every concept of the query") most of them do not, so that work is
//! wasted; it was most of the cost of a two-word search. `AnyOf` moves its parts with their own
//! skip lists and scores a document only when asked, which is only for documents that match
//! the whole query.

use tantivy::SeekDangerResult;
use tantivy::query::{BoostWeight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// Matches the documents matching any of `parts`; the score is the sum of the matching parts'
/// scores, or with [`AnyOf::best`] the highest of them.
#[derive(Debug)]
pub struct AnyOf {
    parts: Vec<Box<dyn Query>>,
    best_only: bool,
}

impl Clone for AnyOf {
    fn clone(&self) -> Self {
        AnyOf {
            parts: self.parts.iter().map(|p| p.box_clone()).collect(),
            best_only: self.best_only,
        }
    }
}

impl AnyOf {
    pub fn new(parts: Vec<Box<dyn Query>>) -> AnyOf {
        AnyOf {
            parts,
            best_only: false,
        }
    }

    /// Scores a document by its best matching part: alternatives that say the same thing
    /// count once.
    pub fn best(parts: Vec<Box<dyn Query>>) -> AnyOf {
        AnyOf {
            parts,
            best_only: true,
        }
    }
}

impl Query for AnyOf {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let parts = self
            .parts
            .iter()
            .map(|p| p.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AnyOfWeight {
            parts,
            best_only: self.best_only,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for p in &self.parts {
            p.query_terms(visitor);
        }
    }
}

impl AnyOf {
    pub(crate) fn parts(&self) -> &[Box<dyn Query>] {
        &self.parts
    }
}

/// A query whose scores are multiplied by `factor`: tantivy's `BoostQuery`, with its parts in
/// view, so that a search can list every term its score can come from (see `search::wide`).
#[derive(Debug)]
pub struct Scaled {
    pub(crate) inner: Box<dyn Query>,
    pub(crate) factor: Score,
}

impl Scaled {
    pub fn new(inner: Box<dyn Query>, factor: Score) -> Scaled {
        Scaled { inner, factor }
    }
}

impl Clone for Scaled {
    fn clone(&self) -> Self {
        Scaled {
            inner: self.inner.box_clone(),
            factor: self.factor,
        }
    }
}

impl Query for Scaled {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.inner.weight(enable_scoring)?;
        Ok(if enable_scoring.is_scoring_enabled() {
            Box::new(BoostWeight::new(inner, self.factor))
        } else {
            inner
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct AnyOfWeight {
    parts: Vec<Box<dyn Weight>>,
    best_only: bool,
}

impl Weight for AnyOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut parts = Vec::with_capacity(self.parts.len());
        for w in &self.parts {
            let s = w.scorer(reader, boost)?;
            if s.doc() != TERMINATED {
                parts.push(s);
            }
        }
        if parts.len() == 1 {
            return Ok(parts.remove(0));
        }
        let docs: Vec<PartDoc> = parts.iter().map(|p| PartDoc::At(p.doc())).collect();
        let doc = parts.iter().map(|p| p.doc()).min().unwrap_or(TERMINATED);
        Ok(Box::new(AnyOfScorer {
            parts,
            docs,
            doc,
            best_only: self.best_only,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut total = 0.0;
        let mut details = Vec::new();
        for w in &self.parts {
            match w.explain(reader, doc) {
                Ok(e) => {
                    total = if self.best_only {
                        f32::max(total, e.value())
                    } else {
                        total + e.value()
                    };
                    details.push(e);
                }
                // Tantivy's way of saying "this part does not match the document".
                Err(tantivy::TantivyError::InvalidArgument(_)) => {}
                Err(e) => return Err(e),
            }
        }
        if details.is_empty() {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} matches no part"
            )));
        }
        let mut out = Explanation::new("AnyOf", total);
        for d in details {
            out.add_detail(d);
        }
        Ok(out)
    }

    /// Without scores a union is the OR of its parts: above a size each part fills a bitmap
    /// from its own posting list, which costs far less per document than merging the parts.
    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        let mut scorer = self.scorer(reader, 1.0)?;
        let max_doc = reader.max_doc();
        if u64::from(scorer.size_hint()) * 16 < u64::from(max_doc) || self.parts.len() < 2 {
            let mut buffer = [0; 64];
            loop {
                let n = scorer.fill_buffer(&mut buffer);
                callback(&buffer[..n]);
                if n < buffer.len() {
                    return Ok(());
                }
            }
        }
        drop(scorer);
        let mut bits = vec![0u64; (max_doc as usize).div_ceil(64)];
        for w in &self.parts {
            w.for_each_no_score(reader, &mut |docs| {
                for &d in docs {
                    bits[d as usize / 64] |= 1 << (d % 64);
                }
            })?;
        }
        let mut buffer = Vec::with_capacity(64);
        for (i, &word) in bits.iter().enumerate() {
            let mut w = word;
            while w != 0 {
                buffer.push(i as DocId * 64 + w.trailing_zeros());
                w &= w - 1;
            }
            if buffer.len() >= 64 {
                callback(&buffer);
                buffer.clear();
            }
        }
        if !buffer.is_empty() {
            callback(&buffer);
        }
        Ok(())
    }
}

/// Where a part of an [`AnyOfScorer`] stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartDoc {
    /// On this document (`TERMINATED` when exhausted): the part may be asked anything.
    At(DocId),
    /// Somewhere at or after this document, after a `seek_danger` that missed: the part may
    /// only be asked `seek_danger` again, with a greater target, until it finds one.
    AtLeast(DocId),
}

struct AnyOfScorer {
    parts: Vec<Box<dyn Scorer>>,
    /// Per part, where it stands; at or after `doc`.
    docs: Vec<PartDoc>,
    doc: DocId,
    best_only: bool,
}

impl AnyOfScorer {
    fn settle(&mut self) -> DocId {
        self.doc = self
            .docs
            .iter()
            .map(|d| match d {
                PartDoc::At(doc) | PartDoc::AtLeast(doc) => *doc,
            })
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }

    /// Puts part `i` on its first document at or after `target`.
    fn place(&mut self, i: usize, target: DocId) {
        let part = &mut self.parts[i];
        self.docs[i] = match self.docs[i] {
            PartDoc::At(doc) if doc >= target => PartDoc::At(doc),
            PartDoc::At(_) => PartDoc::At(part.seek(target)),
            PartDoc::AtLeast(bound) => {
                // Only `seek_danger` is allowed until it finds a document.
                let mut next = bound.max(target);
                loop {
                    if next >= TERMINATED {
                        break PartDoc::At(TERMINATED);
                    }
                    match part.seek_danger(next) {
                        SeekDangerResult::Found => break PartDoc::At(next),
                        SeekDangerResult::SeekLowerBound(lower) => next = lower,
                    }
                }
            }
        };
    }
}

impl DocSet for AnyOfScorer {
    fn advance(&mut self) -> DocId {
        let next = self.doc.saturating_add(1).min(TERMINATED);
        for i in 0..self.parts.len() {
            if self.docs[i] == PartDoc::At(self.doc) && self.doc != TERMINATED {
                self.docs[i] = PartDoc::At(self.parts[i].advance());
            } else {
                self.place(i, next);
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        for i in 0..self.parts.len() {
            self.place(i, target);
        }
        self.settle()
    }

    /// Whether `target` matches, without moving every part to its next document: inside an
    /// intersection most targets do not, and a part that is itself an intersection ("zorg
    /// voor ouder") would otherwise search ahead for its next match each time.
    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= TERMINATED {
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        let mut found = false;
        for (part, doc) in self.parts.iter_mut().zip(self.docs.iter_mut()) {
            // A part already on the target or past it is not asked again.
            let asked = match *doc {
                PartDoc::At(d) => d < target,
                PartDoc::AtLeast(d) => d <= target,
            };
            if asked {
                *doc = match part.seek_danger(target) {
                    SeekDangerResult::Found => PartDoc::At(target),
                    SeekDangerResult::SeekLowerBound(lower) if lower >= TERMINATED => {
                        PartDoc::At(TERMINATED)
                    }
                    SeekDangerResult::SeekLowerBound(lower) => PartDoc::AtLeast(lower),
                };
            }
            found |= *doc == PartDoc::At(target);
        }
        if found {
            // The parts that missed stand after the target: this scorer is on it and valid.
            self.doc = target;
            SeekDangerResult::Found
        } else {
            SeekDangerResult::SeekLowerBound(self.settle())
        }
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.parts
            .iter()
            .map(|p| p.size_hint())
            .fold(0u32, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        self.parts.iter().map(|p| p.cost()).sum()
    }
}

impl Scorer for AnyOfScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let scores = self
            .parts
            .iter_mut()
            .zip(&self.docs)
            .filter(|(_, d)| **d == PartDoc::At(doc))
            .map(|(p, _)| p.score());
        if self.best_only {
            scores.fold(0.0, f32::max)
        } else {
            scores.sum()
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema};
    use tantivy::{Index, TantivyDocument};

    use super::*;

    /// `AnyOf` must find and score exactly what tantivy's own `Should` union does, alone and
    /// inside an intersection.
    #[test]
    fn matches_and_scores_like_a_should_union() {
        let mut schema = Schema::builder();
        let f = schema.add_text_field("w", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for i in 0..3000u32 {
            let mut doc = TantivyDocument::default();
            for (word, every) in [("a", 3), ("b", 5), ("c", 7), ("d", 2), ("e", 13)] {
                for _ in 0..(i % every == 0) as u32 + (i % (every * 11) == 0) as u32 {
                    doc.add_text(f, word);
                }
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f, w),
                IndexRecordOption::WithFreqs,
            ))
        };
        let ours: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(AnyOf::new(vec![term("a"), term("b")])),
            ),
            (
                Occur::Must,
                Box::new(AnyOf::new(vec![term("c"), term("d")])),
            ),
        ]));
        let theirs: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, term("a")),
                    (Occur::Should, term("b")),
                ])),
            ),
            (
                Occur::Must,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, term("c")),
                    (Occur::Should, term("d")),
                ])),
            ),
        ]));
        let top = |q: &dyn Query| {
            searcher
                .search(q, &TopDocs::with_limit(3000).order_by_score())
                .unwrap()
        };
        let (a, b) = (top(&*ours), top(&*theirs));
        assert!(a.len() > 100);
        assert_eq!(a.len(), b.len());
        for ((sa, da), (sb, db)) in a.iter().zip(&b) {
            assert_eq!(da, db);
            assert!((sa - sb).abs() < 1e-4, "{sa} vs {sb}");
        }

        // Behind a rarer word, as a follower that is only asked whether a document matches,
        // with a part that is itself an intersection ("b c" as a phrase of a synonym).
        let both = |x: &str, y: &str| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, term(x)),
                (Occur::Must, term(y)),
            ]))
        };
        let ours: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Must, term("e")),
            (
                Occur::Must,
                Box::new(AnyOf::new(vec![term("a"), both("b", "c")])),
            ),
            (
                Occur::Must,
                Box::new(AnyOf::new(vec![both("c", "d"), term("b")])),
            ),
        ]));
        let theirs: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Must, term("e")),
            (
                Occur::Must,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, term("a")),
                    (Occur::Should, both("b", "c")),
                ])),
            ),
            (
                Occur::Must,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, both("c", "d")),
                    (Occur::Should, term("b")),
                ])),
            ),
        ]));
        let (a, b) = (top(&*ours), top(&*theirs));
        assert!(a.len() > 10, "{}", a.len());
        same_documents_and_scores(&a, &b);
    }

    /// `AnyOf::best` must find what tantivy's `DisjunctionMaxQuery` finds, with its scores.
    #[test]
    fn best_scores_like_a_disjunction_max() {
        let mut schema = Schema::builder();
        let f = schema.add_text_field("w", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for i in 0..2000u32 {
            let mut doc = TantivyDocument::default();
            for (word, every) in [("a", 3), ("b", 5), ("c", 4)] {
                for _ in 0..(i % every == 0) as u32 + (i % (every * 7) == 0) as u32 {
                    doc.add_text(f, word);
                }
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f, w),
                IndexRecordOption::WithFreqs,
            ))
        };
        let ours = AnyOf::best(vec![term("a"), term("b"), term("c")]);
        let theirs =
            tantivy::query::DisjunctionMaxQuery::new(vec![term("a"), term("b"), term("c")]);
        let top = |q: &dyn Query| {
            searcher
                .search(q, &TopDocs::with_limit(2000).order_by_score())
                .unwrap()
        };
        let (a, b) = (top(&ours), top(&theirs));
        assert!(a.len() > 500);
        same_documents_and_scores(&a, &b);
    }

    /// The same documents with the same scores, whatever the order of equal scores.
    fn same_documents_and_scores(
        a: &[(Score, tantivy::DocAddress)],
        b: &[(Score, tantivy::DocAddress)],
    ) {
        assert_eq!(a.len(), b.len());
        let sorted = |v: &[(Score, tantivy::DocAddress)]| {
            let mut v: Vec<(u32, f32)> = v.iter().map(|(s, d)| (d.doc_id, *s)).collect();
            v.sort_by_key(|x| x.0);
            v
        };
        for ((da, sa), (db, sb)) in sorted(a).iter().zip(&sorted(b)) {
            assert_eq!(da, db);
            assert!((sa - sb).abs() < 1e-4, "{sa} vs {sb}");
        }
    }
}
