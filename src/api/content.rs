//! The editable content of an item on the wire: what partners and editors send (`POST`/`PUT
//! /beheer/aanbod`) and read back as `inhoud`. Conversions to and from the domain live here, at
//! the edge this layer owns.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::content::{
    ContactInput, FieldChange, ListingInput, LocationInput, ReferralInput, VacancyInput,
};
use crate::domain::{Contact, Location, NewListing, Referral};

/// Where an item takes place.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Location)]
pub struct LocationBody {
    pub adres: Option<String>,
    /// Dutch postcode, `1234 AB`.
    pub postcode: Option<String>,
    pub plaats: Option<String>,
    pub breedtegraad: Option<f64>,
    pub lengtegraad: Option<f64>,
}

/// How to get in touch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Contact)]
pub struct ContactBody {
    /// Dutch phone number.
    pub telefoon: Option<String>,
    pub email: Option<String>,
    /// An `https://` address; the server never fetches it.
    pub website: Option<String>,
}

/// What a volunteer vacancy adds, as sent: talent keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VacancyContent {
    /// `eenmalig`, `incidenteel` or `wekelijks`.
    pub tijdsbesteding: String,
    pub uren_per_week: Option<f64>,
    #[serde(default)]
    pub talenten: Vec<String>,
    /// Last day the vacancy shows, `YYYY-MM-DD`.
    #[schema(format = Date, value_type = Option<String>)]
    pub einddatum: Option<String>,
}

/// "Voor verwijzers": practical details only staff see, never the public.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Referral)]
pub struct ReferralBody {
    /// A direct line for referrers.
    pub telefoon: Option<String>,
    pub email: Option<String>,
    /// Intake procedure, waiting time, what to bring.
    #[serde(default)]
    pub toelichting: String,
}

/// What a partner or editor may set on an item. Every field is optional on the wire so that
/// a wrong type in one field can be reported by name; required fields are checked on
/// validation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ListingContent {
    /// `voorziening`, `initiatief` or `vacature`.
    pub soort: String,
    /// 3-120 characters.
    pub titel: String,
    /// 1-300 characters.
    pub samenvatting: String,
    /// Up to 5000 characters of plain text.
    pub beschrijving: String,
    /// Theme keys; at least one.
    pub themas: Vec<String>,
    /// Wijk keys; at least one unless `heleGemeente`.
    pub wijken: Vec<String>,
    pub hele_gemeente: bool,
    /// 0-120; default 0.
    pub min_leeftijd: Option<i64>,
    /// 0-120, at least `minLeeftijd`; default 120.
    pub max_leeftijd: Option<i64>,
    pub locatie: Option<LocationBody>,
    /// `gratis`, `kleine-bijdrage` or `betaald`.
    pub kosten: String,
    pub contact: Option<ContactBody>,
    /// Opening hours or meeting times, up to 500 characters.
    pub tijden: String,
    /// Required for kind `vacature`, refused for other kinds.
    pub vacature: Option<VacancyContent>,
    /// Only staff see these.
    pub voor_verwijzers: Option<ReferralBody>,
    /// Languages in which it is offered: ISO 639-1 keys (see `/talen`), e.g. `nl`, `ar`.
    pub talen: Vec<String>,
    /// Accessibility feature keys (see `/toegankelijkheid`).
    pub toegankelijkheid: Vec<String>,
}

/// The wire names of [`ListingContent`], to tell unknown fields from forbidden ones.
pub use crate::domain::content::FIELD_NAMES as CONTENT_FIELDS;

impl From<&LocationBody> for LocationInput {
    fn from(l: &LocationBody) -> Self {
        LocationInput {
            address: l.adres.clone(),
            postcode: l.postcode.clone(),
            city: l.plaats.clone(),
            latitude: l.breedtegraad,
            longitude: l.lengtegraad,
        }
    }
}

