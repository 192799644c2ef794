//! Pages for staff: logging in and out, and referral lists ("verwijslijsten") — building,
//! ordering, noting, printing and sharing them — plus the shared list anyone with the link
//! may open. The rules live in `crate::referrals` and `crate::auth`; these handlers read the
//! form, call them, and pick the page.

use askama::Template;
use axum::extract::{FromRequest as _, Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::pages::{ItemView, item_view};
use super::session::{
    PageForm, StaffForm, StaffSession, clear_login_cookie, clear_session_cookie, login_cookie,
    login_token, safe_return_path, same_secret, session_cookie,
};
use super::{PageMeta, Site, StaffNav, message, not_found, render, views};
use crate::api::AppState;
use crate::auth::{LoginError, WRONG_CREDENTIALS};
use crate::referrals::{self, Move, ReferralError, ShownList};

// ---------------------------------------------------------------------------------------------
// Logging in and out

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    site: &'a Site,
    page: PageMeta,
    email: String,
    back: String,
    csrf: String,
    /// Field name and message, shown next to the field and in the summary.
    errors: Vec<(String, String)>,
    /// A message about the whole form (wrong credentials, too many attempts).
    problem: Option<String>,
}

impl LoginPage<'_> {
    fn errors_for(&self, field: &str) -> Vec<&str> {
        super::errors_for(&self.errors, field)
    }
}

fn login_meta() -> PageMeta {
    PageMeta {
        title: "Inloggen voor medewerkers".into(),
        description: "Medewerkers loggen hier in om verwijslijsten te maken.".into(),
        noindex: true,
        ..Default::default()
    }
}

/// The login form with a fresh double-submit token.
fn login_page(
    site: &Site,
    status: StatusCode,
    email: String,
    back: String,
    errors: Vec<(String, String)>,
    problem: Option<String>,
) -> Response {
    let csrf = crate::auth::new_share_token();
    let mut res = render(
        status,
        &LoginPage {
            site,
            page: login_meta(),
            email,
            back,
            csrf: csrf.clone(),
            errors,
            problem,
        },
    );
    let h = res.headers_mut();
    h.append(header::SET_COOKIE, login_cookie(site, &csrf));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn back_from(raw: Option<String>) -> String {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let back = pairs
        .iter()
        .find(|(k, _)| k == "terug")
        .map(|(_, v)| v.as_str());
    // No return path: the start page of the account's role, chosen after login.
    back.map(safe_return_path).unwrap_or_default()
}

/// Where an account goes after logging in without a return path: partners and editors to
/// the portal, other staff to their referral lists.
fn start_page(role: crate::domain::Role) -> &'static str {
    if role == crate::domain::Role::Partner || role.is_editor() {
        "/beheer"
    } else {
        "/verwijslijsten"
    }
}

pub async fn login_form(
    State(state): State<AppState>,
    session: Option<StaffSession>,
    RawQuery(raw): RawQuery,
) -> Response {
    let back = back_from(raw);
    if let Some(session) = session {
        let target = if back.is_empty() {
            start_page(session.caller.user.role)
        } else {
            back.as_str()
        };
        return Redirect::to(target).into_response();
    }
    login_page(
        &state.site,
        StatusCode::OK,
        String::new(),
        back,
        Vec::new(),
        None,
    )
}

