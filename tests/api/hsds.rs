//! Open Referral HSDS 3.0: every exported object validates against the standard's JSON Schemas
//! (vendored, relative references resolved locally, formats checked); the HSDS API serves the
//! same objects, paged as the reference says; an import reports every bad record and unknown
//! term and writes nothing; and export → import into an empty instance gives the same public
//! search results for every query of the evaluation set.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::helpers::TestApp;
use wegwijzer::import_export::{ImportError, hsds, import_files};

const SCHEMA_BASE: &str = "https://hsds.test/schema/";

/// A validator for one HSDS object schema (`service.json`, ...), with every other schema file
/// registered at its URI so relative `$ref`s resolve without a network.
fn hsds_validator(file: &str) -> jsonschema::Validator {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vendor/hsds-3.0/schema");
    let mut options = jsonschema::options()
        .should_validate_formats(true)
        .with_base_uri(format!("{SCHEMA_BASE}{file}"));
    let mut root = Value::Null;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if name == file {
            root = schema.clone();
        }
        options = options.with_resource(
            format!("{SCHEMA_BASE}{name}"),
            jsonschema::Resource::from_contents(schema),
        );
    }
    assert!(!root.is_null(), "{file} is not vendored");
    options.build(&root).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, what: &str, value: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:?}\n{value}");
}

