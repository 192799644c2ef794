//! `/beheer/aanbod`: partners and editors create and edit items, submit them, review them,
//! archive them, confirm they are current, and read their revisions.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::super::AppState;
use super::super::content::{CONTENT_FIELDS, FieldChangeResponse, ListingContent};
use super::super::dto::{Link, OrganisationRef, paged_list};
use super::super::extract::{ApiPath, IfMatch, JsonObject, QueryPairs, etag, fields_from};
use crate::auth::Caller;
use crate::domain::content::{ListingInput, diff};
use crate::domain::{FieldErrors, Listing, Status, iso};
use crate::error::{ApiError, ApiResult};
use crate::store::{ManagedFilter, RevisionRecord};
use crate::workflow::{self, Decision, Saved};

/// Fields of the representation that nobody sets through the content: the workflow and the
/// server own them.
const SERVER_FIELDS: &[&str] = &[
    "id",
    "status",
    "versie",
    "organisatie",
    "organisatieId",
    "externId",
    "aangemaakt",
    "gewijzigd",
    "laatstGecontroleerd",
    "ingediend",
    "redenTeruggestuurd",
    "wijziging",
    "gepubliceerd",
    "inhoud",
];
const NOT_YOURS: &str = "dit veld mag u niet zetten; de server of de redactie beheert het";

/// Items not verified for this long count as stale.
pub const STALE_AFTER_DAYS: i64 = 183;

/// A change to a published item that waits for review, or was sent back.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PendingResponse {
    /// `ter-beoordeling` or `teruggestuurd`.
    pub status: String,
    #[schema(format = DateTime)]
    pub voorgesteld: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ManagedLinks {
    #[serde(rename = "self")]
    pub self_: Link,
    pub revisies: Link,
    /// The public page, when the item is published.
    pub openbaar: Option<Link>,
}

/// An item as its partner and the editors see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManagedListing {
    pub id: i64,
    /// `concept`, `ter-beoordeling`, `teruggestuurd`, `gepubliceerd` or `gearchiveerd`.
    pub status: String,
    /// Also the `ETag`; send it as `If-Match` when changing the item.
    pub versie: i64,
    pub organisatie: OrganisationRef,
    /// The editable content: what `PUT` takes. With a pending change, the proposal.
    pub inhoud: ListingContent,
    /// With a pending change: the published content search still shows.
    pub gepubliceerd: Option<ListingContent>,
    pub wijziging: Option<PendingResponse>,
    /// The editor's reason when the item or its change was sent back.
    pub reden_teruggestuurd: Option<String>,
    #[schema(format = DateTime)]
    pub aangemaakt: String,
    #[schema(format = DateTime)]
    pub gewijzigd: String,
    #[schema(format = DateTime)]
    pub laatst_gecontroleerd: String,
    /// Published and not confirmed for 6 months: time for "nog actueel" (`controles`).
    pub verouderd: bool,
    #[schema(format = DateTime)]
    pub ingediend: Option<String>,
    /// After a save: what happens next, in Dutch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub melding: Option<String>,
    #[serde(rename = "_links")]
    pub links: ManagedLinks,
}

impl ManagedListing {
    pub fn from_listing(l: Listing) -> ManagedListing {
        let published = ListingContent::from(&l.to_new());
        let proposal: Option<ListingContent> = l
            .pending
            .as_ref()
            .map(|p| ListingContent::from(&*p.content));
        let stale_before = chrono::Utc::now() - chrono::Duration::days(STALE_AFTER_DAYS);
        let verouderd = l.status == Status::Gepubliceerd && l.last_verified_at < stale_before;
        ManagedListing {
            verouderd,
            links: ManagedLinks {
                self_: Link {
                    href: format!("/api/v1/beheer/aanbod/{}", l.id),
                },
                revisies: Link {
                    href: format!("/api/v1/beheer/aanbod/{}/revisies", l.id),
                },
                openbaar: (l.status == Status::Gepubliceerd).then(|| Link {
                    href: format!("/api/v1/aanbod/{}", l.id),
                }),
            },
            id: l.id,
            status: l.status.as_str().into(),
            versie: l.version,
            organisatie: OrganisationRef {
                id: l.organisation_id,
                naam: l.organisation_name,
            },
            gepubliceerd: proposal.is_some().then(|| published.clone()),
            inhoud: proposal.unwrap_or(published),
            wijziging: l.pending.map(|p| PendingResponse {
                status: p.status.as_str().into(),
                voorgesteld: iso(&p.at),
            }),
            reden_teruggestuurd: l.review_note,
            aangemaakt: iso(&l.created_at),
            gewijzigd: iso(&l.updated_at),
            laatst_gecontroleerd: iso(&l.last_verified_at),
            ingediend: l.submitted_at.as_ref().map(iso),
            melding: None,
        }
    }
}

