//! Web Push cryptography (issue 14), on `ring` (already in the build
//! through rustls):
//!
//! - **VAPID** (RFC 8292): the server's P-256 key signs an ES256 JWT
//!   (`aud` = the push service's origin, `exp` ≤ 24 h, `sub` = a contact)
//!   sent as `Authorization: vapid t=<jwt>, k=<public key>`; the browser
//!   subscribed with that public key (`applicationServerKey`).
//! - **Message encryption** (RFC 8291 over RFC 8188 `aes128gcm`): a fresh
//!   ECDH P-256 key per message, agreed with the subscription's `p256dh`;
//!   IKM = HKDF(auth secret, ECDH secret, "WebPush: info\0" ‖ ua_public ‖
//!   as_public); CEK and nonce from HKDF(salt, IKM); one record holding
//!   the payload and the `0x02` delimiter; header = salt ‖ rs ‖ idlen ‖
//!   as_public.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use ring::{aead, agreement, hkdf};

/// Record size written in the header (one record: payloads are small).
pub const RECORD_SIZE: u32 = 4096;
/// Largest plaintext accepted (a record minus tag, delimiter and slack).
pub const MAX_PLAINTEXT: usize = 3000;

/// The server's VAPID key pair.
pub struct Vapid {
    key: EcdsaKeyPair,
    subject: String,
}

impl std::fmt::Debug for Vapid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vapid({})", self.public_key())
    }
}

/// A new VAPID private key: PKCS#8 DER, base64url (what `VAPID_PRIVATE_KEY` holds).
pub fn generate_key() -> anyhow::Result<String> {
    let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
        .map_err(|_| anyhow::anyhow!("generating a VAPID key failed"))?;
    Ok(B64.encode(doc.as_ref()))
}

impl Vapid {
    /// From a base64url PKCS#8 private key and a contact (`mailto:` or `https:`).
    pub fn new(private_pkcs8_b64: &str, subject: &str) -> anyhow::Result<Vapid> {
        let der = B64
            .decode(private_pkcs8_b64.trim())
            .map_err(|_| anyhow::anyhow!("VAPID_PRIVATE_KEY is not base64url"))?;
        let key =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &SystemRandom::new())
                .map_err(|e| anyhow::anyhow!("VAPID_PRIVATE_KEY is not a P-256 PKCS#8 key: {e}"))?;
        anyhow::ensure!(
            subject.starts_with("mailto:") || subject.starts_with("https://"),
            "VAPID_SUBJECT must start with mailto: or https://"
        );
        Ok(Vapid {
            key,
            subject: subject.into(),
        })
    }

    /// The public key (65 bytes, uncompressed point), base64url: the
    /// browser's `applicationServerKey` and the `k=` of the header.
    pub fn public_key(&self) -> String {
        B64.encode(self.key.public_key().as_ref())
    }

    /// The `Authorization` header for a push service origin (RFC 8292 §3),
    /// valid for 12 hours from `now` (seconds since the epoch).
    pub fn authorization(&self, audience: &str, now: i64) -> anyhow::Result<String> {
        let header = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": audience,
            "exp": now + 12 * 3600,
            "sub": self.subject,
        });
        let claims = B64.encode(claims.to_string());
        let signing_input = format!("{header}.{claims}");
        let sig = self
            .key
            .sign(&SystemRandom::new(), signing_input.as_bytes())
            .map_err(|_| anyhow::anyhow!("signing the VAPID token failed"))?;
        Ok(format!(
            "vapid t={signing_input}.{}, k={}",
            B64.encode(sig.as_ref()),
            self.public_key()
        ))
    }
}

/// An HKDF output length.
struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

fn hkdf(salt: &[u8], ikm: &[u8], info: &[u8], len: usize) -> anyhow::Result<Vec<u8>> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(ikm);
    let mut out = vec![0u8; len];
    prk.expand(&[info], Len(len))
        .and_then(|okm| okm.fill(&mut out))
        .map_err(|_| anyhow::anyhow!("HKDF failed"))?;
    Ok(out)
}

/// The content-encryption key and nonce of a message (RFC 8291 §3.3–3.4,
/// RFC 8188 §2.2), from the ECDH secret, the auth secret, both public keys
/// and the salt. Shared with the test receiver's decryption.
pub fn derive(
    ecdh_secret: &[u8],
    auth: &[u8],
    ua_public: &[u8],
    as_public: &[u8],
    salt: &[u8],
) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(ua_public);
    key_info.extend_from_slice(as_public);
    let ikm = hkdf(auth, ecdh_secret, &key_info, 32)?;
    let cek = hkdf(salt, &ikm, b"Content-Encoding: aes128gcm\0", 16)?;
    let nonce = hkdf(salt, &ikm, b"Content-Encoding: nonce\0", 12)?;
    Ok((cek, nonce))
}

