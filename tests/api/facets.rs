//! Disjunctive facet counts, checked against a brute-force count over the database: the count
//! shown for a value equals the number of results ticking that value alone would give, with
//! every other facet's filter applied.

use serde_json::Value;

use crate::helpers::TestApp;
use wegwijzer::domain::{Listing, Taxonomy};

/// (facet name on the wire, filter parameter)
const FACETS: [(&str, &str); 9] = [
    ("soort", "soort"),
    ("thema", "thema"),
    ("wijk", "wijk"),
    ("leeftijdsgroep", "leeftijdsgroep"),
    ("kosten", "kosten"),
    ("talent", "talent"),
    ("tijdsbesteding", "tijdsbesteding"),
    ("taal", "taal"),
    ("toegankelijkheid", "toegankelijkheid"),
];

fn matches(l: &Listing, param: &str, value: &str, t: &Taxonomy) -> bool {
    let has = |v: &[wegwijzer::domain::TermKey]| v.iter().any(|x| x.as_str() == value);
    match param {
        "soort" => l.kind.as_str() == value,
        "thema" => has(&l.themes),
        "wijk" => l.whole_municipality || has(&l.wijken),
        "leeftijdsgroep" => t
            .age_group(value)
            .is_some_and(|g| g.overlaps(l.ages.min(), l.ages.max())),
        "kosten" => l.cost.as_str() == value,
        "talent" => l.vacancy.as_ref().is_some_and(|v| has(&v.talents)),
        "tijdsbesteding" => l
            .vacancy
            .as_ref()
            .is_some_and(|v| v.time_commitment.as_str() == value),
        "taal" => has(&l.languages),
        "toegankelijkheid" => has(&l.accessibility),
        other => panic!("unknown facet {other}"),
    }
}

/// Facet filters: (parameter, values).
type Filters<'a> = Vec<(&'a str, Vec<&'a str>)>;

/// True when `l` passes the filters of `filters` for every facet except `skip`.
fn passes(l: &Listing, filters: &[(&str, Vec<&str>)], skip: Option<&str>, t: &Taxonomy) -> bool {
    filters
        .iter()
        .filter(|(p, _)| Some(*p) != skip)
        .all(|(p, values)| values.iter().any(|v| matches(l, p, v, t)))
}

#[tokio::test]
async fn facet_counts_equal_brute_force_counts() {
    let app = TestApp::with_demo().await;
    let taxonomy = app.store.load_taxonomy().await.unwrap();
    let public = app.public_listings().await;
    let cases: Vec<(&str, Filters)> = vec![
        ("", vec![]),
        ("", vec![("wijk", vec!["achterveld"])]),
        (
            "",
            vec![
                ("wijk", vec!["achterveld", "stoutenburg"]),
                ("thema", vec!["ontmoeting"]),
            ],
        ),
        (
            "",
            vec![
                ("soort", vec!["vacature"]),
                ("talent", vec!["koken", "rijbewijs"]),
            ],
        ),
        (
            "",
            vec![
                ("soort", vec!["initiatief"]),
                ("kosten", vec!["gratis"]),
                ("leeftijdsgroep", vec!["ouderen"]),
            ],
        ),
        (
            "leeftijd=8",
            vec![("thema", vec!["sport-bewegen", "kunst-cultuur"])],
        ),
        (
            "q=hulp",
            vec![
                ("wijk", vec!["hamersveld"]),
                ("tijdsbesteding", vec!["wekelijks"]),
            ],
        ),
        ("q=vrijwilligers", vec![]),
        ("", vec![("taal", vec!["ar", "ti"])]),
        (
            "",
            vec![
                ("toegankelijkheid", vec!["rolstoeltoegankelijk"]),
                ("taal", vec!["en"]),
                ("soort", vec!["voorziening"]),
            ],
        ),
        (
            "q=taal",
            vec![
                ("toegankelijkheid", vec!["ringleiding", "eenvoudige-taal"]),
                ("wijk", vec!["leusden-centrum"]),
            ],
        ),
    ];
    for (extra, filters) in cases {
        // The base set: what the text query / age matches with no facet filter at all.
        let base_ids = app.all_ids(extra).await;
        let base: Vec<&Listing> = public.iter().filter(|l| base_ids.contains(&l.id)).collect();

        let mut query: Vec<String> = filters
            .iter()
            .flat_map(|(p, vs)| vs.iter().map(move |v| format!("{p}={v}")))
            .collect();
        if !extra.is_empty() {
            query.push(extra.to_string());
        }
        let query = query.join("&");
        let body: Value = app.search(&query).await;

        let expected_total = base
            .iter()
            .filter(|l| passes(l, &filters, None, &taxonomy))
            .count();
        assert_eq!(
            body["totaal"].as_u64().unwrap() as usize,
            expected_total,
            "total for {query}"
        );

        for (facet, param) in FACETS {
            let Some(values) = body["facetten"][facet].as_array() else {
                // Vacancy facets are omitted only when no vacancy is in view.
                let vacancies = base
                    .iter()
                    .filter(|l| {
                        l.vacancy.is_some() && passes(l, &filters, Some("soort"), &taxonomy)
                    })
                    .count();
                assert!(
                    facet != "talent" && facet != "tijdsbesteding"
                        || vacancies == 0
                        || filters
                            .iter()
                            .any(|(p, v)| *p == "soort" && !v.contains(&"vacature")),
                    "{facet} missing for {query}"
                );
                continue;
            };
            for v in values {
                let value = v["waarde"].as_str().unwrap();
                let expected = base
                    .iter()
                    .filter(|l| {
                        passes(l, &filters, Some(param), &taxonomy)
                            && matches(l, param, value, &taxonomy)
                    })
                    .count();
                assert_eq!(
                    v["aantal"].as_u64().unwrap() as usize,
                    expected,
                    "{facet}={value} for {query}"
                );
                let selected = filters
                    .iter()
                    .any(|(p, vs)| *p == param && vs.contains(&value));
                assert_eq!(
                    v["geselecteerd"].as_bool().unwrap(),
                    selected,
                    "{facet}={value} selected"
                );
            }
        }
    }
}

