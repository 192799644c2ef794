//! Benchmark: index build time and peak memory, and search latency p50/p99 for five query
//! classes, in-process and over HTTP on loopback, at several corpus sizes.
//!
//!     cargo bench --bench search -- [--sizes 10000,100000,1000000] [--no-http] [--plain]
//!         [--peer-postgres] [--reuse] [--per-query] [--only TEXT]
//!
//! `--reuse` keeps a corpus and index that an earlier run of the same size built completely
//! (for quick comparisons while changing the engine; the build figures are then left out).
//! `--per-query` also prints each query's in-process p50; `--only TEXT` keeps the requests that
//! contain TEXT (to profile one query).
//!
//! `--plain` turns synonyms, decompounding and typo tolerance off (as `WEGWIJZER_PLAIN_SEARCH`):
//! a query then means what PostgreSQL's `plainto_tsquery` means, all stems present, which
//! separates the cost of the engine from the cost of the Dutch features.
//!
//! (a) one word, (b) two words, (c) two words + theme + wijk filters, (d) (c) with all facet
//! counts, top 20 and snippets, (e) browse without text with all facets, (b10) (b) on page 10,
//! (f) suggestions for a typed prefix (in-process and over HTTP), (s) a sentence of six to eight
//! words. Wegwijzer always
//! computes every facet and snippet, so (c) and (d) run the same work; both are listed to keep
//! the table comparable with peers that can skip facets.
#![allow(clippy::unwrap_used, reason = "a benchmark fails loudly")]

mod corpus;
mod peer_postgres;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::{Any, QueryBuilder};
use wegwijzer::app::App;
use wegwijzer::config::Config;
use wegwijzer::domain::Taxonomy;
use wegwijzer::index::SearchIndex;
use wegwijzer::index::writer::Indexer;
use wegwijzer::search::{self, SearchRequest};
use wegwijzer::store::Store;

const ONE: [&str; 10] = [
    "schulden",
    "ouderen",
    "vrijwilligers",
    "taal",
    "koken",
    "eenzaamheid",
    "mantelzorger",
    "sport",
    "computer",
    "huiswerk",
];
const TWO: [&str; 10] = [
    "hulp schulden",
    "ouderen bewegen",
    "taal maatje",
    "koken samen",
    "vrijwilligers tuin",
    "computer hulp",
    "jongeren sport",
    "mantelzorger respijt",
    "geld administratie",
    "kinderen opvoeding",
];
/// Sentences in residents' own words: three or more words, so they take the paths that only
/// sentences take (situations, theme feedback).
const SENTENCES: [&str; 5] = [
    "ik kan mijn rekeningen niet meer betalen",
    "mijn moeder woont alleen en voelt zich eenzaam",
    "wij zoeken hulp bij de administratie thuis",
    "ik wil graag samen koken in de buurt",
    "mijn zoon heeft geen werk en zit thuis",
];
const FILTERS: [&str; 5] = [
    "thema=geldzaken&wijk=hamersveld",
    "thema=ontmoeting&wijk=achterveld",
    "thema=zorg-gezondheid&wijk=leusden-centrum",
    "thema=sport-bewegen&wijk=rozendaal",
    "thema=leren-taal&wijk=stoutenburg",
];

