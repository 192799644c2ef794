//! Primitives of the editing workflow: lock an item, set its workflow state, and find items
//! for the management lists. The decisions themselves live in [`crate::workflow`].

use sqlx::{Any, AssertSqlSafe, Transaction};

use super::{Store, StoreError, StoreResult};
use crate::domain::{Listing, NewListing, Status, now_iso};

/// The workflow columns of an item, written as a whole.
#[derive(Debug, Clone)]
pub struct StateChange {
    pub status: Status,
    pub review_note: Option<String>,
    /// Proposed content, its status (`ter-beoordeling` or `teruggestuurd`) and author.
    pub pending: Option<(Box<NewListing>, Status, Option<i64>)>,
    /// Set the submitter to this user, now.
    pub submitted_by: Option<Option<i64>>,
    /// Stamp the item as verified now.
    pub verified_now: bool,
    /// Keep this proposal time instead of "now" (the proposal itself did not change).
    pub pending_since: Option<crate::domain::Timestamp>,
}

impl StateChange {
    /// A move to `status` that clears the reason and any proposal and stamps nothing; set the
    /// other fields with struct update syntax where a step needs them.
    pub fn to(status: Status) -> StateChange {
        StateChange {
            status,
            review_note: None,
            pending: None,
            submitted_by: None,
            verified_now: false,
            pending_since: None,
        }
    }
}

/// Which items a management list shows.
#[derive(Debug, Clone, Default)]
pub struct ManagedFilter {
    /// Only this organisation's items (partners always).
    pub organisation_id: Option<i64>,
    pub status: Option<Status>,
    /// Only items last verified before this timestamp.
    pub verified_before: Option<String>,
    /// Only items (or pending changes) waiting for review.
    pub awaiting_review: bool,
}

impl Store {
    /// Locks an item's row for this transaction and reads it. The no-op write comes first so
    /// that on SQLite the transaction holds the write lock before it reads (no stale read
    /// between read and write), and on PostgreSQL the row is locked like `FOR UPDATE`.
    pub(crate) async fn lock_listing(
        tx: &mut Transaction<'_, Any>,
        id: i64,
    ) -> StoreResult<Listing> {
        let n = sqlx::query("UPDATE listings SET version = version WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Self::listing_in_tx(tx, id).await
    }

    /// Writes the workflow columns and bumps the version.
    pub(crate) async fn set_listing_state(
        tx: &mut Transaction<'_, Any>,
        id: i64,
        change: &StateChange,
    ) -> StoreResult<()> {
        let now = now_iso();
        let (pending_content, pending_status, pending_by) = match &change.pending {
            Some((c, s, by)) => (Some(super::encode_content(c)), Some(s.as_str()), *by),
            None => (None, None, None),
        };
        sqlx::query(
            "UPDATE listings SET status = $1, review_note = $2, pending_content = $3,
                 pending_status = $4, pending_by = $5,
                 pending_at = CASE WHEN $6 = 1 THEN COALESCE($12, $7) ELSE NULL END,
                 submitted_by = CASE WHEN $8 = 1 THEN $9 ELSE submitted_by END,
                 submitted_at = CASE WHEN $8 = 1 THEN $7 ELSE submitted_at END,
                 last_verified_at = CASE WHEN $10 = 1 THEN $7 ELSE last_verified_at END,
                 updated_at = $7, version = version + 1
             WHERE id = $11",
        )
        .bind(change.status.as_str())
        .bind(change.review_note.clone())
        .bind(pending_content)
        .bind(pending_status)
        .bind(pending_by)
        .bind(change.pending.is_some() as i64)
        .bind(now)
        .bind(change.submitted_by.is_some() as i64)
        .bind(change.submitted_by.flatten())
        .bind(change.verified_now as i64)
        .bind(id)
        .bind(change.pending_since.as_ref().map(crate::domain::iso))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Records an audit event inside a change's own transaction.
    pub(crate) async fn audit_in_tx(
        tx: &mut Transaction<'_, Any>,
        user: (Option<i64>, &str),
        action: &str,
        subject: &str,
        detail: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (created_at, user_id, user_name, action, subject, detail)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(now_iso())
        .bind(user.0)
        .bind(user.1.to_string())
        .bind(action.to_string())
        .bind(subject.to_string())
        .bind(detail.to_string())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The items of one page of a management list, in the list's order, and the total.
    pub async fn managed_listings(
        &self,
        filter: &ManagedFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<Listing>, i64)> {
        let (ids, total) = self.managed_listing_ids(filter, offset, limit).await?;
        let mut listings = self.find_listings(&ids).await?;
        listings.sort_by_key(|l| ids.iter().position(|id| *id == l.id));
        Ok((listings, total))
    }

    /// Ids of the items a management list shows (one page), and the total. Review lists are
    /// oldest submission first; the others by last change, newest first.
    async fn managed_listing_ids(
        &self,
        filter: &ManagedFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<i64>, i64)> {
        // Values are bound; only fixed fragments are concatenated.
        let mut conditions = vec!["1 = 1".to_string()];
        let mut binds: Vec<String> = Vec::new();
        let param = |v: String, binds: &mut Vec<String>| {
            binds.push(v);
            format!("${}", binds.len())
        };
        if let Some(org) = filter.organisation_id {
            conditions.push(format!("organisation_id = {org}"));
        }
        if let Some(s) = filter.status {
            let p = param(s.as_str().to_string(), &mut binds);
            conditions.push(format!("status = {p}"));
        }
        if let Some(before) = &filter.verified_before {
            let p = param(before.clone(), &mut binds);
            conditions.push(format!(
                "last_verified_at < {p} AND status = 'gepubliceerd'"
            ));
        }
        if filter.awaiting_review {
            conditions
                .push("(status = 'ter-beoordeling' OR pending_status = 'ter-beoordeling')".into());
        }
        let order = if filter.awaiting_review {
            "COALESCE(pending_at, submitted_at, updated_at), id"
        } else if filter.verified_before.is_some() {
            "last_verified_at, id"
        } else {
            "updated_at DESC, id DESC"
        };
        let where_ = conditions.join(" AND ");
        let n = binds.len();
        let mut q = sqlx::query_as::<_, (i64,)>(AssertSqlSafe(format!(
            "SELECT id FROM listings WHERE {where_} ORDER BY {order} LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        )));
        for b in &binds {
            q = q.bind(b.clone());
        }
        let ids = q.bind(limit).bind(offset).fetch_all(&self.pool).await?;
        let mut c = sqlx::query_as::<_, (i64,)>(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM listings WHERE {where_}"
        )));
        for b in &binds {
            c = c.bind(b.clone());
        }
        let (total,) = c.fetch_one(&self.pool).await?;
        Ok((ids.into_iter().map(|r| r.0).collect(), total))
    }
}
