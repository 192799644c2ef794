//! The editable content of an item, as partners and editors send it and as revisions keep it.
//! One wire shape serves the API, the import format, pending changes and revision snapshots;
//! [`ListingContent::validate`] turns it into a [`NewListing`] or lists every offending field.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::validation::{
    is_https_url, is_valid_dutch_phone, is_valid_email, looks_like_html, normalise_postcode,
};
use super::{
    AgeRange, Contact, Cost, FieldErrors, Kind, Listing, Location, NewListing, Referral, Status,
    Taxonomy, TimeCommitment, Vacancy,
};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationRecord {
    pub adres: Option<String>,
    /// Dutch postcode, `1234 AB`.
    pub postcode: Option<String>,
    pub plaats: Option<String>,
    pub breedtegraad: Option<f64>,
    pub lengtegraad: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRecord {
    /// Dutch phone number.
    pub telefoon: Option<String>,
    pub email: Option<String>,
    /// An `https://` address; the server never fetches it.
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VacancyRecord {
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralRecord {
    /// A direct line for referrers.
    pub telefoon: Option<String>,
    pub email: Option<String>,
    /// Intake procedure, waiting time, what to bring.
    #[serde(default)]
    pub toelichting: String,
}

/// What a partner or editor may set on an item. Every field is optional on the wire so that
/// a wrong type in one field can be reported by name; required fields are checked by
/// [`ListingContent::validate`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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
    pub locatie: Option<LocationRecord>,
    /// `gratis`, `kleine-bijdrage` or `betaald`.
    pub kosten: String,
    pub contact: Option<ContactRecord>,
    /// Opening hours or meeting times, up to 500 characters.
    pub tijden: String,
    /// Required for kind `vacature`, refused for other kinds.
    pub vacature: Option<VacancyRecord>,
    /// Only staff see these.
    pub voor_verwijzers: Option<ReferralRecord>,
    /// Languages in which it is offered: ISO 639-1 keys (see `/talen`), e.g. `nl`, `ar`.
    pub talen: Vec<String>,
    /// Accessibility feature keys (see `/toegankelijkheid`).
    pub toegankelijkheid: Vec<String>,
}

/// The wire names of [`ListingContent`], to tell unknown fields from forbidden ones.
pub const CONTENT_FIELDS: &[&str] = &[
    "soort",
    "titel",
    "samenvatting",
    "beschrijving",
    "themas",
    "wijken",
    "heleGemeente",
    "minLeeftijd",
    "maxLeeftijd",
    "locatie",
    "kosten",
    "contact",
    "tijden",
    "vacature",
    "voorVerwijzers",
    "talen",
    "toegankelijkheid",
];

pub(crate) fn plain_text(
    errors: &mut FieldErrors,
    name: &str,
    value: &str,
    min: usize,
    max: usize,
) {
    errors.check_len(name, value, min, max);
    if looks_like_html(value) {
        errors.add(name, "mag geen HTML bevatten; gebruik platte tekst");
    }
}

pub(crate) fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Validates optional phone, e-mail and website fields; `at` prefixes the field names.
pub(crate) fn contact(
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

pub(crate) fn parse_date(
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

impl ListingContent {
    /// Checks every field against the limits and the taxonomy. The result has status
    /// `concept`, no external id and no verification date: the caller decides those.
    pub fn validate(&self, taxonomy: &Taxonomy, e: &mut FieldErrors) -> Option<NewListing> {
        let kind = Kind::parse(&self.soort);
        if kind.is_none() {
            e.add("soort", format!("kies uit: {}", Kind::allowed()));
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
        let languages = keys("talen", &self.talen, &|k| taxonomy.language(k).is_some());
        let accessibility = keys("toegankelijkheid", &self.toegankelijkheid, &|k| {
            taxonomy.accessibility_feature(k).is_some()
        });
        if self.themas.is_empty() {
            e.add("themas", "kies minstens één thema");
        }
        if self.wijken.is_empty() && !self.hele_gemeente {
            e.add("wijken", "kies minstens één wijk, of zet heleGemeente aan");
        }
        let ages = match AgeRange::parse(
            self.min_leeftijd.unwrap_or(0),
            self.max_leeftijd
                .unwrap_or(i64::from(super::listing::MAX_AGE)),
        ) {
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
        let c = self.contact.clone().unwrap_or_default();
        let contact = contact(e, "contact.", &c.telefoon, &c.email, &c.website);
        let r = self.voor_verwijzers.clone().unwrap_or_default();
        let rc = contact_no_web(e, "voorVerwijzers.", &r.telefoon, &r.email);
        plain_text(e, "voorVerwijzers.toelichting", &r.toelichting, 0, 2000);
        let referral = Referral {
            phone: rc.phone,
            email: rc.email,
            notes: r.toelichting.trim().to_string(),
        };
        let location = self.locatie.as_ref().map(|l| location(e, l));
        let vacancy = match (kind, &self.vacature) {
            (Some(Kind::Vacature), None) => {
                e.add("vacature", "is verplicht bij soort vacature");
                None
            }
            (Some(Kind::Vacature), Some(v)) => vacancy(e, taxonomy, v),
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
            external_id: None,
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
            status: Status::Concept,
            last_verified: None,
            vacancy,
            referral,
            languages,
            accessibility,
        })
    }

    /// The content of a stored item, in wire form.
    pub fn from_listing(l: &Listing) -> ListingContent {
        ListingContent::from_new(&l.to_new())
    }

    /// The content of a validated item, in wire form.
    pub fn from_new(l: &NewListing) -> ListingContent {
        ListingContent {
            soort: l.kind.as_str().into(),
            titel: l.title.clone(),
            samenvatting: l.summary.clone(),
            beschrijving: l.description.clone(),
            themas: l.themes.clone(),
            wijken: l.wijken.clone(),
            hele_gemeente: l.whole_municipality,
            min_leeftijd: Some(i64::from(l.ages.min())),
            max_leeftijd: Some(i64::from(l.ages.max())),
            locatie: l.location.as_ref().map(|loc| LocationRecord {
                adres: loc.address.clone(),
                postcode: loc.postcode.clone(),
                plaats: loc.city.clone(),
                breedtegraad: loc.latitude,
                lengtegraad: loc.longitude,
            }),
            kosten: l.cost.as_str().into(),
            contact: Some(ContactRecord {
                telefoon: l.contact.phone.clone(),
                email: l.contact.email.clone(),
                website: l.contact.website.clone(),
            }),
            tijden: l.schedule.clone(),
            vacature: l.vacancy.as_ref().map(|v| VacancyRecord {
                tijdsbesteding: v.time_commitment.as_str().into(),
                uren_per_week: v.hours_per_week,
                talenten: v.talents.clone(),
                einddatum: v.end_date.map(|d| d.to_string()),
            }),
            voor_verwijzers: Some(ReferralRecord {
                telefoon: l.referral.phone.clone(),
                email: l.referral.email.clone(),
                toelichting: l.referral.notes.clone(),
            }),
            talen: l.languages.clone(),
            toegankelijkheid: l.accessibility.clone(),
        }
    }

    /// The content as a flat map `veld` or `veld.sub` → value, for field-by-field diffs.
    pub fn flatten(&self) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        if let Ok(Value::Object(map)) = serde_json::to_value(self) {
            for (k, v) in map {
                match v {
                    Value::Object(inner) => {
                        for (ik, iv) in inner {
                            out.push((format!("{k}.{ik}"), iv));
                        }
                    }
                    other => out.push((k, other)),
                }
            }
        }
        out
    }
}

/// One field that differs between two versions of an item.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    /// Wire name, e.g. `titel` or `contact.telefoon`.
    pub veld: String,
    /// Value before (absent for a new item).
    #[schema(value_type = Object)]
    pub oud: Value,
    #[schema(value_type = Object)]
    pub nieuw: Value,
}

/// The fields that differ between `old` (None: a new item) and `new`. Empty and absent
/// values count as the same, so an omitted optional block is not reported as a change.
pub fn diff(old: Option<&ListingContent>, new: &ListingContent) -> Vec<FieldChange> {
    let blank = |v: &Value| match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Bool(b) => !b,
        _ => false,
    };
    let before: std::collections::HashMap<String, Value> = old
        .map(|o| o.flatten().into_iter().collect())
        .unwrap_or_default();
    let mut changes = Vec::new();
    let after = new.flatten();
    let mut seen = std::collections::HashSet::new();
    for (k, v) in &after {
        seen.insert(k.clone());
        let o = before.get(k).cloned().unwrap_or(Value::Null);
        if o != *v && !(blank(&o) && blank(v)) {
            changes.push(FieldChange {
                veld: k.clone(),
                oud: o,
                nieuw: v.clone(),
            });
        }
    }
    for (k, o) in before {
        if !seen.contains(&k) && !blank(&o) {
            changes.push(FieldChange {
                veld: k,
                oud: o,
                nieuw: Value::Null,
            });
        }
    }
    // In form order, as an editor reads the item.
    let rank = |veld: &str| {
        let top = veld.split('.').next().unwrap_or(veld);
        CONTENT_FIELDS
            .iter()
            .position(|f| *f == top)
            .unwrap_or(usize::MAX)
    };
    changes.sort_by(|a, b| rank(&a.veld).cmp(&rank(&b.veld)).then(a.veld.cmp(&b.veld)));
    changes
}

fn contact_no_web(
    errors: &mut FieldErrors,
    at: &str,
    phone: &Option<String>,
    email: &Option<String>,
) -> Contact {
    contact(errors, at, phone, email, &None)
}

fn location(e: &mut FieldErrors, l: &LocationRecord) -> Location {
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
}

fn vacancy(e: &mut FieldErrors, taxonomy: &Taxonomy, v: &VacancyRecord) -> Option<Vacancy> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_reports_changed_fields_by_wire_name() {
        let a = ListingContent {
            titel: "Taalcafé".into(),
            contact: Some(ContactRecord {
                telefoon: Some("033 000 0101".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let mut b = a.clone();
        b.titel = "Taalcafé Leusden".into();
        b.contact = Some(ContactRecord::default());
        let changed: Vec<String> = diff(Some(&a), &b).into_iter().map(|c| c.veld).collect();
        assert_eq!(changed, vec!["titel", "contact.telefoon"]);
        assert!(diff(Some(&a), &a).is_empty());
        assert!(diff(None, &a).iter().any(|c| c.veld == "titel"));
    }
}
