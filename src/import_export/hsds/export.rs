//! Domain → HSDS 3.0: a published item becomes a service (with its place as a location and a
//! service-at-location), an organisation an organization, every taxonomy list a taxonomy.
//! Staff-only fields ("voor verwijzers") are never part of it.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use super::wire::{
    About, Accessibility, Address, Attribute, Language, Location, Organization, Phone, Schedule,
    Service, ServiceArea, ServiceAtLocation, Taxonomy as HsdsTaxonomy, TaxonomyTerm,
};
use super::{
    Entity, FEATURE_END_DATE, FEATURE_HOURS, FEATURE_SUMMARY, FEATURE_WHOLE_MUNICIPALITY,
    HSDS_VERSION, Vocabulary, hashed_id, local_id, record_id,
};
use crate::domain::taxonomy::TermKind;
use crate::domain::{Listing, Taxonomy, iso};
use crate::import_export::{ExportReport, ImportError};
use crate::store::{Organisation, Store};

/// What every conversion needs besides the record itself.
pub struct Context<'a> {
    pub taxonomy: &'a Taxonomy,
    /// The municipality, named as the service area of items for the whole municipality.
    pub municipality: &'a str,
    /// The province every address lies in (HSDS requires `state_province`).
    pub province: &'a str,
}

fn id_string(uuid: uuid::Uuid) -> String {
    uuid.hyphenated().to_string()
}

pub fn service_id(l: &Listing) -> String {
    record_id(Entity::Service, l.id, l.external_id.as_deref())
}

pub fn organization_id(o: &Organisation) -> String {
    record_id(Entity::Organization, o.id, o.external_id.as_deref())
}

/// The organisation's HSDS id when only its database id and external id are at hand.
pub fn organization_id_of(id: i64, external_id: Option<&str>) -> String {
    record_id(Entity::Organization, id, external_id)
}

pub fn location_id(listing_id: i64) -> String {
    id_string(local_id(Entity::Location, listing_id))
}

pub fn service_at_location_id(listing_id: i64) -> String {
    id_string(local_id(Entity::ServiceAtLocation, listing_id))
}

pub fn organization(o: &Organisation) -> Organization {
    let id = organization_id(o);
    Organization {
        phones: o
            .phone
            .iter()
            .map(|number| Phone {
                id: id_string(hashed_id(&format!("{id}/phone"))),
                number: number.clone(),
                organization_id: Some(id.clone()),
                kind: Some("voice".into()),
                ..Phone::default()
            })
            .collect(),
        id,
        name: o.name.clone(),
        // Required by HSDS; ours may be empty.
        description: if o.description.is_empty() {
            o.name.clone()
        } else {
            o.description.clone()
        },
        email: o.email.clone(),
        website: o.website.clone(),
    }
}

pub fn taxonomies() -> Vec<HsdsTaxonomy> {
    Vocabulary::ALL
        .iter()
        .map(|v| HsdsTaxonomy {
            id: v.id(),
            name: v.name().to_string(),
            description: v.description().to_string(),
            version: Some("1".into()),
        })
        .collect()
}

/// Every term of every published taxonomy, fixed lists first.
pub fn taxonomy_terms(taxonomy: &Taxonomy) -> Vec<TaxonomyTerm> {
    let term = |v: Vocabulary, code: &str, name: &str, description: String| TaxonomyTerm {
        id: v.term_id(code),
        code: Some(code.to_string()),
        name: name.to_string(),
        description,
        taxonomy: Some(v.name().to_string()),
        taxonomy_id: Some(v.id()),
        language: Some("nl".into()),
    };
    let mut out = Vec::new();
    for v in Vocabulary::ALL {
        match v {
            Vocabulary::Terms(TermKind::AgeGroup) => {
                for g in &taxonomy.age_groups {
                    out.push(term(
                        v,
                        &g.key,
                        &g.label,
                        age_group_description(g.min_age, g.max_age),
                    ));
                }
            }
            Vocabulary::Terms(kind) => {
                for t in taxonomy.terms(kind) {
                    out.push(term(v, &t.key, &t.label, t.label.clone()));
                }
            }
            _ => {
                for (code, name, about) in v.fixed_terms() {
                    out.push(term(v, code, name, about));
                }
            }
        }
    }
    out
}

