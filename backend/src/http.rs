//! The HTTP surface: `/graphql` (POST, GraphQL over HTTP; GraphiQL on GET
//! outside production), `/healthz`, `/readyz`, and the built frontend with
//! client-side routing. Every response carries the security headers; every
//! GraphQL request is bounded in size, type and time before any work.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::ParseRequestError;
use async_graphql::http::{GraphiQLSource, MultipartOptions};
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sea_orm::ConnectionTrait;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::error::{ApiError, ensure_codes};
use crate::graphql::{self, ClientIp, DaoshiSchema};
use crate::state::AppState;
use crate::tenancy::Ctx;

/// Largest request body, JSON or multipart (roster uploads up to 10 MiB plus
/// multipart overhead). Larger requests get 413 before anything is parsed.
pub const MAX_BODY_BYTES: usize = 12 * 1024 * 1024;
/// Largest uploaded file.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Most files in one multipart request.
pub const MAX_FILES: usize = 4;
/// Largest multipart part: a file plus its part headers.
const MAX_PART_BYTES: usize = MAX_FILE_BYTES + 16 * 1024;

fn file_msg() -> String {
    format!("文件过大（最多{} MiB）", MAX_FILE_BYTES / 1024 / 1024)
}

/// The page's Content-Security-Policy: only this origin's scripts (the
/// wasm app needs `'wasm-unsafe-eval'` to compile its module, nothing needs
/// inline script), inline style attributes only (the app sets bar widths),
/// no framing, no plugins.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// GraphiQL (development only) loads its code from a CDN and runs inline script.
const GRAPHIQL_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' https://unpkg.com; \
style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data: https:; \
font-src 'self' data: https://unpkg.com; connect-src 'self'; frame-ancestors 'none'";

const HSTS: &str = "max-age=31536000; includeSubDomains";
const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

#[derive(Clone)]
struct Http {
    state: AppState,
    schema: DaoshiSchema,
}

/// Builds the router.
pub fn router(state: AppState) -> Router {
    crate::auth::password::set_concurrency(state.config.login_concurrency);
    let schema = graphql::build(Some(state.clone()));
    let site = state.config.site_dir.clone();
    let index = site.join("index.html");
    let static_files = if index.exists() {
        Router::new().fallback_service(
            ServeDir::new(&site)
                .append_index_html_on_directories(true)
                .fallback(ServeFile::new(&index)),
        )
    } else {
        Router::new().fallback(|| async {
            Html("<!doctype html><meta charset=utf-8><title>导师</title><p>前端尚未构建：请运行 scripts/build-frontend.sh。The frontend is not built yet: run scripts/build-frontend.sh.</p>")
        })
    };
    Router::new()
        .route(
            "/graphql",
            get(graphql_get)
                .post(graphql_post)
                .fallback(|| async { method_not_allowed() }),
        )
        .route("/graphql/ws", get(graphql_ws))
        .route("/files/{id}", get(file_download))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(Http {
            state: state.clone(),
            schema,
        })
        .merge(static_files)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(middleware::from_fn_with_state(state, security_headers))
        .layer(CompressionLayer::new())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        // Outermost: the request id and metrics cover everything above.
        .layer(middleware::from_fn(crate::ops::request_id::layer))
}

/// Whether the client reached us over TLS: configured, or said by a trusted proxy.
fn over_tls(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.hsts
        || (state.config.trust_proxy
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https")))
}

async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let tls = over_tls(&state, req.headers());
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    if tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    resp
}

fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::ALLOW, "POST")],
        "GraphQL requests are POST requests",
    )
        .into_response()
}

/// GraphQL subscriptions over WebSocket (`graphql-transport-ws`, or the
/// older `graphql-ws`). The connection's init payload carries the access
/// token (`{"token": "…"}`); it is verified, and the account checked as on
/// every request, before any subscription starts. A subscription sees the
/// caller only, never a database transaction.
async fn graphql_ws(
    State(h): State<Http>,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::WebSocketUpgrade,
) -> Response {
    let schema = h.schema.clone();
    let state = h.state.clone();
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            async_graphql_axum::GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload| ws_init(state, payload))
                .serve()
        })
}

