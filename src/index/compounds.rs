//! Dictionary decompounding for Dutch: "schuldhulpverlening" → schuld + hulp + verlening.
//!
//! A word is split into parts from `index/samenstellingen.txt`, each at least
//! [`MIN_PART`] letters, with an optional linking "s", "e" or "en" between parts
//! (vrijwilliger**s**werk, kind**er**opvang is covered by listing "kinder"). Among all full
//! splits the one with the fewest parts wins (longest matches), ties going to the longer first
//! part; a word that cannot be covered completely is left alone, so no junk fragments appear.
//! An agent noun part ("zorger", "zorgers") also yields its base ("zorg"), so that
//! "mantelzorgers" meets "mantelzorgondersteuning".

use std::collections::HashSet;
use std::sync::LazyLock;

/// Shortest part a split may produce.
pub const MIN_PART: usize = 3;
/// Shortest word worth splitting.
pub const MIN_WORD: usize = 6;

const DICTIONARY_FILE: &str = include_str!("../../index/samenstellingen.txt");

/// The shipped dictionary.
pub static DICTIONARY: LazyLock<Decompounder> =
    LazyLock::new(|| Decompounder::new(super::analysis::parse_word_list(DICTIONARY_FILE)));

/// Where the general Dutch word list is read from: OpenTaal's list as Debian's `wdutch`
/// installs it (BSD or CC BY 3.0, © OpenTaal), unless `WEGWIJZER_WORD_LIST` names another file.
pub const WORD_LIST_PATH: &str = "/usr/share/dict/dutch";

/// Longest word of the general list kept as a possible part: longer ones are compounds
/// themselves, and leaving them out halves the memory.
const WORD_LIST_MAX_PART: usize = 14;

/// Every plain lower-case word of the general Dutch word list (3-14 letters) as a possible
/// compound part: splits the query words the index and the curated list do not know
/// ("bejaardengym" → bejaarden + gym). Query side only, so the index does not depend on
/// the file; without it the list is empty and nothing changes. About 275,000 words, ~15 MB.
pub static WORD_LIST: LazyLock<Decompounder> = LazyLock::new(|| {
    let path = std::env::var("WEGWIJZER_WORD_LIST").unwrap_or_else(|_| WORD_LIST_PATH.to_string());
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let words = text.lines().filter(|w| {
                (MIN_PART..=WORD_LIST_MAX_PART).contains(&w.len())
                    && w.bytes().all(|b| b.is_ascii_lowercase())
            });
            // The curated parts too ("kinder", as in kinderarts, is no word of its own).
            let curated = super::analysis::parse_word_list(DICTIONARY_FILE);
            let list = Decompounder::new(words.map(str::to_string).chain(curated));
            tracing::info!(path, words = list.len(), "Nederlandse woordenlijst geladen");
            list
        }
        Err(e) => {
            tracing::warn!(path, error = %e, "geen Nederlandse woordenlijst: onbekende samenstellingen worden niet gesplitst");
            Decompounder::new(std::iter::empty())
        }
    }
});

/// A cover of a word's tail: number of parts and their byte ranges.
type Cover = (usize, Vec<(usize, usize)>);

thread_local! {
    static SPLITS: std::cell::RefCell<foldhash::HashMap<String, Option<Vec<String>>>> =
        std::cell::RefCell::new(foldhash::HashMap::default());
}

/// [`DICTIONARY`]`.split(word)`, memoised per thread (indexing sees the same words again and
/// again).
pub fn split_cached(word: &str) -> Option<Vec<String>> {
    with_split(word, |parts| parts.map(<[String]>::to_vec))
}

/// Calls `f` with [`DICTIONARY`]`.split(word)` from the per-thread memo, without copying it.
pub fn with_split<R>(word: &str, f: impl FnOnce(Option<&[String]>) -> R) -> R {
    if word.len() < MIN_WORD {
        return f(None);
    }
    SPLITS.with(|memo| {
        let mut memo = memo.borrow_mut();
        if !memo.contains_key(word) {
            if memo.len() >= 50_000 {
                memo.clear();
            }
            memo.insert(word.to_string(), DICTIONARY.split(word));
        }
        f(memo.get(word).and_then(|p| p.as_deref()))
    })
}

