//! E-mail through the outbox, against a real SMTP conversation: a small SMTP server in the
//! harness records what arrives. An editor's decision and a resident's report reach the
//! organisation's partners (and nobody else) in Dutch, with a link that works; a mail server
//! outage loses nothing and each mail arrives once after it; without an SMTP URL mails land in
//! a folder.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::{TestApp, item};

/// One mail as the server received it.
#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    data: String,
}

impl Received {
    /// The message with quoted-printable soft breaks and escapes undone (what a reader sees).
    fn decoded(&self) -> String {
        let joined = self.data.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'='
                && i + 2 < bytes.len()
                && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
            {
                out.push(b);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// A minimal SMTP server: enough of RFC 5321 for a client to deliver mail.
struct SmtpServer {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpServer {
    async fn start(port: u16) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let store = store.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read);
                    let mut to = Vec::new();
                    let _ = write.write_all(b"220 test.example ESMTP\r\n").await;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let command = line.trim_end().to_ascii_uppercase();
                        let reply: &[u8] = if command.starts_with("EHLO") {
                            b"250-test.example\r\n250 8BITMIME\r\n"
                        } else if command.starts_with("RCPT TO:") {
                            let address = line.trim_end()[8..].trim_matches(['<', '>', ' ']);
                            to.push(address.to_string());
                            b"250 OK\r\n"
                        } else if command == "DATA" {
                            let _ = write.write_all(b"354 go on\r\n").await;
                            let mut data = String::new();
                            loop {
                                line.clear();
                                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if line == ".\r\n" {
                                    break;
                                }
                                data.push_str(&line);
                            }
                            store.lock().unwrap().push(Received {
                                to: std::mem::take(&mut to),
                                data,
                            });
                            b"250 queued\r\n"
                        } else if command == "QUIT" {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            b"250 OK\r\n"
                        };
                        let _ = write.write_all(reply).await;
                    }
                });
            }
        });
        SmtpServer {
            port,
            received,
            task,
        }
    }

    fn mails(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            if self.mails().len() >= n {
                return self.mails();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {n} mails, got {:?}", self.mails());
    }

    fn stop(self) {
        self.task.abort();
    }
}

/// A free local port with nothing listening on it.
async fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

async fn app_with_smtp(port: u16) -> TestApp {
    let app = TestApp::spawn_with(|c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.mail_retry_secs = 1;
        c.mail_from = "Sociale kaart Leusden <noreply@leusden.example>".into();
    })
    .await;
    wegwijzer::cli::load_demo_if_empty(&app.store)
        .await
        .unwrap();
    app.wait_indexed().await;
    app
}

