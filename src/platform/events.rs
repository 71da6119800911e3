//! The events port. A domain service states its rules, commits, then publishes what happened;
//! it never calls the hub, push or another domain to announce it. Who reacts (live fan-out,
//! push notifications, session clean-up, later call records or webhooks) is one list of
//! reactions registered once at start by the composition root.
//!
//! Reactions run in their registered order and each is awaited before the next, inside the
//! publisher's call: a send still holds its chat's gate while its `message.new` goes out, so
//! frames keep seq order, and nothing is announced before it is committed. The first reaction
//! that fails stops the rest and its error goes back to the publisher, as an announcement that
//! failed did before there were events. A reaction that does slow work (a push to a phone)
//! starts a task of its own and returns.

use super::state::AppState;
use crate::chats::model::ChatRef;
use crate::contacts::model::ContactRequest;
use crate::error::AppError;
use crate::messages::model::Message;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::{Arc, OnceLock};
use uuid::Uuid;

/// Something that happened, after it was committed.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `chat`: where it went (a push names the group).
    MessageCreated {
        chat: ChatRef,
        message: Message,
    },
    MessageEdited(Message),
    MessageDeleted {
        chat_id: Uuid,
        message_id: Uuid,
        seq: i64,
    },
    ReactionChanged {
        chat_id: Uuid,
        message_id: Uuid,
        user_id: Uuid,
        emoji: String,
        added: bool,
    },
    /// A member read up to `read_seq`. `private`: a block closes the direct chat, so only the
    /// reader's own devices hear of it.
    ReadMoved {
        chat_id: Uuid,
        user_id: Uuid,
        read_seq: i64,
        private: bool,
    },
    /// A member's delivery position moved; `to` are those whose ticks it moves.
    DeliveryMoved {
        chat_id: Uuid,
        user_id: Uuid,
        read_seq: i64,
        delivered_seq: i64,
        to: Vec<Uuid>,
    },
    /// Someone is typing (or stopped); the chat's other members hear it.
    Typing {
        chat_id: Uuid,
        user_id: Uuid,
        typing: bool,
    },
    ChatCreated {
        chat_id: Uuid,
        members: Vec<Uuid>,
    },
    /// The chat changed for its members (name, picture, roles), or, with `only`, for one
    /// member alone (a setting of theirs, such as mute), whose devices hear it.
    ChatUpdated {
        chat_id: Uuid,
        only: Option<Uuid>,
    },
    /// `members`: those who were in it, who no longer can be looked up.
    ChatDeleted {
        chat_id: Uuid,
        members: Vec<Uuid>,
    },
    MemberAdded {
        chat_id: Uuid,
        user_id: Uuid,
    },
    /// The chat's members hear it, and the one who left (or was removed) too.
    MemberRemoved {
        chat_id: Uuid,
        user_id: Uuid,
    },
    /// A contact request, as each side may see it (presence shows by each reader's rule).
    ContactRequested {
        for_recipient: ContactRequest,
        for_sender: ContactRequest,
    },
    /// What `user_id` and `other_id` are to each other now (accepted, blocked, none).
    /// `private`: only `user_id`'s devices hear (a block is not told to the blocked).
    ContactChanged {
        user_id: Uuid,
        other_id: Uuid,
        status: String,
        private: bool,
    },
    PresenceChanged {
        user_id: Uuid,
        status: String,
        last_seen_at: Option<DateTime<Utc>>,
    },
    /// Device sessions that were signed out; their live connections and subscriptions go.
    SessionsRevoked {
        user_id: Uuid,
        sessions: Vec<Uuid>,
    },
}

/// One reaction to events, registered at start.
#[async_trait]
pub trait Reaction: Send + Sync {
    async fn react(&self, state: &AppState, event: &Event) -> Result<(), AppError>;
}

/// The registered reactions, in order.
#[derive(Default)]
pub struct Events {
    reactions: OnceLock<Vec<Arc<dyn Reaction>>>,
}

impl Events {
    /// Sets the reactions; the composition root calls this once, before serving.
    pub fn register(&self, reactions: Vec<Arc<dyn Reaction>>) -> anyhow::Result<()> {
        self.reactions.set(reactions).map_err(|_| anyhow::anyhow!("the reactions to events were registered twice"))
    }

    pub async fn publish(&self, state: &AppState, event: Event) -> Result<(), AppError> {
        for reaction in self.reactions.get().map(Vec::as_slice).unwrap_or_default() {
            reaction.react(state, &event).await?;
        }
        Ok(())
    }
}

impl AppState {
    /// Tells every registered reaction what happened (see the module's notes on order).
    pub async fn publish(&self, event: Event) -> Result<(), AppError> {
        self.events.publish(self, event).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Writes down what it saw under its name, and fails when told to.
    struct Recorder {
        name: &'static str,
        seen: Arc<Mutex<Vec<String>>>,
        fails: bool,
    }

    #[async_trait]
    impl Reaction for Recorder {
        async fn react(&self, _state: &AppState, event: &Event) -> Result<(), AppError> {
            let Event::Typing { typing, .. } = event else { return Ok(()) };
            self.seen.lock().unwrap().push(format!("{}:{typing}", self.name));
            if self.fails { Err(AppError::unavailable()) } else { Ok(()) }
        }
    }

    fn typing(typing: bool) -> Event {
        Event::Typing { chat_id: Uuid::nil(), user_id: Uuid::nil(), typing }
    }

    async fn state() -> AppState {
        let dir = std::env::temp_dir().join(format!("parlor-events-{}", Uuid::now_v7()));
        AppState::for_tests(&dir).await.unwrap()
    }

    #[tokio::test]
    async fn reactions_hear_each_event_in_the_order_they_were_registered() {
        let state = state().await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let first = Recorder { name: "first", seen: seen.clone(), fails: false };
        let second = Recorder { name: "second", seen: seen.clone(), fails: false };
        state.events.register(vec![Arc::new(first), Arc::new(second)]).unwrap();
        state.publish(typing(true)).await.unwrap();
        state.publish(typing(false)).await.unwrap();
        assert_eq!(*seen.lock().unwrap(), ["first:true", "second:true", "first:false", "second:false"]);
    }

    #[tokio::test]
    async fn a_failing_reaction_stops_the_rest_and_the_publisher_hears_why() {
        let state = state().await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let failing = Recorder { name: "failing", seen: seen.clone(), fails: true };
        let after = Recorder { name: "after", seen: seen.clone(), fails: false };
        state.events.register(vec![Arc::new(failing), Arc::new(after)]).unwrap();
        let err = state.publish(typing(true)).await.unwrap_err();
        assert_eq!(err.status, 503);
        assert_eq!(*seen.lock().unwrap(), ["failing:true"]);
        assert!(state.events.register(Vec::new()).is_err(), "reactions are registered once");
    }
}
