//! Local stand-ins for the outside services of issue 14, checking what
//! those services check, written independently of the server's code:
//!
//! - a **Web Push service**: `POST /push/<id>` verifies the VAPID header
//!   (RFC 8292: an ES256 JWT for this origin, unexpired, with a contact,
//!   signed by the key given in `k=`), then decrypts the `aes128gcm` body
//!   (RFC 8188/8291) with the subscriber's private key and auth secret;
//!   `POST /gone/<id>` answers 410 like a service whose subscription
//!   expired;
//! - a **WeCom group robot** (`/cgi-bin/webhook/send?key=`): a markdown
//!   message within 4096 bytes;
//! - a **DingTalk robot** (`/robot/send?access_token=&timestamp=&sign=`):
//!   the signature HMAC-SHA256(secret, timestamp + "\n" + secret), base64,
//!   the timestamp within an hour, a markdown message with a title.
//!
//! `fail` makes every robot answer HTTP 500 until cleared.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Result, bail};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use hmac::{Hmac, Mac};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{aead, agreement, hkdf, signature};
use serde_json::Value;

/// A subscriber's keys (one message each: the ECDH key is single-use).
struct Subscriber {
    private: agreement::EphemeralPrivateKey,
    public: Vec<u8>,
    auth: Vec<u8>,
}

/// What arrived.
#[derive(Debug, Clone)]
pub enum Received {
    /// A decrypted push: the subscription id and the JSON message.
    Push(String, Value),
    /// A push or post refused, and why.
    Refused(String),
    /// A robot post: `wecom` or `dingtalk`, and the JSON body.
    Robot(&'static str, Value),
}

#[derive(Default)]
struct Inner {
    subscribers: Mutex<HashMap<String, Subscriber>>,
    received: Mutex<Vec<Received>>,
    vapid_key: Mutex<Option<String>>,
    dingtalk_secret: Mutex<Option<String>>,
    fail: AtomicBool,
    origin: Mutex<String>,
}

/// The running receivers.
#[derive(Clone)]
pub struct Receivers {
    inner: Arc<Inner>,
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
}

/// A subscription as the browser would hand it to the app.
pub struct Subscription {
    /// The endpoint.
    pub endpoint: String,
    /// The public key, base64url.
    pub p256dh: String,
    /// The auth secret, base64url.
    pub auth: String,
}

impl Receivers {
    /// Starts them on a free port of 127.0.0.1.
    pub async fn start() -> Result<Receivers> {
        let inner = Arc::new(Inner::default());
        let app = Router::new()
            .route("/push/{id}", post(push))
            .route("/gone/{id}", post(gone))
            .route("/cgi-bin/webhook/send", post(wecom))
            .route("/robot/send", post(dingtalk))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let origin = format!("http://{}", listener.local_addr()?);
        *inner.origin.lock().unwrap_or_else(|e| e.into_inner()) = origin.clone();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Receivers { inner, origin })
    }

    /// The server's VAPID public key every push must be signed with.
    pub fn expect_vapid_key(&self, key: &str) {
        *self
            .inner
            .vapid_key
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(key.into());
    }

    /// The DingTalk robot's secret.
    pub fn expect_dingtalk_secret(&self, secret: &str) {
        *self
            .inner
            .dingtalk_secret
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(secret.into());
    }

    /// Makes the robots fail (HTTP 500) or succeed again.
    pub fn fail_robots(&self, fail: bool) {
        self.inner.fail.store(fail, Ordering::SeqCst);
    }

