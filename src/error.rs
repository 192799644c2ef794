//! One error type for the HTTP API, one code table, one renderer: every error leaves as
//! `application/problem+json` (RFC 9457) with a Dutch title and, for invalid input, one
//! `invalidParams` entry per offending field.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::{FieldError, FieldErrors};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("ongeldige invoer")]
    Invalid(Vec<FieldError>),
    #[error("niet gevonden")]
    NotFound,
    /// No valid session: missing, unknown, expired or revoked token, or wrong credentials.
    #[error("niet ingelogd")]
    Unauthorized(&'static str),
    /// Logged in, but this role may not do this.
    #[error("geen toegang")]
    Forbidden,
    /// The item is not in a state that allows this step.
    #[error("conflict: {0}")]
    Conflict(String),
    /// An update without `If-Match`.
    #[error("If-Match ontbreekt")]
    PreconditionRequired,
    /// An update with a stale `If-Match`.
    #[error("versie verouderd")]
    PreconditionFailed,
    /// Too many attempts; retry after this many seconds.
    #[error("te veel pogingen")]
    TooManyRequests(u64),
    #[error("methode niet toegestaan")]
    MethodNotAllowed,
    #[error("verzoek te groot")]
    PayloadTooLarge,
    /// Too many request headers, or too long ones.
    #[error("headers te groot")]
    HeadersTooLarge,
    #[error("tijdelijk niet beschikbaar: {0}")]
    Unavailable(String),
    #[error("interne fout: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl From<FieldErrors> for ApiError {
    fn from(e: FieldErrors) -> Self {
        ApiError::Invalid(e.into_vec())
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::NotFound => ApiError::NotFound,
            crate::store::StoreError::VersionMismatch => ApiError::PreconditionFailed,
            crate::store::StoreError::LastAdmin => ApiError::Conflict(
                "Dit is de laatste actieve beheerder; maak eerst een ander account beheerder."
                    .into(),
            ),
            crate::store::StoreError::Full(message) => ApiError::Conflict(message.into()),
            crate::store::StoreError::Duplicate(field) => ApiError::Invalid(vec![FieldError {
                name: field.into(),
                reason: "is al in gebruik".into(),
            }]),
            // Pool timeouts and lost connections: the database is down or overloaded.
            crate::store::StoreError::Db(e) if is_transient(&e) => {
                ApiError::Unavailable(format!("database: {e}"))
            }
            crate::store::StoreError::Db(e) => ApiError::Internal(e.into()),
        }
    }
}

/// Errors that say the database is down, restarting or overloaded, not that we did wrong:
/// the client should retry (503), and the pool reconnects by itself.
fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // SQLSTATE classes 08 (connection), 53 (resources), 57P0x (shutdown, restart),
            // 40001/40P01 (serialization, deadlock), 55000 (the database is not accepting
            // connections, e.g. during maintenance); SQLite: 5 (busy), 6 (locked).
            code == "55000"
                || code.starts_with("08")
                || code.starts_with("53")
                || code.starts_with("57P0")
                || code == "40001"
                || code == "40P01"
                || code == "5"
                || code == "6"
        }),
        _ => false,
    }
}

