//! Contact requests: sending (at most 50 a day), accepting, declining, cancelling and removing.
//! A request to someone who already asked you accepts theirs; asking twice returns the first.

use super::repo;
use super::service::{Block, block_between, other_side};
use crate::auth::server::service::{user_id_by_username, user_not_found, users_by_ids};
use crate::contacts::model::ContactStatus::{Accepted, Pending};
use crate::contacts::model::*;
use crate::error::AppError;
use crate::platform::db::UniqueRace;
use crate::platform::entity::contact;
use crate::platform::events::Event;
use crate::platform::state::AppState;
use chrono::{Duration, Utc};
use uuid::Uuid;

/// The person a request names, by id or by username.
async fn recipient(state: &AppState, req: &SendContactRequest) -> Result<Uuid, AppError> {
    let found = match (req.user_id, req.username.as_deref()) {
        (Some(id), None) => users_by_ids(state, &[id]).await?.contains_key(&id).then_some(id),
        (None, Some(name)) => user_id_by_username(state, name).await?,
        _ => {
            return Err(AppError::bad_request(
                "invalid_body",
                "Name the person by userId or by username (one of them).",
            ));
        }
    };
    found.ok_or_else(user_not_found)
}

/// Sends a request. Returns whether a new request was created (false: an existing one answered).
pub async fn send(state: &AppState, me: Uuid, req: SendContactRequest) -> Result<(bool, ContactRequest), AppError> {
    let other = recipient(state, &req).await?;
    if other == me {
        return Err(AppError::bad_request("invalid_contact", "You cannot send a contact request to yourself."));
    }
    match block_between(state, me, other).await? {
        Some(Block::ByMe) => {
            return Err(AppError::forbidden("you_blocked", "You blocked this person. Unblock them to add them."));
        }
        Some(Block::ByThem) => return Err(AppError::forbidden("blocked", "You can't add this person.")),
        None => {}
    }
    if let Some(row) = repo::find_pair(&state.db, me, other).await? {
        return Ok((false, answer_existing(state, me, row).await?));
    }
    check_daily_limit(state, me).await?;
    let now = Utc::now();
    let txn = crate::platform::db::begin_write(&state.db).await?;
    let Some(created) = repo::create_request(&txn, me, other, Uuid::now_v7(), now).await.or_taken()? else {
        // The other person asked at the same moment (or this is a double click): answer with that row.
        txn.rollback().await?;
        let row = repo::find_pair(&state.db, me, other).await?.ok_or_else(AppError::internal)?;
        return Ok((false, answer_existing(state, me, row).await?));
    };
    repo::log_request(&txn, me, now).await?;
    repo::prune_log(&txn, me, now - Duration::days(1)).await?;
    txn.commit().await?;
    // The recipient's devices and the sender's other devices, each with presence as they may see it.
    let for_recipient = view(state, other, &created, Pending.as_str()).await?;
    let for_sender = view(state, me, &created, Pending.as_str()).await?;
    state.publish(Event::ContactRequested { for_recipient, for_sender: for_sender.clone() }).await?;
    Ok((true, for_sender))
}

/// A request between two people who already have a row: the pending one, or acceptance of theirs.
async fn answer_existing(state: &AppState, me: Uuid, row: contact::Model) -> Result<ContactRequest, AppError> {
    match row.status {
        Accepted => Err(AppError::conflict("already_contacts", "You are already contacts.")),
        _ if row.requested_by == me => view(state, me, &row, Pending.as_str()).await,
        _ => accept_row(state, me, row).await,
    }
}

async fn check_daily_limit(state: &AppState, me: Uuid) -> Result<(), AppError> {
    let now = Utc::now();
    let (sent, oldest) = repo::requests_sent_since(&state.db, me, now - Duration::days(1)).await?;
    if sent < MAX_REQUESTS_PER_DAY {
        return Ok(());
    }
    // A slot frees up when the oldest request of the window turns a day old.
    let wait = oldest.map_or(Duration::days(1), |at| at + Duration::days(1) - now).num_seconds().max(1);
    let hours = (wait + 3599) / 3600;
    Err(AppError {
        retry_after: Some(u64::try_from(wait).unwrap_or(1)),
        ..AppError::new(
            429,
            "contact_request_limit",
            format!("You can send {MAX_REQUESTS_PER_DAY} contact requests a day. Try again in {hours} h."),
        )
    })
}

/// The pending request with this id, if the caller is the one it was sent to.
async fn incoming(state: &AppState, me: Uuid, id: Uuid) -> Result<contact::Model, AppError> {
    let row = repo::find_pending_request(&state.db, id).await?.ok_or_else(AppError::not_found)?;
    let to_me = row.requested_by != me && (row.user_id == me || row.contact_id == me);
    if to_me { Ok(row) } else { Err(AppError::not_found()) }
}

pub async fn accept(state: &AppState, me: Uuid, id: Uuid) -> Result<ContactRequest, AppError> {
    let row = incoming(state, me, id).await?;
    accept_row(state, me, row).await
}

async fn accept_row(state: &AppState, me: Uuid, row: contact::Model) -> Result<ContactRequest, AppError> {
    let accepted = repo::accept(&state.db, row, Utc::now()).await?;
    announce(state, me, other_side(&accepted, me), Accepted.as_str()).await?;
    view(state, me, &accepted, Accepted.as_str()).await
}

pub async fn decline(state: &AppState, me: Uuid, id: Uuid) -> Result<ContactRequest, AppError> {
    let row = incoming(state, me, id).await?;
    let other = other_side(&row, me);
    repo::delete_pair(&state.db, me, other).await?;
    announce(state, me, other, "none").await?;
    view(state, me, &row, "declined").await
}

/// Cancels a request either way, or ends a contact.
pub async fn remove(state: &AppState, me: Uuid, other: Uuid) -> Result<(), AppError> {
    if !repo::delete_pair(&state.db, me, other).await? {
        return Err(AppError::not_found());
    }
    announce(state, me, other, "none").await
}

/// Tells both people what they are to each other now.
async fn announce(state: &AppState, me: Uuid, other: Uuid, status: &str) -> Result<(), AppError> {
    let status = status.to_owned();
    state.publish(Event::ContactChanged { user_id: me, other_id: other, status, private: false }).await
}

/// A request as `viewer` sees it.
async fn view(state: &AppState, viewer: Uuid, row: &contact::Model, status: &str) -> Result<ContactRequest, AppError> {
    let from = row.requested_by;
    let to = other_side(row, from);
    let users = users_by_ids(state, &[from, to]).await?;
    let filter = crate::presence::server::rule::filter(state, viewer).await?;
    let person = |id: Uuid| {
        let mut user = users.get(&id).cloned().ok_or_else(AppError::internal)?;
        filter.apply(&mut user);
        Ok::<_, AppError>(user)
    };
    Ok(ContactRequest {
        id: row.request_id.ok_or_else(AppError::internal)?,
        from: person(from)?,
        to: person(to)?,
        status: status.to_owned(),
        created_at: row.created_at,
    })
}
