//! `GET /beheer/beoordelingen`: the review queue.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ManagedLinks, ManagedListing};
use crate::api::AppState;
use crate::api::content::FieldChangeResponse;
use crate::api::dto::{OrganisationRef, paged_list};
use crate::api::extract::QueryPairs;
use crate::auth::Caller;
use crate::domain::content::diff;
use crate::domain::iso;
use crate::error::ApiResult;
use crate::store::ManagedFilter;

paged_list!(
    /// One page of the review queue, oldest first.
    ReviewList of ReviewItem
);

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
    let (page, size) = crate::api::extract::parse_paging(&pairs, 100)?;
    let filter = ManagedFilter {
        awaiting_review: true,
        ..Default::default()
    };
    let offset = i64::from(page - 1) * i64::from(size);
    let (listings, total) = state
        .store
        .managed_listings(&filter, offset, i64::from(size))
        .await?;
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
