//! Partner self-service and moderation, end to end through search: drafts stay invisible,
//! approvals show at once (read your own writes), pending edits keep the published version
//! in search, every change is a revision, and racing editors lose nothing.

use serde_json::json;

use crate::helpers::{TestApp, item, titles};

/// Search hits whose title contains `word` (case-insensitive).
async fn found(app: &TestApp, query: &str, word: &str) -> bool {
    let body = app.search(query).await;
    titles(&body)
        .iter()
        .any(|t| t.to_lowercase().contains(&word.to_lowercase()))
}

#[tokio::test]
async fn a_partner_item_goes_through_review_into_search_and_edits_wait_for_approval() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-samen-leusden").await;
    let partner = app.token_for("partner", Some(org)).await;
    let editor = app.token_for("redacteur", None).await;

    // A new item starts as a concept, invisible to the public.
    let created = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(item("Koffieochtend Zonnehoek")),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["status"], "concept");
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(
        created.headers["location"].to_str().unwrap(),
        format!("/api/v1/beheer/aanbod/{id}")
    );
    let path = format!("/api/v1/beheer/aanbod/{id}");
    assert!(!found(&app, "q=zonnehoek", "zonnehoek").await);
    assert_eq!(app.get(&format!("/api/v1/aanbod/{id}")).await.status(), 404);

    // Submitting needs the version the partner saw.
    let submit = format!("{path}/indieningen");
    let no_etag = app.call("POST", &submit, Some(&partner), None, None).await;
    assert_eq!(no_etag.status, 428, "{}", no_etag.body);
    assert_eq!(no_etag.headers["content-type"], "application/problem+json");
    let stale = app
        .call(
            "POST",
            &submit,
            Some(&partner),
            Some(created.etag() - 1),
            None,
        )
        .await;
    assert_eq!(stale.status, 412);
    let submitted = app
        .call("POST", &submit, Some(&partner), Some(created.etag()), None)
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    assert_eq!(submitted.body["status"], "ter-beoordeling");
    assert!(!found(&app, "q=zonnehoek", "zonnehoek").await);

    // The editor sees it in the queue, as a new item, field by field.
    let queue = app
        .call(
            "GET",
            "/api/v1/beheer/beoordelingen",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(queue.status, 200);
    let entry = queue.body["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(entry["soort"], "nieuw");
    assert!(
        entry["verschillen"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["veld"] == "titel" && d["nieuw"] == "Koffieochtend Zonnehoek")
    );

    // Sending back needs a reason; the partner sees it.
    let review = format!("{path}/beoordelingen");
    let version = entry["versie"].as_i64().unwrap();
    let no_reason = app
        .call(
            "POST",
            &review,
            Some(&editor),
            Some(version),
            Some(json!({"besluit": "terugsturen"})),
        )
        .await;
    assert_eq!(no_reason.status, 400);
    assert_eq!(no_reason.body["invalidParams"][0]["name"], "reden");
    let returned = app
        .call(
            "POST",
            &review,
            Some(&editor),
            Some(version),
            Some(json!({"besluit": "terugsturen", "reden": "Noem de tijden van de ochtend."})),
        )
        .await;
    assert_eq!(returned.status, 200, "{}", returned.body);
    assert_eq!(returned.body["status"], "teruggestuurd");
    let seen = app.call("GET", &path, Some(&partner), None, None).await;
    assert_eq!(
        seen.body["redenTeruggestuurd"],
        "Noem de tijden van de ochtend."
    );

    // The partner fixes it and resubmits; the editor approves; search shows it immediately:
    // no waiting in the test, the save itself waited for the index.
    let mut content = seen.body["inhoud"].clone();
    content["tijden"] = json!("Dinsdag 10.00-12.00 uur");
    let fixed = app
        .call(
            "PUT",
            &path,
            Some(&partner),
            Some(seen.etag()),
            Some(content),
        )
        .await;
    assert_eq!(fixed.status, 200, "{}", fixed.body);
    let resubmitted = app
        .call("POST", &submit, Some(&partner), Some(fixed.etag()), None)
        .await;
    assert_eq!(resubmitted.body["status"], "ter-beoordeling");
    let approved = app
        .call(
            "POST",
            &review,
            Some(&editor),
            Some(resubmitted.etag()),
            Some(json!({"besluit": "goedkeuren"})),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.body["status"], "gepubliceerd");
    assert!(found(&app, "q=zonnehoek", "zonnehoek").await);
    let public = app.get_json(&format!("/api/v1/aanbod/{id}")).await;
    assert_eq!(public["tijden"], "Dinsdag 10.00-12.00 uur");

    // Editing the published item makes a pending change: search keeps the published title.
    let mut content = approved.body["inhoud"].clone();
    content["titel"] = json!("Koffieochtend Zonnehoek en Lindenhof");
    let pending = app
        .call(
            "PUT",
            &path,
            Some(&partner),
            Some(approved.etag()),
            Some(content),
        )
        .await;
    assert_eq!(pending.status, 200, "{}", pending.body);
    assert_eq!(pending.body["status"], "gepubliceerd");
    assert_eq!(pending.body["wijziging"]["status"], "ter-beoordeling");
    assert_eq!(
        pending.body["gepubliceerd"]["titel"],
        "Koffieochtend Zonnehoek"
    );
    assert!(
        pending.body["melding"]
            .as_str()
            .unwrap()
            .contains("beoordeling")
    );
    assert!(!found(&app, "q=lindenhof", "lindenhof").await);
    assert!(found(&app, "q=zonnehoek", "zonnehoek").await);
    assert_eq!(
        app.get_json(&format!("/api/v1/aanbod/{id}")).await["titel"],
        "Koffieochtend Zonnehoek"
    );

    // The queue shows the change with old and new value; approving publishes it.
    let queue = app
        .call(
            "GET",
            "/api/v1/beheer/beoordelingen",
            Some(&editor),
            None,
            None,
        )
        .await;
    let entry = queue.body["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(entry["soort"], "wijziging");
    let diffs = entry["verschillen"].as_array().unwrap();
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert_eq!(diffs[0]["veld"], "titel");
    assert_eq!(diffs[0]["oud"], "Koffieochtend Zonnehoek");
    assert_eq!(diffs[0]["nieuw"], "Koffieochtend Zonnehoek en Lindenhof");
    let approved = app
        .call(
            "POST",
            &review,
            Some(&editor),
            Some(entry["versie"].as_i64().unwrap()),
            Some(json!({"besluit": "goedkeuren"})),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert!(approved.body["wijziging"].is_null());
    assert!(found(&app, "q=lindenhof", "lindenhof").await);
    let queue = app
        .call(
            "GET",
            "/api/v1/beheer/beoordelingen",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert!(
        queue.body["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["id"] != id)
    );

    // Archiving takes it out of search at once.
    let archived = app
        .call(
            "POST",
            &format!("{path}/archiveringen"),
            Some(&partner),
            Some(approved.etag()),
            None,
        )
        .await;
    assert_eq!(archived.status, 200, "{}", archived.body);
    assert!(!found(&app, "q=lindenhof", "lindenhof").await);

    // Every step is a revision: who, when, what.
    let revisions = app
        .call(
            "GET",
            &format!("{path}/revisies"),
            Some(&partner),
            None,
            None,
        )
        .await;
    let actions: Vec<&str> = revisions
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["actie"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec![
            "gearchiveerd",
            "goedgekeurd",
            "wijziging-voorgesteld",
            "goedgekeurd",
            "ingediend",
            "bewerkt",
            "teruggestuurd",
            "ingediend",
            "aangemaakt"
        ]
    );
    let proposal = &revisions.body[2];
    assert_eq!(proposal["gewijzigdeVelden"], json!(["titel"]));
    assert!(
        proposal["door"]["naam"]
            .as_str()
            .unwrap()
            .starts_with("partner-")
    );
    assert_eq!(revisions.body[6]["reden"], "Noem de tijden van de ochtend.");

    // Moderation decisions are in the audit log.
    let audit = app
        .call("GET", "/api/v1/beheer/audit-log", Some(&editor), None, None)
        .await;
    let actions: Vec<&str> = audit.body["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["actie"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"beoordeling-teruggestuurd"),
        "{actions:?}"
    );
    assert!(actions.contains(&"beoordeling-goedgekeurd"));
    assert!(actions.contains(&"inloggen"));

    // Filters: by action, by subject kind and by day; bad values are named and show nothing.
    let returned = app
        .call(
            "GET",
            "/api/v1/beheer/audit-log?actie=beoordeling-teruggestuurd&onderwerp=aanbod",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(returned.status, 200, "{}", returned.body);
    let entries = returned.body["resultaten"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(
        entries
            .iter()
            .all(|a| a["actie"] == "beoordeling-teruggestuurd"
                && a["onderwerp"].as_str().unwrap().starts_with("aanbod "))
    );
    let today = chrono::Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    let by_day = |from: chrono::NaiveDate, to: chrono::NaiveDate| {
        format!("/api/v1/beheer/audit-log?vanaf={from}&tot={to}")
    };
    let todays = app
        .call("GET", &by_day(today, today), Some(&editor), None, None)
        .await;
    assert_eq!(todays.body["totaal"], audit.body["totaal"]);
    let before = app
        .call(
            "GET",
            &by_day(yesterday, yesterday),
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(before.body["totaal"], 0);
    let bad = app
        .call(
            "GET",
            "/api/v1/beheer/audit-log?door=iemand&vanaf=gisteren",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(bad.status, 400);
    let names: Vec<&str> = bad.body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["door", "vanaf"]);
}

#[tokio::test]
async fn trusted_organisations_publish_without_review() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-schuldhulp").await;
    let partner = app.token_for("partner", Some(org)).await;
    let editor = app.token_for("redacteur", None).await;

    let org_path = format!("/api/v1/beheer/organisaties/{org}");
    let current = app.call("GET", &org_path, Some(&editor), None, None).await;
    let mut profile = current.body.clone();
    for server_field in ["id", "versie"] {
        profile.as_object_mut().unwrap().remove(server_field);
    }
    profile["vertrouwd"] = json!(true);
    let trusted = app
        .call(
            "PUT",
            &org_path,
            Some(&editor),
            Some(current.etag()),
            Some(profile),
        )
        .await;
    assert_eq!(trusted.status, 200, "{}", trusted.body);
    assert_eq!(trusted.body["vertrouwd"], true);

    let created = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(item("Formulierenpunt Hamersveld")),
        )
        .await;
    let path = format!("/api/v1/beheer/aanbod/{}", created.body["id"]);
    let published = app
        .call(
            "POST",
            &format!("{path}/indieningen"),
            Some(&partner),
            Some(created.etag()),
            None,
        )
        .await;
    assert_eq!(
        published.body["status"], "gepubliceerd",
        "{}",
        published.body
    );
    assert!(found(&app, "q=formulierenpunt", "formulierenpunt").await);

    let mut content = published.body["inhoud"].clone();
    content["titel"] = json!("Formulierenpunt Hamersveld en Rozendaal");
    let edited = app
        .call(
            "PUT",
            &path,
            Some(&partner),
            Some(published.etag()),
            Some(content),
        )
        .await;
    assert_eq!(edited.status, 200);
    assert!(edited.body["wijziging"].is_null());
    assert!(found(&app, "q=formulierenpunt rozendaal", "rozendaal").await);
}

#[tokio::test]
async fn forbidden_and_invalid_fields_are_all_listed_and_change_nothing() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-samen-leusden").await;
    let partner = app.token_for("partner", Some(org)).await;
    let before = app.all_listings().await;

    let mut body = item("Taalcafé");
    body["status"] = json!("gepubliceerd");
    body["organisatieId"] = json!(1);
    body["versie"] = json!(7);
    body["laatstGecontroleerd"] = json!("2026-01-01");
    body["kleur"] = json!("rood");
    let refused = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(body),
        )
        .await;
    assert_eq!(refused.status, 400);
    let names: Vec<&str> = refused.body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for field in [
        "status",
        "organisatieId",
        "versie",
        "laatstGecontroleerd",
        "kleur",
    ] {
        assert!(names.contains(&field), "{field} missing in {names:?}");
    }

    // Wrong types, each named.
    let mut body = item("Taalcafé");
    body["titel"] = json!(5);
    body["heleGemeente"] = json!("ja");
    let refused = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(body),
        )
        .await;
    assert_eq!(refused.status, 400);
    let names: Vec<&str> = refused.body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["heleGemeente", "titel"]);

    // Every rule at once.
    let mut body = item("");
    body["contact"] =
        json!({"telefoon": "12345", "email": "geen-adres", "website": "http://voorbeeld.example"});
    body["minLeeftijd"] = json!(50);
    body["maxLeeftijd"] = json!(10);
    body["themas"] = json!(["bestaat-niet"]);
    body["kosten"] = json!("duur");
    body["beschrijving"] = json!("x".repeat(5001));
    body["voorVerwijzers"] = json!({"email": "nee", "toelichting": "<script>alert(1)</script>"});
    let refused = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(body),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.headers["content-type"], "application/problem+json");
    let names: Vec<&str> = refused.body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for field in [
        "titel",
        "beschrijving",
        "themas",
        "minLeeftijd",
        "kosten",
        "contact.telefoon",
        "contact.email",
        "contact.website",
        "voorVerwijzers.email",
        "voorVerwijzers.toelichting",
    ] {
        assert!(names.contains(&field), "{field} missing in {names:?}");
    }
    // Not JSON at all.
    let res = app
        .client
        .post(format!("{}/api/v1/beheer/aanbod", app.base))
        .bearer_auth(&partner)
        .header("content-type", "application/json")
        .body("{titel:")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    assert_eq!(
        app.all_listings().await,
        before,
        "a refused request changed data"
    );
}

#[tokio::test]
async fn twenty_editors_racing_on_one_item_lose_no_update() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-samen-leusden").await;
    let admin = app.token_for("admin", None).await;
    let mut body = item("Wijkontbijt");
    body["organisatieId"] = json!(org);
    let created = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&admin),
            None,
            Some(body),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let path = format!("/api/v1/beheer/aanbod/{}", created.body["id"]);
    let start_version = created.etag();

    let mut tokens = Vec::new();
    for _ in 0..20 {
        tokens.push(app.token_for("redacteur", None).await);
    }
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for (n, token) in tokens.into_iter().enumerate() {
        let app = app.clone();
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0;
            loop {
                let current = app.call("GET", &path, Some(&token), None, None).await;
                let mut content = current.body["inhoud"].clone();
                let mut tags: Vec<String> = content["tijden"]
                    .as_str()
                    .unwrap()
                    .split_whitespace()
                    .map(str::to_string)
                    .collect();
                tags.push(format!("r{n}"));
                content["tijden"] = json!(tags.join(" "));
                let saved = app
                    .call(
                        "PUT",
                        &path,
                        Some(&token),
                        Some(current.etag()),
                        Some(content),
                    )
                    .await;
                match saved.status {
                    200 | 202 => return conflicts,
                    412 => conflicts += 1,
                    other => panic!("unexpected {other}: {}", saved.body),
                }
            }
        }));
    }
    let mut conflicts = 0;
    for t in tasks {
        conflicts += t.await.unwrap();
    }
    let last = app.call("GET", &path, Some(&admin), None, None).await;
    let tags: Vec<&str> = last.body["inhoud"]["tijden"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .collect();
    for n in 0..20 {
        assert!(
            tags.contains(&format!("r{n}").as_str()),
            "update r{n} lost: {tags:?}"
        );
    }
    assert_eq!(last.etag(), start_version + 20);
    println!("20 racing editors: {conflicts} conflicts (412) retried, no update lost");
}

