//! Property tests: random corpora and random filter combinations, checked against a
//! brute-force oracle over the same items. Hits and every disjunctive facet count must agree,
//! including taxonomies at the 64-term limit (the last bit of a term set), municipality-wide
//! items (they count for every wijk) and age-group overlaps. proptest shrinks a failing case
//! to a small corpus; `PROPTEST_CASES` runs more of them.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use wegwijzer::import_export::import_documents;

const KINDS: [&str; 3] = ["voorziening", "initiatief", "vacature"];
const COSTS: [&str; 3] = ["gratis", "kleine-bijdrage", "betaald"];
const COMMITMENTS: [&str; 3] = ["eenmalig", "incidenteel", "wekelijks"];
const TALENTS: [&str; 4] = ["koken", "rijbewijs", "computer", "luisteren"];
const LANGUAGES: [&str; 4] = ["nl", "en", "ar", "ti"];
const FEATURES: [&str; 3] = ["rolstoeltoegankelijk", "ringleiding", "eenvoudige-taal"];
/// (key, min age, max age), overlapping on purpose.
const AGE_GROUPS: [(&str, u8, u8); 4] = [
    ("kinderen", 4, 11),
    ("tieners", 12, 17),
    ("jongeren", 12, 26),
    ("ouderen", 65, 120),
];

#[derive(Debug, Clone)]
struct Item {
    kind: usize,
    themes: BTreeSet<usize>,
    wijken: BTreeSet<usize>,
    whole: bool,
    ages: (u8, u8),
    cost: usize,
    commitment: usize,
    talents: BTreeSet<usize>,
    languages: BTreeSet<usize>,
    features: BTreeSet<usize>,
}

#[derive(Debug, Clone)]
struct Corpus {
    themes: usize,
    wijken: usize,
    items: Vec<Item>,
    /// Filter combinations: (facet parameter, chosen value indices).
    searches: Vec<Vec<(usize, BTreeSet<usize>)>>,
}

/// Facet parameters in the order the oracle numbers them.
const PARAMS: [&str; 9] = [
    "soort",
    "thema",
    "wijk",
    "leeftijdsgroep",
    "kosten",
    "talent",
    "tijdsbesteding",
    "taal",
    "toegankelijkheid",
];

fn theme_key(i: usize) -> String {
    format!("thema-{i:02}")
}

fn wijk_key(i: usize) -> String {
    format!("wijk-{i}")
}

fn value_key(param: usize, i: usize) -> String {
    match PARAMS[param] {
        "soort" => KINDS[i].into(),
        "thema" => theme_key(i),
        "wijk" => wijk_key(i),
        "leeftijdsgroep" => AGE_GROUPS[i].0.into(),
        "kosten" => COSTS[i].into(),
        "talent" => TALENTS[i].into(),
        "tijdsbesteding" => COMMITMENTS[i].into(),
        "taal" => LANGUAGES[i].into(),
        _ => FEATURES[i].into(),
    }
}

fn values_of(param: usize, c: &Corpus) -> usize {
    match PARAMS[param] {
        "soort" => KINDS.len(),
        "thema" => c.themes,
        "wijk" => c.wijken,
        "leeftijdsgroep" => AGE_GROUPS.len(),
        "kosten" => COSTS.len(),
        "talent" => TALENTS.len(),
        "tijdsbesteding" => COMMITMENTS.len(),
        "taal" => LANGUAGES.len(),
        _ => FEATURES.len(),
    }
}

/// The oracle: does `item` have value `i` of facet `param`?
fn has(item: &Item, param: usize, i: usize) -> bool {
    let vacancy = KINDS[item.kind] == "vacature";
    match PARAMS[param] {
        "soort" => item.kind == i,
        "thema" => item.themes.contains(&i),
        "wijk" => item.whole || item.wijken.contains(&i),
        "leeftijdsgroep" => item.ages.0 <= AGE_GROUPS[i].2 && AGE_GROUPS[i].1 <= item.ages.1,
        "kosten" => item.cost == i,
        "talent" => vacancy && item.talents.contains(&i),
        "tijdsbesteding" => vacancy && item.commitment == i,
        "taal" => item.languages.contains(&i),
        _ => item.features.contains(&i),
    }
}

