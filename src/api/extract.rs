//! Our own extractors, so malformed input becomes a 400 problem+json instead of axum's
//! plain-text rejection.

use axum::extract::{FromRequestParts, Path, RawQuery};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::domain::FieldErrors;
use crate::error::ApiError;

/// A path parameter that must parse as `T`; `name` is reported on failure.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(_) => {
                let mut e = FieldErrors::new();
                e.add("id", "moet een positief geheel getal zijn");
                Err(e.into())
            }
        }
    }
}

/// The query string as ordered key/value pairs, for parameters that may repeat.
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let RawQuery(raw) = RawQuery::from_request_parts(parts, state)
            .await
            .unwrap_or(RawQuery(None));
        let raw = raw.unwrap_or_default();
        if raw.len() > 4096 {
            let mut e = FieldErrors::new();
            e.add("query", "de querystring is langer dan 4096 tekens");
            return Err(e.into());
        }
        Ok(QueryPairs(
            form_urlencoded::parse(raw.as_bytes())
                .into_owned()
                .collect(),
        ))
    }
}

/// Page and page size for plain lists (organisations).
pub fn parse_paging(pairs: &[(String, String)], max: u32) -> Result<(u32, u32), ApiError> {
    let mut e = FieldErrors::new();
    let (mut page, mut size) = (1u32, 20u32.min(max));
    for (k, v) in pairs {
        match k.as_str() {
            "page" => match v.parse::<u32>() {
                Ok(p) if (1..=10_000).contains(&p) => page = p,
                _ => e.add("page", "moet een geheel getal van 1 tot en met 10000 zijn"),
            },
            "pageSize" => match v.parse::<u32>() {
                Ok(s) if (1..=max).contains(&s) => size = s,
                _ => e.add(
                    "pageSize",
                    format!("moet een geheel getal van 1 tot en met {max} zijn"),
                ),
            },
            other => e.add(other, "onbekende parameter; toegestaan: page, pageSize"),
        }
    }
    e.finish(|| (page, size)).map_err(ApiError::from)
}
