//! Short-lived access tokens (HS256 only: `alg: none` and every other
//! algorithm are refused).

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use shared::org::Role;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::tenancy::Caller;

/// Access-token lifetime.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    roles: Vec<Role>,
    did: Uuid,
    sid: Option<Uuid>,
    #[serde(default)]
    grades: Vec<i32>,
    iat: i64,
    exp: i64,
    typ: String,
    /// The user's token version when issued.
    #[serde(default)]
    tv: i32,
    /// Issued after a one-time password: only changing it is allowed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pwc: bool,
    /// A file ticket's file (`typ` "file"): the one file it opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fid: Option<Uuid>,
}

/// File-ticket lifetime: a download link works this long.
pub const FILE_TICKET_TTL_SECS: i64 = 10 * 60;

/// What an access token says about its session besides the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionClaims {
    /// The user's token version when issued; an older one than the
    /// account's current version is refused.
    pub version: i32,
    /// The session may only change its password (a one-time password).
    pub must_change_password: bool,
}

/// Signing and verification keys.
pub struct JwtKeys {
    enc: EncodingKey,
    dec: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    /// Keys from the configured secret.
    pub fn new(secret: &SecretString) -> JwtKeys {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        JwtKeys {
            enc: EncodingKey::from_secret(bytes),
            dec: DecodingKey::from_secret(bytes),
            validation,
        }
    }

    /// Signs claims for a caller: `typ`, lifetime, and the rest.
    fn sign(
        &self,
        caller: &Caller,
        typ: &str,
        ttl: i64,
        rest: (i32, bool, Option<Uuid>),
    ) -> ApiResult<String> {
        let now = chrono::Utc::now().timestamp();
        let (tv, pwc, fid) = rest;
        let claims = Claims {
            sub: caller.user_id,
            roles: caller.roles.clone(),
            did: caller.district_id,
            sid: caller.school_id,
            grades: caller.grades.clone(),
            iat: now,
            exp: now + ttl,
            typ: typ.into(),
            tv,
            pwc,
            fid,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.enc)
            .map_err(|e| ApiError::Internal(e.into()))
    }

    /// Issues an access token for a caller.
    pub fn issue(&self, caller: &Caller, session: SessionClaims) -> ApiResult<String> {
        let rest = (session.version, session.must_change_password, None);
        self.sign(caller, "access", ACCESS_TTL_SECS, rest)
    }

    /// Issues a download ticket for one generated file: the caller's tenant
    /// and rights, that file only, for [`FILE_TICKET_TTL_SECS`]. A link
    /// carrying it works on a phone without the access token.
    pub fn issue_file_ticket(&self, caller: &Caller, file: Uuid) -> ApiResult<String> {
        self.sign(caller, "file", FILE_TICKET_TTL_SECS, (0, false, Some(file)))
    }

    /// Verifies a download ticket: the caller it was issued to and its file.
    pub fn verify_file_ticket(&self, token: &str) -> ApiResult<(Caller, Uuid)> {
        let refused = || ApiError::Unauthenticated("下载链接已过期或无效，请重新生成".into());
        let data = jsonwebtoken::decode::<Claims>(token, &self.dec, &self.validation)
            .map_err(|_| refused())?;
        let c = data.claims;
        let (true, Some(file)) = (c.typ == "file" && !c.roles.is_empty(), c.fid) else {
            return Err(refused());
        };
        Ok((
            Caller {
                user_id: c.sub,
                roles: c.roles,
                district_id: c.did,
                school_id: c.sid,
                grades: c.grades,
            },
            file,
        ))
    }

    /// Verifies an access token: signature, algorithm, expiry and type.
    pub fn verify(&self, token: &str) -> ApiResult<(Caller, SessionClaims)> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.dec, &self.validation)
            .map_err(|_| ApiError::Unauthenticated("登录已过期或无效，请重新登录".into()))?;
        let c = data.claims;
        if c.typ != "access" || c.roles.is_empty() {
            return Err(ApiError::Unauthenticated(
                "登录已过期或无效，请重新登录".into(),
            ));
        }
        Ok((
            Caller {
                user_id: c.sub,
                roles: c.roles,
                district_id: c.did,
                school_id: c.sid,
                grades: c.grades,
            },
            SessionClaims {
                version: c.tv,
                must_change_password: c.pwc,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn keys() -> JwtKeys {
        JwtKeys::new(&SecretString::from("x".repeat(40)))
    }

    fn caller() -> Caller {
        Caller {
            user_id: Uuid::new_v4(),
            roles: vec![Role::Mentor],
            district_id: Uuid::new_v4(),
            school_id: Some(Uuid::new_v4()),
            grades: vec![],
        }
    }

    #[test]
    fn issued_tokens_verify() {
        let c = caller();
        let s = SessionClaims {
            version: 3,
            must_change_password: true,
        };
        let t = keys().issue(&c, s).unwrap();
        assert_eq!(keys().verify(&t).unwrap(), (c, s));
    }

    #[test]
    fn tampered_and_unsigned_tokens_are_refused() {
        let t = keys().issue(&caller(), SessionClaims::default()).unwrap();
        let parts: Vec<&str> = t.split('.').collect();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut payload: serde_json::Value =
            serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
        payload["roles"] = serde_json::json!(["school_admin"]);
        let forged = b64.encode(serde_json::to_vec(&payload).unwrap());
        let tampered = format!("{}.{}.{}", parts[0], forged, parts[2]);
        assert!(keys().verify(&tampered).is_err());
        let none_header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert!(
            keys()
                .verify(&format!("{none_header}.{}.", parts[1]))
                .is_err()
        );
        let other = JwtKeys::new(&SecretString::from("y".repeat(40)));
        assert!(other.verify(&t).is_err());
    }
}
