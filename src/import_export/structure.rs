//! Structural errors of an import file, all at once and in Dutch: a missing field, an unknown
//! field or a value of the wrong type is reported per record (`aanbod[0](vz-001).minLeeftijd:
//! ontbreekt`) instead of stopping at the first one with the parser's English message.
//!
//! Each record is read on its own. When it does not fit its type, the offending spot is noted
//! and mended just enough to read on (an unknown or mistyped field is taken out; a missing one
//! gets a stand-in value), so the next error in the same record shows up too.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::records::{AgeGroupRecord, ImportDocument, TaxonomyRecord, TermRecord};
use crate::domain::FieldErrors;

/// Most mends per record before giving up on it (a record is a few dozen fields).
const MAX_MENDS: usize = 64;

/// Reads a whole document, reporting every structural error.
pub fn document(value: Value, errors: &mut FieldErrors) -> ImportDocument {
    let Value::Object(mut top) = value else {
        errors.add(
            "(bestand)",
            "moet een object zijn met 'taxonomie', 'organisaties' en/of 'aanbod'",
        );
        return ImportDocument::default();
    };
    let mut doc = ImportDocument::default();
    for key in top.keys() {
        if !["taxonomie", "organisaties", "aanbod"].contains(&key.as_str()) {
            errors.add(
                key.clone(),
                "onbekend onderdeel; gebruik taxonomie, organisaties en aanbod",
            );
        }
    }
    if let Some(t) = top.remove("taxonomie").filter(|v| !v.is_null()) {
        doc.taxonomie = Some(taxonomy(t, errors));
    }
    doc.organisaties = records(top.remove("organisaties"), "organisaties", errors);
    doc.aanbod = records(top.remove("aanbod"), "aanbod", errors);
    doc
}

fn taxonomy(value: Value, errors: &mut FieldErrors) -> TaxonomyRecord {
    let Value::Object(mut map) = value else {
        errors.add(
            "taxonomie",
            format!("moet een object zijn, niet {}", found(&value)),
        );
        return TaxonomyRecord::default();
    };
    const LISTS: [&str; 6] = [
        "themas",
        "wijken",
        "leeftijdsgroepen",
        "talenten",
        "talen",
        "toegankelijkheid",
    ];
    for key in map.keys() {
        if !LISTS.contains(&key.as_str()) {
            errors.add(format!("taxonomie.{key}"), "onbekende lijst");
        }
    }
    let mut terms =
        |name: &str| records::<TermRecord>(map.remove(name), &format!("taxonomie.{name}"), errors);
    TaxonomyRecord {
        themas: terms("themas"),
        wijken: terms("wijken"),
        talenten: terms("talenten"),
        talen: terms("talen"),
        toegankelijkheid: terms("toegankelijkheid"),
        leeftijdsgroepen: records::<AgeGroupRecord>(
            map.remove("leeftijdsgroepen"),
            "taxonomie.leeftijdsgroepen",
            errors,
        ),
    }
}

/// The records of one list; the ones with errors are reported and left out.
fn records<T: DeserializeOwned>(
    value: Option<Value>,
    list: &str,
    errors: &mut FieldErrors,
) -> Vec<T> {
    let items = match value {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(other) => {
            errors.add(list, format!("moet een lijst zijn, niet {}", found(&other)));
            return Vec::new();
        }
    };
    items
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| element(item, list, i, errors))
        .collect()
}

/// Element `i` of `list`, read as a `T`; its errors are named `list[i](id).field`.
pub fn element<T: DeserializeOwned>(
    item: Value,
    list: &str,
    i: usize,
    errors: &mut FieldErrors,
) -> Option<T> {
    let id = item
        .get("externId")
        .or_else(|| item.get("sleutel"))
        .and_then(Value::as_str)
        .map(|s| format!("({s})"))
        .unwrap_or_default();
    record(item, &format!("{list}[{i}]{id}"), errors)
}