fn passes(item: &Item, filters: &[(usize, BTreeSet<usize>)], skip: Option<usize>) -> bool {
    filters
        .iter()
        .filter(|(p, _)| Some(*p) != skip)
        .all(|(p, values)| values.iter().any(|v| has(item, *p, *v)))
}

fn subset(max: usize, most: usize) -> impl Strategy<Value = BTreeSet<usize>> {
    proptest::collection::btree_set(0..max, 0..=most.min(max))
}

fn corpus() -> impl Strategy<Value = Corpus> {
    // A third of the corpora use all 64 themes: the last bit of a term set.
    (prop_oneof![Just(64usize), 1usize..64], 1usize..=9).prop_flat_map(|(themes, wijken)| {
        let item = (
            0..KINDS.len(),
            subset(themes, 3),
            subset(wijken, 3),
            prop::bool::weighted(0.25),
            (0u8..=90, 0u8..=40),
            0..COSTS.len(),
            0..COMMITMENTS.len(),
            subset(TALENTS.len(), 2),
            subset(LANGUAGES.len(), 2),
            subset(FEATURES.len(), 2),
        )
            .prop_map(
                move |(
                    kind,
                    t,
                    w,
                    whole,
                    (min, span),
                    cost,
                    commitment,
                    talents,
                    languages,
                    features,
                )| {
                    Item {
                        kind,
                        // Every item has a theme; the highest one now and then.
                        themes: if t.is_empty() {
                            BTreeSet::from([themes - 1])
                        } else {
                            t
                        },
                        wijken: w,
                        whole,
                        ages: (min, (u16::from(min) + u16::from(span)).min(120) as u8),
                        cost,
                        commitment,
                        talents,
                        languages,
                        features,
                    }
                },
            );
        let filter = (0..PARAMS.len()).prop_flat_map(move |param| {
            let n = match PARAMS[param] {
                "thema" => themes,
                "wijk" => wijken,
                "soort" | "kosten" | "tijdsbesteding" => 3,
                "leeftijdsgroep" | "talent" | "taal" => 4,
                _ => 3,
            };
            (
                Just(param),
                proptest::collection::btree_set(0..n, 1..=2.min(n)),
            )
        });
        let search = proptest::collection::vec(filter, 0..=3).prop_map(|mut fs| {
            // One filter per facet, as a form sends them.
            fs.sort_by_key(|(p, _)| *p);
            fs.dedup_by_key(|(p, _)| *p);
            fs
        });
        (
            Just(themes),
            Just(wijken),
            proptest::collection::vec(item, 1..35),
            proptest::collection::vec(search, 1..=4),
        )
            .prop_map(|(themes, wijken, items, searches)| Corpus {
                themes,
                wijken,
                items,
                searches,
            })
    })
}

