//! `/beheer/synoniemen` and `/beheer/situaties`: editors add synonym groups and situations to
//! the search's shipped word lists (`index/`). A change reaches every node's queries through
//! the outbox within seconds, without reindexing; every version is kept and audited.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::AppState;
use crate::api::dto::{Link, SelfLink, paged_list};
use crate::api::extract::{
    ApiPath, IfMatch, JsonObject, QueryPairs, etag, fields_from, parse_paging,
};
use crate::auth::Caller;
use crate::domain::lexicon::{LexiconContent, LexiconKind, MAX_ENTRIES};
use crate::error::{ApiError, ApiResult};
use crate::store::{LexiconRecord, LexiconRevision};

const SYNONYMS_PATH: &str = "/api/v1/beheer/synoniemen";
const SITUATIONS_PATH: &str = "/api/v1/beheer/situaties";

/// A synonym group: every term finds the items that use another term of the group.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SynonymGroupInput {
    /// 2-12 words or short phrases (1-60 characters each), e.g. `["rollator", "loophulp"]`.
    #[schema(min_items = 2, max_items = 12, example = json!(["rollator", "loophulp", "looprek"]))]
    pub termen: Vec<String>,
}

/// A situation: when every word (slot) is in a query, items with one of the needs match too.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SituationInput {
    /// The words that make the situation, separated by spaces; `a|b` means a or b.
    #[schema(min_length = 2, max_length = 200, example = "huur|hypotheek betalen")]
    pub woorden: String,
    /// 1-12 words or short phrases that items for this situation use.
    #[schema(min_items = 1, max_items = 12, example = json!(["schuldhulp", "budgetcoach"]))]
    pub behoeften: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SynonymGroupResponse {
    pub id: i64,
    pub termen: Vec<String>,
    /// Send it back as `If-Match` when changing the group.
    pub versie: i64,
    #[schema(format = DateTime)]
    pub gewijzigd: String,
    #[serde(rename = "_links")]
    pub links: SelfLink,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SituationResponse {
    pub id: i64,
    pub woorden: String,
    pub behoeften: Vec<String>,
    /// Send it back as `If-Match` when changing the situation.
    pub versie: i64,
    #[schema(format = DateTime)]
    pub gewijzigd: String,
    #[serde(rename = "_links")]
    pub links: SelfLink,
}

/// One saved state: who saved it and when. A removal is a revision too.
#[derive(Debug, Serialize, ToSchema)]
pub struct LexiconRevisionResponse {
    pub versie: i64,
    pub verwijderd: bool,
    /// Situations only: the words of the situation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub woorden: Option<String>,
    /// The group's terms or the situation's needs (empty when removed).
    pub termen: Vec<String>,
    #[schema(format = DateTime)]
    pub gewijzigd: String,
    /// The editor's name.
    pub door: String,
}

/// Every version of one entry, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct LexiconRevisionList {
    pub resultaten: Vec<LexiconRevisionResponse>,
}

paged_list!(
    /// One page of editors' synonym groups, oldest first.
    SynonymGroupList of SynonymGroupResponse
);
paged_list!(
    /// One page of editors' situations, oldest first.
    SituationList of SituationResponse
);

fn path_of(kind: LexiconKind) -> &'static str {
    match kind {
        LexiconKind::Synonyms => SYNONYMS_PATH,
        LexiconKind::Situation => SITUATIONS_PATH,
    }
}

fn self_link(kind: LexiconKind, id: i64) -> SelfLink {
    SelfLink {
        self_: Link {
            href: format!("{}/{id}", path_of(kind)),
        },
    }
}

fn group(r: LexiconRecord) -> SynonymGroupResponse {
    SynonymGroupResponse {
        links: self_link(LexiconKind::Synonyms, r.entry.id),
        id: r.entry.id,
        termen: r.entry.terms,
        versie: r.entry.version,
        gewijzigd: r.updated_at,
    }
}

fn situation(r: LexiconRecord) -> SituationResponse {
    SituationResponse {
        links: self_link(LexiconKind::Situation, r.entry.id),
        id: r.entry.id,
        woorden: r.entry.words,
        behoeften: r.entry.terms,
        versie: r.entry.version,
        gewijzigd: r.updated_at,
    }
}

