//! `/aanbod`: search and browse the public offer, and read one item.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::content::{ContactBody, LocationBody, ReferralBody};
use super::dto::{ListingSummary, OrganisationRef, PageLinks, TermResponse, VacancyResponse};
use super::extract::{ApiPath, QueryPairs};
use super::json::JsonAnswer;
use crate::auth::Caller;
use crate::domain::iso;
use crate::domain::listing::today;
use crate::error::{ApiError, ApiResult};
use crate::search::{Facet, FacetCount, SearchRequest};

/// Query parameters of the search (documentation; parsed by [`SearchRequest::parse`]).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
#[allow(dead_code, reason = "describes the query string for OpenAPI only")]
pub struct SearchParams {
    /// Free text, at most 200 characters. Empty: browse everything.
    q: Option<String>,
    /// Kind(s): `voorziening`, `initiatief`, `vacature`. Repeat or separate with commas.
    soort: Option<Vec<String>>,
    /// Theme key(s) (see `/themas`); an item matches when it has any of them.
    thema: Option<Vec<String>>,
    /// Wijk key(s) (see `/wijken`); municipality-wide items match every wijk.
    wijk: Option<Vec<String>>,
    /// An age (0-120): items whose age range contains it.
    #[param(minimum = 0, maximum = 120)]
    leeftijd: Option<u8>,
    /// Age group key(s) (see `/leeftijdsgroepen`): items whose age range overlaps the group.
    leeftijdsgroep: Option<Vec<String>>,
    /// Cost: `gratis`, `kleine-bijdrage`, `betaald`.
    kosten: Option<Vec<String>>,
    /// Talent key(s) asked by volunteer vacancies (see `/talenten`).
    talent: Option<Vec<String>>,
    /// Time commitment of volunteer vacancies: `eenmalig`, `incidenteel`, `wekelijks`.
    tijdsbesteding: Option<Vec<String>>,
    /// Language key(s) (ISO 639-1, see `/talen`): items offered in any of them.
    taal: Option<Vec<String>>,
    /// Accessibility feature key(s) (see `/toegankelijkheid`): items with any of them.
    toegankelijkheid: Option<Vec<String>>,
    /// Page number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Results per page, 1-100 (default 20). `page × pageSize` may not exceed 10000.
    #[param(minimum = 1, maximum = 100)]
    page_size: Option<u32>,
    /// `relevantie` (default), `nieuwste`, `titel` or `afstand` (needs a location).
    sorteer: Option<String>,
    /// Near this Dutch postcode (`3831` or `3831 AB`); unknown postcodes are refused.
    postcode: Option<String>,
    /// Near this latitude (WGS84), with `lengtegraad`.
    breedtegraad: Option<f64>,
    /// Near this longitude (WGS84), with `breedtegraad`.
    lengtegraad: Option<f64>,
    /// Only items within this many km (0-100) of the location; municipality-wide items always.
    straal: Option<f64>,
    /// `true`: explain per result why it matched (terms, synonyms, compounds, typos). Staff
    /// only (log in as medewerker, redacteur or admin).
    uitleg: Option<bool>,
    /// Count only these facets (`soort`, `thema`, `wijk`, `leeftijdsgroep`, `kosten`, `talent`,
    /// `tijdsbesteding`, `taal`, `toegankelijkheid`), or `geen` for none; repeat or separate
    /// with commas. The others are left out of `facetten`. Default: all.
    facetten: Option<Vec<String>>,
    /// `false`: no `fragment` (snippet) per result. Default `true`.
    fragmenten: Option<bool>,
}

/// A facet value with the number of results ticking it would give (all other filters applied).
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetValue {
    pub waarde: String,
    pub label: String,
    pub aantal: u64,
    pub geselecteerd: bool,
}

fn facet(values: Vec<FacetCount>) -> Vec<FacetValue> {
    values
        .into_iter()
        .map(|f| FacetValue {
            waarde: f.key,
            label: f.label,
            aantal: f.count,
            geselecteerd: f.selected,
        })
        .collect()
}

