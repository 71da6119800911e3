//! Web Push notifications for new messages when none of a user's devices shows the app,
//! unless they muted the chat: browsers subscribe per signed-in device.

pub mod client;
pub mod components;
pub mod model;

#[cfg(feature = "server")]
pub mod server;
