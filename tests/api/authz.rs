//! The authorization matrix: every protected endpoint × every role × own/other organisation.
//! Each cell asserts the status code, and that a refused request changed nothing.

use serde_json::{Value, json};

use crate::helpers::{TestApp, item};

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    /// A partner of organisation A (the "own" organisation).
    Partner,
    Staff,
    Editor,
    Admin,
}

const EVERYONE: [Who; 5] = [
    Who::Anonymous,
    Who::Partner,
    Who::Staff,
    Who::Editor,
    Who::Admin,
];

/// Everything a refused request could have changed.
pub async fn snapshot(app: &TestApp) -> Vec<i64> {
    let q = "SELECT
        (SELECT COUNT(*) FROM listings), (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM listings),
        (SELECT COUNT(*) FROM organisations), (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM organisations),
        (SELECT COUNT(*) FROM users), (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM users),
        (SELECT COUNT(*) FROM revisions), (SELECT COUNT(*) FROM outbox),
        (SELECT COUNT(*) FROM reports WHERE status = 'open'),
        (SELECT COUNT(*) FROM referral_lists), (SELECT COUNT(*) FROM referral_items),
        (SELECT COUNT(*) FROM referral_lists WHERE share_hash IS NOT NULL)";
    type Row = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);
    let row: Row = sqlx::query_as(q).fetch_one(app.store.pool()).await.unwrap();
    vec![
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11,
    ]
}

async fn version_of(app: &TestApp, table: &str, id: i64) -> i64 {
    let (v,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT version FROM {table} WHERE id = $1"
    )))
    .bind(id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    v
}