/// "Van 12 tot en met 17 jaar": read back by the import, which needs the ages.
pub fn age_group_description(min: u8, max: u8) -> String {
    format!("Van {min} tot en met {max} jaar.")
}

fn attribute(service: &str, v: Vocabulary, code: &str, value: Option<String>) -> Attribute {
    Attribute {
        id: id_string(hashed_id(&format!(
            "{service}/attribute/{}/{code}",
            v.name()
        ))),
        link_id: Some(service.to_string()),
        link_type: Some(v.name().to_string()),
        link_entity: Some("service".into()),
        taxonomy_term_id: Some(v.term_id(code)),
        value,
        taxonomy_term: None,
    }
}

/// A published item as an HSDS service, fully nested (phones, schedules, areas, place,
/// languages, attributes); `organization` is nested only when given.
pub fn service(
    l: &Listing,
    organization_hsds_id: &str,
    organization: Option<Organization>,
    cx: &Context<'_>,
) -> Service {
    let id = service_id(l);
    let part = |role: &str| id_string(hashed_id(&format!("{id}/{role}")));
    let mut attributes = vec![
        attribute(&id, Vocabulary::Kind, l.kind.as_str(), None),
        attribute(&id, Vocabulary::Cost, l.cost.as_str(), None),
        attribute(
            &id,
            Vocabulary::Feature,
            FEATURE_SUMMARY,
            Some(l.summary.clone()),
        ),
    ];
    for kind in [
        TermKind::Theme,
        TermKind::Wijk,
        TermKind::Talent,
        TermKind::Accessibility,
    ] {
        for key in l.term_keys(kind) {
            attributes.push(attribute(&id, Vocabulary::Terms(kind), key, None));
        }
    }
    if l.whole_municipality {
        attributes.push(attribute(
            &id,
            Vocabulary::Feature,
            FEATURE_WHOLE_MUNICIPALITY,
            None,
        ));
    }
    if let Some(v) = &l.vacancy {
        attributes.push(attribute(
            &id,
            Vocabulary::TimeCommitment,
            v.time_commitment.as_str(),
            None,
        ));
        if let Some(hours) = v.hours_per_week {
            attributes.push(attribute(
                &id,
                Vocabulary::Feature,
                FEATURE_HOURS,
                Some(hours.to_string()),
            ));
        }
        if let Some(end) = v.end_date {
            attributes.push(attribute(
                &id,
                Vocabulary::Feature,
                FEATURE_END_DATE,
                Some(end.format("%Y-%m-%d").to_string()),
            ));
        }
    }

    let mut service_areas = Vec::new();
    if l.whole_municipality {
        service_areas.push(ServiceArea {
            id: part("area/hele-gemeente"),
            service_id: Some(id.clone()),
            name: Some(cx.municipality.to_string()),
            description: Some(format!("De hele gemeente {}.", cx.municipality)),
        });
    }
    for key in &l.wijken {
        let label = cx.taxonomy.label(TermKind::Wijk, key).unwrap_or(key);
        service_areas.push(ServiceArea {
            id: part(&format!("area/{}", key.as_str())),
            service_id: Some(id.clone()),
            name: Some(label.to_string()),
            description: None,
        });
    }

    let service_at_locations = l
        .location
        .as_ref()
        .map(|place| {
            let location = location(l, place, organization_hsds_id, cx);
            ServiceAtLocation {
                id: service_at_location_id(l.id),
                service_id: Some(id.clone()),
                location_id: Some(location.id.clone()),
                location: Some(location),
            }
        })
        .into_iter()
        .collect();

    Service {
        organization_id: Some(organization_hsds_id.to_string()),
        name: l.title.clone(),
        description: Some(if l.description.is_empty() {
            l.summary.clone()
        } else {
            l.description.clone()
        }),
        url: l.contact.website.clone(),
        email: l.contact.email.clone(),
        status: "active".into(),
        fees_description: Some(l.cost.label().to_string()),
        minimum_age: Some(f64::from(l.ages.min())),
        maximum_age: Some(f64::from(l.ages.max())),
        assured_date: Some(l.last_verified_at.format("%Y-%m-%d").to_string()),
        last_modified: Some(iso(&l.updated_at)),
        phones: l
            .contact
            .phone
            .iter()
            .map(|number| Phone {
                id: part("phone"),
                number: number.clone(),
                service_id: Some(id.clone()),
                kind: Some("voice".into()),
                ..Phone::default()
            })
            .collect(),
        schedules: (!l.schedule.is_empty())
            .then(|| Schedule {
                id: part("schedule"),
                service_id: Some(id.clone()),
                description: Some(l.schedule.clone()),
            })
            .into_iter()
            .collect(),
        service_areas,
        service_at_locations,
        languages: l
            .languages
            .iter()
            .map(|key| Language {
                id: part(&format!("language/{}", key.as_str())),
                service_id: Some(id.clone()),
                name: cx
                    .taxonomy
                    .label(TermKind::Language, key)
                    .map(str::to_string),
                code: Some(key.to_string()),
            })
            .collect(),
        organization: organization.map(Box::new),
        attributes,
        id,
    }
}

