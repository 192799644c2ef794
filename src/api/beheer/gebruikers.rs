//! `/beheer/gebruikers`: admins and editors manage accounts; everyone may change their own
//! name and password. Editors cannot create, change or promote admins.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::super::AppState;
use super::super::dto::paged_list;
use super::super::extract::{
    ApiPath, IfMatch, JsonObject, QueryPairs, etag, fields_from, parse_paging, parse_paging_after,
};
use super::super::sessies::UserResponse;
use crate::account_admin::{self, AccountPatch, NewAccount};
use crate::auth::Caller;
use crate::domain::FieldErrors;
use crate::domain::audit::AuditFilter;
use crate::error::{ApiError, ApiResult};
use crate::store::User;

/// A new account.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct NewUserRequest {
    pub email: String,
    pub naam: String,
    /// `admin`, `redacteur`, `medewerker` or `partner`.
    pub rol: String,
    /// Required for partners, refused for other roles.
    pub organisatie_id: Option<i64>,
    /// At least 10 characters; no other rules. Leave it out to invite: the account gets a
    /// mail with a link (one use, a week) to choose a password.
    pub wachtwoord: Option<String>,
}

/// Changes to an account; omitted fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct UserPatch {
    pub naam: Option<String>,
    pub rol: Option<String>,
    pub organisatie_id: Option<i64>,
    /// `false` disables the account and ends its sessions at once.
    pub actief: Option<bool>,
    /// A new password (at least 10 characters).
    pub wachtwoord: Option<String>,
    /// Your current password: required to change your own password.
    pub huidig_wachtwoord: Option<String>,
}

const SERVER_FIELDS: &[&str] = &["id", "versie", "aangemaakt", "gewijzigd"];

fn with_etag(status: StatusCode, user: User) -> Response {
    let version = user.version;
    (
        status,
        [(header::ETAG, etag(version))],
        Json(UserResponse::from(user)),
    )
        .into_response()
}

paged_list!(
    /// One page of accounts, by e-mail address.
    UserList of UserResponse
);

paged_list!(
    /// One page of the audit log, newest first.
    AuditList of AuditResponse
);

/// All accounts (editors).
#[utoipa::path(
    get,
    path = "/beheer/gebruikers",
    tag = "beheer",
    params(
        ("page" = Option<u32>, Query, minimum = 1),
        ("pageSize" = Option<u32>, Query, minimum = 1, maximum = 100),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Accounts by e-mail address", body = UserList),
    )
)]
pub async fn list_gebruikers(
    State(state): State<AppState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<UserList>> {
    caller.require_editor()?;
    let (page, size) = parse_paging(&pairs, 100)?;
    let (users, total) = state
        .store
        .list_users(i64::from(page - 1) * i64::from(size), i64::from(size))
        .await?;
    Ok(Json(UserList::new(
        "/api/v1/beheer/gebruikers",
        &pairs,
        (page, size),
        total,
        users.into_iter().map(Into::into).collect(),
    )))
}

/// Create an account (editors; only admins create admins).
#[utoipa::path(
    post,
    path = "/beheer/gebruikers",
    tag = "beheer",
    request_body = NewUserRequest,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created", body = UserResponse),
    )
)]
pub async fn create_gebruiker(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    caller.require_editor()?;
    let req: NewUserRequest = fields_from(
        body,
        &["email", "naam", "rol", "organisatieId", "wachtwoord"],
        SERVER_FIELDS,
        "wordt door de server bepaald",
    )?;
    let new = NewAccount {
        email: req.email,
        name: req.naam,
        role: req.rol,
        organisation_id: req.organisatie_id,
        password: req.wachtwoord,
    };
    let user = account_admin::create(&state.store, &state.auth, &caller, new).await?;
    let mut res = with_etag(StatusCode::CREATED, user.clone());
    if let Ok(v) = format!("/api/v1/beheer/gebruikers/{}", user.id).parse() {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// One account with its `ETag`.
#[utoipa::path(
    get,
    path = "/beheer/gebruikers/{id}",
    tag = "beheer",
    params(("id" = i64, Path, description = "Account id")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The account", body = UserResponse),
    )
)]
pub async fn get_gebruiker(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let user = account_admin::visible(&state.store, &caller, id).await?;
    Ok(with_etag(StatusCode::OK, user))
}

