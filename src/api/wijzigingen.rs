//! `GET /wijzigingen`: the public change feed for websites and aggregators (see `feed`).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::aanbod::ListingDetail;
use super::dto::Link;
use super::extract::QueryPairs;
use crate::domain::FieldErrors;
use crate::domain::listing::today;
use crate::error::ApiResult;
use crate::feed::{self, Cursor};

const MAX_PAGE: usize = 200;
const DEFAULT_PAGE: usize = 100;

/// One change: an item as it is public now (`gewijzigd`), or an item that is no longer public
/// (`verwijderd`: unpublished, archived, deleted or a vacancy past its end date).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedEntryResponse {
    /// Pass as `na` to continue after this entry.
    #[schema(example = "120.37")]
    pub positie: String,
    /// `gewijzigd` or `verwijderd`.
    pub soort: String,
    pub aanbod_id: i64,
    /// The item as `GET /aanbod/{id}` shows it; absent when `verwijderd`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aanbod: Option<ListingDetail>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedLinks {
    #[serde(rename = "self")]
    pub self_: Link,
    /// The next page: follow it until `bijgewerkt` is true, then poll it.
    pub volgende: Link,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedPageResponse {
    pub wijzigingen: Vec<FeedEntryResponse>,
    /// Pass as `na` for the next page.
    pub volgende: String,
    /// True when this page reaches the end of the feed (for now).
    pub bijgewerkt: bool,
    #[serde(rename = "_links")]
    pub links: FeedLinks,
}

/// Public changes in order, from the start or after `na`. Apply them in order, the last entry
/// for an item winning: who reads to the end holds exactly the public offer. Entries for one
/// item may repeat; each shows the item as it is when read. Positions mean the same on every
/// node.
#[utoipa::path(
    get,
    path = "/wijzigingen",
    tag = "aanbod",
    params(
        ("na" = Option<String>, Query, pattern = r"^[0-9]{1,18}(\.[0-9]{1,18})?$",
            description = "Continue after this position (`volgende` of the previous page); absent: from the start"),
        ("pageSize" = Option<u32>, Query, minimum = 1, maximum = 200, description = "Entries per page (default 100)"),
    ),
    security(()),
    responses((status = 200, description = "The next changes", body = FeedPageResponse))
)]
pub async fn list_wijzigingen(
    State(state): State<AppState>,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<FeedPageResponse>> {
    let mut e = FieldErrors::new();
    let mut from = Cursor::default();
    let mut size = DEFAULT_PAGE;
    for (k, v) in &pairs {
        match k.as_str() {
            "na" => match Cursor::parse(v) {
                Some(c) => from = c,
                None => e.add(
                    "na",
                    "gebruik de waarde van 'volgende' of 'positie' uit een eerder antwoord",
                ),
            },
            "pageSize" => match v.parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => size = n,
                _ => e.add(
                    "pageSize",
                    format!("moet een geheel getal van 1 tot en met {MAX_PAGE} zijn"),
                ),
            },
            other => e.add(other, "onbekende parameter; toegestaan: na, pageSize"),
        }
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    let through = state.index.applied_seq().unwrap_or(0);
    let page = feed::page(&state.store, from, size, today(), through).await?;
    let space = state.index.facet_space();
    let href = |c: &Cursor| Link {
        href: format!("/api/v1/wijzigingen?na={c}&pageSize={size}"),
    };
    Ok(Json(FeedPageResponse {
        links: FeedLinks {
            self_: href(&from),
            volgende: href(&page.next),
        },
        volgende: page.next.to_string(),
        bijgewerkt: page.caught_up,
        wijzigingen: page
            .entries
            .into_iter()
            .map(|entry| FeedEntryResponse {
                positie: entry.position.to_string(),
                soort: if entry.listing.is_some() {
                    "gewijzigd"
                } else {
                    "verwijderd"
                }
                .into(),
                aanbod_id: entry.listing_id,
                aanbod: entry
                    .listing
                    .map(|l| ListingDetail::new(l, &space.taxonomy, false)),
            })
            .collect(),
    }))
}
