//! The editable content of an item as it arrives, before validation: [`ListingInput`] holds raw
//! values (no serde, no wire names); the API's request type and the import format's record each
//! convert into it at their own edge. [`ListingInput::validate`] turns it into a [`NewListing`]
//! or lists every offending field, under the field names people see (`titel`,
//! `contact.telefoon`), which are the domain's Dutch vocabulary for its fields.

use serde_json::Value;

use super::taxonomy::{TermKey, TermKind, key_strings};
use super::validation::{
    is_https_url, is_valid_dutch_phone, is_valid_email, looks_like_html, normalise_postcode,
};
use super::{
    AgeRange, Contact, Cost, FieldErrors, Kind, Location, NewListing, Referral, Status, Taxonomy,
    TimeCommitment, Vacancy,
};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocationInput {
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactInput {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct VacancyInput {
    pub time_commitment: String,
    pub hours_per_week: Option<f64>,
    pub talents: Vec<String>,
    /// `YYYY-MM-DD`.
    pub end_date: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReferralInput {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: String,
}

/// An item's content as sent, unchecked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingInput {
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub themes: Vec<String>,
    pub wijken: Vec<String>,
    pub whole_municipality: bool,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    pub location: Option<LocationInput>,
    pub cost: String,
    pub contact: Option<ContactInput>,
    pub schedule: String,
    pub vacancy: Option<VacancyInput>,
    pub referral: Option<ReferralInput>,
    pub languages: Vec<String>,
    pub accessibility: Vec<String>,
}

/// The names of the content's fields, in form order: the names field errors and diffs use.
pub const FIELD_NAMES: &[&str] = &[
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

/// Checks a plain-text field: length in characters and no HTML.
/// Length limits of a text field, in characters: one place for the check and for the API
/// document (`api::add_body_rules`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLimit {
    pub min: usize,
    pub max: usize,
}

pub const TITLE: TextLimit = TextLimit { min: 3, max: 120 };
pub const SUMMARY: TextLimit = TextLimit { min: 1, max: 300 };
pub const DESCRIPTION: TextLimit = TextLimit { min: 0, max: 5000 };
pub const SCHEDULE: TextLimit = TextLimit { min: 0, max: 500 };
pub const REFERRAL_NOTES: TextLimit = TextLimit { min: 0, max: 2000 };
pub const ADDRESS_PART: TextLimit = TextLimit { min: 0, max: 200 };
pub const ORGANISATION_NAME: TextLimit = TextLimit { min: 2, max: 150 };
pub const ORGANISATION_DESCRIPTION: TextLimit = TextLimit { min: 0, max: 2000 };
pub const USER_NAME: TextLimit = TextLimit { min: 2, max: 100 };
pub const TERM_LABEL: TextLimit = TextLimit { min: 1, max: 100 };
/// Hours per week a vacancy may ask.
pub const MAX_HOURS_PER_WEEK: f64 = 40.0;

/// A text as sent, checked against `limit`: the minimum counts the trimmed text (spaces alone
/// are no title), the maximum the text as sent (so a documented `maxLength` holds exactly),
/// and the trimmed text must be plain.
pub fn limited_text(errors: &mut FieldErrors, name: &str, raw: &str, limit: TextLimit) {
    let n = raw.chars().count();
    if n > limit.max {
        errors.add(
            name,
            format!("mag hoogstens {} tekens lang zijn (nu {n})", limit.max),
        );
        return;
    }
    plain_text(errors, name, raw.trim(), limit.min, limit.max);
}

pub fn plain_text(errors: &mut FieldErrors, name: &str, value: &str, min: usize, max: usize) {
    errors.check_len(name, value, min, max);
    if looks_like_html(value) {
        errors.add(name, "mag geen HTML bevatten; gebruik platte tekst");
    }
    if has_direction_override(value) {
        errors.add(
            name,
            "bevat onzichtbare tekens die de leesrichting omdraaien; typ de tekst opnieuw",
        );
    }
}

/// True when the text holds a bidirectional embedding, override or isolate character (U+202A
/// to U+202E, U+2066 to U+2069): they can make a title read differently from what it says.
pub fn has_direction_override(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
}

pub(crate) fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Validates optional phone, e-mail and website fields; `at` prefixes the field names.
pub fn contact(
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

/// A `YYYY-MM-DD` date, or an error on `name`.
pub fn parse_date(
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

/// Which retired taxonomy terms an item may carry. A retired term is no longer offered, but
/// items that had it keep it until someone takes it off.
#[derive(Debug, Clone, Copy)]
pub enum RetiredTerms<'a> {
    /// A new item: none.
    Refused,
    /// A change: those the item already had.
    KeptFrom(&'a NewListing),
    /// Stored content checked again, or a bulk import of the municipality's own data: all.
    Allowed,
}

impl RetiredTerms<'_> {
    fn allows(&self, kind: TermKind, key: &str) -> bool {
        match self {
            RetiredTerms::Refused => false,
            RetiredTerms::KeptFrom(before) => before.term_keys(kind).iter().any(|k| k == key),
            RetiredTerms::Allowed => true,
        }
    }
}

/// Known keys of one taxonomy list, each once, in the order given; unknown keys, and retired
/// ones the item may not carry, are errors.
fn known_keys(
    e: &mut FieldErrors,
    name: &str,
    list: &[String],
    (taxonomy, kind, retired): (&Taxonomy, TermKind, RetiredTerms),
) -> Vec<TermKey> {
    let mut out: Vec<TermKey> = Vec::new();
    for k in list {
        let term = taxonomy.terms(kind).iter().find(|t| t.key == *k.as_str());
        let Some(term) = term else {
            e.add(
                name,
                format!(
                    "onbekende sleutel {:?}",
                    k.chars().take(64).collect::<String>()
                ),
            );
            continue;
        };
        if term.retired && !retired.allows(kind, k) {
            e.add(
                name,
                format!("{:?} wordt niet meer gebruikt; kies een andere", term.label),
            );
            continue;
        }
        if !out.contains(&term.key) {
            out.push(term.key.clone());
        }
    }
    out
}

impl ListingInput {
    /// Checks every field against the limits and the taxonomy. The result has status
    /// `concept`, no external id and no verification date: the caller decides those.
    pub fn validate(
        &self,
        taxonomy: &Taxonomy,
        retired: RetiredTerms,
        e: &mut FieldErrors,
    ) -> Option<NewListing> {
        let kind = Kind::parse(&self.kind);
        if kind.is_none() {
            e.add("soort", format!("kies uit: {}", Kind::allowed()));
        }
        limited_text(e, "titel", &self.title, TITLE);
        limited_text(e, "samenvatting", &self.summary, SUMMARY);
        limited_text(e, "beschrijving", &self.description, DESCRIPTION);
        limited_text(e, "tijden", &self.schedule, SCHEDULE);
        let list = |kind| (taxonomy, kind, retired);
        let themes = known_keys(e, "themas", &self.themes, list(TermKind::Theme));
        let wijken = known_keys(e, "wijken", &self.wijken, list(TermKind::Wijk));
        let languages = known_keys(e, "talen", &self.languages, list(TermKind::Language));
        let accessibility = known_keys(
            e,
            "toegankelijkheid",
            &self.accessibility,
            list(TermKind::Accessibility),
        );
        if self.themes.is_empty() {
            e.add("themas", "kies minstens één thema");
        }
        if self.wijken.is_empty() && !self.whole_municipality {
            e.add("wijken", "kies minstens één wijk, of zet heleGemeente aan");
        }
        let ages = match AgeRange::parse(
            self.min_age.unwrap_or(0),
            self.max_age.unwrap_or(i64::from(super::listing::MAX_AGE)),
        ) {
            Ok(a) => Some(a),
            Err(msg) => {
                e.add("minLeeftijd", msg);
                None
            }
        };
        let cost = Cost::parse(&self.cost);
        if cost.is_none() {
            e.add("kosten", format!("kies uit: {}", Cost::allowed()));
        }
        let c = self.contact.clone().unwrap_or_default();
        let contact = contact(e, "contact.", &c.phone, &c.email, &c.website);
        let r = self.referral.clone().unwrap_or_default();
        let rc = self::contact(e, "voorVerwijzers.", &r.phone, &r.email, &None);
        limited_text(e, "voorVerwijzers.toelichting", &r.notes, REFERRAL_NOTES);
        let referral = Referral {
            phone: rc.phone,
            email: rc.email,
            notes: r.notes.trim().to_string(),
        };
        let location = self.location.as_ref().map(|l| location(e, l));
        let vacancy = match (kind, &self.vacancy) {
            (Some(Kind::Vacature), None) => {
                e.add("vacature", "is verplicht bij soort vacature");
                None
            }
            (Some(Kind::Vacature), Some(v)) => vacancy(e, list(TermKind::Talent), v),
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
            title: self.title.trim().to_string(),
            summary: self.summary.trim().to_string(),
            description: self.description.trim().to_string(),
            themes,
            wijken,
            whole_municipality: self.whole_municipality,
            ages: ages?,
            location,
            cost: cost?,
            contact,
            schedule: self.schedule.trim().to_string(),
            status: Status::Concept,
            last_verified: None,
            vacancy,
            referral,
            languages,
            accessibility,
        })
    }

    /// The content of a validated item, as input again (to re-check it, or to show it).
    pub fn from_new(l: &NewListing) -> ListingInput {
        ListingInput {
            kind: l.kind.as_str().into(),
            title: l.title.clone(),
            summary: l.summary.clone(),
            description: l.description.clone(),
            themes: key_strings(&l.themes),
            wijken: key_strings(&l.wijken),
            whole_municipality: l.whole_municipality,
            min_age: Some(i64::from(l.ages.min())),
            max_age: Some(i64::from(l.ages.max())),
            location: l.location.as_ref().map(|loc| LocationInput {
                address: loc.address.clone(),
                postcode: loc.postcode.clone(),
                city: loc.city.clone(),
                latitude: loc.latitude,
                longitude: loc.longitude,
            }),
            cost: l.cost.as_str().into(),
            contact: Some(ContactInput {
                phone: l.contact.phone.clone(),
                email: l.contact.email.clone(),
                website: l.contact.website.clone(),
            }),
            schedule: l.schedule.clone(),
            vacancy: l.vacancy.as_ref().map(|v| VacancyInput {
                time_commitment: v.time_commitment.as_str().into(),
                hours_per_week: v.hours_per_week,
                talents: key_strings(&v.talents),
                end_date: v.end_date.map(|d| d.to_string()),
            }),
            referral: Some(ReferralInput {
                phone: l.referral.phone.clone(),
                email: l.referral.email.clone(),
                notes: l.referral.notes.clone(),
            }),
            languages: key_strings(&l.languages),
            accessibility: key_strings(&l.accessibility),
        }
    }

    /// The content as a flat list `veld` or `veld.sub` → value, for field-by-field diffs. An
    /// absent block is one `null` entry under its own name.
    pub fn flatten(&self) -> Vec<(String, Value)> {
        let text = |s: &str| Value::String(s.to_string());
        let opt = |s: &Option<String>| s.clone().map_or(Value::Null, Value::String);
        let list = |v: &[String]| Value::Array(v.iter().map(|s| text(s)).collect());
        let num = |n: Option<f64>| n.map_or(Value::Null, Value::from);
        let int = |n: Option<i64>| n.map_or(Value::Null, Value::from);
        let mut out: Vec<(String, Value)> = vec![
            ("soort".into(), text(&self.kind)),
            ("titel".into(), text(&self.title)),
            ("samenvatting".into(), text(&self.summary)),
            ("beschrijving".into(), text(&self.description)),
            ("themas".into(), list(&self.themes)),
            ("wijken".into(), list(&self.wijken)),
            ("heleGemeente".into(), Value::Bool(self.whole_municipality)),
            ("minLeeftijd".into(), int(self.min_age)),
            ("maxLeeftijd".into(), int(self.max_age)),
            ("kosten".into(), text(&self.cost)),
            ("tijden".into(), text(&self.schedule)),
            ("talen".into(), list(&self.languages)),
            ("toegankelijkheid".into(), list(&self.accessibility)),
        ];
        let mut block = |name: &str, fields: Option<Vec<(&str, Value)>>| match fields {
            None => out.push((name.to_string(), Value::Null)),
            Some(fields) => out.extend(
                fields
                    .into_iter()
                    .map(|(sub, v)| (format!("{name}.{sub}"), v)),
            ),
        };
        block(
            "locatie",
            self.location.as_ref().map(|l| {
                vec![
                    ("adres", opt(&l.address)),
                    ("postcode", opt(&l.postcode)),
                    ("plaats", opt(&l.city)),
                    ("breedtegraad", num(l.latitude)),
                    ("lengtegraad", num(l.longitude)),
                ]
            }),
        );
        block(
            "contact",
            self.contact.as_ref().map(|c| {
                vec![
                    ("telefoon", opt(&c.phone)),
                    ("email", opt(&c.email)),
                    ("website", opt(&c.website)),
                ]
            }),
        );
        block(
            "vacature",
            self.vacancy.as_ref().map(|v| {
                vec![
                    ("tijdsbesteding", text(&v.time_commitment)),
                    ("urenPerWeek", num(v.hours_per_week)),
                    ("talenten", list(&v.talents)),
                    ("einddatum", opt(&v.end_date)),
                ]
            }),
        );
        block(
            "voorVerwijzers",
            self.referral.as_ref().map(|r| {
                vec![
                    ("telefoon", opt(&r.phone)),
                    ("email", opt(&r.email)),
                    ("toelichting", text(&r.notes)),
                ]
            }),
        );
        out
    }
}

/// One field that differs between two versions of an item.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// The field's name, e.g. `titel` or `contact.telefoon`.
    pub field: String,
    /// Value before (`null` for a new item).
    pub old: Value,
    pub new: Value,
}

/// The fields that differ between `old` (None: a new item) and `new`, in form order. Empty
/// and absent values count as the same, so an omitted optional block is not a change.
pub fn diff(old: Option<&NewListing>, new: &NewListing) -> Vec<FieldChange> {
    let blank = |v: &Value| match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Bool(b) => !b,
        _ => false,
    };
    let before: std::collections::HashMap<String, Value> = old
        .map(|o| ListingInput::from_new(o).flatten().into_iter().collect())
        .unwrap_or_default();
    let mut changes = Vec::new();
    let after = ListingInput::from_new(new).flatten();
    let mut seen = std::collections::HashSet::new();
    for (k, v) in &after {
        seen.insert(k.clone());
        let o = before.get(k).cloned().unwrap_or(Value::Null);
        if o != *v && !(blank(&o) && blank(v)) {
            changes.push(FieldChange {
                field: k.clone(),
                old: o,
                new: v.clone(),
            });
        }
    }
    for (k, o) in before {
        if !seen.contains(&k) && !blank(&o) {
            changes.push(FieldChange {
                field: k,
                old: o,
                new: Value::Null,
            });
        }
    }
    let rank = |field: &str| {
        let top = field.split('.').next().unwrap_or(field);
        FIELD_NAMES
            .iter()
            .position(|f| *f == top)
            .unwrap_or(usize::MAX)
    };
    changes.sort_by(|a, b| {
        rank(&a.field)
            .cmp(&rank(&b.field))
            .then(a.field.cmp(&b.field))
    });
    changes
}