/// Waits (bounded) until this node's index shows the change, then answers with the item and
/// its ETag: `ok` when search is up to date, 202 with a message when it lags.
async fn respond(state: &AppState, saved: Saved, ok: StatusCode, note: Option<&str>) -> Response {
    let mut status = ok;
    let mut melding = note.map(str::to_string);
    if let Some(seq) = saved.seq {
        state.index_waker.notify_one();
        if !state.index.wait_for(seq, state.write_wait).await {
            status = StatusCode::ACCEPTED;
            melding = Some(
                "Opgeslagen. De zoekresultaten tonen de wijziging over enkele seconden.".into(),
            );
        }
    }
    let id = saved.listing.id;
    let version = saved.listing.version;
    let mut body = ManagedListing::from_listing(saved.listing);
    body.melding = melding;
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, etag(version));
    if ok == StatusCode::CREATED
        && let Ok(v) = format!("/api/v1/beheer/aanbod/{id}").parse()
    {
        headers.insert(header::LOCATION, v);
    }
    (status, headers, Json(body)).into_response()
}

fn taxonomy(state: &AppState) -> std::sync::Arc<crate::index::facets::FacetSpace> {
    state.index.facet_space()
}

/// Query parameters of the management list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
#[allow(dead_code, reason = "describes the query string for OpenAPI only")]
pub struct ManagedParams {
    /// Only items with this status.
    status: Option<String>,
    /// `true`: only published items not verified for 6 months (oldest first).
    verouderd: Option<bool>,
    /// Editors: only this organisation's items. Partners always see only their own.
    organisatie: Option<i64>,
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 100)]
    page_size: Option<u32>,
}

paged_list!(
    /// One page of the items a caller manages.
    ManagedList of ManagedListing
);

paged_list!(
    /// One page of the review queue, oldest first.
    ReviewList of ReviewItem
);

