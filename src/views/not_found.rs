use crate::app::Route;
use dioxus::prelude::*;

#[component]
pub fn NotFoundPage(segments: Vec<String>) -> Element {
    let _ = segments;
    crate::ui::navigation::not_found_status();
    rsx! {
        document::Title { "Not found · Parlor" }
        main { class: "auth-page",
            div { class: "auth-card center",
                h1 { "Page not found" }
                p { class: "muted", "This page does not exist, or you cannot see it." }
                Link { to: Route::HomePage {}, class: "btn btn-primary", "Go to your chats" }
            }
        }
    }
}

/// Shown if a private page renders without a session (the server normally redirects first).
#[component]
pub fn SignedOut() -> Element {
    rsx! {
        main { class: "auth-page",
            div { class: "auth-card center",
                h1 { "You are signed out" }
                a { href: "/login", class: "btn btn-primary", "Sign in" }
            }
        }
    }
}
