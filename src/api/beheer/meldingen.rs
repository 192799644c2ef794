//! `/beheer/meldingen`: residents' reports of mistakes ("Klopt er iets niet?"). Editors see and
//! handle all of them; a partner sees the reports on its own organisation's items.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::AppState;
use crate::api::dto::{Link, paged_list};
use crate::api::extract::{ApiPath, JsonObject, QueryPairs, fields_from, parse_paging_after};
use crate::auth::Caller;
use crate::domain::report::{Report, ReportStatus};
use crate::domain::{FieldErrors, iso};
use crate::error::ApiResult;
use crate::store::ReportFilter;

/// The item a report is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportedItem {
    pub id: i64,
    pub titel: String,
    #[serde(rename = "_links")]
    pub links: ReportedItemLinks,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportedItemLinks {
    /// The item in the management API.
    pub beheer: Link,
}

/// A resident's report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportResponse {
    pub id: i64,
    pub aanbod: ReportedItem,
    /// `contactgegevens`, `tijden`, `adres`, `bestaat-niet-meer` or `anders`.
    pub reden: String,
    /// The choice as the resident saw it.
    pub reden_label: String,
    pub toelichting: String,
    /// For an answer: only editors see it, and only while the report is open (it is erased
    /// when the report is handled).
    pub email: Option<String>,
    /// `open` or `afgehandeld`.
    pub status: String,
    #[schema(format = DateTime)]
    pub ingediend: String,
    #[schema(format = DateTime)]
    pub afgehandeld: Option<String>,
}

impl ReportResponse {
    fn new(r: Report, editor: bool) -> ReportResponse {
        ReportResponse {
            id: r.id,
            aanbod: ReportedItem {
                id: r.listing_id,
                titel: r.listing_title,
                links: ReportedItemLinks {
                    beheer: Link {
                        href: format!("/api/v1/beheer/aanbod/{}", r.listing_id),
                    },
                },
            },
            reden: r.reason.as_str().into(),
            reden_label: r.reason.label().into(),
            toelichting: r.message,
            email: r.email.filter(|_| editor),
            status: r.status.as_str().into(),
            ingediend: iso(&r.created_at),
            afgehandeld: r.handled_at.as_ref().map(iso),
        }
    }
}

paged_list!(
    /// One page of reports: open ones first, then newest first.
    ReportList of ReportResponse
);

/// Reports on items: editors all, partners those on their own organisation's items.
#[utoipa::path(
    get,
    path = "/beheer/meldingen",
    tag = "beheer",
    params(
        ("status" = Option<String>, Query, description = "`open` or `afgehandeld`"),
        ("page" = Option<u32>, Query, minimum = 1),
        ("pageSize" = Option<u32>, Query, minimum = 1, maximum = 100),
    ),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "One page of reports", body = ReportList))
)]
pub async fn list_meldingen(
    State(state): State<AppState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<ReportList>> {
    caller.require_manager()?;
    let mut e = FieldErrors::new();
    let mut filter = ReportFilter {
        organisation_id: caller.user.organisation_id.filter(|_| !caller.is_editor()),
        ..Default::default()
    };
    let mut paging = Vec::new();
    for (k, v) in &pairs {
        match k.as_str() {
            "status" => match ReportStatus::parse(v) {
                Some(s) => filter.status = Some(s),
                None => e.add("status", format!("kies uit: {}", ReportStatus::allowed())),
            },
            _ => paging.push((k.clone(), v.clone())),
        }
    }
    let (page, size) = parse_paging_after(e, &paging, 100)?;
    let offset = i64::from(page - 1) * i64::from(size);
    let (reports, total) = state
        .store
        .list_reports(&filter, offset, i64::from(size))
        .await?;
    let editor = caller.is_editor();
    Ok(Json(ReportList::new(
        "/api/v1/beheer/meldingen",
        &pairs,
        (page, size),
        total,
        reports
            .into_iter()
            .map(|r| ReportResponse::new(r, editor))
            .collect(),
    )))
}

/// What an editor changes on a report.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportPatch {
    /// `afgehandeld`: handled; the resident's e-mail address is erased.
    pub status: String,
}

/// Mark a report handled (editors). The resident's e-mail address is erased in the same step.
#[utoipa::path(
    patch,
    path = "/beheer/meldingen/{id}",
    tag = "beheer",
    params(("id" = i64, Path, description = "Report id")),
    request_body = ReportPatch,
    security(("bearerAuth" = [])),
    responses((status = 200, description = "Handled", body = ReportResponse))
)]
pub async fn update_melding(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<ReportResponse>> {
    caller.require_editor()?;
    let patch: ReportPatch = fields_from(body, &["status"], &[], "")?;
    if patch.status != ReportStatus::Handled.as_str() {
        let mut e = FieldErrors::new();
        e.add("status", "alleen 'afgehandeld' kan worden gezet");
        return Err(e.into());
    }
    let report = state
        .store
        .handle_report(id, (caller.user.id, &caller.user.name))
        .await?;
    Ok(Json(ReportResponse::new(report, true)))
}
