//! Search as you type: complete the last (partial) word from the index vocabulary, and show
//! matching titles and taxonomy terms.

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value as _};
use tantivy::{DocAddress, TantivyDocument, Term};

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use tantivy::query::EnableScoring;
use tantivy::{DocId, SegmentOrdinal};

use super::{SearchError, Sort};
use crate::index::{HitPayload, SearchIndex, analysis};

/// Completions of the last word to consider.
const COMPLETIONS: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct Suggestions {
    /// Whole queries: the typed words with the last one completed, most frequent first.
    pub queries: Vec<String>,
    /// Matching published items: (id, kind, title).
    pub titles: Vec<(i64, String, String)>,
    /// Taxonomy terms whose label has a word starting with the last word: (facet, key, label).
    pub terms: Vec<(&'static str, String, String)>,
}

/// `text` is what the user typed so far; the last word may be incomplete.
pub fn suggest(index: &SearchIndex, text: &str, limit: usize) -> Result<Suggestions, SearchError> {
    let mut analyzer = analysis::exact_analyzer();
    let ends_word = text.ends_with(char::is_whitespace);
    let mut raw =
        tantivy::tokenizer::TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default())
            .filter(tantivy::tokenizer::LowerCaser)
            .filter(tantivy::tokenizer::AsciiFoldingFilter)
            .build();
    let all = analysis::tokens(&mut raw, text);
    let (prefix, before) = match (ends_word, all.split_last()) {
        (false, Some((last, rest))) => (Some(last.clone()), rest.join(" ")),
        _ => (None, all.join(" ")),
    };
    let before_words = analysis::tokens(&mut analyzer, &before);

    let vocabulary = index.vocabulary();
    let completions: Vec<String> = match &prefix {
        Some(p) => vocabulary
            .completions(p, COMPLETIONS)
            .into_iter()
            .map(|(w, _)| w)
            .collect(),
        None => Vec::new(),
    };
    // Shown as people write them: "mantelzorgcafé", not the folded "mantelzorgcafe".
    let queries = completions
        .iter()
        .take(limit)
        .map(|c| {
            let shown = vocabulary.surface(c);
            if before.is_empty() {
                shown.to_string()
            } else {
                format!("{before} {shown}")
            }
        })
        .collect();

    // Titles: every earlier word, and one of the completions (or, after a space, nothing more).
    let f = index.fields();
    let mut must: Vec<(Occur, Box<dyn Query>)> = before_words
        .iter()
        .map(|w| {
            let stem = analysis::stem(w);
            // Matching on the combined text, with a bonus for titles.
            let q: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.text, &stem),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>,
                ),
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(f.title, &stem),
                            IndexRecordOption::WithFreqs,
                        )),
                        3.0,
                    )),
                ),
            ]));
            (Occur::Must, q)
        })
        .collect();
    if !completions.is_empty() {
        let alternatives: Vec<(Occur, Box<dyn Query>)> = completions
            .iter()
            .flat_map(|c| {
                [(f.title_exact, 3.0), (f.body_exact, 1.0)].map(|(field, boost)| {
                    let q: Box<dyn Query> = Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, c),
                            IndexRecordOption::WithFreqs,
                        )),
                        boost,
                    ));
                    (Occur::Should, q)
                })
            })
            .collect();
        must.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
    }
    let mut titles = Vec::new();
    if !must.is_empty() {
        let searcher = index.searcher();
        for (segment, doc) in best_documents(index, &searcher, &BooleanQuery::new(must), limit)? {
            let doc: TantivyDocument = searcher.doc(DocAddress::new(segment, doc))?;
            if let Some(json) = doc.get_first(f.payload).and_then(|v| v.as_str())
                && let Ok(p) = serde_json::from_str::<HitPayload>(json)
            {
                titles.push((p.id, p.kind, p.title));
            }
        }
    }

    // Taxonomy labels with a word starting with the prefix (or containing every typed word).
    let space = index.facet_space();
    let t = &space.taxonomy;
    let needle = prefix.clone().unwrap_or_default();
    let mut terms = Vec::new();
    if needle.len() >= 2 {
        let mut matches = |label: &str| {
            analysis::tokens(&mut raw, label)
                .iter()
                .any(|w| w.starts_with(needle.as_str()))
        };
        for (facet, list) in [
            ("thema", &t.themes),
            ("wijk", &t.wijken),
            ("talent", &t.talents),
            ("taal", &t.languages),
            ("toegankelijkheid", &t.accessibility),
        ] {
            for term in list.iter().filter(|x| matches(&x.label)) {
                terms.push((facet, term.key.to_string(), term.label.clone()));
            }
        }
        for g in t.age_groups.iter().filter(|g| matches(&g.label)) {
            terms.push(("leeftijdsgroep", g.key.to_string(), g.label.clone()));
        }
        terms.truncate(limit);
    }
    Ok(Suggestions {
        queries,
        titles,
        terms,
    })
}

/// A document's ranking key (as in search), segment and doc id.
type Ranked = ((u32, i64, u64), SegmentOrdinal, DocId);

/// The `limit` best live, unexpired documents for `query`, best first, ranked as search ranks
/// them. Only the top is wanted here, not counts, so the scorers may skip every block of
/// documents that cannot beat the current top (block-max WAND over a union of words): a prefix
/// such as "vrijw" matches a third of a large index, and most of it is never scored.
fn best_documents(
    index: &SearchIndex,
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    limit: usize,
) -> Result<Vec<(SegmentOrdinal, DocId)>, SearchError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let space = index.facet_space();
    let rows = index.rows(searcher, &space)?;
    let stats = index.live_stats(searcher);
    let weight = query.weight(EnableScoring::enabled_from_statistics_provider(
        &*stats, searcher,
    ))?;
    let today = super::Filter::today();
    let mut top: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(limit + 1);
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        let Some(rows) = rows.get(ordinal) else {
            continue;
        };
        let alive = segment.alive_bitset();
        // Scores equal to the worst kept one may still win on the tie-break: stay just below.
        let floor = |top: &BinaryHeap<Reverse<Ranked>>| match top.peek() {
            Some(Reverse((key, _, _))) if top.len() >= limit => {
                f32::from_bits(key.0.saturating_sub(1)).max(0.0)
            }
            _ => f32::MIN,
        };
        let mut threshold = floor(&top);
        weight.for_each_pruning(threshold, segment, &mut |doc, score| {
            let Some(r) = rows.rows.get(doc as usize) else {
                return threshold;
            };
            if r.end_day < today || alive.is_some_and(|a| a.is_deleted(doc)) {
                return threshold;
            }
            let candidate = (
                super::candidate_key(Sort::Relevance, score, r, None),
                ordinal as SegmentOrdinal,
                doc,
            );
            if top.len() < limit {
                top.push(Reverse(candidate));
            } else if let Some(mut worst) = top.peek_mut()
                && candidate > worst.0
            {
                *worst = Reverse(candidate);
            }
            threshold = floor(&top);
            threshold
        })?;
    }
    let mut best: Vec<_> = top.into_iter().map(|r| r.0).collect();
    best.sort_by(|a, b| b.cmp(a));
    Ok(best.into_iter().map(|(_, s, d)| (s, d)).collect())
}
