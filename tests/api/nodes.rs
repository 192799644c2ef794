//! Several nodes on one database: each keeps its own index by tailing the shared outbox. Run
//! with WEGWIJZER_TEST_POSTGRES for the PostgreSQL deployment; on SQLite two processes share
//! one file the same way.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::TestApp;
use wegwijzer::import_export::import_documents;

fn item(ext: &str, title: &str, status: &str) -> serde_json::Value {
    json!({"externId": ext, "soort": "initiatief", "organisatie": "org-samen-leusden",
        "titel": title, "samenvatting": "Een activiteit in de buurt.", "themas": ["ontmoeting"],
        "heleGemeente": true, "minLeeftijd": 0, "maxLeeftijd": 120, "kosten": "gratis", "status": status})
}

/// Writes one item (title = external id) with `status` through node A's database.
async fn put(node: &TestApp, ext: &str, status: &str) {
    let doc = json!({"aanbod": [item(ext, ext, status)]});
    import_documents(&node.store, vec![serde_json::from_value(doc).unwrap()])
        .await
        .unwrap();
}

async fn visible(node: &TestApp, word: &str) -> u64 {
    node.search(&format!("q={word}")).await["totaal"]
        .as_u64()
        .unwrap()
}

/// Time until `node` shows `expected` results for `word` (panics after 10 s).
async fn propagation(node: &TestApp, word: &str, expected: u64, since: Instant) -> Duration {
    loop {
        if visible(node, word).await == expected {
            return since.elapsed();
        }
        assert!(
            since.elapsed() < Duration::from_secs(10),
            "{word} never reached {expected}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn every_kind_of_write_shows_up_on_every_node() {
    let a = TestApp::with_demo().await;
    let b = TestApp::second_node(&a).await;
    let mut times = Vec::new();
    for i in 0..12 {
        // A made-up word that no word list can split into parts the demo texts have.
        let word = format!(
            "xqzkermis{}",
            ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"][i]
        );
        // Create, unpublish, publish again, delete: every kind of change reaches node B.
        let t = Instant::now();
        put(&a, &word, "gepubliceerd").await;
        times.push(propagation(&b, &word, 1, t).await);
        let t = Instant::now();
        put(&a, &word, "gearchiveerd").await;
        times.push(propagation(&b, &word, 0, t).await);
        put(&a, &word, "gepubliceerd").await;
        propagation(&b, &word, 1, Instant::now()).await;
        let id = b.search(&format!("q={word}")).await["resultaten"][0]["id"]
            .as_i64()
            .unwrap();
        let t = Instant::now();
        a.store.delete_listing(id).await.unwrap();
        times.push(propagation(&b, &word, 0, t).await);
        propagation(&a, &word, 0, t).await; // node A agrees too
    }
    // Every change arrived (each `propagation` call fails after its deadline); how fast is a
    // benchmark's question: `cargo bench --bench propagation`.
    assert_eq!(times.len(), 36);
}

#[tokio::test]
async fn concurrent_writers_leave_no_gap_in_the_outbox() {
    let a = TestApp::with_demo().await;
    let b = TestApp::second_node(&a).await;
    // Eight writers at once, 25 items each, while both nodes tail the outbox.
    let mut writers = Vec::new();
    for w in 0..8 {
        let store = a.store.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..25 {
                let ext = format!("gelijktijdig-{w}-{i}");
                let doc = json!({"aanbod": [item(&ext, &format!("Gelijktijdig schrijven {w} {i}"), "gepubliceerd")]});
                let mut tries = 0;
                // SQLite allows one writer at a time; a busy database is retried, as a client would.
                while let Err(e) = import_documents(&store, vec![serde_json::from_value(doc.clone()).unwrap()]).await {
                    tries += 1;
                    assert!(tries < 50, "{e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    for node in [&a, &b] {
        node.wait_indexed().await;
        assert_eq!(
            node.search("q=gelijktijdig&pageSize=1").await["totaal"],
            200
        );
        let public = node.public_listings().await.len();
        assert_eq!(node.all_ids("").await.len(), public);
    }
}

/// The same data ranks the same on every node, whatever the history of each node's index:
/// here the first node re-indexed every item twice (its segments hold deleted documents) and
/// the second built its index fresh. Every query of the evaluation set, with all its pages,
/// and its "bedoelde je", must come out identical.
#[tokio::test]
async fn the_same_data_ranks_the_same_on_every_node_whatever_its_history() {
    let first = TestApp::with_demo().await;
    let admin = first.token_for("admin", None).await;
    for _ in 0..2 {
        for listing in first.public_listings().await {
            let a = first
                .call(
                    "POST",
                    &format!("/api/v1/beheer/aanbod/{}/controles", listing.id),
                    Some(&admin),
                    None,
                    None,
                )
                .await;
            assert_eq!(a.status, 200, "{}", a.body);
        }
        first.wait_indexed().await;
    }
    let second = TestApp::second_node(&first).await;
    second.wait_indexed().await;
    let eval: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../eval/queries.json")).unwrap();
    let mut compared = 0;
    for case in &eval {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("q", case["query"].as_str().unwrap());
        let mut query = query.finish();
        if let Some(filters) = case["filters"].as_str().filter(|f| !f.is_empty()) {
            query = format!("{query}&{filters}");
        }
        assert_eq!(
            first.all_ids(&query).await,
            second.all_ids(&query).await,
            "{query}"
        );
        assert_eq!(
            first.search(&query).await["bedoeldeJe"],
            second.search(&query).await["bedoeldeJe"],
            "{query}"
        );
        compared += 1;
    }
    assert!(compared >= 50, "{compared} queries compared");
}
