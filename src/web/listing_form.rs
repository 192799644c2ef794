//! The item form of the portal: its fields carry the domain's field names (`titel`,
//! `contact.telefoon`, `vacature.talenten`), so a validation error lands next to its field
//! with the same message the API gives, and what was typed is shown again as typed.

use serde_json::Value;

use super::session::PageForm;
use crate::domain::FieldErrors;
use crate::domain::content::{
    ContactInput, ListingInput, LocationInput, ReferralInput, VacancyInput,
};

/// The form's values: field name → value, a field repeating for each checked box.
#[derive(Debug, Clone, Default)]
pub struct FormValues(Vec<(String, String)>);

/// Hidden fields that keep an item's coordinates while its postcode stays the same.
const LATITUDE: &str = "locatie.breedtegraad";
const LONGITUDE: &str = "locatie.lengtegraad";
const KEPT_POSTCODE: &str = "locatie.vorigePostcode";

fn number_text(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 => format!("{}", f as i64),
        Some(f) => f.to_string().replace('.', ","),
        None => n.to_string(),
    }
}

impl FormValues {
    /// Stored content, as the form shows it.
    pub fn from_input(input: &ListingInput) -> FormValues {
        let mut out = Vec::new();
        for (name, value) in input.flatten() {
            match value {
                Value::String(s) => out.push((name, s)),
                Value::Bool(true) => out.push((name, "ja".into())),
                Value::Number(n) => out.push((name, number_text(&n))),
                Value::Array(items) => out.extend(
                    items
                        .into_iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .map(|v| (name.clone(), v)),
                ),
                _ => {}
            }
        }
        if let Some(postcode) = input.location.as_ref().and_then(|l| l.postcode.clone()) {
            out.push((KEPT_POSTCODE.into(), postcode));
        }
        FormValues(out)
    }

    /// What was posted, for showing again and for saving.
    pub fn from_form(form: &PageForm) -> FormValues {
        FormValues(
            form.0
                .iter()
                .filter(|(k, _)| k != "csrf" && k != "versie" && k != "actie")
                .cloned()
                .collect(),
        )
    }