async fn ws_init(
    state: AppState,
    payload: serde_json::Value,
) -> async_graphql::Result<async_graphql::Data> {
    let token = payload
        .get("token")
        .and_then(|t| t.as_str())
        .or_else(|| {
            payload
                .get("Authorization")
                .and_then(|t| t.as_str())
                .and_then(|t| t.strip_prefix("Bearer "))
        })
        .ok_or_else(|| ApiError::Unauthenticated("请先登录".into()))?;
    let (caller, session) = state.jwt.verify(token.trim())?;
    if session.must_change_password {
        return Err(ApiError::forbidden("请先修改密码").into());
    }
    let ctx = Ctx::begin(&state.db, Some(caller.clone())).await?;
    let checked = state
        .sessions
        .check(&ctx, caller.user_id, session.version)
        .await;
    ctx.finish(checked.is_ok()).await?;
    checked?;
    let mut data = async_graphql::Data::default();
    data.insert(caller);
    data.insert(state);
    Ok(data)
}

/// A generated file for its requester (`paper::download`).
async fn file_download(
    State(h): State<Http>,
    axum::extract::Path(id): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    crate::paper::download::serve(&h.state, &id, q.get("ticket").map(String::as_str)).await
}

/// GraphiQL for a browser outside production; otherwise the API is POST only.
async fn graphql_get(State(h): State<Http>, headers: HeaderMap) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if h.state.config.production || !wants_html {
        return method_not_allowed();
    }
    (
        [(header::CONTENT_SECURITY_POLICY, GRAPHIQL_CSP)],
        Html(GraphiQLSource::build().endpoint("/graphql").finish()),
    )
        .into_response()
}

async fn readyz(State(h): State<Http>) -> Response {
    if crate::ops::shutdown::draining() {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining").into_response();
    }
    if !crate::db::reachable() {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response();
    }
    let probe = h.state.db.execute_unprepared("SELECT 1");
    match tokio::time::timeout(Duration::from_secs(3), probe).await {
        Ok(Ok(_)) => "ready".into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
        Err(_) => {
            tracing::warn!("database readiness probe timed out");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// The client's address. Behind a trusted proxy (`DAOSHI_TRUST_PROXY=1`)
/// it is the rightmost `X-Forwarded-For` entry: the one our proxy appended
/// for the address it saw. Entries to its left come from the client and
/// can say anything.
fn client_ip(trust_proxy: bool, headers: &HeaderMap, peer: SocketAddr) -> std::net::IpAddr {
    if trust_proxy
        && let Some(ip) = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    peer.ip()
}

/// What a session opened with a one-time password may run.
const WHILE_PASSWORD_MUST_CHANGE: [&str; 4] = ["changePassword", "me", "logout", "__typename"];

/// The response media types of GraphQL over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    /// `application/graphql-response+json`: status codes tell request errors.
    GraphqlResponse,
    /// `application/json`: 200 for every well-formed request.
    Json,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => GRAPHQL_RESPONSE_JSON,
            Media::Json => JSON,
        }
    }
}

/// The media type to answer in: the client's most preferred one we support
/// (`*/*` and `application/*` mean `application/json`, for older clients);
/// no `Accept` means `application/graphql-response+json`; `None` when the
/// client accepts neither (406).
fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers.get(header::ACCEPT) else {
        return Some(Media::GraphqlResponse);
    };
    let accept = accept.to_str().ok()?;
    if accept.trim().is_empty() {
        return Some(Media::GraphqlResponse);
    }
    let mut offers: Vec<(f32, usize, Media)> = vec![];
    for (i, item) in accept.split(',').enumerate() {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let media = match range.as_str() {
            "application/graphql-response+json" => Media::GraphqlResponse,
            "application/json" | "application/*" | "*/*" => Media::Json,
            _ => continue,
        };
        if q > 0.0 {
            offers.push((q, i, media));
        }
    }
    offers.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    offers.first().map(|o| o.2)
}

