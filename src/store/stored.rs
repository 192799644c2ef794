//! The stored form of an item's content, as revisions and pending proposals keep it. It is
//! versioned and decoded here only, apart from the API's wire types: renaming a field on the
//! wire can never empty an old revision or drop a waiting proposal.
//!
//! - Version 1 (no `v` key): the API's editable content as it was on the wire until 2026-12
//!   (Dutch camelCase names). Frozen here; never written again.
//! - Version 2 (`"v": 2`): the fields of [`NewListing`] under their own names.
//!
//! A new version adds a struct and a conversion, and keeps decoding every older one.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::taxonomy::{TermKey, key_strings};
use crate::domain::{
    AgeRange, Contact, Cost, Kind, Location, NewListing, Referral, Status, TimeCommitment, Vacancy,
};

/// The version [`encode_content`] writes.
pub const CURRENT_VERSION: u64 = 2;

#[derive(Debug, Serialize, Deserialize)]
struct ContentV2 {
    v: u64,
    kind: String,
    title: String,
    summary: String,
    description: String,
    themes: Vec<String>,
    wijken: Vec<String>,
    whole_municipality: bool,
    min_age: u8,
    max_age: u8,
    location: Option<LocationV2>,
    cost: String,
    contact: ContactV2,
    schedule: String,
    vacancy: Option<VacancyV2>,
    referral: ReferralV2,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    accessibility: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct LocationV2 {
    address: Option<String>,
    postcode: Option<String>,
    city: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ContactV2 {
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct VacancyV2 {
    time_commitment: String,
    hours_per_week: Option<f64>,
    talents: Vec<String>,
    /// `YYYY-MM-DD`.
    end_date: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ReferralV2 {
    phone: Option<String>,
    email: Option<String>,
    notes: String,
}

/// Version 1: the wire content of 2026-11, frozen. Lenient: absent fields take defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ContentV1 {
    soort: String,
    titel: String,
    samenvatting: String,
    beschrijving: String,
    themas: Vec<String>,
    wijken: Vec<String>,
    hele_gemeente: bool,
    min_leeftijd: Option<i64>,
    max_leeftijd: Option<i64>,
    locatie: Option<LocationV1>,
    kosten: String,
    contact: Option<ContactV1>,
    tijden: String,
    vacature: Option<VacancyV1>,
    voor_verwijzers: Option<ReferralV1>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LocationV1 {
    adres: Option<String>,
    postcode: Option<String>,
    plaats: Option<String>,
    breedtegraad: Option<f64>,
    lengtegraad: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ContactV1 {
    telefoon: Option<String>,
    email: Option<String>,
    website: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct VacancyV1 {
    tijdsbesteding: String,
    uren_per_week: Option<f64>,
    talenten: Vec<String>,
    einddatum: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReferralV1 {
    telefoon: Option<String>,
    email: Option<String>,
    toelichting: String,
}

/// The content of `l` in the current stored form.
pub fn encode_content(l: &NewListing) -> String {
    let v2 = ContentV2 {
        v: CURRENT_VERSION,
        kind: l.kind.as_str().into(),
        title: l.title.clone(),
        summary: l.summary.clone(),
        description: l.description.clone(),
        themes: key_strings(&l.themes),
        wijken: key_strings(&l.wijken),
        whole_municipality: l.whole_municipality,
        min_age: l.ages.min(),
        max_age: l.ages.max(),
        location: l.location.as_ref().map(|loc| LocationV2 {
            address: loc.address.clone(),
            postcode: loc.postcode.clone(),
            city: loc.city.clone(),
            latitude: loc.latitude,
            longitude: loc.longitude,
        }),
        cost: l.cost.as_str().into(),
        contact: ContactV2 {
            phone: l.contact.phone.clone(),
            email: l.contact.email.clone(),
            website: l.contact.website.clone(),
        },
        schedule: l.schedule.clone(),
        vacancy: l.vacancy.as_ref().map(|v| VacancyV2 {
            time_commitment: v.time_commitment.as_str().into(),
            hours_per_week: v.hours_per_week,
            talents: key_strings(&v.talents),
            end_date: v.end_date.map(|d| d.to_string()),
        }),
        referral: ReferralV2 {
            phone: l.referral.phone.clone(),
            email: l.referral.email.clone(),
            notes: l.referral.notes.clone(),
        },
        languages: key_strings(&l.languages),
        accessibility: key_strings(&l.accessibility),
    };
    // Serialising plain strings, numbers and lists cannot fail.
    serde_json::to_string(&v2).unwrap_or_default()
}

/// Reads stored content of any version. The result has status `concept`, no external id and no
/// verification date: those are not part of the content.
pub fn decode_content(text: &str) -> Result<NewListing, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    match value.get("v").and_then(Value::as_u64) {
        None => {
            let v1: ContentV1 = serde_json::from_value(value).map_err(|e| e.to_string())?;
            from_v1(v1)
        }
        Some(2) => {
            let v2: ContentV2 = serde_json::from_value(value).map_err(|e| e.to_string())?;
            from_v2(v2)
        }
        Some(other) => Err(format!("onbekende versie {other} van opgeslagen inhoud")),
    }
}

fn parse<T>(what: &str, value: &str, parse: fn(&str) -> Option<T>) -> Result<T, String> {
    parse(value).ok_or_else(|| format!("onverwachte {what} {value:?}"))
}

fn keys(list: Vec<String>) -> Result<Vec<TermKey>, String> {
    list.iter()
        .map(|k| TermKey::parse(k).ok_or_else(|| format!("onverwachte sleutel {k:?}")))
        .collect()
}

fn date(value: Option<String>) -> Result<Option<chrono::NaiveDate>, String> {
    value
        .map(|d| d.parse().map_err(|_| format!("onverwachte datum {d:?}")))
        .transpose()
}

fn from_v2(c: ContentV2) -> Result<NewListing, String> {
    let kind = parse("soort", &c.kind, Kind::parse)?;
    Ok(NewListing {
        external_id: None,
        kind,
        title: c.title,
        summary: c.summary,
        description: c.description,
        themes: keys(c.themes)?,
        wijken: keys(c.wijken)?,
        whole_municipality: c.whole_municipality,
        ages: AgeRange::parse(c.min_age.into(), c.max_age.into())?,
        location: c.location.map(|l| Location {
            address: l.address,
            postcode: l.postcode,
            city: l.city,
            latitude: l.latitude,
            longitude: l.longitude,
        }),
        cost: parse("kosten", &c.cost, Cost::parse)?,
        contact: Contact {
            phone: c.contact.phone,
            email: c.contact.email,
            website: c.contact.website,
        },
        schedule: c.schedule,
        status: Status::Concept,
        last_verified: None,
        vacancy: c
            .vacancy
            .map(|v| {
                Ok::<_, String>(Vacancy {
                    time_commitment: parse(
                        "tijdsbesteding",
                        &v.time_commitment,
                        TimeCommitment::parse,
                    )?,
                    hours_per_week: v.hours_per_week,
                    talents: keys(v.talents)?,
                    end_date: date(v.end_date)?,
                })
            })
            .transpose()?,
        referral: Referral {
            phone: c.referral.phone,
            email: c.referral.email,
            notes: c.referral.notes,
        },
        languages: keys(c.languages)?,
        accessibility: keys(c.accessibility)?,
    })
}

fn from_v1(c: ContentV1) -> Result<NewListing, String> {
    let contact = c.contact.unwrap_or_default();
    let referral = c.voor_verwijzers.unwrap_or_default();
    Ok(NewListing {
        external_id: None,
        kind: parse("soort", &c.soort, Kind::parse)?,
        title: c.titel,
        summary: c.samenvatting,
        description: c.beschrijving,
        themes: keys(c.themas)?,
        wijken: keys(c.wijken)?,
        whole_municipality: c.hele_gemeente,
        ages: AgeRange::parse(
            c.min_leeftijd.unwrap_or(0),
            c.max_leeftijd
                .unwrap_or(i64::from(crate::domain::listing::MAX_AGE)),
        )?,
        location: c.locatie.map(|l| Location {
            address: l.adres,
            postcode: l.postcode,
            city: l.plaats,
            latitude: l.breedtegraad,
            longitude: l.lengtegraad,
        }),
        cost: parse("kosten", &c.kosten, Cost::parse)?,
        contact: Contact {
            phone: contact.telefoon,
            email: contact.email,
            website: contact.website,
        },
        schedule: c.tijden,
        status: Status::Concept,
        last_verified: None,
        vacancy: c
            .vacature
            .map(|v| {
                Ok::<_, String>(Vacancy {
                    time_commitment: parse(
                        "tijdsbesteding",
                        &v.tijdsbesteding,
                        TimeCommitment::parse,
                    )?,
                    hours_per_week: v.uren_per_week,
                    talents: keys(v.talenten)?,
                    end_date: date(v.einddatum)?,
                })
            })
            .transpose()?,
        referral: Referral {
            phone: referral.telefoon,
            email: referral.email,
            notes: referral.toelichting,
        },
        languages: Vec::new(),
        accessibility: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pending proposal exactly as the API stored it before stored forms were versioned.
    const STORED_V1: &str = r#"{"soort":"vacature","titel":"Maatje voor een nieuwkomer","samenvatting":"Samen de weg vinden in Leusden.","beschrijving":"","themas":["meedoen"],"wijken":[],"heleGemeente":true,"minLeeftijd":18,"maxLeeftijd":120,"locatie":{"adres":"Hamersveldseweg 1","postcode":"3833 GL","plaats":"Leusden","breedtegraad":52.13,"lengtegraad":5.43},"kosten":"gratis","contact":{"telefoon":"033 000 0101","email":null,"website":null},"tijden":"","vacature":{"tijdsbesteding":"wekelijks","urenPerWeek":2.0,"talenten":["taal"],"einddatum":"2027-01-31"},"voorVerwijzers":{"telefoon":null,"email":"intake@voorbeeld.nl","toelichting":"Bel eerst."}}"#;

    #[test]
    fn rows_in_the_old_wire_form_still_decode() {
        let l = decode_content(STORED_V1).unwrap();
        assert_eq!(l.kind, Kind::Vacature);
        assert_eq!(l.title, "Maatje voor een nieuwkomer");
        assert!(l.whole_municipality);
        assert_eq!((l.ages.min(), l.ages.max()), (18, 120));
        assert_eq!(
            l.location.as_ref().and_then(|loc| loc.city.as_deref()),
            Some("Leusden")
        );
        assert_eq!(l.contact.phone.as_deref(), Some("033 000 0101"));
        let v = l.vacancy.as_ref().unwrap();
        assert_eq!(v.time_commitment, TimeCommitment::Wekelijks);
        assert_eq!(v.talents, vec![TermKey::parse("taal").unwrap()]);
        assert_eq!(
            v.end_date.map(|d| d.to_string()).as_deref(),
            Some("2027-01-31")
        );
        assert_eq!(l.referral.notes, "Bel eerst.");
        // And it round-trips through the current form unchanged.
        assert_eq!(decode_content(&encode_content(&l)).unwrap(), l);
    }

    #[test]
    fn the_current_form_carries_its_version_and_every_field() {
        let mut l = decode_content(STORED_V1).unwrap();
        l.languages = ["nl", "ar"]
            .iter()
            .filter_map(|k| TermKey::parse(k))
            .collect();
        l.accessibility = vec![TermKey::parse("ringleiding").unwrap()];
        let text = encode_content(&l);
        assert!(text.starts_with(r#"{"v":2,"#), "{text}");
        assert_eq!(decode_content(&text).unwrap(), l);
    }

    #[test]
    fn damaged_or_unknown_rows_are_errors_not_empty_content() {
        assert!(decode_content("{").is_err());
        assert!(decode_content(r#"{"v":99}"#).is_err());
        assert!(decode_content(r#"{"soort":"winkel"}"#).is_err());
    }
}
