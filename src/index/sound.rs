//! A Dutch sound key: words that sound alike get the same key, so a word written as it is heard
//! ("sigoloog", "kinderopfang", "thuiszorch", "kado") finds the word the texts use
//! ("psycholoog", "kinderopvang", "thuiszorg", "cadeau"). Residents with low literacy or Dutch
//! as a second language spell this way, and one or two slipped letters (what typo tolerance
//! handles) do not cover it.
//!
//! The key, in order:
//! 1. lower case, accents off (`é` → `e`);
//! 2. spellings of one sound become one: `eau` → `o`; `ij`, `ei`, `y` → `ei` (after a consonant
//!    `y` is `i`: fysio → fisio); `au`, `ou` → `ou`; `ie` → `i`; `ph` → `f`; `th` → `t`;
//!    `ch`, `g` → `g`; `sch` → `sg`; `ck`, `q`, `c` before a/o/u or a consonant → `k`, `c`
//!    before e/i → `s`; `x` → `ks`; `tie` before a vowel or at the end → `sie` (informatie);
//!    initial `ps` → `s` (psycholoog);
//! 3. voiced and voiceless pairs merge, as Dutch devoices them in speech: `d` → `t`,
//!    `b` → `p`, `v` → `f`, `z` → `s`;
//! 4. `h` is dropped (thuis, huisarts);
//! 5. runs of one letter collapse (`aa` → `a`, `ll` → `l`).
//!
//! The key is only a fallback: search uses it for a word the index does not know and that
//! typo tolerance cannot place, and its matches rank below exact, stemmed, compound, synonym
//! and edit-distance matches.

/// The sound key of one word (letters and digits; anything else is dropped).
pub fn sound_key(word: &str) -> String {
    let folded: Vec<char> = word
        .chars()
        .flat_map(char::to_lowercase)
        .map(super::schema::fold_accent)
        .filter(|c| c.is_alphanumeric())
        .collect();
    let is_vowel = |c: Option<&char>| c.is_some_and(|c| "aeiouy".contains(*c));
    let mut out = String::with_capacity(folded.len());
    let mut i = 0;
    while i < folded.len() {
        let rest = &folded[i..];
        let at = |n: usize| rest.get(n).copied();
        let starts = |s: &str| {
            let s: Vec<char> = s.chars().collect();
            rest.len() >= s.len() && rest[..s.len()] == s[..]
        };
        let (emit, used): (&str, usize) = if i == 0 && starts("ps") {
            ("s", 2)
        } else if starts("eau") {
            ("o", 3)
        } else if starts("sch") {
            ("sg", 3)
        } else if starts("tie") && (rest.len() == 3 || is_vowel(rest.get(3))) {
            ("si", 3)
        } else if starts("ij") || starts("ei") {
            ("ei", 2)
        } else if starts("au") || starts("ou") {
            ("ou", 2)
        } else if starts("ie") {
            ("i", 2)
        } else if starts("ph") {
            ("f", 2)
        } else if starts("th") {
            ("t", 2)
        } else if starts("ch") {
            ("g", 2)
        } else if starts("ck") {
            ("k", 2)
        } else {
            let c = rest[0];
            let mapped = match c {
                'y' => {
                    if i > 0 && !is_vowel(folded.get(i - 1)) {
                        "i"
                    } else {
                        "ei"
                    }
                }
                'c' => {
                    if matches!(at(1), Some('e' | 'i' | 'y')) {
                        "s"
                    } else {
                        "k"
                    }
                }
                'q' => "k",
                'x' => "ks",
                'd' => "t",
                'b' => "p",
                'v' => "f",
                'z' => "s",
                'h' => "",
                _ => {
                    out.push(c);
                    i += 1;
                    continue;
                }
            };
            (mapped, 1)
        };
        out.push_str(emit);
        i += used;
    }
    let mut collapsed = String::with_capacity(out.len());
    for c in out.chars() {
        if !collapsed.ends_with(c) {
            collapsed.push(c);
        }
    }
    collapsed
}

#[cfg(test)]
mod tests {
    use super::sound_key;

    #[test]
    fn spellings_as_heard_share_the_key_of_the_written_word() {
        for (heard, written) in [
            ("sigoloog", "psycholoog"),
            ("kinderopfang", "kinderopvang"),
            ("thuiszorch", "thuiszorg"),
            ("kado", "cadeau"),
            ("fisiotherapeut", "fysiotherapeut"),
            ("huisaarts", "huisarts"),
            ("jeugtarts", "jeugdarts"),
            ("informasie", "informatie"),
            ("bijstant", "bijstand"),
            ("taalkafee", "taalcafé"),
            ("wijkferpleging", "wijkverpleging"),
        ] {
            assert_eq!(sound_key(heard), sound_key(written), "{heard} / {written}");
        }
    }

    #[test]
    fn different_words_keep_different_keys() {
        for (a, b) in [
            ("school", "schuld"),
            ("huur", "hulp"),
            ("taal", "tuin"),
            ("zorg", "sport"),
            ("koken", "kopen"),
        ] {
            assert_ne!(sound_key(a), sound_key(b), "{a} / {b}");
        }
    }
}
