//! Bulk import of the documented JSON format (`docs/import-format.md`): idempotent (records are
//! keyed by external ids) and all-or-nothing (every file is checked before one transaction
//! writes anything; any error rolls the whole import back).

pub mod hsds;
mod records;
pub mod spreadsheet;
mod stream;
mod structure;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

pub use records::ImportDocument;

use crate::domain::{FieldErrors, Taxonomy};
use crate::store::{Store, StoreError, Upsert};

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub taxonomy_terms: usize,
    pub organisations_created: usize,
    pub organisations_updated: usize,
    pub organisations_unchanged: usize,
    pub listings_created: usize,
    pub listings_updated: usize,
    pub listings_unchanged: usize,
    /// Dry runs: records left out for their errors, and the errors (name, reason).
    pub invalid_records: usize,
    pub errors: Vec<(String, String)>,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "taxonomie: {} termen; organisaties: {} nieuw, {} bijgewerkt, {} ongewijzigd; aanbod: {} nieuw, {} bijgewerkt, {} ongewijzigd",
            self.taxonomy_terms,
            self.organisations_created,
            self.organisations_updated,
            self.organisations_unchanged,
            self.listings_created,
            self.listings_updated,
            self.listings_unchanged
        )?;
        if self.invalid_records > 0 {
            write!(f, "; ongeldig: {}", self.invalid_records)?;
        }
        Ok(())
    }
}

/// How an import runs.
#[derive(Clone, Copy, Default)]
pub struct ImportOptions<'a> {
    /// Check and count everything, write nothing; records with errors are left out and
    /// listed in the report instead of refusing the import.
    pub dry_run: bool,
    /// Called now and then with (items written, items in all).
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
}

/// Where the records of an import came from, in merge order: a spreadsheet row for CSV
/// records, so errors can be named by row and column.
#[derive(Default)]
struct Origins {
    organisations: Vec<Origin>,
    listings: Vec<Origin>,
}

/// A record's file, and its row (a sheet) or its position in the file's list (JSON; HSDS
/// with the record's id).
#[derive(Clone)]
enum Origin {
    Row(String, usize),
    Position(String, usize),
    Hsds(String, usize, String),
}

impl Origins {
    /// `aanbod[3](x).contact.email` → `aanbod.csv: rij 5, kolom email` for a CSV record.
    fn rename(&self, name: &str) -> String {
        for (list, origins) in [
            ("aanbod", &self.listings),
            ("organisaties", &self.organisations),
        ] {
            let Some(rest) = name.strip_prefix(list).and_then(|r| r.strip_prefix('[')) else {
                continue;
            };
            let Some((index, rest)) = rest.split_once(']') else {
                continue;
            };
            let Some(origin) = index.parse::<usize>().ok().and_then(|i| origins.get(i)) else {
                continue;
            };
            let (file, row) = match origin {
                Origin::Row(file, row) => (file, *row),
                Origin::Position(file, i) => return format!("{file}: {list}[{i}]{rest}"),
                Origin::Hsds(file, i, id) => {
                    let hsds_list = if list == "aanbod" {
                        "services"
                    } else {
                        "organizations"
                    };
                    let field = match rest.strip_prefix('(') {
                        Some(r) => r.split_once(')').map_or("", |(_, f)| f),
                        None => rest,
                    };
                    let field = field.trim_start_matches('.');
                    let at = format!("{file}: {hsds_list}[{i}]({id})");
                    return if field.is_empty() {
                        at
                    } else {
                        format!("{at}.{}", hsds::import::hsds_field(field, list != "aanbod"))
                    };
                }
            };
            // Skip the "(externId)" label, then the dot.
            let field = match rest.strip_prefix('(') {
                Some(r) => r.split_once(')').map_or("", |(_, f)| f),
                None => rest,
            };
            let field = field.trim_start_matches('.');
            return if field.is_empty() {
                format!("{file}: rij {row}")
            } else {
                format!("{file}: rij {row}, kolom {}", spreadsheet::column_of(field))
            };
        }
        name.to_string()
    }

