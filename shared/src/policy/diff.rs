//! What changes between two versions of a policy, for the "what changes" view.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One difference between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Dotted path, same convention as [`Violation::path`].
    pub path: String,
    /// The old value (absent if added).
    pub before: Option<Value>,
    /// The new value (absent if removed).
    pub after: Option<Value>,
}

/// What changes from `old` to `new` (rules and version information), sorted
/// by path (object keys in alphabetical order, list items by index). Lists of plain values (grades, roles, triggers) are compared
/// as a whole; lists of objects (matching rules, menu items, bands) item by
/// item.
pub fn diff<T: Serialize>(old: &T, new: &T) -> Vec<Change> {
    let a = serde_json::to_value(old).unwrap_or(Value::Null);
    let b = serde_json::to_value(new).unwrap_or(Value::Null);
    let mut out = Vec::new();
    diff_value("", Some(&a), Some(&b), &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn is_object_list(v: &Value) -> bool {
    matches!(v, Value::Array(items) if items.iter().any(|x| x.is_object() || x.is_array()))
}

fn diff_value(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Change>) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            for (k, va) in x {
                diff_value(&join(path, k), Some(va), y.get(k), out);
            }
            for (k, vb) in y {
                if !x.contains_key(k) {
                    diff_value(&join(path, k), None, Some(vb), out);
                }
            }
        }
        (Some(x @ Value::Array(xa)), Some(y @ Value::Array(ya)))
            if is_object_list(x) || is_object_list(y) =>
        {
            for i in 0..xa.len().max(ya.len()) {
                diff_value(&join(path, &i.to_string()), xa.get(i), ya.get(i), out);
            }
        }
        (x, y) => {
            if x != y {
                out.push(Change {
                    path: path.to_owned(),
                    before: x.cloned(),
                    after: y.cloned(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::policy::presets;

    #[test]
    fn diff_paths() {
        let a =
            presets::school_pian5_yingyuan("2025-1", NaiveDate::from_ymd_opt(2025, 9, 1).unwrap());
        let mut b = a.clone();
        b.rules.ratio.per_grade.insert(7, 15);
        b.rules.scope.stages[0].grades.retain(|g| *g != 9);
        b.rules.tasks.optional_actions.menu.pop();
        let c = diff(&a.rules, &b.rules);
        let paths: Vec<&str> = c.iter().map(|c| c.path.as_str()).collect();
        assert!(paths.contains(&"ratio.per_grade.7"), "{paths:?}");
        assert!(paths.contains(&"scope.stages.0.grades"), "{paths:?}");
        assert!(
            paths.contains(&"tasks.optional_actions.menu.9"),
            "{paths:?}"
        );
        let r = c.iter().find(|c| c.path == "ratio.per_grade.7").unwrap();
        assert_eq!(r.before, Some(Value::from(16)));
        assert_eq!(r.after, Some(Value::from(15)));
        assert!(diff(&a, &a).is_empty());
    }
}
