//! Wiring: production and tests both start the service through [`App::start`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::api::{self, API_VERSION, AppState};
use crate::config::Config;
use crate::domain::taxonomy::TermKind;
use crate::domain::{Change, FieldErrors, Listing, Taxonomy};
use crate::error::{ApiError, LoggedError};
use crate::index::SearchIndex;
use crate::index::writer::Indexer;
use crate::store::Store;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The one endpoint that takes more: editors' CSV uploads (`POST /api/v1/beheer/imports`).
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;
/// A request taking longer than this is answered 503.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a shutdown waits for open connections: a request in flight gets its full
/// [`REQUEST_TIMEOUT`] and a little more; a client that holds a connection longer is cut.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(12);

/// A running service.
pub struct App {
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    indexer: JoinHandle<()>,
}

impl App {
    /// Opens the database and index, starts the indexer and serves HTTP on `listener`.
    pub async fn start(config: &Config, listener: TcpListener) -> anyhow::Result<App> {
        let store = Store::connect(&config.database_url()).await?;
        Self::start_with_store(config, store, listener).await
    }

    pub async fn start_with_store(
        config: &Config,
        store: Store,
        listener: TcpListener,
    ) -> anyhow::Result<App> {
        let index = Arc::new(SearchIndex::open_with(
            &config.index_dir(),
            config.search_features(),
        )?);
        // Facets and filters need the taxonomy before the first request.
        index.set_taxonomy(store.load_taxonomy().await.context("taxonomie laden")?);
        // Vacancies that ended while no node ran go into the outbox before the indexer's first
        // pass, so a node starts caught up with them.
        if let Err(e) = store
            .announce_ended_vacancies(crate::domain::listing::today())
            .await
        {
            tracing::warn!(error = %e, "verlopen vacatures niet gemeld; later opnieuw");
        }
        let indexer = Indexer::new(store.clone(), index.clone())?;
        let meaning = match &config.embeddings_url {
            Some(url) => {
                let vectors = Arc::new(
                    crate::meaning::store::VectorStore::open(&config.vectors_dir())
                        .context("vectoren openen")?,
                );
                index.set_meaning(vectors.clone());
                let client = Arc::new(crate::meaning::client::EmbeddingClient::new(
                    url,
                    &config.embeddings_model,
                    Duration::from_millis(config.embeddings_timeout_ms),
                ));
                Some((vectors, client))
            }
            None => None,
        };
        let state = AppState {
            store,
            index,
            search_permits: Arc::new(Semaphore::new(config.search_concurrency())),
            index_waker: indexer.waker(),
            metrics: Arc::new(crate::metrics::Metrics::default()),
            auth: Arc::new(
                crate::auth::Auth::new(
                    Duration::from_secs(config.session_idle_secs),
                    Duration::from_secs(config.session_max_secs),
                    config.login_attempts_per_minute,
                )
                .with_trusted_proxies(config.trusted_proxies.clone()),
            ),
            write_wait: Duration::from_millis(config.write_wait_ms),
            inline_searches: Default::default(),
            inline_limit: config.inline_searches,
            meaning: meaning.as_ref().map(|(_, client)| client.clone()),
            site: Arc::new(crate::web::Site::from_config(
                config,
                listener.local_addr().context("luisteradres")?,
            )?),
            insights: Arc::new(crate::insights::SearchInsights::default()),
        };
        let (shutdown, shutdown_rx) = watch::channel(false);
        let indexer = tokio::spawn(indexer.run(shutdown_rx.clone()));
        tokio::spawn(expire_sessions(state.clone(), shutdown_rx.clone()));
        if let Some((vectors, client)) = meaning {
            tokio::spawn(crate::meaning::worker::run(
                state.index.clone(),
                vectors,
                client,
                shutdown_rx.clone(),
            ));
        }
        tokio::spawn(crate::feed::sweep_ended_vacancies(
            state.store.clone(),
            shutdown_rx.clone(),
        ));
        let mail_settings = crate::mail::worker::Settings {
            from: config
                .mail_from
                .parse()
                .map_err(|e| anyhow::anyhow!("--mail-from is geen geldig adres: {e}"))?,
            site_name: state.site.name.clone(),
            base_url: state.site.public_url.clone(),
            retry_after: Duration::from_secs(config.mail_retry_secs.max(1)),
            node: format!("{}-{}", addr_label(&listener), std::process::id()),
        };
        let mail_transport =
            crate::mail::Transport::new(config.smtp_url.as_deref(), config.data_dir.join("mail"))?;
        tokio::spawn(crate::mail::worker::run(
            state.store.clone(),
            mail_transport,
            mail_settings,
            shutdown_rx.clone(),
        ));
        tokio::spawn(crate::mail::reminders::run(
            state.store.clone(),
            shutdown_rx.clone(),
        ));
        tokio::spawn(crate::insights::run(
            state.insights.clone(),
            state.store.clone(),
            shutdown_rx.clone(),
        ));
        // The decoy hash makes a login for an unknown address as slow as a wrong password;
        // compute it now so the first such login is not the odd one out, and refuse to start
        // without it.
        tokio::task::spawn_blocking(crate::auth::init_decoy_hash)
            .await
            .context("decoy-hash")?
            .context("decoy-hash voor inloggen maken")?;
        let addr = listener.local_addr().context("luisteradres")?;
        let router = router(state.clone(), config);
        let rx = shutdown_rx;
        let server = tokio::spawn(async move {
            crate::serve::serve(listener, router, rx, SHUTDOWN_GRACE).await;
            Ok::<(), std::io::Error>(())
        });
        Ok(App {
            addr,
            state,
            shutdown,
            server,
            indexer,
        })
    }

