//! Who may see whose presence: a user's status and last seen show only to their contacts and
//! chat partners, and never to someone they blocked; whoever blocked the viewer looks offline
//! to them. `filter` is the rule from the viewer's side, `audience` from the subject's.

use super::repo;
use crate::auth::model::User;
use crate::contacts::model::ContactStatus::{Accepted, Blocked};
use crate::error::AppError;
use crate::platform::state::AppState;
use std::collections::HashSet;
use uuid::Uuid;

/// The people around a user: contacts and chat partners, and the blocks that name them.
struct Circle {
    near: HashSet<Uuid>,
    /// People the user blocked.
    blocks: HashSet<Uuid>,
    /// People who blocked the user.
    blockers: HashSet<Uuid>,
}

async fn circle(state: &AppState, user: Uuid) -> Result<Circle, AppError> {
    let mut near: HashSet<Uuid> = repo::list_chat_partners(&state.db, user).await?.into_iter().collect();
    let mut blocks = HashSet::new();
    let mut blockers = HashSet::new();
    for row in repo::list_contact_rows(&state.db, user).await? {
        match row.status {
            Accepted => {
                near.insert(if row.user_id == user { row.contact_id } else { row.user_id });
            }
            Blocked if row.user_id == user => {
                blocks.insert(row.contact_id);
            }
            Blocked => {
                blockers.insert(row.user_id);
            }
            _ => {}
        }
    }
    Ok(Circle { near, blocks, blockers })
}

/// The rule from one viewer's side, ready to apply to every person shown to them.
pub struct PresenceFilter {
    viewer: Uuid,
    visible: HashSet<Uuid>,
}

impl PresenceFilter {
    /// Shows or hides one user's presence for the viewer.
    pub fn apply(&self, user: &mut User) {
        if user.id != self.viewer && !self.visible.contains(&user.id) {
            user.hide_presence();
        }
    }
}

pub async fn filter(state: &AppState, viewer: Uuid) -> Result<PresenceFilter, AppError> {
    let circle = circle(state, viewer).await?;
    let visible = circle.near.difference(&circle.blockers).copied().collect();
    Ok(PresenceFilter { viewer, visible })
}

/// Who receives the subject's presence frames.
pub async fn audience(state: &AppState, subject: Uuid) -> Result<Vec<Uuid>, AppError> {
    let circle = circle(state, subject).await?;
    Ok(circle.near.difference(&circle.blocks).copied().collect())
}
