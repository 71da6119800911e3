//! Message rules: sending (idempotent by clientId, gapless seq), history, edits, deletes,
//! reactions and receipts. Every function first checks that the caller is in the chat.

use super::repo;
use crate::auth::server::service::users_by_ids;
use crate::chats::model::{ChatKind, ChatRef};
use crate::chats::server::service::{self as chats, Member};
use crate::error::AppError;
use crate::media::server::service as media;
use crate::messages::model::*;
use crate::platform::db::UniqueRace;
use crate::platform::entity::message;
use crate::platform::events::Event;
use crate::platform::state::AppState;
use chrono::Utc;
use sea_orm::ActiveValue::Set;
use std::collections::{BTreeMap, HashSet};
use uuid::Uuid;

/// Sends a message. Returns whether it was created now (false: a retry of an earlier send).
pub async fn send(
    state: &AppState,
    me: Uuid,
    chat_id: Uuid,
    req: SendMessageRequest,
) -> Result<(bool, Message), AppError> {
    // A photo needs no caption; anything else needs text.
    let body =
        if req.media_ids.is_empty() { MessageBody::parse(&req.content) } else { MessageBody::caption(&req.content) };
    let body = body?;
    let client_id = ClientId::parse(&req.client_id)?;
    let (chat, _) = chats::joined(state, chat_id, me).await?;
    // Before anything is stored or announced: a blocked send leaves no trace.
    chats::ensure_can_send(state, &chat, me).await?;
    if let Some(existing) = repo::find_by_client_id(&state.db, me, client_id.as_str()).await? {
        return retried(state, me, chat_id, existing).await;
    }
    let media_ids = media::check_attachable(state, me, &req.media_ids).await?;
    state.rate_limiter.messages.check(&me.to_string()).await?;
    if let Some(reply_id) = req.reply_to_id {
        let target = repo::find_message(&state.db, reply_id).await?;
        if target.is_none_or(|m| m.chat_id != chat_id) {
            return Err(AppError::bad_request("invalid_reply", "That message is not in this chat."));
        }
    }
    // Held from taking the seq to announcing it: the chat's messages go out in seq order.
    let _gate = state.send_gates.enter(chat_id).await;
    let now = Utc::now();
    let message_id = Uuid::now_v7();
    let txn = crate::platform::db::begin_write(&state.db).await?;
    let seq = repo::next_seq(&txn, chat_id, now).await?.ok_or_else(AppError::not_found)?;
    let inserted = repo::create_message(
        &txn,
        message::ActiveModel {
            id: Set(message_id),
            chat_id: Set(chat_id),
            seq: Set(seq),
            sender_id: Set(me),
            client_id: Set(client_id.as_str().to_owned()),
            content: Set(body.as_str().to_owned()),
            reply_to_id: Set(req.reply_to_id),
            edited_at: Set(None),
            deleted_at: Set(None),
            created_at: Set(now),
        },
    )
    .await;
    let Some(created) = inserted.or_taken()? else {
        // A concurrent retry with the same clientId committed first: answer with its message.
        // Rolling back also returns the seq we took, so no gap is left behind.
        txn.rollback().await?;
        let existing =
            repo::find_by_client_id(&state.db, me, client_id.as_str()).await?.ok_or_else(AppError::internal)?;
        return retried(state, me, chat_id, existing).await;
    };
    // Rolling back on failure also releases the seq: no gap, no message without its images.
    if let Err(e) = media::attach(&txn, me, message_id, &media_ids).await {
        txn.rollback().await?;
        return Err(e);
    }
    // The sender has read what they sent.
    chats::mark_sent_read(&txn, chat_id, me, seq, now).await?;
    txn.commit().await?;
    // Just created: it has no reactions yet, and images only when some were attached.
    let lookups = Lookups { reactions: false, media: !media_ids.is_empty() };
    let message = assemble_with(state, me, vec![created], lookups).await?.pop().ok_or_else(AppError::internal)?;
    // Committed first, announced second: a live frame never names a message the database
    // lacks. Still under the gate, so the chat's messages are announced in seq order.
    state.publish(Event::MessageCreated { chat, message: message.clone() }).await?;
    Ok((true, message))
}

