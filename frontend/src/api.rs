//! The one GraphQL client of the app.
//!
//! Every request goes through [`query`] (or [`upload`] for files), which
//! attaches the access token, and on `UNAUTHENTICATED` refreshes the tokens
//! once — a single refresh shared by every request in flight, because the
//! server rotates refresh tokens and treats a reused one as theft — then
//! retries. When that fails the session is over: the tokens are dropped and
//! the expiry handler (set by the app root) sends the user to the login page
//! with a message.

use std::cell::RefCell;
use std::collections::HashMap;

use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use graphql_client::{GraphQLQuery, QueryBody, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::i18n::Tr;
use crate::ops;
use crate::storage;

const ENDPOINT: &str = "/graphql";
const ACCESS_KEY: &str = "daoshi.access";
const REFRESH_KEY: &str = "daoshi.refresh";

/// Why a request failed, by the server's `extensions.code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// Not signed in, or the session could not be renewed.
    Unauthenticated,
    /// Signed in but not allowed; the server's message says why (empty
    /// when it gave none).
    Forbidden(String),
    /// No such record (or not visible to the caller).
    NotFound,
    /// The input was refused; the server's message (in Chinese) says why.
    Validation(String),
    /// The change conflicts with existing data; the server's message says why.
    Conflict(String),
    /// Too many attempts.
    RateLimited,
    /// The server failed.
    Internal,
    /// The server could not be reached or answered something unreadable.
    Network,
}

impl ApiError {
    /// The message to show, in the user's language.
    pub fn message(&self, t: &Tr) -> String {
        match self {
            ApiError::Unauthenticated => t.err_unauthenticated.to_string(),
            ApiError::Forbidden(m) if m.trim().is_empty() => t.err_forbidden.to_string(),
            // The server's specific refusal, not a generic one.
            ApiError::Forbidden(m) => m.clone(),
            ApiError::NotFound => t.err_not_found.to_string(),
            ApiError::Validation(m) | ApiError::Conflict(m) => format!("{}{m}", t.err_invalid),
            ApiError::RateLimited => t.err_rate_limited.to_string(),
            ApiError::Internal => t.err_internal.to_string(),
            ApiError::Network => t.err_network.to_string(),
        }
    }

    fn from_graphql(errors: &[graphql_client::Error]) -> ApiError {
        let Some(first) = errors.first() else {
            return ApiError::Internal;
        };
        let code = first
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .and_then(|c| c.as_str())
            .unwrap_or("");
        match code {
            "UNAUTHENTICATED" => ApiError::Unauthenticated,
            "FORBIDDEN" => ApiError::Forbidden(first.message.clone()),
            "NOT_FOUND" => ApiError::NotFound,
            "VALIDATION" | "BAD_USER_INPUT" => ApiError::Validation(first.message.clone()),
            "CONFLICT" => ApiError::Conflict(first.message.clone()),
            "RATE_LIMITED" => ApiError::RateLimited,
            _ => ApiError::Internal,
        }
    }
}

/// The tokens of the signed-in user, kept in localStorage so a reload keeps
/// the session.
pub struct Tokens;

impl Tokens {
    /// Stores a fresh pair.
    pub fn store(access: &str, refresh: &str) {
        storage::set(ACCESS_KEY, access);
        storage::set(REFRESH_KEY, refresh);
    }

    /// The access token, if signed in.
    pub fn access() -> Option<String> {
        storage::get(ACCESS_KEY)
    }

    /// The refresh token, if signed in.
    pub fn refresh() -> Option<String> {
        storage::get(REFRESH_KEY)
    }

    /// Forgets both.
    pub fn clear() {
        storage::remove(ACCESS_KEY);
        storage::remove(REFRESH_KEY);
    }
}

type ExpiryHandler = Box<dyn Fn()>;

thread_local! {
    static ON_EXPIRED: RefCell<Option<ExpiryHandler>> = const { RefCell::new(None) };
    static REFRESHING: RefCell<Option<Shared<LocalBoxFuture<'static, bool>>>> =
        const { RefCell::new(None) };
}

/// Sets what happens when the session cannot be renewed (the app root sends
/// the user to the login page).
pub fn on_session_expired(f: impl Fn() + 'static) {
    ON_EXPIRED.with(|h| *h.borrow_mut() = Some(Box::new(f)));
}

fn session_expired() {
    Tokens::clear();
    ON_EXPIRED.with(|h| {
        if let Some(f) = h.borrow().as_ref() {
            f();
        }
    });
}

/// Runs a typed operation with the user's token, renewing it when needed.
pub async fn query<Q: GraphQLQuery>(variables: Q::Variables) -> Result<Q::ResponseData, ApiError>
where
    Q::Variables: Serialize,
    Q::ResponseData: DeserializeOwned,
{
    let body = Q::build_query(variables);
    let body = serde_json::to_string(&body).map_err(|_| ApiError::Internal)?;
    send_with_renewal::<Q::ResponseData>(&|| Payload::Json(body.clone())).await
}

/// Runs a typed operation without a token and without renewal (sign-in).
pub async fn anonymous<Q: GraphQLQuery>(
    variables: Q::Variables,
) -> Result<Q::ResponseData, ApiError>
where
    Q::Variables: Serialize,
    Q::ResponseData: DeserializeOwned,
{
    let body = serde_json::to_string(&Q::build_query(variables)).map_err(|_| ApiError::Internal)?;
    send::<Q::ResponseData>(Payload::Json(body), None).await
}