fn revision(kind: LexiconKind, r: LexiconRevision) -> LexiconRevisionResponse {
    LexiconRevisionResponse {
        versie: r.version,
        verwijderd: r.deleted,
        woorden: (kind == LexiconKind::Situation && !r.deleted).then_some(r.words),
        termen: r.terms,
        gewijzigd: r.changed_at,
        door: r.user_name,
    }
}

/// An editor's entry, checked on form and on what the search makes of it.
fn content_of(
    kind: LexiconKind,
    body: serde_json::Map<String, serde_json::Value>,
) -> ApiResult<LexiconContent> {
    let (words, terms, field) = match kind {
        LexiconKind::Synonyms => {
            let input: SynonymGroupInput = fields_from(
                body,
                &["termen"],
                &["id", "versie"],
                "wordt door de server bepaald",
            )?;
            (None, input.termen, "termen")
        }
        LexiconKind::Situation => {
            let input: SituationInput = fields_from(
                body,
                &["woorden", "behoeften"],
                &["id", "versie"],
                "wordt door de server bepaald",
            )?;
            (Some(input.woorden), input.behoeften, "behoeften")
        }
    };
    let content = LexiconContent::new(kind, words.as_deref(), &terms, field)?;
    crate::search::lexicon::check_searchable(kind, &content, field)?;
    Ok(content)
}

/// After a save: 200 once this node's search uses it, 202 when that takes longer.
async fn applied_status(state: &AppState, seq: i64) -> StatusCode {
    state.index_waker.notify_one();
    if state.index.wait_for(seq, state.write_wait).await {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    }
}

fn with_etag<T: Serialize>(status: StatusCode, version: i64, body: T) -> Response {
    (status, [(header::ETAG, etag(version))], Json(body)).into_response()
}

fn shown(kind: LexiconKind, status: StatusCode, r: LexiconRecord) -> Response {
    let version = r.entry.version;
    match kind {
        LexiconKind::Synonyms => with_etag(status, version, group(r)),
        LexiconKind::Situation => with_etag(status, version, situation(r)),
    }
}

