//! Server side of contacts: the presence and blocking rules, requests, blocks and routes.
pub mod blocks;
pub mod repo;
pub mod requests;
pub mod routes;
pub mod service;
