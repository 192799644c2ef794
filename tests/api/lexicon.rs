//! Editors extend the search's word knowledge through the API: synonym groups and situations
//! apply to queries at once on this node and within seconds on every other node (through the
//! outbox), without reindexing; every version is kept, audited and removable. Search insights
//! count the searches residents did in vain, anonymously, and show a query from 5 searches on.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::TestApp;

/// Ids and explanations of a staff search.
async fn explained(app: &TestApp, token: &str, q: &str) -> Vec<(i64, Value)> {
    let body = app
        .search_as(
            token,
            &format!("q={}&uitleg=true&pageSize=50", crate::search::urlencode(q)),
        )
        .await;
    body["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_i64().unwrap(), r["uitleg"].clone()))
        .collect()
}

fn repair_ids(app_listings: &[wegwijzer::domain::Listing]) -> Vec<i64> {
    app_listings
        .iter()
        .filter(|l| l.title.starts_with("Repair Café"))
        .map(|l| l.id)
        .collect()
}

#[tokio::test]
async fn an_editors_synonym_group_finds_items_at_once_and_goes_away_when_removed() {
    let app = TestApp::with_demo().await;
    let editor = app.token_for("redacteur", None).await;
    let repair = repair_ids(&app.public_listings().await);
    assert_eq!(repair.len(), 2);
    assert!(explained(&app, &editor, "stukkend").await.is_empty());

    let created = app
        .call(
            "POST",
            "/api/v1/beheer/synoniemen",
            Some(&editor),
            None,
            Some(json!({"termen": ["Stukkend", "repareren"]})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["termen"], json!(["stukkend", "repareren"]));
    let path = created.headers["location"].to_str().unwrap().to_string();
    assert_eq!(created.headers["etag"], "\"1\"");

    // No wait: a 201 means this node's search already uses it.
    let hits = explained(&app, &editor, "stukkend").await;
    for id in &repair {
        let (_, why) = hits
            .iter()
            .find(|(h, _)| h == id)
            .expect("repair café found");
        assert_eq!(why[0]["soort"], "synoniem", "{why}");
        assert_eq!(why[0]["gevonden"], "repareren");
    }

    // A stale version is refused and changes nothing.
    let stale = app
        .call(
            "PUT",
            &path,
            Some(&editor),
            Some(0),
            Some(json!({"termen": ["stukkend", "kapot"]})),
        )
        .await;
    assert_eq!(stale.status, 412, "{}", stale.body);
    let changed = app
        .call(
            "PUT",
            &path,
            Some(&editor),
            Some(1),
            Some(json!({"termen": ["stukkend", "weggooien"]})),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let hits = explained(&app, &editor, "stukkend").await;
    assert!(
        hits.iter()
            .any(|(_, why)| why[0]["gevonden"] == "weggooien")
    );

    let gone = app
        .call("DELETE", &path, Some(&editor), Some(2), None)
        .await;
    assert_eq!(gone.status, 204, "{}", gone.body);
    assert!(explained(&app, &editor, "stukkend").await.is_empty());
    assert_eq!(
        app.call("GET", &path, Some(&editor), None, None)
            .await
            .status,
        404
    );

    // Every version stays readable, newest first, with the editor's name.
    let revisions = app
        .call(
            "GET",
            &format!("{path}/revisies"),
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(revisions.status, 200, "{}", revisions.body);
    let versions: Vec<(i64, bool)> = revisions.body["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["versie"].as_i64().unwrap(),
                r["verwijderd"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(versions, vec![(3, true), (2, false), (1, false)]);
    assert_eq!(
        revisions.body["resultaten"][2]["termen"],
        json!(["stukkend", "repareren"])
    );

    // And the audit log names each step.
    let audit = app
        .call(
            "GET",
            "/api/v1/beheer/audit-log?pageSize=100",
            Some(&app.token_for("admin", None).await),
            None,
            None,
        )
        .await;
    let actions: Vec<String> = audit.body["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actie"].as_str().unwrap().to_string())
        .collect();
    for a in [
        "synoniemen-aangemaakt",
        "synoniemen-gewijzigd",
        "synoniemen-verwijderd",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
}

#[tokio::test]
async fn an_editors_situation_matches_a_sentence_and_is_explained_as_situatie() {
    let app = TestApp::with_demo().await;
    let editor = app.token_for("redacteur", None).await;
    let repair = repair_ids(&app.public_listings().await);
    let sentence = "mijn fietsband is weer lek";
    // Before: a repair café may turn up through "fiets" (a part of "fietsband", in the
    // fallback), but never as a situation.
    let before = explained(&app, &editor, sentence).await;
    assert!(
        before
            .iter()
            .filter(|(id, _)| repair.contains(id))
            .all(|(_, why)| why
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["soort"] != "situatie")),
        "{before:?}"
    );

    let created = app
        .call(
            "POST",
            "/api/v1/beheer/situaties",
            Some(&editor),
            None,
            Some(json!({"woorden": "fietsband|band lek|plat", "behoeften": ["repareren", "repair cafe"]})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let hits = explained(&app, &editor, sentence).await;
    for id in &repair {
        let (_, why) = hits
            .iter()
            .find(|(h, _)| h == id)
            .expect("repair café found");
        let situation = why
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["soort"] == "situatie")
            .unwrap_or_else(|| panic!("{why}"));
        assert_eq!(situation["zoekterm"], "fietsband lek");
    }
    // One slot alone is no situation.
    assert!(
        explained(&app, &editor, "lek")
            .await
            .iter()
            .all(|(id, _)| !repair.contains(id))
    );
}

#[tokio::test]
async fn bad_entries_are_refused_per_field_and_only_editors_may_change_anything() {
    let app = TestApp::with_demo().await;
    let editor = app.token_for("redacteur", None).await;
    let org = app.organisation_id("org-samen-leusden").await;
    let partner = app.token_for("partner", Some(org)).await;

    let bad = app
        .call(
            "POST",
            "/api/v1/beheer/synoniemen",
            Some(&editor),
            None,
            Some(json!({"termen": ["de", "rollator", "Rollator", "a, b"]})),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    let names: Vec<&str> = bad.body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"termen[2]") && names.contains(&"termen[3]"),
        "{names:?}"
    );
    let bad = app
        .call(
            "POST",
            "/api/v1/beheer/situaties",
            Some(&editor),
            None,
            Some(json!({"woorden": "de het", "behoeften": ["x"]})),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.body["invalidParams"][0]["name"], "woorden");

    for (token, status) in [(None, 401), (Some(partner.as_str()), 403)] {
        for path in [
            "/api/v1/beheer/synoniemen",
            "/api/v1/beheer/situaties",
            "/api/v1/beheer/zoekinzichten",
        ] {
            assert_eq!(
                app.call("GET", path, token, None, None).await.status,
                status,
                "{path}"
            );
        }
        let post = app
            .call(
                "POST",
                "/api/v1/beheer/synoniemen",
                token,
                None,
                Some(json!({"termen": ["a1", "b1"]})),
            )
            .await;
        assert_eq!(post.status, status);
    }
    let list = app
        .call(
            "GET",
            "/api/v1/beheer/synoniemen",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(list.body["totaal"], 0, "nothing was stored: {}", list.body);
}

#[tokio::test]
async fn a_group_reaches_every_node_through_the_outbox() {
    let a = TestApp::with_demo().await;
    let b = TestApp::second_node(&a).await;
    let editor = a.token_for("redacteur", None).await;
    let repair = repair_ids(&a.public_listings().await);
    let created = a
        .call(
            "POST",
            "/api/v1/beheer/synoniemen",
            Some(&editor),
            None,
            Some(json!({"termen": ["stukkend", "repareren"]})),
        )
        .await;
    assert_eq!(created.status, 201);
    let since = Instant::now();
    loop {
        let found = b.all_ids("q=stukkend").await;
        if repair.iter().all(|id| found.contains(id)) {
            break;
        }
        assert!(
            since.elapsed() < Duration::from_secs(10),
            "node B never used the group"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A node started later loads the editors' entries too.
    let c = TestApp::second_node(&a).await;
    let found = c.all_ids("q=stukkend").await;
    assert!(repair.iter().all(|id| found.contains(id)));
}

#[tokio::test]
async fn insights_count_searches_in_vain_from_five_on_and_keep_nothing_personal() {
    let app = TestApp::with_demo().await;
    let editor = app.token_for("redacteur", None).await;
    for _ in 0..5 {
        assert_eq!(
            app.search("q=Xylofoonkwartet%20Zeppelinvaart").await["totaal"],
            0
        );
    }
    for _ in 0..4 {
        app.search("q=qwertyuiop").await;
    }
    // A page turned is the same search; personal data is never counted.
    app.search("q=xylofoonkwartet%20zeppelinvaart&page=2").await;
    for _ in 0..6 {
        app.search("q=jan%40voorbeeld.nl").await;
    }
    let insights = app
        .call(
            "GET",
            "/api/v1/beheer/zoekinzichten",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(insights.status, 200, "{}", insights.body);
    let queries = insights.body["zoekvragen"].as_array().unwrap();
    assert_eq!(queries.len(), 1, "{}", insights.body);
    assert_eq!(queries[0]["zoekvraag"], "xylofoonkwartet zeppelinvaart");
    assert_eq!(queries[0]["geenResultaten"], 5);
    let today = queries[0]["perDag"][0]["dag"].as_str().unwrap().to_string();
    assert_eq!(today.len(), 10, "a day, nothing finer: {today}");
    assert_eq!(insights.body["drempel"], 5);

    // Counts survive a restart (the last ones are written when the node stops).
    let mut app = app;
    for _ in 0..5 {
        app.search("q=paardrijden%20olifant").await;
    }
    app.restart().await;
    let editor = app.token_for("redacteur", None).await;
    let insights = app
        .call(
            "GET",
            "/api/v1/beheer/zoekinzichten",
            Some(&editor),
            None,
            None,
        )
        .await;
    let shown: Vec<&str> = insights.body["zoekvragen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["zoekvraag"].as_str().unwrap())
        .collect();
    assert!(shown.contains(&"paardrijden olifant"), "{shown:?}");

    let bad = app
        .call(
            "GET",
            "/api/v1/beheer/zoekinzichten?van=gisteren&tot=2026-01-01&x=1",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.body["invalidParams"].as_array().unwrap().len(),
        2,
        "{}",
        bad.body
    );
}
