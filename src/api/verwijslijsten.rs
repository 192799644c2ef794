//! `/verwijslijsten`: referral lists for staff, the same lists the website's staff pages
//! show, for other front ends. `/gedeelde-verwijslijsten/{token}`: a shared list, for anyone
//! with the link. The rules live in `crate::referrals`; this module only translates.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::dto::{Link, SelfLink, paged_list};
use super::extract::{ApiPath, JsonObject, QueryPairs, fields_from, parse_paging};
use crate::auth::Caller;
use crate::domain::iso;
use crate::domain::referral::ReferralList;
use crate::error::ApiResult;
use crate::referrals::{self, ShownEntry, ShownList};
use crate::web::item_url;

/// Links of an offer on a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralItemLinks {
    /// The offer in the public API.
    pub aanbod: Link,
    /// The offer's page on the website.
    pub pagina: Link,
}

/// An offer on a referral list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReferralItem {
    /// The offer's id.
    pub id: i64,
    /// `null` when the offer is no longer published.
    pub titel: Option<String>,
    /// False when the offer was taken offline or ended since it was put on the list; a shared
    /// list leaves it out.
    pub beschikbaar: bool,
    /// Why this offer fits: about the offer, never about the client.
    pub notitie: String,
    #[serde(rename = "_links")]
    pub links: ReferralItemLinks,
}

impl ReferralItem {
    fn new(e: ShownEntry) -> ReferralItem {
        let title = e.listing.as_ref().map(|l| l.title.clone());
        ReferralItem {
            id: e.listing_id,
            beschikbaar: e.listing.is_some(),
            notitie: e.note.as_str().to_string(),
            links: ReferralItemLinks {
                aanbod: Link {
                    href: format!("/api/v1/aanbod/{}", e.listing_id),
                },
                pagina: Link {
                    href: item_url(e.listing_id, title.as_deref().unwrap_or("")),
                },
            },
            titel: title,
        }
    }
}

/// A referral list with its offers in order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReferralListResponse {
    pub id: i64,
    #[schema(format = DateTime)]
    pub aangemaakt: String,
    #[schema(format = DateTime)]
    pub gewijzigd: String,
    /// While a share link works: until when. `null` without a working link.
    #[schema(format = DateTime)]
    pub gedeeld_tot: Option<String>,
    pub aanbod: Vec<ReferralItem>,
    #[serde(rename = "_links")]
    pub links: SelfLink,
}

fn list_path(id: i64) -> String {
    format!("/api/v1/verwijslijsten/{id}")
}

impl ReferralListResponse {
    fn new(shown: ShownList) -> ReferralListResponse {
        let l = &shown.list;
        ReferralListResponse {
            id: l.id,
            aangemaakt: iso(&l.created_at),
            gewijzigd: iso(&l.updated_at),
            gedeeld_tot: l.live_share(chrono::Utc::now()).as_ref().map(iso),
            links: SelfLink {
                self_: Link {
                    href: list_path(l.id),
                },
            },
            aanbod: shown.entries.into_iter().map(ReferralItem::new).collect(),
        }
    }
}

/// A list in an overview: its size and state, without the offers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReferralListSummary {
    pub id: i64,
    #[schema(format = DateTime)]
    pub aangemaakt: String,
    #[schema(format = DateTime)]
    pub gewijzigd: String,
    /// Offers on the list.
    pub aantal: usize,
    #[schema(format = DateTime)]
    pub gedeeld_tot: Option<String>,
    #[serde(rename = "_links")]
    pub links: SelfLink,
}

impl From<ReferralList> for ReferralListSummary {
    fn from(l: ReferralList) -> Self {
        ReferralListSummary {
            id: l.id,
            aangemaakt: iso(&l.created_at),
            gewijzigd: iso(&l.updated_at),
            aantal: l.entries.len(),
            gedeeld_tot: l.live_share(chrono::Utc::now()).as_ref().map(iso),
            links: SelfLink {
                self_: Link {
                    href: list_path(l.id),
                },
            },
        }
    }
}

paged_list!(
    /// One page of the caller's referral lists, most recently changed first.
    ReferralListPage of ReferralListSummary
);

async fn shown(state: &AppState, caller: &Caller, id: i64) -> ApiResult<ReferralListResponse> {
    Ok(ReferralListResponse::new(
        referrals::show(&state.store, caller, id).await?,
    ))
}

