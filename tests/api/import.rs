//! Import: idempotent, all-or-nothing, every bad record named.

use serde_json::json;

use crate::helpers::TestApp;
use wegwijzer::import_export::{ImportDocument, ImportError, import_documents};

fn doc(v: serde_json::Value) -> ImportDocument {
    serde_json::from_value(v).unwrap()
}

#[tokio::test]
async fn importing_the_same_data_twice_changes_nothing() {
    let app = TestApp::with_demo().await;
    let listings = app.all_listings().await.len();
    let seq = app.store.latest_outbox_seq().await.unwrap();
    let report = import_documents(&app.store, wegwijzer::cli::demo_documents().unwrap())
        .await
        .unwrap();
    assert_eq!(report.listings_created, 0);
    assert_eq!(report.listings_updated, 0);
    assert_eq!(report.listings_unchanged, listings);
    assert_eq!(app.all_listings().await.len(), listings);
    assert_eq!(
        app.store.latest_outbox_seq().await.unwrap(),
        seq,
        "no spurious index work"
    );
}

#[tokio::test]
async fn a_changed_record_is_updated_in_place_and_becomes_searchable() {
    let app = TestApp::with_demo().await;
    let before = app.all_listings().await.len();
    let item = json!({"aanbod": [{
        "externId": "vz-001", "soort": "voorziening", "organisatie": "org-samen-leusden",
        "titel": "Zeepkistenrace voor de hele buurt", "samenvatting": "Bouw je eigen zeepkist.",
        "themas": ["ontmoeting"], "wijken": [], "heleGemeente": true,
        "minLeeftijd": 6, "maxLeeftijd": 99, "kosten": "gratis"
    }]});
    let report = import_documents(&app.store, vec![doc(item)]).await.unwrap();
    assert_eq!(report.listings_updated, 1);
    assert_eq!(app.all_listings().await.len(), before);
    app.wait_indexed().await;
    let body = app.search("q=zeepkisten").await;
    assert_eq!(body["totaal"], 1);
    assert_eq!(
        body["resultaten"][0]["titel"],
        "Zeepkistenrace voor de hele buurt"
    );
    let l = app
        .store
        .find_listing(body["resultaten"][0]["id"].as_i64().unwrap())
        .await
        .unwrap();
    assert_eq!(l.version, 2);
}

#[tokio::test]
async fn an_invalid_import_is_refused_whole_and_names_every_bad_record() {
    let app = TestApp::with_demo().await;
    let before = app.all_listings().await;
    let seq = app.store.latest_outbox_seq().await.unwrap();
    let bad = json!({
        "organisaties": [{"externId": "org-nieuw", "naam": "Nieuwe club", "website": "http://onveilig.example"}],
        "aanbod": [
            {"externId": "ok-1", "soort": "initiatief", "organisatie": "org-nieuw",
             "titel": "Een prima initiatief", "samenvatting": "Goed.", "themas": ["ontmoeting"],
             "wijken": ["hamersveld"], "minLeeftijd": 0, "maxLeeftijd": 120, "kosten": "gratis"},
            {"externId": "bad-1", "soort": "winkel", "organisatie": "org-nieuw",
             "titel": "X", "samenvatting": "", "themas": ["onbekend"],
             "wijken": [], "minLeeftijd": 50, "maxLeeftijd": 20, "kosten": "duur",
             "contact": {"email": "geen-adres", "telefoon": "123", "website": "ftp://x"}},
            {"externId": "bad-2", "soort": "vacature", "organisatie": "org-bestaat-niet",
             "titel": "Vacature zonder details", "samenvatting": "<b>vet</b>", "themas": ["ontmoeting"],
             "heleGemeente": true, "minLeeftijd": 16, "maxLeeftijd": 80, "kosten": "gratis"}
        ]
    });
    let err = import_documents(&app.store, vec![doc(bad)])
        .await
        .unwrap_err();
    let ImportError::Invalid(errors) = err else {
        panic!("expected a validation report, got {err}")
    };
    let names: Vec<&str> = errors.as_slice().iter().map(|e| e.name.as_str()).collect();
    for expected in [
        "organisaties[0].website",
        "aanbod[1](bad-1).soort",
        "aanbod[1](bad-1).titel",
        "aanbod[1](bad-1).samenvatting",
        "aanbod[1](bad-1).themas",
        "aanbod[1](bad-1).wijken",
        "aanbod[1](bad-1).minLeeftijd",
        "aanbod[1](bad-1).kosten",
        "aanbod[1](bad-1).contact.email",
        "aanbod[1](bad-1).contact.telefoon",
        "aanbod[1](bad-1).contact.website",
        "aanbod[2](bad-2).samenvatting",
        "aanbod[2](bad-2).vacature",
    ] {
        assert!(names.contains(&expected), "{expected} missing in {names:?}");
    }
    assert!(
        !names.iter().any(|n| n.contains("ok-1")),
        "the good record is not blamed"
    );
    assert_eq!(app.all_listings().await, before, "nothing was stored");
    assert_eq!(app.store.latest_outbox_seq().await.unwrap(), seq);
    assert!(
        app.store
            .list_organisations(0, 100)
            .await
            .unwrap()
            .0
            .iter()
            .all(|o| o.name != "Nieuwe club")
    );
}

