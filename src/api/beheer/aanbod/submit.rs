//! `POST /beheer/aanbod/{id}/indieningen`: submit for review (or publish).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{ManagedListing, respond, taxonomy};
use crate::api::AppState;
use crate::api::extract::{ApiPath, IfMatch};
use crate::auth::Caller;
use crate::domain::Status;
use crate::error::ApiResult;
use crate::workflow::{self};

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