#[tokio::test]
async fn ticking_a_wijk_keeps_the_other_wijken_counted() {
    let app = TestApp::with_demo().await;
    let body = app.search("wijk=achterveld").await;
    let wijken = body["facetten"]["wijk"].as_array().unwrap();
    let nonzero = wijken
        .iter()
        .filter(|w| w["aantal"].as_u64().unwrap() > 0)
        .count();
    assert_eq!(
        nonzero,
        wijken.len(),
        "every wijk keeps a count: {wijken:?}"
    );
}

#[tokio::test]
async fn clients_can_leave_out_facets_and_snippets_and_get_the_same_results() {
    let app = TestApp::with_demo().await;
    let ids = |body: &serde_json::Value| -> Vec<i64> {
        body["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    let full = app.search("q=hulp&pageSize=20").await;
    assert!(
        full["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["fragment"].is_string()),
        "{full}"
    );

    // Two facets: only those, with the same counts; the same results and total.
    let some = app
        .search("q=hulp&pageSize=20&facetten=thema&facetten=wijk")
        .await;
    let keys: Vec<&String> = some["facetten"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["thema", "wijk"], "{some}");
    assert_eq!(some["facetten"]["thema"], full["facetten"]["thema"]);
    assert_eq!(some["facetten"]["wijk"], full["facetten"]["wijk"]);
    assert_eq!(
        (some["totaal"].clone(), ids(&some)),
        (full["totaal"].clone(), ids(&full))
    );

    // None, and no snippets: the same results, without either.
    let bare = app
        .search("q=hulp&pageSize=20&facetten=geen&fragmenten=false")
        .await;
    assert_eq!(bare["facetten"], serde_json::json!({}), "{bare}");
    assert_eq!(
        (bare["totaal"].clone(), ids(&bare)),
        (full["totaal"].clone(), ids(&full))
    );
    assert!(
        bare["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["fragment"].is_null()),
        "{bare}"
    );

    // A vacancy facet asked for while no vacancy is in view stays null, as in the full answer.
    let services = app
        .search("q=hulp&soort=voorziening&facetten=talent,soort")
        .await;
    assert_eq!(services["facetten"]["talent"], serde_json::Value::Null);
    assert!(
        services["facetten"]
            .as_object()
            .unwrap()
            .contains_key("talent")
    );
    assert!(
        !services["facetten"]
            .as_object()
            .unwrap()
            .contains_key("tijdsbesteding")
    );

    // The website always shows every facet.
    let page = app
        .get("/zoeken?q=hulp&facetten=geen&fragmenten=false")
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Wijk") && html.contains("<mark>"),
        "facets and snippets on the page"
    );
}