#[tokio::test]
async fn staff_see_referral_details_that_the_public_never_sees() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-samen-leusden").await;
    let admin = app.token_for("admin", None).await;
    let mut body = item("Maatjesproject Kompas");
    body["organisatieId"] = json!(org);
    let created = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&admin),
            None,
            Some(body),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();
    app.call(
        "POST",
        &format!("/api/v1/beheer/aanbod/{id}/indieningen"),
        Some(&admin),
        Some(created.etag()),
        None,
    )
    .await;

    let public = app.search("q=kompas").await;
    assert_eq!(public["resultaten"][0]["id"], id);
    assert!(public["resultaten"][0].get("voorVerwijzers").is_none());
    let detail = app.get_json(&format!("/api/v1/aanbod/{id}")).await;
    assert!(detail.get("voorVerwijzers").is_none());
    assert!(!detail.to_string().contains("06 12345678"));

    let partner = app.token_for("partner", Some(org)).await;
    let as_partner = app.search_as(&partner, "q=kompas").await;
    assert!(as_partner["resultaten"][0].get("voorVerwijzers").is_none());

    let staff = app.token_for("medewerker", None).await;
    let as_staff = app.search_as(&staff, "q=kompas").await;
    assert_eq!(
        as_staff["resultaten"][0]["voorVerwijzers"]["telefoon"],
        "06 12345678"
    );
    let detail = app
        .call(
            "GET",
            &format!("/api/v1/aanbod/{id}"),
            Some(&staff),
            None,
            None,
        )
        .await;
    assert_eq!(
        detail.body["voorVerwijzers"]["toelichting"],
        "Bel vooraf met de coördinator."
    );
}

