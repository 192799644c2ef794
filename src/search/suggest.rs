//! Search as you type: complete the last (partial) word from the index vocabulary, and show
//! matching titles and taxonomy terms.

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value as _};
use tantivy::{DocAddress, TantivyDocument, Term};

use super::{FacetedTop, SearchError, Sort};
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
        let space = index.facet_space();
        let rows = index.rows(&searcher, &space)?;
        let collector = FacetedTop {
            rows,
            filter: super::Filter::new(&super::SearchRequest::default(), &space),
            keep: limit,
            sort: Sort::Relevance,
            scoring: true,
        };
        let stats = index.live_stats(&searcher);
        let fruit = searcher.search_with_statistics_provider(
            &BooleanQuery::new(must),
            &collector,
            &*stats,
        )?;
        let mut top = fruit.top;
        top.sort_by_key(|c| std::cmp::Reverse(c.key));
        for c in top.into_iter().take(limit) {
            let doc: TantivyDocument = searcher.doc(DocAddress::new(c.segment, c.doc))?;
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
