//! `/beheer/aanbod`: partners and editors create and edit items, submit them, review them,
//! archive them, confirm they are current, and read their revisions. One file per action;
//! this one holds what they share: the item's representation and the answer after a save.

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::AppState;
use crate::api::content::ListingContent;
use crate::api::dto::{Link, OrganisationRef, paged_list};
use crate::api::extract::etag;
use crate::auth::Caller;
use crate::domain::{Listing, Status, iso};
use crate::error::{ApiError, ApiResult};
use crate::workflow::Saved;

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
        let verouderd = l.is_stale_at(chrono::Utc::now());
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

/// Reads an item the caller manages (another organisation's: 404).
async fn managed(state: &AppState, caller: &Caller, id: i64) -> ApiResult<Listing> {
    caller.require_manager()?;
    let l = state.store.find_listing(id).await?;
    if !caller.manages_organisation(l.organisation_id) {
        return Err(ApiError::NotFound);
    }
    Ok(l)
}

pub mod archive;
pub mod confirm;
pub mod create;
pub mod get;
pub mod list;
pub mod queue;
pub mod review;
pub mod revisions;
pub mod submit;
pub mod update;
