//! The matching capability's GraphQL enums: mirrors of the services' enums
//! (`remote` derives convert both ways), so services carry no GraphQL.

use async_graphql::Enum;

use crate::matching::rounds;

/// How a round assigns mentors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "rounds::RoundMethod")]
pub enum RoundMethod {
    /// 双向选择: students rank mentors, mentors may rank students.
    TwoWay,
    /// 导师盲盒: a seeded random draw within eligibility and caps.
    BlindBox,
    /// 学生线上自主选择: first come, first served within quotas.
    SelfSelection,
}

/// Where a round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "rounds::RoundStatus")]
pub enum RoundStatus {
    /// Collecting choices (or selections, in a rush).
    Open,
    /// A preview exists; the admin may adjust and publish.
    Previewed,
    /// Published: the pairs are in force.
    Published,
}
