//! Server side of images: processing, queries, rules and routes.
pub mod process;
pub mod repo;
pub mod routes;
pub mod service;
pub mod webp_check;
