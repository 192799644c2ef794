//! `/health`: database reachability and how far the index lags behind the outbox.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::error::ApiError;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndexHealth {
    /// `gereed` once built, `opbouwen` while the first build runs.
    pub status: String,
    /// Last outbox sequence number applied to this node's index.
    pub toegepast: Option<i64>,
    /// Newest outbox sequence number in the database.
    pub laatste: Option<i64>,
    /// Changes not yet searchable on this node.
    pub achterstand: Option<i64>,
    pub documenten: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `niet-beschikbaar`.
    pub status: String,
    /// `ok` or `onbereikbaar`.
    pub database: String,
    pub index: IndexHealth,
}

/// Liveness and readiness: 200 when the database answers and the index is built, else 503.
#[utoipa::path(get, path = "/health", tag = "beheer",
    responses(
        (status = 200, description = "Ready", body = Health),
    ))]
pub async fn get_health(State(state): State<AppState>) -> Response {
    let latest = state.store.latest_outbox_seq().await.ok();
    let applied = state.index.applied_seq();
    let db_ok = latest.is_some();
    let ready = db_ok && applied.is_some();
    let health = Health {
        status: if ready { "ok" } else { "niet-beschikbaar" }.into(),
        database: if db_ok { "ok" } else { "onbereikbaar" }.into(),
        index: IndexHealth {
            status: if applied.is_some() {
                "gereed"
            } else {
                "opbouwen"
            }
            .into(),
            toegepast: applied,
            laatste: latest,
            achterstand: latest.zip(applied).map(|(l, a)| (l - a).max(0)),
            documenten: state.index.num_docs(),
        },
    };
    if ready {
        return (StatusCode::OK, Json(health)).into_response();
    }
    // Not ready: a problem+json body that still carries the details.
    #[derive(Serialize)]
    struct NotReady {
        #[serde(flatten)]
        problem: serde_json::Value,
        database: String,
        index: IndexHealth,
    }
    let mut res = ApiError::Unavailable("health".into()).into_response();
    let problem = serde_json::json!({
        "type": "https://wegwijzer.example/problemen/tijdelijk-niet-beschikbaar",
        "title": "Tijdelijk niet beschikbaar",
        "status": 503,
        "detail": if db_ok { "De zoekindex wordt opgebouwd." } else { "De database is niet bereikbaar." },
        "code": "tijdelijk-niet-beschikbaar",
    });
    *res.body_mut() = axum::body::Body::from(
        serde_json::to_vec(&NotReady {
            problem,
            database: health.database,
            index: health.index,
        })
        .unwrap_or_default(),
    );
    res
}