#[tokio::test]
async fn stale_items_are_listed_and_one_call_confirms_they_are_current() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-voedselbank").await;
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM listings WHERE external_id = 'vz-001'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE listings SET last_verified_at = '2025-01-01T00:00:00.000Z' WHERE id = $1")
        .bind(id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let editor = app.token_for("redacteur", None).await;
    let stale = app
        .call(
            "GET",
            "/api/v1/beheer/aanbod?verouderd=true&pageSize=100",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(stale.status, 200, "{}", stale.body);
    let ids: Vec<i64> = stale.body["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&id), "{ids:?}");
    assert!(
        stale.body["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["verouderd"] == true)
    );

    let partner = app.token_for("partner", Some(org)).await;
    let confirmed = app
        .call(
            "POST",
            &format!("/api/v1/beheer/aanbod/{id}/controles"),
            Some(&partner),
            None,
            None,
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert!(
        confirmed.body["laatstGecontroleerd"]
            .as_str()
            .unwrap()
            .starts_with(&today)
    );
    let stale = app
        .call(
            "GET",
            "/api/v1/beheer/aanbod?verouderd=true&pageSize=100",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert!(
        stale.body["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"] != id)
    );
    // The import and the confirmation are both in the item's history.
    let revisions = app
        .call(
            "GET",
            &format!("/api/v1/beheer/aanbod/{id}/revisies"),
            Some(&partner),
            None,
            None,
        )
        .await;
    let actions: Vec<&str> = revisions
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["actie"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["gecontroleerd", "geimporteerd"]);
    assert_eq!(revisions.body[1]["door"]["naam"], "import");
    // Search shows the new date too.
    let detail = app.get_json(&format!("/api/v1/aanbod/{id}")).await;
    assert!(
        detail["laatstGecontroleerd"]
            .as_str()
            .unwrap()
            .starts_with(&today)
    );
}

#[tokio::test]
async fn a_save_answers_202_with_a_message_when_the_index_lags() {
    // No waiting at all: the index cannot have applied the change when the answer is made.
    let app = TestApp::spawn_with(|c| c.write_wait_ms = 0).await;
    wegwijzer::cli::load_demo_if_empty(&app.store)
        .await
        .unwrap();
    app.wait_indexed().await;
    let org = app.organisation_id("org-samen-leusden").await;
    let admin = app.token_for("admin", None).await;
    let mut body = item("Repaircafé De Horst");
    body["organisatieId"] = json!(org);
    let created = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&admin),
            None,
            Some(body),
        )
        .await;
    assert_eq!(created.status, 202, "{}", created.body);
    assert!(
        created.body["melding"]
            .as_str()
            .unwrap()
            .contains("zoekresultaten")
    );
    assert!(created.headers.contains_key("etag"));
    // It is saved all the same, and search follows.
    let id = created.body["id"].as_i64().unwrap();
    let published = app
        .call(
            "POST",
            &format!("/api/v1/beheer/aanbod/{id}/indieningen"),
            Some(&admin),
            Some(created.etag()),
            None,
        )
        .await;
    assert_eq!(published.status, 202);
    app.wait_indexed().await;
    assert!(found(&app, "q=repaircafe horst", "horst").await);
}

#[tokio::test]
async fn partners_offer_all_three_kinds_with_kind_specific_rules() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-samen-leusden").await;
    let partner = app.token_for("partner", Some(org)).await;
    let mut vacancy = item("Chauffeur voor de boodschappenbus");
    vacancy["soort"] = json!("vacature");
    let refused = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(vacancy.clone()),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.body["invalidParams"][0]["name"], "vacature");
    vacancy["vacature"] = json!({"tijdsbesteding": "wekelijks", "urenPerWeek": 4, "talenten": ["rijbewijs"], "einddatum": "2099-12-31"});
    let created = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(vacancy),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.body["inhoud"]["vacature"]["talenten"],
        json!(["rijbewijs"])
    );
    let mut initiative = item("Buurtmoestuin Groenhouten");
    initiative["soort"] = json!("initiatief");
    initiative["vacature"] = json!({"tijdsbesteding": "wekelijks"});
    let refused = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(initiative.clone()),
        )
        .await;
    assert_eq!(
        refused.body["invalidParams"][0]["reason"],
        "alleen toegestaan bij soort vacature"
    );
    initiative.as_object_mut().unwrap().remove("vacature");
    let created = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(initiative),
        )
        .await;
    assert_eq!(created.status, 201);
    let mine = app
        .call(
            "GET",
            "/api/v1/beheer/aanbod?status=concept",
            Some(&partner),
            None,
            None,
        )
        .await;
    assert_eq!(mine.body["totaal"], 2);
}

