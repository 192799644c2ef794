//! The portal for partners and editors (`/beheer`): the organisation's items with their
//! state, "nog actueel" in one click, and the item form. Every step goes through the same
//! workflow service, store and authorization as `/api/v1/beheer` (`crate::workflow`); these
//! handlers read the form, call it, and pick the page.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::listing_form::FormValues;
use super::session::{PortalForm, PortalSession, StaffSession};
use super::{PageMeta, Site, StaffNav, message, not_found, render, views};
use crate::account_admin::AccountError;
use crate::api::AppState;
use crate::domain::content::{ListingInput, RetiredTerms, diff};
use crate::domain::listing::today;
use crate::domain::{Cost, FieldErrors, Kind, Listing, Status, Taxonomy, TimeCommitment};
use crate::report_desk::{self, DeskError};
use crate::store::{ManagedFilter, ReportFilter};
use crate::workflow::{self, WorkflowError};

/// Most items the dashboard lists at once.
const DASHBOARD_ITEMS: i64 = 500;

fn nav(session: &StaffSession) -> StaffNav {
    StaffNav {
        name: session.caller.user.name.clone(),
        csrf: session.csrf.clone(),
        portal: true,
        referral_lists: session.caller.user.role.is_staff(),
        ..Default::default()
    }
}

pub(super) fn meta(title: &str, session: &StaffSession) -> PageMeta {
    PageMeta {
        title: title.into(),
        description: "Beheer van het aanbod op de sociale kaart.".into(),
        noindex: true,
        staff: Some(nav(session)),
        ..Default::default()
    }
}

/// Status in words partners use.
pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::Concept => "Concept",
        Status::TerBeoordeling => "Ter beoordeling",
        Status::Teruggestuurd => "Teruggestuurd",
        Status::Gepubliceerd => "Gepubliceerd",
        Status::Gearchiveerd => "Gearchiveerd",
    }
}

pub(super) fn unavailable(site: &Site, e: impl std::fmt::Display) -> Response {
    tracing::warn!(error = %e, "beheer: opslag niet beschikbaar");
    message(
        site,
        StatusCode::SERVICE_UNAVAILABLE,
        "Even niet beschikbaar",
        "Dit lukt nu even niet. Probeer het over een paar minuten opnieuw.",
    )
}

// ---------------------------------------------------------------------------------------------
// The dashboard

struct Row {
    id: i64,
    title: String,
    kind: &'static str,
    status: &'static str,
    published: bool,
    pending: Option<&'static str>,
    review_note: Option<String>,
    checked: String,
    stale: bool,
    reports: usize,
}

#[derive(Template)]
#[template(path = "portal_home.html")]
struct HomePage<'a> {
    site: &'a Site,
    page: PageMeta,
    csrf: String,
    heading: String,
    editor: bool,
    rows: Vec<Row>,
    stale: usize,
    notice: Option<String>,
}

/// `/beheer`: a partner's items (an editor's: what waits for review, and what is stale).
pub async fn home(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
    RawQuery(raw): RawQuery,
) -> Response {
    let caller = &session.caller;
    let editor = caller.is_editor();
    let filters = if editor {
        vec![
            ManagedFilter {
                awaiting_review: true,
                ..Default::default()
            },
            ManagedFilter {
                verified_before: Some(crate::domain::iso(&crate::domain::listing::stale_before(
                    chrono::Utc::now(),
                ))),
                ..Default::default()
            },
        ]
    } else {
        vec![ManagedFilter {
            organisation_id: caller.user.organisation_id,
            ..Default::default()
        }]
    };
    let mut listings: Vec<Listing> = Vec::new();
    for filter in &filters {
        match state
            .store
            .managed_listings(filter, 0, DASHBOARD_ITEMS)
            .await
        {
            Ok((found, _)) => {
                for l in found {
                    if !listings.iter().any(|x| x.id == l.id) {
                        listings.push(l);
                    }
                }
            }
            Err(e) => return unavailable(&state.site, e),
        }
    }
    let reports = match state
        .store
        .list_reports(
            &ReportFilter {
                assigned_to: None,
                organisation_id: if editor {
                    None
                } else {
                    caller.user.organisation_id
                },
                status: Some(crate::domain::report::ReportStatus::Open),
            },
            0,
            1000,
        )
        .await
    {
        Ok((r, _)) => r,
        Err(e) => return unavailable(&state.site, e),
    };
    let now = chrono::Utc::now();
    let rows: Vec<Row> = listings
        .into_iter()
        .map(|l| Row {
            id: l.id,
            kind: l.kind.label(),
            status: status_label(l.status),
            published: l.status == Status::Gepubliceerd,
            pending: l.pending.as_ref().map(|p| match p.status {
                Status::Teruggestuurd => "Wijziging teruggestuurd",
                _ => "Wijziging ter beoordeling",
            }),
            review_note: l.review_note.clone(),
            checked: views::date(l.last_verified_at.date_naive()),
            stale: l.is_stale_at(now),
            reports: reports.iter().filter(|r| r.listing_id == l.id).count(),
            title: l.title,
        })
        .collect();
    let notice = notice_from(raw);
    let heading = if editor {
        "Beheer: wat op u wacht".to_string()
    } else {
        "Uw aanbod".to_string()
    };
    render(
        StatusCode::OK,
        &HomePage {
            site: &state.site,
            page: meta(&heading, &session),
            csrf: session.csrf.clone(),
            stale: rows.iter().filter(|r| r.stale).count(),
            editor,
            rows,
            heading,
            notice,
        },
    )
}

/// The message after a step (`?gedaan=opgeslagen`), in words.
fn notice_from(raw: Option<String>) -> Option<String> {
    let raw = raw.unwrap_or_default();
    let done = form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == "gedaan")
        .map(|(_, v)| v.into_owned())?;
    Some(
        match done.as_str() {
            "opgeslagen" => "Uw wijzigingen zijn opgeslagen.",
            "ingestuurd" => {
                "Ingestuurd. De redactie kijkt ernaar; u ziet hier wanneer het gepubliceerd is."
            }
            "gepubliceerd" => "Opgeslagen en gepubliceerd.",
            "actueel" => "Bedankt! Het aanbod staat weer als gecontroleerd op vandaag.",
            "gearchiveerd" => "Het aanbod is gearchiveerd en niet meer te vinden.",
            "goedgekeurd" => "Goedgekeurd en gepubliceerd.",
            "teruggestuurd" => "Teruggestuurd. De partner ziet uw reden in het overzicht.",
            _ => return None,
        }
        .to_string(),
    )
}

