//! Imports in bulk: items are written a few hundred per statement instead of one statement
//! per row. Every statement is a hand-off to the database driver's thread (SQLite) or a round
//! trip (PostgreSQL); per row that cost dominated an import (#14: 93 s for 100k items, half of
//! it in the kernel). The rows, revisions and outbox entries are the same as one at a time,
//! in the caller's one transaction.

use std::collections::HashMap;

use sqlx::any::AnyArguments;
use sqlx::{Any, AssertSqlSafe, Transaction};

use super::listings::{
    SELECT_LISTING, date_to_timestamp, float_param, listing_from_row, same_content, stored_key,
};
use super::taxonomy::link_table;
use super::{NewRevision, Store, StoreError, StoreResult, Upsert, id_list};
use crate::domain::content::diff;
use crate::domain::{Listing, NewListing, TermKey, now_iso};

/// Items per multi-row statement: 500 × 30 parameters (an item row, the widest) stays under
/// SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
const CHUNK: usize = 500;

/// A bound value with its SQL type (PostgreSQL refuses a text NULL for an integer column).
pub(super) enum Param {
    Text(Option<String>),
    Int(Option<i64>),
}

impl From<String> for Param {
    fn from(s: String) -> Self {
        Param::Text(Some(s))
    }
}

impl From<&str> for Param {
    fn from(s: &str) -> Self {
        Param::Text(Some(s.to_string()))
    }
}

impl From<Option<String>> for Param {
    fn from(s: Option<String>) -> Self {
        Param::Text(s)
    }
}

impl From<i64> for Param {
    fn from(i: i64) -> Self {
        Param::Int(Some(i))
    }
}

/// How a statement numbers its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marks {
    /// `$1, $2, …` (PostgreSQL).
    Numbered,
    /// `?, ?, …` in order (SQLite). SQLite finds a named parameter by a linear search, and
    /// the driver asks for every parameter's name, so numbered marks cost the square of their
    /// count: most of an import's time with a few thousand per statement.
    Anonymous,
}

impl Marks {
    pub(super) fn of(tx: &Transaction<'_, Any>) -> Marks {
        if tx.backend_name() == "SQLite" {
            Marks::Anonymous
        } else {
            Marks::Numbered
        }
    }
}

/// `($1, …, $width), ($width+1, …)` (or `?`s) for `rows` rows; the 0-based columns in
/// `floats` are cast to double precision (they travel as text, see `float_param`).
pub(super) fn placeholders(marks: Marks, rows: usize, width: usize, floats: &[usize]) -> String {
    let mut out = String::with_capacity(rows * width * 6);
    for row in 0..rows {
        out.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..width {
            if col > 0 {
                out.push_str(", ");
            }
            let mark = match marks {
                Marks::Numbered => format!("${}", row * width + col + 1),
                Marks::Anonymous => "?".to_string(),
            };
            if floats.contains(&col) {
                out.push_str(&format!("CAST({mark} AS DOUBLE PRECISION)"));
            } else {
                out.push_str(&mark);
            }
        }
        out.push(')');
    }
    out
}

/// The columns of a new item row, in the order of [`row_params`].
pub(super) const ROW_COLUMNS: &str = "external_id, kind, organisation_id, title, summary,
    description, whole_municipality, min_age, max_age, address, postcode, city, latitude,
    longitude, cost, phone, email, website, schedule, status, time_commitment, hours_per_week,
    end_date, created_at, updated_at, last_verified_at, version, referral_phone, referral_email,
    referral_notes";
/// Parameters per item row.
pub(super) const ROW_WIDTH: usize = 30;
/// The 0-based columns of [`ROW_COLUMNS`] that hold floats.
pub(super) const ROW_FLOATS: [usize; 3] = [12, 13, 21];

/// The parameters of a new item row (version 1), in the order of [`ROW_COLUMNS`].
pub(super) fn row_params(organisation_id: i64, new: &NewListing, now: &str) -> Vec<Param> {
    let loc = new.location.clone().unwrap_or_default();
    let vac = new.vacancy.as_ref();
    let verified = new
        .last_verified
        .map(date_to_timestamp)
        .unwrap_or_else(|| now.to_string());
    vec![
        new.external_id.clone().into(),
        new.kind.as_str().into(),
        organisation_id.into(),
        new.title.clone().into(),
        new.summary.clone().into(),
        new.description.clone().into(),
        (new.whole_municipality as i64).into(),
        (new.ages.min() as i64).into(),
        (new.ages.max() as i64).into(),
        loc.address.into(),
        loc.postcode.into(),
        loc.city.into(),
        float_param(loc.latitude).into(),
        float_param(loc.longitude).into(),
        new.cost.as_str().into(),
        new.contact.phone.clone().into(),
        new.contact.email.clone().into(),
        new.contact.website.clone().into(),
        new.schedule.clone().into(),
        new.status.as_str().into(),
        vac.map(|v| v.time_commitment.as_str().to_string()).into(),
        float_param(vac.and_then(|v| v.hours_per_week)).into(),
        vac.and_then(|v| v.end_date).map(|d| d.to_string()).into(),
        now.into(),
        now.into(),
        verified.into(),
        1i64.into(),
        new.referral.phone.clone().into(),
        new.referral.email.clone().into(),
        new.referral.notes.clone().into(),
    ]
}

