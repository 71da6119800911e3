//! Wire types of the auth API and the validated values they carry (shared by client and server).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "server")]
use utoipa::ToSchema;

/// A user as everyone else sees them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub avatar_url: Option<String>,
    /// online, away or offline.
    pub status: String,
    pub last_seen_at: Option<DateTime<Utc>>,
}

impl User {
    /// How someone whose presence the viewer may not see looks: offline, never seen.
    pub fn hide_presence(&mut self) {
        self.status = "offline".to_owned();
        self.last_seen_at = None;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct UserResponse {
    pub user: User,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct UsersResponse {
    pub users: Vec<User>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3–50 letters, digits, `_`, `.` or `-` (surrounding spaces are dropped).
    #[cfg_attr(feature = "server", schema(min_length = 3))]
    pub username: String,
    /// At least 8 characters, at most 1024 bytes.
    #[cfg_attr(feature = "server", schema(min_length = 8, max_length = 1024))]
    pub password: String,
    #[serde(default)]
    pub password_confirm: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub device_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub user: User,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogoutRequest {
    /// Sign out every device of this account, not only this one.
    #[serde(default)]
    pub all: bool,
}

/// One signed-in device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub id: Uuid,
    pub device_name: String,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_active_at: DateTime<Utc>,
    /// The session making this request.
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct SessionsResponse {
    pub sessions: Vec<SessionInfo>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateMeRequest {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub avatar_media_id: Option<Uuid>,
}

pub use crate::validation::Invalid;

/// 3–50 letters, digits, `_`, `.` or `-`; unique regardless of case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim();
        let len = value.chars().count();
        if !(3..=50).contains(&len) {
            return Err(Invalid { code: "invalid_username", message: "Usernames are 3 to 50 characters long." });
        }
        if !value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
            return Err(Invalid {
                code: "invalid_username",
                message: "Usernames may contain only letters, digits, '_', '.' and '-'.",
            });
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive key that makes usernames unique.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

/// At least 8 characters; at most 1024 so hashing cost stays bounded.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let len = raw.chars().count();
        if len < 8 {
            return Err(Invalid { code: "weak_password", message: "Passwords need at least 8 characters." });
        }
        if raw.len() > 1024 {
            return Err(Invalid { code: "invalid_password", message: "Passwords are at most 1024 bytes." });
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// 1–100 characters of printable text, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim();
        let len = value.chars().count();
        if len == 0 || len > 100 {
            return Err(Invalid {
                code: "invalid_display_name",
                message: "Display names are 1 to 100 characters long.",
            });
        }
        if value.chars().any(char::is_control) {
            return Err(Invalid {
                code: "invalid_display_name",
                message: "Display names cannot contain control characters.",
            });
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A device label such as "Firefox on Linux"; too long or odd input is cut, never refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceName(String);

impl DeviceName {
    pub fn from_input(raw: Option<&str>, user_agent: Option<&str>) -> Self {
        let chosen = raw
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| describe_user_agent(user_agent.unwrap_or_default()));
        let clean: String = chosen.chars().filter(|c| !c.is_control()).take(100).collect();
        Self(clean)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// "Chrome on Linux" from a User-Agent header; "Unknown device" when nothing is recognised.
fn describe_user_agent(ua: &str) -> String {
    let browser = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
        .iter()
        .find(|(needle, _)| ua.contains(needle))
        .map(|(_, name)| *name);
    let os = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(o)) => o.to_owned(),
        (None, None) if !ua.is_empty() => ua.chars().take(60).collect(),
        (None, None) => "Unknown device".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_of_allowed_characters_are_accepted_and_keyed_case_insensitively() {
        let name = Username::parse("Alice_B.c-1").unwrap();
        assert_eq!(name.as_str(), "Alice_B.c-1");
        assert_eq!(name.key(), "alice_b.c-1");
    }

    #[test]
    fn usernames_that_are_too_short_too_long_or_odd_are_refused() {
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse(&"a".repeat(51)).is_err());
        assert!(Username::parse("has space").is_err());
        assert!(Username::parse("émile").is_err());
        assert!(Username::parse("<script>").is_err());
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert_eq!(Password::parse("1234567").unwrap_err().code, "weak_password");
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse(&"x".repeat(2000)).is_err());
    }

    #[test]
    fn passwords_never_show_in_debug_output() {
        let p = Password::parse("supersecret").unwrap();
        assert!(!format!("{p:?}").contains("supersecret"));
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada  ").unwrap().as_str(), "Ada");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(101)).is_err());
        assert!(DisplayName::parse("a\u{7}b").is_err());
    }

    #[test]
    fn device_names_come_from_the_user_agent_when_not_given() {
        let ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36";
        assert_eq!(DeviceName::from_input(None, Some(ua)).as_str(), "Chrome on Linux");
        assert_eq!(DeviceName::from_input(Some("  My phone "), Some(ua)).as_str(), "My phone");
        assert_eq!(DeviceName::from_input(Some(&"x".repeat(300)), None).as_str().len(), 100);
        assert_eq!(DeviceName::from_input(None, None).as_str(), "Unknown device");
    }
}
