//! This device's Web Push subscription, through `parlorPush` in public/pwa.js.

use crate::error::AppError;

mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = parlorPush, js_name = state, catch)]
        pub async fn state() -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = parlorPush, js_name = enable, catch)]
        pub async fn enable(public_key: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = parlorPush, js_name = disable, catch)]
        pub async fn disable() -> Result<JsValue, JsValue>;
    }
}

/// "unsupported", "denied", "off" or "on", if the script could tell.
pub async fn state() -> Option<String> {
    js::state().await.ok().and_then(|v| v.as_string())
}

/// Asks for permission and subscribes with the server's VAPID key; answers the subscription
/// as JSON text (empty if the script answered something else).
pub async fn subscribe(public_key: &str) -> Result<String, AppError> {
    let answer = js::enable(public_key).await.map_err(|e| AppError::bad_request("push_unavailable", js_message(&e)))?;
    Ok(answer.as_string().unwrap_or_default())
}

/// Unsubscribes; answers the endpoint that was dropped, if there was one.
pub async fn unsubscribe() -> Option<String> {
    js::disable().await.ok().and_then(|v| v.as_string())
}

fn js_message(error: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "Notifications could not be turned on.".to_owned())
}
