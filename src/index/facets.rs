//! Compact per-document facet rows, built once per immutable segment and cached.
//!
//! Disjunctive facet counting must look at every document that matches the text query, testing
//! each one against every filter. Reading six columnar fields per document costs tens of
//! nanoseconds; one row of plain integers and 64-bit term sets costs a few. Segments never
//! change, so a segment's rows are built once (by the indexer right after a commit) and reused by
//! every search until a merge retires the segment.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use tantivy::SegmentReader;
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;

use super::schema::names;
use crate::domain::taxonomy::TermKind;
use crate::domain::{Cost, Kind, Taxonomy, TimeCommitment};

/// Sentinel for "no value" in `commitment`.
pub const NO_COMMITMENT: u8 = u8::MAX;

/// Everything filters, facets and sorting need to know about one document.
/// 64 bytes, aligned to a cache line, so that looking at a document costs one cache miss.
#[derive(Clone, Copy, Debug, Default)]
#[repr(align(64))]
pub struct Row {
    pub themes: u64,
    pub wijken: u64,
    pub talents: u64,
    /// The item id (ids stay far below 2^32 on any municipality's data).
    pub id: u32,
    /// Seconds since 2000-01-01.
    pub verified: i32,
    pub created: i32,
    pub title_ord: u32,
    /// NaN when the item has no coordinates.
    pub lat: f32,
    pub lon: f32,
    pub languages: u32,
    /// Last day shown, in days since 2000-01-01; `u16::MAX` when it never ends.
    pub end_day: u16,
    pub age_groups: u16,
    pub accessibility: u16,
    pub min_age: u8,
    pub max_age: u8,
    pub kind: u8,
    pub cost: u8,
    pub commitment: u8,
    pub whole: bool,
}

// A row must stay one cache line: facet counting reads one per matching document.
const _: () = assert!(std::mem::size_of::<Row>() == 64);

/// The taxonomy with each key's bit position in a [`Row`]'s term sets.
#[derive(Debug, Default)]
pub struct FacetSpace {
    pub taxonomy: Taxonomy,
    /// Changes whenever any key list or age bound changes; cached rows carry it.
    pub stamp: u64,
    theme_bits: HashMap<String, u8>,
    wijk_bits: HashMap<String, u8>,
    talent_bits: HashMap<String, u8>,
    language_bits: HashMap<String, u8>,
    accessibility_bits: HashMap<String, u8>,
    /// The age groups as a resident writes them: each key and its label's first word
    /// ("ouderen" of "Ouderen (65+)"), lower case.
    age_group_words: Vec<String>,
}

/// Days from 1970-01-01 to 2000-01-01: the origin of [`Row::end_day`].
pub const DAY_2000: i64 = 10_957;

/// A day (days since 1970) as a row's `end_day`.
pub fn row_day(epoch_day: i64) -> u16 {
    (epoch_day - DAY_2000).clamp(0, i64::from(u16::MAX)) as u16
}

impl FacetSpace {
    /// The age groups as words a query may name them by (see [`crate::search::intent`]).
    pub fn age_group_words(&self) -> &[String] {
        &self.age_group_words
    }

    pub fn new(taxonomy: Taxonomy) -> FacetSpace {
        let bits = |terms: &[crate::domain::Term], max: usize| {
            terms
                .iter()
                .take(max)
                .enumerate()
                .map(|(i, t)| (t.key.to_string(), i as u8))
                .collect::<HashMap<_, _>>()
        };
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for t in taxonomy
            .themes
            .iter()
            .chain(&taxonomy.wijken)
            .chain(&taxonomy.talents)
            .chain(&taxonomy.languages)
            .chain(&taxonomy.accessibility)
        {
            t.key.hash(&mut h);
        }
        "|".hash(&mut h);
        for g in &taxonomy.age_groups {
            (g.min_age, g.max_age).hash(&mut h);
        }
        let mut age_group_words = Vec::new();
        for g in &taxonomy.age_groups {
            let label = g.label.split_whitespace().next().unwrap_or_default();
            for word in [g.key.as_str().to_lowercase(), label.to_lowercase()] {
                if !word.is_empty() && !age_group_words.contains(&word) {
                    age_group_words.push(word);
                }
            }
        }
        FacetSpace {
            stamp: h.finish(),
            age_group_words,
            theme_bits: bits(&taxonomy.themes, TermKind::Theme.max_terms()),
            wijk_bits: bits(&taxonomy.wijken, TermKind::Wijk.max_terms()),
            talent_bits: bits(&taxonomy.talents, TermKind::Talent.max_terms()),
            language_bits: bits(&taxonomy.languages, TermKind::Language.max_terms()),
            accessibility_bits: bits(&taxonomy.accessibility, TermKind::Accessibility.max_terms()),
            taxonomy,
        }
    }

