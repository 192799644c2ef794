//! `/api/v1/hsds/`: the public offer, read-only, as the Open Referral HSDS 3.0 API reference
//! describes it, so a client written for HSDS works unchanged. Its names are the standard's
//! (English, snake_case), which the Dutch API Design Rules would not allow; that is why it has
//! its own OpenAPI document (`/api/v1/hsds/openapi.json`) and is left out of the main one.
//! Errors are problem+json in Dutch, as everywhere in this API.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::AppState;
use super::extract::{ApiPath, QueryPairs};
use crate::domain::listing::today;
use crate::domain::taxonomy::TermKind;
use crate::domain::{FieldErrors, Listing};
use crate::error::{ApiError, ApiResult};
use crate::import_export::hsds::export::{self, Context};
use crate::import_export::hsds::wire::{
    Organization, Service, ServiceAtLocation, ServiceSummary, TaxonomyTerm,
};
use crate::import_export::hsds::{
    Entity, FEATURE_END_DATE, FEATURE_HOURS, FEATURE_WHOLE_MUNICIPALITY, Vocabulary,
    decode_local_id,
};
use crate::store::{ExternalTable, PublicFilter};

/// Most objects on one page, and the default.
pub const MAX_PER_PAGE: u32 = 200;
pub const DEFAULT_PER_PAGE: u32 = 50;
/// Longest value of a filter (ids are UUIDs; external ids at most 100 characters).
pub const MAX_VALUE_CHARS: usize = 100;
/// Highest page number: deep enough for 2 million objects at the largest page size.
pub const MAX_PAGE: u32 = 10_000;

pub fn routes() -> Router<AppState> {
    let doc = Arc::new(openapi_document().to_string());
    Router::new()
        .route("/", get(about))
        .route(
            "/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move {
                    (
                        [
                            (header::CONTENT_TYPE, "application/json"),
                            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
                        ],
                        (*doc).clone(),
                    )
                }
            }),
        )
        .route("/services", get(list_services))
        .route("/services/{id}", get(get_service))
        .route("/organizations", get(list_organizations))
        .route("/organizations/{id}", get(get_organization))
        .route("/taxonomies", get(list_taxonomies))
        .route("/taxonomies/{id}", get(get_taxonomy))
        .route("/taxonomy_terms", get(list_taxonomy_terms))
        .route("/taxonomy_terms/{id}", get(get_taxonomy_term))
        .route("/service_at_locations", get(list_service_at_locations))
        .route("/service_at_locations/{id}", get(get_service_at_location))
}

/// The OpenAPI document of this API (committed as `openapi/hsds.json`).
pub fn openapi_document() -> serde_json::Value {
    match serde_json::from_str(include_str!("../../openapi/hsds.json")) {
        Ok(doc) => doc,
        Err(_) => serde_json::json!({}),
    }
}

/// A page as the HSDS API reference gives it.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub total_items: i64,
    pub total_pages: i64,
    pub page_number: u32,
    pub size: usize,
    pub first_page: bool,
    pub last_page: bool,
    pub empty: bool,
    pub contents: Vec<T>,
}

impl<T> Page<T> {
    fn new(contents: Vec<T>, total: i64, paging: Paging) -> Page<T> {
        let per = i64::from(paging.per_page);
        let total_pages = (total + per - 1) / per;
        Page {
            total_items: total,
            total_pages,
            page_number: paging.page,
            size: contents.len(),
            first_page: paging.page == 1,
            last_page: i64::from(paging.page) >= total_pages,
            empty: contents.is_empty(),
            contents,
        }
    }

    /// One page of a list that is all in memory.
    fn of(all: Vec<T>, paging: Paging) -> Page<T> {
        let total = all.len() as i64;
        let contents = all
            .into_iter()
            .skip(paging.offset() as usize)
            .take(paging.per_page as usize)
            .collect();
        Page::new(contents, total, paging)
    }
}

#[derive(Debug, Clone, Copy)]
struct Paging {
    page: u32,
    per_page: u32,
}

impl Paging {
    fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}

/// The query of a list: paging plus the filters `allowed` names; anything else is refused,
/// every offending parameter named.
struct ListQuery {
    paging: Paging,
    values: Vec<(String, String)>,
}

