//! The offer: voorzieningen, initiatieven and vrijwilligersvacatures.

use super::taxonomy::{TermKey, TermKind};

wire_enum!(
    /// What kind of offer an item is.
    Kind { Voorziening = "voorziening", Initiatief = "initiatief", Vacature = "vacature" }
);
wire_enum!(
    /// What taking part costs.
    Cost { Gratis = "gratis", KleineBijdrage = "kleine-bijdrage", Betaald = "betaald" }
);
wire_enum!(
    /// Editorial status; only `gepubliceerd` is public.
    Status {
        Concept = "concept",
        TerBeoordeling = "ter-beoordeling",
        Teruggestuurd = "teruggestuurd",
        Gepubliceerd = "gepubliceerd",
        Gearchiveerd = "gearchiveerd",
    }
);
wire_enum!(
    /// How much time a volunteer vacancy asks.
    TimeCommitment { Eenmalig = "eenmalig", Incidenteel = "incidenteel", Wekelijks = "wekelijks" }
);

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Voorziening => "Voorziening",
            Kind::Initiatief => "Initiatief",
            Kind::Vacature => "Vrijwilligersvacature",
        }
    }
}

impl Cost {
    pub fn label(self) -> &'static str {
        match self {
            Cost::Gratis => "Gratis",
            Cost::KleineBijdrage => "Kleine bijdrage",
            Cost::Betaald => "Betaald",
        }
    }
}

impl TimeCommitment {
    pub fn label(self) -> &'static str {
        match self {
            TimeCommitment::Eenmalig => "Eenmalig",
            TimeCommitment::Incidenteel => "Af en toe",
            TimeCommitment::Wekelijks => "Wekelijks",
        }
    }
}

/// Oldest age any item may name.
pub const MAX_AGE: u8 = 120;

/// An inclusive age range `min..=max` within 0-120.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeRange {
    min: u8,
    max: u8,
}

impl AgeRange {
    pub fn parse(min: i64, max: i64) -> Result<Self, &'static str> {
        if !(0..=MAX_AGE as i64).contains(&min) || !(0..=MAX_AGE as i64).contains(&max) {
            return Err("leeftijden moeten tussen 0 en 120 liggen");
        }
        if min > max {
            return Err("minLeeftijd mag niet groter zijn dan maxLeeftijd");
        }
        Ok(Self {
            min: min as u8,
            max: max as u8,
        })
    }
    pub fn min(self) -> u8 {
        self.min
    }
    pub fn max(self) -> u8 {
        self.max
    }
    pub fn contains(self, age: u8) -> bool {
        self.min <= age && age <= self.max
    }
}

/// Where an item takes place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Location {
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    /// WGS84.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// How to get in touch about an item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

/// What a volunteer vacancy adds to an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Vacancy {
    pub time_commitment: TimeCommitment,
    pub hours_per_week: Option<f64>,
    pub talents: Vec<TermKey>,
    /// Last day the vacancy shows, if any.
    pub end_date: Option<chrono::NaiveDate>,
}

/// A validated item, ready to be stored. Produced by [`crate::import`] (and later the API).
#[derive(Debug, Clone, PartialEq)]
pub struct NewListing {
    pub external_id: Option<String>,
    pub kind: Kind,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub themes: Vec<TermKey>,
    pub wijken: Vec<TermKey>,
    pub whole_municipality: bool,
    pub ages: AgeRange,
    pub location: Option<Location>,
    pub cost: Cost,
    pub contact: Contact,
    pub schedule: String,
    pub status: Status,
    pub last_verified: Option<chrono::NaiveDate>,
    pub vacancy: Option<Vacancy>,
    pub referral: Referral,
    /// Languages (ISO 639-1 keys) in which the service or activity is offered.
    pub languages: Vec<TermKey>,
    /// Accessibility feature keys.
    pub accessibility: Vec<TermKey>,
}

impl NewListing {
    /// Where the keys of a plain taxonomy list go (`None`: the item cannot hold them).
    pub fn term_keys_mut(&mut self, kind: TermKind) -> Option<&mut Vec<TermKey>> {
        match kind {
            TermKind::Theme => Some(&mut self.themes),
            TermKind::Wijk => Some(&mut self.wijken),
            TermKind::Talent => self.vacancy.as_mut().map(|v| &mut v.talents),
            TermKind::Language => Some(&mut self.languages),
            TermKind::Accessibility => Some(&mut self.accessibility),
            TermKind::AgeGroup => None,
        }
    }

    /// The keys this item links to in a plain taxonomy list.
    pub fn term_keys(&self, kind: TermKind) -> &[TermKey] {
        match kind {
            TermKind::Theme => &self.themes,
            TermKind::Wijk => &self.wijken,
            TermKind::Talent => self.vacancy.as_ref().map_or(&[], |v| &v.talents),
            TermKind::Language => &self.languages,
            TermKind::Accessibility => &self.accessibility,
            TermKind::AgeGroup => &[],
        }
    }
}

/// Details for referrers ("voor verwijzers"): staff see them, the public never does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Referral {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: String,
}

/// A change to a published item that waits for an editor (or was sent back).
#[derive(Debug, Clone, PartialEq)]
pub struct PendingChange {
    /// The proposed content (status, external id and verification date unset).
    pub content: Box<NewListing>,
    /// `ter-beoordeling` or `teruggestuurd`.
    pub status: Status,
    pub by: Option<i64>,
    pub at: super::Timestamp,
}

