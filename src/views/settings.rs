use crate::app::Route;
use crate::auth::api::load_sessions;
use crate::auth::components::{DeviceList, ProfileForm, SignOutButton};
use crate::chats::store::ChatStore;
use dioxus::prelude::*;

/// Profile and devices.
#[component]
pub fn SettingsPage() -> Element {
    let mut sessions = use_server_future(load_sessions)?;
    let store = use_context::<ChatStore>();
    let user = store.me.read().clone();
    let devices = match sessions() {
        Some(Ok(list)) => list,
        _ => Vec::new(),
    };
    rsx! {
        document::Title { "Settings · Parlor" }
        div { class: "settings",
            header { class: "pane-header",
                Link { to: Route::HomePage {}, class: "icon-btn back", "aria-label": "Back to chats", "←" }
                h1 { "Settings" }
            }
            section { class: "card", "aria-labelledby": "profile-title",
                h2 { id: "profile-title", "Profile" }
                ProfileForm { user }
            }
            section { class: "card", "aria-labelledby": "notifications-title",
                h2 { id: "notifications-title", "Notifications" }
                crate::push::components::NotificationSettings {}
            }
            section { class: "card", "aria-labelledby": "appearance-title",
                h2 { id: "appearance-title", "Appearance" }
                crate::ui::theme::ThemePicker {}
            }
            section { class: "card", "aria-labelledby": "devices-title",
                h2 { id: "devices-title", "Devices" }
                p { class: "muted", "Where your account is signed in. Sign out any device you do not recognise." }
                DeviceList { sessions: devices, on_change: move |_| sessions.restart() }
                div { class: "row end", SignOutButton { all: true, class: "btn btn-danger" } }
            }
        }
    }
}
