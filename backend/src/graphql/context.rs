//! What every resolver needs from the request, and the conversions between
//! GraphQL ids and `Uuid`s. A leaf of the GraphQL layer: capabilities'
//! resolvers import this module, never the schema root (`graphql/mod.rs`),
//! which imports them.

use std::net::IpAddr;
use std::sync::Arc;

use async_graphql::{Context, ID};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tenancy::Ctx;

/// The result type of every resolver.
pub type GqlResult<T> = async_graphql::Result<T>;

/// The client's address, for login rate limits.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// The request context of a resolver.
pub fn ctx_of<'a>(cx: &Context<'a>) -> ApiResult<&'a Ctx> {
    cx.data::<Arc<Ctx>>()
        .map(|c| c.as_ref())
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("request context missing")))
}

/// The application state of a resolver.
pub fn state_of<'a>(cx: &Context<'a>) -> ApiResult<&'a AppState> {
    cx.data::<AppState>()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("state missing")))
}

/// A `Uuid` as a GraphQL id.
pub fn id(u: Uuid) -> ID {
    ID(u.to_string())
}

pub use crate::tenancy::parse_id;

/// Parses an optional id.
pub fn opt_id(v: Option<ID>, what: &str) -> ApiResult<Option<Uuid>> {
    v.map(|x| parse_id(&x, what)).transpose()
}

/// Parses a list of ids; any malformed one fails the whole list.
pub fn ids(list: &[ID], what: &str) -> ApiResult<Vec<Uuid>> {
    list.iter().map(|i| parse_id(i, what)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_malformed_ids_are_not_found() {
        let u = Uuid::new_v4();
        assert_eq!(parse_id(&id(u), "学生").ok(), Some(u));
        let err = parse_id("not-a-uuid", "学生").err().map(|e| e.code());
        assert_eq!(err, Some("NOT_FOUND"));
        assert_eq!(opt_id(None, "学生").ok(), Some(None));
        assert!(ids(&[id(u), ID("x".into())], "学生").is_err());
    }
}
