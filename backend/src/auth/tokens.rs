//! Refresh tokens: rotated on every use, a family revoked when any used
//! token is presented again (reuse means it was stolen) or on logout.
//!
//! A token reads `<user id>.<token id>.<secret>`; only a SHA-256 of the
//! secret is stored. Stored in Redis when `REDIS_URL` is set (shared by all
//! replicas), else in the `refresh_tokens` table.

use base64::Engine;
use rand::RngCore;
use redis::AsyncCommands;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::entities::refresh_token;
use crate::error::{ApiError, ApiResult};
use crate::tenancy::Ctx;

/// Refresh-token lifetime.
pub const REFRESH_TTL_SECS: i64 = 30 * 24 * 3600;

/// Where refresh tokens live.
pub enum TokenStore {
    /// The database (one machine, no Redis).
    Db,
    /// Redis, shared by every replica.
    Redis(crate::state::RedisConn),
}

/// A parsed refresh token. Its user id is only a claim: nothing is done
/// in its name until the stored record matching the secret says so.
pub struct Presented {
    /// Claimed owner (checked against the stored record).
    pub user_id: Uuid,
    id: Uuid,
    hash: String,
}

/// What presenting a refresh token found.
pub enum Consumed {
    /// Valid and now used; issue the next one in this family.
    Fresh {
        /// The rotation family.
        family: Uuid,
        /// The owner's token version when it was issued.
        version: i32,
    },
    /// Already used or revoked: the family is (now) revoked.
    Reused {
        /// The rotation family.
        family: Uuid,
    },
    /// Unknown, expired or malformed.
    Invalid,
}

