//! CSV as Dutch spreadsheet programs write it: semicolons between columns, UTF-8 with a byte
//! order mark, several values in one cell separated by `|`, dates as `dd-mm-jjjj` (ISO dates
//! are read too), decimal commas, `ja`/`nee`. Headers are the field names of the JSON format
//! (`docs/import-format.md`), so one table maps to the other; nested fields get their own
//! column (`adres`, `telefoon`, `tijdsbesteding`, `verwijzerTelefoon`, …).
//!
//! Reading turns rows into the JSON format's records, so a CSV import is validated and written
//! by the same code as a JSON import; its errors are then named by row and column
//! (`rij 14, kolom wijken: onbekende sleutel "centrum"`).

use std::io::Write;

use super::records::{
    ContactRecord, ImportDocument, ListingRecord, LocationRecord, OrganisationRecord,
    ReferralRecord, VacancyRecord,
};
use crate::domain::{FieldErrors, Listing};
use crate::store::Organisation;

/// The columns of an items sheet, in the order they are written.
pub const LISTING_COLUMNS: [&str; 32] = [
    "externId",
    "soort",
    "organisatie",
    "titel",
    "samenvatting",
    "beschrijving",
    "themas",
    "wijken",
    "heleGemeente",
    "minLeeftijd",
    "maxLeeftijd",
    "adres",
    "postcode",
    "plaats",
    "breedtegraad",
    "lengtegraad",
    "kosten",
    "telefoon",
    "email",
    "website",
    "tijden",
    "talen",
    "toegankelijkheid",
    "status",
    "laatstGecontroleerd",
    "tijdsbesteding",
    "urenPerWeek",
    "talenten",
    "einddatum",
    "verwijzerTelefoon",
    "verwijzerEmail",
    "verwijzerToelichting",
];
const LISTING_REQUIRED: [&str; 8] = [
    "externId",
    "soort",
    "organisatie",
    "titel",
    "samenvatting",
    "minLeeftijd",
    "maxLeeftijd",
    "kosten",
];

/// The columns of an organisations sheet.
pub const ORGANISATION_COLUMNS: [&str; 6] = [
    "externId",
    "naam",
    "beschrijving",
    "website",
    "telefoon",
    "email",
];
const ORGANISATION_REQUIRED: [&str; 2] = ["externId", "naam"];

const BOM: &str = "\u{feff}";

/// Which sheet a file is, told by its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    Organisations,
    Listings,
}

/// Where each record of a read sheet came from: its row (the header is row 1). `sheet` is
/// `None` when the header row itself is wrong.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    pub sheet: Option<Sheet>,
    pub rows: Vec<usize>,
}

/// Reads a sheet. Cell errors (a number that is not one, an unknown column) are named by row
/// and column; rows with such errors are left out of the document.
pub fn read(text: &str, errors: &mut FieldErrors) -> (ImportDocument, Rows) {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
        Err(e) => {
            errors.add("rij 1", format!("kopregel onleesbaar: {e}"));
            return (ImportDocument::default(), Rows::default());
        }
    };
    let sheet = if headers.iter().any(|h| h == "soort") {
        Sheet::Listings
    } else {
        Sheet::Organisations
    };
    let (known, required): (&[&str], &[&str]) = match sheet {
        Sheet::Listings => (&LISTING_COLUMNS, &LISTING_REQUIRED),
        Sheet::Organisations => (&ORGANISATION_COLUMNS, &ORGANISATION_REQUIRED),
    };
    for h in &headers {
        if !known.contains(&h.as_str()) {
            errors.add(
                format!("rij 1, kolom {h}"),
                format!("onbekende kolom; gebruik: {}", known.join(", ")),
            );
        }
    }
    for r in required {
        if !headers.iter().any(|h| h == r) {
            errors.add(format!("rij 1, kolom {r}"), "deze kolom ontbreekt");
        }
    }
    let mut doc = ImportDocument::default();
    if !errors.is_empty() {
        // A header that cannot be read leaves no sheet to read rows from.
        return (doc, Rows::default());
    }
    let mut rows = Rows {
        sheet: Some(sheet),
        rows: Vec::new(),
    };
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.add(format!("rij {row}"), format!("onleesbare regel: {e}"));
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            errors.add(
                format!("rij {row}"),
                format!(
                    "{} cellen, de kopregel heeft er {}",
                    record.len(),
                    headers.len()
                ),
            );
            continue;
        }
        let cells = Cells {
            row,
            headers: &headers,
            record: &record,
        };
        let mut e = FieldErrors::new();
        match sheet {
            Sheet::Listings => {
                let r = listing(&cells, &mut e);
                if e.is_empty() {
                    doc.aanbod.push(r);
                    rows.rows.push(row);
                }
            }
            Sheet::Organisations => {
                doc.organisaties.push(OrganisationRecord {
                    extern_id: cells.text("externId"),
                    naam: cells.text("naam"),
                    beschrijving: cells.text("beschrijving"),
                    website: cells.optional("website"),
                    telefoon: cells.optional("telefoon"),
                    email: cells.optional("email"),
                });
                rows.rows.push(row);
            }
        }
        for f in e.into_vec() {
            errors.add(f.name, f.reason);
        }
    }
    (doc, rows)
}

