//! Page handlers: parse the request, call the same search and store code as the API, render.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::session::StaffSession;
use super::{PageMeta, Site, StaffNav, id_of, json_ld, message, not_found, render, slug, views};
use crate::api::AppState;
use crate::domain::listing::today;
use crate::domain::{Kind, Listing, Taxonomy, TimeCommitment};
use crate::error::ApiError;
use crate::search::{FacetCount, Hit, SearchOutcome, SearchRequest};

/// The URL of an item's page.
pub fn item_url(id: i64, title: &str) -> String {
    format!("/aanbod/{id}-{}", slug(title))
}

pub fn organisation_url(id: i64, name: &str) -> String {
    format!("/organisaties/{id}-{}", slug(name))
}

/// Query pairs of a page request. Empty values (an empty postcode field) count as absent, so a
/// form submitted as is never fails.
pub(super) fn query_pairs(raw: Option<String>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
}

fn query_string(pairs: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn search_url(pairs: &[(String, String)]) -> String {
    let q = query_string(pairs);
    if q.is_empty() {
        "/zoeken".into()
    } else {
        format!("/zoeken?{q}")
    }
}

fn unavailable(site: &Site, e: ApiError) -> Response {
    tracing::warn!(error = %e, "pagina: zoeken niet beschikbaar");
    message(
        site,
        StatusCode::SERVICE_UNAVAILABLE,
        "Even niet beschikbaar",
        "Zoeken lukt nu even niet. Probeer het over een paar minuten opnieuw.",
    )
}

// ---------------------------------------------------------------------------------------------
// Home

pub struct Tile {
    pub value: String,
    pub label: String,
    pub count: u64,
}

fn tiles(counts: &[FacetCount]) -> Vec<Tile> {
    counts
        .iter()
        .map(|f| Tile {
            value: f.key.clone(),
            label: f.label.clone(),
            count: f.count,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    site: &'a Site,
    page: PageMeta,
    themes: Vec<Tile>,
}

pub async fn home(State(state): State<AppState>, session: Option<StaffSession>) -> Response {
    let site = &state.site;
    let outcome = match state.search(browse(&[])).await {
        Ok(o) => o,
        Err(e) => return unavailable(site, e),
    };
    let page = PageMeta {
        title: "Hulp, activiteiten en vrijwilligerswerk".into(),
        description: format!(
            "Vind hulp, activiteiten en vrijwilligerswerk in {}. Zoek in uw eigen woorden.",
            site.municipality
        ),
        canonical: Some(format!("{}/", site.public_url)),
        noindex: false,
        json_ld: Some(json_ld(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": site.name,
            "url": format!("{}/", site.public_url),
            "potentialAction": {
                "@type": "SearchAction",
                "target": format!("{}/zoeken?q={{q}}", site.public_url),
                "query-input": "required name=q",
            }
        }))),
        staff: StaffNav::load(&state, session.as_ref()).await,
    };
    render(
        StatusCode::OK,
        &HomePage {
            site,
            page,
            themes: tiles(&outcome.facets.theme),
        },
    )
}

/// A browse request (no text) for these kinds, one result: for facet counts only.
fn browse(kinds: &[Kind]) -> SearchRequest {
    SearchRequest {
        page: 1,
        page_size: 1,
        kinds: kinds.to_vec(),
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Results

pub struct FacetOption {
    pub id: String,
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
}

pub struct FacetGroup {
    pub param: &'static str,
    pub legend: &'static str,
    pub help: Option<&'static str>,
    pub more_label: &'static str,
    /// Shown at once; the rest sit behind "Meer …".
    pub shown: Vec<FacetOption>,
    pub more: Vec<FacetOption>,
}

pub struct ActiveFilter {
    pub label: String,
    pub remove_url: String,
}

pub struct Card {
    pub id: i64,
    pub url: String,
    pub kind: &'static str,
    pub title: String,
    pub snippet: Option<String>,
    pub summary: String,
    pub organisation: String,
    pub place: String,
    pub distance: Option<String>,
    pub cost: &'static str,
    pub ages: String,
    pub vacancy: Option<String>,
}

pub struct PageLink {
    pub number: u32,
    pub url: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    site: &'a Site,
    page: PageMeta,
    heading: String,
    q: String,
    /// Hidden fields of the text form: the filters, so a new text keeps them.
    kept: Vec<(String, String)>,
    /// Hidden fields of the filter form: what is not a facet (location, sort).
    kept_outside_facets: Vec<(String, String)>,
    errors: Vec<String>,
    errors_for_q: Vec<String>,
    corrected: Option<(String, String)>,
    relaxed: bool,
    total_text: String,
    facets: Vec<FacetGroup>,
    active: Vec<ActiveFilter>,
    without_filters: String,
    cards: Vec<Card>,
    pages: Vec<PageLink>,
    prev_url: Option<String>,
    next_url: Option<String>,
    /// This page's own address, for the "op mijn lijst" buttons to come back to.
    here: String,
}

/// Facet parameters as the page shows them: (parameter, legend, help, "show more" text).
const FACETS: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "soort",
        "Soort",
        Some("Hulp, een activiteit of vrijwilligerswerk"),
        "Meer soorten",
    ),
    ("thema", "Onderwerp", None, "Meer onderwerpen"),
    (
        "wijk",
        "Wijk of dorp",
        Some("Aanbod voor de hele gemeente staat er altijd bij"),
        "Meer wijken en dorpen",
    ),
    ("leeftijdsgroep", "Leeftijd", None, "Meer leeftijden"),
    ("kosten", "Kosten", None, "Meer"),
    (
        "talent",
        "Wat kunt u goed?",
        Some("Voor vrijwilligerswerk"),
        "Meer talenten",
    ),
    (
        "tijdsbesteding",
        "Hoeveel tijd heeft u?",
        Some("Voor vrijwilligerswerk"),
        "Meer",
    ),
    (
        "taal",
        "Taal",
        Some("In welke taal het aanbod er is"),
        "Meer talen",
    ),
    (
        "toegankelijkheid",
        "Toegankelijkheid",
        None,
        "Meer voorzieningen",
    ),
];

const SHOWN_PER_FACET: usize = 6;

fn facet_counts<'a>(outcome: &'a SearchOutcome, param: &str) -> Option<&'a [FacetCount]> {
    let f = &outcome.facets;
    Some(match param {
        "soort" => &f.kind,
        "thema" => &f.theme,
        "wijk" => &f.wijk,
        "leeftijdsgroep" => &f.age_group,
        "kosten" => &f.cost,
        "talent" => f.talent.as_deref()?,
        "tijdsbesteding" => f.commitment.as_deref()?,
        "taal" => &f.language,
        "toegankelijkheid" => &f.accessibility,
        _ => return None,
    })
}