pub async fn login(State(state): State<AppState>, request: Request) -> Response {
    let site = &state.site;
    let (parts, body) = request.into_parts();
    let expected = login_token(&parts, site);
    let client = crate::auth::client_ip(&parts, &state.auth.trusted_proxies);
    let form = match PageForm::from_request(Request::from_parts(parts, body), &state).await {
        Ok(f) => f,
        Err(page) => return page,
    };
    let email = form.get("email");
    let asked = form.get("terug");
    let back = if asked.is_empty() {
        String::new()
    } else {
        safe_return_path(&asked)
    };
    let token_ok = expected.is_some_and(|t| same_secret(&t, &form.get("csrf")));
    if !token_ok {
        return login_page(
            site,
            StatusCode::FORBIDDEN,
            email,
            back,
            Vec::new(),
            Some(
                "Het formulier was verlopen. Probeer het nog een keer. Lukt het niet? Zet cookies aan in uw browser."
                    .into(),
            ),
        );
    }
    match state
        .auth
        .login(&state.store, &email, &form.get("wachtwoord"), client)
        .await
    {
        Ok(session) => {
            let target = if back.is_empty() {
                start_page(session.user.role)
            } else {
                back.as_str()
            };
            let mut res = Redirect::to(target).into_response();
            let h = res.headers_mut();
            h.append(header::SET_COOKIE, session_cookie(site, &session.token));
            h.append(header::SET_COOKIE, clear_login_cookie(site));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(LoginError::Invalid(errors)) => {
            let errors = super::field_messages(errors);
            login_page(site, StatusCode::BAD_REQUEST, email, back, errors, None)
        }
        Err(LoginError::Wrong) => login_page(
            site,
            StatusCode::UNAUTHORIZED,
            email,
            back,
            Vec::new(),
            Some(WRONG_CREDENTIALS.into()),
        ),
        Err(LoginError::Throttled(seconds)) => {
            let mut res = login_page(
                site,
                StatusCode::TOO_MANY_REQUESTS,
                email,
                back,
                Vec::new(),
                Some(format!(
                    "Er is te vaak geprobeerd in te loggen. Wacht {} en probeer het dan opnieuw.",
                    wait_text(seconds)
                )),
            );
            if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
        Err(LoginError::Auth(e)) => {
            tracing::warn!(error = %e, "inloggen op de website mislukt");
            message(
                site,
                StatusCode::SERVICE_UNAVAILABLE,
                "Even niet beschikbaar",
                "Inloggen lukt nu even niet. Probeer het over een paar minuten opnieuw.",
            )
        }
    }
}

fn wait_text(seconds: u64) -> String {
    if seconds <= 60 {
        format!("{seconds} seconden")
    } else {
        format!("{} minuten", seconds.div_ceil(60))
    }
}

/// Logs out any logged-in account (not only staff), with a valid form token.
pub async fn logout(State(state): State<AppState>, request: Request) -> Response {
    let site = &state.site;
    let (mut parts, body) = request.into_parts();
    let session =
        <StaffSession as axum::extract::OptionalFromRequestParts<AppState>>::from_request_parts(
            &mut parts, &state,
        )
        .await
        .ok()
        .flatten();
    let form = match PageForm::from_request(Request::from_parts(parts, body), &state).await {
        Ok(f) => f,
        Err(page) => return page,
    };
    if let Some(session) = session {
        if !same_secret(&form.get("csrf"), &session.csrf) {
            return message(
                site,
                StatusCode::FORBIDDEN,
                "Dit formulier is verlopen",
                "Ga terug, laad de pagina opnieuw en probeer het nog eens.",
            );
        }
        if let Err(e) = state.auth.logout(&state.store, &session.caller).await {
            tracing::warn!(error = %e, "uitloggen mislukt");
            return message(
                site,
                StatusCode::SERVICE_UNAVAILABLE,
                "Even niet beschikbaar",
                "Uitloggen lukt nu even niet. Sluit uw browser om zeker te zijn.",
            );
        }
    }
    let mut res = message(
        site,
        StatusCode::OK,
        "U bent uitgelogd",
        "U bent uitgelogd. Sluit de browser als u een computer deelt met anderen.",
    );
    res.headers_mut()
        .append(header::SET_COOKIE, clear_session_cookie(site));
    res
}

// ---------------------------------------------------------------------------------------------
// Referral lists

/// The reasons of refused fields as one sentence for a page.
fn reasons(errors: crate::domain::FieldErrors) -> String {
    errors
        .into_vec()
        .into_iter()
        .map(|e| e.reason)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A page answer for what the referral service refused.
fn refused(site: &Site, e: ReferralError) -> Response {
    match e {
        ReferralError::NotFound | ReferralError::NoSuchOffer => not_found(site),
        ReferralError::LinkGone => message(
            site,
            StatusCode::NOT_FOUND,
            "Deze link werkt niet meer",
            "De link is verlopen of ingetrokken. Vraag degene die hem stuurde om een nieuwe link.",
        ),
        ReferralError::Auth(_) => message(
            site,
            StatusCode::FORBIDDEN,
            "Geen toegang",
            "Verwijslijsten zijn voor medewerkers en redacteuren.",
        ),
        ReferralError::Invalid(errors) => message(
            site,
            StatusCode::BAD_REQUEST,
            "Dat lukte niet",
            &reasons(errors),
        ),
        ReferralError::Store(e) => {
            tracing::warn!(error = %e, "verwijslijst: opslag niet beschikbaar");
            message(
                site,
                StatusCode::SERVICE_UNAVAILABLE,
                "Even niet beschikbaar",
                "Dit lukt nu even niet. Probeer het over een paar minuten opnieuw.",
            )
        }
    }
}

/// `/verwijslijsten/{id}` as a number: one canonical form, like the API.
fn list_id(raw: &str) -> Option<i64> {
    (!raw.starts_with('0') && raw.bytes().all(|b| b.is_ascii_digit()))
        .then(|| raw.parse().ok())
        .flatten()
}

fn list_url(id: i64) -> String {
    format!("/verwijslijsten/{id}")
}

fn list_name(created: &crate::domain::Timestamp) -> String {
    format!("Lijst van {}", views::moment(created))
}

pub struct ListSummary {
    pub url: String,
    pub name: String,
    pub count: usize,
    pub changed: String,
    pub shared_until: Option<String>,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "lists.html")]
struct ListsPage<'a> {
    site: &'a Site,
    page: PageMeta,
    lists: Vec<ListSummary>,
    csrf: String,
    problem: Option<String>,
}

async fn staff_meta(state: &AppState, session: &StaffSession, title: &str) -> PageMeta {
    PageMeta {
        title: title.into(),
        description: "Verwijslijsten voor medewerkers.".into(),
        noindex: true,
        staff: StaffNav::load(state, Some(session)).await,
        ..Default::default()
    }
}

async fn lists_page(
    state: &AppState,
    session: &StaffSession,
    status: StatusCode,
    problem: Option<String>,
) -> Response {
    let site = &state.site;
    let (lists, _) = match referrals::lists(&state.store, &session.caller, 1, 100).await {
        Ok(l) => l,
        Err(e) => return refused(site, e),
    };
    let now = chrono::Utc::now();
    let summaries = lists
        .iter()
        .enumerate()
        .map(|(i, l)| ListSummary {
            url: list_url(l.id),
            name: list_name(&l.created_at),
            count: l.entries.len(),
            changed: views::moment(&l.updated_at),
            shared_until: l.live_share(now).as_ref().map(views::moment),
            current: i == 0,
        })
        .collect();
    render(
        status,
        &ListsPage {
            site,
            page: staff_meta(state, session, "Mijn verwijslijsten").await,
            lists: summaries,
            csrf: session.csrf.clone(),
            problem,
        },
    )
}

pub async fn lists(State(state): State<AppState>, session: StaffSession) -> Response {
    lists_page(&state, &session, StatusCode::OK, None).await
}

pub async fn create_list(State(state): State<AppState>, form: StaffForm) -> Response {
    match referrals::create(&state.store, &form.session.caller).await {
        Ok(list) => Redirect::to(&list_url(list.id)).into_response(),
        Err(ReferralError::Invalid(errors)) => {
            let text = reasons(errors);
            lists_page(&state, &form.session, StatusCode::BAD_REQUEST, Some(text)).await
        }
        Err(e) => refused(&state.site, e),
    }
}

/// "Op mijn lijst zetten" from a result card or an item page: onto the current list (a new
/// one when there is none), then back to where the button was.
pub async fn add_to_current(State(state): State<AppState>, form: StaffForm) -> Response {
    let back = safe_return_path(&form.form.get("terug"));
    let Some(listing_id) = list_id(&form.form.get("aanbod")) else {
        return not_found(&state.site);
    };
    match referrals::add_to_current(&state.store, &form.session.caller, listing_id).await {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => refused(&state.site, e),
    }
}

/// An offer on a list page.
pub struct EntryView {
    pub listing_id: i64,
    pub title: String,
    pub available: bool,
    pub item: Option<ItemView>,
    pub note: String,
    pub error: Option<String>,
    pub first: bool,
    pub last: bool,
    pub action_url: String,
    /// The full address of the item's page, printed under it.
    pub full_url: String,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage<'a> {
    site: &'a Site,
    page: PageMeta,
    id: i64,
    name: String,
    entries: Vec<EntryView>,
    csrf: String,
    shared_until: Option<String>,
    /// A link just made: shown once.
    new_link: Option<(String, String)>,
    share_days: u64,
}

fn entry_views(site: &Site, state: &AppState, shown: &ShownList) -> Vec<EntryView> {
    let space = state.index.facet_space();
    let n = shown.entries.len();
    shown
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let item = e
                .listing
                .as_ref()
                .map(|l| item_view(site, &space.taxonomy, l));
            EntryView {
                listing_id: e.listing_id,
                title: item
                    .as_ref()
                    .map(|v| v.title.clone())
                    .unwrap_or_else(|| "Dit aanbod is er niet meer".into()),
                available: item.is_some(),
                full_url: item
                    .as_ref()
                    .map(|v| format!("{}{}", site.public_url, v.url))
                    .unwrap_or_default(),
                item,
                note: e.note.as_str().to_string(),
                error: None,
                first: i == 0,
                last: i + 1 == n,
                action_url: format!("{}/aanbod/{}", list_url(shown.list.id), e.listing_id),
            }
        })
        .collect()
}

