//! The device copy's key-value store of JSON strings: IndexedDB behind `parlorDevice` in
//! public/pwa.js. Every call fails soft: without storage the app still works online.

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

/// The text stored under `key`, if any.
pub async fn load(key: &str) -> Option<String> {
    js::load(key).await.ok()?.as_string()
}

pub async fn save(key: &str, text: &str) {
    let _ = js::save(key, text).await;
}

pub async fn remove(key: &str) {
    let _ = js::remove(key).await;
}

/// Empties the whole store.
pub async fn wipe() {
    let _ = js::wipe().await;
}

/// What the browser believes about the network (true when it cannot tell).
pub fn online() -> bool {
    js::online().unwrap_or(true)
}
