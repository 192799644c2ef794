//! `/organisaties`: the organisations and their published offer.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::extract::{ApiPath, QueryPairs, parse_paging};
use crate::domain::listing::today;
use crate::error::ApiResult;
use crate::store::Organisation;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationResponse {
    pub id: i64,
    pub naam: String,
    pub beschrijving: String,
    pub website: Option<String>,
    pub telefoon: Option<String>,
    pub email: Option<String>,
}

impl From<Organisation> for OrganisationResponse {
    fn from(o: Organisation) -> Self {
        OrganisationResponse {
            id: o.id,
            naam: o.name,
            beschrijving: o.description,
            website: o.website,
            telefoon: o.phone,
            email: o.email,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationList {
    pub totaal: i64,
    pub pagina: u32,
    pub pagina_grootte: u32,
    pub resultaten: Vec<OrganisationResponse>,
}

/// A published item of an organisation, briefly.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferItem {
    pub id: i64,
    pub soort: String,
    pub titel: String,
    pub samenvatting: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationDetail {
    #[serde(flatten)]
    pub organisatie: OrganisationResponse,
    /// The organisation's published, current items, by title.
    pub aanbod: Vec<OfferItem>,
}

/// All organisations, by name.
#[utoipa::path(
    get,
    path = "/organisaties",
    tag = "organisaties",
    params(
        ("page" = Option<u32>, Query, description = "Page number, from 1"),
        ("pageSize" = Option<u32>, Query, description = "Results per page, 1-100 (default 20)"),
    ),
    responses(
        (status = 200, description = "One page of organisations", body = OrganisationList),
    )
)]
pub async fn list_organisaties(
    State(state): State<AppState>,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<OrganisationList>> {
    let (page, size) = parse_paging(&pairs, 100)?;
    let offset = i64::from(page - 1) * i64::from(size);
    let (orgs, total) = state
        .store
        .list_organisations(offset, i64::from(size))
        .await?;
    Ok(Json(OrganisationList {
        totaal: total,
        pagina: page,
        pagina_grootte: size,
        resultaten: orgs.into_iter().map(Into::into).collect(),
    }))
}

/// One organisation with its published offer.
#[utoipa::path(
    get,
    path = "/organisaties/{id}",
    tag = "organisaties",
    params(("id" = i64, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationDetail),
    )
)]
pub async fn get_organisatie(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<OrganisationDetail>> {
    let org = state.store.find_organisation(id).await?;
    let today = today();
    let aanbod = state
        .store
        .published_listings_of(id)
        .await?
        .into_iter()
        .filter(|l| l.is_public_on(today))
        .map(|l| OfferItem {
            id: l.id,
            soort: l.kind.as_str().into(),
            titel: l.title,
            samenvatting: l.summary,
        })
        .collect();
    Ok(Json(OrganisationDetail {
        organisatie: org.into(),
        aanbod,
    }))
}
