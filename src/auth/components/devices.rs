use crate::auth::{api, model::SessionInfo};
use crate::ui::form::ErrorBanner;
use crate::ui::navigation::go_to;
use chrono::{DateTime, Utc};
use dioxus::prelude::*;
use uuid::Uuid;

/// The signed-in devices; each other device can be signed out from here.
#[component]
pub fn DeviceList(sessions: Vec<SessionInfo>, on_change: EventHandler<()>) -> Element {
    let mut error = use_signal(|| None::<String>);
    let revoke = move |id: Uuid, current: bool| {
        spawn(async move {
            error.set(None);
            match api::revoke_session(id).await {
                Ok(()) if current => go_to("/login"),
                Ok(()) => on_change.call(()),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    rsx! {
        ErrorBanner { message: error() }
        ul { class: "device-list", "aria-label": "Signed-in devices",
            for s in sessions {
                li { key: "{s.id}", class: "device", "data-session": "{s.id}",
                    div { class: "device-main",
                        span { class: "device-name", "{s.device_name}" }
                        if s.current { span { class: "badge", "This device" } }
                        span { class: "muted device-meta",
                            {format!("{} · active {}", s.ip.clone().unwrap_or_else(|| "unknown address".into()), ago(s.last_active_at))}
                        }
                    }
                    button {
                        class: "btn btn-ghost",
                        r#type: "button",
                        "aria-label": "Sign out {s.device_name}",
                        onclick: move |_| revoke(s.id, s.current),
                        "Sign out"
                    }
                }
            }
        }
    }
}

/// "just now", "5 min ago", "3 h ago", or the date.
fn ago(at: DateTime<Utc>) -> String {
    let secs = (Utc::now() - at).num_seconds().max(0);
    match secs {
        0..60 => "just now".to_owned(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86400 => format!("{} h ago", secs / 3600),
        _ => at.format("%Y-%m-%d").to_string(),
    }
}
