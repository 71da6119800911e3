use crate::auth::components::search_as_typed;
use crate::auth::model::User;
use crate::chats::store::ChatStore;
use crate::contacts::api;
use crate::ui::avatar::Avatar;
use crate::ui::form::ErrorBanner;
use dioxus::prelude::*;

/// Type a username, see who matches, send a request.
#[component]
pub fn AddContact() -> Element {
    let mut store = use_context::<ChatStore>();
    let query = use_signal(String::new);
    let results = use_signal(Vec::<User>::new);
    let mut error = use_signal(|| None::<String>);

    let search = move |value: String| search_as_typed(query, results, error, value);
    let add = move |user: User| {
        spawn(async move {
            error.set(None);
            match api::send_request(user.id).await {
                Ok(res) => {
                    let me = store.me.read().id;
                    if res.request.status == "pending" {
                        store.contacts.add_request(me, res.request);
                    }
                    *store.contacts.stale.write() += 1;
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };

    let book = store.contacts.book.read().clone();
    rsx! {
        ErrorBanner { message: error() }
        div { class: "field",
            label { r#for: "contact-search", "Find people by username" }
            input {
                id: "contact-search",
                r#type: "search",
                autocomplete: "off",
                placeholder: "username",
                value: "{query}",
                oninput: move |e| search(e.value()),
            }
        }
        if !results.read().is_empty() {
            ul { class: "people", "aria-label": "Search results",
                for user in results() {
                    li { key: "{user.id}", class: "person",
                        Avatar { name: user.display_name.clone(), url: user.avatar_url.clone(), size: 40 }
                        span { class: "user-names grow",
                            span { class: "me-name", "{user.display_name}" }
                            span { class: "muted me-username", "@{user.username}" }
                        }
                        if book.is_contact(user.id) {
                            span { class: "badge", "Contact" }
                        } else if book.has_blocked(user.id) {
                            span { class: "badge", "Blocked" }
                        } else if book.pending_with(user.id) {
                            span { class: "badge", "Requested" }
                        } else {
                            button {
                                class: "btn btn-primary small",
                                r#type: "button",
                                "aria-label": "Add {user.display_name} @{user.username}",
                                onclick: move |_| add(user.clone()),
                                "Add"
                            }
                        }
                    }
                }
            }
        }
    }
}
