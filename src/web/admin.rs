//! The editors' pages of the portal: the taxonomy (add, relabel, retire), organisations
//! (including `vertrouwd`), accounts and roles, and the audit log. Like the rest of the
//! portal, each handler reads the form, calls the service the API calls
//! (`crate::terms`, `crate::account_admin`, the store), and picks the page.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::portal::{Choice, OrgForm, meta, org_values, organisation_page, unavailable};
use super::session::{PortalForm, PortalSession, StaffSession};
use super::{PageMeta, Site, message, not_found, render, views};
use crate::account_admin::{self, AccountError, AccountPatch, NewAccount};
use crate::api::AppState;
use crate::domain::audit::AuditFilter;
use crate::domain::taxonomy::TermKind;
use crate::domain::{FieldErrors, Role};
use crate::store::{Organisation, OrganisationFields, StoreError, User};
use crate::terms::{self, TermError};

fn editors_only(site: &Site) -> Response {
    message(
        site,
        StatusCode::FORBIDDEN,
        "Geen toegang",
        "Dit deel van het beheer is voor redacteuren.",
    )
}

/// The value of `key` in a query string (empty when absent).
fn query_value(query: &[(String, String)], key: &str) -> String {
    query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Taxonomy: add a term, relabel it, retire it or take it back into use. Search and forms
// follow at once on every node.

struct TermRow {
    key: String,
    label: String,
    retired: bool,
}

struct TermList {
    name: &'static str,
    label: &'static str,
    terms: Vec<TermRow>,
}

#[derive(Template)]
#[template(path = "portal_taxonomy.html")]
struct TaxonomyPage<'a> {
    site: &'a Site,
    page: PageMeta,
    csrf: String,
    lists: Vec<TermList>,
    notice: Option<String>,
    /// Errors of the add form of one list: (list name, errors).
    add_errors: Option<(String, Vec<(String, String)>)>,
    /// The values typed in that add form.
    add_values: (String, String),
    problem: Option<String>,
}

impl TaxonomyPage<'_> {
    fn add_errors_for(&self, list: &str, field: &str) -> Vec<&str> {
        match &self.add_errors {
            Some((name, errors)) if name == list => errors
                .iter()
                .filter(|(n, _)| n == field)
                .map(|(_, m)| m.as_str())
                .collect(),
            _ => Vec::new(),
        }
    }
    fn typed(&self, list: &str, field: &str) -> &str {
        match &self.add_errors {
            Some((name, _)) if name == list && field == "sleutel" => &self.add_values.0,
            Some((name, _)) if name == list => &self.add_values.1,
            _ => "",
        }
    }
}

#[derive(Default)]
struct TaxonomyOutcome {
    notice: Option<String>,
    add_errors: Option<(String, Vec<(String, String)>)>,
    add_values: (String, String),
    problem: Option<String>,
}

fn taxonomy_page(
    state: &AppState,
    session: &StaffSession,
    status: StatusCode,
    outcome: TaxonomyOutcome,
) -> Response {
    let space = state.index.facet_space();
    let lists = TermKind::RELABELLED
        .iter()
        .map(|(kind, name, label)| TermList {
            name,
            label,
            terms: space
                .taxonomy
                .terms(*kind)
                .iter()
                .map(|t| TermRow {
                    key: t.key.to_string(),
                    label: t.label.clone(),
                    retired: t.retired,
                })
                .collect(),
        })
        .collect();
    let title = if outcome.add_errors.is_some() || outcome.problem.is_some() {
        "Fout: Taxonomie"
    } else {
        "Taxonomie"
    };
    render(
        status,
        &TaxonomyPage {
            site: &state.site,
            page: meta(title, session),
            csrf: session.csrf.clone(),
            lists,
            notice: outcome.notice,
            add_errors: outcome.add_errors,
            add_values: outcome.add_values,
            problem: outcome.problem,
        },
    )
}

