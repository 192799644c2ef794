//! HSDS 3.0 → the import's records: an HSDS export (ours, or another system's) becomes the
//! same [`ImportDocument`] a JSON import reads, so it goes through the same validation,
//! the same all-or-nothing transaction and the same idempotence (by HSDS id, kept as the
//! external id). Errors are named by file, record and HSDS field:
//! `services.json: services[3](3a19…).minimum_age: …`.
//!
//! Taxonomy terms are resolved by id (or, for a nested term, by taxonomy and code) against
//! the database's taxonomy and the terms in the import's own `taxonomy_terms.json`. A term
//! that is in neither, or in a taxonomy Wegwijzer does not publish, is reported: the import
//! never invents one.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::wire::{Organization, Service, Taxonomy as HsdsTaxonomy, TaxonomyTerm};
use super::{
    FEATURE_END_DATE, FEATURE_HOURS, FEATURE_SUMMARY, FEATURE_WHOLE_MUNICIPALITY, Vocabulary,
};
use crate::domain::content::SUMMARY;
use crate::domain::taxonomy::TermKind;
use crate::domain::{Cost, FieldErrors, Referral, Taxonomy};
use crate::import_export::ImportError;
use crate::import_export::records::{
    AgeGroupRecord, ContactRecord, ImportDocument, ListingRecord, LocationRecord,
    OrganisationRecord, ReferralRecord, TaxonomyRecord, TermRecord,
};

/// The lists of an HSDS package as read, each record with its position in its file.
#[derive(Debug, Default)]
pub struct Package {
    pub taxonomies: Vec<HsdsTaxonomy>,
    pub terms: Vec<TaxonomyTerm>,
    pub organizations: Vec<Organization>,
    /// With the record's position in `services.json` (records that could not be read are
    /// left out, and reported).
    pub services: Vec<(usize, Service)>,
}

/// True when `dir` holds an HSDS export (`services.json` or `organizations.json`).
pub fn is_package(dir: &Path) -> bool {
    dir.join("services.json").is_file() || dir.join("organizations.json").is_file()
}

/// Reads an HSDS package directory: a syntax error stops (JSON cannot be read past one),
/// structural errors of every record are reported together and the record left out.
pub fn read_package(dir: &Path, errors: &mut FieldErrors) -> Result<Package, ImportError> {
    Ok(Package {
        taxonomies: read_list(dir, "taxonomies.json", "taxonomies", errors)?
            .into_iter()
            .map(|(_, t)| t)
            .collect(),
        terms: read_list(dir, "taxonomy_terms.json", "taxonomy_terms", errors)?
            .into_iter()
            .map(|(_, t)| t)
            .collect(),
        organizations: read_list(dir, "organizations.json", "organizations", errors)?
            .into_iter()
            .map(|(_, o)| o)
            .collect(),
        services: read_list(dir, "services.json", "services", errors)?,
    })
}

/// Reads one list file record by record, straight from the file: only the records read so far
/// are held, never the whole text or a tree of it (an export of 100k services is 250 MB).
fn read_list<T: DeserializeOwned>(
    dir: &Path,
    file: &str,
    list: &str,
    errors: &mut FieldErrors,
) -> Result<Vec<(usize, T)>, ImportError> {
    let path = dir.join(file);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let unreadable = |message: String| ImportError::Unreadable {
        file: file.to_string(),
        message,
    };
    let reader = std::io::BufReader::with_capacity(
        1 << 20,
        std::fs::File::open(&path).map_err(|e| unreadable(e.to_string()))?,
    );
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut records = Records {
        file,
        list,
        errors,
        out: Vec::new(),
    };
    let syntax = |e: serde_json::Error| {
        if e.is_data() {
            unreadable("verwacht een lijst (JSON-array) van HSDS-objecten".into())
        } else {
            unreadable(format!(
                "regel {}, kolom {}: geen geldige JSON",
                e.line(),
                e.column()
            ))
        }
    };
    serde::Deserializer::deserialize_any(&mut de, ListVisitor(&mut records)).map_err(syntax)?;
    de.end().map_err(syntax)?;
    Ok(records.out)
}

/// The records read so far, and the structural errors of the ones that could not be read.
struct Records<'a, T> {
    file: &'a str,
    list: &'a str,
    errors: &'a mut FieldErrors,
    out: Vec<(usize, T)>,
}

