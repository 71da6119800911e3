//! Presence: online, away or offline with last seen; who may see it (contacts and chat
//! partners, never someone the person blocked); and the sweep that notices people whose
//! instance vanished. One folder answers "why does Bob look offline to me?".
pub mod model;

#[cfg(feature = "server")]
pub mod server;
