//! The mail outbox (`mail_outbox`): mails written with the change they are about, claimed and
//! sent by a worker.

use sqlx::{Any, Transaction};

use super::{Store, StoreResult};
use crate::domain::{Timestamp, iso, now_iso};
use crate::mail::Notice;

/// A mail that is due.
#[derive(Debug, Clone)]
pub struct DueMail {
    pub id: i64,
    pub recipient: String,
    pub payload: String,
    pub attempts: i64,
}

/// A mail in the outbox, for tests and operators.
#[derive(Debug, Clone)]
pub struct OutboxMail {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub attempts: i64,
    pub sent: bool,
    pub last_error: Option<String>,
}

impl Store {
    /// Writes a mail to `recipient` about `notice`, in the caller's transaction.
    pub(crate) async fn enqueue_mail(
        tx: &mut Transaction<'_, Any>,
        recipient: &str,
        notice: &Notice,
    ) -> StoreResult<()> {
        let now = now_iso();
        let payload = serde_json::to_string(notice).unwrap_or_default();
        sqlx::query(
            "INSERT INTO mail_outbox (kind, recipient, payload, created_at, next_attempt_at)
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(notice.kind())
        .bind(recipient.to_string())
        .bind(payload)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Writes a mail about `notice` to every active partner account of the organisation.
    pub(crate) async fn notify_partners(
        tx: &mut Transaction<'_, Any>,
        organisation_id: i64,
        notice: &Notice,
    ) -> StoreResult<()> {
        let recipients: Vec<(String,)> = sqlx::query_as(
            "SELECT email FROM users
             WHERE organisation_id = $1 AND role = 'partner' AND active = 1 ORDER BY id",
        )
        .bind(organisation_id)
        .fetch_all(&mut **tx)
        .await?;
        for (email,) in recipients {
            Self::enqueue_mail(tx, &email, notice).await?;
        }
        Ok(())
    }

    /// Unsent mails whose next attempt is due and that no node holds, oldest first.
    pub async fn due_mails(&self, now: Timestamp, limit: i64) -> StoreResult<Vec<DueMail>> {
        let now = iso(&now);
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT id, recipient, payload, attempts FROM mail_outbox
             WHERE sent_at IS NULL AND next_attempt_at <= $1
               AND (claimed_until IS NULL OR claimed_until < $1)
             ORDER BY id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, recipient, payload, attempts)| DueMail {
                id,
                recipient,
                payload,
                attempts,
            })
            .collect())
    }

    /// Claims a mail for `node` until `until`; false when another node holds it or it went.
    pub async fn claim_mail(
        &self,
        id: i64,
        node: &str,
        until: Timestamp,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE mail_outbox SET claimed_by = $1, claimed_until = $2
             WHERE id = $3 AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < $4)",
        )
        .bind(node.to_string())
        .bind(iso(&until))
        .bind(id)
        .bind(iso(&now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn mark_mail_sent(&self, id: i64, at: Timestamp) -> StoreResult<()> {
        sqlx::query(
            "UPDATE mail_outbox SET sent_at = $1, claimed_until = NULL, last_error = NULL
             WHERE id = $2",
        )
        .bind(iso(&at))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn mark_mail_failed(
        &self,
        id: i64,
        attempts: i64,
        next_attempt: Timestamp,
        error: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE mail_outbox SET attempts = $1, next_attempt_at = $2, last_error = $3,
                 claimed_until = NULL
             WHERE id = $4",
        )
        .bind(attempts)
        .bind(iso(&next_attempt))
        .bind(error.chars().take(500).collect::<String>())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every mail in the outbox, oldest first.
    pub async fn outbox_mails(&self) -> StoreResult<Vec<OutboxMail>> {
        type Row = (i64, String, String, i64, Option<String>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, kind, recipient, attempts, sent_at, last_error FROM mail_outbox
                 ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, kind, recipient, attempts, sent, last_error)| OutboxMail {
                    id,
                    kind,
                    recipient,
                    attempts,
                    sent: sent.is_some(),
                    last_error,
                },
            )
            .collect())
    }
}
