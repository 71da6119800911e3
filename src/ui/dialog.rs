//! A modal dialog: backdrop (click to close), Esc to close, a title and a close button.

use dioxus::prelude::*;

#[component]
pub fn Dialog(id: String, title: String, on_close: EventHandler<()>, children: Element) -> Element {
    let title_id = format!("{id}-title");
    rsx! {
        div { class: "dialog-backdrop", onclick: move |_| on_close.call(()),
            div {
                class: "dialog",
                role: "dialog",
                "aria-modal": "true",
                "aria-labelledby": "{title_id}",
                onclick: move |e| e.stop_propagation(),
                onkeydown: move |e| if e.key() == Key::Escape { on_close.call(()) },
                header { class: "dialog-header",
                    h2 { id: "{title_id}", "{title}" }
                    button { class: "icon-btn", r#type: "button", "aria-label": "Close", onclick: move |_| on_close.call(()), "✕" }
                }
                {children}
            }
        }
    }
}
