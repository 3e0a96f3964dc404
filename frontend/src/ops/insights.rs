//! Dashboards and plan reviews (`graphql/insights.graphql`).

use super::*;

wire_enum!(
    /// GraphQL `PlanStatus` (`NO_PLAN`, `PENDING`, `REVIEWED`, `RETURNED`).
    PlanStatus
);
wire_enum!(
    /// GraphQL `PlanDecision` (`REVIEWED`, `RETURNED`).
    PlanDecision
);

operations! {
    "graphql/insights.graphql",
    (
        "SchoolStage",
        "RequirementKind",
        "PlanStatus",
        "PlanDecision"
    ),
    /// The school dashboard (admin: the school; grade leader: their grades).
    SchoolDashboardPage;
    /// Recomputes today's indicators of the own school.
    RecomputeSchoolInsights;
    /// The district dashboard (aggregates only).
    DistrictDashboardPage;
    /// One school's per-grade summary for the district.
    DistrictSchoolSummaryPage;
    /// Filed school plans (备案).
    PlanFilings;
    /// The district's review of a school plan.
    ReviewSchoolPlan;
}
