//! Conversations: direct chats (one per pair) and groups with roles; membership and read state.
pub mod api;
pub mod components;
pub mod model;
pub mod store;

#[cfg(feature = "server")]
pub mod server;
