//! The contact rules other domains ask about (whether two people may message each other) and
//! the caller's address book. Who sees whose presence is the presence domain's rule.

use super::repo;
use crate::auth::server::service::users_by_ids;
use crate::contacts::model::ContactStatus::{Accepted, Blocked, Pending};
use crate::contacts::model::*;
use crate::error::AppError;
use crate::platform::entity::contact;
use crate::platform::state::AppState;
use uuid::Uuid;

/// Which of two people blocked the other, if either did (the caller's own block first).
pub enum Block {
    ByMe,
    ByThem,
}

pub async fn block_between(state: &AppState, me: Uuid, other: Uuid) -> Result<Option<Block>, AppError> {
    if repo::find_block(&state.db, me, other).await?.is_some() {
        return Ok(Some(Block::ByMe));
    }
    Ok(repo::find_block(&state.db, other, me).await?.map(|_| Block::ByThem))
}

/// Refuses a message or a direct chat between two people when either blocked the other.
pub async fn ensure_can_message(state: &AppState, me: Uuid, other: Uuid) -> Result<(), AppError> {
    match block_between(state, me, other).await? {
        Some(Block::ByMe) => {
            Err(AppError::forbidden("you_blocked", "You blocked this person. Unblock them to send messages."))
        }
        Some(Block::ByThem) => Err(AppError::forbidden("blocked", "You can't message this person.")),
        None => Ok(()),
    }
}

/// The person on the other side of a row.
pub(super) fn other_side(row: &contact::Model, me: Uuid) -> Uuid {
    if row.user_id == me { row.contact_id } else { row.user_id }
}

/// The caller's contacts, requests both ways and block list. Blocks against the caller stay hidden.
pub async fn list(state: &AppState, me: Uuid) -> Result<ContactsResponse, AppError> {
    let rows = repo::list_rows_of(&state.db, me).await?;
    let shown: Vec<&contact::Model> = rows.iter().filter(|r| r.status != Blocked || r.user_id == me).collect();
    let ids: Vec<Uuid> = shown.iter().map(|r| other_side(r, me)).chain([me]).collect();
    let users = users_by_ids(state, &ids).await?;
    let filter = crate::presence::server::rule::filter(state, me).await?;
    let person = |id: Uuid| {
        users.get(&id).cloned().map(|mut user| {
            filter.apply(&mut user);
            user
        })
    };
    let mut book = ContactsResponse::default();
    for row in shown {
        let Some(other) = person(other_side(row, me)) else { continue };
        match row.status {
            Accepted => book.contacts.push(Contact {
                user: other,
                status: Accepted.as_str().to_owned(),
                since: row.accepted_at.unwrap_or(row.created_at),
            }),
            Blocked => book.blocked.push(BlockedUser { user: other, since: row.created_at }),
            Pending => {
                let Some(myself) = person(me) else { continue };
                let (list, from, to) = if row.requested_by == me {
                    (&mut book.outgoing, myself, other)
                } else {
                    (&mut book.incoming, other, myself)
                };
                let Some(id) = row.request_id else { continue };
                list.push(ContactRequest {
                    id,
                    from,
                    to,
                    status: Pending.as_str().to_owned(),
                    created_at: row.created_at,
                });
            }
        }
    }
    book.contacts.sort_by_key(|c| c.user.display_name.to_lowercase());
    Ok(book)
}
