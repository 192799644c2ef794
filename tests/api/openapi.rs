//! The committed OpenAPI document is the one the code generates (UPDATE_OPENAPI=1 rewrites it).

use crate::helpers::TestApp;

#[tokio::test]
async fn committed_openapi_matches_the_code_and_the_served_document() {
    let generated = wegwijzer::api::openapi().to_pretty_json().unwrap() + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run UPDATE_OPENAPI=1 cargo test --test api openapi"
    );
    let app = TestApp::spawn().await;
    let served = app.get("/api/v1/openapi.json").await.text().await.unwrap();
    assert_eq!(served.trim_end(), generated.trim_end());
    let doc: serde_json::Value = serde_json::from_str(&served).unwrap();
    for path in [
        "/aanbod",
        "/aanbod/{id}",
        "/organisaties",
        "/organisaties/{id}",
        "/themas",
        "/wijken",
        "/leeftijdsgroepen",
        "/talenten",
        "/health",
        "/openapi.json",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} undocumented");
    }
}
