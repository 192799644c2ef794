//! `/beheer/termen/{lijst}/{sleutel}`: editors relabel a taxonomy term. Search picks up the new
//! label on every node through the outbox; this node answers once its index shows it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use super::super::AppState;
use super::super::dto::TermResponse;
use super::super::extract::{ApiPath, JsonObject, fields_from};
use crate::auth::Caller;
use crate::domain::FieldErrors;
use crate::domain::taxonomy::TermKind;
use crate::error::{ApiError, ApiResult};

/// A new label for a term.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TermUpdateRequest {
    /// The label people see, 1-100 characters of plain text.
    #[schema(example = "Geld en schulden")]
    pub label: String,
}

/// Relabel a term (editors). Items with the term are found by the new label at once.
#[utoipa::path(
    put,
    path = "/beheer/termen/{lijst}/{sleutel}",
    tag = "beheer",
    params(
        ("lijst" = String, Path, description = "`themas`, `wijken`, `talenten`, `talen` or `toegankelijkheid`"),
        ("sleutel" = String, Path, description = "The term's key"),
    ),
    request_body = TermUpdateRequest,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Relabelled; search shows it", body = TermResponse),
        (status = 202, description = "Relabelled; search shows it within seconds", body = TermResponse),
    )
)]
pub async fn update_term(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((list, key)): ApiPath<(String, String)>,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    caller.require_editor()?;
    let kind = TermKind::from_list_name(&list).ok_or(ApiError::NotFound)?;
    let key = crate::domain::TermKey::parse(&key).ok_or(ApiError::NotFound)?;
    let request: TermUpdateRequest = fields_from(
        body,
        &["label"],
        &["sleutel"],
        "de sleutel van een term verandert niet",
    )?;
    let mut e = FieldErrors::new();
    crate::domain::content::limited_text(
        &mut e,
        "label",
        &request.label,
        crate::domain::content::TERM_LABEL,
    );
    let label = request.label.trim().to_string();
    if !e.is_empty() {
        return Err(e.into());
    }
    let seq = state
        .store
        .relabel_term(kind, &key, &label, (caller.user.id, &caller.user.name))
        .await?;
    state.index_waker.notify_one();
    let status = if state.index.wait_for(seq, state.write_wait).await {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((
        status,
        Json(TermResponse {
            sleutel: key.to_string(),
            label,
        }),
    )
        .into_response())
}
