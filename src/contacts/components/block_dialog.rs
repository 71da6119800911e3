use crate::auth::model::User;
use crate::chats::store::ChatStore;
use crate::contacts::api;
use crate::ui::dialog::Dialog;
use crate::ui::form::ErrorBanner;
use dioxus::prelude::*;

/// Asks before blocking someone, and says what blocking does.
#[component]
pub fn BlockDialog(user: User, on_close: EventHandler<()>) -> Element {
    let mut store = use_context::<ChatStore>();
    let mut error = use_signal(|| None::<String>);
    let id = user.id;
    let confirm = move |_| {
        spawn(async move {
            match api::block(id).await {
                Ok(()) => {
                    store.contacts.forget(id);
                    *store.contacts.stale.write() += 1;
                    on_close.call(());
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    rsx! {
        Dialog { id: "block-user", title: format!("Block {}?", user.display_name), on_close,
            ErrorBanner { message: error() }
            p { "{user.display_name} won't be able to message you, start a chat with you, send you contact requests or see when you're online. They won't be told." }
            p { class: "muted", "Group chats you share are not affected. You can unblock them at any time." }
            div { class: "row end",
                button { class: "btn btn-ghost", r#type: "button", onclick: move |_| on_close.call(()), "Cancel" }
                button { class: "btn btn-danger", r#type: "button", onclick: confirm, "Block" }
            }
        }
    }
}