impl<T: DeserializeOwned> Records<'_, T> {
    /// One record: read on its own (as a small tree), so an error names it and the rest go on.
    fn push(&mut self, i: usize, item: Value) {
        match serde_path_to_error::deserialize::<_, T>(item) {
            Ok(record) => self.out.push((i, record)),
            Err(e) => {
                let path = e.path().to_string();
                let (file, list) = (self.file, self.list);
                let at = if path == "." {
                    format!("{file}: {list}[{i}]")
                } else {
                    format!("{file}: {list}[{i}].{path}")
                };
                self.errors
                    .add(at, structural_reason(&e.into_inner().to_string()));
            }
        }
    }
}

/// A JSON array of records, or an object whose `contents` is one (other keys skipped).
struct ListVisitor<'r, 'a, T>(&'r mut Records<'a, T>);

impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for ListVisitor<'_, '_, T> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of HSDS objects")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(item) = seq.next_element::<Value>()? {
            self.0.push(i, item);
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "contents" {
                map.next_value_seed(ContentsSeed(&mut *self.0))?;
                found = true;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        if found {
            Ok(())
        } else {
            Err(serde::de::Error::custom("no contents"))
        }
    }
}

struct ContentsSeed<'r, 'a, T>(&'r mut Records<'a, T>);

impl<'de, T: DeserializeOwned> serde::de::DeserializeSeed<'de> for ContentsSeed<'_, '_, T> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(ListVisitor(self.0))
    }
}

/// serde's English messages, said in Dutch.
fn structural_reason(message: &str) -> String {
    if message.starts_with("invalid type") {
        let expected = message.rsplit("expected ").next().unwrap_or("");
        let expected = match expected {
            e if e.contains("string") => "tekst",
            e if e.contains("f64") || e.contains("number") => "een getal",
            e if e.contains("sequence") => "een lijst",
            e if e.contains("struct") || e.contains("map") => "een object",
            _ => "een ander type",
        };
        format!("verkeerd type: verwacht {expected}")
    } else {
        format!("niet te lezen ({message})")
    }
}

/// What a term id stands for.
#[derive(Debug, Clone)]
enum Resolved {
    Ours(Vocabulary, String),
    /// A term of a taxonomy Wegwijzer does not publish (its name, for the message).
    Foreign(String),
}

/// Term ids → (taxonomy, code): the fixed lists, the database's terms and the import's own.
struct Terms {
    by_id: HashMap<String, Resolved>,
}

impl Terms {
    fn new(db: &Taxonomy, package: &Package) -> Terms {
        let mut by_id = HashMap::new();
        for v in Vocabulary::ALL {
            let codes: Vec<String> = match v {
                Vocabulary::Terms(TermKind::AgeGroup) => {
                    db.age_groups.iter().map(|g| g.key.to_string()).collect()
                }
                Vocabulary::Terms(kind) => {
                    db.terms(kind).iter().map(|t| t.key.to_string()).collect()
                }
                _ => v
                    .fixed_terms()
                    .into_iter()
                    .map(|(c, _, _)| c.to_string())
                    .collect(),
            };
            for code in codes {
                by_id.insert(v.term_id(&code), Resolved::Ours(v, code));
            }
        }
        let taxonomy_names: HashMap<&str, &str> = package
            .taxonomies
            .iter()
            .map(|t| (t.id.as_str(), t.name.as_str()))
            .collect();
        for t in &package.terms {
            let resolved = match (vocabulary_of(t, &taxonomy_names), &t.code) {
                (Some(v), Some(code)) => Resolved::Ours(v, code.clone()),
                _ => Resolved::Foreign(taxonomy_name(t, &taxonomy_names)),
            };
            by_id.entry(t.id.clone()).or_insert(resolved);
        }
        Terms { by_id }
    }

