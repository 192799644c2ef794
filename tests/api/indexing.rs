//! The index is derived from the database: incremental updates, rebuilds, restarts and a deleted
//! index directory all converge to the same search results.

use serde_json::Value;

use crate::helpers::TestApp;
use wegwijzer::index::SearchIndex;
use wegwijzer::index::writer::Indexer;

const PROBES: [&str; 8] = [
    "",
    "q=schulden",
    "q=vrijwilligers&soort=vacature",
    "q=hulp&wijk=achterveld",
    "thema=ontmoeting&leeftijd=70",
    "q=koken&sorteer=titel",
    "q=taal",
    "soort=initiatief&sorteer=nieuwste",
];

/// Everything a user sees for the probe queries (scores are not compared across index layouts).
async fn snapshot(app: &TestApp) -> Vec<Value> {
    let mut out = Vec::new();
    for q in PROBES {
        let mut body = app.search(&format!("{q}&pageSize=100")).await;
        for r in body["resultaten"].as_array_mut().unwrap() {
            r.as_object_mut().unwrap().remove("fragment");
        }
        body.as_object_mut().unwrap().remove("_links");
        out.push(body);
    }
    out
}

fn ids_of(snapshot: &[Value]) -> Vec<Vec<i64>> {
    snapshot
        .iter()
        .map(|b| {
            let mut ids: Vec<i64> = b["resultaten"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect();
            ids.sort_unstable();
            ids
        })
        .collect()
}

#[tokio::test]
async fn incremental_indexing_and_a_full_rebuild_agree() {
    // Incremental: the index starts empty and follows the outbox as the data arrives.
    let mut app = TestApp::spawn().await;
    wegwijzer::cli::load_demo_if_empty(&app.store)
        .await
        .unwrap();
    app.wait_indexed().await;
    let incremental = snapshot(&app).await;
    assert!(incremental[0]["totaal"].as_u64().unwrap() > 150);

    // Rebuild from the database with the server stopped, as `wegwijzer reindex` does.
    app.stop().await;
    let index = std::sync::Arc::new(SearchIndex::open(&app.config.index_dir()).unwrap());
    Indexer::new(app.store.clone(), index)
        .unwrap()
        .rebuild()
        .await
        .unwrap();
    app.start().await;
    let rebuilt = snapshot(&app).await;
    assert_eq!(ids_of(&rebuilt), ids_of(&incremental));
    for (a, b) in rebuilt.iter().zip(&incremental) {
        assert_eq!(a["facetten"], b["facetten"]);
        assert_eq!(a["totaal"], b["totaal"]);
    }
}

#[tokio::test]
async fn a_deleted_index_directory_is_rebuilt_with_the_same_results() {
    let mut app = TestApp::with_demo().await;
    let before = snapshot(&app).await;
    app.stop().await;
    std::fs::remove_dir_all(app.config.index_dir()).unwrap();
    app.start().await;
    let after = snapshot(&app).await;
    assert_eq!(ids_of(&after), ids_of(&before));
    assert_eq!(after, before);
}

#[tokio::test]
async fn a_restarted_node_catches_up_on_changes_made_while_it_was_down() {
    let mut app = TestApp::with_demo().await;
    app.stop().await;
    // While the server is down: one new item, one changed title, one item unpublished.
    let change = serde_json::json!({"aanbod": [
        {"externId": "nieuw-tijdens-stilstand", "soort": "initiatief", "organisatie": "org-repaircafe",
         "titel": "Fietsenmakersmiddag", "samenvatting": "Samen fietsen repareren.", "themas": ["ontmoeting"],
         "heleGemeente": true, "minLeeftijd": 10, "maxLeeftijd": 99, "kosten": "gratis"},
        {"externId": "in-001", "soort": "initiatief", "organisatie": "org-samen-leusden",
         "titel": "Kaasproeverij in het dorpshuis", "samenvatting": "Proef kazen uit de streek.", "themas": ["ontmoeting"],
         "wijken": ["achterveld"], "minLeeftijd": 18, "maxLeeftijd": 120, "kosten": "kleine-bijdrage"},
        {"externId": "in-002", "soort": "initiatief", "organisatie": "org-samen-leusden",
         "titel": "Niet meer actueel", "samenvatting": "Gearchiveerd.", "themas": ["ontmoeting"],
         "heleGemeente": true, "minLeeftijd": 0, "maxLeeftijd": 120, "kosten": "gratis", "status": "gearchiveerd"}
    ]});
    wegwijzer::import_export::import_documents(
        &app.store,
        vec![serde_json::from_value(change).unwrap()],
    )
    .await
    .unwrap();
    app.start().await;
    assert_eq!(app.search("q=fietsenmakersmiddag").await["totaal"], 1);
    assert_eq!(app.search("q=kaasproeverij").await["totaal"], 1);
    assert_eq!(app.search("q=gearchiveerd").await["totaal"], 0);
    let browse = app.all_ids("").await;
    assert_eq!(browse.len(), app.public_listings().await.len());
    let health = app.get_json("/api/v1/health").await;
    assert_eq!(health["index"]["achterstand"], 0);
}

#[tokio::test]
async fn a_second_writer_on_the_same_index_is_refused() {
    let app = TestApp::with_demo().await;
    let index = std::sync::Arc::new(SearchIndex::open(&app.config.index_dir()).unwrap());
    let err = Indexer::new(app.store.clone(), index)
        .err()
        .expect("lock must be held");
    assert!(format!("{err:#}").contains("in gebruik"));
}

#[tokio::test]
async fn a_corrupt_index_is_thrown_away_and_rebuilt() {
    let mut app = TestApp::with_demo().await;
    let before = snapshot(&app).await;
    app.stop().await;
    std::fs::write(
        app.config.index_dir().join("meta.json"),
        b"{ dit is geen json",
    )
    .unwrap();
    app.start().await;
    assert_eq!(snapshot(&app).await, before);
}