fn facet_groups(outcome: &SearchOutcome) -> Vec<FacetGroup> {
    let mut groups = Vec::new();
    for (param, legend, help, more_label) in FACETS {
        let Some(counts) = facet_counts(outcome, param) else {
            continue;
        };
        // Values nobody would find are left out, unless ticked.
        let mut options: Vec<FacetOption> = counts
            .iter()
            .filter(|f| f.count > 0 || f.selected)
            .map(|f| FacetOption {
                id: format!("f-{param}-{}", f.key),
                value: f.key.clone(),
                label: f.label.clone(),
                count: f.count,
                selected: f.selected,
            })
            .collect();
        if options.is_empty() {
            continue;
        }
        let more = if options.len() > SHOWN_PER_FACET + 1 {
            // Ticked values always stay in view.
            let (shown, rest): (Vec<_>, Vec<_>) = options
                .into_iter()
                .enumerate()
                .partition(|(i, o)| *i < SHOWN_PER_FACET || o.selected);
            options = shown.into_iter().map(|(_, o)| o).collect();
            rest.into_iter().map(|(_, o)| o).collect()
        } else {
            Vec::new()
        };
        groups.push(FacetGroup {
            param,
            legend,
            help: *help,
            more_label,
            shown: options,
            more,
        });
    }
    groups
}