struct Cells<'a> {
    row: usize,
    headers: &'a [String],
    record: &'a csv::StringRecord,
}

impl Cells<'_> {
    fn raw(&self, column: &str) -> &str {
        self.headers
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    fn text(&self, column: &str) -> String {
        self.raw(column).to_string()
    }

    fn optional(&self, column: &str) -> Option<String> {
        Some(self.raw(column))
            .filter(|v| !v.is_empty())
            .map(String::from)
    }

    fn list(&self, column: &str) -> Vec<String> {
        self.raw(column)
            .split('|')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
            .collect()
    }

    fn error(&self, e: &mut FieldErrors, column: &str, reason: impl Into<String>) {
        e.add(format!("rij {}, kolom {column}", self.row), reason);
    }

    fn integer(&self, e: &mut FieldErrors, column: &str) -> i64 {
        let v = self.raw(column);
        match v.parse() {
            Ok(n) => n,
            Err(_) => {
                self.error(e, column, format!("\"{v}\" is geen geheel getal"));
                0
            }
        }
    }

    fn decimal(&self, e: &mut FieldErrors, column: &str) -> Option<f64> {
        let v = self.raw(column);
        if v.is_empty() {
            return None;
        }
        match v.replace(',', ".").parse::<f64>() {
            Ok(n) if n.is_finite() => Some(n),
            _ => {
                self.error(e, column, format!("\"{v}\" is geen getal (gebruik 2,5)"));
                None
            }
        }
    }

    fn yes_no(&self, e: &mut FieldErrors, column: &str) -> bool {
        match self.raw(column).to_lowercase().as_str() {
            "" | "nee" | "n" | "onwaar" | "false" | "0" => false,
            "ja" | "j" | "waar" | "true" | "1" => true,
            other => {
                self.error(e, column, format!("\"{other}\": vul ja of nee in"));
                false
            }
        }
    }

    /// `dd-mm-jjjj` (or `d-m-jjjj`, with `-`, `/` or `.`) or ISO, as ISO.
    fn date(&self, e: &mut FieldErrors, column: &str) -> Option<String> {
        let v = self.raw(column);
        if v.is_empty() {
            return None;
        }
        let parsed = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").or_else(|_| {
            let dashed = v.replace(['/', '.'], "-");
            chrono::NaiveDate::parse_from_str(&dashed, "%d-%m-%Y")
        });
        match parsed {
            Ok(d) => Some(d.to_string()),
            Err(_) => {
                self.error(
                    e,
                    column,
                    format!("\"{v}\" is geen datum (gebruik dd-mm-jjjj)"),
                );
                None
            }
        }
    }
}