    /// A new subscriber at `/push/<id>` (or `/gone/<id>` when `gone`).
    pub fn subscriber(&self, id: &str, gone: bool) -> Result<Subscription> {
        let rng = SystemRandom::new();
        let private = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng)
            .map_err(|_| anyhow::anyhow!("key"))?;
        let public = private
            .compute_public_key()
            .map_err(|_| anyhow::anyhow!("public key"))?
            .as_ref()
            .to_vec();
        let mut auth = vec![0u8; 16];
        rng.fill(&mut auth).map_err(|_| anyhow::anyhow!("rng"))?;
        let sub = Subscription {
            endpoint: format!(
                "{}/{}/{id}",
                self.origin,
                if gone { "gone" } else { "push" }
            ),
            p256dh: B64.encode(&public),
            auth: B64.encode(&auth),
        };
        self.inner
            .subscribers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                id.into(),
                Subscriber {
                    private,
                    public,
                    auth,
                },
            );
        Ok(sub)
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.inner
            .received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits until `pred` holds of what arrived (up to `within`).
    pub async fn wait_for(
        &self,
        within: Duration,
        what: &str,
        pred: impl Fn(&[Received]) -> bool,
    ) -> Result<Vec<Received>> {
        let start = std::time::Instant::now();
        loop {
            let r = self.received();
            if pred(&r) {
                return Ok(r);
            }
            if start.elapsed() > within {
                bail!("{what}: not received; got {r:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn record(inner: &Inner, r: Received) {
    inner
        .received
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(r);
}

/// RFC 8292 §2–3: `vapid t=<JWT>, k=<key>`.
fn check_vapid(inner: &Inner, headers: &HeaderMap) -> Result<(), String> {
    let h = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or("no Authorization")?;
    let rest = h.strip_prefix("vapid ").ok_or("not the vapid scheme")?;
    let mut t = None;
    let mut k = None;
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("t=") {
            t = Some(v);
        } else if let Some(v) = part.strip_prefix("k=") {
            k = Some(v);
        }
    }
    let (t, k) = (t.ok_or("no t=")?, k.ok_or("no k=")?);
    if let Some(expected) = inner
        .vapid_key
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_deref()
        && expected != k
    {
        return Err("k= is not the server's VAPID key".into());
    }
    let (input, sig) = t.rsplit_once('.').ok_or("JWT without signature")?;
    let (head, claims) = input.split_once('.').ok_or("JWT without claims")?;
    let head: Value =
        serde_json::from_slice(&B64.decode(head).map_err(|_| "header not base64url")?)
            .map_err(|_| "header not JSON")?;
    if head["alg"] != "ES256" {
        return Err(format!("alg {}", head["alg"]));
    }
    let key = B64.decode(k).map_err(|_| "k not base64url")?;
    signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, key)
        .verify(
            input.as_bytes(),
            &B64.decode(sig).map_err(|_| "signature not base64url")?,
        )
        .map_err(|_| "bad ES256 signature")?;
    let c: Value = serde_json::from_slice(&B64.decode(claims).map_err(|_| "claims")?)
        .map_err(|_| "claims not JSON")?;
    let origin = inner
        .origin
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if c["aud"] != origin.as_str() {
        return Err(format!("aud {} is not {origin}", c["aud"]));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let exp = c["exp"].as_i64().ok_or("no exp")?;
    if exp <= now || exp > now + 24 * 3600 {
        return Err(format!("exp {exp} is not within 24 h"));
    }
    let sub = c["sub"].as_str().unwrap_or_default();
    if !sub.starts_with("mailto:") && !sub.starts_with("https:") {
        return Err("sub is not a contact".into());
    }
    Ok(())
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

fn hkdf_expand(salt: &[u8], ikm: &[u8], info: &[u8], len: usize) -> Result<Vec<u8>, String> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(ikm);
    let mut out = vec![0u8; len];
    prk.expand(&[info], Len(len))
        .and_then(|o| o.fill(&mut out))
        .map_err(|_| "hkdf".to_string())?;
    Ok(out)
}

/// RFC 8188 §2 and RFC 8291 §3: decrypts one `aes128gcm` message.
fn decrypt(sub: Subscriber, body: &[u8]) -> Result<Vec<u8>, String> {
    if body.len() < 21 {
        return Err("body shorter than the header".into());
    }
    let salt = &body[..16];
    let rs = u32::from_be_bytes([body[16], body[17], body[18], body[19]]);
    let idlen = body[20] as usize;
    if rs < 18 || body.len() < 21 + idlen {
        return Err("bad header".into());
    }
    let as_public = &body[21..21 + idlen];
    let ciphertext = &body[21 + idlen..];
    if ciphertext.len() > rs as usize {
        return Err("more than one record".into());
    }
    let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, as_public.to_vec());
    let secret = agreement::agree_ephemeral(sub.private, &peer, |s| s.to_vec())
        .map_err(|_| "ECDH failed (keyid is not the sender's P-256 key)")?;
    let mut info = b"WebPush: info\0".to_vec();
    info.extend_from_slice(&sub.public);
    info.extend_from_slice(as_public);
    let ikm = hkdf_expand(&sub.auth, &secret, &info, 32)?;
    let cek = hkdf_expand(salt, &ikm, b"Content-Encoding: aes128gcm\0", 16)?;
    let nonce = hkdf_expand(salt, &ikm, b"Content-Encoding: nonce\0", 12)?;
    let key =
        aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_128_GCM, &cek).map_err(|_| "cek")?);
    let mut buf = ciphertext.to_vec();
    let plain = key
        .open_in_place(
            aead::Nonce::try_assume_unique_for_key(&nonce).map_err(|_| "nonce")?,
            aead::Aad::empty(),
            &mut buf,
        )
        .map_err(|_| "AES-GCM authentication failed")?;
    // Strip the padding: zeros, then the last record's delimiter 0x02.
    let end = plain.iter().rposition(|b| *b != 0).ok_or("no delimiter")?;
    if plain[end] != 2 {
        return Err(format!(
            "delimiter {} (the last record ends with 2)",
            plain[end]
        ));
    }
    Ok(plain[..end].to_vec())
}