fn is_facet(param: &str) -> bool {
    FACETS.iter().any(|(p, _, _, _)| *p == param) || param == "leeftijd"
}

/// A label for an active filter.
fn filter_label(param: &str, value: &str, outcome: Option<&SearchOutcome>) -> String {
    if param == "leeftijd" {
        return format!("{value} jaar");
    }
    if param == "postcode" {
        return format!("Bij postcode {value}");
    }
    outcome
        .and_then(|o| facet_counts(o, param))
        .and_then(|counts| counts.iter().find(|f| f.key == value))
        .map(|f| f.label.clone())
        .unwrap_or_else(|| value.to_string())
}

fn card(hit: Hit, taxonomy: &Taxonomy, site: &Site) -> Card {
    let p = hit.payload;
    let vacancy = p.time_commitment.as_deref().map(|t| {
        let mut s = format!("Tijd: {}", views::time(t).to_lowercase());
        if let Some(h) = p.hours_per_week {
            s.push_str(&format!(
                ", ongeveer {} uur per week",
                format!("{h}").replace('.', ",")
            ));
        }
        s
    });
    Card {
        id: p.id,
        url: item_url(p.id, &p.title),
        kind: views::kind(&p.kind),
        title: p.title,
        snippet: hit.snippet,
        summary: p.summary,
        organisation: p.organisation_name,
        place: views::place(
            &p.wijken,
            p.whole_municipality,
            taxonomy,
            &site.municipality,
        ),
        distance: hit
            .distance_km
            .map(|km| format!("{} van u", views::distance(km))),
        cost: views::cost(&p.cost),
        ages: views::ages(p.min_age, p.max_age),
        vacancy,
    }
}

