//! `PUT /beheer/aanbod/{id}`: replace an item's content.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{ManagedListing, NOT_YOURS, SERVER_FIELDS, respond, taxonomy};
use crate::api::AppState;
use crate::api::content::{CONTENT_FIELDS, ListingContent};
use crate::api::extract::{ApiPath, IfMatch, JsonObject, fields_from};
use crate::auth::Caller;
use crate::domain::content::ListingInput;
use crate::error::{ApiError, ApiResult};
use crate::workflow::{self};

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
