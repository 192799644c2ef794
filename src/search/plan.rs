//! From query text to a Tantivy query: words → concepts (synonym phrases) → alternatives
//! (the words themselves, their compound parts, synonyms, typo corrections) → clauses.
//!
//! Boosts put the user's own words first: exact form > stem > compound parts > synonyms >
//! typo corrections. A word counts as a typo only when the index knows neither the word nor its
//! stem; then up to three known words within the typo budget stand in for it.

use tantivy::Searcher;
use tantivy::Term;
use tantivy::query::Bm25StatisticsProvider as _;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::any_of::{AnyOf, Scaled};
use super::coverage::{self, Covered};
use super::intent::{self, Intent};
use super::separable::Join;
use super::situations::{self, SituationMatch};
use crate::index::compounds::{DICTIONARY, WORD_LIST};
use crate::index::schema;
use crate::index::vocabulary::Vocabulary;
use crate::index::{SearchIndex, analysis};

/// Most distinct words of a query that take part in matching.
pub const MAX_QUERY_WORDS: usize = 16;

// Tiers, not nudges: field weights and BM25 vary a score by up to ~10x, so each tier sits well
// below the one before it and an item with the user's own word ranks above one that only has a
// synonym, whatever field either is in.
const BOOST_COMPOUND: f32 = 0.5;
const BOOST_SYNONYM: f32 = 0.2;
/// One part of a compound alone, in the fallback: a weaker match than all of its parts.
const PART_ALONE: f32 = 0.5;
/// Compounds tried with one part replaced by a synonym: enough for a group's main words.
const MAX_PART_SYNONYMS: usize = 3;
/// What a situation needs ("huur betalen" → "schuldhulp"): a guess from the whole sentence,
/// a little below a synonym of one word.
const BOOST_SITUATION: f32 = 0.15;
const BOOST_TYPO: f32 = 0.1;
/// A word written as it sounds: below a slipped letter, since a sound key is a coarser guess.
const BOOST_SOUND: f32 = 0.05;
/// The correction of a word that is no Dutch word at all ("rollater", "thuiszorch"), shown as
/// "bedoelde je": nearly sure to be the word meant, so it counts as a synonym of a word typed
/// right, well above the other guesses for the same word. At the tiers of the other guesses it
/// lost to any word typed right: in "rollater huren" every item that said "huren" came first.
/// 0.2, 0.3, 0.5 and 1.0 gave the evaluation set 0.733, 0.732, 0.732 and 0.731 (README).
const BOOST_MEANT: f32 = 0.2;
/// Ranking bonuses for the title: each alternative found there (scaled by its boost), the typed
/// word's exact form, and all words as a phrase.
const TITLE_BONUS: f32 = 3.0;
/// The title bonus in the fallback, as a share of [`TITLE_BONUS`] (0.2-0.34 measured alike, see README).
const LOOSE_TITLE: f32 = 1.0 / 3.0;
/// A word found in an item's accessibility labels (see [`crate::index::schema::Fields::labels`]):
/// a fair match, weaker than the same word in the item's own text.
const LABEL_WEIGHT: f32 = 0.5;
const TITLE_EXACT_BONUS: f32 = 1.0;
/// The share of the title bonuses for a common word made optional (see [`build`]).
const OPTIONAL_TITLE: f32 = 0.3;
/// Light words of degree and frequency, which say how much or how often, not what. Not "even"
/// ("even vrij", "even weg": a break is what respite care offers) nor "veel" ("veel thuis").
const DEGREE_WORDS: &[&str] = &[
    "vaak",
    "heel",
    "erg",
    "echt",
    "soms",
    "eigenlijk",
    "bijna",
    "nauwelijks",
    "amper",
    "haast",
    "helemaal",
    "altijd",
    "steeds",
    "weer",
    "graag",
    "nog",
    "al",
    "sinds",
];
/// The share of its score a word of degree keeps beside words that carry the query.
const DEGREE_SHARE: f32 = 0.3;
/// What a vacancy scores for a word that only says the query is an offer of time
/// ([`Concept::says_intent`]): about what such a word scores in a text that has it, so that a
/// vacancy without the word is not behind one with it. 2, 4 and 8 gave the intent queries of
/// the evaluation set 0.767, 0.769 and 0.769.
const OFFER_BY_VACANCY: f32 = 4.0;
const TITLE_PHRASE_BONUS: f32 = 3.0;

/// How an alternative relates to what the user typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    Exact,
    Compound,
    Synonym,
    Typo,
    /// The same sound key (`index::sound`): "sigoloog" for "psycholoog".
    Sound,
    /// What a situation in the query needs (`index/situaties.txt`).
    Situation,
    /// A synonym of a word corrected by edit distance (named as the correction).
    TypoSynonym,
    /// A synonym of a word corrected by its sound key (named as the correction).
    SoundSynonym,
    /// Close in meaning to the whole query (`crate::meaning`), whatever its words.
    Meaning,
}

impl MatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Compound => "samenstelling",
            MatchKind::Synonym => "synoniem",
            MatchKind::Typo | MatchKind::TypoSynonym => "typefout",
            MatchKind::Sound | MatchKind::SoundSynonym => "klank",
            MatchKind::Situation => "situatie",
            MatchKind::Meaning => "betekenis",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Alternative {
    pub words: Vec<String>,
    pub kind: MatchKind,
    /// The word the resident meant, for a word the texts do not know: the correction shown
    /// as "bedoelde je" (see [`BOOST_MEANT`]).
    pub meant: bool,
}

impl Alternative {
    fn new(words: Vec<String>, kind: MatchKind) -> Alternative {
        Alternative {
            words,
            kind,
            meant: false,
        }
    }

    /// What a match on this alternative is worth beside a match on the word typed.
    fn weight(&self) -> f32 {
        if self.meant {
            match self.kind {
                MatchKind::TypoSynonym | MatchKind::SoundSynonym => BOOST_MEANT * BOOST_SYNONYM,
                _ => BOOST_MEANT,
            }
        } else {
            boost(self.kind)
        }
    }
}

/// One stretch of the query and the ways a document may match it.
#[derive(Debug, Clone)]
pub struct Concept {
    pub words: Vec<String>,
    pub alternatives: Vec<Alternative>,
    /// A word so frequent in the texts ("hulp" in a sociale kaart) that requiring it says
    /// little: optional in a query that has a rarer word to require.
    pub common: bool,
    /// Items holding the word (one-word concepts; 0 for a phrase): how much the resident's
    /// own word finds.
    pub doc_freq: u64,
    /// A compound's parts, and known synonyms of the parts the texts lack, that the fallback
    /// matches one by one ("kinderdokter": kinder, dokter, huisarts); empty for a word that
    /// is no compound.
    pub parts: Vec<String>,
    /// Says little about what is looked for: a light word ("kan", "niet"), or a time word in
    /// an expression of how often or how long ("de hele dag", "elke week"). Optional in a
    /// query that has other words.
    pub light: bool,
    /// Says whose situation it is ("mijn vader" in a sentence about his post): optional in a
    /// query that has other words. An item that has it still gains as for any word, and the
    /// fallback still counts it as a match.
    pub person: bool,
    /// Only says what the query asks for, which the intent already weighs by kind: "vrijwilliger"
    /// or "werken" in a query read as volunteering ([`intent::names_the_offer`]). Every vacancy
    /// meets it, with or without the word; in the fallback it is no match alone.
    pub says_intent: bool,
    /// Other ways to say a word no text holds, each as its words: the synonym phrases of its
    /// group ("ruzie met buren" for "burenruzie") and its compound parts. Empty for a word the
    /// texts hold and for a phrase. A situation they spell out is the word's own
    /// ([`Situations::spelled_out`](situations::Situations::spelled_out)).
    pub readings: Vec<Vec<String>>,
}

