//! Sign-in, tokens and the caller (`graphql/auth.graphql`).

use super::*;

operations! {
    "graphql/auth.graphql",
    ("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    /// Sign in.
    Login;
    /// Exchange a refresh token for a new pair.
    Refresh;
    /// Revoke a refresh token.
    Logout;
    /// Who am I.
    Me;
}
