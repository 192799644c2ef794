//! Searching the demo data: stemming, filters, pagination, sorting, visibility, detail pages.

use std::collections::HashSet;

use crate::helpers::{TestApp, sorted};
use wegwijzer::domain::{Kind, Status};

#[tokio::test]
async fn inflected_forms_find_the_same_items() {
    let app = TestApp::with_demo().await;
    let pairs = [
        ("schulden", "schuld"),
        ("vrijwilligers", "vrijwilliger"),
        ("ouderen", "oudere"),
        ("maaltijden", "maaltijd"),
    ];
    for (a, b) in pairs {
        let ids_a = sorted(app.all_ids(&format!("q={a}")).await);
        let ids_b = sorted(app.all_ids(&format!("q={b}")).await);
        assert!(!ids_a.is_empty(), "{a} finds nothing");
        assert_eq!(ids_a, ids_b, "{a} and {b} should find the same items");
    }
}

#[tokio::test]
async fn every_hit_contains_the_search_word_in_some_form() {
    let app = TestApp::with_demo().await;
    let public = app.public_listings().await;
    let ids = app.all_ids("q=schulden").await;
    assert!(ids.len() >= 3);
    // Accepted: the word (any inflection or compound), one of its synonyms, or a theme whose
    // label says it ("Geld en schulden": theme labels are searchable), or a need of a
    // situation the word makes (`index/situaties.txt`).
    let lexicon = wegwijzer::search::lexicon::Lexicon::shipped();
    let words = vec!["schulden".to_string()];
    let concept = &lexicon.synonyms.concepts(&words)[0];
    let mut accepted: Vec<String> = concept.synonyms.iter().map(|t| t.join(" ")).collect();
    for m in lexicon
        .situations
        .find(&[wegwijzer::search::situations::fillers(&words)])
    {
        accepted.extend(m.needs.iter().map(|n| n.join(" ")));
    }
    accepted.push("schuld".into());
    for id in &ids {
        let l = public.iter().find(|l| l.id == *id).unwrap();
        let text = format!(
            "{} {} {} {}",
            l.title, l.summary, l.description, l.organisation_name
        )
        .to_lowercase()
        .replace('ë', "e");
        assert!(
            accepted.iter().any(|a| text.contains(a.as_str()))
                || l.themes.iter().any(|t| t == "geldzaken"),
            "{} mentions neither schulden nor a synonym ({accepted:?})",
            l.title
        );
    }
    // And every public listing that literally says "schulden" is found.
    for l in &public {
        let text = format!("{} {} {}", l.title, l.summary, l.description).to_lowercase();
        if text
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "schulden")
        {
            assert!(
                ids.contains(&l.id),
                "{} mentions schulden but was not found",
                l.title
            );
        }
    }
}

