//! The public website: server-rendered pages from the same binary, calling the same search,
//! store and validation code as the JSON API. Pages work without JavaScript; `site.js` only
//! enhances them. Templates are askama (checked at compile time, HTML-escaped by default).
//!
//! Why askama: templates are compiled into the binary and type-checked against their view
//! structs, so a missing field or a typo fails the build instead of a page; escaping is on by
//! default; and nothing is parsed at run time.

mod admin;
mod listing_form;
mod pages;
mod portal;
mod report;
pub mod session;
mod staff;
pub mod views;

pub use pages::{item_url, organisation_url};

use askama::Template;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use sha2::{Digest as _, Sha256};

use crate::api::AppState;
use crate::config::Config;
use session::StaffSession;

const CSS: &str = include_str!("../../assets/site.css");
const JS: &str = include_str!("../../assets/site.js");

/// What a municipality configures about its site, and the names of the embedded assets.
#[derive(Debug)]
pub struct Site {
    pub name: String,
    pub municipality: String,
    /// The province, for addresses in open data (HSDS).
    pub province: String,
    /// Without a trailing slash, e.g. `https://socialekaart.leusden.nl`.
    pub public_url: String,
    pub colour: String,
    pub help_line: String,
    pub help_phone: String,
    /// How long a referral list's share link works.
    pub share_link: std::time::Duration,
    /// Session cookies carry `Secure` (and the `__Host-` name) unless the site runs on plain
    /// http on this machine, where a browser would not send a secure cookie back.
    pub secure_cookies: bool,
    pub css_path: String,
    pub js_path: String,
    css: String,
    /// Reports per client address on this node.
    pub reports: report::ReportLimiter,
}

/// True for `#rgb` and `#rrggbb`: the only colours accepted, so configuration cannot inject CSS.
fn is_hex_colour(s: &str) -> bool {
    let hex = s.strip_prefix('#').unwrap_or("");
    (hex.len() == 3 || hex.len() == 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// True for `http://localhost…`, `http://127.…` and `http://[::1]…`.
fn is_plain_http_on_localhost(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split('/').next().unwrap_or("");
    let host = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest[..5].iter().map(|b| format!("{b:02x}")).collect()
}

impl Site {
    /// The site of a node listening on `listening` (the public address defaults to it).
    pub fn from_config(config: &Config, listening: std::net::SocketAddr) -> anyhow::Result<Site> {
        anyhow::ensure!(
            is_hex_colour(&config.site_colour),
            "--site-colour moet een kleur zijn als #00567a"
        );
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{listening}"))
            .trim_end_matches('/')
            .to_string();
        // The municipality's colour goes into the stylesheet itself: no inline styles, so the
        // Content-Security-Policy can forbid them.
        let css = format!("{CSS}\n:root {{ --ww-accent: {}; }}\n", config.site_colour);
        Ok(Site {
            name: config.site_name.clone(),
            municipality: config.municipality.clone(),
            province: config.province.clone(),
            secure_cookies: !is_plain_http_on_localhost(&public_url),
            public_url,
            colour: config.site_colour.clone(),
            help_line: config.help_line.clone(),
            help_phone: config.help_phone.clone(),
            share_link: std::time::Duration::from_secs(config.share_link_secs.max(1)),
            css_path: format!("/assets/site-{}.css", content_hash(&css)),
            js_path: format!("/assets/site-{}.js", content_hash(JS)),
            css,
            reports: report::ReportLimiter::default(),
        })
    }
}

/// The site's routes, merged into the app's router next to `/api/v1`.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/zoeken", get(pages::search))
        .route("/vrijwilligerswerk", get(pages::vacancies))
        .route("/aanbod/{slug}", get(pages::detail))
        .route("/aanbod/{slug}/melding", post(report::create_report))
        .route("/organisaties/{slug}", get(pages::organisation))
        .route("/sitemap.xml", get(pages::sitemap))
        .route("/robots.txt", get(pages::robots))
        .route("/assets/{file}", get(asset))
        .route("/inloggen", get(staff::login_form).post(staff::login))
        .route("/uitloggen", post(staff::logout))
        .route(
            "/verwijslijsten",
            get(staff::lists).post(staff::create_list),
        )
        .route("/verwijslijsten/toevoegen", post(staff::add_to_current))
        .route("/verwijslijsten/{id}", get(staff::list))
        .route(
            "/verwijslijsten/{id}/aanbod/{listing}",
            post(staff::entry_action),
        )
        .route("/verwijslijsten/{id}/delen", post(staff::share))
        .route("/verwijslijsten/{id}/intrekken", post(staff::revoke))
        .route("/verwijslijsten/{id}/verwijderen", post(staff::delete_list))
        .route("/verwijslijsten/{id}/afdrukken", get(staff::print))
        .route("/lijst/{token}", get(staff::shared))
        .route("/beheer", get(portal::home))
        .route(
            "/beheer/aanbod/nieuw",
            get(portal::new_form).post(portal::create),
        )
        .route(
            "/beheer/aanbod/{id}",
            get(portal::edit_form).post(portal::save),
        )
        .route("/beheer/aanbod/{id}/actueel", post(portal::confirm))
        .route("/beheer/aanbod/{id}/archiveren", post(portal::archive))
        .route("/beheer/aanbod/{id}/beoordeling", post(portal::review))
        .route("/beheer/meldingen", get(portal::reports))
        .route(
            "/beheer/meldingen/{id}/toewijzen",
            post(portal::assign_report),
        )
        .route("/beheer/taxonomie", get(admin::taxonomy))
        .route("/beheer/taxonomie/{list}", post(admin::add_term))
        .route("/beheer/taxonomie/{list}/{key}", post(admin::change_term))
        .route("/beheer/organisaties", get(admin::organisations))
        .route(
            "/beheer/organisaties/nieuw",
            get(admin::new_organisation_form).post(admin::create_organisation),
        )
        .route(
            "/beheer/organisaties/{id}",
            get(admin::organisation_form).post(admin::save_organisation),
        )
        .route(
            "/beheer/gebruikers",
            get(admin::users).post(admin::invite_user),
        )
        .route(
            "/beheer/gebruikers/{id}",
            get(admin::user_form).post(admin::save_user),
        )
        .route("/beheer/logboek", get(admin::audit_log))
        .route(
            "/beheer/account",
            get(portal::account_form).post(portal::save_account),
        )
        .route(
            "/beheer/organisatie",
            get(portal::organisation_form).post(portal::save_organisation),
        )
        .route("/beheer/meldingen/{id}", post(portal::handle_report))
        .route(
            "/wachtwoord-vergeten",
            get(portal::forgot_form).post(portal::forgot),
        )
        .route(
            "/wachtwoord-instellen/{token}",
            get(portal::set_password_form).post(portal::set_password),
        )
        .route(
            "/actueel/{token}",
            get(portal::confirm_link_page).post(portal::confirm_link),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::same_site_posts,
        ))
        .layer(axum::middleware::from_fn(page_headers))
}

