//! `/sessies`: log in (a bearer token), see the current session, log out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::extract::{JsonObject, fields_from};
use crate::auth::{self, Caller};
use crate::domain::{FieldErrors, UserEmail};
use crate::error::{ApiError, ApiResult, Problem};
use crate::store::User;

/// Login credentials.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "redactie@leusden.example")]
    pub email: String,
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

const WRONG: &str = "E-mailadres of wachtwoord onjuist.";

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
        (status = 400, description = "Missing or malformed fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "E-mail address or password wrong, or account disabled", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_sessie(
    State(state): State<AppState>,
    client: ClientIp,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, Json<SessionResponse>)> {
    if let Some(ip) = client.0
        && let Err(secs) = state.auth.check_address(ip)
    {
        return Err(ApiError::TooManyRequests(secs));
    }
    let req: LoginRequest = fields_from(body, &["email", "wachtwoord"], &[], "")?;
    let mut e = FieldErrors::new();
    if req.email.trim().is_empty() {
        e.add("email", "is verplicht");
    }
    if req.wachtwoord.is_empty() {
        e.add("wachtwoord", "is verplicht");
    } else if req.wachtwoord.chars().count() > crate::domain::user::MAX_PASSWORD_CHARS {
        e.add("wachtwoord", "is te lang");
    }
    if !e.is_empty() {
        return Err(e.into());
    }

    let key = auth::account_key(&req.email);
    let (_, locked_until) = state.store.login_failures(&key).await?;
    if let Some(until) = locked_until.and_then(|u| chrono::DateTime::parse_from_rfc3339(&u).ok()) {
        let left = until
            .signed_duration_since(chrono::Utc::now())
            .num_seconds();
        if left > 0 {
            return Err(ApiError::TooManyRequests(left as u64 + 1));
        }
    }

    let account = match UserEmail::parse(&req.email) {
        Some(email) => state.store.user_by_email(email.as_str()).await?,
        None => None,
    };
    let password = req.wachtwoord.clone();
    let hash = account
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| auth::decoy_hash().to_string());
    let matches = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;

    match account {
        Some((user, _)) if matches && user.active => {
            state.store.clear_login_failures(&key).await?;
            let (token, token_hash) = auth::new_token();
            let created = state.store.create_session(&token_hash, user.id).await?;
            state
                .store
                .audit(
                    Some((user.id, &user.name)),
                    "inloggen",
                    &format!("gebruiker {}", user.id),
                    "",
                )
                .await?;
            let until = chrono::DateTime::parse_from_rfc3339(&created)
                .map(|t| {
                    (t + chrono::Duration::from_std(state.auth.absolute).unwrap_or_default())
                        .to_utc()
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                })
                .unwrap_or_default();
            Ok((
                StatusCode::CREATED,
                Json(SessionResponse {
                    token,
                    inactief_na_seconden: state.auth.idle.as_secs(),
                    uiterlijk_geldig_tot: until,
                    gebruiker: user.into(),
                }),
            ))
        }
        other => {
            if let Some(ip) = client.0 {
                state.auth.count_failure(ip);
            }
            let failures = state
                .store
                .record_login_failure(&key, auth::lock_duration)
                .await?;
            let (who, subject) = match &other {
                Some((u, _)) => (Some((u.id, u.name.as_str())), format!("gebruiker {}", u.id)),
                None => (None, "onbekend account".to_string()),
            };
            state
                .store
                .audit(
                    who,
                    "inloggen-mislukt",
                    &subject,
                    &format!("poging {failures}"),
                )
                .await?;
            Err(ApiError::Unauthorized(WRONG))
        }
    }
}

/// The current session's account.
#[utoipa::path(
    get,
    path = "/sessies/huidige",
    tag = "sessies",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The logged-in account", body = UserResponse),
        (status = 401, description = "Not logged in or session expired", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "Not logged in or session expired", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_huidige_sessie(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<StatusCode> {
    state.store.delete_session(&caller.token_hash).await?;
    state
        .store
        .audit(
            Some((caller.user.id, &caller.user.name)),
            "uitloggen",
            &format!("gebruiker {}", caller.user.id),
            "",
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The client's address, when known.
pub struct ClientIp(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, ApiError> {
        Ok(ClientIp(auth::client_ip(parts)))
    }
}
