//! `POST /beheer/aanbod/{id}/controles`: "nog actueel".

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{ManagedListing, respond, taxonomy};
use crate::api::AppState;
use crate::api::extract::ApiPath;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::workflow::{self};

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
