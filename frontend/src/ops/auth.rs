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
    /// The school's accounts with their role grants (school admin).
    SchoolAccountRoles;
    /// Logins with one-time passwords for the staff or a class's guardians.
    CreateAccountsInBulk;
    /// Grant a role to an account.
    GrantRole;
    /// Revoke a role grant.
    RevokeRole;
}