    fn resolve(&self, a: &super::wire::Attribute) -> Result<(Vocabulary, String), String> {
        if let Some(found) = a
            .taxonomy_term_id
            .as_ref()
            .and_then(|id| self.by_id.get(id))
        {
            return match found {
                Resolved::Ours(v, code) => Ok((*v, code.clone())),
                Resolved::Foreign(name) => Err(format!(
                    "de term komt uit de taxonomie {name:?}, die Wegwijzer niet kent"
                )),
            };
        }
        if let Some(t) = &a.taxonomy_term {
            if let Some(Resolved::Ours(v, code)) = self.by_id.get(&t.id) {
                return Ok((*v, code.clone()));
            }
            let vocabulary = t
                .taxonomy
                .as_deref()
                .and_then(Vocabulary::parse)
                .or_else(|| {
                    Vocabulary::ALL
                        .into_iter()
                        .find(|v| t.taxonomy_id.as_deref() == Some(v.id().as_str()))
                });
            return match (vocabulary, &t.code, &t.taxonomy) {
                (Some(v), Some(code), _) => Ok((v, code.clone())),
                (None, _, Some(taxonomy)) => Err(format!(
                    "de term {:?} komt uit de taxonomie {taxonomy:?}, die Wegwijzer niet kent",
                    t.name
                )),
                _ => Err(format!(
                    "onbekende term {:?}: niet in een taxonomie van Wegwijzer",
                    t.name
                )),
            };
        }
        match &a.taxonomy_term_id {
            Some(id) => Err(format!(
                "onbekende term {id:?}: niet in Wegwijzer en niet in taxonomy_terms.json"
            )),
            None => Err("geef taxonomy_term_id".into()),
        }
    }
}

fn vocabulary_of(t: &TaxonomyTerm, names: &HashMap<&str, &str>) -> Option<Vocabulary> {
    if let Some(v) = t.taxonomy.as_deref().and_then(Vocabulary::parse) {
        return Some(v);
    }
    let id = t.taxonomy_id.as_deref()?;
    Vocabulary::ALL
        .into_iter()
        .find(|v| v.id() == id)
        .or_else(|| names.get(id).and_then(|n| Vocabulary::parse(n)))
}

fn taxonomy_name(t: &TaxonomyTerm, names: &HashMap<&str, &str>) -> String {
    t.taxonomy
        .clone()
        .or_else(|| {
            t.taxonomy_id
                .as_deref()
                .and_then(|id| names.get(id).map(|n| n.to_string()))
        })
        .unwrap_or_else(|| "zonder naam".into())
}

/// Where each record of the converted document came from: (file, position, HSDS id).
#[derive(Debug, Default)]
pub struct Positions {
    pub organisations: Vec<(String, usize, String)>,
    pub listings: Vec<(String, usize, String)>,
}

/// Converts a package into an import document. `referrals` holds the staff-only details of
/// items that already exist (by external id): HSDS has no place for them, so an import
/// keeps them rather than wiping them.
pub fn to_document(
    package: Package,
    db: &Taxonomy,
    referrals: &HashMap<String, Referral>,
    errors: &mut FieldErrors,
) -> (ImportDocument, Positions) {
    let terms = Terms::new(db, &package);
    let mut positions = Positions::default();
    let taxonomy_names: HashMap<&str, &str> = package
        .taxonomies
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();

    // The import's own terms of Wegwijzer's lists become its taxonomy section; terms of
    // other taxonomies are only reported when an item uses them.
    let mut taxonomy = TaxonomyRecord::default();
    for (i, t) in package.terms.iter().enumerate() {
        let Some(v) = vocabulary_of(t, &taxonomy_names) else {
            continue;
        };
        let Vocabulary::Terms(kind) = v else { continue };
        let at = format!("taxonomy_terms.json: taxonomy_terms[{i}]");
        let Some(code) = t.code.clone() else {
            errors.add(
                format!("{at}.code"),
                "is verplicht voor een term van Wegwijzer",
            );
            continue;
        };
        let term = TermRecord {
            sleutel: code.clone(),
            label: t.name.clone(),
        };
        match kind {
            TermKind::Theme => taxonomy.themas.push(term),
            TermKind::Wijk => taxonomy.wijken.push(term),
            TermKind::Talent => taxonomy.talenten.push(term),
            TermKind::Language => taxonomy.talen.push(term),
            TermKind::Accessibility => taxonomy.toegankelijkheid.push(term),
            TermKind::AgeGroup => match ages_in(&t.description) {
                Some((min, max)) => taxonomy.leeftijdsgroepen.push(AgeGroupRecord {
                    sleutel: code,
                    label: t.name.clone(),
                    min_leeftijd: min,
                    max_leeftijd: max,
                }),
                None => errors.add(
                    format!("{at}.description"),
                    "noem de leeftijden, zoals \"Van 12 tot en met 17 jaar.\"",
                ),
            },
        }
    }

    let mut organisaties = Vec::new();
    let mut known_orgs = HashSet::new();
    let mut organisation = |o: &Organization, file: &str, i: usize| {
        if !known_orgs.insert(o.id.clone()) {
            return;
        }
        positions
            .organisations
            .push((file.to_string(), i, o.id.clone()));
        organisaties.push(OrganisationRecord {
            extern_id: o.id.clone(),
            naam: o.name.clone(),
            beschrijving: if o.description == o.name {
                String::new()
            } else {
                o.description.clone()
            },
            website: o.website.clone(),
            telefoon: o.phones.first().map(|p| p.number.clone()),
            email: o.email.clone(),
        });
    };
    for (i, o) in package.organizations.iter().enumerate() {
        organisation(o, "organizations.json", i);
    }
    // A service may nest its organisation instead of listing it separately.
    for (i, s) in &package.services {
        if let Some(o) = &s.organization {
            organisation(o, "services.json", *i);
        }
    }

    let mut aanbod = Vec::with_capacity(package.services.len());
    for (i, s) in package.services {
        let at = format!("services.json: services[{i}]({})", s.id);
        positions
            .listings
            .push(("services.json".into(), i, s.id.clone()));
        aanbod.push(listing(&s, &terms, db, referrals, &at, errors));
    }
    let has_terms = taxonomy.themas.len()
        + taxonomy.wijken.len()
        + taxonomy.talenten.len()
        + taxonomy.talen.len()
        + taxonomy.toegankelijkheid.len()
        + taxonomy.leeftijdsgroepen.len()
        > 0;
    (
        ImportDocument {
            taxonomie: has_terms.then_some(taxonomy),
            organisaties,
            aanbod,
        },
        positions,
    )
}