/// Items the caller manages: a partner its organisation's (every status), editors all.
#[utoipa::path(
    get,
    path = "/beheer/aanbod",
    tag = "beheer",
    params(ManagedParams),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "One page of items", body = ManagedList),
    )
)]
pub async fn list_beheer_aanbod(
    State(state): State<AppState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<ManagedList>> {
    caller.require_manager()?;
    let mut e = FieldErrors::new();
    let mut filter = ManagedFilter {
        organisation_id: caller.user.organisation_id.filter(|_| !caller.is_editor()),
        ..Default::default()
    };
    let mut paging = Vec::new();
    for (k, v) in &pairs {
        match k.as_str() {
            "status" => match Status::parse(v) {
                Some(s) => filter.status = Some(s),
                None => e.add("status", format!("kies uit: {}", Status::allowed())),
            },
            "verouderd" => match v.as_str() {
                "true" => {
                    let before = chrono::Utc::now() - chrono::Duration::days(STALE_AFTER_DAYS);
                    filter.verified_before =
                        Some(before.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
                }
                "false" => {}
                _ => e.add("verouderd", "moet true of false zijn"),
            },
            "organisatie" => match v.parse::<i64>() {
                Ok(id) if caller.is_editor() => filter.organisation_id = Some(id),
                Ok(_) => {}
                Err(_) => e.add("organisatie", "moet een geheel getal zijn"),
            },
            _ => paging.push((k.clone(), v.clone())),
        }
    }
    let paging = super::super::extract::parse_paging(&paging, 100);
    let (page, size) = match paging {
        Ok(p) if e.is_empty() => p,
        Ok(_) => return Err(e.into()),
        Err(ApiError::Invalid(more)) => {
            for m in more {
                e.add(m.name, m.reason);
            }
            return Err(e.into());
        }
        Err(other) => return Err(other),
    };
    let offset = i64::from(page - 1) * i64::from(size);
    let (ids, total) = state
        .store
        .managed_listing_ids(&filter, offset, i64::from(size))
        .await?;
    let mut listings = state.store.find_listings(&ids).await?;
    listings.sort_by_key(|l| ids.iter().position(|id| *id == l.id));
    Ok(Json(ManagedList::new(
        "/api/v1/beheer/aanbod",
        &pairs,
        (page, size),
        total,
        listings
            .into_iter()
            .map(ManagedListing::from_listing)
            .collect(),
    )))
}

/// Create an item (as a concept). Partners create for their own organisation; editors name
/// it with `organisatieId`.
#[utoipa::path(
    post,
    path = "/beheer/aanbod",
    tag = "beheer",
    request_body = ListingContent,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created; `Location` and `ETag` set", body = ManagedListing),
        (status = 202, description = "Created; search shows it within seconds", body = ManagedListing),
    )
)]
pub async fn create_beheer_aanbod(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(mut body): JsonObject,
) -> ApiResult<Response> {
    caller.require_manager()?;
    if caller.is_editor() {
        let raw = body.remove("organisatieId");
        let mut e = FieldErrors::new();
        let id = match raw.as_ref().and_then(|v| v.as_i64()) {
            Some(id) => Some(id),
            None => {
                e.add("organisatieId", "is verplicht: het id van de organisatie");
                None
            }
        };
        let content: Result<ListingContent, _> =
            fields_from(body, CONTENT_FIELDS, SERVER_FIELDS, NOT_YOURS);
        let content = match (content, id) {
            (Ok(c), Some(id)) => (c, id),
            (Err(ApiError::Invalid(more)), _) => {
                for m in more {
                    e.add(m.name, m.reason);
                }
                return Err(e.into());
            }
            (Err(other), _) => return Err(other),
            (Ok(_), None) => return Err(e.into()),
        };
        if state.store.find_organisation(content.1).await.is_err() {
            let mut e = FieldErrors::new();
            e.add("organisatieId", "onbekende organisatie");
            return Err(e.into());
        }
        let saved = workflow::create(
            &state.store,
            &taxonomy(&state).taxonomy,
            &caller,
            content.1,
            &ListingInput::from(&content.0),
        )
        .await?;
        return Ok(respond(&state, saved, StatusCode::CREATED, None).await);
    }
    let organisation_id = caller.user.organisation_id.ok_or(ApiError::Forbidden)?;
    let content: ListingContent = fields_from(body, CONTENT_FIELDS, SERVER_FIELDS, NOT_YOURS)?;
    let saved = workflow::create(
        &state.store,
        &taxonomy(&state).taxonomy,
        &caller,
        organisation_id,
        &ListingInput::from(&content),
    )
    .await?;
    Ok(respond(
        &state,
        saved,
        StatusCode::CREATED,
        Some("Opgeslagen als concept. Dien het in om het te laten publiceren."),
    )
    .await)
}

/// Reads an item the caller manages (another organisation's: 404).
async fn managed(state: &AppState, caller: &Caller, id: i64) -> ApiResult<Listing> {
    caller.require_manager()?;
    let l = state.store.find_listing(id).await?;
    if !caller.manages_organisation(l.organisation_id) {
        return Err(ApiError::NotFound);
    }
    Ok(l)
}

/// One item with its `ETag`.
#[utoipa::path(
    get,
    path = "/beheer/aanbod/{id}",
    tag = "beheer",
    params(("id" = i64, Path, description = "Item id")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The item; `ETag` holds its version", body = ManagedListing),
    )
)]
pub async fn get_beheer_aanbod(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let l = managed(&state, &caller, id).await?;
    let version = l.version;
    Ok((
        [(header::ETAG, etag(version))],
        Json(ManagedListing::from_listing(l)),
    )
        .into_response())
}

/// Replace an item's content (`If-Match` required). A partner's change to a published item
/// waits for review; search keeps the published version until an editor approves.
#[utoipa::path(
    put,
    path = "/beheer/aanbod/{id}",
    tag = "beheer",
    params(
        ("id" = i64, Path, description = "Item id"),
        ("If-Match" = String, Header, description = "The `ETag` of the version you edited"),
    ),
    request_body = ListingContent,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Saved; search shows it", body = ManagedListing),
        (status = 202, description = "Saved; search shows it within seconds", body = ManagedListing),
    )
)]
pub async fn update_beheer_aanbod(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    if_match: Result<IfMatch, ApiError>,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    caller.require_manager()?;
    let content: ListingContent = fields_from(body, CONTENT_FIELDS, SERVER_FIELDS, NOT_YOURS)?;
    let IfMatch(version) = if_match?;
    let saved = workflow::update(
        &state.store,
        &taxonomy(&state).taxonomy,
        &caller,
        id,
        version,
        &ListingInput::from(&content),
    )
    .await?;
    let note = saved.listing.pending.as_ref().map(|_| {
        "Uw wijziging wacht op beoordeling door de redactie. Tot dan toont de zoekfunctie de gepubliceerde versie."
    });
    Ok(respond(&state, saved, StatusCode::OK, note).await)
}