/// One record, or `None` after reporting everything that kept it from being read.
fn record<T: DeserializeOwned>(
    mut value: Value,
    name: &str,
    errors: &mut FieldErrors,
) -> Option<T> {
    if !value.is_object() {
        errors.add(
            name,
            format!("moet een object zijn, niet {}", found(&value)),
        );
        return None;
    }
    let mut failed = false;
    // A mistyped field is taken out and then reads as missing: report it once.
    let mut reported: Vec<Vec<String>> = Vec::new();
    for _ in 0..MAX_MENDS {
        let error = match serde_path_to_error::deserialize::<_, T>(value.clone()) {
            Ok(t) => return (!failed).then_some(t),
            Err(e) => e,
        };
        failed = true;
        let path: Vec<String> = segments(&error.path().to_string());
        let message = error.inner().to_string();
        if let Some(field) = between(&message, "missing field `", "`") {
            let at = at_field(&path, field);
            if !reported.contains(&at) {
                errors.add(join(name, &at), "ontbreekt");
            }
            if !stand_in::<T>(&mut value, &at) {
                return None;
            }
        } else if let Some(field) = between(&message, "unknown field `", "`") {
            let at = at_field(&path, field);
            errors.add(join(name, &at), "onbekend veld");
            if !remove(&mut value, &at) {
                return None;
            }
        } else {
            errors.add(join(name, &path), dutch(&message));
            reported.push(path.clone());
            if !remove(&mut value, &path) {
                return None;
            }
        }
    }
    None
}

/// The path of `field`: serde names it in the path for some errors and not for others.
fn at_field(path: &[String], field: &str) -> Vec<String> {
    let mut at = path.to_vec();
    if at.last().map(String::as_str) != Some(field) {
        at.push(field.to_string());
    }
    at
}

/// `vacature.talenten[2]` → ["vacature", "talenten", "[2]"].
fn segments(path: &str) -> Vec<String> {
    if path == "." || path.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for part in path.split('.') {
        match part.find('[') {
            Some(i) => {
                if i > 0 {
                    out.push(part[..i].to_string());
                }
                let mut rest = &part[i..];
                while let Some(end) = rest.find(']') {
                    out.push(rest[..=end].to_string());
                    rest = &rest[end + 1..];
                }
            }
            None => out.push(part.to_string()),
        }
    }
    out
}

fn join(name: &str, path: &[String]) -> String {
    let mut out = name.to_string();
    for p in path {
        if !p.starts_with('[') {
            out.push('.');
        }
        out.push_str(p);
    }
    out
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

/// The parent object or array of the value at `path`, and the last step.
fn parent<'a>(value: &'a mut Value, path: &'a [String]) -> Option<(&'a mut Value, &'a String)> {
    let (last, up) = path.split_last()?;
    let mut at = value;
    for step in up {
        at = match step.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            Some(i) => at.get_mut(i.parse::<usize>().ok()?)?,
            None => at.get_mut(step.as_str())?,
        };
    }
    Some((at, last))
}

