use crate::auth::api;
use crate::ui::navigation::go_to;
use dioxus::prelude::*;

/// Signs this device out (or every device with `all`) and goes to the sign-in page.
#[component]
pub fn SignOutButton(
    #[props(default)] all: bool,
    #[props(default = "btn btn-ghost".to_string())] class: String,
) -> Element {
    let label = if all { "Sign out everywhere" } else { "Sign out" };
    rsx! {
        button {
            class: "{class}",
            r#type: "button",
            onclick: move |_| async move {
                // Whatever the answer, this device is done: the server forgets the cookie either way.
                let _ = api::logout(all).await;
                // What this device kept for the user goes with them.
                crate::offline::wipe().await;
                go_to("/login");
            },
            "{label}"
        }
    }
}
