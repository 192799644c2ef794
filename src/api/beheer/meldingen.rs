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
use crate::report_desk;
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
    /// The editor who takes care of it, if anyone.
    pub toegewezen_aan: Option<ReportAssignee>,
}

/// An editor a report is assigned to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportAssignee {
    /// The account id.
    pub id: i64,
    pub naam: String,
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
            toegewezen_aan: r.assigned_to.map(|id| ReportAssignee {
                id,
                naam: r.assigned_name.unwrap_or_default(),
            }),
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
        ("toegewezenAan" = Option<i64>, Query, minimum = 1, description = "Only reports assigned to this account (editors)"),
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
            "toegewezenAan" => match v.parse::<i64>() {
                Ok(id) if id >= 1 => filter.assigned_to = Some(id),
                _ => e.add("toegewezenAan", "moet het nummer van een account zijn"),
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

/// What an editor changes on a report; omitted fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ReportPatch {
    /// `afgehandeld`: handled; the resident's e-mail address is erased.
    pub status: Option<String>,
    /// With `status` `afgehandeld`: an answer (plain text, at most 2000 characters) mailed to
    /// the resident when they left an address.
    #[schema(max_length = 2000)]
    pub antwoord: Option<String>,
    /// The id of the editor who takes care of it; `null` for nobody.
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub toegewezen_aan: Option<Option<i64>>,
}

/// A field that is present, even as `null` (`Some(None)`), apart from one left out (`None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

/// Assign a report, or mark it handled with an optional answer to the resident (editors).
/// Handling erases the resident's e-mail address in the same step.
#[utoipa::path(
    patch,
    path = "/beheer/meldingen/{id}",
    tag = "beheer",
    params(("id" = i64, Path, description = "Report id")),
    request_body = ReportPatch,
    security(("bearerAuth" = [])),
    responses((status = 200, description = "Saved", body = ReportResponse))
)]
pub async fn update_melding(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<ReportResponse>> {
    caller.require_editor()?;
    let patch: ReportPatch = fields_from(body, &["status", "antwoord", "toegewezenAan"], &[], "")?;
    let mut e = FieldErrors::new();
    let handle = match patch.status.as_deref() {
        None => false,
        Some(s) if s == ReportStatus::Handled.as_str() => true,
        Some(_) => {
            e.add("status", "alleen 'afgehandeld' kan worden gezet");
            false
        }
    };
    if patch.antwoord.is_some() && !handle {
        e.add("antwoord", "alleen samen met status 'afgehandeld'");
    }
    if patch.status.is_none() && patch.toegewezen_aan.is_none() {
        e.add("status", "geef status of toegewezenAan");
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    // Everything that can be wrong is found before anything changes.
    report_desk::checked_reply(patch.antwoord.as_deref())?;
    let mut report = None;
    if let Some(assignee) = patch.toegewezen_aan {
        report = Some(report_desk::assign(&state.store, &caller, id, assignee).await?);
    }
    if handle {
        report =
            Some(report_desk::handle(&state.store, &caller, id, patch.antwoord.as_deref()).await?);
    }
    let report = report.ok_or(crate::error::ApiError::NotFound)?;
    Ok(Json(ReportResponse::new(report, true)))
}
