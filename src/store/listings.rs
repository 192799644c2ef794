//! Listings (the offer) and their theme, wijk and talent links. Every change writes an outbox
//! row in the same transaction (see `outbox.rs`).

use std::collections::HashMap;

use sqlx::{Any, AssertSqlSafe, Row as _, Transaction, any::AnyRow};

use super::taxonomy::link_table;
use super::{Store, StoreError, StoreResult, id_list};
use crate::domain::{
    AgeRange, Contact, Cost, Kind, Listing, Location, NewListing, PendingChange, Referral, Status,
    TermKey, TimeCommitment, Timestamp, Vacancy, iso, now_iso,
};

pub(super) const SELECT_LISTING: &str = "SELECT l.id, l.external_id, l.kind, l.organisation_id,
        o.name AS organisation_name, l.title, l.summary, l.description, l.whole_municipality,
        l.min_age, l.max_age, l.address, l.postcode, l.city, l.latitude, l.longitude, l.cost,
        l.phone, l.email, l.website, l.schedule, l.status, l.time_commitment, l.hours_per_week,
        l.end_date, l.created_at, l.updated_at, l.last_verified_at, l.version,
        l.referral_phone, l.referral_email, l.referral_notes, l.review_note, l.pending_content,
        l.pending_status, l.pending_by, l.pending_at, l.submitted_by, l.submitted_at
    FROM listings l JOIN organisations o ON o.id = l.organisation_id";

/// What an import did with one record (an item or an organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    Created(i64),
    Updated(i64),
    Unchanged(i64),
}

fn corrupt(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("onverwachte waarde {value:?} in kolom {column}").into())
}

/// A stored taxonomy key, typed.
pub(crate) fn stored_key(column: &str, text: &str) -> Result<TermKey, sqlx::Error> {
    TermKey::parse(text).ok_or_else(|| corrupt(column, text))
}

/// A stored ISO 8601 timestamp, typed.
pub(crate) fn timestamp(r: &AnyRow, column: &str) -> Result<Timestamp, sqlx::Error> {
    let text: String = r.try_get(column)?;
    parse_timestamp(column, &text)
}

pub(crate) fn optional_timestamp(
    r: &AnyRow,
    column: &str,
) -> Result<Option<Timestamp>, sqlx::Error> {
    let text: Option<String> = r.try_get(column)?;
    text.map(|t| parse_timestamp(column, &t)).transpose()
}

fn parse_timestamp(column: &str, text: &str) -> Result<Timestamp, sqlx::Error> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| corrupt(column, text))
}

pub(super) fn listing_from_row(r: &AnyRow) -> Result<Listing, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let cost: String = r.try_get("cost")?;
    let status: String = r.try_get("status")?;
    let kind = Kind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?;
    let ages = AgeRange::parse(r.try_get("min_age")?, r.try_get("max_age")?)
        .map_err(|e| corrupt("min_age/max_age", e))?;
    let latitude: Option<f64> = r.try_get("latitude")?;
    let longitude: Option<f64> = r.try_get("longitude")?;
    let address: Option<String> = r.try_get("address")?;
    let postcode: Option<String> = r.try_get("postcode")?;
    let city: Option<String> = r.try_get("city")?;
    let location =
        (address.is_some() || postcode.is_some() || city.is_some() || latitude.is_some())
            .then_some(Location {
                address,
                postcode,
                city,
                latitude,
                longitude,
            });
    let vacancy = if kind == Kind::Vacature {
        let tc: Option<String> = r.try_get("time_commitment")?;
        let tc = tc.unwrap_or_default();
        let end: Option<String> = r.try_get("end_date")?;
        Some(Vacancy {
            time_commitment: TimeCommitment::parse(&tc)
                .ok_or_else(|| corrupt("time_commitment", &tc))?,
            hours_per_week: r.try_get("hours_per_week")?,
            talents: Vec::new(),
            end_date: end
                .map(|d| d.parse().map_err(|_| corrupt("end_date", &d)))
                .transpose()?,
        })
    } else {
        None
    };
    Ok(Listing {
        id: r.try_get("id")?,
        external_id: r.try_get("external_id")?,
        kind,
        organisation_id: r.try_get("organisation_id")?,
        organisation_name: r.try_get("organisation_name")?,
        title: r.try_get("title")?,
        summary: r.try_get("summary")?,
        description: r.try_get("description")?,
        themes: Vec::new(),
        wijken: Vec::new(),
        languages: Vec::new(),
        accessibility: Vec::new(),
        whole_municipality: r.try_get::<i64, _>("whole_municipality")? != 0,
        ages,
        location,
        cost: Cost::parse(&cost).ok_or_else(|| corrupt("cost", &cost))?,
        contact: Contact {
            phone: r.try_get("phone")?,
            email: r.try_get("email")?,
            website: r.try_get("website")?,
        },
        schedule: r.try_get("schedule")?,
        status: Status::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        created_at: timestamp(r, "created_at")?,
        updated_at: timestamp(r, "updated_at")?,
        last_verified_at: timestamp(r, "last_verified_at")?,
        version: r.try_get("version")?,
        vacancy,
        referral: Referral {
            phone: r.try_get("referral_phone")?,
            email: r.try_get("referral_email")?,
            notes: r.try_get("referral_notes")?,
        },
        review_note: r.try_get("review_note")?,
        pending: match r.try_get::<Option<String>, _>("pending_content")? {
            None => None,
            Some(content) => {
                let st: Option<String> = r.try_get("pending_status")?;
                let st = st.unwrap_or_default();
                let content =
                    super::decode_content(&content).map_err(|e| corrupt("pending_content", &e))?;
                Some(PendingChange {
                    content: Box::new(content),
                    status: Status::parse(&st).ok_or_else(|| corrupt("pending_status", &st))?,
                    by: r.try_get("pending_by")?,
                    at: optional_timestamp(r, "pending_at")?
                        .ok_or_else(|| corrupt("pending_at", ""))?,
                })
            }
        },
        submitted_by: r.try_get("submitted_by")?,
        submitted_at: optional_timestamp(r, "submitted_at")?,
    })
}