pub async fn search(
    State(state): State<AppState>,
    session: Option<StaffSession>,
    RawQuery(raw): RawQuery,
) -> Response {
    let site = &state.site;
    let pairs = query_pairs(raw);
    let space = state.index.facet_space();
    let q = pairs
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let without = |skip: &dyn Fn(&(String, String)) -> bool| -> Vec<(String, String)> {
        pairs
            .iter()
            .filter(|p| p.0 != "page" && !skip(p))
            .cloned()
            .collect()
    };
    let kept = without(&|(k, _)| k == "q");
    let kept_outside_facets = without(&|(k, _)| k == "q" || is_facet(k));
    let mut view = SearchPage {
        site,
        page: PageMeta {
            title: if q.is_empty() {
                "Zoeken".into()
            } else {
                format!("Zoeken naar {q}")
            },
            description: format!(
                "Zoek hulp, activiteiten en vrijwilligerswerk in {}.",
                site.municipality
            ),
            canonical: None,
            noindex: true,
            json_ld: None,
            staff: StaffNav::load(&state, session.as_ref()).await,
        },
        here: search_url(&pairs),
        heading: if q.is_empty() {
            "Zoeken".into()
        } else {
            format!("Resultaten voor ‘{q}’")
        },
        q: q.clone(),
        kept,
        kept_outside_facets,
        errors: Vec::new(),
        errors_for_q: Vec::new(),
        corrected: None,
        relaxed: false,
        total_text: String::new(),
        facets: Vec::new(),
        active: Vec::new(),
        without_filters: search_url(&without(&|(k, _)| k != "q")),
        cards: Vec::new(),
        pages: Vec::new(),
        prev_url: None,
        next_url: None,
    };
    let request = match SearchRequest::parse(&pairs, &space.taxonomy) {
        // The page always shows every facet and the snippets: `facetten` and `fragmenten` are
        // for API clients that ask for less.
        Ok(r) => SearchRequest {
            omitted_facets: 0,
            without_snippets: false,
            ..r
        },
        Err(errors) => {
            for e in errors.into_vec() {
                if e.name == "q" {
                    view.errors_for_q.push(e.reason.clone());
                }
                view.errors.push(format!("{}: {}", e.name, e.reason));
            }
            view.total_text = "Geen resultaten".into();
            return render(StatusCode::BAD_REQUEST, &view);
        }
    };
    let outcome = match state.search(request.clone()).await {
        Ok(o) => o,
        Err(e) => return unavailable(site, e),
    };
    view.relaxed = outcome.relaxed;
    view.corrected = outcome.corrected.clone().map(|c| {
        let mut corrected_pairs: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| k != "q" && k != "page")
            .cloned()
            .collect();
        corrected_pairs.insert(0, ("q".into(), c.clone()));
        (c, search_url(&corrected_pairs))
    });
    view.total_text = match outcome.total {
        0 => "Geen resultaten".into(),
        1 => "1 resultaat".into(),
        n => format!("{n} resultaten"),
    };
    view.active = pairs
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| is_facet(k) || k == "postcode")
        .flat_map(|(i, (k, v))| {
            // One chip per value, also for `wijk=a,b`.
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|value| {
                    let rest: Vec<(String, String)> = pairs
                        .iter()
                        .enumerate()
                        .filter(|(j, (key, _))| *j != i && key != "page")
                        .map(|(_, p)| p.clone())
                        .chain(
                            v.split(',')
                                .map(str::trim)
                                .filter(|other| !other.is_empty() && *other != value)
                                .map(|other| (k.clone(), other.to_string())),
                        )
                        .collect();
                    ActiveFilter {
                        label: filter_label(k, value, Some(&outcome)),
                        remove_url: search_url(&rest),
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    view.facets = facet_groups(&outcome);
    let last_page = (outcome.total.div_ceil(u64::from(request.page_size)) as u32).clamp(
        1,
        crate::search::request::MAX_RESULT_WINDOW / request.page_size,
    );
    let page_url = |n: u32| {
        let mut p: Vec<(String, String)> =
            pairs.iter().filter(|(k, _)| k != "page").cloned().collect();
        if n > 1 {
            p.push(("page".into(), n.to_string()));
        }
        search_url(&p)
    };
    let first = request.page.saturating_sub(2).max(1);
    let last = (first + 4).min(last_page);
    view.pages = (first..=last)
        .map(|n| PageLink {
            number: n,
            url: page_url(n),
            current: n == request.page,
        })
        .collect();
    view.prev_url = (request.page > 1).then(|| page_url(request.page - 1));
    view.next_url = (request.page < last_page).then(|| page_url(request.page + 1));
    view.cards = outcome
        .hits
        .into_iter()
        .map(|h| card(h, &space.taxonomy, site))
        .collect();
    render(StatusCode::OK, &view)
}

// ---------------------------------------------------------------------------------------------
// Vacancy bank

#[derive(Template)]
#[template(path = "vacancies.html")]
struct VacanciesPage<'a> {
    site: &'a Site,
    page: PageMeta,
    talents: Vec<Tile>,
    times: Vec<Tile>,
}

pub async fn vacancies(State(state): State<AppState>, session: Option<StaffSession>) -> Response {
    let site = &state.site;
    let outcome = match state.search(browse(&[Kind::Vacature])).await {
        Ok(o) => o,
        Err(e) => return unavailable(site, e),
    };
    let page = PageMeta {
        title: "Vrijwilligerswerk".into(),
        description: format!(
            "Vrijwilligerswerk in {}: kies wat u goed kunt en hoeveel tijd u heeft.",
            site.municipality
        ),
        canonical: Some(format!("{}/vrijwilligerswerk", site.public_url)),
        noindex: false,
        json_ld: None,
        staff: StaffNav::load(&state, session.as_ref()).await,
    };
    let talents = tiles(outcome.facets.talent.as_deref().unwrap_or_default());
    let times = TimeCommitment::ALL
        .iter()
        .map(|t| {
            let count = outcome
                .facets
                .commitment
                .as_deref()
                .unwrap_or_default()
                .iter()
                .find(|f| f.key == t.as_str())
                .map_or(0, |f| f.count);
            Tile {
                value: t.as_str().into(),
                label: match t {
                    TimeCommitment::Eenmalig => "Eén keer".into(),
                    TimeCommitment::Incidenteel => "Af en toe".into(),
                    TimeCommitment::Wekelijks => "Elke week".into(),
                },
                count,
            }
        })
        .collect();
    render(
        StatusCode::OK,
        &VacanciesPage {
            site,
            page,
            talents,
            times,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Detail

pub struct VacancyView {
    pub time: String,
    pub talents: Vec<String>,
    pub end: Option<String>,
}

pub struct ItemView {
    pub id: i64,
    pub url: String,
    pub kind: &'static str,
    pub title: String,
    pub summary: String,
    pub paragraphs: Vec<String>,
    pub organisation: String,
    pub organisation_url: String,
    pub ages: String,
    pub place: String,
    pub cost: &'static str,
    pub schedule: String,
    pub themes: Vec<String>,
    pub languages: Vec<String>,
    pub accessibility: Vec<String>,
    pub phone: Option<(String, String)>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub address: Option<String>,
    pub map_url: Option<String>,
    pub checked: String,
    pub vacancy: Option<VacancyView>,
}

/// The report form's state: what was typed and what was wrong.
pub struct ReportForm {
    pub sent: bool,
    pub reasons: Vec<(&'static str, &'static str)>,
    pub reason: String,
    pub message: String,
    pub email: String,
    pub errors: Vec<(String, String)>,
}

impl ReportForm {
    pub fn empty() -> ReportForm {
        ReportForm {
            sent: false,
            reasons: crate::domain::report::ReportReason::ALL
                .iter()
                .map(|r| (r.as_str(), r.label()))
                .collect(),
            reason: String::new(),
            message: String::new(),
            email: String::new(),
            errors: Vec::new(),
        }
    }

    pub fn errors_for(&self, field: &str) -> Vec<&str> {
        super::errors_for(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "detail.html")]
pub struct DetailPage<'a> {
    pub site: &'a Site,
    pub page: PageMeta,
    pub item: ItemView,
    pub report: ReportForm,
}

fn labels<K: std::ops::Deref<Target = str>>(
    keys: &[K],
    terms: &[crate::domain::Term],
) -> Vec<String> {
    keys.iter()
        .map(|k| {
            terms
                .iter()
                .find(|t| t.key.as_str() == &**k)
                .map_or_else(|| k.to_string(), |t| t.label.clone())
        })
        .collect()
}

/// The schema.org type of an item. Services and initiatives are `Service` (a service by an
/// organisation, with an area served and an audience); volunteer vacancies are `JobPosting`
/// with `employmentType` `VOLUNTEER`, which is how schema.org describes volunteer work.
fn item_json_ld(l: &Listing, url: &str, site: &Site, place: &str) -> serde_json::Value {
    let provider = serde_json::json!({"@type": "Organization", "name": l.organisation_name});
    if let Some(v) = &l.vacancy {
        let mut posting = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": l.title,
            "description": l.description.clone() + "\n\n" + &l.summary,
            "employmentType": "VOLUNTEER",
            "hiringOrganization": provider,
            "datePosted": l.created_at.format("%Y-%m-%d").to_string(),
            "url": url,
            "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress",
                "addressLocality": l.location.as_ref().and_then(|x| x.city.clone()).unwrap_or_else(|| place.to_string()),
                "addressCountry": "NL"}},
        });
        if let Some(end) = v.end_date {
            posting["validThrough"] = serde_json::json!(end.to_string());
        }
        return posting;
    }
    serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Service",
        "name": l.title,
        "description": l.summary,
        "provider": provider,
        "areaServed": {"@type": "AdministrativeArea", "name": place},
        "url": url,
        "isAccessibleForFree": l.cost == crate::domain::Cost::Gratis,
        "audience": {"@type": "PeopleAudience", "suggestedMinAge": l.ages.min(), "suggestedMaxAge": l.ages.max()},
        "dateModified": crate::domain::iso(&l.updated_at),
        "sameAs": site.public_url.clone() + url,
    })
}