/// A request refused before GraphQL ran: the status, and the one error.
fn refuse(media: Media, status: StatusCode, e: ApiError) -> Response {
    let err: async_graphql::Error = e.into();
    let body = serde_json::json!({ "errors": [err.into_server_error(Default::default())] });
    (
        status,
        [
            (header::CONTENT_TYPE, media.content_type()),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// The status of a response without `data`: 400 under
/// `application/graphql-response+json` unless the error says otherwise;
/// 200 under `application/json` (the request was well-formed).
fn request_error_status(media: Media, code: Option<&str>) -> StatusCode {
    match (media, code) {
        (_, Some("UNAVAILABLE")) => StatusCode::SERVICE_UNAVAILABLE,
        (Media::Json, _) => StatusCode::OK,
        (Media::GraphqlResponse, Some("UNAUTHENTICATED")) => StatusCode::UNAUTHORIZED,
        (Media::GraphqlResponse, Some("FORBIDDEN")) => StatusCode::FORBIDDEN,
        (Media::GraphqlResponse, Some("RATE_LIMITED")) => StatusCode::TOO_MANY_REQUESTS,
        (Media::GraphqlResponse, Some("INTERNAL")) => StatusCode::INTERNAL_SERVER_ERROR,
        (Media::GraphqlResponse, _) => StatusCode::BAD_REQUEST,
    }
}

/// Encodes a GraphQL response. A response without data whose errors have no
/// path is a request error (parse, validation, limits, variables): it is
/// sent without a `data` entry.
fn respond(media: Media, mut resp: async_graphql::Response) -> Response {
    ensure_codes(&mut resp.errors);
    crate::ops::metrics::graphql_response(resp.errors.first().and_then(|e| {
        match e.extensions.as_ref()?.get("code")? {
            async_graphql::Value::String(s) => Some(s.as_str()),
            _ => None,
        }
    }));
    let request_error = resp.data == async_graphql::Value::Null
        && !resp.errors.is_empty()
        && resp.errors.iter().all(|e| e.path.is_empty());
    let (status, body) = if request_error {
        let code = resp.errors[0]
            .extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .and_then(|v| match v {
                async_graphql::Value::String(s) => Some(s.as_str()),
                _ => None,
            });
        let status = request_error_status(media, code);
        let mut body = serde_json::json!({ "errors": resp.errors });
        if !resp.extensions.is_empty() {
            body["extensions"] = serde_json::json!(resp.extensions);
        }
        (status, body.to_string())
    } else {
        match serde_json::to_string(&resp) {
            Ok(s) => (StatusCode::OK, s),
            Err(e) => {
                return refuse(
                    media,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ApiError::Internal(e.into()),
                );
            }
        }
    };
    let mut out = (
        status,
        [
            (header::CONTENT_TYPE, media.content_type()),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response();
    for (name, value) in resp.http_headers.iter() {
        out.headers_mut().append(name, value.clone());
    }
    out
}

/// The accepted request encodings.
enum Encoding {
    Json,
    Multipart(String),
}

/// `application/json` (UTF-8) or `multipart/form-data` with a boundary;
/// anything else, or nothing, is refused with 415.
fn encoding(headers: &HeaderMap) -> Option<Encoding> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = ct.split(';');
    let essence = parts.next()?.trim().to_ascii_lowercase();
    let params: Vec<(String, String)> = parts
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').to_string(),
            )
        })
        .collect();
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    match essence.as_str() {
        "application/json" => match param("charset") {
            Some(c) if !c.eq_ignore_ascii_case("utf-8") => None,
            _ => Some(Encoding::Json),
        },
        "multipart/form-data" => param("boundary")
            .filter(|b| !b.is_empty() && b.len() <= 200)
            .map(|b| Encoding::Multipart(b.clone())),
        _ => None,
    }
}

/// The sizes of a multipart body's parts (each part starts with a
/// delimiter line `--boundary`; the closing delimiter ends the last one).
fn multipart_parts(body: &[u8], boundary: &str) -> Vec<usize> {
    let delimiter = format!("--{boundary}");
    let d = delimiter.as_bytes();
    if d.len() > body.len() {
        return vec![];
    }
    let starts: Vec<usize> = body
        .windows(d.len())
        .enumerate()
        .filter(|(_, w)| *w == d)
        .map(|(i, _)| i)
        .collect();
    starts.windows(2).map(|w| w[1] - w[0]).collect()
}

fn too_large(media: Media, what: String) -> Response {
    refuse(
        media,
        StatusCode::PAYLOAD_TOO_LARGE,
        ApiError::invalid("body", what),
    )
}

async fn graphql_post(
    State(h): State<Http>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return (
            StatusCode::NOT_ACCEPTABLE,
            "GraphQL responses are application/graphql-response+json or application/json",
        )
            .into_response();
    };
    let Some(encoding) = encoding(&headers) else {
        return refuse(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::invalid(
                "Content-Type",
                "请求须为 application/json 或 multipart/form-data",
            ),
        );
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let limit_msg = || format!("请求过大（最多{} MiB）", MAX_BODY_BYTES / 1024 / 1024);
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return too_large(media, limit_msg());
    }
    let timeout = Duration::from_secs(u64::from(h.state.config.request_timeout_secs));
    let work = handle(h, peer, headers, body, media, encoding, limit_msg());
    match tokio::time::timeout(timeout, work).await {
        Ok(r) => r,
        Err(_) => {
            tracing::warn!(
                secs = timeout.as_secs(),
                "request timed out; its transaction is rolled back"
            );
            refuse(
                media,
                StatusCode::SERVICE_UNAVAILABLE,
                ApiError::Unavailable("请求超时，请稍后再试".into()),
            )
        }
    }
}

