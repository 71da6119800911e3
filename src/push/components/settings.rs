use crate::push::client;
use crate::ui::form::ErrorBanner;
use dioxus::prelude::*;

/// Turns notifications on or off for this device, and chooses what they show.
#[component]
pub fn NotificationSettings() -> Element {
    // "unsupported", "denied", "off", "on"; "checking" until the browser answers.
    let mut state = use_signal(|| "checking".to_owned());
    let mut previews = use_signal(|| true);
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);
    use_effect(move || {
        spawn(async move {
            state.set(client::device_state().await);
            if let Ok(settings) = client::settings().await {
                previews.set(settings.previews);
            }
        });
    });
    let toggle = move |_| {
        spawn(async move {
            busy.set(true);
            error.set(None);
            let turning_on = state() != "on";
            let result = if turning_on { client::enable().await } else { client::disable().await };
            if let Err(e) = result {
                error.set(Some(e.message));
            }
            state.set(client::device_state().await);
            busy.set(false);
        });
    };
    let choose_previews = move |e: FormEvent| {
        let wanted = e.checked();
        spawn(async move {
            error.set(None);
            match client::set_previews(wanted).await {
                Ok(settings) => previews.set(settings.previews),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let status = match state().as_str() {
        "on" => "On for this device. You are notified of new messages when Parlor is not on screen.",
        "off" => "Off for this device.",
        "denied" => "Blocked in this browser's site settings. Allow notifications there, then come back.",
        "checking" => "Checking this device…",
        _ => "This browser cannot show notifications. On a phone, install Parlor to the home screen first.",
    };
    let can_toggle = matches!(state().as_str(), "on" | "off");
    rsx! {
        div { class: "stack",
            ErrorBanner { message: error() }
            p { class: "muted", "data-testid": "push-state", "data-state": "{state}", "{status}" }
            div { class: "row",
                button {
                    class: if state() == "on" { "btn btn-ghost" } else { "btn btn-primary" },
                    r#type: "button",
                    disabled: busy() || !can_toggle,
                    onclick: toggle,
                    if state() == "on" { "Turn off notifications" } else { "Turn on notifications" }
                }
            }
            label { class: "choice",
                input { r#type: "checkbox", checked: previews(), onchange: choose_previews }
                span { "Show who wrote and what they said (off: just “New message”)" }
            }
        }
    }
}
