//! Wire types shared by several resources. Identifiers are English; the wire is Dutch.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Taxonomy, Term};

/// A taxonomy term: a stable key and a label for people.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = Term)]
pub struct TermResponse {
    /// Stable key, usable as filter value.
    #[schema(example = "geldzaken")]
    pub sleutel: String,
    #[schema(example = "Geld en schulden")]
    pub label: String,
}

impl From<&Term> for TermResponse {
    fn from(t: &Term) -> Self {
        TermResponse {
            sleutel: t.key.to_string(),
            label: t.label.clone(),
        }
    }
}

/// An age group: items count in every group their own age range overlaps.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AgeGroup)]
pub struct AgeGroupResponse {
    #[schema(example = "tieners")]
    pub sleutel: String,
    #[schema(example = "Tieners (12-17)")]
    pub label: String,
    pub min_leeftijd: u8,
    pub max_leeftijd: u8,
}

impl From<&crate::domain::AgeGroup> for AgeGroupResponse {
    fn from(g: &crate::domain::AgeGroup) -> Self {
        AgeGroupResponse {
            sleutel: g.key.to_string(),
            label: g.label.clone(),
            min_leeftijd: g.min_age,
            max_leeftijd: g.max_age,
        }
    }
}

impl TermResponse {
    /// The labelled terms for `keys`; a key unknown to the taxonomy shows as its own label.
    pub fn list<K: std::ops::Deref<Target = str>>(keys: &[K], terms: &[Term]) -> Vec<TermResponse> {
        keys.iter()
            .map(|k| TermResponse {
                sleutel: k.to_string(),
                label: terms
                    .iter()
                    .find(|t| t.key.as_str() == &**k)
                    .map(|t| t.label.clone())
                    .unwrap_or_else(|| k.to_string()),
            })
            .collect()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationRef {
    pub id: i64,
    pub naam: String,
}

/// What a volunteer vacancy adds.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VacancyResponse {
    /// `eenmalig`, `incidenteel` or `wekelijks`.
    pub tijdsbesteding: String,
    pub uren_per_week: Option<f64>,
    pub talenten: Vec<TermResponse>,
    /// Last day the vacancy shows.
    #[schema(format = Date, value_type = Option<String>)]
    pub einddatum: Option<String>,
}

/// An item in a result list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListingSummary {
    pub id: i64,
    /// `voorziening`, `initiatief` or `vacature`.
    pub soort: String,
    pub titel: String,
    pub samenvatting: String,
    /// HTML fragment of the description around the matched words: text is escaped, matches
    /// are wrapped in `<mark>`. Absent when browsing without search text.
    pub fragment: Option<String>,
    pub organisatie: OrganisationRef,
    pub themas: Vec<TermResponse>,
    pub wijken: Vec<TermResponse>,
    /// True when the item serves the whole municipality (it matches every wijk).
    pub hele_gemeente: bool,
    pub min_leeftijd: u8,
    pub max_leeftijd: u8,
    /// `gratis`, `kleine-bijdrage` or `betaald`.
    pub kosten: String,
    pub plaats: Option<String>,
    pub vacature: Option<VacancyResponse>,
    /// Languages in which it is offered.
    pub talen: Vec<TermResponse>,
    /// Accessibility features.
    pub toegankelijkheid: Vec<TermResponse>,
    /// Kilometres from the given postcode or coordinates (items with a location only).
    pub afstand_km: Option<f64>,
    /// Why the item matched (with `uitleg=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uitleg: Option<Vec<MatchExplanation>>,
    /// When the partner last confirmed the item is current (ISO 8601, UTC).
    #[schema(format = DateTime)]
    pub laatst_gecontroleerd: String,
    /// Details for referrers: only in answers to logged-in staff (medewerker, redacteur,
    /// admin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voor_verwijzers: Option<super::content::ReferralBody>,
    #[serde(rename = "_links")]
    pub links: SelfLink,
}