fn listing(c: &Cells<'_>, e: &mut FieldErrors) -> ListingRecord {
    let any = |cols: &[&str]| cols.iter().any(|col| !c.raw(col).is_empty());
    let locatie = any(&["adres", "postcode", "plaats", "breedtegraad", "lengtegraad"]).then(|| {
        LocationRecord {
            adres: c.optional("adres"),
            postcode: c.optional("postcode"),
            plaats: c.optional("plaats"),
            breedtegraad: c.decimal(e, "breedtegraad"),
            lengtegraad: c.decimal(e, "lengtegraad"),
        }
    });
    let contact = any(&["telefoon", "email", "website"]).then(|| ContactRecord {
        telefoon: c.optional("telefoon"),
        email: c.optional("email"),
        website: c.optional("website"),
    });
    let vacature = (c.raw("soort") == "vacature"
        || any(&["tijdsbesteding", "urenPerWeek", "talenten", "einddatum"]))
    .then(|| VacancyRecord {
        tijdsbesteding: c.text("tijdsbesteding"),
        uren_per_week: c.decimal(e, "urenPerWeek"),
        talenten: c.list("talenten"),
        einddatum: c.date(e, "einddatum"),
    });
    let voor_verwijzers = any(&[
        "verwijzerTelefoon",
        "verwijzerEmail",
        "verwijzerToelichting",
    ])
    .then(|| ReferralRecord {
        telefoon: c.optional("verwijzerTelefoon"),
        email: c.optional("verwijzerEmail"),
        toelichting: c.text("verwijzerToelichting"),
    });
    ListingRecord {
        extern_id: c.text("externId"),
        soort: c.text("soort"),
        organisatie: c.text("organisatie"),
        titel: c.text("titel"),
        samenvatting: c.text("samenvatting"),
        beschrijving: c.text("beschrijving"),
        themas: c.list("themas"),
        wijken: c.list("wijken"),
        hele_gemeente: c.yes_no(e, "heleGemeente"),
        min_leeftijd: c.integer(e, "minLeeftijd"),
        max_leeftijd: c.integer(e, "maxLeeftijd"),
        locatie,
        kosten: c.text("kosten"),
        contact,
        tijden: c.text("tijden"),
        status: c.optional("status"),
        laatst_gecontroleerd: c.date(e, "laatstGecontroleerd"),
        vacature,
        voor_verwijzers,
        talen: c.list("talen"),
        toegankelijkheid: c.list("toegankelijkheid"),
    }
}

/// The column a validation error of the JSON format's field path is about:
/// `contact.email` → `email`, `voorVerwijzers.telefoon` → `verwijzerTelefoon`, `themas[2]` →
/// `themas`.
pub fn column_of(field: &str) -> String {
    let field: String = field.split('[').next().unwrap_or(field).to_string();
    match field.split_once('.') {
        Some(("voorVerwijzers", rest)) => {
            let mut c = rest.chars();
            let first = c
                .next()
                .map(|f| f.to_uppercase().to_string())
                .unwrap_or_default();
            format!("verwijzer{first}{}", c.as_str())
        }
        Some((_, rest)) => rest.to_string(),
        None if field == "vacature" => "tijdsbesteding".into(),
        None => field,
    }
}