struct Case {
    method: &'static str,
    path: String,
    /// Table and id whose version goes into `If-Match`, if any.
    versioned: Option<(&'static str, i64)>,
    body: Option<Value>,
    /// Expected status for [anonymous, partner, staff, editor, admin].
    expect: [u16; 5],
}

fn case(
    method: &'static str,
    path: String,
    versioned: Option<(&'static str, i64)>,
    body: Option<Value>,
    expect: [u16; 5],
) -> Case {
    Case {
        method,
        path,
        versioned,
        body,
        expect,
    }
}

#[tokio::test]
async fn every_protected_endpoint_by_role_and_organisation() {
    let app = TestApp::with_demo().await;
    let own = app.organisation_id("org-samen-leusden").await;
    let other = app.organisation_id("org-voedselbank").await;
    let tokens = [
        None,
        Some(app.token_for("partner", Some(own)).await),
        Some(app.token_for("medewerker", None).await),
        Some(app.token_for("redacteur", None).await),
        Some(app.token_for("admin", None).await),
    ];
    let admin = tokens[4].clone().unwrap();

    // Items of both organisations, one concept each and one submitted for review.
    let mut items = Vec::new();
    for (org, title) in [
        (own, "Eigen concept"),
        (other, "Ander concept"),
        (own, "Eigen ingediend"),
        (other, "Ander ingediend"),
    ] {
        let mut body = item(title);
        body["organisatieId"] = json!(org);
        let a = app
            .call(
                "POST",
                "/api/v1/beheer/aanbod",
                Some(&admin),
                None,
                Some(body),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
        items.push(a.body["id"].as_i64().unwrap());
    }
    let (own_item, other_item, own_sub, other_sub) = (items[0], items[1], items[2], items[3]);
    for id in [own_sub, other_sub] {
        let v = version_of(&app, "listings", id).await;
        // Admins publish at once; put it back in the review state directly.
        let a = app
            .call(
                "POST",
                &format!("/api/v1/beheer/aanbod/{id}/indieningen"),
                Some(&admin),
                Some(v),
                None,
            )
            .await;
        assert_eq!(a.status, 200);
        sqlx::query("UPDATE listings SET status = 'ter-beoordeling' WHERE id = $1")
            .bind(id)
            .execute(app.store.pool())
            .await
            .unwrap();
    }
    let other_user = app
        .create_account("ander@voorbeeld.example", "partner", Some(other))
        .await;

    // A resident's report on an item of the other organisation.
    let report = app
        .store
        .insert_report(
            &wegwijzer::domain::report::NewReport::parse(items[1], "tijden", "", "").unwrap(),
        )
        .await
        .unwrap();

    // A referral list of the staff member, and a published item to put on it.
    let staff_list = app
        .call(
            "POST",
            "/api/v1/verwijslijsten",
            tokens[2].as_deref(),
            None,
            None,
        )
        .await;
    assert_eq!(staff_list.status, 201, "{}", staff_list.body);
    let list = format!("/api/v1/verwijslijsten/{}", staff_list.body["id"]);
    let published = app.public_listings().await[0].id;

    let aanbod = "/api/v1/beheer/aanbod";
    let edit = |title: &str| Some(item(title));
    let decision = Some(json!({"besluit": "terugsturen", "reden": "Graag aanvullen."}));
    let org_profile = Some(json!({"naam": "Samen Leusden", "beschrijving": "Welzijn in Leusden."}));
    let mut with_org = item("Door redactie");
    with_org["organisatieId"] = json!(own);
    let cases = vec![
        // Lists and reads.
        case("GET", aanbod.into(), None, None, [401, 200, 403, 200, 200]),
        case(
            "GET",
            format!("{aanbod}/{own_item}"),
            None,
            None,
            [401, 200, 403, 200, 200],
        ),
        case(
            "GET",
            format!("{aanbod}/{other_item}"),
            None,
            None,
            [401, 404, 403, 200, 200],
        ),
        case(
            "GET",
            format!("{aanbod}/{own_item}/revisies"),
            None,
            None,
            [401, 200, 403, 200, 200],
        ),
        case(
            "GET",
            format!("{aanbod}/{other_item}/revisies"),
            None,
            None,
            [401, 404, 403, 200, 200],
        ),
        case(
            "GET",
            "/api/v1/beheer/beoordelingen".into(),
            None,
            None,
            [401, 403, 403, 200, 200],
        ),
        case(
            "GET",
            "/api/v1/beheer/organisaties".into(),
            None,
            None,
            [401, 200, 403, 200, 200],
        ),
        case(
            "GET",
            format!("/api/v1/beheer/organisaties/{own}"),
            None,
            None,
            [401, 200, 403, 200, 200],
        ),
        case(
            "GET",
            format!("/api/v1/beheer/organisaties/{other}"),
            None,
            None,
            [401, 404, 403, 200, 200],
        ),
        case(
            "GET",
            "/api/v1/beheer/gebruikers".into(),
            None,
            None,
            [401, 403, 403, 200, 200],
        ),
        case(
            "GET",
            format!("/api/v1/beheer/gebruikers/{other_user}"),
            None,
            None,
            [401, 403, 403, 200, 200],
        ),
        case(
            "GET",
            "/api/v1/beheer/audit-log".into(),
            None,
            None,
            [401, 403, 403, 200, 200],
        ),
        case(
            "GET",
            "/api/v1/beheer/meldingen".into(),
            None,
            None,
            [401, 200, 403, 200, 200],
        ),
        case(
            "PATCH",
            format!("/api/v1/beheer/meldingen/{report}"),
            None,
            Some(json!({"status": "afgehandeld"})),
            [401, 403, 403, 200, 200],
        ),
        case(
            "PUT",
            "/api/v1/beheer/termen/themas/ontmoeting".into(),
            None,
            Some(json!({"label": "Ontmoeting en vrije tijd"})),
            [401, 403, 403, 200, 200],
        ),
        // Referral lists: staff, editors and admins have their own; another's is 404.
        case(
            "GET",
            "/api/v1/verwijslijsten".into(),
            None,
            None,
            [401, 403, 200, 200, 200],
        ),
        case("GET", list.clone(), None, None, [401, 403, 200, 404, 404]),
        case(
            "PUT",
            format!("{list}/aanbod/{published}"),
            None,
            Some(json!({"notitie": "Past goed."})),
            [401, 403, 201, 404, 404],
        ),
        case(
            "PATCH",
            list.clone(),
            None,
            Some(json!({"volgorde": [published]})),
            [401, 403, 200, 404, 404],
        ),
        case(
            "POST",
            format!("{list}/deellinks"),
            None,
            None,
            [401, 403, 201, 404, 404],
        ),
        case(
            "DELETE",
            format!("{list}/deellinks/huidige"),
            None,
            None,
            [401, 403, 204, 404, 404],
        ),
        case(
            "DELETE",
            format!("{list}/aanbod/{published}"),
            None,
            None,
            [401, 403, 204, 404, 404],
        ),
        case(
            "POST",
            "/api/v1/verwijslijsten".into(),
            None,
            None,
            [401, 403, 201, 201, 201],
        ),
        case(
            "DELETE",
            list.clone(),
            None,
            None,
            [401, 403, 204, 404, 404],
        ),
        case(
            "GET",
            "/api/v1/sessies/huidige".into(),
            None,
            None,
            [401, 200, 200, 200, 200],
        ),
        case(
            "GET",
            "/api/v1/aanbod?q=koffie&uitleg=true".into(),
            None,
            None,
            [401, 403, 200, 200, 200],
        ),
        // Writes to the other organisation: 404 for the partner, nothing changes.
        case(
            "PUT",
            format!("{aanbod}/{other_item}"),
            Some(("listings", other_item)),
            edit("Overgenomen"),
            [401, 404, 403, 200, 200],
        ),
        case(
            "POST",
            format!("{aanbod}/{other_item}/controles"),
            None,
            None,
            [401, 404, 403, 200, 200],
        ),
        case(
            "POST",
            format!("{aanbod}/{other_item}/indieningen"),
            Some(("listings", other_item)),
            None,
            [401, 404, 403, 200, 409],
        ),
        case(
            "POST",
            format!("{aanbod}/{other_sub}/beoordelingen"),
            Some(("listings", other_sub)),
            decision.clone(),
            [401, 403, 403, 200, 409],
        ),
        case(
            "POST",
            format!("{aanbod}/{other_item}/archiveringen"),
            Some(("listings", other_item)),
            None,
            [401, 404, 403, 200, 409],
        ),
        case(
            "PUT",
            format!("/api/v1/beheer/organisaties/{other}"),
            Some(("organisations", other)),
            org_profile.clone(),
            [401, 404, 403, 200, 200],
        ),
        case(
            "PATCH",
            format!("/api/v1/beheer/gebruikers/{other_user}"),
            Some(("users", other_user)),
            Some(json!({"naam": "Gewijzigd"})),
            [401, 403, 403, 200, 200],
        ),
        // Writes to the own organisation.
        case(
            "PUT",
            format!("{aanbod}/{own_item}"),
            Some(("listings", own_item)),
            edit("Eigen bewerkt"),
            [401, 200, 403, 200, 200],
        ),
        case(
            "POST",
            format!("{aanbod}/{own_item}/controles"),
            None,
            None,
            [401, 200, 403, 200, 200],
        ),
        case(
            "POST",
            format!("{aanbod}/{own_sub}/beoordelingen"),
            Some(("listings", own_sub)),
            decision,
            [401, 403, 403, 200, 409],
        ),
        case(
            "POST",
            format!("{aanbod}/{own_item}/indieningen"),
            Some(("listings", own_item)),
            None,
            [401, 200, 403, 409, 409],
        ),
        case(
            "PUT",
            format!("/api/v1/beheer/organisaties/{own}"),
            Some(("organisations", own)),
            org_profile,
            [401, 200, 403, 200, 200],
        ),
        // Creating.
        case(
            "POST",
            aanbod.into(),
            None,
            Some(item("Nieuw van partner")),
            [401, 201, 403, 400, 400],
        ),
        case(
            "POST",
            aanbod.into(),
            None,
            Some(with_org),
            [401, 400, 403, 201, 201],
        ),
        case(
            "POST",
            "/api/v1/beheer/organisaties".into(),
            None,
            Some(json!({"naam": "Nieuwe stichting"})),
            [401, 403, 403, 201, 201],
        ),
        case(
            "POST",
            "/api/v1/beheer/gebruikers".into(),
            None,
            Some(
                json!({"email": "nieuw-{}@voorbeeld.example", "naam": "Nieuw", "rol": "medewerker", "wachtwoord": "lang-genoeg-123"}),
            ),
            [401, 403, 403, 201, 201],
        ),
        case(
            "POST",
            "/api/v1/beheer/gebruikers".into(),
            None,
            Some(
                json!({"email": "baas-{}@voorbeeld.example", "naam": "Baas", "rol": "admin", "wachtwoord": "lang-genoeg-123"}),
            ),
            [401, 403, 403, 403, 201],
        ),
        case(
            "POST",
            format!("{aanbod}/{own_item}/archiveringen"),
            Some(("listings", own_item)),
            None,
            [401, 200, 403, 409, 409],
        ),
        // A partner may not set fields the editors own.
        case(
            "PUT",
            format!("/api/v1/beheer/organisaties/{own}"),
            Some(("organisations", own)),
            Some(json!({"naam": "Samen Leusden", "vertrouwd": true})),
            [401, 400, 403, 200, 200],
        ),
    ];

    let mut cells = 0;
    for (n, c) in cases.iter().enumerate() {
        for (who, token) in EVERYONE.iter().zip(&tokens) {
            let expected = c.expect[EVERYONE.iter().position(|w| w == who).unwrap()];
            let if_match = match c.versioned {
                Some((table, id)) => Some(version_of(&app, table, id).await),
                None => None,
            };
            // Unique e-mail addresses for account creation.
            let body = c.body.clone().map(|b| {
                let text = b
                    .to_string()
                    .replace("{}", &format!("{n}{who:?}").to_lowercase());
                serde_json::from_str::<Value>(&text).unwrap()
            });
            let before = snapshot(&app).await;
            let answer = app
                .call(c.method, &c.path, token.as_deref(), if_match, body)
                .await;
            assert_eq!(
                answer.status, expected,
                "{} {} as {who:?}: {}",
                c.method, c.path, answer.body
            );
            if answer.status >= 400 {
                assert_eq!(
                    answer.headers["content-type"], "application/problem+json",
                    "{} {} as {who:?}",
                    c.method, c.path
                );
                let after = snapshot(&app).await;
                // A failed login attempt is not among these; refused requests change nothing.
                assert_eq!(
                    before, after,
                    "{} {} as {who:?} changed data",
                    c.method, c.path
                );
            }
            cells += 1;
        }
    }
    println!("authorization matrix: {cells} cells checked");
}
