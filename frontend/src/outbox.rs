//! The offline outbox of mentoring records, and of concerns raised about a
//! student (a crisis raised on a phone without a network is sent the same
//! way, once: the server records a client key once).
//!
//! Every activity a mentor logs gets a client key (a UUID v4) when it is
//! created and is written to a per-user outbox in localStorage *before* it
//! is sent. It leaves the outbox only when the server answers with the
//! recorded activity; a network failure keeps it (it is sent again when the
//! browser's `online` event fires and when the app starts), and a refusal
//! (validation, permission) marks it failed with the server's message. The
//! server records a client key once, so an entry whose answer was lost is
//! never recorded twice.
//!
//! Entries hold private summaries, so they do not outlive a sign-out
//! quietly: signing out first tries to send what is waiting
//! ([`send_before_sign_out`]); what is still unsent (offline, or refused) is
//! named to the user, who either stays signed in or signs out and deletes it
//! ([`purge`]). A session that merely expires keeps its entries for the same
//! user's next sign-in.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::ops;
use crate::session::use_session;
use crate::storage;

/// One activity waiting to be recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The idempotency key, generated once when the entry is created.
    pub client_key: String,
    /// The student.
    pub student_id: String,
    /// The student's name (for the list while offline).
    pub student_name: String,
    /// GraphQL spelling of the kind (`TALK`).
    pub kind: String,
    /// GraphQL spelling of the channel (`FACE_TO_FACE`).
    pub channel: String,
    /// When it happened (RFC 3339), set when the entry is made: an entry
    /// sent later keeps it.
    pub occurred_at: String,
    /// Why it is dated further back than the policy lets a mentor (head
    /// teacher or admin only; audited by the server).
    #[serde(default)]
    pub backdate_reason: Option<String>,
    /// GraphQL spelling of the trigger.
    pub trigger: Option<String>,
    /// GraphQL spellings of the guidance areas.
    pub guidance_areas: Vec<String>,
    /// Private summary.
    pub summary: String,
    /// Follow-up.
    pub follow_up: Option<String>,
    /// Why the server refused it (see [`Entry::failure`]); `None` while
    /// pending.
    pub failed: Option<String>,
    /// Further students of a group activity: (id, name). Absent in entries
    /// stored by older versions of the app.
    #[serde(default)]
    pub more_students: Vec<(String, String)>,
    /// For an optional action: the code of the school's menu item.
    #[serde(default)]
    pub optional_action: Option<String>,
    /// Co-mentors who took part (staff ids).
    #[serde(default)]
    pub co_mentor_ids: Vec<String>,
    /// Joint with the head teacher.
    #[serde(default)]
    pub with_head_teacher: bool,
    /// Set for a concern (关注/预警/危机) instead of an activity.
    #[serde(default)]
    pub concern: Option<Concern>,
}

/// A concern waiting to be raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concern {
    /// GraphQL spelling of the level (`CRISIS`).
    pub level: String,
    /// GraphQL spelling of the category (`SELF_HARM`).
    pub category: String,
}

impl Entry {
    /// Whether the entry is about this student (alone or in a group).
    pub fn involves(&self, student_id: &str) -> bool {
        self.student_id == student_id || self.more_students.iter().any(|s| s.0 == student_id)
    }

    /// The refusal as an error, to show in the user's language: the
    /// server's message for a validation or conflict, else the kind.
    pub fn failure(&self) -> Option<ApiError> {
        let f = self.failed.as_deref()?;
        Some(match f {
            "FORBIDDEN" => ApiError::Forbidden(String::new()),
            f if f.starts_with("FORBIDDEN:") => {
                ApiError::Forbidden(f["FORBIDDEN:".len()..].to_string())
            }
            "NOT_FOUND" => ApiError::NotFound,
            other => ApiError::Validation(other.to_string()),
        })
    }
}

fn refusal(e: &ApiError) -> String {
    match e {
        ApiError::Forbidden(m) if m.is_empty() => "FORBIDDEN".into(),
        ApiError::Forbidden(m) => format!("FORBIDDEN:{m}"),
        ApiError::NotFound => "NOT_FOUND".into(),
        ApiError::Validation(m) | ApiError::Conflict(m) => m.clone(),
        _ => String::new(),
    }
}

thread_local! {
    static OWNER: RefCell<Option<String>> = const { RefCell::new(None) };
    static VERSION: ArcRwSignal<u64> = ArcRwSignal::new(0);
    static FLUSHING: Cell<bool> = const { Cell::new(false) };
    static AGAIN: Cell<bool> = const { Cell::new(false) };
    static LISTENING: Cell<bool> = const { Cell::new(false) };
}

fn key(owner: &str) -> String {
    format!("daoshi.outbox.{owner}")
}

fn owner() -> Option<String> {
    OWNER.with(|o| o.borrow().clone())
}

