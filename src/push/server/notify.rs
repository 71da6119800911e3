//! Push as a reaction to events. A new message becomes notifications: one Web Push per
//! subscription of every other member who did not mute the chat and has no device showing
//! the app. The instance that stored the message sends them, once, from a task of its own: a
//! send never waits for a push service and never fails because of one. A signed-out device's
//! subscriptions are forgotten.

use super::repo;
use crate::chats::model::ChatKind;
use crate::chats::model::ChatRef;
use crate::chats::server::service as chats;
use crate::error::AppError;
use crate::messages::model::Message;
use crate::platform::events::{Event, Reaction};
use crate::platform::state::AppState;
use crate::platform::webpush::sender::Outcome;
use crate::push::model::PushPayload;
use async_trait::async_trait;
use chrono::Utc;
use std::collections::HashSet;
use uuid::Uuid;

pub struct Notify;

#[async_trait]
impl Reaction for Notify {
    async fn react(&self, state: &AppState, event: &Event) -> Result<(), AppError> {
        match event {
            Event::MessageCreated { chat, message } => {
                announce(state, chat, message);
                Ok(())
            }
            Event::SessionsRevoked { sessions, .. } => super::service::forget_sessions(state, sessions).await,
            _ => Ok(()),
        }
    }
}

/// Queues the notifications of a message that was just stored and announced.
pub fn announce(state: &AppState, chat: &ChatRef, message: &Message) {
    let Some(place) = state.push.reserve() else {
        metrics::counter!("push_dropped_total").increment(1);
        tracing::warn!(message = %message.id, "too many messages waiting for push; this one is not notified");
        return;
    };
    let (state, chat, message) = (state.clone(), chat.clone(), message.clone());
    tokio::spawn(async move {
        let _place = place;
        if let Err(e) = notify(&state, &chat, &message).await {
            tracing::warn!(error = %e.message, message = %message.id, "sending push notifications");
        }
    });
}

async fn notify(state: &AppState, chat: &ChatRef, message: &Message) -> Result<(), AppError> {
    let members = chats::members(state, chat.id).await?;
    let candidates: Vec<Uuid> =
        members.iter().filter(|m| m.user_id != message.sender.id && !m.muted).map(|m| m.user_id).collect();
    if candidates.is_empty() {
        return Ok(());
    }
    let subscriptions = repo::list_live_subscriptions(&state.db, &candidates, Utc::now()).await?;
    if subscriptions.is_empty() {
        return Ok(());
    }
    let owners: Vec<Uuid> = subscriptions.iter().map(|s| s.user_id).collect::<HashSet<_>>().into_iter().collect();
    let watching = state.live.visibility.visible_users(&state.live.hub, &owners).await;
    let private: HashSet<Uuid> = repo::list_private_users(&state.db, &owners).await?.into_iter().collect();
    let full = serde_json::to_vec(&payload(chat, message, true)).map_err(|_| AppError::internal())?;
    let bare = serde_json::to_vec(&payload(chat, message, false)).map_err(|_| AppError::internal())?;
    let targets: Vec<_> = subscriptions.into_iter().filter(|s| !watching.contains(&s.user_id)).collect();
    let sends = targets.iter().map(|s| state.push.deliver(s, if private.contains(&s.user_id) { &bare } else { &full }));
    let outcomes = futures_util::future::join_all(sends).await;
    for (subscription, outcome) in targets.iter().zip(outcomes) {
        match outcome {
            Outcome::Sent => metrics::counter!("push_sent_total").increment(1),
            Outcome::Failed => metrics::counter!("push_failed_total").increment(1),
            Outcome::Gone => {
                metrics::counter!("push_gone_total").increment(1);
                repo::delete_subscription(&state.db, subscription.id).await?;
            }
        }
    }
    Ok(())
}

/// The notification: who wrote and a preview, or (previews off) only that something came.
pub fn payload(chat: &ChatRef, message: &Message, previews: bool) -> PushPayload {
    let (title, body) = if previews {
        let sender = message.sender.display_name.clone();
        let title = match (chat.kind, &chat.name) {
            (ChatKind::Group, Some(name)) => format!("{sender} · {name}"),
            _ => sender,
        };
        (title, crate::messages::format::snippet_or_photo(&message.content, false))
    } else {
        ("Parlor".to_owned(), "New message".to_owned())
    };
    PushPayload {
        title,
        body,
        chat_id: message.chat_id,
        message_id: message.id,
        url: format!("/chats/{}/m/{}", message.chat_id, message.id),
        tag: message.chat_id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::model::User;

    fn chat(kind: ChatKind, name: Option<&str>) -> ChatRef {
        ChatRef { id: Uuid::now_v7(), kind, name: name.map(Into::into) }
    }

    fn message(chat: &ChatRef, content: &str) -> Message {
        let sender = User {
            id: Uuid::now_v7(),
            username: "alice".into(),
            display_name: "Alice".into(),
            avatar_url: None,
            status: "online".into(),
            last_seen_at: None,
        };
        Message {
            id: Uuid::now_v7(),
            chat_id: chat.id,
            seq: 1,
            sender,
            content: content.into(),
            client_id: "c".into(),
            reply_to: None,
            media: Vec::new(),
            reactions: Vec::new(),
            edited_at: None,
            deleted_at: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_notification_names_the_sender_and_the_group_and_links_to_the_message() {
        let group = chat(ChatKind::Group, Some("Team"));
        let m = message(&group, "**Hello** there");
        let p = payload(&group, &m, true);
        assert_eq!((p.title.as_str(), p.body.as_str()), ("Alice · Team", "Hello there"));
        assert_eq!(p.url, format!("/chats/{}/m/{}", group.id, m.id));
        assert_eq!(p.tag, group.id.to_string());
        let direct = chat(ChatKind::Direct, None);
        assert_eq!(payload(&direct, &message(&direct, ""), true).body, "📷 Photo");
        assert_eq!(payload(&direct, &message(&direct, "hi"), true).title, "Alice");
    }

    #[test]
    fn private_previews_leave_out_who_and_what() {
        let group = chat(ChatKind::Group, Some("Team"));
        let p = payload(&group, &message(&group, "secret"), false);
        assert_eq!((p.title.as_str(), p.body.as_str()), ("Parlor", "New message"));
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("Alice") && !json.contains("secret") && !json.contains("Team"));
    }
}
