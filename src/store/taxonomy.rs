//! The taxonomy tables. Every term that is added or changes label or position writes an outbox
//! row, so every node refreshes its taxonomy and re-indexes the items whose text holds the label.

use sqlx::{Any, Row as _, Transaction};

use super::{Store, StoreError, StoreResult};
use crate::domain::Change;
use crate::domain::taxonomy::TermKind;
use crate::domain::{AgeGroup, Taxonomy, Term, TermKey};

/// The table of a plain term list, and of its links to items (table, key column).
pub(crate) fn term_table(kind: TermKind) -> &'static str {
    match kind {
        TermKind::Theme => "themes",
        TermKind::Wijk => "wijken",
        TermKind::Talent => "talents",
        TermKind::AgeGroup => "age_groups",
        TermKind::Language => "languages",
        TermKind::Accessibility => "accessibility_features",
    }
}

/// The link table between items and a plain term list, and its key column. Age groups have no
/// links: an item's age range decides its groups.
pub(crate) fn link_table(kind: TermKind) -> Option<(&'static str, &'static str)> {
    match kind {
        TermKind::Theme => Some(("listing_themes", "theme_key")),
        TermKind::Wijk => Some(("listing_wijken", "wijk_key")),
        TermKind::Talent => Some(("listing_talents", "talent_key")),
        TermKind::Language => Some(("listing_languages", "language_key")),
        TermKind::Accessibility => Some(("listing_accessibility", "feature_key")),
        TermKind::AgeGroup => None,
    }
}

impl Store {
    /// The plain term lists, in the order the taxonomy shows them.
    pub const PLAIN_TERM_LISTS: [TermKind; 5] = PLAIN_LISTS;
}

const PLAIN_LISTS: [TermKind; 5] = [
    TermKind::Theme,
    TermKind::Wijk,
    TermKind::Talent,
    TermKind::Language,
    TermKind::Accessibility,
];

impl Store {
    /// The whole taxonomy, each list in display order.
    pub async fn load_taxonomy(&self) -> StoreResult<Taxonomy> {
        let mut taxonomy = Taxonomy::default();
        for kind in PLAIN_LISTS {
            let sql = format!(
                "SELECT key, label, retired_at FROM {} ORDER BY position, key",
                term_table(kind)
            );
            let terms = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| {
                    let key: String = r.try_get("key")?;
                    Ok(Term {
                        key: super::listings::stored_key("key", &key)?,
                        label: r.try_get("label")?,
                        retired: r.try_get::<Option<String>, _>("retired_at")?.is_some(),
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            if let Some(list) = taxonomy.terms_mut(kind) {
                *list = terms;
            }
        }
        taxonomy.age_groups = sqlx::query(
            "SELECT key, label, min_age, max_age FROM age_groups ORDER BY position, key",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(AgeGroup {
                key: super::listings::stored_key("key", &r.try_get::<String, _>("key")?)?,
                label: r.try_get("label")?,
                min_age: r.try_get::<i64, _>("min_age")?.clamp(0, 120) as u8,
                max_age: r.try_get::<i64, _>("max_age")?.clamp(0, 120) as u8,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(taxonomy)
    }

    /// Inserts or relabels terms of a plain list; each term that changed gets an outbox row.
    /// Returns the last outbox position written, if any.
    pub(crate) async fn upsert_terms(
        tx: &mut Transaction<'_, Any>,
        kind: TermKind,
        terms: &[Term],
        first_position: i64,
    ) -> StoreResult<Option<i64>> {
        let table = term_table(kind);
        let mut last_seq = None;
        for (i, t) in terms.iter().enumerate() {
            let position = first_position + i as i64;
            let current: Option<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT label, position FROM {table} WHERE key = $1"
            )))
            .bind(t.key.to_string())
            .fetch_optional(&mut **tx)
            .await?;
            if current.as_ref() == Some(&(t.label.clone(), position)) {
                continue;
            }
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO {table} (key, label, position) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET label = excluded.label, position = excluded.position"
            )))
            .bind(t.key.to_string())
            .bind(t.label.clone())
            .bind(position)
            .execute(&mut **tx)
            .await?;
            last_seq = Some(Self::append_change(tx, &Change::Term(kind, t.key.clone())).await?);
        }
        Ok(last_seq)
    }

