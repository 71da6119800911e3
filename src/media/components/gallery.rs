//! Images in a message: one shows large, several as a grid of square thumbnails. Sizes are
//! known before the bytes arrive, so nothing jumps while they load. A click opens the lightbox.

use crate::media::model::Media;
use dioxus::prelude::*;

/// Largest box a single image takes in the timeline.
const SINGLE_BOX: f64 = 320.0;
/// Side of a thumbnail in a grid.
const GRID_SIDE: u32 = 150;

/// The displayed size of a lone image: it fits inside the box and is never enlarged.
pub fn fit(width: u32, height: u32) -> (u32, u32) {
    if width == 0 || height == 0 {
        return (SINGLE_BOX as u32, SINGLE_BOX as u32);
    }
    let scale = (SINGLE_BOX / f64::from(width)).min(SINGLE_BOX / f64::from(height)).min(1.0);
    ((f64::from(width) * scale).round().max(1.0) as u32, (f64::from(height) * scale).round().max(1.0) as u32)
}

#[component]
pub fn Gallery(media: Vec<Media>) -> Element {
    let mut open = use_signal(|| None::<usize>);
    let count = media.len();
    if count == 0 {
        return rsx! {};
    }
    let class = if count == 1 { "gallery single".to_owned() } else { format!("gallery grid grid-{}", count.min(4)) };
    rsx! {
        div { class: "{class}",
            for (index, item) in media.iter().cloned().enumerate() {
                button {
                    key: "{item.id}",
                    class: "gallery-item",
                    r#type: "button",
                    "aria-label": if count == 1 { "Open image".to_owned() } else { format!("Open image {} of {count}", index + 1) },
                    onclick: move |_| open.set(Some(index)),
                    if count == 1 {
                        {
                            let (w, h) = fit(item.width, item.height);
                            rsx! { img { src: "{item.medium_url}", width: "{w}", height: "{h}", alt: "Image", loading: "lazy", decoding: "async" } }
                        }
                    } else {
                        img { src: "{item.thumbnail_url}", width: "{GRID_SIDE}", height: "{GRID_SIDE}", alt: "Image {index + 1}", loading: "lazy", decoding: "async" }
                    }
                }
            }
        }
        if let Some(index) = open() {
            Lightbox { media: media.clone(), start: index, on_close: move |_| open.set(None) }
        }
    }
}

/// The full image over everything; arrows step through the message's images, Esc closes.
#[component]
pub fn Lightbox(media: Vec<Media>, start: usize, on_close: EventHandler<()>) -> Element {
    let mut index = use_signal(|| start);
    let count = media.len();
    let Some(item) = media.get(index().min(count.saturating_sub(1))).cloned() else {
        return rsx! {};
    };
    let mut step = move |delta: isize| {
        let next = (index() as isize + delta).rem_euclid(count as isize);
        index.set(next as usize);
    };
    rsx! {
        div {
            class: "lightbox",
            role: "dialog",
            "aria-modal": "true",
            "aria-label": "Image viewer",
            tabindex: "-1",
            onmounted: move |e| async move {
                let _ = e.set_focus(true).await;
            },
            onclick: move |_| on_close.call(()),
            onkeydown: move |e| match e.key() {
                Key::Escape => on_close.call(()),
                Key::ArrowRight => step(1),
                Key::ArrowLeft => step(-1),
                _ => {}
            },
            div { class: "lightbox-bar", onclick: move |e| e.stop_propagation(),
                if count > 1 {
                    span { class: "lightbox-count", "{index() + 1} / {count}" }
                }
                a { class: "icon-btn", href: "{item.url}", target: "_blank", rel: "noopener", "aria-label": "Open the original", title: "Open the original", "⤢" }
                button { class: "icon-btn", r#type: "button", "aria-label": "Close", onclick: move |_| on_close.call(()), "✕" }
            }
            img {
                class: "lightbox-image",
                src: "{item.url}",
                width: "{item.width}",
                height: "{item.height}",
                alt: "Full image",
                onclick: move |e| e.stop_propagation(),
            }
            if count > 1 {
                button { class: "lightbox-nav prev", r#type: "button", "aria-label": "Previous image",
                    onclick: move |e| { e.stop_propagation(); step(-1); }, "‹" }
                button { class: "lightbox-nav next", r#type: "button", "aria-label": "Next image",
                    onclick: move |e| { e.stop_propagation(); step(1); }, "›" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn lone_images_fit_the_box_without_growing() {
        assert_eq!(fit(1600, 900), (320, 180));
        assert_eq!(fit(900, 1600), (180, 320));
        assert_eq!(fit(100, 50), (100, 50));
        assert_eq!(fit(0, 10), (320, 320));
    }
}
