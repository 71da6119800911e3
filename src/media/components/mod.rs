//! The UI of images: the composer's attachment tray, the gallery in a message, the lightbox
//! and the avatar picker.
pub mod attachments;
pub mod avatar_picker;
pub mod gallery;
