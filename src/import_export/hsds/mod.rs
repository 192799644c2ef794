//! Open Referral HSDS 3.0 (the Human Services Data Specification) in and out: conversions
//! between the domain types and the standard's objects, the export of a whole sociale kaart,
//! and the import of one (through the same validation and transaction as every import).
//! `docs/hsds.md` is the mapping table, field by field.
//!
//! Identifiers. HSDS wants a UUID for every object, stable over time. An item or organisation
//! whose external id is already a UUID (one that came from an HSDS import) keeps it, so a round
//! trip does not change ids. Otherwise the UUID *encodes* the database id (a version 8 UUID:
//! a fixed prefix, the kind of object, the id), so `/services/{id}` finds the item without a
//! lookup table, and every node gives the same id. Objects inside a service (phones,
//! attributes, ...) get UUIDs hashed from their parent's id and their role.
//!
//! Taxonomies. Every list of Wegwijzer's taxonomy is published as an HSDS taxonomy named
//! `wegwijzer-…`, and so are the fixed lists (kind, cost, time commitment) and a list of
//! "kenmerken" whose attributes carry a value (summary, hours per week, end date). Volunteer
//! vacancies have no HSDS type: they are services with the `wegwijzer-soort` term `vacature`
//! and attributes for talents, time commitment, hours and end date, so they survive a round
//! trip.

pub mod export;
pub mod import;
pub mod wire;

use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::taxonomy::TermKind;
use crate::domain::{Cost, Kind, TimeCommitment};

/// The HSDS version this mapping follows.
pub const HSDS_VERSION: &str = "3.0";

/// The first four bytes of every id that encodes a database id ("wgwz").
const LOCAL_PREFIX: [u8; 4] = *b"wgwz";

/// What an encoded id stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Service = 1,
    Organization = 2,
    /// An item's place: one location and one service-at-location per item that has one.
    Location = 3,
    ServiceAtLocation = 4,
}

