//! Sign-in, tokens, the caller and the account lifecycle (`graphql/auth.graphql`).

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
    /// Change one's own password (opens a fresh session).
    ChangePassword;
    /// The school's accounts (school admin).
    SchoolAccounts;
    /// Reset an account to a one-time password.
    ResetPassword;
    /// Deactivate an account.
    DeactivateAccount;
    /// Reactivate an account.
    ReactivateAccount;
}