/// The caller's referral lists (staff, editors, admins).
#[utoipa::path(
    get,
    path = "/verwijslijsten",
    tag = "verwijslijsten",
    params(
        ("page" = Option<u32>, Query, minimum = 1, maximum = 10000),
        ("pageSize" = Option<u32>, Query, minimum = 1, maximum = 100),
    ),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "One page of lists", body = ReferralListPage))
)]
pub async fn list_verwijslijsten(
    State(state): State<AppState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<ReferralListPage>> {
    caller.require_staff()?;
    let (page, size) = parse_paging(&pairs, 100)?;
    let (lists, total) = referrals::lists(&state.store, &caller, page, size).await?;
    Ok(Json(ReferralListPage::new(
        "/api/v1/verwijslijsten",
        &pairs,
        (page, size),
        total,
        lists.into_iter().map(Into::into).collect(),
    )))
}

/// Start a new, empty referral list.
#[utoipa::path(
    post,
    path = "/verwijslijsten",
    tag = "verwijslijsten",
    security(("bearerAuth" = [])),
    responses((status = 201, description = "The new list", body = ReferralListResponse,
        headers(("Location" = String, description = "The new list"))))
)]
pub async fn create_verwijslijst(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Response> {
    let list = referrals::create(&state.store, &caller).await?;
    let body = shown(&state, &caller, list.id).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, list_path(list.id))],
        Json(body),
    )
        .into_response())
}

/// One of the caller's referral lists. Someone else's list is 404.
#[utoipa::path(
    get,
    path = "/verwijslijsten/{id}",
    tag = "verwijslijsten",
    params(("id" = i64, Path, minimum = 1, description = "List id")),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The list", body = ReferralListResponse))
)]
pub async fn get_verwijslijst(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ReferralListResponse>> {
    Ok(Json(shown(&state, &caller, id).await?))
}

/// A new order for a list's offers.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReferralListPatch {
    /// Every offer id on the list, each once, in the new order.
    pub volgorde: Vec<i64>,
}

/// Put a list's offers in a new order.
#[utoipa::path(
    patch,
    path = "/verwijslijsten/{id}",
    tag = "verwijslijsten",
    params(("id" = i64, Path, minimum = 1, description = "List id")),
    request_body(content = ReferralListPatch, content_type = "application/merge-patch+json"),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The list in its new order", body = ReferralListResponse))
)]
pub async fn update_verwijslijst(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<ReferralListResponse>> {
    let patch: ReferralListPatch = fields_from(body, &["volgorde"], &[], "")?;
    referrals::reorder(&state.store, &caller, id, &patch.volgorde).await?;
    Ok(Json(shown(&state, &caller, id).await?))
}

/// Delete a list; its share link stops working.
#[utoipa::path(
    delete,
    path = "/verwijslijsten/{id}",
    tag = "verwijslijsten",
    params(("id" = i64, Path, minimum = 1, description = "List id")),
    security(("bearerAuth" = [])),
    responses((status = 204, description = "Deleted"))
)]
pub async fn delete_verwijslijst(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    referrals::delete(&state.store, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An offer's note on a list.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReferralItemBody {
    /// At most 300 characters of plain text about the offer. Notes that look like personal
    /// data (e-mail addresses, phone numbers, dates of birth, BSN-like numbers) are refused.
    #[schema(max_length = 300)]
    pub notitie: String,
}

/// Put a published offer on a list (at the end), or change its note.
#[utoipa::path(
    put,
    path = "/verwijslijsten/{id}/aanbod/{aanbodId}",
    tag = "verwijslijsten",
    params(
        ("id" = i64, Path, minimum = 1, description = "List id"),
        ("aanbodId" = i64, Path, minimum = 1, description = "Offer id"),
    ),
    request_body = ReferralItemBody,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The note changed", body = ReferralListResponse),
        (status = 201, description = "The offer is on the list", body = ReferralListResponse),
    )
)]
pub async fn put_verwijslijst_aanbod(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, listing_id)): ApiPath<(i64, i64)>,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    let body: ReferralItemBody = fields_from(body, &["notitie"], &[], "")?;
    let added = referrals::put(&state.store, &caller, id, listing_id, &body.notitie).await?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(shown(&state, &caller, id).await?)).into_response())
}

