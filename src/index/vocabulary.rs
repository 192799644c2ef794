//! The words of the index (unstemmed, folded) with their document frequencies: what typo
//! correction, "bedoelde je" and search-as-you-type complete against. Rebuilt by the indexer
//! after each commit, never on a search.

use std::collections::{BTreeMap, HashMap, HashSet};

use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::schema::Field;
use tantivy::{Searcher, SegmentReader};

/// Words of one segment and field with the number of live documents holding each, sorted.
type WordCounts = Vec<(String, u32)>;

/// Word counts per segment, field and number of deletions: a segment's counts are computed
/// once and reused until it changes (new deletes, or merged away), so a rebuild after a commit
/// only counts the new segments.
#[derive(Default)]
pub struct SegmentWordCounts {
    counts: HashMap<(SegmentId, u32, Field), Arc<WordCounts>>,
}

impl SegmentWordCounts {
    fn get(&mut self, segment: &SegmentReader, field: Field) -> tantivy::Result<Arc<WordCounts>> {
        let key = (segment.segment_id(), segment.num_deleted_docs(), field);
        if let Some(c) = self.counts.get(&key) {
            return Ok(c.clone());
        }
        let inverted = segment.inverted_index(field)?;
        let mut terms = inverted.terms().stream()?;
        let mut words = Vec::new();
        while terms.advance() {
            let Ok(word) = std::str::from_utf8(terms.key()) else {
                continue;
            };
            // Deleted documents do not count: the same data gives the same vocabulary,
            // whatever the history of the segments.
            let live = super::stats::live_doc_freq(segment, field, terms.value())?;
            if live > 0 {
                words.push((word.to_string(), live));
            }
        }
        let words = Arc::new(words);
        self.counts.insert(key, words.clone());
        Ok(words)
    }

    /// Forgets the counts of segments `searcher` no longer has.
    fn keep_only(&mut self, searcher: &Searcher) {
        let live: HashSet<(SegmentId, u32)> = searcher
            .segment_readers()
            .iter()
            .map(|s| (s.segment_id(), s.num_deleted_docs()))
            .collect();
        self.counts
            .retain(|(id, deleted, _), _| live.contains(&(*id, *deleted)));
    }
}

/// Folded form → the most frequent accented spelling, from the `surface` field's terms (on a
/// tie, the first in sort order, so the answer never depends on segment order).
fn surface_forms(
    searcher: &Searcher,
    field: Field,
    counts: &mut SegmentWordCounts,
) -> tantivy::Result<HashMap<String, String>> {
    let mut per_spelling: BTreeMap<(String, String), u32> = BTreeMap::new();
    for seg in searcher.segment_readers() {
        for (word, n) in counts.get(seg, field)?.iter() {
            *per_spelling
                .entry((super::schema::sort_key(word), word.clone()))
                .or_default() += n;
        }
    }
    let mut best: HashMap<String, (String, u32)> = HashMap::new();
    for ((folded, word), n) in per_spelling {
        let entry = best.entry(folded).or_insert_with(|| (word.clone(), 0));
        if n > entry.1 {
            *entry = (word, n);
        }
    }
    Ok(best.into_iter().map(|(k, (w, _))| (k, w)).collect())
}

#[derive(Debug, Default)]
pub struct Vocabulary {
    /// Sorted by word.
    words: Vec<(String, u32)>,
    /// Stems of every word and of every part of the compounds among them: what the stemmed
    /// fields can match, known without touching the index.
    stems: HashSet<String>,
    /// Folded word → how people write it, where that differs ("mantelzorgcafe" →
    /// "mantelzorgcafé"): the most frequent accented spelling in the texts.
    surface: HashMap<String, String>,
    /// Sound key → the words with that key, compound parts among them, most frequent first (at
    /// most [`SOUND_WORDS`]).
    sounds: HashMap<String, Vec<String>>,
    /// The stems of the accessibility labels (see [`super::schema::Fields::labels`]): a word
    /// is looked up there too only when one of them has it.
    label_stems: HashSet<String>,
}

