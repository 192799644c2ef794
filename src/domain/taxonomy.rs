//! The taxonomy is data, not code: themes, wijken, age groups and talents with Dutch labels.

use serde::{Deserialize, Serialize};

/// Most terms one facet may hold; the search engine packs a facet's terms into a 64-bit set.
pub const MAX_TERMS_PER_FACET: usize = 64;
/// Most age groups; packed into a 16-bit set.
pub const MAX_AGE_GROUPS: usize = 16;

/// A taxonomy term: a stable key (kebab-case) and a label for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Term {
    /// Stable key, e.g. `geldzaken`.
    #[serde(rename = "sleutel")]
    pub key: String,
    /// Label shown to people, e.g. `Geld en schulden`.
    pub label: String,
}

/// An age group: a labelled age range; items count in every group their own range overlaps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgeGroup {
    #[serde(rename = "sleutel")]
    pub key: String,
    pub label: String,
    #[serde(rename = "minLeeftijd")]
    pub min_age: u8,
    #[serde(rename = "maxLeeftijd")]
    pub max_age: u8,
}

impl AgeGroup {
    /// True when an item for ages `min..=max` is relevant to this group.
    pub fn overlaps(&self, min: u8, max: u8) -> bool {
        min <= self.max_age && max >= self.min_age
    }
}

/// The whole taxonomy, each list in display order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    pub themes: Vec<Term>,
    pub wijken: Vec<Term>,
    pub age_groups: Vec<AgeGroup>,
    pub talents: Vec<Term>,
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
            key: "tieners".into(),
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