/// An optional float as a text parameter, cast back in SQL. sqlx's Any driver binds a NULL
/// `f64` as `float4` on PostgreSQL, which then clashes with the statement's `float8`
/// parameter; text NULLs have no such problem, and `Display` for f64 round-trips exactly.
pub(super) fn float_param(v: Option<f64>) -> Option<String> {
    v.map(|x| x.to_string())
}

/// `YYYY-MM-DD` as the start of that day in UTC, the stored timestamp format.
pub(super) fn date_to_timestamp(date: chrono::NaiveDate) -> String {
    format!("{}T00:00:00.000Z", date.format("%Y-%m-%d"))
}

impl Store {
    /// One listing with its links, whatever its status.
    pub async fn find_listing(&self, id: i64) -> StoreResult<Listing> {
        let mut found = self.find_listings(&[id]).await?;
        found.pop().ok_or(StoreError::NotFound)
    }

    /// The listings with these ids (missing ids are skipped), ordered by id.
    pub async fn find_listings(&self, ids: &[i64]) -> StoreResult<Vec<Listing>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = id_list(ids);
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{SELECT_LISTING} WHERE l.id IN ({list}) ORDER BY l.id"
        )))
        .fetch_all(&self.pool)
        .await?;
        let filter = format!("listing_id IN ({list})");
        self.attach_links(rows, &filter).await
    }

    /// The "voor verwijzers" details of these listings, in one query (staff search results).
    pub async fn referrals_of(&self, ids: &[i64]) -> StoreResult<HashMap<i64, Referral>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(i64, Option<String>, Option<String>, String)> =
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT id, referral_phone, referral_email, referral_notes FROM listings
                 WHERE id IN ({})",
                id_list(ids)
            )))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, phone, email, notes)| {
                (
                    id,
                    Referral {
                        phone,
                        email,
                        notes,
                    },
                )
            })
            .collect())
    }

    /// The "voor verwijzers" details of the items with these external ids (those that exist),
    /// a few hundred per query: an import from a format without staff-only fields keeps them.
    pub async fn referrals_by_external_ids(
        &self,
        external_ids: &[String],
    ) -> StoreResult<HashMap<String, Referral>> {
        let mut out = HashMap::new();
        for chunk in external_ids.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT external_id, referral_phone, referral_email, referral_notes FROM listings
                 WHERE external_id IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query_as::<_, (String, Option<String>, Option<String>, String)>(
                AssertSqlSafe(sql),
            );
            for id in chunk {
                query = query.bind(id.clone());
            }
            for (id, phone, email, notes) in query.fetch_all(&self.pool).await? {
                out.insert(
                    id,
                    Referral {
                        phone,
                        email,
                        notes,
                    },
                );
            }
        }
        Ok(out)
    }

    /// Up to `limit` listings with id above `after_id`, in id order: the reindex feed.
    pub async fn listings_after(&self, after_id: i64, limit: i64) -> StoreResult<Vec<Listing>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{SELECT_LISTING} WHERE l.id > $1 ORDER BY l.id LIMIT $2"
        )))
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(Vec::new());
        };
        let last_id: i64 = last.try_get("id")?;
        let filter = format!("listing_id > {after_id} AND listing_id <= {last_id}");
        self.attach_links(rows, &filter).await
    }

    /// Published listings of one organisation, by title.
    pub async fn published_listings_of(&self, organisation_id: i64) -> StoreResult<Vec<Listing>> {
        let ids: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM listings WHERE organisation_id = $1 AND status = 'gepubliceerd'",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let ids: Vec<i64> = ids.into_iter().map(|r| r.0).collect();
        let mut listings = self.find_listings(&ids).await?;
        listings.sort_by_key(|l| l.title.to_lowercase());
        Ok(listings)
    }

    /// Reads listing rows plus their taxonomy links (`filter` selects link rows).
    async fn attach_links(&self, rows: Vec<AnyRow>, filter: &str) -> StoreResult<Vec<Listing>> {
        let mut listings = rows
            .iter()
            .map(listing_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        for kind in Store::PLAIN_TERM_LISTS {
            let Some((table, column)) = link_table(kind) else {
                continue;
            };
            let rows: Vec<(i64, String)> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT listing_id, {column} FROM {table} WHERE {filter}
                 ORDER BY listing_id, {column}"
            )))
            .fetch_all(&self.pool)
            .await?;
            let mut by_listing: HashMap<i64, Vec<TermKey>> = HashMap::new();
            for (id, key) in rows {
                by_listing
                    .entry(id)
                    .or_default()
                    .push(stored_key(column, &key)?);
            }
            for l in &mut listings {
                let found = by_listing.remove(&l.id).unwrap_or_default();
                if let Some(keys) = l.term_keys_mut(kind) {
                    *keys = found;
                }
            }
        }
        Ok(listings)
    }

    /// Number of listings, for health and tests.
    pub async fn count_listings(&self) -> StoreResult<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM listings")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Inserts a listing row (without links) and returns its id.
    pub(crate) async fn insert_listing_row(
        tx: &mut Transaction<'_, Any>,
        organisation_id: i64,
        new: &NewListing,
    ) -> StoreResult<i64> {
        use super::bulk::{Marks, ROW_COLUMNS, ROW_FLOATS, ROW_WIDTH, placeholders, row_params};
        let sql = format!(
            "INSERT INTO listings ({ROW_COLUMNS}) VALUES {} RETURNING id",
            placeholders(Marks::of(tx), 1, ROW_WIDTH, &ROW_FLOATS)
        );
        let (id,): (i64,) = sqlx::query_as_with(
            AssertSqlSafe(sql),
            super::bulk::args(row_params(organisation_id, new, &now_iso())),
        )
        .fetch_one(&mut **tx)
        .await?;
        Ok(id)
    }

    /// Overwrites a listing row's content and status, bumping its version. The verification
    /// date changes only when `new.last_verified` is set.
    pub(crate) async fn write_listing_row(
        tx: &mut Transaction<'_, Any>,
        id: i64,
        organisation_id: i64,
        new: &NewListing,
    ) -> StoreResult<()> {
        let now = now_iso();
        let verified = new.last_verified.map(date_to_timestamp);
        let loc = new.location.clone().unwrap_or_default();
        let vac = new.vacancy.as_ref();
        sqlx::query(
                "UPDATE listings SET kind = $1, organisation_id = $2, title = $3, summary = $4,
                     description = $5, whole_municipality = $6, min_age = $7, max_age = $8,
                     address = $9, postcode = $10, city = $11, latitude = CAST($12 AS DOUBLE PRECISION),
                     longitude = CAST($13 AS DOUBLE PRECISION),
                     cost = $14, phone = $15, email = $16, website = $17, schedule = $18,
                     status = $19, time_commitment = $20,
                     hours_per_week = CAST($21 AS DOUBLE PRECISION), end_date = $22,
                     updated_at = $23, last_verified_at = COALESCE($24, last_verified_at),
                     referral_phone = $25, referral_email = $26, referral_notes = $27,
                     version = version + 1
                 WHERE id = $28",
            )
            .bind(new.kind.as_str())
            .bind(organisation_id)
            .bind(new.title.clone())
            .bind(new.summary.clone())
            .bind(new.description.clone())
            .bind(new.whole_municipality as i64)
            .bind(new.ages.min() as i64)
            .bind(new.ages.max() as i64)
            .bind(loc.address)
            .bind(loc.postcode)
            .bind(loc.city)
            .bind(float_param(loc.latitude))
            .bind(float_param(loc.longitude))
            .bind(new.cost.as_str())
            .bind(new.contact.phone.clone())
            .bind(new.contact.email.clone())
            .bind(new.contact.website.clone())
            .bind(new.schedule.clone())
            .bind(new.status.as_str())
            .bind(vac.map(|v| v.time_commitment.as_str()))
            .bind(float_param(vac.and_then(|v| v.hours_per_week)))
            .bind(vac.and_then(|v| v.end_date).map(|d| d.to_string()))
            .bind(now)
            .bind(verified)
            .bind(new.referral.phone.clone())
            .bind(new.referral.email.clone())
            .bind(new.referral.notes.clone())
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Self::replace_links(tx, id, new).await?;
        Ok(())
    }

    pub(crate) async fn listing_in_tx(
        tx: &mut Transaction<'_, Any>,
        id: i64,
    ) -> StoreResult<Listing> {
        let row = sqlx::query(AssertSqlSafe(format!("{SELECT_LISTING} WHERE l.id = $1")))
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
        let mut listing = listing_from_row(&row)?;
        for kind in Store::PLAIN_TERM_LISTS {
            let (Some((table, column)), Some(keys)) =
                (link_table(kind), listing.term_keys_mut(kind))
            else {
                continue;
            };
            *keys = sqlx::query_as::<_, (String,)>(AssertSqlSafe(format!(
                "SELECT {column} FROM {table} WHERE listing_id = $1 ORDER BY {column}"
            )))
            .bind(id)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(|r| stored_key(column, &r.0))
            .collect::<Result<_, _>>()?;
        }
        Ok(listing)
    }

    pub(crate) async fn replace_links(
        tx: &mut Transaction<'_, Any>,
        id: i64,
        new: &NewListing,
    ) -> StoreResult<()> {
        for kind in Store::PLAIN_TERM_LISTS {
            let Some((table, column)) = link_table(kind) else {
                continue;
            };
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE listing_id = $1"
            )))
            .bind(id)
            .execute(&mut **tx)
            .await?;
            for key in new.term_keys(kind) {
                sqlx::query(AssertSqlSafe(format!(
                    "INSERT INTO {table} (listing_id, {column}) VALUES ($1, $2)"
                )))
                .bind(id)
                .bind(key.to_string())
                .execute(&mut **tx)
                .await?;
            }
        }
        Ok(())
    }

    /// Deletes a listing and its links, with an outbox row so every node drops it from search.
    pub async fn delete_listing(&self, id: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for (table, _) in Store::PLAIN_TERM_LISTS.into_iter().filter_map(link_table) {
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE listing_id = $1"
            )))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let deleted = sqlx::query("DELETE FROM listings WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        Self::append_outbox(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// True when storing `new` would not change `current`: the same content (key lists compared
/// as sets), organisation and status, and no newer verification date.
pub(super) fn same_content(current: &Listing, organisation_id: i64, new: &NewListing) -> bool {
    let normal = |mut l: NewListing| {
        for kind in Store::PLAIN_TERM_LISTS {
            if let Some(keys) = l.term_keys_mut(kind) {
                keys.sort();
                keys.dedup();
            }
        }
        l.external_id = None;
        l.last_verified = None;
        l
    };
    let verified_same = new
        .last_verified
        .is_none_or(|d| iso(&current.last_verified_at) == date_to_timestamp(d));
    current.organisation_id == organisation_id
        && verified_same
        && normal(current.to_new()) == normal(new.clone())
}

/// One line of the sitemap: a public item or an organisation with public items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    pub id: i64,
    pub title: String,
    /// `YYYY-MM-DD` of the last change.
    pub last_modified: String,
}

impl Store {
    /// Published items (with their vacancy end date, for the caller to filter on) and the
    /// organisations that have any, for the sitemap.
    pub async fn sitemap_entries(
        &self,
    ) -> StoreResult<(Vec<(SitemapEntry, Option<String>)>, Vec<SitemapEntry>)> {
        let items: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
            "SELECT id, title, updated_at, end_date FROM listings
             WHERE status = 'gepubliceerd' ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        let organisations: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT o.id, o.name, MAX(l.updated_at) FROM organisations o
             JOIN listings l ON l.organisation_id = o.id AND l.status = 'gepubliceerd'
             GROUP BY o.id, o.name ORDER BY o.id",
        )
        .fetch_all(&self.pool)
        .await?;
        let day = |ts: &str| ts.chars().take(10).collect::<String>();
        Ok((
            items
                .into_iter()
                .map(|(id, title, updated, end)| {
                    let last_modified = day(&updated);
                    (
                        SitemapEntry {
                            id,
                            title,
                            last_modified,
                        },
                        end,
                    )
                })
                .collect(),
            organisations
                .into_iter()
                .map(|(id, title, updated)| SitemapEntry {
                    id,
                    title,
                    last_modified: day(&updated),
                })
                .collect(),
        ))
    }
}