/// The two ages in "Van 12 tot en met 17 jaar." (the first two numbers).
fn ages_in(text: &str) -> Option<(i64, i64)> {
    let numbers: Vec<i64> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    match numbers.as_slice() {
        [min, max, ..] => Some((*min, *max)),
        _ => None,
    }
}

/// One service as an import record. Problems only HSDS can have (unknown terms, a status
/// outside the standard) are reported here; the record's content is checked by the import
/// like any other.
fn listing(
    s: &Service,
    terms: &Terms,
    db: &Taxonomy,
    referrals: &HashMap<String, Referral>,
    at: &str,
    errors: &mut FieldErrors,
) -> ListingRecord {
    let mut kind = None;
    let mut cost = None;
    let mut time_commitment = None;
    let mut summary = None;
    let mut hours = None;
    let mut end_date = None;
    let mut whole_municipality = false;
    let mut lists: HashMap<TermKind, Vec<String>> = HashMap::new();
    for (j, a) in s.attributes.iter().enumerate() {
        let (v, code) = match terms.resolve(a) {
            Ok(found) => found,
            Err(reason) => {
                errors.add(format!("{at}.attributes[{j}].taxonomy_term_id"), reason);
                continue;
            }
        };
        let value = a.value.clone().unwrap_or_default();
        match v {
            Vocabulary::Kind => kind = Some(code),
            Vocabulary::Cost => cost = Some(code),
            Vocabulary::TimeCommitment => time_commitment = Some(code),
            Vocabulary::Feature => match code.as_str() {
                FEATURE_SUMMARY => summary = Some(value),
                FEATURE_HOURS => match value.trim().replace(',', ".").parse::<f64>() {
                    Ok(h) => hours = Some(h),
                    Err(_) => errors.add(
                        format!("{at}.attributes[{j}].value"),
                        "uren per week: verwacht een getal",
                    ),
                },
                FEATURE_END_DATE => end_date = Some(value.trim().to_string()),
                FEATURE_WHOLE_MUNICIPALITY => whole_municipality = true,
                other => errors.add(
                    format!("{at}.attributes[{j}].taxonomy_term_id"),
                    format!("onbekend kenmerk {other:?}"),
                ),
            },
            Vocabulary::Terms(TermKind::AgeGroup) => {}
            Vocabulary::Terms(kind) => lists.entry(kind).or_default().push(code),
        }
    }
    let mut list = |kind: TermKind| lists.remove(&kind).unwrap_or_default();
    let mut wijken = list(TermKind::Wijk);
    if wijken.is_empty() {
        // Another system's data: service areas named like one of our wijken.
        for area in &s.service_areas {
            let Some(name) = &area.name else { continue };
            if let Some(t) = db
                .wijken
                .iter()
                .find(|t| t.label.eq_ignore_ascii_case(name.trim()))
            {
                wijken.push(t.key.to_string());
            }
        }
    }
    let themas = list(TermKind::Theme);
    let talenten = list(TermKind::Talent);
    let toegankelijkheid = list(TermKind::Accessibility);
    let mut talen: Vec<String> = s
        .languages
        .iter()
        .filter_map(|l| {
            l.code.clone().map(|c| c.to_lowercase()).or_else(|| {
                let name = l.name.as_deref()?.trim();
                db.languages
                    .iter()
                    .find(|t| t.label.eq_ignore_ascii_case(name))
                    .map(|t| t.key.to_string())
            })
        })
        .collect();
    talen.extend(list(TermKind::Language));
    let mut seen = HashSet::new();
    talen.retain(|t| seen.insert(t.clone()));

    let description = s.description.clone().unwrap_or_default();
    let summary = summary.unwrap_or_else(|| first_sentence(&description, &s.name));
    let beschrijving = if description.trim() == summary.trim() {
        String::new()
    } else {
        description
    };
    let status = match s.status.as_str() {
        "active" => None,
        "inactive" | "defunct" | "temporarily closed" => Some("gearchiveerd".to_string()),
        other => {
            errors.add(
                format!("{at}.status"),
                format!(
                    "onbekende status {other:?}; kies uit: active, inactive, defunct, temporarily closed"
                ),
            );
            None
        }
    };
    let cost = cost.or_else(|| {
        let fees = s.fees_description.as_deref()?.trim().trim_end_matches('.');
        Cost::ALL
            .iter()
            .find(|c| c.label().eq_ignore_ascii_case(fees) || c.as_str() == fees)
            .map(|c| c.as_str().to_string())
    });
    let kind = kind.unwrap_or_else(|| "voorziening".into());
    let place = s
        .service_at_locations
        .first()
        .and_then(|sal| sal.location.as_ref());
    let locatie = place.map(|p| {
        let address = p.addresses.first();
        LocationRecord {
            adres: address.map(|a| a.address_1.clone()),
            postcode: address.map(|a| a.postal_code.clone()),
            plaats: address.map(|a| a.city.clone()),
            breedtegraad: p.latitude,
            lengtegraad: p.longitude,
        }
    });
    let phone = s.phones.first().map(|p| p.number.clone());
    let contact =
        (phone.is_some() || s.email.is_some() || s.url.is_some()).then(|| ContactRecord {
            telefoon: phone,
            email: s.email.clone(),
            website: s.url.clone(),
        });
    let vacature = (kind == "vacature").then(|| crate::import_export::records::VacancyRecord {
        tijdsbesteding: time_commitment.clone().unwrap_or_default(),
        uren_per_week: hours,
        talenten: talenten.clone(),
        einddatum: end_date.clone(),
    });
    let voor_verwijzers = referrals.get(&s.id).map(|r| ReferralRecord {
        telefoon: r.phone.clone(),
        email: r.email.clone(),
        toelichting: r.notes.clone(),
    });
    let age = |a: Option<f64>, default: i64| match a {
        Some(x) if x.fract() == 0.0 => x as i64,
        // Out of range on purpose: the import names the field.
        Some(_) => -1,
        None => default,
    };
    ListingRecord {
        extern_id: s.id.clone(),
        soort: kind,
        organisatie: s
            .organization_id
            .clone()
            .or_else(|| s.organization.as_ref().map(|o| o.id.clone()))
            .unwrap_or_default(),
        titel: s.name.clone(),
        samenvatting: summary,
        beschrijving,
        themas,
        wijken,
        hele_gemeente: whole_municipality,
        min_leeftijd: age(s.minimum_age, 0),
        max_leeftijd: age(s.maximum_age, i64::from(crate::domain::listing::MAX_AGE)),
        locatie,
        kosten: cost.unwrap_or_default(),
        contact,
        tijden: s
            .schedules
            .iter()
            .filter_map(|x| x.description.clone())
            .collect::<Vec<_>>()
            .join("; "),
        status,
        laatst_gecontroleerd: s
            .assured_date
            .as_ref()
            .map(|d| d.chars().take(10).collect()),
        vacature,
        voor_verwijzers,
        talen,
        toegankelijkheid,
    }
}