pub struct Decompounder {
    parts: HashSet<String>,
}

/// Linking morphemes allowed between parts.
const LINKS: [&str; 3] = ["en", "s", "e"];
/// Inflection endings allowed after the last part (plural, adjective).
const ENDINGS: [&str; 4] = ["en", "s", "e", "n"];

impl Decompounder {
    pub fn new(words: impl IntoIterator<Item = String>) -> Decompounder {
        Decompounder {
            parts: words
                .into_iter()
                .filter(|w| w.chars().count() >= MIN_PART)
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.parts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// True when `word` (lower case, accents folded) is one of the list's words.
    pub fn contains(&self, word: &str) -> bool {
        self.parts.contains(word)
    }

    /// The parts of `word` (lower case, accents folded), or `None` when it is not a compound
    /// of known parts. Derived bases of agent nouns follow their part.
    pub fn split(&self, word: &str) -> Option<Vec<String>> {
        self.split_with(word, true)
    }

    /// Like [`Self::split`], but never takes the whole word as one part: for a word that is
    /// itself in a general word list ("breiwerkje") but not in the texts.
    pub fn split_in_parts(&self, word: &str) -> Option<Vec<String>> {
        self.split_with(word, false)
    }

    fn split_with(&self, word: &str, whole: bool) -> Option<Vec<String>> {
        if word.len() < MIN_WORD || !word.is_ascii() {
            return None;
        }
        let parts = self.best_split(word, whole)?;
        if parts.len() < 2 {
            return None;
        }
        let mut out = Vec::with_capacity(parts.len() + 1);
        for p in parts {
            let base = p
                .strip_suffix("ers")
                .or_else(|| p.strip_suffix("er"))
                .filter(|b| b.len() > MIN_PART && self.parts.contains(*b))
                .map(str::to_string);
            out.push(p);
            if let Some(b) = base {
                out.push(b);
            }
        }
        Some(out)
    }

    /// The fewest-parts cover of `word`; among equals, the one with the longer first part
    /// ("buurthuis" is buurt + huis, not buur + thuis).
    fn best_split(&self, word: &str, whole: bool) -> Option<Vec<String>> {
        let n = word.len();
        // memo[i]: best cover of word[i..] as (part count, part ranges).
        let mut memo: Vec<Option<Option<Cover>>> = vec![None; n + 1];
        let cover = self.cover(word, 0, &mut memo, whole)?;
        Some(
            cover
                .1
                .into_iter()
                .map(|(a, b)| word[a..b].to_string())
                .collect(),
        )
    }

    fn cover(
        &self,
        word: &str,
        start: usize,
        memo: &mut Vec<Option<Option<Cover>>>,
        whole: bool,
    ) -> Option<Cover> {
        let n = word.len();
        if start == n {
            return Some((0, Vec::new()));
        }
        if let Some(known) = &memo[start] {
            return known.clone();
        }
        let mut best: Option<Cover> = None;
        // Longest first part first, so ties keep the longer first part.
        for end in ((start + MIN_PART)..=n).rev() {
            if !word.is_char_boundary(end) || !self.parts.contains(&word[start..end]) {
                continue;
            }
            // The whole word, or the whole word and an ending, as the first part.
            if !whole && start == 0 && (end == n || ENDINGS.contains(&&word[end..])) {
                continue;
            }
            let mut nexts = vec![end];
            if end < n {
                for l in LINKS {
                    if word[end..].starts_with(l) && end + l.len() < n {
                        nexts.push(end + l.len());
                    }
                }
                if ENDINGS.contains(&&word[end..]) {
                    nexts.push(n);
                }
            }
            for next in nexts {
                if let Some((count, mut rest)) = self.cover(word, next, memo, whole)
                    && best.as_ref().is_none_or(|b| count + 1 < b.0)
                {
                    rest.insert(0, (start, end));
                    best = Some((count + 1, rest));
                }
            }
        }
        memo[start] = Some(best.clone());
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(words: &[&str]) -> Decompounder {
        Decompounder::new(words.iter().map(|w| w.to_string()))
    }

    #[test]
    fn splits_into_longest_known_parts_with_linking_letters() {
        let d = dict(&[
            "schuld",
            "hulp",
            "verlening",
            "taal",
            "maatje",
            "vrijwilliger",
            "werk",
            "mantel",
            "zorg",
            "zorger",
            "ondersteuning",
            "huis",
            "buurt",
        ]);
        assert_eq!(
            d.split("schuldhulpverlening").unwrap(),
            ["schuld", "hulp", "verlening"]
        );
        assert_eq!(d.split("taalmaatje").unwrap(), ["taal", "maatje"]);
        assert_eq!(
            d.split("vrijwilligerswerk").unwrap(),
            ["vrijwilliger", "werk"]
        );
        assert_eq!(
            d.split("mantelzorgondersteuning").unwrap(),
            ["mantel", "zorg", "ondersteuning"]
        );
        assert_eq!(
            d.split("mantelzorgers").unwrap(),
            ["mantel", "zorger", "zorg"]
        );
        assert_eq!(
            d.split("schuldhulpverleningen").unwrap(),
            ["schuld", "hulp", "verlening"]
        );
        assert_eq!(d.split("buurthuis").unwrap(), ["buurt", "huis"]);
    }

    #[test]
    fn leaves_unknown_or_partly_known_words_alone() {
        let d = dict(&["schuld", "hulp", "taal"]);
        assert_eq!(d.split("schuldhulpx"), None, "no junk fragment");
        assert_eq!(d.split("schuld"), None, "a single part is no compound");
        assert_eq!(d.split("taal"), None, "too short");
        assert_eq!(d.split("schuldenhulp").unwrap(), ["schuld", "hulp"]);
    }

    #[test]
    fn a_listed_compound_can_still_be_split_into_its_parts() {
        let d = dict(&["brei", "werkje", "breiwerkje", "kinder", "dokter"]);
        assert_eq!(
            d.split("breiwerkjes"),
            None,
            "one listed word and an ending"
        );
        assert_eq!(d.split_in_parts("breiwerkjes").unwrap(), ["brei", "werkje"]);
        assert_eq!(d.split_in_parts("breiwerkje").unwrap(), ["brei", "werkje"]);
        assert_eq!(
            d.split_in_parts("kinderdokter").unwrap(),
            ["kinder", "dokter"]
        );
        assert_eq!(d.split_in_parts("dokter"), None);
    }

    #[test]
    fn the_shipped_dictionary_splits_real_compounds() {
        let d = &*DICTIONARY;
        assert!(d.len() >= 300, "dictionary has {} parts", d.len());
        for (word, must_contain) in [
            ("schuldhulpverlening", vec!["schuld", "hulp"]),
            ("taalmaatje", vec!["taal", "maatje"]),
            (
                "mantelzorgondersteuning",
                vec!["mantel", "zorg", "ondersteuning"],
            ),
            ("vrijwilligerswerk", vec!["werk"]),
            ("huiswerkbegeleiding", vec!["huiswerk", "begeleiding"]),
            ("buurthuis", vec!["buurt", "huis"]),
        ] {
            let parts = d.split(word).unwrap_or_default();
            for p in must_contain {
                assert!(parts.iter().any(|x| x == p), "{word} → {parts:?} lacks {p}");
            }
        }
        for word in ["ondersteuning", "gezondheid", "vrijwilliger", "bibliotheek"] {
            let parts = d.split(word).unwrap_or_default();
            assert!(
                parts.iter().all(|p| p.len() >= 4),
                "{word} split into junk {parts:?}"
            );
        }
    }
}
