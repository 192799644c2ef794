//! The HTTP API under `/api/v1`: routes and the OpenAPI document come from one list, so they
//! cannot drift apart. Handlers are thin; a search runs behind a permit, on the request's
//! worker.

pub mod aanbod;
pub mod beheer;
pub mod content;
pub mod dto;
pub mod extract;
pub mod health;
pub mod hsds;
pub mod json;
pub mod organisaties;
pub mod sessies;
pub mod suggesties;
pub mod taxonomie;
pub mod verwijslijsten;
pub mod wijzigingen;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use tokio::sync::Semaphore;
use utoipa::OpenApi;
use utoipa::openapi::{self as oa, RefOr};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::index::SearchIndex;
use crate::search::{SearchOutcome, SearchRequest};
use crate::store::Store;

/// The full version of the API contract, sent as `API-Version` on every response.
pub const API_VERSION: &str = "1.0.0";

/// How long a search waits for a free search permit before answering 503.
const PERMIT_WAIT: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub index: Arc<SearchIndex>,
    /// Bounds concurrent searches to what the CPUs can do; excess load waits briefly, then
    /// gets 503 + Retry-After instead of piling up.
    pub search_permits: Arc<Semaphore>,
    /// Wakes the indexer after a write in this process.
    pub index_waker: Arc<tokio::sync::Notify>,
    pub metrics: Arc<crate::metrics::Metrics>,
    pub auth: Arc<crate::auth::Auth>,
    /// How long a save waits for the local index before answering 202.
    pub write_wait: Duration,
    /// The website's settings and per-node state.
    pub site: Arc<crate::web::Site>,
    /// This node's counts of searches done in vain, not yet in the database.
    pub insights: Arc<crate::insights::SearchInsights>,
    /// Searches running right now on a tokio worker itself (see `on_search_thread`).
    pub inline_searches: Arc<std::sync::atomic::AtomicUsize>,
    /// How many may (`--inline-searches`); `None`: one fewer than the workers.
    pub inline_limit: Option<usize>,
    /// Asks for the sentence vector of a query, when search by meaning is on.
    pub meaning: Option<Arc<crate::meaning::client::EmbeddingClient>>,
}

impl AppState {
    pub async fn search(&self, mut req: SearchRequest) -> Result<SearchOutcome, ApiError> {
        self.metrics
            .searches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Some(client) = &self.meaning
            && crate::search::wants_meaning(&req)
        {
            // Slow or down: the search goes on with words alone.
            match client.query(&req.text).await {
                Ok(vector) => req.meaning = Some(vector),
                Err(e) => {
                    self.metrics
                        .meaning_failures
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    tracing::warn!(error = %e, "zoeken op betekenis overgeslagen");
                }
            }
        }
        // Counted once per search, not per page turned.
        let counted = (req.page == 1 && !req.text.trim().is_empty()).then(|| req.text.clone());
        let outcome = self
            .on_search_thread(move |index| crate::search::search(index, &req))
            .await?;
        if let Some(text) = counted {
            if outcome.total == 0 {
                self.insights
                    .record(&text, crate::insights::Outcome::NoResults);
            } else if outcome.relaxed {
                self.insights
                    .record(&text, crate::insights::Outcome::Partial);
            }
        }
        Ok(outcome)
    }

    pub async fn suggest(
        &self,
        text: String,
    ) -> Result<crate::search::suggest::Suggestions, ApiError> {
        self.on_search_thread(move |index| crate::search::suggest::suggest(index, &text, 5))
            .await
    }

