//! The outbox: an append-only feed of changes that the indexer tails. Each row names the entity
//! that changed (an item, an organisation or a taxonomy term), never which documents that
//! touches: the indexer alone decides that (see `index::writer`).

use sqlx::{Any, Transaction};

use super::{Store, StoreResult};
use crate::domain::taxonomy::{TermKey, TermKind};
use crate::domain::{Change, now_iso};

/// One change at position `seq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub change: Change,
}

const LISTING: &str = "aanbod";
const ORGANISATION: &str = "organisatie";
const LEXICON: &str = "zoektaal";

impl Change {
    /// The stored form: entity name, numeric id, text key.
    fn columns(&self) -> (&'static str, i64, Option<String>) {
        match self {
            Change::Listing(id) => (LISTING, *id, None),
            Change::Organisation(id) => (ORGANISATION, *id, None),
            Change::Term(kind, key) => (kind.as_str(), 0, Some(key.to_string())),
            Change::Lexicon => (LEXICON, 0, None),
        }
    }

    /// Reads a stored row back. `None` for an entity this version does not know (written by a
    /// newer node during a rolling upgrade): skipping it is safe, a later `reindex` covers it.
    fn from_columns(entity: &str, id: i64, key: Option<String>) -> Option<Change> {
        match entity {
            LISTING => Some(Change::Listing(id)),
            ORGANISATION => Some(Change::Organisation(id)),
            LEXICON => Some(Change::Lexicon),
            other => Some(Change::Term(
                TermKind::parse(other)?,
                TermKey::parse(key.as_deref()?)?,
            )),
        }
    }
}

impl Store {
    /// Appends a change. On PostgreSQL the transaction first takes an advisory lock held until
    /// it ends, so outbox writers commit in sequence order: otherwise a transaction that took
    /// sequence 10 could commit after one that took 11, and an indexer that already read 11
    /// would never see 10. (SQLite has a single writer, so its order is already the commit
    /// order.)
    pub(crate) async fn append_change(
        tx: &mut Transaction<'_, Any>,
        change: &Change,
    ) -> StoreResult<i64> {
        if tx.backend_name() == "PostgreSQL" {
            sqlx::query("SELECT pg_advisory_xact_lock(7413690001)")
                .execute(&mut **tx)
                .await?;
        }
        let (entity, id, key) = change.columns();
        let (seq,): (i64,) = sqlx::query_as(
            "INSERT INTO outbox (entity, entity_id, entity_key, created_at)
             VALUES ($1, $2, $3, $4) RETURNING seq",
        )
        .bind(entity)
        .bind(id)
        .bind(key)
        .bind(now_iso())
        .fetch_one(&mut **tx)
        .await?;
        Ok(seq)
    }

    /// Appends "item `listing_id` changed".
    pub(crate) async fn append_outbox(
        tx: &mut Transaction<'_, Any>,
        listing_id: i64,
    ) -> StoreResult<i64> {
        Self::append_change(tx, &Change::Listing(listing_id)).await
    }

    /// Appends "item changed" for each of `ids`, a few hundred per statement (imports).
    pub(crate) async fn append_listing_changes(
        tx: &mut Transaction<'_, Any>,
        ids: &[i64],
    ) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        // The same commit-order lock as `append_change`.
        if tx.backend_name() == "PostgreSQL" {
            sqlx::query("SELECT pg_advisory_xact_lock(7413690001)")
                .execute(&mut **tx)
                .await?;
        }
        let now = now_iso();
        for chunk in ids.chunks(1000) {
            let sql = format!(
                "INSERT INTO outbox (entity, entity_id, created_at) VALUES {}",
                super::bulk::placeholders(super::bulk::Marks::of(tx), chunk.len(), 3, &[])
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                query = query.bind(LISTING).bind(*id).bind(now.clone());
            }
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Up to `limit` entries after `seq`, in order.
    pub async fn outbox_after(&self, seq: i64, limit: i64) -> StoreResult<Vec<OutboxEntry>> {
        let rows: Vec<(i64, String, i64, Option<String>)> = sqlx::query_as(
            "SELECT seq, entity, entity_id, entity_key FROM outbox
             WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(seq, entity, id, key)| {
                let change = Change::from_columns(&entity, id, key);
                if change.is_none() {
                    tracing::warn!(seq, entity, "onbekende soort wijziging in de outbox");
                }
                Some(OutboxEntry {
                    seq,
                    change: change?,
                })
            })
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

impl Store {
    /// Appends every published vacancy whose end date lies before `today` to the outbox, once
    /// per end date, so that the change feed and every index see it leave. Returns how many.
    pub async fn announce_ended_vacancies(&self, today: chrono::NaiveDate) -> StoreResult<usize> {
        let ended: Vec<(i64, String)> = sqlx::query_as(
            "SELECT l.id, l.end_date FROM listings l
             WHERE l.status = 'gepubliceerd' AND l.end_date IS NOT NULL AND l.end_date < $1
               AND NOT EXISTS (SELECT 1 FROM ended_vacancies e
                               WHERE e.listing_id = l.id AND e.end_date = l.end_date)
             ORDER BY l.id",
        )
        .bind(today.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut announced = 0;
        for (id, end_date) in ended {
            let mut tx = self.pool.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO ended_vacancies (listing_id, end_date) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(end_date)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            // Another node got there first: nothing to add.
            if inserted == 1 {
                Self::append_change(&mut tx, &Change::Listing(id)).await?;
                announced += 1;
            }
            tx.commit().await?;
        }
        Ok(announced)
    }
}
