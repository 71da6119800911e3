//! Live updates: one connection per tab (WebSocket, or server-sent events as the fallback)
//! carrying the frames of the API contract, only ever to users allowed to see them.
pub mod client;
pub mod model;

#[cfg(feature = "server")]
pub mod server;
