//! Parlor: a self-hosted real-time chat. One crate, built twice by `dx`: the browser
//! client (`web`) and the server (`server`), sharing components and data types.

pub mod app;
pub mod auth;
pub mod chats;
pub mod contacts;
pub mod error;
pub mod http;
pub mod media;
pub mod messages;
pub mod offline;
pub mod presence;
pub mod push;
pub mod realtime;
pub mod search;
pub mod ui;
pub mod validation;
pub mod views;

#[cfg(feature = "server")]
pub mod access;
#[cfg(feature = "server")]
pub mod platform;
#[cfg(feature = "server")]
pub mod server;