impl ListQuery {
    /// The query, with the errors of its paging and unknown parameters (the caller adds its
    /// filters' errors, so one 400 names them all).
    fn parse(pairs: Vec<(String, String)>, allowed: &[&str]) -> (ListQuery, FieldErrors) {
        let mut e = FieldErrors::new();
        let mut paging = Paging {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        };
        let mut values = Vec::new();
        for (k, v) in pairs {
            match k.as_str() {
                "page" => match v.parse::<u32>() {
                    Ok(p) if (1..=MAX_PAGE).contains(&p) => paging.page = p,
                    _ => e.add(
                        "page",
                        format!("moet een geheel getal van 1 tot en met {MAX_PAGE} zijn"),
                    ),
                },
                "per_page" => match v.parse::<u32>() {
                    Ok(p) if (1..=MAX_PER_PAGE).contains(&p) => paging.per_page = p,
                    _ => e.add(
                        "per_page",
                        format!("moet een geheel getal van 1 tot en met {MAX_PER_PAGE} zijn"),
                    ),
                },
                key if allowed.contains(&key) => {
                    if v.chars().count() > MAX_VALUE_CHARS {
                        e.add(key, format!("hoogstens {MAX_VALUE_CHARS} tekens"));
                    } else if values.iter().any(|(seen, _)| seen == key) {
                        e.add(key, "mag maar één keer voorkomen");
                    } else {
                        values.push((k, v));
                    }
                }
                other => {
                    let mut all = vec!["page", "per_page"];
                    all.extend_from_slice(allowed);
                    e.add(
                        other.chars().take(64).collect::<String>(),
                        format!("onbekende parameter; toegestaan: {}", all.join(", ")),
                    )
                }
            }
        }
        (ListQuery { paging, values }, e)
    }

    /// A query without filters of its own.
    fn plain(pairs: Vec<(String, String)>, allowed: &[&str]) -> ApiResult<ListQuery> {
        let (query, e) = ListQuery::parse(pairs, allowed);
        e.finish(|| query).map_err(ApiError::from)
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean parameter (`true` or `false`).
    fn flag(&self, key: &str, e: &mut FieldErrors) -> bool {
        match self.get(key) {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                e.add(key, "moet true of false zijn");
                false
            }
        }
    }
}

/// The taxonomy (from the cache the indexer keeps current) and the site's settings.
fn context(state: &AppState) -> (Arc<crate::index::FacetSpace>, Arc<crate::web::Site>) {
    (state.index.facet_space(), state.site.clone())
}

/// HSDS: information about this API.
pub async fn about(State(state): State<AppState>) -> Response {
    Json(export::about(&state.site.public_url)).into_response()
}

/// The item behind an HSDS service id, when it is public.
async fn public_listing(state: &AppState, entity: Entity, id: &str) -> ApiResult<Listing> {
    let listing_id = match decode_local_id(entity, id) {
        Some(n) => n,
        None if entity == Entity::Service && uuid::Uuid::parse_str(id).is_ok() => state
            .store
            .id_by_external_id(ExternalTable::Listings, id)
            .await?
            .ok_or(ApiError::NotFound)?,
        None => return Err(ApiError::NotFound),
    };
    let listing = state.store.find_listing(listing_id).await?;
    // One id per item: an item known by its own UUID is not also found by the encoded one.
    let canonical = match entity {
        Entity::Service => export::service_id(&listing),
        Entity::Location => export::location_id(listing.id),
        _ => export::service_at_location_id(listing.id),
    };
    if !listing.is_public_on(today()) || canonical != id.to_lowercase() {
        return Err(ApiError::NotFound);
    }
    Ok(listing)
}

async fn organisation_hsds_id(state: &AppState, organisation_id: i64) -> ApiResult<String> {
    let o = state.store.find_organisation(organisation_id).await?;
    Ok(export::organization_id(&o))
}

