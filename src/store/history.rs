//! Revisions of items (who changed what, when) and the audit log of security-relevant events.

use sqlx::any::AnyRow;
use sqlx::{Any, Row as _, Transaction};

use super::{Store, StoreResult};
use crate::domain::{NewListing, now_iso};

/// A revision to record, in the transaction of the change it describes.
#[derive(Debug, Clone)]
pub struct NewRevision<'a> {
    pub listing_id: i64,
    pub listing_version: i64,
    /// What happened: `aangemaakt`, `bewerkt`, `wijziging-voorgesteld`, `ingediend`, ...
    pub action: &'a str,
    /// The item's status after the change.
    pub status: &'a str,
    pub user_id: Option<i64>,
    pub user_name: &'a str,
    pub changed_fields: Vec<String>,
    /// The content this revision is about (kept in the versioned stored form).
    pub content: NewListing,
    pub note: Option<String>,
}

/// A stored revision.
#[derive(Debug, Clone)]
pub struct RevisionRecord {
    pub id: i64,
    pub listing_version: i64,
    pub action: String,
    pub status: String,
    pub user_id: Option<i64>,
    pub user_name: String,
    pub created_at: String,
    /// Wire names of the fields this step changed.
    pub changed_fields: Vec<String>,
    pub content: NewListing,
    pub note: Option<String>,
}

fn revision_from_row(r: &AnyRow) -> Result<RevisionRecord, sqlx::Error> {
    let undecodable = |column: &str, e: String| {
        sqlx::Error::Decode(format!("revisie: kolom {column} onleesbaar: {e}").into())
    };
    let changed: String = r.try_get("changed_fields")?;
    let content: String = r.try_get("content")?;
    Ok(RevisionRecord {
        id: r.try_get("id")?,
        listing_version: r.try_get("listing_version")?,
        action: r.try_get("action")?,
        status: r.try_get("status")?,
        user_id: r.try_get("user_id")?,
        user_name: r.try_get("user_name")?,
        created_at: r.try_get("created_at")?,
        changed_fields: serde_json::from_str(&changed)
            .map_err(|e| undecodable("changed_fields", e.to_string()))?,
        content: super::decode_content(&content).map_err(|e| undecodable("content", e))?,
        note: r.try_get("note")?,
    })
}

/// A stored audit-log entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub created_at: String,
    pub user_id: Option<i64>,
    pub user_name: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

impl Store {
    pub(crate) async fn insert_revision(
        tx: &mut Transaction<'_, Any>,
        r: NewRevision<'_>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO revisions (listing_id, listing_version, action, status, user_id,
                 user_name, created_at, changed_fields, content, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(r.listing_id)
        .bind(r.listing_version)
        .bind(r.action.to_string())
        .bind(r.status.to_string())
        .bind(r.user_id)
        .bind(r.user_name.to_string())
        .bind(now_iso())
        .bind(serde_json::to_string(&r.changed_fields).unwrap_or_else(|_| "[]".into()))
        .bind(super::encode_content(&r.content))
        .bind(r.note)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// All revisions of an item, newest first.
    pub async fn revisions_of(&self, listing_id: i64) -> StoreResult<Vec<RevisionRecord>> {
        let rows = sqlx::query(
            "SELECT id, listing_version, action, status, user_id, user_name, created_at,
                 changed_fields, content, note
             FROM revisions WHERE listing_id = $1 ORDER BY id DESC",
        )
        .bind(listing_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(revision_from_row)
            .collect::<Result<_, _>>()?)
    }

    /// Records an event in the audit log (on its own; see `audit_in_tx` for an entry that
    /// belongs to a change).
    pub async fn audit(
        &self,
        user: Option<(i64, &str)>,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let who = (user.map(|u| u.0), user.map(|u| u.1).unwrap_or(""));
        Self::audit_in_tx(&mut tx, who, action, subject, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One page of the audit log, newest first, and the total.
    pub async fn list_audit(&self, offset: i64, limit: i64) -> StoreResult<(Vec<AuditEntry>, i64)> {
        let rows = sqlx::query_as(
            "SELECT id, created_at, user_id, user_name, action, subject, detail
             FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log")
            .fetch_one(&self.pool)
            .await?;
        Ok((rows, total))
    }
}