/// `POST /beheer/aanbod/{id}/actueel`: "nog actueel" in one click.
pub async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PortalForm,
) -> Response {
    let Some(id) = super::id_of(&id) else {
        return not_found(&state.site);
    };
    let taxonomy = state.index.facet_space().taxonomy.clone();
    match workflow::confirm_current(&state.store, &taxonomy, &form.session.caller, id).await {
        Ok(saved) => {
            state.index_waker.notify_one();
            let _ = saved;
            Redirect::to("/beheer?gedaan=actueel").into_response()
        }
        Err(e) => refused(&state.site, e),
    }
}

/// A page for what the workflow refused (other than invalid content, which the form shows).
fn refused(site: &Site, e: WorkflowError) -> Response {
    match e {
        WorkflowError::NotFound => not_found(site),
        WorkflowError::Refused(r) => {
            message(site, StatusCode::CONFLICT, "Dat kan nu niet", r.message())
        }
        WorkflowError::StaleVersion => message(
            site,
            StatusCode::PRECONDITION_FAILED,
            "Iemand anders was u voor",
            "Het aanbod is intussen veranderd. Open het opnieuw en probeer het nog eens.",
        ),
        WorkflowError::Invalid(errors) => message(
            site,
            StatusCode::BAD_REQUEST,
            "Dat lukte niet",
            &errors
                .into_vec()
                .into_iter()
                .map(|e| e.reason)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        WorkflowError::Store(e) => unavailable(site, e),
    }
}

// ---------------------------------------------------------------------------------------------
// The item form

/// One choice in a group of boxes or buttons.
pub(super) struct Choice {
    pub(super) key: String,
    pub(super) label: String,
}

fn choices<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<Choice> {
    items
        .map(|(k, l)| Choice {
            key: k.to_string(),
            label: l.to_string(),
        })
        .collect()
}

/// A field that two people changed: what the other saved.
struct Conflict {
    field: String,
    label: &'static str,
    mine: String,
    theirs: String,
}

#[derive(Template)]
#[template(path = "portal_form.html")]
struct FormPage<'a> {
    site: &'a Site,
    page: PageMeta,
    csrf: String,
    action: String,
    /// `None` for a new item.
    item: Option<ItemState>,
    values: FormValues,
    errors: Vec<(String, String)>,
    conflicts: Vec<Conflict>,
    /// For an editor, when the item or a change to it waits for review.
    review: Option<Review>,
    /// Editors pick the organisation of a new item.
    organisations: Vec<Choice>,
    kinds: Vec<Choice>,
    costs: Vec<Choice>,
    times: Vec<Choice>,
    themes: Vec<Choice>,
    wijken: Vec<Choice>,
    talents: Vec<Choice>,
    languages: Vec<Choice>,
    accessibility: Vec<Choice>,
    /// Labels of retired terms the item still has: the form no longer offers them, so a save
    /// takes them off (said above the form).
    retired: Vec<String>,
}

/// What an editor reviews: every field that changes, side by side.
struct Review {
    rows: Vec<ReviewRow>,
    /// A change to a published item (else a new item).
    change: bool,
}

struct ReviewRow {
    label: &'static str,
    before: String,
    after: String,
}

/// A value of a diff as one line of text.
fn shown_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(leeg)".into(),
        serde_json::Value::Bool(b) => if *b { "ja" } else { "nee" }.into(),
        serde_json::Value::String(s) if s.is_empty() => "(leeg)".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) if items.is_empty() => "(leeg)".into(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The review of an item that waits for an editor's decision, if it does.
fn review_of(l: &Listing) -> Option<Review> {
    let (before, after, change) = match &l.pending {
        Some(p) if p.status == Status::TerBeoordeling => {
            (Some(l.to_new()), (*p.content).clone(), true)
        }
        None if l.status == Status::TerBeoordeling => (None, l.to_new(), false),
        _ => return None,
    };
    let rows = diff(before.as_ref(), &after)
        .into_iter()
        .map(|c| ReviewRow {
            label: field_label(c.field.split('.').next().unwrap_or_default()),
            before: shown_value(&c.old),
            after: shown_value(&c.new),
        })
        .collect();
    Some(Review { rows, change })
}

/// What the form shows about a stored item.
struct ItemState {
    id: i64,
    version: i64,
    status: &'static str,
    status_key: &'static str,
    pending: bool,
    review_note: Option<String>,
    public_url: Option<String>,
}

impl FormPage<'_> {
    fn errors_for(&self, field: &str) -> Vec<&str> {
        super::errors_for(&self.errors, field)
    }

    fn invalid(&self, field: &str) -> bool {
        self.errors.iter().any(|(n, _)| n == field)
    }

    /// The element id of a field (`contact.email` → `veld-contact-email`).
    fn id(&self, field: &str) -> String {
        format!("veld-{}", field.replace('.', "-"))
    }
}

/// The label residents and partners read for a field, for the conflict list.
fn field_label(field: &str) -> &'static str {
    match field {
        "soort" => "Soort",
        "titel" => "Titel",
        "samenvatting" => "Samenvatting",
        "beschrijving" => "Beschrijving",
        "themas" => "Thema's",
        "wijken" => "Wijken",
        "heleGemeente" => "Hele gemeente",
        "minLeeftijd" => "Leeftijd vanaf",
        "maxLeeftijd" => "Leeftijd tot en met",
        "locatie" => "Adres",
        "kosten" => "Kosten",
        "contact" => "Contact",
        "tijden" => "Tijden",
        "vacature" => "Vacature",
        "voorVerwijzers" => "Voor verwijzers",
        "talen" => "Talen",
        "toegankelijkheid" => "Toegankelijkheid",
        _ => "Veld",
    }
}

struct FormParts {
    item: Option<ItemState>,
    values: FormValues,
    errors: FieldErrors,
    conflicts: Vec<Conflict>,
    review: Option<Review>,
}

