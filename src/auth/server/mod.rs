//! Server side of accounts: rules, queries, tokens, cookie sessions and request guards.
pub mod csrf;
pub mod extract;
pub mod pages;
pub mod password;
pub mod repo;
pub mod routes;
pub mod service;
pub mod store;

#[cfg(test)]
mod tests;