/// `GET /beheer/taxonomie` (editors).
pub async fn taxonomy(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
    RawQuery(raw): RawQuery,
) -> Response {
    if !session.caller.is_editor() {
        return editors_only(&state.site);
    }
    let query = super::pages::query_pairs(raw);
    let notice = match query_value(&query, "gedaan").as_str() {
        "hernoemd" => Some("De nieuwe naam is opgeslagen. Het zoeken gebruikt hem meteen."),
        "toegevoegd" => Some("De term is toegevoegd. U kunt hem nu kiezen bij het aanbod."),
        "ingetrokken" => Some(
            "De term wordt niet meer aangeboden. Aanbod dat hem heeft, houdt hem tot iemand het aanpast.",
        ),
        "teruggezet" => Some("De term wordt weer aangeboden."),
        _ => None,
    };
    let outcome = TaxonomyOutcome {
        notice: notice.map(String::from),
        ..Default::default()
    };
    taxonomy_page(&state, &session, StatusCode::OK, outcome)
}

/// Waits (briefly) until this node's search shows a change, like the API does.
async fn settle(state: &AppState, seq: Option<i64>) {
    if let Some(seq) = seq {
        state.index_waker.notify_one();
        let _ = state.index.wait_for(seq, state.write_wait).await;
    }
}

fn term_refused(state: &AppState, session: &StaffSession, e: TermError) -> Response {
    match e {
        TermError::Invalid(errors) => {
            let problem = errors
                .into_vec()
                .into_iter()
                .map(|x| format!("Naam: {}", x.reason))
                .collect::<Vec<_>>()
                .join(" ");
            let outcome = TaxonomyOutcome {
                problem: Some(problem),
                ..Default::default()
            };
            taxonomy_page(state, session, StatusCode::BAD_REQUEST, outcome)
        }
        TermError::NotFound => not_found(&state.site),
        TermError::Forbidden => editors_only(&state.site),
        TermError::Store(e) => unavailable(&state.site, e),
    }
}

/// `POST /beheer/taxonomie/{lijst}`: add a term at the end of a list.
pub async fn add_term(
    State(state): State<AppState>,
    Path(list): Path<String>,
    form: PortalForm,
) -> Response {
    let session = &form.session;
    let kind = match terms::list(&list) {
        Ok(k) => k,
        Err(e) => return term_refused(&state, session, e),
    };
    let key = form.form.get("sleutel").trim().to_string();
    let label = form.form.get("label");
    let taxonomy = state.index.facet_space().taxonomy.clone();
    match terms::add(&state.store, &taxonomy, &session.caller, kind, &key, &label).await {
        Ok(seq) => {
            settle(&state, Some(seq)).await;
            Redirect::to("/beheer/taxonomie?gedaan=toegevoegd").into_response()
        }
        Err(TermError::Invalid(errors)) => {
            let outcome = TaxonomyOutcome {
                add_errors: Some((list, super::field_messages(errors))),
                add_values: (key, label),
                ..Default::default()
            };
            taxonomy_page(&state, session, StatusCode::BAD_REQUEST, outcome)
        }
        Err(e) => term_refused(&state, session, e),
    }
}

/// `POST /beheer/taxonomie/{lijst}/{sleutel}`: a new label (`actie=opslaan`), or retire
/// (`intrekken`) or take back into use (`terugzetten`).
pub async fn change_term(
    State(state): State<AppState>,
    Path((list, key)): Path<(String, String)>,
    form: PortalForm,
) -> Response {
    let session = &form.session;
    let kind = match terms::list(&list) {
        Ok(k) => k,
        Err(e) => return term_refused(&state, session, e),
    };
    // Each button changes one thing; the other stays as stored.
    let typed = form.form.get("label");
    let (label, retired, done) = match form.form.get("actie").as_str() {
        "intrekken" => (None, Some(true), "ingetrokken"),
        "terugzetten" => (None, Some(false), "teruggezet"),
        _ => (Some(typed.as_str()), None, "hernoemd"),
    };
    match terms::change(&state.store, &session.caller, kind, &key, label, retired).await {
        Ok(seq) => {
            settle(&state, seq).await;
            Redirect::to(&format!("/beheer/taxonomie?gedaan={done}")).into_response()
        }
        Err(e) => term_refused(&state, session, e),
    }
}

// ---------------------------------------------------------------------------------------------
// Organisations (editors): all of them, with `vertrouwd`