/// Encrypts `plaintext` for a subscription (`p256dh`, `auth`: base64url as
/// the browser gives them): the `aes128gcm` body.
pub fn encrypt(p256dh: &str, auth: &str, plaintext: &[u8]) -> anyhow::Result<Vec<u8>> {
    anyhow::ensure!(plaintext.len() <= MAX_PLAINTEXT, "push payload too large");
    let ua_public = B64
        .decode(p256dh.trim_end_matches('='))
        .map_err(|_| anyhow::anyhow!("p256dh is not base64url"))?;
    let auth = B64
        .decode(auth.trim_end_matches('='))
        .map_err(|_| anyhow::anyhow!("auth is not base64url"))?;
    anyhow::ensure!(
        ua_public.len() == 65 && ua_public[0] == 4,
        "p256dh is not a P-256 point"
    );
    anyhow::ensure!(auth.len() == 16, "auth must be 16 bytes");
    let rng = SystemRandom::new();
    let as_private = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng)
        .map_err(|_| anyhow::anyhow!("generating an ECDH key failed"))?;
    let as_public = as_private
        .compute_public_key()
        .map_err(|_| anyhow::anyhow!("ECDH public key failed"))?;
    let as_public = as_public.as_ref().to_vec();
    let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, &ua_public);
    let secret = agreement::agree_ephemeral(as_private, &peer, |s| s.to_vec())
        .map_err(|_| anyhow::anyhow!("ECDH with the subscription's key failed"))?;
    let mut salt = [0u8; 16];
    rng.fill(&mut salt)
        .map_err(|_| anyhow::anyhow!("random salt failed"))?;
    seal(&secret, &auth, &ua_public, &as_public, &salt, plaintext)
}

/// The `aes128gcm` body from the agreed secret and the chosen salt and
/// key (deterministic: checked against RFC 8291's worked example).
pub fn seal(
    secret: &[u8],
    auth: &[u8],
    ua_public: &[u8],
    as_public: &[u8],
    salt: &[u8; 16],
    plaintext: &[u8],
) -> anyhow::Result<Vec<u8>> {
    let (cek, nonce) = derive(secret, auth, ua_public, as_public, salt)?;
    let key = aead::LessSafeKey::new(
        aead::UnboundKey::new(&aead::AES_128_GCM, &cek)
            .map_err(|_| anyhow::anyhow!("AES key failed"))?,
    );
    let mut record = plaintext.to_vec();
    record.push(2); // the last (only) record's delimiter
    let nonce = aead::Nonce::try_assume_unique_for_key(&nonce)
        .map_err(|_| anyhow::anyhow!("nonce length"))?;
    key.seal_in_place_append_tag(nonce, aead::Aad::empty(), &mut record)
        .map_err(|_| anyhow::anyhow!("AES-GCM failed"))?;
    let mut body = Vec::with_capacity(16 + 4 + 1 + 65 + record.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(u8::try_from(as_public.len()).unwrap_or(65));
    body.extend_from_slice(as_public);
    body.extend_from_slice(&record);
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_round_trips_and_signs_a_verifiable_token() {
        let k = generate_key().unwrap();
        let v = Vapid::new(&k, "mailto:ops@example.cn").unwrap();
        let h = v
            .authorization("https://push.example", 1_700_000_000)
            .unwrap();
        let t = h
            .strip_prefix("vapid t=")
            .unwrap()
            .split(", k=")
            .next()
            .unwrap();
        let (input, sig) = t.rsplit_once('.').unwrap();
        let pk = B64.decode(v.public_key()).unwrap();
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, pk)
            .verify(input.as_bytes(), &B64.decode(sig).unwrap())
            .unwrap();
        assert!(Vapid::new(&k, "ops@example.cn").is_err());
        assert!(Vapid::new("bm90IGEga2V5", "mailto:a@b").is_err());
    }

    fn b64(s: &str) -> Vec<u8> {
        B64.decode(s).unwrap()
    }

    /// RFC 8291 §5 and Appendix A: the example message, from its ECDH
    /// secret, salt and keys, to the body sent (byte for byte).
    #[test]
    fn a_message_seals_to_the_rfc_8291_example() {
        let salt: [u8; 16] = b64("DGv6ra1nlYgDCS1FRnbzlw").try_into().unwrap();
        let body = seal(
            &b64("kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs"),
            &b64("BTBZMqHH6r4Tts7J_aSIgg"),
            &b64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
            &b64("BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"),
            &salt,
            b"When I grow up, I want to be a watermelon",
        )
        .unwrap();
        assert_eq!(
            B64.encode(body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml\
             mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT\
             pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        );
    }

    #[test]
    fn an_oversized_or_malformed_subscription_is_refused() {
        assert!(encrypt("AAAA", "AAAA", b"x").is_err());
        let big = vec![b'x'; MAX_PLAINTEXT + 1];
        assert!(encrypt("AAAA", "AAAA", &big).is_err());
    }
}