    /// Waits until the index has caught up with the outbox, at most `timeout`.
    pub async fn wait_until_indexed(&self, timeout: Duration) -> bool {
        let Ok(latest) = self.state.store.latest_outbox_seq().await else {
            return false;
        };
        self.state.index_waker.notify_one();
        self.state.index.wait_for(latest, timeout).await
    }

    /// Stops accepting requests, lets in-flight ones finish, and stops the indexer (which
    /// releases the index lock).
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        self.server.await??;
        if let Err(e) = self.state.insights.flush(&self.state.store).await {
            tracing::warn!(error = %e, "zoekinzichten niet bewaard bij afsluiten");
        }
        self.indexer.await?;
        Ok(())
    }

    /// Runs until Ctrl-C or SIGTERM, then stops gracefully.
    pub async fn run_until_signal(self) -> anyhow::Result<()> {
        shutdown_signal().await;
        tracing::info!("afsluiten: lopende verzoeken afmaken");
        self.stop().await
    }
}

/// Deletes ended sessions now and then (they are refused on use anyway; this keeps the
/// table small and forgets old failed-login counters).
async fn expire_sessions(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let every = (state.auth.idle / 2).clamp(Duration::from_secs(1), Duration::from_secs(600));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        let now = chrono::Utc::now();
        let ts = |d: Duration| {
            (now - chrono::Duration::from_std(d).unwrap_or_default())
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        let idle_before = ts(state.auth.idle);
        let started_before = ts(state.auth.absolute);
        if let Err(e) = state
            .store
            .delete_expired_sessions(&idle_before, &started_before)
            .await
        {
            tracing::warn!(error = %e, "verlopen sessies opruimen mislukt");
        }
        if let Err(e) = state
            .store
            .forget_login_failures_before(&ts(Duration::from_secs(24 * 3600)))
            .await
        {
            tracing::warn!(error = %e, "oude inlogpogingen opruimen mislukt");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// This node's listening address, to tell nodes apart in mail claims.
fn addr_label(listener: &TcpListener) -> String {
    listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default()
}

/// The whole HTTP surface with its middleware.
pub fn router(state: AppState, config: &Config) -> Router {
    let max_in_flight = config.max_in_flight;
    let metrics_token = config.metrics_token.clone().map(Arc::new);
    let cors_origins: Arc<Vec<String>> = Arc::new(config.cors_origins.clone());
    let (api, doc) = api::routes();
    let doc = Arc::new(doc.to_pretty_json().unwrap_or_default());
    let openapi = get(move || {
        let doc = doc.clone();
        async move {
            (
                [
                    (header::CONTENT_TYPE, "application/json"),
                    (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
                ],
                (*doc).clone(),
            )
        }
    });
    let api = api
        .route("/openapi.json", openapi)
        .nest("/hsds", api::hsds::routes())
        // `nest` serves the root at `/hsds` only; HSDS clients also ask for `/hsds/`.
        .route("/hsds/", get(api::hsds::about))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            record_metrics,
        ))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        // JSON is data, never a document: browsers must not sniff it or run anything in it.
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .with_state(state.clone());
    let shed_state = state.clone();
    let web = crate::web::routes(&state).with_state(state.clone());
    Router::new()
        .nest("/api/v1", api)
        .route(
            "/metrics",
            get(move |state, headers| metrics(state, headers, metrics_token.clone()))
                .with_state(state.clone()),
        )
        .merge(web)
        .fallback(page_or_problem_not_found)
        .with_state(state)
        .layer(middleware::from_fn(limit_body))
        // Pages, CSS, JS and JSON shrink 4-8x with gzip; tiny answers are left alone.
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .layer(
            CorsLayer::new()
                // The public read API is open to every origin; the management API only to
                // the configured ones (a portal on another host); pages to none.
                .allow_origin(AllowOrigin::predicate(move |origin, parts| {
                    cors_allowed(parts.uri.path(), origin, &cors_origins)
                }))
                .allow_methods([
                    Method::GET,
                    Method::HEAD,
                    Method::OPTIONS,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                ])
                // Bearer tokens, never cookies: a wildcard origin grants no ambient authority.
                .allow_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    header::IF_MATCH,
                ])
                .expose_headers([
                    HeaderName::from_static("api-version"),
                    header::LINK,
                    header::ETAG,
                    header::LOCATION,
                ]),
        )
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal(anyhow::anyhow!("paniek in een handler")).into_response()
        }))
        .layer(middleware::from_fn(log_internal_errors))
        // Overload: beyond `max_in_flight` requests, answer 503 at once instead of queueing.
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(
                    move |_: tower::BoxError| {
                        let state = shed_state.clone();
                        async move {
                            state
                                .metrics
                                .shed
                                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            ApiError::Unavailable("te druk".into())
                        }
                    },
                ))
                .layer(tower::load_shed::LoadShedLayer::new())
                .layer(tower::limit::ConcurrencyLimitLayer::new(
                    max_in_flight.max(1),
                )),
        )
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    // Path only: the query string may hold what a resident searched for.
                    tracing::info_span!("verzoek", method = %req.method(), path = %req.uri().path())
                })
                // Errors are logged once by `log_internal_errors`; a 503 while shedding load is
                // not an error worth a log line per request.
                .on_failure(()),
        )
        .layer(middleware::from_fn(problem_for_every_error))
        .layer(middleware::from_fn(crate::serve::header_limits))
        .layer(middleware::from_fn(private_when_authenticated))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("api-version"),
            HeaderValue::from_static(API_VERSION),
        ))
}

