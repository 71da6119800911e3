//! Chat rules: who may create, see, change and leave a chat, and how the chat list is built.

use super::repo;
use super::views::view;
use crate::auth::server::service::users_by_ids;
use crate::chats::model::*;
use crate::error::AppError;
use crate::platform::db::UniqueRace;
use crate::platform::entity::{chat, chat_member};
use crate::platform::events::Event;
use crate::platform::state::AppState;
use chrono::Utc;
use sea_orm::ActiveValue::Set;
use std::collections::HashSet;
use uuid::Uuid;

/// A current member, as other domains see one.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub user_id: Uuid,
    pub role: Role,
    pub muted: bool,
    pub last_read_seq: i64,
    pub last_read_at: Option<chrono::DateTime<Utc>>,
    pub last_delivered_seq: i64,
    pub last_delivered_at: Option<chrono::DateTime<Utc>>,
}

impl From<&chat_member::Model> for Member {
    fn from(m: &chat_member::Model) -> Self {
        Self {
            user_id: m.user_id,
            role: m.role,
            muted: m.muted,
            last_read_seq: m.last_read_seq,
            last_read_at: m.last_read_at,
            last_delivered_seq: m.last_delivered_seq,
            last_delivered_at: m.last_delivered_at,
        }
    }
}

pub fn chat_ref(chat: &chat::Model) -> ChatRef {
    ChatRef { id: chat.id, kind: chat.kind, name: chat.name.clone() }
}

/// For other domains: the chat and the caller's membership; a chat the caller is not in does
/// not exist for them.
pub async fn joined(state: &AppState, chat_id: Uuid, user_id: Uuid) -> Result<(ChatRef, Member), AppError> {
    let (chat, member) = membership(state, chat_id, user_id).await?;
    Ok((chat_ref(&chat), Member::from(&member)))
}

/// The chat and the caller's membership; a chat the caller is not in does not exist for them.
pub(in crate::chats) async fn membership(
    state: &AppState,
    chat_id: Uuid,
    user_id: Uuid,
) -> Result<(chat::Model, chat_member::Model), AppError> {
    let chat = repo::find_chat(&state.db, chat_id).await?.ok_or_else(AppError::not_found)?;
    let member = repo::find_membership(&state.db, chat_id, user_id).await?.ok_or_else(AppError::not_found)?;
    Ok((chat, member))
}

/// Whether the user is a current member of the chat (which exists); an outage is an error.
pub async fn is_member(state: &AppState, chat_id: Uuid, user_id: Uuid) -> Result<bool, AppError> {
    if repo::find_chat(&state.db, chat_id).await?.is_none() {
        return Ok(false);
    }
    Ok(repo::find_membership(&state.db, chat_id, user_id).await?.is_some())
}

/// Ids of the chat's current members: who live events of the chat go to.
pub async fn member_ids(state: &AppState, chat_id: Uuid) -> Result<Vec<Uuid>, AppError> {
    Ok(repo::list_members(&state.db, &[chat_id]).await?.into_iter().map(|m| m.user_id).collect())
}

pub(super) fn role_of(member: &chat_member::Model) -> Role {
    member.role
}

pub(super) fn require_group(chat: &chat::Model) -> Result<(), AppError> {
    if chat.kind == ChatKind::Group {
        Ok(())
    } else {
        Err(AppError::bad_request("not_a_group", "Only group chats have that."))
    }
}

pub(super) fn require_manager(member: &chat_member::Model) -> Result<(), AppError> {
    if role_of(member).manages() {
        Ok(())
    } else {
        Err(AppError::forbidden("forbidden", "Only the group's owner and admins can do that."))
    }
}

fn direct_key(a: Uuid, b: Uuid) -> String {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    format!("{low}:{high}")
}

pub(super) fn new_member(chat_id: Uuid, user_id: Uuid, role: Role) -> chat_member::ActiveModel {
    chat_member::ActiveModel {
        chat_id: Set(chat_id),
        user_id: Set(user_id),
        role: Set(role),
        joined_at: Set(Utc::now()),
        left_at: Set(None),
        last_read_seq: Set(0),
        last_delivered_seq: Set(0),
        muted: Set(false),
        last_read_at: Set(None),
        last_delivered_at: Set(None),
    }
}

