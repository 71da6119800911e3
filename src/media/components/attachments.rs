//! Images waiting to be sent: each uploads as soon as it is picked, pasted or dropped, shows
//! a local preview with a progress bar, and can be removed. The message goes once all are up.

use crate::browser::files::{self, File};
use crate::media::model::{MAX_PER_MESSAGE, MAX_UPLOAD_BYTES, Media};
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

fn release(preview: &str) {
    files::release_preview(preview);
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

/// Starts uploading each file (up to five per message in all).
pub fn add_files(mut items: Signal<Vec<Attachment>>, files: Vec<File>) {
    for file in files {
        if items.read().len() >= MAX_PER_MESSAGE {
            break;
        }
        let key = (crate::browser::random() * 1e15) as u64;
        let preview = files::preview_url(&file);
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
