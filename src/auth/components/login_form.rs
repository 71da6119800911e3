use crate::auth::{api, model::LoginRequest};
use crate::ui::form::{ErrorBanner, Field, SubmitButton};
use crate::ui::navigation::go_to;
use dioxus::prelude::*;

/// Sign-in form; on success the browser loads `next` (a local path) as a new page.
#[component]
pub fn LoginForm(next: String) -> Element {
    let username = use_signal(String::new);
    let password = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);

    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        if busy() {
            return;
        }
        let next = next.clone();
        spawn(async move {
            busy.set(true);
            error.set(None);
            let req = LoginRequest { username: username(), password: password(), device_name: None };
            match api::login(&req).await {
                Ok(_) => go_to(&local_path(&next)),
                Err(e) => {
                    error.set(Some(e.message));
                    busy.set(false);
                }
            }
        });
    };

    rsx! {
        form { class: "stack", method: "post", onsubmit: submit, "aria-label": "Sign in",
            ErrorBanner { message: error() }
            Field { label: "Username", name: "username", value: username, autocomplete: "username" }
            Field { label: "Password", name: "password", value: password, kind: "password", autocomplete: "current-password" }
            SubmitButton { label: "Sign in", busy: busy() }
        }
    }
}

/// Only same-site paths are followed after sign-in.
pub fn local_path(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}
