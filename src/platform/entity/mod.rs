//! SeaORM entities, one per table of the migration crate.
pub mod chat;
pub mod chat_member;
pub mod contact;
pub mod contact_request_log;
pub mod media;
pub mod message;
pub mod message_edit;
pub mod push_preference;
pub mod push_subscription;
pub mod reaction;
pub mod session;
pub mod used_refresh_token;
pub mod user;
pub mod web_session;
