//! Form pieces: a labelled field, an error banner, a submit button.

use dioxus::prelude::*;

#[component]
pub fn Field(
    label: String,
    name: String,
    value: Signal<String>,
    #[props(default = "text".to_string())] kind: String,
    #[props(default)] autocomplete: String,
    #[props(default)] hint: String,
    #[props(default)] error: Option<String>,
) -> Element {
    let id = format!("field-{name}");
    let described = format!("{id}-hint");
    rsx! {
        div { class: "field",
            label { r#for: "{id}", "{label}" }
            input {
                id: "{id}",
                name: "{name}",
                r#type: "{kind}",
                autocomplete: "{autocomplete}",
                value: "{value}",
                "aria-invalid": error.is_some(),
                "aria-describedby": "{described}",
                oninput: move |e| value.set(e.value()),
            }
            if let Some(message) = &error {
                p { id: "{described}", class: "field-error", "{message}" }
            } else if !hint.is_empty() {
                p { id: "{described}", class: "field-hint", "{hint}" }
            }
        }
    }
}

#[component]
pub fn ErrorBanner(message: Option<String>) -> Element {
    rsx! {
        if let Some(text) = message {
            div { class: "banner banner-error", role: "alert", "{text}" }
        }
    }
}

/// A submit button that stays disabled until the page is interactive, so nothing is
/// submitted as a plain HTML form before the app has loaded.
#[component]
pub fn SubmitButton(label: String, busy: bool) -> Element {
    let mut ready = use_signal(|| false);
    use_effect(move || ready.set(true));
    rsx! {
        button {
            class: "btn btn-primary btn-block",
            r#type: "submit",
            disabled: busy || !ready(),
            "data-ready": ready(),
            if busy { span { class: "spinner", "aria-hidden": "true" } }
            "{label}"
        }
    }
}
