//! Life situations in residents' own words (`index/situaties.txt`): when every slot of a
//! situation ("huur" and "betalen") is in the query, items that use the situation's needs
//! ("schuldhulp", "budget") match too, below items with the resident's own words. One line per
//! situation: `slot slot … => need, need, …`, a slot being `word|word|…`.
//!
//! Slots are compared on stems and on compound parts, so "schulden" fills the slot "schuld"
//! and "huurschuld" fills both "huur" and "schuld"; where the stemmer shortens a vowel, its
//! length still counts ("waar" does not fill "war").

use std::collections::HashSet;

use crate::index::analysis;
use crate::index::compounds::DICTIONARY;

pub const SITUATIONS_FILE: &str = include_str!("../../index/situaties.txt");

/// One situation: every slot must be filled by a query word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Situation {
    /// Each slot's alternatives, as stems marked for vowel length (see [`add_keys`]).
    slots: Vec<Vec<String>>,
    /// What items for this situation are called, each a list of words.
    pub needs: Vec<Vec<String>>,
}

/// Situations found in a query: which query words (concept positions) they cover, and the needs
/// they add. Overlapping situations are merged into one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SituationMatch {
    pub covers: Vec<usize>,
    pub needs: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct Situations {
    list: Vec<Situation>,
    /// For each stem of a situation's first slot, the situations it opens (positions in
    /// `list`): a query looks at the few situations its words can start, not at every one.
    by_first_slot: foldhash::HashMap<String, Vec<usize>>,
    /// Every stem of every slot (see [`Situations::mentions`]).
    slot_stems: foldhash::HashSet<String>,
}

/// What a query word can fill: its stem, the stems of its compound parts, and for a verb in
/// `-t` its infinitive, which the stemmer does not join ("drinkt" fills "drinken").
pub fn fillers(words: &[String]) -> HashSet<String> {
    let mut out = HashSet::new();
    for w in words {
        add_keys(&mut out, w);
        if w.ends_with('t') {
            for f in analysis::verb_forms(w) {
                // The form typed says the length: "weet" is "weten", not "wetten".
                let stem = analysis::stem(&f);
                let long = says_long(w, &stem).or_else(|| says_long(&f, &stem));
                insert_keys(&mut out, stem, long);
            }
        }
        if let Some(parts) = DICTIONARY.split(w) {
            for p in &parts {
                add_keys(&mut out, p);
            }
        }
    }
    out
}

/// Marks a stem whose vowel the word says long (see [`add_keys`]).
const LONG: char = ':';

/// Adds how situations compare a word: its stem, marked when the word says a short stem's
/// vowel long. The stemmer writes one vowel for two ("waar" and "war", "weet" and "wet" share
/// a stem), so "waar kan ik heen" filled the slot of "in de war" and
/// opened the help for dementia. In a stem of one syllable with a single a, e, o or u, Dutch
/// spelling says the length: doubled ("waar") it is long, before a final or doubled consonant
/// ("war", "wekken") short. Where the word does not show it, both keys go in, as before: in
/// an open syllable ("weken" is "week", but "dagen" is "dag") or a stem the stemmer rewrote.
pub fn add_keys(out: &mut HashSet<String>, word: &str) {
    let stem = analysis::stem(word);
    let long = says_long(word, &stem);
    insert_keys(out, stem, long);
}

fn insert_keys(out: &mut HashSet<String>, stem: String, long: Option<bool>) {
    if long != Some(false) {
        out.insert(format!("{stem}{LONG}"));
    }
    if long != Some(true) {
        out.insert(stem);
    }
}