async fn form_page(
    state: &AppState,
    session: &StaffSession,
    status: StatusCode,
    parts: FormParts,
) -> Response {
    let taxonomy: &Taxonomy = &state.index.facet_space().taxonomy.clone();
    let organisations = if session.caller.is_editor() && parts.item.is_none() {
        match state.store.list_organisations(0, 1000).await {
            Ok((orgs, _)) => orgs
                .into_iter()
                .map(|o| Choice {
                    key: o.id.to_string(),
                    label: o.name,
                })
                .collect(),
            Err(e) => return unavailable(&state.site, e),
        }
    } else {
        Vec::new()
    };
    let terms = |kind: crate::domain::taxonomy::TermKind| {
        // Retired terms are not offered: saving the form takes them off the item.
        choices(
            taxonomy
                .offered(kind)
                .map(|t| (t.key.as_str(), t.label.as_str())),
        )
    };
    use crate::domain::taxonomy::TermKind;
    let retired = [
        ("themas", TermKind::Theme),
        ("wijken", TermKind::Wijk),
        ("vacature.talenten", TermKind::Talent),
        ("talen", TermKind::Language),
        ("toegankelijkheid", TermKind::Accessibility),
    ]
    .iter()
    .flat_map(|(field, kind)| {
        taxonomy
            .terms(*kind)
            .iter()
            .filter(|t| t.retired && parts.values.has(field, &t.key))
            .map(|t| t.label.clone())
            .collect::<Vec<_>>()
    })
    .collect();
    let (title, action) = match &parts.item {
        Some(item) => (
            format!("Bewerken: {}", parts.values.value("titel")),
            format!("/beheer/aanbod/{}", item.id),
        ),
        None => ("Nieuw aanbod".to_string(), "/beheer/aanbod/nieuw".into()),
    };
    let title = if parts.errors.is_empty() {
        title
    } else {
        format!("Fout: {title}")
    };
    render(
        status,
        &FormPage {
            site: &state.site,
            page: meta(&title, session),
            csrf: session.csrf.clone(),
            action,
            item: parts.item,
            values: parts.values,
            errors: super::field_messages(parts.errors),
            conflicts: parts.conflicts,
            review: parts.review,
            organisations,
            kinds: choices(Kind::ALL.iter().map(|k| (k.as_str(), k.label()))),
            costs: choices(Cost::ALL.iter().map(|k| (k.as_str(), k.label()))),
            times: choices(TimeCommitment::ALL.iter().map(|k| (k.as_str(), k.label()))),
            themes: terms(TermKind::Theme),
            wijken: terms(TermKind::Wijk),
            talents: terms(TermKind::Talent),
            languages: terms(TermKind::Language),
            accessibility: terms(TermKind::Accessibility),
            retired,
        },
    )
}

fn item_state(l: &Listing) -> ItemState {
    ItemState {
        id: l.id,
        version: l.version,
        status: status_label(l.status),
        status_key: l.status.as_str(),
        pending: l.pending.is_some(),
        review_note: l.review_note.clone(),
        public_url: (l.status == Status::Gepubliceerd && l.is_public_on(today()))
            .then(|| format!("/aanbod/{}-{}", l.id, super::slug(&l.title))),
    }
}

/// The content the partner works on: the pending change when there is one.
fn working_input(l: &Listing) -> ListingInput {
    match &l.pending {
        Some(p) => ListingInput::from_new(&p.content),
        None => ListingInput::from_new(&l.to_new()),
    }
}

/// An item the caller may manage, or the same "not found" as for an id that does not exist.
async fn managed(state: &AppState, session: &StaffSession, raw: &str) -> Result<Listing, Response> {
    let id = super::id_of(raw).ok_or_else(|| not_found(&state.site))?;
    match state.store.find_listing(id).await {
        Ok(l) if session.caller.manages_organisation(l.organisation_id) => Ok(l),
        Ok(_) | Err(crate::store::StoreError::NotFound) => Err(not_found(&state.site)),
        Err(e) => Err(unavailable(&state.site, e)),
    }
}

/// `GET /beheer/aanbod/nieuw?soort=`: an empty form.
pub async fn new_form(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
    RawQuery(raw): RawQuery,
) -> Response {
    let raw = raw.unwrap_or_default();
    let kind = form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == "soort")
        .map(|(_, v)| v.into_owned())
        .filter(|k| Kind::parse(k).is_some())
        .unwrap_or_else(|| "voorziening".into());
    let mut values = FormValues::from_input(&ListingInput {
        kind,
        ..Default::default()
    });
    values.take_field("kosten", &FormValues::default());
    let parts = FormParts {
        item: None,
        values,
        errors: FieldErrors::new(),
        conflicts: Vec::new(),
        review: None,
    };
    form_page(&state, &session, StatusCode::OK, parts).await
}

/// `POST /beheer/aanbod/nieuw`: a new item, as a concept (or submitted at once).
pub async fn create(State(state): State<AppState>, form: PortalForm) -> Response {
    let session = &form.session;
    let values = FormValues::from_form(&form.form);
    let mut errors = FieldErrors::new();
    let input = values.input(&mut errors);
    let organisation = if session.caller.is_editor() {
        form.form.get("organisatie").parse::<i64>().ok()
    } else {
        session.caller.user.organisation_id
    };
    let Some(organisation) = organisation else {
        errors.add("organisatie", "kies een organisatie");
        return invalid_form(&state, session, None, values, errors).await;
    };
    if !errors.is_empty() {
        add_content_errors(
            &mut errors,
            &input,
            &state.index.facet_space().taxonomy,
            RetiredTerms::Refused,
        );
        return invalid_form(&state, session, None, values, errors).await;
    }
    let taxonomy = state.index.facet_space().taxonomy.clone();
    let saved = match workflow::create(
        &state.store,
        &taxonomy,
        &session.caller,
        organisation,
        &input,
    )
    .await
    {
        Ok(saved) => saved,
        Err(WorkflowError::Invalid(e)) => {
            return invalid_form(&state, session, None, values, e).await;
        }
        Err(e) => return refused(&state.site, e),
    };
    state.index_waker.notify_one();
    let wants_submit = form.form.get("actie") == "insturen";
    match after_save(&state, &taxonomy, session, saved.listing, wants_submit).await {
        Ok(done) => Redirect::to(&format!("/beheer?gedaan={done}")).into_response(),
        Err(e) => refused(&state.site, e),
    }
}

/// The form's own errors (numbers that are not numbers) come first; the content's checks
/// are added, so one answer shows every error.
fn add_content_errors(
    errors: &mut FieldErrors,
    input: &ListingInput,
    taxonomy: &Taxonomy,
    retired: RetiredTerms,
) {
    if let Err(WorkflowError::Invalid(more)) = workflow::validate(input, taxonomy, retired) {
        for e in more.into_vec() {
            errors.add(e.name, e.reason);
        }
    }
}