async fn handle(
    h: Http,
    peer: SocketAddr,
    headers: HeaderMap,
    body: Body,
    media: Media,
    encoding: Encoding,
    limit_msg: String,
) -> Response {
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => return too_large(media, limit_msg),
    };
    let (content_type, opts) = match &encoding {
        Encoding::Json => ("application/json".to_string(), MultipartOptions::default()),
        Encoding::Multipart(boundary) => {
            // `operations`, `map` and the files.
            let parts = multipart_parts(&bytes, boundary);
            if parts.len() > MAX_FILES + 2 {
                return too_large(media, format!("一次最多上传{MAX_FILES}个文件"));
            }
            if parts.iter().any(|n| *n > MAX_PART_BYTES) {
                return too_large(media, file_msg());
            }
            (
                format!("multipart/form-data; boundary={boundary}"),
                MultipartOptions::default()
                    .max_file_size(MAX_PART_BYTES)
                    .max_num_files(MAX_FILES),
            )
        }
    };
    let parsed = async_graphql::http::receive_body(Some(content_type), bytes.as_ref(), opts).await;
    let mut req = match parsed {
        Ok(r) => r,
        Err(ParseRequestError::PayloadTooLarge) => return too_large(media, file_msg()),
        Err(e) => {
            return refuse(
                media,
                StatusCode::BAD_REQUEST,
                ApiError::invalid("body", format!("不是有效的 GraphQL 请求：{e}")),
            );
        }
    };
    let caller = match headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or(""))
    {
        None => None,
        Some(v) => match v
            .strip_prefix("Bearer ")
            .map(|t| h.state.jwt.verify(t.trim()))
        {
            Some(Ok(c)) => Some(c),
            _ => {
                let e = ApiError::Unauthenticated("登录已过期或无效，请重新登录".into());
                return refuse(media, request_error_status(media, Some(e.code())), e);
            }
        },
    };
    if h.state.config.production && !crate::authz::may_introspect(caller.as_ref().map(|(c, _)| c)) {
        req = req.disable_introspection();
    }
    // One parse of the document tells both what the operation selects and
    // whether it writes.
    let graphql::Operation {
        mutation: writes,
        root_fields: fields,
    } = graphql::operation(&req.query, req.operation_name.as_deref()).unwrap_or_default();
    if let Some((_, session)) = &caller
        && session.must_change_password
        && !fields
            .iter()
            .all(|f| WHILE_PASSWORD_MUST_CHANGE.contains(&f.as_str()))
    {
        let e = ApiError::forbidden("请先修改密码：一次性密码登录后只能设置新密码");
        return refuse(media, request_error_status(media, Some(e.code())), e);
    }
    let ip = client_ip(h.state.config.trust_proxy, &headers, peer);
    if writes && fields.iter().any(|f| f == "login") {
        // Login runs its own short transactions (no connection is held while
        // the password is checked), so it travels alone.
        if fields.iter().any(|f| f != "login" && f != "__typename") {
            let e = ApiError::invalid("query", "login 须单独发送，不能与其他字段同在一个请求中");
            return refuse(media, request_error_status(media, Some(e.code())), e);
        }
        let resp = h.schema.execute(req.data(ClientIp(ip))).await;
        return respond(media, resp);
    }
    let session = caller.as_ref().map(|(c, s)| (c.user_id, s.version));
    let caller = caller.map(|(c, _)| c);
    let begun = if writes {
        Ctx::begin_for_write(&h.state.db, caller).await
    } else {
        Ctx::begin(&h.state.db, caller).await
    };
    let ctx = match begun {
        Ok(c) => c,
        Err(e) => {
            return refuse(media, request_error_status(media, Some(e.code())), e);
        }
    };
    // A deactivated account, or a token from before a password change or
    // reset, is refused on every request (cached for a few seconds).
    if let Some((user, version)) = session
        && let Err(e) = h.state.sessions.check(&ctx, user, version).await
    {
        let _ = ctx.finish(false).await;
        return refuse(media, request_error_status(media, Some(e.code())), e);
    }
    let ctx = Arc::new(ctx);
    let resp = h
        .schema
        .execute(req.data(ctx.clone()).data(ClientIp(ip)))
        .await;
    let ok = resp.errors.is_empty();
    match Arc::try_unwrap(ctx) {
        Ok(ctx) => {
            if let Err(e) = ctx.finish(ok).await {
                return refuse(media, request_error_status(media, Some(e.code())), e);
            }
        }
        Err(_) => {
            let e = ApiError::Internal(anyhow::anyhow!("request context outlived the request"));
            return refuse(media, request_error_status(media, Some(e.code())), e);
        }
    }
    respond(media, resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: Option<&str>) -> Option<Media> {
        let mut h = HeaderMap::new();
        if let Some(v) = v {
            h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        }
        negotiate(&h)
    }

    #[test]
    fn negotiates_the_response_type() {
        assert_eq!(accept(None), Some(Media::GraphqlResponse));
        assert_eq!(accept(Some("application/json")), Some(Media::Json));
        assert_eq!(accept(Some("*/*")), Some(Media::Json));
        assert_eq!(
            accept(Some("application/graphql-response+json, application/json")),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            accept(Some(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(Media::Json)
        );
        assert_eq!(
            accept(Some(
                "application/json;q=0, application/graphql-response+json"
            )),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(accept(Some("text/html")), None);
    }

    #[test]
    fn accepts_only_json_and_multipart() {
        let ct = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_str(v).unwrap());
            encoding(&h).map(|e| matches!(e, Encoding::Json))
        };
        assert_eq!(ct("application/json"), Some(true));
        assert_eq!(ct("application/json; charset=utf-8"), Some(true));
        assert_eq!(ct("application/json; charset=latin1"), None);
        assert_eq!(ct("multipart/form-data; boundary=xyz"), Some(false));
        assert_eq!(ct("multipart/form-data"), None);
        assert_eq!(ct("text/plain"), None);
        assert_eq!(ct("application/x-www-form-urlencoded"), None);
        assert!(encoding(&HeaderMap::new()).is_none());
    }

    #[test]
    fn the_client_address_is_the_rightmost_forwarded_hop() {
        let peer: SocketAddr = "10.0.0.9:5000".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.7"),
        );
        assert_eq!(client_ip(true, &h, peer).to_string(), "203.0.113.7");
        assert_eq!(client_ip(false, &h, peer).to_string(), "10.0.0.9");
        h.append("x-forwarded-for", HeaderValue::from_static("198.51.100.2"));
        assert_eq!(client_ip(true, &h, peer).to_string(), "198.51.100.2");
        h.insert("x-forwarded-for", HeaderValue::from_static("not an ip"));
        assert_eq!(client_ip(true, &h, peer).to_string(), "10.0.0.9");
    }

    #[test]
    fn counts_multipart_parts() {
        let body = b"--b\r\nx\r\n--b\r\nyy\r\n--b\r\nz\r\n--b--\r\n";
        assert_eq!(multipart_parts(body, "b"), vec![8, 9, 8]);
        assert!(multipart_parts(b"", "b").is_empty());
    }
}
