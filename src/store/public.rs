//! Paged reads of the public offer in a stable order (by id), for clients that harvest it
//! rather than search it (the HSDS API).

use sqlx::AssertSqlSafe;

use super::taxonomy::link_table;
use super::{Organisation, Store, StoreResult};
use crate::domain::Listing;
use crate::domain::taxonomy::TermKind;

/// What a harvesting client may narrow the public offer to.
#[derive(Debug, Clone, Default)]
pub struct PublicFilter {
    pub organisation_id: Option<i64>,
    /// Items linked to this term of a plain list.
    pub term: Option<(TermKind, String)>,
    /// A column of the listing equal to a value (`kind`, `cost`, `time_commitment`).
    pub column: Option<(&'static str, String)>,
    pub whole_municipality: bool,
    /// Items whose ages overlap this range.
    pub ages: Option<(u8, u8)>,
    /// ISO 8601 UTC, as stored: items changed at or after it.
    pub modified_after: Option<String>,
    /// Only items with a place (an address or coordinates).
    pub with_place: bool,
}

impl Store {
    /// A page of public items (published; vacancies not past their end date on `today`), by
    /// id, with the number of all that match.
    pub async fn public_listings_page(
        &self,
        filter: &PublicFilter,
        today: chrono::NaiveDate,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<Listing>, i64)> {
        let mut clauses = vec![
            "l.status = 'gepubliceerd'".to_string(),
            "(l.end_date IS NULL OR l.end_date >= $1)".to_string(),
        ];
        let mut params: Vec<String> = vec![today.format("%Y-%m-%d").to_string()];
        let param = |value: String, params: &mut Vec<String>| {
            params.push(value);
            format!("${}", params.len())
        };
        if let Some(id) = filter.organisation_id {
            clauses.push(format!("l.organisation_id = {id}"));
        }
        if let Some((kind, key)) = &filter.term
            && let Some((table, column)) = link_table(*kind)
        {
            let p = param(key.clone(), &mut params);
            clauses.push(format!(
                "l.id IN (SELECT listing_id FROM {table} WHERE {column} = {p})"
            ));
        }
        if let Some((column, value)) = &filter.column {
            let p = param(value.clone(), &mut params);
            clauses.push(format!("l.{column} = {p}"));
        }
        if filter.whole_municipality {
            clauses.push("l.whole_municipality = 1".into());
        }
        if let Some((min, max)) = filter.ages {
            clauses.push(format!("l.min_age <= {max} AND l.max_age >= {min}"));
        }
        if filter.with_place {
            clauses.push(
                "(l.address IS NOT NULL OR l.postcode IS NOT NULL OR l.city IS NOT NULL
                  OR l.latitude IS NOT NULL)"
                    .into(),
            );
        }
        if let Some(after) = &filter.modified_after {
            let p = param(after.clone(), &mut params);
            clauses.push(format!("l.updated_at >= {p}"));
        }
        let conditions = clauses.join(" AND ");
        let mut count = sqlx::query_as::<_, (i64,)>(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM listings l WHERE {conditions}"
        )));
        for p in &params {
            count = count.bind(p.clone());
        }
        let (total,) = count.fetch_one(&self.pool).await?;
        let mut page = sqlx::query_as::<_, (i64,)>(AssertSqlSafe(format!(
            "SELECT l.id FROM listings l WHERE {conditions} ORDER BY l.id LIMIT {limit} OFFSET {offset}"
        )));
        for p in &params {
            page = page.bind(p.clone());
        }
        let ids: Vec<i64> = page
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|r| r.0)
            .collect();
        Ok((self.find_listings(&ids).await?, total))
    }

    /// The id of the item or organisation with this external id, if any.
    pub async fn id_by_external_id(
        &self,
        table: ExternalTable,
        external_id: &str,
    ) -> StoreResult<Option<i64>> {
        let sql = match table {
            ExternalTable::Listings => "SELECT id FROM listings WHERE external_id = $1",
            ExternalTable::Organisations => "SELECT id FROM organisations WHERE external_id = $1",
        };
        let row: Option<(i64,)> = sqlx::query_as(sql)
            .bind(external_id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.0))
    }

    /// A page of organisations by id, with the number of all.
    pub async fn organisations_by_id(
        &self,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<Organisation>, i64)> {
        let ids: Vec<(i64,)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT id FROM organisations ORDER BY id LIMIT {limit} OFFSET {offset}"
        )))
        .fetch_all(&self.pool)
        .await?;
        let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM organisations")
            .fetch_one(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for (id,) in ids {
            out.push(self.find_organisation(id).await?);
        }
        Ok((out, total))
    }
}

/// The tables with external ids.
#[derive(Debug, Clone, Copy)]
pub enum ExternalTable {
    Listings,
    Organisations,
}
