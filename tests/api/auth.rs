//! Login, tokens and their expiry and revocation, brute-force throttling, and the
//! `wegwijzer user add` bootstrap.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp};

async fn attempt(app: &TestApp, email: &str, password: &str) -> crate::helpers::Answer {
    app.call(
        "POST",
        "/api/v1/sessies",
        None,
        None,
        Some(json!({"email": email, "wachtwoord": password})),
    )
    .await
}

#[tokio::test]
async fn login_gives_a_token_that_logout_revokes_at_once() {
    let app = TestApp::spawn().await;
    app.create_account("redactie@leusden.example", "redacteur", None)
        .await;

    // Addresses are case-insensitive; the token is long and stored only as a hash.
    let ok = attempt(&app, " Redactie@Leusden.EXAMPLE", PASSWORD).await;
    assert_eq!(ok.status, 201, "{}", ok.body);
    let token = ok.body["token"].as_str().unwrap().to_string();
    assert!(token.len() >= 43, "{token}");
    assert_eq!(ok.body["gebruiker"]["rol"], "redacteur");
    assert_eq!(ok.body["inactiefNaSeconden"], 1800);
    let stored: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM sessions")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].0, token);
    assert!(!stored[0].0.contains(&token[3..]));

    let me = app
        .call("GET", "/api/v1/sessies/huidige", Some(&token), None, None)
        .await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email"], "redactie@leusden.example");

    let out = app
        .call(
            "DELETE",
            "/api/v1/sessies/huidige",
            Some(&token),
            None,
            None,
        )
        .await;
    assert_eq!(out.status, 204);
    let after = app
        .call("GET", "/api/v1/sessies/huidige", Some(&token), None, None)
        .await;
    assert_eq!(after.status, 401);
    assert_eq!(after.headers["content-type"], "application/problem+json");
    assert!(
        after.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );

    // A made-up or malformed token is refused, also on public search.
    let fake = app
        .call("GET", "/api/v1/aanbod", Some("ww_0000"), None, None)
        .await;
    assert_eq!(fake.status, 401);
}

