//! Black-box HTTP tests against an in-process server, on SQLite or (PARLOR_TEST_DB=postgres) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod blocking;
mod chats;
mod cluster;
mod contacts;
mod deployment;
mod enumeration;
mod errors;
mod forwarding;
mod headers;
mod helpers;
mod images;
mod live;
mod live_client;
mod media;
mod messages;
mod migrations;
mod operations;
mod pages;
mod push;
mod push_service;
mod search;
mod sessions;
mod throttling;
mod tokens;