/// Submit an item (or a returned change) for review. Editors and trusted organisations
/// publish at once.
#[utoipa::path(
    post,
    path = "/beheer/aanbod/{id}/indieningen",
    tag = "beheer",
    params(
        ("id" = i64, Path, description = "Item id"),
        ("If-Match" = String, Header, description = "The `ETag` of the version you submit"),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Submitted (or published)", body = ManagedListing),
        (status = 202, description = "Published; search shows it within seconds", body = ManagedListing),
    )
)]
pub async fn create_indiening(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
) -> ApiResult<Response> {
    caller.require_manager()?;
    let saved = workflow::submit(
        &state.store,
        &taxonomy(&state).taxonomy,
        &caller,
        id,
        version,
    )
    .await?;
    let note = match saved.listing.status {
        Status::Gepubliceerd if saved.listing.pending.is_none() => "Gepubliceerd.",
        _ => "Ingediend. De redactie beoordeelt het zo snel mogelijk.",
    };
    Ok(respond(&state, saved, StatusCode::OK, Some(note)).await)
}

/// An editor's decision.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewRequest {
    /// `goedkeuren` or `terugsturen`.
    pub besluit: String,
    /// Required when sending back: what the partner should change (max 1000 characters).
    pub reden: Option<String>,
}

/// Approve or send back a submission or pending change (editors).
#[utoipa::path(
    post,
    path = "/beheer/aanbod/{id}/beoordelingen",
    tag = "beheer",
    params(
        ("id" = i64, Path, description = "Item id"),
        ("If-Match" = String, Header, description = "The `ETag` of the version you reviewed"),
    ),
    request_body = ReviewRequest,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Decided", body = ManagedListing),
        (status = 202, description = "Approved; search shows it within seconds", body = ManagedListing),
    )
)]
pub async fn create_beoordeling(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    if_match: Result<IfMatch, ApiError>,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    caller.require_editor()?;
    let req: ReviewRequest = fields_from(body, &["besluit", "reden"], &[], "")?;
    let mut e = FieldErrors::new();
    let reason = req
        .reden
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_string();
    let decision = match req.besluit.as_str() {
        "goedkeuren" => Some(Decision::Approve),
        "terugsturen" => {
            if reason.is_empty() {
                e.add(
                    "reden",
                    "is verplicht bij terugsturen: zeg wat er moet veranderen",
                );
            }
            Some(Decision::Return(reason.clone()))
        }
        _ => {
            e.add("besluit", "kies uit: goedkeuren, terugsturen");
            None
        }
    };
    crate::domain::content::plain_text(&mut e, "reden", &reason, 0, 1000);
    let Some(decision) = decision.filter(|_| e.is_empty()) else {
        return Err(e.into());
    };
    let IfMatch(version) = if_match?;
    let saved = workflow::review(
        &state.store,
        &taxonomy(&state).taxonomy,
        &caller,
        id,
        version,
        decision,
    )
    .await?;
    Ok(respond(&state, saved, StatusCode::OK, None).await)
}

/// Archive an item: it leaves search; a pending change is dropped.
#[utoipa::path(
    post,
    path = "/beheer/aanbod/{id}/archiveringen",
    tag = "beheer",
    params(
        ("id" = i64, Path, description = "Item id"),
        ("If-Match" = String, Header, description = "The `ETag` of the version you archive"),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Archived", body = ManagedListing),
        (status = 202, description = "Archived; search drops it within seconds", body = ManagedListing),
    )
)]
pub async fn create_archivering(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
) -> ApiResult<Response> {
    caller.require_manager()?;
    let saved = workflow::archive(
        &state.store,
        &taxonomy(&state).taxonomy,
        &caller,
        id,
        version,
    )
    .await?;
    Ok(respond(&state, saved, StatusCode::OK, None).await)
}

/// "Nog actueel": confirm in one call that the item is still right.
#[utoipa::path(
    post,
    path = "/beheer/aanbod/{id}/controles",
    tag = "beheer",
    params(("id" = i64, Path, description = "Item id")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Confirmed; `laatstGecontroleerd` is now", body = ManagedListing),
        (status = 202, description = "Confirmed; search shows it within seconds", body = ManagedListing),
    )
)]
pub async fn create_controle(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    caller.require_manager()?;
    let saved =
        workflow::confirm_current(&state.store, &taxonomy(&state).taxonomy, &caller, id).await?;
    Ok(respond(&state, saved, StatusCode::OK, None).await)
}