#[tokio::test]
async fn a_direct_edit_replaces_a_waiting_proposal() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-samen-leusden").await;
    let partner = app.token_for("partner", Some(org)).await;
    let editor = app.token_for("redacteur", None).await;
    let created = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(item("Fietsmaatjes Leusden")),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/beheer/aanbod/{id}");
    let sub = app
        .call(
            "POST",
            &format!("{path}/indieningen"),
            Some(&partner),
            Some(created.etag()),
            None,
        )
        .await;
    let published = app
        .call(
            "POST",
            &format!("{path}/beoordelingen"),
            Some(&editor),
            Some(sub.etag()),
            Some(json!({"besluit": "goedkeuren"})),
        )
        .await;
    let mut proposal = published.body["inhoud"].clone();
    proposal["titel"] = json!("Fietsmaatjes Leusden en Achterveld");
    let pending = app
        .call(
            "PUT",
            &path,
            Some(&partner),
            Some(published.etag()),
            Some(proposal),
        )
        .await;
    assert_eq!(pending.body["wijziging"]["status"], "ter-beoordeling");
    // Confirming "nog actueel" keeps the proposal and its place in the queue.
    let confirmed = app
        .call(
            "POST",
            &format!("{path}/controles"),
            Some(&partner),
            None,
            None,
        )
        .await;
    assert_eq!(confirmed.body["wijziging"], pending.body["wijziging"]);
    let pending = confirmed;

    // The editor edits the published version directly instead of deciding on the proposal.
    let mut fix = pending.body["gepubliceerd"].clone();
    fix["samenvatting"] =
        json!("Samen fietsen met een vrijwilliger, voor wie het alleen niet meer lukt.");
    let fixed = app
        .call("PUT", &path, Some(&editor), Some(pending.etag()), Some(fix))
        .await;
    assert_eq!(fixed.status, 200, "{}", fixed.body);
    assert!(fixed.body["wijziging"].is_null());
    assert_eq!(fixed.body["inhoud"]["titel"], "Fietsmaatjes Leusden");
    let queue = app
        .call(
            "GET",
            "/api/v1/beheer/beoordelingen",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert!(
        queue.body["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["path"] != path)
    );
    // Nothing is left to approve over the newer content.
    let stale = app
        .call(
            "POST",
            &format!("{path}/beoordelingen"),
            Some(&editor),
            Some(fixed.etag()),
            Some(json!({"besluit": "goedkeuren"})),
        )
        .await;
    assert_eq!(stale.status, 409);
    let revisions = app
        .call(
            "GET",
            &format!("{path}/revisies"),
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(
        revisions.body[0]["reden"],
        "voorgestelde wijziging vervangen door deze bewerking"
    );
}

#[tokio::test]
async fn if_match_must_name_a_version_strongly() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-samen-leusden").await;
    let partner = app.token_for("partner", Some(org)).await;
    let created = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(&partner),
            None,
            Some(item("Zwemles volwassenen")),
        )
        .await;
    let path = format!("/api/v1/beheer/aanbod/{}/indieningen", created.body["id"]);
    let send = |value: String| {
        let app = &app;
        let path = path.clone();
        let partner = partner.clone();
        async move {
            app.client
                .post(format!("{}{}", app.base, path))
                .bearer_auth(partner)
                .header("If-Match", value)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let v = created.etag();
    assert_eq!(send("*".into()).await, 428);
    assert_eq!(send(format!("W/\"{v}\"")).await, 412);
    assert_eq!(send(format!("\"{}\"", v + 5)).await, 412);
    assert_eq!(send(format!("\"{v}\"")).await, 200);
    // Answers vary by caller, and logged-in answers are never cached.
    let res = app
        .call("GET", "/api/v1/aanbod", Some(&partner), None, None)
        .await;
    assert!(
        res.headers["vary"]
            .to_str()
            .unwrap()
            .contains("Authorization")
    );
    assert_eq!(res.headers["cache-control"], "private, no-store");
}