/// The stylesheet and script, under content-hashed names: cached for a year, since a change
/// gives a new name.
async fn asset(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    let site = &state.site;
    let (body, kind) = if format!("/assets/{file}") == site.css_path {
        (site.css.clone(), "text/css; charset=utf-8")
    } else if format!("/assets/{file}") == site.js_path {
        (JS.to_string(), "text/javascript; charset=utf-8")
    } else {
        return not_found(site);
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}

/// Security headers for every page: no inline script or style, no framing, no referrer that
/// would carry a resident's search words to another site.
async fn page_headers(req: Request, next: Next) -> Response {
    // A page for a logged-in staff member is theirs alone: no cache may keep or share it.
    let with_cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.contains("wegwijzer-sessie=")));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if with_cookie && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    let set = |h: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; \
         object-src 'none'",
    );
    set(h, "x-content-type-options", "nosniff");
    if !h.contains_key(header::REFERRER_POLICY) {
        set(h, "referrer-policy", "same-origin");
    }
    set(h, "x-frame-options", "DENY");
    set(
        h,
        "permissions-policy",
        "geolocation=(self), camera=(), microphone=()",
    );
    res
}

/// What every page tells the layout.
#[derive(Debug, Clone, Default)]
pub struct PageMeta {
    pub title: String,
    pub description: String,
    pub canonical: Option<String>,
    /// Search result pages and forms are not for search engines.
    pub noindex: bool,
    /// schema.org JSON-LD, already safe to put inside `<script>`.
    pub json_ld: Option<String>,
    /// The logged-in staff member, for the header and the "op mijn lijst" buttons.
    pub staff: Option<StaffNav>,
}

/// What a page shows a logged-in staff member: who they are, the token their forms carry,
/// and which offers are on the list they are working on.
#[derive(Debug, Clone, Default)]
pub struct StaffNav {
    pub name: String,
    pub csrf: String,
    pub list_id: Option<i64>,
    pub on_list: Vec<i64>,
    /// Staff keep referral lists; partners do not.
    pub referral_lists: bool,
    /// Partners and editors have the portal (`/beheer`).
    pub portal: bool,
}

impl StaffNav {
    pub fn has(&self, listing_id: &i64) -> bool {
        self.on_list.contains(listing_id)
    }

