//! Editors' additions to the search's word knowledge: synonym groups ("these words mean the
//! same to a resident") and situations ("a resident who writes these words needs that").
//! Validated here on size and form; whether the words survive the search's analysis (stop
//! words) is checked by the service with the search's own parser.

use super::FieldErrors;
use super::content::{TextLimit, limited_text};

wire_enum!(
    /// Which list an entry belongs to.
    LexiconKind {
        Synonyms = "synoniemen",
        Situation = "situatie",
    }
);

/// One term of a group or one need: a word or a short phrase.
pub const TERM: TextLimit = TextLimit { min: 1, max: 60 };
/// The words of a situation, slots separated by spaces, alternatives by `|`.
pub const SITUATION_WORDS: TextLimit = TextLimit { min: 2, max: 200 };
pub const MAX_TERMS: usize = 12;
/// Most entries editors may add per list: the whole lexicon is read on every query plan.
pub const MAX_ENTRIES: i64 = 2_000;

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconEntry {
    pub id: i64,
    pub kind: LexiconKind,
    /// Situations only: the words that make the situation (`huur|hypotheek betalen`).
    pub words: String,
    /// The group's terms, or the situation's needs.
    pub terms: Vec<String>,
    pub version: i64,
}

/// What an editor sends, validated: lower case, trimmed, no duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconContent {
    pub words: String,
    pub terms: Vec<String>,
}

impl LexiconContent {
    /// `terms_field` names the list in messages (`termen` or `behoeften`).
    pub fn new(
        kind: LexiconKind,
        words: Option<&str>,
        terms: &[String],
        terms_field: &str,
    ) -> Result<LexiconContent, FieldErrors> {
        let mut e = FieldErrors::new();
        let min_terms = match kind {
            LexiconKind::Synonyms => 2,
            LexiconKind::Situation => 1,
        };
        if terms.len() < min_terms || terms.len() > MAX_TERMS {
            e.add(
                terms_field,
                format!("noem {min_terms} tot {MAX_TERMS} woorden of woordgroepen"),
            );
        }
        let mut clean: Vec<String> = Vec::new();
        for (i, t) in terms.iter().enumerate() {
            let name = format!("{terms_field}[{i}]");
            limited_text(&mut e, &name, t, TERM);
            if t.contains([',', '|', '#', '=', '\n']) {
                e.add(
                    &name,
                    "mag geen komma, |, # of = bevatten; een term per regel",
                );
            }
            let t = t.trim().to_lowercase();
            if clean.contains(&t) {
                e.add(&name, format!("\"{t}\" staat er al in"));
            } else {
                clean.push(t);
            }
        }
        let words = match (kind, words) {
            (LexiconKind::Situation, Some(w)) => {
                limited_text(&mut e, "woorden", w, SITUATION_WORDS);
                if w.contains([',', '#', '=', '\n']) {
                    e.add(
                        "woorden",
                        "mag geen komma, # of = bevatten; scheid woorden met spaties en \
                         mogelijkheden met |",
                    );
                }
                w.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            }
            (LexiconKind::Situation, None) => {
                e.add("woorden", "is verplicht");
                String::new()
            }
            (LexiconKind::Synonyms, _) => String::new(),
        };
        if e.is_empty() {
            Ok(LexiconContent {
                words,
                terms: clean,
            })
        } else {
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn a_group_needs_two_distinct_plain_terms() {
        let ok = LexiconContent::new(
            LexiconKind::Synonyms,
            None,
            &s(&[" Rollator ", "loophulp"]),
            "termen",
        )
        .unwrap();
        assert_eq!(ok.terms, s(&["rollator", "loophulp"]));
        let e = LexiconContent::new(LexiconKind::Synonyms, None, &s(&["rollator"]), "termen")
            .unwrap_err();
        assert_eq!(e.into_vec()[0].name, "termen");
        let e = LexiconContent::new(
            LexiconKind::Synonyms,
            None,
            &s(&["a, b", "loophulp", "Loophulp", "<b>x</b>"]),
            "termen",
        )
        .unwrap_err();
        let names: Vec<String> = e.into_vec().into_iter().map(|f| f.name).collect();
        assert!(names.contains(&"termen[0]".to_string()));
        assert!(names.contains(&"termen[2]".to_string()));
        assert!(names.contains(&"termen[3]".to_string()));
    }

    #[test]
    fn a_situation_needs_words_and_a_need() {
        let ok = LexiconContent::new(
            LexiconKind::Situation,
            Some("  Huur|hypotheek   betalen "),
            &s(&["schuldhulp"]),
            "behoeften",
        )
        .unwrap();
        assert_eq!(ok.words, "huur|hypotheek betalen");
        let e = LexiconContent::new(LexiconKind::Situation, None, &[], "behoeften").unwrap_err();
        assert_eq!(e.len(), 2);
    }
}
