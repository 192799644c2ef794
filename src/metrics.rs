//! Prometheus metrics, kept in process and rendered at `GET /metrics`: request counts and
//! latency histograms per route, search counts (never the search text), index and outbox
//! positions. Small enough not to need a metrics library.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// What one route has seen.
#[derive(Default)]
struct RouteStats {
    /// (method, status) → count; a handful per route, so a list.
    counts: Vec<(String, u16, u64)>,
    latency: Histogram,
}

#[derive(Default)]
pub struct Metrics {
    /// route → counts and latency. One lock and, after a route's first request, no
    /// allocation per request: this runs for every request.
    routes: Mutex<BTreeMap<String, RouteStats>>,
    pub searches: AtomicU64,
    pub suggestions: AtomicU64,
    pub shed: AtomicU64,
    /// Searches that went on with words alone because the embeddings service failed.
    pub meaning_failures: AtomicU64,
}

/// Values read at scrape time.
pub struct Gauges {
    pub index_applied_seq: Option<i64>,
    pub outbox_latest_seq: Option<i64>,
    pub index_documents: u64,
    pub search_permits_free: usize,
    /// Index segments searched with bitmaps (many matches) since start.
    pub index_wide_segments: u64,
    /// Items with a sentence vector (search by meaning), when it is on.
    pub meaning_vectors: Option<u64>,
}

impl Metrics {
    pub fn record(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let Ok(mut routes) = self.routes.lock() else {
            return;
        };
        let stats = match routes.get_mut(route) {
            Some(stats) => stats,
            None => routes.entry(route.to_string()).or_default(),
        };
        match stats
            .counts
            .iter_mut()
            .find(|(m, s, _)| m == method && *s == status)
        {
            Some((_, _, n)) => *n += 1,
            None => stats.counts.push((method.to_string(), status, 1)),
        }
        let h = &mut stats.latency;
        let secs = elapsed.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.buckets[i] += 1;
            }
        }
        h.sum += secs;
        h.count += 1;
    }

    pub fn render(&self, g: &Gauges) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP wegwijzer_http_requests_total HTTP requests by route, method and status."
        );
        let _ = writeln!(out, "# TYPE wegwijzer_http_requests_total counter");
        if let Ok(routes) = self.routes.lock() {
            for (route, stats) in routes.iter() {
                let mut counts: Vec<_> = stats.counts.iter().collect();
                counts.sort();
                for (method, status, n) in counts {
                    let _ = writeln!(
                        out,
                        "wegwijzer_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "# HELP wegwijzer_http_request_duration_seconds Request latency by route."
        );
        let _ = writeln!(
            out,
            "# TYPE wegwijzer_http_request_duration_seconds histogram"
        );
        if let Ok(routes) = self.routes.lock() {
            for (route, stats) in routes.iter() {
                let h = &stats.latency;
                for (i, bound) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "wegwijzer_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {}",
                        h.buckets[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "wegwijzer_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "wegwijzer_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "wegwijzer_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    h.count
                );
            }
        }
        let counter = |out: &mut String, name: &str, help: &str, v: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
            );
        };
        let gauge = |out: &mut String, name: &str, help: &str, v: String| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        };
        counter(
            &mut out,
            "wegwijzer_searches_total",
            "Searches run (the text is never recorded).",
            self.searches.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "wegwijzer_suggestions_total",
            "Suggestion requests.",
            self.suggestions.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "wegwijzer_requests_shed_total",
            "Requests refused with 503 because too many were in flight.",
            self.shed.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "wegwijzer_search_meaning_failures_total",
            "Searches that went on without meaning because the embeddings service failed.",
            self.meaning_failures.load(Ordering::Relaxed),
        );
        if let Some(n) = g.meaning_vectors {
            gauge(
                &mut out,
                "wegwijzer_meaning_vectors",
                "Items with a sentence vector for search by meaning.",
                n.to_string(),
            );
        }
        counter(
            &mut out,
            "wegwijzer_search_wide_segments_total",
            "Index segments a search answered with bitmaps because it had many matches.",
            g.index_wide_segments,
        );
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "NaN".into());
        gauge(
            &mut out,
            "wegwijzer_index_applied_seq",
            "Last outbox sequence applied to this node's index.",
            opt(g.index_applied_seq),
        );
        gauge(
            &mut out,
            "wegwijzer_outbox_latest_seq",
            "Newest outbox sequence in the database.",
            opt(g.outbox_latest_seq),
        );
        let lag = g
            .outbox_latest_seq
            .zip(g.index_applied_seq)
            .map(|(l, a)| (l - a).max(0));
        gauge(
            &mut out,
            "wegwijzer_index_lag",
            "Outbox entries not yet searchable on this node.",
            opt(lag),
        );
        gauge(
            &mut out,
            "wegwijzer_index_documents",
            "Documents in this node's index.",
            g.index_documents.to_string(),
        );
        gauge(
            &mut out,
            "wegwijzer_search_permits_free",
            "Search permits not in use.",
            g.search_permits_free.to_string(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_histograms_and_gauges() {
        let m = Metrics::default();
        m.record("/api/v1/aanbod", "GET", 200, Duration::from_millis(3));
        m.record("/api/v1/aanbod", "GET", 400, Duration::from_millis(1));
        m.searches.fetch_add(2, Ordering::Relaxed);
        let text = m.render(&Gauges {
            index_applied_seq: Some(5),
            outbox_latest_seq: Some(7),
            index_documents: 3,
            search_permits_free: 4,
            index_wide_segments: 6,
            meaning_vectors: None,
        });
        assert!(text.contains("wegwijzer_http_requests_total{route=\"/api/v1/aanbod\",method=\"GET\",status=\"200\"} 1"));
        assert!(text.contains("wegwijzer_http_request_duration_seconds_bucket{route=\"/api/v1/aanbod\",le=\"0.005\"} 2"));
        assert!(text.contains("wegwijzer_http_request_duration_seconds_bucket{route=\"/api/v1/aanbod\",le=\"0.001\"} 1"));
        assert!(text.contains("wegwijzer_index_lag 2"));
        assert!(text.contains("wegwijzer_searches_total 2"));
        assert!(text.contains("wegwijzer_search_wide_segments_total 6"));
    }
}