    pub fn theme_bit(&self, key: &str) -> Option<u8> {
        self.theme_bits.get(key).copied()
    }
    pub fn wijk_bit(&self, key: &str) -> Option<u8> {
        self.wijk_bits.get(key).copied()
    }
    pub fn talent_bit(&self, key: &str) -> Option<u8> {
        self.talent_bits.get(key).copied()
    }
    pub fn language_bit(&self, key: &str) -> Option<u8> {
        self.language_bits.get(key).copied()
    }
    pub fn accessibility_bit(&self, key: &str) -> Option<u8> {
        self.accessibility_bits.get(key).copied()
    }

    /// The age groups an item for ages `min..=max` belongs to, as a bit set.
    pub fn age_group_mask(&self, min: u8, max: u8) -> u16 {
        self.taxonomy
            .age_groups
            .iter()
            .take(crate::domain::taxonomy::MAX_AGE_GROUPS)
            .enumerate()
            .filter(|(_, g)| g.overlaps(min, max))
            .fold(0, |m, (i, _)| m | (1 << i))
    }
}

/// The rows of one segment, indexed by doc id.
pub struct SegmentRows {
    pub rows: Vec<Row>,
    /// Doc ids in the order of each [`RowOrder`], built when first asked for.
    orders: [OnceLock<Vec<u32>>; 3],
    bitmaps: OnceLock<ValueBitmaps>,
}

/// A set of a segment's documents: bit `doc % 64` of word `doc / 64`.
pub type DocBits = Vec<u64>;

/// The facets in the order of a search's facet bits (kind, theme, wijk, age group, cost,
/// talent, time commitment, language, accessibility).
pub const FACETS: usize = 9;

/// For every facet value that occurs in a segment, the documents that have it: counting a
/// large set of matches is then a popcount of an AND per value, not a look at every match.
#[derive(Debug, Default)]
pub struct ValueBitmaps {
    /// Per facet: (value code or bit, documents). Wijk bitmaps leave out municipality-wide
    /// items (in `whole`), and time commitment those without one, as facet counting does.
    pub values: [Vec<(u8, DocBits)>; FACETS],
    pub whole: DocBits,
}

impl ValueBitmaps {
    fn build(rows: &[Row]) -> ValueBitmaps {
        let words = rows.len().div_ceil(64);
        let mut sets: [Vec<Option<DocBits>>; FACETS] = Default::default();
        for s in &mut sets {
            s.resize(64, None);
        }
        let mut whole = vec![0u64; words];
        let mut set = |facet: usize, value: u32, doc: usize| {
            if let Some(slot) = sets[facet].get_mut(value as usize) {
                slot.get_or_insert_with(|| vec![0u64; words])[doc / 64] |= 1 << (doc % 64);
            }
        };
        let mut each_bit = |facet: usize, mut bits: u64, doc: usize| {
            while bits != 0 {
                set(facet, bits.trailing_zeros(), doc);
                bits &= bits - 1;
            }
        };
        for (doc, r) in rows.iter().enumerate() {
            each_bit(0, 1 << (r.kind & 63), doc);
            each_bit(1, r.themes, doc);
            if r.whole {
                whole[doc / 64] |= 1 << (doc % 64);
            } else {
                each_bit(2, r.wijken, doc);
            }
            each_bit(3, u64::from(r.age_groups), doc);
            each_bit(4, 1 << (r.cost & 63), doc);
            each_bit(5, r.talents, doc);
            if r.commitment != NO_COMMITMENT {
                each_bit(6, 1 << (r.commitment & 63), doc);
            }
            each_bit(7, u64::from(r.languages), doc);
            each_bit(8, u64::from(r.accessibility), doc);
        }
        ValueBitmaps {
            values: sets.map(|s| {
                s.into_iter()
                    .enumerate()
                    .filter_map(|(v, b)| Some((v as u8, b?)))
                    .collect()
            }),
            whole,
        }
    }
}