struct OrgRow {
    id: i64,
    name: String,
    trusted: bool,
}

#[derive(Template)]
#[template(path = "portal_organisations.html")]
struct OrganisationsPage<'a> {
    site: &'a Site,
    page: PageMeta,
    organisations: Vec<OrgRow>,
    notice: Option<String>,
}

/// `GET /beheer/organisaties` (editors).
pub async fn organisations(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
    RawQuery(raw): RawQuery,
) -> Response {
    if !session.caller.is_editor() {
        return editors_only(&state.site);
    }
    let orgs = match state.store.list_organisations(0, 10_000).await {
        Ok((orgs, _)) => orgs,
        Err(e) => return unavailable(&state.site, e),
    };
    let query = super::pages::query_pairs(raw);
    let notice = match query_value(&query, "gedaan").as_str() {
        "opgeslagen" => Some("De organisatie is opgeslagen.".to_string()),
        "aangemaakt" => Some("De organisatie is aangemaakt.".to_string()),
        _ => None,
    };
    render(
        StatusCode::OK,
        &OrganisationsPage {
            site: &state.site,
            page: meta("Organisaties", &session),
            organisations: orgs
                .into_iter()
                .map(|o| OrgRow {
                    id: o.id,
                    name: o.name,
                    trusted: o.trusted,
                })
                .collect(),
            notice,
        },
    )
}

fn org_form(org: Option<&Organisation>) -> OrgForm {
    match org {
        Some(o) => OrgForm {
            heading: format!("Organisatie: {}", o.name),
            action: format!("/beheer/organisaties/{}", o.id),
            trusted: Some(o.trusted),
            version: o.version,
            values: org_values(o),
            errors: Vec::new(),
            notice: None,
            problem: None,
        },
        None => OrgForm {
            heading: "Nieuwe organisatie".into(),
            action: "/beheer/organisaties/nieuw".into(),
            trusted: Some(false),
            version: 0,
            values: vec![String::new(); 5],
            errors: Vec::new(),
            notice: None,
            problem: None,
        },
    }
}

/// An organisation an editor opens; partners and unknown ids get "not found" alike.
async fn editable_organisation(
    state: &AppState,
    session: &StaffSession,
    raw: &str,
) -> Result<Organisation, Response> {
    if !session.caller.is_editor() {
        return Err(editors_only(&state.site));
    }
    let Some(id) = super::id_of(raw) else {
        return Err(not_found(&state.site));
    };
    match state.store.find_organisation(id).await {
        Ok(o) => Ok(o),
        Err(StoreError::NotFound) => Err(not_found(&state.site)),
        Err(e) => Err(unavailable(&state.site, e)),
    }
}

/// `GET /beheer/organisaties/nieuw` (editors).
pub async fn new_organisation_form(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
) -> Response {
    if !session.caller.is_editor() {
        return editors_only(&state.site);
    }
    organisation_page(&state, &session, StatusCode::OK, org_form(None))
}

/// `GET /beheer/organisaties/{id}` (editors).
pub async fn organisation_form(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
    Path(raw): Path<String>,
) -> Response {
    match editable_organisation(&state, &session, &raw).await {
        Ok(org) => organisation_page(&state, &session, StatusCode::OK, org_form(Some(&org))),
        Err(page) => page,
    }
}

/// The form's fields, checked by the same rule as the API's.
fn read_organisation(
    form: &PortalForm,
    base: OrgForm,
) -> Result<(OrganisationFields, bool), Box<OrgForm>> {
    let values: Vec<String> = super::portal::ORG_FIELDS
        .iter()
        .map(|(n, _)| form.form.get(n))
        .collect();
    let trusted = form.form.get("vertrouwd") == "ja";
    let optional = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
    let again = |errors| OrgForm {
        values: values.clone(),
        trusted: Some(trusted),
        errors,
        ..base
    };
    match OrganisationFields::parse(
        &values[0],
        &values[1],
        &optional(&values[2]),
        &optional(&values[3]),
        &optional(&values[4]),
    ) {
        Ok(fields) => Ok((fields, trusted)),
        Err(errors) => Err(Box::new(again(super::field_messages(errors)))),
    }
}

