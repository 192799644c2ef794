//! Forms of Dutch adjectives the stemmer leaves apart, and their base: comparatives and
//! superlatives ("gezonder", "gezondere", "gezondst", "gezondste" → "gezond"; "groter" →
//! "groot"; "dikker" → "dik"), and inflected forms whose spelling changes ("grote" → "groot",
//! "lage" → "laag", "sportieve" → "sportief", "boze" → "boos").
//!
//! The stemmer leaves these alone, so a text about "gezonder eten" did not meet a search for
//! "gezond eten", nor "lage inkomens" one for "laag inkomen". The forms are derived at start from
//! the affix rules of OpenTaal's Hunspell dictionary as Debian's `hunspell-nl` installs it (BSD
//! or CC BY 3.0, © OpenTaal): every suffix rule tagged as a form of an adjective (`ts:AJ…`),
//! applied to every adjective that carries it. Nothing is listed by hand.
//!
//! A form keeps its own meaning when the dictionary also lists it as a word of its own
//! ("ouder" is a parent, "later" and "laatst" are adverbs, "zieke" is a patient), and for a
//! comparative or superlative also when the form without its last "e" is such a word
//! ("jongere", "laatste"). A form two adjectives share is left alone, and so are bases under four
//! letters ("verder" is mostly "furthermore", not "more far"). Without the files the table is
//! empty and words are stemmed as before; the analysis version then says so, so an index is never
//! searched with the other analysis.

use std::sync::LazyLock;

/// Where the Hunspell files are read from (`nl.aff` and `nl.dic`), unless
/// `WEGWIJZER_HUNSPELL_NL` names another path without the extension.
pub const HUNSPELL_PATH: &str = "/usr/share/hunspell/nl";

/// Shortest base kept.
const MIN_BASE: usize = 4;

/// The table of this process, read once.
pub static ADJECTIVE_FORMS: LazyLock<AdjectiveForms> = LazyLock::new(|| {
    let path = std::env::var("WEGWIJZER_HUNSPELL_NL").unwrap_or_else(|_| HUNSPELL_PATH.into());
    let read = |ext: &str| std::fs::read_to_string(format!("{path}.{ext}"));
    match (read("aff"), read("dic")) {
        (Ok(aff), Ok(dic)) => {
            let table = AdjectiveForms::from_hunspell(&aff, &dic);
            tracing::info!(
                path,
                forms = table.len(),
                "vormen van bijvoeglijke naamwoorden geladen"
            );
            table
        }
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(path, error = %e, "geen Hunspell-woordenboek: \"gezonder\" en \"lage\" worden niet als \"gezond\" en \"laag\" gevonden");
            AdjectiveForms::default()
        }
    }
});

/// Forms of adjectives, each with its base.
#[derive(Default)]
pub struct AdjectiveForms {
    base_of: foldhash::HashMap<String, String>,
}

/// One suffix rule: strip `strip` from the end of a word that ends as `condition` says, add
/// `add`.
struct SuffixRule {
    strip: String,
    add: String,
    condition: Vec<CharClass>,
    /// A comparative or superlative rather than an inflection.
    degree: bool,
}

/// One position of a Hunspell condition: a letter, `[abc]`, `[^abc]` or `.`.
enum CharClass {
    Any,
    OneOf(Vec<char>),
    NoneOf(Vec<char>),
}

impl CharClass {
    fn matches(&self, c: char) -> bool {
        match self {
            CharClass::Any => true,
            CharClass::OneOf(set) => set.contains(&c),
            CharClass::NoneOf(set) => !set.contains(&c),
        }
    }
}

fn parse_condition(text: &str) -> Vec<CharClass> {
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => out.push(CharClass::Any),
            '[' => {
                let mut set: Vec<char> = chars.by_ref().take_while(|&c| c != ']').collect();
                if set.first() == Some(&'^') {
                    set.remove(0);
                    out.push(CharClass::NoneOf(set));
                } else {
                    out.push(CharClass::OneOf(set));
                }
            }
            c => out.push(CharClass::OneOf(vec![c])),
        }
    }
    out
}

impl SuffixRule {
    fn apply(&self, word: &str) -> Option<String> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < self.condition.len() || !word.ends_with(&self.strip) {
            return None;
        }
        let tail = &chars[chars.len() - self.condition.len()..];
        if !tail
            .iter()
            .zip(&self.condition)
            .all(|(c, class)| class.matches(*c))
        {
            return None;
        }
        Some(format!(
            "{}{}",
            &word[..word.len() - self.strip.len()],
            self.add
        ))
    }
}

/// Hunspell writes "0" for nothing.
fn affix_text(text: &str) -> String {
    if text == "0" {
        String::new()
    } else {
        text.into()
    }
}

