//! localStorage access that never panics (private mode, disabled storage).

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Reads a key.
pub fn get(key: &str) -> Option<String> {
    local()?.get_item(key).ok()?
}

/// Writes a key; failures are ignored (the app still works, just forgets).
pub fn set(key: &str, value: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(key, value);
    }
}

/// Removes a key.
pub fn remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
}
