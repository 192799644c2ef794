//! Languages and accessibility as filters, and relabelled terms reaching search on every node
//! without a manual reindex.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::TestApp;
use wegwijzer::import_export::import_documents;

/// Searches `query` on `node` until `ok` holds for the body (panics after 10 s).
async fn eventually(node: &TestApp, query: &str, ok: impl Fn(&serde_json::Value) -> bool) {
    let start = Instant::now();
    loop {
        let body = node.search(query).await;
        if ok(&body) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{query} never matched: {body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn total(body: &serde_json::Value) -> u64 {
    body["totaal"].as_u64().unwrap()
}

#[tokio::test]
async fn residents_filter_by_language_and_accessibility() {
    let app = TestApp::with_demo().await;
    let arabic = app.search("taal=ar&pageSize=100").await;
    assert!(total(&arabic) > 0, "demo data offers some items in Arabic");
    for hit in arabic["resultaten"].as_array().unwrap() {
        let talen = hit["talen"].as_array().unwrap();
        assert!(
            talen
                .iter()
                .any(|t| t["sleutel"] == "ar" && t["label"] == "Arabisch"),
            "{hit}"
        );
    }
    let wheelchair = app
        .search("toegankelijkheid=rolstoeltoegankelijk&q=formulieren")
        .await;
    assert!(total(&wheelchair) > 0);
    let facet = wheelchair["facetten"]["toegankelijkheid"]
        .as_array()
        .unwrap();
    let ticked = facet
        .iter()
        .find(|f| f["waarde"] == "rolstoeltoegankelijk")
        .unwrap();
    assert_eq!(ticked["geselecteerd"], true);
    assert_eq!(ticked["aantal"].as_u64(), Some(total(&wheelchair)));
    // The language label is searchable text: "Tigrinya" finds items offered in Tigrinya.
    let by_word = app.search("q=tigrinya").await;
    assert!(total(&by_word) > 0, "{by_word}");
    // Typing a language's name suggests it as a filter.
    let suggestions = app.get_json("/api/v1/suggesties?q=arab").await;
    assert!(
        suggestions["taxonomie"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["filter"] == "taal" && t["sleutel"] == "ar"),
        "{suggestions}"
    );
    // Unknown keys are refused by name.
    let bad = app
        .get("/api/v1/aanbod?taal=xx&toegankelijkheid=trap")
        .await;
    assert_eq!(bad.status(), 400);
    let problem: serde_json::Value = bad.json().await.unwrap();
    let names: Vec<&str> = problem["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["taal", "toegankelijkheid"]);
}

#[tokio::test]
async fn partners_set_languages_and_accessibility_and_bad_keys_are_named() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-samen-leusden").await;
    let editor = app.token_for("redacteur", None).await;
    let mut content = crate::helpers::item("Huiswerkklas in het Oekraïens");
    content["organisatieId"] = json!(org);
    content["talen"] = json!(["uk", "nl"]);
    content["toegankelijkheid"] = json!(["prikkelarm"]);
    let created = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&editor),
            None,
            Some(content.clone()),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["inhoud"]["talen"], json!(["nl", "uk"]));
    assert_eq!(
        created.body["inhoud"]["toegankelijkheid"],
        json!(["prikkelarm"])
    );

    content["talen"] = json!(["klingon"]);
    content["toegankelijkheid"] = json!(["trap"]);
    let refused = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&editor),
            None,
            Some(content),
        )
        .await;
    assert_eq!(refused.status, 400);
    let names: Vec<&str> = refused.body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["talen", "toegankelijkheid"]);
}

/// Both nodes find `word` in exactly `expected` items.
async fn found_everywhere(nodes: [&TestApp; 2], word: &str, expected: u64) {
    for node in nodes {
        eventually(node, &format!("q={word}"), |body| total(body) == expected).await;
    }
}

