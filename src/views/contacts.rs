use crate::app::Route;
use crate::chats::store::ChatStore;
use crate::contacts::components::{AddContact, BlockList, ContactList, RequestLists};
use dioxus::prelude::*;

/// `/contacts`: add people, answer requests, see contacts and the block list (kept live by the store).
#[component]
pub fn ContactsPage() -> Element {
    let mut store = use_context::<ChatStore>();
    // The shell's copy may be older than this visit: refresh it once the page runs.
    use_effect(move || *store.contacts.stale.write() += 1);
    rsx! {
        document::Title { "Contacts · Parlor" }
        div { class: "settings contacts-page",
            header { class: "pane-header",
                Link { to: Route::HomePage {}, class: "icon-btn back", "aria-label": "Back to chats", "←" }
                h1 { "Contacts" }
            }
            section { class: "card", "aria-labelledby": "add-title",
                h2 { id: "add-title", "Add contact" }
                AddContact {}
            }
            RequestLists {}
            section { class: "card", "aria-labelledby": "contacts-title",
                h2 { id: "contacts-title", "Your contacts" }
                ContactList {}
            }
            section { class: "card", "aria-labelledby": "blocked-title",
                h2 { id: "blocked-title", "Blocked" }
                BlockList {}
            }
        }
    }
}
