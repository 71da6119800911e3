//! The root component and the routes. The static head (viewport, manifest, icons, pwa.js)
//! is in index.html, which dx turns into the page template.

use crate::ui::hydrated::use_hydrated;
use crate::views::{
    AppShell, ChatPage, ContactsPage, GroupPage, HomePage, LoginPage, MessagePage, NotFoundPage, RegisterPage,
    SettingsPage,
};
use dioxus::prelude::*;
use uuid::Uuid;

#[derive(Clone, Routable, Debug, PartialEq)]
#[rustfmt::skip]
pub enum Route {
    #[layout(AppShell)]
        #[route("/")]
        HomePage {},
        #[route("/chats/:id")]
        ChatPage { id: Uuid },
        #[route("/chats/:id/m/:message")]
        MessagePage { id: Uuid, message: Uuid },
        #[route("/g/:slug")]
        GroupPage { slug: String },
        #[route("/settings")]
        SettingsPage {},
        #[route("/contacts")]
        ContactsPage {},
    #[end_layout]
    #[route("/login?:next")]
    LoginPage { next: String },
    #[route("/register")]
    RegisterPage {},
    #[route("/:..segments")]
    NotFoundPage { segments: Vec<String> },
}

const STYLES: Asset = asset!("/assets/main.css");

#[component]
pub fn App() -> Element {
    crate::browser::use_csp_safe_document();
    // Flips once the WASM client has hydrated the page; browser tests wait for it.
    let hydrated = use_hydrated();
    rsx! {
        document::Title { "Parlor" }
        document::Stylesheet { href: STYLES }
        Router::<Route> {}
        span { id: "hydrated", hidden: true, "data-ready": "{hydrated}" }
    }
}