/// A CSV cell: quoted when it holds the separator, a quote or a line break.
fn cell(out: &mut String, value: &str) {
    if value.contains([';', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

fn line(out: &mut String, cells: &[String]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        cell(out, c);
    }
    out.push_str("\r\n");
}

fn decimal(v: Option<f64>) -> String {
    v.map(|n| n.to_string().replace('.', ","))
        .unwrap_or_default()
}

fn dutch_date(d: chrono::NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

fn keys(list: &[crate::domain::TermKey]) -> String {
    list.iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join("|")
}

/// Starts a sheet: the byte order mark and the header row.
pub fn start(out: &mut impl Write, columns: &[&str]) -> std::io::Result<()> {
    let mut s = String::from(BOM);
    line(
        &mut s,
        &columns.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
    );
    out.write_all(s.as_bytes())
}

/// One item as a row of the items sheet; `organisation` is its organisation's external id.
pub fn write_listing(out: &mut impl Write, l: &Listing, organisation: &str) -> std::io::Result<()> {
    let loc = l.location.clone().unwrap_or_default();
    let v = l.vacancy.as_ref();
    let row: Vec<String> = vec![
        l.external_id
            .clone()
            .unwrap_or_else(|| format!("wegwijzer-{}", l.id)),
        l.kind.as_str().into(),
        organisation.into(),
        l.title.clone(),
        l.summary.clone(),
        l.description.clone(),
        keys(&l.themes),
        keys(&l.wijken),
        if l.whole_municipality { "ja" } else { "nee" }.into(),
        l.ages.min().to_string(),
        l.ages.max().to_string(),
        loc.address.unwrap_or_default(),
        loc.postcode.unwrap_or_default(),
        loc.city.unwrap_or_default(),
        decimal(loc.latitude),
        decimal(loc.longitude),
        l.cost.as_str().into(),
        l.contact.phone.clone().unwrap_or_default(),
        l.contact.email.clone().unwrap_or_default(),
        l.contact.website.clone().unwrap_or_default(),
        l.schedule.clone(),
        keys(&l.languages),
        keys(&l.accessibility),
        l.status.as_str().into(),
        dutch_date(l.last_verified_at.date_naive()),
        v.map(|v| v.time_commitment.as_str().to_string())
            .unwrap_or_default(),
        decimal(v.and_then(|v| v.hours_per_week)),
        v.map(|v| keys(&v.talents)).unwrap_or_default(),
        v.and_then(|v| v.end_date)
            .map(dutch_date)
            .unwrap_or_default(),
        l.referral.phone.clone().unwrap_or_default(),
        l.referral.email.clone().unwrap_or_default(),
        l.referral.notes.clone(),
    ];
    let mut s = String::new();
    line(&mut s, &row);
    out.write_all(s.as_bytes())
}

/// One organisation as a row of the organisations sheet.
pub fn write_organisation(out: &mut impl Write, o: &Organisation) -> std::io::Result<()> {
    let row = vec![
        o.external_id
            .clone()
            .unwrap_or_else(|| format!("wegwijzer-org-{}", o.id)),
        o.name.clone(),
        o.description.clone(),
        o.website.clone().unwrap_or_default(),
        o.phone.clone().unwrap_or_default(),
        o.email.clone().unwrap_or_default(),
    ];
    let mut s = String::new();
    line(&mut s, &row);
    out.write_all(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_cells_are_read_and_errors_named_by_row_and_column() {
        let text = format!(
            "{BOM}externId;soort;organisatie;titel;samenvatting;themas;heleGemeente;minLeeftijd;maxLeeftijd;kosten;breedtegraad;lengtegraad;einddatum;tijdsbesteding\r\n\
             a1;vacature;org;Titel een;Kort;ontmoeting | taal;ja;18;99;gratis;52,13;5,42;31-12-2026;wekelijks\r\n\
             a2;voorziening;org;\"Titel; met puntkomma\";Kort;;nee;achttien;99;gratis;;;;\r\n\
             ;;;;;;;;;;;;;\r\n"
        );
        let mut e = FieldErrors::new();
        let (doc, rows) = read(&text, &mut e);
        let errors: Vec<String> = e
            .into_vec()
            .into_iter()
            .map(|f| format!("{}: {}", f.name, f.reason))
            .collect();
        assert_eq!(
            errors,
            ["rij 3, kolom minLeeftijd: \"achttien\" is geen geheel getal"]
        );
        assert_eq!(rows.rows, [2]);
        let r = &doc.aanbod[0];
        assert_eq!(r.themas, ["ontmoeting", "taal"]);
        assert!(r.hele_gemeente);
        assert_eq!(r.locatie.as_ref().unwrap().breedtegraad, Some(52.13));
        let v = r.vacature.as_ref().unwrap();
        assert_eq!(v.einddatum.as_deref(), Some("2026-12-31"));
    }

    #[test]
    fn unknown_and_missing_columns_are_named() {
        let mut e = FieldErrors::new();
        read("externId;soort;kleur\r\n", &mut e);
        let names: Vec<String> = e.into_vec().into_iter().map(|f| f.name).collect();
        assert!(names.contains(&"rij 1, kolom kleur".to_string()));
        assert!(names.contains(&"rij 1, kolom titel".to_string()));
    }

    #[test]
    fn field_paths_map_to_columns() {
        assert_eq!(column_of("contact.email"), "email");
        assert_eq!(column_of("voorVerwijzers.telefoon"), "verwijzerTelefoon");
        assert_eq!(column_of("themas[2]"), "themas");
        assert_eq!(column_of("vacature.einddatum"), "einddatum");
        assert_eq!(column_of("vacature"), "tijdsbesteding");
    }
}