async fn push(
    State(inner): State<Arc<Inner>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let outcome = (|| {
        check_vapid(&inner, &headers)?;
        if headers
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            != Some("aes128gcm")
        {
            return Err("Content-Encoding is not aes128gcm".to_string());
        }
        if headers.get("ttl").is_none() {
            return Err("no TTL".into());
        }
        let sub = inner
            .subscribers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id)
            .ok_or("unknown subscription (or a second message)")?;
        let plain = decrypt(sub, &body)?;
        serde_json::from_slice::<Value>(&plain).map_err(|_| "payload is not JSON".to_string())
    })();
    match outcome {
        Ok(v) => {
            record(&inner, Received::Push(id, v));
            StatusCode::CREATED
        }
        Err(e) => {
            record(&inner, Received::Refused(e));
            StatusCode::BAD_REQUEST
        }
    }
}

async fn gone(State(inner): State<Arc<Inner>>, headers: HeaderMap) -> StatusCode {
    if let Err(e) = check_vapid(&inner, &headers) {
        record(&inner, Received::Refused(e));
        return StatusCode::UNAUTHORIZED;
    }
    StatusCode::GONE
}

fn robot_answer(inner: &Inner, r: Result<Received, String>) -> (StatusCode, String) {
    if inner.fail.load(Ordering::SeqCst) {
        return (StatusCode::INTERNAL_SERVER_ERROR, "down".into());
    }
    match r {
        Ok(r) => {
            record(inner, r);
            (StatusCode::OK, r#"{"errcode":0,"errmsg":"ok"}"#.into())
        }
        Err(e) => {
            record(inner, Received::Refused(e.clone()));
            (
                StatusCode::OK,
                format!(r#"{{"errcode":310000,"errmsg":"{e}"}}"#),
            )
        }
    }
}

/// WeCom: `{"msgtype":"markdown","markdown":{"content":"…"}}`, content ≤ 4096 bytes.
async fn wecom(
    State(inner): State<Arc<Inner>>,
    Query(q): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> (StatusCode, String) {
    let r = (|| {
        if q.get("key").is_none_or(|k| k.is_empty()) {
            return Err("no key".to_string());
        }
        let v: Value = serde_json::from_slice(&body).map_err(|_| "not JSON")?;
        let content = v["markdown"]["content"].as_str().unwrap_or_default();
        if v["msgtype"] != "markdown" || content.is_empty() || content.len() > 4096 {
            return Err("not a markdown message within 4096 bytes".into());
        }
        Ok(Received::Robot("wecom", v))
    })();
    robot_answer(&inner, r)
}

/// DingTalk: signed timestamp, `{"msgtype":"markdown","markdown":{"title","text"}}`.
async fn dingtalk(
    State(inner): State<Arc<Inner>>,
    Query(q): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> (StatusCode, String) {
    let r = (|| {
        if q.get("access_token").is_none_or(|k| k.is_empty()) {
            return Err("no access_token".to_string());
        }
        let secret = inner
            .dingtalk_secret
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(secret) = secret {
            let ts: i64 = q
                .get("timestamp")
                .and_then(|t| t.parse().ok())
                .ok_or("no timestamp")?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0);
            if (now - ts).abs() > 3_600_000 {
                return Err("timestamp more than an hour off".into());
            }
            let mut mac =
                Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| "hmac")?;
            mac.update(format!("{ts}\n{secret}").as_bytes());
            let expected = STANDARD.encode(mac.finalize().into_bytes());
            // The query was URL-decoded by the extractor.
            if q.get("sign") != Some(&expected) {
                return Err("sign does not match".into());
            }
        }
        let v: Value = serde_json::from_slice(&body).map_err(|_| "not JSON")?;
        if v["msgtype"] != "markdown"
            || v["markdown"]["title"].as_str().is_none_or(str::is_empty)
            || v["markdown"]["text"].as_str().is_none_or(str::is_empty)
        {
            return Err("not a markdown message with a title".into());
        }
        Ok(Received::Robot("dingtalk", v))
    })();
    robot_answer(&inner, r)
}
