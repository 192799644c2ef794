//! Organisations: the partners that offer items.

use sqlx::{Any, Row as _, Transaction, any::AnyRow};

use super::{Store, StoreError, StoreResult};
use crate::domain::now_iso;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: i64,
    pub external_id: Option<String>,
    pub name: String,
    pub description: String,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A validated organisation from an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub external_id: String,
    pub name: String,
    pub description: String,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

const COLUMNS: &str = "id, external_id, name, description, website, phone, email";

fn from_row(r: &AnyRow) -> Result<Organisation, sqlx::Error> {
    Ok(Organisation {
        id: r.try_get("id")?,
        external_id: r.try_get("external_id")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        website: r.try_get("website")?,
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
    })
}

impl Store {
    pub async fn find_organisation(&self, id: i64) -> StoreResult<Organisation> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM organisations WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(from_row(&row)?)
    }

    /// One page of organisations by name, and the total count.
    pub async fn list_organisations(
        &self,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<Organisation>, i64)> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM organisations ORDER BY LOWER(name), id LIMIT $1 OFFSET $2"
        )))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let total: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM organisations")
            .fetch_one(&self.pool)
            .await?;
        let orgs = rows.iter().map(from_row).collect::<Result<_, _>>()?;
        Ok((orgs, total.0))
    }

    /// Ids of organisations by external id, for resolving references in an import.
    pub(crate) async fn organisation_id_by_external_id(
        tx: &mut Transaction<'_, Any>,
        external_id: &str,
    ) -> StoreResult<Option<i64>> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM organisations WHERE external_id = $1")
                .bind(external_id.to_string())
                .fetch_optional(&mut **tx)
                .await?;
        Ok(row.map(|r| r.0))
    }

    /// Inserts or updates an organisation by external id. Returns its id and whether its name
    /// changed (listings carry the name in the search index, so they must be re-indexed).
    pub(crate) async fn upsert_organisation(
        tx: &mut Transaction<'_, Any>,
        org: &NewOrganisation,
    ) -> StoreResult<(i64, bool)> {
        let now = now_iso();
        let existing = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM organisations WHERE external_id = $1"
        )))
        .bind(org.external_id.clone())
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(row) = existing {
            let current = from_row(&row)?;
            let unchanged = current.name == org.name
                && current.description == org.description
                && current.website == org.website
                && current.phone == org.phone
                && current.email == org.email;
            if !unchanged {
                sqlx::query(
                    "UPDATE organisations SET name = $1, description = $2, website = $3,
                         phone = $4, email = $5, updated_at = $6 WHERE id = $7",
                )
                .bind(org.name.clone())
                .bind(org.description.clone())
                .bind(org.website.clone())
                .bind(org.phone.clone())
                .bind(org.email.clone())
                .bind(now)
                .bind(current.id)
                .execute(&mut **tx)
                .await?;
            }
            return Ok((current.id, current.name != org.name));
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO organisations
                 (external_id, name, description, website, phone, email, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(org.external_id.clone())
        .bind(org.name.clone())
        .bind(org.description.clone())
        .bind(org.website.clone())
        .bind(org.phone.clone())
        .bind(org.email.clone())
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        Ok((id, false))
    }
}
