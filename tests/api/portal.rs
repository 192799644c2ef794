//! The portal for partners (`/beheer`) through real HTTP with cookies: the dashboard shows the
//! organisation's own items, "nog actueel" works in one click, the item form shows the API's
//! messages next to the fields and keeps what was typed, a save that lost a race overwrites
//! nothing and lets the partner choose per field, and a partner of another organisation gets
//! the same "not found" as for an item that does not exist, with nothing changed.

use wegwijzer::domain::Listing;
use wegwijzer::domain::content::ListingInput;

use crate::helpers::{PASSWORD, TestApp, browser, hidden, set_cookie};

/// Logs in on the login page without a return path; partners land on the portal.
async fn portal_login(app: &TestApp, email: &str) -> String {
    let client = browser();
    let form = client
        .get(format!("{}/inloggen", app.base))
        .send()
        .await
        .unwrap();
    let (login_cookie, _) = set_cookie(&form, "wegwijzer-inlog").expect("login cookie");
    let csrf = hidden(&form.text().await.unwrap(), "csrf");
    let res = client
        .post(format!("{}/inloggen", app.base))
        .header("cookie", &login_cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("terug", ""),
            ("email", email),
            ("wachtwoord", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/beheer");
    set_cookie(&res, "wegwijzer-sessie")
        .expect("session cookie")
        .0
}

struct Page {
    status: u16,
    location: String,
    body: String,
}

async fn get(app: &TestApp, cookie: &str, path: &str) -> Page {
    let res = browser()
        .get(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    page(res).await
}

async fn post(app: &TestApp, cookie: &str, path: &str, form: &[(String, String)]) -> Page {
    let res = browser()
        .post(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .form(form)
        .send()
        .await
        .unwrap();
    page(res).await
}

async fn page(res: reqwest::Response) -> Page {
    Page {
        status: res.status().as_u16(),
        location: res
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default(),
        body: res.text().await.unwrap(),
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The form fields of an item's content, as the edit form posts them.
fn form_of(l: &Listing, csrf: &str, version: i64) -> Vec<(String, String)> {
    let mut out = vec![
        ("csrf".to_string(), csrf.to_string()),
        ("versie".to_string(), version.to_string()),
    ];
    for (name, value) in ListingInput::from_new(&l.to_new()).flatten() {
        match value {
            serde_json::Value::String(s) => out.push((name, s)),
            serde_json::Value::Bool(true) => out.push((name, "ja".into())),
            serde_json::Value::Number(n) => out.push((name, n.to_string())),
            serde_json::Value::Array(items) => {
                for v in items {
                    out.push((name.clone(), v.as_str().unwrap().to_string()));
                }
            }
            _ => {}
        }
    }
    out
}

fn set(form: &mut Vec<(String, String)>, name: &str, value: &str) {
    form.retain(|(k, _)| k != name);
    form.push((name.to_string(), value.to_string()));
}

#[tokio::test]
async fn a_partner_keeps_the_organisations_items_current_in_the_portal() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-voedselbank").await;
    let other_org = app.organisation_id("org-samen-leusden").await;
    app.create_account("partner@voedselbank.example", "partner", Some(org))
        .await;
    app.create_account("partner@samen.example", "partner", Some(other_org))
        .await;
    let cookie = portal_login(&app, "partner@voedselbank.example").await;

    // The dashboard: own items only, private.
    let res = browser()
        .get(format!("{}/beheer", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    let home = res.text().await.unwrap();
    let listings = app.all_listings().await;
    let own: Vec<&Listing> = listings
        .iter()
        .filter(|l| l.organisation_id == org)
        .collect();
    let foreign = listings
        .iter()
        .find(|l| l.organisation_id == other_org)
        .unwrap();
    assert!(!own.is_empty());
    for l in &own {
        assert!(home.contains(&askama_escape(&l.title)), "{}", l.title);
    }
    assert!(!home.contains(&askama_escape(&foreign.title)));
    let csrf = hidden(&home, "csrf");

    // "Nog actueel": refused without the form's token, done in one click with it.
    let item = own
        .iter()
        .find(|l| l.status == wegwijzer::domain::Status::Gepubliceerd)
        .unwrap();
    let path = format!("/beheer/aanbod/{}/actueel", item.id);
    let refused = post(&app, &cookie, &path, &[]).await;
    assert_eq!(refused.status, 403);
    let done = post(&app, &cookie, &path, &pairs(&[("csrf", &csrf)])).await;
    assert_eq!(
        (done.status, done.location.as_str()),
        (303, "/beheer?gedaan=actueel")
    );
    let after = app.store.find_listing(item.id).await.unwrap();
    assert_eq!(
        after.last_verified_at.date_naive(),
        chrono::Utc::now().date_naive()
    );
    assert!(
        get(&app, &cookie, "/beheer?gedaan=actueel")
            .await
            .body
            .contains("Bedankt!")
    );

    // A new vacancy with mistakes: every message next to its field, what was typed kept,
    // nothing stored.
    let before = app.all_listings().await.len();
    let mut form = pairs(&[
        ("csrf", &csrf),
        ("soort", "vacature"),
        ("titel", "Ch"),
        ("samenvatting", "Wij zoeken iemand die <b>rijdt</b>."),
        ("heleGemeente", "ja"),
        ("vacature.tijdsbesteding", "wekelijks"),
        ("vacature.urenPerWeek", "veel"),
        ("actie", "insturen"),
    ]);
    let bad = post(&app, &cookie, "/beheer/aanbod/nieuw", &form).await;
    assert_eq!(bad.status, 400);
    for (id, text) in [
        ("veld-titel-fout", "minstens 3 tekens"),
        ("veld-themas-fout", "kies minstens één thema"),
        ("veld-kosten-fout", "kies uit"),
        ("veld-vacature-urenPerWeek-fout", "vul een getal in"),
    ] {
        let at = bad
            .body
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}"));
        assert!(
            bad.body[at..at + 300].contains(text),
            "{id}: {}",
            &bad.body[at..at + 300]
        );
    }
    assert!(bad.body.contains("value=\"Ch\""));
    // Typed text comes back escaped, never as markup.
    assert!(bad.body.contains("&lt;b&gt;rijdt&lt;/b&gt;") || bad.body.contains("&#60;b&#62;"));
    assert_eq!(app.all_listings().await.len(), before);

    set(&mut form, "titel", "Chauffeur voor de voedselbank");
    set(
        &mut form,
        "samenvatting",
        "Wij zoeken iemand die op zaterdag de pakketten rondbrengt.",
    );
    set(&mut form, "vacature.urenPerWeek", "3,5");
    form.push(("themas".into(), "geldzaken".into()));
    form.push(("kosten".into(), "gratis".into()));
    let good = post(&app, &cookie, "/beheer/aanbod/nieuw", &form).await;
    assert_eq!(good.status, 303, "{}", good.body);
    let created = app
        .all_listings()
        .await
        .into_iter()
        .find(|l| l.title == "Chauffeur voor de voedselbank")
        .expect("stored");
    assert_eq!(created.organisation_id, org);
    assert_eq!(created.vacancy.as_ref().unwrap().hours_per_week, Some(3.5));
    assert_eq!(created.status, wegwijzer::domain::Status::TerBeoordeling);
    assert_eq!(good.location, "/beheer?gedaan=ingestuurd");

    // A partner of another organisation: the same 404 as for an id that does not exist, on
    // every page and form, and nothing changes.
    let stranger = portal_login(&app, "partner@samen.example").await;
    let stranger_csrf = hidden(&get(&app, &stranger, "/beheer").await.body, "csrf");
    let missing = get(&app, &stranger, "/beheer/aanbod/999999").await;
    assert_eq!(missing.status, 404);
    let edit = format!("/beheer/aanbod/{}", created.id);
    let theirs = get(&app, &stranger, &edit).await;
    assert_eq!(
        (theirs.status, theirs.body.len()),
        (404, missing.body.len())
    );
    let mut hijack = form_of(&created, &stranger_csrf, created.version);
    set(&mut hijack, "titel", "Overgenomen");
    assert_eq!(post(&app, &stranger, &edit, &hijack).await.status, 404);
    for action in ["actueel", "archiveren"] {
        let p = post(
            &app,
            &stranger,
            &format!("{edit}/{action}"),
            &pairs(&[
                ("csrf", &stranger_csrf),
                ("versie", &created.version.to_string()),
            ]),
        )
        .await;
        assert_eq!(p.status, 404, "{action}");
    }
    assert_eq!(app.store.find_listing(created.id).await.unwrap(), created);
}

#[tokio::test]
async fn a_save_that_lost_a_race_overwrites_nothing_and_the_partner_chooses_per_field() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-voedselbank").await;
    app.create_account("a@voedselbank.example", "partner", Some(org))
        .await;
    app.create_account("b@voedselbank.example", "partner", Some(org))
        .await;
    let a = portal_login(&app, "a@voedselbank.example").await;
    let b = portal_login(&app, "b@voedselbank.example").await;
    // A concept of their own, so saves apply at once (no review in between).
    let csrf = hidden(&get(&app, &a, "/beheer").await.body, "csrf");
    let form = pairs(&[
        ("csrf", &csrf),
        ("soort", "initiatief"),
        ("titel", "Kookclub op woensdag"),
        ("samenvatting", "Samen koken en eten met buren."),
        ("themas", "ontmoeting"),
        ("heleGemeente", "ja"),
        ("kosten", "kleine-bijdrage"),
        ("actie", "opslaan"),
    ]);
    assert_eq!(
        post(&app, &a, "/beheer/aanbod/nieuw", &form).await.status,
        303
    );
    let item = app
        .all_listings()
        .await
        .into_iter()
        .find(|l| l.title == "Kookclub op woensdag")
        .unwrap();
    let edit = format!("/beheer/aanbod/{}", item.id);
    // Both open the form on the same version.
    let page_a = get(&app, &a, &edit).await.body;
    let page_b = get(&app, &b, &edit).await.body;
    let version: i64 = hidden(&page_a, "versie").parse().unwrap();
    assert_eq!(hidden(&page_b, "versie"), version.to_string());

    // B saves first: a new title.
    let mut form_b = form_of(&item, &hidden(&page_b, "csrf"), version);
    set(&mut form_b, "titel", "Kookclub van B");
    set(&mut form_b, "actie", "opslaan");
    assert_eq!(post(&app, &b, &edit, &form_b).await.status, 303);

    // A saves on the old version: another title and a new schedule. Nothing is overwritten.
    let mut form_a = form_of(&item, &hidden(&page_a, "csrf"), version);
    set(&mut form_a, "titel", "Kookclub van A");
    set(&mut form_a, "tijden", "Elke woensdag om 17.30 uur");
    set(&mut form_a, "actie", "opslaan");
    let clash = post(&app, &a, &edit, &form_a).await;
    assert_eq!(clash.status, 409);
    assert!(clash.body.contains("twee versies"));
    assert!(clash.body.contains("Kookclub van B") && clash.body.contains("Kookclub van A"));
    assert_eq!(
        app.store.find_listing(item.id).await.unwrap().title,
        "Kookclub van B"
    );

    // A keeps B's title and their own schedule, saving against the new version.
    let new_version = hidden(&clash.body, "versie");
    assert_ne!(new_version, version.to_string());
    let mut resolve = form_a.clone();
    set(&mut resolve, "versie", &new_version);
    resolve.push(("conflict".into(), "titel".into()));
    resolve.push(("keuze.titel".into(), "opgeslagen".into()));
    resolve.push(("conflict".into(), "tijden".into()));
    resolve.push(("keuze.tijden".into(), "mijn".into()));
    let saved = post(&app, &a, &edit, &resolve).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let after = app.store.find_listing(item.id).await.unwrap();
    assert_eq!(after.title, "Kookclub van B");
    assert_eq!(after.schedule, "Elke woensdag om 17.30 uur");
}

/// Text as askama escapes it in HTML.
fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}
