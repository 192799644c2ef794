//! The Dutch text analysis chain and the vocabulary files in `index/` that shape it.
//!
//! `nl_stem`:  words → lower case → accents folded → stop words dropped → DutchPorter stem.
//! `nl_exact`: the same without stemming, for exact matches (and, later, fuzzy matching).
//!
//! Stemming uses the Porter-style Dutch algorithm from `frostem`, not tantivy's
//! `Language::Dutch` (Kraaij-Pohlmann), which conflates unrelated words (gezondheid → "zon").

use std::sync::LazyLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

pub const STEMMED: &str = "nl_stem";
pub const EXACT: &str = "nl_exact";

/// The stop word list, compiled in so the binary is self-contained.
const STOP_WORDS_FILE: &str = include_str!("../../index/stopwoorden.txt");

pub static STOP_WORDS: LazyLock<Vec<String>> = LazyLock::new(|| parse_word_list(STOP_WORDS_FILE));
static STOP_WORD_SET: LazyLock<foldhash::HashSet<String>> =
    LazyLock::new(|| STOP_WORDS.iter().cloned().collect());

/// Words that say little about what someone looks for: optional in a query, not required
/// (`index/lichte-woorden.txt`).
const LIGHT_WORDS_FILE: &str = include_str!("../../index/lichte-woorden.txt");

static LIGHT_WORD_SET: LazyLock<foldhash::HashSet<String>> =
    LazyLock::new(|| parse_word_list(LIGHT_WORDS_FILE).into_iter().collect());

/// True for a light word (see `index/lichte-woorden.txt`).
pub fn is_light_word(word: &str) -> bool {
    LIGHT_WORD_SET.contains(word)
}

/// Base forms of a word the stemmer leaves alone: diminutives (`fietsje` → `fiets`,
/// `balletje` → `bal`), comparatives and superlatives (`veiliger`, `veiligste` → `veilig`;
/// `groter` → `groot`). Candidates only: the caller keeps those the index knows.
pub fn base_forms(word: &str) -> Vec<String> {
    strip_forms(word, &FORM_SUFFIXES)
}

/// Base forms of a diminutive only (`boekje` → `boek`, `wandelingetje` → `wandeling`). A
/// diminutive is never a different word, unlike `-er` (`moeder` is not more `moed`), so this is
/// safe also for words the index knows.
pub fn diminutive_bases(word: &str) -> Vec<String> {
    strip_forms(word, &FORM_SUFFIXES[..10])
}

/// Other forms of a verb that the stemmer does not join: the infinitive and the form with `-t`
/// ("slapen" ↔ "slaapt", "wonen" ↔ "woont", "lezen" ↔ "leest", "zwemmen" ↔ "zwemt"), and the
/// noun behind an adjective in `-ief` ("sportieve" → "sport"). Dutch spelling doubles a long
/// vowel and drops a doubled consonant when a syllable closes, and writes v/z as f/s at the end
/// of one; the stemmer does neither. Candidates only: the caller keeps those the index knows,
/// and every candidate is a real word of its own, so a noun in `-en` ("jongen") finds nothing.
pub fn verb_forms(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    let is_vowel = |c: char| "aeiou".contains(c);
    let mut out = Vec::new();
    if let Some(root) = word
        .strip_suffix("ieve")
        .or_else(|| word.strip_suffix("ief"))
        && root.chars().count() >= 4
    {
        out.push(root.to_string());
    }
    if n >= 5 && word.ends_with("en") {
        // The root as written when the syllable closes: slap → slaap, zwemm → zwem.
        let mut root: Vec<char> = chars[..n - 2].to_vec();
        let r = root.len();
        if r >= 2 && root[r - 1] == root[r - 2] && !is_vowel(root[r - 1]) {
            root.pop();
        } else if r >= 3
            && !is_vowel(root[r - 1])
            && is_vowel(root[r - 2])
            && !is_vowel(root[r - 3])
            && root[r - 2] != 'i'
        {
            root.insert(r - 1, root[r - 2]);
        }
        swap_last(&mut root, &[('v', 'f'), ('z', 's')]);
        let root: String = root.into_iter().collect();
        if root.ends_with('t') {
            out.push(root);
        } else {
            out.push(format!("{root}t"));
        }
        if let Some(plain) = schwa_t_form(&chars[..n - 2]) {
            out.push(plain);
        }
    } else if n >= 4 && word.ends_with('t') {
        for inf in infinitives_from_root(word) {
            if !out.contains(&inf) {
                out.push(inf);
            }
        }
    }
    out.retain(|f| f != word);
    out
}

