//! Schema assembly: merged roots of every capability, and the limits on
//! depth, complexity and aliases.

pub mod context;
mod limits;

use async_graphql::{MergedObject, Schema};

use crate::auth::graphql::{AuthMutation, AuthQuery};
use crate::care::graphql::{CareMutation, CareQuery, CareSubscription};
use crate::insights::graphql::{InsightsMutation, InsightsQuery};
use crate::lifecycle::graphql::{LifecycleMutation, LifecycleQuery};
use crate::lifecycle::reviews_graphql::{ReviewMutation, ReviewQuery};
use crate::lifecycle::training_graphql::{TrainingMutation, TrainingQuery};
use crate::matching::graphql::{MatchingMutation, MatchingQuery};
use crate::mentoring::graphql::{MentoringMutation, MentoringQuery};
use crate::notify::graphql::{NotifyMutation, NotifyQuery};
use crate::org::graphql::{OrgMutation, OrgQuery};
use crate::paper::graphql::{PaperMutation, PaperQuery};
use crate::policy::graphql::{PolicyMutation, PolicyQuery};
use crate::state::AppState;
use crate::surveys::graphql::{SurveyMutation, SurveyQuery};

pub use context::ClientIp;
pub use limits::{Operation, operation};

/// The root query: one part per capability.
#[derive(MergedObject, Default)]
pub struct Query(
    AuthQuery,
    OrgQuery,
    PolicyQuery,
    MatchingQuery,
    MentoringQuery,
    LifecycleQuery,
    SurveyQuery,
    CareQuery,
    NotifyQuery,
    ReviewQuery,
    TrainingQuery,
    InsightsQuery,
    PaperQuery,
);

/// The root mutation: one part per capability.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    OrgMutation,
    PolicyMutation,
    MatchingMutation,
    MentoringMutation,
    LifecycleMutation,
    SurveyMutation,
    CareMutation,
    NotifyMutation,
    ReviewMutation,
    TrainingMutation,
    InsightsMutation,
    PaperMutation,
);

/// The root subscription (live events over WebSocket).
pub type Subscription = CareSubscription;

/// The schema type.
pub type DaoshiSchema = Schema<Query, Mutation, Subscription>;

/// Deepest query accepted.
pub const MAX_DEPTH: usize = 12;
/// Most fields in one operation (async-graphql's complexity: every field 1).
pub const MAX_COMPLEXITY: usize = 2_000;
/// Most aliases in one document, fragments counted where they are spread.
pub const MAX_ALIASES: usize = 30;
/// Highest cost of one operation: every field 1, and the `edges`/`nodes`
/// of a connection count once per item of the page it asks for (`first`,
/// default 50, at most 200). A page of 200 students with a dozen fields
/// costs about 3,000.
pub const MAX_COST: usize = 10_000;

/// Builds the schema; `state` is absent only when printing the SDL.
pub fn build(state: Option<AppState>) -> DaoshiSchema {
    let mut b = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_recursive_depth(32)
    .limit_directives(10)
    .disable_suggestions()
    .extension(limits::CostLimits {
        max_aliases: MAX_ALIASES,
        max_cost: MAX_COST,
    })
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