/// Disjunctive facet counts: each facet's counts apply every filter except its own. A facet
/// left out with `facetten` is absent.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetsResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub soort: Option<Vec<FacetValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub thema: Option<Vec<FacetValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub wijk: Option<Vec<FacetValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub leeftijdsgroep: Option<Vec<FacetValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub kosten: Option<Vec<FacetValue>>,
    /// Null unless volunteer vacancies are among the results.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable)]
    pub talent: Option<Option<Vec<FacetValue>>>,
    /// Null unless volunteer vacancies are among the results.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable)]
    pub tijdsbesteding: Option<Option<Vec<FacetValue>>>,
    /// Languages the offer is given in.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub taal: Option<Vec<FacetValue>>,
    /// Accessibility features.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub toegankelijkheid: Option<Vec<FacetValue>>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchResponse {
    /// Number of matching items.
    pub totaal: u64,
    pub pagina: u32,
    pub pagina_grootte: u32,
    /// True when fewer than 10 items contain every search word and items with some of them are
    /// added after them.
    pub versoepeld: bool,
    /// The query with typos corrected, when a word was not known ("bedoelde je …"). Results
    /// for the corrected words are already included, ranked below exact matches.
    pub bedoelde_je: Option<String>,
    pub resultaten: Vec<ListingSummary>,
    pub facetten: FacetsResponse,
    #[serde(rename = "_links")]
    pub links: PageLinks,
}

/// Search and browse the public offer.
#[utoipa::path(
    get,
    path = "/aanbod",
    tag = "aanbod",
    params(SearchParams),
    security((), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "Search results with facet counts. `Link` header: first, prev, next, last.", body = SearchResponse),
    )
)]
pub async fn list_aanbod(
    State(state): State<AppState>,
    caller: Option<Caller>,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<(HeaderMap, JsonAnswer<SearchResponse>)> {
    let space = state.index.facet_space();
    let req = SearchRequest::parse(&pairs, &space.taxonomy)?;
    let staff = caller.as_ref().is_some_and(|c| c.role().is_staff());
    if req.explain && !staff {
        return Err(match caller {
            None => ApiError::Unauthorized(
                "uitleg=true is voor medewerkers: log in en stuur het token mee.",
            ),
            Some(_) => ApiError::Forbidden,
        });
    }
    let outcome = state.search(req.clone()).await?;
    // Staff also see the "voor verwijzers" details, read from the database for this page only
    // so that they never enter the (public) search index.
    let mut referrals = std::collections::HashMap::new();
    if staff {
        let ids: Vec<i64> = outcome.hits.iter().map(|h| h.payload.id).collect();
        referrals = state.store.referrals_of(&ids).await?;
    }

    let last_page = (outcome.total.div_ceil(u64::from(req.page_size)) as u32)
        .clamp(1, crate::search::request::MAX_RESULT_WINDOW / req.page_size);
    let links = PageLinks::new("/api/v1/aanbod", &pairs, req.page, last_page);
    let mut headers = HeaderMap::new();
    let mut parts = vec![format!("<{}>; rel=\"first\"", links.first.href)];
    if let Some(p) = &links.prev {
        parts.push(format!("<{}>; rel=\"prev\"", p.href));
    }
    if let Some(n) = &links.next {
        parts.push(format!("<{}>; rel=\"next\"", n.href));
    }
    parts.push(format!("<{}>; rel=\"last\"", links.last.href));
    if let Ok(v) = HeaderValue::from_str(&parts.join(", ")) {
        headers.insert(header::LINK, v);
    }

    let t = &space.taxonomy;
    let f = outcome.facets;
    let wanted = |facet: Facet| req.counts_facet(facet);
    Ok((
        headers,
        JsonAnswer(SearchResponse {
            totaal: outcome.total,
            pagina: req.page,
            pagina_grootte: req.page_size,
            versoepeld: outcome.relaxed,
            bedoelde_je: outcome.corrected,
            resultaten: outcome
                .hits
                .into_iter()
                .map(|h| {
                    let mut summary = ListingSummary::from_hit(h, t);
                    summary.voor_verwijzers = referrals.remove(&summary.id).map(ReferralBody::from);
                    summary
                })
                .collect(),
            facetten: FacetsResponse {
                soort: wanted(Facet::Kind).then(|| facet(f.kind)),
                thema: wanted(Facet::Theme).then(|| facet(f.theme)),
                wijk: wanted(Facet::Wijk).then(|| facet(f.wijk)),
                leeftijdsgroep: wanted(Facet::AgeGroup).then(|| facet(f.age_group)),
                kosten: wanted(Facet::Cost).then(|| facet(f.cost)),
                talent: wanted(Facet::Talent).then(|| f.talent.map(facet)),
                tijdsbesteding: wanted(Facet::Commitment).then(|| f.commitment.map(facet)),
                taal: wanted(Facet::Language).then(|| facet(f.language)),
                toegankelijkheid: wanted(Facet::Accessibility).then(|| facet(f.accessibility)),
            },
            links,
        }),
    ))
}

/// One published item, in full.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListingDetail {
    pub id: i64,
    pub soort: String,
    pub titel: String,
    pub samenvatting: String,
    /// Plain text; render it escaped.
    pub beschrijving: String,
    pub organisatie: OrganisationRef,
    pub themas: Vec<TermResponse>,
    pub wijken: Vec<TermResponse>,
    pub hele_gemeente: bool,
    pub min_leeftijd: u8,
    pub max_leeftijd: u8,
    pub locatie: Option<LocationBody>,
    pub kosten: String,
    pub contact: ContactBody,
    pub tijden: String,
    pub vacature: Option<VacancyResponse>,
    /// Languages in which it is offered.
    pub talen: Vec<TermResponse>,
    /// Accessibility features.
    pub toegankelijkheid: Vec<TermResponse>,
    #[schema(format = DateTime)]
    pub aangemaakt: String,
    #[schema(format = DateTime)]
    pub gewijzigd: String,
    #[schema(format = DateTime)]
    pub laatst_gecontroleerd: String,
    pub versie: i64,
    /// Details for referrers: only for logged-in staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voor_verwijzers: Option<ReferralBody>,
}

