//! Live fan-out, a reaction to events: each event becomes one frame and the list of users who
//! may receive it, handed to the hub (which reaches every instance through the bus). The
//! domains decided what happened and, where only they know, who is concerned; the chat's
//! current members and a person's presence audience are looked up here.

use crate::chats::server::service as chats;
use crate::error::AppError;
use crate::platform::events::{Event, Reaction};
use crate::platform::state::AppState;
use crate::presence::server::rule as presence;
use crate::realtime::model::ServerFrame;
use async_trait::async_trait;
use uuid::Uuid;

pub struct Fanout;

#[async_trait]
impl Reaction for Fanout {
    async fn react(&self, state: &AppState, event: &Event) -> Result<(), AppError> {
        // A signed-out device's connections get `session.revoked` and close, on every instance.
        if let Event::SessionsRevoked { user_id, sessions } = event {
            for session in sessions {
                state.live.hub.close_session(*user_id, *session);
            }
            return Ok(());
        }
        for (to, frame) in frames(state, event).await? {
            if !to.is_empty() {
                state.live.hub.send(&to, &frame);
            }
        }
        Ok(())
    }
}

/// Who hears what, in the order it is sent.
async fn frames(state: &AppState, event: &Event) -> Result<Vec<(Vec<Uuid>, ServerFrame)>, AppError> {
    let members = |chat_id: Uuid| chats::member_ids(state, chat_id);
    Ok(match event.clone() {
        Event::MessageCreated { chat, message } => vec![(members(chat.id).await?, ServerFrame::MessageNew(message))],
        Event::MessageEdited(message) => vec![(members(message.chat_id).await?, ServerFrame::MessageEdited(message))],
        Event::MessageDeleted { chat_id, message_id, seq } => {
            vec![(members(chat_id).await?, ServerFrame::MessageDeleted { chat_id, message_id, seq })]
        }
        Event::ReactionChanged { chat_id, message_id, user_id, emoji, added } => {
            let frame = if added {
                ServerFrame::ReactionAdded { chat_id, message_id, user_id, emoji }
            } else {
                ServerFrame::ReactionRemoved { chat_id, message_id, user_id, emoji }
            };
            vec![(members(chat_id).await?, frame)]
        }
        Event::ReadMoved { chat_id, user_id, read_seq, private } => {
            let to = if private { vec![user_id] } else { members(chat_id).await? };
            vec![(to, ServerFrame::Receipt { chat_id, user_id, read_seq, delivered_seq: read_seq })]
        }
        Event::DeliveryMoved { chat_id, user_id, read_seq, delivered_seq, to } => {
            vec![(to, ServerFrame::Receipt { chat_id, user_id, read_seq, delivered_seq })]
        }
        Event::Typing { chat_id, user_id, typing } => {
            let others = members(chat_id).await?.into_iter().filter(|u| *u != user_id).collect();
            vec![(others, ServerFrame::Typing { chat_id, user_id, typing })]
        }
        Event::ChatCreated { chat_id, members } => vec![(members, ServerFrame::ChatCreated { chat_id })],
        Event::ChatUpdated { chat_id, only } => {
            let to = match only {
                Some(user) => vec![user],
                None => members(chat_id).await?,
            };
            vec![(to, ServerFrame::ChatUpdated { chat_id })]
        }
        Event::ChatDeleted { chat_id, members } => vec![(members, ServerFrame::ChatDeleted { chat_id })],
        Event::MemberAdded { chat_id, user_id } => {
            vec![(members(chat_id).await?, ServerFrame::MemberAdded { chat_id, user_id })]
        }
        Event::MemberRemoved { chat_id, user_id } => {
            // The one who left is no longer a member, and hears it too.
            let frame = ServerFrame::MemberRemoved { chat_id, user_id };
            vec![(members(chat_id).await?, frame.clone()), (vec![user_id], frame)]
        }
        Event::ContactRequested { for_recipient, for_sender } => vec![
            (vec![for_recipient.to.id], ServerFrame::ContactRequest(for_recipient)),
            (vec![for_sender.from.id], ServerFrame::ContactRequest(for_sender)),
        ],
        Event::ContactChanged { user_id, other_id, status, private } => {
            let mine = (vec![user_id], ServerFrame::ContactUpdated { user_id: other_id, status: status.clone() });
            if private {
                vec![mine]
            } else {
                vec![mine, (vec![other_id], ServerFrame::ContactUpdated { user_id, status })]
            }
        }
        Event::PresenceChanged { user_id, status, last_seen_at } => {
            vec![(presence::audience(state, user_id).await?, ServerFrame::Presence { user_id, status, last_seen_at })]
        }
        Event::SessionsRevoked { .. } => Vec::new(),
    })
}
