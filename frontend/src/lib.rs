//! Daoshi's web app: Leptos, client-side rendered to wasm32 and served by the
//! `daoshi` server. Chinese (zh-CN) first, English second; mobile first.
//!
//! The typed GraphQL operations are compiled against the server's checked-in
//! schema (see `ops`), and every request goes through the one client in `api`.

mod api;
mod app;
mod i18n;
mod ops;
mod outbox;
mod pages;
mod session;
mod storage;
mod ui;

pub use app::App;

/// Starts the app: mounts it on `<body>` and marks the body with
/// `data-app="ready"` so tests (and people) can tell the wasm ran.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    // The page's loading spinner has done its job.
    if let Some(boot) = doc.get_element_by_id("boot") {
        boot.remove();
    }
    if let Some(body) = doc.body() {
        let _ = body.dataset().set("app", "ready");
    }
}
