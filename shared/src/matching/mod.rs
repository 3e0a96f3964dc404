//! Matching mentors and students (导师匹配): the pure engines behind every
//! method in the plans (`DOMAIN.md`, "Matching mentors and students").
//!
//! # Pipeline
//! An [`Instance`] (the JSON of `daoshi match`) is validated and compiled once
//! into a dense [`Problem`] (string ids become `u32` indices, lists become flat
//! CSR arrays). An [`Engine`] then runs the stages of the chosen [`Method`]:
//!
//! | method        | stages, in order                                      |
//! |---------------|-------------------------------------------------------|
//! | `two_way`     | continuity → preference (deferred acceptance) → fill  |
//! | `club`        | continuity → club (deferred acceptance) → fill        |
//! | `blind_box`   | continuity → lottery (seeded random draw) → fill      |
//!
//! [`report`] turns the outcome into assignments with a one-line Chinese
//! explanation, the unplaced students with the reason, and summary statistics.
//! [`run_instance_json`] does all of it for the offline matcher.
//!
//! # Eligibility
//! Student `s` may be placed with mentor `m` only if `m` is qualified, `m`
//! teaches `s`'s grade (a mentor with no `grades` listed may take any grade),
//! `m` has capacity, and `s` has not excluded `m`. Every stage respects it.
//!
//! # Preference stage (双向选择)
//! Student-proposing deferred acceptance with capacities (strategy-proof for
//! students). A mentor ranks the students on their own `prefs` list first, in
//! that order, then everyone else; ties are broken by a single seeded lottery
//! number per student. Mentors never refuse an eligible student while they
//! have room. The result has no blocking pair: no student prefers an eligible
//! mentor who has a free place or holds a student ranked below them.
//!
//! # Fill (统筹安排) — the objective
//! Students still unplaced after the earlier stages are placed so that, in
//! lexicographic order:
//! 1. **the number of students placed is maximal** (exact: augmenting paths
//!    over the eligibility graph, i.e. a maximum flow; continuity and manual
//!    pairs stay fixed). If every student can be placed, every student is.
//! 2. **choice placements stay untouched whenever (1) allows it**: a first
//!    phase may only move students the fill itself placed; only if students
//!    are still unplaced after it does a second phase move students placed by
//!    preference/club/lottery (each move is a shortest augmenting path, and
//!    the moved student's explanation says so). With the preference stage
//!    untouched, the number of students placed outside their lists is the
//!    minimum over all stable outcomes (every stable matching places the same
//!    students on listed mentors — the "rural hospitals" theorem).
//! 3. **each placement prefers** a mentor from the student's own list with a
//!    free place, then a mentor who teaches the student's class, then the
//!    least-loaded eligible mentor (greedy; a student placed outside their
//!    class's teachers only when all of those eligible are full).
//!
//! Students that cannot be placed are reported with the reason, e.g.
//! "7年级还缺3个导师名额" (grade 7 needs 3 more mentor places).
//!
//! # What this module never does
//! It never ranks students by scores. Every "rank" here is a position in a
//! preference list (志愿), nothing else.
//!
//! Everything is deterministic given the seed (ChaCha8), single-threaded and
//! I/O-free, so it runs the same on the server and in the browser (wasm32).

mod engine;
mod instance;
mod problem;
pub mod report;

pub use engine::{Engine, Moved, Outcome, UnplacedReason};
pub use instance::{
    ClubIn, EntryKind, Instance, InstanceError, KeepIn, MAX_CAPACITY, MAX_GRADE, MentorIn,
    StudentIn, validate,
};
pub use problem::Problem;
pub use report::{AssignmentOut, LoadStats, MatchOutput, MentorLoad, Shortage, Stats, UnplacedOut};

use serde::{Deserialize, Serialize};

/// How a matching round assigns mentors (the plans' methods).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// 双向选择: students rank mentors, mentors may rank students.
    #[default]
    TwoWay,
    /// 教学载体: first within clubs led by a mentor, then the rest by class.
    Club,
    /// 导师盲盒: seeded random draw within eligibility and caps.
    BlindBox,
}

impl Method {
    /// The stable code used in JSON and the database.
    pub fn code(self) -> &'static str {
        match self {
            Method::TwoWay => "two_way",
            Method::Club => "club",
            Method::BlindBox => "blind_box",
        }
    }

    /// The method's name in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            Method::TwoWay => "双向选择",
            Method::Club => "社团/教学载体匹配",
            Method::BlindBox => "导师盲盒",
        }
    }
}

/// The stage that produced an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Kept from the previous term because both sides asked to (延续结对).
    Continuity,
    /// Deferred acceptance over the students' ranked choices (志愿).
    Preference,
    /// Deferred acceptance within the student's clubs (社团).
    Club,
    /// Drawn at random (导师盲盒).
    Lottery,
    /// Placed by the school's full-coverage fill (统筹安排).
    Fill,
    /// Changed by hand by the school admin, with a reason (人工调整).
    Manual,
}

impl Stage {
    /// The stable code used in JSON and the database.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Continuity => "continuity",
            Stage::Preference => "preference",
            Stage::Club => "club",
            Stage::Lottery => "lottery",
            Stage::Fill => "fill",
            Stage::Manual => "manual",
        }
    }

    /// The stage's name in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::Continuity => "延续结对",
            Stage::Preference => "志愿匹配",
            Stage::Club => "社团匹配",
            Stage::Lottery => "导师盲盒",
            Stage::Fill => "统筹安排",
            Stage::Manual => "人工调整",
        }
    }
}

/// Parses an instance, runs its method and returns the result as pretty JSON
/// (`{"assignments": [...], "unplaced": [...], "stats": {...}}`).
///
/// This is all the offline matcher (`daoshi match`) needs: any error names the
/// offending entry, in Chinese and English.
pub fn run_instance_json(input: &str) -> Result<String, InstanceError> {
    let out = run_instance_str(input)?;
    Ok(serde_json::to_string_pretty(&out).expect("match output serialises"))
}

/// Parses an instance and runs its method, returning the typed output.
pub fn run_instance_str(input: &str) -> Result<MatchOutput, InstanceError> {
    let instance = Instance::from_json(input)?;
    run_instance(&instance)
}

/// Validates an instance, runs its method and builds the report.
pub fn run_instance(instance: &Instance) -> Result<MatchOutput, InstanceError> {
    let problem = instance.compile()?;
    let outcome = Engine::run(&problem, instance.method, instance.seed);
    Ok(report::build(&problem, &outcome))
}
