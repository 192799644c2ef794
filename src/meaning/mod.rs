//! Search by meaning: sentence vectors from an embeddings service, added to the word search.
//!
//! Words alone miss a resident who describes a situation in words no item uses ("ik lig
//! elke nacht wakker te malen"). A multilingual sentence model (multilingual-e5-small) puts
//! that sentence near texts about worrying and sleeping badly. It is optional: without an
//! embeddings service, or when it is slow or down, search works on words alone.
//!
//! - [`store`]: the items' vectors, beside the index;
//! - [`worker`]: keeps them in step with the index;
//! - [`client`]: asks the embeddings service;
//! - [`MeaningMatches`] and [`fuse`]: how it adds to the ranking (applied in
//!   [`crate::search`], which also decides which queries use it).

pub mod client;
pub mod store;
pub mod worker;

use std::collections::HashMap;

/// Items taken from the vector search.
pub const NEAREST: usize = 30;
/// Of those, only items whose cosine is at most this far below the closest one: the rest are
/// too far to say anything.
pub const REACH: f32 = 0.05;

/// Searchable words (stop words aside) a query needs before meaning counts: for one or two
/// words the word search, with its synonyms and compounds, knows better. The search decides
/// with it ([`crate::search::wants_meaning`]), on the words it searches for.
pub const MIN_WORDS: usize = 3;

/// The first word matches that are ranked again together with the items close in meaning;
/// further results keep the order of the word search, so every page agrees with the others.
pub const HEAD: usize = 50;
/// Reciprocal rank fusion: an item at rank r (from 0) of a list scores 1 / (RANK_OFFSET + r).
pub const RANK_OFFSET: f32 = 20.0;
/// What the meaning list weighs against the word list. Ranks, not scores, are fused: the
/// cosines of this model lie close together and word scores differ by orders of magnitude
/// between queries. Measured on the evaluation set (see the README).
pub const WEIGHT: f32 = 0.5;

/// The items closest in meaning to a query, by id, with their rank (0 = closest).
#[derive(Debug, Clone, Default)]
pub struct MeaningMatches {
    rank: HashMap<i64, usize>,
}

impl MeaningMatches {
    /// From the nearest items, closest first, with their cosines.
    pub fn new(nearest: &[(i64, f32)]) -> MeaningMatches {
        let best = nearest.first().map_or(0.0, |(_, cos)| *cos);
        MeaningMatches {
            rank: nearest
                .iter()
                .take_while(|(_, cos)| *cos >= best - REACH)
                .enumerate()
                .map(|(rank, (id, _))| (*id, rank))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rank.is_empty()
    }

    pub fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.rank.keys().copied()
    }

    pub fn rank(&self, id: i64) -> Option<usize> {
        self.rank.get(&id).copied()
    }
}

/// Fuses the word ranking with the meaning ranking.
///
/// `words`: the word matches, best first, as ids; `near_only`: items close in meaning that
/// match the filters but none of the words. The first [`HEAD`] word matches and the items
/// close in meaning are ranked by reciprocal rank fusion; the rest follow in word order.
/// Returns positions: `Ok(i)` is `words[i]`, `Err(j)` is `near_only[j]`.
pub fn fuse(words: &[i64], near_only: &[i64], m: &MeaningMatches) -> Vec<Result<usize, usize>> {
    // Meaning ranks among the items the filters allow.
    let mut allowed: Vec<(usize, i64)> = words
        .iter()
        .chain(near_only)
        .filter_map(|id| m.rank(*id).map(|r| (r, *id)))
        .collect();
    allowed.sort_unstable();
    let near_rank: HashMap<i64, usize> = allowed
        .iter()
        .enumerate()
        .map(|(i, (_, id))| (*id, i))
        .collect();
    let meaning = |id: i64| {
        near_rank
            .get(&id)
            .map_or(0.0, |r| WEIGHT / (RANK_OFFSET + *r as f32))
    };
    let head = HEAD.min(words.len());
    let mut scored: Vec<(f32, usize, Result<usize, usize>)> = words[..head]
        .iter()
        .enumerate()
        .map(|(i, id)| (1.0 / (RANK_OFFSET + i as f32) + meaning(*id), i, Ok(i)))
        .chain(
            near_only
                .iter()
                .enumerate()
                .filter(|(_, id)| near_rank.contains_key(id))
                .map(|(j, id)| (meaning(*id), usize::MAX, Err(j))),
        )
        .collect();
    // Ties keep the word order, then the meaning order.
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then_with(|| match (a.2, b.2) {
                (Err(x), Err(y)) => near_rank[&near_only[x]].cmp(&near_rank[&near_only[y]]),
                _ => std::cmp::Ordering::Equal,
            })
    });
    scored
        .into_iter()
        .map(|(_, _, pos)| pos)
        .chain((head..words.len()).map(Ok))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_items_within_reach_of_the_closest_count() {
        let m = MeaningMatches::new(&[(7, 0.90), (8, 0.87), (9, 0.80)]);
        assert_eq!(m.rank(7), Some(0));
        assert_eq!(m.rank(8), Some(1));
        assert_eq!(m.rank(9), None);
    }

    #[test]
    fn an_item_close_in_meaning_rises_and_one_without_words_joins() {
        // Word ranking 1..=5; meaning puts 4 first, then 99, which has none of the words.
        let m = MeaningMatches::new(&[(4, 0.9), (99, 0.89)]);
        let words = [1, 2, 3, 4, 5];
        let order: Vec<i64> = fuse(&words, &[99], &m)
            .into_iter()
            .map(|p| match p {
                Ok(i) => words[i],
                Err(_) => 99,
            })
            .collect();
        assert_eq!(
            order[0], 4,
            "first in meaning and fourth in words: {order:?}"
        );
        assert!(order.contains(&99));
        assert_eq!(order.len(), 6);
        // Without meaning the word order stands.
        let plain = fuse(&words, &[], &MeaningMatches::default());
        assert_eq!(plain, (0..5).map(Ok).collect::<Vec<_>>());
    }

    #[test]
    fn results_beyond_the_head_keep_the_word_order() {
        let words: Vec<i64> = (0..(HEAD as i64 + 10)).collect();
        let last = *words.last().unwrap();
        let m = MeaningMatches::new(&[(last, 0.9)]);
        let order = fuse(&words, &[], &m);
        assert_eq!(order.last(), Some(&Ok(words.len() - 1)));
        assert_eq!(order.len(), words.len());
    }
}