#[tokio::test]
async fn an_unknown_organisation_rolls_back_the_whole_import() {
    let app = TestApp::with_demo().await;
    let before = app.all_listings().await.len();
    let items = json!({"aanbod": [
        {"externId": "nieuw-1", "soort": "initiatief", "organisatie": "org-samen-leusden",
         "titel": "Eerste nieuwe", "samenvatting": "Een.", "themas": ["ontmoeting"],
         "heleGemeente": true, "minLeeftijd": 0, "maxLeeftijd": 120, "kosten": "gratis"},
        {"externId": "nieuw-2", "soort": "initiatief", "organisatie": "org-onbekend",
         "titel": "Tweede nieuwe", "samenvatting": "Twee.", "themas": ["ontmoeting"],
         "heleGemeente": true, "minLeeftijd": 0, "maxLeeftijd": 120, "kosten": "gratis"}
    ]});
    let err = import_documents(&app.store, vec![doc(items)])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("org-onbekend"), "{err}");
    assert_eq!(app.all_listings().await.len(), before);
}

#[tokio::test]
async fn the_import_command_reports_problems_and_exits_nonzero() {
    let app = TestApp::spawn().await;
    let file = app.dir.path().join("kapot.json");
    std::fs::write(&file, r#"{"aanbod": [{"externId": "x"}]}"#).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wegwijzer"))
        .arg("--data-dir")
        .arg(app.dir.path().join("cli"))
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("kapot.json"), "{stderr}");
}

#[tokio::test]
async fn structural_errors_of_every_file_are_reported_together_in_dutch_and_nothing_is_written() {
    let app = TestApp::with_demo().await;
    let before = app.all_listings().await.len();
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("1-goed.json");
    std::fs::write(
        &good,
        json!({"aanbod": [{"externId": "nieuw-1", "soort": "voorziening",
            "organisatie": "org-samen-leusden", "titel": "Een nieuw aanbod",
            "samenvatting": "Kort.", "themas": ["ontmoeting"], "heleGemeente": true,
            "minLeeftijd": 0, "maxLeeftijd": 99, "kosten": "gratis"}]})
        .to_string(),
    )
    .unwrap();
    let bad = dir.path().join("2-fout.json");
    std::fs::write(
        &bad,
        json!({"aanbod": [
            {"externId": "x", "soort": "voorziening", "organisatie": "org-samen-leusden",
             "titel": "Titel", "samenvatting": "s", "maxLeeftijd": 99, "kosten": "gratis"},
            {"externId": "y", "soort": "voorziening", "organisatie": "org-samen-leusden",
             "titel": "Titel", "samenvatting": "s", "minLeeftijd": "nul", "maxLeeftijd": 99,
             "kosten": "gratis", "kleur": "rood"}
        ]})
        .to_string(),
    )
    .unwrap();
    let Err(ImportError::Invalid(errors)) =
        wegwijzer::import_export::import_files(&app.store, &[good.clone(), bad]).await
    else {
        panic!("the import must be refused");
    };
    let mut lines: Vec<String> = errors
        .into_vec()
        .into_iter()
        .map(|e| format!("{}: {}", e.name, e.reason))
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "2-fout.json: aanbod[0](x).minLeeftijd: ontbreekt",
            "2-fout.json: aanbod[1](y).kleur: onbekend veld",
            "2-fout.json: aanbod[1](y).minLeeftijd: verkeerd type: verwacht een geheel getal, gevonden tekst",
        ]
    );
    assert_eq!(app.all_listings().await.len(), before, "nothing written");

    // A file that is not JSON stops at its syntax error, with the place in Dutch.
    let broken = dir.path().join("3-kapot.json");
    std::fs::write(&broken, "{\"aanbod\": [\n  {\"externId\": \"z\",,}\n]}").unwrap();
    let err = wegwijzer::import_export::import_files(&app.store, &[good, broken])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("regel 2, kolom"), "{err}");
    assert!(err.contains("geen geldige JSON"), "{err}");
}

