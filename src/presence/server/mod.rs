//! Server side of presence. It sits low, right above the platform: every domain that shows a
//! person (accounts, contacts, chats) asks its rule, so it reads the relationships it needs
//! straight from their tables instead of asking those domains.
pub mod repo;
pub mod rule;
pub mod service;
