//! `GET /beheer/aanbod/{id}/revisies`: every change to an item.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::managed;
use crate::api::AppState;
use crate::api::content::ListingContent;
use crate::api::extract::ApiPath;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::store::RevisionRecord;

/// One revision of an item.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevisionResponse {
    pub id: i64,
    /// The item's version after this change.
    pub versie: i64,
    /// `aangemaakt`, `bewerkt`, `wijziging-voorgesteld`, `ingediend`, `gepubliceerd`,
    /// `goedgekeurd`, `teruggestuurd`, `gearchiveerd`, `gecontroleerd` or `geimporteerd`.
    pub actie: String,
    /// The item's status after this change.
    pub status: String,
    pub door: RevisionAuthor,
    #[schema(format = DateTime)]
    pub tijdstip: String,
    /// Fields changed by this step.
    pub gewijzigde_velden: Vec<String>,
    /// The content after this step (with a proposal: the proposal).
    pub inhoud: ListingContent,
    /// The editor's reason, when sent back.
    pub reden: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionAuthor {
    pub id: Option<i64>,
    pub naam: String,
}

impl From<RevisionRecord> for RevisionResponse {
    fn from(r: RevisionRecord) -> Self {
        RevisionResponse {
            id: r.id,
            versie: r.listing_version,
            actie: r.action,
            status: r.status,
            door: RevisionAuthor {
                id: r.user_id,
                naam: r.user_name,
            },
            tijdstip: r.created_at,
            gewijzigde_velden: r.changed_fields,
            inhoud: ListingContent::from(&r.content),
            reden: r.note,
        }
    }
}

/// Every change to an item, newest first: who, when, what.
#[utoipa::path(
    get,
    path = "/beheer/aanbod/{id}/revisies",
    tag = "beheer",
    params(("id" = i64, Path, description = "Item id")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Revisions, newest first", body = Vec<RevisionResponse>),
    )
)]
pub async fn list_revisies(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<RevisionResponse>>> {
    managed(&state, &caller, id).await?;
    let revisions = state.store.revisions_of(id).await?;
    Ok(Json(revisions.into_iter().map(Into::into).collect()))
}