/// What a round trip must keep of an item.
fn essence(l: &wegwijzer::domain::Listing) -> String {
    format!(
        "{:?}|{}|{}|{}|{}|{:?}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{}",
        l.external_id,
        l.kind.as_str(),
        l.organisation_name,
        l.title,
        l.summary,
        l.themes,
        l.wijken,
        l.whole_municipality,
        l.ages,
        l.location,
        l.cost,
        l.contact,
        l.schedule,
        l.status,
        l.vacancy,
        l.referral,
        l.languages,
        l.accessibility,
        l.last_verified_at.date_naive(),
    ) + &l.description
}

#[tokio::test]
async fn a_csv_export_imports_into_an_empty_instance_unchanged_and_again_changes_nothing() {
    let a = TestApp::with_demo().await;
    let dir = tempfile::tempdir().unwrap();
    let report = wegwijzer::import_export::export_csv(&a.store, dir.path(), &|_, _, _| {})
        .await
        .unwrap();
    assert_eq!(report.listings, a.all_listings().await.len());
    let sheet = std::fs::read_to_string(dir.path().join("aanbod.csv")).unwrap();
    assert!(
        sheet.starts_with("\u{feff}externId;soort;organisatie;"),
        "UTF-8 with BOM, semicolons"
    );
    assert!(
        sheet.contains(";ja;") && sheet.contains('|'),
        "ja/nee and | for several values"
    );

    // An empty instance with the same taxonomy (sheets hold organisations and items).
    let b = TestApp::spawn().await;
    let taxonomy = wegwijzer::cli::demo_documents().unwrap().remove(0);
    import_documents(&b.store, vec![taxonomy]).await.unwrap();
    let files = [
        dir.path().join("organisaties.csv"),
        dir.path().join("aanbod.csv"),
    ];
    let first = wegwijzer::import_export::import_files(&b.store, &files)
        .await
        .unwrap();
    assert_eq!(first.listings_created, report.listings);
    let mut before: Vec<String> = a.all_listings().await.iter().map(essence).collect();
    let mut after: Vec<String> = b.all_listings().await.iter().map(essence).collect();
    before.sort();
    after.sort();
    assert_eq!(before, after);

    let again = wegwijzer::import_export::import_files(&b.store, &files)
        .await
        .unwrap();
    assert_eq!(again.listings_unchanged, report.listings, "{again}");
    assert_eq!(again.organisations_created, 0);
}

