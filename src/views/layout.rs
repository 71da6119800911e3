//! The signed-in shell: a sidebar (brand, the user, navigation, chat list) and a main pane.
//! On a phone only one of the two shows: the sidebar on the home page, the pane elsewhere.

use crate::app::Route;
use crate::auth::{components::SignOutButton, model::User};
use crate::search::components::SearchButton;
use crate::ui::avatar::Avatar;
use dioxus::prelude::*;

#[derive(Clone, Copy, PartialEq)]
pub enum Focus {
    Sidebar,
    Main,
}

#[component]
pub fn Shell(user: User, focus: Focus, sidebar: Element, children: Element) -> Element {
    let focus_class = match focus {
        Focus::Sidebar => "shell focus-sidebar",
        Focus::Main => "shell focus-main",
    };
    let store = use_context::<crate::chats::store::ChatStore>();
    let requests = store.contacts.incoming_count();
    let offline = *store.link.offline.read();
    let contacts_label = match requests {
        0 => "Contacts".to_owned(),
        1 => "Contacts (1 request)".to_owned(),
        n => format!("Contacts ({n} requests)"),
    };
    rsx! {
        if offline {
            p { class: "offline-banner", role: "status", "data-testid": "offline",
                "You're offline. Showing what this device saved; new messages go out when you reconnect."
            }
        }
        div { class: "{focus_class}",
            nav { class: "sidebar", "aria-label": "Chats and account",
                header { class: "sidebar-header",
                    Link { to: Route::HomePage {}, class: "brand grow", "aria-label": "Parlor home",
                        span { class: "brand-mark", "aria-hidden": "true", "P" }
                        span { class: "brand-name", "Parlor" }
                    }
                    SearchButton {}
                    Link { to: Route::ContactsPage {}, class: "icon-btn with-badge", "aria-label": "{contacts_label}", title: "Contacts",
                        svg { view_box: "0 0 24 24", width: "20", height: "20", "aria-hidden": "true",
                            path { fill: "currentColor", d: "M9 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8Zm0 2c3.3 0 7 1.6 7 4v2H2v-2c0-2.4 3.7-4 7-4Zm8-2.5a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm1.2 2.6c1.9.5 3.8 1.6 3.8 3.4V19h-4v-2c0-1.5-.6-2.8-1.6-3.8l1.8-.1Z" }
                        }
                        if requests > 0 {
                            span { class: "icon-badge", "aria-hidden": "true", "{requests}" }
                        }
                    }
                    Link { to: Route::SettingsPage {}, class: "icon-btn", "aria-label": "Settings", title: "Settings",
                        svg { view_box: "0 0 24 24", width: "20", height: "20", "aria-hidden": "true",
                            path { fill: "currentColor", d: "M12 15.5A3.5 3.5 0 1 1 12 8.5a3.5 3.5 0 0 1 0 7Zm7.4-2.5a7.4 7.4 0 0 0 0-2l2-1.6-2-3.4-2.4 1a7.6 7.6 0 0 0-1.7-1L15 3h-4l-.4 2.5a7.6 7.6 0 0 0-1.7 1l-2.4-1-2 3.4 2 1.6a7.4 7.4 0 0 0 0 2l-2 1.6 2 3.4 2.4-1c.5.4 1.1.8 1.7 1L11 21h4l.4-2.5c.6-.3 1.2-.6 1.7-1l2.4 1 2-3.4-2-1.6Z" }
                        }
                    }
                }
                {sidebar}
                footer { class: "sidebar-footer",
                    div { class: "me",
                        Avatar { name: user.display_name.clone(), url: user.avatar_url.clone(), size: 36 }
                        div { class: "me-text",
                            span { class: "me-name", "data-testid": "me-name", "{user.display_name}" }
                            span { class: "me-username muted", "@{user.username}" }
                        }
                    }
                    SignOutButton {}
                }
            }
            main { class: "pane", {children} }
        }
    }
}