/// Runs a typed operation whose variables include one file upload, following
/// the GraphQL multipart request spec: `file_var` names the variable (e.g.
/// `file`) that the server fills with the uploaded file.
pub async fn upload<Q: GraphQLQuery>(
    variables: Q::Variables,
    file_var: &str,
    file: web_sys::File,
) -> Result<Q::ResponseData, ApiError>
where
    Q::Variables: Serialize,
    Q::ResponseData: DeserializeOwned,
{
    let body: QueryBody<Q::Variables> = Q::build_query(variables);
    let operations = serde_json::to_string(&body).map_err(|_| ApiError::Internal)?;
    let mut map = HashMap::new();
    map.insert("0", vec![format!("variables.{file_var}")]);
    let map = serde_json::to_string(&map).map_err(|_| ApiError::Internal)?;
    let make = || -> Payload {
        let form = web_sys::FormData::new().expect("FormData");
        let _ = form.append_with_str("operations", &operations);
        let _ = form.append_with_str("map", &map);
        let _ = form.append_with_blob_and_filename("0", &file, &file.name());
        Payload::Form(form)
    };
    send_with_renewal::<Q::ResponseData>(&make).await
}

/// A request body: JSON, or multipart for uploads.
enum Payload {
    Json(String),
    Form(web_sys::FormData),
}

async fn send_with_renewal<T: DeserializeOwned>(make: &dyn Fn() -> Payload) -> Result<T, ApiError> {
    let token = Tokens::access();
    match send::<T>(make(), token.as_deref()).await {
        Err(ApiError::Unauthenticated) if token.is_some() => {
            // The access token expired (or was revoked): renew once, retry once.
            if !renew(token.as_deref().unwrap_or_default()).await {
                session_expired();
                return Err(ApiError::Unauthenticated);
            }
            let token = Tokens::access();
            let second = send::<T>(make(), token.as_deref()).await;
            if matches!(second, Err(ApiError::Unauthenticated)) {
                session_expired();
            }
            second
        }
        other => other,
    }
}

/// Renews the tokens unless someone already did; concurrent callers share one
/// refresh request. Returns whether a usable access token is now stored.
async fn renew(used_access: &str) -> bool {
    if let Some(current) = Tokens::access()
        && current != used_access
    {
        return true;
    }
    let used = used_access.to_string();
    let fut = REFRESHING.with(|r| {
        r.borrow_mut()
            .get_or_insert_with(|| across_tabs(used).boxed_local().shared())
            .clone()
    });
    let ok = fut.await;
    REFRESHING.with(|r| *r.borrow_mut() = None);
    ok
}

/// Refreshes while holding a Web Lock, so that two tabs of the same user
/// never present the same refresh token (which the server would take as
/// theft and answer by revoking the session). Inside the lock the tokens are
/// read again: another tab may have renewed them already. Without the Web
/// Locks API (old browsers) it refreshes directly.
async fn across_tabs(used_access: String) -> bool {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;

    let locks = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &"locks".into()).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks.as_ref().and_then(|l| {
        js_sys::Reflect::get(l, &"request".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    });
    let (Some(locks), Some(request)) = (locks, request) else {
        return refresh_tokens().await;
    };
    let callback = Closure::once(move |_lock: JsValue| -> js_sys::Promise {
        wasm_bindgen_futures::future_to_promise(async move {
            let renewed_elsewhere = Tokens::access().is_some_and(|a| a != used_access);
            let ok = renewed_elsewhere || refresh_tokens().await;
            Ok(JsValue::from_bool(ok))
        })
    });
    let Ok(promise) = request.call2(&locks, &"daoshi-refresh".into(), callback.as_ref()) else {
        return refresh_tokens().await;
    };
    let result = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&promise)).await;
    drop(callback);
    matches!(result, Ok(v) if v.as_bool() == Some(true))
}

async fn refresh_tokens() -> bool {
    let Some(refresh_token) = Tokens::refresh() else {
        return false;
    };
    let body = ops::Refresh::build_query(ops::refresh::Variables { refresh_token });
    let Ok(body) = serde_json::to_string(&body) else {
        return false;
    };
    match send::<ops::refresh::ResponseData>(Payload::Json(body), None).await {
        Ok(data) => {
            Tokens::store(&data.refresh.access_token, &data.refresh.refresh_token);
            true
        }
        Err(_) => false,
    }
}

async fn send<T: DeserializeOwned>(payload: Payload, token: Option<&str>) -> Result<T, ApiError> {
    let mut req = gloo_net::http::Request::post(ENDPOINT);
    if let Some(token) = token {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    let req = match payload {
        Payload::Json(body) => req.header("Content-Type", "application/json").body(body),
        Payload::Form(form) => req.body(form),
    }
    .map_err(|_| ApiError::Internal)?;
    let resp = req.send().await.map_err(|_| ApiError::Network)?;
    let status = resp.status();
    let text = resp.text().await.map_err(|_| ApiError::Network)?;
    let Ok(parsed) = serde_json::from_str::<Response<T>>(&text) else {
        return Err(match status {
            401 => ApiError::Unauthenticated,
            403 => ApiError::Forbidden(String::new()),
            429 => ApiError::RateLimited,
            500.. => ApiError::Internal,
            _ => ApiError::Network,
        });
    };
    match (parsed.data, parsed.errors) {
        (_, Some(errors)) if !errors.is_empty() => Err(ApiError::from_graphql(&errors)),
        (Some(data), _) => Ok(data),
        _ => Err(ApiError::Internal),
    }
}

/// Signs out on the server (best effort) and forgets the tokens.
pub async fn logout() {
    if let Some(refresh_token) = Tokens::refresh() {
        let body = ops::Logout::build_query(ops::logout::Variables { refresh_token });
        if let Ok(body) = serde_json::to_string(&body) {
            let _ = send::<ops::logout::ResponseData>(Payload::Json(body), None).await;
        }
    }
    Tokens::clear();
}
