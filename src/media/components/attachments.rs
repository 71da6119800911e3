//! Images waiting to be sent: each uploads as soon as it is picked, pasted or dropped, shows
//! a local preview with a progress bar, and can be removed. The message goes once all are up.

use crate::media::model::Media;
use dioxus::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub key: u64,
    pub name: String,
    /// A local object URL: the picture shows before the upload ends.
    pub preview: String,
    /// 0.0–1.0 of the bytes sent.
    pub progress: f64,
    pub media: Option<Media>,
    pub error: Option<String>,
}

impl Attachment {
    fn busy(&self) -> bool {
        self.media.is_none() && self.error.is_none()
    }
}

/// Whether any upload is still running.
pub fn uploading(items: &[Attachment]) -> bool {
    items.iter().any(Attachment::busy)
}

/// The images that made it, in the order they were added.
pub fn uploaded(items: &[Attachment]) -> Vec<Media> {
    items.iter().filter_map(|a| a.media.clone()).collect()
}

/// Empties the tray, freeing the local previews.
pub fn clear(mut items: Signal<Vec<Attachment>>) {
    for item in items.write().drain(..) {
        release(&item.preview);
    }
}

fn release(_preview: &str) {
    #[cfg(feature = "web")]
    let _ = web_sys::Url::revoke_object_url(_preview);
}

/// The previews above the message box.
#[component]
pub fn AttachmentTray(items: Signal<Vec<Attachment>>) -> Element {
    if items.read().is_empty() {
        return rsx! {};
    }
    let mut items = items;
    rsx! {
        ul { class: "attachment-tray", "aria-label": "Images to send",
            for item in items.read().iter().cloned() {
                li { key: "{item.key}", class: if item.error.is_some() { "attachment failed" } else { "attachment" },
                    img { src: "{item.preview}", alt: "{item.name}" }
                    if item.busy() {
                        progress { class: "attachment-progress", max: "1", value: "{item.progress}", "aria-label": "Uploading {item.name}" }
                    }
                    if let Some(error) = &item.error {
                        span { class: "attachment-error", role: "alert", title: "{error}", "{error}" }
                    }
                    button {
                        class: "attachment-remove",
                        r#type: "button",
                        "aria-label": "Remove {item.name}",
                        onclick: move |_| {
                            items.write().retain(|a| a.key != item.key);
                            release(&item.preview);
                        },
                        "✕"
                    }
                }
            }
        }
    }
}

#[cfg(feature = "web")]
pub use web::{add_files, files_of_drop, files_of_input, files_of_paste};

#[cfg(feature = "web")]
mod web {
    use super::*;
    use crate::media::model::{MAX_PER_MESSAGE, MAX_UPLOAD_BYTES};
    use dioxus::web::{WebEventExt, WebFileExt};
    use wasm_bindgen::JsCast;

    fn list(files: Option<web_sys::FileList>) -> Vec<web_sys::File> {
        let Some(files) = files else { return Vec::new() };
        (0..files.length()).filter_map(|i| files.get(i)).collect()
    }

    pub fn files_of_input(e: &FormEvent) -> Vec<web_sys::File> {
        e.files().iter().filter_map(|f| f.get_web_file()).collect()
    }

    pub fn files_of_paste(e: &ClipboardEvent) -> Vec<web_sys::File> {
        let event = e.data().as_web_event();
        let clipboard = event.dyn_ref::<web_sys::ClipboardEvent>().and_then(|c| c.clipboard_data());
        list(clipboard.and_then(|d| d.files()))
    }

    pub fn files_of_drop(e: &DragEvent) -> Vec<web_sys::File> {
        let event = e.data().as_web_event();
        list(event.data_transfer().and_then(|d| d.files()))
    }

    /// Starts uploading each file (up to five per message in all).
    pub fn add_files(mut items: Signal<Vec<Attachment>>, files: Vec<web_sys::File>) {
        for file in files {
            if items.read().len() >= MAX_PER_MESSAGE {
                break;
            }
            let key = (js_sys::Math::random() * 1e15) as u64;
            let preview = web_sys::Url::create_object_url_with_blob(&file).unwrap_or_default();
            // Said here at once instead of after sending 11 MB; the server checks again anyway.
            let error = (file.size() > MAX_UPLOAD_BYTES as f64).then(|| "Images are at most 10 MB.".to_owned());
            let start = error.is_none();
            items.write().push(Attachment { key, name: file.name(), preview, progress: 0.0, media: None, error });
            if !start {
                continue;
            }
            spawn(async move {
                let on_progress = move |p: f64| {
                    if let Some(a) = items.write().iter_mut().find(|a| a.key == key) {
                        a.progress = p;
                    }
                };
                let result = crate::media::api::upload(file, on_progress).await;
                if let Some(a) = items.write().iter_mut().find(|a| a.key == key) {
                    match result {
                        Ok(media) => a.media = Some(media),
                        Err(e) => a.error = Some(e.message),
                    }
                }
            });
        }
    }
}
