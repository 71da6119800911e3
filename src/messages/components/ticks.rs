//! The receipt shown under your own messages: how far the others have got with it.

use crate::chats::model::Chat;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ticks {
    /// The server has it; not every other member's device does yet.
    Sent,
    /// On every other member's device.
    Delivered,
    /// Read by every other member.
    Read,
    /// Read by this many members of a group, but not all.
    SeenBy(usize),
}

impl Ticks {
    /// The receipt of the message at `seq`, sent by `me`.
    pub fn of(chat: &Chat, me: Uuid, seq: i64) -> Self {
        let others: Vec<_> = chat.members.iter().filter(|m| m.user.id != me).collect();
        if others.is_empty() {
            return Self::Sent;
        }
        let read = others.iter().filter(|m| m.last_read_seq >= seq).count();
        let delivered = others.iter().filter(|m| m.last_delivered_seq >= seq).count();
        if chat.kind == "group" && read > 0 && read < others.len() {
            return Self::SeenBy(read);
        }
        if read == others.len() {
            Self::Read
        } else if delivered == others.len() {
            Self::Delivered
        } else {
            Self::Sent
        }
    }

    /// Whether the ticks show as read (coloured).
    pub fn read(self) -> bool {
        matches!(self, Self::Read | Self::SeenBy(_))
    }

    pub fn marks(self) -> &'static str {
        match self {
            Self::Sent => "✓",
            _ => "✓✓",
        }
    }
}

/// "sent", "delivered", "read" or "seen by N": the title, and in groups the text beside the marks.
impl std::fmt::Display for Ticks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sent => f.write_str("sent"),
            Self::Delivered => f.write_str("delivered"),
            Self::Read => f.write_str("read"),
            Self::SeenBy(count) => write!(f, "seen by {count}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ticks;

    #[test]
    fn labels_are_the_words_the_page_has_always_shown() {
        let labels: Vec<String> =
            [Ticks::Sent, Ticks::Delivered, Ticks::Read, Ticks::SeenBy(2)].iter().map(ToString::to_string).collect();
        assert_eq!(labels, ["sent", "delivered", "read", "seen by 2"]);
    }

    #[test]
    fn read_and_seen_show_as_read_and_only_sent_has_one_mark() {
        assert!(!Ticks::Sent.read() && !Ticks::Delivered.read() && Ticks::Read.read() && Ticks::SeenBy(1).read());
        assert_eq!(Ticks::Sent.marks(), "✓");
        assert_eq!(Ticks::Delivered.marks(), "✓✓");
    }
}
