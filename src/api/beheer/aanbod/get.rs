//! `GET /beheer/aanbod/{id}`: one item with its ETag.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::{ManagedListing, managed};
use crate::api::AppState;
use crate::api::extract::{ApiPath, etag};
use crate::auth::Caller;
use crate::error::ApiResult;

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
