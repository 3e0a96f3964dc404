//! Typed ids: one newtype per kind of record, so a student's id cannot be
//! passed where a staff member's is expected. Each wraps a [`Uuid`], is
//! `Copy`, serializes as the bare UUID string (`#[serde(transparent)]`),
//! displays and parses as the hyphenated UUID, and converts to and from
//! [`Uuid`] with `From` (and, through `Display`, to a GraphQL `ID` in the
//! backend). Nothing here generates ids (the server does), so the
//! wasm build needs no random source.
//!
//! ```
//! use shared::ids::StudentId;
//! use shared::ids::Uuid;
//!
//! let raw = Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8);
//! let id = StudentId::from(raw);
//! assert_eq!(id.to_string(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
//! assert_eq!(serde_json::to_string(&id).unwrap(), "\"67e55044-10b1-426f-9247-bb680e5fe0c8\"");
//! assert_eq!(id.to_string().parse::<StudentId>().unwrap(), id);
//! assert_eq!(Uuid::from(id), raw);
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
pub use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID.
            pub const fn new(id: Uuid) -> Self {
                Self(id)
            }

            /// The UUID inside.
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }

            /// The UUID inside, by value.
            pub const fn into_uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type! {
    /// A district (区), the tenant.
    DistrictId
}
id_type! {
    /// A school of a district.
    SchoolId
}
id_type! {
    /// A term (学期) of a school year.
    TermId
}
id_type! {
    /// A class (班级) of a school.
    ClassId
}
id_type! {
    /// A staff member of a school (a teacher, mentor or head teacher).
    StaffId
}
id_type! {
    /// A student.
    StudentId
}
id_type! {
    /// A guardian (家长) of one or more students.
    GuardianId
}
id_type! {
    /// A user account (login), whatever its roles.
    UserId
}
id_type! {
    /// A matching round (师生双选 round) of a school.
    RoundId
}
id_type! {
    /// A recorded activity (talk, home visit, contact, …).
    ActivityId
}
id_type! {
    /// A saved version of a district baseline or a school policy.
    PolicyVersionId
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const RAW: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";

    #[test]
    fn serde_is_the_bare_uuid() {
        let id: SchoolId = RAW.parse().unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{RAW}\""));
        let back: SchoolId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        // Inside a struct, too: no wrapper object.
        let v = serde_json::to_value(vec![id]).unwrap();
        assert_eq!(v, serde_json::json!([RAW]));
    }

    #[test]
    fn display_parse_and_uuid_round_trip() {
        let u = Uuid::parse_str(RAW).unwrap();
        let id = StaffId::from(u);
        assert_eq!(id.to_string(), RAW);
        assert_eq!(RAW.parse::<StaffId>().unwrap(), id);
        assert_eq!(Uuid::from(id), u);
        assert_eq!(*id.as_uuid(), u);
        assert_eq!(id.into_uuid(), u);
        assert_eq!(StaffId::new(u), id);
        // Upper case and simple forms parse to the same id.
        assert_eq!(RAW.to_uppercase().parse::<StaffId>().unwrap(), id);
        assert_eq!(RAW.replace('-', "").parse::<StaffId>().unwrap(), id);
    }

    #[test]
    fn bad_input_is_an_error() {
        for bad in [
            "",
            "not-a-uuid",
            "67e55044-10b1-426f-9247",
            "67e55044-10b1-426f-9247-bb680e5fe0cZ",
        ] {
            assert!(bad.parse::<StudentId>().is_err(), "{bad:?}");
            assert!(
                serde_json::from_str::<StudentId>(&format!("\"{bad}\"")).is_err(),
                "{bad:?}"
            );
        }
        assert!(serde_json::from_str::<StudentId>("42").is_err());
    }

    #[test]
    fn ids_order_like_their_uuids() {
        let a = UserId::from(Uuid::from_u128(1));
        let b = UserId::from(Uuid::from_u128(2));
        assert!(a < b);
        let set: BTreeSet<UserId> = [b, a, b].into_iter().collect();
        assert_eq!(set.into_iter().collect::<Vec<_>>(), vec![a, b]);
    }

    #[cfg(feature = "graphql")]
    #[test]
    fn graphql_id_is_the_uuid_string() {
        let id: ClassId = RAW.parse().unwrap();
        assert_eq!(async_graphql::ID::from(id).0, RAW);
    }
}