    fn rename_all(&self, errors: FieldErrors) -> FieldErrors {
        let mut out = FieldErrors::new();
        for e in errors.into_vec() {
            out.add(self.rename(&e.name), e.reason);
        }
        out
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
/// files are reported together, each prefixed with its file's name. A `.csv` file is a
/// spreadsheet (see [`spreadsheet`]); its errors are named by row and column.
pub async fn import_files(store: &Store, paths: &[PathBuf]) -> Result<ImportReport, ImportError> {
    import_files_with(store, paths, ImportOptions::default()).await
}

pub async fn import_files_with(
    store: &Store,
    paths: &[PathBuf],
    options: ImportOptions<'_>,
) -> Result<ImportReport, ImportError> {
    let mut sources = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is_csv = path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("csv"));
        if path.is_dir() {
            sources.extend(directory_sources(path)?);
        } else if is_csv {
            let text = std::fs::read_to_string(path).map_err(|e| ImportError::Unreadable {
                file: path.display().to_string(),
                message: format!("niet te lezen als UTF-8-tekst ({e})"),
            })?;
            sources.push(Source::Sheet { name, text });
        } else {
            // Read as a stream: the items only when they are written (see `stream`).
            let head = stream::read_head(path)?;
            sources.push(Source::Json {
                name,
                doc: head.doc,
                errors: head.errors,
                items: Some(ItemStream {
                    path: path.clone(),
                    items: head.items,
                }),
            });
        }
    }
    import_sources(store, sources, options).await
}

/// What a directory holds: an HSDS export (`services.json`, `organizations.json`, ...), or
/// a CSV export (`organisaties.csv`, `aanbod.csv`), organisations first.
fn directory_sources(dir: &Path) -> Result<Vec<Source>, ImportError> {
    let name = dir
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    if hsds::import::is_package(dir) {
        let mut errors = FieldErrors::new();
        let package = hsds::import::read_package(dir, &mut errors)?;
        return Ok(vec![Source::Hsds { package, errors }]);
    }
    let mut sources = Vec::new();
    for sheet in ["organisaties.csv", "aanbod.csv"] {
        let path = dir.join(sheet);
        if path.is_file() {
            let text = std::fs::read_to_string(&path).map_err(|e| ImportError::Unreadable {
                file: path.display().to_string(),
                message: format!("niet te lezen als UTF-8-tekst ({e})"),
            })?;
            sources.push(Source::Sheet {
                name: sheet.to_string(),
                text,
            });
        }
    }
    if sources.is_empty() {
        return Err(ImportError::Unreadable {
            file: name,
            message: "deze map bevat geen HSDS-export (services.json, organizations.json) en geen CSV-export (organisaties.csv, aanbod.csv)".into(),
        });
    }
    Ok(sources)
}

/// A JSON file whose `aanbod` is read item by item while the import writes.
pub struct ItemStream {
    pub path: PathBuf,
    /// How many items the first pass counted.
    pub items: usize,
}

/// What an import reads: a spreadsheet's text, a JSON document read with its structural
/// errors, or an HSDS package with its structural errors (named by file already).
pub enum Source {
    Sheet {
        name: String,
        text: String,
    },
    Json {
        name: String,
        doc: ImportDocument,
        errors: FieldErrors,
        /// The file's items, when they are read as a stream rather than held in `doc`.
        items: Option<ItemStream>,
    },
    Hsds {
        package: hsds::import::Package,
        errors: FieldErrors,
    },
}

