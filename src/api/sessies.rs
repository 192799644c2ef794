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
use crate::error::{ApiError, ApiResult};
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
    // Both limits count the attempt before the password is checked, so a burst of parallel
    // guesses gets no further than a slow series would.
    if let Some(ip) = client.0
        && let Err(secs) = state.auth.reserve(ip)
    {
        return Err(ApiError::TooManyRequests(secs));
    }
    let key = auth::account_key(&req.email);
    let attempt = state
        .store
        .begin_login_attempt(&key, auth::FAILURES_BEFORE_LOCK, &auth::lock_schedule())
        .await?;
    let attempt_no = match attempt {
        Ok(n) => n,
        Err(until) => {
            let left = chrono::DateTime::parse_from_rfc3339(&until)
                .map(|u| u.signed_duration_since(chrono::Utc::now()).num_seconds())
                .unwrap_or(1);
            return Err(ApiError::TooManyRequests(left.max(0) as u64 + 1));
        }
    };

    let account = match UserEmail::parse(&req.email) {
        Some(email) => state.store.user_by_email(email.as_str()).await?,
        None => None,
    };
    let hash = account
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| auth::decoy_hash().to_string());
    let matches = state.auth.verify(req.wachtwoord.clone(), hash).await?;

    match account {
        Some((user, _)) if matches && user.active => {
            state.store.clear_login_failures(&key).await?;
            if let Some(ip) = client.0 {
                state.auth.refund(ip);
            }
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
                // The answer carries the token: no cache may keep it.
                [(axum::http::header::CACHE_CONTROL, "no-store")],
                Json(SessionResponse {
                    token,
                    inactief_na_seconden: state.auth.idle.as_secs(),
                    uiterlijk_geldig_tot: until,
                    gebruiker: user.into(),
                }),
            ))
        }
        other => {
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
                    &format!("poging {attempt_no} op rij"),
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
