//! Schema assembly: merged roots of every capability, and the limits on
//! depth, complexity and aliases.

mod limits;

use std::net::IpAddr;
use std::sync::Arc;

use async_graphql::{Context, EmptySubscription, MergedObject, Schema};

use crate::auth::graphql::{AuthMutation, AuthQuery};
use crate::error::ApiError;
use crate::matching::graphql::{MatchingMutation, MatchingQuery};
use crate::mentoring::graphql::{MentoringMutation, MentoringQuery};
use crate::org::graphql::{OrgMutation, OrgQuery};
use crate::policy::graphql::{PolicyMutation, PolicyQuery};
use crate::state::AppState;
use crate::tenancy::Ctx;

pub use limits::{check_aliases, is_mutation};

/// The root query: one part per capability.
#[derive(MergedObject, Default)]
pub struct Query(
    AuthQuery,
    OrgQuery,
    PolicyQuery,
    MatchingQuery,
    MentoringQuery,
);

/// The root mutation: one part per capability.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    OrgMutation,
    PolicyMutation,
    MatchingMutation,
    MentoringMutation,
);

/// The schema type.
pub type DaoshiSchema = Schema<Query, Mutation, EmptySubscription>;

/// Deepest query accepted.
pub const MAX_DEPTH: usize = 12;
/// Highest complexity accepted.
pub const MAX_COMPLEXITY: usize = 2_000;
/// Most aliases in one document.
pub const MAX_ALIASES: usize = 30;

/// The client's address, for login rate limits.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// Builds the schema; `state` is absent only when printing the SDL.
pub fn build(state: Option<AppState>) -> DaoshiSchema {
    let mut b = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(32)
        .limit_directives(10)
        .extension(crate::validate::InputGuard);
    if let Some(s) = state {
        b = b.data(s);
    }
    b.finish()
}

/// The schema in SDL, as checked in at `backend/schema.graphql`.
pub fn sdl() -> String {
    build(None).sdl()
}

/// The request context of a resolver.
pub fn ctx_of<'a>(cx: &Context<'a>) -> Result<&'a Ctx, ApiError> {
    cx.data::<Arc<Ctx>>()
        .map(|c| c.as_ref())
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("request context missing")))
}

/// The application state of a resolver.
pub fn state_of<'a>(cx: &Context<'a>) -> Result<&'a AppState, ApiError> {
    cx.data::<AppState>()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("state missing")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn checked_in_schema_is_fresh() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            on_disk == super::sdl(),
            "backend/schema.graphql is stale: run `cargo run -p backend -- schema --write`"
        );
    }

    #[test]
    fn no_field_or_argument_exposes_a_rank() {
        let sdl = super::sdl().to_lowercase();
        for word in ["rank:", "ranking", "position:", "placeinclass"] {
            assert!(!sdl.contains(word), "schema mentions {word}");
        }
    }
}