/// The place of an item as an HSDS location. An address is given only when street, postcode
/// and place are all known (HSDS requires each).
pub fn location(
    l: &Listing,
    place: &crate::domain::Location,
    organization_hsds_id: &str,
    cx: &Context<'_>,
) -> Location {
    let id = location_id(l.id);
    let addresses = match (&place.address, &place.postcode, &place.city) {
        (Some(street), Some(postcode), Some(city)) => vec![Address {
            id: id_string(hashed_id(&format!("{id}/address"))),
            location_id: Some(id.clone()),
            address_1: street.clone(),
            city: city.clone(),
            state_province: cx.province.to_string(),
            postal_code: postcode.clone(),
            country: "NL".into(),
            address_type: "physical".into(),
        }],
        _ => Vec::new(),
    };
    Location {
        location_type: "physical".into(),
        organization_id: Some(organization_hsds_id.to_string()),
        name: Some(l.title.clone()),
        latitude: place.latitude,
        longitude: place.longitude,
        addresses,
        accessibility: l
            .accessibility
            .iter()
            .map(|key| Accessibility {
                id: id_string(hashed_id(&format!("{id}/accessibility/{}", key.as_str()))),
                location_id: Some(id.clone()),
                description: cx
                    .taxonomy
                    .label(TermKind::Accessibility, key)
                    .map(str::to_string),
            })
            .collect(),
        id,
    }
}

/// The answer of `GET /` and the export's `about.json`.
pub fn about(base_url: &str) -> About {
    About {
        version: HSDS_VERSION,
        profile: "https://docs.openreferral.org/en/3.0/".into(),
        openapi_url: format!("{base_url}/api/v1/hsds/openapi.json"),
    }
}

/// A JSON array written one element per line, so files of any size stream.
struct ArrayWriter<W: Write> {
    out: W,
    first: bool,
}

impl<W: Write> ArrayWriter<W> {
    fn new(mut out: W) -> std::io::Result<Self> {
        out.write_all(b"[")?;
        Ok(Self { out, first: true })
    }

    fn push(&mut self, value: &impl serde::Serialize) -> std::io::Result<()> {
        self.out
            .write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, value)?;
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.out.write_all(b"\n]\n")?;
        self.out.flush()
    }
}