#[tokio::test]
async fn unknown_address_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.create_account("partner@voorbeeld.example", "redacteur", None)
        .await;
    let wrong = attempt(&app, "partner@voorbeeld.example", "niet-het-wachtwoord").await;
    let unknown = attempt(&app, "niemand@voorbeeld.example", "niet-het-wachtwoord").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    // Missing fields are a 400 naming both.
    let empty = app
        .call("POST", "/api/v1/sessies", None, None, Some(json!({})))
        .await;
    assert_eq!(empty.status, 400);
    assert_eq!(empty.body["invalidParams"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn sessions_end_after_idle_time_and_after_their_absolute_lifetime() {
    let app = TestApp::spawn_with(|c| {
        c.session_idle_secs = 1;
        c.session_max_secs = 3;
    })
    .await;
    app.create_account("a@voorbeeld.example", "medewerker", None)
        .await;
    let me = "/api/v1/sessies/huidige";

    // Idle: unused for longer than the idle time.
    let token = app.login("a@voorbeeld.example").await;
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(
        app.call("GET", me, Some(&token), None, None).await.status,
        401
    );

    // Absolute: kept busy, it still ends after the lifetime.
    let token = app.login("a@voorbeeld.example").await;
    let started = std::time::Instant::now();
    let mut last_ok = Duration::ZERO;
    loop {
        let status = app.call("GET", me, Some(&token), None, None).await.status;
        if status == 401 {
            break;
        }
        assert_eq!(status, 200);
        last_ok = started.elapsed();
        assert!(
            last_ok < Duration::from_secs(5),
            "session outlived its lifetime"
        );
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    assert!(
        last_ok >= Duration::from_millis(2000),
        "ended early: {last_ok:?}"
    );
}

#[tokio::test]
async fn disabling_an_account_or_changing_its_role_revokes_its_tokens() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-samen-leusden").await;
    let admin = app.token_for("admin", None).await;
    let id = app
        .create_account("p@voorbeeld.example", "partner", Some(org))
        .await;
    let token = app.login("p@voorbeeld.example").await;
    let list = "/api/v1/beheer/aanbod";
    assert_eq!(
        app.call("GET", list, Some(&token), None, None).await.status,
        200
    );

    let path = format!("/api/v1/beheer/gebruikers/{id}");
    let user = app.call("GET", &path, Some(&admin), None, None).await;
    let off = app
        .call(
            "PATCH",
            &path,
            Some(&admin),
            Some(user.etag()),
            Some(json!({"actief": false})),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(
        app.call("GET", list, Some(&token), None, None).await.status,
        401
    );
    // And it cannot log in again, with the same answer as a wrong password.
    let again = attempt(&app, "p@voorbeeld.example", PASSWORD).await;
    assert_eq!(again.status, 401);

    let on = app
        .call(
            "PATCH",
            &path,
            Some(&admin),
            Some(off.etag()),
            Some(json!({"actief": true})),
        )
        .await;
    assert_eq!(on.status, 200);
    let token = app.login("p@voorbeeld.example").await;
    let role = app
        .call(
            "PATCH",
            &path,
            Some(&admin),
            Some(on.etag()),
            Some(json!({"rol": "medewerker"})),
        )
        .await;
    assert_eq!(role.status, 200, "{}", role.body);
    assert!(role.body["organisatieId"].is_null());
    assert_eq!(
        app.call("GET", list, Some(&token), None, None).await.status,
        401
    );

    let audit = app
        .call("GET", "/api/v1/beheer/audit-log", Some(&admin), None, None)
        .await;
    let actions: Vec<&str> = audit.body["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["actie"].as_str().unwrap())
        .collect();
    for a in [
        "gebruiker-geblokkeerd",
        "gebruiker-geactiveerd",
        "rol-gewijzigd",
        "inloggen-mislukt",
    ] {
        assert!(actions.contains(&a), "{a} not in {actions:?}");
    }
}

#[tokio::test]
async fn five_failed_logins_slow_an_account_down() {
    let app = TestApp::spawn().await;
    app.create_account("doelwit@voorbeeld.example", "admin", None)
        .await;
    for _ in 0..5 {
        let a = attempt(&app, "doelwit@voorbeeld.example", "fout-wachtwoord-x").await;
        assert_eq!(a.status, 401);
    }
    // Now even the right password waits.
    let locked = attempt(&app, "doelwit@voorbeeld.example", PASSWORD).await;
    assert_eq!(locked.status, 429, "{}", locked.body);
    let retry: u64 = locked.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=31).contains(&retry), "{retry}");
    // Unknown addresses are throttled alike, so the 429 reveals nothing.
    for _ in 0..5 {
        attempt(&app, "onbekend@voorbeeld.example", "fout-wachtwoord-x").await;
    }
    assert_eq!(
        attempt(&app, "onbekend@voorbeeld.example", "fout-wachtwoord-x")
            .await
            .status,
        429
    );
    // After the lock expires the right password works and resets the count.
    sqlx::query("UPDATE login_failures SET locked_until = '2000-01-01T00:00:00.000Z'")
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(
        attempt(&app, "doelwit@voorbeeld.example", PASSWORD)
            .await
            .status,
        201
    );
    assert_eq!(
        attempt(&app, "doelwit@voorbeeld.example", "fout-wachtwoord-x")
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn one_client_address_gets_a_limited_number_of_failed_logins() {
    let app = TestApp::spawn_with(|c| c.login_attempts_per_minute = 3).await;
    app.create_account("x@voorbeeld.example", "admin", None)
        .await;
    for n in 0..3 {
        let a = attempt(
            &app,
            &format!("iemand{n}@voorbeeld.example"),
            "fout-wachtwoord-x",
        )
        .await;
        assert_eq!(a.status, 401);
    }
    let limited = attempt(&app, "x@voorbeeld.example", PASSWORD).await;
    assert_eq!(limited.status, 429);
    assert!(limited.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn user_add_on_the_command_line_bootstraps_the_first_admin() {
    let mut app = TestApp::spawn().await;
    app.stop().await;
    let exe = env!("CARGO_BIN_EXE_wegwijzer");
    let run = |password: &str| {
        std::process::Command::new(exe)
            .args([
                "user",
                "add",
                "--email",
                "beheer@leusden.example",
                "--naam",
                "Beheer",
            ])
            .env("WEGWIJZER_DATA_DIR", app.dir.path())
            .env("WEGWIJZER_DATABASE_URL", app.config.database_url())
            .env("WEGWIJZER_PASSWORD", password)
            .output()
            .unwrap()
    };
    let short = run("kort");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("10 tekens"));
    let ok = run(PASSWORD);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    app.start().await;
    let token = app.login("beheer@leusden.example").await;
    let me = app
        .call("GET", "/api/v1/sessies/huidige", Some(&token), None, None)
        .await;
    assert_eq!(me.body["rol"], "admin");
    // The stored hash is argon2id with at least OWASP's parameters.
    let (hash,): (String,) = sqlx::query_as("SELECT password_hash FROM users")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_gets_no_more_tries_than_a_slow_series() {
    let app = TestApp::spawn_with(|c| c.login_attempts_per_minute = 1000).await;
    app.create_account("doel@voorbeeld.example", "admin", None)
        .await;
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for n in 0..30 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            attempt(
                &app,
                "doel@voorbeeld.example",
                &format!("gok-nummer-{n}-fout"),
            )
            .await
            .status
        }));
    }
    let mut checked = 0;
    for t in tasks {
        match t.await.unwrap() {
            401 => checked += 1,
            429 => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(checked <= 5, "{checked} passwords were checked");
}

#[tokio::test]
async fn changing_your_own_password_needs_the_current_one() {
    let app = TestApp::spawn().await;
    let id = app
        .create_account("zelf@voorbeeld.example", "medewerker", None)
        .await;
    let token = app.login("zelf@voorbeeld.example").await;
    let path = format!("/api/v1/beheer/gebruikers/{id}");
    let me = app.call("GET", &path, Some(&token), None, None).await;
    let without = app
        .call(
            "PATCH",
            &path,
            Some(&token),
            Some(me.etag()),
            Some(json!({"wachtwoord": "nieuw-en-lang-genoeg"})),
        )
        .await;
    assert_eq!(without.status, 400);
    assert_eq!(without.body["invalidParams"][0]["name"], "huidigWachtwoord");
    let wrong = app
        .call(
            "PATCH",
            &path,
            Some(&token),
            Some(me.etag()),
            Some(json!({"wachtwoord": "nieuw-en-lang-genoeg", "huidigWachtwoord": "raden-maar"})),
        )
        .await;
    assert_eq!(wrong.status, 400);
    // Own role and status are not the account holder's to set.
    let escalate = app
        .call(
            "PATCH",
            &path,
            Some(&token),
            Some(me.etag()),
            Some(json!({"rol": "admin"})),
        )
        .await;
    assert_eq!(escalate.status, 400);
    assert_eq!(escalate.body["invalidParams"][0]["name"], "rol");
    let ok = app
        .call(
            "PATCH",
            &path,
            Some(&token),
            Some(me.etag()),
            Some(json!({"wachtwoord": "nieuw-en-lang-genoeg", "huidigWachtwoord": PASSWORD})),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    // The change ends the sessions; the new password works.
    assert_eq!(
        app.call("GET", "/api/v1/sessies/huidige", Some(&token), None, None)
            .await
            .status,
        401
    );
    assert_eq!(
        attempt(&app, "zelf@voorbeeld.example", "nieuw-en-lang-genoeg")
            .await
            .status,
        201
    );
}

#[tokio::test]
async fn two_admins_disabling_each_other_at_once_leave_one_active() {
    let app = TestApp::spawn().await;
    let a = app.create_account("a@beheer.example", "admin", None).await;
    let b = app.create_account("b@beheer.example", "admin", None).await;
    let ta = app.login("a@beheer.example").await;
    let tb = app.login("b@beheer.example").await;
    let (pa, pb) = (
        format!("/api/v1/beheer/gebruikers/{a}"),
        format!("/api/v1/beheer/gebruikers/{b}"),
    );
    let (va, vb) = (
        app.call("GET", &pa, Some(&tb), None, None).await.etag(),
        app.call("GET", &pb, Some(&ta), None, None).await.etag(),
    );
    let off = json!({"actief": false});
    let (r1, r2) = tokio::join!(
        app.call("PATCH", &pb, Some(&ta), Some(vb), Some(off.clone())),
        app.call("PATCH", &pa, Some(&tb), Some(va), Some(off.clone())),
    );
    let (active,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(
        active, 1,
        "{} {} / {} {}",
        r1.status, r1.body, r2.status, r2.body
    );
}

#[tokio::test]
async fn parallel_correct_logins_all_get_in_and_none_answers_500() {
    let app = TestApp::spawn_with(|c| c.login_attempts_per_minute = 1000).await;
    app.create_account("tabbladen@voorbeeld.example", "medewerker", None)
        .await;
    app.create_account("wisselend@voorbeeld.example", "medewerker", None)
        .await;
    let app = std::sync::Arc::new(app);
    for round in 0..3 {
        let mut tasks = Vec::new();
        // Eight tabs logging in to one account at once: all correct, all in.
        for _ in 0..8 {
            let app = app.clone();
            tasks.push(tokio::spawn(async move {
                let a = attempt(&app, "tabbladen@voorbeeld.example", PASSWORD).await;
                (a.status, a.status == 201)
            }));
        }
        // Meanwhile a second account mixes right and wrong passwords (never five wrong).
        for n in 0..12 {
            let app = app.clone();
            tasks.push(tokio::spawn(async move {
                let password = if n % 3 == 0 {
                    "fout-wachtwoord"
                } else {
                    PASSWORD
                };
                let a = attempt(&app, "wisselend@voorbeeld.example", password).await;
                (a.status, matches!(a.status, 201 | 401))
            }));
        }
        for t in tasks {
            let (status, fine) = t.await.unwrap();
            assert!(fine, "round {round}: {status}");
        }
    }
}

#[tokio::test]
async fn guessing_your_current_password_is_limited_like_a_login() {
    let app = TestApp::spawn().await;
    let id = app
        .create_account("gestolen@voorbeeld.example", "medewerker", None)
        .await;
    let token = app.login("gestolen@voorbeeld.example").await;
    let path = format!("/api/v1/beheer/gebruikers/{id}");
    let version = app
        .call("GET", &path, Some(&token), None, None)
        .await
        .etag();
    let change = |current: &'static str| json!({"wachtwoord": "een-nieuw-lang-wachtwoord", "huidigWachtwoord": current});
    for n in 0..5 {
        let guess = app
            .call(
                "PATCH",
                &path,
                Some(&token),
                Some(version),
                Some(change("raden-maar")),
            )
            .await;
        assert_eq!(guess.status, 400, "guess {n}");
    }
    // The account is locked now: even the right password waits, as a login would.
    let locked = app
        .call(
            "PATCH",
            &path,
            Some(&token),
            Some(version),
            Some(change(PASSWORD)),
        )
        .await;
    assert_eq!(locked.status, 429, "{}", locked.body);
    assert!(locked.headers.contains_key("retry-after"));
    assert_eq!(
        attempt(&app, "gestolen@voorbeeld.example", PASSWORD)
            .await
            .status,
        429
    );
}

#[tokio::test]
async fn a_patch_that_changes_nothing_keeps_the_version() {
    let app = TestApp::spawn().await;
    let id = app
        .create_account("rustig@voorbeeld.example", "medewerker", None)
        .await;
    let token = app.login("rustig@voorbeeld.example").await;
    let path = format!("/api/v1/beheer/gebruikers/{id}");
    let me = app.call("GET", &path, Some(&token), None, None).await;
    for body in [
        json!({}),
        json!({"naam": me.body["naam"].as_str().unwrap()}),
    ] {
        let a = app
            .call("PATCH", &path, Some(&token), Some(me.etag()), Some(body))
            .await;
        assert_eq!(a.status, 200);
        assert_eq!(a.etag(), me.etag());
        assert_eq!(a.body["versie"], me.body["versie"]);
    }
    let renamed = app
        .call(
            "PATCH",
            &path,
            Some(&token),
            Some(me.etag()),
            Some(json!({"naam": "Nieuwe Naam"})),
        )
        .await;
    assert_eq!(renamed.etag(), me.etag() + 1);
}

#[tokio::test]
async fn one_attacker_behind_a_shared_address_does_not_lock_out_the_office() {
    let app = TestApp::spawn_with(|c| c.login_attempts_per_minute = 3).await;
    app.create_account("collega@voorbeeld.example", "medewerker", None)
        .await;
    app.create_account("nieuw@voorbeeld.example", "medewerker", None)
        .await;
    // A colleague logged in from this address before.
    assert_eq!(
        attempt(&app, "collega@voorbeeld.example", PASSWORD)
            .await
            .status,
        201
    );
    // Someone at the same address sprays guesses over many accounts until the limit.
    for n in 0..3 {
        let a = attempt(&app, &format!("doelwit{n}@voorbeeld.example"), "raden").await;
        assert_eq!(a.status, 401);
    }
    let sprayed = attempt(&app, "doelwit9@voorbeeld.example", "raden").await;
    assert_eq!(sprayed.status, 429, "the address is over its limit");
    // An account never used from here waits; the colleague gets in.
    assert_eq!(
        attempt(&app, "nieuw@voorbeeld.example", PASSWORD)
            .await
            .status,
        429
    );
    assert_eq!(
        attempt(&app, "collega@voorbeeld.example", PASSWORD)
            .await
            .status,
        201
    );
}