/// Outside `/api` a missing page is an HTML page; inside, problem+json.
async fn page_or_problem_not_found(
    axum::extract::State(state): axum::extract::State<AppState>,
    uri: axum::http::Uri,
) -> Response {
    if uri.path().starts_with("/api/") || uri.path() == "/api" || uri.path() == "/metrics" {
        ApiError::NotFound.into_response()
    } else {
        crate::web::not_found(&state.site)
    }
}

/// Answers depend on who asks (staff see more): caches must key on `Authorization`, and never
/// store an answer to a logged-in request.
async fn private_when_authenticated(req: Request, next: Next) -> Response {
    let authenticated = req.headers().contains_key(header::AUTHORIZATION);
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    // One `Vary` line listing everything (compression adds `accept-encoding`).
    let mut vary: Vec<String> = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    vary.push("Authorization".into());
    if let Ok(v) = HeaderValue::from_str(&vary.join(", ")) {
        headers.insert(header::VARY, v);
    }
    if authenticated {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}

/// Counts requests and their latency per route template (`/api/v1/aanbod/{id}`, never the
/// concrete path or query).
async fn record_metrics(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    // A shared path and a method: clones without allocating.
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .cloned();
    let method = req.method().clone();
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    state.metrics.record(
        route.as_ref().map_or("onbekend", |p| p.as_str()),
        method.as_str(),
        res.status().as_u16(),
        started.elapsed(),
    );
    res
}

/// True when a browser script from `origin` may read the answer to `path`.
fn cors_allowed(path: &str, origin: &HeaderValue, configured: &[String]) -> bool {
    let Some(api) = path.strip_prefix("/api/v1") else {
        return false;
    };
    let management = ["/beheer", "/sessies", "/verwijslijsten"]
        .iter()
        .any(|p| api.starts_with(p));
    !management || configured.iter().any(|o| o.as_bytes() == origin.as_bytes())
}

/// Prometheus text format for scrapers, behind the configured bearer token; without one,
/// `/metrics` does not exist.
async fn metrics(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: axum::http::HeaderMap,
    token: Option<Arc<String>>,
) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match (token.as_deref(), presented) {
        (Some(expected), Some(given)) if crate::web::session::same_secret(expected, given) => {}
        (Some(_), _) => {
            return ApiError::Unauthorized(
                "Stuur het metrics-token mee als 'Authorization: Bearer <token>'.",
            )
            .into_response();
        }
        (None, _) => return ApiError::NotFound.into_response(),
    }
    let gauges = crate::metrics::Gauges {
        index_applied_seq: state.index.applied_seq(),
        outbox_latest_seq: state.store.latest_outbox_seq().await.ok(),
        index_documents: state.index.num_docs(),
        search_permits_free: state.search_permits.available_permits(),
        index_wide_segments: state.index.wide_segments(),
        meaning_vectors: state.index.meaning().map(|v| v.len() as u64),
    };
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(&gauges),
    )
        .into_response()
}