/// Everything public about an item, ready for a template: for its page, and for referral
/// lists (printed or shared).
pub fn item_view(site: &Site, taxonomy: &Taxonomy, l: &Listing) -> ItemView {
    let url = item_url(l.id, &l.title);
    let place = views::place(
        &l.wijken,
        l.whole_municipality,
        taxonomy,
        &site.municipality,
    );
    let location = l.location.as_ref();
    let address = location.and_then(|loc| {
        let parts: Vec<&str> = [&loc.address, &loc.postcode, &loc.city]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    });
    let map_url = location.and_then(|loc| {
        let (lat, lon) = loc.latitude.zip(loc.longitude)?;
        Some(format!(
            "https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map=17/{lat:.5}/{lon:.5}"
        ))
    });
    ItemView {
        id: l.id,
        url: url.clone(),
        kind: l.kind.label(),
        title: l.title.clone(),
        summary: l.summary.clone(),
        paragraphs: views::paragraphs(&l.description),
        organisation: l.organisation_name.clone(),
        organisation_url: organisation_url(l.organisation_id, &l.organisation_name),
        ages: views::ages(l.ages.min(), l.ages.max()),
        place: place.clone(),
        cost: l.cost.label(),
        schedule: l.schedule.clone(),
        themes: labels(&l.themes, &taxonomy.themes),
        languages: labels(&l.languages, &taxonomy.languages),
        accessibility: labels(&l.accessibility, &taxonomy.accessibility),
        phone: l.contact.phone.as_deref().map(views::phone),
        email: l.contact.email.clone(),
        website: l.contact.website.clone(),
        address,
        map_url,
        checked: views::date(l.last_verified_at.date_naive()),
        vacancy: l.vacancy.as_ref().map(|v| VacancyView {
            time: v.time_commitment.label().into(),
            talents: labels(&v.talents, &taxonomy.talents),
            end: v.end_date.map(views::date),
        }),
    }
}

