//! Bulk import of the documented JSON format (`docs/import-format.md`): idempotent (records are
//! keyed by external ids) and all-or-nothing (every file is checked before one transaction
//! writes anything; any error rolls the whole import back).

mod records;
mod structure;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

pub use records::ImportDocument;

use crate::domain::{FieldErrors, Taxonomy};
use crate::store::{ListingUpsert, Store, StoreError};

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub taxonomy_terms: usize,
    pub organisations_created: usize,
    pub organisations_updated: usize,
    pub listings_created: usize,
    pub listings_updated: usize,
    pub listings_unchanged: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "taxonomie: {} termen; organisaties: {} nieuw, {} bijgewerkt; aanbod: {} nieuw, {} bijgewerkt, {} ongewijzigd",
            self.taxonomy_terms,
            self.organisations_created,
            self.organisations_updated,
            self.listings_created,
            self.listings_updated,
            self.listings_unchanged
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: geen geldig importbestand: {message}")]
    Unreadable { file: String, message: String },
    #[error("de import is geweigerd; er is niets opgeslagen. Fouten:\n{0}")]
    Invalid(FieldErrors),
    #[error("database: {0}")]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Store(StoreError::Db(e))
    }
}

/// Reads and imports files, in the given order, as one transaction. Structural errors of all
/// files are reported together, each prefixed with its file's name.
pub async fn import_files(store: &Store, paths: &[PathBuf]) -> Result<ImportReport, ImportError> {
    let mut docs = Vec::new();
    let mut errors = FieldErrors::new();
    for path in paths {
        let (doc, file_errors) = read_document(path)?;
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        for e in file_errors.into_vec() {
            errors.add(format!("{file}: {}", e.name), e.reason);
        }
        docs.push(doc);
    }
    if !errors.is_empty() {
        return Err(ImportError::Invalid(errors));
    }
    import_documents(store, docs).await
}

/// Every `*.json` file in `dir`, in name order (the demo data set is split this way).
pub fn json_files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads a file: a syntax error stops it (JSON cannot be read past one), structural errors
/// are all returned beside what could be read.
pub fn read_document(path: &Path) -> Result<(ImportDocument, FieldErrors), ImportError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::Unreadable {
        file: file.clone(),
        message: e.to_string(),
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ImportError::Unreadable {
            file,
            message: format!(
                "regel {}, kolom {}: geen geldige JSON ({})",
                e.line(),
                e.column(),
                match e.classify() {
                    serde_json::error::Category::Eof => "het bestand houdt te vroeg op",
                    _ => "controleer komma's, aanhalingstekens en haakjes",
                }
            ),
        })?;
    let mut errors = FieldErrors::new();
    let doc = structure::document(value, &mut errors);
    Ok((doc, errors))
}

/// Validates and imports parsed documents as one transaction.
pub async fn import_documents(
    store: &Store,
    docs: Vec<ImportDocument>,
) -> Result<ImportReport, ImportError> {
    let merged = ImportDocument::merge(docs);
    let mut errors = FieldErrors::new();

    // The taxonomy this import may refer to: the database's plus the import's own.
    let mut taxonomy = store.load_taxonomy().await?;
    let import_taxonomy = merged.taxonomy(&mut errors);
    extend_taxonomy(&mut taxonomy, &import_taxonomy);

    let organisations = merged.organisations(&mut errors);
    let listings = merged.listings(&taxonomy, &mut errors);
    if !errors.is_empty() {
        return Err(ImportError::Invalid(errors));
    }

    let mut report = ImportReport::default();
    let mut tx = store.begin().await?;
    report.taxonomy_terms = import_taxonomy.age_groups.len();
    for kind in Store::PLAIN_TERM_LISTS {
        let terms = import_taxonomy.terms(kind);
        report.taxonomy_terms += terms.len();
        Store::upsert_terms(&mut tx, kind, terms, 0).await?;
    }
    Store::upsert_age_groups(&mut tx, &import_taxonomy.age_groups, 0).await?;

    let mut org_ids: HashMap<String, i64> = HashMap::new();
    for org in &organisations {
        let existed = Store::organisation_id_by_external_id(&mut tx, &org.external_id)
            .await?
            .is_some();
        let id = Store::upsert_organisation(&mut tx, org).await?;
        if existed {
            report.organisations_updated += 1;
        } else {
            report.organisations_created += 1;
        }
        org_ids.insert(org.external_id.clone(), id);
    }

    for (i, (org_ref, listing)) in listings.iter().enumerate() {
        let org_id = match org_ids.get(org_ref) {
            Some(id) => *id,
            None => match Store::organisation_id_by_external_id(&mut tx, org_ref).await? {
                Some(id) => id,
                None => {
                    errors.add(
                        format!("aanbod[{i}].organisatie"),
                        format!("onbekende organisatie {org_ref:?}"),
                    );
                    continue;
                }
            },
        };
        match Store::upsert_listing(&mut tx, org_id, listing).await? {
            ListingUpsert::Created(_) => report.listings_created += 1,
            ListingUpsert::Updated(_) => report.listings_updated += 1,
            ListingUpsert::Unchanged(_) => report.listings_unchanged += 1,
        }
    }
    if !errors.is_empty() {
        tx.rollback().await?;
        return Err(ImportError::Invalid(errors));
    }
    tx.commit().await?;
    Ok(report)
}

/// Adds the import's terms to `base`, keeping keys unique.
fn extend_taxonomy(base: &mut Taxonomy, extra: &Taxonomy) {
    fn add<T: Clone>(list: &mut Vec<T>, new: &[T], key: impl Fn(&T) -> &str) {
        let known: HashSet<String> = list.iter().map(|t| key(t).to_string()).collect();
        list.extend(new.iter().filter(|t| !known.contains(key(t))).cloned());
    }
    add(&mut base.themes, &extra.themes, |t| &t.key);
    add(&mut base.wijken, &extra.wijken, |t| &t.key);
    add(&mut base.talents, &extra.talents, |t| &t.key);
    add(&mut base.languages, &extra.languages, |t| &t.key);
    add(&mut base.accessibility, &extra.accessibility, |t| &t.key);
    add(&mut base.age_groups, &extra.age_groups, |t| &t.key);
}