impl From<&ListingContent> for ListingInput {
    fn from(c: &ListingContent) -> Self {
        ListingInput {
            kind: c.soort.clone(),
            title: c.titel.clone(),
            summary: c.samenvatting.clone(),
            description: c.beschrijving.clone(),
            themes: c.themas.clone(),
            wijken: c.wijken.clone(),
            whole_municipality: c.hele_gemeente,
            min_age: c.min_leeftijd,
            max_age: c.max_leeftijd,
            location: c.locatie.as_ref().map(Into::into),
            cost: c.kosten.clone(),
            contact: c.contact.as_ref().map(|c| ContactInput {
                phone: c.telefoon.clone(),
                email: c.email.clone(),
                website: c.website.clone(),
            }),
            schedule: c.tijden.clone(),
            vacancy: c.vacature.as_ref().map(|v| VacancyInput {
                time_commitment: v.tijdsbesteding.clone(),
                hours_per_week: v.uren_per_week,
                talents: v.talenten.clone(),
                end_date: v.einddatum.clone(),
            }),
            referral: c.voor_verwijzers.as_ref().map(|r| ReferralInput {
                phone: r.telefoon.clone(),
                email: r.email.clone(),
                notes: r.toelichting.clone(),
            }),
            languages: c.talen.clone(),
            accessibility: c.toegankelijkheid.clone(),
        }
    }
}

impl From<&NewListing> for ListingContent {
    fn from(l: &NewListing) -> Self {
        let i = ListingInput::from_new(l);
        ListingContent {
            soort: i.kind,
            titel: i.title,
            samenvatting: i.summary,
            beschrijving: i.description,
            themas: i.themes,
            wijken: i.wijken,
            hele_gemeente: i.whole_municipality,
            min_leeftijd: i.min_age,
            max_leeftijd: i.max_age,
            locatie: i.location.map(|l| LocationBody {
                adres: l.address,
                postcode: l.postcode,
                plaats: l.city,
                breedtegraad: l.latitude,
                lengtegraad: l.longitude,
            }),
            kosten: i.cost,
            contact: i.contact.map(|c| ContactBody {
                telefoon: c.phone,
                email: c.email,
                website: c.website,
            }),
            tijden: i.schedule,
            vacature: i.vacancy.map(|v| VacancyContent {
                tijdsbesteding: v.time_commitment,
                uren_per_week: v.hours_per_week,
                talenten: v.talents,
                einddatum: v.end_date,
            }),
            voor_verwijzers: i.referral.map(|r| ReferralBody {
                telefoon: r.phone,
                email: r.email,
                toelichting: r.notes,
            }),
            talen: i.languages,
            toegankelijkheid: i.accessibility,
        }
    }
}

/// One field that differs between two versions of an item.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = FieldChange)]
pub struct FieldChangeResponse {
    /// Wire name, e.g. `titel` or `contact.telefoon`.
    pub veld: String,
    /// Value before: any JSON value of the field's type, `null` for a new item or an empty field.
    pub oud: serde_json::Value,
    /// Value after: any JSON value of the field's type, `null` for an emptied field.
    pub nieuw: serde_json::Value,
}

impl From<FieldChange> for FieldChangeResponse {
    fn from(c: FieldChange) -> Self {
        FieldChangeResponse {
            veld: c.field,
            oud: c.old,
            nieuw: c.new,
        }
    }
}

impl From<Location> for LocationBody {
    fn from(l: Location) -> Self {
        LocationBody {
            adres: l.address,
            postcode: l.postcode,
            plaats: l.city,
            breedtegraad: l.latitude,
            lengtegraad: l.longitude,
        }
    }
}

impl From<Contact> for ContactBody {
    fn from(c: Contact) -> Self {
        ContactBody {
            telefoon: c.phone,
            email: c.email,
            website: c.website,
        }
    }
}

impl From<Referral> for ReferralBody {
    fn from(r: Referral) -> Self {
        ReferralBody {
            telefoon: r.phone,
            email: r.email,
            toelichting: r.notes,
        }
    }
}
