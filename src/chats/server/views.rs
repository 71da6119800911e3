//! Chats as a member sees them: the chat list, one chat (by id or by its group's slug), with
//! members (presence as the presence rule allows), the last message and the unread count.

use super::repo;
use super::service::membership;
use crate::auth::server::service::users_by_ids;
use crate::chats::model::*;
use crate::error::AppError;
use crate::messages::model::MessagePreview;
use crate::platform::entity::{chat, chat_member, message};
use crate::platform::state::AppState;
use crate::presence::server::rule::{self as presence, PresenceFilter};
use uuid::Uuid;

pub async fn list_chats(state: &AppState, me: Uuid) -> Result<Vec<Chat>, AppError> {
    let chats = repo::list_chats_of(&state.db, me).await?;
    let filter = presence::filter(state, me).await?;
    let mut out = Vec::with_capacity(chats.len());
    for chat in chats {
        // The list shows the other person of a direct chat; group members load with the chat.
        let with_members = chat.kind == ChatKind::Direct;
        out.push(view_with(state, me, chat, with_members, &filter).await?);
    }
    Ok(out)
}

pub async fn get_chat(state: &AppState, me: Uuid, id: Uuid) -> Result<Chat, AppError> {
    let (chat, _) = membership(state, id, me).await?;
    view(state, me, chat, true).await
}

pub async fn get_chat_by_slug(state: &AppState, me: Uuid, slug: &str) -> Result<Chat, AppError> {
    let chat = repo::find_chat_by_slug(&state.db, slug).await?.ok_or_else(AppError::not_found)?;
    get_chat(state, me, chat.id).await
}

/// A chat as the given member sees it.
pub(super) async fn view(state: &AppState, me: Uuid, chat: chat::Model, with_members: bool) -> Result<Chat, AppError> {
    let filter = presence::filter(state, me).await?;
    view_with(state, me, chat, with_members, &filter).await
}

/// `view` with the member's presence rule already worked out (the chat list shares one).
async fn view_with(
    state: &AppState,
    me: Uuid,
    chat: chat::Model,
    with_members: bool,
    filter: &PresenceFilter,
) -> Result<Chat, AppError> {
    let members = repo::list_members(&state.db, &[chat.id]).await?;
    let mine = members.iter().find(|m| m.user_id == me);
    let (my_read, muted) = (mine.map_or(0, |m| m.last_read_seq), mine.is_some_and(|m| m.muted));
    let shown: Vec<&chat_member::Model> = if with_members {
        members.iter().filter(|m| chat.kind == ChatKind::Group || m.user_id != me).collect()
    } else {
        Vec::new()
    };
    let ids: Vec<Uuid> = shown.iter().map(|m| m.user_id).collect();
    let users = users_by_ids(state, &ids).await?;
    let members = shown
        .into_iter()
        .filter_map(|m| {
            users.get(&m.user_id).map(|user| ChatMember {
                user: {
                    let mut user = user.clone();
                    filter.apply(&mut user);
                    user
                },
                role: m.role.as_str().to_owned(),
                last_read_seq: m.last_read_seq,
                last_delivered_seq: m.last_delivered_seq,
            })
        })
        .collect();
    let last = repo::last_message(&state.db, &chat).await?;
    let unread = repo::count_unread(&state.db, chat.id, me, my_read).await?;
    Ok(Chat {
        id: chat.id,
        kind: chat.kind.as_str().to_owned(),
        name: chat.name,
        slug: chat.slug,
        avatar_url: chat.avatar_media_id.map(crate::media::model::avatar_url),
        members,
        last_message: last.as_ref().map(preview),
        last_seq: chat.last_seq,
        unread_count: i64::try_from(unread).unwrap_or(i64::MAX),
        muted,
        last_activity_at: chat.last_activity_at,
        created_at: chat.created_at,
    })
}

pub fn preview(m: &message::Model) -> MessagePreview {
    MessagePreview {
        id: m.id,
        seq: m.seq,
        sender_id: m.sender_id,
        snippet: crate::messages::format::snippet_or_photo(&m.content, m.deleted_at.is_some()),
        deleted: m.deleted_at.is_some(),
        created_at: m.created_at,
    }
}