fn classes() -> Vec<(&'static str, Vec<String>)> {
    let c: Vec<String> = TWO
        .iter()
        .enumerate()
        .map(|(i, q)| format!("q={}&{}", q.replace(' ', "+"), FILTERS[i % FILTERS.len()]))
        .collect();
    vec![
        (
            "(a) one word",
            ONE.iter().map(|q| format!("q={q}")).collect(),
        ),
        (
            "(b) two words",
            TWO.iter()
                .map(|q| format!("q={}", q.replace(' ', "+")))
                .collect(),
        ),
        ("(c) two words + theme + wijk", c.clone()),
        (
            "(d) (c) + facets, top 20, snippets",
            c.iter().map(|q| format!("{q}&pageSize=20")).collect(),
        ),
        (
            "(d-) (d) asking for less: facetten=geen, fragmenten=false",
            c.iter()
                .map(|q| format!("{q}&pageSize=20&facetten=geen&fragmenten=false"))
                .collect(),
        ),
        ("(e) browse, all facets", vec!["".to_string()]),
        (
            "(b10) (b), page 10",
            TWO.iter()
                .map(|q| format!("q={}&page=10", q.replace(' ', "+")))
                .collect(),
        ),
        (
            "(s) a sentence",
            SENTENCES
                .iter()
                .map(|q| format!("q={}", q.replace(' ', "+")))
                .collect(),
        ),
    ]
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// Loads `n` synthetic listings straight into the database (bulk SQL, one transaction).
async fn load_corpus(store: &Store, n: usize) -> Duration {
    let started = Instant::now();
    let taxonomy: wegwijzer::import_export::ImportDocument =
        serde_json::from_str(include_str!("../demo/00-taxonomie.json")).unwrap();
    wegwijzer::import_export::import_documents(store, vec![taxonomy])
        .await
        .unwrap();
    let orgs = (n / 200).max(10) as i64;
    let mut tx = store.pool().begin().await.unwrap();
    for chunk in (1..=orgs).collect::<Vec<_>>().chunks(500) {
        let mut qb = QueryBuilder::<Any>::new(
            "INSERT INTO organisations (id, name, description, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut b, id| {
            b.push_bind(*id)
                .push_bind(format!("Organisatie {id}"))
                .push_bind("Synthetisch.")
                .push_bind("2026-01-01T00:00:00.000Z")
                .push_bind("2026-01-01T00:00:00.000Z");
        });
        qb.build().execute(&mut *tx).await.unwrap();
    }
    let mut id = 0i64;
    let mut batch = Vec::with_capacity(400);
    let flush = async |batch: &mut Vec<(i64, corpus::SyntheticListing)>,
                       tx: &mut sqlx::Transaction<'_, Any>| {
        if batch.is_empty() {
            return;
        }
        let mut qb = QueryBuilder::<Any>::new(
            "INSERT INTO listings (id, kind, organisation_id, title, summary, description,
             whole_municipality, min_age, max_age, cost, status, time_commitment, created_at,
             updated_at, last_verified_at, version) ",
        );
        qb.push_values(batch.iter(), |mut b, (id, l)| {
            b.push_bind(*id)
                .push_bind(l.kind)
                .push_bind(l.organisation)
                .push_bind(l.title.clone())
                .push_bind(l.summary.clone())
                .push_bind(l.description.clone())
                .push_bind(l.whole as i64)
                .push_bind(l.min_age)
                .push_bind(l.max_age)
                .push_bind(l.cost)
                .push_bind("gepubliceerd")
                .push_bind(l.commitment)
                .push_bind(l.created_at.clone())
                .push_bind(l.created_at.clone())
                .push_bind(l.created_at.clone())
                .push_bind(1i64);
        });
        qb.build().execute(&mut **tx).await.unwrap();
        for (table, column, rows) in [
            (
                "listing_themes",
                "theme_key",
                batch
                    .iter()
                    .flat_map(|(id, l)| l.themes.iter().map(move |k| (*id, *k)))
                    .collect::<Vec<_>>(),
            ),
            (
                "listing_wijken",
                "wijk_key",
                batch
                    .iter()
                    .flat_map(|(id, l)| l.wijken.iter().map(move |k| (*id, *k)))
                    .collect(),
            ),
            (
                "listing_talents",
                "talent_key",
                batch
                    .iter()
                    .flat_map(|(id, l)| l.talents.iter().map(move |k| (*id, *k)))
                    .collect(),
            ),
        ] {
            for chunk in rows.chunks(1000) {
                let mut qb = QueryBuilder::<Any>::new(format!(
                    "INSERT INTO {table} (listing_id, {column}) "
                ));
                qb.push_values(chunk, |mut b, (id, k)| {
                    b.push_bind(*id).push_bind(*k);
                });
                qb.build().execute(&mut **tx).await.unwrap();
            }
        }
        batch.clear();
    };
    for l in corpus::generate(n, orgs, 42) {
        id += 1;
        batch.push((id, l));
        if batch.len() == 400 {
            flush(&mut batch, &mut tx).await;
        }
    }
    flush(&mut batch, &mut tx).await;
    tx.commit().await.unwrap();
    started.elapsed()
}

