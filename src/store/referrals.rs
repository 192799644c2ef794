//! Referral lists ("verwijslijsten") and their share links.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::listings::{optional_timestamp, timestamp};
use super::{Store, StoreError, StoreResult};
use crate::domain::referral::{Note, ReferralEntry, ReferralList};
use crate::domain::{Timestamp, iso, now_iso};

const SELECT_LIST: &str =
    "SELECT id, owner_id, created_at, updated_at, share_expires_at FROM referral_lists";

fn list_from_row(r: &AnyRow) -> Result<ReferralList, sqlx::Error> {
    Ok(ReferralList {
        id: r.try_get("id")?,
        owner_id: r.try_get("owner_id")?,
        created_at: timestamp(r, "created_at")?,
        updated_at: timestamp(r, "updated_at")?,
        shared_until: optional_timestamp(r, "share_expires_at")?,
        entries: Vec::new(),
    })
}

impl Store {
    /// The offers on a list, in order.
    async fn referral_entries(&self, list_id: i64) -> StoreResult<Vec<ReferralEntry>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT listing_id, note FROM referral_items WHERE list_id = $1
             ORDER BY position, listing_id",
        )
        .bind(list_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(listing_id, note)| ReferralEntry {
                listing_id,
                note: Note::from_stored(note),
            })
            .collect())
    }

    async fn with_entries(&self, row: Option<AnyRow>) -> StoreResult<ReferralList> {
        let row = row.ok_or(StoreError::NotFound)?;
        let mut list = list_from_row(&row)?;
        list.entries = self.referral_entries(list.id).await?;
        Ok(list)
    }

    /// One list with its offers.
    pub async fn referral_list(&self, id: i64) -> StoreResult<ReferralList> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT_LIST} WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        self.with_entries(row).await
    }

    /// The list behind a share link (by the token's hash), whether or not the link expired.
    pub async fn referral_list_by_share(&self, share_hash: &str) -> StoreResult<ReferralList> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_LIST} WHERE share_hash = $1"
        )))
        .bind(share_hash)
        .fetch_optional(&self.pool)
        .await?;
        self.with_entries(row).await
    }

    /// One page of a staff member's lists, most recently changed first, with their offers;
    /// and how many there are.
    pub async fn referral_lists_of(
        &self,
        owner_id: i64,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<ReferralList>, i64)> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_LIST} WHERE owner_id = $1 ORDER BY updated_at DESC, id DESC
             LIMIT $2 OFFSET $3"
        )))
        .bind(owner_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let (total,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM referral_lists WHERE owner_id = $1")
                .bind(owner_id)
                .fetch_one(&self.pool)
                .await?;
        let mut lists = Vec::with_capacity(rows.len());
        for row in rows {
            lists.push(self.with_entries(Some(row)).await?);
        }
        Ok((lists, total))
    }

    /// A new, empty list.
    pub async fn create_referral_list(&self, owner_id: i64) -> StoreResult<ReferralList> {
        let now = now_iso();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO referral_lists (owner_id, created_at, updated_at) VALUES ($1, $2, $2)
             RETURNING id",
        )
        .bind(owner_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        self.referral_list(id).await
    }

    /// Puts an offer on a list with its note, or changes the note of one already there.
    /// New offers go to the end.
    pub async fn put_referral_entry(
        &self,
        list_id: i64,
        listing_id: i64,
        note: &Note,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE referral_items SET note = $1 WHERE list_id = $2 AND listing_id = $3",
        )
        .bind(note.as_str().to_string())
        .bind(list_id)
        .bind(listing_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            sqlx::query(
                "INSERT INTO referral_items (list_id, listing_id, position, note)
                 SELECT $1, $2, COALESCE(MAX(position), 0) + 1, $3
                 FROM referral_items WHERE list_id = $1",
            )
            .bind(list_id)
            .bind(listing_id)
            .bind(note.as_str().to_string())
            .execute(&mut *tx)
            .await?;
        }
        Self::touch_referral_list(&mut tx, list_id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn touch_referral_list(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        list_id: i64,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE referral_lists SET updated_at = $1 WHERE id = $2")
            .bind(now_iso())
            .bind(list_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Takes an offer off a list; false when it was not on it.
    pub async fn remove_referral_entry(&self, list_id: i64, listing_id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let removed =
            sqlx::query("DELETE FROM referral_items WHERE list_id = $1 AND listing_id = $2")
                .bind(list_id)
                .bind(listing_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        Self::touch_referral_list(&mut tx, list_id).await?;
        tx.commit().await?;
        Ok(removed > 0)
    }

    /// Puts the offers in this order (checked by the caller to name each offer once).
    pub async fn reorder_referral_list(&self, list_id: i64, order: &[i64]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for (position, listing_id) in order.iter().enumerate() {
            sqlx::query(
                "UPDATE referral_items SET position = $1 WHERE list_id = $2 AND listing_id = $3",
            )
            .bind(position as i64 + 1)
            .bind(list_id)
            .bind(*listing_id)
            .execute(&mut *tx)
            .await?;
        }
        Self::touch_referral_list(&mut tx, list_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a list, its offers and its share link.
    pub async fn delete_referral_list(&self, id: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM referral_items WHERE list_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM referral_lists WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Gives a list a (new) share link: an earlier link stops working.
    pub async fn share_referral_list(
        &self,
        id: i64,
        share_hash: &str,
        until: &Timestamp,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE referral_lists SET share_hash = $1, share_expires_at = $2 WHERE id = $3",
        )
        .bind(share_hash)
        .bind(iso(until))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends a list's share link at once.
    pub async fn revoke_referral_share(&self, id: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE referral_lists SET share_hash = NULL, share_expires_at = NULL WHERE id = $1",
        )
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
