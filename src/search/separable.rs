//! Separable verbs: Dutch splits "rondkomen" in a main clause ("ik kom niet rond"), and in "te"
//! infinitives ("formulieren in te vullen"). Service texts use the whole verb ("rondkomen",
//! "invullen"), so a query is read with the verb joined again. The parts alone say little or
//! something else: "kom" and "rond", "vraag" (a question) in "hoe vraag ik toeslag aan".
//!
//! Three patterns, on the words as typed (stop words kept, since "aan" and "in" are stop words):
//! - a particle that ends its clause joins a verb earlier in that clause: "ik kom niet rond",
//!   "hoe ga ik om met stress", "mijn vader valt vaak om";
//! - a particle before "te" and a verb: "om mee te doen", "hulp om formulieren in te vullen";
//! - a particle that is no preposition, before an infinitive at the end of its clause, written
//!   apart: "ik kan mijn huis niet schoon maken".
//!
//! A join must be a word of the general Dutch word list (OpenTaal) and, to be worth anything,
//! one the caller accepts: in practice a word the texts use or the lexicon knows. Otherwise the
//! words stay as typed, so a guess never costs a resident the words they wrote.

use crate::index::analysis;
use crate::index::compounds::WORD_LIST;

/// Particles of separable verbs. Closed class of Dutch grammar.
const PARTICLES: &[&str] = &[
    "aan",
    "achter",
    "achteruit",
    "af",
    "bij",
    "binnen",
    "dicht",
    "door",
    "in",
    "kwijt",
    "langs",
    "los",
    "mee",
    "na",
    "neer",
    "om",
    "onder",
    "op",
    "open",
    "over",
    "rond",
    "samen",
    "schoon",
    "stil",
    "tegen",
    "terecht",
    "terug",
    "toe",
    "uit",
    "vast",
    "voor",
    "vooruit",
    "weg",
];

/// Particles that are also prepositions: before an infinitive they usually govern it as a
/// noun ("hulp bij wonen" is no "bijwonen"), so they join a following infinitive only via "te".
const PREPOSITIONS: &[&str] = &[
    "aan", "achter", "bij", "binnen", "door", "in", "na", "om", "onder", "op", "over", "tegen",
    "uit", "voor",
];

/// Particles that keep their verb's sense on their own: "schoon" in "schoonhouden" says what
/// the resident wants as much as the verb does. Not "vast" (vastlopen; but "vaste lasten"),
/// "los", "open" or "dicht", which alone mostly mean something else.
const MEANINGFUL: &[&str] = &["achteruit", "kwijt", "samen", "schoon"];

/// True when a particle says something of its own (see [`MEANINGFUL`]).
pub fn carries_meaning(particle: &str) -> bool {
    MEANINGFUL.contains(&particle)
}

/// Words that start a new clause: a particle before one of them ends its own clause.
const CLAUSE_STARTS: &[&str] = &[
    "en", "maar", "want", "omdat", "als", "dat", "of", "sinds", "terwijl", "doordat", "zodat",
    "toen", "dus", "wanneer", "waardoor", "nadat", "voordat", "hoewel", "zodra",
];

/// Prepositions that may follow a clause-final particle: "ik ga er niet goed mee om met stress"
/// is rare, but "hoe ga ik om met stress" and "ik zie op tegen" are common.
const AFTER_FINAL: &[&str] = &["met", "voor", "naar", "van", "tegen", "bij", "op"];

/// Finite and past forms whose infinitive the regular rules below cannot make.
const IRREGULAR: &[(&str, &str)] = &[
    ("kan", "kunnen"),
    ("kun", "kunnen"),
    ("kunt", "kunnen"),
    ("kon", "kunnen"),
    ("konden", "kunnen"),
    ("ga", "gaan"),
    ("gaat", "gaan"),
    ("ging", "gaan"),
    ("gingen", "gaan"),
    ("sta", "staan"),
    ("staat", "staan"),
    ("stond", "staan"),
    ("stonden", "staan"),
    ("doe", "doen"),
    ("doet", "doen"),
    ("deed", "doen"),
    ("deden", "doen"),
    ("zie", "zien"),
    ("ziet", "zien"),
    ("zag", "zien"),
    ("zagen", "zien"),
    ("sla", "slaan"),
    ("slaat", "slaan"),
    ("sloeg", "slaan"),
    ("hou", "houden"),
    ("houdt", "houden"),
    ("hield", "houden"),
    ("hielden", "houden"),
    ("kwam", "komen"),
    ("kwamen", "komen"),
    ("heb", "hebben"),
    ("hebt", "hebben"),
    ("heeft", "hebben"),
    ("had", "hebben"),
    ("hadden", "hebben"),
    ("ben", "zijn"),
    ("bent", "zijn"),
    ("is", "zijn"),
    ("was", "zijn"),
    ("waren", "zijn"),
    ("wou", "willen"),
    ("zei", "zeggen"),
    ("viel", "vallen"),
    ("vielen", "vallen"),
    ("liep", "lopen"),
    ("nam", "nemen"),
    ("gaf", "geven"),
    ("zat", "zitten"),
    ("lag", "liggen"),
    ("trok", "trekken"),
    ("bracht", "brengen"),
    ("dacht", "denken"),
    ("zocht", "zoeken"),
    ("kocht", "kopen"),
    ("kreeg", "krijgen"),
    ("bleef", "blijven"),
    ("schreef", "schrijven"),
    ("las", "lezen"),
    ("hielp", "helpen"),
    ("vond", "vinden"),
    ("keek", "kijken"),
    ("sprak", "spreken"),
    ("at", "eten"),
];

