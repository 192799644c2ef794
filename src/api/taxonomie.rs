//! The taxonomy: themes, wijken, age groups, talents, languages and accessibility features,
//! with labels, from the one taxonomy cache that the indexer refreshes on every term change.

use axum::Json;
use axum::extract::State;

use super::AppState;
use crate::domain::{AgeGroup, Term};
use crate::error::ApiResult;

/// All themes, in display order.
#[utoipa::path(get, path = "/themas", tag = "taxonomie",
    responses((status = 200, description = "Themes", body = Vec<Term>)))]
pub async fn list_themas(State(state): State<AppState>) -> ApiResult<Json<Vec<Term>>> {
    Ok(Json(state.index.facet_space().taxonomy.themes.clone()))
}

/// All wijken (neighbourhoods and villages), in display order.
#[utoipa::path(get, path = "/wijken", tag = "taxonomie",
    responses((status = 200, description = "Wijken", body = Vec<Term>)))]
pub async fn list_wijken(State(state): State<AppState>) -> ApiResult<Json<Vec<Term>>> {
    Ok(Json(state.index.facet_space().taxonomy.wijken.clone()))
}

/// All age groups with their age bounds.
#[utoipa::path(get, path = "/leeftijdsgroepen", tag = "taxonomie",
    responses((status = 200, description = "Age groups", body = Vec<AgeGroup>)))]
pub async fn list_leeftijdsgroepen(
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<AgeGroup>>> {
    Ok(Json(state.index.facet_space().taxonomy.age_groups.clone()))
}

/// All talents volunteer vacancies can ask for.
#[utoipa::path(get, path = "/talenten", tag = "taxonomie",
    responses((status = 200, description = "Talents", body = Vec<Term>)))]
pub async fn list_talenten(State(state): State<AppState>) -> ApiResult<Json<Vec<Term>>> {
    Ok(Json(state.index.facet_space().taxonomy.talents.clone()))
}

/// All languages the offer can be given in, keyed by ISO 639-1 code.
#[utoipa::path(get, path = "/talen", tag = "taxonomie",
    responses((status = 200, description = "Languages", body = Vec<Term>)))]
pub async fn list_talen(State(state): State<AppState>) -> ApiResult<Json<Vec<Term>>> {
    Ok(Json(state.index.facet_space().taxonomy.languages.clone()))
}

/// All accessibility features an item can name.
#[utoipa::path(get, path = "/toegankelijkheid", tag = "taxonomie",
    responses((status = 200, description = "Accessibility features", body = Vec<Term>)))]
pub async fn list_toegankelijkheid(State(state): State<AppState>) -> ApiResult<Json<Vec<Term>>> {
    Ok(Json(
        state.index.facet_space().taxonomy.accessibility.clone(),
    ))
}
