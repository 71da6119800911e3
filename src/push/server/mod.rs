//! Server side of Web Push: subscriptions and settings, and the notification of new messages
//! (a reaction to `MessageCreated`); the transport itself is `platform::webpush`.
pub mod notify;
pub mod repo;
pub mod routes;
pub mod service;
