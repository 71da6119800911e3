//! The browser side of the device copy: a key-value store of JSON strings (IndexedDB, in
//! public/pwa.js). Every call fails soft: without storage the app still works online.

#[cfg(feature = "web")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = parlorDevice, js_name = load, catch)]
        pub async fn load(key: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = parlorDevice, js_name = save, catch)]
        pub async fn save(key: &str, value: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = parlorDevice, js_name = remove, catch)]
        pub async fn remove(key: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = parlorDevice, js_name = wipe, catch)]
        pub async fn wipe() -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = parlorDevice, js_name = online, catch)]
        pub fn online() -> Result<bool, JsValue>;
    }
}

use serde::{Serialize, de::DeserializeOwned};
use std::cell::Cell;

thread_local! {
    /// Set once the copy is wiped: saves still in flight must not bring it back.
    static WIPED: Cell<bool> = const { Cell::new(false) };
}

pub async fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    #[cfg(feature = "web")]
    {
        let text = js::load(key).await.ok()?.as_string()?;
        serde_json::from_str(&text).ok()
    }
    #[cfg(not(feature = "web"))]
    {
        let _ = key;
        None
    }
}

/// Stores JSON text under `key`.
pub async fn save_json(key: &str, json: &str) {
    if WIPED.with(Cell::get) {
        return;
    }
    #[cfg(feature = "web")]
    let _ = js::save(key, json).await;
    #[cfg(not(feature = "web"))]
    let _ = (key, json);
}

pub async fn save<T: Serialize>(key: &str, value: &T) {
    if let Ok(json) = serde_json::to_string(value) {
        save_json(key, &json).await;
    }
}

pub async fn remove(key: &str) {
    #[cfg(feature = "web")]
    let _ = js::remove(key).await;
    #[cfg(not(feature = "web"))]
    let _ = key;
}

/// Empties the copy and keeps it empty for the rest of this page (sign-out).
pub async fn wipe() {
    WIPED.with(|w| w.set(true));
    clear().await;
}

/// Empties the copy (another user signed in on this device).
pub async fn clear() {
    remove_now(OUTBOX_PREFIX);
    #[cfg(feature = "web")]
    let _ = js::wipe().await;
}

/// Where a user's outbox is kept. Unlike IndexedDB, local storage is written before the call
/// returns: a message queued and then a page left or reloaded at once is still on the device.
/// The key names its user, so it can be restored at once, before the owner check has run.
pub fn outbox_key(user: uuid::Uuid) -> String {
    format!("{OUTBOX_PREFIX}{user}")
}

const OUTBOX_PREFIX: &str = "parlor:outbox:";

#[cfg(feature = "web")]
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Stores JSON text under `key` before returning (small values only: local storage is synchronous).
pub fn save_now(key: &str, json: &str) {
    if WIPED.with(Cell::get) {
        return;
    }
    #[cfg(feature = "web")]
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, json);
    }
    #[cfg(not(feature = "web"))]
    let _ = (key, json);
}

pub fn load_now<T: DeserializeOwned>(key: &str) -> Option<T> {
    #[cfg(feature = "web")]
    return serde_json::from_str(&local_storage()?.get_item(key).ok()??).ok();
    #[cfg(not(feature = "web"))]
    {
        let _ = key;
        None
    }
}

/// Removes every key that starts with `prefix`.
fn remove_now(prefix: &str) {
    #[cfg(feature = "web")]
    if let Some(storage) = local_storage() {
        let count = storage.length().unwrap_or(0);
        let keys: Vec<String> =
            (0..count).filter_map(|i| storage.key(i).ok().flatten()).filter(|k| k.starts_with(prefix)).collect();
        for key in keys {
            let _ = storage.remove_item(&key);
        }
    }
    #[cfg(not(feature = "web"))]
    let _ = prefix;
}

/// What the browser believes about the network (true when it cannot tell).
pub fn browser_online() -> bool {
    #[cfg(feature = "web")]
    return js::online().unwrap_or(true);
    #[cfg(not(feature = "web"))]
    true
}