/// Tracks changes of the outbox (read it inside a reactive scope to be
/// rerun when entries are added, sent or fail).
pub fn track() -> u64 {
    VERSION.with(|v| v.get())
}

fn bump() {
    VERSION.with(|v| v.update(|n| *n += 1));
}

/// The entries of the signed-in user, oldest first.
pub fn entries() -> Vec<Entry> {
    owner()
        .and_then(|o| storage::get(&key(&o)))
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

fn write(entries: &[Entry]) {
    let Some(o) = owner() else { return };
    if entries.is_empty() {
        storage::remove(&key(&o));
    } else if let Ok(s) = serde_json::to_string(entries) {
        storage::set(&key(&o), &s);
    }
    bump();
}

fn update(f: impl FnOnce(&mut Vec<Entry>)) {
    let mut all = entries();
    f(&mut all);
    write(&all);
}

/// Adds an entry (stored before anything is sent), then tries to send.
pub fn push(entry: Entry) {
    update(|all| all.push(entry));
    flush();
}

/// Clears an entry's failure and sends it again.
pub fn retry(client_key: &str) {
    update(|all| {
        for e in all.iter_mut().filter(|e| e.client_key == client_key) {
            e.failed = None;
        }
    });
    flush();
}

/// Drops an entry (a failed one the user gives up on).
pub fn discard(client_key: &str) {
    update(|all| all.retain(|e| e.client_key != client_key));
}

/// Whether the browser believes it is online.
pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// A new client key: a random UUID v4.
pub fn new_key() -> String {
    let mut b = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"crypto".into()).ok())
        .and_then(|c| {
            let arr = js_sys::Uint8Array::new_with_length(16);
            let f = js_sys::Reflect::get(&c, &"getRandomValues".into())
                .ok()?
                .dyn_into::<js_sys::Function>()
                .ok()?;
            f.call1(&c, &arr).ok()?;
            arr.copy_to(&mut b);
            Some(())
        });
    if filled.is_none() {
        for x in b.iter_mut() {
            *x = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid_v4(b)
}

fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// What to do with an entry after a send.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Recorded,
    Keep,
    Refused,
}

fn outcome(r: &Result<(), ApiError>) -> Outcome {
    match r {
        Ok(()) => Outcome::Recorded,
        Err(
            ApiError::Validation(_)
            | ApiError::Conflict(_)
            | ApiError::Forbidden(_)
            | ApiError::NotFound,
        ) => Outcome::Refused,
        Err(_) => Outcome::Keep,
    }
}

async fn send(e: &Entry) -> Result<(), ApiError> {
    if let Some(c) = &e.concern {
        let input = ops::raise_concern::RaiseConcernInput {
            client_key: e.client_key.clone(),
            student_id: e.student_id.clone(),
            level: ops::ConcernLevel(c.level.clone()),
            category: ops::ConcernCategory(c.category.clone()),
            seen: e.summary.clone(),
            seen_at: Some(e.occurred_at.clone()),
            others_aware: String::new(),
        };
        api::query::<ops::RaiseConcern>(ops::raise_concern::Variables { input }).await?;
        return Ok(());
    }
    let input = ops::log_activity::ActivityInput {
        client_key: e.client_key.clone(),
        kind: ops::ActivityKind(e.kind.clone()),
        student_ids: std::iter::once(e.student_id.clone())
            .chain(e.more_students.iter().map(|s| s.0.clone()))
            .collect(),
        occurred_at: Some(e.occurred_at.clone()),
        place: None,
        channel: Some(ops::Channel(e.channel.clone())),
        trigger: e.trigger.clone().map(ops::Trigger),
        guidance_areas: e
            .guidance_areas
            .iter()
            .cloned()
            .map(ops::GuidanceArea)
            .collect(),
        optional_action: e.optional_action.clone(),
        summary: e.summary.clone(),
        follow_up: e.follow_up.clone(),
        follow_up_due: None,
        co_mentor_ids: e.co_mentor_ids.clone(),
        with_head_teacher: e.with_head_teacher,
        backdate_reason: e.backdate_reason.clone(),
    };
    let data = api::query::<ops::LogActivity>(ops::log_activity::Variables { input }).await?;
    if data.log_activity.client_key == e.client_key {
        Ok(())
    } else {
        Err(ApiError::Internal)
    }
}

/// Sends every pending entry, one at a time; a call while sending makes the
/// running pass go round once more.
pub fn flush() {
    if owner().is_none() || !online() {
        return;
    }
    if FLUSHING.with(|f| f.replace(true)) {
        AGAIN.with(|a| a.set(true));
        return;
    }
    leptos::task::spawn_local(async move {
        loop {
            AGAIN.with(|a| a.set(false));
            if !send_pending().await {
                // The network is down again: stop until it is back.
                AGAIN.with(|a| a.set(false));
            }
            if !AGAIN.with(|a| a.get()) {
                break;
            }
        }
        FLUSHING.with(|f| f.set(false));
    });
}

