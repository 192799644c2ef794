//! A real server process killed with SIGKILL loses nothing committed: after a restart the index
//! converges on the database.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::TestApp;

fn serve(dir: &std::path::Path, port: u16, db: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_wegwijzer"))
        .args([
            "--data-dir",
            dir.to_str().unwrap(),
            "--bind",
            &format!("127.0.0.1:{port}"),
            "serve",
            "--demo",
        ])
        .env("WEGWIJZER_DATABASE_URL", db)
        .env("WEGWIJZER_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_healthy(client: &reqwest::Client, base: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(res) = client.get(format!("{base}/api/v1/health")).send().await
            && res.status() == 200
        {
            let body: serde_json::Value = res.json().await.unwrap();
            if body["index"]["achterstand"] == 0 {
                return body;
            }
        }
        assert!(Instant::now() < deadline, "server did not become healthy");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn a_killed_server_catches_up_after_restart() {
    // The test app only provides an isolated database (SQLite file or PostgreSQL database).
    let mut app = TestApp::spawn().await;
    app.stop().await;
    let db = app.config.database_url();
    let dir = app.dir.path().join("proc");
    let client = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    let mut server = serve(&dir, port, &db);
    wait_healthy(&client, &base).await;

    // Write while the server runs, then kill it without warning right after the import commits.
    let file = dir.join("extra.json");
    std::fs::write(
        &file,
        serde_json::json!({"aanbod": (0..40).map(|i| serde_json::json!({
            "externId": format!("crash-{i}"), "soort": "initiatief", "organisatie": "org-samen-leusden",
            "titel": format!("Noodstroomcursus deel {i}"), "samenvatting": "Leer omgaan met stroomuitval.",
            "themas": ["veiligheid"], "heleGemeente": true, "minLeeftijd": 12, "maxLeeftijd": 99, "kosten": "gratis"
        })).collect::<Vec<_>>()})
        .to_string(),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wegwijzer"))
        .args([
            "--data-dir",
            dir.to_str().unwrap(),
            "import",
            file.to_str().unwrap(),
        ])
        .env("WEGWIJZER_DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();

    let mut server = serve(&dir, port, &db);
    let health = wait_healthy(&client, &base).await;
    let body: serde_json::Value = client
        .get(format!(
            "{base}/api/v1/aanbod?q=noodstroomcursus&pageSize=100"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(
        body["totaal"], 40,
        "every committed item is searchable after the crash"
    );
    assert_eq!(health["index"]["achterstand"], 0);
}