/// The orders a browse without text can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowOrder {
    /// Most recently checked first (relevance without text).
    Verified = 0,
    /// Newest first.
    Newest = 1,
    /// By title.
    Title = 2,
}

impl SegmentRows {
    pub fn new(rows: Vec<Row>) -> SegmentRows {
        SegmentRows {
            rows,
            orders: Default::default(),
            bitmaps: OnceLock::new(),
        }
    }

    /// The documents of every facet value, built on first use.
    pub fn bitmaps(&self) -> &ValueBitmaps {
        self.bitmaps.get_or_init(|| ValueBitmaps::build(&self.rows))
    }

    /// Every doc id of the segment in `order`; ties go to the lower item id, as in ranking.
    pub fn order(&self, order: RowOrder) -> &[u32] {
        self.orders[order as usize].get_or_init(|| {
            let mut docs: Vec<u32> = (0..self.rows.len() as u32).collect();
            let rows = &self.rows;
            match order {
                RowOrder::Verified => docs.sort_unstable_by_key(|&d| {
                    let r = &rows[d as usize];
                    (std::cmp::Reverse(r.verified), r.id)
                }),
                RowOrder::Newest => docs.sort_unstable_by_key(|&d| {
                    let r = &rows[d as usize];
                    (std::cmp::Reverse(r.created), r.id)
                }),
                RowOrder::Title => docs.sort_unstable_by_key(|&d| {
                    let r = &rows[d as usize];
                    (r.title_ord, r.id)
                }),
            }
            docs
        })
    }
}

/// Rows per segment for one taxonomy stamp.
#[derive(Default)]
pub struct RowCache {
    stamp: u64,
    segments: HashMap<SegmentId, Arc<SegmentRows>>,
}

impl RowCache {
    /// The rows of `segment`, built on first use.
    pub fn rows_for(
        &mut self,
        space: &FacetSpace,
        segment: &SegmentReader,
    ) -> tantivy::Result<Arc<SegmentRows>> {
        if self.stamp != space.stamp {
            self.segments.clear();
            self.stamp = space.stamp;
        }
        let id = segment.segment_id();
        if let Some(rows) = self.segments.get(&id) {
            return Ok(rows.clone());
        }
        let rows = Arc::new(build_rows(space, segment)?);
        self.segments.insert(id, rows.clone());
        Ok(rows)
    }

    /// The rows of `segment` if they are already built for `stamp`: never builds nor clears,
    /// for a query that can do without them (one built before a taxonomy change must not
    /// empty the cache that searches after it use).
    pub fn cached(&self, stamp: u64, segment: SegmentId) -> Option<Arc<SegmentRows>> {
        (self.stamp == stamp)
            .then(|| self.segments.get(&segment).cloned())
            .flatten()
    }

    /// Forgets segments that no longer exist (merged away).
    pub fn retain(&mut self, live: &[SegmentId]) {
        self.segments.retain(|id, _| live.contains(id));
    }
}

/// Maps a segment's term ordinals to codes (`None` for terms unknown to the taxonomy).
fn ord_map(column: &Option<StrColumn>, code: impl Fn(&str) -> Option<u8>) -> Vec<Option<u8>> {
    let Some(col) = column else {
        return Vec::new();
    };
    let mut term = String::new();
    (0..col.num_terms() as u64)
        .map(|ord| {
            term.clear();
            match col.ord_to_str(ord, &mut term) {
                Ok(true) => code(&term),
                _ => None,
            }
        })
        .collect()
}