    /// Runs index work where blocking is allowed, holding a search permit.
    async fn on_search_thread<T: Send + 'static>(
        &self,
        work: impl FnOnce(&SearchIndex) -> Result<T, crate::search::SearchError> + Send + 'static,
    ) -> Result<T, ApiError> {
        if self.index.applied_seq().is_none() {
            return Err(ApiError::Unavailable("index wordt opgebouwd".into()));
        }
        let permit = tokio::time::timeout(PERMIT_WAIT, self.search_permits.clone().acquire_owned())
            .await
            .map_err(|_| ApiError::Unavailable("zoeken druk".into()))?
            .map_err(|_| ApiError::Unavailable("afsluiten".into()))?;
        let index = self.index.clone();
        let run = move || {
            let _permit = permit;
            work(&index)
        };
        let runtime = tokio::runtime::Handle::current();
        let multi_thread = runtime.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread;
        let out = if multi_thread {
            // A search takes a millisecond or two: it runs on this worker. While every other
            // worker is free, it simply runs here: the others keep serving the connections.
            // Beyond that, `block_in_place` first hands this worker's other tasks to a fresh
            // thread, so that no request waits behind a search; that hand-off is a thread
            // wake-up per request, which the common case (a free worker) now saves.
            let limit = self
                .inline_limit
                .unwrap_or_else(|| runtime.metrics().num_workers().saturating_sub(1));
            let inline = InlineSlot::take(&self.inline_searches, limit);
            if inline.is_some() {
                run()?
            } else {
                tokio::task::block_in_place(run)?
            }
        } else {
            tokio::task::spawn_blocking(run)
                .await
                .map_err(|e| ApiError::Internal(e.into()))??
        };
        Ok(out)
    }
}

/// A place among the searches allowed to run on a tokio worker directly; given back on drop
/// (also when the search panics).
struct InlineSlot<'a>(&'a std::sync::atomic::AtomicUsize);

impl<'a> InlineSlot<'a> {
    /// A slot when fewer than `limit` searches run inline now.
    fn take(running: &'a std::sync::atomic::AtomicUsize, limit: usize) -> Option<Self> {
        use std::sync::atomic::Ordering;
        running
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .ok()
            .map(|_| InlineSlot(running))
    }
}