/// `POST /beheer/organisaties/nieuw` (editors).
pub async fn create_organisation(State(state): State<AppState>, form: PortalForm) -> Response {
    let session = &form.session;
    if !session.caller.is_editor() {
        return editors_only(&state.site);
    }
    let (fields, trusted) = match read_organisation(&form, org_form(None)) {
        Ok(f) => f,
        Err(again) => {
            return organisation_page(&state, session, StatusCode::BAD_REQUEST, *again);
        }
    };
    let actor = (session.caller.user.id, session.caller.user.name.as_str());
    match state
        .store
        .create_organisation(&fields, trusted, actor)
        .await
    {
        Ok(_) => Redirect::to("/beheer/organisaties?gedaan=aangemaakt").into_response(),
        Err(e) => unavailable(&state.site, e),
    }
}

/// `POST /beheer/organisaties/{id}` (editors), against the version the form showed.
pub async fn save_organisation(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: PortalForm,
) -> Response {
    let session = &form.session;
    let org = match editable_organisation(&state, session, &raw).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    let version = form.form.get("versie").parse::<i64>().unwrap_or(-1);
    let base = OrgForm {
        version,
        ..org_form(Some(&org))
    };
    let (fields, trusted) = match read_organisation(&form, base) {
        Ok(f) => f,
        Err(again) => {
            return organisation_page(&state, session, StatusCode::BAD_REQUEST, *again);
        }
    };
    let actor = (session.caller.user.id, session.caller.user.name.as_str());
    match state
        .store
        .update_organisation(org.id, version, &fields, trusted, actor)
        .await
    {
        Ok(seq) => {
            settle(&state, seq).await;
            Redirect::to("/beheer/organisaties?gedaan=opgeslagen").into_response()
        }
        Err(StoreError::VersionMismatch) => {
            let mut again = org_form(Some(&org));
            again.problem = Some("Iemand anders heeft de gegevens intussen veranderd. Er is niets overschreven. Hieronder staat wat nu is opgeslagen; voer uw wijziging nog eens in.".into());
            organisation_page(&state, session, StatusCode::CONFLICT, again)
        }
        Err(e) => unavailable(&state.site, e),
    }
}

// ---------------------------------------------------------------------------------------------
// Accounts and roles (editors)

struct UserRow {
    id: i64,
    name: String,
    email: String,
    role: &'static str,
    organisation: Option<String>,
    active: bool,
}

/// Roles in words, in the order forms offer them.
const ROLE_LABELS: [(Role, &str); 4] = [
    (Role::Partner, "Partner (medewerker van een organisatie)"),
    (Role::Medewerker, "Medewerker (verwijst inwoners door)"),
    (Role::Redacteur, "Redacteur"),
    (Role::Admin, "Beheerder"),
];

fn role_label(role: Role) -> &'static str {
    ROLE_LABELS
        .iter()
        .find(|(r, _)| *r == role)
        .map_or("", |(_, l)| l)
}

/// The roles `session` may hand out: only admins make admins.
fn role_choices(session: &StaffSession) -> Vec<Choice> {
    ROLE_LABELS
        .iter()
        .filter(|(r, _)| *r != Role::Admin || session.caller.role() == Role::Admin)
        .map(|(r, l)| Choice {
            key: r.as_str().to_string(),
            label: l.to_string(),
        })
        .collect()
}

async fn organisation_choices(state: &AppState) -> Result<Vec<Choice>, StoreError> {
    let (orgs, _) = state.store.list_organisations(0, 10_000).await?;
    Ok(orgs
        .into_iter()
        .map(|o| Choice {
            key: o.id.to_string(),
            label: o.name,
        })
        .collect())
}

/// What an account form shows: typed values and errors per field.
#[derive(Default, Clone)]
struct AccountValues {
    email: String,
    name: String,
    role: String,
    organisation: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "portal_users.html")]
struct UsersPage<'a> {
    site: &'a Site,
    page: PageMeta,
    csrf: String,
    users: Vec<UserRow>,
    roles: Vec<Choice>,
    organisations: Vec<Choice>,
    values: AccountValues,
    errors: Vec<(String, String)>,
    notice: Option<String>,
}

