//! Query-time synonyms from `index/synoniemen.txt`: one group per line, comma-separated terms,
//! a term may be a phrase ("financiele problemen"). Terms are matched on their stems, so
//! "schulden" in a query meets the term "schuld". Expansion happens at query time only: the
//! index stays as written, and exact words score above their synonyms.

use std::collections::HashMap;

use crate::index::analysis;

pub const SYNONYMS_FILE: &str = include_str!("../../index/synoniemen.txt");

/// A stretch of the query (one word or a phrase) and what else it may be written as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    /// The query's own words (lower case, folded).
    pub words: Vec<String>,
    /// Alternative wordings from synonym groups, each a list of words.
    pub synonyms: Vec<Vec<String>>,
}

#[derive(Default)]
pub struct Synonyms {
    /// Each group's terms, each term as its words.
    groups: Vec<Vec<Vec<String>>>,
    /// Stemmed words of a term → the groups it belongs to.
    by_stems: HashMap<Vec<String>, Vec<usize>>,
    /// Sound key → a one-word term with that key (see [`Synonyms::sounds_like`]).
    by_sound: HashMap<String, String>,
    longest: usize,
}

fn stems(words: &[String]) -> Vec<String> {
    words.iter().map(|w| analysis::stem(w)).collect()
}

impl Synonyms {
    pub fn parse(text: &str) -> Synonyms {
        let mut analyzer = analysis::exact_analyzer();
        let mut s = Synonyms::default();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let terms: Vec<Vec<String>> = line
                .split(',')
                .map(|t| analysis::tokens(&mut analyzer, t))
                .filter(|t| !t.is_empty())
                .collect();
            if terms.len() < 2 {
                continue;
            }
            let id = s.groups.len();
            for t in &terms {
                if let [word] = t.as_slice()
                    && word.chars().count() >= 5
                {
                    s.by_sound
                        .entry(crate::index::sound::sound_key(word))
                        .or_insert_with(|| word.clone());
                }
                s.longest = s.longest.max(t.len());
                let ids = s.by_stems.entry(stems(t)).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            s.groups.push(terms);
        }
        s
    }

    /// A one-word term written the way `word` sounds ("huursubsiedie" → "huursubsidie"): a
    /// word the engine understands through its group even when no text holds it.
    pub fn sounds_like(&self, word: &str) -> Option<&str> {
        self.by_sound
            .get(&crate::index::sound::sound_key(word))
            .map(String::as_str)
            .filter(|term| *term != word)
    }

    /// True when a term of some group has a word with this stem.
    pub fn mentions(&self, stem: &str) -> bool {
        self.by_stems
            .keys()
            .any(|term| term.iter().any(|w| w == stem))
    }

    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// Splits query words into concepts, taking the longest phrase known to a synonym group
    /// at each position.
    pub fn concepts(&self, words: &[String]) -> Vec<Concept> {
        let stemmed = stems(words);
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut matched = None;
            for len in (1..=self.longest.min(words.len() - i)).rev() {
                if let Some(ids) = self.by_stems.get(&stemmed[i..i + len]) {
                    matched = Some((len, ids));
                    break;
                }
            }
            match matched {
                Some((len, ids)) => {
                    let own = &stemmed[i..i + len];
                    let mut synonyms: Vec<Vec<String>> = Vec::new();
                    for id in ids {
                        for term in &self.groups[*id] {
                            if stems(term) != own && !synonyms.contains(term) {
                                synonyms.push(term.clone());
                            }
                        }
                    }
                    out.push(Concept {
                        words: words[i..i + len].to_vec(),
                        synonyms,
                    });
                    i += len;
                }
                None => {
                    out.push(Concept {
                        words: vec![words[i].clone()],
                        synonyms: Vec::new(),
                    });
                    i += 1;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn phrases_and_inflections_find_their_group() {
        let s = Synonyms::parse(
            "# geld\nschulden, geldzorgen, financiele problemen\nouderen, senioren\n",
        );
        let c = s.concepts(&w("hulp financiele problemen"));
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].words, w("hulp"));
        assert!(c[0].synonyms.is_empty());
        assert_eq!(c[1].words, w("financiele problemen"));
        assert!(c[1].synonyms.contains(&w("schulden")) && c[1].synonyms.contains(&w("geldzorgen")));
        // Stem match: "schuld" meets the term "schulden"; the term itself is not repeated.
        let c = s.concepts(&w("schuld"));
        assert_eq!(
            c[0].synonyms,
            vec![w("geldzorgen"), w("financiele problemen")]
        );
        assert_eq!(s.concepts(&w("senior"))[0].synonyms, vec![w("ouderen")]);
    }

    #[test]
    fn the_shipped_list_is_large_and_covers_the_classic_cases() {
        let s = &Synonyms::parse(SYNONYMS_FILE);
        assert!(s.group_count() >= 150, "{} groups", s.group_count());
        for (query, expected) in [
            ("geldzorgen", "schulden"),
            ("senioren", "ouderen"),
            ("dokter", "huisarts"),
            ("papierwerk", "administratie"),
            ("buddy", "maatje"),
            ("eenzaam", "alleen"),
        ] {
            let c = s.concepts(&w(query));
            let alts: Vec<String> = c[0].synonyms.iter().map(|t| t.join(" ")).collect();
            assert!(
                alts.iter().any(|a| a.contains(expected)),
                "{query} → {alts:?}"
            );
        }
    }
}