/// After a save: submits when the partner asked for it and the item needs it (a concept, a
/// returned or archived item; an edit of a published item is already a proposal), and says
/// what happened.
async fn after_save(
    state: &AppState,
    taxonomy: &Taxonomy,
    session: &StaffSession,
    saved: Listing,
    wants_submit: bool,
) -> Result<&'static str, WorkflowError> {
    let proposal_waits = saved
        .pending
        .as_ref()
        .is_some_and(|p| p.status == Status::TerBeoordeling);
    if proposal_waits {
        return Ok("ingestuurd");
    }
    let needs_submit = matches!(
        saved.status,
        Status::Concept | Status::Teruggestuurd | Status::Gearchiveerd
    );
    if !(wants_submit && needs_submit) {
        return Ok(if saved.status == Status::Gepubliceerd {
            "gepubliceerd"
        } else {
            "opgeslagen"
        });
    }
    let submitted = workflow::submit(
        &state.store,
        taxonomy,
        &session.caller,
        saved.id,
        saved.version,
    )
    .await?;
    state.index_waker.notify_one();
    Ok(if submitted.listing.status == Status::Gepubliceerd {
        "gepubliceerd"
    } else {
        "ingestuurd"
    })
}

async fn invalid_form(
    state: &AppState,
    session: &StaffSession,
    item: Option<ItemState>,
    values: FormValues,
    errors: FieldErrors,
) -> Response {
    let parts = FormParts {
        item,
        values,
        errors,
        conflicts: Vec::new(),
        review: None,
    };
    form_page(state, session, StatusCode::BAD_REQUEST, parts).await
}

/// `GET /beheer/aanbod/{id}`: the form with the item's working content.
pub async fn edit_form(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
    Path(raw): Path<String>,
) -> Response {
    let listing = match managed(&state, &session, &raw).await {
        Ok(l) => l,
        Err(page) => return page,
    };
    let parts = FormParts {
        item: Some(item_state(&listing)),
        values: FormValues::from_input(&working_input(&listing)),
        errors: FieldErrors::new(),
        conflicts: Vec::new(),
        review: session
            .caller
            .is_editor()
            .then(|| review_of(&listing))
            .flatten(),
    };
    form_page(&state, &session, StatusCode::OK, parts).await
}

/// `POST /beheer/aanbod/{id}`: save (and submit, with `actie=insturen`), against the version
/// the form was opened on. When someone saved first, nothing is overwritten: the form comes
/// back with both versions of every field that differs, to choose from.
pub async fn save(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: PortalForm,
) -> Response {
    let session = &form.session;
    let current = match managed(&state, session, &raw).await {
        Ok(l) => l,
        Err(page) => return page,
    };
    let mut values = FormValues::from_form(&form.form);
    // A resolved conflict: the fields where the partner chose the other version.
    let theirs = FormValues::from_input(&working_input(&current));
    for field in form.form.all("conflict") {
        if form.form.get(&format!("keuze.{field}")) == "opgeslagen" {
            values.take_field(&field, &theirs);
        }
    }
    let version = form.form.get("versie").parse::<i64>().unwrap_or(-1);
    let taxonomy = state.index.facet_space().taxonomy.clone();
    let mut errors = FieldErrors::new();
    let input = values.input(&mut errors);
    if !errors.is_empty() {
        add_content_errors(
            &mut errors,
            &input,
            &taxonomy,
            RetiredTerms::KeptFrom(&current.to_new()),
        );
        let mut item = item_state(&current);
        item.version = version;
        return invalid_form(&state, session, Some(item), values, errors).await;
    }
    let saved = match workflow::update(
        &state.store,
        &taxonomy,
        &session.caller,
        current.id,
        version,
        &input,
    )
    .await
    {
        Ok(saved) => saved,
        Err(WorkflowError::Invalid(e)) => {
            let mut item = item_state(&current);
            item.version = version;
            return invalid_form(&state, session, Some(item), values, e).await;
        }
        Err(WorkflowError::StaleVersion) => {
            return conflict(&state, session, &current, values, &input, &taxonomy).await;
        }
        Err(e) => return refused(&state.site, e),
    };
    state.index_waker.notify_one();
    let wants_submit = form.form.get("actie") == "insturen";
    match after_save(&state, &taxonomy, session, saved.listing, wants_submit).await {
        Ok(done) => Redirect::to(&format!("/beheer?gedaan={done}")).into_response(),
        Err(e) => refused(&state.site, e),
    }
}

/// The form again after a lost race: the partner's values, the new version number, and for
/// every field the other person changed differently, both versions and a choice.
async fn conflict(
    state: &AppState,
    session: &StaffSession,
    current: &Listing,
    values: FormValues,
    input: &ListingInput,
    taxonomy: &Taxonomy,
) -> Response {
    let theirs_input = working_input(current);
    let theirs = FormValues::from_input(&theirs_input);
    let mut conflicts = Vec::new();
    if let (Ok(mine), Ok(saved)) = (
        workflow::validate(input, taxonomy, RetiredTerms::Allowed),
        workflow::validate(&theirs_input, taxonomy, RetiredTerms::Allowed),
    ) {
        let mut seen: Vec<String> = Vec::new();
        for change in diff(Some(&saved), &mine) {
            let field = change
                .field
                .split('.')
                .next()
                .unwrap_or_default()
                .to_string();
            if seen.contains(&field) {
                continue;
            }
            seen.push(field.clone());
            conflicts.push(Conflict {
                label: field_label(&field),
                mine: values.shown(&field),
                theirs: theirs.shown(&field),
                field,
            });
        }
    }
    let parts = FormParts {
        item: Some(item_state(current)),
        values,
        errors: FieldErrors::new(),
        conflicts,
        review: None,
    };
    form_page(state, session, StatusCode::CONFLICT, parts).await
}

/// `POST /beheer/aanbod/{id}/archiveren`.
pub async fn archive(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: PortalForm,
) -> Response {
    let current = match managed(&state, &form.session, &raw).await {
        Ok(l) => l,
        Err(page) => return page,
    };
    let version = form.form.get("versie").parse::<i64>().unwrap_or(-1);
    let taxonomy = state.index.facet_space().taxonomy.clone();
    match workflow::archive(
        &state.store,
        &taxonomy,
        &form.session.caller,
        current.id,
        version,
    )
    .await
    {
        Ok(_) => {
            state.index_waker.notify_one();
            Redirect::to("/beheer?gedaan=gearchiveerd").into_response()
        }
        Err(e) => refused(&state.site, e),
    }
}

