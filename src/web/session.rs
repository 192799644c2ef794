//! Staff sessions on pages: the session is the same as an API token (same table, expiry,
//! revocation and login throttling), carried in a cookie that scripts cannot read
//! (`HttpOnly`), that other sites' forms do not send (`SameSite=Lax`), and that travels only
//! over https (`Secure`, with the `__Host-` name) unless the site runs on plain http on this
//! machine.
//!
//! CSRF: every form post of a logged-in page carries a token derived from the session token,
//! which no other site can read or compute; the login form, before there is a session, uses a
//! random token that must match a short-lived cookie (double submit). On top of that, posts
//! from another site (`Sec-Fetch-Site: cross-site` or a foreign `Origin`) are refused outright.

use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Site, message};
use crate::api::AppState;
use crate::auth::{Caller, sha256_hex};

/// Largest page form body.
pub const MAX_FORM_BYTES: usize = 16 * 1024;

/// The session cookie's name: with `__Host-`, browsers accept it only when `Secure`, from
/// this host, for the whole site.
pub fn session_cookie_name(site: &Site) -> &'static str {
    if site.secure_cookies {
        "__Host-wegwijzer-sessie"
    } else {
        "wegwijzer-sessie"
    }
}

fn login_cookie_name(site: &Site) -> &'static str {
    if site.secure_cookies {
        "__Host-wegwijzer-inlog"
    } else {
        "wegwijzer-inlog"
    }
}

fn cookie(site: &Site, name: &str, value: &str, extra: &str) -> HeaderValue {
    let secure = if site.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax{secure}{extra}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("wegwijzer-sessie=; Max-Age=0"))
}

/// The cookie that carries a new session. No `Max-Age`: it ends with the browser (a shared
/// office computer forgets it), and the server ends it sooner when idle or old.
pub fn session_cookie(site: &Site, token: &str) -> HeaderValue {
    cookie(site, session_cookie_name(site), token, "")
}

/// Removes the session cookie.
pub fn clear_session_cookie(site: &Site) -> HeaderValue {
    cookie(site, session_cookie_name(site), "", "; Max-Age=0")
}

/// The login form's double-submit cookie, valid for an hour.
pub fn login_cookie(site: &Site, token: &str) -> HeaderValue {
    cookie(site, login_cookie_name(site), token, "; Max-Age=3600")
}

pub fn clear_login_cookie(site: &Site) -> HeaderValue {
    cookie(site, login_cookie_name(site), "", "; Max-Age=0")
}

/// A cookie's value from the request.
pub fn read_cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty() && v.len() <= 200)
}

/// The login form's token from its cookie, if the browser sent one.
pub fn login_token(parts: &Parts, site: &Site) -> Option<String> {
    read_cookie(parts, login_cookie_name(site)).map(str::to_string)
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A logged-in staff member on a page, with the CSRF token their forms carry.
#[derive(Debug, Clone)]
pub struct StaffSession {
    pub caller: Caller,
    pub csrf: String,
}

impl StaffSession {
    pub(super) async fn from_parts(parts: &Parts, state: &AppState) -> Option<StaffSession> {
        let token = read_cookie(parts, session_cookie_name(&state.site))?;
        let caller = state.auth.authenticate(&state.store, token).await.ok()?;
        Some(StaffSession {
            csrf: csrf_token(token),
            caller,
        })
    }
}

/// The CSRF token of a session: derived from the session token, which only the browser
/// holding the cookie knows.
pub fn csrf_token(session_token: &str) -> String {
    sha256_hex(&format!("wegwijzer-csrf:{session_token}"))[..32].to_string()
}

/// Pages that anyone may see but that show more to staff take an optional session; a
/// missing, expired or revoked one is simply a resident.
impl OptionalFromRequestParts<AppState> for StaffSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(StaffSession::from_parts(parts, state).await)
    }
}

/// Staff pages take a session: without one the browser goes to the login page and comes
/// back here after logging in.
impl FromRequestParts<AppState> for StaffSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match StaffSession::from_parts(parts, state).await {
            Some(s) if s.caller.user.role.is_staff() => Ok(s),
            Some(_) => Err(message(
                &state.site,
                StatusCode::FORBIDDEN,
                "Geen toegang",
                "Verwijslijsten zijn voor medewerkers en redacteuren. Uw account hoort daar niet bij.",
            )),
            None => {
                let back = if parts.method == Method::GET {
                    parts
                        .uri
                        .path_and_query()
                        .map(|p| p.as_str())
                        .unwrap_or("/")
                } else {
                    "/verwijslijsten"
                };
                let mut s = form_urlencoded::Serializer::new(String::new());
                s.append_pair("terug", back);
                Err(Redirect::to(&format!("/inloggen?{}", s.finish())).into_response())
            }
        }
    }
}

/// The fields of a posted page form, in order (a field such as a group of checkboxes may
/// come more than once).
pub struct PageForm(pub Vec<(String, String)>);

impl PageForm {
    /// The first value of a field, or empty.
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every non-empty value of a field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
}