fn build_rows(space: &FacetSpace, seg: &SegmentReader) -> tantivy::Result<SegmentRows> {
    let ff = seg.fast_fields();
    let max_doc = seg.max_doc();
    let kind = ff.str(names::KIND)?;
    let cost = ff.str(names::COST)?;
    let commitment = ff.str(names::COMMITMENT)?;
    let themes = ff.str(names::THEMES)?;
    let wijken = ff.str(names::WIJKEN)?;
    let talents = ff.str(names::TALENTS)?;
    let languages = ff.str(names::LANGUAGES)?;
    let accessibility = ff.str(names::ACCESSIBILITY)?;
    let title = ff.str(names::TITLE_SORT)?;
    let id = ff.u64(names::ID)?;
    let whole = ff.u64(names::WHOLE)?;
    let min_age = ff.u64(names::MIN_AGE)?;
    let max_age = ff.u64(names::MAX_AGE)?;
    let end_day = ff.i64(names::END_DAY)?;
    let verified = ff.i64(names::VERIFIED)?;
    let created = ff.i64(names::CREATED)?;
    let lat = ff.f64(names::LATITUDE)?;
    let lon = ff.f64(names::LONGITUDE)?;
    let since_2000 = |secs: i64| {
        (secs - super::schema::EPOCH_2000).clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
    };

    let kind_map = ord_map(&kind, |s| Kind::parse(s).map(Kind::code));
    let cost_map = ord_map(&cost, |s| Cost::parse(s).map(Cost::code));
    let commitment_map = ord_map(&commitment, |s| {
        TimeCommitment::parse(s).map(TimeCommitment::code)
    });
    let theme_map = ord_map(&themes, |s| space.theme_bit(s));
    let wijk_map = ord_map(&wijken, |s| space.wijk_bit(s));
    let talent_map = ord_map(&talents, |s| space.talent_bit(s));
    let language_map = ord_map(&languages, |s| space.language_bit(s));
    let accessibility_map = ord_map(&accessibility, |s| space.accessibility_bit(s));

    let first = |col: &Option<StrColumn>, map: &[Option<u8>], doc: u32| -> Option<u8> {
        let col = col.as_ref()?;
        let ord = col.term_ords(doc).next()?;
        map.get(ord as usize).copied().flatten()
    };
    let set = |col: &Option<StrColumn>, map: &[Option<u8>], doc: u32| -> u64 {
        let Some(col) = col.as_ref() else { return 0 };
        col.term_ords(doc)
            .filter_map(|ord| map.get(ord as usize).copied().flatten())
            .fold(0u64, |m, bit| m | (1u64 << bit))
    };

    let mut rows = Vec::with_capacity(max_doc as usize);
    for doc in 0..max_doc {
        let min = min_age.first(doc).unwrap_or(0).min(120) as u8;
        let max = max_age.first(doc).unwrap_or(120).min(120) as u8;
        rows.push(Row {
            themes: set(&themes, &theme_map, doc),
            wijken: set(&wijken, &wijk_map, doc),
            talents: set(&talents, &talent_map, doc),
            languages: set(&languages, &language_map, doc) as u32,
            accessibility: set(&accessibility, &accessibility_map, doc) as u16,
            id: id.first(doc).unwrap_or(0).min(u64::from(u32::MAX)) as u32,
            verified: since_2000(verified.first(doc).unwrap_or(0)),
            created: since_2000(created.first(doc).unwrap_or(0)),
            lat: lat.first(doc).map(|v| v as f32).unwrap_or(f32::NAN),
            lon: lon.first(doc).map(|v| v as f32).unwrap_or(f32::NAN),
            end_day: end_day.first(doc).map_or(u16::MAX, row_day),
            age_groups: space.age_group_mask(min, max),
            title_ord: title
                .as_ref()
                .and_then(|c| c.term_ords(doc).next())
                .unwrap_or(u64::from(u32::MAX)) as u32,
            min_age: min,
            max_age: max,
            kind: first(&kind, &kind_map, doc).unwrap_or(0),
            cost: first(&cost, &cost_map, doc).unwrap_or(0),
            commitment: first(&commitment, &commitment_map, doc).unwrap_or(NO_COMMITMENT),
            whole: whole.first(doc).unwrap_or(0) != 0,
        });
    }
    Ok(SegmentRows::new(rows))
}
