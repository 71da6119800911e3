//! Server side of search: the per-backend query, its rules, and snippets.
pub mod repo;
pub mod routes;
pub mod service;
pub mod snippet;
