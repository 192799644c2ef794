//! JSON import files read as a stream, so an import of a million items does not hold them in
//! memory (#14). A file is read twice: first everything but the items (`taxonomie` and
//! `organisaties` are small, and the items need the organisations written first), counting the
//! items; then each element of `aanbod` in turn, handed on as soon as it is read. The text is
//! never held whole, and neither are the items.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use serde::Deserializer as _;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::ImportError;
use super::records::ImportDocument;
use super::structure;
use crate::domain::FieldErrors;

/// What the first pass finds: the document without its items, its structural errors, and the
/// number of items.
pub struct Head {
    pub doc: ImportDocument,
    pub errors: FieldErrors,
    pub items: usize,
}

/// An unreadable file, in Dutch: where the syntax breaks.
pub fn syntax_error(file: &str, e: &serde_json::Error) -> ImportError {
    ImportError::Unreadable {
        file: file.to_string(),
        message: format!(
            "regel {}, kolom {}: geen geldige JSON ({})",
            e.line(),
            e.column(),
            match e.classify() {
                serde_json::error::Category::Eof => "het bestand houdt te vroeg op",
                _ => "controleer komma's, aanhalingstekens en haakjes",
            }
        ),
    }
}

fn open(path: &Path) -> Result<BufReader<File>, ImportError> {
    File::open(path)
        .map(|f| BufReader::with_capacity(1 << 20, f))
        .map_err(|e| ImportError::Unreadable {
            file: path.display().to_string(),
            message: e.to_string(),
        })
}

/// The first pass: everything but the items, and how many there are.
pub fn read_head(path: &Path) -> Result<Head, ImportError> {
    let file = path.display().to_string();
    let mut de = serde_json::Deserializer::from_reader(open(path)?);
    let mut found = TopParts::default();
    de.deserialize_any(Top {
        parts: &mut found,
        items: None,
    })
    .map_err(|e| syntax_error(&file, &e))?;
    de.end().map_err(|e| syntax_error(&file, &e))?;
    let mut errors = FieldErrors::new();
    if !found.object {
        errors.add(
            "(bestand)",
            "moet een object zijn met 'taxonomie', 'organisaties' en/of 'aanbod'",
        );
    }
    for key in &found.unknown {
        errors.add(
            key.clone(),
            "onbekend onderdeel; gebruik taxonomie, organisaties en aanbod",
        );
    }
    if found.items_repeated {
        errors.add(
            "aanbod",
            "komt twee keer voor; zet al het aanbod in één lijst",
        );
    }
    if let Some(kind) = &found.items_not_a_list {
        errors.add("aanbod", format!("moet een lijst zijn, niet {kind}"));
    }
    // The small parts go through the same structural check as a whole document.
    let mut top = serde_json::Map::new();
    if let Some(t) = found.taxonomy {
        top.insert("taxonomie".into(), t);
    }
    if let Some(o) = found.organisations {
        top.insert("organisaties".into(), o);
    }
    let doc = structure::document(Value::Object(top), &mut errors);
    Ok(Head {
        doc,
        errors,
        items: found.items,
    })
}

/// The second pass: each element of `aanbod`, in order, to `each` (position and value);
/// `each` returns `false` to stop reading.
pub fn read_items(
    path: &Path,
    each: &mut dyn FnMut(usize, Value) -> bool,
) -> Result<(), ImportError> {
    let file = path.display().to_string();
    let mut de = serde_json::Deserializer::from_reader(open(path)?);
    let mut parts = TopParts::default();
    match de.deserialize_any(Top {
        parts: &mut parts,
        items: Some(each),
    }) {
        Ok(()) => Ok(()),
        // Stopped on purpose: not an error of the file.
        Err(e) if e.to_string().starts_with(STOPPED) => Ok(()),
        Err(e) => Err(syntax_error(&file, &e)),
    }
}

const STOPPED: &str = "gestopt";

#[derive(Default)]
struct TopParts {
    object: bool,
    taxonomy: Option<Value>,
    organisations: Option<Value>,
    unknown: Vec<String>,
    items: usize,
    items_not_a_list: Option<&'static str>,
    items_seen: bool,
    items_repeated: bool,
}

struct Top<'a, 'f> {
    parts: &'a mut TopParts,
    /// Set in the second pass.
    items: Option<&'a mut (dyn FnMut(usize, Value) -> bool + 'f)>,
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("een object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.parts.object = true;
        let mut items = self.items;
        while let Some(key) = map.next_key::<String>()? {
            match (key.as_str(), items.as_deref_mut()) {
                ("aanbod", Some(each)) if !self.parts.items_seen => {
                    map.next_value_seed(Items { each })?;
                    self.parts.items_seen = true;
                }
                ("aanbod", None) if self.parts.items_seen => {
                    // Its positions would repeat the first list's: refused.
                    map.next_value::<IgnoredAny>()?;
                    self.parts.items_repeated = true;
                }
                ("aanbod", None) => {
                    let (count, not_a_list) = map.next_value_seed(Count)?;
                    self.parts.items = count;
                    self.parts.items_not_a_list = not_a_list;
                    self.parts.items_seen = true;
                }
                (_, Some(_)) => {
                    map.next_value::<IgnoredAny>()?;
                }
                ("taxonomie", None) => self.parts.taxonomy = Some(map.next_value()?),
                ("organisaties", None) => self.parts.organisations = Some(map.next_value()?),
                (_, None) => {
                    map.next_value::<IgnoredAny>()?;
                    self.parts.unknown.push(key);
                }
            }
        }
        Ok(())
    }

    // Anything but an object is read and reported by the first pass.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
}

/// Counts the items (first pass); notes what `aanbod` is when it is not a list.
struct Count;

impl<'de> DeserializeSeed<'de> for Count {
    type Value = (usize, Option<&'static str>);
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(Count)
    }
}

impl<'de> Visitor<'de> for Count {
    type Value = (usize, Option<&'static str>);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("een lijst")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut n = 0;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            n += 1;
        }
        Ok((n, None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok((0, Some("een object")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok((0, None))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok((0, Some("true of false")))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok((0, Some("een getal")))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok((0, Some("een getal")))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok((0, Some("een getal")))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok((0, Some("tekst")))
    }
}

/// Hands each item on (second pass).
struct Items<'a, 'f> {
    each: &'a mut (dyn FnMut(usize, Value) -> bool + 'f),
}

impl<'de> DeserializeSeed<'de> for Items<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Items<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("een lijst")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(item) = seq.next_element::<Value>()? {
            if !(self.each)(i, item) {
                return Err(de::Error::custom(STOPPED));
            }
            i += 1;
        }
        Ok(())
    }
    // Not a list: reported by the first pass, skipped here.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
}
