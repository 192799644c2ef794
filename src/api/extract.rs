//! Our own extractors, so malformed input becomes a 400 problem+json instead of axum's
//! plain-text rejection.

use axum::extract::{FromRequestParts, Path, RawQuery};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::AppState;
use crate::auth::Caller;
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
        // One canonical form per id: `/aanbod/1` exists, `/aanbod/+1` and `/aanbod/0001` do not.
        // Ids start at 1: `/aanbod/0` and `/aanbod/-1` name nothing.
        if let Ok(raw) =
            <axum::extract::RawPathParams as FromRequestParts<S>>::from_request_parts(parts, state)
                .await
            && raw
                .iter()
                .any(|(_, v)| is_non_canonical_number(v) || is_below_one(v))
        {
            return Err(ApiError::NotFound);
        }
        match <Path<T> as FromRequestParts<S>>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(_) => {
                let mut e = FieldErrors::new();
                e.add("id", "moet een positief geheel getal zijn");
                Err(e.into())
            }
        }
    }
}

/// True for a whole number below 1 (`0`, `-5`): never an id.
fn is_below_one(v: &str) -> bool {
    v.parse::<i64>().is_ok_and(|n| n < 1)
}

/// True for a number written in a second form: a sign, or a leading zero (`+1`, `0001`).
fn is_non_canonical_number(v: &str) -> bool {
    let digits = v.strip_prefix('+').unwrap_or(v);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (v.starts_with('+') || (digits.len() > 1 && digits.starts_with('0')))
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
        strict_pairs(&raw).map(QueryPairs).map_err(ApiError::from)
    }
}

/// Decodes a query string like `form_urlencoded`, but refuses what does not decode to UTF-8
/// (`%FF`, overlong `%C0%AF`, surrogates `%ED%A0%80`) instead of searching for U+FFFD: every
/// offending parameter is named.
pub fn strict_pairs(raw: &str) -> Result<Vec<(String, String)>, FieldErrors> {
    let mut pairs = Vec::new();
    let mut e = FieldErrors::new();
    for part in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        match (percent_decoded(k), percent_decoded(v)) {
            (Ok(k), Ok(v)) => pairs.push((k, v)),
            (k, _) => {
                let name = k.unwrap_or_else(|bytes| String::from_utf8_lossy(&bytes).into_owned());
                e.add(
                    name.chars().take(64).collect::<String>(),
                    "bevat tekens die geen geldige UTF-8 zijn",
                );
            }
        }
    }
    e.finish(|| pairs)
}

/// `+` as a space and `%XX` as a byte; `Err` with the bytes when they are not UTF-8.
fn percent_decoded(s: &str) -> Result<String, Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = |c: u8| (c as char).to_digit(16);
        match b {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|e| e.into_bytes())
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

/// Page and page size from `rest` (the pairs a list's own filters did not take), reported
/// together with the filter errors already collected in `errors`: one 400 lists them all.
pub fn parse_paging_after(
    mut errors: FieldErrors,
    rest: &[(String, String)],
    max: u32,
) -> Result<(u32, u32), ApiError> {
    match parse_paging(rest, max) {
        Ok(p) if errors.is_empty() => Ok(p),
        Ok(_) => Err(errors.into()),
        Err(ApiError::Invalid(more)) => {
            for m in more {
                errors.add(m.name, m.reason);
            }
            Err(errors.into())
        }
        Err(other) => Err(other),
    }
}

/// A JSON object body. Anything else (no JSON content type, malformed JSON, an array) is a
/// 400 problem+json; field-level checks follow in [`fields_from`].
pub struct JsonObject(pub serde_json::Map<String, serde_json::Value>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let json_type = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v.starts_with("application/json") || v.starts_with("application/merge-patch+json")
            });
        let mut e = FieldErrors::new();
        if !json_type {
            e.add("Content-Type", "moet application/json zijn");
            return Err(e.into());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?;
        match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(serde_json::Value::Object(map)) => Ok(JsonObject(map)),
            Ok(_) => {
                e.add("body", "moet een JSON-object zijn");
                Err(e.into())
            }
            Err(err) => {
                e.add(
                    "body",
                    format!(
                        "geen geldige JSON (regel {}, kolom {})",
                        err.line(),
                        err.column()
                    ),
                );
                Err(e.into())
            }
        }
    }
}