impl Drop for InlineSlot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Wegwijzer API",
        version = "1.0.0",
        description = "Zoeken in de sociale kaart: voorzieningen, initiatieven en vrijwilligersvacatures.\n\nHet openbare aanbod is ook te lezen als Open Referral HSDS 3.0 onder /api/v1/hsds/. Die API gebruikt de Engelse namen van de standaard (snake_case), zodat software voor HSDS ongewijzigd werkt; de API Design Rules staan die namen niet toe. Daarom heeft die API een eigen OpenAPI-document: /api/v1/hsds/openapi.json.",
        contact(name = "Wegwijzer", email = "wegwijzer@voorbeeld.example", url = "https://wegwijzer.voorbeeld.example"),
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    servers((url = "/api/v1", description = "This server")),
    tags(
        (name = "aanbod", description = "Search and read the offer"),
        (name = "organisaties", description = "Organisations"),
        (name = "taxonomie", description = "Themes, wijken, age groups, talents, languages and accessibility features"),
        (name = "sessies", description = "Log in and out"),
        (name = "verwijslijsten", description = "Referral lists for staff, and shared lists"),
        (name = "beheer", description = "Partners and editors: items, review, organisations, accounts; and operations"),
    ),
    components(schemas(crate::error::Problem)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// Declares the bearer-token scheme that `/sessies` hands out.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut oa::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            oa::security::SecurityScheme::Http(
                oa::security::HttpBuilder::new()
                    .scheme(oa::security::HttpAuthScheme::Bearer)
                    .description(Some(
                        "Opaque token from POST /sessies. Ends after 30 minutes without use and 12 hours after login.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The `/api/v1` routes (relative) and their OpenAPI document.
pub fn routes() -> (Router<AppState>, oa::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(aanbod::list_aanbod))
        .routes(routes!(aanbod::get_aanbod))
        .routes(routes!(wijzigingen::list_wijzigingen))
        .routes(routes!(suggesties::list_suggesties))
        .routes(routes!(organisaties::list_organisaties))
        .routes(routes!(organisaties::get_organisatie))
        .routes(routes!(taxonomie::list_themas))
        .routes(routes!(taxonomie::list_talen))
        .routes(routes!(taxonomie::list_toegankelijkheid))
        .routes(routes!(taxonomie::list_wijken))
        .routes(routes!(taxonomie::list_leeftijdsgroepen))
        .routes(routes!(taxonomie::list_talenten))
        .routes(routes!(health::get_health))
        .routes(routes!(sessies::create_sessie))
        .routes(routes!(
            sessies::get_huidige_sessie,
            sessies::delete_huidige_sessie
        ))
        .routes(routes!(
            beheer::aanbod::list::list_beheer_aanbod,
            beheer::aanbod::create::create_beheer_aanbod
        ))
        .routes(routes!(
            beheer::aanbod::get::get_beheer_aanbod,
            beheer::aanbod::update::update_beheer_aanbod
        ))
        .routes(routes!(beheer::aanbod::submit::create_indiening))
        .routes(routes!(beheer::aanbod::review::create_beoordeling))
        .routes(routes!(beheer::aanbod::archive::create_archivering))
        .routes(routes!(beheer::aanbod::confirm::create_controle))
        .routes(routes!(beheer::aanbod::revisions::list_revisies))
        .routes(routes!(beheer::aanbod::queue::list_beoordelingen))
        .routes(routes!(
            beheer::organisaties::list_beheer_organisaties,
            beheer::organisaties::create_beheer_organisatie
        ))
        .routes(routes!(
            beheer::organisaties::get_beheer_organisatie,
            beheer::organisaties::update_beheer_organisatie
        ))
        .routes(routes!(
            beheer::gebruikers::list_gebruikers,
            beheer::gebruikers::create_gebruiker
        ))
        .routes(routes!(
            beheer::gebruikers::get_gebruiker,
            beheer::gebruikers::update_gebruiker
        ))
        .routes(routes!(beheer::gebruikers::list_audit_log))
        .routes(routes!(
            beheer::termen::list_termen,
            beheer::termen::create_term
        ))
        .routes(routes!(beheer::termen::update_term))
        .routes(routes!(beheer::meldingen::list_meldingen))
        .routes(routes!(beheer::meldingen::update_melding))
        .routes(routes!(
            beheer::zoektaal::list_synoniemen,
            beheer::zoektaal::create_synoniemen
        ))
        .routes(routes!(
            beheer::zoektaal::get_synoniemen,
            beheer::zoektaal::update_synoniemen,
            beheer::zoektaal::delete_synoniemen
        ))
        .routes(routes!(beheer::zoektaal::list_synoniemen_revisies))
        .routes(routes!(
            beheer::zoektaal::list_situaties,
            beheer::zoektaal::create_situaties
        ))
        .routes(routes!(
            beheer::zoektaal::get_situaties,
            beheer::zoektaal::update_situaties,
            beheer::zoektaal::delete_situaties
        ))
        .routes(routes!(beheer::zoektaal::list_situaties_revisies))
        .routes(routes!(beheer::zoekinzichten::list_zoekinzichten))
        .routes(routes!(beheer::imports::create_import))
        .routes(routes!(
            verwijslijsten::list_verwijslijsten,
            verwijslijsten::create_verwijslijst
        ))
        .routes(routes!(
            verwijslijsten::get_verwijslijst,
            verwijslijsten::update_verwijslijst,
            verwijslijsten::delete_verwijslijst
        ))
        .routes(routes!(
            verwijslijsten::put_verwijslijst_aanbod,
            verwijslijsten::delete_verwijslijst_aanbod
        ))
        .routes(routes!(verwijslijsten::create_deellink))
        .routes(routes!(verwijslijsten::delete_deellink))
        .routes(routes!(verwijslijsten::get_gedeelde_verwijslijst))
        .split_for_parts();
    add_openapi_path(&mut doc);
    add_parameter_rules(&mut doc);
    add_body_rules(&mut doc);
    add_create_organisation_field(&mut doc);
    drop_empty_defaults_of_required_text(&mut doc);
    add_problem_responses(&mut doc);
    add_version_headers(&mut doc);
    add_etag_headers(&mut doc);
    (router, doc)
}

/// The OpenAPI document as served and committed.
pub fn openapi() -> oa::OpenApi {
    routes().1
}

/// Documents `/openapi.json` itself (served outside the utoipa router).
/// What the code that checks a parameter accepts, written into the document so clients and
/// contract testers see the same rules: ranges, the allowed values of enumerations (from the
/// same `ALL` lists the parsers use) and lengths.
enum ParameterRule {
    Range(Option<f64>, Option<f64>),
    /// Greater than the first, at most the second.
    AboveUpTo(f64, f64),
    OneOf(Vec<&'static str>),
    Length(usize, usize),
}

fn parameter_rule(path: &str, name: &str) -> Option<ParameterRule> {
    use crate::domain::{Cost, Kind, Status, TimeCommitment, report::ReportStatus};
    use ParameterRule::*;
    let names = |all: Vec<&'static str>| OneOf(all);
    Some(match name {
        "page" => Range(
            Some(1.0),
            Some(f64::from(crate::search::request::MAX_RESULT_WINDOW)),
        ),
        "id" | "aanbodId" | "organisatie" => Range(Some(1.0), None),
        "soort" => names(Kind::ALL.iter().map(|k| k.as_str()).collect()),
        "kosten" => names(Cost::ALL.iter().map(|k| k.as_str()).collect()),
        "tijdsbesteding" => names(TimeCommitment::ALL.iter().map(|k| k.as_str()).collect()),
        "sorteer" => names(
            crate::search::request::SORTS
                .iter()
                .map(|(n, _)| *n)
                .collect(),
        ),
        "status" if path.starts_with("/beheer/meldingen") => {
            names(ReportStatus::ALL.iter().map(|k| k.as_str()).collect())
        }
        "status" if path.starts_with("/beheer/aanbod") => {
            names(Status::ALL.iter().map(|k| k.as_str()).collect())
        }
        "q" if path == "/suggesties" => Length(1, suggesties::MAX_CHARS),
        "q" if path == "/aanbod" => Length(0, crate::search::request::MAX_QUERY_CHARS),
        "straal" => AboveUpTo(0.0, crate::search::request::MAX_RADIUS_KM),
        "breedtegraad" => Range(Some(-90.0), Some(90.0)),
        "lengtegraad" => Range(Some(-180.0), Some(180.0)),
        _ => return None,
    })
}

fn number(v: f64) -> utoipa::Number {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        utoipa::Number::Int(v as isize)
    } else {
        utoipa::Number::Float(v)
    }
}

fn apply_rule(schema: &mut oa::Schema, rule: &ParameterRule) {
    match schema {
        oa::Schema::Array(array) => {
            if let oa::schema::ArrayItems::RefOrSchema(items) = &mut array.items
                && let RefOr::T(item) = items.as_mut()
            {
                apply_rule(item, rule);
            }
        }
        oa::Schema::Object(o) => match rule {
            ParameterRule::Range(min, max) => {
                if let Some(min) = min {
                    o.minimum = Some(number(*min));
                }
                if let Some(max) = max {
                    o.maximum = Some(number(*max));
                }
            }
            ParameterRule::AboveUpTo(above, max) => {
                o.minimum = None;
                o.exclusive_minimum = Some(number(*above));
                o.maximum = Some(number(*max));
            }
            ParameterRule::OneOf(values) => {
                o.enum_values = Some(values.iter().map(|v| serde_json::json!(v)).collect());
            }
            ParameterRule::Length(min, max) => {
                o.min_length = Some(*min);
                o.max_length = Some(*max);
            }
        },
        _ => {}
    }
}

/// Every operation of the document with its path.
fn operations_mut(
    doc: &mut oa::OpenApi,
) -> impl Iterator<Item = (&String, &mut oa::path::Operation)> {
    doc.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        .map(move |op| (path, op))
    })
}

