//! Wire types of the messages API and the validated values they carry.

use crate::auth::model::User;
use crate::validation::Invalid;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "server")]
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: Uuid,
    pub chat_id: Uuid,
    /// Position in the chat: 1, 2, 3… with no gaps; the order of record.
    pub seq: i64,
    pub sender: User,
    /// Empty once deleted.
    pub content: String,
    pub client_id: String,
    pub reply_to: Option<ReplyPreview>,
    pub media: Vec<crate::media::model::Media>,
    pub reactions: Vec<ReactionCount>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The quoted message a reply shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReplyPreview {
    pub id: Uuid,
    pub seq: i64,
    pub sender_id: Uuid,
    pub sender_name: String,
    /// The start of its text, without formatting; empty when deleted.
    pub snippet: String,
    pub deleted: bool,
}

/// The last message of a chat, for the chat list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessagePreview {
    pub id: Uuid,
    pub seq: i64,
    pub sender_id: Uuid,
    pub snippet: String,
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ReactionCount {
    pub emoji: String,
    pub count: i64,
    /// The caller reacted with this emoji.
    pub me: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendMessageRequest {
    /// At most 10,000 characters; not blank unless `mediaIds` names images (a caption).
    #[cfg_attr(feature = "server", schema(max_length = 10000))]
    pub content: String,
    /// The sender's own id for this message: retrying with it never makes a copy.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_:-]+$"))]
    pub client_id: String,
    #[serde(default)]
    pub reply_to_id: Option<Uuid>,
    #[serde(default)]
    pub media_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct MessageResponse {
    pub message: Message,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessagesResponse {
    pub messages: Vec<Message>,
    pub has_more: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditMessageRequest {
    /// Not blank, at most 10,000 characters.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 10000))]
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Edit {
    pub content: String,
    pub edited_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct EditsResponse {
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub user_id: Uuid,
    /// When that member last moved their position forward.
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReceiptsResponse {
    pub read_by: Vec<Receipt>,
    pub delivered_to: Vec<Receipt>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReactionRequest {
    /// One emoji, such as 👍 or a flag.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 10))]
    pub emoji: String,
}

/// Longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 10_000;

/// Message text: not blank, at most 10,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        if raw.chars().count() > MAX_MESSAGE_CHARS {
            return Err(Invalid::new("message_too_long", "Messages are at most 10,000 characters."));
        }
        if raw.trim().is_empty() {
            return Err(Invalid::new("empty_message", "A message needs some text."));
        }
        Ok(Self(raw.trim_end().to_owned()))
    }

    /// The text under images: may be empty.
    pub fn caption(raw: &str) -> Result<Self, Invalid> {
        // Blank is fine, but not longer than any message: the length limit holds for all text.
        if raw.trim().is_empty() && raw.chars().count() <= MAX_MESSAGE_CHARS {
            Ok(Self(String::new()))
        } else {
            Self::parse(raw)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The sender's own id for a message, which makes retries safe: 1–64 of `A-Z a-z 0-9 - _ :`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientId(String);

impl ClientId {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let ok = (1..=64).contains(&raw.len())
            && raw.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Invalid::new("invalid_client_id", "clientId must be 1 to 64 letters, digits, '-', '_' or ':'."))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One emoji (possibly several code points, such as a flag or a skin tone), no plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emoji(String);

impl Emoji {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let ok = !raw.is_empty()
            && raw.len() <= 32
            && raw.chars().count() <= 10
            && !raw.chars().any(|c| c.is_ascii() || c.is_whitespace() || c.is_control());
        if ok { Ok(Self(raw.to_owned())) } else { Err(Invalid::new("invalid_emoji", "A reaction is a single emoji.")) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_bodies_must_have_text_and_fit() {
        assert!(MessageBody::parse("   ").is_err());
        assert!(MessageBody::parse(&"a".repeat(10_000)).is_ok());
        assert_eq!(MessageBody::parse(&"a".repeat(10_001)).unwrap_err().code, "message_too_long");
        assert_eq!(MessageBody::parse("hi  \n").unwrap().as_str(), "hi");
        assert_eq!(MessageBody::caption("  ").unwrap().as_str(), "");
        assert_eq!(MessageBody::caption(&" ".repeat(10_001)).unwrap_err().code, "message_too_long");
    }

    #[test]
    fn client_ids_are_short_and_plain() {
        assert!(ClientId::parse("0192f0c2-7d1e-7c4a-b1a2-1234567890ab").is_ok());
        assert!(ClientId::parse("").is_err());
        assert!(ClientId::parse(&"a".repeat(65)).is_err());
        assert!(ClientId::parse("a b").is_err());
    }

    #[test]
    fn reactions_are_emoji_not_text() {
        for ok in ["👍", "❤️", "🇫🇷", "👍🏽", "👨‍👩‍👧"] {
            assert!(Emoji::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a", "<b>", "👍 👍", "ok👍"] {
            assert!(Emoji::parse(bad).is_err(), "{bad}");
        }
    }
}
