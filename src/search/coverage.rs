//! Coverage: in the fallback, an item that has more of what the query says comes first.
//!
//! When too few items have every word of a sentence, the fallback takes items with some of
//! them (`search::plan::build` with `strict` false). Their scores add up per word, so an item
//! with one word in its title ("Samen eten") can pass an item that has two of the sentence's
//! words in its text ("te weinig geld voor eten"). Here each item's score is multiplied by the
//! share of the query it covers, each word weighted by how much it says ([`weight`]): an item
//! that covers half of what the query says keeps half its score. A situation's needs cover the
//! words of the situation, as its own words would.
//!
//! Measured on both evaluation sets (README, "Coverage in the fallback"): weighting words by
//! how much they say beat counting them; raising the share to a power between 1 and 1.5
//! measured alike, 2 and more lost, so the share counts as it is.
//!
//! The factor is at most 1, so a score never grows: the bounds `search::wide` prunes with
//! stay above every score.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// How much a word with `doc_freq` matches among `items` says: its inverse document frequency,
/// smoothed so that a word no item has (a phrase, a word only a synonym finds) counts as the
/// rarest.
pub fn weight(doc_freq: u64, items: u64) -> f32 {
    (1.0 + items as f32 / (doc_freq as f32 + 1.0)).ln()
}

/// Queries that say an item has some of the query's words, each with the words (positions in
/// the weights) an item matching it covers.
pub type CoveringParts = Vec<(Box<dyn Query>, Vec<usize>)>;

/// `inner`, its scores scaled by the weighted share of the query's words that an item covers.
#[derive(Debug)]
pub struct Covered {
    inner: Box<dyn Query>,
    parts: CoveringParts,
    weights: Vec<f32>,
}

impl Clone for Covered {
    fn clone(&self) -> Self {
        Covered {
            inner: self.inner.box_clone(),
            parts: self
                .parts
                .iter()
                .map(|(q, covers)| (q.box_clone(), covers.clone()))
                .collect(),
            weights: self.weights.clone(),
        }
    }
}

impl Covered {
    /// `weights`: one per word of the query; `parts`: queries that say an item has some of
    /// them.
    pub fn new(inner: Box<dyn Query>, parts: CoveringParts, weights: Vec<f32>) -> Covered {
        Covered {
            inner,
            parts,
            weights,
        }
    }

    pub(crate) fn inner(&self) -> &dyn Query {
        &*self.inner
    }
}

