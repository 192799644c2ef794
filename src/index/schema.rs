//! The Tantivy schema: one document per public listing.

use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::analysis::{EXACT, STEMMED};
use crate::domain::taxonomy::{TermKind, key_strings};
use crate::domain::{Listing, Taxonomy};

/// Handles to every field, resolved once.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: Field,
    /// Every searchable text of the item, stemmed: the field queries match on (see
    /// [`TEXT_WEIGHTS`]).
    pub text: Field,
    /// The accessibility labels of an item ("Rolstoeltoegankelijk"), stemmed and split like
    /// `text`, but apart from it: they describe the building, not the offer, and are shared
    /// by many items. In `text` they made "rolstoel" a common word and let every accessible
    /// venue match it as strongly as the wheelchair loan.
    pub labels: Field,
    /// The title alone, stemmed: a ranking bonus for words in the title.
    pub title: Field,
    pub title_exact: Field,
    /// Each two words that stand side by side in the title ("hulp schulden"), one term a pair:
    /// the bonus for a title that holds the query's words in order. A phrase query on
    /// `title_exact` gave the same answer but read the positions of every title holding all
    /// the words, a few per cent of a busy server's time at 1M items (README, #14). The
    /// title's words are in it too, unmatched, so that its length grows with the title's as
    /// the phrase's did: BM25 weighs a pair in a long title less, as it weighed the phrase.
    pub title_pairs: Field,
    pub body_exact: Field,
    /// The words of title, summary and description that carry accents, lower-cased but not
    /// folded ("café", "één"): how people write the words that suggestions complete.
    pub surface: Field,
    pub kind: Field,
    pub cost: Field,
    pub commitment: Field,
    pub themes: Field,
    pub wijken: Field,
    pub talents: Field,
    pub languages: Field,
    pub accessibility: Field,
    pub whole: Field,
    pub min_age: Field,
    pub max_age: Field,
    pub end_day: Field,
    pub verified: Field,
    pub created: Field,
    pub title_sort: Field,
    pub latitude: Field,
    pub longitude: Field,
    pub payload: Field,
}

pub mod names {
    pub const ID: &str = "id";
    pub const KIND: &str = "kind";
    pub const COST: &str = "cost";
    pub const COMMITMENT: &str = "commitment";
    pub const THEMES: &str = "themes";
    pub const WIJKEN: &str = "wijken";
    pub const TALENTS: &str = "talents";
    pub const LANGUAGES: &str = "languages";
    pub const ACCESSIBILITY: &str = "accessibility";
    pub const WHOLE: &str = "whole";
    pub const MIN_AGE: &str = "min_age";
    pub const MAX_AGE: &str = "max_age";
    pub const END_DAY: &str = "end_day";
    pub const VERIFIED: &str = "verified";
    pub const CREATED: &str = "created";
    pub const TITLE_SORT: &str = "title_sort";
    pub const LATITUDE: &str = "latitude";
    pub const LONGITUDE: &str = "longitude";
}

fn text(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

/// How often each part of an item goes into the `text` field. Repeating a part multiplies its
/// term frequencies and its share of the length, which is BM25F: one BM25 over a weighted
/// whole, so a word found in several parts is not counted as several independent matches,
/// and a query word costs one posting list instead of one per part.
pub struct TextWeights {
    pub title: usize,
    pub summary: usize,
    pub description: usize,
    pub tags: usize,
    pub organisation: usize,
}

pub const TEXT_WEIGHTS: TextWeights = TextWeights {
    title: 2,
    summary: 2,
    description: 1,
    tags: 2,
    organisation: 1,
};

pub fn build_schema() -> (Schema, Fields) {
    use names::*;
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_u64_field(ID, INDEXED | FAST | STORED),
        text: b.add_text_field("text", text(STEMMED, IndexRecordOption::WithFreqs)),
        labels: b.add_text_field("labels", text(STEMMED, IndexRecordOption::WithFreqs)),
        title: b.add_text_field("title", text(STEMMED, IndexRecordOption::WithFreqs)),
        title_exact: b.add_text_field("title_exact", text(EXACT, IndexRecordOption::WithFreqs)),
        title_pairs: b.add_text_field("title_pairs", text("raw", IndexRecordOption::WithFreqs)),
        body_exact: b.add_text_field("body_exact", text(EXACT, IndexRecordOption::WithFreqs)),
        surface: b.add_text_field("surface", STRING),
        kind: b.add_text_field(KIND, STRING | FAST),
        cost: b.add_text_field(COST, STRING | FAST),
        commitment: b.add_text_field(COMMITMENT, STRING | FAST),
        themes: b.add_text_field(THEMES, STRING | FAST),
        wijken: b.add_text_field(WIJKEN, STRING | FAST),
        talents: b.add_text_field(TALENTS, STRING | FAST),
        languages: b.add_text_field(LANGUAGES, STRING | FAST),
        accessibility: b.add_text_field(ACCESSIBILITY, STRING | FAST),
        whole: b.add_u64_field(WHOLE, FAST),
        min_age: b.add_u64_field(MIN_AGE, FAST),
        max_age: b.add_u64_field(MAX_AGE, FAST),
        end_day: b.add_i64_field(END_DAY, FAST),
        verified: b.add_i64_field(VERIFIED, FAST),
        created: b.add_i64_field(CREATED, FAST),
        title_sort: b.add_text_field(TITLE_SORT, STRING | FAST),
        latitude: b.add_f64_field(LATITUDE, FAST),
        longitude: b.add_f64_field(LONGITUDE, FAST),
        payload: b.add_text_field("payload", STORED),
    };
    (b.build(), fields)
}