/// `POST /beheer/aanbod/{id}/beoordeling`: an editor approves, or returns with a reason.
pub async fn review(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: PortalForm,
) -> Response {
    let session = &form.session;
    let current = match managed(&state, session, &raw).await {
        Ok(l) => l,
        Err(page) => return page,
    };
    let reason = form.form.get("reden");
    let decision = match workflow::Decision::parse(&form.form.get("besluit"), Some(&reason)) {
        Ok(d) => d,
        Err(errors) => {
            let parts = FormParts {
                item: Some(item_state(&current)),
                values: FormValues::from_input(&working_input(&current)),
                errors,
                conflicts: Vec::new(),
                review: review_of(&current),
            };
            return form_page(&state, session, StatusCode::BAD_REQUEST, parts).await;
        }
    };
    let version = form.form.get("versie").parse::<i64>().unwrap_or(-1);
    let taxonomy = state.index.facet_space().taxonomy.clone();
    match workflow::review(
        &state.store,
        &taxonomy,
        &session.caller,
        current.id,
        version,
        decision,
    )
    .await
    {
        Ok(saved) => {
            state.index_waker.notify_one();
            let done = if saved.listing.status == Status::Gepubliceerd
                && saved.listing.pending.is_none()
            {
                "goedgekeurd"
            } else {
                "teruggestuurd"
            };
            Redirect::to(&format!("/beheer?gedaan={done}")).into_response()
        }
        Err(e) => refused(&state.site, e),
    }
}

// ---------------------------------------------------------------------------------------------
// "Nog actueel" from a reminder mail, without logging in

#[derive(Template)]
#[template(path = "confirm_link.html")]
struct ConfirmLinkPage<'a> {
    site: &'a Site,
    page: PageMeta,
    token: String,
    id: i64,
    title: String,
    summary: String,
    checked: String,
}

fn link_gone(site: &Site) -> Response {
    message(
        site,
        StatusCode::NOT_FOUND,
        "Deze link werkt niet meer",
        "De link is verlopen of klopt niet. Log in om uw aanbod te bevestigen of aan te passen.",
    )
}

/// The item a reminder link is for, when the link still works.
async fn linked_listing(state: &AppState, token: &str) -> Result<Listing, Response> {
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(link_gone(&state.site));
    }
    let hash = crate::auth::sha256_hex(token);
    let found = state
        .store
        .mail_token_listing(&hash, crate::mail::reminders::PURPOSE, chrono::Utc::now())
        .await;
    match found {
        Ok(Some(id)) => match state.store.find_listing(id).await {
            Ok(l) if l.status != Status::Gearchiveerd => Ok(l),
            Ok(_) | Err(crate::store::StoreError::NotFound) => Err(link_gone(&state.site)),
            Err(e) => Err(unavailable(&state.site, e)),
        },
        Ok(None) => Err(link_gone(&state.site)),
        Err(e) => Err(unavailable(&state.site, e)),
    }
}

/// `GET /actueel/{token}`: what the link confirms, and one button. Opening the link changes
/// nothing: mail programs and virus scanners open links on their own.
pub async fn confirm_link_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Response {
    let listing = match linked_listing(&state, &token).await {
        Ok(l) => l,
        Err(page) => return page,
    };
    render(
        StatusCode::OK,
        &ConfirmLinkPage {
            site: &state.site,
            page: PageMeta {
                title: "Klopt dit nog?".into(),
                description: "Bevestig dat uw aanbod nog klopt.".into(),
                noindex: true,
                ..Default::default()
            },
            token,
            id: listing.id,
            checked: views::date(listing.last_verified_at.date_naive()),
            title: listing.title,
            summary: listing.summary,
        },
    )
}

/// `POST /actueel/{token}`: confirms the item the link is for.
pub async fn confirm_link(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let listing = match linked_listing(&state, &token).await {
        Ok(l) => l,
        Err(page) => return page,
    };
    let taxonomy = state.index.facet_space().taxonomy.clone();
    match workflow::confirm_by_link(&state.store, &taxonomy, listing.id).await {
        Ok(_) => {
            state.index_waker.notify_one();
            message(
                &state.site,
                StatusCode::OK,
                "Bedankt!",
                &format!(
                    "\"{}\" staat nu als gecontroleerd op vandaag. Inwoners zien dat de informatie klopt.",
                    listing.title
                ),
            )
        }
        Err(e) => refused(&state.site, e),
    }
}

// ---------------------------------------------------------------------------------------------
// A forgotten password, and choosing one from a link (reset or invitation)

#[derive(Template)]
#[template(path = "password_forgot.html")]
struct ForgotPage<'a> {
    site: &'a Site,
    page: PageMeta,
    email: String,
    error: Option<String>,
    sent: bool,
}

fn plain_meta(title: &str) -> PageMeta {
    PageMeta {
        title: title.into(),
        description: title.into(),
        noindex: true,
        ..Default::default()
    }
}

/// `GET /wachtwoord-vergeten`.
pub async fn forgot_form(State(state): State<AppState>) -> Response {
    render(
        StatusCode::OK,
        &ForgotPage {
            site: &state.site,
            page: plain_meta("Wachtwoord vergeten"),
            email: String::new(),
            error: None,
            sent: false,
        },
    )
}

/// `POST /wachtwoord-vergeten`: the same answer whether the address is known or not, so the
/// form does not tell who has an account.
pub async fn forgot(State(state): State<AppState>, form: super::session::PageForm) -> Response {
    let email = form.get("email").trim().to_string();
    let Some(address) = crate::domain::UserEmail::parse(&email) else {
        return render(
            StatusCode::BAD_REQUEST,
            &ForgotPage {
                site: &state.site,
                page: plain_meta("Fout: Wachtwoord vergeten"),
                email,
                error: Some("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.".into()),
                sent: false,
            },
        );
    };
    match state.store.user_by_email(address.as_str()).await {
        Ok(Some((user, _))) if user.active => {
            if let Err(e) = state
                .store
                .send_password_link(
                    user.id,
                    &user.email,
                    crate::store::PASSWORD_RESET,
                    chrono::Duration::hours(1),
                    chrono::Utc::now(),
                )
                .await
            {
                return unavailable(&state.site, e);
            }
        }
        Ok(_) => {}
        Err(e) => return unavailable(&state.site, e),
    }
    render(
        StatusCode::OK,
        &ForgotPage {
            site: &state.site,
            page: plain_meta("Wachtwoord vergeten"),
            email: String::new(),
            error: None,
            sent: true,
        },
    )
}

