use crate::app::Route;
use crate::auth::components::search_as_typed;
use crate::auth::model::User;
use crate::chats::{api, store::ChatStore};
use crate::ui::avatar::Avatar;
use crate::ui::dialog::Dialog;
use crate::ui::form::ErrorBanner;
use dioxus::prelude::*;

/// Start a direct chat with someone found by username, or make a group.
#[component]
pub fn NewChatDialog(on_close: EventHandler<()>) -> Element {
    let mut store = use_context::<ChatStore>();
    let query = use_signal(String::new);
    let results = use_signal(Vec::<User>::new);
    let mut group_mode = use_signal(|| false);
    let mut group_name = use_signal(String::new);
    let mut picked = use_signal(Vec::<User>::new);
    let mut error = use_signal(|| None::<String>);
    let navigator = use_navigator();

    let search = move |value: String| search_as_typed(query, results, error, value);

    let mut open = move |chat: crate::chats::model::Chat| {
        let id = chat.id;
        if !store.list.chats.read().iter().any(|c| c.id == id) {
            store.list.chats.write().insert(0, chat);
        }
        on_close.call(());
        navigator.push(Route::ChatPage { id });
    };

    let mut choose = move |user: User| {
        if group_mode() {
            if !picked.read().iter().any(|u| u.id == user.id) {
                picked.write().push(user);
            }
            return;
        }
        spawn(async move {
            match api::open_direct(user.id).await {
                Ok(res) => open(res.chat),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };

    let create_group = move |evt: FormEvent| {
        evt.prevent_default();
        spawn(async move {
            let ids = picked.read().iter().map(|u| u.id).collect();
            match api::create_group(group_name(), ids).await {
                Ok(res) => open(res.chat),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };

    rsx! {
        Dialog { id: "new-chat", title: if group_mode() { "New group".to_string() } else { "New chat".to_string() }, on_close,
            div { class: "tabs", role: "tablist",
                button { class: if group_mode() { "tab" } else { "tab active" }, role: "tab", "aria-selected": !group_mode(), onclick: move |_| group_mode.set(false), "Person" }
                button { class: if group_mode() { "tab active" } else { "tab" }, role: "tab", "aria-selected": group_mode(), onclick: move |_| group_mode.set(true), "Group" }
            }
            ErrorBanner { message: error() }
            if group_mode() {
                form { class: "stack", onsubmit: create_group,
                    div { class: "field",
                        label { r#for: "group-name", "Group name" }
                        input { id: "group-name", value: "{group_name}", oninput: move |e| group_name.set(e.value()) }
                    }
                    if !picked.read().is_empty() {
                        div { class: "chips", "aria-label": "Members",
                            for user in picked() {
                                button {
                                    key: "{user.id}",
                                    class: "chip",
                                    r#type: "button",
                                    "aria-label": "Remove {user.display_name}",
                                    onclick: move |_| picked.write().retain(|u| u.id != user.id),
                                    "{user.display_name} ✕"
                                }
                            }
                        }
                    }
                    button { class: "btn btn-primary", r#type: "submit", disabled: group_name().trim().is_empty(), "Create group" }
                }
            }
            div { class: "field",
                label { r#for: "user-search", if group_mode() { "Add people" } else { "Find someone by username" } }
                input {
                    id: "user-search",
                    r#type: "search",
                    autocomplete: "off",
                    placeholder: "username",
                    value: "{query}",
                    oninput: move |e| search(e.value()),
                }
            }
            ul { class: "user-results", "aria-label": "People",
                for user in results() {
                    li { key: "{user.id}",
                        button { class: "user-result", r#type: "button", onclick: move |_| choose(user.clone()),
                            Avatar { name: user.display_name.clone(), url: user.avatar_url.clone(), size: 36 }
                            span { class: "user-names",
                                span { class: "me-name", "{user.display_name}" }
                                span { class: "muted me-username", "@{user.username}" }
                            }
                        }
                    }
                }
            }
        }
    }
}
