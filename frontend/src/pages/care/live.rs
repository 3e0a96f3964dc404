//! The live alerts of the emergency plan: a GraphQL subscription
//! (`careAlerts`) over a WebSocket to `/graphql/ws` (graphql-transport-ws),
//! authenticated with the access token in the init payload. Each event only
//! says that something arrived (ids); the page then reloads what the viewer
//! may see. The socket reconnects after a drop while the page is open.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, WebSocket};

use crate::api::Tokens;

/// The socket of the open page, if any (one page listens at a time).
struct Live {
    ws: Option<WebSocket>,
    stopped: bool,
}

fn url() -> Option<String> {
    let loc = web_sys::window()?.location();
    let scheme = if loc.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/graphql/ws", loc.host().ok()?))
}

fn send(ws: &WebSocket, v: serde_json::Value) {
    let _ = ws.send_with_str(&v.to_string());
}

fn connect(state: Rc<RefCell<Live>>, connected: RwSignal<bool>, bump: RwSignal<u64>) {
    if state.borrow().stopped {
        return;
    }
    let (Some(url), Some(token)) = (url(), Tokens::access()) else {
        return;
    };
    let Ok(ws) = WebSocket::new_with_str(&url, "graphql-transport-ws") else {
        return;
    };
    let w = ws.clone();
    let onopen = Closure::<dyn FnMut()>::new(move || {
        send(
            &w,
            serde_json::json!({ "type": "connection_init", "payload": { "token": token } }),
        );
    });
    ws.set_onopen(Some(onopen.as_ref().unchecked_ref()));
    onopen.forget();
    let w = ws.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let Some(text) = e.data().as_string() else {
            return;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            return;
        };
        match v["type"].as_str() {
            Some("connection_ack") => {
                if !connected.is_disposed() {
                    connected.set(true);
                }
                send(
                    &w,
                    serde_json::json!({ "id": "alerts", "type": "subscribe", "payload": {
                        "query": "subscription { careAlerts { alertId caseId reason } }" } }),
                );
            }
            Some("next") if !bump.is_disposed() => bump.update(|n| *n += 1),
            Some("ping") => send(&w, serde_json::json!({ "type": "pong" })),
            _ => {}
        }
    });
    ws.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let again = state.clone();
    let onclose = Closure::<dyn FnMut()>::new(move || {
        if !connected.is_disposed() {
            connected.set(false);
        }
        let retry = again.clone();
        let f = Closure::once_into_js(move || connect(retry, connected, bump));
        if let Some(win) = web_sys::window() {
            let _ =
                win.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), 3_000);
        }
    });
    ws.set_onclose(Some(onclose.as_ref().unchecked_ref()));
    onclose.forget();
    state.borrow_mut().ws = Some(ws);
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<RefCell<Live>>>> = const { RefCell::new(None) };
}

/// Listens for the caller's alerts while the calling component lives:
/// `bump` is incremented on every alert, `connected` tells whether the
/// socket is up.
pub fn listen(connected: RwSignal<bool>, bump: RwSignal<u64>) {
    stop();
    let state = Rc::new(RefCell::new(Live {
        ws: None,
        stopped: false,
    }));
    CURRENT.with(|c| *c.borrow_mut() = Some(state.clone()));
    connect(state, connected, bump);
    on_cleanup(stop);
}

fn stop() {
    if let Some(s) = CURRENT.with(|c| c.borrow_mut().take()) {
        let mut s = s.borrow_mut();
        s.stopped = true;
        if let Some(ws) = s.ws.take() {
            let _ = ws.close();
        }
    }
}