/// Takes the value at `path` out, so reading can go on; false when there is nothing to take.
fn remove(value: &mut Value, path: &[String]) -> bool {
    match parent(value, path) {
        Some((Value::Object(map), key)) => map.remove(key.as_str()).is_some(),
        Some((Value::Array(items), step)) => {
            match step.trim_matches(|c| c == '[' || c == ']').parse::<usize>() {
                Ok(i) if i < items.len() => {
                    items.remove(i);
                    true
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Puts in the first stand-in value that the field accepts, so reading can go on.
fn stand_in<T: DeserializeOwned>(value: &mut Value, path: &[String]) -> bool {
    let candidates = [
        Value::String(String::new()),
        Value::from(0),
        Value::Bool(false),
        Value::Array(Vec::new()),
        Value::Object(Map::new()),
    ];
    for candidate in candidates {
        let mut tried = value.clone();
        let Some((Value::Object(map), key)) = parent(&mut tried, path) else {
            return false;
        };
        map.insert(key.clone(), candidate);
        let still_here = match serde_path_to_error::deserialize::<_, T>(tried.clone()) {
            Ok(_) => false,
            Err(e) => {
                segments(&e.path().to_string()) == path
                    || between(&e.inner().to_string(), "missing field `", "`")
                        == path.last().map(String::as_str)
            }
        };
        if !still_here {
            *value = tried;
            return true;
        }
    }
    false
}

/// What a JSON value is, in Dutch.
fn found(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true of false",
        Value::Number(_) => "een getal",
        Value::String(_) => "tekst",
        Value::Array(_) => "een lijst",
        Value::Object(_) => "een object",
    }
}

/// serde's "invalid type: string \"x\", expected i64" in Dutch.
fn dutch(message: &str) -> String {
    let expected = message
        .split("expected ")
        .nth(1)
        .map(|e| {
            let e = e.trim();
            if e.contains("i64") || e.contains("u8") || e.contains("u32") || e.contains("integer") {
                "een geheel getal"
            } else if e.contains("f64") || e.contains("float") {
                "een getal"
            } else if e.contains("bool") {
                "true of false"
            } else if e.contains("string") {
                "tekst"
            } else if e.contains("sequence") {
                "een lijst"
            } else if e.contains("struct") || e.contains("map") {
                "een object"
            } else {
                "een andere waarde"
            }
        })
        .unwrap_or("een andere waarde");
    let got = if message.contains("invalid type: string") {
        "tekst"
    } else if message.contains("invalid type: integer")
        || message.contains("invalid type: floating")
    {
        "een getal"
    } else if message.contains("invalid type: boolean") {
        "true of false"
    } else if message.contains("invalid type: sequence") {
        "een lijst"
    } else if message.contains("invalid type: map") {
        "een object"
    } else if message.contains("invalid type: null") {
        "null"
    } else {
        "een ongeldige waarde"
    };
    format!("verkeerd type: verwacht {expected}, gevonden {got}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn names(value: Value) -> Vec<String> {
        let mut e = FieldErrors::new();
        document(value, &mut e);
        e.into_vec()
            .into_iter()
            .map(|f| format!("{}: {}", f.name, f.reason))
            .collect()
    }

    #[test]
    fn every_structural_error_of_every_record_is_reported_in_dutch() {
        let errors = names(json!({
            "aanbod": [
                {"externId": "x", "soort": "voorziening", "organisatie": "o", "titel": "Titel",
                 "samenvatting": "s", "maxLeeftijd": "oud", "kosten": "gratis", "kleur": "rood",
                 "vacature": {"urenPerWeek": 2}},
                {"externId": "y", "soort": "voorziening", "organisatie": "o", "titel": "Titel",
                 "samenvatting": "s", "minLeeftijd": 0, "maxLeeftijd": 120, "kosten": "gratis"},
                "geen object"
            ],
            "organisaties": {"externId": "o"},
            "extra": 1
        }));
        for expected in [
            "extra: onbekend onderdeel; gebruik taxonomie, organisaties en aanbod",
            "organisaties: moet een lijst zijn, niet een object",
            "aanbod[0](x).minLeeftijd: ontbreekt",
            "aanbod[0](x).maxLeeftijd: verkeerd type: verwacht een geheel getal, gevonden tekst",
            "aanbod[0](x).kleur: onbekend veld",
            "aanbod[0](x).vacature.tijdsbesteding: ontbreekt",
            "aanbod[2]: moet een object zijn, niet tekst",
        ] {
            assert!(
                errors.iter().any(|e| e == expected),
                "{expected} not in {errors:#?}"
            );
        }
        // The good record gives no error.
        assert!(
            errors.iter().all(|e| !e.starts_with("aanbod[1]")),
            "{errors:#?}"
        );
    }

    #[test]
    fn a_good_document_reads_whole() {
        let mut e = FieldErrors::new();
        let doc = document(
            json!({"organisaties": [{"externId": "o", "naam": "Org"}],
                   "taxonomie": {"themas": [{"sleutel": "t", "label": "T"}]}}),
            &mut e,
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(doc.organisaties.len(), 1);
        assert_eq!(doc.taxonomie.unwrap().themas.len(), 1);
    }
}
