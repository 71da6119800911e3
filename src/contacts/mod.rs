//! Contacts and blocks: requests between people, the contact list, the block list, and the
//! rule of who sees whose presence.
pub mod api;
pub mod components;
pub mod model;
pub mod store;

#[cfg(feature = "server")]
pub mod server;
