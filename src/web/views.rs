//! What pages show, in plain Dutch (language level B1): labels, age ranges, places, costs.

use crate::domain::listing::MAX_AGE;
use crate::domain::{Cost, Kind, Taxonomy, TimeCommitment};

/// "Voor iedereen", "Vanaf 18 jaar", "Tot en met 12 jaar", "4 tot en met 12 jaar".
pub fn ages(min: u8, max: u8) -> String {
    match (min, max) {
        (0, MAX_AGE) => "Voor iedereen".into(),
        (min, MAX_AGE) => format!("Vanaf {min} jaar"),
        (0, max) => format!("Tot en met {max} jaar"),
        (min, max) => format!("{min} tot en met {max} jaar"),
    }
}

pub fn kind(k: &str) -> &'static str {
    Kind::parse(k).map_or("Aanbod", Kind::label)
}

pub fn cost(c: &str) -> &'static str {
    Cost::parse(c).map_or("", Cost::label)
}

pub fn time(t: &str) -> &'static str {
    TimeCommitment::parse(t).map_or("", TimeCommitment::label)
}

/// The wijken an item serves, by label, or "In heel {municipality}".
pub fn place<K: std::ops::Deref<Target = str>>(
    wijken: &[K],
    whole: bool,
    taxonomy: &Taxonomy,
    municipality: &str,
) -> String {
    if whole {
        let name = municipality
            .strip_prefix("gemeente ")
            .unwrap_or(municipality);
        return format!("In heel {name}");
    }
    let labels: Vec<&str> = wijken
        .iter()
        .map(|k| {
            taxonomy
                .wijken
                .iter()
                .find(|t| t.key.as_str() == &**k)
                .map_or(&**k, |t| t.label.as_str())
        })
        .collect();
    labels.join(", ")
}

/// Kilometres with a decimal comma: "1,2 km".
pub fn distance(km: f64) -> String {
    if km < 10.0 {
        format!("{:.1} km", km).replace('.', ",")
    } else {
        format!("{km:.0} km")
    }
}

/// A date as people write it: "2 december 2026".
pub fn date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike as _;
    let month = crate::domain::MONTH_NAMES
        .get(d.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {month} {}", d.day(), d.year())
}

/// Text split into paragraphs at blank lines (descriptions are plain text).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// A phone number as shown and as a `tel:` target (digits and a leading +).
pub fn phone(number: &str) -> (String, String) {
    let target: String = number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    (number.to_string(), target)
}

/// A moment as people in the Netherlands read it: "2 december 2026 om 14:05".
pub fn moment(ts: &crate::domain::Timestamp) -> String {
    let local = ts.with_timezone(&chrono_tz::Europe::Amsterdam);
    format!("{} om {}", date(local.date_naive()), local.format("%H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_dutch_for_ages_distances_and_dates() {
        assert_eq!(ages(0, 120), "Voor iedereen");
        assert_eq!(ages(18, 120), "Vanaf 18 jaar");
        assert_eq!(ages(0, 12), "Tot en met 12 jaar");
        assert_eq!(ages(4, 12), "4 tot en met 12 jaar");
        assert_eq!(distance(1.24), "1,2 km");
        assert_eq!(distance(12.6), "13 km");
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(date(d), "2 december 2026");
        assert_eq!(phone("033 - 000 0101").1, "0330000101");
    }
}
