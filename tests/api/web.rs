//! The website over real HTTP: pages answer, escape what people typed, carry their security
//! headers, keep the search in the URL, and the report form stores a report (or says what is
//! wrong next to the field) without an account.

use serde_json::json;

use crate::helpers::TestApp;
use wegwijzer::import_export::import_documents;

async fn page(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let res = app.get(path).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.text().await.unwrap())
}

fn item_path(body: &str) -> String {
    let start = body
        .find("href=\"/aanbod/")
        .expect("a result links to an item")
        + 6;
    let end = body[start..].find('"').unwrap() + start;
    body[start..end].to_string()
}

#[tokio::test]
async fn pages_answer_with_html_and_security_headers() {
    let app = TestApp::with_demo().await;
    for path in ["/", "/zoeken", "/zoeken?q=schulden", "/vrijwilligerswerk"] {
        let (status, headers, body) = page(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
        assert!(body.starts_with("<!doctype html>") && body.contains("<html lang=\"nl\">"));
        assert!(body.contains("Naar de inhoud"), "skip link on {path}");
        assert!(!body.contains("<script>"), "no inline script on {path}");
    }
    // Unknown pages are an HTML 404; the API keeps problem+json.
    let (status, headers, body) = page(&app, "/bestaat-niet").await;
    assert_eq!(status, 404);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(body.contains("Deze pagina bestaat niet"));
    let res = app.get("/api/v1/bestaat-niet").await;
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn a_resident_searches_narrows_and_reads_an_item() {
    let app = TestApp::with_demo().await;
    // A typo is corrected, and the correction is a link.
    let (status, _, body) = page(&app, "/zoeken?q=schuldn").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Bedoelde u <a href=\"/zoeken?q=schulden\">schulden</a>?"),
        "{body}"
    );
    // Facets are checkboxes with counts; ticking one keeps the text and shows a removable chip.
    assert!(body.contains("name=\"wijk\" value=\"hamersveld\""));
    let (_, _, narrowed) = page(&app, "/zoeken?q=schulden&wijk=hamersveld&leeftijd=70").await;
    assert!(narrowed.contains("value=\"hamersveld\" checked"));
    assert!(narrowed.contains("Filter weghalen: </span>Hamersveld"));
    assert!(
        narrowed.contains("href=\"/zoeken?q=schulden&#38;leeftijd=70\""),
        "remove link keeps the rest"
    );
    // The first result's page shows the item with its canonical address.
    let path = item_path(&narrowed);
    let (status, _, detail) = page(&app, &path).await;
    assert_eq!(status, 200, "{path}");
    let canonical = format!("<link rel=\"canonical\" href=\"{}{path}\">", app.base);
    assert!(detail.contains(&canonical), "{canonical}");
    assert!(detail.contains("application/ld+json"));
    assert!(detail.contains("Klopt er iets niet?"));
    assert!(detail.contains("Laatst gecontroleerd op"));
    // A wrong or missing slug redirects to the one address; a bad id is a 404.
    let id: String = path["/aanbod/".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/aanbod/{id}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 308);
    assert_eq!(res.headers()["location"].to_str().unwrap(), path);
    assert_eq!(page(&app, "/aanbod/0099-x").await.0, 404);
    assert_eq!(page(&app, "/aanbod/99999999").await.0, 404);
    // A bad filter is explained on the page, not as JSON.
    let (status, _, bad) = page(&app, "/zoeken?thema=bestaat-niet").await;
    assert_eq!(status, 400);
    assert!(bad.contains("Dit kunnen we niet zoeken") && bad.contains("onbekende"));
}