/// What a search hit shows, stored with the document so a result page needs no database trip.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HitPayload {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub themes: Vec<String>,
    pub wijken: Vec<String>,
    pub whole_municipality: bool,
    pub min_age: u8,
    pub max_age: u8,
    pub cost: String,
    pub time_commitment: Option<String>,
    pub hours_per_week: Option<f64>,
    pub talents: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub accessibility: Vec<String>,
    pub end_date: Option<String>,
    pub place: Option<String>,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    pub last_verified_at: String,
    pub updated_at: String,
}

/// Days since 1970-01-01 of a date: the unit of the `end_day` field.
pub fn epoch_day(date: chrono::NaiveDate) -> i64 {
    date.signed_duration_since(chrono::NaiveDate::default())
        .num_days()
}

/// Seconds since 2000-01-01 UTC: fits an i32 until 2068, which keeps facet rows small.
/// The ISO 639-1 code of Dutch, the language every item is in (see [`document`]).
const DUTCH: &str = "nl";

pub const EPOCH_2000: i64 = 946_684_800;

/// Lower-cased, accent-folded title: sorts "Één" with "een" and "Zwemmen" after "activiteit".
/// A lower-case letter without its accent (`é` → `e`); other characters as they are.
pub fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        c => c,
    }
}

pub fn sort_key(title: &str) -> String {
    // Stop words stay in a sort key, so fold by hand instead of analysing.
    let mut out = String::with_capacity(title.len());
    for c in title.chars().flat_map(char::to_lowercase) {
        let folded = fold_accent(c);
        if folded.is_alphanumeric() || folded == ' ' {
            out.push(folded);
        }
    }
    out.trim().to_string()
}

/// The term of two words side by side in `title_pairs`.
pub fn word_pair(first: &str, second: &str) -> String {
    format!("{first} {second}")
}

/// The words of `title` as the exact analysis finds them (folded, stop words dropped), and
/// each two of them at adjacent positions: what a phrase of those two words matches.
pub fn title_words_and_pairs(title: &str) -> Vec<String> {
    thread_local! {
        // Building the analyzer builds its stop-word set: once a thread, not once an item.
        static EXACT_WORDS: std::cell::RefCell<tantivy::tokenizer::TextAnalyzer> =
            std::cell::RefCell::new(super::analysis::exact_analyzer());
    }
    EXACT_WORDS.with_borrow_mut(|analyzer| {
        let mut terms = Vec::new();
        let mut previous: Option<(usize, String)> = None;
        let mut stream = analyzer.token_stream(title);
        while let Some(token) = stream.next() {
            if let Some((position, word)) = &previous
                && position + 1 == token.position
            {
                terms.push(word_pair(word, &token.text));
            }
            terms.push(token.text.clone());
            previous = Some((token.position, token.text.clone()));
        }
        terms
    })
}

/// The distinct lower-cased words with a non-ASCII letter in `texts`, in first-seen order.
pub fn accented_words(texts: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for text in texts {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if !word.is_ascii() && word.chars().count() >= 2 {
                let lower = word.to_lowercase();
                if !out.contains(&lower) {
                    out.push(lower);
                }
            }
        }
    }
    out
}

