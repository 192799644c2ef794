//! `/beheer/organisaties`: editors manage organisations; a partner edits its own profile.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::super::AppState;
use super::super::extract::{
    ApiPath, IfMatch, JsonObject, QueryPairs, etag, fields_from, parse_paging,
};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::store::{Organisation, OrganisationFields};

/// What can be set on an organisation.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OrganisationInput {
    /// 2-150 characters.
    pub naam: String,
    /// Up to 2000 characters of plain text.
    pub beschrijving: String,
    pub website: Option<String>,
    pub telefoon: Option<String>,
    pub email: Option<String>,
    /// Editors only: items of a trusted organisation publish without review.
    pub vertrouwd: Option<bool>,
}

const FIELDS: &[&str] = &[
    "naam",
    "beschrijving",
    "website",
    "telefoon",
    "email",
    "vertrouwd",
];
const SERVER_FIELDS: &[&str] = &["id", "versie", "externId", "aangemaakt", "gewijzigd"];

/// An organisation as editors and its partners see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ManagedOrganisation {
    pub id: i64,
    pub naam: String,
    pub beschrijving: String,
    pub website: Option<String>,
    pub telefoon: Option<String>,
    pub email: Option<String>,
    pub vertrouwd: bool,
    /// Also the `ETag`.
    pub versie: i64,
}

impl From<Organisation> for ManagedOrganisation {
    fn from(o: Organisation) -> Self {
        ManagedOrganisation {
            id: o.id,
            naam: o.name,
            beschrijving: o.description,
            website: o.website,
            telefoon: o.phone,
            email: o.email,
            vertrouwd: o.trusted,
            versie: o.version,
        }
    }
}

fn validate(input: &OrganisationInput) -> Result<OrganisationFields, ApiError> {
    OrganisationFields::parse(
        &input.naam,
        &input.beschrijving,
        &input.telefoon,
        &input.email,
        &input.website,
    )
    .map_err(Into::into)
}

fn with_etag(status: StatusCode, org: Organisation) -> Response {
    let version = org.version;
    (
        status,
        [(header::ETAG, etag(version))],
        Json(ManagedOrganisation::from(org)),
    )
        .into_response()
}

/// Organisations: all for editors, a partner's own for a partner.
#[utoipa::path(
    get,
    path = "/beheer/organisaties",
    tag = "beheer",
    params(
        ("page" = Option<u32>, Query, minimum = 1),
        ("pageSize" = Option<u32>, Query, minimum = 1, maximum = 100),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Organisations by name", body = Vec<ManagedOrganisation>),
    )
)]
pub async fn list_beheer_organisaties(
    State(state): State<AppState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<Vec<ManagedOrganisation>>> {
    caller.require_manager()?;
    let (page, size) = parse_paging(&pairs, 100)?;
    if let (false, Some(own)) = (caller.is_editor(), caller.user.organisation_id) {
        let org = state.store.find_organisation(own).await?;
        return Ok(Json(vec![org.into()]));
    }
    let offset = i64::from(page - 1) * i64::from(size);
    let (orgs, _) = state
        .store
        .list_organisations(offset, i64::from(size))
        .await?;
    Ok(Json(orgs.into_iter().map(Into::into).collect()))
}

/// Create an organisation (editors).
#[utoipa::path(
    post,
    path = "/beheer/organisaties",
    tag = "beheer",
    request_body = OrganisationInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created", body = ManagedOrganisation),
    )
)]
pub async fn create_beheer_organisatie(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    caller.require_editor()?;
    let input: OrganisationInput =
        fields_from(body, FIELDS, SERVER_FIELDS, "wordt door de server bepaald")?;
    let fields = validate(&input)?;
    let trusted = input.vertrouwd.unwrap_or(false);
    let org = state
        .store
        .create_organisation(&fields, trusted, (caller.user.id, &caller.user.name))
        .await?;
    let mut res = with_etag(StatusCode::CREATED, org.clone());
    if let Ok(v) = format!("/api/v1/beheer/organisaties/{}", org.id).parse() {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

async fn managed(state: &AppState, caller: &Caller, id: i64) -> ApiResult<Organisation> {
    caller.require_manager()?;
    if !caller.manages_organisation(id) {
        return Err(ApiError::NotFound);
    }
    Ok(state.store.find_organisation(id).await?)
}

/// One organisation with its `ETag` (a partner: only its own).
#[utoipa::path(
    get,
    path = "/beheer/organisaties/{id}",
    tag = "beheer",
    params(("id" = i64, Path, description = "Organisation id")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The organisation", body = ManagedOrganisation),
    )
)]
pub async fn get_beheer_organisatie(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let org = managed(&state, &caller, id).await?;
    Ok(with_etag(StatusCode::OK, org))
}

/// Replace an organisation's profile (`If-Match` required). Partners may not set
/// `vertrouwd`.
#[utoipa::path(
    put,
    path = "/beheer/organisaties/{id}",
    tag = "beheer",
    params(
        ("id" = i64, Path, description = "Organisation id"),
        ("If-Match" = String, Header, description = "The `ETag` of the version you edited"),
    ),
    request_body = OrganisationInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Saved", body = ManagedOrganisation),
    )
)]
pub async fn update_beheer_organisatie(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    if_match: Result<IfMatch, ApiError>,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    let current = managed(&state, &caller, id).await?;
    let input: OrganisationInput = if caller.is_editor() {
        fields_from(body, FIELDS, SERVER_FIELDS, "wordt door de server bepaald")?
    } else {
        let mut forbidden = SERVER_FIELDS.to_vec();
        forbidden.push("vertrouwd");
        fields_from(
            body,
            &FIELDS[..FIELDS.len() - 1],
            &forbidden,
            "dit veld mag u niet zetten; de redactie beheert het",
        )?
    };
    let fields = validate(&input)?;
    let IfMatch(version) = if_match?;
    let trusted = input.vertrouwd.unwrap_or(current.trusted);
    let seq = state
        .store
        .update_organisation(
            id,
            version,
            &fields,
            trusted,
            (caller.user.id, &caller.user.name),
        )
        .await?;
    // The organisation's name is in its items' search documents: wait like any save.
    let mut status = StatusCode::OK;
    if let Some(seq) = seq {
        state.index_waker.notify_one();
        if !state.index.wait_for(seq, state.write_wait).await {
            status = StatusCode::ACCEPTED;
        }
    }
    let org = state.store.find_organisation(id).await?;
    Ok(with_etag(status, org))
}
