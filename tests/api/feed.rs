//! The public change feed: a consumer that follows `/api/v1/wijzigingen` from the start holds
//! exactly the public offer, after a random mix of edits of every kind (items created, edited,
//! unpublished, archived and deleted; organisations renamed; themes relabelled; vacancies
//! passing their end date), across a restart, and with positions that mean the same on every
//! node. Drafts and staff-only fields never appear.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::TestApp;
use wegwijzer::domain::TermKey;
use wegwijzer::domain::listing::today;
use wegwijzer::domain::taxonomy::TermKind;
use wegwijzer::import_export::import_documents;

const ORGS: [&str; 4] = [
    "org-samen-leusden",
    "org-sociaal-team",
    "org-schuldhulp",
    "org-voedselbank",
];
const STATUSES: [&str; 4] = ["gepubliceerd", "gepubliceerd", "concept", "gearchiveerd"];

/// A small deterministic generator: the same mix on every run.
struct Mix(u64);

impl Mix {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn feed_item(
    n: usize,
    version: usize,
    org: &str,
    status: &str,
    vacancy_end: Option<String>,
) -> Value {
    let mut item = crate::helpers::item(&format!("Feedproef {n} versie {version}"));
    item["externId"] = json!(format!("feed-{n}"));
    item["organisatie"] = json!(org);
    item["status"] = json!(status);
    if let Some(end) = vacancy_end {
        item["soort"] = json!("vacature");
        item["vacature"] = json!({"tijdsbesteding": "wekelijks", "urenPerWeek": 2,
            "talenten": [], "einddatum": end});
    }
    item
}

async fn import(app: &TestApp, doc: Value) {
    import_documents(&app.store, vec![serde_json::from_value(doc).unwrap()])
        .await
        .unwrap();
}

/// Reads the feed from `cursor` to its end, applying every entry to `held`.
async fn follow(
    app: &TestApp,
    cursor: &mut Option<String>,
    held: &mut BTreeMap<i64, Value>,
) -> usize {
    // A node gives the rows its index has applied: a consumer polls; the test waits.
    app.wait_indexed().await;
    let mut entries = 0;
    loop {
        let path = match cursor {
            Some(c) => format!("/api/v1/wijzigingen?na={c}&pageSize=7"),
            None => "/api/v1/wijzigingen?pageSize=7".to_string(),
        };
        let page = app.call("GET", &path, None, None, None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        for e in page.body["wijzigingen"].as_array().unwrap() {
            entries += 1;
            let id = e["aanbodId"].as_i64().unwrap();
            match e["soort"].as_str().unwrap() {
                "gewijzigd" => {
                    assert!(
                        e["aanbod"].get("voorVerwijzers").is_none(),
                        "staff-only field: {e}"
                    );
                    held.insert(id, e["aanbod"].clone());
                }
                "verwijderd" => {
                    assert!(e.get("aanbod").is_none());
                    held.remove(&id);
                }
                other => panic!("soort {other}"),
            }
        }
        *cursor = Some(page.body["volgende"].as_str().unwrap().to_string());
        if page.body["bijgewerkt"] == true {
            return entries;
        }
    }
}

/// The consumer's copy equals the public offer: the same ids, and each item exactly as
/// `GET /aanbod/{id}` shows it to anyone.
async fn assert_holds_the_public_offer(app: &TestApp, held: &BTreeMap<i64, Value>) {
    let public: Vec<i64> = app.public_listings().await.iter().map(|l| l.id).collect();
    let held_ids: Vec<i64> = held.keys().copied().collect();
    assert_eq!(held_ids, crate::helpers::sorted(public));
    for (id, item) in held {
        let shown = app
            .call("GET", &format!("/api/v1/aanbod/{id}"), None, None, None)
            .await;
        assert_eq!(&shown.body, item, "item {id}");
    }
}

async fn random_edits(app: &TestApp, mix: &mut Mix, round: usize, editor: i64) {
    for step in 0..30 {
        let n = mix.next(12);
        match mix.next(6) {
            0..=2 => {
                let org = ORGS[mix.next(ORGS.len())];
                let status = STATUSES[mix.next(STATUSES.len())];
                let end = (mix.next(3) == 0).then(|| (today() + chrono::Days::new(30)).to_string());
                import(
                    app,
                    json!({"aanbod": [feed_item(n, round * 100 + step, org, status, end)]}),
                )
                .await;
            }
            3 => {
                let ids: Vec<i64> = app
                    .all_listings()
                    .await
                    .iter()
                    .filter(|l| {
                        l.external_id
                            .as_deref()
                            .is_some_and(|e| e.starts_with("feed-"))
                    })
                    .map(|l| l.id)
                    .collect();
                if !ids.is_empty() {
                    app.store
                        .delete_listing(ids[mix.next(ids.len())])
                        .await
                        .unwrap();
                }
            }
            4 => {
                let org = ORGS[mix.next(ORGS.len())];
                import(
                    app,
                    json!({"organisaties": [{"externId": org,
                    "naam": format!("Organisatie {org} ronde {round} stap {step}")}]}),
                )
                .await;
            }
            _ => {
                let key = ["ontmoeting", "geldzaken"][mix.next(2)];
                app.store
                    .change_term(
                        TermKind::Theme,
                        &TermKey::parse(key).unwrap(),
                        Some(&format!("Thema {key} {round}.{step}")),
                        None,
                        (editor, "Redactie"),
                    )
                    .await
                    .unwrap();
            }
        }
    }
    // A published vacancy passes its end date: time moves on by rewriting the date.
    let vacancy = app.all_listings().await.into_iter().find(|l| {
        l.vacancy.as_ref().is_some_and(|v| v.end_date.is_some()) && l.is_public_on(today())
    });
    if let Some(v) = vacancy {
        sqlx::query("UPDATE listings SET end_date = '2001-01-01' WHERE id = $1")
            .bind(v.id)
            .execute(app.store.pool())
            .await
            .unwrap();
        // (Demo vacancies that ended since the last sweep may come along.)
        assert!(app.store.announce_ended_vacancies(today()).await.unwrap() >= 1);
        // Once per end date, however often a node sweeps.
        assert_eq!(
            app.store.announce_ended_vacancies(today()).await.unwrap(),
            0
        );
    }
}

#[tokio::test]
async fn a_consumer_of_the_feed_holds_exactly_the_public_offer_across_edits_and_a_restart() {
    let mut app = TestApp::with_demo().await;
    let editor = app
        .create_account("feed-redactie@test.example", "redacteur", None)
        .await;
    let mut held = BTreeMap::new();
    let mut cursor = None;
    let first = follow(&app, &mut cursor, &mut held).await;
    assert!(first >= 160, "the start replays the demo offer: {first}");
    assert_holds_the_public_offer(&app, &held).await;

    let mut mix = Mix(20261202);
    random_edits(&app, &mut mix, 1, editor).await;
    follow(&app, &mut cursor, &mut held).await;
    assert_holds_the_public_offer(&app, &held).await;

    // Edits while the consumer is away, a restart, and it continues where it was.
    random_edits(&app, &mut mix, 2, editor).await;
    app.restart().await;
    random_edits(&app, &mut mix, 3, editor).await;
    follow(&app, &mut cursor, &mut held).await;
    assert_holds_the_public_offer(&app, &held).await;

    // A fresh consumer from the start agrees with the one that followed along.
    let (mut fresh, mut from_start) = (BTreeMap::new(), None);
    follow(&app, &mut from_start, &mut fresh).await;
    assert_eq!(fresh, held);
    assert_eq!(from_start, cursor);
}

#[tokio::test]
async fn positions_mean_the_same_on_every_node_and_bad_ones_are_refused() {
    let a = TestApp::with_demo().await;
    let b = TestApp::second_node(&a).await;
    // An organisation touches several items: a page may end inside its row.
    import(&a, json!({"organisaties": [{"externId": "org-samen-leusden", "naam": "Samen Leusden (nieuw)"}]})).await;
    let mut cursor = None;
    let mut held = BTreeMap::new();
    follow(&a, &mut cursor, &mut held).await;
    for na in ["0", "150", "172.3"] {
        let path = format!("/api/v1/wijzigingen?na={na}&pageSize=5");
        let (pa, pb) = (
            a.call("GET", &path, None, None, None).await,
            b.call("GET", &path, None, None, None).await,
        );
        assert_eq!(pa.status, 200);
        assert_eq!(pa.body["wijzigingen"], pb.body["wijzigingen"], "{na}");
    }
    let bad = a
        .call(
            "GET",
            "/api/v1/wijzigingen?na=abc&pageSize=0&x=1",
            None,
            None,
            None,
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.body["invalidParams"].as_array().unwrap().len(),
        3,
        "{}",
        bad.body
    );
    // A concept never shows as an item.
    import(
        &a,
        json!({"aanbod": [feed_item(99, 1, "org-samen-leusden", "concept", None)]}),
    )
    .await;
    let mut after = cursor.clone();
    let mut seen = BTreeMap::new();
    follow(&a, &mut after, &mut seen).await;
    assert!(seen.is_empty(), "{seen:?}");
}