async fn create(
    state: &AppState,
    caller: &Caller,
    kind: LexiconKind,
    body: serde_json::Map<String, serde_json::Value>,
) -> ApiResult<Response> {
    caller.require_editor()?;
    let content = content_of(kind, body)?;
    let (id, seq) = state
        .store
        .create_lexicon_entry(
            kind,
            &content,
            MAX_ENTRIES,
            (caller.user.id, &caller.user.name),
        )
        .await?;
    let status = applied_status(state, seq).await;
    let status = if status == StatusCode::OK {
        StatusCode::CREATED
    } else {
        status
    };
    let record = state.store.find_lexicon_entry(kind, id).await?;
    let mut res = shown(kind, status, record);
    if let Ok(v) = format!("{}/{id}", path_of(kind)).parse() {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

async fn replace(
    state: &AppState,
    caller: &Caller,
    kind: LexiconKind,
    id: i64,
    if_match: Result<IfMatch, ApiError>,
    body: serde_json::Map<String, serde_json::Value>,
) -> ApiResult<Response> {
    caller.require_editor()?;
    state.store.find_lexicon_entry(kind, id).await?;
    let content = content_of(kind, body)?;
    let IfMatch(version) = if_match?;
    let seq = state
        .store
        .change_lexicon_entry(
            kind,
            id,
            version,
            Some(&content),
            (caller.user.id, &caller.user.name),
        )
        .await?;
    let status = applied_status(state, seq).await;
    Ok(shown(
        kind,
        status,
        state.store.find_lexicon_entry(kind, id).await?,
    ))
}

async fn remove(
    state: &AppState,
    caller: &Caller,
    kind: LexiconKind,
    id: i64,
    if_match: Result<IfMatch, ApiError>,
) -> ApiResult<StatusCode> {
    caller.require_editor()?;
    state.store.find_lexicon_entry(kind, id).await?;
    let IfMatch(version) = if_match?;
    let seq = state
        .store
        .change_lexicon_entry(kind, id, version, None, (caller.user.id, &caller.user.name))
        .await?;
    applied_status(state, seq).await;
    Ok(StatusCode::NO_CONTENT)
}

/// One page of a list: its entries, the total and the page asked for.
async fn page_of(
    state: &AppState,
    caller: &Caller,
    kind: LexiconKind,
    pairs: &[(String, String)],
) -> ApiResult<(Vec<LexiconRecord>, i64, (u32, u32))> {
    caller.require_editor()?;
    let (page, size) = parse_paging(pairs, 100)?;
    let offset = i64::from(page - 1) * i64::from(size);
    let (rows, total) = state
        .store
        .list_lexicon(kind, offset, i64::from(size))
        .await?;
    Ok((rows, total, (page, size)))
}

async fn read(
    state: &AppState,
    caller: &Caller,
    kind: LexiconKind,
    id: i64,
) -> ApiResult<Response> {
    caller.require_editor()?;
    let record = state.store.find_lexicon_entry(kind, id).await?;
    Ok(shown(kind, StatusCode::OK, record))
}

async fn revisions(
    state: &AppState,
    caller: &Caller,
    kind: LexiconKind,
    id: i64,
) -> ApiResult<Json<LexiconRevisionList>> {
    caller.require_editor()?;
    let list = state.store.lexicon_revisions(kind, id).await?;
    Ok(Json(LexiconRevisionList {
        resultaten: list.into_iter().map(|r| revision(kind, r)).collect(),
    }))
}

/// Editors' synonym groups (the shipped ones are in `index/synoniemen.txt`).
#[utoipa::path(
    get,
    path = "/beheer/synoniemen",
    tag = "beheer",
    params(
        ("page" = Option<u32>, Query, minimum = 1),
        ("pageSize" = Option<u32>, Query, minimum = 1, maximum = 100),
    ),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "One page of synonym groups", body = SynonymGroupList))
)]
pub async fn list_synoniemen(
    State(state): State<AppState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<SynonymGroupList>> {
    let (rows, total, paging) = page_of(&state, &caller, LexiconKind::Synonyms, &pairs).await?;
    Ok(Json(SynonymGroupList::new(
        SYNONYMS_PATH,
        &pairs,
        paging,
        total,
        rows.into_iter().map(group).collect(),
    )))
}

/// Add a synonym group (editors). Search on every node uses it within seconds.
#[utoipa::path(
    post,
    path = "/beheer/synoniemen",
    tag = "beheer",
    request_body = SynonymGroupInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Added; this node's search uses it", body = SynonymGroupResponse),
        (status = 202, description = "Added; search uses it within seconds", body = SynonymGroupResponse),
    )
)]
pub async fn create_synoniemen(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    create(&state, &caller, LexiconKind::Synonyms, body).await
}

/// One synonym group.
#[utoipa::path(
    get,
    path = "/beheer/synoniemen/{id}",
    tag = "beheer",
    params(("id" = i64, Path, description = "Group id")),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The group", body = SynonymGroupResponse))
)]
pub async fn get_synoniemen(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    read(&state, &caller, LexiconKind::Synonyms, id).await
}

/// Replace a group's terms (`If-Match` required).
#[utoipa::path(
    put,
    path = "/beheer/synoniemen/{id}",
    tag = "beheer",
    params(
        ("id" = i64, Path, description = "Group id"),
        ("If-Match" = String, Header, description = "The `ETag` of the version you edited"),
    ),
    request_body = SynonymGroupInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Saved; this node's search uses it", body = SynonymGroupResponse),
        (status = 202, description = "Saved; search uses it within seconds", body = SynonymGroupResponse),
    )
)]
pub async fn update_synoniemen(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    if_match: Result<IfMatch, ApiError>,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    replace(&state, &caller, LexiconKind::Synonyms, id, if_match, body).await
}