impl UsersPage<'_> {
    fn errors_for(&self, field: &str) -> Vec<&str> {
        super::errors_for(&self.errors, field)
    }
}

async fn users_page(
    state: &AppState,
    session: &StaffSession,
    status: StatusCode,
    (values, errors, notice): (AccountValues, Vec<(String, String)>, Option<String>),
) -> Response {
    let (users, organisations) = match (
        state.store.list_users(0, 10_000).await,
        organisation_choices(state).await,
    ) {
        (Ok((users, _)), Ok(orgs)) => (users, orgs),
        (Err(e), _) | (_, Err(e)) => return unavailable(&state.site, e),
    };
    let org_name = |id: Option<i64>| {
        id.and_then(|id| {
            organisations
                .iter()
                .find(|o| o.key == id.to_string())
                .map(|o| o.label.clone())
        })
    };
    let rows = users
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            organisation: org_name(u.organisation_id),
            name: u.name,
            email: u.email,
            role: role_label(u.role),
            active: u.active,
        })
        .collect();
    let title = if errors.is_empty() {
        "Accounts"
    } else {
        "Fout: Accounts"
    };
    render(
        status,
        &UsersPage {
            site: &state.site,
            page: meta(title, session),
            csrf: session.csrf.clone(),
            users: rows,
            roles: role_choices(session),
            organisations,
            values,
            errors,
            notice,
        },
    )
}

/// `GET /beheer/gebruikers` (editors): every account, and a form to invite one.
pub async fn users(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
    RawQuery(raw): RawQuery,
) -> Response {
    if !session.caller.is_editor() {
        return editors_only(&state.site);
    }
    let query = super::pages::query_pairs(raw);
    let notice = match query_value(&query, "gedaan").as_str() {
        "uitgenodigd" => Some(
            "Het account is aangemaakt. De nieuwe gebruiker krijgt een e-mail om een wachtwoord te kiezen."
                .to_string(),
        ),
        "opgeslagen" => Some("Het account is opgeslagen.".to_string()),
        _ => None,
    };
    let values = AccountValues {
        role: Role::Partner.as_str().into(),
        ..Default::default()
    };
    users_page(
        &state,
        &session,
        StatusCode::OK,
        (values, Vec::new(), notice),
    )
    .await
}

fn account_refused(site: &Site, e: AccountError) -> Response {
    match e {
        AccountError::NotFound => not_found(site),
        AccountError::Forbidden => message(
            site,
            StatusCode::FORBIDDEN,
            "Geen toegang",
            "Alleen een beheerder mag accounts van beheerders maken of veranderen.",
        ),
        AccountError::StaleVersion => message(
            site,
            StatusCode::CONFLICT,
            "Iemand anders was u voor",
            "Het account is intussen veranderd. Er is niets overschreven. Open de pagina opnieuw en probeer het nog eens.",
        ),
        AccountError::Invalid(_) | AccountError::Login(_) | AccountError::Store(_) => {
            unavailable(site, e)
        }
    }
}

/// `POST /beheer/gebruikers` (editors): invite someone; they get a mail to choose a password.
pub async fn invite_user(State(state): State<AppState>, form: PortalForm) -> Response {
    let session = &form.session;
    let values = AccountValues {
        email: form.form.get("email"),
        name: form.form.get("naam"),
        role: form.form.get("rol"),
        organisation: form.form.get("organisatieId"),
        active: true,
    };
    let new = NewAccount {
        email: values.email.clone(),
        name: values.name.clone(),
        role: values.role.clone(),
        organisation_id: (values.role == Role::Partner.as_str())
            .then(|| values.organisation.parse::<i64>().ok())
            .flatten(),
        password: None,
    };
    match account_admin::create(&state.store, &state.auth, &session.caller, new).await {
        Ok(_) => Redirect::to("/beheer/gebruikers?gedaan=uitgenodigd").into_response(),
        Err(AccountError::Invalid(errors)) => {
            users_page(
                &state,
                session,
                StatusCode::BAD_REQUEST,
                (values, super::field_messages(errors), None),
            )
            .await
        }
        Err(e) => account_refused(&state.site, e),
    }
}