/// An item's page, for a published item still current.
pub fn detail_page<'a>(
    site: &'a Site,
    taxonomy: &Taxonomy,
    l: &Listing,
    report: ReportForm,
    staff: Option<StaffNav>,
) -> DetailPage<'a> {
    let item = item_view(site, taxonomy, l);
    let url = item.url.clone();
    let place = item.place.clone();
    let canonical = format!("{}{url}", site.public_url);
    let page = PageMeta {
        title: l.title.clone(),
        description: l.summary.clone(),
        canonical: Some(canonical.clone()),
        noindex: false,
        json_ld: Some(json_ld(&item_json_ld(l, &canonical, site, &place))),
        staff,
    };
    DetailPage {
        site,
        page,
        item,
        report,
    }
}

/// Reads a published, current item for a page: `Err` is the page to answer instead.
pub async fn public_listing(state: &AppState, slug_part: &str) -> Result<Listing, Response> {
    let site = &state.site;
    let Some(id) = id_of(slug_part) else {
        return Err(not_found(site));
    };
    match state.store.find_listing(id).await {
        Ok(l) if l.is_public_on(today()) => Ok(l),
        Ok(_) | Err(crate::store::StoreError::NotFound) => Err(not_found(site)),
        Err(e) => Err(unavailable(site, e.into())),
    }
}

