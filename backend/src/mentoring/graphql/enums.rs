//! Mentoring's GraphQL enums: mirrors of the services' enums (`remote`
//! derives convert both ways), so services carry no GraphQL.

use async_graphql::Enum;

use crate::mentoring::{growth_file, messages};

/// Where a growth message is in its lifecycle.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "messages::GrowthMessageStatus")]
pub enum GrowthMessageStatus {
    /// 草稿: only the mentor (and head teacher) see it.
    Draft,
    /// 已提交: waiting for review or publication.
    Submitted,
    /// 已审阅: reviewed by the head teacher or grade leader.
    Reviewed,
    /// 已发布: the student and the parents see it.
    Published,
}

/// A section of the growth file.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "growth_file::GrowthSection")]
pub enum GrowthSection {
    /// 家庭与社会情况 (structure, single-parent, left-behind …).
    Family,
    /// 性格.
    Personality,
    /// 习惯与品行.
    Habits,
    /// 兴趣爱好.
    Interests,
    /// 心理、身体与健康状况.
    Health,
    /// 月度表现 (with a month).
    Monthly,
}
