//! `POST /beheer/imports`: editors upload a spreadsheet (CSV as Dutch spreadsheet programs write
//! it, `docs/csv.md`) and get the same report as `wegwijzer import` on the command line: what
//! it would do or did (new, changed, unchanged), and every invalid row and column. The only
//! endpoint with a larger body limit ([`crate::app::MAX_IMPORT_BYTES`]).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::AppState;
use crate::api::extract::QueryPairs;
use crate::auth::Caller;
use crate::domain::FieldErrors;
use crate::error::ApiResult;
use crate::import_export::{ImportError, ImportOptions, ImportReport, Source, import_sources};

pub const PATH: &str = "/api/v1/beheer/imports";
/// How the upload is named in error messages; stripped before they are shown.
const UPLOAD: &str = "upload";

/// Counts for one kind of record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportCounts {
    pub nieuw: usize,
    pub gewijzigd: usize,
    pub ongewijzigd: usize,
}

/// An invalid row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProblem {
    /// Row and column, e.g. `rij 14, kolom wijken`.
    #[schema(example = "rij 14, kolom wijken")]
    pub plaats: String,
    #[schema(example = "onbekende sleutel \"Centrum\"")]
    pub melding: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportResponse {
    /// True: nothing was written.
    pub proefdraai: bool,
    pub organisaties: ImportCounts,
    pub aanbod: ImportCounts,
    /// Rows left out for their errors (dry runs; a real import with errors is a 400).
    pub ongeldig: usize,
    pub fouten: Vec<ImportProblem>,
}

fn without_upload_name(name: &str) -> String {
    name.strip_prefix(UPLOAD)
        .and_then(|n| n.strip_prefix(": "))
        .unwrap_or(name)
        .to_string()
}

impl From<ImportReport> for ImportReportResponse {
    fn from(r: ImportReport) -> Self {
        ImportReportResponse {
            proefdraai: false,
            organisaties: ImportCounts {
                nieuw: r.organisations_created,
                gewijzigd: r.organisations_updated,
                ongewijzigd: r.organisations_unchanged,
            },
            aanbod: ImportCounts {
                nieuw: r.listings_created,
                gewijzigd: r.listings_updated,
                ongewijzigd: r.listings_unchanged,
            },
            ongeldig: r.invalid_records,
            fouten: r
                .errors
                .into_iter()
                .map(|(name, reason)| ImportProblem {
                    plaats: without_upload_name(&name),
                    melding: reason,
                })
                .collect(),
        }
    }
}

/// Import a spreadsheet of organisations or items (editors): `text/csv`, semicolons, UTF-8,
/// at most 20 MiB. With `proefdraai=true` nothing is written and invalid rows are listed in
/// the report; without it, any invalid row refuses the whole upload with a 400 that names
/// every row and column.
#[utoipa::path(
    post,
    path = "/beheer/imports",
    tag = "beheer",
    params(
        ("proefdraai" = Option<bool>, Query, description = "`true`: check and count, write nothing"),
    ),
    request_body(content = String, content_type = "text/csv",
        description = "A sheet as in docs/csv.md: a header row, then one record per row"),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Imported (or, as a dry run, checked); search shows it", body = ImportReportResponse),
        (status = 202, description = "Imported; search shows it within seconds", body = ImportReportResponse),
    )
)]
pub async fn create_import(
    State(state): State<AppState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    caller.require_editor()?;
    let mut e = FieldErrors::new();
    let mut dry_run = false;
    for (k, v) in &pairs {
        match (k.as_str(), v.as_str()) {
            ("proefdraai", "true") => dry_run = true,
            ("proefdraai", "false") => dry_run = false,
            ("proefdraai", _) => e.add("proefdraai", "moet true of false zijn"),
            (other, _) => e.add(other, "onbekende parameter; toegestaan: proefdraai"),
        }
    }
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/csv"));
    if !csv {
        e.add("Content-Type", "moet text/csv zijn");
    }
    let text = match String::from_utf8(body.to_vec()) {
        Ok(t) if !t.trim().is_empty() => t,
        Ok(_) => {
            e.add("body", "het bestand is leeg");
            String::new()
        }
        Err(_) => {
            e.add(
                "body",
                "moet UTF-8 zijn; sla het bestand op als 'CSV UTF-8'",
            );
            String::new()
        }
    };
    if !e.is_empty() {
        return Err(e.into());
    }
    let options = ImportOptions {
        dry_run,
        progress: None,
    };
    let source = Source::Sheet {
        name: UPLOAD.into(),
        text,
    };
    let report = match import_sources(&state.store, vec![source], options).await {
        Ok(report) => report,
        Err(ImportError::Invalid(errors)) => {
            let mut e = FieldErrors::new();
            for f in errors.into_vec() {
                e.add(without_upload_name(&f.name), f.reason);
            }
            return Err(e.into());
        }
        Err(ImportError::Store(err)) => return Err(err.into()),
        Err(ImportError::Unreadable { message, .. }) => {
            let mut e = FieldErrors::new();
            e.add("body", message);
            return Err(e.into());
        }
    };
    let mut response = ImportReportResponse::from(report);
    response.proefdraai = dry_run;
    let mut status = StatusCode::OK;
    if !dry_run {
        let seq = state.store.latest_outbox_seq().await?;
        state.index_waker.notify_one();
        if !state.index.wait_for(seq, state.write_wait).await {
            status = StatusCode::ACCEPTED;
        }
    }
    Ok((status, Json(response)).into_response())
}