impl Query for Covered {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.inner.weight(enable_scoring)?;
        if !enable_scoring.is_scoring_enabled() {
            return Ok(inner);
        }
        let unscored = EnableScoring::disabled_from_schema(enable_scoring.schema());
        let parts = self
            .parts
            .iter()
            .map(|(q, covers)| Ok((q.weight(unscored)?, covers.clone())))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(CoveredWeight {
            inner,
            parts,
            weights: self.weights.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct CoveredWeight {
    inner: Box<dyn Weight>,
    parts: Vec<(Box<dyn Weight>, Vec<usize>)>,
    weights: Vec<f32>,
}

impl Weight for CoveredWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        let mut parts = Vec::with_capacity(self.parts.len());
        for (w, covers) in &self.parts {
            parts.push((w.scorer(reader, 1.0)?, covers.clone()));
        }
        Ok(Box::new(CoveredScorer {
            inner,
            parts,
            weights: self.weights.clone(),
            total: self.weights.iter().sum(),
            covered: vec![false; self.weights.len()],
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("Covered", scorer.score()))
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.inner.for_each_no_score(reader, callback)
    }
}

struct CoveredScorer {
    inner: Box<dyn Scorer>,
    parts: Vec<(Box<dyn Scorer>, Vec<usize>)>,
    weights: Vec<f32>,
    total: f32,
    /// Scratch: the words the current document covers.
    covered: Vec<bool>,
}

impl CoveredScorer {
    /// The weighted share of the words the current document covers.
    fn share(&mut self) -> f32 {
        let doc = self.inner.doc();
        self.covered.iter_mut().for_each(|c| *c = false);
        for (part, covers) in &mut self.parts {
            // Documents are scored in order, so a part is only ever moved forward.
            if part.doc() < doc {
                part.seek(doc);
            }
            if part.doc() == doc {
                for &i in covers.iter() {
                    self.covered[i] = true;
                }
            }
        }
        let covered: f32 = self
            .weights
            .iter()
            .zip(&self.covered)
            .filter(|(_, c)| **c)
            .map(|(w, _)| w)
            .sum();
        covered / self.total
    }
}

impl DocSet for CoveredScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> tantivy::SeekDangerResult {
        self.inner.seek_danger(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for CoveredScorer {
    fn score(&mut self) -> Score {
        let score = self.inner.score();
        if self.total <= 0.0 || self.inner.doc() == TERMINATED {
            return score;
        }
        // However little an item covers (a compound's part or a label alone, one common
        // word), it keeps the share one word of n + 1 would give it: coverage reorders the
        // fallback, it does not wipe out what the words found. Counted by words, not by their
        // weights, so that one rare word in the query does not drown all the others.
        let floor = 1.0 / (self.weights.len() as f32 + 1.0);
        score * self.share().clamp(floor, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema};
    use tantivy::{DocAddress, Index, Searcher, TantivyDocument};

    use super::*;

    /// Four documents: "geld eten", "eten eten eten", "geld", "huur".
    fn four_documents() -> tantivy::Result<Searcher> {
        let mut schema = Schema::builder();
        let f = schema.add_text_field("w", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for words in [
            &["geld", "eten"][..],
            &["eten", "eten", "eten"],
            &["geld"],
            &["huur"],
        ] {
            let mut doc = TantivyDocument::default();
            for w in words {
                doc.add_text(f, w);
            }
            writer.add_document(doc)?;
        }
        writer.commit()?;
        Ok(index.reader()?.searcher())
    }

    /// The matches of `query` in [`four_documents`] with their scores, by document.
    fn scores(query: &dyn Query) -> tantivy::Result<Scored> {
        let mut found: Scored = four_documents()?
            .search(query, &TopDocs::with_limit(10).order_by_score())?
            .into_iter()
            .map(|(score, a): (Score, DocAddress)| (a.doc_id, score))
            .collect();
        found.sort_by_key(|(doc, _)| *doc);
        Ok(found)
    }

    fn term(w: &str) -> Box<dyn Query> {
        let field = Schema::builder().add_text_field("w", STRING);
        Box::new(TermQuery::new(
            Term::from_field_text(field, w),
            IndexRecordOption::WithFreqs,
        ))
    }

    fn any(words: &[&str]) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            words.iter().map(|w| (Occur::Should, term(w))).collect(),
        ))
    }

    /// Matches and their scores, by document.
    type Scored = Vec<(DocId, Score)>;

    /// The scores of `words` as a union, and of the same union covered by `parts`.
    fn plain_and_covered(
        words: &[&str],
        parts: &[(&str, &[usize])],
        weights: &[f32],
    ) -> tantivy::Result<(Scored, Scored)> {
        let inner = any(words);
        let covered = Covered::new(
            inner.box_clone(),
            parts.iter().map(|(w, c)| (term(w), c.to_vec())).collect(),
            weights.to_vec(),
        );
        Ok((scores(&*inner)?, scores(&covered)?))
    }

    fn near(a: Score, b: Score) -> bool {
        (a - b).abs() < 1e-5
    }

    #[test]
    fn a_score_is_scaled_by_the_weighted_share_of_the_words_covered() -> tantivy::Result<()> {
        // "overhouden" is in no document and says the most; "geld" says twice what "eten" does.
        let (plain, scaled) = plain_and_covered(
            &["geld", "eten", "overhouden"],
            &[("geld", &[0]), ("eten", &[1]), ("overhouden", &[2])],
            &[2.0, 1.0, 5.0],
        )?;
        // The same matches.
        let docs = |s: &[(DocId, Score)]| s.iter().map(|(d, _)| *d).collect::<Vec<_>>();
        assert_eq!(docs(&scaled), docs(&plain));
        assert_eq!(docs(&scaled), vec![0, 1, 2]);
        assert!(near(scaled[0].1, plain[0].1 * 3.0 / 8.0), "{scaled:?}");
        // "eten" alone is 1/8 of what the query says, less than one word of four: the floor.
        assert!(near(scaled[1].1, plain[1].1 / 4.0), "{scaled:?}");
        assert!(near(scaled[2].1, plain[2].1 * 2.0 / 8.0), "{scaled:?}");
        Ok(())
    }

    #[test]
    fn a_part_that_covers_several_words_counts_each_once() -> tantivy::Result<()> {
        // A situation's need ("huur") covers both words of the situation.
        let (plain, scaled) = plain_and_covered(
            &["geld", "eten", "huur"],
            &[("geld", &[0]), ("eten", &[1]), ("huur", &[0, 1])],
            &[1.0, 1.0],
        )?;
        assert!(near(scaled[0].1, plain[0].1), "both words: the whole score");
        assert!(near(scaled[3].1, plain[3].1), "the need: the whole score");
        assert!(near(scaled[2].1, plain[2].1 / 2.0));
        Ok(())
    }

    #[test]
    fn without_scores_it_matches_what_its_query_matches() -> tantivy::Result<()> {
        let covered = Covered::new(
            any(&["geld", "huur"]),
            vec![(term("geld"), vec![0])],
            vec![1.0],
        );
        assert_eq!(four_documents()?.search(&covered, &Count)?, 3);
        Ok(())
    }
}