fn documents(c: &Corpus) -> Vec<Value> {
    let terms = |keys: Vec<String>| -> Vec<Value> {
        keys.into_iter()
            .map(|k| json!({"sleutel": k, "label": format!("Label {k}")}))
            .collect()
    };
    let taxonomy = json!({"taxonomie": {
        "themas": terms((0..c.themes).map(theme_key).collect()),
        "wijken": terms((0..c.wijken).map(wijk_key).collect()),
        "leeftijdsgroepen": AGE_GROUPS.iter().map(|(k, min, max)| json!({
            "sleutel": k, "label": k, "minLeeftijd": min, "maxLeeftijd": max})).collect::<Vec<_>>(),
        "talenten": terms(TALENTS.iter().map(|t| t.to_string()).collect()),
    }});
    let organisation = json!({"organisaties": [{"externId": "org-eigenschap",
        "naam": "Stichting Eigenschap", "beschrijving": "Een organisatie voor de test."}]});
    let items: Vec<Value> = c
        .items
        .iter()
        .enumerate()
        .map(|(n, it)| {
            let kind = KINDS[it.kind];
            let mut v = json!({
                "externId": format!("e-{n}"), "soort": kind, "organisatie": "org-eigenschap",
                "titel": format!("Activiteit nummer {n}"),
                "samenvatting": "Een activiteit voor de eigenschapstest.",
                "themas": it.themes.iter().map(|t| theme_key(*t)).collect::<Vec<_>>(),
                "wijken": if it.whole { vec![] } else {
                    it.wijken.iter().map(|w| wijk_key(*w)).collect::<Vec<_>>()
                },
                "heleGemeente": it.whole || it.wijken.is_empty(),
                "minLeeftijd": it.ages.0, "maxLeeftijd": it.ages.1,
                "kosten": COSTS[it.cost],
                "talen": it.languages.iter().map(|l| LANGUAGES[*l]).collect::<Vec<_>>(),
                "toegankelijkheid": it.features.iter().map(|f| FEATURES[*f]).collect::<Vec<_>>(),
                "status": "gepubliceerd",
            });
            if kind == "vacature" {
                v["vacature"] = json!({"tijdsbesteding": COMMITMENTS[it.commitment],
                    "talenten": it.talents.iter().map(|t| TALENTS[*t]).collect::<Vec<_>>()});
            }
            v
        })
        .collect();
    vec![taxonomy, organisation, json!({"aanbod": items})]
}

async fn check(c: Corpus) -> Result<(), TestCaseError> {
    // An item with no wijk is municipality-wide: make the oracle see what was imported.
    let mut c = c;
    for it in &mut c.items {
        if it.wijken.is_empty() {
            it.whole = true;
        }
    }
    let app = TestApp::spawn().await;
    let docs = documents(&c)
        .into_iter()
        .map(|d| serde_json::from_value(d).unwrap())
        .collect();
    let report = import_documents(&app.store, docs).await.unwrap();
    app.wait_indexed().await;
    prop_assert_eq!(
        app.search("pageSize=1").await["totaal"].as_u64().unwrap() as usize,
        c.items.len(),
        "every item imported: {}",
        report
    );
    for filters in &c.searches {
        let query: Vec<String> = filters
            .iter()
            .flat_map(|(p, vs)| {
                vs.iter()
                    .map(move |v| format!("{}={}", PARAMS[*p], value_key(*p, *v)))
            })
            .chain(std::iter::once("pageSize=100".to_string()))
            .collect();
        let query = query.join("&");
        let body = app.search(&query).await;
        let expected: usize = c.items.iter().filter(|i| passes(i, filters, None)).count();
        prop_assert_eq!(
            body["totaal"].as_u64().unwrap() as usize,
            expected,
            "{}",
            query
        );
        for param in 0..PARAMS.len() {
            let Some(values) = body["facetten"][PARAMS[param]].as_array() else {
                continue;
            };
            for i in 0..values_of(param, &c) {
                let key = value_key(param, i);
                let shown = values
                    .iter()
                    .find(|v| v["waarde"] == key.as_str())
                    .map_or(0, |v| v["aantal"].as_u64().unwrap() as usize);
                let want = c
                    .items
                    .iter()
                    .filter(|it| passes(it, filters, Some(param)) && has(it, param, i))
                    .count();
                prop_assert_eq!(shown, want, "{}={} for {}", PARAMS[param], key, query);
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facet_counts_and_hits_equal_a_brute_force_oracle_on_random_corpora() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12);
    let mut runner = TestRunner::new(RunnerConfig {
        cases,
        max_shrink_iters: 200,
        ..RunnerConfig::default()
    });
    let handle = tokio::runtime::Handle::current();
    let result =
        tokio::task::block_in_place(|| runner.run(&corpus(), |c| handle.block_on(check(c))));
    if let Err(e) = result {
        panic!("{e}");
    }
}
