//! Uploading a file with XMLHttpRequest rather than fetch: only it reports upload progress,
//! which a person sending a 10 MB photo on a phone wants to see.

use crate::error::AppError;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

fn js_error(_: wasm_bindgen::JsValue) -> AppError {
    AppError::network("The browser could not start the upload.")
}

/// POSTs `file` to `path` as the form field "file"; `on_progress` hears 0.0–1.0 as the bytes
/// leave. Answers the status (0 if the request was interrupted) and the text.
pub async fn post_file(
    path: &str,
    file: web_sys::File,
    mut on_progress: impl FnMut(f64) + 'static,
) -> Result<(u16, String), AppError> {
    let xhr = web_sys::XmlHttpRequest::new().map_err(js_error)?;
    xhr.open("POST", path).map_err(js_error)?;
    xhr.set_request_header("accept", "application/json").map_err(js_error)?;
    let form = web_sys::FormData::new().map_err(js_error)?;
    form.append_with_blob_and_filename("file", &file, &file.name()).map_err(js_error)?;

    let (done_tx, done_rx) = futures_channel::oneshot::channel::<()>();
    let done_tx = Rc::new(RefCell::new(Some(done_tx)));
    let on_end = Closure::<dyn FnMut()>::new(move || {
        if let Some(tx) = done_tx.borrow_mut().take() {
            let _ = tx.send(());
        }
    });
    xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    let on_step = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            on_progress(e.loaded() / e.total());
        }
    });
    if let Ok(target) = xhr.upload() {
        target.set_onprogress(Some(on_step.as_ref().unchecked_ref()));
    }
    xhr.send_with_opt_form_data(Some(&form)).map_err(js_error)?;
    let _ = done_rx.await;
    // The handlers must live until the request ends; now they may go.
    drop((on_end, on_step));

    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    Ok((status, text))
}
