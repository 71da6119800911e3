//! Message search: every chat the user is in (or one), forgiving about case, accents and
//! partial words, with snippets that mark the matches; Ctrl+K opens it.
pub mod api;
pub mod components;
pub mod model;

#[cfg(feature = "server")]
pub mod server;