/// HSDS: one service, fully nested (with its organization).
async fn get_service(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Service>> {
    let listing = public_listing(&state, Entity::Service, &id).await?;
    let org = state
        .store
        .find_organisation(listing.organisation_id)
        .await?;
    let (taxonomy, site) = context(&state);
    let cx = Context {
        taxonomy: &taxonomy.taxonomy,
        municipality: &site.municipality,
        province: &site.province,
    };
    Ok(Json(export::service(
        &listing,
        &export::organization_id(&org),
        Some(export::organization(&org)),
        &cx,
    )))
}

/// The filter a `taxonomy_term_id` stands for.
fn term_filter(
    id: &str,
    taxonomy: &crate::domain::Taxonomy,
    filter: &mut PublicFilter,
) -> Result<(), &'static str> {
    let term = export::taxonomy_terms(taxonomy)
        .into_iter()
        .find(|t| t.id == id.to_lowercase())
        .ok_or("onbekende term")?;
    let code = term.code.unwrap_or_default();
    let vocabulary = term
        .taxonomy
        .as_deref()
        .and_then(Vocabulary::parse)
        .ok_or("onbekende term")?;
    match vocabulary {
        Vocabulary::Kind => filter.column = Some(("kind", code)),
        Vocabulary::Cost => filter.column = Some(("cost", code)),
        Vocabulary::TimeCommitment => filter.column = Some(("time_commitment", code)),
        Vocabulary::Feature => match code.as_str() {
            FEATURE_WHOLE_MUNICIPALITY => filter.whole_municipality = true,
            FEATURE_HOURS => filter.column = Some(("kind", "vacature".into())),
            FEATURE_END_DATE => filter.column = Some(("kind", "vacature".into())),
            _ => {}
        },
        Vocabulary::Terms(TermKind::AgeGroup) => {
            let group = taxonomy.age_group(&code).ok_or("onbekende term")?;
            filter.ages = Some((group.min_age, group.max_age));
        }
        Vocabulary::Terms(kind) => filter.term = Some((kind, code)),
    }
    Ok(())
}

/// The filters of `/services` and `/service_at_locations`.
async fn public_filter(
    state: &AppState,
    query: &ListQuery,
    e: &mut FieldErrors,
) -> ApiResult<PublicFilter> {
    let mut filter = PublicFilter::default();
    if let Some(id) = query.get("organization_id") {
        filter.organisation_id = Some(
            match decode_local_id(Entity::Organization, id) {
                Some(n) => Some(n),
                None => {
                    state
                        .store
                        .id_by_external_id(ExternalTable::Organisations, id)
                        .await?
                }
            }
            // No such organisation: an empty list, as for one without items.
            .unwrap_or(0),
        );
    }
    if let Some(id) = query.get("taxonomy_term_id") {
        let (taxonomy, _) = context(state);
        if let Err(reason) = term_filter(id, &taxonomy.taxonomy, &mut filter) {
            e.add("taxonomy_term_id", reason);
        }
    }
    if let Some(moment) = query.get("modified_after") {
        match chrono::DateTime::parse_from_rfc3339(moment) {
            Ok(t) => {
                filter.modified_after = Some(crate::domain::iso(&t.with_timezone(&chrono::Utc)))
            }
            Err(_) => e.add(
                "modified_after",
                "moet een datum en tijd zijn zoals 2026-12-01T09:00:00Z",
            ),
        }
    }
    Ok(filter)
}

