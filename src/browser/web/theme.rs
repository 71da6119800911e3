//! The theme choice kept by `parlorTheme` in public/pwa.js, which applies it before the first
//! paint (so a forced theme never flashes the other one).

mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = parlorTheme, js_name = get, catch)]
        pub fn get() -> Result<String, JsValue>;
        #[wasm_bindgen(js_namespace = parlorTheme, js_name = set, catch)]
        pub fn set(theme: &str) -> Result<(), JsValue>;
    }
}

/// The stored choice, if the script could tell.
pub fn get() -> Option<String> {
    js::get().ok()
}

pub fn set(theme: &str) {
    let _ = js::set(theme);
}
