//! Authentication: passwords, access tokens, rotating refresh tokens, login
//! rate limits, and the `login` / `refresh` / `logout` / `me` operations.

pub mod accounts;
pub mod bulk;
pub mod entities;
pub mod graphql;
pub mod jwt;
pub mod lifecycle;
pub mod password;
pub mod ratelimit;
pub mod service;
pub mod sessions;
pub mod tokens;