#[derive(Template)]
#[template(path = "portal_user.html")]
struct UserPage<'a> {
    site: &'a Site,
    page: PageMeta,
    csrf: String,
    id: i64,
    email: String,
    version: i64,
    roles: Vec<Choice>,
    organisations: Vec<Choice>,
    values: AccountValues,
    errors: Vec<(String, String)>,
}

impl UserPage<'_> {
    fn errors_for(&self, field: &str) -> Vec<&str> {
        super::errors_for(&self.errors, field)
    }
}

/// An account an editor may manage; others (and one's own, which has its own page) answer
/// as if it did not exist or was not allowed.
async fn manageable_user(
    state: &AppState,
    session: &StaffSession,
    raw: &str,
) -> Result<User, Response> {
    if !session.caller.is_editor() {
        return Err(editors_only(&state.site));
    }
    let Some(id) = super::id_of(raw) else {
        return Err(not_found(&state.site));
    };
    let user = account_admin::visible(&state.store, &session.caller, id)
        .await
        .map_err(|e| account_refused(&state.site, e))?;
    if !account_admin::may_manage(&session.caller, &user) {
        return Err(account_refused(&state.site, AccountError::Forbidden));
    }
    Ok(user)
}

async fn user_page(
    state: &AppState,
    session: &StaffSession,
    status: StatusCode,
    user: &User,
    (values, errors): (AccountValues, Vec<(String, String)>),
) -> Response {
    let organisations = match organisation_choices(state).await {
        Ok(o) => o,
        Err(e) => return unavailable(&state.site, e),
    };
    let title = if errors.is_empty() {
        format!("Account: {}", user.name)
    } else {
        format!("Fout: Account: {}", user.name)
    };
    render(
        status,
        &UserPage {
            site: &state.site,
            page: meta(&title, session),
            csrf: session.csrf.clone(),
            id: user.id,
            email: user.email.clone(),
            version: user.version,
            roles: role_choices(session),
            organisations,
            values,
            errors,
        },
    )
}

fn values_of(user: &User) -> AccountValues {
    AccountValues {
        email: user.email.clone(),
        name: user.name.clone(),
        role: user.role.as_str().to_string(),
        organisation: user
            .organisation_id
            .map(|o| o.to_string())
            .unwrap_or_default(),
        active: user.active,
    }
}

/// `GET /beheer/gebruikers/{id}` (editors).
pub async fn user_form(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
    Path(raw): Path<String>,
) -> Response {
    match manageable_user(&state, &session, &raw).await {
        Ok(user) => {
            let values = values_of(&user);
            user_page(
                &state,
                &session,
                StatusCode::OK,
                &user,
                (values, Vec::new()),
            )
            .await
        }
        Err(page) => page,
    }
}

/// `POST /beheer/gebruikers/{id}` (editors): name, role, organisation and whether the
/// account may log in. A change of role or a disabled account ends its sessions.
pub async fn save_user(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: PortalForm,
) -> Response {
    let session = &form.session;
    let user = match manageable_user(&state, session, &raw).await {
        Ok(u) => u,
        Err(page) => return page,
    };
    let values = AccountValues {
        email: user.email.clone(),
        name: form.form.get("naam"),
        role: form.form.get("rol"),
        organisation: form.form.get("organisatieId"),
        active: form.form.get("actief") == "ja",
    };
    let version = form.form.get("versie").parse::<i64>().unwrap_or(-1);
    let patch = AccountPatch {
        name: Some(values.name.clone()),
        role: Some(values.role.clone()),
        organisation_id: (values.role == Role::Partner.as_str())
            .then(|| values.organisation.parse::<i64>().ok())
            .flatten(),
        active: Some(values.active),
        ..Default::default()
    };
    match account_admin::update(
        &state.store,
        &state.auth,
        &session.caller,
        None,
        (user.id, version),
        patch,
    )
    .await
    {
        Ok(_) => Redirect::to("/beheer/gebruikers?gedaan=opgeslagen").into_response(),
        Err(AccountError::Invalid(errors)) => {
            user_page(
                &state,
                session,
                StatusCode::BAD_REQUEST,
                &user,
                (values, super::field_messages(errors)),
            )
            .await
        }
        Err(AccountError::Store(StoreError::LastAdmin)) => {
            let mut e = FieldErrors::new();
            e.add(
                "rol",
                "dit is de laatste actieve beheerder; maak eerst iemand anders beheerder",
            );
            user_page(
                &state,
                session,
                StatusCode::CONFLICT,
                &user,
                (values, super::field_messages(e)),
            )
            .await
        }
        Err(e) => account_refused(&state.site, e),
    }
}