impl Concept {
    /// Says what the query is about: not light, not whose situation it is, not only what kind
    /// of offer it asks for.
    fn carries_query(&self) -> bool {
        !(self.light || self.person || self.says_intent)
    }
}

/// Widening (a situation's needs, a common word made optional) is for a query whose own words
/// find little. When its rarest required word is in this many items or more, there is plenty
/// to read already: widening would only lengthen a tail nobody reads, at the cost of scoring,
/// filtering and counting every item it adds.
const WIDEN_BELOW: u64 = 500;

/// A word in at least this share of the items is common (see [`Concept::common`]).
const COMMON_SHARE: f64 = 0.2;
/// Below this many items every share is noise: no word counts as common.
const COMMON_MIN_ITEMS: u64 = 50;

#[derive(Debug, Clone, Default)]
pub struct QueryPlan {
    pub concepts: Vec<Concept>,
    /// The query with typos corrected, when any word was corrected ("bedoelde je").
    pub corrected: Option<String>,
    /// Situations in the query: the concepts they cover may also be met by a need.
    pub situations: Vec<SituationMatch>,
    /// Live items in the index: with a concept's `doc_freq`, how much its word says.
    pub items: u64,
    /// Separable verbs joined again: the whole verb's concept also covers its particle's.
    pub joins: Vec<Join>,
}

impl QueryPlan {
    /// True when the fallback can find more than the strict query: with several concepts,
    /// or with a compound whose parts may then match alone.
    pub fn can_relax(&self) -> bool {
        self.concepts.len() > 1 || self.concepts.iter().any(|c| !c.parts.is_empty())
    }
}

/// The searchable words of a query: lower-cased, accents folded, stop words dropped, unique.
pub fn query_words(text: &str) -> Vec<String> {
    let mut analyzer = analysis::exact_analyzer();
    let mut words: Vec<String> = Vec::new();
    for w in analysis::tokens(&mut analyzer, text) {
        if !words.contains(&w) && words.len() < MAX_QUERY_WORDS {
            words.push(w);
        }
    }
    words
}

/// Possessives: "mijn", "onze", "haar". The tokenizer splits "m'n" and "z'n" in two; their
/// "n" is the possessive then (see [`people_spoken_of`]).
const POSSESSIVES: &[&str] = &[
    "mijn", "zijn", "haar", "onze", "ons", "hun", "jouw", "je", "uw",
];

/// The grown-ups around someone: family, partner, neighbours, friends. With [`CHILDREN`], a
/// closed class of Dutch nouns, not a list of needs.
const GROWN_UPS: &[&str] = &[
    "vader",
    "moeder",
    "pa",
    "ma",
    "papa",
    "mama",
    "ouders",
    "ouder",
    "man",
    "vrouw",
    "partner",
    "echtgenoot",
    "echtgenote",
    "vriend",
    "vriendin",
    "broer",
    "zus",
    "zussen",
    "broers",
    "opa",
    "oma",
    "grootouders",
    "schoonmoeder",
    "schoonvader",
    "schoonouders",
    "stiefvader",
    "stiefmoeder",
    "buurman",
    "buurvrouw",
    "buren",
    "tante",
    "oom",
    "neef",
    "nicht",
    "collega",
    "huisgenoot",
];

/// The children around someone: whose it is still says what kind of help fits (youth care,
/// parenting), so these keep their full score where grown-ups count for a share.
const CHILDREN: &[&str] = &[
    "zoon",
    "zoontje",
    "dochter",
    "dochtertje",
    "kind",
    "kindje",
    "kinderen",
    "baby",
    "broertje",
    "zusje",
    "kleinkind",
    "kleinkinderen",
    "kleinzoon",
    "kleindochter",
    "buurjongen",
    "buurmeisje",
    "vriendje",
    "vriendinnetje",
];

/// The age a query speaks of: a person's ("mijn zoon van 8", "mijn moeder van 80 jaar",
/// "een kind van 3") or the asker's own ("ik ben 67"), in years ("een baby van 3 maanden"
/// is 0). None for other numbers.
pub fn age_spoken_of(text: &str) -> Option<u8> {
    let tokens = analysis::tokens(&mut analysis::plain_analyzer(), text);
    let person = |w: &str| GROWN_UPS.contains(&w) || CHILDREN.contains(&w);
    let age_at = |i: usize| {
        let n = tokens.get(i)?.parse::<u8>().ok().filter(|n| *n <= 110)?;
        let unit = tokens.get(i + 1).map(String::as_str);
        Some(match unit {
            Some("maand" | "maanden" | "week" | "weken" | "dagen") => 0,
            _ => n,
        })
    };
    tokens.iter().enumerate().find_map(|(i, w)| {
        let before = |k: usize| i.checked_sub(k).map(|j| tokens[j].as_str());
        match w.as_str() {
            "van" if before(1).is_some_and(person) || before(2).is_some_and(person) => {
                age_at(i + 1)
            }
            "ben" if before(1) == Some("ik") => age_at(i + 1),
            _ => None,
        }
    })
}

/// The people a sentence is about: a word for someone close ("vader", "buurman") right after
/// a possessive, or one word later ("mijn zieke moeder"). In "mijn vader kan zijn post niet
/// meer lezen" the need is the post; the father only says whose. Such a word is optional in a
/// query that has other words to carry it, so an item about fathers does not come first.
/// Not after "voor": in "een dokter voor mijn kind" the child is who the help is for.
pub fn people_spoken_of(text: &str) -> Vec<String> {
    let mut analyzer = analysis::plain_analyzer();
    let tokens = analysis::tokens(&mut analyzer, text);
    // Where a possessive ends: "mijn", or the "n" of "m'n" and "z'n".
    let possessive: Vec<bool> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            POSSESSIVES.contains(&t.as_str())
                || (t == "n" && i > 0 && matches!(tokens[i - 1].as_str(), "m" | "z"))
        })
        .collect();
    let mut people = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let after_possessive = |back: usize| {
            i.checked_sub(back).is_some_and(|j| {
                // The word before "m'n" is the "m", two tokens back.
                let before = if tokens[j] == "n" {
                    j.checked_sub(2)
                } else {
                    j.checked_sub(1)
                };
                possessive[j] && before.is_none_or(|b| tokens[b] != "voor")
            })
        };
        if (GROWN_UPS.contains(&token.as_str()) || CHILDREN.contains(&token.as_str()))
            && (after_possessive(1) || after_possessive(2))
            && !people.contains(token)
        {
            people.push(token.clone());
        }
    }
    people
}

/// True when the index holds the word itself or its stem.
fn known(index: &SearchIndex, searcher: &Searcher, word: &str) -> bool {
    if index.vocabulary().contains(word) {
        return true;
    }
    let stem = analysis::stem(word);
    index.vocabulary().in_labels(&stem)
        || searcher
            .doc_freq(&Term::from_field_text(index.fields().text, &stem))
            .is_ok_and(|n| n > 0)
}

/// True when a separable verb joined again is worth searching for: the texts use it, or a
/// synonym group or situation names it (see [`super::separable`]).
pub fn knows_verb(index: &SearchIndex, searcher: &Searcher, verb: &str) -> bool {
    known(index, searcher, verb) || index.lexicon().mentions(&analysis::stem(verb))
}

