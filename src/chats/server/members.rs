//! Changing a group: its name and picture, who is in it and with which role, leaving and deleting.

use super::repo;
use super::service::{check_joiners, member_ids, membership, new_member, require_group, require_manager, role_of};
use super::views::view;
use crate::chats::model::*;
use crate::error::AppError;
use crate::platform::events::Event;
use crate::platform::state::AppState;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, IntoActiveModel};
use std::collections::HashSet;
use uuid::Uuid;

pub async fn update_chat(state: &AppState, me: Uuid, id: Uuid, req: UpdateChatRequest) -> Result<Chat, AppError> {
    let (chat, member) = membership(state, id, me).await?;
    require_group(&chat)?;
    require_manager(&member)?;
    let mut model = chat.into_active_model();
    if let Some(raw) = &req.name {
        model.name = Set(Some(GroupName::parse(raw)?.as_str().to_owned()));
    }
    if let Some(media_id) = req.avatar_media_id {
        crate::media::server::service::require_own(state, me, media_id).await?;
        model.avatar_media_id = Set(Some(media_id));
    }
    let chat = repo::update_chat(&state.db, model).await?;
    state.publish(Event::ChatUpdated { chat_id: id, only: None }).await?;
    view(state, me, chat, true).await
}

/// Deletes a group for everyone (owner only).
pub async fn delete_chat(state: &AppState, me: Uuid, id: Uuid) -> Result<Vec<Uuid>, AppError> {
    let (chat, member) = membership(state, id, me).await?;
    require_group(&chat)?;
    if role_of(&member) != Role::Owner {
        return Err(AppError::forbidden("forbidden", "Only the group's owner can delete it."));
    }
    let recipients = member_ids(state, id).await?;
    let mut model = chat.into_active_model();
    model.deleted_at = Set(Some(Utc::now()));
    repo::update_chat(&state.db, model).await?;
    state.publish(Event::ChatDeleted { chat_id: id, members: recipients.clone() }).await?;
    Ok(recipients)
}

pub async fn add_members(state: &AppState, me: Uuid, id: Uuid, req: AddMembersRequest) -> Result<Vec<Uuid>, AppError> {
    let (chat, member) = membership(state, id, me).await?;
    require_group(&chat)?;
    require_manager(&member)?;
    let current: HashSet<Uuid> = member_ids(state, id).await?.into_iter().collect();
    let mut seen = HashSet::new();
    let joining: Vec<Uuid> = req.user_ids.into_iter().filter(|u| !current.contains(u) && seen.insert(*u)).collect();
    if current.len() + joining.len() > MAX_GROUP_MEMBERS {
        return Err(AppError::conflict("group_full", format!("Groups have at most {MAX_GROUP_MEMBERS} members.")));
    }
    check_joiners(state, &joining).await?;
    let txn = crate::platform::db::begin_write(&state.db).await?;
    for user in &joining {
        repo::upsert_member(&txn, new_member(id, *user, Role::Member)).await?;
    }
    txn.commit().await?;
    for user in &joining {
        state.publish(Event::MemberAdded { chat_id: id, user_id: *user }).await?;
    }
    Ok(joining)
}

pub async fn remove_member(state: &AppState, me: Uuid, id: Uuid, target: Uuid) -> Result<(), AppError> {
    if target == me {
        return leave(state, me, id).await;
    }
    let (chat, member) = membership(state, id, me).await?;
    require_group(&chat)?;
    require_manager(&member)?;
    let target_member = repo::find_membership(&state.db, id, target).await?.ok_or_else(AppError::not_found)?;
    let (mine, theirs) = (role_of(&member), role_of(&target_member));
    if theirs == Role::Owner || (mine == Role::Admin && theirs == Role::Admin) {
        return Err(AppError::forbidden("forbidden", "You cannot remove that member."));
    }
    repo::mark_left(&state.db, id, target, Utc::now()).await?;
    state.publish(Event::MemberRemoved { chat_id: id, user_id: target }).await?;
    Ok(())
}

pub async fn change_role(
    state: &AppState,
    me: Uuid,
    id: Uuid,
    target: Uuid,
    req: UpdateMemberRequest,
) -> Result<(), AppError> {
    let role = Role::parse(&req.role)
        .ok_or_else(|| AppError::bad_request("invalid_role", "A role is owner, admin or member."))?;
    let (chat, member) = membership(state, id, me).await?;
    require_group(&chat)?;
    if role_of(&member) != Role::Owner {
        return Err(AppError::forbidden("forbidden", "Only the group's owner can change roles."));
    }
    if target == me {
        return Err(AppError::bad_request("invalid_participant", "Hand ownership to someone else instead."));
    }
    repo::find_membership(&state.db, id, target).await?.ok_or_else(AppError::not_found)?;
    let txn = crate::platform::db::begin_write(&state.db).await?;
    repo::set_role(&txn, id, target, role).await?;
    if role == Role::Owner {
        repo::set_role(&txn, id, me, Role::Admin).await?;
        let mut model = chat.into_active_model();
        model.owner_id = Set(Some(target));
        repo::update_chat(&txn, model).await?;
    }
    txn.commit().await?;
    state.publish(Event::ChatUpdated { chat_id: id, only: None }).await
}

/// Leaves a group. The owner hands ownership over first, unless they are the last one there.
pub async fn leave(state: &AppState, me: Uuid, id: Uuid) -> Result<(), AppError> {
    let (chat, member) = membership(state, id, me).await?;
    require_group(&chat)?;
    let others = repo::count_members(&state.db, id).await?.saturating_sub(1);
    if role_of(&member) == Role::Owner && others > 0 {
        return Err(AppError::conflict("owner_must_transfer", "Hand ownership to another member before leaving."));
    }
    repo::mark_left(&state.db, id, me, Utc::now()).await?;
    state.publish(Event::MemberRemoved { chat_id: id, user_id: me }).await?;
    if others == 0 {
        let mut model = chat.into_active_model();
        model.deleted_at = Set(Some(Utc::now()));
        repo::update_chat(&state.db, model).await?;
    }
    Ok(())
}