    pub fn value(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// True when the box `key` of the group `name` is checked (or a single box is on).
    pub fn has(&self, name: &str, key: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == key)
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn text(&self, name: &str) -> Option<String> {
        let v = self.value(name).trim();
        (!v.is_empty()).then(|| v.to_string())
    }

    /// A field (`contact`, `titel`) as one line of text, for showing two versions side by side.
    pub fn shown(&self, field: &str) -> String {
        let prefix = format!("{field}.");
        let parts: Vec<&str> = self
            .0
            .iter()
            .filter(|(k, v)| (k == field || k.starts_with(&prefix)) && !v.is_empty())
            .filter(|(k, _)| k != LATITUDE && k != LONGITUDE && k != KEPT_POSTCODE)
            .map(|(_, v)| v.as_str())
            .collect();
        if parts.is_empty() {
            "(leeg)".into()
        } else {
            parts.join(", ")
        }
    }

    /// Takes a whole field (with its sub-fields) from `other`.
    pub fn take_field(&mut self, field: &str, other: &FormValues) {
        let prefix = format!("{field}.");
        let ours = |k: &str| k == field || k.starts_with(&prefix);
        self.0.retain(|(k, _)| !ours(k));
        self.0
            .extend(other.0.iter().filter(|(k, _)| ours(k)).cloned());
    }

    /// The content the form holds. Numbers that are not numbers are reported here, under
    /// their field; everything else is checked by the domain like any other content.
    pub fn input(&self, errors: &mut FieldErrors) -> ListingInput {
        let whole = |name: &str, errors: &mut FieldErrors| -> Option<i64> {
            let v = self.text(name)?;
            match v.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.add(name, "vul een heel getal in");
                    None
                }
            }
        };
        let decimal = |name: &str, errors: &mut FieldErrors| -> Option<f64> {
            let v = self.text(name)?;
            match v.replace(',', ".").parse::<f64>() {
                Ok(n) if n.is_finite() => Some(n),
                _ => {
                    errors.add(name, "vul een getal in, zoals 4 of 2,5");
                    None
                }
            }
        };
        let kind = self.value("soort").to_string();
        let postcode = self.text("locatie.postcode");
        let (address, city) = (self.text("locatie.adres"), self.text("locatie.plaats"));
        let location = (address.is_some() || postcode.is_some() || city.is_some()).then(|| {
            // The stored coordinates while the postcode stays; otherwise the postcode's
            // centre, so the item can be found by distance.
            let kept = postcode.as_deref() == self.text(KEPT_POSTCODE).as_deref();
            let stored = match (
                self.value(LATITUDE).replace(',', ".").parse::<f64>(),
                self.value(LONGITUDE).replace(',', ".").parse::<f64>(),
            ) {
                (Ok(lat), Ok(lon)) if kept => Some((lat, lon)),
                _ => None,
            };
            let centre = postcode.as_deref().and_then(crate::geo::postcode_centroid);
            let (latitude, longitude) = stored.or(centre).unzip();
            LocationInput {
                address,
                postcode,
                city,
                latitude,
                longitude,
            }
        });
        let vacancy = (kind == "vacature").then(|| VacancyInput {
            time_commitment: self.value("vacature.tijdsbesteding").to_string(),
            hours_per_week: decimal("vacature.urenPerWeek", errors),
            talents: self.all("vacature.talenten"),
            end_date: self.text("vacature.einddatum"),
        });
        ListingInput {
            title: self.value("titel").to_string(),
            summary: self.value("samenvatting").to_string(),
            description: self.value("beschrijving").to_string(),
            themes: self.all("themas"),
            wijken: self.all("wijken"),
            whole_municipality: self.has("heleGemeente", "ja"),
            min_age: whole("minLeeftijd", errors),
            max_age: whole("maxLeeftijd", errors),
            location,
            cost: self.value("kosten").to_string(),
            contact: Some(ContactInput {
                phone: self.text("contact.telefoon"),
                email: self.text("contact.email"),
                website: self.text("contact.website"),
            }),
            schedule: self.value("tijden").to_string(),
            vacancy,
            referral: Some(ReferralInput {
                phone: self.text("voorVerwijzers.telefoon"),
                email: self.text("voorVerwijzers.email"),
                notes: self.value("voorVerwijzers.toelichting").to_string(),
            }),
            languages: self.all("talen"),
            accessibility: self.all("toegankelijkheid"),
            kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> PageForm {
        PageForm(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn stored_content_shows_and_reads_back_the_same() {
        let mut e = FieldErrors::new();
        let typed = FormValues::from_form(&form(&[
            ("soort", "vacature"),
            ("titel", "Chauffeur gezocht"),
            ("themas", "vervoer"),
            ("themas", "ontmoeting"),
            ("heleGemeente", "ja"),
            ("minLeeftijd", "18"),
            ("vacature.tijdsbesteding", "wekelijks"),
            ("vacature.urenPerWeek", "2,5"),
            ("locatie.postcode", "3831 AB"),
        ]));
        let input = typed.input(&mut e);
        assert!(e.is_empty());
        assert_eq!(input.themes, ["vervoer", "ontmoeting"]);
        assert_eq!(input.vacancy.as_ref().unwrap().hours_per_week, Some(2.5));
        // A postcode without stored coordinates gets its area's centre.
        assert!(input.location.as_ref().unwrap().latitude.is_some());
        let shown = FormValues::from_input(&input);
        assert_eq!(shown.value("vacature.urenPerWeek"), "2,5");
        assert!(shown.has("themas", "ontmoeting") && shown.has("heleGemeente", "ja"));
    }

    #[test]
    fn numbers_that_are_not_numbers_are_named() {
        let mut e = FieldErrors::new();
        FormValues::from_form(&form(&[
            ("minLeeftijd", "twaalf"),
            ("soort", "vacature"),
            ("vacature.urenPerWeek", "veel"),
        ]))
        .input(&mut e);
        let names: Vec<&str> = e.as_slice().iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["vacature.urenPerWeek", "minLeeftijd"]);
    }

    #[test]
    fn a_field_is_taken_whole_from_the_other_version() {
        let mut mine =
            FormValues::from_form(&form(&[("titel", "Mijn"), ("contact.email", "a@b.nl")]));
        let theirs = FormValues::from_form(&form(&[
            ("titel", "Hun"),
            ("contact.telefoon", "033 123 4567"),
        ]));
        mine.take_field("contact", &theirs);
        assert_eq!(mine.value("titel"), "Mijn");
        assert_eq!(mine.value("contact.email"), "");
        assert_eq!(mine.shown("contact"), "033 123 4567");
    }
}