impl FromRequest<AppState> for PageForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let bytes = match axum::body::to_bytes(req.into_body(), MAX_FORM_BYTES).await {
            Ok(b) => b,
            Err(_) => {
                return Err(message(
                    &state.site,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Te veel tekst",
                    "Wat u stuurde is te lang. Maak het korter en probeer het opnieuw.",
                ));
            }
        };
        Ok(PageForm(
            form_urlencoded::parse(&bytes).into_owned().collect(),
        ))
    }
}

/// A form posted by a logged-in staff member, with a valid CSRF token.
pub struct StaffForm {
    pub session: StaffSession,
    pub form: PageForm,
}

fn expired_form(site: &Site) -> Response {
    message(
        site,
        StatusCode::FORBIDDEN,
        "Dit formulier is verlopen",
        "Ga terug, laad de pagina opnieuw en probeer het nog eens.",
    )
}

impl FromRequest<AppState> for StaffForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let session =
            <StaffSession as FromRequestParts<AppState>>::from_request_parts(&mut parts, state)
                .await?;
        let form = PageForm::from_request(Request::from_parts(parts, body), state).await?;
        if !same_secret(&form.get("csrf"), &session.csrf) {
            return Err(expired_form(&state.site));
        }
        Ok(StaffForm { session, form })
    }
}

/// A logged-in partner or editor in the portal (`/beheer`). Without a session the browser
/// goes to the login page and comes back; other staff get a page that says what the portal is
/// for.
#[derive(Debug, Clone)]
pub struct PortalSession(pub StaffSession);

impl FromRequestParts<AppState> for PortalSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match StaffSession::from_parts(parts, state).await {
            Some(s)
                if s.caller.user.role == crate::domain::Role::Partner || s.caller.is_editor() =>
            {
                Ok(PortalSession(s))
            }
            Some(_) => Err(message(
                &state.site,
                StatusCode::FORBIDDEN,
                "Geen toegang",
                "Het beheer is voor partners en redacteuren. Uw account hoort daar niet bij.",
            )),
            None => {
                let back = if parts.method == Method::GET {
                    parts.uri.path_and_query().map_or("/beheer", |p| p.as_str())
                } else {
                    "/beheer"
                };
                let mut s = form_urlencoded::Serializer::new(String::new());
                s.append_pair("terug", back);
                Err(Redirect::to(&format!("/inloggen?{}", s.finish())).into_response())
            }
        }
    }
}

/// A form posted in the portal, with a valid CSRF token.
pub struct PortalForm {
    pub session: StaffSession,
    pub form: PageForm,
}

impl FromRequest<AppState> for PortalForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let PortalSession(session) =
            <PortalSession as FromRequestParts<AppState>>::from_request_parts(&mut parts, state)
                .await?;
        let form = PageForm::from_request(Request::from_parts(parts, body), state).await?;
        if !same_secret(&form.get("csrf"), &session.csrf) {
            return Err(expired_form(&state.site));
        }
        Ok(PortalForm { session, form })
    }
}

/// Refuses form posts that another site made a browser send: `Sec-Fetch-Site: cross-site`,
/// or an `Origin` that is neither the public address nor this host.
pub async fn same_site_posts(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let headers = req.headers();
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site");
    let foreign_origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|origin| {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let own = origin == public_origin(&state.site.public_url)
                || origin.strip_prefix("http://") == Some(host)
                || origin.strip_prefix("https://") == Some(host);
            !own
        });
    if cross_site || foreign_origin {
        return message(
            &state.site,
            StatusCode::FORBIDDEN,
            "Dit formulier komt van een andere website",
            "Om u te beschermen nemen we het niet aan. Gebruik het formulier op deze website.",
        );
    }
    next.run(req).await
}

/// The origin (scheme, host and port) of the public address, which may have a path:
/// `https://gemeente.nl/sociale-kaart` → `https://gemeente.nl`.
fn public_origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

/// A return path after login: only a path on this site (no `//host` or `\`), else the lists.
pub fn safe_return_path(candidate: &str) -> String {
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(char::is_control)
        && candidate.len() <= 2000;
    if ok {
        candidate.to_string()
    } else {
        "/verwijslijsten".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_origin_drops_any_path() {
        assert_eq!(
            public_origin("https://gemeente.nl/sociale-kaart"),
            "https://gemeente.nl"
        );
        assert_eq!(
            public_origin("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(safe_return_path("/zoeken?q=taal"), "/zoeken?q=taal");
        assert_eq!(safe_return_path("//evil.example/"), "/verwijslijsten");
        assert_eq!(safe_return_path("/\\evil.example"), "/verwijslijsten");
        assert_eq!(safe_return_path("https://evil.example"), "/verwijslijsten");
        assert_eq!(safe_return_path("/a\r\nSet-Cookie: x"), "/verwijslijsten");
    }

    #[test]
    fn csrf_tokens_depend_on_the_session_and_compare_exactly() {
        let a = csrf_token("ww_a");
        assert_eq!(a.len(), 32);
        assert_ne!(a, csrf_token("ww_b"));
        assert!(same_secret(&a, &csrf_token("ww_a")));
        assert!(!same_secret(&a, ""));
        assert!(!same_secret(&a, &a[..31]));
    }
}
