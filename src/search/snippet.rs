//! Snippets: the passage of a text that best shows why an item matched, matching words in
//! `<mark>`.
//!
//! A word matches when the index analysis (folding, decompounding, stemming) turns it into one
//! of the query's terms. That analysis is the expensive part, so a word only gets it when it
//! could match: it must contain the first two letters of some term. A stem keeps its word's
//! first letters (the Dutch stemmer only changes endings) and a compound part is a piece of its
//! compound, so a word without any such letter pair cannot produce a term. All other words are
//! only scanned, without allocating.

use std::collections::HashMap;
use std::ops::Range;

use tantivy::query::Query;
use tantivy::tokenizer::TextAnalyzer;

use super::SearchError;
use crate::index::SearchIndex;
use crate::index::analysis::{self, STEMMED};

/// Longest snippet, in bytes of the source text.
pub const SNIPPET_MAX_BYTES: usize = 200;
/// Words this long are not indexed (see the analysis chain), so they never match.
const LONGEST_WORD: usize = 48;

/// Finds and marks the best passage of texts for one query.
pub struct Highlighter {
    /// Query term (a stem) → its number in `weights`.
    terms: foldhash::HashMap<String, usize>,
    /// Per term: rarer terms weigh more.
    weights: Vec<f32>,
    /// The two-letter starts of the terms, as a bit per byte pair; `None` when some term is
    /// shorter than two letters, and every word must be analysed.
    starts: Option<Box<[u64; 1024]>>,
    analyzer: TextAnalyzer,
    compounds: bool,
    /// Per lower-cased word: the term it matches, if any (texts of one page repeat words).
    seen: foldhash::HashMap<String, Option<usize>>,
    /// Scratch space for lower-casing.
    lower: String,
    max_bytes: usize,
}

/// A matching word: its byte range and which term it matched.
#[derive(Debug, Clone)]
struct Hit {
    range: Range<usize>,
    term: usize,
}

