//! A search request, parsed from query-string pairs and checked against the taxonomy.
//! Every offending parameter is reported at once.

use crate::domain::{Cost, FieldErrors, Kind, Taxonomy, TimeCommitment};

/// Longest accepted free-text query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Largest page.
pub const MAX_PAGE_SIZE: u32 = 100;
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// Deepest result reachable by paging: keeps each request's top-k heap bounded.
pub const MAX_RESULT_WINDOW: u32 = 10_000;
/// Most values one filter parameter may list.
pub const MAX_FILTER_VALUES: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first; ties: most recently verified, then id.
    #[default]
    Relevance,
    /// Most recently created first.
    Newest,
    /// By title, A-Z.
    Title,
    /// Nearest first (needs a location); items without coordinates last.
    Distance,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevantie",
            Sort::Newest => "nieuwste",
            Sort::Title => "titel",
            Sort::Distance => "afstand",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchRequest {
    pub text: String,
    pub kinds: Vec<Kind>,
    pub themes: Vec<String>,
    pub wijken: Vec<String>,
    pub age: Option<u8>,
    pub age_groups: Vec<String>,
    pub costs: Vec<Cost>,
    pub talents: Vec<String>,
    pub commitments: Vec<TimeCommitment>,
    /// Language keys: items offered in any of them.
    pub languages: Vec<String>,
    /// Accessibility feature keys: items with any of them.
    pub accessibility: Vec<String>,
    pub page: u32,
    pub page_size: u32,
    pub sort: Sort,
    /// Where the user is: from `postcode` or `breedtegraad`/`lengtegraad`.
    pub origin: Option<(f64, f64)>,
    /// Only items within this many kilometres of `origin` (municipality-wide items always).
    pub radius_km: Option<f64>,
    /// Explain per result why it matched.
    pub explain: bool,
    /// Facets the client left out (`facetten`): bit i stands for `FACETS[i]`. Zero, the
    /// default, counts every facet.
    pub omitted_facets: u16,
    /// No snippets (`fragmenten=false`).
    pub without_snippets: bool,
    /// The query's sentence vector, when search by meaning is on and the query is a sentence
    /// (set by the service, not by the client; see `crate::meaning`).
    pub meaning: Option<std::sync::Arc<[f32]>>,
}

/// The facets an answer counts, by wire name, in the order of the answer's `facetten`.
pub const FACETS: [&str; 9] = [
    "soort",
    "thema",
    "wijk",
    "leeftijdsgroep",
    "kosten",
    "talent",
    "tijdsbesteding",
    "taal",
    "toegankelijkheid",
];

/// `facetten=geen`: count no facet at all.
pub const NO_FACETS: &str = "geen";

/// A facet of the answer, in the order of [`FACETS`].
#[derive(Debug, Clone, Copy)]
pub enum Facet {
    Kind,
    Theme,
    Wijk,
    AgeGroup,
    Cost,
    Talent,
    Commitment,
    Language,
    Accessibility,
}

/// Largest search radius.
pub const MAX_RADIUS_KM: f64 = 100.0;

/// The query parameters the search endpoint understands (wire names), in documentation order,
/// and whether each may repeat (filters: `wijk=a&wijk=b` or `wijk=a,b`). The API documents the
/// same list (`api::aanbod::SearchParams`); a test keeps the two equal.
/// The orders `sorteer` accepts, by wire name.
pub const SORTS: &[(&str, Sort)] = &[
    ("relevantie", Sort::Relevance),
    ("nieuwste", Sort::Newest),
    ("titel", Sort::Title),
    ("afstand", Sort::Distance),
];

pub const PARAMETERS: &[(&str, bool)] = &[
    ("q", false),
    ("soort", true),
    ("thema", true),
    ("wijk", true),
    ("leeftijd", false),
    ("leeftijdsgroep", true),
    ("kosten", true),
    ("talent", true),
    ("tijdsbesteding", true),
    ("taal", true),
    ("toegankelijkheid", true),
    ("page", false),
    ("pageSize", false),
    ("sorteer", false),
    ("postcode", false),
    ("breedtegraad", false),
    ("lengtegraad", false),
    ("straal", false),
    ("uitleg", false),
    ("facetten", true),
    ("fragmenten", false),
];