impl Store {
    /// Inserts or updates items by external id, in order, in bulk; returns what happened to
    /// each. An identical re-import changes nothing (no version bump, no outbox row); a change
    /// or a new item gets a revision "geimporteerd" and an outbox row, as any edit does.
    pub(crate) async fn import_listings(
        tx: &mut Transaction<'_, Any>,
        items: &[(i64, &NewListing)],
    ) -> StoreResult<Vec<Upsert>> {
        let mut out = Vec::with_capacity(items.len());
        for chunk in items.chunks(CHUNK) {
            out.extend(Self::import_chunk(tx, chunk).await?);
        }
        Ok(out)
    }

    async fn import_chunk(
        tx: &mut Transaction<'_, Any>,
        chunk: &[(i64, &NewListing)],
    ) -> StoreResult<Vec<Upsert>> {
        let external: Vec<String> = chunk
            .iter()
            .filter_map(|(_, l)| l.external_id.clone())
            .collect();
        let existing = Self::ids_by_external_id(tx, &external).await?;
        let ids: Vec<i64> = existing.values().copied().collect();
        let mut current: HashMap<i64, Listing> = Self::listings_in_tx(tx, &ids)
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
        let mut outcomes: Vec<Option<Upsert>> = Vec::with_capacity(chunk.len());
        let mut fresh: Vec<(usize, i64, &NewListing)> = Vec::new();
        for (i, (organisation_id, new)) in chunk.iter().enumerate() {
            let known = new.external_id.as_ref().and_then(|e| existing.get(e));
            match known.and_then(|id| current.remove(id)) {
                Some(before) => {
                    outcomes.push(Some(
                        Self::update_imported(tx, &before, *organisation_id, new).await?,
                    ));
                }
                None => {
                    outcomes.push(None);
                    fresh.push((i, *organisation_id, new));
                }
            }
        }
        let created = Self::insert_fresh(tx, &fresh).await?;
        for ((i, _, _), id) in fresh.iter().zip(created) {
            outcomes[*i] = Some(Upsert::Created(id));
        }
        Ok(outcomes.into_iter().flatten().collect())
    }

