//! Server side of chats: membership rules, views, queries and routes, and what members do in a chat
//! besides writing (typing, read positions, delivery marks).
pub mod activity;
pub mod deliveries;
pub mod members;
pub mod repo;
pub mod routes;
pub mod service;
pub mod views;