/// Whether `word` says the one vowel of its short stem long; `None` when the stem has more
/// syllables, another vowel, or is not the start of the word.
fn says_long(word: &str, stem: &str) -> Option<bool> {
    let is_vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let (s, w) = (stem.as_bytes(), word.as_bytes());
    let first = s.iter().position(|c| is_vowel(*c))?;
    let after = first + s[first..].iter().take_while(|c| is_vowel(**c)).count();
    let one_vowel = after == first + 1 && matches!(s[first], b'a' | b'e' | b'o' | b'u');
    if !one_vowel || s[after..].iter().any(|c| is_vowel(*c)) || w.get(..=first)? != &s[..=first] {
        return None;
    }
    let rest = &w[first + 1..];
    if rest.first() == Some(&s[first]) {
        return Some(true);
    }
    let consonants = rest.iter().take_while(|c| !is_vowel(**c)).count();
    match (consonants, rest.len()) {
        // Ends on the vowel ("ga", "zo"): open, long.
        (0, 0) => Some(true),
        // Another vowel follows at once ("eu", "oe"): not a single vowel after all.
        (0, _) => None,
        // One consonant, then a vowel: an open syllable, which says the vowel long ("we-ken")
        // but also ends a plural whose singular is short ("dag", "da-gen"): either.
        (1, len) if len > 1 => None,
        _ => Some(false),
    }
}

/// The plain stem of a key made by [`add_keys`].
fn plain(key: &str) -> &str {
    key.strip_suffix(LONG).unwrap_or(key)
}

impl Situation {
    /// Parses `slot slot => need, need`. Errors are in Dutch, for editors.
    pub fn parse(slots_text: &str, needs_text: &str) -> Result<Situation, String> {
        let mut analyzer = analysis::exact_analyzer();
        let mut slots = Vec::new();
        for slot in slots_text.split_whitespace() {
            let mut keys = HashSet::new();
            for word in slot
                .split('|')
                .flat_map(|alt| analysis::tokens(&mut analyzer, alt))
            {
                add_keys(&mut keys, &word);
            }
            let mut stems: Vec<String> = keys.into_iter().collect();
            stems.sort_unstable();
            if stems.is_empty() {
                return Err(format!(
                    "\"{slot}\" bestaat alleen uit woorden die de zoekmachine overslaat"
                ));
            }
            slots.push(stems);
        }
        if slots.is_empty() {
            return Err("noem minstens een woord van de situatie".into());
        }
        let needs: Vec<Vec<String>> = needs_text
            .split(',')
            .map(|t| analysis::tokens(&mut analyzer, t))
            .filter(|t| !t.is_empty())
            .collect();
        if needs.is_empty() {
            return Err("noem minstens een behoefte".into());
        }
        Ok(Situation { slots, needs })
    }

    /// The positions of the concepts that fill every slot, or `None`.
    fn covers(&self, concepts: &[HashSet<String>]) -> Option<Vec<usize>> {
        let mut covers = Vec::new();
        for slot in &self.slots {
            let at = concepts
                .iter()
                .position(|fill| slot.iter().any(|s| fill.contains(s)))?;
            if !covers.contains(&at) {
                covers.push(at);
            }
        }
        covers.sort_unstable();
        Some(covers)
    }
}

