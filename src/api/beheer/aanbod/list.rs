//! `GET /beheer/aanbod`: the items a caller manages.

use axum::Json;
use axum::extract::State;

use super::{ManagedList, ManagedListing, ManagedParams};
use crate::api::AppState;
use crate::api::extract::QueryPairs;
use crate::auth::Caller;
use crate::domain::{FieldErrors, Status};
use crate::error::ApiResult;
use crate::store::ManagedFilter;

/// Items the caller manages: a partner its organisation's (every status), editors all.
#[utoipa::path(
    get,
    path = "/beheer/aanbod",
    tag = "beheer",
    params(ManagedParams),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "One page of items", body = ManagedList),
    )
)]
pub async fn list_beheer_aanbod(
    State(state): State<AppState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<ManagedList>> {
    caller.require_manager()?;
    let mut e = FieldErrors::new();
    let mut filter = ManagedFilter {
        organisation_id: caller.user.organisation_id.filter(|_| !caller.is_editor()),
        ..Default::default()
    };
    let mut paging = Vec::new();
    for (k, v) in &pairs {
        match k.as_str() {
            "status" => match Status::parse(v) {
                Some(s) => filter.status = Some(s),
                None => e.add("status", format!("kies uit: {}", Status::allowed())),
            },
            "verouderd" => match v.as_str() {
                "true" => {
                    let before = crate::domain::listing::stale_before(chrono::Utc::now());
                    filter.verified_before =
                        Some(before.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
                }
                "false" => {}
                _ => e.add("verouderd", "moet true of false zijn"),
            },
            "organisatie" => match v.parse::<i64>() {
                Ok(id) if id >= 1 && caller.is_editor() => filter.organisation_id = Some(id),
                Ok(id) if id >= 1 => {}
                _ => e.add("organisatie", "moet een positief geheel getal zijn"),
            },
            _ => paging.push((k.clone(), v.clone())),
        }
    }
    let (page, size) = crate::api::extract::parse_paging_after(e, &paging, 100)?;
    let offset = i64::from(page - 1) * i64::from(size);
    let (listings, total) = state
        .store
        .managed_listings(&filter, offset, i64::from(size))
        .await?;
    Ok(Json(ManagedList::new(
        "/api/v1/beheer/aanbod",
        &pairs,
        (page, size),
        total,
        listings
            .into_iter()
            .map(ManagedListing::from_listing)
            .collect(),
    )))
}
