//! Local storage: small values written before the call returns (unlike IndexedDB), so they
//! survive a page left or reloaded at once. Fails soft when storage is unavailable.

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn set(key: &str, text: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, text);
    }
}

pub fn get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok()?
}

/// Removes every key that starts with `prefix`.
pub fn remove_prefixed(prefix: &str) {
    if let Some(storage) = local_storage() {
        let count = storage.length().unwrap_or(0);
        let keys: Vec<String> =
            (0..count).filter_map(|i| storage.key(i).ok().flatten()).filter(|k| k.starts_with(prefix)).collect();
        for key in keys {
            let _ = storage.remove_item(&key);
        }
    }
}