struct Row {
    size: usize,
    class: &'static str,
    mode: &'static str,
    p50: Duration,
    p99: Duration,
}

async fn measure<F, Fut>(iterations: usize, queries: &[String], mut run: F) -> (Duration, Duration)
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for q in queries.iter().cycle().take(queries.len().max(10)) {
        run(q.clone()).await; // warm-up
    }
    let mut times = Vec::with_capacity(iterations);
    for q in queries.iter().cycle().take(iterations) {
        let t = Instant::now();
        run(q.clone()).await;
        times.push(t.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

/// The allocator of the shipped binary (see `src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<usize> = args
        .iter()
        .position(|a| a == "--sizes")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.split(',').map(|n| n.parse().unwrap()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000]);
    let http = !args.iter().any(|a| a == "--no-http");
    let plain = args.iter().any(|a| a == "--plain");
    let reuse = args.iter().any(|a| a == "--reuse");
    let per_query = args.iter().any(|a| a == "--per-query");
    // Only the requests containing this text (for profiling one query).
    let only: Option<String> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let mut query_rows: Vec<String> = Vec::new();
    let peer_url = args.iter().any(|a| a == "--peer-postgres").then(|| {
        std::env::var("WEGWIJZER_BENCH_POSTGRES")
            .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/postgres".into())
    });
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");

    let mut rows = Vec::new();
    println!("| items | DB load s | index build s | index peak RSS MiB | index size MiB |");
    println!("|---:|---:|---:|---:|---:|");
    let mut builds = Vec::new();
    let mut peer_loads: Vec<String> = Vec::new();
    let mut paired: Vec<String> = Vec::new();
    let mut overhead_rows: Vec<String> = Vec::new();
    for &size in &sizes {
        let dir = root.join(size.to_string());
        // Written last: a run that stopped half-way leaves no reusable data.
        let complete = dir.join("bench-complete");
        let reusing = reuse && complete.exists();
        if !reusing {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
        }
        let mut config = Config::for_data_dir(&dir);
        config.plain_search = plain;
        config.metrics_token = Some("bench".into());
        let store = Store::connect(&config.database_url()).await.unwrap();
        let index = if reusing {
            Arc::new(SearchIndex::open_with(&config.index_dir(), config.search_features()).unwrap())
        } else {
            let load = load_corpus(&store, size).await;
            reset_peak_rss();
            let index = Arc::new(
                SearchIndex::open_with(&config.index_dir(), config.search_features()).unwrap(),
            );
            let indexer = Indexer::new(store.clone(), index.clone()).unwrap();
            let t = Instant::now();
            indexer.rebuild().await.unwrap();
            let build = t.elapsed();
            let peak = peak_rss_mib();
            let size_mib = dir_size(&config.index_dir()) as f64 / 1024.0 / 1024.0;
            drop(indexer);
            builds.push(format!(
                "| {size} | {:.1} | {:.1} | {peak:.0} | {size_mib:.0} |",
                load.as_secs_f64(),
                build.as_secs_f64()
            ));
            println!("{}", builds.last().unwrap());
            std::fs::write(&complete, b"").unwrap();
            index
        };

        // Experiments: BENCH_PRUNING_BUDGET, BENCH_WIDE_MIN_HITS and BENCH_DIRECT_SCORING_MAX
        // override the defaults.
        if let Some(n) = std::env::var("BENCH_PRUNING_BUDGET")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            index.set_pruning_budget(n);
        }
        if let Some(n) = std::env::var("BENCH_WIDE_MIN_HITS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            index.set_wide_min_hits(n);
        }
        if let Some(n) = std::env::var("BENCH_DIRECT_SCORING_MAX")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            index.set_direct_scoring_max(n);
        }
        let iterations = if size >= 1_000_000 { 60 } else { 300 };
        let taxonomy = store.load_taxonomy().await.unwrap();
        index.set_taxonomy(taxonomy.clone());
        for (class, mut queries) in classes() {
            if let Some(only) = &only {
                queries.retain(|q| q.contains(only.as_str()));
                if queries.is_empty() {
                    continue;
                }
            }
            let reqs = parse_requests(&queries, &taxonomy);
            let by_query: std::collections::HashMap<String, SearchRequest> =
                queries.iter().cloned().zip(reqs).collect();
            let idx = index.clone();
            let (p50, p99) = measure(iterations, &queries, |q| {
                let out = search::search(&idx, &by_query[&q]).unwrap();
                std::hint::black_box(out);
                async {}
            })
            .await;
            rows.push(Row {
                size,
                class,
                mode: "in-process",
                p50,
                p99,
            });
            if per_query {
                for q in &queries {
                    let one = std::slice::from_ref(q);
                    let (p50, _) = measure(iterations / 4, one, |q| {
                        std::hint::black_box(search::search(&idx, &by_query[&q]).unwrap());
                        async {}
                    })
                    .await;
                    let total = search::search(&idx, &by_query[q]).unwrap().total;
                    query_rows.push(format!(
                        "| {size} | {class} | `{q}` | {total} | {} |",
                        ms(p50)
                    ));
                }
            }
        }
        let prefixes: Vec<String> = [
            "schu",
            "vrijw",
            "mantelz",
            "hulp bij for",
            "taalm",
            "oud",
            "koffie och",
            "sp",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let idx = index.clone();
        let (p50, p99) = measure(iterations, &prefixes, |q| {
            std::hint::black_box(search::suggest::suggest(&idx, &q, 5).unwrap());
            async {}
        })
        .await;
        rows.push(Row {
            size,
            class: "(f) suggestions (prefix)",
            mode: "in-process",
            p50,
            p99,
        });
        drop(index);

        if http {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let app = App::start_with_store(&config, store.clone(), listener)
                .await
                .unwrap();
            assert!(app.wait_until_indexed(Duration::from_secs(600)).await);
            let base = format!("http://{}/api/v1/aanbod", app.addr);
            let client = reqwest::Client::new();
            for (class, queries) in classes() {
                let (p50, p99) = measure(iterations, &queries, |q| {
                    let client = client.clone();
                    let url = format!("{base}?{q}");
                    async move {
                        let res = client.get(url).send().await.unwrap();
                        assert_eq!(res.status(), 200);
                        std::hint::black_box(res.bytes().await.unwrap());
                    }
                })
                .await;
                rows.push(Row {
                    size,
                    class,
                    mode: "HTTP",
                    p50,
                    p99,
                });
            }
            // Suggestions as a search box asks for them, one request per typed prefix.
            let suggest_base = format!("http://{}/api/v1/suggesties", app.addr);
            let (p50, p99) = measure(iterations, &prefixes, |q| {
                let client = client.clone();
                let url = format!("{suggest_base}?q={}", q.replace(' ', "+"));
                async move {
                    let res = client.get(url).send().await.unwrap();
                    assert_eq!(res.status(), 200);
                    std::hint::black_box(res.bytes().await.unwrap());
                }
            })
            .await;
            rows.push(Row {
                size,
                class: "(f) suggestions (prefix)",
                mode: "HTTP",
                p50,
                p99,
            });
            // The website's results page for the (d) queries: the same search, rendered as HTML.
            let page_base = format!("http://{}/zoeken", app.addr);
            let d_queries = classes()
                .into_iter()
                .find(|(class, _)| class.starts_with("(d)"))
                .map(|(_, q)| q)
                .unwrap_or_default();
            let (p50, p99) = measure(iterations, &d_queries, |q| {
                let client = client.clone();
                let url = format!("{page_base}?{q}");
                async move {
                    let res = client.get(url).send().await.unwrap();
                    assert_eq!(res.status(), 200);
                    std::hint::black_box(res.bytes().await.unwrap());
                }
            })
            .await;
            rows.push(Row {
                size,
                class: "(g) (d) as the website's results page (HTML)",
                mode: "HTTP",
                p50,
                p99,
            });
            // The page's own cost, paired: each (d) query as JSON and as a page back to back, in
            // alternating order, so a change in the machine's load hits both alike. The median
            // of the per-pair differences is what rendering the page adds.
            let fetch = |url: String| {
                let client = client.clone();
                async move {
                    let t = Instant::now();
                    let res = client.get(url).send().await.unwrap();
                    assert_eq!(res.status(), 200);
                    std::hint::black_box(res.bytes().await.unwrap());
                    t.elapsed().as_secs_f64() * 1000.0
                }
            };
            let mut differences = Vec::with_capacity(iterations);
            for (i, q) in d_queries.iter().cycle().take(iterations).enumerate() {
                let (json_url, page_url) = (format!("{base}?{q}"), format!("{page_base}?{q}"));
                let (json_ms, page_ms) = if i % 2 == 0 {
                    let j = fetch(json_url).await;
                    (j, fetch(page_url).await)
                } else {
                    let p = fetch(page_url).await;
                    (fetch(json_url).await, p)
                };
                differences.push(page_ms - json_ms);
            }
            paired.push(quartile_row(size, differences));
            // The HTTP overhead, paired: each (d) query in process (on the server's own index)
            // and over HTTP back to back, in alternating order. The median of the per-pair
            // differences is what HTTP adds to a search: routing, middleware, the JSON answer,
            // the loopback round trip and the client. Unpaired p50s differ by more than that
            // on this noisy host from one class run to the next.
            let server_index = app.state.index.clone();
            let d_requests = parse_requests(&d_queries, &taxonomy);
            let mut overheads = Vec::with_capacity(iterations);
            for (i, (q, req)) in d_queries
                .iter()
                .zip(&d_requests)
                .cycle()
                .take(iterations)
                .enumerate()
            {
                let in_process = || {
                    let t = Instant::now();
                    std::hint::black_box(search::search(&server_index, req).unwrap());
                    t.elapsed().as_secs_f64() * 1000.0
                };
                let json_url = format!("{base}?{q}");
                let (search_ms, http_ms) = if i % 2 == 0 {
                    let s = in_process();
                    (s, fetch(json_url).await)
                } else {
                    let h = fetch(json_url).await;
                    (in_process(), h)
                };
                overheads.push(http_ms - search_ms);
            }
            overhead_rows.push(quartile_row(size, overheads));
            // The floor: a round trip through the same middleware that reads neither index nor
            // database (the Prometheus text, from memory).
            let floor_url = format!("http://{}/metrics", app.addr);
            let (p50, p99) = measure(iterations, &["".to_string()], |_| {
                let client = client.clone();
                let url = floor_url.clone();
                async move {
                    let res = client.get(url).bearer_auth("bench").send().await.unwrap();
                    assert_eq!(res.status(), 200);
                    std::hint::black_box(res.bytes().await.unwrap());
                }
            })
            .await;
            rows.push(Row {
                size,
                class: "(z) HTTP floor: GET /metrics (no search, no database)",
                mode: "HTTP",
                p50,
                p99,
            });
            app.stop().await.unwrap();
        }
        store.close().await;

        if let Some(url) = &peer_url {
            let (peer, load) = peer_postgres::Peer::load(url, size).await;
            peer_loads.push(format!("| {size} | {:.1} |", load.as_secs_f64()));
            let iterations = if size >= 1_000_000 { 20 } else { 100 };
            for (class, letter) in [
                ("(a) one word", 'a'),
                ("(b) two words", 'b'),
                ("(c) two words + theme + wijk", 'c'),
                ("(d) (c) + facets, top 20, snippets", 'd'),
                ("(e) browse, all facets", 'e'),
            ] {
                let inputs: Vec<String> = (0..10).map(|i| i.to_string()).collect();
                let (p50, p99) = measure(iterations, &inputs, |i| {
                    let i: usize = i.parse().unwrap();
                    let text = if letter == 'a' { ONE[i] } else { TWO[i] };
                    let (theme, wijk) = FILTERS[i % FILTERS.len()]
                        .split_once('&')
                        .map(|(t, w)| {
                            (
                                t.trim_start_matches("thema=").to_string(),
                                w.trim_start_matches("wijk=").to_string(),
                            )
                        })
                        .unwrap();
                    let peer = &peer;
                    async move { peer.run(letter, text, &theme, &wijk).await }
                })
                .await;
                rows.push(Row {
                    size,
                    class,
                    mode: "PostgreSQL FTS",
                    p50,
                    p99,
                });
            }
            peer.pool.close().await;
        }
    }

    if !peer_loads.is_empty() {
        println!();
        println!("| items | PostgreSQL load + index s |");
        println!("|---:|---:|");
        for l in &peer_loads {
            println!("{l}");
        }
        println!();
        println!("| items | query | PostgreSQL p50 ms | Wegwijzer HTTP p50 ms | ratio |");
        println!("|---:|---|---:|---:|---:|");
        for r in rows.iter().filter(|r| r.mode == "PostgreSQL FTS") {
            if let Some(w) = rows
                .iter()
                .find(|w| w.mode == "HTTP" && w.size == r.size && w.class == r.class)
            {
                println!(
                    "| {} | {} | {} | {} | {:.1}x |",
                    r.size,
                    r.class,
                    ms(r.p50),
                    ms(w.p50),
                    r.p50.as_secs_f64() / w.p50.as_secs_f64()
                );
            }
        }
    }
    if !overhead_rows.is_empty() {
        println!();
        println!("HTTP − in-process, (d) queries, paired per request (ms):");
        println!();
        println!("| items | p25 | median | p75 | pairs |");
        println!("|---:|---:|---:|---:|---:|");
        for line in &overhead_rows {
            println!("{line}");
        }
    }
    if !paired.is_empty() {
        println!();
        println!("Results page − JSON, (d) queries, paired per request (ms):");
        println!();
        println!("| items | p25 | median | p75 | pairs |");
        println!("|---:|---:|---:|---:|---:|");
        for line in &paired {
            println!("{line}");
        }
    }
    if !query_rows.is_empty() {
        println!();
        println!("| items | class | request | total | in-process p50 ms |");
        println!("|---:|---|---|---:|---:|");
        for line in &query_rows {
            println!("{line}");
        }
    }
    println!();
    println!("| items | query | mode | p50 ms | p99 ms |");
    println!("|---:|---|---|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} |",
            r.size,
            r.class,
            r.mode,
            ms(r.p50),
            ms(r.p99)
        );
    }
}

/// A table row of paired differences: p25, median, p75 and how many pairs.
fn quartile_row(size: usize, mut differences: Vec<f64>) -> String {
    differences.sort_by(f64::total_cmp);
    let at = |f: f64| differences[((differences.len() - 1) as f64 * f).round() as usize];
    format!(
        "| {size} | {:+.3} | {:+.3} | {:+.3} | {} |",
        at(0.25),
        at(0.5),
        at(0.75),
        differences.len()
    )
}

/// The benchmark's query strings as the API parses them.
fn parse_requests(queries: &[String], taxonomy: &Taxonomy) -> Vec<SearchRequest> {
    queries
        .iter()
        .map(|q| {
            let pairs: Vec<(String, String)> =
                form_urlencoded::parse(q.as_bytes()).into_owned().collect();
            SearchRequest::parse(&pairs, taxonomy).unwrap()
        })
        .collect()
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        dir_size(&p)
                    } else {
                        e.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
