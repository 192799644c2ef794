//! What a query asks for, read from its words: help for oneself ("hulp bij …", "ik heb …",
//! "waar kan ik …") or volunteer work ("vrijwilligerswerk …", "ik wil helpen met …"). The
//! cues are general Dutch, not per query: words that name volunteering, and the pronouns,
//! verbs and request words people use when they need something. A need puts services and
//! initiatives above vacancies; volunteering puts vacancies first. So does naming whom it is
//! for, an age group of the taxonomy after "voor" ("sport voor kinderen", "een uitje voor de
//! ouderen"): that asks for something for them. A query with neither kind of cue ("bijles",
//! "klussenman") leans a little towards help too: most who search a sociale kaart look for
//! help, and someone looking for volunteer work mostly says so. Becoming a role the data
//! names mostly in vacancy titles ("gastvrouw worden", "hoe word ik voorlezer") is
//! volunteering too; becoming what is not a role ("oud worden") says nothing.

use crate::domain::Kind;
use crate::index::analysis;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Need,
    Volunteer,
    Neutral,
}

/// Words that ask for something for oneself or someone close.
const NEED_CUES: &[&str] = &[
    "hulp",
    "help",
    "nodig",
    "heb",
    "hebben",
    "mij",
    "me",
    "mijn",
    "ons",
    "onze",
    "krijgen",
    "ondersteuning",
    "begeleiding",
    "hulpverlening",
    "steun",
    "advies",
    "probleem",
    "problemen",
    "lukt",
    // Lacking something: "geen geld voor eten", "ik kan de huur niet betalen".
    "geen",
    "niet",
    "zorgen",
    "zoek",
];

/// Words that offer help, when the query has no "me/mij" to say the help is for the asker.
const OFFER_VERBS: &[&str] = &["helpen", "meehelpen", "inzetten", "meedoen", "bijdragen"];

/// Work as what a volunteer does: in a query already read as volunteering ("ik wil met
/// kinderen werken als vrijwilliger") these say the offer, not its subject. In any other query
/// they keep their meaning ("ik wil weer aan het werk" is about a job).
const WORK_WORDS: &[&str] = &["werk", "werken", "meewerken"];

/// Whether a word of a query read as volunteering only says that it is an offer of time: a
/// word that names volunteering, an offer verb, or work. Every vacancy is such an offer, and
/// the intent already ranks vacancies first, so these words say nothing more about which
/// vacancy fits; the other words of the query do ("kinderen" in "vrijwilliger met kinderen").
pub fn names_the_offer(word: &str) -> bool {
    names_volunteering(word) || OFFER_VERBS.contains(&word) || WORK_WORDS.contains(&word)
}

fn names_volunteering(word: &str) -> bool {
    word.starts_with("vrijwillig") || word == "vacature" || word == "vacatures"
}
const WANT: &[&str] = &["wil", "wilt", "graag", "zou", "kan"];

/// Words between "voor" and whom it is for.
const DETERMINERS: &[&str] = &["de", "het", "onze", "jonge", "oudere", "alle"];

/// True for "iets doen voor …" or "iets betekenen voor …" about others ("iets doen voor de
/// buurt", "iets betekenen voor ouderen"): the everyday way to say one wants to volunteer. Not
/// for someone of one's own ("iets doen voor mijn moeder" is care for family). An adjective
/// in its partitive form may follow "iets" ("iets nuttigs doen voor anderen", "iets leuks
/// voor de buurt doen"): Dutch puts it there with an "-s".
fn offers_time(words: &[String]) -> bool {
    let gives = |w: &String| w == "doen" || w == "betekenen";
    let own = |w: Option<&String>| w.is_some_and(|whom| OWN.contains(&whom.as_str()));
    let partitive = |w: &String| w.len() > 3 && w.ends_with('s') && w != "voor";
    (0..words.len().saturating_sub(2)).any(|at| {
        if words[at] != "iets" {
            return false;
        }
        // Read "iets nuttigs" as "iets".
        let i = if partitive(&words[at + 1]) {
            at + 1
        } else {
            at
        };
        if i + 2 >= words.len() {
            return false;
        }
        // "iets doen voor de buurt"
        if gives(&words[i + 1]) && words[i + 2] == "voor" {
            return !own(words.get(i + 3));
        }
        // "iets voor een ander doen", "iets voor anderen betekenen": the verb closes the
        // clause, at most three words after "voor".
        words[i + 1] == "voor"
            && !own(words.get(i + 2))
            && words[i + 2..].iter().take(4).skip(1).any(gives)
    })
}

