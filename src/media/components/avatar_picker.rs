//! Choose a picture for a person or a group: pick a file, watch it upload, and hand the
//! stored image to the caller, which makes it the avatar.

use crate::media::model::{ACCEPTED_TYPES, Media};
use crate::ui::avatar::Avatar;
use dioxus::prelude::*;

#[component]
pub fn AvatarPicker(name: String, url: Option<String>, label: String, on_uploaded: EventHandler<Media>) -> Element {
    let progress = use_signal(|| None::<f64>);
    let error = use_signal(|| None::<String>);
    let on_pick = move |e: FormEvent| {
        let (mut progress, mut error) = (progress, error);
        let Some(file) = crate::browser::files::of_input(&e).into_iter().next() else {
            return;
        };
        error.set(None);
        progress.set(Some(0.0));
        spawn(async move {
            let result = crate::media::api::upload(file, move |p| progress.set(Some(p))).await;
            progress.set(None);
            match result {
                Ok(media) => on_uploaded.call(media),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    rsx! {
        div { class: "avatar-picker",
            Avatar { name, url, size: 64 }
            div { class: "stack-tight",
                label { class: "btn btn-ghost file-button",
                    "{label}"
                    input { class: "visually-hidden", r#type: "file", accept: ACCEPTED_TYPES, disabled: progress().is_some(), onchange: on_pick }
                }
                if let Some(p) = progress() {
                    progress { class: "upload-progress", max: "1", value: "{p}", "aria-label": "Uploading picture" }
                }
                if let Some(message) = error() {
                    p { class: "field-error", role: "alert", "{message}" }
                }
            }
        }
    }
}