#[tokio::test]
async fn results_rank_title_matches_first_and_show_highlighted_snippets() {
    let app = TestApp::with_demo().await;
    let body = app.search("q=voedselbank").await;
    let first = &body["resultaten"][0];
    assert!(
        first["titel"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("voedsel")
    );
    let with_mark = body["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["fragment"].as_str())
        .filter(|f| f.contains("<mark>"))
        .count();
    assert!(with_mark > 0, "no highlighted snippet: {body}");
}

#[tokio::test]
async fn filters_agree_with_a_brute_force_pass_over_the_database() {
    let app = TestApp::with_demo().await;
    let public = app.public_listings().await;
    type Pred = Box<dyn Fn(&wegwijzer::domain::Listing) -> bool>;
    let has = |v: &[wegwijzer::domain::TermKey], k: &str| v.iter().any(|x| x.as_str() == k);
    let cases: Vec<(&str, &str, Pred)> = vec![
        (
            "kind",
            "soort=vacature",
            Box::new(|l| l.kind == Kind::Vacature),
        ),
        (
            "two kinds",
            "soort=voorziening,initiatief",
            Box::new(|l| l.kind != Kind::Vacature),
        ),
        (
            "theme",
            "thema=geldzaken",
            Box::new(move |l| has(&l.themes, "geldzaken")),
        ),
        (
            "themes OR",
            "thema=geldzaken&thema=mantelzorg",
            Box::new(move |l| has(&l.themes, "geldzaken") || has(&l.themes, "mantelzorg")),
        ),
        (
            "wijk includes municipality-wide",
            "wijk=achterveld",
            Box::new(move |l| l.whole_municipality || has(&l.wijken, "achterveld")),
        ),
        (
            "age inside range",
            "leeftijd=15",
            Box::new(|l| l.ages.contains(15)),
        ),
        ("age 0", "leeftijd=0", Box::new(|l| l.ages.contains(0))),
        (
            "cost",
            "kosten=gratis",
            Box::new(|l| l.cost.as_str() == "gratis"),
        ),
        (
            "talent",
            "talent=koken",
            Box::new(move |l| l.vacancy.as_ref().is_some_and(|v| has(&v.talents, "koken"))),
        ),
        (
            "commitment",
            "tijdsbesteding=eenmalig",
            Box::new(|l| {
                l.vacancy
                    .as_ref()
                    .is_some_and(|v| v.time_commitment.as_str() == "eenmalig")
            }),
        ),
        (
            "age group overlaps",
            "leeftijdsgroep=tieners",
            Box::new(|l| l.ages.min() <= 17 && l.ages.max() >= 12),
        ),
        (
            "AND across facets",
            "soort=initiatief&thema=ontmoeting&wijk=hamersveld&leeftijd=70",
            Box::new(move |l| {
                l.kind == Kind::Initiatief
                    && has(&l.themes, "ontmoeting")
                    && (l.whole_municipality || has(&l.wijken, "hamersveld"))
                    && l.ages.contains(70)
            }),
        ),
    ];
    for (name, query, pred) in cases {
        let expected: Vec<i64> = sorted(public.iter().filter(|l| pred(l)).map(|l| l.id).collect());
        let got = sorted(app.all_ids(query).await);
        assert!(
            !expected.is_empty(),
            "{name}: the demo data should have matches"
        );
        assert_eq!(got, expected, "{name} ({query})");
    }
}

#[tokio::test]
async fn pages_cover_every_result_once_in_every_sort_order() {
    let app = TestApp::with_demo().await;
    for sort in ["relevantie", "nieuwste", "titel"] {
        for q in ["", "q=hulp"] {
            let all = app.all_ids(&format!("{q}&sorteer={sort}")).await;
            let mut walked = Vec::new();
            let mut page = 1;
            loop {
                let res = app
                    .get(&format!(
                        "/api/v1/aanbod?{q}&sorteer={sort}&pageSize=7&page={page}"
                    ))
                    .await;
                let link = res.headers()["link"].to_str().unwrap().to_string();
                let body: serde_json::Value = res.json().await.unwrap();
                let results = body["resultaten"].as_array().unwrap();
                walked.extend(results.iter().map(|r| r["id"].as_i64().unwrap()));
                let total = body["totaal"].as_u64().unwrap();
                if (page * 7) as u64 >= total {
                    assert!(
                        !link.contains("rel=\"next\""),
                        "last page has no next: {link}"
                    );
                    break;
                }
                assert!(
                    link.contains("rel=\"next\""),
                    "page {page} lacks next: {link}"
                );
                page += 1;
            }
            let unique: HashSet<_> = walked.iter().collect();
            assert_eq!(unique.len(), walked.len(), "duplicates ({sort}, {q})");
            assert_eq!(walked, all, "pages differ from one big page ({sort}, {q})");
        }
    }
}

/// Titles folded as a reader of a Dutch list expects, written here independently of the
/// production sort key: case and accents do not count, punctuation does not count.
fn reader_order(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect()
}

#[tokio::test]
async fn sorting_by_title_is_alphabetical_and_newest_is_by_creation() {
    let app = TestApp::with_demo().await;
    let body = app.search("sorteer=titel&pageSize=100").await;
    let titles: Vec<String> = body["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["titel"].as_str().unwrap().to_string())
        .collect();
    assert!(titles.len() >= 50);
    for pair in titles.windows(2) {
        assert!(
            reader_order(&pair[0]) <= reader_order(&pair[1]),
            "{:?} before {:?}",
            pair[0],
            pair[1]
        );
    }

    // Newest: give five items distinct creation moments, re-index them, and compare the whole
    // order with one computed from the database: newest first, then the lowest id.
    let admin = app.token_for("admin", None).await;
    let picked: Vec<i64> = app
        .public_listings()
        .await
        .iter()
        .rev()
        .step_by(7)
        .take(5)
        .map(|l| l.id)
        .collect();
    for (i, id) in picked.iter().enumerate() {
        sqlx::query("UPDATE listings SET created_at = $1 WHERE id = $2")
            .bind(format!("2030-0{}-01T12:00:00.000Z", i + 1))
            .bind(*id)
            .execute(app.store.pool())
            .await
            .unwrap();
        let a = app
            .call(
                "POST",
                &format!("/api/v1/beheer/aanbod/{id}/controles"),
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(a.status, 200);
    }
    app.wait_indexed().await;
    let mut expected: Vec<(i64, i64)> = app
        .public_listings()
        .await
        .iter()
        .map(|l| (l.created_at.timestamp(), l.id))
        .collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let expected: Vec<i64> = expected.into_iter().map(|(_, id)| id).collect();
    assert_eq!(
        &expected[..5],
        &[picked[4], picked[3], picked[2], picked[1], picked[0]]
    );
    assert_eq!(app.all_ids("sorteer=nieuwste").await, expected);
}

#[tokio::test]
async fn drafts_archived_and_expired_items_stay_out_of_public_view() {
    let app = TestApp::with_demo().await;
    let all = app.all_listings().await;
    let hidden: Vec<_> = all
        .iter()
        .filter(|l| !l.is_public_on(wegwijzer::domain::listing::today()))
        .collect();
    assert!(hidden.iter().any(|l| l.status == Status::Concept));
    assert!(hidden.iter().any(|l| l.status == Status::Gearchiveerd));
    assert!(
        hidden.iter().any(|l| l.status == Status::Gepubliceerd),
        "the demo has a published vacancy past its end date"
    );
    let browse = app.all_ids("").await;
    for l in hidden {
        assert!(!browse.contains(&l.id), "{} is visible", l.title);
        let res = app.get(&format!("/api/v1/aanbod/{}", l.id)).await;
        assert_eq!(res.status(), 404, "{} detail is visible", l.title);
        let title_search = app.all_ids(&format!("q={}", urlencode(&l.title))).await;
        assert!(!title_search.contains(&l.id));
    }
    assert_eq!(browse.len(), app.public_listings().await.len());
}

#[tokio::test]
async fn detail_organisation_and_taxonomy_endpoints_show_published_data() {
    let app = TestApp::with_demo().await;
    let public = app.public_listings().await;
    let l = public.iter().find(|l| l.kind == Kind::Vacature).unwrap();
    let body = app.get_json(&format!("/api/v1/aanbod/{}", l.id)).await;
    assert_eq!(body["titel"], l.title.as_str());
    assert_eq!(body["beschrijving"], l.description.as_str());
    assert!(body["vacature"]["tijdsbesteding"].is_string());
    assert!(body["themas"][0]["label"].is_string());

    let org = app
        .get_json(&format!("/api/v1/organisaties/{}", l.organisation_id))
        .await;
    assert_eq!(org["naam"], l.organisation_name.as_str());
    let offered: Vec<i64> = org["aanbod"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = sorted(
        public
            .iter()
            .filter(|x| x.organisation_id == l.organisation_id)
            .map(|x| x.id)
            .collect(),
    );
    assert_eq!(sorted(offered), expected);

    let orgs = app.get_json("/api/v1/organisaties?pageSize=100").await;
    assert_eq!(orgs["totaal"], 34);
    for path in ["themas", "wijken", "leeftijdsgroepen", "talenten"] {
        let list = app.get_json(&format!("/api/v1/{path}")).await;
        assert!(list.as_array().unwrap().len() >= 6, "{path}");
        assert!(list[0]["sleutel"].is_string() && list[0]["label"].is_string());
    }
    let groups = app.get_json("/api/v1/leeftijdsgroepen").await;
    assert!(groups[0]["minLeeftijd"].is_number());
}

#[tokio::test]
async fn health_reports_a_built_index_without_lag() {
    let app = TestApp::with_demo().await;
    let res = app.get("/api/v1/health").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["index"]["achterstand"], 0);
    assert_eq!(
        body["index"]["documenten"].as_u64().unwrap() as usize,
        app.all_listings()
            .await
            .iter()
            .filter(|l| l.status == Status::Gepubliceerd)
            .count()
    );
}

/// The demo data after every `step`-th public item was confirmed by an editor: re-indexed, so
/// its old document stays in its segment as a deletion.
async fn demo_with_deletions(step: usize) -> TestApp {
    let app = TestApp::with_demo().await;
    let admin = app.token_for("admin", None).await;
    for l in app.public_listings().await.iter().step_by(step) {
        let res = app
            .call(
                "POST",
                &format!("/api/v1/beheer/aanbod/{}/controles", l.id),
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(res.status, 200);
    }
    app.wait_indexed().await;
    app
}

/// "Every vacancy" read from the segments' kind bitmaps finds exactly the documents of the
/// kind's postings, in every segment, deleted ones included (the collector leaves those out).
#[tokio::test]
async fn every_item_of_a_kind_from_the_bitmaps_is_every_item_with_the_kinds_term() {
    use tantivy::collector::DocSetCollector;
    use tantivy::query::TermQuery;
    let app = demo_with_deletions(4).await;
    let index = app.index();
    let searcher = index.searcher();
    assert!(searcher.segment_readers().len() > 1);
    for kind in [Kind::Vacature, Kind::Voorziening, Kind::Initiatief] {
        let by_bitmap = wegwijzer::search::kinds::KindQuery::new(
            index.fields().kind,
            kind,
            4.0,
            index.row_source(),
        );
        let by_postings = TermQuery::new(
            tantivy::Term::from_field_text(index.fields().kind, kind.as_str()),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let a = searcher.search(&by_bitmap, &DocSetCollector).unwrap();
        let b = searcher.search(&by_postings, &DocSetCollector).unwrap();
        assert!(!a.is_empty(), "{kind:?}");
        assert_eq!(a, b, "{kind:?}");
        // Every match scores the constant.
        let top = searcher
            .search(
                &by_bitmap,
                &tantivy::collector::TopDocs::with_limit(500).order_by_score(),
            )
            .unwrap();
        assert_eq!(top.len(), a.len());
        assert!(top.iter().all(|(score, _)| *score == 4.0));
    }
}

/// Searches with many matches count with bitmaps and prune their ranking (`search::wide`).
/// Taking that way on the demo data must answer exactly like the usual pass: totals, every
/// facet count, the results and their order, with filters and on deeper pages, also after
/// edits left deleted documents in old segments.
#[tokio::test]
async fn many_matches_answer_exactly_like_the_usual_pass() {
    let app = demo_with_deletions(4).await;
    let index = app.index();
    let queries = [
        "q=hulp",
        "q=hulp&pageSize=5&page=3",
        "q=voor",
        "q=vrijwilligers",
        "q=hulp+bij+geld",
        "q=ik+wil+helpen",
        "q=mantelzorg",
        "q=koffie&pageSize=100",
        "q=ouderen&pageSize=50",
        "q=hulp&thema=geldzaken",
        "q=hulp&wijk=hamersveld&soort=voorziening",
        "q=activiteiten&leeftijdsgroep=ouderen&kosten=gratis",
        "q=hulp&taal=en",
        "q=de&pageSize=3&page=7",
        // Filtered intersections: the concepts' bitmaps ANDed, their alternatives' ORed.
        "q=hulp+ouderen&thema=zorg-gezondheid",
        "q=vrijwilligers+ouderen&soort=vacature&pageSize=30",
        "q=hulp+thuis&wijk=hamersveld",
        "q=ik+kan+de+huur+niet+meer+betalen&kosten=gratis",
        "q=schuldhulpverlening&soort=voorziening",
        "q=koffie+drinken+met+buren&leeftijdsgroep=ouderen",
        // Sentences no item has every word of: the fallback, its scores scaled by coverage.
        "q=mijn+pensioen+is+te+krap+voor+de+boodschappen",
        "q=ik+heb+geen+geld+voor+een+fiets+voor+mijn+zoon&pageSize=30",
        "q=wie+maakt+mijn+huis+schoon+want+ik+kan+niet+meer+bukken&thema=zorg-gezondheid",
    ];
    let mut wide_before = index.wide_segments();
    for q in queries {
        index.set_wide_min_hits(u32::MAX);
        let usual = app.search(q).await;
        assert_eq!(index.wide_segments(), wide_before, "{q}");
        index.set_wide_min_hits(1);
        // The few documents left scored one by one (the demo's sizes), pruned, and (no
        // budget) every match scored.
        let wide = app.search(q).await;
        index.set_direct_scoring_max(0);
        let pruned = app.search(q).await;
        index.set_pruning_budget(0);
        let scored = app.search(q).await;
        index.set_pruning_budget(wegwijzer::search::wide::DEFAULT_PRUNING_BUDGET);
        index.set_direct_scoring_max(wegwijzer::search::wide::DEFAULT_DIRECT_SCORING_MAX);
        assert_eq!(pruned, wide, "{q}: pruned");
        assert_eq!(scored, wide, "{q}: scoring every match");
        let ids = |v: &serde_json::Value| -> Vec<i64> {
            v["resultaten"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect()
        };
        assert_eq!(usual["totaal"], wide["totaal"], "{q}");
        assert_eq!(ids(&usual), ids(&wide), "{q}");
        assert_eq!(usual, wide, "{q}");
        if usual["totaal"].as_u64().unwrap() > 40 {
            assert!(
                index.wide_segments() > wide_before,
                "{q} took the usual way"
            );
        }
        wide_before = index.wide_segments();
    }
    // Unfiltered, every match of an intersection is a result to rank: the usual pass.
    index.set_wide_min_hits(1);
    let ranked_all = app.search("q=hulp+ouderen").await;
    assert!(ranked_all["totaal"].as_u64().unwrap() > 0);
    assert_eq!(index.wide_segments(), wide_before, "hulp ouderen");
    index.set_wide_min_hits(wegwijzer::search::wide::DEFAULT_MIN_HITS);
}

pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Browsing without text or filters is answered from per-segment summaries; selecting every
/// kind asks the same question through the full scan. Both must agree on the total, every
/// facet count and the order of every sort, also after edits left deleted documents behind in
/// old segments.
#[tokio::test]
async fn browsing_answers_exactly_like_a_full_scan_after_edits() {
    let app = demo_with_deletions(5).await;
    let every_kind = "soort=voorziening&soort=initiatief&soort=vacature";
    let without_selection = |mut v: serde_json::Value| {
        for facet in v["facetten"].as_object_mut().unwrap().values_mut() {
            for value in facet.as_array_mut().into_iter().flatten() {
                value.as_object_mut().unwrap().remove("geselecteerd");
            }
        }
        v.as_object_mut().unwrap().remove("_links");
        v
    };
    for sort in ["relevantie", "nieuwste", "titel"] {
        for page in ["pageSize=20", "pageSize=7&page=3"] {
            let browse = app.search(&format!("sorteer={sort}&{page}")).await;
            let scan = app
                .search(&format!("sorteer={sort}&{page}&{every_kind}"))
                .await;
            assert!(browse["totaal"].as_u64().unwrap() > 100);
            assert_eq!(
                without_selection(browse),
                without_selection(scan),
                "{sort} {page}"
            );
        }
    }
}