fn sha256_hex(s: &str) -> String {
    let mut h = Sha256::new();
    h.update(s.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses a presented token; `None` when malformed.
pub fn parse(token: &str) -> Option<Presented> {
    let mut parts = token.splitn(3, '.');
    let user_id = parts.next()?.parse().ok()?;
    let id = parts.next()?.parse().ok()?;
    let secret = parts.next()?;
    if secret.len() < 32 {
        return None;
    }
    Some(Presented {
        user_id,
        id,
        hash: sha256_hex(secret),
    })
}

fn rt_key(id: Uuid) -> String {
    format!("daoshi:rt:{id}")
}
fn used_key(id: Uuid) -> String {
    format!("daoshi:rt:{id}:used")
}
fn revoked_key(family: Uuid) -> String {
    format!("daoshi:rtf:{family}:revoked")
}

/// Redis unreachable, timed out or failing: retryable `UNAVAILABLE`.
fn redis_err(e: redis::RedisError) -> ApiError {
    ApiError::dependency_down("redis", &e)
}

impl TokenStore {
    /// Issues a new token in a family (a new family at login).
    pub async fn issue(
        &self,
        ctx: &Ctx,
        user_id: Uuid,
        family: Uuid,
        version: i32,
    ) -> ApiResult<String> {
        let id = Uuid::new_v4();
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
        let hash = sha256_hex(&secret);
        let now = chrono::Utc::now();
        match self {
            TokenStore::Db => {
                refresh_token::ActiveModel {
                    id: Set(id),
                    user_id: Set(user_id),
                    family_id: Set(family),
                    token_hash: Set(hash),
                    expires_at: Set(now + chrono::Duration::seconds(REFRESH_TTL_SECS)),
                    used_at: Set(None),
                    revoked_at: Set(None),
                    created_at: Set(now),
                    user_version: Set(version),
                }
                .insert(ctx.db())
                .await?;
            }
            TokenStore::Redis(conn) => {
                let mut conn = conn.clone();
                let value = format!("{user_id}|{family}|{hash}|{version}");
                let _: () = conn
                    .set_ex(rt_key(id), value, REFRESH_TTL_SECS as u64)
                    .await
                    .map_err(redis_err)?;
            }
        }
        Ok(format!("{user_id}.{id}.{secret}"))
    }

    /// Finds the stored row of a presented token by the hash of its secret
    /// (`app.refresh_hash`: the row policy opens only that row), then opens
    /// the verified owner's rows (`app.user_id`).
    async fn verified_row(ctx: &Ctx, p: &Presented) -> ApiResult<Option<refresh_token::Model>> {
        ctx.set_local("app.refresh_hash", &p.hash).await?;
        let row = refresh_token::Entity::find_by_id(p.id)
            .filter(refresh_token::Column::TokenHash.eq(p.hash.as_str()))
            .one(ctx.db())
            .await?
            .filter(|r| r.user_id == p.user_id && r.token_hash == p.hash);
        ctx.set_local("app.refresh_hash", "").await?;
        if let Some(r) = &row {
            ctx.set_local("app.user_id", &r.user_id.to_string()).await?;
        }
        Ok(row)
    }

    /// Uses a presented token once. A second use of the same token revokes
    /// its whole family. Returns `Invalid` unless the secret matches the
    /// stored record; only then is the owner's id trusted (and, for the
    /// database store, `app.user_id` set).
    pub async fn consume(&self, ctx: &Ctx, p: &Presented) -> ApiResult<Consumed> {
        match self {
            TokenStore::Db => {
                let Some(row) = Self::verified_row(ctx, p).await? else {
                    return Ok(Consumed::Invalid);
                };
                if row.expires_at < chrono::Utc::now() {
                    return Ok(Consumed::Invalid);
                }
                if row.revoked_at.is_some() {
                    return Ok(Consumed::Reused {
                        family: row.family_id,
                    });
                }
                // Atomic: of two concurrent uses only one sees used_at unset.
                let updated = refresh_token::Entity::update_many()
                    .col_expr(
                        refresh_token::Column::UsedAt,
                        Expr::value(chrono::Utc::now()),
                    )
                    .filter(refresh_token::Column::Id.eq(p.id))
                    .filter(refresh_token::Column::UsedAt.is_null())
                    .exec(ctx.db())
                    .await?;
                if updated.rows_affected == 1 {
                    Ok(Consumed::Fresh {
                        family: row.family_id,
                        version: row.user_version,
                    })
                } else {
                    Ok(Consumed::Reused {
                        family: row.family_id,
                    })
                }
            }
            TokenStore::Redis(conn) => {
                let mut conn = conn.clone();
                let value: Option<String> = conn.get(rt_key(p.id)).await.map_err(redis_err)?;
                let Some(value) = value else {
                    return Ok(Consumed::Invalid);
                };
                let mut parts = value.split('|');
                let (Some(user), Some(family), Some(hash)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Ok(Consumed::Invalid);
                };
                let version = parts.next().and_then(|v| v.parse().ok()).unwrap_or(0);
                let Ok(family) = family.parse::<Uuid>() else {
                    return Ok(Consumed::Invalid);
                };
                if user != p.user_id.to_string() || hash != p.hash {
                    return Ok(Consumed::Invalid);
                }
                let revoked: bool = conn.exists(revoked_key(family)).await.map_err(redis_err)?;
                if revoked {
                    return Ok(Consumed::Reused { family });
                }
                let first: bool = redis::cmd("SET")
                    .arg(used_key(p.id))
                    .arg(1)
                    .arg("NX")
                    .arg("EX")
                    .arg(REFRESH_TTL_SECS)
                    .query_async::<Option<String>>(&mut conn)
                    .await
                    .map_err(redis_err)?
                    .is_some();
                Ok(if first {
                    Consumed::Fresh { family, version }
                } else {
                    Consumed::Reused { family }
                })
            }
        }
    }

    /// Revokes every token of a family.
    pub async fn revoke_family(&self, ctx: &Ctx, family: Uuid) -> ApiResult<()> {
        match self {
            TokenStore::Db => {
                refresh_token::Entity::update_many()
                    .col_expr(
                        refresh_token::Column::RevokedAt,
                        Expr::value(chrono::Utc::now()),
                    )
                    .filter(refresh_token::Column::FamilyId.eq(family))
                    .filter(refresh_token::Column::RevokedAt.is_null())
                    .exec(ctx.db())
                    .await?;
            }
            TokenStore::Redis(conn) => {
                let mut conn = conn.clone();
                let _: () = conn
                    .set_ex(revoked_key(family), 1, REFRESH_TTL_SECS as u64)
                    .await
                    .map_err(redis_err)?;
            }
        }
        Ok(())
    }

    /// Whether a family is revoked (used at logout to make it idempotent).
    pub async fn family_of(&self, ctx: &Ctx, p: &Presented) -> ApiResult<Option<Uuid>> {
        match self {
            TokenStore::Db => Ok(Self::verified_row(ctx, p).await?.map(|r| r.family_id)),
            TokenStore::Redis(conn) => {
                let mut conn = conn.clone();
                let value: Option<String> = conn.get(rt_key(p.id)).await.map_err(redis_err)?;
                Ok(value.and_then(|v| {
                    let parts: Vec<&str> = v.split('|').collect();
                    (parts.len() >= 3 && parts[0] == p.user_id.to_string() && parts[2] == p.hash)
                        .then(|| parts[1].parse().ok())
                        .flatten()
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_tokens_do_not_parse() {
        assert!(parse("").is_none());
        assert!(parse("a.b.c").is_none());
        let u = Uuid::new_v4();
        assert!(parse(&format!("{u}.{u}.short")).is_none());
        assert!(parse(&format!("{u}.{u}.{}", "s".repeat(43))).is_some());
    }
}
