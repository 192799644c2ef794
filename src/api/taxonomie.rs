//! The taxonomy: themes, wijken, age groups, talents, languages and accessibility features,
//! with labels, from the one taxonomy cache that the indexer refreshes on every term change.

use axum::Json;
use axum::extract::State;

use super::AppState;
use super::dto::{AgeGroupResponse, TermResponse};
use crate::domain::taxonomy::TermKind;

fn terms(state: &AppState, kind: TermKind) -> Json<Vec<TermResponse>> {
    let space = state.index.facet_space();
    // Retired terms are no longer offered; items that have them still show their labels.
    Json(space.taxonomy.offered(kind).map(Into::into).collect())
}

/// All themes, in display order.
#[utoipa::path(get, path = "/themas", tag = "taxonomie",
    responses((status = 200, description = "Themes", body = Vec<TermResponse>)))]
pub async fn list_themas(State(state): State<AppState>) -> Json<Vec<TermResponse>> {
    terms(&state, TermKind::Theme)
}

/// All wijken (neighbourhoods and villages), in display order.
#[utoipa::path(get, path = "/wijken", tag = "taxonomie",
    responses((status = 200, description = "Wijken", body = Vec<TermResponse>)))]
pub async fn list_wijken(State(state): State<AppState>) -> Json<Vec<TermResponse>> {
    terms(&state, TermKind::Wijk)
}

/// All age groups with their age bounds.
#[utoipa::path(get, path = "/leeftijdsgroepen", tag = "taxonomie",
    responses((status = 200, description = "Age groups", body = Vec<AgeGroupResponse>)))]
pub async fn list_leeftijdsgroepen(State(state): State<AppState>) -> Json<Vec<AgeGroupResponse>> {
    let space = state.index.facet_space();
    Json(space.taxonomy.age_groups.iter().map(Into::into).collect())
}

/// All talents volunteer vacancies can ask for.
#[utoipa::path(get, path = "/talenten", tag = "taxonomie",
    responses((status = 200, description = "Talents", body = Vec<TermResponse>)))]
pub async fn list_talenten(State(state): State<AppState>) -> Json<Vec<TermResponse>> {
    terms(&state, TermKind::Talent)
}

/// All languages the offer can be given in, keyed by ISO 639-1 code.
#[utoipa::path(get, path = "/talen", tag = "taxonomie",
    responses((status = 200, description = "Languages", body = Vec<TermResponse>)))]
pub async fn list_talen(State(state): State<AppState>) -> Json<Vec<TermResponse>> {
    terms(&state, TermKind::Language)
}

/// All accessibility features an item can name.
#[utoipa::path(get, path = "/toegankelijkheid", tag = "taxonomie",
    responses((status = 200, description = "Accessibility features", body = Vec<TermResponse>)))]
pub async fn list_toegankelijkheid(State(state): State<AppState>) -> Json<Vec<TermResponse>> {
    terms(&state, TermKind::Accessibility)
}