    /// Adds a term at the end of its list, with an audit entry and an outbox row. Returns the
    /// outbox position; [`StoreError::Duplicate`] when the key is taken.
    pub async fn add_term(
        &self,
        kind: TermKind,
        key: &TermKey,
        label: &str,
        actor: (i64, &str),
    ) -> StoreResult<i64> {
        let table = term_table(kind);
        let mut tx = self.pool.begin().await?;
        // `WHERE TRUE`: SQLite cannot otherwise tell the upsert clause from a join after a
        // SELECT.
        let inserted = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {table} (key, label, position)
             SELECT $1, $2, COALESCE(MAX(position), -1) + 1 FROM {table} WHERE TRUE
             ON CONFLICT (key) DO NOTHING"
        )))
        .bind(key.to_string())
        .bind(label.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Err(StoreError::Duplicate("sleutel"));
        }
        let subject = format!("{} {key}", kind.as_str());
        Self::audit_in_tx(
            &mut tx,
            (Some(actor.0), actor.1),
            "term-toegevoegd",
            &subject,
            label,
        )
        .await?;
        let seq = Self::append_change(&mut tx, &Change::Term(kind, key.clone())).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Sets a term's label and whether it is retired (`None`: as stored), with an audit entry
    /// per change and an outbox row. Returns the outbox position, or `None` when nothing
    /// changed.
    pub async fn change_term(
        &self,
        kind: TermKind,
        key: &TermKey,
        label: Option<&str>,
        retired: Option<bool>,
        actor: (i64, &str),
    ) -> StoreResult<Option<i64>> {
        let table = term_table(kind);
        let mut tx = self.pool.begin().await?;
        // A write first: on SQLite the transaction then holds the write lock before it reads.
        let found = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET label = label WHERE key = $1"
        )))
        .bind(key.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if found == 0 {
            return Err(StoreError::NotFound);
        }
        let (old_label, old_retired): (String, Option<String>) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT label, retired_at FROM {table} WHERE key = $1"
            )))
            .bind(key.to_string())
            .fetch_one(&mut *tx)
            .await?;
        let label = label.unwrap_or(&old_label).to_string();
        let retired = retired.unwrap_or(old_retired.is_some());
        let label = label.as_str();
        let subject = format!("{} {key}", kind.as_str());
        let who = (Some(actor.0), actor.1);
        let mut changed = false;
        if old_label != label {
            Self::audit_in_tx(&mut tx, who, "term-hernoemd", &subject, label).await?;
            changed = true;
        }
        if old_retired.is_some() != retired {
            let action = if retired {
                "term-ingetrokken"
            } else {
                "term-weer-in-gebruik"
            };
            Self::audit_in_tx(&mut tx, who, action, &subject, label).await?;
            changed = true;
        }
        if !changed {
            return Ok(None);
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET label = $1, retired_at = $2 WHERE key = $3"
        )))
        .bind(label.to_string())
        .bind(retired.then(|| old_retired.unwrap_or_else(crate::domain::now_iso)))
        .bind(key.to_string())
        .execute(&mut *tx)
        .await?;
        let seq = Self::append_change(&mut tx, &Change::Term(kind, key.clone())).await?;
        tx.commit().await?;
        Ok(Some(seq))
    }

    pub(crate) async fn upsert_age_groups(
        tx: &mut Transaction<'_, Any>,
        groups: &[AgeGroup],
        first_position: i64,
    ) -> StoreResult<()> {
        for (i, g) in groups.iter().enumerate() {
            let position = first_position + i as i64;
            let current: Option<(String, i64, i64, i64)> = sqlx::query_as(
                "SELECT label, min_age, max_age, position FROM age_groups WHERE key = $1",
            )
            .bind(g.key.to_string())
            .fetch_optional(&mut **tx)
            .await?;
            let wanted = (
                g.label.clone(),
                i64::from(g.min_age),
                i64::from(g.max_age),
                position,
            );
            if current.as_ref() == Some(&wanted) {
                continue;
            }
            sqlx::query(
                "INSERT INTO age_groups (key, label, min_age, max_age, position)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (key) DO UPDATE SET label = excluded.label,
                     min_age = excluded.min_age, max_age = excluded.max_age,
                     position = excluded.position",
            )
            .bind(g.key.to_string())
            .bind(g.label.clone())
            .bind(g.min_age as i64)
            .bind(g.max_age as i64)
            .bind(position)
            .execute(&mut **tx)
            .await?;
            Self::append_change(tx, &Change::Term(TermKind::AgeGroup, g.key.clone())).await?;
        }
        Ok(())
    }

    /// Ids of the items linked to a term, to re-index after its label changed.
    pub async fn listing_ids_with_term(&self, kind: TermKind, key: &str) -> StoreResult<Vec<i64>> {
        let Some((table, column)) = link_table(kind) else {
            return Ok(Vec::new());
        };
        let rows: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT listing_id FROM {table} WHERE {column} = $1 ORDER BY listing_id"
        )))
        .bind(key.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Ids of all items of an organisation, to re-index after its details changed.
    pub async fn listing_ids_of_organisation(&self, organisation_id: i64) -> StoreResult<Vec<i64>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM listings WHERE organisation_id = $1 ORDER BY id")
                .bind(organisation_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}
