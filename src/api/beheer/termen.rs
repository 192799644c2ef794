//! `/beheer/termen/{lijst}`: editors add terms to the taxonomy, relabel them and retire them.
//! Search picks up a change on every node through the outbox; this node answers once its
//! index shows it. The rules live in [`crate::terms`].

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::super::AppState;
use super::super::extract::{ApiPath, JsonObject, fields_from};
use crate::auth::Caller;
use crate::domain::Term;
use crate::error::ApiResult;
use crate::terms;

/// A term as editors see it, retired or not.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ManagedTerm)]
pub struct ManagedTermResponse {
    #[schema(example = "geldzaken")]
    pub sleutel: String,
    #[schema(example = "Geld en schulden")]
    pub label: String,
    /// Retired: no longer offered in forms and public lists; items that have it keep it until
    /// they are edited.
    pub ingetrokken: bool,
}

impl From<&Term> for ManagedTermResponse {
    fn from(t: &Term) -> Self {
        ManagedTermResponse {
            sleutel: t.key.to_string(),
            label: t.label.clone(),
            ingetrokken: t.retired,
        }
    }
}

/// A new term.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTermRequest {
    /// Stable key: lower-case letters, digits and single hyphens, at most 64 characters
    /// (languages: the ISO 639-1 code). It never changes.
    #[schema(
        example = "mantelzorg",
        min_length = 1,
        max_length = 64,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub sleutel: String,
    /// The label people see, 1-100 characters of plain text.
    #[schema(example = "Mantelzorg", min_length = 1, max_length = 100)]
    pub label: String,
}

/// A term's label and whether it is retired.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TermUpdateRequest {
    /// The label people see, 1-100 characters of plain text.
    #[schema(example = "Geld en schulden")]
    pub label: String,
    /// `true` retires the term, `false` takes it back into use; left out, it stays as it is.
    #[serde(default)]
    pub ingetrokken: Option<bool>,
}

/// 200 when this node's search already shows the change, else 202 (within seconds).
async fn settled(state: &AppState, seq: Option<i64>) -> StatusCode {
    let Some(seq) = seq else {
        return StatusCode::OK;
    };
    state.index_waker.notify_one();
    if state.index.wait_for(seq, state.write_wait).await {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    }
}

/// Every term of a list, retired ones included, in display order (editors).
#[utoipa::path(
    get,
    path = "/beheer/termen/{lijst}",
    tag = "beheer",
    params(("lijst" = String, Path, description = "`themas`, `wijken`, `talenten`, `talen` or `toegankelijkheid`")),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The terms", body = Vec<ManagedTermResponse>))
)]
pub async fn list_termen(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(list): ApiPath<String>,
) -> ApiResult<Json<Vec<ManagedTermResponse>>> {
    caller.require_editor()?;
    let kind = terms::list(&list)?;
    let space = state.index.facet_space();
    Ok(Json(
        space.taxonomy.terms(kind).iter().map(Into::into).collect(),
    ))
}

/// Add a term at the end of a list (editors). Forms and filters offer it at once.
#[utoipa::path(
    post,
    path = "/beheer/termen/{lijst}",
    tag = "beheer",
    params(("lijst" = String, Path, description = "`themas`, `wijken`, `talenten`, `talen` or `toegankelijkheid`")),
    request_body = NewTermRequest,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Added; search shows it", body = ManagedTermResponse),
        (status = 202, description = "Added; search shows it within seconds", body = ManagedTermResponse),
    )
)]
pub async fn create_term(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(list): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    caller.require_editor()?;
    let kind = terms::list(&list)?;
    let request: NewTermRequest = fields_from(body, &["sleutel", "label"], &[], "")?;
    let taxonomy = state.index.facet_space().taxonomy.clone();
    let seq = terms::add(
        &state.store,
        &taxonomy,
        &caller,
        kind,
        &request.sleutel,
        &request.label,
    )
    .await?;
    let status = match settled(&state, Some(seq)).await {
        StatusCode::OK => StatusCode::CREATED,
        other => other,
    };
    let location = format!("/api/v1/beheer/termen/{list}/{}", request.sleutel);
    Ok((
        status,
        [(header::LOCATION, location)],
        Json(ManagedTermResponse {
            sleutel: request.sleutel,
            label: request.label.trim().to_string(),
            ingetrokken: false,
        }),
    )
        .into_response())
}

/// Relabel a term, retire it or take it back into use (editors). Items with the term are
/// found by the new label at once; a retired term stays on the items that have it until they
/// are edited, and is no longer offered.
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
        (status = 200, description = "Saved; search shows it", body = ManagedTermResponse),
        (status = 202, description = "Saved; search shows it within seconds", body = ManagedTermResponse),
    )
)]
pub async fn update_term(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((list, key)): ApiPath<(String, String)>,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    caller.require_editor()?;
    let kind = terms::list(&list)?;
    let request: TermUpdateRequest = fields_from(
        body,
        &["label", "ingetrokken"],
        &["sleutel"],
        "de sleutel van een term verandert niet",
    )?;
    let seq = terms::change(
        &state.store,
        &caller,
        kind,
        &key,
        Some(&request.label),
        request.ingetrokken,
    )
    .await?;
    let status = settled(&state, seq).await;
    // The term as stored now (the retired flag may have been left as it was).
    let retired = match request.ingetrokken {
        Some(r) => r,
        None => state
            .store
            .load_taxonomy()
            .await?
            .terms(kind)
            .iter()
            .any(|t| t.key == *key.as_str() && t.retired),
    };
    Ok((
        status,
        Json(ManagedTermResponse {
            sleutel: key,
            label: request.label.trim().to_string(),
            ingetrokken: retired,
        }),
    )
        .into_response())
}
