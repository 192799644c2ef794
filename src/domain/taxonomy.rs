//! The taxonomy is data, not code: themes, wijken, age groups and talents with Dutch labels.

/// Most terms one facet may hold; the search engine packs a facet's terms into a 64-bit set.
pub const MAX_TERMS_PER_FACET: usize = 64;
/// Most age groups; packed into a 16-bit set.
pub const MAX_AGE_GROUPS: usize = 16;
/// Most languages; packed into a 32-bit set.
pub const MAX_LANGUAGES: usize = 32;
/// Most accessibility features; packed into a 16-bit set.
pub const MAX_ACCESSIBILITY_FEATURES: usize = 16;

wire_enum!(
    /// The lists of the taxonomy, by their Dutch wire names (also the outbox's entity names).
    TermKind {
        Theme = "thema",
        Wijk = "wijk",
        Talent = "talent",
        AgeGroup = "leeftijdsgroep",
        Language = "taal",
        Accessibility = "toegankelijkheid",
    }
);

impl TermKind {
    /// The plain lists editors relabel, by the plural name in paths (`/beheer/termen/themas`).
    pub const RELABELLED: [(TermKind, &'static str, &'static str); 5] = [
        (TermKind::Theme, "themas", "Thema's"),
        (TermKind::Wijk, "wijken", "Wijken"),
        (TermKind::Talent, "talenten", "Talenten"),
        (TermKind::Language, "talen", "Talen"),
        (
            TermKind::Accessibility,
            "toegankelijkheid",
            "Toegankelijkheid",
        ),
    ];

    /// The list a plural path name stands for.
    pub fn from_list_name(name: &str) -> Option<TermKind> {
        Self::RELABELLED
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(k, _, _)| *k)
    }

    /// Most terms this list may hold (the search engine packs each list into a bit set).
    pub fn max_terms(self) -> usize {
        match self {
            TermKind::AgeGroup => MAX_AGE_GROUPS,
            TermKind::Language => MAX_LANGUAGES,
            TermKind::Accessibility => MAX_ACCESSIBILITY_FEATURES,
            _ => MAX_TERMS_PER_FACET,
        }
    }

    /// True when a key of this list is well formed: ISO 639-1 codes for languages, kebab-case
    /// otherwise.
    pub fn is_valid_key(self, key: &str) -> bool {
        match self {
            TermKind::Language => key.len() == 2 && key.bytes().all(|b| b.is_ascii_lowercase()),
            _ => is_valid_key(key),
        }
    }

    /// True when the labels of this list are part of an item's searchable text, so a new
    /// label must reach the index.
    pub fn label_is_searchable(self) -> bool {
        matches!(
            self,
            TermKind::Theme | TermKind::Talent | TermKind::Language | TermKind::Accessibility
        )
    }
}

/// The stable key of a taxonomy term: lower-case letters, digits and single hyphens, 1-64
/// characters (languages: their ISO 639-1 code). Only [`TermKey::parse`] makes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TermKey(String);

