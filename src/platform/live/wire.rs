//! What crosses the Redis bus between instances: a frame for some users (with the delivery it
//! counts as, for `message.new`), or a session to close. Instances of different versions
//! meet here during a rolling restart, so the shape only grows.

use uuid::Uuid;

/// What this instance tells the others: a frame for some users, or a session to close.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Outbound {
    #[serde(rename_all = "camelCase")]
    Frame { recipients: Vec<Uuid>, json: String, delivers: Option<Delivers> },
    #[serde(rename_all = "camelCase")]
    CloseSession { user_id: Uuid, session_id: Uuid },
}

/// A message whose arrival at a connection counts as delivered to its user. Crosses the bus
/// as the array `[chat, seq, sender]`, as it always has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "(Uuid, i64, Uuid)", into = "(Uuid, i64, Uuid)")]
pub struct Delivers {
    pub chat_id: Uuid,
    pub seq: i64,
    pub sender_id: Uuid,
}

impl From<(Uuid, i64, Uuid)> for Delivers {
    fn from((chat_id, seq, sender_id): (Uuid, i64, Uuid)) -> Self {
        Self { chat_id, seq, sender_id }
    }
}

impl From<Delivers> for (Uuid, i64, Uuid) {
    fn from(d: Delivers) -> Self {
        (d.chat_id, d.seq, d.sender_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_crosses_the_bus_as_the_array_older_instances_read() {
        let (chat_id, sender_id) = (Uuid::now_v7(), Uuid::now_v7());
        let delivers = Some(Delivers { chat_id, seq: 7, sender_id });
        let frame = Outbound::Frame { recipients: Vec::new(), json: "{}".into(), delivers };
        let json = serde_json::to_value(&frame).unwrap();
        assert_eq!(json["delivers"], serde_json::json!([chat_id, 7, sender_id]));
        let back: Outbound = serde_json::from_value(json).unwrap();
        assert!(matches!(back, Outbound::Frame { delivers: Some(d), .. } if d.seq == 7 && d.chat_id == chat_id));
    }
}