/// The direct chat with another user: created once, then the same chat every time (`created` says which).
pub async fn open_direct(state: &AppState, me: Uuid, other: Uuid) -> Result<(bool, Chat), AppError> {
    if other == me {
        return Err(AppError::bad_request("invalid_participant", "You cannot start a chat with yourself."));
    }
    if users_by_ids(state, &[other]).await?.is_empty() {
        return Err(AppError::new(404, "user_not_found", "No such user."));
    }
    crate::contacts::server::service::ensure_can_message(state, me, other).await?;
    let key = direct_key(me, other);
    if let Some(existing) = repo::find_direct(&state.db, &key).await? {
        return Ok((false, view(state, me, existing, true).await?));
    }
    let now = Utc::now();
    let txn = crate::platform::db::begin_write(&state.db).await?;
    let created = repo::create_chat(
        &txn,
        chat::ActiveModel {
            id: Set(Uuid::now_v7()),
            kind: Set(ChatKind::Direct),
            name: Set(None),
            slug: Set(None),
            direct_key: Set(Some(key.clone())),
            avatar_media_id: Set(None),
            owner_id: Set(None),
            last_seq: Set(0),
            last_activity_at: Set(now),
            created_at: Set(now),
            deleted_at: Set(None),
        },
    )
    .await;
    let Some(chat) = created.or_taken()? else {
        // Both people opened the chat at the same moment: the other request created it.
        txn.rollback().await?;
        let existing = repo::find_direct(&state.db, &key).await?.ok_or_else(AppError::internal)?;
        return Ok((false, view(state, me, existing, true).await?));
    };
    for user in [me, other] {
        repo::upsert_member(&txn, new_member(chat.id, user, Role::Member)).await?;
    }
    txn.commit().await?;
    state.publish(Event::ChatCreated { chat_id: chat.id, members: vec![me, other] }).await?;
    Ok((true, view(state, me, chat, true).await?))
}

/// The other person of a direct chat; None for a group (or a direct chat left alone).
async fn other_in_direct(state: &AppState, chat: &ChatRef, me: Uuid) -> Result<Option<Uuid>, AppError> {
    if chat.kind != ChatKind::Direct {
        return Ok(None);
    }
    Ok(member_ids(state, chat.id).await?.into_iter().find(|u| *u != me))
}

/// Refuses sending into a direct chat when either person blocked the other; groups are unaffected.
pub async fn ensure_can_send(state: &AppState, chat: &ChatRef, me: Uuid) -> Result<(), AppError> {
    match other_in_direct(state, chat, me).await? {
        Some(other) => crate::contacts::server::service::ensure_can_message(state, me, other).await,
        None => Ok(()),
    }
}

/// Whether `me` may send into the chat, for what a block silences rather than refuses
/// (typing, reads). A database that does not answer is an error, never a "no".
pub async fn can_send(state: &AppState, chat: &ChatRef, me: Uuid) -> Result<bool, AppError> {
    match other_in_direct(state, chat, me).await? {
        Some(other) => Ok(crate::contacts::server::service::block_between(state, me, other).await?.is_none()),
        None => Ok(true),
    }
}

/// Checks that users exist and that none of them would exceed the group limit.
pub(super) async fn check_joiners(state: &AppState, users: &[Uuid]) -> Result<(), AppError> {
    let found = users_by_ids(state, users).await?;
    if let Some(missing) = users.iter().find(|u| !found.contains_key(u)) {
        return Err(AppError::bad_request("unknown_user", format!("No user with id {missing}.")));
    }
    for user in users {
        if repo::count_groups_of(&state.db, *user).await? >= MAX_GROUPS_PER_USER {
            let name = found.get(user).map(|u| u.display_name.clone()).unwrap_or_default();
            return Err(AppError::conflict(
                "too_many_groups",
                format!("{name} is already in {MAX_GROUPS_PER_USER} groups, the most allowed."),
            ));
        }
    }
    Ok(())
}