/// Words kept per sound key: enough for the fallback, bounded for memory and query cost.
const SOUND_WORDS: usize = 4;

impl Vocabulary {
    /// The words of `fields`, and the accented spellings of `surface` (see
    /// [`super::schema::Fields::surface`]).
    pub fn build(
        searcher: &Searcher,
        fields: &[Field],
        surface: Field,
        labels: Field,
        counts: &mut SegmentWordCounts,
    ) -> tantivy::Result<Vocabulary> {
        counts.keep_only(searcher);
        let mut freq: BTreeMap<String, u32> = BTreeMap::new();
        for seg in searcher.segment_readers() {
            for field in fields {
                for (word, n) in counts.get(seg, *field)?.iter() {
                    if word.len() >= 2 && !word.bytes().all(|b| b.is_ascii_digit()) {
                        *freq.entry(word.clone()).or_default() += n;
                    }
                }
            }
        }
        let mut vocabulary = Self::from_sorted(freq.into_iter().collect());
        vocabulary.surface = surface_forms(searcher, surface, counts)?;
        for seg in searcher.segment_readers() {
            for (stem, _) in counts.get(seg, labels)?.iter() {
                vocabulary.label_stems.insert(stem.clone());
            }
        }
        Ok(vocabulary)
    }

    /// How people write `folded` (with its accents), when the texts say.
    pub fn surface<'a>(&'a self, folded: &'a str) -> &'a str {
        self.surface.get(folded).map_or(folded, String::as_str)
    }

    pub fn from_words(words: impl IntoIterator<Item = (String, u32)>) -> Vocabulary {
        let freq: BTreeMap<String, u32> = words.into_iter().collect();
        Self::from_sorted(freq.into_iter().collect())
    }

    fn from_sorted(words: Vec<(String, u32)>) -> Vocabulary {
        let mut stems = HashSet::with_capacity(words.len() * 2);
        // Sound key → word → how often. The parts of the compounds count as words too: the
        // index matches them ("bureau" finds "consultatiebureau"), and a resident who writes a
        // compound apart, each part as it sounds ("konsultasie buro"), means them.
        let mut by_sound: HashMap<String, HashMap<String, u32>> = HashMap::new();
        let mut add = |w: &str, n: u32| {
            // Short words have too many sound-alikes to be a useful guess.
            if w.chars().count() >= 4 && !w.bytes().all(|b| b.is_ascii_digit()) {
                *by_sound
                    .entry(super::sound::sound_key(w))
                    .or_default()
                    .entry(w.to_string())
                    .or_default() += n;
            }
        };
        for (w, n) in &words {
            stems.insert(super::analysis::stem(w));
            add(w, *n);
            for part in super::compounds::split_cached(w).unwrap_or_default() {
                stems.insert(super::analysis::stem(&part));
                add(&part, *n);
            }
        }
        let sounds = by_sound
            .into_iter()
            .map(|(key, ws)| {
                let mut ws: Vec<(u32, String)> = ws.into_iter().map(|(w, n)| (n, w)).collect();
                ws.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                let kept = ws.into_iter().take(SOUND_WORDS).map(|(_, w)| w).collect();
                (key, kept)
            })
            .collect();
        Vocabulary {
            words,
            stems,
            surface: HashMap::new(),
            sounds,
            label_stems: HashSet::new(),
        }
    }

