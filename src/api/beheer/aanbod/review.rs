//! `POST /beheer/aanbod/{id}/beoordelingen`: an editor's decision.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ManagedListing, respond, taxonomy};
use crate::api::AppState;
use crate::api::extract::{ApiPath, IfMatch, JsonObject, fields_from};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::workflow::{self, Decision};

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
    let decision = Decision::parse(&req.besluit, req.reden.as_deref())?;
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