/// Imports sources in order, as one transaction; every error of every source is named by
/// source (and for a sheet by row and column).
pub async fn import_sources(
    store: &Store,
    sources: Vec<Source>,
    options: ImportOptions<'_>,
) -> Result<ImportReport, ImportError> {
    let mut docs = Vec::new();
    let mut streams = Vec::new();
    let mut errors = FieldErrors::new();
    let mut origins = Origins::default();
    // A sheet whose header row is wrong cannot be checked at all, not even as a dry run.
    let mut unreadable_sheet = false;
    for source in sources {
        let (file, doc, file_errors) = match source {
            Source::Sheet { name, text } => {
                let mut e = FieldErrors::new();
                let (doc, rows) = spreadsheet::read(&text, &mut e);
                let at = |row: &usize| Origin::Row(name.clone(), *row);
                match rows.sheet {
                    Some(spreadsheet::Sheet::Listings) => {
                        origins.listings.extend(rows.rows.iter().map(at))
                    }
                    Some(spreadsheet::Sheet::Organisations) => {
                        origins.organisations.extend(rows.rows.iter().map(at))
                    }
                    None => unreadable_sheet = true,
                }
                (name, doc, e)
            }
            Source::Hsds {
                package,
                errors: mut package_errors,
            } => {
                let taxonomy = store.load_taxonomy().await?;
                let ids: Vec<String> = package.services.iter().map(|(_, s)| s.id.clone()).collect();
                let referrals = store.referrals_by_external_ids(&ids).await?;
                let (doc, positions) =
                    hsds::import::to_document(package, &taxonomy, &referrals, &mut package_errors);
                let at = |(file, i, id): &(String, usize, String)| {
                    Origin::Hsds(file.clone(), *i, id.clone())
                };
                origins.listings.extend(positions.listings.iter().map(at));
                origins
                    .organisations
                    .extend(positions.organisations.iter().map(at));
                // Named by file already.
                for e in package_errors.into_vec() {
                    errors.add(e.name, e.reason);
                }
                docs.push(doc);
                continue;
            }
            Source::Json {
                name,
                doc,
                errors,
                items,
            } => {
                if let Some(items) = items {
                    streams.push((name.clone(), items));
                }
                let at = |i: usize| Origin::Position(name.clone(), i);
                origins.listings.extend((0..doc.aanbod.len()).map(at));
                origins
                    .organisations
                    .extend((0..doc.organisaties.len()).map(at));
                (name, doc, errors)
            }
        };
        for e in file_errors.into_vec() {
            errors.add(format!("{file}: {}", e.name), e.reason);
        }
        docs.push(doc);
    }
    // With errors in the files, the rest is still checked (as a dry run, nothing written),
    // so one report lists every error.
    if unreadable_sheet {
        return Err(ImportError::Invalid(errors));
    }
    let refuse = !errors.is_empty() && !options.dry_run;
    let options = ImportOptions {
        dry_run: options.dry_run || refuse,
        ..options
    };
    let result = import_documents_streamed(store, docs, streams, options).await;
    if refuse {
        let mut all = errors;
        match result {
            Ok(report) => {
                for (name, reason) in &report.errors {
                    all.add(origins.rename(name), reason.clone());
                }
            }
            Err(ImportError::Invalid(more)) => {
                for e in more.into_vec() {
                    all.add(origins.rename(&e.name), e.reason);
                }
            }
            Err(other) => return Err(other),
        }
        return Err(ImportError::Invalid(all));
    }
    match result {
        Err(ImportError::Invalid(e)) => Err(ImportError::Invalid(origins.rename_all(e))),
        Ok(mut report) => {
            let mut all: Vec<(String, String)> = errors
                .into_vec()
                .into_iter()
                .map(|e| (e.name, e.reason))
                .collect();
            all.extend(
                report
                    .errors
                    .drain(..)
                    .map(|(n, r)| (origins.rename(&n), r)),
            );
            report.invalid_records = count_records(all.iter().map(|(n, _)| n.as_str()));
            report.errors = all;
            Ok(report)
        }
        Err(e) => Err(e),
    }
}

/// How many distinct records the error names are about (`aanbod[3]`, `x.csv: rij 5`).
fn count_records<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    let records: HashSet<&str> = names
        .map(|n| {
            let end = n
                .find(", kolom")
                .or_else(|| n.find(']').map(|i| i + 1))
                .unwrap_or(n.len());
            &n[..end]
        })
        .collect();
    records.len()
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
        serde_json::from_str(&text).map_err(|e| stream::syntax_error(&file, &e))?;
    let mut errors = FieldErrors::new();
    let doc = structure::document(value, &mut errors);
    Ok((doc, errors))
}

/// Validates and imports parsed documents as one transaction.
/// Items written between two progress reports.
const PROGRESS_STEP: usize = 5000;

pub async fn import_documents(
    store: &Store,
    docs: Vec<ImportDocument>,
) -> Result<ImportReport, ImportError> {
    import_documents_with(store, docs, ImportOptions::default()).await
}

pub async fn import_documents_with(
    store: &Store,
    docs: Vec<ImportDocument>,
    options: ImportOptions<'_>,
) -> Result<ImportReport, ImportError> {
    import_documents_streamed(store, docs, Vec::new(), options).await
}

