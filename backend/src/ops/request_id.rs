//! `X-Request-Id`: taken from the load balancer when it sent a sane one,
//! generated otherwise; returned on the response and carried by every log
//! line of the request (a tracing span field). It is an opaque token, never
//! derived from the caller.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The header, lower-case as HTTP/2 wants it.
pub const HEADER: &str = "x-request-id";

/// A caller's id is kept when it is 1–64 characters of `[A-Za-z0-9._-]`;
/// anything else (too long, spaces, control characters) is replaced, so a
/// client cannot inject into log lines.
pub fn accept(v: &str) -> bool {
    (1..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The middleware: request id, a span per request, metrics.
pub async fn layer(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| accept(v))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let value = HeaderValue::from_str(&id).expect("checked characters");
    req.headers_mut().insert(HEADER, value.clone());
    let route = super::metrics::route_label(req.uri().path());
    let method = req.method().clone();
    // The path is logged as its route class only: a path may carry an id.
    let span = tracing::info_span!("request", request_id = %id, %method, route);
    let timer = super::metrics::start();
    let mut resp = next.run(req).instrument(span.clone()).await;
    let status = resp.status().as_u16();
    let secs = timer.finish(route, method.as_str(), status);
    span.in_scope(|| tracing::debug!(status, ms = (secs * 1000.0) as u64, "done"));
    resp.headers_mut().insert(HEADER, value);
    resp
}

#[cfg(test)]
mod tests {
    use super::accept;

    #[test]
    fn keeps_only_safe_ids() {
        assert!(accept("3f2a-b_c.1"));
        assert!(!accept(""));
        assert!(!accept("a b"));
        assert!(!accept("a\nb"));
        assert!(!accept(&"x".repeat(65)));
    }
}