/// True for making others glad ("andere mensen blij maken", "ouderen blij mee maken"): what
/// volunteers do. Not for someone of one's own ("mijn moeder blij maken").
/// True for "iets met kinderen doen" or "iets leuks met ouderen doen": doing something with a
/// group of people (an age group of the taxonomy, "mensen", "anderen") is offering one's time
/// to them. Not with one's own ("iets met mijn kinderen doen" is a family outing).
fn does_something_with(words: &[String], groups: &[String]) -> bool {
    let people = |w: &String| groups.contains(w) || w == "mensen" || w == "anderen";
    (0..words.len()).any(|at| {
        if words[at] != "iets" {
            return false;
        }
        let rest = &words[at + 1..words.len().min(at + 7)];
        let Some(with) = rest.iter().position(|w| w == "met") else {
            return false;
        };
        // "iets met kinderen", "iets leuks met de ouderen": at most one word before "met".
        let after = &rest[with + 1..];
        let whom = match after.first() {
            Some(d) if DETERMINERS.contains(&d.as_str()) => after.get(1),
            first => first,
        };
        with <= 1 && whom.is_some_and(people) && after.iter().any(|w| w == "doen")
    })
}

/// Spans of time a volunteer offers: "een middag", "twee uur per week", "tijd".
const TIME_SPANS: &[&str] = &[
    "tijd",
    "uur",
    "uurtje",
    "uurtjes",
    "uren",
    "dag",
    "dagen",
    "dagdeel",
    "dagdelen",
    "ochtend",
    "ochtenden",
    "middag",
    "middagen",
    "avond",
    "avonden",
];

/// True for "ik heb … tijd over" or "ik heb een middag per week over": time to spare is time
/// to give, the everyday way to offer it ("ik heb een auto en tijd over"). Not when there is
/// none or little to spare ("ik heb geen tijd over voor mezelf").
fn spares_time(words: &[String]) -> bool {
    let has = |w: &String| ["heb", "hebt", "heeft", "hebben", "had"].contains(&w.as_str());
    words.iter().enumerate().any(|(at, w)| {
        if !has(w) {
            return false;
        }
        let rest = &words[at + 1..words.len().min(at + 10)];
        let Some(span) = rest.iter().position(|w| TIME_SPANS.contains(&w.as_str())) else {
            return false;
        };
        let none = rest[..span]
            .iter()
            .any(|w| ["geen", "weinig", "nooit", "niet"].contains(&w.as_str()));
        !none && rest[span + 1..].iter().take(3).any(|w| w == "over")
    })
}

fn gladdens_others(words: &[String]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        let makes = words.get(i + 1).is_some_and(|n| {
            n == "maken" || (n == "mee" && words.get(i + 2).is_some_and(|m| m == "maken"))
        });
        w == "blij"
            && makes
            && i >= 1
            && !words[i.saturating_sub(2)..i]
                .iter()
                .any(|x| OWN.contains(&x.as_str()))
    })
}

/// The role someone wants to take on: the word before "worden" ("gastvrouw worden") or after
/// "word ik" / "ik word" ("hoe word ik voorlezer"). Whether it names a role or a state ("oud
/// worden", "ik word eenzaam") is for the caller's `names_role` to say.
fn role_to_become(words: &[String]) -> Option<&str> {
    words
        .iter()
        .enumerate()
        .find_map(|(i, w)| match w.as_str() {
            "worden" => i.checked_sub(1).map(|j| words[j].as_str()),
            "word" => {
                let next = words.get(i + 1)?;
                if next == "ik" {
                    words.get(i + 2).map(String::as_str)
                } else if i > 0 && words[i - 1] == "ik" {
                    Some(next.as_str())
                } else {
                    None
                }
            }
            _ => None,
        })
}

/// Possessives that make the one helped one's own. The tokenizer splits "m'n" and "z'n" in
/// two, so their "m" and "z" stand here.
const OWN: &[&str] = &[
    "mijn", "m", "mn", "onze", "ons", "zijn", "z", "haar", "hun", "me", "mij",
];

