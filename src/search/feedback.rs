//! Theme feedback: the best matches of a sentence say what it is about.
//!
//! A resident who writes a sentence ("mijn zoon heeft geen werk en zit thuis") uses common
//! words that many items have somewhere ("thuis", "zit", "werk" in an organisation's name).
//! Each such word adds a little, and an item with several of them can pass one that is about
//! the matter itself. The first matches, taken together, are a steadier guess of the matter
//! than any one of them: most of them share a theme (here: work and income). Items of that
//! theme move up a little within the head of the ranking.
//!
//! This is pseudo-relevance feedback on the one field every item of a sociale kaart has, its
//! themes, chosen by editors from a short list. It needs no word list, so it carries over to
//! texts nobody tuned it to: measured on both evaluation sets (README, "Theme feedback"), the
//! gain held over a wide range of [`VOTERS`] and [`WEIGHT`].

/// Searchable words (stop words aside) a query needs: one or two words say what they are
/// about themselves, and their ranking is left as it is.
pub const MIN_WORDS: usize = 3;
/// The first matches whose themes vote, each by `1 / (rank + 1)`: the first match counts most.
pub const VOTERS: usize = 5;
/// The matches that may move. Further results keep their order, so every page agrees with
/// the others.
pub const HEAD: usize = 30;
/// A match at rank `r` (from 0) keeps `1 / (RANK_OFFSET + r)`, as in the fusion with meaning.
const RANK_OFFSET: f32 = 20.0;
/// What an item whose theme has all the votes gains, in units of `1 / RANK_OFFSET`: 0.6 lets
/// it pass about six places near the top and more further down. 0.4-0.8 measured alike.
const WEIGHT: f32 = 0.6;

/// The new order of a ranking, given each match's themes (a bit per theme) in ranking order.
/// Returns positions into `themes`; its length is that of `themes`.
pub fn reorder(themes: &[u64]) -> Vec<usize> {
    let mut votes = [0.0f32; 64];
    let mut total = 0.0;
    for (rank, bits) in themes.iter().take(VOTERS).enumerate() {
        let vote = 1.0 / (rank as f32 + 1.0);
        total += vote;
        for (bit, v) in votes.iter_mut().enumerate() {
            if bits & (1 << bit) != 0 {
                *v += vote;
            }
        }
    }
    let head = HEAD.min(themes.len());
    // An item with several themes counts by the one with the most votes: a broad item
    // (a wijkteam in five themes) is not more on topic than one about the matter alone.
    let share = |bits: u64| {
        (0..64)
            .filter(|bit| bits & (1 << bit) != 0)
            .map(|bit| votes[bit])
            .fold(0.0f32, f32::max)
            / total
    };
    let mut scored: Vec<(f32, usize)> = themes[..head]
        .iter()
        .enumerate()
        .map(|(rank, bits)| {
            let kept = 1.0 / (RANK_OFFSET + rank as f32);
            (kept + WEIGHT * share(*bits) / RANK_OFFSET, rank)
        })
        .collect();
    // Ties keep the ranking's order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .map(|(_, rank)| rank)
        .chain(head..themes.len())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORK: u64 = 1 << 3;
    const MEETING: u64 = 1 << 6;
    const HEALTH: u64 = 1 << 1;

    #[test]
    fn an_item_of_the_theme_most_first_matches_share_moves_up_past_a_stray_one() {
        // Four of the first five matches are about work; the second is a meeting place that
        // had many of the sentence's common words.
        let mut themes = vec![WORK, MEETING, WORK, WORK, HEALTH, WORK];
        themes.extend(std::iter::repeat_n(HEALTH, 6));
        themes.push(WORK);
        let order = reorder(&themes);
        assert_eq!(order.len(), themes.len());
        assert_eq!(order[0], 0, "the first match stays first");
        let position = |item: usize| order.iter().position(|p| *p == item).unwrap_or(usize::MAX);
        assert!(
            position(1) > position(5),
            "the stray meeting place is passed"
        );
        assert!(
            position(12) < 12,
            "a work item further down moves up: {order:?}"
        );
        assert!(position(4) > position(12), "…past a stray health item");
    }

    #[test]
    fn when_the_first_matches_agree_on_nothing_the_order_stays() {
        let themes: Vec<u64> = (0..40).map(|i| 1u64 << (i % 16 + 20)).collect();
        let order = reorder(&themes[..5]);
        assert_eq!(order, vec![0, 1, 2, 3, 4]);
        // Items without a theme gain nothing and keep their order.
        let none = vec![0u64; 8];
        assert_eq!(reorder(&none), (0..8).collect::<Vec<_>>());
    }

    #[test]
    fn only_the_head_moves_and_every_position_comes_back_once() {
        let themes: Vec<u64> = (0..45)
            .map(|i| if i % 3 == 0 { WORK } else { MEETING })
            .collect();
        let order = reorder(&themes);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..45).collect::<Vec<_>>());
        assert_eq!(&order[HEAD..], &(HEAD..45).collect::<Vec<_>>()[..]);
    }
}
