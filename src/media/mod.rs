//! Images: uploads (checked, oriented, stripped of metadata, resized), who may see them,
//! images in messages and avatars, and their UI (attachments, gallery, lightbox, avatar picker).
pub mod api;
pub mod components;
pub mod model;

#[cfg(feature = "server")]
pub mod server;
