//! Messages: sending (idempotent, ordered by a per-chat seq), history, edits, deletes,
//! replies, reactions, receipts, and the formatting they are shown with.
pub mod api;
pub mod components;
pub mod format;
pub mod model;
pub mod outbox;

#[cfg(feature = "server")]
pub mod server;