/// A version 8 UUID holding `entity` and a database id (ids below 2^56).
pub fn local_id(entity: Entity, id: i64) -> Uuid {
    let mut bytes = [0u8; 16];
    bytes[..4].copy_from_slice(&LOCAL_PREFIX);
    bytes[5] = entity as u8;
    bytes[9..16].copy_from_slice(&id.to_be_bytes()[1..8]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The database id a [`local_id`] holds, when `text` is one for `entity`.
pub fn decode_local_id(entity: Entity, text: &str) -> Option<i64> {
    let uuid = Uuid::parse_str(text).ok()?;
    let bytes = uuid.as_bytes();
    if bytes[..4] != LOCAL_PREFIX || bytes[5] != entity as u8 || uuid.get_version_num() != 8 {
        return None;
    }
    let mut id = [0u8; 8];
    id[1..8].copy_from_slice(&bytes[9..16]);
    let id = i64::from_be_bytes(id);
    (id > 0).then_some(id)
}

/// A stable UUID for a name (taxonomies, terms, the parts of a service).
pub fn hashed_id(name: &str) -> Uuid {
    let digest = Sha256::digest(format!("wegwijzer-hsds/{name}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The HSDS id of an item or organisation: its external id when that is a UUID, otherwise
/// the encoded database id.
pub fn record_id(entity: Entity, id: i64, external_id: Option<&str>) -> String {
    match external_id.and_then(|e| Uuid::parse_str(e).ok()) {
        Some(uuid) => uuid.hyphenated().to_string(),
        None => local_id(entity, id).hyphenated().to_string(),
    }
}

/// The published taxonomies, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    Kind,
    Cost,
    TimeCommitment,
    /// Attributes with a value: summary, hours per week, end date; and "whole municipality".
    Feature,
    Terms(TermKind),
}

/// The terms of [`Vocabulary::Feature`].
pub const FEATURE_SUMMARY: &str = "samenvatting";
pub const FEATURE_HOURS: &str = "uren-per-week";
pub const FEATURE_END_DATE: &str = "einddatum";
pub const FEATURE_WHOLE_MUNICIPALITY: &str = "hele-gemeente";
pub const FEATURES: [(&str, &str, &str); 4] = [
    (
        FEATURE_SUMMARY,
        "Samenvatting",
        "De korte samenvatting van het aanbod, in één of twee zinnen (waarde: de tekst).",
    ),
    (
        FEATURE_HOURS,
        "Uren per week",
        "Hoeveel uur per week een vrijwilligersvacature vraagt (waarde: een getal).",
    ),
    (
        FEATURE_END_DATE,
        "Einddatum",
        "De laatste dag dat een vrijwilligersvacature open staat (waarde: jjjj-mm-dd).",
    ),
    (
        FEATURE_WHOLE_MUNICIPALITY,
        "Hele gemeente",
        "Het aanbod is er voor de hele gemeente, niet voor één wijk.",
    ),
];

impl Vocabulary {
    pub const ALL: [Vocabulary; 10] = [
        Vocabulary::Kind,
        Vocabulary::Cost,
        Vocabulary::TimeCommitment,
        Vocabulary::Feature,
        Vocabulary::Terms(TermKind::Theme),
        Vocabulary::Terms(TermKind::Wijk),
        Vocabulary::Terms(TermKind::AgeGroup),
        Vocabulary::Terms(TermKind::Talent),
        Vocabulary::Terms(TermKind::Language),
        Vocabulary::Terms(TermKind::Accessibility),
    ];

    pub fn name(self) -> &'static str {
        match self {
            Vocabulary::Kind => "wegwijzer-soort",
            Vocabulary::Cost => "wegwijzer-kosten",
            Vocabulary::TimeCommitment => "wegwijzer-tijdsbesteding",
            Vocabulary::Feature => "wegwijzer-kenmerken",
            Vocabulary::Terms(TermKind::Theme) => "wegwijzer-themas",
            Vocabulary::Terms(TermKind::Wijk) => "wegwijzer-wijken",
            Vocabulary::Terms(TermKind::AgeGroup) => "wegwijzer-leeftijdsgroepen",
            Vocabulary::Terms(TermKind::Talent) => "wegwijzer-talenten",
            Vocabulary::Terms(TermKind::Language) => "wegwijzer-talen",
            Vocabulary::Terms(TermKind::Accessibility) => "wegwijzer-toegankelijkheid",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Vocabulary::Kind => {
                "Soort aanbod: voorziening, initiatief of vrijwilligersvacature. HSDS kent geen vacatures; een vacature is een service met de term 'vacature'."
            }
            Vocabulary::Cost => "Wat meedoen kost: gratis, een kleine bijdrage of betaald.",
            Vocabulary::TimeCommitment => {
                "Hoeveel tijd een vrijwilligersvacature vraagt: eenmalig, af en toe of wekelijks."
            }
            Vocabulary::Feature => {
                "Kenmerken van Wegwijzer die een waarde dragen (samenvatting, uren per week, einddatum) of geen eigen HSDS-veld hebben (hele gemeente)."
            }
            Vocabulary::Terms(TermKind::Theme) => "Thema's van het aanbod.",
            Vocabulary::Terms(TermKind::Wijk) => "Wijken en dorpen waar het aanbod is.",
            Vocabulary::Terms(TermKind::AgeGroup) => {
                "Leeftijdsgroepen; de beschrijving noemt de leeftijden. Het aanbod zelf geeft leeftijden met minimum_age en maximum_age."
            }
            Vocabulary::Terms(TermKind::Talent) => "Talenten die een vrijwilligersvacature vraagt.",
            Vocabulary::Terms(TermKind::Language) => {
                "Talen waarin het aanbod er is (code: ISO 639-1); het aanbod noemt ze ook in languages."
            }
            Vocabulary::Terms(TermKind::Accessibility) => "Toegankelijkheid van het aanbod.",
        }
    }

    pub fn parse(name: &str) -> Option<Vocabulary> {
        Vocabulary::ALL.into_iter().find(|v| v.name() == name)
    }

    pub fn id(self) -> String {
        hashed_id(&format!("taxonomy/{}", self.name()))
            .hyphenated()
            .to_string()
    }

    /// The id of the term `code` of this taxonomy.
    pub fn term_id(self, code: &str) -> String {
        hashed_id(&format!("term/{}/{code}", self.name()))
            .hyphenated()
            .to_string()
    }

    /// The terms of a fixed list: (code, name, description).
    pub fn fixed_terms(self) -> Vec<(&'static str, &'static str, String)> {
        match self {
            Vocabulary::Kind => Kind::ALL
                .iter()
                .map(|k| {
                    (
                        k.as_str(),
                        k.label(),
                        format!("Soort aanbod: {}.", k.label()),
                    )
                })
                .collect(),
            Vocabulary::Cost => Cost::ALL
                .iter()
                .map(|k| (k.as_str(), k.label(), format!("Kosten: {}.", k.label())))
                .collect(),
            Vocabulary::TimeCommitment => TimeCommitment::ALL
                .iter()
                .map(|k| {
                    (
                        k.as_str(),
                        k.label(),
                        format!("Tijdsbesteding: {}.", k.label()),
                    )
                })
                .collect(),
            Vocabulary::Feature => FEATURES
                .iter()
                .map(|(code, name, about)| (*code, *name, about.to_string()))
                .collect(),
            Vocabulary::Terms(_) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_ids_round_trip_and_do_not_mix_entities() {
        for id in [1, 42, 1_000_000, (1 << 56) - 1] {
            let uuid = local_id(Entity::Service, id).to_string();
            assert_eq!(decode_local_id(Entity::Service, &uuid), Some(id));
            assert_eq!(decode_local_id(Entity::Organization, &uuid), None);
            assert_eq!(Uuid::parse_str(&uuid).unwrap().get_version_num(), 8);
        }
        assert_eq!(decode_local_id(Entity::Service, "not-a-uuid"), None);
        let other = hashed_id("x").to_string();
        assert_eq!(decode_local_id(Entity::Service, &other), None);
    }

    #[test]
    fn a_uuid_external_id_is_kept() {
        let ext = "3a19ff88-4620-4d17-9830-ac1d859eb5d5";
        assert_eq!(record_id(Entity::Service, 7, Some(ext)), ext);
        assert_eq!(
            record_id(Entity::Service, 7, Some("demo-7")),
            local_id(Entity::Service, 7).to_string()
        );
    }
}
