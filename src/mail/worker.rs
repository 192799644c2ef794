//! Sends what waits in the mail outbox: every two seconds, each node claims
//! due mails one by one, sends them, and marks them sent, or failed with the next attempt
//! further away (the delay doubles per attempt, up to six hours).

use std::time::Duration;

use lettre::message::Mailbox;
use tokio::sync::watch;

use super::{Notice, Transport, render};
use crate::store::Store;

/// How often a node looks for due mails.
const POLL: Duration = Duration::from_secs(2);
/// How long a claim holds: a node that dies mid-send leaves the mail to another after this.
const CLAIM: Duration = Duration::from_secs(120);
/// The longest wait between two attempts.
const MAX_DELAY: Duration = Duration::from_secs(6 * 3600);
/// Mails looked at per round.
const BATCH: i64 = 50;

/// What the worker needs besides the store and transport.
#[derive(Clone)]
pub struct Settings {
    pub from: Mailbox,
    pub site_name: String,
    /// The public address, for links in mails.
    pub base_url: String,
    /// The delay after the first failed attempt.
    pub retry_after: Duration,
    /// This node, in claims.
    pub node: String,
}

/// The delay before attempt `attempts + 1`.
pub fn backoff(retry_after: Duration, attempts: i64) -> Duration {
    let factor = 2u32.saturating_pow(attempts.clamp(0, 20) as u32);
    retry_after.saturating_mul(factor).min(MAX_DELAY)
}

pub async fn run(
    store: Store,
    transport: Transport,
    settings: Settings,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if let Err(e) = deliver_due(&store, &transport, &settings).await {
            tracing::warn!(error = %e, "mail-outbox niet te lezen; later opnieuw");
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}

/// Sends every due mail this node can claim; returns how many went out.
pub async fn deliver_due(
    store: &Store,
    transport: &Transport,
    settings: &Settings,
) -> Result<usize, crate::store::StoreError> {
    let now = chrono::Utc::now();
    let mut sent = 0;
    for due in store.due_mails(now, BATCH).await? {
        let until = now + chrono::Duration::from_std(CLAIM).unwrap_or_default();
        if !store.claim_mail(due.id, &settings.node, until, now).await? {
            continue; // Another node has it.
        }
        let result = match serde_json::from_str::<Notice>(&due.payload) {
            Ok(notice) => {
                let mail = render(&notice, &settings.site_name, &settings.base_url);
                transport.send(&settings.from, &due.recipient, &mail).await
            }
            Err(e) => Err(format!("onleesbare inhoud: {e}")),
        };
        match result {
            Ok(()) => {
                store.mark_mail_sent(due.id, chrono::Utc::now()).await?;
                sent += 1;
            }
            Err(error) => {
                let attempts = due.attempts + 1;
                let delay = backoff(settings.retry_after, due.attempts);
                let next =
                    chrono::Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default();
                tracing::warn!(mail = due.id, attempts, %error, "mail niet verstuurd; later opnieuw");
                store
                    .mark_mail_failed(due.id, attempts, next, &error)
                    .await?;
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop_growing() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 0), Duration::from_secs(30));
        assert_eq!(backoff(base, 3), Duration::from_secs(240));
        assert_eq!(backoff(base, 50), MAX_DELAY);
    }
}
