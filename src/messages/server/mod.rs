//! Server side of messages: the send transaction, history, edits, deletes, reactions, receipts.
pub mod repo;
pub mod routes;
pub mod service;