/// Time words that only say how often or how long after "hele", "elke" or "iedere": "mijn zoon
/// zit de hele dag te gamen" is about gaming, not about a day.
const TIME_WORDS: &[&str] = &[
    "dag", "dagen", "week", "weken", "tijd", "nacht", "nachten", "avond", "avonden", "ochtend",
    "middag", "maand", "maanden", "jaar", "jaren", "keer", "uur", "uren", "kwartier",
];
/// Words before a time word that make it say how often or how long: "de hele dag", "twee
/// keer per week", "sinds vorig jaar", "de afgelopen maand". A number does too ("3 maanden").
const EVERY: &[&str] = &[
    "hele",
    "elke",
    "iedere",
    "elk",
    "ieder",
    "per",
    "sinds",
    "afgelopen",
    "vorige",
    "vorig",
    "laatste",
    "komende",
    "paar",
    "halve",
    "half",
    "anderhalf",
    "enkele",
    "twee",
    "drie",
    "vier",
    "vijf",
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
    "twintig",
    "dertig",
];
/// Time words in the plural say how long whatever stands before them ("al weken", "sinds
/// maanden", "jaren geleden"): in a sentence, never what it is about.
const TIME_SPANS: &[&str] = &[
    "dagen", "weken", "maanden", "jaren", "nachten", "avonden", "uren",
];

/// Words that name a kind of help rather than its subject (see [`light_in_context`]).
const HELP_WORDS: &[&str] = &[
    "hulp",
    "begeleiding",
    "ondersteuning",
    "steun",
    "advies",
    "hulpverlening",
];

/// The words for a kind of help in `words` that stand before what the help is about ("advies
/// bij schulden", "begeleiding bij dementie"): they say how, not what, so the subject carries
/// the query and an item with only the help word in its title ("Begeleiding voor
/// statushouders") does not come first. After an adjective the help word is the head of the
/// phrase and stays ("juridisch advies"), and so does a help word that makes one compound with
/// its subject in the texts (`joined`, see [`texts_join`]): "ondersteuning mantelzorgers" asks
/// for "mantelzorgondersteuning", not for anything about carers. `light`: the words light
/// already.
fn help_before_subject<'a>(
    words: &'a [String],
    people: &[String],
    light: &[&str],
    joined: impl Fn(&str, &str) -> bool,
) -> Vec<&'a str> {
    let is_subject = |w: &String| {
        !light.contains(&w.as_str()) && !HELP_WORDS.contains(&w.as_str()) && !people.contains(w)
    };
    words
        .iter()
        .enumerate()
        .filter(|(i, w)| {
            let subjects = || words[i + 1..].iter().filter(|s| is_subject(s));
            HELP_WORDS.contains(&w.as_str())
                && subjects().next().is_some()
                && !subjects().any(|s| joined(w, s))
        })
        .map(|(_, w)| w.as_str())
        .collect()
}

/// True when the texts hold a compound of `subject` (or its first four letters or more) with
/// `help` at the end, with or without a linking "s" or "en": "mantelzorgers" + "ondersteuning"
/// → "mantelzorgondersteuning". A dozen lookups in the sorted word list at most.
fn texts_join(vocabulary: &Vocabulary, help: &str, subject: &str) -> bool {
    subject
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .filter(|end| *end >= 4)
        .any(|end| {
            ["", "s", "en"]
                .iter()
                .any(|link| vocabulary.contains(&format!("{}{link}{help}", &subject[..end])))
        })
}

/// The words of `words` that are light where they stand: light words everywhere, time words
/// right after "hele", "elke" or "iedere" (stop words such as "de" are already gone), and
/// "haar" in a sentence about someone ("mijn moeder kan haar rekeningen niet betalen"): there
/// it is "her", not hair.
fn light_in_context<'a>(words: &'a [String], people: &[String]) -> Vec<&'a str> {
    let mut light: Vec<&str> = words
        .iter()
        .filter(|w| analysis::is_light_word(w) || (!people.is_empty() && *w == "haar"))
        .map(String::as_str)
        .collect();
    for pair in words.windows(2) {
        let counts =
            EVERY.contains(&pair[0].as_str()) || pair[0].chars().all(|c| c.is_ascii_digit());
        if counts && TIME_WORDS.contains(&pair[1].as_str()) {
            light.push(&pair[1]);
        }
    }
    for w in words {
        if TIME_SPANS.contains(&w.as_str()) && !light.contains(&w.as_str()) {
            light.push(w);
        }
    }
    light
}

