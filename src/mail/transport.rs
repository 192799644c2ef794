//! Where mails go: an SMTP server (one URL: `smtp://user:pass@host:587?tls=required`,
//! `smtps://…` for TLS from the start, `smtp://host:25` for a local relay), or a folder of
//! `.eml` files when no URL is configured.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::Rendered;

#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

impl Transport {
    /// SMTP when a URL is given, else the folder.
    pub fn new(smtp_url: Option<&str>, folder: PathBuf) -> anyhow::Result<Transport> {
        match smtp_url.filter(|u| !u.trim().is_empty()) {
            Some(url) => Ok(Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("--smtp-url is geen geldige SMTP-URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            )),
            None => Ok(Transport::Folder(folder)),
        }
    }

    /// Sends one mail; the error says why, for the outbox's `last_error`.
    pub async fn send(&self, from: &Mailbox, to: &str, mail: &Rendered) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("ongeldig adres: {e}"))?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| format!("bericht niet te maken: {e}"))?;
        match self {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| format!("smtp: {e}")),
            Transport::Folder(dir) => {
                let dir = dir.clone();
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || {
                    std::fs::create_dir_all(&dir)?;
                    let name = format!(
                        "{}-{}.eml",
                        chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"),
                        uuid::Uuid::new_v4().simple()
                    );
                    std::fs::write(dir.join(name), bytes)
                })
                .await
                .map_err(|e| format!("map: {e}"))?
                .map_err(|e| format!("map: {e}"))
            }
        }
    }
}