impl TermKey {
    /// A key, when `s` is well formed.
    pub fn parse(s: &str) -> Option<TermKey> {
        is_valid_key(s).then(|| TermKey(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for TermKey {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for TermKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TermKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for TermKey {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<String> for TermKey {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

/// The keys as plain strings (for the wire and the stored form).
pub fn key_strings(keys: &[TermKey]) -> Vec<String> {
    keys.iter().map(|k| k.0.clone()).collect()
}

impl PartialEq<&str> for TermKey {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A taxonomy term: a stable key and a label for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Stable key, e.g. `geldzaken`.
    pub key: TermKey,
    /// Label shown to people, e.g. `Geld en schulden`.
    pub label: String,
    /// Retired by an editor: no longer offered for new choices; items that have it keep it
    /// until they are edited.
    pub retired: bool,
}

/// An age group: a labelled age range; items count in every group their own range overlaps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeGroup {
    pub key: TermKey,
    pub label: String,
    pub min_age: u8,
    pub max_age: u8,
}

impl AgeGroup {
    /// True when an item for ages `min..=max` is relevant to this group.
    pub fn overlaps(&self, min: u8, max: u8) -> bool {
        min <= self.max_age && max >= self.min_age
    }
}

/// The whole taxonomy, each list in display order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taxonomy {
    pub themes: Vec<Term>,
    pub wijken: Vec<Term>,
    pub age_groups: Vec<AgeGroup>,
    pub talents: Vec<Term>,
    /// Languages an item is offered in, keyed by ISO 639-1 code.
    pub languages: Vec<Term>,
    /// Accessibility features (rolstoeltoegankelijk, ringleiding, ...).
    pub accessibility: Vec<Term>,
}

impl Taxonomy {
    pub fn theme(&self, key: &str) -> Option<&Term> {
        self.themes.iter().find(|t| t.key == key)
    }
    pub fn wijk(&self, key: &str) -> Option<&Term> {
        self.wijken.iter().find(|t| t.key == key)
    }
    pub fn talent(&self, key: &str) -> Option<&Term> {
        self.talents.iter().find(|t| t.key == key)
    }
    pub fn language(&self, key: &str) -> Option<&Term> {
        self.languages.iter().find(|t| t.key == key)
    }
    pub fn accessibility_feature(&self, key: &str) -> Option<&Term> {
        self.accessibility.iter().find(|t| t.key == key)
    }
    /// The plain term list of `kind` (age groups have ranges and are not plain terms).
    pub fn terms(&self, kind: TermKind) -> &[Term] {
        match kind {
            TermKind::Theme => &self.themes,
            TermKind::Wijk => &self.wijken,
            TermKind::Talent => &self.talents,
            TermKind::Language => &self.languages,
            TermKind::Accessibility => &self.accessibility,
            TermKind::AgeGroup => &[],
        }
    }
    /// The plain term list of `kind`; `None` for age groups.
    pub fn terms_mut(&mut self, kind: TermKind) -> Option<&mut Vec<Term>> {
        match kind {
            TermKind::Theme => Some(&mut self.themes),
            TermKind::Wijk => Some(&mut self.wijken),
            TermKind::Talent => Some(&mut self.talents),
            TermKind::Language => Some(&mut self.languages),
            TermKind::Accessibility => Some(&mut self.accessibility),
            TermKind::AgeGroup => None,
        }
    }
    /// The terms of `kind` people may still choose (not retired), in display order.
    pub fn offered(&self, kind: TermKind) -> impl Iterator<Item = &Term> {
        self.terms(kind).iter().filter(|t| !t.retired)
    }
    /// The label of a key of a plain list.
    pub fn label(&self, kind: TermKind, key: &str) -> Option<&str> {
        self.terms(kind)
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.label.as_str())
    }
    pub fn age_group(&self, key: &str) -> Option<&AgeGroup> {
        self.age_groups.iter().find(|t| t.key == key)
    }
}

/// A taxonomy key: lower-case letters, digits and single hyphens, 1-64 characters.
pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !key.starts_with('-')
        && !key.ends_with('-')
        && !key.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_kebab_case() {
        for (key, ok) in [
            ("geldzaken", true),
            ("de-tabaksteeg", true),
            ("65-plus", true),
            ("", false),
            ("Geld", false),
            ("a--b", false),
            ("-a", false),
            ("a b", false),
        ] {
            assert_eq!(is_valid_key(key), ok, "{key:?}");
        }
    }

    #[test]
    fn age_groups_overlap_inclusively() {
        let tieners = AgeGroup {
            key: crate::domain::TermKey::parse("tieners").unwrap(),
            label: "Tieners".into(),
            min_age: 12,
            max_age: 17,
        };
        assert!(tieners.overlaps(17, 30));
        assert!(tieners.overlaps(0, 12));
        assert!(!tieners.overlaps(18, 30));
        assert!(!tieners.overlaps(0, 11));
    }
}
