//! How fast a write reaches another node: two nodes (their own index each) on one database
//! with the demo data; node A writes, node B is polled until its search shows the change.
//! Run: `cargo bench --bench propagation` (SQLite: two nodes sharing one database file, as
//! in the node test). Prints p50 and p95 over 36 changes: publish, unpublish and delete, 12
//! of each.

#![allow(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::time::{Duration, Instant};

use serde_json::json;
use wegwijzer::app::App;
use wegwijzer::config::Config;
use wegwijzer::import_export::import_documents;
use wegwijzer::store::Store;

async fn start(config: &Config, store: &Store) -> App {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = App::start_with_store(config, store.clone(), listener)
        .await
        .unwrap();
    assert!(app.wait_until_indexed(Duration::from_secs(120)).await);
    app
}

async fn put(store: &Store, word: &str, status: &str) {
    let doc = json!({"aanbod": [{"externId": word, "soort": "initiatief",
        "organisatie": "org-samen-leusden", "titel": word,
        "samenvatting": "Een activiteit in de buurt.", "themas": ["ontmoeting"],
        "heleGemeente": true, "minLeeftijd": 0, "maxLeeftijd": 120, "kosten": "gratis",
        "status": status}]});
    import_documents(store, vec![serde_json::from_value(doc).unwrap()])
        .await
        .unwrap();
}

async fn count(client: &reqwest::Client, node: &App, word: &str) -> u64 {
    let body: serde_json::Value = client
        .get(format!("http://{}/api/v1/aanbod?q={word}", node.addr))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["totaal"].as_u64().unwrap()
}

async fn until(
    client: &reqwest::Client,
    node: &App,
    word: &str,
    expected: u64,
    t: Instant,
) -> Duration {
    while count(client, node, word).await != expected {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "{word} never reached {expected}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    t.elapsed()
}

#[tokio::main]
async fn main() {
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let config_a = Config::for_data_dir(dir_a.path());
    let mut config_b = Config::for_data_dir(dir_b.path());
    config_b.database_url = Some(config_a.database_url());
    let store = Store::connect(&config_a.database_url()).await.unwrap();
    wegwijzer::cli::load_demo_if_empty(&store).await.unwrap();
    let a = start(&config_a, &store).await;
    let b = start(&config_b, &store).await;
    let client = reqwest::Client::new();
    let mut times = Vec::new();
    for i in 0..12 {
        let word = format!("propagatie{}", (b'a' + i as u8) as char);
        let t = Instant::now();
        put(&store, &word, "gepubliceerd").await;
        times.push(until(&client, &b, &word, 1, t).await);
        let t = Instant::now();
        put(&store, &word, "gearchiveerd").await;
        times.push(until(&client, &b, &word, 0, t).await);
        put(&store, &word, "gepubliceerd").await;
        until(&client, &b, &word, 1, Instant::now()).await;
        let body: serde_json::Value = client
            .get(format!("http://{}/api/v1/aanbod?q={word}", b.addr))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = body["resultaten"][0]["id"].as_i64().unwrap();
        let t = Instant::now();
        store.delete_listing(id).await.unwrap();
        times.push(until(&client, &b, &word, 0, t).await);
    }
    times.sort();
    let at = |f: f64| times[((times.len() - 1) as f64 * f).round() as usize];
    println!("| changes | p50 ms | p95 ms | max ms |");
    println!("|---:|---:|---:|---:|");
    println!(
        "| {} | {:.0} | {:.0} | {:.0} |",
        times.len(),
        at(0.5).as_secs_f64() * 1000.0,
        at(0.95).as_secs_f64() * 1000.0,
        at(1.0).as_secs_f64() * 1000.0
    );
    a.stop().await.unwrap();
    b.stop().await.unwrap();
}
