//! Parlor: a self-hosted real-time chat. One crate, built twice by `dx`: the browser
//! client (`web`) and the server (`server`), sharing components and data types.

pub mod app;
pub mod auth;
/// Everything that touches the browser (web-sys, js-sys, gloo, public/pwa.js), chosen here and
/// only here: the real thing in the browser build, a stand-in with the same names (no-ops and
/// empty answers) for server rendering, so no other file needs a `cfg` for the browser.
#[cfg_attr(feature = "web", path = "browser/web/mod.rs")]
#[cfg_attr(not(feature = "web"), path = "browser/ssr/mod.rs")]
pub mod browser;
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