impl Highlighter {
    /// A highlighter for the terms `query` looks up in the combined text field.
    pub fn for_query(
        index: &SearchIndex,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
    ) -> Result<Highlighter, SearchError> {
        use tantivy::query::Bm25StatisticsProvider as _;
        let stats = index.live_stats(searcher);
        let field = index.fields().text;
        let mut terms = HashMap::new();
        let mut seen = std::collections::BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                seen.insert(term.clone());
            }
        });
        for term in &seen {
            let value = term.value();
            let Some(text) = value.as_str() else {
                continue;
            };
            // Live documents only, as ranking counts them: the same snippet on every node.
            let doc_freq = stats.doc_freq(term)?;
            if doc_freq > 0 {
                terms.insert(text.to_string(), 1.0 / (1.0 + doc_freq as f32));
            }
        }
        let analyzer = index
            .tantivy()
            .tokenizers()
            .get(STEMMED)
            .ok_or_else(|| tantivy::TantivyError::InternalError("analyse ontbreekt".into()))?;
        Ok(Highlighter::new(
            terms,
            analyzer,
            index.features().compounds,
            SNIPPET_MAX_BYTES,
        ))
    }

    /// `analyzer` must be the index's stemmed analyzer, decompounding when `compounds`.
    pub fn new(
        terms: HashMap<String, f32>,
        analyzer: TextAnalyzer,
        compounds: bool,
        max_bytes: usize,
    ) -> Self {
        let mut starts = Some(Box::new([0u64; 1024]));
        for term in terms.keys() {
            match (term.as_bytes().first(), term.as_bytes().get(1), &mut starts) {
                (Some(&a), Some(&b), Some(bits)) => {
                    let pair = usize::from(a) << 8 | usize::from(b);
                    bits[pair / 64] |= 1 << (pair % 64);
                }
                _ => starts = None,
            }
        }
        let (terms, weights) = terms
            .into_iter()
            .enumerate()
            .map(|(i, (term, weight))| ((term, i), weight))
            .unzip();
        Highlighter {
            terms,
            weights,
            starts,
            analyzer,
            compounds,
            seen: foldhash::HashMap::default(),
            lower: String::new(),
            max_bytes,
        }
    }

    /// The HTML snippet of `text` (escaped, matches in `<mark>`), or `None` when no word of it
    /// matches.
    pub fn snippet(&mut self, text: &str) -> Option<String> {
        if self.terms.is_empty() {
            return None;
        }
        let all: Vec<Range<usize>> = words(text).collect();
        let hits = self.hits(text, &all);
        let core = self.best_window(&hits)?;
        let shown = widen(text, &all, core, self.max_bytes);
        Some(render(text, shown, &hits))
    }

    /// The matching words among `words` of `text`, in order.
    fn hits(&mut self, text: &str, words: &[Range<usize>]) -> Vec<Hit> {
        let mut hits = Vec::new();
        for range in words.iter().cloned() {
            let word = &text[range.clone()];
            if word.len() >= LONGEST_WORD || !self.could_match(word) {
                continue;
            }
            let best = self.best_term(word);
            if let Some(term) = best {
                hits.push(Hit { range, term });
            }
        }
        hits
    }

    /// The heaviest query term among the index terms of `word`.
    fn best_term(&mut self, word: &str) -> Option<usize> {
        self.lower.clear();
        self.lower.push_str(word);
        self.lower.make_ascii_lowercase();
        if let Some(known) = self.seen.get(self.lower.as_str()) {
            return *known;
        }
        let (terms, weights) = (&self.terms, &self.weights);
        let mut best: Option<usize> = None;
        let mut consider = |term: &str| {
            if let Some(&t) = terms.get(term)
                && best.is_none_or(|b| weights[t] > weights[b])
            {
                best = Some(t);
            }
        };
        if !analysis::visit_ascii_word_terms(&self.lower, self.compounds, &mut consider) {
            for term in analysis::tokens(&mut self.analyzer, word) {
                consider(&term);
            }
        }
        self.seen.insert(self.lower.clone(), best);
        best
    }

    /// False when `word` holds none of the terms' two-letter starts (compared case-blind; a
    /// word with letters beyond ASCII is always analysed, as folding may change them).
    fn could_match(&self, word: &str) -> bool {
        let Some(bits) = &self.starts else {
            return true;
        };
        let bytes = word.as_bytes();
        if !bytes.is_ascii() {
            return true;
        }
        bytes.windows(2).any(|w| {
            let pair = usize::from(w[0].to_ascii_lowercase()) << 8
                | usize::from(w[1].to_ascii_lowercase());
            bits[pair / 64] & (1 << (pair % 64)) != 0
        })
    }

    /// The stretch of at most `max_bytes` with the most weight of distinct terms; the earliest
    /// wins a tie.
    fn best_window(&self, hits: &[Hit]) -> Option<Range<usize>> {
        let mut best: Option<(f32, Range<usize>)> = None;
        for (i, first) in hits.iter().enumerate() {
            let mut seen: Vec<usize> = Vec::new();
            let mut weight = 0.0;
            let mut end = first.range.end;
            for hit in &hits[i..] {
                if hit.range.end - first.range.start > self.max_bytes {
                    break;
                }
                end = hit.range.end;
                if !seen.contains(&hit.term) {
                    seen.push(hit.term);
                    weight += self.weights[hit.term];
                }
            }
            if best.as_ref().is_none_or(|(w, _)| weight > *w) {
                best = Some((weight, first.range.start..end));
            }
        }
        best.map(|(_, range)| range)
    }
}

/// The byte ranges of the words of `text`: runs of letters and digits, as the index tokenizer
/// splits them.
fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    // Is the character at byte `i` a letter or digit, and how long is it?
    let class = move |i: usize| -> (bool, usize) {
        match bytes[i] {
            b if b.is_ascii() => (b.is_ascii_alphanumeric(), 1),
            _ => text[i..]
                .chars()
                .next()
                .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
        }
    };
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let (alnum, len) = class(at);
            if alnum {
                break;
            }
            at += len;
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() {
            let (alnum, len) = class(at);
            if !alnum {
                break;
            }
            at += len;
        }
        Some(start..at)
    })
}