    /// The ids of the items with these external ids (those that exist).
    async fn ids_by_external_id(
        tx: &mut Transaction<'_, Any>,
        external: &[String],
    ) -> StoreResult<HashMap<String, i64>> {
        if external.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT external_id, id FROM listings WHERE external_id IN {}",
            placeholders(Marks::of(tx), 1, external.len(), &[])
        );
        let rows: Vec<(String, i64)> = sqlx::query_as_with(
            AssertSqlSafe(sql),
            args(external.iter().map(|e| Param::from(e.clone()))),
        )
        .fetch_all(&mut **tx)
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// The items with these ids and their links, read inside the transaction.
    pub(crate) async fn listings_in_tx(
        tx: &mut Transaction<'_, Any>,
        ids: &[i64],
    ) -> StoreResult<Vec<Listing>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = id_list(ids);
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{SELECT_LISTING} WHERE l.id IN ({list})"
        )))
        .fetch_all(&mut **tx)
        .await?;
        let mut listings = rows
            .iter()
            .map(listing_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        for kind in Store::PLAIN_TERM_LISTS {
            let Some((table, column)) = link_table(kind) else {
                continue;
            };
            let rows: Vec<(i64, String)> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT listing_id, {column} FROM {table} WHERE listing_id IN ({list})
                 ORDER BY listing_id, {column}"
            )))
            .fetch_all(&mut **tx)
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

    /// An existing item from an import: unchanged, or rewritten with a revision and an outbox
    /// row.
    async fn update_imported(
        tx: &mut Transaction<'_, Any>,
        current: &Listing,
        organisation_id: i64,
        new: &NewListing,
    ) -> StoreResult<Upsert> {
        if same_content(current, organisation_id, new) {
            return Ok(Upsert::Unchanged(current.id));
        }
        Self::write_listing_row(tx, current.id, organisation_id, new).await?;
        let changed = diff(Some(&current.to_new()), new);
        Self::insert_revision(
            tx,
            NewRevision {
                listing_id: current.id,
                listing_version: current.version + 1,
                action: "geimporteerd",
                status: new.status.as_str(),
                user_id: None,
                user_name: "import",
                changed_fields: changed.into_iter().map(|c| c.field).collect(),
                content: new.clone(),
                note: None,
            },
        )
        .await?;
        Self::append_outbox(tx, current.id).await?;
        Ok(Upsert::Updated(current.id))
    }

    /// New items: their rows, links, first revisions and outbox rows, a statement each per
    /// chunk. Returns the new ids in order.
    async fn insert_fresh(
        tx: &mut Transaction<'_, Any>,
        fresh: &[(usize, i64, &NewListing)],
    ) -> StoreResult<Vec<i64>> {
        if fresh.is_empty() {
            return Ok(Vec::new());
        }
        let now = now_iso();
        let mut ids = Vec::with_capacity(fresh.len());
        // Items without an external id cannot be matched to the ids RETURNING gives back
        // (its order is not promised): one at a time. Imports always have one.
        let (keyed, loose): (Vec<_>, Vec<_>) =
            fresh.iter().partition(|(_, _, l)| l.external_id.is_some());
        let mut by_external = HashMap::new();
        if !keyed.is_empty() {
            let params: Vec<Param> = keyed
                .iter()
                .flat_map(|(_, org, l)| row_params(*org, l, &now))
                .collect();
            let sql = format!(
                "INSERT INTO listings ({ROW_COLUMNS}) VALUES {} RETURNING id, external_id",
                placeholders(Marks::of(tx), keyed.len(), ROW_WIDTH, &ROW_FLOATS)
            );
            let rows: Vec<(i64, String)> = sqlx::query_as_with(AssertSqlSafe(sql), args(params))
                .fetch_all(&mut **tx)
                .await?;
            by_external = rows.into_iter().map(|(id, e)| (e, id)).collect();
        }
        let mut loose_ids = Vec::new();
        for (_, org, l) in &loose {
            loose_ids.push(Self::insert_listing_row(tx, *org, l).await?);
        }
        let mut loose_ids = loose_ids.into_iter();
        for (_, _, l) in fresh {
            let id = match &l.external_id {
                Some(e) => by_external.get(e).copied(),
                None => loose_ids.next(),
            };
            ids.push(id.ok_or_else(|| {
                StoreError::Db(sqlx::Error::Protocol(
                    "een nieuw item kwam niet terug uit INSERT ... RETURNING".into(),
                ))
            })?);
        }
        // Links, one statement per list.
        for kind in Store::PLAIN_TERM_LISTS {
            let Some((table, column)) = link_table(kind) else {
                continue;
            };
            let pairs: Vec<(i64, String)> = fresh
                .iter()
                .zip(&ids)
                .flat_map(|((_, _, l), id)| l.term_keys(kind).iter().map(|k| (*id, k.to_string())))
                .collect();
            for part in pairs.chunks(CHUNK * 4) {
                let params: Vec<Param> = part
                    .iter()
                    .flat_map(|(id, key)| [Param::from(*id), Param::from(key.clone())])
                    .collect();
                let sql = format!(
                    "INSERT INTO {table} (listing_id, {column}) VALUES {}",
                    placeholders(Marks::of(tx), part.len(), 2, &[])
                );
                sqlx::query_with(AssertSqlSafe(sql), args(params))
                    .execute(&mut **tx)
                    .await?;
            }
        }
        // First revisions: what the import wrote.
        let params: Vec<Param> = fresh
            .iter()
            .zip(&ids)
            .flat_map(|((_, _, l), id)| {
                let changed: Vec<String> = diff(None, l).into_iter().map(|c| c.field).collect();
                [
                    Param::from(*id),
                    Param::from(1i64),
                    Param::from("geimporteerd"),
                    Param::from(l.status.as_str()),
                    Param::Int(None),
                    Param::from("import"),
                    Param::from(now.clone()),
                    Param::from(serde_json::to_string(&changed).unwrap_or_else(|_| "[]".into())),
                    Param::from(super::encode_content(l)),
                    Param::Text(None),
                ]
            })
            .collect();
        let sql = format!(
            "INSERT INTO revisions (listing_id, listing_version, action, status, user_id,
                 user_name, created_at, changed_fields, content, note) VALUES {}",
            placeholders(Marks::of(tx), fresh.len(), 10, &[])
        );
        sqlx::query_with(AssertSqlSafe(sql), args(params))
            .execute(&mut **tx)
            .await?;
        Self::append_listing_changes(tx, &ids).await?;
        Ok(ids)
    }
}

/// Arguments for `query_as_with`, bound in order.
pub(super) fn args(params: impl IntoIterator<Item = Param>) -> AnyArguments {
    use sqlx::Arguments as _;
    let mut args = AnyArguments::default();
    for p in params {
        // Binding a plain value to `AnyArguments` cannot fail.
        let _ = match p {
            Param::Text(t) => args.add(t),
            Param::Int(i) => args.add(i),
        };
    }
    args
}