/// `people`: the words for people the query speaks of ([`people_spoken_of`]); `joins`: the
/// separable verbs `words` holds joined ([`super::separable`]).
pub fn plan(
    index: &SearchIndex,
    searcher: &Searcher,
    words: &[String],
    people: &[String],
    joins: &[Join],
    intent: Intent,
) -> QueryPlan {
    let features = index.features();
    let light_words = light_in_context(words, people);
    let says_intent = |w: &str| intent == Intent::Volunteer && intent::names_the_offer(w);
    let lexicon = index.lexicon();
    let grouped: Vec<(Vec<String>, Vec<Vec<String>>)> = if features.synonyms {
        lexicon
            .synonyms
            .concepts(words)
            .into_iter()
            .map(|c| (c.words, c.synonyms))
            .collect()
    } else {
        words
            .iter()
            .map(|w| (vec![w.clone()], Vec::new()))
            .collect()
    };
    let vocabulary = index.vocabulary();
    let help_words = help_before_subject(words, people, &light_words, |help, subject| {
        texts_join(&vocabulary, help, subject)
    });
    let stats = index.live_stats(searcher);
    let items = stats.total_num_docs().unwrap_or(0);
    let mut corrected_words: Vec<String> = Vec::new();
    let mut any_corrected = false;
    let mut concepts = Vec::new();
    for (own, synonyms) in grouped {
        let mut alternatives = vec![Alternative::new(own.clone(), MatchKind::Exact)];
        let mut fallback_parts = Vec::new();
        let single = (own.len() == 1).then(|| own[0].as_str());
        if let Some(word) = single
            && features.compounds
            && let Some(mut parts) = DICTIONARY.split(word)
        {
            parts.dedup();
            let (found, parts) = compound_alternatives(index, &lexicon, parts);
            alternatives.extend(found);
            fallback_parts.extend(parts);
        }
        // Whether the texts know the word: asked at most once, and only when needed.
        let known_once = std::cell::OnceCell::new();
        let is_known = |word: &str| *known_once.get_or_init(|| known(index, searcher, word));
        // A form the stemmer leaves alone (a diminutive, a comparative) whose base the index
        // knows counts as the word itself: "fietsje" is "fiets".
        if let Some(word) = single {
            // A word the index knows keeps its own meaning; only a diminutive also means its
            // base ("boekje" is a small "boek").
            let bases = if vocabulary.has_stem(&analysis::stem(word)) {
                analysis::diminutive_bases(word)
            } else {
                analysis::base_forms(word)
            };
            // Another form of the same verb ("slapen" for "slaapt") or the noun behind an
            // adjective ("sport" for "sportieve"). For a real Dutch word no text holds, also
            // as the part of a compound ("plast" → plassen, in "bedplassen"), rather than
            // another word a letter away ("past").
            // A one-syllable verb ("ik zie") only when the texts lack the form typed: "doen"
            // and "gaat" are in every text, and their other forms would only add noise. The
            // forms first: most words have none, and then the index is not asked.
            let mut short_forms = analysis::short_verb_forms(word);
            if !short_forms.is_empty() && is_known(word) {
                short_forms.clear();
            }
            let verb_forms: Vec<String> = analysis::verb_forms(word)
                .into_iter()
                .chain(short_forms)
                .filter(|b| {
                    vocabulary.contains(b)
                        || (WORD_LIST.contains(b)
                            && vocabulary.has_stem(&analysis::stem(b))
                            && WORD_LIST.contains(word)
                            && !is_known(word))
                })
                .collect();
            // A past participle no text holds ("gerepareerd") means its verb ("repareren").
            let mut participles: Vec<String> = analysis::participle_infinitives(word)
                .into_iter()
                .filter(|b| vocabulary.contains(b))
                .collect();
            if !participles.is_empty() && is_known(word) {
                participles.clear();
            }
            for base in bases
                .into_iter()
                // The base itself must occur in the texts: a stem alone would let a typo
                // ("vrijwiliger") pass for a comparative.
                .filter(|b| vocabulary.contains(b))
                .chain(verb_forms)
                .chain(participles)
                // The verb behind a noun in "-ing", in the form texts use ("oefent").
                .chain(
                    analysis::verb_of_ing_noun(word)
                        .into_iter()
                        .filter(|b| vocabulary.contains(b)),
                )
                .take(3)
            {
                alternatives.push(Alternative::new(vec![base], MatchKind::Exact));
            }
        }
        let phrases: Vec<Vec<String>> = synonyms.iter().filter(|s| s.len() > 1).cloned().collect();
        for s in synonyms {
            if can_match(index, &s) {
                alternatives.push(Alternative::new(s, MatchKind::Synonym));
            }
        }
        let mut shown = own.join(" ");
        if let Some(word) = single
            && features.typos
            && alternatives.len() == 1
            && !joins.iter().any(|j| j.verb == word)
            // A word that is neither Dutch nor a word of the texts, known only because its
            // stem is another word's ("lesen" has the stem of "lessen"), is misspelt all the
            // same. Without the word list every word would look so: then stems decide.
            && (!is_known(word)
                || (!WORD_LIST.is_empty()
                    && !WORD_LIST.contains(word)
                    && !vocabulary.contains(word)))
        {
            // A word of the Dutch word list the texts do not use ("slaat") is meant as typed:
            // a correction is only a guess at another word, and stays a weak one.
            let misspelt = !WORD_LIST.contains(word);
            let mut fixes = vocabulary.corrections(word, 3);
            let sound_alikes = vocabulary.sounds_like(word, 2);
            // Of the corrections, one that also sounds the same is meant first: "lesen" is
            // "lezen" rather than the more frequent "leren", a letter away as well.
            fixes.sort_by_key(|f| !sound_alikes.contains(f));
            // Written as it sounds: at most two words with the same sound key, after the
            // edit-distance corrections.
            let mut sounds: Vec<String> = sound_alikes
                .into_iter()
                .filter(|w| !fixes.contains(w))
                .collect();
            // No text word sounds like it, but a word of the synonym table does
            // ("huursubsiedie" → "huursubsidie", which the texts call "huurtoeslag"): that word
            // is meant, and brings its group below.
            if fixes.is_empty()
                && sounds.is_empty()
                && features.synonyms
                && let Some(term) = lexicon.synonyms.sounds_like(word)
            {
                sounds.push(term.to_string());
            }
            // Still nothing: a compound the texts do not use whole, with a part written as it
            // sounds ("fisiotherapiepraktijk").
            let parts = if fixes.is_empty() && sounds.is_empty() {
                vocabulary.compound_parts(word)
            } else {
                None
            };
            let nothing_yet = fixes.is_empty() && sounds.is_empty() && parts.is_none();
            // Not a compound of the texts' words either: the general word list may split it
            // ("bejaardengym" → bejaarden + gym), below.
            let list_parts = if nothing_yet {
                WORD_LIST.split_in_parts(word)
            } else {
                None
            };
            // Still nothing, and not a Dutch word either: written as it sounds with one slip
            // besides ("rolater" for "rollator"), the last guess before giving up.
            let sounds = if nothing_yet && list_parts.is_none() && !WORD_LIST.contains(word) {
                vocabulary.sounds_near(word, 2)
            } else {
                sounds
            };
            // The synonyms of the word meant, after the corrections: an explanation names the
            // correction itself first.
            let mut meant_synonyms = Vec::new();
            if let Some(best) = fixes.first().or(sounds.first()) {
                // Nor is another word a letter away offered as what the resident meant:
                // "nergens" is not "ergens", "drank" not "drink". One that sounds the same
                // is ("kado", "cadeau").
                if misspelt || fixes.first() != Some(best) {
                    shown = best.clone();
                    any_corrected = true;
                }
                // The word meant has the synonyms it would have had if typed right
                // ("fisiotherapeut" → "fysiotherapeut", and so "fysiotherapie"), as far below
                // the correction as a synonym is below a word typed right.
                let kind = if fixes.first() == Some(best) {
                    MatchKind::TypoSynonym
                } else {
                    MatchKind::SoundSynonym
                };
                if features.synonyms {
                    for s in lexicon
                        .synonyms
                        .concepts(std::slice::from_ref(best))
                        .into_iter()
                        .flat_map(|c| c.synonyms)
                    {
                        if can_match(index, &s) {
                            meant_synonyms.push(Alternative {
                                meant: misspelt,
                                words: s,
                                kind,
                            });
                        }
                    }
                }
            } else if let Some((parts, true)) = &parts {
                shown = parts.join(" ");
                any_corrected = true;
            }
            if let Some((parts, by_sound)) = parts {
                if !by_sound {
                    fallback_parts.extend(parts.iter().cloned());
                }
                alternatives.push(if by_sound {
                    Alternative {
                        meant: misspelt,
                        words: parts,
                        kind: MatchKind::Sound,
                    }
                } else {
                    Alternative::new(parts, MatchKind::Compound)
                });
            } else if features.compounds
                && let Some(mut parts) = list_parts
            {
                parts.dedup();
                let (found, parts) = compound_alternatives(index, &lexicon, parts);
                alternatives.extend(found);
                fallback_parts.extend(parts);
            }
            for fix in fixes {
                alternatives.push(Alternative {
                    meant: misspelt && fix == shown,
                    words: vec![fix],
                    kind: MatchKind::Typo,
                });
            }
            for sound in sounds
                .into_iter()
                .filter(|w| can_match(index, std::slice::from_ref(w)))
            {
                alternatives.push(Alternative {
                    meant: misspelt && sound == shown,
                    words: vec![sound],
                    kind: MatchKind::Sound,
                });
            }
            alternatives.extend(meant_synonyms);
        }
        corrected_words.push(shown);
        let doc_freq = match own.as_slice() {
            [word] => {
                // Cached per term and index generation: the ranking asks the same.
                let term = Term::from_field_text(index.fields().text, &analysis::stem(word));
                stats.doc_freq(&term).unwrap_or(0)
            }
            _ => 0,
        };
        let common = own.len() == 1
            && items >= COMMON_MIN_ITEMS
            && doc_freq as f64 / items as f64 >= COMMON_SHARE;
        // A help word that is common is optional already and keeps its title bonus: made
        // light too, it cost "hulp bij de tuin voor ouderen" its garden-help item, and the
        // unfiltered two-word search "hulp schulden" a fifth more time at 100k.
        let light = own.iter().all(|w| {
            light_words.contains(&w.as_str()) || (!common && help_words.contains(&w.as_str()))
        });
        // A phrase of the synonym table ("pro deo advocaat") that no item holds whole: the
        // fallback matches its words one by one, as it does a compound's parts.
        if own.len() > 1 {
            for w in &own {
                if !light_words.contains(&w.as_str()) && !fallback_parts.contains(w) {
                    fallback_parts.push(w.clone());
                }
            }
        }
        let readings = if own.len() == 1 && doc_freq == 0 {
            let mut readings = phrases;
            if fallback_parts.len() > 1 {
                readings.push(fallback_parts.clone());
            }
            readings
        } else {
            Vec::new()
        };
        concepts.push(Concept {
            // "vrijwilliger worden" is as much the offer as "vrijwilliger".
            says_intent: own.iter().any(|w| says_intent(w))
                && own
                    .iter()
                    .all(|w| says_intent(w) || analysis::is_light_word(w)),
            words: own,
            alternatives,
            common,
            doc_freq,
            parts: fallback_parts,
            light,
            person: false,
            readings,
        });
    }
    // Whose it is ("mijn vader") is optional once another word says what it is about.
    let is_person = |c: &Concept| c.words.iter().all(|w| people.contains(w));
    if concepts.iter().any(|c| !c.light && !is_person(c)) {
        for c in concepts.iter_mut() {
            c.person = is_person(c);
        }
    }
    // "vrijwilligerswerk" alone, or "ik wil helpen", is what the query is about.
    if !concepts.iter().any(Concept::carries_query) {
        for c in concepts.iter_mut() {
            c.says_intent = false;
        }
    }
    // A verb joined from its parts ("haalt … op" → ophalen) beside a word that names the
    // need ("boodschappen") says how, not what: light there. Beside light words and people
    // only ("mijn moeder kleedt zich niet meer aan") it is what the sentence is about.
    let is_joined = |c: &Concept| c.words.iter().all(|w| joins.iter().any(|j| &j.verb == w));
    if concepts
        .iter()
        .any(|c| !c.light && !c.person && !is_joined(c))
    {
        for c in concepts.iter_mut().filter(|c| is_joined(c)) {
            c.light = true;
        }
    }
    let situations = if features.synonyms {
        let fillers: Vec<_> = concepts
            .iter()
            .map(|c| {
                let mut fill = situations::fillers(&c.words);
                // A word written wrong fills what the word meant fills: "rollater" is about a
                // "rollator".
                for a in c.alternatives.iter().filter(|a| a.meant) {
                    fill.extend(situations::fillers(&a.words));
                }
                // A joined verb also fills what its parts would have: "ik raak mijn baan
                // kwijt" is still about a "baan" that is "kwijt".
                for j in joins.iter().filter(|j| c.words.contains(&j.verb)) {
                    situations::add_keys(&mut fill, &j.particle);
                    situations::add_keys(&mut fill, &j.rest);
                }
                fill
            })
            .collect();
        let light: Vec<bool> = concepts.iter().map(|c| c.light).collect();
        let mut found = lexicon.situations.find_apart(&fillers, &light);
        // A word no text holds opens the situation it spells out in other words, when no
        // situation of the query holds it already: "burenruzie" is "ruzie met buren".
        for (i, c) in concepts.iter().enumerate() {
            if c.readings.is_empty() || found.iter().any(|m| m.covers.contains(&i)) {
                continue;
            }
            let needs = lexicon
                .situations
                .spelled_out(c.readings.iter().map(Vec::as_slice));
            if !needs.is_empty() {
                found.push(situations::SituationMatch {
                    covers: vec![i],
                    needs,
                });
            }
        }
        let covered: Vec<usize> = found.iter().flat_map(|m| m.covers.clone()).collect();
        for fillers in with_difficulty(&concepts, &covered, &fillers) {
            found.extend(lexicon.situations.find(&fillers));
        }
        found
            .into_iter()
            .filter(|m| m.covers.iter().any(|i| concepts[*i].doc_freq < WIDEN_BELOW))
            .filter_map(|mut m| {
                m.needs.retain(|n| can_match(index, n));
                (!m.needs.is_empty()).then_some(m)
            })
            .collect()
    } else {
        Vec::new()
    };
    QueryPlan {
        concepts,
        corrected: any_corrected.then(|| corrected_words.join(" ")),
        situations,
        items,
        joins: joins.to_vec(),
    }
}