#[derive(Template)]
#[template(path = "password_set.html")]
struct SetPasswordPage<'a> {
    site: &'a Site,
    page: PageMeta,
    token: String,
    errors: Vec<(String, String)>,
}

impl SetPasswordPage<'_> {
    fn errors_for(&self, field: &str) -> Vec<&str> {
        super::errors_for(&self.errors, field)
    }
}

/// The hash of a password link's token, when the token is well formed.
fn link_hash(token: &str) -> Option<String> {
    (token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| crate::auth::sha256_hex(token))
}

fn password_link_gone(site: &Site) -> Response {
    message(
        site,
        StatusCode::NOT_FOUND,
        "Deze link werkt niet meer",
        "De link is al gebruikt of verlopen. Vraag op de inlogpagina een nieuwe aan via Wachtwoord vergeten.",
    )
}

/// `GET /wachtwoord-instellen/{token}`.
pub async fn set_password_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Response {
    let Some(hash) = link_hash(&token) else {
        return password_link_gone(&state.site);
    };
    match state
        .store
        .password_link_user(&hash, chrono::Utc::now())
        .await
    {
        Ok(Some(_)) => render(
            StatusCode::OK,
            &SetPasswordPage {
                site: &state.site,
                page: plain_meta("Kies een wachtwoord"),
                token,
                errors: Vec::new(),
            },
        ),
        Ok(None) => password_link_gone(&state.site),
        Err(e) => unavailable(&state.site, e),
    }
}

/// `POST /wachtwoord-instellen/{token}`: sets the password once; every session of the
/// account ends, so someone who knew the old password is out.
pub async fn set_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
    form: super::session::PageForm,
) -> Response {
    let Some(hash) = link_hash(&token) else {
        return password_link_gone(&state.site);
    };
    let password = form.get("wachtwoord");
    let mut errors = Vec::new();
    if let Some(problem) = crate::domain::user::password_problem(&password) {
        errors.push((
            "wachtwoord".to_string(),
            format!("Het wachtwoord {problem}."),
        ));
    } else if form.get("herhaling") != password {
        errors.push((
            "herhaling".to_string(),
            "De twee wachtwoorden zijn niet hetzelfde.".to_string(),
        ));
    }
    if !errors.is_empty() {
        return render(
            StatusCode::BAD_REQUEST,
            &SetPasswordPage {
                site: &state.site,
                page: plain_meta("Fout: Kies een wachtwoord"),
                token,
                errors,
            },
        );
    }
    let password_hash = match state.auth.hash(password).await {
        Ok(h) => h,
        Err(e) => return unavailable(&state.site, e),
    };
    match state
        .store
        .set_password_with_link(&hash, &password_hash, chrono::Utc::now())
        .await
    {
        Ok(Some(_)) => message(
            &state.site,
            StatusCode::OK,
            "Uw wachtwoord is ingesteld",
            "U kunt nu inloggen met uw e-mailadres en het nieuwe wachtwoord.",
        ),
        Ok(None) | Err(crate::store::StoreError::NotFound) => password_link_gone(&state.site),
        Err(e) => unavailable(&state.site, e),
    }
}

// ---------------------------------------------------------------------------------------------
// Residents' reports

struct ReportRow {
    id: i64,
    listing_id: i64,
    title: String,
    reason: &'static str,
    message: String,
    created: String,
    open: bool,
    has_email: bool,
    /// The editor who takes care of it: account id and name.
    assignee: Option<(i64, String)>,
}

#[derive(Template)]
#[template(path = "portal_reports.html")]
struct ReportsPage<'a> {
    site: &'a Site,
    page: PageMeta,
    csrf: String,
    editor: bool,
    reports: Vec<ReportRow>,
    /// Which reports show (`open`, `mij`, `afgehandeld`; empty: all) and the choices.
    view: String,
    views: Vec<Choice>,
    /// Active editors a report can be given to.
    editors: Vec<Choice>,
    notice: Option<String>,
    problem: Option<String>,
}

/// The views of the reports page, by their query value.
const REPORT_VIEWS: [(&str, &str); 4] = [
    ("", "Alle meldingen"),
    ("open", "Open meldingen"),
    ("mij", "Aan mij toegewezen"),
    ("afgehandeld", "Afgehandelde meldingen"),
];

async fn reports_page(
    state: &AppState,
    session: &StaffSession,
    status: StatusCode,
    view: &str,
    (notice, problem): (Option<String>, Option<String>),
) -> Response {
    use crate::domain::report::ReportStatus;
    let caller = &session.caller;
    let view = REPORT_VIEWS
        .iter()
        .map(|(v, _)| *v)
        .find(|v| *v == view && (caller.is_editor() || *v != "mij"))
        .unwrap_or("");
    let filter = ReportFilter {
        organisation_id: if caller.is_editor() {
            None
        } else {
            caller.user.organisation_id
        },
        status: match view {
            "open" | "mij" => Some(ReportStatus::Open),
            "afgehandeld" => Some(ReportStatus::Handled),
            _ => None,
        },
        assigned_to: (view == "mij").then_some(caller.user.id),
    };
    let reports = match state.store.list_reports(&filter, 0, 200).await {
        Ok((r, _)) => r,
        Err(e) => return unavailable(&state.site, e),
    };
    let editors = if caller.is_editor() {
        match state.store.list_users(0, 1000).await {
            Ok((users, _)) => users
                .into_iter()
                .filter(|u| u.active && u.role.is_editor())
                .map(|u| Choice {
                    key: u.id.to_string(),
                    label: u.name,
                })
                .collect(),
            Err(e) => return unavailable(&state.site, e),
        }
    } else {
        Vec::new()
    };
    let rows = reports
        .into_iter()
        .map(|r| ReportRow {
            id: r.id,
            listing_id: r.listing_id,
            title: r.listing_title,
            reason: r.reason.label(),
            message: r.message,
            created: views::date(r.created_at.date_naive()),
            open: r.status == ReportStatus::Open,
            has_email: r.email.is_some(),
            assignee: r
                .assigned_to
                .map(|id| (id, r.assigned_name.unwrap_or_default())),
        })
        .collect();
    render(
        status,
        &ReportsPage {
            site: &state.site,
            page: meta("Meldingen van inwoners", session),
            csrf: session.csrf.clone(),
            editor: caller.is_editor(),
            reports: rows,
            view: view.to_string(),
            views: REPORT_VIEWS
                .iter()
                .filter(|(v, _)| caller.is_editor() || *v != "mij")
                .map(|(v, l)| Choice {
                    key: v.to_string(),
                    label: l.to_string(),
                })
                .collect(),
            editors,
            notice,
            problem,
        },
    )
}

