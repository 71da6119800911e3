//! Keyboard shortcuts that work wherever the focus is (even with nothing focused).

use dioxus::prelude::*;
use futures_util::StreamExt;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

type Listener = Closure<dyn FnMut(web_sys::KeyboardEvent)>;

/// Calls `handler` when Ctrl+`key` (Cmd+`key` on a Mac) is pressed anywhere on the page,
/// instead of the browser's own use of the keys. Installed when the caller mounts, removed
/// when it unmounts.
pub fn use_shortcut(key: char, handler: Callback<()>) {
    let installed: Rc<RefCell<Option<Listener>>> = use_hook(|| Rc::new(RefCell::new(None)));
    let slot = installed.clone();
    use_hook(move || {
        // A listener on the document: key events with no focused element never reach
        // components. It is a plain function, not evaluated text, so the page's CSP needs no
        // 'unsafe-eval'. It hands presses to a task inside the Dioxus runtime.
        let (presses, mut pressed) = futures_channel::mpsc::unbounded::<()>();
        let key = key.to_ascii_lowercase().to_string();
        let listener = Listener::new(move |e: web_sys::KeyboardEvent| {
            if (e.ctrl_key() || e.meta_key()) && !e.alt_key() && !e.shift_key() && e.key().to_lowercase() == key {
                e.prevent_default();
                let _ = presses.unbounded_send(());
            }
        });
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let _ = document.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        *slot.borrow_mut() = Some(listener);
        spawn(async move {
            while pressed.next().await.is_some() {
                handler.call(());
            }
        });
    });
    use_drop(move || {
        if let (Some(listener), Some(document)) =
            (installed.borrow_mut().take(), web_sys::window().and_then(|w| w.document()))
        {
            let _ = document.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
    });
}