/// [`import_documents_with`], plus the items of JSON files read as streams (named by file),
/// written after the documents' own items, in the same transaction.
async fn import_documents_streamed(
    store: &Store,
    docs: Vec<ImportDocument>,
    streams: Vec<(String, ItemStream)>,
    options: ImportOptions<'_>,
) -> Result<ImportReport, ImportError> {
    let started = std::time::Instant::now();
    let merged = ImportDocument::merge(docs);
    let mut errors = FieldErrors::new();

    // The taxonomy this import may refer to: the database's plus the import's own.
    let mut taxonomy = store.load_taxonomy().await?;
    let import_taxonomy = merged.taxonomy(&mut errors);
    extend_taxonomy(&mut taxonomy, &import_taxonomy);

    let mut organisations = merged.organisations(&mut errors);
    let listings = merged.listings(&taxonomy, &mut errors);
    // Refused already; streamed files still have to be read for their errors.
    let refused = !errors.is_empty() && !options.dry_run;
    if refused && streams.is_empty() {
        return Err(ImportError::Invalid(errors));
    }
    if !errors.is_empty() {
        // A dry run counts what the valid records would do; a refused import checks the
        // streamed items against the valid organisations.
        let bad: HashSet<String> = errors
            .as_slice()
            .iter()
            .filter_map(|e| e.name.strip_prefix("organisaties["))
            .filter_map(|r| r.split_once(']').map(|(i, _)| i.to_string()))
            .collect();
        let mut i = 0;
        organisations.retain(|_| {
            i += 1;
            !bad.contains(&(i - 1).to_string())
        });
    }

    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "import: gecontroleerd"
    );
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
        let id = match Store::upsert_organisation(&mut tx, org).await? {
            Upsert::Created(id) => {
                report.organisations_created += 1;
                id
            }
            Upsert::Updated(id) => {
                report.organisations_updated += 1;
                id
            }
            Upsert::Unchanged(id) => {
                report.organisations_unchanged += 1;
                id
            }
        };
        org_ids.insert(org.external_id.clone(), id);
    }

    let total = listings.len() + streams.iter().map(|(_, s)| s.items).sum::<usize>();
    let mut writer = ItemWriter {
        org_ids,
        total,
        done: 0,
        progress: options.progress,
        check_only: refused,
    };
    let pairs: Vec<(usize, &str, &crate::domain::NewListing)> = listings
        .iter()
        .map(|(i, o, l)| (*i, o.as_str(), l))
        .collect();
    for slice in pairs.chunks(PROGRESS_STEP) {
        writer
            .write(&mut tx, slice, &mut report, &mut errors, "")
            .await?;
    }
    // The streamed files: read on a blocking thread, validated there, handed over a bounded
    // channel in batches, and written here while the next batch is read.
    let mut seen: HashSet<String> = listings
        .iter()
        .filter_map(|(_, _, l)| l.external_id.clone())
        .collect();
    for (name, items) in streams {
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<StreamBatch>(2);
        let checked = taxonomy.clone();
        let file = name.clone();
        let reader = tokio::task::spawn_blocking(move || {
            let mut batch = StreamBatch::default();
            let result = stream::read_items(&items.path, &mut |i, value| {
                let mut e = FieldErrors::new();
                let record =
                    structure::element::<records::ListingRecord>(value, "aanbod", i, &mut e);
                if let Some(item) = record.and_then(|r| r.checked(i, &checked, &mut seen, &mut e)) {
                    batch.items.push((i, item.0, item.1));
                }
                batch
                    .errors
                    .extend(e.into_vec().into_iter().map(|x| (x.name, x.reason)));
                if batch.items.len() >= PROGRESS_STEP / 5 {
                    return sender.blocking_send(std::mem::take(&mut batch)).is_ok();
                }
                true
            });
            if result.is_ok() && (!batch.items.is_empty() || !batch.errors.is_empty()) {
                let _ = sender.blocking_send(batch);
            }
            (result, seen)
        });
        while let Some(batch) = receiver.recv().await {
            for (n, reason) in batch.errors {
                errors.add(format!("{file}: {n}"), reason);
            }
            // Once the import is refused, the rest is only checked.
            writer.check_only = refused || (!options.dry_run && !errors.is_empty());
            let pairs: Vec<(usize, &str, &crate::domain::NewListing)> = batch
                .items
                .iter()
                .map(|(i, o, l)| (*i, o.as_str(), l))
                .collect();
            writer
                .write(&mut tx, &pairs, &mut report, &mut errors, &file)
                .await?;
        }
        let (result, returned) = reader.await.map_err(|e| ImportError::Unreadable {
            file: name.clone(),
            message: format!("lezen afgebroken ({e})"),
        })?;
        result?;
        seen = returned;
    }
    if let Some(progress) = options.progress {
        progress(total, total);
    }
    if options.dry_run {
        tx.rollback().await?;
        report.errors = errors
            .into_vec()
            .into_iter()
            .map(|e| (e.name, e.reason))
            .collect();
        report.invalid_records = count_records(report.errors.iter().map(|(n, _)| n.as_str()));
        return Ok(report);
    }
    if !errors.is_empty() {
        tx.rollback().await?;
        return Err(ImportError::Invalid(errors));
    }
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "import: geschreven"
    );
    tx.commit().await?;
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "import: vastgelegd"
    );
    Ok(report)
}