/// Words that say someone can or cannot do something: "ik kan", "het lukt", "ik red het".
const ABILITY_WORDS: &[&str] = &[
    "kan", "kun", "kunt", "kunnen", "kon", "konden", "lukt", "lukken", "lukte", "red", "redt",
    "redden", "gaat",
];
/// Words that deny or nearly deny what follows.
const NEGATIONS: &[&str] = &["niet", "nauwelijks", "amper", "nooit"];
/// How a situation names a hard task ("lopen moeilijk", "slapen slecht", "moeite met trap").
const DIFFICULTY: &[&str] = &["moeilijk", "moeite", "slecht"];

/// A denied ability says that something is hard: "ik kan bijna niet meer lopen" is how many
/// residents say "lopen gaat moeilijk". So in a query with an ability word and a negation,
/// each word that carries the query also fills a situation's slot for difficulty, and the
/// situations written as "lopen moeilijk|slecht" hold for every way of saying it. The word
/// fills it, not the negation: an item that speaks of "lopen" meets the situation in the
/// resident's own words, whether or not it says "niet".
///
/// Only for words no situation holds yet, and each word on its own: "ik kan mijn post niet
/// lezen" already has its situation, which a second one for reading would only dilute, and in
/// "mijn opa van 90 kan de trap niet op" the difficulty is the stairs', not the age's. So each
/// word left gets its own look, with only its fillers and the difficulty; the situations found
/// add to the first ones. Empty when there is nothing to look for.
fn with_difficulty(
    concepts: &[Concept],
    covered: &[usize],
    fillers: &[std::collections::HashSet<String>],
) -> Vec<Vec<std::collections::HashSet<String>>> {
    fn names(c: &Concept, list: &[&str]) -> bool {
        c.words.iter().any(|w| list.contains(&w.as_str()))
    }
    if !concepts.iter().any(|c| names(c, ABILITY_WORDS))
        || !concepts.iter().any(|c| names(c, NEGATIONS))
    {
        return Vec::new();
    }
    concepts
        .iter()
        .enumerate()
        .filter(|(i, c)| !c.light && !c.person && !covered.contains(i))
        .map(|(i, _)| {
            let mut only = vec![std::collections::HashSet::new(); fillers.len()];
            only[i] = fillers[i].clone();
            for w in DIFFICULTY {
                situations::add_keys(&mut only[i], w);
            }
            only
        })
        .collect()
}

fn boost(kind: MatchKind) -> f32 {
    match kind {
        MatchKind::Exact => 1.0,
        MatchKind::Compound => BOOST_COMPOUND,
        MatchKind::Synonym => BOOST_SYNONYM,
        MatchKind::Typo => BOOST_TYPO,
        MatchKind::Sound => BOOST_SOUND,
        MatchKind::Situation => BOOST_SITUATION,
        // Below the corrected word as a synonym is below the word typed.
        MatchKind::TypoSynonym => BOOST_TYPO * BOOST_SYNONYM,
        MatchKind::SoundSynonym => BOOST_SOUND * BOOST_SYNONYM,
        // Not a word alternative: meaning is fused by rank (see `crate::meaning`).
        MatchKind::Meaning => 1.0,
    }
}