/// The intent of the query `text`. Read from every word as typed, stop words included: the
/// cues are largely pronouns and auxiliaries ("mij", "wil", "heb") that the search itself
/// drops. `groups`: the taxonomy's age groups as words ("kinderen", "ouderen").
/// `names_role`: true for a word that names a volunteer role in the data ("gastvrouw",
/// "chauffeur"), so that becoming one ("gastvrouw worden") asks for vacancies.
pub fn intent(text: &str, groups: &[String], names_role: &dyn Fn(&str) -> bool) -> Intent {
    let words = analysis::tokens(&mut analysis::plain_analyzer(), text);
    intent_of_words(&words, groups, names_role)
}

fn intent_of_words(
    words: &[String],
    groups: &[String],
    names_role: &dyn Fn(&str) -> bool,
) -> Intent {
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    let group = |w: &String| groups.contains(w);
    let for_group = words.windows(2).any(|p| p[0] == "voor" && group(&p[1]))
        || words
            .windows(3)
            .any(|p| p[0] == "voor" && DETERMINERS.contains(&p[1].as_str()) && group(&p[2]));
    let names_volunteering = words.iter().any(|w| names_volunteering(w));
    // "me" before "inzetten" is reflexive ("ik wil me inzetten voor ouderen"): the help goes
    // out, not to the asker. Before "helpen" it is the one helped ("wie kan mij helpen").
    let for_me = words.iter().enumerate().any(|(i, w)| {
        ["mij", "me", "ons"].contains(&w.as_str())
            && words.get(i + 1).is_none_or(|next| next != "inzetten")
    });
    let offers = has(OFFER_VERBS) && has(WANT) && !for_me;
    // "wie wil mijn voorlezer worden" asks for one.
    let own = words.iter().any(|w| OWN.contains(&w.as_str()));
    let becomes = !for_me && !own && role_to_become(words).is_some_and(names_role);
    if names_volunteering
        || offers
        || becomes
        || offers_time(words)
        || spares_time(words)
        || does_something_with(words, groups)
        || gladdens_others(words)
    {
        Intent::Volunteer
    } else if has(NEED_CUES) || for_group {
        Intent::Need
    } else {
        Intent::Neutral
    }
}

