use crate::app::Route;
use crate::auth::components::{LoginForm, RegisterForm};
use dioxus::prelude::*;

#[component]
fn AuthCard(title: String, subtitle: String, children: Element, footer: Element) -> Element {
    // Signed out (or revoked) on this device: nothing of the last user stays on it.
    use_effect(|| {
        spawn(crate::offline::wipe());
    });
    rsx! {
        main { class: "auth-page",
            div { class: "auth-card",
                div { class: "auth-brand",
                    span { class: "brand-mark brand-mark-lg", "aria-hidden": "true", "P" }
                    span { class: "brand-name", "Parlor" }
                }
                h1 { "{title}" }
                p { class: "muted", "{subtitle}" }
                {children}
                div { class: "auth-footer", {footer} }
            }
        }
    }
}

#[component]
pub fn LoginPage(next: String) -> Element {
    rsx! {
        document::Title { "Sign in · Parlor" }
        AuthCard { title: "Sign in", subtitle: "Welcome back. Your conversations are waiting.",
            footer: rsx! { "New here? " Link { to: Route::RegisterPage {}, "Create an account" } },
            LoginForm { next }
        }
    }
}

#[component]
pub fn RegisterPage() -> Element {
    rsx! {
        document::Title { "Create account · Parlor" }
        AuthCard { title: "Create your account", subtitle: "Chat with your team, family or community, on your own server.",
            footer: rsx! { "Already have an account? " Link { to: Route::LoginPage { next: String::new() }, "Sign in" } },
            RegisterForm {}
        }
    }
}
