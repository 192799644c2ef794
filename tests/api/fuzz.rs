//! Fuzzing on the stable toolchain, bounded in time: arbitrary query strings and parameters
//! through the request parser, the query planner, the query builder, the search itself and the
//! snippet builder, on the demo index. No input may panic or fail, and none may take long.
//! `FUZZ_CASES` sets the number of inputs (default 300); proptest shrinks what it finds.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};

use crate::helpers::TestApp;
use wegwijzer::search::{self, SearchRequest, plan, snippet::Highlighter};

/// Longest time one input may take in a debug build on a loaded machine: a liveness bound
/// (a loop or blow-up shows as seconds or worse), not a speed measurement.
const PER_INPUT: Duration = Duration::from_secs(3);

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        // Dutch words, operators, quotes, accents, controls and direction overrides.
        "[a-zA-Zéëèïöüç0-9 \\-+*\"'(),.~%&|\u{202e}\u{200b}\u{0}\t\n]{0,250}",
        proptest::collection::vec(
            prop::sample::select(vec![
                "schulden",
                "hulp",
                "mantelzorg",
                "vrijwilliger",
                "taalcafé",
                "ouderen",
                "eenzaam",
                "bij",
                "de",
                "het",
                "voedselbank",
                "sport",
                "zwemmen",
                "kinderopvang",
                "schuldhulpverleningsorganisatie",
                "x",
                "aaaaaaaaaaaaaaaaaaaaaaaa",
            ]),
            0..40,
        )
        .prop_map(|w| w.join(" ")),
    ]
}

fn parameter() -> impl Strategy<Value = (String, String)> {
    let key = prop_oneof![
        prop::sample::select(
            search::request::PARAMETERS
                .iter()
                .map(|(k, _)| k.to_string())
                .collect::<Vec<_>>()
        ),
        "[a-zA-Z]{1,12}",
    ];
    let value = prop_oneof![
        text(),
        "-?[0-9]{1,25}(\\.[0-9]{0,5})?",
        prop::sample::select(vec![
            "",
            ",",
            ",,,",
            "voorziening",
            "gratis",
            "wekelijks",
            "afstand",
            "3831",
            "3831 AB",
            "true",
            "NaN",
            "inf",
            "-0",
            "1e308",
            "hamersveld,achterveld",
            "ouderen",
        ])
        .prop_map(String::from),
    ];
    (key, value)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arbitrary_queries_never_panic_fail_or_hang() {
    let app = TestApp::with_demo().await;
    let index = app.index();
    let taxonomy = app.store.load_taxonomy().await.unwrap();
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new(RunnerConfig {
        cases,
        max_shrink_iters: 500,
        ..RunnerConfig::default()
    });
    let strategy = (proptest::collection::vec(parameter(), 0..6), text(), text());
    let searched = std::sync::atomic::AtomicUsize::new(0);
    let result = tokio::task::block_in_place(|| {
        runner.run(&strategy, |(pairs, words, body)| {
            let started = Instant::now();
            // The request parser, and the search behind it when the request is valid.
            // Also the words alone as `q`, which is valid far more often.
            let text_only = vec![("q".to_string(), words.chars().take(200).collect::<String>())];
            for pairs in [&pairs, &text_only] {
                if let Ok(req) = SearchRequest::parse(pairs, &taxonomy) {
                    searched.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    search::search(&index, &req)
                        .map_err(|e| TestCaseError::fail(format!("search failed: {e}")))?;
                }
            }
            // The planner, the query builder and the snippet builder on any words and text.
            let searcher = index.searcher();
            let people = plan::people_spoken_of(&words);
            let intent = search::intent::intent(&words, &[], &|_| false);
            let words = plan::query_words(&words);
            let planned = plan::plan(&index, &searcher, &words, &people, &[], intent);
            for strict in [true, false] {
                let query = plan::build(&index, &planned, strict);
                let mut highlighter = Highlighter::for_query(&index, &searcher, &*query)
                    .map_err(|e| TestCaseError::fail(format!("highlighter: {e}")))?;
                if let Some(s) = highlighter.snippet(&body) {
                    prop_assert!(
                        s.len() <= body.len() + 64 * 20 + 16,
                        "snippet grows: {}",
                        s.len()
                    );
                }
            }
            prop_assert!(
                started.elapsed() < PER_INPUT,
                "took {:?}",
                started.elapsed()
            );
            Ok(())
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let searched = searched.into_inner();
    println!("fuzz: {cases} inputs, {searched} valid requests searched");
    assert!(
        searched * 2 >= cases as usize,
        "too few valid requests: {searched}"
    );
}
