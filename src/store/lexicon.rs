//! Editors' synonym groups and situations, with their revisions, and the search insights
//! (anonymous counts of searches that found nothing or only part of the words).

use sqlx::{Any, Transaction};

use super::{Store, StoreError, StoreResult};
use crate::domain::lexicon::{LexiconContent, LexiconEntry, LexiconKind};
use crate::domain::{Change, now_iso};

/// An entry as the management API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconRecord {
    pub entry: LexiconEntry,
    pub updated_at: String,
}

/// One saved state of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconRevision {
    pub version: i64,
    pub words: String,
    pub terms: Vec<String>,
    pub deleted: bool,
    pub changed_at: String,
    pub user_name: String,
}

/// One normalised query on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsightRow {
    pub day: String,
    pub query: String,
    pub no_results: i64,
    pub partial: i64,
}

type EntryRow = (i64, String, String, String, i64, String);

const ENTRY_COLUMNS: &str = "id, kind, words, terms, version, updated_at";

fn record((id, kind, words, terms, version, updated_at): EntryRow) -> Option<LexiconRecord> {
    Some(LexiconRecord {
        entry: LexiconEntry {
            id,
            kind: LexiconKind::parse(&kind)?,
            words,
            terms: terms.lines().map(String::from).collect(),
            version,
        },
        updated_at,
    })
}

