//! Matching mentors and students (导师匹配) in a school: rounds per term and
//! grade (choices → preview → manual adjustment → publication), mid-year
//! changes (动态调整), the self-selection rush (学生线上自主选择) and
//! special-needs mentor teams (导师团). The engines themselves are pure and
//! live in `shared::matching`; this module feeds them from the database and
//! writes the published pairs to `mentor_assignments`.

pub mod choices;
pub mod demo;
pub mod entities;
pub mod graphql;
pub mod preview;
pub mod publish;
pub mod rounds;
pub mod rush;
pub mod teams;
