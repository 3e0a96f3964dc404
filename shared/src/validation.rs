//! A problem found by validating domain data (a policy, a band scale, a
//! school-year calendar): where it is and what is wrong, in Chinese and
//! English. Every validator of the domain returns all its problems as a list
//! of [`Violation`]s, so a form can show each next to its field.

use serde::{Deserialize, Serialize};

/// One problem found by validation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Violation {
    /// Where: a dotted path into the validated value, following its JSON
    /// field names (e.g. `"ratio.per_grade.7"` in a policy's rules, or
    /// `"meta.version"`).
    pub path: String,
    /// What is wrong, in Chinese (shown to users).
    pub message_zh: String,
    /// What is wrong, in English.
    pub message_en: String,
}

impl Violation {
    /// Builds a violation.
    pub fn new(path: String, message_zh: String, message_en: String) -> Violation {
        Violation {
            path,
            message_zh,
            message_en,
        }
    }
}