/// Change an account (`If-Match` required). Role, organisation and `actief` are for editors
/// (admins only by admins); anyone may change their own name and password. Disabling an
/// account, changing its role or setting its password ends its sessions.
#[utoipa::path(
    patch,
    path = "/beheer/gebruikers/{id}",
    tag = "beheer",
    params(
        ("id" = i64, Path, description = "Account id"),
        ("If-Match" = String, Header, description = "The `ETag` of the version you edited"),
    ),
    request_body = UserPatch,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Saved", body = UserResponse),
    )
)]
pub async fn update_gebruiker(
    State(state): State<AppState>,
    caller: Caller,
    client: crate::api::sessies::ClientIp,
    ApiPath(id): ApiPath<i64>,
    if_match: Result<IfMatch, ApiError>,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    let target = account_admin::visible(&state.store, &caller, id).await?;
    let patch: UserPatch = if account_admin::may_manage(&caller, &target) {
        fields_from(
            body,
            &["naam", "rol", "organisatieId", "actief", "wachtwoord"],
            SERVER_FIELDS,
            "wordt door de server bepaald",
        )?
    } else if caller.user.id == id {
        let mut forbidden = SERVER_FIELDS.to_vec();
        forbidden.extend(["rol", "organisatieId", "actief"]);
        fields_from(
            body,
            &["naam", "wachtwoord", "huidigWachtwoord"],
            &forbidden,
            "dit veld mag u voor uw eigen account niet zetten",
        )?
    } else {
        return Err(ApiError::Forbidden);
    };
    // Only a well-formed request gets to the version check.
    let IfMatch(version) = if_match?;
    let changes = AccountPatch {
        name: patch.naam,
        role: patch.rol,
        organisation_id: patch.organisatie_id,
        active: patch.actief,
        password: patch.wachtwoord,
        current_password: patch.huidig_wachtwoord,
    };
    let user = account_admin::update(
        &state.store,
        &state.auth,
        &caller,
        client.0,
        (id, version),
        changes,
    )
    .await?;
    Ok(with_etag(StatusCode::OK, user))
}

/// An entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditResponse {
    pub id: i64,
    #[schema(format = DateTime)]
    pub tijdstip: String,
    /// Who did it (absent for failed logins of unknown accounts).
    pub door: Option<i64>,
    pub naam: String,
    /// e.g. `inloggen`, `inloggen-mislukt`, `rol-gewijzigd`, `beoordeling-goedgekeurd`.
    pub actie: String,
    /// What it was about, e.g. `gebruiker 3` or `aanbod 12`.
    pub onderwerp: String,
    pub toelichting: String,
}

/// The audit log, newest first (admins and editors), optionally filtered.
#[utoipa::path(
    get,
    path = "/beheer/audit-log",
    tag = "beheer",
    params(
        ("actie" = Option<String>, Query, max_length = 100, description = "One action, e.g. `rol-gewijzigd`"),
        ("door" = Option<i64>, Query, minimum = 1, description = "Entries by this account id"),
        ("onderwerp" = Option<String>, Query, max_length = 100, description = "A subject (`aanbod 12`) or a kind of subject (`aanbod`)"),
        ("vanaf" = Option<String>, Query, format = Date, description = "First day (UTC), inclusive"),
        ("tot" = Option<String>, Query, format = Date, description = "Last day (UTC), inclusive"),
        ("page" = Option<u32>, Query, minimum = 1),
        ("pageSize" = Option<u32>, Query, minimum = 1, maximum = 100),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Entries, newest first", body = AuditList),
    )
)]
pub async fn list_audit_log(
    State(state): State<AppState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<AuditList>> {
    caller.require_editor()?;
    let mut e = FieldErrors::new();
    let mut filter = AuditFilter::default();
    let paging: Vec<_> = pairs
        .iter()
        .filter(|(k, v)| !filter.read(k, v, &mut e))
        .cloned()
        .collect();
    filter.check(&mut e);
    let (page, size) = parse_paging_after(e, &paging, 100)?;
    let (entries, total) = state
        .store
        .list_audit(
            &filter,
            i64::from(page - 1) * i64::from(size),
            i64::from(size),
        )
        .await?;
    Ok(Json(AuditList::new(
        "/api/v1/beheer/audit-log",
        &pairs,
        (page, size),
        total,
        entries
            .into_iter()
            .map(|a| AuditResponse {
                id: a.id,
                tijdstip: a.created_at,
                door: a.user_id,
                naam: a.user_name,
                actie: a.action,
                onderwerp: a.subject,
                toelichting: a.detail,
            })
            .collect(),
    )))
}
