//! Account rules: registration, sign-in, token rotation, devices and the profile.

use super::{password, repo};
use crate::auth::model::*;
use crate::error::AppError;
use crate::platform::db::UniqueRace;
use crate::platform::entity::{session, user};
use crate::platform::events::Event;
use crate::platform::state::AppState;
use crate::platform::tokens;
use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, IntoActiveModel};
use uuid::Uuid;

/// Where a sign-in comes from, for the device list and throttling.
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: Option<String>,
}

pub fn to_user(m: &user::Model) -> User {
    User {
        id: m.id,
        username: m.username.clone(),
        display_name: m.display_name.clone(),
        avatar_url: m.avatar_media_id.map(crate::media::model::avatar_url),
        status: m.status.clone(),
        last_seen_at: m.last_seen_at,
    }
}

fn wrong_credentials() -> AppError {
    AppError::new(401, "invalid_credentials", "Wrong username or password.")
}

pub async fn register(state: &AppState, req: RegisterRequest) -> Result<User, AppError> {
    let username = Username::parse(&req.username)?;
    let password = Password::parse(&req.password)?;
    if req.password_confirm.as_ref().is_some_and(|c| c != &req.password) {
        return Err(AppError::bad_request("password_mismatch", "The two passwords do not match."));
    }
    let display_name = match req.display_name.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(raw) => DisplayName::parse(raw)?,
        None => DisplayName::parse(username.as_str())?,
    };
    if repo::find_user_by_key(&state.db, &username.key()).await?.is_some() {
        return Err(username_taken());
    }
    let now = Utc::now();
    let model = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set(username.as_str().to_owned()),
        username_lower: Set(username.key()),
        password_hash: Set(password::hash(password).await?),
        display_name: Set(display_name.as_str().to_owned()),
        avatar_media_id: Set(None),
        status: Set("offline".to_owned()),
        last_seen_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    // Two registrations raced for the same name: the database decides.
    let created = repo::create_user(&state.db, model).await.or_taken()?.ok_or_else(username_taken)?;
    Ok(to_user(&created))
}

fn username_taken() -> AppError {
    AppError::conflict("username_taken", "That username is taken. Please choose another.")
}

/// Signs in: a new session (device) with a refresh token, and an access token for it.
pub async fn login(
    state: &AppState,
    req: LoginRequest,
    client: &ClientInfo,
) -> Result<(LoginResponse, Uuid), AppError> {
    let account = req.username.trim().to_ascii_lowercase();
    state.login_throttle.check(&account, &client.ip).await?;
    let found = repo::find_user_by_key(&state.db, &account).await?;
    let stored = found.as_ref().map(|u| u.password_hash.clone());
    if !password::verify(req.password, stored).await? {
        state.login_throttle.record_failure(&account, &client.ip).await;
        return Err(wrong_credentials());
    }
    let user = found.ok_or_else(wrong_credentials)?;
    state.login_throttle.record_success(&account).await;

    let now = Utc::now();
    let refresh = tokens::new_refresh_token();
    let device = DeviceName::from_input(req.device_name.as_deref(), client.user_agent.as_deref());
    let session = repo::create_session(
        &state.db,
        session::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user.id),
            refresh_token_hash: Set(tokens::hash_token(&refresh)),
            device_name: Set(device.as_str().to_owned()),
            ip: Set(Some(client.ip.clone())),
            user_agent: Set(client.user_agent.as_ref().map(|ua| ua.chars().take(300).collect())),
            created_at: Set(now),
            last_active_at: Set(now),
            expires_at: Set(now + session_ttl(state)),
            revoked_at: Set(None),
        },
    )
    .await?;
    let access = state.tokens.issue_access(user.id, session.id)?;
    let response = LoginResponse {
        access_token: access,
        refresh_token: refresh,
        expires_in: state.tokens.ttl(),
        user: to_user(&user),
    };
    Ok((response, session.id))
}

fn session_ttl(state: &AppState) -> Duration {
    Duration::seconds(i64::try_from(state.settings.session_ttl).unwrap_or(i64::MAX / 1000))
}

