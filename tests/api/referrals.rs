//! Referral lists ("verwijslijsten") over real HTTP: through the API for other front ends, and
//! through the staff pages with a cookie session and CSRF tokens. A list is about the offer,
//! never about the client: notes with personal data are refused and change nothing; a shared
//! link shows only public data and the notes, and stops working when it expires or is revoked.

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, browser, hidden, set_cookie};

fn ids(list: &Value) -> Vec<i64> {
    list["aanbod"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn staff_build_reorder_note_and_share_a_list_through_the_api() {
    let app = TestApp::with_demo().await;
    let staff = app.token_for("medewerker", None).await;
    let colleague = app.token_for("medewerker", None).await;
    let public: Vec<i64> = app
        .public_listings()
        .await
        .iter()
        .take(3)
        .map(|l| l.id)
        .collect();

    let created = app
        .call("POST", "/api/v1/verwijslijsten", Some(&staff), None, None)
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let path = created.headers["location"].to_str().unwrap().to_string();
    assert_eq!(
        path,
        format!("/api/v1/verwijslijsten/{}", created.body["id"])
    );

    for (i, id) in public.iter().enumerate() {
        let a = app
            .call(
                "PUT",
                &format!("{path}/aanbod/{id}"),
                Some(&staff),
                None,
                Some(json!({"notitie": format!("Reden {i}: inloop op dinsdag 10.00-12.00.")})),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
    // Changing a note is 200, and keeps the place on the list.
    let changed = app
        .call(
            "PUT",
            &format!("{path}/aanbod/{}", public[0]),
            Some(&staff),
            None,
            Some(json!({"notitie": "Gratis, aanmelden niet nodig."})),
        )
        .await;
    assert_eq!(changed.status, 200);
    assert_eq!(ids(&changed.body), public);
    assert_eq!(
        changed.body["aanbod"][0]["notitie"],
        "Gratis, aanmelden niet nodig."
    );

    // Personal data in a note: 400 naming the field, and nothing changes.
    for note in [
        "Mevrouw is bereikbaar op 06-12345678",
        "mail naar j.jansen@example.nl",
        "geboren 12-03-1985",
        "BSN 111222333",
    ] {
        let refused = app
            .call(
                "PUT",
                &format!("{path}/aanbod/{}", public[1]),
                Some(&staff),
                None,
                Some(json!({"notitie": note})),
            )
            .await;
        assert_eq!(refused.status, 400, "{note}");
        assert_eq!(refused.headers["content-type"], "application/problem+json");
        assert_eq!(
            refused.body["invalidParams"][0]["name"], "notitie",
            "{note}"
        );
        assert!(
            refused.body["invalidParams"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("niet over de cliënt")
        );
    }
    let now = app.call("GET", &path, Some(&staff), None, None).await;
    assert_eq!(
        now.body["aanbod"][1]["notitie"],
        "Reden 1: inloop op dinsdag 10.00-12.00."
    );

    // Unknown offers are 404; a new order must name every offer once.
    let unknown = app
        .call(
            "PUT",
            &format!("{path}/aanbod/999999"),
            Some(&staff),
            None,
            Some(json!({})),
        )
        .await;
    assert_eq!(unknown.status, 404);
    let reversed: Vec<i64> = public.iter().rev().copied().collect();
    let bad_order = app
        .call(
            "PATCH",
            &path,
            Some(&staff),
            None,
            Some(json!({"volgorde": [public[0]]})),
        )
        .await;
    assert_eq!(bad_order.status, 400);
    assert_eq!(bad_order.body["invalidParams"][0]["name"], "volgorde");
    let reordered = app
        .call(
            "PATCH",
            &path,
            Some(&staff),
            None,
            Some(json!({"volgorde": reversed})),
        )
        .await;
    assert_eq!(reordered.status, 200);
    assert_eq!(ids(&reordered.body), reversed);

    // Someone else's list does not exist for a colleague.
    let theirs = app.call("GET", &path, Some(&colleague), None, None).await;
    assert_eq!(theirs.status, 404);
    let own_lists = app
        .call(
            "GET",
            "/api/v1/verwijslijsten",
            Some(&colleague),
            None,
            None,
        )
        .await;
    assert_eq!(own_lists.body["totaal"], 0);

    // Share: anyone with the link sees public data and the notes, nothing else.
    let share = app
        .call(
            "POST",
            &format!("{path}/deellinks"),
            Some(&staff),
            None,
            None,
        )
        .await;
    assert_eq!(share.status, 201, "{}", share.body);
    assert!(
        share.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
    let token = share.body["token"].as_str().unwrap().to_string();
    assert!(token.len() >= 32, "unguessable: {token}");
    assert!(
        share.body["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/lijst/{token}"))
    );
    let until =
        chrono::DateTime::parse_from_rfc3339(share.body["geldigTot"].as_str().unwrap()).unwrap();
    let days = (until.to_utc() - chrono::Utc::now()).num_hours() as f64 / 24.0;
    assert!((29.9..=30.1).contains(&days), "30 days by default: {days}");
    let shared_path = format!("/api/v1/gedeelde-verwijslijsten/{token}");
    let shared = app.call("GET", &shared_path, None, None, None).await;
    assert_eq!(shared.status, 200, "{}", shared.body);
    assert_eq!(shared.headers["cache-control"], "private, no-store");
    assert_eq!(ids(&shared.body), reversed);
    assert_eq!(
        shared.body["aanbod"][2]["notitie"],
        "Gratis, aanmelden niet nodig."
    );
    let text = shared.body.to_string();
    for private in ["email\"", "gebruiker", "eigenaar", "medewerker"] {
        assert!(!text.contains(private), "{private} in {text}");
    }

    // An offer taken offline leaves the shared list.
    sqlx::query("UPDATE listings SET status = 'gearchiveerd' WHERE id = $1")
        .bind(public[1])
        .execute(app.store.pool())
        .await
        .unwrap();
    let fewer = app.call("GET", &shared_path, None, None, None).await;
    assert_eq!(ids(&fewer.body), vec![public[2], public[0]]);
    let staff_view = app.call("GET", &path, Some(&staff), None, None).await;
    assert_eq!(staff_view.body["aanbod"][1]["beschikbaar"], false);

    // A new link replaces the old one; revoking ends it at once.
    let again = app
        .call(
            "POST",
            &format!("{path}/deellinks"),
            Some(&staff),
            None,
            None,
        )
        .await;
    let new_token = again.body["token"].as_str().unwrap();
    assert_eq!(
        app.call("GET", &shared_path, None, None, None).await.status,
        404
    );
    let new_path = format!("/api/v1/gedeelde-verwijslijsten/{new_token}");
    assert_eq!(
        app.call("GET", &new_path, None, None, None).await.status,
        200
    );
    let revoked = app
        .call(
            "DELETE",
            &format!("{path}/deellinks/huidige"),
            Some(&staff),
            None,
            None,
        )
        .await;
    assert_eq!(revoked.status, 204);
    assert_eq!(
        app.call("GET", &new_path, None, None, None).await.status,
        404
    );

    // Deleting the list ends everything.
    assert_eq!(
        app.call("DELETE", &path, Some(&staff), None, None)
            .await
            .status,
        204
    );
    assert_eq!(
        app.call("GET", &path, Some(&staff), None, None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn share_links_expire() {
    let app = TestApp::spawn_with(|c| c.share_link_secs = 1).await;
    wegwijzer::cli::load_demo_if_empty(&app.store)
        .await
        .unwrap();
    let staff = app.token_for("medewerker", None).await;
    let list = app
        .call("POST", "/api/v1/verwijslijsten", Some(&staff), None, None)
        .await;
    let path = list.headers["location"].to_str().unwrap().to_string();
    let share = app
        .call(
            "POST",
            &format!("{path}/deellinks"),
            Some(&staff),
            None,
            None,
        )
        .await;
    let shared = format!(
        "/api/v1/gedeelde-verwijslijsten/{}",
        share.body["token"].as_str().unwrap()
    );
    assert_eq!(app.call("GET", &shared, None, None, None).await.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    assert_eq!(app.call("GET", &shared, None, None, None).await.status, 404);
    let page = app
        .get(&format!("/lijst/{}", share.body["token"].as_str().unwrap()))
        .await;
    assert_eq!(page.status(), 404);
    assert!(page.text().await.unwrap().contains("werkt niet meer"));
}

/// Logs in through the login page; returns the session cookie pair and its header.
async fn page_login(app: &TestApp, email: &str) -> (String, String) {
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
            ("terug", "/verwijslijsten"),
            ("email", email),
            ("wachtwoord", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/verwijslijsten");
    set_cookie(&res, "wegwijzer-sessie").expect("session cookie")
}

#[tokio::test]
async fn page_sessions_use_safe_cookies_and_every_form_needs_its_token() {
    let app = TestApp::with_demo().await;
    app.create_account("mw@leusden.example", "medewerker", None)
        .await;
    let client = browser();

    // Login without the form's cookie (another site's form, or cookies off): refused.
    let forged = client
        .post(format!("{}/inloggen", app.base))
        .form(&[
            ("csrf", "0123456789abcdef0123456789abcdef"),
            ("email", "mw@leusden.example"),
            ("wachtwoord", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(set_cookie(&forged, "wegwijzer-sessie").is_none());

    // A wrong password: the same message as the API, next to nothing else; no session.
    let form = client
        .get(format!("{}/inloggen", app.base))
        .send()
        .await
        .unwrap();
    let (login_cookie, login_header) = set_cookie(&form, "wegwijzer-inlog").unwrap();
    assert!(login_header.contains("HttpOnly") && login_header.contains("SameSite=Lax"));
    let csrf = hidden(&form.text().await.unwrap(), "csrf");
    let wrong = client
        .post(format!("{}/inloggen", app.base))
        .header("cookie", &login_cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "mw@leusden.example"),
            ("wachtwoord", "niet-het-goede-wachtwoord"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("E-mailadres of wachtwoord onjuist.")
    );

    let (session, header) = page_login(&app, "mw@leusden.example").await;
    assert!(header.contains("HttpOnly"), "{header}");
    assert!(header.contains("SameSite=Lax"), "{header}");
    assert!(header.contains("Path=/"), "{header}");
    // Plain http on 127.0.0.1: a Secure cookie would never come back.
    assert!(!header.contains("Secure"), "{header}");
    assert!(
        !header.contains("Max-Age"),
        "ends with the browser: {header}"
    );

    // Pages for staff are private and show the add buttons with the session's token.
    let results = client
        .get(format!("{}/zoeken?q=taal", app.base))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(results.headers()["cache-control"], "private, no-store");
    let body = results.text().await.unwrap();
    assert!(body.contains("Op mijn lijst zetten"));
    let csrf = hidden(&body, "csrf");
    let offer = hidden(&body, "aanbod");
    let count = || async {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM referral_items")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        n
    };

    // Without the token, with a wrong one, or from another site: refused, nothing stored.
    for (token, origin) in [
        ("", None),
        ("00000000000000000000000000000000", None),
        (csrf.as_str(), Some("https://evil.example")),
    ] {
        let mut req = client
            .post(format!("{}/verwijslijsten/toevoegen", app.base))
            .header("cookie", &session)
            .form(&[("csrf", token), ("aanbod", offer.as_str()), ("terug", "/")]);
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 403, "token {token:?}, origin {origin:?}");
        assert_eq!(count().await, 0);
    }
    // The browser's own post: stored, and back to the card.
    let added = client
        .post(format!("{}/verwijslijsten/toevoegen", app.base))
        .header("cookie", &session)
        .header("origin", &app.base)
        .form(&[
            ("csrf", csrf.as_str()),
            ("aanbod", offer.as_str()),
            ("terug", &format!("/zoeken?q=taal#aanbod-{offer}")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 303);
    assert_eq!(
        added.headers()["location"],
        format!("/zoeken?q=taal#aanbod-{offer}").as_str()
    );
    assert_eq!(count().await, 1);

    // A note with a phone number: the list again, the message next to the field, nothing saved.
    let list_path = format!(
        "/verwijslijsten/{}",
        sqlx::query_as::<_, (i64,)>("SELECT id FROM referral_lists")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .0
    );
    let refused = client
        .post(format!("{}{list_path}/aanbod/{offer}", app.base))
        .header("cookie", &session)
        .form(&[
            ("csrf", csrf.as_str()),
            ("actie", "notitie"),
            (
                "notitie",
                "Bel mevrouw op 0612345678 & \"vraag\" <naar> Ans",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let page = refused.text().await.unwrap();
    assert!(page.contains(&format!("id=\"notitie-{offer}-fout\"")));
    assert!(page.contains("Dit lijkt op een telefoonnummer."));
    // What was typed comes back as text, never as markup.
    assert!(page.contains("&#60;naar&#62;") && !page.contains("<naar>"));
    let (note,): (String,) = sqlx::query_as("SELECT note FROM referral_items")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(note, "");

    // Another staff member cannot see the list: 404.
    app.create_account("ander@leusden.example", "medewerker", None)
        .await;
    let (other, _) = page_login(&app, "ander@leusden.example").await;
    let theirs = client
        .get(format!("{}{list_path}", app.base))
        .header("cookie", &other)
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), 404);

    // Logged out: the session ends, the cookie is cleared, staff pages send to the login.
    let out = client
        .post(format!("{}/uitloggen", app.base))
        .header("cookie", &session)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    let (_, cleared) = set_cookie(&out, "wegwijzer-sessie").unwrap();
    assert!(cleared.contains("Max-Age=0"));
    let after = client
        .get(format!("{}{list_path}", app.base))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 303);
    assert_eq!(
        after.headers()["location"],
        format!("/inloggen?terug=%2Fverwijslijsten%2F{}", &list_path[16..]).as_str()
    );
}

#[tokio::test]
async fn cookies_are_secure_with_the_host_prefix_behind_https() {
    let app =
        TestApp::spawn_with(|c| c.public_url = Some("https://socialekaart.example".into())).await;
    app.create_account("mw@leusden.example", "medewerker", None)
        .await;
    let client = browser();
    let form = client
        .get(format!("{}/inloggen", app.base))
        .send()
        .await
        .unwrap();
    let (cookie, header) = set_cookie(&form, "__Host-wegwijzer-inlog").expect("__Host- cookie");
    assert!(header.contains("; Secure") && header.contains("Path=/"));
    assert!(!header.contains("Domain="));
    let csrf = hidden(&form.text().await.unwrap(), "csrf");
    let res = client
        .post(format!("{}/inloggen", app.base))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "mw@leusden.example"),
            ("wachtwoord", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let (_, session) = set_cookie(&res, "__Host-wegwijzer-sessie").expect("session cookie");
    assert!(session.contains("; Secure") && session.contains("HttpOnly"));
}
