//! Prometheus metrics in the text exposition format (0.0.4), served on
//! their own listener (`DAOSHI_METRICS_BIND`). Labels come from small fixed
//! sets (route class, method, status, GraphQL operation kind, error code),
//! never from a path, a name or an id: no personal data, bounded cardinality.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::state::AppState;

/// Histogram bucket bounds, seconds.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Default)]
struct Hist {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Registry {
    /// (route, method, status) → requests.
    requests: BTreeMap<(&'static str, &'static str, u16), u64>,
    /// route → latency.
    latency: BTreeMap<&'static str, Hist>,
    /// outcome → GraphQL responses; outcome is `ok` or the first error's code.
    operations: BTreeMap<&'static str, u64>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);
static IN_FLIGHT: AtomicI64 = AtomicI64::new(0);

fn with<R>(f: impl FnOnce(&mut Registry) -> R) -> R {
    let mut g = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    f(g.get_or_insert_with(Registry::default))
}

/// Requests being served now.
pub fn in_flight() -> i64 {
    IN_FLIGHT.load(Ordering::Relaxed)
}

/// The route class of a path: the API, the probes, or the static site.
pub fn route_label(path: &str) -> &'static str {
    match path {
        "/graphql" => "/graphql",
        "/healthz" => "/healthz",
        "/readyz" => "/readyz",
        _ => "static",
    }
}

fn method_label(m: &str) -> &'static str {
    match m {
        "GET" => "GET",
        "POST" => "POST",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// A request being timed (counted in flight until finished or dropped).
pub struct Timer {
    started: Instant,
    done: bool,
}

/// Starts timing a request.
pub fn start() -> Timer {
    IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
    Timer {
        started: Instant::now(),
        done: false,
    }
}

impl Timer {
    /// Records the request; returns its duration in seconds.
    pub fn finish(mut self, route: &'static str, method: &str, status: u16) -> f64 {
        self.done = true;
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
        let secs = self.started.elapsed().as_secs_f64();
        with(|r| {
            *r.requests
                .entry((route, method_label(method), status))
                .or_default() += 1;
            let h = r.latency.entry(route).or_default();
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    h.counts[i] += 1;
                }
            }
            h.sum += secs;
            h.count += 1;
        });
        secs
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        // A request whose client went away never reaches `finish`.
        if !self.done {
            IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// The API's error codes (`extensions.code`), the only outcome labels.
const CODES: &[&str] = &[
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "VALIDATION",
    "CONFLICT",
    "RATE_LIMITED",
    "UNAVAILABLE",
    "INTERNAL",
];

/// Counts a GraphQL response by outcome: `ok`, or the first error's
/// `extensions.code` from the fixed set (`OTHER` for anything else).
pub fn graphql_response(code: Option<&str>) {
    let outcome = match code {
        None => "ok",
        Some(c) => CODES.iter().copied().find(|k| *k == c).unwrap_or("OTHER"),
    };
    with(|r| *r.operations.entry(outcome).or_default() += 1);
}

/// The exposition text.
pub fn render(state: Option<&AppState>) -> String {
    let mut out = String::with_capacity(4096);
    let w = &mut out;
    with(|r| {
        let _ = writeln!(
            w,
            "# HELP daoshi_http_requests_total HTTP requests answered."
        );
        let _ = writeln!(w, "# TYPE daoshi_http_requests_total counter");
        for ((route, method, status), n) in &r.requests {
            let _ = writeln!(
                w,
                "daoshi_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
            );
        }
        let _ = writeln!(
            w,
            "# HELP daoshi_http_request_duration_seconds Time to answer a request."
        );
        let _ = writeln!(w, "# TYPE daoshi_http_request_duration_seconds histogram");
        for (route, h) in &r.latency {
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    w,
                    "daoshi_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                w,
                "daoshi_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                w,
                "daoshi_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                w,
                "daoshi_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        let _ = writeln!(
            w,
            "# HELP daoshi_graphql_responses_total GraphQL responses by outcome (ok or the first error's code)."
        );
        let _ = writeln!(w, "# TYPE daoshi_graphql_responses_total counter");
        for (outcome, n) in &r.operations {
            let _ = writeln!(
                w,
                "daoshi_graphql_responses_total{{outcome=\"{outcome}\"}} {n}"
            );
        }
    });
    let _ = writeln!(
        w,
        "# HELP daoshi_http_requests_in_flight Requests being served."
    );
    let _ = writeln!(w, "# TYPE daoshi_http_requests_in_flight gauge");
    let _ = writeln!(w, "daoshi_http_requests_in_flight {}", in_flight());
    let _ = writeln!(
        w,
        "# HELP daoshi_draining 1 after SIGTERM, while in-flight requests finish."
    );
    let _ = writeln!(w, "# TYPE daoshi_draining gauge");
    let _ = writeln!(
        w,
        "daoshi_draining {}",
        u8::from(super::shutdown::draining())
    );
    let _ = writeln!(
        w,
        "# HELP daoshi_db_reachable 1 while the database answers."
    );
    let _ = writeln!(w, "# TYPE daoshi_db_reachable gauge");
    let _ = writeln!(
        w,
        "daoshi_db_reachable {}",
        u8::from(crate::db::reachable())
    );
    if let Some(s) = state {
        let (size, idle) = pool_usage(&s.db);
        let _ = writeln!(
            w,
            "# HELP daoshi_db_pool_connections Connections of the application pool by state."
        );
        let _ = writeln!(w, "# TYPE daoshi_db_pool_connections gauge");
        let _ = writeln!(w, "daoshi_db_pool_connections{{state=\"idle\"}} {idle}");
        let _ = writeln!(
            w,
            "daoshi_db_pool_connections{{state=\"in_use\"}} {}",
            size.saturating_sub(idle)
        );
    }
    out
}

/// (open connections, idle ones) of the pool.
fn pool_usage(db: &sea_orm::DatabaseConnection) -> (u32, u32) {
    match db {
        sea_orm::DatabaseConnection::SqlxPostgresPoolConnection(_) => {
            let p = db.get_postgres_connection_pool();
            (p.size(), u32::try_from(p.num_idle()).unwrap_or(u32::MAX))
        }
        sea_orm::DatabaseConnection::SqlxSqlitePoolConnection(_) => {
            let p = db.get_sqlite_connection_pool();
            (p.size(), u32::try_from(p.num_idle()).unwrap_or(u32::MAX))
        }
        _ => (0, 0),
    }
}

/// The metrics listener's router: `/metrics` only.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|State(s): State<AppState>| async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    render(Some(&s)),
                )
                    .into_response()
            }),
        )
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_renders_a_request() {
        let t = start();
        t.finish("/healthz", "GET", 200);
        graphql_response(Some("NOT_A_CODE"));
        let text = render(None);
        assert!(text.contains(
            "daoshi_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"
        ));
        assert!(text.contains(
            "daoshi_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"}"
        ));
        assert!(text.contains("daoshi_graphql_responses_total{outcome=\"OTHER\"}"));
        assert_eq!(route_label("/student/0b9e"), "static");
    }
}