/// Relevance multipliers by kind (indexed by `Kind::code`).
pub fn kind_boost(intent: Intent) -> [f32; 4] {
    let mut boost = [1.0; 4];
    let vacancy = usize::from(Kind::Vacature.code());
    match intent {
        Intent::Volunteer => boost[vacancy] = 3.0,
        Intent::Need => boost[vacancy] = 0.35,
        // A lean, not a verdict: a vacancy that fits clearly better still comes first.
        Intent::Neutral => boost[vacancy] = 0.75,
    }
    boost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(q: &str) -> Intent {
        let groups = ["kinderen".to_string(), "ouderen".to_string()];
        intent(q, &groups, &|w| ["gastvrouw", "voorlezer"].contains(&w))
    }

    #[test]
    fn doing_something_with_others_is_an_offer() {
        assert_eq!(of("ik wil iets met kinderen doen"), Intent::Volunteer);
        assert_eq!(of("iets leuks met de ouderen doen"), Intent::Volunteer);
        assert_eq!(of("ik wil graag iets met mensen doen"), Intent::Volunteer);
        assert_ne!(of("iets met mijn kinderen doen"), Intent::Volunteer);
        assert_ne!(of("iets met computers doen"), Intent::Volunteer);
    }

    #[test]
    fn time_to_spare_is_time_to_give() {
        assert_eq!(of("ik heb een auto en tijd over"), Intent::Volunteer);
        assert_eq!(of("ik heb op maandag een middag over"), Intent::Volunteer);
        assert_eq!(
            of("ik heb elke week twee uur per week over"),
            Intent::Volunteer
        );
        assert_ne!(of("ik heb geen tijd over voor mezelf"), Intent::Volunteer);
        assert_ne!(
            of("ik heb niet veel tijd over naast mijn werk"),
            Intent::Volunteer
        );
        assert_ne!(
            of("ik heb een uur reistijd naar het ziekenhuis"),
            Intent::Volunteer
        );
    }

    #[test]
    fn the_words_that_say_an_offer_are_told_from_its_subject() {
        for w in [
            "vrijwilliger",
            "vrijwilligerswerk",
            "vacature",
            "helpen",
            "werken",
        ] {
            assert!(names_the_offer(w), "{w}");
        }
        for w in ["kinderen", "dieren", "tuin", "koken", "werkplaats"] {
            assert!(!names_the_offer(w), "{w}");
        }
    }

    #[test]
    fn needs_and_offers_are_told_apart_by_their_words() {
        assert_eq!(of("ik wil helpen met koken"), Intent::Volunteer);
        assert_eq!(of("vrijwilligerswerk in de tuin"), Intent::Volunteer);
        assert_eq!(of("ik heb hulp nodig met formulieren"), Intent::Need);
        assert_eq!(
            of("wie kan mij helpen met mijn administratie"),
            Intent::Need
        );
        assert_eq!(of("waar kan ik hulp krijgen"), Intent::Need);
        assert_eq!(of("begeleiding bij schulden"), Intent::Need);
        assert_eq!(of("vrijwilliger begeleiding"), Intent::Volunteer);
        assert_eq!(of("taalcafe"), Intent::Neutral);
        assert_eq!(of("sport voor kinderen"), Intent::Need);
        assert_eq!(of("uitjes voor de ouderen"), Intent::Need);
        assert_eq!(of("vrijwilliger voor ouderen"), Intent::Volunteer);
        assert_eq!(of("koken met ouderen"), Intent::Neutral);
        assert_eq!(of("voor kinderen"), Intent::Need);
        // Offering one's time in everyday words; reflexive "me" is not "for me".
        assert_eq!(of("iets doen voor de buurt"), Intent::Volunteer);
        assert_eq!(of("ik wil iets betekenen voor ouderen"), Intent::Volunteer);
        assert_eq!(of("ik wil me inzetten voor nieuwkomers"), Intent::Volunteer);
        assert_eq!(of("ik wil iets doen voor mijn moeder"), Intent::Need);
        assert_ne!(of("ik wil iets doen voor m'n moeder"), Intent::Volunteer);
        assert_eq!(of("kan iemand me helpen"), Intent::Need);
        // The verb at the end of the clause, and making others glad.
        assert_eq!(of("ik wil iets voor een ander doen"), Intent::Volunteer);
        assert_eq!(of("iets voor anderen betekenen"), Intent::Volunteer);
        // An adjective in its partitive form after "iets".
        assert_eq!(
            of("ik wil iets zinvols doen voor de wijk"),
            Intent::Volunteer
        );
        assert_eq!(of("iets gezelligs voor de buurt doen"), Intent::Volunteer);
        assert_ne!(of("iets lekkers doen voor mijn vader"), Intent::Volunteer);
        assert_ne!(of("iets leuks"), Intent::Volunteer);
        assert_eq!(of("ik wil iets voor mijn vader doen"), Intent::Need);
        assert_eq!(of("ik wil andere mensen blij maken"), Intent::Volunteer);
        assert_eq!(
            of("ik speel piano en wil daar ouderen blij mee maken"),
            Intent::Volunteer
        );
        assert_eq!(of("hoe kan ik mijn moeder blij maken"), Intent::Need);
        // Becoming a role the data names is volunteering; becoming old or lonely is not.
        assert_eq!(of("ik wil gastvrouw worden"), Intent::Volunteer);
        assert_eq!(of("hoe word ik voorlezer"), Intent::Volunteer);
        assert_eq!(of("ik word voorlezer"), Intent::Volunteer);
        assert_eq!(of("oud worden in de buurt"), Intent::Neutral);
        assert_eq!(of("ik word eenzaam"), Intent::Neutral);
        assert_eq!(of("wie wil mijn voorlezer worden"), Intent::Need);
        let boost = kind_boost(Intent::Need);
        assert!(boost[usize::from(Kind::Vacature.code())] < 1.0);
        assert_eq!(boost[usize::from(Kind::Voorziening.code())], 1.0);
        let neutral = kind_boost(Intent::Neutral)[usize::from(Kind::Vacature.code())];
        let need = boost[usize::from(Kind::Vacature.code())];
        assert!(need < neutral && neutral < 1.0);
    }
}