impl SearchRequest {
    /// Parses `key=value` pairs. Filters may repeat (`wijk=a&wijk=b`) or list values with
    /// commas (`wijk=a,b`).
    pub fn parse(pairs: &[(String, String)], taxonomy: &Taxonomy) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut req = SearchRequest {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
            ..Default::default()
        };
        let mut seen_single: Vec<&str> = Vec::new();
        let (mut postcode, mut lat, mut lon) = (None, None, None);
        // The facets named in `facetten`, as bits over `FACETS`; `None`: not given.
        let mut wanted_facets: Option<u16> = None;
        let mut no_facets = false;
        for (key, value) in pairs {
            let key = key.as_str();
            let Some(&(_, repeatable)) = PARAMETERS.iter().find(|(name, _)| *name == key) else {
                let names: Vec<&str> = PARAMETERS.iter().map(|(name, _)| *name).collect();
                errors.add(
                    key,
                    format!("onbekende parameter; toegestaan: {}", names.join(", ")),
                );
                continue;
            };
            if !repeatable {
                if seen_single.contains(&key) {
                    errors.add(key, "mag maar één keer voorkomen");
                    continue;
                }
                seen_single.push(key);
            }
            let values = || {
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
            };
            match key {
                "q" => {
                    let n = value.chars().count();
                    if n > MAX_QUERY_CHARS {
                        errors.add(
                            "q",
                            format!("mag hoogstens {MAX_QUERY_CHARS} tekens lang zijn (nu {n})"),
                        );
                    } else if value.chars().any(|c| c.is_control()) {
                        errors.add("q", "bevat ongeldige (stuur)tekens");
                    } else {
                        req.text = value.trim().to_string();
                    }
                }
                "soort" => parse_enum(
                    &mut errors,
                    key,
                    values(),
                    Kind::parse,
                    Kind::allowed,
                    &mut req.kinds,
                ),
                "kosten" => parse_enum(
                    &mut errors,
                    key,
                    values(),
                    Cost::parse,
                    Cost::allowed,
                    &mut req.costs,
                ),
                "tijdsbesteding" => parse_enum(
                    &mut errors,
                    key,
                    values(),
                    TimeCommitment::parse,
                    TimeCommitment::allowed,
                    &mut req.commitments,
                ),
                "thema" => parse_keys(
                    &mut errors,
                    key,
                    values(),
                    |k| taxonomy.theme(k).is_some(),
                    &mut req.themes,
                ),
                "wijk" => parse_keys(
                    &mut errors,
                    key,
                    values(),
                    |k| taxonomy.wijk(k).is_some(),
                    &mut req.wijken,
                ),
                "talent" => parse_keys(
                    &mut errors,
                    key,
                    values(),
                    |k| taxonomy.talent(k).is_some(),
                    &mut req.talents,
                ),
                "taal" => parse_keys(
                    &mut errors,
                    key,
                    values(),
                    |k| taxonomy.language(k).is_some(),
                    &mut req.languages,
                ),
                "toegankelijkheid" => parse_keys(
                    &mut errors,
                    key,
                    values(),
                    |k| taxonomy.accessibility_feature(k).is_some(),
                    &mut req.accessibility,
                ),
                "leeftijdsgroep" => parse_keys(
                    &mut errors,
                    key,
                    values(),
                    |k| taxonomy.age_group(k).is_some(),
                    &mut req.age_groups,
                ),
                "leeftijd" => match value.trim().parse::<u8>() {
                    Ok(a) if a <= crate::domain::listing::MAX_AGE => req.age = Some(a),
                    _ => errors.add(key, "moet een geheel getal van 0 tot en met 120 zijn"),
                },
                "page" => match value.trim().parse::<u32>() {
                    Ok(p) if p >= 1 => req.page = p,
                    _ => errors.add(key, "moet een geheel getal vanaf 1 zijn"),
                },
                "pageSize" => match value.trim().parse::<u32>() {
                    Ok(s) if (1..=MAX_PAGE_SIZE).contains(&s) => req.page_size = s,
                    _ => errors.add(
                        key,
                        format!("moet een geheel getal van 1 tot en met {MAX_PAGE_SIZE} zijn"),
                    ),
                },
                "sorteer" => match SORTS.iter().find(|(name, _)| *name == value.trim()) {
                    Some((_, sort)) => req.sort = *sort,
                    None => errors.add(key, "kies uit: relevantie, nieuwste, titel, afstand"),
                },
                "postcode" => match crate::geo::postcode_centroid(value) {
                    Some(p) => postcode = Some(p),
                    None => errors.add(key, "onbekende of ongeldige postcode (bijvoorbeeld 3831 of 3831 AB)"),
                },
                "breedtegraad" => match value.trim().parse::<f64>() {
                    Ok(v) if (-90.0..=90.0).contains(&v) => lat = Some(v),
                    _ => errors.add(key, "moet een getal tussen -90 en 90 zijn"),
                },
                "lengtegraad" => match value.trim().parse::<f64>() {
                    Ok(v) if (-180.0..=180.0).contains(&v) => lon = Some(v),
                    _ => errors.add(key, "moet een getal tussen -180 en 180 zijn"),
                },
                "straal" => match value.trim().parse::<f64>() {
                    Ok(v) if v > 0.0 && v <= MAX_RADIUS_KM => req.radius_km = Some(v),
                    _ => errors.add(key, format!("moet een afstand in kilometers zijn, groter dan 0 en hoogstens {MAX_RADIUS_KM}")),
                },
                "uitleg" => match value.trim() {
                    "true" => req.explain = true,
                    "false" => req.explain = false,
                    _ => errors.add(key, "moet true of false zijn"),
                },
                "facetten" => {
                    let names: Vec<String> = values().collect();
                    if names.is_empty() {
                        errors.add(key, format!("noem een of meer facetten ({}), of {NO_FACETS}", FACETS.join(", ")));
                    }
                    for name in names {
                        if name == NO_FACETS {
                            no_facets = true;
                        } else if let Some(i) = FACETS.iter().position(|f| *f == name) {
                            *wanted_facets.get_or_insert(0) |= 1 << i;
                        } else {
                            let shown: String = name.chars().take(64).collect();
                            errors.add(key, format!("onbekend facet {shown:?}; toegestaan: {}, of {NO_FACETS}", FACETS.join(", ")));
                        }
                    }
                }
                "fragmenten" => match value.trim() {
                    "true" => req.without_snippets = false,
                    "false" => req.without_snippets = true,
                    _ => errors.add(key, "moet true of false zijn"),
                },
                _ => unreachable_parameter(&mut errors, key),
            }
        }
        let all_facets: u16 = (1 << FACETS.len()) - 1;
        match (no_facets, wanted_facets) {
            (true, Some(_)) => errors.add(
                "facetten",
                format!("{NO_FACETS} kan niet samen met een facet"),
            ),
            (true, None) => req.omitted_facets = all_facets,
            (false, Some(wanted)) => req.omitted_facets = all_facets & !wanted,
            (false, None) => {}
        }
        match (postcode, lat, lon) {
            (Some(p), None, None) => req.origin = Some(p),
            (None, Some(la), Some(lo)) => req.origin = Some((la, lo)),
            (None, None, None) => {}
            (Some(_), _, _) => {
                errors.add("postcode", "geef een postcode óf coördinaten, niet allebei")
            }
            (None, _, _) => errors.add("lengtegraad", "geef breedtegraad en lengtegraad allebei"),
        }
        let location_error = errors
            .as_slice()
            .iter()
            .any(|e| e.name == "postcode" || e.name.ends_with("graad"));
        if req.origin.is_none() && !location_error {
            if req.radius_km.is_some() {
                errors.add("straal", "kan alleen met een postcode of coördinaten");
            }
            if req.sort == Sort::Distance {
                errors.add(
                    "sorteer",
                    "sorteren op afstand kan alleen met een postcode of coördinaten",
                );
            }
        }
        if errors.is_empty()
            && u64::from(req.page) * u64::from(req.page_size) > u64::from(MAX_RESULT_WINDOW)
        {
            errors.add(
                "page",
                format!("resultaten voorbij nummer {MAX_RESULT_WINDOW} zijn niet op te vragen; verfijn de zoekvraag"),
            );
        }
        errors.finish(|| req)
    }

    /// True when the answer counts `facet` (not left out with `facetten`).
    pub fn counts_facet(&self, facet: Facet) -> bool {
        self.omitted_facets & (1 << facet as u16) == 0
    }

    /// Results to skip before this page.
    pub fn offset(&self) -> usize {
        (self.page.saturating_sub(1) * self.page_size) as usize
    }
}