/// Reads `T` from a JSON object, listing every offending field at once: fields the caller may
/// not set (`forbidden`, with the reason), unknown fields, and fields of the wrong type. `T`
/// must accept any subset of its fields (`#[serde(default)]`), so each field can be tried
/// on its own to find the ones that do not fit.
pub fn fields_from<T: DeserializeOwned>(
    map: serde_json::Map<String, serde_json::Value>,
    allowed: &[&str],
    forbidden: &[&str],
    forbidden_reason: &str,
) -> Result<T, ApiError> {
    let mut e = FieldErrors::new();
    for key in map.keys() {
        if forbidden.contains(&key.as_str()) {
            e.add(key.clone(), forbidden_reason);
        } else if !allowed.contains(&key.as_str()) {
            e.add(
                key.chars().take(64).collect::<String>(),
                format!("onbekend veld; toegestaan: {}", allowed.join(", ")),
            );
        }
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    match serde_json::from_value::<T>(serde_json::Value::Object(map.clone())) {
        Ok(v) => Ok(v),
        Err(whole) => {
            for (k, v) in map {
                let mut single = serde_json::Map::new();
                single.insert(k.clone(), v);
                if let Err(err) = serde_json::from_value::<T>(serde_json::Value::Object(single)) {
                    e.add(
                        k,
                        format!("verkeerd type of formaat: {}", english_to_dutch(&err)),
                    );
                }
            }
            if e.is_empty() {
                e.add("body", format!("ongeldig: {}", english_to_dutch(&whole)));
            }
            Err(e.into())
        }
    }
}

/// serde's messages are English; keep their useful part and say it in Dutch where we can.
fn english_to_dutch(err: &serde_json::Error) -> String {
    let msg = err.to_string();
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let rest = rest.replace(", expected ", ", verwacht: ");
        return format!("ongeldig type: {rest}");
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        return format!("onbekend veld {rest}");
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("veld ontbreekt: {rest}");
    }
    msg
}

/// Versions start at 1: this one matches nothing.
pub const NO_VERSION: i64 = -1;

/// The version from `If-Match` (our ETags are `"<versie>"`). Missing: 428. Not one of ours:
/// it cannot match, so 412 once the rest of the request is found valid.
pub struct IfMatch(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(axum::http::header::IF_MATCH) else {
            return Err(ApiError::PreconditionRequired);
        };
        let value = value.to_str().map(str::trim).unwrap_or("");
        // `*` would match any version: it protects nothing, so it counts as missing; and so
        // does an empty header.
        if value == "*" || value.is_empty() {
            return Err(ApiError::PreconditionRequired);
        }
        // If-Match compares strongly (RFC 9110): a weak tag never matches. Of a list, the
        // first strong tag counts (one client edits one version).
        value
            .split(',')
            .map(str::trim)
            .filter(|v| !v.starts_with("W/"))
            .find_map(|v| {
                v.strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .and_then(|v| v.parse::<i64>().ok())
            })
            .map(IfMatch)
            // A tag that is not one of ours cannot match any version: the request is checked
            // like any other and then refused with 412, so invalid input is still named first.
            .or(Some(IfMatch(NO_VERSION)))
            .ok_or(ApiError::PreconditionFailed)
    }
}

/// An `ETag` header value for a version.
pub fn etag(version: i64) -> axum::http::HeaderValue {
    axum::http::HeaderValue::from_str(&format!("\"{version}\""))
        .unwrap_or_else(|_| axum::http::HeaderValue::from_static("\"0\""))
}

/// The bearer token of a request: `None` without an `Authorization` header, an error when the
/// header is malformed.
fn bearer(parts: &Parts) -> Option<Result<String, ApiError>> {
    let value = parts.headers.get(axum::http::header::AUTHORIZATION)?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 200);
    Some(token.map(str::to_string).ok_or(ApiError::Unauthorized(
        "De Authorization-header moet de vorm 'Bearer <token>' hebben.",
    )))
}

/// Protected endpoints take a [`Caller`]: no token is 401.
impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match bearer(parts) {
            None => Err(ApiError::Unauthorized(
                "Log in en stuur het token mee als 'Authorization: Bearer <token>'.",
            )),
            Some(token) => Ok(state.auth.authenticate(&state.store, &token?).await?),
        }
    }
}

/// Public endpoints take an optional caller: no header means anonymous, a bad token is 401.
impl axum::extract::OptionalFromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, ApiError> {
        match bearer(parts) {
            None => Ok(None),
            Some(token) => Ok(Some(state.auth.authenticate(&state.store, &token?).await?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_must_decode_to_utf8() {
        let ok = strict_pairs("q=caf%C3%A9+en+thee&wijk=a%2Cb&leeg").unwrap();
        assert_eq!(
            ok,
            vec![
                ("q".to_string(), "café en thee".to_string()),
                ("wijk".to_string(), "a,b".to_string()),
                ("leeg".to_string(), String::new()),
            ]
        );
        for bad in ["q=schulden%FF", "q=%C0%AF", "q=%ED%A0%80"] {
            let e = strict_pairs(bad).unwrap_err();
            assert_eq!(e.as_slice()[0].name, "q", "{bad}");
        }
        let both = strict_pairs("q=%FF&thema=%FE").unwrap_err();
        assert_eq!(both.as_slice().len(), 2);
        // A stray percent sign is kept, as browsers send it.
        assert_eq!(strict_pairs("q=100%").unwrap()[0].1, "100%");
    }
}
