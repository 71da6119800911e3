//! Keyboard shortcuts that work wherever the focus is (even with nothing focused).

use dioxus::prelude::*;

/// Calls `handler` when Ctrl+`key` (Cmd+`key` on a Mac) is pressed anywhere on the page,
/// instead of the browser's own use of the keys. Installed once, when the caller mounts.
pub fn use_shortcut(key: char, handler: Callback<()>) {
    use_effect(move || {
        let key = key.to_ascii_lowercase();
        // A document listener: key events with no focused element never reach components.
        // The promise that never settles keeps the channel to Rust open.
        let script = format!(
            "document.addEventListener('keydown', (e) => {{
                if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === '{key}') {{
                    e.preventDefault();
                    dioxus.send(true);
                }}
            }});
            await new Promise(() => {{}});"
        );
        spawn(async move {
            let mut listener = document::eval(&script);
            while listener.recv::<bool>().await.is_ok() {
                handler.call(());
            }
        });
    });
}