/// `GET /beheer/meldingen`: what residents reported (partners: on their own items), in the
/// view chosen with `weergave`.
pub async fn reports(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = super::pages::query_pairs(raw);
    let get = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let notice = match get("gedaan") {
        "afgehandeld" => Some("De melding is afgehandeld.".to_string()),
        "toegewezen" => Some("De melding is toegewezen.".to_string()),
        _ => None,
    };
    reports_page(
        &state,
        &session,
        StatusCode::OK,
        get("weergave"),
        (notice, None),
    )
    .await
}

/// A refused change on the reports page: the page again with the reasons, or the answer
/// for a report that does not exist or a caller who may not.
async fn report_refused(
    state: &AppState,
    session: &StaffSession,
    field_label: &str,
    e: DeskError,
) -> Response {
    match e {
        DeskError::Invalid(errors) => {
            let problem = errors
                .into_vec()
                .into_iter()
                .map(|x| format!("{field_label}: {}", x.reason))
                .collect::<Vec<_>>()
                .join(" ");
            reports_page(
                state,
                session,
                StatusCode::BAD_REQUEST,
                "",
                (None, Some(problem)),
            )
            .await
        }
        DeskError::NotFound => not_found(&state.site),
        DeskError::Forbidden => message(
            &state.site,
            StatusCode::FORBIDDEN,
            "Geen toegang",
            "Meldingen worden afgehandeld door de redactie.",
        ),
        DeskError::Store(e) => unavailable(&state.site, e),
    }
}

/// `POST /beheer/meldingen/{id}`: an editor handles a report, with an answer if the resident
/// left an address.
pub async fn handle_report(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: PortalForm,
) -> Response {
    let session = &form.session;
    let Some(id) = super::id_of(&raw) else {
        return not_found(&state.site);
    };
    let reply = form.form.get("antwoord");
    match report_desk::handle(&state.store, &session.caller, id, Some(&reply)).await {
        Ok(_) => Redirect::to("/beheer/meldingen?gedaan=afgehandeld").into_response(),
        Err(e) => report_refused(&state, session, "Antwoord", e).await,
    }
}

/// `POST /beheer/meldingen/{id}/toewijzen`: an editor gives a report to an editor (or to
/// nobody, with an empty choice).
pub async fn assign_report(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: PortalForm,
) -> Response {
    let session = &form.session;
    let Some(id) = super::id_of(&raw) else {
        return not_found(&state.site);
    };
    let chosen = form.form.get("redacteur");
    let assignee = match chosen.trim() {
        "" => None,
        other => Some(other.parse::<i64>().unwrap_or(-1)),
    };
    match report_desk::assign(&state.store, &session.caller, id, assignee).await {
        Ok(_) => Redirect::to("/beheer/meldingen?gedaan=toegewezen").into_response(),
        Err(e) => report_refused(&state, session, "Toewijzen", e).await,
    }
}

// ---------------------------------------------------------------------------------------------
// The organisation's profile (partners)

struct OrgField {
    name: &'static str,
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "portal_organisation.html")]
struct OrganisationPage<'a> {
    site: &'a Site,
    page: PageMeta,
    csrf: String,
    heading: String,
    action: String,
    /// Editors see and set whether the organisation is trusted; partners do not.
    trusted: Option<bool>,
    version: i64,
    fields: Vec<OrgField>,
    errors: Vec<(String, String)>,
    notice: Option<String>,
    problem: Option<String>,
}

impl OrganisationPage<'_> {
    fn errors_for(&self, field: &str) -> Vec<&str> {
        super::errors_for(&self.errors, field)
    }
}

pub(super) const ORG_FIELDS: [(&str, &str); 5] = [
    ("naam", "Naam"),
    ("beschrijving", "Wat doet uw organisatie?"),
    ("telefoon", "Telefoonnummer"),
    ("email", "E-mailadres"),
    ("website", "Website (begint met https://)"),
];

pub(super) struct OrgForm {
    /// The page's heading, and where the form posts.
    pub(super) heading: String,
    pub(super) action: String,
    pub(super) trusted: Option<bool>,
    pub(super) version: i64,
    pub(super) values: Vec<String>,
    pub(super) errors: Vec<(String, String)>,
    pub(super) notice: Option<String>,
    pub(super) problem: Option<String>,
}

impl OrgForm {
    /// The partner's own profile.
    fn own(version: i64, values: Vec<String>) -> OrgForm {
        OrgForm {
            heading: "Uw organisatie".into(),
            action: "/beheer/organisatie".into(),
            trusted: None,
            version,
            values,
            errors: Vec::new(),
            notice: None,
            problem: None,
        }
    }
}

pub(super) fn organisation_page(
    state: &AppState,
    session: &StaffSession,
    status: StatusCode,
    form: OrgForm,
) -> Response {
    let fields = ORG_FIELDS
        .iter()
        .zip(form.values)
        .map(|((name, label), value)| OrgField { name, label, value })
        .collect();
    render(
        status,
        &OrganisationPage {
            site: &state.site,
            page: meta(&form.heading, session),
            csrf: session.csrf.clone(),
            heading: form.heading,
            action: form.action,
            trusted: form.trusted,
            version: form.version,
            fields,
            errors: form.errors,
            notice: form.notice,
            problem: form.problem,
        },
    )
}

/// The form's values of an organisation, in the order of [`ORG_FIELDS`].
pub(super) fn org_values(org: &crate::store::Organisation) -> Vec<String> {
    vec![
        org.name.clone(),
        org.description.clone(),
        org.phone.clone().unwrap_or_default(),
        org.email.clone().unwrap_or_default(),
        org.website.clone().unwrap_or_default(),
    ]
}

