//! Mentoring work: activities (the three tasks and more), growth messages
//! (成长寄语). The tables are shared with the task engine, which reads them.

pub mod entities;