fn add_parameter_rules(doc: &mut oa::OpenApi) {
    for (path, op) in operations_mut(doc) {
        for param in op.parameters.iter_mut().flatten() {
            let RefOr::T(param) = param else {
                continue;
            };
            let Some(rule) = parameter_rule(path, &param.name) else {
                continue;
            };
            if let Some(RefOr::T(schema)) = param.schema.as_mut() {
                apply_rule(schema, &rule);
            }
            if param.name == "pageSize"
                && let Some(RefOr::T(oa::Schema::Object(o))) = param.schema.as_mut()
            {
                o.minimum = Some(utoipa::Number::Int(1));
            }
        }
    }
}

/// What the validating code accepts in request bodies, per (schema, property): lengths from
/// the same `TextLimit` constants the checks use, allowed values from the enums' `ALL` lists,
/// ranges from the same bounds.
fn body_rules() -> Vec<(&'static str, &'static str, ParameterRule)> {
    use crate::domain::content::{self as c, TextLimit};
    use crate::domain::{Cost, Kind, Role, TimeCommitment, report::ReportStatus, user};
    use ParameterRule::*;
    let text = |l: TextLimit| Length(l.min, l.max);
    let age = || Range(Some(0.0), Some(f64::from(crate::domain::listing::MAX_AGE)));
    let kinds = || OneOf(Kind::ALL.iter().map(|k| k.as_str()).collect());
    let roles = || OneOf(Role::ALL.iter().map(|r| r.as_str()).collect());
    let password = || Length(user::MIN_PASSWORD_CHARS, user::MAX_PASSWORD_CHARS);
    vec![
        ("ListingContent", "soort", kinds()),
        (
            "ListingContent",
            "kosten",
            OneOf(Cost::ALL.iter().map(|k| k.as_str()).collect()),
        ),
        ("ListingContent", "titel", text(c::TITLE)),
        ("ListingContent", "samenvatting", text(c::SUMMARY)),
        ("ListingContent", "beschrijving", text(c::DESCRIPTION)),
        ("ListingContent", "tijden", text(c::SCHEDULE)),
        ("ListingContent", "minLeeftijd", age()),
        ("ListingContent", "maxLeeftijd", age()),
        (
            "VacancyContent",
            "tijdsbesteding",
            OneOf(TimeCommitment::ALL.iter().map(|k| k.as_str()).collect()),
        ),
        (
            "VacancyContent",
            "urenPerWeek",
            Range(Some(0.0), Some(c::MAX_HOURS_PER_WEEK)),
        ),
        ("Referral", "toelichting", text(c::REFERRAL_NOTES)),
        ("Location", "adres", text(c::ADDRESS_PART)),
        ("Location", "plaats", text(c::ADDRESS_PART)),
        ("Location", "breedtegraad", Range(Some(-90.0), Some(90.0))),
        ("Location", "lengtegraad", Range(Some(-180.0), Some(180.0))),
        ("OrganisationInput", "naam", text(c::ORGANISATION_NAME)),
        (
            "OrganisationInput",
            "beschrijving",
            text(c::ORGANISATION_DESCRIPTION),
        ),
        ("NewUserRequest", "naam", text(c::USER_NAME)),
        ("NewUserRequest", "rol", roles()),
        ("NewUserRequest", "wachtwoord", password()),
        ("UserPatch", "naam", text(c::USER_NAME)),
        ("UserPatch", "rol", roles()),
        ("UserPatch", "wachtwoord", password()),
        (
            "ReportPatch",
            "status",
            OneOf(vec![ReportStatus::Handled.as_str()]),
        ),
        ("TermUpdateRequest", "label", text(c::TERM_LABEL)),
        (
            "ReviewRequest",
            "besluit",
            OneOf(vec!["goedkeuren", "terugsturen"]),
        ),
        ("ReferralListPatch", "volgorde", Range(Some(1.0), None)),
    ]
}

