//! The device copy as JSON values: IndexedDB (`browser::device`) for the bulk, local storage
//! (`browser::storage`) for the outbox. Every call fails soft: without storage the app still
//! works online.

use crate::browser;
use serde::{Serialize, de::DeserializeOwned};
use std::cell::Cell;

thread_local! {
    /// Set once the copy is wiped: saves still in flight must not bring it back.
    static WIPED: Cell<bool> = const { Cell::new(false) };
}

pub async fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let text = browser::device::load(key).await?;
    serde_json::from_str(&text).ok()
}

/// Stores JSON text under `key`.
pub async fn save_json(key: &str, json: &str) {
    if WIPED.with(Cell::get) {
        return;
    }
    browser::device::save(key, json).await;
}

pub async fn save<T: Serialize>(key: &str, value: &T) {
    if let Ok(json) = serde_json::to_string(value) {
        save_json(key, &json).await;
    }
}

pub async fn remove(key: &str) {
    browser::device::remove(key).await;
}

/// Empties the copy and keeps it empty for the rest of this page (sign-out).
pub async fn wipe() {
    WIPED.with(|w| w.set(true));
    clear().await;
}

/// Empties the copy (another user signed in on this device).
pub async fn clear() {
    browser::storage::remove_prefixed(OUTBOX_PREFIX);
    browser::device::wipe().await;
}

/// Where a user's outbox is kept. Unlike IndexedDB, local storage is written before the call
/// returns: a message queued and then a page left or reloaded at once is still on the device.
/// The key names its user, so it can be restored at once, before the owner check has run.
pub fn outbox_key(user: uuid::Uuid) -> String {
    format!("{OUTBOX_PREFIX}{user}")
}

const OUTBOX_PREFIX: &str = "parlor:outbox:";

/// Stores JSON text under `key` before returning (small values only: local storage is synchronous).
pub fn save_now(key: &str, json: &str) {
    if WIPED.with(Cell::get) {
        return;
    }
    browser::storage::set(key, json);
}

pub fn load_now<T: DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_str(&browser::storage::get(key)?).ok()
}

/// What the browser believes about the network (true when it cannot tell).
pub fn browser_online() -> bool {
    browser::device::online()
}