/// The forms of the one-syllable verbs whose root ends in "ie" ("zien"), which the rules above
/// miss: "ik zie" ↔ "zien" ↔ "ziet". Not "oe" ("moe" is tired, not "moet") nor "a" ("ik sta"
/// and "ik ga" found every text that says "staat" or "gaat"). Candidates only, as for
/// [`verb_forms`].
pub fn short_verb_forms(word: &str) -> Vec<String> {
    let root = word
        .strip_suffix('n')
        .or_else(|| word.strip_suffix('t'))
        .filter(|r| r.ends_with("ie"))
        .unwrap_or(word);
    if !(3..=4).contains(&root.chars().count()) || !root.ends_with("ie") {
        return Vec::new();
    }
    let mut out = vec![root.to_string(), format!("{root}n"), format!("{root}t")];
    out.retain(|f| f != word);
    out
}

/// The t-form of a verb whose last syllable before "-en" is unstressed ("oefen-en" → oefent,
/// "wandel-en" → wandelt, "teken-en" → tekent): its vowel is a schwa and stays single, where a
/// stressed one is doubled ("wonen" → woont). Which one it is the spelling does not say, so
/// both are candidates.
fn schwa_t_form(root: &[char]) -> Option<String> {
    let r = root.len();
    (r >= 4 && root[r - 2] == 'e' && matches!(root[r - 1], 'l' | 'n' | 'r') && root[r - 3] != 'e')
        .then(|| root.iter().chain(['t'].iter()).collect())
}

/// The verb behind a noun in "-ing" and its t-form ("oefeningen" → oefenen, oefent;
/// "begeleiding" → begeleiden, begeleidt): the stemmer joins the noun and the infinitive, not
/// the form a text uses in "u oefent met evenwicht". Candidates only.
pub fn verb_of_ing_noun(word: &str) -> Vec<String> {
    let Some(root) = word
        .strip_suffix("ingen")
        .or_else(|| word.strip_suffix("ing"))
        .filter(|r| r.chars().count() >= 4)
    else {
        return Vec::new();
    };
    let infinitive = format!("{root}en");
    let mut out = verb_forms(&infinitive);
    out.retain(|f| f.ends_with('t'));
    out
}