#[tokio::test]
async fn a_relabelled_theme_and_talent_are_found_by_their_new_label_on_both_nodes() {
    let a = TestApp::with_demo().await;
    let b = TestApp::second_node(&a).await;
    // None of the new labels occurs anywhere in the demo data yet.
    for node in [&a, &b] {
        for word in ["florijnen", "mandoline", "dukaten", "theorbe"] {
            assert_eq!(total(&node.search(&format!("q={word}")).await), 0, "{word}");
        }
    }
    let money_items = total(&a.search("thema=geldzaken").await);
    let talent = "muziek";
    let talent_items = total(&a.search(&format!("talent={talent}")).await);
    assert!(money_items > 0 && talent_items > 0);

    // By import: new labels for the theme "geldzaken" and the talent "muziek".
    let doc = json!({"taxonomie": {
        "themas": [{"sleutel": "geldzaken", "label": "Florijnen"}],
        "talenten": [{"sleutel": talent, "label": "Mandoline"}],
    }});
    import_documents(&a.store, vec![serde_json::from_value(doc).unwrap()])
        .await
        .unwrap();
    found_everywhere([&a, &b], "florijnen", money_items).await;
    found_everywhere([&a, &b], "mandoline", talent_items).await;
    for node in [&a, &b] {
        // The facet shows the new label too, and the old one no longer finds the items by label.
        eventually(node, "thema=geldzaken", |body| {
            body["facetten"]["thema"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["waarde"] == "geldzaken" && f["label"] == "Florijnen")
        })
        .await;
    }

    // By the API: an editor relabels both again; this node answers once search shows it.
    let editor = a.token_for("redacteur", None).await;
    for (list, key, label, word, expected) in [
        ("themas", "geldzaken", "Dukaten", "dukaten", money_items),
        ("talenten", talent, "Theorbe", "theorbe", talent_items),
    ] {
        let answer = a
            .call(
                "PUT",
                &format!("/api/v1/beheer/termen/{list}/{key}"),
                Some(&editor),
                None,
                Some(json!({ "label": label })),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(
            answer.body,
            json!({"sleutel": key, "label": label, "ingetrokken": false})
        );
        let here = a.search(&format!("q={word}")).await;
        assert_eq!(total(&here), expected, "read your own relabel: {here}");
        found_everywhere([&a, &b], word, expected).await;
    }
    assert_eq!(
        total(&b.search("q=mandoline").await),
        0,
        "the old label is gone"
    );

    // Partners may not; unknown lists and keys are 404; an empty label is named.
    let org = a.organisation_id("org-samen-leusden").await;
    let partner = a.token_for("partner", Some(org)).await;
    let path = format!("/api/v1/beheer/termen/talenten/{talent}");
    let body = Some(json!({"label": "Iets anders"}));
    assert_eq!(
        a.call("PUT", &path, Some(&partner), None, body.clone())
            .await
            .status,
        403
    );
    let missing = "/api/v1/beheer/termen/talenten/bestaat-niet";
    assert_eq!(
        a.call("PUT", missing, Some(&editor), None, body.clone())
            .await
            .status,
        404
    );
    let list = "/api/v1/beheer/termen/kleuren/rood";
    assert_eq!(
        a.call("PUT", list, Some(&editor), None, body).await.status,
        404
    );
    let empty = a
        .call(
            "PUT",
            &path,
            Some(&editor),
            None,
            Some(json!({"label": " "})),
        )
        .await;
    assert_eq!(empty.status, 400);
    assert_eq!(empty.body["invalidParams"][0]["name"], "label");
}

fn invalid_names(body: &serde_json::Value) -> Vec<String> {
    body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

fn keys(body: &serde_json::Value) -> Vec<String> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|t| t["sleutel"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn editors_add_and_retire_terms_and_retired_ones_stay_on_old_items_only() {
    let app = TestApp::with_demo().await;
    let editor = app.token_for("redacteur", None).await;
    let org = app.organisation_id("org-samen-leusden").await;
    let partner = app.token_for("partner", Some(org)).await;

    // Add: offered at once in the public list, usable on an item, and searchable by label.
    let added = app
        .call(
            "POST",
            "/api/v1/beheer/termen/themas",
            Some(&editor),
            None,
            Some(json!({"sleutel": "dieren", "label": "Dieren en huisdieren"})),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(
        added.headers["location"],
        "/api/v1/beheer/termen/themas/dieren"
    );
    assert!(keys(&app.get_json("/api/v1/themas").await).contains(&"dieren".to_string()));
    let mut content = crate::helpers::item("Hulp bij de zorg voor uw huisdier");
    content["themas"] = json!(["dieren"]);
    let with_new = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(content.clone()),
        )
        .await;
    assert_eq!(with_new.status, 201, "{}", with_new.body);

    // Bad additions name every offending field and change nothing; partners may not add.
    let before = app.get_json("/api/v1/themas").await;
    for (body, fields) in [
        (
            json!({"sleutel": "Mantel Zorg", "label": ""}),
            vec!["sleutel", "label"],
        ),
        (
            json!({"sleutel": "dieren", "label": "Nog eens"}),
            vec!["sleutel"],
        ),
    ] {
        let refused = app
            .call(
                "POST",
                "/api/v1/beheer/termen/themas",
                Some(&editor),
                None,
                Some(body),
            )
            .await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert_eq!(invalid_names(&refused.body), fields);
    }
    let by_partner = app
        .call(
            "POST",
            "/api/v1/beheer/termen/themas",
            Some(&partner),
            None,
            Some(json!({"sleutel": "iets", "label": "Iets"})),
        )
        .await;
    assert_eq!(by_partner.status, 403);
    let unknown_list = app
        .call(
            "POST",
            "/api/v1/beheer/termen/kleuren",
            Some(&editor),
            None,
            Some(json!({"sleutel": "rood", "label": "Rood"})),
        )
        .await;
    assert_eq!(unknown_list.status, 404);
    assert_eq!(app.get_json("/api/v1/themas").await, before);

    // Retire "geldzaken": no longer offered, still on the items that have it.
    let money = total(&app.search("thema=geldzaken").await);
    assert!(money > 0);
    let label = before
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["sleutel"] == "geldzaken")
        .unwrap()["label"]
        .clone();
    let retired = app
        .call(
            "PUT",
            "/api/v1/beheer/termen/themas/geldzaken",
            Some(&editor),
            None,
            Some(json!({"label": label, "ingetrokken": true})),
        )
        .await;
    assert_eq!(retired.status, 200, "{}", retired.body);
    assert!(!keys(&app.get_json("/api/v1/themas").await).contains(&"geldzaken".to_string()));
    let managed = app
        .call(
            "GET",
            "/api/v1/beheer/termen/themas",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert!(
        managed
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["sleutel"] == "geldzaken" && t["ingetrokken"] == true)
    );
    assert_eq!(total(&app.search("thema=geldzaken").await), money);

    // A new item cannot take it; an old item keeps it through an edit; another item
    // cannot add it.
    content["themas"] = json!(["geldzaken"]);
    let refused = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(content.clone()),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(invalid_names(&refused.body), ["themas"]);
    assert!(
        refused.body["invalidParams"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("niet meer gebruikt")
    );
    let holder = app.all_ids("thema=geldzaken").await[0];
    let path = format!("/api/v1/beheer/aanbod/{holder}");
    let current = app.call("GET", &path, Some(&editor), None, None).await;
    let mut kept = current.body["inhoud"].clone();
    kept["titel"] = json!("Hulp bij geldzaken, nu met inloopspreekuur");
    let saved = app
        .call(
            "PUT",
            &path,
            Some(&editor),
            Some(current.etag()),
            Some(kept),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(
        saved.body["inhoud"]["themas"]
            .as_array()
            .unwrap()
            .contains(&json!("geldzaken"))
    );
    let other = with_new.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/beheer/aanbod/{other}");
    let current = app.call("GET", &path, Some(&partner), None, None).await;
    let mut added_to = current.body["inhoud"].clone();
    added_to["themas"] = json!(["dieren", "geldzaken"]);
    let refused = app
        .call(
            "PUT",
            &path,
            Some(&partner),
            Some(current.etag()),
            Some(added_to),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(invalid_names(&refused.body), ["themas"]);

    // A new label alone leaves it retired; back into use only when asked.
    let relabelled = app
        .call(
            "PUT",
            "/api/v1/beheer/termen/themas/geldzaken",
            Some(&editor),
            None,
            Some(json!({"label": "Geld en schulden"})),
        )
        .await;
    assert_eq!(relabelled.status, 200, "{}", relabelled.body);
    assert_eq!(relabelled.body["ingetrokken"], true);
    assert!(!keys(&app.get_json("/api/v1/themas").await).contains(&"geldzaken".to_string()));
    let restored = app
        .call(
            "PUT",
            "/api/v1/beheer/termen/themas/geldzaken",
            Some(&editor),
            None,
            Some(json!({"label": label, "ingetrokken": false})),
        )
        .await;
    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(restored.body["ingetrokken"], false);

    // Search offers a retired term as a filter only while public items have it.
    let facet_keys = |body: serde_json::Value| -> Vec<String> {
        body["facetten"]["thema"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["waarde"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(facet_keys(app.search("").await).contains(&"dieren".to_string()));
    let retired = app
        .call(
            "PUT",
            "/api/v1/beheer/termen/themas/dieren",
            Some(&editor),
            None,
            Some(json!({"label": "Dieren en huisdieren", "ingetrokken": true})),
        )
        .await;
    assert_eq!(retired.status, 200, "{}", retired.body);
    let keys_now = facet_keys(app.search("").await);
    assert!(
        !keys_now.contains(&"dieren".to_string()),
        "no public item has it"
    );
    assert!(keys_now.contains(&"geldzaken".to_string()));
    assert!(keys(&app.get_json("/api/v1/themas").await).contains(&"geldzaken".to_string()));
}
