//! Wire types of the contacts API (shared by client and server).

use crate::auth::model::User;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "server")]
use utoipa::ToSchema;

/// How many contact requests one person may send in 24 hours.
pub const MAX_REQUESTS_PER_DAY: u64 = 50;

/// What a row of the `contacts` table says about two people: a request waiting, contacts, or
/// (keyed blocker → blocked) a block. Stored, and sent in `status` fields, as these strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "server", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum ContactStatus {
    #[cfg_attr(feature = "server", sea_orm(string_value = "pending"))]
    Pending,
    #[cfg_attr(feature = "server", sea_orm(string_value = "accepted"))]
    Accepted,
    #[cfg_attr(feature = "server", sea_orm(string_value = "blocked"))]
    Blocked,
}

impl ContactStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Blocked => "blocked",
        }
    }
}

/// Someone the caller is connected with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub user: User,
    /// Always "accepted": pending pairs are in `incoming` and `outgoing`.
    pub status: String,
    /// When the request was accepted.
    pub since: DateTime<Utc>,
}

/// A request to become contacts, from one person to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactRequest {
    pub id: Uuid,
    pub from: User,
    pub to: User,
    /// pending, accepted or declined.
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// Someone the caller blocked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BlockedUser {
    pub user: User,
    pub since: DateTime<Utc>,
}

/// The caller's address book: contacts, requests both ways, and whom they blocked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ContactsResponse {
    pub contacts: Vec<Contact>,
    pub incoming: Vec<ContactRequest>,
    pub outgoing: Vec<ContactRequest>,
    pub blocked: Vec<BlockedUser>,
}

impl ContactsResponse {
    pub fn is_contact(&self, user: Uuid) -> bool {
        self.contacts.iter().any(|c| c.user.id == user)
    }

    pub fn has_blocked(&self, user: Uuid) -> bool {
        self.blocked.iter().any(|b| b.user.id == user)
    }

    /// Whether a request is waiting between the caller and `user`, either way.
    pub fn pending_with(&self, user: Uuid) -> bool {
        self.incoming.iter().any(|r| r.from.id == user) || self.outgoing.iter().any(|r| r.to.id == user)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ContactRequestResponse {
    pub request: ContactRequest,
}

/// Whom to ask: by id or by username (exactly one).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendContactRequest {
    #[serde(default)]
    pub user_id: Option<Uuid>,
    #[serde(default)]
    pub username: Option<String>,
}
