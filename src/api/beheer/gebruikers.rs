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
    ApiPath, IfMatch, JsonObject, QueryPairs, etag, fields_from, parse_paging,
};
use super::super::sessies::UserResponse;
use crate::auth::Caller;
use crate::domain::content::{USER_NAME, limited_text};
use crate::domain::user::password_problem;
use crate::domain::{FieldErrors, Role, UserEmail};
use crate::error::{ApiError, ApiResult};
use crate::store::{User, UserChanges};

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

/// Checks role and organisation together; returns the role.
async fn check_role(
    state: &AppState,
    caller: &Caller,
    e: &mut FieldErrors,
    rol: &str,
    organisation_id: Option<i64>,
) -> Result<Option<Role>, ApiError> {
    let Some(role) = Role::parse(rol) else {
        e.add("rol", format!("kies uit: {}", Role::allowed()));
        return Ok(None);
    };
    if role == Role::Admin && caller.role() != Role::Admin {
        return Err(ApiError::Forbidden);
    }
    match (role, organisation_id) {
        (Role::Partner, None) => e.add("organisatieId", "is verplicht voor een partner"),
        (Role::Partner, Some(id)) => {
            if state.store.find_organisation(id).await.is_err() {
                e.add("organisatieId", "onbekende organisatie");
            }
        }
        (_, Some(_)) => e.add("organisatieId", "alleen voor partners"),
        (_, None) => {}
    }
    Ok(Some(role))
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
    let mut e = FieldErrors::new();
    let email = UserEmail::parse(&req.email);
    if email.is_none() {
        e.add("email", "geen geldig e-mailadres");
    }
    limited_text(&mut e, "naam", &req.naam, USER_NAME);
    if let Some(p) = req.wachtwoord.as_deref().and_then(password_problem) {
        e.add("wachtwoord", p);
    }
    let role = check_role(&state, &caller, &mut e, &req.rol, req.organisatie_id).await?;
    let (Some(email), Some(role), true) = (email, role, e.is_empty()) else {
        return Err(e.into());
    };
    // An invited account has no password anyone knows until its owner chooses one.
    let password = req.wachtwoord.clone().unwrap_or_else(|| {
        format!(
            "{}{}",
            crate::auth::new_share_token(),
            crate::auth::new_share_token()
        )
    });
    let hash = state.auth.hash(password).await?;
    let user = state
        .store
        .create_user(
            email.as_str(),
            req.naam.trim(),
            role,
            req.organisatie_id,
            &hash,
        )
        .await?;
    if req.wachtwoord.is_none() {
        state
            .store
            .send_password_link(
                user.id,
                &user.email,
                crate::store::INVITATION,
                chrono::Duration::days(7),
                chrono::Utc::now(),
            )
            .await?;
    }
    state
        .store
        .audit(
            Some((caller.user.id, &caller.user.name)),
            "gebruiker-aangemaakt",
            &format!("gebruiker {}", user.id),
            &format!("rol {}", role.as_str()),
        )
        .await?;
    let mut res = with_etag(StatusCode::CREATED, user.clone());
    if let Ok(v) = format!("/api/v1/beheer/gebruikers/{}", user.id).parse() {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// The account `id`, if the caller may see it: editors all, anyone their own. (Only admins
/// may change admin accounts; see [`update_gebruiker`].)
async fn visible(state: &AppState, caller: &Caller, id: i64) -> ApiResult<User> {
    if caller.user.id == id {
        return Ok(state.store.find_user(id).await?);
    }
    caller.require_editor()?;
    let user = state.store.find_user(id).await?;
    Ok(user)
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
    let user = visible(&state, &caller, id).await?;
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
    let target = visible(&state, &caller, id).await?;
    let own = caller.user.id == id;
    let editor_fields = ["rol", "organisatieId", "actief"];
    let patch: UserPatch = if caller.is_editor() && !own {
        if target.role == Role::Admin && caller.role() != Role::Admin {
            return Err(ApiError::Forbidden);
        }
        fields_from(
            body,
            &["naam", "rol", "organisatieId", "actief", "wachtwoord"],
            SERVER_FIELDS,
            "wordt door de server bepaald",
        )?
    } else {
        let mut forbidden = SERVER_FIELDS.to_vec();
        forbidden.extend(editor_fields);
        fields_from(
            body,
            &["naam", "wachtwoord", "huidigWachtwoord"],
            &forbidden,
            "dit veld mag u voor uw eigen account niet zetten",
        )?
    };
    // Only a well-formed request gets to the version check. The checks below look at
    // `target`; the update only applies at this same version, so they cannot be outrun by a
    // concurrent change (412 instead).
    let IfMatch(version) = if_match?;
    if version != target.version {
        return Err(ApiError::PreconditionFailed);
    }
    let mut e = FieldErrors::new();
    if let Some(n) = &patch.naam {
        limited_text(&mut e, "naam", n, USER_NAME);
    }
    // One's own password: the auth service's rule (the current one is needed).
    let own_password = own && patch.wachtwoord.is_some();
    let own_hash = if own_password {
        state
            .auth
            .own_password_change(
                &state.store,
                &target,
                patch.wachtwoord.as_deref().unwrap_or(""),
                patch.huidig_wachtwoord.as_deref(),
                client.0,
                &mut e,
            )
            .await?
    } else {
        if let Some(p) = patch.wachtwoord.as_deref().and_then(password_problem) {
            e.add("wachtwoord", p);
        }
        None
    };
    let mut changes = UserChanges {
        name: patch.naam.as_ref().map(|n| n.trim().to_string()),
        active: patch.actief,
        ..Default::default()
    };
    if patch.rol.is_some() || patch.organisatie_id.is_some() {
        let rol = patch.rol.clone().unwrap_or(target.role.as_str().into());
        let org = match (&patch.rol, patch.organisatie_id) {
            (_, Some(o)) => Some(o),
            (Some(r), None) if r != "partner" => None,
            _ => target.organisation_id,
        };
        if let Some(role) = check_role(&state, &caller, &mut e, &rol, org).await? {
            changes.role = Some(role);
            changes.organisation_id = Some(org);
        }
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    if let Some(hash) = own_hash {
        changes.password_hash = Some(hash);
    } else if let Some(p) = patch.wachtwoord.clone() {
        changes.password_hash = Some(state.auth.hash(p).await?);
    }
    if !changes.change(&target) {
        return Ok(with_etag(StatusCode::OK, target));
    }
    let user = state
        .store
        .update_user(id, version, &changes, (caller.user.id, &caller.user.name))
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

/// The audit log, newest first (admins and editors).
#[utoipa::path(
    get,
    path = "/beheer/audit-log",
    tag = "beheer",
    params(
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
    let (page, size) = parse_paging(&pairs, 100)?;
    let (entries, total) = state
        .store
        .list_audit(i64::from(page - 1) * i64::from(size), i64::from(size))
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