/// One pass over the pending entries, oldest first: a recorded entry
/// leaves, a refused one is marked failed. Answers `false` when the network
/// failed (the pass stops there, the rest stays pending).
async fn send_pending() -> bool {
    let pending: Vec<Entry> = entries()
        .into_iter()
        .filter(|e| e.failed.is_none())
        .collect();
    for e in pending {
        let r = send(&e).await;
        match outcome(&r) {
            Outcome::Recorded => update(|all| all.retain(|x| x.client_key != e.client_key)),
            Outcome::Refused => {
                let msg = r.err().map(|err| refusal(&err)).unwrap_or_default();
                update(|all| {
                    for x in all.iter_mut().filter(|x| x.client_key == e.client_key) {
                        x.failed = Some(msg.clone());
                    }
                });
            }
            Outcome::Keep => return false,
        }
    }
    true
}

/// The sign-out's last try: sends what is waiting (when online) and answers
/// how many entries are still on this device, pending or refused. (A pass
/// of [`flush`] may be sending the same entries; the server records a
/// client key once, so that is harmless.)
pub async fn send_before_sign_out() -> usize {
    if owner().is_some() && online() {
        send_pending().await;
    }
    entries().len()
}

/// Deletes every entry of the signed-in user from this device (the user
/// chose to sign out without them).
pub fn purge() {
    write(&[]);
}

/// Binds the outbox to the signed-in user, sends what is waiting (the app
/// start) and sends again whenever the browser comes back online. Mounted
/// once in the signed-in shell; renders nothing but a notice when offline.
#[component]
pub fn OutboxSync() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let is_online = RwSignal::new(online());
    Effect::new(move |_| {
        let staff = session
            .user
            .with(|u| u.as_ref().and_then(|u| u.staff_id.clone()));
        OWNER.with(|o| *o.borrow_mut() = staff.clone());
        bump();
        if staff.is_some() {
            flush();
        }
    });
    if !LISTENING.with(|l| l.replace(true))
        && let Some(w) = web_sys::window()
    {
        register_service_worker(&w);
        let on = Closure::<dyn Fn()>::new(move || {
            if !is_online.is_disposed() {
                is_online.set(true);
            }
            flush();
        });
        let off = Closure::<dyn Fn()>::new(move || {
            if !is_online.is_disposed() {
                is_online.set(false);
            }
        });
        let _ = w.add_event_listener_with_callback("online", on.as_ref().unchecked_ref());
        let _ = w.add_event_listener_with_callback("offline", off.as_ref().unchecked_ref());
        on.forget();
        off.forget();
    }
    move || {
        let pending = {
            track();
            entries().iter().filter(|e| e.failed.is_none()).count() as i64
        };
        (!is_online.get() || pending > 0).then(|| {
            view! {
                <p class="outbox-bar" role="status" id="outbox-status">
                    {move || {
                        if is_online.get() {
                            (i18n.t().mentoring.pending_count)(&i18n.num(pending))
                        } else {
                            format!(
                                "{} {}",
                                i18n.t().mentoring.offline,
                                (i18n.t().mentoring.pending_count)(&i18n.num(pending)),
                            )
                        }
                    }}
                </p>
            }
        })
    }
}

/// Registers `/sw.js`, which keeps the app shell for opening offline
/// (best effort: browsers without service workers, or pages that are not a
/// secure context, simply go without).
fn register_service_worker(w: &web_sys::Window) {
    let nav = w.navigator();
    let Some(sw) = js_sys::Reflect::get(&nav, &"serviceWorker".into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
    else {
        return;
    };
    if let Some(register) = js_sys::Reflect::get(&sw, &"register".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        && let Ok(p) = register.call1(&sw, &"/sw.js".into())
        && let Ok(p) = p.dyn_into::<js_sys::Promise>()
    {
        // A refused registration is not worth an unhandled rejection.
        let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
        let _ = p.catch(&ignore);
        ignore.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_version_4_uuids() {
        let k = uuid_v4([0xff; 16]);
        assert_eq!(k.len(), 36);
        assert_eq!(&k[14..15], "4");
        assert!(matches!(&k[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn only_refusals_fail_an_entry() {
        assert_eq!(outcome(&Ok(())), Outcome::Recorded);
        assert_eq!(outcome(&Err(ApiError::Network)), Outcome::Keep);
        assert_eq!(outcome(&Err(ApiError::Internal)), Outcome::Keep);
        assert_eq!(outcome(&Err(ApiError::Unauthenticated)), Outcome::Keep);
        assert_eq!(
            outcome(&Err(ApiError::Forbidden(String::new()))),
            Outcome::Refused
        );
        assert_eq!(
            outcome(&Err(ApiError::Validation("x".into()))),
            Outcome::Refused
        );
    }
}