/// Validated items a reading thread hands to the writer, with the errors it found (named
/// within the file).
#[derive(Default)]
struct StreamBatch {
    items: Vec<(usize, String, crate::domain::NewListing)>,
    errors: Vec<(String, String)>,
}

/// Writes items in bulk, resolving their organisations, counting what happened, and telling
/// a terminal how far it is.
struct ItemWriter<'p> {
    org_ids: HashMap<String, i64>,
    total: usize,
    done: usize,
    progress: Option<&'p (dyn Fn(usize, usize) + Sync)>,
    /// Refused already: find the remaining errors, write nothing.
    check_only: bool,
}

impl ItemWriter<'_> {
    /// `items` are (position in `aanbod`, organisation's external id, item); `file` names
    /// where they came from (empty: a document, whose errors are renamed later).
    async fn write(
        &mut self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        items: &[(usize, &str, &crate::domain::NewListing)],
        report: &mut ImportReport,
        errors: &mut FieldErrors,
        file: &str,
    ) -> Result<(), ImportError> {
        let mut resolved = Vec::with_capacity(items.len());
        for (i, org_ref, listing) in items {
            let id = match self.org_ids.get(*org_ref) {
                Some(id) => Some(*id),
                None => Store::organisation_id_by_external_id(tx, org_ref).await?,
            };
            match id {
                Some(id) => {
                    self.org_ids.insert(org_ref.to_string(), id);
                    resolved.push((id, *listing));
                }
                None => {
                    let prefix = if file.is_empty() {
                        String::new()
                    } else {
                        format!("{file}: ")
                    };
                    errors.add(
                        format!("{prefix}aanbod[{i}].organisatie"),
                        format!("onbekende organisatie {org_ref:?}"),
                    );
                }
            }
        }
        if let Some(progress) = self.progress {
            progress(self.done, self.total);
        }
        self.done += items.len();
        if self.check_only {
            return Ok(());
        }
        for outcome in Store::import_listings(tx, &resolved).await? {
            match outcome {
                Upsert::Created(_) => report.listings_created += 1,
                Upsert::Updated(_) => report.listings_updated += 1,
                Upsert::Unchanged(_) => report.listings_unchanged += 1,
            }
        }
        Ok(())
    }
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

/// What an export wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExportReport {
    pub organisations: usize,
    pub listings: usize,
}

/// Writes `organisaties.csv` and `aanbod.csv` into `dir`: every organisation and every item
/// (all statuses, with the staff-only columns: an editor's tool, and the round trip needs
/// them). Read and written a page at a time, so memory does not grow with the data set.
/// `progress` gets (file, done, total) now and then.
pub async fn export_csv(
    store: &Store,
    dir: &Path,
    progress: &(dyn Fn(&str, usize, usize) + Sync),
) -> Result<ExportReport, ImportError> {
    const PAGE: i64 = 1000;
    let io = |e: std::io::Error| ImportError::Unreadable {
        file: dir.display().to_string(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut report = ExportReport::default();

    let mut names: HashMap<i64, String> = HashMap::new();
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(dir.join("organisaties.csv")).map_err(io)?);
    spreadsheet::start(&mut out, &spreadsheet::ORGANISATION_COLUMNS).map_err(io)?;
    let mut offset = 0;
    loop {
        let (page, total) = store.list_organisations(offset, PAGE).await?;
        if page.is_empty() {
            break;
        }
        for o in &page {
            spreadsheet::write_organisation(&mut out, o).map_err(io)?;
            names.insert(
                o.id,
                o.external_id
                    .clone()
                    .unwrap_or_else(|| format!("wegwijzer-org-{}", o.id)),
            );
        }
        offset += page.len() as i64;
        report.organisations += page.len();
        progress("organisaties.csv", report.organisations, total as usize);
    }
    std::io::Write::flush(&mut out).map_err(io)?;

    let total = store.count_listings().await? as usize;
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(dir.join("aanbod.csv")).map_err(io)?);
    spreadsheet::start(&mut out, &spreadsheet::LISTING_COLUMNS).map_err(io)?;
    let mut after = 0;
    loop {
        let page = store.listings_after(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for l in &page {
            let org = names.get(&l.organisation_id).map_or("", String::as_str);
            spreadsheet::write_listing(&mut out, l, org).map_err(io)?;
        }
        report.listings += page.len();
        progress("aanbod.csv", report.listings, total.max(report.listings));
    }
    std::io::Write::flush(&mut out).map_err(io)?;
    Ok(report)
}