fn add_body_rules(doc: &mut oa::OpenApi) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for (schema, property, rule) in body_rules() {
        let Some(RefOr::T(oa::Schema::Object(o))) = components.schemas.get_mut(schema) else {
            panic!("body rule for a schema the document lacks: {schema}");
        };
        let Some(RefOr::T(target)) = o.properties.get_mut(property) else {
            panic!("body rule for a property the document lacks: {schema}.{property}");
        };
        apply_rule(target, &rule);
        // A field that may be null keeps null among its allowed values.
        if let oa::Schema::Object(p) = target
            && let Some(values) = p.enum_values.as_mut()
            && matches!(&p.schema_type, oa::schema::SchemaType::Array(types) if types.contains(&oa::schema::Type::Null))
        {
            values.push(serde_json::Value::Null);
        }
    }
}

/// Bodies read with `#[serde(default)]` (so each wrong field can be named) would advertise an
/// empty default for text that must not be empty or must be one of a list; such a default is
/// not one.
fn drop_empty_defaults_of_required_text(doc: &mut oa::OpenApi) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for schema in components.schemas.values_mut() {
        let RefOr::T(oa::Schema::Object(o)) = schema else {
            continue;
        };
        for property in o.properties.values_mut() {
            if let RefOr::T(oa::Schema::Object(p)) = property
                && (p.min_length.is_some_and(|m| m > 0) || p.enum_values.is_some())
                && p.default == Some(serde_json::json!(""))
            {
                p.default = None;
            }
        }
    }
}

