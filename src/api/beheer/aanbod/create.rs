//! `POST /beheer/aanbod`: a new item, as a concept.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{ManagedListing, NOT_YOURS, SERVER_FIELDS, respond, taxonomy};
use crate::api::AppState;
use crate::api::content::{CONTENT_FIELDS, ListingContent};
use crate::api::extract::{JsonObject, fields_from};
use crate::auth::Caller;
use crate::domain::FieldErrors;
use crate::domain::content::ListingInput;
use crate::error::{ApiError, ApiResult};
use crate::workflow::{self};

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