/// Take an offer off a list.
#[utoipa::path(
    delete,
    path = "/verwijslijsten/{id}/aanbod/{aanbodId}",
    tag = "verwijslijsten",
    params(
        ("id" = i64, Path, minimum = 1, description = "List id"),
        ("aanbodId" = i64, Path, minimum = 1, description = "Offer id"),
    ),
    security(("bearerAuth" = [])),
    responses((status = 204, description = "Taken off"))
)]
pub async fn delete_verwijslijst_aanbod(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, listing_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    referrals::remove(&state.store, &caller, id, listing_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new share link.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShareLinkResponse {
    /// The page anyone with the link can open, without logging in. Shown once: the server
    /// keeps only a hash of the token.
    pub url: String,
    /// For `/api/v1/gedeelde-verwijslijsten/{token}`.
    pub token: String,
    #[schema(format = DateTime)]
    pub geldig_tot: String,
}

/// Share a list: a new unguessable link that works for the configured time (default 30
/// days). An earlier link of the list stops working.
#[utoipa::path(
    post,
    path = "/verwijslijsten/{id}/deellinks",
    tag = "verwijslijsten",
    params(("id" = i64, Path, minimum = 1, description = "List id")),
    security(("bearerAuth" = [])),
    responses((status = 201, description = "The link", body = ShareLinkResponse))
)]
pub async fn create_deellink(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let link = referrals::share(&state.store, &caller, id, state.site.share_link).await?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        Json(ShareLinkResponse {
            url: format!("{}/lijst/{}", state.site.public_url, link.token),
            geldig_tot: iso(&link.until),
            token: link.token,
        }),
    )
        .into_response())
}

/// Revoke a list's share link at once.
#[utoipa::path(
    delete,
    path = "/verwijslijsten/{id}/deellinks/huidige",
    tag = "verwijslijsten",
    params(("id" = i64, Path, minimum = 1, description = "List id")),
    security(("bearerAuth" = [])),
    responses((status = 204, description = "The link no longer works"))
)]
pub async fn delete_deellink(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    referrals::revoke(&state.store, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An offer on a shared list: public data and the note.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SharedItem {
    pub id: i64,
    pub titel: String,
    /// `voorziening`, `initiatief` or `vacature`.
    pub soort: String,
    pub samenvatting: String,
    pub organisatie: String,
    pub notitie: String,
    #[serde(rename = "_links")]
    pub links: ReferralItemLinks,
}

/// A shared referral list: only published offers, with their notes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SharedListResponse {
    #[schema(format = DateTime)]
    pub aangemaakt: String,
    /// The link works until this moment.
    #[schema(format = DateTime)]
    pub geldig_tot: String,
    pub aanbod: Vec<SharedItem>,
}

/// A shared referral list, for anyone with the link. Unknown, expired and revoked links are
/// all 404.
#[utoipa::path(
    get,
    path = "/gedeelde-verwijslijsten/{token}",
    tag = "verwijslijsten",
    params(("token" = String, Path, max_length = 100, description = "The token of the share link")),
    responses((status = 200, description = "The list", body = SharedListResponse))
)]
pub async fn get_gedeelde_verwijslijst(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<Response> {
    let shown = referrals::shared(&state.store, &token).await?;
    let until = shown
        .list
        .shared_until
        .as_ref()
        .map(iso)
        .unwrap_or_default();
    let body = SharedListResponse {
        aangemaakt: iso(&shown.list.created_at),
        geldig_tot: until,
        aanbod: shown
            .entries
            .into_iter()
            .filter_map(|e| {
                let l = e.listing?;
                Some(SharedItem {
                    id: l.id,
                    links: ReferralItemLinks {
                        aanbod: Link {
                            href: format!("/api/v1/aanbod/{}", l.id),
                        },
                        pagina: Link {
                            href: item_url(l.id, &l.title),
                        },
                    },
                    titel: l.title,
                    soort: l.kind.as_str().into(),
                    samenvatting: l.summary,
                    organisatie: l.organisation_name,
                    notitie: e.note.as_str().to_string(),
                })
            })
            .collect(),
    };
    // The link is the key: keep it out of shared caches and search engines.
    Ok((
        [
            (header::CACHE_CONTROL, "private, no-store"),
            (header::HeaderName::from_static("x-robots-tag"), "noindex"),
        ],
        Json(body),
    )
        .into_response())
}
