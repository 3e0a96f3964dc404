//! What belongs to each district, read from the database as the owner, so a
//! response to one district's account can be searched for the other's data.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use serde_json::Value;

use super::{strings, uuids_in};
use crate::TestServer;

/// Tables with a `district_id` column whose ids must never cross districts.
const TABLES: &[&str] = &[
    "schools",
    "terms",
    "classes",
    "staff",
    "teaching",
    "students",
    "guardians",
    "mentor_assignments",
    "users",
    "role_grants",
    "matching_rounds",
    "mentor_team_applications",
    "activities",
    "activity_amendments",
    "growth_messages",
    "growth_file_notes",
    "exam_results",
    "talk_requests",
    "policy_versions",
    "calendar_events",
    "audit_log",
];

/// Names and phone numbers (`table.column`) that identify a district's people
/// and schools.
const NAMES: &[(&str, &str)] = &[
    ("schools", "name"),
    ("staff", "name"),
    ("staff", "phone"),
    ("students", "name"),
    ("guardians", "name"),
    ("guardians", "phone"),
    ("users", "username"),
    ("users", "display_name"),
];

/// One district's ids and identifying strings.
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    /// Row ids (lower-case canonical UUIDs).
    pub ids: BTreeSet<String>,
    /// Names, usernames, phone numbers, the district's own name.
    pub names: BTreeSet<String>,
}

impl Secrets {
    /// What of `self` may not appear in a response to the other district:
    /// everything except names the other district also has (two schools
    /// may both have a 王子涵).
    pub fn forbidden_for(&self, other: &Secrets) -> Secrets {
        Secrets {
            ids: self.ids.clone(),
            names: self.names.difference(&other.names).cloned().collect(),
        }
    }

    /// The strings of a response that belong to this district: exact names,
    /// exact ids, ids inside longer strings (error messages).
    pub fn leaks(&self, body: &Value) -> Vec<String> {
        let mut all = vec![];
        strings(body, &mut all);
        let mut out = vec![];
        for s in all {
            if self.names.contains(&s) || self.ids.contains(&s.to_lowercase()) {
                out.push(s);
            } else {
                out.extend(uuids_in(&s).into_iter().filter(|u| self.ids.contains(u)));
            }
        }
        out
    }
}

/// Every district's secrets by district name (read as the database owner).
pub fn district_secrets(s: &TestServer) -> Result<BTreeMap<String, Secrets>> {
    let rows = s.sql(&format!("SELECT {}, name FROM districts", s.uuid_col("id")))?;
    let mut out = BTreeMap::new();
    for row in rows.lines() {
        let Some((id, name)) = row.split_once('|') else {
            continue;
        };
        let mut sec = Secrets::default();
        sec.ids.insert(id.to_lowercase());
        sec.names.insert(name.to_string());
        let lit = s.uuid_lit(id);
        for t in TABLES {
            // A table without the column (or not there yet) is skipped.
            if let Ok(ids) = s.sql(&format!(
                "SELECT {} FROM {t} WHERE district_id = {lit}",
                s.uuid_col("id")
            )) {
                sec.ids.extend(ids.lines().map(|l| l.trim().to_lowercase()));
            }
        }
        for (t, c) in NAMES {
            if let Ok(names) = s.sql(&format!(
                "SELECT {c} FROM {t} WHERE district_id = {lit} AND {c} IS NOT NULL"
            )) {
                sec.names.extend(
                    names
                        .lines()
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(String::from),
                );
            }
        }
        sec.ids.retain(|i| !i.is_empty());
        out.insert(name.to_string(), sec);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leaks_are_found_in_values_and_messages() {
        let id = "0b7d3c6e-8f0a-4c1e-9d2b-3a4f5e6d7c8b";
        let theirs = Secrets {
            ids: [id.to_string()].into(),
            names: ["远方区".to_string(), "王子涵".to_string()].into(),
        };
        let ours = Secrets {
            ids: BTreeSet::new(),
            names: ["王子涵".to_string()].into(),
        };
        let f = theirs.forbidden_for(&ours);
        assert!(
            f.leaks(&json!({"data": {"x": [{"name": "王子涵"}]}}))
                .is_empty()
        );
        assert_eq!(f.leaks(&json!({"data": {"d": "远方区"}})), vec!["远方区"]);
        assert_eq!(
            f.leaks(&json!({"errors": [{"message": format!("no {id}")}]})),
            vec![id]
        );
        assert_eq!(
            f.leaks(&json!({"data": {"id": id.to_uppercase()}})).len(),
            1
        );
    }
}