/// Infinitives a verb form may belong to: the form itself when it looks like one, the
/// irregular table, and the regular rules from the root ("vraag" → vragen, "vul" → vullen,
/// "schrijft" → schrijven). Candidates only: the word list decides.
fn infinitives(form: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((_, inf)) = IRREGULAR.iter().find(|(f, _)| *f == form) {
        out.push((*inf).to_string());
    }
    if form.len() >= 4 && form.ends_with("en") {
        out.push(form.to_string());
        return out;
    }
    out.extend(analysis::infinitives_from_root(form));
    out
}

/// A separable verb found in a query, joined again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    /// The whole verb, as an infinitive: "rondkomen".
    pub verb: String,
    /// Its particle ("rond") and the infinitive of the rest ("komen"): what the verb's parts
    /// would have meant to a situation ("baan kwijt" still reads "ik raak mijn baan kwijt").
    pub particle: String,
    pub rest: String,
}

/// The joined verb for a particle and a verb form, if the word list has it and the caller
/// accepts it.
fn join_with(particle: &str, form: &str, accept: &dyn Fn(&str) -> bool) -> Option<Join> {
    infinitives(form).into_iter().find_map(|rest| {
        let verb = format!("{particle}{rest}");
        (WORD_LIST.contains(&verb) && accept(&verb)).then(|| Join {
            verb,
            particle: particle.to_string(),
            rest,
        })
    })
}

/// A participle of a separable verb ("aangevraagd", "schoongemaakt", "omgevallen") that the
/// texts and the lexicon do not know as it is, read as its verb ("aanvragen"): particle, "ge",
/// then the root with "-d" or "-t" ("vraagd", "maakt") or a strong form in "-en" ("vallen").
/// A participle the texts use as it is stays: "aangepast" is an adjective in "aangepast sporten".
fn participle(word: &str, accept: &dyn Fn(&str) -> bool) -> Option<Join> {
    let (particle, rest) = PARTICLES.iter().find_map(|p| {
        let rest = word.strip_prefix(p)?.strip_prefix("ge")?;
        (rest.len() >= 3).then_some((*p, rest))
    })?;
    if accept(word) {
        return None;
    }
    // "meld" of "aangemeld" is the root itself; "vraagd" of "aangevraagd" has a "-d" added.
    let shorter = rest
        .strip_suffix('d')
        .or_else(|| rest.strip_suffix('t'))
        .filter(|_| !rest.ends_with("en"));
    std::iter::once(rest)
        .chain(shorter)
        .find_map(|root| join_with(particle, root, accept))
}

/// What stands in the particle's place: the joined verb, after the particle itself when that
/// says something of its own ("buurt schoon houden" is also about "schoon").
fn placed(join: &Join) -> String {
    if carries_meaning(&join.particle) {
        format!("{} {}", join.particle, join.verb)
    } else {
        join.verb.clone()
    }
}

/// The query's tokens (stop words kept) with separable verbs joined: the particle's place
/// holds the whole verb (Dutch puts it there in a subordinate clause: "als ik niet rondkom"),
/// the verb's own token and a "te" between them are gone. Returns the joins too.
pub fn join(text: &str, accept: &dyn Fn(&str) -> bool) -> (Vec<String>, Vec<Join>) {
    let mut analyzer = analysis::plain_analyzer();
    let tokens = analysis::tokens(&mut analyzer, text);
    let n = tokens.len();
    // What each token becomes: itself, nothing, or a joined verb.
    let mut out: Vec<Option<String>> = tokens.iter().cloned().map(Some).collect();
    let mut joins = Vec::new();
    let mut used = vec![false; n];
    let ends_clause = |i: usize| {
        i + 1 == n
            || CLAUSE_STARTS.contains(&tokens[i + 1].as_str())
            || AFTER_FINAL.contains(&tokens[i + 1].as_str())
    };
    for i in 0..n {
        if !used[i]
            && let Some(j) = participle(&tokens[i], accept)
        {
            out[i] = Some(placed(&j));
            used[i] = true;
            joins.push(j);
            continue;
        }
        let particle = tokens[i].as_str();
        if used[i] || !PARTICLES.contains(&particle) {
            continue;
        }
        // "mee te doen", "in te vullen".
        if i + 2 < n
            && tokens[i + 1] == "te"
            && !used[i + 2]
            && let Some(j) = join_with(particle, &tokens[i + 2], accept)
        {
            out[i] = Some(placed(&j));
            out[i + 1] = None;
            out[i + 2] = None;
            used[i..=i + 2].fill(true);
            joins.push(j);
            continue;
        }
        // "schoon maken" at the end of a clause.
        if !PREPOSITIONS.contains(&particle)
            && i + 1 < n
            && !used[i + 1]
            && tokens[i + 1].ends_with("en")
            && ends_clause(i + 1)
            && let Some(j) = join_with(particle, &tokens[i + 1], accept)
        {
            out[i] = Some(placed(&j));
            out[i + 1] = None;
            used[i] = true;
            used[i + 1] = true;
            joins.push(j);
            continue;
        }
        // "ik kom niet rond": the verb is earlier in the same clause, usually its second word.
        if ends_clause(i) {
            let start = tokens[..i]
                .iter()
                .rposition(|t| CLAUSE_STARTS.contains(&t.as_str()))
                .map_or(0, |s| s + 1);
            let found = (start..i)
                .filter(|j| !used[*j] && !PARTICLES.contains(&tokens[*j].as_str()))
                .find_map(|j| Some((j, join_with(particle, &tokens[j], accept)?)));
            if let Some((j, joined)) = found {
                out[i] = Some(placed(&joined));
                out[j] = None;
                used[i] = true;
                used[j] = true;
                joins.push(joined);
            }
        }
    }
    (out.into_iter().flatten().collect(), joins)
}

