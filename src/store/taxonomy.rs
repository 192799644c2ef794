//! The taxonomy tables.

use sqlx::{Any, Row as _, Transaction};

use super::{Store, StoreResult};
use crate::domain::{AgeGroup, Taxonomy, Term};

impl Store {
    /// The whole taxonomy, each list in display order.
    pub async fn load_taxonomy(&self) -> StoreResult<Taxonomy> {
        let terms = |sql: &'static str| async move {
            let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
            rows.iter()
                .map(|r| {
                    Ok(Term {
                        key: r.try_get("key")?,
                        label: r.try_get("label")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
        };
        let themes = terms("SELECT key, label FROM themes ORDER BY position, key").await?;
        let wijken = terms("SELECT key, label FROM wijken ORDER BY position, key").await?;
        let talents = terms("SELECT key, label FROM talents ORDER BY position, key").await?;
        let age_groups = sqlx::query(
            "SELECT key, label, min_age, max_age FROM age_groups ORDER BY position, key",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(AgeGroup {
                key: r.try_get("key")?,
                label: r.try_get("label")?,
                min_age: r.try_get::<i64, _>("min_age")?.clamp(0, 120) as u8,
                max_age: r.try_get::<i64, _>("max_age")?.clamp(0, 120) as u8,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(Taxonomy {
            themes,
            wijken,
            age_groups,
            talents,
        })
    }

    /// Inserts or relabels terms; `table` is one of our fixed table names.
    pub(crate) async fn upsert_terms(
        tx: &mut Transaction<'_, Any>,
        table: TermTable,
        terms: &[Term],
        first_position: i64,
    ) -> StoreResult<()> {
        let sql = match table {
            TermTable::Themes => {
                "INSERT INTO themes (key, label, position) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET label = excluded.label, position = excluded.position"
            }
            TermTable::Wijken => {
                "INSERT INTO wijken (key, label, position) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET label = excluded.label, position = excluded.position"
            }
            TermTable::Talents => {
                "INSERT INTO talents (key, label, position) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET label = excluded.label, position = excluded.position"
            }
        };
        for (i, t) in terms.iter().enumerate() {
            sqlx::query(sql)
                .bind(t.key.clone())
                .bind(t.label.clone())
                .bind(first_position + i as i64)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    pub(crate) async fn upsert_age_groups(
        tx: &mut Transaction<'_, Any>,
        groups: &[AgeGroup],
        first_position: i64,
    ) -> StoreResult<()> {
        for (i, g) in groups.iter().enumerate() {
            sqlx::query(
                "INSERT INTO age_groups (key, label, min_age, max_age, position)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (key) DO UPDATE SET label = excluded.label,
                     min_age = excluded.min_age, max_age = excluded.max_age,
                     position = excluded.position",
            )
            .bind(g.key.clone())
            .bind(g.label.clone())
            .bind(g.min_age as i64)
            .bind(g.max_age as i64)
            .bind(first_position + i as i64)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
pub enum TermTable {
    Themes,
    Wijken,
    Talents,
}
