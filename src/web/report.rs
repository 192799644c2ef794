//! "Klopt er iets niet?": the report form on every item page. No account needed. Abuse is
//! bounded: a few reports per client address per quarter of an hour, a honeypot field that
//! people never see, a size limit and plain text only.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::pages::{ReportForm, detail_page, item_url, public_listing};
use super::{message, render};
use crate::api::AppState;
use crate::domain::report::NewReport;

/// Reports one client address may send per window.
const REPORTS_PER_WINDOW: u32 = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Largest form body: the explanation is at most 1000 characters, a few KiB with encoding.
const MAX_FORM_BYTES: usize = 16 * 1024;

/// Counts reports per client address on this node.
#[derive(Debug, Default)]
pub struct ReportLimiter {
    sent: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl ReportLimiter {
    /// Takes one report from `ip`'s allowance; false when it is used up.
    pub fn allow(&self, ip: IpAddr) -> bool {
        let mut map = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| start.elapsed() < WINDOW);
        }
        let entry = map.entry(ip).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= WINDOW {
            *entry = (Instant::now(), 0);
        }
        if entry.1 >= REPORTS_PER_WINDOW {
            return false;
        }
        entry.1 += 1;
        true
    }
}

pub async fn create_report(
    State(state): State<AppState>,
    Path(slug_part): Path<String>,
    request: Request,
) -> Response {
    let site = &state.site;
    let listing = match public_listing(&state, &slug_part).await {
        Ok(l) => l,
        Err(page) => return page,
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return message(
            site,
            StatusCode::PAYLOAD_TOO_LARGE,
            "Uw melding is te lang",
            "Maak uw uitleg korter en probeer het opnieuw.",
        );
    };
    let form: HashMap<String, String> = form_urlencoded::parse(&bytes).into_owned().collect();
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let done = format!(
        "{}?melding=verzonden#melding-kop",
        item_url(listing.id, &listing.title)
    );
    // People never see the honeypot; a form that fills it is a robot. It gets the same answer
    // as a person, and nothing is stored.
    if !field("website").is_empty() {
        return Redirect::to(&done).into_response();
    }
    let ip = crate::auth::client_ip(&parts, &state.auth.trusted_proxies)
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let reason = field("reden");
    let text = field("toelichting");
    let email = field("email");
    match NewReport::parse(listing.id, &reason, &text, &email) {
        Ok(report) => {
            if !site.reports.allow(ip) {
                return message(
                    site,
                    StatusCode::TOO_MANY_REQUESTS,
                    "Even wachten",
                    "U heeft net al een paar meldingen gestuurd. Probeer het over een kwartier opnieuw.",
                );
            }
            if let Err(e) = state.store.insert_report(&report).await {
                tracing::warn!(error = %e, "melding opslaan mislukt");
                return message(
                    site,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Even niet beschikbaar",
                    "Uw melding kon niet worden opgeslagen. Probeer het over een paar minuten opnieuw.",
                );
            }
            // Post/redirect/get: reloading the thank-you page sends nothing twice.
            Redirect::to(&done).into_response()
        }
        Err(errors) => {
            let mut form = ReportForm::empty();
            form.reason = reason;
            form.message = text;
            form.email = email;
            form.errors = super::field_messages(errors);
            let space = state.index.facet_space();
            render(
                StatusCode::BAD_REQUEST,
                &detail_page(site, &space.taxonomy, &listing, form, None),
            )
        }
    }
}
