use crate::app::Route;
use crate::auth::{api as accounts, model::User};
use crate::chats::{api, model::Chat, store::ChatStore};
use crate::media::components::avatar_picker::AvatarPicker;
use crate::media::model::Media;
use crate::ui::avatar::Avatar;
use crate::ui::dialog::Dialog;
use crate::ui::form::ErrorBanner;
use dioxus::prelude::*;
use uuid::Uuid;

/// A change to the group, run when a button is pressed.
type Action = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), crate::error::AppError>>>>;

/// Group settings: name, members and roles, adding and removing people, leaving, deleting.
#[component]
pub fn GroupPanel(chat_id: Uuid, on_close: EventHandler<()>) -> Element {
    let mut store = use_context::<ChatStore>();
    let mut chat = use_signal(|| None::<Chat>);
    let mut name = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let mut query = use_signal(String::new);
    let mut found = use_signal(Vec::<User>::new);
    let navigator = use_navigator();
    let me = store.me.read().id;

    let reload = move || {
        spawn(async move {
            match api::get_chat(chat_id).await {
                Ok(res) => {
                    name.set(res.chat.name.clone().unwrap_or_default());
                    chat.set(Some(res.chat));
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    use_hook(reload);

    // Runs an action, then shows the group as it is now.
    let act = move |action: Action| {
        spawn(async move {
            match action.await {
                Ok(()) => {
                    error.set(None);
                    reload();
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let gone = move |action: Action| {
        spawn(async move {
            match action.await {
                Ok(()) => {
                    store.list.chats.write().retain(|c| c.id != chat_id);
                    on_close.call(());
                    navigator.push(Route::HomePage {});
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };

    let Some(current) = chat() else {
        return rsx! { Dialog { id: "group", title: "Group settings", on_close, p { class: "muted", "Loading…" } } };
    };
    let my_role = current.members.iter().find(|m| m.user.id == me).map(|m| m.role.clone()).unwrap_or_default();
    let manager = my_role == "owner" || my_role == "admin";
    let owner = my_role == "owner";
    rsx! {
        Dialog { id: "group", title: "Group settings", on_close,
            ErrorBanner { message: error() }
            if manager {
                AvatarPicker {
                    name: current.name.clone().unwrap_or_default(),
                    url: current.avatar_url.clone(),
                    label: "Change group photo",
                    on_uploaded: move |media: Media| act(Box::pin(async move { api::set_avatar(chat_id, media.id).await.map(|_| ()) })),
                }
            }
            if manager {
                form {
                    class: "row",
                    onsubmit: move |e: FormEvent| {
                        e.prevent_default();
                        act(Box::pin(async move { api::rename(chat_id, name()).await.map(|_| ()) }));
                    },
                    div { class: "field grow",
                        label { r#for: "group-name-edit", "Group name" }
                        input { id: "group-name-edit", value: "{name}", oninput: move |e| name.set(e.value()) }
                    }
                    button { class: "btn btn-primary", r#type: "submit", "Rename" }
                }
            }
            h3 { class: "section-title", "{current.members.len()} members" }
            ul { class: "member-list", "aria-label": "Members",
                for (member, uid, next_role, removable) in current.members.iter().map(|m| {
                    let removable = manager && m.user.id != me && m.role != "owner" && (owner || m.role == "member");
                    (m.clone(), m.user.id, if m.role == "admin" { "member" } else { "admin" }, removable)
                }) {
                    li { key: "{member.user.id}", class: "member",
                        Avatar { name: member.user.display_name.clone(), url: member.user.avatar_url.clone(), size: 36 }
                        span { class: "user-names grow",
                            span { class: "me-name", "{member.user.display_name}" }
                            span { class: "muted me-username", "@{member.user.username}" }
                        }
                        if member.role != "member" { span { class: "badge", "{member.role}" } }
                        if owner && member.user.id != me {
                            button {
                                class: "btn btn-ghost small",
                                r#type: "button",
                                onclick: move |_| act(Box::pin(async move { api::change_role(chat_id, uid, next_role).await.map(|_| ()) })),
                                if member.role == "admin" { "Remove admin" } else { "Make admin" }
                            }
                            button {
                                class: "btn btn-ghost small",
                                r#type: "button",
                                onclick: move |_| act(Box::pin(async move { api::change_role(chat_id, uid, "owner").await.map(|_| ()) })),
                                "Make owner"
                            }
                        }
                        if removable {
                            button {
                                class: "btn btn-ghost small danger",
                                r#type: "button",
                                "aria-label": "Remove {member.user.display_name}",
                                onclick: move |_| act(Box::pin(api::remove_member(chat_id, uid))),
                                "Remove"
                            }
                        }
                    }
                }
            }
            if manager {
                div { class: "field",
                    label { r#for: "add-people", "Add people" }
                    input {
                        id: "add-people",
                        r#type: "search",
                        autocomplete: "off",
                        placeholder: "username",
                        value: "{query}",
                        oninput: move |e| {
                            let value = e.value();
                            query.set(value.clone());
                            spawn(async move {
                                if let Ok(res) = accounts::search_users(&value).await && query() == value {
                                    found.set(res.users);
                                }
                            });
                        },
                    }
                }
                ul { class: "user-results",
                    for user in found() {
                        li { key: "{user.id}",
                            button {
                                class: "user-result",
                                r#type: "button",
                                onclick: move |_| {
                                    query.set(String::new());
                                    found.set(Vec::new());
                                    act(Box::pin(async move { api::add_members(chat_id, vec![user.id]).await.map(|_| ()) }));
                                },
                                Avatar { name: user.display_name.clone(), url: user.avatar_url.clone(), size: 32 }
                                span { "Add {user.display_name}" }
                            }
                        }
                    }
                }
            }
            div { class: "row end",
                button { class: "btn btn-ghost", r#type: "button", onclick: move |_| gone(Box::pin(api::leave(chat_id))), "Leave group" }
                if owner {
                    button { class: "btn btn-danger", r#type: "button", onclick: move |_| gone(Box::pin(api::delete_chat(chat_id))), "Delete group" }
                }
            }
        }
    }
}