/// Grows `core` to use up to `max_bytes` of `text`: about a third of the room before it, the
/// rest after, never cutting one of its `words`.
fn widen(text: &str, words: &[Range<usize>], core: Range<usize>, max_bytes: usize) -> Range<usize> {
    let room = max_bytes.saturating_sub(core.len());
    let earliest = core.start.saturating_sub(room / 3);
    let start = words
        .iter()
        .find(|w| w.start >= earliest)
        .map_or(core.start, |w| w.start.min(core.start));
    let start = if earliest == 0 { 0 } else { start };
    let latest = start + max_bytes;
    let mut end = words
        .iter()
        .take_while(|w| w.end <= latest)
        .last()
        .map_or(core.end, |w| w.end.max(core.end));
    // Closing punctuation after the last word belongs to the passage.
    if words.last().is_some_and(|w| w.end == end) && text.len() - start <= max_bytes {
        end = text.len();
    }
    start..end
}

fn render(text: &str, shown: Range<usize>, hits: &[Hit]) -> String {
    let mut html = String::with_capacity(shown.len() + 64);
    if shown.start > 0 {
        html.push('…');
    }
    let mut at = shown.start;
    for hit in hits
        .iter()
        .filter(|h| h.range.start >= shown.start && h.range.end <= shown.end)
    {
        escape_into(&mut html, &text[at..hit.range.start]);
        html.push_str("<mark>");
        escape_into(&mut html, &text[hit.range.clone()]);
        html.push_str("</mark>");
        at = hit.range.end;
    }
    escape_into(&mut html, &text[at..shown.end]);
    if shown.end < text.len() {
        html.push('…');
    }
    html
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::analysis::decompounding_analyzer;

    fn highlighter(terms: &[&str], max: usize) -> Highlighter {
        let terms = terms.iter().map(|t| (t.to_string(), 1.0)).collect();
        Highlighter::new(terms, decompounding_analyzer(), true, max)
    }

    #[test]
    fn marks_inflections_and_compound_parts_and_escapes_the_rest() {
        let mut h = highlighter(&["schuld", "hulp"], 200);
        let html = h
            .snippet("Wij bieden <gratis> schuldhulpverlening & hulp bij Schulden.")
            .unwrap();
        assert_eq!(
            html,
            "Wij bieden &lt;gratis&gt; <mark>schuldhulpverlening</mark> &amp; <mark>hulp</mark> \
             bij <mark>Schulden</mark>."
        );
    }

    #[test]
    fn picks_the_passage_with_the_most_distinct_terms_and_cuts_at_words() {
        let filler = "wij zijn er elke dag voor iedereen in de gemeente ".repeat(6);
        let text = format!("Koken kan bij ons. {filler}Samen koken met buren in de wijk. {filler}");
        let mut h = highlighter(&["kok", "sam"], 80);
        let html = h.snippet(&text).unwrap();
        assert!(
            html.contains("<mark>Samen</mark> <mark>koken</mark>"),
            "{html}"
        );
        assert!(html.starts_with('…') && html.ends_with('…'), "{html}");
        let plain = html.replace("<mark>", "").replace("</mark>", "");
        let inner = plain.trim_matches('…');
        assert!(inner.len() <= 80, "{inner}");
        assert!(text.contains(inner), "cut inside a word: {inner}");
    }

    #[test]
    fn no_match_no_snippet() {
        let mut h = highlighter(&["zwem"], 200);
        assert_eq!(h.snippet("Koken en eten met de buurt."), None);
        let mut h = highlighter(&[], 200);
        assert_eq!(h.snippet("Zwemmen"), None);
    }

    #[test]
    fn words_split_like_the_tokenizer() {
        let text = "Één café, 2 x per week: naïef-goed!";
        let got: Vec<&str> = words(text).map(|r| &text[r]).collect();
        assert_eq!(
            got,
            ["Één", "café", "2", "x", "per", "week", "naïef", "goed"]
        );
    }
}
