//! `--users-file`: users and their access tokens kept across runs. Signing in hashes a
//! password (about 100 a second here), so a rerun that reuses valid tokens sets up thousands
//! of users in no time, and a server restarted on the same DATA_DIR (same token secret) can
//! be measured on a clean heap.

use crate::setup::User;
use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Seconds a reused token must outlive the run by, on top of duration and drain.
pub const MARGIN_SECS: u64 = 120;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersFile {
    /// The username prefix these users were made with (reused when --prefix is not given).
    #[serde(default)]
    pub prefix: Option<String>,
    /// Base URL → username → saved user.
    #[serde(default)]
    pub targets: BTreeMap<String, BTreeMap<String, Saved>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    pub id: String,
    pub token: String,
    /// When the token expires, in Unix seconds (sign-in time + `expiresIn`).
    pub expires_at: u64,
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl UsersFile {
    /// The file's users, or none when it does not exist yet.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .with_context(|| format!("{} is not a chat-bench users file", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Writes a temporary file next to `path` and renames it over `path`, so that an
    /// interrupted run never leaves half a file.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(format!(".tmp{}", std::process::id()));
        let tmp = std::path::PathBuf::from(tmp);
        let text = serde_json::to_string(self)?;
        std::fs::write(&tmp, text + "\n").with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))
    }

    /// Users `0..count` (named `{prefix}{i}`, on `bases[instance(i)]`) whose saved token is
    /// valid until at least `until` (Unix seconds); None for those to sign in again.
    pub fn reusable(
        &self,
        bases: &[String],
        prefix: &str,
        count: usize,
        instance: impl Fn(usize) -> usize,
        until: u64,
    ) -> Vec<Option<User>> {
        (0..count)
            .map(|i| {
                let at = instance(i);
                let saved = self.targets.get(&bases[at])?.get(&format!("{prefix}{i}"))?;
                (saved.expires_at >= until).then(|| User {
                    id: saved.id.clone(),
                    token: saved.token.clone(),
                    instance: at,
                })
            })
            .collect()
    }

    pub fn put(&mut self, base: &str, username: String, saved: Saved) {
        self.targets.entry(base.to_owned()).or_default().insert(username, saved);
    }

    /// Drops every user of one target (its server no longer takes their tokens).
    pub fn forget(&mut self, base: &str) {
        self.targets.remove(base);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(id: &str, expires_at: u64) -> Saved {
        Saved { id: id.into(), token: format!("t{id}"), expires_at }
    }

    #[test]
    fn only_tokens_valid_long_enough_on_the_right_target_are_reused() {
        let bases = vec!["http://a".to_owned(), "http://b".to_owned()];
        let mut f = UsersFile::default();
        f.put("http://a", "p_0".into(), saved("0", 1000));
        f.put("http://b", "p_1".into(), saved("1", 999));
        f.put("http://a", "p_2".into(), saved("2", 5000));
        f.put("http://a", "p_3".into(), saved("3", 5000)); // user 3 belongs on b
        let got = f.reusable(&bases, "p_", 5, |i| i % 2, 1000);
        assert_eq!(got[0].as_ref().map(|u| (u.id.as_str(), u.token.as_str(), u.instance)), Some(("0", "t0", 0)));
        assert!(got[1].is_none(), "expires before the run ends");
        assert!(got[2].is_some());
        assert!(got[3].is_none(), "saved for another target");
        assert!(got[4].is_none(), "never saved");
        assert!(f.reusable(&bases, "q_", 5, |i| i % 2, 0).iter().all(Option::is_none), "another prefix");
        f.forget("http://a");
        assert!(f.reusable(&bases, "p_", 5, |i| i % 2, 0)[0].is_none());
    }

    #[test]
    fn the_file_round_trips_and_is_replaced_whole() {
        let dir = std::env::temp_dir().join(format!("chat-bench-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("users.json");
        assert!(UsersFile::load(&path).unwrap().targets.is_empty(), "a missing file is an empty one");
        let mut f = UsersFile { prefix: Some("p_".into()), ..UsersFile::default() };
        f.put("http://a", "p_0".into(), saved("0", 42));
        f.save(&path).unwrap();
        f.put("http://a", "p_1".into(), saved("1", 43));
        f.save(&path).unwrap();
        let back = UsersFile::load(&path).unwrap();
        assert_eq!(back.prefix.as_deref(), Some("p_"));
        assert_eq!(back.targets["http://a"]["p_1"], saved("1", 43));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file left");
        std::fs::write(&path, "not json").unwrap();
        assert!(UsersFile::load(&path).is_err(), "a damaged file is not silently replaced");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