fn location(e: &mut FieldErrors, l: &LocationInput) -> Location {
    let postcode = non_empty(&l.postcode).and_then(|p| {
        let n = normalise_postcode(&p);
        if n.is_none() {
            e.add("locatie.postcode", "geen Nederlandse postcode (1234 AB)");
        }
        n
    });
    match (l.latitude, l.longitude) {
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
    for (name, v) in [("locatie.adres", &l.address), ("locatie.plaats", &l.city)] {
        if let Some(v) = v {
            limited_text(e, name, v, ADDRESS_PART);
        }
    }
    Location {
        address: non_empty(&l.address),
        postcode,
        city: non_empty(&l.city),
        latitude: l.latitude,
        longitude: l.longitude,
    }
}

fn vacancy(
    e: &mut FieldErrors,
    talents: (&Taxonomy, TermKind, RetiredTerms),
    v: &VacancyInput,
) -> Option<Vacancy> {
    let tc = TimeCommitment::parse(&v.time_commitment);
    if tc.is_none() {
        e.add(
            "vacature.tijdsbesteding",
            format!("kies uit: {}", TimeCommitment::allowed()),
        );
    }
    if let Some(h) = v.hours_per_week
        && !(0.0..=MAX_HOURS_PER_WEEK).contains(&h)
    {
        e.add("vacature.urenPerWeek", "moet tussen 0 en 40 liggen");
    }
    let talents = known_keys(e, "vacature.talenten", &v.talents, talents);
    let end_date = parse_date(e, "vacature.einddatum", &v.end_date);
    tc.map(|time_commitment| Vacancy {
        time_commitment,
        hours_per_week: v.hours_per_week,
        talents,
        end_date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taxonomy() -> Taxonomy {
        let term = |k: &str| super::super::Term {
            key: crate::domain::TermKey::parse(k).unwrap(),
            label: k.into(),
            retired: false,
        };
        Taxonomy {
            themes: vec![term("ontmoeting")],
            languages: vec![term("nl"), term("ar")],
            ..Default::default()
        }
    }

    fn input() -> ListingInput {
        ListingInput {
            kind: "voorziening".into(),
            title: "Taalcafé".into(),
            summary: "Samen Nederlands oefenen.".into(),
            themes: vec!["ontmoeting".into()],
            whole_municipality: true,
            cost: "gratis".into(),
            contact: Some(ContactInput {
                phone: Some("033 000 0101".into()),
                ..Default::default()
            }),
            languages: vec!["nl".into(), "ar".into()],
            ..Default::default()
        }
    }

    #[test]
    fn diff_reports_changed_fields_by_name_in_form_order() {
        let t = taxonomy();
        let a = input()
            .validate(&t, RetiredTerms::Refused, &mut FieldErrors::new())
            .unwrap();
        let mut b_input = input();
        b_input.title = "Taalcafé Leusden".into();
        b_input.contact = None;
        b_input.languages = vec!["nl".into()];
        let b = b_input
            .validate(&t, RetiredTerms::Refused, &mut FieldErrors::new())
            .unwrap();
        let changed: Vec<String> = diff(Some(&a), &b).into_iter().map(|c| c.field).collect();
        assert_eq!(changed, vec!["titel", "contact.telefoon", "talen"]);
        assert!(diff(Some(&a), &a).is_empty());
        assert!(diff(None, &a).iter().any(|c| c.field == "titel"));
    }

    #[test]
    fn direction_overrides_are_refused_in_plain_text() {
        let mut e = FieldErrors::new();
        plain_text(&mut e, "titel", "Taalcaf\u{202E}e", 3, 120);
        assert_eq!(e.as_slice().len(), 1);
        let mut ok = FieldErrors::new();
        plain_text(&mut ok, "titel", "Taalcafé (العربية)", 3, 120);
        assert!(ok.is_empty(), "right-to-left script itself is fine");
    }

    #[test]
    fn every_offending_field_is_named() {
        let mut bad = input();
        bad.kind = "winkel".into();
        bad.title = "<b>x</b>".into();
        bad.languages = vec!["xx".into()];
        bad.vacancy = Some(VacancyInput::default());
        let mut e = FieldErrors::new();
        assert!(
            bad.validate(&taxonomy(), RetiredTerms::Refused, &mut e)
                .is_none()
        );
        let names: Vec<&str> = e.as_slice().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["soort", "titel", "talen"]);
    }
}
