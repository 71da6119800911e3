//! Files the user hands the page (picked, pasted or dropped) and local previews of them.

use dioxus::prelude::{ClipboardEvent, DragEvent, FormEvent};
use dioxus::web::{WebEventExt, WebFileExt};
use wasm_bindgen::JsCast;

/// A file from the user's device.
pub type File = web_sys::File;

fn list(files: Option<web_sys::FileList>) -> Vec<File> {
    let Some(files) = files else { return Vec::new() };
    (0..files.length()).filter_map(|i| files.get(i)).collect()
}

/// The files chosen in an `<input type="file">`.
pub fn of_input(e: &FormEvent) -> Vec<File> {
    e.files().iter().filter_map(|f| f.get_web_file()).collect()
}

/// The files pasted (a screenshot from the clipboard); empty for pasted text.
pub fn of_paste(e: &ClipboardEvent) -> Vec<File> {
    let event = e.data().as_web_event();
    let clipboard = event.dyn_ref::<web_sys::ClipboardEvent>().and_then(|c| c.clipboard_data());
    list(clipboard.and_then(|d| d.files()))
}

/// The files dropped on an element.
pub fn of_drop(e: &DragEvent) -> Vec<File> {
    let event = e.data().as_web_event();
    list(event.data_transfer().and_then(|d| d.files()))
}

/// A local URL showing the file before it is uploaded (empty if the browser refuses).
pub fn preview_url(file: &File) -> String {
    web_sys::Url::create_object_url_with_blob(file).unwrap_or_default()
}

/// Frees a URL made by `preview_url`.
pub fn release_preview(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}
