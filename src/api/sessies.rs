//! `/sessies`: log in (a bearer token), see the current session, log out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::extract::{JsonObject, fields_from};
use crate::auth::{self, Caller};
use crate::error::{ApiError, ApiResult};
use crate::store::User;

/// Login credentials.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "redactie@leusden.example", min_length = 1)]
    pub email: String,
    #[schema(min_length = 1, max_length = 128)]
    pub wachtwoord: String,
}

/// An account as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserResponse {
    pub id: i64,
    pub email: String,
    pub naam: String,
    /// `admin`, `redacteur`, `medewerker` or `partner`.
    pub rol: String,
    /// The organisation of a partner.
    pub organisatie_id: Option<i64>,
    pub actief: bool,
    #[schema(format = DateTime)]
    pub aangemaakt: String,
    #[schema(format = DateTime)]
    pub gewijzigd: String,
    pub versie: i64,
}

impl From<User> for UserResponse {
    fn from(u: User) -> Self {
        UserResponse {
            id: u.id,
            email: u.email,
            naam: u.name,
            rol: u.role.as_str().into(),
            organisatie_id: u.organisation_id,
            actief: u.active,
            aangemaakt: u.created_at,
            gewijzigd: u.updated_at,
            versie: u.version,
        }
    }
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    /// Send as `Authorization: Bearer <token>`. Shown once; the server keeps only a hash.
    pub token: String,
    /// Seconds without a request after which the session ends.
    pub inactief_na_seconden: u64,
    /// The session ends at this moment at the latest.
    #[schema(format = DateTime)]
    pub uiterlijk_geldig_tot: String,
    pub gebruiker: UserResponse,
}

/// Log in with e-mail address and password.
///
/// Unknown addresses and wrong passwords get the same answer in the same time. After 5 failed
/// attempts an account is locked for 30 seconds, doubling per further failure up to 15
/// minutes (429 with `Retry-After`); each client address may fail 20 times a minute.
#[utoipa::path(
    post,
    path = "/sessies",
    tag = "sessies",
    request_body = LoginRequest,
    responses(
        (status = 201, description = "Logged in", body = SessionResponse),
    )
)]
pub async fn create_sessie(
    State(state): State<AppState>,
    client: ClientIp,
    JsonObject(body): JsonObject,
) -> ApiResult<(
    StatusCode,
    [(axum::http::HeaderName, &'static str); 1],
    Json<SessionResponse>,
)> {
    let req: LoginRequest = fields_from(body, &["email", "wachtwoord"], &[], "")?;
    let session = state
        .auth
        .login(&state.store, &req.email, &req.wachtwoord, client.0)
        .await?;
    Ok((
        StatusCode::CREATED,
        // The answer carries the token: no cache may keep it.
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(SessionResponse {
            token: session.token,
            inactief_na_seconden: state.auth.idle.as_secs(),
            uiterlijk_geldig_tot: crate::domain::iso(&session.valid_until),
            gebruiker: session.user.into(),
        }),
    ))
}

/// The current session's account.
#[utoipa::path(
    get,
    path = "/sessies/huidige",
    tag = "sessies",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The logged-in account", body = UserResponse),
    )
)]
pub async fn get_huidige_sessie(caller: Caller) -> ApiResult<Json<UserResponse>> {
    Ok(Json(caller.user.into()))
}

/// Log out: the token stops working at once.
#[utoipa::path(
    delete,
    path = "/sessies/huidige",
    tag = "sessies",
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Logged out"),
    )
)]
pub async fn delete_huidige_sessie(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<StatusCode> {
    state.auth.logout(&state.store, &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The client's address, when known.
pub struct ClientIp(pub Option<std::net::IpAddr>);

impl axum::extract::FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, ApiError> {
        Ok(ClientIp(auth::client_ip(
            parts,
            &state.auth.trusted_proxies,
        )))
    }
}
