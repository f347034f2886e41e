//! Local storage, reached only once it is known to be there.
//!
//! gloo-storage's `LocalStorage::raw` panics (throws) when the browser blocks storage
//! (private modes, third-party iframes, a user setting), and its typed `get`/`set` store
//! every value as JSON through serde_json, which would link a JSON library into the wasm and
//! turn the plain strings already saved in players' browsers (session codes, settings) into
//! parse errors. So: probe once whether the browser gives a storage object, then hand out
//! gloo's raw storage and keep every read and write checked, since a write can still fail
//! (storage full).

use std::cell::Cell;

use gloo_storage::{LocalStorage, Storage as _};

thread_local! {
    static AVAILABLE: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Local storage, if the browser allows it.
pub fn local() -> Option<web_sys::Storage> {
    let available = AVAILABLE.with(|a| match a.get() {
        Some(known) => known,
        None => {
            let probed = web_sys::window()
                .and_then(|w| w.local_storage().ok().flatten())
                .is_some();
            a.set(Some(probed));
            probed
        }
    });
    available.then(LocalStorage::raw)
}

/// The string stored under `key`, if any.
pub fn read(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

/// Stores a string; false when storage is blocked or full.
pub fn write(key: &str, value: &str) -> bool {
    local().is_some_and(|s| s.set_item(key, value).is_ok())
}

/// Removes a key. Nothing more can be done if removal fails: whatever reads it next checks
/// what it finds.
pub fn remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
}