fn invalid_refresh() -> AppError {
    AppError::new(401, "invalid_refresh_token", "The refresh token is invalid or expired. Please sign in again.")
}

/// Rotates a refresh token. Presenting a token that was already rotated away means it
/// leaked (or raced): the whole session is revoked.
pub async fn refresh(state: &AppState, req: RefreshRequest) -> Result<TokenResponse, AppError> {
    let old_hash = tokens::hash_token(req.refresh_token.trim());
    let now = Utc::now();
    let Some(current) = repo::find_session_by_refresh(&state.db, &old_hash).await? else {
        return Err(refuse_unknown_refresh(state, &old_hash).await?);
    };
    if current.revoked_at.is_some() || current.expires_at <= now {
        return Err(invalid_refresh());
    }
    let new_token = tokens::new_refresh_token();
    // The transaction opens with its conditional write, so on SQLite it takes the write lock
    // at once instead of failing to upgrade a read snapshot when another request wrote first.
    let txn = crate::platform::db::begin_write(&state.db).await?;
    let rotated = repo::rotate_refresh(
        &txn,
        current.id,
        &old_hash,
        &tokens::hash_token(&new_token),
        now,
        now + session_ttl(state),
    )
    .await?;
    txn.commit().await?;
    if !rotated {
        // Another request rotated this token a moment ago: the same token was used twice.
        return Err(refuse_unknown_refresh(state, &old_hash).await?);
    }
    Ok(TokenResponse {
        access_token: state.tokens.issue_access(current.user_id, current.id)?,
        refresh_token: new_token,
        expires_in: state.tokens.ttl(),
    })
}

/// The error for a refresh token that is not current; a retired one also revokes its session.
async fn refuse_unknown_refresh(state: &AppState, hash: &str) -> Result<AppError, AppError> {
    let Some(used) = repo::find_used_refresh(&state.db, hash).await? else { return Ok(invalid_refresh()) };
    repo::revoke_session(&state.db, used.session_id, Utc::now()).await?;
    if let Some(session) = repo::find_session(&state.db, used.session_id).await? {
        state.publish(Event::SessionsRevoked { user_id: session.user_id, sessions: vec![session.id] }).await?;
    }
    tracing::warn!(session = %used.session_id, "refresh token reused; session revoked");
    Ok(AppError::new(401, "refresh_token_reused", "This sign-in was ended for safety. Please sign in again."))
}

/// Ends this session, or every session of the user.
pub async fn logout(state: &AppState, user_id: Uuid, session_id: Uuid, all: bool) -> Result<Vec<Uuid>, AppError> {
    let now = Utc::now();
    let revoked = if all {
        repo::revoke_all_sessions(&state.db, user_id, now).await?
    } else {
        repo::revoke_session(&state.db, session_id, now).await?;
        vec![session_id]
    };
    // A signed-out device's live connections close and it gets no more notifications.
    state.publish(Event::SessionsRevoked { user_id, sessions: revoked.clone() }).await?;
    Ok(revoked)
}

pub async fn list_sessions(state: &AppState, user_id: Uuid, current: Uuid) -> Result<Vec<SessionInfo>, AppError> {
    let rows = repo::list_active_sessions(&state.db, user_id, Utc::now()).await?;
    Ok(rows
        .into_iter()
        .map(|s| SessionInfo {
            current: s.id == current,
            id: s.id,
            device_name: s.device_name,
            ip: s.ip,
            created_at: s.created_at,
            last_active_at: s.last_active_at,
        })
        .collect())
}

/// Revokes one of the caller's own sessions; someone else's is "not found".
pub async fn revoke_session(state: &AppState, user_id: Uuid, id: Uuid) -> Result<(), AppError> {
    let session = repo::find_session(&state.db, id).await?;
    match session {
        Some(s) if s.user_id == user_id && s.revoked_at.is_none() => {
            repo::revoke_session(&state.db, id, Utc::now()).await?;
            // That device's live connections close at once.
            state.publish(Event::SessionsRevoked { user_id, sessions: vec![id] }).await
        }
        _ => Err(AppError::not_found()),
    }
}

