//! Every error path answers problem+json with a Dutch message; nothing bad yields a 500.

use serde_json::Value;

use crate::helpers::TestApp;
use crate::search::urlencode;

async fn problem(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    assert!(
        res.headers().contains_key("api-version"),
        "API-Version on errors too"
    );
    let ct = res.headers()["content-type"].to_str().unwrap().to_string();
    assert_eq!(ct, "application/problem+json", "status {status}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"].as_u64().unwrap() as u16, status);
    assert!(body["title"].is_string() && body["detail"].is_string() && body["code"].is_string());
    (status, body)
}

fn invalid_names(body: &Value) -> Vec<String> {
    body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn invalid_search_parameters_are_all_listed_in_one_400() {
    let app = TestApp::with_demo().await;
    let cases = [
        ("soort=winkel", vec!["soort"]),
        ("thema=bestaat-niet&wijk=nergens", vec!["thema", "wijk"]),
        ("leeftijd=-1", vec!["leeftijd"]),
        ("leeftijd=121", vec!["leeftijd"]),
        ("leeftijd=abc", vec!["leeftijd"]),
        ("page=0&pageSize=101", vec!["page", "pageSize"]),
        ("page=101&pageSize=100", vec!["page"]),
        ("sorteer=prijs", vec!["sorteer"]),
        (
            "kosten=duur&tijdsbesteding=altijd&talent=x",
            vec!["kosten", "tijdsbesteding", "talent"],
        ),
        ("zoek=schulden", vec!["zoek"]),
        ("q=a&q=b", vec!["q"]),
        (
            "facetten=kleur&fragmenten=ja",
            vec!["facetten", "fragmenten"],
        ),
        ("facetten=geen,thema", vec!["facetten"]),
        ("facetten=", vec!["facetten"]),
    ];
    for (query, fields) in cases {
        let (status, body) = problem(app.get(&format!("/api/v1/aanbod?{query}")).await).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(invalid_names(&body), fields, "{query}");
        assert!(body["invalidParams"][0]["reason"].as_str().unwrap().len() > 5);
    }
    let long = "a".repeat(201);
    let (status, body) = problem(app.get(&format!("/api/v1/aanbod?q={long}")).await).await;
    assert_eq!((status, invalid_names(&body)), (400, vec!["q".to_string()]));
}

#[tokio::test]
async fn hostile_or_odd_queries_never_fail() {
    let app = TestApp::with_demo().await;
    let queries = [
        "\"",
        "(((",
        "AND OR NOT",
        "*",
        "title:schulden",
        "schulden~2",
        "+-!^:",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "de het een",
        "💥🔥",
        "ß ø é ç",
        "%",
        "\\",
        "a".repeat(200).as_str().to_owned().leak(),
        "schulden schulden schulden",
        "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
    ];
    for q in queries {
        let res = app.get(&format!("/api/v1/aanbod?q={}", urlencode(q))).await;
        assert_eq!(res.status(), 200, "q={q:?}");
        let body: Value = res.json().await.unwrap();
        assert!(body["totaal"].is_u64());
    }
    // Broken percent-encoding and control characters.
    let res = app.get("/api/v1/aanbod?q=%ZZ%").await;
    assert_eq!(res.status(), 200);
    let (status, _) = problem(app.get("/api/v1/aanbod?q=%00").await).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn unknown_paths_methods_and_big_bodies_get_problem_json() {
    let app = TestApp::with_demo().await;
    for path in [
        "/api/v1/bestaat-niet",
        "/api/v1/aanbod/",
        "/api",
        "/api/v2/aanbod",
        "/api/v1/aanbod/999999",
    ] {
        let (status, _) = problem(app.get(path).await).await;
        assert_eq!(status, 404, "{path} (no trailing-slash redirect either)");
    }
    let (status, body) = problem(app.get("/api/v1/aanbod/abc").await).await;
    assert_eq!(
        (status, invalid_names(&body)),
        (400, vec!["id".to_string()])
    );

    let res = app
        .client
        .post(format!("{}/api/v1/aanbod", app.base))
        .body("{}")
        .send()
        .await
        .unwrap();
    let (status, _) = problem(res).await;
    assert_eq!(status, 405);

    let big = vec![b'x'; 200 * 1024];
    let res = app
        .client
        .post(format!("{}/api/v1/aanbod", app.base))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    let (status, _) = problem(res).await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn every_response_carries_the_api_version_and_openapi_is_open_to_all_origins() {
    let app = TestApp::with_demo().await;
    for path in [
        "/api/v1/aanbod",
        "/api/v1/themas",
        "/api/v1/health",
        "/api/v1/openapi.json",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["api-version"], "1.0.0", "{path}");
    }
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn only_the_public_read_api_answers_scripts_of_other_origins() {
    let app =
        TestApp::spawn_with(|c| c.cors_origins = vec!["https://portaal.example".into()]).await;
    let from = |origin: &'static str, path: &str| {
        app.client
            .get(format!("{}{path}", app.base))
            .header("origin", origin)
            .send()
    };
    let allowed = |res: &reqwest::Response| {
        res.headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_string())
    };
    let public = from("https://elders.example", "/api/v1/themas")
        .await
        .unwrap();
    assert_eq!(allowed(&public).as_deref(), Some("https://elders.example"));
    for path in [
        "/api/v1/sessies/huidige",
        "/api/v1/beheer/aanbod",
        "/api/v1/verwijslijsten",
    ] {
        let other = from("https://elders.example", path).await.unwrap();
        assert_eq!(allowed(&other), None, "{path} from another origin");
        let portal = from("https://portaal.example", path).await.unwrap();
        assert_eq!(
            allowed(&portal).as_deref(),
            Some("https://portaal.example"),
            "{path}"
        );
    }
    // A preflight for a login from another origin gets no permission either.
    let preflight = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/v1/sessies", app.base),
        )
        .header("origin", "https://elders.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(allowed(&preflight), None);
}

#[tokio::test]
async fn ids_have_one_canonical_form_and_api_answers_are_never_sniffed_or_cached_with_a_token() {
    let app = TestApp::with_demo().await;
    let id = app.search("pageSize=1").await["resultaten"][0]["id"]
        .as_i64()
        .unwrap();
    let ok = app.get(&format!("/api/v1/aanbod/{id}")).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["x-content-type-options"], "nosniff");
    assert!(
        ok.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    for other in [format!("+{id}"), format!("000{id}"), format!("%2B{id}")] {
        let (status, _) = problem(app.get(&format!("/api/v1/aanbod/{other}")).await).await;
        assert_eq!(
            status, 404,
            "/aanbod/{other} is not a second address of item {id}"
        );
    }
    // The login answer carries a token: no cache may keep it.
    app.create_account("cache@voorbeeld.example", "medewerker", None)
        .await;
    let res = app
        .client
        .post(format!("{}/api/v1/sessies", app.base))
        .json(&serde_json::json!({"email": "cache@voorbeeld.example", "wachtwoord": crate::helpers::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn a_query_string_that_is_not_utf8_is_a_400_naming_the_parameter() {
    let app = TestApp::spawn().await;
    for query in ["q=schulden%FF", "q=%C0%AF", "q=%ED%A0%80"] {
        let (status, body) = problem(app.get(&format!("/api/v1/aanbod?{query}")).await).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(invalid_names(&body), vec!["q".to_string()], "{query}");
    }
    let (status, body) = problem(app.get("/api/v1/suggesties?q=%FFschu").await).await;
    assert_eq!(status, 400);
    assert_eq!(invalid_names(&body), vec!["q".to_string()]);
}

#[tokio::test]
async fn too_many_or_too_long_headers_get_a_431_problem() {
    let app = TestApp::spawn().await;
    let mut many = app.client.get(format!("{}/api/v1/themas", app.base));
    for n in 0..150 {
        many = many.header(format!("x-extra-{n}"), "waarde");
    }
    let long = app
        .client
        .get(format!("{}/api/v1/themas", app.base))
        .header("x-lang", "a".repeat(40 * 1024));
    for req in [many, long] {
        let (status, body) = problem(req.send().await.unwrap()).await;
        assert_eq!(status, 431);
        assert_eq!(body["code"], "headers-te-groot");
    }
}