    /// Words of the index that sound like `word` (same sound key), most frequent first, at
    /// most `limit`, without `word` itself.
    pub fn sounds_like(&self, word: &str, limit: usize) -> Vec<String> {
        if word.chars().count() < 4 {
            return Vec::new();
        }
        self.sounds
            .get(&super::sound::sound_key(word))
            .map(|ws| {
                ws.iter()
                    .filter(|w| w.as_str() != word)
                    .take(limit)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Words whose sound key is one edit from `word`'s, most frequent first, at most `limit`:
    /// a word written as it sounds *and* with a slip ("rolater": key `rolater`, one vowel
    /// from `rolator`, the key of "rollator"). Only for words of 6+ letters, whose keys are
    /// long enough that one edit rarely lands on an unrelated word; the planner asks only
    /// when nothing closer was found. One pass over the keys, like [`Self::corrections`].
    pub fn sounds_near(&self, word: &str, limit: usize) -> Vec<String> {
        if word.chars().count() < 6 {
            return Vec::new();
        }
        let key = super::sound::sound_key(word);
        let len = key.chars().count();
        let mut found: Vec<(u32, &str)> = self
            .sounds
            .iter()
            .filter(|(k, _)| k.chars().count().abs_diff(len) <= 1 && **k != key)
            .filter(|(k, _)| edit_distance(&key, k, 1).is_some())
            .flat_map(|(_, words)| words.iter())
            .map(|w| (self.frequency(w), w.as_str()))
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        found
            .into_iter()
            .take(limit)
            .map(|(_, w)| w.to_string())
            .collect()
    }

    /// How many times the texts hold `word` (0 when they do not).
    fn frequency(&self, word: &str) -> u32 {
        self.words
            .binary_search_by(|(w, _)| w.as_str().cmp(word))
            .map_or(0, |i| self.words[i].1)
    }

    /// An unknown compound read as two words of the index, each written as it is or as it
    /// sounds: "fisiotherapiepraktijk" → `fysiotherapie praktijk`. Tries the splits from the
    /// longest first part down (each part at least 4 letters; a linking `s` after the first
    /// part may go), and takes the first whose parts both resolve. The flag says whether a part
    /// needed its sound key. At most one sound-key lookup per part per split: bounded by the
    /// word's length.
    pub fn compound_parts(&self, word: &str) -> Option<(Vec<String>, bool)> {
        let chars: Vec<char> = word.chars().collect();
        const MIN: usize = 4;
        if chars.len() < 2 * MIN {
            return None;
        }
        let resolve = |part: &str| -> Option<(String, bool)> {
            if self.contains(part) {
                Some((part.to_string(), false))
            } else {
                self.sounds_like(part, 1).pop().map(|w| (w, true))
            }
        };
        for cut in (MIN..=chars.len() - MIN).rev() {
            let right: String = chars[cut..].iter().collect();
            let left: String = chars[..cut].iter().collect();
            let lefts = [
                Some(left.clone()),
                left.strip_suffix('s')
                    .filter(|l| l.chars().count() >= MIN)
                    .map(String::from),
            ];
            for left in lefts.into_iter().flatten() {
                if let (Some((l, ls)), Some((r, rs))) = (resolve(&left), resolve(&right)) {
                    return Some((vec![l, r], ls || rs));
                }
            }
        }
        None
    }

    /// True when some document holds a word with this stem (compound parts included).
    pub fn has_stem(&self, stem: &str) -> bool {
        self.stems.contains(stem)
    }

    /// True when an accessibility label holds `stem`.
    pub fn in_labels(&self, stem: &str) -> bool {
        self.label_stems.contains(stem)
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn contains(&self, word: &str) -> bool {
        self.words
            .binary_search_by(|(w, _)| w.as_str().cmp(word))
            .is_ok()
    }

    /// Typos allowed for a word of this length: none under 5 letters, 1 from 5, 2 from 9.
    pub fn max_typos(word: &str) -> usize {
        match word.chars().count() {
            0..=4 => 0,
            5..=8 => 1,
            _ => 2,
        }
    }

    /// Known words within the typo budget of `word`, closest first, then most frequent.
    pub fn corrections(&self, word: &str, limit: usize) -> Vec<String> {
        let max = Self::max_typos(word);
        if max == 0 {
            return Vec::new();
        }
        let len = word.chars().count();
        let mut found: Vec<(usize, u32, &str)> = self
            .words
            .iter()
            .filter(|(w, _)| w.chars().count().abs_diff(len) <= max)
            .filter_map(|(w, df)| {
                let d = edit_distance(word, w, max)?;
                (d > 0).then_some((d, *df, w.as_str()))
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        found
            .into_iter()
            .take(limit)
            .map(|(_, _, w)| w.to_string())
            .collect()
    }

    /// The most frequent known words starting with `prefix`.
    pub fn completions(&self, prefix: &str, limit: usize) -> Vec<(String, u32)> {
        let start = self.words.partition_point(|(w, _)| w.as_str() < prefix);
        let mut found: Vec<(String, u32)> = self.words[start..]
            .iter()
            .take_while(|(w, _)| w.starts_with(prefix))
            .cloned()
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        found.truncate(limit);
        found
    }
}

/// Optimal-string-alignment distance (a swap of neighbours counts as one typo), or `None` when
/// it exceeds `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[b.len()] <= max).then_some(prev[b.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        Vocabulary::from_words(
            [
                ("vrijwilligers", 40),
                ("vrijwilliger", 30),
                ("mantelzorger", 12),
                ("eenzaamheid", 9),
                ("taal", 50),
                ("tafel", 5),
            ]
            .map(|(w, n)| (w.to_string(), n)),
        )
    }

    #[test]
    fn typo_budget_scales_with_word_length() {
        assert_eq!(Vocabulary::max_typos("taal"), 0);
        assert_eq!(Vocabulary::max_typos("tafels"), 1);
        assert_eq!(Vocabulary::max_typos("vrijwiligers"), 2);
        let v = vocab();
        assert!(
            v.corrections("taak", 3).is_empty(),
            "no typos under 5 letters"
        );
        assert_eq!(v.corrections("vrijwiligers", 1), ["vrijwilligers"]);
        assert_eq!(
            v.corrections("eenzaamhied", 1),
            ["eenzaamheid"],
            "a swap is one typo"
        );
        assert_eq!(v.corrections("mantelzorgr", 1), ["mantelzorger"]);
        assert!(v.corrections("mantelzorg", 3).iter().all(|w| w != "taal"));
    }

    #[test]
    fn an_unknown_compound_is_read_as_known_parts_written_as_they_sound() {
        let v = Vocabulary::from_words(
            [
                ("fysiotherapie", 3),
                ("praktijk", 4),
                ("psycholoog", 2),
                ("spreekuur", 5),
            ]
            .map(|(w, n)| (w.to_string(), n)),
        );
        assert_eq!(
            v.compound_parts("fisiotherapiepraktijk"),
            Some((vec!["fysiotherapie".into(), "praktijk".into()], true))
        );
        // A linking s, and parts that are known as written.
        assert_eq!(
            v.compound_parts("psycholoogsspreekuur"),
            Some((vec!["psycholoog".into(), "spreekuur".into()], false))
        );
        assert_eq!(
            v.compound_parts("sigoloogspreekuur").map(|p| p.1),
            Some(true)
        );
        assert_eq!(v.compound_parts("praktijkwerkplaats"), None);
        assert_eq!(v.compound_parts("kort"), None);
    }

    #[test]
    fn a_word_written_as_it_sounds_with_one_slip_finds_the_word() {
        let v = Vocabulary::from_words(
            [
                ("rollator", 3),
                ("rolstoel", 9),
                ("krukken", 2),
                ("dans", 4),
                ("dank", 8),
            ]
            .map(|(w, n)| (w.to_string(), n)),
        );
        // Doubled letters and one vowel as heard: key `rolater` is one edit from `rolator`.
        assert_eq!(v.sounds_near("rolater", 2), vec!["rollator".to_string()]);
        // Short words have too many neighbours to guess.
        assert_eq!(v.sounds_near("danz", 2), Vec::<String>::new());
        // Nothing near: nothing guessed.
        assert_eq!(v.sounds_near("fietsenmaker", 2), Vec::<String>::new());
    }

    #[test]
    fn completions_prefer_frequent_words() {
        let v = vocab();
        assert_eq!(
            v.completions("vrijw", 5),
            [
                ("vrijwilligers".to_string(), 40),
                ("vrijwilliger".to_string(), 30)
            ]
        );
        assert_eq!(v.completions("ta", 1), [("taal".to_string(), 50)]);
        assert!(v.completions("x", 5).is_empty());
    }

    #[test]
    fn edit_distance_is_bounded() {
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
        assert_eq!(edit_distance("ab", "ba", 1), Some(1));
    }
}
