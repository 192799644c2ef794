//! The portal for partners (`/beheer`) through real HTTP with cookies: the dashboard shows the
//! organisation's own items, "nog actueel" works in one click, the item form shows the API's
//! messages next to the fields and keeps what was typed, a save that lost a race overwrites
//! nothing and lets the partner choose per field, and a partner of another organisation gets
//! the same "not found" as for an item that does not exist, with nothing changed.

use wegwijzer::domain::Listing;
use wegwijzer::domain::content::ListingInput;

use crate::helpers::{PASSWORD, TestApp, browser, hidden, set_cookie};

/// Logs in on the login page without a return path; partners land on the portal.
pub async fn portal_login(app: &TestApp, email: &str) -> String {
    let (cookie, location) = login_without_return(app, email).await;
    assert_eq!(location, "/beheer");
    cookie
}

/// Logs in without a return path: the session cookie and where the account lands.
pub async fn login_without_return(app: &TestApp, email: &str) -> (String, String) {
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
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let cookie = set_cookie(&res, "wegwijzer-sessie")
        .expect("session cookie")
        .0;
    (cookie, location)
}

pub struct Page {
    pub status: u16,
    pub location: String,
    pub body: String,
}

pub async fn get(app: &TestApp, cookie: &str, path: &str) -> Page {
    let res = browser()
        .get(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    page(res).await
}

pub async fn post(app: &TestApp, cookie: &str, path: &str, form: &[(String, String)]) -> Page {
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

pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
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

#[tokio::test]
async fn an_editor_reviews_with_a_diff_returns_with_a_reason_and_approves() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-voedselbank").await;
    app.create_account("p@voedselbank.example", "partner", Some(org))
        .await;
    app.create_account("redactie@leusden.example", "redacteur", None)
        .await;
    let partner = portal_login(&app, "p@voedselbank.example").await;
    let editor = portal_login(&app, "redactie@leusden.example").await;

    // The partner changes a published item: a pending change, search keeps the old one.
    let published = app
        .all_listings()
        .await
        .into_iter()
        .find(|l| l.organisation_id == org && l.status == wegwijzer::domain::Status::Gepubliceerd)
        .unwrap();
    let edit = format!("/beheer/aanbod/{}", published.id);
    let page = get(&app, &partner, &edit).await.body;
    let mut form = form_of(&published, &hidden(&page, "csrf"), published.version);
    set(
        &mut form,
        "samenvatting",
        "Elke vrijdag een voedselpakket, nu ook op zaterdag.",
    );
    set(&mut form, "actie", "insturen");
    let sent = post(&app, &partner, &edit, &form).await;
    assert_eq!(
        (sent.status, sent.location.as_str()),
        (303, "/beheer?gedaan=ingestuurd")
    );
    let stored = app.store.find_listing(published.id).await.unwrap();
    assert_eq!(
        stored.summary, published.summary,
        "search keeps the published text"
    );
    assert!(stored.pending.is_some());

    // The editor sees it waiting, with the changed field side by side.
    let home = get(&app, &editor, "/beheer").await.body;
    assert!(home.contains(&askama_escape(&published.title)));
    let review = get(&app, &editor, &edit).await.body;
    assert!(review.contains("Wijziging beoordelen"));
    let table = &review[review.find("class=\"diff\"").unwrap()..review.find("</table>").unwrap()];
    assert!(table.contains("Samenvatting"));
    assert!(table.contains(&askama_escape(&published.summary)));
    assert!(table.contains("nu ook op zaterdag"));
    assert!(!table.contains(">Titel<"), "only what changes");
    let csrf = hidden(&review, "csrf");
    let version = hidden(&review, "versie");
    let path = format!("{edit}/beoordeling");

    // Returning needs a reason, shown next to its field; then the partner sees it.
    let no_reason = post(
        &app,
        &editor,
        &path,
        &pairs(&[
            ("csrf", &csrf),
            ("versie", &version),
            ("besluit", "terugsturen"),
            ("reden", " "),
        ]),
    )
    .await;
    assert_eq!(no_reason.status, 400);
    let at = no_reason
        .body
        .find("id=\"veld-reden-fout\"")
        .expect("error next to the reason");
    assert!(no_reason.body[at..at + 200].contains("is verplicht bij terugsturen"));
    let returned = post(
        &app,
        &editor,
        &path,
        &pairs(&[
            ("csrf", &csrf),
            ("versie", &version),
            ("besluit", "terugsturen"),
            ("reden", "Noem ook de tijden op zaterdag."),
        ]),
    )
    .await;
    assert_eq!(
        (returned.status, returned.location.as_str()),
        (303, "/beheer?gedaan=teruggestuurd")
    );
    let partner_home = get(&app, &partner, "/beheer").await.body;
    assert!(partner_home.contains("Noem ook de tijden op zaterdag."));
    assert!(partner_home.contains("Wijziging teruggestuurd"));

    // The partner fixes and resubmits; the editor approves; search shows the new text.
    let page = get(&app, &partner, &edit).await.body;
    let current = app.store.find_listing(published.id).await.unwrap();
    let mut form = form_of(&current, &hidden(&page, "csrf"), current.version);
    set(
        &mut form,
        "samenvatting",
        "Elke vrijdag en zaterdag (10-12 uur) een voedselpakket.",
    );
    set(&mut form, "actie", "insturen");
    assert_eq!(post(&app, &partner, &edit, &form).await.status, 303);
    let review = get(&app, &editor, &edit).await.body;
    let approved = post(
        &app,
        &editor,
        &path,
        &pairs(&[
            ("csrf", &hidden(&review, "csrf")),
            ("versie", &hidden(&review, "versie")),
            ("besluit", "goedkeuren"),
        ]),
    )
    .await;
    assert_eq!(
        (approved.status, approved.location.as_str()),
        (303, "/beheer?gedaan=goedgekeurd")
    );
    let live = app.store.find_listing(published.id).await.unwrap();
    assert_eq!(
        live.summary,
        "Elke vrijdag en zaterdag (10-12 uur) een voedselpakket."
    );
    assert!(live.pending.is_none());
    app.wait_indexed().await;
    let found = app.search("q=voedselpakket%20zaterdag").await;
    assert!(
        found["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == published.id)
    );

    // A partner cannot decide on their own item.
    let page = get(&app, &partner, &edit).await.body;
    let own = post(
        &app,
        &partner,
        &path,
        &pairs(&[
            ("csrf", &hidden(&page, "csrf")),
            ("versie", &hidden(&page, "versie")),
            ("besluit", "goedkeuren"),
        ]),
    )
    .await;
    assert!(own.status == 403 || own.status == 409, "{}", own.status);
}

/// The portal's pages and form posts × every kind of account × own and other organisation.
/// A partner of another organisation gets exactly the answer of an id that does not exist;
/// anyone refused changes nothing.
#[tokio::test]
async fn the_portal_authorization_matrix() {
    let app = TestApp::with_demo().await;
    let org_a = app.organisation_id("org-voedselbank").await;
    let org_b = app.organisation_id("org-samen-leusden").await;
    for (email, role, org) in [
        ("pa@a.example", "partner", Some(org_a)),
        ("pb@b.example", "partner", Some(org_b)),
        ("mw@leusden.example", "medewerker", None),
        ("red@leusden.example", "redacteur", None),
        ("admin@leusden.example", "admin", None),
        ("admin2@leusden.example", "admin", None),
    ] {
        app.create_account(email, role, org).await;
    }
    let other_admin = app
        .store
        .user_by_email("admin2@leusden.example")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let item = app
        .all_listings()
        .await
        .into_iter()
        .find(|l| l.organisation_id == org_a && l.status == wegwijzer::domain::Status::Gepubliceerd)
        .unwrap();
    // Sessions: (name, cookie, csrf); anonymous has neither.
    let mut whos: Vec<(&str, String, String)> = vec![("anoniem", String::new(), String::new())];
    for (name, email) in [
        ("partner eigen", "pa@a.example"),
        ("partner ander", "pb@b.example"),
        ("medewerker", "mw@leusden.example"),
        ("redacteur", "red@leusden.example"),
        ("admin", "admin@leusden.example"),
    ] {
        // Staff land on their lists; the portal is one request further.
        let (cookie, lands) = login_without_return(&app, email).await;
        let start = if name == "medewerker" {
            "/verwijslijsten"
        } else {
            "/beheer"
        };
        assert_eq!(lands, start, "{name}");
        let home = get(&app, &cookie, "/beheer").await.body;
        let csrf = if name == "medewerker" {
            String::new()
        } else {
            hidden(&home, "csrf")
        };
        whos.push((name, cookie, csrf));
    }
    let missing_page = get(&app, &whos[1].1, "/beheer/aanbod/999999").await.body;
    let own = format!("/beheer/aanbod/{}", item.id);
    // (method, path, expected per who: anonymous, own partner, other partner, staff, editor, admin)
    // 0 means "allowed" (200 for pages; not posted, since other tests cover the effects).
    let cases: Vec<(&str, String, [u16; 6])> = vec![
        ("GET", "/beheer".into(), [303, 200, 200, 403, 200, 200]),
        (
            "GET",
            "/beheer/aanbod/nieuw".into(),
            [303, 200, 200, 403, 200, 200],
        ),
        ("GET", own.clone(), [303, 200, 404, 403, 200, 200]),
        (
            "GET",
            "/beheer/aanbod/999999".into(),
            [303, 404, 404, 403, 404, 404],
        ),
        ("POST", own.clone(), [303, 0, 404, 403, 0, 0]),
        ("POST", format!("{own}/actueel"), [303, 0, 404, 403, 0, 0]),
        (
            "POST",
            format!("{own}/archiveren"),
            [303, 0, 404, 403, 0, 0],
        ),
        (
            "POST",
            format!("{own}/beoordeling"),
            [303, 409, 404, 403, 0, 0],
        ),
        (
            "POST",
            "/beheer/aanbod/nieuw".into(),
            [303, 0, 0, 403, 0, 0],
        ),
        (
            "GET",
            "/beheer/meldingen".into(),
            [303, 200, 200, 403, 200, 200],
        ),
        (
            "POST",
            "/beheer/meldingen/1".into(),
            [303, 403, 403, 403, 0, 0],
        ),
        (
            "GET",
            "/beheer/account".into(),
            [303, 200, 200, 403, 200, 200],
        ),
        (
            "GET",
            "/beheer/taxonomie".into(),
            [303, 403, 403, 403, 200, 200],
        ),
        (
            "POST",
            "/beheer/taxonomie/themas/geldzaken".into(),
            [303, 403, 403, 403, 0, 0],
        ),
        (
            "GET",
            "/beheer/organisatie".into(),
            [303, 200, 200, 403, 404, 404],
        ),
        (
            "POST",
            "/beheer/organisatie".into(),
            [303, 0, 0, 403, 404, 404],
        ),
        // Editors' pages: partners are refused whatever the id; only admins manage admins.
        (
            "POST",
            "/beheer/meldingen/1/toewijzen".into(),
            [303, 403, 403, 403, 0, 0],
        ),
        (
            "POST",
            "/beheer/taxonomie/themas".into(),
            [303, 403, 403, 403, 0, 0],
        ),
        (
            "GET",
            "/beheer/organisaties".into(),
            [303, 403, 403, 403, 200, 200],
        ),
        (
            "GET",
            "/beheer/organisaties/nieuw".into(),
            [303, 403, 403, 403, 200, 200],
        ),
        (
            "POST",
            "/beheer/organisaties/nieuw".into(),
            [303, 403, 403, 403, 0, 0],
        ),
        (
            "GET",
            format!("/beheer/organisaties/{org_a}"),
            [303, 403, 403, 403, 200, 200],
        ),
        (
            "POST",
            format!("/beheer/organisaties/{org_a}"),
            [303, 403, 403, 403, 0, 0],
        ),
        (
            "GET",
            "/beheer/organisaties/999999".into(),
            [303, 403, 403, 403, 404, 404],
        ),
        (
            "GET",
            "/beheer/gebruikers".into(),
            [303, 403, 403, 403, 200, 200],
        ),
        (
            "POST",
            "/beheer/gebruikers".into(),
            [303, 403, 403, 403, 0, 0],
        ),
        (
            "GET",
            format!("/beheer/gebruikers/{other_admin}"),
            [303, 403, 403, 403, 403, 200],
        ),
        (
            "POST",
            format!("/beheer/gebruikers/{other_admin}"),
            [303, 403, 403, 403, 403, 0],
        ),
        (
            "GET",
            "/beheer/gebruikers/999999".into(),
            [303, 403, 403, 403, 404, 404],
        ),
        (
            "GET",
            "/beheer/logboek".into(),
            [303, 403, 403, 403, 200, 200],
        ),
    ];
    let mut cells = 0;
    for (method, path, expected) in &cases {
        for (i, (who, cookie, csrf)) in whos.iter().enumerate() {
            let want = expected[i];
            if want == 0 {
                continue;
            }
            let before = crate::authz::snapshot(&app).await;
            let version = app.store.find_listing(item.id).await.unwrap().version;
            let mut form = form_of(&item, csrf, version);
            set(&mut form, "titel", "Overgenomen titel");
            set(&mut form, "besluit", "goedkeuren");
            let answer = if *method == "GET" {
                get(&app, cookie, path).await
            } else {
                post(&app, cookie, path, &form).await
            };
            assert_eq!(answer.status, want, "{who} {method} {path}");
            if want == 303 {
                assert!(
                    answer.location.starts_with("/inloggen?terug="),
                    "{who} {method} {path}"
                );
            }
            if want == 404 {
                assert_eq!(
                    answer.body, missing_page,
                    "{who} {method} {path}: same as missing"
                );
            }
            if *method == "POST" {
                assert_eq!(
                    crate::authz::snapshot(&app).await,
                    before,
                    "{who} {method} {path}"
                );
            }
            cells += 1;
        }
    }
    // Without the form's token, even the own partner changes nothing.
    let before = crate::authz::snapshot(&app).await;
    for path in [
        own.clone(),
        format!("{own}/actueel"),
        format!("{own}/archiveren"),
    ] {
        let version = app.store.find_listing(item.id).await.unwrap().version;
        let form = form_of(&item, "", version);
        assert_eq!(
            post(&app, &whos[1].1, &path, &form).await.status,
            403,
            "{path}"
        );
        cells += 1;
    }
    assert_eq!(crate::authz::snapshot(&app).await, before);
    println!("portal authorization matrix: {cells} cells checked");
}

#[tokio::test]
async fn a_partner_keeps_the_organisation_profile_current() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-voedselbank").await;
    app.create_account("pa@a.example", "partner", Some(org))
        .await;
    let cookie = portal_login(&app, "pa@a.example").await;
    let page = get(&app, &cookie, "/beheer/organisatie").await;
    assert_eq!(page.status, 200);
    let before = app.store.find_organisation(org).await.unwrap();
    assert!(page.body.contains(&askama_escape(&before.name)));
    let csrf = hidden(&page.body, "csrf");
    let version = hidden(&page.body, "versie");
    let form = |email: &str, name: &str, version: &str| {
        pairs(&[
            ("csrf", &csrf),
            ("versie", version),
            ("naam", name),
            ("beschrijving", "Wij delen elke week voedselpakketten uit."),
            ("telefoon", "033 000 0104"),
            ("email", email),
            ("website", "https://voedselbank.voorbeeld.example"),
        ])
    };
    let bad = post(
        &app,
        &cookie,
        "/beheer/organisatie",
        &form("geen-adres", "Voedselbank Leusden", &version),
    )
    .await;
    assert_eq!(bad.status, 400);
    let at = bad
        .body
        .find("id=\"org-email-fout\"")
        .expect("error next to the field");
    assert!(bad.body[at..at + 200].contains("geen geldig e-mailadres"));
    assert!(bad.body.contains("value=\"geen-adres\""));
    assert_eq!(app.store.find_organisation(org).await.unwrap(), before);
    let good = post(
        &app,
        &cookie,
        "/beheer/organisatie",
        &form("info@voedselbank.example", "Voedselbank Leusden", &version),
    )
    .await;
    assert_eq!(
        (good.status, good.location.as_str()),
        (303, "/beheer/organisatie?gedaan=opgeslagen")
    );
    let after = app.store.find_organisation(org).await.unwrap();
    assert_eq!(after.name, "Voedselbank Leusden");
    assert_eq!(after.email.as_deref(), Some("info@voedselbank.example"));
    // The old version again: nothing is overwritten.
    let stale = post(
        &app,
        &cookie,
        "/beheer/organisatie",
        &form("x@voedselbank.example", "Anders", &version),
    )
    .await;
    assert_eq!(stale.status, 409);
    assert_eq!(app.store.find_organisation(org).await.unwrap(), after);
}

#[tokio::test]
async fn a_partner_changes_their_name_and_password_with_the_current_one() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-voedselbank").await;
    let id = app
        .create_account("pa@a.example", "partner", Some(org))
        .await;
    let cookie = portal_login(&app, "pa@a.example").await;
    let page = get(&app, &cookie, "/beheer/account").await;
    assert_eq!(page.status, 200);
    let csrf = hidden(&page.body, "csrf");
    let version = hidden(&page.body, "versie");
    let renamed = post(
        &app,
        &cookie,
        "/beheer/account",
        &pairs(&[
            ("csrf", &csrf),
            ("versie", &version),
            ("naam", "Sanne Bakker"),
        ]),
    )
    .await;
    assert_eq!(
        (renamed.status, renamed.location.as_str()),
        (303, "/beheer/account?gedaan=opgeslagen")
    );
    assert_eq!(app.store.find_user(id).await.unwrap().name, "Sanne Bakker");

    let page = get(&app, &cookie, "/beheer/account").await;
    let version = hidden(&page.body, "versie");
    let wrong = post(
        &app,
        &cookie,
        "/beheer/account",
        &pairs(&[
            ("csrf", &csrf),
            ("versie", &version),
            ("naam", "Sanne Bakker"),
            ("huidigWachtwoord", "niet het wachtwoord"),
            ("wachtwoord", "een heel nieuw wachtwoord"),
        ]),
    )
    .await;
    assert_eq!(wrong.status, 400);
    let at = wrong
        .body
        .find("id=\"account-huidigWachtwoord-fout\"")
        .unwrap();
    assert!(wrong.body[at..at + 150].contains("klopt niet"));
    let changed = post(
        &app,
        &cookie,
        "/beheer/account",
        &pairs(&[
            ("csrf", &csrf),
            ("versie", &version),
            ("naam", "Sanne Bakker"),
            ("huidigWachtwoord", PASSWORD),
            ("wachtwoord", "een heel nieuw wachtwoord"),
        ]),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert!(changed.body.contains("Uw wachtwoord is gewijzigd"));
    // Every session ended, this one too; the new password works.
    let after = get(&app, &cookie, "/beheer").await;
    assert_eq!(after.status, 303);
    let login = app
        .call("POST", "/api/v1/sessies", None, None,
            Some(serde_json::json!({"email": "pa@a.example", "wachtwoord": "een heel nieuw wachtwoord"})))
        .await;
    assert_eq!(login.status, 201);
}

#[tokio::test]
async fn an_editor_relabels_a_theme_and_search_finds_the_items_by_the_new_label() {
    let app = TestApp::with_demo().await;
    app.create_account("red@leusden.example", "redacteur", None)
        .await;
    let editor = portal_login(&app, "red@leusden.example").await;
    let page = get(&app, &editor, "/beheer/taxonomie").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Geld en schulden"));
    let csrf = hidden(&page.body, "csrf");
    let empty = post(
        &app,
        &editor,
        "/beheer/taxonomie/themas/geldzaken",
        &pairs(&[("csrf", &csrf), ("label", " ")]),
    )
    .await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("Naam:"));
    // No item says kasboekje yet: at most items with a part of it ("boekje"), as a partial
    // match.
    let before = app.search("q=kasboekje").await;
    assert!(
        before["totaal"] == 0 || before["versoepeld"] == true,
        "{before}"
    );
    let done = post(
        &app,
        &editor,
        "/beheer/taxonomie/themas/geldzaken",
        &pairs(&[("csrf", &csrf), ("label", "Geld, schulden en kasboekje")]),
    )
    .await;
    assert_eq!(
        (done.status, done.location.as_str()),
        (303, "/beheer/taxonomie?gedaan=hernoemd")
    );
    app.wait_indexed().await;
    let themes = app.get_json("/api/v1/themas").await;
    assert!(
        themes
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["label"] == "Geld, schulden en kasboekje")
    );
    let with_theme = app
        .public_listings()
        .await
        .into_iter()
        .filter(|l| l.themes.iter().any(|t| t.as_str() == "geldzaken"))
        .count() as i64;
    let found = app.search("q=kasboekje&pageSize=100").await["totaal"]
        .as_i64()
        .unwrap();
    assert_eq!(
        found, with_theme,
        "every item with the theme, by its new label"
    );
    assert_eq!(
        post(
            &app,
            &editor,
            "/beheer/taxonomie/themas/bestaat-niet",
            &pairs(&[("csrf", &csrf), ("label", "X")])
        )
        .await
        .status,
        404
    );
}