impl From<crate::auth::AuthError> for ApiError {
    fn from(e: crate::auth::AuthError) -> Self {
        use crate::auth::AuthError;
        match e {
            AuthError::Unauthenticated(why) => ApiError::Unauthorized(why),
            AuthError::Forbidden => ApiError::Forbidden,
            AuthError::ShuttingDown => ApiError::Unavailable("afsluiten".into()),
            AuthError::Store(e) => e.into(),
            AuthError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl From<crate::workflow::WorkflowError> for ApiError {
    fn from(e: crate::workflow::WorkflowError) -> Self {
        use crate::workflow::WorkflowError;
        use crate::workflow::rules::Refusal;
        match e {
            WorkflowError::Invalid(errors) => errors.into(),
            WorkflowError::NotFound => ApiError::NotFound,
            WorkflowError::StaleVersion => ApiError::PreconditionFailed,
            WorkflowError::Refused(Refusal::NotAReviewer) => ApiError::Forbidden,
            WorkflowError::Refused(refusal) => ApiError::Conflict(refusal.message().into()),
            WorkflowError::Store(e) => e.into(),
        }
    }
}

impl From<crate::account_admin::AccountError> for ApiError {
    fn from(e: crate::account_admin::AccountError) -> Self {
        use crate::account_admin::AccountError;
        match e {
            AccountError::Invalid(errors) => errors.into(),
            AccountError::NotFound => ApiError::NotFound,
            AccountError::Forbidden => ApiError::Forbidden,
            AccountError::StaleVersion => ApiError::PreconditionFailed,
            AccountError::Login(e) => e.into(),
            AccountError::Store(e) => e.into(),
        }
    }
}

impl From<crate::terms::TermError> for ApiError {
    fn from(e: crate::terms::TermError) -> Self {
        use crate::terms::TermError;
        match e {
            TermError::Invalid(errors) => errors.into(),
            TermError::NotFound => ApiError::NotFound,
            TermError::Forbidden => ApiError::Forbidden,
            TermError::Store(e) => e.into(),
        }
    }
}

impl From<crate::report_desk::DeskError> for ApiError {
    fn from(e: crate::report_desk::DeskError) -> Self {
        use crate::report_desk::DeskError;
        match e {
            DeskError::Invalid(errors) => errors.into(),
            DeskError::NotFound => ApiError::NotFound,
            DeskError::Forbidden => ApiError::Forbidden,
            DeskError::Store(e) => e.into(),
        }
    }
}

impl From<crate::referrals::ReferralError> for ApiError {
    fn from(e: crate::referrals::ReferralError) -> Self {
        use crate::referrals::ReferralError;
        match e {
            ReferralError::NotFound | ReferralError::NoSuchOffer | ReferralError::LinkGone => {
                ApiError::NotFound
            }
            ReferralError::Invalid(errors) => errors.into(),
            ReferralError::Auth(e) => e.into(),
            ReferralError::Store(e) => e.into(),
        }
    }
}

impl From<crate::auth::LoginError> for ApiError {
    fn from(e: crate::auth::LoginError) -> Self {
        use crate::auth::LoginError;
        match e {
            LoginError::Invalid(errors) => errors.into(),
            LoginError::Wrong => ApiError::Unauthorized(crate::auth::WRONG_CREDENTIALS),
            LoginError::Throttled(seconds) => ApiError::TooManyRequests(seconds),
            LoginError::Auth(e) => e.into(),
        }
    }
}

impl From<crate::search::SearchError> for ApiError {
    fn from(e: crate::search::SearchError) -> Self {
        ApiError::Internal(e.into())
    }
}

/// What a problem answer with `status` means, for the OpenAPI document.
pub fn documented(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => {
            "Invalid input: every offending field or parameter is listed in `invalidParams`"
        }
        StatusCode::UNAUTHORIZED => {
            "Not logged in: no token, an invalid or expired one, or wrong credentials"
        }
        StatusCode::FORBIDDEN => "This role may not do this",
        StatusCode::NOT_FOUND => "Not found, or not visible to this caller",
        StatusCode::CONFLICT => "Not possible in the current state; `detail` says why",
        StatusCode::PRECONDITION_FAILED => "Changed since your `ETag`: read it again",
        StatusCode::PRECONDITION_REQUIRED => "`If-Match` missing: send the `ETag` you read",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts: retry after `Retry-After` seconds",
        StatusCode::SERVICE_UNAVAILABLE => {
            "Temporarily unavailable (busy, index being built, database down): retry after `Retry-After` seconds"
        }
        _ => "Error",
    }
}

/// The code table: status, stable machine code and Dutch title per error.
struct Code {
    status: StatusCode,
    code: &'static str,
    title: &'static str,
}

impl ApiError {
    fn code(&self) -> Code {
        let (status, code, title) = match self {
            ApiError::Invalid(_) => (
                StatusCode::BAD_REQUEST,
                "ongeldige-invoer",
                "Ongeldige invoer",
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "niet-gevonden", "Niet gevonden"),
            ApiError::Unauthorized(_) => {
                (StatusCode::UNAUTHORIZED, "niet-ingelogd", "Niet ingelogd")
            }
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "geen-toegang", "Geen toegang"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflict"),
            ApiError::PreconditionRequired => (
                StatusCode::PRECONDITION_REQUIRED,
                "if-match-vereist",
                "If-Match vereist",
            ),
            ApiError::PreconditionFailed => (
                StatusCode::PRECONDITION_FAILED,
                "versie-verouderd",
                "Versie verouderd",
            ),
            ApiError::TooManyRequests(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "te-veel-pogingen",
                "Te veel pogingen",
            ),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "methode-niet-toegestaan",
                "Methode niet toegestaan",
            ),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "verzoek-te-groot",
                "Verzoek te groot",
            ),
            ApiError::HeadersTooLarge => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "headers-te-groot",
                "Headers te groot",
            ),
            ApiError::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "tijdelijk-niet-beschikbaar",
                "Tijdelijk niet beschikbaar",
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "interne-fout",
                "Interne fout",
            ),
        };
        Code {
            status,
            code,
            title,
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::Invalid(errs) if errs.len() == 1 => {
                "Eén parameter of veld is ongeldig; zie invalidParams.".into()
            }
            ApiError::Invalid(errs) => {
                format!(
                    "{} parameters of velden zijn ongeldig; zie invalidParams.",
                    errs.len()
                )
            }
            ApiError::NotFound => "De gevraagde bron bestaat niet (of is niet openbaar).".into(),
            ApiError::Unauthorized(why) => (*why).into(),
            ApiError::Forbidden => "Uw rol geeft geen toegang tot deze handeling.".into(),
            ApiError::Conflict(why) => why.clone(),
            ApiError::PreconditionRequired => {
                "Stuur de versie die u bewerkt mee in de header If-Match (de ETag van uw laatste GET), zodat u niemands wijziging overschrijft."
                    .into()
            }
            ApiError::PreconditionFailed => {
                "Iemand anders heeft dit intussen gewijzigd. Haal de nieuwste versie op en breng uw wijziging opnieuw aan."
                    .into()
            }
            ApiError::TooManyRequests(secs) => format!(
                "Te veel mislukte pogingen. Probeer het over {secs} seconden opnieuw."
            ),
            ApiError::MethodNotAllowed => {
                "Deze methode wordt voor deze bron niet ondersteund.".into()
            }
            ApiError::PayloadTooLarge => {
                "De inhoud van het verzoek is groter dan toegestaan.".into()
            }
            ApiError::HeadersTooLarge => format!(
                "Stuur hoogstens {} headers van samen hoogstens {} KiB.",
                crate::serve::MAX_HEADERS,
                crate::serve::MAX_HEADER_BYTES / 1024
            ),
            ApiError::Unavailable(_) => {
                "De dienst is even niet beschikbaar. Probeer het over enkele seconden opnieuw."
                    .into()
            }
            // Never echo internals to the client; they are logged once, by the middleware.
            ApiError::Internal(_) => {
                "Er ging iets mis aan onze kant. Probeer het later opnieuw.".into()
            }
        }
    }
}

