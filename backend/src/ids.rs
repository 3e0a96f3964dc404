//! Ids in services' plain inputs. A client sends an id as text; the GraphQL
//! layer parses it into an [`IdArg`], and the service raises a malformed one
//! (`NOT_FOUND`, like [`crate::tenancy::parse_id`]) at the point where it
//! checks the reference, after the input's field validation — so a client
//! sees the same error whichever layer parsed the text.

use uuid::Uuid;

use crate::error::ApiError;

/// An id that was not a UUID, with what it was meant to name (e.g. "班级").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedId(pub &'static str);

impl From<MalformedId> for ApiError {
    fn from(m: MalformedId) -> Self {
        ApiError::not_found(m.0)
    }
}

/// An id of a plain input: a `Uuid`, or the fact that the text was none.
pub type IdArg = Result<Uuid, MalformedId>;

/// Parses an id's text (`what` names it in the error).
pub fn id_arg(text: &str, what: &'static str) -> IdArg {
    Uuid::parse_str(text).map_err(|_| MalformedId(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_id_is_the_same_error_as_parse_id() {
        let u = Uuid::new_v4();
        assert_eq!(id_arg(&u.to_string(), "班级"), Ok(u));
        let late = ApiError::from(id_arg("x", "班级").unwrap_err());
        let early = crate::tenancy::parse_id("x", "班级").unwrap_err();
        assert_eq!(late.code(), early.code());
        assert_eq!(late.message(), early.message());
    }
}