/// The partner's own organisation; editors manage organisations elsewhere.
async fn own_organisation(
    state: &AppState,
    session: &StaffSession,
) -> Result<crate::store::Organisation, Response> {
    let Some(id) = session.caller.user.organisation_id else {
        return Err(not_found(&state.site));
    };
    state
        .store
        .find_organisation(id)
        .await
        .map_err(|e| unavailable(&state.site, e))
}

/// `GET /beheer/organisatie`.
pub async fn organisation_form(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
    RawQuery(raw): RawQuery,
) -> Response {
    let org = match own_organisation(&state, &session).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    let saved = raw.unwrap_or_default().contains("gedaan=opgeslagen");
    let mut form = OrgForm::own(org.version, org_values(&org));
    form.notice = saved.then(|| "De gegevens van uw organisatie zijn opgeslagen.".to_string());
    organisation_page(&state, &session, StatusCode::OK, form)
}

/// `POST /beheer/organisatie`: the same checks as the API; a lost race overwrites nothing.
pub async fn save_organisation(State(state): State<AppState>, form: PortalForm) -> Response {
    let session = &form.session;
    let org = match own_organisation(&state, session).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    let values: Vec<String> = ORG_FIELDS.iter().map(|(n, _)| form.form.get(n)).collect();
    let optional = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
    let version = form.form.get("versie").parse::<i64>().unwrap_or(-1);
    let again = |errors: Vec<(String, String)>, problem: Option<String>, status| {
        organisation_page(
            &state,
            session,
            status,
            OrgForm {
                errors,
                problem,
                ..OrgForm::own(version, values.clone())
            },
        )
    };
    let fields = match crate::store::OrganisationFields::parse(
        &values[0],
        &values[1],
        &optional(&values[2]),
        &optional(&values[3]),
        &optional(&values[4]),
    ) {
        Ok(f) => f,
        Err(errors) => {
            let errors = super::field_messages(errors);
            return again(errors, None, StatusCode::BAD_REQUEST);
        }
    };
    let actor = (session.caller.user.id, session.caller.user.name.as_str());
    match state
        .store
        .update_organisation(org.id, version, &fields, org.trusted, actor)
        .await
    {
        Ok(_) => {
            state.index_waker.notify_one();
            Redirect::to("/beheer/organisatie?gedaan=opgeslagen").into_response()
        }
        Err(crate::store::StoreError::VersionMismatch) => again(
            Vec::new(),
            Some("Iemand anders heeft de gegevens intussen veranderd. Er is niets overschreven. Open deze pagina opnieuw en voer uw wijziging nog eens in.".into()),
            StatusCode::CONFLICT,
        ),
        Err(e) => unavailable(&state.site, e),
    }
}

// ---------------------------------------------------------------------------------------------
// The own account: name, and a password change with the current password

#[derive(Template)]
#[template(path = "portal_account.html")]
struct AccountPage<'a> {
    site: &'a Site,
    page: PageMeta,
    csrf: String,
    version: i64,
    email: String,
    name: String,
    errors: Vec<(String, String)>,
    notice: Option<String>,
}

impl AccountPage<'_> {
    fn errors_for(&self, field: &str) -> Vec<&str> {
        super::errors_for(&self.errors, field)
    }
}

/// `GET /beheer/account`.
pub async fn account_form(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
    RawQuery(raw): RawQuery,
) -> Response {
    let user = &session.caller.user;
    let saved = raw.unwrap_or_default().contains("gedaan=opgeslagen");
    render(
        StatusCode::OK,
        &AccountPage {
            site: &state.site,
            page: meta("Uw account", &session),
            csrf: session.csrf.clone(),
            version: user.version,
            email: user.email.clone(),
            name: user.name.clone(),
            errors: Vec::new(),
            notice: saved.then(|| "Uw gegevens zijn opgeslagen.".to_string()),
        },
    )
}

/// `POST /beheer/account`. A new password needs the current one (the auth service's rule);
/// after a password change every session ends, this one too.
pub async fn save_account(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Response {
    use axum::extract::FromRequest as _;
    let (parts, body) = request.into_parts();
    let client = crate::auth::client_ip(&parts, &state.auth.trusted_proxies);
    let form =
        match PortalForm::from_request(axum::extract::Request::from_parts(parts, body), &state)
            .await
        {
            Ok(f) => f,
            Err(page) => return page,
        };
    let session = &form.session;
    let user = &session.caller.user;
    let name = form.form.get("naam");
    let new_password = form.form.get("wachtwoord");
    let current = form.form.get("huidigWachtwoord");
    // Either password field filled in means a password change (the service then asks for
    // both).
    let changes_password = !(new_password.is_empty() && current.is_empty());
    let patch = crate::account_admin::AccountPatch {
        name: Some(name.clone()),
        password: changes_password.then(|| new_password.clone()),
        current_password: changes_password.then(|| current.clone()),
        ..Default::default()
    };
    let version = form.form.get("versie").parse::<i64>().unwrap_or(-1);
    let errors = match crate::account_admin::update(
        &state.store,
        &state.auth,
        &session.caller,
        client,
        (user.id, version),
        patch,
    )
    .await
    {
        // A new password ends every session: log in again with it.
        Ok(_) if changes_password => {
            return message(
                &state.site,
                StatusCode::OK,
                "Uw wachtwoord is gewijzigd",
                "Log opnieuw in met uw nieuwe wachtwoord. Op andere apparaten bent u ook uitgelogd.",
            );
        }
        Ok(_) => return Redirect::to("/beheer/account?gedaan=opgeslagen").into_response(),
        Err(AccountError::Invalid(e)) => e,
        Err(AccountError::Login(crate::auth::LoginError::Throttled(_))) => {
            let mut e = FieldErrors::new();
            e.add(
                "huidigWachtwoord",
                "er is te vaak een verkeerd wachtwoord ingevuld; wacht even en probeer het opnieuw",
            );
            e
        }
        Err(AccountError::StaleVersion) => {
            return message(
                &state.site,
                StatusCode::CONFLICT,
                "Iemand anders was u voor",
                "Uw account is intussen veranderd. Open de pagina opnieuw en probeer het nog eens.",
            );
        }
        Err(err) => return unavailable(&state.site, err),
    };
    render(
        StatusCode::BAD_REQUEST,
        &AccountPage {
            site: &state.site,
            page: meta("Fout: Uw account", session),
            csrf: session.csrf.clone(),
            version: user.version,
            email: user.email.clone(),
            name,
            errors: super::field_messages(errors),
            notice: None,
        },
    )
}