/// The active session behind a request, if it is still valid. Activity is written at most
/// once a minute so busy clients do not turn every request into a write.
pub async fn active_session(state: &AppState, id: Uuid, ip: &str) -> Result<Option<session::Model>, AppError> {
    let now = Utc::now();
    let Some(s) = repo::find_session(&state.db, id).await? else { return Ok(None) };
    if s.revoked_at.is_some() || s.expires_at <= now {
        return Ok(None);
    }
    if now - s.last_active_at > Duration::seconds(60) || s.ip.as_deref() != Some(ip) {
        repo::touch_session(&state.db, s.id, now, now + session_ttl(state), Some(ip.to_owned())).await?;
    }
    Ok(Some(s))
}

/// Whether a session is neither revoked nor expired; a plain read, for checks made again later.
pub async fn session_is_active(state: &AppState, id: Uuid) -> Result<bool, AppError> {
    let session = repo::find_session(&state.db, id).await?;
    Ok(session.is_some_and(|s| s.revoked_at.is_none() && s.expires_at > Utc::now()))
}

/// Public profiles of the given users, by id (unknown ids are left out).
pub async fn users_by_ids(state: &AppState, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, User>, AppError> {
    let rows = repo::find_users(&state.db, ids).await?;
    Ok(rows.iter().map(|u| (u.id, to_user(u))).collect())
}

/// Finds people by the start of their username, with presence as the presence rule allows.
pub async fn search_users(state: &AppState, me: Uuid, query: &str, limit: u64) -> Result<Vec<User>, AppError> {
    let prefix = query.trim().to_ascii_lowercase();
    if prefix.is_empty() || prefix.len() > 50 {
        return Err(AppError::bad_request("invalid_query", "Search for 1 to 50 characters of a username."));
    }
    let rows = repo::search_users(&state.db, &prefix, me, limit.clamp(1, 50)).await?;
    let filter = crate::presence::server::rule::filter(state, me).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let mut user = to_user(row);
            filter.apply(&mut user);
            user
        })
        .collect())
}

/// One person's public profile, with presence as the presence rule allows.
pub async fn get_user(state: &AppState, me: Uuid, id: Uuid) -> Result<User, AppError> {
    let row = repo::find_user(&state.db, id).await?.ok_or_else(user_not_found)?;
    let mut user = to_user(&row);
    crate::presence::server::rule::filter(state, me).await?.apply(&mut user);
    Ok(user)
}

/// The id of the account with this username (any case).
pub async fn user_id_by_username(state: &AppState, username: &str) -> Result<Option<Uuid>, AppError> {
    let key = username.trim().to_ascii_lowercase();
    Ok(repo::find_user_by_key(&state.db, &key).await?.map(|u| u.id))
}

pub fn user_not_found() -> AppError {
    AppError::new(404, "user_not_found", "No such user.")
}

pub async fn get_me(state: &AppState, user_id: Uuid) -> Result<User, AppError> {
    let user = repo::find_user(&state.db, user_id).await?.ok_or_else(AppError::unauthenticated)?;
    Ok(to_user(&user))
}

pub async fn update_me(state: &AppState, user_id: Uuid, req: UpdateMeRequest) -> Result<User, AppError> {
    let current = repo::find_user(&state.db, user_id).await?.ok_or_else(AppError::unauthenticated)?;
    let mut model = current.into_active_model();
    if let Some(raw) = &req.display_name {
        let name = DisplayName::parse(raw)?;
        model.display_name = Set(name.as_str().to_owned());
    }
    if let Some(media_id) = req.avatar_media_id {
        // Only an image this user uploaded can become their avatar.
        crate::media::server::service::require_own(state, user_id, media_id).await?;
        model.avatar_media_id = Set(Some(media_id));
    }
    model.updated_at = Set(Utc::now());
    Ok(to_user(&repo::update_user(&state.db, model).await?))
}