/// Infinitives a present-tense form may belong to by the regular spelling rules, from the root
/// ("vraag" → vragen, "vul" → vullen, "kom" → komen) or the form with `-t` ("schrijft" →
/// schrijven, "mist" → missen, "danst" → dansen). A long vowel is written double in a closed
/// syllable and single in an open one; a short vowel keeps its syllable closed by doubling the
/// consonant; an `f` or `s` after a long vowel or a consonant may be a `v` or `z` ("leeft",
/// "reist"), never after a doubled consonant ("kust" → kussen). Candidates only, some of them no
/// word: the caller keeps those a word list or the index knows.
pub fn infinitives_from_root(form: &str) -> Vec<String> {
    let is_vowel = |c: char| "aeiou".contains(c);
    let mut out = Vec::new();
    let mut roots = vec![form];
    if let Some(root) = form.strip_suffix('t')
        && root.len() >= 2
    {
        roots.push(root);
    }
    for root in roots {
        let chars: Vec<char> = root.chars().collect();
        let n = chars.len();
        if n < 2 {
            continue;
        }
        let last = chars[n - 1];
        if is_vowel(last) {
            out.push(format!("{root}n"));
            continue;
        }
        let head: String = chars[..n - 1].iter().collect();
        let mut endings = vec![last];
        endings.extend(match last {
            'f' => Some('v'),
            's' => Some('z'),
            _ => None,
        });
        if n >= 3 && chars[n - 2] == chars[n - 3] && is_vowel(chars[n - 2]) {
            // A long vowel written double: vraag → vragen, leef → leven.
            let short: String = chars[..n - 2].iter().collect();
            for e in &endings {
                out.push(format!("{short}{e}en"));
            }
        } else if is_vowel(chars[n - 2]) && (n == 2 || !is_vowel(chars[n - 3])) {
            // One short vowel: vul → vullen, mis → missen; or an open syllable after all:
            // kom → komen, lees → lezen.
            out.push(format!("{root}{last}en"));
            for e in &endings {
                out.push(format!("{head}{e}en"));
            }
        } else {
            for e in &endings {
                out.push(format!("{head}{e}en"));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|f| seen.insert(f.clone()));
    out
}

/// The infinitive behind a past participle ("gerepareerd" → repareren, "gekookt" → koken,
/// "betaald" → betalen, "verhuisd" → verhuizen, "gewassen" → wassen): texts say what a service
/// does ("wij repareren"), a resident what happened ("mijn fiets is gerepareerd"). A weak verb's
/// participle is "ge" + root + "d" or "t", without "ge" after an unstressed prefix (be-, ver-,
/// ont-, her-); a strong verb's is "ge" + a form in "-en" that is often the infinitive itself.
/// Strong verbs that change their vowel ("geholpen") are not guessed. Candidates only, many of
/// them no word: the caller keeps those the index knows.
pub fn participle_infinitives(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    if word.chars().count() < 6 {
        return out;
    }
    if let Some(root) = word.strip_suffix('d').or_else(|| word.strip_suffix('t')) {
        let mut roots = vec![root];
        if let Some(core) = root.strip_prefix("ge")
            && core.chars().count() >= 3
        {
            roots.push(core);
        }
        for root in roots {
            for infinitive in infinitives_from_root(root) {
                if !out.contains(&infinitive) {
                    out.push(infinitive);
                }
            }
        }
    } else if word.ends_with("en")
        && let Some(core) = word.strip_prefix("ge")
        && core.chars().count() >= 5
    {
        out.push(core.to_string());
    }
    out.retain(|f| f != word);
    out
}

/// Replaces the last letter by its pair in `pairs`, if it has one (v/f and z/s at a syllable's
/// end).
fn swap_last(word: &mut [char], pairs: &[(char, char)]) {
    if let Some(last) = word.last_mut()
        && let Some((_, to)) = pairs.iter().find(|(from, _)| from == last)
    {
        *last = *to;
    }
}

/// Diminutive endings first (the first ten), then superlative and comparative ones.
const FORM_SUFFIXES: [&str; 14] = [
    "etjes", "etje", "tjes", "tje", "pjes", "pje", "kjes", "kje", "jes", "je", "ste", "st", "ere",
    "er",
];

fn strip_forms(word: &str, suffixes: &[&str]) -> Vec<String> {
    let is_vowel = |c: char| "aeiou".contains(c);
    let mut out: Vec<String> = Vec::new();
    for suffix in suffixes {
        let Some(stem) = word.strip_suffix(suffix) else {
            continue;
        };
        if stem.chars().count() < 3 {
            continue;
        }
        let chars: Vec<char> = stem.chars().collect();
        let n = chars.len();
        let mut candidates = vec![stem.to_string()];
        // balletje → ball → bal: a doubled final consonant was added for the suffix.
        if n >= 2 && chars[n - 1] == chars[n - 2] && !is_vowel(chars[n - 1]) {
            candidates.push(chars[..n - 1].iter().collect());
        }
        // groter → grot → groot: a long vowel is written single before the suffix.
        if n >= 3 && !is_vowel(chars[n - 1]) && is_vowel(chars[n - 2]) && !is_vowel(chars[n - 3]) {
            let mut long: String = chars[..n - 1].iter().collect();
            long.push(chars[n - 2]);
            long.push(chars[n - 1]);
            candidates.push(long);
        }
        for c in candidates {
            if c != word && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// Tokens at least this many bytes long are dropped by the chain (never indexed).
const LONG_TOKEN: usize = 48;

/// Reads a one-word-per-line list; `#` starts a comment.
pub fn parse_word_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_lowercase())
        .filter(|l| !l.is_empty())
        .collect()
}

pub fn stemmed_analyzer() -> TextAnalyzer {
    dutch_chain().filter_dynamic(DutchStemmer).build()
}

/// The stemmed chain with compound parts added at the compound's position (index side:
/// "schuldhulpverlening" is also indexed as schuld, hulp, verlening).
pub fn decompounding_analyzer() -> TextAnalyzer {
    dutch_chain()
        .filter_dynamic(Decompound)
        .filter_dynamic(DutchStemmer)
        .build()
}

/// Words, lower case, accents folded, stop words kept.
fn word_chain() -> tantivy::tokenizer::TextAnalyzerBuilder {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONG_TOKEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .dynamic()
}

/// Words, lower case, accents folded, stop words dropped: the start of every chain.
fn dutch_chain() -> tantivy::tokenizer::TextAnalyzerBuilder {
    word_chain().filter_dynamic(StopWordFilter::remove(STOP_WORDS.iter().cloned()))
}

/// Names the analysis an index was built with; a different one forces a rebuild.
pub fn analysis_version(compounds: bool) -> String {
    format!(
        "nl-porter-11{}{}",
        if compounds { "+compounds" } else { "" },
        // Indexed with or without the adjective forms: a change either way rebuilds.
        if super::adjectives::ADJECTIVE_FORMS.is_empty() {
            ""
        } else {
            "+adjectieven"
        }
    )
}

/// Words as typed, lower-cased and accents folded, stop words kept: for reading a query's
/// grammar ("mijn vader").
pub fn plain_analyzer() -> TextAnalyzer {
    word_chain().build()
}

pub fn exact_analyzer() -> TextAnalyzer {
    dutch_chain().build()
}

/// Registers both analyzers on an index; `compounds` adds dictionary decompounding.
pub fn register(index: &tantivy::Index, compounds: bool) {
    let stemmed = if compounds {
        decompounding_analyzer()
    } else {
        stemmed_analyzer()
    };
    index.tokenizers().register(STEMMED, stemmed);
    index.tokenizers().register(EXACT, exact_analyzer());
}

/// Token filter adding the parts of dictionary compounds after the compound itself.
#[derive(Clone, Copy)]
pub struct Decompound;

impl TokenFilter for Decompound {
    type Tokenizer<T: Tokenizer> = DecompoundFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> DecompoundFilter<T> {
        DecompoundFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct DecompoundFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for DecompoundFilter<T> {
    type TokenStream<'a> = DecompoundStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        DecompoundStream {
            tail: self.inner.token_stream(text),
            pending: Vec::new(),
            current: Token::default(),
        }
    }
}

pub struct DecompoundStream<T> {
    tail: T,
    /// Parts still to emit, in reverse order.
    pending: Vec<Token>,
    current: Token,
}

impl<T: TokenStream> TokenStream for DecompoundStream<T> {
    fn advance(&mut self) -> bool {
        if let Some(part) = self.pending.pop() {
            self.current = part;
            return true;
        }
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token();
        if let Some(parts) = super::compounds::split_cached(&token.text) {
            for part in parts.into_iter().rev() {
                self.pending.push(Token {
                    text: part,
                    ..token.clone()
                });
            }
        }
        self.current = token.clone();
        true
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// The tokens an analyzer makes of `text`.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

/// Words the stemmer gets wrong, and the stem they get instead:
/// - DutchPorter reduces both "ouderen" (the elderly) and "ouders" (parents) to "ouder";
/// - the few nouns with a plural in `-eren` (kind → kinderen, also "kinder" as the first part of
///   a compound) are a closed class of Dutch grammar the stemmer does not know;
/// - undoubling the vowel turns "zoon" (son) into "zon" (sun, as in "zonnebloem"): residents
///   write "mijn zoon …" often enough that the two must stay apart.
const STEM_EXCEPTIONS: [(&str, &str); 16] = [
    ("zoon", "zoon"),
    ("zoons", "zoon"),
    ("zonen", "zoon"),
    ("ouderen", "oudere"),
    ("oudere", "oudere"),
    ("ouderenwerk", "ouderenwerk"),
    ("kinderen", "kind"),
    ("kinder", "kind"),
    ("eieren", "ei"),
    ("liederen", "lied"),
    ("bladeren", "blad"),
    ("volkeren", "volk"),
    ("runderen", "rund"),
    ("kalveren", "kalf"),
    ("lammeren", "lam"),
    ("raderen", "rad"),
];

/// Entries a per-thread memo keeps before it starts afresh. Words follow Zipf's law, so a
/// small memo answers most lookups while indexing.
const MEMO_LIMIT: usize = 50_000;

thread_local! {
    static STEMS: std::cell::RefCell<foldhash::HashMap<String, String>> =
        std::cell::RefCell::new(foldhash::HashMap::default());
}

/// The index terms of one lower-case ASCII word, exactly as the stemmed chain (with
/// decompounding when `compounds`) makes them, without building a token stream: for callers
/// that analyse many single words. `None` for other words, which must go through the chain.
/// Calls `visit` with each term; returns false (visiting nothing) for other words.
pub fn visit_ascii_word_terms(word: &str, compounds: bool, visit: &mut dyn FnMut(&str)) -> bool {
    if !word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return false;
    }
    if word.len() >= LONG_TOKEN || word.is_empty() || STOP_WORD_SET.contains(word) {
        return true;
    }
    if compounds {
        super::compounds::with_split(word, |parts| {
            for part in parts.unwrap_or_default() {
                with_stem(part, &mut *visit);
            }
        });
    }
    with_stem(word, visit);
    true
}

/// Stems one already lower-cased, accent-folded word.
pub fn stem(word: &str) -> String {
    with_stem(word, str::to_string)
}

/// Calls `f` with the stem of `word` (lower case, accents folded), from the per-thread memo.
pub fn with_stem<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    STEMS.with(|memo| {
        let mut memo = memo.borrow_mut();
        if !memo.contains_key(word) {
            if memo.len() >= MEMO_LIMIT {
                memo.clear();
            }
            memo.insert(word.to_string(), stem_uncached(word));
        }
        f(memo.get(word).map_or("", String::as_str))
    })
}

fn stem_uncached(word: &str) -> String {
    if let Some((_, s)) = STEM_EXCEPTIONS.iter().find(|(w, _)| *w == word) {
        return (*s).to_string();
    }
    // "gezonder" and "gezondste" are "gezond" (see `adjectives`).
    let word = super::adjectives::ADJECTIVE_FORMS
        .base(word)
        .unwrap_or(word);
    let mut out = frostem::Stemmer::new(frostem::Algorithm::DutchPorter)
        .stem(strip_plural_after_en(strip_diminutive_plural(word)))
        .into_owned();
    undouble_final_consonant(&mut out);
    out
}

/// DutchPorter keeps the plural "s" after a vowel, so "maatjes" would not meet "maatje".
fn strip_diminutive_plural(word: &str) -> &str {
    if word.len() > 5 && word.ends_with("jes") {
        &word[..word.len() - 1]
    } else {
        word
    }
}

/// DutchPorter takes one ending off: "inkomens" loses its "s" and keeps its "en", while
/// "inkomen" loses the "en", so a plural in "-ens" would never meet its singular ("inkomens",
/// "gegevens", "jongens", "keukens"). The "s" goes first, so both lose the "en".
fn strip_plural_after_en(word: &str) -> &str {
    if word.len() >= 6 && word.ends_with("ens") {
        &word[..word.len() - 1]
    } else {
        word
    }
}

/// DutchPorter undoubles only kk/dd/tt, so "gezinnen" stems to "gezinn" but "gezin" to "gezin".
/// Dutch words do not end in a double consonant, so undoubling any of them is safe.
fn undouble_final_consonant(stem: &mut String) {
    let b = stem.as_bytes();
    let n = b.len();
    if n >= 4
        && b[n - 1] == b[n - 2]
        && b[n - 1].is_ascii_lowercase()
        && !b"aeiouy".contains(&b[n - 1])
    {
        stem.pop();
    }
}

/// Token filter applying the DutchPorter stemmer.
#[derive(Clone, Copy)]
pub struct DutchStemmer;

impl TokenFilter for DutchStemmer {
    type Tokenizer<T: Tokenizer> = DutchStemFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> DutchStemFilter<T> {
        DutchStemFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct DutchStemFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for DutchStemFilter<T> {
    type TokenStream<'a> = DutchStemStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        DutchStemStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct DutchStemStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for DutchStemStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        token.text = stem(&token.text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_forms_undo_diminutives_and_comparatives() {
        for (form, base) in [
            ("fietsje", "fiets"),
            ("kopje", "kop"),
            ("balletje", "bal"),
            ("briefje", "brief"),
            ("veiliger", "veilig"),
            ("veiligste", "veilig"),
            ("gezondst", "gezond"),
            ("zelfstandiger", "zelfstandig"),
            ("groter", "groot"),
        ] {
            assert!(
                base_forms(form).contains(&base.to_string()),
                "{form}: {:?}",
                base_forms(form)
            );
        }
        assert!(base_forms("huis").is_empty());
    }

    #[test]
    fn a_past_participle_finds_its_infinitive() {
        for (participle, infinitive) in [
            ("gerepareerd", "repareren"),
            ("gekookt", "koken"),
            ("gewerkt", "werken"),
            ("gestopt", "stoppen"),
            ("geleefd", "leven"),
            ("betaald", "betalen"),
            ("verhuisd", "verhuizen"),
            ("gebeld", "bellen"),
            ("gewassen", "wassen"),
            ("gelezen", "lezen"),
        ] {
            let found = participle_infinitives(participle);
            assert!(
                found.contains(&infinitive.to_string()),
                "{participle}: {found:?}"
            );
        }
        // Too short to say: "geld" is no participle of anything.
        assert!(participle_infinitives("geld").is_empty());
    }

    #[test]
    fn verb_forms_join_the_infinitive_and_the_t_form() {
        for (form, other) in [
            ("slapen", "slaapt"),
            ("wonen", "woont"),
            ("koken", "kookt"),
            ("lezen", "leest"),
            ("leven", "leeft"),
            ("zwemmen", "zwemt"),
            ("helpen", "helpt"),
            ("vinden", "vindt"),
            ("praten", "praat"),
            ("voelen", "voelt"),
            ("slaapt", "slapen"),
            ("woont", "wonen"),
            ("zwemt", "zwemmen"),
            ("helpt", "helpen"),
            ("leeft", "leven"),
            ("vindt", "vinden"),
            ("leest", "lezen"),
            ("praat", "praten"),
            ("sportieve", "sport"),
            ("sportief", "sport"),
            // An s or f after a doubled consonant stays as it is; after a consonant too.
            ("mist", "missen"),
            ("kust", "kussen"),
            ("lost", "lossen"),
            ("danst", "dansen"),
            ("wenst", "wensen"),
            ("verft", "verven"),
            ("reist", "reizen"),
            // An unstressed last syllable keeps its single vowel.
            ("oefenen", "oefent"),
            ("wandelen", "wandelt"),
            ("tekenen", "tekent"),
        ] {
            assert!(
                verb_forms(form).contains(&other.to_string()),
                "{form}: {:?}",
                verb_forms(form)
            );
        }
        assert!(verb_forms("huis").is_empty());
        // One-syllable verbs with a root in "ie".
        for (form, other) in [
            ("zie", "zien"),
            ("zie", "ziet"),
            ("ziet", "zie"),
            ("zien", "ziet"),
        ] {
            assert!(
                short_verb_forms(form).contains(&other.to_string()),
                "{form}: {other}"
            );
        }
        assert!(short_verb_forms("moe").is_empty());
        assert!(short_verb_forms("thee").is_empty());
        assert!(verb_of_ing_noun("oefeningen").contains(&"oefent".to_string()));
        assert!(verb_of_ing_noun("begeleiding").contains(&"begeleidt".to_string()));
        assert!(verb_of_ing_noun("ring").is_empty());
        // Candidates are whole words; the caller keeps only those the texts use.
        assert_eq!(verb_forms("jongen"), ["jongt"]);
    }

    fn stems(text: &str) -> Vec<String> {
        tokens(&mut stemmed_analyzer(), text)
    }

    /// Inflected forms a resident types must meet the forms in listings.
    #[test]
    fn inflections_share_a_stem() {
        let same = [
            ("schulden", "schuld"),
            ("vrijwilligers", "vrijwilliger"),
            ("ouderen", "oudere"),
            ("kinderen", "kind"),
            ("kinderen", "kinder"),
            ("mantelzorgers", "mantelzorger"),
            ("activiteiten", "activiteit"),
            ("maaltijden", "maaltijd"),
            ("jongeren", "jongere"),
            ("gezinnen", "gezin"),
            ("wandelen", "wandeling"),
            ("bussen", "bus"),
            ("taalmaatjes", "taalmaatje"),
            ("formulieren", "formulier"),
            ("eenzaamheid", "eenzaamheid"),
            ("zonen", "zoon"),
            ("zoons", "zoon"),
            ("inkomens", "inkomen"),
            ("gegevens", "gegeven"),
            ("keukens", "keuken"),
        ];
        for (a, b) in same {
            assert_eq!(stems(a), stems(b), "{a} vs {b}");
        }
    }

    /// Words Kraaij-Pohlmann mangles keep their meaning here.
    #[test]
    fn unrelated_words_stay_apart() {
        let apart = [
            ("gezondheid", "zon"),
            ("ouders", "ouderen"),
            ("zoon", "zon"),
            ("zonen", "zonnen"),
            ("geweld", "wel"),
            ("huis", "huishouden"),
            ("taal", "talent"),
            ("zorg", "zorgen"), // the same meaning, kept below
        ];
        for (a, b) in &apart[..apart.len() - 1] {
            assert_ne!(stems(a), stems(b), "{a} vs {b}");
        }
        let (a, b) = apart[apart.len() - 1];
        assert_eq!(stems(a), stems(b));
    }

    #[test]
    fn folds_accents_case_and_drops_stop_words() {
        assert_eq!(
            stems("Hulp bij de Financiële administratie"),
            stems("hulp financiele administratie")
        );
        assert_eq!(stems("Café"), stems("cafe"));
        assert!(stems("de het een en van").is_empty());
    }
}
