//! Live frames, `{"type": ..., "data": {...}}` in both directions (shared by client and server).

use crate::contacts::model::ContactRequest;
use crate::messages::model::Message;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Server → client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum ServerFrame {
    /// First frame of a connection. `resync`: events may have been missed; catch up by seq.
    #[serde(rename = "ready", rename_all = "camelCase")]
    Ready { user_id: Uuid, session_id: Uuid, resync: bool },
    #[serde(rename = "message.new")]
    MessageNew(Message),
    #[serde(rename = "message.edited")]
    MessageEdited(Message),
    #[serde(rename = "message.deleted", rename_all = "camelCase")]
    MessageDeleted { chat_id: Uuid, message_id: Uuid, seq: i64 },
    #[serde(rename = "reaction.added", rename_all = "camelCase")]
    ReactionAdded { chat_id: Uuid, message_id: Uuid, user_id: Uuid, emoji: String },
    #[serde(rename = "reaction.removed", rename_all = "camelCase")]
    ReactionRemoved { chat_id: Uuid, message_id: Uuid, user_id: Uuid, emoji: String },
    #[serde(rename = "receipt", rename_all = "camelCase")]
    Receipt { chat_id: Uuid, user_id: Uuid, read_seq: i64, delivered_seq: i64 },
    #[serde(rename = "typing", rename_all = "camelCase")]
    Typing { chat_id: Uuid, user_id: Uuid, typing: bool },
    #[serde(rename = "presence", rename_all = "camelCase")]
    Presence { user_id: Uuid, status: String, last_seen_at: Option<DateTime<Utc>> },
    #[serde(rename = "chat.created", rename_all = "camelCase")]
    ChatCreated { chat_id: Uuid },
    #[serde(rename = "chat.updated", rename_all = "camelCase")]
    ChatUpdated { chat_id: Uuid },
    #[serde(rename = "chat.deleted", rename_all = "camelCase")]
    ChatDeleted { chat_id: Uuid },
    #[serde(rename = "member.added", rename_all = "camelCase")]
    MemberAdded { chat_id: Uuid, user_id: Uuid },
    #[serde(rename = "member.removed", rename_all = "camelCase")]
    MemberRemoved { chat_id: Uuid, user_id: Uuid },
    /// A request sent to this user, or sent by them on another device.
    #[serde(rename = "contact.request")]
    ContactRequest(ContactRequest),
    /// What `userId` is to this user now: accepted, blocked or none.
    #[serde(rename = "contact.updated", rename_all = "camelCase")]
    ContactUpdated { user_id: Uuid, status: String },
    #[serde(rename = "session.revoked", rename_all = "camelCase")]
    SessionRevoked { session_id: Uuid },
    #[serde(rename = "ack", rename_all = "camelCase")]
    Ack { client_id: String, message: Message },
    #[serde(rename = "error", rename_all = "camelCase")]
    Error { client_id: Option<String>, code: String, message: String },
    #[serde(rename = "pong")]
    Pong {},
}

/// Client → server (WebSocket only; SSE clients send over HTTP).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", deny_unknown_fields)]
pub enum ClientFrame {
    #[serde(rename = "message.send", rename_all = "camelCase")]
    MessageSend {
        chat_id: Uuid,
        content: String,
        client_id: String,
        #[serde(default)]
        reply_to_id: Option<Uuid>,
        #[serde(default)]
        media_ids: Vec<Uuid>,
    },
    #[serde(rename = "typing", rename_all = "camelCase")]
    Typing { chat_id: Uuid, typing: bool },
    #[serde(rename = "presence")]
    Presence { status: String },
    #[serde(rename = "read", rename_all = "camelCase")]
    Read { chat_id: Uuid, seq: i64 },
    #[serde(rename = "ping")]
    Ping {},
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_use_the_contract_shape() {
        let frame = ServerFrame::Typing { chat_id: Uuid::nil(), user_id: Uuid::nil(), typing: true };
        let json = serde_json::to_value(&frame).unwrap();
        assert_eq!(json["type"], "typing");
        assert_eq!(json["data"]["chatId"], Uuid::nil().to_string());
    }

    #[test]
    fn contact_frames_use_the_contract_shape() {
        let frame = ServerFrame::ContactUpdated { user_id: Uuid::nil(), status: "accepted".into() };
        let json = serde_json::to_value(&frame).unwrap();
        assert_eq!(json["type"], "contact.updated");
        assert_eq!(json["data"]["userId"], Uuid::nil().to_string());
        assert_eq!(json["data"]["status"], "accepted");
    }

    #[test]
    fn client_frames_parse_and_unknown_ones_do_not() {
        let send: ClientFrame = serde_json::from_str(
            r#"{"type":"message.send","data":{"chatId":"00000000-0000-0000-0000-000000000000","content":"hi","clientId":"c1"}}"#,
        )
        .unwrap();
        assert!(matches!(send, ClientFrame::MessageSend { .. }));
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"ping","data":{}}"#).is_ok());
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"shutdown","data":{}}"#).is_err());
        assert!(serde_json::from_str::<ClientFrame>("not json").is_err());
    }
}