/// How one part of the query matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchExplanation {
    /// The words as typed (normalised).
    pub zoekterm: String,
    /// The wording found in the item.
    pub gevonden: String,
    /// `exact` (incl. other inflections), `samenstelling`, `synoniem`, `typefout`, `klank`
    /// (written as it sounds), `situatie` (what a situation in the query needs) or `betekenis`
    /// (close in meaning to the whole query, when search by meaning is on; `gevonden` is then
    /// the item's title).
    pub soort: String,
    /// Fields where it was found: `titel`, `samenvatting`, `beschrijving`, `organisatie`,
    /// `thema` or `toegankelijkheid`.
    pub velden: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Link {
    pub href: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SelfLink {
    #[serde(rename = "self")]
    pub self_: Link,
}

impl ListingSummary {
    pub fn from_hit(hit: crate::search::Hit, t: &Taxonomy) -> ListingSummary {
        let crate::search::Hit {
            payload: p,
            snippet: fragment,
            distance_km,
            explanation,
            ..
        } = hit;
        let vacature = p.time_commitment.map(|tc| VacancyResponse {
            tijdsbesteding: tc,
            uren_per_week: p.hours_per_week,
            talenten: TermResponse::list(&p.talents, &t.talents),
            einddatum: p.end_date,
        });
        ListingSummary {
            links: SelfLink {
                self_: Link {
                    href: format!("/api/v1/aanbod/{}", p.id),
                },
            },
            id: p.id,
            soort: p.kind,
            titel: p.title,
            samenvatting: p.summary,
            fragment,
            organisatie: OrganisationRef {
                id: p.organisation_id,
                naam: p.organisation_name,
            },
            themas: TermResponse::list(&p.themes, &t.themes),
            wijken: TermResponse::list(&p.wijken, &t.wijken),
            hele_gemeente: p.whole_municipality,
            min_leeftijd: p.min_age,
            max_leeftijd: p.max_age,
            kosten: p.cost,
            plaats: p.place,
            vacature,
            talen: TermResponse::list(&p.languages, &t.languages),
            toegankelijkheid: TermResponse::list(&p.accessibility, &t.accessibility),
            afstand_km: distance_km,
            uitleg: explanation.map(|list| {
                list.into_iter()
                    .map(|e| MatchExplanation {
                        zoekterm: e.query,
                        gevonden: e.matched,
                        soort: e.kind.as_str().into(),
                        velden: e.fields.into_iter().map(String::from).collect(),
                    })
                    .collect()
            }),
            laatst_gecontroleerd: p.last_verified_at,
            voor_verwijzers: None,
        }
    }
}

/// Links to the other pages of a list (HAL style, as ADR 2.2 suggests).
#[derive(Debug, Serialize, ToSchema)]
pub struct PageLinks {
    #[serde(rename = "self")]
    pub self_: Link,
    pub first: Link,
    pub prev: Option<Link>,
    pub next: Option<Link>,
    pub last: Link,
}

impl PageLinks {
    /// Links for page `page` of `last_page` of the list at `path`, keeping the other query
    /// parameters of the request (`pairs`) as they were.
    pub fn new(path: &str, pairs: &[(String, String)], page: u32, last_page: u32) -> PageLinks {
        let url = |page: u32| {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in pairs.iter().filter(|(k, _)| k != "page") {
                s.append_pair(k, v);
            }
            if page > 1 {
                s.append_pair("page", &page.to_string());
            }
            let q = s.finish();
            Link {
                href: if q.is_empty() {
                    path.to_string()
                } else {
                    format!("{path}?{q}")
                },
            }
        };
        PageLinks {
            self_: url(page),
            first: url(1),
            prev: (page > 1).then(|| url((page - 1).min(last_page))),
            next: (page < last_page).then(|| url(page + 1)),
            last: url(last_page),
        }
    }
}

/// Declares the paged envelope every list answers with: the total over all pages, the page,
/// its size, its entries and links to the other pages.
macro_rules! paged_list {
    ($(#[$meta:meta])* $name:ident of $item:ty) => {
        $(#[$meta])*
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// Number of entries over all pages.
            pub totaal: i64,
            pub pagina: u32,
            pub pagina_grootte: u32,
            pub resultaten: Vec<$item>,
            #[serde(rename = "_links")]
            pub links: $crate::api::dto::PageLinks,
        }

        impl $name {
            /// Page `page` (of `size` entries) of a list of `total` entries at `path`.
            pub fn new(
                path: &str,
                pairs: &[(String, String)],
                (page, size): (u32, u32),
                total: i64,
                resultaten: Vec<$item>,
            ) -> $name {
                let last = u32::try_from(total.max(1).div_euclid(i64::from(size))
                    + i64::from(total.max(1) % i64::from(size) != 0))
                .unwrap_or(u32::MAX)
                .max(1);
                $name {
                    links: $crate::api::dto::PageLinks::new(path, pairs, page, last),
                    totaal: total,
                    pagina: page,
                    pagina_grootte: size,
                    resultaten,
                }
            }
        }
    };
}
pub(crate) use paged_list;
