//! Accounts and devices: register, sign in and out, tokens, sessions, the profile.
pub mod api;
pub mod components;
pub mod model;

#[cfg(feature = "server")]
pub mod server;