async fn retried(
    state: &AppState,
    me: Uuid,
    chat_id: Uuid,
    existing: message::Model,
) -> Result<(bool, Message), AppError> {
    if existing.chat_id != chat_id {
        return Err(AppError::conflict("client_id_reused", "This clientId was already used for another chat."));
    }
    let message = assemble(state, me, vec![existing]).await?.pop().ok_or_else(AppError::internal)?;
    Ok((false, message))
}

/// Which part of the history to load.
pub enum Window {
    Latest,
    Before(i64),
    After(i64),
    Around(Uuid),
}

pub async fn history(
    state: &AppState,
    me: Uuid,
    chat_id: Uuid,
    window: Window,
    limit: u64,
) -> Result<MessagesResponse, AppError> {
    chats::joined(state, chat_id, me).await?;
    let limit = limit.clamp(1, 100);
    let (rows, has_more) = match window {
        Window::Latest => newest_first(state, chat_id, None, limit).await?,
        Window::Before(seq) => newest_first(state, chat_id, Some(seq), limit).await?,
        Window::After(seq) => {
            let mut rows = repo::page(&state.db, chat_id, Some(seq), None, limit + 1).await?;
            let more = rows.len() as u64 > limit;
            rows.truncate(limit as usize);
            (rows, more)
        }
        Window::Around(id) => {
            let target = repo::find_message(&state.db, id)
                .await?
                .filter(|m| m.chat_id == chat_id)
                .ok_or_else(AppError::not_found)?;
            let (mut rows, more_before) = newest_first(state, chat_id, Some(target.seq), limit / 2).await?;
            // Half before, the target, the rest after: `limit` in all.
            let after_count = limit.saturating_sub(rows.len() as u64 + 1);
            let after = repo::page(&state.db, chat_id, Some(target.seq), None, after_count).await?;
            rows.push(target);
            rows.extend(after);
            (rows, more_before)
        }
    };
    // Catching up counts as delivery, like receiving the messages live (and is written with
    // the live marks, within a second, so loading history costs no write).
    if let Some(newest) = rows.iter().map(|m| m.seq).max() {
        state.live.deliveries.caught_up(me, chat_id, newest);
    }
    Ok(MessagesResponse { messages: assemble(state, me, rows).await?, has_more })
}

/// The `limit` messages before `before` (or the newest), in ascending order, and whether older ones exist.
async fn newest_first(
    state: &AppState,
    chat_id: Uuid,
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<message::Model>, bool), AppError> {
    let mut rows = repo::page(&state.db, chat_id, None, before, limit + 1).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    rows.reverse();
    Ok((rows, more))
}

/// A message the caller can see, with its chat and the caller's membership.
async fn visible(state: &AppState, me: Uuid, id: Uuid) -> Result<(message::Model, ChatRef, Member), AppError> {
    let message = repo::find_message(&state.db, id).await?.ok_or_else(AppError::not_found)?;
    let (chat, member) = chats::joined(state, message.chat_id, me).await?;
    Ok((message, chat, member))
}

/// The chat a message belongs to (for deciding who may see its images).
pub async fn chat_of(state: &AppState, id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(repo::find_message(&state.db, id).await?.map(|m| m.chat_id))
}

pub async fn get(state: &AppState, me: Uuid, id: Uuid) -> Result<Message, AppError> {
    let (message, _, _) = visible(state, me, id).await?;
    assemble(state, me, vec![message]).await?.pop().ok_or_else(AppError::internal)
}

