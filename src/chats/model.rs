//! Wire types of the chats API (shared by client and server).

use crate::auth::model::User;
use crate::messages::model::MessagePreview;
use crate::validation::Invalid;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "server")]
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChatMember {
    pub user: User,
    /// owner, admin or member.
    pub role: String,
    pub last_read_seq: i64,
    pub last_delivered_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Chat {
    pub id: Uuid,
    /// direct or group.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: Option<String>,
    pub slug: Option<String>,
    pub avatar_url: Option<String>,
    pub members: Vec<ChatMember>,
    pub last_message: Option<MessagePreview>,
    pub last_seq: i64,
    pub unread_count: i64,
    /// The caller muted this chat: no push notifications from it.
    #[serde(default)]
    pub muted: bool,
    pub last_activity_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ChatResponse {
    pub chat: Chat,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ChatsResponse {
    pub chats: Vec<Chat>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDirectRequest {
    pub user_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateGroupRequest {
    pub name: String,
    #[serde(default)]
    pub participant_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateChatRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub avatar_media_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddMembersRequest {
    pub user_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateMemberRequest {
    /// admin or member; owner hands ownership over (the old owner becomes an admin).
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReadRequest {
    /// The seq of the last message read.
    #[cfg_attr(feature = "server", schema(minimum = 0))]
    pub seq: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MuteRequest {
    pub muted: bool,
}

/// What a chat page renders with: the chat and its latest messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatView {
    pub chat: Chat,
    pub messages: Vec<crate::messages::model::Message>,
    pub has_more: bool,
}

/// Most members a group may have.
pub const MAX_GROUP_MEMBERS: usize = 300;
/// Most groups one user may be in.
pub const MAX_GROUPS_PER_USER: u64 = 100;

/// 1–100 characters of printable text, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupName(String);

impl Chat {
    /// What a member sees as the chat's name: the group name, or the other person's.
    pub fn title(&self, me: Uuid) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => self
                .members
                .iter()
                .find(|m| m.user.id != me)
                .map(|m| m.user.display_name.clone())
                .unwrap_or_else(|| "Chat".to_owned()),
        }
    }
}

impl GroupName {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim();
        let len = value.chars().count();
        if len == 0 || len > 100 {
            return Err(Invalid::new("invalid_group_name", "Group names are 1 to 100 characters long."));
        }
        if value.chars().any(char::is_control) {
            return Err(Invalid::new("invalid_group_name", "Group names cannot contain control characters."));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The readable part of a group's URL: "Team Lunch!" → "team-lunch".
    pub fn slug_base(&self) -> String {
        let mut slug = String::new();
        for c in self.0.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
        }
        let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
        if slug.is_empty() { "group".to_owned() } else { slug }
    }
}

/// What other domains and reactions need to know of a chat: which it is, its kind and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRef {
    pub id: Uuid,
    pub kind: ChatKind,
    pub name: Option<String>,
}

/// A chat is one of two people (one per pair) or a named group; stored as "direct" or "group".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "server", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "server", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum ChatKind {
    #[cfg_attr(feature = "server", sea_orm(string_value = "direct"))]
    Direct,
    #[cfg_attr(feature = "server", sea_orm(string_value = "group"))]
    Group,
}

impl ChatKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Group => "group",
        }
    }
}

/// A member's role; stored as "owner", "admin" or "member".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "server", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Role {
    #[cfg_attr(feature = "server", sea_orm(string_value = "owner"))]
    Owner,
    #[cfg_attr(feature = "server", sea_orm(string_value = "admin"))]
    Admin,
    #[cfg_attr(feature = "server", sea_orm(string_value = "member"))]
    Member,
}

impl Role {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "owner" => Some(Self::Owner),
            "admin" => Some(Self::Admin),
            "member" => Some(Self::Member),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    /// Owners and admins manage members and names, and may delete others' messages.
    pub fn manages(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_are_trimmed_and_bounded() {
        assert_eq!(GroupName::parse("  Team  ").unwrap().as_str(), "Team");
        assert!(GroupName::parse(" ").is_err());
        assert!(GroupName::parse(&"x".repeat(101)).is_err());
    }

    #[test]
    fn slugs_are_readable_and_never_empty() {
        assert_eq!(GroupName::parse("Team Lunch!").unwrap().slug_base(), "team-lunch");
        assert_eq!(GroupName::parse("  Émile & Zoë  ").unwrap().slug_base(), "mile-zo");
        assert_eq!(GroupName::parse("!!!").unwrap().slug_base(), "group");
    }

    #[test]
    fn only_owners_and_admins_manage() {
        assert!(Role::Owner.manages() && Role::Admin.manages() && !Role::Member.manages());
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
    }
}
