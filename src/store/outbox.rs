//! The outbox: an append-only feed of listing changes that the indexer tails.

use sqlx::{Any, Transaction};

use super::{Store, StoreResult};
use crate::domain::now_iso;

/// One change: "listing `listing_id` changed", at position `seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub listing_id: i64,
}

impl Store {
    /// Appends a change. On PostgreSQL the transaction first takes an advisory lock held until
    /// it ends, so outbox writers commit in sequence order: otherwise a transaction that took
    /// sequence 10 could commit after one that took 11, and an indexer that already read 11
    /// would never see 10. (SQLite has a single writer, so its order is already the commit
    /// order.)
    pub(crate) async fn append_outbox(
        tx: &mut Transaction<'_, Any>,
        listing_id: i64,
    ) -> StoreResult<i64> {
        if tx.backend_name() == "PostgreSQL" {
            sqlx::query("SELECT pg_advisory_xact_lock(7413690001)")
                .execute(&mut **tx)
                .await?;
        }
        let (seq,): (i64,) = sqlx::query_as(
            "INSERT INTO outbox (listing_id, created_at) VALUES ($1, $2) RETURNING seq",
        )
        .bind(listing_id)
        .bind(now_iso())
        .fetch_one(&mut **tx)
        .await?;
        Ok(seq)
    }

    /// Up to `limit` entries after `seq`, in order.
    pub async fn outbox_after(&self, seq: i64, limit: i64) -> StoreResult<Vec<OutboxEntry>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT seq, listing_id FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(seq, listing_id)| OutboxEntry { seq, listing_id })
            .collect())
    }

    /// The newest sequence number (0 when the outbox is empty).
    pub async fn latest_outbox_seq(&self) -> StoreResult<i64> {
        let (seq,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(seq), 0) FROM outbox")
            .fetch_one(&self.pool)
            .await?;
        Ok(seq)
    }

    /// Starts a transaction for a multi-step write such as an import.
    pub async fn begin(&self) -> StoreResult<Transaction<'static, Any>> {
        Ok(self.pool.begin().await?)
    }
}
