//! Secrets that must never be compiled in or defaulted to a constant: from settings, or from
//! key files in DATA_DIR/secrets that the first start writes and every replica then shares.

use super::Settings;
use anyhow::{Context, bail};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Secrets that must never be compiled in or defaulted to a constant.
pub struct Secrets {
    pub cookie_key: Vec<u8>,
    pub jwt_key: Vec<u8>,
    /// The VAPID private key: a P-256 scalar, 32 bytes big-endian.
    pub vapid_key: Vec<u8>,
}

impl Settings {
    /// Takes secrets from settings, or from DATA_DIR/secrets, generating them on first start.
    pub fn secrets(&self) -> anyhow::Result<Secrets> {
        let dir = self.data_dir.join("secrets");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        let cookie_key = match &self.cookie_secret {
            Some(b64) => decode_key(b64, 64, "COOKIE_SECRET")?,
            None => file_key(&dir.join("cookie.key"), 64)?,
        };
        let jwt_key = match &self.jwt_secret {
            Some(b64) => decode_key(b64, 32, "JWT_SECRET")?,
            None => file_key(&dir.join("jwt.key"), 64)?,
        };
        let vapid_key = match &self.vapid_private_key {
            Some(b64) => decode_vapid_key(b64)?,
            None => file_key(&dir.join("vapid.key"), VAPID_KEY_LEN)?,
        };
        if vapid_key.len() != VAPID_KEY_LEN {
            bail!("{} is not {VAPID_KEY_LEN} bytes long; delete it to regenerate", dir.join("vapid.key").display());
        }
        Ok(Secrets { cookie_key, jwt_key, vapid_key })
    }
}

fn decode_key(b64: &str, min_len: usize, name: &str) -> anyhow::Result<Vec<u8>> {
    use base64::Engine;
    let key = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .with_context(|| format!("{name} is not valid base64"))?;
    if key.len() < min_len {
        bail!("{name} must decode to at least {min_len} bytes");
    }
    Ok(key)
}

/// A P-256 private key (scalar) is 32 bytes.
const VAPID_KEY_LEN: usize = 32;

/// VAPID keys are passed around as base64url (as web-push tools print them); padding is optional.
fn decode_vapid_key(b64: &str) -> anyhow::Result<Vec<u8>> {
    use base64::Engine;
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(b64.trim().trim_end_matches('='))
        .context("VAPID_PRIVATE_KEY is not valid base64url")?;
    if key.len() != VAPID_KEY_LEN {
        bail!("VAPID_PRIVATE_KEY must decode to {VAPID_KEY_LEN} bytes");
    }
    Ok(key)
}

/// Reads a key file, or creates it with fresh random bytes, readable by the owner only.
fn file_key(path: &Path, len: usize) -> anyhow::Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(key) if key.len() >= len => return Ok(key),
        // Another process sharing this folder created it and is still writing it.
        Ok(_) => return wait_for_key(path, len),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    let mut key = vec![0u8; len];
    rand::fill(&mut key[..]);
    let created = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path);
    let mut file = match created {
        Ok(file) => file,
        // Another process sharing this folder created it a moment ago: use theirs once written.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return wait_for_key(path, len),
        Err(e) => return Err(e).with_context(|| format!("creating {}", path.display())),
    };
    file.write_all(&key)?;
    file.sync_all()?;
    Ok(key)
}

fn wait_for_key(path: &Path, len: usize) -> anyhow::Result<Vec<u8>> {
    for _ in 0..50 {
        match std::fs::read(path) {
            Ok(key) if key.len() >= len => return Ok(key),
            _ => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
    bail!("{} stayed shorter than {len} bytes; delete it to regenerate", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_in(dir: &Path) -> Settings {
        Settings::from_args(["--data-dir".to_owned(), dir.display().to_string()]).unwrap()
    }

    #[test]
    fn secrets_are_generated_once_kept_private_and_reused() {
        let dir = std::env::temp_dir().join(format!("parlor-secrets-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let settings = settings_in(&dir);
        let first = settings.secrets().unwrap();
        let again = settings.secrets().unwrap();
        assert_eq!(first.cookie_key, again.cookie_key);
        assert_eq!(first.jwt_key.len(), 64);
        assert_ne!(first.cookie_key[..32], first.jwt_key[..32]);
        let mode = std::fs::metadata(dir.join("secrets/jwt.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn replicas_starting_together_on_one_folder_agree_on_the_secrets() {
        // Each thread plays a process on first start: one creates each key file, the others may
        // find it empty or half written and must wait for it instead of giving up.
        for round in 0..20 {
            let dir = std::env::temp_dir().join(format!("parlor-race-{}-{round}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let start = std::sync::Arc::new(std::sync::Barrier::new(6));
            let threads: Vec<_> = (0..6)
                .map(|_| {
                    let (settings, start) = (settings_in(&dir), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        settings.secrets().map(|s| (s.cookie_key, s.jwt_key, s.vapid_key)).map_err(|e| e.to_string())
                    })
                })
                .collect();
            let keys: Vec<_> = threads.into_iter().map(|t| t.join().unwrap().expect("every replica starts")).collect();
            assert!(keys.windows(2).all(|w| w[0] == w[1]), "one set of secrets");
            let _ = std::fs::remove_dir_all(&dir);
        }
    }

    #[test]
    fn the_vapid_key_is_generated_once_kept_private_and_reused_unless_given() {
        let dir = std::env::temp_dir().join(format!("parlor-vapid-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let settings = settings_in(&dir);
        let first = settings.secrets().unwrap();
        assert_eq!(first.vapid_key.len(), 32);
        assert_eq!(settings.secrets().unwrap().vapid_key, first.vapid_key, "reused on restart");
        let mode = std::fs::metadata(dir.join("secrets/vapid.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);

        let given = Settings::from_args([
            "--data-dir".to_owned(),
            dir.display().to_string(),
            "--vapid-private-key".to_owned(),
            "RS0WdYWWo1HajXg3NZR1olzCf31i-ZBGDkFyCs7j1jw".to_owned(),
        ])
        .unwrap();
        let key = given.secrets().unwrap().vapid_key;
        assert_eq!(key.len(), 32);
        assert_ne!(key, first.vapid_key, "the setting wins over the file");
        let short = Settings::from_args([
            "--data-dir".to_owned(),
            dir.display().to_string(),
            "--vapid-private-key".to_owned(),
            "c2hvcnQ".to_owned(),
        ]);
        assert!(short.unwrap().secrets().is_err(), "a key that is not 32 bytes is refused");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