#[tokio::test]
async fn csv_errors_name_row_and_column_and_a_dry_run_counts_without_writing() {
    let app = TestApp::with_demo().await;
    let before = app.all_listings().await.len();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aanbod.csv");
    std::fs::write(
        &path,
        "\u{feff}externId;soort;organisatie;titel;samenvatting;themas;wijken;heleGemeente;minLeeftijd;maxLeeftijd;kosten;laatstGecontroleerd\r\n\
         vz-001;voorziening;org-voedselbank;Voedselpakket ophalen;Een pakket per week.;geldzaken;hamersveld;nee;18;120;gratis;01-10-2026\r\n\
         csv-1;initiatief;org-samen-leusden;Koffie in de wijk;Elke week koffie.;ontmoeting;Centrum;nee;0;120;gratis;\r\n\
         csv-2;initiatief;org-samen-leusden;Samen wandelen;Elke week wandelen.;ontmoeting|sport-bewegen;;ja;0;120;gratis;2-11-2026\r\n\
         csv-3;initiatief;org-samen-leusden;Breiclub;Elke week breien.;ontmoeting;;ja;nul;120;gratis;\r\n",
    )
    .unwrap();
    let Err(ImportError::Invalid(errors)) =
        wegwijzer::import_export::import_files(&app.store, std::slice::from_ref(&path)).await
    else {
        panic!("refused");
    };
    let lines: Vec<String> = errors
        .into_vec()
        .into_iter()
        .map(|e| format!("{}: {}", e.name, e.reason))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("aanbod.csv: rij 3, kolom wijken: ") && l.contains("Centrum")),
        "{lines:#?}"
    );
    assert!(
        lines.contains(
            &"aanbod.csv: rij 5, kolom minLeeftijd: \"nul\" is geen geheel getal".to_string()
        ),
        "{lines:#?}"
    );
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert_eq!(app.all_listings().await.len(), before);

    let options = wegwijzer::import_export::ImportOptions {
        dry_run: true,
        progress: None,
    };
    let report = wegwijzer::import_export::import_files_with(&app.store, &[path], options)
        .await
        .unwrap();
    assert_eq!(
        (
            report.listings_created,
            report.listings_updated,
            report.listings_unchanged,
            report.invalid_records
        ),
        (1, 1, 0, 2),
        "{report}"
    );
    assert_eq!(
        app.all_listings().await.len(),
        before,
        "a dry run writes nothing"
    );
}

#[tokio::test]
async fn the_documented_example_sheets_import_cleanly() {
    let app = TestApp::with_demo().await;
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let files = [
        docs.join("voorbeeld-organisaties.csv"),
        docs.join("voorbeeld-aanbod.csv"),
    ];
    let options = wegwijzer::import_export::ImportOptions {
        dry_run: true,
        progress: None,
    };
    let report = wegwijzer::import_export::import_files_with(&app.store, &files, options)
        .await
        .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        (report.organisations_unchanged, report.listings_unchanged),
        (3, 3),
        "{report}"
    );
}