fn term_query(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// Matches the items with every word of `words` (as stems) in their combined text or, with
/// `labels` and for a word of an accessibility label, there, at [`LABEL_WEIGHT`].
fn all_words(index: &SearchIndex, words: &[String], labels: bool) -> Box<dyn Query> {
    let f = index.fields();
    let vocabulary = index.vocabulary();
    let word = |w: &String| -> Box<dyn Query> {
        let stem = analysis::stem(w);
        let text = term_query(f.text, &stem);
        if !labels || !vocabulary.in_labels(&stem) {
            return text;
        }
        let label = Box::new(Scaled::new(term_query(f.labels, &stem), LABEL_WEIGHT));
        Box::new(AnyOf::new(vec![text, label]))
    };
    if let [w] = words {
        return word(w);
    }
    Box::new(BooleanQuery::new(
        words.iter().map(|w| (Occur::Must, word(w))).collect(),
    ))
}

/// Matches the items with every word of `words` (as stems) in `field`.
fn all_words_in(field: tantivy::schema::Field, words: &[String]) -> Box<dyn Query> {
    if let [word] = words {
        return term_query(field, &analysis::stem(word));
    }
    Box::new(BooleanQuery::new(
        words
            .iter()
            .map(|w| (Occur::Must, term_query(field, &analysis::stem(w))))
            .collect(),
    ))
}

/// The ways a compound split into `parts` may match, and the words its fallback may match
/// one by one ([`Concept::parts`]). All parts together when the index knows them; else, for
/// each part it does not know, that part replaced by a one-word synonym it does know
/// ("bejaardengym": senioren + gym, as in "seniorengym"), and for the fallback the parts with
/// those synonyms added ("kinderdokter": kinder, dokter, huisarts).
fn compound_alternatives(
    index: &SearchIndex,
    lexicon: &crate::search::lexicon::Lexicon,
    parts: Vec<String>,
) -> (Vec<Alternative>, Vec<String>) {
    if can_match(index, &parts) {
        let whole = Alternative::new(parts.clone(), MatchKind::Compound);
        return (vec![whole], parts);
    }
    let known = |w: &String| can_match(index, std::slice::from_ref(w));
    let mut out = Vec::new();
    // For the fallback: every part, and the known stand-ins of the parts the texts lack.
    let mut fallback = parts.clone();
    for (i, part) in parts.iter().enumerate().filter(|(_, p)| !known(p)) {
        let synonyms = lexicon
            .synonyms
            .concepts(std::slice::from_ref(part))
            .into_iter()
            .flat_map(|c| c.synonyms);
        let mut stand_ins = 0;
        for synonym in synonyms {
            let [one] = synonym.as_slice() else {
                continue;
            };
            if stand_ins < MAX_PART_SYNONYMS && known(one) && !fallback.contains(one) {
                fallback.push(one.clone());
                stand_ins += 1;
            }
            let mut words = parts.clone();
            words[i] = one.clone();
            if out.len() < MAX_PART_SYNONYMS && can_match(index, &words) {
                out.push(Alternative::new(words, MatchKind::Synonym));
            }
        }
    }
    if !fallback.iter().any(known) {
        fallback.clear();
    }
    (out, fallback)
}

/// True when the index holds the stem of every word (compound parts included): an
/// alternative that cannot match is left out of the query. Answered from the in-memory
/// vocabulary, without a term lookup per segment.
fn can_match(index: &SearchIndex, words: &[String]) -> bool {
    let vocabulary = index.vocabulary();
    words.iter().all(|w| {
        let stem = analysis::stem(w);
        vocabulary.has_stem(&stem) || vocabulary.in_labels(&stem)
    })
}

/// Every concept must match (`strict`), or at least one (the fallback when strict finds
/// nothing).
///
/// Matching uses only the combined text field: one posting list per word, which keeps a
/// multi-word query a cheap intersection. Stand-ins (compound parts, synonyms, corrections)
/// therefore also match the organisation name and the kind, theme and talent labels, as the
/// typed words always did: a synonym found in an item's theme label is a fair match. Ranking adds optional bonuses that are looked up only
/// for items that already match: every alternative found in the title (scaled like the
/// alternative), the typed words' exact forms in the title, and all words as a phrase there.
///
/// An accessibility label matches a word alone ("rolstoeltoegankelijk", "ringleiding") and
/// in the fallback. When several words must all match, it is only a bonus: a venue's
/// wheelchair access does not make a legal advice session an answer to "rolstoel huren".
pub fn build(index: &SearchIndex, plan: &QueryPlan, strict: bool) -> Box<dyn Query> {
    let f = index.fields();
    let carrying = plan.concepts.iter().filter(|c| !c.light).count();
    let labels_match = !strict || carrying <= 1;
    let concepts: Vec<Box<dyn Query>> = plan
        .concepts
        .iter()
        .map(|c| {
            let mut alternatives: Vec<Box<dyn Query>> = c
                .alternatives
                .iter()
                .map(|a| {
                    let q = all_words(index, &a.words, labels_match);
                    if a.kind == MatchKind::Exact {
                        q
                    } else {
                        Box::new(Scaled::new(q, a.weight())) as Box<dyn Query>
                    }
                })
                .collect();
            if alternatives.len() == 1 {
                alternatives.remove(0)
            } else {
                Box::new(AnyOf::new(alternatives)) as Box<dyn Query>
            }
        })
        .collect();
    // Light words ("kan", "niet", "meer", …) are optional in a strict query, unless the query
    // has nothing else: a sentence is matched on the words that carry it.
    let light: Vec<bool> = plan.concepts.iter().map(|c| c.light).collect();
    let all_light = light.iter().all(|l| *l);
    // Common words are optional too, as long as a word that is neither light nor common
    // stays required (a rare word the index knows is never dropped) and finds little.
    let rare_required = plan
        .concepts
        .iter()
        .zip(&light)
        .filter(|(c, l)| !**l && !c.common)
        .map(|(c, _)| c.doc_freq)
        .min()
        .is_some_and(|df| df < WIDEN_BELOW);
    let optional: Vec<bool> = plan
        .concepts
        .iter()
        .zip(&light)
        .map(|(c, l)| *l || c.person || (c.common && rare_required))
        .collect();
    // A situation's needs count once, by the best one: an item that names five of them is
    // not five times as fitting.
    let need_queries = |m: &SituationMatch| -> Box<dyn Query> {
        let needs: Vec<Box<dyn Query>> =
            m.needs.iter().map(|n| all_words(index, n, false)).collect();
        Box::new(Scaled::new(Box::new(AnyOf::best(needs)), BOOST_SITUATION))
    };
    // A word of degree or frequency that is present says little about the item ("ik slaap al
    // weken heel slecht" is not about items that say "heel"; see [`DEGREE_WORDS`]): beside words that carry the
    // query, it counts for a share of its score. Negations and "meer" keep theirs: an item
    // that asks "Kunt u zelf niet meer koken?" speaks the resident's own words.
    let concepts: Vec<Box<dyn Query>> = concepts
        .into_iter()
        .zip(&plan.concepts)
        .map(|(q, c)| {
            let degree = c.words.iter().all(|w| DEGREE_WORDS.contains(&w.as_str()));
            let grown_up = c.person && c.words.iter().all(|w| GROWN_UPS.contains(&w.as_str()));
            if (degree || grown_up) && !all_light {
                Box::new(Scaled::new(q, DEGREE_SHARE)) as Box<dyn Query>
            } else if c.says_intent && !all_light {
                // Every vacancy is the offer the word names, whether its text says
                // "vrijwilliger" or not: they all meet it alike, and the other words decide.
                let vacancy: Box<dyn Query> = Box::new(crate::search::kinds::KindQuery::new(
                    f.kind,
                    crate::domain::Kind::Vacature,
                    OFFER_BY_VACANCY,
                    index.row_source(),
                ));
                Box::new(AnyOf::best(vec![q, vacancy])) as Box<dyn Query>
            } else {
                q
            }
        })
        .collect();
    let mut covering = None;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = if strict {
        let mut concepts: Vec<Option<Box<dyn Query>>> = concepts.into_iter().map(Some).collect();
        let occur = |i: usize, optional: &[bool]| {
            if optional[i] && !all_light {
                Occur::Should
            } else {
                Occur::Must
            }
        };
        let mut clauses = Vec::new();
        // A situation's words are met together by the resident's own words (a common or a
        // light one included: the situation is their combination; "geen contact" is not any
        // item that says "contact"), or by one of its needs.
        for m in &plan.situations {
            let own: Vec<(Occur, Box<dyn Query>)> = m
                .covers
                .iter()
                .filter_map(|i| Some((Occur::Must, concepts[*i].take()?)))
                .collect();
            let either: Vec<Box<dyn Query>> =
                vec![Box::new(BooleanQuery::new(own)), need_queries(m)];
            clauses.push((Occur::Must, Box::new(AnyOf::new(either)) as Box<dyn Query>));
        }
        for (i, q) in concepts.into_iter().enumerate() {
            if let Some(q) = q {
                clauses.push((occur(i, &optional), q));
            }
        }
        clauses
    } else {
        // Some of the words will do, but a light word alone ("weer", "kan") is no match.
        let mut any = Vec::new();
        let mut extra = Vec::new();
        if index.features().coverage {
            covering = coverage_parts(plan, &concepts, need_queries);
        }
        for ((q, is_light), c) in concepts.into_iter().zip(&light).zip(&plan.concepts) {
            // Every vacancy meets "vrijwilliger" in a query about volunteering: alone, that
            // is no match either.
            if (*is_light || c.says_intent) && !all_light {
                extra.push((Occur::Should, q));
            } else {
                any.push(q);
            }
        }
        // A compound whose parts are not found together ("breiwerkje" where the item says
        // "breien" and "werkje") still finds the items with one of its parts, below the rest.
        let mut parts: Vec<&String> = Vec::new();
        for w in plan.concepts.iter().flat_map(|c| &c.parts) {
            if w.chars().count() >= 4
                && !analysis::is_light_word(w)
                && !parts.contains(&w)
                && can_match(index, std::slice::from_ref(w))
            {
                parts.push(w);
            }
        }
        for w in parts {
            any.push(Box::new(Scaled::new(
                all_words(index, std::slice::from_ref(w), true),
                BOOST_COMPOUND * PART_ALONE,
            )));
        }
        for m in &plan.situations {
            any.push(need_queries(m));
        }
        extra.insert(
            0,
            (Occur::Must, Box::new(AnyOf::new(any)) as Box<dyn Query>),
        );
        extra
    };

    let words: Vec<&String> = plan.concepts.iter().flat_map(|c| &c.words).collect();
    let mut bonuses: Vec<Box<dyn Query>> = Vec::new();
    // In the fallback an item has only some of the words: a word in its title must not
    // outweigh a rarer word in its text, so the title counts for less there.
    let title_bonus = if strict {
        TITLE_BONUS
    } else {
        TITLE_BONUS * LOOSE_TITLE
    };
    // A light word in a title ("Meer bewegen") says as little there as in the query: the
    // title bonus is for the words that carry the query. In a sentence about a situation, a
    // common word made optional ("mensen", "thuis" beside a rarer word) counts there for a
    // share only, so that it does not outweigh what the sentence is about.
    let title_share = |i: usize| {
        if strict && !plan.situations.is_empty() && optional[i] && !plan.concepts[i].light {
            OPTIONAL_TITLE
        } else {
            1.0
        }
    };
    // Nor is "Vrijwilliger bij …" in a title more of an offer than any other vacancy.
    let carries = |c: &Concept| all_light || !(c.light || c.says_intent);
    for (i, concept) in plan.concepts.iter().enumerate() {
        if !carries(concept) {
            continue;
        }
        for alternative in &concept.alternatives {
            bonuses.push(Box::new(Scaled::new(
                all_words_in(f.title, &alternative.words),
                title_bonus * alternative.weight() * title_share(i),
            )));
        }
    }
    if !labels_match {
        let vocabulary = index.vocabulary();
        for alternative in plan.concepts.iter().flat_map(|c| &c.alternatives) {
            if alternative
                .words
                .iter()
                .all(|w| vocabulary.in_labels(&analysis::stem(w)))
            {
                bonuses.push(Box::new(Scaled::new(
                    all_words_in(f.labels, &alternative.words),
                    LABEL_WEIGHT * alternative.weight(),
                )));
            }
        }
    }
    for m in &plan.situations {
        let needs: Vec<Box<dyn Query>> = m.needs.iter().map(|n| all_words_in(f.title, n)).collect();
        bonuses.push(Box::new(Scaled::new(
            Box::new(AnyOf::best(needs)),
            TITLE_BONUS * BOOST_SITUATION,
        )));
    }
    for (i, concept) in plan.concepts.iter().enumerate() {
        if !all_light && concept.says_intent {
            continue;
        }
        for word in concept.words.iter().filter(|w| !analysis::is_light_word(w)) {
            bonuses.push(Box::new(Scaled::new(
                term_query(f.title_exact, word),
                TITLE_EXACT_BONUS * title_share(i),
            )));
        }
    }
    if words.len() > 1 {
        // All words as a phrase in the title: each two of them side by side (see
        // [`crate::index::schema::Fields::title_pairs`]).
        let mut pairs: Vec<Box<dyn Query>> = words
            .windows(2)
            .map(|w| term_query(f.title_pairs, &schema::word_pair(w[0], w[1])))
            .collect();
        let phrase = if pairs.len() == 1 {
            pairs.remove(0)
        } else {
            Box::new(BooleanQuery::new(
                pairs.into_iter().map(|q| (Occur::Must, q)).collect(),
            ))
        };
        bonuses.push(Box::new(Scaled::new(phrase, TITLE_PHRASE_BONUS)));
    }
    clauses.push((Occur::Should, Box::new(AnyOf::new(bonuses))));
    let query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
    match covering {
        Some((parts, weights)) => Box::new(Covered::new(query, parts, weights)),
        None => query,
    }
}

/// What the fallback weighs coverage by (see [`crate::search::coverage`]): the concepts that
/// carry the query (not light, not only its intent, not whose situation it is), each weighted
/// by how much its word says, and the queries that meet them: each concept's own, a joined
/// verb's for its particle, and a situation's needs for the words of the situation. `None`
/// when fewer than two concepts carry the query: then every match covers all of it.
fn coverage_parts(
    plan: &QueryPlan,
    concepts: &[Box<dyn Query>],
    needs: impl Fn(&SituationMatch) -> Box<dyn Query>,
) -> Option<(coverage::CoveringParts, Vec<f32>)> {
    let carrying: Vec<usize> = (0..plan.concepts.len())
        .filter(|i| plan.concepts[*i].carries_query())
        .collect();
    if carrying.len() < 2 {
        return None;
    }
    let weights: Vec<f32> = carrying
        .iter()
        .map(|i| coverage::weight(plan.concepts[*i].doc_freq, plan.items))
        .collect();
    let slot = |i: usize| carrying.iter().position(|c| *c == i);
    let mut parts: coverage::CoveringParts = carrying
        .iter()
        .enumerate()
        .map(|(slot, i)| (concepts[*i].box_clone(), vec![slot]))
        .collect();
    // An item with the whole verb ("schoonmaken" for "wie maakt mijn huis schoon") has what
    // its particle said: the verb's own concept is light beside the particle's.
    for (i, c) in plan.concepts.iter().enumerate() {
        if slot(i).is_some() {
            continue;
        }
        let covers: Vec<usize> = plan
            .joins
            .iter()
            .filter(|j| c.words.contains(&j.verb))
            .flat_map(|j| {
                plan.concepts.iter().enumerate().filter(move |(_, p)| {
                    p.words.len() == 1 && (p.words[0] == j.particle || p.words[0] == j.rest)
                })
            })
            .filter_map(|(p, _)| slot(p))
            .collect();
        if !covers.is_empty() {
            parts.push((concepts[i].box_clone(), covers));
        }
    }
    for m in &plan.situations {
        let covers: Vec<usize> = m.covers.iter().filter_map(|i| slot(*i)).collect();
        if !covers.is_empty() {
            parts.push((needs(m), covers));
        }
    }
    Some((parts, weights))
}

/// Why a result matched one concept of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// What the user typed.
    pub query: String,
    /// The wording found in the item.
    pub matched: String,
    pub kind: MatchKind,
    /// Where: `titel`, `samenvatting`, `beschrijving`, `organisatie`, `thema` or
    /// `toegankelijkheid`.
    pub fields: Vec<&'static str>,
}