/// The create body is the content plus `organisatieId`, which editors must send and partners
/// may not (their own organisation is implied): one content type, one extra field.
fn add_create_organisation_field(doc: &mut oa::OpenApi) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let Some(RefOr::T(oa::Schema::Object(content))) =
        components.schemas.get("ListingContent").cloned()
    else {
        return;
    };
    let mut create = content;
    create.description =
        Some("A new item: the content, and for editors the organisation it belongs to.".into());
    create.properties.insert(
        "organisatieId".into(),
        RefOr::T(oa::Schema::Object(
            oa::ObjectBuilder::new()
                .schema_type(oa::schema::Type::Integer)
                .format(Some(oa::SchemaFormat::KnownFormat(oa::KnownFormat::Int64)))
                .minimum(Some(1))
                .description(Some(
                    "Editors: the organisation of the item (required). Partners may not send it.",
                ))
                .build(),
        )),
    );
    components.schemas.insert(
        "NewListingContent".into(),
        RefOr::T(oa::Schema::Object(create)),
    );
    if let Some(op) = doc
        .paths
        .paths
        .get_mut("/beheer/aanbod")
        .and_then(|item| item.post.as_mut())
        && let Some(RefOr::T(body)) = op.request_body.as_mut()
    {
        for content in body.content.values_mut() {
            let RefOr::T(content) = content else {
                continue;
            };
            content.schema = Some(RefOr::Ref(oa::Ref::from_schema_name("NewListingContent")));
        }
    }
}

fn add_openapi_path(doc: &mut oa::OpenApi) {
    let op = oa::path::OperationBuilder::new()
        .operation_id(Some("get_openapi"))
        .summary(Some("This OpenAPI document"))
        .tag("beheer")
        .response(
            "200",
            oa::ResponseBuilder::new()
                .description("OpenAPI 3 document")
                .content("application/json", oa::ContentBuilder::new().build())
                .build(),
        )
        .build();
    doc.paths.paths.insert(
        "/openapi.json".into(),
        oa::path::PathItem::new(oa::HttpMethod::Get, op),
    );
}

/// Declares `ETag` on the 2xx answers that carry one: single items, organisations and
/// accounts under `/beheer`, and every change to them.
fn add_etag_headers(doc: &mut oa::OpenApi) {
    let header = oa::HeaderBuilder::new()
        .schema(Some(
            oa::ObjectBuilder::new().schema_type(oa::schema::Type::String),
        ))
        .description(Some(
            "The version, e.g. \"7\"; send it back as If-Match when changing the resource",
        ))
        .build();
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/beheer/") || path.ends_with("/revisies") {
            continue;
        }
        let single = path.ends_with('}');
        let ops = [
            (single, &mut item.get),
            (true, &mut item.put),
            (true, &mut item.post),
            (true, &mut item.patch),
        ];
        for (applies, op) in ops {
            let Some(op) = op.as_mut().filter(|_| applies) else {
                continue;
            };
            for (status, resp) in op.responses.responses.iter_mut() {
                if let (true, RefOr::T(r)) = (status.starts_with('2'), resp) {
                    r.headers.insert("ETag".into(), RefOr::T(header.clone()));
                }
            }
        }
    }
}

/// Declares the `API-Version` header on every 2xx/3xx response (ADR /core/version-header).
fn add_version_headers(doc: &mut oa::OpenApi) {
    let header = oa::HeaderBuilder::new()
        .schema(Some(
            oa::ObjectBuilder::new().schema_type(oa::schema::Type::String),
        ))
        .description(Some("Full version of the API, e.g. 1.0.0"))
        .build();
    for (_, op) in operations_mut(doc) {
        for (status, resp) in op.responses.responses.iter_mut() {
            if let (true, RefOr::T(r)) = (status.starts_with('2') || status.starts_with('3'), resp)
            {
                r.headers
                    .insert("API-Version".into(), RefOr::T(header.clone()));
            }
        }
    }
}