async fn list_page(
    state: &AppState,
    session: &StaffSession,
    id: i64,
    status: StatusCode,
    adjust: impl FnOnce(&mut Vec<EntryView>),
    new_link: Option<(String, String)>,
) -> Response {
    let site = &state.site;
    let shown = match referrals::show(&state.store, &session.caller, id).await {
        Ok(s) => s,
        Err(e) => return refused(site, e),
    };
    let mut entries = entry_views(site, state, &shown);
    adjust(&mut entries);
    let name = list_name(&shown.list.created_at);
    let mut res = render(
        status,
        &ListPage {
            site,
            page: staff_meta(state, session, &name).await,
            id,
            name: name.clone(),
            entries,
            csrf: session.csrf.clone(),
            shared_until: shown
                .list
                .live_share(chrono::Utc::now())
                .as_ref()
                .map(views::moment),
            new_link,
            share_days: site.share_link.as_secs().div_ceil(24 * 60 * 60),
        },
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

pub async fn list(
    State(state): State<AppState>,
    session: StaffSession,
    Path(raw): Path<String>,
) -> Response {
    let Some(id) = list_id(&raw) else {
        return not_found(&state.site);
    };
    list_page(&state, &session, id, StatusCode::OK, |_| {}, None).await
}

/// One form per offer on the list: save the note, move up or down, or take it off.
pub async fn entry_action(
    State(state): State<AppState>,
    Path((raw_list, raw_entry)): Path<(String, String)>,
    form: StaffForm,
) -> Response {
    let site = &state.site;
    let (Some(id), Some(listing_id)) = (list_id(&raw_list), list_id(&raw_entry)) else {
        return not_found(site);
    };
    let caller = &form.session.caller;
    let store = &state.store;
    let anchor = format!("{}#aanbod-{listing_id}", list_url(id));
    let outcome = match form.form.get("actie").as_str() {
        "omhoog" => referrals::shift(store, caller, id, listing_id, Move::Up).await,
        "omlaag" => referrals::shift(store, caller, id, listing_id, Move::Down).await,
        "verwijderen" => referrals::remove(store, caller, id, listing_id).await,
        _ => {
            let note = form.form.get("notitie");
            match referrals::put(store, caller, id, listing_id, &note).await {
                Err(ReferralError::Invalid(errors)) => {
                    let reason = reasons(errors);
                    // The list again, with the note as typed and the message next to it.
                    return list_page(
                        &state,
                        &form.session,
                        id,
                        StatusCode::BAD_REQUEST,
                        |entries| {
                            if let Some(e) = entries.iter_mut().find(|e| e.listing_id == listing_id)
                            {
                                e.note = note;
                                e.error = Some(reason);
                            }
                        },
                        None,
                    )
                    .await;
                }
                other => other.map(|_| ()),
            }
        }
    };
    match outcome {
        Ok(()) => Redirect::to(&anchor).into_response(),
        Err(e) => refused(site, e),
    }
}

pub async fn share(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: StaffForm,
) -> Response {
    let site = &state.site;
    let Some(id) = list_id(&raw) else {
        return not_found(site);
    };
    match referrals::share(&state.store, &form.session.caller, id, site.share_link).await {
        Ok(link) => {
            let url = format!("{}/lijst/{}", site.public_url, link.token);
            list_page(
                &state,
                &form.session,
                id,
                StatusCode::OK,
                |_| {},
                Some((url, views::moment(&link.until))),
            )
            .await
        }
        Err(e) => refused(site, e),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: StaffForm,
) -> Response {
    let Some(id) = list_id(&raw) else {
        return not_found(&state.site);
    };
    match referrals::revoke(&state.store, &form.session.caller, id).await {
        Ok(()) => Redirect::to(&list_url(id)).into_response(),
        Err(e) => refused(&state.site, e),
    }
}

pub async fn delete_list(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: StaffForm,
) -> Response {
    let Some(id) = list_id(&raw) else {
        return not_found(&state.site);
    };
    match referrals::delete(&state.store, &form.session.caller, id).await {
        Ok(()) => Redirect::to("/verwijslijsten").into_response(),
        Err(e) => refused(&state.site, e),
    }
}

// ---------------------------------------------------------------------------------------------
// Printed and shared lists

#[derive(Template)]
#[template(path = "shared_list.html")]
struct SharedPage<'a> {
    site: &'a Site,
    page: PageMeta,
    entries: Vec<EntryView>,
    made: String,
    valid_until: Option<String>,
    /// The staff member's own print view links back to the list.
    back_url: Option<String>,
}

fn shared_page(
    state: &AppState,
    shown: &ShownList,
    staff: Option<StaffNav>,
    back_url: Option<String>,
) -> Response {
    let site = &state.site;
    let entries: Vec<EntryView> = entry_views(site, state, shown)
        .into_iter()
        .filter(|e| e.available)
        .collect();
    let mut res = render(
        StatusCode::OK,
        &SharedPage {
            site,
            page: PageMeta {
                title: "Hulp en activiteiten voor u".into(),
                description: format!(
                    "Een lijst met hulp en activiteiten in {}.",
                    site.municipality
                ),
                noindex: true,
                staff,
                ..Default::default()
            },
            entries,
            made: views::date(crate::domain::listing::date_in_netherlands(
                shown.list.updated_at,
            )),
            valid_until: if back_url.is_some() {
                None
            } else {
                shown.list.shared_until.as_ref().map(views::moment)
            },
            back_url,
        },
    );
    let h = res.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    // The token is in the address: it must not travel to the sites the list links to.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

/// The staff member's print view of their own list.
pub async fn print(
    State(state): State<AppState>,
    session: StaffSession,
    Path(raw): Path<String>,
) -> Response {
    let Some(id) = list_id(&raw) else {
        return not_found(&state.site);
    };
    match referrals::show(&state.store, &session.caller, id).await {
        Ok(shown) => {
            let staff = StaffNav::load(&state, Some(&session)).await;
            shared_page(&state, &shown, staff, Some(list_url(id)))
        }
        Err(e) => refused(&state.site, e),
    }
}

/// A shared list: no login; public data and the notes, while the link works.
pub async fn shared(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match referrals::shared(&state.store, &token).await {
        Ok(shown) => shared_page(&state, &shown, None, None),
        Err(e) => {
            let mut res = refused(&state.site, e);
            res.headers_mut().insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            res
        }
    }
}
