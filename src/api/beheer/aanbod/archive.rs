//! `POST /beheer/aanbod/{id}/archiveringen`: take an item out of search.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{ManagedListing, respond, taxonomy};
use crate::api::AppState;
use crate::api::extract::{ApiPath, IfMatch};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::workflow::{self};

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