pub async fn edit(state: &AppState, me: Uuid, id: Uuid, content: &str) -> Result<Message, AppError> {
    let (message, chat, _) = visible(state, me, id).await?;
    if message.sender_id != me {
        return Err(AppError::forbidden("forbidden", "You can edit only your own messages."));
    }
    if message.deleted_at.is_some() {
        return Err(AppError::conflict("message_deleted", "This message was deleted."));
    }
    // An edit reaches the other person as a new text: a block stops it like a send.
    chats::ensure_can_send(state, &chat, me).await?;
    let body = MessageBody::parse(content)?;
    if body.as_str() != message.content {
        let now = Utc::now();
        let txn = crate::platform::db::begin_write(&state.db).await?;
        repo::update_content(&txn, id, body.as_str(), now).await?;
        repo::create_edit(&txn, id, &message.content, now).await?;
        txn.commit().await?;
        let edited = get(state, me, id).await?;
        state.publish(Event::MessageEdited(edited.clone())).await?;
        return Ok(edited);
    }
    get(state, me, id).await
}

/// Deletes a message for everyone: your own, or any in a group you own or administer.
pub async fn delete(state: &AppState, me: Uuid, id: Uuid) -> Result<Message, AppError> {
    let (message, chat, member) = visible(state, me, id).await?;
    let moderator = chat.kind == ChatKind::Group && member.role.manages();
    if message.sender_id != me && !moderator {
        return Err(AppError::forbidden("forbidden", "You can delete only your own messages."));
    }
    if message.deleted_at.is_none() {
        let txn = crate::platform::db::begin_write(&state.db).await?;
        repo::erase(&txn, id, Utc::now()).await?;
        txn.commit().await?;
        // Its images go too: no one can fetch them once the message is gone.
        media::delete_for_message(state, id).await?;
        state.publish(Event::MessageDeleted { chat_id: message.chat_id, message_id: id, seq: message.seq }).await?;
    }
    get(state, me, id).await
}

pub async fn edits(state: &AppState, me: Uuid, id: Uuid) -> Result<Vec<Edit>, AppError> {
    visible(state, me, id).await?;
    let rows = repo::list_edits(&state.db, id).await?;
    Ok(rows.into_iter().map(|e| Edit { content: e.content, edited_at: e.edited_at }).collect())
}

pub async fn receipts(state: &AppState, me: Uuid, id: Uuid) -> Result<ReceiptsResponse, AppError> {
    let (message, _, _) = visible(state, me, id).await?;
    let members = chats::members(state, message.chat_id).await?;
    let others = members.iter().filter(|m| m.user_id != message.sender_id);
    let read_by = others
        .clone()
        .filter(|m| m.last_read_seq >= message.seq)
        .map(|m| Receipt { user_id: m.user_id, at: m.last_read_at })
        .collect();
    let delivered_to = others
        .filter(|m| m.last_delivered_seq >= message.seq)
        .map(|m| Receipt { user_id: m.user_id, at: m.last_delivered_at })
        .collect();
    Ok(ReceiptsResponse { read_by, delivered_to })
}

/// Adds the caller's reaction; returns false when it was already there.
pub async fn react(state: &AppState, me: Uuid, id: Uuid, emoji: &str) -> Result<bool, AppError> {
    let emoji = Emoji::parse(emoji)?;
    let (message, chat, _) = visible(state, me, id).await?;
    if message.deleted_at.is_some() {
        return Err(AppError::conflict("message_deleted", "This message was deleted."));
    }
    // A reaction is a message of its own to the other person: a block stops it like a send.
    // Taking one back (unreact) stays possible, as does deleting your own messages.
    chats::ensure_can_send(state, &chat, me).await?;
    let added = repo::create_reaction(&state.db, id, me, emoji.as_str()).await?;
    if added {
        let (chat_id, emoji) = (message.chat_id, emoji.as_str().to_owned());
        state.publish(Event::ReactionChanged { chat_id, message_id: id, user_id: me, emoji, added: true }).await?;
    }
    Ok(added)
}

