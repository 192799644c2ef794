//! The query-time word knowledge that editors may extend: synonym groups and situation
//! phrases. The shipped files in `index/` are the defaults; editors' entries (stored in the
//! database, changed through `/api/v1/beheer/synoniemen` and `/situaties`) are added to them.
//! Every node swaps in a new lexicon when the outbox says an entry changed: no reindexing,
//! since both are applied to the query only.

use super::situations::{SITUATIONS_FILE, Situation, Situations};
use super::synonyms::{SYNONYMS_FILE, Synonyms};
use crate::domain::lexicon::{LexiconEntry, LexiconKind};

#[derive(Default)]
pub struct Lexicon {
    pub synonyms: Synonyms,
    pub situations: Situations,
    /// How many of the entries came from editors.
    pub editor_entries: usize,
}

impl Lexicon {
    /// True when a synonym group or a situation uses a word with this stem.
    pub fn mentions(&self, stem: &str) -> bool {
        self.synonyms.mentions(stem) || self.situations.mentions(stem)
    }

    /// The shipped defaults only.
    pub fn shipped() -> Lexicon {
        Lexicon::with_entries(&[])
    }

    /// The shipped defaults plus editors' entries. An entry that no longer parses (say, all
    /// its words became stop words in a newer version) is skipped with a warning.
    pub fn with_entries(entries: &[LexiconEntry]) -> Lexicon {
        let mut synonyms_text = String::from(SYNONYMS_FILE);
        let mut situations = Situations::parse(SITUATIONS_FILE);
        let mut editor_entries = 0;
        for entry in entries {
            match entry.kind {
                LexiconKind::Synonyms => {
                    synonyms_text.push('\n');
                    synonyms_text.push_str(&entry.terms.join(", "));
                    editor_entries += 1;
                }
                LexiconKind::Situation => {
                    match Situation::parse(&entry.words, &entry.terms.join(", ")) {
                        Ok(s) => {
                            situations.push(s);
                            editor_entries += 1;
                        }
                        Err(e) => tracing::warn!(id = entry.id, e, "situatie overgeslagen"),
                    }
                }
            }
        }
        Lexicon {
            synonyms: Synonyms::parse(&synonyms_text),
            situations,
            editor_entries,
        }
    }
}

/// Checks that an editor's entry still says something after the search's analysis: a term
/// made of stop words only would never match. `terms_field` names the list in messages.
pub fn check_searchable(
    kind: LexiconKind,
    content: &crate::domain::lexicon::LexiconContent,
    terms_field: &str,
) -> Result<(), crate::domain::FieldErrors> {
    let mut e = crate::domain::FieldErrors::new();
    let mut analyzer = crate::index::analysis::exact_analyzer();
    for (i, term) in content.terms.iter().enumerate() {
        if crate::index::analysis::tokens(&mut analyzer, term).is_empty() {
            e.add(
                format!("{terms_field}[{i}]"),
                "bestaat alleen uit woorden die de zoekmachine overslaat (zoals 'de' of 'voor')",
            );
        }
    }
    if kind == LexiconKind::Situation
        && let Err(reason) = Situation::parse(&content.words, &content.terms.join(", "))
        && e.is_empty()
    {
        e.add("woorden", reason);
    }
    if e.is_empty() { Ok(()) } else { Err(e) }
}
