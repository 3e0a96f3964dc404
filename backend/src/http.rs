//! The HTTP surface: `/graphql` (POST; GraphiQL on GET outside production),
//! `/healthz`, `/readyz`, and the built frontend with client-side routing.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sea_orm::ConnectionTrait;
use shared::org::Role;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::error::ApiError;
use crate::graphql::{self, ClientIp, DaoshiSchema};
use crate::state::AppState;
use crate::tenancy::Ctx;

/// Largest request body (roster uploads up to 10 MiB plus multipart overhead).
pub const MAX_BODY_BYTES: usize = 12 * 1024 * 1024;

#[derive(Clone)]
struct Http {
    state: AppState,
    schema: DaoshiSchema,
}

/// Builds the router.
pub fn router(state: AppState) -> Router {
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
        .route("/graphql", get(graphiql).post(graphql_post))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(Http { state, schema })
        .merge(static_files)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CompressionLayer::new())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
}

async fn graphiql(State(h): State<Http>) -> Response {
    if h.state.config.production {
        return StatusCode::NOT_FOUND.into_response();
    }
    Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response()
}

async fn readyz(State(h): State<Http>) -> Response {
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

fn error_response(e: ApiError) -> Response {
    let err: async_graphql::Error = e.into();
    let resp =
        async_graphql::Response::from_errors(vec![err.into_server_error(Default::default())]);
    GraphQLResponse::from(resp).into_response()
}

fn client_ip(h: &Http, headers: &HeaderMap, peer: SocketAddr) -> std::net::IpAddr {
    if h.state.config.trust_proxy
        && let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    peer.ip()
}

async fn graphql_post(
    State(h): State<Http>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    req: GraphQLRequest,
) -> Response {
    let mut req = req.into_inner();
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
                return error_response(ApiError::Unauthenticated(
                    "登录已过期或无效，请重新登录".into(),
                ));
            }
        },
    };
    if let Err(m) = graphql::check_aliases(&req.query, graphql::MAX_ALIASES) {
        return error_response(ApiError::invalid("query", m));
    }
    let admin = caller
        .as_ref()
        .is_some_and(|c| c.has(Role::SchoolAdmin) || c.has(Role::DistrictAdmin));
    if h.state.config.production && !admin {
        req = req.disable_introspection();
    }
    let writes = graphql::is_mutation(&req.query, req.operation_name.as_deref());
    let begun = if writes {
        Ctx::begin_for_write(&h.state.db, caller).await
    } else {
        Ctx::begin(&h.state.db, caller).await
    };
    let ctx = match begun {
        Ok(c) => Arc::new(c),
        Err(e) => return error_response(e),
    };
    let ip = client_ip(&h, &headers, peer);
    let resp = h
        .schema
        .execute(req.data(ctx.clone()).data(ClientIp(ip)))
        .await;
    let ok = resp.errors.is_empty();
    match Arc::try_unwrap(ctx) {
        Ok(ctx) => {
            if let Err(e) = ctx.finish(ok).await {
                return error_response(e);
            }
        }
        Err(_) => {
            return error_response(ApiError::Internal(anyhow::anyhow!(
                "request context outlived the request"
            )));
        }
    }
    GraphQLResponse::from(resp).into_response()
}
