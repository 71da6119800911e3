//! Server side of Web Push: subscriptions and settings, the VAPID key, sending, and the
//! notification of new messages.
pub mod notify;
pub mod repo;
pub mod routes;
pub mod sender;
pub mod service;
pub mod subscription;
pub mod vapid;