/// Remove a group (`If-Match` required); its revisions stay readable.
#[utoipa::path(
    delete,
    path = "/beheer/synoniemen/{id}",
    tag = "beheer",
    params(
        ("id" = i64, Path, description = "Group id"),
        ("If-Match" = String, Header, description = "The `ETag` of the version you saw"),
    ),
    security(("bearerAuth" = [])),
    responses((status = 204, description = "Removed"))
)]
pub async fn delete_synoniemen(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    if_match: Result<IfMatch, ApiError>,
) -> ApiResult<StatusCode> {
    remove(&state, &caller, LexiconKind::Synonyms, id, if_match).await
}

/// Every version of a group, newest first (also after removal).
#[utoipa::path(
    get,
    path = "/beheer/synoniemen/{id}/revisies",
    tag = "beheer",
    params(("id" = i64, Path, description = "Group id")),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The versions", body = LexiconRevisionList))
)]
pub async fn list_synoniemen_revisies(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<LexiconRevisionList>> {
    revisions(&state, &caller, LexiconKind::Synonyms, id).await
}

/// Editors' situations (the shipped ones are in `index/situaties.txt`).
#[utoipa::path(
    get,
    path = "/beheer/situaties",
    tag = "beheer",
    params(
        ("page" = Option<u32>, Query, minimum = 1),
        ("pageSize" = Option<u32>, Query, minimum = 1, maximum = 100),
    ),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "One page of situations", body = SituationList))
)]
pub async fn list_situaties(
    State(state): State<AppState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<SituationList>> {
    let (rows, total, paging) = page_of(&state, &caller, LexiconKind::Situation, &pairs).await?;
    Ok(Json(SituationList::new(
        SITUATIONS_PATH,
        &pairs,
        paging,
        total,
        rows.into_iter().map(situation).collect(),
    )))
}

/// Add a situation (editors). Search on every node uses it within seconds.
#[utoipa::path(
    post,
    path = "/beheer/situaties",
    tag = "beheer",
    request_body = SituationInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Added; this node's search uses it", body = SituationResponse),
        (status = 202, description = "Added; search uses it within seconds", body = SituationResponse),
    )
)]
pub async fn create_situaties(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    create(&state, &caller, LexiconKind::Situation, body).await
}

/// One situation.
#[utoipa::path(
    get,
    path = "/beheer/situaties/{id}",
    tag = "beheer",
    params(("id" = i64, Path, description = "Situation id")),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The situation", body = SituationResponse))
)]
pub async fn get_situaties(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    read(&state, &caller, LexiconKind::Situation, id).await
}

/// Replace a situation (`If-Match` required).
#[utoipa::path(
    put,
    path = "/beheer/situaties/{id}",
    tag = "beheer",
    params(
        ("id" = i64, Path, description = "Situation id"),
        ("If-Match" = String, Header, description = "The `ETag` of the version you edited"),
    ),
    request_body = SituationInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Saved; this node's search uses it", body = SituationResponse),
        (status = 202, description = "Saved; search uses it within seconds", body = SituationResponse),
    )
)]
pub async fn update_situaties(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    if_match: Result<IfMatch, ApiError>,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    replace(&state, &caller, LexiconKind::Situation, id, if_match, body).await
}

/// Remove a situation (`If-Match` required); its revisions stay readable.
#[utoipa::path(
    delete,
    path = "/beheer/situaties/{id}",
    tag = "beheer",
    params(
        ("id" = i64, Path, description = "Situation id"),
        ("If-Match" = String, Header, description = "The `ETag` of the version you saw"),
    ),
    security(("bearerAuth" = [])),
    responses((status = 204, description = "Removed"))
)]
pub async fn delete_situaties(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    if_match: Result<IfMatch, ApiError>,
) -> ApiResult<StatusCode> {
    remove(&state, &caller, LexiconKind::Situation, id, if_match).await
}

/// Every version of a situation, newest first (also after removal).
#[utoipa::path(
    get,
    path = "/beheer/situaties/{id}/revisies",
    tag = "beheer",
    params(("id" = i64, Path, description = "Situation id")),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The versions", body = LexiconRevisionList))
)]
pub async fn list_situaties_revisies(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<LexiconRevisionList>> {
    revisions(&state, &caller, LexiconKind::Situation, id).await
}
