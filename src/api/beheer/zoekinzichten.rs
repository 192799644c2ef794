//! `/beheer/zoekinzichten`: what residents searched for in vain, for editors who add synonyms,
//! situations or offers. Anonymous counts per normalised query and day (see `insights`).

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::AppState;
use crate::api::extract::QueryPairs;
use crate::auth::Caller;
use crate::domain::FieldErrors;
use crate::domain::listing::today;
use crate::error::ApiResult;
use crate::insights::{KEEP_DAYS, THRESHOLD};

/// Default period: the last 30 days.
const DEFAULT_DAYS: i64 = 30;
/// Most queries in one answer.
const MAX_QUERIES: i64 = 200;

/// One day's counts of one query.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InsightDay {
    #[schema(format = Date)]
    pub dag: String,
    pub geen_resultaten: i64,
    pub gedeeltelijk: i64,
}

/// A query residents searched for in vain at least `drempel` times in the period.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InsightQuery {
    /// The query as search reads it: lower case, accents and stop words off.
    pub zoekvraag: String,
    /// Searches that found nothing.
    pub geen_resultaten: i64,
    /// Searches where too few items had every word, so items with some words were added.
    pub gedeeltelijk: i64,
    pub per_dag: Vec<InsightDay>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InsightList {
    #[schema(format = Date)]
    pub van: String,
    #[schema(format = Date)]
    pub tot: String,
    /// A query is listed from this many searches in the period on.
    pub drempel: i64,
    /// Most searched first, at most 200.
    pub zoekvragen: Vec<InsightQuery>,
}

fn day(e: &mut FieldErrors, name: &str, value: &str) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            e.add(name, "gebruik een datum als 2026-12-31");
            None
        }
    }
}

/// Searches that found nothing or only part of the words (editors). Counts only: no
/// address, account or time finer than the day; a query shows from 5 searches on.
#[utoipa::path(
    get,
    path = "/beheer/zoekinzichten",
    tag = "beheer",
    params(
        ("van" = Option<String>, Query, format = Date, description = "First day (default: 30 days ago)"),
        ("tot" = Option<String>, Query, format = Date, description = "Last day (default: today)"),
    ),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "Queries searched in vain", body = InsightList))
)]
pub async fn list_zoekinzichten(
    State(state): State<AppState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<InsightList>> {
    caller.require_editor()?;
    let mut e = FieldErrors::new();
    let mut to = today();
    let mut from = None;
    for (k, v) in &pairs {
        match k.as_str() {
            "van" => from = day(&mut e, "van", v),
            "tot" => to = day(&mut e, "tot", v).unwrap_or(to),
            other => e.add(other, "onbekende parameter; gebruik van en tot"),
        }
    }
    let from = from.unwrap_or(to - chrono::Duration::days(DEFAULT_DAYS - 1));
    if from > to {
        e.add("van", "moet op of voor 'tot' liggen");
    } else if (to - from).num_days() >= KEEP_DAYS {
        e.add(
            "van",
            format!("kies een periode van hoogstens {KEEP_DAYS} dagen"),
        );
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    // This node's latest counts first, so an editor sees what just happened here.
    if let Err(err) = state.insights.flush(&state.store).await {
        tracing::warn!(error = %err, "zoekinzichten niet bijgewerkt");
    }
    let rows = state
        .store
        .search_insights(&from.to_string(), &to.to_string(), THRESHOLD, MAX_QUERIES)
        .await?;
    let mut queries: Vec<InsightQuery> = Vec::new();
    for r in rows {
        if queries.last().is_none_or(|q| q.zoekvraag != r.query) {
            queries.push(InsightQuery {
                zoekvraag: r.query.clone(),
                geen_resultaten: 0,
                gedeeltelijk: 0,
                per_dag: Vec::new(),
            });
        }
        if let Some(q) = queries.last_mut() {
            q.geen_resultaten += r.no_results;
            q.gedeeltelijk += r.partial;
            q.per_dag.push(InsightDay {
                dag: r.day,
                geen_resultaten: r.no_results,
                gedeeltelijk: r.partial,
            });
        }
    }
    Ok(Json(InsightList {
        van: from.to_string(),
        tot: to.to_string(),
        drempel: THRESHOLD,
        zoekvragen: queries,
    }))
}