fn read_list(dir: &Path, file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

async fn export(app: &TestApp, dir: &Path) {
    hsds::export::export(
        &app.store,
        dir,
        "gemeente Leusden",
        "Utrecht",
        "http://localhost",
        &|_, _, _| {},
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn every_exported_object_validates_against_the_hsds_schemas_and_holds_no_staff_fields() {
    let app = TestApp::with_demo().await;
    // A public item with details only staff may see.
    let mut item = crate::helpers::item("Inloopspreekuur met geheime intake");
    item["externId"] = json!("hsds-geheim");
    item["organisatie"] = json!(app.all_listings().await[0].organisation_id.to_string());
    item["voorVerwijzers"] = json!({"telefoon": "06 98765432",
        "email": "intake.alleen.voor.verwijzers@example.nl",
        "toelichting": "Alleen aanmelden via de wijkcoach, niet via de voordeur."});
    let org = app
        .store
        .find_organisation(app.all_listings().await[0].organisation_id)
        .await
        .unwrap();
    item["organisatie"] = json!(org.external_id.unwrap());
    wegwijzer::import_export::import_documents(
        &app.store,
        vec![serde_json::from_value(json!({"aanbod": [item]})).unwrap()],
    )
    .await
    .unwrap();
    app.wait_indexed().await;
    let dir = tempfile::tempdir().unwrap();
    export(&app, dir.path()).await;

    let public = app.public_listings().await;
    let services = read_list(dir.path(), "services.json");
    assert_eq!(
        services.len(),
        public.len(),
        "every public item, nothing else"
    );
    for (file, schema) in [
        ("services.json", "service.json"),
        ("organizations.json", "organization.json"),
        ("locations.json", "location.json"),
        ("service_at_locations.json", "service_at_location.json"),
        ("taxonomies.json", "taxonomy.json"),
        ("taxonomy_terms.json", "taxonomy_term.json"),
    ] {
        let v = hsds_validator(schema);
        let list = read_list(dir.path(), file);
        assert!(!list.is_empty(), "{file} is empty");
        for (i, object) in list.iter().enumerate() {
            assert_valid(&v, &format!("{file}[{i}]"), object);
        }
    }

    // Vacancies are services with the kind term "vacature" and their own attributes.
    let vacancy = public
        .iter()
        .find(|l| {
            l.vacancy
                .as_ref()
                .is_some_and(|v| v.hours_per_week.is_some())
        })
        .expect("the demo has a vacancy with hours");
    let id = hsds::export::service_id(vacancy);
    let service = services.iter().find(|s| s["id"] == id.as_str()).unwrap();
    let term_ids: Vec<&str> = service["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["taxonomy_term_id"].as_str().unwrap())
        .collect();
    let kind = hsds::Vocabulary::Kind.term_id("vacature");
    assert!(term_ids.contains(&kind.as_str()));
    let hours = hsds::Vocabulary::Feature.term_id(hsds::FEATURE_HOURS);
    assert!(term_ids.contains(&hours.as_str()));

    // Staff-only details never leave: not one referral note or referral address is in it.
    let everything: String = hsds::export::FILES
        .iter()
        .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap())
        .collect();
    let mut checked = 0;
    for l in app.all_listings().await {
        for secret in [
            Some(&l.referral.notes),
            l.referral.email.as_ref(),
            l.referral.phone.as_ref(),
        ]
        .into_iter()
        .flatten()
        .filter(|s| s.len() > 8)
        {
            assert!(!everything.contains(secret.as_str()), "leaked: {secret}");
            checked += 1;
        }
    }
    assert!(checked > 0, "the demo has referral details to look for");
}

/// Every page of a list of the HSDS API.
async fn all_pages(app: &TestApp, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let sep = if path.contains('?') { '&' } else { '?' };
        let body = app
            .get_json(&format!("{path}{sep}page={page}&per_page=7"))
            .await;
        assert_eq!(body["page_number"], page);
        assert_eq!(body["first_page"], page == 1);
        out.extend(body["contents"].as_array().unwrap().iter().cloned());
        if body["last_page"] == true {
            assert_eq!(body["total_items"].as_u64().unwrap() as usize, out.len());
            break;
        }
    }
    out
}

#[tokio::test]
async fn the_hsds_api_serves_the_export_paged_as_the_reference_says() {
    let app = TestApp::with_demo().await;
    let dir = tempfile::tempdir().unwrap();
    export(&app, dir.path()).await;
    let exported = read_list(dir.path(), "services.json");

    let about = app.get_json("/api/v1/hsds/").await;
    assert_eq!(about["version"], "3.0");
    let doc = app.get_json("/api/v1/hsds/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");

    // Full services page by page: the same objects as the export, in the same order.
    let mut served = all_pages(&app, "/api/v1/hsds/services?full=true").await;
    assert_eq!(served.len(), exported.len());
    for s in &mut served {
        s.as_object_mut().unwrap().remove("last_modified");
    }
    let mut expected = exported.clone();
    for s in &mut expected {
        s.as_object_mut().unwrap().remove("last_modified");
    }
    assert_eq!(served, expected);

    // One service: fully nested, with its organization; valid against the standard.
    let first = &exported[0];
    let one = app
        .get_json(&format!(
            "/api/v1/hsds/services/{}",
            first["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(one["organization"]["id"], first["organization_id"]);
    assert_valid(&hsds_validator("service.json"), "GET /services/{id}", &one);

    // Filters: a theme term and an organization narrow the list to exactly those items.
    let sport_term = hsds::Vocabulary::Terms(wegwijzer::domain::taxonomy::TermKind::Theme)
        .term_id("sport-bewegen");
    let with_theme = all_pages(
        &app,
        &format!("/api/v1/hsds/services?taxonomy_term_id={sport_term}"),
    )
    .await;
    let expected_sport = app
        .public_listings()
        .await
        .into_iter()
        .filter(|l| l.themes.iter().any(|t| t.as_str() == "sport-bewegen"))
        .count();
    assert!(expected_sport > 0);
    assert_eq!(with_theme.len(), expected_sport);
    let org = first["organization_id"].as_str().unwrap();
    let of_org = all_pages(
        &app,
        &format!("/api/v1/hsds/services?organization_id={org}"),
    )
    .await;
    assert!(!of_org.is_empty());
    assert!(of_org.iter().all(|s| s["organization_id"] == org));

    // The other lists and their single objects.
    let orgs = all_pages(&app, "/api/v1/hsds/organizations").await;
    assert_eq!(orgs, read_list(dir.path(), "organizations.json"));
    let o = app
        .get_json(&format!("/api/v1/hsds/organizations/{org}"))
        .await;
    assert_eq!(o["id"], org);
    let terms = all_pages(&app, "/api/v1/hsds/taxonomy_terms").await;
    assert_eq!(terms, read_list(dir.path(), "taxonomy_terms.json"));
    let taxonomies = all_pages(&app, "/api/v1/hsds/taxonomies").await;
    let themes = taxonomies
        .iter()
        .find(|t| t["name"] == "wegwijzer-themas")
        .unwrap();
    let theme_terms = all_pages(
        &app,
        &format!(
            "/api/v1/hsds/taxonomy_terms?taxonomy_id={}",
            themes["id"].as_str().unwrap()
        ),
    )
    .await;
    assert!(
        !theme_terms.is_empty()
            && theme_terms
                .iter()
                .all(|t| t["taxonomy"] == "wegwijzer-themas")
    );
    let term = app
        .get_json(&format!("/api/v1/hsds/taxonomy_terms/{sport_term}"))
        .await;
    assert_eq!(term["code"], "sport-bewegen");
    let places = all_pages(&app, "/api/v1/hsds/service_at_locations").await;
    assert_eq!(places.len(), read_list(dir.path(), "locations.json").len());
    let place = app
        .get_json(&format!(
            "/api/v1/hsds/service_at_locations/{}",
            places[0]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(place["location"]["id"], places[0]["location"]["id"]);

    // Errors: problem+json in Dutch naming the parameter; unknown ids are 404.
    let res = app
        .get("/api/v1/hsds/services?per_page=0&search=x&taxonomy_term_id=nee")
        .await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    let names: Vec<&str> = body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["per_page", "search", "taxonomy_term_id"]);
    for path in [
        "/api/v1/hsds/services/3a19ff88-4620-4d17-9830-ac1d859eb5d5",
        "/api/v1/hsds/services/niet-een-id",
        "/api/v1/hsds/organizations/3a19ff88-4620-4d17-9830-ac1d859eb5d5",
        "/api/v1/hsds/taxonomy_terms/3a19ff88-4620-4d17-9830-ac1d859eb5d5",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
    // A draft is not served, not even by its own id.
    let draft = app
        .all_listings()
        .await
        .into_iter()
        .find(|l| !l.is_public_on(wegwijzer::domain::listing::today()))
        .expect("the demo has an item that is not public");
    let draft_id = hsds::export::service_id(&draft);
    assert_eq!(
        app.get(&format!("/api/v1/hsds/services/{draft_id}"))
            .await
            .status(),
        404
    );
}

#[derive(serde::Deserialize)]
struct Case {
    query: String,
    filters: String,
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Titles and total of a search, page 1.
async fn results(app: &TestApp, case: &Case) -> (Vec<String>, i64) {
    let mut query = format!("q={}&pageSize=10", urlencode(&case.query));
    if !case.filters.is_empty() {
        query.push('&');
        query.push_str(&case.filters);
    }
    let body = app.search(&query).await;
    let titles = body["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["titel"].as_str().unwrap().to_string())
        .collect();
    (titles, body["totaal"].as_i64().unwrap())
}

#[tokio::test]
async fn export_then_import_into_an_empty_instance_gives_the_same_search_results() {
    // The demo without its vacancies that have ended: those stay in the index (filtered when
    // searched) and so weigh in its word statistics, which would tip near-ties; they are not
    // public, so no export holds them.
    let source = TestApp::spawn().await;
    let today = wegwijzer::domain::listing::today()
        .format("%Y-%m-%d")
        .to_string();
    let mut docs = wegwijzer::cli::demo_documents().unwrap();
    for doc in &mut docs {
        doc.aanbod.retain(|r| {
            r.vacature
                .as_ref()
                .and_then(|v| v.einddatum.as_ref())
                .is_none_or(|end| *end >= today)
        });
    }
    wegwijzer::import_export::import_documents(&source.store, docs)
        .await
        .unwrap();
    source.wait_indexed().await;
    let dir = tempfile::tempdir().unwrap();
    export(&source, dir.path()).await;

    let copy = TestApp::spawn().await;
    let report = import_files(&copy.store, &[dir.path().to_path_buf()])
        .await
        .unwrap();
    assert_eq!(
        report.listings_created,
        source.public_listings().await.len()
    );
    copy.wait_indexed().await;

    // Every public item arrives with the same content and verification date.
    let copied: HashMap<String, wegwijzer::domain::Listing> = copy
        .all_listings()
        .await
        .into_iter()
        .map(|l| (l.title.clone(), l))
        .collect();
    for l in source.public_listings().await {
        let c = &copied[&l.title];
        let mut expected = l.to_new();
        expected.external_id = c.external_id.clone();
        assert_eq!(c.to_new(), expected, "{}", l.title);
        assert_eq!(
            c.last_verified_at.date_naive(),
            l.last_verified_at.date_naive()
        );
        assert_eq!(c.organisation_name, l.organisation_name);
    }

    assert_eq!(source.index().num_docs(), copy.index().num_docs());
    let cases: Vec<Case> = serde_json::from_str(include_str!("../eval/queries.json")).unwrap();
    let mut differ = Vec::new();
    for case in &cases {
        let a = results(&source, case).await;
        let b = results(&copy, case).await;
        if a != b {
            differ.push(format!("{} {}: {a:?} != {b:?}", case.query, case.filters));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} differ:\n{}",
        differ.len(),
        cases.len(),
        differ.join("\n")
    );

    // Idempotent by HSDS id: the same package again changes nothing.
    let again = import_files(&copy.store, &[dir.path().to_path_buf()])
        .await
        .unwrap();
    assert_eq!(
        again.listings_created + again.listings_updated,
        0,
        "{again}"
    );
    assert_eq!(
        again.organisations_created + again.organisations_updated,
        0,
        "{again}"
    );

    // And the copy exports the same services, ids included.
    let dir2 = tempfile::tempdir().unwrap();
    export(&copy, dir2.path()).await;
    let strip = |mut list: Vec<Value>| {
        for s in &mut list {
            s.as_object_mut().unwrap().remove("last_modified");
        }
        list
    };
    let ids = |list: &[Value]| -> Vec<String> {
        list.iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let first = strip(read_list(dir.path(), "services.json"));
    let second = strip(read_list(dir2.path(), "services.json"));
    assert_eq!(ids(&first), ids(&second));
}

#[tokio::test]
async fn an_hsds_import_reports_every_bad_record_and_unknown_term_and_writes_nothing() {
    let app = TestApp::with_demo().await;
    let dir = tempfile::tempdir().unwrap();
    export(&app, dir.path()).await;
    let mut services = read_list(dir.path(), "services.json");
    // Fresh ids, so these are new items to a database that has the demo.
    for (i, s) in services.iter_mut().enumerate() {
        s["id"] = json!(format!("00000000-0000-4000-8000-{i:012}"));
    }
    services[0]["minimum_age"] = json!("twaalf");
    services[1]["name"] = json!("");
    services[2]["attributes"][0]["taxonomy_term_id"] =
        json!("11111111-1111-4111-8111-111111111111");
    services[3]["status"] = json!("gesloten");
    services[4]["attributes"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "22222222-2222-4222-8222-222222222222",
            "taxonomy_term": {"id": "33333333-3333-4333-8333-333333333333",
                "name": "Food", "description": "Food", "taxonomy": "open-eligibility", "code": "food"}}));
    std::fs::write(
        dir.path().join("services.json"),
        serde_json::to_string(&services).unwrap(),
    )
    .unwrap();
    let before = app.all_listings().await.len();
    let err = import_files(&app.store, &[dir.path().to_path_buf()])
        .await
        .unwrap_err();
    let ImportError::Invalid(errors) = err else {
        panic!("{err}")
    };
    let names: Vec<String> = errors.as_slice().iter().map(|e| e.name.clone()).collect();
    let has = |needle: &str| names.iter().any(|n| n.contains(needle));
    let id = |i: usize| format!("00000000-0000-4000-8000-{i:012}");
    assert!(has("services.json: services[0].minimum_age"), "{names:?}");
    assert!(has(&format!("services[1]({}).name", id(1))), "{names:?}");
    assert!(
        has(&format!(
            "services[2]({}).attributes[0].taxonomy_term_id",
            id(2)
        )),
        "{names:?}"
    );
    assert!(has(&format!("services[3]({}).status", id(3))), "{names:?}");
    assert!(
        has(&format!("services[4]({}).attributes[", id(4))),
        "{names:?}"
    );
    let reasons: HashMap<&str, &str> = errors
        .as_slice()
        .iter()
        .map(|e| (e.name.as_str(), e.reason.as_str()))
        .collect();
    assert!(
        reasons
            .iter()
            .any(|(_, r)| r.contains("open-eligibility") && r.contains("niet kent")),
        "{reasons:?}"
    );
    assert_eq!(app.all_listings().await.len(), before, "nothing written");
}
