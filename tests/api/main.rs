//! Black-box HTTP tests against an in-process server, on SQLite or (PARLOR_TEST_DB=postgres) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod chats;
mod errors;
mod helpers;
mod live;
mod live_client;
mod messages;
mod migrations;
mod operations;
mod pages;
mod search;
mod sessions;
mod throttling;