/// Logs internal errors once, inside the request span, without showing them to the client.
async fn log_internal_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if let Some(LoggedError(msg)) = res.extensions().get::<LoggedError>() {
        tracing::error!(error = %msg, "interne fout");
    }
    if let Some(crate::error::Unavailable(cause)) =
        res.extensions().get::<crate::error::Unavailable>()
    {
        tracing::warn!(cause = %cause, "503: tijdelijk niet beschikbaar");
    }
    res
}

/// Bounds every request body: [`MAX_IMPORT_BYTES`] for the CSV upload, [`MAX_BODY_BYTES`] for
/// everything else. A declared length over the limit is refused before reading; a body that
/// grows past it fails while being read (both end as a 413 problem).
async fn limit_body(req: Request, next: Next) -> Response {
    let limit = if req.uri().path() == crate::api::beheer::imports::PATH {
        MAX_IMPORT_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let req = req.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, limit)));
    next.run(req).await
}

/// Turns any error response that is not yet problem+json (axum's own rejections, tower-http's
/// 413 and timeouts) into one, so every error path has the same shape.
async fn problem_for_every_error(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    // Problems pass as they are, and so do pages: the website renders its own error pages.
    let is_problem_or_page = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(b"application/problem+json")
            || v.as_bytes().starts_with(b"text/html")
    });
    if is_problem_or_page {
        return res;
    }
    let allow = res.headers().get(header::ALLOW).cloned();
    let err = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::REQUEST_TIMEOUT
        | StatusCode::SERVICE_UNAVAILABLE
        | StatusCode::GATEWAY_TIMEOUT => {
            // The only empty 503s come from the request timeout: say so once, with the limit.
            tracing::warn!(
                limit_secs = REQUEST_TIMEOUT.as_secs(),
                "503: verzoek duurde langer dan de limiet"
            );
            ApiError::Unavailable("timeout".into())
        }
        s if s.is_client_error() => {
            let mut e = FieldErrors::new();
            e.add("verzoek", "het verzoek kon niet worden gelezen");
            ApiError::from(e)
        }
        _ => ApiError::Internal(anyhow::anyhow!(
            "status {status} zonder probleembeschrijving"
        )),
    };
    let mut out = err.into_response();
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}

/// The indexer reads its change feed from the store: the one place where the index layer and
/// the database meet.
impl crate::index::writer::ChangeFeed for Store {
    async fn changes_after(&self, seq: i64, limit: i64) -> anyhow::Result<Vec<(i64, Change)>> {
        Ok(self
            .outbox_after(seq, limit)
            .await?
            .into_iter()
            .map(|e| (e.seq, e.change))
            .collect())
    }

    async fn latest_seq(&self) -> anyhow::Result<i64> {
        Ok(self.latest_outbox_seq().await?)
    }

    async fn listings(&self, ids: &[i64]) -> anyhow::Result<Vec<Listing>> {
        Ok(self.find_listings(ids).await?)
    }

    async fn listings_after(&self, after_id: i64, limit: i64) -> anyhow::Result<Vec<Listing>> {
        Ok(Store::listings_after(self, after_id, limit).await?)
    }

    async fn listing_ids_of_organisation(&self, organisation_id: i64) -> anyhow::Result<Vec<i64>> {
        Ok(Store::listing_ids_of_organisation(self, organisation_id).await?)
    }

    async fn listing_ids_with_term(&self, kind: TermKind, key: &str) -> anyhow::Result<Vec<i64>> {
        Ok(Store::listing_ids_with_term(self, kind, key).await?)
    }

    async fn taxonomy(&self) -> anyhow::Result<Taxonomy> {
        Ok(self.load_taxonomy().await?)
    }

    async fn lexicon_entries(&self) -> anyhow::Result<Vec<crate::domain::lexicon::LexiconEntry>> {
        Ok(self.all_lexicon_entries().await?)
    }
}
