//! `/suggesties`: search as you type.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::extract::QueryPairs;
use crate::domain::FieldErrors;
use crate::error::{ApiError, ApiResult};

/// Longest accepted input, in characters.
pub const MAX_CHARS: usize = 100;

#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code, reason = "describes the query string for OpenAPI only")]
pub struct SuggestParams {
    /// What the user typed so far (1-100 characters); the last word may be incomplete.
    q: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TitleSuggestion {
    pub id: i64,
    pub soort: String,
    pub titel: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TermSuggestion {
    /// Filter parameter: `thema`, `wijk`, `talent`, `leeftijdsgroep`, `taal` or
    /// `toegankelijkheid`.
    pub filter: String,
    pub sleutel: String,
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestResponse {
    /// Completed queries, most frequent word first.
    pub zoekvragen: Vec<String>,
    /// Matching published items.
    pub titels: Vec<TitleSuggestion>,
    /// Matching taxonomy terms, usable as filters.
    pub taxonomie: Vec<TermSuggestion>,
}

/// Suggestions while typing: completed queries, matching titles and taxonomy terms.
#[utoipa::path(
    get,
    path = "/suggesties",
    tag = "aanbod",
    params(SuggestParams),
    responses(
        (status = 200, description = "Suggestions", body = SuggestResponse),
    )
)]
pub async fn list_suggesties(
    State(state): State<AppState>,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<SuggestResponse>> {
    let mut errors = FieldErrors::new();
    let mut q = None;
    for (k, v) in pairs {
        match k.as_str() {
            "q" if q.is_none() => q = Some(v),
            "q" => errors.add("q", "mag maar één keer voorkomen"),
            other => errors.add(other, "onbekende parameter; toegestaan: q"),
        }
    }
    let q = q.unwrap_or_default();
    let n = q.chars().count();
    if q.trim().is_empty() {
        errors.add("q", "is verplicht");
    } else if n > MAX_CHARS {
        errors.add(
            "q",
            format!("mag hoogstens {MAX_CHARS} tekens lang zijn (nu {n})"),
        );
    } else if q.chars().any(char::is_control) {
        errors.add("q", "bevat ongeldige (stuur)tekens");
    }
    if !errors.is_empty() {
        return Err(ApiError::from(errors));
    }
    let s = state.suggest(q).await?;
    Ok(Json(SuggestResponse {
        zoekvragen: s.queries,
        titels: s
            .titles
            .into_iter()
            .map(|(id, soort, titel)| TitleSuggestion { id, soort, titel })
            .collect(),
        taxonomie: s
            .terms
            .into_iter()
            .map(|(filter, sleutel, label)| TermSuggestion {
                filter: filter.into(),
                sleutel,
                label,
            })
            .collect(),
    }))
}