impl Situations {
    /// Parses the file format; a line that does not parse is skipped with a warning (the
    /// shipped file is checked by a test, editors' entries are validated when saved).
    pub fn parse(text: &str) -> Situations {
        let mut situations = Situations::default();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let Some((slots, needs)) = line.split_once("=>") else {
                tracing::warn!(line, "situatie zonder '=>' overgeslagen");
                continue;
            };
            match Situation::parse(slots, needs) {
                Ok(s) => situations.push(s),
                Err(e) => tracing::warn!(line, e, "situatie overgeslagen"),
            }
        }
        situations
    }

    pub fn push(&mut self, situation: Situation) {
        let at = self.list.len();
        if let Some(first) = situation.slots.first() {
            for stem in first {
                let opens = self.by_first_slot.entry(stem.clone()).or_default();
                if !opens.contains(&at) {
                    opens.push(at);
                }
            }
        }
        self.slot_stems.extend(
            situation
                .slots
                .iter()
                .flatten()
                .map(|k| plain(k).to_string()),
        );
        self.list.push(situation);
    }

    /// True when a slot of some situation has this stem.
    pub fn mentions(&self, stem: &str) -> bool {
        self.slot_stems.contains(stem)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The situations in a query whose concepts (each given by what it can fill) hold them.
    /// A situation whose concepts all belong to a larger one found too is left out: the more
    /// precise reading wins ("mantelzorg is zwaar" is about care, not about weight). The rest
    /// that share a concept are merged, so each concept is in one match at most.
    pub fn find(&self, concepts: &[HashSet<String>]) -> Vec<SituationMatch> {
        self.find_apart(concepts, &[])
    }

    /// As [`Situations::find`], but two situations that share only light words (`light`, by
    /// concept) stay apart: in "ik zit thuis zonder baan" the "zit" of sitting at home and
    /// that of being without work does not make meeting places an answer to the lost job.
    pub fn find_apart(&self, concepts: &[HashSet<String>], light: &[bool]) -> Vec<SituationMatch> {
        // Only a situation whose first slot some word fills can be held; in file order, so
        // that merging reads them as before.
        let mut candidates: Vec<usize> = concepts
            .iter()
            .flatten()
            .filter_map(|stem| self.by_first_slot.get(stem))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let found: Vec<(Vec<usize>, &Situation)> = candidates
            .into_iter()
            .map(|at| &self.list[at])
            .filter_map(|s| Some((s.covers(concepts)?, s)))
            .collect();
        let subsumed = |covers: &[usize]| {
            found.iter().any(|(other, _)| {
                other.len() > covers.len() && covers.iter().all(|c| other.contains(c))
            })
        };
        let mut out: Vec<SituationMatch> = Vec::new();
        for (covers, s) in &found {
            if subsumed(covers) {
                continue;
            }
            let mut merged = SituationMatch {
                covers: covers.clone(),
                needs: s.needs.clone(),
            };
            // Fold in every earlier match that shares a concept with this one.
            let mut i = 0;
            while i < out.len() {
                let shares =
                    |c: &usize| merged.covers.contains(c) && !light.get(*c).is_some_and(|l| *l);
                if out[i].covers.iter().any(shares) {
                    let other = out.remove(i);
                    for c in other.covers {
                        if !merged.covers.contains(&c) {
                            merged.covers.push(c);
                        }
                    }
                    for n in other.needs {
                        if !merged.needs.contains(&n) {
                            merged.needs.push(n);
                        }
                    }
                    // The match grew: look again at the ones already passed.
                    i = 0;
                } else {
                    i += 1;
                }
            }
            merged.covers.sort_unstable();
            out.push(merged);
        }
        out
    }

    /// The needs of the situations that another way of saying one word spells out in two
    /// words or more: "ruzie met buren" for "burenruzie", or its parts "buren" and "ruzie".
    /// A situation of one slot is left out: it would chain a synonym to a synonym, and a
    /// part's stem can be another word's ("afval" fills "afvallen").
    pub fn spelled_out<'a>(
        &self,
        readings: impl IntoIterator<Item = &'a [String]>,
    ) -> Vec<Vec<String>> {
        let mut needs: Vec<Vec<String>> = Vec::new();
        for words in readings {
            let per_word: Vec<HashSet<String>> = words
                .iter()
                .map(|w| fillers(std::slice::from_ref(w)))
                .collect();
            for found in self.find(&per_word) {
                if found.covers.len() < 2 {
                    continue;
                }
                for need in found.needs {
                    if !needs.contains(&need) {
                        needs.push(need);
                    }
                }
            }
        }
        needs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concepts(query: &str) -> Vec<HashSet<String>> {
        query
            .split_whitespace()
            .map(|w| fillers(&[w.to_string()]))
            .collect()
    }

    #[test]
    fn another_way_to_say_a_word_spells_out_a_situation_in_two_words_or_more() {
        let s = Situations::parse(
            "ruzie|conflict buren|buurman => buurtbemiddeling, mediation\n\
             afvallen => leefstijl\n",
        );
        let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        let (phrase, parts) = (words("ruzie met buren"), words("buurman conflict"));
        assert_eq!(
            s.spelled_out([phrase.as_slice(), parts.as_slice()]),
            vec![
                vec!["buurtbemiddeling".to_string()],
                vec!["mediation".to_string()]
            ],
            "both readings hold the same situation; its needs come once"
        );
        // "afval" has the stem of "afvallen": a situation of one slot is no reading of a word.
        assert!(s.spelled_out([words("afval rapen").as_slice()]).is_empty());
        assert!(s.spelled_out([words("ruzie").as_slice()]).is_empty());
    }

    #[test]
    fn every_slot_must_be_filled_in_any_order_and_form() {
        let s = Situations::parse("huur|hypotheek betalen => schuldhulp, geld zaken\n");
        assert!(s.find(&concepts("huur")).is_empty());
        let found = s.find(&concepts("betalen wij de huur"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].covers, vec![0, 3]);
        assert_eq!(
            found[0].needs,
            vec![
                vec!["schuldhulp".to_string()],
                vec!["geld".into(), "zaken".into()]
            ]
        );
        // Stems: "betaal" and "betalen" share one.
        assert_eq!(s.find(&concepts("hypotheek betaal")).len(), 1);
        // A verb form the stemmer does not join: "betaalt" is "betalen".
        assert_eq!(s.find(&concepts("wie betaalt de huur")).len(), 1);
    }

    #[test]
    fn a_vowel_the_stemmer_shortens_keeps_its_length() {
        let s = Situations::parse(
            "war moeder => dementie\nzoon ruzie => opvoedsteun\nwet nieuw => juridisch\n\
             week alleen => eenzaamheid\n",
        );
        // "waar" and "war" share a stem, but where is not confused.
        assert!(s.find(&concepts("waar is mijn moeder")).is_empty());
        assert_eq!(s.find(&concepts("moeder in de war")).len(), 1);
        // A stem exception keeps "zoon" (and "zonen") apart from the sun already; the mark
        // leaves that as it is.
        assert_eq!(s.find(&concepts("ruzie met mijn zonen")).len(), 1);
        assert_eq!(s.find(&concepts("ruzie met mijn zoon")).len(), 1);
        assert!(s.find(&concepts("ruzie over de zon")).is_empty());
        // "weet" is not the law ("wet"); "weken" is "week".
        assert!(s.find(&concepts("ik weet niets nieuws")).is_empty());
        assert_eq!(s.find(&concepts("al weken alleen")).len(), 1);
        // An open syllable may also be a short vowel's plural: "dagen" is "dag".
        let s = Situations::parse("dag thuis => dagbesteding\n");
        assert_eq!(s.find(&concepts("hele dagen thuis")).len(), 1);
    }

    #[test]
    fn overlapping_situations_merge() {
        let s = Situations::parse("huur betalen => schuldhulp\nbetalen geld => budget\n");
        let found = s.find(&concepts("huur betalen geld"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].covers, vec![0, 1, 2]);
        assert_eq!(found[0].needs.len(), 2);
    }

    #[test]
    fn situations_that_share_only_a_light_word_stay_apart() {
        let s = Situations::parse("thuis zit => ontmoeting\nbaan zonder zit => werk zoeken\n");
        let query = concepts("zit thuis zonder baan");
        assert_eq!(s.find(&query).len(), 1, "without light words they merge");
        let found = s.find_apart(&query, &[true, false, false, false]);
        let needs: Vec<Vec<String>> = found.iter().map(|m| m.needs.concat()).collect();
        assert_eq!(needs, vec![vec!["ontmoeting"], vec!["werk", "zoeken"]]);
        assert_eq!(found[1].covers, vec![0, 2, 3]);
    }

    #[test]
    fn the_more_precise_situation_wins() {
        let s = Situations::parse(
            "zwaar => leefstijl\nmantelzorg zwaar => respijtzorg\nmoe => slaap\n",
        );
        let found = s.find(&concepts("mantelzorg zwaar moe"));
        let needs: Vec<String> = found.iter().flat_map(|m| m.needs.concat()).collect();
        assert_eq!(needs, vec!["respijtzorg", "slaap"]);
        let found = s.find(&concepts("te zwaar"));
        assert_eq!(found[0].needs, vec![vec!["leefstijl".to_string()]]);
    }

    #[test]
    fn bad_lines_are_refused_with_a_reason() {
        assert!(Situation::parse("de het", "x").is_err());
        assert!(Situation::parse("huur", " , ").is_err());
        assert!(Situation::parse("", "x").is_err());
    }

    /// The needs the shipped list adds to a query, flattened.
    fn shipped_needs(query: &str) -> Vec<String> {
        static SHIPPED: std::sync::LazyLock<Situations> =
            std::sync::LazyLock::new(|| Situations::parse(SITUATIONS_FILE));
        SHIPPED
            .find(&concepts(query))
            .into_iter()
            .flat_map(|m| m.needs)
            .map(|n| n.join(" "))
            .collect()
    }

    #[test]
    fn words_with_an_everyday_sense_need_a_second_word() {
        // Everyday senses: no help for hearing, sight, weight, falls, memory, homelessness,
        // work, depression or a crisis is added.
        for (query, wrong) in [
            ("ik wil erbij horen", "gehoor"),
            ("wat is er te zien in leusden", "visueel"),
            ("mantelzorg is zwaar", "leefstijl"),
            ("het valt me tegen", "valpreventie"),
            ("wachtwoord digid vergeten", "dementie"),
            ("straatfeest organiseren", "opvang"),
            ("beter slapen", "opvang"),
            ("zwembaan voor ouderen", "integratie"),
            ("kind met syndroom van down", "depressie"),
            ("genieten van het leven", "crisisdienst"),
            ("de trap op met zware boodschappen", "leefstijl"),
            ("waar kan mijn vader sporten", "dementie"),
        ] {
            let needs = shipped_needs(query);
            assert!(
                !needs.iter().any(|n| n.contains(wrong)),
                "{query:?} added {needs:?}"
            );
        }
        // The situations themselves still come through.
        for (query, need) in [
            ("ik hoor steeds slechter", "gehoor"),
            ("mijn moeder ziet bijna niets meer", "visueel"),
            ("ik wil afvallen", "leefstijl"),
            ("ik ben te zwaar", "leefstijl"),
            ("mijn vader valt vaak", "valpreventie"),
            ("mijn man vergeet steeds meer", "dementie"),
            ("mijn vader is in de war", "dementie"),
            ("mijn buurman drinkt te veel", "verslaving"),
            ("ik slaap in mijn auto", "opvang"),
            ("ik ben mijn baan kwijt", "integratie"),
            ("ik voel me down", "depressie"),
            ("thuis gevallen", "valpreventie"),
            ("er is bij ons ingebroken", "slachtofferhulp"),
            ("mijn zoon spijbelt steeds", "schoolmaatschappelijk"),
            ("ik wil met iemand praten", "luisterend"),
            ("ik wil niet meer leven", "crisisdienst"),
        ] {
            let needs = shipped_needs(query);
            assert!(
                needs.iter().any(|n| n.contains(need)),
                "{query:?} added {needs:?}"
            );
        }
    }

    #[test]
    fn the_shipped_list_parses_whole_and_uses_no_stop_words_on_the_left() {
        let mut analyzer = analysis::exact_analyzer();
        let mut lines = 0;
        for line in SITUATIONS_FILE.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            lines += 1;
            let (slots, needs) = line.split_once("=>").expect(line);
            Situation::parse(slots, needs).expect(line);
            for alt in slots.split(|c: char| c == '|' || c.is_whitespace()) {
                if alt.is_empty() {
                    continue;
                }
                assert_eq!(
                    analysis::tokens(&mut analyzer, alt),
                    vec![alt.to_string()],
                    "{alt:?} in {line:?} is a stop word or not one plain word"
                );
            }
        }
        assert_eq!(Situations::parse(SITUATIONS_FILE).len(), lines);
        assert!(lines >= 60, "{lines} situations");
    }
}