#[tokio::test]
async fn text_people_typed_is_shown_as_text() {
    let app = TestApp::with_demo().await;
    let doc = json!({"aanbod": [{"externId": "html-1", "soort": "initiatief",
        "organisatie": "org-samen-leusden", "titel": "Koffie & <praat>",
        "samenvatting": "Koffie bij \"De Hoek\" & meer.", "themas": ["ontmoeting"],
        "heleGemeente": true, "minLeeftijd": 0, "maxLeeftijd": 120, "kosten": "gratis"}]});
    import_documents(&app.store, vec![serde_json::from_value(doc).unwrap()])
        .await
        .unwrap_err(); // HTML in a title is refused at the door …
    let (_, _, body) = page(&app, "/zoeken?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    // … and what a resident types is escaped on the page.
    assert!(!body.contains("<script>alert(1)</script>"));
    assert!(body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    let doc = json!({"aanbod": [{"externId": "amp-1", "soort": "initiatief",
        "organisatie": "org-samen-leusden", "titel": "Koffie & taart bij \"De Hoek\"",
        "samenvatting": "Koffie & taart, 5 > 3.", "themas": ["ontmoeting"],
        "heleGemeente": true, "minLeeftijd": 0, "maxLeeftijd": 120, "kosten": "gratis"}]});
    import_documents(&app.store, vec![serde_json::from_value(doc).unwrap()])
        .await
        .unwrap();
    app.wait_indexed().await;
    let (_, _, results) = page(&app, "/zoeken?q=taart").await;
    assert!(
        results.contains("Koffie &#38; taart bij &#34;De Hoek&#34;"),
        "{results}"
    );
}

#[tokio::test]
async fn a_report_is_stored_without_an_account_and_errors_show_next_to_the_fields() {
    let app = TestApp::with_demo().await;
    let (_, _, results) = page(&app, "/zoeken?q=voedselbank").await;
    let path = item_path(&results);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |form: Vec<(&'static str, &'static str)>| {
        let client = client.clone();
        let url = format!("{}{path}/melding", app.base);
        async move { client.post(url).form(&form).send().await.unwrap() }
    };
    // Wrong input: 400, the page again, the message next to the field, what was typed kept.
    let res = post(vec![
        ("reden", "anders"),
        ("toelichting", ""),
        ("email", "geen-adres"),
    ])
    .await;
    assert_eq!(res.status().as_u16(), 400);
    let body = res.text().await.unwrap();
    assert!(body.contains("id=\"toelichting-fout\">schrijf kort wat er niet klopt"));
    assert!(body.contains("id=\"email-fout\">dit is geen geldig e-mailadres"));
    assert!(body.contains("value=\"geen-adres\""));
    assert!(body.contains("value=\"anders\" checked"));
    // A good report: stored, then a thank-you (post/redirect/get).
    let res = post(vec![
        ("reden", "tijden"),
        ("toelichting", "Op vrijdag is het dicht."),
        ("email", "inwoner@voorbeeld.nl"),
    ])
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let thanks = res.headers()["location"].to_str().unwrap().to_string();
    let (_, _, body) = page(&app, &thanks).await;
    assert!(body.contains("Dank u wel"));
    // A robot fills the honeypot: the same answer, nothing stored.
    let res = post(vec![("reden", "adres"), ("website", "http://spam.example")]).await;
    assert_eq!(res.status().as_u16(), 303);
    // Editors see the one real report, with the e-mail address until it is handled.
    let editor = app.token_for("redacteur", None).await;
    let list = app
        .call(
            "GET",
            "/api/v1/beheer/meldingen?status=open",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["totaal"], 1, "{}", list.body);
    let report = &list.body["resultaten"][0];
    assert_eq!(report["reden"], "tijden");
    assert_eq!(report["email"], "inwoner@voorbeeld.nl");
    let id = report["id"].as_i64().unwrap();
    // The item's partner sees it without the address; another organisation sees nothing.
    let own_org: i64 =
        sqlx::query_as::<_, (i64,)>("SELECT organisation_id FROM listings WHERE id = $1")
            .bind(report["aanbod"]["id"].as_i64().unwrap())
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .0;
    let partner = app.token_for("partner", Some(own_org)).await;
    let mine = app
        .call(
            "GET",
            "/api/v1/beheer/meldingen",
            Some(&partner),
            None,
            None,
        )
        .await;
    assert_eq!(mine.body["totaal"], 1);
    assert!(mine.body["resultaten"][0]["email"].is_null());
    let other_org = app.organisation_id("org-samen-leusden").await;
    assert_ne!(other_org, own_org);
    let other = app.token_for("partner", Some(other_org)).await;
    let theirs = app
        .call("GET", "/api/v1/beheer/meldingen", Some(&other), None, None)
        .await;
    assert_eq!(theirs.body["totaal"], 0);
    // An editor takes it on; only active editors can be given a report, and a bad request
    // changes nothing.
    let path = format!("/api/v1/beheer/meldingen/{id}");
    let (editor_id,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE role = 'redacteur' ORDER BY id LIMIT 1")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    let (partner_id,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE role = 'partner' ORDER BY id LIMIT 1")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    let to_partner = app
        .call(
            "PATCH",
            &path,
            Some(&editor),
            None,
            Some(json!({"toegewezenAan": partner_id})),
        )
        .await;
    assert_eq!(to_partner.status, 400, "{}", to_partner.body);
    assert_eq!(to_partner.body["invalidParams"][0]["name"], "toegewezenAan");
    let too_long = app
        .call(
            "PATCH",
            &path,
            Some(&editor),
            None,
            Some(json!({"toegewezenAan": editor_id, "status": "afgehandeld",
                        "antwoord": "a".repeat(2001)})),
        )
        .await;
    assert_eq!(too_long.status, 400, "{}", too_long.body);
    assert_eq!(too_long.body["invalidParams"][0]["name"], "antwoord");
    let assigned = app
        .call(
            "PATCH",
            &path,
            Some(&editor),
            None,
            Some(json!({"toegewezenAan": editor_id})),
        )
        .await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    assert_eq!(assigned.body["toegewezenAan"]["id"], editor_id);
    assert_eq!(assigned.body["status"], "open");
    let for_me = app
        .call(
            "GET",
            &format!("/api/v1/beheer/meldingen?toegewezenAan={editor_id}"),
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(for_me.body["totaal"], 1, "{}", for_me.body);
    let logged = app
        .call(
            "GET",
            "/api/v1/beheer/audit-log?actie=melding-toegewezen",
            Some(&editor),
            None,
            None,
        )
        .await;
    assert_eq!(
        logged.body["totaal"], 1,
        "one assignment, none from the refused requests"
    );
    assert_eq!(
        logged.body["resultaten"][0]["onderwerp"],
        format!("melding {id}")
    );
    // Partners may not handle it; an editor does, and the address is erased.
    let body = Some(json!({"status": "afgehandeld"}));
    assert_eq!(
        app.call("PATCH", &path, Some(&partner), None, body.clone())
            .await
            .status,
        403
    );
    let handled = app.call("PATCH", &path, Some(&editor), None, body).await;
    assert_eq!(handled.status, 200, "{}", handled.body);
    assert_eq!(handled.body["status"], "afgehandeld");
    assert!(handled.body["email"].is_null());
    // Handled: the address is gone, so an answer is refused rather than silently dropped.
    let late = app
        .call(
            "PATCH",
            &path,
            Some(&editor),
            None,
            Some(json!({"status": "afgehandeld", "antwoord": "Alsnog bedankt!"})),
        )
        .await;
    assert_eq!(late.status, 400, "{}", late.body);
    assert_eq!(late.body["invalidParams"][0]["name"], "antwoord");
    let (stored,): (Option<String>,) = sqlx::query_as("SELECT email FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(stored, None, "the address is gone from the database");
}

#[tokio::test]
async fn reports_per_address_are_limited() {
    let app = TestApp::with_demo().await;
    let (_, _, results) = page(&app, "/zoeken?q=voedselbank").await;
    let url = format!("{}{}/melding", app.base, item_path(&results));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let res = client
            .post(&url)
            .form(&[("reden", "adres")])
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, vec![303, 303, 303, 303, 303, 429, 429]);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reports")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 5);
}

#[tokio::test]
async fn search_engines_get_a_sitemap_robots_and_cacheable_assets() {
    let app = TestApp::with_demo().await;
    let (status, headers, sitemap) = page(&app, "/sitemap.xml").await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    let items = sitemap.matches("/aanbod/").count();
    let public = app.search("pageSize=1").await["totaal"].as_u64().unwrap() as usize;
    assert_eq!(items, public, "every public item, nothing else");
    assert!(sitemap.contains("/organisaties/"));
    let (_, _, robots) = page(&app, "/robots.txt").await;
    assert!(robots.contains("Disallow: /zoeken") && robots.contains("Sitemap: "));
    let (_, _, home) = page(&app, "/").await;
    let css_start = home.find("/assets/site-").unwrap();
    let css_path = &home[css_start..css_start + home[css_start..].find('"').unwrap()];
    let res = app.get(css_path).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(page(&app, "/assets/site-0000000000.css").await.0, 404);
}