/// One revision of an item.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevisionResponse {
    pub id: i64,
    /// The item's version after this change.
    pub versie: i64,
    /// `aangemaakt`, `bewerkt`, `wijziging-voorgesteld`, `ingediend`, `gepubliceerd`,
    /// `goedgekeurd`, `teruggestuurd`, `gearchiveerd`, `gecontroleerd` or `geimporteerd`.
    pub actie: String,
    /// The item's status after this change.
    pub status: String,
    pub door: RevisionAuthor,
    #[schema(format = DateTime)]
    pub tijdstip: String,
    /// Fields changed by this step.
    pub gewijzigde_velden: Vec<String>,
    /// The content after this step (with a proposal: the proposal).
    pub inhoud: ListingContent,
    /// The editor's reason, when sent back.
    pub reden: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionAuthor {
    pub id: Option<i64>,
    pub naam: String,
}

impl From<RevisionRecord> for RevisionResponse {
    fn from(r: RevisionRecord) -> Self {
        RevisionResponse {
            id: r.id,
            versie: r.listing_version,
            actie: r.action,
            status: r.status,
            door: RevisionAuthor {
                id: r.user_id,
                naam: r.user_name,
            },
            tijdstip: r.created_at,
            gewijzigde_velden: r.changed_fields,
            inhoud: ListingContent::from(&r.content),
            reden: r.note,
        }
    }
}

/// Every change to an item, newest first: who, when, what.
#[utoipa::path(
    get,
    path = "/beheer/aanbod/{id}/revisies",
    tag = "beheer",
    params(("id" = i64, Path, description = "Item id")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Revisions, newest first", body = Vec<RevisionResponse>),
    )
)]
pub async fn list_revisies(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<RevisionResponse>>> {
    managed(&state, &caller, id).await?;
    let revisions = state.store.revisions_of(id).await?;
    Ok(Json(revisions.into_iter().map(Into::into).collect()))
}

/// An entry of the review queue.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReviewItem {
    pub id: i64,
    pub titel: String,
    pub organisatie: OrganisationRef,
    /// `nieuw` (a submitted item) or `wijziging` (a change to a published item).
    pub soort: String,
    #[schema(format = DateTime)]
    pub ingediend: Option<String>,
    /// Send as `If-Match` with the decision.
    pub versie: i64,
    /// Field by field: what the published version says and what is proposed.
    pub verschillen: Vec<FieldChangeResponse>,
    #[serde(rename = "_links")]
    pub links: ManagedLinks,
}

/// The review queue (editors): submissions and pending changes, oldest first, with a
/// field-by-field diff.
#[utoipa::path(
    get,
    path = "/beheer/beoordelingen",
    tag = "beheer",
    params(
        ("page" = Option<u32>, Query, minimum = 1),
        ("pageSize" = Option<u32>, Query, minimum = 1, maximum = 100),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "What waits for review", body = ReviewList),
    )
)]
pub async fn list_beoordelingen(
    State(state): State<AppState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<ReviewList>> {
    caller.require_editor()?;
    let (page, size) = super::super::extract::parse_paging(&pairs, 100)?;
    let filter = ManagedFilter {
        awaiting_review: true,
        ..Default::default()
    };
    let offset = i64::from(page - 1) * i64::from(size);
    let (ids, total) = state
        .store
        .managed_listing_ids(&filter, offset, i64::from(size))
        .await?;
    let mut listings = state.store.find_listings(&ids).await?;
    listings.sort_by_key(|l| ids.iter().position(|id| *id == l.id));
    Ok(Json(ReviewList::new(
        "/api/v1/beheer/beoordelingen",
        &pairs,
        (page, size),
        total,
        listings
            .into_iter()
            .map(|l| {
                let published = l.to_new();
                let (soort, changes, ingediend) = match &l.pending {
                    Some(p) => (
                        "wijziging",
                        diff(Some(&published), &p.content),
                        Some(iso(&p.at)),
                    ),
                    None => (
                        "nieuw",
                        diff(None, &published),
                        l.submitted_at.as_ref().map(iso),
                    ),
                };
                let verschillen = changes.into_iter().map(Into::into).collect();
                let managed = ManagedListing::from_listing(l);
                ReviewItem {
                    id: managed.id,
                    titel: managed.inhoud.titel.clone(),
                    organisatie: managed.organisatie,
                    soort: soort.into(),
                    ingediend,
                    versie: managed.versie,
                    verschillen,
                    links: managed.links,
                }
            })
            .collect(),
    )))
}
