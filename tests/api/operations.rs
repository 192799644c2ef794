//! Operations: metrics, load shedding, backups.

use crate::helpers::TestApp;

#[tokio::test]
async fn metrics_count_requests_per_route_without_search_text() {
    let app = TestApp::spawn_with(|c| c.metrics_token = Some("geheim-scrape-token".into())).await;
    wegwijzer::cli::load_demo_if_empty(&app.store)
        .await
        .unwrap();
    app.wait_indexed().await;
    // Not for everyone: without the token 401.
    assert_eq!(app.get("/metrics").await.status(), 401);
    app.search("q=geheimezoekterm").await;
    app.get_json("/api/v1/aanbod/1").await;
    let res = app.get("/api/v1/aanbod/999999").await;
    assert_eq!(res.status(), 404);
    let text = app
        .client
        .get(format!("{}/metrics", app.base))
        .bearer_auth("geheim-scrape-token")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("wegwijzer_http_requests_total{route=\"/api/v1/aanbod\",method=\"GET\",status=\"200\"} 1"), "{text}");
    assert!(text.contains("route=\"/api/v1/aanbod/{id}\",method=\"GET\",status=\"404\"} 1"));
    assert!(
        text.contains("wegwijzer_http_request_duration_seconds_count{route=\"/api/v1/aanbod\"} 1")
    );
    assert!(text.contains("wegwijzer_searches_total 1"));
    assert!(text.contains("wegwijzer_index_lag 0"));
    assert!(
        !text.contains("geheimezoekterm"),
        "search text must never be recorded"
    );
}

#[tokio::test]
async fn without_a_token_metrics_are_not_served() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/metrics").await.status(), 404);
}

#[tokio::test]
async fn overload_is_shed_with_503_and_the_service_recovers() {
    let app = TestApp::spawn_with(|c| c.max_in_flight = 2).await;
    wegwijzer::cli::load_demo_if_empty(&app.store)
        .await
        .unwrap();
    app.wait_indexed().await;
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let client = reqwest::Client::new();
        let url = format!("{}/api/v1/aanbod?q=hulp&pageSize=100", app.base);
        tasks.push(tokio::spawn(async move {
            let res = client.get(url).send().await.unwrap();
            let status = res.status().as_u16();
            let retry = res.headers().contains_key("retry-after");
            let ct = res.headers()["content-type"].to_str().unwrap().to_string();
            (status, retry, ct)
        }));
    }
    let mut ok = 0;
    let mut shed = 0;
    for t in tasks {
        let (status, retry, ct) = t.await.unwrap();
        match status {
            200 => ok += 1,
            503 => {
                shed += 1;
                assert!(retry && ct == "application/problem+json");
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(ok > 0 && shed > 0, "ok {ok}, shed {shed}");
    assert_eq!(
        app.get("/api/v1/aanbod?q=hulp").await.status(),
        200,
        "recovers at once"
    );
}

#[tokio::test]
async fn an_online_backup_is_a_complete_database() {
    let app = TestApp::with_demo().await;
    if app.store.backend() != wegwijzer::store::Backend::Sqlite {
        return; // PostgreSQL is backed up with its own tools.
    }
    let target = app.dir.path().join("backup.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wegwijzer"))
        .arg("--data-dir")
        .arg(app.dir.path())
        .args(["backup", target.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = wegwijzer::store::Store::connect(&format!("sqlite://{}", target.display()))
        .await
        .unwrap();
    assert_eq!(
        copy.count_listings().await.unwrap(),
        app.store.count_listings().await.unwrap()
    );
    assert_eq!(
        copy.latest_outbox_seq().await.unwrap(),
        app.store.latest_outbox_seq().await.unwrap()
    );
}

/// A client that sends half a request and then waits (slowloris) is cut off after the
/// header-read timeout, and cannot stall a shutdown.
#[tokio::test]
async fn half_a_request_neither_holds_a_connection_nor_stalls_shutdown() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut app = TestApp::spawn().await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: wegwijzer\r\nX-Traag: ")
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    // Closed by the server (a read of 0 bytes, an error, or a 408 answer), well within a
    // minute; before the timeout existed it stayed open for as long as the client liked.
    let read = tokio::time::timeout(std::time::Duration::from_secs(60), slow.read(&mut buf))
        .await
        .expect("the server closes a connection whose headers never finish");
    if let Ok(n) = read {
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(n == 0 || text.starts_with("HTTP/1.1 408"), "{text}");
    }

    let mut held = tokio::net::TcpStream::connect(&addr).await.unwrap();
    held.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: wegwijzer\r\n")
        .await
        .unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(60), app.stop())
        .await
        .expect("shutdown finishes while a client holds half a request");
}
