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

/// A published item that has not been confirmed for too long.
#[derive(Debug, Clone)]
pub struct StaleItem {
    pub organisation_id: i64,
    pub listing_id: i64,
    pub title: String,
    pub last_verified_at: String,
}

impl Store {
    /// Published items last confirmed before `before`, by organisation, oldest first: only of
    /// organisations with an active partner account that were not reminded in `period` yet.
    /// (Reading every stale item only to skip most organisations read half a million rows an
    /// hour at a million items.) The caller checks both again in the transaction that writes.
    pub async fn stale_items(
        &self,
        before: Timestamp,
        period: &str,
    ) -> StoreResult<Vec<StaleItem>> {
        let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT organisation_id, id, title, last_verified_at FROM listings
             WHERE status = 'gepubliceerd' AND last_verified_at < $1
               AND organisation_id IN (SELECT organisation_id FROM users
                                       WHERE role = 'partner' AND active = 1
                                         AND organisation_id IS NOT NULL)
               AND organisation_id NOT IN (SELECT organisation_id FROM stale_reminders
                                           WHERE period = $2)
             ORDER BY organisation_id, last_verified_at, id",
        )
        .bind(iso(&before))
        .bind(period.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(organisation_id, listing_id, title, last_verified_at)| StaleItem {
                    organisation_id,
                    listing_id,
                    title,
                    last_verified_at,
                },
            )
            .collect())
    }

    /// Records that `organisation_id` is reminded in `period`; false when it already was
    /// (by this node or another).
    pub(crate) async fn claim_stale_reminder(
        tx: &mut Transaction<'_, Any>,
        organisation_id: i64,
        period: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO stale_reminders (organisation_id, period) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(organisation_id)
        .bind(period.to_string())
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Whether the organisation has an active partner account to write to.
    pub(crate) async fn has_partners(
        tx: &mut Transaction<'_, Any>,
        organisation_id: i64,
    ) -> StoreResult<bool> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM users WHERE organisation_id = $1 AND role = 'partner' AND active = 1",
        )
        .bind(organisation_id)
        .fetch_one(&mut **tx)
        .await?;
        Ok(n > 0)
    }

    /// Keeps the hash of a mail link's token with what it allows and until when.
    pub(crate) async fn create_mail_token(
        tx: &mut Transaction<'_, Any>,
        token_hash: &str,
        purpose: &str,
        listing_id: i64,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO mail_tokens (token_hash, purpose, listing_id, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash.to_string())
        .bind(purpose.to_string())
        .bind(listing_id)
        .bind(iso(&expires_at))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The item a mail link allows `purpose` on, if the link is known and not expired at `now`.
    pub async fn mail_token_listing(
        &self,
        token_hash: &str,
        purpose: &str,
        now: Timestamp,
    ) -> StoreResult<Option<i64>> {
        let row: Option<(Option<i64>,)> = sqlx::query_as(
            "SELECT listing_id FROM mail_tokens
             WHERE token_hash = $1 AND purpose = $2 AND expires_at > $3",
        )
        .bind(token_hash.to_string())
        .bind(purpose.to_string())
        .bind(iso(&now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|r| r.0))
    }
}

/// What a password link is for.
pub const PASSWORD_RESET: &str = "wachtwoord";
pub const INVITATION: &str = "uitnodiging";

impl Store {
    /// Writes a single-use link for setting `user_id`'s password, and the mail that carries it,
    /// in one transaction. A reset is not sent again while one from the last ten minutes
    /// still works (no mail bombing through the form); returns whether a mail was written.
    pub async fn send_password_link(
        &self,
        user_id: i64,
        recipient: &str,
        purpose: &str,
        valid_for: chrono::Duration,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        // Clearing expired links first is a write: on SQLite the transaction then holds the
        // write lock before it reads.
        sqlx::query("DELETE FROM mail_tokens WHERE expires_at < $1")
            .bind(iso(&now))
            .execute(&mut *tx)
            .await?;
        let recent: (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM mail_tokens
             WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
        )
        .bind(user_id)
        .bind(purpose.to_string())
        .bind(iso(&(now + valid_for - chrono::Duration::minutes(10))))
        .fetch_one(&mut *tx)
        .await?;
        if purpose == PASSWORD_RESET && recent.0 > 0 {
            return Ok(false);
        }
        let token = crate::auth::new_share_token();
        sqlx::query(
            "INSERT INTO mail_tokens (token_hash, purpose, user_id, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(crate::auth::sha256_hex(&token))
        .bind(purpose.to_string())
        .bind(user_id)
        .bind(iso(&(now + valid_for)))
        .execute(&mut *tx)
        .await?;
        let notice = if purpose == INVITATION {
            Notice::Invitation { token }
        } else {
            Notice::PasswordReset { token }
        };
        Self::enqueue_mail(&mut tx, recipient, &notice).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The account a password link is for, if it works at `now` (known, not used, not expired).
    pub async fn password_link_user(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<i64>> {
        let row: Option<(Option<i64>,)> = sqlx::query_as(
            "SELECT user_id FROM mail_tokens
             WHERE token_hash = $1 AND purpose IN ('wachtwoord', 'uitnodiging')
               AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash.to_string())
        .bind(iso(&now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|r| r.0))
    }

    /// Uses a password link once: sets the password hash, ends every session of the account,
    /// and notes it in the audit log. `None` when the link no longer works.
    pub async fn set_password_with_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.pool.begin().await?;
        let used = sqlx::query(
            "UPDATE mail_tokens SET used_at = $1
             WHERE token_hash = $2 AND purpose IN ('wachtwoord', 'uitnodiging')
               AND used_at IS NULL AND expires_at > $1",
        )
        .bind(iso(&now))
        .bind(token_hash.to_string())
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            return Ok(None);
        }
        let (user_id, email): (i64, String) = sqlx::query_as(
            "SELECT u.id, u.email FROM mail_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND u.active = 1",
        )
        .bind(token_hash.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(super::StoreError::NotFound)?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, updated_at = $2, version = version + 1
             WHERE id = $3",
        )
        .bind(password_hash.to_string())
        .bind(iso(&now))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        Self::audit_in_tx(
            &mut tx,
            (Some(user_id), &email),
            "wachtwoord-ingesteld-via-link",
            &format!("gebruiker {user_id}"),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(Some(user_id))
    }
}
