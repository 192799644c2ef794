//! The HTTP server loop: axum's router on hyper's HTTP/1.1 connections, with the two bounds
//! `axum::serve` does not set. A client must send its request headers within
//! [`HEADER_READ_TIMEOUT`] (one slow client cannot hold a connection, and with it a rolling
//! restart, for minutes), and a shutdown waits at most its grace period for open connections
//! before it cuts them.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt as _;

/// How long a client may take to send a request's headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Most request headers the app takes; more is a 431 problem+json (see [`header_limits`]).
pub const MAX_HEADERS: usize = 100;
/// Most bytes of request headers (names and values) the app takes.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Hyper's own limits sit above the app's, so that a request over the app's limits still
/// reaches the app and gets a problem+json answer; beyond these hyper answers 431 itself.
const HYPER_MAX_HEADERS: usize = 4 * MAX_HEADERS;

/// Serves `router` on `listener` until `shutdown` turns true; then stops accepting, lets open
/// connections finish their requests for at most `grace`, and cuts the rest.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
    grace: Duration,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_headers(HYPER_MAX_HEADERS);
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment instead of spinning.
                    tracing::warn!(error = %e, "verbinding aannemen mislukt");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = async { drop(shutdown.wait_for(|stop| *stop).await) } => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut req: hyper::Request<Incoming>| {
                // What `ConnectInfo<SocketAddr>` extractors read.
                req.extensions_mut().insert(ConnectInfo(remote));
                req.map(Body::new)
            });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let watched = graceful.watch(connection);
        connections.spawn(async move {
            // Resets, header timeouts and the like end one connection, nothing more.
            let _ = watched.await;
        });
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(grace) => {
            tracing::warn!(
                open = connections.len(),
                grace_secs = grace.as_secs(),
                "afsluiten: verbindingen die na de wachttijd nog open waren, afgebroken"
            );
        }
    }
    connections.abort_all();
}

/// The app's header limits, answered with 431 problem+json (hyper's own answer beyond its
/// larger limits has no body).
pub async fn header_limits(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let headers = req.headers();
    let bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return crate::error::ApiError::HeadersTooLarge.into_response();
    }
    next.run(req).await
}