fn unreachable_parameter(errors: &mut FieldErrors, key: &str) {
    errors.add(key, "wordt niet ondersteund");
}

fn parse_enum<T: PartialEq>(
    errors: &mut FieldErrors,
    key: &str,
    values: impl Iterator<Item = String>,
    parse: impl Fn(&str) -> Option<T>,
    allowed: impl Fn() -> String,
    out: &mut Vec<T>,
) {
    for v in values {
        match parse(&v) {
            Some(x) if !out.contains(&x) => out.push(x),
            Some(_) => {}
            None => errors.add(
                key,
                format!("onbekende waarde {v:?}; kies uit: {}", allowed()),
            ),
        }
    }
}

fn parse_keys(
    errors: &mut FieldErrors,
    key: &str,
    values: impl Iterator<Item = String>,
    known: impl Fn(&str) -> bool,
    out: &mut Vec<String>,
) {
    for v in values {
        if !known(&v) {
            let shown: String = v.chars().take(64).collect();
            errors.add(
                key,
                format!("onbekende waarde {shown:?}; zie de taxonomie-endpoints"),
            );
        } else if !out.contains(&v) {
            if out.len() >= MAX_FILTER_VALUES {
                errors.add(key, format!("hoogstens {MAX_FILTER_VALUES} waarden"));
                return;
            }
            out.push(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Term;

    fn taxonomy() -> Taxonomy {
        Taxonomy {
            themes: vec![Term {
                key: crate::domain::TermKey::parse("geldzaken").unwrap(),
                label: "Geld".into(),
                retired: false,
            }],
            wijken: vec![
                Term {
                    key: crate::domain::TermKey::parse("hamersveld").unwrap(),
                    label: "Hamersveld".into(),
                    retired: false,
                },
                Term {
                    key: crate::domain::TermKey::parse("achterveld").unwrap(),
                    label: "Achterveld".into(),
                    retired: false,
                },
            ],
            ..Default::default()
        }
    }

    fn pairs(q: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(q.as_bytes()).into_owned().collect()
    }

    #[test]
    fn repeated_and_comma_separated_values_combine() {
        let r = SearchRequest::parse(
            &pairs("wijk=hamersveld&wijk=achterveld,hamersveld&q=+schulden+"),
            &taxonomy(),
        )
        .unwrap();
        assert_eq!(r.wijken, vec!["hamersveld", "achterveld"]);
        assert_eq!(r.text, "schulden");
        assert_eq!((r.page, r.page_size, r.sort), (1, 20, Sort::Relevance));
    }

    #[test]
    fn every_bad_parameter_is_reported() {
        let err = SearchRequest::parse(
            &pairs("soort=winkel&thema=onbekend&leeftijd=200&pageSize=101&page=0&sorteer=x&foo=1"),
            &taxonomy(),
        )
        .unwrap_err();
        let names: Vec<_> = err.as_slice().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "soort", "thema", "leeftijd", "pageSize", "page", "sorteer", "foo"
            ]
        );
    }

    #[test]
    fn deep_pages_and_long_queries_are_refused() {
        assert!(SearchRequest::parse(&pairs("page=101&pageSize=100"), &taxonomy()).is_err());
        assert!(SearchRequest::parse(&pairs("page=100&pageSize=100"), &taxonomy()).is_ok());
        let long = format!("q={}", "a".repeat(201));
        assert!(SearchRequest::parse(&pairs(&long), &taxonomy()).is_err());
    }

    #[test]
    fn facetten_names_the_facets_in_the_order_of_the_facet_enum() {
        let all = [
            (Facet::Kind, "soort"),
            (Facet::Theme, "thema"),
            (Facet::Wijk, "wijk"),
            (Facet::AgeGroup, "leeftijdsgroep"),
            (Facet::Cost, "kosten"),
            (Facet::Talent, "talent"),
            (Facet::Commitment, "tijdsbesteding"),
            (Facet::Language, "taal"),
            (Facet::Accessibility, "toegankelijkheid"),
        ];
        assert_eq!(all.len(), FACETS.len());
        for (facet, name) in all {
            let r = SearchRequest::parse(&pairs(&format!("facetten={name}")), &taxonomy()).unwrap();
            for (other, _) in all {
                assert_eq!(
                    r.counts_facet(other),
                    other as u16 == facet as u16,
                    "facetten={name}"
                );
            }
        }
        let none = SearchRequest::parse(&pairs("facetten=geen"), &taxonomy()).unwrap();
        assert!(all.iter().all(|(f, _)| !none.counts_facet(*f)));
        let default = SearchRequest::parse(&pairs("q=x"), &taxonomy()).unwrap();
        assert!(all.iter().all(|(f, _)| default.counts_facet(*f)));
    }
}