impl Store {
    /// Every live entry of both lists, oldest first: what the search lexicon is built from.
    pub async fn all_lexicon_entries(&self) -> StoreResult<Vec<LexiconEntry>> {
        let rows: Vec<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM lexicon_entries WHERE deleted = 0 ORDER BY id"
        )))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(record)
            .map(|r| r.entry)
            .collect())
    }

    /// One page of a list, oldest first, and the total.
    pub async fn list_lexicon(
        &self,
        kind: LexiconKind,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<LexiconRecord>, i64)> {
        let rows: Vec<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM lexicon_entries WHERE kind = $1 AND deleted = 0
             ORDER BY id LIMIT $2 OFFSET $3"
        )))
        .bind(kind.as_str())
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let (total,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM lexicon_entries WHERE kind = $1 AND deleted = 0")
                .bind(kind.as_str())
                .fetch_one(&self.pool)
                .await?;
        Ok((rows.into_iter().filter_map(record).collect(), total))
    }

    /// A live entry of `kind`; a removed one or one of the other list is `NotFound`.
    pub async fn find_lexicon_entry(
        &self,
        kind: LexiconKind,
        id: i64,
    ) -> StoreResult<LexiconRecord> {
        let row: Option<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM lexicon_entries WHERE id = $1 AND kind = $2 AND deleted = 0"
        )))
        .bind(id)
        .bind(kind.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.and_then(record).ok_or(StoreError::NotFound)
    }

    /// Adds an entry; returns its id and the outbox position that makes search use it.
    pub async fn create_lexicon_entry(
        &self,
        kind: LexiconKind,
        content: &LexiconContent,
        max_entries: i64,
        actor: (i64, &str),
    ) -> StoreResult<(i64, i64)> {
        let mut tx = self.pool.begin().await?;
        // Serialises creators, so the limit holds with several nodes.
        let seq = Self::append_change(&mut tx, &Change::Lexicon).await?;
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM lexicon_entries WHERE kind = $1 AND deleted = 0")
                .bind(kind.as_str())
                .fetch_one(&mut *tx)
                .await?;
        if count >= max_entries {
            return Err(StoreError::Full(
                "Deze lijst is vol; verwijder eerst regels die niet meer nodig zijn.",
            ));
        }
        let now = now_iso();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO lexicon_entries (kind, words, terms, version, deleted, updated_at)
             VALUES ($1, $2, $3, 1, 0, $4) RETURNING id",
        )
        .bind(kind.as_str())
        .bind(content.words.clone())
        .bind(content.terms.join("\n"))
        .bind(now.clone())
        .fetch_one(&mut *tx)
        .await?;
        Self::lexicon_revision(&mut tx, id, 1, content, false, &now, actor).await?;
        Self::audit_in_tx(
            &mut tx,
            (Some(actor.0), actor.1),
            &format!("{}-aangemaakt", kind.as_str()),
            &format!("{} {id}", kind.as_str()),
            &describe(content),
        )
        .await?;
        tx.commit().await?;
        Ok((id, seq))
    }

    /// Replaces an entry's content (`Some`) or removes it (`None`) if it is still at
    /// `expected_version`; returns the outbox position.
    pub async fn change_lexicon_entry(
        &self,
        kind: LexiconKind,
        id: i64,
        expected_version: i64,
        content: Option<&LexiconContent>,
        actor: (i64, &str),
    ) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let seq = Self::append_change(&mut tx, &Change::Lexicon).await?;
        let current: Option<(i64,)> = sqlx::query_as(
            "SELECT version FROM lexicon_entries WHERE id = $1 AND kind = $2 AND deleted = 0",
        )
        .bind(id)
        .bind(kind.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((version,)) = current else {
            return Err(StoreError::NotFound);
        };
        if version != expected_version {
            return Err(StoreError::VersionMismatch);
        }
        let now = now_iso();
        let deleted = content.is_none();
        let empty = LexiconContent {
            words: String::new(),
            terms: Vec::new(),
        };
        let saved = content.unwrap_or(&empty);
        if deleted {
            sqlx::query(
                "UPDATE lexicon_entries SET deleted = 1, version = version + 1, updated_at = $1
                 WHERE id = $2",
            )
            .bind(now.clone())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "UPDATE lexicon_entries SET words = $1, terms = $2, version = version + 1,
                 updated_at = $3 WHERE id = $4",
            )
            .bind(saved.words.clone())
            .bind(saved.terms.join("\n"))
            .bind(now.clone())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        Self::lexicon_revision(&mut tx, id, version + 1, saved, deleted, &now, actor).await?;
        let action = if deleted { "verwijderd" } else { "gewijzigd" };
        Self::audit_in_tx(
            &mut tx,
            (Some(actor.0), actor.1),
            &format!("{}-{action}", kind.as_str()),
            &format!("{} {id}", kind.as_str()),
            &describe(saved),
        )
        .await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn lexicon_revision(
        tx: &mut Transaction<'_, Any>,
        id: i64,
        version: i64,
        content: &LexiconContent,
        deleted: bool,
        now: &str,
        actor: (i64, &str),
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO lexicon_revisions
             (entry_id, version, words, terms, deleted, changed_at, user_id, user_name)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(version)
        .bind(content.words.clone())
        .bind(content.terms.join("\n"))
        .bind(i64::from(deleted))
        .bind(now.to_string())
        .bind(actor.0)
        .bind(actor.1.to_string())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Every saved state of an entry of `kind` (removed ones included), newest first.
    pub async fn lexicon_revisions(
        &self,
        kind: LexiconKind,
        id: i64,
    ) -> StoreResult<Vec<LexiconRevision>> {
        let rows: Vec<(i64, String, String, i64, String, String)> = sqlx::query_as(
            "SELECT r.version, r.words, r.terms, r.deleted, r.changed_at, r.user_name
             FROM lexicon_revisions r JOIN lexicon_entries e ON e.id = r.entry_id
             WHERE r.entry_id = $1 AND e.kind = $2 ORDER BY r.version DESC",
        )
        .bind(id)
        .bind(kind.as_str())
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Err(StoreError::NotFound);
        }
        Ok(rows
            .into_iter()
            .map(
                |(version, words, terms, deleted, changed_at, user_name)| LexiconRevision {
                    version,
                    words,
                    terms: terms.lines().map(String::from).collect(),
                    deleted: deleted != 0,
                    changed_at,
                    user_name,
                },
            )
            .collect())
    }

    /// Adds counts to the insights, one row per day and query. Several nodes add to the same
    /// row; the upsert keeps every count.
    pub async fn add_search_insights(&self, rows: &[InsightRow]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for r in rows {
            sqlx::query(
                "INSERT INTO search_insights (day, query, no_results, partial)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (day, query) DO UPDATE SET
                     no_results = search_insights.no_results + excluded.no_results,
                     partial = search_insights.partial + excluded.partial",
            )
            .bind(r.day.clone())
            .bind(r.query.clone())
            .bind(r.no_results)
            .bind(r.partial)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The rows from `from` to `to` (days, inclusive) of the queries searched at least
    /// `threshold` times in that period, most searched first, at most `limit` queries.
    pub async fn search_insights(
        &self,
        from: &str,
        to: &str,
        threshold: i64,
        limit: i64,
    ) -> StoreResult<Vec<InsightRow>> {
        let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT i.day, i.query, i.no_results, i.partial FROM search_insights i
             JOIN (SELECT query, SUM(no_results + partial) AS total FROM search_insights
                   WHERE day >= $1 AND day <= $2 GROUP BY query
                   HAVING SUM(no_results + partial) >= $3
                   ORDER BY total DESC, query LIMIT $4) t ON t.query = i.query
             WHERE i.day >= $1 AND i.day <= $2
             ORDER BY t.total DESC, i.query, i.day",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(threshold)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(day, query, no_results, partial)| InsightRow {
                day,
                query,
                no_results,
                partial,
            })
            .collect())
    }

    /// Forgets insights from before `day`.
    pub async fn prune_search_insights(&self, day: &str) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM search_insights WHERE day < $1")
            .bind(day.to_string())
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}

/// An entry in one line, as the audit log shows it.
fn describe(c: &LexiconContent) -> String {
    if c.words.is_empty() {
        c.terms.join(", ")
    } else {
        format!("{} => {}", c.words, c.terms.join(", "))
    }
}