pub async fn create_group(state: &AppState, me: Uuid, req: CreateGroupRequest) -> Result<Chat, AppError> {
    let name = GroupName::parse(&req.name)?;
    let mut seen = HashSet::from([me]);
    let others: Vec<Uuid> = req.participant_ids.into_iter().filter(|id| seen.insert(*id)).collect();
    if others.len() + 1 > MAX_GROUP_MEMBERS {
        return Err(AppError::bad_request(
            "too_many_members",
            format!("Groups have at most {MAX_GROUP_MEMBERS} members."),
        ));
    }
    let mut everyone = vec![me];
    everyone.extend(&others);
    check_joiners(state, &everyone).await?;
    let slug = free_slug(state, &name).await?;
    let now = Utc::now();
    let txn = crate::platform::db::begin_write(&state.db).await?;
    let chat = repo::create_chat(
        &txn,
        chat::ActiveModel {
            id: Set(Uuid::now_v7()),
            kind: Set(ChatKind::Group),
            name: Set(Some(name.as_str().to_owned())),
            slug: Set(Some(slug)),
            direct_key: Set(None),
            avatar_media_id: Set(None),
            owner_id: Set(Some(me)),
            last_seq: Set(0),
            last_activity_at: Set(now),
            created_at: Set(now),
            deleted_at: Set(None),
        },
    )
    .await?;
    repo::upsert_member(&txn, new_member(chat.id, me, Role::Owner)).await?;
    for user in &others {
        repo::upsert_member(&txn, new_member(chat.id, *user, Role::Member)).await?;
    }
    txn.commit().await?;
    state.publish(Event::ChatCreated { chat_id: chat.id, members: everyone }).await?;
    view(state, me, chat, true).await
}

/// "team-lunch-k3x9q2": readable, and unguessable enough that slugs do not enumerate groups.
async fn free_slug(state: &AppState, name: &GroupName) -> Result<String, AppError> {
    for _ in 0..5 {
        let slug = format!("{}-{}", name.slug_base(), slug_suffix());
        if !repo::slug_taken(&state.db, &slug).await? {
            return Ok(slug);
        }
    }
    Err(AppError::internal())
}

/// Six random characters from an alphabet without look-alikes (no l, o, 0, 1).
fn slug_suffix() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..6).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// Mutes or unmutes a chat for the caller (no push notifications from it while muted); the
/// caller's other devices hear of it as `chat.updated`.
pub async fn set_muted(state: &AppState, me: Uuid, id: Uuid, muted: bool) -> Result<Chat, AppError> {
    let (chat, _) = membership(state, id, me).await?;
    repo::set_muted(&state.db, id, me, muted).await?;
    state.publish(Event::ChatUpdated { chat_id: id, only: Some(me) }).await?;
    view(state, me, chat, true).await
}

/// Marks everything up to `seq` read (never moves backwards; capped at the latest message).
pub async fn mark_read(state: &AppState, me: Uuid, id: Uuid, seq: i64) -> Result<Option<i64>, AppError> {
    if seq < 0 {
        return Err(AppError::bad_request("invalid_seq", "seq cannot be negative."));
    }
    let (chat, _) = membership(state, id, me).await?;
    let seq = seq.min(chat.last_seq);
    let moved = repo::advance_read(&state.db, id, me, seq, Utc::now()).await?;
    Ok(moved.then_some(seq))
}

/// A sender has read their own message: moves their positions to `seq` inside the send transaction.
pub async fn mark_sent_read(
    db: &impl sea_orm::ConnectionTrait,
    chat_id: Uuid,
    me: Uuid,
    seq: i64,
    now: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    repo::advance_read(db, chat_id, me, seq, now).await?;
    Ok(())
}

/// Moves several delivered positions forward (seq per (user, chat));
/// returns the memberships that moved. Members who have left are not touched.
pub async fn advance_deliveries(
    state: &AppState,
    marks: &[repo::DeliveryMark],
) -> Result<Vec<chat_member::Model>, AppError> {
    // No surrounding transaction: each statement of up to 500 marks commits on its own, so
    // sends waiting for SQLite's write lock get it between them instead of after all of them.
    // Marks only move forward, so writing a few of them twice after a failure is harmless.
    Ok(repo::advance_delivered_many(&state.db, marks, Utc::now()).await?)
}

/// Current members of several chats.
pub async fn members_of(state: &AppState, chat_ids: &[Uuid]) -> Result<Vec<chat_member::Model>, AppError> {
    if chat_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(repo::list_members(&state.db, chat_ids).await?)
}

/// Current members with their read and delivered positions.
pub async fn members(state: &AppState, chat_id: Uuid) -> Result<Vec<Member>, AppError> {
    Ok(repo::list_members(&state.db, &[chat_id]).await?.iter().map(Member::from).collect())
}
