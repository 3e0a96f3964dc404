//! The API's error type and its mapping to what the client sees.
//!
//! Every error carries `extensions.code`; internal detail goes to the log,
//! never to the client. Messages are in Chinese (the users' language); the
//! frontend may translate by code.

use async_graphql::ErrorExtensions;
use serde::Serialize;

/// One problem with one field of the input.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject)]
pub struct FieldProblem {
    /// Which input field, e.g. `input.name`.
    pub field: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// What can go wrong in a request.
/// Deliberately not `Display`: converting to a GraphQL error must go through
/// the mapping below (which sets `extensions.code`), never the blanket
/// `Display` conversion that would drop it.
#[derive(Debug)]
pub enum ApiError {
    /// No valid credentials (code `UNAUTHENTICATED`).
    Unauthenticated(String),
    /// Authenticated, but not allowed (code `FORBIDDEN`).
    Forbidden(String),
    /// Missing, or outside the caller's tenant: the two are indistinguishable (code `NOT_FOUND`).
    NotFound(String),
    /// Bad input; nothing was changed (code `VALIDATION`).
    Validation {
        /// Summary.
        message: String,
        /// Per-field problems.
        problems: Vec<FieldProblem>,
    },
    /// Clashes with existing data (code `CONFLICT`).
    Conflict(String),
    /// Too many attempts (code `RATE_LIMITED`).
    RateLimited {
        /// Seconds until the window resets.
        retry_after_secs: u64,
    },
    /// The server is busy or a dependency is slow; retrying later may work
    /// (code `UNAVAILABLE`).
    Unavailable(String),
    /// Anything else; logged, never shown (code `INTERNAL`).
    Internal(anyhow::Error),
}

/// Collects problems with input fields, then fails with all of them.
#[derive(Default)]
pub struct Problems(Vec<FieldProblem>);

impl Problems {
    /// Checks one field with a rule.
    pub fn check(&mut self, field: &str, r: Result<(), &str>) {
        if let Err(m) = r {
            self.0.push(FieldProblem {
                field: field.into(),
                message: m.into(),
            });
        }
    }
    /// Adds a problem.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldProblem {
            field: field.into(),
            message: message.into(),
        });
    }
    /// Fails when any problem was found.
    pub fn finish(self) -> ApiResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid_all(self.0))
        }
    }
}

/// Result alias for services.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// Not logged in or token invalid.
    pub fn unauthenticated() -> Self {
        ApiError::Unauthenticated("请先登录".into())
    }
    /// Not allowed, with the reason the user sees.
    pub fn forbidden(msg: impl Into<String>) -> Self {
        ApiError::Forbidden(msg.into())
    }
    /// The thing does not exist for this caller.
    pub fn not_found(what: &str) -> Self {
        ApiError::NotFound(format!("{what}不存在"))
    }
    /// One invalid field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::Validation {
            message: message.clone(),
            problems: vec![FieldProblem {
                field: field.into(),
                message,
            }],
        }
    }
    /// Several invalid fields.
    pub fn invalid_all(problems: Vec<FieldProblem>) -> Self {
        let message = problems
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join("；");
        ApiError::Validation { message, problems }
    }
    /// A clash with existing data.
    pub fn conflict(msg: impl Into<String>) -> Self {
        ApiError::Conflict(msg.into())
    }
    /// A dependency (database, Redis) is unreachable, restarting or too
    /// slow: logged here (the cause, never request data), answered with the
    /// retryable `UNAVAILABLE`.
    pub fn dependency_down(dependency: &str, cause: &dyn std::fmt::Display) -> Self {
        tracing::warn!(dependency, error = %cause, "dependency unavailable");
        ApiError::Unavailable("服务暂时不可用，请稍后重试".into())
    }

    /// The message the user sees (internal detail never included).
    pub fn message(&self) -> String {
        match self {
            ApiError::Unauthenticated(m)
            | ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::Unavailable(m) => m.clone(),
            ApiError::Validation { message, .. } => message.clone(),
            ApiError::RateLimited { retry_after_secs } => {
                format!("尝试次数过多，请{retry_after_secs}秒后再试")
            }
            ApiError::Internal(_) => "服务器内部错误".into(),
        }
    }

    /// For operator commands outside request handling.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            ApiError::Internal(e) => e,
            other => anyhow::anyhow!("{}: {}", other.code(), other.message()),
        }
    }

    /// The stable code of `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Validation { .. } => "VALIDATION",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::RateLimited { .. } => "RATE_LIMITED",
            ApiError::Unavailable(_) => "UNAVAILABLE",
            ApiError::Internal(_) => "INTERNAL",
        }
    }
}

/// Gives every error of a response an `extensions.code`. Errors raised by
/// the API itself carry one already; the rest come from the GraphQL engine
/// and are all about the request: syntax, validation, limits, and argument
/// or variable values that do not coerce (`Failed to parse "Int"`). They
/// become `VALIDATION`.
pub fn ensure_codes(errors: &mut [async_graphql::ServerError]) {
    for e in errors {
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set("code", "VALIDATION");
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        if let Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) = e.sql_err() {
            return ApiError::conflict("与已有记录重复");
        }
        if let Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) = e.sql_err() {
            return ApiError::conflict("该记录仍被其他数据引用，不能删除或修改");
        }
        if crate::db::is_unavailable(&e) {
            return ApiError::dependency_down("database", &e);
        }
        ApiError::Internal(e.into())
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Internal(e)
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(e: ApiError) -> Self {
        if let ApiError::Internal(inner) = &e {
            tracing::error!(error = format!("{inner:#}"), "internal error");
        }
        let code = e.code();
        async_graphql::Error::new(e.message()).extend_with(|_, ext| {
            ext.set("code", code);
            match &e {
                ApiError::Validation { problems, .. } => {
                    let list: Vec<async_graphql::Value> = problems
                        .iter()
                        .map(|p| {
                            let mut m = async_graphql::indexmap::IndexMap::new();
                            m.insert(async_graphql::Name::new("field"), p.field.clone().into());
                            m.insert(
                                async_graphql::Name::new("message"),
                                p.message.clone().into(),
                            );
                            async_graphql::Value::Object(m)
                        })
                        .collect();
                    ext.set("problems", async_graphql::Value::List(list));
                }
                ApiError::RateLimited { retry_after_secs } => {
                    ext.set("retryAfter", *retry_after_secs);
                }
                ApiError::Unavailable(_) => {
                    ext.set("retryAfter", 1);
                }
                _ => {}
            }
        })
    }
}