/// The index document for a public listing.
pub fn listing_document(f: &Fields, l: &Listing, taxonomy: &Taxonomy) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, l.id as u64);
    let w = &TEXT_WEIGHTS;
    let mut add_weighted = |text: &str, times: usize| {
        for _ in 0..times {
            doc.add_text(f.text, text);
        }
    };
    add_weighted(&l.title, w.title);
    add_weighted(&l.summary, w.summary);
    add_weighted(&l.description, w.description);
    add_weighted(&l.organisation_name, w.organisation);
    add_weighted(l.kind.label(), w.tags);
    // The labels of the lists whose labels are searchable (themes, talents, languages,
    // accessibility): "Arabisch" or "rolstoeltoegankelijk" finds items that offer it.
    // Accessibility labels go to their own field (see [`Fields::labels`]).
    // Not Dutch: every item of a Dutch sociale kaart is in Dutch, so the items that say so are
    // no different, and the label would make "Nederlands" a word of half the items, too
    // common to carry "mijn Nederlands is niet goed genoeg" to the language courses.
    let mut venue_labels = Vec::new();
    for &kind in TermKind::ALL.iter().filter(|k| k.label_is_searchable()) {
        for key in l.term_keys(kind) {
            if kind == TermKind::Language && key.as_str() == DUTCH {
                continue;
            }
            if let Some(label) = taxonomy.label(kind, key) {
                if kind == TermKind::Accessibility {
                    venue_labels.push(label);
                } else {
                    add_weighted(label, w.tags);
                }
            }
        }
    }
    for label in venue_labels {
        doc.add_text(f.labels, label);
    }
    doc.add_text(f.title, &l.title);
    doc.add_text(f.title_exact, &l.title);
    for term in title_words_and_pairs(&l.title) {
        doc.add_text(f.title_pairs, &term);
    }
    doc.add_text(f.body_exact, &l.summary);
    doc.add_text(f.body_exact, &l.description);
    for word in accented_words(&[&l.title, &l.summary, &l.description]) {
        doc.add_text(f.surface, &word);
    }
    doc.add_text(f.kind, l.kind.as_str());
    doc.add_text(f.cost, l.cost.as_str());
    for key in &l.themes {
        doc.add_text(f.themes, key.as_str());
    }
    for key in &l.wijken {
        doc.add_text(f.wijken, key.as_str());
    }
    for key in &l.languages {
        doc.add_text(f.languages, key.as_str());
    }
    for key in &l.accessibility {
        doc.add_text(f.accessibility, key.as_str());
    }
    doc.add_u64(f.whole, l.whole_municipality as u64);
    doc.add_u64(f.min_age, l.ages.min() as u64);
    doc.add_u64(f.max_age, l.ages.max() as u64);
    let mut end_day = i64::MAX;
    if let Some(v) = &l.vacancy {
        doc.add_text(f.commitment, v.time_commitment.as_str());
        for key in &v.talents {
            doc.add_text(f.talents, key.as_str());
        }
        if let Some(end) = v.end_date {
            end_day = epoch_day(end);
        }
    }
    doc.add_i64(f.end_day, end_day);
    doc.add_i64(f.verified, l.last_verified_at.timestamp());
    doc.add_i64(f.created, l.created_at.timestamp());
    doc.add_text(f.title_sort, sort_key(&l.title));
    if let Some((lat, lon)) = l
        .location
        .as_ref()
        .and_then(|loc| loc.latitude.zip(loc.longitude))
    {
        doc.add_f64(f.latitude, lat);
        doc.add_f64(f.longitude, lon);
    }
    let payload = HitPayload {
        id: l.id,
        kind: l.kind.as_str().to_string(),
        title: l.title.clone(),
        summary: l.summary.clone(),
        description: l.description.clone(),
        organisation_id: l.organisation_id,
        organisation_name: l.organisation_name.clone(),
        themes: key_strings(&l.themes),
        wijken: key_strings(&l.wijken),
        whole_municipality: l.whole_municipality,
        min_age: l.ages.min(),
        max_age: l.ages.max(),
        cost: l.cost.as_str().to_string(),
        time_commitment: l
            .vacancy
            .as_ref()
            .map(|v| v.time_commitment.as_str().to_string()),
        hours_per_week: l.vacancy.as_ref().and_then(|v| v.hours_per_week),
        talents: l
            .vacancy
            .as_ref()
            .map(|v| key_strings(&v.talents))
            .unwrap_or_default(),
        languages: key_strings(&l.languages),
        accessibility: key_strings(&l.accessibility),
        end_date: l
            .vacancy
            .as_ref()
            .and_then(|v| v.end_date)
            .map(|d| d.to_string()),
        place: l.location.as_ref().and_then(|loc| loc.city.clone()),
        latitude: l.location.as_ref().and_then(|loc| loc.latitude),
        longitude: l.location.as_ref().and_then(|loc| loc.longitude),
        last_verified_at: crate::domain::iso(&l.last_verified_at),
        updated_at: crate::domain::iso(&l.updated_at),
    };
    doc.add_text(
        f.payload,
        serde_json::to_string(&payload).unwrap_or_default(),
    );
    doc
}

#[cfg(test)]
mod tests {
    use super::title_words_and_pairs;

    #[test]
    fn a_title_gives_its_words_and_each_two_that_stand_side_by_side() {
        assert_eq!(
            title_words_and_pairs("Repair Café Leusden"),
            ["repair", "repair cafe", "cafe", "cafe leusden", "leusden"]
        );
        // A stop word between two words keeps them apart, as it kept a phrase apart.
        assert_eq!(
            title_words_and_pairs("Hulp bij schulden"),
            ["hulp", "schulden"]
        );
    }
}