/// The problem+json body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// URI reference identifying the problem type.
    #[schema(example = "https://wegwijzer.example/problemen/ongeldige-invoer")]
    #[serde(rename = "type")]
    pub kind: String,
    /// Short Dutch summary of the problem type.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Dutch explanation of this occurrence.
    pub detail: String,
    /// Stable machine-readable code.
    pub code: String,
    /// One entry per offending parameter or field (400 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_params: Option<Vec<InvalidParam>>,
}

/// One offending field, as ADR's `invalidParams` entries name it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = FieldError)]
pub struct InvalidParam {
    /// The field's name on the wire (for nested records, a path such as `aanbod[3].titel`).
    pub name: String,
    /// What is wrong, in Dutch.
    pub reason: String,
}

/// Kept in the response's extensions so the logging middleware can record internal errors.
#[derive(Clone)]
pub struct LoggedError(pub std::sync::Arc<String>);

/// The cause of a 503, logged by the same middleware as [`LoggedError`].
#[derive(Clone, Debug)]
pub struct Unavailable(pub std::sync::Arc<String>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code();
        let body = Problem {
            kind: format!("https://wegwijzer.example/problemen/{}", code.code),
            title: code.title.into(),
            status: code.status.as_u16(),
            detail: self.detail(),
            code: code.code.into(),
            invalid_params: match &self {
                ApiError::Invalid(errs) => Some(
                    errs.iter()
                        .map(|e| InvalidParam {
                            name: e.name.clone(),
                            reason: e.reason.clone(),
                        })
                        .collect(),
                ),
                _ => None,
            },
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut res = (code.status, json).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if matches!(self, ApiError::Unavailable(_)) {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        if let ApiError::TooManyRequests(secs) = &self {
            res.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(secs.max(&1).to_owned()),
            );
        }
        if matches!(self, ApiError::Unauthorized(_)) {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"wegwijzer\""),
            );
        }
        if let ApiError::Internal(e) = &self {
            res.extensions_mut()
                .insert(LoggedError(std::sync::Arc::new(format!("{e:#}"))));
        }
        // A 503 tells the client only to come back; the operator needs the cause, once.
        if let ApiError::Unavailable(cause) = &self {
            res.extensions_mut()
                .insert(Unavailable(std::sync::Arc::new(cause.clone())));
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