/// The files an HSDS export writes, and the import reads.
pub const FILES: [&str; 7] = [
    "about.json",
    "taxonomies.json",
    "taxonomy_terms.json",
    "organizations.json",
    "services.json",
    "locations.json",
    "service_at_locations.json",
];

/// Writes every published item (as services, fully nested), every organisation, every place
/// (locations and service_at_locations, also as separate lists) and every taxonomy term as
/// HSDS 3.0 JSON into `dir`. Read and written a page at a time: memory does not grow with
/// the number of items.
pub async fn export(
    store: &Store,
    dir: &Path,
    municipality: &str,
    province: &str,
    base_url: &str,
    progress: &(dyn Fn(&str, usize, usize) + Sync),
) -> Result<ExportReport, ImportError> {
    const PAGE: i64 = 1000;
    let io = |e: std::io::Error| ImportError::Unreadable {
        file: dir.display().to_string(),
        message: e.to_string(),
    };
    let create = |name: &str| -> Result<std::io::BufWriter<std::fs::File>, ImportError> {
        Ok(std::io::BufWriter::new(
            std::fs::File::create(dir.join(name)).map_err(io)?,
        ))
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let taxonomy = store.load_taxonomy().await?;
    let cx = Context {
        taxonomy: &taxonomy,
        municipality,
        province,
    };
    let mut report = ExportReport::default();

    let mut out = create("about.json")?;
    serde_json::to_writer_pretty(&mut out, &about(base_url)).map_err(|e| io(e.into()))?;
    out.flush().map_err(io)?;
    let mut list = ArrayWriter::new(create("taxonomies.json")?).map_err(io)?;
    for t in taxonomies() {
        list.push(&t).map_err(io)?;
    }
    list.finish().map_err(io)?;
    let mut list = ArrayWriter::new(create("taxonomy_terms.json")?).map_err(io)?;
    for t in taxonomy_terms(&taxonomy) {
        list.push(&t).map_err(io)?;
    }
    list.finish().map_err(io)?;

    let mut hsds_ids: HashMap<i64, String> = HashMap::new();
    let mut list = ArrayWriter::new(create("organizations.json")?).map_err(io)?;
    let mut offset = 0;
    loop {
        let (page, total) = store.organisations_by_id(offset, PAGE).await?;
        if page.is_empty() {
            break;
        }
        for o in &page {
            list.push(&organization(o)).map_err(io)?;
            hsds_ids.insert(o.id, organization_id(o));
        }
        offset += page.len() as i64;
        report.organisations += page.len();
        progress("organizations.json", report.organisations, total as usize);
    }
    list.finish().map_err(io)?;

    let total = store.count_listings().await? as usize;
    let today = crate::domain::listing::today();
    let mut services = ArrayWriter::new(create("services.json")?).map_err(io)?;
    let mut locations = ArrayWriter::new(create("locations.json")?).map_err(io)?;
    let mut links = ArrayWriter::new(create("service_at_locations.json")?).map_err(io)?;
    let mut after = 0;
    let mut seen = 0;
    loop {
        let page = store.listings_after(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        seen += page.len();
        for l in page.iter().filter(|l| l.is_public_on(today)) {
            let org = hsds_ids
                .get(&l.organisation_id)
                .cloned()
                .unwrap_or_else(|| organization_id_of(l.organisation_id, None));
            let s = service(l, &org, None, &cx);
            services.push(&s).map_err(io)?;
            for sal in &s.service_at_locations {
                if let Some(place) = &sal.location {
                    locations.push(place).map_err(io)?;
                }
                let flat = ServiceAtLocation {
                    location: None,
                    ..sal.clone()
                };
                links.push(&flat).map_err(io)?;
            }
            report.listings += 1;
        }
        progress("services.json", seen, total.max(seen));
    }
    services.finish().map_err(io)?;
    locations.finish().map_err(io)?;
    links.finish().map_err(io)?;
    Ok(report)
}