/// A partner's item, submitted; returns its API path.
async fn submitted_item(app: &TestApp, partner: &str, title: &str) -> String {
    let created = app
        .call(
            "POST",
            "/api/v1/beheer/aanbod",
            Some(partner),
            None,
            Some(item(title)),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let path = format!("/api/v1/beheer/aanbod/{}", created.body["id"]);
    let sent = app
        .call(
            "POST",
            &format!("{path}/indieningen"),
            Some(partner),
            Some(created.etag()),
            None,
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    path
}

/// A resident reports a mistake through the item page's form.
async fn report(app: &TestApp, listing_id: i64, fields: &[(&str, &str)]) {
    let res = crate::helpers::browser()
        .post(format!("{}/aanbod/{listing_id}/melding", app.base))
        .form(fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn partners_hear_of_decisions_and_reports_in_dutch_with_a_working_link() {
    let smtp = SmtpServer::start(0).await;
    let app = app_with_smtp(smtp.port).await;
    let org = app.organisation_id("org-voedselbank").await;
    let other = app.organisation_id("org-samen-leusden").await;
    app.create_account("sanne@voedselbank.example", "partner", Some(org))
        .await;
    app.create_account("piet@voedselbank.example", "partner", Some(org))
        .await;
    app.create_account("anders@samen.example", "partner", Some(other))
        .await;
    let partner = app.login("sanne@voedselbank.example").await;
    let editor = app.token_for("redacteur", None).await;

    // Returned with a reason: both partners of the organisation get a mail, nobody else.
    let path = submitted_item(&app, &partner, "Soepmiddag in de Tabaksteeg").await;
    let listing = app.call("GET", &path, Some(&editor), None, None).await;
    let returned = app
        .call(
            "POST",
            &format!("{path}/beoordelingen"),
            Some(&editor),
            Some(listing.etag()),
            Some(json!({"besluit": "terugsturen", "reden": "Noem de tijden erbij."})),
        )
        .await;
    assert_eq!(returned.status, 200, "{}", returned.body);
    let mails = smtp.wait_for(2).await;
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(
        to,
        ["piet@voedselbank.example", "sanne@voedselbank.example"]
    );
    let text = mails[0].decoded();
    assert!(
        text.contains("Subject: Teruggestuurd: Soepmiddag in de Tabaksteeg"),
        "{text}"
    );
    assert!(text.contains("Dit moet nog veranderen: Noem de tijden erbij."));
    assert!(
        text.contains("From: \"Sociale kaart Leusden\" <noreply@leusden.example>"),
        "{text}"
    );
    assert!(text.contains("text/plain") && text.contains("text/html"));
    // The link leads to the item in the portal: the login page first, the form after it.
    let id = path.rsplit('/').next().unwrap();
    let link = format!("{}/beheer/aanbod/{id}", app.base);
    assert!(text.contains(&link), "{text}");
    let res = crate::helpers::browser().get(&link).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/inloggen?terug=%2Fbeheer%2Faanbod%2F")
    );

    // Approved after a fix: a mail that it is published.
    let current = app.call("GET", &path, Some(&partner), None, None).await;
    let resent = app
        .call(
            "POST",
            &format!("{path}/indieningen"),
            Some(&partner),
            Some(current.etag()),
            None,
        )
        .await;
    assert_eq!(resent.status, 200, "{}", resent.body);
    let approved = app
        .call(
            "POST",
            &format!("{path}/beoordelingen"),
            Some(&editor),
            Some(resent.etag()),
            Some(json!({"besluit": "goedkeuren"})),
        )
        .await;
    assert!(
        approved.status == 200 || approved.status == 202,
        "{}",
        approved.body
    );
    let mails = smtp.wait_for(4).await;
    assert!(mails[2..].iter().all(|m| {
        m.decoded()
            .contains("Subject: Gepubliceerd: Soepmiddag in de Tabaksteeg")
    }));

    // A resident's report: the partners hear what is wrong, never the resident's address.
    app.wait_indexed().await;
    report(
        &app,
        id.parse().unwrap(),
        &[
            ("reden", "tijden"),
            ("toelichting", "Het is op donderdag, niet dinsdag."),
            ("email", "inwoner@voorbeeld.example"),
        ],
    )
    .await;
    let mails = smtp.wait_for(6).await;
    let text = mails[4].decoded();
    assert!(text.contains("Subject: Melding over: Soepmiddag in de Tabaksteeg"));
    assert!(text.contains("De dagen of tijden kloppen niet"));
    assert!(text.contains("Het is op donderdag, niet dinsdag."));
    assert!(
        !mails
            .iter()
            .any(|m| m.decoded().contains("inwoner@voorbeeld.example"))
    );
    assert!(
        !mails
            .iter()
            .any(|m| m.to.contains(&"anders@samen.example".to_string()))
    );
    // Each mail went out once.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(smtp.mails().len(), 6);
    assert!(
        app.store
            .outbox_mails()
            .await
            .unwrap()
            .iter()
            .all(|m| m.sent)
    );
    smtp.stop();
}

#[tokio::test]
async fn a_mail_server_outage_loses_nothing_and_each_mail_arrives_once() {
    let port = free_port().await;
    let app = app_with_smtp(port).await;
    let org = app.organisation_id("org-voedselbank").await;
    app.create_account("sanne@voedselbank.example", "partner", Some(org))
        .await;
    let partner = app.login("sanne@voedselbank.example").await;
    let editor = app.token_for("redacteur", None).await;
    let path = submitted_item(&app, &partner, "Soepmiddag in de Tabaksteeg").await;
    let listing = app.call("GET", &path, Some(&editor), None, None).await;
    let returned = app
        .call(
            "POST",
            &format!("{path}/beoordelingen"),
            Some(&editor),
            Some(listing.etag()),
            Some(json!({"besluit": "terugsturen", "reden": "Noem de tijden erbij."})),
        )
        .await;
    assert_eq!(returned.status, 200, "the decision does not wait for mail");

    // Nobody listens: the mail waits, with the reason, and is tried again later.
    let mut failed = false;
    for _ in 0..100 {
        let mails = app.store.outbox_mails().await.unwrap();
        if mails.len() == 1 && mails[0].attempts >= 1 && !mails[0].sent {
            assert!(
                mails[0]
                    .last_error
                    .as_deref()
                    .unwrap_or("")
                    .contains("smtp")
            );
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(failed, "{:?}", app.store.outbox_mails().await.unwrap());

    // The server comes back: the mail arrives, once.
    let smtp = SmtpServer::start(port).await;
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].to, ["sanne@voedselbank.example"]);
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert_eq!(smtp.mails().len(), 1);
    let outbox = app.store.outbox_mails().await.unwrap();
    assert!(outbox[0].sent && outbox[0].attempts >= 1, "{outbox:?}");
    smtp.stop();
}

#[tokio::test]
async fn without_an_smtp_url_mails_land_in_a_folder() {
    let app = TestApp::with_demo().await;
    let org = app.organisation_id("org-voedselbank").await;
    app.create_account("sanne@voedselbank.example", "partner", Some(org))
        .await;
    let listing = app
        .all_listings()
        .await
        .into_iter()
        .find(|l| l.organisation_id == org && l.is_public_on(wegwijzer::domain::listing::today()))
        .unwrap();
    report(&app, listing.id, &[("reden", "adres"), ("toelichting", "")]).await;
    let folder = app.config.data_dir.join("mail");
    for _ in 0..100 {
        if let Ok(entries) = std::fs::read_dir(&folder) {
            let files: Vec<_> = entries.filter_map(Result::ok).collect();
            if let Some(file) = files.first() {
                assert!(file.file_name().to_string_lossy().ends_with(".eml"));
                let text = std::fs::read_to_string(file.path()).unwrap();
                assert!(text.contains("To: sanne@voedselbank.example"));
                assert!(text.contains("Melding over:"));
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no mail in {}", folder.display());
}

#[tokio::test]
async fn a_monthly_reminder_lists_stale_items_with_a_link_that_confirms_without_login() {
    let smtp = SmtpServer::start(0).await;
    let app = app_with_smtp(smtp.port).await;
    let org = app.organisation_id("org-voedselbank").await;
    app.create_account("sanne@voedselbank.example", "partner", Some(org))
        .await;
    let now = chrono::Utc::now();
    let stale: Vec<_> = app
        .all_listings()
        .await
        .into_iter()
        .filter(|l| l.organisation_id == org && l.is_stale_at(now))
        .collect();
    assert!(
        !stale.is_empty(),
        "the demo has a stale item at the food bank"
    );

    // One mail per organisation with partners (only this one has any), listing its items.
    let reminded = wegwijzer::mail::reminders::send_stale_reminders(&app.store, now)
        .await
        .unwrap();
    assert_eq!(reminded, 1);
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].to, ["sanne@voedselbank.example"]);
    let text = mails[0].decoded();
    assert!(text.contains("Subject: Klopt uw aanbod nog?"), "{text}");
    for l in &stale {
        assert!(text.contains(&l.title), "{}", l.title);
    }
    // Again this month: nothing new, whichever node asks.
    assert_eq!(
        wegwijzer::mail::reminders::send_stale_reminders(&app.store, now)
            .await
            .unwrap(),
        0
    );

    // The link: opening it changes nothing; the button confirms, without logging in.
    let marker = format!("{}/actueel/", app.base);
    let at = text.find(&marker).expect("a confirm link") + marker.len();
    let token = &text[at..at + 32];
    let link = format!("{marker}{token}");
    let first = &stale[0];
    let opened = crate::helpers::browser().get(&link).send().await.unwrap();
    assert_eq!(opened.status(), 200);
    let page = opened.text().await.unwrap();
    assert!(page.contains("Klopt dit nog?"));
    assert_eq!(
        app.store
            .find_listing(first.id)
            .await
            .unwrap()
            .last_verified_at,
        first.last_verified_at
    );
    let confirmed = crate::helpers::browser().post(&link).send().await.unwrap();
    assert_eq!(confirmed.status(), 200);
    assert!(confirmed.text().await.unwrap().contains("Bedankt!"));
    let after = app.store.find_listing(first.id).await.unwrap();
    assert_eq!(after.last_verified_at.date_naive(), now.date_naive());
    assert!(!after.is_stale_at(chrono::Utc::now()));

    // A wrong or expired link works for nothing.
    let wrong = format!("{marker}{}", "0".repeat(32));
    assert_eq!(
        crate::helpers::browser()
            .post(&wrong)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    sqlx::query("UPDATE mail_tokens SET expires_at = '2000-01-01T00:00:00.000Z'")
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(
        crate::helpers::browser()
            .get(&link)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    smtp.stop();
}

/// The link to `path_prefix` in a mail, and its 32-character token.
fn link_in(mail: &Received, base: &str, path_prefix: &str) -> (String, String) {
    let text = mail.decoded();
    let marker = format!("{base}{path_prefix}");
    let at = text
        .find(&marker)
        .unwrap_or_else(|| panic!("no {marker} in {text}"))
        + marker.len();
    let token = text[at..at + 32].to_string();
    (format!("{marker}{token}"), token)
}

async fn log_in(app: &TestApp, email: &str, password: &str) -> u16 {
    app.call(
        "POST",
        "/api/v1/sessies",
        None,
        None,
        Some(json!({"email": email, "wachtwoord": password})),
    )
    .await
    .status
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_by_a_mailed_link_and_an_invitation_sets_the_first() {
    let smtp = SmtpServer::start(0).await;
    let app = app_with_smtp(smtp.port).await;
    let org = app.organisation_id("org-voedselbank").await;
    app.create_account("sanne@voedselbank.example", "partner", Some(org))
        .await;
    let old_session = app.login("sanne@voedselbank.example").await;
    let forgot = |email: &'static str| {
        let url = format!("{}/wachtwoord-vergeten", app.base);
        async move {
            let res = crate::helpers::browser()
                .post(url)
                .form(&[("email", email)])
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };

    // Known or not: the same answer; only a known address gets a mail, and only one while the
    // first link is fresh.
    let (status, known) = forgot("sanne@voedselbank.example").await;
    let (_, unknown) = forgot("niemand@voorbeeld.example").await;
    assert_eq!(status, 200);
    assert!(known.contains("Als dit e-mailadres bij ons bekend is"));
    assert_eq!(known, unknown);
    let (_, _) = forgot("sanne@voedselbank.example").await;
    let mails = smtp.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(smtp.mails().len(), 1, "one mail, not one per request");
    assert_eq!(mails[0].to, ["sanne@voedselbank.example"]);
    assert!(
        mails[0]
            .decoded()
            .contains("Subject: Een nieuw wachtwoord instellen")
    );
    let (link, _) = link_in(&mails[0], &app.base, "/wachtwoord-instellen/");

    // The link: a form; two different passwords are refused next to the field.
    let client = crate::helpers::browser();
    assert_eq!(client.get(&link).send().await.unwrap().status(), 200);
    let res = client
        .post(&link)
        .form(&[
            ("wachtwoord", "een nieuw lang wachtwoord"),
            ("herhaling", "iets anders"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("id=\"herhaling-fout\""));
    let res = client
        .post(&link)
        .form(&[
            ("wachtwoord", "een nieuw lang wachtwoord"),
            ("herhaling", "een nieuw lang wachtwoord"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Uw wachtwoord is ingesteld")
    );

    // The new password works, the old one not; the session from before is over; the link
    // works once.
    assert_eq!(
        log_in(
            &app,
            "sanne@voedselbank.example",
            "een nieuw lang wachtwoord"
        )
        .await,
        201
    );
    assert_eq!(
        log_in(&app, "sanne@voedselbank.example", crate::helpers::PASSWORD).await,
        401
    );
    let me = app
        .call(
            "GET",
            "/api/v1/sessies/huidige",
            Some(&old_session),
            None,
            None,
        )
        .await;
    assert_eq!(me.status, 401);
    assert_eq!(client.get(&link).send().await.unwrap().status(), 404);

    // An invitation: an account made without a password gets a link to choose one.
    let editor = app.token_for("redacteur", None).await;
    let made = app
        .call(
            "POST",
            "/api/v1/beheer/gebruikers",
            Some(&editor),
            None,
            Some(
                json!({"email": "piet@voedselbank.example", "naam": "Piet Jansen",
                "rol": "partner", "organisatieId": org}),
            ),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let mails = smtp.wait_for(2).await;
    assert_eq!(mails[1].to, ["piet@voedselbank.example"]);
    assert!(
        mails[1]
            .decoded()
            .contains("Subject: Uw account voor Sociale kaart Leusden")
    );
    let (link, _) = link_in(&mails[1], &app.base, "/wachtwoord-instellen/");
    let res = client
        .post(&link)
        .form(&[
            ("wachtwoord", "mijn eigen wachtwoord"),
            ("herhaling", "mijn eigen wachtwoord"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        log_in(&app, "piet@voedselbank.example", "mijn eigen wachtwoord").await,
        201
    );
    smtp.stop();
}

#[tokio::test]
async fn an_editor_handles_a_report_and_the_resident_gets_the_answer_once() {
    let smtp = SmtpServer::start(0).await;
    let app = app_with_smtp(smtp.port).await;
    let org = app.organisation_id("org-voedselbank").await;
    app.create_account("sanne@voedselbank.example", "partner", Some(org))
        .await;
    app.create_account("redactie@leusden.example", "redacteur", None)
        .await;
    let listing = app
        .all_listings()
        .await
        .into_iter()
        .find(|l| l.organisation_id == org && l.is_public_on(wegwijzer::domain::listing::today()))
        .unwrap();
    report(
        &app,
        listing.id,
        &[
            ("reden", "adres"),
            ("toelichting", "Het adres is verhuisd."),
            ("email", "inwoner@voorbeeld.example"),
        ],
    )
    .await;
    smtp.wait_for(1).await; // the partner hears of it

    let get_page = |cookie: String, path: &'static str| {
        let url = format!("{}{path}", app.base);
        async move {
            let res = crate::helpers::browser()
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    // The partner sees the report on their item, without a form to handle it.
    let (partner, _) = crate::portal::login_without_return(&app, "sanne@voedselbank.example").await;
    let (status, page) = get_page(partner.clone(), "/beheer/meldingen").await;
    assert_eq!(status, 200);
    assert!(page.contains("Het adres is verhuisd.") && !page.contains("name=\"antwoord\""));
    let csrf = crate::helpers::hidden(&get_page(partner.clone(), "/beheer").await.1, "csrf");
    let refused = crate::helpers::browser()
        .post(format!("{}/beheer/meldingen/1", app.base))
        .header("cookie", &partner)
        .form(&[("csrf", csrf.as_str()), ("antwoord", "Ik doe het zelf")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);

    // The editor answers; the resident gets it, and the address is gone.
    let (editor, _) = crate::portal::login_without_return(&app, "redactie@leusden.example").await;
    let (_, page) = get_page(editor.clone(), "/beheer/meldingen").await;
    assert!(page.contains("name=\"antwoord\""));
    let csrf = crate::helpers::hidden(&page, "csrf");
    let id_at = page.find("id=\"melding-").unwrap() + "id=\"melding-".len();
    let id: String = page[id_at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let done = crate::helpers::browser()
        .post(format!("{}/beheer/meldingen/{id}", app.base))
        .header("cookie", &editor)
        .form(&[
            ("csrf", csrf.as_str()),
            ("antwoord", "Dank u! Het nieuwe adres staat er nu in."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    let mails = smtp.wait_for(2).await;
    assert_eq!(mails[1].to, ["inwoner@voorbeeld.example"]);
    let text = mails[1].decoded();
    assert!(text.contains("Subject: Antwoord op uw melding over:"));
    assert!(text.contains("Dank u! Het nieuwe adres staat er nu in."));
    let report = app.store.find_report(id.parse().unwrap()).await.unwrap();
    assert!(report.email.is_none(), "the address is forgotten");
    // An answer to a handled report is refused with the reason, and sends nothing more.
    let again = crate::helpers::browser()
        .post(format!("{}/beheer/meldingen/{id}", app.base))
        .header("cookie", &editor)
        .form(&[("csrf", csrf.as_str()), ("antwoord", "Nog een keer")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);
    assert!(again.text().await.unwrap().contains("al afgehandeld"));
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(smtp.mails().len(), 2);
    smtp.stop();
}
