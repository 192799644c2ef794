//! The wire records of the import format and their validation into domain types.

use std::collections::HashSet;

use serde::Deserialize;

use crate::domain::taxonomy::{MAX_TERMS_PER_FACET, is_valid_key};
use crate::domain::validation::{
    is_https_url, is_valid_dutch_phone, is_valid_email, looks_like_html, normalise_postcode,
};
use crate::domain::{
    AgeGroup, AgeRange, Contact, Cost, FieldErrors, Kind, Location, NewListing, Status, Taxonomy,
    Term, TimeCommitment, Vacancy,
};
use crate::store::NewOrganisation;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportDocument {
    #[serde(default)]
    pub taxonomie: Option<TaxonomyRecord>,
    #[serde(default)]
    pub organisaties: Vec<OrganisationRecord>,
    #[serde(default)]
    pub aanbod: Vec<ListingRecord>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyRecord {
    #[serde(default)]
    pub themas: Vec<TermRecord>,
    #[serde(default)]
    pub wijken: Vec<TermRecord>,
    #[serde(default)]
    pub leeftijdsgroepen: Vec<AgeGroupRecord>,
    #[serde(default)]
    pub talenten: Vec<TermRecord>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermRecord {
    pub sleutel: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgeGroupRecord {
    pub sleutel: String,
    pub label: String,
    pub min_leeftijd: i64,
    pub max_leeftijd: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OrganisationRecord {
    pub extern_id: String,
    pub naam: String,
    #[serde(default)]
    pub beschrijving: String,
    pub website: Option<String>,
    pub telefoon: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListingRecord {
    pub extern_id: String,
    pub soort: String,
    pub organisatie: String,
    pub titel: String,
    pub samenvatting: String,
    #[serde(default)]
    pub beschrijving: String,
    #[serde(default)]
    pub themas: Vec<String>,
    #[serde(default)]
    pub wijken: Vec<String>,
    #[serde(default)]
    pub hele_gemeente: bool,
    pub min_leeftijd: i64,
    pub max_leeftijd: i64,
    pub locatie: Option<LocationRecord>,
    pub kosten: String,
    #[serde(default)]
    pub contact: Option<ContactRecord>,
    #[serde(default)]
    pub tijden: String,
    pub status: Option<String>,
    pub laatst_gecontroleerd: Option<String>,
    pub vacature: Option<VacancyRecord>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationRecord {
    pub adres: Option<String>,
    pub postcode: Option<String>,
    pub plaats: Option<String>,
    pub breedtegraad: Option<f64>,
    pub lengtegraad: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactRecord {
    pub telefoon: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VacancyRecord {
    pub tijdsbesteding: String,
    pub uren_per_week: Option<f64>,
    #[serde(default)]
    pub talenten: Vec<String>,
    pub einddatum: Option<String>,
}

/// External ids: letters, digits, `.`, `_` and `-`, 1-100 characters.
fn is_valid_external_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn plain_text(errors: &mut FieldErrors, name: &str, value: &str, min: usize, max: usize) {
    errors.check_len(name, value, min, max);
    if looks_like_html(value) {
        errors.add(name, "mag geen HTML bevatten; gebruik platte tekst");
    }
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn contact(
    errors: &mut FieldErrors,
    at: &str,
    phone: &Option<String>,
    email: &Option<String>,
    website: &Option<String>,
) -> Contact {
    let c = Contact {
        phone: non_empty(phone),
        email: non_empty(email),
        website: non_empty(website),
    };
    if let Some(p) = &c.phone
        && !is_valid_dutch_phone(p)
    {
        errors.add(
            format!("{at}telefoon"),
            "geen geldig Nederlands telefoonnummer",
        );
    }
    if let Some(e) = &c.email
        && !is_valid_email(e)
    {
        errors.add(format!("{at}email"), "geen geldig e-mailadres");
    }
    if let Some(w) = &c.website
        && !is_https_url(w)
    {
        errors.add(format!("{at}website"), "moet een https://-adres zijn");
    }
    c
}

fn parse_date(
    errors: &mut FieldErrors,
    name: &str,
    value: &Option<String>,
) -> Option<chrono::NaiveDate> {
    let v = value.as_deref()?;
    match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(name, "moet een datum zijn als JJJJ-MM-DD");
            None
        }
    }
}

impl ImportDocument {
    /// Concatenates several documents' sections, in order.
    pub fn merge(docs: Vec<ImportDocument>) -> ImportDocument {
        let mut out = ImportDocument::default();
        for d in docs {
            if let Some(t) = d.taxonomie {
                let o = out.taxonomie.get_or_insert_with(TaxonomyRecord::default);
                o.themas.extend(t.themas);
                o.wijken.extend(t.wijken);
                o.leeftijdsgroepen.extend(t.leeftijdsgroepen);
                o.talenten.extend(t.talenten);
            }
            out.organisaties.extend(d.organisaties);
            out.aanbod.extend(d.aanbod);
        }
        out
    }

    /// The import's taxonomy terms, validated.
    pub fn taxonomy(&self, errors: &mut FieldErrors) -> Taxonomy {
        let Some(t) = &self.taxonomie else {
            return Taxonomy::default();
        };
        let terms = |errors: &mut FieldErrors, list: &[TermRecord], name: &str| {
            let mut seen = HashSet::new();
            if list.len() > MAX_TERMS_PER_FACET {
                errors.add(
                    format!("taxonomie.{name}"),
                    format!("hoogstens {MAX_TERMS_PER_FACET} termen"),
                );
            }
            list.iter()
                .enumerate()
                .map(|(i, r)| {
                    let at = format!("taxonomie.{name}[{i}]");
                    if !is_valid_key(&r.sleutel) {
                        errors.add(
                            format!("{at}.sleutel"),
                            "alleen kleine letters, cijfers en streepjes",
                        );
                    } else if !seen.insert(r.sleutel.clone()) {
                        errors.add(
                            format!("{at}.sleutel"),
                            format!("dubbele sleutel {:?}", r.sleutel),
                        );
                    }
                    plain_text(errors, &format!("{at}.label"), &r.label, 1, 100);
                    Term {
                        key: r.sleutel.clone(),
                        label: r.label.trim().to_string(),
                    }
                })
                .collect::<Vec<_>>()
        };
        let themes = terms(errors, &t.themas, "themas");
        let wijken = terms(errors, &t.wijken, "wijken");
        let talents = terms(errors, &t.talenten, "talenten");
        let mut seen = HashSet::new();
        if t.leeftijdsgroepen.len() > 64 {
            errors.add(
                "taxonomie.leeftijdsgroepen",
                "hoogstens 64 leeftijdsgroepen",
            );
        }
        let age_groups = t
            .leeftijdsgroepen
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let at = format!("taxonomie.leeftijdsgroepen[{i}]");
                if !is_valid_key(&r.sleutel) {
                    errors.add(
                        format!("{at}.sleutel"),
                        "alleen kleine letters, cijfers en streepjes",
                    );
                } else if !seen.insert(r.sleutel.clone()) {
                    errors.add(
                        format!("{at}.sleutel"),
                        format!("dubbele sleutel {:?}", r.sleutel),
                    );
                }
                plain_text(errors, &format!("{at}.label"), &r.label, 1, 100);
                match AgeRange::parse(r.min_leeftijd, r.max_leeftijd) {
                    Ok(range) => Some(AgeGroup {
                        key: r.sleutel.clone(),
                        label: r.label.trim().to_string(),
                        min_age: range.min(),
                        max_age: range.max(),
                    }),
                    Err(e) => {
                        errors.add(format!("{at}.minLeeftijd"), e);
                        None
                    }
                }
            })
            .collect();
        Taxonomy {
            themes,
            wijken,
            age_groups,
            talents,
        }
    }

    pub fn organisations(&self, errors: &mut FieldErrors) -> Vec<NewOrganisation> {
        let mut seen = HashSet::new();
        self.organisaties
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let at = format!("organisaties[{i}]");
                if !is_valid_external_id(&r.extern_id) {
                    errors.add(
                        format!("{at}.externId"),
                        "1-100 tekens: letters, cijfers, . _ -",
                    );
                } else if !seen.insert(r.extern_id.clone()) {
                    errors.add(
                        format!("{at}.externId"),
                        format!("dubbel externId {:?}", r.extern_id),
                    );
                }
                plain_text(errors, &format!("{at}.naam"), r.naam.trim(), 2, 150);
                plain_text(
                    errors,
                    &format!("{at}.beschrijving"),
                    &r.beschrijving,
                    0,
                    2000,
                );
                let c = contact(errors, &format!("{at}."), &r.telefoon, &r.email, &r.website);
                NewOrganisation {
                    external_id: r.extern_id.clone(),
                    name: r.naam.trim().to_string(),
                    description: r.beschrijving.trim().to_string(),
                    website: c.website,
                    phone: c.phone,
                    email: c.email,
                }
            })
            .collect()
    }

    /// The listings with the external id of their organisation.
    pub fn listings(
        &self,
        taxonomy: &Taxonomy,
        errors: &mut FieldErrors,
    ) -> Vec<(String, NewListing)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (i, r) in self.aanbod.iter().enumerate() {
            let at = if r.extern_id.is_empty() {
                format!("aanbod[{i}]")
            } else {
                format!(
                    "aanbod[{i}]({})",
                    r.extern_id.chars().take(100).collect::<String>()
                )
            };
            if !is_valid_external_id(&r.extern_id) {
                errors.add(
                    format!("{at}.externId"),
                    "1-100 tekens: letters, cijfers, . _ -",
                );
            } else if !seen.insert(r.extern_id.clone()) {
                errors.add(format!("{at}.externId"), "dubbel externId in deze import");
            }
            let mut e = FieldErrors::new();
            if let Some(listing) = r.validate(taxonomy, &mut e) {
                out.push((r.organisatie.clone(), listing));
            }
            errors.extend_prefixed(&at, e);
        }
        out
    }
}

impl ListingRecord {
    fn validate(&self, taxonomy: &Taxonomy, e: &mut FieldErrors) -> Option<NewListing> {
        let kind = Kind::parse(&self.soort);
        if kind.is_none() {
            e.add("soort", format!("kies uit: {}", Kind::allowed()));
        }
        if self.organisatie.trim().is_empty() {
            e.add("organisatie", "is verplicht");
        }
        plain_text(e, "titel", self.titel.trim(), 3, 120);
        plain_text(e, "samenvatting", self.samenvatting.trim(), 1, 300);
        plain_text(e, "beschrijving", &self.beschrijving, 0, 5000);
        plain_text(e, "tijden", &self.tijden, 0, 500);

        let mut keys = |name: &str, list: &[String], known: &dyn Fn(&str) -> bool| {
            let mut out: Vec<String> = Vec::new();
            for k in list {
                if !known(k) {
                    e.add(
                        name,
                        format!(
                            "onbekende sleutel {:?}",
                            k.chars().take(64).collect::<String>()
                        ),
                    );
                } else if !out.contains(k) {
                    out.push(k.clone());
                }
            }
            out
        };
        let themes = keys("themas", &self.themas, &|k| taxonomy.theme(k).is_some());
        let wijken = keys("wijken", &self.wijken, &|k| taxonomy.wijk(k).is_some());
        if self.themas.is_empty() {
            e.add("themas", "kies minstens één thema");
        }
        if self.wijken.is_empty() && !self.hele_gemeente {
            e.add("wijken", "kies minstens één wijk, of zet heleGemeente aan");
        }
        let ages = match AgeRange::parse(self.min_leeftijd, self.max_leeftijd) {
            Ok(a) => Some(a),
            Err(msg) => {
                e.add("minLeeftijd", msg);
                None
            }
        };
        let cost = Cost::parse(&self.kosten);
        if cost.is_none() {
            e.add("kosten", format!("kies uit: {}", Cost::allowed()));
        }
        let status = match &self.status {
            None => Some(Status::Gepubliceerd),
            Some(s) => {
                let st = Status::parse(s);
                if st.is_none() {
                    e.add("status", format!("kies uit: {}", Status::allowed()));
                }
                st
            }
        };
        let c = self.contact.clone().unwrap_or_default();
        let contact = contact(e, "contact.", &c.telefoon, &c.email, &c.website);
        let last_verified = parse_date(e, "laatstGecontroleerd", &self.laatst_gecontroleerd);
        if last_verified.is_some_and(|d| d > crate::domain::listing::today()) {
            e.add("laatstGecontroleerd", "ligt in de toekomst");
        }
        let location = self.locatie.as_ref().map(|l| {
            let postcode = non_empty(&l.postcode).and_then(|p| {
                let n = normalise_postcode(&p);
                if n.is_none() {
                    e.add("locatie.postcode", "geen Nederlandse postcode (1234 AB)");
                }
                n
            });
            match (l.breedtegraad, l.lengtegraad) {
                (Some(lat), Some(lon)) => {
                    if !(-90.0..=90.0).contains(&lat) {
                        e.add("locatie.breedtegraad", "moet tussen -90 en 90 liggen");
                    }
                    if !(-180.0..=180.0).contains(&lon) {
                        e.add("locatie.lengtegraad", "moet tussen -180 en 180 liggen");
                    }
                }
                (None, None) => {}
                _ => e.add(
                    "locatie",
                    "geef breedtegraad en lengtegraad allebei, of geen van beide",
                ),
            }
            for (name, v) in [("locatie.adres", &l.adres), ("locatie.plaats", &l.plaats)] {
                if let Some(v) = v {
                    plain_text(e, name, v, 0, 200);
                }
            }
            Location {
                address: non_empty(&l.adres),
                postcode,
                city: non_empty(&l.plaats),
                latitude: l.breedtegraad,
                longitude: l.lengtegraad,
            }
        });
        let vacancy = match (kind, &self.vacature) {
            (Some(Kind::Vacature), None) => {
                e.add("vacature", "is verplicht bij soort vacature");
                None
            }
            (Some(Kind::Vacature), Some(v)) => {
                let tc = TimeCommitment::parse(&v.tijdsbesteding);
                if tc.is_none() {
                    e.add(
                        "vacature.tijdsbesteding",
                        format!("kies uit: {}", TimeCommitment::allowed()),
                    );
                }
                if let Some(h) = v.uren_per_week
                    && !(0.0..=40.0).contains(&h)
                {
                    e.add("vacature.urenPerWeek", "moet tussen 0 en 40 liggen");
                }
                let mut talents = Vec::new();
                for k in &v.talenten {
                    if taxonomy.talent(k).is_none() {
                        e.add(
                            "vacature.talenten",
                            format!(
                                "onbekende sleutel {:?}",
                                k.chars().take(64).collect::<String>()
                            ),
                        );
                    } else if !talents.contains(k) {
                        talents.push(k.clone());
                    }
                }
                let end_date = parse_date(e, "vacature.einddatum", &v.einddatum);
                tc.map(|time_commitment| Vacancy {
                    time_commitment,
                    hours_per_week: v.uren_per_week,
                    talents,
                    end_date,
                })
            }
            (Some(_), Some(_)) => {
                e.add("vacature", "alleen toegestaan bij soort vacature");
                None
            }
            _ => None,
        };
        if !e.is_empty() {
            return None;
        }
        Some(NewListing {
            external_id: Some(self.extern_id.clone()),
            kind: kind?,
            title: self.titel.trim().to_string(),
            summary: self.samenvatting.trim().to_string(),
            description: self.beschrijving.trim().to_string(),
            themes,
            wijken,
            whole_municipality: self.hele_gemeente,
            ages: ages?,
            location,
            cost: cost?,
            contact,
            schedule: self.tijden.trim().to_string(),
            status: status?,
            last_verified,
            vacancy,
        })
    }
}