/// HSDS: the public services, by id; one-to-one fields, or fully nested with `full=true`.
async fn list_services(
    State(state): State<AppState>,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Response> {
    let (query, mut e) = ListQuery::parse(
        pairs,
        &[
            "organization_id",
            "taxonomy_term_id",
            "modified_after",
            "full",
        ],
    );
    let full = query.flag("full", &mut e);
    let filter = public_filter(&state, &query, &mut e).await?;
    e.finish(|| ()).map_err(ApiError::from)?;
    let (listings, total) = state
        .store
        .public_listings_page(
            &filter,
            today(),
            query.paging.offset(),
            query.paging.per_page.into(),
        )
        .await?;
    let services = services_of(&state, &listings).await?;
    Ok(if full {
        Json(Page::new(services, total, query.paging)).into_response()
    } else {
        let summaries: Vec<ServiceSummary> = services.into_iter().map(Into::into).collect();
        Json(Page::new(summaries, total, query.paging)).into_response()
    })
}

async fn services_of(state: &AppState, listings: &[Listing]) -> ApiResult<Vec<Service>> {
    let (taxonomy, site) = context(state);
    let cx = Context {
        taxonomy: &taxonomy.taxonomy,
        municipality: &site.municipality,
        province: &site.province,
    };
    let mut org_ids = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(listings.len());
    for l in listings {
        if let std::collections::hash_map::Entry::Vacant(slot) = org_ids.entry(l.organisation_id) {
            slot.insert(organisation_hsds_id(state, l.organisation_id).await?);
        }
        out.push(export::service(l, &org_ids[&l.organisation_id], None, &cx));
    }
    Ok(out)
}

/// HSDS: the organisations, by id.
async fn list_organizations(
    State(state): State<AppState>,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<Page<Organization>>> {
    let query = ListQuery::plain(pairs, &[])?;
    let (orgs, total) = state
        .store
        .organisations_by_id(query.paging.offset(), query.paging.per_page.into())
        .await?;
    let contents = orgs.iter().map(export::organization).collect();
    Ok(Json(Page::new(contents, total, query.paging)))
}

/// HSDS: one organisation.
async fn get_organization(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Organization>> {
    let found = match decode_local_id(Entity::Organization, &id) {
        Some(n) => Some(n),
        None if uuid::Uuid::parse_str(&id).is_ok() => {
            state
                .store
                .id_by_external_id(ExternalTable::Organisations, &id)
                .await?
        }
        None => None,
    };
    let org = state
        .store
        .find_organisation(found.ok_or(ApiError::NotFound)?)
        .await?;
    let hsds = export::organization(&org);
    if hsds.id != id.to_lowercase() {
        return Err(ApiError::NotFound);
    }
    Ok(Json(hsds))
}

/// HSDS: the taxonomies Wegwijzer publishes.
async fn list_taxonomies(
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<Page<crate::import_export::hsds::wire::Taxonomy>>> {
    let query = ListQuery::plain(pairs, &[])?;
    Ok(Json(Page::of(export::taxonomies(), query.paging)))
}

async fn get_taxonomy(
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<crate::import_export::hsds::wire::Taxonomy>> {
    export::taxonomies()
        .into_iter()
        .find(|t| t.id == id.to_lowercase())
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// HSDS: every term of every taxonomy, or of one (`taxonomy_id`).
async fn list_taxonomy_terms(
    State(state): State<AppState>,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<Page<TaxonomyTerm>>> {
    let query = ListQuery::plain(pairs, &["taxonomy_id"])?;
    let (taxonomy, _) = context(&state);
    let mut terms = export::taxonomy_terms(&taxonomy.taxonomy);
    if let Some(id) = query.get("taxonomy_id") {
        let id = id.to_lowercase();
        terms.retain(|t| t.taxonomy_id.as_deref() == Some(id.as_str()));
    }
    Ok(Json(Page::of(terms, query.paging)))
}

async fn get_taxonomy_term(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<TaxonomyTerm>> {
    let (taxonomy, _) = context(&state);
    export::taxonomy_terms(&taxonomy.taxonomy)
        .into_iter()
        .find(|t| t.id == id.to_lowercase())
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// HSDS: where the public services are, each with its location nested.
async fn list_service_at_locations(
    State(state): State<AppState>,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<Page<ServiceAtLocation>>> {
    let (query, mut e) = ListQuery::parse(
        pairs,
        &["organization_id", "taxonomy_term_id", "modified_after"],
    );
    let mut filter = public_filter(&state, &query, &mut e).await?;
    e.finish(|| ()).map_err(ApiError::from)?;
    filter.with_place = true;
    let (listings, total) = state
        .store
        .public_listings_page(
            &filter,
            today(),
            query.paging.offset(),
            query.paging.per_page.into(),
        )
        .await?;
    let contents = services_of(&state, &listings)
        .await?
        .into_iter()
        .flat_map(|s| s.service_at_locations)
        .collect();
    Ok(Json(Page::new(contents, total, query.paging)))
}

async fn get_service_at_location(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ServiceAtLocation>> {
    let listing = public_listing(&state, Entity::ServiceAtLocation, &id).await?;
    services_of(&state, std::slice::from_ref(&listing))
        .await?
        .pop()
        .and_then(|s| s.service_at_locations.into_iter().next())
        .map(Json)
        .ok_or(ApiError::NotFound)
}