/// The searchable words of a query with its separable verbs joined (see [`join`]), as
/// [`super::plan::query_words`] makes them, and the joins; `None` when nothing joined.
pub fn joined_words(text: &str, accept: &dyn Fn(&str) -> bool) -> Option<(Vec<String>, Vec<Join>)> {
    let (tokens, joins) = join(text, accept);
    (!joins.is_empty()).then(|| (super::plan::query_words(&tokens.join(" ")), joins))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str, known: &[&str]) -> String {
        join(text, &|w: &str| known.contains(&w)).0.join(" ")
    }

    #[test]
    fn regular_and_irregular_forms_find_their_infinitive() {
        for (form, inf) in [
            ("vraag", "vragen"),
            ("vul", "vullen"),
            ("kom", "komen"),
            ("komt", "komen"),
            ("zoek", "zoeken"),
            ("schrijft", "schrijven"),
            ("leest", "lezen"),
            ("meld", "melden"),
            ("valt", "vallen"),
            ("kan", "kunnen"),
            ("gaat", "gaan"),
            ("ziet", "zien"),
            ("neem", "nemen"),
            ("maken", "maken"),
        ] {
            assert!(
                infinitives(form).contains(&inf.to_string()),
                "{form}: {:?}",
                infinitives(form)
            );
        }
    }

    /// Needs the word list (`wdutch`); without it nothing joins, which the last case checks.
    #[test]
    fn split_verbs_are_joined_where_dutch_splits_them() {
        if WORD_LIST.is_empty() {
            assert_eq!(
                joined("ik kom niet rond", &["rondkomen"]),
                "ik kom niet rond"
            );
            return;
        }
        let known = [
            "rondkomen",
            "aanvragen",
            "invullen",
            "meedoen",
            "omgaan",
            "schoonmaken",
            "omvallen",
            "aankunnen",
            "opnemen",
            "bijwonen",
            "kwijtraken",
            "aanmelden",
            // As the texts write it, an adjective: stays.
            "aangepast",
            "aanpassen",
        ];
        for (query, expected) in [
            ("ik kom niet rond", "ik niet rondkomen"),
            ("hoe vraag ik toeslag aan", "hoe ik toeslag aanvragen"),
            (
                "hulp om formulieren in te vullen",
                "hulp om formulieren invullen",
            ),
            ("ik wil graag mee te doen", "ik wil graag meedoen"),
            ("hoe ga ik om met stress", "hoe ik omgaan met stress"),
            (
                "ik kan mijn huis niet schoon maken",
                "ik kan mijn huis niet schoon schoonmaken",
            ),
            ("mijn vader valt vaak om", "mijn vader vaak omvallen"),
            (
                "ik kan het allemaal niet meer aan",
                "ik het allemaal niet meer aankunnen",
            ),
            ("ik neem contact op", "ik contact opnemen"),
            (
                "ik heb de toeslag aangevraagd",
                "ik heb de toeslag aanvragen",
            ),
            ("ik ben niet aangemeld", "ik ben niet aanmelden"),
            ("mijn vader is omgevallen", "mijn vader is omvallen"),
            (
                "ik ben mijn baan kwijtgeraakt",
                "ik ben mijn baan kwijt kwijtraken",
            ),
            ("aangepast sporten", "aangepast sporten"),
            (
                "ik kom niet rond en ik raak mijn huis kwijt",
                "ik niet rondkomen en ik mijn huis kwijt kwijtraken",
            ),
        ] {
            assert_eq!(joined(query, &known), expected, "{query}");
        }
        // Left as typed: a preposition before a noun or an infinitive it governs, a join the
        // caller does not know, a particle that does not end its clause.
        for query in [
            "hulp bij wonen",
            "ik ga op zoek naar werk",
            "ik kom niet rond",
            "ik zoek werk in leusden",
        ] {
            let known: &[&str] = if query == "ik kom niet rond" {
                &[]
            } else {
                &known
            };
            assert_eq!(joined(query, known), query, "{query}");
        }
    }
}
