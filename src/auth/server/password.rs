//! Password hashing with argon2id (default parameters: 19 MiB, 2 passes), on a few threads of
//! its own so the async workers stay free.
//!
//! Why not tokio's blocking pool and the crate's allocating API: each hash takes a fresh
//! 19 MiB buffer, and under concurrent sign-ins the process kept most of them (100 sign-ins,
//! 8 at a time, left a debug server at 1.5 GB). Here each hashing thread owns one buffer and
//! reuses it, so the memory for hashing is at most threads × 19 MiB, whatever the load.

use crate::auth::model::Password;
use crate::error::AppError;
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send>;

/// One thread per core, at most 4: hashing is CPU-bound, more threads would only queue.
static WORKERS: LazyLock<Sender<Job>> = LazyLock::new(|| {
    let (jobs, queue) = channel::<Job>();
    let queue: Arc<Mutex<Receiver<Job>>> = Arc::new(Mutex::new(queue));
    let count = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
    for i in 0..count {
        let queue = queue.clone();
        let spawned = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
            loop {
                let next = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
                match next {
                    Ok(job) => job(),
                    Err(_) => break,
                }
            }
        });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start a password-hashing thread");
        }
    }
    jobs
});

thread_local! {
    /// This thread's argon2 memory, allocated on first use and reused for every hash.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs `work` on a hashing thread and waits for it without blocking the async runtime.
async fn on_worker<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    let (done, result) = tokio::sync::oneshot::channel();
    WORKERS
        .send(Box::new(move || {
            let _ = done.send(work());
        }))
        .map_err(|_| anyhow::anyhow!("the password-hashing threads are gone"))?;
    Ok(result.await.map_err(|_| anyhow::anyhow!("a password-hashing job was dropped"))?)
}

/// argon2 into `out`, in this thread's reused memory.
fn derive(
    argon: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    BLOCKS.with(|cell| {
        let mut blocks = cell.borrow_mut();
        let needed = params.block_count();
        if blocks.len() < needed {
            blocks.resize(needed, Block::default());
        }
        argon.hash_password_into_with_memory(password, salt, out, &mut blocks[..needed])
    })
}

pub async fn hash(password: Password) -> Result<String, AppError> {
    on_worker(move || hash_now(password.expose())).await?
}

/// Verifies against the stored hash, or against a dummy hash when the user does not exist,
/// so "no such user" and "wrong password" take the same time.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    on_worker(move || {
        let hash = match &stored {
            Some(h) => h.as_str(),
            None => dummy_hash(),
        };
        let ok = PasswordHash::new(hash).is_ok_and(|parsed| matches(password.as_bytes(), &parsed));
        ok && stored.is_some()
    })
    .await
}

/// Recomputes the stored hash with its own algorithm, parameters and salt, and compares the
/// outputs in constant time (`Output`'s equality is).
fn matches(password: &[u8], stored: &PasswordHash<'_>) -> bool {
    let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(stored.algorithm), Params::try_from(stored)) else {
        return false;
    };
    let version = stored.version.and_then(|v| Version::try_from(v).ok()).unwrap_or_default();
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    derive(&argon, &params, password, salt, &mut out).is_ok()
        && Output::new(&out).is_ok_and(|actual| actual == expected)
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let mut salt_bytes = [0u8; 16];
    rand::fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    derive(&argon, &params, password.as_bytes(), &salt_bytes, &mut out).map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    let output = Output::new(&out).map_err(|e| anyhow::anyhow!("hash output: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params).try_into().map_err(|e| anyhow::anyhow!("hash params: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("a password nobody has").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let stored = hash(Password::parse("correct horse").unwrap()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), Some(stored.clone())).await.unwrap());
        assert!(!verify("wrong horse!".into(), Some(stored)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify("a password nobody has".into(), None).await.unwrap());
    }

    /// Hashes made by the crate's own API (as stored before this module reused memory) verify.
    #[tokio::test]
    async fn hashes_from_the_plain_argon2_api_still_verify() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let stored = Argon2::default().hash_password(b"older password", &salt).unwrap().to_string();
        assert!(verify("older password".into(), Some(stored.clone())).await.unwrap());
        assert!(!verify("older passwort".into(), Some(stored)).await.unwrap());
        let ours = hash(Password::parse("older password").unwrap()).await.unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            argon2::password_hash::PasswordVerifier::verify_password(&Argon2::default(), b"older password", &parsed)
                .is_ok()
        );
    }

    #[tokio::test]
    async fn the_same_password_hashes_differently_each_time() {
        let a = hash(Password::parse("same password").unwrap()).await.unwrap();
        let b = hash(Password::parse("same password").unwrap()).await.unwrap();
        assert_ne!(a, b);
    }
}