/// A summary for data without one: the description's first sentence, cut at a word within
/// the summary's limit; the name when there is no description.
fn first_sentence(description: &str, name: &str) -> String {
    let text = description.trim();
    if text.is_empty() {
        return name.trim().to_string();
    }
    let end = text
        .char_indices()
        .find(|(i, c)| {
            matches!(c, '.' | '!' | '?')
                && text[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map_or(text.len(), |(i, c)| i + c.len_utf8());
    let sentence = &text[..end];
    if sentence.chars().count() <= SUMMARY.max {
        return sentence.to_string();
    }
    let mut cut = String::new();
    for word in sentence.split_whitespace() {
        if cut.chars().count() + word.chars().count() + 2 > SUMMARY.max {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    cut.push('…');
    cut
}

/// Our field names (in validation errors) as the HSDS fields they came from.
pub fn hsds_field(ours: &str, organisation: bool) -> String {
    let attr = |v: Vocabulary| format!("attributes ({})", v.name());
    let feature = |code: &str| format!("attributes ({}: {code})", Vocabulary::Feature.name());
    let (head, rest) = match ours.find(['.', '[']) {
        Some(i) if !ours[..i].is_empty() => (&ours[..i], &ours[i..]),
        _ => (ours, ""),
    };
    let sub = rest.trim_start_matches('.');
    if organisation {
        return match head {
            "externId" => "id".into(),
            "naam" => "name".into(),
            "beschrijving" => "description".into(),
            "telefoon" => "phones[0].number".into(),
            other => other.into(),
        };
    }
    match head {
        "externId" => "id".into(),
        "organisatie" => "organization_id".into(),
        "soort" => attr(Vocabulary::Kind),
        "titel" => "name".into(),
        "samenvatting" => feature(FEATURE_SUMMARY),
        "beschrijving" => "description".into(),
        "themas" => attr(Vocabulary::Terms(TermKind::Theme)),
        "wijken" => attr(Vocabulary::Terms(TermKind::Wijk)),
        "heleGemeente" => feature(FEATURE_WHOLE_MUNICIPALITY),
        "minLeeftijd" => "minimum_age".into(),
        "maxLeeftijd" => "maximum_age".into(),
        "kosten" => attr(Vocabulary::Cost),
        "tijden" => "schedules[0].description".into(),
        "talen" => "languages".into(),
        "toegankelijkheid" => attr(Vocabulary::Terms(TermKind::Accessibility)),
        "laatstGecontroleerd" => "assured_date".into(),
        "status" => "status".into(),
        "locatie" => {
            let location = "service_at_locations[0].location";
            match sub {
                "adres" => format!("{location}.addresses[0].address_1"),
                "postcode" => format!("{location}.addresses[0].postal_code"),
                "plaats" => format!("{location}.addresses[0].city"),
                "breedtegraad" => format!("{location}.latitude"),
                "lengtegraad" => format!("{location}.longitude"),
                _ => location.into(),
            }
        }
        "contact" => match sub {
            "telefoon" => "phones[0].number".into(),
            "email" => "email".into(),
            "website" => "url".into(),
            _ => "phones".into(),
        },
        "vacature" => match sub.split(['.', '[']).next().unwrap_or("") {
            "tijdsbesteding" => attr(Vocabulary::TimeCommitment),
            "urenPerWeek" => feature(FEATURE_HOURS),
            "einddatum" => feature(FEATURE_END_DATE),
            "talenten" => attr(Vocabulary::Terms(TermKind::Talent)),
            _ => attr(Vocabulary::Kind),
        },
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_the_first_sentence_within_the_limit() {
        assert_eq!(
            first_sentence("Koffie en een praatje. Elke dinsdag.", "x"),
            "Koffie en een praatje."
        );
        assert_eq!(first_sentence("", "Naam"), "Naam");
        assert_eq!(
            first_sentence("Om 10.30 uur open", "x"),
            "Om 10.30 uur open"
        );
        let long = "woord ".repeat(100);
        let s = first_sentence(&long, "x");
        assert!(s.chars().count() <= SUMMARY.max && s.ends_with('…'));
    }

    #[test]
    fn our_field_names_become_hsds_names() {
        assert_eq!(hsds_field("titel", false), "name");
        assert_eq!(hsds_field("minLeeftijd", false), "minimum_age");
        assert_eq!(
            hsds_field("themas[1]", false),
            "attributes (wegwijzer-themas)"
        );
        assert_eq!(
            hsds_field("locatie.postcode", false),
            "service_at_locations[0].location.addresses[0].postal_code"
        );
        assert_eq!(
            hsds_field("vacature.urenPerWeek", false),
            "attributes (wegwijzer-kenmerken: uren-per-week)"
        );
        assert_eq!(hsds_field("contact.email", false), "email");
        assert_eq!(hsds_field("naam", true), "name");
    }

    #[test]
    fn ages_are_read_from_a_term_description() {
        assert_eq!(ages_in("Van 12 tot en met 17 jaar."), Some((12, 17)));
        assert_eq!(ages_in("jongeren"), None);
    }
}