/// One published item.
#[utoipa::path(
    get,
    path = "/aanbod/{id}",
    tag = "aanbod",
    params(("id" = i64, Path, description = "Item id")),
    security((), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "The item (with `voorVerwijzers` for logged-in staff)", body = ListingDetail),
    )
)]
pub async fn get_aanbod(
    State(state): State<AppState>,
    caller: Option<Caller>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ListingDetail>> {
    let staff = caller.is_some_and(|c| c.role().is_staff());
    let l = state.store.find_listing(id).await?;
    if !l.is_public_on(today()) {
        return Err(ApiError::NotFound);
    }
    let space = state.index.facet_space();
    Ok(Json(ListingDetail::new(l, &space.taxonomy, staff)))
}

impl ListingDetail {
    /// The public shape of an item (with the referrers' details only for `staff`): what
    /// `GET /aanbod/{id}` and the change feed both answer.
    pub fn new(
        l: crate::domain::Listing,
        t: &crate::domain::Taxonomy,
        staff: bool,
    ) -> ListingDetail {
        ListingDetail {
            id: l.id,
            soort: l.kind.as_str().into(),
            titel: l.title,
            samenvatting: l.summary,
            beschrijving: l.description,
            organisatie: OrganisationRef {
                id: l.organisation_id,
                naam: l.organisation_name,
            },
            themas: TermResponse::list(&l.themes, &t.themes),
            wijken: TermResponse::list(&l.wijken, &t.wijken),
            hele_gemeente: l.whole_municipality,
            min_leeftijd: l.ages.min(),
            max_leeftijd: l.ages.max(),
            locatie: l.location.map(Into::into),
            kosten: l.cost.as_str().into(),
            contact: l.contact.into(),
            tijden: l.schedule,
            vacature: l.vacancy.map(|v| VacancyResponse {
                tijdsbesteding: v.time_commitment.as_str().into(),
                uren_per_week: v.hours_per_week,
                talenten: TermResponse::list(&v.talents, &t.talents),
                einddatum: v.end_date.map(|d| d.to_string()),
            }),
            talen: TermResponse::list(&l.languages, &t.languages),
            toegankelijkheid: TermResponse::list(&l.accessibility, &t.accessibility),
            aangemaakt: iso(&l.created_at),
            gewijzigd: iso(&l.updated_at),
            laatst_gecontroleerd: iso(&l.last_verified_at),
            versie: l.version,
            voor_verwijzers: staff.then(|| l.referral.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use utoipa::IntoParams as _;
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{Schema, SchemaType, Type};

    /// The documented search parameters are exactly the ones the parser knows, in the same
    /// order, and the repeatable ones are documented as arrays.
    #[test]
    fn documented_search_parameters_are_the_parsed_ones() {
        let documented: Vec<(String, bool)> = super::SearchParams::into_params(|| None)
            .into_iter()
            .map(|p| {
                let array = matches!(
                    p.schema,
                    Some(RefOr::T(Schema::Array(_)))
                ) || matches!(
                    p.schema,
                    Some(RefOr::T(Schema::Object(ref o))) if o.schema_type == SchemaType::Type(Type::Array)
                );
                (p.name, array)
            })
            .collect();
        let parsed: Vec<(String, bool)> = crate::search::request::PARAMETERS
            .iter()
            .map(|(name, repeatable)| (name.to_string(), *repeatable))
            .collect();
        assert_eq!(documented, parsed);
    }
}
