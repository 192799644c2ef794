//! Organisations: the partners that offer items.

use sqlx::{Any, Row as _, Transaction, any::AnyRow};

use super::Upsert;
use super::{Store, StoreError, StoreResult};
use crate::domain::Change;
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
    /// Publishes without review.
    pub trusted: bool,
    pub version: i64,
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

const COLUMNS: &str = "id, external_id, name, description, website, phone, email, trusted, version";

fn from_row(r: &AnyRow) -> Result<Organisation, sqlx::Error> {
    Ok(Organisation {
        id: r.try_get("id")?,
        external_id: r.try_get("external_id")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        website: r.try_get("website")?,
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
        trusted: r.try_get::<i64, _>("trusted")? != 0,
        version: r.try_get("version")?,
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
    /// Whether an organisation is trusted (its partners publish without review), read inside
    /// a change's transaction.
    pub(crate) async fn organisation_is_trusted(
        tx: &mut Transaction<'_, Any>,
        organisation_id: i64,
    ) -> StoreResult<bool> {
        let (trusted,): (i64,) = sqlx::query_as("SELECT trusted FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_one(&mut **tx)
            .await?;
        Ok(trusted != 0)
    }

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

    /// Inserts or updates an organisation by external id and returns its id. A change writes an
    /// outbox row; the indexer decides what it touches.
    pub(crate) async fn upsert_organisation(
        tx: &mut Transaction<'_, Any>,
        org: &NewOrganisation,
    ) -> StoreResult<Upsert> {
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
                         phone = $4, email = $5, updated_at = $6, version = version + 1
                     WHERE id = $7",
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
                Self::append_change(tx, &Change::Organisation(current.id)).await?;
                return Ok(Upsert::Updated(current.id));
            }
            return Ok(Upsert::Unchanged(current.id));
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
        Ok(Upsert::Created(id))
    }

    /// Creates an organisation by hand (no external id), with an audit entry by `actor` in
    /// the same transaction.
    pub async fn create_organisation(
        &self,
        org: &OrganisationFields,
        trusted: bool,
        actor: (i64, &str),
    ) -> StoreResult<Organisation> {
        let mut tx = self.pool.begin().await?;
        let now = now_iso();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO organisations
                 (name, description, website, phone, email, trusted, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(org.name.clone())
        .bind(org.description.clone())
        .bind(org.website.clone())
        .bind(org.phone.clone())
        .bind(org.email.clone())
        .bind(trusted as i64)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        Self::audit_in_tx(
            &mut tx,
            (Some(actor.0), actor.1),
            "organisatie-aangemaakt",
            &format!("organisatie {id}"),
            if trusted { "vertrouwd" } else { "" },
        )
        .await?;
        tx.commit().await?;
        self.find_organisation(id).await
    }

    /// Updates an organisation if it is still at `expected_version`; re-indexes its listings
    /// when the name changed. Returns the last outbox sequence written, if any.
    pub async fn update_organisation(
        &self,
        id: i64,
        expected_version: i64,
        org: &OrganisationFields,
        trusted: bool,
        actor: (i64, &str),
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.pool.begin().await?;
        // Write first: takes the row lock (the SQLite write lock) before reading, so the read
        // below cannot go stale before our update.
        sqlx::query("UPDATE organisations SET version = version WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let current = {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM organisations WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            from_row(&row)?
        };
        if current.version != expected_version {
            return Err(StoreError::VersionMismatch);
        }
        sqlx::query(
            "UPDATE organisations SET name = $1, description = $2, website = $3, phone = $4,
                 email = $5, trusted = $6, updated_at = $7, version = version + 1
             WHERE id = $8",
        )
        .bind(org.name.clone())
        .bind(org.description.clone())
        .bind(org.website.clone())
        .bind(org.phone.clone())
        .bind(org.email.clone())
        .bind(trusted as i64)
        .bind(now_iso())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if trusted != current.trusted {
            let action = if trusted {
                "organisatie-vertrouwd"
            } else {
                "organisatie-niet-meer-vertrouwd"
            };
            Self::audit_in_tx(
                &mut tx,
                (Some(actor.0), actor.1),
                action,
                &format!("organisatie {id}"),
                "",
            )
            .await?;
        }
        let seq = Self::append_change(&mut tx, &Change::Organisation(id)).await?;
        tx.commit().await?;
        Ok(Some(seq))
    }
}

impl OrganisationFields {
    /// Checks an organisation's fields as sent (by the API or the portal's form), naming every
    /// offending field: `naam`, `beschrijving`, `telefoon`, `email`, `website`.
    pub fn parse(
        name: &str,
        description: &str,
        phone: &Option<String>,
        email: &Option<String>,
        website: &Option<String>,
    ) -> Result<OrganisationFields, crate::domain::FieldErrors> {
        use crate::domain::content::{
            ORGANISATION_DESCRIPTION, ORGANISATION_NAME, contact, limited_text,
        };
        let mut e = crate::domain::FieldErrors::new();
        limited_text(&mut e, "naam", name, ORGANISATION_NAME);
        limited_text(
            &mut e,
            "beschrijving",
            description,
            ORGANISATION_DESCRIPTION,
        );
        let c = contact(&mut e, "", phone, email, website);
        e.finish(|| OrganisationFields {
            name: name.trim().to_string(),
            description: description.trim().to_string(),
            website: c.website,
            phone: c.phone,
            email: c.email,
        })
    }
}

/// The fields of an organisation that can be edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationFields {
    pub name: String,
    pub description: String,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}
