use crate::auth::{
    api,
    model::{UpdateMeRequest, User},
};
use crate::media::components::avatar_picker::AvatarPicker;
use crate::media::model::Media;
use crate::ui::form::{ErrorBanner, Field};
use dioxus::prelude::*;

/// Edit the picture and display name; shows a short confirmation when saved.
#[component]
pub fn ProfileForm(user: User) -> Element {
    let mut avatar_url = use_signal(|| user.avatar_url.clone());
    let mut avatar_error = use_signal(|| None::<String>);
    let set_avatar = move |media: Media| {
        spawn(async move {
            let req = UpdateMeRequest { display_name: None, avatar_media_id: Some(media.id) };
            match api::update_me(&req).await {
                Ok(res) => {
                    avatar_url.set(res.user.avatar_url.clone());
                    if let Some(mut store) = try_use_context::<crate::chats::store::ChatStore>() {
                        store.me.set(res.user);
                    }
                }
                Err(e) => avatar_error.set(Some(e.message)),
            }
        });
    };
    let display_name = use_signal(|| user.display_name.clone());
    let mut error = use_signal(|| None::<String>);
    let mut saved = use_signal(|| false);
    let mut busy = use_signal(|| false);

    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        spawn(async move {
            busy.set(true);
            saved.set(false);
            error.set(None);
            let req = UpdateMeRequest { display_name: Some(display_name()), avatar_media_id: None };
            match api::update_me(&req).await {
                Ok(res) => {
                    saved.set(true);
                    if let Some(mut store) = try_use_context::<crate::chats::store::ChatStore>() {
                        store.me.set(res.user);
                    }
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };

    rsx! {
        form { class: "stack", onsubmit: submit, "aria-label": "Profile",
            ErrorBanner { message: error().or(avatar_error()) }
            AvatarPicker { name: user.display_name.clone(), url: avatar_url(), label: "Change photo", on_uploaded: set_avatar }
            div { class: "field",
                span { class: "field-label", "Username" }
                p { class: "muted", "@{user.username}" }
            }
            Field { label: "Display name", name: "display_name", value: display_name, autocomplete: "name" }
            div { class: "row",
                button { class: "btn btn-primary", r#type: "submit", disabled: busy(), "Save" }
                if saved() { span { class: "saved", role: "status", "Saved" } }
            }
        }
    }
}
