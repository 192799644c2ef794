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

use crate::domain::audit::AuditFilter;

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

    /// One page of the audit log entries that pass `filter`, newest first, and their total.
    pub async fn list_audit(
        &self,
        filter: &AuditFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<AuditEntry>, i64)> {
        // Every value is bound; only the placeholders' numbers are written into the text.
        let mut conditions = Vec::new();
        let mut values: Vec<AuditValue> = Vec::new();
        let next = |v: AuditValue, values: &mut Vec<AuditValue>| {
            values.push(v);
            format!("${}", values.len())
        };
        if let Some(action) = &filter.action {
            let p = next(AuditValue::Text(action.clone()), &mut values);
            conditions.push(format!("action = {p}"));
        }
        if let Some(user) = filter.user_id {
            let p = next(AuditValue::Int(user), &mut values);
            conditions.push(format!("user_id = {p}"));
        }
        if let Some(subject) = &filter.subject {
            // `aanbod` finds every item's entries, `aanbod 12` one item's.
            let exact = next(AuditValue::Text(subject.clone()), &mut values);
            let prefix = next(AuditValue::Text(format!("{subject} %")), &mut values);
            conditions.push(format!("(subject = {exact} OR subject LIKE {prefix})"));
        }
        if let Some(from) = filter.from {
            let p = next(AuditValue::Text(from.to_string()), &mut values);
            conditions.push(format!("created_at >= {p}"));
        }
        if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
            let p = next(AuditValue::Text(to.to_string()), &mut values);
            conditions.push(format!("created_at < {p}"));
        }
        let wherever = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let n = values.len();
        let page_sql = format!(
            "SELECT id, created_at, user_id, user_name, action, subject, detail
             FROM audit_log {wherever} ORDER BY id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let mut page = sqlx::query_as(sqlx::AssertSqlSafe(page_sql));
        let count_sql = format!("SELECT COUNT(*) FROM audit_log {wherever}");
        let mut count = sqlx::query_as(sqlx::AssertSqlSafe(count_sql));
        for v in values {
            (page, count) = match v {
                AuditValue::Text(t) => (page.bind(t.clone()), count.bind(t)),
                AuditValue::Int(i) => (page.bind(i), count.bind(i)),
            };
        }
        let rows = page.bind(limit).bind(offset).fetch_all(&self.pool).await?;
        let (total,): (i64,) = count.fetch_one(&self.pool).await?;
        Ok((rows, total))
    }

    /// The actions the audit log holds, for a filter's choices.
    pub async fn audit_actions(&self) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT action FROM audit_log ORDER BY action")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

enum AuditValue {
    Text(String),
    Int(i64),
}
