//! Server side of chats: membership rules, queries and routes.
pub mod members;
pub mod repo;
pub mod routes;
pub mod service;
