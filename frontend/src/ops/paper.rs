//! Files and awards (`graphql/paper.graphql`): asking for an export or a
//! printable letter and following its progress, the task completion page,
//! 优秀导师.

use super::*;

wire_enum!(
    /// GraphQL `PaperKind` (`TASK_COMPLETION`, `GROWTH_LETTER`, …).
    PaperKind
);

operations! {
    "graphql/paper.graphql",
    ("PaperKind"),
    /// Asks for a file.
    RequestPaper;
    /// A file's progress and link.
    PaperFileStatus;
    /// Task completion per class and per mentor.
    TaskCompletionPage;
    /// The school's awards of a term.
    SchoolAwards;
    /// Nominates a mentor.
    NominateAward;
    /// Withdraws a nomination.
    WithdrawAward;
    /// Publishes the list.
    PublishAwards;
    /// The mentor's own awards.
    MyAwards;
    /// Award counts per school (district).
    DistrictAwardCounts;
}