/// Posts a sheet to the editors' import endpoint; returns status and JSON body.
async fn upload(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let mut req = app
        .client
        .post(format!("{}/api/v1/beheer/imports{query}", app.base))
        .header("Content-Type", "text/csv; charset=utf-8")
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn editors_upload_a_sheet_through_the_api_with_the_same_report_as_the_command_line() {
    let app = TestApp::with_demo().await;
    let editor = app.token_for("redacteur", None).await;
    let org = app.organisation_id("org-samen-leusden").await;
    let partner = app.token_for("partner", Some(org)).await;
    let before = app.all_listings().await.len();
    let header = "\u{feff}externId;soort;organisatie;titel;samenvatting;themas;wijken;heleGemeente;minLeeftijd;maxLeeftijd;kosten\r\n";
    let bad = format!(
        "{header}api-1;initiatief;org-samen-leusden;Jeu de boules op het plein;Elke week jeu de boules.;ontmoeting;;ja;0;120;gratis\r\n\
         api-2;initiatief;org-samen-leusden;Koffie in de wijk;Elke week koffie.;ontmoeting;Centrum;nee;0;120;gratis\r\n"
    );
    assert_eq!(
        upload(&app, None, "", bad.clone().into_bytes()).await.0,
        401
    );
    assert_eq!(
        upload(&app, Some(&partner), "", bad.clone().into_bytes())
            .await
            .0,
        403
    );

    let (status, dry) = upload(
        &app,
        Some(&editor),
        "?proefdraai=true",
        bad.clone().into_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["proefdraai"], true);
    assert_eq!(dry["aanbod"]["nieuw"], 1);
    assert_eq!(dry["ongeldig"], 1);
    assert_eq!(dry["fouten"][0]["plaats"], "rij 3, kolom wijken");
    assert_eq!(app.all_listings().await.len(), before);

    // A header row that is not a sheet's cannot be checked at all, not even as a dry run.
    let (status, body) = upload(&app, Some(&editor), "?proefdraai=true", b"{}".to_vec()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["invalidParams"][0]["name"], "rij 1, kolom {}");

    let (status, refused) = upload(&app, Some(&editor), "", bad.into_bytes()).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["invalidParams"][0]["name"], "rij 3, kolom wijken");
    assert_eq!(app.all_listings().await.len(), before, "nothing written");

    // A good sheet of ~200 KB: over the 64 KiB every other endpoint takes, well under this
    // endpoint's limit. Search shows it when the answer comes.
    let mut good = String::from(header);
    for i in 0..700 {
        good.push_str(&format!(
            "api-{i};initiatief;org-samen-leusden;Jeu de boules groep {i};Elke week jeu de boules op het plein, met koffie na afloop en een praatje.;ontmoeting;;ja;0;120;gratis\r\n"
        ));
    }
    assert!(good.len() > 64 * 1024);
    let (status, done) = upload(&app, Some(&editor), "", good.into_bytes()).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["aanbod"]["nieuw"], 700);
    assert_eq!(app.search("q=boules").await["totaal"], 700);

    // Other endpoints keep their small limit.
    let big = app
        .client
        .post(format!("{}/api/v1/beheer/synoniemen", app.base))
        .bearer_auth(&editor)
        .header("Content-Type", "application/json")
        .body(format!("{{\"termen\": [\"{}\"]}}", "a".repeat(100 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(big.status().as_u16(), 413);
    // And this one refuses more than 20 MiB before reading it.
    let (status, _) = upload(&app, Some(&editor), "", vec![b'a'; 21 * 1024 * 1024]).await;
    assert_eq!(status, 413);
}

/// A JSON file is read as a stream (`import_export::stream`): its items may come before its
/// organisations, errors are named by file and position, a dry run counts without writing,
/// and the items land in one transaction with their revisions and outbox rows.
#[tokio::test]
async fn a_streamed_file_names_errors_by_position_and_may_list_items_before_organisations() {
    let app = TestApp::with_demo().await;
    let dir = tempfile::tempdir().unwrap();
    let item = |id: &str, org: &str| {
        json!({"externId": id, "soort": "voorziening", "organisatie": org,
               "titel": format!("Stroom {id}"), "samenvatting": "Kort.",
               "themas": ["ontmoeting"], "heleGemeente": true, "minLeeftijd": 0,
               "maxLeeftijd": 99, "kosten": "gratis"})
    };
    // Items first, then the organisation they belong to.
    let file = dir.path().join("stroom.json");
    let mut items: Vec<serde_json::Value> = (0..1200)
        .map(|i| item(&format!("s-{i}"), "org-stroom"))
        .collect();
    items[700]["maxLeeftijd"] = json!(200);
    items[1100]["organisatie"] = json!("bestaat-niet");
    let text = format!(
        "{{\"aanbod\": {}, \"organisaties\": [{{\"externId\": \"org-stroom\", \"naam\": \"Stroom\"}}]}}",
        serde_json::to_string(&items).unwrap()
    );
    std::fs::write(&file, &text).unwrap();
    let before = app.all_listings().await.len();
    let Err(ImportError::Invalid(errors)) =
        wegwijzer::import_export::import_files(&app.store, std::slice::from_ref(&file)).await
    else {
        panic!("the import must be refused");
    };
    let names: Vec<String> = errors.into_vec().into_iter().map(|e| e.name).collect();
    assert_eq!(
        names,
        [
            "stroom.json: aanbod[700](s-700).minLeeftijd",
            "stroom.json: aanbod[1100].organisatie"
        ]
    );
    assert_eq!(app.all_listings().await.len(), before, "nothing written");

    // A dry run counts the good ones and writes nothing.
    let options = wegwijzer::import_export::ImportOptions {
        dry_run: true,
        ..Default::default()
    };
    let report = wegwijzer::import_export::import_files_with(
        &app.store,
        std::slice::from_ref(&file),
        options,
    )
    .await
    .unwrap();
    assert_eq!(report.listings_created, 1198);
    assert_eq!(report.invalid_records, 2);
    assert_eq!(app.all_listings().await.len(), before);

    // Fixed: all 1200 in, each with a revision; again: nothing changes.
    items[700]["maxLeeftijd"] = json!(99);
    items[1100]["organisatie"] = json!("org-stroom");
    let text = format!(
        "{{\"aanbod\": {}, \"organisaties\": [{{\"externId\": \"org-stroom\", \"naam\": \"Stroom\"}}]}}",
        serde_json::to_string(&items).unwrap()
    );
    std::fs::write(&file, &text).unwrap();
    let report = wegwijzer::import_export::import_files(&app.store, std::slice::from_ref(&file))
        .await
        .unwrap();
    assert_eq!(report.listings_created, 1200);
    assert_eq!(report.organisations_created, 1);
    let (revisions,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM revisions r JOIN listings l ON l.id = r.listing_id
         WHERE l.external_id LIKE 's-%'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(revisions, 1200);
    let again = wegwijzer::import_export::import_files(&app.store, std::slice::from_ref(&file))
        .await
        .unwrap();
    assert_eq!(again.listings_unchanged, 1200);
    assert_eq!(again.listings_created + again.listings_updated, 0);
    app.wait_indexed().await;
    assert_eq!(app.search("q=stroom&pageSize=1").await["totaal"], 1200);
}

/// A repeated external id is an error, also in a dry run (which writes the first one and
/// rolls back), and a refused import still reads every streamed item for its errors.
#[tokio::test]
async fn a_repeated_external_id_is_named_in_a_dry_run_and_a_refused_import_lists_every_error() {
    let app = TestApp::with_demo().await;
    let dir = tempfile::tempdir().unwrap();
    let item = |id: &str| {
        json!({"externId": id, "soort": "voorziening", "organisatie": "org-samen-leusden",
               "titel": format!("Dubbel {id}"), "samenvatting": "Kort.",
               "themas": ["ontmoeting"], "heleGemeente": true, "minLeeftijd": 0,
               "maxLeeftijd": 99, "kosten": "gratis"})
    };
    let file = dir.path().join("dubbel.json");
    std::fs::write(
        &file,
        json!({"aanbod": [item("d-1"), item("d-2"), item("d-1")]}).to_string(),
    )
    .unwrap();
    let options = wegwijzer::import_export::ImportOptions {
        dry_run: true,
        ..Default::default()
    };
    let report = wegwijzer::import_export::import_files_with(
        &app.store,
        std::slice::from_ref(&file),
        options,
    )
    .await
    .unwrap();
    assert_eq!(report.listings_created, 2);
    assert_eq!(report.invalid_records, 1);
    assert_eq!(report.errors[0].0, "dubbel.json: aanbod[2](d-1).externId");

    // An organisation with an error refuses the import; the streamed items are still read.
    let mut bad = item("d-3");
    bad["maxLeeftijd"] = json!(500);
    std::fs::write(
        &file,
        json!({"organisaties": [{"externId": "org-x", "naam": "Organisatie X", "email": "geen adres"}],
               "aanbod": [item("d-1"), bad]})
        .to_string(),
    )
    .unwrap();
    let Err(ImportError::Invalid(errors)) =
        wegwijzer::import_export::import_files(&app.store, std::slice::from_ref(&file)).await
    else {
        panic!("the import must be refused");
    };
    let names: Vec<String> = errors.into_vec().into_iter().map(|e| e.name).collect();
    assert_eq!(
        names,
        [
            "dubbel.json: organisaties[0].email",
            "dubbel.json: aanbod[1](d-3).minLeeftijd"
        ]
    );
}