impl AdjectiveForms {
    /// Builds the table from the text of an `.aff` file with two-letter flags (`FLAG long`) and
    /// its `.dic` file.
    pub fn from_hunspell(aff: &str, dic: &str) -> Self {
        let mut rules: foldhash::HashMap<&str, Vec<SuffixRule>> = Default::default();
        for line in aff.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [kind, flag, strip, add, condition, morphology @ ..] = fields.as_slice() else {
                continue;
            };
            let Some(tag) = morphology.iter().find_map(|m| m.strip_prefix("ts:AJ")) else {
                continue;
            };
            if *kind != "SFX" {
                continue;
            }
            // The continuation flags after "/" add inflections of the form; the form itself
            // is what is kept.
            let add = add.split('/').next().unwrap_or_default();
            rules.entry(flag).or_default().push(SuffixRule {
                strip: affix_text(strip),
                add: affix_text(add),
                condition: parse_condition(condition),
                degree: tag.starts_with('c') || tag.starts_with('s'),
            });
        }
        let entries: Vec<(&str, &str)> = dic
            .lines()
            .skip(1) // the word count
            .map(|line| {
                let line = line.split('\t').next().unwrap_or_default();
                line.split_once('/').unwrap_or((line, ""))
            })
            .collect();
        let words: foldhash::HashSet<&str> = entries.iter().map(|(w, _)| *w).collect();
        let is_word_of_its_own = |form: &str, degree: bool| {
            words.contains(form)
                || (degree && form.strip_suffix('e').is_some_and(|f| words.contains(f)))
        };
        let mut bases: foldhash::HashMap<String, Vec<&str>> = Default::default();
        for (word, flags) in &entries {
            let plain = word.len() >= MIN_BASE && word.bytes().all(|b| b.is_ascii_lowercase());
            if !plain {
                continue;
            }
            let flags = flags.as_bytes();
            for flag in flags.chunks(2).filter_map(|f| std::str::from_utf8(f).ok()) {
                for rule in rules.get(flag).into_iter().flatten() {
                    if let Some(form) = rule.apply(word)
                        && !is_word_of_its_own(&form, rule.degree)
                    {
                        let list = bases.entry(form).or_default();
                        if !list.contains(word) {
                            list.push(word);
                        }
                    }
                }
            }
        }
        let base_of = bases
            .into_iter()
            .filter(|(_, list)| list.len() == 1)
            .map(|(form, list)| (form, list[0].to_string()))
            .collect();
        AdjectiveForms { base_of }
    }

    /// The base adjective of a form.
    pub fn base(&self, form: &str) -> Option<&str> {
        self.base_of.get(form).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.base_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.base_of.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Rules in the shape of OpenTaal's nl.aff.
    const AFF: &str = "FLAG long
SFX Aa Y 2
SFX Aa 0 e [^e]\t\tts:AJe
SFX Ab Y 2
SFX Ab 0 er [^r]\tts:AJcn
SFX Ab 0 der r\t\tts:AJcn
SFX Ae Y 2
SFX Ae 0 ste/A0 [^s]\tts:AJse
SFX Ae 0 te/A0 [s]\t\tts:AJse
SFX Ao Y 2
SFX Ao 0 ker k\t\tts:AJc
SFX Ao 0 ter t\t\tts:AJc
SFX Aq Y 2
SFX Aq ot ter oot\tts:AJcn
SFX Aq ak ker aak\tts:AJcn
SFX Al Y 2
SFX Al ot te oot\tts:AJe
SFX Al ag ge aag\tts:AJe
SFX Ar Y 1
SFX Ar f ve f\tts:AJce
";
    const DIC: &str = "12
gezond/AaAbAe
zwaar/AaAbAe
groot/AlAq
laag/Al
sportief/Ar
oud/AaAbAe
ouder/Zm
laat/AaAbAe
later
laatst/Zm
moed/Cc
";

    #[test]
    fn forms_of_an_adjective_lead_to_it() {
        let table = AdjectiveForms::from_hunspell(AFF, DIC);
        assert_eq!(table.base("gezonder"), Some("gezond"));
        assert_eq!(table.base("gezondste"), Some("gezond"));
        assert_eq!(table.base("zwaarder"), Some("zwaar"));
        assert_eq!(table.base("groter"), Some("groot"));
        // Inflections whose spelling changes, and plain ones the stemmer would join anyway.
        assert_eq!(table.base("grote"), Some("groot"));
        assert_eq!(table.base("lage"), Some("laag"));
        assert_eq!(table.base("sportieve"), Some("sportief"));
        assert_eq!(table.base("gezonde"), Some("gezond"));
    }

    #[test]
    fn a_form_that_is_a_word_of_its_own_keeps_its_meaning() {
        let table = AdjectiveForms::from_hunspell(AFF, DIC);
        // "later" and "laatst" are listed on their own (adverbs), so neither they nor
        // "laatste" lead to "laat".
        assert_eq!(table.base("later"), None);
        assert_eq!(table.base("laatste"), None);
        // "ouder" is a parent; the base "oud" is also too short to be kept at all.
        assert_eq!(table.base("ouder"), None);
        assert_eq!(table.base("moeder"), None);
    }

    #[test]
    fn conditions_are_read_like_hunspell() {
        let rule = SuffixRule {
            strip: "ot".into(),
            add: "ter".into(),
            condition: parse_condition("oot"),
            degree: true,
        };
        assert_eq!(rule.apply("groot").as_deref(), Some("groter"));
        assert_eq!(rule.apply("boot").as_deref(), Some("boter"));
        assert_eq!(rule.apply("zot"), None);
        let not_s = parse_condition("[^s]");
        assert!(not_s[0].matches('d') && !not_s[0].matches('s'));
    }
}