/// Operations without body or parameters that still answer 400: a staff member with the
/// most lists allowed cannot start another.
const REFUSES_WITHOUT_INPUT: &[&str] = &["create_verwijslijst"];

/// Operations refused with 409 when the item or account is not in a state that allows them.
const MAY_CONFLICT: &[&str] = &[
    "create_archivering",
    "create_beoordeling",
    "create_controle",
    "create_indiening",
    "update_gebruiker",
];
/// Operations that count attempts per account and client address.
const THROTTLED: &[&str] = &["create_sessie"];
/// Operations that check credentials without a session.
const CHECKS_CREDENTIALS: &[&str] = &["create_sessie"];
/// Public operations that refuse some roles (`uitleg` is for staff).
const ROLE_CHECKED_PUBLIC: &[&str] = &["list_aanbod"];

/// Adds the problem+json answers of every operation, derived from what the operation takes, so
/// handlers do not repeat them: 400 when it takes input, 401 when it needs or checks a
/// session, 403 for role rules, 404 with a path parameter, 412/428 with `If-Match`, 409 and 429
/// from the tables above, and 503 (busy, index building, database down) everywhere. The texts
/// come from the error code table in `error.rs`.
fn add_problem_responses(doc: &mut oa::OpenApi) {
    let problem = |status: StatusCode| {
        oa::ResponseBuilder::new()
            .description(crate::error::documented(status))
            .content(
                "application/problem+json",
                oa::ContentBuilder::new()
                    .schema(Some(oa::Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build()
    };
    for (path, op) in operations_mut(doc) {
        let id = op.operation_id.clone().unwrap_or_default();
        if id == "get_openapi" {
            continue;
        }
        let params = op.parameters.as_deref().unwrap_or_default();
        let has = |name: &str| {
            params
                .iter()
                .any(|p| matches!(p, RefOr::T(p) if p.name == name))
        };
        let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
        let mut statuses = Vec::new();
        if op.request_body.is_some()
            || !params.is_empty()
            || REFUSES_WITHOUT_INPUT.contains(&id.as_str())
        {
            statuses.push(StatusCode::BAD_REQUEST);
        }
        if secured || CHECKS_CREDENTIALS.contains(&id.as_str()) {
            statuses.push(StatusCode::UNAUTHORIZED);
        }
        if path.starts_with("/beheer/")
            || path.starts_with("/verwijslijsten")
            || ROLE_CHECKED_PUBLIC.contains(&id.as_str())
        {
            statuses.push(StatusCode::FORBIDDEN);
        }
        if path.contains('{') {
            statuses.push(StatusCode::NOT_FOUND);
        }
        if MAY_CONFLICT.contains(&id.as_str()) {
            statuses.push(StatusCode::CONFLICT);
        }
        if has("If-Match") {
            statuses.push(StatusCode::PRECONDITION_FAILED);
            statuses.push(StatusCode::PRECONDITION_REQUIRED);
        }
        if THROTTLED.contains(&id.as_str()) {
            statuses.push(StatusCode::TOO_MANY_REQUESTS);
        }
        statuses.push(StatusCode::SERVICE_UNAVAILABLE);
        for status in statuses {
            op.responses
                .responses
                .entry(status.as_str().to_string())
                .or_insert_with(|| RefOr::T(problem(status)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InlineSlot;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn inline_slots_are_limited_and_given_back() {
        let running = AtomicUsize::new(0);
        let first = InlineSlot::take(&running, 1);
        assert!(first.is_some());
        // The one slot is taken: the next search is handed off.
        assert!(InlineSlot::take(&running, 1).is_none());
        drop(first);
        assert_eq!(running.load(Ordering::Acquire), 0);
        assert!(InlineSlot::take(&running, 1).is_some());
        // 0: every search is handed off.
        assert!(InlineSlot::take(&running, 0).is_none());
    }
}