// ---------------------------------------------------------------------------------------------
// The audit log (editors), with filters

struct AuditRow {
    time: String,
    who: String,
    action: String,
    subject: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "portal_audit.html")]
struct AuditPage<'a> {
    site: &'a Site,
    page: PageMeta,
    rows: Vec<AuditRow>,
    actions: Vec<String>,
    /// The filter as typed, by query key.
    values: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    total: i64,
    /// Links to the previous and next page, with the same filter.
    previous: Option<String>,
    next: Option<String>,
}

impl AuditPage<'_> {
    fn value(&self, key: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }
    fn errors_for(&self, field: &str) -> Vec<&str> {
        super::errors_for(&self.errors, field)
    }
}

/// Entries per page of the audit log.
const AUDIT_PAGE: i64 = 50;

/// `GET /beheer/logboek` (editors): who did what and when, newest first; filter by action,
/// account, subject and days.
pub async fn audit_log(
    State(state): State<AppState>,
    PortalSession(session): PortalSession,
    RawQuery(raw): RawQuery,
) -> Response {
    if !session.caller.is_editor() {
        return editors_only(&state.site);
    }
    let query = super::pages::query_pairs(raw);
    let mut filter = AuditFilter::default();
    let mut e = FieldErrors::new();
    let mut values = Vec::new();
    // A form sends its blank fields too: those are no filter.
    for (k, v) in query.iter().filter(|(_, v)| !v.trim().is_empty()) {
        if filter.read(k, v, &mut e) {
            values.push((k.clone(), v.clone()));
        }
    }
    filter.check(&mut e);
    let page = query_value(&query, "pagina")
        .parse::<i64>()
        .ok()
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let errors = super::field_messages(e);
    // A bad filter shows nothing rather than everything.
    let (entries, total) = if errors.is_empty() {
        match state
            .store
            .list_audit(&filter, (page - 1) * AUDIT_PAGE, AUDIT_PAGE)
            .await
        {
            Ok(found) => found,
            Err(e) => return unavailable(&state.site, e),
        }
    } else {
        (Vec::new(), 0)
    };
    let actions = match state.store.audit_actions().await {
        Ok(a) => a,
        Err(e) => return unavailable(&state.site, e),
    };
    let link = |p: i64| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &values {
            s.append_pair(k, v);
        }
        s.append_pair("pagina", &p.to_string());
        format!("/beheer/logboek?{}", s.finish())
    };
    let rows = entries
        .into_iter()
        .map(|a| AuditRow {
            time: chrono::DateTime::parse_from_rfc3339(&a.created_at)
                .map(|t| views::moment(&t.with_timezone(&chrono::Utc)))
                .unwrap_or(a.created_at),
            who: match a.user_id {
                Some(id) if !a.user_name.is_empty() => format!("{} (account {id})", a.user_name),
                Some(id) => format!("account {id}"),
                None if a.user_name.is_empty() => "onbekend".into(),
                None => a.user_name,
            },
            action: a.action,
            subject: a.subject,
            detail: a.detail,
        })
        .collect();
    let previous = (page > 1).then(|| link(page - 1));
    let next = (page * AUDIT_PAGE < total).then(|| link(page + 1));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = if errors.is_empty() {
        "Logboek"
    } else {
        "Fout: Logboek"
    };
    render(
        status,
        &AuditPage {
            site: &state.site,
            page: meta(title, &session),
            rows,
            actions,
            values,
            errors,
            total,
            previous,
            next,
        },
    )
}