pub async fn detail(
    State(state): State<AppState>,
    session: Option<StaffSession>,
    Path(slug_part): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let l = match public_listing(&state, &slug_part).await {
        Ok(l) => l,
        Err(page) => return page,
    };
    let canonical_path = item_url(l.id, &l.title);
    if format!("/aanbod/{slug_part}") != canonical_path {
        // Old or shortened links still work and lead to the one address.
        return Redirect::permanent(&canonical_path).into_response();
    }
    let space = state.index.facet_space();
    let mut report = ReportForm::empty();
    report.sent = query_pairs(raw)
        .iter()
        .any(|(k, v)| k == "melding" && v == "verzonden");
    render(
        StatusCode::OK,
        &detail_page(
            &state.site,
            &space.taxonomy,
            &l,
            report,
            StaffNav::load(&state, session.as_ref()).await,
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// Organisation

pub struct ItemLink {
    pub url: String,
    pub kind: &'static str,
    pub title: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage<'a> {
    site: &'a Site,
    page: PageMeta,
    name: String,
    paragraphs: Vec<String>,
    phone: Option<(String, String)>,
    email: Option<String>,
    website: Option<String>,
    items: Vec<ItemLink>,
}

pub async fn organisation(
    State(state): State<AppState>,
    session: Option<StaffSession>,
    Path(slug_part): Path<String>,
) -> Response {
    let site = &state.site;
    let Some(id) = id_of(&slug_part) else {
        return not_found(site);
    };
    let org = match state.store.find_organisation(id).await {
        Ok(o) => o,
        Err(crate::store::StoreError::NotFound) => return not_found(site),
        Err(e) => return unavailable(site, e.into()),
    };
    let canonical_path = organisation_url(org.id, &org.name);
    if format!("/organisaties/{slug_part}") != canonical_path {
        return Redirect::permanent(&canonical_path).into_response();
    }
    let listings = match state.store.published_listings_of(org.id).await {
        Ok(l) => l,
        Err(e) => return unavailable(site, e.into()),
    };
    let day = today();
    let items = listings
        .into_iter()
        .filter(|l| l.is_public_on(day))
        .map(|l| ItemLink {
            url: item_url(l.id, &l.title),
            kind: l.kind.label(),
            title: l.title,
            summary: l.summary,
        })
        .collect();
    let canonical = format!("{}{canonical_path}", site.public_url);
    let page = PageMeta {
        title: org.name.clone(),
        description: if org.description.is_empty() {
            format!("{} op de sociale kaart van {}", org.name, site.municipality)
        } else {
            org.description.chars().take(200).collect()
        },
        canonical: Some(canonical.clone()),
        noindex: false,
        json_ld: Some(json_ld(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": org.name,
            "url": org.website.clone().unwrap_or(canonical),
            "telephone": org.phone,
            "email": org.email,
        }))),
        staff: StaffNav::load(&state, session.as_ref()).await,
    };
    render(
        StatusCode::OK,
        &OrganisationPage {
            site,
            page,
            name: org.name,
            paragraphs: views::paragraphs(&org.description),
            phone: org.phone.as_deref().map(views::phone),
            email: org.email,
            website: org.website,
            items,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// For search engines

pub async fn sitemap(State(state): State<AppState>) -> Response {
    let site = &state.site;
    let (items, organisations) = match state.store.sitemap_entries().await {
        Ok(e) => e,
        Err(e) => return unavailable(site, e.into()),
    };
    let day = today().to_string();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut add = |path: &str, last_modified: Option<&str>| {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(&format!("{}{path}", site.public_url)));
        xml.push_str("</loc>");
        if let Some(lm) = last_modified {
            xml.push_str("<lastmod>");
            xml.push_str(&xml_escape(lm));
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    };
    add("/", None);
    add("/vrijwilligerswerk", None);
    for (entry, end) in &items {
        // A vacancy past its end date is no longer public.
        if end.as_deref().is_some_and(|e| e < day.as_str()) {
            continue;
        }
        add(
            &item_url(entry.id, &entry.title),
            Some(&entry.last_modified),
        );
    }
    for entry in &organisations {
        add(
            &organisation_url(entry.id, &entry.title),
            Some(&entry.last_modified),
        );
    }
    xml.push_str("</urlset>\n");
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /zoeken\nDisallow: /api/\nAllow: /api/v1/openapi.json\n\nSitemap: {}/sitemap.xml\n",
        state.site.public_url
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}