pub async fn unreact(state: &AppState, me: Uuid, id: Uuid, emoji: &str) -> Result<bool, AppError> {
    let emoji = Emoji::parse(emoji)?;
    let (message, _, _) = visible(state, me, id).await?;
    let removed = repo::delete_reaction(&state.db, id, me, emoji.as_str()).await?;
    if removed {
        let (chat_id, emoji) = (message.chat_id, emoji.as_str().to_owned());
        state.publish(Event::ReactionChanged { chat_id, message_id: id, user_id: me, emoji, added: false }).await?;
    }
    Ok(removed)
}

/// Which related rows `assemble_with` must look up (a fresh message has no reactions, for one).
#[derive(Clone, Copy)]
pub struct Lookups {
    pub reactions: bool,
    pub media: bool,
}

/// Turns rows into API messages: senders, reply previews and reaction counts, in a few queries.
pub async fn assemble(state: &AppState, me: Uuid, rows: Vec<message::Model>) -> Result<Vec<Message>, AppError> {
    assemble_with(state, me, rows, Lookups { reactions: true, media: true }).await
}

pub async fn assemble_with(
    state: &AppState,
    me: Uuid,
    rows: Vec<message::Model>,
    lookups: Lookups,
) -> Result<Vec<Message>, AppError> {
    let reply_ids: Vec<Uuid> = rows.iter().filter_map(|m| m.reply_to_id).collect();
    // Each skipped lookup is one database round trip less on the send path.
    let replies = if reply_ids.is_empty() { Vec::new() } else { repo::find_messages(&state.db, &reply_ids).await? };
    let people: Vec<Uuid> =
        rows.iter().chain(&replies).map(|m| m.sender_id).collect::<HashSet<_>>().into_iter().collect();
    let users = users_by_ids(state, &people).await?;
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let mut images =
        if lookups.media && !ids.is_empty() { media::for_messages(state, &ids).await? } else { BTreeMap::new() };
    let found_reactions =
        if lookups.reactions && !ids.is_empty() { repo::list_reactions(&state.db, &ids).await? } else { Vec::new() };
    let mut reactions: BTreeMap<Uuid, Vec<ReactionCount>> = BTreeMap::new();
    for r in found_reactions {
        let list = reactions.entry(r.message_id).or_default();
        match list.iter_mut().find(|c| c.emoji == r.emoji) {
            Some(count) => {
                count.count += 1;
                count.me |= r.user_id == me;
            }
            None => list.push(ReactionCount { emoji: r.emoji, count: 1, me: r.user_id == me }),
        }
    }
    let name_of =
        |id: Uuid| users.get(&id).map(|u| u.display_name.clone()).unwrap_or_else(|| "Deleted user".to_owned());
    rows.into_iter()
        .map(|m| {
            let mut sender = users.get(&m.sender_id).cloned().ok_or_else(AppError::internal)?;
            // One message goes to every member alike, so it carries no presence (members and presence frames do).
            sender.hide_presence();
            let reply_to = m.reply_to_id.and_then(|rid| replies.iter().find(|r| r.id == rid)).map(|r| ReplyPreview {
                id: r.id,
                seq: r.seq,
                sender_id: r.sender_id,
                sender_name: name_of(r.sender_id),
                snippet: crate::messages::format::snippet_or_photo(&r.content, r.deleted_at.is_some()),
                deleted: r.deleted_at.is_some(),
            });
            Ok(Message {
                reactions: reactions.remove(&m.id).unwrap_or_default(),
                id: m.id,
                chat_id: m.chat_id,
                seq: m.seq,
                sender,
                content: m.content,
                client_id: m.client_id,
                reply_to,
                media: images.remove(&m.id).unwrap_or_default(),
                edited_at: m.edited_at,
                deleted_at: m.deleted_at,
                created_at: m.created_at,
            })
        })
        .collect()
}
