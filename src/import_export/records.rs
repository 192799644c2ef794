//! The wire records of the import format and their validation into domain types.

use std::collections::HashSet;

use serde::Deserialize;

use crate::domain::content::{
    ContactInput, ListingInput, LocationInput, ReferralInput, RetiredTerms, VacancyInput, contact,
    parse_date, plain_text,
};
use crate::domain::taxonomy::{TermKind, is_valid_key};
use crate::domain::{AgeGroup, AgeRange, FieldErrors, NewListing, Status, Taxonomy, Term, TermKey};
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
    #[serde(default)]
    pub talen: Vec<TermRecord>,
    #[serde(default)]
    pub toegankelijkheid: Vec<TermRecord>,
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
    /// Details only staff see.
    pub voor_verwijzers: Option<ReferralRecord>,
    #[serde(default)]
    pub talen: Vec<String>,
    #[serde(default)]
    pub toegankelijkheid: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralRecord {
    pub telefoon: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub toelichting: String,
}

/// External ids: letters, digits, `.`, `_` and `-`, 1-100 characters.
fn is_valid_external_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
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
                o.talen.extend(t.talen);
                o.toegankelijkheid.extend(t.toegankelijkheid);
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
        let terms = |errors: &mut FieldErrors, list: &[TermRecord], name: &str, kind: TermKind| {
            let mut seen = HashSet::new();
            let max = kind.max_terms();
            if list.len() > max {
                errors.add(
                    format!("taxonomie.{name}"),
                    format!("hoogstens {max} termen"),
                );
            }
            list.iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let at = format!("taxonomie.{name}[{i}]");
                    if !kind.is_valid_key(&r.sleutel) {
                        let rule = match kind {
                            TermKind::Language => {
                                "een taalcode van twee kleine letters (ISO 639-1)"
                            }
                            _ => "alleen kleine letters, cijfers en streepjes",
                        };
                        errors.add(format!("{at}.sleutel"), rule);
                    } else if !seen.insert(r.sleutel.clone()) {
                        errors.add(
                            format!("{at}.sleutel"),
                            format!("dubbele sleutel {:?}", r.sleutel),
                        );
                    }
                    plain_text(errors, &format!("{at}.label"), &r.label, 1, 100);
                    // A malformed key was reported above; the term is left out.
                    TermKey::parse(&r.sleutel).map(|key| Term {
                        key,
                        label: r.label.trim().to_string(),
                        retired: false,
                    })
                })
                .collect::<Vec<_>>()
        };
        let themes = terms(errors, &t.themas, "themas", TermKind::Theme);
        let wijken = terms(errors, &t.wijken, "wijken", TermKind::Wijk);
        let talents = terms(errors, &t.talenten, "talenten", TermKind::Talent);
        let languages = terms(errors, &t.talen, "talen", TermKind::Language);
        let accessibility = terms(
            errors,
            &t.toegankelijkheid,
            "toegankelijkheid",
            TermKind::Accessibility,
        );
        let mut seen = HashSet::new();
        let max_groups = TermKind::AgeGroup.max_terms();
        if t.leeftijdsgroepen.len() > max_groups {
            errors.add(
                "taxonomie.leeftijdsgroepen",
                format!("hoogstens {max_groups} leeftijdsgroepen"),
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
                let key = TermKey::parse(&r.sleutel);
                match AgeRange::parse(r.min_leeftijd, r.max_leeftijd) {
                    Ok(range) => key.map(|key| AgeGroup {
                        key,
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
            languages,
            accessibility,
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

    /// The listings that pass, each with its position in `aanbod` and the external id of its
    /// organisation.
    pub fn listings(
        &self,
        taxonomy: &Taxonomy,
        errors: &mut FieldErrors,
    ) -> Vec<(usize, String, NewListing)> {
        let mut seen = HashSet::new();
        self.aanbod
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.checked(i, taxonomy, &mut seen, errors)
                    .map(|(org, l)| (i, org, l))
            })
            .collect()
    }
}

impl ListingRecord {
    /// The item at position `i` of `aanbod`, validated, with the external id of its
    /// organisation; every error is named `aanbod[i](externId).field`. `seen` holds the
    /// external ids met so far in this import (each may occur once).
    pub fn checked(
        &self,
        i: usize,
        taxonomy: &Taxonomy,
        seen: &mut HashSet<String>,
        errors: &mut FieldErrors,
    ) -> Option<(String, NewListing)> {
        let at = if self.extern_id.is_empty() {
            format!("aanbod[{i}]")
        } else {
            format!(
                "aanbod[{i}]({})",
                self.extern_id.chars().take(100).collect::<String>()
            )
        };
        let mut repeated = false;
        if !is_valid_external_id(&self.extern_id) {
            errors.add(
                format!("{at}.externId"),
                "1-100 tekens: letters, cijfers, . _ -",
            );
        } else if !seen.insert(self.extern_id.clone()) {
            errors.add(format!("{at}.externId"), "dubbel externId in deze import");
            repeated = true;
        }
        let mut e = FieldErrors::new();
        let listing = self.validate(taxonomy, &mut e);
        errors.extend_prefixed(&at, e);
        // A repeat is reported and left out, also from a dry run's writes (the first one
        // with this id is written).
        listing
            .filter(|_| !repeated)
            .map(|l| (self.organisatie.clone(), l))
    }
}

impl ListingRecord {
    fn validate(&self, taxonomy: &Taxonomy, e: &mut FieldErrors) -> Option<NewListing> {
        if self.organisatie.trim().is_empty() {
            e.add("organisatie", "is verplicht");
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
        let last_verified = parse_date(e, "laatstGecontroleerd", &self.laatst_gecontroleerd);
        if last_verified.is_some_and(|d| d > crate::domain::listing::today()) {
            e.add("laatstGecontroleerd", "ligt in de toekomst");
        }
        let content = ListingInput {
            kind: self.soort.clone(),
            title: self.titel.clone(),
            summary: self.samenvatting.clone(),
            description: self.beschrijving.clone(),
            themes: self.themas.clone(),
            wijken: self.wijken.clone(),
            whole_municipality: self.hele_gemeente,
            min_age: Some(self.min_leeftijd),
            max_age: Some(self.max_leeftijd),
            location: self.locatie.as_ref().map(|l| LocationInput {
                address: l.adres.clone(),
                postcode: l.postcode.clone(),
                city: l.plaats.clone(),
                latitude: l.breedtegraad,
                longitude: l.lengtegraad,
            }),
            cost: self.kosten.clone(),
            contact: self.contact.as_ref().map(|c| ContactInput {
                phone: c.telefoon.clone(),
                email: c.email.clone(),
                website: c.website.clone(),
            }),
            schedule: self.tijden.clone(),
            vacancy: self.vacature.as_ref().map(|v| VacancyInput {
                time_commitment: v.tijdsbesteding.clone(),
                hours_per_week: v.uren_per_week,
                talents: v.talenten.clone(),
                end_date: v.einddatum.clone(),
            }),
            referral: self.voor_verwijzers.as_ref().map(|r| ReferralInput {
                phone: r.telefoon.clone(),
                email: r.email.clone(),
                notes: r.toelichting.clone(),
            }),
            languages: self.talen.clone(),
            accessibility: self.toegankelijkheid.clone(),
        };
        // The municipality's own data: a retired term on an exported item comes back as it was.
        let listing = content.validate(taxonomy, RetiredTerms::Allowed, e);
        if !e.is_empty() {
            return None;
        }
        Some(NewListing {
            external_id: Some(self.extern_id.clone()),
            status: status?,
            last_verified,
            ..listing?
        })
    }
}