    /// The header and buttons of a staff member, with their current list.
    pub async fn load(state: &AppState, session: Option<&StaffSession>) -> Option<StaffNav> {
        let session = session.filter(|s| s.caller.user.role.is_staff())?;
        let current = crate::referrals::current(&state.store, &session.caller)
            .await
            .ok()
            .flatten();
        Some(StaffNav {
            name: session.caller.user.name.clone(),
            csrf: session.csrf.clone(),
            referral_lists: true,
            portal: session.caller.is_editor(),
            list_id: current.as_ref().map(|l| l.id),
            on_list: current
                .map(|l| l.entries.iter().map(|e| e.listing_id).collect())
                .unwrap_or_default(),
        })
    }
}

/// Renders a template, or a plain error page if rendering fails.
/// Field errors as the (field, message) list pages carry.
pub fn field_messages(errors: crate::domain::FieldErrors) -> Vec<(String, String)> {
    errors
        .into_vec()
        .into_iter()
        .map(|e| (e.name, e.reason))
        .collect()
}

/// The messages for one form field out of a page's (field, message) list, for the template
/// to show next to that field.
pub fn errors_for<'a>(errors: &'a [(String, String)], field: &str) -> Vec<&'a str> {
    errors
        .iter()
        .filter(|(f, _)| f == field)
        .map(|(_, m)| m.as_str())
        .collect()
}

pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "pagina renderen mislukt");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><html lang=\"nl\"><title>Fout</title><p>Er ging iets mis. Probeer het later opnieuw.</p></html>"),
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    site: &'a Site,
    page: PageMeta,
    message: &'a str,
}

/// A page with a title and one sentence, for errors.
pub fn message(site: &Site, status: StatusCode, title: &str, text: &str) -> Response {
    let page = PageMeta {
        title: title.into(),
        description: text.into(),
        noindex: true,
        ..Default::default()
    };
    render(
        status,
        &MessagePage {
            site,
            page,
            message: text,
        },
    )
}

pub fn not_found(site: &Site) -> Response {
    message(
        site,
        StatusCode::NOT_FOUND,
        "Deze pagina bestaat niet",
        "We kunnen deze pagina niet vinden. Misschien is het aanbod gestopt of is de link niet goed.",
    )
}

/// The HTML 404 for paths outside `/api`.
pub async fn fallback(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    not_found(&state.site)
}

/// A readable URL part for a title: `Schuldhulpverlening van de gemeente` →
/// `schuldhulpverlening-van-de-gemeente`.
pub fn slug(title: &str) -> String {
    let folded = crate::index::schema::sort_key(title);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The id at the start of a `{id}-{slug}` path part.
pub fn id_of(slug: &str) -> Option<i64> {
    let digits: String = slug.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.starts_with('0') {
        return None;
    }
    match slug[digits.len()..].chars().next() {
        None | Some('-') => digits.parse().ok(),
        _ => None,
    }
}

/// JSON for a `<script type="application/ld+json">` block: `<` is escaped so no text can end
/// the script element.
pub fn json_ld(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable_and_ids_parse_strictly() {
        assert_eq!(
            slug("Schuldhulpverlening van de gemeente"),
            "schuldhulpverlening-van-de-gemeente"
        );
        assert_eq!(
            slug("Taalcafé: samen Nederlands!"),
            "taalcafe-samen-nederlands"
        );
        assert_eq!(id_of("12-schuld"), Some(12));
        assert_eq!(id_of("12"), Some(12));
        assert_eq!(id_of("012-x"), None);
        assert_eq!(id_of("12x"), None);
        assert_eq!(id_of("x"), None);
    }

    #[test]
    fn json_ld_cannot_close_its_script_element() {
        let v = serde_json::json!({"name": "</script><script>alert(1)</script>"});
        assert!(!json_ld(&v).contains("</script>"));
    }

    #[test]
    fn cookies_are_secure_except_on_plain_http_on_this_machine() {
        assert!(is_plain_http_on_localhost("http://127.0.0.1:8080"));
        assert!(is_plain_http_on_localhost("http://localhost:8080/"));
        assert!(is_plain_http_on_localhost("http://[::1]:8080"));
        assert!(!is_plain_http_on_localhost("https://127.0.0.1:8080"));
        assert!(!is_plain_http_on_localhost(
            "http://socialekaart.leusden.nl"
        ));
        assert!(!is_plain_http_on_localhost("http://127.0.0.1.evil.example"));
    }

    #[test]
    fn only_plain_hex_colours_are_accepted() {
        assert!(is_hex_colour("#00567a") && is_hex_colour("#fff"));
        assert!(!is_hex_colour("red; } body { display: none"));
    }
}