/// An item as stored, with its organisation's name.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub id: i64,
    pub external_id: Option<String>,
    pub kind: Kind,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub themes: Vec<TermKey>,
    pub wijken: Vec<TermKey>,
    pub whole_municipality: bool,
    pub ages: AgeRange,
    pub location: Option<Location>,
    pub cost: Cost,
    pub contact: Contact,
    pub schedule: String,
    pub status: Status,
    pub created_at: super::Timestamp,
    pub updated_at: super::Timestamp,
    pub last_verified_at: super::Timestamp,
    pub version: i64,
    pub vacancy: Option<Vacancy>,
    pub referral: Referral,
    pub languages: Vec<TermKey>,
    pub accessibility: Vec<TermKey>,
    /// The editor's reason when the item (or its pending change) was sent back.
    pub review_note: Option<String>,
    pub pending: Option<PendingChange>,
    pub submitted_by: Option<i64>,
    pub submitted_at: Option<super::Timestamp>,
}

impl Listing {
    /// The keys this item links to in a plain taxonomy list.
    pub fn term_keys(&self, kind: TermKind) -> &[TermKey] {
        match kind {
            TermKind::Theme => &self.themes,
            TermKind::Wijk => &self.wijken,
            TermKind::Talent => self.vacancy.as_ref().map_or(&[], |v| &v.talents),
            TermKind::Language => &self.languages,
            TermKind::Accessibility => &self.accessibility,
            TermKind::AgeGroup => &[],
        }
    }

    /// Where the keys of a plain taxonomy list go (`None`: the item cannot hold them).
    pub fn term_keys_mut(&mut self, kind: TermKind) -> Option<&mut Vec<TermKey>> {
        match kind {
            TermKind::Theme => Some(&mut self.themes),
            TermKind::Wijk => Some(&mut self.wijken),
            TermKind::Talent => self.vacancy.as_mut().map(|v| &mut v.talents),
            TermKind::Language => Some(&mut self.languages),
            TermKind::Accessibility => Some(&mut self.accessibility),
            TermKind::AgeGroup => None,
        }
    }

    /// The stored item's content as a [`NewListing`] (verification date left unset).
    pub fn to_new(&self) -> NewListing {
        NewListing {
            external_id: self.external_id.clone(),
            kind: self.kind,
            title: self.title.clone(),
            summary: self.summary.clone(),
            description: self.description.clone(),
            themes: self.themes.clone(),
            wijken: self.wijken.clone(),
            whole_municipality: self.whole_municipality,
            ages: self.ages,
            location: self.location.clone(),
            cost: self.cost,
            contact: self.contact.clone(),
            schedule: self.schedule.clone(),
            status: self.status,
            last_verified: None,
            vacancy: self.vacancy.clone(),
            referral: self.referral.clone(),
            languages: self.languages.clone(),
            accessibility: self.accessibility.clone(),
        }
    }

    /// Published and not confirmed for [`STALE_AFTER_DAYS`] at `now`: time for "nog actueel".
    pub fn is_stale_at(&self, now: super::Timestamp) -> bool {
        self.status == Status::Gepubliceerd && self.last_verified_at < stale_before(now)
    }

    /// True when the item is published and, for a vacancy with an end date, not yet expired
    /// on `today`.
    pub fn is_public_on(&self, today: chrono::NaiveDate) -> bool {
        self.status == Status::Gepubliceerd
            && self
                .vacancy
                .as_ref()
                .and_then(|v| v.end_date)
                .is_none_or(|end| end >= today)
    }
}

/// Items not confirmed for this long (about six months) count as stale.
pub const STALE_AFTER_DAYS: i64 = 183;

/// The moment before which a confirmation is stale at `now`.
pub fn stale_before(now: super::Timestamp) -> super::Timestamp {
    now - chrono::Duration::days(STALE_AFTER_DAYS)
}

/// Today's date in the Netherlands, the day that decides whether a vacancy has ended: an item
/// ending "on" a day stays visible through that day, Dutch time.
pub fn today() -> chrono::NaiveDate {
    date_in_netherlands(chrono::Utc::now())
}

/// The calendar date in Europe/Amsterdam (CET, CEST in summer) at `moment`.
pub fn date_in_netherlands(moment: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    moment
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_changes_at_dutch_midnight_in_summer_and_winter() {
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&chrono::Utc)
        };
        let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        // Summer time is UTC+2: 22:30 UTC on 1 July is already 2 July in Leusden.
        assert_eq!(
            date_in_netherlands(at("2026-07-01T22:30:00Z")),
            day("2026-07-02")
        );
        assert_eq!(
            date_in_netherlands(at("2026-07-01T21:30:00Z")),
            day("2026-07-01")
        );
        // Winter time is UTC+1.
        assert_eq!(
            date_in_netherlands(at("2026-12-01T22:30:00Z")),
            day("2026-12-01")
        );
        assert_eq!(
            date_in_netherlands(at("2026-12-01T23:30:00Z")),
            day("2026-12-02")
        );
    }

    #[test]
    fn age_range_rejects_out_of_bounds_and_inverted() {
        assert!(AgeRange::parse(0, 120).is_ok());
        assert!(AgeRange::parse(-1, 10).is_err());
        assert!(AgeRange::parse(0, 121).is_err());
        assert!(AgeRange::parse(30, 20).is_err());
        let r = AgeRange::parse(12, 17).unwrap();
        assert!(r.contains(12) && r.contains(17) && !r.contains(18));
    }

    #[test]
    fn wire_names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(Cost::parse("kleine-bijdrage"), Some(Cost::KleineBijdrage));
        assert_eq!(
            Status::parse("ter-beoordeling"),
            Some(Status::TerBeoordeling)
        );
        assert_eq!(Status::parse("published"), None);
    }
}
