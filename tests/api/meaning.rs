//! Search by meaning with a real embeddings service: a sentence finds items that share none
//! of its words, the vectors follow the index, and search goes on with words alone when the
//! service is down.

use crate::dutch::import_published;
use crate::helpers::{TestApp, titles};
use crate::search::urlencode;

/// Items that share no word with the query of these tests.
fn items() -> Vec<serde_json::Value> {
    let item = |title: &str, summary: &str, description: &str| {
        let mut item = crate::helpers::item(title);
        item["samenvatting"] = serde_json::json!(summary);
        item["beschrijving"] = serde_json::json!(description);
        item
    };
    vec![
        item(
            "Grip op je gedachten",
            "Een cursus voor volwassenen die veel piekeren en daardoor slecht slapen.",
            "In zes bijeenkomsten leert u rustiger te worden.",
        ),
        item(
            "Zwemles voor kinderen",
            "Leer zwemmen in het sportbad, in kleine groepen.",
            "Op woensdag en zaterdag, met een diploma aan het eind.",
        ),
        item(
            "Fietsreparatie in de wijk",
            "Vrijwilligers maken uw fiets weer rijklaar.",
            "Breng uw fiets op donderdag naar de werkplaats.",
        ),
        item(
            "Hulp bij de belastingaangifte",
            "Een vrijwilliger vult samen met u het formulier in.",
            "Neem uw papieren mee naar het spreekuur.",
        ),
        item(
            "Koffieochtend",
            "Een plek om samen koffie te drinken en nieuwe mensen te leren kennen.",
            "Op dinsdag staat de koffie klaar in het wijkcentrum.",
        ),
    ]
}

const SENTENCE: &str = "ik kan mijn hoofd niet stilzetten als ik in bed lig";

#[tokio::test]
async fn a_sentence_finds_an_item_in_other_words_by_its_meaning() {
    let Some(url) = TestApp::embeddings_url() else {
        return;
    };
    // Words alone: the item about worrying is not what the sentence finds first.
    let words = TestApp::spawn().await;
    import_published(&words, "zin", "Welzijn Leusden", items()).await;
    let body = words.search(&format!("q={}", urlencode(SENTENCE))).await;
    assert_ne!(
        titles(&body).first().map(String::as_str),
        Some("Grip op je gedachten"),
        "{body}"
    );

    let app = TestApp::spawn_with(|c| c.embeddings_url = Some(url)).await;
    import_published(&app, "zin", "Welzijn Leusden", items()).await;
    app.wait_for_vectors().await;
    let staff = app.token_for("medewerker", None).await;
    let body = app
        .search_as(&staff, &format!("q={}&uitleg=true", urlencode(SENTENCE)))
        .await;
    assert_eq!(titles(&body)[0], "Grip op je gedachten", "{body}");
    let first = &body["resultaten"][0];
    assert!(
        first["uitleg"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["soort"] == "betekenis"),
        "{first}"
    );
    // The items close in meaning are counted like any match.
    assert_eq!(
        body["totaal"].as_u64().unwrap() as usize,
        titles(&body).len()
    );
    // A keyword search is left to the words: no item without the word.
    let body = app.search("q=zwemles").await;
    assert_eq!(titles(&body), vec!["Zwemles voor kinderen".to_string()]);
    // Filters hold for items found by meaning too.
    let body = app
        .search(&format!("q={}&soort=vacature", urlencode(SENTENCE)))
        .await;
    assert_eq!(body["totaal"], 0, "{body}");
}

#[tokio::test]
async fn vectors_follow_the_index_when_items_change_or_go() {
    let Some(url) = TestApp::embeddings_url() else {
        return;
    };
    let app = TestApp::spawn_with(|c| c.embeddings_url = Some(url)).await;
    import_published(&app, "zin", "Welzijn Leusden", items()).await;
    app.wait_for_vectors().await;
    let vectors = app.index().meaning().unwrap();
    assert_eq!(vectors.len(), 5);
    // An item withdrawn from the index loses its vector: the same import with the last
    // item archived.
    let mut items = items();
    items[4]["status"] = serde_json::json!("gearchiveerd");
    import_published(&app, "zin", "Welzijn Leusden", items).await;
    for _ in 0..100 {
        if vectors.len() == 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(vectors.len(), 4);
    // The vectors are kept beside the index: a restart computes none again and loses none.
    let file = vectors.path().to_path_buf();
    let before = std::fs::metadata(&file).unwrap().len();
    let mut app = app;
    app.restart().await;
    app.wait_indexed().await;
    let vectors = app.index().meaning().unwrap();
    assert_eq!(vectors.len(), 4);
    assert!(std::fs::metadata(&file).unwrap().len() <= before);
}

#[tokio::test]
async fn search_goes_on_with_words_when_the_embeddings_service_is_down() {
    // Nothing listens on port 9 here: every request to the service fails at once.
    let down =
        TestApp::spawn_with(|c| c.embeddings_url = Some("http://127.0.0.1:9/v1/embeddings".into()))
            .await;
    import_published(&down, "zin", "Welzijn Leusden", items()).await;
    let words = TestApp::spawn().await;
    import_published(&words, "zin", "Welzijn Leusden", items()).await;
    for q in [
        SENTENCE,
        "hulp bij het invullen van een formulier",
        "zwemles",
    ] {
        let query = format!("q={}", urlencode(q));
        let a = down.search(&query).await;
        let b = words.search(&query).await;
        assert_eq!(titles(&a), titles(&b), "{q}");
        assert_eq!(a["totaal"], b["totaal"], "{q}");
    }
    assert!(down.index().meaning().unwrap().is_empty());
}