/// For each concept, the first alternative whose words all occur (as stems, compound parts
/// included) in one of the item's fields.
pub fn explain(
    plan: &QueryPlan,
    item: &crate::index::HitPayload,
    taxonomy: &crate::domain::Taxonomy,
) -> Vec<Explanation> {
    use std::collections::HashSet;
    let mut analyzer = analysis::decompounding_analyzer();
    let labels: Vec<String> = item
        .themes
        .iter()
        .filter_map(|k| taxonomy.theme(k).map(|t| t.label.clone()))
        .collect();
    let venue: Vec<String> = item
        .accessibility
        .iter()
        .filter_map(|k| taxonomy.accessibility_feature(k).map(|t| t.label.clone()))
        .collect();
    let fields: Vec<(&'static str, HashSet<String>)> = [
        ("titel", item.title.clone()),
        ("samenvatting", item.summary.clone()),
        ("beschrijving", item.description.clone()),
        ("organisatie", item.organisation_name.clone()),
        ("thema", labels.join(" ")),
        ("toegankelijkheid", venue.join(" ")),
    ]
    .into_iter()
    .map(|(name, text)| {
        (
            name,
            analysis::tokens(&mut analyzer, &text).into_iter().collect(),
        )
    })
    .collect();
    let found_in = |words: &[String]| -> Vec<&'static str> {
        let stems: Vec<String> = words.iter().map(|w| analysis::stem(w)).collect();
        let whole: Vec<&'static str> = fields
            .iter()
            .filter(|(_, tokens)| stems.iter().all(|s| tokens.contains(s)))
            .map(|(name, _)| *name)
            .collect();
        // An item's fields are searched as one text, so the words of a phrase may sit in
        // different fields ("veel" in the summary, "drinken" in the description): name those.
        let everywhere = || {
            stems
                .iter()
                .all(|s| fields.iter().any(|(_, tokens)| tokens.contains(s)))
        };
        if !whole.is_empty() || !everywhere() {
            return whole;
        }
        fields
            .iter()
            .filter(|(_, tokens)| stems.iter().any(|s| tokens.contains(s)))
            .map(|(name, _)| *name)
            .collect()
    };
    let mut out = Vec::new();
    let mut explained = vec![false; plan.concepts.len()];
    for (i, c) in plan.concepts.iter().enumerate() {
        // Whole alternatives first; then a compound's parts one by one (the fallback). A word
        // of a phrase the resident typed is their own word, not a part of a compound.
        let parts = c.parts.iter().map(|w| {
            let kind = if c.words.contains(w) {
                MatchKind::Exact
            } else {
                MatchKind::Compound
            };
            (std::slice::from_ref(w), kind)
        });
        let whole = c.alternatives.iter().map(|a| (a.words.as_slice(), a.kind));
        for (words, kind) in whole.chain(parts) {
            let found = found_in(words);
            if !found.is_empty() {
                out.push(Explanation {
                    query: c.words.join(" "),
                    matched: words.join(" "),
                    kind,
                    fields: found,
                });
                explained[i] = true;
                break;
            }
        }
    }
    // A situation the item meets through a need rather than the resident's own words.
    for m in &plan.situations {
        if m.covers.iter().all(|i| explained[*i]) {
            continue;
        }
        if let Some((need, found)) = m
            .needs
            .iter()
            .map(|n| (n, found_in(n)))
            .find(|(_, f)| !f.is_empty())
        {
            let query: Vec<String> = m
                .covers
                .iter()
                .map(|i| plan.concepts[*i].words.join(" "))
                .collect();
            out.push(Explanation {
                query: query.join(" "),
                matched: need.join(" "),
                kind: MatchKind::Situation,
                fields: found,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{age_spoken_of, people_spoken_of};

    #[test]
    fn the_age_a_sentence_speaks_of_is_a_persons_or_the_askers() {
        assert_eq!(age_spoken_of("mijn zoon van 8 plast in bed"), Some(8));
        assert_eq!(age_spoken_of("mijn moeder van 80 jaar valt vaak"), Some(80));
        assert_eq!(age_spoken_of("mijn zieke vader van 75"), Some(75));
        assert_eq!(age_spoken_of("ik ben 67 en zoek gezelschap"), Some(67));
        assert_eq!(
            age_spoken_of("mijn baby van 3 maanden drinkt slecht"),
            Some(0)
        );
        // Other numbers are no age.
        assert_eq!(age_spoken_of("ik pas 2 dagen in de week op"), None);
        assert_eq!(age_spoken_of("30 uur iets doen van school"), None);
        assert_eq!(age_spoken_of("huur van 900 euro"), None);
        assert_eq!(age_spoken_of("taalcafe"), None);
    }

    #[test]
    fn a_time_word_that_says_how_long_or_how_often_is_light() {
        let light = |q: &str| {
            let w: Vec<String> = q.split_whitespace().map(str::to_string).collect();
            super::light_in_context(&w, &[])
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        // "al" is a stop word: "ik heb al weken pijn" reaches the plan as "weken pijn".
        assert!(light("weken pijn").contains(&"weken".to_string()));
        assert!(light("jaren eenzaam").contains(&"jaren".to_string()));
        let twice = light("twee keer per week zwemmen");
        assert!(twice.contains(&"keer".to_string()) && twice.contains(&"week".to_string()));
        assert!(light("3 maand baby").contains(&"maand".to_string()));
        assert!(light("sinds vorig jaar").contains(&"jaar".to_string()));
        // A time word alone names what is asked for ("de week van de eenzaamheid",
        // "dagbesteding voor een dag").
        assert!(!light("week eenzaamheid").contains(&"week".to_string()));
        assert!(!light("dagbesteding dag").contains(&"dag".to_string()));
    }

    #[test]
    fn a_help_word_before_its_subject_is_light() {
        let words = |q: &str| q.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        let help = |q: &str| {
            let w = words(q);
            let light = super::light_in_context(&w, &[]);
            super::help_before_subject(&w, &[], &light, |h, s| {
                h == "ondersteuning" && s.starts_with("mantelzorg")
            })
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
        };
        assert_eq!(help("advies schulden"), ["advies"]);
        // The head after an adjective, or alone, carries the query.
        assert!(help("huishoudelijke hulp").is_empty());
        assert!(help("hulp").is_empty());
        // Only light words after it: no subject.
        assert!(help("hulp nodig").is_empty());
        // One compound with its subject in the texts: the help word is half of the name.
        assert!(help("ondersteuning mantelzorgers").is_empty());
        assert_eq!(help("ondersteuning dementie"), ["ondersteuning"]);
    }

    #[test]
    fn the_person_a_sentence_is_about_follows_a_possessive() {
        assert_eq!(
            people_spoken_of("Mijn vader kan zijn post niet meer lezen"),
            ["vader"]
        );
        assert_eq!(people_spoken_of("mijn zieke moeder"), ["moeder"]);
        assert_eq!(people_spoken_of("Mijn collega's pesten mij"), ["collega"]);
        assert_eq!(people_spoken_of("z'n zieke vader"), ["vader"]);
        assert!(people_spoken_of("een oppas voor m'n zoon").is_empty());
        assert_eq!(
            people_spoken_of("m'n man en onze buren maken ruzie"),
            ["man", "buren"]
        );
        // Without a possessive the word is what is looked for ("opvoeding vader"), and after
        // "voor" the person is who the help is for.
        assert!(people_spoken_of("opvoeding vader").is_empty());
        assert!(people_spoken_of("een dokter voor mijn kind").is_empty());
        // A possessive before something else: the post is the need.
        assert!(people_spoken_of("mijn post stapelt zich op").is_empty());
    }
}
