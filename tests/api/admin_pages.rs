//! The editors' pages of the portal through real HTTP with cookies: organisations with
//! `vertrouwd`, accounts and roles, the audit log with filters, reports assigned to an editor,
//! and taxonomy terms added and retired. Each goes through the same service as the API.

use serde_json::json;

use crate::helpers::{TestApp, hidden};
use crate::portal::{get, pairs, portal_login, post};

async fn editor_session(app: &TestApp) -> (String, String) {
    app.create_account("red@leusden.example", "redacteur", None)
        .await;
    let cookie = portal_login(app, "red@leusden.example").await;
    let csrf = hidden(&get(app, &cookie, "/beheer").await.body, "csrf");
    (cookie, csrf)
}

#[tokio::test]
async fn an_editor_manages_organisations_and_accounts_and_finds_it_in_the_audit_log() {
    let app = TestApp::with_demo().await;
    let (editor, csrf) = editor_session(&app).await;

    // A new organisation: a bad address is named next to the field and nothing is stored.
    let count = |app: &TestApp| {
        let pool = app.store.pool().clone();
        async move {
            sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM organisations")
                .fetch_one(&pool)
                .await
                .unwrap()
                .0
        }
    };
    let orgs_before = count(&app).await;
    let bad = post(
        &app,
        &editor,
        "/beheer/organisaties/nieuw",
        &pairs(&[
            ("csrf", &csrf),
            ("naam", "Fietsherstel De Spaak"),
            ("beschrijving", "Samen spullen repareren."),
            ("email", "geen adres"),
            ("vertrouwd", "ja"),
        ]),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("id=\"org-email-fout\""), "{}", bad.body);
    assert!(
        bad.body.contains("Fietsherstel De Spaak"),
        "typed values stay"
    );
    assert_eq!(count(&app).await, orgs_before);
    let made = post(
        &app,
        &editor,
        "/beheer/organisaties/nieuw",
        &pairs(&[
            ("csrf", &csrf),
            ("naam", "Fietsherstel De Spaak"),
            ("beschrijving", "Samen spullen repareren."),
            ("email", "info@repaircafe.example"),
            ("vertrouwd", "ja"),
        ]),
    )
    .await;
    assert_eq!(
        (made.status, made.location.as_str()),
        (303, "/beheer/organisaties?gedaan=aangemaakt")
    );
    let (org_id, trusted): (i64, i64) = sqlx::query_as(
        "SELECT id, trusted FROM organisations WHERE name = 'Fietsherstel De Spaak'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(trusted, 1);
    let list = get(&app, &editor, "/beheer/organisaties").await;
    assert!(
        list.body
            .contains(&format!("/beheer/organisaties/{org_id}"))
    );

    // Edit it: no longer trusted, against the version the form showed; a stale form
    // overwrites nothing.
    let form = get(&app, &editor, &format!("/beheer/organisaties/{org_id}")).await;
    let version = hidden(&form.body, "versie");
    let save = |version: String| {
        pairs(&[
            ("csrf", &csrf),
            ("versie", &version),
            ("naam", "Fietsherstel De Spaak"),
            (
                "beschrijving",
                "Elke eerste zaterdag samen spullen repareren.",
            ),
            ("email", "info@repaircafe.example"),
        ])
        .to_vec()
    };
    let saved = post(
        &app,
        &editor,
        &format!("/beheer/organisaties/{org_id}"),
        &save(version.clone()),
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let org = app.store.find_organisation(org_id).await.unwrap();
    assert!(!org.trusted);
    assert!(org.description.starts_with("Elke eerste zaterdag"));
    let stale = post(
        &app,
        &editor,
        &format!("/beheer/organisaties/{org_id}"),
        &save(version),
    )
    .await;
    assert_eq!(stale.status, 409);

    // Invite a partner for it: the account exists, can log in only by the mailed link.
    let bad_invite = post(
        &app,
        &editor,
        "/beheer/gebruikers",
        &pairs(&[
            ("csrf", &csrf),
            ("naam", "Ria"),
            ("email", "ria@repaircafe.example"),
            ("rol", "partner"),
            ("organisatieId", ""),
        ]),
    )
    .await;
    assert_eq!(bad_invite.status, 400);
    assert!(
        bad_invite
            .body
            .contains("id=\"account-organisatieId-fout\"")
    );
    let invited = post(
        &app,
        &editor,
        "/beheer/gebruikers",
        &pairs(&[
            ("csrf", &csrf),
            ("naam", "Ria"),
            ("email", "ria@repaircafe.example"),
            ("rol", "partner"),
            ("organisatieId", &org_id.to_string()),
        ]),
    )
    .await;
    assert_eq!(
        (invited.status, invited.location.as_str()),
        (303, "/beheer/gebruikers?gedaan=uitgenodigd")
    );
    let (ria, _) = app
        .store
        .user_by_email("ria@repaircafe.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ria.organisation_id, Some(org_id));
    let (mails,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM mail_outbox WHERE recipient = 'ria@repaircafe.example'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(mails, 1, "one invitation");

    // Make her a medewerker (no organisation), then disable the account.
    let page = get(&app, &editor, &format!("/beheer/gebruikers/{}", ria.id)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ria@repaircafe.example"));
    let changed = post(
        &app,
        &editor,
        &format!("/beheer/gebruikers/{}", ria.id),
        &pairs(&[
            ("csrf", &csrf),
            ("versie", &hidden(&page.body, "versie")),
            ("naam", "Ria de Vries"),
            ("rol", "medewerker"),
            ("organisatieId", ""),
        ]),
    )
    .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    let ria = app.store.find_user(ria.id).await.unwrap();
    assert_eq!(ria.role.as_str(), "medewerker");
    assert_eq!(ria.organisation_id, None);
    assert!(!ria.active, "no tick at 'mag inloggen': disabled");
    // An editor cannot hand out the admin role.
    let page = get(&app, &editor, "/beheer/gebruikers").await;
    assert!(!page.body.contains("value=\"admin\""));

    // The audit log shows all of it, and filters by action and subject.
    let log = get(&app, &editor, "/beheer/logboek").await;
    assert_eq!(log.status, 200);
    for action in ["organisatie-aangemaakt", "gebruiker-aangemaakt"] {
        assert!(log.body.contains(action), "{action}");
    }
    let filtered = get(
        &app,
        &editor,
        &format!("/beheer/logboek?actie=organisatie-aangemaakt&onderwerp=organisatie+{org_id}"),
    )
    .await;
    assert_eq!(
        filtered.body.matches("<tr>").count(),
        2,
        "header and one entry"
    );
    let bad = get(&app, &editor, "/beheer/logboek?vanaf=morgen").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("id=\"filter-vanaf-fout\""));
}

#[tokio::test]
async fn an_editor_assigns_a_report_and_sees_it_under_assigned_to_me() {
    let app = TestApp::with_demo().await;
    let (editor, csrf) = editor_session(&app).await;
    let listing = app.public_listings().await[0].id;
    app.store
        .insert_report(&wegwijzer::domain::report::NewReport {
            listing_id: listing,
            reason: wegwijzer::domain::report::ReportReason::parse("tijden").unwrap(),
            message: "De tijden kloppen niet meer.".into(),
            email: None,
        })
        .await
        .unwrap();
    let (report,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM reports")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let me = app
        .store
        .user_by_email("red@leusden.example")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let mine = get(&app, &editor, "/beheer/meldingen?weergave=mij").await;
    assert!(mine.body.contains("Er zijn hier geen meldingen."));
    let assigned = post(
        &app,
        &editor,
        &format!("/beheer/meldingen/{report}/toewijzen"),
        &pairs(&[("csrf", &csrf), ("redacteur", &me.to_string())]),
    )
    .await;
    assert_eq!(assigned.status, 303);
    let mine = get(&app, &editor, "/beheer/meldingen?weergave=mij").await;
    assert!(mine.body.contains(&format!("id=\"melding-{report}\"")));
    assert!(mine.body.contains("Toegewezen aan: <strong>"));
    // Someone who is not an editor cannot be given a report; nothing changes.
    let partner = app
        .create_account(
            "p@x.example",
            "partner",
            Some(app.organisation_id("org-voedselbank").await),
        )
        .await;
    let refused = post(
        &app,
        &editor,
        &format!("/beheer/meldingen/{report}/toewijzen"),
        &pairs(&[("csrf", &csrf), ("redacteur", &partner.to_string())]),
    )
    .await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("kies een actieve redacteur"));
    let stored = app.store.find_report(report).await.unwrap();
    assert_eq!(stored.assigned_to, Some(me));
}

#[tokio::test]
async fn an_editor_adds_and_retires_a_theme_and_forms_offer_only_terms_in_use() {
    let app = TestApp::with_demo().await;
    let (editor, csrf) = editor_session(&app).await;
    let bad = post(
        &app,
        &editor,
        "/beheer/taxonomie/themas",
        &pairs(&[("csrf", &csrf), ("sleutel", "Dieren!"), ("label", "Dieren")]),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("id=\"nieuw-themas-sleutel-fout\""));
    assert!(bad.body.contains("value=\"Dieren!\""), "typed values stay");
    let added = post(
        &app,
        &editor,
        "/beheer/taxonomie/themas",
        &pairs(&[
            ("csrf", &csrf),
            ("sleutel", "dieren"),
            ("label", "Dieren en huisdieren"),
        ]),
    )
    .await;
    assert_eq!(
        (added.status, added.location.as_str()),
        (303, "/beheer/taxonomie?gedaan=toegevoegd")
    );
    let form = get(&app, &editor, "/beheer/aanbod/nieuw?soort=voorziening").await;
    assert!(form.body.contains("value=\"dieren\""));
    assert!(form.body.contains("value=\"geldzaken\""));

    let retired = post(
        &app,
        &editor,
        "/beheer/taxonomie/themas/geldzaken",
        &pairs(&[
            ("csrf", &csrf),
            ("label", "ignored"),
            ("actie", "intrekken"),
        ]),
    )
    .await;
    assert_eq!(retired.status, 303);
    let page = get(&app, &editor, "/beheer/taxonomie").await;
    assert!(page.body.contains("Wordt niet meer gebruikt"));
    assert!(page.body.contains("Weer gebruiken"));
    let form = get(&app, &editor, "/beheer/aanbod/nieuw?soort=voorziening").await;
    assert!(
        !form.body.contains("value=\"geldzaken\""),
        "no longer offered"
    );
    let themes = app.get_json("/api/v1/themas").await;
    assert!(
        !themes
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["sleutel"] == json!("geldzaken"))
    );
    // The items that have it keep it, and a resident still finds them by it.
    assert!(
        app.search("thema=geldzaken").await["totaal"]
            .as_u64()
            .unwrap()
            > 0
    );
    let back = post(
        &app,
        &editor,
        "/beheer/taxonomie/themas/geldzaken",
        &pairs(&[
            ("csrf", &csrf),
            ("label", "ignored"),
            ("actie", "terugzetten"),
        ]),
    )
    .await;
    assert_eq!(back.status, 303);
    let form = get(&app, &editor, "/beheer/aanbod/nieuw?soort=voorziening").await;
    assert!(form.body.contains("value=\"geldzaken\""));
}
